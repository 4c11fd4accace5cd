<?php

declare(strict_types=1);

namespace CatalogSearch\Web;

/**
 * Pages holds the route table of one locale and its page handlers. Each
 * handler calls the API server-side and renders a template; optional API
 * endpoints (suggestions, uploads, rejected rows) degrade to a message when
 * the API answers 404 or 405. The partner pages need a signed-in partner:
 * its API key, kept in a sealed cookie (PartnerSession), goes to the API as
 * X-Api-Key, and the API's 401 (a revoked key) signs the partner out.
 */
final class Pages
{
    /** Upload modes the API takes (ContractTest pins them to internal/api/openapi.json). */
    public const UPLOAD_MODES = ['full', 'partial'];

    private const PARTIAL_HEADER = 'x-partial';
    private const PARTNER_RE = '/^[a-z0-9][a-z0-9_-]{0,63}$/';
    private const CATALOG_ID_RE = '/^[\w.:@+-]{1,200}$/';
    /** Codes one quick-add lookup resolves, products one comparison shows. */
    private const MAX_LOOKUP = 50;
    private const MAX_COMPARE = 4;
    /** Products a held catalog's page lists before the download. */
    private const PREVIEW_ROWS = 20;
    /** CHANGES_PAGE is how many of an upload's changes its page lists at a time. */
    private const CHANGES_PAGE = 50;

    public function __construct(
        private readonly Request $req,
        private readonly I18n $t,
        private readonly View $view,
        private readonly Security $security,
        private readonly ApiClient $api,
        private readonly Config $config,
        private readonly Logger $logger,
        private readonly PartnerSession $session,
        private readonly ?PartnerSession $operator = null,
    ) {
    }

    public function router(): Router
    {
        $r = new Router();
        $r->add('GET', '/', fn (array $p): Response => $this->search());
        $r->add('GET', '/suggest', fn (array $p): Response => $this->suggest());
        $r->add('GET', '/product/{id}', fn (array $p): Response => $this->product($p['id']));
        $r->add('GET', '/click', fn (array $p): Response => $this->click());
        $r->add('GET', '/insights', fn (array $p): Response => $this->insights());
        $r->add('POST', '/insights/sign-in', fn (array $p): Response => $this->operatorSignIn());
        $r->add('POST', '/insights/sign-out', fn (array $p): Response => $this->operatorSignOut());
        $r->add('GET', '/list', fn (array $p): Response => $this->buyerList());
        $r->add('GET', '/list/lookup', fn (array $p): Response => $this->lookup());
        $r->add('GET', '/compare', fn (array $p): Response => $this->compare());
        $r->add('GET', '/partner', fn (array $p): Response => $this->asPartner(
            fn (ApiClient $api): Response => $this->partner($api)
        ));
        $r->add('GET', '/partner/settings', fn (array $p): Response => $this->asPartner(
            fn (ApiClient $api): Response => $this->settings($api)
        ));
        $r->add('POST', '/partner/settings', fn (array $p): Response => $this->asPartner(
            fn (ApiClient $api): Response => $this->saveSettings($api)
        ));
        $r->add('POST', '/partner/sign-in', fn (array $p): Response => $this->signIn());
        $r->add('POST', '/partner/sign-out', fn (array $p): Response => $this->signOut());
        $r->add('POST', '/partner/upload', fn (array $p): Response => $this->asPartner(
            fn (ApiClient $api): Response => $this->upload($api)
        ));
        $r->add('GET', '/partner/catalogs/{id}', fn (array $p): Response => $this->asPartner(
            fn (ApiClient $api): Response => $this->catalog($api, $p['id'])
        ));
        $r->add('POST', '/partner/catalogs/{id}/confirm', fn (array $p): Response => $this->asPartner(
            fn (ApiClient $api): Response => $this->confirm($api, $p['id'])
        ));
        $r->add('GET', '/partner/catalogs/{id}/rejected.csv', fn (array $p): Response => $this->asPartner(
            fn (ApiClient $api): Response => $this->rejected($api, $p['id'])
        ));
        $r->add('GET', '/partner/catalogs/{id}/removals.csv', fn (array $p): Response => $this->asPartner(
            fn (ApiClient $api): Response => $this->removals($api, $p['id'])
        ));
        $r->add('GET', '/partner/catalogs/{id}/to-fix.csv', fn (array $p): Response => $this->asPartner(
            fn (ApiClient $api): Response => $this->toFix($api, $p['id'])
        ));
        return $r;
    }

