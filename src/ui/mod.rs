//! The browser application: Leptos components and everything that needs the browser.

mod app;
mod copy_button;
pub mod fetch_transport;
pub mod jws_signer;
pub mod mock_api;
pub mod webcrypto;

pub use app::App;

/// Mounts the application on `<body>` and marks the moment it became interactive, so the
/// benchmarks can measure navigation → usable controls.
pub fn mount() {
    console_error_panic_hook::set_once();
    // The in-page authorization server, offered to scripts as window.oauthPlayground.mock.
    // Without WebCrypto (an insecure context) the app still mounts and says why in the console.
    match mock_api::new_server() {
        Ok(server) => {
            if let Err(e) = mock_api::install(server) {
                web_sys::console::error_2(&"window.oauthPlayground could not be installed:".into(), &e);
            }
        }
        Err(why) => web_sys::console::error_1(&format!("the in-page server could not start: {why}").into()),
    }
    leptos::mount::mount_to_body(App);
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        // A missing mark only costs the benchmark a figure; the app works without it.
        let _ = performance.mark("app-interactive");
    }
}
