// The playground aimed at a real authorization server (oidc-provider on loopback), as a user
// sets it up: shared by the interop tests, the accessibility tests' keyboard walk and the
// sub-path build's test (tests/e2e/subpath.spec.mjs).
import { expect, openApp, setText } from './fixtures.mjs';
import { startProvider } from './oidc-provider.mjs';
import { chooseEncryption, generateEncryptionKey } from './jwe-flow.mjs';

export const CLIENT_ID = 'playground-interop';
const STORAGE_KEY = 'oauth-playground.workspace';

// An RSA key made in the page; its public half (as saved, without the private members) is
// what the provider gets as the client's registered JWKS.
export async function generateRsaKey(page) {
  await page.selectOption('#key-kind', 'rsa-2048');
  await page.click('#key-generate');
  await expect(page.locator('#key-message')).toContainText('Generated RSA');
  const keys = await page.evaluate((key) => JSON.parse(localStorage.getItem(key)).workspace.keys, STORAGE_KEY);
  return keys.map((k) => k.jwk);
}

// The playground aimed at the provider: external issuer, private_key_jwt, PAR + JAR RS256.
// `path` is where the app is served (a build for a sub-path is opened there); `dpop` starts the
// provider with DPoP and its nonces on (the app's DPoP switch is the test's to turn on).
// `jwe` starts it with encryption on: `{ requestObject, jarm, idToken, userinfo }`, each `[alg, enc]` or
// absent; an EC P-256 key with use enc is made in the app and registered in the client's jwks
// with the response choices, and the app's selects are set the same. `enabledJWA` narrows the
// provider's lists (tests/e2e/oidc-provider.mjs).
export async function setUp(page, { responseMode = 'jwt', auth = 'private_key_jwt', path = '/', dpop = false, jwe, enabledJWA } = {}) {
  await openApp(page, path);
  let keys = await generateRsaKey(page);
  if (jwe) keys = [...keys.filter((k) => k.use !== 'enc'), await generateEncryptionKey(page, 'ec-p256')];
  for (const key of keys) expect(key.d, 'only the public half is registered').toBeUndefined();
  // The callback route sits under the app's public URL.
  const redirectUri = new URL('callback', page.url()).href;
  // With a client secret, the client authenticates without the signing key.
  const client =
    auth === 'private_key_jwt'
      ? {}
      : {
          token_endpoint_auth_method: auth,
          token_endpoint_auth_signing_alg: undefined,
          client_secret: await page.inputValue('#client-secret'),
        };
  const registered = { ...client };
  if (jwe?.requestObject) [registered.request_object_encryption_alg, registered.request_object_encryption_enc] = jwe.requestObject;
  if (jwe?.jarm) [registered.authorization_encrypted_response_alg, registered.authorization_encrypted_response_enc] = jwe.jarm;
  if (jwe?.idToken) [registered.id_token_encrypted_response_alg, registered.id_token_encrypted_response_enc] = jwe.idToken;
  // A userinfo JWT (signed, then encrypted) needs the provider's features.jwtUserinfo.
  if (jwe?.userinfo) {
    [registered.userinfo_encrypted_response_alg, registered.userinfo_encrypted_response_enc] = jwe.userinfo;
    registered.userinfo_signed_response_alg = 'RS256';
  }
  const op = await startProvider({ clientId: CLIENT_ID, jwks: { keys }, redirectUri, client: registered, dpop, encryption: Boolean(jwe), enabledJWA, features: jwe?.userinfo ? { jwtUserinfo: { enabled: true } } : {} });
  await page.check('#target-external');
  await setText(page, '#external-issuer', op.issuer);
  await page.click('#external-discover');
  await expect(page.locator('#external-status')).toContainText('discovery document read');
  await setText(page, '#client-id', CLIENT_ID);
  await page.selectOption('#client-auth-method', auth);
  await page.selectOption('#client-assertion-alg', 'RS256');
  await page.check('#delivery-par-jar');
  await page.selectOption('#ro-alg', 'RS256');
  await page.selectOption('#req-response-type', 'code');
  await page.selectOption('#req-response-mode', responseMode);
  if (jwe?.requestObject) await chooseEncryption(page, 'ro-encryption', ...jwe.requestObject);
  if (jwe?.jarm) await chooseEncryption(page, 'client-jarm-encryption', ...jwe.jarm);
  if (jwe?.idToken) await chooseEncryption(page, 'client-id-token-encryption', ...jwe.idToken);
  if (jwe?.userinfo) await chooseEncryption(page, 'client-userinfo-encryption', ...jwe.userinfo);
  await expect(page.locator('#callback-url-own')).toHaveText(redirectUri);
  return op;
}

// Starts the run; the app opens the provider's page in a window of its own.
export async function runToProvider(page) {
  const popup = page.waitForEvent('popup');
  await page.click('#run-button');
  return popup;
}

// The provider's development login and consent pages, filled as a user would.
export async function signIn(popup) {
  await popup.waitForSelector('input[name=login]');
  await popup.fill('input[name=login]', 'alice');
  await popup.fill('input[name=password]', 'any password');
  await popup.click('button[type=submit]');
  await popup.waitForSelector('button:has-text("Continue")');
  await popup.click('button:has-text("Continue")');
}
