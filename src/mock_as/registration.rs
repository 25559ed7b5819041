//! Client registration (RFC 7591; OpenID Connect Dynamic Client Registration 1.0 §2–3), both
//! ways in through one validation: `registerClient` of the page's JS API
//! ([`AuthorizationServer::register_client_json`], where the caller names its own `client_id`
//! and secret, as an administrator would) and the registration endpoint `POST /register`
//! ([`AuthorizationServer::registration_endpoint`], where the server issues them).
//!
//! RFC 7591 §2: "The authorization server MUST ignore any client metadata sent by the client
//! that it does not understand". Ignored members are listed back (`ignored_metadata`) and in
//! the event log, so a misspelt member is still visible. What the server understands but
//! cannot honour is refused here, with `invalid_client_metadata` or `invalid_redirect_uri`
//! naming the member (RFC 7591 §3.2.2), rather than failing later at authorize or token.

use serde_json::{Map, Value};

use super::checks::{Check, Failure};
use super::crypto::{self, SUPPORTED_ALGS};
use super::events::PROTOCOL;
use super::server::{bearer_token, json_response, AuthorizationServer, ConfigError};
use super::settings::{ClientMetadata, Secret};
use crate::http::Request;
use crate::jose::{json, Jwks};
use crate::protocol::{auth_method as am, grant_type, metadata as m};

/// The event log's name for this endpoint.
pub const REGISTRATION: &str = "registration";

/// Members of a registration response that the server issues (RFC 7591 §3.2.1); sent to the
/// endpoint they are ignored and listed as such.
const ISSUED_MEMBERS: [&str; 4] = [
    "client_id",
    "client_secret",
    "client_id_issued_at",
    "client_secret_expires_at",
];

/// Auth methods that authenticate with the client secret (RFC 7591 §2, OIDC Core §9).
const SECRET_METHODS: [&str; 3] = [am::CLIENT_SECRET_BASIC, am::CLIENT_SECRET_POST, am::CLIENT_SECRET_JWT];

/// The outcome of reading a registration request: the client, and the names of the members
/// that were ignored.
struct Reading {
    client: ClientMetadata,
    ignored: Vec<String>,
}

/// Reads client metadata from a JSON object. A `null` member is read as omitted. A member of
/// the wrong type is refused by name; members this server does not model are collected.
fn read_metadata(mut object: Map<String, Value>) -> Result<Reading, Failure> {
    object.retain(|_, v| !v.is_null());
    match serde_json::from_value::<ClientMetadata>(Value::Object(object.clone())) {
        Ok(mut client) => {
            let ignored = std::mem::take(&mut client.unrecognised)
                .into_iter()
                .map(|(k, _)| k)
                .collect();
            Ok(Reading { client, ignored })
        }
        Err(whole) => {
            // serde names the type, not the member: try each member alone to find it.
            let culprit = object.iter().find_map(|(name, value)| {
                let mut single = Map::new();
                single.insert(name.clone(), value.clone());
                serde_json::from_value::<ClientMetadata>(Value::Object(single))
                    .err()
                    .map(|why| (name.clone(), why.to_string()))
            });
            let (name, why) = culprit.unwrap_or_else(|| ("(the request)".into(), whole.to_string()));
            Err(Failure::new(
                Check::RegistrationMemberInvalid,
                format!("{name} of its registered type"),
                format!("{name}: {why}"),
            ))
        }
    }
}

/// RFC 6749 §3.1.2: "The redirection endpoint URI MUST be an absolute URI … MUST NOT include
/// a fragment component." An absolute URI starts with a scheme (RFC 3986 §3.1), which the
/// private-use schemes of native apps (RFC 8252 §7.1) have too.
fn redirect_uri_problem(uri: &str) -> Option<&'static str> {
    let absolute = uri.split_once(':').is_some_and(|(scheme, _)| {
        scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    if !absolute {
        Some("is not an absolute URI (RFC 6749 §3.1.2)")
    } else if uri.contains('#') {
        Some("has a fragment, which RFC 6749 §3.1.2 forbids: the response itself may travel in the fragment")
    } else {
        None
    }
}

/// The grant types a response type needs: RFC 7591 §2.1 (`code` → `authorization_code`,
/// `token` → `implicit`) and OIDC Registration §2 (`id_token` → `implicit`).
fn grants_needed(response_type: &str) -> Vec<&'static str> {
    let mut needed = Vec::new();
    for word in response_type.split(' ') {
        let grant = match word {
            "code" => grant_type::AUTHORIZATION_CODE,
            "token" | "id_token" => grant_type::IMPLICIT,
            _ => continue,
        };
        if !needed.contains(&grant) {
            needed.push(grant);
        }
    }
    needed
}

