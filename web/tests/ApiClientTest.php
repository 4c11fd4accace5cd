<?php

declare(strict_types=1);

namespace CatalogSearch\Web\Tests;

use CatalogSearch\Web\ApiClient;
use CatalogSearch\Web\ApiError;
use PHPUnit\Framework\TestCase;

/**
 * The API client against real HTTP: a php -S server running the fixture
 * API (a mock of the Go API's contract, see tests/fixtures/api.php).
 */
final class ApiClientTest extends TestCase
{
    private static ApiServer $server;

    public static function setUpBeforeClass(): void
    {
        self::$server = new ApiServer();
    }

    public static function tearDownAfterClass(): void
    {
        self::$server->stop();
    }

    public function testGetJsonWithRepeatedParameters(): void
    {
        $api = new ApiClient(self::$server->url, 2.0);
        $res = $api->getJson('/v1/search', ['q' => 'chaise', 'brand' => ['Acme', 'Nope'], 'size' => 3]);
        self::assertSame(5, $res['total']);
        self::assertCount(3, $res['hits']);
        self::assertSame(1, $api->calls());
        self::assertGreaterThan(0.0, $api->apiSeconds());
    }

    public function testUrlEncoding(): void
    {
        $api = new ApiClient('http://x', 1.0);
        self::assertSame('http://x/v1/search?q=a%20%26%20b&brand=A&brand=B%2BC', $api->url('/v1/search', ['q' => 'a & b', 'brand' => ['A', 'B+C']]));
        self::assertSame('http://x/v1/health', $api->url('/v1/health', []));
    }

    /** @return array<string, array{string, array<string, string>, string, int}> */
    public static function failures(): array
    {
        return [
            'coded 404' => ['/v1/products/' . rawurlencode('nope:1'), [], 'not_found', 404],
            'unknown route' => ['/v1/nothing', [], 'not_found', 404],
            'coded 400' => ['/v1/search', ['size' => '1000'], 'invalid', 400],
            'coded 500' => ['/v1/search', ['q' => '__500__'], 'internal', 500],
            'not JSON' => ['/v1/search', ['q' => '__garbage__'], 'internal', 200],
        ];
    }

    /**
     * @dataProvider failures
     * @param array<string, string> $query
     */
    public function testFailuresAreCodedErrors(string $path, array $query, string $code, int $status): void
    {
        $api = new ApiClient(self::$server->url, 2.0);
        try {
            $api->getJson($path, $query);
            self::fail('no error');
        } catch (ApiError $e) {
            self::assertSame($code, $e->errorCode);
            self::assertSame($status, $e->status);
        }
    }

    public function testTimeout(): void
    {
        $api = new ApiClient(self::$server->url, 0.5);
        $start = microtime(true);
        try {
            $api->getJson('/v1/search', ['q' => '__slow__']);
            self::fail('no timeout');
        } catch (ApiError $e) {
            self::assertSame('unavailable', $e->errorCode);
            self::assertSame(0, $e->status);
        }
        self::assertLessThan(2.5, microtime(true) - $start, 'the 3 s answer was not awaited');
    }

    public function testConnectionRefused(): void
    {
        $api = new ApiClient('http://127.0.0.1:' . ApiServer::freePort(), 1.0);
        $this->expectException(ApiError::class);
        $api->getJson('/v1/health');
    }

    public function testPostJsonAndRaw(): void
    {
        $api = new ApiClient(self::$server->url, 2.0);
        try {
            $api->postJson('/v1/catalogs', ['file' => 'a.csv']);
            self::fail('no key: the API refuses');
        } catch (ApiError $e) {
            self::assertSame(401, $e->status);
            self::assertSame('unauthorized', $e->errorCode);
        }
        $keyed = $api->withKey('csk_test_acme');
        $ticket = $keyed->postJson('/v1/catalogs', ['partner' => 'acme', 'file' => 'a.csv', 'mode' => 'partial']);
        self::assertMatchesRegularExpression('/^cat-[0-9a-f]+$/', $ticket['catalog_id']);
        self::assertSame(self::$server->url . '/upload/x', $api->resolve('/upload/x'));
        self::assertSame('https://bucket.example/u', $api->resolve('https://bucket.example/u'));
        self::assertSame(2, $api->calls(), 'a keyed client counts in its parent');
        $location = $api->withKey('csk_test_evil')->getRedirect('/v1/catalogs/cat-evil/rejected.csv');
        self::assertSame(self::$server->url . '/download/rejected-cat-evil.csv?sig=s0', $location, 'not followed, made absolute');
        try {
            $api->withKey('csk_test_evil')->getRedirect('/v1/catalogs/nope/rejected.csv');
            self::fail('a 404 is no redirect');
        } catch (ApiError $e) {
            self::assertSame(404, $e->status);
        }
        try {
            $api->getRedirect('/v1/health');
            self::fail('a 200 is no redirect');
        } catch (ApiError $e) {
            self::assertSame('internal', $e->errorCode);
        }
    }
}
