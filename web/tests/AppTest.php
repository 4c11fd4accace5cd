<?php

declare(strict_types=1);

namespace CatalogSearch\Web\Tests;

use CatalogSearch\Web\App;
use CatalogSearch\Web\Config;
use CatalogSearch\Web\Logger;
use CatalogSearch\Web\Request;
use CatalogSearch\Web\Response;
use PHPUnit\Framework\TestCase;

/**
 * Whole pages: App::handle in-process against the fixture API (a mock of the
 * Go API served by php -S, see tests/fixtures/api.php). The browser suite
 * covers the same pages against the real stack.
 */
final class AppTest extends TestCase
{
    private static ApiServer $server;
    private string $log = '';

    public static function setUpBeforeClass(): void
    {
        self::$server = new ApiServer();
    }

    public static function tearDownAfterClass(): void
    {
        self::$server->stop();
    }

    protected function setUp(): void
    {
        $this->log = (string) tempnam(sys_get_temp_dir(), 'weblog');
    }

    protected function tearDown(): void
    {
        @unlink($this->log);
    }

    private function app(?string $apiUrl = null, float $timeout = 2.0): App
    {
        return new App(new Config($apiUrl ?? self::$server->url, $timeout), new Logger($this->log));
    }

    /**
     * @param array<string, string> $headers
     * @param array<string, string> $cookies
     * @param array<string, string> $post
     * @param array<string, array<string, mixed>> $files
     */
    private function get(string $url, array $headers = [], ?App $app = null, string $method = 'GET', array $cookies = [], array $post = [], array $files = []): Response
    {
        [$path, $qs] = array_pad(explode('?', $url, 2), 2, '');
        $query = Request::parseQuery($qs);
        $req = new Request($method, $path, $query, array_change_key_case($headers), $cookies, $post, $files);
        return ($app ?? $this->app())->handle($req);
    }

    public function testBarePathRedirectsByAcceptLanguage(): void
    {
        $res = $this->get('/?q=chaise&brand=A&brand=B', ['accept-language' => 'fr-FR,fr;q=0.9,en;q=0.5']);
        self::assertSame(302, $res->status);
        self::assertSame('/fr/?q=chaise&brand=A&brand=B', $res->headers['Location']);
        self::assertSame('Accept-Language', $res->headers['Vary']);
        self::assertSame('/en/product/x', $this->get('/product/x')->headers['Location']);
        self::assertSame('/en//evil.example', $this->get('//evil.example')->headers['Location'], 'never an off-site redirect');
        self::assertSame('/en/x', $this->get('/x?')->headers['Location']);
    }

    public function testSearchPage(): void
    {
        $res = $this->get('/en/?q=chaise&sort=price_desc');
        self::assertSame(200, $res->status);
        $html = $res->body;
        self::assertStringContainsString('<html lang="en"', $html);
        self::assertStringContainsString('5 products', $html);
        self::assertStringContainsString('<mark>chaise</mark> pliante 30', $html);
        self::assertStringContainsString('$2,110.30', $html, 'USD price in English');
        self::assertLessThan(strpos($html, 'pliante 6<'), strpos($html, 'pliante 30<'), 'sorted by price, high to low');
        self::assertStringContainsString('<option value="price_desc" selected>', $html);
        self::assertMatchesRegularExpression('#href="/en/\?q=chaise&amp;price_min=500&amp;sort=price_desc">500 and more</a>\s*'
            . '<span class="count">5</span>#', $html, 'price bands from the price facet');
        self::assertMatchesRegularExpression('/api;dur=[\d.]+, app;dur=[\d.]+/', $res->headers['Server-Timing']);
        self::assertSame('en', $res->headers['Content-Language']);
        self::assertStringContainsString('nonce="', $html);
        preg_match('/nonce="([^"]+)"/', $html, $m);
        self::assertStringContainsString("'nonce-" . $m[1] . "'", $res->headers['Content-Security-Policy']);
        self::assertStringNotContainsString('<script>', $html, 'no inline script');
        self::assertStringNotContainsString('style="', $html, 'no inline style');
    }

