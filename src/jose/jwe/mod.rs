//! JWE compact serialization (RFC 7516 §7.1) with the algorithms of RFC 7518 §4 (key
//! management) and §5 (content encryption).
//!
//! Decryption only ever happens against explicit lists of allowed `alg` and `enc` values, with
//! a key that fits the algorithm ([`check_key`]). Refused with their own errors, before any
//! cryptography: `RSA1_5` (RFC 8725 §3.2), an `epk` that is not a point on the recipient's
//! curve (RFC 8725 §3.4), `crit` naming what is not understood (RFC 7516 §4.1.13), `zip`
//! (not implemented). After those checks, every failure is the one
//! [`JoseError::DecryptionFailed`].
//!
//! The cryptography runs behind [`EncryptionBackend`]; `encrypt_compact`/`decrypt_compact`
//! run the RustCrypto code synchronously, the `_with` functions take any backend.

mod alg;
mod header;

use rand_core::CryptoRngCore;
use serde_json::{Map, Value};

pub use alg::{ContentEncryption, KeyManagement};
pub use header::check_key;

use super::backend::{now, EncryptionBackend, RustCryptoBackend};
use super::jwk::KeyMaterial;
use super::secret::SecretBytes;
use super::{base64url, json, rustcrypto, JoseError, Jwk};

/// What the key is used for, for [`check_key`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JweOperation {
    /// Producing a JWE to the key's owner (the public key, or the shared secret).
    Encrypt,
    /// Reading a JWE (the private key, or the shared secret).
    Decrypt,
}

/// A JWE that decrypted.
#[derive(Clone, PartialEq, Eq)]
pub struct DecryptedJwe {
    pub alg: KeyManagement,
    pub enc: ContentEncryption,
    /// The protected header (a JSON object).
    pub header: Value,
    pub plaintext: Vec<u8>,
}

impl DecryptedJwe {
    pub fn kid(&self) -> Option<&str> {
        self.header.get("kid").and_then(Value::as_str)
    }

    /// `cty`: "JWT" when the plaintext is a nested JWT (RFC 7519 §5.2).
    pub fn cty(&self) -> Option<&str> {
        self.header.get("cty").and_then(Value::as_str)
    }
}

impl std::fmt::Debug for DecryptedJwe {
    /// The plaintext may be a token or personal data: only its length is shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DecryptedJwe")
            .field("alg", &self.alg)
            .field("enc", &self.enc)
            .field("header", &self.header)
            .field("plaintext", &format_args!("<{} bytes>", self.plaintext.len()))
            .finish()
    }
}

/// Encrypts `plaintext` to `key` under the protected header given as JSON text, which names
/// `alg` and `enc`. For ECDH-ES the ephemeral public key is added to the header as `epk`
/// (the header is then re-serialised); otherwise the header bytes are kept as given.
pub fn encrypt_compact(
    protected_header: &str,
    plaintext: &[u8],
    key: &Jwk,
    rng: &mut impl CryptoRngCore,
) -> Result<String, JoseError> {
    let backend = RustCryptoBackend::new(rng);
    now(encrypt_compact_with(&backend, protected_header, plaintext, key))
}

/// Decrypts a compact JWE with `key`, accepting only an `alg` from `allowed_alg` and an `enc`
/// from `allowed_enc`. `rng` blinds RSA decryption and supplies the stand-in CEK of RFC 7516
/// §11.5 when the encrypted key does not unwrap.
pub fn decrypt_compact(
    jwe: &str,
    key: &Jwk,
    allowed_alg: &[KeyManagement],
    allowed_enc: &[ContentEncryption],
    rng: &mut impl CryptoRngCore,
) -> Result<DecryptedJwe, JoseError> {
    let backend = RustCryptoBackend::new(rng);
    now(decrypt_compact_with(&backend, jwe, key, allowed_alg, allowed_enc))
}

