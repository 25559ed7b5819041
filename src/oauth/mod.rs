//! The relying party: authorization request model, PKCE, request objects (JAR, RFC 9101),
//! pushed authorization requests (PAR, RFC 9126), callback parsing, JARM and ID token
//! validation, token requests and discovery.
//!
//! This layer talks to a server only through [`crate::http::Transport`], reads time from an
//! injected clock and draws randomness from an injected RNG, so every path runs natively.
