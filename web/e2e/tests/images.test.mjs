// End-to-end test of product images in headless Chromium against
// `catalogctl serve --demo`: the demo catalogs' images are fetched from the
// demo image host, resized into the data folder and served under /images/;
// results and product pages show them (never a partner URL), the gallery
// answers the keyboard, and a partner's report lists the images that failed.
// With SCREENSHOTS=DIR it also writes the screenshots of docs/screenshots.
import { after, before, describe, test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Stack, browserContext, signIn } from '../lib/stack.mjs';
import { seriousViolations } from '../lib/axe.mjs';

const test = (name, fn) => nodeTest(name, { timeout: 300_000 }, fn);
const shots = process.env.SCREENSHOTS || '';

let stack;
let ctx;

/** until polls fn (async, truthy when done) every 500 ms for up to ms. */
async function until(what, fn, ms) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) { return v; }
    if (Date.now() > deadline) { throw new Error(`${what}: not within ${ms} ms\n${stack.log.slice(-20).join('')}`); }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** loadedImages lists the page's <img> elements: their current URL and whether they decoded. */
async function loadedImages(page) {
  return page.$$eval('img', (imgs) => imgs.map((i) => ({ src: i.currentSrc || i.src, ok: i.complete && i.naturalWidth > 0 })));
}

before(async () => {
  stack = await Stack.create();
  await stack.start({ demo: true });
  ctx = await browserContext();
}, { timeout: 300_000 });

after(async () => {
  if (ctx) { await ctx.close(); }
  if (stack) { await stack.destroy(); }
});

