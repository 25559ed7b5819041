import * as oauth from 'oauth4webapi';
import { webcrypto } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test, expect, openApp, timelineComplete, mockFetch } from './fixtures.mjs';

// DPoP (RFC 9449) judged by an independent client: oauth4webapi (npm, pinned in package.json)
// runs in Node with its own DPoP support (oauth.DPoP(client, keyPair): proofs, nonce tracking,
// isDPoPNonceError) and talks to the in-page server through window.oauthPlayground.mock.fetch.
// The server runs the FAPI 2.0 Security Profile with server nonces required, so the very first
// proof is answered use_dpop_nonce and the library must retry with the DPoP-Nonce it got.

const require = createRequire(import.meta.url);
const OAUTH4WEBAPI_VERSION = require('oauth4webapi/package.json').version;
const CLIENT_ID = 'o4w-dpop';
const REDIRECT_URI = 'https://client.example/dpop-cb';
const SHOTS = 'test-results/screenshots';


// Runs `call` and, when oauth4webapi says the server wants a (fresh) nonce, once more; the
// DPoP handle has already stored the nonce from the refusal. Counts the retries per step.
async function withNonceRetry(retries, step, call) {
  try {
    return await call();
  } catch (err) {
    if (!oauth.isDPoPNonceError(err)) throw err;
    retries[step] = (retries[step] ?? 0) + 1;
    return call();
  }
}

async function setUp(page) {
  await openApp(page);
  const clientKeys = await oauth.generateKeyPair('ES256', { extractable: true });
  const publicJwk = { ...(await webcrypto.subtle.exportKey('jwk', clientKeys.publicKey)), kid: 'o4w-client-es256', use: 'sig' };
  await page.evaluate(
    async ({ clientId, redirectUri, publicJwk }) => {
      const { mock } = window.oauthPlayground;
      // `reset` loads the preset itself; the nonce requirement goes on top of it.
      await mock.configure({ profile: 'fapi2_security', reset: true, dpop_nonce_required: true });
      await mock.registerClient({
        client_id: clientId,
        redirect_uris: [redirectUri],
        response_types: ['code'],
        grant_types: ['authorization_code', 'refresh_token'],
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'ES256',
        jwks: { keys: [publicJwk] },
      });
    },
    { clientId: CLIENT_ID, redirectUri: REDIRECT_URI, publicJwk },
  );
  const issuer = new URL(await page.evaluate(() => window.oauthPlayground.mock.issuer));
  const options = { [oauth.customFetch]: mockFetch(page), [oauth.allowInsecureRequests]: issuer.protocol === 'http:' };
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, options));
  const client = { client_id: CLIENT_ID, token_endpoint_auth_signing_alg: 'ES256' };
  const auth = oauth.PrivateKeyJwt({ key: clientKeys.privateKey, kid: publicJwk.kid });
  const dpopKeys = await oauth.generateKeyPair('ES256');
  const DPoP = oauth.DPoP(client, dpopKeys);
  return { as, client, auth, options, DPoP };
}

// The authorize endpoint as a browser meets it: the 302's Location, read, not followed.
async function authorize(page, as, requestUri) {
  const url = new URL(as.authorization_endpoint);
  url.searchParams.set('client_id', CLIENT_ID);
  url.searchParams.set('request_uri', requestUri);
  const answer = await page.evaluate(async (url) => {
    const response = await window.oauthPlayground.mock.fetch(url);
    return { status: response.status, location: response.headers.get('location') };
  }, url.href);
  expect(answer.status).toBe(302);
  return new URL(answer.location);
}

