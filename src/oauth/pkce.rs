//! PKCE (RFC 7636): the code verifier the client keeps and the challenge it sends.

use std::fmt;

use rand_core::CryptoRngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::random::random_token;
use crate::jose::base64url;
use crate::protocol::pkce_method;

/// RFC 7636 §4.2 transformation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum PkceMethod {
    #[default]
    S256,
    /// RFC 7636 §7.2: "plain" only when S256 is impossible; the linter warns.
    #[serde(rename = "plain")]
    Plain,
}

impl PkceMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            PkceMethod::S256 => pkce_method::S256,
            PkceMethod::Plain => pkce_method::PLAIN,
        }
    }
}

/// The code verifier: a secret until the token request. Redacts in `Debug`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CodeVerifier(String);

impl CodeVerifier {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// 32 random bytes, base64url: 43 characters from the unreserved set (RFC 7636 §4.1).
    pub fn generate(rng: &mut impl CryptoRngCore) -> Self {
        Self(random_token(rng, 32))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// RFC 7636 §4.2: `BASE64URL(SHA256(ASCII(code_verifier)))` for S256, the verifier itself
    /// for plain.
    pub fn challenge(&self, method: PkceMethod) -> String {
        match method {
            PkceMethod::S256 => base64url::encode(Sha256::digest(self.0.as_bytes())),
            PkceMethod::Plain => self.0.clone(),
        }
    }
}

impl fmt::Debug for CodeVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CodeVerifier(<{} characters redacted>)", self.0.len())
    }
}

/// The PKCE part of an authorization request. The verifier is never serialized (the UI's
/// persisted state must not hold it) unless asked for through
/// [`super::AuthorizationRequest::to_json_including_secrets`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pkce {
    pub method: PkceMethod,
    #[serde(skip_serializing, default)]
    pub verifier: Option<CodeVerifier>,
}

impl Pkce {
    pub fn generate(method: PkceMethod, rng: &mut impl CryptoRngCore) -> Self {
        Self {
            method,
            verifier: Some(CodeVerifier::generate(rng)),
        }
    }

    /// The `code_challenge` to send, when there is a verifier.
    pub fn challenge(&self) -> Option<String> {
        self.verifier.as_ref().map(|v| v.challenge(self.method))
    }
}
