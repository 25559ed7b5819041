//! What the user configures (the [`Workspace`]), how it becomes an [`oauth::Config`], and how
//! it survives a reload.
//!
//! Persistence rules (issue "playground UI", item 10): the workspace is saved on every change;
//! the client secret and private keys are written only when the user ticked "remember secrets
//! on this device"; a saved state that no longer parses is read section by section, so one
//! broken section falls back to its default while the others survive, and the unreadable text
//! is set aside under [`SET_ASIDE_KEY`] and reported, never silently dropped.

use std::fmt;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::jose::{Algorithm, Jwk, Jwks, SecretString};
use crate::mock_as::{ClientMetadata, ServerSettings};
use crate::oauth::config::RequestObjectEdit;
use crate::oauth::pingone::{self, PingOneRegion};
use crate::oauth::request_object::RequestObjectOptions;
use crate::oauth::{AuthorizationRequest, ClientEncryption, Config, Delivery, DpopKey, JweChoice, ServerMetadata};
use crate::protocol::{auth_method, grant_type};
use crate::reproducible::Reproducible;

/// `localStorage` key of the saved workspace.
pub const STORAGE_KEY: &str = "oauth-playground.workspace";
/// Where an unreadable saved workspace is moved, so nothing the user had is lost.
pub const SET_ASIDE_KEY: &str = "oauth-playground.workspace.unreadable";
/// The format written today. Version 1 is the first; a document without a version is read
/// as version 1, a newer one is read as far as it can be.
pub const STATE_VERSION: u64 = 1;
/// Saved states larger than this are not parsed (the page must not stall on a huge value
/// someone planted in storage); they are set aside like any unreadable state.
pub const MAX_STATE_BYTES: usize = 2 * 1024 * 1024;

/// The value `request_object_alg` takes for an unsigned request object.
pub const ALG_NONE: &str = "none";

/// A secret typed by the user: serialises as the plain string (it is persisted only on
/// opt-in), prints as its length in `Debug`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(transparent)]
pub struct UiSecret(String);

impl UiSecret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for UiSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UiSecret(<{} bytes redacted>)", self.0.len())
    }
}

/// The relying party as registered with the server.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClientSettings {
    pub client_id: String,
    pub client_secret: Option<UiSecret>,
    /// Registered redirect URIs, the first being the default `redirect_uri`.
    pub redirect_uris: Vec<String>,
    /// `token_endpoint_auth_method` (RFC 7591 §2).
    pub auth_method: String,
    /// The alg of `client_secret_jwt` / `private_key_jwt` assertions.
    pub assertion_alg: String,
    /// `authorization_signed_response_alg` (JARM §3) registered with the mock.
    pub jarm_alg: String,
    /// `id_token_signed_response_alg` (OIDC Registration §2) registered with the mock.
    pub id_token_alg: String,
    /// Re-register the client with the in-page server whenever this panel changes.
    pub sync_registration: bool,
}

impl Default for ClientSettings {
    fn default() -> Self {
        Self {
            client_id: "playground-client".into(),
            client_secret: None,
            redirect_uris: vec!["https://client.example/callback".into()],
            auth_method: auth_method::CLIENT_SECRET_BASIC.into(),
            assertion_alg: "RS256".into(),
            jarm_alg: "RS256".into(),
            id_token_alg: "RS256".into(),
            sync_registration: true,
        }
    }
}

/// A key of the key manager.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyEntry {
    pub jwk: Jwk,
    /// Where it came from ("generated RSA-2048", "imported PEM").
    pub origin: String,
    /// The private part existed but was not remembered across the reload.
    #[serde(default)]
    pub private_forgotten: bool,
}

impl fmt::Debug for KeyEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyEntry")
            .field("kid", &self.jwk.kid)
            .field("kty", &self.jwk.material.kty())
            .field("private", &self.jwk.is_private())
            .field("origin", &self.origin)
            .finish()
    }
}

impl KeyEntry {
    pub fn kid(&self) -> String {
        self.jwk.kid.clone().unwrap_or_else(|| self.jwk.thumbprint())
    }

    /// A key with `use: "enc"` (RFC 7517 §4.2): it decrypts what the server encrypts to the
    /// client and never signs; every other key never decrypts.
    pub fn is_encryption(&self) -> bool {
        self.jwk.key_use.as_deref() == Some("enc")
    }
}

/// The JWE choices the client registers, as names ("" = not encrypted). OIDC Registration §2 /
/// JARM §3: an empty `_enc` with an `_alg` means A128CBC-HS256.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EncryptionSettings {
    /// `request_object_encryption_alg`/`_enc`: request objects signed, then encrypted.
    pub request_object_alg: String,
    pub request_object_enc: String,
    /// `authorization_encrypted_response_alg`/`_enc` (JARM).
    pub jarm_alg: String,
    pub jarm_enc: String,
    /// `id_token_encrypted_response_alg`/`_enc`.
    pub id_token_alg: String,
    pub id_token_enc: String,
    /// `userinfo_encrypted_response_alg`/`_enc`.
    pub userinfo_alg: String,
    pub userinfo_enc: String,
}

