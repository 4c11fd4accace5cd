<?php

declare(strict_types=1);

namespace CatalogSearch\Web;

/**
 * ProductFacts reads what a B2B buyer needs from an API product: which
 * identifier a query matched exactly (SKU, GTIN, supplier reference, also
 * of a variant), whether the price is "on request", and the sales unit a
 * price buys.
 */
final class ProductFacts
{
    /** Identifier fields in the order a match is reported. */
    private const IDENTIFIERS = ['sku' => 'sku', 'gtin' => 'gtin', 'supplier_ref' => 'supplier_ref'];

    /**
     * matchedIdentifier returns [field, value] when query is exactly one of
     * the product's identifiers (or a variant's SKU or GTIN), case and
     * surrounding spaces aside; else null.
     *
     * @param array<string, mixed> $p
     * @return array{string, string}|null
     */
    public static function matchedIdentifier(array $p, string $query): ?array
    {
        $q = self::norm($query);
        if ($q === '' || preg_match('/\s/u', $q) === 1) {
            return null;
        }
        foreach (self::IDENTIFIERS as $field) {
            $value = is_string($p[$field] ?? null) ? $p[$field] : '';
            if ($value !== '' && self::norm($value) === $q) {
                return [$field, $value];
            }
        }
        foreach (is_array($p['variants'] ?? null) ? $p['variants'] : [] as $variant) {
            foreach (['sku', 'gtin'] as $field) {
                $value = is_array($variant) && is_string($variant[$field] ?? null) ? $variant[$field] : '';
                if ($value !== '' && self::norm($value) === $q) {
                    return [$field, $value];
                }
            }
        }
        return null;
    }

    /**
     * exactProduct returns the ID of the only hit whose identifier equals
     * the query, or "" when none or several do.
     *
     * @param list<mixed> $hits
     */
    public static function exactProduct(array $hits, string $query): string
    {
        $found = '';
        foreach ($hits as $hit) {
            $p = is_array($hit) && is_array($hit['product'] ?? null) ? $hit['product'] : [];
            if (self::matchedIdentifier($p, $query) === null) {
                continue;
            }
            if ($found !== '') {
                return '';
            }
            $found = is_string($p['id'] ?? null) ? $p['id'] : '';
        }
        return $found;
    }

    /**
     * onRequest reports whether a product's price is to be asked for: no
     * price, or an amount of zero (files write 0 for "price on request"),
     * unless the product is free (the API's "free": the partner's settings
     * say a zero is the price).
     */
    public static function onRequest(mixed $price, mixed $free = false): bool
    {
        if (!is_array($price) || !is_string($price['amount'] ?? null)) {
            return true;
        }
        return $free !== true && preg_match('/^-?0*(\.0*)?$/', $price['amount']) === 1;
    }

    /**
     * seller is the name buyers read for a product's (or an offer's)
     * partner: its display name (partner_name, from the partner's
     * settings), else its partner id.
     *
     * @param array<string, mixed> $p
     */
    public static function seller(array $p): string
    {
        $name = is_string($p['partner_name'] ?? null) ? trim($p['partner_name']) : '';
        return $name !== '' ? $name : (is_string($p['partner'] ?? null) ? $p['partner'] : '');
    }

    /**
     * tiers are a product's quantity price breaks that read, in the
     * product price's currency, by ascending quantity: [['min' => 10,
     * 'price' => Money], ...]; [] without a price or tiers.
     *
     * @param array<string, mixed> $p
     * @return list<array{min: int, price: array{amount: string, currency: string}}>
     */
    public static function tiers(array $p): array
    {
        $price = $p['price'] ?? null;
        if (self::onRequest($price, $p['free'] ?? false) || !is_array($price)) {
            return [];
        }
        $currency = is_string($price['currency'] ?? null) ? $price['currency'] : '';
        $out = [];
        foreach (is_array($p['tiers'] ?? null) ? $p['tiers'] : [] as $tier) {
            $min = is_array($tier) && is_int($tier['min_qty'] ?? null) ? $tier['min_qty'] : 0;
            $tp = is_array($tier) && is_array($tier['price'] ?? null) ? $tier['price'] : [];
            $amount = is_string($tp['amount'] ?? null) ? $tp['amount'] : '';
            if ($min < 1 || preg_match('/^\d+(\.\d+)?$/', $amount) !== 1 || ($tp['currency'] ?? null) !== $currency) {
                continue;
            }
            $out[] = ['min' => $min, 'price' => ['amount' => $amount, 'currency' => $currency]];
        }
        usort($out, static fn (array $a, array $b): int => $a['min'] <=> $b['min']);
        return $out;
    }

    /**
     * snapshot is what the buyer's list keeps of a product in the browser:
     * enough to show, total and export a line without asking the API.
     *
     * @param array<string, mixed> $p
     * @return array<string, mixed>
     */
    public static function snapshot(array $p, string $url): array
    {
        $str = static fn (string $k): string => is_string($p[$k] ?? null) ? $p[$k] : '';
        $price = $p['price'] ?? null;
        return [
            'id' => $str('id'),
            'name' => $str('name'),
            'sku' => $str('sku'),
            'gtin' => $str('gtin'),
            'partner' => $str('partner'),
            'seller' => self::seller($p),
            'brand' => $str('brand'),
            'unit' => $str('unit'),
            'tax' => $str('tax_basis'),
            'moq' => is_int($p['moq'] ?? null) && $p['moq'] > 1 ? $p['moq'] : 1,
            'lead' => is_int($p['lead_time_days'] ?? null) ? $p['lead_time_days'] : 0,
            'price' => self::onRequest($price, $p['free'] ?? false) || !is_array($price) ? null
                : ['amount' => (string) $price['amount'], 'currency' => is_string($price['currency'] ?? null) ? $price['currency'] : ''],
            'tiers' => array_map(static fn (array $t): array => [$t['min'], $t['price']['amount']], self::tiers($p)),
            'url' => $url,
        ];
    }

    /**
     * priceLabel says what a price is: its tax basis when the file said it
     * ("excl. VAT", "HT") and the unit or pack it buys ("per box of 12"),
     * joined with " · "; "" when neither is known.
     *
     * @param array<string, mixed> $p
     */
    public static function priceLabel(I18n $t, array $p): string
    {
        $parts = [];
        $tax = is_string($p['tax_basis'] ?? null) ? $p['tax_basis'] : '';
        if ($tax === 'excl' || $tax === 'incl') {
            $parts[] = $t->t('price.tax.' . $tax);
        }
        if (is_string($p['unit'] ?? null) && $p['unit'] !== '') {
            $parts[] = $t->t('price.per', ['unit' => $p['unit']]);
        }
        return implode(' · ', $parts);
    }

    private static function norm(string $s): string
    {
        return strtolower(trim($s));
    }
}
