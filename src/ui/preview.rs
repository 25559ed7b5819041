//! The live preview of the request (request object header and payload, editable before
//! signing; the signed JWT; the exact URL or PAR body) and the compare view of the four
//! deliveries for trainers.

use std::cell::Cell;

use leptos::prelude::*;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde_json::Value;

use super::announce::focus_when_shown;
use super::context::state;
use super::external::target_metadata;
use super::mock_api::BrowserClock;
use super::request_panel::delivery_label;
use super::webcrypto::WebCryptoBackend;
use super::widgets::{jwe_part_sizes, pretty, CodeBlock, CompactJwe, CompactJwt, JsonBlock};
use crate::clock::Clock;
use crate::http::Request;
use crate::oauth::config::RequestObjectEdit;
use crate::oauth::delivery::par_authorization_url;
use crate::oauth::ServerMetadata;
use crate::oauth::{
    curl_command, prepare_authorization, Config, Delivery, Endpoints, FirstMessage, PreparedAuthorization, Secrets,
};
use crate::protocol::{form_decode, UrlParts};
use crate::workspace::TargetSettings;

/// What the browser's address bar shows after a PAR: the `request_uri` is only known once
/// the server answered, so the preview names it.
const REQUEST_URI_PLACEHOLDER: &str = "urn:ietf:params:oauth:request_uri:ISSUED-BY-THE-SERVER";

/// Hand-edited header or payload text is refused above this size: large enough to push a
/// request object past PingOne's 1 MB PAR limit, small enough to keep the page responsive.
pub const MAX_EDIT_BYTES: usize = 1_500_000;

thread_local! {
    /// One seed per page, so the preview's `jti` stays put while the user types.
    static PREVIEW_SEED: Cell<Option<[u8; 32]>> = const { Cell::new(None) };
}

fn preview_rng() -> ChaCha20Rng {
    let seed = PREVIEW_SEED.with(|s| match s.get() {
        Some(seed) => seed,
        None => {
            let mut seed = [0u8; 32];
            if let Some(crypto) = web_sys::window().and_then(|w| w.crypto().ok()) {
                let _ = crypto.get_random_values_with_u8_array(&mut seed);
            }
            s.set(Some(seed));
            seed
        }
    });
    ChaCha20Rng::from_seed(seed)
}

/// What `config` sends first, made exactly as a run makes it (against the in-page server),
/// and the URL the address bar then shows (after a PAR, with the `request_uri` named).
pub async fn prepare(
    config: Config,
    target: TargetSettings,
    discovered: Option<ServerMetadata>,
) -> Result<(String, PreparedAuthorization), String> {
    let metadata = target_metadata(&target, discovered.as_ref())?;
    let authorization_endpoint = metadata
        .authorization_endpoint
        .clone()
        .ok_or("the server publishes no authorization_endpoint")?;
    // The server's JWKS, for a request object encrypted to it: the in-page server's is at
    // hand; a real server's is fetched by the run, so its preview shows why it cannot encrypt.
    let jwks = match target.kind {
        crate::workspace::TargetKind::InPage => super::context::mock_jwks(),
        _ => None,
    };
    let endpoints = Endpoints {
        issuer: &metadata.issuer,
        authorization_endpoint: &authorization_endpoint,
        pushed_authorization_request_endpoint: metadata.pushed_authorization_request_endpoint.as_deref(),
        jwks: jwks.as_ref(),
    };
    let backend = WebCryptoBackend::new().map_err(|e| e.to_string())?;
    let now = BrowserClock.now();
    let prepared = prepare_authorization(&config, &endpoints, &metadata.issuer, now, &mut preview_rng(), &backend)
        .await
        .map_err(|e| e.to_string())?;
    let address = match &prepared.first {
        FirstMessage::Redirect { authorize_url } => authorize_url.clone(),
        FirstMessage::Push { .. } => par_authorization_url(
            &authorization_endpoint,
            &config.request.client_id,
            REQUEST_URI_PLACEHOLDER,
        ),
    };
    Ok((address, prepared))
}

