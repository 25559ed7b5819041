// Accessibility as a tested property (issue 22). axe-core, through its Playwright
// integration, with the WCAG 2.0 and 2.1 A and AA rules, in every state a user reaches: no
// violation, and no rule turned off. Then what the engine cannot see: reflow at 320 CSS px
// (WCAG 1.4.10), what the live region says (4.1.3), forced colours and reduced motion (1.4.1,
// 1.4.11, 2.3.3), and a keyboard-only walk through a whole flow against a real server (2.1.1,
// 2.4.3, 2.4.7). The panic screen, which no user action in the release build can bring up, is
// checked by the same engine in tests/web_a11y.rs.
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import * as jose from 'jose';
import { test, expect, openApp, setText, timelineComplete } from './fixtures.mjs';
import { startProvider } from './oidc-provider.mjs';
import { CLIENT_ID, generateRsaKey, setUp, runToProvider, signIn } from './external-flow.mjs';
import { setUpEncryptedRun } from './jwe-flow.mjs';

const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
// Screenshots to look at by eye (forced colours, dark, narrow); not kept in the repository.
const SHOTS = process.env.A11Y_SHOTS ?? 'test-results/a11y-shots';
const PRESETS = JSON.parse(readFileSync(new URL('./tamper_presets.json', import.meta.url), 'utf8'));
const vectors = JSON.parse(readFileSync(new URL('../vectors/jws/rfc7515.json', import.meta.url), 'utf8'));
const EXAMPLE_JWKS = 'examples/rfc7515-appendix-a.jwks.json';

