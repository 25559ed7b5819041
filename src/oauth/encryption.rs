//! JWE in the client: request objects signed then encrypted to the server (RFC 9101 §4,
//! OIDC Core §6.1), and the decryption of what the server encrypts to the client — JARM
//! responses (JARM §2.4 step 1), ID tokens (OIDC Core §3.1.3.7 step 1) and userinfo (OIDC
//! Core §5.3.2) — as one check step each, before the checks of what was inside.
//!
//! The cryptography is [`crate::jose::jwe`]'s; this module chooses keys and algorithms.

use std::fmt;

use serde_json::{Map, Value};

use super::check::{CheckFailure, Checks, Decrypted};
use super::error::ClientError;
use crate::jose::jwe::{self, check_key, ContentEncryption, JweOperation, KeyManagement};
use crate::jose::{EncryptionBackend, JoseError, Jwk, Jwks, SecretString};

/// One `alg` + `enc` pair, as a client registers it (`*_encrypted_response_alg`/`_enc`,
/// `request_object_encryption_alg`/`_enc`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JweChoice {
    pub alg: KeyManagement,
    pub enc: ContentEncryption,
}

impl JweChoice {
    pub fn new(alg: KeyManagement, enc: ContentEncryption) -> Self {
        Self { alg, enc }
    }

    /// From registration names. OIDC Registration §2 / JARM §3: "If `_alg` is specified, the
    /// default for `_enc` is A128CBC-HS256"; an empty `enc` takes that default. An empty or
    /// `none` alg is no encryption (`Ok(None)`); `RSA1_5` and unknown names are errors.
    pub fn from_names(alg: &str, enc: &str) -> Result<Option<Self>, JoseError> {
        let alg = alg.trim();
        if alg.is_empty() || alg == "none" {
            return Ok(None);
        }
        let alg = KeyManagement::from_name(alg)?;
        let enc = match enc.trim() {
            "" => ContentEncryption::A128CbcHs256,
            name => ContentEncryption::from_name(name)?,
        };
        Ok(Some(Self { alg, enc }))
    }

    /// A128KW, A256KW and `dir` use the key derived from the client secret (OIDC Core §10.2).
    pub fn is_symmetric(self) -> bool {
        is_symmetric(self.alg)
    }
}

impl fmt::Display for JweChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} / {}", self.alg.name(), self.enc.name())
    }
}

/// Whether `alg` is keyed with a shared secret rather than the recipient's public key.
pub fn is_symmetric(alg: KeyManagement) -> bool {
    matches!(alg, KeyManagement::A128Kw | KeyManagement::A256Kw | KeyManagement::Dir)
}

/// What the client encrypts and decrypts: the choices it registered (`None` = that message is
/// not encrypted) and its own decryption keys (private keys with `use: "enc"`).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ClientEncryption {
    /// `request_object_encryption_alg`/`_enc`: request objects are signed, then encrypted.
    pub request_object: Option<JweChoice>,
    /// `authorization_encrypted_response_alg`/`_enc` (JARM §3).
    pub authorization_response: Option<JweChoice>,
    /// `id_token_encrypted_response_alg`/`_enc` (OIDC Registration §2).
    pub id_token: Option<JweChoice>,
    /// `userinfo_encrypted_response_alg`/`_enc` (OIDC Registration §2).
    pub userinfo: Option<JweChoice>,
    /// The client's private encryption keys (never a signing key).
    pub keys: Vec<Jwk>,
}

impl fmt::Debug for ClientEncryption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientEncryption")
            .field("request_object", &self.request_object)
            .field("authorization_response", &self.authorization_response)
            .field("id_token", &self.id_token)
            .field("userinfo", &self.userinfo)
            .field("keys", &format_args!("<{} keys redacted>", self.keys.len()))
            .finish()
    }
}

impl ClientEncryption {
    /// What decrypting `choice` needs: the keys, and the client secret for the symmetric algs
    /// (only a confidential client has one, OIDC Core §10.2).
    pub fn decryption(
        &self,
        choice: Option<JweChoice>,
        client_secret: Option<&SecretString>,
    ) -> Option<ResponseDecryption> {
        choice.map(|expected| ResponseDecryption {
            expected,
            keys: self.keys.clone(),
            client_secret: client_secret.cloned(),
        })
    }
}