/// Runs `compute` whenever its inputs change, keeping only the newest answer.
fn async_memo<T, Fut>(compute: impl Fn() -> Fut + 'static) -> RwSignal<Option<T>>
where
    T: Send + Sync + 'static,
    Fut: std::future::Future<Output = T> + 'static,
{
    let out = RwSignal::new(None);
    let generation = StoredValue::new(0u64);
    Effect::new(move |_| {
        let future = compute();
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        leptos::task::spawn_local(async move {
            let value = future.await;
            if generation.get_value() == mine {
                out.set(Some(value));
            }
        });
    });
    out
}

fn query_names(url: &str) -> Vec<String> {
    UrlParts::split(url)
        .map(|p| {
            form_decode(p.query.unwrap_or_default().as_bytes())
                .into_iter()
                .map(|(k, _)| k)
                .collect()
        })
        .unwrap_or_default()
}

#[component]
pub fn PreviewPanel() -> impl IntoView {
    let app = state();
    let ws = app.workspace;
    let config = Memo::new(move |_| ws.with(|w| w.config()));
    // Only the target's own fields: reading the whole workspace here would rebuild the
    // preview on every change, the run options and the server panel's included.
    let target = Memo::new(move |_| ws.with(|w| w.target.clone()));
    let prepared = async_memo(move || {
        let config = config.get();
        let target = target.get();
        let discovered = app.discovered.get();
        async move { prepare(config, target, discovered).await }
    });
    // The request object's header and payload as the form makes them, when the delivery has one.
    let object = Memo::new(move |_| {
        prepared.with(|p| match p {
            Some(Ok((_, prepared))) => prepared.request_object.as_ref().map(|o| {
                (
                    pretty(&Value::Object(o.header.clone())),
                    pretty(&Value::Object(o.claims.clone())),
                )
            }),
            _ => None,
        })
    });
    let has_object = Memo::new(move |_| object.with(Option::is_some));
    // Created once for the panel: the preview below is rebuilt whenever the request changes,
    // and an editor living inside it would close (and lose its draft) under the user's click.
    let editor = EditorState::new();
    view! {
        <section class="panel" id="preview" aria-labelledby="preview-title" aria-live="polite">
            <h2 id="preview-title">"Preview: what will be sent"</h2>
            {move || match prepared.get() {
                None => Some(view! { <p class="muted">"Preparing…"</p> }.into_any()),
                Some(Err(e)) => Some(view! {
                    <p class="error" role="alert" id="preview-error"><strong>"Cannot build the request: "</strong>{e}</p>
                }
                .into_any()),
                Some(Ok(_)) => None,
            }}
            <Show when=move || has_object.get()>
                <RequestObjectEditor object editor/>
            </Show>
            {move || prepared.get().and_then(Result::ok).map(|(address, prepared)| view! { <PreparedView prepared address/> })}
        </section>
    }
}

/// What follows the request object: the signed JWT and the first message.
#[component]
fn PreparedView(prepared: PreparedAuthorization, address: String) -> impl IntoView {
    let jwt = prepared
        .request_object_jwt
        .clone()
        .map(|jwt| view! { <h3>"Signed request object"</h3><CompactJwt compact=jwt id="preview-jwt"/> });
    let first = match &prepared.first {
        FirstMessage::Redirect { authorize_url } => {
            let len = authorize_url.len();
            view! {
                <h3>"Front channel: the browser is sent to"</h3>
                <CodeBlock what="Authorization URL" text=authorize_url.clone() id="preview-url"/>
                <p class="measure">{format!("{len} characters in the address bar")}</p>
            }
            .into_any()
        }
        FirstMessage::Push { request } => view! {
            <h3>"Back channel: the client POSTs first"</h3>
            <HttpRequestView request=request.clone() id="preview-par"/>
            <h3>"Then the browser is sent to"</h3>
            <CodeBlock what="Authorization URL" text=address id="preview-url"/>
        }
        .into_any(),
    };
    // RFC 9101 §4 / OIDC Core §6.1: the nested JWT that is sent, the signed one above inside.
    let jwe = prepared.request_object_jwe.clone().map(|nested| {
        view! {
            <h3>"Then encrypted to the server (what is sent)"</h3>
            <JsonBlock what="JWE protected header" value=serde_json::Value::Object(nested.header) id="preview-jwe-header"/>
            <p class="jwe-sizes">{jwe_part_sizes(&nested.jwe)}</p>
            <CompactJwe compact=nested.jwe id="preview-jwe"/>
        }
    });
    view! {
        {jwt}
        {jwe}
        {first}
    }
}

/// A request as sent: method and URL, headers, body, and a curl command (secrets as
/// placeholders).
#[component]
pub fn HttpRequestView(request: Request, #[prop(optional)] id: Option<&'static str>) -> impl IntoView {
    let headers = request
        .headers
        .iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect::<Vec<_>>()
        .join("\n");
    let body = String::from_utf8_lossy(&request.body).into_owned();
    let curl = curl_command(&request, Secrets::Placeholder);
    view! {
        <div class="http-request" id=id.unwrap_or_default()>
            <CodeBlock what="Request line" text=format!("{} {}", request.method, request.url)/>
            {(!headers.is_empty()).then(|| view! { <CodeBlock what="Headers" text=headers/> })}
            {(!body.is_empty()).then(|| view! { <CodeBlock what="Body" text=body/> })}
            <CodeBlock what="curl (secrets as placeholders)" text=curl/>
        </div>
    }
}

/// The editor's state, owned by the preview panel so that rebuilding the preview (on every
/// change to the request) keeps what the user is doing.
#[derive(Clone, Copy)]
struct EditorState {
    editing: RwSignal<bool>,
    header: RwSignal<String>,
    payload: RwSignal<String>,
    /// Whether the user typed in the drafts; until then they follow the form.
    touched: RwSignal<bool>,
    error: RwSignal<Option<String>>,
}

impl EditorState {
    fn new() -> Self {
        Self {
            editing: RwSignal::new(false),
            header: RwSignal::new(String::new()),
            payload: RwSignal::new(String::new()),
            touched: RwSignal::new(false),
            error: RwSignal::new(None),
        }
    }

    fn open(self, (header, payload): (String, String)) {
        self.header.set(header);
        self.payload.set(payload);
        self.touched.set(false);
        self.error.set(None);
        self.editing.set(true);
    }

    fn close(self) {
        self.editing.set(false);
        self.error.set(None);
    }
}

fn check_edited(text: &str, part: &str) -> Result<(), String> {
    if text.len() > MAX_EDIT_BYTES {
        return Err(format!(
            "the {part} is {} bytes; an edited part may have at most {} KB (enough to test any server's size limit)",
            text.len(),
            MAX_EDIT_BYTES / 1000
        ));
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(_)) => Ok(()),
        Ok(_) => Err(format!("the {part} must be a JSON object")),
        Err(e) => Err(format!(
            "the {part} is not JSON: {e} (line {}, column {})",
            e.line(),
            e.column()
        )),
    }
}

