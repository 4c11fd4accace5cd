<?php

declare(strict_types=1);

namespace CatalogSearch\Web;

/**
 * Config is the site's configuration, read once from the environment.
 * The API base URL comes only from here (CATALOG_API_URL); nothing a visitor
 * sends can change where the site's server-side requests go. The key that
 * seals partner sessions comes only from CATALOG_SITE_SECRET; without it the
 * partner area says sign-in is not configured (there is no built-in key).
 */
final class Config
{
    public const DEFAULT_TIMEOUT = 5.0;
    public const DEFAULT_MAX_UPLOAD = 1024 * 1024 * 1024;
    /** The fewest random bytes CATALOG_SITE_SECRET must hold. */
    public const MIN_SECRET_BYTES = 32;

    public function __construct(
        public readonly string $apiUrl,
        public readonly float $apiTimeout = self::DEFAULT_TIMEOUT,
        public readonly int $maxUploadBytes = self::DEFAULT_MAX_UPLOAD,
        public readonly string $assetBase = '/assets',
        /** The 32-byte key that seals partner sessions (from CATALOG_SITE_SECRET), or null: sign-in is off. */
        public readonly ?string $sessionKey = null,
        /** The origin secret (CATALOG_ORIGIN_SECRET) sent on calls to the API, or "" (OriginGuard). */
        public readonly string $originSecret = '',
        /**
         * The origin partners' browsers send catalog files to when it is not
         * the site's own (CATALOG_UPLOAD_ORIGIN: the bucket's on AWS), allowed
         * by the pages' connect-src; "" = the site's origin only.
         */
        public readonly string $uploadOrigin = '',
        /** The operator's dated exchange rates (CATALOG_RATES); none: no converted price is shown. */
        public readonly ?Rates $rates = null,
    ) {
    }

    /**
     * sessionKeyFrom turns CATALOG_SITE_SECRET (base64, standard or URL-safe,
     * padding optional, of at least 32 random bytes) into the 32-byte
     * sealing key: BLAKE2b-256 of the decoded bytes, so a longer secret (such
     * as the 64 letters and digits Secrets Manager generates) works too.
     *
     * @throws ConfigError when the secret is not base64 of at least 32 bytes
     */
    public static function sessionKeyFrom(string $secret): string
    {
        $b64 = strtr(trim($secret), '-_', '+/');
        $bytes = base64_decode($b64, true);
        if ($bytes === false || strlen($bytes) < self::MIN_SECRET_BYTES) {
            throw new ConfigError('CATALOG_SITE_SECRET must be base64 of at least ' . self::MIN_SECRET_BYTES . ' random bytes');
        }
        return sodium_crypto_generichash($bytes, '', SODIUM_CRYPTO_AEAD_XCHACHA20POLY1305_IETF_KEYBYTES);
    }

    /**
     * uploadLimit is the largest file the site offers to send:
     * CATALOG_MAX_UPLOAD. The browser sends the file straight to the upload
     * URL the API hands out (which enforces its own cap), never through
     * PHP, so PHP's upload settings do not bound it.
     */
    public function uploadLimit(): int
    {
        return $this->maxUploadBytes;
    }

    /**
     * originFrom checks CATALOG_UPLOAD_ORIGIN: an http(s) origin
     * (scheme://host[:port], no path), returned without a trailing slash.
     *
     * @throws ConfigError when it is not an origin
     */
    public static function originFrom(string $raw): string
    {
        $origin = rtrim(trim($raw), '/');
        $ok = preg_match('#^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$#', $origin) === 1;
        if (!$ok) {
            throw new ConfigError('CATALOG_UPLOAD_ORIGIN must be an http(s) origin such as https://bucket.s3.eu-west-3.amazonaws.com');
        }
        return $origin;
    }

    /**
     * fromEnv reads CATALOG_API_URL (required: an absolute http or https
     * URL), CATALOG_API_TIMEOUT (seconds, default 5), CATALOG_MAX_UPLOAD
     * (bytes, default 1 GiB), CATALOG_ASSET_BASE (default /assets),
     * CATALOG_SITE_SECRET (optional; see sessionKeyFrom),
     * CATALOG_ORIGIN_SECRET (optional; see OriginGuard) and
     * CATALOG_UPLOAD_ORIGIN (optional; see originFrom) and CATALOG_RATES
     * (optional; see Rates::fromJson).
     *
     * @param array<string, string|false> $env
     * @throws ConfigError when a value is missing or malformed
     */
    public static function fromEnv(array $env): self
    {
        $url = rtrim(trim((string) ($env['CATALOG_API_URL'] ?? '')), '/');
        if ($url === '') {
            throw new ConfigError('CATALOG_API_URL is not set');
        }
        $scheme = parse_url($url, PHP_URL_SCHEME);
        $host = parse_url($url, PHP_URL_HOST);
        if (!in_array($scheme, ['http', 'https'], true) || !is_string($host) || $host === '') {
            throw new ConfigError('CATALOG_API_URL must be an absolute http(s) URL');
        }
        $timeout = self::DEFAULT_TIMEOUT;
        $rawTimeout = $env['CATALOG_API_TIMEOUT'] ?? false;
        if (is_string($rawTimeout) && $rawTimeout !== '') {
            if (!is_numeric($rawTimeout) || (float) $rawTimeout <= 0 || (float) $rawTimeout > 60) {
                throw new ConfigError('CATALOG_API_TIMEOUT must be a number of seconds between 0 and 60');
            }
            $timeout = (float) $rawTimeout;
        }
        $maxUpload = self::DEFAULT_MAX_UPLOAD;
        $rawMax = $env['CATALOG_MAX_UPLOAD'] ?? false;
        if (is_string($rawMax) && $rawMax !== '') {
            if (!ctype_digit($rawMax) || (int) $rawMax < 1) {
                throw new ConfigError('CATALOG_MAX_UPLOAD must be a positive number of bytes');
            }
            $maxUpload = (int) $rawMax;
        }
        $assetBase = '/assets';
        $rawAssets = $env['CATALOG_ASSET_BASE'] ?? false;
        if (is_string($rawAssets) && $rawAssets !== '') {
            $assetBase = rtrim($rawAssets, '/');
        }
        $sessionKey = null;
        $rawSecret = $env['CATALOG_SITE_SECRET'] ?? false;
        if (is_string($rawSecret) && trim($rawSecret) !== '') {
            $sessionKey = self::sessionKeyFrom($rawSecret);
        }
        $originSecret = OriginGuard::fromEnv($env)->enabled() ? trim((string) $env[OriginGuard::ENV]) : '';
        $uploadOrigin = '';
        $rawOrigin = $env['CATALOG_UPLOAD_ORIGIN'] ?? false;
        if (is_string($rawOrigin) && trim($rawOrigin) !== '') {
            $uploadOrigin = self::originFrom($rawOrigin);
        }
        $rates = Rates::none();
        $rawRates = $env['CATALOG_RATES'] ?? false;
        if (is_string($rawRates) && trim($rawRates) !== '') {
            $rates = Rates::fromJson($rawRates);
        }
        return new self($url, $timeout, $maxUpload, $assetBase, $sessionKey, $originSecret, $uploadOrigin, $rates);
    }
}
