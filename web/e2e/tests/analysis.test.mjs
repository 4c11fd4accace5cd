// The analysis stories in a real browser against `catalogctl serve`: a
// buyer compares the offers of one product from two partners (price,
// minimum order, unit and stock, cheapest first); a partner sees the quality grade of its catalog (a server-drawn chart
// with its numbers as a table, without JavaScript) and downloads the
// products to fix.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Stack, browserContext, signIn } from '../lib/stack.mjs';
import { seriousViolations } from '../lib/axe.mjs';

// Three products: complete (A, 100), poor (E, 10) and middling (C, 70);
// the catalog's mean is 60, a C.
const QUALITY_CSV = [
  'sku,name,description,brand,category,price,currency,gtin,image,Couleur',
  'Q-1,Chaise de jardin qualword,Chaise pliante en acier galvanisé,Acme,Jardin > Chaises,49.90,EUR,4006381333931,https://img.example/q1.jpg,Vert',
  'Q-2,TABOURET QUALWORD,,,,0,EUR,,,',
  'Q-3,Banc qualword,Banc en chêne massif,Acme,Jardin,89.00,EUR,,,',
].join('\n') + '\n';

// Another partner offers Q-1 (same EAN, written as 14 digits) for less.
// Its file says its stock (Q-1's does not: unknown, not out of stock).
const RIVAL_CSV = [
  'sku,name,brand,price,currency,gtin,moq,unit,stock',
  'R-9,Chaise pliante de jardin acier,Acme,39.50,EUR,04006381333931,20,carton de 4,120',
].join('\n') + '\n';

let stack;
const keys = {};
const contexts = [];

async function context(options) {
  const c = await browserContext(options);
  contexts.push(c);
  return c;
}

before(async () => {
  stack = await Stack.create();
  await stack.ingest('e2e-quality', 'quality.csv', QUALITY_CSV, 'full');
  await stack.ingest('e2e-rival', 'rival.csv', RIVAL_CSV, 'full');
  await stack.start({ demo: false });
  for (const p of ['e2e-quality', 'e2e-other']) { keys[p] = await stack.partnerKey(p); }
}, { timeout: 300_000 });

after(async () => {
  for (const c of contexts) { await c.close(); }
  if (stack) { await stack.destroy(); }
});

