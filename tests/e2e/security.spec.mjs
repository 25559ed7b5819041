// The page's defences: its Content-Security-Policy, secrets kept out of storage without the
// opt-in, hostile pastes answered with a message while the page keeps working, and the
// panic screen's reset.
import { test as base } from '@playwright/test';
import { test, expect, openApp } from './fixtures.mjs';

const STORAGE_KEY = 'oauth-playground.workspace';

test('the Content-Security-Policy forbids inline script and eval, and the app runs under it', async ({ page }) => {
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await openApp(page);
  const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
  expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(csp).toContain("default-src 'none'");
  expect(csp).not.toContain('unsafe-inline');
  expect(csp).not.toMatch(/'unsafe-eval'/);
  // The service worker and the manifest: this origin only.
  expect(csp).toContain("worker-src 'self'");
  expect(csp).toContain("manifest-src 'self'");
  // No inline script is left in the served page.
  expect(await page.locator('script:not([src])').count()).toBe(0);
  // A whole run with key generation (WebCrypto, wasm) under the policy: no violation.
  await page.selectOption('#key-kind', 'ec-p256');
  await page.click('#key-generate');
  await expect(page.locator('#key-message')).toContainText('Generated');
  await page.click('#run-button');
  await expect(page.locator('#run-outcome')).toContainText('Succeeded');
  expect(await page.evaluate(() => window.__violations)).toEqual([]);
});

// Uses the bare Playwright test: the refusal below is itself a console error, the one expected.
base('an injected inline script does not run', async ({ page }) => {
  const refusals = [];
  page.on('console', (m) => { if (m.type() === 'error') refusals.push(m.text()); });
  await openApp(page);
  const ran = await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__injected = true';
    document.body.append(s);
    return window.__injected === true;
  });
  expect(ran).toBe(false);
  expect(refusals.some((t) => t.includes('Content Security Policy'))).toBe(true);
});

test('no secret reaches storage without the opt-in, whatever the user does', async ({ page }) => {
  await openApp(page);
  const secret = await page.inputValue('#client-secret');
  for (const kind of ['rsa-2048', 'ec-p256', 'ed25519', 'oct-32']) {
    await page.selectOption('#key-kind', kind);
    await page.click('#key-generate');
    await expect(page.locator('#key-message')).toContainText('Generated', { timeout: 20_000 });
  }
  await page.check('#delivery-jar');
  await page.click('#run-button');
  await expect(page.locator('#run-outcome')).toContainText('Succeeded');
  const everything = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
  expect(everything).not.toContain(secret);
  const saved = JSON.parse(await page.evaluate((k) => localStorage.getItem(k), STORAGE_KEY));
  for (const key of saved.workspace.keys) {
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) expect(key.jwk[member], `${key.jwk.kty} ${member}`).toBeUndefined();
  }
  expect(saved.workspace.keys.map((k) => k.jwk.kty).sort()).toEqual(['EC', 'OKP', 'RSA']);
});

test('a 1 MB paste is answered with a message and the page stays responsive', async ({ page }) => {
  await openApp(page);
  const huge = 'A'.repeat(1024 * 1024);
  await page.fill('#key-import', huge);
  await page.click('#key-import-button');
  await expect(page.locator('#key-message')).toContainText('more than the 256 KiB');
  await page.click('text=All settings');
  await page.fill('#server-settings-json', huge);
  await page.click('#server-settings-apply');
  await expect(page.locator('#server-settings-json-error')).toContainText('at most 256 KiB');
  // A 1 MB claim inside an edited request object is signed and shown.
  await page.check('#delivery-par-jar');
  await page.click('#edit-start');
  await page.fill('#edit-payload', JSON.stringify({ iss: 'playground-client', padding: 'x'.repeat(1024 * 1024) }));
  await page.click('#edit-sign');
  await expect(page.locator('#edit-notice')).toBeVisible();
  await expect(page.locator('#preview-jwt')).toContainText('eyJ');
  // Still responsive: a field edit lands at once.
  await page.fill('#client-id', 'still-here');
  await page.locator('#client-id').dispatchEvent('change');
  await expect(page.locator('#client-id')).toHaveValue('still-here');
  await page.click('#edit-discard');
});
