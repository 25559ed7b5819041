//! JOSE for the playground: base64url, JSON Web Keys (RFC 7517) and sets, PEM import and
//! export, RFC 7638 thumbprints, key generation, JWS compact serialization (RFC 7515) with
//! the algorithms of RFC 7518 and RFC 8037, JWE compact serialization (RFC 7516) with the
//! algorithms of RFC 7518 §4–§5, and JWT claim checks (RFC 7519).
//!
//! Pure Rust; nothing here knows about the browser. The cryptography sits behind
//! [`backend::CryptoBackend`] so that the UI can put WebCrypto in its place.
//!
//! | module | what |
//! |---|---|
//! | [`base64url`] | unpadded base64url with positioned errors |
//! | [`jwk`] | [`Jwk`]: parse, export, public half, thumbprint, key/algorithm policy |
//! | [`pem`] | `Jwk::from_pem`, `to_pkcs8_pem`, `to_spki_pem` |
//! | [`jwks`] | [`Jwks`], [`KeyQuery`]: key sets and key selection |
//! | [`keygen`] | [`KeyGenSpec`], `generate` with an injected RNG |
//! | [`jws`] | compact sign/verify, `decode_unverified`, `unsecured` |
//! | [`jwe`] | compact encrypt/decrypt, [`jwe::check_key`] |
//! | [`jwt`] | [`Validation`] of claims with an explicit `now` |
//! | [`backend`] | [`CryptoBackend`], [`EncryptionBackend`] and [`RustCryptoBackend`] |
//! | [`key_cache`] | [`KeyCache`]: keys a backend imported, by key, alg and operation |

pub mod alg;
pub mod backend;
pub mod base64url;
mod error;
pub(crate) mod json;
pub mod jwe;
pub mod jwk;
pub mod jwks;
pub mod jws;
pub mod jwt;
pub mod key_cache;
pub mod keygen;
pub mod pem;
mod rustcrypto;
pub mod secret;

pub use alg::{Algorithm, ShortHmacKeys};
pub use backend::{CryptoBackend, EncryptionBackend, RustCryptoBackend};
pub use error::{JoseError, KeySummary};
pub use jwk::{EcCurve, Jwk, KeyMaterial, KeyOperation, OkpCurve, RsaPrivate};
pub use jwks::{Jwks, KeyQuery};
pub use jwt::Validation;
pub use key_cache::{ImportedKeyId, KeyCache};
pub use keygen::KeyGenSpec;
pub use secret::{SecretBytes, SecretString};
