<?php

declare(strict_types=1);

namespace CatalogSearch\Web;

/**
 * PartnerSession keeps a signed-in partner's API key server-side, in the
 * PHP session; the browser only holds the session id, in an HttpOnly,
 * SameSite=Lax cookie (Secure over HTTPS). The site sets that cookie itself:
 * session.use_cookies is off (php/conf.d/web.ini, phpunit.xml), so the same
 * code runs under php -S, Bref and in-process tests, where output may already
 * have started. Strict mode refuses session ids the server did not issue,
 * and signing in always issues a new id.
 */
final class PartnerSession
{
    public const COOKIE = 'partner_session';

    /** The session settings this class relies on (also in php/conf.d/web.ini and phpunit.xml). */
    public const SETTINGS = [
        'session.use_cookies' => '0',
        'session.use_only_cookies' => '1',
        'session.use_strict_mode' => '1',
        'session.use_trans_sid' => '0',
        'session.cache_limiter' => '',
    ];

    /** @var array{key: string, partner: string}|null */
    private ?array $data = null;
    private bool $loaded = false;
    private ?string $cookie = null;

    public function __construct(private readonly Request $request)
    {
    }

    /** key is the signed-in partner's API key, or null. */
    public function key(): ?string
    {
        return $this->load()['key'] ?? null;
    }

    /** partner is the signed-in partner's id (as the API named it), or ''. */
    public function partner(): string
    {
        return $this->load()['partner'] ?? '';
    }

    /**
     * signIn stores the key under a new session id; the request's former
     * session, if any, is destroyed (no session fixation).
     */
    public function signIn(string $key, string $partner): void
    {
        $this->destroy();
        $this->open(true);
        $_SESSION = ['key' => $key, 'partner' => $partner];
        $id = (string) session_id();
        session_write_close();
        $_SESSION = [];
        $this->data = ['key' => $key, 'partner' => $partner];
        $this->loaded = true;
        $this->cookie = self::COOKIE . '=' . $id . '; Path=/; HttpOnly; SameSite=Lax'
            . ($this->request->https ? '; Secure' : '');
    }

    /** signOut forgets the key and ends the session. */
    public function signOut(): void
    {
        $this->destroy();
        $this->data = null;
        $this->loaded = true;
        $this->cookie = self::COOKIE . '=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax'
            . ($this->request->https ? '; Secure' : '');
    }

    /** apply adds the session cookie to a response when it changed. */
    public function apply(Response $r): Response
    {
        if ($this->cookie !== null) {
            $r->cookies[] = $this->cookie;
        }
        return $r;
    }

    /** @return array{key: string, partner: string}|null */
    private function load(): ?array
    {
        if ($this->loaded) {
            return $this->data;
        }
        $this->loaded = true;
        if ($this->sessionId() === '') {
            return null;
        }
        self::configure();
        session_id($this->sessionId());
        if (!session_start(['read_and_close' => true])) {
            return null;
        }
        $key = $_SESSION['key'] ?? null;
        $partner = $_SESSION['partner'] ?? null;
        $_SESSION = [];
        if (is_string($key) && $key !== '' && is_string($partner)) {
            $this->data = ['key' => $key, 'partner' => $partner];
        }
        return $this->data;
    }

    /** destroy ends the request's session, if it names one. */
    private function destroy(): void
    {
        if ($this->sessionId() === '') {
            return;
        }
        $this->open(false);
        $_SESSION = [];
        session_destroy();
        $_SESSION = [];
    }

    /** open starts the request's session, or a new one when $new or when it has none. */
    private function open(bool $new): void
    {
        if (session_status() === PHP_SESSION_ACTIVE) {
            session_write_close();
        }
        self::configure();
        session_id($new ? '' : $this->sessionId());
        if (!session_start()) {
            throw new \RuntimeException('cannot start the PHP session');
        }
    }

    /**
     * configure applies SETTINGS where the ini files did not; PHP refuses
     * session settings once output started, so it fails loudly then.
     */
    private static function configure(): void
    {
        foreach (self::SETTINGS as $name => $value) {
            if (ini_get($name) !== $value && ini_set($name, $value) === false) {
                throw new \RuntimeException("PHP setting $name must be \"$value\" (php/conf.d/web.ini)");
            }
        }
    }

    /** sessionId is the well-formed session id the request's cookie carries, or ''. */
    private function sessionId(): string
    {
        $id = $this->request->cookies[self::COOKIE] ?? '';
        return preg_match('/^[A-Za-z0-9,-]{22,256}$/', $id) === 1 ? $id : '';
    }
}
