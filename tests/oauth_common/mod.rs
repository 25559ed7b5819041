//! Shared helpers for the client-side tests: seeded RNG, a future runner, keys, a fake
//! transport that returns canned responses.
#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)]

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use oauth_playground::http::{Request, Response, Transport, TransportError};
use oauth_playground::jose::keygen::generate_for;
use oauth_playground::jose::{Algorithm, Jwk, RustCryptoBackend};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;

pub const NOW: i64 = 1_700_000_000;
pub const ISSUER: &str = "https://as.example";
pub const AUTHORIZE: &str = "https://as.example/authorize";
pub const PAR: &str = "https://as.example/par";
pub const TOKEN: &str = "https://as.example/token";
pub const CLIENT_ID: &str = "client-1";
pub const REDIRECT: &str = "https://rp.example/cb";

/// One algorithm per family: HMAC, RSA PKCS#1, RSA-PSS, ECDSA, EdDSA.
pub const FAMILIES: [Algorithm; 5] = [
    Algorithm::HS256,
    Algorithm::RS256,
    Algorithm::PS256,
    Algorithm::ES256,
    Algorithm::EdDSA,
];

pub fn rng() -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(7)
}

pub fn backend() -> RustCryptoBackend<ChaCha20Rng> {
    RustCryptoBackend::new(ChaCha20Rng::seed_from_u64(99))
}

/// Runs a future that never waits (RustCrypto backend, canned transport).
pub fn run<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("nothing here waits"),
    }
}

pub fn key(alg: Algorithm, seed: u64) -> Jwk {
    generate_for(alg, &mut ChaCha20Rng::seed_from_u64(seed)).unwrap()
}

/// Returns canned responses in order and records what was sent.
#[derive(Default)]
pub struct CannedTransport {
    pub responses: RefCell<VecDeque<Response>>,
    pub sent: RefCell<Vec<Request>>,
}

impl CannedTransport {
    pub fn new(responses: Vec<Response>) -> Self {
        Self {
            responses: RefCell::new(responses.into()),
            sent: RefCell::default(),
        }
    }
}

impl Transport for CannedTransport {
    async fn send(&self, request: Request) -> Result<Response, TransportError> {
        self.sent.borrow_mut().push(request);
        self.responses.borrow_mut().pop_front().ok_or(TransportError {
            message: "no canned response left".into(),
        })
    }
}

pub fn json_response(status: u16, body: &str) -> Response {
    let mut r = Response::new(status);
    r.headers.append("Content-Type", "application/json");
    r.body = body.as_bytes().to_vec();
    r
}
