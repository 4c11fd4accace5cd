// Screenshots of the main pages at desktop and phone widths, taken in
// headless Chromium against `catalogctl serve --demo`:
//   node screenshots.mjs OUTDIR   (make screenshots)
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Stack, browserContext, pickWord, signIn } from './lib/stack.mjs';

const out = process.argv[2];
if (!out) { console.error('usage: node screenshots.mjs OUTDIR'); process.exit(2); }
await mkdir(out, { recursive: true });

const stack = await Stack.create();
const shots = [];
try {
  await stack.start({ demo: true });
  const { word } = await pickWord(stack);
  const first = (await stack.api(`/v1/search?q=${encodeURIComponent(word)}&size=1`)).json.hits[0].product;
  // The partner pages of a signed-in demo partner; the sign-in form first.
  const key = await stack.partnerKey('bureau-plus');
  const catalogs = (await stack.api('/v1/catalogs?limit=1', { headers: { 'X-Api-Key': key } })).json.catalogs;
  const pages = [
    ['signin', '/en/partner', '/fr/partner'],
    ['search', `/en/?q=${encodeURIComponent(word)}`, `/fr/?q=${encodeURIComponent(word)}`],
    ['product', `/en/product/${encodeURIComponent(first.id)}`, `/fr/product/${encodeURIComponent(first.id)}`],
    ['partner', '/en/partner', '/fr/partner'],
    ['report', `/en/partner/catalogs/${encodeURIComponent(catalogs[0].id)}`, `/fr/partner/catalogs/${encodeURIComponent(catalogs[0].id)}`],
    // The quality of the same catalog: its grade, the grade chart and the rules to fix first.
    ['quality', `/en/partner/catalogs/${encodeURIComponent(catalogs[0].id)}#quality-title`, `/fr/partner/catalogs/${encodeURIComponent(catalogs[0].id)}#quality-title`],
    // Buyers (B2B): price labels with their unit, the empty page's help, the buyer's list.
    ['prices', `/en/?q=${encodeURIComponent(word)}&currency=EUR`, `/fr/?q=${encodeURIComponent(word)}&currency=EUR`],
    ['empty', '/en/?q=qwxzvkjplm+zzyzzx', '/fr/?q=qwxzvkjplm+zzyzzx'],
    ['list', '/en/list', '/fr/list'],
  ];
  // The list is kept in the browser: fill it through its quick add.
  const listCodes = [];
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