/// How the client reads one kind of encrypted response: the alg/enc it registered (the only
/// ones accepted; never `RSA1_5`) and the keys to try.
#[derive(Clone, PartialEq, Eq)]
pub struct ResponseDecryption {
    pub expected: JweChoice,
    /// The client's private encryption keys; chosen by the JWE's `kid`, else by type.
    pub keys: Vec<Jwk>,
    /// For A128KW/A256KW/dir: the client secret, from which the key is derived (OIDC Core
    /// §10.2). `None` for a public client.
    pub client_secret: Option<SecretString>,
}

impl fmt::Debug for ResponseDecryption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseDecryption")
            .field("expected", &self.expected)
            .field("keys", &format_args!("<{} keys redacted>", self.keys.len()))
            .field("client_secret", &self.client_secret)
            .finish()
    }
}

/// The step name, clause and codes of one kind of encrypted response.
pub(super) struct EncryptedResponse {
    /// What it is, in words ("the JARM response").
    pub what: &'static str,
    pub step: &'static str,
    pub clause: &'static str,
    pub not_encrypted: &'static str,
    pub malformed: &'static str,
    pub alg_unexpected: &'static str,
    pub key_not_found: &'static str,
    pub decryption_failed: &'static str,
}

/// A JWE has five parts (RFC 7516 §7.1), a JWS three.
pub fn is_jwe(token: &str) -> bool {
    token.split('.').count() == 5
}

/// Step 1 of every JWT the server may encrypt to the client: decrypt if encrypted. Returns the
/// plaintext (a nested JWT, or JSON) when it was a JWE, `None` when it was not (and the client
/// registered no encryption for it). Records one step, `kind.step`.
pub(super) async fn decrypt_if_encrypted<B: EncryptionBackend + ?Sized>(
    c: &mut Checks,
    kind: &EncryptedResponse,
    token: &str,
    decryption: Option<&ResponseDecryption>,
    backend: &B,
) -> Result<Option<String>, CheckFailure> {
    if !is_jwe(token) {
        return match decryption {
            // OIDC Core §3.1.3.7 step 1, JARM §2.4 step 1: "If encryption was negotiated with
            // the OP at Registration time and the ID Token is not encrypted, the RP SHOULD
            // reject it."
            Some(d) => Err(c.fail_with(
                kind.step,
                kind.clause,
                kind.not_encrypted,
                format!(
                    "{} is not encrypted, but this client registered {} encryption",
                    kind.what, d.expected
                ),
                vec![
                    ("expected".into(), d.expected.to_string()),
                    ("found".into(), "not encrypted".into()),
                ],
            )),
            None => {
                c.skip(kind.step, kind.clause, "not encrypted (no encryption registered)");
                Ok(None)
            }
        };
    }
    let header =
        jwe::decode_header(token).map_err(|e| c.fail(kind.step, kind.clause, kind.malformed, e.to_string()))?;
    let named = |member: &str| {
        header
            .get(member)
            .and_then(Value::as_str)
            .unwrap_or("(missing)")
            .to_string()
    };
    let (alg_name, enc_name) = (named("alg"), named("enc"));
    let Some(decryption) = decryption else {
        return Err(c.fail_with(
            kind.step,
            kind.clause,
            kind.alg_unexpected,
            format!(
                "{} is encrypted ({alg_name} / {enc_name}), but this client registered no encryption for it",
                kind.what
            ),
            vec![
                ("expected".into(), "not encrypted".into()),
                ("found".into(), format!("{alg_name} / {enc_name}")),
            ],
        ));
    };
    let expected = decryption.expected;
    // RFC 8725 §3.2: RSA1_5 is never accepted, whatever was registered.
    let found = match (
        KeyManagement::from_name(&alg_name),
        ContentEncryption::from_name(&enc_name),
    ) {
        (Ok(alg), Ok(enc)) if alg == expected.alg && enc == expected.enc => expected,
        (alg, _) => {
            let why = match alg {
                Err(JoseError::Rsa1_5Refused) => " (RSA1_5 is never accepted: RFC 8725 §3.2)",
                _ => "",
            };
            return Err(c.fail_with(
                kind.step,
                kind.clause,
                kind.alg_unexpected,
                format!("{alg_name} / {enc_name} is not the registered {expected}{why}"),
                vec![
                    ("expected".into(), expected.to_string()),
                    ("found".into(), format!("{alg_name} / {enc_name}")),
                ],
            ));
        }
    };
    // The agreed rule for nested JWTs (RFC 7519 §5.2): cty "JWT", or none.
    if let Some(cty) = header.get("cty") {
        if !cty.as_str().is_some_and(|t| t.eq_ignore_ascii_case("JWT")) {
            return Err(c.fail(
                kind.step,
                "RFC 7519 §5.2",
                kind.malformed,
                format!("cty {cty}: a nested JWT carries cty \"JWT\" (or none)"),
            ));
        }
    }
    let key = decryption_key(&header, found, decryption)
        .map_err(|why| c.fail(kind.step, kind.clause, kind.key_not_found, why))?;
    // RFC 7516 §11.5: one code for every failure from here on; the detail is the JOSE layer's,
    // which never tells a tag from a ciphertext or key failure.
    let decrypted = jwe::decrypt_compact_with(backend, token, &key, &[found.alg], &[found.enc])
        .await
        .map_err(|e| c.fail(kind.step, kind.clause, kind.decryption_failed, e.to_string()))?;
    let Ok(plaintext) = String::from_utf8(decrypted.plaintext.clone()) else {
        return Err(c.fail(
            kind.step,
            kind.clause,
            kind.malformed,
            "the decrypted content is not UTF-8 text (neither a nested JWT nor JSON)",
        ));
    };
    c.pass_decrypted(
        kind.step,
        kind.clause,
        format!("decrypted: {found}, {}", key_words(&key)),
        Decrypted {
            header: decrypted.header,
            plaintext: plaintext.clone(),
        },
    );
    Ok(Some(plaintext))
}

