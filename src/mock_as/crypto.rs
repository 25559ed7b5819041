//! Every call the mock server makes into JOSE goes through this file.
//!
//! Clients sign with HS256/384/512 keyed with their `client_secret` (OIDC Core §10.1) or an
//! `oct` key of their JWKS, or with RS*/PS*/ES256/ES384/EdDSA keys of their registered JWKS.
//! The server signs ID tokens and JARM responses with the client secret (HS*) or with its own
//! fixed keys (`server_keys.json`): fixed so that a fixed clock replays to identical JWTs, and
//! public — they are a playground's keys, never to be trusted for anything real.

use std::fmt;
use std::sync::OnceLock;

use rand_core::CryptoRngCore;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256, Sha384, Sha512};

use super::settings::ClientMetadata;
use crate::jose::jws::{self, JwsHeader};
use crate::jose::{
    base64url, json, Algorithm, JoseError, Jwk, Jwks, KeyMaterial, KeyQuery, SecretBytes, ShortHmacKeys,
};

/// The algs this build verifies and produces (RFC 7518 §3.1 and RFC 8037; not ES512).
pub const SUPPORTED_ALGS: [&str; 12] = [
    "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA",
];

/// The server's signing keys: RSA-2048 (RS*/PS*), P-256, P-384 and Ed25519, generated once
/// from a seeded RNG and kept in the source.
fn server_keys() -> &'static Jwks {
    static KEYS: OnceLock<Jwks> = OnceLock::new();
    KEYS.get_or_init(|| {
        // A test (`server_keys_parse`) proves the file parses; an empty set would only make
        // asymmetric signing fail with a named error.
        Jwks::from_json(include_str!("server_keys.json")).unwrap_or_else(|_| Jwks::new(Vec::new()))
    })
}

/// The private members of a JWK (RFC 7518 §6.2.2, §6.3.2; RFC 8037 §2).
const PRIVATE_MEMBERS: [&str; 7] = ["d", "p", "q", "dp", "dq", "qi", "oth"];

/// The same keys without their private members, as the JWKS endpoint serves them. Parsed on
/// their own so that serving the JWKS (the page does while loading) skips the private-key
/// checks of `Jwk::from_json` — d × G on P-256, P-384 and Ed25519, the RSA key's CRT — about
/// 20 ms of the page's start in the browser (BENCHMARKS.md).
pub(super) fn server_public_keys() -> &'static Jwks {
    static KEYS: OnceLock<Jwks> = OnceLock::new();
    KEYS.get_or_init(|| {
        let mut document: Value = serde_json::from_str(include_str!("server_keys.json")).unwrap_or(Value::Null);
        if let Some(keys) = document.get_mut("keys").and_then(Value::as_array_mut) {
            for key in keys.iter_mut().filter_map(Value::as_object_mut) {
                for member in PRIVATE_MEMBERS {
                    key.remove(member);
                }
            }
        }
        Jwks::from_json(&document.to_string()).unwrap_or_else(|_| Jwks::new(Vec::new()))
    })
}

/// The built-in signing keys (private), which the server signs with until its first rotation.
pub(super) fn builtin_server_keys() -> &'static Jwks {
    server_keys()
}

/// Reads and checks the server's private keys now rather than at its first signature (the
/// page calls this once it is interactive, so the first run does not pay for it).
pub fn prepare_server_keys() {
    let _ = server_keys();
}

/// A compact JWS decoded but not verified: the header and claims to check before (and after)
/// the signature.
#[derive(Clone, Debug, PartialEq)]
pub struct DecodedJws {
    pub header: Map<String, Value>,
    pub claims: Map<String, Value>,
    pub alg: String,
}

impl DecodedJws {
    pub fn kid(&self) -> Option<&str> {
        self.header.get("kid").and_then(Value::as_str)
    }
    pub fn is_unsigned(&self) -> bool {
        self.alg == "none"
    }
}

