//! Protocol vocabulary both sides speak: parameter names, error codes, metadata field names,
//! response types and modes, plus form encoding and a small URL splitter.
//!
//! The client (`oauth`) and the mock server (`mock_as`) both use these names, so a typo can
//! never make them disagree. Nothing here knows about either side.

/// Authorization request and response parameters (RFC 6749 §4.1, OIDC Core §3.1.2.1,
/// RFC 9101 §4, RFC 9126 §2, RFC 7636 §4, RFC 9207 §2).
pub mod param {
    /// RFC 9449 §10: the thumbprint of the DPoP key an authorization code is bound to.
    pub const DPOP_JKT: &str = "dpop_jkt";
    pub const CLIENT_ID: &str = "client_id";
    pub const CLIENT_SECRET: &str = "client_secret";
    pub const RESPONSE_TYPE: &str = "response_type";
    pub const RESPONSE_MODE: &str = "response_mode";
    pub const REDIRECT_URI: &str = "redirect_uri";
    pub const SCOPE: &str = "scope";
    pub const STATE: &str = "state";
    pub const NONCE: &str = "nonce";
    pub const MAX_AGE: &str = "max_age";
    pub const PROMPT: &str = "prompt";
    pub const CLAIMS: &str = "claims";
    pub const REQUEST: &str = "request";
    pub const REQUEST_URI: &str = "request_uri";
    pub const EXPIRES_IN: &str = "expires_in";
    pub const CODE: &str = "code";
    pub const CODE_CHALLENGE: &str = "code_challenge";
    pub const CODE_CHALLENGE_METHOD: &str = "code_challenge_method";
    pub const CODE_VERIFIER: &str = "code_verifier";
    pub const GRANT_TYPE: &str = "grant_type";
    pub const REFRESH_TOKEN: &str = "refresh_token";
    pub const ACCESS_TOKEN: &str = "access_token";
    pub const TOKEN_TYPE: &str = "token_type";
    pub const ID_TOKEN: &str = "id_token";
    pub const ISS: &str = "iss";
    pub const RESPONSE: &str = "response";
    pub const ERROR: &str = "error";
    pub const ERROR_DESCRIPTION: &str = "error_description";
    /// RFC 6749 §4.1.2.1.
    pub const ERROR_URI: &str = "error_uri";
    pub const LOGIN_HINT: &str = "login_hint";
    pub const ACR_VALUES: &str = "acr_values";
    pub const UI_LOCALES: &str = "ui_locales";
    /// RFC 8707 §2.
    pub const RESOURCE: &str = "resource";
    /// RFC 9396 §2.
    pub const AUTHORIZATION_DETAILS: &str = "authorization_details";
    pub const CLIENT_ASSERTION: &str = "client_assertion";
    pub const CLIENT_ASSERTION_TYPE: &str = "client_assertion_type";
    /// RFC 7662 §2.1 and RFC 7009 §2.1: the token to introspect or revoke, and the hint.
    pub const TOKEN: &str = "token";
    pub const TOKEN_TYPE_HINT: &str = "token_type_hint";
    /// RFC 8628 §3.2 / §3.4.
    pub const DEVICE_CODE: &str = "device_code";
    pub const USER_CODE: &str = "user_code";
    pub const VERIFICATION_URI: &str = "verification_uri";
    pub const VERIFICATION_URI_COMPLETE: &str = "verification_uri_complete";
    pub const INTERVAL: &str = "interval";
}

/// JWT claim names used in request objects, client assertions, ID tokens and JARM responses.
pub mod claim {
    pub const ISS: &str = "iss";
    pub const SUB: &str = "sub";
    pub const AUD: &str = "aud";
    pub const EXP: &str = "exp";
    pub const NBF: &str = "nbf";
    pub const IAT: &str = "iat";
    pub const JTI: &str = "jti";
    pub const NONCE: &str = "nonce";
    pub const AUTH_TIME: &str = "auth_time";
    pub const AT_HASH: &str = "at_hash";
    pub const C_HASH: &str = "c_hash";
    pub const AZP: &str = "azp";
    /// RFC 9068 §2.2 (and RFC 8693 §4.3): the client an access token was issued to.
    pub const CLIENT_ID: &str = "client_id";
    pub const SCOPE: &str = "scope";
    pub const ACR: &str = "acr";
}

