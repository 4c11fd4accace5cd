// End-to-end test of a big catalog's progress bar in headless Chromium. A
// catalog half-way through its chunks cannot be held in that state in the
// local stack, so the site runs under its own php -S against the fixture API
// of the PHPUnit suite (web/tests/fixtures/api.php), whose catalogs
// cat-chunked (3 of 8 chunks written), cat-advancing (one more chunk each
// time it is read) and cat-onepass (no progress) are being processed.
import { after, before, describe, test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { browserContext, freePort, repoRoot, signIn } from '../lib/stack.mjs';
import { seriousViolations } from '../lib/axe.mjs';

const test = (name, fn) => nodeTest(name, { timeout: 120_000 }, fn);

const procs = [];
let base = '';
let ctx;
let fixtureId = '';

/** serve starts php -S on a free loopback port and waits until it answers path. */
async function serve(args, env, path) {
  const port = await freePort();
  // One worker: php -S forks no child that would outlive the kill and
  // keep the pipe (and this test's process) open.
  const proc = spawn('php', ['-S', `127.0.0.1:${port}`, ...args], {
    cwd: repoRoot, env: { ...process.env, ...env, PHP_CLI_SERVER_WORKERS: '1' }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  procs.push(proc);
  let log = '';
  proc.stderr.on('data', (c) => { log += c; });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      const res = await fetch(url + path, { redirect: 'manual' });
      if (res.status < 500) { return url; }
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`php -S ${args.join(' ')} did not answer ${path}:\n${log}`);
}

before(async () => {
  fixtureId = 'e2e-progress-' + randomBytes(6).toString('hex');
  const api = await serve(['web/tests/fixtures/api.php'], { FIXTURE_ID: fixtureId }, '/v1/health');
  base = await serve(['-t', 'web/public', 'web/public/index.php'], {
    CATALOG_API_URL: api, CATALOG_SITE_SECRET: randomBytes(32).toString('base64'),
  }, '/assets/site.css');
  ctx = await browserContext();
  assert.equal(await signIn(ctx, base, 'csk_test_evil'), 'evil');
});

after(async () => {
  if (ctx) { await ctx.close(); }
  await Promise.all(procs.map((p) => (p.exitCode !== null ? null : new Promise((r) => { p.once('exit', r); p.kill('SIGTERM'); }))));
  await rm(join(tmpdir(), 'catalogsearch-fixture-' + fixtureId), { recursive: true, force: true });
});

describe('catalog progress', () => {
  test('a catalog written in chunks shows a labelled progress bar and the rows read', async () => {
    const page = await ctx.newPage();
    await page.goto(`${base}/en/partner/catalogs/cat-chunked`);
    const bar = page.getByRole('progressbar', { name: 'Writing products: 3 of 8 chunks written (37%)' });
    assert.equal(await bar.count(), 1, 'the bar, named by its label');
    assert.deepEqual([await bar.getAttribute('max'), await bar.getAttribute('value')], ['8', '3']);
    assert.equal(await bar.isVisible(), true);
    const box = await bar.boundingBox();
    assert.ok(box && box.width >= 200 && box.height >= 8, `a bar one can see: ${JSON.stringify(box)}`);
    assert.match(await page.textContent('.catalog-progress'), /200,000 rows read from the file/);
    assert.deepEqual(await seriousViolations(page), [], 'axe on the progress page');
    await page.goto(`${base}/fr/partner/catalogs/cat-chunked`);
    assert.equal(await page.getByRole('progressbar', { name: 'Écriture des produits : 3 lots sur 8 écrits (37 %)' }).count(), 1);
    await page.close();
  });

  test('the page keeps refreshing itself and the bar follows the chunks', async () => {
    const page = await ctx.newPage();
    await page.goto(`${base}/en/partner/catalogs/cat-advancing`);
    const first = Number(await page.getAttribute('progress', 'value'));
    const partial = page.waitForRequest((r) => r.url().endsWith('/cat-advancing') && r.headers()['x-partial'] === 'catalog');
    await partial;
    await page.waitForFunction((was) => Number(document.querySelector('progress')?.value) > was, first, { timeout: 15_000 });
    const name = await page.getAttribute('progress', 'id').then((id) => page.textContent(`label[for="${id}"]`));
    assert.match(name, /^Writing products: [2-8] of 8 chunks written \(\d+%\)$/);
    await page.close();
  });

  test('a catalog written in one pass shows no bar', async () => {
    const page = await ctx.newPage();
    await page.goto(`${base}/en/partner/catalogs/cat-onepass`);
    assert.match(await page.textContent('.catalog-state'), /Processing/);
    assert.equal(await page.locator('progress').count(), 0);
    await page.close();
  });
});
