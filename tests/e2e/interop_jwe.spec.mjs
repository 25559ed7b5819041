// JWE interop with an independent server: oidc-provider (npm) on loopback with
// features.encryption on, its JWKS holding an RSA key with use enc, and the playground's client
// registered with its use enc EC key and encrypted JARM responses, ID tokens and userinfo
// (ECDH-ES+A128KW / A256GCM; userinfo as a signed-then-encrypted JWT, features.jwtUserinfo).
// The app pushes (PAR) a request object signed with RS256 and then
// encrypted to the provider's key (RSA-OAEP-256 / A256GCM), the provider's login and consent
// run in the window the app opens, the encrypted JARM response comes back to /callback, the
// token response carries an encrypted ID token, userinfo answers with a JWE: each decrypted by
// the app as its first check.
// Then a refusal: the request object encrypted with an alg the provider does not allow.
import { mkdirSync } from 'node:fs';
import { test, expect, timelineComplete } from './fixtures.mjs';
import { OIDC_PROVIDER_VERSION } from './oidc-provider.mjs';
import { runToProvider, setUp, signIn } from './external-flow.mjs';
import { chooseEncryption } from './jwe-flow.mjs';

const SHOTS = 'test-results/screenshots';
const JWE = {
  requestObject: ['RSA-OAEP-256', 'A256GCM'],
  jarm: ['ECDH-ES+A128KW', 'A256GCM'],
  idToken: ['ECDH-ES+A128KW', 'A256GCM'],
  userinfo: ['ECDH-ES+A128KW', 'A256GCM'],
};

test.describe(`oidc-provider ${OIDC_PROVIDER_VERSION} with JWE`, () => {
  let op;
  test.afterEach(async () => {
    if (op) {
      expect(op.serverErrors, 'the provider logged no server error').toEqual([]);
      await op.close();
    }
    op = undefined;
  });

  test('PAR + signed-then-encrypted request object → encrypted JARM → encrypted ID token and userinfo, all decrypted and verified', async ({ page }) => {
    op = await setUp(page, { jwe: JWE });
    // The provider's discovery lists every choice, and its JWKS has the key to encrypt to.
    await expect(page.locator('#preflight-findings [data-code^="lint.encryption"]')).toHaveCount(0);
    await expect(page.locator('#preflight-findings [data-code="lint.response_encryption_not_supported"]')).toHaveCount(0);
    await expect(page.locator('#preflight-findings [data-code^="external."]')).toHaveCount(0);

    const popup = await runToProvider(page);
    await signIn(await popup);
    await expect(page.locator('#run-outcome')).toContainText('Succeeded', { timeout: 15_000 });
    await timelineComplete(page);
    await expect(page.locator('#timeline .check.fail')).toHaveCount(0);

    // Encrypted to the provider's use enc key, which the app found in the provider's JWKS.
    const encrypt = page.locator('#timeline [data-check="jar.encrypt"]');
    await expect(encrypt).toHaveClass(/pass/);
    await expect(encrypt).toContainText('interop-enc-rsa');
    // What the provider received in the PAR body is the JWE (five parts).
    const par = await page.locator('#timeline [data-step="par"]').first().evaluate((e) => e.textContent);
    expect(par).toMatch(/request=[\w-]+\.[\w-]+\.[\w-]+\.[\w-]+\.[\w-]+/);

    for (const check of ['jarm.decrypt', 'id_token.decrypt', 'userinfo.decrypt']) {
      const row = page.locator(`#timeline [data-check="${check}"]`).first();
      await expect(row, check).toHaveClass(/pass/);
      const text = await row.evaluate((e) => e.textContent);
      expect(text, check).toContain('ECDH-ES+A128KW');
      // The provider's JWE header: its alg/enc, the client's key, cty JWT, and iss/aud
      // replicated as header parameters (oidc-provider lib/models/id_token.js).
      expect(text, check).toContain('"cty": "JWT"');
      expect(text, check).toContain(`"iss": "${op.issuer}"`);
    }
    await expect(page.locator('#timeline [data-step="authorization_response"] [data-check^="jarm."].fail')).toHaveCount(0);
    await expect(page.locator('#timeline [data-step="id_token (token response)"] .check.fail')).toHaveCount(0);
    // The userinfo JWE's content is the provider's signed JWT, verified after decryption.
    const userinfo = page.locator('#timeline [data-step="userinfo (checks)"]');
    await expect(userinfo.locator('[data-check="userinfo.signature"]')).toHaveClass(/pass/);
    await expect(userinfo.locator('[data-check="userinfo.sub"]')).toHaveClass(/pass/);
    await expect(page.locator('#result-id-claims')).toContainText('"sub": "alice"');
    await expect(page.locator('#result-id-claims')).toContainText(op.issuer);
    await expect(page.locator('#sequence-diagram')).not.toContainText('failed');

    mkdirSync(SHOTS, { recursive: true });
    const row = page.locator('#timeline [data-check="id_token.decrypt"]').first();
    await row.locator('xpath=ancestor::details[contains(@class,"checks-event")]').evaluate((d) => { d.open = true; });
    await row.locator('details.decrypted > summary').click();
    await row.screenshot({ path: `${SHOTS}/interop-jwe-id-token-decrypted.png` });
  });

  test.describe('refusals', () => {
    test.use({ allowedConsoleErrors: [/Failed to load resource: the server responded with a status of 400/] });

    test('a request object encrypted with RSA-OAEP where the provider allows only RSA-OAEP-256', async ({ page }) => {
      // Registered with RSA-OAEP-256 (a registration naming RSA-OAEP would itself be refused,
      // invalid_client_metadata); the app then encrypts with RSA-OAEP all the same.
      op = await setUp(page, { jwe: JWE, enabledJWA: { requestObjectEncryptionAlgValues: ['RSA-OAEP-256'] } });
      await chooseEncryption(page, 'ro-encryption', 'RSA-OAEP', 'A256GCM');
      await expect(page.locator('#ro-encryption-alg option[value="RSA-OAEP"]')).toHaveText('RSA-OAEP (not listed by the server)');
      // The app knows from discovery, and says so before anything is sent…
      const finding = page.locator('#preflight-findings [data-code="lint.encryption_alg_not_supported"]');
      await expect(finding).toContainText('RSA-OAEP');
      // …and sent anyway, the provider refuses the push.
      await page.click('#run-button');
      await expect(page.locator('#run-outcome')).toContainText('Failed at step par', { timeout: 15_000 });
      await expect(page.locator('#run-server-error')).toContainText('invalid_request_object');
      await expect(page.locator('#run-server-error')).toContainText('could not decrypt request object');
    });
  });
});