/// Error codes (RFC 6749 §4.1.2.1 and §5.2, RFC 6750 §3.1, RFC 9101 §7, RFC 9126 §2.3,
/// OIDC Core §3.1.2.6).
pub mod error {
    /// RFC 9449 §5, §7.1: the DPoP proof is missing, malformed or does not fit the request.
    pub const INVALID_DPOP_PROOF: &str = "invalid_dpop_proof";
    /// RFC 9449 §8, §9: the server wants its nonce in the proof (sent in `DPoP-Nonce`).
    pub const USE_DPOP_NONCE: &str = "use_dpop_nonce";
    pub const INVALID_REQUEST: &str = "invalid_request";
    pub const UNAUTHORIZED_CLIENT: &str = "unauthorized_client";
    pub const ACCESS_DENIED: &str = "access_denied";
    pub const UNSUPPORTED_RESPONSE_TYPE: &str = "unsupported_response_type";
    pub const INVALID_SCOPE: &str = "invalid_scope";
    pub const SERVER_ERROR: &str = "server_error";
    pub const TEMPORARILY_UNAVAILABLE: &str = "temporarily_unavailable";
    pub const INVALID_CLIENT: &str = "invalid_client";
    pub const INVALID_GRANT: &str = "invalid_grant";
    pub const UNSUPPORTED_GRANT_TYPE: &str = "unsupported_grant_type";
    pub const INVALID_TOKEN: &str = "invalid_token";
    pub const INVALID_REQUEST_OBJECT: &str = "invalid_request_object";
    pub const INVALID_REQUEST_URI: &str = "invalid_request_uri";
    pub const REQUEST_NOT_SUPPORTED: &str = "request_not_supported";
    pub const REQUEST_URI_NOT_SUPPORTED: &str = "request_uri_not_supported";
    pub const LOGIN_REQUIRED: &str = "login_required";
    pub const CONSENT_REQUIRED: &str = "consent_required";
    /// RFC 8707 §2.
    pub const INVALID_TARGET: &str = "invalid_target";
    /// RFC 7009 §2.2.1.
    pub const UNSUPPORTED_TOKEN_TYPE: &str = "unsupported_token_type";
    /// RFC 7591 §3.2.2.
    pub const INVALID_REDIRECT_URI: &str = "invalid_redirect_uri";
    pub const INVALID_CLIENT_METADATA: &str = "invalid_client_metadata";
    /// RFC 8628 §3.5: the device access token request's answers while the user decides.
    pub const AUTHORIZATION_PENDING: &str = "authorization_pending";
    pub const SLOW_DOWN: &str = "slow_down";
    pub const EXPIRED_TOKEN: &str = "expired_token";
}

