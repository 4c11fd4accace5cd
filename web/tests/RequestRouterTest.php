<?php

declare(strict_types=1);

namespace CatalogSearch\Web\Tests;

use CatalogSearch\Web\Request;
use CatalogSearch\Web\Router;
use PHPUnit\Framework\TestCase;

final class RequestRouterTest extends TestCase
{
    public function testParseQueryKeepsRepeatedKeys(): void
    {
        $q = Request::parseQuery('brand=Acme&brand=Bureau+Plus&category%5B%5D=A%20%3E%20B&q=chaise&empty=&bad=%C3%28&&=x');
        self::assertSame(['Acme', 'Bureau Plus'], $q['brand']);
        self::assertSame(['A > B'], $q['category']);
        self::assertSame(['chaise'], $q['q']);
        self::assertSame([''], $q['empty']);
        self::assertArrayNotHasKey('bad', $q, 'invalid UTF-8 is dropped');
        self::assertArrayNotHasKey('', $q);
    }

    public function testAllAndFirst(): void
    {
        $r = new Request('GET', '/', ['brand' => [' a ', 'a', '', 'b'], 'q' => [' x ']]);
        self::assertSame(['a', 'b'], $r->all('brand'));
        self::assertSame('x', $r->first('q'));
        self::assertSame('', $r->first('none'));
    }

    public function testRouter(): void
    {
        $router = new Router();
        $router->add('GET', '/', static fn () => 'home');
        $router->add('GET', '/product/{id}', static fn () => 'product');
        $router->add('POST', '/partner/upload', static fn () => 'upload');

        [$h, $params] = $router->match('GET', '/product/acme%3ASKU%2F1');
        self::assertNotNull($h);
        self::assertSame(['id' => 'acme:SKU/1'], $params, 'an encoded slash stays in its segment');

        [$h] = $router->match('HEAD', '/');
        self::assertNotNull($h, 'HEAD is served by GET routes');

        [$h, , $allowed] = $router->match('GET', '/partner/upload');
        self::assertNull($h);
        self::assertSame(['POST'], $allowed);

        [$h, , $allowed] = $router->match('GET', '/product/a/b');
        self::assertNull($h);
        self::assertSame([], $allowed);

        [$h] = $router->match('GET', '/product/%C3%28');
        self::assertNull($h, 'invalid UTF-8 in a parameter does not match');
    }
}
