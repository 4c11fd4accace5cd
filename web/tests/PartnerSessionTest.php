<?php

declare(strict_types=1);

namespace CatalogSearch\Web\Tests;

use CatalogSearch\Web\Config;
use CatalogSearch\Web\ConfigError;
use CatalogSearch\Web\PartnerSession;
use CatalogSearch\Web\Request;
use CatalogSearch\Web\Response;
use PHPUnit\Framework\TestCase;

/**
 * The sealed session cookie: libsodium for real (no mock), with the clock
 * passed in so expiry is tested without waiting.
 */
final class PartnerSessionTest extends TestCase
{
    private const NOW = 1_800_000_000;

    private static function key(): string
    {
        return Config::sessionKeyFrom(base64_encode(random_bytes(32)));
    }

    /** cookieOf signs in on a fresh session and returns the Set-Cookie line. */
    private static function cookieOf(string $sealKey, int $now = self::NOW, bool $https = false): string
    {
        $s = new PartnerSession(new Request('POST', '/en/partner/sign-in', https: $https), $sealKey, $now);
        $s->signIn('csk_live_abc', 'acme', 3);
        return $s->apply(new Response())->cookies[0];
    }

    private static function valueOf(string $setCookie): string
    {
        return substr(explode(';', $setCookie)[0], strlen(PartnerSession::COOKIE . '='));
    }

    private static function session(string $sealKey, string $value, int $now = self::NOW): PartnerSession
    {
        return new PartnerSession(new Request('GET', '/en/partner', cookies: [PartnerSession::COOKIE => $value]), $sealKey, $now);
    }

    public function testRoundTrip(): void
    {
        $key = self::key();
        $set = self::cookieOf($key);
        self::assertMatchesRegularExpression('/^partner_session=[A-Za-z0-9_-]+; Path=\/; Max-Age=28800; HttpOnly; SameSite=Lax$/', $set);
        self::assertStringEndsWith('; HttpOnly; SameSite=Lax; Secure', self::cookieOf($key, https: true));
        $s = self::session($key, self::valueOf($set), self::NOW + PartnerSession::TTL - 1);
        self::assertSame('csk_live_abc', $s->key());
        self::assertSame('acme', $s->partner());
        self::assertSame(3, $s->generation(), 'the generation the API gave at sign-in');
        self::assertSame([], $s->apply(new Response())->cookies, 'a good cookie is left as it is');
        self::assertNotSame(self::valueOf($set), self::valueOf(self::cookieOf($key)), 'a fresh nonce each time');
    }

    /** @return array<string, array{callable(string): string}> */
    public static function tamperings(): array
    {
        $flip = static function (string $v, int $at): string {
            $raw = sodium_base642bin($v, SODIUM_BASE64_VARIANT_URLSAFE_NO_PADDING);
            $raw[$at] = chr(ord($raw[$at]) ^ 1);
            return sodium_bin2base64($raw, SODIUM_BASE64_VARIANT_URLSAFE_NO_PADDING);
        };
        return [
            'nonce bit' => [static fn (string $v): string => $flip($v, 0)],
            'ciphertext bit' => [static fn (string $v): string => $flip($v, 30)],
            'tag bit' => [static fn (string $v): string => $flip($v, -1)],
            'truncated' => [static fn (string $v): string => substr($v, 0, -4)],
            'extended' => [static fn (string $v): string => $v . 'AAAA'],
            'not base64' => [static fn (string $v): string => $v . '!'],
            'empty' => [static fn (string $v): string => ''],
            'nonce only' => [static fn (string $v): string => substr($v, 0, 32)],
        ];
    }

    /**
     * @dataProvider tamperings
     * @param callable(string): string $tamper
     */
    public function testTamperedCookieRefused(callable $tamper): void
    {
        $key = self::key();
        $s = self::session($key, $tamper(self::valueOf(self::cookieOf($key))));
        self::assertNull($s->key());
        self::assertSame('', $s->partner());
    }

    public function testForgedPayloadRefused(): void
    {
        // A payload sealed with the right key but another version, or a
        // lifetime longer than TTL, is refused too.
        $key = self::key();
        $seal = static function (array $payload) use ($key): string {
            $nonce = random_bytes(SODIUM_CRYPTO_AEAD_XCHACHA20POLY1305_IETF_NPUBBYTES);
            $box = sodium_crypto_aead_xchacha20poly1305_ietf_encrypt((string) json_encode($payload), 'partner_session/v2', $nonce, $key);
            return sodium_bin2base64($nonce . $box, SODIUM_BASE64_VARIANT_URLSAFE_NO_PADDING);
        };
        $good = ['v' => 2, 'k' => 'csk_x', 'p' => 'acme', 'g' => 0, 'iat' => self::NOW, 'exp' => self::NOW + 60];
        self::assertSame('csk_x', self::session($key, $seal($good))->key(), 'the forging helper itself is right');
        self::assertNull(self::session($key, $seal(['v' => 1] + $good))->key(), 'other version (version 1 had no generation)');
        self::assertNull(self::session($key, $seal(array_diff_key($good, ['g' => 0])))->key(), 'no generation');
        self::assertNull(self::session($key, $seal(['g' => -1] + $good))->key(), 'a negative generation');
        self::assertNull(self::session($key, $seal(['g' => '0'] + $good))->key(), 'a generation that is not an integer');
        self::assertNull(self::session($key, $seal(['exp' => self::NOW + PartnerSession::TTL + 1] + $good))->key(), 'longer than TTL');
        self::assertNull(self::session($key, $seal(['iat' => self::NOW + 3600, 'exp' => self::NOW + 3700] + $good))->key(), 'issued in the future');
        self::assertNull(self::session($key, $seal(['k' => ''] + $good))->key(), 'no key');
    }

