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

/// RFC 9068: what an access token is. `Jwt` is a signed `at+jwt` any resource server can
/// verify with the published keys; `Opaque` is a random reference only this server can read
/// (through introspection, RFC 7662).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum AccessTokenFormat {
    #[default]
    Opaque,
    Jwt,
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
    /// FAPI 2.0 Security Profile (final): PAR, code + S256 PKCE, private_key_jwt, DPoP.
    Fapi2Security,
    /// FAPI 2.0 Message Signing: the Security Profile plus signed request objects and JARM.
    Fapi2MessageSigning,
}

/// A registered client. RFC 7591 §2: "The authorization server MUST ignore any client
/// metadata sent by the client that it does not understand" — so members outside this struct
/// are collected in `unrecognised` (never stored, never serialised) and the registration answer
/// lists them back as `ignored_metadata`, so a misspelt member is still visible
/// (`registration.rs`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
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
    /// JARM §3: the alg of signed authorization responses; "The default, if omitted, is
    /// RS256" (applied where the response is signed, `response.rs`).
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
    /// OIDC Registration §2: the alg of `private_key_jwt` / `client_secret_jwt` assertions;
    /// when set, the token and PAR endpoints refuse an assertion signed with any other. Left
    /// out, any alg the server supports for the method is accepted (its default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_endpoint_auth_signing_alg: Option<String>,
    /// OIDC Registration §2: set, userinfo answers a JWT signed with this alg; left out (the
    /// default), plain JSON.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub userinfo_signed_response_alg: Option<String>,
    /// RFC 7591 §2: a URL of the client's JWKS. Registration refuses it: the in-page server has
    /// no network to fetch it from, so `jwks` (by value) is the way in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jwks_uri: Option<String>,
    /// RFC 7591 §2: scopes the client may request, space-separated; when set, authorize refuses
    /// any other with `invalid_scope`, and a client credentials request is limited to them
    /// (RFC 6749 §3.3). Left out, any scope the server knows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// RFC 7591 §2: shown on the consent page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_name: Option<String>,
    /// RFC 7591 §2 informational members, kept and answered back.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logo_uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tos_uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_uri: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub contacts: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub software_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub software_version: Option<String>,
    /// OIDC Registration §2: seconds. This server authenticates its test user at every
    /// authorization (`auth_time` = now), so any maximum age is met; the value is validated
    /// and kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_max_age: Option<i64>,
    /// OIDC Registration §2 (default false). This server puts `auth_time` in every ID token,
    /// so `true` is always honoured.
    pub require_auth_time: bool,
    /// OIDC RP-Initiated Logout §3.1: absolute URIs, validated like redirect URIs and kept
    /// (this server has no end-session endpoint).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub post_logout_redirect_uris: Vec<String>,
    /// RFC 9449 §5.2 (default false): when true, every token request of this client must carry
    /// a DPoP proof, so its access tokens are always sender-constrained.
    pub dpop_bound_access_tokens: bool,
    /// OIDC Registration §2: request objects are signed, then encrypted with this alg
    /// (`_enc` defaults to A128CBC-HS256 when the alg is given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_object_encryption_alg: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_object_encryption_enc: Option<String>,
    /// JARM §3: authorization responses are signed, then encrypted with this alg.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorization_encrypted_response_alg: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorization_encrypted_response_enc: Option<String>,
    /// OIDC Registration §2: ID tokens are signed, then encrypted with this alg.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token_encrypted_response_alg: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token_encrypted_response_enc: Option<String>,
    /// OIDC Registration §2: userinfo responses are encrypted with this alg.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub userinfo_encrypted_response_alg: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub userinfo_encrypted_response_enc: Option<String>,
    /// Members this server does not understand, gathered while parsing; the registration
    /// takes them out and lists them as `ignored_metadata`.
    #[serde(flatten, skip_serializing)]
    pub unrecognised: serde_json::Map<String, Value>,
}

