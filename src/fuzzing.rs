//! The bodies of the fuzz targets (`fuzz/`, cargo-fuzz), kept here so that a plain native test
//! (`tests/fuzz_regressions.rs`) replays every saved crash and the seed corpus through exactly
//! the code the fuzzer ran. Native only, and not part of the playground's API.
//!
//! Each function takes the fuzzer's bytes, must never panic on them and returns nothing; the
//! `assert!`s below are oracles — properties that must hold for every input, which the
//! fuzzer is asked to break:
//!
//! | target | what it feeds | oracle |
//! |---|---|---|
//! | [`jws`] | a compact JWS to every decoder and verifier; header + payload to the signer | whatever signs with a key verifies with it, to the same payload |
//! | [`keys`] | a JWK, a JWKS or a PEM text to the importers, then each key to the verifier | an imported key survives JWK export and re-import unchanged |
//! | [`callback`] | a redirect URL, a form body or a form_post page to the client's callback parsing and response validation | — |
//! | [`server`] | up to four HTTP requests to the mock server's `handle`, later ones able to quote codes and tokens the earlier ones obtained | a redirect or an auto-submitting form only ever goes to a registered redirect URI |
//! | [`request_object`] | request-object claims (and optionally header) MACed with client-1's secret, sent by value or pushed | the same as [`server`] |
//! | [`dpop`] | a DPoP proof's header and claims, signed ES256 by the harness key, at PAR, the token endpoint or userinfo, with or without server nonces | a proof the server accepts meets RFC 9449 §4.3 (typ, public jwk, htm, htu, iat window, nonce, ath), and one proof is never accepted twice (§11.1) |

use std::future::Future;
use std::sync::OnceLock;
use std::task::{Context, Poll, Waker};

use hmac::{Hmac, Mac};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde_json::Value;
use sha2::Sha256;

use crate::clock::FixedClock;
use crate::http::{Request, Response};
use crate::jose::jws::{self, unsecured};
use crate::jose::{base64url, jwt, Algorithm, Jwk, Jwks, KeyMaterial, SecretBytes, SecretString, ShortHmacKeys};
use crate::mock_as::{crypto, profiles, AuthorizationServer, ProfileName};
use crate::oauth::callback::{self, ResponseLocation};
use crate::oauth::{validate_authorization_response, ResponseExpectations};
use crate::protocol::{append_to_url, form_encode, UrlParts};

/// The names `make fuzz TARGET=…` accepts, one per function below.
pub const TARGETS: [&str; 6] = ["jws", "keys", "callback", "server", "request_object", "dpop"];

/// Runs target `name` on `data`; `false` if there is no such target.
pub fn run(name: &str, data: &[u8]) -> bool {
    match name {
        "jws" => jws(data),
        "keys" => keys(data),
        "callback" => callback(data),
        "server" => server(data),
        "request_object" => request_object(data),
        "dpop" => dpop(data),
        _ => return false,
    }
    true
}

const ISSUER: &str = "https://mock.as.example";
const NOW: i64 = 1_800_000_000;
const CLIENT_ID: &str = "client-1";
const SECRET: &str = "client-1-secret-0123456789abcdef0123456789";
const REDIRECT_URIS: [&str; 2] = ["https://client.example/cb", "https://client.example/other"];

fn secret_key() -> Jwk {
    Jwk::new(KeyMaterial::Oct {
        k: SecretBytes::new(SECRET.as_bytes().to_vec()),
    })
}

/// The server's published keys (RSA, P-256, P-384, Ed25519): something real to verify with.
fn public_keys() -> &'static Jwks {
    static KEYS: OnceLock<Jwks> = OnceLock::new();
    KEYS.get_or_init(|| Jwks::from_json(&crypto::server_jwks().to_string()).unwrap_or_else(|_| Jwks::new(Vec::new())))
}

/// Polls a future that never waits (every backend call here is RustCrypto's) to completion.
fn block_on<F: Future>(future: F) -> Option<F::Output> {
    let mut future = std::pin::pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    // RustCrypto futures are ready on the first poll; a bounded loop keeps a surprise from
    // hanging the fuzzer.
    for _ in 0..16 {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return Some(output);
        }
    }
    None
}

