//! Runs every scenario file under `tests/scenarios/` (format: `tests/scenarios/README.md`)
//! against the mock authorization server, with a fixed clock and a seeded RNG, and
//! regenerates `tests/scenarios/CHECKS.md` (check code → scenarios that prove it).
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::rc::Rc;

use oauth_playground::clock::{Clock, FixedClock};
use oauth_playground::http::{Method, Request, Response};
use oauth_playground::jose::jwe::{self, ContentEncryption, KeyManagement};
use oauth_playground::jose::jws::{self, ShortHmacKeys};
use oauth_playground::jose::{base64url, Algorithm, Jwk, Jwks, KeyQuery};
use oauth_playground::jose::{KeyMaterial, SecretBytes};
use oauth_playground::mock_as::{checks, crypto, AuthorizationServer, ProfileName};
use oauth_playground::protocol::{form_encode, UrlParts};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde_json::{json, Map, Value};

const ISSUER: &str = "https://mock.as.example";
const NOW: i64 = 1_800_000_000;
const SECRET: &str = "client-1-secret-0123456789abcdef0123456789";
const OTHER_SECRET: &str = "client-2-secret-0123456789abcdef0123456789";
const REDIRECT: &str = "https://client.example/cb";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

struct Run {
    server: AuthorizationServer,
    /// `deferred`: every request answered through `handle_deferred` and sealed by a RustCrypto
    /// backend, as the page's `SigningTransport` does.
    deferred: bool,
    clock: Rc<FixedClock>,
    jti: u32,
    dpop: Dpop,
}

/// The `dpop` key of a scenario (README): which steps carry a proof, the mutation of the judged
/// step's proof, and the latest server nonce seen.
#[derive(Default)]
struct Dpop {
    spec: Option<Map<String, Value>>,
    judged: String,
    key: Option<Jwk>,
    other: Option<Jwk>,
    nonce: Option<String>,
    proofs: u32,
}

impl Dpop {
    fn new(scenario: &Value) -> Self {
        let Some(spec) = obj(scenario, "dpop").cloned() else {
            return Self::default();
        };
        let flow = scenario.get("flow").and_then(Value::as_str).unwrap_or("plain");
        let judged = spec
            .get("judged")
            .and_then(Value::as_str)
            .unwrap_or(match flow {
                "par" | "par_jar" => "par",
                other => other,
            })
            .to_string();
        let mut rng = ChaCha20Rng::seed_from_u64(11);
        let key = oauth_playground::jose::keygen::generate_for(Algorithm::ES256, &mut rng).unwrap();
        let other = oauth_playground::jose::keygen::generate_for(Algorithm::ES256, &mut rng).unwrap();
        Self {
            spec: Some(spec),
            judged,
            key: Some(key),
            other: Some(other),
            nonce: None,
            proofs: 0,
        }
    }

    /// Whether `step` (`par`, `token`, `refresh`, `userinfo`) carries a proof.
    fn at(&self, step: &str) -> bool {
        let Some(spec) = &self.spec else { return false };
        match spec.get("at").and_then(Value::as_array) {
            Some(steps) => steps.iter().any(|s| s.as_str() == Some(step)),
            None => true,
        }
    }

    /// The proof mutation for `step`: the `proof` object at the judged step.
    fn mutation(&self, step: &str) -> Option<&Value> {
        let spec = self.spec.as_ref()?;
        if step == self.judged {
            spec.get("proof")
        } else {
            None
        }
    }

    /// The DPoP header values for a request (none, one, or two with `twice`).
    fn proofs(&mut self, step: &str, method: &str, url: &str, access_token: Option<&str>, now: i64) -> Vec<String> {
        if !self.at(step) {
            return Vec::new();
        }
        let mutation = self.mutation(step).cloned();
        if mutation.as_ref().and_then(Value::as_str) == Some("none") {
            return Vec::new();
        }
        let spec = mutation
            .as_ref()
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        if let Some(raw) = spec.get("raw").and_then(Value::as_str) {
            return vec![raw.to_string()];
        }
        let use_other = spec.get("key").and_then(Value::as_str) == Some("other");
        let (key, other) = (self.key.clone().unwrap(), self.other.clone().unwrap());
        let (holder, signer) = match (use_other, spec.get("signer").and_then(Value::as_str)) {
            (true, _) => (other.clone(), other.clone()),
            (false, Some("other")) => (key.clone(), other.clone()),
            _ => (key.clone(), key.clone()),
        };
        let mut jwk: Value = serde_json::from_str(&holder.to_public().unwrap().to_json()).unwrap();
        jwk.as_object_mut().unwrap().remove("kid");
        if spec.get("private_jwk").and_then(Value::as_bool) == Some(true) {
            let private: Value = serde_json::from_str(&holder.to_json()).unwrap();
            jwk["d"] = private["d"].clone();
        }
        let mut header = Map::new();
        header.insert("typ".into(), json!("dpop+jwt"));
        header.insert("alg".into(), json!("ES256"));
        header.insert("jwk".into(), jwk);
        self.proofs += 1;
        let jti = self
            .spec
            .as_ref()
            .and_then(|s| s.get("jti"))
            .and_then(Value::as_str)
            .map_or_else(|| format!("dpop-{}", self.proofs), str::to_string);
        let mut claims = Map::new();
        claims.insert("jti".into(), json!(jti));
        claims.insert("htm".into(), json!(method));
        claims.insert("htu".into(), json!(url));
        claims.insert("iat".into(), json!(now));
        if let Some(token) = access_token {
            claims.insert("ath".into(), json!(crypto::access_token_hash(token)));
        }
        if let Some(nonce) = &self.nonce {
            claims.insert("nonce".into(), json!(nonce));
        }
        if let Some(Value::Object(changes)) = spec.get("header") {
            for (k, v) in changes {
                if v.is_null() {
                    header.remove(k);
                } else {
                    header.insert(k.clone(), v.clone());
                }
            }
        }
        mutate(&mut claims, Some(&spec));
        let header_text = Value::Object(header.clone()).to_string();
        let claims_text = Value::Object(claims).to_string();
        let alg = header.get("alg").and_then(Value::as_str).unwrap_or("ES256");
        let proof = if alg == "ES256" {
            jws::sign_compact(&header_text, claims_text.as_bytes(), &signer, ShortHmacKeys::Refuse).unwrap()
        } else {
            // Algs the proof key cannot make (HS256, none): the harness signs what it can.
            sign(alg, &header_text, &claims_text, SECRET.as_bytes(), false)
        };
        let count = if spec.get("twice").and_then(Value::as_bool) == Some(true) {
            2
        } else {
            1
        };
        vec![proof; count]
    }

    /// Whether a `use_dpop_nonce` answer at `step` is retried with the nonce it carries: always,
    /// except at the judged step when `no_retry` is set.
    fn retries(&self, step: &str) -> bool {
        let no_retry = self
            .spec
            .as_ref()
            .and_then(|s| s.get("no_retry"))
            .and_then(Value::as_bool)
            == Some(true);
        !(no_retry && step == self.judged)
    }
}

fn obj<'a>(v: &'a Value, key: &str) -> Option<&'a Map<String, Value>> {
    v.get(key).and_then(Value::as_object)
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Applies `{"set": {...}, "remove": [...]}` to a map of JSON values.
fn mutate(target: &mut Map<String, Value>, mutation: Option<&Map<String, Value>>) {
    let Some(m) = mutation else { return };
    if let Some(set) = m.get("set").and_then(Value::as_object) {
        for (k, v) in set {
            target.insert(k.clone(), v.clone());
        }
    }
    if let Some(remove) = m.get("remove").and_then(Value::as_array) {
        for k in remove {
            target.remove(k.as_str().unwrap());
        }
    }
}

/// client-1's private asymmetric keys (`tests/scenarios/keys/client-1.jwks.json`); their
/// public halves are registered in its JWKS next to the `oct` key `k1`.
fn client_private_keys() -> Jwks {
    Jwks::from_json(include_str!("scenarios/keys/client-1.jwks.json")).unwrap()
}

/// client-1's encryption key pairs (RSA-2048 and P-256, `use: enc`, generated with OpenSSL for
/// these tests); their public halves join client-1's JWKS with `client_enc_keys`.
fn client_enc_keys() -> Jwks {
    Jwks::from_json(include_str!("scenarios/keys/client-1-enc.jwks.json")).unwrap()
}

/// Decrypts a JWE the server produced for client-1 (with its keys by `kid`, or the
/// OIDC Core §10.2 key of its secret for A128KW/A256KW/dir); any other text comes back as it is.
fn open_jwe(text: &str) -> Result<String, String> {
    if text.split('.').count() != 5 {
        return Ok(text.to_string());
    }
    let header = jwe::decode_header(text).map_err(|e| e.to_string())?;
    let alg = KeyManagement::from_name(header["alg"].as_str().unwrap_or_default()).map_err(|e| e.to_string())?;
    let enc = ContentEncryption::from_name(header["enc"].as_str().unwrap_or_default()).map_err(|e| e.to_string())?;
    let key = match alg {
        KeyManagement::A128Kw | KeyManagement::A256Kw | KeyManagement::Dir => {
            jwe::key_from_client_secret(SECRET, alg, enc).map_err(|e| e.to_string())?
        }
        _ => {
            let kid = header.get("kid").and_then(Value::as_str).ok_or("a JWE without kid")?;
            // Its encryption keys, or a signing key registered without `use` (which fits too).
            client_enc_keys()
                .keys
                .into_iter()
                .chain(client_private_keys().keys)
                .find(|k| k.kid.as_deref() == Some(kid))
                .ok_or_else(|| format!("no client-1 key {kid}"))?
        }
    };
    let opened = jwe::decrypt_compact(
        text,
        &key,
        &KeyManagement::ALL,
        &ContentEncryption::ALL,
        &mut ChaCha20Rng::seed_from_u64(3),
    )
    .map_err(|e| e.to_string())?;
    String::from_utf8(opened.plaintext).map_err(|e| e.to_string())
}

