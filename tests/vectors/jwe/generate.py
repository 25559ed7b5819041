"""Writes the JWE vector files of tests/vectors/jwe/ from sources independent of this
project: the RFC 7520 §5 cookbook JSON (../shared/vectors/jose-cookbook/jwe/), the RFC 7516
Appendix A examples as transcribed in jwcrypto's own test suite (jwcrypto/tests.py), and
JWEs that jwcrypto (Python, on pyca/cryptography) encrypts here with keys it generates.

Every case is {"id", "source", "alg", "enc", "jwk", "jwe", "plaintext", "valid"}: `jwk` is the
recipient's private JWK, `jwe` the compact JWE, `plaintext` the base64url of the expected
plaintext (null when `valid` is false). Every valid case is first decrypted by jwcrypto, so
a transcription mistake fails here rather than in our harness.

    pip install jwcrypto   # 1.6.1 when these files were written
    python3 tests/vectors/jwe/generate.py   # from the repository root

Name files to write only those (the others are still computed, not written), e.g.
`python3 tests/vectors/jwe/generate.py x25519.json` after adding the X25519 section, so the
existing files keep their keys.
"""
import base64
import json
import os
import sys

from importlib.metadata import version

import jwcrypto.tests as jt
from jwcrypto import jwe, jwk
from jwcrypto.common import json_decode

HERE = os.path.dirname(os.path.abspath(__file__))
COOKBOOK = os.path.join(HERE, '..', '..', '..', '..', 'shared', 'vectors', 'jose-cookbook', 'jwe')
if not os.path.isdir(COOKBOOK):
    COOKBOOK = '/work/shared/vectors/jose-cookbook/jwe'
VERSION = 'jwcrypto %s, cryptography %s' % (version('jwcrypto'), version('cryptography'))
ONLY = sys.argv[1:]

ALL_ALGS = jwe.default_allowed_algs + ['RSA1_5']


def b64(data):
    if isinstance(data, str):
        data = data.encode('utf-8')
    return base64.urlsafe_b64encode(data).rstrip(b'=').decode('ascii')


def unb64(text):
    return base64.urlsafe_b64decode(text + '=' * (-len(text) % 4))


def header_of(compact):
    return json.loads(unb64(compact.split('.')[0]))


def jwcrypto_decrypts(compact, key_json):
    token = jwe.JWE(algs=ALL_ALGS)
    token.deserialize(compact, key=jwk.JWK(**key_json))
    return token.payload


def case(id, source, key_json, compact, plaintext, valid, check=True):
    h = header_of(compact)
    if valid and check:
        got = jwcrypto_decrypts(compact, key_json)
        assert got == plaintext, id
    return {
        'id': id,
        'source': source,
        'alg': h.get('alg'),
        'enc': h.get('enc'),
        'jwk': key_json,
        'jwe': compact,
        'plaintext': b64(plaintext) if valid else None,
        'valid': valid,
    }


def write(name, cases):
    if ONLY and name not in ONLY:
        return
    with open(os.path.join(HERE, name), 'w') as f:
        json.dump(cases, f, indent=1, ensure_ascii=False)
        f.write('\n')
    print('%s: %d cases' % (name, len(cases)))


# --- RFC 7520 §5: every case with a compact serialization ------------------------------------
rfc7520 = []
for file in sorted(os.listdir(COOKBOOK), key=lambda f: [int(p) for p in f.split('.')[0].split('_')]):
    d = json.load(open(os.path.join(COOKBOOK, file)))
    compact = d['output'].get('compact')
    if compact is None:
        continue  # 5.10-5.13 exist only in the JSON serializations
    section = file.split('.')[0].replace('_', '.')
    key = d['input'].get('key')
    plaintext = d['input']['plaintext'].encode('utf-8')
    alg, zip_ = d['input']['alg'], d['input'].get('zip')
    source = 'RFC 7520 section %s (%s), output.compact' % (section, d['title'])
    if key is None:
        # 5.3 is PBES2: a password, not a JWK; the case keeps the password as an oct key
        # so the file stays one shape, and the harness skips the algorithm by name.
        key = {'kty': 'oct', 'k': b64(d['input']['pwd'])}
        rfc7520.append(case('rfc7520-' + section.replace('.', '-'), source + '; password as an oct key', key,
                            compact, plaintext, True, check=False))
        continue
    if alg == 'RSA1_5':
        rfc7520.append(case('rfc7520-' + section.replace('.', '-'),
                            source + '; valid per RFC 7516, refused here: RSA1_5 (RFC 8725 §3.2)',
                            key, compact, plaintext, False))
        continue
    if zip_:
        assert jwcrypto_decrypts(compact, key) == plaintext
        rfc7520.append(case('rfc7520-' + section.replace('.', '-'),
                            source + '; valid per RFC 7516, refused here: zip "DEF" is not implemented',
                            key, compact, plaintext, False))
        continue
    rfc7520.append(case('rfc7520-' + section.replace('.', '-'), source, key, compact, plaintext, True))