/// Compact JWS and JWT: every decoder and verifier on the text, and sign → verify on a
/// header and payload cut from it at the first NUL byte.
pub fn jws(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = jws::decode_unverified(&text);
    let _ = unsecured::decode(&text);
    let _ = crypto::decode_unverified(&text);
    let all = Algorithm::ALL;
    if let Ok(verified) = jws::verify_compact(&text, &secret_key(), &all) {
        if let Ok(claims) = jwt::parse_claims(&verified.payload) {
            let validation = jwt::Validation::default().issuer(ISSUER).audience(CLIENT_ID);
            let _ = validation.validate(&claims, NOW);
        }
    }
    let _ = jws::verify_compact_with_jwks(&text, public_keys(), &all);
    for key in &public_keys().keys {
        let _ = jws::verify_compact(&text, key, &all);
    }
    if let Some(at) = data.iter().position(|b| *b == 0) {
        let header = String::from_utf8_lossy(&data[..at]);
        let payload = &data[at + 1..];
        if let Ok(signed) = jws::sign_compact(&header, payload, &secret_key(), ShortHmacKeys::Allow) {
            let verified = jws::verify_compact(&signed, &secret_key(), &all);
            assert!(
                verified.as_ref().is_ok_and(|v| v.payload == payload),
                "signed {signed:?} but verifying gave {verified:?}"
            );
        }
    }
}

/// JWK, JWKS and PEM import; an imported key must come back unchanged from its JWK text.
pub fn keys(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(jwk) = Jwk::from_json(&text) {
        round_trip(&jwk);
        verify_with(&jwk);
    }
    if let Ok(jwks) = Jwks::from_json(&text) {
        let _ = jwks.to_json();
        for jwk in &jwks.keys {
            round_trip(jwk);
        }
        // One verification per input, as a caller verifies a token with the one key it
        // selects: verifying with each key of a set measured the set's size, not a key's cost.
        if let Some(jwk) = jwks.keys.first() {
            verify_with(jwk);
        }
    }
    if let Ok(jwk) = Jwk::from_pem(&text) {
        round_trip(&jwk);
        verify_with(&jwk);
        let _ = jwk.to_spki_pem();
        let _ = jwk.to_pkcs8_pem();
    }
}

/// JWTs the server signed in each family, for [`keys`] to verify with every key it imports:
/// what a hostile key costs at verification (a huge modulus, say) is part of its import.
fn signed_jwts() -> &'static [(Algorithm, String)] {
    static JWTS: OnceLock<Vec<(Algorithm, String)>> = OnceLock::new();
    JWTS.get_or_init(|| {
        let client = crate::mock_as::ClientMetadata {
            client_secret: Some(crate::mock_as::Secret::new(SECRET)),
            ..crate::mock_as::ClientMetadata::default()
        };
        let mut rng = ChaCha20Rng::seed_from_u64(2);
        let claims = serde_json::json!({ "iss": ISSUER, "aud": CLIENT_ID, "exp": NOW + 300 });
        Algorithm::ALL
            .into_iter()
            .filter_map(|alg| Some((alg, crypto::sign_jwt(alg.name(), &claims, &client, &mut rng).ok()?)))
            .collect()
    })
}

/// Verifies a server-signed JWT with `jwk`, under the first alg its type fits.
fn verify_with(jwk: &Jwk) {
    if let Some((alg, jwt)) = signed_jwts().iter().find(|(alg, _)| jwk.fits(*alg)) {
        let _ = jws::verify_compact(jwt, jwk, &[*alg]);
    }
}

fn round_trip(jwk: &Jwk) {
    let again = Jwk::from_json(&jwk.to_json());
    assert!(
        again.as_ref().is_ok_and(|k| k == jwk),
        "{} did not survive export and import: {again:?}",
        jwk.describe()
    );
    let _ = jwk.thumbprint();
    let _ = jwk.to_public();
}

