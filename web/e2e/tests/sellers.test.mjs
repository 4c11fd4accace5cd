// Issue 18, items 1, 9 and 12 (the parts added last), in headless Chromium
// against the real local stack (`catalogctl serve` on a data folder of our
// own, no demo): an approximate converted price only where the operator
// configured a dated rate (DATA/rates.json), sellers by their display name
// (set on the partner settings page, by keyboard), and price tiers on the
// product page that the buyer's list applies for the quantity, MOQ kept.
// Every page visited is checked with axe, also at phone width.
import { after, before, describe, test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Stack, browserContext, signIn } from '../lib/stack.mjs';
import { seriousViolations } from '../lib/axe.mjs';

const test = (name, fn) => nodeTest(name, { timeout: 120_000 }, fn);

const PARTNER = 'tier-lab';
// One dollar is 0.5 euro as of 2026-11-30: the only rate configured.
const RATES = [{ from: 'USD', to: 'EUR', rate: '0.5', date: '2026-11-30' }];
const CSV = [
  'sku,name,brand,category,price,currency,moq,unit,qty_1,price_1,qty_2,price_2',
  'TL-USD,Tierlab dollar stapler,Tierlab,Office > Staplers,24.68,USD,,piece,,,,',
  'TL-EUR,Tierlab euro stapler,Tierlab,Office > Staplers,10.00,EUR,5,piece,10,9.00,50,8.50',
  'TL-CNY,Tierlab yuan stapler,Tierlab,Office > Staplers,70.00,CNY,,piece,,,,',
].join('\n') + '\n';

let stack;
let ctx;
const contexts = [];

async function axeCheck(page, label) {
  const v = await seriousViolations(page);
  assert.deepEqual(v, [], `axe on ${label}: ${JSON.stringify(v, null, 1)}`);
}

function url(path) { return stack.base + path; }
const product = (sku) => `/product/${encodeURIComponent(`${PARTNER}:${sku}`)}`;
const text = async (page, sel) => (await page.textContent(sel)).replace(/\s+/g, ' ').trim();

before(async () => {
  stack = await Stack.create();
  await writeFile(join(stack.dataDir, 'rates.json'), JSON.stringify(RATES));
  await stack.ingest(PARTNER, 'tier-lab.csv', CSV);
  await stack.start({ demo: false });
  ctx = await browserContext();
}, { timeout: 300_000 });

after(async () => {
  for (const c of contexts) { await c.close(); }
  if (ctx) { await ctx.close(); }
  if (stack) { await stack.destroy(); }
});

/** card returns the text of the result card whose title is name. */
async function card(page, name) {
  return page.$eval(`xpath=//li[contains(@class,"card")][.//h2[contains(., "${name}")]]`, (li) => li.textContent.replace(/\s+/g, ' ').trim());
}

describe('converted prices (item 1)', () => {
  test('a price in another currency shows its approximate conversion only where a dated rate is configured', async () => {
    const page = await ctx.newPage();
    // All currencies on one page, in French: the buyer's currency is EUR.
    await page.goto(url('/fr/?q=tierlab&currency=all'));
    const usd = await card(page, 'Tierlab dollar stapler');
    assert.match(usd, /24,68 \$US|24,68 USD|24,68 \$/, usd);
    assert.match(usd, /≈ 12,34 € \(taux du 2026-11-30\)/, 'USD → EUR at the configured rate, with its date');
    assert.doesNotMatch(await card(page, 'Tierlab euro stapler'), /≈/, 'a euro price needs no conversion');
    assert.doesNotMatch(await card(page, 'Tierlab yuan stapler'), /≈/, 'no rate CNY → EUR: nothing shown, never a guess');
    await axeCheck(page, 'results with converted prices');
    await page.goto(url(`/fr${product('TL-USD')}`));
    assert.equal(await text(page, '.product .approx'), '≈ 12,34 € (taux du 2026-11-30)');
    // An English buyer (USD): the inverse of the configured rate, dated.
    await page.goto(url(`/en${product('TL-EUR')}`));
    assert.equal(await text(page, '.product .approx'), '≈ $20.00 (rate of 2026-11-30)');
    await page.goto(url(`/en${product('TL-CNY')}`));
    assert.equal(await page.locator('.approx').count(), 0);
    // Sorting by price never uses the conversion: one currency at a time.
    await page.goto(url('/fr/?q=tierlab&sort=price_asc'));
    const prices = await page.$$eval('.card .price', (ps) => ps.map((p) => p.textContent.trim()));
    assert.ok(prices.length > 0 && prices.every((p) => p.endsWith('€')), prices.join(' | '));
    await page.close();
  });
});

