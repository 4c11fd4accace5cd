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
}
