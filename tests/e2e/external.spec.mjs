// The external-server mode without a server: the PingOne preset's endpoints and rules, the
// endpoints typed by hand, what a page cannot do said up front, and the /callback route on
// its own.
import { test, expect, openApp, setText } from './fixtures.mjs';
import { freePort } from './oidc-provider.mjs';

const ENV = '0a7af9b6-4c3d-4b5a-8e1f-2d3c4b5a6978';

test('PingOne preset: region + environment id give the issuer and every endpoint, and its rules apply', async ({ page }) => {
  await openApp(page);
  await page.check('#target-pingone');
  await setText(page, '#pingone-env', 'not-an-environment');
  await expect(page.locator('#pingone-error')).toContainText('is not an environment id');
  await setText(page, '#pingone-env', ENV.toUpperCase());
  await page.selectOption('#pingone-region', 'eu');
  const endpoint = (name) => page.locator(`#pingone-endpoints [data-endpoint="${name}"]`);
  const base = `https://auth.pingone.eu/${ENV}/as`;
  await expect(endpoint('issuer')).toHaveText(base);
  await expect(endpoint('authorization_endpoint')).toHaveText(`${base}/authorize`);
  await expect(endpoint('pushed_authorization_request_endpoint')).toHaveText(`${base}/par`);
  await expect(endpoint('token_endpoint')).toHaveText(`${base}/token`);
  await expect(endpoint('jwks_uri')).toHaveText(`${base}/jwks`);
  await expect(endpoint('userinfo_endpoint')).toHaveText(`${base}/userinfo`);
  await page.selectOption('#pingone-region', 'com.au');
  await expect(endpoint('issuer')).toHaveText(`https://auth.pingone.com.au/${ENV}/as`);
  // The preview builds the request against the environment's endpoints.
  await expect(page.locator('#preview-url')).toContainText(`https://auth.pingone.com.au/${ENV}/as/`);
  // PingOne's rules: no JARM.
  await page.selectOption('#req-response-mode', 'jwt');
  await expect(page.locator('#preflight-findings [data-code="lint.pingone_jarm"]')).toBeVisible();
  // form_post cannot come back to a static page: said before the run.
  await page.selectOption('#req-response-mode', 'form_post');
  await expect(page.locator('#preflight-findings [data-code="external.form_post_unreadable"]')).toBeVisible();
  // Back to the in-page server: everything as it was.
  await page.check('#target-in-page');
  await expect(page.locator('#server-issuer')).toBeVisible();
  await expect(page.locator('#pingone-endpoints')).toHaveCount(0);
});

test('external server: endpoints by hand are checked, and the page says what it cannot do', async ({ page }) => {
  await openApp(page);
  await page.check('#target-external');
  await expect(page.locator('#real-server-notes')).toContainText('form_post cannot work');
  await expect(page.locator('#real-server-notes')).toContainText('CORS');
  await expect(page.locator('#preflight-findings [data-code="external.issuer_missing"]')).toBeVisible();
  await setText(page, '#external-issuer', 'https://as.example');
  await page.check('#external-manual');
  await setText(page, '#endpoint-authorization', 'https://as.example/authorize');
  await setText(page, '#endpoint-token', 'ftp://as.example/token');
  await expect(page.locator('#preview-error')).toContainText('token_endpoint');
  await setText(page, '#endpoint-token', 'https://as.example/token');
  await page.check('#delivery-jar');
  await expect(page.locator('#preview-url')).toContainText('https://as.example/authorize?');
  // A redirect URI that is not this page's callback cannot come back by itself.
  await setText(page, '#req-redirect-uri', 'https://elsewhere.example/cb');
  await expect(page.locator('#preflight-findings [data-code="external.redirect_uri_elsewhere"]')).toBeVisible();
  await page.click('#use-callback');
  await expect(page.locator('#preflight-findings [data-code="external.redirect_uri_elsewhere"]')).toHaveCount(0);
});

test.describe('an unreachable server', () => {
  test.use({ allowedConsoleErrors: [/Failed to load resource: net::ERR_CONNECTION_REFUSED/] });

  test('the run says why (CORS or down) and gives the curl command', async ({ page }) => {
    // A loopback port nobody listens on: fetch fails the same way a CORS refusal does.
    const port = await freePort();
    await openApp(page);
    await page.check('#target-external');
    await setText(page, '#external-issuer', `http://127.0.0.1:${port}`);
    await page.click('#run-button');
    await expect(page.locator('#run-outcome')).toContainText('Failed at step discovery');
    await expect(page.locator('#run-cors')).toContainText('CORS');
    await expect(page.locator('#run-cors-curl')).toContainText(`curl 'http://127.0.0.1:${port}/.well-known/openid-configuration'`);
    // Fetch discovery says the same, with the command.
    await page.click('#external-discover');
    await expect(page.locator('#external-error')).toContainText('CORS');
    await expect(page.locator('#external-error')).toContainText('curl');
  });
});

test('the callback route on its own: shows the response and says no playground window is waiting', async ({ page }) => {
  await page.goto('/callback?code=abc&state=xyz#ignored=1');
  await expect(page.locator('#callback-status')).toContainText('No playground window is waiting');
  await expect(page.locator('main')).toContainText('[query] code = abc');
  await expect(page.locator('main')).toContainText('[fragment] ignored = 1');
  // Nothing was saved by the callback page.
  expect(await page.evaluate(() => localStorage.length)).toBe(0);
});
