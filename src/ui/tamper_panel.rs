//! Tamper presets: one click runs the user's current request on a fresh copy of the in-page
//! server, once as it is and once with one change, and shows the check that must stop it
//! against the one that did. A different outcome is a finding and says so.

use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use leptos::prelude::*;

use super::context::{page_rng, server, state, RunRecord};
use super::mock_api::BrowserClock;
use super::webcrypto::WebCryptoBackend;
use crate::tamper::{
    presets, run_preset, Category, Keyring, PresetOutcome, Side, Summary, TamperPreset, TamperTarget, Verdict,
};
use crate::workspace::Workspace;

thread_local! {
    /// Attacker keys and ephemeral client keys, generated once per page.
    static KEYRING: Rc<Keyring> = Rc::new(Keyring::new());
}

#[derive(Clone)]
enum Row {
    Running,
    /// The outcome and how long the run took, in milliseconds.
    Done(Arc<PresetOutcome>, f64),
}

/// Every row's state and the panel's error, shared by the single and the "run all" buttons.
#[derive(Clone, Copy)]
struct Board {
    rows: RwSignal<HashMap<&'static str, Row>>,
    error: RwSignal<Option<String>>,
}

impl Board {
    fn start(self, id: &'static str) {
        self.rows.update(|r| {
            r.insert(id, Row::Running);
        });
    }

    /// Files a finished run under its preset; on failure forgets the row and says why.
    fn settle(self, id: &'static str, result: Result<(PresetOutcome, f64), String>) -> Option<RunRecord> {
        match result {
            Ok((outcome, ms)) => {
                let run = record(&outcome, ms);
                self.rows.update(|r| {
                    r.insert(id, Row::Done(Arc::new(outcome), ms));
                });
                Some(run)
            }
            Err(e) => {
                self.rows.update(|r| {
                    r.remove(id);
                });
                self.error.set(Some(e));
                None
            }
        }
    }

    fn done(self, id: &'static str) -> Option<RunRecord> {
        self.rows.with_untracked(|r| match r.get(id) {
            Some(Row::Done(outcome, ms)) => Some(record(outcome, *ms)),
            _ => None,
        })
    }
}

/// The user's configuration as the presets see it: the workspace, and the registration the
/// page's server holds for the client (the user may have registered by hand).
fn target(ws: &Workspace) -> TamperTarget {
    let mut target = TamperTarget::new(ws.clone());
    let registered = server().and_then(|s| {
        s.try_borrow()
            .ok()
            .and_then(|s| s.client(&ws.client.client_id).cloned())
    });
    if let Some(registration) = registered {
        target.registration = registration;
    }
    target
}

async fn run_one(preset: &TamperPreset, target: &TamperTarget) -> Result<(PresetOutcome, f64), String> {
    let backend = WebCryptoBackend::new().map_err(|e| format!("WebCrypto is unavailable: {e}"))?;
    let keyring = KEYRING.with(Rc::clone);
    let performance = web_sys::window().and_then(|w| w.performance());
    let started = performance.as_ref().map_or(0.0, |p| p.now());
    let outcome = run_preset(preset, target, &backend, BrowserClock, &mut page_rng(), &keyring).await;
    let elapsed_ms = performance.as_ref().map_or(0.0, |p| p.now()) - started;
    Ok((outcome, elapsed_ms))
}

fn record(outcome: &PresetOutcome, elapsed_ms: f64) -> RunRecord {
    RunRecord {
        flow: outcome.flow.clone(),
        events: outcome.events.clone(),
        elapsed_ms,
        delivery: outcome.delivery,
    }
}

#[component]
pub fn TamperPanel() -> impl IntoView {
    let app = state();
    let rows = RwSignal::new(HashMap::<&'static str, Row>::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let board = Board { rows, error };

    // One preset; its run becomes the Run step's current run.
    let run_single = move |preset: &'static TamperPreset| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        board.start(preset.id);
        let target = app.workspace.with_untracked(target);
        leptos::task::spawn_local(async move {
            if let Some(run) = board.settle(preset.id, run_one(preset, &target).await) {
                app.run.set(Some(run));
            }
            busy.set(false);
            super::announce::refocus_if_lost(format!("tamper-run-{}", preset.id)).await;
        });
    };

    let run_all = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        rows.set(HashMap::new());
        let target = app.workspace.with_untracked(target);
        leptos::task::spawn_local(async move {
            for preset in presets() {
                board.start(preset.id);
                if board.settle(preset.id, run_one(preset, &target).await).is_none() {
                    break;
                }
            }
            busy.set(false);
            super::announce::refocus_if_lost("tamper-run-all").await;
        });
    };

    let summary = move || {
        rows.with(|r| {
            let done: Vec<&PresetOutcome> = r
                .values()
                .filter_map(|row| match row {
                    Row::Done(o, _) => Some(o.as_ref()),
                    Row::Running => None,
                })
                .collect();
            let total = presets().len();
            if done.is_empty() {
                return format!("{total} presets, none run yet.");
            }
            let sentence = Summary::of(done.iter().copied()).sentence();
            if done.len() == total {
                format!("{sentence}.")
            } else {
                format!("{sentence} ({} of {total} presets run).", done.len())
            }
        })
    };

    view! {
        <section class="panel" id="tamper" aria-labelledby="tamper-title">
            <h2 id="tamper-title">"Tamper"</h2>
            <p class="hint">
                "Each preset runs your current request on a fresh copy of the in-page server (your server and settings stay as they are): first unchanged, which must succeed, then with one change — to the request, or to the server's answer on its way back. It names the check that must stop the change; if another one fires, or none, that is a finding."
            </p>
            <div class="actions">
                <button type="button" class="primary" id="tamper-run-all" on:click=run_all disabled=move || busy.get() aria-busy=move || busy.get().to_string()>
                    {move || if busy.get() { "Running…" } else { "Run all presets" }}
                </button>
                <span id="tamper-summary" role="status" class="measure">{summary}</span>
            </div>
            {move || error.get().map(|e| view! { <p class="error" role="alert" id="tamper-error">{e}</p> })}
            {Category::ALL.into_iter().map(|category| view! {
                <section class="tamper-group" aria-label=category.title()>
                    <h3>{category.title()}</h3>
                    <ul class="presets">
                        {presets().iter().filter(|p| p.category == category).map(|preset| view! {
                            <PresetRow preset rows busy run=Callback::new(move |_| run_single(preset)) show=Callback::new(move |_| {
                                if let Some(run) = board.done(preset.id) {
                                    app.run.set(Some(run));
                                }
                            })/>
                        }).collect_view()}
                    </ul>
                </section>
            }).collect_view()}
        </section>
    }
}

