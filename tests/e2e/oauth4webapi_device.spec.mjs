import * as oauth from 'oauth4webapi';
import { test, expect, openApp, setText, timelineComplete, mockFetch } from './fixtures.mjs';

// An independent client library (oauth4webapi, npm) runs the device authorization grant
// (RFC 8628) against the in-page server: its own device authorization and device code grant
// functions, in Node, with a customFetch that hands every request to
// window.oauthPlayground.mock.fetch inside the page. The user's part — the verification page —
// is played as a browser would: GET the page, read the prefilled code, POST the form.

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** A fetch for oauth4webapi that runs in the page, through the in-page server. */

/** The user at the verification page: opens `url`, submits `decision` for the code shown. */
async function decide(page, url, decision) {
  return page.evaluate(
    async ({ url, decision }) => {
      const { mock } = window.oauthPlayground;
      const html = await (await mock.fetch(url)).text();
      const doc = new DOMParser().parseFromString(html, 'text/html');
      const form = doc.querySelector('form');
      const body = new URLSearchParams({ user_code: doc.querySelector('#user_code').value, decision });
      const answer = await mock.fetch(form.getAttribute('action'), { method: 'POST', body });
      const result = new DOMParser().parseFromString(await answer.text(), 'text/html');
      return {
        status: answer.status,
        decision: result.querySelector('#device-result')?.dataset.decision ?? null,
        client: doc.querySelector('#device-request')?.dataset.client ?? null,
      };
    },
    { url, decision },
  );
}

async function errorOf(promise) {
  try {
    await promise;
    return 'no error';
  } catch (e) {
    return e instanceof oauth.ResponseBodyError ? e.error : `${e.name}: ${e.message}`;
  }
}