/// Why a compact JWS could not be decoded, each its own check code where client JWTs are
/// decoded. The order: the text (three base64url parts, two JSON objects), duplicate
/// members, the header members' types, `crit`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// Not three base64url parts whose first two are JSON objects; `alg` missing or not a
    /// string; `typ`, `kid` or `cty` not strings; `alg: none` with a signature.
    Malformed(String),
    /// The header or the payload names a member twice, at any depth (RFC 7515 §4 and
    /// RFC 7519 §4 allow rejecting; keeping the last one lets two parsers read two tokens).
    DuplicateMember(String),
    /// RFC 7515 §4.1.11: `crit` is malformed or lists an extension this server does not
    /// understand.
    Critical(String),
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Malformed(why) | DecodeError::DuplicateMember(why) | DecodeError::Critical(why) => {
                f.write_str(why)
            }
        }
    }
}

/// Splits and decodes a compact JWS (RFC 7515 §7.1) without verifying it.
pub fn decode_unverified(jws: &str) -> Result<DecodedJws, DecodeError> {
    let malformed = |e: JoseError| DecodeError::Malformed(e.to_string());
    let mut parts = jws.splitn(4, '.');
    let (Some(header_b64), Some(payload_b64), Some(signature_b64), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(DecodeError::Malformed(format!(
            "expected 3 parts separated by '.', found {}",
            jws.split('.').count()
        )));
    };
    let header_bytes = base64url::decode(header_b64, "JWS protected header").map_err(malformed)?;
    let payload_bytes = base64url::decode(payload_b64, "JWS payload").map_err(malformed)?;
    // The text of both parts first, then duplicates (a header that names `alg` twice has no
    // one `alg` to read), then the members' types, then crit.
    let header = json::parse_object_bytes(&header_bytes, "JWS protected header");
    let claims = json::parse_object_bytes(&payload_bytes, "JWS payload");
    let (header, claims) = match (header, claims) {
        (Ok(header), Ok(claims)) => (header, claims),
        (header, claims) => return Err(first_failure([header.err(), claims.err()])),
    };
    let alg = jws::alg_name(&header).map_err(malformed)?.to_string();
    jws::check_member_types(&header).map_err(malformed)?;
    // RFC 7519 §6.1: an unsecured JWT has an empty signature part. A signature that is not
    // base64url is left to verification, which reports it.
    if alg == "none" && !signature_b64.is_empty() {
        return Err(DecodeError::Malformed("alg none with a non-empty signature".into()));
    }
    jws::check_crit(&header).map_err(|e| DecodeError::Critical(e.to_string()))?;
    Ok(DecodedJws { header, claims, alg })
}

/// The failure to report when the header or the payload did not parse: broken text before a
/// duplicate member, the header before the payload.
fn first_failure(errors: [Option<JoseError>; 2]) -> DecodeError {
    let is_duplicate = |e: &&JoseError| matches!(e, JoseError::DuplicateMember { .. });
    let syntax = errors.iter().flatten().find(|e| !is_duplicate(e));
    match syntax.or(errors.iter().flatten().next()) {
        Some(JoseError::DuplicateMember { what, name }) => {
            DecodeError::DuplicateMember(format!("{what} names \"{name}\" twice"))
        }
        Some(other) => DecodeError::Malformed(other.to_string()),
        None => DecodeError::Malformed("the JWS did not parse".into()),
    }
}

/// Why a client's JWS could not be verified; the caller maps it to its own check code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyProblem {
    /// The alg is not one this server knows.
    Unsupported {
        alg: String,
        capability: String,
    },
    /// The header `kid` names none of the client's keys.
    KidNotFound {
        kid: String,
        candidates: Vec<String>,
    },
    /// No key of the client fits the alg (or several do and nothing tells them apart).
    NoKey {
        alg: String,
        why: String,
    },
    SignatureInvalid {
        detail: String,
    },
}

fn unsupported(alg: &str) -> KeyProblem {
    KeyProblem::Unsupported {
        alg: alg.to_string(),
        capability: format!(
            "\"{alg}\" is not a JWS algorithm this server knows (it knows {})",
            SUPPORTED_ALGS.join(", ")
        ),
    }
}

