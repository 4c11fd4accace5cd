<?php

declare(strict_types=1);

namespace CatalogSearch\Web\Tests;

use CatalogSearch\Web\ConfigError;
use CatalogSearch\Web\Config;
use CatalogSearch\Web\ProductFacts;
use CatalogSearch\Web\Rates;
use PHPUnit\Framework\TestCase;

/** Converted prices only from the operator's dated rates; sellers by name; price tiers. */
final class RatesTest extends TestCase
{
    private const RATES = '[{"from":"USD","to":"EUR","rate":"0.5","date":"2026-11-30"}]';

    /** @return array<string, array{mixed, string, array{amount: string, currency: string, date: string}|null}> */
    public static function conversions(): array
    {
        return [
            'configured pair' => [['amount' => '24.68', 'currency' => 'USD'], 'EUR', ['amount' => '12.34', 'currency' => 'EUR', 'date' => '2026-11-30']],
            'inverse of a configured pair' => [['amount' => '10.00', 'currency' => 'EUR'], 'USD', ['amount' => '20.00', 'currency' => 'USD', 'date' => '2026-11-30']],
            'no rate for the pair' => [['amount' => '70.00', 'currency' => 'CNY'], 'EUR', null],
            'already in the currency' => [['amount' => '10.00', 'currency' => 'EUR'], 'EUR', null],
            'no price' => [null, 'EUR', null],
        ];
    }

    /**
     * @dataProvider conversions
     * @param array{amount: string, currency: string, date: string}|null $want
     */
    public function testConvert(mixed $price, string $to, ?array $want): void
    {
        self::assertSame($want, Rates::fromJson(self::RATES)->convert($price, $to));
        self::assertNull(Rates::none()->convert($price, $to), 'no rates configured: nothing');
    }

    /** @return array<string, array{string}> */
    public static function badRates(): array
    {
        return [
            'not JSON' => ['{'],
            'an object' => ['{"USD/EUR": 0.5}'],
            'no date' => ['[{"from":"USD","to":"EUR","rate":"0.5"}]'],
            'impossible date' => ['[{"from":"USD","to":"EUR","rate":"0.5","date":"2026-02-30"}]'],
            'zero rate' => ['[{"from":"USD","to":"EUR","rate":"0","date":"2026-11-30"}]'],
            'lower-case code' => ['[{"from":"usd","to":"EUR","rate":"0.5","date":"2026-11-30"}]'],
        ];
    }

    /** @dataProvider badRates */
    public function testBadRatesAreAConfigError(string $json): void
    {
        $this->expectException(ConfigError::class);
        Config::fromEnv(['CATALOG_API_URL' => 'http://127.0.0.1:1/api', 'CATALOG_RATES' => $json]);
    }

    public function testConfigReadsRates(): void
    {
        $c = Config::fromEnv(['CATALOG_API_URL' => 'http://127.0.0.1:1/api', 'CATALOG_RATES' => self::RATES]);
        self::assertNotNull($c->rates?->convert(['amount' => '1', 'currency' => 'USD'], 'EUR'));
        $none = Config::fromEnv(['CATALOG_API_URL' => 'http://127.0.0.1:1/api']);
        self::assertNull($none->rates?->convert(['amount' => '1', 'currency' => 'USD'], 'EUR'));
    }

    public function testSellerIsTheDisplayNameElseTheCode(): void
    {
        self::assertSame('Acme Fournitures', ProductFacts::seller(['partner' => 'acme', 'partner_name' => ' Acme Fournitures ']));
        self::assertSame('acme', ProductFacts::seller(['partner' => 'acme', 'partner_name' => '']));
        self::assertSame('acme', ProductFacts::seller(['partner' => 'acme']));
    }

    public function testTiersInThePriceCurrencyOnly(): void
    {
        $p = [
            'price' => ['amount' => '10.00', 'currency' => 'EUR'],
            'tiers' => [
                ['min_qty' => 50, 'price' => ['amount' => '8.50', 'currency' => 'EUR']],
                ['min_qty' => 10, 'price' => ['amount' => '9.00', 'currency' => 'EUR']],
                ['min_qty' => 100, 'price' => ['amount' => '7.00', 'currency' => 'USD']],
                ['min_qty' => 0, 'price' => ['amount' => '1.00', 'currency' => 'EUR']],
            ],
        ];
        self::assertSame([
            ['min' => 10, 'price' => ['amount' => '9.00', 'currency' => 'EUR']],
            ['min' => 50, 'price' => ['amount' => '8.50', 'currency' => 'EUR']],
        ], ProductFacts::tiers($p));
        self::assertSame([[10, '9.00'], [50, '8.50']], ProductFacts::snapshot($p, '/en/product/x')['tiers']);
        self::assertSame([], ProductFacts::tiers(['tiers' => $p['tiers']]), 'no price (on request): no tiers');
    }
}