impl EncryptionSettings {
    /// A pair of names as a choice; unreadable names (an edited saved state) mean none.
    pub fn choice(alg: &str, enc: &str) -> Option<JweChoice> {
        JweChoice::from_names(alg, enc).ok().flatten()
    }

    /// The registration members for one pair: the alg and the enc it resolves to.
    fn registered(alg: &str, enc: &str) -> (Option<String>, Option<String>) {
        match Self::choice(alg, enc) {
            Some(c) => (Some(c.alg.name().to_string()), Some(c.enc.name().to_string())),
            None => (None, None),
        }
    }
}

/// DPoP (RFC 9449) for the flow. Only the key's `kid` is kept here: the key itself lives in
/// the key manager and follows its rules (its private part is saved only on opt-in).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DpopSettings {
    /// Send proofs at PAR, token, refresh and userinfo, and `dpop_jkt` with the request.
    pub enabled: bool,
    /// The `kid` of an asymmetric key of the key manager that signs the proofs.
    pub key: Option<String>,
}

/// The alg a DPoP proof uses with `jwk`: the key's own `alg` when it names an asymmetric
/// one that fits, otherwise the FAPI 2.0 choice for its type (PS256 for RSA, ES256/ES384 by
/// curve, EdDSA for Ed25519). `None` for a MAC secret (RFC 9449 §4.2: never symmetric).
pub fn dpop_alg(jwk: &Jwk) -> Option<Algorithm> {
    let own = jwk.alg.as_deref().and_then(|a| Algorithm::from_name(a).ok());
    if let Some(alg) = own.filter(|a| a.kty() != "oct" && jwk.fits(*a)) {
        return Some(alg);
    }
    [Algorithm::PS256, Algorithm::ES256, Algorithm::ES384, Algorithm::EdDSA]
        .into_iter()
        .find(|a| jwk.fits(*a))
}

/// Which grant the Run step performs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grant {
    /// The authorization code flow (with its hybrid and implicit variants), as the request
    /// step describes it.
    #[default]
    AuthorizationCode,
    /// RFC 8628: the device authorization grant, a user code typed on another screen and
    /// polling; no redirect.
    DeviceCode,
    /// RFC 6749 §4.4: the client on its own behalf, no user, no browser.
    ClientCredentials,
}

/// Knobs of a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RunSettings {
    /// The grant the Run step performs.
    pub grant: Grant,
    /// New `state`, `nonce` and PKCE verifier for every run (a good client never reuses them).
    pub fresh_values: bool,
    /// Redeem the refresh token once after the code exchange.
    pub refresh: bool,
    pub userinfo: bool,
    /// Seconds of clock skew tolerated when checking `exp`/`iat`.
    pub leeway: i64,
}

impl Default for RunSettings {
    fn default() -> Self {
        Self {
            grant: Grant::AuthorizationCode,
            fresh_values: true,
            refresh: false,
            userinfo: true,
            leeway: 60,
        }
    }
}

/// Which authorization server the client talks to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    /// The mock server compiled into the page (nothing else needed).
    #[default]
    InPage,
    /// Any OAuth 2.0 / OpenID Connect server: an issuer to discover, or endpoints by hand.
    External,
    /// A PingOne environment: region + environment id name every endpoint.
    PingOne,
}

/// Endpoints typed in by hand, for servers whose discovery a page cannot fetch.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ManualEndpoints {
    pub authorization_endpoint: String,
    pub pushed_authorization_request_endpoint: String,
    pub token_endpoint: String,
    pub jwks_uri: String,
    pub userinfo_endpoint: String,
}

/// The server the flow runs against, and how its metadata is known.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TargetSettings {
    pub kind: TargetKind,
    /// External: the issuer identifier (its discovery document is fetched unless `manual`).
    pub issuer: String,
    /// External: use `endpoints` instead of discovery.
    pub manual: bool,
    pub endpoints: ManualEndpoints,
    /// PingOne: the region's domain (`com`, `eu`, `ca`, `asia`, `com.au`).
    pub pingone_region: String,
    pub pingone_environment_id: String,
}

impl TargetSettings {
    pub fn pingone_region(&self) -> PingOneRegion {
        PingOneRegion::from_domain(&self.pingone_region).unwrap_or_default()
    }

    /// The issuer the client expects: the in-page server's, the one typed in, or the PingOne
    /// environment's (empty while the environment id is not one).
    pub fn issuer(&self, in_page: &str) -> String {
        match self.kind {
            TargetKind::InPage => in_page.to_string(),
            TargetKind::External => self.issuer.trim().to_string(),
            TargetKind::PingOne => {
                pingone::issuer(self.pingone_region(), &self.pingone_environment_id).unwrap_or_default()
            }
        }
    }