write('rfc7520.json', rfc7520)

# --- RFC 7516 Appendix A ---------------------------------------------------------------------
rfc7516 = []
for ex, id, note, valid in [
    (jt.E_A1_ex, 'rfc7516-a-1', 'A.1 (RSAES-OAEP and AES GCM)', True),
    (jt.E_A2_ex, 'rfc7516-a-2', 'A.2 (RSAES-PKCS1-v1_5 and AES_128_CBC_HMAC_SHA_256); valid per RFC 7516, '
     'refused here: RSA1_5 (RFC 8725 §3.2)', False),
    (jt.E_A3_ex, 'rfc7516-a-3', 'A.3 (AES Key Wrap and AES_128_CBC_HMAC_SHA_256)', True),
]:
    key = json_decode(ex['key'].export())
    plaintext = ex['plaintext'] if isinstance(ex['plaintext'], bytes) else ex['plaintext'].encode('utf-8')
    compact = ex['vector']
    assert jwcrypto_decrypts(compact, key) == plaintext, id
    rfc7516.append(case(id, 'RFC 7516 Appendix %s, as transcribed in jwcrypto/tests.py (%s)' % (note, VERSION),
                        key, compact, plaintext, valid))
write('rfc7516.json', rfc7516)

# --- generated by jwcrypto -------------------------------------------------------------------
ENCS = ['A128CBC-HS256', 'A256CBC-HS512', 'A128GCM', 'A256GCM']
CEK_BYTES = {'A128CBC-HS256': 32, 'A256CBC-HS512': 64, 'A128GCM': 16, 'A256GCM': 32}
rsa = jwk.JWK.generate(kty='RSA', size=2048)
ec = {crv: jwk.JWK.generate(kty='EC', crv=crv) for crv in ['P-256', 'P-384', 'P-521']}
kw = {'A128KW': jwk.JWK.generate(kty='oct', size=128), 'A256KW': jwk.JWK.generate(kty='oct', size=256)}
direct = {enc: jwk.JWK.generate(kty='oct', size=CEK_BYTES[enc] * 8) for enc in ENCS}
SOURCE = 'encrypted by %s with keys it generated (tests/vectors/jwe/generate.py)' % VERSION


def private(key):
    return json_decode(key.export(private_key=True))


def encrypt(key, alg, enc, plaintext, extra=None):
    protected = {'alg': alg, 'enc': enc}
    protected.update(extra or {})
    token = jwe.JWE(plaintext, protected=json.dumps(protected), algs=ALL_ALGS)
    token.add_recipient(key.public() if key.has_private and key['kty'] != 'oct' else key)
    return token.serialize(compact=True)


generated = []


def add(id, key, alg, enc, plaintext=b'', extra=None, note=''):
    plaintext = plaintext or ('{"iss":"https://as.example","case":"%s"}' % id).encode()
    compact = encrypt(key, alg, enc, plaintext, extra)
    generated.append(case(id, SOURCE + note, private(key), compact, plaintext, True))
    return compact, plaintext


for enc in ENCS:
    for alg in ['RSA-OAEP', 'RSA-OAEP-256']:
        add('jwcrypto-%s-%s' % (alg, enc), rsa, alg, enc)
    for alg in ['A128KW', 'A256KW']:
        add('jwcrypto-%s-%s' % (alg, enc), kw[alg], alg, enc)
    add('jwcrypto-dir-%s' % enc, direct[enc], 'dir', enc)
    for crv, key in ec.items():
        for alg in ['ECDH-ES', 'ECDH-ES+A128KW', 'ECDH-ES+A256KW']:
            add('jwcrypto-%s-%s-%s' % (alg, crv, enc), key, alg, enc)
