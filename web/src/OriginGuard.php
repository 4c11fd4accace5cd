<?php

declare(strict_types=1);

namespace CatalogSearch\Web;

/**
 * OriginGuard refuses requests that did not come through CloudFront. On
 * AWS the distribution adds the header X-Origin-Verify, whose value is a
 * secret generated in Secrets Manager, to every request it sends to the
 * site's origin, and the stack gives the same value to the function as
 * CATALOG_ORIGIN_SECRET. A request to the origin's own address (the HTTP
 * API's execute-api host) lacks it and is answered 403 before any page
 * runs. Without CATALOG_ORIGIN_SECRET (locally, behind catalogctl serve)
 * every request passes.
 */
final class OriginGuard
{
    public const HEADER = 'X-Origin-Verify';
    public const ENV = 'CATALOG_ORIGIN_SECRET';
    /** The $_SERVER key under which PHP puts the header. */
    private const SERVER_KEY = 'HTTP_X_ORIGIN_VERIFY';

    public function __construct(private readonly string $secret)
    {
    }

    /** @param array<string, string|false>|string|false $env getenv() or one variable */
    public static function fromEnv(array|string|false $env): self
    {
        $value = is_array($env) ? ($env[self::ENV] ?? '') : $env;
        return new self(is_string($value) ? trim($value) : '');
    }

    /** enabled reports whether a secret is configured. */
    public function enabled(): bool
    {
        return $this->secret !== '';
    }

    /**
     * allows reports whether the request, given as $_SERVER, carries the
     * secret (compared in constant time), or no secret is configured.
     *
     * @param array<string, mixed> $server
     */
    public function allows(array $server): bool
    {
        if ($this->secret === '') {
            return true;
        }
        $got = $server[self::SERVER_KEY] ?? '';
        return is_string($got) && hash_equals($this->secret, $got);
    }

    /** refusal is the answer to a request that went around CloudFront. */
    public static function refusal(): Response
    {
        $r = new Response(403, "Forbidden: use the site's address.\n", 'text/plain; charset=utf-8');
        $r->headers['Cache-Control'] = 'no-store';
        $r->headers['X-Content-Type-Options'] = 'nosniff';
        return $r;
    }
}