    public function testFrenchFormattingAndFacets(): void
    {
        $html = $this->get('/fr/?q=chaise&brand=Acme&brand=Ghost')->body;
        self::assertStringContainsString("1\u{202F}222,06\u{00A0}€", $html);
        self::assertStringContainsString('Résultats pour « chaise »', $html);
        self::assertMatchesRegularExpression('/name="brand" value="Acme" form="search" checked/', $html);
        self::assertMatchesRegularExpression('/name="brand" value="Ghost" form="search" checked/', $html, 'a selected value without hits stays visible');
        self::assertStringContainsString('href="/en/?q=chaise&amp;brand=Acme&amp;brand=Ghost"', $html, 'language switch keeps the state');
    }

    public function testPagination(): void
    {
        $html = $this->get('/en/')->body;
        self::assertStringContainsString('31 products', $html);
        self::assertMatchesRegularExpression('#href="/en/\\?page=2"\\s+aria-label="Page 2"#', $html);
        $page2 = $this->get('/en/?page=2')->body;
        self::assertStringContainsString('aria-current="page"', $page2);
        self::assertSame(7, substr_count($page2, 'class="card"'), '31 - 24 on page 2');
    }

    public function testZeroResultsWithDidYouMean(): void
    {
        $html = $this->get('/en/?q=chaize&brand=Acme')->body;
        self::assertStringContainsString('No products match “chaize”.', $html);
        self::assertStringContainsString('Did you mean', $html);
        self::assertStringContainsString('href="/en/?q=chaise&amp;brand=Acme">chaise</a>', $html);
        self::assertStringContainsString('Remove all filters', $html);
    }

    public function testPartialResults(): void
    {
        $res = $this->get('/en/?q=table', ['x-partial' => 'results']);
        self::assertSame(200, $res->status);
        self::assertStringNotContainsString('<html', $res->body);
        self::assertStringContainsString('class="results-head"', $res->body);
        self::assertSame('X-Partial', $res->headers['Vary']);
        self::assertStringContainsString(rawurlencode('“table”'), $res->headers['X-Page-Title']);
    }

    /** @return array<string, array{string}> */
    public static function xssPages(): array
    {
        return [
            'search hit' => ['/en/?q=alert'],
            'product page' => ['/en/product/' . rawurlencode('evil:X1')],
            'partner list' => ['/en/partner'],
            'report' => ['/en/partner/catalogs/cat-evil'],
        ];
    }

    /** @dataProvider xssPages */
    public function testPartnerTextRendersAsText(string $url): void
    {
        $html = $this->get($url)->body;
        self::assertStringNotContainsString('<script>alert', $html);
        self::assertStringNotContainsString('<img src=x', $html);
        self::assertStringNotContainsString('<svg onload', $html);
        self::assertStringNotContainsString("' onmouseover=alert(1)", $html);
        self::assertStringNotContainsString('javascript:', $html);
        // Parse the page as a browser would: no element may carry an event
        // handler, and the only scripts are the site's own file.
        $doc = new \DOMDocument();
        libxml_use_internal_errors(true);
        $doc->loadHTML('<?xml encoding="UTF-8">' . $html);
        libxml_clear_errors();
        foreach ((new \DOMXPath($doc))->query('//*') ?: [] as $el) {
            self::assertInstanceOf(\DOMElement::class, $el);
            foreach ($el->attributes ?? [] as $attr) {
                self::assertStringStartsNotWith('on', strtolower($attr->name), $el->nodeName . ' has ' . $attr->name);
            }
            self::assertNotContains($el->nodeName, ['svg', 'iframe', 'object'], 'injected element');
            if ($el->nodeName === 'script') {
                self::assertStringStartsWith('/assets/site.js', $el->getAttribute('src'));
            }
            if ($el->nodeName === 'img') {
                self::assertStringStartsWith('https://', $el->getAttribute('src'));
            }
        }
    }

    public function testProductPage(): void
    {
        $res = $this->get('/fr/product/' . rawurlencode('acme:SKU-7'));
        self::assertSame(200, $res->status);
        $html = $res->body;
        foreach (
            ['SKU-7', 'Bureau Plus', 'Quantité minimale de commande', '3 jours', 'Color', 'Green', 'demo.csv',
            'href="/fr/partner/catalogs/cat-1"', 'Pays d’origine</th><td>France</td>', 'href="/fr/?category=Maison%20%3E%20Salon"', '28 nov. 2026'] as $want
        ) {
            self::assertStringContainsString($want, $html);
        }
        $html = $this->get('/en/product/' . rawurlencode('bureau:SKU-2'))->body;
        foreach (
            ['Variants', 'SKU-2-M', 'Size: M, Color: Green', '€19.90', 'SKU-2-L', '€21.00',
            'src="https://img.example/p2-back.jpg"', 'alt="lampe de bureau 2, image 2"', 'src="http://img.example/p2-side.jpg"'] as $want
        ) {
            self::assertStringContainsString($want, $html);
        }
        self::assertSame(404, $this->get('/en/product/nope%3A1')->status);
        self::assertStringContainsString('Product not found', $this->get('/en/product/nope%3A1')->body);
    }

