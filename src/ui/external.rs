//! Real authorization servers: an issuer to discover, endpoints typed in, or a PingOne
//! environment. The back channel (discovery, JWKS, PAR, token, userinfo) goes through the
//! browser's `fetch`; the front channel happens in a window of its own, which comes back to
//! this app's `/callback` route and hands the URL it reached to this page over a
//! `BroadcastChannel`. The page that started the flow never navigates away, so the client
//! secret, private keys and PKCE verifier stay in its memory and are never written anywhere.

use std::cell::RefCell;

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use super::context::{page_rng, state, AppState, PendingRun, RunRecord};
use super::fetch_transport::FetchTransport;
use super::mock_api::BrowserClock;
use super::request_panel::{SelectField, TextField};
use super::site::callback_url;
use super::webcrypto::WebCryptoBackend;
use super::widgets::{CodeBlock, JsonBlock};
use crate::oauth::discovery::discover;
use crate::oauth::pingone::PingOneRegion;
use crate::oauth::{
    curl_command, finish_flow, start_flow, FlowOptions, FlowRun, Secrets, ServerMetadata, TimelineEvent,
};
use crate::workspace::{TargetKind, TargetSettings, Workspace};

/// The channel the `/callback` page and the playground page talk on (same origin only, by
/// the HTML standard's definition of `BroadcastChannel`).
pub const CALLBACK_CHANNEL: &str = "oauth-playground.callback";
/// The reply the waiting page sends, so the callback window knows it was heard.
const RECEIVED: &str = "received";
/// The name of the window the authorization server opens in (reused by "open again").
const WINDOW_NAME: &str = "oauth-playground-authorize";
/// Where `make mock-server` listens: the native binary's default issuer.
pub const LOCAL_MOCK_SERVER: &str = "http://127.0.0.1:9000";

/// The metadata of the server the workspace targets, as far as it is known without a request:
/// the in-page server's, the endpoints given (by hand or a PingOne environment), or the
/// discovery document last fetched for this issuer.
pub fn target_metadata(target: &TargetSettings, discovered: Option<&ServerMetadata>) -> Result<ServerMetadata, String> {
    if target.kind == TargetKind::InPage {
        return super::context::mock_metadata()
            .ok_or_else(|| "the in-page server did not answer its discovery request".into());
    }
    if let Some(given) = target.given_metadata()? {
        return Ok(given);
    }
    // Not the in-page server, so its issuer does not matter here.
    let issuer = target.issuer("");
    match discovered {
        Some(m) if m.issuer == issuer => Ok(m.clone()),
        _ if issuer.is_empty() => Err("enter the server's issuer in step 1 (Server)".into()),
        _ => Err(format!(
            "the metadata of {issuer} is not known yet: press \"Fetch discovery\" in step 1 (Server), \
             or run the flow, which fetches it first"
        )),
    }
}

/// Fetches the target's discovery document. The error carries the request as curl, since a
/// page refused by CORS cannot see the server's answer but a terminal can.
pub async fn fetch_discovery(issuer: &str) -> Result<ServerMetadata, (String, String)> {
    let request = crate::oauth::discovery::discovery_request(issuer);
    let curl = curl_command(&request, Secrets::Placeholder);
    discover(&FetchTransport::new(), issuer)
        .await
        .map_err(|e| (e.to_string(), curl))
}

