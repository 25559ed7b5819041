//! The browser application: Leptos components and everything that needs the browser.

mod announce;
mod app;
mod client_panel;
pub mod context;
mod copy_button;
mod device_run;
mod dpop_fields;
mod external;
pub mod fetch_transport;
mod jwe_fields;
pub mod jws_signer;
mod jwt_tool;
pub mod keys_audit;
mod lazy_tools;
mod learn;
pub mod mock_api;
mod offline;
mod preflight;
pub mod preview;
mod registration_panel;
mod request_panel;
mod result_panel;
pub mod run_panel;
mod sequence;
mod server_panel;
mod session_panel;
pub mod site;
mod storage;
mod tamper_panel;
mod token_calls;
pub mod webcrypto;
mod widgets;

pub use app::App;

/// Mounts the application on `<body>` and marks the moment it became interactive, so the
/// benchmarks can measure navigation → usable controls.
pub fn mount() {
    mark("app-start");
    install_panic_screen();
    if site::on_callback_route() {
        // A window coming back from a real server: hand the URL over, touch nothing else.
        leptos::mount::mount_to_body(external::CallbackPage);
        return;
    }
    // The in-page authorization server, offered to scripts as window.oauthPlayground.mock.
    // Without WebCrypto (an insecure context) the app still mounts and says why in the console.
    match mock_api::new_server() {
        Ok(server) => {
            context::set_server(server.clone());
            if let Err(e) = mock_api::install(server) {
                web_sys::console::error_2(&"window.oauthPlayground could not be installed:".into(), &e);
            }
        }
        Err(why) => web_sys::console::error_1(&format!("the in-page server could not start: {why}").into()),
    }
    mark("app-server-ready");
    leptos::mount::mount_to_body(App);
    mark("app-interactive");
    // The server's private keys are checked on first use (about 20 ms); do it in a task of
    // its own once the page is usable, rather than inside the first run.
    leptos::prelude::set_timeout(crate::mock_as::crypto::prepare_server_keys, std::time::Duration::ZERO);
}

/// A performance mark for the benchmarks (`app-start`: the wasm runs; `app-server-ready`:
/// the in-page server is up; `app-interactive`: the page is mounted). A missing mark only
/// costs the benchmark a figure; the app works without it.
fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(name);
    }
}

/// A panic is a bug, and in wasm it leaves the page dead. Should one happen, say so in
/// words, show the message to copy into a report, and offer to clear the saved state (the
/// likeliest cause of a panic that repeats on every load).
fn install_panic_screen() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        let _ = show_panic_screen(&info.to_string());
    }));
}

/// Public for the browser test that checks the screen; called only by the panic hook.
#[doc(hidden)]
pub fn show_panic_screen(message: &str) -> Option<()> {
    let document = web_sys::window()?.document()?;
    let body = document.body()?;
    let overlay = document.create_element("div").ok()?;
    overlay.set_id("panic-screen");
    overlay.set_attribute("role", "alertdialog").ok()?;
    overlay.set_attribute("aria-labelledby", "panic-title").ok()?;
    let title = document.create_element("h2").ok()?;
    title.set_id("panic-title");
    title.set_text_content(Some("The playground hit a bug and stopped"));
    let explain = document.create_element("p").ok()?;
    explain.set_text_content(Some(
        "Your saved configuration is untouched. Copy the message below into a bug report. \
         If this happens on every load, reset the saved state.",
    ));
    let pre = document.create_element("pre").ok()?;
    pre.set_text_content(Some(message));
    // Scrolls when the message is long: reachable and named for the keyboard (WCAG 2.1.1).
    pre.set_attribute("tabindex", "0").ok()?;
    pre.set_attribute("role", "region").ok()?;
    pre.set_attribute("aria-label", "The bug's message").ok()?;
    let reset = document.create_element("button").ok()?;
    reset.set_id("panic-reset");
    reset.set_text_content(Some("Reset saved state and reload"));
    let on_click = wasm_bindgen::closure::Closure::<dyn Fn()>::new(|| {
        if let Some(window) = web_sys::window() {
            storage::reset_saved_state();
            let _ = window.location().reload();
        }
    });
    reset
        .add_event_listener_with_callback("click", wasm_bindgen::JsCast::unchecked_ref(on_click.as_ref()))
        .ok()?;
    on_click.forget();
    for child in [&title, &explain, &pre, &reset] {
        overlay.append_child(child).ok()?;
    }
    body.append_child(&overlay).ok()?;
    // An alertdialog takes focus (WAI-ARIA 1.2, alertdialog): the one thing left to do.
    if let Some(button) = wasm_bindgen::JsCast::dyn_ref::<web_sys::HtmlElement>(&reset) {
        let _ = button.focus();
    }
    Some(())
}
