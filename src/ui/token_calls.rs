//! The Run step's grant choice and its client credentials run, and the Result step's
//! Introspect / Revoke calls on the tokens it shows. The protocol is the client engine's
//! (`oauth::client_credentials`, `oauth::introspection`, `oauth::revocation`); this file only
//! picks the transport (the in-page server or the real one) and shows each exchange like the
//! timeline does (request, response, curl).

use leptos::prelude::*;

use super::context::{page_rng, server, state, sync_server, RunRecord};
use super::external::flow_options;
use super::fetch_transport::FetchTransport;
use super::mock_api::BrowserClock;
use super::request_panel::SelectField;
use super::run_panel::{in_page_record, now_ms, prepare_in_page, TimelineItem};
use super::webcrypto::WebCryptoBackend;
use crate::jose::SecretString;
use crate::mock_as::{InProcessTransport, SigningTransport};
use crate::oauth::{introspect, revoke, run_client_credentials, FlowRun, IntrospectionResponse, ServerMetadata};
use crate::reproducible;
use crate::session::timeline::TimelineEntry;
use crate::workspace::{Grant, TargetKind, Workspace};

/// The Run step's labelled choice of grant.
#[component]
pub fn GrantChoice() -> impl IntoView {
    let ws = state().workspace;
    view! {
        <div class="field grant-choice">
            <SelectField
                id="run-grant"
                label="Grant"
                options=vec![
                    ("authorization_code", "Authorization code (the request above, through the browser)"),
                    ("device_code", "Device authorization (RFC 8628): user code, verification page, polling"),
                    ("client_credentials", "Client credentials (RFC 6749 §4.4: the client alone, no user)"),
                ]
                get=|w| match w.run.grant {
                    Grant::AuthorizationCode => "authorization_code".to_string(),
                    Grant::DeviceCode => "device_code".to_string(),
                    Grant::ClientCredentials => "client_credentials".to_string(),
                }
                set=|w, v| w.run.grant = match v.as_str() {
                    "device_code" => Grant::DeviceCode,
                    "client_credentials" => Grant::ClientCredentials,
                    _ => Grant::AuthorizationCode,
                }
            />
            <p class="help" id="run-grant-help">
                {move || match ws.with(|w| w.run.grant) {
                    Grant::AuthorizationCode => "Runs the authorization request of step 3, then the code exchange.",
                    Grant::DeviceCode => "Asks the device authorization endpoint for a user code, approves it on the server's verification page, and polls the token endpoint; the client is registered with the device_code grant.",
                    Grant::ClientCredentials => "One token request authenticated as the client of step 2, with the scope and resource of step 3; the client is registered with the client_credentials grant.",
                }}
            </p>
        </div>
    }
}

/// Runs the client credentials grant against the in-page server (reproducible or not) or the
/// real one, as the Run step's record.
pub async fn execute_client_credentials(ws: Workspace) -> Result<RunRecord, String> {
    let mut options = flow_options(&ws);
    if ws.target.kind != TargetKind::InPage {
        if ws.reproducible.enabled {
            return Err("Reproducible mode fixes the in-page server's clock; turn it off (Session) to run against a real server.".into());
        }
        options.metadata = ws.target.given_metadata()?;
        let started = now_ms();
        let backend = WebCryptoBackend::new().map_err(|e| e.to_string())?;
        let flow = run_client_credentials(
            &ws.config(),
            &FetchTransport::new(),
            &backend,
            &BrowserClock,
            &mut page_rng(),
            &options,
        )
        .await;
        return Ok(RunRecord {
            flow,
            events: Vec::new(),
            elapsed_ms: now_ms() - started,
            delivery: ws.delivery,
        });
    }
    let (server, last_seq) = prepare_in_page(&ws)?;
    let started = now_ms();
    let flow = if ws.reproducible.enabled {
        reproducible::run_client_credentials(&ws, &InProcessTransport::new(server.clone()), &options).await
    } else {
        // A JWT access token (RFC 9068) is signed in WebCrypto after the answer, like the
        // server's other JWTs.
        let backend = WebCryptoBackend::new().map_err(|e| e.to_string())?;
        let transport = SigningTransport::new(server.clone(), backend);
        run_client_credentials(
            &ws.config(),
            &transport,
            transport.backend(),
            &BrowserClock,
            &mut page_rng(),
            &options,
        )
        .await
    };
    Ok(in_page_record(&server, last_seq, flow, started, ws.delivery))
}

