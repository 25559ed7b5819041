//! The Run step's device authorization grant (RFC 8628) against the in-page server: the user
//! code and the verification link while the device polls at the server's interval, every poll
//! in the timeline with its answer, and the verification page in a panel — the in-page server
//! has no URL a browser tab could open, so the page's form is driven here, as the consent page
//! is by the tests.

use leptos::prelude::*;

use super::context::{page_rng, server, sync_server};
use super::mock_api::{set_fixed_instant, BrowserClock};
use super::run_panel::TimelineItem;
use super::webcrypto::WebCryptoBackend;
use crate::clock::Clock;
use crate::http::Request;
use crate::mock_as::SigningTransport;
use crate::oauth::device::{run_device_flow, DeviceOutcome, DeviceProgress, Pause};
use crate::protocol::form_encode;
use crate::session::timeline::TimelineEntry;
use crate::workspace::{TargetKind, Workspace};

/// What the panel shows of a device run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DeviceRunState {
    pub user_code: Option<String>,
    pub verification_uri: Option<String>,
    pub verification_uri_complete: Option<String>,
    pub interval: u64,
    pub timeline: Vec<TimelineEntry>,
    /// The last poll's answer (`authorization_pending`, `slow_down`, …).
    pub last_answer: Option<String>,
    pub polls: usize,
    pub polling: bool,
    /// How it ended: `Ok(summary)` or `Err(why)`.
    pub finished: Option<Result<String, String>>,
}

/// The device run's signals, created once by the Run panel.
#[derive(Clone, Copy)]
pub struct DeviceSignals {
    pub state: RwSignal<DeviceRunState>,
    /// Set by "Stop polling"; the poller stops at its next wake-up.
    pub stop: RwSignal<bool>,
    /// The verification panel: open or not, the code typed, what the page answered.
    pub page_open: RwSignal<bool>,
    pub typed_code: RwSignal<String>,
    pub page_result: RwSignal<Option<Result<String, String>>>,
}

impl DeviceSignals {
    pub fn new() -> Self {
        Self {
            state: RwSignal::new(DeviceRunState::default()),
            stop: RwSignal::new(false),
            page_open: RwSignal::new(false),
            typed_code: RwSignal::new(String::new()),
            page_result: RwSignal::new(None),
        }
    }
}

/// Waits on a timer; in reproducible mode the fixed clock also moves by the wait, so the
/// server sees the device poll at its interval.
struct TimerPause {
    reproducible: bool,
    stop: RwSignal<bool>,
}

impl Pause for TimerPause {
    async fn pause(&self, seconds: u64) -> bool {
        let ms = i32::try_from(seconds.saturating_mul(1000)).unwrap_or(i32::MAX);
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            let scheduled = web_sys::window().is_some_and(|w| {
                w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
                    .is_ok()
            });
            if !scheduled {
                let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
            }
        });
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
        if self.reproducible {
            let now = BrowserClock.now();
            set_fixed_instant(Some(now.saturating_add(i64::try_from(seconds).unwrap_or(0))));
        }
        !self.stop.try_get_untracked().unwrap_or(true)
    }
}