// One line per violated rule: id, impact, how many elements, the first few of them.
async function violations(page, include) {
  // label-content-name-mismatch (WCAG 2.5.3) is one of axe-core's "experimental" rules, off
  // unless named; it is the rule issue 22 was first found with, so it is turned on.
  // (`options` replaces what `withTags` would set, so the tags go in here too.)
  let builder = new AxeBuilder({ page }).options({
    runOnly: { type: 'tag', values: WCAG },
    rules: { 'label-content-name-mismatch': { enabled: true } },
  });
  if (include) builder = builder.include(include);
  const { violations: found } = await builder.analyze();
  return found.map((v) => `${v.id} (${v.impact}) ×${v.nodes.length}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

async function expectNoViolations(page, include) {
  expect(await violations(page, include), 'axe-core, WCAG 2.0/2.1 A and AA').toEqual([]);
}

// Opens every disclosure under `scope`, so what they hide is checked too.
async function openDisclosures(page, scope = 'body') {
  await page.locator(scope).evaluate((root) => {
    for (const d of root.querySelectorAll('details')) d.open = true;
  });
}

async function run(page) {
  await page.click('#run-button');
  await expect(page.locator('#run-button')).toHaveText('Run the flow');
  await expect(page.locator('#run-outcome')).toBeVisible();
  await timelineComplete(page);
}

async function failingRun(page) {
  await page.check('#delivery-jar');
  await page.selectOption('#ro-alg', 'none');
  await run(page);
  await expect(page.locator('#run-outcome')).toContainText('Failed at step');
}

test.describe('axe-core finds no WCAG 2.0/2.1 A or AA violation', () => {
  // axe-core over a whole run's opened timeline takes seconds on a loaded machine.
  test.describe.configure({ timeout: 120_000 });

  test('on the first screen, every disclosure open', async ({ page }) => {
    await openApp(page);
    await openDisclosures(page);
    await expectNoViolations(page);
  });

  test('on the first screen in the dark scheme', async ({ page }) => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await openApp(page);
    await openDisclosures(page);
    await expectNoViolations(page);
  });

  test('on the first screen at 390 px', async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await openApp(page);
    await openDisclosures(page);
    await expectNoViolations(page);
  });

  test('after a successful run: outcome, diagram, timeline and result, opened', async ({ page }) => {
    await openApp(page);
    await page.check('#delivery-par-jar');
    await page.selectOption('#req-response-mode', 'jwt');
    await run(page);
    await expect(page.locator('#run-outcome')).toContainText('Succeeded');
    await openDisclosures(page, '#run');
    await openDisclosures(page, '#result');
    await expectNoViolations(page);
  });

  test('after a successful run in the dark scheme', async ({ page }) => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await openApp(page);
    await run(page);
    await openDisclosures(page, '#run');
    await expectNoViolations(page);
  });

  test('after an encrypted run (JWE request object, JARM and ID token): preview and decryption steps, opened', async ({ page }) => {
    await openApp(page);
    await setUpEncryptedRun(page);
    await expect(page.locator('#preview-jwe-header')).toBeVisible();
    await run(page);
    await expect(page.locator('#run-outcome')).toContainText('Succeeded');
    await openDisclosures(page, '#run');
    await expectNoViolations(page);
  });

  test('after a failed run', async ({ page }) => {
    await openApp(page);
    await failingRun(page);
    await openDisclosures(page, '#run');
    await expectNoViolations(page);
  });

  test('after a failed run at 390 px in the dark scheme', async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.emulateMedia({ colorScheme: 'dark' });
    await openApp(page);
    await failingRun(page);
    await openDisclosures(page, '#run');
    await expectNoViolations(page);
  });

  test('after a tamper preset run', async ({ page }) => {
    await openApp(page);
    const preset = PRESETS[0];
    await page.click(`#tamper-run-${preset.id}`);
    await expect(page.locator(`[data-preset="${preset.id}"]`)).toHaveAttribute('data-outcome', 'match', { timeout: 20_000 });
    await openDisclosures(page, '#tamper');
    await expectNoViolations(page);
  });

  test('after "Run all" in the Tamper section', async ({ page }) => {
    test.setTimeout(180_000);
    await openApp(page);
    await page.click('#tamper-run-all');
    const n = PRESETS.length;
    await expect(page.locator('#tamper-summary')).toHaveText(`${n} of ${n} produced their expected error.`, { timeout: 170_000 });
    await openDisclosures(page, '#tamper');
    await expectNoViolations(page);
  });

  test('in the JWT tool, with a decoded token, then a verified one, then a refused one', async ({ page }) => {
    const v = vectors.find((c) => c.id === 'rfc7515-a-2');
    await openApp(page);
    await page.fill('#jwt-input', v.jws);
    await expect(page.locator('#jwt-claims [data-claim="iss"]')).toContainText('joe');
    await expectNoViolations(page, '#jwt-tool');
    await page.check('#jwt-key-fetched');
    await page.fill('#jwt-jwks-url', EXAMPLE_JWKS);
    await page.click('#jwt-verify');
    await expect(page.locator('#jwt-verdict')).toContainText('Signature valid (RS256)');
    await expectNoViolations(page, '#jwt-tool');
    await page.fill('#jwt-jwks-url', 'http://keys.example/jwks');
    await page.click('#jwt-verify');
    await expect(page.locator('#jwt-verdict')).toContainText('Content-Security-Policy');
    await page.fill('#jwt-input', 'not.a.jwt');
    await expect(page.locator('#jwt-error')).toContainText('Cannot decode');
    await expectNoViolations(page, '#jwt-tool');
  });

  test('in the JWT tool, with an encrypted token before and after decryption', async ({ page }) => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwe = await new jose.CompactEncrypt(new TextEncoder().encode('{"sub":"alice"}'))
      .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A256GCM' })
      .encrypt(publicKey);
    await openApp(page);
    await page.fill('#jwt-input', jwe);
    await expect(page.locator('.decoded-jwe')).toContainText('ECDH-ES');
    await expectNoViolations(page, '#jwt-tool');
    await page.check('#jwt-dec-pasted');
    await page.fill('#jwt-decrypt-key', JSON.stringify(privateKey.export({ format: 'jwk' })));
    await page.click('#jwt-decrypt');
    await expect(page.locator('#jwt-plaintext')).toContainText('alice');
    await expectNoViolations(page, '#jwt-tool');
    await page.fill('#jwt-decrypt-key', '{}');
    await page.click('#jwt-decrypt');
    await expect(page.locator('#jwt-decrypted')).toContainText('Not decrypted');
    await expectNoViolations(page, '#jwt-tool');
  });

  test('in the compare view, with the long JAR address', async ({ page }) => {
    await openApp(page);
    await page.check('#delivery-jar');
    await expect(page.locator('#compare > .compare-grid > .compare-card')).toHaveCount(4);
    await expectNoViolations(page, '#compare');
  });

  for (const learnPage of ['learn-jar', 'learn-par', 'learn-dpop']) {
    test(`on the ${learnPage} page, opened from its link`, async ({ page }) => {
      await openApp(page);
      await page.click(`.learn-nav a[href="#${learnPage}"]`);
      await expect(page.locator(`#${learnPage}`)).toBeInViewport();
      await expectNoViolations(page);
    });
  }

  test('with the Session area open and the share-link banner shown', async ({ page }) => {
    await openApp(page);
    await page.click('#session-summary');
    await page.check('#repro-toggle');
    const link = await page.inputValue('#share-link');
    await page.goto('about:blank');
    await openApp(page, link);
    await expect(page.locator('#shared-banner')).toContainText('Loaded a shared configuration');
    await page.click('#session-summary');
    await expect(page.locator('#repro-toggle')).toBeVisible();
    await expectNoViolations(page);
  });

  test('on the callback route', async ({ page }) => {
    await page.goto('/callback?code=abc&state=xyz');
    await expect(page.locator('#callback-status')).toContainText('No playground window is waiting');
    await expectNoViolations(page);
  });

  test.describe('with a tool whose part could not be fetched', () => {
    test.use({ allowedConsoleErrors: [/ERR_INTERNET_DISCONNECTED|^TypeError: Failed to fetch\n\s+at .*__wasm_split-[0-9a-f]{16}\.js/] });
    test('the alert and its retry button', async ({ page }) => {
      await page.route(/\/split_tamper-[0-9a-f]+\.wasm$/, (route) => route.abort('internetdisconnected'));
      await openApp(page);
      await expect(page.locator('#lazy-tamper')).toHaveAttribute('role', 'alert');
      await expectNoViolations(page);
    });
  });
});