/// Step 1 for a real server: which server, and how its metadata is known.
#[component]
pub fn TargetChooser() -> impl IntoView {
    let app = state();
    let ws = app.workspace;
    let kind = Memo::new(move |_| ws.with(|w| w.target.kind));
    let choice = |value: TargetKind, id: &'static str, label: &'static str, help: &'static str| {
        view! {
            <div class="radio target-choice">
                <input
                    type="radio"
                    name="server-target"
                    id=id
                    aria-describedby=format!("{id}-help")
                    prop:checked=move || kind.get() == value
                    on:change=move |_| ws.update(|w| w.target.kind = value)
                />
                <span>
                    <label for=id>{label}</label>
                    <span class="help" id=format!("{id}-help")>{help}</span>
                </span>
            </div>
        }
    };
    view! {
        <fieldset class="target" id="server-target">
            <legend>"Authorization server"</legend>
            {choice(TargetKind::InPage, "target-in-page", "In-page mock server", "Runs inside this page; nothing leaves the browser.")}
            {choice(TargetKind::External, "target-external", "External server", "Any OAuth 2.0 / OpenID Connect server: an issuer to discover, or endpoints by hand.")}
            {choice(TargetKind::PingOne, "target-pingone", "PingOne", "A PingOne environment: region and environment id.")}
        </fieldset>
        {move || match kind.get() {
            TargetKind::InPage => ().into_any(),
            TargetKind::External => view! { <ExternalFields/> }.into_any(),
            TargetKind::PingOne => view! { <PingOneFields/> }.into_any(),
        }}
        {move || (kind.get() != TargetKind::InPage).then(|| view! { <RealServerNotes/> <DiscoveryView/> })}
    }
}

#[component]
fn ExternalFields() -> impl IntoView {
    let ws = state().workspace;
    let manual = Memo::new(move |_| ws.with(|w| w.target.manual));
    view! {
        <div class="fields">
            <TextField id="external-issuer" label="Issuer" get=|w| w.target.issuer.clone() set=|w, v| w.target.issuer = v.trim().to_string()
                help="The issuer identifier; its discovery document is at /.well-known/openid-configuration (RFC 8414 §3, OIDC Discovery §4)."/>
            <span class="label-like">"Presets"</span>
            <span>
                <button type="button" id="external-preset-mock-server" aria-describedby="external-preset-mock-server-help"
                    on:click=move |_| ws.update(|w| {
                        w.target.issuer = LOCAL_MOCK_SERVER.into();
                        w.target.manual = false;
                    })>"Local mock-server"</button>
                <span class="help" id="external-preset-mock-server-help">
                    "The in-page server's code as a native program on "<code>{LOCAL_MOCK_SERVER}</code>": start it with "
                    <code>"make mock-server"</code>" (README, \"Testing your own client\"); it allows loopback origins such as this page's."
                </span>
            </span>
            <label for="external-manual">"Endpoints"</label>
            <span class="toggle">
                <input type="checkbox" id="external-manual" prop:checked=move || manual.get()
                    on:change=move |ev| ws.update(|w| w.target.manual = event_target_checked(&ev))/>
                <label for="external-manual">"Type the endpoints instead of fetching discovery"</label>
            </span>
        </div>
        {move || manual.get().then(|| view! {
            <div class="fields" id="external-endpoints">
                <TextField id="endpoint-authorization" label="authorization_endpoint" get=|w| w.target.endpoints.authorization_endpoint.clone() set=|w, v| w.target.endpoints.authorization_endpoint = v/>
                <TextField id="endpoint-par" label="pushed_authorization_request_endpoint" get=|w| w.target.endpoints.pushed_authorization_request_endpoint.clone() set=|w, v| w.target.endpoints.pushed_authorization_request_endpoint = v/>
                <TextField id="endpoint-token" label="token_endpoint" get=|w| w.target.endpoints.token_endpoint.clone() set=|w, v| w.target.endpoints.token_endpoint = v/>
                <TextField id="endpoint-jwks" label="jwks_uri" get=|w| w.target.endpoints.jwks_uri.clone() set=|w, v| w.target.endpoints.jwks_uri = v/>
                <TextField id="endpoint-userinfo" label="userinfo_endpoint" get=|w| w.target.endpoints.userinfo_endpoint.clone() set=|w, v| w.target.endpoints.userinfo_endpoint = v/>
            </div>
        })}
    }
}

