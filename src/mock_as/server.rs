//! The server's state, its construction and configuration API (what the UI wraps), and
//! `handle`: routing an HTTP-shaped request to an endpoint.

use std::collections::{BTreeMap, HashMap};

use rand_core::CryptoRngCore;
use serde_json::{json, Value};

use super::checks::{Check, Failure};
use super::events::{Event, EventLog, PROTOCOL, SECURITY};
use super::replay::ReplayCache;
use super::settings::{ClientMetadata, ErrorFormat, ServerSettings};
use super::token_store::TokenStore;
use super::tokens::{AccessToken, AuthorizationCode, PushedRequest, RefreshToken};
use crate::clock::{Clock, UnixTime};
use crate::http::{Method, Request, Response};
use crate::jose::base64url;
use crate::protocol::UrlParts;

/// Authorization parameters by name. RFC 6749 §3.1: a parameter is sent at most once; the
/// first occurrence is kept.
pub type Params = BTreeMap<String, String>;

pub(super) fn params_from_pairs(pairs: Vec<(String, String)>) -> Params {
    let mut params = Params::new();
    for (k, v) in pairs {
        match params.get_mut(&k) {
            // RFC 8707 §2: "multiple resource parameters MAY be used"; kept space-separated
            // (an absolute URI has no space, so the join is unambiguous).
            Some(values) if k == crate::protocol::param::RESOURCE => {
                values.push(' ');
                values.push_str(&v);
            }
            Some(_) => {}
            None => {
                params.insert(k, v);
            }
        }
    }
    params
}

/// The first parameter name sent more than once (RFC 6749 §3.1: "MUST NOT be included more
/// than once"), if any; `resource` may repeat (RFC 8707 §2).
pub(super) fn duplicate_parameter(pairs: &[(String, String)]) -> Option<String> {
    let mut seen = std::collections::HashSet::new();
    pairs
        .iter()
        .filter(|(k, _)| k != crate::protocol::param::RESOURCE)
        .find(|(k, _)| !seen.insert(k.as_str()))
        .map(|(k, _)| k.clone())
}

pub(super) fn duplicate_failure(name: String) -> Failure {
    Failure::new(
        Check::RequestDuplicateParameter,
        format!("{name} at most once"),
        format!("{name} repeated"),
    )
}

/// Endpoint paths, relative to the issuer's path (PingOne's layout: `{issuer}/authorize`).
pub mod path {
    pub const DISCOVERY: &str = "/.well-known/openid-configuration";
    pub const JWKS: &str = "/jwks";
    pub const PAR: &str = "/par";
    pub const AUTHORIZE: &str = "/authorize";
    pub const TOKEN: &str = "/token";
    pub const USERINFO: &str = "/userinfo";
    /// Where the consent page posts the user's decision.
    pub const CONSENT: &str = "/authorize/consent";
    /// RFC 7662 §2.
    pub const INTROSPECTION: &str = "/introspect";
    /// RFC 7009 §2.
    pub const REVOCATION: &str = "/revoke";
    /// RFC 7591 §3 client registration.
    pub const REGISTRATION: &str = "/register";
    /// RFC 8628 §3.1 device authorization endpoint.
    pub const DEVICE_AUTHORIZATION: &str = "/device_authorization";
    /// RFC 8628 §3.3 `verification_uri`: the page the user enters the user code on.
    pub const DEVICE_VERIFICATION: &str = "/device";
}

/// Why a configuration call was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

