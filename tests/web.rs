//! Browser tests, run by wasm-bindgen-test in headless Chromium: the same RFC 7515 A.1 JWS
//! as the native and Playwright tests, signed by the wasm build and shown by the real panel.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::expect_used, clippy::unwrap_used)]

use oauth_playground::jose::{jws, Jwk};
use oauth_playground::ui::jws_signer::JwsSigner;
use serde_json::Value;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn rfc7515_a1() -> Value {
    let cases: Vec<Value> = serde_json::from_str(include_str!("vectors/jws/rfc7515.json")).unwrap();
    cases.into_iter().find(|c| c["id"] == "rfc7515-a-1").unwrap()
}

#[wasm_bindgen_test]
fn rfc7515_a1_signs_byte_for_byte_in_wasm() {
    let case = rfc7515_a1();
    let key = Jwk::from_json(&case["jwk"].to_string()).unwrap();
    let header = "{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}";
    let payload = "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}";
    let signed = jws::sign_compact(header, payload.as_bytes(), &key, jws::ShortHmacKeys::Refuse).unwrap();
    assert_eq!(signed, case["jws"].as_str().unwrap());
}

fn mount_signer() -> web_sys::HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let host: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&host).unwrap();
    leptos::mount::mount_to(host.clone(), JwsSigner).forget();
    host
}

fn text_of(host: &web_sys::HtmlElement, selector: &str) -> Option<String> {
    host.query_selector(selector).unwrap().and_then(|e| e.text_content())
}

#[wasm_bindgen_test]
async fn signer_panel_shows_rfc7515_a1_and_explains_a_bad_key() {
    let host = mount_signer();
    leptos::task::tick().await;
    assert_eq!(
        text_of(&host, "#jws-output").as_deref(),
        rfc7515_a1()["jws"].as_str(),
        "the prefilled panel must show the RFC's JWS"
    );

    // Type a key whose `k` is not base64url, as a user would (value + input event).
    let key: web_sys::HtmlTextAreaElement = host.query_selector("#jws-jwk").unwrap().unwrap().unchecked_into();
    key.set_value(r#"{"kty":"oct","k":"AyM1SysPpbyD+gZ"}"#);
    key.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
    leptos::task::tick().await;
    let error = text_of(&host, "#jws-error").unwrap_or_default();
    assert!(error.contains("position 12"), "error shown: {error}");
    assert_eq!(text_of(&host, "#jws-output"), None, "no stale JWS next to an error");
}

#[wasm_bindgen_test]
fn the_panic_screen_explains_and_offers_a_reset() {
    assert_eq!(
        oauth_playground::ui::show_panic_screen("panicked at src/example.rs:1:1: boom"),
        Some(())
    );
    let document = web_sys::window().unwrap().document().unwrap();
    let screen = document.get_element_by_id("panic-screen").expect("the screen is shown");
    assert_eq!(screen.get_attribute("role").as_deref(), Some("alertdialog"));
    let text = screen.text_content().unwrap();
    assert!(text.contains("hit a bug"), "{text}");
    assert!(text.contains("boom"), "the message is there to copy: {text}");
    let reset = document.get_element_by_id("panic-reset").expect("a reset button");
    assert!(reset.text_content().unwrap().contains("Reset saved state"));
    screen.remove();
}
