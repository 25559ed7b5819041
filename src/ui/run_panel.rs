//! Step 4, the run: executes the flow against the in-page server and shows where it stopped
//! (the check code, the server's error and the clause), a timeline of every exchange, and a
//! sequence diagram of what actually happened.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;

use super::announce::{announcer, focus_when_shown};
use super::context::{page_rng, server, state, sync_server, RunRecord};
use super::external::{flow_options, start_external, transport_failure, ExternalWaiting};
use super::learn::LearnNote;
use super::mock_api::BrowserClock;
use super::preview::HttpRequestView;
use super::sequence::SequenceDiagram;
use super::webcrypto::WebCryptoBackend;
use super::widgets::{next_task, CodeBlock, DecodedJwt, JsonBlock, Toggle};
use crate::clock::format_rfc3339;
use crate::http::{Request, Response};
use crate::mock_as::{checks, AuthorizationServer, InProcessTransport, SigningTransport};
use crate::oauth::error::ServerErrorBody;
use crate::oauth::{run_flow, ClientError, FlowError, FlowRun, Step, TimelineEvent};
use crate::reproducible::{self, restarted_server};
use crate::session::timeline::{CheckEntry, TimelineEntry};
use crate::workspace::{Grant, TargetKind, Workspace};

/// Runs the flow the workspace describes against the in-page server. In reproducible mode
/// the server is restarted first and the run reads the fixed clock and the seeded streams
/// (see [`crate::reproducible`]).
pub async fn execute(ws: Workspace) -> Result<RunRecord, String> {
    let (server, last_seq) = prepare_in_page(&ws)?;
    let options = flow_options(&ws);
    let started = now_ms();
    let flow = if ws.reproducible.enabled {
        // The server signs in RustCrypto with its seeded RNG, so every run replays byte for byte.
        reproducible::run(&ws, &InProcessTransport::new(server.clone()), &options).await
    } else {
        // The server's ID tokens and JARM responses are signed in WebCrypto once it has
        // answered: a tenth of the pure-Rust cost (BENCHMARKS.md). The client signs and
        // verifies with the same backend.
        let backend = WebCryptoBackend::new().map_err(|e| e.to_string())?;
        let transport = SigningTransport::new(server.clone(), backend);
        run_flow(
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

/// Before a run against the in-page server: in reproducible mode a fresh server on the fixed
/// clock and seed, then the workspace's settings and client. Returns the server and the last
/// event before the run.
pub fn prepare_in_page(ws: &Workspace) -> Result<(Rc<RefCell<AuthorizationServer>>, Option<u64>), String> {
    let server = server().ok_or("the in-page server is not running")?;
    if ws.reproducible.enabled {
        super::mock_api::set_fixed_instant(ws.reproducible.fixed_instant());
        let fresh = {
            let current = server
                .try_borrow()
                .map_err(|_| "the in-page server is busy; try again")?;
            restarted_server(&current, &ws.reproducible, Box::new(BrowserClock)).map_err(|e| e.to_string())?
        };
        *server
            .try_borrow_mut()
            .map_err(|_| "the in-page server is busy; try again")? = fresh;
    }
    sync_server(ws)?;
    let last_seq = server.try_borrow().ok().and_then(|s| s.events().last().map(|e| e.seq));
    Ok((server, last_seq))
}

/// Milliseconds on the page's performance clock.
pub fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// A finished in-page run with the server's events since `last_seq`.
pub fn in_page_record(
    server: &Rc<RefCell<AuthorizationServer>>,
    last_seq: Option<u64>,
    flow: FlowRun,
    started: f64,
    delivery: crate::oauth::Delivery,
) -> RunRecord {
    let elapsed_ms = now_ms() - started;
    let events = server
        .try_borrow()
        .map(|s| {
            s.events()
                .filter(|e| last_seq.is_none_or(|seq| e.seq > seq))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    RunRecord {
        flow,
        events,
        elapsed_ms,
        delivery,
    }
}

/// The timeline step a run stopped at: the last exchange or check recorded.
pub fn failing_step(flow: &FlowRun) -> Option<&'static str> {
    flow.error.as_ref()?;
    flow.timeline.iter().rev().find_map(|e| match e {
        TimelineEvent::Exchange { step, .. } => Some(*step),
        TimelineEvent::Checks { step, steps } if steps.iter().any(|s| !s.passed()) => Some(*step),
        _ => None,
    })
}

#[component]
pub fn RunPanel() -> impl IntoView {
    let app = state();
    let ws = app.workspace;
    let error = app.run_error;
    // Created once for the panel: a device run's progress outlives workspace edits.
    let device = super::device_run::DeviceSignals::new();
    let grant = Memo::new(move |_| ws.with(|w| w.run.grant));
    let start = move |_| {
        if app.running.get_untracked() || app.pending.get_untracked().is_some() {
            return;
        }
        if grant.get_untracked() == Grant::DeviceCode {
            let snapshot = ws.get_untracked();
            app.running.set(true);
            error.set(None);
            leptos::task::spawn_local(async move {
                next_task().await;
                if let Err(e) = super::device_run::execute_device(snapshot, device).await {
                    error.set(Some(e));
                }
                app.running.set(false);
            });
            return;
        }
        if ws.with_untracked(|w| w.reproducible.enabled) {
            // The seed decides state, nonce and verifier, whatever "fresh values" says.
            ws.update(reproducible::seed_request);
        } else if ws.with_untracked(|w| w.run.fresh_values && w.edit.is_none()) {
            let mut rng = page_rng();
            ws.update(|w| w.request.regenerate(&mut rng));
        }
        let snapshot = ws.get_untracked();
        app.imported_run.set(None);
        app.running.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            // The click already redrew every preview for the fresh values; the run starts in
            // a task of its own, after "Running…" is painted (issue 10: no task over 50 ms).
            next_task().await;
            let in_page = snapshot.target.kind == TargetKind::InPage;
            match snapshot.run.grant {
                Grant::ClientCredentials => match super::token_calls::execute_client_credentials(snapshot).await {
                    Ok(record) => app.run.set(Some(record)),
                    Err(e) => error.set(Some(e)),
                },
                Grant::AuthorizationCode if in_page => match execute(snapshot).await {
                    Ok(record) => app.run.set(Some(record)),
                    Err(e) => error.set(Some(e)),
                },
                Grant::AuthorizationCode => start_external(app, snapshot).await,
                // Started above, with its own progress view.
                Grant::DeviceCode => {}
            }
            app.running.set(false);
        });
    };
    // A run started here ends out of sight of a keyboard or screen-reader user (the outcome
    // appears below the button, or while they were in the server's window): say how it ended
    // and move focus to it (WCAG 2.4.3 focus order, 4.1.3 status messages). Only the Run
    // button and the external callback toggle `running`; tamper presets do not, so their
    // runs leave focus in the preset list.
    let voice = announcer();
    Effect::watch(
        move || (app.running.get(), app.pending.with(Option::is_some)),
        move |&(running, waiting), previous, _| {
            let Some(&(was_running, was_waiting)) = previous else {
                return;
            };
            if was_running && !running && !waiting {
                let (words, target) = match (
                    app.run.with_untracked(|r| r.as_ref().map(outcome_words)),
                    error.get_untracked(),
                ) {
                    (_, Some(e)) => (format!("Run could not start: {e}"), "run-error"),
                    (Some(words), None) => (words, "run-outcome"),
                    (None, None) => return,
                };
                if let Some(voice) = voice {
                    voice.say(words);
                }
                leptos::task::spawn_local(focus_when_shown(target));
            } else if waiting && !was_waiting {
                if let Some(voice) = voice {
                    voice.say("Waiting for the authorization server: sign in in the window it opened.");
                }
                leptos::task::spawn_local(focus_when_shown("run-waiting"));
            } else if was_waiting && !waiting && !running {
                // Cancelled: back to the control that started it.
                leptos::task::spawn_local(focus_when_shown("run-button"));
            }
        },
        false,
    );
    let toggle = |id: &'static str, label: &'static str, get: fn(&Workspace) -> bool, set: fn(&mut Workspace, bool)| {
        view! {
            <Toggle id=id label=label checked=Signal::derive(move || ws.with(get)) on_change=Callback::new(move |on| ws.update(|w| set(w, on)))/>
        }
    };
    view! {
        <section class="panel step" id="run" aria-labelledby="run-title">
            <h2 id="run-title"><span class="step-no">"4"</span>"Run"</h2>
            <super::token_calls::GrantChoice/>
            <div class="toggles">
                {toggle("run-fresh", "Fresh state, nonce and PKCE verifier for each run", |w| w.run.fresh_values, |w, on| w.run.fresh_values = on)}
                {toggle("run-userinfo", "Call userinfo", |w| w.run.userinfo, |w, on| w.run.userinfo = on)}
                {toggle("run-refresh", "Redeem the refresh token once", |w| w.run.refresh, |w, on| w.run.refresh = on)}
            </div>
            <div class="actions">
                <button type="button" class="primary" id="run-button" on:click=start disabled=move || app.running.get() || app.pending.get().is_some() aria-busy=move || app.running.get().to_string()>
                    {move || match (app.running.get(), grant.get()) {
                        (true, _) => "Running…",
                        (false, Grant::DeviceCode) => "Run the device flow",
                        (false, Grant::AuthorizationCode | Grant::ClientCredentials) => "Run the flow",
                    }}
                </button>
                {move || ws.with(|w| w.reproducible.fixed_instant().map(|t| (t, w.reproducible.seed.clone()))).map(|(t, seed)| view! {
                    <span class="badge" id="run-reproducible">{format!("reproducible: clock {}, seed \u{201c}{seed}\u{201d}", format_rfc3339(t))}</span>
                })}
                {move || app.run.get().map(|r| view! {
                    <span class="measure" id="run-time">{format!("last run: {:.1} ms, {} exchanges", r.elapsed_ms, r.flow.timeline.iter().filter(|e| matches!(e, TimelineEvent::Exchange { .. })).count())}</span>
                })}
            </div>
            {move || error.get().map(|e| view! { <p class="error" role="alert" id="run-error" tabindex="-1">{e}</p> })}
            <ExternalWaiting/>
            <div hidden=move || grant.get() != Grant::DeviceCode>
                <super::device_run::DeviceRunView signals=device/>
            </div>
            {move || (grant.get() != Grant::DeviceCode).then(|| app.run.get().map(|record| view! { <RunView record/> }))}
            {move || app.imported_run.get().map(|run| view! { <super::session_panel::ImportedRunView run/> })}
        </section>
    }
}

#[component]
fn RunView(record: RunRecord) -> impl IntoView {
    let summary = match &record.flow.error {
        None => view! {
            <p class="outcome success" id="run-outcome" tabindex="-1">
                <span aria-hidden="true">"✓ "</span>
                <strong>"Succeeded: "</strong>
                {if record.flow.timeline.iter().any(|e| matches!(e, TimelineEvent::Exchange { step: "client_credentials", .. })) {
                    "Client credentials grant completed, every check passed.".to_string()
                } else {
                    format!("{} flow completed, every check passed.", record.delivery.name())
                }}
            </p>
        }
        .into_any(),
        Some(e) => {
            view! { <FailureView error=e.clone() flow=record.flow.clone() events=record.events.clone()/> }.into_any()
        }
    };
    // Issue 10: no task over 50 ms during a flow. Built in one go, a run's view was one task
    // of 64–84 ms on the first run after load (V8 compiles each view on first use), so the
    // outcome and the diagram come first and the timeline follows a few entries per task.
    let total = record.flow.timeline.len();
    let shown = RwSignal::new(TIMELINE_CHUNK.min(total));
    leptos::task::spawn_local(async move {
        while shown.try_get_untracked().is_some_and(|n| n < total) {
            next_task().await;
            if shown.try_update(|n| *n = (*n + TIMELINE_CHUNK).min(total)).is_none() {
                break; // a newer run replaced this view
            }
        }
    });
    let events = record.events.clone();
    view! {
        {summary}
        <SequenceDiagram flow=record.flow.clone()/>
        <h3>"Timeline"</h3>
        <ol class="timeline" id="timeline" aria-busy=move || (shown.get() < total).to_string()>
            {record.flow.timeline.iter().enumerate().map(|(i, event)| {
                let entry = TimelineEntry::from_event(event, true);
                let visible = Memo::new(move |_| i < shown.get());
                move || visible.get().then(|| view! { <li><TimelineItem entry=entry.clone()/></li> })
            }).collect_view()}
        </ol>
        // A real server's log is its own; only the in-page server's is shown.
        {move || (shown.get() == total && !events.is_empty()).then(|| view! { <ServerEvents events=events.clone()/> })}
    }
}

/// What the live region says when a run ends: the outcome's first line.
fn outcome_words(record: &RunRecord) -> String {
    match &record.flow.error {
        None => format!(
            "Run succeeded: {} flow completed, every check passed.",
            record.delivery.name()
        ),
        Some(e) => format!(
            "Run failed at step {}: {}.",
            failing_step(&record.flow).unwrap_or("configuration"),
            e.code()
        ),
    }
}

/// Timeline entries built per task (see `RunView`).
const TIMELINE_CHUNK: usize = 2;

/// Where the run stopped and why, with the server's own check when it refused.
#[component]
fn FailureView(error: FlowError, flow: FlowRun, events: Vec<crate::mock_as::Event>) -> impl IntoView {
    let step = failing_step(&flow).unwrap_or("configuration");
    let clause = match &error {
        FlowError::Check(c) => Some(c.clause),
        FlowError::Client(_) => None,
    };
    let server_error = match &error {
        FlowError::Client(ClientError::Status { body, status, .. }) => Some(match body.as_ref() {
            ServerErrorBody::OAuth {
                error,
                error_description,
                ..
            } => format!(
                "HTTP {status}: {error}{}",
                error_description
                    .as_deref()
                    .map(|d| format!(" — {d}"))
                    .unwrap_or_default()
            ),
            other => format!("HTTP {status}: {other}"),
        }),
        FlowError::Check(c) => {
            let fields: Vec<String> = c
                .fields
                .iter()
                .filter(|(k, _)| k.starts_with("error"))
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            (!fields.is_empty())
                .then(|| fields.join(", "))
                .or_else(|| callback_error(&flow))
        }
        _ => None,
    };
    // The server's failing check, from its event log: the code, its clause, its summary.
    let server_check = events.iter().rev().find_map(|e| e.check).and_then(|code| {
        checks()
            .iter()
            .find(|c| c.code == code)
            .map(|info| (info.code, info.clause, info.summary))
    });
    let unreadable = transport_failure(&flow);
    view! {
        <div class="outcome failure" id="run-outcome" tabindex="-1">
            <p>
                <span aria-hidden="true">"✗ "</span>
                <strong>"Failed at step "</strong>
                <code id="run-failed-step">{step}</code>
                ": "
                <code id="run-error-code">{error.code()}</code>
            </p>
            <LearnNote code=error.code()/>
            <p class="detail">{error.to_string()}</p>
            {clause.map(|c| view! { <p>"Clause: " <cite>{c}</cite></p> })}
            {server_error.map(|e| view! { <p>"Server's answer: " <code id="run-server-error">{e}</code></p> })}
            {server_check.map(|(code, clause, summary)| view! {
                <p>
                    "Server check that fired: "
                    <code id="run-server-check">{code}</code>
                    " — " {summary} " (" <cite>{clause}</cite> ")"
                </p>
                <LearnNote code=code/>
            })}
            {unreadable.map(|(why, curl)| view! {
                <div id="run-cors">
                    <p>
                        "The browser could not read the server's answer: " {why}
                        " A page may read a cross-origin response only when the server allows its origin with CORS headers (Fetch standard, \"CORS protocol\"); without them the browser reports a bare network error. Run the request from a terminal to see the server's own answer:"
                    </p>
                    <CodeBlock what="The failed request as curl" text=curl id="run-cors-curl"/>
                </div>
            })}
        </div>
    }
}

/// The `error` the server put in the callback, even when an earlier check (a missing `state`,
/// RFC 6749 §4.1.2.1) stopped the client before it read it: a server that refuses a request
/// object often cannot echo a `state` it never read.
fn callback_error(flow: &FlowRun) -> Option<String> {
    flow.timeline.iter().rev().find_map(|e| match e {
        TimelineEvent::Callback { params, .. } => {
            let error = params.get("error")?;
            let description = params
                .get("error_description")
                .map(|d| format!(" — {d}"))
                .unwrap_or_default();
            Some(format!("{error}{description} (in the callback)"))
        }
        _ => None,
    })
}

fn channel(step: &str) -> &'static str {
    if step == "authorize" {
        "front channel"
    } else {
        "back channel"
    }
}

fn response_summary(response: &Option<Response>, transport_error: &Option<String>) -> String {
    match (response, transport_error) {
        (Some(r), _) => {
            let location = r.headers.get("location").map(|l| format!(" → {l}")).unwrap_or_default();
            format!("{}{location}", r.status)
        }
        (None, Some(e)) => format!("no answer: {e}"),
        (None, None) => "no answer".into(),
    }
}

/// One timeline entry, of a live run or read back from a session file: both are shown from
/// the same JSON rendering ([`TimelineEntry`]), so an imported run looks as it did.
#[component]
pub fn TimelineItem(entry: TimelineEntry) -> impl IntoView {
    match entry {
        TimelineEntry::Exchange {
            step,
            request,
            response,
            transport_error,
        } => view! {
            <ExchangeView step request=request.to_request() response=response.map(|r| r.to_response()) transport_error/>
        }
        .into_any(),
        TimelineEntry::Jwt { step, compact, .. } => view! { <JwtView step compact/> }.into_any(),
        TimelineEntry::Checks { step, checks } => view! { <ChecksView step checks/> }.into_any(),
        TimelineEntry::Findings { findings } => {
            view! { <FindingsView codes=findings.into_iter().map(|f| f.code).collect()/> }.into_any()
        }
        TimelineEntry::Callback { url, location, params } => view! { <CallbackView url location params/> }.into_any(),
    }
}

/// One request/response pair of a timeline (a live run's or an imported one's).
#[component]
fn ExchangeView(
    step: String,
    request: Request,
    response: Option<Response>,
    transport_error: Option<String>,
) -> impl IntoView {
    let ok = response.as_ref().is_some_and(|r| r.status < 400);
    // RFC 9449 §8, §9: a use_dpop_nonce answer is the server handing out a nonce, and the client
    // retries with it; it is marked as such, not as a failure (in words, not only by colour).
    let nonce_request = response
        .as_ref()
        .is_some_and(|r| crate::oauth::dpop::requested_nonce(r).is_some());
    let summary = format!("{} {}", request.method, request.url);
    let status = response_summary(&response, &transport_error);
    let (class, mark) = match (ok, nonce_request) {
        (true, _) => ("exchange-ok", "✓ "),
        (false, true) => ("exchange-nonce", "↻ nonce requested, retried: "),
        (false, false) => ("failed", "✗ "),
    };
    let response_view = response.map(|r| {
        let headers = r
            .headers
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect::<Vec<_>>()
            .join("\n");
        let body = r.body_text();
        let pretty_body = serde_json::from_str::<serde_json::Value>(&body)
            .map(|v| super::widgets::pretty(&v))
            .unwrap_or(body);
        view! {
            <CodeBlock what="Response headers" text=format!("HTTP {}\n{headers}", r.status)/>
            {(!pretty_body.is_empty()).then(|| view! { <CodeBlock what="Response body" text=pretty_body/> })}
        }
    });
    let channel = channel(&step);
    let (data_step, note_step) = (step.clone(), step.clone());
    view! {
        <details class=format!("exchange {class}") data-step=data_step>
            <summary>
                <span class="step-name">{step}</span>
                <span class="channel">{format!("[{channel}]")}</span>
                <code class="request-line">{summary}</code>
                <span class="status">{mark}{status}</span>
            </summary>
            <LearnNote code=note_step/>
            <HttpRequestView request/>
            {response_view}
        </details>
    }
}

#[component]
fn JwtView(step: String, compact: String) -> impl IntoView {
    let (data_step, name) = (step.clone(), step.clone());
    view! {
        <details class="jwt-event" data-step=data_step>
            <summary><span class="step-name">{name}</span>" JWT, decoded"</summary>
            <LearnNote code=step.clone()/>
            <DecodedJwt what=step compact/>
        </details>
    }
}

/// The checks run on one received message, opened when one failed.
#[component]
fn ChecksView(step: String, checks: Vec<CheckEntry>) -> impl IntoView {
    let failed = checks.iter().any(|s| !s.passed());
    let passed = checks.iter().filter(|s| s.passed()).count();
    let (data_step, note_step) = (step.clone(), step.clone());
    view! {
        <details class="checks-event" data-step=data_step open=failed>
            <summary>
                <span class="step-name">{step}</span>
                {format!(" checks: {passed} of {} passed", checks.len())}
            </summary>
            <LearnNote code=note_step/>
            <CheckRows checks/>
        </details>
    }
}

#[component]
fn FindingsView(codes: Vec<String>) -> impl IntoView {
    view! {
        <div class="findings-event">
            <span class="step-name">"pre-flight"</span>
            {format!(" {} finding(s): {}", codes.len(), codes.join(", "))}
        </div>
    }
}

/// The browser arriving at the redirect URI.
#[component]
fn CallbackView(url: String, location: String, params: Vec<(String, String)>) -> impl IntoView {
    let list = params
        .iter()
        .map(|(k, v)| format!("{k} = {v}"))
        .collect::<Vec<_>>()
        .join("\n");
    view! {
        <details class="callback-event" data-step="callback">
            <summary>
                <span class="step-name">"callback"</span>
                <span class="channel">"[front channel]"</span>
                {format!(" the browser arrives at the redirect URI ({location})")}
            </summary>
            <LearnNote code="callback"/>
            <CodeBlock what="Callback URL" text=url/>
            <CodeBlock what="Parameters" text=list/>
        </details>
    }
}

/// Each validation step with a mark that is a symbol and a word, never colour alone.
#[component]
pub fn CheckList(steps: Vec<Step>) -> impl IntoView {
    view! { <CheckRows checks=steps.iter().map(CheckEntry::from).collect()/> }
}

/// [`CheckList`] for checks read back from a session file as well as made by a run.
#[component]
pub fn CheckRows(checks: Vec<CheckEntry>) -> impl IntoView {
    view! {
        <ul class="check-list">
            {checks.into_iter().map(|s| {
                let (mark, word, class) = match s.outcome.as_str() {
                    "failed" => ("✗", "FAIL", "fail"),
                    "skipped" => ("–", "skipped", "skip"),
                    _ => ("✓", "pass", "pass"),
                };
                // The failure code's note when there is one, else the check's.
                let note_key = s.code.clone().unwrap_or_else(|| s.check.clone());
                let (detail, code, check) = (s.detail, s.code, s.check.clone());
                // A decryption step shows what it decrypted: the JWE header, then the content
                // (a nested JWT decoded into its header and claims); the request object's
                // encryption step, what it encrypted.
                let decrypted = s.decrypted.map(|d| {
                    let summary = if check.ends_with(".encrypt") {
                        "Encrypted: JWE header and the signed content"
                    } else {
                        "Decrypted: JWE header and content"
                    };
                    view! {
                        <details class="decrypted">
                            <summary>{summary}</summary>
                            <JsonBlock what="JWE protected header" value=d.header/>
                            <NestedContent plaintext=d.plaintext/>
                        </details>
                    }
                });
                view! {
                    <li class=format!("check {class}") data-check=check>
                        <span class="mark" aria-hidden="true">{mark}</span>
                        <span class="word">{word}</span>
                        " "
                        <code>{s.check}</code>
                        " "
                        <span class="detail">{detail}</span>
                        {code.map(|c| view! { " " <code class="code">{c}</code> })}
                        " "
                        <cite>{s.clause}</cite>
                        <LearnNote code=note_key/>
                        {decrypted}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// The plaintext of a JWE: a nested JWT decoded (header and claims), JSON claims as JSON,
/// anything else as text.
#[component]
fn NestedContent(plaintext: String) -> impl IntoView {
    if plaintext.split('.').count() == 3 && crate::jose::jws::decode_unverified(&plaintext).is_ok() {
        return view! { <DecodedJwt what="Nested JWT".to_string() compact=plaintext/> }.into_any();
    }
    match serde_json::from_str::<serde_json::Value>(&plaintext) {
        Ok(value @ serde_json::Value::Object(_)) => {
            view! { <JsonBlock what="Decrypted claims" value=value/> }.into_any()
        }
        _ => view! { <CodeBlock what="Decrypted content" text=plaintext/> }.into_any(),
    }
}

#[component]
fn ServerEvents(events: Vec<crate::mock_as::Event>) -> impl IntoView {
    let text = events
        .iter()
        .map(|e| {
            format!(
                "#{} {} [{}] {} {}{}",
                e.seq,
                e.name,
                e.category,
                e.endpoint,
                e.outcome,
                e.check.map(|c| format!(" check={c}")).unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    // The checks that fired, each with its note (a check fires once per refused request).
    let mut fired: Vec<&'static str> = Vec::new();
    for code in events.iter().filter_map(|e| e.check) {
        if !fired.contains(&code) {
            fired.push(code);
        }
    }
    view! {
        <details class="server-events">
            <summary>{format!("Server event log ({} events during this run)", events.len())}</summary>
            <CodeBlock what="Events" text=text id="run-events"/>
            <ul class="event-checks">
                {fired.into_iter().map(|code| view! { <li><code>{code}</code>" "<LearnNote code/></li> }).collect_view()}
            </ul>
        </details>
    }
}
