//! The JWS protected header: the checks every secured JWS must pass (RFC 7515 §4.1, §5.2)
//! and a small builder for the headers the playground writes.

use serde_json::{Map, Value};

use crate::jose::alg::Algorithm;
use crate::jose::{json, JoseError};

/// Header parameters registered by RFC 7515 §4.1. RFC 7515 §4.1.11: producers "MUST NOT
/// include Header Parameter names defined by this specification … in the `crit` list".
const REGISTERED: [&str; 11] = [
    "alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit",
];

/// Extension header parameters the compact functions understand and may be listed in `crit`.
/// None: RFC 7797's `b64: false` changes what is signed, and is understood by the JSON
/// serialization only (`json_serialization`), where the payload can be carried as it is.
const UNDERSTOOD_EXTENSIONS: [&str; 0] = [];

/// The `alg` member, as the name written in the header.
pub(crate) fn alg_name(header: &Map<String, Value>) -> Result<&str, JoseError> {
    match header.get("alg") {
        Some(Value::String(alg)) => Ok(alg),
        Some(other) => Err(JoseError::Malformed(format!(
            "header \"alg\" must be a string, found {}",
            json::describe(other)
        ))),
        None => Err(JoseError::Malformed(
            "the protected header has no \"alg\" (RFC 7515 §4.1.1 requires it)".into(),
        )),
    }
}

/// Checks the header members this implementation gives meaning to: `typ`, `kid` and `cty`
/// are strings, and `crit` is well formed and lists nothing we do not understand.
pub(crate) fn check_members(header: &Map<String, Value>) -> Result<(), JoseError> {
    check_member_types(header)?;
    check_crit(header)
}

/// `typ`, `kid` and `cty` are strings when present (RFC 7515 §4.1.4, §4.1.9, §4.1.10).
pub(crate) fn check_member_types(header: &Map<String, Value>) -> Result<(), JoseError> {
    for name in ["typ", "kid", "cty"] {
        if let Some(value) = header.get(name) {
            if !value.is_string() {
                return Err(JoseError::Malformed(format!(
                    "header \"{name}\" must be a string, found {}",
                    json::describe(value)
                )));
            }
        }
    }
    Ok(())
}

/// RFC 7515 §4.1.11, step by step.
pub(crate) fn check_crit(header: &Map<String, Value>) -> Result<(), JoseError> {
    check_crit_among(header, &REGISTERED, &UNDERSTOOD_EXTENSIONS, "RFC 7515")
}

/// [`check_crit`] for the JSON serialization, which understands RFC 7797's `b64`.
pub(crate) fn check_crit_understanding_b64(header: &Map<String, Value>) -> Result<(), JoseError> {
    check_crit_among(header, &REGISTERED, &["b64"], "RFC 7515")
}

/// The `crit` rule of RFC 7515 §4.1.11 (which RFC 7516 §4.1.13 applies to JWE) with the
/// names the specification `spec` registers and the extensions understood here.
pub(crate) fn check_crit_among(
    header: &Map<String, Value>,
    registered: &[&str],
    understood: &[&str],
    spec: &str,
) -> Result<(), JoseError> {
    let Some(crit) = header.get("crit") else {
        return Ok(());
    };
    let invalid = |problem: String| Err(JoseError::InvalidCritical { problem });
    // 1. "Its value is an array listing the Header Parameter names …"
    let Value::Array(names) = crit else {
        return invalid(format!("must be an array of names, found {}", json::describe(crit)));
    };
    // 2. "Producers MUST NOT use the empty list "[]" as the "crit" value."
    if names.is_empty() {
        return invalid(format!("is the empty list, which {spec} forbids"));
    }
    let mut unsupported = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let Value::String(name) = name else {
            return invalid(format!("entry {i} must be a string, found {}", json::describe(name)));
        };
        // 3. Registered names MUST NOT be listed.
        if registered.contains(&name.as_str()) {
            return invalid(format!("lists \"{name}\", a header parameter {spec} defines"));
        }
        // 4. Each listed name must be present in the header.
        if !header.contains_key(name) {
            return invalid(format!("lists \"{name}\", which the header does not contain"));
        }
        if !understood.contains(&name.as_str()) {
            unsupported.push(name.clone());
        }
    }
    // 5. "If any of the listed extension Header Parameters are not understood and supported
    //    by the recipient, then the JWS is invalid."
    if unsupported.is_empty() {
        Ok(())
    } else {
        Err(JoseError::UnsupportedCritical { names: unsupported })
    }
}

