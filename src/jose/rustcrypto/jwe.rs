//! The JWE primitives in pure Rust: content encryption (AES-GCM, AES-CBC + HMAC-SHA-2), AES
//! key wrap, RSA-OAEP, and the Concat KDF of ECDH-ES.
//!
//! Every failure to decrypt or unwrap is [`JoseError::DecryptionFailed`], whatever the cause;
//! see that variant for why.

use aes::cipher::{BlockCipher, BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use aes_gcm::aead::{AeadInPlace, KeyInit, Nonce, Tag};
use aes_gcm::{Aes128Gcm, Aes256Gcm};
use cbc::cipher::block_padding::Pkcs7;
use hmac::{Hmac, Mac};
use rand_core::CryptoRngCore;
use rsa::{Oaep, RsaPublicKey};
use sha2::{Digest, Sha256, Sha512};
use subtle::ConstantTimeEq;

use crate::jose::jwe::{ContentEncryption, KeyManagement};
use crate::jose::jwk::RsaPrivate;
use crate::jose::secret::SecretBytes;
use crate::jose::JoseError;

/// Encrypts `plaintext`: returns the ciphertext and the authentication tag.
pub(crate) fn encrypt_content(
    enc: ContentEncryption,
    cek: &[u8],
    iv: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<(Vec<u8>, Vec<u8>), JoseError> {
    if cek.len() != enc.cek_bytes() || iv.len() != enc.iv_bytes() {
        return Err(JoseError::Backend {
            backend: "RustCrypto",
            problem: format!(
                "{enc} needs a {}-byte CEK and a {}-byte IV, got {} and {}",
                enc.cek_bytes(),
                enc.iv_bytes(),
                cek.len(),
                iv.len()
            ),
        });
    }
    match enc {
        ContentEncryption::A128Gcm => gcm_encrypt::<Aes128Gcm>(cek, iv, aad, plaintext),
        ContentEncryption::A256Gcm => gcm_encrypt::<Aes256Gcm>(cek, iv, aad, plaintext),
        ContentEncryption::A128CbcHs256 => cbc_hmac_encrypt::<aes::Aes128, Hmac<Sha256>>(cek, iv, aad, plaintext),
        ContentEncryption::A256CbcHs512 => cbc_hmac_encrypt::<aes::Aes256, Hmac<Sha512>>(cek, iv, aad, plaintext),
    }
}

/// Decrypts and authenticates. Any mismatch — CEK, IV or tag length, tag, AAD, padding — is
/// the one [`JoseError::DecryptionFailed`].
pub(crate) fn decrypt_content(
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
    match enc {
        ContentEncryption::A128Gcm => gcm_decrypt::<Aes128Gcm>(cek, iv, aad, ciphertext, tag),
        ContentEncryption::A256Gcm => gcm_decrypt::<Aes256Gcm>(cek, iv, aad, ciphertext, tag),
        ContentEncryption::A128CbcHs256 => cbc_hmac_decrypt::<aes::Aes128, Hmac<Sha256>>(cek, iv, aad, ciphertext, tag),
        ContentEncryption::A256CbcHs512 => cbc_hmac_decrypt::<aes::Aes256, Hmac<Sha512>>(cek, iv, aad, ciphertext, tag),
    }
}

/// RFC 7518 §5.2.2.1: the CEK is MAC_KEY || ENC_KEY, each half of it; the tag is the first
/// half of the HMAC output (T_LEN = the MAC key length).
fn cbc_hmac_encrypt<A, M>(cek: &[u8], iv: &[u8], aad: &[u8], plaintext: &[u8]) -> Result<(Vec<u8>, Vec<u8>), JoseError>
where
    A: BlockEncryptMut + BlockCipher + KeyInit,
    M: Mac + KeyInit,
{
    let (mac_key, enc_key) = cek.split_at(cek.len() / 2);
    let ciphertext = cbc::Encryptor::<A>::new_from_slices(enc_key, iv)
        .map_err(|_| JoseError::DecryptionFailed)?
        .encrypt_padded_vec_mut::<Pkcs7>(plaintext);
    let tag = cbc_hmac_tag::<M>(mac_key, aad, iv, &ciphertext, mac_key.len())?;
    Ok((ciphertext, tag))
}

/// RFC 7518 §5.2.2.2 step 2: check the tag first, and only then decrypt; the comparison is
/// constant time so that its duration says nothing about the tag.
fn cbc_hmac_decrypt<A, M>(
    cek: &[u8],
    iv: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
    tag: &[u8],
) -> Result<Vec<u8>, JoseError>
where
    A: BlockDecryptMut + BlockCipher + KeyInit,
    M: Mac + KeyInit,
{
    let (mac_key, enc_key) = cek.split_at(cek.len() / 2);
    let expected = cbc_hmac_tag::<M>(mac_key, aad, iv, ciphertext, mac_key.len())?;
    if !bool::from(expected.ct_eq(tag)) {
        return Err(JoseError::DecryptionFailed);
    }
    cbc::Decryptor::<A>::new_from_slices(enc_key, iv)
        .map_err(|_| JoseError::DecryptionFailed)?
        .decrypt_padded_vec_mut::<Pkcs7>(ciphertext)
        .map_err(|_| JoseError::DecryptionFailed)
}

fn gcm_encrypt<C: KeyInit + AeadInPlace>(
    cek: &[u8],
    iv: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<(Vec<u8>, Vec<u8>), JoseError> {
    // `Nonce::from_slice` would panic on another length; `encrypt_content` checked it already.
    if iv.len() != 12 {
        return Err(JoseError::DecryptionFailed);
    }
    let cipher = C::new_from_slice(cek).map_err(|_| JoseError::DecryptionFailed)?;
    let mut buffer = plaintext.to_vec();
    let tag = cipher
        .encrypt_in_place_detached(Nonce::<C>::from_slice(iv), aad, &mut buffer)
        .map_err(|_| JoseError::Backend {
            backend: "RustCrypto AES-GCM",
            problem: "the plaintext is too long for one GCM message".into(),
        })?;
    Ok((buffer, tag.to_vec()))
}

fn gcm_decrypt<C: KeyInit + AeadInPlace>(
    cek: &[u8],
    iv: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
    tag: &[u8],
) -> Result<Vec<u8>, JoseError> {
    // `from_slice` would panic on other lengths; `decrypt_content` checked them already.
    if iv.len() != 12 || tag.len() != 16 {
        return Err(JoseError::DecryptionFailed);
    }
    let cipher = C::new_from_slice(cek).map_err(|_| JoseError::DecryptionFailed)?;
    let mut buffer = ciphertext.to_vec();
    cipher
        .decrypt_in_place_detached(Nonce::<C>::from_slice(iv), aad, &mut buffer, Tag::<C>::from_slice(tag))
        .map_err(|_| JoseError::DecryptionFailed)?;
    Ok(buffer)
}

/// RFC 7518 §5.2.2.1 steps 4–6: M = MAC(MAC_KEY, A || IV || E || AL), where AL is the bit
/// length of A as a 64-bit big-endian integer; the tag T is the first `tag_len` bytes of M.
fn cbc_hmac_tag<M: Mac + KeyInit>(
    mac_key: &[u8],
    aad: &[u8],
    iv: &[u8],
    ciphertext: &[u8],
    tag_len: usize,
) -> Result<Vec<u8>, JoseError> {
    let mut mac = <M as Mac>::new_from_slice(mac_key).map_err(|_| JoseError::DecryptionFailed)?;
    let al = (aad.len() as u64).wrapping_mul(8).to_be_bytes();
    mac.update(aad);
    mac.update(iv);
    mac.update(ciphertext);
    mac.update(&al);
    let full = mac.finalize().into_bytes();
    Ok(full.get(..tag_len).unwrap_or_default().to_vec())
}

/// [`cbc_hmac_tag`] with the hash and tag length of `enc`; `None` for AES-GCM.
pub(crate) fn cbc_hmac_tag_for(
    enc: ContentEncryption,
    mac_key: &[u8],
    aad: &[u8],
    iv: &[u8],
    ciphertext: &[u8],
) -> Option<Vec<u8>> {
    match enc {
        ContentEncryption::A128CbcHs256 => {
            cbc_hmac_tag::<Hmac<Sha256>>(mac_key, aad, iv, ciphertext, mac_key.len()).ok()
        }
        ContentEncryption::A256CbcHs512 => {
            cbc_hmac_tag::<Hmac<Sha512>>(mac_key, aad, iv, ciphertext, mac_key.len()).ok()
        }
        ContentEncryption::A128Gcm | ContentEncryption::A256Gcm => None,
    }
}

/// AES key wrap (RFC 3394) of `cek` under `kek` (16 or 32 bytes).
pub(crate) fn aes_kw_wrap(kek: &[u8], cek: &[u8]) -> Result<Vec<u8>, JoseError> {
    let wrapped = match kek.len() {
        16 => aes_kw::KekAes128::try_from(kek).ok().map(|k| k.wrap_vec(cek)),
        32 => aes_kw::KekAes256::try_from(kek).ok().map(|k| k.wrap_vec(cek)),
        _ => None,
    };
    match wrapped {
        Some(Ok(wrapped)) => Ok(wrapped),
        _ => Err(JoseError::Backend {
            backend: "RustCrypto AES-KW",
            problem: format!(
                "cannot wrap a {}-byte key with a {}-byte key (RFC 3394 wraps multiples of 8 bytes, with a \
                 16- or 32-byte key here)",
                cek.len(),
                kek.len()
            ),
        }),
    }
}

/// AES key unwrap; an integrity-check failure is [`JoseError::DecryptionFailed`].
pub(crate) fn aes_kw_unwrap(kek: &[u8], wrapped: &[u8]) -> Result<SecretBytes, JoseError> {
    let unwrapped = match kek.len() {
        16 => aes_kw::KekAes128::try_from(kek).ok().map(|k| k.unwrap_vec(wrapped)),
        32 => aes_kw::KekAes256::try_from(kek).ok().map(|k| k.unwrap_vec(wrapped)),
        _ => None,
    };
    match unwrapped {
        Some(Ok(cek)) => Ok(SecretBytes::new(cek)),
        _ => Err(JoseError::DecryptionFailed),
    }
}

fn oaep(alg: KeyManagement) -> Oaep {
    match alg {
        // RFC 7518 §4.3: RSA-OAEP uses "the default parameters specified by RFC 3447 in
        // Section A.2.1": SHA-1 and MGF1 with SHA-1.
        KeyManagement::RsaOaep => Oaep::new::<sha1::Sha1>(),
        _ => Oaep::new::<Sha256>(),
    }
}

pub(crate) fn rsa_oaep_encrypt(
    alg: KeyManagement,
    n: &[u8],
    e: &[u8],
    cek: &[u8],
    rng: &mut dyn CryptoRngCore,
) -> Result<Vec<u8>, JoseError> {
    let public: RsaPublicKey = super::rsa::public_key(n, e)?;
    public
        .encrypt(&mut &mut *rng, oaep(alg), cek)
        .map_err(|err| JoseError::Backend {
            backend: "RustCrypto RSA-OAEP",
            problem: err.to_string(),
        })
}

pub(crate) fn rsa_oaep_decrypt(
    alg: KeyManagement,
    n: &[u8],
    e: &[u8],
    private: &RsaPrivate,
    wrapped: &[u8],
    rng: &mut dyn CryptoRngCore,
) -> Result<SecretBytes, JoseError> {
    let key = super::rsa::to_private(n, e, private)?;
    // Blinded, so that the decryption's timing does not depend on the ciphertext.
    key.decrypt_blinded(&mut &mut *rng, oaep(alg), wrapped)
        .map(SecretBytes::new)
        .map_err(|_| JoseError::DecryptionFailed)
}

/// The Concat KDF of NIST SP 800-56A §5.8.1 with SHA-256, as RFC 7518 §4.6.2 parameterises it:
/// OtherInfo = AlgorithmID || PartyUInfo || PartyVInfo || SuppPubInfo, the first three each
/// prefixed with its 32-bit big-endian length, SuppPubInfo the key length in bits (32-bit
/// big-endian), SuppPrivInfo empty.
pub(crate) fn concat_kdf(z: &[u8], algorithm_id: &str, apu: &[u8], apv: &[u8], key_bytes: usize) -> SecretBytes {
    let mut other_info = Vec::with_capacity(16 + algorithm_id.len() + apu.len() + apv.len());
    for field in [algorithm_id.as_bytes(), apu, apv] {
        other_info.extend_from_slice(&(field.len() as u32).to_be_bytes());
        other_info.extend_from_slice(field);
    }
    other_info.extend_from_slice(&((key_bytes * 8) as u32).to_be_bytes());
    let mut derived = Vec::with_capacity(key_bytes + 32);
    let mut counter: u32 = 1;
    while derived.len() < key_bytes {
        let mut hash = Sha256::new();
        hash.update(counter.to_be_bytes());
        hash.update(z);
        hash.update(&other_info);
        derived.extend_from_slice(&hash.finalize());
        counter += 1;
    }
    derived.truncate(key_bytes);
    SecretBytes::new(derived)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7518 Appendix C: the ECDH-ES key agreement computation, from Z to the derived key.
    #[test]
    fn concat_kdf_matches_rfc7518_appendix_c() {
        let z: [u8; 32] = [
            158, 86, 217, 29, 129, 113, 53, 211, 114, 131, 66, 131, 191, 132, 38, 156, 251, 49, 110, 163, 218, 128,
            106, 72, 246, 218, 167, 121, 140, 254, 144, 196,
        ];
        let key = concat_kdf(&z, "A128GCM", b"Alice", b"Bob", 16);
        assert_eq!(crate::jose::base64url::encode(key.expose()), "VqqN6vgjbSBcIijNcacQGg");
    }

    /// RFC 7518 Appendix B.1: AES_128_CBC_HMAC_SHA_256 test case.
    #[test]
    fn a128cbc_hs256_matches_rfc7518_appendix_b1() {
        let hex = |s: &str| -> Vec<u8> {
            let s: String = s.split_whitespace().collect();
            (0..s.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
                .collect()
        };
        let key =
            hex("00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f");
        let plaintext = hex(
            "41 20 63 69 70 68 65 72 20 73 79 73 74 65 6d 20 6d 75 73 74 20 6e 6f 74 20 62 65 20 72 65 71 75
             69 72 65 64 20 74 6f 20 62 65 20 73 65 63 72 65 74 2c 20 61 6e 64 20 69 74 20 6d 75 73 74 20 62
             65 20 61 62 6c 65 20 74 6f 20 66 61 6c 6c 20 69 6e 74 6f 20 74 68 65 20 68 61 6e 64 73 20 6f 66
             20 74 68 65 20 65 6e 65 6d 79 20 77 69 74 68 6f 75 74 20 69 6e 63 6f 6e 76 65 6e 69 65 6e 63 65",
        );
        let iv = hex("1a f3 8c 2d c2 b9 6f fd d8 66 94 09 23 41 bc 04");
        let aad = hex(
            "54 68 65 20 73 65 63 6f 6e 64 20 70 72 69 6e 63 69 70 6c 65 20 6f 66 20 41 75 67 75 73 74 65 20
             4b 65 72 63 6b 68 6f 66 66 73",
        );
        let (ciphertext, tag) = encrypt_content(ContentEncryption::A128CbcHs256, &key, &iv, &aad, &plaintext).unwrap();
        assert_eq!(tag, hex("65 2c 3f a3 6b 0a 7c 5b 32 19 fa b3 a3 0b c1 c4"));
        assert_eq!(ciphertext.len(), 144);
        assert_eq!(
            decrypt_content(ContentEncryption::A128CbcHs256, &key, &iv, &aad, &ciphertext, &tag).unwrap(),
            plaintext
        );
        let mut wrong_aad = aad.clone();
        wrong_aad[0] ^= 1;
        assert_eq!(
            decrypt_content(
                ContentEncryption::A128CbcHs256,
                &key,
                &iv,
                &wrong_aad,
                &ciphertext,
                &tag
            ),
            Err(JoseError::DecryptionFailed)
        );
    }
}
