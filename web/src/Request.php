<?php

declare(strict_types=1);

namespace CatalogSearch\Web;

/**
 * Request is the part of an HTTP request the site reads. Query parameters
 * keep every value of a repeated key (brand=A&brand=B), which PHP's $_GET
 * would collapse.
 */
final class Request
{
    /**
     * @param array<string, list<string>> $query
     * @param array<string, string> $headers lower-case names
     * @param array<string, string> $cookies
     * @param array<string, string> $post
     * @param array<string, array<string, mixed>> $files
     */
    public function __construct(
        public readonly string $method,
        public readonly string $path,
        public readonly array $query = [],
        public readonly array $headers = [],
        public readonly array $cookies = [],
        public readonly array $post = [],
        public readonly array $files = [],
        public readonly bool $https = false,
    ) {
    }

    /** fromGlobals builds the request PHP received (php -S, PHP-FPM or Bref). */
    public static function fromGlobals(): self
    {
        $uri = (string) ($_SERVER['REQUEST_URI'] ?? '/');
        // Split by hand: parse_url() would read "//host/x" as an authority.
        [$path, $uriQuery] = array_pad(explode('?', $uri, 2), 2, '');
        $queryString = (string) ($_SERVER['QUERY_STRING'] ?? $uriQuery);
        $headers = [];
        foreach ($_SERVER as $key => $value) {
            if (is_string($value) && str_starts_with((string) $key, 'HTTP_')) {
                $headers[strtolower(str_replace('_', '-', substr((string) $key, 5)))] = $value;
            }
        }
        foreach (['CONTENT_TYPE' => 'content-type', 'CONTENT_LENGTH' => 'content-length'] as $key => $name) {
            if (isset($_SERVER[$key]) && is_scalar($_SERVER[$key])) {
                $headers[$name] = (string) $_SERVER[$key];
            }
        }
        $https = (!empty($_SERVER['HTTPS']) && $_SERVER['HTTPS'] !== 'off')
            || strtolower($headers['x-forwarded-proto'] ?? '') === 'https'
            || strtolower($headers['cloudfront-forwarded-proto'] ?? '') === 'https';
        $cookies = [];
        foreach ($_COOKIE as $k => $v) {
            if (is_string($v)) {
                $cookies[(string) $k] = $v;
            }
        }
        $post = [];
        foreach ($_POST as $k => $v) {
            if (is_string($v)) {
                $post[(string) $k] = $v;
            }
        }
        $files = [];
        foreach ($_FILES as $k => $v) {
            if (is_array($v)) {
                $files[(string) $k] = $v;
            }
        }
        return new self(
            strtoupper((string) ($_SERVER['REQUEST_METHOD'] ?? 'GET')),
            $path === '' ? '/' : $path,
            self::parseQuery($queryString),
            $headers,
            $cookies,
            $post,
            $files,
            $https,
        );
    }

    /**
     * parseQuery splits an application/x-www-form-urlencoded string, keeping
     * repeated keys in order. "brand[]" is read as "brand".
     *
     * @return array<string, list<string>>
     */
    public static function parseQuery(string $qs): array
    {
        $out = [];
        foreach (explode('&', $qs) as $pair) {
            if ($pair === '') {
                continue;
            }
            [$k, $v] = array_pad(explode('=', $pair, 2), 2, '');
            $k = urldecode($k);
            $v = urldecode($v);
            if (str_ends_with($k, '[]')) {
                $k = substr($k, 0, -2);
            }
            if ($k === '' || !self::validUtf8($k) || !self::validUtf8($v)) {
                continue;
            }
            $out[$k][] = $v;
        }
        return $out;
    }

    /** first returns the first value of a query parameter, trimmed, or ''. */
    public function first(string $key): string
    {
        return trim($this->query[$key][0] ?? '');
    }

    /**
     * all returns the distinct non-empty values of a repeated parameter.
     *
     * @return list<string>
     */
    public function all(string $key): array
    {
        $out = [];
        foreach ($this->query[$key] ?? [] as $v) {
            $v = trim($v);
            if ($v !== '' && !in_array($v, $out, true)) {
                $out[] = $v;
            }
        }
        return $out;
    }

    public function header(string $name): string
    {
        return $this->headers[strtolower($name)] ?? '';
    }

    private static function validUtf8(string $s): bool
    {
        return preg_match('//u', $s) === 1;
    }
}