/// Runs the device grant for `ws` against the in-page server, reporting into `signals`.
pub async fn execute_device(ws: Workspace, signals: DeviceSignals) -> Result<(), String> {
    if ws.target.kind != TargetKind::InPage {
        return Err("The device run talks to the in-page server: its verification page is shown here. Choose the in-page server in step 1.".into());
    }
    let server = server().ok_or("the in-page server is not running")?;
    if ws.reproducible.enabled {
        set_fixed_instant(ws.reproducible.fixed_instant());
    }
    sync_server(&ws)?;
    signals.stop.set(false);
    signals.page_open.set(false);
    signals.page_result.set(None);
    signals.state.set(DeviceRunState {
        polling: true,
        ..DeviceRunState::default()
    });
    let backend = WebCryptoBackend::new().map_err(|e| e.to_string())?;
    let transport = SigningTransport::new(server, backend);
    let pause = TimerPause {
        reproducible: ws.reproducible.enabled,
        stop: signals.stop,
    };
    let config = ws.config();
    let scope = ws.request.scope.clone();
    let state = signals.state;
    let run = run_device_flow(
        &config,
        scope.as_deref(),
        ws.run.leeway,
        &transport,
        transport.backend(),
        &BrowserClock,
        &pause,
        &mut page_rng(),
        |progress| match progress {
            DeviceProgress::Event(event) => {
                let entry = TimelineEntry::from_event(event, true);
                let answer = match event {
                    crate::oauth::TimelineEvent::Exchange {
                        step,
                        response: Some(response),
                        ..
                    } if *step == crate::oauth::device::STEP_POLL => Some(if response.status == 200 {
                        "tokens".to_string()
                    } else {
                        serde_json::from_slice::<serde_json::Value>(&response.body)
                            .ok()
                            .and_then(|b| b["error"].as_str().map(str::to_string))
                            .unwrap_or_else(|| format!("HTTP {}", response.status))
                    }),
                    _ => None,
                };
                state.update(|s| {
                    s.timeline.push(entry);
                    if let Some(answer) = answer {
                        s.polls += 1;
                        s.last_answer = Some(answer);
                    }
                });
            }
            DeviceProgress::Authorization(authorization) => {
                signals.typed_code.set(authorization.user_code.clone());
                state.update(|s| {
                    s.user_code = Some(authorization.user_code.clone());
                    s.verification_uri = Some(authorization.verification_uri.clone());
                    s.verification_uri_complete = authorization.verification_uri_complete.clone();
                    s.interval = authorization.interval;
                });
            }
        },
    )
    .await;
    let finished = match run.result {
        Ok(DeviceOutcome::Tokens(tokens)) => Ok(format!(
            "Tokens received: access_token ({} characters){}{}.",
            tokens.access_token.expose().len(),
            if tokens.refresh_token.is_some() {
                ", refresh_token"
            } else {
                ""
            },
            match &run.id_token {
                Some(_) => ", and an ID token whose every check passed",
                None => "",
            }
        )),
        Ok(DeviceOutcome::Denied) => Err("access_denied: the user denied the request on the verification page.".into()),
        Ok(DeviceOutcome::Expired) => {
            Err("expired_token: the device code expired before the user decided; start again.".into())
        }
        Ok(DeviceOutcome::Stopped) => Err("Stopped: polling was cancelled.".into()),
        Err(e) => Err(format!("{}: {e}", e.code())),
    };
    state.update(|s| {
        s.polling = false;
        s.finished = Some(finished);
    });
    Ok(())
}

/// An attribute's value in the server's HTML page (`data-client="…"`), unescaped.
fn attribute(html: &str, name: &str) -> Option<String> {
    let start = html.find(&format!("{name}=\""))? + name.len() + 2;
    let end = html.get(start..)?.find('"')? + start;
    Some(
        html.get(start..end)?
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&#39;", "'")
            .replace("&amp;", "&"),
    )
}

/// Sends a request to the in-page server as the browser would (the verification page).
fn browse(request: &Request) -> Result<crate::http::Response, String> {
    let server = server().ok_or("the in-page server is not running")?;
    let mut server = server
        .try_borrow_mut()
        .map_err(|_| "the in-page server is busy; try again".to_string())?;
    Ok(server.handle(request))
}

