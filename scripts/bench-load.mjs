// Part of `make bench-browser`: time to interactive as a user on a real link sees it, for this
// app and for a peer built from source in the same run (scripts/bench-browser.sh builds
// authlete/oauth-playground into a temporary folder), under Chromium's network emulation
// (CDP Network.emulateNetworkConditions) at two profiles, cold (new browser context: empty
// caches) and repeat (the same context, a second visit after the first finished: this app from
// its service worker, the peer from the HTTP cache).
//
// Both are served by scripts/serve-static.mjs --hosting, as a production host would: gzip -9,
// and content-hashed files cached as immutable. "Interactive" is the same for both: the moment
// the first <button> is in the document (a MutationObserver installed before any page script),
// for both apps the moment their first render is attached with its handlers.
//
// Usage: node scripts/bench-load.mjs <this-dist> [<peer-dist>|-] [runs=7]
// PEER_NAME names the second column when it is not the peer, e.g. an earlier build of this app
// (PEER_NAME='one module (d2bc2eb)' node scripts/bench-load.mjs target/bench-dist old-dist).
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { args, executablePath } from '../tests/e2e/chromium.mjs';
import { freePort } from '../tests/e2e/oidc-provider.mjs';

const [ours, peer, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 7);
if (!ours) {
  console.error('usage: node scripts/bench-load.mjs <this-dist> [<peer-dist>|-] [runs]');
  process.exit(2);
}

// Lighthouse's "slow 4G" is the second; the first is a modest office or home link.
const PROFILES = [
  { name: '10 Mbit/s, 40 ms RTT', down: 10e6, up: 5e6, rtt: 40 },
  { name: '1.6 Mbit/s, 150 ms RTT', down: 1.6e6, up: 0.75e6, rtt: 150 },
];

async function serve(dir) {
  const port = await freePort();
  const child = spawn('node', ['scripts/serve-static.mjs', dir, String(port), '--hosting'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stdout.once('data', resolve);
  });
  return { url: `http://127.0.0.1:${port}/`, child };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const browser = await chromium.launch({ executablePath, args });

async function throttle(page, profile) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: profile.rtt,
    downloadThroughput: profile.down / 8,
    uploadThroughput: profile.up / 8,
  });
  let bytes = 0;
  cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; });
  return { bytes: () => bytes, reset: () => { bytes = 0; } };
}

// Navigates and returns ms from navigation start to the first <button> in the document.
async function visit(page, url) {
  await page.goto(url, { waitUntil: 'commit', timeout: 120_000 });
  await page.waitForFunction(() => window.__firstControl !== undefined, null, { timeout: 120_000 });
  return page.evaluate(() => window.__firstControl);
}

async function measure(url, profile) {
  const cold = [];
  const repeat = [];
  const bytes = [];
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext();
    await context.addInitScript(() => {
      const seen = () => {
        if (window.__firstControl === undefined && document.querySelector('button')) window.__firstControl = performance.now();
      };
      new MutationObserver(seen).observe(document, { childList: true, subtree: true });
    });
    const page = await context.newPage();
    const traffic = await throttle(page, profile);
    cold.push(await visit(page, url));
    bytes.push(traffic.bytes());
    // The first visit is over once the page has loaded and, where there is one, the service
    // worker has installed and activated (it stores the build during the first visit).
    await page.waitForLoadState('load');
    await page.evaluate(async () => {
      if (!navigator.serviceWorker) return;
      const registration = await navigator.serviceWorker.getRegistration();
      if (registration) await navigator.serviceWorker.ready;
    });
    repeat.push(await visit(page, url));
    await context.close();
  }
  return { cold, repeat, bytes };
}

const servers = [];
try {
  const apps = [{ name: 'this app', ...(await serve(ours)) }];
  servers.push(apps[0].child);
  if (peer && peer !== '-') {
    apps.push({ name: process.env.PEER_NAME || 'authlete/oauth-playground', ...(await serve(peer)) });
    servers.push(apps[1].child);
  }
  const results = {};
  for (const profile of PROFILES) {
    for (const app of apps) {
      results[`${profile.name}|${app.name}`] = await measure(app.url, profile);
    }
  }
  const fmt = (ms) => `${ms.toFixed(0)} ms`;
  const lines = [
    `| profile | visit | this app | ${apps[1]?.name ?? '(no peer)'} | ratio (this ÷ peer) | runs |`,
    '|---|---|---:|---:|---:|---:|',
  ];
  for (const profile of PROFILES) {
    const mine = results[`${profile.name}|this app`];
    const theirs = apps[1] && results[`${profile.name}|${apps[1].name}`];
    for (const visitKind of ['cold', 'repeat']) {
      const a = median(mine[visitKind]);
      const b = theirs ? median(theirs[visitKind]) : NaN;
      lines.push(`| ${profile.name} | ${visitKind} | ${fmt(a)} (${fmt(Math.min(...mine[visitKind]))}–${fmt(Math.max(...mine[visitKind]))}) | ${theirs ? `${fmt(b)} (${fmt(Math.min(...theirs[visitKind]))}–${fmt(Math.max(...theirs[visitKind]))})` : '–'} | ${theirs ? `${(a / b).toFixed(2)}×` : '–'} | ${runs} |`);
    }
    const kib = (xs) => `${(median(xs) / 1024).toFixed(0)} KiB`;
    lines.push(`| ${profile.name} | cold, bytes on the wire until interactive | ${kib(mine.bytes)} | ${theirs ? kib(theirs.bytes) : '–'} | ${theirs ? `${(median(mine.bytes) / median(theirs.bytes)).toFixed(2)}×` : '–'} | ${runs} |`);
  }
  console.log('\nTime to interactive (first <button> in the document), median (min–max), under network emulation:\n');
  console.log(lines.join('\n'));
} finally {
  await browser.close();
  for (const child of servers) child.kill();
}
