<?php

declare(strict_types=1);

namespace CatalogSearch\Web;

/**
 * ApiClient calls the Catalog Search HTTP API with PHP's stream wrappers
 * (no extension beyond the core). Every call has a timeout that bounds the
 * connection and each read; failures become ApiError, never PHP warnings.
 * It sums the time spent waiting for the API so pages can report it in a
 * Server-Timing header. A client made by withKey sends a partner's API key
 * as X-Api-Key on the API calls (never to an upload or download URL, never
 * in errors), with the generation of the partner's site session when it
 * has one.
 */
final class ApiClient
{
    private float $apiSeconds = 0.0;
    private int $calls = 0;
    private string $key = '';
    private ?int $generation = null;
    private ?self $parent = null;

    /**
     * originSecret, when not empty, is sent as the X-Origin-Verify header on
     * every request under the base URL (on AWS the REST API's WAF refuses
     * requests without it: the site calls the API's own address, not
     * through CloudFront), never to another host such as an upload URL.
     */
    public function __construct(
        private readonly string $baseUrl,
        private readonly float $timeout = Config::DEFAULT_TIMEOUT,
        private readonly string $originSecret = '',
    ) {
    }

    /**
     * withKey returns a client that sends key as the X-Api-Key header on
     * getJson, postJson and getRaw, and the generation of a signed-in
     * session as X-Session-Generation (the API refuses it, 401, once that
     * session ended); its time and calls count in this one's.
     */
    public function withKey(string $key, ?int $generation = null): self
    {
        if (preg_match('/^[\x21-\x7e]{1,200}$/', $key) !== 1) {
            throw new ApiError('unauthorized', 401, 'the API key is not well-formed');
        }
        $c = clone $this;
        $c->key = $key;
        $c->generation = $generation;
        $c->parent = $this;
        return $c;
    }

    /** apiSeconds is the wall time spent in API calls so far. */
    public function apiSeconds(): float
    {
        return $this->apiSeconds;
    }

    /** calls is the number of API calls made so far. */
    public function calls(): int
    {
        return $this->calls;
    }

    /**
     * getJson GETs path (relative to the base URL, starting with "/") with
     * query parameters, where a list value repeats its key.
     *
     * @param array<string, string|int|list<string>> $query
     * @return array<string, mixed>
     * @throws ApiError
     */
    public function getJson(string $path, array $query = []): array
    {
        $res = $this->request('GET', $this->url($path, $query), $this->withKeyHeader(['Accept: application/json']));
        return $this->decode($res, $path);
    }

