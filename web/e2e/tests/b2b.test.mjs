// What B2B buyers and partners expect of the site (issue 18), in headless
// Chromium against the real local stack (`catalogctl serve --demo` plus one
// small catalog of our own): a new query starts clean, the language link
// follows the page, Esc and the sort menu behave, loading and failure are
// visible, phones get a "show N results" button, the skip link to the
// results, cards with the B2B facts, exact SKU/GTIN matches, price on
// request, empty pages with help. Every page visited is checked with axe
// (no serious or critical violation), also at phone width and by keyboard.
import { after, before, describe, test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { Stack, browserContext, pickWord as pickWordOf, signIn } from '../lib/stack.mjs';
import { seriousViolations } from '../lib/axe.mjs';

const test = (name, fn) => nodeTest(name, { timeout: 120_000 }, fn);

const PARTNER = 'b2b-lab';
const HOLD = 'hold-lab';
// Two products without a price (one empty, one zero), a pack unit, a MOQ and a lead time.
// Stock as a French sheet writes it ("Disponibilité": En stock, Sur commande, Rupture).
const B2B_CSV = [
  'sku,name,brand,description,category,Prix unitaire HT,currency,gtin,moq,unit,lead_time_days,Disponibilité',
  'B2B-REQ-1,Quotelab press brake tooling,Quotelab,Custom tooling quoted per order,Machines > Presses,,EUR,,1,piece,30,Sur commande',
  'B2B-REQ-2,Quotelab hydraulic unit,Quotelab,Quoted on request,Machines > Presses,0,EUR,,2,piece,20,Rupture de stock',
  'B2B-PACK-1,Quotelab copy paper pallet,Quotelab,240 reams of A4 paper,Office > Paper,1499.00,EUR,4006381333931,3,pallet of 240 reams,5,En stock',
  'B2B-BAD-1,Quotelab broken price,Quotelab,Bad price,Office > Paper,douze,EUR,,1,piece,5,En stock',
].join('\n') + '\n';

let stack;
let ctx;
const contexts = [];
const cspErrors = [];

async function newPage(context = ctx) {
  const page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) { cspErrors.push(msg.text()); }
  });
  return page;
}

async function axeCheck(page, label) {
  const v = await seriousViolations(page);
  assert.deepEqual(v, [], `axe on ${label}: ${JSON.stringify(v, null, 1)}`);
}

function url(path) { return stack.base + path; }
const pickWord = () => pickWordOf(stack);

/** partials counts the results requests the script sends from page. */
function countPartials(page) {
  const seen = [];
  page.on('request', (r) => { if (r.headers()['x-partial'] === 'results') { seen.push(r.url()); } });
  return seen;
}

before(async () => {
  stack = await Stack.create();
  await stack.start({ demo: true });
  await stack.stop();
  await stack.ingest(PARTNER, 'b2b-lab.csv', B2B_CSV);
  // A full catalog that leaves out 7 of 10 products: held for confirmation.
  const rows = (n) => ['sku,name,price,currency', ...Array.from({ length: n }, (_, i) => `HOLD-${i},Holdlab item ${i},${10 + i}.00,EUR`)].join('\n') + '\n';
  await stack.ingest(HOLD, 'hold-v1.csv', rows(10), 'full');
  await stack.ingest(HOLD, 'hold-v2.csv', rows(3), 'full');
  await stack.start({ demo: false });
  ctx = await browserContext();
}, { timeout: 300_000 });

after(async () => {
  for (const c of contexts) { await c.close(); }
  if (ctx) { await ctx.close(); }
  if (stack) { await stack.destroy(); }
  assert.deepEqual(cspErrors, [], 'no Content-Security-Policy violation');
});

