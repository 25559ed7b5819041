//! Client authentication at the PAR and token endpoints (RFC 6749 §2.3.1, OIDC Core §9,
//! RFC 7523 §2.2 and §3).

use std::fmt;

use base64::Engine;
use rand_core::CryptoRngCore;
use serde_json::{json, Value};

use super::error::ClientError;
use super::random::random_token;
use crate::clock::UnixTime;
use crate::http::{Headers, Request};
use crate::jose::jws::{self, JwsHeader};
use crate::jose::{Algorithm, CryptoBackend, Jwk, KeyMaterial, SecretBytes, SecretString, ShortHmacKeys};
use crate::protocol::{auth_method, form_encode, param};

/// How the client proves who it is. Secrets and keys redact in `Debug`.
// Built once per request; boxing the key would only make construction noisier.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, PartialEq, Eq)]
pub enum ClientAuth {
    /// Public client: `client_id` in the body.
    None,
    ClientSecretBasic {
        secret: SecretString,
    },
    ClientSecretPost {
        secret: SecretString,
    },
    /// An assertion MACed with the client secret (HS256/384/512).
    ClientSecretJwt {
        secret: SecretString,
        alg: Algorithm,
    },
    /// An assertion signed with the client's private key.
    PrivateKeyJwt {
        key: Jwk,
        alg: Algorithm,
    },
}

impl fmt::Debug for ClientAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientAuth::PrivateKeyJwt { key, alg } => {
                write!(f, "PrivateKeyJwt {{ key: <{} redacted>, alg: {alg} }}", key.describe())
            }
            ClientAuth::ClientSecretJwt { secret, alg } => {
                write!(f, "ClientSecretJwt {{ secret: {secret:?}, alg: {alg} }}")
            }
            ClientAuth::ClientSecretBasic { secret } => write!(f, "ClientSecretBasic {{ secret: {secret:?} }}"),
            ClientAuth::ClientSecretPost { secret } => write!(f, "ClientSecretPost {{ secret: {secret:?} }}"),
            ClientAuth::None => f.write_str("None"),
        }
    }
}

/// Assertion lifetime: 60 s (PingOne rejects more than one hour; short is safest).
pub const ASSERTION_LIFETIME: i64 = 60;