test.describe(`oauth4webapi ${OAUTH4WEBAPI_VERSION} DPoP against the in-page server (FAPI 2.0, nonces on)`, () => {
  test('PAR + code + token + userinfo with DPoP proofs, the use_dpop_nonce retry, a DPoP-bound token', async ({ page }) => {
    const { as, client, auth, options, DPoP } = await setUp(page);
    expect(as.dpop_signing_alg_values_supported).toEqual(['PS256', 'ES256', 'EdDSA']);
    expect(as.require_pushed_authorization_requests).toBe(true);
    expect(as.token_endpoint_auth_methods_supported).toEqual(['private_key_jwt']);
    const retries = {};

    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const parameters = new URLSearchParams({
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      scope: 'openid email',
      state,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const pushed = await withNonceRetry(retries, 'par', async () =>
      oauth.processPushedAuthorizationResponse(
        as,
        client,
        await oauth.pushedAuthorizationRequest(as, client, auth, parameters, { ...options, DPoP }),
      ),
    );
    // The first proof carried no nonce: refused once, then accepted.
    expect(retries.par).toBe(1);
    expect(pushed.request_uri).toMatch(/^urn:ietf:params:oauth:request_uri:/);

    const callback = await authorize(page, as, pushed.request_uri);
    // RFC 9207: the library checks iss against the issuer, then state.
    const params = oauth.validateAuthResponse(as, client, callback, state);
    expect(callback.searchParams.get('iss')).toBe(as.issuer);

    const tokens = await withNonceRetry(retries, 'token', async () =>
      oauth.processAuthorizationCodeResponse(
        as,
        client,
        await oauth.authorizationCodeGrantRequest(as, client, auth, params, REDIRECT_URI, verifier, { ...options, DPoP }),
      ),
    );
    expect(tokens.token_type).toBe('dpop');
    // RFC 9449 §6.1 / RFC 7800: the JWT access token is bound to the proof key's thumbprint.
    const [, payload] = tokens.access_token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url'));
    expect(claims.cnf).toEqual({ jkt: await DPoP.calculateThumbprint() });

    const userinfo = await withNonceRetry(retries, 'userinfo', async () =>
      oauth.processUserInfoResponse(
        as,
        client,
        oauth.skipSubjectCheck,
        await oauth.userInfoRequest(as, client, tokens.access_token, { ...options, DPoP }),
      ),
    );
    expect(userinfo.sub).toBe('alice');

    const events = await page.evaluate(() => window.oauthPlayground.mock.events().map((e) => ({ name: e.name, check: e.check })));
    // Exactly one use_dpop_nonce refusal (the PAR one); every later proof carried the nonce.
    expect(events.filter((e) => e.check === 'dpop.nonce_missing')).toHaveLength(1);
    expect(events.filter((e) => e.check && e.check !== 'dpop.nonce_missing')).toEqual([]);
    for (const name of ['par.accepted', 'token.issued', 'userinfo.served']) {
      expect(events.map((e) => e.name), `event ${name}`).toContain(name);
    }
  });

  test('the same DPoP-bound token presented as Bearer is refused: dpop.bound_token_as_bearer', async ({ page }) => {
    const { as, client, auth, options, DPoP } = await setUp(page);
    const retries = {};
    const verifier = oauth.generateRandomCodeVerifier();
    const parameters = new URLSearchParams({
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      scope: 'openid',
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const pushed = await withNonceRetry(retries, 'par', async () =>
      oauth.processPushedAuthorizationResponse(as, client, await oauth.pushedAuthorizationRequest(as, client, auth, parameters, { ...options, DPoP })),
    );
    const params = oauth.validateAuthResponse(as, client, await authorize(page, as, pushed.request_uri), oauth.expectNoState);
    const tokens = await withNonceRetry(retries, 'token', async () =>
      oauth.processAuthorizationCodeResponse(
        as,
        client,
        await oauth.authorizationCodeGrantRequest(as, client, auth, params, REDIRECT_URI, verifier, { ...options, DPoP }),
      ),
    );
    // Without the DPoP option the library sends `Authorization: Bearer` and no proof.
    const refused = await oauth
      .processUserInfoResponse(as, client, oauth.skipSubjectCheck, await oauth.userInfoRequest(as, client, tokens.access_token, options))
      .catch((e) => e);
    expect(refused).toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
    expect(refused.status).toBe(401);
    const events = await page.evaluate(() => window.oauthPlayground.mock.events().map((e) => e.check).filter(Boolean));
    expect(events.at(-1)).toBe('dpop.bound_token_as_bearer');
  });
});

// The same exchange driven from the page: DPoP on in the Request step with a generated P-256
// key, server nonces on, one run. The timeline must show the refused first PAR, its retry, and
// each proof decoded (typ dpop+jwt, the public jwk, htm/htu, the nonce in the retried one).
test('DPoP in the page: a run with server nonces shows each proof and the nonce retry in the timeline', async ({ page }) => {
  await openApp(page);
  await page.locator('#server details.settings > summary').click();
  await page.check('#setting-dpop_nonce_required');
  await page.selectOption('#key-kind', 'ec-p256');
  await page.click('#key-generate');
  await expect(page.locator('#key-message')).toContainText('Generated EC P-256 key');
  await expect(page.locator('#dpop-key')).toBeDisabled();
  await page.check('#dpop-enabled');
  await expect(page.locator('#dpop-status')).toContainText('on: ES256 proofs, jkt ');
  await expect(page.locator('#dpop-key option:checked')).toContainText('ES256');

  await page.click('#run-button');
  await expect(page.locator('#run-button')).toHaveText('Run the flow');
  await expect(page.locator('#run-outcome')).toContainText('Succeeded');
  await timelineComplete(page);

  const text = (step) => page.locator(`#run [data-step="${step}"]`).first().evaluate((e) => e.textContent);
  // The first PAR is refused for want of a nonce; the retry carries the DPoP-Nonce it got.
  const firstPar = await text('par');
  expect(firstPar).toContain('use_dpop_nonce');
  expect(firstPar).toMatch(/DPoP-Nonce/i);
  // The nonce answer is marked as a nonce handed out for the retry, not as a failure.
  const parSummary = page.locator('#run [data-step="par"] > summary .status').first();
  await expect(parSummary).toContainText('↻ nonce requested, retried: 400');
  await expect(page.locator('#run details.exchange.failed')).toHaveCount(0);
  const answers = await page.locator('#sequence-diagram text').allTextContents();
  expect(answers).toContain('400 use_dpop_nonce — nonce given, retried');
  expect(answers.filter((t) => t.includes('failed'))).toEqual([]);
  expect(await text('par (DPoP nonce retry)')).toContain('201');
  const proof = await text('dpop_proof (par)');
  expect(proof).toContain('dpop+jwt');
  expect(proof).toContain('"htm": "POST"');
  expect(proof).not.toContain('"nonce"');
  expect(proof).not.toContain('"d":');
  const retried = await text('dpop_proof (par, nonce retry)');
  expect(retried).toContain('"nonce"');
  const token = await text('token');
  expect(token).toContain('"token_type": "DPoP"');
  expect(await text('dpop_proof (userinfo)')).toContain('"ath"');
  await expect(page.locator('#run [data-step="token (DPoP nonce retry)"]')).toHaveCount(0);
  // The sequence diagram marks each proof-carrying request: PAR twice, token, userinfo.
  const arrows = await page.locator('#sequence-diagram text').allTextContents();
  expect(arrows.filter((t) => t.includes('+ DPoP proof'))).toEqual([
    'POST /par + DPoP proof (par)',
    'POST /par + DPoP proof (par (DPoP nonce retry))',
    'POST /token + DPoP proof (token)',
    'GET /userinfo + DPoP proof (userinfo)',
  ]);

  mkdirSync(SHOTS, { recursive: true });
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.locator('#dpop').scrollIntoViewIfNeeded();
    await page.locator('#request').screenshot({ path: `${SHOTS}/dpop-request-${width}.png` });
    await page.locator('#run').screenshot({ path: `${SHOTS}/dpop-timeline-${width}.png` });
  }
});

// FAPI 2.0 from the page: choose the profile, then let the pre-flight findings' one-click fixes
// (and key generation) bring the default configuration into line; the run must then succeed
// with a DPoP-bound token.
test('FAPI 2.0 Security Profile in the page: the pre-flight fixes alone make the default configuration run', async ({ page }) => {
  await openApp(page);
  await page.selectOption('#server-profile', 'fapi2_security');
  const findings = page.locator('#preflight-findings li');
  await expect(page.locator('#preflight-findings [data-code="lint.fapi2_client_auth"]')).toBeVisible();
  await expect(page.locator('#preflight-findings [data-code="lint.fapi2_dpop_off"]')).toBeVisible();
  const applied = [];
  for (let i = 0; i < 12; i += 1) {
    const button = page.locator('#preflight-findings li button.fix').first();
    if ((await button.count()) === 0) break;
    const code = await button.evaluate((b) => b.closest('li').dataset.code);
    applied.push(code);
    await button.click();
    await expect(page.locator(`#preflight-findings [data-code="${code}"]`)).toHaveCount(0, { timeout: 20_000 });
  }
  // HS256 is first corrected by the metadata rule (the server lists PS256 first); the client
  // authentication fix then follows it, so one RSA key signs both.
  expect(applied).toEqual(['lint.alg_not_supported', 'lint.fapi2_client_auth', 'lint.fapi2_dpop_off', 'keys.missing_for_alg']);
  await expect(page.locator('#ro-alg')).toHaveValue('PS256');
  await expect(findings.filter({ hasText: 'Error' })).toHaveCount(0);
  await page.click('#run-button');
  await expect(page.locator('#run-button')).toHaveText('Run the flow');
  await expect(page.locator('#run-outcome')).toContainText('Succeeded');
  await timelineComplete(page);
  const token = await page.locator('#run [data-step="token"]').first().evaluate((e) => e.textContent);
  expect(token).toContain('"token_type": "DPoP"');
});

// Turning DPoP on picks a key whose alg the server takes (RFC 9449 §5.1
// dpop_signing_alg_values_supported): with a P-384 key made first and a P-256 key second, the
// FAPI 2.0 profile (ES256, PS256, EdDSA) gets the P-256 key; the Hardened profile, which lists
// ES384 too, keeps the first key.
test('DPoP on picks a key of an alg the server lists', async ({ page }) => {
  await openApp(page);
  for (const [kind, label] of [['ec-p384', 'EC P-384'], ['ec-p256', 'EC P-256']]) {
    await page.selectOption('#key-kind', kind);
    await page.click('#key-generate');
    await expect(page.locator('#key-message')).toContainText(`Generated ${label} key`);
  }
  await page.check('#dpop-enabled');
  await expect(page.locator('#dpop-key option:checked')).toContainText('ES384');
  // No key chosen, DPoP off, another server profile: turning it on picks again.
  await page.selectOption('#dpop-key', '');
  await page.uncheck('#dpop-enabled');
  await page.selectOption('#server-profile', 'fapi2_security');
  await page.check('#dpop-enabled');
  await expect(page.locator('#dpop-key option:checked')).toContainText('ES256');
  await expect(page.locator('#preflight-findings [data-code="lint.dpop_alg_not_supported"]')).toHaveCount(0);
});
