import * as oauth from 'oauth4webapi';
import { test, expect, openApp, mockFetch } from './fixtures.mjs';

// An independent client library — oauth4webapi (npm, not ours) running in Node — registers
// with the in-page server through its RFC 7591 registration endpoint. Its fetch is
// window.oauthPlayground.mock.fetch: each request the library builds is handed to the page
// as it is (URL, method, headers, body) and the page's answer comes back as a real Response
// for the library to judge.

async function discover(page) {
  const fetch = mockFetch(page);
  const issuer = new URL(await page.evaluate(() => window.oauthPlayground.mock.issuer));
  const as = await oauth.processDiscoveryResponse(
    issuer,
    await oauth.discoveryRequest(issuer, { [oauth.customFetch]: fetch }),
  );
  return { as, fetch };
}

// Chromium logs the refused registrations (400, 401) as failed resources.
test.use({ allowedConsoleErrors: [/Failed to load resource/] });

test('oauth4webapi registers through the registration endpoint; unknown members are ignored and listed', async ({ page }) => {
  await openApp(page);
  const { as, fetch } = await discover(page);
  expect(as.registration_endpoint).toBe(`${as.issuer}/register`);

  const client = await oauth.processDynamicClientRegistrationResponse(
    await oauth.dynamicClientRegistrationRequest(
      as,
      {
        redirect_uris: ['https://rp.example/cb'],
        client_name: 'oauth4webapi RP',
        token_endpoint_auth_method: 'client_secret_jwt',
        token_endpoint_auth_signing_alg: 'HS256',
        id_token_signed_response_alg: 'RS256',
        software_id: 'oauth4webapi-e2e',
        contacts: ['ops@rp.example'],
        x_not_a_metadata_member: true,
      },
      { [oauth.customFetch]: fetch },
    ),
  );
  expect(client.client_id).toMatch(/^[A-Za-z0-9_-]{16,}$/);
  expect(client.client_secret.length).toBeGreaterThanOrEqual(43);
  expect(client.client_secret_expires_at).toBe(0);
  expect(typeof client.client_id_issued_at).toBe('number');
  expect(client.token_endpoint_auth_signing_alg).toBe('HS256');
  expect(client.grant_types).toEqual(['authorization_code']);
  expect(client.response_types).toEqual(['code']);
  expect(client.ignored_metadata).toEqual(['x_not_a_metadata_member']);
  const event = await page.evaluate(() => window.oauthPlayground.mock.events().findLast((e) => e.name === 'client.registered'));
  expect(event.details.ignored_metadata).toBe('x_not_a_metadata_member');

  // Public client: the default id_token alg is RS256 (OIDC Registration §2), no secret issued.
  const spa = await oauth.processDynamicClientRegistrationResponse(
    await oauth.dynamicClientRegistrationRequest(
      as,
      { redirect_uris: ['https://spa.example/cb'], token_endpoint_auth_method: 'none' },
      { [oauth.customFetch]: fetch },
    ),
  );
  expect(spa.client_secret).toBeUndefined();
  expect(spa.id_token_signed_response_alg).toBe('RS256');
});