test.describe('with a real authorization server (oidc-provider)', () => {
  let op;
  test.afterEach(async () => {
    if (op) await op.close();
    op = undefined;
  });

  test('axe-core: the waiting state; Cancel gives focus back to the Run button', async ({ page }) => {
    op = await setUp(page);
    const popup = await runToProvider(page);
    await expect(page.locator('#run-waiting')).toContainText('Waiting for the authorization server');
    await expect(page.locator('#run-waiting')).toBeFocused();
    await expect(page.locator('#live-status')).toContainText('Waiting for the authorization server');
    await expectNoViolations(page);
    await popup.close();
    await page.locator('#run-cancel').focus();
    await page.keyboard.press('Enter');
    await expect(page.locator('#run-waiting')).toHaveCount(0);
    await expect(page.locator('#run-button')).toBeFocused();
  });

  test('keyboard only: set up, run, sign in, read the outcome, open and close disclosures', async ({ page }) => {
    test.setTimeout(90_000);
    await openApp(page);
    const walk = keyboardWalker(page);
    // The whole first screen by Tab: document order, each stop visibly focused.
    const stops = await walk.everyStop();
    expect(stops.length, 'tab stops on the first screen').toBeGreaterThan(40);
    expect(stops[0].name, 'the first stop is the skip link').toMatch(/^a\.skip-link /);

    // A key, generated from the keyboard: focus stays on the button through the wait.
    await walk.choose('#key-kind', 'rsa-2048');
    await walk.to('#key-generate');
    await page.keyboard.press('Enter');
    await expect(page.locator('#key-message')).toContainText('Generated RSA', { timeout: 20_000 });
    await expect(page.locator('#live-status')).toContainText('Generated RSA');
    await expect(page.locator('#key-generate')).toBeFocused();
    const keys = await page.evaluate(() => JSON.parse(localStorage.getItem('oauth-playground.workspace')).workspace.keys);
    const redirectUri = new URL('/callback', page.url()).href;
    op = await startProvider({ clientId: CLIENT_ID, jwks: { keys: keys.map((k) => k.jwk) }, redirectUri });

    // The server: the external target, its issuer, discovery.
    await walk.radio('#target-external');
    await walk.type('#external-issuer', op.issuer);
    await walk.to('#external-discover');
    await page.keyboard.press('Enter');
    await expect(page.locator('#external-status')).toContainText('discovery document read');
    await expect(page.locator('#external-discover')).toBeFocused();
    // The client and the request.
    await walk.type('#client-id', CLIENT_ID);
    await walk.choose('#client-auth-method', 'private_key_jwt');
    await walk.choose('#client-assertion-alg', 'RS256');
    await walk.radio('#delivery-par-jar');
    await walk.choose('#ro-alg', 'RS256');
    await walk.choose('#req-response-type', 'code');
    await walk.choose('#req-response-mode', 'jwt');

    // The editor is a disclosure: it takes focus when opened, gives it back when closed.
    await walk.to('#edit-start');
    await page.keyboard.press('Enter');
    await expect(page.locator('#edit-header')).toBeFocused();
    await walk.to('#edit-cancel');
    await page.keyboard.press('Enter');
    await expect(page.locator('#edit-start')).toBeFocused();

    // Run: focus goes to the waiting box, then, after signing in, to the outcome.
    await walk.to('#run-button');
    const popup = page.waitForEvent('popup');
    await page.keyboard.press('Enter');
    await expect(page.locator('#run-waiting')).toBeFocused();
    await signIn(await popup);
    await expect(page.locator('#run-outcome')).toContainText('Succeeded', { timeout: 15_000 });
    await expect(page.locator('#run-outcome')).toBeFocused();
    await expect(page.locator('#live-status')).toContainText('Run succeeded');
    await timelineComplete(page);

    // A timeline entry opened and closed with Enter keeps focus on its summary.
    const summary = '#timeline [data-step="token"] > summary';
    await walk.to(summary);
    await page.keyboard.press('Enter');
    await expect(page.locator('#timeline [data-step="token"]')).toHaveAttribute('open', '');
    await page.keyboard.press('Enter');
    await expect(page.locator('#timeline [data-step="token"]')).not.toHaveAttribute('open', '');
    await expect(page.locator(summary)).toBeFocused();
    // Every control of the finished run is reached in order and shows its focus. (The walk
    // is not longer than the first one: the external target hides the mock server's settings.)
    const reached = new Set((await walk.everyStop()).map((s) => s.order));
    const controls = await page.evaluate(() => {
      const all = document.getElementsByTagName('*');
      const focusable = 'a[href], button:not([disabled]), input:not([disabled]), select, textarea, summary, [tabindex]:not([tabindex="-1"])';
      return [...document.querySelectorAll(`#run :is(${focusable}), #result :is(${focusable})`)]
        .filter((el) => el.checkVisibility() && !el.closest('[inert]'))
        .map((el) => ({ order: Array.prototype.indexOf.call(all, el), what: el.outerHTML.slice(0, 80) }));
    });
    expect(controls.length, 'controls in the finished run').toBeGreaterThan(20);
    expect(controls.filter((c) => !reached.has(c.order)), 'controls the keyboard never reached').toEqual([]);
  });
});