/// [`encrypt_compact`] through a backend.
pub async fn encrypt_compact_with<B: EncryptionBackend + ?Sized>(
    backend: &B,
    protected_header: &str,
    plaintext: &[u8],
    key: &Jwk,
) -> Result<String, JoseError> {
    let mut header = json::parse_object(protected_header, "JWE protected header")?;
    let alg = KeyManagement::from_name(header::member_str(&header, "alg")?)?;
    let enc = ContentEncryption::from_name(header::member_str(&header, "enc")?)?;
    // Never produce what we would refuse to decrypt.
    header::check_members(&header)?;
    check_key(key, alg, enc, JweOperation::Encrypt)?;

    let (cek, encrypted_key, header_text) = match alg {
        KeyManagement::Dir => match &key.material {
            KeyMaterial::Oct { k } => (k.clone(), Vec::new(), protected_header.to_string()),
            _ => return Err(header::unfit(alg, key)),
        },
        KeyManagement::RsaOaep | KeyManagement::RsaOaep256 => {
            let cek = backend.random_bytes(enc.cek_bytes())?;
            let wrapped = backend.rsa_oaep_encrypt(alg, key, cek.expose()).await?;
            (cek, wrapped, protected_header.to_string())
        }
        KeyManagement::A128Kw | KeyManagement::A256Kw => {
            let KeyMaterial::Oct { k } = &key.material else {
                return Err(header::unfit(alg, key));
            };
            let cek = backend.random_bytes(enc.cek_bytes())?;
            let wrapped = backend.aes_kw_wrap(k.expose(), cek.expose()).await?;
            (cek, wrapped, protected_header.to_string())
        }
        KeyManagement::EcdhEs | KeyManagement::EcdhEsA128Kw | KeyManagement::EcdhEsA256Kw => {
            let Some(spec) = alg::ephemeral_spec(key) else {
                return Err(header::unfit(alg, key));
            };
            let ephemeral = backend.generate(spec).await?;
            let z = backend.ecdh(&ephemeral, key).await?;
            let epk = ephemeral.to_public()?;
            let epk = Jwk::new(epk.material);
            header.insert("epk".into(), serde_json::to_value(&epk).map_err(json_error)?);
            let derived = derive(alg, enc, &z, &header)?;
            let (cek, wrapped) = if alg == KeyManagement::EcdhEs {
                (derived, Vec::new())
            } else {
                let cek = backend.random_bytes(enc.cek_bytes())?;
                let wrapped = backend.aes_kw_wrap(derived.expose(), cek.expose()).await?;
                (cek, wrapped)
            };
            let text = serde_json::to_string(&Value::Object(header)).map_err(json_error)?;
            (cek, wrapped, text)
        }
    };
    let iv = backend.random_bytes(enc.iv_bytes())?;
    let encoded_header = base64url::encode(header_text.as_bytes());
    // RFC 7516 §5.1 step 14: the AAD is ASCII(Encoded Protected Header).
    let (ciphertext, tag) = backend
        .encrypt_content(enc, cek.expose(), iv.expose(), encoded_header.as_bytes(), plaintext)
        .await?;
    Ok(format!(
        "{encoded_header}.{}.{}.{}.{}",
        base64url::encode(&encrypted_key),
        base64url::encode(iv.expose()),
        base64url::encode(&ciphertext),
        base64url::encode(&tag)
    ))
}

