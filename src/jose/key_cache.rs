//! Keys already imported into a backend, so that a backend which must import a JWK before
//! each use (WebCrypto's `importKey`) does it once per key rather than once per signature.
//!
//! An entry is named by [`ImportedKeyId`]: the algorithm and the operation it was imported
//! for (WebCrypto binds both into a `CryptoKey`), the key's public members byte for byte, and
//! a digest of the secret components where the key is used for signing or is a secret
//! (`oct`). A lookup compares; it hashes only a key's secret part, and only when it has one
//! that matters. The cache is bounded and forgets the least recently used key first. Nothing
//! here prints key material: `Debug` shows algorithms and operations only.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt;

use sha2::{Digest, Sha256};

use super::{Algorithm, EcCurve, Jwk, KeyMaterial, KeyOperation, OkpCurve};

/// What a cached import is the import of.
#[derive(Clone, PartialEq, Eq)]
pub struct ImportedKeyId {
    alg: Algorithm,
    operation: KeyOperation,
    /// The members RFC 7638 §3.2 names a public key by, compared rather than hashed: a
    /// verification, the page's most frequent use of the cache, costs a comparison of a few
    /// hundred bytes instead of a SHA-256 over the key's JSON (3.3 µs for RSA-2048 in wasm).
    public: PublicMembers,
    /// SHA-256 over the secret components, for a signing key and for an `oct` key. Public
    /// members do not pin the private half, and a [`KeyMaterial`] built in code skips the
    /// consistency check `Jwk::from_json` makes; with this, a key whose private half differs
    /// from a cached key's is imported afresh instead of signing with the other key's secret.
    secret: Option<[u8; 32]>,
}

/// A key's public members, as the cache keeps them.
#[derive(Clone, PartialEq, Eq)]
enum PublicMembers {
    Rsa {
        n: Vec<u8>,
        e: Vec<u8>,
    },
    Ec {
        crv: EcCurve,
        x: Vec<u8>,
        y: Vec<u8>,
    },
    Okp {
        crv: OkpCurve,
        x: Vec<u8>,
    },
    /// `oct` has none: its secret names it.
    Secret,
}

impl PublicMembers {
    fn of(material: &KeyMaterial) -> Self {
        match material {
            KeyMaterial::Rsa { n, e, .. } => Self::Rsa {
                n: n.clone(),
                e: e.clone(),
            },
            KeyMaterial::Ec { crv, x, y, .. } => Self::Ec {
                crv: *crv,
                x: x.clone(),
                y: y.clone(),
            },
            KeyMaterial::Okp { crv, x, .. } => Self::Okp {
                crv: *crv,
                x: x.clone(),
            },
            KeyMaterial::Oct { .. } => Self::Secret,
        }
    }

    /// Whether these are exactly `material`'s public members (no copy, no hash).
    fn are_those_of(&self, material: &KeyMaterial) -> bool {
        match (self, material) {
            (Self::Rsa { n, e }, KeyMaterial::Rsa { n: n2, e: e2, .. }) => n == n2 && e == e2,
            (
                Self::Ec { crv, x, y },
                KeyMaterial::Ec {
                    crv: c2, x: x2, y: y2, ..
                },
            ) => crv == c2 && x == x2 && y == y2,
            (Self::Okp { crv, x }, KeyMaterial::Okp { crv: c2, x: x2, .. }) => crv == c2 && x == x2,
            (Self::Secret, KeyMaterial::Oct { .. }) => true,
            _ => false,
        }
    }
}

/// A key being looked up: its secret digest (when it needs one) worked out once, then
/// compared with each entry.
struct Wanted<'k> {
    key: &'k Jwk,
    alg: Algorithm,
    operation: KeyOperation,
    secret: Option<[u8; 32]>,
}

impl<'k> Wanted<'k> {
    fn new(key: &'k Jwk, alg: Algorithm, operation: KeyOperation) -> Self {
        let secret = match (&key.material, operation) {
            (KeyMaterial::Oct { .. }, _) | (_, KeyOperation::Sign) => secret_digest(&key.material),
            (_, KeyOperation::Verify) => None,
        };
        Self {
            key,
            alg,
            operation,
            secret,
        }
    }

    fn is(&self, id: &ImportedKeyId) -> bool {
        id.alg == self.alg
            && id.operation == self.operation
            && id.secret == self.secret
            && id.public.are_those_of(&self.key.material)
    }

    fn id(&self) -> ImportedKeyId {
        ImportedKeyId {
            alg: self.alg,
            operation: self.operation,
            public: PublicMembers::of(&self.key.material),
            secret: self.secret,
        }
    }
}

impl ImportedKeyId {
    pub fn new(key: &Jwk, alg: Algorithm, operation: KeyOperation) -> Self {
        Wanted::new(key, alg, operation).id()
    }
}

impl fmt::Debug for ImportedKeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Public members are harmless but long; the secret digest is left out like the secret.
        f.debug_struct("ImportedKeyId")
            .field("alg", &self.alg)
            .field("operation", &self.operation)
            .field("secret", &self.secret.is_some())
            .finish_non_exhaustive()
    }
}

