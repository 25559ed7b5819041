//! What a preset runs on: the user's client configuration, server settings and registration,
//! copied, then adjusted to the base the preset needs (a request object, PAR, a JWT response
//! mode, …). Every adjustment of the user's own choice is noted in words.

use crate::clock::UnixTime;
use crate::jose::jwe::{ContentEncryption, KeyManagement};
use crate::jose::Jwk;
use crate::mock_as::{ClientMetadata, ServerSettings};
use crate::oauth::encryption::{is_symmetric, JweChoice};
use crate::oauth::{Config, Delivery, DpopKey, FlowOptions, Pkce, PkceMethod};
use crate::protocol::{auth_method, response_mode};

use super::runner::TamperTarget;

/// A change to a [`Setup`]: the preset's base (applied to the control and the tampered run)
/// or its mutation (the tampered run only).
pub(crate) type Adjust = fn(&mut Setup);

/// The configuration of one preset run.
#[derive(Clone, Debug)]
pub(crate) struct Setup {
    pub config: Config,
    pub settings: ServerSettings,
    pub client: ClientMetadata,
    pub options: FlowOptions,
    /// When the run starts (for claims that must lie in the past or the future).
    pub now: UnixTime,
    pub notes: Vec<String>,
    /// The base needs a DPoP key and the user's configuration has none; the runner draws one
    /// from the keyring before the runs (key generation is asynchronous, a base is not).
    pub wants_dpop_key: bool,
    /// The base needs a client encryption key (for encrypted JARM responses) and the user's
    /// configuration has none fit for it: the runner draws one from the keyring.
    pub wants_enc_key: bool,
}

/// Which kind of key management a preset's encrypted request object needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeyKind {
    /// Any the server offers (the user's own choice first).
    Any,
    /// Encrypted to the server's public key, found in its JWKS (not a key from the secret).
    ServerKey,
    /// ECDH-ES (an `epk` in the header).
    Ecdh,
}

impl KeyKind {
    fn admits(self, alg: KeyManagement) -> bool {
        match self {
            KeyKind::Any => true,
            KeyKind::ServerKey => !is_symmetric(alg),
            KeyKind::Ecdh => alg.is_ecdh(),
        }
    }
}

/// The algs a preset falls back to, most preferred first (the asymmetric ones: they need no
/// client secret).
const FALLBACK_ALGS: [KeyManagement; 4] = [
    KeyManagement::RsaOaep256,
    KeyManagement::EcdhEsA256Kw,
    KeyManagement::EcdhEs,
    KeyManagement::EcdhEsA128Kw,
];
const FALLBACK_ENCS: [ContentEncryption; 4] = [
    ContentEncryption::A256Gcm,
    ContentEncryption::A128Gcm,
    ContentEncryption::A128CbcHs256,
    ContentEncryption::A256CbcHs512,
];

impl Setup {
    pub fn new(target: &TamperTarget, now: UnixTime) -> Self {
        let ws = &target.workspace;
        let mut config = ws.config();
        let mut notes = Vec::new();
        if ws.target.kind != crate::workspace::TargetKind::InPage {
            // A preset needs a server it can set up and whose log it can read.
            config.issuer = ws.server.issuer.clone();
            notes
                .push("Presets run against the in-page server; the external server you chose is not contacted.".into());
        }
        if config.request_object_edit.take().is_some() {
            notes.push("Your hand-edited request object is set aside: presets sign the one the form makes.".into());
        }
        let options = FlowOptions {
            // Every run gets its own state, nonce and verifier: the control and the tampered
            // run must not share them.
            regenerate: true,
            userinfo: ws.run.userinfo,
            refresh: ws.run.refresh,
            leeway: ws.run.leeway,
            ..FlowOptions::default()
        };
        Self {
            config,
            settings: ws.server.clone(),
            client: target.registration.clone(),
            options,
            now,
            notes,
            wants_dpop_key: false,
            wants_enc_key: false,
        }
    }

    fn set_delivery(&mut self, delivery: Delivery, why: &str) {
        if self.config.delivery != delivery {
            self.notes.push(format!(
                "Delivery {} → {} ({why}).",
                self.config.delivery.name(),
                delivery.name()
            ));
            self.config.delivery = delivery;
        }
    }

