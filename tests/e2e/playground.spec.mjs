// The playground UI against the release build: each panel, a full run of every flow family
// with each delivery, the compare view, a failing run, pre-flight fixes, persistence with and
// without remembered secrets, a corrupted saved state, and screenshots at two widths.
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { test, expect, openApp, setText } from './fixtures.mjs';

const STORAGE_KEY = 'oauth-playground.workspace';
const SHOTS = 'test-results/screenshots';

async function run(page) {
  await page.click('#run-button');
  await expect(page.locator('#run-button')).toHaveText('Run the flow');
  return page.locator('#run-outcome');
}

test('server panel: profile, settings and the discovery document follow each other', async ({ page }) => {
  await openApp(page);
  await expect(page.locator('#server-profile')).toHaveValue('hardened');
  await page.selectOption('#server-profile', 'strict');
  await expect(page.locator('#server-profile-description')).toContainText('Strict');
  await page.click('text=Discovery document and JWKS');
  await expect(page.locator('#server-discovery')).toContainText('"require_pushed_authorization_requests": true');
  await expect(page.locator('#server-jwks')).toContainText('"keys"');
  // A single setting, through its control.
  await page.click('text=All settings');
  await page.selectOption('#setting-par_mode', 'disabled');
  await expect(page.locator('#server-discovery')).not.toContainText('pushed_authorization_request_endpoint');
  // A contradictory JSON edit is refused with the reason, and nothing changes.
  const json = await page.inputValue('#server-settings-json');
  const broken = json.replace('"allow_unsigned_request_object": false', '"allow_unsigned_request_object": true');
  await page.fill('#server-settings-json', broken);
  await page.click('#server-settings-apply');
  await expect(page.locator('#server-settings-json-error')).toContainText('cannot both be true');
  await page.fill('#server-settings-json', '{ "profile": "hardened", oops }');
  await page.click('#server-settings-apply');
  await expect(page.locator('#server-settings-json-error')).toContainText('line 1');
});

