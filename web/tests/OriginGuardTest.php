<?php

declare(strict_types=1);

namespace CatalogSearch\Web\Tests;

use CatalogSearch\Web\ApiClient;
use CatalogSearch\Web\ApiError;
use CatalogSearch\Web\Config;
use CatalogSearch\Web\OriginGuard;
use PHPUnit\Framework\TestCase;

/**
 * Only CloudFront may reach the site and the API on AWS: both origins
 * refuse a request without the secret X-Origin-Verify header CloudFront
 * adds. The site's front controller runs under a real `php -S` with
 * CATALOG_ORIGIN_SECRET set, in front of the fixture API (a mock of the Go
 * API) started with FIXTURE_ORIGIN_SECRET, which refuses requests without
 * the header as the REST API's WAF does.
 */
final class OriginGuardTest extends TestCase
{
    private const SECRET = 'Zm9yLXRlc3RzLW9ubHktbm90LWEtcmVhbC1vcmlnaW4tc2VjcmV0LTEyMzQ1Njc4';

    private static ApiServer $api;
    private static SiteServer $site;

    public static function setUpBeforeClass(): void
    {
        self::$api = new ApiServer(['FIXTURE_ORIGIN_SECRET' => self::SECRET]);
        self::$site = new SiteServer([
            'CATALOG_API_URL' => self::$api->url,
            OriginGuard::ENV => self::SECRET,
        ]);
    }

    public static function tearDownAfterClass(): void
    {
        self::$site->stop();
        self::$api->stop();
    }

    /** @return array{int, string} */
    private static function fetch(string $path, ?string $origin): array
    {
        $headers = $origin === null ? [] : [OriginGuard::HEADER . ': ' . $origin];
        $ctx = stream_context_create(['http' => [
            'ignore_errors' => true, 'follow_location' => 0, 'timeout' => 5, 'header' => $headers,
        ]]);
        $body = (string) file_get_contents(self::$site->url . $path, false, $ctx);
        /** @var list<string> $lines */
        $lines = $http_response_header;
        preg_match('#^HTTP/\S+ (\d{3})#', $lines[0], $m);
        return [(int) $m[1], $body];
    }

    /** @return array<string, array{string, ?string}> */
    public static function refused(): array
    {
        return [
            'no header, page' => ['/en/?q=chaise', null],
            'no header, asset' => ['/assets/site.css', null],
            'no header, root' => ['/', null],
            'wrong value' => ['/en/?q=chaise', 'not-the-secret'],
            'empty value' => ['/en/?q=chaise', ''],
            'prefix of the secret' => ['/en/?q=chaise', substr(self::SECRET, 0, 20)],
        ];
    }

    /** @dataProvider refused */
    public function testRequestsAroundCloudFrontAreRefused(string $path, ?string $origin): void
    {
        [$status, $body] = self::fetch($path, $origin);
        self::assertSame(403, $status);
        self::assertStringNotContainsString('chaise', $body);
    }

    public function testCloudFrontsRequestsPassAndTheSiteCallsTheApiWithTheHeader(): void
    {
        // The fixture API refuses calls without the header: results on the
        // page prove the site sent it on its own API calls.
        [$status, $body] = self::fetch('/en/?q=chaise', self::SECRET);
        self::assertSame(200, $status);
        self::assertStringContainsString('chaise pliante', $body);
    }

    public function testApiClientSendsTheHeaderOnlyUnderItsBaseUrl(): void
    {
        $with = new ApiClient(self::$api->url, 2.0, self::SECRET);
        self::assertSame('ok', $with->getJson('/v1/health')['status']);

        $without = new ApiClient(self::$api->url, 2.0);
        try {
            $without->getJson('/v1/health');
            self::fail('the API answered without the origin header');
        } catch (ApiError $e) {
            self::assertSame(403, $e->status);
        }
        // A URL outside the base URL (an upload URL) never gets the secret.
        $other = new ApiClient(self::$api->url . '/api', 2.0, self::SECRET);
        $res = $other->send('GET', self::$api->url . '/v1/health', [], '');
        self::assertSame(403, $res['status']);
    }

    /** @return array<string, array{array<string, mixed>, string, bool}> */
    public static function decisions(): array
    {
        return [
            'no secret configured, no header' => [[], '', true],
            'no secret configured, any header' => [['HTTP_X_ORIGIN_VERIFY' => 'x'], '', true],
            'secret, right header' => [['HTTP_X_ORIGIN_VERIFY' => 's3cret'], 's3cret', true],
            'secret, no header' => [[], 's3cret', false],
            'secret, wrong header' => [['HTTP_X_ORIGIN_VERIFY' => 's3creT'], 's3cret', false],
            'secret, header not a string' => [['HTTP_X_ORIGIN_VERIFY' => ['s3cret']], 's3cret', false],
        ];
    }

    /**
     * @dataProvider decisions
     * @param array<string, mixed> $server
     */
    public function testAllows(array $server, string $secret, bool $want): void
    {
        self::assertSame($want, OriginGuard::fromEnv([OriginGuard::ENV => $secret])->allows($server));
    }

    public function testConfigReadsTheSecret(): void
    {
        $c = Config::fromEnv(['CATALOG_API_URL' => 'http://x', OriginGuard::ENV => ' abc ']);
        self::assertSame('abc', $c->originSecret);
        self::assertSame('', Config::fromEnv(['CATALOG_API_URL' => 'http://x'])->originSecret);
    }
}