// Tab and Shift+Tab only. Every stop on the way is checked: it follows the last one in
// document order (no tabindex > 0), it is on screen, and :focus-visible draws an outline or a
// shadow on it (WCAG 2.4.7).
function keyboardWalker(page) {
  const here = () =>
    page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      const box = el.getBoundingClientRect();
      const all = document.getElementsByTagName('*');
      return {
        name: `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : el.className ? `.${String(el.className).split(' ')[0]}` : ''} in ${el.parentElement?.outerHTML.slice(0, 80)}`,
        order: Array.prototype.indexOf.call(all, el),
        ring: el.matches(':focus-visible') &&
          ((style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2) || style.boxShadow !== 'none'),
        onScreen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < innerHeight && box.right > 0 && box.left < innerWidth,
      };
    });
  const press = async (key, last) => {
    await page.keyboard.press(key);
    const now = await here();
    if (now) {
      expect(now.ring, `focus ring on ${now.name}`).toBe(true);
      expect(now.onScreen, `${now.name} scrolled into view`).toBe(true);
      if (last && key === 'Tab') expect(now.order, `${now.name} after ${last.name}`).toBeGreaterThan(last.order);
      if (last && key === 'Shift+Tab') expect(now.order, `${now.name} before ${last.name}`).toBeLessThan(last.order);
    }
    return now;
  };
  const matches = (selector) => page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector);
  const position = (selector) =>
    page.evaluate((s) => Array.prototype.indexOf.call(document.getElementsByTagName('*'), document.querySelector(s)), selector);
  const walker = {
    // From the top of the page to its last control: each stop's name and document position.
    async everyStop() {
      // blur() alone leaves Chromium's sequential focus starting point on the element that
      // had focus, so the next Tab would go on from there: focus the body itself, once.
      await page.evaluate(() => {
        document.body.tabIndex = -1;
        document.body.focus();
        document.body.removeAttribute('tabindex');
        window.scrollTo(0, 0);
      });
      const stops = [];
      let last = null;
      for (let i = 0; i < 800; i++) {
        const now = await press('Tab', last);
        if (!now || (last && now.order <= last.order)) break;
        stops.push({ name: now.name, order: now.order });
        last = now;
      }
      return stops;
    },
    // Tab or Shift+Tab, whichever way `selector` lies, until it has focus.
    async to(selector) {
      if (await matches(selector)) return;
      const target = await position(selector);
      expect(target, selector).toBeGreaterThanOrEqual(0);
      let last = await here();
      const key = last && last.order > target ? 'Shift+Tab' : 'Tab';
      for (let i = 0; i < 400; i++) {
        last = await press(key, last);
        if (await matches(selector)) return;
      }
      throw new Error(`${selector} not reached by ${key}`);
    },
    // A select, changed with the arrow keys.
    async choose(selector, value) {
      await walker.to(selector);
      const steps = await page.locator(selector).evaluate((el, v) => [...el.options].findIndex((o) => o.value === v) - el.selectedIndex, value);
      for (let i = 0; i < Math.abs(steps); i++) await page.keyboard.press(steps > 0 ? 'ArrowDown' : 'ArrowUp');
      await expect(page.locator(selector)).toHaveValue(value);
    },
    // A radio button: Tab reaches its group, the arrow keys move the choice.
    async radio(selector) {
      const name = await page.locator(selector).getAttribute('name');
      await walker.to(`input[type=radio][name="${name}"]:checked`);
      for (let i = 0; i < 10 && !(await page.locator(selector).isChecked()); i++) await page.keyboard.press('ArrowDown');
      await expect(page.locator(selector)).toBeChecked();
    },
    // A text field: select what is there, type over it, leave with Tab (which commits it).
    async type(selector, text) {
      await walker.to(selector);
      await page.keyboard.press('Control+A');
      await page.keyboard.type(text);
      await page.keyboard.press('Tab');
      await expect(page.locator(selector)).toHaveValue(text);
    },
  };
  return walker;
}

