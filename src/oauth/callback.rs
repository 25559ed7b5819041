//! The authorization response as it comes back to the redirect URI: in the query, in the
//! fragment, or POSTed by an auto-submitting HTML form (OAuth 2.0 Form Post Response Mode),
//! plain or as a JARM `response` JWT.

use std::fmt;

use super::error::ClientError;
use crate::protocol::{form_decode, response_mode, UrlParts};

/// Where the response parameters travel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResponseLocation {
    Query,
    Fragment,
    FormPost,
}

/// A response mode resolved against the response type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResolvedResponseMode {
    pub location: ResponseLocation,
    /// JARM: the parameters arrive inside one `response` JWT.
    pub jarm: bool,
}

/// Resolves `response_mode` (absent = the response type's default, OAuth 2.0 Multiple
/// Response Type Encoding Practices §5: query for `code`, fragment otherwise; JARM §2.3.4:
/// `jwt` is `query.jwt` for `code` and `fragment.jwt` otherwise).
pub fn resolve_response_mode(mode: Option<&str>, response_type: &str) -> Result<ResolvedResponseMode, ClientError> {
    let code_only = response_type.split_whitespace().eq(["code"]);
    let default_location = if code_only {
        ResponseLocation::Query
    } else {
        ResponseLocation::Fragment
    };
    let (location, jarm) = match mode {
        None => (default_location, false),
        Some(response_mode::QUERY) => (ResponseLocation::Query, false),
        Some(response_mode::FRAGMENT) => (ResponseLocation::Fragment, false),
        Some(response_mode::FORM_POST) => (ResponseLocation::FormPost, false),
        Some(response_mode::JWT) => (default_location, true),
        Some(response_mode::QUERY_JWT) => (ResponseLocation::Query, true),
        Some(response_mode::FRAGMENT_JWT) => (ResponseLocation::Fragment, true),
        Some(response_mode::FORM_POST_JWT) => (ResponseLocation::FormPost, true),
        Some(other) => {
            return Err(ClientError::config(
                "callback.response_mode_unknown",
                format!("response_mode \"{other}\" is not one the client can receive"),
            ))
        }
    };
    Ok(ResolvedResponseMode { location, jarm })
}

/// The response parameters, wherever they came from. Values may be codes and tokens, so
/// `Debug` shows names only.
#[derive(Clone, PartialEq, Eq)]
pub struct CallbackParams {
    pub location: ResponseLocation,
    pub params: Vec<(String, String)>,
}

impl fmt::Debug for CallbackParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.params.iter().map(|(k, _)| k.as_str()).collect();
        f.debug_struct("CallbackParams")
            .field("location", &self.location)
            .field("names", &names)
            .finish()
    }
}

impl CallbackParams {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// The parameters of the redirect URL the browser landed on, from the query or the fragment.
pub fn parse_redirect_url(url: &str, location: ResponseLocation) -> Result<CallbackParams, ClientError> {
    let parts = UrlParts::split(url)
        .ok_or_else(|| ClientError::invalid("callback.malformed", format!("not an absolute URL: {url}")))?;
    let params = match location {
        ResponseLocation::Query => parts.query_pairs(),
        ResponseLocation::Fragment => parts.fragment_pairs(),
        ResponseLocation::FormPost => {
            return Err(ClientError::invalid(
                "callback.malformed",
                "a form_post response arrives as a POST body, not in the URL",
            ))
        }
    };
    Ok(CallbackParams { location, params })
}

/// The parameters of a form_post response's `application/x-www-form-urlencoded` body.
pub fn parse_form_post_body(body: &[u8]) -> CallbackParams {
    CallbackParams {
        location: ResponseLocation::FormPost,
        params: form_decode(body),
    }
}

/// A form_post page (Form Post Response Mode §2): where its form posts to, and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormPostPage {
    pub action: String,
    pub method: String,
    pub fields: CallbackParams,
}

/// Reads the auto-submitting HTML page a form_post response is: the `<form>`'s `action` and
/// its `<input>`s' `name`/`value` (HTML character references decoded). Not a general HTML
/// parser; enough for the pages authorization servers send.
pub fn parse_form_post_html(html: &str) -> Result<FormPostPage, ClientError> {
    let lower = html.to_ascii_lowercase();
    let form_at = lower
        .find("<form")
        .ok_or_else(|| ClientError::invalid("callback.form_post_malformed", "the page has no <form>"))?;
    let (form_attrs, _) = tag_attributes(html, form_at + "<form".len());
    let action = attr(&form_attrs, "action")
        .ok_or_else(|| ClientError::invalid("callback.form_post_malformed", "the <form> has no action"))?;
    let method = attr(&form_attrs, "method").unwrap_or_else(|| "get".into());
    let mut params = Vec::new();
    let mut from = form_at;
    while let Some(at) = lower.get(from..).and_then(|rest| rest.find("<input")) {
        let (attrs, end) = tag_attributes(html, from + at + "<input".len());
        if let Some(name) = attr(&attrs, "name") {
            params.push((name, attr(&attrs, "value").unwrap_or_default()));
        }
        // On past the whole tag: restarting inside it made a page of unclosed `<input`s
        // quadratic (a 56 KB one took 2.8 s; tests/fuzz_regressions.rs keeps it).
        from = end;
    }
    Ok(FormPostPage {
        action,
        method: method.to_ascii_uppercase(),
        fields: CallbackParams {
            location: ResponseLocation::FormPost,
            params,
        },
    })
}