    /// Metadata known without asking the server: endpoints typed in, or a PingOne
    /// environment's. `Ok(None)` means "discover it".
    pub fn given_metadata(&self) -> Result<Option<ServerMetadata>, String> {
        match self.kind {
            TargetKind::InPage => Ok(None),
            TargetKind::External if !self.manual => Ok(None),
            TargetKind::External => {
                let e = &self.endpoints;
                let field = |name: &str, value: &str| -> Result<Option<String>, String> {
                    let value = value.trim();
                    if value.is_empty() {
                        return Ok(None);
                    }
                    match crate::protocol::UrlParts::split(value) {
                        Some(u) if u.scheme == "https" || u.scheme == "http" => Ok(Some(value.to_string())),
                        _ => Err(format!("{name}: \"{value}\" is not an http(s) URL")),
                    }
                };
                let issuer = self.issuer.trim();
                if issuer.is_empty() {
                    return Err("the issuer is empty: the ID token's and JARM's iss are checked against it".into());
                }
                let authorization_endpoint = field("authorization_endpoint", &e.authorization_endpoint)?;
                if authorization_endpoint.is_none() {
                    return Err("authorization_endpoint is empty: the browser has nowhere to go".into());
                }
                Ok(Some(ServerMetadata {
                    issuer: issuer.to_string(),
                    authorization_endpoint,
                    pushed_authorization_request_endpoint: field(
                        "pushed_authorization_request_endpoint",
                        &e.pushed_authorization_request_endpoint,
                    )?,
                    token_endpoint: field("token_endpoint", &e.token_endpoint)?,
                    jwks_uri: field("jwks_uri", &e.jwks_uri)?,
                    userinfo_endpoint: field("userinfo_endpoint", &e.userinfo_endpoint)?,
                    ..ServerMetadata::default()
                }))
            }
            TargetKind::PingOne => pingone::metadata(self.pingone_region(), &self.pingone_environment_id)
                .map(Some)
                .map_err(|e| e.to_string()),
        }
    }
}

/// Everything the user configures. Each member is a section that loads on its own.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Workspace {
    /// The in-page server's settings.
    pub server: ServerSettings,
    pub client: ClientSettings,
    /// The authorization request; its `client_id` follows [`ClientSettings::client_id`].
    pub request: AuthorizationRequest,
    pub delivery: Delivery,
    /// An algorithm name, or [`ALG_NONE`].
    pub request_object_alg: String,
    pub request_object: RequestObjectOptions,
    /// Hand edits of the request object, kept apart from the form values.
    pub edit: Option<RequestObjectEdit>,
    pub keys: Vec<KeyEntry>,
    /// The `kid` of the key that signs (request objects, `private_key_jwt`).
    pub active_key: Option<String>,
    /// DPoP on or off, and its key.
    pub dpop: DpopSettings,
    /// What is encrypted (JWE): request objects, JARM, ID tokens, userinfo.
    pub encryption: EncryptionSettings,
    pub run: RunSettings,
    pub remember_secrets: bool,
    /// The server the flow runs against (the in-page one unless changed).
    pub target: TargetSettings,
    /// Fixed clock and seed (see [`crate::reproducible`]).
    pub reproducible: Reproducible,
}

impl Default for Workspace {
    fn default() -> Self {
        let client = ClientSettings::default();
        let mut request = AuthorizationRequest::new(client.client_id.clone(), client.redirect_uris[0].clone());
        request.scope = Some("openid profile email".into());
        Self {
            server: ServerSettings::default(),
            client,
            request,
            delivery: Delivery::ParJar,
            request_object_alg: "HS256".into(),
            request_object: RequestObjectOptions::default(),
            edit: None,
            keys: Vec::new(),
            active_key: None,
            dpop: DpopSettings::default(),
            encryption: EncryptionSettings::default(),
            run: RunSettings::default(),
            remember_secrets: false,
            target: TargetSettings::default(),
            reproducible: Reproducible::default(),
        }
    }
}

impl Workspace {
    /// The signing key chosen in the key manager.
    pub fn active_key(&self) -> Option<&KeyEntry> {
        let kid = self.active_key.as_deref()?;
        self.keys.iter().find(|k| k.kid() == kid && !k.is_encryption())
    }

    /// The key-manager entry DPoP signs with: the chosen `kid` if it is still there.
    pub fn dpop_entry(&self) -> Option<&KeyEntry> {
        let kid = self.dpop.key.as_deref()?;
        self.keys.iter().find(|k| k.kid() == kid && !k.is_encryption())
    }

