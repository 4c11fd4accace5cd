// End-to-end tests of the PHP site in headless Chromium (Debian's build,
// driven by playwright-core) against the real local stack:
// `catalogctl serve --demo` with the demo catalogs, plus one partner
// catalog of hostile product text ingested with `catalogctl ingest`.
// Every page visited is checked with axe-core (no serious or critical
// violation) and for Content-Security-Policy violations.
import { after, before, describe, test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Stack, browserContext, freePort, pickWord as pickWordOf, repoRoot, signIn } from '../lib/stack.mjs';
import { seriousViolations } from '../lib/axe.mjs';

// Every test is bounded: a hung page fails its test instead of the run.
const test = (name, fn) => nodeTest(name, { timeout: 120_000 }, fn);

const XSS_NAME = '"><script>alert(1)</script> xsslabword';
const XSS_ATTR = "' onmouseover=alert(1) x='";
const XSS_CSV = [
  'sku,name,brand,description,category,price,currency,moq,Color',
  `XSS-1,"""><script>alert(1)</script> xsslabword",${XSS_ATTR},"<img src=x onerror=alert(1)> xsslabword","Lab > <b>Tests</b>",12.50,EUR,5,<i>Green</i>`,
  `XSS-2,${XSS_ATTR} xsslabword,Acme Lab,"<svg onload=alert(1)>",Lab,3.20,EUR,1,Red`,
  'XSS-3,rejected row xsslabword,Acme Lab,no price here,Lab,not-a-price,EUR,1,Red',
].join('\n') + '\n';

let stack;
let ctx;
const keys = {}; // partner -> API key, from catalogctl partner-key
const contexts = [];
const cspErrors = [];
const dialogs = [];
const axeResults = [];

async function newPage(context = ctx) {
  const page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) { cspErrors.push(msg.text()); }
  });
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  return page;
}

async function axeCheck(page, label) {
  const v = await seriousViolations(page);
  axeResults.push({ label, v });
  assert.deepEqual(v, [], `axe on ${label}: ${JSON.stringify(v, null, 1)}`);
}

function url(path) { return stack.base + path; }

/** suggestionsFor waits until the open suggestion box is the one answered for q. */
async function suggestionsFor(page, q) {
  await page.waitForFunction((want) => {
    const box = document.getElementById('q-suggestions');
    return !box.hidden && box.getAttribute('data-query') === want && box.querySelector('[role="option"]') !== null;
  }, q);
}

/** partnerContext is a new browser context signed in as partner (one session per partner). */
async function partnerContext(partner) {
  const c = await browserContext();
  contexts.push(c);
  assert.equal(await signIn(c, stack.base, keys[partner]), partner, 'the partner shown is the key\'s');
  return c;
}

/** keyed is a fetch init that sends partner's API key. */
function keyed(partner) { return { headers: { 'X-Api-Key': keys[partner] } }; }

const pickWord = () => pickWordOf(stack);

before(async () => {
  stack = await Stack.create();
  await stack.start({ demo: true });
  await stack.stop();
  await stack.ingest('xss-lab', 'xss-lab.csv', XSS_CSV);
  await stack.start({ demo: false });
  for (const p of ['xss-lab', 'e2e-upload', 'e2e-hold', 'e2e-big']) { keys[p] = await stack.partnerKey(p); }
  ctx = await browserContext();
}, { timeout: 300_000 });

after(async () => {
  for (const c of contexts) { await c.close(); }
  if (ctx) { await ctx.close(); }
  if (stack) { await stack.destroy(); }
});

