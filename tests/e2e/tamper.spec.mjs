// Tamper presets in the browser, with WebCrypto: every preset, run from its row, must end
// with the check it names, and "Run all" must report N of N. The list is
// tests/e2e/tamper_presets.json, which the native test tests/tamper_presets.rs writes from
// the same catalogue the page renders; the first test checks the page against it, so the two
// cannot drift apart.
import { readFileSync } from 'node:fs';
import { test, expect, openApp, timelineComplete } from './fixtures.mjs';

const PRESETS = JSON.parse(readFileSync(new URL('./tamper_presets.json', import.meta.url), 'utf8'));

test('the Tamper section lists exactly the catalogue, grouped, each with its expectation', async ({ page }) => {
  await openApp(page);
  const ids = await page.locator('#tamper [data-preset]').evaluateAll((rows) => rows.map((r) => r.dataset.preset));
  expect(ids).toEqual(PRESETS.map((p) => p.id));
  expect(ids.length).toBeGreaterThanOrEqual(30);
  await expect(page.locator('#tamper-summary')).toHaveText(`${PRESETS.length} presets, none run yet.`);
  for (const preset of PRESETS.slice(0, 3)) {
    const row = page.locator(`[data-preset="${preset.id}"]`);
    await expect(row).toContainText(preset.title);
    await expect(row.locator('.expect')).toContainText(preset.expected.code);
    await expect(row.locator('.expect')).toContainText(preset.expected.clause);
    await expect(page.locator(`#tamper-run-${preset.id}`)).toHaveAccessibleName(`Run preset: ${preset.title}`);
  }
});

for (const preset of PRESETS) {
  test(`tamper preset ${preset.id} produces ${preset.expected.side} check ${preset.expected.code}`, async ({ page }) => {
    await openApp(page);
    const row = page.locator(`[data-preset="${preset.id}"]`);
    await page.click(`#tamper-run-${preset.id}`);
    await expect(row).toHaveAttribute('data-outcome', /^(match|mismatch|error)$/, { timeout: 20_000 });
    const seen = await row.innerText();
    await expect(row, seen).toHaveAttribute('data-outcome', 'match');
    await expect(row.locator('.verdict .word')).toHaveText('as expected');
    await expect(page.locator(`#tamper-comparison-${preset.id}`)).toHaveText(
      `expected ${preset.expected.side} check ${preset.expected.code}, got ${preset.expected.code}`,
    );
    // The tampered run is now the Run step's current run: stopped, and by the named check.
    await expect(page.locator('#run-outcome')).toContainText('Failed at step');
    if (preset.expected.side === 'server') {
      await expect(page.locator('#run-server-check')).toHaveText(preset.expected.code);
    } else {
      await expect(page.locator('#run-error-code')).toHaveText(preset.expected.code);
    }
  });
}

// DPoP (RFC 9449): the presets have a group of their own; with DPoP off in the workspace, a
// preset turns it on for its own run (a key of its own) and says so, and the tampered run it
// leaves in the Run step is a DPoP flow: proofs decoded in the timeline, refused where the
// preset says.
const DPOP = PRESETS.filter((p) => p.category === 'dpop');

test('the DPoP presets: a group of their own, at least ten, each expecting a dpop check', async ({ page }) => {
  expect(DPOP.length).toBeGreaterThanOrEqual(10);
  expect(DPOP.every((p) => p.expected.code.startsWith('dpop.'))).toBe(true);
  await openApp(page);
  const group = page.getByRole('region', { name: 'DPoP proofs and sender-constrained tokens' });
  await expect(group.getByRole('heading', { level: 3 })).toHaveText('DPoP proofs and sender-constrained tokens');
  const ids = await group.locator('[data-preset]').evaluateAll((rows) => rows.map((r) => r.dataset.preset));
  expect(ids).toEqual(DPOP.map((p) => p.id));
});

