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
    public const DEFAULT_MAX_UPLOAD = 50 * 1024 * 1024;
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
     * uploadLimit is the largest file the site accepts: CATALOG_MAX_UPLOAD,
     * lowered to PHP's own upload_max_filesize and post_max_size.
     */
    public function uploadLimit(): int
    {
        $limit = $this->maxUploadBytes;
        foreach (['upload_max_filesize', 'post_max_size'] as $key) {
            $bytes = self::iniBytes((string) ini_get($key));
            if ($bytes > 0) {
                $limit = min($limit, $bytes);
            }
        }
        return $limit;
    }

    /** iniBytes reads a php.ini size such as "2M" or "512K" (0 = unlimited). */
    public static function iniBytes(string $v): int
    {
        if (preg_match('/^\s*(\d+)\s*([kmg]?)\s*$/i', $v, $m) !== 1) {
            return 0;
        }
        $n = (int) $m[1];
        return match (strtolower($m[2])) {
            'k' => $n * 1024,
            'm' => $n * 1024 * 1024,
            'g' => $n * 1024 * 1024 * 1024,
            default => $n,
        };
    }

    /**
     * fromEnv reads CATALOG_API_URL (required: an absolute http or https
     * URL), CATALOG_API_TIMEOUT (seconds, default 5), CATALOG_MAX_UPLOAD
     * (bytes, default 50 MiB), CATALOG_ASSET_BASE (default /assets) and
     * CATALOG_SITE_SECRET (optional; see sessionKeyFrom) and
     * CATALOG_ORIGIN_SECRET (optional; see OriginGuard).
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
        return new self($url, $timeout, $maxUpload, $assetBase, $sessionKey, $originSecret);
    }
}