describe('search page', () => {
  test('finds a demo product by a word of its name, without a reload', async () => {
    const { word, total } = await pickWord();
    const page = await newPage();
    await page.goto(url('/en/'));
    await page.evaluate(() => { window.__samePage = true; });
    await page.fill('#q', word);
    await page.waitForURL((u) => u.searchParams.get('q') === word);
    await page.waitForFunction((w) => document.querySelector('#results-title').textContent.includes(w), word);
    assert.equal(await page.evaluate(() => window.__samePage), true, 'results came without a page load');
    const summary = await page.textContent('.summary');
    assert.equal(summary.trim(), `${total.toLocaleString('en-US')} product${total === 1 ? '' : 's'}`);
    const marks = await page.$$eval('.card mark', (els) => els.map((e) => e.textContent.toLowerCase()));
    assert.ok(marks.length > 0, 'highlights are shown');
    await axeCheck(page, 'search results (en)');
    await page.close();
  });

  test('suggestions appear as you type and the keyboard picks one', async () => {
    const { word } = await pickWord();
    const prefix = word.slice(0, 4);
    const api = await stack.api(`/v1/suggest?q=${encodeURIComponent(prefix)}&size=8`);
    const page = await newPage();
    await page.goto(url('/en/'));
    await page.click('#q');
    await page.keyboard.type(prefix, { delay: 30 });
    assert.equal(api.status, 200, `GET /v1/suggest answered ${api.status}`);
    assert.ok(api.json.suggestions.length > 0, `no suggestion for ${prefix}`);
    // Wait for the box of the whole prefix: on a slow machine a debounce can
    // fire between two keys, and the box of a shorter prefix shows first.
    await suggestionsFor(page, prefix);
    assert.equal(await page.getAttribute('#q', 'aria-expanded'), 'true');
    const shown = await page.$$eval('#q-suggestions [role="option"]', (els) => els.map((e) => e.firstChild.textContent));
    assert.deepEqual(shown, api.json.suggestions.map((x) => x.text), 'the box lists the API suggestions in order');
    await page.keyboard.press('ArrowDown');
    const activeId = await page.getAttribute('#q', 'aria-activedescendant');
    assert.equal(activeId, 'q-opt-0', 'the active option is announced');
    await page.keyboard.press('Enter');
    const kind = api.json.suggestions[0].kind;
    if (kind === 'brand' || kind === 'category') {
      // A brand or category suggestion filters a new search by it.
      await page.waitForURL((u) => u.searchParams.get(kind) === shown[0] && !u.searchParams.get('q'));
      await page.waitForFunction((v) => [...document.querySelectorAll('.facet input:checked')].some((i) => i.value === v), shown[0]);
    } else {
      await page.waitForURL((u) => u.searchParams.get('q') === shown[0]);
      await page.waitForFunction((w) => document.querySelector('#results-title').textContent.includes(w), shown[0]);
    }
    assert.equal(await page.isHidden('#q-suggestions'), true, 'the box closes on a choice');
    await axeCheck(page, 'search after a suggestion');

    // A brand suggestion, chosen with the keyboard, filters by that brand.
    const all = await stack.api('/v1/search?q=&size=1&facets=brand');
    const brand = all.json.facets.brand[0].value;
    const bprefix = brand.slice(0, 4);
    const bapi = await stack.api(`/v1/suggest?q=${encodeURIComponent(bprefix)}&size=8`);
    const index = bapi.json.suggestions.findIndex((x) => x.kind === 'brand' && x.text === brand);
    assert.ok(index >= 0, `the API suggests the brand ${brand} for ${bprefix}`);
    await page.goto(url('/en/'));
    await page.click('#q');
    await page.keyboard.type(bprefix, { delay: 30 });
    await suggestionsFor(page, bprefix);
    await page.waitForSelector(`#q-opt-${index}`);
    for (let i = 0; i <= index; i++) { await page.keyboard.press('ArrowDown'); }
    assert.equal(await page.getAttribute('#q', 'aria-activedescendant'), `q-opt-${index}`);
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.searchParams.get('brand') === brand && !u.searchParams.get('q'));
    await page.waitForFunction((b) => [...document.querySelectorAll('.card .brand')].length > 0
      && [...document.querySelectorAll('.card .brand')].every((e) => e.textContent.trim() === b), brand);
    await page.close();
  });

  test('a late answer for an earlier keystroke never replaces the suggestions of what is typed', async () => {
    // A slow network, made here: every suggestion request is held until the
    // test lets it through, and the page's timers only move when the test
    // moves them, so the answer for a shorter prefix lands after the buyer
    // has typed on, before the request for the longer text is even sent.
    const { word } = await pickWord();
    const texts = async (q) => (await stack.api(`/v1/suggest?q=${encodeURIComponent(q)}&size=8`)).json.suggestions.map((x) => x.text);
    const full = word.slice(0, 4);
    const fullTexts = await texts(full);
    assert.ok(fullTexts.length > 0, `no suggestion for ${full}`);
    let short = '';
    let shortTexts = [];
    for (let n = 1; n < full.length && short === ''; n++) {
      const t = await texts(word.slice(0, n));
      if (t.length > 0 && JSON.stringify(t) !== JSON.stringify(fullTexts)) { short = word.slice(0, n); shortTexts = t; }
    }
    assert.notEqual(short, '', `a prefix of ${full} with other suggestions than ${full}`);
    const longer = word.slice(0, 5);

    const page = await newPage();
    await page.clock.install();
    const arrivals = new Map();
    const arrival = (q) => {
      if (!arrivals.has(q)) { let r; arrivals.set(q, { p: new Promise((res) => { r = res; }), r }); }
      return arrivals.get(q).p;
    };
    const ended = new Map(); // request -> promise of its end (answered or cancelled by the page)
    await page.route((u) => u.pathname.endsWith('/suggest'), (route) => {
      const req = route.request();
      ended.set(req, new Promise((res) => {
        const onEnd = (r) => { if (r === req) { page.off('requestfinished', onEnd); page.off('requestfailed', onEnd); res(); } };
        page.on('requestfinished', onEnd);
        page.on('requestfailed', onEnd);
      }));
      const q = new URL(req.url()).searchParams.get('q');
      arrival(q);
      arrivals.get(q).r(route);
    });
    const release = async (route) => {
      // The page may have cancelled the request already: nothing to let through then.
      await route.continue().catch(() => {});
      await ended.get(route.request());
    };

    await page.goto(url('/en/'));
    await page.click('#q');
    await page.keyboard.type(short);
    await page.clock.runFor(1000); // the debounce fires: the request for the short prefix leaves
    const shortRoute = await arrival(short);
    await page.keyboard.type(full.slice(short.length)); // the buyer types on
    await release(shortRoute); // the short prefix's answer lands now, late
    // Let the page's event loop turn (tasks, not time: its timers are held)
    // so an answer the page does not drop is on screen before the next step.
    await page.evaluate(() => new Promise((done) => {
      const ch = new MessageChannel();
      let turns = 0;
      ch.port1.onmessage = () => { if (++turns === 20) { ch.port1.close(); done(); } else { ch.port2.postMessage(0); } };
      ch.port2.postMessage(0);
    }));
    await page.clock.runFor(1000); // the debounce of the full text fires
    const fullRoute = await arrival(full);
    const shown = await page.$$eval('#q-suggestions:not([hidden]) [role="option"]', (els) => els.map((e) => e.firstChild.textContent));
    assert.notDeepEqual(shown, shortTexts, `the box shows the suggestions of "${short}" while the input says "${full}"`);

    await release(fullRoute);
    await suggestionsFor(page, full);
    assert.deepEqual(await page.$$eval('#q-suggestions [role="option"]', (els) => els.map((e) => e.firstChild.textContent)), fullTexts);
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.getAttribute('#q', 'aria-activedescendant'), 'q-opt-0');

    // A new box replacing the one being walked with the arrows announces no
    // option that is not selected, and the next ArrowDown starts at its top.
    await page.keyboard.type(longer.slice(full.length));
    await page.clock.runFor(1000);
    await release(await arrival(longer));
    await suggestionsFor(page, longer);
    assert.equal(await page.getAttribute('#q', 'aria-activedescendant'), null, 'no stale active option');
    assert.equal(await page.locator('#q-suggestions [aria-selected="true"]').count(), 0);
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.getAttribute('#q', 'aria-activedescendant'), 'q-opt-0');
    assert.equal(await page.getAttribute('#q-opt-0', 'aria-selected'), 'true');
    await page.close();
  });

  test('a typo shows what the API finds, and zero results get help', async () => {
    const { word } = await pickWord();
    const typo = word.slice(0, 2) + word[3] + word[2] + word.slice(4);
    const api = await stack.api(`/v1/search?q=${encodeURIComponent(typo)}&size=24`);
    const page = await newPage();
    await page.goto(url(`/en/?q=${encodeURIComponent(typo)}`));
    if (api.json.total > 0) {
      const names = await page.$$eval('.card-title', (els) => els.map((e) => e.textContent.trim()));
      assert.deepEqual(names, api.json.hits.map((h) => h.product.name), 'the typo finds the same products as the API');
    } else {
      assert.ok(await page.isVisible('.empty'));
    }
    if (api.json.suggestion) {
      await page.click('.did-you-mean a');
      await page.waitForURL((u) => u.searchParams.get('q') === api.json.suggestion);
    }
    await page.goto(url('/en/?q=qwxzvkjplm'));
    const zero = await stack.api('/v1/search?q=qwxzvkjplm');
    if (zero.json.total === 0) {
      assert.match(await page.textContent('.empty h2'), /No products match “qwxzvkjplm”/);
      assert.equal(await page.$$eval('.tips li', (els) => els.length) >= 2, true);
      if (zero.json.suggestion) {
        assert.equal((await page.textContent('.did-you-mean a')).trim(), zero.json.suggestion);
      }
      await axeCheck(page, 'zero results');
    }
    await page.close();
  });

  test('a facet click filters, and the back button restores the state', async () => {
    const page = await newPage();
    await page.goto(url('/en/'));
    const before = (await page.textContent('.summary')).trim();
    const label = page.locator('fieldset.facet', { hasText: 'Brand' }).locator('li').first();
    const brand = (await label.locator('.facet-value').textContent()).trim();
    const count = (await label.locator('.count').textContent()).trim();
    await label.locator('label').click();
    await page.waitForURL((u) => u.searchParams.getAll('brand').includes(brand));
    await page.waitForFunction((c) => document.querySelector('.summary').textContent.trim().startsWith(c), count);
    const brands = await page.$$eval('.card .brand', (els) => [...new Set(els.map((e) => e.textContent.trim()))]);
    assert.deepEqual(brands, [brand]);
    assert.equal(await page.isChecked(`fieldset.facet input[value="${brand.replace(/"/g, '\\"')}"]`), true);
    const chip = page.locator('.chips a.chip', { hasText: brand });
    assert.equal(await chip.count(), 1, 'the active filter is listed and removable');
    await axeCheck(page, 'search with a facet');
    await page.goBack();
    await page.waitForURL((u) => u.searchParams.getAll('brand').length === 0);
    await page.waitForFunction((b) => document.querySelector('.summary').textContent.trim() === b, before);
    await page.close();
  });

  test('pagination moves through the results and back', async () => {
    const page = await newPage();
    await page.goto(url('/en/'));
    const first = await page.textContent('.card-title');
    await page.click('.pagination a[rel="next"]');
    await page.waitForURL((u) => u.searchParams.get('page') === '2');
    await page.waitForFunction((f) => document.querySelector('.card-title').textContent !== f, first);
    assert.equal((await page.textContent('.pagination a[aria-current="page"]')).trim(), '2');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'results-title', 'focus moves to the results');
    await page.goBack();
    await page.waitForURL((u) => !u.searchParams.has('page'));
    await page.waitForFunction((f) => document.querySelector('.card-title').textContent === f, first);
    await page.close();
  });

  test('a price band narrows the prices', async () => {
    const page = await newPage();
    await page.goto(url('/en/?currency=EUR'));
    const band = page.locator('.price-bands a').first();
    const label = (await band.textContent()).trim();
    const max = Number(/Under ([\d,]+)/.exec(label)[1].replace(/,/g, ''));
    await band.click();
    await page.waitForURL((u) => u.searchParams.get('price_max') === String(max));
    await page.waitForFunction(() => document.querySelector('.price-bands a[aria-current="true"]'));
    const values = await page.$$eval('.card .price', (els) => els.map((e) => Number(e.textContent.trim().slice(1).replace(/,/g, ''))));
    assert.ok(values.length > 0 && values.every((v) => v <= max), `prices ${values} under ${max}`);
    assert.equal(await page.locator('.chips a', { hasText: 'Price' }).count(), 1, 'the range is an active filter');
    await page.close();
  });

  test('sorting by price orders the results', async () => {
    const page = await newPage();
    await page.goto(url('/en/?currency=EUR'));
    await page.selectOption('#sort', 'price_asc');
    await page.waitForURL((u) => u.searchParams.get('sort') === 'price_asc');
    await page.waitForFunction(() => document.querySelector('#sort').value === 'price_asc'
      && !document.querySelector('[aria-busy="true"]'));
    const prices = await page.$$eval('.card .price', (els) => els.map((e) => e.textContent.trim()));
    assert.equal(prices.length, 24);
    const values = prices.map((p) => {
      assert.match(p, /^€[\d,]+\.\d{2}$/, 'a euro price in English format');
      return Number(p.slice(1).replace(/,/g, ''));
    });
    assert.deepEqual(values, [...values].sort((a, b) => a - b), `ascending: ${prices.join(' ')}`);
    const api = await stack.api('/v1/search?q=&currency=EUR&sort=price_asc&size=1');
    assert.equal(values[0], Number(api.json.hits[0].product.price.amount), 'starts at the cheapest product');
    await page.close();
  });
});

