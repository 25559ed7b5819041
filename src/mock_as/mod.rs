//! The in-process authorization server the playground talks to by default: discovery, JWKS,
//! PAR, authorize, token and userinfo endpoints behind an ordered table of validation checks.
//!
//! It implements [`crate::http::Transport`] so the client cannot tell it from a real server,
//! and never depends on the client side in [`crate::oauth`].
