//! The WebCrypto backend: the browser's `crypto.subtle` behind [`CryptoBackend`].
//!
//! WebCrypto signs RSA and EC several times faster than RustCrypto compiled to wasm and
//! generates RSA keys off the main thread (RSA-2048 in pure Rust blocks the page for most of a
//! second). Keys cross the boundary as JWK, which both sides speak natively. When the browser
//! lacks an algorithm (`NotSupportedError`, e.g. Ed25519 in an older engine), the same
//! operation runs in RustCrypto instead, with an RNG seeded from `crypto.getRandomValues`,
//! and the page remembers it ([`WebCryptoBackend::fell_back`]) so a test or a view can say
//! which engine lacks what rather than pass it off as WebCrypto's work.
//!
//! HMAC (HS*) always runs in RustCrypto: a MAC in wasm takes a few microseconds, less than
//! the round trip to a WebCrypto promise (BENCHMARKS.md: an HS256 JWS verified in 4.2 µs,
//! raw WebCrypto's HMAC verify alone 4.0 µs).
//!
//! Imported keys are kept (non-extractable `CryptoKey`s, at most [`KEY_CACHE_CAPACITY`] for
//! the page, shared by every backend made here) by key, alg and operation: importing a
//! JWK costs more than an HMAC or ECDSA signature itself, and the page signs and verifies
//! with the same few keys run after run.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Object, Reflect, Uint8Array, JSON};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Crypto, CryptoKey, SubtleCrypto};

use crate::jose::alg::Sha;
use crate::jose::jwe::{ContentEncryption, KeyManagement};
use crate::jose::key_cache::KEY_CACHE_CAPACITY;
use crate::jose::{
    Algorithm, CryptoBackend, EcCurve, EncryptionBackend, JoseError, Jwk, KeyCache, KeyGenSpec, KeyMaterial,
    KeyOperation, RustCryptoBackend, SecretBytes,
};

const NAME: &str = "WebCrypto";

/// JWK members WebCrypto checks against the import parameters; our own policy checks come
/// first, so they are dropped rather than allowed to refuse a key for a second reason.
const POLICY_MEMBERS: [&str; 5] = ["alg", "use", "key_ops", "kid", "ext"];

pub struct WebCryptoBackend {
    crypto: Crypto,
    subtle: SubtleCrypto,
    /// HS*, and whatever the browser does not support.
    rust: RustCryptoBackend<ChaCha20Rng>,
    imported: Rc<KeyCache<CryptoKey>>,
}

thread_local! {
    /// The page's imported keys: each panel and run makes its own backend, and all of them
    /// sign with the same few keys.
    static IMPORTED: Rc<KeyCache<CryptoKey>> = Rc::new(KeyCache::new(KEY_CACHE_CAPACITY));

    /// `sign`/`verify` parameters by algorithm, each built once: building the dictionary
    /// takes several calls into JS, a good part of what a 20 µs verification costs on top of
    /// WebCrypto's own work; WebCrypto reads it during the call and keeps nothing of it.
    static SIGN_PARAMS: RefCell<Vec<(Algorithm, Object)>> = const { RefCell::new(Vec::new()) };

    /// Every operation this page's WebCrypto refused with `NotSupportedError`, each once.
    static FALLBACKS: RefCell<Vec<Operation>> = const { RefCell::new(Vec::new()) };
}

/// An operation of the backend, as the fallback record names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    Sign(Algorithm),
    Verify(Algorithm),
    Generate(KeyGenSpec),
}

fn record_fallback(operation: Operation) {
    FALLBACKS.with(|fallbacks| {
        if let Ok(mut fallbacks) = fallbacks.try_borrow_mut() {
            if !fallbacks.contains(&operation) {
                fallbacks.push(operation);
            }
        }
    });
}

impl std::fmt::Debug for WebCryptoBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebCryptoBackend")
            .field("imported", &self.imported)
            .finish_non_exhaustive()
    }
}

impl WebCryptoBackend {
    /// The backend of this window, or why there is none (WebCrypto needs a secure context:
    /// https or loopback).
    pub fn new() -> Result<Self, JoseError> {
        let crypto = web_sys::window()
            .ok_or_else(|| failure("no window"))?
            .crypto()
            .map_err(|e| failure(&describe(&e)))?;
        let subtle = crypto.subtle();
        let mut seed = [0u8; 32];
        crypto
            .get_random_values_with_u8_array(&mut seed)
            .map_err(|e| failure(&describe(&e)))?;
        Ok(Self {
            crypto,
            subtle,
            rust: RustCryptoBackend::new(ChaCha20Rng::from_seed(seed)),
            imported: IMPORTED.with(Rc::clone),
        })
    }

