// The JWT tool with encrypted tokens: JWEs made by an implementation we did not write (Node's
// `jose`, the library oidc-provider builds on) are pasted and decrypted in the page — a nested
// JWT (signed, then encrypted) whose inner token is then decoded and verified, plain JSON
// claims, and the OIDC Core §10.2 key derived from a client secret. A changed tag, the wrong
// key and RSA1_5 are refused, each with its reason.
import { createHash, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as jose from 'jose';
import { test, expect, openApp } from './fixtures.mjs';

const enc = (text) => new TextEncoder().encode(text);

function keyPair(kind, options) {
  const { publicKey, privateKey } = generateKeyPairSync(kind, options);
  return { publicJwk: publicKey.export({ format: 'jwk' }), privateJwk: privateKey.export({ format: 'jwk' }), publicKey, privateKey };
}

// One byte of the authentication tag changed.
function changedTag(jwe) {
  const parts = jwe.split('.');
  const tag = Buffer.from(parts[4], 'base64url');
  tag[0] ^= 1;
  parts[4] = tag.toString('base64url');
  return parts.join('.');
}

async function decrypt(page) {
  await page.click('#jwt-decrypt');
  const outcome = page.locator('#jwt-decrypted');
  await expect(outcome).toBeVisible();
  return outcome;
}

test('a signed-then-encrypted JWT (RSA-OAEP-256, A256GCM) decrypts with a pasted key; its inner JWT is decoded and verified', async ({ page }) => {
  const recipient = keyPair('rsa', { modulusLength: 2048 });
  const signer = keyPair('ec', { namedCurve: 'P-256' });
  const inner = await new jose.SignJWT({ sub: 'alice', nonce: 'n-0S6_WzA2Mj' })
    .setProtectedHeader({ alg: 'ES256', kid: 'sig-1' })
    .setIssuer('https://as.example')
    .setAudience('playground')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(signer.privateKey);
  const jwe = await new jose.CompactEncrypt(enc(inner))
    .setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM', cty: 'JWT', kid: 'enc-1' })
    .encrypt(recipient.publicKey);

  await openApp(page);
  await page.fill('#jwt-input', jwe);
  // Before decryption: the five parts and the protected header, nothing pretends to be claims.
  const decoded = page.locator('.decoded-jwe');
  await expect(decoded).toContainText('encrypted: a JWE');
  await expect(decoded).toContainText('"RSA-OAEP-256"');
  await expect(decoded).toContainText('encrypted key 256 bytes');
  await expect(page.locator('#jwt-claims')).toHaveCount(0);

  await page.check('#jwt-dec-pasted');
  await page.fill('#jwt-decrypt-key', JSON.stringify({ ...recipient.privateJwk, kid: 'enc-1' }));
  const outcome = await decrypt(page);
  await expect(outcome).toContainText('Decrypted with key 1 of 1');
  await expect(outcome).toContainText('kid "enc-1"');
  await expect(outcome).toContainText('nested JWT');
  await expect(page.locator('#jwt-claims [data-claim="sub"]')).toContainText('alice');
  await expect(page.locator('#jwt-claims [data-claim="iss"]')).toContainText('https://as.example');

  // The inner JWS verifies with the signer's public key.
  await page.check('#jwt-key-pasted');
  await page.fill('#jwt-key', JSON.stringify({ ...signer.publicJwk, kid: 'sig-1' }));
  await page.click('#jwt-verify');
  await expect(page.locator('#jwt-verdict')).toContainText('Signature valid (ES256)');

  // One bit of the tag changed: refused, without saying whether key or tag (RFC 7516 §11.5).
  await page.fill('#jwt-input', changedTag(jwe));
  await page.check('#jwt-dec-pasted');
  await page.fill('#jwt-decrypt-key', JSON.stringify(recipient.privateJwk));
  await expect(await decrypt(page)).toContainText('none opened it');
  await expect(page.locator('#jwt-claims')).toHaveCount(0);

  // Another RSA key fits the algorithm but is not the recipient's.
  await page.fill('#jwt-input', jwe);
  await page.fill('#jwt-decrypt-key', JSON.stringify(keyPair('rsa', { modulusLength: 2048 }).privateJwk));
  await expect(await decrypt(page)).toContainText('none opened it');
  // A public key cannot decrypt at all.
  await page.fill('#jwt-decrypt-key', JSON.stringify(recipient.publicJwk));
  await expect(await decrypt(page)).toContainText('none of the 1 key(s) can decrypt');
});

test('ECDH-ES+A128KW on P-384 with plain JSON inside shows the decrypted claims', async ({ page }) => {
  const recipient = keyPair('ec', { namedCurve: 'P-384' });
  const claims = { sub: 'bob', email: 'bob@example.com' };
  const jwe = await new jose.CompactEncrypt(enc(JSON.stringify(claims)))
    .setProtectedHeader({ alg: 'ECDH-ES+A128KW', enc: 'A128CBC-HS256' })
    .encrypt(recipient.publicKey);
  await openApp(page);
  await page.fill('#jwt-input', jwe);
  await expect(page.locator('.decoded-jwe')).toContainText('"epk"');
  await page.check('#jwt-dec-pasted');
  await page.fill('#jwt-decrypt-key', JSON.stringify(recipient.privateJwk));
  const outcome = await decrypt(page);
  await expect(outcome).toContainText('Inside is not a JWT');
  await expect(page.locator('#jwt-plaintext')).toContainText('bob@example.com');
});

test('dir + A128GCM with the key OIDC Core §10.2 derives from a client secret; RSA1_5 is refused by name', async ({ page }) => {
  const secret = 'a-client-secret-that-is-long-enough-1234';
  // §10.2: the leftmost 128 bits of SHA-256 of the secret, for A128GCM.
  const key = createHash('sha256').update(secret).digest().subarray(0, 16);
  const jwe = await new jose.CompactEncrypt(enc('{"sub":"carol"}'))
    .setProtectedHeader({ alg: 'dir', enc: 'A128GCM' })
    .encrypt(key);
  await openApp(page);
  await page.fill('#jwt-input', jwe);
  await expect(page.locator('.decoded-jwe')).toContainText('no encrypted key (direct encryption or key agreement)');
  await page.check('#jwt-dec-secret');
  await page.fill('#jwt-decrypt-key', 'not-the-secret');
  await expect(await decrypt(page)).toContainText('none opened it');
  await page.fill('#jwt-decrypt-key', secret);
  const outcome = await decrypt(page);
  await expect(outcome).toContainText('the key derived from the client secret (OIDC Core §10.2)');
  await expect(page.locator('#jwt-plaintext')).toContainText('carol');
  await expect(outcome).not.toContainText(secret);

  // RSA1_5 (a header written by hand: current libraries will not produce it).
  const header = Buffer.from(JSON.stringify({ alg: 'RSA1_5', enc: 'A128GCM' })).toString('base64url');
  await page.fill('#jwt-input', `${header}.AAAA.AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA`);
  await page.check('#jwt-dec-pasted');
  await page.fill('#jwt-decrypt-key', JSON.stringify(keyPair('rsa', { modulusLength: 2048 }).privateJwk));
  await expect(await decrypt(page)).toContainText('RSA1_5');
});

test('what a client encrypted to the in-page server decrypts with the server\'s keys, chosen by kid', async ({ page }) => {
  const { keys } = JSON.parse(readFileSync(new URL('../../src/mock_as/server_enc_keys.json', import.meta.url), 'utf8'));
  const ec = keys.find((k) => k.kty === 'EC');
  const { d, ...ecPublic } = ec;
  const jwe = await new jose.CompactEncrypt(enc('{"scope":"openid"}'))
    .setProtectedHeader({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM', kid: ec.kid })
    .encrypt(await jose.importJWK(ecPublic, 'ECDH-ES+A256KW'));
  await openApp(page);
  await page.fill('#jwt-input', jwe);
  await page.check('#jwt-dec-server');
  await expect(page.locator('#jwt-decrypt-key')).toHaveCount(0);
  const outcome = await decrypt(page);
  await expect(outcome).toContainText(`kid "${ec.kid}"`);
  await expect(page.locator('#jwt-plaintext')).toContainText('openid');
});