describe('product page', () => {
  test('shows every field, the attributes and the source catalog', async () => {
    const page = await newPage();
    await page.goto(url('/en/'));
    const link = page.locator('.card-title a').first();
    const href = await link.getAttribute('href');
    const id = decodeURIComponent(href.split('/product/')[1]);
    const product = (await stack.api(`/v1/products/${encodeURIComponent(id)}`)).json;
    await link.click();
    await page.waitForURL((u) => u.pathname === href);
    assert.equal((await page.textContent('h1')).trim(), product.name);
    const table = await page.textContent('.product-info');
    for (const v of [product.sku, product.gtin, product.brand].filter(Boolean)) {
      assert.ok(table.includes(v), `${v} shown`);
    }
    for (const [k, v] of Object.entries(product.attributes || {})) {
      assert.ok(table.includes(k) && table.includes(v), `attribute ${k}`);
    }
    assert.ok(table.includes(product.source.file), 'source file shown');
    await axeCheck(page, 'product page');
    await page.close();
    // The source catalog is the partner's: buyers see its file name only;
    // the catalog page asks for the sign-in, which brings the partner back
    // there, and the signed-in partner's product page links to it.
    keys[product.partner] ??= await stack.partnerKey(product.partner);
    const c = await browserContext();
    contexts.push(c);
    const owner = await newPage(c);
    await owner.goto(url(href));
    const catalogPath = `/en/partner/catalogs/${encodeURIComponent(product.source.catalog_id)}`;
    assert.equal(await owner.locator(`a[href="${catalogPath}"]`).count(), 0, 'no catalog link for buyers');
    await owner.goto(url(catalogPath));
    await owner.waitForSelector('#api-key');
    await axeCheck(owner, 'partner sign-in');
    await owner.fill('#api-key', keys[product.partner]);
    await Promise.all([owner.waitForNavigation(), owner.click('.signin-form button[type="submit"]')]);
    assert.equal(new URL(owner.url()).pathname, catalogPath, 'back on the catalog asked for, not the partner area');
    await owner.waitForSelector('.catalog-state');
    assert.match(await owner.textContent('.catalog-state'), /Done/);
    await axeCheck(owner, 'catalog report');
    await owner.goto(url(href));
    await owner.click(`a[href="${catalogPath}"]`);
    await owner.waitForURL((u) => u.pathname === catalogPath);
    await owner.close();
  });

  test('an unknown product is a friendly 404', async () => {
    const page = await newPage();
    const res = await page.goto(url('/en/product/nobody%3Anothing'));
    assert.equal(res.status(), 404);
    assert.equal((await page.textContent('h1')).trim(), 'Product not found');
    await axeCheck(page, '404 page');
    await page.close();
  });
});

