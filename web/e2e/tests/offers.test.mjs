// The buyer's and the partner's analysis stories on the demo data, whose
// three office suppliers offer some products in common (internal/demogen:
// a shared pool; one GTIN, three partners, three prices): a buyer searches,
// sees one card for the product with its offers counted and the lowest
// price, and compares the offers on the product page, cheapest first, with
// each partner's price, minimum order and stock; a
// demo partner sees its catalog's grade and downloads the products to fix.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Stack, browserContext, signIn } from '../lib/stack.mjs';
import { seriousViolations } from '../lib/axe.mjs';

const OFFICE = ['bureau-plus', 'papeterie-centrale', 'bureau-direct'];

let stack;
const contexts = [];

async function context(options) {
  const c = await browserContext(options);
  contexts.push(c);
  return c;
}

/** amount reads the number of a price shown in English ("€1,234.50"). */
function amount(text) {
  return Number(text.replace(/[^0-9.]/g, ''));
}

/** cells lists the rows of a table body, each row's cells joined by " | ". */
async function cells(page, selector) {
  return page.$$eval(`${selector} tbody tr`, (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent.replace(/\s+/g, ' ').trim())));
}

before(async () => {
  stack = await Stack.create();
  await stack.start();
}, { timeout: 300_000 });

after(async () => {
  for (const c of contexts) { await c.close(); }
  if (stack) { await stack.destroy(); }
});

/**
 * sharedProduct finds a demo product that the three office suppliers all
 * offer, and its offers as the API lists them.
 */
async function sharedProduct() {
  const some = await stack.api('/v1/search?q=&partner=bureau-direct&size=100&facets=');
  for (const h of some.json.hits) {
    const offers = await stack.api(`/v1/products/${encodeURIComponent(h.product.id)}/offers`);
    if (offers.json.offers.length === 3) { return { product: h.product, offers: offers.json.offers }; }
  }
  throw new Error('no product of bureau-direct is offered by the three office suppliers');
}

