//! Pre-flight rules for JWE: what the client encrypts (request objects, RFC 9101 §4) and what
//! it asked the server to encrypt (JARM, ID tokens, userinfo), against the server's metadata,
//! its JWKS and the client's own keys.

use super::config::Config;
use super::discovery::ServerMetadata;
use super::encryption::{server_encryption_key, JweChoice};
use super::lint::{Finding, Fix, LintHints, Severity};
use crate::jose::jwe::{check_key, ContentEncryption, JweOperation, KeyManagement};
use crate::protocol::auth_method;

/// One kind of message the server may encrypt to the client: its name, the discovery members
/// listing what the server can do, and the client's choice.
struct ResponseKind<'a> {
    what: &'static str,
    algs: &'a Option<Vec<String>>,
    encs: &'a Option<Vec<String>>,
    alg_member: &'static str,
    choice: Option<JweChoice>,
}

pub(super) fn findings(config: &Config, metadata: Option<&ServerMetadata>, hints: &LintHints) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut add = |code, severity, message: String, reference, fix| {
        out.push(Finding {
            code,
            severity,
            message,
            reference,
            fix,
        })
    };
    let public_client = config.auth_method == auth_method::NONE || config.client_secret.is_none();

    // RFC 8725 §3.2: RSA1_5 is never used, even where a server offers it.
    if let Some(md) = metadata {
        let lists = [
            &md.request_object_encryption_alg_values_supported,
            &md.authorization_encryption_alg_values_supported,
            &md.id_token_encryption_alg_values_supported,
            &md.userinfo_encryption_alg_values_supported,
        ];
        if lists.iter().any(|l| listed(l, "RSA1_5")) {
            add(
                "lint.rsa1_5_offered",
                Severity::Info,
                "the server offers RSA1_5 key encryption; this client never uses it and refuses it in what it receives"
                    .into(),
                "RFC 8725 §3.2 (RSAES-PKCS1-v1_5 invites padding-oracle attacks)",
                None,
            );
        }
    }

    // Request objects, signed then encrypted.
    if let (true, Some(choice)) = (config.delivery.uses_request_object(), config.encryption.request_object) {
        if let Some(md) = metadata {
            let algs = &md.request_object_encryption_alg_values_supported;
            let encs = &md.request_object_encryption_enc_values_supported;
            let offered_fix =
                offered_choice(algs, encs, choice, public_client).map(|c| Fix::SetRequestObjectEncryption {
                    alg: Some(c.alg.name()),
                    enc: Some(c.enc.name()),
                });
            if algs.is_some() && !listed(algs, choice.alg.name()) {
                add(
                    "lint.encryption_alg_not_supported",
                    Severity::Error,
                    format!(
                        "the server does not list {} in request_object_encryption_alg_values_supported",
                        choice.alg.name()
                    ),
                    "RFC 9101 §10.1 / OIDC Discovery §3 request_object_encryption_alg_values_supported",
                    offered_fix.clone(),
                );
            } else if encs.is_some() && !listed(encs, choice.enc.name()) {
                add(
                    "lint.encryption_enc_not_supported",
                    Severity::Error,
                    format!(
                        "the server does not list {} in request_object_encryption_enc_values_supported",
                        choice.enc.name()
                    ),
                    "RFC 9101 §10.1 / OIDC Discovery §3 request_object_encryption_enc_values_supported",
                    offered_fix,
                );
            }
        }
        if choice.is_symmetric() {
            if public_client {
                add(
                    "lint.encryption_symmetric_public_client",
                    Severity::Error,
                    format!(
                        "{} encrypts the request object with a key derived from the client secret; this client is public (or has no secret)",
                        choice.alg.name()
                    ),
                    "OIDC Core §10.2 (public clients must not use symmetric encryption)",
                    Some(Fix::SetRequestObjectEncryption { alg: None, enc: None }),
                );
            }
        } else if let Some(jwks) = &hints.server_jwks {
            if let Err(e) = server_encryption_key(jwks, choice) {
                add(
                    "lint.encryption_key_missing",
                    Severity::Error,
                    e.to_string(),
                    "RFC 9101 §4; RFC 7517 §4.2 (a server key with use enc)",
                    Some(Fix::SetRequestObjectEncryption { alg: None, enc: None }),
                );
            }
        }
    }

    // What the client registered for the server to encrypt.
    let e = &config.encryption;
    let kinds = metadata.map(|md| {
        [
            ResponseKind {
                what: "JARM responses",
                algs: &md.authorization_encryption_alg_values_supported,
                encs: &md.authorization_encryption_enc_values_supported,
                alg_member: "authorization_encryption_alg_values_supported",
                choice: e.authorization_response,
            },
            ResponseKind {
                what: "ID tokens",
                algs: &md.id_token_encryption_alg_values_supported,
                encs: &md.id_token_encryption_enc_values_supported,
                alg_member: "id_token_encryption_alg_values_supported",
                choice: e.id_token,
            },
            ResponseKind {
                what: "userinfo responses",
                algs: &md.userinfo_encryption_alg_values_supported,
                encs: &md.userinfo_encryption_enc_values_supported,
                alg_member: "userinfo_encryption_alg_values_supported",
                choice: e.userinfo,
            },
        ]
    });
    for kind in kinds.iter().flatten() {
        let Some(choice) = kind.choice else { continue };
        let alg_ok = kind.algs.is_none() || listed(kind.algs, choice.alg.name());
        let enc_ok = kind.encs.is_none() || listed(kind.encs, choice.enc.name());
        if !alg_ok || !enc_ok {
            add(
                "lint.response_encryption_not_supported",
                Severity::Warning,
                format!(
                    "{} are to be encrypted with {choice}, which the server does not list ({} and its _enc_ counterpart)",
                    kind.what, kind.alg_member
                ),
                "OIDC Discovery §3; JARM §4 (the server's *_encryption_alg/enc_values_supported)",
                None,
            );
        }
    }
    let responses = [
        ("JARM responses", e.authorization_response),
        ("ID tokens", e.id_token),
        ("userinfo responses", e.userinfo),
    ];
    for (what, choice) in responses {
        let Some(choice) = choice else { continue };
        if choice.is_symmetric() {
            if public_client {
                add(
                    "lint.encryption_symmetric_public_client",
                    Severity::Error,
                    format!(
                        "{what} are to be encrypted with {}, keyed with the client secret; this client is public (or has no secret)",
                        choice.alg.name()
                    ),
                    "OIDC Core §10.2 (public clients must not use symmetric encryption)",
                    None,
                );
            }
        } else if !e
            .keys
            .iter()
            .any(|k| check_key(k, choice.alg, choice.enc, JweOperation::Decrypt).is_ok())
        {
            add(
                "lint.encryption_client_key_missing",
                Severity::Error,
                format!(
                    "{what} are to be encrypted with {}, and the key manager holds no private key with use enc that fits it ({})",
                    choice.alg.name(),
                    choice.alg.key_description()
                ),
                "OIDC Registration §2 jwks (the client's use enc key); RFC 7517 §4.2",
                None,
            );
        }
    }
    out
}

fn listed(values: &Option<Vec<String>>, wanted: &str) -> bool {
    values.iter().flatten().any(|v| v == wanted)
}

/// The choice to offer as a fix: the first alg the server lists that this client implements
/// (never RSA1_5, and no symmetric one for a public client), with the current enc if listed,
/// else the first listed enc this client implements.
fn offered_choice(
    algs: &Option<Vec<String>>,
    encs: &Option<Vec<String>>,
    current: JweChoice,
    public_client: bool,
) -> Option<JweChoice> {
    let alg = match algs {
        None => current.alg,
        Some(list) => list
            .iter()
            .filter_map(|n| KeyManagement::from_name(n).ok())
            .find(|a| !(public_client && super::encryption::is_symmetric(*a)))?,
    };
    let enc = match encs {
        None => current.enc,
        Some(list) if list.iter().any(|n| n == current.enc.name()) => current.enc,
        Some(list) => list.iter().find_map(|n| ContentEncryption::from_name(n).ok())?,
    };
    Some(JweChoice::new(alg, enc))
}
