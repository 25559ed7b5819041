// The playground's external-server mode against the native mock-server: the "Local
// mock-server" preset, discovery fetched from this page (the server allows loopback origins
// by CORS), PAR + JAR, the authorize endpoint's 302 (and its consent page) in a real browser
// window, the JARM response back on /callback, token and userinfo — all real HTTP.
import { test, expect, openApp, setText, timelineComplete } from './fixtures.mjs';
import { startMockServer } from './mock-server.mjs';

const CLIENT_ID = 'playground-native';

// The page aimed at the binary; the binary knows the page's client (its secret, its callback).
async function setUp(page, { settings } = {}) {
  await openApp(page);
  const redirectUri = new URL('/callback', page.url()).href;
  const server = await startMockServer({
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: await page.inputValue('#client-secret'),
        redirect_uris: [redirectUri],
        token_endpoint_auth_method: 'client_secret_post',
        authorization_signed_response_alg: 'RS256',
        id_token_signed_response_alg: 'RS256',
      },
    ],
    settings,
  });
  await page.check('#target-external');
  // The one-click preset names the default address; this test's server has a port of its own.
  await page.click('#external-preset-mock-server');
  await expect(page.locator('#external-issuer')).toHaveValue('http://127.0.0.1:9000');
  await setText(page, '#external-issuer', server.issuer);
  await page.click('#external-discover');
  await expect(page.locator('#external-status')).toContainText('discovery document read');
  await setText(page, '#client-id', CLIENT_ID);
  await page.selectOption('#client-auth-method', 'client_secret_post');
  await page.check('#delivery-par-jar');
  await page.selectOption('#ro-alg', 'HS256');
  await page.selectOption('#req-response-type', 'code');
  await page.selectOption('#req-response-mode', 'jwt');
  if (await page.locator('#use-callback').count()) await page.click('#use-callback');
  await expect(page.locator('#preflight-findings [data-code^="external."]')).toHaveCount(0);
  return server;
}

async function expectSucceeded(page, server) {
  await expect(page.locator('#run-outcome')).toContainText('Succeeded', { timeout: 15_000 });
  await timelineComplete(page);
  const steps = await page.locator('#timeline [data-step]').evaluateAll((els) => els.map((e) => e.dataset.step));
  for (const step of ['discovery', 'request_object', 'par', 'callback', 'jarm', 'token', 'userinfo']) {
    expect(steps, `timeline has ${step}`).toContain(step);
  }
  await expect(page.locator('#timeline [data-step="authorization_response"] .check.fail')).toHaveCount(0);
  await expect(page.locator('#result-id-claims')).toContainText(server.issuer);
  const names = server.events.map((e) => e.name);
  for (const name of ['par.accepted', 'jarm.issued', 'token.issued', 'userinfo.served']) {
    expect(names, `the server's event line ${name}`).toContain(name);
  }
}

test.describe('the native mock-server as an external server', () => {
  let server;
  test.afterEach(async () => {
    if (server) expect(await server.close()).toBe(0);
    server = undefined;
  });

  test('preset → discovery → PAR + JAR → 302 in a window → JARM on /callback → token → userinfo', async ({ page }) => {
    server = await setUp(page);
    const popup = page.waitForEvent('popup');
    await page.click('#run-button');
    await popup;
    await expectSucceeded(page, server);
  });

  test('with a consent step: the server\'s own page in the window, approved by a click', async ({ page }) => {
    server = await setUp(page, { settings: { consent_step: true } });
    const popup = page.waitForEvent('popup');
    await page.click('#run-button');
    const window = await popup;
    await window.waitForSelector('#consent');
    await expect(window.locator('#consent')).toHaveAttribute('data-client', CLIENT_ID);
    await window.click('button[value=approve]');
    await expectSucceeded(page, server);
    expect(server.events.map((e) => e.name)).toContain('consent.requested');
  });
});
