// JWE in the UI against the in-page server: a PAR + JAR run with the request object signed and
// then encrypted to the server's use:enc key (RSA-OAEP-256 / A256GCM), the JARM response and
// the ID token encrypted to a use:enc key made in the key manager (ECDH-ES+A128KW / A256GCM).
// The preview shows the nested structure, the timeline the encryption step and each
// decryption with what it decrypted. Then what the UI says when the choice cannot work: an
// alg the server's profile does not list (the pre-flight's one-click fix), and the client's
// encryption key removed (the pre-flight finding, and the run's failure with its code).
import { mkdirSync, readFileSync } from 'node:fs';
import * as jose from 'jose';
import { test, expect, openApp, timelineComplete } from './fixtures.mjs';
import { chooseEncryption, generateEncryptionKey, setUpEncryptedRun } from './jwe-flow.mjs';

const SHOTS = 'test-results/screenshots';
// The in-page server's fixed demo encryption keys (private), as the JWT tool's test reads them.
const SERVER_ENC_KEYS = JSON.parse(readFileSync(new URL('../../src/mock_as/server_enc_keys.json', import.meta.url), 'utf8'));

async function run(page) {
  await page.click('#run-button');
  await expect(page.locator('#run-button')).toHaveText('Run the flow');
  await expect(page.locator('#run-outcome')).toBeVisible();
  await timelineComplete(page);
  return page.locator('#run-outcome');
}