fn attr(attrs: &[(String, String)], name: &str) -> Option<String> {
    attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
}

/// The attributes of the tag whose name ends at byte `start`, up to its `>`, and the byte
/// offset just past that `>` (the end of the text when there is none).
fn tag_attributes(html: &str, start: usize) -> (Vec<(String, String)>, usize) {
    let Some(rest) = html.get(start..) else {
        return (Vec::new(), html.len());
    };
    let mut attrs = Vec::new();
    let mut chars = rest.char_indices().peekable();
    let end = loop {
        while chars.next_if(|(_, c)| c.is_whitespace() || *c == '/').is_some() {}
        match chars.peek() {
            None => break html.len(),
            Some((at, '>')) => break start + at + 1,
            _ => {}
        }
        let mut name = String::new();
        while let Some((_, c)) = chars.next_if(|(_, c)| !c.is_whitespace() && !"=>/".contains(*c)) {
            name.push(c.to_ascii_lowercase());
        }
        while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
        let mut value = String::new();
        if chars.next_if(|(_, c)| *c == '=').is_some() {
            while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
            match chars.peek().map(|(_, c)| *c) {
                Some(q @ ('"' | '\'')) => {
                    chars.next();
                    for (_, c) in chars.by_ref() {
                        if c == q {
                            break;
                        }
                        value.push(c);
                    }
                }
                _ => {
                    while let Some((_, c)) = chars.next_if(|(_, c)| !c.is_whitespace() && *c != '>') {
                        value.push(c);
                    }
                }
            }
        }
        if name.is_empty() {
            // Not an attribute character we understand: skip it so the loop always advances.
            chars.next();
            continue;
        }
        attrs.push((name, decode_html_entities(&value)));
    };
    (attrs, end)
}

/// Decodes the character references servers use in attribute values (`&amp;`, `&quot;`,
/// `&#39;`, `&#x2F;`, …); unknown ones stay as written.
pub fn decode_html_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        // Only the next 11 bytes can close a reference we know: searching the whole rest for a
        // `;` made a text of bare `&`s quadratic.
        let decoded = after.bytes().take(11).position(|b| b == b';').and_then(|end| {
            let name = &after[..end];
            let ch = match name {
                "amp" => Some('&'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "lt" => Some('<'),
                "gt" => Some('>'),
                _ => {
                    let num = name.strip_prefix('#')?;
                    let code = match num.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => num.parse().ok()?,
                    };
                    char::from_u32(code)
                }
            }?;
            Some((ch, end))
        });
        match decoded {
            Some((ch, end)) => {
                out.push(ch);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The parameters that carry a JWT in OAuth and OpenID messages, in the order a paste is
/// searched: JARM's `response` first (a JARM callback may carry nothing else).
const JWT_PARAMETERS: [&str; 5] = ["response", "id_token", "request", "client_assertion", "logout_token"];

/// A JWT found in pasted text, and the parameter it was the value of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PastedJwt {
    pub jwt: String,
    /// `Some("response")` when it came from `response=…` or a callback URL; `None` when the
    /// paste was the bare token.
    pub parameter: Option<String>,
}

/// Whether `value` has the shape of a compact JWS (three parts) or JWE (five): base64url
/// characters and dots only.
fn jwt_shaped(value: &str) -> bool {
    let parts = value.split('.').count();
    (parts == 3 || parts == 5)
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
}

/// Finds the JWT in what someone pasted: a bare compact JWT; `name=value` pairs, such as a
/// JARM `response=…` or a form_post body; or a whole callback URL with the JWT in its query or
/// fragment. Pairs are searched for the parameters that carry JWTs, then for any value shaped
/// like one. Anything else comes back trimmed, for the decoder to say what is wrong with it.
pub fn find_pasted_jwt(text: &str) -> PastedJwt {
    let text = text.trim();
    let pairs = match UrlParts::split(text) {
        Some(url) => {
            let mut pairs = url.query_pairs();
            pairs.extend(url.fragment_pairs());
            pairs
        }
        // A compact JWT has no `=` (base64url without padding), so `=` means pairs.
        None if text.contains('=') => form_decode(text.trim_start_matches(['?', '#']).as_bytes()),
        None => Vec::new(),
    };
    let named = JWT_PARAMETERS
        .iter()
        .find_map(|name| pairs.iter().find(|(k, v)| k == name && jwt_shaped(v.trim())));
    match named.or_else(|| pairs.iter().find(|(_, v)| jwt_shaped(v.trim()))) {
        Some((name, value)) => PastedJwt {
            jwt: value.trim().to_string(),
            parameter: Some(name.clone()),
        },
        None => PastedJwt {
            jwt: text.to_string(),
            parameter: None,
        },
    }
}
