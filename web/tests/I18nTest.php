<?php

declare(strict_types=1);

namespace CatalogSearch\Web\Tests;

use CatalogSearch\Web\I18n;
use PHPUnit\Framework\TestCase;

final class I18nTest extends TestCase
{
    /** @return array<string, array{string, string}> */
    public static function negotiateCases(): array
    {
        return [
            'empty' => ['', 'en'],
            'french region' => ['fr-CA,fr;q=0.9,en;q=0.8', 'fr'],
            'english first' => ['en-GB,en;q=0.9,fr;q=0.8', 'en'],
            'weights decide' => ['de, en;q=0.5, fr;q=0.7', 'fr'],
            'unsupported only' => ['de-DE,de;q=0.9', 'en'],
            'q=0 refuses' => ['fr;q=0, en;q=0.1', 'en'],
            'tie keeps order' => ['fr, en', 'fr'],
            'garbage' => [';;;,,q=', 'en'],
        ];
    }

    /** @dataProvider negotiateCases */
    public function testNegotiate(string $header, string $want): void
    {
        self::assertSame($want, I18n::negotiate($header));
    }

    /** @return array<string, array{string, array{amount: string, currency: string}, string}> */
    public static function priceCases(): array
    {
        $nb = "\u{00A0}";
        $nn = "\u{202F}";
        return [
            'en eur' => ['en', ['amount' => '1234.5', 'currency' => 'EUR'], '€1,234.50'],
            'fr eur' => ['fr', ['amount' => '1234.5', 'currency' => 'EUR'], "1{$nn}234,50{$nb}€"],
            'en usd' => ['en', ['amount' => '12', 'currency' => 'USD'], '$12.00'],
            'fr usd' => ['fr', ['amount' => '12', 'currency' => 'USD'], "12,00{$nb}\$US"],
            'en cny' => ['en', ['amount' => '0.5', 'currency' => 'CNY'], 'CN¥0.50'],
            'en unknown code' => ['en', ['amount' => '3', 'currency' => 'CHF'], "CHF{$nb}3.00"],
            'keeps extra decimals exactly' => ['en', ['amount' => '0.125', 'currency' => 'EUR'], '€0.125'],
            'big amount without float rounding' => ['en', ['amount' => '12345678901234567.89', 'currency' => 'EUR'],
                '€12,345,678,901,234,567.89'],
            'negative' => ['en', ['amount' => '-5', 'currency' => 'EUR'], '-€5.00'],
            'millions fr' => ['fr', ['amount' => '1000000', 'currency' => 'CNY'], "1{$nn}000{$nn}000,00{$nb}CNY"],
        ];
    }

    /**
     * @dataProvider priceCases
     * @param array{amount: string, currency: string} $price
     */
    public function testPrice(string $locale, array $price, string $want): void
    {
        self::assertSame($want, I18n::load($locale)->price($price));
    }

    public function testPriceOfGarbage(): void
    {
        $t = I18n::load('en');
        self::assertSame('', $t->price(null));
        self::assertSame('', $t->price(['amount' => 12.5]));
        self::assertSame('€1e5', $t->price(['amount' => '1e5', 'currency' => 'EUR']), 'malformed amounts are shown as given');
    }

    public function testPlural(): void
    {
        $en = I18n::load('en');
        $fr = I18n::load('fr');
        self::assertSame('0 products', $en->plural('results.count', 0));
        self::assertSame('1 product', $en->plural('results.count', 1));
        self::assertSame('1,234 products', $en->plural('results.count', 1234));
        self::assertSame('0 produit', $fr->plural('results.count', 0));
        self::assertSame("1\u{202F}234 produits", $fr->plural('results.count', 1234));
    }

    public function testDate(): void
    {
        self::assertSame('28 Nov 2026, 20:24 UTC', I18n::load('en')->date('2026-11-28T21:24:00+01:00'));
        self::assertSame('3 févr. 2026 à 08:05 UTC', I18n::load('fr')->date('2026-02-03T08:05:00Z'));
        self::assertSame('', I18n::load('en')->date('0001-01-01T00:00:00Z'));
        self::assertSame('', I18n::load('en')->date('not a date'));
    }

    public function testBothLocalesHaveTheSameKeys(): void
    {
        $en = require __DIR__ . '/../src/lang/en.php';
        $fr = require __DIR__ . '/../src/lang/fr.php';
        self::assertSame([], array_diff(array_keys($en), array_keys($fr)), 'keys missing in fr');
        self::assertSame([], array_diff(array_keys($fr), array_keys($en)), 'keys missing in en');
    }

    public function testCountry(): void
    {
        self::assertSame('Germany', I18n::load('en')->country('DE'));
        self::assertSame('Allemagne', I18n::load('fr')->country('de'));
        self::assertSame('XK', I18n::load('fr')->country('XK'));
    }

    public function testUnknownLocaleFallsBack(): void
    {
        self::assertSame('en', I18n::load('de')->locale);
        self::assertSame('Rechercher', I18n::load('fr')->t('search.submit'));
        self::assertSame('Results for “<b>”', I18n::load('en')->t('results.for', ['q' => '<b>']));
    }
}