describe('a new search', () => {
  test('a new query typed in the header starts without the old filter', async () => {
    const { word, total } = await pickWord();
    const all = await stack.api('/v1/search?q=&size=1&facets=category');
    // A category in which the word finds nothing: the old filter would give 0.
    let category = '';
    for (const fv of all.json.facets.category) {
      const r = await stack.api(`/v1/search?q=${encodeURIComponent(word)}&size=1&category=${encodeURIComponent(fv.value)}`);
      if (r.json.total === 0) { category = fv.value; break; }
    }
    assert.ok(category, `a category without "${word}"`);
    const page = await newPage();
    await page.goto(url(`/en/?category=${encodeURIComponent(category)}`));
    await page.fill('#q', word);
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.searchParams.get('q') === word);
    const u = new URL(page.url());
    assert.equal(u.searchParams.getAll('category').length, 0, `the category filter is gone: ${page.url()}`);
    await page.waitForFunction((w) => document.querySelector('#results-title').textContent.includes(w), word);
    assert.equal((await page.textContent('.summary')).trim(), `${total.toLocaleString('en-US')} products`);
    await page.close();

    // Without the script the form keeps the filter; the empty page says how
    // many the text finds in all categories, one click away.
    const nojs = await browserContext({ javaScriptEnabled: false });
    contexts.push(nojs);
    const plain = await newPage(nojs);
    await plain.goto(url(`/en/?q=${encodeURIComponent(word)}&category=${encodeURIComponent(category)}`));
    assert.match(await plain.textContent('.widen'), new RegExp(`${total.toLocaleString('en-US')} products? match`));
    await Promise.all([plain.waitForNavigation(), plain.click('.widen a')]);
    const w = new URL(plain.url());
    assert.equal(w.searchParams.get('q'), word);
    assert.equal(w.searchParams.getAll('category').length, 0);
    assert.ok(await plain.isVisible('.card'), 'the widened search lists products');
    await plain.close();
  });
});

describe('state kept', () => {
  test('the language link follows an in-place update', async () => {
    const { word } = await pickWord();
    const page = await newPage();
    await page.goto(url('/en/'));
    await page.fill('#q', word);
    await page.waitForURL((u) => u.searchParams.get('q') === word);
    await page.waitForFunction((w) => document.querySelector('a.lang-switch').getAttribute('href').includes(encodeURIComponent(w)), word);
    await page.click('a.lang-switch');
    await page.waitForURL((u) => u.pathname === '/fr/' && u.searchParams.get('q') === word);
    assert.equal(await page.inputValue('#q'), word);
    await page.close();
  });

  test('Esc closes the suggestions and keeps the typed query (keyboard only)', async () => {
    const { word } = await pickWord();
    const prefix = word.slice(0, 4);
    const page = await newPage();
    await page.goto(url('/en/'));
    await page.keyboard.press('Tab'); // skip link
    await page.focus('#q');
    await page.keyboard.type(prefix, { delay: 30 });
    // The box of the whole prefix (a shorter prefix's box can show first on a slow machine).
    await page.waitForFunction((want) => {
      const box = document.getElementById('q-suggestions');
      return !box.hidden && box.getAttribute('data-query') === want && box.querySelector('[role="option"]') !== null;
    }, prefix);
    await page.keyboard.press('Escape');
    assert.equal(await page.isHidden('#q-suggestions'), true, 'the suggestions close');
    assert.equal(await page.inputValue('#q'), prefix, 'the typed query stays');
    await page.keyboard.press('Escape');
    assert.equal(await page.inputValue('#q'), prefix, 'a second Esc keeps it too');
    await page.close();
  });

  test('arrow keys on the sort menu do not search at each step; Enter applies', async () => {
    const page = await newPage();
    await page.goto(url('/en/?q='));
    const partials = countPartials(page);
    await page.focus('#sort');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.waitForTimeout(600);
    assert.equal(partials.length, 0, `no search while moving: ${partials.join(' ')}`);
    assert.equal(new URL(page.url()).searchParams.get('sort'), null);
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.searchParams.get('sort') === 'price_desc');
    assert.equal(partials.length, 1, 'one search for the choice');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'sort', 'focus stays on the menu');
    await page.close();
  });
});