    /// The base needs a request object: plain → JAR, PAR → PAR + JAR.
    pub fn request_object(&mut self) {
        let delivery = match self.config.delivery {
            Delivery::Plain => Delivery::Jar,
            Delivery::Par => Delivery::ParJar,
            other => other,
        };
        self.set_delivery(delivery, "this preset needs a request object");
    }

    /// The base needs PAR: plain → PAR, JAR → PAR + JAR.
    pub fn pushed(&mut self) {
        let delivery = match self.config.delivery {
            Delivery::Plain => Delivery::Par,
            Delivery::Jar => Delivery::ParJar,
            other => other,
        };
        self.set_delivery(delivery, "this preset needs a pushed request");
    }

    /// The mutation: the same request without PAR (PAR → plain, PAR + JAR → JAR).
    pub fn skip_par(&mut self) {
        self.config.delivery = match self.config.delivery {
            Delivery::Par => Delivery::Plain,
            Delivery::ParJar => Delivery::Jar,
            other => other,
        };
    }

    /// The mutation: the same request without a request object (JAR → plain, PAR + JAR → PAR).
    pub fn drop_request_object(&mut self) {
        self.config.delivery = match self.config.delivery {
            Delivery::Jar => Delivery::Plain,
            Delivery::ParJar => Delivery::Par,
            other => other,
        };
    }

    fn is_jarm_mode(&self) -> bool {
        self.config
            .request
            .response_mode
            .as_deref()
            .is_some_and(|m| response_mode::JARM.contains(&m))
    }

    /// The base needs a JARM response: `response_mode=jwt` unless a JWT mode is chosen.
    pub fn jarm(&mut self) {
        if !self.is_jarm_mode() {
            self.notes.push(format!(
                "response_mode {} → jwt (this preset tampers with a JARM response).",
                self.config.request.response_mode.as_deref().unwrap_or("(default)")
            ));
            self.config.request.response_mode = Some(response_mode::JWT.into());
        }
    }

    /// The base needs a JARM response signed with a server key chosen by `kid` (not HS*, which
    /// the client secret keys): RS256 unless the registration already names an asymmetric alg.
    pub fn asymmetric_jarm(&mut self) {
        let alg = self.client.authorization_signed_response_alg.clone();
        if alg.as_deref().is_none_or(|a| a.starts_with("HS")) {
            self.notes.push(format!(
                "authorization_signed_response_alg {} → RS256 (this preset needs a server-key signature).",
                alg.as_deref().unwrap_or("(default)")
            ));
            self.client.authorization_signed_response_alg = Some("RS256".into());
        }
    }

    /// The base needs the response parameters in the clear: a JWT mode becomes the default.
    pub fn plain_response(&mut self) {
        if self.is_jarm_mode() {
            self.notes.push(format!(
                "response_mode {} → (default) (this preset changes a parameter outside a JARM response).",
                self.config.request.response_mode.as_deref().unwrap_or("")
            ));
            self.config.request.response_mode = None;
        }
    }

    /// The base needs an authorization code (and so a token request).
    pub fn code(&mut self) {
        if !self.config.request.has_response_type("code") {
            self.notes.push(format!(
                "response_type {} → code (this preset needs a token request).",
                self.config.request.response_type
            ));
            self.config.request.response_type = "code".into();
        }
    }

    /// The base needs PKCE (S256).
    pub fn pkce(&mut self) {
        if self.config.request.pkce.is_none() {
            self.notes
                .push("PKCE off → S256 (this preset needs a code_challenge and a code_verifier).".into());
            self.config.request.pkce = Some(Pkce {
                method: PkceMethod::S256,
                verifier: None,
            });
        }
    }

    /// The base needs an ID token from the token endpoint: `openid` in the scope.
    pub fn openid(&mut self) {
        if !self.config.request.is_openid() {
            let scope = self.config.request.scope.clone().unwrap_or_default();
            self.notes.push(format!(
                "scope \"{scope}\" → \"openid {scope}\" (this preset needs an ID token)."
            ));
            self.config.request.scope = Some(format!("openid {scope}").trim().to_string());
        }
    }

