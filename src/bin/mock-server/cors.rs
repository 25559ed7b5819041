//! Which browser origins may call the server (CORS, the Fetch standard's §3.2), so the
//! playground page and any browser app can use it as an external authorization server.

/// The request headers a client may send: client authentication (`Authorization`), DPoP
/// proofs (RFC 9449 §4.1), and form or JSON bodies.
pub const ALLOW_HEADERS: &str = "Authorization, Content-Type, DPoP";
pub const ALLOW_METHODS: &str = "GET, POST";
/// Response headers a script may read besides the safelisted ones: the Bearer/Basic
/// challenge (RFC 6750 §3) and DPoP's nonce (RFC 9449 §8).
pub const EXPOSE_HEADERS: &str = "WWW-Authenticate, DPoP-Nonce";
/// How long a browser may cache a preflight answer, in seconds.
pub const MAX_AGE: &str = "600";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CorsPolicy {
    /// Any origin on this machine: http or https on 127.0.0.0/8, localhost or [::1], any port.
    Loopback,
    /// `--cors-origin '*'`: any origin at all.
    Any,
    /// Exactly these origins (`scheme://host[:port]`, as browsers serialise them).
    Listed(Vec<String>),
}

impl CorsPolicy {
    /// The policy for the `--cors-origin` values given; each must be an origin, no path.
    pub fn from_flags(values: &[String]) -> Result<Self, String> {
        if values.iter().any(|v| v == "*") {
            return Ok(Self::Any);
        }
        let mut origins = Vec::new();
        for value in values {
            let trimmed = value.trim_end_matches('/');
            let origin = split_origin(trimmed).ok_or_else(|| {
                format!("--cors-origin: \"{value}\" is not an origin like http://127.0.0.1:8080 (scheme, host, port; no path)")
            })?;
            // Browsers send scheme and host in lower case.
            origins.push(format!("{}://{}", origin.0, origin.1).to_ascii_lowercase());
        }
        Ok(Self::Listed(origins))
    }

    pub fn allows(&self, origin: &str) -> bool {
        match self {
            Self::Any => split_origin(origin).is_some(),
            Self::Listed(origins) => origins.iter().any(|o| o == origin),
            Self::Loopback => split_origin(origin).is_some_and(|(_, authority)| is_loopback(authority)),
        }
    }
}

/// `scheme://authority` with nothing after the authority, or `None`.
fn split_origin(origin: &str) -> Option<(&str, &str)> {
    let (scheme, authority) = origin.split_once("://")?;
    let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    let authority_ok = !authority.is_empty() && !authority.contains(['/', '?', '#', '@', ' ']);
    (scheme_ok && authority_ok).then_some((scheme, authority))
}

/// Whether `host[:port]` names this machine: `localhost`, an address of 127.0.0.0/8
/// (RFC 1122 §3.2.1.3) or `[::1]` (RFC 4291 §2.5.3).
fn is_loopback(authority: &str) -> bool {
    let host = if let Some(rest) = authority.strip_prefix('[') {
        match rest.split_once(']') {
            Some((host, port)) if port.is_empty() || valid_port(port) => return host == "::1",
            _ => return false,
        }
    } else {
        match authority.split_once(':') {
            Some((host, port)) if valid_port(port) => host,
            Some(_) => return false,
            None => authority,
        }
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|address| address.is_loopback())
}

fn valid_port(text: &str) -> bool {
    text.strip_prefix(':').unwrap_or(text).parse::<u16>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_origins_are_allowed_by_default_and_nothing_else() {
        let policy = CorsPolicy::Loopback;
        for origin in [
            "http://127.0.0.1:8080",
            "http://localhost:3000",
            "http://[::1]:5173",
            "https://localhost",
            "http://127.0.0.2:80",
        ] {
            assert!(policy.allows(origin), "{origin}");
        }
        for origin in [
            "https://app.example",
            "http://127.0.0.1.evil.example",
            "http://localhost.evil.example:80",
            "http://[::2]:80",
            "http://127.0.0.1:8080/path",
            "null",
            "http://localhost:notaport",
            "http://user@localhost:80",
        ] {
            assert!(!policy.allows(origin), "{origin}");
        }
    }

    #[test]
    fn listed_origins_match_exactly() {
        let policy = CorsPolicy::from_flags(&["https://App.example/".to_string()]).unwrap();
        assert!(policy.allows("https://app.example"));
        assert!(!policy.allows("https://app.example:8443"));
        assert!(!policy.allows("http://127.0.0.1:8080"));
        assert_eq!(CorsPolicy::from_flags(&["*".to_string()]), Ok(CorsPolicy::Any));
        assert!(CorsPolicy::Any.allows("https://anything.example"));
        assert!(CorsPolicy::from_flags(&["app.example".to_string()]).is_err());
    }
}
