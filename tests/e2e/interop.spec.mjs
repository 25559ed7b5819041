// Interop with a real authorization server: oidc-provider (npm) on loopback, configured to
// require signed request objects, PAR and PKCE, with JWT-secured responses (JARM) on. The
// playground runs the whole flow through its external-server mode: PAR + JAR (RS256,
// private_key_jwt) → the provider's own login and consent pages in the window the app opens →
// the JARM response back on the app's /callback route → token exchange → ID token validated.
// Then requests the provider must refuse, each with the provider's error shown by the app.
import { test, expect, timelineComplete } from './fixtures.mjs';
import { OIDC_PROVIDER_VERSION } from './oidc-provider.mjs';
import { generateRsaKey, runToProvider, setUp, signIn } from './external-flow.mjs';

test.describe(`oidc-provider ${OIDC_PROVIDER_VERSION}`, () => {
  let op;
  test.afterEach(async () => {
    if (op) {
      expect(op.serverErrors, 'the provider logged no server error').toEqual([]);
      await op.close();
    }
    op = undefined;
  });

  test('PAR + JAR → login → JARM callback → token → ID token, all verified by the app', async ({ page }) => {
    op = await setUp(page);
    // The pre-flight knows the provider's metadata: nothing in the way.
    await expect(page.locator('#preflight-findings [data-code^="external."]')).toHaveCount(0);
    const popup = await runToProvider(page);
    await expect(page.locator('#run-waiting')).toContainText('Waiting for the authorization server');
    await signIn(await popup);
    const outcome = page.locator('#run-outcome');
    await expect(outcome).toContainText('Succeeded', { timeout: 15_000 });
    // Every exchange was with the provider: PAR, token, userinfo (discovery was fetched first).
    await timelineComplete(page);
    const steps = await page.locator('#timeline [data-step]').evaluateAll((els) => els.map((e) => e.dataset.step));
    for (const step of ['discovery', 'jwks', 'request_object', 'par', 'callback', 'jarm', 'token', 'userinfo']) {
      expect(steps, `timeline has ${step}`).toContain(step);
    }
    expect(steps).not.toContain('authorize');
    // The diagram shows the visit the page could not see, in the window it opened.
    await expect(page.locator('#sequence-diagram')).toContainText('sign in (in its window)');
    // The JARM response was verified step by step, and the ID token too.
    const jarmChecks = page.locator('#timeline [data-step="authorization_response"] .check');
    await expect(jarmChecks.first()).toBeAttached();
    await expect(page.locator('#timeline [data-step="authorization_response"] .check.fail')).toHaveCount(0);
    await expect(page.locator('#timeline [data-step="authorization_response"] [data-check^="jarm."]').first()).toBeAttached();
    await expect(page.locator('#timeline [data-step="id_token (token response)"] .check.fail')).toHaveCount(0);
    await expect(page.locator('#result-id-claims')).toContainText('"sub": "alice"');
    await expect(page.locator('#result-id-claims')).toContainText(op.issuer);
  });

  test('the response in the fragment (fragment.jwt) comes back through the callback route too', async ({ page }) => {
    op = await setUp(page, { responseMode: 'fragment.jwt' });
    const popup = await runToProvider(page);
    await signIn(await popup);
    await expect(page.locator('#run-outcome')).toContainText('Succeeded', { timeout: 15_000 });
    await expect(page.locator('#timeline [data-step="callback"]')).toContainText('redirect URI (fragment)');
  });

  test('a plain query response (no JARM) comes back in the query', async ({ page }) => {
    op = await setUp(page, { responseMode: 'query' });
    const popup = await runToProvider(page);
    await signIn(await popup);
    await expect(page.locator('#run-outcome')).toContainText('Succeeded', { timeout: 15_000 });
    await expect(page.locator('#timeline [data-step="callback"]')).toContainText('redirect URI (query)');
  });

  test.describe('refusals', () => {
    // The provider answers these with 400, which Chromium logs for every refused fetch.
    test.use({ allowedConsoleErrors: [/Failed to load resource: the server responded with a status of 400/] });

    test('an unsigned request object (alg none) when signed ones are required', async ({ page }) => {
      op = await setUp(page);
      await page.selectOption('#ro-alg', 'none');
      await page.click('#run-button');
      await expect(page.locator('#run-outcome')).toContainText('Failed at step par');
      await expect(page.locator('#run-server-error')).toContainText('invalid_request_object');
    });

    test('a tampered request object: its kid names the registered key, another key signed it', async ({ page }) => {
      // The client authenticates with its secret, so only the request object meets the wrong key.
      op = await setUp(page, { auth: 'client_secret_post' });
      const [registered] = await generateRsaKey(page);
      const keys = await generateRsaKey(page);
      const other = keys.find((k) => k.kid !== registered.kid);
      await page.locator(`#key-list input[type=radio][id="key-use-${other.kid}"]`).check();
      await page.click('#edit-start');
      const header = await page.inputValue('#edit-header');
      expect(header).toContain(other.kid);
      await page.fill('#edit-header', header.replace(other.kid, registered.kid));
      await page.click('#edit-sign');
      await expect(page.locator('#edit-notice')).toBeVisible();
      await page.click('#run-button');
      await expect(page.locator('#run-outcome')).toContainText('Failed at step par');
      await expect(page.locator('#run-server-error')).toContainText('invalid_request_object');
    });

    test('a plain request when PAR and signed request objects are required (refused at the callback)', async ({ page }) => {
      op = await setUp(page, { responseMode: 'query' });
      await page.check('#delivery-plain');
      const popup = await runToProvider(page);
      await (await popup).waitForEvent('close');
      await expect(page.locator('#run-outcome')).toContainText('Failed at step authorization_response');
      await expect(page.locator('#run-server-error')).toContainText('invalid_request');
    });

    test('JAR by value without PAR: the error comes back without state, and is still shown', async ({ page }) => {
      op = await setUp(page, { responseMode: 'query' });
      await page.check('#delivery-jar');
      const popup = await runToProvider(page);
      await (await popup).waitForEvent('close');
      await expect(page.locator('#run-error-code')).toHaveText('callback.state_mismatch');
      await expect(page.locator('#run-server-error')).toContainText('invalid_request');
    });

    test('a request_uri used a second time', async ({ page }) => {
      op = await setUp(page);
      const first = await runToProvider(page);
      const authorizeUrl = await page.locator('#run-open').getAttribute('href');
      expect(authorizeUrl).toContain('request_uri=');
      await signIn(await first);
      await expect(page.locator('#run-outcome')).toContainText('Succeeded', { timeout: 15_000 });
      // A second run waits for its response; its window is sent to the first request_uri again.
      // prompt=login keeps the provider on its login page (it would otherwise reuse the session).
      await page.click('text=More parameters');
      await page.selectOption('#req-prompt', 'login');
      const popup = await (await runToProvider(page));
      await popup.waitForSelector('input[name=login]');
      await expect(page.locator('#run-outcome')).toHaveCount(0);
      // The window closes itself once it has handed the response back, ending the navigation.
      await popup.goto(authorizeUrl).catch(() => {});
      await expect(page.locator('#run-outcome')).toContainText('Failed', { timeout: 15_000 });
      await expect(page.locator('#run-server-error')).toContainText('invalid_request');
    });
  });
});
