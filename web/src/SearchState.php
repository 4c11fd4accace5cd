<?php

declare(strict_types=1);

namespace CatalogSearch\Web;

/**
 * SearchState is what a search page shows: the query, filters, sort and
 * page read from the site URL (which uses the API's parameter names), the
 * API query derived from it, and the URLs of every change a visitor can
 * make (toggle a facet value, change page, follow a suggestion).
 */
final class SearchState
{
    public const SIZE = 24;
    public const MAX_RESULT_DEPTH = 10000;
    public const SORTS = ['relevance', 'price_asc', 'price_desc', 'newest', 'name'];
    public const FACETS = ['category', 'brand', 'partner', 'availability', 'lead_time'];
    /**
     * The values the API takes for the availability and lead-time facets
     * (catalog.Availabilities, catalog.LeadTimeBands): other values in a
     * URL are dropped, not sent.
     */
    public const AVAILABILITIES = ['in_stock', 'backorder', 'out_of_stock'];
    public const LEAD_TIME_BANDS = ['1', '3', '7', '14', '30'];
    /** The price facet counts hits per price band ("10-50", "500-"). */
    public const PRICE_FACET = 'price';
    public const CURRENCIES = ['EUR', 'USD', 'GBP', 'CNY'];
    /** The currency facet: which currencies the results are priced in. */
    public const CURRENCY_FACET = 'currency';
    /** currency=all: the buyer asked for every currency (no default one). */
    public const ALL_CURRENCIES = 'all';
    /** GROUP_OFFERS is the group parameter, here and in the API, that groups offers of one product. */
    public const GROUP_OFFERS = 'offers';
    private const MAX_QUERY = 256;
    private const MAX_VALUES = 20;

    /** @var array<string, list<string>> facet name (or "attr.X") => selected values */
    public array $filters = [];
    public string $q = '';
    public string $sort = 'relevance';
    public int $page = 1;
    public string $priceMin = '';
    public string $priceMax = '';
    public string $currency = '';
    /** grouped: one card per product offered by several partners (the API's group=offers). */
    public bool $grouped = false;
    /** autoCurrency: the site chose $currency (see wantsOneCurrency), not the buyer. */
    public bool $autoCurrency = false;
    /** @var list<string> message keys of inputs that were ignored */
    public array $errors = [];

    public static function fromRequest(Request $r): self
    {
        $s = new self();
        $q = $r->first('q');
        if (preg_match('/^.{0,' . self::MAX_QUERY . '}/us', $q, $m) === 1) {
            $s->q = $m[0];
        }
        $sort = $r->first('sort');
        $s->sort = in_array($sort, self::SORTS, true) ? $sort : 'relevance';
        $page = $r->first('page');
        $maxPage = intdiv(self::MAX_RESULT_DEPTH, self::SIZE);
        if (ctype_digit($page) && (int) $page >= 1) {
            $s->page = min((int) $page, $maxPage);
        }
        foreach (self::FACETS as $facet) {
            $values = array_slice($r->all($facet), 0, self::MAX_VALUES);
            $known = ['availability' => self::AVAILABILITIES, 'lead_time' => self::LEAD_TIME_BANDS][$facet] ?? null;
            if ($known !== null) {
                $values = array_values(array_intersect($values, $known));
            }
            if ($values !== []) {
                $s->filters[$facet] = $values;
            }
        }
        foreach (array_keys($r->query) as $key) {
            if (preg_match('/^attr\.[\p{L}\p{N} _\-]{1,64}$/u', $key) === 1) {
                $values = array_slice($r->all($key), 0, self::MAX_VALUES);
                if ($values !== []) {
                    $s->filters[$key] = $values;
                }
            }
        }
        $s->priceMin = self::readPrice($r->first('price_min'), $s);
        $s->priceMax = self::readPrice($r->first('price_max'), $s);
        if ($s->priceMin !== '' && $s->priceMax !== '' && self::cmpDecimal($s->priceMin, $s->priceMax) > 0) {
            $s->errors[] = 'error.price_order';
            $s->priceMin = $s->priceMax = '';
        }
        $s->grouped = $r->first('group') === self::GROUP_OFFERS;
        $currency = $r->first('currency');
        if ($currency === self::ALL_CURRENCIES) {
            $s->currency = self::ALL_CURRENCIES;
        } else {
            $currency = strtoupper($currency);
            $s->currency = preg_match('/^[A-Z]{3}$/', $currency) === 1 ? $currency : '';
        }
        return $s;
    }

