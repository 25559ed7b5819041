//! [`Transport`] over the browser's `fetch`, for real authorization servers (discovery, JWKS,
//! PAR, token, userinfo). The front channel never goes through here: for a real server the
//! app navigates to the authorize URL and reads the redirect back on its own callback route.
//!
//! What a browser cannot do is said plainly: a cross-origin redirect cannot be read (the
//! response is opaque), and a server that sends no CORS headers makes `fetch` fail without
//! saying why — the error names CORS as the likely cause so the UI can offer curl instead.

use js_sys::{Array, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ReadableStreamDefaultReader, RequestInit, RequestRedirect, ResponseType};

use crate::http::{Request, Response, Transport, TransportError};

/// The most of a response body the page reads by default: a hundred times a large discovery
/// document or JWKS, and small enough that a server answering without end cannot exhaust the
/// tab's memory.
pub const MAX_RESPONSE_BYTES: usize = 1024 * 1024;

/// Back-channel calls from the page, as the browser makes them.
#[derive(Clone, Copy, Debug)]
pub struct FetchTransport {
    max_body: usize,
}

impl Default for FetchTransport {
    fn default() -> Self {
        Self::new()
    }
}

impl FetchTransport {
    /// Reads bodies up to [`MAX_RESPONSE_BYTES`].
    pub const fn new() -> Self {
        Self {
            max_body: MAX_RESPONSE_BYTES,
        }
    }

    /// Reads bodies up to `bytes`: a larger one is refused, and reading stops at the limit.
    pub const fn with_max_body(bytes: usize) -> Self {
        Self { max_body: bytes }
    }
}

impl Transport for FetchTransport {
    async fn send(&self, request: Request) -> Result<Response, TransportError> {
        let window = web_sys::window().ok_or_else(|| failure("no window to fetch from"))?;
        let init = RequestInit::new();
        init.set_method(request.method.as_str());
        // Redirects are for the caller to see, never to follow (as every Transport promises).
        init.set_redirect(RequestRedirect::Manual);
        let headers = web_sys::Headers::new().map_err(|e| failure(&describe(&e)))?;
        for (name, value) in request.headers.iter() {
            headers
                .append(name, value)
                .map_err(|e| failure(&format!("header {name}: {}", describe(&e))))?;
        }
        init.set_headers(&headers);
        if !request.body.is_empty() {
            init.set_body(&Uint8Array::from(request.body.as_slice()));
        }
        let answer = JsFuture::from(window.fetch_with_str_and_init(&request.url, &init))
            .await
            .map_err(|e| unreachable_server(&request.url, &e))?;
        let response: web_sys::Response = answer.unchecked_into();
        if response.type_() == ResponseType::Opaqueredirect {
            return Err(failure(&format!(
                "{} answered with a redirect, which a page cannot read across origins; \
                 the request is shown as curl so you can see where it points",
                request.url
            )));
        }
        let mut out = Response::new(response.status());
        if let Ok(Some(entries)) = js_sys::try_iter(&response.headers()) {
            for entry in entries.flatten() {
                let pair: Array = entry.unchecked_into();
                out.headers.append(
                    pair.get(0).as_string().unwrap_or_default(),
                    pair.get(1).as_string().unwrap_or_default(),
                );
            }
        }
        let too_large = || {
            failure(&format!(
                "the response from {} is larger than the {} this page reads from a server; \
                 nothing of it was used",
                request.url,
                if self.max_body.is_multiple_of(1024) {
                    format!("{} KiB", self.max_body / 1024)
                } else {
                    format!("{} bytes", self.max_body)
                }
            ))
        };
        // A declared length over the limit is refused before anything is read.
        if out
            .headers
            .get("content-length")
            .and_then(|l| l.trim().parse::<u64>().ok())
            .is_some_and(|declared| declared > self.max_body as u64)
        {
            return Err(too_large());
        }
        out.body = match response.body() {
            Some(stream) => read_at_most(stream.get_reader().unchecked_into(), self.max_body)
                .await?
                .ok_or_else(too_large)?,
            None => Vec::new(),
        };
        Ok(out)
    }
}

/// The whole stream, or `None` as soon as it passes `limit` bytes (the rest is cancelled,
/// never buffered: a body may be chunked with no length, or lie about it).
async fn read_at_most(reader: ReadableStreamDefaultReader, limit: usize) -> Result<Option<Vec<u8>>, TransportError> {
    let mut body = Vec::new();
    loop {
        let chunk = JsFuture::from(reader.read())
            .await
            .map_err(|e| failure(&format!("reading the response failed: {}", describe(&e))))?;
        let member = |name: &str| js_sys::Reflect::get(&chunk, &name.into()).unwrap_or_default();
        if member("done").as_bool() != Some(false) {
            return Ok(Some(body));
        }
        let Ok(bytes) = member("value").dyn_into::<Uint8Array>() else {
            return Err(failure("the response's body stream gave something other than bytes"));
        };
        let start = body.len();
        let length = bytes.length() as usize;
        if start + length > limit {
            // Nothing waits on the cancellation; the body is refused either way.
            let _ = reader.cancel();
            return Ok(None);
        }
        body.resize(start + length, 0);
        bytes.copy_to(&mut body[start..]);
    }
}

/// `fetch` rejects with a bare `TypeError` for a refused connection, a DNS failure and a
/// missing CORS header alike; the page cannot tell them apart, so the message lists them.
fn unreachable_server(url: &str, error: &wasm_bindgen::JsValue) -> TransportError {
    failure(&format!(
        "the browser could not read {url} ({}). Either the server is unreachable, or it does not \
         allow this page's origin (no CORS headers). Run the request as curl to see the server's \
         own answer.",
        describe(error)
    ))
}

fn describe(error: &wasm_bindgen::JsValue) -> String {
    let field = |name: &str| {
        js_sys::Reflect::get(error, &name.into())
            .ok()
            .and_then(|v| v.as_string())
    };
    match (field("name"), field("message")) {
        (Some(name), Some(message)) => format!("{name}: {message}"),
        _ => error.as_string().unwrap_or_else(|| format!("{error:?}")),
    }
}

fn failure(message: &str) -> TransportError {
    TransportError {
        message: message.to_string(),
    }
}
