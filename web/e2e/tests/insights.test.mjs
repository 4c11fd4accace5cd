// The operator's story in a real browser against `catalogctl serve`: the
// test types searches that find nothing on the search page, clicks a
// result, then opens the insights page signed in with the operator key
// (a partner's key is refused there) and sees its own zero-result
// searches and the click, in charts whose numbers are tables beside them,
// without JavaScript; axe finds nothing serious.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Stack, browserContext, signInOperator as signInAt } from '../lib/stack.mjs';
import { seriousViolations } from '../lib/axe.mjs';

const CSV = [
  'sku,name,description,brand,category,price,currency,gtin',
  'I-1,Chaise insightword,Chaise pliante,Acme,Jardin > Chaises,49.90,EUR,4006381333931',
  'I-2,Table insightword,Table en chêne,Acme,Jardin > Tables,189.00,EUR,',
  'I-3,Stylo insightword,Stylo bille,Scripto,Bureau,1.20,EUR,',
].join('\n') + '\n';
const RIVAL = [
  'sku,name,brand,price,currency,gtin',
  'R-1,Chaise pliante insightword,Acme,39.50,EUR,04006381333931',
].join('\n') + '\n';

// Words no product holds; random so that the test sees its own searches.
const tag = Math.random().toString(36).slice(2, 8);
const ZERO = [`zorglubix${tag}`, `qwxyzpok${tag}`];

let stack;
let operator;
let partner;
const contexts = [];

async function context(options) {
  const c = await browserContext(options);
  contexts.push(c);
  return c;
}

function signInOperator(c, key) {
  return signInAt(c, stack.base, key);
}

before(async () => {
  stack = await Stack.create();
  await stack.ingest('e2e-insight', 'insight.csv', CSV, 'full');
  await stack.ingest('e2e-rival', 'rival.csv', RIVAL, 'full');
  await stack.start({ demo: false });
  operator = await stack.operatorKey();
  partner = await stack.partnerKey('e2e-insight');
}, { timeout: 300_000 });

after(async () => {
  for (const c of contexts) { await c.close(); }
  if (stack) { await stack.destroy(); }
});

describe('insights', () => {
  test('the operator sees the zero-result searches the test typed, and the click', async () => {
    const c = await context({ javaScriptEnabled: false });
    const page = await c.newPage();
    for (const word of [...ZERO, ZERO[0]]) {
      await page.goto(`${stack.base}/en/`);
      await page.fill('input[name="q"]', word);
      await Promise.all([page.waitForNavigation(), page.press('input[name="q"]', 'Enter')]);
      assert.equal(await page.$$eval('ol.grid > li', (els) => els.length), 0, `${word} finds nothing`);
    }
    // A search that finds, and a click on its second result.
    await page.goto(`${stack.base}/en/`);
    await page.fill('input[name="q"]', 'insightword');
    await Promise.all([page.waitForNavigation(), page.press('input[name="q"]', 'Enter')]);
    const second = page.locator('ol.grid > li .card-title a').nth(1);
    assert.match(await second.getAttribute('href'), /^\/en\/click\?q=insightword&pos=2&to=/);
    await Promise.all([page.waitForNavigation(), second.click()]);
    assert.match(new URL(page.url()).pathname, /^\/en\/product\//);
    await page.close();

    // A partner's key does not open the insights.
    const p = await context({ javaScriptEnabled: false });
    const refused = await signInOperator(p, partner);
    assert.equal(await refused.locator('#operator-key').count(), 1);
    assert.match(await refused.textContent('.notice-error'), /partner’s API key does not open/);

    // The batcher writes once a second: the page shows them soon after.
    const o = await context({ javaScriptEnabled: false });
    const insights = await signInOperator(o, operator);
    let zero = [];
    for (let i = 0; i < 20; i++) {
      zero = await insights.$$eval('#insights-zero table tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent.trim()).join(' ')));
      if (zero.length >= 2) { break; }
      await new Promise((r) => setTimeout(r, 500));
      await insights.reload();
    }
    assert.deepEqual(zero, [`${ZERO[0]} 2`, `${ZERO[1]} 1`]);
    const clicks = await insights.$$eval('#insights-clicks table tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent.trim()).join(' ')));
    assert.deepEqual(clicks, ['Position 1 0', 'Position 2 1']);
    // Each chart is an image with a title and a description, its numbers beside it.
    for (const id of ['insights-partners', 'insights-zero', 'insights-clicks', 'insights-offers']) {
      const svg = insights.locator(`#${id} svg[role="img"]`);
      assert.equal(await svg.getAttribute('aria-labelledby'), `${id}-title ${id}-desc`);
      assert.ok((await insights.textContent(`#${id}-desc`)).length > 20);
    }
    const partners = await insights.$$eval('#insights-partners table tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent.trim()).join(' ')));
    assert.deepEqual(partners, ['e2e-insight 3', 'e2e-rival 1']);
    const offers = await insights.$$eval('#insights-offers table tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent.trim()).join(' ')));
    assert.equal(offers.length, 1);
    assert.match(offers[0], / 2$/);
    await insights.close();

    const js = await context();
    const checked = await signInOperator(js, operator);
    assert.deepEqual(await seriousViolations(checked), []);
    await checked.close();
  });
});