test('oauth4webapi runs the device flow: pending, slow_down, approval on the verification page, tokens once, denial', async ({ page }) => {
  test.setTimeout(60_000);
  await openApp(page);
  const issuer = await page.evaluate(() => window.oauthPlayground.mock.issuer);
  // A 1 s interval keeps the test short; slow_down then makes it 6 s (RFC 8628 §3.5).
  await page.evaluate(() => window.oauthPlayground.mock.configure({ device_poll_interval: 1 }));
  await page.evaluate(
    (grant) =>
      window.oauthPlayground.mock.registerClient({
        client_id: 'o4w-tv',
        token_endpoint_auth_method: 'none',
        grant_types: [grant],
        response_types: [],
        id_token_signed_response_alg: 'RS256',
      }),
    DEVICE_GRANT,
  );
  const options = { [oauth.customFetch]: mockFetch(page) };
  const issuerUrl = new URL(issuer);
  const as = await oauth.processDiscoveryResponse(issuerUrl, await oauth.discoveryRequest(issuerUrl, options));
  expect(as.device_authorization_endpoint).toBe(`${issuer}/device_authorization`);
  const client = { client_id: 'o4w-tv', id_token_signed_response_alg: 'RS256' };
  const auth = oauth.None();

  const started = await oauth.processDeviceAuthorizationResponse(
    as,
    client,
    await oauth.deviceAuthorizationRequest(as, client, auth, { scope: 'openid profile' }, options),
  );
  expect(started.user_code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
  expect(started.verification_uri).toBe(`${issuer}/device`);
  expect(started.interval).toBe(1);

  const poll = () =>
    oauth.deviceCodeGrantRequest(as, client, auth, started.device_code, options).then((r) => oauth.processDeviceCodeResponse(as, client, r));
  expect(await errorOf(poll())).toBe('authorization_pending');
  expect(await errorOf(poll())).toBe('slow_down');

  const decided = await decide(page, started.verification_uri_complete, 'approve');
  expect(decided).toEqual({ status: 200, decision: 'approved', client: 'o4w-tv' });

  await page.waitForTimeout(6_300);
  const tokens = await poll();
  expect(tokens.token_type.toLowerCase()).toBe('bearer');
  expect(tokens.access_token).toBeTruthy();
  expect(oauth.getValidatedIdTokenClaims(tokens).sub).toBe('alice');
  // The device code is spent.
  expect(await errorOf(poll())).toBe('invalid_grant');

  // A second device, denied.
  const second = await oauth.processDeviceAuthorizationResponse(
    as,
    client,
    await oauth.deviceAuthorizationRequest(as, client, auth, { scope: 'profile' }, options),
  );
  expect((await decide(page, second.verification_uri_complete, 'deny')).decision).toBe('denied');
  await page.waitForTimeout(1_100);
  const denied = await errorOf(
    oauth.deviceCodeGrantRequest(as, client, auth, second.device_code, options).then((r) => oauth.processDeviceCodeResponse(as, client, r)),
  );
  expect(denied).toBe('access_denied');

  const codes = await page.evaluate(() => window.oauthPlayground.mock.events().map((e) => e.check).filter(Boolean));
  expect(codes).toEqual(expect.arrayContaining(['device.authorization_pending', 'device.slow_down', 'device.code_used', 'device.access_denied']));
});

test('Run step: the device run shows the user code, polls, and succeeds once approved on the verification page', async ({ page }) => {
  test.setTimeout(60_000);
  await openApp(page);
  await page.click('text=All settings');
  await setText(page, '#setting-device_poll_interval', '1');
  await page.selectOption('#run-grant', 'device_code');
  await expect(page.locator('#run-button')).toHaveText('Run the device flow');
  await page.click('#run-button');
  const code = page.locator('#device-user-code');
  await expect(code).toHaveText(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
  await expect(page.locator('#device-verification-uri')).toHaveText(/\/device$/);
  // At least one poll answered authorization_pending before the user acts.
  await expect(page.locator('#device-timeline li[data-answer="authorization_pending"]').first()).toBeVisible({ timeout: 10_000 });
  await expect(page.locator('#device-poll-status')).toContainText('authorization_pending');

  await page.click('#device-open-page');
  await expect(page.locator('#device-page-request')).toContainText('asks for');
  await expect(page.locator('#device-page-code')).toHaveValue(await code.textContent());
  await page.click('#device-approve');
  await expect(page.locator('#device-page-result')).toHaveText('The verification page says: device approved.');

  await expect(page.locator('#device-outcome')).toHaveAttribute('data-outcome', 'tokens', { timeout: 10_000 });
  await expect(page.locator('#device-outcome')).toContainText('Succeeded');
  await expect(page.locator('#device-timeline li[data-answer="tokens"]')).toHaveCount(1);
  await expect(page.locator('#run-button')).toBeEnabled();
});

test('Server step: Rotate keys publishes the new keys beside the old, tokens carry the new kid, and the audit chain verifies and names an edited event', async ({ page }) => {
  await openApp(page);
  const before = await page.evaluate(async () => {
    const { mock } = window.oauthPlayground;
    // The signing keys: the encryption keys (use enc) are not rotated with them.
    return (await (await mock.fetch(`${mock.issuer}/jwks`)).json()).keys.filter((k) => k.use !== 'enc').map((k) => k.kid);
  });
  await page.click('text=Signing keys and rotation');
  await page.click('#rotate-keys');
  await expect(page.locator('#rotate-keys-result')).toContainText('Rotated (rotation 1)', { timeout: 20_000 });
  await expect(page.locator('#signing-key-table tr[data-key-state="active"]')).toHaveCount(4);
  await expect(page.locator('#signing-key-table tr[data-key-state="retiring"]')).toHaveCount(4);
  const after = await page.evaluate(async () => {
    const { mock } = window.oauthPlayground;
    return (await (await mock.fetch(`${mock.issuer}/jwks`)).json()).keys.filter((k) => k.use !== 'enc').map((k) => k.kid);
  });
  expect(after).toHaveLength(8);
  expect(after.slice(4)).toEqual(before);

  // A flow after the rotation: its ID token (RS256) names a new kid, and the client's key
  // step says which key matched.
  await page.click('#run-button');
  await expect(page.locator('#run-outcome')).toContainText('Succeeded', { timeout: 20_000 });
  await timelineComplete(page);
  const keyStep = page.locator('[data-check="id_token.key"] .detail').first();
  await expect(keyStep).toContainText('kid');
  const matched = (await keyStep.textContent()).match(/kid (\S+),/)[1];
  expect(after.slice(0, 4)).toContain(matched);

  // The audit log: the chain verifies; an exported copy with one edited event is caught there.
  await page.click('text=Audit log (tamper-evident)');
  await page.click('#audit-verify');
  await expect(page.locator('#audit-verdict')).toHaveAttribute('data-verified', 'true');
  await expect(page.locator('#audit-verdict')).toContainText('Chain verified');
  const lines = await page.evaluate(() => window.oauthPlayground.mock.auditLog());
  const events = lines.trim().split('\n');
  expect(events.length).toBeGreaterThan(3);
  const edited = events.map((line, i) => (i === 2 ? line.replace(/"outcome":"[a-z]+"/, '"outcome":"edited"') : line)).join('\n');
  expect(edited).not.toBe(lines.trim());
  await page.fill('#audit-pasted', edited);
  await page.click('#audit-verify-pasted');
  await expect(page.locator('#audit-verdict')).toHaveAttribute('data-verified', 'false');
  await expect(page.locator('#audit-verdict')).toHaveAttribute('data-broken-index', '2');
  await expect(page.locator('#audit-verdict')).toContainText('Chain broken');
  await expect(page.locator('#audit-events li[data-audit-index="2"]')).toContainText('first broken link');
  expect(await page.evaluate((text) => window.oauthPlayground.mock.verifyAuditLog(text).broken.index, edited)).toBe(2);
  expect(await page.evaluate(() => window.oauthPlayground.mock.verifyAuditLog().ok)).toBe(true);
});

// RFC 9449 with the device grant, from the page: DPoP on with a P-256 key and server nonces on.
// Every poll carries a proof (shown decoded in the device timeline); the first is answered
// use_dpop_nonce and polled again at once with the nonce; the tokens come back bound.
test('Run step: a device run with DPoP sends a proof with every poll and answers the nonce request', async ({ page }) => {
  test.setTimeout(60_000);
  await openApp(page);
  await page.click('text=All settings');
  await setText(page, '#setting-device_poll_interval', '1');
  await page.check('#setting-dpop_nonce_required');
  await page.selectOption('#key-kind', 'ec-p256');
  await page.click('#key-generate');
  await expect(page.locator('#key-message')).toContainText('Generated EC P-256 key');
  await page.check('#dpop-enabled');
  await expect(page.locator('#dpop-status')).toContainText('on: ES256 proofs');
  await page.selectOption('#run-grant', 'device_code');
  await page.click('#run-button');
  const timeline = page.locator('#device-timeline');
  await expect(timeline.locator('li[data-answer="use_dpop_nonce"]')).toHaveCount(1, { timeout: 10_000 });
  await expect(timeline.locator('li[data-answer="authorization_pending"]').first()).toBeVisible({ timeout: 10_000 });
  await page.click('#device-open-page');
  await page.click('#device-approve');
  await expect(page.locator('#device-outcome')).toHaveAttribute('data-outcome', 'tokens', { timeout: 10_000 });
  const polls = await timeline.locator('li[data-answer]:not([data-answer=""])').count();
  const proofs = timeline.locator('[data-step="dpop_proof (device_token)"]');
  // One proof per poll, each typed dpop+jwt; the ones after the nonce request carry it.
  expect(await proofs.count()).toBe(polls);
  const texts = await proofs.evaluateAll((els) => els.map((e) => e.textContent));
  expect(texts.every((t) => t.includes('dpop+jwt'))).toBe(true);
  expect(texts[0]).not.toContain('"nonce"');
  expect(texts.slice(1).every((t) => t.includes('"nonce"'))).toBe(true);
  const last = await timeline.locator('li[data-answer="tokens"]').evaluate((e) => e.textContent);
  expect(last).toContain('"token_type": "DPoP"');
});
