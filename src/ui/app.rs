use leptos::prelude::*;

use super::announce::{provide_announcer, LiveRegion};
use super::client_panel::ClientPanel;
use super::context::AppState;
use super::lazy_tools::{LazyTool, Tool};
use super::offline::UpdatePrompt;
use super::preflight::PreflightPanel;
use super::preview::PreviewPanel;
use super::request_panel::RequestPanel;
use super::result_panel::ResultPanel;
use super::run_panel::RunPanel;
use super::server_panel::ServerPanel;
use super::session_panel::{SessionBar, SharedBanner};
use super::widgets::CodeBlock;
use crate::workspace::{Workspace, SET_ASIDE_KEY, STORAGE_KEY};

const STEPS: [(&str, &str); 5] = [
    ("#server", "Server"),
    ("#client", "Client & keys"),
    ("#request", "Request"),
    ("#run", "Run"),
    ("#result", "Result"),
];

/// The page frame: header, the five steps in order, then the tools.
#[component]
pub fn App() -> impl IntoView {
    let app = AppState::load_and_provide();
    provide_announcer();
    super::external::listen_for_callbacks();
    view! {
        <a class="skip-link" href="#main">"Skip to the playground"</a>
        <header class="masthead">
            <div>
                <h1>"OAuth Playground"</h1>
                <p class="tagline">
                    "Build, sign, send and inspect OAuth 2.0 and OpenID Connect requests (JAR, PAR, JARM) against an authorization server running inside this page, or a real one."
                </p>
            </div>
            <nav aria-label="Steps" class="stepper">
                <ol>
                    {STEPS.iter().enumerate().map(|(i, (href, name))| view! {
                        <li><a href=*href><span class="step-no">{i + 1}</span>{*name}</a></li>
                    }).collect_view()}
                </ol>
            </nav>
            <nav aria-label="Learn" class="learn-nav">
                <a href="#learn-jar">"Why JAR?"</a>
                <a href="#learn-par">"Why PAR?"</a>
                <a href="#learn-dpop">"Why DPoP?"</a>
            </nav>
        </header>
        <UpdatePrompt/>
        <LoadNotice/>
        <SharedBanner/>
        {move || app.storage_error.get().map(|e| view! { <p class="banner error" role="alert">{e}</p> })}
        <main id="main">
            <WorkspaceBar/>
            <SessionBar/>
            <div class="flow-grid">
                <ServerPanel/>
                <ClientPanel/>
                <RequestPanel/>
                <div class="stack">
                    <PreflightPanel/>
                    <PreviewPanel/>
                </div>
                <RunPanel/>
                <LazyTool tool=Tool::Tamper/>
                <ResultPanel/>
            </div>
            <LazyTool tool=Tool::Compare/>
            <LazyTool tool=Tool::Jwt/>
            <LazyTool tool=Tool::Signer/>
            <LazyTool tool=Tool::Learn/>
        </main>
        <LiveRegion/>
    }
}

/// The remember-secrets switch and a reset.
#[component]
fn WorkspaceBar() -> impl IntoView {
    let app = super::context::state();
    let ws = app.workspace;
    let reset = move |_| {
        super::storage::forget(STORAGE_KEY);
        let keep_origin = ws.with_untracked(|w| (w.client.redirect_uris.clone(), w.request.redirect_uri.clone()));
        let mut fresh = Workspace::default();
        fresh.client.redirect_uris = keep_origin.0;
        fresh.request.redirect_uri = keep_origin.1;
        fresh.client.client_secret = ws.with_untracked(|w| w.client.client_secret.clone());
        let mut rng = super::context::page_rng();
        fresh.request.regenerate(&mut rng);
        ws.set(fresh);
        app.run.set(None);
    };
    view! {
        <div class="workspace-bar">
            <div class="toggle">
                <input
                    type="checkbox"
                    id="remember-secrets"
                    aria-describedby="remember-secrets-warning"
                    prop:checked=move || ws.with(|w| w.remember_secrets)
                    on:change=move |ev| ws.update(|w| w.remember_secrets = event_target_checked(&ev))
                />
                <label for="remember-secrets">"Remember secrets on this device"</label>
                <span id="remember-secrets-warning" class="help">
                    "Stores the client secret and private keys in this browser's localStorage, readable by anyone using this profile."
                </span>
            </div>
            <button type="button" id="reset-workspace" on:click=reset>"Reset to defaults"</button>
        </div>
    }
}

/// What reading the saved state found, when it was not all readable.
#[component]
fn LoadNotice() -> impl IntoView {
    let app = super::context::state();
    move || {
        app.load_report.get().map(|report| {
            let set_aside = report.set_aside.clone().unwrap_or_default();
            view! {
                <div class="banner warning" role="alert" id="load-notice">
                    <p><strong>"Your saved configuration could not be read completely."</strong>" What could be read was kept; the rest was reset:"</p>
                    <ul>{report.problems.iter().map(|p| view! { <li>{p.clone()}</li> }).collect_view()}</ul>
                    <p>{format!("The saved text was set aside under the localStorage key \"{SET_ASIDE_KEY}\"; here it is to copy:")}</p>
                    <details><summary>"Saved text"</summary><CodeBlock what="Unreadable saved state" text=set_aside/></details>
                    <button type="button" id="load-notice-dismiss" on:click=move |_| app.load_report.set(None)>"Dismiss"</button>
                </div>
            }
        })
    }
}
