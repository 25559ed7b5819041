//! The Session area beside the workspace bar: reproducible mode (fixed clock and seed),
//! export and import of the whole session as a file, and the share link; plus the banner a
//! share link raises when the page opens with one, and the read-only view of an imported run.
//!
//! The rules live in browser-free modules ([`crate::reproducible`], [`crate::session`]);
//! this file wires them to the page: the address bar, files, downloads, the clipboard.

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use super::announce::announcer;
use super::context::{fill_in, first_visit_workspace, state, AppState};
use super::copy_button::CopyButton;
use super::run_panel::TimelineItem;
use super::storage::{self, Saved};
use super::widgets::{chosen_file, download, file_text, JsonBlock, Toggle};
use crate::clock::{format_rfc3339, parse_rfc3339, UnixTime};
use crate::reproducible::{Reproducible, MAX_SEED_CHARS};
use crate::session::link::{read_share_fragment, share_fragment};
use crate::session::{export_session, import_session, RunExport, FILE_NAME, MAX_SESSION_BYTES};
use crate::workspace::Workspace;

/// Where the saved state is set aside when a share link replaces it, so closing the tab
/// before pressing Undo loses nothing.
pub const BEFORE_LINK_KEY: &str = "oauth-playground.workspace.before-shared-link";

/// What a share link did to the page.
#[derive(Clone, Debug, PartialEq)]
pub enum SharedNotice {
    /// The link's configuration replaced the workspace; `previous` is what Undo restores
    /// (`None`: there was nothing saved, Undo gives a first visit's defaults).
    Applied {
        problems: Vec<String>,
        previous: Option<Box<Workspace>>,
    },
    /// The link could not be used; nothing changed.
    Refused { why: String },
    /// Undo put the previous configuration back.
    Restored,
}

/// Called once while the page opens, before the saved state is read: the configuration of a
/// share link in the address, if there is one (the saved state `saved` is then set aside
/// under [`BEFORE_LINK_KEY`]), and what to tell the user. The fragment is removed from the
/// address bar either way, so a reload does not apply it again.
pub fn open_shared_link(saved: Option<&Saved>) -> (Option<Workspace>, Option<SharedNotice>) {
    let Some(window) = web_sys::window() else {
        return (None, None);
    };
    let Some(outcome) = read_share_fragment(&window.location().hash().unwrap_or_default()) else {
        return (None, None);
    };
    clear_fragment(&window);
    match outcome {
        Ok(shared) => {
            if let Some(saved) = saved {
                // Best effort: the copy in memory below is what Undo uses in this tab.
                let _ = saved.keep_under(BEFORE_LINK_KEY);
            }
            let previous = saved.map(|saved| Box::new(saved.load().0));
            (
                Some(shared.workspace),
                Some(SharedNotice::Applied {
                    problems: shared.problems,
                    previous,
                }),
            )
        }
        Err(why) => (None, Some(SharedNotice::Refused { why })),
    }
}

/// Removes the fragment from the address bar without reloading or adding a history entry.
fn clear_fragment(window: &web_sys::Window) {
    let location = window.location();
    let without = format!(
        "{}{}",
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    );
    if let Ok(history) = window.history() {
        // If the browser refuses, the fragment stays: harmless, since applying it again on a
        // reload asks nothing of the user that Undo cannot take back.
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&without));
    }
}

/// A share link pasted into this tab's address bar changes only the fragment, which loads
/// nothing: apply it as the page would on opening, keeping the current workspace for Undo.
fn watch_for_links(app: AppState) {
    let Some(window) = web_sys::window() else { return };
    let on_hash_change = Closure::<dyn Fn()>::new(move || {
        let Some(window) = web_sys::window() else { return };
        let Some(outcome) = read_share_fragment(&window.location().hash().unwrap_or_default()) else {
            return;
        };
        clear_fragment(&window);
        // The banner is at the top of the page; the user may be anywhere.
        window.scroll_to_with_x_and_y(0.0, 0.0);
        match outcome {
            Ok(shared) => {
                let previous = app.workspace.get_untracked();
                let _ = storage::save(BEFORE_LINK_KEY, &previous);
                let mut next = shared.workspace;
                fill_in(&mut next);
                app.workspace.set(next);
                app.run.set(None);
                app.imported_run.set(None);
                app.shared_notice.set(Some(SharedNotice::Applied {
                    problems: shared.problems,
                    previous: Some(Box::new(previous)),
                }));
            }
            Err(why) => app.shared_notice.set(Some(SharedNotice::Refused { why })),
        }
    });
    if window
        .add_event_listener_with_callback("hashchange", on_hash_change.as_ref().unchecked_ref())
        .is_ok()
    {
        // Lives as long as the page.
        on_hash_change.forget();
    }
}

