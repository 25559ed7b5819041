//! The JWT tool: paste any JWT (an ID token, a JARM response, a request object; signed, or
//! encrypted as a JWE, which it decrypts with a pasted or managed key or the OIDC Core §10.2 key
//! of a client secret), or the `response=…` pair or whole callback URL that carries it; see its header and payload, each
//! registered claim explained with times in local time and relative to now; and verify it with
//! a secret, a pasted JWK/JWKS/PEM, a JWKS fetched by URL, the in-page server's JWKS or the
//! playground client's keys — saying which key matched: its place in the set, `kid` and
//! RFC 7638 thumbprint.

use leptos::prelude::*;
use serde_json::{Map, Value};

use super::client_panel::parse_keys;
use super::context::{server_document, state};
use super::fetch_transport::FetchTransport;
use super::webcrypto::WebCryptoBackend;
use super::widgets::{is_compact_jwe, DecodedJwe, DecodedJwt, JsonBlock};
use crate::http::{Request, Transport};
use crate::jose::jwe::{self, ContentEncryption, JweOperation, KeyManagement};
use crate::jose::jws::{decode_unverified, verify_compact_with_jwks, verify_json, JsonJws};
use crate::jose::{Algorithm, Jwk, Jwks, SecretString};
use crate::mock_as::encryption::server_decryption_keys;
use crate::mock_as::path;
use crate::oauth::discovery::process_jwks_response;
use crate::oauth::{find_pasted_jwt, ClientAuth};

/// A pasted token is refused above this size.
pub const MAX_JWT_BYTES: usize = 256 * 1024;

/// A fetched JWKS is refused above this size: a set holds at most `jose::jwks::MAX_KEYS` (100)
/// keys, and 100 RSA-8192 public keys come to well under 256 KiB.
pub const MAX_JWKS_BYTES: usize = 256 * 1024;

/// Where the example JWKS (RFC 7515 Appendix A.2 and A.3's public keys) is served, beside the
/// app, so fetching can be tried without a server of one's own.
pub const EXAMPLE_JWKS_PATH: &str = "examples/rfc7515-appendix-a.jwks.json";

/// What a registered or common claim means (RFC 7519 §4.1, OIDC Core §2, JARM §2, RFC 9101 §4).
fn meaning(claim: &str) -> Option<&'static str> {
    Some(match claim {
        "iss" => "issuer: who made the token (RFC 7519 §4.1.1)",
        "sub" => "subject: whom it is about (RFC 7519 §4.1.2)",
        "aud" => "audience: who must accept it; a recipient not listed must reject it (RFC 7519 §4.1.3)",
        "exp" => "expiry: not to be accepted on or after this time (RFC 7519 §4.1.4)",
        "nbf" => "not before: not to be accepted before this time (RFC 7519 §4.1.5)",
        "iat" => "issued at (RFC 7519 §4.1.6)",
        "jti" => "unique id, so a replay can be recognised (RFC 7519 §4.1.7)",
        "nonce" => "the client's nonce, binding the ID token to its request (OIDC Core §2)",
        "auth_time" => "when the user authenticated (OIDC Core §2)",
        "azp" => "authorized party: the client the token was issued to (OIDC Core §2)",
        "at_hash" => "hash of the access token issued alongside (OIDC Core §3.1.3.6)",
        "c_hash" => "hash of the code issued alongside (OIDC Core §3.3.2.11)",
        "acr" => "authentication context class reference (OIDC Core §2)",
        "amr" => "authentication methods used (OIDC Core §2)",
        "sid" => "session id (OIDC Front-Channel Logout §3)",
        "client_id" => "the client, inside a request object equal to the query's (RFC 9101 §5)",
        "response_type" => "authorization parameter carried in a request object (RFC 9101 §4)",
        "redirect_uri" => "where the response goes (RFC 6749 §3.1.2)",
        "scope" => "requested or granted scope (RFC 6749 §3.3)",
        "state" => "the client's state, echoed back (RFC 6749 §4.1.2)",
        "code" => "authorization code inside a JARM response (JARM §2.1)",
        "error" => "error inside a JARM response (JARM §2.1)",
        "code_challenge" => "PKCE challenge (RFC 7636 §4.2)",
        _ => return None,
    })
}

const TIME_CLAIMS: [&str; 4] = ["exp", "nbf", "iat", "auth_time"];

