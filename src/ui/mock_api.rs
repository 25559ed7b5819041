//! `window.oauthPlayground.mock`: the in-page authorization server, offered to any JavaScript
//! OAuth client as a custom `fetch`.
//!
//! ```js
//! const { mock } = window.oauthPlayground;
//! const meta = await (await mock.fetch(`${mock.issuer}/.well-known/openid-configuration`)).json();
//! await mock.registerClient({ client_id: 'app', client_secret: '…', redirect_uris: ['https://app.example/cb'] });
//! const res = await mock.fetch(meta.pushed_authorization_request_endpoint, { method: 'POST', headers, body });
//! ```
//!
//! `fetch` takes what the browser's does (a URL string, a `URL` or a `Request`; `init` with
//! `method`, headers as `Headers` or a plain object, a body as string, `URLSearchParams` or
//! `FormData`) and answers a real `Response`. Redirects are never followed: a 302 comes back
//! with its `Location` readable, so the caller plays the browser's part.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array, JSON};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use crate::clock::{Clock, UnixTime};
use crate::http::{Headers, Method, Request, Response};
use crate::mock_as::{AuthorizationServer, ServerSettings};
use crate::protocol::form_encode;

/// Requests larger than the server's own PAR limit are refused before they are copied.
const MAX_BODY_BYTES: usize = 1024 * 1024;

thread_local! {
    /// Reproducible mode's instant while the mode is on (set from the workspace by
    /// `context`), so the page's server, the preview and the run read one clock.
    static FIXED_INSTANT: std::cell::Cell<Option<UnixTime>> = const { std::cell::Cell::new(None) };
}

/// Fixes (or, with `None`, releases) the time every [`BrowserClock`] reads.
pub fn set_fixed_instant(instant: Option<UnixTime>) {
    FIXED_INSTANT.with(|fixed| fixed.set(instant));
}

/// The page's clock: `Date.now()` in the seconds JWTs count, or reproducible mode's fixed
/// instant while that mode is on.
#[derive(Clone, Copy, Debug, Default)]
pub struct BrowserClock;

impl Clock for BrowserClock {
    fn now(&self) -> UnixTime {
        FIXED_INSTANT
            .with(std::cell::Cell::get)
            .unwrap_or_else(|| (js_sys::Date::now() / 1000.0).floor() as UnixTime)
    }
}

pub type SharedServer = Rc<RefCell<AuthorizationServer>>;

/// The page's server: default (Hardened) settings, the browser's clock, randomness from
/// `crypto.getRandomValues`.
pub fn new_server() -> Result<SharedServer, String> {
    let crypto = web_sys::window()
        .ok_or("no window")?
        .crypto()
        .map_err(|e| format!("WebCrypto unavailable: {e:?}"))?;
    let mut seed = [0u8; 32];
    crypto
        .get_random_values_with_u8_array(&mut seed)
        .map_err(|e| format!("getRandomValues failed: {e:?}"))?;
    let server = AuthorizationServer::new(
        ServerSettings::default(),
        Box::new(BrowserClock),
        Box::new(ChaCha20Rng::from_seed(seed)),
    )
    .map_err(|e| e.to_string())?;
    Ok(Rc::new(RefCell::new(server)))
}