/// The client's registered JWKS; keys it cannot use are left out (RFC 7517 §5).
fn client_jwks(client: &ClientMetadata) -> Jwks {
    client
        .jwks
        .as_ref()
        .and_then(|jwks| Jwks::from_json(&jwks.to_string()).ok())
        .unwrap_or_else(|| Jwks::new(Vec::new()))
}

/// Verifies a client-signed JWS (a request object or a client assertion) with the client's
/// key for `decoded.alg`: a JWKS key chosen by `kid`/`alg`, or for HS* without a matching
/// `oct` key, the client secret.
pub fn verify_client_jws(jws: &str, decoded: &DecodedJws, client: &ClientMetadata) -> Result<(), KeyProblem> {
    let jwks = client_jwks(client);
    // A named kid must exist among the client's registered keys, whatever the alg.
    if let Some(kid) = decoded.kid() {
        if !jwks.keys.is_empty() && !jwks.keys.iter().any(|k| k.kid.as_deref() == Some(kid)) {
            return Err(KeyProblem::KidNotFound {
                kid: kid.to_string(),
                candidates: jwks.keys.iter().filter_map(|k| k.kid.clone()).collect(),
            });
        }
    }
    // The server's own list, not every alg the JOSE layer knows: see `prepare_jwt`.
    let Some(alg) = SUPPORTED_ALGS
        .contains(&decoded.alg.as_str())
        .then(|| Algorithm::from_name(&decoded.alg).ok())
        .flatten()
    else {
        return Err(unsupported(&decoded.alg));
    };
    let query = KeyQuery {
        kid: decoded.kid().map(str::to_string),
        alg: Some(alg),
        key_use: Some("sig".into()),
        ..KeyQuery::default()
    };
    // The client secret keys HS* only when no registered key was named: a kid naming, say,
    // the client's RSA key under alg HS256 is the algorithm-confusion attack of RFC 8725
    // §2.1 (the public key used as the MAC secret), and each key serves one algorithm (§3.1).
    let named_a_key = decoded.kid().is_some() && !jwks.keys.is_empty();
    let key = match jwks.select(&query) {
        Ok(key) => key.clone(),
        Err(_) if alg.kty() == "oct" && !named_a_key => secret_key(client, &decoded.alg)?,
        Err(e) => {
            return Err(KeyProblem::NoKey {
                alg: decoded.alg.clone(),
                why: e.to_string(),
            })
        }
    };
    match jws::verify_compact(jws, &key, &[alg]) {
        Ok(_) => Ok(()),
        Err(JoseError::InvalidSignature) => Err(KeyProblem::SignatureInvalid {
            detail: "the signature does not verify with the client's key".into(),
        }),
        Err(other) => Err(KeyProblem::SignatureInvalid {
            detail: other.to_string(),
        }),
    }
}

/// OIDC Core §10.1: the HMAC key is the octets of the UTF-8 client secret.
fn secret_key(client: &ClientMetadata, alg: &str) -> Result<Jwk, KeyProblem> {
    let Some(secret) = &client.client_secret else {
        return Err(KeyProblem::NoKey {
            alg: alg.to_string(),
            why: "the client has no client_secret to key HMAC with".into(),
        });
    };
    Ok(Jwk::new(KeyMaterial::Oct {
        k: SecretBytes::new(secret.expose().as_bytes().to_vec()),
    }))
}

/// A JWT the server has decided to issue, before its signature: the protected header, the
/// claims and the key chosen for `alg`.
pub struct UnsignedJwt {
    pub alg: Algorithm,
    pub header: String,
    pub payload: String,
    pub key: Jwk,
}

impl fmt::Debug for UnsignedJwt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The key may be a client secret (HS*) or the server's private key.
        f.debug_struct("UnsignedJwt")
            .field("alg", &self.alg)
            .field("header", &self.header)
            .field("payload", &self.payload)
            .finish_non_exhaustive()
    }
}