const b64json = (part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

test('PAR + signed-then-encrypted request object + encrypted JARM and ID token: preview, run, timeline', async ({ page }) => {
  await openApp(page);
  const key = await setUpEncryptedRun(page);
  expect(key.kty).toBe('EC');
  expect(key.d, 'the saved state holds no private part').toBeUndefined();
  // Nothing in the way: the in-page server (Hardened) lists every choice.
  await expect(page.locator('#preflight-findings [data-code^="lint.encryption"]')).toHaveCount(0);
  await expect(page.locator('#preflight-findings [data-code="lint.response_encryption_not_supported"]')).toHaveCount(0);

  // The preview: the signed request object, then the JWE that carries it.
  const jweHeader = page.locator('#preview-jwe-header');
  await expect(jweHeader).toContainText('"alg": "RSA-OAEP-256"');
  await expect(jweHeader).toContainText('"enc": "A256GCM"');
  await expect(jweHeader).toContainText('"kid": "mock-enc-rsa-1"');
  await expect(jweHeader).toContainText('"cty": "JWT"');
  const jwe = (await page.locator('#preview-jwe').innerText()).replace(/\s+/g, '');
  const parts = jwe.split('.');
  expect(parts.length, 'compact JWE: five parts').toBe(5);
  expect(b64json(parts[0])).toMatchObject({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: 'mock-enc-rsa-1', cty: 'JWT' });
  // The inner JWS: the request object's header and claims, signed with the client secret
  // (HS256), then shown compact; the JWE's plaintext is exactly that JWS (decrypted here with
  // Node's jose and the in-page server's fixed demo key, independently of the app).
  await expect(page.locator('#preview-header')).toContainText('"alg": "HS256"');
  await expect(page.locator('#preview-header')).toContainText('"typ": "oauth-authz-req+jwt"');
  await expect(page.locator('#preview-payload')).toContainText('"response_mode": "jwt"');
  const jws = (await page.locator('#preview-jwt').innerText()).replace(/\s+/g, '');
  expect(jws.split('.').length, 'compact JWS: three parts').toBe(3);
  expect(b64json(jws.split('.')[0])).toMatchObject({ alg: 'HS256', typ: 'oauth-authz-req+jwt' });
  const serverKey = SERVER_ENC_KEYS.keys.find((k) => k.kid === 'mock-enc-rsa-1');
  const { plaintext } = await jose.compactDecrypt(jwe, await jose.importJWK(serverKey, 'RSA-OAEP-256'));
  expect(new TextDecoder().decode(plaintext), 'the JWE carries the JWS shown above it').toBe(jws);
  // In the page: the JWS first, then the JWE made of it ("what is sent").
  const order = await page.locator('#preview').evaluate((root) =>
    [...root.querySelectorAll('#preview-jwt, #preview-jwe-header, #preview-jwe')].map((e) => e.id));
  expect(order).toEqual(['preview-jwt', 'preview-jwe-header', 'preview-jwe']);
  // What is pushed is the JWE, not the JWS.
  await expect(page.locator('#preview-par')).toContainText(`request=${jwe}`);
  mkdirSync(SHOTS, { recursive: true });
  await page.locator('#preview').screenshot({ path: `${SHOTS}/jwe-preview-1280.png` });

  const outcome = await run(page);
  await expect(outcome).toContainText('Succeeded');
  const steps = await page.locator('#timeline [data-step]').evaluateAll((els) => els.map((e) => e.dataset.step));
  for (const step of ['request_object (encrypted)', 'par', 'callback', 'authorization_response', 'jarm (decrypted)', 'token']) {
    expect(steps, `timeline has ${step}`).toContain(step);
  }
  await expect(page.locator('#timeline .check.fail')).toHaveCount(0);

  // Encryption of the request object: to the server's key, the inner JWS shown.
  const encrypt = page.locator('#timeline [data-check="jar.encrypt"]');
  await expect(encrypt).toHaveClass(/pass/);
  await expect(encrypt).toContainText('mock-enc-rsa-1');
  await expect(encrypt).toContainText('RSA-OAEP-256');

  // Each decryption passed, and shows what it decrypted: the JWE header, then the nested
  // JWT with its claims.
  for (const [check, claim] of [
    ['jarm.decrypt', '"code"'],
    ['id_token.decrypt', '"nonce"'],
  ]) {
    const row = page.locator(`#timeline [data-check="${check}"]`).first();
    await expect(row, check).toHaveClass(/pass/);
    await expect(row, check).toContainText(key.kid);
    const details = row.locator('details.decrypted');
    await row.locator('xpath=ancestor::details[contains(@class,"checks-event")]').evaluate((d) => { d.open = true; });
    await details.locator('summary').click();
    await expect(details, check).toHaveAttribute('open', '');
    await expect(details, check).toContainText('"alg": "ECDH-ES+A128KW"');
    await expect(details, check).toContainText('"enc": "A256GCM"');
    await expect(details, check).toContainText(`"kid": "${key.kid}"`);
    await expect(details, check).toContainText('"iss": "');
    await expect(details, check).toContainText(claim);
  }
  await expect(page.locator('#sequence-diagram')).toBeVisible();
  await expect(page.locator('#sequence-diagram')).not.toContainText('✗');
  await expect(page.locator('#sequence-diagram')).not.toContainText('failed');
  // The client's own encryption is drawn as such, not as a validation.
  await expect(page.locator('#sequence-diagram')).toContainText('encrypt request_object ✓');
  await expect(page.locator('#sequence-diagram')).not.toContainText('validate request_object');
  await expect(page.locator('#result-id-claims')).toContainText('"sub": "alice"');

  const decrypted = page.locator('#timeline [data-check="jarm.decrypt"]').first();
  await decrypted.scrollIntoViewIfNeeded();
  await decrypted.screenshot({ path: `${SHOTS}/jwe-timeline-decrypted-1280.png` });
  await page.locator('#run').screenshot({ path: `${SHOTS}/jwe-run-1280.png` });
});

test('at 390 px: the encrypted run and its opened decryption steps fit the screen', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await openApp(page);
  await setUpEncryptedRun(page);
  await expect(page.locator('#preview-jwe')).toBeVisible();
  mkdirSync(SHOTS, { recursive: true });
  await page.locator('#preview').screenshot({ path: `${SHOTS}/jwe-preview-390.png` });
  await page.locator('#preview-jwe-header').screenshot({ path: `${SHOTS}/jwe-preview-header-390.png` });
  await expect(await run(page)).toContainText('Succeeded');
  await page.locator('#timeline').evaluate((root) => {
    for (const d of root.querySelectorAll('details')) d.open = true;
  });
  const decrypted = page.locator('#timeline [data-check="jarm.decrypt"]').first();
  await decrypted.scrollIntoViewIfNeeded();
  await decrypted.screenshot({ path: `${SHOTS}/jwe-timeline-decrypted-390.png` });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, 'nothing wider than the viewport').toBeLessThanOrEqual(0);
});

