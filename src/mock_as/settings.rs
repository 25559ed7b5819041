//! Server settings and registered clients, both (de)serialisable as JSON so the UI can edit
//! them. Client fields use RFC 7591 / OIDC Dynamic Registration names where one exists; the
//! playground's own per-client switches sit beside them.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A secret that never reaches a log: `Debug` prints its length only. Serialises as the plain
/// string because the UI edits it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret(<{} bytes redacted>)", self.0.len())
    }
}

/// Whether a client may, must or must not send request objects (RFC 9101).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum JarMode {
    Disabled,
    #[default]
    Optional,
    Required,
}

/// Pushed authorization requests (RFC 9126): off, accepted, or the only way in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ParMode {
    Disabled,
    #[default]
    Enabled,
    Required,
}

/// JWT-secured authorization responses (JARM) for a client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum JarmMode {
    Disabled,
    #[default]
    Optional,
    Required,
}

/// How back-channel errors are rendered: RFC 6749 §5.2 JSON, or PingOne's API envelope.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ErrorFormat {
    #[default]
    OAuth,
    PingOne,
}

/// The named presets (see `profiles.rs`); `Custom` once a setting was changed by hand is not
/// tracked: the name only records which preset the settings started from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ProfileName {
    Strict,
    #[default]
    Hardened,
    PingOne,
    Lenient,
}

/// A registered client. Unknown JSON members are refused so a misspelt setting is not
/// silently ignored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClientMetadata {
    pub client_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<Secret>,
    pub redirect_uris: Vec<String>,
    pub response_types: Vec<String>,
    pub grant_types: Vec<String>,
    pub token_endpoint_auth_method: String,
    /// RFC 7591 `jwks`: the client's public keys (and, for this playground, `oct` keys with a
    /// `kid` that HS request objects may name).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jwks: Option<Value>,
    /// OIDC Registration §2: when set, request objects MUST use exactly this alg.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_object_signing_alg: Option<String>,
    /// JARM §3: the alg of signed authorization responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorization_signed_response_alg: Option<String>,
    /// OIDC Registration §2. HS* is keyed with the client secret (OIDC Core §10.1); the
    /// others are signed with the server's published keys.
    pub id_token_signed_response_alg: String,
    /// RFC 9126 §6.
    pub require_pushed_authorization_requests: bool,
    /// RFC 9101 §10.5.
    pub require_signed_request_object: bool,
    pub jar_mode: JarMode,
    /// The client's own allow-list of request-object algs; empty means "the server's list".
    pub request_object_algs: Vec<String>,
    /// `false` forbids unsigned request objects for this client even when the server allows them.
    pub allow_unsigned_request_object: bool,
    pub par_mode: ParMode,
    pub jarm_mode: JarmMode,
    pub code_lifetime: i64,
    pub access_token_lifetime: i64,
    pub refresh_token_lifetime: i64,
    pub id_token_lifetime: i64,
}

impl Default for ClientMetadata {
    fn default() -> Self {
        Self {
            client_id: String::new(),
            client_secret: None,
            redirect_uris: Vec::new(),
            response_types: vec!["code".into()],
            grant_types: vec!["authorization_code".into(), "refresh_token".into()],
            token_endpoint_auth_method: "client_secret_basic".into(),
            jwks: None,
            request_object_signing_alg: None,
            authorization_signed_response_alg: None,
            id_token_signed_response_alg: "HS256".into(),
            require_pushed_authorization_requests: false,
            require_signed_request_object: false,
            jar_mode: JarMode::Optional,
            request_object_algs: Vec::new(),
            allow_unsigned_request_object: true,
            par_mode: ParMode::Enabled,
            jarm_mode: JarmMode::Optional,
            code_lifetime: 60,
            access_token_lifetime: 3600,
            refresh_token_lifetime: 86_400,
            id_token_lifetime: 3600,
        }
    }
}

/// The end user every authorization is auto-approved for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TestUser {
    pub sub: String,
    /// Further userinfo claims (`name`, `email`, …), returned as given.
    pub claims: serde_json::Map<String, Value>,
}

impl Default for TestUser {
    fn default() -> Self {
        let mut claims = serde_json::Map::new();
        claims.insert("name".into(), Value::from("Alice Example"));
        claims.insert("email".into(), Value::from("alice@example.com"));
        claims.insert("email_verified".into(), Value::from(true));
        Self {
            sub: "alice".into(),
            claims,
        }
    }
}

