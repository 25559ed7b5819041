// Every test gets a page that records console errors and uncaught exceptions; a test fails
// if any happened, so a broken module or a panic never passes quietly.
import { test as base, expect } from '@playwright/test';

export const test = base.extend({
  page: async ({ page }, use) => {
    const problems = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console.error: ${msg.text()}`);
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