test('oauth4webapi meets refusals it can read: invalid_client_metadata naming the member, and an initial access token', async ({ page }) => {
  await openApp(page);
  const { as, fetch } = await discover(page);

  const refusal = await oauth
    .processDynamicClientRegistrationResponse(
      await oauth.dynamicClientRegistrationRequest(
        as,
        { redirect_uris: ['https://rp.example/cb'], token_endpoint_auth_method: 'private_key_jwt', authorization_signed_response_alg: 'HS256' },
        { [oauth.customFetch]: fetch },
      ),
    )
    .catch((e) => e);
  expect(refusal).toBeInstanceOf(oauth.ResponseBodyError);
  expect(refusal.status).toBe(400);
  expect(refusal.error).toBe('invalid_client_metadata');
  expect(refusal.error_description).toContain('registration.secret_required');
  expect(refusal.error_description).toContain('authorization_signed_response_alg');

  const redirect = await oauth
    .processDynamicClientRegistrationResponse(
      await oauth.dynamicClientRegistrationRequest(as, { redirect_uris: ['/relative'] }, { [oauth.customFetch]: fetch }),
    )
    .catch((e) => e);
  expect(redirect.error).toBe('invalid_redirect_uri');

  // RFC 7591 §3: with an initial access token set, the endpoint wants it as a Bearer token.
  await page.evaluate(() => window.oauthPlayground.mock.configure({ registration_initial_access_token: 'iat-e2e-0123456789' }));
  const challenged = await oauth
    .processDynamicClientRegistrationResponse(
      await oauth.dynamicClientRegistrationRequest(as, { redirect_uris: ['https://rp.example/cb'] }, { [oauth.customFetch]: fetch }),
    )
    .catch((e) => e);
  expect(challenged).toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
  expect(challenged.status).toBe(401);
  expect(challenged.cause[0].scheme).toBe('bearer');
  const admitted = await oauth.processDynamicClientRegistrationResponse(
    await oauth.dynamicClientRegistrationRequest(
      as,
      { redirect_uris: ['https://rp.example/cb'] },
      { [oauth.customFetch]: fetch, initialAccessToken: 'iat-e2e-0123456789' },
    ),
  );
  expect(admitted.client_id).toBeTruthy();
});

test('registerClient takes token_endpoint_auth_signing_alg, refuses what it cannot honour naming the member', async ({ page }) => {
  await openApp(page);
  const run = await page.evaluate(async () => {
    const { mock } = window.oauthPlayground;
    const registered = await mock.registerClient({
      client_id: 'jwt-rp',
      client_secret: 'jwt-rp-secret-0123456789abcdef0123456789abcdef',
      redirect_uris: ['https://rp.example/cb'],
      token_endpoint_auth_method: 'client_secret_jwt',
      token_endpoint_auth_signing_alg: 'HS512',
    });
    let refused = null;
    try {
      await mock.registerClient({
        client_id: 'bad-rp',
        client_secret: 'bad-rp-secret-0123456789abcdef0123456789abcdef',
        redirect_uris: ['https://rp.example/cb'],
        request_object_signing_alg: 'ES512',
      });
    } catch (e) {
      refused = String(e);
    }
    return { alg: registered.token_endpoint_auth_signing_alg, refused };
  });
  expect(run.alg).toBe('HS512');
  expect(run.refused).toContain('invalid_client_metadata');
  expect(run.refused).toContain('registration.alg_unsupported');
  expect(run.refused).toContain('request_object_signing_alg');
});

test('the Client step registers through the endpoint, shows what was ignored, and explains a refusal', async ({ page }) => {
  await openApp(page);
  await page.locator('#registration summary').click();
  const body = page.locator('#registration-body');
  const draft = JSON.parse(await body.inputValue());
  expect(draft.client_id).toBeUndefined();
  await body.fill(JSON.stringify({ ...draft, x_typo_member: 1 }));
  await page.locator('#registration-send').click();
  await expect(page.locator('#registration-answer')).toContainText('201 Created');
  await expect(page.locator('#registration-ignored')).toContainText('x_typo_member');
  const answer = JSON.parse(await page.locator('#registration-json').textContent());
  expect(answer.client_id).toBeTruthy();
  await expect(page.locator('#registration-copy')).toBeVisible();

  await body.fill(JSON.stringify({ redirect_uris: ['https://rp.example/cb'], jwks_uri: 'https://rp.example/jwks' }));
  await page.keyboard.press('Tab');
  await page.locator('#registration-send').press('Enter');
  await expect(page.locator('#registration-error')).toHaveText('invalid_client_metadata');
  await expect(page.locator('#registration-check')).toHaveText('registration.jwks_uri_unsupported');
  await expect(page.locator('#registration-clause')).toContainText('RFC 7591 §2');
  await expect(page.locator('#registration-description')).toContainText('jwks_uri');
});
