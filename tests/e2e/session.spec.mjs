// The Session area: reproducible mode replays to identical JWTs (run after run, after a
// reload), a session exported and imported back (with and without secrets), a share link
// opened in a fresh browser context, and damaged imports and links that change nothing.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { test, expect, openApp, timelineComplete } from './fixtures.mjs';

const STORAGE_KEY = 'oauth-playground.workspace';
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];
const SHOTS = 'test-results/screenshots';

async function setText(page, selector, value) {
  await page.fill(selector, value);
  await page.locator(selector).dispatchEvent('change');
}

async function openSession(page) {
  const details = page.locator('#session');
  if (!(await details.evaluate((d) => d.open))) await page.click('#session-summary');
  await expect(page.locator('#repro-toggle')).toBeVisible();
}

async function run(page) {
  await page.click('#run-button');
  await expect(page.locator('#run-button')).toHaveText('Run the flow');
  await expect(page.locator('#run-outcome')).toContainText('Succeeded');
}

// Every JWT of the last run, by timeline step, and the whole timeline's text.
async function runRecord(page) {
  await timelineComplete(page);
  const jwts = await page.locator('#timeline .jwt-event').evaluateAll((events) =>
    events.map((e) => [e.dataset.step, e.querySelector('output.jws').textContent]));
  const timeline = await page.locator('#timeline').evaluate((t) => t.textContent);
  return { jwts: Object.fromEntries(jwts), timeline };
}

async function saved(page) {
  return page.evaluate((k) => localStorage.getItem(k), STORAGE_KEY);
}

async function generate(page, kind) {
  await page.selectOption('#key-kind', kind);
  await page.click('#key-generate');
  await expect(page.locator('#key-message')).toContainText('Generated', { timeout: 20_000 });
}

async function exportSession(page, withSecrets) {
  await openSession(page);
  await page.setChecked('#session-export-secrets', withSecrets);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#session-export')]);
  expect(download.suggestedFilename()).toBe('oauth-playground-session.json');
  await expect(page.locator('#session-message')).toContainText('Exported');
  return readFileSync(await download.path(), 'utf8');
}

// Loads `url` as a new document (a `goto` that only changes the fragment would not reload).
async function load(page, url) {
  await page.goto('about:blank');
  await openApp(page, url);
}

async function freshStart(page) {
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await page.waitForFunction(() => performance.getEntriesByName('app-interactive').length > 0);
}

test('reproducible mode replays to identical JWTs, run after run and after a reload', async ({ page }) => {
  await openApp(page);
  await openSession(page);
  await expect(page.locator('#repro-instant')).toHaveValue('2025-01-01T00:00:00Z');
  await page.check('#repro-toggle');
  // Replaying after a reload needs the secret and keys kept: the mode says so, and the user
  // opts in (the mode never ticks it for them).
  await expect(page.locator('#remember-secrets')).not.toBeChecked();
  await expect(page.locator('#repro-warning')).toContainText('Remember secrets is off');
  await page.check('#remember-secrets');
  await expect(page.locator('#repro-warning')).toHaveCount(0);
  await expect(page.locator('#session-status')).toContainText('clock fixed at 2025-01-01T00:00:00Z');
  await setText(page, '#repro-seed', 'training day 3');

  await run(page);
  const first = await runRecord(page);
  expect(Object.keys(first.jwts)).toEqual(['request_object', 'id_token (token response)']);
  const claims = JSON.parse(Buffer.from(first.jwts.request_object.split('.')[1], 'base64url'));
  expect(claims.iat).toBe(Date.parse('2025-01-01T00:00:00Z') / 1000);

  await run(page);
  const second = await runRecord(page);
  expect(second.jwts).toEqual(first.jwts);
  expect(second.timeline).toBe(first.timeline);

  await page.reload();
  await page.waitForFunction(() => performance.getEntriesByName('app-interactive').length > 0);
  await run(page);
  const reloaded = await runRecord(page);
  expect(reloaded.jwts).toEqual(first.jwts);
  expect(reloaded.timeline).toBe(first.timeline);

  // Another seed: other values; the same seed again: the same run again.
  await openSession(page);
  await setText(page, '#repro-seed', 'training day 4');
  await run(page);
  const other = await runRecord(page);
  expect(other.jwts.request_object).not.toBe(first.jwts.request_object);
  expect(other.jwts['id_token (token response)']).not.toBe(first.jwts['id_token (token response)']);
  await setText(page, '#repro-seed', 'training day 3');
  await run(page);
  expect((await runRecord(page)).jwts).toEqual(first.jwts);

  // RS256 with a key made by WebCrypto, and the JARM response, replay too.
  await generate(page, 'rsa-2048');
  await page.selectOption('#ro-alg', 'RS256');
  await page.selectOption('#req-response-mode', 'jwt');
  await run(page);
  const rsa = await runRecord(page);
  expect(Object.keys(rsa.jwts)).toEqual(['request_object', 'jarm', 'id_token (token response)']);
  await run(page);
  expect((await runRecord(page)).timeline).toBe(rsa.timeline);

  // A bad instant is refused with the reason, and the mode keeps its instant.
  await setText(page, '#repro-instant', '2025-02-30T00:00:00Z');
  await expect(page.locator('#repro-instant-error')).toContainText('day 30 does not exist');
  await expect(page.locator('#session-status')).toContainText('2025-01-01T00:00:00Z');
  await setText(page, '#repro-instant', '2030-06-01T12:00:00+02:00');
  await expect(page.locator('#session-status')).toContainText('2030-06-01T10:00:00Z');
  await run(page);
  const moved = await runRecord(page);
  expect(JSON.parse(Buffer.from(moved.jwts.request_object.split('.')[1], 'base64url')).iat)
    .toBe(Date.parse('2030-06-01T10:00:00Z') / 1000);
});

