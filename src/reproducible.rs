//! Reproducible mode: a fixed instant and a fixed seed, so the same workspace replays to
//! identical JWTs (request object, client assertion, JARM, ID token) and identical codes,
//! tokens and `request_uri`s, run after run, after a reload and after an import.
//!
//! What a run draws on, and how this mode fixes each:
//!
//! | input | normally | in reproducible mode |
//! |---|---|---|
//! | time (client and in-page server) | the browser's clock | [`Reproducible::instant`], which does not move |
//! | `state`, `nonce`, PKCE verifier | fresh random values | drawn from the seed ([`seed_request`]) |
//! | `jti`s, PS* salts of the client | the page's CSPRNG | the seed's flow and signing streams |
//! | the server's codes, tokens, `request_uri`s | its CSPRNG, state kept across runs | a freshly started server ([`restarted_server`]) drawing from the seed |
//! | client keys and secret | the workspace | the workspace (kept: the mode ticks "remember secrets") |
//! | the server's signing keys | `mock_as/server_keys.json`, fixed | the same |
//! | signatures | WebCrypto where it can | RustCrypto only ([`Reproducible::backend`]): ECDSA signs with RFC 6979 deterministic nonces and PS* salts come from the seed, where WebCrypto's ECDSA and RSA-PSS are randomized |
//!
//! Each consumer draws from its own ChaCha20 stream of one key derived from the seed, so
//! adding a draw in one place (an extra `jti`) never shifts the values of another.

use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::clock::{Clock, FixedClock, UnixTime};
use crate::http::Transport;
use crate::jose::RustCryptoBackend;
use crate::mock_as::{AuthorizationServer, ConfigError};
use crate::oauth::{run_flow, FlowOptions, FlowRun};
use crate::workspace::Workspace;

/// 2025-01-01T00:00:00Z: a round instant, easy to recognise in `iat` and `exp`.
pub const DEFAULT_INSTANT: UnixTime = 1_735_689_600;
pub const DEFAULT_SEED: &str = "playground";
/// A seed is typed text; longer than this is refused by the UI (and trimmed on load).
pub const MAX_SEED_CHARS: usize = 256;

/// Separates this derivation from any other use of SHA-256 over the same text.
const SEED_DOMAIN: &[u8] = b"oauth-playground reproducible run v1\0";

/// One stream per consumer of randomness (ChaCha20's 64-bit stream id).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub enum Stream {
    /// `state`, `nonce` and the PKCE verifier of the authorization request.
    RequestValues = 1,
    /// What the client flow draws: request object and client assertion `jti`s.
    Flow = 2,
    /// The client's signing backend: RSA blinding and PS* salts.
    Signing = 3,
    /// The in-page server: codes, tokens, `request_uri`s, PS* salts of its JWTs.
    Server = 4,
}

/// The reproducible-mode section of the workspace. Off by default.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Reproducible {
    pub enabled: bool,
    /// The instant every clock reads in this mode, seconds since the epoch.
    pub instant: UnixTime,
    /// Any text; its SHA-256 keys every random stream of a run.
    pub seed: String,
}

impl Default for Reproducible {
    fn default() -> Self {
        Self {
            enabled: false,
            instant: DEFAULT_INSTANT,
            seed: DEFAULT_SEED.into(),
        }
    }
}

impl Reproducible {
    /// The fixed instant when the mode is on.
    pub fn fixed_instant(&self) -> Option<UnixTime> {
        self.enabled.then_some(self.instant)
    }

    pub fn clock(&self) -> FixedClock {
        FixedClock::at(self.instant)
    }

    /// The ChaCha20 stream `stream` of the key SHA-256(domain ‖ seed).
    pub fn rng(&self, stream: Stream) -> ChaCha20Rng {
        let mut hash = Sha256::new();
        hash.update(SEED_DOMAIN);
        hash.update(self.seed.as_bytes());
        let mut rng = ChaCha20Rng::from_seed(hash.finalize().into());
        rng.set_stream(stream as u64);
        rng
    }

    /// The client's signing backend in this mode: RustCrypto for every algorithm, since
    /// only there are ES* (RFC 6979) and PS* (seeded salt) byte-for-byte repeatable.
    pub fn backend(&self) -> RustCryptoBackend<ChaCha20Rng> {
        RustCryptoBackend::new(self.rng(Stream::Signing))
    }

