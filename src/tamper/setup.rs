//! What a preset runs on: the user's client configuration, server settings and registration,
//! copied, then adjusted to the base the preset needs (a request object, PAR, a JWT response
//! mode, …). Every adjustment of the user's own choice is noted in words.

use crate::clock::UnixTime;
use crate::mock_as::{ClientMetadata, ServerSettings};
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
}

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

    /// A server setting the preset's premise needs, noted when it changes the user's.
    pub fn server(&mut self, what: &str, apply: impl FnOnce(&mut ServerSettings)) {
        let before = self.settings.clone();
        apply(&mut self.settings);
        if self.settings != before {
            self.notes.push(format!("Server: {what} (the premise of this preset)."));
        }
    }
}