    /// The DPoP key the flow uses: DPoP on, the chosen key present with its private part, and
    /// an asymmetric alg that fits it. Anything less keeps bearer tokens (pre-flight says why).
    pub fn dpop_key(&self) -> Option<DpopKey> {
        if !self.dpop.enabled {
            return None;
        }
        let entry = self.dpop_entry()?;
        let alg = dpop_alg(&entry.jwk)?;
        DpopKey::new(entry.jwk.clone(), alg).ok()
    }

    /// The configuration the client engine runs, or what is missing.
    pub fn config(&self) -> Config {
        let mut request = self.request.clone();
        request.client_id = self.client.client_id.clone();
        let mut config = Config::new(self.target.issuer(&self.server.issuer), request);
        config.delivery = self.delivery;
        config.request_object = self.request_object.clone();
        config.request_object_alg = if self.request_object_alg == ALG_NONE {
            None
        } else {
            // An unknown name (from an edited saved state) falls back to HS256, which the
            // alg select then shows.
            Some(Algorithm::from_name(&self.request_object_alg).unwrap_or(Algorithm::HS256))
        };
        config.auth_method = self.client.auth_method.clone();
        config.assertion_alg = Algorithm::from_name(&self.client.assertion_alg).unwrap_or(Algorithm::RS256);
        config.client_secret = self
            .client
            .client_secret
            .as_ref()
            .map(|s| SecretString::new(s.expose().to_string()));
        config.client_key = self.active_key().filter(|k| k.jwk.is_private()).map(|k| k.jwk.clone());
        config.request_object_edit = self.edit.clone();
        config.dpop = self.dpop_key();
        let e = &self.encryption;
        config.encryption = ClientEncryption {
            request_object: EncryptionSettings::choice(&e.request_object_alg, &e.request_object_enc),
            authorization_response: EncryptionSettings::choice(&e.jarm_alg, &e.jarm_enc),
            id_token: EncryptionSettings::choice(&e.id_token_alg, &e.id_token_enc),
            userinfo: EncryptionSettings::choice(&e.userinfo_alg, &e.userinfo_enc),
            keys: self
                .keys
                .iter()
                .filter(|k| k.is_encryption() && k.jwk.is_private())
                .map(|k| k.jwk.clone())
                .collect(),
        };
        config
    }

    /// Takes back what a one-click fix changed in a [`Config`] made by [`Workspace::config`].
    pub fn absorb(&mut self, config: &Config) {
        let client_id = self.client.client_id.clone();
        self.request = config.request.clone();
        self.request.client_id = client_id;
        self.delivery = config.delivery;
        self.request_object = config.request_object.clone();
        self.request_object_alg = config
            .request_object_alg
            .map_or(ALG_NONE.to_string(), |a| a.name().to_string());
        self.client.auth_method = config.auth_method.clone();
        self.client.assertion_alg = config.assertion_alg.name().to_string();
        let (alg, enc) = match config.encryption.request_object {
            Some(c) => (c.alg.name().to_string(), c.enc.name().to_string()),
            None => (String::new(), String::new()),
        };
        self.encryption.request_object_alg = alg;
        self.encryption.request_object_enc = enc;
    }

    /// The public JWKS of the key manager (asymmetric keys only: an HMAC secret is never
    /// published). Encryption keys carry their `use: "enc"`, which tells the server what to
    /// encrypt to.
    pub fn public_jwks(&self) -> Jwks {
        Jwks::new(
            self.keys
                .iter()
                .filter(|k| k.jwk.material.kty() != "oct")
                .filter_map(|k| k.jwk.to_public().ok())
                .collect(),
        )
    }

    /// The registration the in-page server gets for this client.
    pub fn client_metadata(&self) -> ClientMetadata {
        let jwks = self.public_jwks();
        let e = &self.encryption;
        let request_object = EncryptionSettings::registered(&e.request_object_alg, &e.request_object_enc);
        let jarm = EncryptionSettings::registered(&e.jarm_alg, &e.jarm_enc);
        let id_token = EncryptionSettings::registered(&e.id_token_alg, &e.id_token_enc);
        let userinfo = EncryptionSettings::registered(&e.userinfo_alg, &e.userinfo_enc);
        ClientMetadata {
            client_id: self.client.client_id.clone(),
            client_secret: self
                .client
                .client_secret
                .as_ref()
                .map(|s| crate::mock_as::Secret::new(s.expose())),
            redirect_uris: self.client.redirect_uris.clone(),
            response_types: self.response_types(),
            token_endpoint_auth_method: self.client.auth_method.clone(),
            jwks: (!jwks.keys.is_empty()).then(|| serde_json::from_str(&jwks.to_json()).unwrap_or(Value::Null)),
            authorization_signed_response_alg: Some(self.client.jarm_alg.clone()),
            id_token_signed_response_alg: self.client.id_token_alg.clone(),
            grant_types: self.grant_types(),
            request_object_encryption_alg: request_object.0,
            request_object_encryption_enc: request_object.1,
            authorization_encrypted_response_alg: jarm.0,
            authorization_encrypted_response_enc: jarm.1,
            id_token_encrypted_response_alg: id_token.0,
            id_token_encrypted_response_enc: id_token.1,
            userinfo_encrypted_response_alg: userinfo.0,
            userinfo_encrypted_response_enc: userinfo.1,
            ..ClientMetadata::default()
        }
    }