    /** search is the search page; with "X-Partial: results" only its results region (for the script). */
    public function search(): Response
    {
        $state = SearchState::fromRequest($this->req);
        $result = null;
        $invalid = '';
        try {
            $result = $this->api->getJson('/v1/search', $state->apiQuery());
        } catch (ApiError $e) {
            if ($e->status !== 400 && $e->status !== 413) {
                throw $e;
            }
            // The API refused the query (too long, too deep): say so on the page.
            $invalid = 'error.invalid_search';
        }
        $currencies = self::facetRows($result, SearchState::CURRENCY_FACET);
        $shown = $state->currency === SearchState::ALL_CURRENCIES ? '' : $state->currency;
        $auto = false;
        if ($result !== null && $state->wantsOneCurrency()) {
            // Amounts of different currencies do not compare: sort, filter
            // and open the listing in one, the buyer's when the results hold it.
            $shown = SearchState::pickCurrency($this->t->currency(), $currencies);
            $auto = $shown !== '';
            if ($auto) {
                // Shown as the site's choice, not a filter of the buyer's.
                $state->currency = $shown;
                $state->autoCurrency = true;
            }
            if (count($currencies) > 1) {
                $result = $this->api->getJson('/v1/search', $state->apiQuery());
            }
        }
        $hits = is_array($result['hits'] ?? null) ? $result['hits'] : [];
        $exact = $state->page === 1 && !$state->hasFilters() ? ProductFacts::exactProduct($hits, $state->q) : '';
        $partial = $this->req->header(self::PARTIAL_HEADER) === 'results';
        if ($exact !== '' && !$partial) {
            // One product has this SKU, GTIN or reference: go straight to it.
            return Response::redirect('/' . $this->t->locale . '/product/' . rawurlencode($exact));
        }
        $vars = ['state' => $state, 'result' => $result, 'invalid' => $invalid, 'currencies' => $currencies,
            'shownCurrency' => $shown, 'autoCurrency' => $auto] + $this->emptyHelp($state, $result);
        $title = $state->q === ''
            ? $this->t->t('search.title')
            : $this->t->t('search.title_q', ['q' => $state->q]);
        if ($partial) {
            $res = new Response(200, $this->view->render('results', $vars));
            $res->headers['X-Page-Title'] = rawurlencode($title . ' – ' . $this->t->t('site.name'));
            if ($exact !== '') {
                // The script goes to the product when the visitor submitted the search.
                $res->headers['X-Exact-Product'] = '/' . $this->t->locale . '/product/' . rawurlencode($exact);
            }
            $res->headers['Vary'] = 'X-Partial';
            return $res;
        }
        $res = $this->page('search', $title, $vars, 'search');
        $res->headers['Vary'] = 'X-Partial';
        return $res;
    }

    /**
     * facetRows reads one facet of a search answer as [value, count] rows.
     *
     * @param array<string, mixed>|null $result
     * @return list<array{string, int}>
     */
    private static function facetRows(?array $result, string $facet): array
    {
        $rows = [];
        foreach (is_array($result['facets'][$facet] ?? null) ? $result['facets'][$facet] : [] as $fv) {
            if (is_array($fv) && is_string($fv['value'] ?? null) && $fv['value'] !== '') {
                $rows[] = [$fv['value'], is_int($fv['count'] ?? null) ? $fv['count'] : 0];
            }
        }
        return $rows;
    }

    /**
     * emptyHelp is what a page without results offers: how many products
     * the same text finds in all categories (when filters emptied it) and
     * the most popular top-level categories. Both are best effort: a
     * failing API leaves them out.
     *
     * @param array<string, mixed>|null $result
     * @return array{widen: int, popular: list<array{string, int}>}
     */
    private function emptyHelp(SearchState $state, ?array $result): array
    {
        $help = ['widen' => 0, 'popular' => []];
        if ($result === null || (is_array($result['hits'] ?? null) && $result['hits'] !== [])) {
            return $help;
        }
        try {
            if ($state->hasFilters() && $state->q !== '') {
                $all = $this->api->getJson('/v1/search', ['q' => $state->q, 'size' => 1, 'facets' => 'category']);
                $help['widen'] = is_int($all['total'] ?? null) ? $all['total'] : 0;
            }
            $top = $this->api->getJson('/v1/search', ['q' => '', 'size' => 1, 'facets' => 'category',
                'facet_size' => 50]);
            foreach (is_array($top['facets']['category'] ?? null) ? $top['facets']['category'] : [] as $fv) {
                $value = is_array($fv) && is_string($fv['value'] ?? null) ? $fv['value'] : '';
                if ($value !== '' && !str_contains($value, ' > ') && count($help['popular']) < 8) {
                    $help['popular'][] = [$value, is_int($fv['count'] ?? null) ? $fv['count'] : 0];
                }
            }
        } catch (ApiError $e) {
            $this->logger->error('empty page help failed', ['code' => $e->errorCode, 'error' => $e->getMessage()]);
        }
        return $help;
    }

    /** suggest answers the script's suggestion box: {"suggestions":[{"text","kind"}]}. */
    public function suggest(): Response
    {
        $q = $this->req->first('q');
        $out = [];
        if ($q !== '' && strlen($q) <= 256) {
            try {
                $data = $this->api->getJson('/v1/suggest', ['q' => $q, 'size' => 8]);
                foreach (is_array($data['suggestions'] ?? null) ? $data['suggestions'] : [] as $s) {
                    if (is_array($s) && is_string($s['text'] ?? null)) {
                        $out[] = ['text' => $s['text'], 'kind' => is_string($s['kind'] ?? null) ? $s['kind'] : ''];
                    }
                }
            } catch (ApiError $e) {
                // Suggestions are an enhancement: an API without /v1/suggest, or a
                // failing one, leaves the box empty and the search still works.
                if (!$e->isMissingEndpoint()) {
                    $this->logger->error('suggest failed', ['code' => $e->errorCode, 'error' => $e->getMessage()]);
                }
            }
        }
        return Response::json(['suggestions' => $out]);
    }