/// Checks a JWE's protected header against `{ "alg", "enc", "cty", "kid" }` (`null`: absent).
fn check_jwe_header(what: &str, text: &str, wanted: &Map<String, Value>) -> Result<(), String> {
    let header = jwe::decode_header(text).map_err(|e| format!("{what}: not a JWE: {e}"))?;
    for (member, value) in wanted {
        let actual = header.get(member).unwrap_or(&Value::Null);
        if actual != value {
            return Err(format!("{what}: JWE header {member} = {actual}, expected {value}"));
        }
    }
    Ok(())
}

/// Wraps a request object per the `encrypt` spec: `alg`/`enc` (default RSA-OAEP-256 /
/// A128GCM), `to` (`rsa`, `p256`: the server's published encryption keys, `client`: client-1's
/// own RSA encryption key under the server's kid, `signing`: the server's RSA signing key;
/// default by alg; symmetric algs use the client-secret key), `kid` (`null` omits it),
/// `plaintext: "json"` (the bare claims instead of the JWS), `header` (merged), `tamper`
/// (`ciphertext`, `tag`, `iv`, `encrypted_key`), and `raw_header` (a JWE with this header and
/// dummy parts, for what the JOSE layer would refuse to produce: RSA1_5, zip, crit, bad epk).
fn encrypt_request_object(jws: &str, spec: &Map<String, Value>, published: &Value) -> String {
    if let Some(raw) = spec.get("raw_header") {
        return format!(
            "{}.AAAA.AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA",
            base64url::encode(raw.to_string())
        );
    }
    let alg = spec.get("alg").and_then(Value::as_str).unwrap_or("RSA-OAEP-256");
    let enc = spec.get("enc").and_then(Value::as_str).unwrap_or("A128GCM");
    let km = KeyManagement::from_name(alg).unwrap();
    let ce = ContentEncryption::from_name(enc).unwrap();
    let server_keys = Jwks::from_json(&published.to_string()).unwrap();
    let enc_key = |kty: &str| {
        server_keys
            .keys
            .iter()
            .find(|k| k.key_use.as_deref() == Some("enc") && k.material.kty() == kty)
            .cloned()
            .unwrap()
    };
    let symmetric = matches!(km, KeyManagement::A128Kw | KeyManagement::A256Kw | KeyManagement::Dir);
    let default_to = if km.is_ecdh() { "p256" } else { "rsa" };
    let (key, mut kid) = match (symmetric, spec.get("to").and_then(Value::as_str).unwrap_or(default_to)) {
        (true, _) => (jwe::key_from_client_secret(SECRET, km, ce).unwrap(), None),
        (false, "p256") => {
            let k = enc_key("EC");
            (k.clone(), k.kid)
        }
        (false, "client") => {
            let own = client_enc_keys().keys[0].to_public().unwrap();
            (own, enc_key("RSA").kid)
        }
        (false, "signing") => {
            let k = server_keys
                .keys
                .iter()
                .find(|k| k.material.kty() == "RSA")
                .unwrap()
                .clone();
            let kid = k.kid.clone();
            let mut unrestricted = k;
            unrestricted.key_use = None;
            (unrestricted, kid)
        }
        _ => {
            let k = enc_key("RSA");
            (k.clone(), k.kid)
        }
    };
    match spec.get("kid") {
        Some(Value::Null) => kid = None,
        Some(Value::String(named)) => kid = Some(named.clone()),
        _ => {}
    }
    let mut header = Map::new();
    header.insert("alg".into(), json!(alg));
    header.insert("enc".into(), json!(enc));
    if let Some(kid) = kid {
        header.insert("kid".into(), json!(kid));
    }
    let plaintext = if spec.get("plaintext").and_then(Value::as_str) == Some("json") {
        let payload = jws.split('.').nth(1).unwrap();
        base64url::decode(payload, "claims").unwrap()
    } else {
        header.insert("cty".into(), json!("JWT"));
        jws.as_bytes().to_vec()
    };
    if let Some(Value::Object(changes)) = spec.get("header") {
        for (k, v) in changes {
            if v.is_null() {
                header.remove(k);
            } else {
                header.insert(k.clone(), v.clone());
            }
        }
    }
    let compact = jwe::encrypt_compact(
        &Value::Object(header).to_string(),
        &plaintext,
        &key,
        &mut ChaCha20Rng::seed_from_u64(21),
    )
    .unwrap();
    let part = match spec.get("tamper").and_then(Value::as_str) {
        Some("encrypted_key") => 1,
        Some("iv") => 2,
        Some("ciphertext") => 3,
        Some("tag") => 4,
        _ => return compact,
    };
    let mut parts: Vec<String> = compact.split('.').map(str::to_string).collect();
    let mut bytes = base64url::decode(&parts[part], "part").unwrap();
    bytes[0] ^= 1;
    parts[part] = base64url::encode(bytes);
    parts.join(".")
}

/// An attacker's key pair: the RSA key of RFC 7520 §3.4 (a published test key), never
/// registered by any client.
fn attacker_keys() -> Jwks {
    Jwks::from_json(include_str!("scenarios/keys/attacker.jwks.json")).unwrap()
}

/// `text` (a serialized JSON object) with `extra` inserted before its closing brace: how a
/// scenario writes what a JSON serializer never would (a duplicate member, say).
fn append_members(text: &str, extra: &str) -> String {
    let body = text.strip_suffix('}').unwrap();
    format!("{body}{extra}}}")
}

/// HMAC of the signing input, computed here rather than by the JOSE layer, which refuses to
/// sign the headers some attacks need (duplicates, unknown `crit`).
fn hmac(alg: &str, key: &[u8], input: &[u8]) -> Vec<u8> {
    use hmac::{Hmac, Mac};
    macro_rules! mac {
        ($sha:ty) => {{
            let mut mac = Hmac::<$sha>::new_from_slice(key).unwrap();
            mac.update(input);
            mac.finalize().into_bytes().to_vec()
        }};
    }
    match alg {
        "HS384" => mac!(sha2::Sha384),
        "HS512" => mac!(sha2::Sha512),
        _ => mac!(sha2::Sha256),
    }
}

/// Signs the header and claims texts: HS* with the secret `key`, `none` with nothing, an
/// asymmetric alg with client-1's private key for it (or the attacker's), and any other alg
/// with a dummy signature (an alg nobody here has a key for, such as ES512 — the JOSE layer
/// implements it, no client or server key is on P-521 — or a miscased name).
fn sign(alg: &str, header_text: &str, claims_text: &str, key: &[u8], attacker: bool) -> String {
    let signing_input = format!("{}.{}", base64url::encode(header_text), base64url::encode(claims_text));
    let keys = if attacker {
        attacker_keys()
    } else {
        client_private_keys()
    };
    let private = |asymmetric| {
        keys.select(&KeyQuery {
            alg: Some(asymmetric),
            ..KeyQuery::default()
        })
        .ok()
    };
    let signature = match Algorithm::from_name(alg) {
        Ok(a) if a.kty() == "oct" => hmac(alg, key, signing_input.as_bytes()),
        Ok(asymmetric) if private(asymmetric).is_some() => {
            let jwt = jws::sign_compact_with_rng(
                header_text,
                claims_text.as_bytes(),
                private(asymmetric).unwrap(),
                ShortHmacKeys::Allow,
                &mut ChaCha20Rng::seed_from_u64(9),
            )
            .unwrap();
            return jwt;
        }
        Err(_) if alg == "none" => Vec::new(),
        _ => b"not-a-real-signature".to_vec(),
    };
    format!("{signing_input}.{}", base64url::encode(signature))
}

/// The HMAC secret of a `hmac_with_public_key` mutation: the public half of one of client-1's
/// registered keys, as SPKI PEM text or as JWK JSON — what an algorithm-confusion attacker
/// who knows only public keys has.
fn public_key_text(spec: &Map<String, Value>) -> Vec<u8> {
    let kid = spec.get("kid").and_then(Value::as_str).unwrap();
    let keys = client_private_keys().to_public();
    let key = keys.keys.iter().find(|k| k.kid.as_deref() == Some(kid)).unwrap();
    match spec.get("form").and_then(Value::as_str) {
        Some("jwk") => key.to_json().into_bytes(),
        _ => key.to_spki_pem().unwrap().into_bytes(),
    }
}