/// Everything the server decides for all clients. Times are seconds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerSettings {
    pub profile: ProfileName,
    /// Free text shown by the UI: what the profile is and which parts are assumptions.
    pub description: String,
    pub issuer: String,
    /// Request-object algs the server accepts (before the client's own list narrows it).
    pub request_object_algs: Vec<String>,
    pub request_parameter_supported: bool,
    /// RFC 9101 §10.5; PingOne `requireSignedRequestObject`.
    pub require_signed_request_object: bool,
    /// PingOne `supportUnsignedRequestObject`; refused together with the flag above.
    pub allow_unsigned_request_object: bool,
    pub par_mode: ParMode,
    /// FAPI 2.0 style: a request object only inside a PAR body, never by value at authorize.
    pub jar_only_via_par: bool,
    /// RFC 9101 §10.8: require the header `typ: oauth-authz-req+jwt`.
    pub require_request_object_typ: bool,
    /// Longest accepted `exp − nbf` (or `exp − iat`, or `exp − now`).
    pub request_object_max_lifetime: i64,
    pub clock_skew: i64,
    pub require_exp: bool,
    pub require_nbf: bool,
    pub require_jti: bool,
    pub jti_replay_protection: bool,
    pub jti_cache_capacity: usize,
    pub request_object_max_bytes: usize,
    /// Reject a query parameter that differs from the same claim in the request object
    /// (instead of letting the request object win, RFC 9101 §6.3).
    pub reject_param_mismatch: bool,
    /// Accept the authorize endpoint URL as request-object `aud`, besides the issuer.
    pub accept_endpoint_as_audience: bool,
    pub par_request_uri_lifetime: i64,
    pub par_body_max_bytes: usize,
    pub authorization_response_iss_parameter: bool,
    pub jarm_enabled: bool,
    pub jarm_lifetime: i64,
    pub pkce_required: bool,
    pub pkce_plain_allowed: bool,
    /// Longest accepted `exp − now` of a client assertion (PingOne: one hour); `0` = no limit.
    pub client_assertion_max_lifetime: i64,
    pub error_format: ErrorFormat,
    pub event_log_capacity: usize,
    pub test_user: TestUser,
    /// Show a consent page before answering an authorization request (for demonstrations:
    /// the user approves or denies; a denial is `access_denied`, RFC 6749 §4.1.2.1).
    pub consent_step: bool,
    /// RFC 8628 §3.2 `expires_in` of a device code (REQUIRED in the answer; the RFC gives no
    /// value, §3.1's example uses 1800 — this server's default is 600, ten minutes).
    pub device_code_lifetime: i64,
    /// RFC 8628 §3.2 `interval`: the seconds a device waits between polls ("If no value is
    /// provided, clients MUST use 5 as the default", so 5 is the default here too).
    pub device_poll_interval: i64,
    /// Signing-key rotation: how long a replaced key stays in the JWKS beside the new one, so
    /// tokens it signed still verify (seconds; 0 retires it at once).
    pub signing_key_overlap: i64,
}

impl Default for ServerSettings {
    fn default() -> Self {
        super::profiles::hardened("https://mock.as.example")
    }
}

impl ServerSettings {
    /// Refuses settings that contradict themselves, as PingOne's API refuses
    /// `requireSignedRequestObject` and `supportUnsignedRequestObject` both true.
    pub fn validate(&self) -> Result<(), String> {
        if self.require_signed_request_object && self.allow_unsigned_request_object {
            return Err("require_signed_request_object and allow_unsigned_request_object cannot both be true".into());
        }
        if crate::protocol::UrlParts::split(&self.issuer).is_none() {
            return Err(format!("issuer \"{}\" is not an absolute URL", self.issuer));
        }
        if self.par_request_uri_lifetime < 1 {
            return Err("par_request_uri_lifetime must be at least 1 second".into());
        }
        if self.profile == ProfileName::PingOne && self.par_request_uri_lifetime > 600 {
            return Err("PingOne's parTimeout is 1–600 seconds".into());
        }
        if self.device_code_lifetime < 1 || self.device_poll_interval < 1 {
            return Err("device_code_lifetime and device_poll_interval must be at least 1 second".into());
        }
        if self.signing_key_overlap < 0 {
            return Err("signing_key_overlap cannot be negative".into());
        }
        if self.jti_cache_capacity == 0 && self.jti_replay_protection {
            return Err("jti_cache_capacity must be at least 1 while jti replay protection is on".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_secret_is_redacted_in_debug() {
        let client = ClientMetadata {
            client_secret: Some(Secret::new("super-secret-value")),
            ..ClientMetadata::default()
        };
        assert!(!format!("{client:?}").contains("super-secret-value"));
    }

    #[test]
    fn unknown_client_member_is_refused() {
        assert!(serde_json::from_str::<ClientMetadata>(r#"{"client_id":"a","redirect_uri":"x"}"#).is_err());
    }

    #[test]
    fn signed_required_and_unsigned_allowed_is_refused() {
        let settings = ServerSettings {
            require_signed_request_object: true,
            allow_unsigned_request_object: true,
            ..ServerSettings::default()
        };
        assert!(settings.validate().is_err());
    }
}
