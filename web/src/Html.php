<?php

declare(strict_types=1);

namespace CatalogSearch\Web;

/**
 * Html holds the output encoders. Every piece of text a page shows goes
 * through one of them: e() for element text and double-quoted attribute
 * values, highlight() for search highlight fragments, url() for URLs placed
 * in href/src.
 */
final class Html
{
    /** e escapes text for HTML element content and double-quoted attributes. */
    public static function e(mixed $text): string
    {
        if (!is_string($text)) {
            $text = is_int($text) || is_float($text) ? (string) $text : '';
        }
        return htmlspecialchars($text, ENT_QUOTES | ENT_SUBSTITUTE | ENT_HTML5, 'UTF-8');
    }

    /**
     * highlight renders an API highlight fragment: raw product text with
     * matches wrapped in literal <mark></mark>. The whole fragment is
     * escaped first, then only the escaped markers become tags again, so
     * product text can add nothing but <mark>.
     */
    public static function highlight(string $fragment): string
    {
        $escaped = self::e($fragment);
        $open = substr_count($escaped, '&lt;mark&gt;');
        $close = substr_count($escaped, '&lt;/mark&gt;');
        if ($open !== $close) {
            // Unbalanced markers can only come from product text; show them as text.
            return $escaped;
        }
        return str_replace(['&lt;mark&gt;', '&lt;/mark&gt;'], ['<mark>', '</mark>'], $escaped);
    }

    /**
     * url returns an http(s) URL from untrusted data escaped for an
     * attribute, or '' for anything else (javascript:, data:, relative).
     */
    public static function url(mixed $url): string
    {
        if (!is_string($url) || preg_match('#^https?://[^\s<>"\'\\\\]+$#i', $url) !== 1) {
            return '';
        }
        return self::e($url);
    }

    /**
     * picture returns an <img> of one stored product picture (an item of the
     * API's product.pictures): our own /images/ URLs, a srcset over its
     * derived widths, the given sizes, the original's aspect ratio as width
     * and height. '' when the item is not a valid picture, so the caller
     * shows its placeholder. A partner's own URL is never used.
     */
    public static function picture(mixed $pic, string $sizes, string $alt, bool $lazy, int $preferWidth = 320): string
    {
        if (!is_array($pic) || !is_string($pic['key'] ?? null) || preg_match('#^images/[0-9a-f]{64}$#', $pic['key']) !== 1) {
            return '';
        }
        $widths = array_values(array_filter(
            is_array($pic['widths'] ?? null) ? $pic['widths'] : [],
            static fn (mixed $w): bool => is_int($w) && $w > 0 && $w <= 10000,
        ));
        $w = is_int($pic['width'] ?? null) ? $pic['width'] : 0;
        $h = is_int($pic['height'] ?? null) ? $pic['height'] : 0;
        if ($widths === [] || $w <= 0 || $h <= 0) {
            return '';
        }
        sort($widths);
        $src = $widths[count($widths) - 1];
        foreach ($widths as $cand) {
            if ($cand >= $preferWidth) {
                $src = $cand;
                break;
            }
        }
        $url = static fn (int $width): string => '/' . $pic['key'] . '/' . $width . '.jpg';
        $set = implode(', ', array_map(static fn (int $width): string => $url($width) . ' ' . $width . 'w', $widths));
        return '<img src="' . self::e($url($src)) . '" srcset="' . self::e($set) . '" sizes="' . self::e($sizes)
            . '" alt="' . self::e($alt) . '" width="' . $w . '" height="' . $h . '"'
            . ($lazy ? ' loading="lazy"' : '') . ' decoding="async">';
    }

    /** plain strips highlight markers from a fragment (for titles and alt text). */
    public static function plain(string $fragment): string
    {
        return str_replace(['<mark>', '</mark>'], '', $fragment);
    }

    /** excerpt shortens text to at most max characters at a word boundary. */
    public static function excerpt(string $text, int $max): string
    {
        $text = trim((string) preg_replace('/\s+/u', ' ', $text));
        if (preg_match('/^.{0,' . $max . '}/us', $text, $m) !== 1 || $m[0] === $text) {
            return $text;
        }
        $cut = preg_replace('/\s+\S*$/u', '', $m[0]);
        return rtrim((string) ($cut === '' ? $m[0] : $cut)) . '…';
    }
}
