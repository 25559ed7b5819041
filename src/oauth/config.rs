//! A relying party's whole configuration: what the UI edits, the linter checks and the flow
//! driver runs.

use std::fmt;

use super::client_auth::ClientAuth;
use super::delivery::Delivery;
use super::dpop::DpopKey;
use super::encryption::ClientEncryption;
use super::error::ClientError;
use super::request::AuthorizationRequest;
use super::request_object::{RequestObjectOptions, RequestSigning};
use crate::jose::{Algorithm, Jwk, SecretString};
use crate::protocol::auth_method;

#[derive(Clone, PartialEq)]
pub struct Config {
    /// The authorization server's issuer identifier.
    pub issuer: String,
    pub request: AuthorizationRequest,
    pub delivery: Delivery,
    pub request_object: RequestObjectOptions,
    /// The request object's algorithm; `None` signs nothing (`alg: none`), which must be
    /// asked for explicitly.
    pub request_object_alg: Option<Algorithm>,
    /// `token_endpoint_auth_method`, one of `protocol::auth_method::ALL`.
    pub auth_method: String,
    /// The algorithm of `client_secret_jwt`/`private_key_jwt` assertions.
    pub assertion_alg: Algorithm,
    pub client_secret: Option<SecretString>,
    /// The client's private key (private_key_jwt, RS/PS/ES/EdDSA request objects).
    pub client_key: Option<Jwk>,
    /// Header and payload text signed exactly as given instead of the generated request
    /// object: the UI's "edit before signing". `None` signs what the request model makes.
    pub request_object_edit: Option<RequestObjectEdit>,
    /// DPoP (RFC 9449): with a key, the flow sends proofs at PAR, token, refresh and userinfo,
    /// `dpop_jkt` with the authorization request, and expects `token_type: DPoP`. `None`
    /// keeps bearer tokens.
    pub dpop: Option<DpopKey>,
    /// JWE: the registered encryption choices and the client's decryption keys. Default:
    /// nothing encrypted.
    pub encryption: ClientEncryption,
}

/// A hand-edited request object: the header and claims as the user typed them.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RequestObjectEdit {
    pub header: String,
    pub payload: String,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("issuer", &self.issuer)
            .field("request", &self.request)
            .field("delivery", &self.delivery)
            .field("request_object", &self.request_object)
            .field("request_object_alg", &self.request_object_alg)
            .field("auth_method", &self.auth_method)
            .field("client_secret", &self.client_secret)
            .field("client_key", &self.client_key.as_ref().map(|_| "<redacted>"))
            .field("request_object_edit", &self.request_object_edit.is_some())
            .field("dpop", &self.dpop)
            .field("encryption", &self.encryption)
            .finish()
    }
}

impl Config {
    pub fn new(issuer: impl Into<String>, request: AuthorizationRequest) -> Self {
        Self {
            issuer: issuer.into(),
            request,
            delivery: Delivery::Plain,
            request_object: RequestObjectOptions::default(),
            request_object_alg: Some(Algorithm::RS256),
            auth_method: auth_method::NONE.into(),
            assertion_alg: Algorithm::RS256,
            client_secret: None,
            client_key: None,
            request_object_edit: None,
            dpop: None,
            encryption: ClientEncryption::default(),
        }
    }

    /// The client secret when the client is confidential: the key material of the symmetric
    /// JWE algorithms (OIDC Core §10.2: public clients must not use them).
    pub fn confidential_secret(&self) -> Option<&SecretString> {
        (self.auth_method != auth_method::NONE)
            .then_some(self.client_secret.as_ref())
            .flatten()
    }

    fn secret(&self, what: &str) -> Result<&SecretString, ClientError> {
        self.client_secret
            .as_ref()
            .ok_or_else(|| ClientError::config("config.secret_missing", format!("{what} needs a client secret")))
    }

    fn key(&self, what: &str) -> Result<&Jwk, ClientError> {
        self.client_key
            .as_ref()
            .ok_or_else(|| ClientError::config("config.key_missing", format!("{what} needs a client private key")))
    }

    pub fn client_auth(&self) -> Result<ClientAuth, ClientError> {
        Ok(match self.auth_method.as_str() {
            auth_method::NONE => ClientAuth::None,
            auth_method::CLIENT_SECRET_BASIC => ClientAuth::ClientSecretBasic {
                secret: self.secret("client_secret_basic")?.clone(),
            },
            auth_method::CLIENT_SECRET_POST => ClientAuth::ClientSecretPost {
                secret: self.secret("client_secret_post")?.clone(),
            },
            auth_method::CLIENT_SECRET_JWT => ClientAuth::ClientSecretJwt {
                secret: self.secret("client_secret_jwt")?.clone(),
                alg: self.assertion_alg,
            },
            auth_method::PRIVATE_KEY_JWT => ClientAuth::PrivateKeyJwt {
                key: self.key("private_key_jwt")?.clone(),
                alg: self.assertion_alg,
            },
            other => {
                return Err(ClientError::config(
                    "config.auth_method_unknown",
                    format!("unknown client authentication method {other:?}"),
                ))
            }
        })
    }

    /// HS* request objects are MACed with the client secret (OIDC Core §10.1); the others
    /// are signed with the client key.
    pub fn request_signing(&self) -> Result<RequestSigning, ClientError> {
        match self.request_object_alg {
            None => Ok(RequestSigning::Unsigned),
            Some(alg @ (Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512)) => Ok(RequestSigning::Signed {
                alg,
                key: ClientAuth::secret_key(self.secret("an HS* request object")?),
            }),
            Some(alg) => Ok(RequestSigning::Signed {
                alg,
                key: self.key("a signed request object")?.clone(),
            }),
        }
    }
}
