//! RFC 7638 JWK thumbprints.

use sha2::{Digest, Sha256};

use super::KeyMaterial;
use crate::jose::base64url;

/// RFC 7638 §3: hash the JSON object of the required members only, in lexicographic order,
/// with no whitespace. RFC 8037 §2 gives OKP's required members (`crv`, `kty`, `x`).
/// All values are base64url or fixed names, so no JSON escaping is needed.
pub(super) fn canonical_json(material: &KeyMaterial) -> String {
    match material {
        KeyMaterial::Oct { k } => format!(r#"{{"k":"{}","kty":"oct"}}"#, base64url::encode(k.expose())),
        KeyMaterial::Rsa { n, e, .. } => {
            format!(
                r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#,
                base64url::encode(e),
                base64url::encode(n)
            )
        }
        KeyMaterial::Ec { crv, x, y, .. } => format!(
            r#"{{"crv":"{}","kty":"EC","x":"{}","y":"{}"}}"#,
            crv.name(),
            base64url::encode(x),
            base64url::encode(y)
        ),
        KeyMaterial::Okp { crv, x, .. } => {
            format!(
                r#"{{"crv":"{}","kty":"OKP","x":"{}"}}"#,
                crv.name(),
                base64url::encode(x)
            )
        }
    }
}

pub(super) fn sha256(material: &KeyMaterial) -> String {
    base64url::encode(Sha256::digest(canonical_json(material).as_bytes()))
}
