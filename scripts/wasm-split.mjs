// Post-build step (scripts/post-build.mjs, first): cuts the release module at its split points
// (src/ui/lazy_tools.rs) so the first load carries only what the five steps need, and
// optimizes every part with wasm-opt.
//
// Trunk 0.21 runs cargo, wasm-bindgen and wasm-opt as one step with no hook between them
// (trunk-rs/trunk#1022), and a module must be split before wasm-bindgen sees it. So this step
// starts again from cargo's output (linked with --emit-relocs, .cargo/config.toml), which Trunk
// leaves in the target directory:
//
//   1. wasm-split-cli (the wasm_split_cli_support crate, the splitter cargo-leptos uses) writes
//      the main module, one .wasm per split point and per chunk of code several share, and
//      __wasm_split.js, the loader that fetches them on first use;
//   2. wasm-bindgen makes the JS glue of the main module, keeping the linker's exports the
//      chunks link against (--keep-lld-exports);
//   3. wasm-opt -Oz on every module (Trunk's own wasm-opt is off, data-wasm-opt="0");
//   4. chunks and loader get content-hashed names, like every asset Trunk emits, so a cache
//      never serves a part of another build; they are fetched relative to the loader, so the
//      build works under any public URL;
//   5. the main module and its glue replace the ones Trunk staged (same names), and the
//      Subresource Integrity hashes index.html gives them are recomputed.
//
// A module without split points is only optimized. Fails loudly (non-zero exit) on anything
// unexpected, which fails the build.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = 'oauth-playground';

function fail(message) {
  console.error(`wasm-split: ${message}`);
  process.exit(1);
}

// wasm-opt is binaryen from node_modules (package.json's pin), never another one on PATH.
const source = process.env.TRUNK_SOURCE_DIR || process.cwd();
const TOOLS = { 'wasm-opt': join(source, 'node_modules', '.bin', 'wasm-opt') };

// A tool's output is shown only when it fails: on success wasm-opt only warns about the
// name subsections wasm-split-cli writes (id 3, which binaryen 132 does not read).
function run(command, args) {
  command = TOOLS[command] ?? command;
  try {
    execFileSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    process.stderr.write(error.stderr ?? '');
    fail(`${command} ${args.join(' ')} failed (${error.status ?? error.message})`);
  }
}

const sha = (algorithm, bytes) => createHash(algorithm).update(bytes).digest();
const shortHash = (bytes) => sha('sha256', bytes).subarray(0, 8).toString('hex');

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) fail('TRUNK_STAGING_DIR is not set (run me as a Trunk post_build hook)');
const profile = process.env.TRUNK_PROFILE === 'debug' ? 'debug' : 'release';
const publicUrl = process.env.TRUNK_PUBLIC_URL || '/';

const metadata = JSON.parse(
  execFileSync('cargo', ['metadata', '--format-version', '1', '--no-deps', '--offline'], {
    cwd: source,
    maxBuffer: 64 << 20,
  }),
);
const input = join(metadata.target_directory, 'wasm32-unknown-unknown', profile, `${BIN}.wasm`);
if (!existsSync(input)) fail(`cargo's output ${input} is missing`);

// Trunk's staged glue and module: <bin>-<hash>.js and <bin>-<hash>_bg.wasm.
const staged = readdirSync(dir).filter((name) => new RegExp(`^${BIN}-[0-9a-f]+\\.js$`).test(name));
if (staged.length !== 1) fail(`expected one ${BIN}-<hash>.js in the staging directory, found ${staged.length}`);
const stem = staged[0].slice(0, -'.js'.length);
if (!existsSync(join(dir, `${stem}_bg.wasm`))) fail(`${stem}_bg.wasm is not staged`);

