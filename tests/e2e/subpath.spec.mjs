// Issue 21 item 1: a build for a sub-path (`make dist PUBLIC_URL=/some/path/`, which
// scripts/test.sh makes into target/subpath-dist) served by a plain static server, with no
// fallback to index.html, under /some/path/ only. The app is interactive there, a flow runs,
// the callback route is a real file, and the external-server flow against oidc-provider
// comes back through it.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test, expect, openApp, timelineComplete } from './fixtures.mjs';
import { freePort, OIDC_PROVIDER_VERSION } from './oidc-provider.mjs';
import { runToProvider, setUp, signIn } from './external-flow.mjs';

const BASE = '/some/path/';
const DIST = 'target/subpath-dist';

let server;
let origin;

test.beforeAll(async () => {
  expect(existsSync(`${DIST}/index.html`), `${DIST} is built (make dist PUBLIC_URL=${BASE} DIST=${DIST})`).toBe(true);
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  server = spawn('node', ['scripts/serve-static.mjs', DIST, String(port), '--base', BASE, '--no-fallback'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.stdout.once('data', resolve);
  });
});

test.afterAll(() => server?.kill());

test('the plain server has no fallback: nothing outside the sub-path, no made-up routes', async ({ request }) => {
  for (const path of ['/', '/index.html', '/callback', `${BASE}no-such-route`]) {
    expect((await request.get(`${origin}${path}`)).status(), path).toBe(404);
  }
});

test('under the sub-path: the app is interactive, proposes its callback there, and a flow runs', async ({ page }) => {
  await openApp(page, `${origin}${BASE}`);
  await expect(page.locator('#req-redirect-uri')).toHaveValue(`${origin}${BASE}callback`);
  await page.click('#run-button');
  await expect(page.locator('#run-outcome')).toContainText('Succeeded');
  // The example JWKS is fetched relative to the page, so from under the sub-path too.
  const example = await page.request.get(`${origin}${BASE}examples/rfc7515-appendix-a.jwks.json`);
  expect(example.status()).toBe(200);
  // The lazily loaded tools' parts are fetched relative to their loader, so from the sub-path.
  for (const id of ['#tamper', '#compare', '#jwt-tool', '#learn']) await expect(page.locator(id)).toBeVisible();
  await expect(page.locator('.lazy-tool')).toHaveCount(0);
});

test('the callback route is a real file: 200 with the callback page, and its link goes home', async ({ page }) => {
  const response = await page.goto(`${origin}${BASE}callback?code=abc&state=xyz`);
  expect(response.status()).toBe(200);
  await expect(page.locator('#callback-status')).toContainText('No playground window is waiting');
  await expect(page.locator('main')).toContainText('[query] code = abc');
  await expect(page.locator('#callback-status a')).toHaveAttribute('href', BASE);
  const slash = await page.request.get(`${origin}${BASE}callback/?code=abc`);
  expect(slash.status()).toBe(200);
});

test(`external server (oidc-provider ${OIDC_PROVIDER_VERSION}): the response comes back to the callback under the sub-path`, async ({ page }) => {
  const op = await setUp(page, { responseMode: 'query.jwt', path: `${origin}${BASE}` });
  try {
    await expect(page.locator('#callback-url-own')).toHaveText(`${origin}${BASE}callback`);
    const popup = await runToProvider(page);
    await signIn(await popup);
    await expect(page.locator('#run-outcome')).toContainText('Succeeded', { timeout: 15_000 });
    await timelineComplete(page);
    await expect(page.locator('#timeline [data-step="callback"]')).toContainText('redirect URI (query)');
    expect(op.serverErrors, 'the provider logged no server error').toEqual([]);
  } finally {
    await op.close();
  }
});
