//! Measurements, not tests: median times in headless Chromium, each table measured in one
//! run so the machine's load moves its columns alike. Two tables: the app's JOSE path (a
//! compact JWS signed or verified through `WebCryptoBackend`) against raw WebCrypto called
//! from JavaScript for the same operation (issue 10's 1.5× budget), and the WebCrypto backend
//! against the pure-Rust one. Run with `make bench-crypto` (a release build); `make test`
//! does not run it, and nothing here fails on timing.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::expect_used, clippy::unwrap_used)]

use js_sys::{Array, Promise, Uint8Array};
use oauth_playground::jose::jws::{self, JwsHeader};
use oauth_playground::jose::{
    base64url, Algorithm, CryptoBackend, EcCurve, Jwk, KeyGenSpec, RustCryptoBackend, ShortHmacKeys,
};
use oauth_playground::ui::webcrypto::WebCryptoBackend;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

// Raw WebCrypto, as a page's own script would call it: the key imported once, then `runs`
// samples, each the mean of `batch` awaited operations (the page clock is coarsened to
// 0.1 ms, so single operations cannot be timed).
#[wasm_bindgen(inline_js = r#"
const PARAMS = {
  HS256: [{ name: 'HMAC', hash: 'SHA-256' }, { name: 'HMAC' }],
  RS256: [{ name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, { name: 'RSASSA-PKCS1-v1_5' }],
  PS256: [{ name: 'RSA-PSS', hash: 'SHA-256' }, { name: 'RSA-PSS', saltLength: 32 }],
  ES256: [{ name: 'ECDSA', namedCurve: 'P-256' }, { name: 'ECDSA', hash: 'SHA-256' }],
  ES384: [{ name: 'ECDSA', namedCurve: 'P-384' }, { name: 'ECDSA', hash: 'SHA-384' }],
  EdDSA: [{ name: 'Ed25519' }, { name: 'Ed25519' }],
};
export async function rawSignOrVerify(alg, jwkJson, usage, data, signature, runs, batch) {
  const [importParams, opParams] = PARAMS[alg];
  const jwk = JSON.parse(jwkJson);
  for (const member of ['alg', 'use', 'key_ops', 'kid', 'ext']) delete jwk[member];
  const key = await crypto.subtle.importKey('jwk', jwk, importParams, false, [usage]);
  const once = usage === 'sign'
    ? () => crypto.subtle.sign(opParams, key, data)
    : () => crypto.subtle.verify(opParams, key, signature, data);
  await once();
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    for (let j = 0; j < batch; j++) await once();
    samples.push((performance.now() - t) / batch);
  }
  return samples;
}
export async function rawRsaGenerate(runs) {
  const params = { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await crypto.subtle.generateKey(params, true, ['sign', 'verify']);
    samples.push(performance.now() - t);
  }
  return samples;
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = rawSignOrVerify)]
    fn raw_sign_or_verify(
        alg: &str,
        jwk_json: &str,
        usage: &str,
        data: &Uint8Array,
        signature: &Uint8Array,
        runs: u32,
        batch: u32,
    ) -> Promise;
    #[wasm_bindgen(js_name = rawRsaGenerate)]
    fn raw_rsa_generate(runs: u32) -> Promise;
}

async fn samples_of(promise: Promise) -> Vec<f64> {
    let array: Array = JsFuture::from(promise).await.unwrap().unchecked_into();
    array.iter().filter_map(|v| v.as_f64()).collect()
}

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

const RUNS: u32 = 21;
const BATCH: u32 = 20;

/// Samples of `op` as the JS side takes them: one warm-up, then means of `BATCH` calls.
async fn jose_samples<F, Fut>(mut op: F) -> Vec<f64>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    op().await;
    let mut samples = Vec::new();
    for _ in 0..RUNS {
        let start = now_ms();
        for _ in 0..BATCH {
            op().await;
        }
        samples.push((now_ms() - start) / f64::from(BATCH));
    }
    samples
}