/// The protected header of a JWS to sign. `to_json` writes `alg` first, then `typ`, `kid`,
/// `cty`, then any extra members.
///
/// ```
/// use oauth_playground::jose::jws::JwsHeader;
/// use oauth_playground::jose::Algorithm;
/// let header = JwsHeader::new(Algorithm::RS256).typ("oauth-authz-req+jwt").kid("k1");
/// assert_eq!(header.to_json(), r#"{"alg":"RS256","typ":"oauth-authz-req+jwt","kid":"k1"}"#);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct JwsHeader {
    pub alg: Algorithm,
    pub typ: Option<String>,
    pub kid: Option<String>,
    pub cty: Option<String>,
    /// Any other members, written after the ones above in name order.
    pub extra: Map<String, Value>,
}

impl JwsHeader {
    pub fn new(alg: Algorithm) -> Self {
        Self {
            alg,
            typ: None,
            kid: None,
            cty: None,
            extra: Map::new(),
        }
    }

    pub fn typ(mut self, typ: impl Into<String>) -> Self {
        self.typ = Some(typ.into());
        self
    }

    pub fn kid(mut self, kid: impl Into<String>) -> Self {
        self.kid = Some(kid.into());
        self
    }

    pub fn cty(mut self, cty: impl Into<String>) -> Self {
        self.cty = Some(cty.into());
        self
    }

    /// Adds another member. The names above are set through their own methods; a member
    /// given here under one of those names is ignored by `to_json`.
    pub fn member(mut self, name: impl Into<String>, value: Value) -> Self {
        self.extra.insert(name.into(), value);
        self
    }

    /// Compact JSON text of the header, the exact bytes that get signed.
    pub fn to_json(&self) -> String {
        let mut parts = vec![format!("\"alg\":{}", Value::from(self.alg.name()))];
        for (name, value) in [("typ", &self.typ), ("kid", &self.kid), ("cty", &self.cty)] {
            if let Some(value) = value {
                parts.push(format!("\"{name}\":{}", Value::from(value.as_str())));
            }
        }
        for (name, value) in &self.extra {
            if !["alg", "typ", "kid", "cty"].contains(&name.as_str()) {
                parts.push(format!("{}:{value}", Value::from(name.as_str())));
            }
        }
        format!("{{{}}}", parts.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(text: &str) -> Map<String, Value> {
        json::parse_object(text, "test header").unwrap_or_default()
    }

    #[test]
    fn crit_listing_a_registered_header_is_invalid() {
        assert!(matches!(
            check_members(&header(r#"{"alg":"HS256","crit":["alg"]}"#)),
            Err(JoseError::InvalidCritical { .. })
        ));
    }

    #[test]
    fn empty_crit_is_invalid() {
        assert!(matches!(
            check_members(&header(r#"{"alg":"HS256","crit":[]}"#)),
            Err(JoseError::InvalidCritical { .. })
        ));
    }

    #[test]
    fn crit_naming_an_absent_member_is_invalid() {
        assert!(matches!(
            check_members(&header(r#"{"alg":"HS256","crit":["exp"]}"#)),
            Err(JoseError::InvalidCritical { .. })
        ));
    }

    #[test]
    fn unknown_crit_extension_is_unsupported() {
        assert_eq!(
            check_members(&header(r#"{"alg":"HS256","crit":["b64"],"b64":false}"#)),
            Err(JoseError::UnsupportedCritical {
                names: vec!["b64".into()]
            })
        );
    }

    #[test]
    fn kid_must_be_a_string() {
        assert!(matches!(
            check_members(&header(r#"{"alg":"HS256","kid":7}"#)),
            Err(JoseError::Malformed(_))
        ));
    }

    #[test]
    fn builder_escapes_values() {
        let h = JwsHeader::new(Algorithm::HS256).kid("a\"b");
        assert_eq!(h.to_json(), r#"{"alg":"HS256","kid":"a\"b"}"#);
    }
}
