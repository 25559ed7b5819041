import { test, expect, openApp } from './fixtures.mjs';

// A plain JavaScript client, written against the browser's own APIs (WebCrypto, URL,
// URLSearchParams, Headers), uses window.oauthPlayground.mock as its fetch: discovery, PAR with
// an HS256-signed request object, authorize (a 302 it reads, not follows), a JARM response
// signed RS256 that it verifies against the server's JWKS, and the token exchange.
test('a JavaScript client runs PAR + JAR → JARM → token through window.oauthPlayground.mock', async ({ page }) => {
  await openApp(page);
  const run = await page.evaluate(async () => {
    const { mock } = window.oauthPlayground;
    const enc = new TextEncoder();
    const b64u = (bytes) =>
      btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    const unb64u = (text) => Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
    const b64uJson = (value) => b64u(enc.encode(JSON.stringify(value)));
    const secret = 'js-client-secret-0123456789abcdef0123456789';
    const redirect = 'https://js-client.example/cb';

    const discovery = await (await mock.fetch(`${mock.issuer}/.well-known/openid-configuration`)).json();
    const registered = await mock.registerClient({
      client_id: 'js-client',
      client_secret: secret,
      redirect_uris: [redirect],
      token_endpoint_auth_method: 'client_secret_basic',
      authorization_signed_response_alg: 'RS256',
    });

    const verifier = b64u(crypto.getRandomValues(new Uint8Array(32)));
    const challenge = b64u(await crypto.subtle.digest('SHA-256', enc.encode(verifier)));
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: 'js-client', aud: mock.issuer, client_id: 'js-client', response_type: 'code', redirect_uri: redirect,
      scope: 'openid', state: 'state-1', nonce: 'nonce-1', code_challenge: challenge, code_challenge_method: 'S256',
      response_mode: 'jwt', iat: now, nbf: now, exp: now + 120, jti: crypto.randomUUID(),
    };
    const signingInput = `${b64uJson({ alg: 'HS256', typ: 'oauth-authz-req+jwt' })}.${b64uJson(claims)}`;
    const hmac = await crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const requestObject = `${signingInput}.${b64u(await crypto.subtle.sign('HMAC', hmac, enc.encode(signingInput)))}`;
    const basic = `Basic ${btoa(`js-client:${secret}`)}`;

    const par = await mock.fetch(discovery.pushed_authorization_request_endpoint, {
      method: 'POST',
      headers: { Authorization: basic },
      body: new URLSearchParams({ client_id: 'js-client', request: requestObject }),
    });
    const pushed = await par.json();

    const authorizeUrl = new URL(discovery.authorization_endpoint);
    authorizeUrl.searchParams.set('client_id', 'js-client');
    authorizeUrl.searchParams.set('request_uri', pushed.request_uri);
    const authorize = await mock.fetch(authorizeUrl);
    const location = authorize.headers.get('Location');
    const jarm = new URL(location).searchParams.get('response');

    const [h, p, s] = jarm.split('.');
    const jarmHeader = JSON.parse(new TextDecoder().decode(unb64u(h)));
    const jarmClaims = JSON.parse(new TextDecoder().decode(unb64u(p)));
    const jwks = await (await mock.fetch(discovery.jwks_uri)).json();
    const jwk = jwks.keys.find((k) => k.kid === jarmHeader.kid);
    const publicKey = await crypto.subtle.importKey('jwk', jwk, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify']);
    const jarmVerified = await crypto.subtle.verify('RSASSA-PKCS1-v1_5', publicKey, unb64u(s), enc.encode(`${h}.${p}`));

    const token = await mock.fetch(new Request(discovery.token_endpoint, {
      method: 'POST',
      headers: new Headers({ Authorization: basic }),
      body: new URLSearchParams({ grant_type: 'authorization_code', code: jarmClaims.code, redirect_uri: redirect, code_verifier: verifier }),
    }));
    const tokens = await token.json();
    return {
      issuer: mock.issuer,
      discovery,
      registered,
      par: { status: par.status, contentType: par.headers.get('Content-Type'), body: pushed },
      authorize: { status: authorize.status, location },
      jarm: { header: jarmHeader, claims: jarmClaims, verified: jarmVerified },
      token: { status: token.status, body: tokens },
      events: mock.events().map((e) => e.name),
    };
  });

  expect(run.discovery.issuer).toBe(run.issuer);
  expect(run.discovery.response_modes_supported).toContain('jwt');
  expect(run.registered.client_id).toBe('js-client');
  expect(run.par.status).toBe(201);
  expect(run.par.contentType).toContain('application/json');
  expect(run.par.body.request_uri).toMatch(/^urn:ietf:params:oauth:request_uri:/);
  expect(run.par.body.expires_in).toBeGreaterThan(0);
  expect(run.authorize.status).toBe(302);
  expect(run.authorize.location).toMatch(/^https:\/\/js-client\.example\/cb\?response=/);
  expect(run.jarm.header.alg).toBe('RS256');
  expect(run.jarm.verified).toBe(true);
  expect(run.jarm.claims).toMatchObject({ iss: run.issuer, aud: 'js-client', state: 'state-1' });
  expect(run.jarm.claims.exp).toBeGreaterThan(run.jarm.claims.iat);
  expect(run.token.status).toBe(200);
  expect(run.token.body).toHaveProperty('access_token');
  expect(run.token.body).toHaveProperty('id_token');
  expect(run.events).toContain('jarm.issued');
});

