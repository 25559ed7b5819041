//! One signing interface, several implementations: RustCrypto (here, every target) and
//! WebCrypto (in `src/ui`, browser only, Promise-based).
//!
//! The contract every backend keeps, so that each one's signatures verify under the other:
//!
//! - keys come and go as [`Jwk`]s whose material is the raw big-endian JWK components, which
//!   WebCrypto's `importKey("jwk", …)`/`exportKey("jwk", …)` take and give as they are;
//! - `signing_input` is the ASCII `BASE64URL(header) '.' BASE64URL(payload)` (RFC 7515 §5.1);
//! - signatures are the JWS signature bytes: HMAC output, RSA signature as long as the
//!   modulus, ECDSA as fixed-size `r || s` (RFC 7518 §3.4 — which is also WebCrypto's format),
//!   Ed25519's 64 bytes;
//! - PS* uses MGF1 with the same hash and a salt as long as the hash (RFC 7518 §3.5), so a
//!   WebCrypto backend passes `saltLength` = 32/48/64;
//! - `verify` answers [`JoseError::InvalidSignature`] for any signature that does not verify.
//!
//! Policy (allowed algorithms, key sizes, `crit`, HMAC key length) is not the backend's job:
//! the `jws` functions check it before calling a backend, identically for every backend.

use std::cell::RefCell;

use rand_core::CryptoRngCore;

use super::alg::Algorithm;
use super::keygen::KeyGenSpec;
use super::{rustcrypto, JoseError, Jwk};

/// A signing/verifying implementation. `async` because WebCrypto is; the futures need not
/// be `Send` (a browser has one thread), hence the allowed lint.
#[allow(async_fn_in_trait)]
pub trait CryptoBackend {
    /// A short name for errors and measurements ("RustCrypto", "WebCrypto").
    fn name(&self) -> &'static str;

    /// Signs `signing_input` with `alg`; `key` must hold the private part.
    async fn sign(&self, alg: Algorithm, key: &Jwk, signing_input: &[u8]) -> Result<Vec<u8>, JoseError>;

    /// Verifies `signature` over `signing_input`.
    async fn verify(&self, alg: Algorithm, key: &Jwk, signing_input: &[u8], signature: &[u8]) -> Result<(), JoseError>;

    /// Generates a key; the result has its RFC 7638 thumbprint as `kid`.
    async fn generate(&self, spec: KeyGenSpec) -> Result<Jwk, JoseError>;
}

/// The pure-Rust backend. It owns its RNG (used for key generation, RSA blinding and PSS
/// salts); give it a seeded one for reproducible runs.
pub struct RustCryptoBackend<R> {
    rng: RefCell<R>,
}

impl<R: CryptoRngCore> RustCryptoBackend<R> {
    pub fn new(rng: R) -> Self {
        Self { rng: RefCell::new(rng) }
    }

    /// Signs synchronously (the same as the async [`CryptoBackend::sign`], which never waits).
    pub fn sign_now(&self, alg: Algorithm, key: &Jwk, signing_input: &[u8]) -> Result<Vec<u8>, JoseError> {
        let mut rng = self.rng()?;
        rustcrypto::sign(alg, key, signing_input, Some(&mut *rng))
    }

    /// Generates synchronously.
    pub fn generate_now(&self, spec: KeyGenSpec) -> Result<Jwk, JoseError> {
        let mut rng = self.rng()?;
        Ok(Jwk::new(rustcrypto::generate(spec, &mut *rng)?).with_thumbprint_kid())
    }

    fn rng(&self) -> Result<std::cell::RefMut<'_, R>, JoseError> {
        // Nothing here awaits while holding the RNG, so it is never borrowed twice; report
        // rather than panic if that ever changes.
        self.rng.try_borrow_mut().map_err(|_| JoseError::Backend {
            backend: "RustCrypto",
            problem: "the RNG is already in use".into(),
        })
    }
}

impl<R> std::fmt::Debug for RustCryptoBackend<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RustCryptoBackend")
    }
}

impl<R: CryptoRngCore> CryptoBackend for RustCryptoBackend<R> {
    fn name(&self) -> &'static str {
        "RustCrypto"
    }

    async fn sign(&self, alg: Algorithm, key: &Jwk, signing_input: &[u8]) -> Result<Vec<u8>, JoseError> {
        self.sign_now(alg, key, signing_input)
    }

    async fn verify(&self, alg: Algorithm, key: &Jwk, signing_input: &[u8], signature: &[u8]) -> Result<(), JoseError> {
        rustcrypto::verify(alg, key, signing_input, signature)
    }

    async fn generate(&self, spec: KeyGenSpec) -> Result<Jwk, JoseError> {
        self.generate_now(spec)
    }
}
