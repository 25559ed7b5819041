//! Keys already imported into a backend, so that a backend which must import a JWK before
//! each use (WebCrypto's `importKey`) does it once per key rather than once per signature.
//!
//! An entry is named by [`ImportedKeyId`]: the key's RFC 7638 thumbprint, the algorithm and
//! the operation it was imported for (WebCrypto binds all three into a `CryptoKey`), and for
//! signing keys a digest of the private components. The cache is bounded and forgets the
//! least recently used key first. Nothing here prints key material: `Debug` shows sizes,
//! algorithms and operations only.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt;

use sha2::{Digest, Sha256};

use super::{Algorithm, Jwk, KeyMaterial, KeyOperation};

/// What a cached import is the import of.
#[derive(Clone, PartialEq, Eq)]
pub struct ImportedKeyId {
    /// RFC 7638 §3: names the public key, or the secret itself for `oct` (its `k` is a
    /// required member).
    thumbprint: String,
    alg: Algorithm,
    operation: KeyOperation,
    /// SHA-256 over the private components of an asymmetric signing key. The thumbprint
    /// covers public members only, and a [`KeyMaterial`] built in code skips the consistency
    /// check `Jwk::from_json` makes; with this, a key whose private half differs from a cached
    /// key's is imported afresh instead of signing with the other key's secret.
    private: Option<[u8; 32]>,
}

impl ImportedKeyId {
    pub fn new(key: &Jwk, alg: Algorithm, operation: KeyOperation) -> Self {
        let private = match operation {
            KeyOperation::Sign => private_digest(&key.material),
            KeyOperation::Verify => None,
        };
        Self {
            thumbprint: key.thumbprint(),
            alg,
            operation,
            private,
        }
    }
}

impl fmt::Debug for ImportedKeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The thumbprint of an `oct` key is a hash of the secret; leave it out everywhere
        // rather than decide per key type.
        f.debug_struct("ImportedKeyId")
            .field("alg", &self.alg)
            .field("operation", &self.operation)
            .field("private", &self.private.is_some())
            .finish_non_exhaustive()
    }
}

/// Each private component length-prefixed, so that different splits of the same bytes differ.
fn private_digest(material: &KeyMaterial) -> Option<[u8; 32]> {
    let parts: Vec<&[u8]> = match material {
        // The secret is in the thumbprint already.
        KeyMaterial::Oct { .. } => return None,
        KeyMaterial::Rsa { private, .. } => {
            let p = private.as_ref()?;
            vec![
                p.d.expose(),
                p.p.expose(),
                p.q.expose(),
                p.dp.expose(),
                p.dq.expose(),
                p.qi.expose(),
            ]
        }
        KeyMaterial::Ec { d, .. } | KeyMaterial::Okp { d, .. } => vec![d.as_ref()?.expose()],
    };
    let mut hash = Sha256::new();
    for part in parts {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part);
    }
    Some(hash.finalize().into())
}

/// How many imported keys are kept. A run of the playground uses a handful (the client's
/// signing key, the server's keys for JARM and the ID token); a bound keeps a long session
/// that tries many keys from holding every one it ever imported.
pub const KEY_CACHE_CAPACITY: usize = 16;

/// A bounded least-recently-used map from [`ImportedKeyId`] to an imported key. Interior
/// mutability because backends sign through `&self`; no borrow is held across an `await`.
pub struct KeyCache<K> {
    entries: RefCell<VecDeque<(ImportedKeyId, K)>>,
    capacity: usize,
}

impl<K: Clone> KeyCache<K> {
    pub fn new(capacity: usize) -> Self {
        Self {
            entries: RefCell::new(VecDeque::with_capacity(capacity)),
            capacity,
        }
    }

    /// The imported key, now the most recently used.
    pub fn get(&self, id: &ImportedKeyId) -> Option<K> {
        let mut entries = self.entries.try_borrow_mut().ok()?;
        let at = entries.iter().position(|(cached, _)| cached == id)?;
        let entry = entries.remove(at)?;
        let key = entry.1.clone();
        entries.push_back(entry);
        Some(key)
    }

    /// Keeps `key` as the most recent entry (replacing an import of the same id made
    /// meanwhile), dropping the least recently used beyond the capacity.
    pub fn insert(&self, id: ImportedKeyId, key: K) {
        // A cache that cannot be updated only costs a later import.
        let Ok(mut entries) = self.entries.try_borrow_mut() else {
            return;
        };
        entries.retain(|(cached, _)| *cached != id);
        entries.push_back((id, key));
        while entries.len() > self.capacity {
            entries.pop_front();
        }
    }

    /// Whether `id` is cached, without making it the most recently used.
    pub fn contains(&self, id: &ImportedKeyId) -> bool {
        self.entries
            .try_borrow()
            .is_ok_and(|entries| entries.iter().any(|(cached, _)| cached == id))
    }

