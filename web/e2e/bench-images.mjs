// Page weight of a results page with product pictures, at phone width,
// against `catalogctl serve --demo` once the demo's images are stored:
// everything transferred with a cold cache after scrolling through the
// whole page (so every lazy picture loaded), at device pixel ratios 2 and 3.
// Writes a Markdown section: node bench-images.mjs OUT.md   (make bench-images)
import { writeFile } from 'node:fs/promises';
import { Stack, browserContext } from './lib/stack.mjs';

const out = process.argv[2];
if (!out) { console.error('usage: node bench-images.mjs OUT.md'); process.exit(2); }
const TARGET = 400 * 1024;
const QUERIES = ['stylo', 'cahier', 'drill', 'serviette'];

const stack = await Stack.create();
const rows = [];
try {
  await stack.start({ demo: true });
  const deadline = Date.now() + 300_000;
  for (;;) {
    if ((await Promise.all(QUERIES.map(async (q) => {
      const h = (await stack.api(`/v1/search?q=${q}&size=24`)).json?.hits || [];
      return h.length >= 24 && h.every((x) => x.product.pictures?.length > 0);
    }))).every(Boolean)) { break; }
    if (Date.now() > deadline) { throw new Error('demo pictures not ready within 300 s'); }
    await new Promise((r) => setTimeout(r, 2000));
  }
  for (const dpr of [2, 3]) {
    for (const q of QUERIES) {
      const ctx = await browserContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: dpr, isMobile: true });
      try {
        const page = await ctx.newPage();
        const cdp = await ctx.newCDPSession(page);
        await cdp.send('Network.enable');
        await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
        const types = new Map();
        let total = 0;
        let images = 0;
        let imageCount = 0;
        cdp.on('Network.responseReceived', (e) => types.set(e.requestId, e.type));
        cdp.on('Network.loadingFinished', (e) => {
          total += e.encodedDataLength;
          if (types.get(e.requestId) === 'Image') { images += e.encodedDataLength; imageCount += 1; }
        });
        await page.goto(`${stack.base}/en/?q=${q}`, { waitUntil: 'networkidle' });
        for (let y = 0; y < 40; y++) { await page.mouse.wheel(0, 600); await page.waitForTimeout(50); }
        await page.waitForLoadState('networkidle');
        const cards = await page.$$eval('.card img', (l) => l.length);
        rows.push({ dpr, q, cards, imageCount, images, total });
      } finally {
        await ctx.close();
      }
    }
  }
} finally {
  await stack.destroy();
}
let md = '### Results page weight with pictures (phone)\n\n';
md += 'Reproduce: `make bench-images` (`web/e2e/bench-images.mjs`). A results page of 24 products of `catalogctl serve --demo`, ';
md += 'viewport 390×844, cold cache, scrolled to the end so every lazy picture loaded; everything transferred (HTML, CSS, script, pictures). ';
md += 'The demo pictures are flat drawings, lighter than photographs (see the sizes of a photo-like picture above), and the demo draws one picture per kind and colour, ';
md += 'so cards share pictures (content-addressed: one URL, loaded once). The last columns are the page as measured and an estimate for 24 distinct pictures ';
md += '(the page without its pictures plus 24 times the mean picture loaded); the target is judged on the estimate.\n\n';
md += '| query | device pixel ratio | cards with a picture | distinct pictures loaded | picture KB | page total KB | 24 distinct pictures, KB (estimate) | target < 400 KB |\n|---|---:|---:|---:|---:|---:|---:|---|\n';
for (const r of rows) {
  const est = r.total - r.images + (r.imageCount ? 24 * r.images / r.imageCount : 0);
  md += `| ${r.q} | ${r.dpr} | ${r.cards} | ${r.imageCount} | ${(r.images / 1024).toFixed(1)} | ${(r.total / 1024).toFixed(1)} | ${(est / 1024).toFixed(1)} | ${est < TARGET ? 'yes' : '**no**'} |\n`;
}
md += '\n';
await writeFile(out, md);
process.stdout.write(md);
