// Interop with a real authorization server: oidc-provider (npm) on loopback, configured to
// require signed request objects, PAR and PKCE, with JWT-secured responses (JARM) on. The
// playground runs the whole flow through its external-server mode: PAR + JAR (RS256,
// private_key_jwt) → the provider's own login and consent pages in the window the app opens →
// the JARM response back on the app's /callback route → token exchange → ID token validated.
// The same with DPoP (RFC 9449), the provider demanding nonces and DPoP-bound tokens. Then
// requests the provider must refuse, each with the provider's error shown by the app.
import { mkdirSync } from 'node:fs';
import { test, expect, timelineComplete } from './fixtures.mjs';
import { OIDC_PROVIDER_VERSION } from './oidc-provider.mjs';
import { CLIENT_ID, generateRsaKey, runToProvider, setUp, signIn } from './external-flow.mjs';

const SHOTS = 'test-results/screenshots';

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

  // The provider with features.dPoP on, a nonce secret and requireNonce always true, the client
  // registered with dpop_bound_access_tokens. The user turns DPoP on in the Request step; the
  // provider's answers must show the nonce round trip and a token bound to the app's key.
  test.describe('DPoP', () => {
    // The provider's use_dpop_nonce answer is a 400, which Chromium logs.
    test.use({ allowedConsoleErrors: [/Failed to load resource: the server responded with a status of 400/] });

    test('DPoP with provider nonces: PAR + JAR → use_dpop_nonce retry → DPoP-bound token → userinfo with a proof', async ({ page }) => {
      op = await setUp(page, { dpop: true });
      // Switched on, DPoP takes the first key that can sign proofs: the RSA key registered for
      // private_key_jwt, whose PS256 the provider does not take. The pre-flight says so before
      // anything is sent, and its remedy makes an ES256 key for DPoP.
      await page.check('#dpop-enabled');
      await expect(page.locator('#dpop-status')).toContainText('on: PS256 proofs');
      const finding = page.locator('#preflight-findings [data-code="lint.dpop_alg_not_supported"]');
      await expect(finding).toContainText('ES256, Ed25519, EdDSA');
      await finding.getByRole('button', { name: /Generate a DPoP key/ }).click();
      await expect(finding).toHaveCount(0);
      await expect(page.locator('#dpop-status')).toContainText('on: ES256 proofs, jkt ');
      const jkt = (await page.locator('#dpop-status').textContent()).match(/jkt (\S+)/)[1];
      await expect(page.locator('#preflight-findings [data-code^="external."]')).toHaveCount(0);

      const popup = await runToProvider(page);
      await signIn(await popup);
      await expect(page.locator('#run-outcome')).toContainText('Succeeded', { timeout: 15_000 });
      await timelineComplete(page);

      // The provider's side of every request that carried a proof: all with the app's key; the
      // first push refused for want of a nonce; its retry, the token request and userinfo carry
      // the nonce it handed out, and none of them is refused again (the token request gets the
      // nonce PAR gave, RFC 9449 §8.2).
      const seen = op.dpopExchanges.map(({ method, path, status, error }) => [method, path, status, error ?? null]);
      expect(seen).toEqual([
        ['POST', '/request', 400, 'use_dpop_nonce'],
        ['POST', '/request', 201, null],
        ['POST', '/token', 200, null],
        ['GET', '/me', 200, null],
      ]);
      const [refused, ...accepted] = op.dpopExchanges;
      expect(refused.issuedNonce, 'the provider sent a DPoP-Nonce with its refusal').toBeTruthy();
      expect(refused.nonce).toBeUndefined();
      for (const exchange of op.dpopExchanges) {
        expect(exchange.jkt, `${exchange.path}: proof key`).toBe(jkt);
        expect(exchange.alg).toBe('ES256');
      }
      for (const exchange of accepted) expect(exchange.nonce, exchange.path).toBe(refused.issuedNonce);
      expect(accepted.at(-1).ath, 'the userinfo proof names the token (ath)').toBeTruthy();
      // The access token the provider issued is bound to that key (its jkt, cnf.jkt in RFC 9449 §6).
      expect(op.accessTokens).toEqual([expect.objectContaining({ jkt, clientId: CLIENT_ID })]);

      // The app's side: the same story in the timeline.
      const steps = await page.locator('#timeline [data-step]').evaluateAll((els) => els.map((e) => e.dataset.step));
      expect(steps.filter((s) => /par|token$|userinfo|dpop/.test(s))).toEqual([
        'dpop_proof (par)',
        'par',
        'dpop_proof (par, nonce retry)',
        'par (DPoP nonce retry)',
        'dpop_proof (token)',
        'token',
        'dpop_proof (userinfo)',
        'userinfo',
        // OIDC Core §5.3.2: the provider's userinfo answer checked before use (sub = the ID token's).
        'userinfo (checks)',
      ]);
      await expect(page.locator('#timeline [data-step="userinfo (checks)"] [data-check="userinfo.sub"]')).toHaveCount(1);
      const text = (step) => page.locator(`#timeline [data-step="${step}"]`).first().evaluate((e) => e.textContent);
      expect(await text('request_object')).toContain(`"dpop_jkt": "${jkt}"`);
      const firstPar = await text('par');
      expect(firstPar).toContain('use_dpop_nonce');
      expect(firstPar).toMatch(/DPoP-Nonce/i);
      expect(await text('dpop_proof (par)')).not.toContain('"nonce"');
      const retried = await text('dpop_proof (par, nonce retry)');
      expect(retried).toContain('dpop+jwt');
      expect(retried).toContain(`"nonce": "${refused.issuedNonce}"`);
      expect(retried).not.toContain('"d":');
      expect(await text('par (DPoP nonce retry)')).toContain('201');
      expect(await text('token')).toContain('"token_type": "DPoP"');
      expect(await text('dpop_proof (userinfo)')).toContain('"ath"');
      await expect(page.locator('#timeline [data-step="userinfo"] .check.fail')).toHaveCount(0);
      await expect(page.locator('#result-id-claims')).toContainText('"sub": "alice"');
      const arrows = await page.locator('#sequence-diagram text').allTextContents();
      expect(arrows.filter((t) => t.includes('+ DPoP proof'))).toEqual([
        'POST /request + DPoP proof (par)',
        'POST /request + DPoP proof (par (DPoP nonce retry))',
        'POST /token + DPoP proof (token)',
        'GET /me + DPoP proof (userinfo)',
      ]);

      mkdirSync(SHOTS, { recursive: true });
      await page.locator('#run').screenshot({ path: `${SHOTS}/interop-dpop-timeline.png` });
      // The nonce round trip opened up: the provider's refusal with its DPoP-Nonce, then the
      // retried proof carrying it.
      for (const step of ['par', 'dpop_proof (par, nonce retry)', 'token']) {
        const entry = page.locator(`#timeline [data-step="${step}"]`).first();
        await entry.locator(':scope > summary').click();
        const name = step.replace(/[^a-z]+/g, '-').replace(/-$/, '');
        await entry.screenshot({ path: `${SHOTS}/interop-dpop-${name}.png` });
      }
    });

    test('DPoP off for a client registered with dpop_bound_access_tokens: the provider refuses a bearer token', async ({ page }) => {
      op = await setUp(page, { dpop: true });
      const popup = await runToProvider(page);
      await signIn(await popup);
      await expect(page.locator('#run-outcome')).toContainText('Failed at step token', { timeout: 15_000 });
      await expect(page.locator('#run-server-error')).toContainText('invalid_grant');
      expect(op.grantErrors).toEqual(['invalid_grant: DPoP proof JWT not provided']);
      expect(op.dpopExchanges).toEqual([]);
      expect(op.accessTokens).toEqual([]);
    });
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
