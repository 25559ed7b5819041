// An independent client against the native mock-server: oauth4webapi (npm) runs PAR + JAR
// (RS256 request object, private_key_jwt client authentication) → authorize (the 302 read
// as a browser would follow it) → JARM validated against the server's JWKS → token (ID token
// validated) → userinfo. Then a tampered request object and a reused request_uri, each refused
// with the check code in the error and in the server's event line. No browser page here.
import { test, expect } from '@playwright/test';
import { webcrypto } from 'node:crypto';
import { createRequire } from 'node:module';
import * as oauth from 'oauth4webapi';
import { startMockServer } from './mock-server.mjs';

const require = createRequire(import.meta.url);
const OAUTH4WEBAPI_VERSION = require('oauth4webapi/package.json').version;
const CLIENT_ID = 'oauth4webapi-client';
// Never visited: the authorize endpoint's 302 is read, not followed.
const REDIRECT_URI = 'http://127.0.0.1:9/cb';
const insecure = { [oauth.allowInsecureRequests]: true };

async function setUp() {
  const { privateKey, publicKey } = await oauth.generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await webcrypto.subtle.exportKey('jwk', publicKey)), kid: 'o4w-1', use: 'sig', alg: 'RS256' };
  const server = await startMockServer({
    clients: [
      {
        client_id: CLIENT_ID,
        redirect_uris: [REDIRECT_URI],
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [jwk] },
        request_object_signing_alg: 'RS256',
        authorization_signed_response_alg: 'RS256',
        id_token_signed_response_alg: 'RS256',
      },
    ],
  });
  const issuer = new URL(server.issuer);
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
  const client = {
    client_id: CLIENT_ID,
    authorization_signed_response_alg: 'RS256',
    id_token_signed_response_alg: 'RS256',
  };
  const key = { key: privateKey, kid: jwk.kid };
  return { server, as, client, key, auth: oauth.PrivateKeyJwt(key) };
}

// A signed request object for a code flow with PKCE and response_mode=jwt.
async function requestObject({ as, client, key }) {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const parameters = new URLSearchParams({
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    response_mode: 'jwt',
    scope: 'openid email',
    state,
    nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  const request = await oauth.issueRequestObject(as, client, parameters, key);
  return { request, verifier, state, nonce };
}

async function push(ctx, request) {
  return oauth.pushedAuthorizationRequest(ctx.as, ctx.client, ctx.auth, { request }, insecure);
}

// The authorize endpoint as a browser meets it: the answer's Location, not followed.
async function authorize(as, requestUri) {
  const url = new URL(as.authorization_endpoint);
  url.searchParams.set('client_id', CLIENT_ID);
  url.searchParams.set('request_uri', requestUri);
  const response = await fetch(url, { redirect: 'manual' });
  expect(response.status).toBe(302);
  return new URL(response.headers.get('location'));
}

test.describe(`oauth4webapi ${OAUTH4WEBAPI_VERSION} against the mock-server binary`, () => {
  let server;
  test.afterEach(async () => {
    if (server) expect(await server.close(), 'mock-server exits cleanly on Ctrl-C').toBe(0);
    server = undefined;
  });

  test('PAR + JAR (private_key_jwt) → authorize → JARM → token → userinfo', async () => {
    const ctx = await setUp();
    server = ctx.server;
    expect(ctx.as.issuer).toBe(server.issuer);
    const { request, verifier, state, nonce } = await requestObject(ctx);
    const pushed = await oauth.processPushedAuthorizationResponse(ctx.as, ctx.client, await push(ctx, request));
    expect(pushed.request_uri).toMatch(/^urn:ietf:params:oauth:request_uri:/);

    const callback = await authorize(ctx.as, pushed.request_uri);
    expect(callback.origin + callback.pathname).toBe(REDIRECT_URI);
    // The JARM response: signature against the server's JWKS, iss, aud, exp, then state.
    const params = await oauth.validateJwtAuthResponse(ctx.as, ctx.client, callback, state, insecure);
    expect(params.get('code')).toBeTruthy();

    const tokenResponse = await oauth.authorizationCodeGrantRequest(
      ctx.as, ctx.client, ctx.auth, params, REDIRECT_URI, verifier, insecure,
    );
    const tokens = await oauth.processAuthorizationCodeResponse(ctx.as, ctx.client, tokenResponse, {
      expectedNonce: nonce,
      requireIdToken: true,
    });
    const claims = oauth.getValidatedIdTokenClaims(tokens);
    expect(claims.sub).toBe('alice');
    expect(claims.iss).toBe(server.issuer);

    const userinfo = await oauth.processUserInfoResponse(
      ctx.as, ctx.client, claims.sub,
      await oauth.userInfoRequest(ctx.as, ctx.client, tokens.access_token, insecure),
    );
    expect(userinfo.email).toBe('alice@example.com');
    const names = server.events.map((e) => e.name);
    for (const name of ['par.accepted', 'jarm.issued', 'token.issued', 'userinfo.served']) {
      expect(names, `event line ${name}`).toContain(name);
    }
  });

  test('a tampered request object is refused: jar.signature_invalid', async () => {
    const ctx = await setUp();
    server = ctx.server;
    const { request } = await requestObject(ctx);
    const [header, payload, signature] = request.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url'));
    claims.scope = 'openid admin';
    const tampered = [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.');
    const error = await oauth
      .processPushedAuthorizationResponse(ctx.as, ctx.client, await push(ctx, tampered))
      .then(() => null, (e) => e);
    expect(error).toBeInstanceOf(oauth.ResponseBodyError);
    expect(error.error).toBe('invalid_request_object');
    expect(error.error_description).toMatch(/^jar\.signature_invalid/);
    expect(server.withCheck('jar.signature_invalid')).toHaveLength(1);
  });

  test('a request_uri used a second time is refused: par.request_uri_used', async () => {
    const ctx = await setUp();
    server = ctx.server;
    const { request, state } = await requestObject(ctx);
    const pushed = await oauth.processPushedAuthorizationResponse(ctx.as, ctx.client, await push(ctx, request));
    const first = await authorize(ctx.as, pushed.request_uri);
    await oauth.validateJwtAuthResponse(ctx.as, ctx.client, first, state, insecure);
    // The second visit is an error at the redirect URI. Not a JARM response: with the pushed
    // request gone, the server no longer knows the mode or state the client asked for.
    const second = await authorize(ctx.as, pushed.request_uri);
    expect(second.searchParams.has('response')).toBe(false);
    let error = null;
    try {
      oauth.validateAuthResponse(ctx.as, ctx.client, second, oauth.skipStateCheck);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(oauth.AuthorizationResponseError);
    expect(error.error).toBe('invalid_request_uri');
    expect(error.error_description).toMatch(/^par\.request_uri_used/);
    expect(server.withCheck('par.request_uri_used')).toHaveLength(1);
  });
});
