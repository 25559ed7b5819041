//! JSON Web Keys (RFC 7517).

use std::fmt;

use serde_json::{Map, Value};

use super::{base64url, JoseError};

/// Key bytes that must never reach a log: `Debug` prints only their length.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretBytes(Vec<u8>);

impl SecretBytes {
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretBytes(<{} bytes redacted>)", self.0.len())
    }
}

/// The key material of a JWK, by `kty`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyMaterial {
    /// `kty: oct` (RFC 7518 §6.4): a symmetric secret.
    Oct { k: SecretBytes },
}

impl KeyMaterial {
    /// The RFC 7517 `kty` value.
    pub fn kty(&self) -> &'static str {
        match self {
            KeyMaterial::Oct { .. } => "oct",
        }
    }
}

/// A parsed JWK: its key material plus the optional members that select it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Jwk {
    pub material: KeyMaterial,
    pub kid: Option<String>,
    pub alg: Option<String>,
    pub key_use: Option<String>,
}

impl Jwk {
    /// Parses a JWK from its JSON text.
    pub fn from_json(text: &str) -> Result<Self, JoseError> {
        let value: Value = serde_json::from_str(text).map_err(|e| JoseError::Json {
            what: "JWK",
            problem: e.to_string(),
        })?;
        match value {
            Value::Object(members) => Self::from_members(&members),
            _ => Err(JoseError::Json {
                what: "JWK",
                problem: "a JWK is a JSON object".into(),
            }),
        }
    }

    pub fn from_members(members: &Map<String, Value>) -> Result<Self, JoseError> {
        let kty = required_str(members, "kty")?;
        let material = match kty {
            "oct" => KeyMaterial::Oct {
                k: SecretBytes::new(base64url::decode(required_str(members, "k")?, "JWK member k")?),
            },
            other => {
                return Err(JoseError::JwkMember {
                    member: "kty",
                    problem: format!("\"{other}\" is not a supported key type"),
                })
            }
        };
        Ok(Self {
            material,
            kid: optional_str(members, "kid")?,
            alg: optional_str(members, "alg")?,
            key_use: optional_str(members, "use")?,
        })
    }
}

fn required_str<'a>(members: &'a Map<String, Value>, member: &'static str) -> Result<&'a str, JoseError> {
    match members.get(member) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(JoseError::JwkMember {
            member,
            problem: "must be a string".into(),
        }),
        None => Err(JoseError::JwkMember {
            member,
            problem: "is missing".into(),
        }),
    }
}

fn optional_str(members: &Map<String, Value>, member: &'static str) -> Result<Option<String>, JoseError> {
    match members.get(member) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(JoseError::JwkMember {
            member,
            problem: "must be a string".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let jwk = Jwk::from_json(r#"{"kty":"oct","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQ"}"#);
        let shown = format!("{jwk:?}");
        assert!(shown.contains("redacted"), "{shown}");
        assert!(!shown.contains("115, 101"), "{shown}");
    }

    #[test]
    fn missing_k_is_named() {
        assert_eq!(
            Jwk::from_json(r#"{"kty":"oct"}"#),
            Err(JoseError::JwkMember {
                member: "k",
                problem: "is missing".into()
            })
        );
    }

    #[test]
    fn unknown_kty_is_refused() {
        assert!(matches!(
            Jwk::from_json(r#"{"kty":"XYZ"}"#),
            Err(JoseError::JwkMember { member: "kty", .. })
        ));
    }
}
