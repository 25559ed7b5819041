import crypto from 'node:crypto';
import fs from 'node:fs';

const rfc = JSON.parse(fs.readFileSync('/work/shared/vectors/rfc.json'));
const cb = p => JSON.parse(fs.readFileSync('/work/shared/vectors/jose-cookbook/' + p));
const b64u = b => Buffer.from(b).toString('base64url');
const dec = s => Buffer.from(s, 'base64url');
const A = id => rfc.jws.find(c => c.id === id);
const a1 = A('rfc7515-a-1'), a2 = A('rfc7515-a-2'), a3 = A('rfc7515-a-3');
const hmacKey35 = cb('jwk/3_5.symmetric_key_mac_computation.json');
const ed = cb('curve25519/jws.json');

const HASH = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };
function sign(alg, jwk, input) {
  const h = HASH[alg.slice(2)];
  if (alg.startsWith('HS')) return crypto.createHmac(h, dec(jwk.k)).update(input).digest();
  const key = crypto.createPrivateKey({ key: jwk, format: 'jwk' });
  if (alg.startsWith('RS')) return crypto.sign(h, Buffer.from(input), { key, padding: crypto.constants.RSA_PKCS1_PADDING });
  if (alg.startsWith('PS')) return crypto.sign(h, Buffer.from(input), { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: { sha256: 32, sha384: 48, sha512: 64 }[h] });
  if (alg.startsWith('ES')) return crypto.sign(h, Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  if (alg === 'EdDSA') return crypto.sign(null, Buffer.from(input), key);
  throw new Error(alg);
}
function jws(headerText, payload, alg, jwk) {
  const input = b64u(headerText) + '.' + b64u(payload);
  return input + '.' + b64u(sign(alg, jwk, input));
}
const pub = jwk => { const { d, p, q, dp, dq, qi, ...rest } = jwk; return rest; };
const parts = t => t.split('.');

// ---------- interop: every algorithm signed by Node.js/OpenSSL ----------
const gen = (type, opts) => crypto.generateKeyPairSync(type, opts).privateKey.export({ format: 'jwk' });
const rsa = gen('rsa', { modulusLength: 2048 });
const p256 = gen('ec', { namedCurve: 'P-256' });
const p384 = gen('ec', { namedCurve: 'P-384' });
const ed25519 = gen('ed25519');
const oct = n => ({ kty: 'oct', k: b64u(crypto.randomBytes(n)) });
const keys = { HS256: oct(32), HS384: oct(48), HS512: oct(64), RS256: rsa, RS384: rsa, RS512: rsa, PS256: rsa, PS384: rsa, PS512: rsa, ES256: p256, ES384: p384, EdDSA: ed25519 };
const interop = [];
const claims = '{"iss":"https://as.example","aud":"client","exp":1700000300,"iat":1700000000}';
for (const [alg, jwk] of Object.entries(keys)) {
  const header = JSON.stringify({ alg, typ: 'JWT', kid: 'node-' + alg.toLowerCase() });
  interop.push({ id: 'node-' + alg.toLowerCase(), source: `signed by Node.js ${process.version} crypto (OpenSSL ${process.versions.openssl}), key generated there`, alg, jwk, jws: jws(header, claims, alg, jwk), valid: true, deterministic: /^(HS|RS|EdDSA)/.test(alg) });
}
fs.writeFileSync('/work/main/tests/vectors/jws/interop-node.json', JSON.stringify(interop, null, 1) + '\n');

// ---------- negative cases ----------
const neg = [];
const add = (id, source, alg, jwk, token) => neg.push({ id, source, alg, jwk, jws: token, valid: false, deterministic: false });
const withPart = (token, i, v) => { const p = parts(token); p[i] = v; return p.join('.'); };
const flipLast = s => { const b = dec(s); b[b.length - 1] ^= 1; return b64u(b); };

add('tampered-header-hs256', 'RFC 7515 A.1 with the header replaced (kid added), signature kept', 'HS256', a1.jwk,
  withPart(a1.jws, 0, b64u('{"typ":"JWT",\r\n "alg":"HS256","kid":"x"}')));
add('tampered-payload-rs256', 'RFC 7515 A.2 with the payload replaced, signature kept', 'RS256', pub(a2.jwk),
  withPart(a2.jws, 1, b64u('{"iss":"joe",\r\n "exp":1300819380,\r\n "http://example.com/is_root":false}')));
add('tampered-signature-es256', 'RFC 7515 A.3 with one bit of the signature flipped', 'ES256', pub(a3.jwk),
  withPart(a3.jws, 2, flipLast(parts(a3.jws)[2])));
add('tampered-signature-eddsa', 'RFC 8037 A.4 with one bit of the signature flipped', 'EdDSA', pub(ed.input.key),
  withPart(ed.output.compact, 2, flipLast(parts(ed.output.compact)[2])));
add('tampered-signature-ps256', 'interop PS256 token with one bit of the signature flipped', 'PS256', pub(rsa),
  withPart(interop.find(c => c.alg === 'PS256').jws, 2, flipLast(parts(interop.find(c => c.alg === 'PS256').jws)[2])));
add('wrong-key-hs256', 'RFC 7515 A.1 verified with the RFC 7520 §3.5 HMAC key', 'HS256', hmacKey35, a1.jws);
add('wrong-key-rs256', 'RFC 7520 §4.1 verified with the RFC 7515 A.2 public key', 'RS256', pub(a2.jwk), cb('jws/4_1.rsa_v15_signature.json').output.compact);
add('wrong-key-es256', 'RFC 7515 A.3 verified with a freshly generated P-256 key', 'ES256', pub(p256), a3.jws);

// Algorithm confusion: an HS256 MAC keyed with the verifier's RSA public key in the forms an attacker can get.
const rsaPub = pub(a2.jwk);
const rsaPem = crypto.createPublicKey({ key: rsaPub, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
const hsInput = b64u('{"alg":"HS256"}') + '.' + b64u('{"iss":"attacker","admin":true}');
add('alg-confusion-hs256-keyed-with-rsa-spki-pem', 'HS256 token whose MAC key is the SPKI PEM text of the RFC 7515 A.2 public key; verified with that RSA key allowing HS256', 'HS256', rsaPub,
  hsInput + '.' + b64u(crypto.createHmac('sha256', rsaPem).update(hsInput).digest()));
add('alg-confusion-hs256-keyed-with-rsa-jwk-json', 'HS256 token whose MAC key is the JSON text of the RFC 7515 A.2 public JWK', 'HS256', rsaPub,
  hsInput + '.' + b64u(crypto.createHmac('sha256', JSON.stringify(rsaPub)).update(hsInput).digest()));
add('alg-confusion-hs256-keyed-with-rsa-modulus', 'HS256 token whose MAC key is the raw modulus n of the RFC 7515 A.2 key', 'HS256', rsaPub,
  hsInput + '.' + b64u(crypto.createHmac('sha256', dec(rsaPub.n)).update(hsInput).digest()));
add('rs256-token-when-only-hs256-allowed', 'valid RFC 7515 A.2 RS256 token, verifier allows HS256 only', 'HS256', rsaPub, a2.jws);
add('ps256-signature-under-rs256-header', 'header says RS256, signature made with PSS over the same input', 'RS256', pub(rsa),
  (() => { const i = b64u('{"alg":"RS256"}') + '.' + b64u(claims); return i + '.' + b64u(sign('PS256', rsa, i)); })());

add('alg-none-empty-signature', 'unsecured JWS (RFC 7515 A.5 payload, alg none) offered to a verifier allowing HS256', 'HS256', a1.jwk,
  b64u('{"alg":"none"}') + '.' + parts(a1.jws)[1] + '.');
add('alg-none-with-a1-signature', 'alg none header carrying the A.1 signature', 'HS256', a1.jwk,
  b64u('{"alg":"none"}') + '.' + parts(a1.jws)[1] + '.' + parts(a1.jws)[2]);
add('alg-None-capitalised', 'alg "None" (case variant of none)', 'HS256', a1.jwk,
  jws('{"alg":"None"}', '{}', 'HS256', a1.jwk).replace(/^[^.]+/, b64u('{"alg":"None"}')));
add('alg-missing', 'header without alg, HMAC correct', 'HS256', a1.jwk,
  (() => { const i = b64u('{"typ":"JWT"}') + '.' + b64u('{}'); return i + '.' + b64u(sign('HS256', a1.jwk, i)); })());

const sig = parts(a1.jws)[2];
add('truncated-signature-one-char', 'RFC 7515 A.1 with the last character of the signature removed', 'HS256', a1.jwk, withPart(a1.jws, 2, sig.slice(0, -1)));
add('truncated-signature-one-byte', 'RFC 7515 A.1 with the last byte of the signature removed (valid base64url)', 'HS256', a1.jwk, withPart(a1.jws, 2, b64u(dec(sig).subarray(0, 31))));
add('padded-signature', 'RFC 7515 A.1 with "=" padding appended to the signature', 'HS256', a1.jwk, withPart(a1.jws, 2, sig + '='));
const es = parts(a3.jws);
const padTo4 = s => s + '='.repeat((4 - s.length % 4) % 4);
if (es[1].length % 4 === 0) throw new Error('A.3 payload needs no padding');
add('padded-payload', 'RFC 7515 A.3 with its payload given correct "=" padding (base64url in JWS has none)', 'ES256', pub(a3.jwk),
  withPart(a3.jws, 1, padTo4(es[1])));
add('standard-base64-alphabet-in-payload', 'payload in standard base64 ("+" and "/")', 'HS256', a1.jwk,
  withPart(a1.jws, 1, Buffer.from('\u00fb\u00ff\u00fe{"a":1}', 'latin1').toString('base64').replace(/=+$/, '')));
add('trailing-newline', 'RFC 7515 A.1 followed by a newline', 'HS256', a1.jwk, a1.jws + '\n');
add('extra-segment', 'RFC 7515 A.1 with a fourth segment appended', 'HS256', a1.jwk, a1.jws + '.e30');
add('five-segments-jwe-shape', 'five segments, the shape of a JWE', 'HS256', a1.jwk, a1.jws + '.e30.e30');
add('two-segments', 'RFC 7515 A.1 without its signature part', 'HS256', a1.jwk, parts(a1.jws).slice(0, 2).join('.'));
add('empty-token', 'the empty string', 'HS256', a1.jwk, '');

const signed = (headerText, payload = '{"iss":"joe"}') => jws(headerText, payload, 'HS256', a1.jwk);
add('unknown-crit-exp', 'RFC 7515 §4.1.11 example header (crit ["exp"]), correctly MACed: "exp" is not an extension we understand', 'HS256', a1.jwk,
  signed('{"alg":"HS256",\r\n "crit":["exp"],\r\n "exp":1363284000\r\n}'));
add('crit-lists-registered-header', 'crit ["kid"] (a header RFC 7515 defines), correctly MACed', 'HS256', a1.jwk, signed('{"alg":"HS256","kid":"k","crit":["kid"]}'));
add('crit-empty-list', 'crit [] (RFC 7515 forbids the empty list), correctly MACed', 'HS256', a1.jwk, signed('{"alg":"HS256","crit":[]}'));
add('crit-names-absent-member', 'crit ["x-ext"] without an x-ext member, correctly MACed', 'HS256', a1.jwk, signed('{"alg":"HS256","crit":["x-ext"]}'));
add('crit-not-an-array', 'crit "b64" (a string), correctly MACed', 'HS256', a1.jwk, signed('{"alg":"HS256","crit":"b64","b64":true}'));
const b797 = 'eyJhbGciOiJIUzI1NiIsImI2NCI6ZmFsc2UsImNyaXQiOlsiYjY0Il19';
const mac797 = b64u(crypto.createHmac('sha256', dec(a1.jwk.k)).update(b797 + '.$.02').digest());
add('rfc7797-b64-false-detached', 'RFC 7797 §4.2 (b64 false, crit ["b64"], detached payload "$.02"): the b64 extension is not implemented, so crit must reject it', 'HS256', a1.jwk, b797 + '..' + mac797);
add('duplicate-alg-member', 'header {"alg":"HS256","alg":"none"} (duplicate names), correctly MACed', 'HS256', a1.jwk, signed('{"alg":"HS256","alg":"none"}'));
add('header-not-json', 'header is not JSON, correctly MACed', 'HS256', a1.jwk, signed('alg=HS256'));
add('header-json-array', 'header is a JSON array, correctly MACed', 'HS256', a1.jwk, signed('["HS256"]'));
add('header-kid-not-string', 'header kid is a number, correctly MACed', 'HS256', a1.jwk, signed('{"alg":"HS256","kid":42}'));

// ECDSA: DER signature instead of r||s (RFC 7518 §3.4).
const derSig = crypto.sign('sha256', Buffer.from(es[0] + '.' + es[1]), { key: crypto.createPrivateKey({ key: a3.jwk, format: 'jwk' }), dsaEncoding: 'der' });
add('es256-der-encoded-signature', 'RFC 7515 A.3 input signed with the A.3 key, signature DER-encoded instead of r||s', 'ES256', pub(a3.jwk), es[0] + '.' + es[1] + '.' + b64u(derSig));
add('es256-token-with-p384-key', 'interop ES256 token verified with a P-384 key', 'ES256', pub(p384), interop.find(c => c.alg === 'ES256').jws);
add('eddsa-signature-63-bytes', 'RFC 8037 A.4 with the signature cut to 63 bytes', 'EdDSA', pub(ed.input.key),
  withPart(ed.output.compact, 2, b64u(dec(parts(ed.output.compact)[2]).subarray(0, 63))));

// Embedded key: the attacker signs with their own P-256 key and puts it in the header.
const attacker = gen('ec', { namedCurve: 'P-256' });
add('embedded-jwk-header-is-not-trusted', 'ES256 signed by an attacker key that is embedded as "jwk" in the header; verified with the A.3 key', 'ES256', pub(a3.jwk),
  jws(JSON.stringify({ alg: 'ES256', jwk: pub(attacker) }), '{"iss":"attacker"}', 'ES256', attacker));

// Key policy.
const rsa1024 = gen('rsa', { modulusLength: 1024 });
add('rs256-with-1024-bit-key', 'genuine RS256 signature by a 1024-bit RSA key: RFC 7518 §3.3 requires 2048 bits', 'RS256', pub(rsa1024), jws('{"alg":"RS256"}', claims, 'RS256', rsa1024));
add('key-alg-member-restricts-to-rs256', 'genuine PS256 signature; the key\'s "alg" member says RS256', 'PS256', { ...pub(a2.jwk), alg: 'RS256' }, jws('{"alg":"PS256"}', claims, 'PS256', a2.jwk));
add('key-use-enc', 'RFC 7515 A.1 verified with its key marked "use":"enc"', 'HS256', { ...a1.jwk, use: 'enc' }, a1.jws);

fs.writeFileSync('/work/main/tests/vectors/jws/negative.json', JSON.stringify(neg, null, 1) + '\n');
console.log('interop', interop.length, 'negative', neg.length, 'rfc7797 mac', mac797);
