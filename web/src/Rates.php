<?php

declare(strict_types=1);

namespace CatalogSearch\Web;

/**
 * Rates are the exchange rates the operator configured, each dated
 * (CATALOG_RATES: a JSON array of {"from": "USD", "to": "EUR", "rate":
 * "0.9234", "date": "2026-11-30"}; `catalogctl serve` passes the data
 * folder's rates.json, the AWS stack the stage's ratesFile). Without them
 * the site shows no converted price: a conversion is only ever shown as
 * "≈" beside the original price, with the date of its rate, and nothing is
 * sorted or filtered by it.
 */
final class Rates
{
    /** The most pairs CATALOG_RATES may hold. */
    public const MAX_PAIRS = 200;

    /** @param array<string, array{rate: float, date: string}> $pairs keyed "FROM/TO" */
    private function __construct(private readonly array $pairs)
    {
    }

    public static function none(): self
    {
        return new self([]);
    }

    /**
     * fromJson reads CATALOG_RATES.
     *
     * @throws ConfigError when it is not an array of dated rates
     */
    public static function fromJson(string $json): self
    {
        try {
            $list = json_decode($json, true, 8, JSON_THROW_ON_ERROR);
        } catch (\JsonException $e) {
            throw new ConfigError('CATALOG_RATES is not JSON: ' . $e->getMessage());
        }
        if (!is_array($list) || !array_is_list($list) || count($list) > self::MAX_PAIRS) {
            throw new ConfigError('CATALOG_RATES must be a JSON array of at most ' . self::MAX_PAIRS . ' rates');
        }
        $pairs = [];
        foreach ($list as $i => $r) {
            $from = is_array($r) && is_string($r['from'] ?? null) ? $r['from'] : '';
            $to = is_array($r) && is_string($r['to'] ?? null) ? $r['to'] : '';
            $rate = is_array($r) ? ($r['rate'] ?? null) : null;
            $date = is_array($r) && is_string($r['date'] ?? null) ? $r['date'] : '';
            $ok = preg_match('/^[A-Z]{3}$/', $from) === 1 && preg_match('/^[A-Z]{3}$/', $to) === 1 && $from !== $to
                && (is_string($rate) || is_int($rate) || is_float($rate)) && is_numeric($rate) && (float) $rate > 0
                && preg_match('/^\d{4}-\d{2}-\d{2}$/', $date) === 1
                && \DateTimeImmutable::createFromFormat('!Y-m-d', $date) !== false
                && \DateTimeImmutable::createFromFormat('!Y-m-d', $date)->format('Y-m-d') === $date;
            if (!$ok) {
                throw new ConfigError('CATALOG_RATES entry ' . $i . ' must be {"from": "USD", "to": "EUR", "rate": "0.9234", "date": "2026-11-30"} (ISO 4217 codes, a positive rate, an ISO date)');
            }
            $pairs[$from . '/' . $to] = ['rate' => (float) $rate, 'date' => $date];
        }
        return new self($pairs);
    }

    /**
     * convert turns an API Money object into the currency to:
     * ['amount' => "12.34", 'currency' => to, 'date' => the rate's date],
     * or null when the price is in to already, unreadable, or no rate was
     * configured for the pair (the inverse of a configured rate is used when
     * only that one is).
     *
     * @return array{amount: string, currency: string, date: string}|null
     */
    public function convert(mixed $price, string $to): ?array
    {
        if ($this->pairs === [] || !is_array($price) || !is_string($price['amount'] ?? null) || !is_numeric($price['amount'])) {
            return null;
        }
        $from = is_string($price['currency'] ?? null) ? strtoupper($price['currency']) : '';
        if ($from === '' || $from === $to) {
            return null;
        }
        if (isset($this->pairs[$from . '/' . $to])) {
            $r = $this->pairs[$from . '/' . $to];
            $factor = $r['rate'];
        } elseif (isset($this->pairs[$to . '/' . $from])) {
            $r = $this->pairs[$to . '/' . $from];
            $factor = 1 / $r['rate'];
        } else {
            return null;
        }
        return [
            'amount' => number_format((float) $price['amount'] * $factor, 2, '.', ''),
            'currency' => $to,
            'date' => $r['date'],
        ];
    }
}
