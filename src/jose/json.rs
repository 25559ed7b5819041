//! Strict parsing of the JSON objects JOSE is made of (headers, claims, JWKs).
//!
//! RFC 7515 §4 and RFC 7519 §4 let a parser either reject duplicate member names or keep the
//! last one. Keeping the last one lets two parsers disagree about what a token says, so we
//! reject: a duplicate is reported by name.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_json::{Map, Value};

use super::JoseError;

/// Parses `text` as a JSON object whose top-level member names are unique.
pub fn parse_object(text: &str, what: &'static str) -> Result<Map<String, Value>, JoseError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed = de
        .deserialize_any(UniqueObject)
        .and_then(|object| de.end().map(|()| object));
    match parsed {
        Ok(Ok(object)) => Ok(object),
        Ok(Err(problem)) => Err(problem.into_error(what)),
        Err(e) => Err(JoseError::Json {
            what,
            problem: format!("not valid JSON ({e})"),
        }),
    }
}

/// Parses bytes (a decoded header or payload) as a JSON object with unique member names.
pub fn parse_object_bytes(bytes: &[u8], what: &'static str) -> Result<Map<String, Value>, JoseError> {
    let text = std::str::from_utf8(bytes).map_err(|e| JoseError::Json {
        what,
        problem: format!("not UTF-8 (invalid byte at offset {})", e.valid_up_to()),
    })?;
    parse_object(text, what)
}

/// Describes a JSON value's type for error messages: "a string (\"abc\")", "a number (3)".
pub fn describe(value: &Value) -> String {
    let shown = value.to_string();
    let shown = if shown.chars().count() > 40 {
        format!("{}…", shown.chars().take(40).collect::<String>())
    } else {
        shown
    };
    let kind = match value {
        Value::Null => return "null".into(),
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    };
    format!("{kind} ({shown})")
}

enum Problem {
    NotAnObject(&'static str),
    Duplicate(String),
}

impl Problem {
    fn into_error(self, what: &'static str) -> JoseError {
        match self {
            Problem::NotAnObject(kind) => JoseError::Json {
                what,
                problem: format!("must be a JSON object, found {kind}"),
            },
            Problem::Duplicate(name) => JoseError::DuplicateMember { what, name },
        }
    }
}

struct UniqueObject;

impl<'de> Visitor<'de> for UniqueObject {
    type Value = Result<Map<String, Value>, Problem>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let mut object = Map::new();
        while let Some(name) = access.next_key::<String>()? {
            let value: Value = access.next_value()?;
            if object.contains_key(&name) {
                // Keep reading so that a syntax error later still wins; report the duplicate.
                while access.next_entry::<de::IgnoredAny, de::IgnoredAny>()?.is_some() {}
                return Ok(Err(Problem::Duplicate(name)));
            }
            object.insert(name, value);
        }
        Ok(Ok(object))
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Err(Problem::NotAnObject("a boolean")))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Err(Problem::NotAnObject("a number")))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Err(Problem::NotAnObject("a number")))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Err(Problem::NotAnObject("a number")))
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Err(Problem::NotAnObject("a string")))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Err(Problem::NotAnObject("null")))
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        while access.next_element::<de::IgnoredAny>()?.is_some() {}
        Ok(Err(Problem::NotAnObject("an array")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_names_are_named() {
        assert_eq!(
            parse_object(r#"{"alg":"HS256","alg":"none"}"#, "JWS protected header"),
            Err(JoseError::DuplicateMember {
                what: "JWS protected header",
                name: "alg".into()
            })
        );
    }

    #[test]
    fn non_objects_say_what_they_are() {
        let err = parse_object("[1,2]", "JWT claims").err().map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("JWT claims: must be a JSON object, found an array")
        );
    }

    #[test]
    fn trailing_garbage_is_refused() {
        assert!(matches!(parse_object("{} x", "x"), Err(JoseError::Json { .. })));
    }

    #[test]
    fn nested_objects_are_kept() {
        let object = parse_object(r#"{"a":{"b":1},"c":[1]}"#, "x").ok();
        assert_eq!(object.map(|o| o.len()), Some(2));
    }
}