test('the in-page server answers bad requests as a server would, with its check codes', async ({ page }) => {
  await openApp(page);
  const run = await page.evaluate(async () => {
    const { mock } = window.oauthPlayground;
    await mock.registerClient({
      client_id: 'app', client_secret: 'app-secret-0123456789abcdef0123456789ab', redirect_uris: ['https://app.example/cb'],
      token_endpoint_auth_method: 'client_secret_post',
    });
    const form = new FormData();
    form.append('client_id', 'app');
    form.append('client_secret', 'wrong');
    form.append('response_type', 'code');
    const par = await mock.fetch(`${mock.issuer}/par`, { method: 'POST', body: form });
    const put = await mock.fetch(`${mock.issuer}/token`, { method: 'PUT' });
    const unregistered = await mock.fetch(
      `${mock.issuer}/authorize?client_id=app&response_type=code&redirect_uri=${encodeURIComponent('https://evil.example/cb')}`,
    );
    const settings = await mock.configure({ profile: 'ping_one' });
    const discovery = await (await mock.fetch(`${mock.issuer}/.well-known/openid-configuration`)).json();
    // RFC 7591 §2: a member the server does not understand is ignored and listed back; one it
    // understands but cannot honour is refused, naming the member.
    const ignored = await mock.registerClient({
      client_id: 'x', client_secret: 'x-secret-0123456789abcdef0123456789abcdef', not_a_metadata_field: true,
    });
    let refused = null;
    try {
      await mock.registerClient({ client_id: 'y', token_endpoint_auth_method: 'none', id_token_signed_response_alg: 'HS256' });
    } catch (e) {
      refused = String(e);
    }
    return {
      par: { status: par.status, body: await par.json() },
      put: put.status,
      unregistered: { status: unregistered.status, location: unregistered.headers.get('Location'), page: await unregistered.text() },
      events: mock.events().map((e) => ({ name: e.name, check: e.check })),
      profileModes: discovery.response_modes_supported,
      settingsIssuer: settings.issuer,
      ignored: ignored.ignored_metadata,
      refused,
    };
  });
  expect(run.par.status).toBe(401);
  expect(run.par.body.error).toBe('invalid_client');
  expect(run.put).toBe(405);
  // RFC 6749 §4.1.2.1: never redirect to an unregistered redirect URI; show an error page.
  expect(run.unregistered.status).toBe(400);
  expect(run.unregistered.location).toBeNull();
  expect(run.unregistered.page).toContain('authorize.redirect_uri_not_registered');
  expect(run.events.map((e) => e.check)).toContain('client.auth_failed');
  expect(run.profileModes).not.toContain('jwt');
  expect(run.settingsIssuer).toBeTruthy();
  expect(run.ignored).toEqual(['not_a_metadata_field']);
  expect(run.refused).toContain('invalid_client_metadata');
  expect(run.refused).toContain('registration.secret_required');
  expect(run.refused).toContain('id_token_signed_response_alg');
});
