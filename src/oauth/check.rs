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
        });
    }

    pub fn skip(&mut self, check: &'static str, clause: &'static str, detail: impl Into<String>) {
        self.steps.push(Step {
            check,
            clause,
            outcome: Outcome::Skipped { detail: detail.into() },
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