    /// RFC 7591 §2 `response_types` for the registration: every one the playground offers
    /// that the in-page server supports (a FAPI 2.0 server refuses all but `code`).
    fn response_types(&self) -> Vec<String> {
        RESPONSE_TYPES
            .iter()
            .filter(|t| self.server.response_types.iter().any(|s| s == *t))
            .map(|t| t.to_string())
            .collect()
    }

    /// RFC 7591 §2 `grant_types` for the registration. Every response type the playground
    /// offers needs its grant (RFC 7591 §2.1: code → authorization_code, token / id_token →
    /// implicit), and it refreshes its tokens; listed here because the spec's default is
    /// authorization_code alone. The device or client credentials grant joins while the Run
    /// step runs it (a client registers the grants it uses; the server refuses the others).
    fn grant_types(&self) -> Vec<String> {
        let implicit = self.response_types().iter().any(|t| t != "code");
        let mut grants: Vec<String> = [
            Some(grant_type::AUTHORIZATION_CODE),
            implicit.then_some(grant_type::IMPLICIT),
            Some(grant_type::REFRESH_TOKEN),
        ]
        .into_iter()
        .flatten()
        .map(str::to_string)
        .collect();
        match self.run.grant {
            Grant::AuthorizationCode => {}
            Grant::DeviceCode => grants.push(grant_type::DEVICE_CODE.to_string()),
            Grant::ClientCredentials => grants.push(grant_type::CLIENT_CREDENTIALS.to_string()),
        }
        grants
    }

    /// The JSON saved to storage: secrets only with the opt-in.
    pub fn to_saved_json(&self) -> String {
        self.to_saved_document().to_string()
    }

    /// The document saved to storage, before it is written as text.
    pub fn to_saved_document(&self) -> Value {
        serde_json::json!({ "version": STATE_VERSION, "workspace": self.shareable(self.remember_secrets) })
    }

    /// This workspace as it may leave memory (storage, an exported file): with
    /// `include_secrets` false, without the client secret and the private parts of keys. The
    /// one place secrets are stripped; saving, export and the share link all go through it.
    pub fn shareable(&self, include_secrets: bool) -> Workspace {
        let mut saved = self.clone();
        if !include_secrets {
            saved.client.client_secret = None;
            // The registration endpoint's initial access token is a credential too (RFC 7591 §3).
            saved.server.registration_initial_access_token = None;
            for key in &mut saved.keys {
                if key.jwk.is_private() {
                    if let Ok(public) = key.jwk.to_public() {
                        key.jwk = public;
                        key.private_forgotten = true;
                    }
                }
            }
            // An HMAC key is all secret: it is not kept at all.
            saved.keys.retain(|k| k.jwk.material.kty() != "oct");
        }
        saved
    }
}

/// Every response type the playground offers (OIDC Core §3, OAuth 2.0 Multiple Response
/// Types §5).
pub const RESPONSE_TYPES: [&str; 6] = crate::protocol::response_type::ALL;

/// What reading a saved state found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LoadReport {
    /// Sections that could not be read, with why; they were reset to their defaults.
    pub problems: Vec<String>,
    /// The stored text, when any of it was unreadable (set aside under [`SET_ASIDE_KEY`]).
    pub set_aside: Option<String>,
}

/// Reads a saved document. Never fails: what cannot be read is reported and replaced by
/// defaults, section by section.
pub fn load(text: &str) -> (Workspace, LoadReport) {
    let mut report = LoadReport::default();
    let workspace = Workspace::default();
    if text.len() > MAX_STATE_BYTES {
        report.problems.push(format!(
            "the saved state is {} bytes, more than the {} MiB this page reads; it was set aside",
            text.len(),
            MAX_STATE_BYTES / (1024 * 1024)
        ));
        report.set_aside = Some(text.chars().take(4096).collect());
        return (workspace, report);
    }
    let document: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            report.problems.push(format!(
                "the saved state is not JSON ({e}, line {} column {}); defaults were used",
                e.line(),
                e.column()
            ));
            report.set_aside = Some(text.to_string());
            return (workspace, report);
        }
    };
    load_parsed(&document, || text.to_string())
}

/// Reads a saved document that storage already parsed, as [`load`] does; what is set aside
/// is the document written back as text.
pub fn load_document(document: &Value) -> (Workspace, LoadReport) {
    load_parsed(document, || document.to_string())
}

