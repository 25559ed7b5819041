//! JWK Sets (RFC 7517 §5) and choosing the one key a JWS was signed with.

use std::fmt;

use serde_json::Value;

use super::alg::Algorithm;
use super::error::KeySummary;
use super::{json, JoseError, Jwk};

/// A key of a set that was left out, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IgnoredKey {
    /// Position in the `keys` array.
    pub index: usize,
    pub kid: Option<String>,
    pub reason: JoseError,
}

/// A JWK Set. RFC 7517 §5 says to ignore keys one does not understand (unknown `kty`,
/// unsupported curve, malformed members) rather than reject the set; they are listed in
/// `ignored` so the UI can still say why a key is not there.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Jwks {
    pub keys: Vec<Jwk>,
    pub ignored: Vec<IgnoredKey>,
}

/// The most keys a set may hold. Importing a key can cost a millisecond (curve points are
/// checked, private keys matched to their public halves), so a pasted or fetched set of
/// thousands would freeze the page; real sets hold a handful.
pub const MAX_KEYS: usize = 100;

impl Jwks {
    pub fn new(keys: Vec<Jwk>) -> Self {
        Self {
            keys,
            ignored: Vec::new(),
        }
    }

    /// Parses `{"keys": [...]}`. Only the outer shape is an error; keys that cannot be used
    /// end up in `ignored`.
    pub fn from_json(text: &str) -> Result<Self, JoseError> {
        let set = json::parse_object(text, "JWKS")?;
        let keys = match set.get("keys") {
            Some(Value::Array(keys)) => keys,
            Some(other) => {
                return Err(JoseError::Json {
                    what: "JWKS",
                    problem: format!("\"keys\" must be an array, found {}", json::describe(other)),
                })
            }
            None => {
                return Err(JoseError::Json {
                    what: "JWKS",
                    problem: "there is no \"keys\" member (RFC 7517 §5.1 requires it)".into(),
                })
            }
        };
        if keys.len() > MAX_KEYS {
            return Err(JoseError::Json {
                what: "JWKS",
                problem: format!("holds {} keys; at most {MAX_KEYS} are read", keys.len()),
            });
        }
        let mut jwks = Jwks::default();
        for (index, key) in keys.iter().enumerate() {
            let parsed = match key {
                Value::Object(members) => Jwk::from_members(members),
                other => Err(JoseError::Json {
                    what: "JWKS key",
                    problem: format!("a key must be a JSON object, found {}", json::describe(other)),
                }),
            };
            match parsed {
                Ok(jwk) => jwks.keys.push(jwk),
                Err(reason) => jwks.ignored.push(IgnoredKey {
                    index,
                    kid: key.get("kid").and_then(Value::as_str).map(str::to_string),
                    reason,
                }),
            }
        }
        Ok(jwks)
    }

    /// `{"keys":[…]}` with every key as it is (private members included, if any).
    pub fn to_json(&self) -> String {
        let keys: Vec<String> = self.keys.iter().map(Jwk::to_json).collect();
        format!("{{\"keys\":[{}]}}", keys.join(","))
    }

    /// The set to publish: the public half of every asymmetric key. `oct` keys are shared
    /// secrets and are left out.
    pub fn to_public(&self) -> Jwks {
        Jwks::new(self.keys.iter().filter_map(|k| k.to_public().ok()).collect())
    }

    /// The one key that matches `query`. No match, or more than one, is an error that lists
    /// the keys concerned (all keys of the set when none matches).
    pub fn select(&self, query: &KeyQuery) -> Result<&Jwk, JoseError> {
        let candidates: Vec<&Jwk> = self.keys.iter().filter(|k| query.matches(k)).collect();
        match candidates.as_slice() {
            [one] => Ok(one),
            [] => Err(JoseError::NoMatchingKey {
                wanted: query.to_string(),
                available: self.keys.iter().map(Jwk::summary).collect(),
            }),
            several => Err(JoseError::AmbiguousKey {
                wanted: query.to_string(),
                candidates: several.iter().map(|k| k.summary()).collect::<Vec<KeySummary>>(),
            }),
        }
    }
}

/// What a key must be to be selected. Unset fields do not constrain.
///
/// Matching rules:
/// - `kid`: the key's `kid` equals it (a key without `kid` does not match);
/// - `kty`, `crv`: equal;
/// - `alg`: the key's type and curve fit the algorithm, and its `alg` member, if any, names it;
/// - `key_use`: the key's `use`, if any, equals it (RFC 7517 §4.2: a key without `use` may
///   serve any use).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyQuery {
    pub kid: Option<String>,
    pub kty: Option<String>,
    pub alg: Option<Algorithm>,
    pub key_use: Option<String>,
    pub crv: Option<String>,
}

impl KeyQuery {
    pub fn matches(&self, key: &Jwk) -> bool {
        let kid = self.kid.as_ref().is_none_or(|kid| key.kid.as_ref() == Some(kid));
        let kty = self.kty.as_deref().is_none_or(|kty| key.material.kty() == kty);
        let crv = self.crv.as_deref().is_none_or(|crv| key.material.crv() == Some(crv));
        let alg = self
            .alg
            .is_none_or(|alg| key.fits(alg) && key.alg.as_deref().is_none_or(|key_alg| key_alg == alg.name()));
        let key_use = self
            .key_use
            .as_deref()
            .is_none_or(|wanted| key.key_use.as_deref().is_none_or(|has| has == wanted));
        kid && kty && crv && alg && key_use
    }
}

impl fmt::Display for KeyQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(kid) = &self.kid {
            parts.push(format!("kid \"{kid}\""));
        }
        if let Some(kty) = &self.kty {
            parts.push(format!("kty {kty}"));
        }
        if let Some(alg) = self.alg {
            parts.push(format!("alg {alg}"));
        }
        if let Some(key_use) = &self.key_use {
            parts.push(format!("use {key_use}"));
        }
        if let Some(crv) = &self.crv {
            parts.push(format!("crv {crv}"));
        }
        if parts.is_empty() {
            f.write_str("any key")
        } else {
            f.write_str(&parts.join(", "))
        }
    }
}