describe('offers', () => {
  test('a buyer compares the offers of one product, cheapest first, without JavaScript', async () => {
    const api = await stack.api('/v1/products/e2e-quality%3AQ-1/offers');
    assert.deepEqual(api.json.offers.map((o) => o.product_id), ['e2e-rival:R-9', 'e2e-quality:Q-1']);
    const c = await context({ javaScriptEnabled: false });
    const page = await c.newPage();
    await page.goto(`${stack.base}/en/product/e2e-quality%3AQ-1`);
    assert.equal((await page.textContent('#offers-title')).trim(), '2 offers');
    const rows = await page.$$eval('.offers-table tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent.replace(/\s+/g, ' ').trim()).join(' | ')));
    // Price, minimum order, unit and availability (its stock of 120) where known; no lead time column, as no offer says one.
    const head = await page.$$eval('.offers-table thead th', (ths) => ths.map((th) => th.textContent.trim()));
    assert.deepEqual(head, ['Partner', 'Price', 'Minimum order', 'Unit', 'Availability']);
    assert.deepEqual(rows, ['e2e-rival | €39.50 | 20 | carton de 4 | In stock', 'e2e-quality (this offer) | €49.90 |  |  | ']);
    assert.equal(api.json.offers[0].availability, 'in_stock');
    assert.equal(api.json.offers[1].availability, undefined);
    // The other offer is one click away.
    await Promise.all([page.waitForNavigation(), page.click('.offers-table tbody a')]);
    assert.equal(new URL(page.url()).pathname, '/en/product/e2e-rival%3AR-9');
    assert.equal((await page.textContent('#offers-title')).trim(), '2 offers');
    await page.close();
    const js = await context();
    const checked = await js.newPage();
    await checked.goto(`${stack.base}/en/product/e2e-quality%3AQ-1`);
    assert.deepEqual(await seriousViolations(checked), []);
    await checked.close();
  });
});

describe('catalog quality', () => {
  test('a partner sees its catalog grade and downloads the products to fix, without JavaScript', async () => {
    const list = await stack.api('/v1/catalogs', { headers: { 'X-Api-Key': keys['e2e-quality'] } });
    const cat = list.json.catalogs[0];
    assert.equal(cat.report.quality.grade, 'C');
    assert.deepEqual(cat.report.quality.grades, { A: 1, B: 0, C: 1, D: 0, E: 1 });
    assert.equal(cat.report.quality.to_fix, 2);

    const c = await context({ javaScriptEnabled: false });
    assert.equal(await signIn(c, stack.base, keys['e2e-quality']), 'e2e-quality');
    const page = await c.newPage();
    await page.goto(`${stack.base}/en/partner`);
    assert.equal((await page.textContent('table.data tbody tr .grade')).trim(), 'C', 'the grade column of the catalog list');
    await Promise.all([page.waitForNavigation(), page.click('table.data tbody a')]);
    assert.equal(await page.getAttribute('.quality-grade [data-grade]', 'data-grade'), 'C');
    assert.match(await page.textContent('.quality-grade'), /mean score 60\/100 over 3 products/);
    // The chart: an image named by its title and described by its description.
    const svg = page.locator('#quality-grades svg[role="img"]');
    assert.equal(await svg.locator('title').textContent(), 'Products per quality grade');
    assert.match(await svg.locator('desc').textContent(), /A: 1, B: 0, C: 1, D: 0, E: 1/);
    assert.equal(await svg.getAttribute('aria-labelledby'), 'quality-grades-title quality-grades-desc');
    assert.equal(await svg.locator('rect.chart-bar').count(), 5);
    // The same numbers as a table beside it.
    const rows = await page.$$eval('#quality-grades table tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent.replace(/\s+/g, ' ').trim()).join(' ')));
    assert.deepEqual(rows, ['A 1', 'B 0', 'C 1', 'D 0', 'E 1']);
    const issues = await page.$$eval('.quality table.data:not(.chart-table) tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent.replace(/\s+/g, ' ').trim()).join(' ')));
    assert.ok(issues.some((r) => /Add at least one image URL image_missing 2/.test(r)), issues.join('\n'));
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#quality-download')]);
    let text = '';
    for await (const chunk of await download.createReadStream()) { text += chunk; }
    const lines = text.trim().split('\n');
    assert.equal(lines[0], 'id,sku,name,grade,score,issues,how_to_fix');
    assert.equal(lines.length, 3, text);
    assert.match(lines.find((l) => l.startsWith('e2e-quality:Q-2,')), /,E,10,name_casing \| description_missing .*price_implausible/);
    assert.ok(!text.includes('e2e-quality:Q-1,'), 'a product that passes every rule is not listed');
    const catalogURL = page.url();
    await page.close();
    // The same page with scripts on passes axe's WCAG checks.
    const js = await context();
    await signIn(js, stack.base, keys['e2e-quality']);
    const checked = await js.newPage();
    await checked.goto(catalogURL);
    assert.deepEqual(await seriousViolations(checked), []);
    await checked.close();
  });

  test('the grade is a search filter and a facet', async () => {
    const res = await stack.api('/v1/search?partner=e2e-quality&grade=E&facets=grade');
    assert.equal(res.status, 200);
    assert.deepEqual(res.json.hits.map((h) => h.product.sku), ['Q-2']);
    assert.deepEqual(res.json.facets.grade, [{ value: 'A', count: 1 }, { value: 'C', count: 1 }, { value: 'E', count: 1 }]);
    assert.equal(res.json.hits[0].product.quality.grade, 'E');
  });

  test('the products to fix need the catalog partner\'s key', async () => {
    const list = await stack.api('/v1/catalogs', { headers: { 'X-Api-Key': keys['e2e-quality'] } });
    const path = `/v1/catalogs/${encodeURIComponent(list.json.catalogs[0].id)}/to-fix.csv`;
    assert.equal((await stack.api(path)).status, 401);
    assert.equal((await stack.api(path, { headers: { 'X-Api-Key': keys['e2e-other'] } })).status, 404);
    assert.equal((await stack.api(path, { headers: { 'X-Api-Key': keys['e2e-quality'] } })).status, 200);
  });
});
