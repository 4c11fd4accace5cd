<?php

declare(strict_types=1);

namespace CatalogSearch\Web\Tests;

use CatalogSearch\Web\Html;
use PHPUnit\Framework\TestCase;

final class HtmlTest extends TestCase
{
    /** @return array<string, array{mixed, string}> */
    public static function escapeCases(): array
    {
        return [
            'script tag' => ['"><script>alert(1)</script>', '&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;'],
            'single-quote attribute break' => ["' onmouseover=alert(1) x='", '&apos; onmouseover=alert(1) x=&apos;'],
            'ampersand' => ['Fish & Chips', 'Fish &amp; Chips'],
            'invalid utf-8 is substituted' => ["bad \xC3\x28", "bad \u{FFFD}("],
            'int' => [12, '12'],
            'null' => [null, ''],
            'array' => [['x'], ''],
        ];
    }

    /** @dataProvider escapeCases */
    public function testEscape(mixed $in, string $want): void
    {
        self::assertSame($want, Html::e($in));
    }

    /** @return array<string, array{string, string}> */
    public static function highlightCases(): array
    {
        return [
            'marks become tags' => ['<mark>chaise</mark> pliante', '<mark>chaise</mark> pliante'],
            'text around marks is escaped' => ['<mark>a</mark><script>x</script>', '<mark>a</mark>&lt;script&gt;x&lt;/script&gt;'],
            'attribute-like text stays text' => ['<mark>x</mark>" onclick="y', '<mark>x</mark>&quot; onclick=&quot;y'],
            'marks with attributes are not tags' => ['<mark onclick=x>a</mark>', '&lt;mark onclick=x&gt;a&lt;/mark&gt;'],
            'unbalanced markers stay text' => ['<mark>a', '&lt;mark&gt;a'],
        ];
    }

    /** @dataProvider highlightCases */
    public function testHighlight(string $in, string $want): void
    {
        self::assertSame($want, Html::highlight($in));
    }

    /** @return array<string, array{mixed, string}> */
    public static function urlCases(): array
    {
        return [
            'https' => ['https://img.example/a.jpg', 'https://img.example/a.jpg'],
            'http' => ['http://img.example/a.jpg?x=1&y=2', 'http://img.example/a.jpg?x=1&amp;y=2'],
            'javascript' => ['javascript:alert(1)', ''],
            'data' => ['data:text/html,<script>', ''],
            'relative' => ['/etc/passwd', ''],
            'quote inside' => ['https://x.example/"onerror=alert(1)', ''],
            'not a string' => [42, ''],
        ];
    }

    /** @dataProvider urlCases */
    public function testUrl(mixed $in, string $want): void
    {
        self::assertSame($want, Html::url($in));
    }

    public function testExcerptCutsAtAWord(): void
    {
        self::assertSame('une chaise…', Html::excerpt('une chaise pliante robuste', 13));
        self::assertSame('court', Html::excerpt("  court \n", 20));
        self::assertSame('éé…', Html::excerpt('éééééé', 2));
    }
}