    /**
     * apiQuery is the /v1/search query for this state.
     *
     * @return array<string, string|int|list<string>>
     */
    public function apiQuery(): array
    {
        $q = [
            'q' => $this->q,
            'page' => $this->page,
            'size' => self::SIZE,
            'sort' => $this->sort,
            'facets' => implode(',', [...self::FACETS, self::CURRENCY_FACET, self::PRICE_FACET]),
        ];
        foreach ($this->filters as $k => $values) {
            $q[$k] = $values;
        }
        if ($this->priceMin !== '') {
            $q['price_min'] = $this->priceMin;
        }
        if ($this->priceMax !== '') {
            $q['price_max'] = $this->priceMax;
        }
        if ($this->currency !== '' && $this->currency !== self::ALL_CURRENCIES) {
            $q['currency'] = $this->currency;
        }
        if ($this->grouped) {
            $q['group'] = self::GROUP_OFFERS;
        }
        return $q;
    }

    /**
     * wantsOneCurrency tells whether these results must be in one
     * currency though the buyer chose none: sorting or filtering by price
     * (amounts of different currencies do not compare), and browsing
     * without a text (the home page opens on the buyer's currency). The
     * choice is made again on every page, so links do not carry it.
     */
    public function wantsOneCurrency(): bool
    {
        if ($this->currency !== '') {
            return false;
        }
        return $this->sort === 'price_asc' || $this->sort === 'price_desc' || $this->priceMin !== ''
            || $this->priceMax !== '' || $this->q === '';
    }

    /**
     * pickCurrency is the currency to show when the buyer chose none: the
     * locale's when the results hold it, else the most frequent one
     * (facet values come most frequent first), "" when none is priced.
     *
     * @param list<array{string, int}> $currencies value and count
     */
    public static function pickCurrency(string $preferred, array $currencies): string
    {
        foreach ($currencies as [$c, $n]) {
            if ($c === $preferred && $n > 0) {
                return $c;
            }
        }
        return $currencies[0][0] ?? '';
    }

    /** withCurrency is the query string in another currency (or "all"), back on page 1. */
    public function withCurrency(string $currency): string
    {
        return self::queryString($this->params(['currency' => $currency, 'page' => null]));
    }

    public function hasFilters(): bool
    {
        return $this->filters !== [] || $this->priceMin !== '' || $this->priceMax !== ''
            || ($this->currency !== '' && $this->currency !== self::ALL_CURRENCIES && !$this->autoCurrency);
    }

    public function isSelected(string $facet, string $value): bool
    {
        return in_array($value, $this->filters[$facet] ?? [], true);
    }

    /**
     * params are the site URL parameters of this state, with overrides
     * (null removes a parameter). Page 1 and the default sort are left out.
     *
     * @param array<string, string|int|list<string>|null> $over
     * @return array<string, string|list<string>>
     */
    public function params(array $over = []): array
    {
        $p = ['q' => $this->q];
        foreach ($this->filters as $k => $values) {
            $p[$k] = $values;
        }
        $p += [
            'price_min' => $this->priceMin,
            'price_max' => $this->priceMax,
            'currency' => $this->autoCurrency ? '' : $this->currency,
            'sort' => $this->sort === 'relevance' ? '' : $this->sort,
            'group' => $this->grouped ? self::GROUP_OFFERS : '',
            'page' => $this->page > 1 ? (string) $this->page : '',
        ];
        foreach ($over as $k => $v) {
            if ($v === null) {
                unset($p[$k]);
            } else {
                $p[$k] = is_int($v) ? (string) $v : $v;
            }
        }
        if (($p['page'] ?? '') === '1') {
            unset($p['page']);
        }
        return $p;
    }