fn relative(seconds: i64) -> String {
    let abs = seconds.unsigned_abs();
    let span = match abs {
        0..=89 => format!("{abs} s"),
        90..=5399 => format!("{} min", (abs + 30) / 60),
        5400..=129_599 => format!("{} h", (abs + 1800) / 3600),
        _ => format!("{} days", (abs + 43_200) / 86_400),
    };
    if seconds >= 0 {
        format!("in {span}")
    } else {
        format!("{span} ago")
    }
}

fn local_time(seconds: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(seconds as f64 * 1000.0));
    String::from(date.to_string())
}

/// One row per claim: name, value, meaning, and for times when and how far from now.
fn explain(claims: &Map<String, Value>, now: i64) -> Vec<(String, String, String)> {
    claims
        .iter()
        .map(|(name, value)| {
            let shown = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let mut note = meaning(name).unwrap_or("").to_string();
            if TIME_CLAIMS.contains(&name.as_str()) {
                match value.as_i64() {
                    Some(t) => {
                        let when = format!("{} ({})", local_time(t), relative(t - now));
                        let verdict = match name.as_str() {
                            "exp" if t <= now => " — EXPIRED",
                            "nbf" if t > now => " — NOT YET VALID",
                            "iat" if t > now + 60 => " — issued in the future",
                            _ => "",
                        };
                        note = format!("{note}. {when}{verdict}");
                    }
                    None => note = format!("{note}. NOT a NumericDate (RFC 7519 §2): a number of seconds is required"),
                }
            }
            (name.clone(), shown, note)
        })
        .collect()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum KeySource {
    Secret,
    Pasted,
    Fetched,
    Server,
    Client,
}

/// The key that verified a token, as the verdict names it.
#[derive(Clone, Debug, PartialEq)]
struct MatchedKey {
    alg: String,
    /// "the JWKS fetched from https://…", "the in-page server's JWKS", …
    source: String,
    /// 1-based place of the key in its set, and the set's size.
    position: usize,
    of: usize,
    kid: Option<String>,
    description: String,
    /// RFC 7638 thumbprint; none for a symmetric key, whose thumbprint is a hash of the secret.
    thumbprint: Option<String>,
}

/// Whether the paste is a JWS in the JSON serialization (RFC 7515 §7.2) rather than compact.
fn is_json_jws(text: &str) -> bool {
    text.trim_start().starts_with('{')
}

/// A JSON-serialized JWS as the tool shows it before any verification.
#[derive(Clone, Debug, PartialEq)]
struct JsonJwsView {
    /// "general (RFC 7515 §7.2.1)" or "flattened (§7.2.2)".
    form: &'static str,
    /// Per signature: its protected header (decoded; an empty object when absent) and its
    /// unprotected header.
    signatures: Vec<(Value, Option<Value>)>,
    /// The payload as text: base64url-decoded, or as it is with `"b64": false` (RFC 7797);
    /// `None` when detached.
    payload: Option<String>,
    unencoded: bool,
}

/// Reads a JSON-serialized JWS for display: its form, each signature's headers and the
/// payload (RFC 7797 `b64: false` taken into account). Nothing here is verified.
fn read_json_jws(text: &str) -> Result<JsonJwsView, String> {
    let jws = JsonJws::parse(text).map_err(|e| e.to_string())?;
    let mut signatures = Vec::with_capacity(jws.signatures.len());
    for (i, entry) in jws.signatures.iter().enumerate() {
        let protected = match &entry.protected {
            Some(p) => {
                let bytes = crate::jose::base64url::decode(p, "JWS protected header").map_err(|e| e.to_string())?;
                serde_json::from_slice::<Value>(&bytes)
                    .map_err(|e| format!("signature {}: the protected header is not JSON: {e}", i + 1))?
            }
            None => Value::Object(Map::new()),
        };
        signatures.push((protected, entry.header.clone().map(Value::Object)));
    }
    // RFC 7797 §3: "b64" sits in the protected header, with one value for all signatures.
    let unencoded = signatures
        .first()
        .is_some_and(|(p, _)| p.get("b64") == Some(&Value::Bool(false)));
    let payload = match &jws.payload {
        None => None,
        Some(p) if unencoded => Some(p.clone()),
        Some(p) => {
            let bytes = crate::jose::base64url::decode(p, "JWS payload").map_err(|e| e.to_string())?;
            Some(String::from_utf8_lossy(&bytes).into_owned())
        }
    };
    Ok(JsonJwsView {
        form: if jws.flattened {
            "flattened (RFC 7515 §7.2.2)"
        } else {
            "general (RFC 7515 §7.2.1)"
        },
        signatures,
        payload,
        unencoded,
    })
}

/// Verifies a JSON-serialized JWS with each key of `jwks` in turn; the first key one of its
/// signatures verifies with is named, with that signature's place.
fn verify_json_with(text: &str, detached: Option<&str>, jwks: &Jwks, source: &str) -> Result<MatchedKey, String> {
    let mut first_error = None;
    for (i, key) in jwks.keys.iter().enumerate() {
        match verify_json(text, detached.map(str::as_bytes), key, &Algorithm::ALL) {
            Ok(v) => {
                let count = JsonJws::parse(text).map_or(1, |j| j.signatures.len());
                return Ok(MatchedKey {
                    alg: format!("{}, signature {} of {count}", v.alg.name(), v.index + 1),
                    source: source.to_string(),
                    position: i + 1,
                    of: jwks.keys.len(),
                    kid: key.kid.clone(),
                    description: key.describe(),
                    thumbprint: (key.material.kty() != "oct").then(|| key.thumbprint()),
                });
            }
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(match first_error {
        Some(e) => format!(
            "Not verified: no signature verifies with any of the {} key(s): {e}",
            jwks.keys.len()
        ),
        None => "Not verified: there is no key to try.".into(),
    })
}

/// Verifies `jwt` with the one key of `jwks` its header selects, and names that key. A JSON
/// serialization goes to [`verify_json_with`], with `detached` as its payload if it has none.
fn verify_with(jwt: &str, detached: Option<&str>, jwks: &Jwks, source: &str) -> Result<MatchedKey, String> {
    if is_json_jws(jwt) {
        return verify_json_with(jwt, detached, jwks, source);
    }
    let (verified, key) =
        verify_compact_with_jwks(jwt, jwks, &Algorithm::ALL).map_err(|e| format!("Not verified: {e}"))?;
    Ok(MatchedKey {
        alg: verified
            .header
            .get("alg")
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_string(),
        source: source.to_string(),
        position: jwks.keys.iter().position(|k| std::ptr::eq(k, key)).map_or(0, |i| i + 1),
        of: jwks.keys.len(),
        kid: key.kid.clone(),
        description: key.describe(),
        thumbprint: (key.material.kty() != "oct").then(|| key.thumbprint()),
    })
}

/// Where the key that decrypts a pasted JWE comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DecryptSource {
    /// The key manager's private keys, and the key OIDC Core §10.2 derives from the client
    /// secret for A128KW, A256KW and dir.
    Client,
    /// A client secret typed here, for the §10.2 key.
    Secret,
    /// A private JWK, JWKS or PEM pasted here.
    Pasted,
    /// The in-page server's encryption keys: what a client encrypted to it.
    Server,
}

/// A JWE that decrypted, as the tool shows it.
#[derive(Clone, Debug, PartialEq)]
struct Decrypted {
    header: Value,
    /// The plaintext as text (a nested JWT, JSON claims, or anything else).
    plaintext: String,
    /// The plaintext when it is a nested JWS (RFC 7519 §5.2), which the tool then decodes and
    /// verifies like a pasted JWT.
    inner: Option<String>,
    /// Which key decrypted it, in words.
    key: String,
}

/// The keys of `source` that fit the JWE's `alg` and `enc`, those named by its `kid` first.
/// Symmetric algorithms get the OIDC Core §10.2 key of the client secret, if one is given.
fn decryption_candidates(
    header: &Map<String, Value>,
    keys: Vec<Jwk>,
    client_secret: Option<&str>,
) -> Result<Vec<(Jwk, String)>, String> {
    let name = |m: &str| header.get(m).and_then(Value::as_str).unwrap_or_default().to_string();
    let alg = KeyManagement::from_name(&name("alg")).map_err(|e| e.to_string())?;
    let enc = ContentEncryption::from_name(&name("enc")).map_err(|e| e.to_string())?;
    let kid = header.get("kid").and_then(Value::as_str);
    let total = keys.len();
    let mut fitting: Vec<(Jwk, String)> = keys
        .into_iter()
        .enumerate()
        .filter(|(_, k)| jwe::check_key(k, alg, enc, JweOperation::Decrypt).is_ok())
        .map(|(i, k)| {
            let words = format!(
                "key {} of {total} ({}{})",
                i + 1,
                k.describe(),
                k.kid
                    .as_deref()
                    .map(|kid| format!(", kid \"{kid}\""))
                    .unwrap_or_default()
            );
            (k, words)
        })
        .collect();
    // RFC 7516 §4.1.6: `kid` is a hint; a key it names goes first, the others still fit.
    fitting.sort_by_key(|(k, _)| kid.is_none() || k.kid.as_deref() != kid);
    if let Some(secret) = client_secret.filter(|s| !s.is_empty()) {
        if let Ok(key) = jwe::key_from_client_secret(secret, alg, enc) {
            fitting.push((key, "the key derived from the client secret (OIDC Core §10.2)".into()));
        }
    }
    if fitting.is_empty() {
        return Err(format!(
            "none of the {total} key(s) can decrypt \"{alg}\" with \"{enc}\": it needs {}{}",
            alg.key_description(),
            if matches!(alg, KeyManagement::A128Kw | KeyManagement::A256Kw | KeyManagement::Dir) {
                ", or a client secret to derive it from (OIDC Core §10.2)"
            } else {
                " (the private key)"
            }
        ));
    }
    Ok(fitting)
}

/// Decrypts `token` with the first of `candidates` that opens it. Every failure of a key is
/// the same "did not decrypt" (RFC 7516 §11.5), so the tool can only say none worked.
async fn decrypt_with(token: &str, candidates: Vec<(Jwk, String)>) -> Result<Decrypted, String> {
    let backend = WebCryptoBackend::new().map_err(|e| e.to_string())?;
    let tried = candidates.len();
    let mut last = None;
    for (key, words) in candidates {
        match jwe::decrypt_compact_with(&backend, token, &key, &KeyManagement::ALL, &ContentEncryption::ALL).await {
            Ok(d) => {
                let plaintext = String::from_utf8_lossy(&d.plaintext).into_owned();
                let trimmed = plaintext.trim();
                let inner = (trimmed.split('.').count() == 3 && decode_unverified(trimmed).is_ok())
                    .then(|| trimmed.to_string());
                return Ok(Decrypted {
                    header: d.header,
                    plaintext,
                    inner,
                    key: words,
                });
            }
            Err(e) => last = Some(e),
        }
    }
    Err(match last {
        Some(crate::jose::JoseError::DecryptionFailed) | None => format!(
            "Not decrypted: {tried} fitting key(s) tried and none opened it — the token is for another key, or it was changed (RFC 7516 §11.5: which of the two is not told)."
        ),
        Some(e) => format!("Not decrypted: {e}"),
    })
}

/// Fetches a JWKS through the browser, refusing what the page's Content-Security-Policy would
/// block anyway (so the console stays clean and the reason is said), oversize bodies, and
/// anything but a 200 with a JWK Set. `input` may be relative to the page.
async fn fetch_jwks(input: &str) -> Result<(String, Jwks), String> {
    let input = input.trim();
    if input.is_empty() {
        return Err("Type the URL of a JWKS: https, this page's own origin, or a loopback server.".into());
    }
    let window = web_sys::window().ok_or("there is no window to fetch from")?;
    let page = window
        .location()
        .href()
        .map_err(|_| "the page's own address cannot be read")?;
    let url = web_sys::Url::new_with_base(input, &page).map_err(|_| format!("\"{input}\" is not a URL"))?;
    let href = url.href();
    let loopback = url.protocol() == "http:" && matches!(url.hostname().as_str(), "127.0.0.1" | "localhost");
    let same_origin = window.location().origin().is_ok_and(|o| o == url.origin());
    if !(url.protocol() == "https:" || loopback || same_origin) {
        return Err(format!(
            "{href} cannot be fetched from this page: its Content-Security-Policy allows https URLs, \
             this page's own origin and loopback servers (127.0.0.1, localhost) only."
        ));
    }
    // The transport stops reading at the limit, so an oversized answer is never buffered.
    let response = FetchTransport::with_max_body(MAX_JWKS_BYTES)
        .send(Request::get(href.clone()))
        .await
        .map_err(|e| format!("Could not fetch the JWKS: {}", e.message))?;
    let jwks =
        process_jwks_response(&response).map_err(|e| format!("{href} did not answer with a usable JWKS: {e}"))?;
    Ok((href, jwks))
}

/// A JWS in the JSON serialization, decoded (not verified): its form, each signature's
/// headers, the payload (or a field for the detached one).
#[component]
fn DecodedJsonJws(text: String, detached: RwSignal<String>) -> impl IntoView {
    let Ok(view) = read_json_jws(&text) else {
        return ().into_any();
    };
    let count = view.signatures.len();
    let signatures = view
        .signatures
        .into_iter()
        .enumerate()
        .map(|(i, (protected, unprotected))| {
            let alg = protected
                .get("alg")
                .or_else(|| unprotected.as_ref().and_then(|u| u.get("alg")))
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_string();
            view! {
                <li>
                    <p>{format!("Signature {} of {count}: alg {alg}", i + 1)}</p>
                    <div class="jwt-parts">
                        <JsonBlock what="Protected header" value=protected/>
                        {unprotected.map(|u| view! { <JsonBlock what="Unprotected header (not integrity protected)" value=u/> })}
                    </div>
                </li>
            }
        })
        .collect_view();
    let payload = match view.payload {
        Some(p) => view! {
            <super::widgets::CodeBlock what=if view.unencoded { "Payload (unencoded, RFC 7797 b64: false)" } else { "Payload (decoded)" } text=p id="jwt-json-payload"/>
        }
        .into_any(),
        None => view! {
            <p>"The payload is detached (RFC 7515 Appendix F): type it to verify."</p>
            <label for="jwt-detached">"Detached payload"</label>
            <textarea id="jwt-detached" rows="2" spellcheck="false" prop:value=move || detached.get() on:input=move |ev| detached.set(event_target_value(&ev))></textarea>
        }
        .into_any(),
    };
    view! {
        <div class="decoded-jwt" id="jwt-json">
            <h4>"Pasted JWS, JSON serialization"<span class="muted">{format!(" ({}; decoded, not verified here)", view.form)}</span></h4>
            <ol class="json-signatures">{signatures}</ol>
            {payload}
        </div>
    }
    .into_any()
}

#[component]
pub fn JwtTool() -> impl IntoView {
    let app = state();
    let token = RwSignal::new(String::new());
    let source = RwSignal::new(KeySource::Server);
    let key_text = RwSignal::new(String::new());
    let jwks_url = RwSignal::new(String::new());
    let fetching = RwSignal::new(false);
    let verdict = RwSignal::new(None::<Result<MatchedKey, String>>);
    let detached = RwSignal::new(String::new());
    let decrypt_source = RwSignal::new(DecryptSource::Client);
    let decrypt_key_text = RwSignal::new(String::new());
    let decrypted = RwSignal::new(None::<Result<Decrypted, String>>);
    let decrypting = RwSignal::new(false);

    let cleaned = Memo::new(move |_| {
        let text = token.get();
        if text.len() > MAX_JWT_BYTES {
            return Err(format!(
                "{} bytes: a token may have at most {} KiB here",
                text.len(),
                MAX_JWT_BYTES / 1024
            ));
        }
        // A bare token, `response=…` / `id_token=…` pairs, or a whole callback URL.
        Ok(find_pasted_jwt(&text))
    });
    let decoded = Memo::new(move |_| {
        cleaned.get().and_then(|found| {
            if found.jwt.is_empty() {
                return Err(String::new());
            }
            // A JWE is shown by its own section; once decrypted, a nested JWT inside it is
            // decoded and verified here like a pasted one.
            let jwt = if is_compact_jwe(&found.jwt) {
                match decrypted.get() {
                    Some(Ok(Decrypted { inner: Some(inner), .. })) => inner,
                    _ => return Err(String::new()),
                }
            } else {
                found.jwt
            };
            let payload = if is_json_jws(&jwt) {
                read_json_jws(&jwt)?.payload.unwrap_or_default().into_bytes()
            } else {
                decode_unverified(&jwt).map_err(|e| e.to_string())?.payload
            };
            let claims = serde_json::from_slice::<Value>(&payload)
                .ok()
                .and_then(|v| v.as_object().cloned())
                .unwrap_or_default();
            Ok((jwt, claims))
        })
    });
    let found_in = move || {
        cleaned.get().ok().and_then(|f| f.parameter).map(|name| {
            view! { <p class="muted" id="jwt-found-in">{format!("Found the JWT in the \"{name}\" parameter of what you pasted.")}</p> }
        })
    };

    let verify = move |_| {
        let Ok((jwt, _)) = decoded.get_untracked() else {
            verdict.set(Some(Err("Paste a JWT first.".into())));
            return;
        };
        verdict.set(None);
        // A JSON serialization without payload (RFC 7515 Appendix F) is verified over the
        // detached payload typed beside it.
        let detached_payload = (is_json_jws(&jwt) && read_json_jws(&jwt).is_ok_and(|v| v.payload.is_none()))
            .then(|| detached.get_untracked())
            .filter(|d| !d.is_empty());
        let keys: Result<(Jwks, &str), String> = match source.get_untracked() {
            KeySource::Fetched => {
                let url = jwks_url.get_untracked();
                fetching.set(true);
                leptos::task::spawn_local(async move {
                    let outcome = fetch_jwks(&url).await.and_then(|(href, jwks)| {
                        verify_with(
                            &jwt,
                            detached_payload.as_deref(),
                            &jwks,
                            &format!("the JWKS fetched from {href}"),
                        )
                    });
                    verdict.set(Some(outcome));
                    fetching.set(false);
                    super::announce::refocus_if_lost("jwt-verify").await;
                });
                return;
            }
            KeySource::Secret => {
                let secret = key_text.get_untracked();
                if secret.is_empty() {
                    Err("Type the shared secret (for HS256/384/512).".into())
                } else {
                    Ok((
                        Jwks::new(vec![ClientAuth::secret_key(&SecretString::new(secret))]),
                        "the shared secret",
                    ))
                }
            }
            KeySource::Pasted => parse_keys(&key_text.get_untracked()).map(|k| (Jwks::new(k), "the pasted keys")),
            KeySource::Server => server_document(path::JWKS)
                .and_then(|t| Jwks::from_json(&t).map_err(|e| e.to_string()))
                .map(|k| (k, "the in-page server's JWKS")),
            KeySource::Client => Ok(app.workspace.with_untracked(|w| {
                let mut keys: Vec<_> = w.public_jwks().keys;
                if let Some(s) = &w.client.client_secret {
                    keys.push(ClientAuth::secret_key(&SecretString::new(s.expose().to_string())));
                }
                (Jwks::new(keys), "this client's keys and secret")
            })),
        };
        verdict.set(Some(keys.and_then(|(jwks, source)| {
            verify_with(&jwt, detached_payload.as_deref(), &jwks, source)
        })));
    };

    let jwe_token = Memo::new(move |_| cleaned.get().ok().map(|f| f.jwt).filter(|t| is_compact_jwe(t)));
    let decrypt = move |_| {
        let Some(token) = jwe_token.get_untracked() else {
            return;
        };
        let header = match jwe::decode_header(&token) {
            Ok(h) => h,
            Err(e) => {
                decrypted.set(Some(Err(format!("Not decrypted: {e}"))));
                return;
            }
        };
        let candidates = match decrypt_source.get_untracked() {
            DecryptSource::Client => app.workspace.with_untracked(|w| {
                let keys = w
                    .keys
                    .iter()
                    .filter(|k| k.jwk.is_private())
                    .map(|k| k.jwk.clone())
                    .collect();
                let secret = w.client.client_secret.as_ref().map(|s| s.expose().to_string());
                decryption_candidates(&header, keys, secret.as_deref())
            }),
            DecryptSource::Secret => {
                let secret = decrypt_key_text.get_untracked();
                if secret.is_empty() {
                    Err("Type the client secret the key is derived from.".into())
                } else {
                    decryption_candidates(&header, Vec::new(), Some(&secret))
                }
            }
            DecryptSource::Pasted => parse_keys(&decrypt_key_text.get_untracked())
                .and_then(|keys| decryption_candidates(&header, keys, None)),
            DecryptSource::Server => decryption_candidates(&header, server_decryption_keys(), None),
        };
        let candidates = match candidates {
            Ok(c) => c,
            Err(e) => {
                decrypted.set(Some(Err(format!("Not decrypted: {e}"))));
                return;
            }
        };
        decrypting.set(true);
        leptos::task::spawn_local(async move {
            let outcome = decrypt_with(&token, candidates).await;
            decrypted.set(Some(outcome));
            decrypting.set(false);
            super::announce::refocus_if_lost("jwt-decrypt").await;
        });
    };
    let jwe_section = move || {
        jwe_token.get().map(|token| {
            view! {
                <DecodedJwe what="Pasted JWE".to_string() compact=token/>
                <fieldset id="jwt-decrypt-with">
                    <legend>"Decrypt with"</legend>
                    {[(DecryptSource::Client, "jwt-dec-client", "this client's private keys and secret"), (DecryptSource::Secret, "jwt-dec-secret", "a client secret (OIDC Core §10.2)"), (DecryptSource::Pasted, "jwt-dec-pasted", "a pasted private JWK, JWKS or PEM"), (DecryptSource::Server, "jwt-dec-server", "the in-page server's encryption keys (what a client sent it)")]
                        .into_iter()
                        .map(|(s, id, label)| view! {
                            <span class="radio">
                                <input type="radio" name="jwt-decrypt-source" id=id prop:checked=move || decrypt_source.get() == s on:change=move |_| { decrypt_source.set(s); decrypted.set(None); }/>
                                <label for=id>{label}</label>
                            </span>
                        })
                        .collect_view()}
                    <Show when=move || matches!(decrypt_source.get(), DecryptSource::Secret | DecryptSource::Pasted)>
                        <label for="jwt-decrypt-key">{move || if decrypt_source.get() == DecryptSource::Secret { "Client secret" } else { "Private key (JWK, JWKS or PEM)" }}</label>
                        <textarea id="jwt-decrypt-key" rows="3" spellcheck="false" prop:value=move || decrypt_key_text.get() on:input=move |ev| decrypt_key_text.set(event_target_value(&ev))></textarea>
                    </Show>
                </fieldset>
                <button type="button" id="jwt-decrypt" on:click=decrypt disabled=move || decrypting.get() aria-busy=move || decrypting.get().to_string()>
                    {move || if decrypting.get() { "Decrypting…" } else { "Decrypt" }}
                </button>
                {move || match decrypted.get() {
                    Some(Ok(d)) => Some(view! {
                        <div class="ok" role="status" id="jwt-decrypted">
                            <p>
                                <span aria-hidden="true">"✓ "</span>
                                {format!("Decrypted with {}.", d.key)}
                                {if d.inner.is_some() { " Inside is a signed JWT (a nested JWT, RFC 7519 §5.2): decoded below, verify its signature with the keys of its issuer." } else { " Inside is not a JWT: the plaintext is below." }}
                            </p>
                            {d.inner.is_none().then(|| match serde_json::from_str::<Value>(&d.plaintext) {
                                Ok(v) => view! { <JsonBlock what="Decrypted plaintext" value=v id="jwt-plaintext"/> }.into_any(),
                                Err(_) => view! { <super::widgets::CodeBlock what="Decrypted plaintext" text=d.plaintext.clone() id="jwt-plaintext"/> }.into_any(),
                            })}
                        </div>
                    }.into_any()),
                    Some(Err(e)) => Some(view! { <p class="error" role="alert" id="jwt-decrypted"><span aria-hidden="true">"✗ "</span>{e}</p> }.into_any()),
                    None => None,
                }}
            }
        })
    };

    view! {
        <section class="panel" id="jwt-tool" aria-labelledby="jwt-tool-title">
            <h2 id="jwt-tool-title">"JWT tool"</h2>
            <p class="hint">"Paste any JWT — an ID token, a JARM response, a request object, signed (JWS) or encrypted (JWE) — or the response=… pair or whole callback URL that carries one, to decode it, decrypt it, read each claim, and verify its signature."</p>
            <label for="jwt-input">"JWT"</label>
            <textarea id="jwt-input" rows="4" spellcheck="false" prop:value=move || token.get() on:input=move |ev| { token.set(event_target_value(&ev)); verdict.set(None); decrypted.set(None); }></textarea>
            {found_in}
            {jwe_section}
            {move || match decoded.get() {
                Err(e) if e.is_empty() => None,
                Err(e) => Some(view! { <p class="error" role="alert" id="jwt-error">{format!("Cannot decode: {e}")}</p> }.into_any()),
                Ok((jwt, claims)) => {
                    let now = (js_sys::Date::now() / 1000.0).floor() as i64;
                    let rows = explain(&claims, now).into_iter().map(|(name, value, note)| view! {
                        <tr data-claim=name.clone()><th scope="row"><code>{name.clone()}</code></th><td><code class="claim-value">{value}</code></td><td>{note}</td></tr>
                    }).collect_view();
                    Some(view! {
                        {if is_json_jws(&jwt) {
                            view! { <DecodedJsonJws text=jwt detached=detached/> }.into_any()
                        } else {
                            view! { <DecodedJwt what=if jwe_token.get_untracked().is_some() { "Inner JWT (decrypted from the JWE)".to_string() } else { "Pasted JWT".to_string() } compact=jwt/> }.into_any()
                        }}
                        <table class="claims" id="jwt-claims">
                            <caption>"Claims, explained"</caption>
                            <thead><tr><th scope="col">"claim"</th><th scope="col">"value"</th><th scope="col">"meaning"</th></tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    }.into_any())
                }
            }}
            <fieldset>
                <legend>"Verify with"</legend>
                {[(KeySource::Server, "jwt-key-server", "the in-page server's JWKS"), (KeySource::Client, "jwt-key-client", "this client's keys and secret"), (KeySource::Secret, "jwt-key-secret", "a shared secret"), (KeySource::Pasted, "jwt-key-pasted", "a pasted JWK, JWKS or PEM"), (KeySource::Fetched, "jwt-key-fetched", "a JWKS fetched by URL")]
                    .into_iter()
                    .map(|(s, id, label)| view! {
                        <span class="radio">
                            <input type="radio" name="jwt-key-source" id=id prop:checked=move || source.get() == s on:change=move |_| { source.set(s); verdict.set(None); }/>
                            <label for=id>{label}</label>
                        </span>
                    })
                    .collect_view()}
                <Show when=move || matches!(source.get(), KeySource::Secret | KeySource::Pasted)>
                    <label for="jwt-key">{move || if source.get() == KeySource::Secret { "Secret" } else { "Key (JWK, JWKS or PEM)" }}</label>
                    <textarea id="jwt-key" rows="3" spellcheck="false" prop:value=move || key_text.get() on:input=move |ev| key_text.set(event_target_value(&ev))></textarea>
                </Show>
                <Show when=move || source.get() == KeySource::Fetched>
                    <label for="jwt-jwks-url">"JWKS URL"</label>
                    <input type="url" id="jwt-jwks-url" spellcheck="false" placeholder="https://server.example/jwks" aria-describedby="jwt-jwks-url-help" prop:value=move || jwks_url.get() on:input=move |ev| { jwks_url.set(event_target_value(&ev)); verdict.set(None); }/>
                    <span class="help" id="jwt-jwks-url-help">
                        "Fetched by this browser: the server must allow this page's origin (CORS). To try it, use "
                        <code>{EXAMPLE_JWKS_PATH}</code>
                        ", this page's copy of the RFC 7515 Appendix A.2 and A.3 public keys."
                    </span>
                </Show>
            </fieldset>
            <button type="button" id="jwt-verify" on:click=verify disabled=move || fetching.get() aria-busy=move || fetching.get().to_string()>
                {move || if fetching.get() { "Fetching the JWKS…" } else { "Verify signature" }}
            </button>
            {move || match verdict.get() {
                Some(Ok(m)) => Some(view! {
                    <div class="ok" role="status" id="jwt-verdict">
                        <p>
                            <span aria-hidden="true">"✓ "</span>
                            {format!("Signature valid ({}), verified with key {} of {} in {}.", m.alg, m.position, m.of, m.source)}
                        </p>
                        <dl class="key-facts" id="jwt-matched-key">
                            <dt>"kid"</dt>
                            <dd id="jwt-matched-kid">{m.kid.unwrap_or_else(|| "(none)".into())}</dd>
                            <dt>"key"</dt>
                            <dd>{m.description}</dd>
                            <dt>"RFC 7638 thumbprint"</dt>
                            <dd id="jwt-matched-thumbprint">{m.thumbprint.unwrap_or_else(|| "not shown for a symmetric key: it would be a hash of the secret".into())}</dd>
                        </dl>
                    </div>
                }.into_any()),
                Some(Err(e)) => Some(view! { <p class="error" role="alert" id="jwt-verdict"><span aria-hidden="true">"✗ "</span>{e}</p> }.into_any()),
                None => None,
            }}
        </section>
    }
}
