//! Step 4, the run: executes the flow against the in-page server and shows where it stopped
//! (the check code, the server's error and the clause), a timeline of every exchange, and a
//! sequence diagram of what actually happened.

use leptos::prelude::*;

use super::context::{page_rng, server, state, sync_server, RunRecord};
use super::learn::LearnNote;
use super::mock_api::BrowserClock;
use super::preview::HttpRequestView;
use super::sequence::SequenceDiagram;
use super::webcrypto::WebCryptoBackend;
use super::widgets::{CodeBlock, DecodedJwt, Toggle};
use crate::http::Response;
use crate::mock_as::{checks, InProcessTransport};
use crate::oauth::check::Outcome;
use crate::oauth::error::ServerErrorBody;
use crate::oauth::{run_flow, ClientError, FlowError, FlowOptions, FlowRun, Step, TimelineEvent};
use crate::workspace::Workspace;

/// Runs the flow the workspace describes against the in-page server.
pub async fn execute(ws: Workspace) -> Result<RunRecord, String> {
    sync_server(&ws)?;
    let server = server().ok_or("the in-page server is not running")?;
    let last_seq = server.try_borrow().ok().and_then(|s| s.events().last().map(|e| e.seq));
    let backend = WebCryptoBackend::new().map_err(|e| e.to_string())?;
    let transport = InProcessTransport::new(server.clone());
    let options = FlowOptions {
        // The UI regenerates before the run (so the preview shows the values used).
        regenerate: false,
        userinfo: ws.run.userinfo,
        refresh: ws.run.refresh,
        leeway: ws.run.leeway,
        lint_hints: super::preflight::hints(&ws),
        ..FlowOptions::default()
    };
    let performance = web_sys::window().and_then(|w| w.performance());
    let started = performance.as_ref().map_or(0.0, |p| p.now());
    let flow = run_flow(
        &ws.config(),
        &transport,
        &backend,
        &BrowserClock,
        &mut page_rng(),
        &options,
    )
    .await;
    let elapsed_ms = performance.as_ref().map_or(0.0, |p| p.now()) - started;
    let events = server
        .try_borrow()
        .map(|s| {
            s.events()
                .filter(|e| last_seq.is_none_or(|seq| e.seq > seq))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    Ok(RunRecord {
        flow,
        events,
        elapsed_ms,
        delivery: ws.delivery,
    })
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
    let error = RwSignal::new(None::<String>);
    let start = move |_| {
        if app.running.get_untracked() {
            return;
        }
        if ws.with_untracked(|w| w.run.fresh_values && w.edit.is_none()) {
            let mut rng = page_rng();
            ws.update(|w| w.request.regenerate(&mut rng));
        }
        let snapshot = ws.get_untracked();
        app.running.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match execute(snapshot).await {
                Ok(record) => app.run.set(Some(record)),
                Err(e) => error.set(Some(e)),
            }
            app.running.set(false);
        });
    };
    let toggle = |id: &'static str, label: &'static str, get: fn(&Workspace) -> bool, set: fn(&mut Workspace, bool)| {
        view! {
            <Toggle id=id label=label checked=Signal::derive(move || ws.with(get)) on_change=Callback::new(move |on| ws.update(|w| set(w, on)))/>
        }
    };
    view! {
        <section class="panel step" id="run" aria-labelledby="run-title">
            <h2 id="run-title"><span class="step-no">"4"</span>"Run"</h2>
            <div class="toggles">
                {toggle("run-fresh", "Fresh state, nonce and PKCE verifier for each run", |w| w.run.fresh_values, |w, on| w.run.fresh_values = on)}
                {toggle("run-userinfo", "Call userinfo", |w| w.run.userinfo, |w, on| w.run.userinfo = on)}
                {toggle("run-refresh", "Redeem the refresh token once", |w| w.run.refresh, |w, on| w.run.refresh = on)}
            </div>
            <div class="actions">
                <button type="button" class="primary" id="run-button" on:click=start disabled=move || app.running.get() aria-busy=move || app.running.get().to_string()>
                    {move || if app.running.get() { "Running…" } else { "Run the flow" }}
                </button>
                {move || app.run.get().map(|r| view! {
                    <span class="measure" id="run-time">{format!("last run: {:.1} ms, {} exchanges", r.elapsed_ms, r.flow.timeline.iter().filter(|e| matches!(e, TimelineEvent::Exchange { .. })).count())}</span>
                })}
            </div>
            {move || error.get().map(|e| view! { <p class="error" role="alert" id="run-error">{e}</p> })}
            {move || app.run.get().map(|record| view! { <RunView record/> })}
        </section>
    }
}

