//! PEM import and export of keys (RFC 7468 armor).
//!
//! Import accepts PKCS#8 (`PRIVATE KEY`), SPKI (`PUBLIC KEY`), PKCS#1 (`RSA PRIVATE KEY`,
//! `RSA PUBLIC KEY`) and SEC1 (`EC PRIVATE KEY`); export writes PKCS#8 and SPKI. The armor is
//! parsed here rather than by the `pem-rfc7468` crate so that errors can say on which line
//! and column the base64 body goes wrong, and what to do with a certificate or an encrypted
//! key instead of just "bad label".

use base64::engine::general_purpose::STANDARD;
use base64::{DecodeError, Engine};

use super::jwk::{EcCurve, KeyMaterial, OkpCurve};
use super::rustcrypto::{ec, ed25519, rsa};
use super::secret::{SecretBytes, SecretString};
use super::{JoseError, Jwk};

/// The PEM labels [`Jwk::from_pem`] imports.
pub const ACCEPTED_LABELS: &str =
    "PRIVATE KEY (PKCS#8), PUBLIC KEY (SPKI), RSA PRIVATE KEY / RSA PUBLIC KEY (PKCS#1), EC PRIVATE KEY (SEC1)";

const SUPPORTED_KEYS: &str = "RSA (rsaEncryption), EC on P-256 or P-384, Ed25519";

const OID_RSA: &str = "1.2.840.113549.1.1.1";
const OID_RSA_PSS: &str = "1.2.840.113549.1.1.10";
const OID_EC: &str = "1.2.840.10045.2.1";
const OID_ED25519: &str = "1.3.101.112";
const OID_P256: &str = "1.2.840.10045.3.1.7";
const OID_P384: &str = "1.3.132.0.34";
const OID_P521: &str = "1.3.132.0.35";

/// One `-----BEGIN label-----` … `-----END label-----` block, decoded.
struct Block {
    label: String,
    der: SecretBytes,
}

impl Jwk {
    /// Imports a key from PEM text. The key gets its RFC 7638 thumbprint as `kid`.
    /// OpenSSL's `EC PARAMETERS` block before an `EC PRIVATE KEY` is skipped.
    pub fn from_pem(text: &str) -> Result<Jwk, JoseError> {
        let block = first_key_block(text)?;
        let der = block.der.expose();
        let material = match block.label.as_str() {
            "PRIVATE KEY" => from_pkcs8(der)?,
            "PUBLIC KEY" => from_spki(der)?,
            "RSA PRIVATE KEY" => rsa::from_pkcs1_der(der)?,
            "RSA PUBLIC KEY" => rsa::from_pkcs1_public_der(der)?,
            "EC PRIVATE KEY" => from_sec1(der, None)?,
            "ENCRYPTED PRIVATE KEY" => {
                return Err(JoseError::Pem {
                    problem: "this is an encrypted PKCS#8 key (ENCRYPTED PRIVATE KEY); decrypt it first, e.g. \
                              `openssl pkey -in encrypted.pem -out key.pem`"
                        .into(),
                })
            }
            "CERTIFICATE" => {
                return Err(JoseError::Pem {
                    problem: "this is a certificate, not a key; take its public key with \
                              `openssl x509 -in cert.pem -pubkey -noout`"
                        .into(),
                })
            }
            "OPENSSH PRIVATE KEY" => {
                return Err(JoseError::Pem {
                    problem: "this is OpenSSH's own key format; convert it with `ssh-keygen -p -m PKCS8 -f key`".into(),
                })
            }
            other => {
                return Err(JoseError::PemLabel {
                    found: other.to_string(),
                    accepted: ACCEPTED_LABELS,
                })
            }
        };
        Ok(Jwk::new(material).with_thumbprint_kid())
    }

    /// The private key as PKCS#8 PEM (`PRIVATE KEY`).
    pub fn to_pkcs8_pem(&self) -> Result<SecretString, JoseError> {
        let der = match &self.material {
            KeyMaterial::Oct { .. } => return Err(JoseError::SymmetricKey { operation: "PEM form" }),
            KeyMaterial::Rsa { private: None, .. } => {
                return Err(JoseError::PrivateKeyRequired {
                    operation: "PKCS#8 export",
                    kty: "RSA",
                })
            }
            KeyMaterial::Rsa {
                n,
                e,
                private: Some(private),
            } => rsa::to_pkcs8_der(n, e, private)?,
            KeyMaterial::Ec { crv, x, y, d } => ec::to_pkcs8_der(*crv, x, y, d.as_ref())?,
            KeyMaterial::Okp {
                crv: OkpCurve::Ed25519,
                x,
                d,
            } => ed25519::to_pkcs8_der(x, d.as_ref())?,
            KeyMaterial::Okp {
                crv: OkpCurve::X25519, ..
            } => return Err(x25519_has_no_pem()),
        };
        Ok(SecretString::new(encode("PRIVATE KEY", der.expose())))
    }