/// The client's side of the redirect: URL, form body and form_post page parsing, response
/// mode resolution, and the validation of whatever parameters came out (JARM included).
pub fn callback(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut received = Vec::new();
    for location in [ResponseLocation::Query, ResponseLocation::Fragment] {
        if let Ok(params) = callback::parse_redirect_url(&text, location) {
            received.push(params);
        }
    }
    received.push(callback::parse_form_post_body(data));
    if let Ok(page) = callback::parse_form_post_html(&text) {
        received.push(page.fields);
    }
    let _ = callback::decode_html_entities(&text);
    let (mode, response_type) = text.split_once('\n').unwrap_or((&text, "code"));
    let _ = callback::resolve_response_mode(Some(mode), response_type);
    let _ = UrlParts::split(&text).map(|url| (url.query_pairs(), url.fragment_pairs()));
    let _ = append_to_url(
        &text,
        [("code", "c"), ("state", "s")],
        data.first().is_some_and(|b| b & 1 == 1),
    );
    let backend = crate::jose::RustCryptoBackend::new(ChaCha20Rng::seed_from_u64(1));
    for params in &received {
        for jarm in [false, true] {
            let mut expect = ResponseExpectations::new(ISSUER, CLIENT_ID, Some("st-1".into()));
            expect.jarm = jarm;
            expect.jarm_algs = Algorithm::ALL.to_vec();
            expect.iss_parameter_supported = true;
            expect.client_secret = Some(SecretString::new(SECRET.to_string()));
            let _ = block_on(validate_authorization_response(
                params,
                &expect,
                Some(public_keys()),
                NOW,
                &backend,
            ));
        }
    }
}

/// A mock server as the scenario tests build it: `profile`'s preset, a fixed clock, a seeded
/// RNG, and client-1 (client_secret_basic, both redirect URIs, every response type).
fn mock_server(profile: ProfileName) -> Option<AuthorizationServer> {
    mock_server_with(profiles::preset(profile, ISSUER))
}

fn mock_server_with(settings: crate::mock_as::ServerSettings) -> Option<AuthorizationServer> {
    let clock = Box::new(FixedClock::at(NOW));
    let mut server = AuthorizationServer::new(settings, clock, Box::new(ChaCha20Rng::seed_from_u64(7))).ok()?;
    let client = serde_json::json!({
        "client_id": CLIENT_ID,
        "client_secret": SECRET,
        "redirect_uris": REDIRECT_URIS,
        "response_types": ["code", "id_token", "id_token token", "code id_token", "code token", "code id_token token"],
        // RFC 7591 §2.1: the implicit and hybrid types need the implicit grant; the spec's
        // default is authorization_code alone.
        "grant_types": ["authorization_code", "implicit", "refresh_token", "client_credentials"],
        "token_endpoint_auth_method": "client_secret_basic",
        "jwks": { "keys": [{ "kty": "oct", "kid": "k1", "k": base64url::encode(SECRET) }] },
    });
    server.register_client_json(&client.to_string()).ok()?;
    Some(server)
}

const PROFILES: [ProfileName; 4] = [
    ProfileName::Hardened,
    ProfileName::Lenient,
    ProfileName::Strict,
    ProfileName::PingOne,
];

const PATHS: [&str; 8] = [
    "/authorize",
    "/par",
    "/token",
    "/userinfo",
    "/authorize/consent",
    "/.well-known/openid-configuration",
    "/jwks",
    "/nowhere",
];

/// The oracle of the server targets: a redirect (302 `Location`) or an auto-submitting form
/// only ever goes to a registered redirect URI (RFC 6749 §3.1.2.3, §4.1.2.1) — never an open
/// redirector, whatever the request said.
fn assert_no_open_redirect(response: &Response) {
    let registered = |target: &str| {
        REDIRECT_URIS.iter().any(|uri| {
            target
                .strip_prefix(uri)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['?', '#']))
        })
    };
    if let Some(location) = response.headers.get("Location") {
        assert!(registered(location), "redirected to {location:?}");
    }
    let body = response.body_text();
    if response.status == 200 && body.contains("Submit This Form") {
        let action = callback::parse_form_post_html(&body).map(|page| page.action);
        assert!(action.as_deref().is_ok_and(registered), "form_post to {action:?}");
    }
}