    public function product(string $id): Response
    {
        try {
            $p = $this->api->getJson('/v1/products/' . rawurlencode($id));
        } catch (ApiError $e) {
            if ($e->isNotFound()) {
                return $this->error(404, 'error.product_not_found');
            }
            throw $e;
        }
        $name = is_string($p['name'] ?? null) ? $p['name'] : $id;
        $viewer = $this->session->configured() ? $this->session->partner() : '';
        // The other partners' offers of the same product: optional, the
        // page stands without them.
        $offers = [];
        try {
            $o = $this->api->getJson('/v1/products/' . rawurlencode($id) . '/offers');
            $offers = is_array($o['offers'] ?? null) ? array_values(array_filter($o['offers'], 'is_array')) : [];
        } catch (ApiError $e) {
            $offers = [];
        }
        return $this->page('product', $name, ['p' => $p, 'back' => $this->backLink(), 'viewer' => $viewer, 'offers' => $offers,
            'prices' => $this->priceHistory($id),
            'snapshot' => ProductFacts::snapshot($p, '/' . $this->t->locale . '/product/' . rawurlencode($id))], 'search');
    }

    /**
     * priceHistory is the product's price points (newest first): optional,
     * the page stands without them.
     *
     * @return list<array<string, mixed>>
     */
    private function priceHistory(string $id): array
    {
        try {
            $h = $this->api->getJson('/v1/products/' . rawurlencode($id) . '/prices');
        } catch (ApiError $e) {
            return [];
        }
        return is_array($h['prices'] ?? null) ? array_values(array_filter($h['prices'], 'is_array')) : [];
    }

    /**
     * buyerList is the buyer's list: kept in the browser (no account), so
     * the page is a frame the script fills; without the script it says so.
     */
    public function buyerList(): Response
    {
        return $this->page('list', $this->t->t('list.title'), [], 'list');
    }

    /**
     * lookup finds products by exact SKU, GTIN or supplier reference for
     * the list's quick add: {"items":[{"code","product"|null}]}, at most
     * MAX_LOOKUP codes per call.
     */
    public function lookup(): Response
    {
        $items = [];
        foreach (array_slice(array_values(array_unique($this->req->all('code'))), 0, self::MAX_LOOKUP) as $code) {
            $code = trim($code);
            if ($code === '' || strlen($code) > 100) {
                continue;
            }
            $found = null;
            try {
                $res = $this->api->getJson('/v1/search', ['q' => $code, 'size' => 10, 'facets' => 'brand']);
                $hits = is_array($res['hits'] ?? null) ? $res['hits'] : [];
                $id = ProductFacts::exactProduct($hits, $code);
                foreach ($hits as $hit) {
                    if (is_array($hit['product'] ?? null) && ($hit['product']['id'] ?? null) === $id && $id !== '') {
                        $found = ProductFacts::snapshot($hit['product'], '/' . $this->t->locale . '/product/' . rawurlencode($id));
                    }
                }
            } catch (ApiError $e) {
                if ($e->status !== 400) {
                    throw $e;
                }
            }
            $items[] = ['code' => $code, 'product' => $found];
        }
        return Response::json(['items' => $items]);
    }

    /** compare shows up to four products side by side (?id=...&id=...). */
    public function compare(): Response
    {
        $products = [];
        foreach (array_slice(array_values(array_unique($this->req->all('id'))), 0, self::MAX_COMPARE) as $id) {
            try {
                $products[] = $this->api->getJson('/v1/products/' . rawurlencode($id));
            } catch (ApiError $e) {
                if (!$e->isNotFound()) {
                    throw $e;
                }
            }
        }
        return $this->page('compare', $this->t->t('compare.title'), ['products' => $products], 'list');
    }

    /**
     * asPartner runs a partner page with an API client that sends the
     * signed-in partner's key and session generation. Without a key it shows
     * the sign-in form, which brings the partner back to this page; when the
     * API refuses them (the session was signed out, or the key revoked) it
     * signs the partner out and says which. Another partner's
     * catalog is not found, as for an unknown ID: the API answers 404 for
     * both, so that nobody learns which catalog IDs exist.
     *
     * @param callable(ApiClient): Response $page
     */
    private function asPartner(callable $page): Response
    {
        if (!$this->session->configured()) {
            return $this->signInNotConfigured();
        }
        $key = $this->session->key();
        if ($key === null) {
            return $this->signInPage('', 200, $this->returnPath());
        }
        try {
            return $page($this->api->withKey($key, $this->session->generation()));
        } catch (ApiError $e) {
            if ($e->status === 401) {
                $ended = $this->keyStillValid($key);
                $this->logger->info($ended ? 'partner session ended' : 'partner key refused', ['partner' => $this->session->partner(), 'code' => $e->errorCode]);
                $this->session->signOut();
                return $this->signInPage($ended ? 'signin.error.ended' : 'signin.error.revoked', 403, $this->returnPath());
            }
            throw $e;
        }
    }

    /**
     * keyStillValid tells, after the API refused a session (401), whether
     * the key itself is still accepted: then the session was signed out
     * (here or in another browser), else the key was revoked.
     */
    private function keyStillValid(string $key): bool
    {
        try {
            $this->api->withKey($key)->getJson('/v1/session');
            return true;
        } catch (ApiError) {
            return false;
        }
    }

