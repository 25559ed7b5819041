//! The in-process authorization server the playground talks to by default: discovery, JWKS,
//! PAR, authorize, token and userinfo endpoints behind an ordered table of validation checks.
//!
//! It implements [`crate::http::Transport`] (through [`InProcessTransport`]) so the client
//! cannot tell it from a real server, and never depends on the client side in [`crate::oauth`].
//! [`SigningTransport`] is the same with the server's own signatures deferred (`deferred`):
//! it answers synchronously, then the JWTs it owes are signed through an async
//! [`crate::jose::CryptoBackend`] (WebCrypto in the page) before the response is handed over.
//!
//! One concern per file: `checks` (the table), `request_object` (JAR), `authorize`, `par`,
//! `client_auth`, `token`, `response` (query/fragment/form_post/JARM), `discovery`,
//! `device` (RFC 8628), `crypto` (every JOSE call), `deferred` (signatures owed by an answer), `keys` (signing-key rotation), `replay` (bounded jti cache), `events`, `profiles`, `settings`,
//! `registration` (RFC 7591: `registerClient` and the registration endpoint, one validation),
//! `dpop` (RFC 9449 proofs and nonces), `encryption` (JWE: the server's encryption keys, decrypting
//! request objects, encrypting JARM, ID tokens and userinfo), `introspection` (RFC 7662), `revocation` (RFC 7009), `resource` (RFC 8707), `token_store` (bounded issued tokens).

mod authorize;
pub mod checks;
mod client_auth;
pub mod crypto;
mod deferred;
mod device;
mod discovery;
mod dpop;
pub mod encryption;
pub mod events;
mod introspection;
pub mod keys;
mod par;
pub mod profiles;
pub mod registration;
pub mod replay;
mod request_object;
mod resource;
mod response;
mod revocation;
mod server;
pub mod settings;
mod token;
pub mod token_store;
pub mod tokens;
mod transport;

pub use checks::{checks, Check, CheckInfo, Failure};
pub use deferred::{DeferredResponse, PendingSignature};
pub use device::{normalize_user_code, USER_CODE_CHARSET};
pub use events::{genesis_hash, verify_chain, BrokenLink, Event};
pub use response::{form_post_page, ResponseTarget};
pub use server::{path, AuthorizationServer, ConfigError, Params};
pub use settings::{
    AccessTokenFormat, ClientMetadata, ErrorFormat, JarMode, JarmMode, ParMode, ProfileName, Secret, ServerSettings,
    TestUser,
};
pub use transport::{InProcessTransport, SigningTransport};
