// The JWT tool against RFC 7515 Appendix A: each token verifies with its own key and the
// verdict names that key (place in the set, kid, RFC 7638 thumbprint); a JWKS is fetched for
// real from the page's own origin (the example file the app ships beside itself); a pasted
// callback URL yields its JWT; a URL the page's CSP forbids is refused with the reason.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test, expect, openApp } from './fixtures.mjs';

const vectors = JSON.parse(readFileSync(new URL('../vectors/jws/rfc7515.json', import.meta.url), 'utf8'));
const vector = (id) => vectors.find((c) => c.id === id);
const EXAMPLE_JWKS = 'examples/rfc7515-appendix-a.jwks.json';

// RFC 7638 §3: SHA-256 over the required members in lexicographic order, no whitespace.
function thumbprint(jwk) {
  const members = { RSA: ['e', 'kty', 'n'], EC: ['crv', 'kty', 'x', 'y'] }[jwk.kty];
  const canonical = JSON.stringify(Object.fromEntries(members.map((m) => [m, jwk[m]])));
  return createHash('sha256').update(canonical).digest('base64url');
}

function tampered(jws) {
  const [h, p, s] = jws.split('.');
  return [h, p.slice(0, 5) + (p[5] === 'A' ? 'B' : 'A') + p.slice(6), s].join('.');
}

async function verify(page) {
  await page.click('#jwt-verify');
  const verdict = page.locator('#jwt-verdict');
  await expect(verdict).toBeVisible();
  return verdict;
}

test('A.1 (HS256) verifies with its pasted JWK, names the key and keeps the secret out of the verdict', async ({ page }) => {
  const v = vector('rfc7515-a-1');
  await openApp(page);
  await page.fill('#jwt-input', v.jws);
  // Times: local time and relative to now (the vector expired in 2011).
  const exp = page.locator('#jwt-claims [data-claim="exp"]');
  await expect(exp).toContainText('EXPIRED');
  await expect(exp).toContainText('2011');
  await expect(exp).toContainText('days ago');
  await page.check('#jwt-key-pasted');
  await page.fill('#jwt-key', JSON.stringify(v.jwk));
  const verdict = await verify(page);
  await expect(verdict).toContainText('Signature valid (HS256), verified with key 1 of 1 in the pasted keys');
  await expect(page.locator('#jwt-matched-thumbprint')).toContainText('not shown for a symmetric key');
  await expect(verdict).not.toContainText(v.jwk.k);
  await page.fill('#jwt-input', tampered(v.jws));
  await expect(await verify(page)).toContainText('Not verified');
});

test('A.2 (RS256) and A.3 (ES256) verify with a JWKS fetched from the page origin, naming the matching key', async ({ page }) => {
  const jwks = JSON.parse(readFileSync(new URL(`../../public/${EXAMPLE_JWKS}`, import.meta.url), 'utf8'));
  await openApp(page);
  await page.check('#jwt-key-fetched');
  await page.fill('#jwt-jwks-url', EXAMPLE_JWKS);
  for (const [id, position] of [['rfc7515-a-2', 1], ['rfc7515-a-3', 2]]) {
    const v = vector(id);
    const key = jwks.keys[position - 1];
    // The shipped example holds exactly the vector's public key.
    for (const member of key.kty === 'RSA' ? ['n', 'e'] : ['crv', 'x', 'y']) expect(key[member], id).toBe(v.jwk[member]);
    const fetched = page.waitForResponse((r) => r.url().endsWith(EXAMPLE_JWKS));
    await page.fill('#jwt-input', v.jws);
    const verdict = await verify(page);
    expect((await fetched).status()).toBe(200);
    await expect(verdict, id).toContainText(`Signature valid (${v.alg}), verified with key ${position} of 2 in the JWKS fetched from http://127.0.0.1:`);
    await expect(page.locator('#jwt-matched-kid'), id).toHaveText(key.kid);
    await expect(page.locator('#jwt-matched-thumbprint'), id).toHaveText(thumbprint(v.jwk));
    await page.fill('#jwt-input', tampered(v.jws));
    await expect(await verify(page), id).toContainText('Not verified');
  }
});

test('a whole callback URL is accepted: the JWT is taken from its response parameter', async ({ page }) => {
  const v = vector('rfc7515-a-2');
  await openApp(page);
  await page.fill('#jwt-input', `https://app.example/cb?state=af0ifjsldkj&response=${v.jws}&iss=https%3A%2F%2Fas.example`);
  await expect(page.locator('#jwt-found-in')).toContainText('"response"');
  await expect(page.locator('#jwt-claims [data-claim="iss"]')).toContainText('joe');
  await page.check('#jwt-key-fetched');
  await page.fill('#jwt-jwks-url', EXAMPLE_JWKS);
  await expect(await verify(page)).toContainText('Signature valid (RS256)');
});

test('a fetch the page may not make, or an answer that is no JWKS, is refused with the reason', async ({ page }) => {
  const v = vector('rfc7515-a-2');
  await openApp(page);
  await page.fill('#jwt-input', v.jws);
  await page.check('#jwt-key-fetched');
  // Plain http to another host: the Content-Security-Policy would block it, so it is not tried.
  await page.fill('#jwt-jwks-url', 'http://keys.example/jwks');
  await expect(await verify(page)).toContainText('Content-Security-Policy');
  // The page itself is served, but it is HTML, not a JWK Set.
  await page.fill('#jwt-jwks-url', '/index.html');
  await expect(await verify(page)).toContainText('did not answer with a usable JWKS');
  // Served too, but far over the 256 KiB a JWKS may have (the app's own wasm): refused unread.
  const wasm = await page.evaluate(() =>
    performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname).find((p) => p.endsWith('.wasm')));
  await page.fill('#jwt-jwks-url', wasm);
  await expect(await verify(page)).toContainText('is larger than the 256 KiB this page reads from a server');
  await page.fill('#jwt-jwks-url', '');
  await expect(await verify(page)).toContainText('Type the URL of a JWKS');
});

test('at 390 px the decoded claims and the verdict fit the screen', async ({ page }) => {
  const v = vector('rfc7515-a-2');
  await page.setViewportSize({ width: 390, height: 844 });
  await openApp(page);
  await page.fill('#jwt-input', v.jws);
  await page.check('#jwt-key-fetched');
  await page.fill('#jwt-jwks-url', EXAMPLE_JWKS);
  await expect(await verify(page)).toContainText('Signature valid (RS256)');
  for (const id of ['#jwt-claims', '#jwt-verdict']) {
    const box = await page.locator(id).boundingBox();
    expect(box.x + box.width, id).toBeLessThanOrEqual(390);
  }
});
