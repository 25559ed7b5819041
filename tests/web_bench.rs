//! Measurements, not tests: median times in headless Chromium, each table measured in one
//! run so the machine's load moves its columns alike. Three tables: the app's JOSE path (a
//! compact JWS signed or verified through `WebCryptoBackend`) against raw WebCrypto called
//! from JavaScript for the same operation (issue 10's 1.5× budget), where a verification's
//! time goes piece by piece, and the WebCrypto backend against the pure-Rust one. Run with
//! `make bench-crypto` (a release build); `make test` does not run it, and nothing here fails
//! on timing.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::expect_used, clippy::unwrap_used)]

use js_sys::{Array, Function, Object, Promise, Uint8Array};
use oauth_playground::jose::jws::{self, JwsHeader};
use oauth_playground::jose::key_cache::KEY_CACHE_CAPACITY;
use oauth_playground::jose::{
    base64url, Algorithm, CryptoBackend, EcCurve, JoseError, Jwk, KeyCache, KeyGenSpec, KeyMaterial, KeyOperation,
    RustCryptoBackend, SecretBytes, ShortHmacKeys,
};
use oauth_playground::oauth::dpop::{DpopKey, DpopProof};
use oauth_playground::ui::webcrypto::WebCryptoBackend;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::CryptoKey;

// Raw WebCrypto, as a page's own script would call it: the key imported once, then a sampler
// that times `batch` awaited operations and returns their mean (the page clock is coarsened
// to 0.1 ms, so single operations cannot be timed). The Rust side asks for one sample at a
// time, so raw and app samples alternate in the same run.
#[wasm_bindgen(inline_js = r#"
const PARAMS = {
  HS256: [{ name: 'HMAC', hash: 'SHA-256' }, { name: 'HMAC' }],
  RS256: [{ name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, { name: 'RSASSA-PKCS1-v1_5' }],
  PS256: [{ name: 'RSA-PSS', hash: 'SHA-256' }, { name: 'RSA-PSS', saltLength: 32 }],
  ES256: [{ name: 'ECDSA', namedCurve: 'P-256' }, { name: 'ECDSA', hash: 'SHA-256' }],
  ES384: [{ name: 'ECDSA', namedCurve: 'P-384' }, { name: 'ECDSA', hash: 'SHA-384' }],
  EdDSA: [{ name: 'Ed25519' }, { name: 'Ed25519' }],
};
export async function importRaw(alg, jwkJson, usage) {
  const jwk = JSON.parse(jwkJson);
  for (const member of ['alg', 'use', 'key_ops', 'kid', 'ext']) delete jwk[member];
  return crypto.subtle.importKey('jwk', jwk, PARAMS[alg][0], false, [usage]);
}
export function opParams(alg) {
  return PARAMS[alg][1];
}
export async function rawSampler(alg, jwkJson, usage, data, signature) {
  const opParams = PARAMS[alg][1];
  const key = await importRaw(alg, jwkJson, usage);
  const once = usage === 'sign'
    ? () => crypto.subtle.sign(opParams, key, data)
    : () => crypto.subtle.verify(opParams, key, signature, data);
  await once();
  return async (batch) => {
    const t = performance.now();
    for (let j = 0; j < batch; j++) await once();
    return (performance.now() - t) / batch;
  };
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
    /// A promise of a function `batch → Promise<mean ms>`.
    #[wasm_bindgen(js_name = rawSampler)]
    fn raw_sampler(alg: &str, jwk_json: &str, usage: &str, data: &Uint8Array, signature: &Uint8Array) -> Promise;
    #[wasm_bindgen(js_name = importRaw)]
    fn import_raw(alg: &str, jwk_json: &str, usage: &str) -> Promise;
    #[wasm_bindgen(js_name = opParams)]
    fn op_params(alg: &str) -> Object;
    #[wasm_bindgen(js_name = rawRsaGenerate)]
    fn raw_rsa_generate(runs: u32) -> Promise;
}

async fn samples_of(promise: Promise) -> Vec<f64> {
    let array: Array = JsFuture::from(promise).await.unwrap().unchecked_into();
    array.iter().filter_map(|v| v.as_f64()).collect()
}

wasm_bindgen_test_configure!(run_in_browser);

const SIGNING_INPUT: &[u8] = b"eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJjbGllbnQiLCJhdWQiOiJodHRwczovL2FzLmV4YW1wbGUifQ";

/// The request object the JOSE-path table signs and verifies (330 bytes).
const PAYLOAD: &[u8] = br#"{"iss":"s6BhdRkqt3","aud":"https://server.example.com","response_type":"code","client_id":"s6BhdRkqt3","redirect_uri":"https://client.example.org/cb","scope":"openid","state":"af0ifjsldkj","nonce":"n-0S6_WzA2Mj","exp":1924992000,"iat":1924991700,"jti":"6d2c1b8e-3f5a-4e0f-9a8b-2b6f1e4d7c90"}"#;

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

async fn time_generate(backend: &impl CryptoBackend, spec: KeyGenSpec, runs: usize) -> f64 {
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = now_ms();
        backend.generate(spec).await.unwrap();
        samples.push(now_ms() - start);
    }
    median(samples)
}

