// Load test of the native mock-server (`make bench-server`): REQUESTS pushed authorization
// requests, each carrying a signed request object (JAR) with a jti of its own, from
// CONCURRENCY clients over keep-alive connections on loopback. Every body is signed before the
// clock starts, so the figures are the server's (and the loopback's), not the signer's.
// Reports requests/s, p50/p99/max latency, the server's peak RSS (VmHWM) and every error;
// exits 1 on any error. Bounded: at most REQUESTS requests, and it gives up after LIMIT_S.
//
// node scripts/load-mock-server.mjs [BINARY] [REQUESTS] [CONCURRENCY]
import { spawn } from 'node:child_process';
import { createHmac, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const binary = process.argv[2] ?? 'target/release/mock-server';
const REQUESTS = Number(process.argv[3] ?? 10_000);
const CONCURRENCY = Number(process.argv[4] ?? 50);
const LIMIT_S = 300;
const SECRET = 'load-test-secret-0123456789abcdef0123456789abcdef';
const REDIRECT_URI = 'http://127.0.0.1:9/cb';

const b64 = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'load-rs256', use: 'sig', alg: 'RS256' };

function jwt(header, claims, alg) {
  const input = `${b64(header)}.${b64(claims)}`;
  const signature =
    alg === 'HS256' ? createHmac('sha256', SECRET).update(input).digest() : sign('sha256', Buffer.from(input), privateKey);
  return `${input}.${signature.toString('base64url')}`;
}

// The two ways a confidential client pushes a request object.
const variants = {
  'JAR HS256 + client_secret_basic': {
    client: { client_id: 'load-hs', client_secret: SECRET, token_endpoint_auth_method: 'client_secret_basic' },
    alg: 'HS256',
    headers: { authorization: `Basic ${Buffer.from(`load-hs:${SECRET}`).toString('base64')}` },
    auth: () => ({}),
  },
  'JAR RS256 + private_key_jwt': {
    client: { client_id: 'load-rs', token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] } },
    alg: 'RS256',
    headers: {},
    auth: (issuer, now) => ({
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: jwt(
        { alg: 'RS256', kid: jwk.kid },
        { iss: 'load-rs', sub: 'load-rs', aud: issuer, iat: now, exp: now + 300, jti: randomBytes(12).toString('base64url') },
        'RS256',
      ),
    }),
  },
};

async function start() {
  const dir = mkdtempSync(join(tmpdir(), 'mock-server-load-'));
  const clients = Object.values(variants).map((v) => ({ ...v.client, redirect_uris: [REDIRECT_URI] }));
  writeFileSync(join(dir, 'clients.json'), JSON.stringify(clients));
  const child = spawn(binary, ['--port', '0', '--clients', join(dir, 'clients.json')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const events = { lines: 0, failures: 0 };
  const listening = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`mock-server exited (${code})`)));
    lines.once('line', (line) => resolve(JSON.parse(line)));
  });
  // Drained, or the server would block writing its event lines into a full pipe.
  lines.on('line', (line) => {
    events.lines += 1;
    if (JSON.parse(line).outcome === 'failure') events.failures += 1;
  });
  return { child, events, issuer: listening.issuer, address: listening.address };
}

function bodies(variant, issuer) {
  const now = Math.floor(Date.now() / 1000);
  return Array.from({ length: REQUESTS }, (_, n) => {
    const claims = {
      iss: variant.client.client_id, aud: issuer, iat: now, nbf: now, exp: now + 290, jti: `load-${n}-${randomBytes(6).toString('hex')}`,
      client_id: variant.client.client_id, response_type: 'code', redirect_uri: REDIRECT_URI, scope: 'openid',
      state: `s${n}`, code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256',
    };
    const request = jwt({ alg: variant.alg, typ: 'oauth-authz-req+jwt', kid: variant.alg === 'RS256' ? jwk.kid : undefined }, claims, variant.alg);
    return new URLSearchParams({ client_id: variant.client.client_id, request, ...variant.auth(issuer, now) }).toString();
  });
}

function post(agent, address, headers, body) {
  const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const request = http.request(
      { agent, host, port, path: '/par', method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body), ...headers } },
      (response) => {
        const chunks = [];
        response.on('data', (c) => chunks.push(c));
        response.on('end', () => resolve({ status: response.statusCode, body: Buffer.concat(chunks).toString(), ms: Number(process.hrtime.bigint() - started) / 1e6 }));
      },
    );
    request.on('error', (e) => resolve({ status: 0, body: e.message, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    request.end(body);
  });
}

const peakRss = (pid) => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
};
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function run(name, variant) {
  const server = await start();
  const signStarted = Date.now();
  const prepared = bodies(variant, server.issuer);
  const signMs = Date.now() - signStarted;
  const idleRss = peakRss(server.child.pid);
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies = [];
  const errors = new Map();
  let next = 0;
  const deadline = Date.now() + LIMIT_S * 1000;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < prepared.length && Date.now() < deadline) {
        const body = prepared[next++];
        const answer = await post(agent, server.address, variant.headers, body);
        latencies.push(answer.ms);
        if (answer.status !== 201) {
          const key = `${answer.status} ${answer.body.slice(0, 160)}`;
          errors.set(key, (errors.get(key) ?? 0) + 1);
        }
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rss = peakRss(server.child.pid);
  agent.destroy();
  server.child.kill('SIGINT');
  await new Promise((resolve) => server.child.once('exit', resolve));
  latencies.sort((a, b) => a - b);
  const errorCount = [...errors.values()].reduce((a, b) => a + b, 0) + (latencies.length < REQUESTS ? REQUESTS - latencies.length : 0);
  return {
    name, seconds, signMs, idleRss, rss, errors, errorCount, sent: latencies.length, events: server.events,
    rps: latencies.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1),
  };
}

const results = [];
for (const [name, variant] of Object.entries(variants)) {
  results.push(await run(name, variant));
}
console.log(`\n${REQUESTS} PAR + JAR requests per row, ${CONCURRENCY} concurrent keep-alive clients, loopback, ${binary}\n`);
console.log('| requests | requests/s | p50 | p99 | max | server peak RSS (idle → after) | errors | event lines (failures) |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const r of results) {
  console.log(
    `| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(2)} ms | ${r.p99.toFixed(2)} ms | ${r.max.toFixed(2)} ms | ${r.idleRss.toFixed(1)} → ${r.rss.toFixed(1)} MiB | ${r.errorCount} | ${r.events.lines} (${r.events.failures}) |`,
  );
}
console.log(`\nbodies signed before the clock started: ${results.map((r) => `${r.name} ${r.signMs} ms`).join(', ')}`);
let failed = false;
for (const r of results) {
  for (const [what, count] of r.errors) console.log(`error ×${count} (${r.name}): ${what}`);
  if (r.errorCount > 0 || r.sent !== REQUESTS) failed = true;
}
process.exit(failed ? 1 : 0);