/// A response type as a sorted set of words: `id_token code` is `code id_token` (RFC 6749
/// §3.1.1, order does not matter).
fn normalised(response_type: &str) -> Vec<&str> {
    let mut words: Vec<&str> = response_type.split(' ').filter(|w| !w.is_empty()).collect();
    words.sort_unstable();
    words
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|list| list.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default()
}

fn is_hmac(alg: &str) -> bool {
    alg.starts_with("HS")
}

impl AuthorizationServer {
    /// The consistency checks every registration passes, in the check table's order. The
    /// server's abilities are read from its own discovery document, so registration refuses
    /// exactly what discovery does not offer.
    pub(super) fn validate_client(&self, client: &ClientMetadata) -> Result<(), Failure> {
        let discovery = self.discovery();
        let offered = |member: &str| strings(discovery.get(member));
        if client.client_id.is_empty() {
            return Err(Failure::new(
                Check::RegistrationClientIdMissing,
                "a client_id",
                "(empty)",
            ));
        }
        for uri in &client.redirect_uris {
            if let Some(why) = redirect_uri_problem(uri) {
                return Err(Failure::new(
                    Check::RegistrationRedirectUriInvalid,
                    "redirect_uris: absolute URIs without a fragment",
                    format!("redirect_uris: \"{uri}\" {why}"),
                ));
            }
        }
        for uri in &client.post_logout_redirect_uris {
            if let Some(why) = redirect_uri_problem(uri) {
                return Err(Failure::new(
                    Check::RegistrationMemberInvalid,
                    "post_logout_redirect_uris: absolute URIs without a fragment",
                    format!("post_logout_redirect_uris: \"{uri}\" {why}"),
                ));
            }
        }
        if client.default_max_age.is_some_and(|age| age < 0) {
            return Err(Failure::new(
                Check::RegistrationMemberInvalid,
                "default_max_age: seconds, 0 or more (OIDC Registration §2)",
                format!("default_max_age: {}", client.default_max_age.unwrap_or_default()),
            ));
        }
        let methods = offered(m::TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED);
        if !methods.contains(&client.token_endpoint_auth_method) {
            return Err(Failure::new(
                Check::RegistrationAuthMethodUnsupported,
                format!("token_endpoint_auth_method one of [{}]", methods.join(", ")),
                format!("token_endpoint_auth_method: \"{}\"", client.token_endpoint_auth_method),
            ));
        }
        let grants = offered(m::GRANT_TYPES_SUPPORTED);
        if let Some(grant) = client.grant_types.iter().find(|g| !grants.contains(g)) {
            return Err(Failure::new(
                Check::RegistrationGrantTypeUnsupported,
                format!("grant_types among [{}]", grants.join(", ")),
                format!("grant_types: \"{grant}\""),
            ));
        }
        let response_types = offered(m::RESPONSE_TYPES_SUPPORTED);
        for response_type in &client.response_types {
            if !response_types
                .iter()
                .any(|r| normalised(r) == normalised(response_type))
            {
                return Err(Failure::new(
                    Check::RegistrationResponseTypeUnsupported,
                    format!("response_types among [{}]", response_types.join(", ")),
                    format!("response_types: \"{response_type}\""),
                ));
            }
            if let Some(grant) = grants_needed(response_type)
                .into_iter()
                .find(|g| !client.grant_types.iter().any(|have| have == g))
            {
                return Err(Failure::new(
                    Check::RegistrationResponseTypesGrantTypesMismatch,
                    format!("grant_types to include \"{grant}\" for response type \"{response_type}\""),
                    format!("grant_types: [{}]", client.grant_types.join(", ")),
                ));
            }
        }
        self.validate_algs(client, &discovery)?;
        if let Some(alg) = &client.token_endpoint_auth_signing_alg {
            // OIDC Core §9: client_secret_jwt is HMAC with the secret, private_key_jwt is signed
            // with the client's private key.
            let fits = match client.token_endpoint_auth_method.as_str() {
                am::CLIENT_SECRET_JWT => is_hmac(alg),
                am::PRIVATE_KEY_JWT => !is_hmac(alg),
                _ => true,
            };
            if !fits {
                return Err(Failure::new(
                    Check::RegistrationAuthSigningAlgMismatch,
                    format!("an alg for {}", client.token_endpoint_auth_method),
                    format!("token_endpoint_auth_signing_alg: \"{alg}\""),
                ));
            }
        }
        if client.client_secret.as_ref().is_none_or(|s| s.expose().is_empty()) {
            if SECRET_METHODS.contains(&client.token_endpoint_auth_method.as_str()) {
                return Err(Failure::new(
                    Check::RegistrationSecretRequired,
                    "a client_secret for this token_endpoint_auth_method",
                    format!(
                        "token_endpoint_auth_method: \"{}\" without a client_secret",
                        client.token_endpoint_auth_method
                    ),
                ));
            }
            // OIDC Core §10.1: HS* is keyed with the client secret. Request objects may also
            // name an `oct` key of the client's JWKS (checked below with the keys).
            if let Some((member, alg)) = self.signed_members(client).into_iter().find(|(_, alg)| is_hmac(alg)) {
                let oct_key = member == "request_object_signing_alg" && self.client_has_key(client, true);
                if !oct_key {
                    return Err(Failure::new(
                        Check::RegistrationSecretRequired,
                        format!("{member} without HS* (the client has no client_secret)"),
                        format!("{member}: \"{alg}\""),
                    ));
                }
            }
        }
        if let Some(uri) = &client.jwks_uri {
            return Err(Failure::new(
                Check::RegistrationJwksUriUnsupported,
                "jwks (the key set by value): this server runs in the page and cannot fetch a jwks_uri",
                format!("jwks_uri: \"{uri}\""),
            ));
        }
        if let Some(jwks) = &client.jwks {
            if let Err(why) = Jwks::from_json(&jwks.to_string()) {
                return Err(Failure::new(
                    Check::RegistrationJwksInvalid,
                    "jwks: a JWK Set {\"keys\": [...]} (RFC 7517 §5)",
                    format!("jwks: {why}"),
                ));
            }
        }
        let needs_public_key = if client.token_endpoint_auth_method == am::PRIVATE_KEY_JWT {
            Some("token_endpoint_auth_method: \"private_key_jwt\"".to_string())
        } else {
            client
                .request_object_signing_alg
                .as_ref()
                .filter(|alg| !is_hmac(alg) && alg.as_str() != "none")
                .map(|alg| format!("request_object_signing_alg: \"{alg}\""))
        };
        if let Some(member) = needs_public_key {
            if !self.client_has_key(client, false) {
                return Err(Failure::new(
                    Check::RegistrationJwksRequired,
                    "jwks with the client's public key",
                    format!("{member} and no public key in jwks"),
                ));
            }
        }
        self.validate_encryption(client)
    }

