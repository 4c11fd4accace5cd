<?php

declare(strict_types=1);

namespace CatalogSearch\Web\Tests;

use CatalogSearch\Web\Request;
use CatalogSearch\Web\SearchState;
use PHPUnit\Framework\TestCase;

final class SearchStateTest extends TestCase
{
    private static function state(string $qs): SearchState
    {
        return SearchState::fromRequest(new Request('GET', '/en/', Request::parseQuery($qs)));
    }

    public function testApiQuery(): void
    {
        $s = self::state('q=chaise&brand=Acme&brand=Lumi%C3%A8re&category=Maison+%3E+Cuisine&sort=price_asc&page=2'
            . '&price_min=10,5&price_max=99&currency=eur&attr.Color=Green&unknown=x');
        self::assertSame([
            'q' => 'chaise',
            'page' => 2,
            'size' => SearchState::SIZE,
            'sort' => 'price_asc',
            'facets' => 'category,brand,partner,availability,lead_time,currency,price',
            'category' => ['Maison > Cuisine'],
            'brand' => ['Acme', 'Lumière'],
            'attr.Color' => ['Green'],
            'price_min' => '10.5',
            'price_max' => '99',
            'currency' => 'EUR',
        ], $s->apiQuery());
        self::assertTrue($s->hasFilters());
        self::assertSame([], $s->errors);
    }

    /** @return array<string, array{string, string, int, list<string>}> */
    public static function badInput(): array
    {
        return [
            'unknown sort' => ['sort=evil', 'relevance', 1, []],
            'page zero' => ['page=0', 'relevance', 1, []],
            'page not a number' => ['page=2x', 'relevance', 1, []],
            'page too deep is capped' => ['page=99999', 'relevance', intdiv(10000, SearchState::SIZE), []],
            'bad price' => ['price_min=abc', 'relevance', 1, ['error.price_format']],
            'min above max' => ['price_min=100&price_max=5', 'relevance', 1, ['error.price_order']],
        ];
    }

    /**
     * @dataProvider badInput
     * @param list<string> $errors
     */
    public function testBadInputIsNeutralised(string $qs, string $sort, int $page, array $errors): void
    {
        $s = self::state($qs);
        self::assertSame($sort, $s->sort);
        self::assertSame($page, $s->page);
        self::assertSame($errors, $s->errors);
        self::assertSame('', $s->priceMin);
    }

    public function testAvailabilityAndLeadTimeFilters(): void
    {
        // Only the values the API takes are sent; a made-up one would be a 400.
        $s = self::state('q=papier&availability=in_stock&availability=instock&availability=backorder'
            . '&lead_time=7&lead_time=5');
        $q = $s->apiQuery();
        self::assertSame(['in_stock', 'backorder'], $q['availability']);
        self::assertSame(['7'], $q['lead_time']);
        self::assertStringContainsString('availability,lead_time', (string) $q['facets']);
        self::assertArrayNotHasKey('lead_time', self::state('lead_time=abc')->apiQuery());
    }

    public function testLongQueryIsCut(): void
    {
        $s = self::state('q=' . str_repeat('%C3%A9', 300));
        self::assertSame(256, preg_match_all('/./u', $s->q));
    }

    public function testUrls(): void
    {
        $s = self::state('q=a+b&brand=Acme&page=3&sort=name');
        self::assertSame('?q=a%20b&sort=name', $s->toggle('brand', 'Acme'), 'untick drops the value and the page');
        self::assertSame('?q=a%20b&brand=Acme&brand=X%26Y&sort=name', $s->toggle('brand', 'X&Y'));
        self::assertSame('?q=a%20b&brand=Acme&sort=name&page=4', $s->pageQuery(4));
        self::assertSame('?q=a%20b&brand=Acme&sort=name', $s->pageQuery(1));
        self::assertSame('?q=chaise&brand=Acme&sort=name', $s->withQuery('chaise'));
        self::assertSame('?q=a%20b&sort=name', $s->cleared());
    }

    public function testGroupedByOffers(): void
    {
        $s = self::state('q=stylo&group=offers&sort=price_asc&page=2');
        self::assertTrue($s->grouped);
        self::assertSame('offers', $s->apiQuery()['group']);
        self::assertSame('?q=stylo&sort=price_asc&group=offers&page=3', $s->pageQuery(3), 'paging keeps the grouping');
        self::assertSame('?q=stylo&sort=price_asc', $s->withGrouping(false), 'ungrouping goes back to page 1');
        self::assertSame('?q=stylo&sort=price_asc&group=offers', $s->cleared());
        $flat = self::state('q=stylo&group=partner');
        self::assertFalse($flat->grouped, 'only group=offers groups');
        self::assertArrayNotHasKey('group', $flat->apiQuery());
        self::assertSame('?q=stylo&group=offers', $flat->withGrouping(true));
    }

    public function testPriceBands(): void
    {
        self::assertSame(['10', '50'], SearchState::priceBand('10-50'));
        self::assertSame(['500', ''], SearchState::priceBand('500-'));
        self::assertSame(['0.5', '1'], SearchState::priceBand('0.5-1'));
        self::assertNull(SearchState::priceBand('cheap'));
        self::assertNull(SearchState::priceBand('-5'));
        $s = self::state('q=x&page=3');
        self::assertSame('?q=x&price_max=10', $s->withPrice('0', '10'));
        self::assertSame('?q=x&price_min=500', $s->withPrice('500', ''));
    }

    public function testPageWindow(): void
    {
        self::assertSame([1], SearchState::pageWindow(1, 1));
        self::assertSame([1, 2, 3, 0, 10], SearchState::pageWindow(1, 10));
        self::assertSame([1, 0, 4, 5, 6, 7, 8, 0, 10], SearchState::pageWindow(6, 10));
        self::assertSame(1, SearchState::lastPage(0));
        self::assertSame(2, SearchState::lastPage(SearchState::SIZE + 1));
        self::assertSame(intdiv(10000, SearchState::SIZE), SearchState::lastPage(1_000_000));
    }

    public function testCmpDecimal(): void
    {
        self::assertSame(0, SearchState::cmpDecimal('1.50', '1.5'));
        self::assertSame(-1, SearchState::cmpDecimal('9.99', '10'));
        self::assertSame(1, SearchState::cmpDecimal('12345678901234567890', '12345678901234567889.999'));
        self::assertSame(0, SearchState::cmpDecimal('007', '7'));
    }
}
