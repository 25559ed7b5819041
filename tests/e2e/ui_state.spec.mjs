// Issue 21 item 5: what a user is doing in one panel (an open editor, a draft, an open
// disclosure, a control under the pointer) survives a change made in another. Each test
// failed before the state was hoisted out of the closures that re-run on workspace changes.
import { test, expect, openApp, setText } from './fixtures.mjs';

// The sequence of the report: Client ID changed, a response mode picked, "Edit before signing"
// clicked once. A user's click can land while the preview is still being rebuilt for the new
// values; Playwright's own click waits for the page to settle first, so the three steps are
// dispatched in one task, as the browser would deliver them to a quick user: the field commits
// (its `change` event), the response mode changes, the button is clicked, and only then does the
// page get to re-render. The editor must open on that click and stay open once the preview
// caught up, with the values just chosen.
async function editOpensOnFirstClick(page) {
  await page.fill('#client-id', 'first-click-client');
  await page.evaluate(() => {
    document.querySelector('#client-id').dispatchEvent(new Event('change', { bubbles: true }));
    const mode = document.querySelector('#req-response-mode');
    mode.value = 'fragment';
    mode.dispatchEvent(new Event('input', { bubbles: true }));
    mode.dispatchEvent(new Event('change', { bubbles: true }));
    document.querySelector('#edit-start').click();
  });
  const payload = page.locator('#edit-payload');
  await expect(payload).toBeVisible();
  await expect(payload).toHaveValue(/"client_id": "first-click-client"/);
  await expect(payload).toHaveValue(/"response_mode": "fragment"/);
  await expect(page.locator('#edit-start')).toHaveCount(0);
}

test('in-page server: after a text field commits, "Edit before signing" opens on the first click', async ({ page }) => {
  await openApp(page);
  await page.check('#delivery-jar');
  await expect(page.locator('#edit-start')).toBeVisible();
  await editOpensOnFirstClick(page);
});

test('external server: after a text field commits, "Edit before signing" opens on the first click', async ({ page }) => {
  await openApp(page);
  await page.check('#target-external');
  await setText(page, '#external-issuer', 'https://as.example');
  await page.check('#external-manual');
  await setText(page, '#endpoint-authorization', 'https://as.example/authorize');
  await setText(page, '#endpoint-token', 'https://as.example/token');
  await page.check('#delivery-jar');
  await expect(page.locator('#preview-url')).toContainText('https://as.example/authorize?');
  await editOpensOnFirstClick(page);
});

test('a draft in the request-object editor survives changes made in other panels', async ({ page }) => {
  await openApp(page);
  await page.check('#delivery-jar');
  await page.click('#edit-start');
  const payload = page.locator('#edit-payload');
  const draft = (await payload.inputValue()).replace('{', '{ "draft": "mine",');
  await page.fill('#edit-payload', draft);
  // The Client panel, the Request panel and the Server panel each change the request.
  await setText(page, '#client-id', 'another-client');
  await setText(page, '#req-scope', 'openid profile');
  await page.selectOption('#req-response-type', 'code id_token');
  await expect(page.locator('#preview-url')).toContainText(/response_type=code(\+|%20)id_token/);
  await expect(payload).toHaveValue(draft);
});

test('typing in one panel re-creates nothing in another (disclosures stay open, elements stay the same)', async ({ page }) => {
  await openApp(page);
  await page.check('#delivery-jar');
  await page.click('#key-generate');
  await expect(page.locator('#key-list .key')).toHaveCount(1);
  // A pre-flight finding with its "Why?" opened.
  await page.selectOption('#req-pkce', 'plain');
  const pkceNote = page.locator('#preflight-findings [data-code="lint.pkce_plain"] details.learn-note');
  await pkceNote.locator('summary').click();
  await expect(pkceNote).toHaveAttribute('open', '');
  // Elements that would be rebuilt by a closure re-running on every workspace change.
  const watched = {
    'pre-flight finding': '#preflight-findings [data-code="lint.pkce_plain"]',
    'key in the key list': '#key-list .key >> nth=0',
    'server discovery document': '#server-discovery',
    'server JWKS': '#server-jwks',
    '"Edit before signing" button': '#edit-start',
  };
  const handles = {};
  for (const [name, selector] of Object.entries(watched)) handles[name] = await page.locator(selector).elementHandle();
  // Changes elsewhere: a text field in the Client panel, one in the Request panel, and one that
  // adds a second finding to the pre-flight list.
  await setText(page, '#client-id', 'someone-else');
  await setText(page, '#req-nonce', 'another-nonce');
  await setText(page, '#req-redirect-uri', 'https://elsewhere.example/cb');
  await expect(page.locator('#preflight-findings [data-code="client.redirect_uri_unregistered"]')).toBeVisible();
  await expect(page.locator('#preview-payload')).toContainText('"client_id": "someone-else"');
  await expect(pkceNote).toHaveAttribute('open', '');
  for (const [name, handle] of Object.entries(handles)) {
    expect(await handle.evaluate((el) => el.isConnected), `${name} was re-created`).toBe(true);
  }
});
