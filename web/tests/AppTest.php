<?php

declare(strict_types=1);

namespace CatalogSearch\Web\Tests;

use CatalogSearch\Web\App;
use CatalogSearch\Web\Config;
use CatalogSearch\Web\Logger;
use CatalogSearch\Web\PartnerSession;
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
    private static string $sessionKey;
    private string $log = '';

    public static function setUpBeforeClass(): void
    {
        self::$server = new ApiServer();
        self::$sessionKey = Config::sessionKeyFrom(base64_encode(random_bytes(32)));
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
        return new App(new Config($apiUrl ?? self::$server->url, $timeout, sessionKey: self::$sessionKey), new Logger($this->log));
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

    /**
     * A result's link counts the click and goes on to a same-site path
     * only: an off-site "to" lands on the search page; with no text or no
     * position nothing is counted, and the buyer still gets there.
     */
    public function testClickRedirectsOnSiteOnly(): void
    {
        $cases = [
            '/en/click?q=chaise&pos=2&to=%2Fen%2Fproduct%2Facme%253AA' => '/en/product/acme%3AA',
            '/en/click?q=chaise&pos=2&to=%2F%2Fevil.example' => '/en/',
            '/en/click?q=chaise&pos=2&to=https%3A%2F%2Fevil.example' => '/en/',
            '/en/click?q=&pos=x&to=%2Fen%2Fproduct%2Fa' => '/en/product/a',
        ];
        foreach ($cases as $url => $location) {
            $res = $this->get($url);
            self::assertSame(303, $res->status, $url);
            self::assertSame($location, $res->headers['Location'], $url);
            self::assertSame('no-store', $res->headers['Cache-Control'], $url);
        }
    }

    public function testSearchPage(): void
    {
        // Every currency, as the buyer asked: amounts sort as listed.
        $res = $this->get('/en/?q=chaise&sort=price_desc&currency=all');
        self::assertSame(200, $res->status);
        $html = $res->body;
        self::assertStringContainsString('<html lang="en"', $html);
        self::assertStringContainsString('5 products', $html);
        self::assertStringContainsString('<mark>chaise</mark> pliante 30', $html);
        self::assertStringContainsString('$2,110.30', $html, 'USD price in English');
        self::assertLessThan(strpos($html, 'pliante 6<'), strpos($html, 'pliante 30<'), 'sorted by price, high to low');
        self::assertStringContainsString('<option value="price_desc" selected>', $html);
        self::assertMatchesRegularExpression('#href="/en/\?q=chaise&amp;price_min=500&amp;currency=all&amp;sort=price_desc">500 and more</a>\s*'
            . '<span class="count">5</span>#', $html, 'price bands from the price facet');
        self::assertMatchesRegularExpression('/api;dur=[\d.]+, app;dur=[\d.]+/', $res->headers['Server-Timing']);
        self::assertSame('en', $res->headers['Content-Language']);
        self::assertStringContainsString('nonce="', $html);
        preg_match('/nonce="([^"]+)"/', $html, $m);
        self::assertStringContainsString("'nonce-" . $m[1] . "'", $res->headers['Content-Security-Policy']);
        self::assertStringNotContainsString('<script>', $html, 'no inline script');
        self::assertStringNotContainsString('style="', $html, 'no inline style');
    }

    public function testPricesCompareInOneCurrency(): void
    {
        // Sorting by price without a currency: the buyer's (USD in English)
        // when the results hold it, with the other currencies one click away.
        $html = $this->get('/en/?q=chaise&sort=price_desc')->body;
        preg_match_all('#<p class="price">([^<]+)</p>#', $html, $m);
        self::assertNotEmpty($m[1]);
        foreach ($m[1] as $price) {
            self::assertStringStartsWith('$', $price, 'only USD prices are compared');
        }
        self::assertStringContainsString('Prices in USD', $html);
        self::assertStringContainsString('href="/en/?q=chaise&amp;currency=EUR&amp;sort=price_desc"', $html);
        self::assertStringContainsString('href="/en/?q=chaise&amp;currency=all&amp;sort=price_desc"', $html);
        // A French buyer's home page opens on euros, and its links stay in them.
        $home = $this->get('/fr/')->body;
        preg_match_all('#<p class="price">([^<]+)</p>#', $home, $m);
        self::assertNotEmpty($m[1]);
        foreach ($m[1] as $price) {
            self::assertStringEndsWith('€', $price);
        }
        self::assertMatchesRegularExpression('#href="/fr/\?page=2"#', $home);
        // Browsing a brand without a text stays in euros too.
        $brand = $this->get('/fr/?brand=Acme')->body;
        self::assertStringContainsString('Prix en EUR', $brand);
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
        $html = $this->get('/en/?currency=all')->body;
        self::assertStringContainsString('31 products', $html);
        self::assertMatchesRegularExpression('#href="/en/\\?currency=all&amp;page=2"\\s+aria-label="Page 2"#', $html);
        $page2 = $this->get('/en/?currency=all&page=2')->body;
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

    public function testRelaxedResultsSayWhatTheyDoWithout(): void
    {
        $html = $this->get('/en/?q=chaise+zzzqx')->body;
        self::assertStringContainsString('No exact match for “chaise zzzqx”: products matching most of your words.', $html);
        self::assertStringContainsString('Without: zzzqx.', $html);
        self::assertStringContainsString('class="card"', $html, 'the partial matches are shown');
        $fr = $this->get('/fr/?q=chaise+zzzqx')->body;
        self::assertStringContainsString('Sans : zzzqx.', $fr);
        $exact = $this->get('/en/?q=chaise')->body;
        self::assertStringNotContainsString('class="notice relaxed"', $exact, 'an exact answer is not called partial');
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
        $html = $this->get($url, [], null, 'GET', $this->signIn('csk_test_evil'))->body;
        self::assertStringNotContainsString('name="api_key"', $html, 'signed in: no sign-in form');
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
                self::assertStringStartsWith('/images/', $el->getAttribute('src'));
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
            'Pays d’origine</th><td>France</td>', 'Disponibilité</th><td>En stock</td>', 'href="/fr/?category=Maison%20%3E%20Salon"', '28 nov. 2026'] as $want
        ) {
            self::assertStringContainsString($want, $html);
        }
        // The source catalog is a partner page: buyers see its file name,
        // its partner (signed in) gets the link.
        self::assertStringNotContainsString('/fr/partner/catalogs/', $html);
        $own = $this->get('/fr/product/' . rawurlencode('acme:SKU-7'), [], null, 'GET', $this->signIn('csk_test_acme'))->body;
        self::assertStringContainsString('href="/fr/partner/catalogs/cat-1"', $own);
        $html = $this->get('/en/product/' . rawurlencode('bureau:SKU-2'))->body;
        foreach (
            ['Variants', 'SKU-2-M', 'Size: M, Color: Green', '€19.90', 'SKU-2-L', '€21.00',
            'src="/images/' . str_repeat('1', 64) . '/640.jpg"', 'alt="lampe de bureau 2, image 2"',
            'src="/images/' . str_repeat('2', 64) . '/160.jpg"', '/images/' . str_repeat('2', 64) . '/1000.jpg 1000w',
            'href="#pic-2"', 'aria-label="Show image 2 of 2"', 'id="pic-2"'] as $want
        ) {
            self::assertStringContainsString($want, $html);
        }
        // The partner's own image URLs never reach the buyer's browser.
        self::assertStringNotContainsString('img.example', $html);
        self::assertStringContainsString('aria-label="No image"', $this->get('/en/product/' . rawurlencode('acme:SKU-7'))->body);
        self::assertSame(404, $this->get('/en/product/nope%3A1')->status);
        self::assertStringContainsString('Product not found', $this->get('/en/product/nope%3A1')->body);
    }

    /** The product page shows the price each upload set, newest first, with its change; one price is no history. */
    public function testProductPriceHistory(): void
    {
        $html = $this->get('/en/product/' . rawurlencode('acme:SKU-7'))->body;
        self::assertStringContainsString('<h2 id="prices-title">Price history</h2>', $html);
        $table = substr($html, (int) strpos($html, 'prices-table'));
        $newest = strpos($table, '€9.50');
        $middle = strpos($table, '€10.00');
        $oldest = strpos($table, '€12.00');
        self::assertTrue($newest !== false && $middle !== false && $oldest !== false && $newest < $middle && $middle < $oldest, 'newest first');
        self::assertStringContainsString('−5.0 %', $table, '10.00 to 9.50');
        self::assertStringContainsString('−16.7 %', $table, '12.00 to 10.00');
        $fr = $this->get('/fr/product/' . rawurlencode('acme:SKU-7'))->body;
        self::assertStringContainsString('Historique des prix', $fr);
        self::assertStringContainsString('−5,0 %', $fr);
        self::assertStringNotContainsString('prices-title', $this->get('/en/product/' . rawurlencode('bureau:SKU-2'))->body);
    }

    /** An upload's page lists what it changed, escaped, a page at a time; another partner gets no such page. */
    public function testCatalogChanges(): void
    {
        $evil = $this->signIn('csk_test_evil');
        $html = $this->get('/en/partner/catalogs/cat-evil', [], null, 'GET', $evil)->body;
        self::assertStringContainsString('<h2 id="changes-title">Changes in this upload</h2>', $html);
        self::assertStringContainsString('&lt;img src=x onerror=alert(1)&gt;', $html);
        self::assertStringNotContainsString('<img src=x', $html);
        self::assertStringContainsString('href="/en/product/evil%3A1"', $html);
        self::assertStringContainsString('name, price', $html);
        self::assertStringContainsString('€12.00 → <strong>€9.50</strong>', $html);
        self::assertStringContainsString('Tabouret', $html);
        self::assertStringNotContainsString('Lampe retirée', $html, 'the second page');
        self::assertStringContainsString('href="/en/partner/catalogs/cat-evil?after=evil%3A2#changes"', $html);
        $next = $this->get('/en/partner/catalogs/cat-evil?after=evil%3A2', [], null, 'GET', $evil)->body;
        self::assertStringContainsString('Lampe retirée', $next);
        self::assertStringContainsString('€30.00', $next);
        self::assertStringNotContainsString('href="/en/product/evil%3A3"', $next, 'a removed product has no page');
        self::assertStringNotContainsString('Tabouret', $next);
        self::assertStringContainsString('First changes', $next);
        $acme = $this->get('/en/partner/catalogs/cat-evil', [], null, 'GET', $this->signIn('csk_test_acme'));
        self::assertSame(404, $acme->status);
        self::assertStringNotContainsString('Tabouret', $acme->body);
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

    /**
     * slot asks the site for an upload slot as the script does: the chosen
     * file's name and size, JSON answer.
     *
     * @param array<string, string> $cookies
     * @param array<string, string> $post
     */
    private function slot(array $cookies, array $post, ?App $app = null): Response
    {
        return $this->get('/en/partner/upload', ['accept' => 'application/json'], $app, 'POST', $cookies, $post);
    }

    /**
     * signIn signs in with key through the sign-in form and returns the
     * cookies of the signed-in browser (CSRF and session).
     *
     * @return array<string, string>
     */
    private function signIn(string $key, ?App $app = null): array
    {
        $form = $this->get('/en/partner', [], $app);
        self::assertStringContainsString('name="api_key"', $form->body, 'signed out: the sign-in form');
        self::assertStringNotContainsString('name="next"', $form->body, 'the partner area itself: no page to return to');
        [$csrf, $token] = $this->csrfOf($form);
        $res = $this->get('/en/partner/sign-in', [], $app, 'POST', $csrf, ['csrf_token' => $token, 'api_key' => $key]);
        self::assertSame(303, $res->status, $res->body);
        self::assertSame('/en/partner', $res->headers['Location']);
        $cookie = $this->sessionCookie($res);
        self::assertMatchesRegularExpression('/^partner_session=[A-Za-z0-9_-]{100,}; Path=\/; Max-Age=28800; HttpOnly; SameSite=Lax$/', $cookie);
        self::assertStringNotContainsString($key, base64_decode(strtr(explode(';', $cookie)[0], '-_', '+/')), 'the key is sealed, not readable');
        return $csrf + ['partner_session' => explode(';', substr($cookie, strlen('partner_session=')))[0]];
    }

    /**
     * csrfOf reads what a browser keeps of a page with a form: the CSRF
     * nonce cookie the page set (as the cookies to send back) and the
     * form's token.
     *
     * @param array<string, string> $cookies the cookies the page was asked with
     * @return array{array<string, string>, string}
     */
    private function csrfOf(Response $page, array $cookies = []): array
    {
        self::assertSame(1, preg_match('/name="csrf_token" value="([0-9a-f]{64})"/', $page->body, $m), 'a form with a CSRF token');
        foreach ($page->cookies as $c) {
            if (str_starts_with($c, 'csrf=')) {
                $cookies['csrf'] = explode(';', substr($c, strlen('csrf=')))[0];
            }
        }
        self::assertArrayHasKey('csrf', $cookies, 'the browser has a CSRF nonce cookie');
        self::assertNotSame($cookies['csrf'], $m[1], 'the token is signed, not the cookie');
        return [['csrf' => $cookies['csrf']], $m[1]];
    }

    /**
     * formToken is the CSRF token of the forms a signed-in browser with
     * $cookies sees (the partner area's).
     *
     * @param array<string, string> $cookies
     */
    private function formToken(array $cookies, ?App $app = null): string
    {
        return $this->csrfOf($this->get('/en/partner', [], $app, 'GET', $cookies), $cookies)[1];
    }

    private function sessionCookie(Response $res): string
    {
        foreach ($res->cookies as $c) {
            if (str_starts_with($c, 'partner_session=')) {
                return $c;
            }
        }
        return '';
    }

    /** @return array<string, array{string, string}> */
    public static function uploadMethods(): array
    {
        return ['PUT to the upload URL' => ['csk_test_acme', 'acme'], 'form POST with the returned fields' => ['csk_test_postco', 'postco']];
    }

    /**
     * testUploadFlow: the site hands the script a slot (it never reads the
     * file), the browser's part (the file to the slot's URL, without the
     * partner's key) is done here with PHP streams, and the status page
     * shows the ingested catalog.
     *
     * @dataProvider uploadMethods
     */
    public function testUploadFlow(string $key, string $partner): void
    {
        $cookies = $this->signIn($key);
        $content = "sku,name\n1,a\n2,b\n";
        $res = $this->slot($cookies, ['csrf_token' => $this->formToken($cookies), 'mode' => 'full',
            'name' => '../../my catalog.csv', 'size' => (string) strlen($content)]);
        self::assertSame(201, $res->status, $res->body);
        self::assertStringStartsWith('application/json', $res->headers['Content-Type']);
        $slot = json_decode($res->body, true);
        self::assertMatchesRegularExpression('#^/en/partner/catalogs/cat-[0-9a-f]+$#', $slot['status_url']);
        self::assertSame('/en/partner/catalogs/' . $slot['catalog_id'], $slot['status_url']);
        $up = $slot['upload'];
        self::assertSame(self::$server->url . '/upload/' . $slot['catalog_id'], $up['url'], 'a path on the API is made absolute');
        self::assertSame('text/csv', $up['content_type']);
        self::assertSame(1000000, $up['max_bytes']);
        self::assertStringNotContainsString($key, $res->body, 'the partner\'s key never goes to the browser');
        if ($partner === 'postco') {
            self::assertSame('POST', $up['method']);
            self::assertSame(['key' => 'incoming/postco/my catalog.csv', 'policy' => 'p0'], $up['fields']);
            $boundary = 'b' . bin2hex(random_bytes(6));
            $body = '';
            foreach ($up['fields'] as $k => $v) {
                $body .= "--$boundary\r\nContent-Disposition: form-data; name=\"$k\"\r\n\r\n$v\r\n";
            }
            $body .= "--$boundary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"c.csv\"\r\n"
                . "Content-Type: text/csv\r\n\r\n$content\r\n--$boundary--\r\n";
            $type = 'multipart/form-data; boundary=' . $boundary;
        } else {
            self::assertSame('PUT', $up['method']);
            self::assertSame([], $up['fields']);
            [$body, $type] = [$content, $up['content_type']];
        }
        $ctx = stream_context_create(['http' => ['method' => $up['method'], 'header' => "Content-Type: $type", 'content' => $body, 'ignore_errors' => true]]);
        self::assertNotFalse(file_get_contents($up['url'], false, $ctx));
        self::assertMatchesRegularExpression('#^HTTP/\S+ 204#', $http_response_header[0]);
        $page = $this->get($slot['status_url'], [], null, 'GET', $cookies);
        self::assertStringContainsString('<td>' . $partner . '</td>', $page->body, 'the slot is the key\'s partner\'s');
        self::assertSame(200, $page->status);
        self::assertStringContainsString('Catalog my catalog.csv', $page->body, 'the file name is cleaned of its path');
        self::assertStringContainsString('Done', $page->body);
        self::assertMatchesRegularExpression('#<dt>Rows read</dt><dd>2</dd>#', $page->body);
        self::assertStringContainsString('Whole catalog', $page->body);
    }

    public function testUploadRefusals(): void
    {
        $cookies = $this->signIn('csk_test_acme');
        $field = $this->formToken($cookies);
        $file = ['name' => 'c.csv', 'size' => '10'];
        $cases = [
            'no token' => [$cookies, ['mode' => 'full'] + $file, 403, 'The form expired'],
            'wrong token' => [$cookies, ['csrf_token' => str_repeat('0', 64)] + $file, 403, 'The form expired'],
            'bad mode' => [$cookies, ['csrf_token' => $field, 'mode' => 'sometimes'] + $file, 400, 'Choose what the file contains'],
            'no file' => [$cookies, ['csrf_token' => $field], 400, 'Choose a file'],
            'no size' => [$cookies, ['csrf_token' => $field, 'name' => 'c.csv'], 400, 'Choose a file'],
            'empty file' => [$cookies, ['csrf_token' => $field, 'name' => 'c.csv', 'size' => '0'], 400, 'The file is empty'],
            'over the site\'s limit' => [$cookies, ['csrf_token' => $field, 'name' => 'c.csv', 'size' => (string) (Config::DEFAULT_MAX_UPLOAD + 1)], 413, 'too large'],
            'over the slot\'s max_bytes' => [$cookies, ['csrf_token' => $field, 'name' => 'c.csv', 'size' => '1000001'], 413, 'too large'],
        ];
        foreach ($cases as $name => [$cookies, $post, $status, $text]) {
            $res = $this->slot($cookies, $post);
            self::assertSame($status, $res->status, $name);
            self::assertStringStartsWith('application/json', $res->headers['Content-Type'], $name);
            self::assertStringContainsString($text, json_decode($res->body, true)['error']['message'], $name);
        }
        $signedOut = $this->slot(['csrf' => $cookies['csrf']], ['csrf_token' => $field] + $file);
        self::assertSame(200, $signedOut->status);
        self::assertStringContainsString('name="api_key"', $signedOut->body, 'signed out: the sign-in form, which the script opens');
    }

    /**
     * testUploadWithoutJavaScript: the form without the script posts only
     * the file's name (no multipart), and the answer says why uploading
     * needs JavaScript; the partner area says so up front in <noscript>.
     */
    public function testUploadWithoutJavaScript(): void
    {
        $cookies = $this->signIn('csk_test_acme');
        $area = $this->get('/en/partner', [], null, 'GET', $cookies)->body;
        self::assertMatchesRegularExpression('#<form class="upload-form" method="post" action="/en/partner/upload" data-upload#', $area);
        self::assertStringNotContainsString('multipart/form-data', $area, 'the form never sends the file to the site');
        self::assertMatchesRegularExpression('#<noscript><p class="notice">Uploading a catalog needs JavaScript#', $area);
        $res = $this->get('/en/partner/upload', [], null, 'POST', $cookies, ['csrf_token' => $this->formToken($cookies), 'mode' => 'full', 'file' => 'c.csv']);
        self::assertSame(400, $res->status);
        self::assertStringContainsString('role="alert">Uploading a catalog needs JavaScript', $res->body);
        self::assertStringContainsString('POST /api/v1/catalogs', $res->body);
        self::assertSame(403, $this->get('/en/partner/upload', [], null, 'POST', $cookies, ['mode' => 'full'])->status, 'CSRF first');
    }

    /** testUploadOriginInCsp: the pages may connect to the upload origin (the bucket on AWS), and only to it beyond the site. */
    public function testUploadOriginInCsp(): void
    {
        $bucket = 'https://files-123.s3.eu-west-3.amazonaws.com';
        $app = new App(Config::fromEnv(['CATALOG_API_URL' => self::$server->url, 'CATALOG_UPLOAD_ORIGIN' => $bucket . '/']), new Logger($this->log));
        $csp = $this->get('/en/', [], $app)->headers['Content-Security-Policy'];
        self::assertStringContainsString("connect-src 'self' $bucket;", $csp);
        self::assertStringContainsString("connect-src 'self';", $this->get('/en/')->headers['Content-Security-Policy']);
    }

    public function testUploadWithoutTheEndpointDegrades(): void
    {
        $old = new ApiServer(['FIXTURE_NO_UPLOAD' => '1']);
        try {
            $app = $this->app($old->url);
            $cookies = $this->signIn('csk_test_acme', $app);
            $res = $this->slot($cookies, ['csrf_token' => $this->formToken($cookies, $app), 'mode' => 'partial', 'name' => 'a.csv', 'size' => '2'], $app);
            self::assertSame(503, $res->status);
            self::assertSame('Uploading is not available on this server yet.', json_decode($res->body, true)['error']['message']);
        } finally {
            $old->stop();
        }
    }

    /**
     * testRejectedRowsDownload: the site sends the browser on to the
     * short-lived URL the API redirects to (a presigned GET on AWS); the
     * file never passes through the site.
     */
    public function testRejectedRowsDownload(): void
    {
        $evil = $this->signIn('csk_test_evil');
        $res = $this->get('/en/partner/catalogs/cat-evil/rejected.csv', [], null, 'GET', $evil);
        self::assertSame(303, $res->status);
        self::assertSame(self::$server->url . '/download/rejected-cat-evil.csv?sig=s0', $res->headers['Location']);
        self::assertSame('', $res->body);
        self::assertSame('no-store', $res->headers['Cache-Control']);
        $csv = file_get_contents($res->headers['Location']);
        self::assertStringContainsString('bad_price', (string) $csv, 'the URL works without the partner\'s key');
        self::assertSame(404, $this->get('/en/partner/catalogs/other/rejected.csv', [], null, 'GET', $evil)->status);
        $acme = $this->get('/en/partner/catalogs/cat-evil/rejected.csv', [], null, 'GET', $this->signIn('csk_test_acme'));
        self::assertSame(404, $acme->status, 'another partner\'s rejected rows');
        self::assertArrayNotHasKey('Location', $acme->headers);
    }

    /**
     * testReportCsvDownloads: the products to fix and the removals of a
     * catalog pass through the site as a CSV attachment named after the
     * report and the catalog; a report the API does not have, or another
     * partner's, is the 404 page.
     */
    public function testReportCsvDownloads(): void
    {
        $evil = $this->signIn('csk_test_evil');
        $res = $this->get('/en/partner/catalogs/cat-evil/to-fix.csv', [], null, 'GET', $evil);
        self::assertSame(200, $res->status);
        self::assertSame("id,sku,name,grade\nevil:1,E1,=cmd,E\n", $res->body);
        self::assertSame('attachment; filename="to-fix-cat-evil.csv"', $res->headers['Content-Disposition']);
        self::assertSame('text/csv; charset=utf-8', $res->headers['Content-Type']);
        self::assertSame(404, $this->get('/en/partner/catalogs/cat-evil/removals.csv', [], null, 'GET', $evil)->status);
        $acme = $this->signIn('csk_test_acme');
        self::assertSame(404, $this->get('/en/partner/catalogs/cat-evil/to-fix.csv', [], null, 'GET', $acme)->status);
    }

    public function testReportPage(): void
    {
        $evil = $this->signIn('csk_test_evil');
        $html = $this->get('/fr/partner/catalogs/cat-evil', [], null, 'GET', $evil)->body;
        self::assertStringContainsString('Lignes rejetées', $html);
        self::assertStringContainsString('bad_price', $html);
        self::assertStringContainsString('&quot;&lt;b&gt;12,x&lt;/b&gt;&quot; is not a price', $html);
        self::assertStringContainsString('href="/fr/partner/catalogs/cat-evil/rejected.csv"', $html);
        $partial = $this->get('/fr/partner/catalogs/cat-evil', ['x-partial' => 'catalog'], null, 'GET', $evil);
        self::assertStringNotContainsString('<html', $partial->body);
        self::assertStringContainsString('data-status="done"', $partial->body);
        self::assertSame(404, $this->get('/en/partner/catalogs/nope', [], null, 'GET', $evil)->status);
    }

    /** @return array<string, array{string, ?string, ?string}> */
    public static function progressPages(): array
    {
        return [
            'chunked, en' => ['/en/partner/catalogs/cat-chunked', 'Writing products: 3 of 8 chunks written (37%)', '200,000 rows read from the file'],
            'chunked, fr' => ['/fr/partner/catalogs/cat-chunked', 'Écriture des produits : 3 lots sur 8 écrits (37 %)', "200\u{202F}000 lignes lues dans le fichier"],
            'one pass, processing' => ['/en/partner/catalogs/cat-onepass', null, null],
            'done' => ['/en/partner/catalogs/cat-evil', null, null],
        ];
    }

    /**
     * A catalog written in chunks shows, while it is processing, a progress
     * bar (chunks written of the total) named by its label, and the rows
     * read; the page and the partial the script polls both carry it, and
     * the page keeps polling. Without progress there is no bar.
     *
     * @dataProvider progressPages
     */
    public function testProgressBarOfAChunkedCatalog(string $url, ?string $label, ?string $rows): void
    {
        $evil = $this->signIn('csk_test_evil');
        $page = $this->get($url, [], null, 'GET', $evil);
        self::assertSame(200, $page->status);
        $partial = $this->get($url, ['x-partial' => 'catalog'], null, 'GET', $evil);
        self::assertSame(200, $partial->status);
        self::assertStringNotContainsString('<html', $partial->body);
        $processing = !str_ends_with($url, 'cat-evil');
        self::assertSame($processing, str_contains($page->body, 'data-catalog-status data-poll="2000"'), 'polls while processing');
        foreach (['page' => $page->body, 'partial' => $partial->body] as $what => $html) {
            $doc = new \DOMDocument();
            libxml_use_internal_errors(true);
            $doc->loadHTML('<?xml encoding="UTF-8">' . $html);
            libxml_clear_errors();
            $xp = new \DOMXPath($doc);
            $bars = $xp->query('//progress');
            self::assertNotFalse($bars);
            if ($label === null) {
                self::assertSame(0, $bars->length, "$what: a bar without progress");
                self::assertStringNotContainsString('data-progress', $html, $what);
                continue;
            }
            self::assertSame(1, $bars->length, "$what: one bar");
            $bar = $bars->item(0);
            self::assertInstanceOf(\DOMElement::class, $bar);
            self::assertSame(['8', '3'], [$bar->getAttribute('max'), $bar->getAttribute('value')], $what);
            $labels = $xp->query('//label[@for="' . $bar->getAttribute('id') . '"]');
            self::assertNotFalse($labels);
            self::assertSame(1, $labels->length, "$what: the bar has no label");
            self::assertSame($label, trim((string) $labels->item(0)?->textContent), $what);
            self::assertStringContainsString((string) $rows, $html, "$what: rows read");
        }
    }

    /** @return array<string, array{string, string}> */
    public static function partnerPages(): array
    {
        return [
            'partner area' => ['GET', '/en/partner'],
            'report' => ['GET', '/en/partner/catalogs/cat-evil'],
            'rejected rows' => ['GET', '/en/partner/catalogs/cat-evil/rejected.csv'],
            'confirm' => ['POST', '/en/partner/catalogs/cat-evil/confirm'],
            'upload' => ['POST', '/en/partner/upload'],
        ];
    }

    /** @dataProvider partnerPages */
    public function testPartnerPagesNeedSignIn(string $method, string $url): void
    {
        foreach (['no session' => [], 'unknown session' => ['partner_session' => str_repeat('a', 32)]] as $name => $cookies) {
            $res = $this->get($url, [], null, $method, $cookies);
            self::assertSame(200, $res->status, $name);
            self::assertStringContainsString('name="api_key"', $res->body, $name);
            self::assertStringNotContainsString('bad_price', $res->body, $name);
            self::assertStringNotContainsString('svg onload', $res->body, $name);
        }
    }

    public function testSignIn(): void
    {
        $form = $this->get('/fr/partner');
        self::assertStringContainsString('Connectez-vous avec votre clé d’API', $form->body);
        [$csrf, $token] = $this->csrfOf($form);
        $cases = [
            'no token' => [['api_key' => 'csk_test_acme'], 403, 'The form expired'],
            'no key' => [['csrf_token' => $token, 'api_key' => ' '], 400, 'Enter your API key'],
            'wrong key' => [['csrf_token' => $token, 'api_key' => 'csk_wrong'], 403, 'This API key was not accepted'],
            'not a key' => [['csrf_token' => $token, 'api_key' => "csk\r\nX-Evil: 1"], 403, 'This API key was not accepted'],
        ];
        foreach ($cases as $name => [$post, $status, $text]) {
            $res = $this->get('/en/partner/sign-in', [], null, 'POST', $csrf, $post);
            self::assertSame($status, $res->status, $name);
            self::assertStringContainsString($text, $res->body, $name);
            self::assertStringContainsString('name="api_key"', $res->body, $name);
            self::assertSame('', $this->sessionCookie($res), $name . ': no session');
        }
        $cookies = $this->signIn('csk_test_acme');
        $page = $this->get('/en/partner', [], null, 'GET', $cookies);
        self::assertSame(200, $page->status);
        self::assertStringContainsString('Signed in as <strong class="partner-id">acme</strong>', $page->body);
        self::assertStringNotContainsString('cat-evil', $page->body, 'only the key\'s partner\'s catalogs');
        self::assertStringNotContainsString('csk_test_acme', $page->body, 'the key is never shown');
        self::assertStringNotContainsString('csk_test', (string) file_get_contents($this->log), 'the key is never logged');
        self::assertStringNotContainsString('name="partner"', $page->body, 'no partner field: the key says who');

        // Signing in again seals a new cookie (a fresh nonce).
        $res = $this->get('/en/partner/sign-in', [], null, 'POST', $cookies, ['csrf_token' => $this->formToken($cookies), 'api_key' => 'csk_test_acme']);
        $new = $this->sessionCookie($res);
        self::assertStringStartsWith('partner_session=', $new);
        self::assertStringNotContainsString($cookies['partner_session'], $new);

        // Stateless: another server instance with the same secret reads the
        // session (a Lambda instance that did not see the sign-in).
        $other = new App(new Config(self::$server->url, 2.0, sessionKey: self::$sessionKey), new Logger($this->log));
        self::assertStringContainsString('Signed in as <strong class="partner-id">acme</strong>', $this->get('/en/partner', [], $other, 'GET', $cookies)->body);
        // One with another secret does not: the cookie is refused and cleared.
        $rotated = new App(new Config(self::$server->url, 2.0, sessionKey: Config::sessionKeyFrom(base64_encode(random_bytes(32)))), new Logger($this->log));
        $res = $this->get('/en/partner', [], $rotated, 'GET', $cookies);
        self::assertStringContainsString('name="api_key"', $res->body);
        self::assertStringStartsWith('partner_session=; Path=/; Max-Age=0', $this->sessionCookie($res));

        // Over HTTPS the cookie is Secure.
        $req = new Request('POST', '/en/partner/sign-in', [], [], $csrf, ['csrf_token' => $token, 'api_key' => 'csk_test_acme'], [], true);
        self::assertStringEndsWith('; HttpOnly; SameSite=Lax; Secure', $this->sessionCookie($this->app()->handle($req)));
    }

    public function testCsrfTokensAreSignedAndBoundToTheSession(): void
    {
        // A pair an attacker plants (cookie) and posts (field): the old
        // double-submit check accepted any value sent as both.
        $planted = str_repeat('ab', 32);
        $res = $this->get('/en/partner/sign-in', [], null, 'POST', ['csrf' => $planted], ['csrf_token' => $planted, 'api_key' => 'csk_test_acme']);
        self::assertSame(403, $res->status, 'sign-in with a planted pair');
        self::assertSame('', $this->sessionCookie($res), 'no session from a planted pair');

        $acme = $this->signIn('csk_test_acme');
        $token = $this->formToken($acme);
        foreach (
            [
                'planted pair' => [['csrf' => $planted] + $acme, $planted],
                'the nonce cookie as the field' => [$acme, $acme['csrf']],
                'another browser\'s nonce' => [['csrf' => $planted] + $acme, $token],
            ] as $name => [$cookies, $field]
        ) {
            $res = $this->slot($cookies, ['csrf_token' => $field, 'mode' => 'full', 'name' => 'c.csv', 'size' => '6']);
            self::assertSame(403, $res->status, $name);
            self::assertStringContainsString('The form expired', $res->body, $name);
            self::assertSame(403, $this->get('/en/partner/sign-out', [], null, 'POST', $cookies, ['csrf_token' => $field])->status, $name);
        }

        // A token of another session (of this browser's nonce) is refused:
        // another sign-in, and the signed-out form before it.
        $other = $this->signIn('csk_test_acme');
        $otherToken = $this->formToken($other);
        $signedOut = $this->csrfOf($this->get('/en/partner', [], null, 'GET', ['csrf' => $acme['csrf']]), ['csrf' => $acme['csrf']])[1];
        foreach (['another session' => $otherToken, 'the signed-out form' => $signedOut] as $name => $field) {
            $res = $this->get('/en/partner/sign-out', [], null, 'POST', $acme, ['csrf_token' => $field]);
            self::assertSame(403, $res->status, $name);
            self::assertSame('', $this->sessionCookie($res), $name . ': still signed in');
        }
        // The session's own token works.
        $res = $this->get('/en/partner/sign-out', [], null, 'POST', $acme, ['csrf_token' => $token]);
        self::assertSame(200, $res->status);
        self::assertStringStartsWith('partner_session=; Path=/; Max-Age=0', $this->sessionCookie($res));
    }

    public function testOtherPartnersCatalogIsNotFound(): void
    {
        // Another partner's catalog is a 404 like an unknown ID: the page
        // does not tell that it exists.
        $acme = $this->signIn('csk_test_acme');
        $res = $this->get('/fr/partner/catalogs/cat-evil', [], null, 'GET', $acme);
        $unknown = $this->get('/fr/partner/catalogs/cat-none', [], null, 'GET', $acme);
        self::assertSame(404, $res->status);
        self::assertSame(404, $unknown->status);
        self::assertStringContainsString('Vous n’avez aucun catalogue portant cet identifiant.', $res->body);
        $same = static fn (string $body, string $id): string => preg_replace('/nonce="[^"]*"/', 'nonce=""', str_replace($id, 'ID', $body));
        self::assertSame($same($res->body, 'cat-evil'), $same($unknown->body, 'cat-none'));
        self::assertStringNotContainsString('bad_price', $res->body);
        self::assertStringNotContainsString('autre partenaire', $res->body);
    }

    public function testRevokedKeySignsOut(): void
    {
        // A session whose key the API no longer accepts (revoked since sign-in).
        $session = new PartnerSession(new Request('POST', '/en/partner/sign-in'), self::$sessionKey);
        $session->signIn('csk_test_revoked', 'acme', 0);
        $cookie = $this->sessionCookie($session->apply(new Response()));
        $id = explode(';', substr($cookie, strlen('partner_session=')))[0];
        $res = $this->get('/en/partner', [], null, 'GET', ['partner_session' => $id]);
        self::assertSame(403, $res->status);
        self::assertStringContainsString('Your API key is no longer valid, so you were signed out.', $res->body);
        self::assertStringContainsString('name="api_key"', $res->body);
        self::assertStringStartsWith('partner_session=; Path=/; Max-Age=0', $this->sessionCookie($res));
        // The cookie still opens (stateless) but the API keeps refusing the key.
        self::assertSame(403, $this->get('/en/partner/catalogs/cat-acme', [], null, 'GET', ['partner_session' => $id])->status);
    }

    public function testSignOut(): void
    {
        $cookies = $this->signIn('csk_test_acme');
        self::assertSame(403, $this->get('/en/partner/sign-out', [], null, 'POST', $cookies)->status, 'CSRF token required');
        $res = $this->get('/en/partner/sign-out', [], null, 'POST', $cookies, ['csrf_token' => $this->formToken($cookies)]);
        self::assertSame(200, $res->status);
        self::assertStringContainsString('You are signed out.', $res->body);
        self::assertStringStartsWith('partner_session=; Path=/; Max-Age=0', $this->sessionCookie($res));
        // The browser drops the cleared cookie: signed out.
        unset($cookies['partner_session']);
        $page = $this->get('/en/partner', [], null, 'GET', $cookies);
        self::assertStringContainsString('name="api_key"', $page->body);
        self::assertStringContainsString('Sign out', $this->get('/en/partner', [], null, 'GET', $this->signIn('csk_test_acme'))->body, 'the sign-out button');
    }

    public function testSignOutEndsTheSessionServerSide(): void
    {
        // Two browsers signed in with the same key, and a copy of the first
        // one's cookies (stolen, or kept by a shared computer).
        $first = $this->signIn('csk_test_evil');
        $copy = $first;
        $copyToken = $this->formToken($copy);
        $second = $this->signIn('csk_test_evil');
        $res = $this->get('/en/partner/sign-out', [], null, 'POST', $first, ['csrf_token' => $this->formToken($first)]);
        self::assertSame(200, $res->status);
        self::assertStringStartsWith('partner_session=; Path=/; Max-Age=0', $this->sessionCookie($res));

        // The copy is refused on every partner page, and cleared; before,
        // a sealed cookie kept working for 8 hours after sign-out.
        foreach (['/en/partner', '/en/partner/catalogs/cat-evil', '/en/partner/catalogs/cat-evil/rejected.csv'] as $url) {
            $res = $this->get($url, [], null, 'GET', $copy);
            self::assertSame(403, $res->status, $url);
            self::assertStringContainsString('Your session has ended', $res->body, $url);
            self::assertStringContainsString('name="api_key"', $res->body, $url);
            self::assertStringNotContainsString('bad_price', $res->body, $url);
            self::assertStringStartsWith('partner_session=; Path=/; Max-Age=0', $this->sessionCookie($res), $url);
        }
        // So is the other browser's session of the same key (one generation).
        self::assertStringContainsString('Your session has ended', $this->get('/en/partner', [], null, 'GET', $second)->body);
        // A new sign-in works, and a sign-out replayed with the copy (and a
        // token of its page kept from before) cannot end it.
        $again = $this->signIn('csk_test_evil');
        $res = $this->get('/en/partner/sign-out', [], null, 'POST', $copy, ['csrf_token' => $copyToken]);
        self::assertSame(200, $res->status, 'the copy is just cleared');
        self::assertStringContainsString('bad_price', $this->get('/en/partner/catalogs/cat-evil', [], null, 'GET', $again)->body);
        self::assertStringContainsString('Signed in as', $this->get('/en/partner', [], null, 'GET', $again)->body);
        self::assertStringContainsString('Your session has ended', $this->get('/en/partner', [], null, 'GET', $copy)->body);
        self::assertStringNotContainsString('csk_test', (string) file_get_contents($this->log), 'the key is never logged');

        // When the API cannot be reached the session is not ended: the
        // cookie is kept and the page says so, so the partner tries again.
        $live = $this->signIn('csk_test_evil');
        $token = $this->formToken($live);
        $down = new App(new Config('http://127.0.0.1:' . ApiServer::freePort(), 1.0, sessionKey: self::$sessionKey), new Logger($this->log));
        $res = $this->get('/en/partner/sign-out', [], $down, 'POST', $live, ['csrf_token' => $token]);
        self::assertSame(503, $res->status);
        self::assertSame('', $this->sessionCookie($res), 'the cookie is kept');
        self::assertSame(200, $this->get('/en/partner/sign-out', [], null, 'POST', $live, ['csrf_token' => $token])->status, 'and signing out again works');
    }

    public function testSignInReturnsToTheAskedPage(): void
    {
        // The source catalog of a product is a partner page: signed out,
        // that page is the sign-in form, which returns there.
        $form = $this->get('/en/partner/catalogs/cat-evil?msg=x');
        self::assertStringContainsString('name="api_key"', $form->body);
        self::assertStringContainsString('<input type="hidden" name="next" value="/en/partner/catalogs/cat-evil?msg=x">', $form->body);
        [$csrf, $token] = $this->csrfOf($form);
        $post = ['csrf_token' => $token, 'api_key' => 'csk_test_evil', 'next' => '/en/partner/catalogs/cat-evil?msg=x'];
        $res = $this->get('/en/partner/sign-in', [], null, 'POST', $csrf, $post);
        self::assertSame(303, $res->status);
        self::assertSame('/en/partner/catalogs/cat-evil?msg=x', $res->headers['Location']);
        $cookies = $csrf + ['partner_session' => explode(';', substr($this->sessionCookie($res), strlen('partner_session=')))[0]];
        self::assertStringContainsString('bad_price', $this->get($res->headers['Location'], [], null, 'GET', $cookies)->body);

        // A refused key keeps "next" in the form it shows again.
        $res = $this->get('/en/partner/sign-in', [], null, 'POST', $csrf, ['api_key' => 'csk_wrong'] + $post);
        self::assertSame(403, $res->status);
        self::assertStringContainsString('name="next" value="/en/partner/catalogs/cat-evil?msg=x"', $res->body);

        // Only same-site relative paths: anything else goes to the partner area.
        $hostile = [
            '//evil.example', '//evil.example/en/partner', 'https://evil.example', 'https://evil.example/en/',
            '/\\evil', '/\\/evil.example', '\\\\evil.example', 'javascript:alert(1)', "/\t/evil.example",
            "/en/\r\nSet-Cookie: x=1", 'evil.example', '', ' /en/', '/%0a/x\\y',
        ];
        foreach ($hostile as $next) {
            self::assertNull(\CatalogSearch\Web\Pages::safeNext($next), $next);
            $res = $this->get('/en/partner/sign-in', [], null, 'POST', $csrf, ['next' => $next] + $post);
            self::assertSame(303, $res->status, $next);
            self::assertSame('/en/partner', $res->headers['Location'], $next);
        }
        foreach (['/en/partner/catalogs/cat-evil', '/fr/?q=chaise&brand=A', '/en/product/evil%3AX1'] as $next) {
            self::assertSame($next, \CatalogSearch\Web\Pages::safeNext($next));
        }
        // A POST page (upload, confirm) cannot be returned to: the form has no "next".
        $upload = $this->get('/en/partner/upload', [], null, 'POST');
        self::assertStringContainsString('name="api_key"', $upload->body);
        self::assertStringNotContainsString('name="next"', $upload->body);
    }

    public function testSignInNotConfigured(): void
    {
        $log = $this->log;
        $app = new App(new Config(self::$server->url, 2.0), new Logger($log));
        foreach (['GET /en/partner', 'GET /fr/partner/catalogs/cat-evil', 'POST /en/partner/sign-in', 'POST /en/partner/upload'] as $case) {
            [$method, $url] = explode(' ', $case);
            $res = $this->get($url, [], $app, $method, ['partner_session' => str_repeat('A', 200)], ['api_key' => 'csk_test_acme']);
            self::assertSame(503, $res->status, $case);
            self::assertStringNotContainsString('name="api_key"', $res->body, $case);
            self::assertSame('', $this->sessionCookie($res), $case . ': no session cookie');
        }
        self::assertStringContainsString('Partner sign-in is not configured', $this->get('/en/partner', [], $app)->body);
        self::assertStringContainsString('Connexion des partenaires non configurée', $this->get('/fr/partner', [], $app)->body);
        self::assertSame(200, $this->get('/en/?q=chaise', [], $app)->status, 'search works without the secret');
        $lines = array_values(array_filter(explode("\n", (string) file_get_contents($log)), static fn (string $l): bool => str_contains($l, 'CATALOG_SITE_SECRET')));
        self::assertCount(1, $lines, 'logged once');
        self::assertStringContainsString('"level":"error"', $lines[0]);
    }
}