fn key_words(key: &Jwk) -> String {
    match key.material.kty() {
        "oct" => "the key derived from the client secret (OIDC Core §10.2)".into(),
        _ => format!("the client's key {}", key.kid.as_deref().unwrap_or("(no kid)")),
    }
}

/// The client's key for a JWE with this header: the §10.2 key for the symmetric algs, else the
/// one encryption key of the client that fits the alg, chosen by the header's `kid` (else by
/// type). A signing key (`use: "sig"`) is never used to decrypt.
fn decryption_key(header: &Map<String, Value>, choice: JweChoice, d: &ResponseDecryption) -> Result<Jwk, String> {
    if choice.is_symmetric() {
        let Some(secret) = &d.client_secret else {
            return Err(format!(
                "{} is keyed with the client secret (OIDC Core §10.2), and this client has none (a public client must not use symmetric encryption)",
                choice.alg.name()
            ));
        };
        return jwe::key_from_client_secret(secret.expose(), choice.alg, choice.enc).map_err(|e| e.to_string());
    }
    let fitting: Vec<&Jwk> = d
        .keys
        .iter()
        .filter(|k| k.key_use.as_deref() != Some("sig"))
        .filter(|k| check_key(k, choice.alg, choice.enc, JweOperation::Decrypt).is_ok())
        .collect();
    let kid = header.get("kid").and_then(Value::as_str);
    let candidates: Vec<&Jwk> = match kid {
        Some(kid) => fitting
            .iter()
            .copied()
            .filter(|k| k.kid.as_deref() == Some(kid))
            .collect(),
        None => fitting.clone(),
    };
    match candidates[..] {
        [key] => Ok(key.clone()),
        [] => Err(format!(
            "no private encryption key of this client fits {}{} (its encryption keys: {})",
            choice.alg.name(),
            kid.map(|k| format!(" with kid {k}")).unwrap_or_default(),
            list_keys(&d.keys)
        )),
        _ => Err(format!(
            "{} keys of this client fit {} and the JWE names no kid to choose between them",
            candidates.len(),
            choice.alg.name()
        )),
    }
}

fn list_keys(keys: &[Jwk]) -> String {
    if keys.is_empty() {
        return "none; generate one with use \"enc\" in the key manager".into();
    }
    keys.iter().map(describe_key).collect::<Vec<_>>().join("; ")
}