    /// Whether `key` is already imported for `alg` and `operation` (the next use of it
    /// skips `importKey`).
    pub fn has_imported(&self, key: &Jwk, alg: Algorithm, operation: KeyOperation) -> bool {
        self.imported.contains(key, alg, operation)
    }

    /// Whether this page's WebCrypto refused `operation` as not supported, so RustCrypto did
    /// it (the engine lacks the algorithm; HMAC, which never goes to WebCrypto, is not counted).
    pub fn fell_back(&self, operation: Operation) -> bool {
        FALLBACKS.with(|fallbacks| fallbacks.try_borrow().is_ok_and(|f| f.contains(&operation)))
    }

    /// The key as a `CryptoKey` for `alg` and `operation`: the one imported before, or a
    /// fresh non-extractable import (which is then kept).
    async fn import(&self, alg: Algorithm, key: &Jwk, operation: KeyOperation) -> Result<CryptoKey, JsValue> {
        if let Some(crypto_key) = self.imported.get(key, alg, operation) {
            return Ok(crypto_key);
        }
        let json = match (&key.material, operation) {
            (KeyMaterial::Oct { .. }, _) | (_, KeyOperation::Sign) => key.to_json(),
            _ => key
                .to_public()
                .map_err(|e| JsValue::from_str(&e.to_string()))?
                .to_json(),
        };
        let jwk = JSON::parse(&json)?;
        drop_policy_members(jwk.unchecked_ref())?;
        let usages = Array::of1(&operation.key_ops_name().into());
        let promise =
            self.subtle
                .import_key_with_object("jwk", jwk.unchecked_ref(), &import_params(alg), false, &usages)?;
        let crypto_key: CryptoKey = JsFuture::from(promise).await?.unchecked_into();
        self.imported.insert(key, alg, operation, crypto_key.clone());
        Ok(crypto_key)
    }

    async fn try_verify(
        &self,
        alg: Algorithm,
        key: &Jwk,
        signing_input: &[u8],
        signature: &[u8],
    ) -> Result<bool, JsValue> {
        let crypto_key = self.import(alg, key, KeyOperation::Verify).await?;
        let promise = with_sign_params(alg, |params| {
            self.subtle
                .verify_with_object_and_u8_array_and_u8_array(params, &crypto_key, signature, signing_input)
        })?;
        Ok(JsFuture::from(promise).await?.as_bool() == Some(true))
    }

    async fn try_sign(&self, alg: Algorithm, key: &Jwk, signing_input: &[u8]) -> Result<Vec<u8>, JsValue> {
        let crypto_key = self.import(alg, key, KeyOperation::Sign).await?;
        let promise = with_sign_params(alg, |params| {
            self.subtle
                .sign_with_object_and_u8_array(params, &crypto_key, signing_input)
        })?;
        let signature = JsFuture::from(promise).await?;
        Ok(Uint8Array::new(&signature).to_vec())
    }

    async fn try_generate(&self, spec: KeyGenSpec) -> Result<Jwk, JsValue> {
        // An X25519 key agrees (RFC 8037 §3.2) and never signs: WebCrypto refuses "sign" for it.
        let usages = match spec {
            KeyGenSpec::X25519 => Array::of1(&"deriveBits".into()),
            _ => Array::of2(&"sign".into(), &"verify".into()),
        };
        let params = match spec {
            KeyGenSpec::Rsa { bits } => object(&[
                ("name", "RSASSA-PKCS1-v1_5".into()),
                ("modulusLength", (bits as u32).into()),
                ("publicExponent", Uint8Array::from(&[1u8, 0, 1][..]).into()),
                ("hash", "SHA-256".into()),
            ]),
            KeyGenSpec::Ec { crv } => object(&[("name", "ECDSA".into()), ("namedCurve", crv.name().into())]),
            KeyGenSpec::Ed25519 => object(&[("name", "Ed25519".into())]),
            KeyGenSpec::X25519 => object(&[("name", "X25519".into())]),
            KeyGenSpec::Oct { bytes } => {
                // A secret is just random bytes; getRandomValues gives exactly the length asked.
                let mut k = vec![0u8; bytes];
                self.crypto.get_random_values_with_u8_array(&mut k)?;
                return Ok(Jwk::new(KeyMaterial::Oct { k: SecretBytes::new(k) }).with_thumbprint_kid());
            }
        };
        let pair = JsFuture::from(self.subtle.generate_key_with_object(&params, true, &usages)?).await?;
        let private: CryptoKey = Reflect::get(&pair, &"privateKey".into())?.unchecked_into();
        let exported = JsFuture::from(self.subtle.export_key("jwk", &private)?).await?;
        drop_policy_members(exported.unchecked_ref())?;
        let json: String = JSON::stringify(&exported)?.into();
        Jwk::from_json(&json)
            .map(Jwk::with_thumbprint_kid)
            .map_err(|e| JsValue::from_str(&e.to_string()))
    }
}

