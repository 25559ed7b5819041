//! The protocol stack in the browser: a whole PAR + JAR → JARM → token → ID token flow run by
//! the client engine against the in-page server, signing with WebCrypto; and the `fetch`
//! transport that real servers are reached through.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::cell::RefCell;
use std::rc::Rc;

use oauth_playground::clock::FixedClock;
use oauth_playground::http::{Request, Transport};
use oauth_playground::jose::{Algorithm, CryptoBackend, KeyGenSpec, SecretString};
use oauth_playground::mock_as::{profiles, AuthorizationServer, InProcessTransport, ProfileName};
use oauth_playground::oauth::{run_flow, AuthorizationRequest, Config, Delivery, FlowOptions};
use oauth_playground::ui::fetch_transport::FetchTransport;
use oauth_playground::ui::webcrypto::WebCryptoBackend;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde_json::{json, Value};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const ISSUER: &str = "https://mock.as.example";
const REDIRECT: &str = "https://client.example/cb";
const NOW: i64 = 1_800_000_000;

#[wasm_bindgen_test]
async fn par_jar_jarm_flow_completes_in_the_browser_with_webcrypto_keys_and_signatures() {
    let web = WebCryptoBackend::new().unwrap();
    // The client's key is made by WebCrypto, off the main thread, as the UI will make it.
    let client_key = web.generate(KeyGenSpec::Rsa { bits: 2048 }).await.unwrap();
    let clock = Rc::new(FixedClock::at(NOW));
    let mut server = AuthorizationServer::new(
        profiles::preset(ProfileName::Hardened, ISSUER),
        Box::new(Rc::clone(&clock)),
        Box::new(ChaCha20Rng::seed_from_u64(1)),
    )
    .unwrap();
    let public: Value = serde_json::from_str(&client_key.to_public().unwrap().to_json()).unwrap();
    let client = json!({
        "client_id": "browser-client",
        "redirect_uris": [REDIRECT],
        "token_endpoint_auth_method": "private_key_jwt",
        "jwks": { "keys": [public] },
        "authorization_signed_response_alg": "ES256",
        "id_token_signed_response_alg": "RS256",
    });
    server.register_client_json(&client.to_string()).unwrap();
    let transport = InProcessTransport::new(Rc::new(RefCell::new(server)));

    let mut request = AuthorizationRequest::new("browser-client", REDIRECT);
    request.response_mode = Some("jwt".into());
    let mut config = Config::new(ISSUER, request);
    config.delivery = Delivery::ParJar;
    config.request_object_alg = Some(Algorithm::RS256);
    config.auth_method = "private_key_jwt".into();
    config.assertion_alg = Algorithm::RS256;
    config.client_key = Some(client_key);
    config.client_secret = None::<SecretString>;
    let options = FlowOptions {
        jarm_algs: Some(vec![Algorithm::ES256]),
        id_token_algs: Some(vec![Algorithm::RS256]),
        ..FlowOptions::default()
    };
    let run = run_flow(
        &config,
        &transport,
        &web,
        &*clock,
        &mut ChaCha20Rng::seed_from_u64(2),
        &options,
    )
    .await;
    assert!(run.succeeded(), "{:?}", run.error);
    let steps: Vec<&str> = run.steps().map(|s| s.check).collect();
    assert!(steps.contains(&"jarm.signature"), "{steps:?}");
    assert!(steps.contains(&"id_token.signature"), "{steps:?}");
    assert!(run.outcome.userinfo.is_some());
}