    /**
     * signInNotConfigured is the partner area when the site has no sealing
     * secret (CATALOG_SITE_SECRET): a page that says so, logged once per
     * server process. There is no built-in secret to fall back to.
     */
    private function signInNotConfigured(): Response
    {
        $this->logger->errorOnce('site-secret-missing', 'partner sign-in is not configured: CATALOG_SITE_SECRET is not set');
        $res = $this->error(503, 'signin.not_configured');
        $res->headers['Retry-After'] = '300';
        return $res;
    }

    /** signInPage is the partner area's sign-in form; $next is where signing in leads. */
    private function signInPage(string $message = '', int $status = 200, string $next = ''): Response
    {
        $res = $this->page('partner_signin', $this->t->t('signin.title'), [
            'message' => $message,
            'csrf' => $this->security->csrfToken(),
            'next' => $next,
        ], 'partner');
        $res->status = $status;
        return $res;
    }

    /**
     * returnPath is where signing in should bring the partner back to: this
     * page for a GET (path and query), else nothing (the partner area).
     */
    private function returnPath(): string
    {
        if ($this->req->method !== 'GET' || rtrim($this->req->path, '/') === '/' . $this->t->locale . '/partner') {
            return '';
        }
        $next = $this->req->path . SearchState::queryString($this->req->query);
        return self::safeNext($next) ?? '';
    }

    /**
     * safeNext returns $next when it is a same-site relative path (one "/"
     * then a path, no scheme, host, backslash or control character), else
     * null: "//evil.example", "https://evil.example" and "/\evil" would send
     * the partner to another site (an open redirect).
     */
    public static function safeNext(string $next): ?string
    {
        if ($next === '' || strlen($next) > 2048 || $next[0] !== '/') {
            return null;
        }
        if (isset($next[1]) && ($next[1] === '/' || $next[1] === '\\')) {
            return null;
        }
        // Browsers read a backslash as a slash and drop tabs and newlines.
        if (strpbrk($next, '\\') !== false || preg_match('/[\x00-\x20\x7f]/', $next) === 1) {
            return null;
        }
        $parts = parse_url($next);
        if ($parts === false || isset($parts['scheme']) || isset($parts['host']) || !isset($parts['path'])) {
            return null;
        }
        return $next;
    }

    /**
     * signIn checks the posted API key with the API (GET /v1/session names
     * the key's partner and the generation of its site sessions), seals them
     * in the session cookie and goes back to the page the partner asked for
     * (the form's "next", a same-site path), else to the partner area.
     */
    public function signIn(): Response
    {
        if (!$this->session->configured()) {
            return $this->signInNotConfigured();
        }
        $next = self::safeNext((string) ($this->req->post['next'] ?? '')) ?? '';
        if (!$this->security->csrfValid()) {
            return $this->signInPage('upload.error.csrf', 403, $next);
        }
        $key = trim($this->req->post['api_key'] ?? '');
        if ($key === '') {
            return $this->signInPage('signin.error.empty', 400, $next);
        }
        try {
            $data = $this->api->withKey($key)->getJson('/v1/session');
        } catch (ApiError $e) {
            if ($e->status === 401 || $e->status === 403) {
                $this->logger->info('partner sign-in refused', ['code' => $e->errorCode]);
                return $this->signInPage('signin.error.invalid', 403, $next);
            }
            throw $e;
        }
        $partner = is_string($data['partner'] ?? null) ? $data['partner'] : '';
        $generation = $data['generation'] ?? null;
        if (preg_match(self::PARTNER_RE, $partner) !== 1 || !is_int($generation) || $generation < 0) {
            throw new ApiError('internal', 200, 'GET /v1/session: answer names no partner and generation', '/v1/session');
        }
        $this->session->signIn($key, $partner, $generation);
        $this->logger->info('partner signed in', ['partner' => $partner]);
        return Response::redirect($next !== '' ? $next : '/' . $this->t->locale . '/partner');
    }

    /**
     * signOut ends the session at the API (POST /v1/session/end moves the
     * key's session generation, so every copy of the cookie is refused from
     * now on), then clears the cookie. A session the API says has ended
     * already (401) is just cleared; when the API cannot be reached the
     * cookie is kept and the error page asks to try again, so no session
     * is left alive while the partner believes it ended.
     */
    public function signOut(): Response
    {
        if (!$this->security->csrfValid()) {
            return $this->error(403, 'error.csrf');
        }
        $key = $this->session->configured() ? $this->session->key() : null;
        $generation = $this->session->generation();
        if ($key !== null && $generation !== null) {
            try {
                $this->api->withKey($key, $generation)->postJson('/v1/session/end', null);
                $this->logger->info('partner signed out', ['partner' => $this->session->partner()]);
            } catch (ApiError $e) {
                if ($e->status !== 401) {
                    throw $e;
                }
            }
        }
        $this->session->signOut();
        return $this->signInPage('signin.signed_out');
    }

