// The JWE run of the in-page server as a user sets it up: an encryption key (use: enc) made in
// the key manager, JARM and ID tokens encrypted to it, the request object signed and then
// encrypted to the server's own encryption key, delivered by PAR + JAR, the response as JARM.
// Shared by tests/e2e/jwe.spec.mjs and the accessibility tests (tests/e2e/a11y.spec.mjs).
import { expect } from './fixtures.mjs';

const STORAGE_KEY = 'oauth-playground.workspace';

// Generates a key of `kind` (a #key-kind value) for encryption; returns its public JWK.
export async function generateEncryptionKey(page, kind = 'ec-p256') {
  await page.selectOption('#key-purpose', 'enc');
  await page.selectOption('#key-kind', kind);
  await page.click('#key-generate');
  await expect(page.locator('#key-message')).toContainText('Generated');
  await expect(page.locator('#key-message')).toContainText('encryption key');
  const keys = await page.evaluate((key) => JSON.parse(localStorage.getItem(key)).workspace.keys, STORAGE_KEY);
  const enc = keys.map((k) => k.jwk).filter((jwk) => jwk.use === 'enc');
  expect(enc.length, 'one encryption key in the saved state').toBeGreaterThan(0);
  return enc.at(-1);
}

// The choices of one message's encryption, through its two selects.
export async function chooseEncryption(page, id, alg, enc) {
  await page.selectOption(`#${id}-alg`, alg);
  await page.selectOption(`#${id}-enc`, enc);
}

// The whole setting: returns the client's public encryption JWK.
export async function setUpEncryptedRun(page) {
  const key = await generateEncryptionKey(page, 'ec-p256');
  await chooseEncryption(page, 'client-jarm-encryption', 'ECDH-ES+A128KW', 'A256GCM');
  await chooseEncryption(page, 'client-id-token-encryption', 'ECDH-ES+A128KW', 'A256GCM');
  await page.check('#delivery-par-jar');
  await chooseEncryption(page, 'ro-encryption', 'RSA-OAEP-256', 'A256GCM');
  await page.selectOption('#req-response-mode', 'jwt');
  return key;
}