/// Builds a JWT from a baseline header/claims and the scenario's mutation block.
fn build_jwt(
    mut header: Map<String, Value>,
    mut claims: Map<String, Value>,
    spec: Option<&Map<String, Value>>,
    key: &str,
) -> String {
    let get = |name: &str| spec.and_then(|s| s.get(name));
    if let Some(raw) = get("raw").and_then(Value::as_str) {
        return raw.to_string();
    }
    mutate(&mut claims, spec);
    if let Some(h) = get("header").and_then(Value::as_object) {
        for (k, v) in h {
            if v.is_null() {
                header.remove(k);
            } else {
                header.insert(k.clone(), v.clone());
            }
        }
    }
    let attacker = get("attacker_key").and_then(Value::as_bool) == Some(true);
    if get("embed_attacker_jwk").and_then(Value::as_bool) == Some(true) {
        let public: Value = serde_json::from_str(&attacker_keys().to_public().to_json()).unwrap();
        header.insert("jwk".into(), public["keys"][0].clone());
    }
    if let Some(pad) = get("pad_claim_bytes").and_then(Value::as_u64) {
        claims.insert("padding".into(), Value::from("x".repeat(pad as usize)));
    }
    let alg = header.get("alg").and_then(Value::as_str).unwrap_or("HS256").to_string();
    let mut header_text = Value::Object(header).to_string();
    let mut claims_text = Value::Object(claims).to_string();
    if let Some(extra) = get("append_header_text").and_then(Value::as_str) {
        header_text = append_members(&header_text, extra);
    }
    if let Some(extra) = get("append_claims_text").and_then(Value::as_str) {
        claims_text = append_members(&claims_text, extra);
    }
    if let Some(nest) = get("nest_claim").and_then(Value::as_object) {
        let name = nest["name"].as_str().unwrap();
        let depth = nest["depth"].as_u64().unwrap() as usize;
        let value = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        claims_text = append_members(&claims_text, &format!(",{}:{value}", Value::from(name)));
    }
    let secret = match get("hmac_with_public_key").and_then(Value::as_object) {
        Some(public) => public_key_text(public),
        None => get("key").and_then(Value::as_str).unwrap_or(key).as_bytes().to_vec(),
    };
    let mut jwt = sign(&alg, &header_text, &claims_text, &secret, attacker);
    if get("tamper_signature").and_then(Value::as_bool) == Some(true) {
        let last = jwt.pop().unwrap();
        jwt.push(if last == 'A' { 'B' } else { 'A' });
    }
    if let Some(signature) = get("signature").and_then(Value::as_str) {
        let cut = jwt.rfind('.').unwrap();
        jwt.truncate(cut + 1);
        jwt.push_str(signature);
    }
    jwt
}

/// client-1's registered JWKS: the `oct` key `k1` (= its secret) and the public halves of its
/// asymmetric keys.
fn client_1_jwks() -> Value {
    let mut keys = vec![json!({"kty": "oct", "kid": "k1", "k": base64url::encode(SECRET)})];
    let public: Value = serde_json::from_str(&client_private_keys().to_public().to_json()).unwrap();
    keys.extend(public["keys"].as_array().unwrap().iter().cloned());
    json!({ "keys": keys })
}