    /** partner is the partner area: the upload form and the signed-in partner's catalogs. */
    public function partner(ApiClient $api, string $message = '', int $status = 200): Response
    {
        $data = $api->getJson('/v1/catalogs', ['limit' => 50]);
        $catalogs = array_values(array_filter(
            is_array($data['catalogs'] ?? null) ? $data['catalogs'] : [],
            'is_array',
        ));
        $res = $this->page('partner', $this->t->t('partner.title'), [
            'partner' => is_string($data['partner'] ?? null) ? $data['partner'] : $this->session->partner(),
            'catalogs' => $catalogs,
            'message' => $message,
            'csrf' => $this->security->csrfToken(),
            'maxUpload' => $this->config->uploadLimit(),
        ], 'partner');
        $res->status = $status;
        return $res;
    }

    /**
     * settings is the partner's settings page: the display name buyers see
     * instead of the partner id, and what a price of 0 means in the
     * partner's files (GET /v1/partner/settings).
     */
    public function settings(ApiClient $api, string $error = '', ?string $typed = null, int $status = 200): Response
    {
        $data = $api->getJson('/v1/partner/settings');
        $res = $this->page('partner_settings', $this->t->t('settings.title'), [
            'partner' => is_string($data['partner'] ?? null) ? $data['partner'] : $this->session->partner(),
            'displayName' => $typed ?? (is_string($data['display_name'] ?? null) ? $data['display_name'] : ''),
            'zeroPrice' => ($data['zero_price'] ?? null) === 'free' ? 'free' : 'on_request',
            'saved' => $this->req->first('saved') === '1' && $error === '',
            'error' => $error,
            'csrf' => $this->security->csrfToken(),
        ], 'partner');
        $res->status = $status;
        return $res;
    }

    /**
     * saveSettings stores the display name and zero price setting the form posted (PUT
     * /v1/partner/settings, which checks it) and comes back to the settings
     * page; a name the API refuses is shown again with the reason (422).
     */
    public function saveSettings(ApiClient $api): Response
    {
        if (!$this->security->csrfValid()) {
            return $this->error(403, 'error.csrf');
        }
        $name = $this->req->post['display_name'] ?? '';
        $name = is_string($name) ? $name : '';
        $body = ['display_name' => $name];
        $zero = $this->req->post['zero_price'] ?? null;
        if ($zero === 'on_request' || $zero === 'free') {
            $body['zero_price'] = $zero;
        }
        try {
            $api->putJson('/v1/partner/settings', $body);
        } catch (ApiError $e) {
            if ($e->status === 400) {
                return $this->settings($api, 'settings.error.invalid', $name, 422);
            }
            throw $e;
        }
        return Response::redirect('/' . $this->t->locale . '/partner/settings?saved=1');
    }

    /**
     * upload hands the browser an upload slot: the script posts the chosen
     * file's name, size and mode (JSON answer), the site asks the API for a
     * slot (POST /v1/catalogs with the partner's key) and returns where to
     * send the file and the new catalog's status page. The file itself goes
     * from the browser straight to the upload URL (S3's presigned POST on
     * AWS, the API's upload route locally), never through this site: a
     * Lambda request is capped at 6 MB. Without the script the form posts
     * only the file's name, and the answer says that uploading needs
     * JavaScript.
     */
    public function upload(ApiClient $api): Response
    {
        $json = str_contains($this->req->header('accept'), 'application/json');
        $fail = fn (string $key, int $status): Response => $json
            ? Response::json(['error' => ['code' => $key, 'message' => $this->t->t($key)]], $status)
            : $this->partner($api, $key, $status);
        if (!$this->security->csrfValid()) {
            return $fail('upload.error.csrf', 403);
        }
        if (!$json) {
            return $fail('upload.error.needs_js', 400);
        }
        $mode = $this->req->post['mode'] ?? 'partial';
        if (!in_array($mode, self::UPLOAD_MODES, true)) {
            return $fail('upload.error.mode', 400);
        }
        $rawName = trim($this->req->post['name'] ?? '');
        if ($rawName === '') {
            return $fail('upload.error.no_file', 400);
        }
        $size = $this->req->post['size'] ?? '';
        if (!ctype_digit($size)) {
            return $fail('upload.error.no_file', 400);
        }
        if ((int) $size > $this->config->uploadLimit()) {
            return $fail('upload.error.too_large', 413);
        }
        if ((int) $size === 0) {
            return $fail('upload.error.empty', 400);
        }
        $name = self::safeFileName($rawName);
        try {
            // No partner in the body: the slot is the key's partner's.
            $ticket = $api->postJson('/v1/catalogs', ['file' => $name, 'mode' => $mode]);
        } catch (ApiError $e) {
            if ($e->isMissingEndpoint()) {
                return $fail('upload.error.unavailable', 503);
            }
            if ($e->status >= 400 && $e->status < 500 && $e->status !== 401 && $e->status !== 403) {
                $this->logger->info('upload refused', ['code' => $e->errorCode, 'error' => $e->getMessage()]);
                return $fail($e->status === 413 ? 'upload.error.too_large' : 'upload.error.refused', $e->status);
            }
            throw $e;
        }
        $catalogId = is_string($ticket['catalog_id'] ?? null) ? $ticket['catalog_id'] : '';
        $upload = is_array($ticket['upload'] ?? null) ? $ticket['upload'] : [];
        $url = is_string($upload['url'] ?? null) ? $upload['url'] : '';
        $method = strtoupper(is_string($upload['method'] ?? null) ? $upload['method'] : 'PUT');
        $usable = preg_match(self::CATALOG_ID_RE, $catalogId) === 1 && $url !== ''
            && in_array($method, ['POST', 'PUT'], true);
        if (!$usable) {
            $msg = 'POST /v1/catalogs: answer lacks catalog_id or upload url/method';
            throw new ApiError('internal', 200, $msg, '/v1/catalogs');
        }
        $maxBytes = (int) ($upload['max_bytes'] ?? 0);
        if ($maxBytes > 0 && (int) $size > $maxBytes) {
            return $fail('upload.error.too_large', 413);
        }
        $fields = [];
        foreach (is_array($upload['fields'] ?? null) ? $upload['fields'] : [] as $k => $v) {
            if (is_string($v)) {
                $fields[(string) $k] = $v;
            }
        }
        $this->logger->info('upload slot', ['catalog_id' => $catalogId, 'partner' => $this->session->partner(), 'size' => (int) $size]);
        // A path on the API (no public URL configured) is made absolute with
        // the API's base URL; the partner's key never goes with the file.
        return Response::json([
            'catalog_id' => $catalogId,
            'status_url' => '/' . $this->t->locale . '/partner/catalogs/' . rawurlencode($catalogId),
            'upload' => [
                'method' => $method,
                'url' => $api->resolve($url),
                'fields' => (object) $fields,
                'content_type' => self::contentType($name),
                'max_bytes' => $maxBytes,
            ],
        ], 201);
    }