/// The request object's header and payload; "Edit before signing" turns them into text areas
/// whose JSON is checked before it is signed, and which never touch the form values.
#[component]
fn RequestObjectEditor(object: Memo<Option<(String, String)>>, editor: EditorState) -> impl IntoView {
    let ws = state().workspace;
    let edited = Memo::new(move |_| ws.with(|w| w.edit.is_some()));
    // A click can land while the preview is still catching up with the form (a text field
    // commits when the user moves on): untouched drafts take the newest object when it comes.
    Effect::new(move |_| {
        let newest = object.get();
        if editor.editing.get_untracked() && !editor.touched.get_untracked() {
            if let Some((header, payload)) = newest {
                editor.header.set(header);
                editor.payload.set(payload);
            }
        }
    });
    let sign = move |_| {
        let (h, p) = (editor.header.get_untracked(), editor.payload.get_untracked());
        match check_edited(&h, "header").and_then(|()| check_edited(&p, "payload")) {
            Ok(()) => {
                editor.close();
                ws.update(|w| w.edit = Some(RequestObjectEdit { header: h, payload: p }));
                leptos::task::spawn_local(focus_when_shown("edit-start"));
            }
            Err(e) => editor.error.set(Some(e)),
        }
    };
    let start = move |_| {
        if let Some(parts) = object.get_untracked() {
            editor.open(parts);
            leptos::task::spawn_local(focus_when_shown("edit-header"));
        }
    };
    let draft_input = move |draft: RwSignal<String>| {
        move |ev| {
            editor.touched.set(true);
            draft.set(event_target_value(&ev));
        }
    };
    view! {
        <h3>"Request object"</h3>
        <Show when=move || edited.get()>
            <p class="notice" id="edit-notice">
                <strong>"Edited by hand: "</strong>
                "this object is signed exactly as typed; the form above no longer changes it. "
                <button type="button" id="edit-discard" on:click=move |_| {
                    ws.update(|w| w.edit = None);
                    leptos::task::spawn_local(focus_when_shown("edit-start"));
                }>"Discard edits"</button>
            </p>
        </Show>
        <Show
            when=move || editor.editing.get()
            fallback=move || view! {
                {move || object.get().map(|(h, p)| view! {
                    <div class="jwt-parts">
                        <JsonBlock what="Header" value=serde_json::from_str(&h).unwrap_or(Value::Null) id="preview-header"/>
                        <JsonBlock what="Payload (claims)" value=serde_json::from_str(&p).unwrap_or(Value::Null) id="preview-payload"/>
                    </div>
                })}
                <button type="button" id="edit-start" on:click=start>"Edit before signing"</button>
            }
        >
            <div class="jwt-parts">
                <div>
                    <label for="edit-header">"Header (JSON)"</label>
                    <textarea id="edit-header" rows="6" spellcheck="false" prop:value=move || editor.header.get() on:input=draft_input(editor.header)></textarea>
                </div>
                <div>
                    <label for="edit-payload">"Payload (JSON)"</label>
                    <textarea id="edit-payload" rows="14" spellcheck="false" prop:value=move || editor.payload.get() on:input=draft_input(editor.payload)></textarea>
                </div>
            </div>
            {move || editor.error.get().map(|e| view! { <p class="error" role="alert" id="edit-error">{e}</p> })}
            <div class="actions">
                <button type="button" id="edit-sign" on:click=sign>"Sign these edits"</button>
                <button type="button" id="edit-cancel" on:click=move |_| {
                    editor.close();
                    // Closing the editor gives focus back to the button that opened it.
                    leptos::task::spawn_local(focus_when_shown("edit-start"));
                }>"Cancel"</button>
            </div>
        </Show>
    }
}