impl CryptoBackend for WebCryptoBackend {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn sign(&self, alg: Algorithm, key: &Jwk, signing_input: &[u8]) -> Result<Vec<u8>, JoseError> {
        if is_hmac(alg) {
            return self.rust.sign(alg, key, signing_input).await;
        }
        match self.try_sign(alg, key, signing_input).await {
            Ok(signature) => Ok(signature),
            Err(e) if is_not_supported(&e) => {
                record_fallback(Operation::Sign(alg));
                self.rust.sign(alg, key, signing_input).await
            }
            Err(e) => Err(failure(&describe(&e))),
        }
    }

    async fn verify(&self, alg: Algorithm, key: &Jwk, signing_input: &[u8], signature: &[u8]) -> Result<(), JoseError> {
        if is_hmac(alg) {
            return self.rust.verify(alg, key, signing_input, signature).await;
        }
        match self.try_verify(alg, key, signing_input, signature).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(JoseError::InvalidSignature),
            Err(e) if is_not_supported(&e) => {
                record_fallback(Operation::Verify(alg));
                self.rust.verify(alg, key, signing_input, signature).await
            }
            Err(e) => Err(failure(&describe(&e))),
        }
    }

    async fn generate(&self, spec: KeyGenSpec) -> Result<Jwk, JoseError> {
        spec.check()?;
        match self.try_generate(spec).await {
            Ok(jwk) => Ok(jwk),
            // Never RSA: every browser with WebCrypto generates RSA keys, and doing it in wasm
            // would block the page.
            Err(e) if is_not_supported(&e) && !matches!(spec, KeyGenSpec::Rsa { .. }) => {
                record_fallback(Operation::Generate(spec));
                self.rust.generate(spec).await
            }
            Err(e) => Err(failure(&describe(&e))),
        }
    }
}

fn is_hmac(alg: Algorithm) -> bool {
    matches!(alg, Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512)
}

fn hash_name(sha: Sha) -> &'static str {
    match sha {
        Sha::Sha256 => "SHA-256",
        Sha::Sha384 => "SHA-384",
        Sha::Sha512 => "SHA-512",
    }
}

/// `importKey` parameters for a key used with `alg`.
fn import_params(alg: Algorithm) -> Object {
    let hash = hash_name(alg.sha());
    match alg {
        Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => {
            object(&[("name", "HMAC".into()), ("hash", hash.into())])
        }
        Algorithm::RS256 | Algorithm::RS384 | Algorithm::RS512 => {
            object(&[("name", "RSASSA-PKCS1-v1_5".into()), ("hash", hash.into())])
        }
        Algorithm::PS256 | Algorithm::PS384 | Algorithm::PS512 => {
            object(&[("name", "RSA-PSS".into()), ("hash", hash.into())])
        }
        Algorithm::ES256 => object(&[("name", "ECDSA".into()), ("namedCurve", EcCurve::P256.name().into())]),
        Algorithm::ES384 => object(&[("name", "ECDSA".into()), ("namedCurve", EcCurve::P384.name().into())]),
        Algorithm::ES512 => object(&[("name", "ECDSA".into()), ("namedCurve", EcCurve::P521.name().into())]),
        Algorithm::EdDSA => object(&[("name", "Ed25519".into())]),
    }
}

/// `f` given the `sign`/`verify` parameters for `alg`, built on first use.
fn with_sign_params<R>(alg: Algorithm, f: impl FnOnce(&Object) -> R) -> R {
    SIGN_PARAMS.with(|cache| {
        // Never borrowed across a call into JS that could come back here; if it were, build
        // the parameters afresh rather than fail.
        let Ok(mut cache) = cache.try_borrow_mut() else {
            return f(&sign_params(alg));
        };
        if let Some((_, params)) = cache.iter().find(|(cached, _)| *cached == alg) {
            return f(params);
        }
        let params = sign_params(alg);
        let result = f(&params);
        cache.push((alg, params));
        result
    })
}

