//! The record of a validation: every check that ran, in order, with what it saw.
//!
//! JARM and ID token validation (and the callback checks after them) return a [`Report`]:
//! the UI shows each [`Step`] with a mark, tests assert on the first failure's code.

use serde::Serialize;

/// How one check ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// The check passed; the text says what was seen.
    Passed { detail: String },
    /// The check failed with this stable code.
    Failed { code: &'static str, detail: String },
    /// The check did not apply (e.g. `c_hash` without a code).
    Skipped { detail: String },
}

/// One check: its name (`jarm.iss`), the clause it enforces, and how it ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Step {
    pub check: &'static str,
    pub clause: &'static str,
    #[serde(flatten)]
    pub outcome: Outcome,
    /// For a decryption step that passed: what was decrypted, for the timeline to show.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decrypted: Option<Decrypted>,
}

/// What a JWE held: its protected header and the plaintext (a nested JWT, or JSON claims).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Decrypted {
    /// The JWE protected header (`alg`, `enc`, `kid`, `cty`, `epk`).
    pub header: serde_json::Value,
    pub plaintext: String,
}

impl Step {
    pub fn passed(&self) -> bool {
        matches!(self.outcome, Outcome::Passed { .. } | Outcome::Skipped { .. })
    }
}

/// The first failed check: which code, which clause, what was expected and what came.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CheckFailure {
    pub code: &'static str,
    pub clause: &'static str,
    pub detail: String,
    /// What was expected and what arrived, or the fields of an error response, by name.
    pub fields: Vec<(String, String)>,
}

impl std::fmt::Display for CheckFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {} ({})", self.code, self.detail, self.clause)
    }
}

impl std::error::Error for CheckFailure {}

/// The steps that ran and, when all passed, what they produced.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report<T> {
    pub steps: Vec<Step>,
    pub result: Result<T, CheckFailure>,
}

impl<T> Report<T> {
    /// The code of the check that failed, if one did.
    pub fn failure_code(&self) -> Option<&'static str> {
        self.result.as_ref().err().map(|f| f.code)
    }
}

/// Collects steps in order; the first failure ends the run (`?` on [`Checks::fail`]).
#[derive(Debug, Default)]
pub(crate) struct Checks {
    pub steps: Vec<Step>,
}

impl Checks {
    pub fn pass(&mut self, check: &'static str, clause: &'static str, detail: impl Into<String>) {
        self.steps.push(Step {
            check,
            clause,
            outcome: Outcome::Passed { detail: detail.into() },
            decrypted: None,
        });
    }

    /// A decryption step that passed, with what it decrypted.
    pub fn pass_decrypted(
        &mut self,
        check: &'static str,
        clause: &'static str,
        detail: impl Into<String>,
        decrypted: Decrypted,
    ) {
        self.steps.push(Step {
            check,
            clause,
            outcome: Outcome::Passed { detail: detail.into() },
            decrypted: Some(decrypted),
        });
    }

    pub fn skip(&mut self, check: &'static str, clause: &'static str, detail: impl Into<String>) {
        self.steps.push(Step {
            check,
            clause,
            outcome: Outcome::Skipped { detail: detail.into() },
            decrypted: None,
        });
    }

    /// Records the failure and returns it, to be propagated with `Err(..)?`.
    pub fn fail(
        &mut self,
        check: &'static str,
        clause: &'static str,
        code: &'static str,
        detail: impl Into<String>,
    ) -> CheckFailure {
        let detail = detail.into();
        self.steps.push(Step {
            check,
            clause,
            outcome: Outcome::Failed {
                code,
                detail: detail.clone(),
            },
            decrypted: None,
        });
        CheckFailure {
            code,
            clause,
            detail,
            fields: Vec::new(),
        }
    }

    /// [`Checks::fail`] with named fields attached (expected/found, error/error_description).
    pub fn fail_with(
        &mut self,
        check: &'static str,
        clause: &'static str,
        code: &'static str,
        detail: impl Into<String>,
        fields: Vec<(String, String)>,
    ) -> CheckFailure {
        let mut failure = self.fail(check, clause, code, detail);
        failure.fields = fields;
        failure
    }

    pub fn finish<T>(self, result: Result<T, CheckFailure>) -> Report<T> {
        Report {
            steps: self.steps,
            result,
        }
    }
}

/// Why no single key verifies a JWT the server signed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum KeyChoice {
    /// No key fits (or an HS* JWT and no client secret): the `*.key_not_found` step.
    NotFound(String),
    /// Several JWKS keys fit and nothing tells them apart: the `*.key_ambiguous` step.
    Ambiguous(String),
}

/// The key in words with what names it — `kid` and RFC 7638 thumbprint — so the timeline
/// shows which of the server's keys matched (across a key rotation, old or new). A symmetric
/// key gets no thumbprint: it would be a hash of the secret.
pub(super) fn key_identity(key: &crate::jose::Jwk) -> String {
    if key.material.kty() == "oct" {
        return key.describe();
    }
    format!(
        "{}, kid {}, thumbprint {}",
        key.describe(),
        key.kid.as_deref().unwrap_or("(none)"),
        key.thumbprint()
    )
}