/// Installs `window.oauthPlayground.mock` for `server`. The closures live as long as the page.
pub fn install(server: SharedServer) -> Result<(), JsValue> {
    let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
    let mock = Object::new();

    let issuer_server = Rc::clone(&server);
    let issuer_getter = Closure::<dyn Fn() -> JsValue>::new(move || match issuer_server.try_borrow() {
        Ok(s) => JsValue::from_str(s.issuer()),
        Err(_) => JsValue::UNDEFINED,
    });
    let descriptor = Object::new();
    Reflect::set(&descriptor, &"get".into(), issuer_getter.as_ref())?;
    Reflect::set(&descriptor, &"enumerable".into(), &JsValue::TRUE)?;
    Object::define_property(&mock, &"issuer".into(), &descriptor);
    issuer_getter.forget();

    let fetch_server = Rc::clone(&server);
    let fetch = Closure::<dyn Fn(JsValue, JsValue) -> Promise>::new(move |input, init| {
        let server = Rc::clone(&fetch_server);
        future_to_promise(async move { mock_fetch(&server, input, init).await })
    });
    set_function(&mock, "fetch", fetch)?;

    // Both take a JSON object (or its text) and resolve to what the server now holds.
    let register = json_call(&server, |server, json| {
        server.register_client_json(json).map_err(|e| e.to_string())
    });
    set_function(&mock, "registerClient", register)?;
    let configure = json_call(&server, |server, json| {
        server.configure_json(json).map_err(|e| e.to_string())?;
        Ok(server.settings_json())
    });
    set_function(&mock, "configure", configure)?;

    let events_server = Rc::clone(&server);
    let events = Closure::<dyn Fn() -> Result<JsValue, JsValue>>::new(move || {
        let server = busy(events_server.try_borrow())?;
        to_js(&server.events_json())
    });
    set_function(&mock, "events", events)?;

    // Signing-key rotation: resolves to the key status (active, retiring, retired).
    let rotate_server = Rc::clone(&server);
    let rotate = Closure::<dyn Fn() -> Promise>::new(move || {
        let server = Rc::clone(&rotate_server);
        future_to_promise(async move {
            let status = super::keys_audit::rotate_keys(&server, false)
                .await
                .map_err(|why| type_error(&why))?;
            to_js(&status)
        })
    });
    set_function(&mock, "rotateKeys", rotate)?;
    let keys_server = Rc::clone(&server);
    let keys = Closure::<dyn Fn() -> Result<JsValue, JsValue>>::new(move || {
        to_js(&busy(keys_server.try_borrow())?.signing_key_status())
    });
    set_function(&mock, "signingKeys", keys)?;

    // The audit log as JSON lines, and its verification: of the server's own log, or of JSON
    // lines passed in (an export, perhaps edited). `{ ok: true }` or the first broken link.
    let audit_server = Rc::clone(&server);
    let audit = Closure::<dyn Fn() -> Result<JsValue, JsValue>>::new(move || {
        Ok(JsValue::from_str(&busy(audit_server.try_borrow())?.events_json_lines()))
    });
    set_function(&mock, "auditLog", audit)?;
    let verify_server = Rc::clone(&server);
    let verify = Closure::<dyn Fn(JsValue) -> Result<JsValue, JsValue>>::new(move |lines: JsValue| {
        let server = busy(verify_server.try_borrow())?;
        let (events, anchor) = match lines.as_string() {
            Some(text) => {
                let events = crate::mock_as::events::parse_json_lines(&text).map_err(|e| type_error(&e))?;
                (events, crate::mock_as::genesis_hash())
            }
            None => (
                server.events_json().as_array().cloned().unwrap_or_default(),
                server.audit_anchor().to_string(),
            ),
        };
        let verdict = match crate::mock_as::verify_chain(&events, &anchor) {
            Ok(()) => serde_json::json!({ "ok": true, "events": events.len() }),
            Err(broken) => {
                let message = broken.to_string();
                serde_json::json!({ "ok": false, "broken": broken, "message": message })
            }
        };
        to_js(&verdict)
    });
    set_function(&mock, "verifyAuditLog", verify)?;

    let playground = Object::new();
    Reflect::set(&playground, &"mock".into(), &mock)?;
    Reflect::set(&window, &"oauthPlayground".into(), &playground)?;
    Ok(())
}