    public function testExpiredRefused(): void
    {
        $key = self::key();
        $value = self::valueOf(self::cookieOf($key));
        self::assertNotNull(self::session($key, $value, self::NOW + PartnerSession::TTL - 1)->key());
        $s = self::session($key, $value, self::NOW + PartnerSession::TTL);
        self::assertNull($s->key(), 'expired after 8 hours');
        self::assertSame(['partner_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax'], $s->apply(new Response())->cookies, 'and cleared');
    }

    public function testWrongSecretRefused(): void
    {
        $value = self::valueOf(self::cookieOf(self::key()));
        self::assertNull(self::session(self::key(), $value)->key());
    }

    public function testNotConfigured(): void
    {
        $s = new PartnerSession(new Request('GET', '/en/partner', cookies: ['partner_session' => 'x']), null);
        self::assertFalse($s->configured());
        self::assertNull($s->key());
        $this->expectException(\LogicException::class);
        $s->signIn('csk_x', 'acme', 0);
    }

    /** @return array<string, array{string, bool}> */
    public static function secrets(): array
    {
        return [
            '32 bytes, standard base64' => [base64_encode(str_repeat("\xfb", 32)), true],
            '32 bytes, URL-safe, no padding' => [rtrim(strtr(base64_encode(str_repeat("\xfb", 32)), '+/', '-_'), '='), true],
            'Secrets Manager: 64 letters and digits' => [str_repeat('aZ09', 16), true],
            '31 bytes' => [base64_encode(str_repeat('x', 31)), false],
            'not base64' => ['this is not a secret!', false],
        ];
    }

    /** @dataProvider secrets */
    public function testSecretFromConfiguration(string $secret, bool $ok): void
    {
        $env = ['CATALOG_API_URL' => 'http://127.0.0.1:1/api', 'CATALOG_SITE_SECRET' => $secret];
        if (!$ok) {
            $this->expectException(ConfigError::class);
        }
        $key = Config::fromEnv($env)->sessionKey;
        self::assertSame(32, strlen((string) $key));
        self::assertSame($key, Config::sessionKeyFrom($secret));
    }

    public function testNoSecretNoKey(): void
    {
        self::assertNull(Config::fromEnv(['CATALOG_API_URL' => 'http://127.0.0.1:1/api'])->sessionKey);
        self::assertNull(Config::fromEnv(['CATALOG_API_URL' => 'http://127.0.0.1:1/api', 'CATALOG_SITE_SECRET' => ''])->sessionKey);
    }

    /**
     * The operator's session is a cookie of its own: a partner's sealed
     * value copied into it (or the reverse) opens to nothing, because the
     * cookie's name is in the sealed data.
     */
    public function testOperatorCookieIsItsOwn(): void
    {
        $key = self::key();
        $op = new PartnerSession(new Request('POST', '/en/insights/sign-in'), $key, self::NOW, PartnerSession::OPERATOR_COOKIE);
        $op->signIn('cso_live_abc', 'operator', 0);
        $set = $op->apply(new Response())->cookies[0];
        self::assertStringStartsWith('operator_session=', $set);
        $opValue = substr(explode(';', $set)[0], strlen(PartnerSession::OPERATOR_COOKIE . '='));
        $read = new PartnerSession(new Request('GET', '/en/insights', cookies: [PartnerSession::OPERATOR_COOKIE => $opValue]), $key, self::NOW, PartnerSession::OPERATOR_COOKIE);
        self::assertSame('cso_live_abc', $read->key());
        // The operator's value in the partner's cookie, and a partner's in the operator's: nothing.
        self::assertNull(self::session($key, $opValue)->key());
        $partnerValue = self::valueOf(self::cookieOf($key));
        $swapped = new PartnerSession(new Request('GET', '/en/insights', cookies: [PartnerSession::OPERATOR_COOKIE => $partnerValue]), $key, self::NOW, PartnerSession::OPERATOR_COOKIE);
        self::assertNull($swapped->key());
    }
}
