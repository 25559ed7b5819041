// A real, third-party authorization server for the interop tests: `oidc-provider` (npm),
// started on loopback and configured the way a strict deployment of JAR, PAR and JARM would
// be: signed request objects required, PAR required, JWT-secured responses on, PKCE required.
// The playground registers as a confidential client authenticating with private_key_jwt and
// its own public JWKS, and reaches the server from the browser, so CORS is allowed for the
// origins of the client's redirect URIs (what a real deployment would configure).
import { createServer } from 'node:net';
import { generateKeyPairSync } from 'node:crypto';
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

// Starts the provider with one client: `clientId`, the playground's public `jwks`, and its
// callback as the only redirect URI. Returns the issuer and a `close`.
export async function startProvider({ clientId, jwks, redirectUri, client = {}, features = {} }) {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const allowedOrigins = new Set([new URL(redirectUri).origin]);
  const provider = new Provider(issuer, {
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
    jwks: { keys: [signingKey()] },
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
  const server = provider.listen(port, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    issuer,
    provider,
    serverErrors,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