test('export, clear, import: the same configuration and keys, secrets only when ticked', async ({ page }) => {
  await openApp(page);
  await setText(page, '#client-id', 'exported-client');
  await page.check('#delivery-par');
  await generate(page, 'rsa-2048');
  await generate(page, 'ec-p256');
  await generate(page, 'oct-32');
  const secret = await page.inputValue('#client-secret');
  await run(page);
  const keysBefore = await page.locator('#key-list').textContent();

  const without = await exportSession(page, false);
  const file = JSON.parse(without);
  expect(file.format).toBe('oauth-playground-session');
  expect(file.version).toBe(1);
  expect(file.includes_secrets).toBe(false);
  expect(without).not.toContain(secret);
  expect(file.workspace.keys.map((k) => k.jwk.kty).sort()).toEqual(['EC', 'RSA']);
  for (const key of file.workspace.keys) {
    for (const member of PRIVATE_MEMBERS) expect(key.jwk[member], `${key.jwk.kty} ${member}`).toBeUndefined();
  }
  // The run is there, with the Basic credentials and the code_verifier redacted.
  const token = file.last_run.timeline.find((e) => e.kind === 'exchange' && e.step === 'token');
  expect(token.request.headers.find(([n]) => n === 'Authorization')[1]).toContain('REDACTED');
  expect(token.request.body).toContain('code_verifier=REDACTED');
  // So are the bearer tokens the server issued, wherever they went (token response, userinfo).
  expect(JSON.parse(token.response.body).access_token).toBe('REDACTED');
  const userinfo = file.last_run.timeline.find((e) => e.kind === 'exchange' && e.step === 'userinfo');
  expect(userinfo.request.headers.find(([n]) => n === 'Authorization')[1]).toBe('Bearer REDACTED (access token redacted)');

  const withSecrets = await exportSession(page, true);
  const full = JSON.parse(withSecrets);
  expect(full.includes_secrets).toBe(true);
  const fullToken = full.last_run.timeline.find((e) => e.kind === 'exchange' && e.step === 'token');
  expect(JSON.parse(fullToken.response.body).access_token).not.toBe('REDACTED');
  expect(withSecrets).toContain(secret);
  expect(full.workspace.keys.map((k) => k.jwk.kty).sort()).toEqual(['EC', 'RSA', 'oct']);
  expect(full.workspace.keys.find((k) => k.jwk.kty === 'RSA').jwk.qi).toBeTruthy();
  expect(full.workspace.keys.find((k) => k.jwk.kty === 'oct').jwk.k).toBeTruthy();

  // Without secrets, through the file picker: configuration and public keys come back.
  await freshStart(page);
  await expect(page.locator('#client-id')).toHaveValue('playground-client');
  const freshSecret = await page.inputValue('#client-secret');
  const path = test.info().outputPath('without-secrets.json');
  writeFileSync(path, without);
  await openSession(page);
  await page.setInputFiles('#session-import', path);
  await expect(page.locator('#session-message')).toContainText('Imported the session');
  await expect(page.locator('#session-message')).toContainText('2 key(s), 0 with private parts');
  await expect(page.locator('#client-id')).toHaveValue('exported-client');
  await expect(page.locator('#delivery-par')).toBeChecked();
  expect(await page.inputValue('#client-secret')).toBe(freshSecret);
  await expect(page.locator('#key-list')).toContainText('public only');
  await expect(page.locator('#imported-run')).toContainText('Succeeded');
  await expect(page.locator('#imported-timeline [data-step="token"]')).toContainText('POST');
  expect(await saved(page)).not.toContain(secret);

  // With secrets, pasted: the secret and the private keys come back.
  await freshStart(page);
  await openSession(page);
  await page.fill('#session-import-text', withSecrets);
  await page.click('#session-import-apply');
  await expect(page.locator('#session-message')).toContainText('3 key(s), 3 with private parts');
  expect(await page.inputValue('#client-secret')).toBe(secret);
  expect(await page.locator('#key-list').textContent()).toBe(keysBefore);
  // Remember secrets is off on this device: the imported secrets stay out of storage.
  await expect(page.locator('#session-message')).toContainText('stay in this tab only');
  expect(await saved(page)).not.toContain(secret);
  await run(page);
  await expect(page.locator('#imported-run')).toHaveCount(0);
});