describe('languages', () => {
  test('the switch keeps the search, and French formats prices', async () => {
    const { word } = await pickWord();
    const page = await newPage();
    await page.goto(url(`/en/?q=${encodeURIComponent(word)}`));
    await page.click('a.lang-switch');
    await page.waitForURL((u) => u.pathname === '/fr/' && u.searchParams.get('q') === word);
    assert.equal(await page.getAttribute('html', 'lang'), 'fr');
    assert.equal((await page.textContent('.search-form button')).trim(), 'Rechercher');
    const price = await page.textContent('.card .price');
    assert.match(price, /^\d{1,3}(\u202f\d{3})*,\d{2}\u00a0(€|\$US|CNY)$/, price);
    await axeCheck(page, 'search results (fr)');
    await page.close();
  });

  test('Accept-Language picks the language of a bare URL', async () => {
    const fr = await browserContext({ locale: 'fr-FR', extraHTTPHeaders: { 'Accept-Language': 'fr-FR,fr;q=0.9' } });
    try {
      const page = await fr.newPage();
      await page.goto(url('/'));
      assert.equal(new URL(page.url()).pathname, '/fr/');
      assert.equal(await page.getAttribute('html', 'lang'), 'fr');
    } finally {
      await fr.close();
    }
  });
});

describe('without JavaScript', () => {
  test('search, facets and pages work with plain forms and links', async () => {
    const { word } = await pickWord();
    const nojs = await browserContext({ javaScriptEnabled: false });
    try {
      const page = await newPage(nojs);
      await page.goto(url('/en/'));
      await page.fill('#q', word);
      await Promise.all([page.waitForNavigation(), page.press('#q', 'Enter')]);
      assert.equal(new URL(page.url()).searchParams.get('q'), word);
      assert.ok((await page.$$('.card')).length > 0);
      const box = page.locator('fieldset.facet', { hasText: 'Brand' }).locator('input[type="checkbox"]').first();
      const brand = await box.getAttribute('value');
      await box.check();
      await Promise.all([page.waitForNavigation(), page.click('.apply-filters')]);
      assert.deepEqual(new URL(page.url()).searchParams.getAll('brand'), [brand]);
      const brands = await page.$$eval('.card .brand', (els) => [...new Set(els.map((e) => e.textContent.trim()))]);
      assert.deepEqual(brands, [brand]);
      await page.goto(url('/en/'));
      await Promise.all([page.waitForNavigation(), page.click('.pagination a[rel="next"]')]);
      assert.equal(new URL(page.url()).searchParams.get('page'), '2');
      // (axe needs JavaScript; these pages were checked with it on above.)
    } finally {
      await nojs.close();
    }
  });
});

