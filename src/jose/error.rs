use std::fmt;

/// Everything that can go wrong in the JOSE layer. Each variant reads like the failure and
/// carries what was expected and what arrived, so the UI can show it as it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JoseError {
    /// Bad base64url in `what`, at character `position`.
    Base64 {
        what: &'static str,
        position: usize,
        problem: String,
    },
    /// `what` is not the JSON it must be.
    Json { what: &'static str, problem: String },
    /// A JWK member is missing or has the wrong shape.
    JwkMember { member: &'static str, problem: String },
    /// The algorithm is not one this implementation knows.
    UnsupportedAlgorithm(String),
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
    /// A compact JWS is not three base64url parts separated by dots.
    Malformed(String),
    /// The header's `alg` is not in the caller's allowed set.
    AlgorithmNotAllowed { found: String, allowed: Vec<&'static str> },
    /// The signature does not verify with the key.
    InvalidSignature,
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
            JoseError::Json { what, problem } => write!(f, "{what} is not valid JSON: {problem}"),
            JoseError::JwkMember { member, problem } => write!(f, "JWK member \"{member}\": {problem}"),
            JoseError::UnsupportedAlgorithm(alg) => write!(f, "unsupported algorithm \"{alg}\""),
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
            JoseError::Malformed(why) => write!(f, "malformed JWS: {why}"),
            JoseError::AlgorithmNotAllowed { found, allowed } => {
                write!(
                    f,
                    "algorithm \"{found}\" is not allowed here (allowed: {})",
                    allowed.join(", ")
                )
            }
            JoseError::InvalidSignature => f.write_str("the signature does not verify with this key"),
        }
    }
}

impl std::error::Error for JoseError {}