fn describe_key(key: &Jwk) -> String {
    format!(
        "kid {}, {}, use {}, alg {}",
        key.kid.as_deref().unwrap_or("(none)"),
        key.describe(),
        key.key_use.as_deref().unwrap_or("(none)"),
        key.alg.as_deref().unwrap_or("(none)")
    )
}

/// The server's key a request object is encrypted to: the one key of its JWKS with
/// `use: "enc"` whose type fits the alg and whose `alg`, if present, is this one (RFC 7517
/// §4.2, §4.4). Zero or several is an error naming what the JWKS holds.
pub fn server_encryption_key(jwks: &Jwks, choice: JweChoice) -> Result<Jwk, ClientError> {
    let candidates: Vec<&Jwk> = jwks
        .keys
        .iter()
        .filter(|k| k.key_use.as_deref() == Some("enc"))
        .filter(|k| check_key(k, choice.alg, choice.enc, JweOperation::Encrypt).is_ok())
        .collect();
    let found = || {
        if jwks.keys.is_empty() {
            "the JWKS is empty".to_string()
        } else {
            jwks.keys.iter().map(describe_key).collect::<Vec<_>>().join("; ")
        }
    };
    match candidates[..] {
        [key] => Ok(key.clone()),
        [] => Err(ClientError::config(
            "jar.encryption_server_key_not_found",
            format!(
                "RFC 9101 §4: no key of the server's JWKS has use \"enc\" and fits {} ({}); found: {}",
                choice.alg.name(),
                choice.alg.key_description(),
                found()
            ),
        )),
        _ => Err(ClientError::config(
            "jar.encryption_server_key_ambiguous",
            format!(
                "{} keys of the server's JWKS have use \"enc\" and fit {}, and nothing says which to use: {}",
                candidates.len(),
                choice.alg.name(),
                candidates
                    .iter()
                    .map(|k| describe_key(k))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        )),
    }
}

/// A request object signed, then encrypted: the nested JWT of OIDC Core §6.1 / RFC 9101 §4.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NestedRequestObject {
    /// The signed request object (the JWS inside).
    pub jws: String,
    /// The JWE that is sent.
    pub jwe: String,
    /// The JWE protected header (`alg`, `enc`, `kid`, `cty`, and `epk` for ECDH-ES).
    pub header: Map<String, Value>,
}

/// Encrypts a signed request object to the server: header `alg`, `enc`, `kid` of the server's
/// key and `cty: "JWT"` (RFC 7519 §5.2, nested). For A128KW/A256KW/dir the key is derived from
/// the client secret (OIDC Core §10.2), which only a confidential client has.
pub async fn encrypt_request_object<B: EncryptionBackend + ?Sized>(
    backend: &B,
    jws: &str,
    choice: JweChoice,
    server_jwks: Option<&Jwks>,
    confidential_secret: Option<&SecretString>,
) -> Result<NestedRequestObject, ClientError> {
    let (key, kid) = if choice.is_symmetric() {
        let secret = confidential_secret.ok_or_else(|| {
            ClientError::config(
                "jar.encryption_symmetric_public_client",
                format!(
                    "OIDC Core §10.2: {} encrypts with a key derived from the client secret; a public client has none and must not use symmetric encryption",
                    choice.alg.name()
                ),
            )
        })?;
        (
            jwe::key_from_client_secret(secret.expose(), choice.alg, choice.enc)?,
            None,
        )
    } else {
        let jwks = server_jwks.ok_or_else(|| {
            ClientError::config(
                "jar.encryption_server_key_not_found",
                "encrypting the request object needs the server's JWKS (jwks_uri), and there is none",
            )
        })?;
        let key = server_encryption_key(jwks, choice)?;
        let kid = key.kid.clone();
        (key, kid)
    };
    let mut header = Map::new();
    header.insert("alg".into(), Value::from(choice.alg.name()));
    header.insert("enc".into(), Value::from(choice.enc.name()));
    if let Some(kid) = kid {
        header.insert("kid".into(), Value::from(kid));
    }
    header.insert("cty".into(), Value::from("JWT"));
    let text = Value::Object(header).to_string();
    let jwe = jwe::encrypt_compact_with(backend, &text, jws.as_bytes(), &key).await?;
    let header = jwe::decode_header(&jwe)?;
    Ok(NestedRequestObject {
        jws: jws.to_string(),
        jwe,
        header,
    })
}
