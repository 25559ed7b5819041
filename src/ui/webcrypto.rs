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
use subtle::ConstantTimeEq;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Crypto, CryptoKey, SubtleCrypto};

use crate::jose::alg::Sha;
use crate::jose::jwe::{self, ContentEncryption, KeyManagement};
use crate::jose::key_cache::KEY_CACHE_CAPACITY;
use crate::jose::{
    Algorithm, CryptoBackend, EcCurve, EncryptionBackend, JoseError, Jwk, KeyCache, KeyGenSpec, KeyMaterial,
    KeyOperation, OkpCurve, RustCryptoBackend, SecretBytes,
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
    /// RSA-OAEP / RSA-OAEP-256 encryption of a CEK.
    EncryptKey(KeyManagement),
    /// RSA-OAEP / RSA-OAEP-256 decryption of a JWE Encrypted Key.
    DecryptKey(KeyManagement),
    /// AES key wrap with a KEK of this many bytes (A128KW, A256KW, ECDH-ES+A*KW).
    WrapKey {
        kek_bytes: usize,
    },
    /// AES key unwrap with a KEK of this many bytes.
    UnwrapKey {
        kek_bytes: usize,
    },
    /// ECDH on this curve ("P-256", "P-384", "P-521") or X25519 ("X25519").
    KeyAgreement {
        crv: &'static str,
    },
    /// Content encryption (AES-GCM, or the AES-CBC half of CBC-HMAC).
    EncryptContent(ContentEncryption),
    /// Content decryption.
    DecryptContent(ContentEncryption),
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

/// JWE's primitives in `crypto.subtle`: RSA-OAEP (SHA-1 for `RSA-OAEP`, SHA-256 for
/// `RSA-OAEP-256`), AES-KW, ECDH on P-256/384/521 and X25519 (`deriveBits`), AES-GCM, and
/// AES-CBC for the CBC-HMAC composite (whose HMAC runs in Rust, like HS*: RFC 7518 §5.2's MAC
/// is over AAD || IV || ciphertext || AL, checked in constant time before any decryption).
/// Concat KDF is the `jwe` module's, for every backend. Where the engine answers
/// `NotSupportedError`, RustCrypto does the operation and [`WebCryptoBackend::fell_back`] says
/// so; every other refusal of a decryption or unwrap is [`JoseError::DecryptionFailed`], never
/// the browser's reason (RFC 7516 §11.5). JWE keys are imported afresh for each message (the
/// page's cache holds signature keys, by JWS algorithm): one import per JWE.
impl EncryptionBackend for WebCryptoBackend {
    async fn rsa_oaep_encrypt(&self, alg: KeyManagement, key: &Jwk, cek: &[u8]) -> Result<Vec<u8>, JoseError> {
        if !matches!(key.material, KeyMaterial::Rsa { .. }) {
            // RustCrypto names the mismatch.
            return self.rust.rsa_oaep_encrypt(alg, key, cek).await;
        }
        let attempt = async {
            let public = self
                .import_jwk(key, false, &oaep_params(alg), &Array::of1(&"encrypt".into()))
                .await?;
            let promise = self
                .subtle
                .encrypt_with_object_and_u8_array(&oaep_params(alg), &public, cek)?;
            Ok::<_, JsValue>(Uint8Array::new(&JsFuture::from(promise).await?).to_vec())
        };
        match attempt.await {
            Ok(wrapped) => Ok(wrapped),
            Err(e) if is_not_supported(&e) => {
                record_fallback(Operation::EncryptKey(alg));
                self.rust.rsa_oaep_encrypt(alg, key, cek).await
            }
            Err(e) => Err(failure(&describe(&e))),
        }
    }

    async fn rsa_oaep_decrypt(&self, alg: KeyManagement, key: &Jwk, wrapped: &[u8]) -> Result<SecretBytes, JoseError> {
        if !matches!(key.material, KeyMaterial::Rsa { private: Some(_), .. }) {
            return self.rust.rsa_oaep_decrypt(alg, key, wrapped).await;
        }
        let attempt = async {
            let private = self
                .import_jwk(key, true, &oaep_params(alg), &Array::of1(&"decrypt".into()))
                .await?;
            let promise = self
                .subtle
                .decrypt_with_object_and_u8_array(&oaep_params(alg), &private, wrapped)?;
            refused_as_none(JsFuture::from(promise).await)
        };
        match attempt.await {
            Ok(Some(cek)) => Ok(SecretBytes::new(cek)),
            Ok(None) => Err(JoseError::DecryptionFailed),
            Err(e) if is_not_supported(&e) => {
                record_fallback(Operation::DecryptKey(alg));
                self.rust.rsa_oaep_decrypt(alg, key, wrapped).await
            }
            Err(e) => Err(failure(&describe(&e))),
        }
    }

    async fn aes_kw_wrap(&self, kek: &[u8], cek: &[u8]) -> Result<Vec<u8>, JoseError> {
        let attempt = async {
            let kek = self.import_raw(kek, &aes_kw_params(), false, "wrapKey").await?;
            // WebCrypto wraps a CryptoKey, not bytes: the CEK goes in as an extractable HMAC
            // key, since HMAC's raw import takes any length (CEKs are 16, 32 or 64 bytes; AES
            // keys could not be 64). tests/web_jwe.rs checks it in each engine.
            let cek = self.import_raw(cek, &cek_params(), true, "sign").await?;
            let promise = self.subtle.wrap_key_with_str("raw", &cek, &kek, "AES-KW")?;
            Ok::<_, JsValue>(Uint8Array::new(&JsFuture::from(promise).await?).to_vec())
        };
        match attempt.await {
            Ok(wrapped) => Ok(wrapped),
            Err(e) if is_not_supported(&e) => {
                record_fallback(Operation::WrapKey { kek_bytes: kek.len() });
                self.rust.aes_kw_wrap(kek, cek).await
            }
            Err(e) => Err(failure(&describe(&e))),
        }
    }

    async fn aes_kw_unwrap(&self, kek: &[u8], wrapped: &[u8]) -> Result<SecretBytes, JoseError> {
        let attempt = async {
            let kek = self.import_raw(kek, &aes_kw_params(), false, "unwrapKey").await?;
            let promise = self.subtle.unwrap_key_with_u8_array_and_str_and_object(
                "raw",
                wrapped,
                &kek,
                "AES-KW",
                &cek_params(),
                true,
                &Array::of1(&"sign".into()),
            )?;
            let cek: CryptoKey = match JsFuture::from(promise).await {
                Ok(cek) => cek.unchecked_into(),
                Err(e) if is_not_supported(&e) => return Err(e),
                // The integrity check failed (RFC 3394 §2.2.3), or the input was malformed.
                Err(_) => return Ok(None),
            };
            let raw = JsFuture::from(self.subtle.export_key("raw", &cek)?).await?;
            Ok::<_, JsValue>(Some(Uint8Array::new(&raw).to_vec()))
        };
        match attempt.await {
            Ok(Some(cek)) => Ok(SecretBytes::new(cek)),
            Ok(None) => Err(JoseError::DecryptionFailed),
            Err(e) if is_not_supported(&e) => {
                record_fallback(Operation::UnwrapKey { kek_bytes: kek.len() });
                self.rust.aes_kw_unwrap(kek, wrapped).await
            }
            Err(e) => Err(failure(&describe(&e))),
        }
    }

    async fn ecdh(&self, private: &Jwk, public: &Jwk) -> Result<SecretBytes, JoseError> {
        let Some(agreement) = Agreement::of(private, public) else {
            // RustCrypto names the mismatch.
            return self.rust.ecdh(private, public).await;
        };
        let attempt = async {
            let own = self
                .import_jwk(private, true, &agreement.import, &Array::of1(&"deriveBits".into()))
                .await?;
            // A public key has no usage of its own in ECDH and X25519.
            let peer = match self.import_jwk(public, false, &agreement.import, &Array::new()).await {
                Ok(peer) => peer,
                // Every 32-byte string is an X25519 public key (RFC 7748 §5), and our import
                // checked the length; Firefox refuses one of small order already here.
                Err(e) if agreement.name == "X25519" && error_name(&e).as_deref() == Some("DataError") => {
                    return Ok(None)
                }
                Err(e) => return Err(e),
            };
            let params = object(&[("name", agreement.name.into()), ("public", peer.into())]);
            let promise = self.subtle.derive_bits_with_object(&params, &own, agreement.bits)?;
            match JsFuture::from(promise).await {
                Ok(bits) => Ok(Some(Uint8Array::new(&bits).to_vec())),
                // WebCrypto §X25519 "derive bits": an all-zero result is an OperationError.
                Err(e) if agreement.name == "X25519" && error_name(&e).as_deref() == Some("OperationError") => Ok(None),
                Err(e) => Err(e),
            }
        };
        match attempt.await {
            Ok(Some(z)) => {
                if agreement.name == "X25519" {
                    jwe::check_x25519_shared_secret(&z)?;
                }
                Ok(SecretBytes::new(z))
            }
            Ok(None) => Err(x25519_all_zero()),
            Err(e) if is_not_supported(&e) => {
                record_fallback(Operation::KeyAgreement { crv: agreement.crv });
                self.rust.ecdh(private, public).await
            }
            Err(e) => Err(failure(&describe(&e))),
        }
    }

    async fn encrypt_content(
        &self,
        enc: ContentEncryption,
        cek: &[u8],
        iv: &[u8],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<(Vec<u8>, Vec<u8>), JoseError> {
        if cek.len() != enc.cek_bytes() || iv.len() != enc.iv_bytes() {
            // RustCrypto says which length is wrong.
            return self.rust.encrypt_content(enc, cek, iv, aad, plaintext).await;
        }
        match self.try_encrypt_content(enc, cek, iv, aad, plaintext).await {
            Ok(sealed) => Ok(sealed),
            Err(e) if is_not_supported(&e) => {
                record_fallback(Operation::EncryptContent(enc));
                self.rust.encrypt_content(enc, cek, iv, aad, plaintext).await
            }
            Err(e) => Err(failure(&describe(&e))),
        }
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
        if cek.len() != enc.cek_bytes() || iv.len() != enc.iv_bytes() || tag.len() != enc.tag_bytes() {
            return Err(JoseError::DecryptionFailed);
        }
        match self.try_decrypt_content(enc, cek, iv, aad, ciphertext, tag).await {
            Ok(Some(plaintext)) => Ok(plaintext),
            Ok(None) => Err(JoseError::DecryptionFailed),
            Err(e) if is_not_supported(&e) => {
                record_fallback(Operation::DecryptContent(enc));
                self.rust.decrypt_content(enc, cek, iv, aad, ciphertext, tag).await
            }
            Err(e) => Err(failure(&describe(&e))),
        }
    }

    fn random_bytes(&self, len: usize) -> Result<SecretBytes, JoseError> {
        let mut bytes = vec![0u8; len];
        // getRandomValues fills at most 65536 bytes a call (WebCrypto §10.1.1, QuotaExceededError).
        for chunk in bytes.chunks_mut(65536) {
            self.crypto
                .get_random_values_with_u8_array(chunk)
                .map_err(|e| failure(&describe(&e)))?;
        }
        Ok(SecretBytes::new(bytes))
    }
}

impl WebCryptoBackend {
    /// `key` imported from its JWK (the private half when `private`, else the public one) for
    /// `params` and `usages`; not extractable, not kept.
    async fn import_jwk(
        &self,
        key: &Jwk,
        private: bool,
        params: &Object,
        usages: &Array,
    ) -> Result<CryptoKey, JsValue> {
        let json = if private {
            key.to_json()
        } else {
            key.to_public()
                .map_err(|e| JsValue::from_str(&e.to_string()))?
                .to_json()
        };
        let jwk = JSON::parse(&json)?;
        drop_policy_members(jwk.unchecked_ref())?;
        let promise = self
            .subtle
            .import_key_with_object("jwk", jwk.unchecked_ref(), params, false, usages)?;
        Ok(JsFuture::from(promise).await?.unchecked_into())
    }

    /// Raw key bytes imported for `params` and the one `usage`.
    async fn import_raw(
        &self,
        bytes: &[u8],
        params: &Object,
        extractable: bool,
        usage: &str,
    ) -> Result<CryptoKey, JsValue> {
        let data = Uint8Array::from(bytes);
        let usages = Array::of1(&usage.into());
        let promise = self
            .subtle
            .import_key_with_object("raw", &data, params, extractable, &usages)?;
        Ok(JsFuture::from(promise).await?.unchecked_into())
    }

    async fn try_encrypt_content(
        &self,
        enc: ContentEncryption,
        cek: &[u8],
        iv: &[u8],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<(Vec<u8>, Vec<u8>), JsValue> {
        match enc {
            ContentEncryption::A128Gcm | ContentEncryption::A256Gcm => {
                let key = self
                    .import_raw(cek, &object(&[("name", "AES-GCM".into())]), false, "encrypt")
                    .await?;
                let promise = self
                    .subtle
                    .encrypt_with_object_and_u8_array(&gcm_params(iv, aad), &key, plaintext)?;
                let mut sealed = Uint8Array::new(&JsFuture::from(promise).await?).to_vec();
                // WebCrypto appends the 128-bit tag to the ciphertext.
                let tag = sealed.split_off(sealed.len().saturating_sub(GCM_TAG_BYTES));
                Ok((sealed, tag))
            }
            ContentEncryption::A128CbcHs256 | ContentEncryption::A256CbcHs512 => {
                // RFC 7518 §5.2.2.1: the CEK is MAC_KEY || ENC_KEY.
                let (mac_key, enc_key) = cek.split_at(cek.len() / 2);
                let key = self
                    .import_raw(enc_key, &object(&[("name", "AES-CBC".into())]), false, "encrypt")
                    .await?;
                let promise = self
                    .subtle
                    .encrypt_with_object_and_u8_array(&cbc_params(iv), &key, plaintext)?;
                let ciphertext = Uint8Array::new(&JsFuture::from(promise).await?).to_vec();
                let tag = jwe::cbc_hmac_tag(enc, mac_key, aad, iv, &ciphertext)
                    .ok_or_else(|| JsValue::from_str("no CBC-HMAC tag for this enc"))?;
                Ok((ciphertext, tag))
            }
        }
    }

    /// `Ok(None)` when the content does not authenticate or decrypt.
    async fn try_decrypt_content(
        &self,
        enc: ContentEncryption,
        cek: &[u8],
        iv: &[u8],
        aad: &[u8],
        ciphertext: &[u8],
        tag: &[u8],
    ) -> Result<Option<Vec<u8>>, JsValue> {
        match enc {
            ContentEncryption::A128Gcm | ContentEncryption::A256Gcm => {
                let key = self
                    .import_raw(cek, &object(&[("name", "AES-GCM".into())]), false, "decrypt")
                    .await?;
                let mut sealed = Vec::with_capacity(ciphertext.len() + tag.len());
                sealed.extend_from_slice(ciphertext);
                sealed.extend_from_slice(tag);
                let promise = self
                    .subtle
                    .decrypt_with_object_and_u8_array(&gcm_params(iv, aad), &key, &sealed)?;
                refused_as_none(JsFuture::from(promise).await)
            }
            ContentEncryption::A128CbcHs256 | ContentEncryption::A256CbcHs512 => {
                let (mac_key, enc_key) = cek.split_at(cek.len() / 2);
                // RFC 7518 §5.2.2.2 step 2: the tag first, in constant time; only an
                // authentic ciphertext reaches the decryption (and its padding check).
                let expected = jwe::cbc_hmac_tag(enc, mac_key, aad, iv, ciphertext)
                    .ok_or_else(|| JsValue::from_str("no CBC-HMAC tag for this enc"))?;
                if !bool::from(expected.ct_eq(tag)) {
                    return Ok(None);
                }
                let key = self
                    .import_raw(enc_key, &object(&[("name", "AES-CBC".into())]), false, "decrypt")
                    .await?;
                let promise = self
                    .subtle
                    .decrypt_with_object_and_u8_array(&cbc_params(iv), &key, ciphertext)?;
                refused_as_none(JsFuture::from(promise).await)
            }
        }
    }
}

/// AES-GCM's tag as JWE uses it: 128 bits (RFC 7518 §5.3).
const GCM_TAG_BYTES: usize = 16;

/// The result of a WebCrypto decryption or unwrap: its bytes, or `None` when the engine
/// refused the input (`OperationError`, whatever the cause); `NotSupportedError` stays an
/// error, for the fallback.
fn refused_as_none(result: Result<JsValue, JsValue>) -> Result<Option<Vec<u8>>, JsValue> {
    match result {
        Ok(value) => Ok(Some(Uint8Array::new(&value).to_vec())),
        Err(e) if is_not_supported(&e) => Err(e),
        Err(_) => Ok(None),
    }
}

/// `importKey` and `encrypt`/`decrypt` parameters of RSA-OAEP: RFC 7518 §4.3's SHA-1 for
/// `RSA-OAEP`, SHA-256 for `RSA-OAEP-256` (MGF1 with the same hash, which is WebCrypto's).
fn oaep_params(alg: KeyManagement) -> Object {
    let hash = if alg == KeyManagement::RsaOaep {
        "SHA-1"
    } else {
        "SHA-256"
    };
    object(&[("name", "RSA-OAEP".into()), ("hash", hash.into())])
}

fn aes_kw_params() -> Object {
    object(&[("name", "AES-KW".into())])
}

/// How a CEK is imported to be wrapped, and unwrapped to be exported.
fn cek_params() -> Object {
    object(&[("name", "HMAC".into()), ("hash", "SHA-256".into())])
}

fn gcm_params(iv: &[u8], aad: &[u8]) -> Object {
    object(&[
        ("name", "AES-GCM".into()),
        ("iv", Uint8Array::from(iv).into()),
        ("additionalData", Uint8Array::from(aad).into()),
        ("tagLength", ((GCM_TAG_BYTES * 8) as u32).into()),
    ])
}

fn cbc_params(iv: &[u8]) -> Object {
    object(&[("name", "AES-CBC".into()), ("iv", Uint8Array::from(iv).into())])
}

/// A key agreement WebCrypto can run: ECDH on the key pair's curve, or X25519.
struct Agreement {
    /// The algorithm name for `importKey` and `deriveBits`.
    name: &'static str,
    /// `importKey` parameters.
    import: Object,
    /// Z's length in bits: the field size (P-521: 528, 66 bytes, RFC 7518 §4.6.2), or 256.
    bits: u32,
    /// The curve, for the fallback record.
    crv: &'static str,
}

impl Agreement {
    fn of(private: &Jwk, public: &Jwk) -> Option<Self> {
        match (&private.material, &public.material) {
            (KeyMaterial::Ec { crv, d: Some(_), .. }, KeyMaterial::Ec { crv: peer, .. }) if crv == peer => {
                Some(Agreement {
                    name: "ECDH",
                    import: object(&[("name", "ECDH".into()), ("namedCurve", crv.name().into())]),
                    bits: (crv.field_bytes() * 8) as u32,
                    crv: crv.name(),
                })
            }
            (
                KeyMaterial::Okp {
                    crv: OkpCurve::X25519,
                    d: Some(_),
                    ..
                },
                KeyMaterial::Okp {
                    crv: OkpCurve::X25519, ..
                },
            ) => Some(Agreement {
                name: "X25519",
                import: object(&[("name", "X25519".into())]),
                bits: 256,
                crv: OkpCurve::X25519.name(),
            }),
            _ => None,
        }
    }
}

/// The same refusal RustCrypto gives for an all-zero X25519 secret.
fn x25519_all_zero() -> JoseError {
    JoseError::EpkRefused {
        problem: "X25519 with this public key gives the all-zero shared secret (a point of small order; \
                  RFC 7748 §6.1)"
            .into(),
    }
}

fn error_name(error: &JsValue) -> Option<String> {
    Reflect::get(error, &"name".into()).ok().and_then(|n| n.as_string())
}