impl UnsignedJwt {
    /// Signs now, in RustCrypto. The RNG blinds RSA and salts PSS.
    pub fn sign(&self, rng: &mut dyn CryptoRngCore) -> Result<String, KeyProblem> {
        let mut rng = rng;
        // Client secrets are often shorter than RFC 7518 §3.2 wants; the playground shows that
        // rather than refusing to answer.
        jws::sign_compact_with_rng(
            &self.header,
            self.payload.as_bytes(),
            &self.key,
            ShortHmacKeys::Allow,
            &mut rng,
        )
        .map_err(|e| no_key(self.alg.name(), e))
    }
}

fn no_key(alg: &str, e: JoseError) -> KeyProblem {
    KeyProblem::NoKey {
        alg: alg.to_string(),
        why: e.to_string(),
    }
}

/// Chooses the key for `alg` and builds the header of a JWT for `client` (ID token, JARM
/// response): HS* with the client secret, anything else with the server's current key for
/// `alg` among `server_keys` (its `kid` in the header).
pub fn prepare_jwt(
    alg: &str,
    claims: &Value,
    client: &ClientMetadata,
    server_keys: &Jwks,
) -> Result<UnsignedJwt, KeyProblem> {
    prepare_typed(alg, claims, client, server_keys, "JWT")
}

/// An RFC 9068 access token: header `typ: at+jwt` (§2.1), signed with the server's current key
/// for `alg` — never with a client secret, since resource servers verify it with the published
/// keys (§4).
pub fn prepare_access_token_jwt(alg: &str, claims: &Value, server_keys: &Jwks) -> Result<UnsignedJwt, KeyProblem> {
    if alg.starts_with("HS") {
        return Err(KeyProblem::Unsupported {
            alg: alg.to_string(),
            capability: "JWT access tokens are signed with the server's published keys (RFC 9068 §4)".into(),
        });
    }
    prepare_typed(
        alg,
        claims,
        &ClientMetadata::default(),
        server_keys,
        crate::protocol::ACCESS_TOKEN_JWT_TYP,
    )
}

/// The claims of a JWT access token this server issued: `typ: at+jwt` and a signature by one
/// of `public_keys` (the published JWKS: current keys and those in their rotation overlap);
/// `None` for anything else (an opaque token, a forgery, an ID token).
pub fn verify_access_token_jwt(jwt: &str, public_keys: &Jwks) -> Option<Map<String, Value>> {
    let decoded = decode_unverified(jwt).ok()?;
    let typ = decoded.header.get("typ").and_then(Value::as_str)?;
    // RFC 9068 §4: "Resource servers MUST verify that the typ header value is at+jwt or
    // application/at+jwt".
    if !typ.eq_ignore_ascii_case(crate::protocol::ACCESS_TOKEN_JWT_TYP)
        && !typ.eq_ignore_ascii_case("application/at+jwt")
    {
        return None;
    }
    let asymmetric: Vec<Algorithm> = Algorithm::ALL.into_iter().filter(|a| a.kty() != "oct").collect();
    jws::verify_compact_with_jwks(jwt, public_keys, &asymmetric).ok()?;
    Some(decoded.claims)
}

fn prepare_typed(
    alg: &str,
    claims: &Value,
    client: &ClientMetadata,
    server_keys: &Jwks,
    typ: &str,
) -> Result<UnsignedJwt, KeyProblem> {
    // The JOSE layer knows ES512 too; this server has no P-521 key yet, so it keeps to its
    // own list rather than answer "no key" for an alg it never advertised.
    let Some(algorithm) = SUPPORTED_ALGS
        .contains(&alg)
        .then(|| Algorithm::from_name(alg).ok())
        .flatten()
    else {
        return Err(unsupported(alg));
    };
    let key = if algorithm.kty() == "oct" {
        secret_key(client, alg)?
    } else {
        let query = KeyQuery {
            alg: Some(algorithm),
            ..KeyQuery::default()
        };
        server_keys.select(&query).map_err(|e| no_key(alg, e))?.clone()
    };
    let mut header = JwsHeader::new(algorithm).typ(typ);
    if let Some(kid) = &key.kid {
        header = header.kid(kid.clone());
    }
    Ok(UnsignedJwt {
        alg: algorithm,
        header: header.to_json(),
        payload: claims.to_string(),
        key,
    })
}