    pub fn len(&self) -> usize {
        self.entries.try_borrow().map_or(0, |entries| entries.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<K> fmt::Debug for KeyCache<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ids: Vec<ImportedKeyId> = self
            .entries
            .try_borrow()
            .map(|entries| entries.iter().map(|(id, _)| id.clone()).collect())
            .unwrap_or_default();
        f.debug_struct("KeyCache")
            .field("capacity", &self.capacity)
            .field("entries", &ids)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jose::{EcCurve, KeyGenSpec, RustCryptoBackend, SecretBytes};
    use rand_chacha::rand_core::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    fn backend() -> RustCryptoBackend<ChaCha20Rng> {
        RustCryptoBackend::new(ChaCha20Rng::seed_from_u64(7638))
    }

    fn hmac(byte: u8) -> Jwk {
        Jwk::new(KeyMaterial::Oct {
            k: SecretBytes::new(vec![byte; 32]),
        })
    }

    #[test]
    fn the_same_key_alg_and_operation_name_one_import() {
        let key = backend().generate_now(KeyGenSpec::Ec { crv: EcCurve::P256 }).unwrap();
        let renamed = Jwk {
            kid: Some("another name".into()),
            ..key.clone()
        };
        let id = ImportedKeyId::new(&key, Algorithm::ES256, KeyOperation::Sign);
        // kid, alg and use are policy members: the import is the same.
        assert!(id == ImportedKeyId::new(&renamed, Algorithm::ES256, KeyOperation::Sign));
        assert!(id != ImportedKeyId::new(&key, Algorithm::ES256, KeyOperation::Verify));
        assert!(
            ImportedKeyId::new(&hmac(1), Algorithm::HS256, KeyOperation::Sign)
                != ImportedKeyId::new(&hmac(1), Algorithm::HS384, KeyOperation::Sign)
        );
        assert!(
            ImportedKeyId::new(&hmac(1), Algorithm::HS256, KeyOperation::Sign)
                != ImportedKeyId::new(&hmac(2), Algorithm::HS256, KeyOperation::Sign)
        );
    }

    #[test]
    fn a_signing_key_with_another_private_half_is_not_taken_for_a_cached_one() {
        let key = backend().generate_now(KeyGenSpec::Ec { crv: EcCurve::P256 }).unwrap();
        let KeyMaterial::Ec { crv, x, y, .. } = key.material.clone() else {
            panic!("not EC")
        };
        let forged = Jwk::new(KeyMaterial::Ec {
            crv,
            x,
            y,
            d: Some(SecretBytes::new(vec![1; 32])),
        });
        assert_eq!(key.thumbprint(), forged.thumbprint());
        assert!(
            ImportedKeyId::new(&key, Algorithm::ES256, KeyOperation::Sign)
                != ImportedKeyId::new(&forged, Algorithm::ES256, KeyOperation::Sign)
        );
        // Verifying uses the public half only, which is the same.
        assert!(
            ImportedKeyId::new(&key, Algorithm::ES256, KeyOperation::Verify)
                == ImportedKeyId::new(&forged, Algorithm::ES256, KeyOperation::Verify)
        );
    }

    #[test]
    fn the_least_recently_used_key_leaves_first() {
        let cache = KeyCache::new(2);
        let id = |byte| ImportedKeyId::new(&hmac(byte), Algorithm::HS256, KeyOperation::Sign);
        cache.insert(id(1), "one");
        cache.insert(id(2), "two");
        assert_eq!(cache.get(&id(1)), Some("one"));
        cache.insert(id(3), "three");
        assert_eq!(cache.len(), 2);
        assert!(!cache.contains(&id(2)), "2 was the least recently used");
        assert_eq!(cache.get(&id(2)), None);
        assert_eq!(cache.get(&id(1)), Some("one"));
        assert_eq!(cache.get(&id(3)), Some("three"));
        // A second import of the same key replaces the first rather than taking a place.
        cache.insert(id(3), "three again");
        assert_eq!(cache.len(), 2);
        assert_eq!(cache.get(&id(3)), Some("three again"));
    }

    #[test]
    fn debug_shows_no_key_material() {
        let rsa = backend().generate_now(KeyGenSpec::Rsa { bits: 2048 }).unwrap();
        let secret = hmac(0x5a);
        let cache = KeyCache::new(KEY_CACHE_CAPACITY);
        cache.insert(ImportedKeyId::new(&rsa, Algorithm::RS256, KeyOperation::Sign), ());
        cache.insert(ImportedKeyId::new(&secret, Algorithm::HS256, KeyOperation::Sign), ());
        let shown = format!("{cache:?}");
        assert!(shown.contains("RS256") && shown.contains("HS256"), "{shown}");
        for hidden in [rsa.thumbprint(), secret.thumbprint(), "Wlpa".to_string()] {
            assert!(!shown.contains(&hidden), "{hidden} in {shown}");
        }
    }
}