describe('slow or failed network', () => {
  test('the grid dims with a progress bar while loading, and a failure keeps the page with a retry', async () => {
    const { word } = await pickWord();
    const page = await newPage();
    await page.goto(url('/en/'));
    await page.evaluate(() => { window.__samePage = true; });
    let release;
    const gate = new Promise((r) => { release = r; });
    await page.route('**/en/?*', async (route) => {
      if (route.request().headers()['x-partial'] === 'results') { await gate; }
      await route.continue();
    });
    await page.fill('#q', word);
    await page.waitForSelector('#results-region.is-loading');
    await page.waitForSelector('#results-progress:not([hidden])');
    const opacity = await page.$eval('#results-region .results', (e) => Number(getComputedStyle(e).opacity));
    await page.waitForFunction(() => Number(getComputedStyle(document.querySelector('#results-region .results')).opacity) < 0.6);
    assert.ok(opacity <= 1);
    release();
    await page.waitForFunction((w) => document.querySelector('#results-title').textContent.includes(w), word);
    assert.equal(await page.isHidden('#results-progress'), true, 'the bar goes when the results come');
    await page.unroute('**/en/?*');

    // Offline: the page stays, with an inline retry.
    let offline = true;
    await page.route('**/en/?*', (route) => (offline && route.request().headers()['x-partial'] === 'results'
      ? route.abort('internetdisconnected') : route.continue()));
    await page.press('#q', 'Escape');
    await page.selectOption('#sort', 'name');
    await page.waitForSelector('#results-failed:not([hidden])');
    assert.equal(await page.evaluate(() => window.__samePage), true, 'the page was not replaced');
    assert.match(await page.textContent('#search-status'), /could not be updated/);
    await axeCheck(page, 'search with a failed update');
    offline = false;
    await page.click('#results-failed button');
    await page.waitForURL((u) => u.searchParams.get('sort') === 'name');
    await page.waitForSelector('#results-failed', { state: 'hidden' });
    assert.equal(await page.evaluate(() => window.__samePage), true);
    await page.close();
  });
});

describe('phones', () => {
  test('a tapped facet stays in place and "show N results" leads to them', async () => {
    const phone = await browserContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    contexts.push(phone);
    const page = await newPage(phone);
    await page.goto(url('/en/'));
    await page.click('.facets-box > summary');
    const box = page.locator('fieldset.facet', { hasText: 'Brand' }).locator('li').nth(1);
    const value = (await box.locator('input').getAttribute('value'));
    const count = Number((await box.locator('.count').textContent()).replace(/,/g, ''));
    await box.locator('input').scrollIntoViewIfNeeded();
    const y0 = (await box.locator('input').boundingBox()).y;
    await box.locator('input').tap();
    await page.waitForURL((u) => u.searchParams.getAll('brand').includes(value));
    await page.waitForFunction(() => !document.querySelector('#results-region.is-loading'));
    const tapped = page.locator(`fieldset.facet input[value="${value.replace(/"/g, '\\"')}"]`);
    const y1 = (await tapped.boundingBox()).y;
    assert.ok(Math.abs(y1 - y0) < 4, `the tapped value stays in place (${y0} -> ${y1})`);
    const show = page.locator('.show-results');
    assert.equal(await show.isVisible(), true, 'a "show N results" button');
    assert.equal((await show.textContent()).trim(), `Show ${count.toLocaleString('en-US')} result${count === 1 ? '' : 's'}`);
    await show.tap();
    await page.waitForFunction(() => !document.querySelector('[data-facets]').open);
    // The first result comes on screen (the scroll may be smooth).
    await page.waitForFunction(() => {
      const y = document.querySelector('.card').getBoundingClientRect().top;
      return y > -2 && y < window.innerHeight - 100;
    });
    await axeCheck(page, 'search on a phone');
    await page.close();
  });

  test("the partner's catalog table keeps whole words", async () => {
    const key = await stack.partnerKey(PARTNER);
    const phone = await browserContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    contexts.push(phone);
    await signIn(phone, stack.base, key);
    const page = await newPage(phone);
    await page.goto(url('/en/partner'));
    // Each text of a cell takes at most one line per word (a hyphen may break a line too).
    const broken = await page.$$eval('.data th, .data td', (cells) => cells.flatMap((cell) => {
      const out = [];
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent.trim();
        if (text === '') { continue; }
        const range = document.createRange();
        range.selectNodeContents(node);
        const tops = [...range.getClientRects()].map((r) => r.top).sort((a, b) => a - b);
        const lines = tops.filter((t, i) => i === 0 || t - tops[i - 1] > 3).length;
        const words = text.split(/[\s-]+/).length;
        if (lines > words) { out.push(`${text} (${lines} lines for ${words} words)`); }
      }
      return out;
    }));
    assert.deepEqual(broken, [], 'no cell breaks inside a word');
    await axeCheck(page, 'partner area on a phone');
    await page.close();
  });
});