/// Authorization server metadata names (RFC 8414 §2, OIDC Discovery §3, RFC 9101 §10.5,
/// RFC 9126 §5, JARM §4, RFC 9207 §3).
pub mod metadata {
    pub const ISSUER: &str = "issuer";
    pub const AUTHORIZATION_ENDPOINT: &str = "authorization_endpoint";
    pub const TOKEN_ENDPOINT: &str = "token_endpoint";
    pub const USERINFO_ENDPOINT: &str = "userinfo_endpoint";
    pub const JWKS_URI: &str = "jwks_uri";
    pub const PUSHED_AUTHORIZATION_REQUEST_ENDPOINT: &str = "pushed_authorization_request_endpoint";
    pub const REQUIRE_PUSHED_AUTHORIZATION_REQUESTS: &str = "require_pushed_authorization_requests";
    pub const REQUEST_PARAMETER_SUPPORTED: &str = "request_parameter_supported";
    pub const REQUEST_URI_PARAMETER_SUPPORTED: &str = "request_uri_parameter_supported";
    pub const REQUIRE_SIGNED_REQUEST_OBJECT: &str = "require_signed_request_object";
    pub const REQUEST_OBJECT_SIGNING_ALG_VALUES_SUPPORTED: &str = "request_object_signing_alg_values_supported";
    pub const RESPONSE_TYPES_SUPPORTED: &str = "response_types_supported";
    pub const RESPONSE_MODES_SUPPORTED: &str = "response_modes_supported";
    pub const GRANT_TYPES_SUPPORTED: &str = "grant_types_supported";
    pub const SUBJECT_TYPES_SUPPORTED: &str = "subject_types_supported";
    pub const SCOPES_SUPPORTED: &str = "scopes_supported";
    pub const ID_TOKEN_SIGNING_ALG_VALUES_SUPPORTED: &str = "id_token_signing_alg_values_supported";
    pub const AUTHORIZATION_SIGNING_ALG_VALUES_SUPPORTED: &str = "authorization_signing_alg_values_supported";
    pub const AUTHORIZATION_RESPONSE_ISS_PARAMETER_SUPPORTED: &str = "authorization_response_iss_parameter_supported";
    pub const CODE_CHALLENGE_METHODS_SUPPORTED: &str = "code_challenge_methods_supported";
    pub const TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED: &str = "token_endpoint_auth_methods_supported";
    pub const TOKEN_ENDPOINT_AUTH_SIGNING_ALG_VALUES_SUPPORTED: &str =
        "token_endpoint_auth_signing_alg_values_supported";
    pub const CLAIMS_PARAMETER_SUPPORTED: &str = "claims_parameter_supported";
    /// RFC 8414 §2.
    pub const INTROSPECTION_ENDPOINT: &str = "introspection_endpoint";
    pub const INTROSPECTION_ENDPOINT_AUTH_METHODS_SUPPORTED: &str = "introspection_endpoint_auth_methods_supported";
    pub const REVOCATION_ENDPOINT: &str = "revocation_endpoint";
    pub const REVOCATION_ENDPOINT_AUTH_METHODS_SUPPORTED: &str = "revocation_endpoint_auth_methods_supported";
    /// RFC 8414 §2 / RFC 7591 §3.
    pub const REGISTRATION_ENDPOINT: &str = "registration_endpoint";
    /// OIDC Discovery §3.
    pub const USERINFO_SIGNING_ALG_VALUES_SUPPORTED: &str = "userinfo_signing_alg_values_supported";
    /// RFC 8628 §4.
    pub const DEVICE_AUTHORIZATION_ENDPOINT: &str = "device_authorization_endpoint";
    /// RFC 9449 §5.1.
    pub const DPOP_SIGNING_ALG_VALUES_SUPPORTED: &str = "dpop_signing_alg_values_supported";
    /// OIDC Discovery §3: JWE algs for request objects, ID tokens and userinfo.
    pub const REQUEST_OBJECT_ENCRYPTION_ALG_VALUES_SUPPORTED: &str = "request_object_encryption_alg_values_supported";
    pub const REQUEST_OBJECT_ENCRYPTION_ENC_VALUES_SUPPORTED: &str = "request_object_encryption_enc_values_supported";
    pub const ID_TOKEN_ENCRYPTION_ALG_VALUES_SUPPORTED: &str = "id_token_encryption_alg_values_supported";
    pub const ID_TOKEN_ENCRYPTION_ENC_VALUES_SUPPORTED: &str = "id_token_encryption_enc_values_supported";
    pub const USERINFO_ENCRYPTION_ALG_VALUES_SUPPORTED: &str = "userinfo_encryption_alg_values_supported";
    pub const USERINFO_ENCRYPTION_ENC_VALUES_SUPPORTED: &str = "userinfo_encryption_enc_values_supported";
    /// JARM §4: JWE algs for authorization responses.
    pub const AUTHORIZATION_ENCRYPTION_ALG_VALUES_SUPPORTED: &str = "authorization_encryption_alg_values_supported";
    pub const AUTHORIZATION_ENCRYPTION_ENC_VALUES_SUPPORTED: &str = "authorization_encryption_enc_values_supported";
}

/// Response types (RFC 6749 §3.1.1, OAuth 2.0 Multiple Response Type Encoding Practices §5).
pub mod response_type {
    pub const CODE: &str = "code";
    pub const ID_TOKEN: &str = "id_token";
    pub const TOKEN: &str = "token";
    /// Every combination the playground runs, in the order discovery lists them.
    pub const ALL: [&str; 6] = [
        "code",
        "id_token",
        "id_token token",
        "code id_token",
        "code token",
        "code id_token token",
    ];
}