    /** catalog is one catalog's status and report; the script polls its partial while it is in progress. */
    public function catalog(ApiClient $api, string $id): Response
    {
        $c = $this->getCatalog($api, $id);
        if ($c === null) {
            return $this->error(404, 'error.catalog_not_found');
        }
        $vars = ['c' => $c, 'csrf' => $this->security->csrfToken(), 'message' => $this->req->first('msg'),
            'removals' => ($c['status'] ?? '') === 'needs_confirmation' ? $this->removalPreview($api, $id) : null];
        if ($this->req->header(self::PARTIAL_HEADER) === 'catalog') {
            $res = new Response(200, $this->view->render('catalog_status', $vars));
            $res->headers['Vary'] = 'X-Partial';
            return $res;
        }
        $file = is_string($c['file'] ?? null) ? $c['file'] : $id;
        $vars['changes'] = in_array($c['status'] ?? '', ['done', 'needs_confirmation'], true) ? $this->changes($api, $id) : null;
        $res = $this->page('catalog', $this->t->t('catalog.title', ['file' => $file]), $vars, 'partner');
        $res->headers['Vary'] = 'X-Partial';
        return $res;
    }

    /**
     * changes reads one page of what the upload changed, from the after
     * query parameter on; null when the API does not list them.
     *
     * @return array{changes: list<array<string, mixed>>, next: string, after: string}|null
     */
    private function changes(ApiClient $api, string $id): ?array
    {
        $after = $this->req->first('after');
        $query = ['limit' => (string) self::CHANGES_PAGE];
        if ($after !== '') {
            $query['after'] = $after;
        }
        try {
            $page = $api->getJson('/v1/catalogs/' . rawurlencode($id) . '/changes', $query);
        } catch (ApiError $e) {
            if ($e->isMissingEndpoint() || $e->isNotFound() || $e->status === 400) {
                return null;
            }
            throw $e;
        }
        return [
            'changes' => is_array($page['changes'] ?? null) ? array_values(array_filter($page['changes'], 'is_array')) : [],
            'next' => is_string($page['next'] ?? null) ? $page['next'] : '',
            'after' => $after,
        ];
    }

    /**
     * confirm lets a person release a full catalog held for confirmation:
     * as sent (its missing products are removed), or with mode=partial as a
     * partial update that removes nothing.
     */
    public function confirm(ApiClient $api, string $id): Response
    {
        $back = '/' . $this->t->locale . '/partner/catalogs/' . rawurlencode($id);
        if (!$this->security->csrfValid()) {
            return $this->error(403, 'error.csrf');
        }
        $partial = ($this->req->post['mode'] ?? '') === 'partial';
        try {
            $api->postJson('/v1/catalogs/' . rawurlencode($id) . '/confirm' . ($partial ? '?mode=partial' : ''), []);
        } catch (ApiError $e) {
            if ($e->isMissingEndpoint() || $e->status === 409) {
                return Response::redirect($back . '?msg=confirm_failed');
            }
            throw $e;
        }
        return Response::redirect($back);
    }

    /**
     * rejected sends the browser to a catalog's rejected rows: the API
     * answers with a redirect to a short-lived URL of the file (a presigned
     * S3 GET on AWS), which the browser follows, so the file never passes
     * through this site.
     */
    public function rejected(ApiClient $api, string $id): Response
    {
        try {
            $location = $api->getRedirect('/v1/catalogs/' . rawurlencode($id) . '/rejected.csv');
        } catch (ApiError $e) {
            if ($e->isMissingEndpoint()) {
                return $this->error(404, 'error.rejected_not_found');
            }
            throw $e;
        }
        $res = Response::redirect($location);
        $res->headers['Cache-Control'] = 'no-store';
        return $res;
    }