describe('smaller things', () => {
  test('a keyboard user skips to the results in three keys', async () => {
    const { word } = await pickWord();
    const page = await newPage();
    await page.goto(url(`/en/?q=${encodeURIComponent(word)}`));
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    assert.equal((await page.evaluate(() => document.activeElement.textContent)).trim(), 'Skip to results');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    const first = await page.$eval('.card-title a', (a) => a.getAttribute('href'));
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('href')), first, 'the next stop is the first product');
    await page.close();
  });

  test('every sub-category is drawn under its own parent', async () => {
    const page = await newPage();
    await page.goto(url('/en/'));
    const rows = await page.$$eval('fieldset.facet', (sets) => {
      const cat = sets.find((s) => s.querySelector('input[name="category"]'));
      return [...cat.querySelectorAll('li')].map((li) => ({
        value: li.querySelector('input').value,
        depth: Number((/depth-(\d)/.exec(li.className) || [0, 0])[1]),
        shown: li.querySelector('.facet-value').textContent,
      }));
    });
    assert.ok(rows.length > 0);
    const stack_ = [];
    for (const r of rows) {
      stack_.length = r.depth;
      if (r.depth > 0) {
        const parent = stack_[r.depth - 1];
        assert.ok(parent && r.value.startsWith(parent + ' > '), `${r.value} is drawn under ${parent}`);
      }
      stack_.push(r.value);
      assert.ok(r.shown.endsWith(r.value.split(' > ').pop()), `${r.value} reads as its path`);
    }
    await page.close();
  });

  test('a buyer sees the source file name, not a link to the partner sign-in', async () => {
    const page = await newPage();
    await page.goto(url('/en/'));
    await page.click('.card-title a');
    await page.waitForSelector('.product-info h1');
    assert.equal(await page.locator('main a[href*="/partner/"]').count(), 0, 'no partner link for buyers');
    await page.close();
  });
});

describe('cards for buyers', () => {
  test('cards show SKU, GTIN, minimum order, unit and lead time', async () => {
    const api = await stack.api(`/v1/search?q=quotelab&size=24`);
    const page = await newPage();
    await page.goto(url('/en/?q=quotelab'));
    const cards = await page.$$eval('.card', (els) => els.map((c) => ({
      name: c.querySelector('.card-title').textContent.trim(),
      text: [c.textContent, ...[...c.querySelectorAll('dt')].map((dt) => `${dt.textContent.trim()}: ${dt.nextElementSibling.textContent.trim()}`)]
        .join(' ').replace(/\s+/g, ' '),
    })));
    assert.equal(cards.length, api.json.hits.length);
    const pack = cards.find((c) => c.name === 'Quotelab copy paper pallet');
    assert.ok(pack, 'the pallet is listed');
    for (const s of ['SKU: B2B-PACK-1', 'GTIN: 4006381333931', 'Min. order: 3', 'Ships in: 5 days', 'excl. VAT · per pallet of 240 reams']) {
      assert.ok(pack.text.includes(s), `${s} in ${pack.text}`);
    }
    // French buyers read "HT", as the partner's file said.
    await page.goto(url('/fr/?q=quotelab'));
    const fr = await page.locator('.card', { hasText: 'Quotelab copy paper pallet' }).locator('.per').textContent();
    assert.equal(fr.trim(), 'HT · par pallet of 240 reams');
    await axeCheck(page, 'cards with B2B facts');
    await page.close();
  });

  test('availability and lead time are filters when the data has them, and cards show them', async () => {
    const page = await newPage();
    await page.goto(url('/en/?q=quotelab'));
    const facet = (legend) => page.locator('fieldset.facet', { has: page.locator(`legend:text-is("${legend}")`) });
    const labels = async (legend) => (await facet(legend).locator('.facet-value').allTextContents()).map((x) => x.trim());
    assert.deepEqual((await labels('Availability')).sort(), ['In stock', 'On backorder', 'Out of stock']);
    // Bands read shortest first; each counts every product shipping within it.
    assert.deepEqual(await labels('Ships within'), ['Within 7 days', 'Within 14 days', 'Within 30 days']);
    const counts = await facet('Ships within').locator('.count').allTextContents();
    assert.deepEqual(counts.map((c) => c.trim()), ['1', '1', '3']);
    const pallet = page.locator('.card', { hasText: 'Quotelab copy paper pallet' });
    assert.equal((await pallet.locator('.avail dd').textContent()).trim(), 'In stock');
    await axeCheck(page, 'availability and lead-time facets');
    // Ticking "In stock" keeps the in-stock products only.
    await facet('Availability').locator('label', { hasText: 'In stock' }).click();
    await page.waitForURL((u) => u.searchParams.get('availability') === 'in_stock');
    await page.waitForFunction(() => document.querySelectorAll('.card').length === 1);
    assert.equal((await page.locator('.card .card-title').textContent()).trim(), 'Quotelab copy paper pallet');
    assert.ok((await page.locator('.chips').textContent()).includes('In stock'), 'the chip names the filter in words');
    // Within 14 days, in French.
    await page.goto(url('/fr/?q=quotelab&lead_time=14'));
    assert.deepEqual(await page.$$eval('.card .card-title', (els) => els.map((e) => e.textContent.trim())), ['Quotelab copy paper pallet']);
    assert.ok((await page.locator('.chips').textContent()).includes('14 jours ou moins'));
    // Products whose files say nothing of stock: no availability facet.
    const { word } = await pickWord();
    await page.goto(url(`/en/?q=${encodeURIComponent(word)}`));
    assert.ok(await page.locator('.card').count() > 0, `demo products for ${word}`);
    assert.equal(await facet('Availability').count(), 0, 'no availability facet without availability data');
    await page.close();
  });

  test('a product without a price says "Price on request" and offers a quote', async () => {
    const page = await newPage();
    await page.goto(url('/en/?q=quotelab'));
    for (const name of ['Quotelab press brake tooling', 'Quotelab hydraulic unit']) {
      const card = page.locator('.card', { hasText: name });
      assert.equal((await card.locator('.price-request').textContent()).trim(), 'Price on request');
      assert.equal(await card.locator('.price').count(), 0, 'no empty or zero price shown');
      assert.match(await card.locator('a.contact').textContent(), /Request a quote/);
    }
    await page.goto(url('/fr/?q=quotelab'));
    assert.equal((await page.locator('.card', { hasText: 'Quotelab hydraulic unit' }).locator('.price-request').textContent()).trim(), 'Prix sur demande');
    await page.close();
  });

  test('an exact SKU or GTIN opens the product; typing it says why a card matched', async () => {
    const page = await newPage();
    await page.goto(url('/en/?q=4006381333931'));
    assert.equal(new URL(page.url()).pathname, `/en/product/${encodeURIComponent(`${PARTNER}:B2B-PACK-1`)}`);
    await page.goto(url('/en/'));
    await page.fill('#q', 'b2b-pack-1');
    await page.waitForURL((u) => u.searchParams.get('q') === 'b2b-pack-1');
    await page.waitForSelector('.card .match');
    assert.equal((await page.textContent('.card .match')).trim(), 'Matches SKU B2B-PACK-1');
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.pathname.startsWith('/en/product/'));
    assert.equal((await page.textContent('h1')).trim(), 'Quotelab copy paper pallet');
    await page.close();
  });
});

