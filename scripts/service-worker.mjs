// Post-build step (scripts/post-build.mjs): writes sw.js, the service worker, into the build:
// scripts/service-worker.js after the list of this build's files and a version made from
// their contents, so any change to the build is a new service worker that the browser
// installs in the background. Also checks that the page links the web app manifest.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('service-worker: TRUNK_STAGING_DIR is not set (run me as a Trunk post_build hook)');
  process.exit(1);
}
const base = process.env.TRUNK_PUBLIC_URL || '/';
const SW = 'sw.js';

function walk(folder) {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    return entry.isDirectory() ? walk(path) : [path];
  });
}

const files = walk(dir)
  .map((path) => relative(dir, path).split(sep).join('/'))
  .filter((name) => name !== SW)
  .sort();
const version = createHash('sha256');
for (const name of files) version.update(name).update('\0').update(readFileSync(join(dir, name))).update('\0');
const build = {
  version: version.digest('hex').slice(0, 16),
  base,
  files: files.map((name) => `${base}${name}`),
};
const template = readFileSync(fileURLToPath(new URL('./service-worker.js', import.meta.url)), 'utf8');
writeFileSync(join(dir, SW), `const BUILD = ${JSON.stringify(build)};\n${template}`);