fn load_parsed(document: &Value, text: impl Fn() -> String) -> (Workspace, LoadReport) {
    let mut report = LoadReport::default();
    let workspace = Workspace::default();
    let version = document.get("version").and_then(Value::as_u64).unwrap_or(STATE_VERSION);
    if version > STATE_VERSION {
        report.problems.push(format!(
            "the saved state was written by a newer version of the playground (format {version}, this page \
             reads {STATE_VERSION}); what could be read was kept"
        ));
    }
    let Some(sections) = document.get("workspace").and_then(Value::as_object) else {
        report
            .problems
            .push("the saved state has no \"workspace\" object; defaults were used".into());
        report.set_aside = Some(text());
        return (workspace, report);
    };
    let workspace = Workspace::from_sections(sections, &mut report.problems);
    if !report.problems.is_empty() {
        report.set_aside = Some(text());
    }
    (workspace, report)
}

impl Workspace {
    /// Reads a workspace object section by section: a section that does not read is
    /// reported in `problems` (named, with why) and left at its default; the others are kept.
    pub fn from_sections(sections: &Map<String, Value>, problems: &mut Vec<String>) -> Workspace {
        let mut workspace = Workspace::default();
        section(sections, "server", &mut workspace.server, problems);
        if let Err(why) = workspace.server.validate() {
            problems.push(format!("server: {why}; the default server settings were used"));
            workspace.server = ServerSettings::default();
        }
        section(sections, "client", &mut workspace.client, problems);
        section(sections, "request", &mut workspace.request, problems);
        section(sections, "delivery", &mut workspace.delivery, problems);
        section(
            sections,
            "request_object_alg",
            &mut workspace.request_object_alg,
            problems,
        );
        section(sections, "request_object", &mut workspace.request_object, problems);
        section(sections, "edit", &mut workspace.edit, problems);
        section(sections, "keys", &mut workspace.keys, problems);
        section(sections, "active_key", &mut workspace.active_key, problems);
        section(sections, "dpop", &mut workspace.dpop, problems);
        section(sections, "encryption", &mut workspace.encryption, problems);
        section(sections, "run", &mut workspace.run, problems);
        section(sections, "remember_secrets", &mut workspace.remember_secrets, problems);
        section(sections, "reproducible", &mut workspace.reproducible, problems);
        section(sections, "target", &mut workspace.target, problems);
        if let Err(why) = Reproducible::check_seed(&workspace.reproducible.seed) {
            problems.push(format!("reproducible: {why}; the default seed was used"));
            workspace.reproducible.seed = Reproducible::default().seed;
        }
        workspace
    }
}