# apu/apv enter the Concat KDF (RFC 7518 §4.6.2): a key derived without them would not decrypt.
add('jwcrypto-ECDH-ES-apu-apv', ec['P-256'], 'ECDH-ES', 'A256GCM',
    extra={'apu': b64('Alice'), 'apv': b64('Bob')}, note='; with apu and apv')
add('jwcrypto-one-byte-plaintext', kw['A128KW'], 'A128KW', 'A128CBC-HS256', plaintext=b' ',
    note='; one-byte plaintext')
add('jwcrypto-long-plaintext', rsa, 'RSA-OAEP-256', 'A256CBC-HS512', plaintext=os.urandom(3000),
    note='; 3000 random bytes')


def invalid(id, key_json, compact, why):
    generated.append(case(id, SOURCE + '; ' + why, key_json, compact, b'', False))


def part(compact, i, change):
    parts = compact.split('.')
    parts[i] = b64(change(bytearray(unb64(parts[i]))))
    return '.'.join(parts)


def flip_last(data):
    data[-1] ^= 1
    return bytes(data)


def flip_first(data):
    data[0] ^= 1
    return bytes(data)


c, _ = add('jwcrypto-base-rsa', rsa, 'RSA-OAEP', 'A256GCM')
invalid('tag-flipped-a256gcm', private(rsa), part(c, 4, flip_last), 'last tag bit flipped')
invalid('ciphertext-flipped-a256gcm', private(rsa), part(c, 3, flip_first), 'first ciphertext bit flipped')
invalid('iv-flipped-a256gcm', private(rsa), part(c, 2, flip_first), 'first IV bit flipped')
invalid('encrypted-key-flipped-rsa-oaep', private(rsa), part(c, 1, flip_last),
        'last bit of the RSA-OAEP encrypted key flipped (RFC 7516 §11.5: fails like a tag mismatch)')
invalid('tag-truncated-a256gcm', private(rsa), part(c, 4, lambda d: bytes(d[:8])), 'tag cut to 8 bytes')
invalid('wrong-recipient-rsa', private(jwk.JWK.generate(kty='RSA', size=2048)), c,
        'decrypted with another RSA key than the recipient\'s')
h = c.split('.')
invalid('aad-changed-header-reencoded', private(rsa),
        '.'.join([b64(json.dumps(header_of(c), indent=1))] + h[1:]),
        'the same header JSON re-encoded (spaces): the AAD changes, so the tag fails')

c, _ = add('jwcrypto-base-a128kw-cbc', kw['A128KW'], 'A128KW', 'A128CBC-HS256')
invalid('tag-flipped-a128cbc-hs256', private(kw['A128KW']), part(c, 4, flip_last), 'last tag bit flipped')
invalid('ciphertext-last-block-flipped-a128cbc-hs256', private(kw['A128KW']), part(c, 3, flip_last),
        'last ciphertext bit flipped (the padding block): the MAC fails before any unpadding')
invalid('encrypted-key-flipped-a128kw', private(kw['A128KW']), part(c, 1, flip_first),
        'AES key wrap integrity check fails')
invalid('wrong-kw-key', private(jwk.JWK.generate(kty='oct', size=128)), c, 'another A128KW key')

c, _ = add('jwcrypto-base-ecdh', ec['P-256'], 'ECDH-ES', 'A128GCM')
hdr = header_of(c)
off = dict(hdr)
off['epk'] = dict(hdr['epk'])
y = bytearray(unb64(off['epk']['y']))
y[-1] ^= 1
off['epk']['y'] = b64(bytes(y))
invalid('epk-off-curve', private(ec['P-256']), '.'.join([b64(json.dumps(off))] + c.split('.')[1:]),
        'epk y changed so the point is not on P-256 (RFC 8725 §3.4 invalid-curve attack)')
c384 = encrypt(ec['P-384'], 'ECDH-ES', 'A128GCM', b'for P-384')
invalid('epk-on-another-curve', private(ec['P-256']), c384,
        'a P-384 epk sent to a P-256 recipient (RFC 8725 §3.4)')
