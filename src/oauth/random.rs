//! Random protocol values (`state`, `nonce`, `jti`, PKCE verifiers) from an injected RNG.

use rand_core::CryptoRngCore;

use crate::jose::base64url;

/// `bytes` random bytes, base64url-encoded without padding (32 bytes → 43 characters, the
/// length RFC 7636 §4.1 recommends for a code verifier).
pub fn random_token(rng: &mut impl CryptoRngCore, bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rng.fill_bytes(&mut buf);
    base64url::encode(&buf)
}