/// Each secret component length-prefixed, so that different splits of the same bytes differ.
/// `None` for a key without its private half.
fn secret_digest(material: &KeyMaterial) -> Option<[u8; 32]> {
    let mut hash = Sha256::new();
    let mut add = |part: &[u8]| {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part);
    };
    match material {
        KeyMaterial::Oct { k } => add(k.expose()),
        KeyMaterial::Rsa { private, .. } => {
            let p = private.as_ref()?;
            for part in [&p.d, &p.p, &p.q, &p.dp, &p.dq, &p.qi] {
                add(part.expose());
            }
        }
        KeyMaterial::Ec { d, .. } | KeyMaterial::Okp { d, .. } => add(d.as_ref()?.expose()),
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

    /// `key` as imported for `alg` and `operation`, now the most recently used.
    pub fn get(&self, key: &Jwk, alg: Algorithm, operation: KeyOperation) -> Option<K> {
        let wanted = Wanted::new(key, alg, operation);
        let mut entries = self.entries.try_borrow_mut().ok()?;
        let at = entries.iter().position(|(cached, _)| wanted.is(cached))?;
        let entry = entries.remove(at)?;
        let imported = entry.1.clone();
        entries.push_back(entry);
        Some(imported)
    }

    /// Keeps `imported` as `key`'s import for `alg` and `operation`, the most recent entry
    /// (replacing an import of the same key made meanwhile), dropping the least recently used
    /// beyond the capacity.
    pub fn insert(&self, key: &Jwk, alg: Algorithm, operation: KeyOperation, imported: K) {
        let wanted = Wanted::new(key, alg, operation);
        // A cache that cannot be updated only costs a later import.
        let Ok(mut entries) = self.entries.try_borrow_mut() else {
            return;
        };
        entries.retain(|(cached, _)| !wanted.is(cached));
        entries.push_back((wanted.id(), imported));
        while entries.len() > self.capacity {
            entries.pop_front();
        }
    }

    /// Whether `key` is cached for `alg` and `operation`, without making it the most
    /// recently used.
    pub fn contains(&self, key: &Jwk, alg: Algorithm, operation: KeyOperation) -> bool {
        let wanted = Wanted::new(key, alg, operation);
        self.entries
            .try_borrow()
            .is_ok_and(|entries| entries.iter().any(|(cached, _)| wanted.is(cached)))
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
    fn a_verification_key_is_found_by_its_public_members_exactly() {
        let rust = backend();
        let key = rust.generate_now(KeyGenSpec::Rsa { bits: 2048 }).unwrap();
        let public = key.to_public().unwrap();
        let cache = KeyCache::new(KEY_CACHE_CAPACITY);
        cache.insert(&public, Algorithm::RS256, KeyOperation::Verify, "imported");
        // The private JWK names the same public key; kid is a policy member.
        let renamed = Jwk {
            kid: Some("another name".into()),
            ..key.clone()
        };
        assert_eq!(
            cache.get(&renamed, Algorithm::RS256, KeyOperation::Verify),
            Some("imported")
        );
        assert_eq!(cache.get(&public, Algorithm::PS256, KeyOperation::Verify), None);
        assert_eq!(cache.get(&key, Algorithm::RS256, KeyOperation::Sign), None);
        // One byte of n or e different is another key.
        for flip in [0, 1] {
            let mut other = public.clone();
            let KeyMaterial::Rsa { n, e, .. } = &mut other.material else {
                panic!("not RSA")
            };
            let member = if flip == 0 { n } else { e };
            if let Some(last) = member.last_mut() {
                *last ^= 2;
            }
            assert_eq!(cache.get(&other, Algorithm::RS256, KeyOperation::Verify), None);
        }
        let another = rust.generate_now(KeyGenSpec::Rsa { bits: 2048 }).unwrap();
        assert!(!cache.contains(&another, Algorithm::RS256, KeyOperation::Verify));
    }

    #[test]
    fn a_secret_key_is_found_by_its_secret_for_either_operation() {
        let cache = KeyCache::new(KEY_CACHE_CAPACITY);
        cache.insert(&hmac(1), Algorithm::HS256, KeyOperation::Verify, "one");
        assert_eq!(cache.get(&hmac(1), Algorithm::HS256, KeyOperation::Verify), Some("one"));
        assert_eq!(cache.get(&hmac(2), Algorithm::HS256, KeyOperation::Verify), None);
    }

    #[test]
    fn the_least_recently_used_key_leaves_first() {
        let cache = KeyCache::new(2);
        let (hs256, sign) = (Algorithm::HS256, KeyOperation::Sign);
        cache.insert(&hmac(1), hs256, sign, "one");
        cache.insert(&hmac(2), hs256, sign, "two");
        assert_eq!(cache.get(&hmac(1), hs256, sign), Some("one"));
        cache.insert(&hmac(3), hs256, sign, "three");
        assert_eq!(cache.len(), 2);
        assert!(!cache.contains(&hmac(2), hs256, sign), "2 was the least recently used");
        assert_eq!(cache.get(&hmac(2), hs256, sign), None);
        assert_eq!(cache.get(&hmac(1), hs256, sign), Some("one"));
        assert_eq!(cache.get(&hmac(3), hs256, sign), Some("three"));
        // A second import of the same key replaces the first rather than taking a place.
        cache.insert(&hmac(3), hs256, sign, "three again");
        assert_eq!(cache.len(), 2);
        assert_eq!(cache.get(&hmac(3), hs256, sign), Some("three again"));
    }

    #[test]
    fn debug_shows_no_key_material() {
        let rsa = backend().generate_now(KeyGenSpec::Rsa { bits: 2048 }).unwrap();
        let secret = hmac(0x5a);
        let cache = KeyCache::new(KEY_CACHE_CAPACITY);
        cache.insert(&rsa, Algorithm::RS256, KeyOperation::Sign, ());
        cache.insert(&secret, Algorithm::HS256, KeyOperation::Sign, ());
        let shown = format!("{cache:?}");
        assert!(shown.contains("RS256") && shown.contains("HS256"), "{shown}");
        for hidden in [rsa.thumbprint(), secret.thumbprint(), "Wlpa".to_string()] {
            assert!(!shown.contains(&hidden), "{hidden} in {shown}");
        }
    }
}