describe('dead ends', () => {
  test('an empty page hides the controls that do nothing and offers popular categories', async () => {
    const page = await newPage();
    await page.goto(url('/en/?q=qwxzvkjplm+zzyzzx'));
    const api = await stack.api('/v1/search?q=qwxzvkjplm+zzyzzx&size=1');
    assert.equal(api.json.total, 0);
    assert.equal(await page.locator('#sort').count(), 0, 'no sort menu');
    assert.equal(await page.locator('aside.facets').count(), 0, 'no filters');
    const popular = await page.$$eval('.popular a', (as) => as.map((a) => a.textContent.trim()));
    assert.ok(popular.length > 0, 'popular categories');
    await axeCheck(page, 'empty results');
    await page.click('.popular a');
    await page.waitForURL((u) => u.searchParams.get('category') === popular[0]);
    await page.waitForSelector('.card');
    await page.close();
  });
});

describe('partner reports', () => {
  test('a French partner reads the report in French, with its warnings counted', async () => {
    const key = await stack.partnerKey(PARTNER);
    const list = await stack.api('/v1/catalogs?limit=5', { headers: { 'X-Api-Key': key } });
    const cat = list.json.catalogs[0];
    const warnings = cat.report.warnings.length;
    assert.ok(warnings > 0 && cat.report.rejected > 0, 'the catalog has warnings and a rejected row');
    const c = await browserContext({ locale: 'fr-FR' });
    contexts.push(c);
    await signIn(c, stack.base, key);
    const page = await newPage(c);
    await page.goto(url('/fr/partner'));
    const headers = await page.$$eval('.data thead th', (ths) => ths.map((th) => th.textContent.trim()));
    const row = await page.$$eval('.data tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent.trim())));
    const wi = headers.indexOf('Avertissements');
    assert.ok(wi > 0, `a warnings column: ${headers}`);
    assert.equal(row[0][wi], String(warnings));
    assert.ok(headers.includes('Retirés'), 'a removed column');
    await axeCheck(page, 'partner area (fr)');
    await page.click('.data tbody a');
    await page.waitForSelector('.stats');
    const tile = await page.locator('.stats div', { hasText: 'Avertissements' }).locator('dd').textContent();
    assert.equal(tile.trim(), String(warnings), 'a warnings tile');
    const rows = await page.$$eval('#report-warnings + .table-scroll tbody tr, #report-errors + .table-scroll tbody tr',
      (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent.trim())));
    assert.ok(rows.length >= warnings + 1);
    for (const [, column, code, message] of rows) {
      assert.notEqual(column, '', `the column cell says something for ${code}`);
      assert.ok(!/^(product|price|row) /i.test(message), `a French message for ${code}: ${message}`);
    }
    const priceRow = rows.find((r) => r[2] === 'missing_price');
    assert.match(priceRow[3], /prix sur demande/);
    const bad = rows.find((r) => r[2] === 'bad_price');
    assert.match(bad[3], /Le prix n’est pas un nombre/);
    await axeCheck(page, 'report (fr)');
    await page.close();
  });
});

