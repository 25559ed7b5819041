//! The token endpoint (RFC 6749 §4.1.3, §6; RFC 7636 §4.5) and userinfo (OIDC Core §5.3,
//! RFC 6750 §2.1), as request / response pairs.

use rand_core::CryptoRngCore;
use serde_json::{Map, Value};

use super::client_auth::ClientAuth;
use super::error::ClientError;
use super::pkce::CodeVerifier;
use crate::clock::UnixTime;
use crate::http::{Request, Response};
use crate::jose::{CryptoBackend, SecretString};
use crate::protocol::{grant_type, param};

/// The grant being exchanged. Codes, verifiers and tokens redact in `Debug`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Grant {
    /// RFC 6749 §4.1.3 with RFC 7636 §4.5's `code_verifier`.
    AuthorizationCode {
        code: SecretString,
        redirect_uri: Option<String>,
        code_verifier: Option<CodeVerifier>,
    },
    /// RFC 6749 §6.
    RefreshToken {
        refresh_token: SecretString,
        scope: Option<String>,
    },
    /// RFC 6749 §4.4.2: the client on its own behalf.
    ClientCredentials { scope: Option<String> },
    /// RFC 8628 §3.4.
    DeviceCode { device_code: SecretString },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenRequest {
    pub endpoint: String,
    pub grant: Grant,
    /// Further parameters (e.g. `resource`, RFC 8707).
    pub extra: Vec<(String, String)>,
}

impl TokenRequest {
    pub fn authorization_code(
        endpoint: impl Into<String>,
        code: impl Into<String>,
        redirect_uri: Option<String>,
        code_verifier: Option<CodeVerifier>,
    ) -> Self {
        Self {
            endpoint: endpoint.into(),
            grant: Grant::AuthorizationCode {
                code: SecretString::new(code.into()),
                redirect_uri,
                code_verifier,
            },
            extra: Vec::new(),
        }
    }

    pub fn refresh(endpoint: impl Into<String>, refresh_token: SecretString, scope: Option<String>) -> Self {
        Self {
            endpoint: endpoint.into(),
            grant: Grant::RefreshToken { refresh_token, scope },
            extra: Vec::new(),
        }
    }

    /// RFC 6749 §4.4.2, with RFC 8707 §2 `resource` values (repeated, one per resource).
    pub fn client_credentials(endpoint: impl Into<String>, scope: Option<String>, resources: &[String]) -> Self {
        Self {
            endpoint: endpoint.into(),
            grant: Grant::ClientCredentials { scope },
            extra: resources
                .iter()
                .map(|r| (param::RESOURCE.to_string(), r.clone()))
                .collect(),
        }
    }

    /// RFC 8628 §3.4: the device access token request.
    pub fn device_code(endpoint: impl Into<String>, device_code: SecretString) -> Self {
        Self {
            endpoint: endpoint.into(),
            grant: Grant::DeviceCode { device_code },
            extra: Vec::new(),
        }
    }

    /// The form parameters before client authentication.
    pub fn params(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        match &self.grant {
            Grant::AuthorizationCode {
                code,
                redirect_uri,
                code_verifier,
            } => {
                out.push((param::GRANT_TYPE.into(), grant_type::AUTHORIZATION_CODE.into()));
                out.push((param::CODE.into(), code.expose().into()));
                if let Some(uri) = redirect_uri {
                    out.push((param::REDIRECT_URI.into(), uri.clone()));
                }
                if let Some(v) = code_verifier {
                    out.push((param::CODE_VERIFIER.into(), v.expose().into()));
                }
            }
            Grant::RefreshToken { refresh_token, scope } => {
                out.push((param::GRANT_TYPE.into(), grant_type::REFRESH_TOKEN.into()));
                out.push((param::REFRESH_TOKEN.into(), refresh_token.expose().into()));
                if let Some(scope) = scope {
                    out.push((param::SCOPE.into(), scope.clone()));
                }
            }
            Grant::ClientCredentials { scope } => {
                out.push((param::GRANT_TYPE.into(), grant_type::CLIENT_CREDENTIALS.into()));
                if let Some(scope) = scope {
                    out.push((param::SCOPE.into(), scope.clone()));
                }
            }
            Grant::DeviceCode { device_code } => {
                out.push((param::GRANT_TYPE.into(), grant_type::DEVICE_CODE.into()));
                out.push((param::DEVICE_CODE.into(), device_code.expose().into()));
            }
        }
        out.extend(self.extra.iter().cloned());
        out
    }