#[wasm_bindgen_test]
async fn fetch_transport_returns_status_headers_and_body() {
    let response = FetchTransport::new()
        .send(Request::get("data:application/json,%7B%22issuer%22%3A%22x%22%7D"))
        .await
        .unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(response.headers.get("content-type"), Some("application/json"));
    assert_eq!(response.body_text(), r#"{"issuer":"x"}"#);
}

#[wasm_bindgen_test]
async fn fetch_transport_names_cors_when_the_browser_cannot_read_a_server() {
    // Nothing listens on loopback port 1; the browser's error is as bare as for a CORS refusal.
    let error = FetchTransport::new()
        .send(Request::get("http://127.0.0.1:1/.well-known/openid-configuration"))
        .await
        .unwrap_err();
    assert!(error.message.contains("CORS"), "{}", error.message);
    assert!(error.message.contains("curl"), "{}", error.message);
}

/// While alive, this page's `fetch` answers every request with a body of the URL's `bytes`
/// parameter in 16 KiB chunks and no Content-Length, as a chunked HTTP/1.1 answer arrives.
/// Engines differ on `data:` URLs (Firefox declares their length), so a stream made here is
/// the one length-less body every engine gives the transport alike.
struct ChunkedFetch {
    original: wasm_bindgen::JsValue,
}

impl ChunkedFetch {
    fn install() -> Self {
        let window = web_sys::window().unwrap();
        let original = js_sys::Reflect::get(&window, &"fetch".into()).unwrap();
        let chunked = js_sys::Function::new_with_args(
            "url",
            r#"let left = Number(new URL(url).searchParams.get("bytes"));
            const body = new ReadableStream({
              pull(controller) {
                if (left === 0) { controller.close(); return; }
                const n = Math.min(left, 16384);
                left -= n;
                controller.enqueue(new Uint8Array(n).fill(97));
              },
            });
            return Promise.resolve(new Response(body, { headers: { "content-type": "text/plain" } }));"#,
        );
        js_sys::Reflect::set(&window, &"fetch".into(), &chunked).unwrap();
        Self { original }
    }
}

impl Drop for ChunkedFetch {
    fn drop(&mut self) {
        if let Some(window) = web_sys::window() {
            let _ = js_sys::Reflect::set(&window, &"fetch".into(), &self.original);
        }
    }
}

/// A body that declares no length exercises the streamed count: it is read chunk by chunk
/// and refused once past the limit.
#[wasm_bindgen_test]
async fn fetch_transport_stops_reading_a_body_past_its_limit() {
    let _chunked = ChunkedFetch::install();
    let url = |bytes: usize| format!("https://server.example/body?bytes={bytes}");
    let limit = 64 * 1024;
    let transport = FetchTransport::with_max_body(limit);
    let at_limit = transport.send(Request::get(url(limit))).await.unwrap();
    assert_eq!(at_limit.headers.get("content-length"), None);
    assert_eq!(at_limit.body, vec![b'a'; limit]);
    let error = transport.send(Request::get(url(limit + 1))).await.unwrap_err();
    assert!(error.message.contains("larger than the 64 KiB"), "{}", error.message);
    // Several megabytes, far past the default limit: refused, not buffered.
    let error = FetchTransport::new()
        .send(Request::get(url(3 * 1024 * 1024)))
        .await
        .unwrap_err();
    assert!(error.message.contains("larger than the 1024 KiB"), "{}", error.message);
}

/// A `blob:` URL's response declares its length: over the limit, it is refused unread.
#[wasm_bindgen_test]
async fn fetch_transport_refuses_a_declared_length_over_its_limit() {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(&"b".repeat(4096)));
    let blob = web_sys::Blob::new_with_str_sequence(&parts).unwrap();
    let url = web_sys::Url::create_object_url_with_blob(&blob).unwrap();
    let response = FetchTransport::with_max_body(4096)
        .send(Request::get(url.clone()))
        .await
        .unwrap();
    assert_eq!(response.headers.get("content-length"), Some("4096"));
    assert_eq!(response.body.len(), 4096);
    let error = FetchTransport::with_max_body(4095)
        .send(Request::get(url.clone()))
        .await
        .unwrap_err();
    assert!(
        error.message.contains("larger than the 4095 bytes"),
        "{}",
        error.message
    );
    web_sys::Url::revoke_object_url(&url).unwrap();
}
