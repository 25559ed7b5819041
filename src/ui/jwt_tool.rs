//! The JWT tool: paste any JWT (an ID token, a JARM response, a request object), or the
//! `response=…` pair or whole callback URL that carries it; see its header and payload, each
//! registered claim explained with times in local time and relative to now; and verify it with
//! a secret, a pasted JWK/JWKS/PEM, a JWKS fetched by URL, the in-page server's JWKS or the
//! playground client's keys — saying which key matched: its place in the set, `kid` and
//! RFC 7638 thumbprint.

use leptos::prelude::*;
use serde_json::{Map, Value};

use super::client_panel::parse_keys;
use super::context::{server_document, state};
use super::fetch_transport::FetchTransport;
use super::widgets::DecodedJwt;
use crate::http::{Request, Transport};
use crate::jose::jws::{decode_unverified, verify_compact_with_jwks};
use crate::jose::{Algorithm, Jwks, SecretString};
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

/// Verifies `jwt` with the one key of `jwks` its header selects, and names that key.
fn verify_with(jwt: &str, jwks: &Jwks, source: &str) -> Result<MatchedKey, String> {
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

#[component]
pub fn JwtTool() -> impl IntoView {
    let app = state();
    let token = RwSignal::new(String::new());
    let source = RwSignal::new(KeySource::Server);
    let key_text = RwSignal::new(String::new());
    let jwks_url = RwSignal::new(String::new());
    let fetching = RwSignal::new(false);
    let verdict = RwSignal::new(None::<Result<MatchedKey, String>>);

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
            let d = decode_unverified(&found.jwt).map_err(|e| e.to_string())?;
            let claims = serde_json::from_slice::<Value>(&d.payload)
                .ok()
                .and_then(|v| v.as_object().cloned())
                .unwrap_or_default();
            Ok((found.jwt, claims))
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
        let keys: Result<(Jwks, &str), String> = match source.get_untracked() {
            KeySource::Fetched => {
                let url = jwks_url.get_untracked();
                fetching.set(true);
                leptos::task::spawn_local(async move {
                    let outcome = fetch_jwks(&url)
                        .await
                        .and_then(|(href, jwks)| verify_with(&jwt, &jwks, &format!("the JWKS fetched from {href}")));
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
        verdict.set(Some(keys.and_then(|(jwks, source)| verify_with(&jwt, &jwks, source))));
    };

    view! {
        <section class="panel" id="jwt-tool" aria-labelledby="jwt-tool-title">
            <h2 id="jwt-tool-title">"JWT tool"</h2>
            <p class="hint">"Paste any JWT — an ID token, a JARM response, a request object — or the response=… pair or whole callback URL that carries one, to decode it, read each claim, and verify its signature."</p>
            <label for="jwt-input">"JWT"</label>
            <textarea id="jwt-input" rows="4" spellcheck="false" prop:value=move || token.get() on:input=move |ev| { token.set(event_target_value(&ev)); verdict.set(None); }></textarea>
            {found_in}
            {move || match decoded.get() {
                Err(e) if e.is_empty() => None,
                Err(e) => Some(view! { <p class="error" role="alert" id="jwt-error">{format!("Cannot decode: {e}")}</p> }.into_any()),
                Ok((jwt, claims)) => {
                    let now = (js_sys::Date::now() / 1000.0).floor() as i64;
                    let rows = explain(&claims, now).into_iter().map(|(name, value, note)| view! {
                        <tr data-claim=name.clone()><th scope="row"><code>{name.clone()}</code></th><td><code class="claim-value">{value}</code></td><td>{note}</td></tr>
                    }).collect_view();
                    Some(view! {
                        <DecodedJwt what="Pasted JWT".to_string() compact=jwt/>
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
