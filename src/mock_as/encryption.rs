//! JWE on the server (RFC 7516, RFC 7518 §4–§5): its encryption keys, the recipient key of
//! what it encrypts to a client, and the two directions — decrypting request objects
//! (`request_object.rs`) and encrypting JARM responses, ID tokens and userinfo (`deferred.rs`,
//! `token.rs`, `response.rs`). The cryptography is `crate::jose::jwe`'s; this file decides
//! which keys and which algorithms.
//!
//! The server's encryption keys (`server_enc_keys.json`, generated once with OpenSSL, public
//! like the signing keys — a playground's keys, never to be trusted for anything real) are
//! published with `"use": "enc"` and no `"alg"` (RFC 7517 §4.2, §4.4: `alg` is optional, so any
//! key management algorithm of the key's type may be used with them). Signing keys never
//! decrypt and encryption keys never sign: the JWS side selects `use: sig` keys only
//! (`jws::verify_compact_with_jwks`), the JWE side only these.
//!
//! Key rotation (`keys.rs`) replaces the signing keys only; the encryption keys stay as they
//! are, so a client that cached them keeps encrypting to keys the server still holds.

use std::sync::OnceLock;

use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use rand_core::CryptoRngCore;
use serde_json::{json, Map, Value};

use super::checks::{Check, Failure};
use super::events::SECURITY;
use super::response::signing_failure;
use super::server::AuthorizationServer;
use super::settings::ClientMetadata;
use crate::jose::jwe::{self, ContentEncryption, JweOperation, KeyManagement};
use crate::jose::{JoseError, Jwk, Jwks, KeyMaterial};

/// Every JWE key management algorithm this build implements (RFC 7518 §4.1). `RSA1_5` is not
/// among them and never will be (RFC 8725 §3.2).
pub const SUPPORTED_ENCRYPTION_ALGS: [&str; 8] = [
    "RSA-OAEP",
    "RSA-OAEP-256",
    "ECDH-ES",
    "ECDH-ES+A128KW",
    "ECDH-ES+A256KW",
    "A128KW",
    "A256KW",
    "dir",
];

/// Every JWE content encryption algorithm this build implements (RFC 7518 §5.1).
pub const SUPPORTED_ENCRYPTION_ENCS: [&str; 4] = ["A128CBC-HS256", "A256CBC-HS512", "A128GCM", "A256GCM"];

/// OIDC Registration §2 (`id_token_encrypted_response_enc`, `userinfo_…`,
/// `request_object_…`) and JARM §3 (`authorization_encrypted_response_enc`): "If
/// …_alg is specified, the default for this value is A128CBC-HS256."
pub const DEFAULT_ENC: &str = "A128CBC-HS256";

/// The server's encryption keys (private): RSA-2048 and P-256.
fn server_enc_keys() -> &'static Jwks {
    static KEYS: OnceLock<Jwks> = OnceLock::new();
    KEYS.get_or_init(|| {
        // A test proves the file parses; an empty set would make every decryption fail with
        // `jar.encryption_key_unknown`, never a panic.
        Jwks::from_json(include_str!("server_enc_keys.json")).unwrap_or_else(|_| Jwks::new(Vec::new()))
    })
}

/// The in-page server's private encryption keys, for the JWT tool to read what a client
/// encrypted to this server (a trainer showing what the server sees). They are fixed demo
/// keys compiled into the page, never a real server's.
pub fn server_decryption_keys() -> Vec<Jwk> {
    server_enc_keys().keys.clone()
}

/// The public halves of the encryption keys, as the JWKS endpoint publishes them.
pub(super) fn server_enc_public_keys() -> Jwks {
    server_enc_keys().to_public()
}

/// Whether `alg` is symmetric: A128KW, A256KW and dir use a key shared with the client, for
/// a client the one OIDC Core §10.2 derives from its client secret.
pub fn is_symmetric(alg: KeyManagement) -> bool {
    matches!(alg, KeyManagement::A128Kw | KeyManagement::A256Kw | KeyManagement::Dir)
}

/// Why no key could be found for decrypting a request object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyLookup {
    /// The `kid` names one of the server's signing keys.
    SigningKey(String),
    /// The `kid` names no key of the server.
    UnknownKid { kid: String, known: Vec<String> },
    /// No key of the server fits the alg (or the client has no secret for a symmetric one).
    NoKey(String),
}