    /// Checks a seed typed by the user.
    pub fn check_seed(seed: &str) -> Result<(), String> {
        let chars = seed.chars().count();
        if chars > MAX_SEED_CHARS {
            return Err(format!(
                "the seed is {chars} characters; at most {MAX_SEED_CHARS} are accepted"
            ));
        }
        Ok(())
    }
}

/// Draws the request's `state`, `nonce` and PKCE verifier from the seed — unless the request
/// object was edited by hand, whose values are the ones the user typed and signs as typed.
pub fn seed_request(ws: &mut Workspace) {
    if ws.edit.is_none() {
        let mut rng = ws.reproducible.rng(Stream::RequestValues);
        ws.request.regenerate(&mut rng);
    }
}

/// The in-page server as if just started: the same settings and registered clients, and
/// nothing else — no codes, tokens, pushed requests, consents, `jti` replay cache or events —
/// reading `clock` and drawing from the seed's server stream. Replaying a run needs this: a
/// server that remembered the first run would refuse the second one's `jti` as a replay.
pub fn restarted_server(
    current: &AuthorizationServer,
    reproducible: &Reproducible,
    clock: Box<dyn Clock>,
) -> Result<AuthorizationServer, ConfigError> {
    let mut fresh = AuthorizationServer::new(
        current.settings().clone(),
        clock,
        Box::new(reproducible.rng(Stream::Server)),
    )?;
    for client in current.clients() {
        fresh.register_client(client.clone())?;
    }
    Ok(fresh)
}

/// Runs the workspace's flow in reproducible mode through `transport` (which must reach a
/// server made by [`restarted_server`] for the replay to be exact): the fixed clock, the
/// flow stream, the RustCrypto backend. `ws` should have been through [`seed_request`].
pub async fn run<T: Transport + ?Sized>(ws: &Workspace, transport: &T, options: &FlowOptions) -> FlowRun {
    let reproducible = &ws.reproducible;
    let options = FlowOptions {
        // The request's values are the seeded ones; drawing new ones here would use the flow
        // stream for them and shift every jti.
        regenerate: false,
        ..options.clone()
    };
    run_flow(
        &ws.config(),
        transport,
        &reproducible.backend(),
        &reproducible.clock(),
        &mut reproducible.rng(Stream::Flow),
        &options,
    )
    .await
}

/// [`run`] for the client credentials grant: the client's assertion (if any) from the seeded
/// flow stream, on the fixed clock.
pub async fn run_client_credentials<T: Transport + ?Sized>(
    ws: &Workspace,
    transport: &T,
    options: &FlowOptions,
) -> FlowRun {
    let reproducible = &ws.reproducible;
    crate::oauth::run_client_credentials(
        &ws.config(),
        transport,
        &reproducible.backend(),
        &reproducible.clock(),
        &mut reproducible.rng(Stream::Flow),
        options,
    )
    .await
}

#[cfg(test)]
mod tests {
    use rand_chacha::rand_core::RngCore;

    use super::*;

    #[test]
    fn streams_are_independent_and_seeds_differ() {
        let r = Reproducible::default();
        let draw = |mut rng: ChaCha20Rng| rng.next_u64();
        assert_eq!(draw(r.rng(Stream::Flow)), draw(r.rng(Stream::Flow)));
        assert_ne!(draw(r.rng(Stream::Flow)), draw(r.rng(Stream::Server)));
        let other = Reproducible {
            seed: "another".into(),
            ..Reproducible::default()
        };
        assert_ne!(draw(r.rng(Stream::Flow)), draw(other.rng(Stream::Flow)));
    }

    #[test]
    fn the_default_is_off_at_a_round_instant() {
        let r = Reproducible::default();
        assert_eq!(r.fixed_instant(), None);
        assert_eq!(crate::clock::format_rfc3339(r.instant), "2025-01-01T00:00:00Z");
        assert!(Reproducible::check_seed(&"x".repeat(MAX_SEED_CHARS)).is_ok());
        assert!(Reproducible::check_seed(&"x".repeat(MAX_SEED_CHARS + 1)).is_err());
    }

    #[test]
    fn an_edited_request_keeps_its_values() {
        let mut ws = Workspace::default();
        seed_request(&mut ws);
        let seeded = ws.request.state.clone();
        assert!(seeded.is_some());
        ws.request.state = Some("typed".into());
        ws.edit = Some(crate::oauth::config::RequestObjectEdit {
            header: "{}".into(),
            payload: "{}".into(),
        });
        seed_request(&mut ws);
        assert_eq!(ws.request.state.as_deref(), Some("typed"));
    }
}