/// The in-process authorization server.
pub struct AuthorizationServer {
    pub(super) settings: ServerSettings,
    pub(super) clients: BTreeMap<String, ClientMetadata>,
    pub(super) clock: Box<dyn Clock>,
    pub(super) rng: Box<dyn CryptoRngCore>,
    /// Request-object and client-assertion `jti`s, keyed with a prefix per kind.
    pub(super) replay: ReplayCache,
    pub(super) pushed: HashMap<String, PushedRequest>,
    /// Validated authorization requests waiting on the consent page, by ticket.
    pub(super) consents: HashMap<String, super::authorize::PendingConsent>,
    /// When expired codes, tokens and pushed requests were last swept out.
    pub(super) last_prune: UnixTime,
    pub(super) codes: HashMap<String, AuthorizationCode>,
    /// Issued access tokens by handle (the token, or a JWT's jti) and refresh tokens by value,
    /// both bounded by `token_store_capacity`.
    pub(super) access_tokens: TokenStore<AccessToken>,
    pub(super) refresh_tokens: TokenStore<RefreshToken>,
    /// RFC 8628 device authorizations by `device_code` (bounded, see `device.rs`).
    pub(super) device_authorizations: HashMap<String, super::tokens::DeviceAuthorization>,
    pub(super) device_seq: u64,
    pub(super) log: EventLog,
    /// The signing keys and those in their rotation overlap (`keys.rs`).
    pub(super) keys: super::keys::SigningKeys,
    /// Claim values gathered while a request is checked, attached to its event.
    pub(super) details: BTreeMap<String, String>,
    /// Inside `handle_deferred`: the JWTs issued so far, signed after the answer.
    pub(super) deferred: Option<Vec<super::deferred::PendingSignature>>,
    /// Authorization grants issued so far: each grant's tokens share the id `g<n>`.
    pub(super) grants_issued: u64,
    /// RFC 9449 §8: the current DPoP nonce and the one before it (`dpop.rs`).
    pub(super) dpop_nonces: Vec<super::dpop::ServerNonce>,
}

impl std::fmt::Debug for AuthorizationServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthorizationServer")
            .field("issuer", &self.settings.issuer)
            .field("clients", &self.clients.len())
            .finish_non_exhaustive()
    }
}

impl AuthorizationServer {
    /// A server with `settings`, reading time from `clock` and drawing codes, tokens and
    /// `request_uri`s from `rng`.
    pub fn new(
        settings: ServerSettings,
        clock: Box<dyn Clock>,
        rng: Box<dyn CryptoRngCore>,
    ) -> Result<Self, ConfigError> {
        settings.validate().map_err(ConfigError)?;
        let token_capacity = settings.token_store_capacity;
        Ok(Self {
            replay: ReplayCache::new(settings.jti_cache_capacity),
            log: EventLog::new(settings.event_log_capacity),
            keys: super::keys::SigningKeys::default(),
            settings,
            clients: BTreeMap::new(),
            clock,
            rng,
            pushed: HashMap::new(),
            consents: HashMap::new(),
            last_prune: UnixTime::MIN,
            codes: HashMap::new(),
            access_tokens: TokenStore::new(token_capacity),
            refresh_tokens: TokenStore::new(token_capacity),
            device_authorizations: HashMap::new(),
            device_seq: 0,
            details: BTreeMap::new(),
            deferred: None,
            grants_issued: 0,
            dpop_nonces: Vec::new(),
        })
    }

    pub fn issuer(&self) -> &str {
        &self.settings.issuer
    }

    pub fn settings(&self) -> &ServerSettings {
        &self.settings
    }

    /// Replaces the settings (validated first).
    pub fn configure(&mut self, settings: ServerSettings) -> Result<(), ConfigError> {
        settings.validate().map_err(ConfigError)?;
        self.replay.set_capacity(settings.jti_cache_capacity);
        self.log.set_capacity(settings.event_log_capacity);
        self.access_tokens.set_capacity(settings.token_store_capacity);
        self.refresh_tokens.set_capacity(settings.token_store_capacity);
        self.settings = settings;
        Ok(())
    }

