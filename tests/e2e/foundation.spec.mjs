import { readFileSync } from 'node:fs';
import { test, expect, openApp } from './fixtures.mjs';

const vectors = JSON.parse(readFileSync(new URL('../vectors/jws/rfc7515.json', import.meta.url), 'utf8'));
const a1 = vectors.find((v) => v.id === 'rfc7515-a-1');

test('the app mounts with no console errors', async ({ page }) => {
  await openApp(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('OAuth Playground');
  await expect(page.getByRole('heading', { name: 'Sign a JWS' })).toBeVisible();
});

// The JWS tool's own region: the playground above it has payloads and alerts of its own.
const jwsTool = (page) => page.getByRole('region', { name: 'Sign a JWS' });

test('typing the RFC 7515 A.1 key and payload produces the RFC JWS', async ({ page }) => {
  await openApp(page);
  const tool = jwsTool(page);
  const key = tool.getByLabel('Key (JWK)');
  const payload = tool.getByLabel('Payload', { exact: true });
  // Start from empty fields, as a user pasting their own values would.
  await key.fill('');
  await payload.fill('');
  await expect(tool.getByRole('alert')).toContainText('Cannot sign');

  await key.fill(JSON.stringify(a1.jwk, null, 2));
  await payload.fill('{"iss":"joe",\n "exp":1300819380,\n "http://example.com/is_root":true}');
  await page.getByLabel('Line breaks in the signed bytes').selectOption('crlf');
  await expect(page.locator('#jws-output')).toHaveText(a1.jws);

  // LF line breaks sign different bytes, so the JWS must change.
  await page.getByLabel('Line breaks in the signed bytes').selectOption('lf');
  await expect(page.locator('#jws-output')).not.toHaveText(a1.jws);
});

test('a malformed key is explained and the page keeps working', async ({ page }) => {
  await openApp(page);
  const tool = jwsTool(page);
  const key = tool.getByLabel('Key (JWK)');
  await key.fill('{"kty":"oct","k":"AyM1SysPpbyD+gZ"}');
  await expect(tool.getByRole('alert')).toContainText("bad base64url at position 12: '+' is not a base64url character");
  await key.fill(JSON.stringify(a1.jwk));
  await expect(page.locator('#jws-output')).toHaveText(a1.jws);
});
