//! The authorization request (RFC 6749 §4.1.1, OIDC Core §3.1.2.1, RFC 7636 §4.3, RFC 8707,
//! RFC 9396): every parameter a user can set, as typed values.
//!
//! [`AuthorizationRequest::parameters`] lists them in one fixed order with their JSON types;
//! the query string, the PAR body and the request object's claims are all made from it.

use rand_core::CryptoRngCore;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::pkce::{Pkce, PkceMethod};
use super::random::random_token;
use crate::protocol::param;

/// One authorization parameter: its name and its JSON value (a request object keeps the
/// type; a query string flattens it with [`Parameter::form_value`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parameter {
    pub name: String,
    pub value: Value,
}

impl Parameter {
    fn new(name: &str, value: impl Into<Value>) -> Self {
        Self {
            name: name.to_string(),
            value: value.into(),
        }
    }

    /// The value as a form/query parameter: strings as they are, everything else as compact
    /// JSON (`max_age=300`, `claims={"id_token":…}`).
    pub fn form_value(&self) -> String {
        match &self.value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }
}

/// Every parameter of an authorization request. `Default` is an OIDC code flow with PKCE
/// S256 and nothing generated yet (call [`AuthorizationRequest::regenerate`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuthorizationRequest {
    pub response_type: String,
    pub client_id: String,
    pub redirect_uri: Option<String>,
    pub scope: Option<String>,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub pkce: Option<Pkce>,
    pub response_mode: Option<String>,
    pub prompt: Option<String>,
    /// OIDC Core §3.1.2.1: seconds; a JSON number in a request object.
    pub max_age: Option<u64>,
    pub login_hint: Option<String>,
    pub acr_values: Option<String>,
    pub ui_locales: Option<String>,
    /// OIDC Core §5.5: a JSON object.
    pub claims: Option<Map<String, Value>>,
    /// RFC 8707: may repeat.
    pub resource: Vec<String>,
    /// RFC 9396: a JSON array.
    pub authorization_details: Option<Vec<Value>>,
    /// Anything else, sent as given (strings), after the parameters above.
    pub extra: Vec<(String, String)>,
}

impl Default for AuthorizationRequest {
    fn default() -> Self {
        Self {
            response_type: "code".into(),
            client_id: String::new(),
            redirect_uri: None,
            scope: Some("openid".into()),
            state: None,
            nonce: None,
            pkce: Some(Pkce {
                method: PkceMethod::S256,
                verifier: None,
            }),
            response_mode: None,
            prompt: None,
            max_age: None,
            login_hint: None,
            acr_values: None,
            ui_locales: None,
            claims: None,
            resource: Vec::new(),
            authorization_details: None,
            extra: Vec::new(),
        }
    }
}

impl AuthorizationRequest {
    pub fn new(client_id: impl Into<String>, redirect_uri: impl Into<String>) -> Self {
        Self {
            client_id: client_id.into(),
            redirect_uri: Some(redirect_uri.into()),
            ..Self::default()
        }
    }

    /// New `state`, `nonce` (when the response type or scope is OIDC) and PKCE verifier, each
    /// 32 random bytes.
    pub fn regenerate(&mut self, rng: &mut impl CryptoRngCore) {
        self.regenerate_state(rng);
        if self.is_openid() || self.nonce.is_some() {
            self.regenerate_nonce(rng);
        }
        self.regenerate_verifier(rng);
    }

    pub fn regenerate_state(&mut self, rng: &mut impl CryptoRngCore) {
        self.state = Some(random_token(rng, 32));
    }

    pub fn regenerate_nonce(&mut self, rng: &mut impl CryptoRngCore) {
        self.nonce = Some(random_token(rng, 32));
    }

    /// A new verifier for the configured PKCE method (no-op when PKCE is off).
    pub fn regenerate_verifier(&mut self, rng: &mut impl CryptoRngCore) {
        if let Some(pkce) = &mut self.pkce {
            *pkce = Pkce::generate(pkce.method, rng);
        }
    }

    /// The `response_type` values, split on spaces (RFC 6749 §3.1.1: order does not matter).
    pub fn response_types(&self) -> Vec<&str> {
        self.response_type.split_whitespace().collect()
    }

    pub fn has_response_type(&self, value: &str) -> bool {
        self.response_types().contains(&value)
    }

    /// Whether `scope` contains `openid`.
    pub fn is_openid(&self) -> bool {
        self.scope
            .as_deref()
            .is_some_and(|s| s.split_whitespace().any(|v| v == "openid"))
    }

    /// Every parameter in a fixed order, typed. Never contains `request` or `request_uri`
    /// unless an `extra` parameter names them (the deliveries refuse that).
    pub fn parameters(&self) -> Vec<Parameter> {
        let mut out = vec![Parameter::new(param::RESPONSE_TYPE, self.response_type.as_str())];
        out.push(Parameter::new(param::CLIENT_ID, self.client_id.as_str()));
        push_text(&mut out, param::REDIRECT_URI, &self.redirect_uri);
        push_text(&mut out, param::SCOPE, &self.scope);
        push_text(&mut out, param::STATE, &self.state);
        push_text(&mut out, param::NONCE, &self.nonce);
        if let Some(pkce) = &self.pkce {
            if let Some(challenge) = pkce.challenge() {
                out.push(Parameter::new(param::CODE_CHALLENGE, challenge));
                out.push(Parameter::new(param::CODE_CHALLENGE_METHOD, pkce.method.as_str()));
            }
        }
        push_text(&mut out, param::RESPONSE_MODE, &self.response_mode);
        push_text(&mut out, param::PROMPT, &self.prompt);
        if let Some(max_age) = self.max_age {
            out.push(Parameter::new(param::MAX_AGE, max_age));
        }
        push_text(&mut out, param::LOGIN_HINT, &self.login_hint);
        push_text(&mut out, param::ACR_VALUES, &self.acr_values);
        push_text(&mut out, param::UI_LOCALES, &self.ui_locales);
        if let Some(claims) = &self.claims {
            out.push(Parameter::new(param::CLAIMS, Value::Object(claims.clone())));
        }
        for resource in &self.resource {
            out.push(Parameter::new(param::RESOURCE, resource.as_str()));
        }
        if let Some(details) = &self.authorization_details {
            out.push(Parameter::new(
                param::AUTHORIZATION_DETAILS,
                Value::Array(details.clone()),
            ));
        }
        for (name, value) in &self.extra {
            out.push(Parameter::new(name, value.as_str()));
        }
        out
    }

    /// The parameters as form pairs, in order (`resource` repeated).
    pub fn form_pairs(&self) -> Vec<(String, String)> {
        self.parameters()
            .into_iter()
            .map(|p| {
                let value = p.form_value();
                (p.name, value)
            })
            .collect()
    }

    /// JSON for persisting, WITH the PKCE verifier (the normal serialization leaves it out).
    pub fn to_json_including_secrets(&self) -> String {
        let mut value = serde_json::to_value(self).unwrap_or(Value::Null);
        if let (Some(pkce), Some(Value::Object(out))) = (&self.pkce, value.get_mut("pkce")) {
            if let Some(verifier) = &pkce.verifier {
                out.insert("verifier".into(), Value::from(verifier.expose()));
            }
        }
        value.to_string()
    }
}

fn push_text(out: &mut Vec<Parameter>, name: &str, value: &Option<String>) {
    if let Some(v) = value {
        out.push(Parameter::new(name, v.as_str()));
    }
}