    /// Merges a JSON object of settings into the current ones: members given replace, members
    /// left out stay. A `"profile"` member alone first resets to that preset.
    pub fn configure_json(&mut self, json_text: &str) -> Result<(), ConfigError> {
        let patch: Value = serde_json::from_str(json_text).map_err(|e| ConfigError(format!("settings JSON: {e}")))?;
        let Value::Object(patch) = patch else {
            return Err(ConfigError("settings must be a JSON object".into()));
        };
        let base = match patch.get("profile") {
            Some(name) if patch.len() == 1 || patch.contains_key("reset") => {
                let name = serde_json::from_value(name.clone()).map_err(|e| ConfigError(format!("profile: {e}")))?;
                super::profiles::preset(name, &self.settings.issuer)
            }
            _ => self.settings.clone(),
        };
        let mut current = serde_json::to_value(&base).map_err(|e| ConfigError(e.to_string()))?;
        if let Value::Object(current) = &mut current {
            for (k, v) in patch {
                if k != "reset" {
                    current.insert(k, v);
                }
            }
        }
        let settings = serde_json::from_value(current).map_err(|e| ConfigError(format!("settings: {e}")))?;
        self.configure(settings)
    }

    pub fn settings_json(&self) -> Value {
        serde_json::to_value(&self.settings).unwrap_or(Value::Null)
    }

    /// Registers (or replaces) a client, through the same validation as `registerClient` and
    /// the registration endpoint (`registration.rs`).
    pub fn register_client(&mut self, client: ClientMetadata) -> Result<&ClientMetadata, ConfigError> {
        self.store_client(client)
            .map_err(|failure| ConfigError(format!("{}: {}", failure.info().error, failure.description())))
    }

    /// Every registered client's metadata as a JSON array (secrets included: the UI edits them).
    pub fn clients_json(&self) -> Value {
        Value::Array(
            self.clients
                .values()
                .filter_map(|c| serde_json::to_value(c).ok())
                .collect(),
        )
    }

    /// Removes a client; `true` if it was registered.
    pub fn unregister_client(&mut self, client_id: &str) -> bool {
        self.clients.remove(client_id).is_some()
    }

    /// The check table as JSON, for the UI and docs.
    pub fn checks_json() -> Value {
        serde_json::to_value(super::checks::checks()).unwrap_or(Value::Null)
    }

    pub fn client(&self, client_id: &str) -> Option<&ClientMetadata> {
        self.clients.get(client_id)
    }

    pub fn clients(&self) -> impl Iterator<Item = &ClientMetadata> {
        self.clients.values()
    }

    pub fn events(&self) -> impl Iterator<Item = &Event> {
        self.log.events()
    }

    pub fn last_event(&self) -> Option<&Event> {
        self.log.last()
    }

    /// The event log as a JSON array (oldest first).
    pub fn events_json(&self) -> Value {
        Value::Array(self.log.events_json())
    }

    /// The event log as JSON lines, one event per line (the audit export).
    pub fn events_json_lines(&self) -> String {
        self.log.json_lines()
    }

    /// The `prev_hash` the oldest kept event links to: the genesis hash, or the hash of the
    /// last event the bounded log dropped.
    pub fn audit_anchor(&self) -> &str {
        self.log.anchor()
    }

    /// Verifies the audit chain of the kept events (see `events::verify_chain`).
    pub fn verify_audit_chain(&self) -> Result<(), super::events::BrokenLink> {
        self.log.verify()
    }

    pub fn counters(&self) -> &BTreeMap<String, u64> {
        self.log.counters()
    }

    pub fn clear_events(&mut self) {
        self.log.clear();
    }

    pub fn now(&self) -> UnixTime {
        self.clock.now()
    }

    /// The URL of an endpoint (`path::PAR`, …).
    pub fn endpoint(&self, path: &str) -> String {
        format!("{}{path}", self.settings.issuer.trim_end_matches('/'))
    }

