//! base64url without padding (RFC 7515 §2, RFC 4648 §5), with errors that say where.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::{DecodeError, Engine};

use super::JoseError;

pub fn encode(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes unpadded base64url. `what` names the field for the error message
/// ("JWK member k", "JWS signature", …).
pub fn decode(input: &str, what: &'static str) -> Result<Vec<u8>, JoseError> {
    URL_SAFE_NO_PAD.decode(input).map_err(|e| {
        let (position, problem) = match e {
            DecodeError::InvalidByte(at, b'=') => {
                (at, "padding '=' is not allowed in base64url (RFC 7515 §2)".to_string())
            }
            DecodeError::InvalidByte(at, byte) => (at, format!("{} is not a base64url character", describe(byte))),
            DecodeError::InvalidLength(len) => (len, "the length is not a possible base64url length".to_string()),
            DecodeError::InvalidLastSymbol(at, _) => (at, "the last character has bits that must be zero".to_string()),
            DecodeError::InvalidPadding => (
                input.find('=').unwrap_or(input.len()),
                "padding '=' is not allowed in base64url (RFC 7515 §2)".to_string(),
            ),
        };
        JoseError::Base64 {
            what,
            position,
            problem,
        }
    })
}

fn describe(byte: u8) -> String {
    if byte.is_ascii_graphic() {
        format!("'{}'", byte as char)
    } else {
        format!("byte 0x{byte:02x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_length() {
        for len in 0..40u8 {
            let bytes: Vec<u8> = (0..len).map(|i| i.wrapping_mul(37)).collect();
            assert_eq!(decode(&encode(&bytes), "test").ok(), Some(bytes));
        }
    }

    #[test]
    fn bad_character_reports_its_position() {
        let err = decode("abc+def", "JWS payload").err();
        assert_eq!(
            err,
            Some(JoseError::Base64 {
                what: "JWS payload",
                position: 3,
                problem: "'+' is not a base64url character".into()
            })
        );
    }

    #[test]
    fn padding_is_refused() {
        assert!(matches!(
            decode("YQ==", "x"),
            Err(JoseError::Base64 { position: 2, .. })
        ));
    }
}