/// The banner of a share link: applied (with Undo), refused (with why), or undone.
#[component]
pub fn SharedBanner() -> impl IntoView {
    let app = state();
    watch_for_links(app);
    let undo = move |_| {
        let Some(SharedNotice::Applied { previous, .. }) = app.shared_notice.get_untracked() else {
            return;
        };
        let mut restored = previous.map_or_else(first_visit_workspace, |w| *w);
        fill_in(&mut restored);
        app.workspace.set(restored);
        app.run.set(None);
        app.imported_run.set(None);
        storage::forget(BEFORE_LINK_KEY);
        app.shared_notice.set(Some(SharedNotice::Restored));
    };
    let dismiss = move |_| app.shared_notice.set(None);
    move || {
        app.shared_notice.get().map(|notice| match notice {
            SharedNotice::Applied { problems, .. } => view! {
                <div class="banner info" role="status" id="shared-banner">
                    <p>
                        <strong>"Loaded a shared configuration."</strong>
                        " It replaced your own for now; it carries no secret and no key, so this page drew a new client secret and your keys are not in it."
                    </p>
                    {(!problems.is_empty()).then(|| view! {
                        <p>"Parts of the link could not be read and were left at their defaults:"</p>
                        <ul>{problems.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
                    })}
                    <div class="actions">
                        <button type="button" id="shared-undo" on:click=undo>"Undo: restore my saved configuration"</button>
                        <button type="button" id="shared-dismiss" on:click=dismiss>"Keep the shared one"</button>
                    </div>
                </div>
            }
            .into_any(),
            SharedNotice::Refused { why } => view! {
                <div class="banner error" role="alert" id="shared-banner">
                    <p><strong>"The shared link could not be used; nothing was changed: "</strong>{why}</p>
                    <button type="button" id="shared-dismiss" on:click=dismiss>"Dismiss"</button>
                </div>
            }
            .into_any(),
            SharedNotice::Restored => view! {
                <div class="banner info" role="status" id="shared-banner">
                    <p>"Your saved configuration is back."</p>
                    <button type="button" id="shared-dismiss" on:click=dismiss>"Dismiss"</button>
                </div>
            }
            .into_any(),
        })
    }
}

/// A message of the Session area: what happened, and the details that go with it.
#[derive(Clone, Debug, PartialEq)]
struct Message {
    ok: bool,
    text: String,
    details: Vec<String>,
}

impl Message {
    fn ok(text: impl Into<String>) -> Self {
        Self {
            ok: true,
            text: text.into(),
            details: Vec::new(),
        }
    }

    fn error(text: impl Into<String>) -> Self {
        Self {
            ok: false,
            text: text.into(),
            details: Vec::new(),
        }
    }
}

/// The Session area: reproducible mode, export/import, share link.
#[component]
pub fn SessionBar() -> impl IntoView {
    let app = state();
    let ws = app.workspace;
    let message = RwSignal::new(None::<Message>);
    // An export or import done is said through the page's live region; a refusal is a
    // `role="alert"` in place.
    let voice = announcer();
    Effect::watch(
        move || message.with(|m| m.as_ref().filter(|m| m.ok).map(|m| m.text.clone())),
        move |text, _, _| {
            if let (Some(voice), Some(text)) = (voice, text) {
                voice.say(text.clone());
            }
        },
        false,
    );
    let status = move || {
        ws.with(|w| match w.reproducible.fixed_instant() {
            Some(instant) => format!(
                "reproducible mode ON: clock fixed at {}, seed \u{201c}{}\u{201d}",
                format_rfc3339(instant),
                w.reproducible.seed
            ),
            None => "reproducible mode off".to_string(),
        })
    };
    view! {
        <details class="session-bar" id="session">
            <summary id="session-summary">
                <span class="session-title">"Session"</span>
                <span class="muted" id="session-status">{status}</span>
            </summary>
            <div class="session-grid">
                <ReproducibleControls/>
                <ExportImport message/>
                <ShareLink/>
            </div>
            {move || message.get().map(|m| {
                let (class, role) = if m.ok { ("ok", None) } else { ("error", Some("alert")) };
                view! {
                    <div class=format!("session-message {class}") role=role id="session-message">
                        <p>{if m.ok { "✓ " } else { "✗ " }}{m.text}</p>
                        {(!m.details.is_empty()).then(|| view! {
                            <ul>{m.details.into_iter().map(|d| view! { <li>{d}</li> }).collect_view()}</ul>
                        })}
                    </div>
                }
            })}
        </details>
    }
}

#[component]
fn ReproducibleControls() -> impl IntoView {
    let ws = state().workspace;
    let instant_text = RwSignal::new(ws.with_untracked(|w| format_rfc3339(w.reproducible.instant)));
    let instant_error = RwSignal::new(None::<String>);
    let seed_error = RwSignal::new(None::<String>);
    // Keep the text in step when the instant changes elsewhere (import, link, reset).
    Effect::new(move |_| {
        let instant = ws.with(|w| w.reproducible.instant);
        if parse_rfc3339(&instant_text.get_untracked()).ok() != Some(instant) {
            instant_text.set(format_rfc3339(instant));
            instant_error.set(None);
        }
    });
    let set_instant = move |text: String| {
        instant_text.set(text.clone());
        match parse_rfc3339(&text) {
            Ok(instant) => {
                instant_error.set(None);
                ws.update(|w| w.reproducible.instant = instant);
            }
            Err(why) => instant_error.set(Some(format!("Not applied: {why}"))),
        }
    };
    let set_seed = move |seed: String| match Reproducible::check_seed(&seed) {
        Ok(()) => {
            seed_error.set(None);
            ws.update(|w| w.reproducible.seed = seed);
        }
        Err(why) => seed_error.set(Some(format!("Not applied: {why}"))),
    };
    let toggle = Callback::new(move |on: bool| {
        // Secrets are remembered only when the user ticks that box themselves; the mode says
        // what a reload would lose without it (the warning below) rather than opting in for them.
        ws.update(|w| w.reproducible.enabled = on);
    });
    let forgetting = move || ws.with(|w| w.reproducible.enabled && !w.remember_secrets);
    view! {
        <fieldset class="session-group" id="reproducible">
            <legend>"Reproducible mode"</legend>
            <Toggle
                id="repro-toggle"
                label="Fixed clock and seed: every run replays to identical JWTs"
                checked=Signal::derive(move || ws.with(|w| w.reproducible.enabled))
                on_change=toggle
            />
            <div class="field">
                <label for="repro-instant">"Instant (RFC 3339, e.g. 2025-01-01T00:00:00Z)"</label>
                <input
                    type="text"
                    id="repro-instant"
                    spellcheck="false"
                    autocomplete="off"
                    aria-describedby="repro-help repro-instant-error"
                    aria-invalid=move || instant_error.with(Option::is_some).to_string()
                    prop:value=move || instant_text.get()
                    on:change=move |ev| set_instant(event_target_value(&ev))
                />
                {move || instant_error.get().map(|e| view! { <p class="error" role="alert" id="repro-instant-error">{e}</p> })}
            </div>
            <div class="field">
                <label for="repro-seed">"Seed (any text)"</label>
                <input
                    type="text"
                    id="repro-seed"
                    spellcheck="false"
                    autocomplete="off"
                    maxlength=MAX_SEED_CHARS.to_string()
                    aria-describedby="repro-help repro-seed-error"
                    prop:value=move || ws.with(|w| w.reproducible.seed.clone())
                    on:change=move |ev| set_seed(event_target_value(&ev))
                />
                {move || seed_error.get().map(|e| view! { <p class="error" role="alert" id="repro-seed-error">{e}</p> })}
            </div>
            <p class="help" id="repro-help">
                "Fixed: the clock of this page and of the in-page server; state, nonce, PKCE verifier and every jti (from the seed); the server's codes, tokens and request_uris (it restarts for each run); and every signature, made in pure Rust (ECDSA with RFC 6979 nonces, RSA-PSS salts from the seed). Not fixed: keys you generate. To replay after a reload, also tick Remember secrets, so your keys and client secret survive it."
            </p>
            {move || forgetting().then(|| view! {
                <p class="warning" role="status" id="repro-warning">
                    "⚠ Remember secrets is off: after a reload the client secret and private keys are gone, and runs signed with them will change."
                </p>
            })}
        </fieldset>
    }
}

#[component]
fn ExportImport(message: RwSignal<Option<Message>>) -> impl IntoView {
    let app = state();
    let ws = app.workspace;
    let include_secrets = RwSignal::new(false);
    let import_text = RwSignal::new(String::new());

    let export = move |_| {
        let include = include_secrets.get_untracked();
        let live = app.run.with_untracked(|r| {
            r.as_ref()
                .map(|r| RunExport::from_run(&r.flow, &r.events, r.delivery, include))
        });
        let run = live.or_else(|| {
            app.imported_run.with_untracked(|r| {
                r.as_ref()
                    .map(|r| if include { r.clone() } else { r.without_secrets() })
            })
        });
        let now = (js_sys::Date::now() / 1000.0).floor() as UnixTime;
        let text = ws.with_untracked(|w| export_session(w, run.as_ref(), include, now));
        let outcome = download(FILE_NAME, "application/json", &text);
        message.set(Some(match outcome {
            Ok(()) => Message::ok(format!(
                "Exported {FILE_NAME} ({} bytes): the configuration, the keys{}{}.",
                text.len(),
                if include {
                    " WITH their private parts and the client secret"
                } else {
                    " (public parts only, no client secret)"
                },
                match (run.is_some(), include) {
                    (true, true) => " and the last run",
                    (true, false) => " and the last run (its credentials and issued tokens redacted)",
                    (false, _) => "; there is no run yet",
                }
            )),
            Err(e) => Message::error(format!("The download failed: {e}")),
        }));
    };

    let apply = move |text: String, source: String| {
        let imported = match import_session(&text) {
            Ok(imported) => imported,
            Err(e) => {
                message.set(Some(Message::error(format!(
                    "Import refused, nothing was changed: {source}: {e}."
                ))));
                return;
            }
        };
        let keys = imported.workspace.keys.len();
        let private = imported.workspace.keys.iter().filter(|k| k.jwk.is_private()).count();
        let with_secret = imported
            .workspace
            .client
            .client_secret
            .as_ref()
            .is_some_and(|s| !s.expose().is_empty());
        let exported_at = imported.exported_at.clone().unwrap_or_else(|| "an unknown time".into());
        let last_run = imported.last_run.clone();
        let problems = imported.problems.clone();
        let mut next = ws.with_untracked(|current| imported.into_workspace(current));
        fill_in(&mut next);
        ws.set(next);
        app.run.set(None);
        let run_note = if last_run.is_some() {
            "; its last run is shown read-only under Run"
        } else {
            "; it holds no run"
        };
        app.imported_run.set(last_run);
        let remembered = ws.with_untracked(|w| w.remember_secrets);
        let secrets_note = match (private > 0 || with_secret, remembered) {
            (false, _) => " No secrets were in it: this page kept its client secret, and keys are public only.".into(),
            (true, true) => " Its secrets are remembered on this device (Remember secrets is on).".to_string(),
            (true, false) => " Its secrets stay in this tab only (Remember secrets is off).".to_string(),
        };
        let mut m = Message::ok(format!(
            "Imported the session exported at {exported_at} from {source}: {keys} key(s), {private} with private parts{run_note}.{secrets_note}"
        ));
        if !problems.is_empty() {
            m.text
                .push_str(" Some parts could not be read and were left at their defaults:");
            m.details = problems;
        }
        message.set(Some(m));
        import_text.set(String::new());
    };

    let on_file = move |ev: leptos::ev::Event| {
        let Some((input, file)) = chosen_file(&ev) else {
            return;
        };
        // Read once: choosing the same file again must fire `change` again.
        input.set_value("");
        let name = file.name();
        if file.size() > MAX_SESSION_BYTES as f64 {
            message.set(Some(Message::error(format!(
                "Import refused, nothing was changed: {name} is {} bytes, more than the {} MiB a session file may have.",
                file.size(),
                MAX_SESSION_BYTES / (1024 * 1024)
            ))));
            return;
        }
        leptos::task::spawn_local(async move {
            match file_text(&file).await {
                Ok(text) => apply(text, format!("the file {name}")),
                Err(e) => message.set(Some(Message::error(format!("The file {name} could not be read: {e}")))),
            }
        });
    };

    view! {
        <fieldset class="session-group" id="session-files">
            <legend>"Export / import"</legend>
            <div class="toggle">
                <input
                    type="checkbox"
                    id="session-export-secrets"
                    aria-describedby="session-export-help"
                    prop:checked=move || include_secrets.get()
                    on:change=move |ev| include_secrets.set(event_target_checked(&ev))
                />
                <label for="session-export-secrets">"Include secrets"</label>
            </div>
            <p class="help" id="session-export-help">
                "The file holds the configuration, the keys and the last run. Without this box: public keys only, no client secret, and in the run the client secret, client assertions, code_verifier and the access and refresh tokens the server issued replaced by REDACTED (a JARM response that carried tokens loses its signature with them). Codes and ID tokens stay."
            </p>
            <div class="actions">
                <button type="button" id="session-export" on:click=export>"Export session"</button>
            </div>
            <div class="field">
                <label for="session-import">"Import a session file"</label>
                <input type="file" id="session-import" accept=".json,application/json" on:change=on_file/>
            </div>
            <div class="field">
                <label for="session-import-text">"or paste one"</label>
                <textarea
                    id="session-import-text"
                    rows="3"
                    spellcheck="false"
                    placeholder="{\"format\": \"oauth-playground-session\", …}"
                    prop:value=move || import_text.get()
                    on:input=move |ev| import_text.set(event_target_value(&ev))
                ></textarea>
            </div>
            <div class="actions">
                <button
                    type="button"
                    id="session-import-apply"
                    on:click=move |_| apply(import_text.get_untracked(), "the pasted text".into())
                >
                    "Import pasted session"
                </button>
            </div>
        </fieldset>
    }
}

#[component]
fn ShareLink() -> impl IntoView {
    let ws = state().workspace;
    let page = web_sys::window()
        .map(|w| {
            let l = w.location();
            format!(
                "{}{}{}",
                l.origin().unwrap_or_default(),
                l.pathname().unwrap_or_default(),
                l.search().unwrap_or_default()
            )
        })
        .unwrap_or_default();
    let link = Memo::new(move |_| {
        ws.with(share_fragment)
            .map(|fragment| format!("{page}#{fragment}"))
            .map_err(|e| e.to_string())
    });
    let text = Signal::derive(move || link.with(|l| l.clone().unwrap_or_default()));
    view! {
        <fieldset class="session-group" id="share">
            <legend>"Share link"</legend>
            <div class="field">
                <label for="share-link">"Link to this configuration"</label>
                <input
                    type="text"
                    id="share-link"
                    readonly
                    aria-describedby="share-help"
                    prop:value=move || text.get()
                    on:focus=move |ev| {
                        if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                            input.select();
                        }
                    }
                />
            </div>
            <div class="actions">
                <CopyButton text=text what="share link" id="share-copy"/>
                <span class="measure" id="share-length">{move || format!("{} characters", text.with(String::len))}</span>
            </div>
            {move || link.with(|l| l.as_ref().err().cloned()).map(|e| view! { <p class="error" role="alert" id="share-error">{e}</p> })}
            <p class="help" id="share-help">
                "Carries the server settings, the client's settings, the request, the delivery, the request-object options and reproducible mode. Never the client secret, any key (public or private), state, nonce or PKCE verifier. It sits after the #, which browsers never send to a server."
            </p>
        </fieldset>
    }
}

