<?php

declare(strict_types=1);

namespace CatalogSearch\Web;

/**
 * Chart draws small bar charts as inline SVG on the server: no script and
 * no chart library. Every chart is accessible: the SVG is an image named by
 * its title and described by its description, and the same numbers follow
 * it as a table, which is what screen readers and people who copy the
 * figures use.
 */
final class Chart
{
    private const WIDTH = 480;
    private const BAR = 22;
    private const GAP = 8;
    private const LABEL = 120;

    /**
     * bars returns a <figure> with a horizontal bar chart of $rows
     * (label => count) and its data table. $id makes the element IDs of the
     * figure unique in the page; $headers names the table's two columns;
     * $format writes a count in the page's language (plain digits without).
     *
     * @param array<string, int> $rows
     * @param array{string, string} $headers
     * @param (callable(int): string)|null $format
     */
    public static function bars(
        string $id,
        string $title,
        string $desc,
        array $rows,
        array $headers,
        string $class = '',
        ?callable $format = null
    ): string {
        $format ??= static fn (int $n): string => (string) $n;
        $id = preg_replace('/[^A-Za-z0-9_-]/', '', $id) ?? 'chart';
        $max = max([1, ...array_values($rows)]);
        $height = max(1, count($rows)) * (self::BAR + self::GAP);
        $plot = self::WIDTH - self::LABEL - 60;
        $svg = '<svg class="chart-svg" role="img" viewBox="0 0 ' . self::WIDTH . ' ' . $height . '"'
            . ' width="' . self::WIDTH . '" height="' . $height . '"'
            . ' aria-labelledby="' . $id . '-title ' . $id . '-desc" xmlns="http://www.w3.org/2000/svg">'
            . '<title id="' . $id . '-title">' . Html::e($title) . '</title>'
            . '<desc id="' . $id . '-desc">' . Html::e($desc) . '</desc>';
        $y = 0;
        $i = 0;
        foreach ($rows as $label => $n) {
            $w = $n > 0 ? max(2, (int) round($plot * $n / $max)) : 0;
            $mid = $y + intdiv(self::BAR, 2) + 5;
            $svg .= '<text class="chart-label" x="' . (self::LABEL - 8) . '" y="' . $mid . '" text-anchor="end">'
                . Html::e(self::short((string) $label)) . '</text>'
                . '<rect class="chart-bar chart-bar-' . $i . '" x="' . self::LABEL . '" y="' . $y . '" width="' . $w
                . '" height="' . self::BAR . '"></rect>'
                . '<text class="chart-value" x="' . (self::LABEL + $w + 6) . '" y="' . $mid . '">'
                . Html::e($format($n)) . '</text>';
            $y += self::BAR + self::GAP;
            $i++;
        }
        $svg .= '</svg>';
        $table = '<table class="data chart-table"><caption class="visually-hidden">' . Html::e($title) . '</caption>'
            . '<thead><tr><th scope="col">' . Html::e($headers[0]) . '</th><th scope="col" class="num">'
            . Html::e($headers[1]) . '</th></tr></thead><tbody>';
        foreach ($rows as $label => $n) {
            $table .= '<tr><th scope="row">' . Html::e((string) $label) . '</th><td class="num">'
                . Html::e($format($n)) . '</td></tr>';
        }
        $table .= '</tbody></table>';
        return '<figure class="chart ' . Html::e($class) . '" id="' . $id . '">'
            . '<figcaption>' . Html::e($title) . '</figcaption>' . $svg . $table . '</figure>';
    }

    /**
     * ranges returns a <figure> with one horizontal box per row: a line
     * from min to max, a box from the first to the third quartile and a
     * tick at the median, on one scale from 0 to the largest max (rows of
     * one currency only, so that the scale means one thing); then the data
     * table with every number. $format writes an amount.
     *
     * @param array<string, array{min: float, q1: float, median: float, q3: float, max: float, count: int}> $rows
     * @param array{string, string, string, string, string, string, string} $headers label, count, min, q1, median, q3, max
     * @param callable(float): string $format
     */
    public static function ranges(string $id, string $title, string $desc, array $rows, array $headers, callable $format): string
    {
        $id = preg_replace('/[^A-Za-z0-9_-]/', '', $id) ?? 'chart';
        $top = 1.0;
        foreach ($rows as $r) {
            $top = max($top, $r['max']);
        }
        $height = max(1, count($rows)) * (self::BAR + self::GAP);
        $plot = self::WIDTH - self::LABEL - 70;
        $x = static fn (float $v): int => self::LABEL + (int) round($plot * max(0.0, $v) / $top);
        $svg = '<svg class="chart-svg" role="img" viewBox="0 0 ' . self::WIDTH . ' ' . $height . '"'
            . ' width="' . self::WIDTH . '" height="' . $height . '"'
            . ' aria-labelledby="' . $id . '-title ' . $id . '-desc" xmlns="http://www.w3.org/2000/svg">'
            . '<title id="' . $id . '-title">' . Html::e($title) . '</title>'
            . '<desc id="' . $id . '-desc">' . Html::e($desc) . '</desc>';
        $y = 0;
        foreach ($rows as $label => $r) {
            $mid = $y + intdiv(self::BAR, 2);
            $q1 = $x($r['q1']);
            $svg .= '<text class="chart-label" x="' . (self::LABEL - 8) . '" y="' . ($mid + 5) . '" text-anchor="end">'
                . Html::e(self::short((string) $label)) . '</text>'
                . '<line class="chart-whisker" x1="' . $x($r['min']) . '" y1="' . $mid . '" x2="' . $x($r['max']) . '" y2="' . $mid . '"></line>'
                . '<rect class="chart-bar chart-box" x="' . $q1 . '" y="' . ($y + 3) . '" width="' . max(2, $x($r['q3']) - $q1)
                . '" height="' . (self::BAR - 6) . '"></rect>'
                . '<line class="chart-median" x1="' . $x($r['median']) . '" y1="' . $y . '" x2="' . $x($r['median']) . '" y2="' . ($y + self::BAR) . '"></line>'
                . '<text class="chart-value" x="' . ($x($r['max']) + 6) . '" y="' . ($mid + 5) . '">' . Html::e($format($r['median'])) . '</text>';
            $y += self::BAR + self::GAP;
        }
        $svg .= '</svg>';
        $table = '<table class="data chart-table"><caption class="visually-hidden">' . Html::e($title) . '</caption><thead><tr>';
        foreach ($headers as $i => $h) {
            $table .= '<th scope="col"' . ($i > 0 ? ' class="num"' : '') . '>' . Html::e($h) . '</th>';
        }
        $table .= '</tr></thead><tbody>';
        foreach ($rows as $label => $r) {
            $table .= '<tr><th scope="row">' . Html::e((string) $label) . '</th><td class="num">' . Html::e((string) $r['count']) . '</td>';
            foreach (['min', 'q1', 'median', 'q3', 'max'] as $k) {
                $table .= '<td class="num">' . Html::e($format($r[$k])) . '</td>';
            }
            $table .= '</tr>';
        }
        $table .= '</tbody></table>';
        return '<figure class="chart chart-ranges" id="' . $id . '">'
            . '<figcaption>' . Html::e($title) . '</figcaption>' . $svg . $table . '</figure>';
    }

    /**
     * short cuts a label that would not fit left of the bars (the table
     * beside the chart holds it whole).
     */
    private static function short(string $label): string
    {
        return mb_strlen($label) > 16 ? rtrim(mb_substr($label, 0, 15)) . '…' : $label;
    }
}