const work = mkdtempSync(join(tmpdir(), 'wasm-split-'));
try {
  const bindgenOut = join(work, 'bindgen');
  const module = readFileSync(input);
  const split = module.includes('__wasm_split_placeholder__');
  let chunks = [];
  let loaderName = null;
  if (split) {
    const splitOut = join(work, 'split');
    run('wasm-split-cli', [input, splitOut, '--target', 'web', '--out-name', stem]);
    run('wasm-bindgen', ['--target=web', '--no-typescript', '--keep-lld-exports', '--no-demangle',
      `--out-dir=${bindgenOut}`, `--out-name=${stem}`, join(splitOut, `${stem}.wasm`)]);
    let loader = readFileSync(join(splitOut, '__wasm_split.js'), 'utf8');
    // The loader compiles each part with WebAssembly.instantiateStreaming, which refuses an
    // answer whose Content-Type is not application/wasm; a plain static server that does not
    // know the type would leave every tool unloadable. wasm-bindgen's own glue falls back to
    // the bytes in that case; the loader is given the same fallback.
    const streaming = 'WebAssembly.instantiateStreaming(src, imports)';
    if (!loader.includes(streaming)) fail('__wasm_split.js no longer calls WebAssembly.instantiateStreaming(src, imports)');
    loader = `${loader.split(streaming).join('instantiateAnyType(src, imports)')}
// Added by scripts/wasm-split.mjs: instantiateStreaming when the server says application/wasm,
// else the bytes (a refused answer is an error naming its status).
async function instantiateAnyType(source, imports) {
    const response = await source;
    if (!response.ok) throw new Error(\`\${response.url}: HTTP \${response.status}\`);
    if ((response.headers.get('Content-Type') || '').split(';')[0].trim() === 'application/wasm') {
        return WebAssembly.instantiateStreaming(response, imports);
    }
    return WebAssembly.instantiate(await response.arrayBuffer(), imports);
}
`;
    for (const name of readdirSync(splitOut).filter((f) => f.endsWith('.wasm') && f !== `${stem}.wasm`).sort()) {
      const path = join(splitOut, name);
      run('wasm-opt', ['-Oz', `--output=${path}`, path]);
      const bytes = readFileSync(path);
      const hashed = `${name.slice(0, -'.wasm'.length)}-${shortHash(bytes)}.wasm`;
      const reference = `"./${name}"`;
      if (!loader.includes(reference)) fail(`__wasm_split.js does not fetch ${name}`);
      loader = loader.split(reference).join(`"./${hashed}"`);
      writeFileSync(join(dir, hashed), bytes);
      chunks.push({ name: hashed, size: bytes.length });
    }
    loaderName = `__wasm_split-${shortHash(loader)}.js`;
    writeFileSync(join(dir, loaderName), loader);
    // The glue imports the loader (once per import of the wasm) by the wasm's import module
    // name; only the import statements' path changes, the imports object keeps the name.
    const gluePath = join(bindgenOut, `${stem}.js`);
    const glue = readFileSync(gluePath, 'utf8');
    const importPattern = /from (['"])\.\/__wasm_split\.js\1/g;
    if (!importPattern.test(glue)) fail(`${stem}.js does not import ./__wasm_split.js`);
    writeFileSync(gluePath, glue.replace(importPattern, `from "./${loaderName}"`));
  }
  // Without split points Trunk's own glue and module stand; only the module is optimized.
  const mainWasm = split ? join(bindgenOut, `${stem}_bg.wasm`) : join(dir, `${stem}_bg.wasm`);
  run('wasm-opt', ['-Oz', `--output=${mainWasm}`, mainWasm]);
  if (split) {
    copyFileSync(mainWasm, join(dir, `${stem}_bg.wasm`));
    copyFileSync(join(bindgenOut, `${stem}.js`), join(dir, `${stem}.js`));
  }

  // Subresource Integrity of the replaced files, as Trunk wrote it (sha384).
  const indexPath = join(dir, 'index.html');
  let html = readFileSync(indexPath, 'utf8');
  for (const file of [`${stem}.js`, `${stem}_bg.wasm`]) {
    const integrity = `sha384-${sha('sha384', readFileSync(join(dir, file))).toString('base64')}`;
    const tag = new RegExp(`<link[^>]*href="${publicUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${file}"[^>]*>`, 'g');
    html = html.replace(tag, (link) => link.replace(/integrity="sha384-[^"]*"/, `integrity="${integrity}"`));
  }
  writeFileSync(indexPath, html);
  const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
  console.log(split
    ? `wasm-split: main module ${kb(readFileSync(mainWasm).length)}, ${chunks.length} lazily loaded parts (${chunks.map((c) => `${c.name} ${kb(c.size)}`).join(', ')}), loader ${loaderName}`
    : 'wasm-split: no split points; the module is only optimized');
} finally {
  rmSync(work, { recursive: true, force: true });
}