/// An imported run, shown read-only in the Run panel.
#[component]
pub fn ImportedRunView(run: RunExport) -> impl IntoView {
    let outcome = match &run.error {
        None => view! {
            <p class="outcome success" id="imported-outcome">
                <span aria-hidden="true">"✓ "</span>
                <strong>"Succeeded: "</strong>
                {format!("{} flow completed, every check passed.", run.delivery)}
            </p>
        }
        .into_any(),
        Some(error) => view! {
            <p class="outcome failure" id="imported-outcome">
                <span aria-hidden="true">"✗ "</span>
                <strong>"Failed: "</strong>
                <code>{error.code.clone()}</code>
                " — "
                {error.message.clone()}
            </p>
        }
        .into_any(),
    };
    let count = run.server_events.len();
    view! {
        <div class="imported-run" id="imported-run">
            <h3>"Imported run " <span class="muted">"(read-only, from a session file; Run the flow to replace it)"</span></h3>
            {outcome}
            <ol class="timeline" id="imported-timeline">
                {run.timeline.into_iter().map(|entry| view! { <li><TimelineItem entry/></li> }).collect_view()}
            </ol>
            <details class="server-events">
                <summary>{format!("Server event log ({count} events during that run)")}</summary>
                <JsonBlock what="Events" value=serde_json::Value::Array(run.server_events)/>
            </details>
        </div>
    }
}