    /// The public key as SPKI PEM (`PUBLIC KEY`).
    pub fn to_spki_pem(&self) -> Result<String, JoseError> {
        let der = match &self.material {
            KeyMaterial::Oct { .. } => return Err(JoseError::SymmetricKey { operation: "PEM form" }),
            KeyMaterial::Rsa { n, e, .. } => rsa::to_spki_der(n, e)?,
            KeyMaterial::Ec { crv, x, y, .. } => ec::to_spki_der(*crv, x, y)?,
            KeyMaterial::Okp {
                crv: OkpCurve::Ed25519,
                x,
                ..
            } => ed25519::to_spki_der(x)?,
            KeyMaterial::Okp {
                crv: OkpCurve::X25519, ..
            } => return Err(x25519_has_no_pem()),
        };
        Ok(encode("PUBLIC KEY", &der))
    }
}

/// X25519 keys (RFC 8410's id-X25519) are not written as PEM here: they exist for JWE, where
/// the JWK is their form.
fn x25519_has_no_pem() -> JoseError {
    JoseError::UnsupportedKeyType {
        found: "OKP X25519 (in PEM form)".into(),
        supported: SUPPORTED_KEYS,
    }
}

/// PEM armor around `der`: base64 in lines of 64 characters (RFC 7468 §2).
pub fn encode(label: &str, der: &[u8]) -> String {
    let body = STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in body.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

fn from_pkcs8(der: &[u8]) -> Result<KeyMaterial, JoseError> {
    let info = pkcs8::PrivateKeyInfo::try_from(der).map_err(|e| JoseError::Der {
        what: "PKCS#8 private key",
        problem: e.to_string(),
    })?;
    let oid = info.algorithm.oid.to_string();
    match oid.as_str() {
        OID_RSA => rsa::from_pkcs8_der(der),
        OID_EC => {
            let curve = curve_of(info.algorithm.parameters_oid().ok().map(|o| o.to_string()))?;
            from_sec1(info.private_key, Some(curve))
        }
        OID_ED25519 => ed25519::from_pkcs8_der(der),
        other => Err(unsupported_algorithm(other)),
    }
}

fn from_spki(der: &[u8]) -> Result<KeyMaterial, JoseError> {
    let info = spki::SubjectPublicKeyInfoRef::try_from(der).map_err(|e| JoseError::Der {
        what: "SPKI public key",
        problem: e.to_string(),
    })?;
    let oid = info.algorithm.oid.to_string();
    match oid.as_str() {
        OID_RSA => rsa::from_spki_der(der),
        OID_EC => match curve_of(info.algorithm.parameters_oid().ok().map(|o| o.to_string()))? {
            EcCurve::P256 => ec::p256_ops::from_spki_der(der),
            EcCurve::P384 => ec::p384_ops::from_spki_der(der),
            EcCurve::P521 => ec::p521_ops::from_spki_der(der),
        },
        OID_ED25519 => ed25519::from_spki_der(der),
        other => Err(unsupported_algorithm(other)),
    }
}

/// A SEC1 `ECPrivateKey` (RFC 5915), alone or inside PKCS#8. `outer` is the curve named by
/// the PKCS#8 algorithm identifier, if any. A public key stored beside the scalar must match it.
fn from_sec1(der: &[u8], outer: Option<EcCurve>) -> Result<KeyMaterial, JoseError> {
    let key = sec1::EcPrivateKey::try_from(der).map_err(|e| JoseError::Der {
        what: "SEC1 EC private key",
        problem: e.to_string(),
    })?;
    let inner = key
        .parameters
        .and_then(|p| p.named_curve())
        .map(|oid| curve_of(Some(oid.to_string())))
        .transpose()?;
    let curve = match (outer, inner) {
        (Some(a), Some(b)) if a != b => {
            return Err(JoseError::Der {
                what: "PKCS#8 EC private key",
                problem: format!("the algorithm names {} but the key inside names {}", a.name(), b.name()),
            })
        }
        (Some(curve), _) | (None, Some(curve)) => curve,
        (None, None) => {
            return Err(JoseError::Der {
                what: "SEC1 EC private key",
                problem: "it does not name its curve (no parameters); export it with the named curve".into(),
            })
        }
    };
    let material = match curve {
        EcCurve::P256 => ec::p256_ops::material_from_scalar(key.private_key)?,
        EcCurve::P384 => ec::p384_ops::material_from_scalar(key.private_key)?,
        EcCurve::P521 => ec::p521_ops::material_from_scalar(key.private_key)?,
    };
    if let (Some(stored), KeyMaterial::Ec { x, y, .. }) = (key.public_key, &material) {
        let uncompressed: Vec<u8> = [&[0x04u8][..], x, y].concat();
        let compressed_matches = stored.len() == 1 + x.len()
            && stored.get(1..) == Some(&x[..])
            && stored.first() == Some(&(0x02 | (y.last().copied().unwrap_or(0) & 1)));
        if stored != uncompressed.as_slice() && !compressed_matches {
            return Err(JoseError::KeyPairMismatch {
                kty: "EC",
                problem: "the public key stored in the SEC1 structure is not d × G".into(),
            });
        }
    }
    Ok(material)
}

fn curve_of(oid: Option<String>) -> Result<EcCurve, JoseError> {
    match oid.as_deref() {
        Some(OID_P256) => Ok(EcCurve::P256),
        Some(OID_P384) => Ok(EcCurve::P384),
        Some(OID_P521) => Ok(EcCurve::P521),
        Some(other) => Err(JoseError::UnsupportedCurve {
            kty: "EC",
            found: match other {
                "1.3.132.0.10" => "secp256k1".into(),
                _ => format!("with OID {other}"),
            },
            supported: "P-256, P-384, P-521",
        }),
        None => Err(JoseError::Der {
            what: "EC key",
            problem: "the algorithm identifier does not name a curve".into(),
        }),
    }
}

fn unsupported_algorithm(oid: &str) -> JoseError {
    let name = match oid {
        OID_RSA_PSS => "RSASSA-PSS-restricted RSA (id-RSASSA-PSS; re-export it as plain rsaEncryption)".to_string(),
        "1.3.101.110" => "X25519 (a key-agreement key, not for signing)".to_string(),
        "1.3.101.111" => "X448".to_string(),
        "1.3.101.113" => "Ed448".to_string(),
        "1.2.840.10040.4.1" => "DSA".to_string(),
        other => format!("with algorithm OID {other}"),
    };
    JoseError::UnsupportedKeyType {
        found: name,
        supported: SUPPORTED_KEYS,
    }
}

fn first_key_block(text: &str) -> Result<Block, JoseError> {
    let mut rest = text;
    let mut line_offset = 0;
    loop {
        let (block, consumed_lines, remainder) = next_block(rest, line_offset)?;
        // `openssl ecparam -genkey` writes an EC PARAMETERS block before the key.
        if block.label != "EC PARAMETERS" {
            return Ok(block);
        }
        rest = remainder;
        line_offset += consumed_lines;
    }
}

/// Parses the first PEM block of `text`; returns it, the number of lines consumed and the rest.
fn next_block(text: &str, line_offset: usize) -> Result<(Block, usize, &str), JoseError> {
    let mut lines = text.split_inclusive('\n').enumerate();
    let mut label = None;
    for (_, line) in lines.by_ref() {
        let line = line.trim();
        if let Some(inner) = line.strip_prefix("-----BEGIN ").and_then(|l| l.strip_suffix("-----")) {
            label = Some(inner.to_string());
            break;
        }
    }
    let Some(label) = label else {
        let trimmed = text.trim_start();
        return Err(JoseError::Pem {
            problem: if trimmed.starts_with('{') {
                "this looks like JSON; paste it as a JWK instead".into()
            } else if trimmed.is_empty() {
                "the text is empty".into()
            } else {
                "no \"-----BEGIN …-----\" line found".into()
            },
        });
    };
    let end_line = format!("-----END {label}-----");
    // The body, with the (line, column) of each character for error messages.
    let mut body = String::new();
    let mut positions = Vec::new();
    let mut consumed = 0;
    let mut ended = false;
    let mut seen_body = false;
    for (index, raw) in lines.by_ref() {
        consumed = index + 1;
        let line = raw.trim();
        if line.starts_with("-----END ") {
            if line != end_line {
                return Err(JoseError::Pem {
                    problem: format!("the block begins with \"{label}\" but ends with \"{line}\""),
                });
            }
            ended = true;
            break;
        }
        if line.starts_with("-----BEGIN ") {
            return Err(JoseError::Pem {
                problem: format!("a new BEGIN line appears before \"{end_line}\""),
            });
        }
        if !seen_body && line.contains(':') {
            return Err(JoseError::Pem {
                problem: format!(
                    "line {} is a header (\"{}\"): legacy encrypted PEM (Proc-Type/DEK-Info) is not supported; \
                     decrypt the key first, e.g. `openssl pkey -in encrypted.pem -out key.pem`",
                    line_offset + index + 1,
                    line.chars().take(40).collect::<String>()
                ),
            });
        }
        let leading = raw.len() - raw.trim_start().len();
        for (column, ch) in line.char_indices() {
            if !ch.is_whitespace() {
                body.push(ch);
                positions.push((line_offset + index + 1, leading + column + 1));
            }
        }
        seen_body |= !line.is_empty();
    }
    if !ended {
        return Err(JoseError::Pem {
            problem: format!("no \"{end_line}\" line found"),
        });
    }
    let der = STANDARD.decode(body.as_bytes()).map_err(|e| {
        let at = |offset: usize| {
            positions
                .get(offset)
                .map(|(line, column)| format!("line {line}, column {column}"))
                .unwrap_or_else(|| "the end of the body".into())
        };
        JoseError::Pem {
            problem: match e {
                DecodeError::InvalidByte(offset, byte) => format!(
                    "bad base64 at {}: {} is not a base64 character",
                    at(offset),
                    if byte.is_ascii_graphic() {
                        format!("'{}'", byte as char)
                    } else {
                        format!("byte 0x{byte:02x}")
                    }
                ),
                DecodeError::InvalidLength(len) => {
                    format!("the base64 body has {len} characters, which no base64 text has; is a line missing or cut?")
                }
                DecodeError::InvalidLastSymbol(offset, _) => {
                    format!(
                        "bad base64 at {}: the last character has bits that must be zero",
                        at(offset)
                    )
                }
                DecodeError::InvalidPadding => "the base64 padding ('=') is wrong".into(),
            },
        }
    })?;
    if der.is_empty() {
        return Err(JoseError::Pem {
            problem: format!("the \"{label}\" block is empty"),
        });
    }
    let remainder_start: usize = text.split_inclusive('\n').take(consumed).map(str::len).sum();
    let remainder = text.get(remainder_start..).unwrap_or_default();
    Ok((
        Block {
            label,
            der: SecretBytes::new(der),
        },
        consumed,
        remainder,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_base64_names_line_and_column() {
        let text = "-----BEGIN PUBLIC KEY-----\nMFkw*wYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n";
        let err = Jwk::from_pem(text).err().map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("not a usable PEM text: bad base64 at line 2, column 5: '*' is not a base64 character")
        );
    }

    #[test]
    fn mismatched_end_label_is_reported() {
        let text = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
        assert!(matches!(Jwk::from_pem(text), Err(JoseError::Pem { problem }) if problem.contains("ends with")));
    }

    #[test]
    fn unknown_label_lists_the_accepted_ones() {
        let text = "-----BEGIN DSA PRIVATE KEY-----\nAAAA\n-----END DSA PRIVATE KEY-----\n";
        assert_eq!(
            Jwk::from_pem(text),
            Err(JoseError::PemLabel {
                found: "DSA PRIVATE KEY".into(),
                accepted: ACCEPTED_LABELS
            })
        );
    }

    #[test]
    fn json_pasted_as_pem_gets_a_hint() {
        assert!(
            matches!(Jwk::from_pem(r#"{"kty":"oct"}"#), Err(JoseError::Pem { problem }) if problem.contains("JWK"))
        );
    }

    #[test]
    fn encode_wraps_at_64_characters() {
        let pem = encode("PUBLIC KEY", &[0u8; 100]);
        let lines: Vec<&str> = pem.lines().collect();
        assert_eq!(lines[0], "-----BEGIN PUBLIC KEY-----");
        assert_eq!(lines[1].len(), 64);
        assert_eq!(lines.last().copied(), Some("-----END PUBLIC KEY-----"));
    }
}
