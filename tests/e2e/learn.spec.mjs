// Learning notes: every check or step the page shows has a "Why?" disclosure with the section
// behind it, and the "Why JAR" / "Why PAR" pages are reachable by keyboard.
import { test, expect, openApp } from './fixtures.mjs';

async function run(page) {
  await page.click('#run-button');
  const outcome = page.locator('#run-outcome');
  await expect(outcome).toBeVisible();
  return outcome;
}

// Opens a note with the keyboard (a <details> summary takes Enter) and returns its text.
async function openNote(note) {
  await note.locator('summary').focus();
  await note.page().keyboard.press('Enter');
  await expect(note).toHaveAttribute('open', '');
  return note.innerText();
}

test('a failing run explains the failing check, with its section number', async ({ page }) => {
  await openApp(page);
  await page.check('#delivery-jar');
  await page.selectOption('#ro-alg', 'none');
  const outcome = await run(page);
  await expect(outcome).toContainText('Failed at step');
  await expect(page.locator('#run-server-check')).toHaveText('jar.unsigned_not_allowed');
  // The server check that fired has its note, closed until asked.
  const note = outcome.locator('.learn-note[data-learn="jar.unsigned_not_allowed"]');
  await expect(note).toHaveCount(1);
  await expect(note.locator('.learn-why')).toBeHidden();
  const text = await openNote(note);
  expect(text).toContain('alg none');
  expect(text).toMatch(/RFC 9101 §10\.5/);
  // So does the client's own error code.
  const code = await page.locator('#run-error-code').innerText();
  const clientNote = outcome.locator(`.learn-note[data-learn="${code}"]`);
  await expect(clientNote).toHaveCount(1);
  expect(await openNote(clientNote)).toMatch(/§\d/);
  // The server event log names the check and explains it too.
  await page.locator('.server-events > summary').click();
  await expect(page.locator('.server-events .learn-note[data-learn="jar.unsigned_not_allowed"]')).toHaveCount(1);
});

test('every pre-flight finding has a note with a section number', async ({ page }) => {
  await openApp(page);
  await page.check('#delivery-jar');
  await page.selectOption('#ro-alg', 'none');
  await page.selectOption('#req-response-type', 'code token');
  const findings = page.locator('#preflight-findings > li');
  for (const code of ['lint.unsigned_request_object', 'lint.implicit_flow']) {
    await expect(page.locator(`#preflight-findings > li[data-code="${code}"]`)).toHaveCount(1);
  }
  const count = await findings.count();
  await expect(page.locator('#preflight-findings > li .learn-note')).toHaveCount(count);
  for (let i = 0; i < count; i++) {
    const finding = findings.nth(i);
    const code = await finding.getAttribute('data-code');
    const note = finding.locator('.learn-note');
    await expect(note).toHaveAttribute('data-learn', code);
    expect(await openNote(note), code).toMatch(/§\d/);
  }
});

test('a successful run explains each validation step and each step of the flow', async ({ page }) => {
  await openApp(page);
  await page.check('#delivery-par-jar');
  await page.selectOption('#req-response-mode', 'jwt');
  await expect(await run(page)).toContainText('Succeeded');
  // Result: every check row carries the note of its own check.
  const rows = page.locator('#result .check-list > li');
  const count = await rows.count();
  expect(count).toBeGreaterThan(10);
  for (let i = 0; i < count; i++) {
    const check = await rows.nth(i).getAttribute('data-check');
    await expect(rows.nth(i).locator('.learn-note'), check).toHaveAttribute('data-learn', check);
  }
  // The sequence diagram's steps, each explained.
  const steps = page.locator('.step-notes');
  await steps.locator('summary').first().click();
  for (const step of ['discovery', 'jwks', 'request_object', 'par', 'authorize', 'callback', 'jarm', 'token', 'id_token']) {
    await expect(steps.locator(`.learn-note[data-learn="${step}"]`), step).toHaveCount(1);
  }
  expect(await openNote(steps.locator('.learn-note[data-learn="par"]'))).toContain('RFC 9126 §2');
  // The timeline's PAR exchange too.
  await expect(page.locator('#timeline [data-step="par"] .learn-note[data-learn="par"]')).toHaveCount(1);
});

async function tabTo(page, selector, limit = 60) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s), selector)) return true;
  }
  return false;
}

for (const [page_, title, sections] of [
  ['jar', 'Why JAR', ['RFC 9101 §4', '§6.2', '§10.5', '§10.8', 'RFC 8725 §3.1', 'RFC 9700 §4.2']],
  ['par', 'Why PAR', ['RFC 9126 §1', '§2.1', '§2.2', '§7.1', '§7.3', '§8']],
  ['dpop', 'Why DPoP', ['RFC 9449 §4.2', '§7.2', '§10.1', '§11.1', '§11.4', 'RFC 6750 §1.2']],
]) {
  test(`the ${title} page is reachable by keyboard and cites its sections`, async ({ page }) => {
    await openApp(page);
    expect(await tabTo(page, `.learn-nav a[href="#learn-${page_}"]`)).toBe(true);
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(new RegExp(`#learn-${page_}$`));
    const article = page.locator(`#learn-${page_}`);
    await expect(article).toBeInViewport();
    await expect(article.locator('h3')).toContainText(title);
    for (const s of sections) await expect(article, s).toContainText(s);
    await expect(article).toContainText('Tamper section');
    await expect(article).toContainText('What it costs');
    // The Request step links to it as well.
    await expect(page.locator(`#request .learn-links a[href="#learn-${page_}"]`)).toHaveCount(1);
  });
}

test('the trainer pages read at 390 px without sideways scrolling', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await openApp(page, '/#learn-par');
  for (const id of ['#learn-jar', '#learn-par', '#learn-dpop']) {
    const overflow = await page.locator(id).evaluate((e) => e.scrollWidth - e.clientWidth);
    expect(overflow, id).toBeLessThanOrEqual(0);
    const box = await page.locator(id).boundingBox();
    expect(box.x + box.width, id).toBeLessThanOrEqual(390);
  }
});

// The compare view's "bearer vs DPoP" row: both kinds side by side, the current request's kind
// marked in words, and the mark moving when DPoP is turned on with a key.
test('compare view: bearer vs DPoP says what a token thief can do, and marks this request', async ({ page }) => {
  await openApp(page);
  const tokens = page.locator('#compare-tokens');
  await expect(tokens.locator('h3')).toHaveText('Bearer vs DPoP: what a token thief can do');
  const bearer = tokens.locator('[data-token="bearer"]');
  const dpop = tokens.locator('[data-token="dpop"]');
  await expect(bearer).toContainText('until it expires');
  await expect(dpop).toContainText('RFC 9449 §7.2');
  await expect(dpop).toContainText('RFC 9449 §11.4');
  await expect(bearer.locator('.badge')).toHaveText('this request');
  await expect(dpop.locator('.badge')).toHaveCount(0);
  await expect(page.locator('#compare-tokens-now')).toContainText('bearer tokens');

  await page.selectOption('#key-kind', 'ec-p256');
  await page.click('#key-generate');
  await expect(page.locator('#key-message')).toContainText('Generated EC P-256 key');
  await page.check('#dpop-enabled');
  await expect(dpop.locator('.badge')).toHaveText('this request');
  await expect(bearer.locator('.badge')).toHaveCount(0);
  await expect(page.locator('#compare-tokens-now')).toContainText(/the ES256 key with thumbprint [A-Za-z0-9_-]{43}/);
  await tokens.locator('a[href="#learn-dpop"]').click();
  await expect(page.locator('#learn-dpop')).toBeInViewport();
});
