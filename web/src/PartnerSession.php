<?php

declare(strict_types=1);

namespace CatalogSearch\Web;

/**
 * PartnerSession keeps a signed-in partner's API key in a sealed cookie,
 * so no server storage is needed: any instance of the site (every Lambda
 * instance, every php -S worker) reads any partner's session.
 *
 * The cookie holds base64url(nonce || XChaCha20-Poly1305 ciphertext) of a
 * JSON payload {v, k (the API key), p (the partner), g (the generation of
 * the key's site sessions at sign-in), iat, exp}. The key
 * comes only from configuration (CATALOG_SITE_SECRET, see Config); the
 * associated data names the cookie and the format version, the payload
 * repeats the version and bounds the session to TTL seconds. A cookie that
 * was changed, sealed with another secret, of another version or expired
 * opens to nothing (signed out) and is cleared. The cookie is HttpOnly,
 * SameSite=Lax, Path=/ and Secure over HTTPS.
 *
 * Sessions end server-side: every partner call sends the generation with
 * the key (ApiClient::withKey), and sign-out moves the key's generation at
 * the API (POST /v1/session/end), which then refuses (401) every copy of
 * the cookie, as it refuses a revoked key; a 401 signs the partner out.
 */
final class PartnerSession
{
    public const COOKIE = 'partner_session';
    /** The cookie of the operator's session (the insights page): the same sealing, its own name. */
    public const OPERATOR_COOKIE = 'operator_session';
    public const VERSION = 2;
    /** Seconds a sign-in lasts (8 hours). */
    public const TTL = 8 * 3600;
    /** Seconds of clock difference tolerated for a payload issued "in the future". */
    private const SKEW = 300;
    private const NONCE_BYTES = SODIUM_CRYPTO_AEAD_XCHACHA20POLY1305_IETF_NPUBBYTES;
    private const MAX_COOKIE = 4096;

    /** @var array{key: string, partner: string, generation: int}|null */
    private ?array $data = null;
    private bool $loaded = false;
    /** The sealed value of the session in effect ('' signed out): what id() names. */
    private string $value = '';
    private ?string $cookie = null;
    private readonly int $now;

    /**
     * @param string|null $sealKey the 32-byte key (Config::$sessionKey); null: sign-in is not configured
     * @param int|null $now the current Unix time (tests); null: time()
     * @param string $name the cookie: COOKIE (a partner) or OPERATOR_COOKIE (the operator)
     */
    public function __construct(
        private readonly Request $request,
        private readonly ?string $sealKey,
        ?int $now = null,
        private readonly string $name = self::COOKIE,
    ) {
        if ($sealKey !== null && strlen($sealKey) !== SODIUM_CRYPTO_AEAD_XCHACHA20POLY1305_IETF_KEYBYTES) {
            throw new \InvalidArgumentException('the session key must be 32 bytes');
        }
        $this->now = $now ?? time();
    }

    /** configured tells whether partners can sign in (a sealing secret is configured). */
    public function configured(): bool
    {
        return $this->sealKey !== null;
    }

    /** key is the signed-in partner's API key, or null. */
    public function key(): ?string
    {
        return $this->load()['key'] ?? null;
    }

    /** generation is the key's site-session generation the partner signed in at, or null. */
    public function generation(): ?int
    {
        return $this->load()['generation'] ?? null;
    }

    /** partner is the signed-in partner's id (as the API named it), or ''. */
    public function partner(): string
    {
        return $this->load()['partner'] ?? '';
    }

    /**
     * id names the session in effect: a digest of its sealed cookie, which
     * a fresh nonce makes unique to each sign-in; '' when signed out. CSRF
     * tokens are bound to it (Security).
     */
    public function id(): string
    {
        $this->load();
        return $this->data === null || $this->value === '' ? '' : hash('sha256', $this->value);
    }