describe('offers of one product across partners', () => {
  test('a buyer finds one card for a product three partners offer and compares the offers, cheapest first', async () => {
    const { product, offers } = await sharedProduct();
    assert.deepEqual(offers.map((o) => o.partner).sort(), [...OFFICE].sort());
    const prices = offers.map((o) => Number(o.price.amount));
    assert.deepEqual(prices, [...prices].sort((a, b) => a - b), 'the API lists the offers cheapest first');

    // The same query grouped and not: the group counts as one result.
    const q = encodeURIComponent(product.name);
    const flat = await stack.api(`/v1/search?q=${q}&size=100&facets=`);
    const grouped = await stack.api(`/v1/search?q=${q}&group=offers&size=100&facets=`);
    assert.equal(grouped.status, 200);
    const hit = grouped.json.hits.find((h) => h.product.offer_key === product.offer_key);
    assert.ok(hit, 'the grouped search has the product');
    assert.equal(hit.group.offers, 3);
    assert.equal(Number(hit.group.min_price.amount), prices[0]);
    assert.equal(grouped.json.hits.filter((h) => h.product.offer_key === product.offer_key).length, 1, 'one hit for the three offers');
    assert.equal(flat.json.hits.filter((h) => h.product.offer_key === product.offer_key).length, 3);
    assert.ok(grouped.json.total <= flat.json.total - 2, `grouped total ${grouped.json.total}, flat ${flat.json.total}`);

    // On the site, without JavaScript: search, group, open the card's offers.
    const c = await context({ javaScriptEnabled: false });
    const page = await c.newPage();
    await page.goto(`${stack.base}/en/?q=${q}`);
    await Promise.all([page.waitForNavigation(), page.click('.grouping a')]);
    assert.equal(new URL(page.url()).searchParams.get('group'), 'offers');
    const summary = page.locator(`.offers-summary a[href*="${encodeURIComponent(hit.product.id)}"]`);
    const text = (await summary.textContent()).replace(/\s+/g, ' ').trim();
    assert.match(text, /^3 offers from €[0-9,.]+ – /, text);
    assert.equal(amount(text.split(' – ')[0].split(' from ')[1]), prices[0]);
    const groupedURL = page.url();
    await Promise.all([page.waitForNavigation(), summary.click()]);
    const landed = new URL(page.url());
    assert.equal(landed.pathname, `/en/product/${encodeURIComponent(hit.product.id)}`);
    assert.equal(landed.hash, '#offers');
    assert.equal((await page.textContent('#offers-title')).trim(), '3 offers');
    const rows = await cells(page, '.offers-table');
    assert.deepEqual(rows.map((r) => r[0].replace(' (this offer)', '')), offers.map((o) => o.partner_name || o.partner), 'the partners in the API\'s order');
    const shown = rows.map((r) => amount(r[1]));
    assert.deepEqual(shown, prices, 'cheapest first');
    // Each partner's minimum order and availability, as their files say them (a stock quantity).
    const head = await page.$$eval('.offers-table thead th', (ths) => ths.map((th) => th.textContent.trim()));
    assert.deepEqual(head, ['Partner', 'Price', 'Minimum order', 'Availability']);
    const label = { in_stock: 'In stock', out_of_stock: 'Out of stock', backorder: 'On backorder' };
    assert.deepEqual(rows.map((r) => [amount(r[2]), r[3]]), offers.map((o) => [o.moq, label[o.availability]]));
    // Ungrouping brings every offer back as its own card.
    await page.goto(groupedURL);
    await Promise.all([page.waitForNavigation(), page.click('.grouping a')]);
    assert.equal(new URL(page.url()).searchParams.get('group'), null);
    assert.equal(await page.locator('.offers-summary').count(), 0);
    await page.close();

    // The grouped page and the offers with scripts on pass axe's checks.
    const js = await context();
    const checked = await js.newPage();
    await checked.goto(groupedURL);
    assert.deepEqual(await seriousViolations(checked), []);
    await checked.goto(`${stack.base}/en/product/${encodeURIComponent(hit.product.id)}#offers`);
    assert.deepEqual(await seriousViolations(checked), []);
    await checked.close();
  });
});

describe('catalog quality of a demo partner', () => {
  test('a demo partner sees its catalog grade and downloads the products to fix', async () => {
    const key = await stack.partnerKey('papeterie-centrale');
    const list = await stack.api('/v1/catalogs', { headers: { 'X-Api-Key': key } });
    const quality = list.json.catalogs[0].report.quality;
    assert.match(quality.grade, /^[A-E]$/);
    assert.ok(quality.to_fix > 0, 'the demo has products without a GTIN to fix');

    const c = await context({ javaScriptEnabled: false });
    assert.equal(await signIn(c, stack.base, key), 'papeterie-centrale');
    const page = await c.newPage();
    await page.goto(`${stack.base}/en/partner`);
    assert.equal((await page.textContent('table.data tbody tr .grade')).trim(), quality.grade);
    await Promise.all([page.waitForNavigation(), page.click('table.data tbody a')]);
    assert.equal(await page.getAttribute('.quality-grade [data-grade]', 'data-grade'), quality.grade);
    const grades = await cells(page, '#quality-grades table');
    assert.deepEqual(grades.map((r) => `${r[0]} ${r[1]}`), ['A', 'B', 'C', 'D', 'E'].map((g) => `${g} ${quality.grades[g]}`));
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#quality-download')]);
    let text = '';
    for await (const chunk of await download.createReadStream()) { text += chunk; }
    const lines = text.trim().split('\n');
    assert.equal(lines[0], 'id,sku,name,grade,score,issues,how_to_fix');
    assert.equal(lines.length - 1, quality.to_fix, 'one line per product to fix');
    assert.ok(lines.slice(1).every((l) => l.startsWith('papeterie-centrale:')), 'only the partner\'s own products');
    await page.close();
  });
});
