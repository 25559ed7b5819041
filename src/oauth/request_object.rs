//! Request objects (JAR, RFC 9101): the authorization parameters as JWT claims, signed.
//!
//! Defaults follow the design brief's client-side requirements 1–5; every choice is a field
//! of [`RequestObjectOptions`] so experiments can break any of them on purpose.

use rand_core::CryptoRngCore;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::error::ClientError;
use super::random::random_token;
use super::request::AuthorizationRequest;
use crate::clock::UnixTime;
use crate::jose::jws::{self, unsecured};
use crate::jose::{Algorithm, CryptoBackend, Jwk, ShortHmacKeys};
use crate::protocol::{claim, param, REQUEST_OBJECT_TYP};

/// Whom the request object is for (`aud`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Audience {
    /// RFC 9101 §4: aud "should be the value of the authorization server (AS) issuer" (a
    /// lower-case should: a recommendation in prose, not a BCP 14 keyword).
    #[default]
    Issuer,
    /// The authorization endpoint URL, which some deployments expect.
    AuthorizationEndpoint,
    Custom(String),
    Omit,
}

/// The header's `typ`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum TypHeader {
    /// RFC 9101 §10.8: `oauth-authz-req+jwt`.
    #[default]
    OauthAuthzReqJwt,
    /// `JWT`, for servers that want it.
    Jwt,
    Custom(String),
    Omit,
}

impl TypHeader {
    pub fn value(&self) -> Option<&str> {
        match self {
            TypHeader::OauthAuthzReqJwt => Some(REQUEST_OBJECT_TYP),
            TypHeader::Jwt => Some("JWT"),
            TypHeader::Custom(t) => Some(t),
            TypHeader::Omit => None,
        }
    }
}

/// Whether a JAR-by-value URL repeats `response_type` and `scope` outside the request
/// object (OIDC Core §6.1 requires them as OAuth parameters; RFC 9101 §5 does not).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum OuterParams {
    /// Repeat them when the scope contains `openid`.
    #[default]
    WhenOpenId,
    Always,
    Never,
}

/// Every choice of a request object. `Default` is what the specifications recommend:
/// `aud` = issuer, `typ` = `oauth-authz-req+jwt`, `kid` set, `iat`/`nbf`/`exp`/`jti` all
/// present, `exp` 300 s after `iat`, HMAC keys shorter than the hash refused.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RequestObjectOptions {
    pub audience: Audience,
    pub typ: TypHeader,
    pub include_kid: bool,
    /// `exp − iat`, seconds.
    pub lifetime: i64,
    pub include_iat: bool,
    pub include_nbf: bool,
    pub include_exp: bool,
    pub include_jti: bool,
    /// Include `iss` = client_id.
    pub include_iss: bool,
    pub outer_params: OuterParams,
    /// Claims added after (and overriding) the generated ones.
    pub extra_claims: Map<String, Value>,
    pub short_hmac_keys: AllowShortHmac,
}

/// Serializable mirror of [`ShortHmacKeys`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum AllowShortHmac {
    #[default]
    Refuse,
    Allow,
}

impl From<AllowShortHmac> for ShortHmacKeys {
    fn from(v: AllowShortHmac) -> Self {
        match v {
            AllowShortHmac::Refuse => ShortHmacKeys::Refuse,
            AllowShortHmac::Allow => ShortHmacKeys::Allow,
        }
    }
}

/// Default request object lifetime (design brief: "short, default 5 min or less").
pub const DEFAULT_LIFETIME: i64 = 300;

impl Default for RequestObjectOptions {
    fn default() -> Self {
        Self {
            audience: Audience::Issuer,
            typ: TypHeader::OauthAuthzReqJwt,
            include_kid: true,
            lifetime: DEFAULT_LIFETIME,
            include_iat: true,
            include_nbf: true,
            include_exp: true,
            include_jti: true,
            include_iss: true,
            outer_params: OuterParams::WhenOpenId,
            extra_claims: Map::new(),
            short_hmac_keys: AllowShortHmac::Refuse,
        }
    }
}

/// How a request object is secured.
// Built once per request; boxing the key would only make construction noisier.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RequestSigning {
    Signed {
        alg: Algorithm,
        key: Jwk,
    },
    /// `alg: none` (OIDC Core §6.1 allows it; RFC 9101 §5 wants a signature); never a default.
    Unsigned,
}

impl RequestSigning {
    pub fn alg_name(&self) -> &'static str {
        match self {
            RequestSigning::Signed { alg, .. } => alg.name(),
            RequestSigning::Unsigned => "none",
        }
    }
}