/// Response modes (OAuth 2.0 Multiple Response Type Encoding Practices §2.1, Form Post
/// Response Mode §2, JARM §2.3).
pub mod response_mode {
    pub const QUERY: &str = "query";
    pub const FRAGMENT: &str = "fragment";
    pub const FORM_POST: &str = "form_post";
    pub const JWT: &str = "jwt";
    pub const QUERY_JWT: &str = "query.jwt";
    pub const FRAGMENT_JWT: &str = "fragment.jwt";
    pub const FORM_POST_JWT: &str = "form_post.jwt";
    pub const PLAIN: [&str; 3] = [QUERY, FRAGMENT, FORM_POST];
    pub const JARM: [&str; 4] = [JWT, QUERY_JWT, FRAGMENT_JWT, FORM_POST_JWT];
}

/// Grant types (RFC 6749 §4.1.3, §4.4.2, §6).
pub mod grant_type {
    pub const AUTHORIZATION_CODE: &str = "authorization_code";
    pub const REFRESH_TOKEN: &str = "refresh_token";
    /// RFC 6749 §4.4.2.
    pub const CLIENT_CREDENTIALS: &str = "client_credentials";
    /// RFC 6749 §4.2; RFC 7591 §2 names it in `grant_types` for `token` (and OIDC for
    /// `id_token`) responses.
    pub const IMPLICIT: &str = "implicit";
    /// RFC 8628 §3.4.
    pub const DEVICE_CODE: &str = "urn:ietf:params:oauth:grant-type:device_code";
}

/// Token type hints (RFC 7009 §2.1, RFC 7662 §2.1): the two this server issues.
pub mod token_type_hint {
    pub const ACCESS_TOKEN: &str = "access_token";
    pub const REFRESH_TOKEN: &str = "refresh_token";
}

/// RFC 9068 §2.1: the `typ` header of a JWT access token.
pub const ACCESS_TOKEN_JWT_TYP: &str = "at+jwt";

/// Client authentication methods (RFC 7591 §2, OIDC Core §9).
pub mod auth_method {
    pub const NONE: &str = "none";
    pub const CLIENT_SECRET_BASIC: &str = "client_secret_basic";
    pub const CLIENT_SECRET_POST: &str = "client_secret_post";
    pub const CLIENT_SECRET_JWT: &str = "client_secret_jwt";
    pub const PRIVATE_KEY_JWT: &str = "private_key_jwt";
    pub const ALL: [&str; 5] = [
        NONE,
        CLIENT_SECRET_BASIC,
        CLIENT_SECRET_POST,
        CLIENT_SECRET_JWT,
        PRIVATE_KEY_JWT,
    ];
    /// RFC 7523 §2.2: the value of `client_assertion_type` for a JWT assertion.
    pub const JWT_BEARER_ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
}

/// PKCE challenge methods (RFC 7636 §4.2).
pub mod pkce_method {
    pub const S256: &str = "S256";
    pub const PLAIN: &str = "plain";
}

/// RFC 9126 §2.2: the `request_uri` a PAR endpoint returns uses this URN prefix.
pub const PAR_REQUEST_URI_PREFIX: &str = "urn:ietf:params:oauth:request_uri:";

/// DPoP (RFC 9449): the header names, the proof's `typ`, the authorization scheme and token
/// type, the client metadata name.
pub mod dpop {
    /// §4.1: the request header carrying the proof.
    pub const HEADER: &str = "DPoP";
    /// §8.1: the response header carrying a server nonce.
    pub const NONCE_HEADER: &str = "DPoP-Nonce";
    /// §4.2: the proof's explicit type.
    pub const TYP: &str = "dpop+jwt";
    /// §7.1 (`Authorization: DPoP <token>`) and §5 (`token_type: DPoP`).
    pub const SCHEME: &str = "DPoP";
    /// §5.2: client metadata.
    pub const BOUND_ACCESS_TOKENS: &str = "dpop_bound_access_tokens";
    /// §6.1 / RFC 7800 §3.1: the confirmation member and its thumbprint member.
    pub const CNF: &str = "cnf";
    pub const JKT: &str = "jkt";
}

/// RFC 9101 §10.8 / §4: the explicit `typ` of a request object.
pub const REQUEST_OBJECT_TYP: &str = "oauth-authz-req+jwt";

/// Decodes `application/x-www-form-urlencoded` text (a query string or a form body) into its
/// pairs, in order, keeping duplicates so callers can refuse them.
pub fn form_decode(input: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(input)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// Encodes pairs as `application/x-www-form-urlencoded`.
pub fn form_encode<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        serializer.append_pair(k, v);
    }
    serializer.finish()
}

