// The native `mock-server` binary for the end-to-end specs: MOCK_SERVER_BIN (what
// `scripts/test.sh` sets after building it), else the newer of target/release and
// target/debug; started on a free loopback port (`--port 0`), its startup line read for the
// issuer, and every event line kept.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

export function mockServerBinary() {
  if (process.env.MOCK_SERVER_BIN) return process.env.MOCK_SERVER_BIN;
  const built = ['release', 'debug']
    .map((profile) => resolve(`target/${profile}/mock-server`))
    .filter((path) => existsSync(path))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (!built.length) {
    throw new Error('mock-server is not built: cargo build --locked --bin mock-server (or set MOCK_SERVER_BIN)');
  }
  return built[0];
}

// Starts the binary with `clients` (RFC 7591 metadata, written to a clients file), `settings`
// (merged over the profile) and any further flags. Resolves once it listens.
export async function startMockServer({ clients = [], settings, args = [] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'mock-server-e2e-'));
  const clientsFile = join(dir, 'clients.json');
  writeFileSync(clientsFile, JSON.stringify(clients));
  const flags = ['--port', '0', '--clients', clientsFile, ...args];
  if (settings) {
    const settingsFile = join(dir, 'settings.json');
    writeFileSync(settingsFile, JSON.stringify(settings));
    flags.push('--settings', settingsFile);
  }
  const child = spawn(mockServerBinary(), flags, {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events = [];
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const lines = createInterface({ input: child.stdout });
  const listening = await new Promise((resolveStart, rejectStart) => {
    child.once('exit', (code) => rejectStart(new Error(`mock-server exited (${code}) before listening: ${stderr}`)));
    lines.once('line', (line) => resolveStart(JSON.parse(line)));
  });
  lines.on('line', (line) => events.push(JSON.parse(line)));
  return {
    issuer: listening.issuer,
    listening,
    events,
    // The event lines with this check code, as the server logged them.
    withCheck: (code) => events.filter((e) => e.check === code),
    close: () =>
      new Promise((resolveClose) => {
        if (child.exitCode !== null) return resolveClose(child.exitCode);
        child.once('exit', (code) => resolveClose(code));
        child.kill('SIGINT');
      }),
  };
}
