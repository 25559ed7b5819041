// `make bench-browser`: the app itself, measured in headless Chromium from a loopback server.
// Prints medians (and min–max) over N runs, in one run:
//   - navigation → the app's `app-interactive` mark, cold (new context: empty cache) and warm
//     (same context, second visit: cached wasm);
//   - a full flow against the in-page server for each delivery (the app's own timing of
//     run_flow: discovery → … → userinfo, RS256 request objects and JARM where set);
//   - raw WebCrypto called from JavaScript, for the operations the JOSE layer performs;
//   - the longest main-thread task (PerformanceObserver 'longtask') during RSA-2048 key
//     generation and during the flows.
// Usage: node scripts/bench-browser.mjs [dist-dir] [runs]   (make bench-browser builds first)
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { args, executablePath } from '../tests/e2e/chromium.mjs';

const dist = process.argv[2] ?? 'dist';
const runs = Number(process.argv[3] ?? 20);
// BENCH_PORT when 8097 is taken (several worktrees on one machine).
const port = Number(process.env.BENCH_PORT ?? 8097);
const base = `http://127.0.0.1:${port}/`;

const server = spawn('node', ['scripts/serve-static.mjs', dist, String(port)], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 500));

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const row = (name, xs, unit = 'ms') => `| ${name} | ${median(xs).toFixed(3)} ${unit} | ${Math.min(...xs).toFixed(3)}–${Math.max(...xs).toFixed(3)} | ${xs.length} |`;
const lines = ['| measurement | median | min–max | runs |', '|---|---:|---:|---:|'];

const browser = await chromium.launch({ executablePath, args });
const interactive = (page) => page.evaluate(() => new Promise((resolve) => {
  const mark = () => performance.getEntriesByName('app-interactive')[0];
  const poll = () => (mark() ? resolve(mark().startTime) : setTimeout(poll, 5));
  poll();
}));

try {
  // Time to interactive, cold and warm.
  const cold = [];
  const warm = [];
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(base);
    cold.push(await interactive(page));
    await page.goto(base);
    warm.push(await interactive(page));
    await context.close();
  }
  lines.push(row('navigation → interactive, cold cache', cold));
  lines.push(row('navigation → interactive, warm cache', warm));

  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.__long = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__long.push(e.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(base);
  await interactive(page);

  // Long tasks during RSA-2048 generation (the app generates in WebCrypto).
  await page.evaluate(() => { window.__long = []; });
  await page.selectOption('#key-kind', 'rsa-2048');
  for (let i = 1; i <= 3; i++) {
    await page.click('#key-generate');
    await page.waitForFunction((n) => document.querySelectorAll('#key-list .key').length >= n, i, { timeout: 60_000 });
  }
  const keygenLong = await page.evaluate(() => window.__long);

  // Full flows per delivery, RS256 request objects with JARM (Hardened allows RS256).
  await page.selectOption('#ro-alg', 'RS256').catch(() => {});
  await page.selectOption('#req-response-mode', 'jwt');
  await page.evaluate(() => { window.__long = []; });
  for (const delivery of ['plain', 'jar', 'par', 'par-jar']) {
    await page.check(`#delivery-${delivery}`);
    if (delivery === 'jar') await page.selectOption('#ro-alg', 'RS256');
    const times = [];
    for (let i = 0; i < runs; i++) {
      await page.click('#run-button');
      await page.locator('#run-button').filter({ hasText: 'Run the flow' }).waitFor();
      const text = await page.locator('#run-time').innerText();
      const outcome = await page.locator('#run-outcome').innerText();
      if (!outcome.includes('Succeeded')) throw new Error(`${delivery}: ${outcome}`);
      times.push(Number(text.match(/last run: ([\d.]+) ms/)[1]));
    }
    lines.push(row(`full flow (in-page server, RS256, JARM), ${delivery}`, times));
  }
  const flowLong = await page.evaluate(() => window.__long);

  // Raw WebCrypto from JavaScript, the same operations the JOSE layer asks of it.
  const raw = await page.evaluate(async (n) => {
    const s = crypto.subtle;
    const data = new TextEncoder().encode('eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJwbGF5Z3JvdW5kIn0');
    // Each sample is the mean of a batch, since the page's clock is coarsened to 0.1 ms.
    const time = async (f, batch = 25) => {
      const xs = [];
      for (let i = 0; i < n; i++) {
        const t = performance.now();
        for (let j = 0; j < batch; j++) await f();
        xs.push((performance.now() - t) / batch);
      }
      return xs;
    };
    const rsa = { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };
    const out = {};
    out['RSA-2048 key generation'] = await time(() => s.generateKey(rsa, true, ['sign', 'verify']), 1);
    const rk = await s.generateKey(rsa, true, ['sign', 'verify']);
    const rsig = await s.sign('RSASSA-PKCS1-v1_5', rk.privateKey, data);
    out['RS256 sign'] = await time(() => s.sign('RSASSA-PKCS1-v1_5', rk.privateKey, data));
    out['RS256 verify'] = await time(() => s.verify('RSASSA-PKCS1-v1_5', rk.publicKey, rsig, data));
    const pk = await s.generateKey({ name: 'RSA-PSS', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify']);
    out['PS256 sign'] = await time(() => s.sign({ name: 'RSA-PSS', saltLength: 32 }, pk.privateKey, data));
    const ek = await s.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    const esig = await s.sign({ name: 'ECDSA', hash: 'SHA-256' }, ek.privateKey, data);
    out['ES256 sign'] = await time(() => s.sign({ name: 'ECDSA', hash: 'SHA-256' }, ek.privateKey, data));
    out['ES256 verify'] = await time(() => s.verify({ name: 'ECDSA', hash: 'SHA-256' }, ek.publicKey, esig, data));
    const dk = await s.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']);
    out['EdDSA sign'] = await time(() => s.sign({ name: 'Ed25519' }, dk.privateKey, data));
    const hk = await s.generateKey({ name: 'HMAC', hash: 'SHA-256' }, true, ['sign']);
    out['HS256 sign'] = await time(() => s.sign('HMAC', hk, data));
    return out;
  }, runs);
  for (const [name, xs] of Object.entries(raw)) lines.push(row(`raw WebCrypto from JS: ${name}`, xs));
  // Every task over 50 ms, longest first: one slow first run reads differently from many.
  const longTasks = (name, xs) => {
    const sorted = [...xs].sort((a, b) => b - a);
    const shown = sorted.slice(0, 5).map((d) => d.toFixed(0)).join(', ');
    return `| longest main-thread task during ${name} | ${(sorted[0] ?? 0).toFixed(0)} ms | ${sorted.length} over 50 ms${shown ? `: ${shown}` : ''} | 1 |`;
  };
  lines.push(longTasks('3 × RSA-2048 generation', keygenLong));
  lines.push(longTasks(`${4 * runs} flows`, flowLong));
  await context.close();
} finally {
  await browser.close();
  server.kill();
}
console.log(lines.join('\n'));
console.log('\n(0 ms longest task = no task over 50 ms was reported: the long-task API reports only those.)');
