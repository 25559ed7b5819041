//! Signing-key rotation (the MrWho roadmap's "key rotation"): the server replaces its signing
//! keys, publishes the new ones beside the old ones for `signing_key_overlap` seconds — so a
//! token signed just before the rotation still verifies by its `kid` (RFC 7517 §4.5, RFC 7515
//! §4.1.4) — signs with the new `kid`s from then on, and drops the old keys from the JWKS once
//! the overlap has passed (retired).
//!
//! Until the first rotation the server signs with the fixed keys of `server_keys.json`
//! (`crypto.rs`). New keys come from the server's RNG ([`AuthorizationServer::rotate_signing_keys`]:
//! seeded in reproducible mode and in tests, so a rotation replays to the same keys) or are
//! generated elsewhere and handed in ([`AuthorizationServer::install_signing_keys`]: the page
//! generates them with WebCrypto, off the main thread).

use serde::Serialize;
use serde_json::{json, Value};

use super::crypto;
use super::events::SECURITY;
use super::server::{AuthorizationServer, ConfigError};
use crate::clock::UnixTime;
use crate::jose::{keygen, Jwk, Jwks, KeyGenSpec, KeyMaterial};

/// A replaced key's public half, published until `retire_at`.
#[derive(Clone, Debug)]
pub struct RetiringKey {
    pub key: Jwk,
    pub retire_at: UnixTime,
}

/// The server's signing keys now.
#[derive(Debug, Default)]
pub struct SigningKeys {
    /// The private keys signed with now; `None` until the first rotation (the built-in keys).
    current: Option<Jwks>,
    /// Replaced keys still in the JWKS.
    retiring: Vec<RetiringKey>,
    /// Every kid ever replaced, with when it left the JWKS, for the UI (bounded: the last 32).
    retired: Vec<(String, UnixTime)>,
    rotations: u32,
}

const RETIRED_HISTORY: usize = 32;

/// One key as the UI lists it.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct KeyStatus {
    pub kid: String,
    pub kty: &'static str,
    pub alg: Option<String>,
    /// RFC 7638 thumbprint (SHA-256, base64url).
    pub thumbprint: String,
    /// `active` (signs), `retiring` (published, no longer signs) or `retired` (gone).
    pub state: &'static str,
    /// For `retiring` and `retired` keys: when the key leaves (left) the JWKS.
    pub retire_at: Option<UnixTime>,
}

/// What to generate to replace `key`: the same type and size.
fn spec_of(key: &Jwk) -> Option<KeyGenSpec> {
    match &key.material {
        KeyMaterial::Rsa { .. } => Some(KeyGenSpec::Rsa {
            bits: key.material.rsa_modulus_bits().unwrap_or(2048),
        }),
        KeyMaterial::Ec { crv, .. } => Some(KeyGenSpec::Ec { crv: *crv }),
        KeyMaterial::Okp { .. } => Some(KeyGenSpec::Ed25519),
        KeyMaterial::Oct { .. } => None,
    }
}

/// The key types the server signs with, and what a replacement set must cover.
fn same_kind(a: &Jwk, b: &Jwk) -> bool {
    match (&a.material, &b.material) {
        (KeyMaterial::Rsa { .. }, KeyMaterial::Rsa { .. }) | (KeyMaterial::Okp { .. }, KeyMaterial::Okp { .. }) => true,
        (KeyMaterial::Ec { crv: x, .. }, KeyMaterial::Ec { crv: y, .. }) => x == y,
        _ => false,
    }
}

/// The key generation specs a replacement set needs, one per current key (RSA-2048, P-256,
/// P-384, Ed25519 for the built-in set), for callers that generate keys themselves.
pub fn replacement_specs(current: &Jwks) -> Vec<KeyGenSpec> {
    current.keys.iter().filter_map(spec_of).collect()
}

impl AuthorizationServer {
    /// The private keys the server signs with now.
    pub(super) fn signing_keys(&self) -> &Jwks {
        self.keys
            .current
            .as_ref()
            .unwrap_or_else(|| crypto::builtin_server_keys())
    }

    /// What [`Self::install_signing_keys`] needs: one key of each current key's type and size.
    pub fn signing_key_specs(&self) -> Vec<KeyGenSpec> {
        replacement_specs(self.signing_keys())
    }

    /// The public keys that verify what this server signed and still vouches for: the current
    /// keys, then those in their overlap period (newest rotation first).
    pub(super) fn verification_keys(&self) -> Jwks {
        let now = self.clock.now();
        let mut keys: Vec<Jwk> = match &self.keys.current {
            Some(current) => current.to_public().keys,
            None => crypto::server_public_keys().keys.clone(),
        };
        keys.extend(
            self.keys
                .retiring
                .iter()
                .filter(|r| r.retire_at > now)
                .map(|r| r.key.clone()),
        );
        Jwks::new(keys)
    }

    /// The public JWKS as the JWKS endpoint serves it now: [`Self::verification_keys`] (the
    /// current keys, then the keys still in their overlap period, newest rotation first), then,
    /// while the server offers asymmetric encryption, its encryption keys (`use: enc`, no
    /// `alg`; `encryption.rs`). Rotation leaves the encryption keys alone.
    pub fn published_jwks(&self) -> Value {
        let mut keys = self.verification_keys().keys;
        let asymmetric = self.settings.encryption_algs.iter().any(|alg| {
            crate::jose::jwe::KeyManagement::from_name(alg).is_ok_and(|a| !super::encryption::is_symmetric(a))
        });
        if asymmetric {
            keys.extend(super::encryption::server_enc_public_keys().keys);
        }
        serde_json::from_str(&Jwks::new(keys).to_json()).unwrap_or_else(|_| json!({ "keys": [] }))
    }

