// The end-to-end smoke suite in Firefox and WebKit, through W3C WebDriver (selenium-webdriver
// talking to geckodriver and WebKitWebDriver): the release build in dist/ loads, runs a flow
// per delivery, generates a key of every kind, verifies JWTs in the JWT tool, serves a
// plain-JavaScript client through window.oauthPlayground.mock, keeps its configuration over
// a reload, and logs no error. Playwright covers every feature in Chromium; this suite is the
// short list that must hold in the other two engines.
//
//   node --test tests/webdriver/smoke.mjs            (both engines)
//   SMOKE_ENGINES=firefox node --test tests/webdriver/smoke.mjs
//
// Errors are collected two ways. Firefox: WebDriver BiDi's log.entryAdded (every console
// error and uncaught exception from the first script on). WebKitWebDriver 2.50 has no BiDi
// (it refuses the webSocketUrl capability), and MiniBrowser applies its console-to-stdout
// setting only to its own window, not to automation's: there, a hook installed right after
// each navigation records console.error, uncaught errors and unhandled rejections, and a
// load-time failure shows as the app not mounting or as its panic screen, both checked.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { Builder, By, Key } from 'selenium-webdriver';
import LogInspector from 'selenium-webdriver/bidi/logInspector.js';

const ROOT = new URL('../../', import.meta.url);
const CARGO_BIN = `${process.env.CARGO_HOME ?? `${homedir()}/.cargo`}/bin`;
const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const STORAGE_KEY = 'oauth-playground.workspace';
const vectors = JSON.parse(readFileSync(new URL('tests/vectors/jws/rfc7515.json', ROOT), 'utf8'));
const vector = (id) => vectors.find((v) => v.id === id);

const ENGINES = {
  firefox: {
    name: 'Firefox',
    driver: process.env.FIREFOX_GECKODRIVER ?? `${CARGO_BIN}/geckodriver`,
    driverArgs: (port) => ['--host', '127.0.0.1', '--port', String(port)],
    capabilities: {
      browserName: 'firefox',
      webSocketUrl: true, // WebDriver BiDi, for the log
      'moz:firefoxOptions': { binary: process.env.FIREFOX ?? '/usr/bin/firefox-esr', args: ['-headless'] },
    },
    bidiLog: true,
  },
  webkit: {
    name: 'WebKit',
    driver: process.env.WEBKIT_WEBDRIVER ?? '/usr/bin/WebKitWebDriver',
    driverArgs: (port) => [`--port=${port}`],
    // MiniBrowser has no headless mode: scripts/test.sh runs this suite under xvfb-run.
    capabilities: {
      browserName: 'MiniBrowser',
      'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] },
    },
    bidiLog: false,
  },
};

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

// Starts `command` and resolves once `ready()` holds, polling; rejects if it exits first.
function start(command, args, ready) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let exited = false;
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('error', reject);
    child.once('exit', (code) => {
      exited = true;
      reject(new Error(`${command} exited (${code}):\n${output}`));
    });
    const deadline = Date.now() + 20_000;
    const poll = async () => {
      if (exited) return;
      if (await ready(output).catch(() => false)) return resolve(child);
      if (Date.now() > deadline) {
        child.kill();
        return reject(new Error(`${command} not ready after 20 s:\n${output}`));
      }
      setTimeout(poll, 100);
    };
    poll();
  });
}

// A WebDriver server is ready when its W3C "status" endpoint says so.
const driverReady = (port) => async () => {
  const response = await fetch(`http://127.0.0.1:${port}/status`);
  return (await response.json()).value?.ready === true;
};

let server;
let baseUrl;
before(async () => {
  const port = await freePort();
  server = await start('node', ['scripts/serve-static.mjs', 'dist', String(port)], async (out) => out.includes('serving'));
  baseUrl = `http://127.0.0.1:${port}`;
});
after(() => server?.kill());

const selected = (process.env.SMOKE_ENGINES ?? 'firefox,webkit').split(',').filter(Boolean);