/// Samples per cell; the cells of one row are sampled in turn, round by round.
const RUNS: usize = 31;
/// What one sample should last: the coarsened clock's 0.1 ms is then 1% of it.
const SAMPLE_MS: f64 = 10.0;
/// Never fewer operations per sample than the old fixed batch; the most, for sub-µs
/// operations in the breakdown table.
const MIN_BATCH: u32 = 20;
const MAX_BATCH: u32 = 100_000;

/// What one sample is: the mean time of `batch` operations, in ms. Boxed so that a row can
/// mix samplers timed in JS ([`Raw`]) and in Rust ([`Op`]).
type Sample<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = f64> + 'a>>;

/// One way of performing an operation, as a source of samples.
trait Sampler {
    fn sample(&mut self, batch: u32) -> Sample<'_>;
}

/// The operation performed by Rust code: each sample awaits `batch` calls.
struct Op<F>(F);

impl<F, Fut> Sampler for Op<F>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    fn sample(&mut self, batch: u32) -> Sample<'_> {
        Box::pin(async move {
            let start = now_ms();
            for _ in 0..batch {
                (self.0)().await;
            }
            (now_ms() - start) / f64::from(batch)
        })
    }
}

/// The operation performed by JavaScript (`rawSampler`): the loop and the timing happen in
/// JS, as a page's own script would do them.
struct Raw(Function);

impl Raw {
    async fn new(alg: Algorithm, key: &Jwk, usage: &str, data: &[u8], signature: &[u8]) -> Self {
        let promise = raw_sampler(
            alg.name(),
            &key.to_json(),
            usage,
            &Uint8Array::from(data),
            &Uint8Array::from(signature),
        );
        Raw(JsFuture::from(promise).await.unwrap().unchecked_into())
    }
}

impl Sampler for Raw {
    fn sample(&mut self, batch: u32) -> Sample<'_> {
        Box::pin(async move {
            let promise: Promise = self.0.call1(&JsValue::NULL, &batch.into()).unwrap().unchecked_into();
            JsFuture::from(promise).await.unwrap().as_f64().unwrap()
        })
    }
}

/// Operations per sample for an operation that takes about as long as `calibrate`'s: enough
/// for a sample to last [`SAMPLE_MS`]. The budget table measures it once per row (on the JOSE
/// path) and samples every cell of the row with it, so raw and app are sampled alike.
async fn batch_for(calibrate: &mut dyn Sampler) -> u32 {
    // A trial this long (20 clock steps) is long enough to estimate one operation's time.
    const TRIAL_MS: f64 = 2.0;
    calibrate.sample(1).await; // warm-up
    let mut batch = MIN_BATCH;
    loop {
        let mean = calibrate.sample(batch).await;
        if mean * f64::from(batch) >= TRIAL_MS || batch >= MAX_BATCH {
            let wanted = (SAMPLE_MS / mean.max(1e-6)).ceil();
            return wanted.clamp(f64::from(MIN_BATCH), f64::from(MAX_BATCH)) as u32;
        }
        batch = batch.saturating_mul(4).min(MAX_BATCH);
    }
}

/// [`RUNS`] samples of every cell (each with its ops per sample), one of each per round so
/// that a change in the machine's load moves every cell alike; each cell warmed up first.
async fn sample_row(cells: &mut [(&mut dyn Sampler, u32)]) -> Vec<Vec<f64>> {
    for (cell, _) in cells.iter_mut() {
        cell.sample(1).await;
    }
    let mut samples = vec![Vec::with_capacity(RUNS); cells.len()];
    for _ in 0..RUNS {
        for ((cell, batch), samples) in cells.iter_mut().zip(&mut samples) {
            samples.push(cell.sample(*batch).await);
        }
    }
    samples
}