/// The server key a request object encrypted with `alg` is decrypted with: the encryption key
/// named by `kid`, or without a `kid` the one whose type fits `alg` (for ECDH-ES, on the
/// curve of the `epk`); for the symmetric algorithms, the OIDC Core §10.2 key derived from
/// the client's secret (a `kid` is then not needed and not read).
pub(super) fn decryption_key(
    header: &Map<String, Value>,
    alg: KeyManagement,
    enc: ContentEncryption,
    client: &ClientMetadata,
    signing_kids: &[String],
) -> Result<Jwk, KeyLookup> {
    if is_symmetric(alg) {
        let secret = client
            .client_secret
            .as_ref()
            .filter(|s| !s.expose().is_empty())
            .ok_or_else(|| {
                KeyLookup::NoKey(format!(
                    "{alg} uses the key derived from the client secret (OIDC Core §10.2), and this client has none"
                ))
            })?;
        return jwe::key_from_client_secret(secret.expose(), alg, enc).map_err(|e| KeyLookup::NoKey(e.to_string()));
    }
    let keys = server_enc_keys();
    if let Some(kid) = header.get("kid").and_then(Value::as_str) {
        if signing_kids.iter().any(|k| k == kid) {
            return Err(KeyLookup::SigningKey(kid.to_string()));
        }
        return keys
            .keys
            .iter()
            .find(|k| k.kid.as_deref() == Some(kid))
            .cloned()
            .ok_or_else(|| KeyLookup::UnknownKid {
                kid: kid.to_string(),
                known: keys.keys.iter().filter_map(|k| k.kid.clone()).collect(),
            });
    }
    let epk_curve = header.get("epk").and_then(|epk| epk.get("crv")).and_then(Value::as_str);
    keys.keys
        .iter()
        .find(|k| {
            alg.fits(k, enc)
                && match (&k.material, epk_curve) {
                    (KeyMaterial::Ec { .. }, Some(crv)) => k.material.crv() == Some(crv),
                    _ => true,
                }
        })
        .cloned()
        .ok_or_else(|| KeyLookup::NoKey(format!("no encryption key of this server fits {alg}")))
}

/// Where an encrypted output goes: the algorithms the client registered and its key.
#[derive(Clone)]
pub struct Recipient {
    pub alg: KeyManagement,
    pub enc: ContentEncryption,
    pub key: Jwk,
}

impl std::fmt::Debug for Recipient {
    /// The key may be the one derived from the client secret: only its id is shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recipient")
            .field("alg", &self.alg)
            .field("enc", &self.enc)
            .field("kid", &self.key.kid)
            .finish_non_exhaustive()
    }
}

impl Recipient {
    /// The protected header: `alg`, `enc`, the recipient key's `kid` (so the client knows
    /// which of its keys to use), and `cty: "JWT"` when the plaintext is a signed JWT (RFC 7519
    /// §5.2, OIDC Core §16.14 nested JWTs).
    pub fn header(&self, nested: bool) -> String {
        let mut header = Map::new();
        header.insert("alg".into(), json!(self.alg.name()));
        header.insert("enc".into(), json!(self.enc.name()));
        if let Some(kid) = &self.key.kid {
            header.insert("kid".into(), json!(kid));
        }
        if nested {
            header.insert("cty".into(), json!("JWT"));
        }
        Value::Object(header).to_string()
    }

    pub fn kid(&self) -> Option<&str> {
        self.key.kid.as_deref()
    }
}

/// A JWE waiting to be produced (after the signature it wraps): the recipient and the seed of
/// the randomness (CEK, IV, ephemeral key) it will use, drawn from the server's RNG when the
/// output was issued, so a seeded server encrypts reproducibly on both paths.
#[derive(Debug)]
pub struct PendingEncryption {
    pub recipient: Recipient,
    pub nested: bool,
    seed: [u8; 32],
}

impl PendingEncryption {
    pub fn new(recipient: Recipient, nested: bool, rng: &mut dyn CryptoRngCore) -> Self {
        let mut seed = [0u8; 32];
        rng.fill_bytes(&mut seed);
        Self {
            recipient,
            nested,
            seed,
        }
    }

