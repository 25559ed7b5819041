//! The HTTP-shaped messages both sides of the protocol speak, and the [`Transport`] that
//! carries them.
//!
//! The client never knows which server it talks to: the in-process mock server and the
//! browser's `fetch` both implement [`Transport`]. Nothing here knows about either.

use std::fmt;
use std::future::Future;

/// The request methods the OAuth endpoints use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Header names compare case-insensitively (RFC 9110 §5.1), so lookups go through here.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Headers(Vec<(String, String)>);

impl Headers {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a header, keeping any earlier one of the same name (order is what was sent).
    pub fn append(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.push((name.into(), value.into()));
    }

    /// The first value of `name`, compared case-insensitively.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// Drops every header called `name` (compared case-insensitively); the others keep their order.
    pub fn remove(&mut self, name: &str) {
        self.0.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    }

    /// `name` with this one value: earlier ones of that name go, the new one comes last.
    pub fn set(&mut self, name: impl Into<String>, value: impl Into<String>) {
        let name = name.into();
        self.remove(&name);
        self.append(name, value);
    }

    /// Every value, for rewriting in place (names and order stay).
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut String> {
        self.0.iter_mut().map(|(_, v)| v)
    }
}

/// An HTTP request as the client built it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub method: Method,
    pub url: String,
    pub headers: Headers,
    pub body: Vec<u8>,
}

impl Request {
    pub fn get(url: impl Into<String>) -> Self {
        Self {
            method: Method::Get,
            url: url.into(),
            headers: Headers::new(),
            body: Vec::new(),
        }
    }

    /// A form POST (`application/x-www-form-urlencoded`), as PAR and the token endpoint take.
    pub fn form_post(url: impl Into<String>, body: impl Into<Vec<u8>>) -> Self {
        let mut headers = Headers::new();
        headers.append("Content-Type", "application/x-www-form-urlencoded");
        Self {
            method: Method::Post,
            url: url.into(),
            headers,
            body: body.into(),
        }
    }
}

/// An HTTP response as the server sent it; redirects are never followed by a transport.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub headers: Headers,
    pub body: Vec<u8>,
}

impl Response {
    pub fn new(status: u16) -> Self {
        Self {
            status,
            headers: Headers::new(),
            body: Vec::new(),
        }
    }

    /// The body as text, with invalid UTF-8 replaced rather than refused (it is for display).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Why a request never produced a response (network failure, CORS refusal, …).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransportError {
    pub message: String,
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TransportError {}

/// Carries one request to a server and brings back its response, unchanged.
///
/// Asynchronous because the browser's `fetch` is; the in-process server answers at once.
pub trait Transport {
    fn send(&self, request: Request) -> impl Future<Output = Result<Response, TransportError>>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_lookup_ignores_case() {
        let request = Request::form_post("https://as.example/par", "a=b");
        assert_eq!(
            request.headers.get("content-type"),
            Some("application/x-www-form-urlencoded")
        );
        assert_eq!(request.headers.get("Authorization"), None);
    }

    #[test]
    fn set_replaces_every_header_of_that_name_and_remove_drops_them() {
        let mut headers = Headers::new();
        headers.append("DPoP", "first");
        headers.append("Accept", "*/*");
        headers.append("dpop", "second");
        headers.set("DPoP", "third");
        assert_eq!(
            headers.iter().collect::<Vec<_>>(),
            [("Accept", "*/*"), ("DPoP", "third")]
        );
        headers.remove("accept");
        assert_eq!(headers.iter().collect::<Vec<_>>(), [("DPoP", "third")]);
    }
}