fn ms(value: f64) -> String {
    format!("{value:.4} ms")
}

/// A key made for `alg` and the request object signed with it, as both JOSE tables use them.
struct Signed {
    key: Jwk,
    /// The key for verifying: the public half, or the secret itself for HMAC.
    public: Jwk,
    header: String,
    token: String,
    signature: Vec<u8>,
}

impl Signed {
    async fn new(web: &WebCryptoBackend, alg: Algorithm) -> Self {
        let key = web.generate(KeyGenSpec::for_alg(alg)).await.unwrap();
        let header = JwsHeader::new(alg).typ("oauth-authz-req+jwt").to_json();
        let token = jws::sign_compact_with(web, &header, PAYLOAD, &key, ShortHmacKeys::Allow)
            .await
            .unwrap();
        let signature = base64url::decode(token.rsplit_once('.').unwrap().1, "signature").unwrap();
        let public = if alg.kty() == "oct" {
            key.clone()
        } else {
            key.to_public().unwrap()
        };
        Self {
            key,
            public,
            header,
            token,
            signature,
        }
    }

    /// What the signature covers: the token up to its last '.'.
    fn signing_input(&self) -> &[u8] {
        self.token.rsplit_once('.').unwrap().0.as_bytes()
    }
}

#[wasm_bindgen_test]
async fn jose_path_against_raw_webcrypto() {
    let web = WebCryptoBackend::new().unwrap();
    let mut table = String::from(
        "| operation | raw WebCrypto (JS) | backend call | JOSE path (compact JWS) | ratio JOSE / raw | ops per sample |\n|---|---:|---:|---:|---:|---:|\n",
    );
    let mut row = |label: String, cells: Vec<Vec<f64>>, batch: Option<u32>| {
        let medians: Vec<f64> = cells.into_iter().map(median).collect();
        let (raw, jose) = (medians[0], medians[medians.len() - 1]);
        let call = if medians.len() == 3 {
            ms(medians[1])
        } else {
            String::new()
        };
        let batch = batch.map_or("1".to_string(), |b| b.to_string());
        table.push_str(&format!(
            "| {label} | {} | {call} | {} | {:.2}× | {batch} |\n",
            ms(raw),
            ms(jose),
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
        let signed = Signed::new(&web, alg).await;
        let (web, header, key) = (&web, &signed.header, &signed.key);
        let (input, sig) = (signed.signing_input(), &signed.signature[..]);

        let mut jose_sign = Op(|| async move {
            jws::sign_compact_with(web, header, PAYLOAD, key, ShortHmacKeys::Allow)
                .await
                .unwrap();
        });
        let mut call_sign = Op(|| async move {
            web.sign(alg, key, input).await.unwrap();
        });
        let mut raw_sign = Raw::new(alg, key, "sign", input, sig).await;
        let batch = batch_for(&mut jose_sign).await;
        let cells = sample_row(&mut [(&mut raw_sign, batch), (&mut call_sign, batch), (&mut jose_sign, batch)]).await;
        row(format!("{} sign", alg.name()), cells, Some(batch));

        // RFC 9449: a DPoP proof as the client makes one for every token request and API call
        // (header with the public jwk, claims with htm, htu, iat, jti and ath), built and
        // signed through the backend, against raw WebCrypto signing the same bytes.
        if alg.kty() != "oct" {
            let dpop_key = DpopKey::new(key.clone(), alg).unwrap();
            let proof = DpopProof::new("POST", "https://as.example/token", 1_800_000_000, "bench-jti")
                .access_token("bench-access-token");
            let compact = proof.sign(&dpop_key, web).await.unwrap();
            let (proof_input, proof_sig) = compact.rsplit_once('.').unwrap();
            let proof_sig = base64url::decode(proof_sig, "signature").unwrap();
            let (proof, dpop_key) = (&proof, &dpop_key);
            let mut dpop_sign = Op(|| async move {
                proof.sign(dpop_key, web).await.unwrap();
            });
            let mut raw_proof = Raw::new(alg, key, "sign", proof_input.as_bytes(), &proof_sig).await;
            let batch = batch_for(&mut dpop_sign).await;
            let cells = sample_row(&mut [(&mut raw_proof, batch), (&mut dpop_sign, batch)]).await;
            row(format!("{} DPoP proof (build + sign)", alg.name()), cells, Some(batch));
        }

        let (token, public) = (&signed.token, &signed.public);
        let mut jose_verify = Op(|| async move {
            jws::verify_compact_with(web, token, public, &[alg]).await.unwrap();
        });
        let mut call_verify = Op(|| async move {
            web.verify(alg, public, input, sig).await.unwrap();
        });
        let mut raw_verify = Raw::new(alg, public, "verify", input, sig).await;
        let batch = batch_for(&mut jose_verify).await;
        let cells = sample_row(&mut [
            (&mut raw_verify, batch),
            (&mut call_verify, batch),
            (&mut jose_verify, batch),
        ])
        .await;
        row(format!("{} verify", alg.name()), cells, Some(batch));
    }
    // Single runs (one takes 20–130 ms), raw and JOSE in turn like the other rows.
    let (mut raw_generate, mut jose_generate) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        raw_generate.extend(samples_of(raw_rsa_generate(1)).await);
        let start = now_ms();
        web.generate(KeyGenSpec::Rsa { bits: 2048 }).await.unwrap();
        jose_generate.push(now_ms() - start);
    }
    row(
        "RSA-2048 key generation (JOSE: generateKey + exportKey + JWK + thumbprint)".into(),
        vec![raw_generate, jose_generate],
        None,
    );
    console_log!(
        "runs: {RUNS} samples per cell, cells of a row sampled in turn; each sample the mean of \
         the row's ops per sample (chosen so a sample lasts about {SAMPLE_MS} ms; key generation: single)\n{table}"
    );
}

/// A backend that accepts every signature at once: what is left of the JOSE path is its own
/// work (split, header parse and policy, base64url).
struct AcceptAll;

impl CryptoBackend for AcceptAll {
    fn name(&self) -> &'static str {
        "accept-all (measurement only)"
    }
    async fn sign(&self, _: Algorithm, _: &Jwk, _: &[u8]) -> Result<Vec<u8>, JoseError> {
        Ok(Vec::new())
    }
    async fn verify(&self, _: Algorithm, _: &Jwk, _: &[u8], _: &[u8]) -> Result<(), JoseError> {
        Ok(())
    }
    async fn generate(&self, _: KeyGenSpec) -> Result<Jwk, JoseError> {
        Err(JoseError::Malformed("not here".into()))
    }
}

