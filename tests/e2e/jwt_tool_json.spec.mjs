// The JWT tool with the JWS JSON serialization (RFC 7515 §7.2) and unencoded payloads
// (RFC 7797), on the RFC 7520 cookbook and RFC 7797 vectors: the three signatures of §4.8
// each verify with their own key (the verdict names which signature), a detached payload
// (§4.5) is typed beside the JWS, a `b64: false` payload is shown as it is, and a changed
// payload or a `b64` without `crit` is refused.
import { readFileSync } from 'node:fs';
import { test, expect, openApp } from './fixtures.mjs';

const load = (file) => JSON.parse(readFileSync(new URL(`../vectors/jws/${file}`, import.meta.url), 'utf8'));
const cookbook = load('rfc7520-json.json');
const rfc7797 = load('rfc7797.json');
const vector = (set, id) => set.find((c) => c.id === id);

async function verifyWithPasted(page, jwk) {
  await page.check('#jwt-key-pasted');
  await page.fill('#jwt-key', JSON.stringify(jwk));
  await page.click('#jwt-verify');
  const verdict = page.locator('#jwt-verdict');
  await expect(verdict).toBeVisible();
  return verdict;
}

test('RFC 7520 §4.8: each of the three signatures verifies with its own key, and the verdict says which', async ({ page }) => {
  await openApp(page);
  const first = vector(cookbook, 'rfc7520-4-8-rs256');
  await page.fill('#jwt-input', JSON.stringify(first.jws, null, 2));
  const decoded = page.locator('#jwt-json');
  await expect(decoded).toContainText('general (RFC 7515 §7.2.1)');
  await expect(decoded).toContainText('Signature 3 of 3: alg HS256');
  await expect(decoded).toContainText('Unprotected header (not integrity protected)');
  await expect(page.locator('#jwt-json-payload')).toContainText('dangerous business, Frodo');
  for (const [id, n] of [['rfc7520-4-8-rs256', 1], ['rfc7520-4-8-es512', 2], ['rfc7520-4-8-hs256', 3]]) {
    const v = vector(cookbook, id);
    await expect(await verifyWithPasted(page, v.jwk), id).toContainText(`Signature valid (${v.alg}, signature ${n} of 3)`);
  }
  // The payload changed by one character: no signature verifies.
  const changed = { ...first.jws, payload: first.jws.payload.replace(/^S/, 'T') };
  await page.fill('#jwt-input', JSON.stringify(changed));
  await expect(await verifyWithPasted(page, first.jwk)).toContainText('Not verified');
});

test('RFC 7520 §4.5: a detached payload is typed beside the flattened JWS', async ({ page }) => {
  const v = vector(cookbook, 'rfc7520-4-5-json-flat');
  const content = Buffer.from(v.payload, 'base64url').toString('utf8');
  await openApp(page);
  await page.fill('#jwt-input', JSON.stringify(v.jws));
  await expect(page.locator('#jwt-json')).toContainText('flattened (RFC 7515 §7.2.2)');
  await expect(page.locator('#jwt-json')).toContainText('The payload is detached');
  await expect(await verifyWithPasted(page, v.jwk)).toContainText('the payload is detached');
  await page.fill('#jwt-detached', content);
  await expect(await verifyWithPasted(page, v.jwk)).toContainText('Signature valid (HS256, signature 1 of 1)');
  await page.fill('#jwt-detached', content + '!');
  await expect(await verifyWithPasted(page, v.jwk)).toContainText('Not verified');
});

test('RFC 7797: an unencoded payload is shown as it is and verifies; b64 without crit is refused', async ({ page }) => {
  const v = vector(rfc7797, 'rfc7797-4-2-flattened');
  await openApp(page);
  await page.fill('#jwt-input', JSON.stringify(v.jws));
  await expect(page.locator('#jwt-json')).toContainText('Payload (unencoded, RFC 7797 b64: false)');
  await expect(page.locator('#jwt-json-payload')).toContainText('$.02');
  await expect(await verifyWithPasted(page, v.jwk)).toContainText('Signature valid (HS256, signature 1 of 1)');
  const bad = vector(rfc7797, 'cookbook-rfc7797-4-2-without-crit');
  await page.fill('#jwt-input', JSON.stringify(bad.jws));
  await expect(await verifyWithPasted(page, bad.jwk)).toContainText('crit');
});
