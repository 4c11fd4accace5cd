<?php

declare(strict_types=1);

namespace CatalogSearch\Web;

/**
 * Security makes the per-request CSP nonce, the security headers every
 * response carries, and the CSRF token of the partner forms.
 *
 * CSRF uses the double-submit pattern, which needs no server-side session
 * (the site runs stateless on Lambda): a random token in a SameSite=Strict,
 * HttpOnly cookie must equal the token in the form.
 */
final class Security
{
    public const CSRF_COOKIE = 'csrf';
    public const CSRF_FIELD = 'csrf_token';

    public readonly string $nonce;
    private ?string $newCsrf = null;

    /**
     * @param string $uploadOrigin where partners' browsers send catalog files
     *        when it is not this site (the bucket's origin on AWS), or ""
     */
    public function __construct(private readonly Request $request, private readonly string $uploadOrigin = '')
    {
        $this->nonce = rtrim(strtr(base64_encode(random_bytes(18)), '+/', '-_'), '=');
    }

    /** csp is the Content-Security-Policy of an HTML page with this request's nonce. */
    public function csp(): string
    {
        return implode('; ', [
            "default-src 'none'",
            "script-src 'nonce-{$this->nonce}'",
            "style-src 'self'",
            // Product pictures come from our own /images/, never a partner's host.
            "img-src 'self' data:",
            // Catalog files go from the browser straight to the upload URL.
            "connect-src 'self'" . ($this->uploadOrigin !== '' ? ' ' . $this->uploadOrigin : ''),
            "form-action 'self'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ]);
    }

    /** apply sets the security headers on a response (and the CSRF cookie when one was issued). */
    public function apply(Response $r): Response
    {
        $r->headers['Content-Security-Policy'] = $this->csp();
        $r->headers['X-Content-Type-Options'] = 'nosniff';
        $r->headers['Strict-Transport-Security'] = 'max-age=63072000; includeSubDomains';
        $r->headers['X-Frame-Options'] = 'DENY';
        $r->headers['Referrer-Policy'] = 'strict-origin-when-cross-origin';
        $r->headers['Permissions-Policy'] = 'camera=(), microphone=(), geolocation=(), payment=()';
        $r->headers['Cross-Origin-Opener-Policy'] = 'same-origin';
        $r->headers['Cross-Origin-Resource-Policy'] = 'same-origin';
        if (!isset($r->headers['Cache-Control'])) {
            // Pages carry a fresh nonce (and maybe a CSRF token): never cache them.
            $r->headers['Cache-Control'] = 'no-store';
        }
        if ($this->newCsrf !== null) {
            $r->cookies[] = self::CSRF_COOKIE . '=' . $this->newCsrf . '; Path=/; HttpOnly; SameSite=Strict'
                . ($this->request->https ? '; Secure' : '');
        }
        return $r;
    }

    /** csrfToken returns the visitor's token, issuing a new cookie when there is none. */
    public function csrfToken(): string
    {
        $cookie = $this->request->cookies[self::CSRF_COOKIE] ?? '';
        if (self::wellFormed($cookie)) {
            return $cookie;
        }
        $this->newCsrf ??= bin2hex(random_bytes(32));
        return $this->newCsrf;
    }

    /** csrfValid checks the posted token against the cookie in constant time. */
    public function csrfValid(): bool
    {
        $cookie = $this->request->cookies[self::CSRF_COOKIE] ?? '';
        $field = $this->request->post[self::CSRF_FIELD] ?? '';
        return self::wellFormed($cookie) && self::wellFormed($field) && hash_equals($cookie, $field);
    }

    private static function wellFormed(string $token): bool
    {
        return preg_match('/^[0-9a-f]{64}$/', $token) === 1;
    }
}
