//! The HTTP edge: a hyper request becomes the crate's `http::Request`, the server answers it
//! unchanged, and its `http::Response` goes back out. Only transport concerns live here: CORS,
//! the body limit and the read timeout. Every protocol decision is the server's.

use std::convert::Infallible;
use std::time::Duration;

use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderName, HeaderValue};
use hyper::{Method, StatusCode};
use oauth_playground::http::{self, Headers};
use serde_json::json;

use crate::cors::{self, CorsPolicy};
use crate::server_thread::ServerHandle;

pub type Answer = hyper::Response<Full<Bytes>>;

pub struct Edge {
    /// The issuer's `scheme://authority`: request URLs are rebuilt on it, never on the
    /// client's `Host` header, so the server routes on its own issuer path.
    pub base: String,
    pub cors: CorsPolicy,
    pub max_body: usize,
    pub read_timeout: Duration,
    pub server: ServerHandle,
}

impl Edge {
    /// One request's answer. Never fails: every problem is an HTTP answer.
    pub async fn answer(&self, request: hyper::Request<Incoming>) -> Result<Answer, Infallible> {
        let origin = request
            .headers()
            .get(header::ORIGIN)
            .and_then(|v| v.to_str().ok())
            .filter(|o| self.cors.allows(o))
            .map(str::to_string);
        let mut answer = if request.method() == Method::OPTIONS {
            preflight(&request, origin.is_some())
        } else {
            self.forward(request).await
        };
        let headers = answer.headers_mut();
        // The answer depends on the Origin sent, so caches must key on it (Fetch §3.2.5).
        headers.append(header::VARY, HeaderValue::from_static("Origin"));
        if let Some(origin) = origin.and_then(|o| HeaderValue::from_str(&o).ok()) {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            headers.insert(
                header::ACCESS_CONTROL_EXPOSE_HEADERS,
                HeaderValue::from_static(cors::EXPOSE_HEADERS),
            );
        }
        Ok(answer)
    }

    async fn forward(&self, request: hyper::Request<Incoming>) -> Answer {
        let method = match *request.method() {
            Method::GET => http::Method::Get,
            Method::POST => http::Method::Post,
            _ => {
                let mut answer = text(StatusCode::METHOD_NOT_ALLOWED, "method not allowed");
                answer
                    .headers_mut()
                    .insert(header::ALLOW, HeaderValue::from_static("GET, POST, OPTIONS"));
                return answer;
            }
        };
        let target = request.uri().path_and_query().map_or("/", |p| p.as_str());
        let url = format!("{}{target}", self.base);
        let mut headers = Headers::new();
        for (name, value) in request.headers() {
            headers.append(name.as_str(), String::from_utf8_lossy(value.as_bytes()));
        }
        // A declared length over the limit is refused before a byte of the body is read.
        let declared = request
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > self.max_body as u64) {
            return self.too_large();
        }
        // And a body without a length (chunked) is read only up to the limit, within the timeout.
        let limited = Limited::new(request.into_body(), self.max_body);
        let body = match tokio::time::timeout(self.read_timeout, limited.collect()).await {
            Ok(Ok(collected)) => collected.to_bytes().to_vec(),
            Ok(Err(e)) if e.downcast_ref::<LengthLimitError>().is_some() => return self.too_large(),
            Ok(Err(e)) => {
                return error(
                    StatusCode::BAD_REQUEST,
                    &format!("the request body could not be read: {e}"),
                )
            }
            Err(_) => {
                return error(
                    StatusCode::REQUEST_TIMEOUT,
                    &format!(
                        "the request body did not arrive within {} s",
                        self.read_timeout.as_secs()
                    ),
                )
            }
        };
        let request = http::Request {
            method,
            url,
            headers,
            body,
        };
        match self.server.handle(request).await {
            Some(response) => convert(response),
            None => text(StatusCode::SERVICE_UNAVAILABLE, "the server is shutting down"),
        }
    }

    fn too_large(&self) -> Answer {
        error(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!("the request body is larger than {} bytes (--max-body)", self.max_body),
        )
    }
}

/// A CORS preflight: allowed origins learn what they may send; others get no CORS headers,
/// which the browser reads as a refusal.
fn preflight(request: &hyper::Request<Incoming>, allowed: bool) -> Answer {
    let headers = request.headers();
    if !headers.contains_key(header::ACCESS_CONTROL_REQUEST_METHOD) {
        let mut answer = status(StatusCode::NO_CONTENT);
        answer
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, POST, OPTIONS"));
        return answer;
    }
    if !allowed {
        return text(StatusCode::FORBIDDEN, "this origin is not allowed (see --cors-origin)");
    }
    let mut answer = status(StatusCode::NO_CONTENT);
    let out = answer.headers_mut();
    out.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static(cors::ALLOW_METHODS),
    );
    out.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static(cors::ALLOW_HEADERS),
    );
    out.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static(cors::MAX_AGE));
    // Private Network Access: a page served from a public address asks before calling loopback.
    if headers
        .get("access-control-request-private-network")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"true"))
    {
        out.insert(
            HeaderName::from_static("access-control-allow-private-network"),
            HeaderValue::from_static("true"),
        );
    }
    answer
}

/// The server's answer as hyper's. A header the server made that HTTP cannot carry is dropped
/// rather than sent broken.
fn convert(response: http::Response) -> Answer {
    let mut answer = hyper::Response::new(Full::new(Bytes::from(response.body)));
    *answer.status_mut() = StatusCode::from_u16(response.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    for (name, value) in response.headers.iter() {
        if let (Ok(name), Ok(value)) = (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value)) {
            answer.headers_mut().append(name, value);
        }
    }
    answer
}

fn status(code: StatusCode) -> Answer {
    let mut answer = hyper::Response::new(Full::new(Bytes::new()));
    *answer.status_mut() = code;
    answer
}

fn text(code: StatusCode, body: &str) -> Answer {
    let mut answer = hyper::Response::new(Full::new(Bytes::from(body.to_string())));
    *answer.status_mut() = code;
    answer
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
    answer
}

/// The edge's own refusals (body too large or too slow) in the shape of RFC 6749 §5.2, so an
/// OAuth client reports them like the server's.
fn error(code: StatusCode, description: &str) -> Answer {
    let body = json!({ "error": "invalid_request", "error_description": description });
    let mut answer = hyper::Response::new(Full::new(Bytes::from(body.to_string())));
    *answer.status_mut() = code;
    let headers = answer.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    answer
}
