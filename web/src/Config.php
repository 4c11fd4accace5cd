<?php

declare(strict_types=1);

namespace CatalogSearch\Web;

/**
 * Config is the site's configuration, read once from the environment.
 * The API base URL comes only from here (CATALOG_API_URL); nothing a visitor
 * sends can change where the site's server-side requests go.
 */
final class Config
{
    public const DEFAULT_TIMEOUT = 5.0;
    public const DEFAULT_MAX_UPLOAD = 50 * 1024 * 1024;

    public function __construct(
        public readonly string $apiUrl,
        public readonly float $apiTimeout = self::DEFAULT_TIMEOUT,
        public readonly int $maxUploadBytes = self::DEFAULT_MAX_UPLOAD,
        public readonly string $assetBase = '/assets',
    ) {
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
     * (bytes, default 50 MiB) and CATALOG_ASSET_BASE (default /assets).
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
        return new self($url, $timeout, $maxUpload, $assetBase);
    }
}