noepk = dict(hdr)
del noepk['epk']
invalid('epk-missing', private(ec['P-256']), '.'.join([b64(json.dumps(noepk))] + c.split('.')[1:]),
        'ECDH-ES header without epk')
invalid('ecdh-es-with-encrypted-key', private(ec['P-256']), part(c, 1, lambda d: b'\x00' * 16),
        'ECDH-ES must have an empty encrypted key (RFC 7516 §5.2 step 10)')

rsa15 = encrypt(rsa, 'RSA1_5', 'A128CBC-HS256', b'RSA1_5 is refused')
assert jwcrypto_decrypts(rsa15, private(rsa)) == b'RSA1_5 is refused'
invalid('rsa1_5', private(rsa), rsa15, 'RSA1_5, which jwcrypto decrypts; refused here (RFC 8725 §3.2)')
zipped = encrypt(kw['A256KW'], 'A256KW', 'A256GCM', b'compressed ' * 20, {'zip': 'DEF'})
assert jwcrypto_decrypts(zipped, private(kw['A256KW'])) == b'compressed ' * 20
invalid('zip-def', private(kw['A256KW']), zipped, 'zip "DEF", which jwcrypto decrypts; not implemented here')

# An unknown critical extension: jwcrypto checks crit only when it decrypts, so it writes one.
crit = encrypt(direct['A128GCM'], 'dir', 'A128GCM', b'crit',
               {'crit': ['urn:example:unknown'], 'urn:example:unknown': True})
invalid('unknown-crit', private(direct['A128GCM']), crit,
        'crit lists an extension no one understands (RFC 7516 §4.1.13)')
invalid('dir-key-wrong-length', private(direct['A128GCM']),
        encrypt(direct['A256GCM'], 'dir', 'A256GCM', b'x'), 'a 16-byte dir key for A256GCM')
write('jwcrypto.json', generated)

# --- X25519 (RFC 8037 §3.2: ECDH-ES with OKP keys) --------------------------------------------
# The JOSE cookbook's Curve25519 ECDH-ES case (jose-cookbook/curve25519/ecdh-es.json, beside
# the jwe/ folder), then jwcrypto's own X25519 JWEs for every ECDH-ES alg and enc.
x25519 = []
CURVE25519 = os.path.join(COOKBOOK, '..', 'curve25519', 'ecdh-es.json')
d = json.load(open(CURVE25519))
x25519.append(case('cookbook-curve25519-ecdh-es',
                   'JOSE cookbook curve25519/ecdh-es.json (%s), output.compact' % d['title'],
                   d['input']['key'], d['output']['compact'], d['input']['plaintext'].encode('utf-8'), True))
okp = jwk.JWK.generate(kty='OKP', crv='X25519')
for enc in ENCS:
    for alg in ['ECDH-ES', 'ECDH-ES+A128KW', 'ECDH-ES+A256KW']:
        plaintext = ('{"iss":"https://as.example","case":"%s X25519 %s"}' % (alg, enc)).encode()
        compact = encrypt(okp, alg, enc, plaintext)
        x25519.append(case('jwcrypto-%s-X25519-%s' % (alg, enc), SOURCE, private(okp), compact, plaintext, True))
c = encrypt(okp, 'ECDH-ES+A128KW', 'A128GCM', b'small order')
hdr = header_of(c)
for name, u in [('zero', b'\x00' * 32), ('one', b'\x01' + b'\x00' * 31)]:
    bad = dict(hdr)
    bad['epk'] = dict(hdr['epk'], x=b64(u))
    x25519.append(case('x25519-epk-small-order-' + name, SOURCE + '; epk x = %s, a point of small order: the '
                       'X25519 output is all zero (RFC 7748 section 6.1)' % name, private(okp),
                       '.'.join([b64(json.dumps(bad))] + c.split('.')[1:]), b'', False))
x25519.append(case('x25519-tag-flipped', SOURCE + '; last tag bit flipped', private(okp), part(c, 4, flip_last),
                   b'', False))
x25519.append(case('x25519-wrong-recipient', SOURCE + '; decrypted with another X25519 key',
                   private(jwk.JWK.generate(kty='OKP', crv='X25519')), c, b'', False))
write('x25519.json', x25519)