describe("buyer's list", () => {
  test('add with a quantity (MOQ kept), quick add by SKU or GTIN, group by partner, CSV, compare, print', async () => {
    const c = await browserContext({ acceptDownloads: true });
    contexts.push(c);
    const page = await newPage(c);
    const pack = `/en/product/${encodeURIComponent(`${PARTNER}:B2B-PACK-1`)}`;
    await page.goto(url(pack));
    assert.equal(await page.getAttribute('#list-qty', 'min'), '3', 'the MOQ is the least quantity');
    await page.fill('#list-qty', '1');
    await page.click('form[data-list-add] button');
    await page.waitForSelector('.list-added a');
    assert.match(await page.textContent('.list-added'), /: 3$/, 'added at the minimum order, 3');
    assert.equal((await page.textContent('[data-list-count]')).trim(), '(1)');
    await axeCheck(page, 'product page with the list form');
    await page.goto(url(`/en/product/${encodeURIComponent(`${PARTNER}:B2B-REQ-1`)}`));
    assert.equal((await page.textContent('form[data-list-add] button')).trim(), 'Add to my quote request');
    await page.click('form[data-list-add] button');
    await page.waitForSelector('.list-added a');

    // A demo product of another partner, by its SKU, and codes pasted with quantities.
    const demo = (await stack.api('/v1/search?q=&size=1&partner=bureau-plus')).json.hits[0].product;
    await page.click('[data-list-link]');
    await page.waitForSelector('[data-list-page] .list-table');
    await page.fill('#quick-codes', `${demo.sku} 7\nNOPE-404\n4006381333931;3\nB2B-REQ-2`);
    await page.click('form[data-list-quick] button');
    await page.waitForSelector('.quick-result .notice');
    assert.match(await page.textContent('.quick-result'), /Not found: NOPE-404/);
    const sections = await page.$$eval('.list-partner h2', (hs) => hs.map((h) => h.textContent.trim()));
    assert.deepEqual(sections.sort(), ['Quote request to b2b-lab', 'Quote request to bureau-plus']);
    const qty = async (id) => Number(await page.inputValue(`tr[data-id="${id}"] input.qty`));
    assert.equal(await qty(`${PARTNER}:B2B-PACK-1`), 6, 'MOQ 3, then 3 more');
    assert.equal(await qty(demo.id), Math.max(7, demo.moq || 1));
    assert.equal(await qty(`${PARTNER}:B2B-REQ-2`), 2, 'a code without quantity gets the MOQ');
    // Below the MOQ goes back up to it.
    await page.fill(`tr[data-id="${PARTNER}:B2B-PACK-1"] input.qty`, '2');
    await page.press(`tr[data-id="${PARTNER}:B2B-PACK-1"] input.qty`, 'Enter');
    await page.waitForFunction((id) => document.querySelector(`tr[data-id="${id}"] input.qty`).value === '3', `${PARTNER}:B2B-PACK-1`);
    assert.match(await page.textContent('#list-status'), /raised to its minimum order, 3/);
    assert.equal((await page.textContent(`tr[data-id="${PARTNER}:B2B-PACK-1"] .line-total`)).trim(), '€4,497.00');
    assert.equal((await page.textContent(`tr[data-id="${PARTNER}:B2B-REQ-1"]`)).includes('Price on request'), true);
    await axeCheck(page, 'buyer\'s list');

    // Kept in the browser.
    await page.reload();
    await page.waitForSelector('.list-table');
    assert.equal(await page.locator('.list-table tbody tr').count(), 4);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-list-csv]')]);
    const { readFile } = await import('node:fs/promises');
    const csv = (await readFile(await download.path(), 'utf8')).replace(/^\ufeff/, '').trim().split('\r\n');
    assert.equal(csv.length, 5, csv.join('\n'));
    assert.match(csv[0], /^Partner,SKU,GTIN,Product,Quantity,Unit price,currency,Total,/);
    assert.ok(csv.some((l) => l.startsWith(`${PARTNER},B2B-PACK-1,4006381333931,Quotelab copy paper pallet,3,1499.00,EUR,4497.00,`)), csv.join('\n'));

    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.isVisible('.site-header'), false, 'the quote prints without the site frame');
    assert.equal(await page.isVisible('.quote-head'), true);
    await page.emulateMedia({ media: 'screen' });

    await page.check(`tr[data-id="${PARTNER}:B2B-PACK-1"] [data-compare-id]`);
    await page.click('[data-list-compare]');
    assert.equal(await page.isVisible('[data-list-note]'), true, 'one product is not a comparison');
    await page.check(`tr[data-id="${demo.id}"] [data-compare-id]`);
    await Promise.all([page.waitForNavigation(), page.click('[data-list-compare]')]);
    assert.equal(new URL(page.url()).pathname, '/en/compare');
    const cols = await page.$$eval('table.compare thead th', (ths) => ths.map((th) => th.textContent.trim()));
    assert.deepEqual(cols, ['Quotelab copy paper pallet', demo.name]);
    const moqRow = await page.$$eval('table.compare tbody tr', (trs) => trs.map((tr) => tr.textContent.replace(/\s+/g, ' ').trim()));
    assert.ok(moqRow.some((r) => r.startsWith('Minimum order quantity 3')), moqRow.join('\n'));
    await axeCheck(page, 'comparison');
    await page.close();

    const phone = await browserContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    contexts.push(phone);
    const small = await newPage(phone);
    await small.goto(url('/en/list'));
    await axeCheck(small, 'empty list on a phone');
    await small.close();
  });
});

