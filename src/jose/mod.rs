//! JOSE for the playground: base64url, JSON Web Keys (RFC 7517) and JWS compact
//! serialization (RFC 7515) with the algorithms of RFC 7518.
//!
//! Pure Rust; nothing here knows about the browser.

pub mod base64url;
mod error;
pub mod jwk;
pub mod jws;

pub use error::JoseError;
pub use jwk::Jwk;
pub use jws::Algorithm;