/// What a front-channel attacker (a browser extension, a proxy log, a Referer header, the
/// history) sees and can do, per delivery.
fn attacker(delivery: Delivery) -> (&'static str, &'static str) {
    match delivery {
        Delivery::Plain => (
            "Every parameter, in clear text in the URL.",
            "Any parameter (scope, redirect_uri, response_type…) without the server noticing: nothing protects their integrity.",
        ),
        Delivery::Jar => (
            "Every parameter still: a signed request object is not encrypted, its payload is base64url JSON.",
            "Nothing inside without breaking the signature (RFC 9101 §6.2). The whole object can be replayed until exp unless the server rejects a reused jti.",
        ),
        Delivery::Par => (
            "Only client_id and an opaque, short-lived request_uri.",
            "Nothing: the parameters went to the server on the authenticated back channel (RFC 9126 §1); the request_uri is single-use.",
        ),
        Delivery::ParJar => (
            "Only client_id and an opaque request_uri.",
            "Nothing; and the server also holds a signed object, so the request is attributable to the client's key (RFC 9126 §3).",
        ),
    }
}

/// The two kinds of access token side by side, for the compare view's "bearer vs DPoP" row:
/// what the token is presented as, then what a thief holding a copy can do (RFC 9449 §2, §11).
/// Each entry is (term, bearer, DPoP-bound).
const TOKEN_BINDING: [(&str, &str, &str); 5] = [
    (
        "Presented as",
        "Authorization: Bearer <token>; nothing else is asked (RFC 6750 §2.1).",
        "Authorization: DPoP <token> plus a DPoP header: a proof signed by the client's key, naming the method, the URL and the token's hash (RFC 9449 §7.1).",
    ),
    (
        "A thief with a copy of the access token",
        "Calls every resource that accepts it, from anywhere, until it expires.",
        "Nothing: without the private key there is no proof, and the same token sent as Bearer is refused (RFC 9449 §7.2).",
    ),
    (
        "…with a public client's refresh token",
        "Mints new access tokens for as long as the refresh token lives.",
        "Nothing: the refresh token is bound to the same key (RFC 9449 §5).",
    ),
    (
        "…with a captured proof as well",
        "(no proofs)",
        "Little: the proof fits one method and URL, is accepted for minutes, and its jti only once; server nonces shorten that further (RFC 9449 §11.1, §8).",
    ),
    (
        "Not covered",
        "Everything: possession is the whole check.",
        "Script running inside the client, which can ask the key for fresh proofs while it runs (RFC 9449 §11.4); the request body (§11.7).",
    ),
];