describe('comparable prices', () => {
  test('a French home page opens on euros; price sorts stay in one currency, with a choice', async () => {
    const page = await newPage();
    await page.goto(url('/fr/'));
    const home = await page.$$eval('.card .price', (els) => els.map((e) => e.textContent.trim()));
    assert.ok(home.length > 0 && home.every((p) => p.endsWith('€')), `euros only: ${home.join(' ')}`);
    assert.match(await page.textContent('.currency-bar'), /Prix en EUR/);
    await axeCheck(page, 'home (fr) in euros');

    // English, sorted by price with no currency chosen: one currency, ascending.
    await page.goto(url('/en/?sort=price_asc'));
    const currencies = (await stack.api('/v1/search?q=&size=1&facets=currency')).json.facets.currency.map((c) => c.value);
    assert.ok(currencies.length > 1, `the demo has several currencies: ${currencies}`);
    const shown = await page.$$eval('.card .price', (els) => els.map((e) => e.textContent.trim()));
    assert.ok(shown.every((p) => p.startsWith('$')), `USD only: ${shown.join(' ')}`);
    const values = shown.map((p) => Number(p.slice(1).replace(/,/g, '')));
    assert.deepEqual(values, [...values].sort((a, b) => a - b));
    const choice = await page.$$eval('.currency-bar a', (as) => as.map((a) => a.textContent.replace(/\s+\d[\d,]*$/, '').trim()));
    assert.deepEqual(choice.slice(0, -1).sort(), [...currencies].sort(), 'every currency of the results is offered');
    await page.click('.currency-bar a:has-text("CNY")');
    await page.waitForURL((u) => u.searchParams.get('currency') === 'CNY' && u.searchParams.get('sort') === 'price_asc');
    await page.waitForFunction(() => [...document.querySelectorAll('.card .price')].every((e) => e.textContent.trim().startsWith('CN¥')));
    // A price band is a range in the bands' currency.
    const band = await page.getAttribute('.price-bands a', 'href');
    assert.equal(new URL(band, stack.base).searchParams.get('currency'), 'CNY');
    await page.close();
  });
});

