// Trunk post-build hook, after externalize-loader.mjs: makes the build work under its public
// URL (`make dist PUBLIC_URL=/path/`) on any static server, with no rewrite rule.
//
// - index.html says where it is served: <meta name="oauth-playground-base" content="/path/">,
//   which the app reads (src/ui/site.rs) to make its own addresses (the callback it proposes
//   as redirect URI, the link back to the playground, its service worker), and links the web
//   app manifest there.
// - callback/index.html: the same page as a real file, so `/path/callback` (and
//   `/path/callback/`) is answered by the server itself; the app sees that route and shows
//   the callback page. Every asset URL in it is absolute (under the public URL), so it loads
//   the same files from one folder down.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('site-files: TRUNK_STAGING_DIR is not set (run me as a Trunk post_build hook)');
  process.exit(1);
}
const publicUrl = process.env.TRUNK_PUBLIC_URL || '/';
if (!publicUrl.startsWith('/') || !publicUrl.endsWith('/')) {
  console.error(`site-files: the public URL must be a path starting and ending with /, got "${publicUrl}"`);
  process.exit(1);
}
const indexPath = join(dir, 'index.html');
let html = readFileSync(indexPath, 'utf8');
const escaped = publicUrl.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
const meta = `<meta name="oauth-playground-base" content="${escaped}" />\n    <link rel="manifest" href="${escaped}manifest.webmanifest" />`;
if (!html.includes('<meta charset="utf-8" />')) {
  console.error('site-files: index.html has no <meta charset="utf-8" /> to put the base after');
  process.exit(1);
}
html = html.replace('<meta charset="utf-8" />', `<meta charset="utf-8" />\n    ${meta}`);
writeFileSync(indexPath, html);
mkdirSync(join(dir, 'callback'), { recursive: true });
writeFileSync(join(dir, 'callback', 'index.html'), html);