#[component]
fn PresetRow(
    preset: &'static TamperPreset,
    rows: RwSignal<HashMap<&'static str, Row>>,
    busy: RwSignal<bool>,
    run: Callback<()>,
    show: Callback<()>,
) -> impl IntoView {
    let id = preset.id;
    let row = move || rows.with(|r| r.get(id).cloned());
    let outcome_word = move || match row() {
        Some(Row::Done(o, _)) => Some(o.outcome_word()),
        _ => None,
    };
    let expected = preset.expected;
    let side = match expected.side {
        Side::Server => "server check",
        Side::Client => "client check",
    };
    let title_id = format!("tamper-title-{id}");
    view! {
        <li class="preset" data-preset=id data-outcome=outcome_word aria-busy=move || matches!(row(), Some(Row::Running)).to_string()>
            <div class="preset-head">
                <strong class="preset-title" id=title_id.clone()>{preset.title}</strong>
                <button
                    type="button"
                    id=format!("tamper-run-{id}")
                    aria-label=format!("Run preset: {}", preset.title)
                    disabled=move || busy.get()
                    on:click=move |_| run.run(())
                >
                    "Run"
                </button>
            </div>
            <p class="what">{preset.what_changes}</p>
            <p class="expect">
                "Expected: " {side} " " <code>{expected.code}</code>
                {expected.error.map(|e| view! { " → " <code>{e}</code> })}
                " · " <cite>{expected.clause}</cite>
            </p>
            {move || match row() {
                None => None,
                Some(Row::Running) => Some(view! {
                    <p class="verdict running"><span class="spinner" aria-hidden="true"></span>"Running…"</p>
                }.into_any()),
                Some(Row::Done(outcome, _)) => Some(view! { <PresetVerdict outcome show/> }.into_any()),
            }}
        </li>
    }
}

#[component]
fn PresetVerdict(outcome: Arc<PresetOutcome>, show: Callback<()>) -> impl IntoView {
    let (class, mark, word) = match &outcome.verdict {
        Verdict::Match => ("match", "✓", "as expected"),
        Verdict::Mismatch => ("mismatch", "✗", "MISMATCH — finding"),
        Verdict::CannotRun(_) => ("error", "⚠", "cannot run"),
    };
    let actual = outcome.actual.clone();
    let ran = !outcome.flow.timeline.is_empty();
    let id = outcome.id;
    view! {
        <div class=format!("verdict {class}")>
            <p>
                <span class="mark" aria-hidden="true">{mark}" "</span>
                <strong class="word">{word}</strong>
                ": "
                <span class="comparison" id=format!("tamper-comparison-{id}")>{outcome.comparison()}</span>
            </p>
            {(!matches!(outcome.verdict, Verdict::CannotRun(_))).then(|| view! {
                <p class="actual">
                    "Server: "
                    {match actual.server_check {
                        Some(code) => view! {
                            <code>{code}</code>
                            {actual.server_error.map(|e| view! { " → " <code>{e}</code> })}
                        }.into_any(),
                        None => view! { "no check failed" }.into_any(),
                    }}
                    " · Client: "
                    {match actual.client_code {
                        Some(code) => view! { <code>{code}</code> }.into_any(),
                        None => view! { "the flow completed" }.into_any(),
                    }}
                </p>
                {actual.client_detail.clone().map(|detail| view! {
                    <details class="client-error" open=matches!(outcome.verdict, Verdict::Mismatch)>
                        <summary>"The client's error in full"</summary>
                        <p>{detail}</p>
                    </details>
                })}
            })}
            {(!outcome.notes.is_empty()).then(|| view! {
                <ul class="notes">{outcome.notes.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view()}</ul>
            })}
            {ran.then(|| view! {
                <button type="button" class="show-run" id=format!("tamper-show-{id}") on:click=move |_| show.run(())>
                    "Show this run in the Run step"
                </button>
            })}
        </div>
    }
}