impl ClientAuth {
    /// The registered method name (`token_endpoint_auth_method`).
    pub fn method(&self) -> &'static str {
        match self {
            ClientAuth::None => auth_method::NONE,
            ClientAuth::ClientSecretBasic { .. } => auth_method::CLIENT_SECRET_BASIC,
            ClientAuth::ClientSecretPost { .. } => auth_method::CLIENT_SECRET_POST,
            ClientAuth::ClientSecretJwt { .. } => auth_method::CLIENT_SECRET_JWT,
            ClientAuth::PrivateKeyJwt { .. } => auth_method::PRIVATE_KEY_JWT,
        }
    }

    /// The client secret as an HMAC key (`kty: oct`), for `client_secret_jwt` and HS* request
    /// objects (OIDC Core §9 and §10.1: the octets of the UTF-8 secret).
    pub fn secret_key(secret: &SecretString) -> Jwk {
        Jwk::new(KeyMaterial::Oct {
            k: SecretBytes::new(secret.expose().as_bytes().to_vec()),
        })
    }

    /// An authenticated form POST to a back-channel endpoint (PAR, token) accepting JSON.
    #[allow(clippy::too_many_arguments)]
    pub async fn form_post<B: CryptoBackend + ?Sized>(
        &self,
        endpoint: &str,
        mut form: Vec<(String, String)>,
        client_id: &str,
        audience: &str,
        now: UnixTime,
        rng: &mut impl CryptoRngCore,
        backend: &B,
    ) -> Result<Request, ClientError> {
        let mut request = Request::form_post(endpoint, Vec::new());
        self.apply(client_id, &mut form, &mut request.headers, audience, now, rng, backend)
            .await?;
        request.headers.append("Accept", "application/json");
        request.body = form_encode(form.iter().map(|(k, v)| (k.as_str(), v.as_str()))).into_bytes();
        Ok(request)
    }

    /// Adds the authentication to a form body and its headers. `audience` is the assertion's
    /// `aud` (RFC 7523 §3: the token endpoint URL or, RFC 9126 §2, the issuer).
    #[allow(clippy::too_many_arguments)]
    pub async fn apply<B: CryptoBackend + ?Sized>(
        &self,
        client_id: &str,
        form: &mut Vec<(String, String)>,
        headers: &mut Headers,
        audience: &str,
        now: UnixTime,
        rng: &mut impl CryptoRngCore,
        backend: &B,
    ) -> Result<(), ClientError> {
        let has_client_id = form.iter().any(|(k, _)| k == param::CLIENT_ID);
        let ensure_client_id = |form: &mut Vec<(String, String)>| {
            if !has_client_id {
                form.insert(0, (param::CLIENT_ID.into(), client_id.into()));
            }
        };
        match self {
            ClientAuth::None => ensure_client_id(form),
            ClientAuth::ClientSecretBasic { secret } => {
                headers.append("Authorization", basic_authorization(client_id, secret));
            }
            ClientAuth::ClientSecretPost { secret } => {
                ensure_client_id(form);
                form.push((param::CLIENT_SECRET.into(), secret.expose().to_string()));
            }
            ClientAuth::ClientSecretJwt { secret, alg } => {
                let key = Self::secret_key(secret);
                let assertion = client_assertion(
                    client_id,
                    audience,
                    *alg,
                    &key,
                    now,
                    rng,
                    backend,
                    ShortHmacKeys::Refuse,
                )
                .await?;
                push_assertion(form, assertion);
            }
            ClientAuth::PrivateKeyJwt { key, alg } => {
                let assertion =
                    client_assertion(client_id, audience, *alg, key, now, rng, backend, ShortHmacKeys::Refuse).await?;
                push_assertion(form, assertion);
            }
        }
        Ok(())
    }
}

fn push_assertion(form: &mut Vec<(String, String)>, assertion: String) {
    form.push((
        param::CLIENT_ASSERTION_TYPE.into(),
        auth_method::JWT_BEARER_ASSERTION_TYPE.into(),
    ));
    form.push((param::CLIENT_ASSERTION.into(), assertion));
}

/// RFC 6749 §2.3.1: `Basic base64(urlencode(client_id) ":" urlencode(secret))`.
pub fn basic_authorization(client_id: &str, secret: &SecretString) -> String {
    let id = form_component(client_id);
    let pw = form_component(secret.expose());
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{id}:{pw}"))
    )
}

/// One value `application/x-www-form-urlencoded` (RFC 6749 Appendix B).
fn form_component(value: &str) -> String {
    form_encode([("", value)]).trim_start_matches('=').to_string()
}

/// A client assertion (RFC 7523 §3): `iss` = `sub` = client_id, `aud`, `exp`, `iat`, `jti`.
#[allow(clippy::too_many_arguments)]
pub async fn client_assertion<B: CryptoBackend + ?Sized>(
    client_id: &str,
    audience: &str,
    alg: Algorithm,
    key: &Jwk,
    now: UnixTime,
    rng: &mut impl CryptoRngCore,
    backend: &B,
    short_keys: ShortHmacKeys,
) -> Result<String, ClientError> {
    let mut header = JwsHeader::new(alg).typ("JWT");
    if let Some(kid) = &key.kid {
        header = header.kid(kid.as_str());
    }
    let claims: Value = json!({
        "iss": client_id,
        "sub": client_id,
        "aud": audience,
        "exp": now.saturating_add(ASSERTION_LIFETIME),
        "iat": now,
        "jti": random_token(rng, 16),
    });
    Ok(jws::sign_compact_with(
        backend,
        &header.to_json(),
        claims.to_string().as_bytes(),
        key,
        short_keys,
    )
    .await?)
}
