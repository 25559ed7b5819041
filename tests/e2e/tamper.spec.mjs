// Tamper presets in the browser, with WebCrypto: every preset, run from its row, must end
// with the check it names, and "Run all" must report N of N. The list is
// tests/e2e/tamper_presets.json, which the native test tests/tamper_presets.rs writes from
// the same catalogue the page renders; the first test checks the page against it, so the two
// cannot drift apart.
import { readFileSync } from 'node:fs';
import { test, expect, openApp } from './fixtures.mjs';

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