test('an alg the server profile does not list: the pre-flight names it and its fix applies in one click', async ({ page }) => {
  await openApp(page);
  await setUpEncryptedRun(page);
  // Strict lists RSA-OAEP-256, ECDH-ES and ECDH-ES+A256KW with A128GCM / A256GCM.
  await page.selectOption('#server-profile', 'strict');
  await chooseEncryption(page, 'ro-encryption', 'RSA-OAEP', 'A256GCM');
  await expect(page.locator('#ro-encryption-alg option[value="RSA-OAEP"]')).toHaveText('RSA-OAEP (not listed by the server)');
  const finding = page.locator('#preflight-findings [data-code="lint.encryption_alg_not_supported"]');
  await expect(finding).toContainText('RSA-OAEP');
  await expect(finding).toContainText('request_object_encryption_alg_values_supported');
  // JARM and ID tokens with ECDH-ES+A128KW, which Strict does not list: a warning, no fix.
  const responses = page.locator('#preflight-findings [data-code="lint.response_encryption_not_supported"]');
  await expect(responses.first()).toContainText('ECDH-ES+A128KW');
  await finding.locator('button.fix').click();
  await expect(finding).toHaveCount(0);
  await expect(page.locator('#ro-encryption-alg')).toHaveValue('RSA-OAEP-256');
  await expect(page.locator('#ro-encryption-enc')).toHaveValue('A256GCM');
  await expect(page.locator('#preview-jwe-header')).toContainText('"alg": "RSA-OAEP-256"');
});

test.describe('refusals', () => {
  test('the client removed its encryption key: the pre-flight says so, and the server refuses the registration with its code', async ({ page }) => {
    await openApp(page);
    const key = await setUpEncryptedRun(page);
    await page.click(`button[aria-label="Remove key ${key.kid}"]`);
    const findings = page.locator('#preflight-findings [data-code="lint.encryption_client_key_missing"]');
    await expect(findings).toHaveCount(2);
    await expect(findings.first()).toContainText('JARM responses are to be encrypted with ECDH-ES+A128KW');
    await expect(findings.first()).toContainText('no private key with use enc');
    // The in-page server keeps the registration in step with the Client panel: a registration
    // asking for ECDH-ES+A128KW without a key to encrypt to is refused, so nothing is sent.
    const refused = page.locator('#server-error');
    await expect(refused).toContainText('registration.encryption_key_required');
    await page.click('#run-button');
    const error = page.locator('#run-error');
    await expect(error).toContainText('Client registration refused');
    await expect(error).toContainText('registration.encryption_key_required');
    await expect(error).toContainText('authorization_encrypted_response_alg');
    await expect(page.locator('#run-outcome')).toHaveCount(0);
  });
});

test('an X25519 key from the key manager (RFC 8037 §3.2): JARM encrypted to it with ECDH-ES, decrypted in the run', async ({ page }) => {
  await openApp(page);
  // X25519 only agrees keys: it becomes an encryption key even with "Signing" as the purpose.
  await page.selectOption('#key-purpose', 'sig');
  await page.selectOption('#key-kind', 'x25519');
  await page.click('#key-generate');
  await expect(page.locator('#key-message')).toContainText('encryption key');
  await chooseEncryption(page, 'client-jarm-encryption', 'ECDH-ES', 'A128GCM');
  await page.check('#delivery-par-jar');
  await page.selectOption('#req-response-mode', 'jwt');
  const outcome = await run(page);
  await expect(outcome).toContainText('Succeeded');
  const row = page.locator('#timeline [data-check="jarm.decrypt"]').first();
  await expect(row).toHaveClass(/pass/);
  await expect(row).toContainText('ECDH-ES');
  const details = row.locator('details.decrypted');
  await row.locator('xpath=ancestor::details[contains(@class,"checks-event")]').evaluate((d) => { d.open = true; });
  await details.locator('summary').click();
  await expect(details).toContainText('"crv": "X25519"');
  await expect(page.locator('#timeline .check.fail')).toHaveCount(0);
});
