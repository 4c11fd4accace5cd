<?php

declare(strict_types=1);

namespace CatalogSearch\Web;

/**
 * I18n holds one locale's messages and formats numbers, prices and dates
 * for it in plain PHP (no intl extension). Prices are formatted from the
 * API's exact decimal strings, never through a float.
 */
final class I18n
{
    public const LOCALES = ['en', 'fr'];
    public const DEFAULT_LOCALE = 'en';

    /** Narrow no-break space: the French thousands separator. */
    private const NNBSP = "\u{202F}";
    /** No-break space: between a French number and its currency. */
    private const NBSP = "\u{00A0}";

    private const MONTHS = [
        'en' => ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
        'fr' => ['janv.', 'févr.', 'mars', 'avr.', 'mai', 'juin', 'juil.', 'août', 'sept.', 'oct.', 'nov.', 'déc.'],
    ];

    /** Currency symbols per locale, after CLDR; other codes print as the ISO code. */
    private const SYMBOLS = [
        'en' => ['EUR' => '€', 'USD' => '$', 'GBP' => '£', 'CNY' => 'CN¥', 'JPY' => '¥'],
        'fr' => ['EUR' => '€', 'USD' => '$US', 'GBP' => '£GB', 'CNY' => 'CNY', 'JPY' => 'JPY'],
    ];

    /** @param array<string, string> $messages */
    private function __construct(public readonly string $locale, private readonly array $messages)
    {
    }

    /** load returns the I18n of a supported locale (anything else gets the default). */
    public static function load(string $locale): self
    {
        if (!in_array($locale, self::LOCALES, true)) {
            $locale = self::DEFAULT_LOCALE;
        }
        /** @var array<string, string> $messages */
        $messages = require __DIR__ . '/lang/' . $locale . '.php';
        return new self($locale, $messages);
    }

    /**
     * negotiate picks the supported locale the Accept-Language header ranks
     * highest (RFC 9110 weights; "fr-CA" counts as "fr"), or the default.
     */
    public static function negotiate(string $acceptLanguage): string
    {
        $best = self::DEFAULT_LOCALE;
        $bestQ = 0.0;
        foreach (explode(',', $acceptLanguage) as $i => $part) {
            $bits = explode(';', trim($part));
            $tag = strtolower(trim($bits[0]));
            $q = 1.0;
            foreach (array_slice($bits, 1) as $param) {
                if (preg_match('/^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i', $param, $m) === 1) {
                    $q = (float) $m[1];
                }
            }
            $primary = explode('-', $tag)[0];
            // Strictly greater: on a tie the earlier entry wins.
            if ($q > 0 && in_array($primary, self::LOCALES, true) && $q > $bestQ) {
                $best = $primary;
                $bestQ = $q;
            }
        }
        return $best;
    }

    /**
     * t returns the message for key with {name} placeholders replaced. The
     * result is plain text: templates escape it like any other text.
     *
     * @param array<string, string|int> $vars
     */
    public function t(string $key, array $vars = []): string
    {
        $msg = $this->messages[$key] ?? $key;
        if ($vars === []) {
            return $msg;
        }
        $repl = [];
        foreach ($vars as $k => $v) {
            $repl['{' . $k . '}'] = (string) $v;
        }
        return strtr($msg, $repl);
    }

    /** has tells whether the locale has a message for key. */
    public function has(string $key): bool
    {
        return isset($this->messages[$key]);
    }

    /**
     * plural picks key.one or key.other for n by the locale's rule (French
     * uses the singular for 0 and 1) and puts the formatted n in {n}.
     *
     * @param array<string, string|int> $vars
     */
    public function plural(string $key, int $n, array $vars = []): string
    {
        $one = $this->locale === 'fr' ? ($n === 0 || $n === 1) : $n === 1;
        return $this->t($key . ($one ? '.one' : '.other'), ['n' => $this->number($n)] + $vars);
    }

    /** country names an ISO 3166 country code in the locale, or returns the code as given. */
    public function country(string $code): string
    {
        return $this->messages['country.' . strtoupper($code)] ?? $code;
    }

    /** number formats an integer with the locale's grouping. */
    public function number(int $n): string
    {
        return $this->decimal((string) $n, 0);
    }

    /**
     * decimal formats a canonical decimal string ("-1234.5") with at least
     * minScale digits after the separator, keeping every digit it has.
     * Malformed input is returned unchanged (templates still escape it).
     */
    public function decimal(string $amount, int $minScale = 2): string
    {
        if (preg_match('/^(-?)(\d+)(?:\.(\d+))?$/', $amount, $m) !== 1) {
            return $amount;
        }
        $int = ltrim($m[2], '0');
        $int = $int === '' ? '0' : $int;
        $frac = str_pad($m[3] ?? '', $minScale, '0');
        $group = $this->locale === 'fr' ? self::NNBSP : ',';
        $point = $this->locale === 'fr' ? ',' : '.';
        $grouped = '';
        $len = strlen($int);
        for ($i = 0; $i < $len; $i++) {
            if ($i > 0 && ($len - $i) % 3 === 0) {
                $grouped .= $group;
            }
            $grouped .= $int[$i];
        }
        return $m[1] . $grouped . ($frac === '' ? '' : $point . $frac);
    }

    /**
     * price formats an API Money object {"amount":"12.50","currency":"EUR"};
     * en: "€1,234.50", fr: "1 234,50 €". An absent price gives "".
     *
     * @param mixed $price
     */
    public function price(mixed $price): string
    {
        if (!is_array($price) || !is_string($price['amount'] ?? null)) {
            return '';
        }
        $currency = is_string($price['currency'] ?? null) ? strtoupper($price['currency']) : '';
        $number = $this->decimal($price['amount'], 2);
        $symbol = self::SYMBOLS[$this->locale][$currency] ?? null;
        if ($this->locale === 'fr') {
            return $number . ($currency === '' ? '' : self::NBSP . ($symbol ?? $currency));
        }
        if ($symbol === null) {
            return ($currency === '' ? '' : $currency . self::NBSP) . $number;
        }
        if (str_starts_with($number, '-')) {
            return '-' . $symbol . substr($number, 1);
        }
        return $symbol . $number;
    }

    /** date formats an RFC 3339 time as "28 Nov 2026, 20:24 UTC" in the locale; "" when unreadable. */
    public function date(mixed $iso): string
    {
        if (!is_string($iso) || $iso === '' || str_starts_with($iso, '0001-01-01')) {
            return '';
        }
        try {
            $d = new \DateTimeImmutable($iso);
        } catch (\Exception) {
            return '';
        }
        $d = $d->setTimezone(new \DateTimeZone('UTC'));
        $month = self::MONTHS[$this->locale][(int) $d->format('n') - 1];
        $sep = $this->locale === 'fr' ? ' à ' : ', ';
        return $d->format('j') . ' ' . $month . ' ' . $d->format('Y') . $sep . $d->format('H:i') . ' UTC';
    }
}