/// [`decrypt_compact`] through a backend. The order of checks (RFC 7516 §5.2): five parts;
/// the header base64url, UTF-8, a JSON object without duplicate names; `alg` (`RSA1_5`
/// refused), `enc`, both allowed; `kid`/`typ`/`cty` strings; `crit`; `zip`; the key fits;
/// the other parts base64url; the CEK (ECDH-ES: `epk` checked first); the content.
pub async fn decrypt_compact_with<B: EncryptionBackend + ?Sized>(
    backend: &B,
    jwe: &str,
    key: &Jwk,
    allowed_alg: &[KeyManagement],
    allowed_enc: &[ContentEncryption],
) -> Result<DecryptedJwe, JoseError> {
    let parts = Parts::split(jwe)?;
    let header = parts.header()?;
    let alg = KeyManagement::from_name(header::member_str(&header, "alg")?)?;
    let enc = ContentEncryption::from_name(header::member_str(&header, "enc")?)?;
    if !allowed_alg.contains(&alg) {
        return Err(JoseError::AlgorithmNotAllowed {
            found: alg.name().into(),
            allowed: allowed_alg.iter().map(|a| a.name()).collect(),
        });
    }
    if !allowed_enc.contains(&enc) {
        return Err(JoseError::AlgorithmNotAllowed {
            found: enc.name().into(),
            allowed: allowed_enc.iter().map(|e| e.name()).collect(),
        });
    }
    header::check_members(&header)?;
    check_key(key, alg, enc, JweOperation::Decrypt)?;
    let encrypted_key = base64url::decode(parts.encrypted_key, "JWE encrypted key")?;
    let iv = base64url::decode(parts.iv, "JWE initialization vector")?;
    let ciphertext = base64url::decode(parts.ciphertext, "JWE ciphertext")?;
    let tag = base64url::decode(parts.tag, "JWE authentication tag")?;
    // RFC 7516 §5.2 step 10: with direct encryption or direct key agreement the encrypted key
    // must be empty. A public fact of the message, so a distinct error reveals nothing.
    if !alg.has_encrypted_key() && !encrypted_key.is_empty() {
        return Err(JoseError::MalformedJwe(format!(
            "with alg \"{alg}\" the JWE Encrypted Key must be empty (RFC 7516 §5.2 step 10), found {} bytes",
            encrypted_key.len()
        )));
    }

    let cek = match alg {
        KeyManagement::Dir => match &key.material {
            KeyMaterial::Oct { k } => Ok(k.clone()),
            _ => return Err(header::unfit(alg, key)),
        },
        KeyManagement::RsaOaep | KeyManagement::RsaOaep256 => backend.rsa_oaep_decrypt(alg, key, &encrypted_key).await,
        KeyManagement::A128Kw | KeyManagement::A256Kw => match &key.material {
            KeyMaterial::Oct { k } => backend.aes_kw_unwrap(k.expose(), &encrypted_key).await,
            _ => return Err(header::unfit(alg, key)),
        },
        KeyManagement::EcdhEs | KeyManagement::EcdhEsA128Kw | KeyManagement::EcdhEsA256Kw => {
            let epk = header::epk(&header, key)?;
            let z = backend.ecdh(key, &epk).await?;
            let derived = derive(alg, enc, &z, &header)?;
            if alg == KeyManagement::EcdhEs {
                Ok(derived)
            } else {
                backend.aes_kw_unwrap(derived.expose(), &encrypted_key).await
            }
        }
    };
    // RFC 7516 §11.5: "the recipient MUST NOT distinguish between format, padding, and length
    // errors of encrypted keys … substitute a randomly generated CEK and proceed to the next
    // step", so a bad encrypted key fails only at the tag, like every other change.
    let cek = match cek {
        Ok(cek) if cek.len() == enc.cek_bytes() => cek,
        Ok(_) | Err(JoseError::DecryptionFailed) => backend.random_bytes(enc.cek_bytes())?,
        Err(other) => return Err(other),
    };
    // RFC 7516 §5.2 step 15: the AAD is ASCII(Encoded Protected Header), as received.
    let plaintext = backend
        .decrypt_content(enc, cek.expose(), &iv, parts.header.as_bytes(), &ciphertext, &tag)
        .await?;
    Ok(DecryptedJwe {
        alg,
        enc,
        header: Value::Object(header),
        plaintext,
    })
}

/// A compact JWE's protected header WITHOUT decrypting anything: for showing what a token
/// is (its `alg`, `enc`, `kid`, `cty`) and choosing a key, never for trusting it.
pub fn decode_header(jwe: &str) -> Result<Map<String, Value>, JoseError> {
    Parts::split(jwe)?.header()
}

/// The symmetric encryption key a confidential client and its server share without exchanging
/// one, OpenID Connect Core 1.0 §10.2: "derived from the client_secret value by using a left
/// truncated SHA-2 hash of the octets of the UTF-8 representation of the client_secret" —
/// SHA-256 for keys up to 256 bits, SHA-384 up to 384, SHA-512 up to 512, keeping the leftmost
/// bytes. The length is the AES-KW key's (A128KW 16, A256KW 32) or, for `dir`, the CEK's
/// (RFC 7518 §4.5). Only for `A128KW`, `A256KW` and `dir`: the other algorithms use the
/// recipient's public key. §10.2 also says public clients MUST NOT use symmetric encryption;
/// that is for the caller to refuse, since only it knows the client.
pub fn key_from_client_secret(
    client_secret: &str,
    alg: KeyManagement,
    enc: ContentEncryption,
) -> Result<Jwk, JoseError> {
    use sha2::Digest;
    let len = match alg {
        KeyManagement::A128Kw | KeyManagement::A256Kw => alg.aes_kw_bytes().unwrap_or(32),
        KeyManagement::Dir => enc.cek_bytes(),
        _ => {
            return Err(JoseError::KeyMismatch {
                alg: alg.name(),
                expected: "a public key of the recipient (only A128KW, A256KW and dir use a key derived from the client secret, OIDC Core §10.2)",
                found: "a client secret".into(),
            })
        }
    };
    let secret = client_secret.as_bytes();
    let mut digest = match len {
        0..=32 => sha2::Sha256::digest(secret).to_vec(),
        33..=48 => sha2::Sha384::digest(secret).to_vec(),
        _ => sha2::Sha512::digest(secret).to_vec(),
    };
    digest.truncate(len);
    Ok(Jwk::new(KeyMaterial::Oct {
        k: SecretBytes::new(digest),
    }))
}