/// The key that verifies a JWT the server signed with `alg` (a JARM response, an ID token):
/// the client secret for HS* (OIDC Core §10.1), otherwise the one key of the server's JWKS that
/// matches the header's `kid` and `alg` (zero or several is an error, JARM §2.4 / RFC 7515 §6).
pub(super) fn server_jwt_key(
    jwt: &str,
    alg: crate::jose::Algorithm,
    client_secret: Option<&crate::jose::SecretString>,
    jwks: Option<&crate::jose::Jwks>,
) -> Result<crate::jose::Jwk, KeyChoice> {
    use crate::jose::{jws, JoseError, Jwks};
    if alg.kty() == "oct" {
        return match client_secret {
            Some(secret) => Ok(super::client_auth::ClientAuth::secret_key(secret)),
            None => Err(KeyChoice::NotFound(format!(
                "an {} JWT is keyed with the client secret, and none is configured",
                alg.name()
            ))),
        };
    }
    let empty = Jwks::default();
    match jws::select_key(jwt, jwks.unwrap_or(&empty), &[alg]) {
        Ok(key) => Ok(key.clone()),
        Err(JoseError::AmbiguousKey { wanted, .. }) => {
            Err(KeyChoice::Ambiguous(format!("several keys match {wanted}")))
        }
        Err(e) => Err(KeyChoice::NotFound(e.to_string())),
    }
}

/// The names, clauses and failure codes of one kind of JWT the server signs for the client (an
/// ID token, a userinfo response), for [`verify_server_jwt`]: its steps run the same way for
/// each kind, only the words differ.
pub(super) struct ServerJwt {
    /// `id_token`, `userinfo`: the prefix of the step names (`id_token.parse` …).
    pub parse: &'static str,
    pub parse_clause: &'static str,
    pub malformed: &'static str,
    pub crit_unknown: &'static str,
    pub alg: &'static str,
    pub alg_clause: &'static str,
    pub alg_none: &'static str,
    /// What an unsigned one means for this kind.
    pub alg_none_detail: &'static str,
    pub alg_unexpected: &'static str,
    pub key: &'static str,
    pub key_clause: &'static str,
    pub key_ambiguous: &'static str,
    pub key_not_found: &'static str,
    pub signature: &'static str,
    pub signature_clause: &'static str,
    pub signature_invalid: &'static str,
}

/// What [`verify_server_jwt`] found: the header, the alg it was verified with, the claims.
pub(super) struct VerifiedServerJwt {
    pub header: serde_json::Value,
    pub alg: crate::jose::Algorithm,
    pub claims: serde_json::Map<String, serde_json::Value>,
}

/// A compact JWT the server signed, step by step: three parts with a JSON object of claims and
/// no `crit` (RFC 7515 §4.1.11), an `alg` the client accepts and never `none` (RFC 8725 §3.1),
/// the key (the client secret for HS*, else the server's JWKS by `kid`/`alg`), the signature.
pub(super) async fn verify_server_jwt<B: crate::jose::CryptoBackend + ?Sized>(
    c: &mut Checks,
    kind: &ServerJwt,
    jwt: &str,
    algs: &[crate::jose::Algorithm],
    client_secret: Option<&crate::jose::SecretString>,
    jwks: Option<&crate::jose::Jwks>,
    backend: &B,
) -> Result<VerifiedServerJwt, CheckFailure> {
    use crate::jose::{jws, Algorithm};
    use serde_json::Value;
    let decoded = jws::decode_unverified(jwt)
        .map_err(|e| c.fail(kind.parse, kind.parse_clause, kind.malformed, e.to_string()))?;
    let Ok(Value::Object(claims)) = serde_json::from_slice::<Value>(&decoded.payload) else {
        return Err(c.fail(
            kind.parse,
            kind.parse_clause,
            kind.malformed,
            "the payload is not a JSON object",
        ));
    };
    if let Some(crit) = decoded.header.get("crit") {
        return Err(c.fail(
            kind.parse,
            "RFC 7515 §4.1.11",
            kind.crit_unknown,
            format!("crit {crit} lists extensions this client does not understand"),
        ));
    }
    c.pass(
        kind.parse,
        kind.parse_clause,
        "three parts, a JSON header and a JSON object of claims",
    );

    let alg = match decoded.alg.as_deref() {
        Some("none") | None => return Err(c.fail(kind.alg, kind.alg_clause, kind.alg_none, kind.alg_none_detail)),
        Some(name) => match Algorithm::from_name(name) {
            Ok(alg) if algs.contains(&alg) => alg,
            _ => {
                let expected = algs.iter().map(|a| a.name()).collect::<Vec<_>>().join(", ");
                return Err(c.fail_with(
                    kind.alg,
                    kind.alg_clause,
                    kind.alg_unexpected,
                    format!("alg {name} is not one of [{expected}]"),
                    vec![("expected".into(), expected), ("found".into(), name.into())],
                ));
            }
        },
    };
    c.pass(kind.alg, kind.alg_clause, alg.name());

    let key = match server_jwt_key(jwt, alg, client_secret, jwks) {
        Ok(key) => key,
        Err(KeyChoice::Ambiguous(why)) => return Err(c.fail(kind.key, kind.key_clause, kind.key_ambiguous, why)),
        Err(KeyChoice::NotFound(why)) => return Err(c.fail(kind.key, kind.key_clause, kind.key_not_found, why)),
    };
    c.pass(kind.key, kind.key_clause, key_identity(&key));

    if let Err(e) = jws::verify_compact_with(backend, jwt, &key, &[alg]).await {
        return Err(c.fail(
            kind.signature,
            kind.signature_clause,
            kind.signature_invalid,
            e.to_string(),
        ));
    }
    c.pass(kind.signature, kind.signature_clause, "verified");
    Ok(VerifiedServerJwt {
        header: decoded.header,
        alg,
        claims,
    })
}