    public function testNotFoundAndMethod(): void
    {
        $res = $this->get('/en/nowhere');
        self::assertSame(404, $res->status);
        self::assertStringContainsString('Page not found', $res->body);
        $res = $this->get('/en/partner/upload');
        self::assertSame(405, $res->status);
        self::assertSame('POST', $res->headers['Allow']);
    }

    public function testApiDownIsAFriendlyPageAndALoggedError(): void
    {
        $app = $this->app('http://127.0.0.1:' . ApiServer::freePort(), 1.0);
        $res = $this->get('/fr/?q=chaise', [], $app);
        self::assertSame(503, $res->status);
        self::assertStringContainsString('Recherche indisponible', $res->body);
        self::assertStringNotContainsString('127.0.0.1', $res->body);
        self::assertStringNotContainsString('fopen', $res->body);
        self::assertStringNotContainsString('.php', $res->body);
        self::assertSame('nosniff', $res->headers['X-Content-Type-Options'], 'error pages carry the security headers');
        $line = json_decode(trim((string) file_get_contents($this->log)), true);
        self::assertSame('error', $line['level']);
        self::assertSame('api call failed', $line['msg']);
        self::assertSame('unavailable', $line['code']);
        self::assertSame('/v1/search', $line['api_path']);
    }

    public function testApiErrorIsAFriendlyPage(): void
    {
        $res = $this->get('/en/?q=__500__');
        self::assertSame(502, $res->status);
        self::assertStringContainsString('Something went wrong', $res->body);
        self::assertStringNotContainsString('internal error', $res->body);
        self::assertStringContainsString('"status":500', (string) file_get_contents($this->log));
    }

    public function testMissingConfigIsAFriendlyPage(): void
    {
        $app = new App(null, new Logger($this->log), new \CatalogSearch\Web\ConfigError('CATALOG_API_URL is not set'));
        $res = $this->get('/en/', [], $app);
        self::assertSame(503, $res->status);
        self::assertStringNotContainsString('CATALOG_API_URL', $res->body);
        self::assertStringContainsString('CATALOG_API_URL is not set', (string) file_get_contents($this->log));
    }

    public function testSuggest(): void
    {
        $res = $this->get('/en/suggest?q=tab');
        self::assertStringStartsWith('application/json', $res->headers['Content-Type']);
        $data = json_decode($res->body, true);
        self::assertNotEmpty($data['suggestions']);
        self::assertStringStartsWith('tab', $data['suggestions'][0]['text']);

        $old = new ApiServer(['FIXTURE_NO_SUGGEST' => '1']);
        try {
            $res = $this->get('/en/suggest?q=tab', [], $this->app($old->url));
            self::assertSame(200, $res->status);
            self::assertSame(['suggestions' => []], json_decode($res->body, true), 'an API without /v1/suggest gives no suggestions');
            self::assertSame('', (string) file_get_contents($this->log), 'a missing optional endpoint is not an error');
        } finally {
            $old->stop();
        }
    }

    /** @return array<string, array<string, mixed>> */
    private function upload(string $content): array
    {
        $tmp = (string) tempnam(sys_get_temp_dir(), 'upl');
        file_put_contents($tmp, $content);
        return ['file' => ['name' => '../../my catalog.csv', 'type' => 'text/csv', 'tmp_name' => $tmp, 'error' => UPLOAD_ERR_OK, 'size' => strlen($content)]];
    }

    /** @return array{string, string} */
    private function csrf(): array
    {
        $res = $this->get('/en/partner');
        preg_match('/name="csrf_token" value="([0-9a-f]{64})"/', $res->body, $m);
        self::assertNotEmpty($m, 'the form carries a token');
        self::assertStringContainsString('csrf=' . $m[1], $res->cookies[0]);
        return [$m[1], $m[1]];
    }

    /** @return array<string, array{string}> */
    public static function uploadMethods(): array
    {
        return ['PUT to the upload URL' => ['acme'], 'form POST with the returned fields' => ['postco']];
    }