/// A URL cut at its RFC 3986 §3 delimiters. No normalisation, no percent-decoding: enough to
/// route requests and to append a query or fragment, without the `url` crate's IDNA tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UrlParts<'a> {
    pub scheme: &'a str,
    pub authority: &'a str,
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub fragment: Option<&'a str>,
}

impl<'a> UrlParts<'a> {
    /// Splits an absolute `scheme://authority/path?query#fragment` URL; `None` when there is
    /// no scheme or no `//authority`.
    pub fn split(url: &'a str) -> Option<Self> {
        let (rest, fragment) = match url.split_once('#') {
            Some((r, f)) => (r, Some(f)),
            None => (url, None),
        };
        let (rest, query) = match rest.split_once('?') {
            Some((r, q)) => (r, Some(q)),
            None => (rest, None),
        };
        let (scheme, rest) = rest.split_once("://")?;
        let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
        if !scheme_ok {
            return None;
        }
        let (authority, path) = match rest.find('/') {
            Some(at) => rest.split_at(at),
            None => (rest, ""),
        };
        Some(Self {
            scheme,
            authority,
            path,
            query,
            fragment,
        })
    }

    /// The query's pairs, decoded (empty when there is no query).
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        self.query.map(|q| form_decode(q.as_bytes())).unwrap_or_default()
    }

    /// The fragment's pairs, decoded (an implicit or hybrid response carries them there).
    pub fn fragment_pairs(&self) -> Vec<(String, String)> {
        self.fragment.map(|f| form_decode(f.as_bytes())).unwrap_or_default()
    }
}

/// The URL without its query and fragment (what logs may show, what DPoP's `htu` names).
pub fn without_query(url: &str) -> &str {
    url.split(['?', '#']).next().unwrap_or(url)
}

/// Appends form-encoded pairs to `base` as its query (after any existing query, RFC 6749
/// §3.1.2: "MUST retain" the redirect URI's query component) or as its fragment.
pub fn append_to_url<'a>(base: &str, pairs: impl IntoIterator<Item = (&'a str, &'a str)>, in_fragment: bool) -> String {
    let encoded = form_encode(pairs);
    let without_fragment = base.split_once('#').map_or(base, |(b, _)| b);
    if in_fragment {
        format!("{without_fragment}#{encoded}")
    } else if without_fragment.contains('?') {
        let sep = if without_fragment.ends_with('?') || without_fragment.ends_with('&') {
            ""
        } else {
            "&"
        };
        format!("{without_fragment}{sep}{encoded}")
    } else {
        format!("{without_fragment}?{encoded}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_splits_at_rfc3986_delimiters() {
        let parts = UrlParts::split("https://as.example:8443/p/authorize?a=1&b=x%20y#frag=1").unwrap();
        assert_eq!(parts.scheme, "https");
        assert_eq!(parts.authority, "as.example:8443");
        assert_eq!(parts.path, "/p/authorize");
        assert_eq!(parts.query, Some("a=1&b=x%20y"));
        assert_eq!(parts.fragment, Some("frag=1"));
        assert_eq!(parts.query_pairs()[1], ("b".into(), "x y".into()));
        assert_eq!(UrlParts::split("https://h").unwrap().path, "");
        assert!(UrlParts::split("not a url").is_none());
        assert!(UrlParts::split("1x://h/").is_none());
        assert!(UrlParts::split("").is_none());
    }

    #[test]
    fn form_round_trips_reserved_characters() {
        let encoded = form_encode([("a b", "c&d=e+f/é")]);
        assert_eq!(
            form_decode(encoded.as_bytes()),
            vec![("a b".to_string(), "c&d=e+f/é".to_string())]
        );
    }

    #[test]
    fn append_keeps_the_redirect_uris_query() {
        assert_eq!(
            append_to_url("https://c/cb?x=1", [("code", "a")], false),
            "https://c/cb?x=1&code=a"
        );
        assert_eq!(
            append_to_url("https://c/cb", [("code", "a")], false),
            "https://c/cb?code=a"
        );
        assert_eq!(
            append_to_url("https://c/cb#old", [("code", "a")], true),
            "https://c/cb#code=a"
        );
    }
}