impl Default for ClientMetadata {
    fn default() -> Self {
        Self {
            client_id: String::new(),
            client_secret: None,
            redirect_uris: Vec::new(),
            // RFC 7591 §2 response_types: "If omitted, the default is that the client will use
            // only the \"code\" response type."
            response_types: vec!["code".into()],
            // RFC 7591 §2 grant_types: "If omitted, the default behavior is that the client
            // will use only the \"authorization_code\" Grant Type."
            grant_types: vec!["authorization_code".into()],
            // RFC 7591 §2 token_endpoint_auth_method: "If unspecified or omitted, the default
            // is \"client_secret_basic\"".
            token_endpoint_auth_method: "client_secret_basic".into(),
            jwks: None,
            request_object_signing_alg: None,
            authorization_signed_response_alg: None,
            // OIDC Registration §2 id_token_signed_response_alg: "The default, if omitted, is
            // RS256." (HS256 needs a secret a public client does not have.)
            id_token_signed_response_alg: "RS256".into(),
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
            token_endpoint_auth_signing_alg: None,
            userinfo_signed_response_alg: None,
            jwks_uri: None,
            scope: None,
            client_name: None,
            client_uri: None,
            logo_uri: None,
            tos_uri: None,
            policy_uri: None,
            contacts: Vec::new(),
            software_id: None,
            software_version: None,
            default_max_age: None,
            require_auth_time: false,
            post_logout_redirect_uris: Vec::new(),
            dpop_bound_access_tokens: false,
            request_object_encryption_alg: None,
            request_object_encryption_enc: None,
            authorization_encrypted_response_alg: None,
            authorization_encrypted_response_enc: None,
            id_token_encrypted_response_alg: None,
            id_token_encrypted_response_enc: None,
            userinfo_encrypted_response_alg: None,
            userinfo_encrypted_response_enc: None,
            unrecognised: serde_json::Map::new(),
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
    /// RFC 9068: opaque references or signed JWT access tokens.
    pub access_token_format: AccessTokenFormat,
    /// The alg of JWT access tokens: asymmetric only, since resource servers verify them with
    /// the published keys (RFC 9068 §4); RS256 is the one RFC 9068 §2.1 says every
    /// implementation must support.
    pub access_token_signing_alg: String,
    /// RFC 8707 §2: the resource indicators this server issues tokens for; a `resource`
    /// outside this list is `invalid_target`.
    pub resources: Vec<String>,
    /// How many access tokens and how many refresh tokens are remembered at once (for
    /// introspection, revocation, userinfo); when full, an expired one and then the oldest
    /// is forgotten, like the jti replay cache.
    pub token_store_capacity: usize,
    /// RFC 7591 §3: when set, the registration endpoint is a protected resource and requires
    /// this initial access token as a Bearer token (RFC 6750 §2.1). Never saved or exported
    /// without the user's opt-in (it is a credential).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registration_initial_access_token: Option<Secret>,
    /// RFC 8628 §3.2 `expires_in` of a device code (REQUIRED in the answer; the RFC gives no
    /// value, §3.1's example uses 1800 — this server's default is 600, ten minutes).
    pub device_code_lifetime: i64,
    /// RFC 8628 §3.2 `interval`: the seconds a device waits between polls ("If no value is
    /// provided, clients MUST use 5 as the default", so 5 is the default here too).
    pub device_poll_interval: i64,
    /// Signing-key rotation: how long a replaced key stays in the JWKS beside the new one, so
    /// tokens it signed still verify (seconds; 0 retires it at once).
    pub signing_key_overlap: i64,
    /// RFC 9449 §5.1 `dpop_signing_alg_values_supported`: the asymmetric algs a DPoP proof may
    /// use (§4.3 point 5).
    pub dpop_signing_algs: Vec<String>,
    /// RFC 9449 §4.3 point 11 and §11.1: how old (seconds, before clock skew) a proof's `iat`
    /// may be; a proof from further ahead than the clock skew is refused too.
    pub dpop_proof_max_age: i64,
    /// RFC 9449 §8: require a server-issued nonce in every proof (answered `use_dpop_nonce`
    /// with a `DPoP-Nonce` header when missing or no longer valid).
    pub dpop_nonce_required: bool,
    /// How long (seconds) a server nonce stays valid; a new one is issued once the current is
    /// half that old, and the one before stays valid until it expires (§8: rotation).
    pub dpop_nonce_lifetime: i64,
    /// RFC 8414 §2 `response_types_supported`: the response types authorize accepts (FAPI 2.0
    /// Security Profile §5.3.2.2: `code` only).
    pub response_types: Vec<String>,
    /// RFC 8414 §2 `token_endpoint_auth_methods_supported`: the client authentication methods
    /// this server accepts at every endpoint and at registration (FAPI 2.0 Security Profile
    /// §5.3.2.1: `private_key_jwt` or MTLS; this server has no MTLS).
    pub token_endpoint_auth_methods: Vec<String>,
    /// The algs a client assertion may use (FAPI 2.0 Security Profile §5.4.1: PS256, ES256,
    /// EdDSA); empty means every alg this server verifies for the method.
    pub client_assertion_algs: Vec<String>,
    /// FAPI 2.0 Security Profile §5.3.2.1 (sender-constrained access tokens only): every token
    /// request must carry a DPoP proof, whatever the client registered.
    pub require_dpop: bool,
    /// Upper bound on every client's `code_lifetime` (FAPI 2.0 Security Profile §5.3.2.1: at
    /// most 60 s); `0` = each client's own lifetime.
    pub authorization_code_max_lifetime: i64,
    /// JARM for every client, whatever its `jarm_mode` (FAPI 2.0 Message Signing §5.4).
    pub require_jarm: bool,
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
        if self.token_store_capacity == 0 {
            return Err("token_store_capacity must be at least 1".into());
        }
        let alg = self.access_token_signing_alg.as_str();
        if !super::crypto::SUPPORTED_ALGS.contains(&alg) || alg.starts_with("HS") {
            return Err(format!(
                "access_token_signing_alg \"{alg}\" must be an asymmetric alg this server signs with \
                 (RFC 9068 §4: resource servers verify with the published keys)"
            ));
        }
        for resource in &self.resources {
            if let Err(why) = resource_indicator_problem(resource) {
                return Err(format!("resources: \"{resource}\" {why}"));
            }
        }
        if self.device_code_lifetime < 1 || self.device_poll_interval < 1 {
            return Err("device_code_lifetime and device_poll_interval must be at least 1 second".into());
        }
        if self.signing_key_overlap < 0 {
            return Err("signing_key_overlap cannot be negative".into());
        }
        for alg in &self.dpop_signing_algs {
            if !super::crypto::SUPPORTED_ALGS.contains(&alg.as_str()) || alg.starts_with("HS") {
                return Err(format!(
                    "dpop_signing_algs: \"{alg}\" is not an asymmetric alg this server verifies (RFC 9449 §4.3 point 5)"
                ));
            }
        }
        if self.dpop_proof_max_age < 1 || self.dpop_nonce_lifetime < 2 {
            return Err("dpop_proof_max_age must be at least 1 second, dpop_nonce_lifetime at least 2".into());
        }
        if self.response_types.is_empty() {
            return Err("response_types must list at least one response type".into());
        }
        if let Some(unknown) = self
            .response_types
            .iter()
            .find(|t| !crate::protocol::response_type::ALL.contains(&t.as_str()))
        {
            return Err(format!(
                "response_types: \"{unknown}\" is not a response type this server implements"
            ));
        }
        if self.token_endpoint_auth_methods.is_empty() {
            return Err("token_endpoint_auth_methods must list at least one method".into());
        }
        if let Some(unknown) = self
            .token_endpoint_auth_methods
            .iter()
            .find(|m| !crate::protocol::auth_method::ALL.contains(&m.as_str()))
        {
            return Err(format!(
                "token_endpoint_auth_methods: \"{unknown}\" is not a method this server implements"
            ));
        }
        if let Some(unknown) = self
            .client_assertion_algs
            .iter()
            .find(|a| !super::crypto::SUPPORTED_ALGS.contains(&a.as_str()))
        {
            return Err(format!(
                "client_assertion_algs: \"{unknown}\" is not an alg this server verifies"
            ));
        }
        if self.authorization_code_max_lifetime < 0 {
            return Err("authorization_code_max_lifetime cannot be negative (0 = no cap)".into());
        }
        if self.require_jarm && !self.jarm_enabled {
            return Err("require_jarm needs jarm_enabled".into());
        }
        if self.jti_cache_capacity == 0 && self.jti_replay_protection {
            return Err("jti_cache_capacity must be at least 1 while jti replay protection is on".into());
        }
        // The DPoP proof's jti goes into the same cache whatever jti_replay_protection says
        // (that setting is about request objects): with no room, every replayed proof would
        // pass. RFC 9449 §11.1 makes the jti check the server's defence against proof replay.
        if self.jti_cache_capacity == 0 && !self.dpop_signing_algs.is_empty() {
            return Err(
                "jti_cache_capacity must be at least 1 while DPoP proofs are accepted (dpop_signing_algs not empty): a replayed proof is refused by its jti (RFC 9449 §11.1)"
                    .into(),
            );
        }
        Ok(())
    }
}

/// RFC 8707 §2: a resource indicator "MUST be an absolute URI, as specified by Section 4.3 of
/// [RFC3986]" and "MUST NOT include a fragment component".
pub fn resource_indicator_problem(value: &str) -> Result<(), &'static str> {
    let absolute = value.split_once(':').is_some_and(|(scheme, rest)| {
        !rest.is_empty()
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    if !absolute || value.contains(char::is_whitespace) {
        return Err("is not an absolute URI");
    }
    if value.contains('#') {
        return Err("has a fragment component");
    }
    Ok(())
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
    fn unknown_client_members_are_collected_not_refused() {
        let client: ClientMetadata = serde_json::from_str(r#"{"client_id":"a","redirect_uri":"x"}"#).unwrap();
        assert_eq!(client.client_id, "a");
        assert_eq!(client.unrecognised.keys().collect::<Vec<_>>(), ["redirect_uri"]);
        assert!(!serde_json::to_string(&client).unwrap().contains("redirect_uri\""));
    }

    #[test]
    fn resource_indicators_are_absolute_uris_without_fragment() {
        assert_eq!(resource_indicator_problem("https://api.example/"), Ok(()));
        assert_eq!(resource_indicator_problem("urn:example:api"), Ok(()));
        assert!(resource_indicator_problem("/api").is_err());
        assert!(resource_indicator_problem("api.example").is_err());
        assert!(resource_indicator_problem("https://api.example/#x").is_err());
        assert!(resource_indicator_problem("https://api.example/ x").is_err());
    }

    #[test]
    fn jwt_access_tokens_are_never_mac_signed() {
        let settings = ServerSettings {
            access_token_signing_alg: "HS256".into(),
            ..ServerSettings::default()
        };
        assert!(settings.validate().is_err());
    }

    #[test]
    fn an_empty_jti_cache_is_refused_while_dpop_proofs_are_accepted() {
        let settings = ServerSettings {
            jti_replay_protection: false,
            jti_cache_capacity: 0,
            ..ServerSettings::default()
        };
        let refused = settings.validate().expect_err("DPoP replay check would be off");
        assert!(refused.contains("RFC 9449 §11.1"), "{refused}");
        let no_dpop = ServerSettings {
            dpop_signing_algs: Vec::new(),
            ..settings
        };
        assert_eq!(no_dpop.validate(), Ok(()));
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