test('reflow at 320 CSS px: nothing wider than the screen; only the diagram and code blocks scroll, each in its own focusable, named box', async ({ page }) => {
  await page.setViewportSize({ width: 320, height: 640 });
  await openApp(page);
  await page.check('#delivery-jar');
  await page.selectOption('#req-response-mode', 'jwt');
  await run(page);
  await page.fill('#jwt-input', vectors.find((c) => c.id === 'rfc7515-a-2').jws);
  await openDisclosures(page);
  const found = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const scrollers = [];
    const cut = [];
    const scrolls = (el) => {
      const s = getComputedStyle(el);
      return ['auto', 'scroll'].includes(s.overflowX) && el.scrollWidth > el.clientWidth + 1;
    };
    for (const el of document.body.querySelectorAll('*')) {
      if (el.closest('.sr-only, .skip-link') || el.getClientRects().length === 0) continue;
      if (scrolls(el)) {
        scrollers.push({
          what: `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${String(el.className).split(' ')[0]}`,
          allowed: el.matches('.sequence-scroll, pre, code.url'),
          focusable: el.tabIndex >= 0,
          named: (el.getAttribute('aria-label') ?? '').length > 0,
        });
      }
      // Inside a scrolling box, reaching past the screen is what the box is for.
      let inside = el.parentElement;
      while (inside && inside !== document.body && !scrolls(inside)) inside = inside.parentElement;
      if (inside && inside !== document.body) continue;
      const box = el.getBoundingClientRect();
      if (box.right > width + 0.5 || box.left < -0.5) cut.push(`${el.tagName.toLowerCase()}#${el.id}.${el.className} ${Math.round(box.left)}–${Math.round(box.right)}`);
    }
    return { overflow: document.documentElement.scrollWidth - width, scrollers, cut: cut.slice(0, 10) };
  });
  expect(found.overflow, 'the page scrolls sideways').toBeLessThanOrEqual(0);
  expect(found.cut, 'elements past the screen edge').toEqual([]);
  expect(found.scrollers.filter((s) => !s.allowed), 'boxes that scroll sideways').toEqual([]);
  expect(found.scrollers.some((s) => s.what.includes('sequence')), 'the diagram scrolls in its box').toBe(true);
  for (const s of found.scrollers) expect(s, `${s.what} is focusable and named`).toMatchObject({ focusable: true, named: true });

  // Those boxes scroll themselves from the keyboard while the page stays where it is: the
  // diagram sideways, a code block taller than its 28rem (a response body) downwards.
  const diagram = page.locator('.sequence-scroll');
  await diagram.focus();
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
  // Keyboard scrolling is animated (smooth scrolling): wait for it to move.
  await expect.poll(() => diagram.evaluate((el) => el.scrollLeft), { message: 'the diagram scrolled in its own box' }).toBeGreaterThan(0);
  expect(await page.evaluate(() => [scrollX, document.documentElement.scrollWidth - innerWidth])).toEqual([0, 0]);
  const tall = await page.evaluate(() => [...document.querySelectorAll('pre')].findIndex((el) => el.getClientRects().length > 0 && el.scrollHeight > el.clientHeight + 1));
  expect(tall, 'a code block that scrolls in its box').toBeGreaterThanOrEqual(0);
  const block = page.locator('pre').nth(tall);
  await block.focus();
  const pageY = await page.evaluate(() => scrollY);
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
  await expect.poll(() => block.evaluate((el) => el.scrollTop), { message: 'the code block scrolled in its own box' }).toBeGreaterThan(0);
  expect(await page.evaluate(() => scrollY), 'the page stayed put').toBe(pageY);
});

