"""Writes tests/vectors/jws/rfc7520-json.json and rfc7797.json: JWS JSON serializations
(RFC 7515 §7.2) and unencoded payloads (RFC 7797) from the RFC 7520 cookbook JSON
(../shared/vectors/jose-cookbook/), plus cases made here with Python's own hmac module
(independent of the Rust code under test).

A case's "jws" is the JSON serialization as an object; "payload" (base64url) is given when
the content is detached (RFC 7515 Appendix F). Run from the repository root:

    python3 tests/vectors/generators/jws_json.py
"""
import base64
import hashlib
import hmac
import json
import os

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..')
BASE = '/work/shared/vectors/jose-cookbook/'


def load(p):
    return json.load(open(BASE + p))


def b64(data):
    if isinstance(data, str):
        data = data.encode('utf-8')
    return base64.urlsafe_b64encode(data).rstrip(b'=').decode('ascii')


def unb64(text):
    return base64.urlsafe_b64decode(text + '=' * (-len(text) % 4))


def hs256(key, signing_input):
    k = unb64(key['k'])
    return b64(hmac.new(k, signing_input if isinstance(signing_input, bytes) else signing_input.encode(),
                        hashlib.sha256).digest())


def case(id, source, alg, jwk, jws, valid=True, deterministic=False, payload=None):
    c = {'id': id, 'source': source, 'alg': alg, 'jwk': jwk, 'jws': jws, 'valid': valid,
         'deterministic': deterministic}
    if payload is not None:
        c['payload'] = payload
    return c


cases = []
d = load('jws/4_5.signature_with_detached_content.json')
detached = b64(d['input']['payload'])
for form in ['json', 'json_flat']:
    cases.append(case('rfc7520-4-5-%s' % form.replace('_', '-'),
                      'RFC 7520 section 4.5 (%s), output.%s, the payload given separately' % (d['title'], form),
                      'HS256', d['input']['key'], d['output'][form], deterministic=True, payload=detached))
d = load('jws/4_7.protecting_content_only.json')
for form in ['json', 'json_flat']:
    cases.append(case('rfc7520-4-7-%s' % form.replace('_', '-'),
                      'RFC 7520 section 4.7 (%s), output.%s: no protected header at all' % (d['title'], form),
                      'HS256', d['input']['key'], d['output'][form], deterministic=True))
d = load('jws/4_8.multiple_signatures.json')
for alg, key in zip(d['input']['alg'], d['input']['key']):
    cases.append(case('rfc7520-4-8-%s' % alg.lower(),
                      'RFC 7520 section 4.8 (%s), output.json, verified with the %s key' % (d['title'], alg),
                      alg, key, d['output']['json'], deterministic=alg != 'ES512'))

# Made here: what RFC 7515 §7.2.1 and §4.1.11 forbid, signed correctly so that only the rule fails.
key = load('jws/4_4.hmac-sha2_integrity_protection.json')['input']['key']
payload = b64('{"iss":"joe"}')


def signed(protected, header=None, payload_b64=payload):
    p = b64(json.dumps(protected, separators=(',', ':'))) if protected is not None else ''
    sig = hs256(key, p + '.' + payload_b64)
    s = {'signature': sig}
    if protected is not None:
        s['protected'] = p
    if header is not None:
        s['header'] = header
    return s


def flat(sig, payload_b64=payload):
    out = {'payload': payload_b64}
    out.update(sig)
    return out


made = 'made by tests/vectors/generators/jws_json.py with Python hmac: '
good = signed({'alg': 'HS256'}, {'kid': key['kid']})
cases.append(case('json-flattened-hs256', made + 'a plain flattened JWS (control case)', 'HS256', key, flat(good),
                  deterministic=True))
tampered = flat(good)
tampered['payload'] = b64('{"iss":"eve"}')
cases.append(case('json-payload-changed', made + 'payload changed after signing', 'HS256', key, tampered,
                  valid=False))
cases.append(case('json-alg-in-both-headers', made + 'alg in both the protected and the unprotected header '
                  '(RFC 7515 §7.2.1: the names MUST be disjoint)', 'HS256', key,
                  flat(signed({'alg': 'HS256'}, {'alg': 'HS256'})), valid=False))
cases.append(case('json-crit-unprotected', made + 'crit in the unprotected header (RFC 7515 §4.1.11: it MUST be '
                  'integrity protected)', 'HS256', key,
                  flat(signed({'alg': 'HS256', 'exp': 1}, {'crit': ['exp']})), valid=False))
