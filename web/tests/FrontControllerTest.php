<?php

declare(strict_types=1);

namespace CatalogSearch\Web\Tests;

use PHPUnit\Framework\TestCase;

/**
 * public/index.php as `catalogctl serve` runs it: the router script of a
 * real `php -S`, with CATALOG_API_URL pointing at the fixture API (a mock
 * of the Go API, see tests/fixtures/api.php).
 */
final class FrontControllerTest extends TestCase
{
    private static ApiServer $api;
    private static SiteServer $site;

    public static function setUpBeforeClass(): void
    {
        self::$api = new ApiServer();
        self::$site = new SiteServer(['CATALOG_API_URL' => self::$api->url . '/']);
    }

    public static function tearDownAfterClass(): void
    {
        self::$site->stop();
        self::$api->stop();
    }

    /** @return array{int, array<string, string>, string} */
    private static function fetch(string $path): array
    {
        $ctx = stream_context_create(['http' => ['ignore_errors' => true, 'follow_location' => 0, 'timeout' => 5]]);
        $body = (string) file_get_contents(self::$site->url . $path, false, $ctx);
        /** @var list<string> $lines */
        $lines = $http_response_header;
        preg_match('#^HTTP/\S+ (\d{3})#', $lines[0], $m);
        $headers = [];
        foreach (array_slice($lines, 1) as $line) {
            [$k, $v] = array_pad(explode(':', $line, 2), 2, '');
            $headers[strtolower(trim($k))] = trim($v);
        }
        return [(int) $m[1], $headers, $body];
    }

    public function testPagesThroughPhpS(): void
    {
        [$status, $headers] = self::fetch('/');
        self::assertSame(302, $status);
        self::assertSame('/en/', $headers['location']);
        self::assertArrayNotHasKey('x-powered-by', $headers);

        [$status, $headers, $body] = self::fetch('/fr/?q=chaise&brand=Acme&brand=Lumi%C3%A8re');
        self::assertSame(200, $status);
        self::assertStringContainsString('Résultats pour « chaise »', $body);
        self::assertMatchesRegularExpression('/name="brand" value="Acme" form="search" checked/', $body, 'repeated keys survive $_SERVER');
        self::assertStringContainsString("default-src 'none'", $headers['content-security-policy']);
        self::assertStringStartsWith('api;dur=', $headers['server-timing']);
    }

    public function testAssets(): void
    {
        [$status, $headers, $body] = self::fetch('/assets/site.css?v=x');
        self::assertSame(200, $status);
        self::assertStringStartsWith('text/css', $headers['content-type']);
        self::assertStringContainsString('Catalog Search site styles', $body);
        [$status] = self::fetch('/assets/nothing.css');
        self::assertNotSame(200, $status);
    }

    public function testAssetsOutsidePhpS(): void
    {
        // As under Bref: the front controller itself sends a known asset.
        $cmd = [PHP_BINARY, __DIR__ . '/../public/index.php'];
        $env = ['REQUEST_URI' => '/assets/site.js?v=1', 'CATALOG_API_URL' => 'http://127.0.0.1:1'];
        $proc = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, $env);
        self::assertIsResource($proc);
        $out = (string) stream_get_contents($pipes[1]);
        proc_close($proc);
        self::assertStringStartsWith('/* Catalog Search: progressive enhancement', $out);

        $env['REQUEST_URI'] = '/assets/../src/Config.php';
        $proc = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, $env);
        self::assertIsResource($proc);
        $out = (string) stream_get_contents($pipes[1]);
        proc_close($proc);
        self::assertStringNotContainsString('namespace', $out, 'no source file is ever sent');
    }
}