    /// Answers one HTTP-shaped request, as a real server would.
    pub fn handle(&mut self, request: &Request) -> Response {
        self.details.clear();
        let issuer_path = UrlParts::split(&self.settings.issuer)
            .map(|p| p.path.trim_end_matches('/').to_string())
            .unwrap_or_default();
        let Some(url) = UrlParts::split(&request.url) else {
            return plain(400, "text/plain", "the request URL is not absolute");
        };
        let Some(route) = url.path.strip_prefix(issuer_path.as_str()) else {
            return plain(404, "text/plain", "not found");
        };
        match (route, request.method) {
            (path::DISCOVERY, Method::Get) => self.discovery_response(),
            (path::JWKS, Method::Get) => json_response(200, &self.published_jwks()),
            (path::PAR, _) => self.pushed_authorization_endpoint(request),
            (path::AUTHORIZE, _) => self.authorization_endpoint(request, &url),
            (path::CONSENT, Method::Post) => self.consent_decision(request),
            (path::TOKEN, Method::Post) => self.token_endpoint(request),
            (path::USERINFO, _) => self.userinfo_endpoint(request),
            (path::REGISTRATION, Method::Post) => self.registration_endpoint(request),
            (path::REGISTRATION, _) => plain(405, "text/plain", "method not allowed"),
            (path::DEVICE_AUTHORIZATION, _) => self.device_authorization_endpoint(request),
            (path::DEVICE_VERIFICATION, Method::Get) => self.device_verification_page(&url),
            (path::DEVICE_VERIFICATION, Method::Post) => self.device_verification_decision(request),
            (path::DISCOVERY | path::JWKS | path::TOKEN | path::CONSENT, _) => {
                plain(405, "text/plain", "method not allowed")
            }
            (path::INTROSPECTION, Method::Post) => self.introspection_endpoint(request),
            (path::REVOCATION, Method::Post) => self.revocation_endpoint(request),
            // RFC 7662 §2.1 and RFC 7009 §2.1: both take POST only.
            (path::INTROSPECTION | path::REVOCATION, _) => plain(405, "text/plain", "method not allowed"),
            _ => plain(404, "text/plain", "not found"),
        }
    }

    /// `n` random bytes, base64url: codes, tokens and `request_uri` references.
    pub(super) fn random_token(&mut self, bytes: usize) -> String {
        let mut buf = vec![0u8; bytes];
        self.rng.fill_bytes(&mut buf);
        base64url::encode(buf)
    }

    pub(super) fn detail(&mut self, key: &str, value: impl ToString) {
        self.details.insert(key.to_string(), value.to_string());
    }

    /// Records a failed check as an event.
    pub(super) fn record_failure(&mut self, endpoint: &str, client_id: Option<&str>, failure: &Failure) {
        let info = failure.info();
        let (name, category) = if info.code.starts_with("jar.") {
            ("jar.validation_failed", SECURITY)
        } else if info.code.starts_with("client.") {
            ("client.authentication_failed", SECURITY)
        } else if info.code.starts_with("dpop.") {
            // RFC 9449 §11: a refused proof may be a replayed or stolen one.
            ("dpop.proof_rejected", SECURITY)
        } else if info.code.starts_with("registration.initial_access_token") {
            ("client.registration_refused", SECURITY)
        } else if info.code.starts_with("registration.") {
            ("client.registration_refused", PROTOCOL)
        } else {
            ("request.rejected", PROTOCOL)
        };
        self.detail("expected", &failure.expected);
        self.detail("actual", &failure.actual);
        self.push_event(
            name,
            category,
            endpoint,
            client_id,
            Some(info.code),
            "failure",
            Some(info.clause),
        );
    }

    pub(super) fn record(
        &mut self,
        name: &str,
        category: &'static str,
        endpoint: &str,
        client_id: Option<&str>,
        outcome: &'static str,
    ) {
        self.push_event(name, category, endpoint, client_id, None, outcome, None);
    }

    /// Logs one event carrying the details gathered while the request was checked.
    #[allow(clippy::too_many_arguments)]
    fn push_event(
        &mut self,
        name: &str,
        category: &'static str,
        endpoint: &str,
        client_id: Option<&str>,
        check: Option<&'static str>,
        outcome: &'static str,
        clause: Option<&'static str>,
    ) {
        let details = std::mem::take(&mut self.details);
        self.log.push(Event {
            seq: 0,
            time: self.clock.now(),
            name: name.into(),
            category,
            endpoint: endpoint.into(),
            client_id: client_id.map(str::to_string),
            check,
            outcome,
            clause,
            details,
            prev_hash: String::new(),
            hash: String::new(),
        });
    }