#[component]
fn PingOneFields() -> impl IntoView {
    let ws = state().workspace;
    let regions: Vec<(&'static str, &'static str)> =
        PingOneRegion::ALL.iter().map(|r| (r.domain(), r.label())).collect();
    let endpoints = Memo::new(move |_| ws.with(|w| w.target.given_metadata()));
    view! {
        <div class="fields">
            <SelectField id="pingone-region" label="Region" options=regions
                get=|w| w.target.pingone_region().domain().to_string() set=|w, v| w.target.pingone_region = v/>
            <TextField id="pingone-env" label="Environment id" get=|w| w.target.pingone_environment_id.clone() set=|w, v| w.target.pingone_environment_id = v.trim().to_string()
                help="A UUID, shown in the PingOne console under Environment → Properties."/>
        </div>
        {move || match endpoints.get() {
            Ok(Some(m)) => {
                let rows = [
                    ("issuer", Some(m.issuer.clone())),
                    ("authorization_endpoint", m.authorization_endpoint.clone()),
                    ("pushed_authorization_request_endpoint", m.pushed_authorization_request_endpoint.clone()),
                    ("token_endpoint", m.token_endpoint.clone()),
                    ("jwks_uri", m.jwks_uri.clone()),
                    ("userinfo_endpoint", m.userinfo_endpoint.clone()),
                ];
                view! {
                    <dl class="endpoints" id="pingone-endpoints">
                        {rows.into_iter().map(|(name, value)| view! {
                            <dt>{name}</dt><dd><code data-endpoint=name>{value.unwrap_or_default()}</code></dd>
                        }).collect_view()}
                    </dl>
                    <p class="hint">
                        "PingOne's rules apply in the pre-flight (no JARM; request objects HS256/384/512 with the client secret or RS256/384/512 with a key you upload; PAR optional or required per application). "
                        "The endpoints come from the region and id; PingOne's discovery document may list more."
                    </p>
                }
                .into_any()
            }
            Ok(None) => ().into_any(),
            Err(e) => view! { <p class="error" role="alert" id="pingone-error">{e}</p> }.into_any(),
        }}
    }
}

/// What a page can and cannot do with a real server, said once where the server is chosen.
#[component]
fn RealServerNotes() -> impl IntoView {
    let ws = state().workspace;
    let callback = callback_url().unwrap_or_else(|| crate::site::CALLBACK.into());
    let uses_callback = {
        let callback = callback.clone();
        Memo::new(move |_| ws.with(|w| w.request.redirect_uri.as_deref() == Some(callback.as_str())))
    };
    let use_callback = {
        let callback = callback.clone();
        move |_| {
            ws.update(|w| {
                w.request.redirect_uri = Some(callback.clone());
                if !w.client.redirect_uris.contains(&callback) {
                    w.client.redirect_uris.push(callback.clone());
                }
            })
        }
    };
    view! {
        <div class="notes" id="real-server-notes">
            <p>
                "Register this page's callback as a redirect URI at the server: "
                <code id="callback-url-own">{callback.clone()}</code>
                " "
                {move || if uses_callback.get() {
                    view! { <span class="ok">"✓ the request uses it"</span> }.into_any()
                } else {
                    view! { <button type="button" id="use-callback" on:click=use_callback.clone()>"Use it as redirect_uri"</button> }.into_any()
                }}
            </p>
            <ul>
                <li>"The server's login page opens in a new window; when it redirects to the callback, that window hands the response back here. This page never leaves, so the client secret, keys and PKCE verifier stay in its memory."</li>
                <li>"Responses in the query or the fragment (including JARM's query.jwt and fragment.jwt) are read. "
                    <strong>"form_post cannot work"</strong>
                    " with a page served as static files: the server POSTs the response, and no script can read the body of the POST that loaded its page (OAuth 2.0 Form Post Response Mode §2). Use query, fragment or jwt instead, or paste the fields from the server's auto-submitting page."</li>
                <li>"Discovery, JWKS, PAR, token and userinfo are fetched from this page, so the server must allow this origin with CORS headers. If it does not, the browser hides its answer; each request in the timeline has a curl command to run instead."</li>
            </ul>
        </div>
    }
}

