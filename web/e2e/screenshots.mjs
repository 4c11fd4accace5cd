// Screenshots of the main pages at desktop and phone widths, taken in
// headless Chromium against `catalogctl serve --demo`:
//   node screenshots.mjs OUTDIR   (make screenshots)
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Stack, browserContext, pickWord, signIn, signInOperator } from './lib/stack.mjs';

const out = process.argv[2];
if (!out) { console.error('usage: node screenshots.mjs OUTDIR'); process.exit(2); }
await mkdir(out, { recursive: true });

const stack = await Stack.create();
const shots = [];
try {
  await stack.start({ demo: true });
  // A wholesaler whose file says "Prix unitaire HT": its prices read "HT" /
  // "excl. VAT" with the pack they buy; one is on request.
  await stack.stop();
  await stack.ingest('papeterie-pro', 'tarif-pro.csv', [
    'sku;name;brand;category;Prix unitaire HT;currency;gtin;moq;unit;lead_time_days;Quantité palier 1;Prix palier 1;Quantité palier 2;Prix palier 2',
    'PP-A4-240;Ramette papier A4 80 g, palette;Papeo Pro;Papeterie > Papier;1499,00;EUR;4006381333931;1;palette de 240 ramettes;5;;;;',
    'PP-A4-5;Ramette papier A4 80 g, carton;Papeo Pro;Papeterie > Papier;24,90;EUR;;2;carton de 5 ramettes;2;10;23,50;50;21,90',
    'PP-A3-5;Ramette papier A3 80 g, carton;Papeo Pro;Papeterie > Papier;49,50;EUR;;1;carton de 5 ramettes;3;;;;',
    'PP-SUR;Papier sur mesure (grammage au choix);Papeo Pro;Papeterie > Papier;;EUR;;500;feuille;20;;;;',
  ].join('\n') + '\n');
  // A new price list for two of them: its page lists the changes, and a
  // product page shows its price history.
  await stack.ingest('papeterie-pro', 'tarif-pro-janvier.csv', [
    'sku;name;brand;category;Prix unitaire HT;currency;gtin;moq;unit;lead_time_days',
    'PP-A4-5;Ramette papier A4 80 g, carton;Papeo Pro;Papeterie > Papier;26,50;EUR;;2;carton de 5 ramettes;2',
    'PP-A3-5;Ramette papier A3 80 g blanc, carton;Papeo Pro;Papeterie > Papier;47,90;EUR;;1;carton de 5 ramettes;3',
    'PP-A5-5;Ramette papier A5 80 g, carton;Papeo Pro;Papeterie > Papier;14,90;EUR;;2;carton de 5 ramettes;2',
  ].join('\n') + '\n');
  // Then a "whole catalog" of one of them: held, and its removals listed.
  await stack.ingest('papeterie-pro', 'tarif-pro-complet.csv', [
    'sku;name;brand;category;Prix unitaire HT;currency;gtin;moq;unit;lead_time_days;Quantité palier 1;Prix palier 1;Quantité palier 2;Prix palier 2',
    'PP-A4-5;Ramette papier A4 80 g, carton;Papeo Pro;Papeterie > Papier;24,90;EUR;;2;carton de 5 ramettes;2;10;23,50;50;21,90',
  ].join('\n') + '\n', 'full');
  // The operator's dated exchange rates: a price in another currency than
  // the locale's shows "≈ ... (rate of ...)" beside it.
  await writeFile(join(stack.dataDir, 'rates.json'), JSON.stringify([
    { from: 'EUR', to: 'USD', rate: '1.0512', date: '2026-11-30' },
    { from: 'CNY', to: 'EUR', rate: '0.1302', date: '2026-11-30' },
    { from: 'CNY', to: 'USD', rate: '0.1369', date: '2026-11-30' },
  ]));
  await stack.start({ demo: false });
  const { word } = await pickWord(stack);
  const first = (await stack.api(`/v1/search?q=${encodeURIComponent(word)}&size=1`)).json.hits[0].product;
  // The partner pages of a signed-in demo partner; the sign-in form first.
  const key = await stack.partnerKey('bureau-plus');
  const catalogs = (await stack.api('/v1/catalogs?limit=1', { headers: { 'X-Api-Key': key } })).json.catalogs;
  const proKey = await stack.partnerKey('papeterie-pro');
  const heldId = (await stack.api('/v1/catalogs?limit=5', { headers: { 'X-Api-Key': proKey } })).json.catalogs
    .find((c) => c.status === 'needs_confirmation').id;
  // A product the demo's three office suppliers all offer (one GTIN):
  // its offers cheapest first, and a search grouping them on one card.
  let shared = null;
  for (const h of (await stack.api('/v1/search?q=&partner=bureau-direct&size=100&facets=')).json.hits) {
    if ((await stack.api(`/v1/products/${encodeURIComponent(h.product.id)}/offers`)).json.offers.length === 3) { shared = h.product; break; }
  }
  if (!shared) { throw new Error('no demo product with three offers'); }
  const sharedQ = encodeURIComponent(shared.name);
  // Its display name, which buyers see instead of "papeterie-pro".
  await stack.api('/v1/partner/settings', {
    method: 'PUT', headers: { 'X-Api-Key': proKey, 'Content-Type': 'application/json' },
    body: JSON.stringify({ display_name: 'Papeterie Pro SAS' }),
  });
  const changedId = (await stack.api('/v1/catalogs?limit=5', { headers: { 'X-Api-Key': proKey } })).json.catalogs
    .find((c) => c.file === 'tarif-pro-janvier.csv').id;
  const pricedId = encodeURIComponent('papeterie-pro:PP-A4-5');
  const pages = [
    ['signin', '/en/partner', '/fr/partner'],
    ['search', `/en/?q=${encodeURIComponent(word)}`, `/fr/?q=${encodeURIComponent(word)}`],
    ['product', `/en/product/${encodeURIComponent(first.id)}`, `/fr/product/${encodeURIComponent(first.id)}`],
    ['partner', '/en/partner', '/fr/partner'],
    ['report', `/en/partner/catalogs/${encodeURIComponent(catalogs[0].id)}`, `/fr/partner/catalogs/${encodeURIComponent(catalogs[0].id)}`],
    // The quality of the same catalog: its grade, the grade chart and the rules to fix first.
    ['quality', `/en/partner/catalogs/${encodeURIComponent(catalogs[0].id)}#quality-title`, `/fr/partner/catalogs/${encodeURIComponent(catalogs[0].id)}#quality-title`],
    // Buyers (B2B): price labels with their unit, the empty page's help, the buyer's list.
    ['prices', '/en/?q=ramette', '/fr/?q=ramette'],
    ['empty', '/en/?q=qwxzvkjplm+zzyzzx', '/fr/?q=qwxzvkjplm+zzyzzx'],
    ['list', '/en/list', '/fr/list'],
    ['removal', `/en/partner/catalogs/${encodeURIComponent(heldId)}#removals-title`, `/fr/partner/catalogs/${encodeURIComponent(heldId)}#removals-title`],
    // Offers of one product from three partners: grouped in the results, compared on its page.
    ['grouped', `/en/?q=${sharedQ}&group=offers`, `/fr/?q=${sharedQ}&group=offers`],
    ['offers', `/en/product/${encodeURIComponent(shared.id)}#offers`, `/fr/product/${encodeURIComponent(shared.id)}#offers`],
    // Price tiers on the product page, and the partner's display name setting.
    ['tiers', '/en/product/papeterie-pro%3APP-A4-5', '/fr/product/papeterie-pro%3APP-A4-5'],
    ['settings', '/en/partner/settings', '/fr/partner/settings'],
    // Changes and prices over time: what an upload changed (signed in as
    // papeterie-pro, as for the removal), and a product's price history.
    ['changes', `/en/partner/catalogs/${encodeURIComponent(changedId)}#changes-title`, `/fr/partner/catalogs/${encodeURIComponent(changedId)}#changes-title`],
    ['price-history', `/en/product/${pricedId}#prices-title`, `/fr/product/${pricedId}#prices-title`],
    // The operator's insights, after the searches of the pages above (one without results).
    ['insights', '/en/insights', '/fr/insights'],
  ];
  const operatorKey = await stack.operatorKey();
  // The list is kept in the browser: fill it through its quick add.
  const listCodes = ['PP-A4-5 12']; // at the tier from 10
  for (const partner of ['bureau-plus', 'northbridge-tools']) {
    const hits = (await stack.api(`/v1/search?q=&size=2&partner=${partner}`)).json.hits;
    hits.forEach((h, i) => listCodes.push(`${h.product.sku} ${(h.product.moq || 1) * (i + 2)}`));
  }
  const fillList = async (page) => {
    await page.fill('#quick-codes', listCodes.join('\n'));
    await page.click('form[data-list-quick] button');
    await page.waitForSelector('.list-table');
  };
  for (const [kind, viewport, index] of [['desktop', { width: 1280, height: 900 }, 1], ['phone', { width: 390, height: 844 }, 2]]) {
    const ctx = await browserContext({ viewport, deviceScaleFactor: 1, isMobile: kind === 'phone', hasTouch: kind === 'phone' });
    try {
      const page = await ctx.newPage();
      for (const p of pages) {
        if (p[0] === 'partner') { await signIn(ctx, stack.base, key); }
        if (p[0] === 'removal') { await ctx.clearCookies(); await signIn(ctx, stack.base, proKey); }
        if (p[0] === 'insights') {
          await new Promise((r) => setTimeout(r, 1500)); // the search analytics are written once a second
          await (await signInOperator(ctx, stack.base, operatorKey)).close();
        }
        await page.goto(stack.base + p[index]);
        await page.waitForLoadState('networkidle');
        if (p[0] === 'list') { await fillList(page); }
        const file = join(out, `${p[0]}-${kind}.png`);
        await page.screenshot({ path: file });
        shots.push(file);
      }
    } finally {
      await ctx.close();
    }
  }
} finally {
  await stack.destroy();
}
for (const s of shots) { console.log(`wrote ${s}`); }