    /// The four JWE member pairs (OIDC Registration §2, JARM §3), each refused now if the
    /// server could not honour it later: an `_enc` alone, an alg or enc the server does not
    /// list (RSA1_5 never), a symmetric alg without a client secret, an asymmetric alg without
    /// a fitting key in `jwks`. For request objects the client encrypts to the server's keys,
    /// so only the symmetric case needs anything of the client.
    fn validate_encryption(&self, client: &ClientMetadata) -> Result<(), Failure> {
        let pairs = [
            (
                "request_object_encryption",
                &client.request_object_encryption_alg,
                &client.request_object_encryption_enc,
                false,
            ),
            (
                "authorization_encrypted_response",
                &client.authorization_encrypted_response_alg,
                &client.authorization_encrypted_response_enc,
                true,
            ),
            (
                "id_token_encrypted_response",
                &client.id_token_encrypted_response_alg,
                &client.id_token_encrypted_response_enc,
                true,
            ),
            (
                "userinfo_encrypted_response",
                &client.userinfo_encrypted_response_alg,
                &client.userinfo_encrypted_response_enc,
                true,
            ),
        ];
        let algs = &self.settings.encryption_algs;
        let encs = &self.settings.encryption_encs;
        for (prefix, alg, enc, to_client) in pairs {
            // OIDC Registration §2: "If …_enc is included, …_alg MUST also be provided."
            let Some(alg) = alg else {
                if let Some(enc) = enc {
                    return Err(Failure::new(
                        Check::RegistrationEncryptionEncWithoutAlg,
                        format!("{prefix}_alg together with {prefix}_enc"),
                        format!("{prefix}_enc: \"{enc}\" without {prefix}_alg"),
                    ));
                }
                continue;
            };
            let offered = |list: &Vec<String>| {
                if list.is_empty() {
                    "none: this server offers no encryption".to_string()
                } else {
                    format!("one of [{}]", list.join(", "))
                }
            };
            if alg == "RSA1_5" {
                return Err(Failure::new(
                    Check::RegistrationEncryptionAlgUnsupported,
                    format!(
                        "{prefix}_alg {}; never RSA1_5 (RFC 8725 §3.2: Bleichenbacher's padding oracle)",
                        offered(algs)
                    ),
                    format!("{prefix}_alg: \"RSA1_5\""),
                ));
            }
            if !algs.contains(alg) {
                return Err(Failure::new(
                    Check::RegistrationEncryptionAlgUnsupported,
                    format!("{prefix}_alg {}", offered(algs)),
                    format!("{prefix}_alg: \"{alg}\""),
                ));
            }
            // OIDC Registration §2 / JARM §3: "If …_alg is specified, the default for this
            // value is A128CBC-HS256."
            let (enc, defaulted) = match enc {
                Some(enc) => (enc.as_str(), false),
                None => (super::encryption::DEFAULT_ENC, true),
            };
            if !encs.iter().any(|e| e == enc) {
                return Err(Failure::new(
                    Check::RegistrationEncryptionAlgUnsupported,
                    format!("{prefix}_enc {}", offered(encs)),
                    if defaulted {
                        format!("{prefix}_enc omitted, so A128CBC-HS256 (OIDC Registration §2 default); register another {prefix}_enc")
                    } else {
                        format!("{prefix}_enc: \"{enc}\"")
                    },
                ));
            }
            let (alg_v, enc_v) = super::encryption::parse_pair(alg, enc).map_err(|e| {
                Failure::new(
                    Check::RegistrationEncryptionAlgUnsupported,
                    format!("{prefix}_alg and _enc this build implements"),
                    e.to_string(),
                )
            })?;
            if super::encryption::is_symmetric(alg_v) {
                if client.client_secret.as_ref().is_none_or(|s| s.expose().is_empty()) {
                    return Err(Failure::new(
                        Check::RegistrationEncryptionSecretRequired,
                        format!("a client_secret to derive the {alg} key from (OIDC Core §10.2), or an asymmetric {prefix}_alg"),
                        format!("{prefix}_alg: \"{alg}\" and no client_secret (a public client MUST NOT use symmetric encryption)"),
                    ));
                }
            } else if to_client {
                if let Err(why) = super::encryption::recipient_key(client, alg_v, enc_v) {
                    return Err(Failure::new(
                        Check::RegistrationEncryptionKeyRequired,
                        format!("jwks with a key to encrypt {prefix} to"),
                        format!("{prefix}_alg: \"{alg}\": {why}"),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Every alg member against the list discovery publishes for its use (RFC 8414 §2, OIDC
    /// Discovery §3, JARM §4).
    fn validate_algs(&self, client: &ClientMetadata, discovery: &Value) -> Result<(), Failure> {
        let listed = |member: &str| {
            let list = strings(discovery.get(member));
            if list.is_empty() {
                // Not published (JARM switched off): the algs this build can sign with.
                SUPPORTED_ALGS.iter().map(|a| a.to_string()).collect()
            } else {
                list
            }
        };
        // The playground's own allow-list of request-object algs is held to the same list.
        let request_object_algs = client
            .request_object_algs
            .iter()
            .map(|alg| ("request_object_algs", alg.clone()));
        let pairs: Vec<(&str, String, &str)> = self
            .signed_members(client)
            .into_iter()
            .chain(request_object_algs)
            .map(|(member, alg)| {
                let list = match member {
                    "id_token_signed_response_alg" => m::ID_TOKEN_SIGNING_ALG_VALUES_SUPPORTED,
                    "authorization_signed_response_alg" => m::AUTHORIZATION_SIGNING_ALG_VALUES_SUPPORTED,
                    "userinfo_signed_response_alg" => m::USERINFO_SIGNING_ALG_VALUES_SUPPORTED,
                    "token_endpoint_auth_signing_alg" => m::TOKEN_ENDPOINT_AUTH_SIGNING_ALG_VALUES_SUPPORTED,
                    _ => m::REQUEST_OBJECT_SIGNING_ALG_VALUES_SUPPORTED,
                };
                (member, alg, list)
            })
            .collect();
        for (member, alg, list) in pairs {
            let supported = listed(list);
            if !supported.contains(&alg) {
                return Err(Failure::new(
                    Check::RegistrationAlgUnsupported,
                    format!("{member} one of [{}] ({list})", supported.join(", ")),
                    format!("{member}: \"{alg}\""),
                ));
            }
        }
        Ok(())
    }

    /// The alg members a client registered, by name.
    fn signed_members(&self, client: &ClientMetadata) -> Vec<(&'static str, String)> {
        let mut members = vec![(
            "id_token_signed_response_alg",
            client.id_token_signed_response_alg.clone(),
        )];
        let optional = [
            (
                "authorization_signed_response_alg",
                &client.authorization_signed_response_alg,
            ),
            ("userinfo_signed_response_alg", &client.userinfo_signed_response_alg),
            (
                "token_endpoint_auth_signing_alg",
                &client.token_endpoint_auth_signing_alg,
            ),
            ("request_object_signing_alg", &client.request_object_signing_alg),
        ];
        for (member, alg) in optional {
            if let Some(alg) = alg {
                members.push((member, alg.clone()));
            }
        }
        members
    }

    /// Whether the client's JWKS holds a symmetric (`oct`) or an asymmetric key.
    fn client_has_key(&self, client: &ClientMetadata, symmetric: bool) -> bool {
        let Some(jwks) = &client.jwks else { return false };
        Jwks::from_json(&jwks.to_string())
            .map(|set| set.keys.iter().any(|k| (k.material.kty() == "oct") == symmetric))
            .unwrap_or(false)
    }

    /// Validates and stores a client; replaces one with the same `client_id`.
    pub(super) fn store_client(&mut self, mut client: ClientMetadata) -> Result<&ClientMetadata, Failure> {
        self.validate_client(&client)?;
        // Ignored members are never stored (RFC 7591 §2).
        client.unrecognised.clear();
        let id = client.client_id.clone();
        self.clients.insert(id.clone(), client);
        self.clients
            .get(&id)
            .ok_or_else(|| Failure::new(Check::RegistrationClientIdMissing, "the client stored", "it vanished"))
    }

    /// `registerClient`: registers (or replaces) a client from RFC 7591 JSON metadata that
    /// names its own `client_id` (and secret). Answers the registered metadata with
    /// `ignored_metadata` listing what was ignored; a refusal reads
    /// `invalid_client_metadata: registration.…: … [clause]`.
    pub fn register_client_json(&mut self, json_text: &str) -> Result<Value, ConfigError> {
        let outcome = serde_json::from_str::<Value>(json_text)
            .map_err(|why| Failure::new(Check::RegistrationBodyInvalid, "a JSON object", why.to_string()))
            .and_then(|value| match value {
                Value::Object(object) => read_metadata(object),
                other => Err(Failure::new(
                    Check::RegistrationBodyInvalid,
                    "a JSON object",
                    json::kind(&other),
                )),
            })
            .and_then(|reading| {
                let id = reading.client.client_id.clone();
                let registered = self.store_client(reading.client)?;
                let mut answer = serde_json::to_value(registered).unwrap_or(Value::Null);
                self.note_registration(&id, &reading.ignored, "registerClient");
                add_ignored(&mut answer, &reading.ignored);
                Ok(answer)
            });
        outcome.map_err(|failure| {
            self.record_failure(REGISTRATION, None, &failure);
            ConfigError(format!("{}: {}", failure.info().error, failure.description()))
        })
    }

    /// RFC 7591 §3: `POST` a JSON object of metadata; `201` with the registered metadata, a
    /// new `client_id` and, for a secret-based auth method, a new `client_secret`; `400` with
    /// `invalid_client_metadata` / `invalid_redirect_uri` otherwise (§3.2.2).
    pub(super) fn registration_endpoint(&mut self, request: &Request) -> crate::http::Response {
        match self.register_from_request(request) {
            Ok(answer) => json_response(201, &answer),
            Err(failure) => self.error_json(REGISTRATION, None, &failure),
        }
    }

    fn register_from_request(&mut self, request: &Request) -> Result<Value, Failure> {
        if let Some(expected) = self.settings.registration_initial_access_token.clone() {
            self.check_initial_access_token(request, &expected)?;
        }
        let body: Value = serde_json::from_slice(&request.body)
            .map_err(|why| Failure::new(Check::RegistrationBodyInvalid, "a JSON object", why.to_string()))?;
        let Value::Object(mut object) = body else {
            return Err(Failure::new(
                Check::RegistrationBodyInvalid,
                "a JSON object",
                json::kind(&body),
            ));
        };
        let mut issued_ignored: Vec<String> = Vec::new();
        for member in ISSUED_MEMBERS {
            if object.remove(member).is_some() {
                issued_ignored.push(member.to_string());
            }
        }
        let mut reading = read_metadata(object)?;
        reading.ignored.extend(issued_ignored);
        reading.ignored.sort();
        let now = self.clock.now();
        reading.client.client_id = self.random_token(16);
        let secret_based = SECRET_METHODS.contains(&reading.client.token_endpoint_auth_method.as_str());
        if secret_based {
            // 32 random bytes: long enough for HS256 (RFC 7518 §3.2).
            reading.client.client_secret = Some(Secret::new(self.random_token(32)));
        }
        let id = reading.client.client_id.clone();
        let registered = self.store_client(reading.client)?;
        let mut answer = serde_json::to_value(registered).unwrap_or(Value::Null);
        if let Value::Object(map) = &mut answer {
            // RFC 7591 §3.2.1: client_id_issued_at; client_secret_expires_at REQUIRED with a
            // secret, 0 meaning it does not expire.
            map.insert("client_id_issued_at".into(), Value::from(now));
            if secret_based {
                map.insert("client_secret_expires_at".into(), Value::from(0));
            }
        }
        self.note_registration(&id, &reading.ignored, "registration endpoint");
        add_ignored(&mut answer, &reading.ignored);
        Ok(answer)
    }

    /// RFC 7591 §3: with an initial access token set, the endpoint is a protected resource;
    /// the token comes as `Authorization: Bearer` (RFC 6750 §2.1).
    fn check_initial_access_token(&self, request: &Request, expected: &Secret) -> Result<(), Failure> {
        let Some(token) = bearer_token(request) else {
            return Err(Failure::new(
                Check::RegistrationInitialAccessTokenMissing,
                "Authorization: Bearer <initial access token>",
                "(absent)",
            ));
        };
        if !crypto::secrets_equal(&token, expected.expose()) {
            return Err(Failure::new(
                Check::RegistrationInitialAccessTokenInvalid,
                "the server's initial access token",
                "another token",
            ));
        }
        Ok(())
    }

    /// Logs a registration, with the members ignored.
    fn note_registration(&mut self, client_id: &str, ignored: &[String], via: &str) {
        self.detail("via", via);
        if !ignored.is_empty() {
            self.detail("ignored_metadata", ignored.join(", "));
        }
        self.record("client.registered", PROTOCOL, REGISTRATION, Some(client_id), "success");
    }
}

fn add_ignored(answer: &mut Value, ignored: &[String]) {
    if let (Value::Object(map), false) = (answer, ignored.is_empty()) {
        map.insert("ignored_metadata".into(), Value::from(ignored.to_vec()));
    }
}