/// "Bearer vs DPoP": what a token thief can do with each, the current request's kind marked
/// in words (not by colour alone).
#[component]
fn TokenBindingCompare(dpop: Signal<Option<String>>) -> impl IntoView {
    let card = move |bound: bool| {
        let title = if bound { "DPoP-bound token" } else { "Bearer token" };
        let current = move || {
            let on = dpop.get().is_some();
            (on == bound).then(|| view! { " " <span class="badge">"this request"</span> })
        };
        view! {
            <article class="compare-card" data-token=if bound { "dpop" } else { "bearer" }>
                <h4>{title}{current}</h4>
                <dl>
                    {TOKEN_BINDING.iter().map(|(term, bearer, dpop)| view! {
                        <dt>{*term}</dt>
                        <dd>{if bound { *dpop } else { *bearer }}</dd>
                    }).collect_view()}
                </dl>
            </article>
        }
    };
    view! {
        <div class="token-binding" id="compare-tokens">
            <h3>"Bearer vs DPoP: what a token thief can do"</h3>
            <p class="hint" id="compare-tokens-now">{move || match dpop.get() {
                Some(key) => format!("This request uses DPoP: its tokens will be bound to {key}."),
                None => "This request gets bearer tokens; turn on DPoP in Request to bind them to a key.".to_string(),
            }}" The whole story: "<a href="#learn-dpop">"Why DPoP"</a>"."</p>
            <div class="compare-grid">{card(false)}{card(true)}</div>
        </div>
    }
}

#[component]
pub fn CompareView() -> impl IntoView {
    let app = state();
    let ws = app.workspace;
    let config = Memo::new(move |_| ws.with(|w| w.config()));
    // The DPoP key of the current request, in words (alg and RFC 7638 thumbprint).
    let dpop_key = Signal::derive(move || {
        config.with(|c| {
            c.dpop
                .as_ref()
                .map(|key| format!("the {} key with thumbprint {}", key.alg().name(), key.jkt()))
        })
    });
    let all = async_memo(move || {
        let config = config.get();
        let target = ws.with(|w| w.target.clone());
        let discovered = app.discovered.get();
        async move {
            let mut out = Vec::new();
            for delivery in Delivery::ALL {
                let mut c = config.clone();
                c.delivery = delivery;
                // Edits belong to the chosen delivery's object; the comparison uses the form.
                c.request_object_edit = None;
                out.push((delivery, prepare(c, target.clone(), discovered.clone()).await));
            }
            out
        }
    });
    view! {
        <section class="panel" id="compare" aria-labelledby="compare-title">
            <h2 id="compare-title">"Compare the four deliveries, and bearer vs DPoP"</h2>
            <p class="hint">"The same request, four ways: what the address bar shows, what travels on the back channel, and what an attacker in the front channel can read or change. Below, the tokens it gets: bearer or bound to a key."</p>
            <div class="compare-grid">
                {move || all.get().map(|items| items.into_iter().map(|(delivery, outcome)| {
                    let (reads, changes) = attacker(delivery);
                    let body = match outcome {
                        Ok((url, prepared)) => {
                            let back = match &prepared.first {
                                FirstMessage::Push { request } => String::from_utf8_lossy(&request.body).into_owned(),
                                FirstMessage::Redirect { .. } => String::new(),
                            };
                            let names = query_names(&url).join(", ");
                            view! {
                                <dl>
                                    <dt>"Address bar"</dt>
                                    // Scrolls when long (JAR by value): focusable and named, so the keyboard
                                    // reaches and scrolls it (WCAG 2.1.1).
                                    <dd><code class="url" tabindex="0" role="region" aria-label=format!("Address bar, {}", delivery_label(delivery))>{url.clone()}</code></dd>
                                    <dt>"URL length"</dt>
                                    <dd class="url-length">{format!("{} characters", url.len())}</dd>
                                    <dt>"Query parameters"</dt>
                                    <dd>{names}</dd>
                                    <dt>"Back channel"</dt>
                                    <dd>{if back.is_empty() {
                                        view! { <span>"nothing: everything rides in the URL"</span> }.into_any()
                                    } else {
                                        view! { <span>{format!("POST to the PAR endpoint, {} bytes of form body", back.len())}</span> }.into_any()
                                    }}</dd>
                                </dl>
                            }.into_any()
                        }
                        Err(e) => view! { <p class="error">{e}</p> }.into_any(),
                    };
                    view! {
                        <article class="compare-card" data-delivery=delivery.name()>
                            <h3>{delivery_label(delivery)}</h3>
                            {body}
                            <dl class="attacker">
                                <dt>"A front-channel attacker reads"</dt>
                                <dd>{reads}</dd>
                                <dt>"…and can change"</dt>
                                <dd>{changes}</dd>
                            </dl>
                        </article>
                    }
                }).collect_view())}
            </div>
            <TokenBindingCompare dpop=dpop_key/>
        </section>
    }
}
