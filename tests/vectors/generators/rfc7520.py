import json
base='/work/shared/vectors/jose-cookbook/'
def load(p): return json.load(open(base+p))
cases=[]
def add(id, source, alg, jwk, jws, det):
    cases.append({"id":id,"source":source,"alg":alg,"jwk":jwk,"jws":jws,"valid":True,"deterministic":det})
for f,sec in [('jws/4_1.rsa_v15_signature.json','4.1'),('jws/4_2.rsa-pss_signature.json','4.2'),('jws/4_3.ecdsa_signature.json','4.3'),('jws/4_4.hmac-sha2_integrity_protection.json','4.4')]:
    d=load(f)
    add('rfc7520-'+sec.replace('.','-'), 'RFC 7520 section %s (%s), output.compact'%(sec,d['title']), d['input']['alg'], d['input']['key'], d['output']['compact'], bool(d.get('reproducible')))
# 4.6: the signature covers only the protected header {"alg":"HS256"}; kid was unprotected.
d=load('jws/4_6.protecting_specific_header_fields.json')
fl=d['output']['json_flat']
add('rfc7520-4-6-protected-part','RFC 7520 section 4.6 (%s): protected header, payload and signature of the flattened JSON form as compact; the unprotected kid is not signed and is dropped'%d['title'],'HS256',d['input']['key'],fl['protected']+'.'+fl['payload']+'.'+fl['signature'],True)
# 4.8: the RS256 signature has a protected header; as compact it stands alone.
d=load('jws/4_8.multiple_signatures.json')
s=d['signing'][0]; assert s['protected']=={'alg':'RS256'}
payload=d['output']['json']['payload']
rsa=[k for k in d['input']['key'] if k['kty']=='RSA'][0]
add('rfc7520-4-8-rs256','RFC 7520 section 4.8 (%s), first signature (RS256, protected header only) as compact'%d['title'],'RS256',rsa,s['protected_b64u']+'.'+payload+'.'+s['sig'],True)
json.dump(cases, open('/work/main/tests/vectors/jws/rfc7520.json','w'), indent=1, ensure_ascii=False)
d=load('curve25519/jws.json')
c=[{"id":"rfc8037-a-4","source":"RFC 8037 Appendix A.4 (Ed25519 signing), as in jose-cookbook curve25519/jws.json","alg":d['input']['alg'],"jwk":d['input']['key'],"jws":d['output']['compact'],"valid":True,"deterministic":True}]
json.dump(c, open('/work/main/tests/vectors/jws/rfc8037.json','w'), indent=1, ensure_ascii=False)
print(len(cases))
