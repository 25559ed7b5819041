// A real, third-party authorization server for the interop tests: `oidc-provider` (npm),
// started on loopback and configured the way a strict deployment of JAR, PAR and JARM would
// be: signed request objects required, PAR required, JWT-secured responses on, PKCE required.
// The playground registers as a confidential client authenticating with private_key_jwt and
// its own public JWKS, and reaches the server from the browser, so CORS is allowed for the
// origins of the client's redirect URIs (what a real deployment would configure).
// With `encryption`, its JWE support (features.encryption) is on: its JWKS holds an RSA key with
// use enc (request objects are encrypted to it), and the client's registration may ask for
// encrypted JARM responses, ID tokens and userinfo (to the use enc key in the client's jwks).
// With `dpop`, the provider's DPoP feature (RFC 9449) is on with server nonces required at
// every endpoint that takes a proof, and the client's tokens must be DPoP-bound.
import { createServer } from 'node:net';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { Provider } from 'oidc-provider';

const require = createRequire(import.meta.url);
export const OIDC_PROVIDER_VERSION = require('oidc-provider/package.json').version;

// A free loopback port, so parallel runs and leftovers never collide.
export async function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

function signingKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: 'interop-rs256', use: 'sig', alg: 'RS256' };
}

// RFC 7638: the SHA-256 thumbprint of a public JWK, its required members in lexicographic
// order — computed here, independently of the provider and of the app.
export function jwkThumbprint(jwk) {
  const required = { EC: ['crv', 'kty', 'x', 'y'], OKP: ['crv', 'kty', 'x'], RSA: ['e', 'kty', 'n'] }[jwk.kty];
  if (!required) throw new Error(`no RFC 7638 members for kty ${jwk.kty}`);
  const canonical = JSON.stringify(Object.fromEntries(required.map((name) => [name, jwk[name]])));
  return createHash('sha256').update(canonical).digest('base64url');
}

// The header and payload of a compact JWS, as sent (no verification: the provider verifies);
// `undefined` for anything that is not one, so a malformed proof is recorded, not a crash.
function decodeJws(compact) {
  try {
    const [header, payload] = compact.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url')));
    return header && payload ? { header, payload } : undefined;
  } catch {
    return undefined;
  }
}

// The provider's encryption key: `use: "enc"` and no `alg`, so oidc-provider offers every RSA
// key-management alg its enabledJWA allows for it (lib/helpers/initialize_keystore.js,
// jwkEncryptionAlgorithms) and decrypts request objects with it.
function encryptionKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: 'interop-enc-rsa', use: 'enc' };
}

// What the provider accepts and produces when encryption is on. oidc-provider's defaults leave
// ECDH-ES+A*KW out (only A128KW, A256KW, ECDH-ES, RSA-OAEP, RSA-OAEP-256, dir); these add them
// for the responses. `overrides` replaces any list (a test narrows one to provoke a refusal).
function encryptionAlgs(overrides = {}) {
  const keyManagement = ['RSA-OAEP', 'RSA-OAEP-256', 'ECDH-ES', 'ECDH-ES+A128KW', 'ECDH-ES+A256KW'];
  const content = ['A128CBC-HS256', 'A128GCM', 'A256CBC-HS512', 'A256GCM'];
  return {
    requestObjectEncryptionAlgValues: ['RSA-OAEP', 'RSA-OAEP-256'],
    requestObjectEncryptionEncValues: content,
    authorizationEncryptionAlgValues: keyManagement,
    authorizationEncryptionEncValues: content,
    idTokenEncryptionAlgValues: keyManagement,
    idTokenEncryptionEncValues: content,
    userinfoEncryptionAlgValues: keyManagement,
    userinfoEncryptionEncValues: content,
    ...overrides,
  };
}

// oidc-provider's DPoP feature (its docs, features.dPoP): `nonceSecret` (32 bytes) turns server
// nonces on, `requireNonce` decides per request whether a proof without one is refused with
// use_dpop_nonce. Here: always, so PAR, token and userinfo each demand one.
function dpopFeature() {
  return { dPoP: { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => true } };
}

