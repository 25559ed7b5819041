//! OAuth Playground: an OAuth 2.0 / OpenID Connect playground that runs in the browser.
//!
//! The crate is layered; data flows one way, UI → client flow → transport → server:
//!
//! - [`jose`]: base64url, JWK, JWS. Pure Rust, no browser.
//! - [`oauth`]: the relying party (client) side of the protocol.
//! - [`mock_as`]: the in-process authorization server.
//! - [`clock`]: injected time, so every protocol path is deterministic under test.
//! - [`http`]: the HTTP-shaped request/response types and the `Transport` trait both sides share.
//! - [`learn`]: the learning notes, what each check and flow step is for and where it is written.
//! - [`workspace`]: what the user configures, its conversion to a client `Config`, and its
//!   saved form (secrets only on opt-in). Browser-free, so its rules are tested natively.
//! - [`tamper`]: one-click tamper presets — a mutation of the user's valid request or of the
//!   server's answer, run against a fresh mock server, with the check code that must fire.
//! - [`reproducible`]: the fixed clock and seeded streams of reproducible mode.
//! - [`session`]: a whole session as a file (export/import) and as a share link.
//! - [`site`]: paths under the public URL the app is built for (the callback route).
//! - `ui` (wasm32 only): the Leptos application.
//!
//! Only `ui` may touch the browser; everything else runs natively under `cargo test`
//! (`tests/architecture.rs` enforces it).

pub mod clock;
pub mod http;
pub mod jose;
pub mod learn;
pub mod mock_as;
pub mod oauth;
pub mod protocol;
pub mod reproducible;
pub mod session;
pub mod site;
pub mod tamper;
pub mod workspace;

/// The fuzz targets' bodies (`fuzz/`), replayed by `tests/fuzz_regressions.rs`. Native only.
#[cfg(not(target_arch = "wasm32"))]
#[doc(hidden)]
pub mod fuzzing;

#[cfg(target_arch = "wasm32")]
pub mod ui;