/// The "Fetch discovery" button and what it found.
#[component]
fn DiscoveryView() -> impl IntoView {
    let app = state();
    let ws = app.workspace;
    let busy = RwSignal::new(false);
    let failure = RwSignal::new(None::<(String, String)>);
    let fetch = move |_| {
        let issuer = ws.with_untracked(|w| w.target.issuer(&w.server.issuer));
        if issuer.is_empty() {
            failure.set(Some(("enter the issuer first".into(), String::new())));
            return;
        }
        busy.set(true);
        failure.set(None);
        leptos::task::spawn_local(async move {
            match fetch_discovery(&issuer).await {
                Ok(metadata) => app.discovered.set(Some(metadata)),
                Err(e) => failure.set(Some(e)),
            }
            busy.set(false);
            super::announce::refocus_if_lost("external-discover").await;
        });
    };
    let shown = Memo::new(move |_| {
        let issuer = ws.with(|w| w.target.issuer(&w.server.issuer));
        app.discovered.get().filter(|m| m.issuer == issuer)
    });
    view! {
        <div class="actions">
            <button type="button" id="external-discover" on:click=fetch disabled=move || busy.get() aria-busy=move || busy.get().to_string()>
                {move || if busy.get() { "Fetching…" } else { "Fetch discovery" }}
            </button>
            {move || shown.get().map(|_| view! { <span class="ok" id="external-status" role="status">"✓ discovery document read"</span> })}
        </div>
        {move || failure.get().map(|(message, curl)| view! {
            <div class="error" role="alert" id="external-error">
                <p>{message}</p>
                {(!curl.is_empty()).then(|| view! { <CodeBlock what="The same request as curl" text=curl/> })}
            </div>
        })}
        {move || shown.get().map(|m| view! {
            <details class="document" id="external-metadata">
                <summary>"Discovery document (as the client read it)"</summary>
                <JsonBlock what="Server metadata" value=serde_json::to_value(&m).unwrap_or_default()/>
            </details>
        })}
    }
}

/// The knobs of a run, shared by the in-page and the external runs.
pub fn flow_options(ws: &Workspace) -> FlowOptions {
    FlowOptions {
        // The UI regenerates before the run (so the preview shows the values used).
        regenerate: false,
        userinfo: ws.run.userinfo,
        refresh: ws.run.refresh,
        leeway: ws.run.leeway,
        lint_hints: super::preflight::hints(ws),
        ..FlowOptions::default()
    }
}

fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// Starts a run against a real server: the back-channel half up to the authorize URL, then
/// the server's page in a window of its own. A failure before that ends the run at once.
/// (`app` is passed in: inside a spawned task there is no reactive owner to find it.)
pub async fn start_external(app: AppState, ws: Workspace) {
    if ws.reproducible.enabled {
        // A real server keeps its own clock and randomness: a fixed instant would only make
        // every JWT look expired to it.
        app.run_error.set(Some(
            "Reproducible mode fixes the in-page server's clock and randomness; a real server has its own. \
             Turn reproducible mode off (Session) to run against this server."
                .into(),
        ));
        return;
    }
    let started_at = now_ms();
    let config = ws.config();
    let mut options = flow_options(&ws);
    options.metadata = match ws.target.given_metadata() {
        Ok(Some(given)) => Some(given),
        // Discovery again when none was given: the document may have changed.
        Ok(None) => None,
        Err(e) => {
            app.run_error.set(Some(e));
            return;
        }
    };
    let backend = match WebCryptoBackend::new() {
        Ok(b) => b,
        Err(e) => {
            app.run_error.set(Some(e.to_string()));
            return;
        }
    };
    let started = start_flow(
        &config,
        &FetchTransport::new(),
        &backend,
        &BrowserClock,
        &mut page_rng(),
        &options,
    )
    .await;
    match started.pending {
        None => app.run.set(Some(RunRecord {
            flow: started.run,
            events: Vec::new(),
            elapsed_ms: now_ms() - started_at,
            delivery: ws.delivery,
        })),
        Some(pending) => {
            if let Some(m) = &started.run.outcome.metadata {
                app.discovered.set(Some(m.clone()));
            }
            let opened = open_authorization_window(&pending.authorize_url);
            // The last run's result would read as this one's while the user is at the server.
            app.run.set(None);
            app.pending.set(Some(PendingRun {
                pending,
                started: started.run,
                config,
                options,
                started_at,
                delivery: ws.delivery,
                window_opened: opened,
            }));
        }
    }
}

