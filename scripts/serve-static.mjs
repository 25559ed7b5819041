// A dependency-free static file server for the built app (dist/), used by the Playwright
// tests and the benchmarks. Loopback only. By default, unknown paths without a file extension
// get index.html, as a host with a rewrite rule would do. `--no-fallback` turns that off, to
// behave as a plain static server does (GitHub Pages, a web server without rewrite rules); a
// folder is answered with its index.html either way. `--base /some/path/` serves the folder
// under that path only (a build made with `make dist PUBLIC_URL=/some/path/`). `--hosting`
// answers as a production host does, for the load benchmark: gzip (level 9) where the browser
// takes it, and content-hashed files (`name-<hash>.js`, `name-<hash>_bg.wasm`) cached for a year
// as immutable; everything else is revalidated on each visit.
//
//   node scripts/serve-static.mjs [dir=dist] [port=8081] [--base /path/] [--no-fallback] [--hosting]
import { createServer } from 'node:http';
import { gzipSync } from 'node:zlib';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';

const flags = process.argv.slice(2);
const positional = [];
let base = '/';
let fallback = true;
let hosting = false;
for (let i = 0; i < flags.length; i++) {
  if (flags[i] === '--no-fallback') fallback = false;
  else if (flags[i] === '--hosting') hosting = true;
  else if (flags[i] === '--base') base = flags[++i] ?? '/';
  else positional.push(flags[i]);
}
if (!base.startsWith('/') || !base.endsWith('/')) {
  console.error(`serve-static: --base must start and end with /, got "${base}"`);
  process.exit(2);
}
const root = resolve(positional[0] ?? 'dist');
const port = Number(positional[1] ?? 8081);
const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
};

// Content-hashed names: Trunk's `-<16 hex>` (before `_bg` for the wasm), Vite's `-<8 chars>`.
const HASHED = /-([0-9a-f]{16}|[A-Za-z0-9_-]{8})(_bg)?\.(js|mjs|css|wasm|woff2?)$/;
const COMPRESSIBLE = /\.(html|js|mjs|css|wasm|json|svg|txt|webmanifest)$/;
const compressed = new Map();
function gzipped(path, body) {
  if (!compressed.has(path)) compressed.set(path, gzipSync(body, { level: 9 }));
  return compressed.get(path);
}

async function fileFor(urlPath) {
  const decoded = decodeURIComponent(urlPath.split('?')[0].split('#')[0]);
  if (!decoded.startsWith(base) && `${decoded}/` !== base) return null;
  const candidate = normalize(join(root, decoded.slice(base.length - 1)));
  if (!candidate.startsWith(root)) return null; // no escaping the folder with ../
  try {
    const info = await stat(candidate);
    if (info.isFile()) return candidate;
    if (info.isDirectory()) {
      const index = join(candidate, 'index.html');
      return (await stat(index).catch(() => null))?.isFile() ? index : null;
    }
  } catch {
    if (fallback && !extname(decoded)) return join(root, 'index.html');
  }
  return null;
}

createServer(async (req, res) => {
  try {
    const path = await fileFor(req.url ?? '/');
    if (!path) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    let body = await readFile(path);
    const headers = {
      'Content-Type': types[extname(path)] ?? 'application/octet-stream',
      'Cache-Control': 'no-cache',
    };
    if (hosting) {
      if (HASHED.test(path)) headers['Cache-Control'] = 'public, max-age=31536000, immutable';
      if (COMPRESSIBLE.test(path) && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) {
        body = gzipped(path, body);
        headers['Content-Encoding'] = 'gzip';
        headers.Vary = 'Accept-Encoding';
      }
    }
    res.writeHead(200, headers);
    res.end(body);
  } catch (err) {
    res.writeHead(500, { 'Content-Type': 'text/plain' }).end(String(err));
  }
}).listen(port, '127.0.0.1', () => {
  console.log(`serving ${root} on http://127.0.0.1:${port}${base}${fallback ? '' : ' (no fallback to index.html)'}`);
});
