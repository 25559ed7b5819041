//! The panic screen under axe-core (issue 22). No user action in the release build can make
//! the page panic, so Playwright cannot reach this screen; here the real screen is built by
//! the same function the panic hook calls, with the page's own stylesheet, and axe-core (the
//! engine behind `@axe-core/playwright`, from node_modules, installed by `make test` before
//! this compiles) runs the WCAG 2.0/2.1 A and AA rules over it.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::expect_used, clippy::unwrap_used)]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const AXE: &str = include_str!("../node_modules/axe-core/axe.min.js");
const STYLESHEET: &str = include_str!("../style/main.css");

const RUN_AXE: &str = "axe.run(document.getElementById('panic-screen'), \
     { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })\
     .then((r) => r.violations.map((v) => `${v.id} (${v.impact}) x${v.nodes.length}: ` + \
     v.nodes.map((n) => n.target.join(' ')).join(' | ')))";

#[wasm_bindgen_test]
async fn the_panic_screen_has_no_wcag_violation_and_takes_focus() {
    let document = web_sys::window().unwrap().document().unwrap();
    let style = document.create_element("style").unwrap();
    style.set_text_content(Some(STYLESHEET));
    document.body().unwrap().append_child(&style).unwrap();
    // A long message, as a real panic's can be: its box scrolls and must be reachable.
    let message = format!(
        "panicked at src/ui/example.rs:1:1: {}",
        "called `Option::unwrap()` on a `None` value ".repeat(40)
    );
    assert_eq!(oauth_playground::ui::show_panic_screen(&message), Some(()));
    let focused = document.active_element().map(|e| e.id());
    assert_eq!(
        focused.as_deref(),
        Some("panic-reset"),
        "the alertdialog's button has focus"
    );

    js_sys::eval(AXE).expect("axe-core loads");
    let run: js_sys::Promise = js_sys::eval(RUN_AXE).unwrap().unchecked_into();
    let found = wasm_bindgen_futures::JsFuture::from(run).await.expect("axe-core ran");
    let found: Vec<String> = js_sys::Array::from(&found)
        .iter()
        .filter_map(|v| v.as_string())
        .collect();
    assert!(
        found.is_empty(),
        "axe-core, WCAG 2.0/2.1 A and AA, on the panic screen: {found:#?}"
    );
    document.get_element_by_id("panic-screen").unwrap().remove();
}
