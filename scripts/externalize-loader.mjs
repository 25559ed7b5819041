// Trunk post-build hook: moves the inline module script Trunk writes into index.html to a
// file of its own, so the page's Content-Security-Policy can forbid inline scripts
// (`script-src 'self' 'wasm-unsafe-eval'`, no hash, no 'unsafe-inline').
//
// Runs in Trunk's staging directory (TRUNK_STAGING_DIR) before dist/ is replaced. It fails
// loudly if the page has no inline module script or more than one, so a Trunk upgrade that
// changes the loader cannot silently leave the page blocked by its own policy.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('externalize-loader: TRUNK_STAGING_DIR is not set (run me as a Trunk post_build hook)');
  process.exit(1);
}
const indexPath = join(dir, 'index.html');
const html = readFileSync(indexPath, 'utf8');
const inline = [...html.matchAll(/<script type="module">([\s\S]*?)<\/script>/g)];
if (inline.length !== 1) {
  console.error(`externalize-loader: expected one inline module script in index.html, found ${inline.length}`);
  process.exit(1);
}
const [tag, body] = inline[0];
const digest = createHash('sha384').update(body).digest();
const name = `loader-${digest.subarray(0, 8).toString('hex')}.js`;
writeFileSync(join(dir, name), body);
const integrity = `sha384-${digest.toString('base64')}`;
// Under the public URL like every asset Trunk links (`trunk build --public-url /path/`).
const publicUrl = process.env.TRUNK_PUBLIC_URL || '/';
const replacement = `<script type="module" src="${publicUrl}${name}" integrity="${integrity}" crossorigin="anonymous"></script>`;
writeFileSync(indexPath, html.replace(tag, replacement));
