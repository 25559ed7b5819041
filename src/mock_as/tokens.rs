//! What the server remembers between requests: pushed requests, authorization codes and
//! tokens. Their `Debug` never shows the secret values.

use std::fmt;

use super::server::Params;
use crate::clock::UnixTime;

/// RFC 9126: a request pushed to the PAR endpoint, referenced by its `request_uri`.
#[derive(Clone)]
pub struct PushedRequest {
    pub client_id: String,
    /// The validated (and, with JAR, request-object) parameters.
    pub params: Params,
    pub expires_at: UnixTime,
    pub used: bool,
    /// The alg of the request object it carried, if any.
    pub request_object_alg: Option<String>,
}

impl fmt::Debug for PushedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PushedRequest")
            .field("client_id", &self.client_id)
            .field("expires_at", &self.expires_at)
            .field("used", &self.used)
            .finish_non_exhaustive()
    }
}

/// RFC 6749 §4.1.2: bound to the client, its redirect URI and PKCE challenge; used once.
#[derive(Clone)]
pub struct AuthorizationCode {
    pub client_id: String,
    pub redirect_uri: String,
    /// RFC 7636 `code_challenge` and its method (`plain` when absent, §4.3).
    pub code_challenge: Option<(String, String)>,
    pub nonce: Option<String>,
    pub scope: String,
    pub auth_time: UnixTime,
    pub expires_at: UnixTime,
    pub used: bool,
    /// The authorization grant this code stands for: the tokens issued for it carry the same
    /// id, so a replayed code (RFC 6749 §4.1.2) or a revoked refresh token (RFC 7009 §2.1)
    /// takes them all down.
    pub grant: String,
    /// RFC 8707 §2.1: the resources the authorization request indicated.
    pub resources: Vec<String>,
    /// RFC 9449 §10: the thumbprint of the DPoP key the code is bound to (`dpop_jkt`, or the
    /// key of the proof sent to PAR).
    pub dpop_jkt: Option<String>,
}

impl fmt::Debug for AuthorizationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthorizationCode")
            .field("client_id", &self.client_id)
            .field("redirect_uri", &self.redirect_uri)
            .field("expires_at", &self.expires_at)
            .field("used", &self.used)
            .finish_non_exhaustive()
    }
}

/// An issued access token, stored under its handle: the token itself when opaque, its `jti`
/// when a JWT (the JWT's signature may be computed after the answer, see `deferred.rs`).
/// Holds what introspection answers (RFC 7662 §2.2).
#[derive(Clone, Debug)]
pub struct AccessToken {
    pub client_id: String,
    pub scope: String,
    pub expires_at: UnixTime,
    pub issued_at: UnixTime,
    /// The resource owner, or the client itself when no user is involved (client
    /// credentials; RFC 9068 §2.2).
    pub sub: String,
    pub aud: Vec<String>,
    /// A JWT's `jti` (its handle); opaque tokens have none.
    pub jti: Option<String>,
    /// The authorization grant it came from (see [`AuthorizationCode::grant`]).
    pub grant: String,
    pub jwt: bool,
    /// RFC 9449 §6: the thumbprint of the DPoP key it is bound to (`cnf.jkt`).
    pub jkt: Option<String>,
}

#[derive(Clone, Debug)]
pub struct RefreshToken {
    pub client_id: String,
    pub scope: String,
    pub nonce: Option<String>,
    pub auth_time: UnixTime,
    pub expires_at: UnixTime,
    pub issued_at: UnixTime,
    pub grant: String,
    /// RFC 8707 §2.2: what the grant covers; a refresh request may narrow it, never widen it.
    pub resources: Vec<String>,
    /// RFC 9449 §5: a public client's refresh token is bound to its DPoP key.
    pub jkt: Option<String>,
}

/// Where the user's decision on a device authorization stands (RFC 8628 §3.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeviceDecision {
    Pending,
    Approved { at: UnixTime },
    Denied,
}

/// RFC 8628 §3.2: a device authorization request, referenced by its `device_code` (the device
/// polls with it) and its `user_code` (the user types it on the verification page).
#[derive(Clone)]
pub struct DeviceAuthorization {
    pub client_id: String,
    pub user_code: String,
    pub scope: String,
    pub expires_at: UnixTime,
    /// The polling interval now: §3.5 adds 5 s at every `slow_down`.
    pub interval: i64,
    pub last_poll: Option<UnixTime>,
    pub decision: DeviceDecision,
    /// Exchanged for tokens already (a device code is redeemed once).
    pub redeemed: bool,
    /// Arrival order, so the oldest gives way when the store is full.
    pub seq: u64,
}

impl fmt::Debug for DeviceAuthorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The user code is a bearer credential while the request is pending (RFC 8628 §5.1).
        f.debug_struct("DeviceAuthorization")
            .field("client_id", &self.client_id)
            .field("expires_at", &self.expires_at)
            .field("interval", &self.interval)
            .field("decision", &self.decision)
            .field("redeemed", &self.redeemed)
            .finish_non_exhaustive()
    }
}