fn open_authorization_window(url: &str) -> bool {
    web_sys::window()
        .and_then(|w| {
            w.open_with_url_and_target_and_features(url, WINDOW_NAME, "popup,width=560,height=760")
                .ok()
        })
        .flatten()
        .is_some()
}

/// Finishes the waiting run with the URL the browser reached.
pub async fn finish_external(app: AppState, callback: String) {
    let Some(run) = app.pending.get_untracked() else { return };
    app.pending.set(None);
    app.running.set(true);
    let backend = match WebCryptoBackend::new() {
        Ok(b) => b,
        Err(e) => {
            app.run_error.set(Some(e.to_string()));
            app.running.set(false);
            return;
        }
    };
    let finished = finish_flow(
        &run.config,
        &run.pending,
        callback.trim(),
        &FetchTransport::new(),
        &backend,
        &BrowserClock,
        &mut page_rng(),
        &run.options,
    )
    .await;
    let mut timeline = run.started.timeline;
    timeline.extend(finished.timeline);
    let mut outcome = finished.outcome;
    outcome.metadata = run.started.outcome.metadata.or(outcome.metadata);
    app.run.set(Some(RunRecord {
        flow: FlowRun {
            timeline,
            outcome,
            error: finished.error,
        },
        events: Vec::new(),
        // The time spent at the server's login page is the user's, not the client's, but it is
        // what elapsed; the run panel says "last run", which stays true.
        elapsed_ms: now_ms() - run.started_at,
        delivery: run.delivery,
    }));
    app.running.set(false);
}

type OnMessage = Closure<dyn FnMut(web_sys::MessageEvent)>;

thread_local! {
    /// The page's end of the callback channel, kept for the page's lifetime.
    static LISTENER: RefCell<Option<(web_sys::BroadcastChannel, OnMessage)>> = const { RefCell::new(None) };
}

/// Listens for callback windows handing back the URL they reached. Only a page with a run
/// waiting answers; others stay silent, so the callback window can tell the user to paste.
pub fn listen_for_callbacks() {
    let Ok(channel) = web_sys::BroadcastChannel::new(CALLBACK_CHANNEL) else {
        return;
    };
    let reply = channel.clone();
    let app = state();
    let on_message = OnMessage::new(move |event: web_sys::MessageEvent| {
        let Some(url) = event.data().as_string() else { return };
        if url == RECEIVED || app.pending.get_untracked().is_none() {
            return;
        }
        let _ = reply.post_message(&JsValue::from_str(RECEIVED));
        leptos::task::spawn_local(finish_external(app, url));
    });
    channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    LISTENER.with(|l| *l.borrow_mut() = Some((channel, on_message)));
}

/// In the Run step while the server's page is open: how to get back, and a way to paste the
/// URL by hand when the window cannot report (a blocked pop-up, another browser, a redirect
/// URI that is not this page).
#[component]
pub fn ExternalWaiting() -> impl IntoView {
    let app = state();
    let pasted = RwSignal::new(String::new());
    let apply = move |_| {
        let url = pasted.get_untracked();
        if url.trim().is_empty() {
            return;
        }
        pasted.set(String::new());
        leptos::task::spawn_local(finish_external(app, url));
    };
    move || {
        app.pending.get().map(|run| {
            let url = run.pending.authorize_url.clone();
            let redirect = run.pending.request.redirect_uri.clone().unwrap_or_default();
            view! {
                <div class="waiting" id="run-waiting" tabindex="-1">
                    <p>
                        <strong>"Waiting for the authorization server. "</strong>
                        {if run.window_opened {
                            "Its page opened in a new window: sign in there. When it redirects to "
                        } else {
                            "The browser blocked the new window: open the server's page with the link below, sign in, and when it redirects to "
                        }}
                        <code>{redirect}</code>
                        ", that window hands the response back here."
                    </p>
                    <p>
                        <a id="run-open" href=url.clone() target=WINDOW_NAME rel="noreferrer">"Open the authorization page"</a>
                        " "
                        <button type="button" id="run-cancel" on:click=move |_| app.pending.set(None)>"Cancel"</button>
                    </p>
                    <CodeBlock what="Authorization URL" text=url/>
                    <label for="callback-paste">"Or paste the URL the browser reached (the redirect URI with the response):"</label>
                    <div class="paste-row">
                        <input type="url" id="callback-paste" spellcheck="false" autocomplete="off"
                            prop:value=move || pasted.get() on:input=move |ev| pasted.set(event_target_value(&ev))/>
                        <button type="button" id="callback-apply" on:click=apply>"Use this response"</button>
                    </div>
                </div>
            }
        })
    }
}