describe('hostile product text', () => {
  test('renders as text on the results, product and report pages', async () => {
    const page = await newPage();
    await page.goto(url('/en/?q=xsslabword'));
    const titles = await page.$$eval('.card-title', (els) => els.map((e) => e.textContent.trim()));
    const api = await stack.api('/v1/search?q=xsslabword');
    assert.deepEqual(titles, api.json.hits.map((h) => h.product.name), 'names shown exactly as the API has them');
    assert.ok(titles.some((t) => t.includes('<script>alert(1)</script>')), `script text visible in ${titles}`);
    const domIsClean = async () => page.evaluate(() => {
      const bad = [];
      for (const el of document.querySelectorAll('*')) {
        for (const a of el.attributes) { if (a.name.startsWith('on')) { bad.push(`${el.tagName} ${a.name}`); } }
        if (el.tagName === 'SCRIPT' && !el.src.includes('/assets/site.js')) { bad.push('inline script'); }
        if (['SVG', 'svg', 'IFRAME', 'OBJECT'].includes(el.tagName)) { bad.push(el.tagName); }
        if (el.tagName === 'IMG' && !/^https:\/\//.test(el.getAttribute('src') || '')) { bad.push('img ' + el.getAttribute('src')); }
      }
      return bad;
    });
    assert.deepEqual(await domIsClean(), []);
    await page.hover('.card-title a');
    await page.click(`.card-title a >> text=${XSS_NAME}`);
    await page.waitForSelector('.product-info h1');
    assert.equal((await page.textContent('.product-info h1')).trim(), XSS_NAME);
    assert.deepEqual(await domIsClean(), []);
    await page.hover('.product-info .brand a');
    await page.close();
    const lab = await newPage(await partnerContext('xss-lab'));
    await lab.goto(url('/en/partner'));
    await lab.click('table.data tbody a');
    await lab.waitForSelector('.catalog-state');
    assert.deepEqual(await lab.evaluate(() => [...document.querySelectorAll('*')].flatMap((el) => [...el.attributes]
      .filter((a) => a.name.startsWith('on')).map((a) => `${el.tagName} ${a.name}`))), []);
    await lab.close();
    assert.deepEqual(dialogs, [], 'no script ran');
  });
});

describe('partner area', () => {
  test('the report of a catalog lists its rejected rows', async () => {
    const list = await stack.api('/v1/catalogs', keyed('xss-lab'));
    assert.equal(list.json.partner, 'xss-lab');
    const cat = list.json.catalogs[0];
    assert.equal(cat.report.rejected, 1);
    const page = await newPage(await partnerContext('xss-lab'));
    await page.goto(url('/en/partner'));
    await axeCheck(page, 'partner area');
    await page.click('table.data tbody a');
    await page.waitForSelector('#report-errors');
    const rows = await page.$$eval('table.data tbody tr', (trs) => trs.map((tr) => tr.textContent));
    assert.ok(rows.some((r) => r.includes(String(cat.report.errors[0].row)) && r.includes(cat.report.errors[0].code)));
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[download]')]);
    const stream = await download.createReadStream();
    let text = '';
    for await (const chunk of stream) { text += chunk; }
    assert.ok(text.includes('not-a-price'), text);
    await page.close();
  });

  test('uploading a catalog follows the API upload flow to its report', async () => {
    const page = await newPage(await partnerContext('e2e-upload'));
    await page.goto(url('/en/partner'));
    await page.setInputFiles('#up-file', { name: 'e2e.csv', mimeType: 'text/csv',
      buffer: Buffer.from('sku,name,brand,price,currency\nE2E-1,Tabouret e2eword,Acme,10.00,EUR\nE2E-2,Banc e2eword,Acme,x,EUR\n') });
    await Promise.all([page.waitForNavigation(), page.click('.upload-form button[type="submit"]')]);
    assert.match(new URL(page.url()).pathname, /^\/en\/partner\/catalogs\/[^/]+$/);
    // The status page follows the ingest by itself (site.js polls it).
    await page.waitForFunction(() => !['received', 'processing']
      .includes(document.querySelector('[data-status]').getAttribute('data-status')), null, { timeout: 60_000 });
    assert.match(await page.textContent('.catalog-state'), /Done/);
    const stats = await page.textContent('.stats');
    assert.match(stats, /Rows read\s*2/);
    assert.match(stats, /Accepted\s*1/);
    assert.match(stats, /Rejected\s*1/);
    // The partner's own file name, without the upload slot's random prefix (issue 18, item 10).
    assert.equal((await page.textContent('h1')).trim(), 'Catalog e2e.csv');
    await axeCheck(page, 'uploaded catalog');
    let found = 0;
    for (let i = 0; i < 50 && found !== 1; i++) {
      found = (await stack.api('/v1/search?q=e2eword&partner=e2e-upload')).json.total;
      if (found !== 1) { await new Promise((r) => setTimeout(r, 200)); }
    }
    assert.equal(found, 1, 'the accepted row becomes searchable');
    await page.close();
  });

  // On AWS the site runs on Lambda, whose requests are capped at 6 MB: the
  // file must go from the browser straight to the upload URL. Locally that
  // is the API's upload route on the disk blobs, through the same script.
  test('a catalog file larger than 6 MB goes from the browser to the upload URL, not through the site, and is ingested', async () => {
    const head = 'sku,name,brand,description,price,currency\n';
    const lines = [head];
    let size = head.length;
    const filler = 'Solid beech, oiled, stackable; delivered assembled. '.repeat(18);
    for (let i = 0; size <= 7 * 1024 * 1024; i++) {
      const line = `BIG-${String(i).padStart(6, '0')},Chaise bigword ${i},Acme,"${filler}",${(10 + i % 90).toFixed(2)},EUR\n`;
      lines.push(line);
      size += line.length;
    }
    const rows = lines.length - 1;
    const buffer = Buffer.from(lines.join(''));
    assert.ok(buffer.length > 7 * 1024 * 1024, `${buffer.length} bytes`);
    const page = await newPage(await partnerContext('e2e-big'));
    const sent = [];
    page.on('request', (r) => { if (r.method() !== 'GET') { sent.push({ method: r.method(), url: r.url(), body: r.postData() }); } });
    await page.goto(url('/en/partner'));
    await page.setInputFiles('#up-file', { name: 'big.csv', mimeType: 'text/csv', buffer });
    // By keyboard: focus the button and press Enter.
    await page.focus('.upload-form button[type="submit"]');
    await Promise.all([page.waitForURL(/\/en\/partner\/catalogs\/[^/]+$/, { timeout: 110_000 }), page.keyboard.press('Enter')]);
    const toSite = sent.filter((r) => !new URL(r.url).pathname.startsWith('/api/'));
    assert.deepEqual(toSite.map((r) => r.url), [url('/en/partner/upload')], 'the site got one request: the slot');
    const slotBody = toSite[0].body || '';
    assert.ok(slotBody.length < 300 && slotBody.includes(`size=${buffer.length}`), `the site got ${slotBody.length} bytes: ${slotBody.slice(0, 200)}`);
    const upload = sent.filter((r) => new URL(r.url).pathname.startsWith('/api/v1/uploads/'));
    assert.equal(upload.length, 1, `the file went to the API's upload URL: ${JSON.stringify(sent.map((r) => r.url))}`);
    assert.equal(upload[0].method, 'PUT');
    // It landed in the blobs, whole.
    const dir = join(stack.dataDir, 'blobs', 'incoming', 'e2e-big');
    const files = (await readdir(dir)).filter((f) => !f.endsWith('.etag'));
    assert.equal(files.length, 1, files.join(' '));
    assert.match(files[0], /-big\.csv$/);
    assert.equal((await stat(join(dir, files[0]))).size, buffer.length);
    await page.waitForFunction(() => !['received', 'processing']
      .includes(document.querySelector('[data-status]').getAttribute('data-status')), null, { timeout: 100_000 });
    assert.match(await page.textContent('.catalog-state'), /Done/);
    const stats = await page.textContent('.stats');
    assert.match(stats, new RegExp(`Rows read\\s*${rows.toLocaleString('en-US')}`));
    assert.match(stats, new RegExp(`Accepted\\s*${rows.toLocaleString('en-US')}`));
    const cat = (await stack.api('/v1/catalogs?limit=1', keyed('e2e-big'))).json.catalogs[0];
    assert.equal(cat.report.accepted, rows);
    console.log(`browser upload: ${buffer.length} bytes, ${rows} rows, ingested (catalog ${cat.id})`);
    await page.close();
  });

  test('without JavaScript the upload form says why it needs it, and sends no file to the site', async () => {
    const c = await browserContext({ javaScriptEnabled: false });
    contexts.push(c);
    assert.equal(await signIn(c, stack.base, keys['e2e-big']), 'e2e-big');
    const page = await newPage(c);
    await page.goto(url('/en/partner'));
    // (axe-core needs the script: the same page with it is checked above.)
    assert.match(await page.textContent('.upload-form'), /Uploading a catalog needs JavaScript/);
    await page.setInputFiles('#up-file', { name: 'nojs.csv', mimeType: 'text/csv', buffer: Buffer.from('sku,name\nA,b\n') });
    const [res] = await Promise.all([page.waitForNavigation(), page.click('.upload-form button[type="submit"]')]);
    assert.equal(res.status(), 400);
    assert.equal(res.request().headers()['content-type'], 'application/x-www-form-urlencoded', 'only the file name was posted');
    assert.match(await page.textContent('.notice-error'), /Uploading a catalog needs JavaScript/);
    await page.close();
  });

  test('a full catalog that would remove too much waits for a person to confirm it', async () => {
    const page = await newPage(await partnerContext('e2e-hold'));
    const upload = async (mode, csv) => {
      await page.goto(url('/en/partner'));
      await page.check(`#mode-${mode}`);
      await page.setInputFiles('#up-file', { name: `${mode}.csv`, mimeType: 'text/csv', buffer: Buffer.from(csv) });
      await Promise.all([page.waitForNavigation(), page.click('.upload-form button[type="submit"]')]);
      await page.waitForFunction(() => !['received', 'processing']
        .includes(document.querySelector('[data-status]').getAttribute('data-status')), null, { timeout: 60_000 });
      return page.getAttribute('[data-status]', 'data-status');
    };
    const head = 'sku,name,brand,price,currency\n';
    assert.equal(await upload('partial', head + 'H-1,Lampe holdword,Acme,10.00,EUR\nH-2,Lampe holdword 2,Acme,11.00,EUR\n'
      + 'H-3,Lampe holdword 3,Acme,12.00,EUR\n'), 'done');
    assert.equal(await upload('full', head + 'H-1,Lampe holdword,Acme,10.00,EUR\n'), 'needs_confirmation');
    assert.match(await page.textContent('.notice'), /remove 2 of the partner's 3 products/);
    await axeCheck(page, 'catalog held for confirmation');
    await Promise.all([page.waitForNavigation(), page.click('.confirm-form button')]);
    await page.waitForFunction(() => document.querySelector('[data-status]').getAttribute('data-status') === 'done',
      null, { timeout: 60_000 });
    assert.match(await page.textContent('.stats'), /Removed\s*2/);
    // The index follows the store through the change feed: allow it a moment.
    let left = 0;
    for (let i = 0; i < 50; i++) {
      left = (await stack.api('/v1/search?q=holdword&partner=e2e-hold')).json.total;
      if (left === 1) { break; }
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(left, 1, 'the two removed products left the index');
    await page.close();
  });

  test('a wrong key is refused with a friendly message', async () => {
    const c = await browserContext();
    contexts.push(c);
    const page = await newPage(c);
    await page.goto(url('/fr/partner'));
    await axeCheck(page, 'partner sign-in (fr)');
    await page.fill('#api-key', 'csk_this-key-does-not-exist');
    const [res] = await Promise.all([page.waitForNavigation(), page.click('.signin-form button[type="submit"]')]);
    assert.equal(res.status(), 403);
    assert.match(await page.textContent('.notice-error'), /Cette clé d’API n’a pas été acceptée/);
    assert.equal(await page.getAttribute('#api-key', 'aria-invalid'), 'true');
    assert.equal(await page.inputValue('#api-key'), '', 'the key is not echoed back');
    assert.equal((await c.cookies()).some((k) => k.name === 'partner_session'), false, 'no session');
    await axeCheck(page, 'partner sign-in refused');
    await page.close();
  });

  test('one partner cannot see another partner\'s catalogs', async () => {
    const lab = (await stack.api('/v1/catalogs', keyed('xss-lab'))).json.catalogs[0];
    const page = await newPage(await partnerContext('e2e-upload'));
    await page.goto(url('/en/partner'));
    const partners = await page.$$eval('table.data tbody tr td:nth-child(2)', (tds) => tds.map((td) => td.textContent.trim()));
    assert.ok(partners.length > 0 && partners.every((p) => p === 'e2e-upload'), `only e2e-upload's catalogs: ${partners}`);
    const res = await page.goto(url(`/en/partner/catalogs/${encodeURIComponent(lab.id)}`));
    assert.equal(res.status(), 404, 'another partner\'s catalog is not found, as an unknown ID');
    assert.equal((await page.textContent('h1')).trim(), 'Catalog not found');
    assert.doesNotMatch(await page.textContent('body'), /xss-lab|not-a-price/);
    await axeCheck(page, 'another partner\'s catalog');
    const csv = await page.request.get(url(`/en/partner/catalogs/${encodeURIComponent(lab.id)}/rejected.csv`));
    assert.equal(csv.status(), 404);
    assert.doesNotMatch(await csv.text(), /not-a-price/);
    const api = await stack.api(`/v1/catalogs/${encodeURIComponent(lab.id)}`, keyed('e2e-upload'));
    assert.equal(api.status, 404, 'the API does not show it either');
    await page.close();
  });

  test('a revoked key signs the partner out with a message; signing out ends the session', async () => {
    keys['e2e-revoked'] = await stack.partnerKey('e2e-revoked');
    const c = await partnerContext('e2e-revoked');
    const cookie = (await c.cookies()).find((k) => k.name === 'partner_session');
    assert.ok(cookie && cookie.httpOnly && cookie.sameSite === 'Lax', `session cookie ${JSON.stringify(cookie)}`);
    await stack.revokeKey(keys['e2e-revoked']);
    const page = await newPage(c);
    const res = await page.goto(url('/en/partner'));
    assert.equal(res.status(), 403);
    assert.match(await page.textContent('.notice-error'), /Your API key is no longer valid, so you were signed out/);
    assert.equal((await c.cookies()).some((k) => k.name === 'partner_session'), false, 'the session cookie is gone');
    // Sign out: a new key, then the button.
    keys['e2e-revoked'] = await stack.partnerKey('e2e-revoked');
    await signIn(c, stack.base, keys['e2e-revoked']);
    await page.goto(url('/en/partner'));
    await Promise.all([page.waitForNavigation(), page.click('.signed-in button[type="submit"]')]);
    assert.match(await page.textContent('[role="status"]'), /You are signed out/);
    await page.goto(url('/en/partner'));
    assert.equal(await page.isVisible('#api-key'), true, 'signed out for good');
    await page.close();
  });

  test('signing out ends the session server-side: a copied cookie is refused', async () => {
    keys['e2e-signout'] = await stack.partnerKey('e2e-signout');
    const c = await partnerContext('e2e-signout');
    const copied = (await c.cookies()).filter((k) => k.name === 'partner_session' || k.name === 'csrf');
    assert.equal(copied.filter((k) => k.name === 'partner_session').length, 1, 'a session cookie to copy');
    const page = await newPage(c);
    await page.goto(url('/en/partner'));
    await Promise.all([page.waitForNavigation(), page.click('.signed-in button[type="submit"]')]);
    assert.match(await page.textContent('[role="status"]'), /You are signed out/);
    await page.close();
    // Another browser replays the copied cookies: the session has ended.
    const replay = await browserContext();
    contexts.push(replay);
    await replay.addCookies(copied);
    const p = await newPage(replay);
    const res = await p.goto(url('/en/partner'));
    assert.equal(res.status(), 403);
    assert.match(await p.textContent('.notice-error'), /Your session has ended/);
    assert.equal(await p.isVisible('#api-key'), true, 'the sign-in form, not the partner area');
    assert.equal((await replay.cookies()).some((k) => k.name === 'partner_session'), false, 'the replayed cookie is cleared');
    await replay.addCookies(copied);
    const csv = await p.request.get(url('/en/partner/catalogs/x/rejected.csv'));
    assert.equal(csv.status(), 403, 'every partner page refuses it');
    await p.close();
    // Signing in again works.
    assert.equal(await signIn(replay, stack.base, keys['e2e-signout']), 'e2e-signout');
  });
});

describe('API failure', () => {
  test('the site shows a friendly page and logs one error line', async () => {
    // The same front controller under its own php -S, with an API address
    // where nothing listens.
    const [port, dead] = [await freePort(), await freePort()];
    const php = spawn('php', ['-S', `127.0.0.1:${port}`, '-t', 'web/public', 'web/public/index.php'], {
      cwd: repoRoot, env: { ...process.env, CATALOG_API_URL: `http://127.0.0.1:${dead}/api`, PHP_CLI_SERVER_WORKERS: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    php.stderr.on('data', (c) => { log += c; });
    try {
      for (let i = 0; i < 100; i++) {
        try { await fetch(`http://127.0.0.1:${port}/assets/site.css`); break; } catch { await new Promise((r) => setTimeout(r, 50)); }
      }
      const page = await newPage();
      const res = await page.goto(`http://127.0.0.1:${port}/fr/?q=chaise`);
      assert.equal(res.status(), 503);
      assert.equal((await page.textContent('h1')).trim(), 'Recherche indisponible');
      const text = await page.textContent('body');
      assert.doesNotMatch(text, /fopen|Stack trace|\.php|127\.0\.0\.1/);
      await axeCheck(page, 'API down page');
      await page.close();
      const lines = log.split('\n').filter((l) => l.includes('"level":"error"'));
      assert.equal(lines.length, 1, log);
      const entry = JSON.parse(lines[0].slice(lines[0].indexOf('{')));
      assert.equal(entry.msg, 'api call failed');
      assert.equal(entry.code, 'unavailable');
    } finally {
      php.kill('SIGTERM');
    }
  });
});

describe('security', () => {
  test('pages carry a nonce CSP, frame-ancestors, nosniff and HSTS, and break none of it', async () => {
    const page = await newPage();
    const res = await page.goto(url('/en/'));
    const h = res.headers();
    const nonce = await page.getAttribute('script[src*="site.js"]', 'nonce');
    assert.equal(nonce, '', 'browsers hide the nonce attribute from the DOM');
    assert.match(h['content-security-policy'], /script-src 'nonce-[A-Za-z0-9_-]{20,}'/);
    assert.match(h['content-security-policy'], /frame-ancestors 'none'/);
    assert.equal(h['x-content-type-options'], 'nosniff');
    assert.match(h['strict-transport-security'], /max-age=\d+/);
    assert.equal(await page.evaluate(() => document.documentElement.classList.contains('js')), true, 'the nonce let the script run');
    const signin = await page.request.post(url('/en/partner/sign-in'), { form: { api_key: keys['xss-lab'], csrf_token: 'x' } });
    assert.equal(signin.status(), 403, 'a sign-in without the CSRF token is refused');
    // A cookie and field pair someone planted is refused: tokens are signed with the site secret.
    const planted = 'ab'.repeat(32);
    const fresh = await browserContext();
    contexts.push(fresh);
    await fresh.addCookies([{ name: 'csrf', value: planted, url: stack.base }]);
    const forged = await fresh.request.post(url('/en/partner/sign-in'), { form: { api_key: keys['xss-lab'], csrf_token: planted }, maxRedirects: 0 });
    assert.equal(forged.status(), 403, 'a sign-in with a planted CSRF cookie and field is refused');
    assert.equal((await fresh.cookies()).some((k) => k.name === 'partner_session'), false, 'no session from a planted pair');
    const lab = await newPage(await partnerContext('xss-lab'));
    const upload = await lab.request.post(url('/en/partner/upload'), { form: { mode: 'partial', csrf_token: 'x', name: 'a.csv', size: '9' } });
    assert.equal(upload.status(), 403, 'an upload without the CSRF token is refused');
    assert.match(await upload.text(), /The form expired/);
    await lab.close();
    assert.deepEqual(cspErrors, [], 'no CSP violation on any page visited');
    await page.close();
  });

  test('phone width: search page passes axe', async () => {
    const phone = await browserContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    try {
      const page = await newPage(phone);
      await page.goto(url('/fr/'));
      assert.equal(await page.evaluate(() => document.querySelector('[data-facets]').open), false, 'filters fold on phones');
      await axeCheck(page, 'search on a phone');
    } finally {
      await phone.close();
    }
  });

  test('axe-core ran on every kind of page', async () => {
    const labels = axeResults.map((r) => r.label);
    for (const want of ['search results (en)', 'search results (fr)', 'search with a facet', 'product page',
      'catalog report', '404 page', 'partner area', 'partner sign-in', 'partner sign-in refused', 'search on a phone']) {
      assert.ok(labels.includes(want), `${want} was checked (checked: ${labels.join(', ')})`);
    }
  });
});