/// A JS function taking one JSON argument that `call` applies to the server; it returns a
/// promise of the resulting JSON, rejected with a `TypeError` saying what was refused.
fn json_call(
    server: &SharedServer,
    call: impl Fn(&mut AuthorizationServer, &str) -> Result<serde_json::Value, String> + 'static,
) -> Closure<dyn Fn(JsValue) -> Promise> {
    let server = Rc::clone(server);
    Closure::new(move |argument: JsValue| {
        let outcome = stringify(&argument).and_then(|json| {
            let mut server = busy(server.try_borrow_mut())?;
            call(&mut server, &json)
                .map_err(|why| type_error(&why))
                .and_then(|value| to_js(&value))
        });
        settle(outcome)
    })
}

fn set_function<F: ?Sized + wasm_bindgen::closure::WasmClosure>(
    target: &Object,
    name: &str,
    closure: Closure<F>,
) -> Result<(), JsValue> {
    Reflect::set(target, &name.into(), closure.as_ref().unchecked_ref::<Function>())?;
    closure.forget();
    Ok(())
}

fn settle(outcome: Result<JsValue, JsValue>) -> Promise {
    match outcome {
        Ok(value) => Promise::resolve(&value),
        Err(error) => Promise::reject(&error),
    }
}

fn busy<T, E>(borrow: Result<T, E>) -> Result<T, JsValue> {
    borrow.map_err(|_| type_error("the in-page server is busy with another call"))
}

fn type_error(message: &str) -> JsValue {
    js_sys::TypeError::new(message).into()
}

fn stringify(value: &JsValue) -> Result<String, JsValue> {
    if let Some(text) = value.as_string() {
        return Ok(text);
    }
    JSON::stringify(value)
        .map(String::from)
        .map_err(|_| type_error("expected a JSON-serialisable object"))
}

fn to_js(value: &serde_json::Value) -> Result<JsValue, JsValue> {
    JSON::parse(&value.to_string())
}

/// The fetch-compatible entry point.
async fn mock_fetch(server: &SharedServer, input: JsValue, init: JsValue) -> Result<JsValue, JsValue> {
    let request = to_request(input, &init).await?;
    let Some(request) = request else {
        return to_response(&Response::new(405));
    };
    let response = busy(server.try_borrow_mut())?.handle(&request);
    to_response(&response)
}

/// Reads what `fetch(input, init)` would send. `None` for a method the server has no
/// endpoint for (answered 405).
async fn to_request(input: JsValue, init: &JsValue) -> Result<Option<Request>, JsValue> {
    let mut method = String::from("GET");
    let mut headers = Headers::new();
    let mut body: Vec<u8> = Vec::new();
    let url = if let Some(request) = input.dyn_ref::<web_sys::Request>() {
        method = request.method();
        copy_headers(&request.headers().into(), &mut headers)?;
        let text = JsFuture::from(request.text()?).await?;
        body = text.as_string().unwrap_or_default().into_bytes();
        request.url()
    } else if let Some(url) = input.dyn_ref::<web_sys::Url>() {
        url.href()
    } else if let Some(text) = input.as_string() {
        text
    } else {
        return Err(type_error(
            "mock.fetch: the first argument must be a URL string, a URL or a Request",
        ));
    };
    if init.is_object() {
        if let Some(m) = Reflect::get(init, &"method".into())?.as_string() {
            method = m;
        }
        let init_headers = Reflect::get(init, &"headers".into())?;
        if !init_headers.is_undefined() && !init_headers.is_null() {
            headers = Headers::new();
            copy_headers(&init_headers, &mut headers)?;
        }
        let init_body = Reflect::get(init, &"body".into())?;
        if let Some((bytes, content_type)) = read_body(&init_body)? {
            body = bytes;
            if headers.get("Content-Type").is_none() {
                if let Some(content_type) = content_type {
                    headers.append("Content-Type", content_type);
                }
            }
        }
    }
    if body.len() > MAX_BODY_BYTES {
        return Err(type_error("mock.fetch: request body over 1 MiB"));
    }
    let method = match method.to_ascii_uppercase().as_str() {
        "GET" => Method::Get,
        "POST" => Method::Post,
        _ => return Ok(None),
    };
    Ok(Some(Request {
        method,
        url: absolute(&url),
        headers,
        body,
    }))
}

