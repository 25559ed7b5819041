// Every test gets a page that records console errors and uncaught exceptions; a test fails
// if any happened, so a broken module or a panic never passes quietly.
import { test as base, expect } from '@playwright/test';

export const test = base.extend({
  // Console errors a test expects, as regular expressions: Chromium logs every 4xx answer to
  // fetch as "Failed to load resource", which is the point of a test where a real server refuses.
  allowedConsoleErrors: [[], { option: true }],
  page: async ({ page, allowedConsoleErrors }, use) => {
    const problems = [];
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      if (allowedConsoleErrors.some((pattern) => pattern.test(msg.text()))) return;
      problems.push(`console.error: ${msg.text()}`);
    });
    page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
    await use(page);
    expect(problems, 'console errors and uncaught exceptions during the test').toEqual([]);
  },
});

export { expect };

// Navigates and waits until the app has mounted (it sets this performance mark).
export async function openApp(page, path = '/') {
  await page.goto(path);
  await page.waitForFunction(() => performance.getEntriesByName('app-interactive').length > 0);
}

// Sets a text field the way a user does: type, then leave the field (which fires `change`).
export async function setText(page, selector, value) {
  await page.fill(selector, value);
  await page.locator(selector).dispatchEvent('change');
}

// A run's timeline is built a few entries per task after its outcome shows (issue 10: no task
// over 50 ms); `aria-busy` turns false once every entry is there. Wait for it before reading
// the timeline in one snapshot.
export async function timelineComplete(page) {
  await expect(page.locator('#timeline')).toHaveAttribute('aria-busy', 'false');
}

// A `fetch` for a library running in Node (oauth4webapi's customFetch) that hands each request
// to the page, where window.oauthPlayground.mock.fetch answers it, and builds the library a
// Response from the answer. Headers travel as a plain object, the body as text; an empty body
// becomes no body, which a 204 or 304 Response requires.
export function mockFetch(page) {
  return async (url, options = {}) => {
    const headers = Object.fromEntries(new Headers(options.headers ?? {}).entries());
    const body = options.body === undefined || options.body === null ? undefined : String(options.body);
    const answer = await page.evaluate(
      async ({ url, method, headers, body }) => {
        const response = await window.oauthPlayground.mock.fetch(url, { method, headers, body });
        return { status: response.status, headers: [...response.headers.entries()], body: await response.text() };
      },
      { url: String(url), method: options.method ?? 'GET', headers, body },
    );
    return new Response(answer.body === '' ? null : answer.body, { status: answer.status, headers: answer.headers });
  };
}
