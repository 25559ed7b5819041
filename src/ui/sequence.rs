//! The sequence diagram of a run as it happened: three lifelines (browser, client, server),
//! one arrow per message. Front-channel messages are dashed and labelled as such, back-channel
//! ones solid; a failure is marked with a cross and the word "failed", so neither line style
//! nor colour is the only signal. A request carrying a DPoP proof is labelled "+ DPoP proof".

use leptos::prelude::*;

use super::learn::StepNotes;
use crate::oauth::{FlowRun, TimelineEvent};

const WIDTH: f64 = 760.0;
const ROW: f64 = 34.0;
const TOP: f64 = 56.0;
const BROWSER: f64 = 110.0;
const CLIENT: f64 = 380.0;
const SERVER: f64 = 650.0;

#[derive(Clone, Debug, PartialEq)]
pub struct Arrow {
    pub from: f64,
    pub to: f64,
    pub label: String,
    pub front: bool,
    pub failed: bool,
}

fn arrow(from: f64, to: f64, label: impl Into<String>, front: bool, failed: bool) -> Arrow {
    Arrow {
        from,
        to,
        label: label.into(),
        front,
        failed,
    }
}

/// The messages of `flow`, in order.
pub fn arrows(flow: &FlowRun) -> Vec<Arrow> {
    let mut out = Vec::new();
    let mut first_authorize = true;
    for event in &flow.timeline {
        match event {
            TimelineEvent::Exchange {
                step,
                request,
                response,
                ..
            } => {
                let status = response.as_ref().map(|r| r.status);
                // A use_dpop_nonce answer (RFC 9449 §8, §9) hands out a nonce for the retry that
                // follows: drawn as such, not as a failure.
                let nonce_request = response
                    .as_ref()
                    .is_some_and(|r| crate::oauth::dpop::requested_nonce(r).is_some());
                let failed = status.is_none_or(|s| s >= 400) && !nonce_request;
                let path = request.url.split(['?', '#']).next().unwrap_or_default();
                let path = path.rsplit_once("//").map_or(path, |(_, rest)| rest);
                let path = path.split_once('/').map_or("/", |(_, p)| p);
                // RFC 9449 §4.1: a request that carries a proof says so on its arrow.
                let proof = if request.headers.get(crate::protocol::dpop::HEADER).is_some() {
                    " + DPoP proof"
                } else {
                    ""
                };
                let label = format!("{} /{path}{proof}", request.method);
                let answer = match status {
                    Some(s) if nonce_request => format!("{s} use_dpop_nonce — nonce given, retried"),
                    Some(s) => format!("{s}{}", if failed { " — failed" } else { "" }),
                    None => "no answer — failed".into(),
                };
                if *step == "authorize" {
                    if first_authorize {
                        out.push(arrow(CLIENT, BROWSER, "redirect to authorize", true, false));
                        first_authorize = false;
                    }
                    out.push(arrow(BROWSER, SERVER, format!("{label} ({step})"), true, false));
                    out.push(arrow(SERVER, BROWSER, answer, true, failed));
                } else {
                    out.push(arrow(CLIENT, SERVER, format!("{label} ({step})"), false, false));
                    out.push(arrow(SERVER, CLIENT, answer, false, failed));
                }
            }
            TimelineEvent::Callback { .. } => {
                if first_authorize {
                    // A real server: the browser's visit happened in its own window, where the
                    // page cannot see the exchanges, only where they ended.
                    out.push(arrow(CLIENT, BROWSER, "open the authorize URL", true, false));
                    out.push(arrow(
                        BROWSER,
                        SERVER,
                        "GET authorize, sign in (in its window)",
                        true,
                        false,
                    ));
                    out.push(arrow(SERVER, BROWSER, "302 to the redirect URI", true, false));
                    first_authorize = false;
                }
                out.push(arrow(BROWSER, CLIENT, "redirect to the callback", true, false));
            }
            TimelineEvent::Checks { step, steps } => {
                let failed = steps.iter().any(|s| !s.passed());
                // The request object's encryption (jar.encrypt) is the client's own work, not a
                // validation of something received.
                let encrypting = !steps.is_empty() && steps.iter().all(|s| s.check.ends_with(".encrypt"));
                let label = if encrypting {
                    let what = step.trim_end_matches(" (encrypted)");
                    format!("encrypt {what}{}", if failed { " — failed" } else { " ✓" })
                } else {
                    format!("validate {step}{}", if failed { " — failed" } else { " ✓" })
                };
                out.push(arrow(CLIENT, CLIENT, label, false, failed));
            }
            TimelineEvent::Jwt { .. } | TimelineEvent::Findings(_) => {}
        }
    }
    out
}