/// The key for ECDH-ES (direct) or the AES-KW key for ECDH-ES+A*KW, RFC 7518 §4.6.2:
/// AlgorithmID is `enc` for direct key agreement, `alg` otherwise; the key length is the
/// CEK's or the wrapping key's; `apu`/`apv` are base64url in the header.
fn derive(
    alg: KeyManagement,
    enc: ContentEncryption,
    z: &SecretBytes,
    header: &Map<String, Value>,
) -> Result<SecretBytes, JoseError> {
    let (algorithm_id, key_bytes) = match alg.aes_kw_bytes() {
        Some(bytes) => (alg.name(), bytes),
        None => (enc.name(), enc.cek_bytes()),
    };
    let apu = header::party_info(header, "apu")?;
    let apv = header::party_info(header, "apv")?;
    Ok(rustcrypto::jwe::concat_kdf(
        z.expose(),
        algorithm_id,
        &apu,
        &apv,
        key_bytes,
    ))
}

/// The authentication tag of AES-CBC + HMAC-SHA-2 (RFC 7518 §5.2.2.1 steps 4–6) over `aad`,
/// `iv` and `ciphertext`, for a backend that runs the AES-CBC half itself (WebCrypto has no
/// composite operation). `mac_key` is the first half of the CEK. `None` for AES-GCM.
pub fn cbc_hmac_tag(
    enc: ContentEncryption,
    mac_key: &[u8],
    aad: &[u8],
    iv: &[u8],
    ciphertext: &[u8],
) -> Option<Vec<u8>> {
    rustcrypto::jwe::cbc_hmac_tag_for(enc, mac_key, aad, iv, ciphertext)
}

/// Refuses an all-zero X25519 shared secret (RFC 7748 §6.1), in constant time; for a backend
/// whose X25519 does not refuse it itself.
pub fn check_x25519_shared_secret(z: &[u8]) -> Result<(), JoseError> {
    rustcrypto::x25519::check_not_all_zero(z)
}

fn json_error(e: serde_json::Error) -> JoseError {
    JoseError::Json {
        what: "JWE protected header",
        problem: e.to_string(),
    }
}

/// The five parts of a compact JWE (RFC 7516 §7.1), still encoded.
struct Parts<'a> {
    header: &'a str,
    encrypted_key: &'a str,
    iv: &'a str,
    ciphertext: &'a str,
    tag: &'a str,
}

impl<'a> Parts<'a> {
    fn split(jwe: &'a str) -> Result<Self, JoseError> {
        let parts: Vec<&str> = jwe.split('.').collect();
        match parts[..] {
            [header, encrypted_key, iv, ciphertext, tag] => Ok(Parts {
                header,
                encrypted_key,
                iv,
                ciphertext,
                tag,
            }),
            _ => Err(JoseError::MalformedJwe(match parts.len() {
                1 if jwe.trim().is_empty() => "the token is empty".into(),
                3 => "found 3 parts: that is the shape of a JWS (RFC 7515), not a JWE".into(),
                n => format!("expected 5 parts (header.encrypted_key.iv.ciphertext.tag) separated by '.', found {n}"),
            })),
        }
    }

    fn header(&self) -> Result<Map<String, Value>, JoseError> {
        let bytes = base64url::decode(self.header, "JWE protected header")?;
        json::parse_object_bytes(&bytes, "JWE protected header")
    }
}