/// Signs `claims` as a JWT for `client` now, in RustCrypto, with the built-in server keys (see
/// [`prepare_jwt`]).
pub fn sign_jwt(
    alg: &str,
    claims: &Value,
    client: &ClientMetadata,
    rng: &mut dyn CryptoRngCore,
) -> Result<String, KeyProblem> {
    prepare_jwt(alg, claims, client, server_keys())?.sign(rng)
}

/// The built-in public signing keys (RFC 7517 §5), as the JWKS endpoint serves them until the
/// first rotation.
pub fn server_jwks() -> Value {
    serde_json::from_str(&server_public_keys().to_json()).unwrap_or_else(|_| serde_json::json!({ "keys": [] }))
}

/// OIDC Core §3.2.2.10 / §3.3.2.11: the left half of the hash (of the alg's size) of the
/// ASCII value, base64url-encoded.
pub fn half_hash(alg: &str, value: &str) -> String {
    // For EdDSA (Ed25519) the hash is SHA-512 (OpenID Connect Core errata set 2, §3.1.3.6).
    let digest: Vec<u8> = if alg.ends_with("384") {
        Sha384::digest(value.as_bytes()).to_vec()
    } else if alg.ends_with("512") || alg == "EdDSA" {
        Sha512::digest(value.as_bytes()).to_vec()
    } else {
        Sha256::digest(value.as_bytes()).to_vec()
    };
    let half = digest.get(..digest.len() / 2).unwrap_or_default();
    base64url::encode(half)
}

/// RFC 7636 §4.2: `BASE64URL(SHA256(ASCII(code_verifier)))`.
pub fn pkce_s256(verifier: &str) -> String {
    base64url::encode(Sha256::digest(verifier.as_bytes()))
}

/// RFC 9449 §4.2 `ath`: `BASE64URL(SHA256(ASCII(access token)))`.
pub fn access_token_hash(access_token: &str) -> String {
    base64url::encode(Sha256::digest(access_token.as_bytes()))
}

/// Why a JWS could not be verified with the key in its own header (a DPoP proof).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EmbeddedKeyProblem {
    /// The member is not an asymmetric public JWK that fits the alg.
    Key(String),
    Signature(String),
}

/// Verifies `jws` (alg `alg`, already allowed by the caller) with the public JWK `members`
/// taken from its own header (RFC 9449 §4.3 point 6); returns the key's RFC 7638 thumbprint.
pub fn verify_with_embedded_key(
    jws: &str,
    members: &Map<String, Value>,
    alg: &str,
) -> Result<String, EmbeddedKeyProblem> {
    let alg = Algorithm::from_name(alg).map_err(|e| EmbeddedKeyProblem::Key(e.to_string()))?;
    let key = Jwk::from_members(members).map_err(|e| EmbeddedKeyProblem::Key(e.to_string()))?;
    if matches!(key.material, KeyMaterial::Oct { .. }) || key.is_private() {
        return Err(EmbeddedKeyProblem::Key("not an asymmetric public key".into()));
    }
    if !key.fits(alg) {
        return Err(EmbeddedKeyProblem::Key(format!(
            "a {} key does not fit {}",
            key.material.kty(),
            alg.name()
        )));
    }
    match jws::verify_compact(jws, &key, &[alg]) {
        Ok(_) => Ok(key.thumbprint()),
        Err(JoseError::InvalidSignature) => Err(EmbeddedKeyProblem::Signature(
            "the signature does not verify with the jwk header".into(),
        )),
        Err(other) => Err(EmbeddedKeyProblem::Signature(other.to_string())),
    }
}