    /// The base needs a client assertion: `client_secret_jwt` (HS256) unless a JWT method is
    /// already chosen.
    pub fn jwt_client_auth(&mut self) {
        let method = self.config.auth_method.as_str();
        if method != auth_method::CLIENT_SECRET_JWT && method != auth_method::PRIVATE_KEY_JWT {
            self.notes.push(format!(
                "Client authentication {method} → client_secret_jwt with HS256 (this preset needs a client assertion)."
            ));
            self.config.auth_method = auth_method::CLIENT_SECRET_JWT.into();
            self.config.assertion_alg = crate::jose::Algorithm::HS256;
            self.client.token_endpoint_auth_method = auth_method::CLIENT_SECRET_JWT.into();
        }
    }

    /// The base needs DPoP proofs (RFC 9449): a code flow (proofs go to the token endpoint,
    /// and `dpop_jkt` binds the code) with the user's DPoP key, or one from the keyring when
    /// DPoP is off ([`Setup::use_dpop_key`]).
    pub fn dpop(&mut self) {
        self.code();
        if self.config.dpop.is_none() {
            self.wants_dpop_key = true;
        }
    }

    /// The keyring's DPoP key for a base that wants one, and a server that accepts its alg.
    pub fn use_dpop_key(&mut self, key: DpopKey) {
        let alg = key.alg().name();
        self.notes.push(format!(
            "DPoP off → on with a key generated for the presets, proofs signed with {alg} (this preset changes a DPoP proof or a DPoP-bound token)."
        ));
        self.config.dpop = Some(key);
        self.wants_dpop_key = false;
        self.server(&format!("{alg} added to dpop_signing_algs"), |x| {
            if !x.dpop_signing_algs.iter().any(|a| a == alg) {
                x.dpop_signing_algs.push(alg.into());
            }
        });
    }

    /// The base needs the userinfo call (where access tokens and `ath` are presented).
    pub fn userinfo(&mut self) {
        if !self.options.userinfo {
            self.notes
                .push("Userinfo call off → on (this preset changes what is presented at userinfo).".into());
            self.options.userinfo = true;
        }
    }

    /// Whether the server offers `choice` (its `encryption_algs`/`_encs`) and, for a symmetric
    /// alg, the client has the secret the key derives from (OIDC Core §10.2).
    fn usable(&self, choice: JweChoice) -> bool {
        let s = &self.settings;
        s.encryption_algs.iter().any(|a| a == choice.alg.name())
            && s.encryption_encs.iter().any(|e| e == choice.enc.name())
            && (!choice.is_symmetric() || self.config.confidential_secret().is_some())
    }

    /// A choice of `kind` the server offers: `own` when it fits, else the first fallback.
    fn pick(&self, own: Option<JweChoice>, kind: KeyKind) -> Option<JweChoice> {
        if let Some(own) = own.filter(|c| kind.admits(c.alg) && self.usable(*c)) {
            return Some(own);
        }
        let encs: Vec<ContentEncryption> = own.map(|c| c.enc).into_iter().chain(FALLBACK_ENCS).collect();
        FALLBACK_ALGS
            .into_iter()
            .filter(|a| kind.admits(*a))
            .flat_map(|alg| encs.iter().map(move |enc| JweChoice::new(alg, *enc)))
            .find(|c| self.usable(*c))
    }

    fn encrypt_request_object(&mut self, kind: KeyKind, why: &str) {
        self.request_object();
        let own = self.config.encryption.request_object;
        // Nothing the server offers fits: the user's setting stays, and the control run
        // shows the server's refusal (or the tampering finds no JWE and says so).
        let Some(choice) = self.pick(own, kind) else { return };
        if own != Some(choice) {
            self.notes.push(format!(
                "Request object encryption {} → {choice} ({why}).",
                own.map_or("off".to_string(), |c| c.to_string())
            ));
            self.config.encryption.request_object = Some(choice);
        }
        self.client.request_object_encryption_alg = Some(choice.alg.name().into());
        self.client.request_object_encryption_enc = Some(choice.enc.name().into());
    }

    /// The base needs a request object signed, then encrypted to the server (RFC 9101 §4): a
    /// request object delivery, and the user's encryption choice or one the server offers.
    pub fn encrypted_request_object(&mut self) {
        self.encrypt_request_object(KeyKind::Any, "this preset changes an encrypted request object");
    }