test('a share link opens the same configuration in a fresh context, with no secret anywhere', async ({ page, browser }) => {
  await openApp(page);
  await page.check('#remember-secrets');
  await setText(page, '#client-id', 'shared-client');
  await page.check('#delivery-jar');
  await setText(page, '#req-scope', 'openid email');
  await generate(page, 'ec-p256');
  await openSession(page);
  await page.check('#repro-toggle');
  await setText(page, '#repro-seed', 'shared seed');
  const secret = await page.inputValue('#client-secret');
  const storedKey = JSON.parse(await saved(page)).workspace.keys[0].jwk;
  const link = await page.inputValue('#share-link');
  expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#s=[A-Za-z0-9_-]+$/);
  await expect(page.locator('#share-length')).toContainText(`${link.length} characters`);
  const carried = Buffer.from(link.split('#s=')[1], 'base64url').toString();
  for (const value of [secret, storedKey.d, storedKey.x, storedKey.kid]) expect(carried).not.toContain(value);

  const other = await browser.newContext();
  const fresh = await other.newPage();
  const problems = [];
  fresh.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  fresh.on('pageerror', (e) => problems.push(e.message));
  await openApp(fresh, link);
  await expect(fresh.locator('#shared-banner')).toContainText('Loaded a shared configuration');
  expect(new URL(fresh.url()).hash).toBe('');
  await expect(fresh.locator('#client-id')).toHaveValue('shared-client');
  await expect(fresh.locator('#delivery-jar')).toBeChecked();
  await expect(fresh.locator('#req-scope')).toHaveValue('openid email');
  await expect(fresh.locator('#session-status')).toContainText('seed “shared seed”');
  await expect(fresh.locator('#remember-secrets')).not.toBeChecked();
  await expect(fresh.locator('#key-list li')).toHaveCount(0);
  expect(await fresh.inputValue('#client-secret')).not.toBe(secret);
  const everything = await fresh.evaluate(() =>
    JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.documentElement.outerHTML
    + [...document.querySelectorAll('input, textarea')].map((e) => e.value).join('\n'));
  for (const value of [secret, storedKey.d, storedKey.x]) expect(everything).not.toContain(value);
  await run(fresh);
  expect(problems).toEqual([]);
  await other.close();

  // Opened over a saved configuration, Undo brings the saved one back.
  await setText(page, '#client-id', 'my-own-client');
  const before = JSON.parse(await saved(page)).workspace.client.client_id;
  expect(before).toBe('my-own-client');
  await load(page, link);
  await expect(page.locator('#shared-banner')).toContainText('Loaded a shared configuration');
  expect(await page.evaluate(() => localStorage.getItem('oauth-playground.workspace.before-shared-link')))
    .toContain('my-own-client');
  await expect(page.locator('#client-id')).toHaveValue('shared-client');
  await page.click('#shared-undo');
  await expect(page.locator('#client-id')).toHaveValue('my-own-client');
  await expect(page.locator('#shared-banner')).toContainText('Your saved configuration is back');
  expect(await page.inputValue('#client-secret')).toBe(secret);
  expect(JSON.parse(await saved(page)).workspace.client.client_id).toBe('my-own-client');

  // A link pasted into the open tab's address bar (a fragment change) applies too, with Undo
  // back to the configuration in memory.
  await page.evaluate((hash) => { location.hash = hash; }, link.split('#')[1]);
  await expect(page.locator('#client-id')).toHaveValue('shared-client');
  await expect(page.locator('#shared-banner')).toContainText('Loaded a shared configuration');
  expect(new URL(page.url()).hash).toBe('');
  await page.click('#shared-undo');
  await expect(page.locator('#client-id')).toHaveValue('my-own-client');
});

