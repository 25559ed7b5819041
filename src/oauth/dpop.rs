//! DPoP proofs (RFC 9449 §4) as a client makes them: a [`DpopKey`] (the private key, its
//! public JWK and thumbprint) and a [`DpopProof`] builder, signed through a
//! [`CryptoBackend`] so WebCrypto can sign in the browser. Attaching proofs to requests and
//! the `use_dpop_nonce` retry live in the flow driver (`flow.rs`).

use std::fmt;

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::error::ClientError;
use crate::clock::UnixTime;
use crate::http::{Request, Response};
use crate::jose::jws::sign_compact_with;
use crate::jose::{base64url, Algorithm, CryptoBackend, Jwk, KeyMaterial, ShortHmacKeys};
use crate::protocol::{dpop, error as e};

/// The key a client proves possession of. `Debug` shows the alg and thumbprint only.
#[derive(Clone, PartialEq)]
pub struct DpopKey {
    private: Jwk,
    public: Value,
    alg: Algorithm,
    jkt: String,
}

impl fmt::Debug for DpopKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DpopKey")
            .field("alg", &self.alg)
            .field("jkt", &self.jkt)
            .finish_non_exhaustive()
    }
}

impl DpopKey {
    /// A proof key: an asymmetric private key that fits `alg` (§4.2: "MUST NOT be none or an
    /// identifier for a symmetric algorithm").
    pub fn new(private: Jwk, alg: Algorithm) -> Result<Self, ClientError> {
        if matches!(private.material, KeyMaterial::Oct { .. }) {
            return Err(ClientError::config(
                "dpop.key_symmetric",
                "RFC 9449 §4.2: a DPoP key is asymmetric (a MAC secret cannot be shown in the jwk header)",
            ));
        }
        if !private.is_private() {
            return Err(ClientError::config(
                "dpop.key_not_private",
                "a DPoP key must hold its private part to sign proofs",
            ));
        }
        if !private.fits(alg) {
            return Err(ClientError::config(
                "dpop.key_alg_mismatch",
                format!("the {} key does not fit {}", private.material.kty(), alg.name()),
            ));
        }
        let public_key = private.to_public()?;
        let jkt = public_key.thumbprint();
        // §4.2 jwk: the public key only; `kid`, `use`, `key_ops`, `alg` are not needed to
        // verify and would only tell servers more about the client.
        let mut public: Value = serde_json::from_str(&public_key.to_json())
            .map_err(|e| ClientError::config("dpop.key_invalid", e.to_string()))?;
        if let Value::Object(members) = &mut public {
            for extra in ["kid", "use", "key_ops", "alg"] {
                members.remove(extra);
            }
        }
        Ok(Self {
            private,
            public,
            alg,
            jkt,
        })
    }

    /// The RFC 7638 thumbprint: `dpop_jkt` at authorize, `cnf.jkt` in tokens.
    pub fn jkt(&self) -> &str {
        &self.jkt
    }

    pub fn alg(&self) -> Algorithm {
        self.alg
    }

    /// The public JWK as the proof header carries it.
    pub fn public_jwk(&self) -> &Value {
        &self.public
    }

    /// The private key itself, for code in this crate that signs a proof by other means
    /// (the tamper presets re-sign proofs they changed).
    pub(crate) fn signing_key(&self) -> &Jwk {
        &self.private
    }
}

/// RFC 9449 §4.2 `ath`: base64url(SHA-256(ASCII(access token))).
pub fn access_token_hash(access_token: &str) -> String {
    base64url::encode(Sha256::digest(access_token.as_bytes()))
}

/// §4.2 `htu`: "without query and fragment parts".
pub fn htu(url: &str) -> &str {
    crate::protocol::without_query(url)
}

/// One proof, for one request: build it, then [`DpopProof::sign`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DpopProof {
    pub htm: String,
    pub htu: String,
    pub iat: UnixTime,
    pub jti: String,
    pub ath: Option<String>,
    pub nonce: Option<String>,
}

impl DpopProof {
    /// A proof of `method` on `url` (query and fragment dropped) at `iat`, with a `jti` the
    /// caller draws fresh for every proof.
    pub fn new(method: &str, url: &str, iat: UnixTime, jti: impl Into<String>) -> Self {
        Self {
            htm: method.to_string(),
            htu: htu(url).to_string(),
            iat,
            jti: jti.into(),
            ath: None,
            nonce: None,
        }
    }

