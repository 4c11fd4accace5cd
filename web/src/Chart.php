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
                . Html::e((string) $label) . '</text>'
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
}
