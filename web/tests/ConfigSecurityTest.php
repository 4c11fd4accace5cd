<?php

declare(strict_types=1);

namespace CatalogSearch\Web\Tests;

use CatalogSearch\Web\Config;
use CatalogSearch\Web\ConfigError;
use CatalogSearch\Web\Request;
use CatalogSearch\Web\Response;
use CatalogSearch\Web\Security;
use PHPUnit\Framework\TestCase;

final class ConfigSecurityTest extends TestCase
{
    public function testConfigFromEnv(): void
    {
        $c = Config::fromEnv(['CATALOG_API_URL' => 'http://127.0.0.1:8080/api/', 'CATALOG_API_TIMEOUT' => '2.5']);
        self::assertSame('http://127.0.0.1:8080/api', $c->apiUrl);
        self::assertSame(2.5, $c->apiTimeout);
        self::assertSame(Config::DEFAULT_MAX_UPLOAD, $c->maxUploadBytes);
    }

    /** The file never passes through PHP: its upload settings do not lower the limit the site offers. */
    public function testUploadLimitIsTheConfiguredOne(): void
    {
        $c = Config::fromEnv(['CATALOG_API_URL' => 'http://a', 'CATALOG_MAX_UPLOAD' => (string) (50 * 1024 * 1024)]);
        self::assertSame(50 * 1024 * 1024, $c->uploadLimit());
        self::assertSame('', $c->uploadOrigin);
        $o = Config::fromEnv(['CATALOG_API_URL' => 'http://a', 'CATALOG_UPLOAD_ORIGIN' => ' https://b.s3.eu-west-3.amazonaws.com/ ']);
        self::assertSame('https://b.s3.eu-west-3.amazonaws.com', $o->uploadOrigin);
    }

    /** @return array<string, array{array<string, string>}> */
    public static function badEnv(): array
    {
        return [
            'missing' => [[]],
            'relative' => [['CATALOG_API_URL' => '/api']],
            'other scheme' => [['CATALOG_API_URL' => 'file:///etc/passwd']],
            'timeout not a number' => [['CATALOG_API_URL' => 'http://a', 'CATALOG_API_TIMEOUT' => 'x']],
            'timeout too long' => [['CATALOG_API_URL' => 'http://a', 'CATALOG_API_TIMEOUT' => '600']],
            'upload size' => [['CATALOG_API_URL' => 'http://a', 'CATALOG_MAX_UPLOAD' => '-1']],
            'upload origin with a path' => [['CATALOG_API_URL' => 'http://a', 'CATALOG_UPLOAD_ORIGIN' => 'https://b.example/x']],
            'upload origin not http' => [['CATALOG_API_URL' => 'http://a', 'CATALOG_UPLOAD_ORIGIN' => 'javascript:alert(1)']],
            'upload origin with a quote' => [['CATALOG_API_URL' => 'http://a', 'CATALOG_UPLOAD_ORIGIN' => "https://b.example'; script-src *"]],
        ];
    }

    /**
     * @dataProvider badEnv
     * @param array<string, string> $env
     */
    public function testConfigRefusesBadEnv(array $env): void
    {
        $this->expectException(ConfigError::class);
        Config::fromEnv($env);
    }

    public function testHeaders(): void
    {
        $sec = new Security(new Request('GET', '/en/', https: true));
        $res = $sec->apply(new Response());
        $csp = $res->headers['Content-Security-Policy'];
        self::assertStringContainsString("script-src 'nonce-" . $sec->nonce . "'", $csp);
        self::assertStringContainsString("frame-ancestors 'none'", $csp);
        self::assertStringContainsString("default-src 'none'", $csp);
        self::assertStringNotContainsString('unsafe-inline', $csp);
        self::assertSame('nosniff', $res->headers['X-Content-Type-Options']);
        self::assertStringStartsWith('max-age=', $res->headers['Strict-Transport-Security']);
        self::assertSame('no-store', $res->headers['Cache-Control']);
        self::assertNotSame($sec->nonce, (new Security(new Request('GET', '/')))->nonce, 'a fresh nonce per request');
    }

    public function testCsrf(): void
    {
        $fresh = new Security(new Request('GET', '/en/partner', https: true));
        $token = $fresh->csrfToken();
        self::assertMatchesRegularExpression('/^[0-9a-f]{64}$/', $token);
        $res = $fresh->apply(new Response());
        self::assertCount(1, $res->cookies);
        self::assertStringContainsString('csrf=' . $token, $res->cookies[0]);
        self::assertStringContainsString('HttpOnly', $res->cookies[0]);
        self::assertStringContainsString('SameSite=Strict', $res->cookies[0]);
        self::assertStringContainsString('Secure', $res->cookies[0]);

        $again = new Security(new Request('GET', '/en/partner', cookies: ['csrf' => $token]));
        self::assertSame($token, $again->csrfToken(), 'an existing cookie is reused');
        self::assertSame([], $again->apply(new Response())->cookies);

        $ok = new Security(new Request('POST', '/en/partner/upload', cookies: ['csrf' => $token], post: ['csrf_token' => $token]));
        self::assertTrue($ok->csrfValid());
        $other = str_repeat('a', 64);
        foreach (
            [
            ['csrf' => $token, 'field' => $other],
            ['csrf' => $token, 'field' => ''],
            ['csrf' => '', 'field' => ''],
            ['csrf' => 'x', 'field' => 'x'],
            ] as $case
        ) {
            $sec = new Security(new Request('POST', '/', cookies: ['csrf' => $case['csrf']], post: ['csrf_token' => $case['field']]));
            self::assertFalse($sec->csrfValid(), json_encode($case) ?: '');
        }
    }
}