describe('sellers by name (item 9)', () => {
  test('a partner sets its display name by keyboard; cards, product, list and quote show it', async () => {
    const key = await stack.partnerKey(PARTNER);
    const c = await browserContext();
    contexts.push(c);
    await signIn(c, stack.base, key);
    const page = await c.newPage();
    await page.goto(url('/en/?q=tierlab&currency=all'));
    assert.match(await card(page, 'Tierlab euro stapler'), /Sold by tier-lab/, 'no display name yet: the code');

    await page.goto(url('/en/partner'));
    await page.focus('#settings-link');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.equal(new URL(page.url()).pathname, '/en/partner/settings');
    await axeCheck(page, 'partner settings');
    await page.focus('#display-name');
    await page.keyboard.type('Tierlab Supplies');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.match(await text(page, '.notice'), /Saved/);
    assert.equal(await page.inputValue('#display-name'), 'Tierlab Supplies');
    // What a price of 0 means in the partner's files: on request by default, free when chosen.
    assert.equal(await page.inputValue('#zero-price'), 'on_request');
    await page.selectOption('#zero-price', 'free');
    await Promise.all([page.waitForNavigation(), page.click('.settings-form button[type=submit]')]);
    assert.equal(await page.inputValue('#zero-price'), 'free');
    assert.equal(await page.inputValue('#display-name'), 'Tierlab Supplies', 'the name is kept');
    await page.selectOption('#zero-price', 'on_request');
    await Promise.all([page.waitForNavigation(), page.click('.settings-form button[type=submit]')]);
    assert.equal(await page.inputValue('#zero-price'), 'on_request');

    await page.goto(url('/en/?q=tierlab&currency=all'));
    assert.match(await card(page, 'Tierlab euro stapler'), /Sold by Tierlab Supplies/);
    const facet = await page.$$eval('.facet .facet-value', (vs) => vs.map((v) => v.textContent.trim()));
    assert.ok(facet.includes('Tierlab Supplies') && !facet.includes('tier-lab'), facet.join(' | '));
    await page.goto(url(`/en/?q=tierlab&currency=all&partner=${PARTNER}`));
    assert.equal((await text(page, '.chips .chip:not(.chip-clear)')).replace(' ×', ''), 'Tierlab Supplies', 'the active filter chip names the seller');
    await page.goto(url(`/en${product('TL-EUR')}`));
    assert.equal(await text(page, '.product .partner a'), 'Tierlab Supplies');
    await page.click('form[data-list-add] button');
    await page.waitForSelector('.list-added a');
    await page.goto(url('/en/list'));
    await page.waitForSelector('.list-partner h2');
    assert.equal(await text(page, '.list-partner h2'), 'Quote request to Tierlab Supplies');
    await page.close();
  });
});