#[component]
pub fn SequenceDiagram(flow: FlowRun) -> impl IntoView {
    let arrows = arrows(&flow);
    let steps: Vec<&'static str> = flow
        .timeline
        .iter()
        .filter_map(|e| match e {
            TimelineEvent::Exchange { step, .. }
            | TimelineEvent::Jwt { step, .. }
            | TimelineEvent::Checks { step, .. } => Some(*step),
            TimelineEvent::Callback { .. } => Some("callback"),
            TimelineEvent::Findings(_) => None,
        })
        .collect();
    let height = TOP + ROW * (arrows.len() as f64 + 1.0) + 40.0;
    let lifelines = [
        (BROWSER, "Browser (front channel)"),
        (CLIENT, "Client (this page)"),
        (SERVER, "Authorization server"),
    ]
    .into_iter()
    .map(|(x, name)| {
        view! {
            <g class="lifeline">
                <rect x=x - 95.0 y="8" width="190" height="30" rx="6"></rect>
                <text x=x y="28" text-anchor="middle">{name}</text>
                <line x1=x y1="38" x2=x y2=height - 30.0></line>
            </g>
        }
    })
    .collect_view();
    let messages = arrows
        .into_iter()
        .enumerate()
        .map(|(i, a)| {
            let y = TOP + ROW * (i as f64 + 0.5);
            let class = format!(
                "message {} {}",
                if a.front { "front" } else { "back" },
                if a.failed { "failed" } else { "ok" }
            );
            if (a.from - a.to).abs() < 1.0 {
                // A self-message: the client validating what it received.
                let x = a.from;
                view! {
                    <g class=class>
                        // Centred on its row (y − 8 to y + 6), so its label keeps clear of the
                        // next message's label, which sits above that message's line.
                        <path d=format!("M {x} {} h 40 v 14 h -40", y - 8.0) fill="none" marker-end="url(#arrowhead)"></path>
                        <text x=x + 46.0 y=y + 3.0>{format!("{}{}", if a.failed { "✗ " } else { "" }, a.label)}</text>
                    </g>
                }
                .into_any()
            } else {
                let mid = (a.from + a.to) / 2.0;
                view! {
                    <g class=class>
                        <line x1=a.from y1=y x2=a.to y2=y marker-end="url(#arrowhead)"></line>
                        <text x=mid y=y - 6.0 text-anchor="middle">{format!("{}{}", if a.failed { "✗ " } else { "" }, a.label)}</text>
                    </g>
                }
                .into_any()
            }
        })
        .collect_view();
    view! {
        <figure class="sequence">
            // At narrow widths (WCAG 1.4.10 reflow) the diagram keeps its size and scrolls
            // sideways in this box alone; focusable and named, so the keyboard scrolls it too
            // (WCAG 2.1.1).
            <div class="sequence-scroll" tabindex="0" role="region" aria-label="Sequence diagram of the run (scrolls sideways)">
            <svg
                id="sequence-diagram"
                viewBox=format!("0 0 {WIDTH} {height}")
                role="img"
                aria-labelledby="sequence-title sequence-desc"
                xmlns="http://www.w3.org/2000/svg"
            >
                <title id="sequence-title">"Sequence diagram of the run"</title>
                <desc id="sequence-desc">"Dashed arrows travel through the browser (front channel); solid arrows go directly from the client to the server (back channel). Failed messages are marked with a cross."</desc>
                <defs>
                    <marker id="arrowhead" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M 0 0 L 10 5 L 0 10 z"></path>
                    </marker>
                </defs>
                {lifelines}
                {messages}
            </svg>
            </div>
            <figcaption>
                <span class="legend-front">"- - - front channel (through the browser)"</span>
                " · "
                <span class="legend-back">"—— back channel (client to server)"</span>
                " · ✗ failed"
            </figcaption>
            <StepNotes steps/>
        </figure>
    }
}
