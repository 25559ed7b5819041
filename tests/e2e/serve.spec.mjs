import { test, expect, openApp } from './fixtures.mjs';

// `make serve` (started by playwright.config.mjs) serves the app on port 8080, or SERVE_PORT.
const servePort = Number(process.env.SERVE_PORT ?? 8080);
test('the serve command serves a page that mounts with no console errors', async ({ page }) => {
  await openApp(page, `http://127.0.0.1:${servePort}/`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('OAuth Playground');
  await expect(page.locator('#jws-output')).not.toBeEmpty();
});