/// Constant-time equality for secrets and PKCE values (RFC 7636 §4.6 compares them).
pub fn secrets_equal(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_appendix_b_challenge() {
        assert_eq!(
            pkce_s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn server_keys_parse_and_publish_only_public_halves() {
        assert_eq!(server_keys().keys.len(), 4, "ignored: {:?}", server_keys().ignored);
        let published = server_jwks().to_string();
        assert!(!published.contains("\"d\""), "a private member leaked: {published}");
    }

    #[test]
    fn the_published_keys_are_the_public_halves_of_the_signing_keys() {
        assert_eq!(server_public_keys().keys.len(), 4);
        assert_eq!(server_public_keys().to_json(), server_keys().to_public().to_json());
    }

    #[test]
    fn every_asymmetric_alg_signs_with_a_server_key_that_verifies() {
        use rand_chacha::rand_core::SeedableRng;
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(1);
        let client = ClientMetadata::default();
        let jwks = Jwks::from_json(&server_jwks().to_string()).unwrap();
        for alg in Algorithm::ALL
            .into_iter()
            .filter(|a| a.kty() != "oct" && SUPPORTED_ALGS.contains(&a.name()))
        {
            let jwt = sign_jwt(alg.name(), &serde_json::json!({"iss": "x"}), &client, &mut rng).unwrap();
            assert!(jws::verify_compact_with_jwks(&jwt, &jwks, &[alg]).is_ok(), "{alg:?}");
        }
    }

    #[test]
    fn unknown_alg_is_named() {
        use rand_chacha::rand_core::SeedableRng;
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(1);
        let err = sign_jwt("ES512", &serde_json::json!({}), &ClientMetadata::default(), &mut rng).unwrap_err();
        assert!(matches!(err, KeyProblem::Unsupported { ref capability, .. } if capability.contains("ES512")));
    }

    fn compact(header: &str, payload: &str) -> String {
        format!("{}.{}.", base64url::encode(header), base64url::encode(payload))
    }

    #[test]
    fn decode_reports_broken_text_then_duplicates_then_member_types_then_crit() {
        let kind = |jws: &str| match decode_unverified(jws) {
            Ok(_) => "ok",
            Err(DecodeError::Malformed(_)) => "malformed",
            Err(DecodeError::DuplicateMember(_)) => "duplicate",
            Err(DecodeError::Critical(_)) => "crit",
        };
        // A duplicate in the header, broken payload: the broken text wins.
        assert_eq!(kind(&compact(r#"{"alg":"none","alg":"none"}"#, "{")), "malformed");
        // A duplicate alg hides which alg was meant: reported before alg is read.
        assert_eq!(kind(&compact(r#"{"alg":"HS256","alg":7}"#, "{}")), "duplicate");
        assert_eq!(
            kind(&compact(r#"{"alg":"none"}"#, r#"{"a":{"b":1,"b":2}}"#)),
            "duplicate"
        );
        assert_eq!(kind(&compact(r#"{"alg":"none","kid":1,"crit":[]}"#, "{}")), "malformed");
        assert_eq!(kind(&compact(r#"{"alg":"none","crit":["x"],"x":1}"#, "{}")), "crit");
        assert_eq!(kind(&compact(r#"{"alg":"none"}"#, "{}")), "ok");
    }

    #[test]
    fn a_duplicate_is_named_with_its_path() {
        let err = decode_unverified(&compact(
            r#"{"alg":"none"}"#,
            r#"{"claims":{"id_token":{},"id_token":{}}}"#,
        ));
        assert_eq!(
            err.err().map(|e| e.to_string()).as_deref(),
            Some("JWS payload names \"claims.id_token\" twice")
        );
    }

    #[test]
    fn decode_refuses_garbage_without_panicking() {
        for input in [
            "",
            ".",
            "..",
            "a.b.c",
            "....",
            "eyJhbGciOiJIUzI1NiJ9..",
            "\u{1F600}.\u{1F600}.x",
        ] {
            assert!(decode_unverified(input).is_err(), "{input}");
        }
    }
}