    /**
     * removalPreview reads the products a held catalog would remove:
     * ['total' => n, 'rows' => the first PREVIEW_ROWS as [id, sku, gtin,
     * name]], or null when the API does not list them.
     *
     * @return array{total: int, rows: list<list<string>>}|null
     */
    private function removalPreview(ApiClient $api, string $id): ?array
    {
        try {
            $file = $api->getRaw('/v1/catalogs/' . rawurlencode($id) . '/removals.csv');
        } catch (ApiError $e) {
            if ($e->isMissingEndpoint() || $e->isNotFound()) {
                return null;
            }
            throw $e;
        }
        $csv = fopen('php://memory', 'r+');
        if ($csv === false) {
            return null;
        }
        fwrite($csv, (string) $file['body']);
        rewind($csv);
        $rows = [];
        $total = -1; // the header line
        while (($row = fgetcsv($csv, null, ',', '"', '')) !== false) {
            if ($row === [null]) {
                continue;
            }
            $total++;
            if ($total >= 1 && count($rows) < self::PREVIEW_ROWS) {
                $rows[] = array_map('strval', array_pad($row, 4, ''));
            }
        }
        fclose($csv);
        return ['total' => max(0, $total), 'rows' => $rows];
    }

    /** removals downloads the products a held catalog would remove (CSV). */
    public function removals(ApiClient $api, string $id): Response
    {
        return $this->reportCsv($api, $id, 'removals', 'error.catalog_not_found');
    }

    /** toFix downloads a catalog's products that fail a quality rule, as CSV. */
    public function toFix(ApiClient $api, string $id): Response
    {
        return $this->reportCsv($api, $id, 'to-fix', 'error.tofix_not_found');
    }

    /**
     * reportCsv passes the API's CSV report $report of catalog $id on as the
     * download "$report-$id.csv"; a report the API does not have is the 404
     * page with the message $missingKey.
     */
    private function reportCsv(ApiClient $api, string $id, string $report, string $missingKey): Response
    {
        try {
            $file = $api->getRaw('/v1/catalogs/' . rawurlencode($id) . '/' . $report . '.csv');
        } catch (ApiError $e) {
            if ($e->isMissingEndpoint()) {
                return $this->error(404, $missingKey);
            }
            throw $e;
        }
        $name = $report . '-' . preg_replace('/[^A-Za-z0-9_.-]+/', '_', $id) . '.csv';
        $res = new Response(200, $file['body'], 'text/csv; charset=utf-8');
        $res->headers['Content-Disposition'] = 'attachment; filename="' . $name . '"';
        return $res;
    }

    /** error renders the friendly error page with a status and a message key. */
    public function error(int $status, string $key): Response
    {
        return new Response($status, self::renderError($this->view, $key, $this->req));
    }

    /** renderError renders the error page; it calls no API, so it works when the API is down. */
    public static function renderError(View $view, string $key, Request $req): string
    {
        $body = $view->render('error', ['key' => $key]);
        return $view->render('layout', [
            'title' => $view->t->t($key . '.title'),
            'body' => $body,
            'section' => '',
            'switchPath' => self::switchPath($req),
            'q' => '',
        ]);
    }

    /**
     * page renders a template inside the layout.
     *
     * @param array<string, mixed> $vars
     */
    private function page(string $template, string $title, array $vars, string $section): Response
    {
        $body = $this->view->render($template, $vars);
        $state = $vars['state'] ?? null;
        return new Response(200, $this->view->render('layout', [
            'title' => $title,
            'body' => $body,
            'section' => $section,
            'switchPath' => self::switchPath($this->req),
            'q' => $state instanceof SearchState ? $state->q : '',
        ]));
    }

    /** @return array<string, mixed>|null */
    private function getCatalog(ApiClient $api, string $id): ?array
    {
        try {
            return $api->getJson('/v1/catalogs/' . rawurlencode($id));
        } catch (ApiError $e) {
            if ($e->isNotFound()) {
                return null;
            }
            throw $e;
        }
    }

    /** backLink is the same-origin search page the visitor came from, or the search home. */
    private function backLink(): string
    {
        $ref = $this->req->header('referer');
        $path = (string) parse_url($ref, PHP_URL_PATH);
        $query = (string) parse_url($ref, PHP_URL_QUERY);
        if ($path === '/' . $this->t->locale . '/' || $path === '/' . $this->t->locale) {
            return '/' . $this->t->locale . '/' . ($query === '' ? '' : '?' . $query);
        }
        return '/' . $this->t->locale . '/';
    }

    /** switchPath is this request's path and query without the locale, for the language switch. */
    public static function switchPath(Request $req): string
    {
        $segments = array_values(array_filter(explode('/', $req->path), static fn (string $s): bool => $s !== ''));
        if (in_array($segments[0] ?? '', I18n::LOCALES, true)) {
            array_shift($segments);
        }
        $query = $req->method === 'GET' ? SearchState::queryString($req->query) : '';
        if ($req->method !== 'GET') {
            $segments = array_slice($segments, 0, 1);
        }
        return '/' . implode('/', $segments) . $query;
    }

    private static function safeFileName(string $name): string
    {
        $name = basename(str_replace('\\', '/', $name));
        $name = (string) preg_replace('/[^\p{L}\p{N}._ -]+/u', '_', $name);
        $name = trim($name, ' .');
        return $name === '' ? 'catalog' : substr($name, 0, 200);
    }