    /**
     * queryString builds "?a=1&b=2" from params (list values repeat the
     * key; empty values are left out), or "" when nothing is left.
     *
     * @param array<string, string|list<string>> $params
     */
    public static function queryString(array $params): string
    {
        $parts = [];
        foreach ($params as $k => $v) {
            foreach (is_array($v) ? $v : [$v] as $one) {
                if ($one !== '') {
                    $parts[] = rawurlencode($k) . '=' . rawurlencode($one);
                }
            }
        }
        return $parts === [] ? '' : '?' . implode('&', $parts);
    }

    /** toggle is the query string with a facet value added or removed, back on page 1. */
    public function toggle(string $facet, string $value): string
    {
        $values = $this->filters[$facet] ?? [];
        $values = in_array($value, $values, true)
            ? array_values(array_filter($values, static fn (string $v): bool => $v !== $value))
            : [...$values, $value];
        return self::queryString($this->params([$facet => $values, 'page' => null]));
    }

    /** pageQuery is the query string of another page of these results. */
    public function pageQuery(int $page): string
    {
        return self::queryString($this->params(['page' => (string) $page]));
    }

    /** withQuery is the query string of the same filters with another text (did you mean). */
    public function withQuery(string $q): string
    {
        return self::queryString($this->params(['q' => $q, 'page' => null]));
    }

    /**
     * priceBand reads a price facet value ("10-50", "500-", "0-10") as its
     * bounds, or null when it is not a band.
     *
     * @return array{string, string}|null
     */
    public static function priceBand(string $value): ?array
    {
        if (preg_match('/^(\d{1,12}(?:\.\d{1,6})?)-(\d{1,12}(?:\.\d{1,6})?)?$/', $value, $m) !== 1) {
            return null;
        }
        return [$m[1], $m[2] ?? ''];
    }

    /**
     * withPrice is the query string with a price range, back on page 1; a
     * range is in one currency (the bands' currency), else amounts of
     * different currencies would compare as one number line.
     */
    public function withPrice(string $min, string $max, string $currency = ''): string
    {
        $over = ['price_min' => $min === '0' ? '' : $min, 'price_max' => $max, 'page' => null];
        if ($currency !== '') {
            $over['currency'] = $currency;
        }
        return self::queryString($this->params($over));
    }

    /** withoutPrice drops the price range and currency. */
    public function withoutPrice(): string
    {
        return self::queryString($this->params(['price_min' => null, 'price_max' => null, 'currency' => null,
            'page' => null]));
    }

    /** withGrouping is the query string of these results grouped by product, or not, from page 1. */
    public function withGrouping(bool $grouped): string
    {
        return self::queryString($this->params(['group' => $grouped ? self::GROUP_OFFERS : '', 'page' => null]));
    }

    /** cleared keeps only the query text, sort and grouping. */
    public function cleared(): string
    {
        return self::queryString(['q' => $this->q, 'sort' => $this->sort === 'relevance' ? '' : $this->sort,
            'group' => $this->grouped ? self::GROUP_OFFERS : '']);
    }

