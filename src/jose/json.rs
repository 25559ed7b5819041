//! Strict parsing of the JSON objects JOSE is made of (headers, claims, JWKs).
//!
//! RFC 7515 §4 and RFC 7519 §4 let a parser either reject duplicate member names or keep the
//! last one. Keeping the last one lets two parsers disagree about what a token says, so we
//! reject: a duplicate is reported by name. The rule applies at every depth, because a
//! request object's `claims` or `authorization_details` is read again downstream by parsers
//! that may keep the first member instead.
//!
//! Nesting is bounded by serde_json's recursion limit (128), which RFC 8259 §9 allows ("An
//! implementation may set limits on the maximum depth of nesting"): deeper input is an error,
//! never a stack overflow.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use super::JoseError;

/// Parses `text` as a JSON object whose member names are unique in every object it contains.
pub fn parse_object(text: &str, what: &'static str) -> Result<Map<String, Value>, JoseError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed = UniqueValue
        .deserialize(&mut de)
        .and_then(|value| de.end().map(|()| value));
    match parsed {
        Ok(Ok(Value::Object(object))) => Ok(object),
        Ok(Ok(other)) => Err(JoseError::Json {
            what,
            problem: format!("must be a JSON object, found {}", kind(&other)),
        }),
        Ok(Err(Duplicate(path))) => Err(JoseError::DuplicateMember {
            what,
            name: path_text(path),
        }),
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
    match value {
        Value::Null => "null".into(),
        other => format!("{} ({shown})", kind(other)),
    }
}

/// The JSON type of a value, as an error message names it ("a string", "an array").
pub fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Where a duplicate member was found: the segments from the duplicate up to the root
/// (reversed, so that nothing is allocated on the way down while nothing is wrong).
struct Duplicate(Vec<Segment>);

enum Segment {
    Member(String),
    Index(usize),
}

/// `alg` at the top level, `claims.userinfo.email` or `keys[0].kty` further down.
fn path_text(mut reversed: Vec<Segment>) -> String {
    reversed.reverse();
    let mut out = String::new();
    for segment in reversed {
        match segment {
            Segment::Member(name) if out.is_empty() => out.push_str(&name),
            Segment::Member(name) => {
                out.push('.');
                out.push_str(&name);
            }
            Segment::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// A JSON value, read with every object's member names checked for uniqueness. A duplicate is
/// an `Ok(Err(..))`: the rest of the text is still read, so a syntax error later still wins.
struct UniqueValue;

impl<'de> DeserializeSeed<'de> for UniqueValue {
    type Value = Result<Value, Duplicate>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for UniqueValue {
    type Value = Result<Value, Duplicate>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let mut object = Map::new();
        let mut problem = None;
        while let Some(name) = access.next_key::<String>()? {
            let value = access.next_value_seed(UniqueValue)?;
            if problem.is_some() {
                continue;
            }
            match value {
                Err(Duplicate(mut path)) => {
                    path.push(Segment::Member(name));
                    problem = Some(Duplicate(path));
                }
                Ok(_) if object.contains_key(&name) => problem = Some(Duplicate(vec![Segment::Member(name)])),
                Ok(value) => {
                    object.insert(name, value);
                }
            }
        }
        Ok(problem.map_or(Ok(Value::Object(object)), Err))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        let mut problem = None;
        while let Some(item) = access.next_element_seed(UniqueValue)? {
            match item {
                _ if problem.is_some() => {}
                Ok(value) => items.push(value),
                Err(Duplicate(mut path)) => {
                    path.push(Segment::Index(items.len()));
                    problem = Some(Duplicate(path));
                }
            }
        }
        Ok(problem.map_or(Ok(Value::Array(items)), Err))
    }

    fn visit_bool<E>(self, value: bool) -> Result<Self::Value, E> {
        Ok(Ok(Value::Bool(value)))
    }
    fn visit_i64<E>(self, value: i64) -> Result<Self::Value, E> {
        Ok(Ok(Value::Number(value.into())))
    }
    fn visit_u64<E>(self, value: u64) -> Result<Self::Value, E> {
        Ok(Ok(Value::Number(value.into())))
    }
    fn visit_f64<E>(self, value: f64) -> Result<Self::Value, E> {
        // JSON text has no NaN or infinity, so this is always a number.
        Ok(Ok(Number::from_f64(value).map_or(Value::Null, Value::Number)))
    }
    fn visit_str<E>(self, value: &str) -> Result<Self::Value, E> {
        Ok(Ok(Value::String(value.to_owned())))
    }
    fn visit_string<E>(self, value: String) -> Result<Self::Value, E> {
        Ok(Ok(Value::String(value)))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Ok(Value::Null))
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
    fn nested_duplicates_are_named_by_path() {
        let err = |text: &str| match parse_object(text, "JWT claims") {
            Err(JoseError::DuplicateMember { name, .. }) => name,
            other => format!("{other:?}"),
        };
        assert_eq!(err(r#"{"claims":{"userinfo":{"a":1,"a":2}}}"#), "claims.userinfo.a");
        assert_eq!(
            err(r#"{"keys":[{"kty":"RSA"},{"kty":"oct","kty":"EC"}]}"#),
            "keys[1].kty"
        );
        // The first duplicate found wins; the same name in sibling objects is no duplicate.
        assert!(parse_object(r#"{"a":{"x":1},"b":{"x":1}}"#, "x").is_ok());
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
    fn a_syntax_error_after_a_duplicate_still_wins() {
        assert!(matches!(
            parse_object(r#"{"a":1,"a":2,"b":}"#, "x"),
            Err(JoseError::Json { .. })
        ));
    }

    #[test]
    fn nesting_deeper_than_the_limit_is_an_error_not_a_crash() {
        let deep = format!("{{\"a\":{}{}}}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(matches!(parse_object(&deep, "x"), Err(JoseError::Json { .. })));
        let fine = format!("{{\"a\":{}{}}}", "[".repeat(100), "]".repeat(100));
        assert!(parse_object(&fine, "x").is_ok());
    }

    #[test]
    fn values_read_as_serde_json_reads_them() {
        let text = r#"{"i":-5,"u":18446744073709551615,"f":1.5e308,"s":"\u00e9","n":null,"b":true,"o":{},"a":[]}"#;
        let ours = parse_object(text, "x").ok().map(Value::Object);
        let theirs: Option<Value> = serde_json::from_str(text).ok();
        assert_eq!(ours, theirs);
    }

    #[test]
    fn nested_objects_are_kept() {
        let object = parse_object(r#"{"a":{"b":1},"c":[1]}"#, "x").ok();
        assert_eq!(object.map(|o| o.len()), Some(2));
    }
}