test('a damaged import or link changes nothing and the page keeps working', async ({ page }) => {
  await openApp(page);
  await setText(page, '#client-id', 'kept-client');
  const before = await saved(page);
  expect(before).toContain('kept-client');
  await openSession(page);
  const pastes = [
    ['{"format": "oauth-playground-session", "workspace": ', 'not JSON'],
    ['{"format": "something-else", "workspace": {}}', 'not a playground session file'],
    ['', 'empty'],
  ];
  for (const [text, why] of pastes) {
    await page.fill('#session-import-text', text);
    await page.click('#session-import-apply');
    await expect(page.locator('#session-message')).toContainText('nothing was changed');
    await expect(page.locator('#session-message')).toContainText(why);
    expect(await saved(page)).toBe(before);
  }
  const garbage = test.info().outputPath('garbage.json');
  writeFileSync(garbage, Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x22]));
  await page.setInputFiles('#session-import', garbage);
  await expect(page.locator('#session-message')).toContainText('garbage.json');
  await expect(page.locator('#session-message')).toContainText('nothing was changed');
  expect(await saved(page)).toBe(before);

  // A session whose one section is broken: that section is reported, the rest applied.
  const file = JSON.parse(await exportSession(page, false));
  file.workspace.delivery = 'Teleport';
  file.workspace.client.client_id = 'from-file';
  await page.fill('#session-import-text', JSON.stringify(file));
  await page.click('#session-import-apply');
  await expect(page.locator('#session-message')).toContainText('delivery:');
  await expect(page.locator('#client-id')).toHaveValue('from-file');
  await setText(page, '#client-id', 'kept-client');
  const kept = await saved(page);

  const links = [['#s=%%%not-base64', 'damaged'], ['#s=eyJ2IjoxfQ', 'no configuration'], [`#s=${'A'.repeat(70 * 1024)}`, '64 KiB']];
  for (const [fragment, why] of links) {
    await load(page, `/${fragment}`);
    await expect(page.locator('#shared-banner')).toContainText('could not be used; nothing was changed');
    await expect(page.locator('#shared-banner')).toContainText(why);
    await expect(page.locator('#client-id')).toHaveValue('kept-client');
    expect(await saved(page)).toBe(kept);
    expect(new URL(page.url()).hash).toBe('');
  }
  // The same, pasted into the open tab.
  await page.click('#shared-dismiss');
  await page.evaluate(() => { location.hash = 's=AAAA'; });
  await expect(page.locator('#shared-banner')).toContainText('could not be used');
  await expect(page.locator('#client-id')).toHaveValue('kept-client');
  expect(await saved(page)).toBe(kept);
  await run(page);
});

for (const width of [1280, 390]) {
  test(`session screenshots at ${width} px`, async ({ page }) => {
    mkdirSync(SHOTS, { recursive: true });
    await page.setViewportSize({ width, height: 900 });
    await openApp(page);
    await openSession(page);
    await page.check('#repro-toggle');
    await page.locator('#session').screenshot({ path: `${SHOTS}/session-${width}.png` });
  });
}