/// Where a verification's time goes, piece by piece, for the operations closest to the
/// budget: raw WebCrypto from JS; the same `crypto.subtle.verify` called from Rust with a
/// key imported once and its parameters built once (the wasm → JS call and the `JsFuture`);
/// a key cache lookup, and the RFC 7638 thumbprint it used to compute; the JWS
/// path's own work (an accept-all backend); the backend call and the whole JOSE path.
/// `key` with the last byte of its first public member (or secret) changed.
fn differing_in_last_byte(key: &Jwk, byte: u8) -> Jwk {
    let mut other = key.clone();
    let member = match &mut other.material {
        KeyMaterial::Rsa { n, .. } => n,
        KeyMaterial::Ec { x, .. } | KeyMaterial::Okp { x, .. } => x,
        KeyMaterial::Oct { k } => {
            return Jwk::new(KeyMaterial::Oct {
                k: SecretBytes::new(vec![byte; k.expose().len()]),
            })
        }
    };
    if let Some(last) = member.last_mut() {
        *last ^= byte;
    }
    other
}

#[wasm_bindgen_test]
async fn where_verification_time_goes() {
    let web = WebCryptoBackend::new().unwrap();
    let rust = RustCryptoBackend::new(ChaCha20Rng::seed_from_u64(7515));
    let subtle = web_sys::window().unwrap().crypto().unwrap().subtle();
    let mut table = String::from(
        "| verify | raw WebCrypto (JS) | Rust → `subtle.verify`, key and params kept | key cache lookup | RFC 7638 thumbprint | JWS path alone | RustCrypto verify | backend call | JOSE path |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for alg in [Algorithm::RS256, Algorithm::PS256, Algorithm::ES256, Algorithm::HS256] {
        let signed = Signed::new(&web, alg).await;
        let (web, rust, subtle, token, public) = (&web, &rust, &subtle, &signed.token, &signed.public);
        let (input, sig) = (signed.signing_input(), &signed.signature[..]);

        let mut raw = Raw::new(alg, public, "verify", input, sig).await;
        let crypto_key: CryptoKey = JsFuture::from(import_raw(alg.name(), &public.to_json(), "verify"))
            .await
            .unwrap()
            .unchecked_into();
        let params = op_params(alg.name());
        let (crypto_key, params) = (&crypto_key, &params);
        let mut bare = Op(|| async move {
            let promise = subtle
                .verify_with_object_and_u8_array_and_u8_array(params, crypto_key, sig, input)
                .unwrap();
            assert_eq!(JsFuture::from(promise).await.unwrap().as_bool(), Some(true));
        });
        // The key among 15 others for the same alg and operation, each differing from it in
        // the last byte only (the longest comparison), looked up as the backend does.
        let cache = KeyCache::new(KEY_CACHE_CAPACITY);
        for byte in 1..KEY_CACHE_CAPACITY as u8 {
            cache.insert(&differing_in_last_byte(public, byte), alg, KeyOperation::Verify, ());
        }
        cache.insert(public, alg, KeyOperation::Verify, ());
        let cache = &cache;
        let mut cache_lookup = Op(|| async move {
            std::hint::black_box(cache.get(std::hint::black_box(public), alg, KeyOperation::Verify)).unwrap();
        });
        let mut thumbprint = Op(|| async move {
            std::hint::black_box(std::hint::black_box(public).thumbprint());
        });
        let mut jws_alone = Op(|| async move {
            jws::verify_compact_with(&AcceptAll, token, public, &[alg])
                .await
                .unwrap();
        });
        let mut rust_verify = Op(|| async move {
            rust.verify(alg, public, input, sig).await.unwrap();
        });
        let mut call = Op(|| async move {
            web.verify(alg, public, input, sig).await.unwrap();
        });
        let mut jose = Op(|| async move {
            jws::verify_compact_with(web, token, public, &[alg]).await.unwrap();
        });
        let mut cells: [&mut dyn Sampler; 8] = [
            &mut raw,
            &mut bare,
            &mut cache_lookup,
            &mut thumbprint,
            &mut jws_alone,
            &mut rust_verify,
            &mut call,
            &mut jose,
        ];
        // Each cell its own ops per sample: a 0.3 µs lookup needs far more than a 20 µs verify
        // to last as long on the coarse clock.
        let mut row = Vec::new();
        for cell in cells.iter_mut() {
            let batch = batch_for(&mut **cell).await;
            row.push((&mut **cell, batch));
        }
        let medians: Vec<String> = sample_row(&mut row).await.into_iter().map(|c| ms(median(c))).collect();
        table.push_str(&format!("| {} | {} |\n", alg.name(), medians.join(" | ")));
    }
    console_log!(
        "runs: {RUNS} samples per cell, cells sampled in turn; each cell's ops per sample chosen so \
         a sample lasts about {SAMPLE_MS} ms\n{table}"
    );
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
        ("RS256 sign", Algorithm::RS256, &rsa),
        ("PS256 sign", Algorithm::PS256, &rsa),
        ("ES256 sign", Algorithm::ES256, &ec),
        ("EdDSA sign", Algorithm::EdDSA, &ed),
        ("HS256 sign", Algorithm::HS256, &hs),
    ] {
        let (web, rust) = (&web, &rust);
        let mut on_web = Op(|| async move {
            web.sign(alg, key, SIGNING_INPUT).await.unwrap();
        });
        let mut in_rust = Op(|| async move {
            rust.sign(alg, key, SIGNING_INPUT).await.unwrap();
        });
        let (web_batch, rust_batch) = (batch_for(&mut on_web).await, batch_for(&mut in_rust).await);
        let medians: Vec<f64> = sample_row(&mut [(&mut on_web, web_batch), (&mut in_rust, rust_batch)])
            .await
            .into_iter()
            .map(median)
            .collect();
        rows.push((label, medians[0], medians[1]));
    }
    let mut table =
        String::from("| operation (median) | WebCrypto path | pure-Rust path | ratio |\n|---|---:|---:|---:|\n");
    for (label, web_ms, rust_ms) in rows {
        table.push_str(&format!(
            "| {label} | {} | {} | {:.1}× |\n",
            ms(web_ms),
            ms(rust_ms),
            rust_ms / web_ms.max(1e-6)
        ));
    }
    console_log!(
        "runs: key generation 11 single runs; signing {RUNS} samples per cell, the two cells sampled in \
         turn, each sample the mean of enough operations to last about {SAMPLE_MS} ms\n{table}"
    );
}