test('a stolen DPoP-bound token with the thief\'s key: proofs at token and userinfo, refused at userinfo', async ({ page }) => {
  await openApp(page);
  await expect(page.locator('#dpop-enabled')).not.toBeChecked();
  const id = 'dpop-token-used-with-other-key';
  const row = page.locator(`[data-preset="${id}"]`);
  await page.click(`#tamper-run-${id}`);
  await expect(row).toHaveAttribute('data-outcome', 'match', { timeout: 20_000 });
  await expect(row.locator('.notes')).toContainText('DPoP off → on with a key generated for the presets, proofs signed with ES256');
  // The workspace itself is untouched.
  await expect(page.locator('#dpop-enabled')).not.toBeChecked();
  await timelineComplete(page);
  await expect(page.locator('#run-failed-step')).toContainText('userinfo');
  await expect(page.locator('#run-server-check')).toHaveText('dpop.token_key_mismatch');
  await expect(page.locator('#timeline .jwt-event[data-step="dpop_proof (token)"]')).toHaveCount(1);
  await expect(page.locator('#timeline .jwt-event[data-step="dpop_proof (userinfo)"]')).toHaveCount(1);
});

test('DPoP nonce left out: the server asks for a nonce, the retried proof comes without it', async ({ page }) => {
  await openApp(page);
  const id = 'dpop-nonce-missing';
  const row = page.locator(`[data-preset="${id}"]`);
  await page.click(`#tamper-run-${id}`);
  await expect(row).toHaveAttribute('data-outcome', 'match', { timeout: 20_000 });
  await expect(row.locator('.notes')).toContainText('Server: dpop_nonce_required → true');
  await timelineComplete(page);
  // The default delivery pushes the request: the PAR is refused for want of a nonce, then its
  // retry (whose proof the tamper stripped of the nonce) is refused again.
  await expect(page.locator('#timeline .exchange[data-step="par"]')).toHaveCount(1);
  await expect(page.locator('#timeline .exchange[data-step="par (DPoP nonce retry)"]')).toHaveCount(1);
  await expect(page.locator('#run-server-check')).toHaveText('dpop.nonce_missing');
});

test('run all: every preset produces its expected error', async ({ page }) => {
  test.setTimeout(180_000);
  await openApp(page);
  await page.click('#tamper-run-all');
  const n = PRESETS.length;
  await expect(page.locator('#tamper-summary')).toHaveText(`${n} of ${n} produced their expected error.`, {
    timeout: 170_000,
  });
  await expect(page.locator('#tamper [data-outcome="match"]')).toHaveCount(n);
  await expect(page.locator('#tamper-run-all')).toBeEnabled();
});

// JWE (RFC 7516): a group of their own; with encryption off in the workspace, a preset turns
// request-object (or JARM) encryption on for its own run, with WebCrypto doing the JWE work.
const JWE = PRESETS.filter((p) => p.category === 'encryption');

test('the JWE presets: a group of their own, each expecting a decryption check', async ({ page }) => {
  expect(JWE.length).toBeGreaterThanOrEqual(7);
  expect(JWE.every((p) => /^(jar|jarm)\./.test(p.expected.code))).toBe(true);
  await openApp(page);
  const group = page.getByRole('region', { name: 'Encrypted request objects and responses (JWE)' });
  const ids = await group.locator('[data-preset]').evaluateAll((rows) => rows.map((r) => r.dataset.preset));
  expect(ids).toEqual(JWE.map((p) => p.id));
});

test('an off-curve epk: encryption turned on with ECDH-ES for the run, refused at jar.epk_invalid', async ({ page }) => {
  await openApp(page);
  const id = 'jwe-epk-off-curve';
  const row = page.locator(`[data-preset="${id}"]`);
  await page.click(`#tamper-run-${id}`);
  await expect(row).toHaveAttribute('data-outcome', 'match', { timeout: 20_000 });
  await expect(row.locator('.notes')).toContainText('Request object encryption off → ECDH-ES+A256KW / A256GCM');
  await timelineComplete(page);
  await expect(page.locator('#run-server-check')).toHaveText('jar.epk_invalid');
});