/// The whole page when the app is opened at `/callback`: hand the URL to the waiting
/// playground window and say what happened. It never touches saved state.
#[component]
pub fn CallbackPage() -> impl IntoView {
    let href = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    let heard = RwSignal::new(None::<bool>);
    let channel = web_sys::BroadcastChannel::new(CALLBACK_CHANNEL).ok();
    if let Some(channel) = channel {
        let on_message = OnMessage::new(move |event: web_sys::MessageEvent| {
            if event.data().as_string().as_deref() == Some(RECEIVED) {
                heard.set(Some(true));
                // Script-opened windows may close themselves (HTML, "script-closable").
                if let Some(w) = web_sys::window() {
                    let _ = w.close();
                }
            }
        });
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        let _ = channel.post_message(&JsValue::from_str(&href));
        on_message.forget();
        // No answer within a second: no playground window is waiting for this response.
        set_timeout(
            move || {
                if heard.get_untracked().is_none() {
                    heard.set(Some(false));
                }
            },
            std::time::Duration::from_millis(1000),
        );
        // The channel must outlive this function for the reply to arrive.
        std::mem::forget(channel);
    } else {
        heard.set(Some(false));
    }
    let params = params_of(&href);
    let home = super::site::base_path();
    view! {
        <main id="main" class="callback-page">
            <h1>"OAuth Playground — callback"</h1>
            {move || match heard.get() {
                None => view! { <p role="status" id="callback-status">"Handing the response to the playground window…"</p> }.into_any(),
                Some(true) => view! { <p role="status" id="callback-status" class="ok">"✓ The playground window received the response; this window can be closed."</p> }.into_any(),
                Some(false) => view! {
                    <p role="alert" id="callback-status">
                        "No playground window is waiting for this response. Copy the URL below into the Run step's \"paste the URL\" box of the window that started the flow, or "
                        <a href=home.clone()>"open the playground"</a>
                        "."
                    </p>
                }
                .into_any(),
            }}
            <CodeBlock what="The URL this window reached" text=href.clone()/>
            <CodeBlock what="Its parameters" text=params/>
        </main>
    }
}

/// The query and fragment parameters of a URL, one per line, for reading.
fn params_of(url: &str) -> String {
    let Some(parts) = crate::protocol::UrlParts::split(url) else {
        return "(not a URL)".into();
    };
    let lines: Vec<String> = [("query", parts.query_pairs()), ("fragment", parts.fragment_pairs())]
        .into_iter()
        .flat_map(|(location, pairs)| pairs.into_iter().map(move |(k, v)| format!("[{location}] {k} = {v}")))
        .collect();
    if lines.is_empty() {
        "(none)".into()
    } else {
        lines.join("\n")
    }
}

/// A transport error in the timeline means the browser could not read the answer; say why
/// and give the curl command.
pub fn transport_failure(flow: &FlowRun) -> Option<(String, String)> {
    flow.timeline.iter().rev().find_map(|e| match e {
        TimelineEvent::Exchange {
            request,
            transport_error: Some(why),
            ..
        } => Some((why.clone(), curl_command(request, Secrets::Placeholder))),
        _ => None,
    })
}
