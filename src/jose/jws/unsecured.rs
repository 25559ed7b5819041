//! Unsecured JWS (`alg: none`, RFC 7515 Appendix A.5, RFC 7519 §6): no signature at all.
//!
//! Some servers accept unsigned request objects when asked to, so the playground can make
//! and read them — but only through these explicitly named functions. The secured API
//! (`sign_compact`, `verify_compact`) refuses `none` outright.

use serde_json::Value;

use super::{header, Compact};
use crate::jose::{base64url, json, JoseError};

/// An unsecured JWS that was decoded. It carries no proof of anything.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnsecuredJws {
    pub header: Value,
    pub payload: Vec<u8>,
}

/// Encodes `header '.' payload '.'` (an empty signature). The header's `alg` must be `none`;
/// its bytes are kept exactly as given.
pub fn encode(protected_header: &str, payload: &[u8]) -> Result<String, JoseError> {
    let header = json::parse_object(protected_header, "JWS protected header")?;
    require_none(header::alg_name(&header)?)?;
    header::check_members(&header)?;
    Ok(format!(
        "{}.{}.",
        base64url::encode(protected_header.as_bytes()),
        base64url::encode(payload)
    ))
}

/// Decodes an unsecured JWS: `alg` must be `none` and the signature part empty (RFC 7519
/// §6.1); `crit` is checked as for any JWS.
pub fn decode(jws: &str) -> Result<UnsecuredJws, JoseError> {
    let parts = Compact::split(jws)?;
    let header = parts.header()?;
    require_none(header::alg_name(&header)?)?;
    header::check_members(&header)?;
    if !parts.signature.is_empty() {
        return Err(JoseError::Malformed(
            "an unsecured JWS (alg \"none\") must have an empty signature part (RFC 7519 §6.1)".into(),
        ));
    }
    Ok(UnsecuredJws {
        header: Value::Object(header),
        payload: base64url::decode(parts.payload, "JWS payload")?,
    })
}

fn require_none(alg: &str) -> Result<(), JoseError> {
    if alg == "none" {
        Ok(())
    } else {
        Err(JoseError::Malformed(format!(
            "the unsecured API handles alg \"none\" only, found \"{alg}\"; use jws::sign_compact/verify_compact"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_rfc7515_a5() {
        // RFC 7515 Appendix A.5.
        let jws = "eyJhbGciOiJub25lIn0.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.";
        let decoded = decode(jws).ok();
        assert_eq!(
            decoded.as_ref().map(|d| d.header["alg"].clone()),
            Some(Value::from("none"))
        );
        let payload = decoded.map(|d| d.payload).unwrap_or_default();
        assert_eq!(encode(r#"{"alg":"none"}"#, &payload).ok().as_deref(), Some(jws));
    }

    #[test]
    fn a_signature_part_is_refused() {
        assert!(matches!(
            decode("eyJhbGciOiJub25lIn0.e30.c2ln"),
            Err(JoseError::Malformed(_))
        ));
    }

    #[test]
    fn a_signed_header_is_refused() {
        assert!(matches!(
            encode(r#"{"alg":"HS256"}"#, b"{}"),
            Err(JoseError::Malformed(_))
        ));
    }
}