/// Where the request object is going: the values `aud` may take.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestObjectTarget<'a> {
    pub issuer: &'a str,
    pub authorization_endpoint: &'a str,
}

/// A request object before signing: header and claims, both editable.
#[derive(Clone, Debug, PartialEq)]
pub struct RequestObject {
    pub header: Map<String, Value>,
    pub claims: Map<String, Value>,
}

impl RequestObject {
    /// RFC 9101 §4 and the design brief's client items 1–3.
    pub fn build(
        request: &AuthorizationRequest,
        options: &RequestObjectOptions,
        target: &RequestObjectTarget<'_>,
        signing: &RequestSigning,
        now: UnixTime,
        rng: &mut impl CryptoRngCore,
    ) -> Result<Self, ClientError> {
        // 1. Every authorization parameter except request/request_uri, with its JSON type;
        //    a repeated parameter (resource) becomes an array.
        let mut claims = Map::new();
        for p in request.parameters() {
            if p.name == param::REQUEST || p.name == param::REQUEST_URI {
                return Err(ClientError::config(
                    "jar.nested_request",
                    format!("RFC 9101 §4: a request object must not contain \"{}\"", p.name),
                ));
            }
            match claims.get_mut(&p.name) {
                Some(Value::Array(items)) if p.name == crate::protocol::param::RESOURCE => items.push(p.value),
                Some(existing) => {
                    let first = existing.take();
                    *existing = Value::Array(vec![first, p.value]);
                }
                None => {
                    claims.insert(p.name, p.value);
                }
            }
        }
        // 2. iss = client_id, aud, iat, nbf, exp, jti.
        if options.include_iss {
            claims.insert(claim::ISS.into(), Value::from(request.client_id.as_str()));
        }
        let aud = match &options.audience {
            Audience::Issuer => Some(target.issuer.to_string()),
            Audience::AuthorizationEndpoint => Some(target.authorization_endpoint.to_string()),
            Audience::Custom(a) => Some(a.clone()),
            Audience::Omit => None,
        };
        if let Some(aud) = aud {
            claims.insert(claim::AUD.into(), Value::from(aud));
        }
        if options.include_iat {
            claims.insert(claim::IAT.into(), Value::from(now));
        }
        if options.include_nbf {
            claims.insert(claim::NBF.into(), Value::from(now));
        }
        if options.include_exp {
            claims.insert(claim::EXP.into(), Value::from(now.saturating_add(options.lifetime)));
        }
        if options.include_jti {
            claims.insert(claim::JTI.into(), Value::from(random_token(rng, 16)));
        }
        for (k, v) in &options.extra_claims {
            claims.insert(k.clone(), v.clone());
        }
        // 3. Header: alg, typ, kid.
        let mut header = Map::new();
        header.insert("alg".into(), Value::from(signing.alg_name()));
        if let Some(typ) = options.typ.value() {
            header.insert("typ".into(), Value::from(typ));
        }
        if let (true, RequestSigning::Signed { key, .. }) = (options.include_kid, signing) {
            if let Some(kid) = &key.kid {
                header.insert("kid".into(), Value::from(kid.as_str()));
            }
        }
        Ok(Self { header, claims })
    }

    /// The header as JSON text (what the UI shows and lets the user edit).
    pub fn header_json(&self) -> String {
        Value::Object(self.header.clone()).to_string()
    }

    pub fn claims_json(&self) -> String {
        Value::Object(self.claims.clone()).to_string()
    }

    /// Signs (or, for [`RequestSigning::Unsigned`], encodes) the request object.
    pub async fn sign<B: CryptoBackend + ?Sized>(
        &self,
        backend: &B,
        signing: &RequestSigning,
        short_keys: ShortHmacKeys,
    ) -> Result<String, ClientError> {
        sign_text(backend, &self.header_json(), &self.claims_json(), signing, short_keys).await
    }
}

/// Signs caller-edited header and payload text exactly as given (the UI lets users edit both
/// before signing). The header's `alg` must agree with `signing`: `none` only with
/// [`RequestSigning::Unsigned`], so an unsigned object is never made by accident.
pub async fn sign_text<B: CryptoBackend + ?Sized>(
    backend: &B,
    header_text: &str,
    payload_text: &str,
    signing: &RequestSigning,
    short_keys: ShortHmacKeys,
) -> Result<String, ClientError> {
    match signing {
        RequestSigning::Unsigned => Ok(unsecured::encode(header_text, payload_text.as_bytes())?),
        RequestSigning::Signed { key, .. } => {
            Ok(jws::sign_compact_with(backend, header_text, payload_text.as_bytes(), key, short_keys).await?)
        }
    }
}