fn section<T: DeserializeOwned>(sections: &Map<String, Value>, name: &str, into: &mut T, problems: &mut Vec<String>) {
    let Some(value) = sections.get(name) else { return };
    match serde_json::from_value::<T>(value.clone()) {
        Ok(v) => *into = v,
        Err(e) => problems.push(format!("{name}: {e}; this section was reset to its default")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_saved_only_with_the_opt_in() {
        let mut w = Workspace::default();
        w.client.client_secret = Some(UiSecret::new("very-secret-value-0123456789abcdef"));
        let saved = w.to_saved_json();
        assert!(!saved.contains("very-secret-value"));
        w.remember_secrets = true;
        assert!(w.to_saved_json().contains("very-secret-value"));
    }

    #[test]
    fn one_broken_section_keeps_the_others() {
        let text = r#"{"version":1,"workspace":{"client":{"client_id":"kept"},"delivery":"Teleport"}}"#;
        let (w, report) = load(text);
        assert_eq!(w.client.client_id, "kept");
        assert_eq!(w.delivery, Workspace::default().delivery);
        assert_eq!(report.problems.len(), 1, "{report:?}");
        assert!(report.problems[0].starts_with("delivery:"));
        assert_eq!(report.set_aside.as_deref(), Some(text));
    }

    #[test]
    fn a_parsed_document_keeps_its_readable_sections_and_sets_the_rest_aside() {
        let document =
            serde_json::json!({"version": 1, "workspace": {"client": {"client_id": "kept"}, "keys": "nope"}});
        let (w, report) = load_document(&document);
        assert_eq!(w.client.client_id, "kept");
        assert_eq!(report.problems.len(), 1, "{report:?}");
        assert!(report.problems[0].starts_with("keys:"));
        assert_eq!(report.set_aside, Some(document.to_string()));
        let (back, report) = load_document(&w.to_saved_document());
        assert!(report.problems.is_empty() && report.set_aside.is_none(), "{report:?}");
        assert_eq!(back.client.client_id, "kept");
    }

    #[test]
    fn not_json_is_reported_with_its_position() {
        let (_, report) = load("{\"version\": 1,\n oops}");
        assert!(report.problems[0].contains("line 2"), "{report:?}");
    }

    #[test]
    fn round_trip() {
        let mut w = Workspace::default();
        w.client.client_id = "abc".into();
        w.remember_secrets = true;
        let (back, report) = load(&w.to_saved_json());
        assert!(report.problems.is_empty(), "{report:?}");
        assert_eq!(back, w);
    }

    #[test]
    fn dpop_uses_the_chosen_key_only_while_its_private_part_is_there() {
        use rand_chacha::rand_core::SeedableRng;
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(5);
        let mut jwk = crate::jose::keygen::generate_for(Algorithm::ES256, &mut rng).unwrap();
        jwk.kid = Some("ec-dpop".into());
        let mut w = Workspace::default();
        w.keys.push(KeyEntry {
            jwk: jwk.clone(),
            origin: "test".into(),
            private_forgotten: false,
        });
        w.dpop.key = Some("ec-dpop".into());
        assert_eq!(w.config().dpop, None, "off until enabled");
        w.dpop.enabled = true;
        let key = w.config().dpop.expect("a DPoP key");
        assert_eq!(key.alg(), Algorithm::ES256);
        assert_eq!(key.jkt(), jwk.to_public().unwrap().thumbprint());

        // Saved without the opt-in: the choice survives, the private key does not, so the
        // flow falls back to bearer tokens instead of signing with nothing.
        let (loaded, report) = load(&w.to_saved_json());
        assert!(report.problems.is_empty(), "{report:?}");
        assert_eq!(loaded.dpop, w.dpop);
        assert!(!w.to_saved_json().contains("\"d\""), "no private member saved");
        assert_eq!(loaded.config().dpop, None);
        w.remember_secrets = true;
        let (loaded, _) = load(&w.to_saved_json());
        assert_eq!(
            loaded.config().dpop.map(|k| k.jkt().to_string()),
            Some(key.jkt().to_string())
        );
    }

    #[test]
    fn a_mac_secret_is_never_a_dpop_key() {
        let mut jwk = Jwk::new(crate::jose::KeyMaterial::Oct {
            k: crate::jose::SecretBytes::new(vec![7; 32]),
        });
        jwk.kid = Some("mac".into());
        assert_eq!(dpop_alg(&jwk), None);
        let mut w = Workspace::default();
        w.keys.push(KeyEntry {
            jwk,
            origin: "test".into(),
            private_forgotten: false,
        });
        w.dpop = DpopSettings {
            enabled: true,
            key: Some("mac".into()),
        };
        assert_eq!(w.config().dpop, None);
    }

    #[test]
    fn the_registration_lists_only_response_types_the_server_supports() {
        let mut w = Workspace::default();
        assert_eq!(w.client_metadata().response_types.len(), RESPONSE_TYPES.len());
        assert!(w.client_metadata().grant_types.contains(&"implicit".to_string()));
        w.server = crate::mock_as::profiles::fapi2_security(&w.server.issuer);
        let metadata = w.client_metadata();
        assert_eq!(metadata.response_types, ["code"]);
        assert!(
            !metadata.grant_types.contains(&"implicit".to_string()),
            "{:?}",
            metadata.grant_types
        );
    }

    #[test]
    fn secret_debug_is_redacted() {
        assert!(!format!("{:?}", UiSecret::new("hunter2")).contains("hunter2"));
    }

    #[test]
    fn the_target_names_the_issuer_and_the_metadata_given_by_hand() {
        let mut w = Workspace::default();
        assert_eq!(w.config().issuer, w.server.issuer);
        assert_eq!(w.target.given_metadata(), Ok(None));

        w.target.kind = TargetKind::PingOne;
        w.target.pingone_region = "com.au".into();
        w.target.pingone_environment_id = "not-an-id".into();
        assert!(w.target.given_metadata().unwrap_err().contains("not an environment id"));
        w.target.pingone_environment_id = "0a7af9b6-4c3d-4b5a-8e1f-2d3c4b5a6978".into();
        assert_eq!(
            w.config().issuer,
            "https://auth.pingone.com.au/0a7af9b6-4c3d-4b5a-8e1f-2d3c4b5a6978/as"
        );
        let m = w.target.given_metadata().unwrap().unwrap();
        assert_eq!(m.token_endpoint.as_deref(), Some(&*format!("{}/token", m.issuer)));

        w.target.kind = TargetKind::External;
        w.target.issuer = " http://127.0.0.1:9090 ".into();
        assert_eq!(w.config().issuer, "http://127.0.0.1:9090");
        assert_eq!(w.target.given_metadata(), Ok(None), "discovery unless manual");
        w.target.manual = true;
        assert!(w
            .target
            .given_metadata()
            .unwrap_err()
            .contains("authorization_endpoint"));
        w.target.endpoints.authorization_endpoint = "http://127.0.0.1:9090/auth".into();
        w.target.endpoints.token_endpoint = "javascript:alert(1)".into();
        assert!(w.target.given_metadata().unwrap_err().starts_with("token_endpoint"));
        w.target.endpoints.token_endpoint = "http://127.0.0.1:9090/token".into();
        let m = w.target.given_metadata().unwrap().unwrap();
        assert_eq!(m.issuer, "http://127.0.0.1:9090");
        assert_eq!(m.pushed_authorization_request_endpoint, None);

        // A broken target section falls back to the in-page server; the rest survives.
        let mut saved: Value = serde_json::from_str(&w.to_saved_json()).unwrap();
        saved["workspace"]["target"] = serde_json::json!({"kind": "satellite"});
        let (loaded, report) = load(&saved.to_string());
        assert_eq!(loaded.target, TargetSettings::default());
        assert_eq!(loaded.request, w.request);
        assert!(report.problems.iter().any(|p| p.starts_with("target:")), "{report:?}");
    }

    #[test]
    fn encryption_keys_decrypt_and_never_sign_and_are_published_with_use_enc() {
        use rand_chacha::rand_core::SeedableRng;
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(8);
        let mut sig = crate::jose::keygen::generate_for(Algorithm::ES256, &mut rng).unwrap();
        sig.kid = Some("sig-1".into());
        let mut enc = crate::jose::keygen::generate(
            crate::jose::KeyGenSpec::Ec {
                crv: crate::jose::EcCurve::P256,
            },
            &mut rng,
        )
        .unwrap();
        enc.kid = Some("enc-1".into());
        enc.key_use = Some("enc".into());
        let mut w = Workspace::default();
        for jwk in [sig, enc] {
            w.keys.push(KeyEntry {
                jwk,
                origin: "test".into(),
                private_forgotten: false,
            });
        }
        // Even chosen by kid, an encryption key is not the signing key (nor the DPoP key).
        w.active_key = Some("enc-1".into());
        w.dpop = DpopSettings {
            enabled: true,
            key: Some("enc-1".into()),
        };
        assert!(w.active_key().is_none());
        let config = w.config();
        assert!(config.client_key.is_none() && config.dpop.is_none());
        assert_eq!(config.encryption.keys.len(), 1);
        assert_eq!(config.encryption.keys[0].kid.as_deref(), Some("enc-1"));
        w.active_key = Some("sig-1".into());
        assert_eq!(w.config().client_key.and_then(|k| k.kid).as_deref(), Some("sig-1"));

        let published = w.public_jwks();
        let enc_public = published
            .keys
            .iter()
            .find(|k| k.kid.as_deref() == Some("enc-1"))
            .unwrap();
        assert_eq!(enc_public.key_use.as_deref(), Some("enc"));
        assert!(!enc_public.is_private());

        // Registered only when chosen; an empty enc is the A128CBC-HS256 default.
        assert_eq!(w.client_metadata().id_token_encrypted_response_alg, None);
        w.encryption.id_token_alg = "ECDH-ES".into();
        w.encryption.jarm_alg = "ECDH-ES+A128KW".into();
        w.encryption.jarm_enc = "A256GCM".into();
        let m = w.client_metadata();
        assert_eq!(m.id_token_encrypted_response_alg.as_deref(), Some("ECDH-ES"));
        assert_eq!(m.id_token_encrypted_response_enc.as_deref(), Some("A128CBC-HS256"));
        assert_eq!(m.authorization_encrypted_response_enc.as_deref(), Some("A256GCM"));
        assert_eq!(m.userinfo_encrypted_response_alg, None);
        assert!(w.config().encryption.id_token.is_some());

        // Saved without the opt-in: the choices stay, the private part of the key does not.
        let (loaded, report) = load(&w.to_saved_json());
        assert!(report.problems.is_empty(), "{report:?}");
        assert_eq!(loaded.encryption, w.encryption);
        assert!(loaded.config().encryption.keys.is_empty());
        // RSA1_5 in an edited saved state is never a choice.
        w.encryption.userinfo_alg = "RSA1_5".into();
        assert_eq!(w.config().encryption.userinfo, None);
        assert!(!format!("{:?}", w.config()).contains("\"d\""));
    }

    #[test]
    fn a_saved_state_from_before_encryption_loads_with_encryption_off() {
        let text = r#"{"version":1,"workspace":{"client":{"client_id":"kept"},"delivery":"Jar"}}"#;
        let (w, report) = load(text);
        assert!(report.problems.is_empty(), "{report:?}");
        assert_eq!(w.client.client_id, "kept");
        assert_eq!(w.encryption, EncryptionSettings::default());
        // A broken encryption section is reset alone.
        let text = r#"{"version":1,"workspace":{"client":{"client_id":"kept"},"encryption":{"jarm_alg":7}}}"#;
        let (w, report) = load(text);
        assert_eq!(w.client.client_id, "kept");
        assert!(
            report.problems.iter().any(|p| p.starts_with("encryption:")),
            "{report:?}"
        );
    }
}