test('client & keys: generate, import, thumbprint, export and register', async ({ page }) => {
  await openApp(page);
  await page.selectOption('#key-kind', 'ec-p256');
  await page.click('#key-generate');
  await expect(page.locator('#key-message')).toContainText('Generated EC P-256 key');
  await expect(page.locator('#key-list .key')).toHaveCount(1);
  await expect(page.locator('#key-list .key').first()).toContainText('signing key');
  // RSA generation reports progress and keeps the page responsive.
  await page.selectOption('#key-kind', 'rsa-2048');
  await page.click('#key-generate');
  await expect(page.locator('#key-message')).toContainText('Generated RSA-2048 key', { timeout: 20_000 });
  // Import the RFC 7638 §3.1 example key: its thumbprint is the RFC's.
  await page.fill('#key-import', JSON.stringify({
    kty: 'RSA',
    n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
    e: 'AQAB',
  }));
  await page.click('#key-import-button');
  await expect(page.locator('#key-message')).toContainText('Imported 1 key');
  await expect(page.locator('#key-list')).toContainText('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  // Bad input: a clear error, the list untouched.
  await page.fill('#key-import', '-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----');
  await page.click('#key-import-button');
  await expect(page.locator('#key-message')).toContainText('Import refused: PEM');
  await expect(page.locator('#key-list .key')).toHaveCount(3);
  // The public JWKS downloads with the two asymmetric public keys, no private members.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#jwks-download')]);
  const path = await download.path();
  const { readFileSync } = await import('node:fs');
  const jwks = JSON.parse(readFileSync(path, 'utf8'));
  expect(jwks.keys.length).toBe(3);
  for (const key of jwks.keys) expect(key.d).toBeUndefined();
  await page.click('#client-register');
  await expect(page.locator('#client-register-status')).toContainText('Registered "playground-client"');
});

test('key files: a PEM and a JWKS import through the picker; oversized and broken files are refused and lose nothing', async ({ page }) => {
  await openApp(page);
  const file = (name, text) => {
    const path = test.info().outputPath(name);
    writeFileSync(path, text);
    return path;
  };
  // A PKCS#8 P-256 private key made by Node's own crypto, not by the app.
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = file('client-p256.pem', privateKey.export({ type: 'pkcs8', format: 'pem' }));
  await page.setInputFiles('#key-file', pem);
  await expect(page.locator('#key-message')).toHaveText('Imported 1 key from client-p256.pem.');
  await expect(page.locator('#key-list .key')).toHaveCount(1);
  await expect(page.locator('#key-list .key').first()).toContainText('private + public');
  // A JWKS with two public keys: both come in, the private key above stays the signing key.
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' });
  const ed = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
  await page.setInputFiles('#key-file', file('partner.jwks.json', JSON.stringify({ keys: [rsa, ed] })));
  await expect(page.locator('#key-message')).toHaveText('Imported 2 keys from partner.jwks.json.');
  await expect(page.locator('#key-list .key')).toHaveCount(3);
  await expect(page.locator('#key-list .key').first()).toContainText('signing key');
  // What the user had pasted but not imported is still there after a file import.
  await page.fill('#key-import', '{"kty":"oct"');
  // A file over the limit is refused before it is read.
  await page.setInputFiles('#key-file', file('huge.pem', 'A'.repeat(300 * 1024)));
  await expect(page.locator('#key-message')).toContainText('Import refused: huge.pem is 307200 bytes, more than the 256 KiB');
  // Broken files name themselves and what is wrong in them.
  await page.setInputFiles('#key-file', file('broken.pem', '-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----\n'));
  await expect(page.locator('#key-message')).toContainText('Import refused: broken.pem: PEM');
  await page.setInputFiles('#key-file', file('broken.json', '{"keys": [ {"kty": "EC",'));
  await expect(page.locator('#key-message')).toContainText('Import refused: broken.json: not PEM, and not JSON');
  await expect(page.locator('#key-message')).toContainText('line 1');
  await expect(page.locator('#key-list .key')).toHaveCount(3);
  await expect(page.locator('#key-import')).toHaveValue('{"kty":"oct"');
  // The same good file again after a failure is read again (the picker was emptied).
  await page.setInputFiles('#key-file', pem);
  await expect(page.locator('#key-message')).toHaveText('Imported 1 key from client-p256.pem.');
  await expect(page.locator('#key-list .key')).toHaveCount(3);
  await expect(page.locator('#key-file')).toHaveValue('');
});

test('request builder: the preview follows the form, edits are validated and kept apart', async ({ page }) => {
  await openApp(page);
  await page.check('#delivery-jar');
  await expect(page.locator('#preview-payload')).toContainText('"response_type": "code"');
  await page.selectOption('#req-response-type', 'code id_token');
  await expect(page.locator('#preview-payload')).toContainText('"response_type": "code id_token"');
  await expect(page.locator('#preview-url')).toContainText('request=eyJ');
  // Edit before signing: bad JSON is located, good JSON is signed as typed.
  await page.click('#edit-start');
  const payload = await page.inputValue('#edit-payload');
  await page.fill('#edit-payload', payload.replace('{', '{ "aud": ,'));
  await page.click('#edit-sign');
  await expect(page.locator('#edit-error')).toContainText('line 1');
  await page.fill('#edit-payload', payload.replace('"response_type": "code id_token"', '"response_type": "code"'));
  await page.click('#edit-sign');
  await expect(page.locator('#edit-notice')).toBeVisible();
  await expect(page.locator('#preview-payload')).toContainText('"response_type": "code"');
  // The form keeps its own value.
  await expect(page.locator('#req-response-type')).toHaveValue('code id_token');
  await page.click('#edit-discard');
  await expect(page.locator('#edit-notice')).toHaveCount(0);
  await expect(page.locator('#preview-payload')).toContainText('"response_type": "code id_token"');
  // A claims parameter that is not JSON is refused where it was typed.
  await page.click('text=More parameters');
  await setText(page, '#req-claims', '{"id_token": {');
  await expect(page.locator('#req-claims-error')).toContainText('not JSON');
});

const FAMILIES = [
  ['code', 'code'],
  ['hybrid', 'code id_token'],
  ['implicit', 'id_token token'],
];
const DELIVERIES = ['plain', 'jar', 'par', 'par-jar'];

for (const [family, responseType] of FAMILIES) {
  test(`full ${family} flow (${responseType}) with each delivery`, async ({ page }) => {
    await openApp(page);
    await page.selectOption('#req-response-type', responseType);
    for (const delivery of DELIVERIES) {
      await page.check(`#delivery-${delivery}`);
      const outcome = await run(page);
      await expect(outcome, `${family} / ${delivery}`).toContainText('Succeeded');
      await expect(page.locator('#result-id-claims')).toContainText('"sub": "alice"');
      if (family !== 'implicit') await expect(page.locator('#result-tokens')).toContainText('access_token');
      await expect(page.locator('#sequence-diagram')).toBeVisible();
    }
  });
}

test('JARM: a jwt response mode is decoded and verified step by step', async ({ page }) => {
  await openApp(page);
  await page.selectOption('#req-response-mode', 'jwt');
  await expect(await run(page)).toContainText('Succeeded');
  await expect(page.locator('#result')).toContainText('JARM response');
  const checks = page.locator('#result .check-list').first();
  await expect(checks.locator('[data-check^="jarm."]').first()).toBeVisible();
  await expect(checks.locator('.check.fail')).toHaveCount(0);
});

test('a failing run points at the step, the check code and the clause', async ({ page }) => {
  await openApp(page);
  await page.check('#delivery-jar');
  await page.selectOption('#ro-alg', 'none');
  await expect(page.locator('#preflight-findings')).toContainText('lint.unsigned_request_object');
  const outcome = await run(page);
  await expect(outcome).toContainText('Failed at step');
  await expect(page.locator('#run-server-check')).toHaveText('jar.unsigned_not_allowed');
  await expect(outcome).toContainText('RFC 9101');
  await expect(page.locator('#sequence-diagram')).toContainText('✗');
});

test('pre-flight: a finding explains itself and its fix applies in one click', async ({ page }) => {
  await openApp(page);
  await page.selectOption('#server-profile', 'ping_one');
  await page.selectOption('#req-response-mode', 'jwt');
  const finding = page.locator('#preflight-findings [data-code="lint.pingone_jarm"]');
  await expect(finding).toContainText('JARM');
  await finding.locator('button.fix').click();
  await expect(finding).toHaveCount(0);
  await expect(page.locator('#req-response-mode')).not.toHaveValue('jwt');
});

test('compare view: four deliveries side by side', async ({ page }) => {
  await openApp(page);
  const cards = page.locator('#compare > .compare-grid > .compare-card');
  await expect(cards).toHaveCount(4);
  await expect(cards.nth(0)).toContainText('code_challenge');
  await expect(cards.nth(1)).toContainText('request');
  await expect(cards.nth(2)).toContainText('client_id, request_uri');
  await expect(cards.nth(3)).toContainText('client_id, request_uri');
  const length = async (i) => Number((await cards.nth(i).locator('.url-length').innerText()).split(' ')[0]);
  expect(await length(1)).toBeGreaterThan(await length(0));
  expect(await length(2)).toBeLessThan(await length(0));
});

test('reload keeps the configuration but not the secrets, unless asked', async ({ page }) => {
  await openApp(page);
  await setText(page, '#client-id', 'persisted-client');
  await page.selectOption('#key-kind', 'ec-p256');
  await page.click('#key-generate');
  await expect(page.locator('#key-message')).toContainText('Generated');
  const secret = await page.inputValue('#client-secret');
  const stored = await page.evaluate((k) => localStorage.getItem(k), STORAGE_KEY);
  expect(stored).toContain('persisted-client');
  expect(stored).not.toContain(secret);
  expect(JSON.parse(stored).workspace.keys[0].jwk.d).toBeUndefined();
  await page.reload();
  await page.waitForFunction(() => performance.getEntriesByName('app-interactive').length > 0);
  await expect(page.locator('#client-id')).toHaveValue('persisted-client');
  expect(await page.inputValue('#client-secret')).not.toBe(secret);
  await expect(page.locator('#key-list')).toContainText('public only (private part not remembered)');

  // With the opt-in, the secret and the private key survive.
  await page.check('#remember-secrets');
  await page.selectOption('#key-kind', 'ec-p256');
  await page.click('#key-generate');
  await expect(page.locator('#key-message')).toContainText('Generated');
  const remembered = await page.inputValue('#client-secret');
  const storedWith = await page.evaluate((k) => localStorage.getItem(k), STORAGE_KEY);
  expect(storedWith).toContain(remembered);
  await page.reload();
  await page.waitForFunction(() => performance.getEntriesByName('app-interactive').length > 0);
  expect(await page.inputValue('#client-secret')).toBe(remembered);
  await expect(page.locator('#key-list')).toContainText('private + public');
});

test('a corrupted saved state is reported and set aside; the page keeps working', async ({ page }) => {
  await page.addInitScript((k) => {
    if (!sessionStorage.getItem('planted')) {
      localStorage.setItem(k, '{"version":1,"workspace":{"client":{"client_id":"survivor"},"delivery":"Teleport","keys":"nope"}}');
      sessionStorage.setItem('planted', '1');
    }
  }, STORAGE_KEY);
  await openApp(page);
  await expect(page.locator('#load-notice')).toContainText('delivery');
  await expect(page.locator('#load-notice')).toContainText('keys');
  await expect(page.locator('#client-id')).toHaveValue('survivor');
  const setAside = await page.evaluate(() => localStorage.getItem('oauth-playground.workspace.unreadable'));
  expect(setAside).toContain('Teleport');
  await expect(await run(page)).toContainText('Succeeded');
  await page.click('#load-notice-dismiss');
  await expect(page.locator('#load-notice')).toHaveCount(0);

  // Not even JSON: defaults, and the text is kept.
  await page.evaluate((k) => localStorage.setItem(k, '\u0000garbage{'), STORAGE_KEY);
  await page.reload();
  await page.waitForFunction(() => performance.getEntriesByName('app-interactive').length > 0);
  await expect(page.locator('#load-notice')).toContainText('not JSON');
  await expect(page.locator('#client-id')).toHaveValue('playground-client');
});

for (const width of [1280, 390]) {
  test(`screenshots at ${width} px: main screen and a finished run`, async ({ page }) => {
    mkdirSync(SHOTS, { recursive: true });
    await page.setViewportSize({ width, height: 900 });
    await openApp(page);
    await page.screenshot({ path: `${SHOTS}/main-${width}.png` });
    await run(page);
    await page.locator('#run').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/run-${width}.png`, fullPage: true });
    // Nothing wider than the viewport at any width.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });
}

test('every control has an accessible name, and a run works from the keyboard alone', async ({ page }) => {
  await openApp(page);
  // Open the collapsed sections so their controls count too.
  for (const summary of await page.locator('summary').all()) await summary.click();
  const unnamed = await page.evaluate(() => {
    const out = [];
    for (const el of document.querySelectorAll('input, select, textarea, button')) {
      const named = (el.labels && el.labels.length > 0) || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') ||
        (el.tagName === 'BUTTON' && el.textContent.trim().length > 0);
      if (!named) out.push(el.outerHTML.slice(0, 120));
    }
    return out;
  });
  expect(unnamed).toEqual([]);
  // Keyboard: focus reaches the run button by Tab, Enter runs.
  await page.locator('#run-fresh').focus();
  let reached = false;
  for (let i = 0; i < 10 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.id === 'run-button');
  }
  expect(reached).toBe(true);
  await page.keyboard.press('Enter');
  await expect(page.locator('#run-outcome')).toContainText('Succeeded');
  // The delivery radios change with the arrow keys.
  await page.locator('#delivery-plain').focus();
  await page.keyboard.press('ArrowDown');
  await expect(page.locator('#delivery-jar')).toBeChecked();
});

test('JWT tool: RFC 7515 A.1 and A.2 verify with their keys; a tampered one does not', async ({ page }) => {
  const { readFileSync } = await import('node:fs');
  const vectors = JSON.parse(readFileSync(new URL('../vectors/jws/rfc7515.json', import.meta.url), 'utf8'));
  await openApp(page);
  for (const id of ['rfc7515-a-1', 'rfc7515-a-2', 'rfc7515-a-3']) {
    const v = vectors.find((c) => c.id === id);
    await page.fill('#jwt-input', v.jws);
    await expect(page.locator('#jwt-claims [data-claim="exp"]')).toContainText('EXPIRED');
    await page.check('#jwt-key-pasted');
    await page.fill('#jwt-key', JSON.stringify(v.jwk));
    await page.click('#jwt-verify');
    await expect(page.locator('#jwt-verdict'), id).toContainText(`Signature valid (${v.alg})`);
    // One changed payload character: not verified, and said so.
    const [h, p, s] = v.jws.split('.');
    const flipped = p.slice(0, 5) + (p[5] === 'A' ? 'B' : 'A') + p.slice(6);
    await page.fill('#jwt-input', [h, flipped, s].join('.'));
    await page.click('#jwt-verify');
    await expect(page.locator('#jwt-verdict'), id).toContainText('Not verified');
  }
  // A JARM response from a run verifies against the in-page server's JWKS, naming the key.
  await page.selectOption('#req-response-mode', 'jwt');
  await page.click('#run-button');
  await expect(page.locator('#run-outcome')).toContainText('Succeeded');
  const callback = await page.locator('#run [data-step="callback"]').evaluate((e) => e.textContent);
  await page.fill('#jwt-input', callback.match(/response = ([A-Za-z0-9_.-]+)/)[1]);
  await page.check('#jwt-key-server');
  await page.click('#jwt-verify');
  await expect(page.locator('#jwt-verdict')).toContainText('Signature valid (RS256)');
  await expect(page.locator('#jwt-verdict')).toContainText('kid');
  await page.fill('#jwt-input', 'not.a.jwt');
  await expect(page.locator('#jwt-error')).toContainText('Cannot decode');
});