    /// A back-channel error (PAR, token, userinfo): RFC 6749 §5.2 JSON, or PingOne's envelope.
    pub(super) fn error_json(&mut self, endpoint: &str, client_id: Option<&str>, failure: &Failure) -> Response {
        self.record_failure(endpoint, client_id, failure);
        let info = failure.info();
        let mut response = match self.settings.error_format {
            ErrorFormat::OAuth => json_response(
                info.status,
                &json!({ "error": info.error, "error_description": failure.error_description() }),
            ),
            ErrorFormat::PingOne => {
                let id = self.random_token(16);
                json_response(info.status, &pingone_envelope(&id, failure))
            }
        };
        if info.status == 401 && info.error == crate::protocol::error::INVALID_TOKEN {
            response
                .headers
                .append("WWW-Authenticate", format!("Bearer error=\"{}\"", info.error));
        } else if info.status == 401 {
            // RFC 6749 §5.2: invalid_client answered 401 carries WWW-Authenticate.
            response.headers.append("WWW-Authenticate", "Basic realm=\"mock-as\"");
        }
        response
    }
}

/// PingOne's API error envelope. ASSUMPTION beyond the documented INVALID_DATA /
/// INVALID_VALUE / target `request` case: the mapping of other checks to codes and targets.
pub(super) fn pingone_envelope(id: &str, failure: &Failure) -> Value {
    let info = failure.info();
    let (target, message) = match failure.check {
        Check::JarRequestRequired => (
            "request",
            "The \"request\" must be supplied when requireSignedRequestObject is on.".to_string(),
        ),
        _ => {
            let target = match info.code.split('.').next().unwrap_or_default() {
                "jar" => "request",
                "par" => "request_uri",
                "client" => "client_id",
                "token" => "code",
                "userinfo" => "access_token",
                _ => "request",
            };
            (target, failure.description())
        }
    };
    let code = match info.status {
        401 => "UNAUTHORIZED",
        405 => "METHOD_NOT_ALLOWED",
        413 => "REQUEST_TOO_LARGE",
        500 => "UNEXPECTED_ERROR",
        _ => "INVALID_DATA",
    };
    json!({
        "id": id,
        "code": code,
        "message": "The request could not be completed. One or more validation errors were in the request.",
        "details": [{ "code": "INVALID_VALUE", "target": target, "message": message }],
    })
}

/// The token of an `Authorization: Bearer` header (RFC 6750 §2.1).
pub(super) fn bearer_token(request: &Request) -> Option<String> {
    authorization_token(request, "Bearer")
}

/// The token of an `Authorization` header with `scheme` (`Bearer`, or `DPoP`: RFC 9449 §7.1).
pub(super) fn authorization_token(request: &Request, scheme: &str) -> Option<String> {
    request
        .headers
        .get("Authorization")
        .and_then(|h| h.split_once(' '))
        .filter(|(used, _)| used.eq_ignore_ascii_case(scheme))
        .map(|(_, token)| token.trim().to_string())
}

pub(super) fn json_response(status: u16, body: &Value) -> Response {
    let mut response = Response::new(status);
    response.headers.append("Content-Type", "application/json");
    // RFC 6749 §5.1: token responses (and errors) must not be cached.
    response.headers.append("Cache-Control", "no-store");
    response.body = body.to_string().into_bytes();
    response
}

pub(super) fn plain(status: u16, content_type: &str, body: &str) -> Response {
    let mut response = Response::new(status);
    response.headers.append("Content-Type", content_type);
    response.body = body.as_bytes().to_vec();
    response
}

/// Escapes text for HTML element content and attribute values.
pub(super) fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