    /// Encrypts `plaintext` (a signed JWT, or JSON claims) in RustCrypto.
    pub fn seal(&self, plaintext: &[u8]) -> Result<String, JoseError> {
        let mut rng = ChaCha20Rng::from_seed(self.seed);
        jwe::encrypt_compact(
            &self.recipient.header(self.nested),
            plaintext,
            &self.recipient.key,
            &mut rng,
        )
    }

    /// [`Self::seal`], a failure as `server.encryption_unavailable`.
    pub(super) fn seal_or_fail(&self, plaintext: &[u8]) -> Result<String, Failure> {
        self.seal(plaintext).map_err(|e| {
            Failure::new(
                Check::ServerEncryptionUnavailable,
                format!("a JWE to the client's key ({e})"),
                format!("{} / {}", self.recipient.alg, self.recipient.enc),
            )
        })
    }
}

/// The key a client's output is encrypted to, by the rule registration enforces: for the
/// symmetric algorithms the OIDC Core §10.2 key from the client secret; otherwise the key of
/// the client's registered `jwks` that `jwe::check_key` accepts for encrypting — the right
/// type (and curve), `use` `enc` or absent, its `alg` (if any) this one, RSA of 2048 bits or
/// more — preferring one marked `use: enc`.
pub fn recipient_key(client: &ClientMetadata, alg: KeyManagement, enc: ContentEncryption) -> Result<Jwk, String> {
    if is_symmetric(alg) {
        let Some(secret) = client.client_secret.as_ref().filter(|s| !s.expose().is_empty()) else {
            return Err(format!(
                "{alg} needs the key derived from a client_secret (OIDC Core §10.2: public clients MUST NOT use symmetric encryption)"
            ));
        };
        return jwe::key_from_client_secret(secret.expose(), alg, enc).map_err(|e| e.to_string());
    }
    let jwks = client
        .jwks
        .as_ref()
        .and_then(|jwks| Jwks::from_json(&jwks.to_string()).ok())
        .unwrap_or_else(|| Jwks::new(Vec::new()));
    let fitting: Vec<&Jwk> = jwks
        .keys
        .iter()
        .filter(|k| !k.is_private() && jwe::check_key(k, alg, enc, JweOperation::Encrypt).is_ok())
        .collect();
    fitting
        .iter()
        .find(|k| k.key_use.as_deref() == Some("enc"))
        .or(fitting.first())
        .map(|k| (*k).clone())
        .ok_or_else(|| {
            format!(
                "no key in jwks fits {alg}: {} with \"use\": \"enc\" (or no \"use\") and no other \"alg\"",
                alg.key_description()
            )
        })
}

/// Parses a registered alg/enc pair into the JOSE types.
pub fn parse_pair(alg: &str, enc: &str) -> Result<(KeyManagement, ContentEncryption), JoseError> {
    Ok((KeyManagement::from_name(alg)?, ContentEncryption::from_name(enc)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_encryption_keys_parse_are_private_and_marked_for_encryption() {
        let keys = server_enc_keys();
        assert_eq!(keys.keys.len(), 2, "ignored: {:?}", keys.ignored);
        for key in &keys.keys {
            assert!(key.is_private());
            assert_eq!(key.key_use.as_deref(), Some("enc"));
            assert_eq!(key.alg, None);
        }
        assert_eq!(keys.keys[0].material.rsa_modulus_bits(), Some(2048));
        let published = server_enc_public_keys().to_json();
        assert!(!published.contains("\"d\""), "{published}");
        assert!(published.contains("mock-enc-rsa-1") && published.contains("mock-enc-p256-1"));
    }

    #[test]
    fn every_asymmetric_alg_finds_a_server_key_without_a_kid() {
        for alg in KeyManagement::ALL.into_iter().filter(|a| !is_symmetric(*a)) {
            let key = decryption_key(
                &Map::new(),
                alg,
                ContentEncryption::A128Gcm,
                &ClientMetadata::default(),
                &[],
            );
            assert!(key.is_ok(), "{alg}: {key:?}");
        }
    }
}

/// Which output a client registered encryption for, with its registration member names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    /// JARM §3 `authorization_encrypted_response_alg` / `_enc`.
    Jarm,
    /// OIDC Registration §2 `id_token_encrypted_response_alg` / `_enc`.
    IdToken,
    /// OIDC Registration §2 `userinfo_encrypted_response_alg` / `_enc`.
    Userinfo,
}

impl Output {
    pub fn name(self) -> &'static str {
        match self {
            Output::Jarm => "jarm",
            Output::IdToken => "id_token",
            Output::Userinfo => "userinfo",
        }
    }

    /// The registered (alg, enc) members, `enc` defaulted to A128CBC-HS256 (OIDC Registration
    /// §2, JARM §3); `None` when the client registered no encryption for this output.
    fn registered(self, client: &ClientMetadata) -> Option<(String, String)> {
        let (alg, enc) = match self {
            Output::Jarm => (
                &client.authorization_encrypted_response_alg,
                &client.authorization_encrypted_response_enc,
            ),
            Output::IdToken => (
                &client.id_token_encrypted_response_alg,
                &client.id_token_encrypted_response_enc,
            ),
            Output::Userinfo => (
                &client.userinfo_encrypted_response_alg,
                &client.userinfo_encrypted_response_enc,
            ),
        };
        let alg = alg.clone()?;
        Some((alg, enc.clone().unwrap_or_else(|| DEFAULT_ENC.to_string())))
    }
}

