//! Measurements, not tests: median times in headless Chromium of the operations where the
//! WebCrypto and pure-Rust backends differ most, measured in one run so the machine's load
//! moves both columns alike. Run with `make bench-crypto` (a release build); `make test` does
//! not run it, and nothing here fails on timing.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::expect_used, clippy::unwrap_used)]

use oauth_playground::jose::{Algorithm, CryptoBackend, EcCurve, Jwk, KeyGenSpec, RustCryptoBackend};
use oauth_playground::ui::webcrypto::WebCryptoBackend;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const SIGNING_INPUT: &[u8] = b"eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJjbGllbnQiLCJhdWQiOiJodHRwczovL2FzLmV4YW1wbGUifQ";

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(|a, b| a.total_cmp(b));
    samples[samples.len() / 2]
}

async fn time_sign(backend: &impl CryptoBackend, alg: Algorithm, key: &Jwk, runs: usize) -> f64 {
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = now_ms();
        backend.sign(alg, key, SIGNING_INPUT).await.unwrap();
        samples.push(now_ms() - start);
    }
    median(samples)
}

async fn time_generate(backend: &impl CryptoBackend, spec: KeyGenSpec, runs: usize) -> f64 {
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = now_ms();
        backend.generate(spec).await.unwrap();
        samples.push(now_ms() - start);
    }
    median(samples)
}

#[wasm_bindgen_test]
async fn webcrypto_against_pure_rust() {
    let web = WebCryptoBackend::new().unwrap();
    let rust = RustCryptoBackend::new(ChaCha20Rng::seed_from_u64(2048));
    let rsa = rust.generate_now(KeyGenSpec::Rsa { bits: 2048 }).unwrap();
    let ec = rust.generate_now(KeyGenSpec::Ec { crv: EcCurve::P256 }).unwrap();
    let ed = rust.generate_now(KeyGenSpec::Ed25519).unwrap();
    let hs = rust.generate_now(KeyGenSpec::Oct { bytes: 32 }).unwrap();

    let mut rows = Vec::new();
    let rsa_gen = KeyGenSpec::Rsa { bits: 2048 };
    rows.push((
        "RSA-2048 key generation (11 runs)",
        time_generate(&web, rsa_gen, 11).await,
        time_generate(&rust, rsa_gen, 11).await,
    ));
    for (label, alg, key) in [
        ("RS256 sign (21 runs)", Algorithm::RS256, &rsa),
        ("PS256 sign (21 runs)", Algorithm::PS256, &rsa),
        ("ES256 sign (21 runs)", Algorithm::ES256, &ec),
        ("EdDSA sign (21 runs)", Algorithm::EdDSA, &ed),
        ("HS256 sign (21 runs)", Algorithm::HS256, &hs),
    ] {
        rows.push((
            label,
            time_sign(&web, alg, key, 21).await,
            time_sign(&rust, alg, key, 21).await,
        ));
    }
    let mut table =
        String::from("| operation (median) | WebCrypto path | pure-Rust path | ratio |\n|---|---:|---:|---:|\n");
    for (label, web_ms, rust_ms) in rows {
        table.push_str(&format!(
            "| {label} | {web_ms:.3} ms | {rust_ms:.3} ms | {:.1}× |\n",
            rust_ms / web_ms.max(0.001)
        ));
    }
    console_log!("{table}");
}
