<?php

declare(strict_types=1);

namespace CatalogSearch\Web\Tests;

use CatalogSearch\Web\Chart;
use PHPUnit\Framework\TestCase;

final class ChartTest extends TestCase
{
    public function testBarsAreAnAccessibleImageWithTheirTable(): void
    {
        $html = Chart::bars('g1', 'Products per grade', 'A: 3, B: 1', ['A' => 3, 'B' => 1, 'C' => 0], ['Grade', 'Products']);
        self::assertStringContainsString('<svg class="chart-svg" role="img"', $html);
        self::assertStringContainsString('aria-labelledby="g1-title g1-desc"', $html);
        self::assertStringContainsString('<title id="g1-title">Products per grade</title>', $html);
        self::assertStringContainsString('<desc id="g1-desc">A: 3, B: 1</desc>', $html);
        self::assertSame(3, substr_count($html, '<rect '));
        // The longest bar spans the plot; a zero draws nothing; bars scale.
        self::assertMatchesRegularExpression('/<rect class="chart-bar chart-bar-0" x="120" y="0" width="300"/', $html);
        self::assertMatchesRegularExpression('/<rect class="chart-bar chart-bar-1" x="120" y="30" width="100"/', $html);
        self::assertMatchesRegularExpression('/<rect class="chart-bar chart-bar-2" x="120" y="60" width="0"/', $html);
        self::assertStringContainsString('<tr><th scope="row">A</th><td class="num">3</td></tr>', $html);
        self::assertStringContainsString('<tr><th scope="row">C</th><td class="num">0</td></tr>', $html);
    }

    public function testEveryTextIsEscaped(): void
    {
        $html = Chart::bars('x"><script>', '<b>t</b>', 'd & "q"', ['<img src=x>' => 1], ['<i>', '</td>']);
        self::assertStringNotContainsString('<script>', $html);
        self::assertStringNotContainsString('<img', $html);
        self::assertStringNotContainsString('<b>', $html);
        self::assertStringNotContainsString('<i>', $html);
        self::assertStringContainsString('id="xscript"', $html);
        self::assertStringContainsString('&lt;img src=x&gt;', $html);
        self::assertStringContainsString('d &amp; &quot;q&quot;', $html);
    }

    public function testCountsInThePageLanguage(): void
    {
        $html = Chart::bars('f', 'T', 'D', ['A' => 1423], ['k', 'n'], '', static fn (int $n): string => number_format($n, 0, ',', ' '));
        self::assertStringContainsString('<td class="num">1 423</td>', $html);
        self::assertStringContainsString('>1 423</text>', $html);
    }

    public function testNoRows(): void
    {
        $html = Chart::bars('e', 'Empty', 'nothing', [], ['k', 'n']);
        self::assertStringContainsString('<tbody></tbody>', $html);
        self::assertStringNotContainsString('<rect', $html);
    }

    public function testRangesDrawBoxesWithTheirTable(): void
    {
        $rows = [
            'Bureau' => ['count' => 5, 'min' => 10.0, 'q1' => 17.5, 'median' => 30.0, 'q3' => 42.5, 'max' => 50.0],
            'Jardin' => ['count' => 1, 'min' => 100.0, 'q1' => 100.0, 'median' => 100.0, 'q3' => 100.0, 'max' => 100.0],
        ];
        $fmt = static fn (float $a): string => number_format($a, 2);
        $html = Chart::ranges('p', 'Prices in EUR', 'Bureau: 10 - 30 - 50', $rows, ['Category', 'Products', 'Min', 'Q1', 'Median', 'Q3', 'Max'], $fmt);
        self::assertStringContainsString('aria-labelledby="p-title p-desc"', $html);
        self::assertStringContainsString('<desc id="p-desc">Bureau: 10 - 30 - 50</desc>', $html);
        // One scale, 0 to the largest max (100) over 290 pixels from x=120.
        self::assertStringContainsString('<line class="chart-whisker" x1="149" y1="11" x2="265" y2="11">', $html);
        self::assertStringContainsString('<rect class="chart-bar chart-box" x="171" y="3" width="72"', $html);
        self::assertStringContainsString('<tr><th scope="row">Bureau</th><td class="num">5</td><td class="num">10.00</td><td class="num">17.50</td>'
            . '<td class="num">30.00</td><td class="num">42.50</td><td class="num">50.00</td></tr>', $html);
    }
}
