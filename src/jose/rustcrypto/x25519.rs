//! X25519 keys (RFC 8037 §2, `kty: OKP`, `crv: X25519`) and the X25519 function of RFC 7748
//! §5, with `curve25519-dalek`'s Montgomery ladder: the key agreement of ECDH-ES with OKP
//! keys (RFC 8037 §3.2). Never a signature: an X25519 key has no signing algorithm.

use curve25519_dalek::montgomery::MontgomeryPoint;
use rand_core::CryptoRngCore;
use subtle::ConstantTimeEq;
use zeroize::Zeroize;

use crate::jose::jwk::{KeyMaterial, OkpCurve};
use crate::jose::secret::SecretBytes;
use crate::jose::JoseError;

/// RFC 8037 §2: "x" and "d" are the 32-byte encodings of RFC 7748 §5.
fn bytes32(member: &'static str, value: &[u8]) -> Result<[u8; 32], JoseError> {
    value.try_into().map_err(|_| JoseError::JwkMember {
        member,
        problem: format!("must be 32 bytes for X25519 (RFC 8037 §2), found {}", value.len()),
    })
}

/// The public key of the private scalar `d`: X25519(d, 9) (RFC 7748 §6.1).
fn public_of(d: &[u8; 32]) -> [u8; 32] {
    MontgomeryPoint::mul_base_clamped(*d).to_bytes()
}

/// Checks OKP X25519 material: lengths, and `d` matching `x`. Every 32-byte string is a
/// u-coordinate X25519 accepts (RFC 7748 §5: the top bit is masked), so there is no point
/// check; a small-order `x` shows itself as an all-zero shared secret, refused by [`agree`].
pub(crate) fn validate(x: &[u8], d: Option<&SecretBytes>) -> Result<(), JoseError> {
    bytes32("x", x)?;
    let Some(d) = d else {
        return Ok(());
    };
    let mut scalar = bytes32("d", d.expose())?;
    let derived = public_of(&scalar);
    scalar.zeroize();
    if derived.as_slice() != x {
        return Err(JoseError::KeyPairMismatch {
            kty: "OKP",
            problem: "the X25519 public key derived from d is not x".into(),
        });
    }
    Ok(())
}

pub(crate) fn generate(rng: &mut dyn CryptoRngCore) -> KeyMaterial {
    let mut d = [0u8; 32];
    rng.fill_bytes(&mut d);
    let x = public_of(&d).to_vec();
    let material = KeyMaterial::Okp {
        crv: OkpCurve::X25519,
        x,
        d: Some(SecretBytes::new(d.to_vec())),
    };
    d.zeroize();
    material
}

/// Z of RFC 8037 §3.2: X25519(d, peer_x), the 32-byte shared secret.
///
/// An all-zero result is refused. RFC 7748 §6.1 lets both parties "check, without leaking
/// extra information about the value of K, whether K is the all-zero value and abort if so";
/// it is all zero exactly when the peer's public key is a point of small order, whatever our
/// private key, so the key derived from it would be known to anyone. The comparison is
/// constant time. (WebCrypto's X25519 `deriveBits` refuses the same case with an
/// `OperationError`.)
pub(crate) fn agree(d: &[u8], peer_x: &[u8]) -> Result<SecretBytes, JoseError> {
    let mut scalar = bytes32("d", d)?;
    let peer = bytes32("x", peer_x)?;
    let z = MontgomeryPoint(peer).mul_clamped(scalar).to_bytes();
    scalar.zeroize();
    check_not_all_zero(&z)?;
    Ok(SecretBytes::new(z.to_vec()))
}

/// Refuses the all-zero shared secret, in constant time.
pub(crate) fn check_not_all_zero(z: &[u8]) -> Result<(), JoseError> {
    let zero = z.iter().fold(0u8, |acc, b| acc | b).ct_eq(&0u8);
    if bool::from(zero) {
        return Err(all_zero_shared_secret());
    }
    Ok(())
}

/// The refusal of a public key with which X25519 gives the all-zero shared secret.
pub(crate) fn all_zero_shared_secret() -> JoseError {
    JoseError::EpkRefused {
        problem: "X25519 with this public key gives the all-zero shared secret (a point of small order; \
                  RFC 7748 §6.1)"
            .into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// RFC 7748 §6.1: Alice's and Bob's key pairs and their shared secret K.
    #[test]
    fn x25519_matches_rfc7748_section_6_1() {
        let alice_d = hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        let alice_x = hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
        let bob_d = hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
        let bob_x = hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
        let k = hex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
        assert_eq!(public_of(&alice_d.clone().try_into().unwrap()).to_vec(), alice_x);
        assert_eq!(public_of(&bob_d.clone().try_into().unwrap()).to_vec(), bob_x);
        assert_eq!(agree(&alice_d, &bob_x).unwrap().expose(), k.as_slice());
        assert_eq!(agree(&bob_d, &alice_x).unwrap().expose(), k.as_slice());
        validate(&alice_x, Some(&SecretBytes::new(alice_d))).unwrap();
        assert!(matches!(
            validate(&alice_x, Some(&SecretBytes::new(bob_d))),
            Err(JoseError::KeyPairMismatch { .. })
        ));
    }

    /// Small-order points (RFC 7748 §6.1's all-zero case): u = 0 and u = 1 give K = 0.
    #[test]
    fn a_small_order_public_key_is_refused() {
        let d = hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        let mut one = [0u8; 32];
        one[0] = 1;
        for peer in [[0u8; 32], one] {
            assert!(matches!(agree(&d, &peer), Err(JoseError::EpkRefused { .. })));
        }
    }
}
