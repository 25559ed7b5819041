//! The browser application: Leptos components and everything that needs the browser.

mod app;
mod copy_button;
pub mod jws_signer;
pub mod webcrypto;

pub use app::App;

/// Mounts the application on `<body>` and marks the moment it became interactive, so the
/// benchmarks can measure navigation → usable controls.
pub fn mount() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        // A missing mark only costs the benchmark a figure; the app works without it.
        let _ = performance.mark("app-interactive");
    }
}