/// The user code, the verification link, the polls so far, and the verification page.
#[component]
pub fn DeviceRunView(signals: DeviceSignals) -> impl IntoView {
    let state = signals.state;
    let submit = move |decision: &'static str| {
        let code = signals.typed_code.get_untracked();
        let Some(url) = state.with_untracked(|s| s.verification_uri.clone()) else {
            return;
        };
        let body = form_encode([("user_code", code.as_str()), ("decision", decision)]);
        let outcome = browse(&Request::form_post(url, body)).and_then(|page| {
            let html = page.body_text();
            match attribute(&html, "data-decision") {
                Some(decision) => Ok(format!("The verification page says: device {decision}.")),
                None => Err(format!(
                    "The verification page refused: {} ({})",
                    attribute(&html, "data-error").unwrap_or_else(|| format!("HTTP {}", page.status)),
                    attribute(&html, "data-check").unwrap_or_default()
                )),
            }
        });
        signals.page_result.set(Some(outcome));
    };
    let page_info = move || {
        let url = state.with(|s| s.verification_uri_complete.clone().or(s.verification_uri.clone()))?;
        let page = browse(&Request::get(url)).ok()?;
        let html = page.body_text();
        Some((attribute(&html, "data-client")?, attribute(&html, "data-scope")?))
    };
    view! {
        <div class="device-run" id="device-run">
            {move || state.with(|s| s.user_code.clone()).map(|code| view! {
                <div class="device-code">
                    <p>"On another device, open "
                        <code id="device-verification-uri">{move || state.with(|s| s.verification_uri.clone().unwrap_or_default())}</code>
                        " and enter"</p>
                    <p class="user-code" id="device-user-code" aria-label="User code">{code}</p>
                    <p class="hint">
                        {move || state.with(|s| s.verification_uri_complete.clone()).map(|u| format!("or go straight to {u}"))}
                    </p>
                    <div class="actions">
                        <button type="button" id="device-open-page" aria-expanded=move || signals.page_open.get().to_string() aria-controls="device-page"
                            on:click=move |_| signals.page_open.update(|o| *o = !*o)>
                            {move || if signals.page_open.get() { "Close the verification page" } else { "Open the verification page" }}
                        </button>
                        <button type="button" id="device-stop" disabled=move || !state.with(|s| s.polling) on:click=move |_| signals.stop.set(true)>"Stop polling"</button>
                    </div>
                </div>
            })}
            <section class="device-page" id="device-page" hidden=move || !signals.page_open.get() aria-label="Device verification page (in-page server)">
                <h3>"Verification page"</h3>
                {move || signals.page_open.get().then(page_info).flatten().map(|(client, scope)| view! {
                    <p id="device-page-request"><strong>{client}</strong>" asks for "<code>{scope}</code>". Check that the code is the one the device shows."</p>
                })}
                <label for="device-page-code">"User code"</label>
                <input id="device-page-code" autocomplete="off" spellcheck="false"
                    prop:value=move || signals.typed_code.get()
                    on:input=move |ev| signals.typed_code.set(event_target_value(&ev))/>
                <div class="actions">
                    <button type="button" id="device-approve" on:click=move |_| submit("approve")>"Approve"</button>
                    <button type="button" id="device-deny" on:click=move |_| submit("deny")>"Deny"</button>
                </div>
                {move || signals.page_result.get().map(|r| match r {
                    Ok(m) => view! { <p class="ok" role="status" id="device-page-result">{m}</p> }.into_any(),
                    Err(e) => view! { <p class="error" role="alert" id="device-page-result">{e}</p> }.into_any(),
                })}
            </section>
            <p id="device-poll-status" role="status" aria-live="polite">
                {move || state.with(|s| match (&s.finished, s.polling, &s.last_answer) {
                    (Some(_), _, _) => String::new(),
                    (None, true, Some(answer)) => format!("Polling every {} s: {} poll(s), last answer {answer}.", s.interval, s.polls),
                    (None, true, None) => "Waiting for the first poll…".to_string(),
                    _ => String::new(),
                })}
            </p>
            {move || state.with(|s| s.finished.clone()).map(|f| match f {
                Ok(m) => view! {
                    <p class="outcome success" id="device-outcome" role="status" data-outcome="tokens"><span aria-hidden="true">"✓ "</span><strong>"Succeeded: "</strong>{m}</p>
                }.into_any(),
                Err(e) => view! {
                    <p class="outcome failure" id="device-outcome" role="alert" data-outcome="failed"><span aria-hidden="true">"✗ "</span><strong>"Ended: "</strong>{e}</p>
                }.into_any(),
            })}
            <h3>"Device timeline"</h3>
            <ol class="timeline" id="device-timeline">
                <For
                    each=move || state.with(|s| s.timeline.clone().into_iter().enumerate().collect::<Vec<_>>())
                    key=|(i, _)| *i
                    children=move |(_, entry): (usize, TimelineEntry)| {
                        let answer = poll_answer(&entry);
                        view! { <li data-answer=answer><TimelineItem entry/></li> }
                    }
                />
            </ol>
        </div>
    }
}

/// A poll's answer for tests and screen readers: the RFC 8628 error, or `tokens`.
fn poll_answer(entry: &TimelineEntry) -> String {
    match entry {
        TimelineEntry::Exchange {
            step,
            response: Some(response),
            ..
        } if step == crate::oauth::device::STEP_POLL => {
            let response = response.to_response();
            if response.status == 200 {
                "tokens".into()
            } else {
                serde_json::from_slice::<serde_json::Value>(&response.body)
                    .ok()
                    .and_then(|b| b["error"].as_str().map(str::to_string))
                    .unwrap_or_default()
            }
        }
        _ => String::new(),
    }
}