/// The detail and event names of a decrypted request object or an encrypted output: the
/// algorithms and the key id, never key material or plaintext.
fn jwe_details(alg: &str, enc: &str, kid: Option<&str>) -> Vec<(&'static str, String)> {
    let mut details = vec![("jwe_alg", alg.to_string()), ("jwe_enc", enc.to_string())];
    if let Some(kid) = kid {
        details.push(("jwe_kid", kid.to_string()));
    }
    details
}

impl AuthorizationServer {
    /// Logs one JWE event (`jar.decrypted`, `response.encrypted`) with only its own details,
    /// keeping those gathered so far for the request's own event.
    fn record_jwe(&mut self, name: &str, endpoint: &str, client_id: &str, details: Vec<(&'static str, String)>) {
        let kept = std::mem::take(&mut self.details);
        for (key, value) in details {
            self.detail(key, value);
        }
        self.record(name, SECURITY, endpoint, Some(client_id), "success");
        self.details = kept;
    }

    /// RFC 9101 §6.1: "If the request object is encrypted, the authorization server MUST
    /// decrypt the JWT … If decryption fails, the authorization server MUST return an
    /// invalid_request_object error". Checks in table order: the protected header, `alg`/`enc`
    /// against the server's lists, the key, then the JOSE layer's own (`epk`, `zip`, `crit`,
    /// the cryptography). Answers the plaintext: the nested JWS, or an unsecured JWT standing
    /// for bare JSON claims (whose header carries the JWE's `typ`, if any), and whether it was
    /// nested.
    pub(super) fn decrypt_request_object(
        &mut self,
        client: &ClientMetadata,
        compact: &str,
        endpoint: &str,
    ) -> Result<String, Failure> {
        let header_problem = |why: String| {
            Failure::new(
                Check::JarEncryptionHeaderInvalid,
                "a JWE protected header: a base64url JSON object with string alg and enc (RFC 7516 §7.1)",
                why,
            )
        };
        let header = jwe::decode_header(compact).map_err(|e| header_problem(e.to_string()))?;
        let member = |name: &str| match header.get(name) {
            Some(Value::String(value)) => Ok(value.clone()),
            Some(other) => Err(header_problem(format!(
                "\"{name}\" is {}",
                crate::jose::json::kind(other)
            ))),
            None => Err(header_problem(format!("no \"{name}\""))),
        };
        let (alg_name, enc_name) = (member("alg")?, member("enc")?);
        let kid = header.get("kid").and_then(Value::as_str).map(str::to_string);
        for (key, value) in jwe_details(&alg_name, &enc_name, kid.as_deref()) {
            self.detail(key, value);
        }
        let offered = &self.settings.encryption_algs;
        if alg_name == "RSA1_5" {
            return Err(Failure::new(
                Check::JarEncryptionAlgNotSupported,
                format!(
                    "alg one of [{}]; never RSA1_5 (RFC 8725 §3.2: RSAES-PKCS1-v1_5 invites Bleichenbacher's padding oracle)",
                    offered.join(", ")
                ),
                "alg RSA1_5",
            ));
        }
        if !offered.contains(&alg_name) {
            return Err(Failure::new(
                Check::JarEncryptionAlgNotSupported,
                format!(
                    "alg one of [{}] (request_object_encryption_alg_values_supported)",
                    offered.join(", ")
                ),
                format!("alg {alg_name}"),
            ));
        }
        let encs = &self.settings.encryption_encs;
        if !encs.contains(&enc_name) {
            return Err(Failure::new(
                Check::JarEncryptionAlgNotSupported,
                format!(
                    "enc one of [{}] (request_object_encryption_enc_values_supported)",
                    encs.join(", ")
                ),
                format!("enc {enc_name}"),
            ));
        }
        let (alg, enc) = parse_pair(&alg_name, &enc_name).map_err(|e| {
            Failure::new(
                Check::JarEncryptionAlgNotSupported,
                "an alg and enc this build implements",
                e.to_string(),
            )
        })?;
        // RFC 7519 §5.2: cty "JWT" marks a nested JWT; absent, the plaintext is read as it is.
        if let Some(cty) = header.get("cty") {
            let jwt = cty
                .as_str()
                .is_some_and(|c| c.strip_prefix("application/").unwrap_or(c).eq_ignore_ascii_case("JWT"));
            if !jwt {
                return Err(header_problem(format!(
                    "cty {cty} (a nested request object has cty JWT, or none)"
                )));
            }
        }
        let signing_kids: Vec<String> = self
            .verification_keys()
            .keys
            .iter()
            .filter_map(|k| k.kid.clone())
            .collect();
        let key = decryption_key(&header, alg, enc, client, &signing_kids).map_err(|problem| match problem {
            KeyLookup::SigningKey(kid) => Failure::new(
                Check::JarEncryptionKeyUnknown,
                "the kid of one of the server's encryption keys (use enc)",
                format!("kid {kid}, a signing key (use sig): signing keys never decrypt"),
            ),
            KeyLookup::UnknownKid { kid, known } => Failure::new(
                Check::JarEncryptionKeyUnknown,
                format!("kid one of [{}]", known.join(", ")),
                format!("kid {kid}"),
            ),
            KeyLookup::NoKey(why) => Failure::new(Check::JarEncryptionKeyUnknown, "a key for the alg", why),
        })?;
        let decrypted = {
            let mut rng = &mut *self.rng;
            jwe::decrypt_compact(compact, &key, &[alg], &[enc], &mut rng)
        };
        let decrypted = decrypted.map_err(|e| match e {
            JoseError::EpkRefused { problem } => Failure::new(
                Check::JarEpkInvalid,
                "an epk on the curve of the server's key (RFC 8725 §3.4)",
                problem,
            ),
            JoseError::ZipUnsupported { .. }
            | JoseError::InvalidCritical { .. }
            | JoseError::UnsupportedCritical { .. }
            | JoseError::MalformedJwe(_)
            | JoseError::Json { .. }
            | JoseError::DuplicateMember { .. } => header_problem(e.to_string()),
            JoseError::KeyMismatch { .. }
            | JoseError::PrivateKeyRequired { .. }
            | JoseError::RsaModulusTooShort { .. } => Failure::new(
                Check::JarEncryptionKeyUnknown,
                format!("a key for {alg}"),
                e.to_string(),
            ),
            JoseError::Rsa1_5Refused
            | JoseError::UnsupportedJweAlgorithm { .. }
            | JoseError::AlgorithmNotAllowed { .. } => Failure::new(
                Check::JarEncryptionAlgNotSupported,
                "an alg and enc this server lists",
                e.to_string(),
            ),
            // Wrong key, changed encrypted key/IV/ciphertext/tag/AAD, bad base64 in those
            // parts: one answer (RFC 7516 §11.5).
            _ => Failure::new(
                Check::JarDecryptionFailed,
                "a JWE that decrypts with the server's key",
                "it does not decrypt",
            ),
        })?;
        let plaintext = String::from_utf8(decrypted.plaintext).map_err(|_| {
            Failure::new(
                Check::JarMalformed,
                "a request object in UTF-8 inside the JWE",
                "other bytes",
            )
        })?;
        self.record_jwe(
            "jar.decrypted",
            endpoint,
            &client.client_id,
            jwe_details(&alg_name, &enc_name, kid.as_deref()),
        );
        // Bare JSON claims (a JWT whose JWE plaintext is the claims set, RFC 7519 §7.1 step 5):
        // read as the unsecured JWT it amounts to, so every later check is the same.
        if plaintext.trim_start().starts_with('{') {
            let mut inner = Map::new();
            inner.insert("alg".into(), json!("none"));
            if let Some(typ) = header.get("typ") {
                inner.insert("typ".into(), typ.clone());
            }
            return Ok(format!(
                "{}.{}.",
                crate::jose::base64url::encode(Value::Object(inner).to_string()),
                crate::jose::base64url::encode(plaintext.as_bytes())
            ));
        }
        Ok(plaintext)
    }

    /// Where `output` must be encrypted to, if `client` registered encryption for it. A failure
    /// here is `server.encryption_unavailable`: registration refuses its causes, so it only
    /// guards against a client stored some other way.
    pub(super) fn output_recipient(
        &self,
        client: &ClientMetadata,
        output: Output,
    ) -> Result<Option<Recipient>, Failure> {
        let Some((alg, enc)) = output.registered(client) else {
            return Ok(None);
        };
        let unavailable = |why: String| Failure::new(Check::ServerEncryptionUnavailable, why, format!("{alg} / {enc}"));
        let (alg_v, enc_v) = parse_pair(&alg, &enc).map_err(|e| unavailable(e.to_string()))?;
        let key = recipient_key(client, alg_v, enc_v).map_err(unavailable)?;
        Ok(Some(Recipient {
            alg: alg_v,
            enc: enc_v,
            key,
        }))
    }

    /// Signs `jwt` and, with a recipient, encrypts the signed JWT to it (a Nested JWT, `cty:
    /// "JWT"`: OIDC Core §16.14 and JARM §2.3 sign first, then encrypt). Inside
    /// `handle_deferred` both wait for `DeferredResponse::seal`, so a later JWT that carries
    /// this one (a JARM response with a hybrid flow's ID token) gets the final text; the
    /// encryption then runs in RustCrypto whatever the signing backend (one public-key
    /// operation; `CryptoBackend` has no encryption), with randomness drawn now.
    pub(super) fn issue_nested_jwt(
        &mut self,
        jwt: super::crypto::UnsignedJwt,
        recipient: Option<Recipient>,
        output: Output,
        endpoint: &str,
        client_id: &str,
    ) -> Result<String, Failure> {
        let alg = jwt.alg.name();
        let Some(recipient) = recipient else {
            return self.issue_jwt(jwt).map_err(|p| signing_failure(alg, p));
        };
        let details = jwe_details(recipient.alg.name(), recipient.enc.name(), recipient.kid());
        let pending = PendingEncryption::new(recipient, true, &mut *self.rng);
        let issued = self.issue_encrypted_jwt(jwt, pending)?;
        let mut details = details;
        details.push(("output", output.name().to_string()));
        self.record_jwe("response.encrypted", endpoint, client_id, details);
        Ok(issued)
    }

    /// OIDC Core §5.3.2: userinfo claims encrypted without a signature (no
    /// `userinfo_signed_response_alg`): the JSON itself is the plaintext. Done now on both
    /// paths: the claims never carry a JWT still to be signed.
    pub(super) fn encrypt_claims(
        &mut self,
        claims: &Value,
        recipient: Recipient,
        endpoint: &str,
        client_id: &str,
    ) -> Result<String, Failure> {
        let mut details = jwe_details(recipient.alg.name(), recipient.enc.name(), recipient.kid());
        let pending = PendingEncryption::new(recipient, false, &mut *self.rng);
        let sealed = pending.seal_or_fail(claims.to_string().as_bytes())?;
        details.push(("output", Output::Userinfo.name().to_string()));
        self.record_jwe("response.encrypted", endpoint, client_id, details);
        Ok(sealed)
    }
}
