// Issue 21 item 4 (a): the tools below the five steps are split out of the first load
// (src/ui/lazy_tools.rs, scripts/wasm-split.mjs). Each arrives as a .wasm of its own after the
// page is interactive; a part that cannot be fetched is an error with a retry, never a dead
// page; the split changes nothing a user can do with the tool once it is there.
import { readdirSync, readFileSync } from 'node:fs';
import { test, expect, openApp } from './fixtures.mjs';

const PARTS = ['tamper', 'compare', 'jwt_tool', 'jws_signer', 'learn'];

test('the build ships each tool as a lazily loaded part, and the first load names none of them', () => {
  const files = readdirSync('dist');
  for (const part of PARTS) {
    expect(files.filter((f) => new RegExp(`^split_${part}-[0-9a-f]{16}\\.wasm$`).test(f)), part).toHaveLength(1);
  }
  const loader = files.find((f) => /^__wasm_split-[0-9a-f]{16}\.js$/.test(f));
  expect(loader).toBeTruthy();
  // index.html preloads the main module and its glue; the parts are fetched by the loader.
  const html = readFileSync('dist/index.html', 'utf8');
  expect(html).not.toMatch(/split_|chunk_/);
  const glue = readFileSync(`dist/${files.find((f) => /^oauth-playground-[0-9a-f]+\.js$/.test(f))}`, 'utf8');
  expect(glue).toContain(`from "./${loader}"`);
  expect(glue).not.toMatch(/from "\.\/__wasm_split\.js"/);
});

test('each tool arrives after the page is interactive, as its own .wasm, and works', async ({ page }) => {
  const fetched = [];
  page.on('requestfinished', (request) => {
    const name = new URL(request.url()).pathname.split('/').pop();
    if (/^(split|chunk)_/.test(name)) fetched.push(name);
  });
  await openApp(page);
  for (const id of ['#tamper', '#compare', '#jwt-tool', '#learn']) await expect(page.locator(id)).toBeVisible();
  await expect(page.locator('#jws-signer-title')).toHaveText('Sign a JWS');
  await expect(page.locator('.lazy-tool')).toHaveCount(0);
  for (const part of PARTS) expect(fetched.some((f) => f.startsWith(`split_${part}-`)), part).toBe(true);
  // The JWT tool from its chunk decodes a token made by the page's own signer.
  await page.fill('#jwt-input', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJsYXp5In0.c2lnbmF0dXJl');
  await expect(page.locator('#jwt-claims')).toContainText('lazy');
});

test.describe('a part that cannot be fetched', () => {
  // The browser and the split loader log the refused fetch (net::ERR_INTERNET_DISCONNECTED, then
  // the loader's "Failed to fetch" with its stack); nothing else may be logged or thrown.
  // (One pattern: Playwright reads a two-element array option as [value, options].)
  test.use({ allowedConsoleErrors: [/ERR_INTERNET_DISCONNECTED|^TypeError: Failed to fetch\n\s+at .*__wasm_split-[0-9a-f]{16}\.js/] });

test('is explained with a retry, and the rest of the page keeps working', async ({ page }) => {
  await page.route(/\/split_jwt_tool-[0-9a-f]+\.wasm$/, (route) => route.abort('internetdisconnected'));
  await openApp(page);
  const failure = page.locator('#lazy-jwt-tool');
  await expect(failure).toHaveAttribute('role', 'alert');
  await expect(failure).toContainText('The JWT tool could not be loaded');
  await expect(page.locator('#jwt-tool')).toHaveCount(0);
  // The other tools and the flow are unaffected.
  await expect(page.locator('#tamper')).toBeVisible();
  await page.click('#run-button');
  await expect(page.locator('#run-outcome')).toContainText('Succeeded');
  // Back online: the retry loads the part and the tool works.
  await page.unroute(/\/split_jwt_tool-[0-9a-f]+\.wasm$/);
  await failure.getByRole('button', { name: 'Try again' }).click();
  await expect(page.locator('#jwt-tool')).toBeVisible();
  await page.fill('#jwt-input', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJyZXRyeSJ9.c2lnbmF0dXJl');
  await expect(page.locator('#jwt-claims')).toContainText('retry');
});
});

test('a part served with another Content-Type than application/wasm still loads', async ({ page }) => {
  // instantiateStreaming refuses such an answer; scripts/wasm-split.mjs gives the loader the
  // fallback wasm-bindgen's glue has (compile from the bytes), for servers that do not know .wasm.
  await page.route(/\/split_learn-[0-9a-f]+\.wasm$/, async (route) => {
    const response = await route.fetch();
    const headers = Object.fromEntries(
      Object.entries(response.headers()).filter(([name]) => !['content-encoding', 'content-length'].includes(name)),
    );
    await route.fulfill({ response, headers: { ...headers, 'content-type': 'application/octet-stream' } });
  });
  await openApp(page);
  await expect(page.locator('#learn')).toBeVisible();
  await expect(page.locator('#lazy-learn')).toHaveCount(0);
});

test.describe('a tool\'s element named while its part is on its way', () => {
  // No service worker: after the first visit it would answer from its cache, past the route.
  test.use({ serviceWorkers: 'block' });

test('an address or a link naming it is followed when the part arrives', async ({ page }) => {
  // The learning pages' part is held back, as on a slow link.
  await page.route(/\/split_learn-[0-9a-f]+\.wasm$/, async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 600));
    await route.continue();
  });
  // Opened with the fragment: the browser found no #learn-par at load.
  await openApp(page, '/#learn-par');
  await expect(page.locator('#learn-par')).toBeInViewport();
  await expect(page.locator('#learn-par')).toBeFocused();
  // A link followed before the part is there.
  await page.goto('about:blank');
  await openApp(page, '/');
  await expect(page.locator('#lazy-learn')).toBeVisible();
  await page.click('.learn-nav a[href="#learn-dpop"]');
  await expect(page.locator('#learn-dpop')).toBeInViewport();
  await expect(page.locator('#learn-dpop')).toBeFocused();
});
});