#[wasm_bindgen_test]
async fn jose_path_against_raw_webcrypto() {
    let web = WebCryptoBackend::new().unwrap();
    let payload = br#"{"iss":"s6BhdRkqt3","aud":"https://server.example.com","response_type":"code","client_id":"s6BhdRkqt3","redirect_uri":"https://client.example.org/cb","scope":"openid","state":"af0ifjsldkj","nonce":"n-0S6_WzA2Mj","exp":1924992000,"iat":1924991700,"jti":"6d2c1b8e-3f5a-4e0f-9a8b-2b6f1e4d7c90"}"#;
    let mut table = String::from(
        "| operation | raw WebCrypto (JS) | backend call | JOSE path (compact JWS) | ratio JOSE / raw |\n|---|---:|---:|---:|---:|\n",
    );
    let mut row = |label: String, raw: Vec<f64>, call: Option<Vec<f64>>, jose: Vec<f64>| {
        let (raw, jose) = (median(raw), median(jose));
        let call = call.map_or("".to_string(), |c| format!("{:.4} ms", median(c)));
        table.push_str(&format!(
            "| {label} | {raw:.4} ms | {call} | {jose:.4} ms | {:.2}× |\n",
            jose / raw.max(1e-6)
        ));
    };
    for alg in [
        Algorithm::RS256,
        Algorithm::PS256,
        Algorithm::ES256,
        Algorithm::ES384,
        Algorithm::EdDSA,
        Algorithm::HS256,
    ] {
        let key = web.generate(KeyGenSpec::for_alg(alg)).await.unwrap();
        let header = JwsHeader::new(alg).typ("oauth-authz-req+jwt").to_json();
        let (web, header, key) = (&web, &header, &key);
        let sign = || async move {
            jws::sign_compact_with(web, header, payload, key, ShortHmacKeys::Allow)
                .await
                .unwrap();
        };
        let jose_sign = jose_samples(sign).await;
        let token = jws::sign_compact_with(web, header, payload, key, ShortHmacKeys::Allow)
            .await
            .unwrap();
        let (signing_input, signature) = token.rsplit_once('.').unwrap();
        let signature_bytes = base64url::decode(signature, "signature").unwrap();
        let (input, sig) = (signing_input.as_bytes(), &signature_bytes[..]);
        let call_sign = jose_samples(|| async move {
            web.sign(alg, key, input).await.unwrap();
        })
        .await;
        let data = Uint8Array::from(signing_input.as_bytes());
        let signature = Uint8Array::from(sig);
        let raw_sign = samples_of(raw_sign_or_verify(
            alg.name(),
            &key.to_json(),
            "sign",
            &data,
            &signature,
            RUNS,
            BATCH,
        ))
        .await;
        row(format!("{} sign", alg.name()), raw_sign, Some(call_sign), jose_sign);

        let public = if alg.kty() == "oct" {
            key.clone()
        } else {
            key.to_public().unwrap()
        };
        let (token, public) = (&token, &public);
        let verify = || async move {
            jws::verify_compact_with(web, token, public, &[alg]).await.unwrap();
        };
        let jose_verify = jose_samples(verify).await;
        let call_verify = jose_samples(|| async move {
            web.verify(alg, public, input, sig).await.unwrap();
        })
        .await;
        let raw_verify = samples_of(raw_sign_or_verify(
            alg.name(),
            &public.to_json(),
            "verify",
            &data,
            &signature,
            RUNS,
            BATCH,
        ))
        .await;
        row(
            format!("{} verify", alg.name()),
            raw_verify,
            Some(call_verify),
            jose_verify,
        );
    }
    let raw_generate = samples_of(raw_rsa_generate(RUNS)).await;
    let mut jose_generate = Vec::new();
    for _ in 0..RUNS {
        let start = now_ms();
        web.generate(KeyGenSpec::Rsa { bits: 2048 }).await.unwrap();
        jose_generate.push(now_ms() - start);
    }
    row(
        "RSA-2048 key generation (JOSE: generateKey + exportKey + JWK + thumbprint)".into(),
        raw_generate,
        None,
        jose_generate,
    );
    console_log!("runs: {RUNS} samples, each the mean of {BATCH} operations (key generation: single)\n{table}");
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