    /// §4.2 `ath`, REQUIRED when the proof accompanies an access token.
    pub fn access_token(mut self, access_token: &str) -> Self {
        self.ath = Some(access_token_hash(access_token));
        self
    }

    /// §4.2 `nonce`, when the server gave one (`DPoP-Nonce`).
    pub fn nonce(mut self, nonce: Option<&str>) -> Self {
        self.nonce = nonce.map(str::to_string);
        self
    }

    /// The protected header: `typ`, `alg`, `jwk` (public only).
    pub fn header(&self, key: &DpopKey) -> Value {
        let mut header = Map::new();
        header.insert("typ".into(), Value::from(dpop::TYP));
        header.insert("alg".into(), Value::from(key.alg.name()));
        header.insert("jwk".into(), key.public.clone());
        Value::Object(header)
    }

    pub fn claims(&self) -> Value {
        let mut claims = Map::new();
        claims.insert("jti".into(), Value::from(self.jti.clone()));
        claims.insert("htm".into(), Value::from(self.htm.clone()));
        claims.insert("htu".into(), Value::from(self.htu.clone()));
        claims.insert("iat".into(), Value::from(self.iat));
        if let Some(ath) = &self.ath {
            claims.insert("ath".into(), Value::from(ath.clone()));
        }
        if let Some(nonce) = &self.nonce {
            claims.insert("nonce".into(), Value::from(nonce.clone()));
        }
        Value::Object(claims)
    }

    /// The compact JWS, signed through `backend`.
    pub async fn sign<B: CryptoBackend + ?Sized>(&self, key: &DpopKey, backend: &B) -> Result<String, ClientError> {
        let header = self.header(key).to_string();
        let claims = self.claims().to_string();
        Ok(sign_compact_with(backend, &header, claims.as_bytes(), &key.private, ShortHmacKeys::Refuse).await?)
    }
}

/// The nonce a `use_dpop_nonce` answer asks for: 400 with `error=use_dpop_nonce` (§8, token
/// and PAR) or 401 with `WWW-Authenticate: DPoP error="use_dpop_nonce"` (§9, resources), and
/// a `DPoP-Nonce` header. `None` for any other answer.
pub fn requested_nonce(response: &Response) -> Option<String> {
    let nonce = response.headers.get(dpop::NONCE_HEADER)?;
    let in_body = response.status == 400
        && serde_json::from_slice::<Value>(&response.body)
            .ok()
            .and_then(|b| b.get("error").and_then(Value::as_str).map(|e| e == e::USE_DPOP_NONCE))
            .unwrap_or(false);
    let in_challenge = response.status == 401
        && response
            .headers
            .get("WWW-Authenticate")
            .is_some_and(|h| h.contains(&format!("error=\"{}\"", e::USE_DPOP_NONCE)));
    (in_body || in_challenge).then(|| nonce.trim().to_string())
}

/// Adds the proof as the `DPoP` header, replacing an earlier one (a retry carries one proof).
pub fn with_proof(request: &Request, proof: &str) -> Request {
    let mut out = request.clone();
    out.headers.set(dpop::HEADER, proof);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn htu_drops_query_and_fragment() {
        assert_eq!(htu("https://as.example/token?x=1#f"), "https://as.example/token");
        assert_eq!(htu("https://as.example/token"), "https://as.example/token");
    }

    #[test]
    fn nonce_is_read_only_from_a_use_dpop_nonce_answer() {
        let mut answer = Response::new(400);
        answer.headers.append("DPoP-Nonce", "n-1");
        answer.body = br#"{"error":"use_dpop_nonce"}"#.to_vec();
        assert_eq!(requested_nonce(&answer).as_deref(), Some("n-1"));
        answer.body = br#"{"error":"invalid_dpop_proof"}"#.to_vec();
        assert_eq!(requested_nonce(&answer), None);
        let mut challenge = Response::new(401);
        challenge.headers.append("DPoP-Nonce", "n-2");
        challenge
            .headers
            .append("WWW-Authenticate", "DPoP error=\"use_dpop_nonce\", algs=\"ES256\"");
        assert_eq!(requested_nonce(&challenge).as_deref(), Some("n-2"));
    }
}
