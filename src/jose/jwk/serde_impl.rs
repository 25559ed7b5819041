//! JSON output of a JWK in a fixed, readable member order (`kty` first, private members
//! last), and serde support so a `Jwk` can sit inside persisted state.

use serde::ser::{Serialize, Serializer};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use super::{Jwk, KeyMaterial};
use crate::jose::base64url;

#[derive(serde::Serialize)]
struct JwkJson<'a> {
    kty: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    kid: Option<&'a str>,
    #[serde(rename = "use", skip_serializing_if = "Option::is_none")]
    key_use: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    alg: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    key_ops: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    crv: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    n: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    e: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    x: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    y: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    k: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    d: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    p: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    q: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dp: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dq: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    qi: Option<String>,
}

fn view(jwk: &Jwk) -> JwkJson<'_> {
    let mut out = JwkJson {
        kty: jwk.material.kty(),
        kid: jwk.kid.as_deref(),
        key_use: jwk.key_use.as_deref(),
        alg: jwk.alg.as_deref(),
        key_ops: jwk.key_ops.as_deref(),
        crv: jwk.material.crv(),
        n: None,
        e: None,
        x: None,
        y: None,
        k: None,
        d: None,
        p: None,
        q: None,
        dp: None,
        dq: None,
        qi: None,
    };
    match &jwk.material {
        KeyMaterial::Oct { k } => out.k = Some(base64url::encode(k.expose())),
        KeyMaterial::Rsa { n, e, private } => {
            out.n = Some(base64url::encode(n));
            out.e = Some(base64url::encode(e));
            if let Some(private) = private {
                out.d = Some(base64url::encode(private.d.expose()));
                out.p = Some(base64url::encode(private.p.expose()));
                out.q = Some(base64url::encode(private.q.expose()));
                out.dp = Some(base64url::encode(private.dp.expose()));
                out.dq = Some(base64url::encode(private.dq.expose()));
                out.qi = Some(base64url::encode(private.qi.expose()));
            }
        }
        KeyMaterial::Ec { x, y, d, .. } => {
            out.x = Some(base64url::encode(x));
            out.y = Some(base64url::encode(y));
            out.d = d.as_ref().map(|d| base64url::encode(d.expose()));
        }
        KeyMaterial::Okp { x, d, .. } => {
            out.x = Some(base64url::encode(x));
            out.d = d.as_ref().map(|d| base64url::encode(d.expose()));
        }
    }
    out
}

pub(super) fn to_json(jwk: &Jwk, pretty: bool) -> String {
    let view = view(jwk);
    // Serialising a struct of strings into a String cannot fail; fall back to "{}" anyway
    // rather than panic.
    let text = if pretty {
        serde_json::to_string_pretty(&view)
    } else {
        serde_json::to_string(&view)
    };
    text.unwrap_or_else(|_| "{}".into())
}

impl Serialize for Jwk {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        view(self).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Jwk {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let members = Map::<String, Value>::deserialize(deserializer)?;
        Jwk::from_members(&members).map_err(serde::de::Error::custom)
    }
}
