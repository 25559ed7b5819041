//! Paths under the public URL the app was built for (`make dist PUBLIC_URL=/path/`). Browser-
//! free, so the rules are tested natively; `ui::site` reads the public URL from the page.

/// The callback route, relative to the public URL: a real file in the build
/// (`callback/index.html`), so no server needs a rewrite rule for it.
pub const CALLBACK: &str = "callback";

/// A path that starts and ends with `/`; anything else (an absolute URL, an empty value) is
/// taken as the root, since the app only ever makes same-origin addresses from it.
pub fn normalize_base(path: &str) -> String {
    if !path.starts_with('/') || path.starts_with("//") {
        return "/".into();
    }
    if path.ends_with('/') {
        path.to_string()
    } else {
        format!("{path}/")
    }
}

/// Whether `pathname` is the callback route under `base`: `callback`, `callback/` or the
/// file itself, `callback/index.html` (what a static server may show after its redirect).
pub fn is_callback_path(pathname: &str, base: &str) -> bool {
    pathname
        .strip_prefix(base)
        .map(|rest| rest.strip_suffix("index.html").unwrap_or(rest))
        .is_some_and(|rest| rest.trim_end_matches('/') == CALLBACK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callback_route_under_a_base() {
        for path in ["/callback", "/callback/", "/callback/index.html"] {
            assert!(is_callback_path(path, "/"), "{path}");
        }
        for path in [
            "/some/path/callback",
            "/some/path/callback/",
            "/some/path/callback/index.html",
        ] {
            assert!(is_callback_path(path, "/some/path/"), "{path}");
            assert!(!is_callback_path(path, "/"), "{path}");
        }
        for path in ["/", "/callbacks", "/some/callback", "/x/callback/y", "/index.html"] {
            assert!(!is_callback_path(path, "/"), "{path}");
        }
    }

    #[test]
    fn base_paths_are_normalized() {
        assert_eq!(normalize_base("/some/path"), "/some/path/");
        assert_eq!(normalize_base("/some/path/"), "/some/path/");
        assert_eq!(normalize_base("https://elsewhere.example/"), "/");
        assert_eq!(normalize_base("//elsewhere.example/"), "/");
        assert_eq!(normalize_base(""), "/");
    }
}