test('the live region says how a run, a key generation and an import ended; errors are alerts', async ({ page }) => {
  await openApp(page);
  const live = page.locator('#live-status');
  await expect(live).toHaveAttribute('aria-live', 'polite');
  await expect(live).toHaveText('');
  // Key generation's end.
  await page.selectOption('#key-kind', 'ec-p256');
  await page.click('#key-generate');
  await expect(live).toContainText('Generated EC P-256 key');
  // A key import, and a refused one (an alert where it happened).
  const { x, y, crv, kty } = JSON.parse(await page.evaluate(() => localStorage.getItem('oauth-playground.workspace'))).workspace.keys[0].jwk;
  await page.fill('#key-import', JSON.stringify({ kty, crv, x, y }));
  await page.click('#key-import-button');
  await expect(live).toHaveText('Imported 1 key.');
  await page.fill('#key-import', '{"kty": ');
  await page.click('#key-import-button');
  await expect(page.locator('#key-message')).toHaveAttribute('role', 'alert');
  await expect(page.locator('#key-message')).toContainText('Import refused');
  // A run's outcome, success and failure.
  await run(page);
  await expect(live).toContainText('Run succeeded: ');
  await expect(live).toContainText('flow completed, every check passed.');
  await failingRun(page);
  await expect(live).toContainText('Run failed at step');
  await expect(live).toContainText(await page.locator('#run-error-code').innerText());
  // A session import.
  await page.click('#session-summary');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#session-export')]);
  await expect(live).toContainText('Exported');
  await page.fill('#session-import-text', readFileSync(await download.path(), 'utf8'));
  await page.click('#session-import-apply');
  await expect(live).toContainText('Imported');
  await page.fill('#session-import-text', '{"format": "something-else", "workspace": {}}');
  await page.click('#session-import-apply');
  await expect(page.locator('#session-message')).toHaveAttribute('role', 'alert');
  // Validation errors: an alert beside the field, present before it has anything to say.
  await page.click('text=More parameters');
  const claimsError = page.locator('#req-claims-error');
  await expect(claimsError).toHaveAttribute('role', 'alert');
  await setText(page, '#req-claims', '{"id_token": {');
  await expect(claimsError).toContainText('not JSON');
  await page.click('text=All settings');
  await page.fill('#server-settings-json', '{ "profile": "hardened", oops }');
  await page.click('#server-settings-apply');
  await expect(page.locator('#server-settings-json-error')).toHaveAttribute('role', 'alert');
});

