//! Validation of an authorization response: JARM first when the mode is a JWT mode, then the
//! ordinary checks (state, error, RFC 9207 `iss`), each a [`Step`](super::Step) in order.

use std::fmt;

use serde_json::Value;

use super::callback::CallbackParams;
use super::check::{Checks, Report};
use super::encryption::ResponseDecryption;
use super::jarm::{self, JarmExpectations, VerifiedJarm};
use crate::clock::UnixTime;
use crate::jose::{Algorithm, EncryptionBackend, Jwks, SecretString};
use crate::protocol::param;

/// What the client expects of the response to the request it sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponseExpectations {
    pub issuer: String,
    pub client_id: String,
    /// The `state` sent (None: none was sent, nothing to compare).
    pub state: Option<String>,
    /// The response mode is a JWT mode: the parameters must come in a `response` JWT.
    pub jarm: bool,
    pub jarm_algs: Vec<Algorithm>,
    /// The server advertises `authorization_response_iss_parameter_supported`: `iss` is
    /// then required (RFC 9207 §2.4).
    pub iss_parameter_supported: bool,
    pub leeway: i64,
    /// For HS* JARM responses.
    pub client_secret: Option<SecretString>,
    /// The registered `authorization_encrypted_response_alg`/`_enc` and the keys to decrypt
    /// with; `None`: JARM responses must not be encrypted.
    pub decryption: Option<ResponseDecryption>,
}

impl ResponseExpectations {
    pub fn new(issuer: impl Into<String>, client_id: impl Into<String>, state: Option<String>) -> Self {
        Self {
            issuer: issuer.into(),
            client_id: client_id.into(),
            state,
            jarm: false,
            jarm_algs: vec![Algorithm::RS256],
            iss_parameter_supported: false,
            leeway: 60,
            client_secret: None,
            decryption: None,
        }
    }
}

/// A validated authorization response. Codes and tokens redact in `Debug`.
#[derive(Clone, PartialEq)]
pub struct AuthorizationResponse {
    /// Every parameter (from the JARM claims when JARM), values as strings.
    pub params: Vec<(String, String)>,
    pub jarm: Option<VerifiedJarm>,
}

impl AuthorizationResponse {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub fn code(&self) -> Option<&str> {
        self.get(param::CODE)
    }

    pub fn access_token(&self) -> Option<&str> {
        self.get(param::ACCESS_TOKEN)
    }

    pub fn id_token(&self) -> Option<&str> {
        self.get(param::ID_TOKEN)
    }
}

const SECRET_PARAMS: [&str; 4] = [param::CODE, param::ACCESS_TOKEN, param::ID_TOKEN, param::REFRESH_TOKEN];

impl fmt::Debug for AuthorizationResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown: Vec<(&str, &str)> = self
            .params
            .iter()
            .map(|(k, v)| {
                let v = if SECRET_PARAMS.contains(&k.as_str()) || k == param::RESPONSE {
                    "<redacted>"
                } else {
                    v.as_str()
                };
                (k.as_str(), v)
            })
            .collect();
        f.debug_struct("AuthorizationResponse")
            .field("params", &shown)
            .field("jarm", &self.jarm.is_some())
            .finish()
    }
}

/// Validates the parameters received at the redirect URI, in order, stopping at the first
/// failure: the JARM steps (when `expect.jarm`), then `state`, `error`, `iss`.
pub async fn validate_authorization_response<B: EncryptionBackend + ?Sized>(
    received: &CallbackParams,
    expect: &ResponseExpectations,
    jwks: Option<&Jwks>,
    now: UnixTime,
    backend: &B,
) -> Report<AuthorizationResponse> {
    let mut checks = Checks::default();
    let result = run(&mut checks, received, expect, jwks, now, backend).await;
    checks.finish(result)
}

async fn run<B: EncryptionBackend + ?Sized>(
    checks: &mut Checks,
    received: &CallbackParams,
    expect: &ResponseExpectations,
    jwks: Option<&Jwks>,
    now: UnixTime,
    backend: &B,
) -> Result<AuthorizationResponse, super::CheckFailure> {
    let (params, jarm) = if expect.jarm {
        let Some(jwt) = received.get(param::RESPONSE) else {
            let why = match received.get(param::ERROR) {
                Some(error) => format!("no \"response\" parameter; the server answered error={error} unsigned"),
                None => "no \"response\" parameter".into(),
            };
            return Err(checks.fail("jarm.parse", "JARM §2.1", "jarm.malformed", why));
        };
        let expectations = JarmExpectations {
            issuer: expect.issuer.clone(),
            client_id: expect.client_id.clone(),
            algs: expect.jarm_algs.clone(),
            leeway: expect.leeway,
            client_secret: expect.client_secret.clone(),
            decryption: expect.decryption.clone(),
        };
        let verified = jarm::verify(checks, jwt, &expectations, jwks, now, backend).await?;
        let params = verified
            .claims
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "aud" | "exp" | "iat" | "nbf" | "jti"))
            .map(|(k, v)| {
                let text = match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                (k.clone(), text)
            })
            .collect::<Vec<_>>();
        (params, Some(verified))
    } else {
        (received.params.clone(), None)
    };
    let get = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());

    // RFC 6749 §4.1.2 / §10.12: state must be the one sent.
    const STATE: &str = "RFC 6749 §4.1.2, §10.12";
    match (&expect.state, get(param::STATE)) {
        (Some(sent), Some(got)) if sent == got => checks.pass("callback.state", STATE, "matches"),
        (Some(sent), got) => {
            return Err(checks.fail_with(
                "callback.state",
                STATE,
                "callback.state_mismatch",
                "state is not the one sent",
                vec![
                    ("expected".into(), sent.clone()),
                    ("found".into(), got.unwrap_or("(missing)").into()),
                ],
            ))
        }
        (None, _) => checks.skip("callback.state", STATE, "no state was sent"),
    }

    // RFC 6749 §4.1.2.1: an error response is surfaced as an error.
    const ERROR: &str = "RFC 6749 §4.1.2.1, §4.2.2.1";
    if let Some(error) = get(param::ERROR) {
        let mut fields = vec![(param::ERROR.to_string(), error.to_string())];
        for name in [param::ERROR_DESCRIPTION, param::ERROR_URI] {
            if let Some(v) = get(name) {
                fields.push((name.to_string(), v.to_string()));
            }
        }
        let detail = match get(param::ERROR_DESCRIPTION) {
            Some(d) => format!("the server answered {error}: {d}"),
            None => format!("the server answered {error}"),
        };
        return Err(checks.fail_with("callback.error", ERROR, "callback.error", detail, fields));
    }
    checks.pass("callback.error", ERROR, "not an error response");

    // RFC 9207 §2.4: iss, when present, must be the issuer; required when advertised.
    const ISS: &str = "RFC 9207 §2.4";
    match get(param::ISS) {
        Some(iss) if iss == expect.issuer => checks.pass("callback.iss", ISS, iss),
        Some(iss) => {
            return Err(checks.fail_with(
                "callback.iss",
                ISS,
                "callback.iss_mismatch",
                format!("iss {iss} is not the expected issuer {}", expect.issuer),
                vec![("expected".into(), expect.issuer.clone()), ("found".into(), iss.into())],
            ))
        }
        None if expect.iss_parameter_supported => {
            return Err(checks.fail(
                "callback.iss",
                ISS,
                "callback.iss_missing",
                "the server advertises authorization_response_iss_parameter_supported but sent no iss",
            ))
        }
        None => checks.skip("callback.iss", ISS, "no iss, and the server does not advertise it"),
    }
    Ok(AuthorizationResponse { params, jarm })
}