impl Run {
    fn new(scenario: &Value) -> Self {
        let clock = Rc::new(FixedClock::at(NOW));
        let profile: ProfileName =
            serde_json::from_value(scenario.get("profile").cloned().unwrap_or(json!("hardened"))).unwrap();
        let settings = oauth_playground::mock_as::profiles::preset(profile, ISSUER);
        let rng = ChaCha20Rng::seed_from_u64(7);
        let mut server = AuthorizationServer::new(settings, Box::new(Rc::clone(&clock)), Box::new(rng)).unwrap();
        if let Some(patch) = scenario.get("server") {
            server
                .configure_json(&patch.to_string())
                .expect("server settings patch");
        }
        let mut client = json!({
            "client_id": "client-1",
            "client_secret": SECRET,
            "redirect_uris": [REDIRECT, "https://client.example/other"],
            "response_types": ["code", "id_token", "id_token token", "code id_token", "code token", "code id_token token"],
            // RFC 7591 §2.1: the implicit and hybrid types need the implicit grant; the spec's
            // default is authorization_code alone. Both clients also register the device grant
            // (RFC 8628) and client credentials (RFC 6749 §4.4), so scenarios can use one
            // client's code or token as the other.
            "grant_types": ["authorization_code", "implicit", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code", "client_credentials"],
            "token_endpoint_auth_method": "client_secret_basic",
            "jwks": client_1_jwks(),
        });
        if scenario.get("client_enc_keys").and_then(Value::as_bool) == Some(true) {
            let public: Value = serde_json::from_str(&client_enc_keys().to_public().to_json()).unwrap();
            let keys = client["jwks"]["keys"].as_array_mut().unwrap();
            keys.extend(public["keys"].as_array().unwrap().iter().cloned());
        }
        let mut other = client.clone();
        other["client_id"] = json!("client-2");
        other["client_secret"] = json!(OTHER_SECRET);
        other["jwks"] = json!({"keys": [{"kty": "oct", "kid": "k2", "k": base64url::encode(OTHER_SECRET)}]});
        // The patch is client-1's (README): client-2 keeps its baseline, which registration
        // would refuse with some patches (private_key_jwt needs a public key client-2 lacks).
        if let (Some(patch), Value::Object(map)) = (obj(scenario, "client"), &mut client) {
            for (k, v) in patch {
                map.insert(k.clone(), v.clone());
            }
        }
        server
            .register_client_json(&client.to_string())
            .expect("client-1 metadata");
        // `client_2`: an object merged into client-2's baseline, or `null` to leave client-2
        // unregistered (a server whose policy its baseline breaks, such as FAPI 2.0).
        match scenario.get("client_2") {
            Some(Value::Null) => {}
            patch => {
                if let (Some(Value::Object(patch)), Value::Object(map)) = (patch, &mut other) {
                    for (k, v) in patch {
                        map.insert(k.clone(), v.clone());
                    }
                }
                server
                    .register_client_json(&other.to_string())
                    .expect("client-2 metadata");
            }
        }
        // `server_after_registration`: a settings patch applied once the clients are
        // registered, as when the user switches the profile with clients already there.
        if let Some(patch) = scenario.get("server_after_registration") {
            server
                .configure_json(&patch.to_string())
                .expect("server settings patch after registration");
        }
        // `rotate_keys`: signing-key rotations before the flow; `advance_after_rotation`:
        // seconds that pass after them (the overlap may end).
        for _ in 0..scenario.get("rotate_keys").and_then(Value::as_u64).unwrap_or(0) {
            server.rotate_signing_keys().expect("key rotation");
        }
        if let Some(seconds) = scenario.get("advance_after_rotation").and_then(Value::as_i64) {
            clock.advance(seconds);
        }
        Run {
            server,
            deferred: scenario.get("deferred").and_then(Value::as_bool) == Some(true),
            clock,
            jti: 0,
            dpop: Dpop::new(scenario),
        }
    }

    fn send(&mut self, request: &Request) -> Response {
        if self.deferred {
            let answer = self.server.handle_deferred(request);
            let backend = oauth_playground::jose::RustCryptoBackend::new(ChaCha20Rng::seed_from_u64(5));
            return block_on(answer.seal(&backend));
        }
        self.server.handle(request)
    }

    /// Sends `request` with the DPoP proofs of `step`; a `use_dpop_nonce` answer is retried once
    /// with the nonce it carries (unless `no_retry` at the judged step). Every `DPoP-Nonce`
    /// seen is kept for the next proof.
    fn send_dpop(&mut self, request: Request, step: &str, access_token: Option<&str>) -> Response {
        let mut attempt = 0;
        loop {
            let mut sent = request.clone();
            let now = self.clock.now();
            let method = sent.method.as_str().to_string();
            for proof in self.dpop.proofs(step, &method, &request.url, access_token, now) {
                sent.headers.append("DPoP", proof);
            }
            let response = self.send(&sent);
            if let Some(nonce) = response.headers.get("DPoP-Nonce") {
                self.dpop.nonce = Some(nonce.to_string());
            }
            let wants_nonce = response_error(&response).as_deref() == Some("use_dpop_nonce")
                || response
                    .headers
                    .get("WWW-Authenticate")
                    .is_some_and(|h| h.contains("use_dpop_nonce"));
            attempt += 1;
            if !(wants_nonce && attempt == 1 && self.dpop.retries(step) && self.dpop.at(step)) {
                return response;
            }
        }
    }

    fn secret_of(&self, client_id: &str) -> String {
        if client_id == "client-2" { OTHER_SECRET } else { SECRET }.to_string()
    }

    /// The baseline authorization parameters plus the scenario's `params` mutation.
    fn params(&self, scenario: &Value, client_id: &str) -> Map<String, Value> {
        let mut p = Map::new();
        for (k, v) in [
            ("response_type", "code"),
            ("client_id", client_id),
            ("redirect_uri", REDIRECT),
            ("scope", "openid profile"),
            ("state", "st-1"),
            ("nonce", "n-1"),
            ("code_challenge", &crypto::pkce_s256(VERIFIER)),
            ("code_challenge_method", "S256"),
        ] {
            p.insert(k.into(), Value::from(v));
        }
        mutate(&mut p, obj(scenario, "params"));
        p
    }

    fn request_object(&mut self, scenario: &Value, params: &Map<String, Value>, client_id: &str) -> String {
        self.jti += 1;
        let now = self.clock.now();
        let mut claims = params.clone();
        claims.insert("iss".into(), Value::from(client_id));
        claims.insert("aud".into(), Value::from(ISSUER));
        claims.insert("iat".into(), Value::from(now));
        claims.insert("nbf".into(), Value::from(now));
        claims.insert("exp".into(), Value::from(now + 240));
        claims.insert("jti".into(), Value::from(format!("jti-{}", self.jti)));
        let mut header = Map::new();
        header.insert("alg".into(), Value::from("HS256"));
        header.insert("typ".into(), Value::from("oauth-authz-req+jwt"));
        let spec = obj(scenario, "request_object");
        // A fixed jti keeps a replayed request object identical.
        if spec.and_then(|s| s.get("same_jti")).is_some() {
            claims.insert("jti".into(), Value::from("jti-fixed"));
        }
        let jws = build_jwt(header, claims, spec, &self.secret_of(client_id));
        match spec.and_then(|s| s.get("encrypt")).and_then(Value::as_object) {
            Some(encrypt) => encrypt_request_object(&jws, encrypt, &self.server.published_jwks()),
            None => jws,
        }
    }

    fn client_assertion(&mut self, scenario: &Value, client_id: &str, alg: &str, aud: &str) -> String {
        self.jti += 1;
        let now = self.clock.now();
        let mut claims = Map::new();
        claims.insert("iss".into(), Value::from(client_id));
        claims.insert("sub".into(), Value::from(client_id));
        claims.insert("aud".into(), Value::from(aud));
        claims.insert("iat".into(), Value::from(now));
        claims.insert("exp".into(), Value::from(now + 60));
        claims.insert("jti".into(), Value::from(format!("assertion-{}", self.jti)));
        let spec = obj(scenario, "assertion");
        if spec.and_then(|s| s.get("same_jti")).is_some() {
            claims.insert("jti".into(), Value::from("assertion-fixed"));
        }
        let mut header = Map::new();
        header.insert("alg".into(), Value::from(alg));
        build_jwt(header, claims, spec, &self.secret_of(client_id))
    }

    /// Adds client authentication to a back-channel form, per `auth` (or the registered method).
    fn authenticate(
        &mut self,
        scenario: &Value,
        form: &mut Vec<(String, String)>,
        headers: &mut Vec<(String, String)>,
        client_id: &str,
        endpoint: &str,
    ) {
        let registered = self
            .server
            .client(client_id)
            .map(|c| c.token_endpoint_auth_method.clone())
            .unwrap_or_default();
        let auth = scenario
            .get("auth")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or(match registered.as_str() {
                "client_secret_post" => "post".into(),
                "none" => "none".into(),
                "client_secret_jwt" => "jwt".into(),
                "private_key_jwt" => "private_key_jwt".into(),
                _ => "basic".into(),
            });
        let secret = scenario
            .get("secret")
            .and_then(Value::as_str)
            .map_or(self.secret_of(client_id), str::to_string);
        let basic = || {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD.encode(format!("{client_id}:{secret}"))
        };
        // RFC 6749 §2.3.1 / §3.2.1: without Basic, the client_id travels in the form.
        if auth != "basic" && !form.iter().any(|(k, _)| k == "client_id") {
            form.push(("client_id".into(), client_id.into()));
        }
        match auth.as_str() {
            "basic" => headers.push(("Authorization".into(), format!("Basic {}", basic()))),
            "post" => form.push(("client_secret".into(), secret.clone())),
            "both" => {
                headers.push(("Authorization".into(), format!("Basic {}", basic())));
                form.push(("client_secret".into(), secret.clone()));
            }
            "jwt" | "private_key_jwt" => {
                let default_alg = if auth == "jwt" { "HS256" } else { "RS256" };
                let alg = scenario
                    .get("assertion_alg")
                    .and_then(Value::as_str)
                    .unwrap_or(default_alg)
                    .to_string();
                let alg = alg.as_str();
                let aud = scenario
                    .get("assertion_aud")
                    .and_then(Value::as_str)
                    .map_or(ISSUER.to_string(), |a| {
                        if a == "endpoint" {
                            format!("{ISSUER}{endpoint}")
                        } else {
                            a.to_string()
                        }
                    });
                let assertion = self.client_assertion(scenario, client_id, alg, &aud);
                let kind = scenario
                    .get("assertion_type")
                    .and_then(Value::as_str)
                    .unwrap_or("urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
                form.push(("client_assertion".into(), assertion));
                form.push(("client_assertion_type".into(), kind.into()));
            }
            _ => {}
        }
    }

    fn par(&mut self, scenario: &Value, with_jar: bool) -> Response {
        let client_id = "client-1";
        let params = self.params(scenario, client_id);
        let mut form: Vec<(String, String)> = if with_jar {
            let request = self.request_object(scenario, &params, client_id);
            vec![("client_id".into(), client_id.into()), ("request".into(), request)]
        } else {
            params.iter().map(|(k, v)| (k.clone(), text(v))).collect()
        };
        if let Some(extra) = obj(scenario, "par_body") {
            for (k, v) in extra {
                form.retain(|(n, _)| n != k);
                form.push((k.clone(), text(v)));
            }
        }
        append_duplicates(&mut form, obj(scenario, "par_duplicate"));
        let mut headers = Vec::new();
        self.authenticate(scenario, &mut form, &mut headers, client_id, "/par");
        let mut body = form_encode(form.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        if let Some(pad) = scenario.get("par_pad_bytes").and_then(Value::as_u64) {
            body.push_str("&padding=");
            body.push_str(&"x".repeat(pad as usize));
        }
        let mut request = Request::form_post(format!("{ISSUER}/par"), body);
        if scenario.get("par_method").and_then(Value::as_str) == Some("GET") {
            request.method = Method::Get;
        }
        for (k, v) in headers {
            request.headers.append(k, v);
        }
        self.send_dpop(request, "par", None)
    }

    /// The front channel: a GET (or form POST) to authorize with `pairs`.
    fn authorize(&mut self, scenario: &Value, pairs: Vec<(String, String)>) -> Response {
        let mut pairs = pairs;
        if let Some(outer) = obj(scenario, "outer") {
            for (k, v) in outer {
                pairs.retain(|(n, _)| n != k);
                if !v.is_null() {
                    pairs.push((k.clone(), text(v)));
                }
            }
        }
        append_duplicates(&mut pairs, obj(scenario, "duplicate"));
        let query = form_encode(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let response = if scenario.get("authorize_method").and_then(Value::as_str) == Some("POST") {
            self.send(&Request::form_post(format!("{ISSUER}/authorize"), query))
        } else {
            self.send(&Request::get(format!("{ISSUER}/authorize?{query}")))
        };
        match scenario.get("consent").and_then(Value::as_str) {
            Some(decision) => self.decide_consent(&response, decision),
            None => response,
        }
    }

    /// Answers the consent page as the user would: `approve`, `deny`, or `bogus` (a ticket the
    /// server never issued).
    fn decide_consent(&mut self, page: &Response, decision: &str) -> Response {
        assert_eq!(page.status, 200, "expected the consent page, got {}", page.body_text());
        let html = page.body_text();
        let ticket = html
            .split("name=\"ticket\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("a ticket on the consent page")
            .to_string();
        let (ticket, decision) = match decision {
            "bogus" => ("never-issued".to_string(), "approve"),
            other => (ticket, other),
        };
        let body = form_encode([("ticket", ticket.as_str()), ("decision", decision)]);
        self.send(&Request::form_post(format!("{ISSUER}/authorize/consent"), body))
    }

    /// Runs the front channel per `flow` and returns the authorize (or failing PAR) response.
    fn front_channel(&mut self, scenario: &Value, flow: &str) -> Response {
        match flow {
            "plain" => {
                let params = self.params(scenario, "client-1");
                self.authorize(scenario, params.iter().map(|(k, v)| (k.clone(), text(v))).collect())
            }
            "jar" => {
                let params = self.params(scenario, "client-1");
                let request = self.request_object(scenario, &params, "client-1");
                self.authorize(
                    scenario,
                    vec![("client_id".into(), "client-1".into()), ("request".into(), request)],
                )
            }
            "par" | "par_jar" => {
                let pushed = self.par(scenario, flow == "par_jar");
                if pushed.status != 201 {
                    return pushed;
                }
                let body: Value = serde_json::from_slice(&pushed.body).unwrap();
                let mut request_uri = body["request_uri"].as_str().unwrap().to_string();
                let ru = scenario.get("request_uri").and_then(Value::as_str).unwrap_or("");
                if ru == "unknown" {
                    request_uri = "urn:ietf:params:oauth:request_uri:never-issued".into();
                }
                if let Some(seconds) = scenario.get("advance_before_authorize").and_then(Value::as_i64) {
                    self.clock.advance(seconds);
                }
                let client_id = if ru == "other_client" { "client-2" } else { "client-1" };
                let pairs = vec![
                    ("client_id".to_string(), client_id.to_string()),
                    ("request_uri".into(), request_uri),
                ];
                if ru == "reuse" {
                    self.authorize(scenario, pairs.clone());
                }
                self.authorize(scenario, pairs)
            }
            other => panic!("unknown flow {other}"),
        }
    }

    fn run(&mut self, scenario: &Value) -> (Response, usize) {
        let flow = scenario.get("flow").and_then(Value::as_str).unwrap_or("plain");
        let via = scenario.get("via").and_then(Value::as_str).unwrap_or("plain");
        // `replay`: the same scenario runs twice; the second attempt is judged.
        if scenario.get("replay").and_then(Value::as_bool) == Some(true) {
            self.run_flow(scenario, flow, via);
        }
        let before_seq = self.server.events().last().map_or(0, |e| e.seq);
        let response = self.run_flow(scenario, flow, via);
        (response, before_seq as usize)
    }

    fn run_flow(&mut self, scenario: &Value, flow: &str, via: &str) -> Response {
        match flow {
            "discovery" => self.send(&Request::get(format!("{ISSUER}/.well-known/openid-configuration"))),
            "jwks" => self.send(&Request::get(format!("{ISSUER}/jwks"))),
            "register" => self.register(scenario),
            "register_api" => self.register_api(scenario),
            "device" => self.device_authorization(scenario),
            "device_token" => self.device_token(scenario),
            "token" | "refresh" | "userinfo" => {
                let front = self.front_channel(scenario, via);
                let code = callback_params(&front)
                    .get("code")
                    .cloned()
                    .unwrap_or_else(|| panic!("no code: {front:?}"));
                if let Some(seconds) = scenario.get("advance_before_token").and_then(Value::as_i64) {
                    self.clock.advance(seconds);
                }
                let mut form: Vec<(String, String)> = vec![
                    ("grant_type".into(), "authorization_code".into()),
                    ("code".into(), code),
                    ("redirect_uri".into(), REDIRECT.into()),
                    ("code_verifier".into(), VERIFIER.into()),
                ];
                let token_spec = if flow == "token" { obj(scenario, "token") } else { None };
                apply_pairs(&mut form, token_spec);
                append_duplicates(&mut form, obj(scenario, "token_duplicate"));
                let client_id = scenario
                    .get("token_client")
                    .and_then(Value::as_str)
                    .unwrap_or("client-1")
                    .to_string();
                if client_id != "client-1" {
                    form.push(("client_id".into(), "client-2".into()));
                }
                let repeat = scenario.get("token_repeat").and_then(Value::as_bool) == Some(true);
                let mut response = self.token_request(scenario, &mut form.clone(), &client_id);
                if repeat {
                    response = self.token_request(scenario, &mut form.clone(), &client_id);
                }
                if flow == "token" {
                    return response;
                }
                let tokens: Value = serde_json::from_slice(&response.body).unwrap();
                if flow == "refresh" {
                    let mut form = vec![
                        ("grant_type".to_string(), "refresh_token".to_string()),
                        (
                            "refresh_token".into(),
                            tokens["refresh_token"].as_str().unwrap().to_string(),
                        ),
                    ];
                    apply_pairs(&mut form, obj(scenario, "refresh"));
                    if scenario.get("refresh_client").and_then(Value::as_str) == Some("client-2") {
                        return self.token_request(scenario, &mut form, "client-2");
                    }
                    return self.token_request(scenario, &mut form, "client-1");
                }
                if let Some(seconds) = scenario.get("advance_before_userinfo").and_then(Value::as_i64) {
                    self.clock.advance(seconds);
                }
                let mut request = Request::get(format!("{ISSUER}/userinfo"));
                let token = match scenario.get("bearer").and_then(Value::as_str) {
                    Some("none") => None,
                    Some(other) => Some(other.to_string()),
                    None => tokens["access_token"].as_str().map(str::to_string),
                };
                // RFC 9449 §7.1: with DPoP at userinfo, the DPoP scheme unless `dpop.scheme`
                // names another (the Bearer downgrade).
                let scheme = obj(scenario, "dpop")
                    .and_then(|d| d.get("scheme"))
                    .and_then(Value::as_str)
                    .map_or(if self.dpop.at("userinfo") { "DPoP" } else { "Bearer" }, |s| s);
                if let Some(token) = &token {
                    request.headers.append("Authorization", format!("{scheme} {token}"));
                }
                self.send_dpop(request, "userinfo", token.as_deref())
            }
            "client_credentials" | "introspect" | "revoke" => self.token_service_flow(scenario, flow),
            _ => self.front_channel(scenario, flow),
        }
    }

    /// The client credentials grant (RFC 6749 §4.4), introspection (RFC 7662) and revocation
    /// (RFC 7009). Tokens come from `tokens_via` (`code`: the plain front channel and a code
    /// exchange, the default; `client_credentials`); `revoke_first` revokes one of them
    /// (`access_token`/`refresh_token`) before the judged call; `subject` names the token the
    /// judged call carries (`access_token`, `refresh_token`, `id_token`, or a literal), `by`
    /// the client that sends it; `then` (`introspect`, `userinfo`, `refresh`) judges a call
    /// made after a revocation instead.
    fn token_service_flow(&mut self, scenario: &Value, flow: &str) -> Response {
        let client_id = scenario
            .get("by")
            .and_then(Value::as_str)
            .unwrap_or("client-1")
            .to_string();
        if flow == "client_credentials" {
            let mut form = vec![("grant_type".to_string(), "client_credentials".to_string())];
            apply_pairs(&mut form, obj(scenario, "token"));
            append_duplicates(&mut form, obj(scenario, "token_duplicate"));
            return self.token_request(scenario, &mut form, &client_id);
        }
        let tokens: Value = if scenario.get("tokens_via").and_then(Value::as_str) == Some("client_credentials") {
            let mut form = vec![("grant_type".to_string(), "client_credentials".to_string())];
            apply_pairs(&mut form, obj(scenario, "token"));
            let response = self.token_request(&json!({}), &mut form, "client-1");
            serde_json::from_slice(&response.body).unwrap()
        } else {
            let params = self.params(scenario, "client-1");
            let front = self.authorize(scenario, params.iter().map(|(k, v)| (k.clone(), text(v))).collect());
            let code = callback_params(&front)
                .get("code")
                .cloned()
                .unwrap_or_else(|| panic!("no code: {front:?}"));
            let mut form: Vec<(String, String)> = vec![
                ("grant_type".into(), "authorization_code".into()),
                ("code".into(), code),
                ("redirect_uri".into(), REDIRECT.into()),
                ("code_verifier".into(), VERIFIER.into()),
            ];
            apply_pairs(&mut form, obj(scenario, "token"));
            let response = self.token_request(&json!({}), &mut form, "client-1");
            assert_eq!(response.status, 200, "token request: {}", response.body_text());
            serde_json::from_slice(&response.body).unwrap()
        };
        let token_of = |name: &str| tokens[name].as_str().map_or(name.to_string(), str::to_string);
        if let Some(kind) = scenario.get("revoke_first").and_then(Value::as_str) {
            let response = self.token_call(
                &json!({}),
                "/revoke",
                vec![("token".into(), token_of(kind))],
                "client-1",
            );
            assert_eq!(response.status, 200, "revoke_first: {}", response.body_text());
        }
        if let Some(seconds) = scenario.get("advance_before_call").and_then(Value::as_i64) {
            self.clock.advance(seconds);
        }
        let subject = token_of(
            scenario
                .get("subject")
                .and_then(Value::as_str)
                .unwrap_or("access_token"),
        );
        let endpoint = if flow == "introspect" { "/introspect" } else { "/revoke" };
        let mut form = vec![("token".to_string(), subject)];
        apply_pairs(&mut form, obj(scenario, "call"));
        append_duplicates(&mut form, obj(scenario, "call_duplicate"));
        let response = self.token_call(scenario, endpoint, form, &client_id);
        match scenario.get("then").and_then(Value::as_str) {
            None => response,
            Some("introspect") => {
                let form = vec![("token".to_string(), token_of("access_token"))];
                self.token_call(&json!({}), "/introspect", form, "client-1")
            }
            Some("userinfo") => {
                let mut request = Request::get(format!("{ISSUER}/userinfo"));
                request
                    .headers
                    .append("Authorization", format!("Bearer {}", token_of("access_token")));
                self.send(&request)
            }
            Some("refresh") => {
                let mut form = vec![
                    ("grant_type".to_string(), "refresh_token".to_string()),
                    ("refresh_token".into(), token_of("refresh_token")),
                ];
                self.token_request(&json!({}), &mut form, "client-1")
            }
            Some(other) => panic!("unknown then {other}"),
        }
    }

    /// An authenticated form POST to `endpoint` (introspection, revocation).
    fn token_call(
        &mut self,
        scenario: &Value,
        endpoint: &str,
        mut form: Vec<(String, String)>,
        client_id: &str,
    ) -> Response {
        let mut headers = Vec::new();
        self.authenticate(scenario, &mut form, &mut headers, client_id, endpoint);
        let body = form_encode(form.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let mut request = Request::form_post(format!("{ISSUER}{endpoint}"), body);
        if scenario.get("call_method").and_then(Value::as_str) == Some("GET") {
            request.method = Method::Get;
        }
        for (k, v) in headers {
            request.headers.append(k, v);
        }
        self.send(&request)
    }

    /// The registration body: `registration` as JSON, or its text when it is a string (for
    /// bodies a serializer would not write).
    fn registration_body(scenario: &Value) -> String {
        match scenario.get("registration") {
            Some(Value::String(raw)) => raw.clone(),
            Some(other) => other.to_string(),
            None => "{}".into(),
        }
    }

    /// `POST /register` (RFC 7591 §3.1) with the scenario's body, and `registration_bearer`
    /// as the initial access token.
    fn register(&mut self, scenario: &Value) -> Response {
        let mut headers = oauth_playground::http::Headers::new();
        headers.append("Content-Type", "application/json");
        if let Some(token) = scenario.get("registration_bearer").and_then(Value::as_str) {
            headers.append("Authorization", format!("Bearer {token}"));
        }
        let method = match scenario.get("registration_method").and_then(Value::as_str) {
            Some("GET") => Method::Get,
            _ => Method::Post,
        };
        self.send(&Request {
            method,
            url: format!("{ISSUER}/register"),
            headers,
            body: Self::registration_body(scenario).into_bytes(),
        })
    }

    /// `registerClient` of the page's JS API, its answer written as the endpoint's would be:
    /// 201 with the metadata, or 400 with the error code the refusal starts with.
    fn register_api(&mut self, scenario: &Value) -> Response {
        let (status, body) = match self.server.register_client_json(&Self::registration_body(scenario)) {
            Ok(answer) => (201, answer),
            Err(refusal) => {
                let text = refusal.to_string();
                let (error, description) = text.split_once(": ").unwrap_or((text.as_str(), ""));
                // A JS error message, not an OAuth error_description: it may quote "§".
                (400, json!({ "error": error, "message": description }))
            }
        };
        let mut response = Response::new(status);
        response.body = body.to_string().into_bytes();
        response
    }

    /// RFC 8628 §3.1 as client-1: `scope=openid profile` plus the `device` mutation
    /// (`set`/`remove`) and `device_duplicate` (parameters sent twice).
    fn device_authorization(&mut self, scenario: &Value) -> Response {
        let mut form = vec![("scope".to_string(), "openid profile".to_string())];
        apply_pairs(&mut form, obj(scenario, "device"));
        append_duplicates(&mut form, obj(scenario, "device_duplicate"));
        let mut headers = Vec::new();
        self.authenticate(scenario, &mut form, &mut headers, "client-1", "/device_authorization");
        let body = form_encode(form.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let mut request = Request::form_post(format!("{ISSUER}/device_authorization"), body);
        for (k, v) in headers {
            request.headers.append(k, v);
        }
        self.send(&request)
    }

    /// A device authorization, then `device_steps` in order (default: wait 5 s, poll); the last
    /// step's response is judged. Steps: `approve` / `deny` (the verification page, code
    /// typed in lower case), `page` (GET `verification_uri_complete`), `poll` (the device
    /// access token request as `token_client`, mutated by `token`), `{ "advance": s }`,
    /// `{ "verify_code": "…" }` (approve with that code instead).
    fn device_token(&mut self, scenario: &Value) -> Response {
        let started = self.device_authorization(scenario);
        assert_eq!(started.status, 200, "device authorization: {}", started.body_text());
        let body: Value = serde_json::from_slice(&started.body).unwrap();
        let device_code = body["device_code"].as_str().unwrap().to_string();
        let user_code = body["user_code"].as_str().unwrap().to_string();
        let complete = body["verification_uri_complete"].as_str().unwrap().to_string();
        let default_steps = json!([{ "advance": 5 }, "poll"]);
        let steps = scenario.get("device_steps").unwrap_or(&default_steps);
        let mut last = started;
        for step in steps.as_array().unwrap() {
            let decide = |code: &str, decision: &str| {
                Request::form_post(
                    format!("{ISSUER}/device"),
                    form_encode([("user_code", code), ("decision", decision)]),
                )
            };
            last = match (step.as_str(), step.as_object()) {
                (Some("approve"), _) => self.send(&decide(&user_code.to_lowercase(), "approve")),
                (Some("deny"), _) => self.send(&decide(&user_code, "deny")),
                (Some("page"), _) => self.send(&Request::get(complete.clone())),
                (Some("poll"), _) => {
                    let mut form = vec![
                        (
                            "grant_type".to_string(),
                            "urn:ietf:params:oauth:grant-type:device_code".to_string(),
                        ),
                        ("device_code".into(), device_code.clone()),
                    ];
                    apply_pairs(&mut form, obj(scenario, "token"));
                    let client_id = scenario
                        .get("token_client")
                        .and_then(Value::as_str)
                        .unwrap_or("client-1")
                        .to_string();
                    self.token_request(scenario, &mut form, &client_id)
                }
                (_, Some(map)) if map.contains_key("advance") => {
                    self.clock.advance(map["advance"].as_i64().unwrap());
                    continue;
                }
                (_, Some(map)) if map.contains_key("verify_code") => {
                    self.send(&decide(map["verify_code"].as_str().unwrap(), "approve"))
                }
                _ => panic!("unknown device step {step}"),
            };
        }
        last
    }

    fn token_request(&mut self, scenario: &Value, form: &mut Vec<(String, String)>, client_id: &str) -> Response {
        let mut headers = Vec::new();
        self.authenticate(scenario, form, &mut headers, client_id, "/token");
        let body = form_encode(form.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let mut request = Request::form_post(format!("{ISSUER}/token"), body);
        for (k, v) in headers {
            request.headers.append(k, v);
        }
        let step = if form.iter().any(|(k, v)| k == "grant_type" && v == "refresh_token") {
            "refresh"
        } else {
            "token"
        };
        self.send_dpop(request, step, None)
    }
}

/// Polls a future that never waits (the RustCrypto backend) to its end.
fn block_on<F: std::future::Future>(future: F) -> F::Output {
    use std::task::{Context, Poll, Waker};
    let mut future = std::pin::pin!(future);
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("nothing here waits"),
    }
}

/// Appends pairs without replacing, so a parameter is sent twice.
fn append_duplicates(pairs: &mut Vec<(String, String)>, extra: Option<&Map<String, Value>>) {
    for (k, v) in extra.into_iter().flatten() {
        pairs.push((k.clone(), text(v)));
    }
}

fn apply_pairs(form: &mut Vec<(String, String)>, spec: Option<&Map<String, Value>>) {
    let Some(spec) = spec else { return };
    if let Some(set) = spec.get("set").and_then(Value::as_object) {
        for (k, v) in set {
            form.retain(|(n, _)| n != k);
            form.push((k.clone(), text(v)));
        }
    }
    if let Some(remove) = spec.get("remove").and_then(Value::as_array) {
        for k in remove {
            form.retain(|(n, _)| Some(n.as_str()) != k.as_str());
        }
    }
}

/// The parameters a client would read from an authorization response: the Location's query
/// or fragment, or a form_post page's inputs; a JARM `response` is decoded (and verified by
/// the caller).
fn callback_params(response: &Response) -> BTreeMap<String, String> {
    let mut out = raw_callback_params(response);
    if let Some(jwt) = out.get("response").cloned() {
        let jwt = open_jwe(&jwt).unwrap();
        let decoded = crypto::decode_unverified(&jwt).unwrap();
        for (k, v) in decoded.claims {
            out.insert(k, text(&v));
        }
    }
    out
}

/// The parameters of an authorization response as sent: a JARM `response` still encoded.
fn raw_callback_params(response: &Response) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Some(location) = response.headers.get("Location") {
        let parts = UrlParts::split(location).unwrap();
        for (k, v) in parts.query_pairs().into_iter().chain(parts.fragment_pairs()) {
            out.insert(k, v);
        }
    } else if response.status == 200 && response.body_text().contains("<form") {
        let page = response.body_text();
        for input in page.split("<input ").skip(1) {
            let attr = |name: &str| {
                let start = input.find(&format!("{name}=\""))? + name.len() + 2;
                let end = input[start..].find('"')? + start;
                Some(input[start..end].replace("&quot;", "\"").replace("&amp;", "&"))
            };
            if let (Some(n), Some(v)) = (attr("name"), attr("value")) {
                out.insert(n, v);
            }
        }
    }
    out
}

/// The error a response carries, wherever it carries it.
fn response_error(response: &Response) -> Option<String> {
    let params = callback_params(response);
    if let Some(e) = params.get("error") {
        return Some(e.clone());
    }
    if let Ok(body) = serde_json::from_slice::<Value>(&response.body) {
        if let Some(e) = body.get("error").or(body.get("code")).and_then(Value::as_str) {
            return Some(e.to_string());
        }
    }
    let page = response.body_text();
    let at = page.find("data-error=\"")? + "data-error=\"".len();
    Some(page[at..].split('"').next()?.to_string())
}

fn run_scenario(family: &str, scenario: &Value) -> Result<Option<String>, String> {
    let name = scenario.get("name").and_then(Value::as_str).unwrap_or("(unnamed)");
    let mut run = Run::new(scenario);
    let (response, before_seq) = run.run(scenario);
    let expect = obj(scenario, "expect").ok_or_else(|| format!("{family}/{name}: no expect"))?;
    let failures: Vec<&str> = run
        .server
        .events()
        .filter(|e| e.seq as usize > before_seq && e.outcome == "failure")
        .filter_map(|e| e.check)
        .collect();
    let context = || {
        format!(
            "{family}/{name}: status {} body {} headers {:?} events {failures:?}",
            response.status,
            response.body_text(),
            response.headers
        )
    };
    if let Some(status) = expect.get("status").and_then(Value::as_u64) {
        if u64::from(response.status) != status {
            return Err(format!("expected status {status}; {}", context()));
        }
    }
    let check = expect.get("check").and_then(Value::as_str);
    match check {
        Some(code) => {
            assert!(
                checks().iter().any(|c| c.code == code),
                "{family}/{name}: unknown check code {code}"
            );
            if failures.last() != Some(&code) {
                return Err(format!("expected check {code}; {}", context()));
            }
        }
        None if !failures.is_empty() => return Err(format!("expected success; {}", context())),
        None => {}
    }
    if let Some(error) = expect.get("error").and_then(Value::as_str) {
        if response_error(&response).as_deref() != Some(error) {
            return Err(format!("expected error {error}; {}", context()));
        }
    }
    let params = callback_params(&response);
    let body: Value = serde_json::from_slice(&response.body).unwrap_or(Value::Null);
    for p in expect.get("params").and_then(Value::as_array).into_iter().flatten() {
        let p = p.as_str().unwrap();
        if !params.contains_key(p) && body.get(p).is_none() {
            return Err(format!("expected parameter {p}; {}", context()));
        }
    }
    // RFC 6749 §4.1.2.1 / §5.2: error_description is limited to %x20-21 / %x23-5B / %x5D-7E.
    let description = params.get("error_description").cloned().or(body
        .get("error_description")
        .and_then(Value::as_str)
        .map(str::to_string));
    if let Some(text) = description {
        if !text.chars().all(|c| matches!(c, ' ' | '!' | '#'..='[' | ']'..='~')) {
            return Err(format!(
                "{family}/{name}: error_description outside the RFC 6749 charset: {text}"
            ));
        }
    }
    // Open redirects: where the user agent is sent, and what a page must never echo raw.
    if let Some(prefix) = expect.get("location_starts_with").and_then(Value::as_str) {
        let location = response.headers.get("Location").unwrap_or("(none)");
        if !location.starts_with(prefix) {
            return Err(format!("expected a Location starting {prefix}; {}", context()));
        }
    }
    // `headers`: response headers that must be present and contain the given text.
    for (name, needle) in expect.get("headers").and_then(Value::as_object).into_iter().flatten() {
        let needle = needle.as_str().unwrap();
        if !response.headers.get(name).is_some_and(|v| v.contains(needle)) {
            return Err(format!("expected a {name} header containing {needle:?}; {}", context()));
        }
    }
    for needle in expect
        .get("body_excludes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let needle = needle.as_str().unwrap();
        let location = response.headers.get("Location").unwrap_or("");
        if response.body_text().contains(needle) || location.contains(needle) {
            return Err(format!("the response echoes {needle:?}; {}", context()));
        }
    }
    // `jwks_key_count`: how many keys the JWKS response lists.
    if let Some(count) = expect.get("jwks_key_count").and_then(Value::as_u64) {
        let listed = body.get("keys").and_then(Value::as_array).map_or(0, Vec::len);
        if listed as u64 != count {
            return Err(format!(
                "expected {count} published keys, found {listed}; {}",
                context()
            ));
        }
    }
    if let Some(mode) = expect.get("delivery").and_then(Value::as_str) {
        let location = response.headers.get("Location").unwrap_or("");
        let ok = match mode {
            "query" => location.contains('?') && !location.contains('#'),
            "fragment" => location.contains('#'),
            "form_post" => response.status == 200 && response.body_text().contains("<form"),
            "page" => response.status >= 400 && response.body_text().contains("data-error"),
            other => return Err(format!("{family}/{name}: unknown delivery {other}")),
        };
        if !ok {
            return Err(format!("expected delivery {mode}; {}", context()));
        }
    }
    // `json`: members the JSON body must carry with exactly these values (an introspection
    // answer's `active`, `aud`, `scope`, …).
    for (member, value) in obj(&Value::Object(expect.clone()), "json").into_iter().flatten() {
        // `null` means the member must be absent.
        if body.get(member).unwrap_or(&Value::Null) != value {
            return Err(format!("expected {member} = {value}; {}", context()));
        }
    }
    // `access_token_claims`: the access token must be an RFC 9068 JWT (typ at+jwt, signed by
    // the server's published keys) carrying these claims; `null` means the claim is absent.
    if let Some(wanted) = obj(&Value::Object(expect.clone()), "access_token_claims") {
        let jwt = body["access_token"].as_str().unwrap_or_default();
        let verified = verify_server_jwt(jwt, &run.server.published_jwks())
            .map_err(|e| format!("{family}/{name}: access token: {e}"))?;
        if verified.header["typ"] != "at+jwt" {
            return Err(format!("{family}/{name}: access token typ {}", verified.header["typ"]));
        }
        let claims: Value = serde_json::from_slice(&verified.payload).unwrap();
        for required in ["iss", "exp", "aud", "sub", "client_id", "iat", "jti"] {
            if claims.get(required).is_none() {
                return Err(format!(
                    "{family}/{name}: RFC 9068 §2.2 claim {required} missing: {claims}"
                ));
            }
        }
        for (claim, value) in wanted {
            let actual = claims.get(claim).unwrap_or(&Value::Null);
            if actual != value {
                return Err(format!(
                    "{family}/{name}: access token {claim} = {actual}, expected {value}"
                ));
            }
        }
    }
    // `jwe`: `{ "response" | "id_token" | "userinfo": { header members } }` — that output must
    // be a JWE whose protected header has these members (`null`: absent).
    let raw_params = raw_callback_params(&response);
    for (output, wanted) in obj(&Value::Object(expect.clone()), "jwe").into_iter().flatten() {
        let text = match output.as_str() {
            "response" => raw_params.get("response").cloned(),
            "id_token" => raw_params
                .get("id_token")
                .cloned()
                .or(body.get("id_token").and_then(Value::as_str).map(str::to_string)),
            _ => Some(response.body_text()),
        }
        .ok_or_else(|| format!("{family}/{name}: no {output} to check; {}", context()))?;
        check_jwe_header(output, &text, wanted.as_object().unwrap()).map_err(|e| format!("{family}/{name}: {e}"))?;
    }
    // `event`: an event of this name (with `jwe_alg`) recorded by the judged request.
    if let Some(wanted) = expect.get("event").and_then(Value::as_str) {
        let found = run
            .server
            .events()
            .filter(|e| e.seq as usize > before_seq)
            .any(|e| e.name == wanted && e.details.contains_key("jwe_alg"));
        if !found {
            return Err(format!(
                "{family}/{name}: no {wanted} event with jwe_alg; {}",
                context()
            ));
        }
    }
    // An application/jwt userinfo answer (signed, encrypted, or both) must open and verify.
    if response.headers.get("Content-Type") == Some("application/jwt") {
        let inner = open_jwe(&response.body_text()).map_err(|e| format!("{family}/{name}: userinfo: {e}"))?;
        let claims: Value = if inner.split('.').count() == 3 {
            let verified = verify_server_jwt(&inner, &run.server.published_jwks())
                .map_err(|e| format!("{family}/{name}: userinfo does not verify: {e}"))?;
            serde_json::from_slice(&verified.payload).unwrap()
        } else {
            serde_json::from_str(&inner).map_err(|e| format!("{family}/{name}: userinfo: {e}"))?
        };
        if claims["sub"].is_null() || claims["aud"] != "client-1" {
            return Err(format!("{family}/{name}: userinfo claims: {claims}"));
        }
    }
    // A JARM response must verify (with the client secret for HS*, the server's JWKS otherwise)
    // and carry iss/aud/exp/iat.
    if let Some(jwt) = raw_params.get("response") {
        let jwt = &open_jwe(jwt).map_err(|e| format!("{family}/{name}: JARM does not decrypt: {e}"))?;
        let verified = verify_server_jwt(jwt, &run.server.published_jwks())
            .map_err(|e| format!("{family}/{name}: JARM does not verify: {e}"))?;
        let claims: Value = serde_json::from_slice(&verified.payload).unwrap();
        for c in ["iss", "aud", "exp", "iat"] {
            if claims.get(c).is_none() {
                return Err(format!("{family}/{name}: JARM lacks {c}"));
            }
        }
        if claims["iss"] != ISSUER || claims["aud"] != "client-1" {
            return Err(format!("{family}/{name}: JARM iss/aud wrong: {claims}"));
        }
    }
    let id_token = params
        .get("id_token")
        .cloned()
        .or(body.get("id_token").and_then(Value::as_str).map(str::to_string));
    if let Some(jwt) = &id_token {
        let jwt = &open_jwe(jwt).map_err(|e| format!("{family}/{name}: ID token does not decrypt: {e}"))?;
        verify_server_jwt(jwt, &run.server.published_jwks())
            .map_err(|e| format!("{family}/{name}: ID token does not verify: {e}"))?;
        let decoded = crypto::decode_unverified(jwt).unwrap();
        // `id_token_kid_rotated`: the ID token names a key that is not one of the built-in
        // ones (true) or is (false).
        if let Some(rotated) = expect.get("id_token_kid_rotated").and_then(Value::as_bool) {
            let builtin = crypto::server_jwks().to_string();
            let kid = decoded.kid().unwrap_or_default();
            if builtin.contains(&format!("\"{kid}\"")) == rotated {
                return Err(format!(
                    "{family}/{name}: ID token kid {kid} (rotated expected: {rotated})"
                ));
            }
        }
        for c in ["iss", "sub", "aud", "exp", "iat", "auth_time"] {
            if !decoded.claims.contains_key(c) {
                return Err(format!("{family}/{name}: ID token lacks {c}"));
            }
        }
    }
    Ok(check.map(str::to_string))
}

/// Verifies a JWT the server signed: HS* with client-1's secret, anything else with the
/// server's published JWKS.
fn verify_server_jwt(jwt: &str, published: &Value) -> Result<jws::VerifiedJws, oauth_playground::jose::JoseError> {
    let secret = Jwk::new(KeyMaterial::Oct {
        k: SecretBytes::new(SECRET.as_bytes().to_vec()),
    });
    match jws::verify_compact(jwt, &secret, &[Algorithm::HS256, Algorithm::HS384, Algorithm::HS512]) {
        Ok(verified) => Ok(verified),
        Err(_) => {
            let server = Jwks::from_json(&published.to_string())?;
            let asymmetric: Vec<Algorithm> = Algorithm::ALL.into_iter().filter(|a| a.kty() != "oct").collect();
            jws::verify_compact_with_jwks(jwt, &server, &asymmetric).map(|(verified, _)| verified)
        }
    }
}

/// Checks kept as a safety net that registration now makes unreachable (RFC 7591 §3.2.2:
/// metadata the server cannot honour is refused there), each with the registration checks
/// that refuse its causes; those must be proven instead.
const GUARDED_AT_REGISTRATION: [(&str, &[&str]); 2] = [
    (
        // An alg with no server key (ES512), or HS* without a client secret.
        "server.signing_unavailable",
        &["registration.alg_unsupported", "registration.secret_required"],
    ),
    (
        // An encryption alg or enc the JOSE layer lacks, no client key that fits, or a
        // symmetric alg without a client secret.
        "server.encryption_unavailable",
        &[
            "registration.encryption_alg_unsupported",
            "registration.encryption_key_required",
            "registration.encryption_secret_required",
        ],
    ),
];

#[test]
fn every_scenario_file_passes_and_every_check_is_proven() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut proofs: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut errors = Vec::new();
    let mut counts = Vec::new();
    for file in &files {
        let family = file.file_stem().unwrap().to_string_lossy().to_string();
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let defaults = doc.get("defaults").cloned().unwrap_or(json!({}));
        let list = doc["scenarios"]
            .as_array()
            .unwrap_or_else(|| panic!("{family}: no scenarios array"));
        let (mut positive, mut negative) = (0, 0);
        for scenario in list {
            let mut merged = defaults.clone();
            for (k, v) in scenario.as_object().unwrap() {
                merged[k] = v.clone();
            }
            let name = merged["name"].as_str().unwrap_or("(unnamed)").to_string();
            match run_scenario(&family, &merged) {
                Ok(Some(code)) => {
                    negative += 1;
                    proofs.entry(code).or_default().insert(format!("{family}: {name}"));
                }
                Ok(None) => positive += 1,
                Err(e) => errors.push(e),
            }
        }
        counts.push(format!(
            "{family}: {} scenarios ({positive} positive, {negative} negative)",
            list.len()
        ));
    }
    println!("scenario counts per family:\n  {}", counts.join("\n  "));
    assert!(
        errors.is_empty(),
        "{} scenario(s) failed:\n{}",
        errors.len(),
        errors.join("\n\n")
    );

    // The generated table: check code → scenarios that prove it.
    let mut table = String::from(
        "# Check codes and the scenarios that prove them\n\n\
         Generated by `cargo test --test mock_as_scenarios` from `checks()` and `tests/scenarios/*.json`; do not edit.\n\n\
         | # | check code | error | status | clause | scenarios (family: name) |\n|---|---|---|---|---|---|\n",
    );
    let mut missing = Vec::new();
    for (n, info) in checks().iter().enumerate() {
        let mut proven = proofs
            .get(info.code)
            .map(|s| s.iter().cloned().collect::<Vec<_>>().join("<br>"))
            .unwrap_or_default();
        if let Some((_, guards)) = GUARDED_AT_REGISTRATION.iter().find(|(code, _)| *code == info.code) {
            if proven.is_empty() && guards.iter().all(|g| proofs.contains_key(*g)) {
                proven = format!(
                    "unreachable once registration refuses its causes: {}",
                    guards.iter().map(|g| format!("`{g}`")).collect::<Vec<_>>().join(", ")
                );
            }
        }
        if proven.is_empty() {
            missing.push(info.code);
        }
        table.push_str(&format!(
            "| {} | `{}` | `{}` | {} | {} | {} |\n",
            n + 1,
            info.code,
            info.error,
            info.status,
            info.clause,
            if proven.is_empty() {
                "**none**".to_string()
            } else {
                proven
            }
        ));
    }
    let path = dir.join("CHECKS.md");
    if std::fs::read_to_string(&path).ok().as_deref() != Some(table.as_str()) {
        std::fs::write(&path, &table).unwrap();
    }
    assert!(missing.is_empty(), "check codes without a scenario: {missing:?}");
}

/// The sources of the attack suite, in the order the README lists them; any other clause
/// (RFC 7515, RFC 7519, RFC 8259, …) follows.
const ATTACK_SOURCES: [&str; 6] = [
    "RFC 8725",
    "RFC 9101",
    "RFC 9126",
    "RFC 6819",
    "RFC 9207",
    "OpenID conformance",
];

/// Keeps the attack table of `tests/scenarios/README.md` (between its markers) equal to
/// `attacks.json`: each attack with its source clause and the check and error it must meet.
/// `every_scenario_file_passes_and_every_check_is_proven` is what runs them.
#[test]
fn attack_suite_is_listed_by_source_in_the_readme() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("attacks.json")).unwrap()).unwrap();
    let family = |clause: &str| {
        let source = ATTACK_SOURCES.iter().find(|s| clause.starts_with(*s)).map_or_else(
            || clause.split(" §").next().unwrap_or(clause).to_string(),
            |s| s.to_string(),
        );
        let rank = ATTACK_SOURCES
            .iter()
            .position(|s| *s == source)
            .unwrap_or(ATTACK_SOURCES.len());
        (rank, source)
    };
    let mut rows = Vec::new();
    for scenario in doc["scenarios"].as_array().unwrap() {
        let name = scenario["name"].as_str().unwrap();
        let (clause, attack) = name
            .split_once(": ")
            .unwrap_or_else(|| panic!("{name}: an attack's name starts with its source clause"));
        let expect = &scenario["expect"];
        let check = expect.get("check").and_then(Value::as_str);
        let error = expect.get("error").and_then(Value::as_str);
        assert!(
            check.is_some() == error.is_some(),
            "{name}: an attack names both the check and the error it expects"
        );
        let (rank, source) = family(clause);
        rows.push((
            rank,
            source,
            clause.to_string(),
            attack.replace('|', "\\|"),
            check,
            error,
        ));
    }
    rows.sort_by_key(|row| row.0);
    let mut per_source: Vec<(String, usize, usize)> = Vec::new();
    for (_, source, _, _, check, _) in &rows {
        match per_source.iter_mut().find(|(s, _, _)| s == source) {
            Some(entry) => {
                entry.1 += usize::from(check.is_some());
                entry.2 += usize::from(check.is_none());
            }
            None => per_source.push((
                source.clone(),
                usize::from(check.is_some()),
                usize::from(check.is_none()),
            )),
        }
    }
    let attacks = rows.iter().filter(|r| r.4.is_some()).count();
    let controls = rows.len() - attacks;
    let mut table = format!(
        "{attacks} attacks and {controls} controls (accepted requests at the edge of a rule), generated from \
         `attacks.json` by `cargo test --test mock_as_scenarios`; do not edit between the markers.\n\n\
         | source | attacks | controls |\n|---|---|---|\n"
    );
    for (source, n, c) in &per_source {
        table.push_str(&format!("| {source} | {n} | {c} |\n"));
    }
    table.push_str("\n| # | attack | source clause | expected check | error |\n|---|---|---|---|---|\n");
    for (n, (_, _, clause, attack, check, error)) in rows.iter().enumerate() {
        table.push_str(&format!(
            "| {} | {attack} | {clause} | {} | {} |\n",
            n + 1,
            check.map_or("accepted (control)".to_string(), |c| format!("`{c}`")),
            error.map_or("—".to_string(), |e| format!("`{e}`")),
        ));
    }
    let readme_path = dir.join("README.md");
    let readme = std::fs::read_to_string(&readme_path).unwrap();
    let (start, end) = ("<!-- attacks:start -->\n", "<!-- attacks:end -->");
    let (before, rest) = readme
        .split_once(start)
        .expect("README.md has the attack-table start marker");
    let (_, after) = rest.split_once(end).expect("README.md has the attack-table end marker");
    let updated = format!("{before}{start}{table}{end}{after}");
    if updated != readme {
        std::fs::write(&readme_path, updated).unwrap();
    }
    println!("attacks per source: {per_source:?}");
}