/// `sign`/`verify` parameters for `alg`.
fn sign_params(alg: Algorithm) -> Object {
    let sha = alg.sha();
    match alg {
        Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => object(&[("name", "HMAC".into())]),
        Algorithm::RS256 | Algorithm::RS384 | Algorithm::RS512 => object(&[("name", "RSASSA-PKCS1-v1_5".into())]),
        // RFC 7518 §3.5: "The size of the salt value is the same size as the hash function output."
        Algorithm::PS256 | Algorithm::PS384 | Algorithm::PS512 => object(&[
            ("name", "RSA-PSS".into()),
            ("saltLength", (sha.output_bytes() as u32).into()),
        ]),
        // RFC 7518 §3.4: ES512 is P-521 with SHA-512; WebCrypto's ECDSA output is the same
        // fixed-size r || s (66 bytes each) that JWS carries.
        Algorithm::ES256 | Algorithm::ES384 | Algorithm::ES512 => {
            object(&[("name", "ECDSA".into()), ("hash", hash_name(sha).into())])
        }
        Algorithm::EdDSA => object(&[("name", "Ed25519".into())]),
    }
}

fn drop_policy_members(jwk: &Object) -> Result<(), JsValue> {
    for member in POLICY_MEMBERS {
        Reflect::delete_property(jwk, &JsValue::from_str(member))?;
    }
    Ok(())
}

fn object(members: &[(&str, JsValue)]) -> Object {
    let o = Object::new();
    for (name, value) in members {
        // Setting a member on a fresh plain object cannot fail.
        let _ = Reflect::set(&o, &(*name).into(), value);
    }
    o
}

fn is_not_supported(error: &JsValue) -> bool {
    Reflect::get(error, &"name".into())
        .ok()
        .and_then(|n| n.as_string())
        .is_some_and(|n| n == "NotSupportedError")
}

/// "Name: message" of a DOMException or Error, or the value as text.
fn describe(error: &JsValue) -> String {
    let field = |name: &str| Reflect::get(error, &name.into()).ok().and_then(|v| v.as_string());
    match (field("name"), field("message")) {
        (Some(name), Some(message)) => format!("{name}: {message}"),
        _ => error.as_string().unwrap_or_else(|| format!("{error:?}")),
    }
}

fn failure(problem: &str) -> JoseError {
    JoseError::Backend {
        backend: NAME,
        problem: problem.to_string(),
    }
}

/// JWE's primitives. For now every one runs in the RustCrypto backend this backend carries
/// (the same code as natively), so a flow that encrypts works in every engine; moving the
/// ones the browser has (RSA-OAEP, AES-KW, ECDH, AES-GCM, AES-CBC + HMAC) to `crypto.subtle`
/// is the next step, with cross-backend tests like the signature matrix.
impl EncryptionBackend for WebCryptoBackend {
    async fn rsa_oaep_encrypt(&self, alg: KeyManagement, key: &Jwk, cek: &[u8]) -> Result<Vec<u8>, JoseError> {
        self.rust.rsa_oaep_encrypt(alg, key, cek).await
    }

    async fn rsa_oaep_decrypt(&self, alg: KeyManagement, key: &Jwk, wrapped: &[u8]) -> Result<SecretBytes, JoseError> {
        self.rust.rsa_oaep_decrypt(alg, key, wrapped).await
    }

    async fn aes_kw_wrap(&self, kek: &[u8], cek: &[u8]) -> Result<Vec<u8>, JoseError> {
        self.rust.aes_kw_wrap(kek, cek).await
    }

    async fn aes_kw_unwrap(&self, kek: &[u8], wrapped: &[u8]) -> Result<SecretBytes, JoseError> {
        self.rust.aes_kw_unwrap(kek, wrapped).await
    }

    async fn ecdh(&self, private: &Jwk, public: &Jwk) -> Result<SecretBytes, JoseError> {
        self.rust.ecdh(private, public).await
    }

    async fn encrypt_content(
        &self,
        enc: ContentEncryption,
        cek: &[u8],
        iv: &[u8],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<(Vec<u8>, Vec<u8>), JoseError> {
        self.rust.encrypt_content(enc, cek, iv, aad, plaintext).await
    }

    async fn decrypt_content(
        &self,
        enc: ContentEncryption,
        cek: &[u8],
        iv: &[u8],
        aad: &[u8],
        ciphertext: &[u8],
        tag: &[u8],
    ) -> Result<Vec<u8>, JoseError> {
        self.rust.decrypt_content(enc, cek, iv, aad, ciphertext, tag).await
    }

    fn random_bytes(&self, len: usize) -> Result<SecretBytes, JoseError> {
        self.rust.random_bytes(len)
    }
}
