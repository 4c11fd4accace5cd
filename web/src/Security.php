<?php

declare(strict_types=1);

namespace CatalogSearch\Web;

/**
 * Security makes the per-request CSP nonce, the security headers every
 * response carries, and the CSRF token of the partner forms.
 *
 * CSRF tokens are signed, so they need no server-side storage (the site runs
 * stateless on Lambda) and a cookie planted by someone else is useless: the
 * browser holds a random nonce in a SameSite=Strict, HttpOnly cookie, and a
 * form's token is HMAC-SHA256, under a key derived from the site secret
 * (CATALOG_SITE_SECRET), of that nonce and of the partner session the form
 * was rendered in (PartnerSession::id; none before sign-in, so the sign-in
 * form is protected too). A post is accepted only when its token is the HMAC
 * of the browser's nonce and current session: a token and cookie pair made
 * up by an attacker fails (no secret), and a token of another session or of
 * another browser's nonce fails. Without a site secret no token is valid
 * (the partner forms are off then anyway).
 */
final class Security
{
    public const CSRF_COOKIE = 'csrf';
    public const CSRF_FIELD = 'csrf_token';

    public readonly string $nonce;
    private ?string $newCsrf = null;
    /** The key tokens are signed with, derived from the site secret; null: no secret, no valid token. */
    private readonly ?string $csrfKey;

    /**
     * @param string|null $siteKey the 32-byte key from CATALOG_SITE_SECRET (Config::$sessionKey); null: not configured
     * @param PartnerSession|null $session the request's partner session, whose id binds the tokens
     * @param string $uploadOrigin where partners' browsers send catalog files when it is not this
     *        site (the bucket's origin on AWS), or ""
     */
    public function __construct(
        private readonly Request $request,
        ?string $siteKey = null,
        private readonly ?PartnerSession $session = null,
        private readonly string $uploadOrigin = '',
    ) {
        $this->nonce = rtrim(strtr(base64_encode(random_bytes(18)), '+/', '-_'), '=');
        // A key of its own for CSRF, so a token never doubles as anything sealed with the session key.
        $this->csrfKey = $siteKey === null ? null : hash_hmac('sha256', 'catalogsearch/csrf/v1', $siteKey, true);
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

    /**
     * csrfToken returns the token of the forms of this page: the HMAC of the
     * browser's nonce (a new nonce cookie is issued when there is none) and
     * of the current partner session. It is '' without a site secret.
     */
    public function csrfToken(): string
    {
        if ($this->csrfKey === null) {
            return '';
        }
        $nonce = $this->request->cookies[self::CSRF_COOKIE] ?? '';
        if (!self::wellFormed($nonce)) {
            $this->newCsrf ??= bin2hex(random_bytes(32));
            $nonce = $this->newCsrf;
        }
        return self::sign($this->csrfKey, $nonce, $this->session?->id() ?? '');
    }

    /**
     * csrfValid checks the posted token, in constant time, against the HMAC
     * of the browser's nonce cookie and of the current partner session.
     */
    public function csrfValid(): bool
    {
        $nonce = $this->request->cookies[self::CSRF_COOKIE] ?? '';
        $field = $this->request->post[self::CSRF_FIELD] ?? '';
        if ($this->csrfKey === null || !self::wellFormed($nonce) || !self::wellFormed($field)) {
            return false;
        }
        return hash_equals(self::sign($this->csrfKey, $nonce, $this->session?->id() ?? ''), $field);
    }

    /** sign is the token of nonce within session id $session ('' signed out). */
    private static function sign(string $key, string $nonce, string $session): string
    {
        return hash_hmac('sha256', "csrf\0" . $nonce . "\0" . $session, $key);
    }

    private static function wellFormed(string $token): bool
    {
        return preg_match('/^[0-9a-f]{64}$/', $token) === 1;
    }
}
