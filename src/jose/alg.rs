//! JWS algorithms (RFC 7518 §3, RFC 8037 §3.1) and the key each one needs.

use super::JoseError;

/// A JWS `alg` value this implementation signs and verifies. `none` is deliberately absent:
/// unsecured JWS goes through [`crate::jose::jws::unsecured`] only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Algorithm {
    HS256,
    HS384,
    HS512,
    RS256,
    RS384,
    RS512,
    PS256,
    PS384,
    PS512,
    ES256,
    ES384,
    ES512,
    EdDSA,
}

/// Whether an HMAC key shorter than RFC 7518 §3.2 requires may still be used. The UI asks
/// the user instead of signing silently, so the default refuses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ShortHmacKeys {
    #[default]
    Refuse,
    Allow,
}

/// The SHA-2 function an algorithm hashes with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sha {
    Sha256,
    Sha384,
    Sha512,
}

impl Sha {
    pub fn output_bytes(self) -> usize {
        match self {
            Sha::Sha256 => 32,
            Sha::Sha384 => 48,
            Sha::Sha512 => 64,
        }
    }
}

/// What kind of key an algorithm needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyFamily {
    /// `kty: oct`, a shared secret.
    Hmac,
    /// `kty: RSA`, PKCS#1 v1.5 padding (RS*).
    RsaPkcs1,
    /// `kty: RSA`, PSS padding with MGF1 and a salt as long as the hash (PS*).
    RsaPss,
    /// `kty: EC` on P-256 (ES256).
    EcP256,
    /// `kty: EC` on P-384 (ES384).
    EcP384,
    /// `kty: EC` on P-521 (ES512).
    EcP521,
    /// `kty: OKP` on Ed25519 (EdDSA).
    Ed25519,
}

impl Algorithm {
    pub const ALL: [Algorithm; 13] = [
        Algorithm::HS256,
        Algorithm::HS384,
        Algorithm::HS512,
        Algorithm::RS256,
        Algorithm::RS384,
        Algorithm::RS512,
        Algorithm::PS256,
        Algorithm::PS384,
        Algorithm::PS512,
        Algorithm::ES256,
        Algorithm::ES384,
        Algorithm::ES512,
        Algorithm::EdDSA,
    ];

    /// The registered `alg` name (RFC 7518 §3.1, RFC 8037 §3.1).
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::HS256 => "HS256",
            Algorithm::HS384 => "HS384",
            Algorithm::HS512 => "HS512",
            Algorithm::RS256 => "RS256",
            Algorithm::RS384 => "RS384",
            Algorithm::RS512 => "RS512",
            Algorithm::PS256 => "PS256",
            Algorithm::PS384 => "PS384",
            Algorithm::PS512 => "PS512",
            Algorithm::ES256 => "ES256",
            Algorithm::ES384 => "ES384",
            Algorithm::ES512 => "ES512",
            Algorithm::EdDSA => "EdDSA",
        }
    }

    /// Parses an `alg` name. `none` is refused with [`JoseError::UnsecuredNotAllowed`].
    pub fn from_name(name: &str) -> Result<Self, JoseError> {
        if name == "none" {
            return Err(JoseError::UnsecuredNotAllowed);
        }
        Self::ALL
            .into_iter()
            .find(|a| a.name() == name)
            .ok_or_else(|| JoseError::UnsupportedAlgorithm(name.to_string()))
    }

    pub fn family(self) -> KeyFamily {
        match self {
            Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => KeyFamily::Hmac,
            Algorithm::RS256 | Algorithm::RS384 | Algorithm::RS512 => KeyFamily::RsaPkcs1,
            Algorithm::PS256 | Algorithm::PS384 | Algorithm::PS512 => KeyFamily::RsaPss,
            Algorithm::ES256 => KeyFamily::EcP256,
            Algorithm::ES384 => KeyFamily::EcP384,
            Algorithm::ES512 => KeyFamily::EcP521,
            Algorithm::EdDSA => KeyFamily::Ed25519,
        }
    }

    /// The hash of the algorithm. EdDSA hashes internally (SHA-512 inside Ed25519).
    pub fn sha(self) -> Sha {
        match self {
            Algorithm::HS256 | Algorithm::RS256 | Algorithm::PS256 | Algorithm::ES256 => Sha::Sha256,
            Algorithm::HS384 | Algorithm::RS384 | Algorithm::PS384 | Algorithm::ES384 => Sha::Sha384,
            Algorithm::HS512 | Algorithm::RS512 | Algorithm::PS512 | Algorithm::ES512 | Algorithm::EdDSA => Sha::Sha512,
        }
    }

    /// The `kty` the key must have.
    pub fn kty(self) -> &'static str {
        match self.family() {
            KeyFamily::Hmac => "oct",
            KeyFamily::RsaPkcs1 | KeyFamily::RsaPss => "RSA",
            KeyFamily::EcP256 | KeyFamily::EcP384 | KeyFamily::EcP521 => "EC",
            KeyFamily::Ed25519 => "OKP",
        }
    }

    /// The `crv` the key must have, for EC and OKP algorithms.
    pub fn crv(self) -> Option<&'static str> {
        match self.family() {
            KeyFamily::EcP256 => Some("P-256"),
            KeyFamily::EcP384 => Some("P-384"),
            KeyFamily::EcP521 => Some("P-521"),
            KeyFamily::Ed25519 => Some("Ed25519"),
            _ => None,
        }
    }

    /// The key this algorithm needs, in words, for error messages.
    pub fn key_description(self) -> &'static str {
        match self.family() {
            KeyFamily::Hmac => "an oct (symmetric) key",
            KeyFamily::RsaPkcs1 | KeyFamily::RsaPss => "an RSA key",
            KeyFamily::EcP256 => "an EC key on P-256",
            KeyFamily::EcP384 => "an EC key on P-384",
            KeyFamily::EcP521 => "an EC key on P-521",
            KeyFamily::Ed25519 => "an OKP key on Ed25519",
        }
    }

    /// RFC 7518 §3.2: "A key of the same size as the hash output … or larger MUST be used".
    /// `None` for algorithms that are not HMAC.
    pub fn min_hmac_key_bytes(self) -> Option<usize> {
        (self.family() == KeyFamily::Hmac).then(|| self.sha().output_bytes())
    }

    /// The exact signature length, where the algorithm fixes it (HMAC, ECDSA r||s, Ed25519).
    pub fn fixed_signature_len(self) -> Option<usize> {
        match self.family() {
            KeyFamily::Hmac => Some(self.sha().output_bytes()),
            KeyFamily::EcP256 => Some(64),
            KeyFamily::EcP384 => Some(96),
            // RFC 7518 §3.4: "ES512 … 66-octet sequence" for each of R and S.
            KeyFamily::EcP521 => Some(132),
            KeyFamily::Ed25519 => Some(64),
            KeyFamily::RsaPkcs1 | KeyFamily::RsaPss => None,
        }
    }
}

impl std::fmt::Display for Algorithm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Algorithm {
    type Err = JoseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_name(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_round_trips() {
        for alg in Algorithm::ALL {
            assert_eq!(Algorithm::from_name(alg.name()), Ok(alg));
        }
    }

    #[test]
    fn none_is_not_an_algorithm_of_the_secured_api() {
        assert_eq!(Algorithm::from_name("none"), Err(JoseError::UnsecuredNotAllowed));
    }

    #[test]
    fn names_are_case_sensitive() {
        assert_eq!(
            Algorithm::from_name("hs256"),
            Err(JoseError::UnsupportedAlgorithm("hs256".into()))
        );
    }
}
