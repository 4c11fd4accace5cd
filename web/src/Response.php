<?php

declare(strict_types=1);

namespace CatalogSearch\Web;

/** Response is a status, headers and a body, sent once by the front controller. */
final class Response
{
    /** @var array<string, string> */
    public array $headers = [];
    /** @var list<string> */
    public array $cookies = [];

    public function __construct(
        public int $status = 200,
        public string $body = '',
        string $contentType = 'text/html; charset=utf-8',
    ) {
        $this->headers['Content-Type'] = $contentType;
    }

    public static function redirect(string $location, int $status = 303): self
    {
        $r = new self($status, '');
        $r->headers['Location'] = $location;
        return $r;
    }

    /** @param array<mixed> $data */
    public static function json(array $data, int $status = 200): self
    {
        $body = json_encode($data, JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE
            | JSON_HEX_TAG | JSON_HEX_AMP | JSON_HEX_APOS | JSON_HEX_QUOT);
        return new self($status, $body, 'application/json; charset=utf-8');
    }

    public function header(string $name, string $value): self
    {
        $this->headers[$name] = $value;
        return $this;
    }

    /** send writes the response through PHP's SAPI, gzip-compressing text when the client accepts it. */
    public function send(string $acceptEncoding = ''): void
    {
        $body = $this->body;
        $compressible = strlen($body) > 1024
            && preg_match('#^(text/|application/json)#', $this->headers['Content-Type'] ?? '') === 1
            && preg_match('/\bgzip\b/i', $acceptEncoding) === 1
            && function_exists('gzencode');
        if ($compressible) {
            $gz = gzencode($body, 6);
            if ($gz !== false) {
                $body = $gz;
                $this->headers['Content-Encoding'] = 'gzip';
            }
        }
        $vary = $this->headers['Vary'] ?? '';
        if ($compressible) {
            $this->headers['Vary'] = $vary === '' ? 'Accept-Encoding' : $vary . ', Accept-Encoding';
        }
        header_remove('X-Powered-By');
        http_response_code($this->status);
        foreach ($this->headers as $name => $value) {
            header($name . ': ' . $value);
        }
        foreach ($this->cookies as $cookie) {
            header('Set-Cookie: ' . $cookie, false);
        }
        header('Content-Length: ' . strlen($body));
        echo $body;
    }
}