cases.append(case('json-no-header-at-all', made + 'a signature with neither protected nor header (RFC 7515 '
                  '§7.2.1: at least one MUST be present)', 'HS256', key,
                  {'payload': payload, 'signatures': [{'signature': good['signature']}]}, valid=False))
cases.append(case('json-general-and-flattened-mixed', made + 'general "signatures" beside a flattened '
                  '"signature" (RFC 7515 §7.2.2: the flattened form has no "signatures")', 'HS256', key,
                  dict(flat(good), signatures=[good]), valid=False))
json.dump(cases, open(os.path.join(ROOT, 'tests/vectors/jws/rfc7520-json.json'), 'w'), indent=1,
          ensure_ascii=False)
open(os.path.join(ROOT, 'tests/vectors/jws/rfc7520-json.json'), 'a').write('\n')
print('rfc7520-json.json', len(cases))

# --- RFC 7797 --------------------------------------------------------------------------------
cases = []
d = load('rfc7797/hmac-sha2_b64_false.json')
for form in ['json', 'json_flat']:
    cases.append(case('cookbook-rfc7797-b64-false-%s' % form.replace('_', '-'),
                      'jose-cookbook rfc7797/hmac-sha2_b64_false.json (%s), output.%s' % (d['title'], form),
                      'HS256', d['input']['key'], d['output'][form], deterministic=True))
d = load('rfc7797/4.2.hmac-sha2_b64_false.json')
cases.append(case('cookbook-rfc7797-4-2-without-crit',
                  'jose-cookbook rfc7797/4.2.hmac-sha2_b64_false.json, output.json_flat: its protected header '
                  'has "b64": false but no "crit", which RFC 7797 §6 requires, so it is refused',
                  'HS256', d['input']['key'], d['output']['json_flat'], valid=False))
# RFC 7797 §4.2: the protected header and payload of the example; the HMAC computed here.
key7797 = d['input']['key']
protected = 'eyJhbGciOiJIUzI1NiIsImI2NCI6ZmFsc2UsImNyaXQiOlsiYjY0Il19'
assert json.loads(unb64(protected)) == {'alg': 'HS256', 'b64': False, 'crit': ['b64']}
sig = hs256(key7797, (protected + '.$.02').encode())
cases.append(case('rfc7797-4-2-flattened', 'RFC 7797 §4.2 protected header and payload "$.02"; HMAC computed by '
                  'Python hmac (%s)' % made.strip(': '), 'HS256', key7797,
                  {'payload': '$.02', 'protected': protected, 'signature': sig}, deterministic=True))
cases.append(case('rfc7797-4-2-detached', 'RFC 7797 §4.2 with the payload detached and given separately',
                  'HS256', key7797, {'protected': protected, 'signature': sig}, deterministic=True,
                  payload=b64('$.02')))
cases.append(case('rfc7797-b64-false-read-as-encoded', made + 'the §4.2 signature over the base64url of "$.02": '
                  'b64 false means the raw payload is signed, so this does not verify', 'HS256', key7797,
                  {'payload': '$.02', 'protected': protected,
                   'signature': hs256(key7797, protected + '.' + b64('$.02'))}, valid=False))
b64_unprotected = {'payload': '$.02', 'protected': b64('{"alg":"HS256","crit":["b64"]}'),
                   'header': {'b64': False}}
b64_unprotected['signature'] = hs256(key7797, b64_unprotected['protected'] + '.$.02')
cases.append(case('rfc7797-b64-unprotected', made + '"b64" in the unprotected header (RFC 7797 §3: it MUST be '
                  'integrity protected)', 'HS256', key7797, b64_unprotected, valid=False))
mixed = {'payload': '$.02', 'signatures': [
    {'protected': protected, 'signature': sig},
    {'protected': b64('{"alg":"HS256"}'), 'signature': hs256(key7797, b64('{"alg":"HS256"}') + '.$.02')}]}
cases.append(case('rfc7797-b64-differs-between-signatures', made + 'two signatures, one with b64 false and one '
                  'without (RFC 7797 §3: the value MUST be the same for all)', 'HS256', key7797, mixed,
                  valid=False))
json.dump(cases, open(os.path.join(ROOT, 'tests/vectors/jws/rfc7797.json'), 'w'), indent=1, ensure_ascii=False)
open(os.path.join(ROOT, 'tests/vectors/jws/rfc7797.json'), 'a').write('\n')
print('rfc7797.json', len(cases))
