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
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use rand_core::CryptoRngCore;

use super::alg::Algorithm;
use super::jwe::{ContentEncryption, KeyManagement};
use super::jwk::{KeyMaterial, OkpCurve};
use super::keygen::KeyGenSpec;
use super::secret::SecretBytes;
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

/// The JWE operations (RFC 7516, RFC 7518 §4–§5) as a backend provides them: key
/// encryption, key agreement, key wrap and content encryption. The `jwe` functions call
/// these after every policy check (allowed `alg`/`enc`, key fit, `crit`, `zip`, `epk`), so a
/// backend only runs the cryptography.
///
/// The contract, as for signing: keys are [`Jwk`]s; bytes are the raw values JWE carries
/// (the CEK, the JWE Encrypted Key, the IV, the ciphertext, the tag); any failure to
/// decrypt or unwrap is [`JoseError::DecryptionFailed`], never a more precise error.
///
/// A WebCrypto backend has the primitives for all of these except Concat KDF (done in Rust
/// by the `jwe` module for every backend) and CBC-HMAC as one operation (AES-CBC and HMAC
/// separately).
#[allow(async_fn_in_trait)]
pub trait EncryptionBackend: CryptoBackend {
    /// RSA-OAEP or RSA-OAEP-256 encryption of `cek` to the RSA public `key`.
    async fn rsa_oaep_encrypt(&self, alg: KeyManagement, key: &Jwk, cek: &[u8]) -> Result<Vec<u8>, JoseError>;

    /// RSA-OAEP or RSA-OAEP-256 decryption of the JWE Encrypted Key with the private `key`.
    async fn rsa_oaep_decrypt(&self, alg: KeyManagement, key: &Jwk, wrapped: &[u8]) -> Result<SecretBytes, JoseError>;

    /// AES key wrap (RFC 3394) of `cek` under the 16- or 32-byte `kek`.
    async fn aes_kw_wrap(&self, kek: &[u8], cek: &[u8]) -> Result<Vec<u8>, JoseError>;

    /// AES key unwrap.
    async fn aes_kw_unwrap(&self, kek: &[u8], wrapped: &[u8]) -> Result<SecretBytes, JoseError>;

    /// ECDH between the private key `private` and the public `public` on the same curve: the
    /// shared secret Z of RFC 7518 §4.6.2 (EC: the x coordinate, as long as the field; OKP
    /// X25519: the 32-byte X25519 output of RFC 8037 §3.2, refused when all zero).
    async fn ecdh(&self, private: &Jwk, public: &Jwk) -> Result<SecretBytes, JoseError>;

    /// Encrypts `plaintext` with `enc`; returns (ciphertext, tag).
    async fn encrypt_content(
        &self,
        enc: ContentEncryption,
        cek: &[u8],
        iv: &[u8],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<(Vec<u8>, Vec<u8>), JoseError>;

    /// Authenticates and decrypts.
    async fn decrypt_content(
        &self,
        enc: ContentEncryption,
        cek: &[u8],
        iv: &[u8],
        aad: &[u8],
        ciphertext: &[u8],
        tag: &[u8],
    ) -> Result<Vec<u8>, JoseError>;

    /// `len` random bytes (CEKs, IVs).
    fn random_bytes(&self, len: usize) -> Result<SecretBytes, JoseError>;
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

impl<R: CryptoRngCore> EncryptionBackend for RustCryptoBackend<R> {
    async fn rsa_oaep_encrypt(&self, alg: KeyManagement, key: &Jwk, cek: &[u8]) -> Result<Vec<u8>, JoseError> {
        let KeyMaterial::Rsa { n, e, .. } = &key.material else {
            return Err(not_for(alg, key));
        };
        let mut rng = self.rng()?;
        rustcrypto::jwe::rsa_oaep_encrypt(alg, n, e, cek, &mut *rng)
    }

    async fn rsa_oaep_decrypt(&self, alg: KeyManagement, key: &Jwk, wrapped: &[u8]) -> Result<SecretBytes, JoseError> {
        let KeyMaterial::Rsa {
            n,
            e,
            private: Some(private),
        } = &key.material
        else {
            return Err(not_for(alg, key));
        };
        let mut rng = self.rng()?;
        rustcrypto::jwe::rsa_oaep_decrypt(alg, n, e, private, wrapped, &mut *rng)
    }

    async fn aes_kw_wrap(&self, kek: &[u8], cek: &[u8]) -> Result<Vec<u8>, JoseError> {
        rustcrypto::jwe::aes_kw_wrap(kek, cek)
    }

    async fn aes_kw_unwrap(&self, kek: &[u8], wrapped: &[u8]) -> Result<SecretBytes, JoseError> {
        rustcrypto::jwe::aes_kw_unwrap(kek, wrapped)
    }

    async fn ecdh(&self, private: &Jwk, public: &Jwk) -> Result<SecretBytes, JoseError> {
        match (&private.material, &public.material) {
            (
                KeyMaterial::Ec { crv, x, y, d: Some(d) },
                KeyMaterial::Ec {
                    crv: peer_crv,
                    x: px,
                    y: py,
                    ..
                },
            ) if crv == peer_crv => rustcrypto::ec::agree(*crv, d, x, y, px, py),
            (
                KeyMaterial::Okp {
                    crv: OkpCurve::X25519,
                    d: Some(d),
                    ..
                },
                KeyMaterial::Okp {
                    crv: OkpCurve::X25519,
                    x: peer_x,
                    ..
                },
            ) => rustcrypto::x25519::agree(d.expose(), peer_x),
            _ => Err(JoseError::KeyMismatch {
                alg: "ECDH-ES",
                expected: "a private key and a public key on the same curve (EC P-256/P-384/P-521, or OKP X25519)",
                found: format!("{} and {}", private.describe(), public.describe()),
            }),
        }
    }

    async fn encrypt_content(
        &self,
        enc: ContentEncryption,
        cek: &[u8],
        iv: &[u8],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<(Vec<u8>, Vec<u8>), JoseError> {
        rustcrypto::jwe::encrypt_content(enc, cek, iv, aad, plaintext)
    }

    async fn decrypt_content(
        &self,
        enc: ContentEncryption,
        cek: &[u8],
        iv: &[u8],
        aad: &[u8],
        ciphertext: &[u8],
        tag: &[u8],
    ) -> Result<Vec<u8>, JoseError> {
        rustcrypto::jwe::decrypt_content(enc, cek, iv, aad, ciphertext, tag)
    }

    fn random_bytes(&self, len: usize) -> Result<SecretBytes, JoseError> {
        let mut bytes = vec![0u8; len];
        self.rng()?.fill_bytes(&mut bytes);
        Ok(SecretBytes::new(bytes))
    }
}

fn not_for(alg: KeyManagement, key: &Jwk) -> JoseError {
    JoseError::KeyMismatch {
        alg: alg.name(),
        expected: alg.key_description(),
        found: key.describe(),
    }
}

/// Runs a backend future that does not wait. RustCrypto's never do: every operation is
/// computed on the spot, so the first poll completes. A backend that does wait (WebCrypto)
/// is refused here rather than blocked on, which a browser's single thread could not do.
pub(crate) fn now<T>(future: impl Future<Output = Result<T, JoseError>>) -> Result<T, JoseError> {
    let mut future = pin!(future);
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(result) => result,
        Poll::Pending => Err(JoseError::Backend {
            backend: "RustCrypto",
            problem: "an operation waited; the synchronous API needs a backend that never waits".into(),
        }),
    }
}