describe('product images', () => {
  test('results pages show the stored pictures, lazily, with srcset, at phone width', async () => {
    // The demo's image runs follow its ingest: wait until office supplies have pictures.
    await until('demo pictures', async () => {
      const r = await stack.api('/v1/search?q=stylo&size=24');
      return r.json?.hits?.length > 0 && r.json.hits.every((h) => h.product.pictures?.length > 0);
    }, 240_000);
    const phone = await browserContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true });
    try {
      const page = await phone.newPage();
      await page.goto(`${stack.base}/fr/?q=stylo`, { waitUntil: 'networkidle' });
      const lazy = await page.$$eval('.card img', (imgs) => imgs.map((i) => [i.loading, i.getAttribute('srcset') || '', i.getAttribute('sizes') || '']));
      assert.ok(lazy.length >= 12, `cards with pictures: ${lazy.length}`);
      for (const [loading, srcset, sizes] of lazy) {
        assert.equal(loading, 'lazy');
        assert.match(srcset, /^\/images\/[0-9a-f]{64}\/160\.jpg 160w, /);
        assert.ok(sizes.length > 0);
      }
      for (let y = 0; y < 20; y++) { await page.mouse.wheel(0, 800); await page.waitForTimeout(100); }
      await page.waitForLoadState('networkidle');
      const imgs = await loadedImages(page);
      assert.ok(imgs.length >= 12 && imgs.every((i) => i.ok && new URL(i.src).pathname.startsWith('/images/')),
        `every image decoded from /images/: ${JSON.stringify(imgs.filter((i) => !i.ok || !i.src.includes('/images/')))}`);
      // At 390 px and 2x the cards take the 480 px size, not the 1200 px one.
      assert.ok(imgs.every((i) => /\/(320|480)\.jpg$/.test(i.src)), `sizes chosen: ${imgs.map((i) => i.src.split('/').pop())}`);
      if (shots) { await page.evaluate(() => window.scrollTo(0, 0)); await page.screenshot({ path: join(shots, 'images-results-phone.png') }); }
    } finally {
      await phone.close();
    }
    const page = await ctx.newPage();
    await page.goto(`${stack.base}/en/?q=stylo`, { waitUntil: 'networkidle' });
    const imgs = await loadedImages(page);
    assert.ok(imgs.filter((i) => i.ok).length >= 6, 'pictures above the fold decoded on desktop');
    assert.deepEqual(await seriousViolations(page), []);
    if (shots) { await page.screenshot({ path: join(shots, 'images-results-desktop.png') }); }
    await page.close();
  });

  test('a catalog with several images: the product gallery, the keyboard, and failed images in the report', async () => {
    const sample = (await stack.api('/v1/search?q=stylo&size=2')).json.hits.map((h) => h.product.pictures[0].source);
    const base = sample[0].slice(0, sample[0].indexOf('/demo-images/') + '/demo-images/'.length);
    const key = await stack.partnerKey('e2e-images');
    const csv = 'sku,name,brand,price,currency,image\n'
      + `IMG-1,Trousse galleryword,Acme,9.50,EUR,"${base}notebook/2f8c4c/img-1.png|${base}scissors/c8322d/img-1b.png|http://169.254.169.254/latest/meta-data/"\n`;
    const partner = await browserContext();
    try {
      assert.equal(await signIn(partner, stack.base, key), 'e2e-images');
      const page = await partner.newPage();
      await page.goto(`${stack.base}/en/partner`);
      await page.setInputFiles('#up-file', { name: 'gallery.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
      await Promise.all([page.waitForNavigation(), page.click('.upload-form button[type="submit"]')]);
      const report = page.url();
      const product = await until('two pictures', async () => {
        const r = await stack.api('/v1/products/' + encodeURIComponent('e2e-images:IMG-1'));
        return r.json?.pictures?.length === 2 ? r.json : null;
      }, 120_000);
      assert.equal(product.images.length, 3);

      // The partner's report lists the refused URL and why.
      await until('images report', async () => {
        await page.goto(report);
        return (await page.$('.images-failed')) !== null;
      }, 30_000);
      const failed = await page.textContent('.images-failed');
      assert.match(failed, /169\.254\.169\.254/);
      assert.match(failed, /blocked_address/);
      assert.match(await page.textContent('.images-stats'), /Failed\s*1/);
      assert.deepEqual(await seriousViolations(page), []);
      await page.close();
    } finally {
      await partner.close();
    }

    const page = await ctx.newPage();
    await page.goto(`${stack.base}/en/product/${encodeURIComponent('e2e-images:IMG-1')}`, { waitUntil: 'networkidle' });
    const html = await page.content();
    assert.ok(!html.includes(base), 'the partner image host is not in the page');
    const slides = await page.$$('.gallery .slide img');
    assert.equal(slides.length, 2);
    const thumbs = '.gallery .thumbs a';
    assert.equal(await page.getAttribute(`${thumbs} >> nth=0`, 'aria-current'), 'true');
    // Keyboard: the strip takes the focus, the arrow keys move between slides.
    await page.focus('.gallery .slides');
    await page.keyboard.press('ArrowRight');
    await until('second slide', async () => (await page.getAttribute(`${thumbs} >> nth=1`, 'aria-current')) === 'true', 5_000);
    assert.equal(await page.getAttribute(`${thumbs} >> nth=0`, 'aria-current'), null);
    await page.keyboard.press('ArrowLeft');
    await until('first slide', async () => (await page.getAttribute(`${thumbs} >> nth=0`, 'aria-current')) === 'true', 5_000);
    // A thumbnail is a link: Enter on it shows its slide.
    await page.focus(`${thumbs} >> nth=1`);
    await page.keyboard.press('Enter');
    await until('second slide by its thumbnail', async () => (await page.getAttribute(`${thumbs} >> nth=1`, 'aria-current')) === 'true', 5_000);
    await page.waitForTimeout(600); // the smooth scroll
    const imgs = await loadedImages(page);
    assert.ok(imgs.every((i) => new URL(i.src).pathname.startsWith('/images/')));
    assert.ok(imgs.filter((i) => i.ok).length >= 3, `decoded: ${JSON.stringify(imgs)}`);
    assert.deepEqual(await seriousViolations(page), []);
    if (shots) { await page.screenshot({ path: join(shots, 'images-product-desktop.png') }); }
    await page.close();
  });
});
