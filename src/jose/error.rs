use std::fmt;

/// Everything that can go wrong in the JOSE layer. Each variant reads like the failure and
/// carries what was expected and what arrived, so the UI can show it as it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JoseError {
    // --- encodings -------------------------------------------------------------------------
    /// Bad base64url in `what`, at character `position`.
    Base64 {
        what: &'static str,
        position: usize,
        problem: String,
    },
    /// `what` is not the JSON it must be (`problem` says how: not JSON, not an object, …).
    Json { what: &'static str, problem: String },
    /// A JSON object names the same member twice (RFC 7515 §4, RFC 7519 §4: reject, do not guess).
    DuplicateMember { what: &'static str, name: String },
    /// A PEM text is not well formed (armor lines, base64 body).
    Pem { problem: String },
    /// A PEM block's label is not one we import.
    PemLabel { found: String, accepted: &'static str },
    /// DER inside a PEM block (or a key structure) does not parse.
    Der { what: &'static str, problem: String },

    // --- keys ------------------------------------------------------------------------------
    /// A JWK member is missing or has the wrong shape.
    JwkMember { member: &'static str, problem: String },
    /// A key type this implementation does not handle (`kty`, or an algorithm OID in PEM).
    UnsupportedKeyType { found: String, supported: &'static str },
    /// A curve this implementation does not handle.
    UnsupportedCurve {
        kty: &'static str,
        found: String,
        supported: &'static str,
    },
    /// The private part of a key does not belong to its public part.
    KeyPairMismatch { kty: &'static str, problem: String },
    /// RFC 7518 §3.3/§3.5: RSA keys of 2048 bits or more MUST be used.
    RsaModulusTooShort { bits: usize, min_bits: usize },
    /// The operation needs the private key, but only the public part is there.
    PrivateKeyRequired { operation: &'static str, kty: &'static str },
    /// A symmetric (`oct`) key asked for something only asymmetric keys have.
    SymmetricKey { operation: &'static str },
    /// A key generation request that cannot be honoured (unsupported size, …).
    KeyGeneration { problem: String },

    // --- algorithms and JWS ------------------------------------------------------------------
    /// The algorithm is not one this implementation knows.
    UnsupportedAlgorithm(String),
    /// `alg: none` reached a secured API; unsecured JWS only goes through `jws::unsecured`.
    UnsecuredNotAllowed,
    /// The key cannot be used with this algorithm (wrong `kty`, wrong curve, …).
    KeyMismatch {
        alg: &'static str,
        expected: &'static str,
        found: String,
    },
    /// An HMAC key shorter than the hash output (RFC 7518 §3.2), refused unless allowed.
    WeakHmacKey {
        alg: &'static str,
        min_bytes: usize,
        found_bytes: usize,
    },
    /// The algorithm needs randomness (RSASSA-PSS salt, ES512 nonce) and the caller gave no RNG.
    RandomnessRequired { alg: &'static str },
    /// A compact JWS is not three base64url parts separated by dots.
    Malformed(String),
    /// RFC 7515 §4.1.11: a `crit` header that is malformed or lists a standard header.
    InvalidCritical { problem: String },
    /// RFC 7515 §4.1.11: `crit` lists extensions this implementation does not understand.
    UnsupportedCritical { names: Vec<String> },
    /// The header's `alg` is not in the caller's allowed set.
    AlgorithmNotAllowed { found: String, allowed: Vec<&'static str> },
    /// The signature does not verify with the key.
    InvalidSignature,

    // --- JWE -------------------------------------------------------------------------------
    /// RFC 8725 §3.2: `RSA1_5` key encryption is refused (Bleichenbacher's padding oracle).
    Rsa1_5Refused,
    /// A JWE `alg` or `enc` (`member`) this implementation does not handle.
    UnsupportedJweAlgorithm { member: &'static str, found: String },
    /// A compact JWE is not five base64url parts, or a member has the wrong shape.
    MalformedJwe(String),
    /// The `epk` of an ECDH-ES JWE is refused: not an EC public key, not on the recipient's
    /// curve, or not a point on its curve (RFC 8725 §3.4, the invalid-curve attack).
    EpkRefused { problem: String },
    /// RFC 7516 §4.1.3: `zip` compression is not implemented, so the JWE is refused rather
    /// than its compressed bytes returned as if they were the plaintext.
    ZipUnsupported { found: String },
    /// The JWE does not decrypt with this key. Deliberately one variant with one message for
    /// every cause after the header checks (wrong key, unwrap failure, tag, AAD, IV, padding):
    /// an error that said which would be the padding/format oracle RFC 7516 §11.4–§11.5 warn of.
    DecryptionFailed,

    // --- JWKS key selection ----------------------------------------------------------------
    /// No key in the set fits the query; `available` lists every key of the set.
    NoMatchingKey { wanted: String, available: Vec<KeySummary> },
    /// Several keys fit the query, so which one signed is ambiguous.
    AmbiguousKey {
        wanted: String,
        candidates: Vec<KeySummary>,
    },

    // --- JWT claims ------------------------------------------------------------------------
    /// A claim the validation requires is absent.
    ClaimMissing { claim: String },
    /// A claim has the wrong JSON type.
    ClaimType {
        claim: String,
        expected: &'static str,
        found: String,
    },
    /// RFC 7519 §4.1.4: `exp` has passed (even with the leeway).
    Expired { exp: i64, now: i64, leeway: i64 },
    /// RFC 7519 §4.1.5: `nbf` is still in the future (even with the leeway).
    NotYetValid { nbf: i64, now: i64, leeway: i64 },
    /// `iat` lies in the future (beyond the leeway).
    IssuedInFuture { iat: i64, now: i64, leeway: i64 },
    /// RFC 7519 §4.1.1: `iss` is not the expected issuer.
    IssuerMismatch { expected: Vec<String>, found: String },
    /// RFC 7519 §4.1.3: `aud` does not name any expected audience.
    AudienceMismatch { expected: Vec<String>, found: Vec<String> },

    // --- backends --------------------------------------------------------------------------
    /// A crypto backend (e.g. WebCrypto) failed in a way of its own.
    Backend { backend: &'static str, problem: String },
}

/// How a key of a JWKS is named in selection errors: its `kid`, `kty`, `alg`, `use`, `crv`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeySummary {
    pub kid: Option<String>,
    pub kty: &'static str,
    pub alg: Option<String>,
    pub key_use: Option<String>,
    pub crv: Option<&'static str>,
}

impl fmt::Display for KeySummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let or_dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
        write!(
            f,
            "kid={} kty={}{} alg={} use={}",
            self.kid
                .as_deref()
                .map_or_else(|| "-".to_string(), |k| format!("\"{k}\"")),
            self.kty,
            self.crv.map(|c| format!(" crv={c}")).unwrap_or_default(),
            or_dash(&self.alg),
            or_dash(&self.key_use),
        )
    }
}

fn list(keys: &[KeySummary]) -> String {
    if keys.is_empty() {
        return "the key set is empty".into();
    }
    keys.iter().map(|k| format!("[{k}]")).collect::<Vec<_>>().join(", ")
}

fn quoted(values: &[String]) -> String {
    values.iter().map(|v| format!("\"{v}\"")).collect::<Vec<_>>().join(", ")
}

impl fmt::Display for JoseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JoseError::Base64 {
                what,
                position,
                problem,
            } => {
                write!(f, "{what}: bad base64url at position {position}: {problem}")
            }
            JoseError::Json { what, problem } => write!(f, "{what}: {problem}"),
            JoseError::DuplicateMember { what, name } => {
                write!(f, "{what} names \"{name}\" twice; duplicate member names are refused")
            }
            JoseError::Pem { problem } => write!(f, "not a usable PEM text: {problem}"),
            JoseError::PemLabel { found, accepted } => {
                write!(
                    f,
                    "PEM label \"{found}\" is not a key this playground imports (accepted: {accepted})"
                )
            }
            JoseError::Der { what, problem } => write!(f, "{what} does not parse: {problem}"),
            JoseError::JwkMember { member, problem } => write!(f, "JWK member \"{member}\": {problem}"),
            JoseError::UnsupportedKeyType { found, supported } => {
                write!(f, "key type {found} is not supported (supported: {supported})")
            }
            JoseError::UnsupportedCurve { kty, found, supported } => {
                write!(f, "{kty} curve \"{found}\" is not supported (supported: {supported})")
            }
            JoseError::KeyPairMismatch { kty, problem } => {
                write!(f, "the private {kty} key does not belong to its public key: {problem}")
            }
            JoseError::RsaModulusTooShort { bits, min_bits } => write!(
                f,
                "the RSA modulus is {bits} bits; RFC 7518 §3.3 requires at least {min_bits} for RS*/PS*"
            ),
            JoseError::PrivateKeyRequired { operation, kty } => {
                write!(
                    f,
                    "{operation} needs a private key, but this {kty} key has only its public part"
                )
            }
            JoseError::SymmetricKey { operation } => {
                write!(f, "an oct (symmetric) key has no {operation}; it is a shared secret")
            }
            JoseError::KeyGeneration { problem } => write!(f, "cannot generate the key: {problem}"),
            JoseError::UnsupportedAlgorithm(alg) => write!(
                f,
                "unsupported algorithm \"{alg}\" (supported: HS256/384/512, RS256/384/512, PS256/384/512, \
                 ES256, ES384, ES512, EdDSA)"
            ),
            JoseError::UnsecuredNotAllowed => f.write_str(
                "alg \"none\" (an unsecured JWS) is refused here; only the explicitly unsecured API accepts it",
            ),
            JoseError::KeyMismatch { alg, expected, found } => {
                write!(f, "{alg} needs {expected}, but the key is {found}")
            }
            JoseError::WeakHmacKey {
                alg,
                min_bytes,
                found_bytes,
            } => write!(
                f,
                "{alg} key is {found_bytes} bytes; RFC 7518 §3.2 requires at least {min_bytes} (the hash output size)"
            ),
            JoseError::RandomnessRequired { alg } => {
                let what = if alg.starts_with("PS") {
                    "the PSS salt"
                } else {
                    "the ECDSA nonce"
                };
                write!(f, "{alg} signatures need randomness ({what}); sign with an RNG")
            }
            JoseError::Malformed(why) => write!(f, "malformed JWS: {why}"),
            JoseError::InvalidCritical { problem } => {
                write!(f, "invalid \"crit\" header (RFC 7515 §4.1.11): {problem}")
            }
            JoseError::UnsupportedCritical { names } => write!(
                f,
                "\"crit\" requires understanding {}, which this implementation does not; RFC 7515 §4.1.11 \
                 (and RFC 7516 §4.1.13 for JWE) says to reject it",
                quoted(names)
            ),
            JoseError::AlgorithmNotAllowed { found, allowed } => {
                write!(
                    f,
                    "algorithm \"{found}\" is not allowed here (allowed: {})",
                    allowed.join(", ")
                )
            }
            JoseError::InvalidSignature => f.write_str("the signature does not verify with this key"),
            JoseError::Rsa1_5Refused => f.write_str(
                "JWE alg \"RSA1_5\" is refused: RFC 8725 §3.2 advises against RSAES-PKCS1-v1_5 (Bleichenbacher's \
                 padding oracle); use RSA-OAEP or RSA-OAEP-256",
            ),
            JoseError::UnsupportedJweAlgorithm { member, found } => write!(
                f,
                "unsupported JWE {member} \"{found}\" (supported alg: RSA-OAEP, RSA-OAEP-256, A128KW, A256KW, dir, \
                 ECDH-ES, ECDH-ES+A128KW, ECDH-ES+A256KW; enc: A128CBC-HS256, A256CBC-HS512, A128GCM, A256GCM)"
            ),
            JoseError::MalformedJwe(why) => write!(f, "malformed JWE: {why}"),
            JoseError::EpkRefused { problem } => write!(
                f,
                "the JWE's ephemeral public key \"epk\" is refused: {problem} (RFC 8725 §3.4)"
            ),
            JoseError::ZipUnsupported { found } => write!(
                f,
                "the JWE is compressed (\"zip\": \"{found}\"), which this implementation does not support \
                 (RFC 7516 §4.1.3)"
            ),
            JoseError::DecryptionFailed => f.write_str(
                "the JWE does not decrypt with this key (wrong key, or the encrypted key, IV, ciphertext, tag or \
                 protected header was changed)",
            ),
            JoseError::NoMatchingKey { wanted, available } => {
                write!(f, "no key in the set matches {wanted}; available: {}", list(available))
            }
            JoseError::AmbiguousKey { wanted, candidates } => write!(
                f,
                "{} keys match {wanted}, so the signing key is ambiguous: {}",
                candidates.len(),
                list(candidates)
            ),
            JoseError::ClaimMissing { claim } => write!(f, "claim \"{claim}\" is required but missing"),
            JoseError::ClaimType { claim, expected, found } => {
                write!(f, "claim \"{claim}\" must be {expected}, found {found}")
            }
            JoseError::Expired { exp, now, leeway } => write!(
                f,
                "the token expired: exp {exp} is {}s before now {now} (leeway {leeway}s)",
                now.saturating_sub(*exp)
            ),
            JoseError::NotYetValid { nbf, now, leeway } => write!(
                f,
                "the token is not valid yet: nbf {nbf} is {}s after now {now} (leeway {leeway}s)",
                nbf.saturating_sub(*now)
            ),
            JoseError::IssuedInFuture { iat, now, leeway } => write!(
                f,
                "the token was issued in the future: iat {iat} is {}s after now {now} (leeway {leeway}s)",
                iat.saturating_sub(*now)
            ),
            JoseError::IssuerMismatch { expected, found } => {
                write!(f, "issuer \"{found}\" is not the expected {}", quoted(expected))
            }
            JoseError::AudienceMismatch { expected, found } => write!(
                f,
                "audience [{}] does not contain the expected {}",
                quoted(found),
                quoted(expected)
            ),
            JoseError::Backend { backend, problem } => write!(f, "{backend} failed: {problem}"),
        }
    }
}

impl std::error::Error for JoseError {}