describe('price tiers (item 12)', () => {
  test('the product page lists the tiers; the list applies the tier of the quantity and keeps the MOQ', async () => {
    const c = await browserContext({ acceptDownloads: true });
    contexts.push(c);
    const page = await c.newPage();
    await page.goto(url(`/en${product('TL-EUR')}`));
    const rows = await page.$$eval('table.tiers tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent.trim()).join(' | ')));
    assert.deepEqual(rows, ['from 10 | €9.00', 'from 50 | €8.50']);
    assert.equal(await page.getAttribute('#list-qty', 'min'), '5', 'the MOQ is the least quantity');
    await axeCheck(page, 'product page with tiers');
    await page.click('form[data-list-add] button');
    await page.waitForSelector('.list-added a');

    await page.goto(url('/en/list'));
    const row = `tr[data-id="${PARTNER}:TL-EUR"]`;
    await page.waitForSelector(row);
    const unit = () => text(page, `${row} .unit-price`);
    const total = () => text(page, `${row} .line-total`);
    assert.equal(await page.inputValue(`${row} input.qty`), '5');
    assert.equal(await unit(), '€10.00', 'below the first tier: the base price');
    assert.equal(await total(), '€50.00');
    const setQty = async (n, want) => {
      await page.fill(`${row} input.qty`, String(n));
      await page.press(`${row} input.qty`, 'Enter');
      await page.waitForFunction(([sel, w]) => document.querySelector(sel).value === w, [`${row} input.qty`, String(want)]);
    };
    await setQty(12, 12);
    assert.equal(await unit(), '€9.00', '12 units: the tier from 10');
    assert.equal(await total(), '€108.00');
    await setQty(60, 60);
    assert.equal(await unit(), '€8.50');
    assert.equal(await total(), '€510.00');
    await setQty(2, 5);
    assert.equal(await unit(), '€10.00', 'below the MOQ goes back to it, at the base price');
    assert.match(await text(page, `${row} .list-meta`), /€9\.00 from 10 · €8\.50 from 50/);
    await setQty(50, 50);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-list-csv]')]);
    const { readFile } = await import('node:fs/promises');
    const csv = (await readFile(await download.path(), 'utf8')).trim().split('\r\n');
    assert.ok(csv.some((l) => l.includes(',TL-EUR,,Tierlab euro stapler,50,8.50,EUR,425.00,')), csv.join('\n'));
    await axeCheck(page, 'list with a tier applied');
    await page.close();

    const phone = await browserContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    contexts.push(phone);
    const small = await phone.newPage();
    await small.goto(url(`/fr${product('TL-EUR')}`));
    assert.equal(await small.locator('table.tiers').isVisible(), true);
    const overflow = await small.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the product page scrolls sideways by ${overflow}px on a phone`);
    await axeCheck(small, 'product page with tiers on a phone');
    await small.close();
  });
});

/** tabTo presses Tab until the focus is on selector (at most max times). */
async function tabTo(page, selector, max = 80) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((sel) => document.activeElement?.matches(sel) ?? false, selector)) { return i + 1; }
  }
  throw new Error(`${selector} not reached in ${max} Tab presses`);
}

describe('keyboard only and phone width (the audit of issue 18)', () => {
  test("a keyboard user adds to the buyer's list, changes the quantity to a tier and removes the line", async () => {
    const c = await browserContext();
    contexts.push(c);
    const page = await c.newPage();
    await page.goto(url(`/en${product('TL-EUR')}`));
    await tabTo(page, '#list-qty');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('12');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.list-added a');
    assert.match(await text(page, '.list-added'), /: 12$/);
    await tabTo(page, '.list-added a', 10);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    const row = `tr[data-id="${PARTNER}:TL-EUR"]`;
    await page.waitForSelector(row);
    assert.equal(await text(page, `${row} .unit-price`), '€9.00', '12 units: the tier from 10');
    await tabTo(page, `${row} input.qty`);
    await page.keyboard.press('Control+A');
    await page.keyboard.type('3');
    await page.keyboard.press('Enter');
    await page.waitForFunction((sel) => document.querySelector(sel).value === '5', `${row} input.qty`);
    assert.equal(await page.evaluate((sel) => document.activeElement === document.querySelector(sel), `${row} input.qty`), true, 'the focus stays on the quantity');
    assert.equal(await text(page, `${row} .unit-price`), '€10.00');
    await tabTo(page, `${row} [data-remove-id]`, 10);
    await page.keyboard.press('Enter');
    await page.waitForSelector('.list-empty');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'list-title', 'the focus goes to the heading, not lost');
    await axeCheck(page, 'emptied list (keyboard)');
    await page.close();
  });

  test('at phone width the list with lines and the partner settings fit and pass axe', async () => {
    const phone = await browserContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    contexts.push(phone);
    const page = await phone.newPage();
    await page.goto(url(`/fr${product('TL-EUR')}`));
    await page.click('form[data-list-add] button');
    await page.waitForSelector('.list-added a');
    await page.goto(url('/fr/list'));
    await page.waitForSelector('.list-table');
    const overflow = async () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(await overflow() <= 0, 'the list page does not scroll sideways (its table scrolls in its own region)');
    await axeCheck(page, 'list with lines on a phone');
    await signIn(phone, stack.base, await stack.partnerKey(PARTNER));
    await page.goto(url('/fr/partner/settings'));
    assert.ok(await overflow() <= 0, 'the settings page does not scroll sideways');
    await axeCheck(page, 'partner settings on a phone');
    await page.close();
  });
});