describe('mass removal', () => {
  test('a held catalog shows, and lets the partner download, what confirming would remove', async () => {
    const key = await stack.partnerKey(HOLD);
    const list = await stack.api('/v1/catalogs?limit=5', { headers: { 'X-Api-Key': key } });
    const held = list.json.catalogs.find((c) => c.status === 'needs_confirmation');
    assert.ok(held, 'the second file is held');
    const c = await browserContext({ acceptDownloads: true });
    contexts.push(c);
    await signIn(c, stack.base, key);
    const page = await newPage(c);
    await page.goto(url('/en/partner'));
    const headers = await page.$$eval('.data thead th', (ths) => ths.map((th) => th.textContent.trim()));
    assert.ok(headers.includes('Removed'), 'the list says what each upload removed');
    await page.goto(url(`/en/partner/catalogs/${encodeURIComponent(held.id)}`));
    assert.equal((await page.textContent('#removals-title')).trim(), 'Confirming would remove 7 products');
    const skus = await page.$$eval('.removal-preview tbody tr td:first-child', (tds) => tds.map((td) => td.textContent.trim()).sort());
    assert.deepEqual(skus, ['HOLD-3', 'HOLD-4', 'HOLD-5', 'HOLD-6', 'HOLD-7', 'HOLD-8', 'HOLD-9']);
    assert.equal(await page.locator('.removal-preview button.btn-danger').count(), 1, 'Confirm');
    assert.equal(await page.getAttribute('.removal-preview a:has-text("Cancel")', 'href'), '/en/partner');
    await axeCheck(page, 'removal preview');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('.removal-preview a[download]')]);
    const { readFile } = await import('node:fs/promises');
    const csv = (await readFile(await download.path(), 'utf8')).trim().split('\n');
    assert.equal(csv[0], 'id,sku,gtin,name');
    assert.equal(csv.length, 8);
    await page.goto(url(`/fr/partner/catalogs/${encodeURIComponent(held.id)}`));
    assert.equal((await page.textContent('#removals-title')).trim(), 'Confirmer retirerait 7 produits');
    // Cancelling removes nothing.
    await page.click('.removal-preview a:has-text("Annuler")');
    await page.waitForURL((u) => u.pathname === '/fr/partner');
    assert.equal((await stack.api(`/v1/search?q=&partner=${HOLD}&size=1`)).json.total, 10);
    await page.close();
  });

  test('a held catalog can be applied as a partial update that removes nothing', async () => {
    const key = await stack.partnerKey(HOLD);
    const held = (await stack.api('/v1/catalogs?limit=5', { headers: { 'X-Api-Key': key } })).json.catalogs
      .find((c) => c.status === 'needs_confirmation');
    assert.ok(held, 'the second file is still held');
    const c = await browserContext();
    contexts.push(c);
    await signIn(c, stack.base, key);
    const page = await newPage(c);
    await page.goto(url(`/en/partner/catalogs/${encodeURIComponent(held.id)}`));
    const partial = page.locator('.removal-preview button', { hasText: 'Apply as a partial update (remove nothing)' });
    assert.equal(await partial.count(), 1, 'Confirm, partial update and Cancel');
    await axeCheck(page, 'removal preview with the partial update');
    // Keyboard only: the button is reached and pressed like any other.
    await partial.focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('.catalog-state[data-status="done"]');
    assert.equal(await page.locator('.removal-preview').count(), 0, 'no longer held');
    assert.equal((await stack.api(`/v1/search?q=&partner=${HOLD}&size=1`)).json.total, 10, 'nothing removed');
    // The catalog list says what each upload removed: 0 for this one.
    await page.goto(url('/en/partner'));
    const headers = await page.$$eval('.data thead th', (ths) => ths.map((th) => th.textContent.trim()));
    const row = await page.$$eval('.data tbody tr', (trs, id) => trs
      .filter((tr) => tr.querySelector(`a[href$="/partner/catalogs/${id}"]`))
      .map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim()))[0], encodeURIComponent(held.id));
    assert.ok(row, 'the applied catalog is listed');
    assert.equal(row[headers.indexOf('Removed')], '0');
    assert.equal(row[headers.indexOf('Status')], 'Done');
    await page.close();
  });
});
