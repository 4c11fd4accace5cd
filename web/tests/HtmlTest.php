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

    public function testPictureUsesOurSizesOnly(): void
    {
        $key = 'images/' . str_repeat('ab', 32);
        $pic = ['source' => 'https://partner.example/a.jpg', 'key' => $key, 'width' => 2000, 'height' => 1000,
            'widths' => [160, 320, 640, 1200]];
        $img = Html::picture($pic, '(max-width: 40rem) 7rem, 15rem', 'A "chair"', true);
        self::assertStringContainsString('src="/' . $key . '/320.jpg"', $img);
        self::assertStringContainsString('/' . $key . '/160.jpg 160w, /' . $key . '/320.jpg 320w', $img);
        self::assertStringContainsString('/' . $key . '/1200.jpg 1200w"', $img);
        self::assertStringContainsString('width="2000" height="1000"', $img);
        self::assertStringContainsString('alt="A &quot;chair&quot;"', $img);
        self::assertStringContainsString('loading="lazy"', $img);
        self::assertStringNotContainsString('partner.example', $img);
        self::assertStringContainsString('src="/' . $key . '/1200.jpg"', Html::picture($pic, '40rem', '', false, 800));
        self::assertStringNotContainsString('loading=', Html::picture($pic, '40rem', '', false));
        self::assertStringContainsString('src="/' . $key . '/90.jpg"', Html::picture(['key' => $key, 'width' => 90,
            'height' => 90, 'widths' => [90]], '5rem', '', true));
    }

    /** @return array<string, array{mixed}> */
    public static function badPictures(): array
    {
        $key = 'images/' . str_repeat('ab', 32);
        return [
            'not an array' => ['https://partner.example/a.jpg'],
            'a partner URL as key' => [['key' => 'https://partner.example/a', 'width' => 1, 'height' => 1, 'widths' => [1]]],
            'key breaking out' => [['key' => 'images/../imagemeta/x', 'width' => 1, 'height' => 1, 'widths' => [1]]],
            'no widths' => [['key' => $key, 'width' => 1, 'height' => 1, 'widths' => []]],
            'string widths' => [['key' => $key, 'width' => 1, 'height' => 1, 'widths' => ['1" onerror="x']]],
            'no size' => [['key' => $key, 'widths' => [160]]],
        ];
    }

    /** @dataProvider badPictures */
    public function testPictureRefusesWhatIsNotOurs(mixed $pic): void
    {
        self::assertSame('', Html::picture($pic, '10rem', '', true));
    }

    public function testExcerptCutsAtAWord(): void
    {
        self::assertSame('une chaise…', Html::excerpt('une chaise pliante robuste', 13));
        self::assertSame('court', Html::excerpt("  court \n", 20));
        self::assertSame('éé…', Html::excerpt('éééééé', 2));
    }
}
