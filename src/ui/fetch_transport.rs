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
use web_sys::{RequestInit, RequestRedirect, ResponseType};

use crate::http::{Request, Response, Transport, TransportError};

/// Back-channel calls from the page, as the browser makes them.
#[derive(Clone, Copy, Debug, Default)]
pub struct FetchTransport;

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
        let buffer = response.array_buffer().map_err(|e| failure(&describe(&e)))?;
        let bytes = JsFuture::from(buffer).await.map_err(|e| failure(&describe(&e)))?;
        out.body = Uint8Array::new(&bytes).to_vec();
        Ok(out)
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
