//! Entry point: the browser build mounts the app; nothing else happens here.

#[cfg(target_arch = "wasm32")]
fn main() {
    oauth_playground::ui::mount();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("The playground runs in the browser: `make serve` builds it and serves it on http://127.0.0.1:8080");
}