    /// The authenticated form POST. `audience` is a client assertion's `aud` (RFC 7523 §3:
    /// the token endpoint URL is always acceptable).
    pub async fn to_http<B: CryptoBackend + ?Sized>(
        &self,
        client_id: &str,
        auth: &ClientAuth,
        audience: &str,
        now: UnixTime,
        rng: &mut impl CryptoRngCore,
        backend: &B,
    ) -> Result<Request, ClientError> {
        auth.form_post(&self.endpoint, self.params(), client_id, audience, now, rng, backend)
            .await
    }
}

/// RFC 6749 §5.1. Tokens redact in `Debug`.
#[derive(Clone, Debug, PartialEq)]
pub struct TokenResponse {
    pub access_token: SecretString,
    pub token_type: String,
    pub expires_in: Option<u64>,
    pub refresh_token: Option<SecretString>,
    pub id_token: Option<SecretString>,
    pub scope: Option<String>,
    /// Members this struct has no field for, as sent.
    pub extra: Map<String, Value>,
}

/// RFC 6749 §5.1–5.2: 200 with a JSON object carrying `access_token` and `token_type`.
pub fn process_token_response(response: &Response) -> Result<TokenResponse, ClientError> {
    if response.status != 200 {
        return Err(ClientError::status("token.status", 200, response));
    }
    let Ok(Value::Object(mut body)) = serde_json::from_slice::<Value>(&response.body) else {
        return Err(ClientError::invalid(
            "token.response_invalid",
            format!("the 200 body is not a JSON object: {}", response.body_text()),
        ));
    };
    let mut take_string = |name: &str| match body.remove(name) {
        Some(Value::String(s)) => Ok(Some(s)),
        None | Some(Value::Null) => Ok(None),
        Some(other) => Err(ClientError::invalid(
            "token.response_invalid",
            format!("\"{name}\" must be a string, found {other}"),
        )),
    };
    let access_token = take_string(param::ACCESS_TOKEN)?
        .ok_or_else(|| ClientError::invalid("token.response_invalid", "RFC 6749 §5.1: access_token is missing"))?;
    let token_type = take_string(param::TOKEN_TYPE)?
        .ok_or_else(|| ClientError::invalid("token.response_invalid", "RFC 6749 §5.1: token_type is missing"))?;
    let refresh_token = take_string(param::REFRESH_TOKEN)?.map(SecretString::new);
    let id_token = take_string(param::ID_TOKEN)?.map(SecretString::new);
    let scope = take_string(param::SCOPE)?;
    let expires_in = match body.remove(param::EXPIRES_IN) {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => n.as_u64(),
        // Some servers send a string; accept its digits, as most clients do.
        Some(Value::String(s)) => s.parse().ok(),
        Some(other) => {
            return Err(ClientError::invalid(
                "token.response_invalid",
                format!("expires_in must be a number, found {other}"),
            ))
        }
    };
    Ok(TokenResponse {
        access_token: SecretString::new(access_token),
        token_type,
        expires_in,
        refresh_token,
        id_token,
        scope,
        extra: body,
    })
}

/// OIDC Core §5.3.1 with RFC 6750 §2.1: `GET` with `Authorization: Bearer`.
/// RFC 9449 §7.1: `Authorization: DPoP <token>`; the caller adds the proof (with `ath`).
pub fn dpop_userinfo_request(endpoint: &str, access_token: &SecretString) -> Request {
    let mut request = Request::get(endpoint);
    request.headers.append(
        "Authorization",
        format!("{} {}", crate::protocol::dpop::SCHEME, access_token.expose()),
    );
    request.headers.append("Accept", "application/json");
    request
}

pub fn userinfo_request(endpoint: &str, access_token: &SecretString) -> Request {
    let mut request = Request::get(endpoint);
    request
        .headers
        .append("Authorization", format!("Bearer {}", access_token.expose()));
    request.headers.append("Accept", "application/json");
    request
}

/// What userinfo returned: claims as JSON, or a signed JWT (OIDC Core §5.3.2) left for the
/// caller to verify.
#[derive(Clone, Debug, PartialEq)]
pub enum UserInfo {
    Claims(Map<String, Value>),
    Jwt(String),
}

pub fn process_userinfo_response(response: &Response) -> Result<UserInfo, ClientError> {
    if response.status != 200 {
        return Err(ClientError::status("userinfo.status", 200, response));
    }
    let is_jwt = response
        .headers
        .get("content-type")
        .is_some_and(|t| t.to_ascii_lowercase().starts_with("application/jwt"));
    if is_jwt {
        return Ok(UserInfo::Jwt(response.body_text().trim().to_string()));
    }
    match serde_json::from_slice::<Value>(&response.body) {
        Ok(Value::Object(claims)) => Ok(UserInfo::Claims(claims)),
        _ => Err(ClientError::invalid(
            "userinfo.response_invalid",
            format!("not a JSON object: {}", response.body_text()),
        )),
    }
}