/// One Introspect or Revoke call and what came of it.
#[derive(Clone)]
struct TokenCall {
    what: &'static str,
    run: FlowRun,
    answer: Option<IntrospectionResponse>,
}

/// Sends one introspection or revocation for `token` to the server of the last run.
async fn call(
    what: &'static str,
    ws: Workspace,
    metadata: ServerMetadata,
    token: SecretString,
    hint: &'static str,
) -> Result<TokenCall, String> {
    let config = ws.config();
    let options = flow_options(&ws);
    let backend = WebCryptoBackend::new().map_err(|e| e.to_string())?;
    let hint = Some(hint);
    macro_rules! through {
        ($transport:expr) => {
            if what == "introspect" {
                let (run, answer) = introspect(
                    &config,
                    &metadata,
                    token,
                    hint,
                    $transport,
                    &backend,
                    &BrowserClock,
                    &mut page_rng(),
                    &options,
                )
                .await;
                TokenCall { what, run, answer }
            } else {
                let run = revoke(
                    &config,
                    &metadata,
                    token,
                    hint,
                    $transport,
                    &backend,
                    &BrowserClock,
                    &mut page_rng(),
                    &options,
                )
                .await;
                TokenCall {
                    what,
                    run,
                    answer: None,
                }
            }
        };
    }
    if ws.target.kind == TargetKind::InPage {
        sync_server(&ws)?;
        let server = server().ok_or("the in-page server is not running")?;
        Ok(through!(&InProcessTransport::new(server)))
    } else {
        Ok(through!(&FetchTransport::new()))
    }
}

/// "Introspect" and "Revoke" for one token the Result step shows, with each call's exchange
/// below them (request, response, curl), newest last.
#[component]
pub fn TokenActions(
    /// `access_token` or `refresh_token`: the token_type_hint and the ids' suffix.
    name: &'static str,
    token: SecretString,
    metadata: Option<ServerMetadata>,
) -> impl IntoView {
    let app = state();
    let calls = RwSignal::new(Vec::<TokenCall>::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let start = move |what: &'static str| {
        if busy.get_untracked() {
            return;
        }
        let Some(metadata) = metadata.clone() else {
            error.set(Some(
                "the last run has no server metadata to find the endpoint in".into(),
            ));
            return;
        };
        let (ws, token) = (app.workspace.get_untracked(), token.clone());
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match call(what, ws, metadata, token, name).await {
                Ok(done) => calls.update(|c| c.push(done)),
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let (introspect_start, revoke_start) = (start.clone(), start);
    view! {
        <div class="token-actions" id=format!("result-actions-{name}")>
            <button type="button" id=format!("result-introspect-{name}") on:click=move |_| introspect_start("introspect") disabled=move || busy.get() aria-busy=move || busy.get().to_string()>
                {format!("Introspect the {}", name.replace('_', " "))}
            </button>
            <button type="button" id=format!("result-revoke-{name}") on:click=move |_| revoke_start("revoke") disabled=move || busy.get()>
                {format!("Revoke the {}", name.replace('_', " "))}
            </button>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <ol class="timeline token-calls" id=format!("result-calls-{name}") role="status" aria-live="polite">
                {move || calls.get().into_iter().map(|c| {
                    let summary = summary(&c);
                    let entries: Vec<TimelineEntry> = c.run.timeline.iter().map(|e| TimelineEntry::from_event(e, true)).collect();
                    view! {
                        <li data-call=c.what>
                            <p class="token-call-answer">{summary}</p>
                            {entries.into_iter().map(|entry| view! { <TimelineItem entry/> }).collect_view()}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </div>
    }
}

/// What a call came to, in words (never colour alone).
fn summary(call: &TokenCall) -> String {
    match (&call.run.error, call.what, &call.answer) {
        (Some(e), what, _) => format!("✗ {what} failed: {} — {e}", e.code()),
        (None, "introspect", Some(answer)) if answer.active => {
            let mut shown: Vec<String> = ["client_id", "scope", "sub", "aud", "exp"]
                .iter()
                .filter_map(|k| answer.members.get(*k).map(|v| format!("{k} {v}")))
                .collect();
            shown.insert(0, "✓ active: true".into());
            shown.join(", ")
        }
        (None, "introspect", _) => "✓ active: false — the server no longer honours this token".into(),
        (None, _, _) => "✓ revoked (200): the server no longer honours this token, or never knew it".into(),
    }
}