for (const id of selected) {
  const engine = ENGINES[id];
  if (!engine) throw new Error(`unknown engine ${id} in SMOKE_ENGINES (firefox, webkit)`);

  describe(engine.name, () => {
    let driverProcess;
    let driver;
    const errors = [];

    // Records errors in the page from now on; run after every navigation (see the top).
    const hookErrors = () =>
      driver.executeScript(() => {
        if (window.__smokeErrors) return;
        const seen = (window.__smokeErrors = []);
        const original = console.error.bind(console);
        console.error = (...args) => {
          seen.push(`console.error: ${args.map(String).join(' ')}`);
          original(...args);
        };
        window.addEventListener('error', (e) => seen.push(`uncaught: ${e.message}`));
        window.addEventListener('unhandledrejection', (e) => seen.push(`unhandled rejection: ${e.reason}`));
      });
    const collectHooked = async () => {
      const seen = await driver.executeScript(() => window.__smokeErrors ?? []);
      errors.push(...seen);
    };

    const waitFor = (what, condition, timeout = 15_000) => driver.wait(condition, timeout, `${engine.name}: ${what}`);
    // An element's text content, trimmed ('' when there is none): read in the page, so text
    // inside a closed disclosure counts as it does for Playwright's toContainText.
    const text = (css) =>
      driver.executeScript((c) => (document.querySelector(c)?.textContent ?? '').trim(), css);

    // Navigates and waits for the app's own "mounted" mark; a panic screen fails at once.
    async function openApp(path = '/') {
      await collectHooked().catch(() => {});
      await driver.get(`${baseUrl}${path}`);
      await mounted();
    }
    async function mounted() {
      await waitFor('the app mounts (performance mark app-interactive)', () =>
        driver.executeScript(() =>
          performance.getEntriesByName('app-interactive').length > 0 || !!document.getElementById('panic-screen')));
      assert.equal(await text('#panic-screen'), '', 'the panic screen is showing');
      await hookErrors();
    }

    // A select changed the way a user does it: a click on the option.
    const choose = (selectId, value) => driver.findElement(By.css(`#${selectId} option[value="${value}"]`)).click();
    // A text field: emptied, typed into, left (which fires `change`).
    async function type(id, value) {
      const field = driver.findElement(By.id(id));
      await field.clear();
      await field.sendKeys(value, Key.TAB);
    }

    // Leptos patches the outcome in place, and a run takes milliseconds ("Running…" may
    // never be seen): the wait is for an outcome other than the one before the click, and
    // deliveries run in turn, so each outcome names another delivery.
    async function runFlow(delivery) {
      // The choice must hold before Run is pressed: WebDriver clicks at a point, with no
      // stability check, and a click that landed elsewhere while the page was still settling
      // (once in WebKit, 2026-12-05) ran the previous delivery instead.
      const radio = await driver.findElement(By.id(`delivery-${delivery}`));
      for (let attempt = 0; attempt < 3 && !(await radio.isSelected()); attempt++) await radio.click();
      assert.ok(await radio.isSelected(), `${engine.name}: the ${delivery} delivery could not be chosen`);
      const previous = await text('#run-outcome');
      await driver.findElement(By.id('run-button')).click();
      await waitFor(`the ${delivery} run finishes`, async () =>
        (await text('#run-outcome')) !== previous &&
        (await driver.findElement(By.id('run-button')).getAttribute('aria-busy')) === 'false');
      return text('#run-outcome');
    }

    before(async () => {
      const port = await freePort();
      driverProcess = await start(engine.driver, engine.driverArgs(port), driverReady(port));
      driver = await new Builder()
        .usingServer(`http://127.0.0.1:${port}`)
        .withCapabilities(engine.capabilities)
        .build();
      if (engine.bidiLog) {
        const inspector = await LogInspector(driver);
        await inspector.onLog((entry) => {
          if (entry.level === 'error') errors.push(`${entry.type ?? 'log'}: ${entry.text}`);
        });
      }
      const capabilities = await driver.getCapabilities();
      console.log(`# ${engine.name}: ${capabilities.getBrowserName()} ${capabilities.getBrowserVersion()}`);
    });

    after(async () => {
      await driver?.quit().catch(() => {});
      driverProcess?.kill();
    });

    test('loads: the app mounts and shows its heading', async () => {
      await openApp();
      assert.equal(await driver.findElement(By.css('h1')).getText(), 'OAuth Playground');
    });

    for (const delivery of ['plain', 'jar', 'par', 'par-jar']) {
      test(`a code flow runs with ${delivery} delivery`, async () => {
        const outcome = await runFlow(delivery);
        const name = delivery.replace('-', '+');
        assert.match(outcome, new RegExp(`Succeeded: ${name.replace('+', '\\+')} flow completed`), outcome);
        assert.match(await text('#result-id-claims'), /"sub": "alice"/);
        assert.match(await text('#result-tokens'), /access_token/);
      });
    }

    test('a key of every kind is generated (WebCrypto, or RustCrypto where the engine lacks one)', async () => {
      const kinds = await driver.executeScript(() =>
        [...document.querySelectorAll('#key-kind option')].map((o) => o.value));
      assert.ok(kinds.length >= 9, `key kinds offered: ${kinds}`);
      // WebKit: no P-521 key here. The page checks a generated P-521 key in RustCrypto (d × G
      // with u128 products), which is where JavaScriptCore's arithmetic fault strikes (README,
      // Browsers): on 2026-12-05 one run of eight hung there for 60 s and every later call into
      // the module then trapped with "Out of bounds memory access". P-521 in WebKit stays in
      // the reported step of the browser tests (web_crypto, web_jwe).
      const skipped = id === 'webkit' ? ['ec-p521'] : [];
      for (const kind of kinds.filter((k) => !skipped.includes(k))) {
        await choose('key-kind', kind);
        const before = await driver.findElements(By.css('#key-list .key'));
        const previous = await text('#key-message');
        await driver.findElement(By.id('key-generate')).click();
        // A new message (each names its key's thumbprint); RSA-4096 takes seconds in some engines.
        await waitFor(`${kind} generated`, async () => {
          const message = await text('#key-message');
          return message !== previous && /Generated|failed/.test(message);
        }, 60_000);
        const message = await text('#key-message');
        assert.match(message, /^Generated /, `${kind}: ${message}`);
        assert.equal((await driver.findElements(By.css('#key-list .key'))).length, before.length + 1, kind);
        console.log(`# ${engine.name} ${kind}: ${message}`);
      }
    });

    test('the JWT tool verifies RFC 7515 A.1 (HS256) and A.3 (ES256) with pasted keys and refuses a tampered one', async () => {
      await driver.findElement(By.id('jwt-key-pasted')).click();
      for (const [id, alg] of [['rfc7515-a-1', 'HS256'], ['rfc7515-a-3', 'ES256']]) {
        const v = vector(id);
        await type('jwt-input', v.jws);
        await type('jwt-key', JSON.stringify(v.jwk));
        await driver.findElement(By.id('jwt-verify')).click();
        await waitFor(`${id} verdict`, async () => (await text('#jwt-verdict')).length > 0);
        assert.match(await text('#jwt-verdict'), new RegExp(`Signature valid \\(${alg}\\)`), id);
      }
      const [h, p, s] = vector('rfc7515-a-3').jws.split('.');
      await type('jwt-input', [h, p, `${s.slice(0, -2)}${s.endsWith('AA') ? 'BB' : 'AA'}`].join('.'));
      await driver.findElement(By.id('jwt-verify')).click();
      await waitFor('tampered verdict', async () => /Not verified/.test(await text('#jwt-verdict')));
    });

    test('a plain-JavaScript client runs a code flow with PKCE through window.oauthPlayground.mock', { todo: engine.todo?.jsApi }, async () => {
      const result = await driver.executeAsyncScript(async (done) => {
        let step = 'discovery';
        try {
          const { mock } = window.oauthPlayground;
          const b64u = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes)))
            .replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
          const fromB64u = (s) => Uint8Array.from(atob(s.replaceAll('-', '+').replaceAll('_', '/')), (c) => c.charCodeAt(0));
          const discovery = await mock.fetch(`${mock.issuer}/.well-known/openid-configuration`);
          step = 'discovery body';
          const meta = await discovery.json();
          step = 'registerClient';
          const callback = 'https://smoke.example/callback';
          await mock.registerClient({
            client_id: 'smoke', client_secret: 'smoke-secret-smoke-secret-smoke-secret!',
            redirect_uris: [callback], token_endpoint_auth_method: 'client_secret_post',
            // OIDC Registration §2: without it the ID token is HS256 under the client secret.
            id_token_signed_response_alg: 'RS256',
          });
          step = 'authorize';
          const verifier = b64u(crypto.getRandomValues(new Uint8Array(32)));
          const challenge = b64u(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
          const authorize = new URL(meta.authorization_endpoint);
          for (const [k, val] of Object.entries({
            client_id: 'smoke', response_type: 'code', redirect_uri: callback, scope: 'openid',
            state: 's1', nonce: 'n1', code_challenge: challenge, code_challenge_method: 'S256',
          })) authorize.searchParams.set(k, val);
          const redirect = await mock.fetch(authorize.href);
          const back = new URL(redirect.headers.get('Location'));
          step = 'token';
          const token = await mock.fetch(meta.token_endpoint, {
            method: 'POST',
            body: new URLSearchParams({
              grant_type: 'authorization_code', code: back.searchParams.get('code'), redirect_uri: callback,
              code_verifier: verifier, client_id: 'smoke', client_secret: 'smoke-secret-smoke-secret-smoke-secret!',
            }),
          });
          const tokens = await token.json();
          // The ID token's signature, checked by this engine's own WebCrypto against the JWKS.
          step = 'ID token signature';
          const [header, payload, signature] = tokens.id_token.split('.');
          const { kid, alg } = JSON.parse(new TextDecoder().decode(fromB64u(header)));
          const jwk = (await (await mock.fetch(meta.jwks_uri)).json()).keys.find((k) => k.kid === kid);
          const key = await crypto.subtle.importKey('jwk', jwk, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify']);
          const valid = await crypto.subtle.verify('RSASSA-PKCS1-v1_5', key, fromB64u(signature),
            new TextEncoder().encode(`${header}.${payload}`));
          done({
            redirect: redirect.status, state: back.searchParams.get('state'), token: token.status,
            tokenType: tokens.token_type, alg, valid,
            claims: JSON.parse(new TextDecoder().decode(fromB64u(payload))),
          });
        } catch (e) {
          done({ error: `${step}: ${e}` });
        }
      });
      assert.equal(result.error, undefined, result.error);
      assert.equal(result.redirect, 302);
      assert.equal(result.state, 's1');
      assert.equal(result.token, 200);
      assert.equal(result.alg, 'RS256');
      assert.equal(result.valid, true, 'ID token signature under the JWKS');
      assert.equal(result.claims.nonce, 'n1');
      assert.equal(result.claims.aud, 'smoke');
    });

    test('a reload keeps the saved configuration', async () => {
      await type('client-id', 'smoke-persisted');
      await waitFor('the workspace is saved', () =>
        driver.executeScript((k) => (localStorage.getItem(k) ?? '').includes('smoke-persisted'), STORAGE_KEY));
      await collectHooked();
      await driver.navigate().refresh();
      await mounted();
      assert.equal(await driver.executeScript(() => document.getElementById('client-id').value), 'smoke-persisted');
      assert.match(await runFlow('plain'), /Succeeded/);
    });

    test('no console error and no uncaught exception in the whole session', async () => {
      await collectHooked();
      assert.deepEqual(errors, []);
    });
  });
}