    /** @dataProvider uploadMethods */
    public function testUploadFlow(string $partner): void
    {
        [$cookie, $field] = $this->csrf();
        $res = $this->get(
            '/en/partner/upload',
            [],
            null,
            'POST',
            ['csrf' => $cookie],
            ['csrf_token' => $field, 'partner' => $partner, 'mode' => 'full'],
            $this->upload("sku,name\n1,a\n2,b\n")
        );
        self::assertSame(303, $res->status, $res->body);
        self::assertMatchesRegularExpression('#^/en/partner/catalogs/cat-[0-9a-f]+$#', $res->headers['Location']);
        $page = $this->get($res->headers['Location']);
        self::assertSame(200, $page->status);
        self::assertStringContainsString('Catalog my catalog.csv', $page->body, 'the file name is cleaned of its path');
        self::assertStringContainsString('Done', $page->body);
        self::assertMatchesRegularExpression('#<dt>Rows read</dt><dd>2</dd>#', $page->body);
        self::assertStringContainsString('Whole catalog', $page->body);
    }

    public function testUploadRefusals(): void
    {
        [$cookie, $field] = $this->csrf();
        $cases = [
            'no token' => [['csrf' => $cookie], ['partner' => 'acme'], $this->upload('a'), 403, 'The form expired'],
            'wrong token' => [['csrf' => $cookie], ['csrf_token' => str_repeat('0', 64), 'partner' => 'acme'], $this->upload('a'), 403, 'The form expired'],
            'bad partner' => [['csrf' => $cookie], ['csrf_token' => $field, 'partner' => 'Bad Partner'], $this->upload('a'), 400, 'valid partner ID'],
            'no file' => [['csrf' => $cookie], ['csrf_token' => $field, 'partner' => 'acme'], [], 400, 'Choose a file'],
            'empty file' => [['csrf' => $cookie], ['csrf_token' => $field, 'partner' => 'acme'], $this->upload(''), 400, 'The file is empty'],
        ];
        foreach ($cases as $name => [$cookies, $post, $files, $status, $text]) {
            $res = $this->get('/en/partner/upload', [], null, 'POST', $cookies, $post, $files);
            self::assertSame($status, $res->status, $name);
            self::assertStringContainsString($text, $res->body, $name);
        }
    }

    public function testUploadWithoutTheEndpointDegrades(): void
    {
        $old = new ApiServer(['FIXTURE_NO_UPLOAD' => '1']);
        try {
            $app = $this->app($old->url);
            $form = $this->get('/en/partner', [], $app);
            preg_match('/name="csrf_token" value="([0-9a-f]{64})"/', $form->body, $m);
            $res = $this->get(
                '/en/partner/upload',
                [],
                $app,
                'POST',
                ['csrf' => $m[1]],
                ['csrf_token' => $m[1], 'partner' => 'acme', 'mode' => 'partial'],
                $this->upload("a\n")
            );
            self::assertSame(503, $res->status);
            self::assertStringContainsString('Uploading is not available on this server yet.', $res->body);
        } finally {
            $old->stop();
        }
    }

    public function testRejectedRowsDownload(): void
    {
        $res = $this->get('/en/partner/catalogs/cat-evil/rejected.csv');
        self::assertSame(200, $res->status);
        self::assertSame('text/csv; charset=utf-8', $res->headers['Content-Type']);
        self::assertSame('attachment; filename="rejected-cat-evil.csv"', $res->headers['Content-Disposition']);
        self::assertStringContainsString('bad_price', $res->body);
        self::assertSame(404, $this->get('/en/partner/catalogs/other/rejected.csv')->status);
    }

    public function testReportPage(): void
    {
        $html = $this->get('/fr/partner/catalogs/cat-evil')->body;
        self::assertStringContainsString('Lignes rejetées', $html);
        self::assertStringContainsString('bad_price', $html);
        self::assertStringContainsString('&quot;&lt;b&gt;12,x&lt;/b&gt;&quot; is not a price', $html);
        self::assertStringContainsString('href="/fr/partner/catalogs/cat-evil/rejected.csv"', $html);
        $partial = $this->get('/fr/partner/catalogs/cat-evil', ['x-partial' => 'catalog']);
        self::assertStringNotContainsString('<html', $partial->body);
        self::assertStringContainsString('data-status="done"', $partial->body);
        self::assertSame(404, $this->get('/en/partner/catalogs/nope')->status);
    }
}