/// A relative URL resolved against the page, as `fetch` would.
fn absolute(url: &str) -> String {
    let base = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    web_sys::Url::new_with_base(url, &base)
        .map(|u| u.href())
        .unwrap_or_else(|_| url.to_string())
}

/// Headers from a `Headers` object, an array of pairs, or a plain object.
fn copy_headers(source: &JsValue, into: &mut Headers) -> Result<(), JsValue> {
    if let Some(iterator) = js_sys::try_iter(source)? {
        for pair in iterator {
            let pair: Array = pair?.unchecked_into();
            into.append(
                pair.get(0).as_string().unwrap_or_default(),
                pair.get(1).as_string().unwrap_or_default(),
            );
        }
    } else if let Some(object) = source.dyn_ref::<Object>() {
        for entry in Object::entries(object).iter() {
            let pair: Array = entry.unchecked_into();
            let value = pair.get(1);
            into.append(
                pair.get(0).as_string().unwrap_or_default(),
                value
                    .as_string()
                    .unwrap_or_else(|| String::from(JSON::stringify(&value).unwrap_or_default())),
            );
        }
    }
    Ok(())
}

/// A request body's bytes and the Content-Type `fetch` would give it.
type Body = (Vec<u8>, Option<&'static str>);

/// A fetch body as bytes, with the Content-Type fetch would give it.
fn read_body(body: &JsValue) -> Result<Option<Body>, JsValue> {
    if body.is_undefined() || body.is_null() {
        return Ok(None);
    }
    if let Some(text) = body.as_string() {
        return Ok(Some((text.into_bytes(), Some("text/plain;charset=UTF-8"))));
    }
    if let Some(params) = body.dyn_ref::<web_sys::UrlSearchParams>() {
        let text: String = params.to_string().into();
        return Ok(Some((
            text.into_bytes(),
            Some("application/x-www-form-urlencoded;charset=UTF-8"),
        )));
    }
    if let Some(form) = body.dyn_ref::<web_sys::FormData>() {
        // The endpoints take x-www-form-urlencoded; a FormData of text fields is sent as such.
        let mut pairs = Vec::new();
        if let Some(iterator) = js_sys::try_iter(form)? {
            for entry in iterator {
                let pair: Array = entry?.unchecked_into();
                let value = pair
                    .get(1)
                    .as_string()
                    .ok_or_else(|| type_error("mock.fetch: FormData file fields are not supported"))?;
                pairs.push((pair.get(0).as_string().unwrap_or_default(), value));
            }
        }
        let encoded = form_encode(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        return Ok(Some((encoded.into_bytes(), Some("application/x-www-form-urlencoded"))));
    }
    if let Some(bytes) = body.dyn_ref::<Uint8Array>() {
        return Ok(Some((bytes.to_vec(), None)));
    }
    Err(type_error(
        "mock.fetch: the body must be a string, URLSearchParams, FormData or Uint8Array",
    ))
}

/// A real `Response` with the server's status, headers and body.
fn to_response(response: &Response) -> Result<JsValue, JsValue> {
    let headers = web_sys::Headers::new()?;
    for (name, value) in response.headers.iter() {
        headers.append(name, value)?;
    }
    let init = web_sys::ResponseInit::new();
    init.set_status(response.status);
    init.set_headers(&headers);
    // Fetch forbids a body on 204/304 ("null body status"). The body goes in as a JS-owned
    // copy, not a view into wasm memory: WebKit could not read a Response built on the view
    // (response.json() threw SyntaxError; found by the WebDriver smoke suite).
    let body = if matches!(response.status, 101 | 204 | 205 | 304) {
        None
    } else {
        Some(js_sys::Uint8Array::from(response.body.as_slice()))
    };
    Ok(web_sys::Response::new_with_opt_buffer_source_and_init(body.as_ref().map(|b| b.as_ref()), &init)?.into())
}