#[component]
fn RunView(record: RunRecord) -> impl IntoView {
    let summary = match &record.flow.error {
        None => view! {
            <p class="outcome success" id="run-outcome" role="status">
                <span aria-hidden="true">"✓ "</span>
                <strong>"Succeeded: "</strong>
                {format!("{} flow completed, every check passed.", record.delivery.name())}
            </p>
        }
        .into_any(),
        Some(e) => {
            view! { <FailureView error=e.clone() flow=record.flow.clone() events=record.events.clone()/> }.into_any()
        }
    };
    view! {
        {summary}
        <SequenceDiagram flow=record.flow.clone()/>
        <h3>"Timeline"</h3>
        <ol class="timeline" id="timeline">
            {record.flow.timeline.iter().cloned().map(|event| view! { <li><TimelineItem event/></li> }).collect_view()}
        </ol>
        <ServerEvents events=record.events.clone()/>
    }
}

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
            (!fields.is_empty()).then(|| fields.join(", "))
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
    view! {
        <div class="outcome failure" id="run-outcome" role="alert">
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
        </div>
    }
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

#[component]
fn TimelineItem(event: TimelineEvent) -> impl IntoView {
    match event {
        TimelineEvent::Exchange { step, request, response, transport_error } => {
            let ok = response.as_ref().is_some_and(|r| r.status < 400);
            let summary = format!("{} {}", request.method, request.url);
            let status = response_summary(&response, &transport_error);
            let response_view = response.map(|r| {
                let headers = r.headers.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join("\n");
                let body = r.body_text();
                let pretty_body = serde_json::from_str::<serde_json::Value>(&body)
                    .map(|v| super::widgets::pretty(&v))
                    .unwrap_or(body);
                view! {
                    <CodeBlock what="Response headers" text=format!("HTTP {}\n{headers}", r.status)/>
                    {(!pretty_body.is_empty()).then(|| view! { <CodeBlock what="Response body" text=pretty_body/> })}
                }
            });
            view! {
                <details class=format!("exchange {}", if ok { "exchange-ok" } else { "failed" }) data-step=step>
                    <summary>
                        <span class="step-name">{step}</span>
                        <span class="channel">{format!("[{}]", channel(step))}</span>
                        <code class="request-line">{summary}</code>
                        <span class="status">{if ok { "✓ " } else { "✗ " }}{status}</span>
                    </summary>
                    <LearnNote code=step/>
                    <HttpRequestView request/>
                    {response_view}
                </details>
            }
            .into_any()
        }
        TimelineEvent::Jwt { step, compact, .. } => view! {
            <details class="jwt-event" data-step=step>
                <summary><span class="step-name">{step}</span>" JWT, decoded"</summary>
                <LearnNote code=step/>
                <DecodedJwt what=step.to_string() compact/>
            </details>
        }
        .into_any(),
        TimelineEvent::Checks { step, steps } => {
            let failed = steps.iter().any(|s| !s.passed());
            view! {
                <details class="checks-event" data-step=step open=failed>
                    <summary>
                        <span class="step-name">{step}</span>
                        {format!(" checks: {} of {} passed", steps.iter().filter(|s| s.passed()).count(), steps.len())}
                    </summary>
                    <LearnNote code=step/>
                    <CheckList steps/>
                </details>
            }
            .into_any()
        }
        TimelineEvent::Findings(findings) => view! {
            <div class="findings-event">
                <span class="step-name">"pre-flight"</span>
                {format!(" {} finding(s): {}", findings.len(), findings.iter().map(|f| f.code).collect::<Vec<_>>().join(", "))}
            </div>
        }
        .into_any(),
        TimelineEvent::Callback { url, params } => {
            let list = params.params.iter().map(|(k, v)| format!("{k} = {v}")).collect::<Vec<_>>().join("\n");
            view! {
                <details class="callback-event" data-step="callback">
                    <summary><span class="step-name">"callback"</span><span class="channel">"[front channel]"</span>{format!(" the browser arrives at the redirect URI ({:?})", params.location)}</summary>
                    <LearnNote code="callback"/>
                    <CodeBlock what="Callback URL" text=url/>
                    <CodeBlock what="Parameters" text=list/>
                </details>
            }
            .into_any()
        }
    }
}

/// Each validation step with a mark that is a symbol and a word, never colour alone.
#[component]
pub fn CheckList(steps: Vec<Step>) -> impl IntoView {
    view! {
        <ul class="check-list">
            {steps.into_iter().map(|s| {
                let (mark, word, class, detail, code) = match s.outcome {
                    Outcome::Passed { detail } => ("✓", "pass", "pass", detail, None),
                    Outcome::Failed { code, detail } => ("✗", "FAIL", "fail", detail, Some(code)),
                    Outcome::Skipped { detail } => ("–", "skipped", "skip", detail, None),
                };
                view! {
                    <li class=format!("check {class}") data-check=s.check>
                        <span class="mark" aria-hidden="true">{mark}</span>
                        <span class="word">{word}</span>
                        " "
                        <code>{s.check}</code>
                        " "
                        <span class="detail">{detail}</span>
                        {code.map(|c| view! { " " <code class="code">{c}</code> })}
                        " "
                        <cite>{s.clause}</cite>
                        <LearnNote code=code.unwrap_or(s.check)/>
                    </li>
                }
            }).collect_view()}
        </ul>
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
