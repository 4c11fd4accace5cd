<?php

declare(strict_types=1);

namespace CatalogSearch\Web\Tests;

use CatalogSearch\Web\ProductFacts;
use CatalogSearch\Web\SearchState;
use PHPUnit\Framework\TestCase;

/** What cards and facets show B2B buyers: identifier matches, price on request, the category tree. */
final class BuyerFactsTest extends TestCase
{
    private const PRODUCT = [
        'id' => 'acme:BP-1', 'sku' => 'BP-1', 'gtin' => '4006381333931', 'supplier_ref' => 'FR 778',
        'variants' => [['sku' => 'BP-1-RED', 'gtin' => '3760123456787']],
    ];

    /** @return array<string, array{string, array{string, string}|null}> */
    public static function identifiers(): array
    {
        return [
            'sku, any case' => ['bp-1', ['sku', 'BP-1']],
            'gtin with spaces around' => [' 4006381333931 ', ['gtin', '4006381333931']],
            'variant sku' => ['BP-1-red', ['sku', 'BP-1-RED']],
            'variant gtin' => ['3760123456787', ['gtin', '3760123456787']],
            'a prefix is not a match' => ['BP', null],
            'words are not identifiers' => ['FR 778', null],
            'empty' => ['', null],
        ];
    }

    /**
     * @dataProvider identifiers
     * @param array{string, string}|null $want
     */
    public function testMatchedIdentifier(string $q, ?array $want): void
    {
        self::assertSame($want, ProductFacts::matchedIdentifier(self::PRODUCT, $q));
    }

    public function testExactProductNeedsOneMatch(): void
    {
        $hit = ['product' => self::PRODUCT];
        $other = ['product' => ['id' => 'acme:BP-10', 'sku' => 'BP-10']];
        self::assertSame('acme:BP-1', ProductFacts::exactProduct([$other, $hit], 'BP-1'));
        self::assertSame('', ProductFacts::exactProduct([$other], 'BP-1'), 'no exact match');
        $twin = ['product' => ['id' => 'other:X', 'gtin' => '4006381333931']];
        self::assertSame('', ProductFacts::exactProduct([$hit, $twin], '4006381333931'), 'two products: a list');
    }

    /** @return array<string, array{mixed, mixed, bool}> */
    public static function prices(): array
    {
        return [
            'absent' => [null, null, true],
            'zero' => [['amount' => '0', 'currency' => 'EUR'], null, true],
            'zero with decimals' => [['amount' => '0.00', 'currency' => 'EUR'], null, true],
            'a price' => [['amount' => '0.50', 'currency' => 'EUR'], null, false],
            'malformed' => [['amount' => 12], null, true],
            'zero, free' => [['amount' => '0', 'currency' => 'EUR'], true, false],
            'zero, free not a boolean' => [['amount' => '0', 'currency' => 'EUR'], 'true', true],
            'absent, free' => [null, true, true],
        ];
    }

    /** @dataProvider prices */
    public function testOnRequest(mixed $price, mixed $free, bool $want): void
    {
        self::assertSame($want, ProductFacts::onRequest($price, $free ?? false));
    }

    public function testCategoryTreeDrawsChildrenUnderTheirParent(): void
    {
        // As the API counts them: a child can come before its parent, and
        // next to another parent.
        $rows = [['Office > Paper', 40], ['Machines', 30], ['Office', 50], ['Machines > Presses', 20],
            ['Garden > Tools > Spades', 5], ['Office > Paper > A4', 10]];
        $tree = SearchState::categoryTree($rows);
        $got = array_map(static fn (array $r): array => [$r['value'], $r['depth'], $r['label']], $tree);
        self::assertSame([
            ['Machines', 0, 'Machines'],
            ['Machines > Presses', 1, 'Presses'],
            ['Office', 0, 'Office'],
            ['Office > Paper', 1, 'Paper'],
            ['Office > Paper > A4', 2, 'A4'],
            // Its parents are not listed: it shows its whole path, at the top.
            ['Garden > Tools > Spades', 0, 'Garden > Tools > Spades'],
        ], $got);
        self::assertSame('Office > Paper > ', $tree[4]['prefix']);
        self::assertSame(50, $tree[2]['count']);
    }
}