    /**
     * categoryTree orders category facet rows ("A", "A > B", ...) so that
     * every path is drawn under its own parent: roots in the order they
     * came (by count), each followed by its descendants. A path whose
     * parent is not in the list keeps the steps above its nearest listed
     * ancestor in its label, so it is never drawn under another parent.
     *
     * @param list<array{string, int}> $rows value and count
     * @return list<array{value: string, count: int, depth: int, prefix: string, label: string}>
     */
    public static function categoryTree(array $rows): array
    {
        $present = [];
        foreach ($rows as [$value]) {
            $present[$value] = true;
        }
        $parentOf = [];
        $children = [];
        $roots = [];
        foreach ($rows as $i => [$value]) {
            $parts = explode(' > ', $value);
            $parent = '';
            for ($n = count($parts) - 1; $n > 0; $n--) {
                $candidate = implode(' > ', array_slice($parts, 0, $n));
                if (isset($present[$candidate])) {
                    $parent = $candidate;
                    break;
                }
            }
            $parentOf[$value] = $parent;
            if ($parent === '') {
                $roots[] = $i;
            } else {
                $children[$parent][] = $i;
            }
        }
        $out = [];
        $walk = function (int $i, int $depth) use (&$walk, &$out, $rows, $parentOf, $children): void {
            [$value, $count] = $rows[$i];
            $parent = $parentOf[$value];
            $own = $parent === '' ? $value : substr($value, strlen($parent) + 3);
            $steps = explode(' > ', $own);
            $label = (string) array_pop($steps);
            $hidden = $parent === '' ? [] : explode(' > ', $parent);
            $out[] = [
                'value' => $value,
                'count' => $count,
                'depth' => min($depth, 4),
                // Screen readers hear the whole path; the steps above the
                // listed parent stay visible, so the tree never lies.
                'prefix' => $hidden === [] ? '' : implode(' > ', $hidden) . ' > ',
                'label' => $steps === [] ? $label : implode(' > ', $steps) . ' > ' . $label,
            ];
            foreach ($children[$value] ?? [] as $c) {
                $walk($c, $depth + 1);
            }
        };
        foreach ($roots as $i) {
            $walk($i, 0);
        }
        return $out;
    }

    /** lastPage is the last page a visitor can reach for total hits. */
    public static function lastPage(int $total): int
    {
        $pages = (int) ceil($total / self::SIZE);
        return max(1, min($pages, intdiv(self::MAX_RESULT_DEPTH, self::SIZE)));
    }

    /**
     * pageWindow lists the page numbers to link, with 0 for a gap:
     * 1 … 4 5 [6] 7 8 … 20.
     *
     * @return list<int>
     */
    public static function pageWindow(int $current, int $last): array
    {
        $pages = [];
        for ($p = 1; $p <= $last; $p++) {
            if ($p === 1 || $p === $last || abs($p - $current) <= 2) {
                $pages[] = $p;
            } elseif ($pages !== [] && end($pages) !== 0) {
                $pages[] = 0;
            }
        }
        return $pages;
    }

    private static function readPrice(string $raw, self $s): string
    {
        if ($raw === '') {
            return '';
        }
        // Accept "12,5" and "1 234.50" as typed by French and English visitors.
        $v = str_replace([',', ' ', "\u{00A0}", "\u{202F}"], ['.', '', '', ''], $raw);
        if (preg_match('/^\d{1,12}(\.\d{1,6})?$/', $v) !== 1) {
            if (!in_array('error.price_format', $s->errors, true)) {
                $s->errors[] = 'error.price_format';
            }
            return '';
        }
        return $v;
    }

    /** cmpDecimal compares two non-negative canonical decimals exactly. */
    public static function cmpDecimal(string $a, string $b): int
    {
        [$ai, $af] = array_pad(explode('.', $a, 2), 2, '');
        [$bi, $bf] = array_pad(explode('.', $b, 2), 2, '');
        $ai = ltrim($ai, '0');
        $bi = ltrim($bi, '0');
        $len = max(strlen($ai), strlen($bi));
        $flen = max(strlen($af), strlen($bf));
        $x = str_pad($ai, $len, '0', STR_PAD_LEFT) . str_pad($af, $flen, '0');
        $y = str_pad($bi, $len, '0', STR_PAD_LEFT) . str_pad($bf, $flen, '0');
        return strcmp($x, $y) <=> 0;
    }
}
