// The README's screenshot (docs/screenshot.png): the Run panel after a warm PAR + JAR run
// with JARM, at 1280 px, from the release build in dist/ (`make screenshot` builds it first).
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import { args, executablePath } from '../tests/e2e/chromium.mjs';
const port = 8132;
const server = spawn('node', ['scripts/serve-static.mjs', 'dist', String(port)], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 500));
const browser = await chromium.launch({ executablePath, args });
try {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 1100 } })).newPage();
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForFunction(() => performance.getEntriesByName('app-interactive').length);
  await page.selectOption('#req-response-mode', 'jwt');
  await page.check('#delivery-par-jar');
  // A warm run first, as a user's second click would be.
  for (let i = 0; i < 2; i++) {
    await page.click('#run-button');
    await page.locator('#run-button').filter({ hasText: 'Run the flow' }).waitFor();
  }
  await page.waitForFunction(() => document.querySelector('#timeline')?.getAttribute('aria-busy') === 'false');
  const top = await page.locator('#run-button').evaluate((el) => {
    let n = el;
    while (n && !(n.querySelector && n.querySelector('h2'))) n = n.parentElement;
    return n.getBoundingClientRect().top + window.scrollY;
  });
  await page.screenshot({ path: process.argv[2] ?? 'docs/screenshot.png', clip: { x: 0, y: top - 8, width: 1280, height: 1100 }, fullPage: true });
} finally { await browser.close(); server.kill(); }
