// The local stack and the browser for the end-to-end suite: starts
// `catalogctl serve --demo` on a free loopback port with a temporary data
// folder, and launches Debian's Chromium through playwright-core.
import { spawn, execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '../../..');
export const catalogctl = process.env.CATALOGCTL || join(repoRoot, 'bin/catalogctl');
export const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

export function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

async function waitHealthy(base, proc, log, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) {
      throw new Error(`catalogctl serve exited with ${proc.exitCode}:\n${log.join('')}`);
    }
    try {
      const res = await fetch(`${base}/api/v1/health`);
      if (res.ok) {
        // The site is up once php -S answers through the proxy too.
        const page = await fetch(`${base}/en/`, { redirect: 'manual' });
        if (page.status === 200) { return; }
      }
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`catalogctl serve did not become healthy within ${timeoutMs} ms:\n${log.join('')}`);
}

/** descendants lists the process IDs below pid (Linux /proc). */
async function descendants(pid) {
  const out = [];
  const walk = async (p) => {
    let tasks = [];
    try { tasks = await readdir(`/proc/${p}/task`); } catch { return; }
    for (const t of tasks) {
      let kids = '';
      try { kids = await readFile(`/proc/${p}/task/${t}/children`, 'utf8'); } catch { continue; }
      for (const k of kids.split(/\s+/).filter(Boolean).map(Number)) {
        out.push(k);
        await walk(k);
      }
    }
  };
  await walk(pid);
  return out;
}

/**
 * signIn signs a browser context in to the partner area with key through
 * the sign-in form; the session cookie stays in the context.
 */
export async function signIn(context, base, key) {
  const page = await context.newPage();
  try {
    await page.goto(`${base}/en/partner`);
    await page.fill('#api-key', key);
    await Promise.all([page.waitForNavigation(), page.click('.signin-form button[type="submit"]')]);
    const who = await page.textContent('.partner-id');
    return who.trim();
  } finally {
    await page.close();
  }
}

/**
 * signInOperator signs a browser context in to the insights page with an
 * operator key through its sign-in form, and returns the page it lands on
 * (open: the caller closes it).
 */
export async function signInOperator(context, base, key) {
  const page = await context.newPage();
  await page.goto(`${base}/en/insights`);
  await page.fill('#operator-key', key);
  await Promise.all([page.waitForNavigation(), page.click('.signin-form button[type="submit"]')]);
  return page;
}

/** Stack is one running `catalogctl serve` on a data folder. */
export class Stack {
  constructor(dataDir) {
    this.dataDir = dataDir;
    this.proc = null;
    this.base = '';
    this.log = [];
  }

  /** create makes a temporary data folder (removed by destroy). */
  static async create() {
    return new Stack(await mkdtemp(join(tmpdir(), 'catalogsearch-e2e-')));
  }

  async start({ demo = true } = {}) {
    const port = await freePort();
    this.base = `http://127.0.0.1:${port}`;
    const args = ['serve', '--data', this.dataDir, '--addr', `127.0.0.1:${port}`];
    if (demo) { args.push('--demo'); }
    this.log = [];
    this.proc = spawn(catalogctl, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk) => { this.log.push(chunk.toString()); if (this.log.length > 400) { this.log.shift(); } };
    this.proc.stdout.on('data', keep);
    this.proc.stderr.on('data', keep);
    await waitHealthy(this.base, this.proc, this.log, 180_000);
  }

  async stop() {
    const proc = this.proc;
    this.proc = null;
    if (!proc || proc.exitCode !== null) { return; }
    // php -S forks its workers (PHP_CLI_SERVER_WORKERS), and they outlive a
    // master that is interrupted: note the whole tree to end what is left.
    const tree = await descendants(proc.pid);
    const done = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
    await done;
    clearTimeout(timer);
    await new Promise((r) => setTimeout(r, 200));
    for (const pid of tree) {
      try { process.kill(pid, 'SIGTERM'); } catch { /* already gone */ }
    }
  }

  /** ingest runs `catalogctl ingest` on the (stopped) stack's data folder. */
  async ingest(partner, name, content, mode = 'partial') {
    const file = join(this.dataDir, '..', `${name}`);
    await writeFile(file, content);
    const { stdout } = await promisify(execFile)(catalogctl,
      ['ingest', '--data', this.dataDir, '--partner', partner, '--mode', mode, '--json', file], { cwd: repoRoot });
    await rm(file, { force: true });
    return stdout;
  }

  /**
   * partnerKey issues an API key for partner with `catalogctl partner-key`
   * on the stack's data folder (it works while serve runs).
   */
  async partnerKey(partner) {
    const { stdout } = await promisify(execFile)(catalogctl,
      ['partner-key', '--data', this.dataDir, '--partner', partner], { cwd: repoRoot });
    const key = stdout.trim();
    if (!key.startsWith('csk_')) { throw new Error(`partner-key printed ${JSON.stringify(stdout)}`); }
    return key;
  }

  /**
   * operatorKey issues an operator key with `catalogctl operator-key` on
   * the stack's data folder (it works while serve runs).
   */
  async operatorKey() {
    const { stdout } = await promisify(execFile)(catalogctl, ['operator-key', '--data', this.dataDir], { cwd: repoRoot });
    const key = stdout.trim();
    if (!key.startsWith('cso_')) { throw new Error(`operator-key printed ${JSON.stringify(stdout)}`); }
    return key;
  }

  /** revokeKey revokes a partner's API key with `catalogctl partner-key --revoke`. */
  async revokeKey(key) {
    await promisify(execFile)(catalogctl, ['partner-key', '--data', this.dataDir, '--revoke', key], { cwd: repoRoot });
  }

  async api(path, init) {
    const res = await fetch(`${this.base}/api${path}`, init);
    const body = await res.text();
    let json = null;
    try { json = JSON.parse(body); } catch { /* not JSON */ }
    return { status: res.status, json, body };
  }

  async destroy() {
    await this.stop();
    await rm(this.dataDir, { recursive: true, force: true });
  }
}

/** The launch arguments for Chromium in this sandbox. */
export const chromiumArgs = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/**
 * browserContext launches Chromium with a fresh --user-data-dir (a
 * persistent context is how playwright passes one) and blocks every request
 * that is not for the local stack, such as product images on partner hosts.
 */
export async function browserContext(options = {}) {
  const profile = await mkdtemp(join(tmpdir(), 'catalogsearch-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArgs,
    viewport: { width: 1280, height: 900 },
    ...options,
  });
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1' || url.protocol === 'data:') { return route.continue(); }
    return route.abort('blockedbyclient');
  });
  const close = context.close.bind(context);
  context.close = async () => {
    await close();
    await rm(profile, { recursive: true, force: true });
  };
  return context;
}

/**
 * pickWord finds a word of a demo product's name that finds a handful of
 * products, so tests and screenshots need no hard-coded demo content.
 */
export async function pickWord(stack) {
  const r = await stack.api('/v1/search?q=&size=60&sort=name');
  if (r.status !== 200) { throw new Error(`search answered ${r.status}`); }
  for (const hit of r.json.hits) {
    for (const w of hit.product.name.toLowerCase().split(/[^a-zà-ÿ]+/)) {
      if (w.length < 6) { continue; }
      const s = await stack.api(`/v1/search?q=${encodeURIComponent(w)}&size=1`);
      if (s.json.total >= 3 && s.json.total <= 500) { return { word: w, total: s.json.total }; }
    }
  }
  throw new Error('no usable word in the demo catalogs');
}