/// What a later request may quote from earlier answers: `$code`, `$request_uri`,
/// `$access_token`, `$refresh_token`, `$ticket` are replaced with the last value seen.
#[derive(Default)]
struct Harvest(Vec<(&'static str, String)>);

impl Harvest {
    const NAMES: [(&'static str, &'static str); 5] = [
        ("code", "$code"),
        ("request_uri", "$request_uri"),
        ("access_token", "$access_token"),
        ("refresh_token", "$refresh_token"),
        ("ticket", "$ticket"),
    ];

    fn gather(&mut self, response: &Response) {
        let mut found: Vec<(String, String)> = Vec::new();
        if let Some(url) = response.headers.get("Location").and_then(UrlParts::split) {
            found.extend(url.query_pairs());
            found.extend(url.fragment_pairs());
        }
        if let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(&response.body) {
            found.extend(
                body.into_iter()
                    .filter_map(|(k, v)| v.as_str().map(|v| (k, v.to_string()))),
            );
        }
        let page = response.body_text();
        if let Some(ticket) = page
            .split("name=\"ticket\" value=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
        {
            found.push(("ticket".into(), ticket.to_string()));
        }
        for (name, value) in found {
            if let Some((name, _)) = Self::NAMES.iter().find(|(n, _)| *n == name) {
                self.0.retain(|(n, _)| n != name);
                self.0.push((name, value));
            }
        }
    }

    fn fill(&self, text: &str) -> String {
        let mut text = text.to_string();
        for (name, placeholder) in Self::NAMES {
            if let Some((_, value)) = self.0.iter().find(|(n, _)| *n == name) {
                text = text.replace(placeholder, &form_encode([("", value.as_str())])[1..]);
            }
        }
        text
    }
}

/// Up to four HTTP requests to one mock server. The first byte picks the profile; each
/// request is `[method+path byte][auth byte] query \0 body`, requests separated by `\n\n`.
pub fn server(data: &[u8]) {
    server_exchange(data);
}

/// [`server`], returning each response (the seed writer checks that its flows succeed).
pub fn server_exchange(data: &[u8]) -> Vec<Response> {
    let mut responses = Vec::new();
    let Some((&first, rest)) = data.split_first() else {
        return responses;
    };
    let Some(mut server) = mock_server(PROFILES[usize::from(first) % PROFILES.len()]) else {
        return responses;
    };
    let mut harvest = Harvest::default();
    for chunk in split_requests(rest).take(4) {
        let Some(request) = http_request(chunk, &harvest) else {
            continue;
        };
        let response = server.handle(&request);
        assert_no_open_redirect(&response);
        harvest.gather(&response);
        responses.push(response);
    }
    responses
}

fn split_requests(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = Some(data);
    std::iter::from_fn(move || {
        let data = rest?;
        match data.windows(2).position(|w| w == b"\n\n") {
            Some(at) => {
                rest = data.get(at + 2..);
                data.get(..at)
            }
            None => {
                rest = None;
                Some(data)
            }
        }
    })
}

fn http_request(chunk: &[u8], harvest: &Harvest) -> Option<Request> {
    let (&route, rest) = chunk.split_first()?;
    let (&auth, rest) = rest.split_first()?;
    let (query, body) = match rest.iter().position(|b| *b == 0) {
        Some(at) => (&rest[..at], &rest[at + 1..]),
        None => (rest, &[][..]),
    };
    let path = PATHS[usize::from(route & 0x7f) % PATHS.len()];
    let query = harvest.fill(&String::from_utf8_lossy(query));
    let url = if query.is_empty() {
        format!("{ISSUER}{path}")
    } else {
        format!("{ISSUER}{path}?{query}")
    };
    let body = harvest.fill(&String::from_utf8_lossy(body));
    let authorization = match auth % 4 {
        1 => {
            use base64::Engine;
            let basic = base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{SECRET}"));
            Some(format!("Basic {basic}"))
        }
        2 => Some(format!("Bearer {}", harvest.fill("$access_token"))),
        // The body doubles as a raw Authorization header value.
        3 => Some(body.clone()),
        _ => None,
    };
    let mut request = if route & 0x80 == 0 {
        Request::get(url)
    } else {
        Request::form_post(url, body.into_bytes())
    };
    if let Some(value) = authorization {
        request.headers.append("Authorization", value);
    }
    Some(request)
}

/// A request object whose claims (and, with flag bit 2, header) come from the fuzzer, MACed
/// with client-1's secret so that every check past the signature is reachable. The first
/// byte: bit 0 pushes it (PAR, then authorize with the `request_uri`) instead of sending it
/// by value; bit 1 uses the Lenient profile; bit 2 takes the header from the input too (up to
/// the first NUL byte).
pub fn request_object(data: &[u8]) {
    request_object_response(data);
}

/// [`request_object`], returning the final response.
pub fn request_object_response(data: &[u8]) -> Option<Response> {
    let (&flags, rest) = data.split_first()?;
    let default_header = br#"{"alg":"HS256","typ":"oauth-authz-req+jwt"}"#;
    let (header, claims) = match (flags & 4 != 0, rest.iter().position(|b| *b == 0)) {
        (true, Some(at)) => (&rest[..at], &rest[at + 1..]),
        _ => (&default_header[..], rest),
    };
    let signing_input = format!("{}.{}", base64url::encode(header), base64url::encode(claims));
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).ok()?;
    mac.update(signing_input.as_bytes());
    let jwt = format!("{signing_input}.{}", base64url::encode(mac.finalize().into_bytes()));
    let profile = if flags & 2 != 0 {
        ProfileName::Lenient
    } else {
        ProfileName::Hardened
    };
    let mut server = mock_server(profile)?;
    let authorize =
        |pairs: &[(&str, &str)]| Request::get(format!("{ISSUER}/authorize?{}", form_encode(pairs.iter().copied())));
    let response = if flags & 1 == 0 {
        server.handle(&authorize(&[("client_id", CLIENT_ID), ("request", &jwt)]))
    } else {
        use base64::Engine;
        let mut push = Request::form_post(
            format!("{ISSUER}/par"),
            form_encode([("client_id", CLIENT_ID), ("request", jwt.as_str())]),
        );
        let basic = base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{SECRET}"));
        push.headers.append("Authorization", format!("Basic {basic}"));
        let pushed = server.handle(&push);
        let request_uri = serde_json::from_slice::<Value>(&pushed.body)
            .ok()
            .and_then(|body| body.get("request_uri").and_then(Value::as_str).map(str::to_string));
        match request_uri {
            Some(uri) => server.handle(&authorize(&[("client_id", CLIENT_ID), ("request_uri", &uri)])),
            None => pushed,
        }
    };
    assert_no_open_redirect(&response);
    if response.status == 302 {
        // RFC 9207 §2: whatever the claims said, the answer at the redirect URI names this
        // server (inside the JWT for JARM).
        let params = response
            .headers
            .get("Location")
            .and_then(UrlParts::split)
            .map(|url| [url.query_pairs(), url.fragment_pairs()].concat())
            .unwrap_or_default();
        let named = params
            .iter()
            .any(|(k, v)| (k == "iss" && v == ISSUER) || k == "response");
        assert!(named, "no iss in {params:?}");
    }
    Some(response)
}

/// The key the [`dpop`] harness signs every proof with (P-256, from a fixed seed), and its
/// public JWK as the `jwk` header carries it (no `kid`).
fn dpop_key() -> Option<&'static (Jwk, String)> {
    static KEY: OnceLock<Option<(Jwk, String)>> = OnceLock::new();
    KEY.get_or_init(|| {
        let key = crate::jose::keygen::generate_for(Algorithm::ES256, &mut ChaCha20Rng::seed_from_u64(19)).ok()?;
        let mut public: Value = serde_json::from_str(&key.to_public().ok()?.to_json()).ok()?;
        public.as_object_mut()?.remove("kid");
        Some((key, public.to_string()))
    })
    .as_ref()
}

/// Where a [`dpop`] input sends its proof.
#[derive(Clone, Copy, PartialEq, Eq)]
enum DpopTarget {
    Par,
    Token,
    Userinfo,
    /// The same proof twice at PAR.
    ParTwice,
}

/// A DPoP proof (RFC 9449) whose header and claims come from the fuzzer, signed ES256 with
/// the harness key so that every check past the signature is reached. The first byte: bits
/// 0–1 pick PAR, the token endpoint (client credentials), userinfo (with a DPoP-bound token
/// the harness obtained first) or the same proof twice at PAR; bit 2 turns server nonces on
/// (the harness fetches one first). Then the header, a NUL byte and the claims; without a
/// NUL, all of it is the claims under `{"typ":"dpop+jwt","alg":"ES256","jwk":$jwk}`. In both,
/// `$jwk` becomes the harness key's public JWK, `$htu` the endpoint's URL, `$now` the clock,
/// `$nonce` the server's nonce and `$ath` the access token's hash.
pub fn dpop(data: &[u8]) {
    dpop_exchange(data);
}

/// [`dpop`], returning the answers to the fuzzer's proof (two for the twice target).
pub fn dpop_exchange(data: &[u8]) -> Vec<Response> {
    let mut answers = Vec::new();
    let Some((&flags, rest)) = data.split_first() else {
        return answers;
    };
    let Some((key, public_jwk)) = dpop_key() else {
        return answers;
    };
    let target = match flags & 3 {
        0 => DpopTarget::Par,
        1 => DpopTarget::Token,
        2 => DpopTarget::Userinfo,
        _ => DpopTarget::ParTwice,
    };
    let mut settings = profiles::preset(ProfileName::Hardened, ISSUER);
    settings.dpop_nonce_required = flags & 4 != 0;
    let Some(mut server) = mock_server_with(settings.clone()) else {
        return answers;
    };
    let backend = crate::jose::RustCryptoBackend::new(ChaCha20Rng::seed_from_u64(23));
    let sign = |header: &str, claims: &str| -> Option<String> {
        let input = format!("{}.{}", base64url::encode(header), base64url::encode(claims));
        let signature = backend.sign_now(Algorithm::ES256, key, input.as_bytes()).ok()?;
        Some(format!("{input}.{}", base64url::encode(signature)))
    };
    let default_header = format!(r#"{{"typ":"dpop+jwt","alg":"ES256","jwk":{public_jwk}}}"#);
    let (method, url) = match target {
        DpopTarget::Par | DpopTarget::ParTwice => ("POST", format!("{ISSUER}/par")),
        DpopTarget::Token => ("POST", format!("{ISSUER}/token")),
        DpopTarget::Userinfo => ("GET", format!("{ISSUER}/userinfo")),
    };
    let harness_proof = |method: &str, url: &str, jti: &str, nonce: Option<&str>| {
        let mut claims = serde_json::json!({ "jti": jti, "htm": method, "htu": url, "iat": NOW });
        if let (Some(nonce), Some(map)) = (nonce, claims.as_object_mut()) {
            map.insert("nonce".into(), Value::from(nonce));
        }
        sign(&default_header, &claims.to_string())
    };
    let basic = {
        use base64::Engine;
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{SECRET}"))
        )
    };
    let client_credentials = |proof: Option<String>| {
        let mut request = Request::form_post(
            format!("{ISSUER}/token"),
            form_encode([("grant_type", "client_credentials")]),
        );
        request.headers.append("Authorization", basic.clone());
        if let Some(proof) = proof {
            request.headers.append("DPoP", proof);
        }
        request
    };
    // With nonces on, a first proof without one is answered use_dpop_nonce and a DPoP-Nonce
    // header (RFC 9449 §8); that nonce is the one `$nonce` names.
    let nonce = if settings.dpop_nonce_required {
        let Some(proof) = harness_proof("POST", &format!("{ISSUER}/token"), "harness-nonce", None) else {
            return answers;
        };
        server
            .handle(&client_credentials(Some(proof)))
            .headers
            .get("DPoP-Nonce")
            .map(str::to_string)
    } else {
        None
    };
    // Userinfo needs a token bound to the harness key.
    let access_token = if target == DpopTarget::Userinfo {
        let Some(proof) = harness_proof("POST", &format!("{ISSUER}/token"), "harness-token", nonce.as_deref()) else {
            return answers;
        };
        let answer = server.handle(&client_credentials(Some(proof)));
        serde_json::from_slice::<Value>(&answer.body)
            .ok()
            .and_then(|body| body.get("access_token").and_then(Value::as_str).map(str::to_string))
    } else {
        None
    };
    let ath = access_token
        .as_deref()
        .map(crate::oauth::dpop::access_token_hash)
        .unwrap_or_default();
    let fill = |text: &str| {
        text.replace("$jwk", public_jwk)
            .replace("$htu", &url)
            .replace("$now", &NOW.to_string())
            .replace("$nonce", nonce.as_deref().unwrap_or_default())
            .replace("$ath", &ath)
    };
    let text = String::from_utf8_lossy(rest);
    let (header, claims) = match text.split_once('\0') {
        Some((header, claims)) => (fill(header), fill(claims)),
        None => (default_header.clone(), fill(&text)),
    };
    let Some(proof) = sign(&header, &claims) else {
        return answers;
    };
    let request = match target {
        DpopTarget::Par | DpopTarget::ParTwice => {
            let mut push = Request::form_post(
                url.clone(),
                form_encode([
                    ("client_id", CLIENT_ID),
                    ("response_type", "code"),
                    ("redirect_uri", REDIRECT_URIS[0]),
                    ("scope", "openid"),
                    ("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"),
                    ("code_challenge_method", "S256"),
                ]),
            );
            push.headers.append("Authorization", basic.clone());
            push
        }
        DpopTarget::Token => client_credentials(None),
        DpopTarget::Userinfo => {
            let mut call = Request::get(url.clone());
            call.headers.append(
                "Authorization",
                format!("DPoP {}", access_token.as_deref().unwrap_or_default()),
            );
            call
        }
    };
    let mut sent = request;
    sent.headers.append("DPoP", proof);
    let sends = if target == DpopTarget::ParTwice { 2 } else { 1 };
    let mut accepted = 0;
    for _ in 0..sends {
        let answer = server.handle(&sent);
        if (200..300).contains(&answer.status) {
            accepted += 1;
            assert_accepted_proof_is_valid(
                &header,
                &claims,
                method,
                &url,
                &settings,
                nonce.as_deref(),
                access_token.as_deref(),
            );
        }
        answers.push(answer);
    }
    // §11.1: the jti cache refuses the second use of a proof the server took once.
    assert!(accepted <= 1, "the same DPoP proof was accepted {accepted} times");
    answers
}

/// The oracle of [`dpop`]: what RFC 9449 §4.3 requires of any proof a server accepts, checked
/// on the text the harness signed, independently of the server's own code.
fn assert_accepted_proof_is_valid(
    header: &str,
    claims: &str,
    method: &str,
    url: &str,
    settings: &crate::mock_as::ServerSettings,
    nonce: Option<&str>,
    access_token: Option<&str>,
) {
    let header: Value = serde_json::from_str(header).unwrap_or(Value::Null);
    let claims: Value = serde_json::from_str(claims).unwrap_or(Value::Null);
    assert_eq!(header["typ"], "dpop+jwt", "accepted a proof typed {}", header["typ"]);
    let jwk = header["jwk"].as_object();
    assert!(
        jwk.is_some_and(|jwk| !["d", "p", "q", "dp", "dq", "qi", "k"]
            .iter()
            .any(|m| jwk.contains_key(*m))),
        "accepted a proof whose jwk is no public key: {}",
        header["jwk"]
    );
    assert_eq!(claims["htm"], method, "accepted a proof for another method");
    // The htu without query and fragment names this endpoint (scheme and host compared in any
    // case, the default port allowed: RFC 3986 §6.2.2.1, §6.2.3).
    let htu = claims["htu"].as_str().unwrap_or_default();
    let htu = htu.split(['?', '#']).next().unwrap_or_default().to_ascii_lowercase();
    let htu = htu.replacen(":443/", "/", 1);
    assert_eq!(htu, url.to_ascii_lowercase(), "accepted a proof for another URL");
    let iat = claims["iat"].as_i64();
    let window = (NOW - settings.dpop_proof_max_age - settings.clock_skew)..=(NOW + settings.clock_skew);
    assert!(
        iat.is_some_and(|iat| window.contains(&iat)),
        "accepted a proof with iat {iat:?}"
    );
    assert!(claims["jti"].is_string(), "accepted a proof without a jti");
    if settings.dpop_nonce_required {
        assert_eq!(
            claims["nonce"].as_str(),
            nonce,
            "accepted a proof without the server's nonce"
        );
    }
    if let Some(token) = access_token {
        assert_eq!(
            claims["ath"].as_str(),
            Some(crate::oauth::dpop::access_token_hash(token).as_str()),
            "accepted a proof at a resource without the token's hash"
        );
    }
}
