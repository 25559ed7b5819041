import * as oauth from 'oauth4webapi';
import { test, expect, openApp, mockFetch } from './fixtures.mjs';

// An independent client library, oauth4webapi (npm, pinned in package.json), runs in Node and
// talks to the in-page server: its customFetch hands each request to the page, where
// window.oauthPlayground.mock.fetch answers it, and builds the library a Response from the
// answer. The library does its own request building and response checks (content type,
// token_type, the active member), so this judges the server by someone else's reading of
// RFC 6749 §4.4, RFC 7662 and RFC 7009.

const SECRET = 'o4w-service-secret-0123456789abcdef0123456789';


async function setUp(page, settings) {
  await openApp(page);
  const customFetch = mockFetch(page);
  const issuer = new URL(await page.evaluate(() => window.oauthPlayground.mock.issuer));
  await page.evaluate(
    async ({ secret, settings }) => {
      const { mock } = window.oauthPlayground;
      await mock.configure(settings);
      await mock.registerClient({
        client_id: 'o4w-service',
        client_secret: secret,
        grant_types: ['client_credentials'],
        // RFC 7591 §2.1: no authorization endpoint, so no response types (the default, code,
        // needs the authorization_code grant and registration refuses the mismatch).
        response_types: [],
        token_endpoint_auth_method: 'client_secret_basic',
        scope: 'api:read api:write',
      });
      await mock.registerClient({ client_id: 'o4w-public', token_endpoint_auth_method: 'none' });
    },
    { secret: SECRET, settings },
  );
  const options = { [oauth.customFetch]: customFetch };
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, options));
  return { as, options, client: { client_id: 'o4w-service' }, auth: oauth.ClientSecretBasic(SECRET) };
}

for (const format of ['opaque', 'jwt']) {
  test(`oauth4webapi: client credentials → introspect (active) → revoke → introspect (inactive), ${format} access tokens`, async ({ page }) => {
    const { as, options, client, auth } = await setUp(page, { access_token_format: format });
    expect(as.introspection_endpoint).toBe(`${as.issuer}/introspect`);
    expect(as.revocation_endpoint).toBe(`${as.issuer}/revoke`);
    expect(as.grant_types_supported).toContain('client_credentials');
    expect(as.introspection_endpoint_auth_methods_supported).not.toContain('none');

    const tokens = await oauth.processClientCredentialsResponse(
      as,
      client,
      await oauth.clientCredentialsGrantRequest(as, client, auth, { scope: 'api:read', resource: 'https://api.example/' }, options),
    );
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.scope).toBe('api:read');
    expect(tokens.refresh_token).toBeUndefined();
    if (format === 'jwt') {
      const [header, payload] = tokens.access_token.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url')));
      expect(header.typ).toBe('at+jwt');
      expect(payload).toMatchObject({ iss: as.issuer, aud: 'https://api.example/', sub: 'o4w-service', client_id: 'o4w-service', scope: 'api:read' });
    } else {
      expect(tokens.access_token.split('.')).toHaveLength(1);
    }

    const introspect = async () =>
      oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, auth, tokens.access_token, options));
    const active = await introspect();
    expect(active).toMatchObject({
      active: true,
      client_id: 'o4w-service',
      scope: 'api:read',
      sub: 'o4w-service',
      aud: 'https://api.example/',
      iss: as.issuer,
      token_type: 'Bearer',
    });
    expect(active.exp - active.iat).toBe(3600);

    const revocation = await oauth.revocationRequest(as, client, auth, tokens.access_token, {
      ...options,
      additionalParameters: { token_type_hint: 'access_token' },
    });
    expect(await oauth.processRevocationResponse(revocation)).toBeUndefined();
    expect(await introspect()).toEqual({ active: false });

    // RFC 7009 §2.2: an unknown token is a 200 too.
    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, auth, 'never-issued', options));
  });
}

test('oauth4webapi reads the refusals: a public client may not introspect, a scope outside the registration', async ({ page }) => {
  const { as, options, client, auth } = await setUp(page, {});
  const refused = await oauth
    .processIntrospectionResponse(
      as,
      { client_id: 'o4w-public' },
      await oauth.introspectionRequest(as, { client_id: 'o4w-public' }, oauth.None(), 'anything', options),
    )
    .catch((e) => e);
  // RFC 6749 §5.2: invalid_client answered 401 carries WWW-Authenticate, which the library
  // reports as a challenge before it reads the body.
  expect(refused).toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
  expect(refused.status).toBe(401);
  expect(refused.cause[0].scheme).toBe('basic');

  const wide = await oauth
    .processClientCredentialsResponse(
      as,
      client,
      await oauth.clientCredentialsGrantRequest(as, client, auth, { scope: 'api:admin' }, options),
    )
    .catch((e) => e);
  expect(wide).toBeInstanceOf(oauth.ResponseBodyError);
  expect(wide.error).toBe('invalid_scope');
});

// The Run step's grant choice and the Result step's Introspect / Revoke, as a user clicks them.
test('the Run step runs client credentials; the Result step introspects and revokes the token', async ({ page }) => {
  await openApp(page);
  await page.selectOption('#run-grant', 'client_credentials');
  await expect(page.locator('#run-grant-help')).toContainText('client_credentials grant');
  await page.click('#run-button');
  await expect(page.locator('#run-outcome')).toContainText('Client credentials grant completed');
  await expect(page.locator('#timeline')).toHaveAttribute('aria-busy', 'false');
  const exchange = page.locator('#timeline details[data-step="client_credentials"]');
  await expect(exchange).toHaveCount(1);
  await expect(exchange).toContainText('grant_type=client_credentials');
  await expect(page.locator('#result-tokens')).toContainText('access_token');
  await expect(page.locator('#result-revoke-refresh_token')).toHaveCount(0);

  const calls = page.locator('#result-calls-access_token');
  await page.click('#result-introspect-access_token');
  await expect(calls.locator('li').nth(0)).toContainText('active: true');
  await expect(calls.locator('li').nth(0)).toContainText('client_id "playground-client"');
  const introspection = calls.locator('li').nth(0).locator('details[data-step="introspection"]');
  await expect(introspection).toContainText('POST');
  await expect(introspection).toContainText('/introspect');
  await expect(introspection).toContainText('curl');

  await page.click('#result-revoke-access_token');
  await expect(calls.locator('li').nth(1)).toContainText('revoked (200)');
  await expect(calls.locator('li').nth(1).locator('details[data-step="revocation"]')).toContainText('/revoke');

  await page.click('#result-introspect-access_token');
  await expect(calls.locator('li').nth(2)).toContainText('active: false');

  // Keyboard: the grant choice is a labelled select reachable by Tab.
  await expect(page.getByLabel('Grant', { exact: true })).toHaveValue('client_credentials');
});
