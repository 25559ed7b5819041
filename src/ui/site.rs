//! Where the app is served: the public URL it was built for, which the build writes into
//! the page as `<meta name="oauth-playground-base">` (scripts/externalize-loader.mjs). Every
//! address the app makes for itself (the callback it proposes as redirect URI, the link back
//! to the playground) starts there, so a build copied under any path of a plain static
//! server works without rewrite rules.

use crate::site::{is_callback_path, normalize_base, CALLBACK};

/// The public URL's path, with a trailing slash: `/` unless the build says otherwise.
pub fn base_path() -> String {
    let written = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("meta[name=\"oauth-playground-base\"]").ok().flatten())
        .and_then(|meta| meta.get_attribute("content"));
    normalize_base(written.as_deref().unwrap_or("/"))
}

/// The playground's own address (`<origin><base>`).
pub fn home_url() -> Option<String> {
    let origin = web_sys::window()?.location().origin().ok()?;
    Some(format!("{origin}{}", base_path()))
}

/// This page's callback URL (`<origin><base>callback`), the redirect URI to register at a
/// real server.
pub fn callback_url() -> Option<String> {
    Some(format!("{}{CALLBACK}", home_url()?))
}

/// Whether the page was opened on the callback route.
pub fn on_callback_route() -> bool {
    web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .is_some_and(|p| is_callback_path(&p, &base_path()))
}