// Starts the provider with one client: `clientId`, the playground's public `jwks`, and its
// callback as the only redirect URI. Returns the issuer and a `close`, what the provider did
// with each DPoP proof (`dpopExchanges`), the access tokens it issued (`accessTokens`, with
// their `jkt`) and why it refused token requests (`grantErrors`).
// `encryption` turns JWE on (see above); `enabledJWA` narrows what it allows.
export async function startProvider({ clientId, jwks, redirectUri, client = {}, features = {}, dpop = false, encryption = false, enabledJWA = {} }) {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const allowedOrigins = new Set([new URL(redirectUri).origin]);
  if (dpop) {
    // The client's metadata says every access token it gets must be DPoP-bound (RFC 9449 §5.2).
    client = { dpop_bound_access_tokens: true, ...client };
    features = { ...dpopFeature(), ...features };
  }
  const keys = [signingKey()];
  let jwa = {};
  if (encryption) {
    keys.push(encryptionKey());
    features = { encryption: { enabled: true }, ...features };
    jwa = { enabledJWA: encryptionAlgs(enabledJWA) };
  }
  const provider = new Provider(issuer, {
    ...jwa,
    clients: [
      {
        client_id: clientId,
        redirect_uris: [redirectUri],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'RS256',
        request_object_signing_alg: 'RS256',
        authorization_signed_response_alg: 'RS256',
        id_token_signed_response_alg: 'RS256',
        require_signed_request_object: true,
        require_pushed_authorization_requests: true,
        jwks,
        ...client,
      },
    ],
    jwks: { keys },
    cookies: { keys: ['interop-tests-only-not-a-secret'] },
    features: {
      devInteractions: { enabled: true },
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: true },
      requestObjects: { enabled: true, requireSignedRequestObject: true },
      jwtResponseModes: { enabled: true },
      ...features,
    },
    pkce: { required: () => true },
    // The playground calls PAR and the token endpoint from its page.
    clientBasedCORS: (ctx, origin) => allowedOrigins.has(origin),
    findAccount: (ctx, sub) => ({
      accountId: sub,
      claims: () => ({ sub, email: `${sub}@interop.example`, email_verified: true, name: `User ${sub}` }),
    }),
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  });
  // The provider logs server errors through this event; the tests read them.
  const serverErrors = [];
  provider.on('server_error', (ctx, error) => serverErrors.push(error));
  // Every request that carried a DPoP proof: where it went, the proof's key thumbprint and
  // nonce, and the provider's answer (status, error, the nonce it handed out).
  const dpopExchanges = [];
  provider.use(async (ctx, next) => {
    const proof = ctx.get('DPoP');
    await next();
    if (!proof || ctx.method === 'OPTIONS') return;
    const decoded = decodeJws(proof);
    const jwk = decoded?.header.jwk;
    dpopExchanges.push({
      method: ctx.method,
      path: ctx.path,
      status: ctx.status,
      error: ctx.body?.error,
      jkt: jwk && ['EC', 'OKP', 'RSA'].includes(jwk.kty) ? jwkThumbprint(jwk) : undefined,
      alg: decoded?.header.alg,
      nonce: decoded?.payload.nonce,
      ath: decoded?.payload.ath,
      issuedNonce: ctx.response.get('DPoP-Nonce') || undefined,
    });
  });
  // Why the token endpoint refused, in the provider's own words (its answer to the client
  // says only "grant request is invalid"; the detail stays on the server).
  const grantErrors = [];
  provider.on('grant.error', (ctx, error) => grantErrors.push(`${error.error}: ${error.error_detail ?? error.message}`));
  // Access tokens as the provider stored them: opaque ones are saved, JWT ones only issued.
  const accessTokens = [];
  for (const event of ['access_token.saved', 'access_token.issued']) {
    provider.on(event, (token) => accessTokens.push({ jkt: token.jkt, clientId: token.clientId, scope: token.scope }));
  }
  const server = provider.listen(port, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    issuer,
    provider,
    serverErrors,
    dpopExchanges,
    accessTokens,
    grantErrors,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