    /**
     * signIn seals the key, partner and the key's site-session generation
     * (GET /v1/session) into a new cookie, valid for TTL seconds.
     */
    public function signIn(string $key, string $partner, int $generation): void
    {
        if ($this->sealKey === null) {
            throw new \LogicException('partner sign-in is not configured (CATALOG_SITE_SECRET)');
        }
        $this->data = ['key' => $key, 'partner' => $partner, 'generation' => $generation];
        $this->loaded = true;
        $value = self::seal($this->sealKey, $key, $partner, $generation, $this->now, $this->name);
        $this->value = $value;
        $this->cookie = $this->name . '=' . $value . '; Path=/; Max-Age=' . self::TTL . '; HttpOnly; SameSite=Lax'
            . ($this->request->https ? '; Secure' : '');
    }

    /**
     * signOut forgets the key: the browser's cookie is cleared. (Ending the
     * session at the API, POST /v1/session/end, is the caller's part.)
     */
    public function signOut(): void
    {
        $this->data = null;
        $this->loaded = true;
        $this->value = '';
        $this->cookie = $this->name . '=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax'
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

    /** seal makes the cookie value of a session issued at $now. */
    public static function seal(string $sealKey, string $key, string $partner, int $generation, int $now, string $name = self::COOKIE): string
    {
        $payload = json_encode(
            ['v' => self::VERSION, 'k' => $key, 'p' => $partner, 'g' => $generation, 'iat' => $now, 'exp' => $now + self::TTL],
            JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR,
        );
        $nonce = random_bytes(self::NONCE_BYTES);
        $box = sodium_crypto_aead_xchacha20poly1305_ietf_encrypt($payload, self::associatedData($name), $nonce, $sealKey);
        return sodium_bin2base64($nonce . $box, SODIUM_BASE64_VARIANT_URLSAFE_NO_PADDING);
    }

    /**
     * open returns the key, partner and generation a cookie value seals, or null when it
     * is malformed, was changed, was sealed with another key, is of another
     * version or has expired at $now.
     *
     * @return array{key: string, partner: string, generation: int}|null
     */
    public static function open(string $sealKey, string $value, int $now, string $name = self::COOKIE): ?array
    {
        if ($value === '' || strlen($value) > self::MAX_COOKIE || preg_match('/^[A-Za-z0-9_-]+$/', $value) !== 1) {
            return null;
        }
        try {
            $raw = sodium_base642bin($value, SODIUM_BASE64_VARIANT_URLSAFE_NO_PADDING);
        } catch (\SodiumException) {
            return null;
        }
        if (strlen($raw) <= self::NONCE_BYTES + SODIUM_CRYPTO_AEAD_XCHACHA20POLY1305_IETF_ABYTES) {
            return null;
        }
        $nonce = substr($raw, 0, self::NONCE_BYTES);
        $payload = sodium_crypto_aead_xchacha20poly1305_ietf_decrypt(
            substr($raw, self::NONCE_BYTES),
            self::associatedData($name),
            $nonce,
            $sealKey,
        );
        if ($payload === false) {
            return null;
        }
        $data = json_decode($payload, true);
        if (!is_array($data) || ($data['v'] ?? null) !== self::VERSION) {
            return null;
        }
        $key = $data['k'] ?? null;
        $partner = $data['p'] ?? null;
        $gen = $data['g'] ?? null;
        $iat = $data['iat'] ?? null;
        $exp = $data['exp'] ?? null;
        if (!is_string($key) || $key === '' || !is_string($partner) || !is_int($gen) || $gen < 0 || !is_int($iat) || !is_int($exp)) {
            return null;
        }
        if ($now >= $exp || $iat > $now + self::SKEW || $exp - $iat > self::TTL) {
            return null;
        }
        return ['key' => $key, 'partner' => $partner, 'generation' => $gen];
    }

    /** @return array{key: string, partner: string, generation: int}|null */
    private function load(): ?array
    {
        if ($this->loaded) {
            return $this->data;
        }
        $this->loaded = true;
        $value = $this->request->cookies[$this->name] ?? '';
        if ($value === '' || $this->sealKey === null) {
            return null;
        }
        $this->data = self::open($this->sealKey, $value, $this->now, $this->name);
        $this->value = $this->data === null ? '' : $value;
        if ($this->data === null) {
            // Expired, tampered with or sealed with an old secret: clear it.
            $this->signOut();
        }
        return $this->data;
    }

    /** associatedData binds a sealed value to its cookie and format version. */
    private static function associatedData(string $name): string
    {
        return $name . '/v' . self::VERSION;
    }
}
