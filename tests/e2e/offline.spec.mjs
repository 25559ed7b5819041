// Issue 21 item 2: offline-first. After one visit the service worker controls the page; with
// the network off the app reloads from its cache and runs an in-page flow; a changed build is
// installed in the background and offered with "Reload to update". The service worker never
// answers or stores what is not a file of the build.
import { spawn, execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect, openApp } from './fixtures.mjs';
import { freePort } from './oidc-provider.mjs';

async function controlled(page) {
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

async function run(page) {
  await page.click('#run-button');
  await expect(page.locator('#run-button')).toHaveText('Run the flow');
  return page.locator('#run-outcome');
}

test('after one visit the service worker controls the page, and only the build is in its cache', async ({ page }) => {
  await openApp(page);
  await controlled(page);
  const cached = await page.evaluate(async () => {
    const names = await caches.keys();
    const urls = [];
    for (const name of names) for (const r of await (await caches.open(name)).keys()) urls.push(new URL(r.url).pathname);
    return { names, urls };
  });
  expect(cached.names).toHaveLength(1);
  expect(cached.urls).toContain('/index.html');
  expect(cached.urls).toContain('/callback/index.html');
  expect(cached.urls.some((u) => /\.wasm$/.test(u))).toBe(true);
  expect(cached.urls).not.toContain('/sw.js');
  // A run against the in-page server adds nothing: nothing is stored after install.
  await expect(await run(page)).toContainText('Succeeded');
  const after = await page.evaluate(async () => (await (await caches.open((await caches.keys())[0])).keys()).length);
  expect(after).toBe(cached.urls.length);
});

test('offline: a reload shows the app from the cache and an in-page flow succeeds', async ({ page, context }) => {
  await openApp(page);
  await controlled(page);
  await context.setOffline(true);
  try {
    await page.reload();
    await page.waitForFunction(() => performance.getEntriesByName('app-interactive').length > 0);
    await expect(page.locator('h1')).toHaveText('OAuth Playground');
    // The lazily loaded tools come from the cache too (scripts/wasm-split.mjs).
    for (const id of ['#tamper', '#compare', '#jwt-tool', '#learn']) await expect(page.locator(id)).toBeVisible();
    await expect(page.locator('.lazy-tool')).toHaveCount(0);
    await page.check('#delivery-par-jar');
    await expect(await run(page)).toContainText('Succeeded');
    // The callback page too.
    await page.goto('/callback?code=abc&state=xyz');
    await expect(page.locator('#callback-status')).toBeVisible();
  } finally {
    await context.setOffline(false);
  }
});

test('a changed build is installed in the background and offered with "Reload to update"', async ({ page }) => {
  // A copy of the build on a server of its own, so it can change under the page.
  const folder = mkdtempSync(join(tmpdir(), 'playground-update-'));
  cpSync('dist', folder, { recursive: true });
  const port = await freePort();
  const server = spawn('node', ['scripts/serve-static.mjs', folder, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.stdout.once('data', resolve);
    });
    const url = `http://127.0.0.1:${port}/`;
    await openApp(page, url);
    await controlled(page);
    await page.reload();
    await page.waitForFunction(() => performance.getEntriesByName('app-interactive').length > 0);
    await expect(page.locator('#update-prompt')).toHaveCount(0);

    // The next build: a changed page, and the service worker the post-build step writes for it.
    const marker = `<!-- build ${Date.now()} -->`;
    writeFileSync(join(folder, 'index.html'), readFileSync(join(folder, 'index.html'), 'utf8').replace('</body>', `${marker}</body>`));
    const oldWorker = readFileSync(join(folder, 'sw.js'), 'utf8');
    execFileSync('node', ['scripts/service-worker.mjs'], { env: { ...process.env, TRUNK_STAGING_DIR: folder, TRUNK_PUBLIC_URL: '/' } });
    expect(readFileSync(join(folder, 'sw.js'), 'utf8')).not.toBe(oldWorker);

    // The page in use keeps the build it has until the user chooses.
    await page.reload();
    await page.waitForFunction(() => performance.getEntriesByName('app-interactive').length > 0);
    expect(await page.content()).not.toContain(marker);
    await expect(page.locator('#update-prompt')).toContainText('A new version of the playground is ready');
    await Promise.all([page.waitForEvent('load'), page.click('#update-reload')]);
    await page.waitForFunction(() => performance.getEntriesByName('app-interactive').length > 0);
    expect(await page.content()).toContain(marker);
    await expect(page.locator('#update-prompt')).toHaveCount(0);
  } finally {
    server.kill();
    rmSync(folder, { recursive: true, force: true });
  }
});
