import { defineConfig } from '@playwright/test';
import { args, executablePath } from './tests/e2e/chromium.mjs';

const port = Number(process.env.E2E_PORT ?? 8081);
// `make serve`'s port; tests/e2e/serve.spec.mjs reads the same variable.
const servePort = Number(process.env.SERVE_PORT ?? 8080);

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  timeout: 30_000,
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: 'chromium',
    launchOptions: { executablePath, args },
    trace: 'off',
  },
  webServer: [
    {
      command: `node scripts/serve-static.mjs dist ${port}`,
      url: `http://127.0.0.1:${port}/`,
      reuseExistingServer: false,
      timeout: 15_000,
    },
    {
      // The README's serve command itself, checked by tests/e2e/serve.spec.mjs. Its build
      // goes to a folder of its own so it never races the dist/ served above.
      command: 'make serve',
      env: { SERVE_DIST: 'target/serve-dist', SERVE_PORT: String(servePort) },
      url: `http://127.0.0.1:${servePort}/`,
      reuseExistingServer: false,
      timeout: 300_000,
    },
  ],
});