    /// As [`Setup::encrypted_request_object`], encrypted to a key the client takes from the
    /// server's JWKS (not one derived from the client secret).
    pub fn request_object_encrypted_to_server_key(&mut self) {
        self.encrypt_request_object(
            KeyKind::ServerKey,
            "this preset changes the server key the request object is encrypted to",
        );
    }

    /// As [`Setup::encrypted_request_object`], with ECDH-ES key agreement (an `epk`).
    pub fn request_object_encrypted_with_ecdh(&mut self) {
        self.encrypt_request_object(KeyKind::Ecdh, "this preset changes the ephemeral key (epk) of ECDH-ES");
    }

    /// The base sends the request object signed and not encrypted (for presets that change
    /// the signed request object in flight, or expect the unencrypted refusal).
    pub fn unencrypted_request_object(&mut self) {
        self.request_object();
        if let Some(choice) = self.config.encryption.request_object.take() {
            self.notes.push(format!(
                "Request object encryption {choice} → off (this preset changes or judges the signed request object itself)."
            ));
            self.client.request_object_encryption_alg = None;
            self.client.request_object_encryption_enc = None;
        }
    }

    /// The base needs a JARM response that is signed and not encrypted (the presets that
    /// forge its signed JWT).
    pub fn unencrypted_jarm(&mut self) {
        self.jarm();
        if let Some(choice) = self.config.encryption.authorization_response.take() {
            self.notes.push(format!(
                "JARM encryption {choice} → off (this preset forges the signed JARM response itself)."
            ));
            self.client.authorization_encrypted_response_alg = None;
            self.client.authorization_encrypted_response_enc = None;
        }
    }

    /// The base needs a JARM response signed, then encrypted to the client (JARM §2.3): the
    /// user's JARM encryption when the server offers it and the client can decrypt it, else
    /// ECDH-ES with a P-256 key from the keyring ([`Setup::use_enc_key`]).
    pub fn encrypted_jarm(&mut self) {
        self.jarm();
        let own = self.config.encryption.authorization_response;
        let decryptable = |c: JweChoice| {
            c.is_symmetric()
                || self.config.encryption.keys.iter().any(|k| {
                    crate::jose::jwe::check_key(k, c.alg, c.enc, crate::jose::jwe::JweOperation::Decrypt).is_ok()
                })
        };
        if own.is_some_and(|c| self.usable(c) && decryptable(c)) {
            return;
        }
        self.wants_enc_key = true;
    }

    /// The keyring's P-256 key for a base that wants an encryption key: its private half
    /// decrypts in the client, its public half (`use: enc`) is registered, JARM encrypted to
    /// it with an ECDH-ES alg the server offers.
    pub fn use_enc_key(&mut self, key: Jwk) {
        self.wants_enc_key = false;
        let own = self.config.encryption.authorization_response;
        let Some(choice) = self.pick(own, KeyKind::Ecdh) else {
            return;
        };
        let Ok(public) = key.to_public() else { return };
        self.notes.push(format!(
            "JARM encryption {} → {choice}, to a P-256 key generated for the presets (use enc) (this preset changes an encrypted JARM response).",
            own.map_or("off".to_string(), |c| c.to_string())
        ));
        self.config.encryption.authorization_response = Some(choice);
        self.config.encryption.keys.push(key);
        self.client.authorization_encrypted_response_alg = Some(choice.alg.name().into());
        self.client.authorization_encrypted_response_enc = Some(choice.enc.name().into());
        let member: serde_json::Value = serde_json::from_str(&public.to_json()).unwrap_or_default();
        let mut jwks = self
            .client
            .jwks
            .take()
            .unwrap_or_else(|| serde_json::json!({ "keys": [] }));
        match jwks.get_mut("keys").and_then(serde_json::Value::as_array_mut) {
            Some(keys) => keys.push(member),
            None => jwks = serde_json::json!({ "keys": [member] }),
        }
        self.client.jwks = Some(jwks);
    }

    /// A server setting the preset's premise needs, noted when it changes the user's.
    pub fn server(&mut self, what: &str, apply: impl FnOnce(&mut ServerSettings)) {
        let before = self.settings.clone();
        apply(&mut self.settings);
        if self.settings != before {
            self.notes.push(format!("Server: {what} (the premise of this preset)."));
        }
    }
}
