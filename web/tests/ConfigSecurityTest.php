<?php

declare(strict_types=1);

namespace CatalogSearch\Web\Tests;

use CatalogSearch\Web\Config;
use CatalogSearch\Web\ConfigError;
use CatalogSearch\Web\PartnerSession;
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

    /** csrfCookie is the nonce in the csrf cookie a response sets ('' when none). */
    private static function csrfCookie(Response $res): string
    {
        foreach ($res->cookies as $c) {
            if (str_starts_with($c, Security::CSRF_COOKIE . '=')) {
                return explode(';', substr($c, strlen(Security::CSRF_COOKIE . '=')))[0];
            }
        }
        return '';
    }

    /**
     * sessionValue signs in on a fresh session and returns its cookie value.
     */
    private static function sessionValue(string $key): string
    {
        $s = new PartnerSession(new Request('POST', '/en/partner/sign-in'), $key);
        $s->signIn('csk_live_abc', 'acme', 0);
        return explode(';', substr($s->apply(new Response())->cookies[0], strlen(PartnerSession::COOKIE . '=')))[0];
    }

    /** post is a form post with the csrf nonce cookie, the field and maybe a session cookie. */
    private static function post(string $key, string $nonce, string $field, string $session = ''): Security
    {
        $cookies = [Security::CSRF_COOKIE => $nonce] + ($session === '' ? [] : [PartnerSession::COOKIE => $session]);
        $req = new Request('POST', '/en/partner/upload', cookies: $cookies, post: [Security::CSRF_FIELD => $field]);
        return new Security($req, $key, new PartnerSession($req, $key));
    }

    public function testCsrf(): void
    {
        $key = Config::sessionKeyFrom(base64_encode(random_bytes(32)));
        $req = new Request('GET', '/en/partner', https: true);
        $fresh = new Security($req, $key, new PartnerSession($req, $key));
        $token = $fresh->csrfToken();
        self::assertMatchesRegularExpression('/^[0-9a-f]{64}$/', $token);
        $res = $fresh->apply(new Response());
        self::assertCount(1, $res->cookies);
        $nonce = self::csrfCookie($res);
        self::assertMatchesRegularExpression('/^[0-9a-f]{64}$/', $nonce);
        self::assertNotSame($nonce, $token, 'the form token is not the cookie: it is signed');
        self::assertStringContainsString('HttpOnly', $res->cookies[0]);
        self::assertStringContainsString('SameSite=Strict', $res->cookies[0]);
        self::assertStringContainsString('Secure', $res->cookies[0]);

        $req = new Request('GET', '/en/partner', cookies: ['csrf' => $nonce]);
        $again = new Security($req, $key, new PartnerSession($req, $key));
        self::assertSame($token, $again->csrfToken(), 'an existing nonce cookie is reused: same token');
        self::assertSame([], $again->apply(new Response())->cookies);

        // The real flow: the token of the page, with the browser's own nonce.
        self::assertTrue(self::post($key, $nonce, $token)->csrfValid());
        $session = self::sessionValue($key);
        $req = new Request('GET', '/en/partner', cookies: ['csrf' => $nonce, PartnerSession::COOKIE => $session]);
        $signedIn = (new Security($req, $key, new PartnerSession($req, $key)))->csrfToken();
        self::assertNotSame($token, $signedIn, 'a signed-in page has a token of its session');
        self::assertTrue(self::post($key, $nonce, $signedIn, $session)->csrfValid());

        $other = str_repeat('a', 64);
        $otherKey = Config::sessionKeyFrom(base64_encode(random_bytes(32)));
        $forged = hash_hmac('sha256', "csrf\0" . $other . "\0", $otherKey);
        $cases = [
            'wrong field' => [$nonce, $other, ''],
            'no field' => [$nonce, '', ''],
            'nothing' => ['', '', ''],
            'not hex' => ['x', 'x', ''],
            // Double-submit without binding accepted any value sent as both cookie and field.
            'planted cookie and field pair' => [$other, $other, ''],
            'planted pair, signed-in' => [$token, $token, $session],
            'planted nonce with a token signed under another secret' => [$other, $forged, ''],
            'the token of another nonce' => [$other, $token, ''],
            'a signed-out token posted in a session' => [$nonce, $token, $session],
            'the token of another session' => [$nonce, $signedIn, self::sessionValue($key)],
            'a session token posted signed out' => [$nonce, $signedIn, ''],
            'the cookie as the field' => [$nonce, $nonce, ''],
        ];
        foreach ($cases as $name => [$cookie, $field, $sess]) {
            self::assertFalse(self::post($key, $cookie, $field, $sess)->csrfValid(), $name);
        }
        // Without a site secret there is no valid token (the partner forms are off).
        $req = new Request('POST', '/', cookies: ['csrf' => $nonce], post: ['csrf_token' => $token]);
        self::assertFalse((new Security($req))->csrfValid());
        self::assertSame('', (new Security(new Request('GET', '/en/partner')))->csrfToken());
    }
}