    /**
     * postJson POSTs a JSON body (none when null) and decodes the JSON answer.
     *
     * @param array<string, mixed>|null $body
     * @return array<string, mixed>
     * @throws ApiError
     */
    public function postJson(string $path, ?array $body): array
    {
        if ($body === null) {
            $res = $this->request('POST', $this->url($path, []), $this->withKeyHeader(['Accept: application/json']), '');
            return $this->decode($res, $path);
        }
        $json = json_encode($body, JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
        $res = $this->request(
            'POST',
            $this->url($path, []),
            $this->withKeyHeader(['Accept: application/json', 'Content-Type: application/json']),
            $json,
        );
        return $this->decode($res, $path);
    }

    /**
     * putJson PUTs body as JSON to path and decodes the JSON answer.
     *
     * @param array<string, mixed> $body
     * @return array<string, mixed>
     * @throws ApiError
     */
    public function putJson(string $path, array $body): array
    {
        $json = json_encode($body, JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
        $res = $this->request(
            'PUT',
            $this->url($path, []),
            $this->withKeyHeader(['Accept: application/json', 'Content-Type: application/json']),
            $json,
        );
        return $this->decode($res, $path);
    }

    /**
     * getRaw GETs path and returns the body and content type as they are
     * (for file downloads such as rejected rows).
     *
     * @return array{body: string, type: string}
     * @throws ApiError
     */
    public function getRaw(string $path): array
    {
        $res = $this->request('GET', $this->url($path, []), $this->withKeyHeader(['Accept: text/csv, */*']));
        if ($res['status'] < 200 || $res['status'] >= 300) {
            throw $this->errorFrom($res, $path);
        }
        return ['body' => $res['body'], 'type' => $res['headers']['content-type'] ?? 'application/octet-stream'];
    }

    /**
     * getRedirect GETs path, which the API answers with a redirect (such as
     * rejected rows: 303 to a short-lived URL of the file), and returns the
     * absolute URL it points to, without following it.
     *
     * @throws ApiError when the answer is not a redirect
     */
    public function getRedirect(string $path): string
    {
        $res = $this->request('GET', $this->url($path, []), $this->withKeyHeader(['Accept: application/json']));
        $location = $res['headers']['location'] ?? '';
        if ($res['status'] < 300 || $res['status'] >= 400 || $location === '') {
            if ($res['status'] >= 200 && $res['status'] < 400) {
                throw new ApiError('internal', $res['status'], "$path: answer is not a redirect", $path);
            }
            throw $this->errorFrom($res, $path);
        }
        return $this->resolve($location);
    }

    /**
     * send performs a request to an absolute http(s) URL or to a path on the
     * API, with headers as given (no API key; the origin secret only under
     * the base URL).
     *
     * @param list<string> $headers
     * @return array{status: int, headers: array<string, string>, body: string}
     * @throws ApiError on transport failure only
     */
    public function send(string $method, string $urlOrPath, array $headers, string $body): array
    {
        $url = $this->resolve($urlOrPath);
        return $this->request($method, $url, $headers, $body);
    }

    /**
     * resolve turns a path on the API ("/v1/...") into a URL under the base
     * URL, and accepts absolute http(s) URLs as they are (upload and
     * download URLs the API hands out, which the browser uses).
     */
    public function resolve(string $urlOrPath): string
    {
        if (preg_match('#^https?://#i', $urlOrPath) === 1) {
            return $urlOrPath;
        }
        if (!str_starts_with($urlOrPath, '/')) {
            throw new ApiError('internal', 0, 'URL from the API is neither absolute nor a path: ' . $urlOrPath);
        }
        return $this->baseUrl . $urlOrPath;
    }

    /**
     * @param list<string> $headers
     * @return list<string>
     */
    private function withKeyHeader(array $headers): array
    {
        if ($this->key !== '') {
            $headers[] = 'X-Api-Key: ' . $this->key;
            if ($this->generation !== null) {
                $headers[] = 'X-Session-Generation: ' . $this->generation;
            }
        }
        return $headers;
    }

    /** @return list<string> the origin header when url is under the base URL */
    private function originHeader(string $url): array
    {
        if ($this->originSecret === '' || !str_starts_with($url, rtrim($this->baseUrl, '/') . '/')) {
            return [];
        }
        return [OriginGuard::HEADER . ': ' . $this->originSecret];
    }

    /** @param array<string, string|int|list<string>> $query */
    public function url(string $path, array $query): string
    {
        $parts = [];
        foreach ($query as $key => $value) {
            foreach (is_array($value) ? $value : [$value] as $v) {
                $parts[] = rawurlencode((string) $key) . '=' . rawurlencode((string) $v);
            }
        }
        return $this->baseUrl . $path . ($parts === [] ? '' : '?' . implode('&', $parts));
    }

    /**
     * @param list<string> $headers
     * @return array{status: int, headers: array<string, string>, body: string}
     */
    private function request(string $method, string $url, array $headers, ?string $body = null): array
    {
        $http = [
            'method' => $method,
            'timeout' => $this->timeout,
            'ignore_errors' => true,
            'follow_location' => 0,
            'protocol_version' => 1.1,
            'header' => array_merge($headers, $this->originHeader($url), ['Connection: close', 'User-Agent: catalogsearch-web']),
        ];
        if ($body !== null) {
            $http['content'] = $body;
        }
        $context = stream_context_create(['http' => $http]);
        $start = hrtime(true);
        $this->calls++;
        if ($this->parent !== null) {
            $this->parent->calls++;
        }
        $failure = '';
        set_error_handler(static function (int $no, string $msg) use (&$failure): bool {
            $failure = $msg;
            return true;
        });
        try {
            $stream = fopen($url, 'rb', false, $context);
            $data = false;
            $meta = [];
            if ($stream !== false) {
                $data = stream_get_contents($stream);
                $meta = stream_get_meta_data($stream);
                fclose($stream);
            }
        } finally {
            restore_error_handler();
            $this->apiSeconds += (hrtime(true) - $start) / 1e9;
            if ($this->parent !== null) {
                $this->parent->apiSeconds += (hrtime(true) - $start) / 1e9;
            }
        }
        $path = (string) parse_url($url, PHP_URL_PATH);
        if ($stream === false || $data === false) {
            throw new ApiError('unavailable', 0, "$method $path: " . ($failure !== '' ? $failure : 'no answer'), $path);
        }
        if (!empty($meta['timed_out'])) {
            throw new ApiError('unavailable', 0, "$method $path: timed out after {$this->timeout}s", $path);
        }
        $lines = $meta['wrapper_data'] ?? [];
        $status = 0;
        $parsed = [];
        foreach (is_array($lines) ? $lines : [] as $line) {
            if (!is_string($line)) {
                continue;
            }
            if (preg_match('#^HTTP/\S+\s+(\d{3})#', $line, $m) === 1) {
                $status = (int) $m[1];
                $parsed = [];
                continue;
            }
            $colon = strpos($line, ':');
            if ($colon !== false) {
                $parsed[strtolower(trim(substr($line, 0, $colon)))] = trim(substr($line, $colon + 1));
            }
        }
        if ($status === 0) {
            throw new ApiError('unavailable', 0, "$method $path: no HTTP status", $path);
        }
        return ['status' => $status, 'headers' => $parsed, 'body' => $data];
    }

    /**
     * @param array{status: int, headers: array<string, string>, body: string} $res
     * @return array<string, mixed>
     */
    private function decode(array $res, string $path): array
    {
        if ($res['status'] < 200 || $res['status'] >= 300) {
            throw $this->errorFrom($res, $path);
        }
        if ($res['status'] === 204) {
            return []; // done, nothing to say (POST /v1/search/clicks)
        }
        try {
            $data = json_decode($res['body'], true, 64, JSON_THROW_ON_ERROR);
        } catch (\JsonException $e) {
            throw new ApiError('internal', $res['status'], "$path: answer is not JSON: " . $e->getMessage(), $path);
        }
        if (!is_array($data)) {
            throw new ApiError('internal', $res['status'], "$path: answer is not a JSON object", $path);
        }
        return $data;
    }

    /** @param array{status: int, headers: array<string, string>, body: string} $res */
    private function errorFrom(array $res, string $path): ApiError
    {
        $code = match (true) {
            $res['status'] === 404 => 'route_not_found',
            $res['status'] >= 500 => 'unavailable',
            default => 'internal',
        };
        $message = 'HTTP ' . $res['status'];
        $data = json_decode($res['body'], true);
        if (is_array($data) && isset($data['error']) && is_array($data['error'])) {
            $code = is_string($data['error']['code'] ?? null) ? $data['error']['code'] : $code;
            $message .= ': ' . (is_string($data['error']['message'] ?? null) ? $data['error']['message'] : '');
        }
        return new ApiError($code, $res['status'], "$path: $message", $path);
    }
}