// Forced colours and reduced motion: the JWT parts, the check marks and the diagram keep
// their meaning in shape and text when every colour is the system's. Screenshots are taken
// to be looked at; the assertions check what the screenshots are meant to show.
for (const scheme of ['light', 'dark']) {
  for (const width of [1280, 390, 320]) {
    test(`forced colours and reduced motion, ${scheme}, ${width} px: meaning kept without colour`, async ({ page }) => {
      mkdirSync(SHOTS, { recursive: true });
      await page.setViewportSize({ width, height: 900 });
      await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
      await openApp(page);
      // A JARM run's check list: each row a mark and a word.
      await page.selectOption('#req-response-mode', 'jwt');
      await run(page);
      const checks = page.locator('#result .check-list').first();
      for (const forced of ['none', 'active']) {
        await page.emulateMedia({ forcedColors: forced });
        await checks.screenshot({ path: `${SHOTS}/checks-${scheme}-${width}-${forced === 'active' ? 'forced' : 'normal'}.png` });
      }
      await expect(checks.locator('.check.pass .word').first()).toHaveText('pass');
      await expect(checks.locator('.check.pass .mark').first()).toHaveText('✓');
      await page.emulateMedia({ forcedColors: 'none' });
      await failingRun(page);
      await page.locator('#timeline [data-step="request_object"]').evaluate((d) => { d.open = true; });
      for (const forced of ['none', 'active']) {
        await page.emulateMedia({ forcedColors: forced });
        const tag = `${scheme}-${width}-${forced === 'active' ? 'forced' : 'normal'}`;
        await page.locator('#run').screenshot({ path: `${SHOTS}/run-${tag}.png` });
        await page.locator('#timeline [data-step="request_object"] .code-block').first().screenshot({ path: `${SHOTS}/jwt-${tag}.png` });
      }
      // What forced colours leave: the parts drawn with three different underlines, the
      // same in the legend; the check rows with their word; the diagram's failure in text.
      const parts = await page.locator('#timeline [data-step="request_object"] .jws').first().evaluate((o) =>
        ['.jws-header', '.jws-payload', '.jws-signature'].map((c) => getComputedStyle(o.querySelector(c)).textDecorationStyle));
      expect(new Set(parts).size, `three different underlines: ${parts}`).toBe(3);
      const legend = await page.locator('#timeline [data-step="request_object"] .legend').first().innerText();
      expect(legend).toMatch(/header\s*\.\s*payload\s*\.\s*signature/);
      await expect(page.locator('#sequence-diagram')).toContainText('✗');
      await expect(page.locator('#sequence-diagram')).toContainText('failed');
      await expect(page.locator('#sequence-diagram').locator('..').locator('..')).toContainText('- - - front channel');
      // The diagram in the user's colours: every line, box and label in CanvasText, the failed
      // message in Highlight. Browsers do not force SVG fill and stroke, so the stylesheet's
      // forced-colours rules must; the system colours are read from a probe element.
      const drawn = await page.locator('#sequence-diagram').evaluate((svg) => {
        const system = (value) => {
          const probe = document.createElementNS(svg.namespaceURI, 'line');
          probe.style.stroke = value;
          svg.append(probe);
          const computed = getComputedStyle(probe).stroke;
          probe.remove();
          return computed;
        };
        const [text, highlight] = [system('CanvasText'), system('Highlight')];
        const wrong = [];
        let failed = 0;
        for (const el of svg.querySelectorAll('.lifeline :is(line, rect), .message :is(line, path)')) {
          const want = el.closest('.failed') ? highlight : text;
          if (el.closest('.failed')) failed += 1;
          const got = getComputedStyle(el).stroke;
          if (got !== want) wrong.push(`${el.closest('g').getAttribute('class')} ${el.tagName}: ${got}, not ${want}`);
        }
        const head = getComputedStyle(svg.querySelector('marker path')).fill;
        if (head !== text) wrong.push(`arrowhead: ${head}, not ${text}`);
        for (const t of svg.querySelectorAll('text')) {
          const got = getComputedStyle(t).fill;
          if (got !== text) wrong.push(`text "${t.textContent}": ${got}, not ${text}`);
        }
        return { distinct: text !== highlight, failed, wrong };
      });
      expect(drawn, 'the diagram in system colours').toEqual({ distinct: true, failed: drawn.failed, wrong: [] });
      expect(drawn.failed, 'a failed message drawn').toBeGreaterThan(0);
      const dashes = await page.locator('#sequence-diagram .front line').first().evaluate((l) => getComputedStyle(l).strokeDasharray);
      expect(dashes, 'front channel still dashed').not.toBe('none');
      await expect(page.locator('#run-outcome')).toContainText('✗ Failed at step');
      // Reduced motion: nothing spins.
      const animated = await page.evaluate(() => document.getAnimations().filter((a) => a.playState === 'running').length);
      expect(animated).toBe(0);
    });
  }
}