    /// Moves the keys whose overlap has passed from `retiring` to `retired`.
    fn retire_expired_keys(&mut self, now: UnixTime) {
        let (gone, kept): (Vec<RetiringKey>, Vec<RetiringKey>) = std::mem::take(&mut self.keys.retiring)
            .into_iter()
            .partition(|r| r.retire_at <= now);
        self.keys.retiring = kept;
        for key in gone {
            self.keys.retired.push((
                key.key.kid.clone().unwrap_or_else(|| key.key.thumbprint()),
                key.retire_at,
            ));
        }
        let excess = self.keys.retired.len().saturating_sub(RETIRED_HISTORY);
        self.keys.retired.drain(..excess);
    }

    /// Generates a new signing key for every current one (same type and size) from the
    /// server's RNG, and rotates to them (see [`Self::install_signing_keys`]). RSA generation
    /// in pure Rust takes most of a second in wasm; the page uses WebCrypto and
    /// `install_signing_keys` unless runs must be reproducible.
    pub fn rotate_signing_keys(&mut self) -> Result<Value, ConfigError> {
        let specs = replacement_specs(self.signing_keys());
        let mut keys = Vec::with_capacity(specs.len());
        for spec in specs {
            let mut rng = &mut *self.rng;
            let key = keygen::generate(spec, &mut rng).map_err(|e| ConfigError(format!("key generation: {e}")))?;
            keys.push(key);
        }
        self.install_signing_keys(Jwks::new(keys))
    }

    /// Rotates to `new_keys` (private keys, one for each current key's type and curve): the
    /// new keys sign from now on; the replaced keys' public halves stay in the JWKS for
    /// `signing_key_overlap` seconds and then leave it. Answers [`Self::signing_key_status`].
    pub fn install_signing_keys(&mut self, new_keys: Jwks) -> Result<Value, ConfigError> {
        let now = self.clock.now();
        let old = self.signing_keys().clone();
        let mut replacement = Vec::with_capacity(old.keys.len());
        for old_key in &old.keys {
            let Some(mut key) = new_keys.keys.iter().find(|k| same_kind(k, old_key)).cloned() else {
                return Err(ConfigError(format!(
                    "the new key set has no {} to replace {}",
                    old_key.describe(),
                    old_key.kid.as_deref().unwrap_or("a key")
                )));
            };
            if !key.is_private() {
                return Err(ConfigError(format!(
                    "the new {} has no private part to sign with",
                    key.describe()
                )));
            }
            // The replaced key's description carries over; the kid is the new key's own
            // RFC 7638 thumbprint, so it can never name the old key.
            key.kid = Some(key.thumbprint());
            key.alg = old_key.alg.clone();
            key.key_use = old_key.key_use.clone();
            replacement.push(key);
        }
        self.retire_expired_keys(now);
        let retire_at = now.saturating_add(self.settings.signing_key_overlap);
        let mut retired_kids = Vec::new();
        for key in old.to_public().keys {
            retired_kids.push(key.kid.clone().unwrap_or_default());
            if retire_at > now {
                self.keys.retiring.push(RetiringKey { key, retire_at });
            } else {
                let kid = key.kid.clone().unwrap_or_else(|| key.thumbprint());
                self.keys.retired.push((kid, now));
            }
        }
        let new_kids: Vec<String> = replacement.iter().filter_map(|k| k.kid.clone()).collect();
        self.keys.current = Some(Jwks::new(replacement));
        self.keys.rotations = self.keys.rotations.saturating_add(1);
        self.detail("new_kids", new_kids.join(" "));
        self.detail("replaced_kids", retired_kids.join(" "));
        self.detail("retire_at", retire_at);
        self.record("keys.rotated", SECURITY, "keys", None, "success");
        Ok(self.signing_key_status())
    }

    /// The keys as the UI lists them: active, retiring (with when they leave), retired.
    pub fn signing_key_status(&self) -> Value {
        let now = self.clock.now();
        let describe = |key: &Jwk, state: &'static str, retire_at: Option<UnixTime>| KeyStatus {
            kid: key.kid.clone().unwrap_or_else(|| key.thumbprint()),
            kty: key.material.kty(),
            alg: key.alg.clone(),
            thumbprint: key.thumbprint(),
            state,
            retire_at,
        };
        let mut keys: Vec<KeyStatus> = self
            .signing_keys()
            .keys
            .iter()
            .map(|k| describe(k, "active", None))
            .collect();
        for r in &self.keys.retiring {
            let state = if r.retire_at > now { "retiring" } else { "retired" };
            keys.push(describe(&r.key, state, Some(r.retire_at)));
        }
        let retired: Vec<Value> = self
            .keys
            .retired
            .iter()
            .map(|(kid, at)| json!({ "kid": kid, "retired_at": at }))
            .collect();
        json!({
            "rotations": self.keys.rotations,
            "overlap": self.settings.signing_key_overlap,
            "keys": keys,
            "retired": retired,
        })
    }
}