    private static function contentType(string $name): string
    {
        return match (strtolower(pathinfo($name, PATHINFO_EXTENSION))) {
            'csv' => 'text/csv',
            'xlsx' => 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
            'json' => 'application/json',
            'ndjson', 'jsonl' => 'application/x-ndjson',
            default => 'application/octet-stream',
        };
    }

    /**
     * click counts a click on a search result (POST /v1/search/clicks: the
     * search's text and the result's position, nothing about who clicked)
     * and goes on to the result: the results page links each result here,
     * so the count needs no JavaScript. A failed count never stops the
     * buyer; "to" must be a same-site path (no open redirect).
     */
    public function click(): Response
    {
        $to = self::safeNext($this->req->first('to')) ?? '/' . $this->t->locale . '/';
        $q = $this->req->first('q');
        $pos = filter_var($this->req->first('pos'), FILTER_VALIDATE_INT, ['options' => ['min_range' => 1, 'max_range' => 100]]);
        if (trim($q) !== '' && is_int($pos)) {
            try {
                $this->api->postJson('/v1/search/clicks', ['q' => $q, 'position' => $pos]);
            } catch (ApiError $e) {
                $this->logger->info('click not counted', ['code' => $e->errorCode]);
            }
        }
        $res = Response::redirect($to);
        $res->status = 303;
        $res->headers['Cache-Control'] = 'no-store';
        $res->headers['Referrer-Policy'] = 'no-referrer';
        return $res;
    }

    /**
     * insights is the operator's page: the catalogs (products per partner
     * and category, prices, shared offers, grades, freshness) and the
     * searches of a period (top queries, zero results, click-through), each
     * chart drawn as SVG with its numbers as a table. Without an operator
     * session it shows the operator's sign-in form.
     */
    public function insights(): Response
    {
        if ($this->operator === null || !$this->operator->configured()) {
            return $this->signInNotConfigured();
        }
        $key = $this->operator->key();
        if ($key === null) {
            return $this->operatorSignInPage();
        }
        $period = [];
        foreach (['from', 'to'] as $f) {
            $val = $this->req->first($f);
            if (preg_match('/^\d{4}-\d{2}-\d{2}$/', $val) === 1) {
                $period[$f] = $val;
            }
        }
        $api = $this->api->withKey($key);
        $views = [];
        try {
            foreach (['catalog', 'freshness', 'searches'] as $view) {
                try {
                    $data = $api->getJson('/v1/insights/' . $view, $period + ['size' => 10]);
                    if ($view === 'searches') {
                        // queries, zero-results and clicks, read in one go.
                        $views += is_array($data['searches'] ?? null) ? $data['searches'] : [];
                        continue;
                    }
                    $views[$view] = $data[$view] ?? null;
                    $views['period'] = ['from' => $data['from'] ?? '', 'to' => $data['to'] ?? ''];
                } catch (ApiError $e) {
                    if ($e->errorCode !== 'unavailable') {
                        throw $e;
                    }
                    $views[$view] = null; // not kept on this home (searches: no queries view below)
                }
            }
        } catch (ApiError $e) {
            if ($e->status === 401 || $e->status === 403) {
                $this->operator->signOut();
                return $this->operatorSignInPage('insights.error.refused', 403);
            }
            throw $e;
        }
        $res = $this->page('insights', $this->t->t('insights.title'), [
            'views' => $views,
            'period' => $period,
            'csrf' => $this->security->csrfToken(),
        ], 'insights');
        $res->headers['Cache-Control'] = 'no-store';
        return $res;
    }

    /** operatorSignInPage is the insights page's sign-in form (the operator key). */
    private function operatorSignInPage(string $message = '', int $status = 200): Response
    {
        $res = $this->page('insights_signin', $this->t->t('insights.title'), [
            'message' => $message,
            'csrf' => $this->security->csrfToken(),
        ], 'insights');
        $res->status = $status;
        return $res;
    }

    /**
     * operatorSignIn checks the posted operator key with the API (an
     * insights view answers it; a partner's key is refused there) and
     * seals it in the operator's own cookie.
     */
    public function operatorSignIn(): Response
    {
        if ($this->operator === null || !$this->operator->configured()) {
            return $this->signInNotConfigured();
        }
        if (!$this->security->csrfValid()) {
            return $this->operatorSignInPage('upload.error.csrf', 403);
        }
        $key = trim($this->req->post['operator_key'] ?? '');
        if ($key === '') {
            return $this->operatorSignInPage('insights.error.empty', 400);
        }
        try {
            $this->api->withKey($key)->getJson('/v1/insights/freshness', ['size' => 1]);
        } catch (ApiError $e) {
            if ($e->status === 401 || $e->status === 403) {
                $this->logger->info('operator sign-in refused', ['code' => $e->errorCode]);
                return $this->operatorSignInPage('insights.error.invalid', 403);
            }
            throw $e;
        }
        $this->operator->signIn($key, 'operator', 0);
        $this->logger->info('operator signed in', []);
        return Response::redirect('/' . $this->t->locale . '/insights');
    }

    /** operatorSignOut forgets the operator key (clears its cookie). */
    public function operatorSignOut(): Response
    {
        if (!$this->security->csrfValid()) {
            return $this->error(403, 'error.csrf');
        }
        $this->operator?->signOut();
        return Response::redirect('/' . $this->t->locale . '/insights');
    }
}
