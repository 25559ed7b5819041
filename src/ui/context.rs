//! The application's shared state: the workspace signal, the in-page server it drives, and
//! the effects that keep storage and server in step with the workspace.

use std::cell::RefCell;

use leptos::prelude::*;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;

use super::mock_api::SharedServer;
use super::storage::{self, Saved};
use crate::http::Request;
use crate::mock_as::{path, Event, InProcessTransport};
use crate::oauth::discovery::process_discovery_response;
use crate::oauth::{FlowRun, ServerMetadata};
use crate::session::RunExport;
use crate::workspace::{LoadReport, UiSecret, Workspace, STORAGE_KEY};

thread_local! {
    /// The page's one authorization server (also offered to scripts as
    /// `window.oauthPlayground.mock`). `None` when WebCrypto is unavailable.
    static SERVER: RefCell<Option<SharedServer>> = const { RefCell::new(None) };
}

pub fn set_server(server: SharedServer) {
    SERVER.with(|s| *s.borrow_mut() = Some(server));
}

pub fn server() -> Option<SharedServer> {
    SERVER.with(|s| s.borrow().clone())
}

/// A finished run and what the server logged while it ran.
#[derive(Clone, Debug, PartialEq)]
pub struct RunRecord {
    pub flow: FlowRun,
    /// Server events recorded during the run, oldest first.
    pub events: Vec<Event>,
    pub elapsed_ms: f64,
    pub delivery: crate::oauth::Delivery,
}

/// A run against a real server whose authorization page is open in another window.
#[derive(Clone, Debug, PartialEq)]
pub struct PendingRun {
    pub pending: crate::oauth::PendingAuthorization,
    /// The first half's timeline (discovery, JWKS, request object, PAR).
    pub started: FlowRun,
    /// The configuration the run started with (secrets included: memory only).
    pub config: crate::oauth::Config,
    pub options: crate::oauth::FlowOptions,
    pub started_at: f64,
    pub delivery: crate::oauth::Delivery,
    /// Whether the browser let the page open the server's window.
    pub window_opened: bool,
}

#[derive(Clone, Copy)]
pub struct AppState {
    pub workspace: RwSignal<Workspace>,
    /// What reading the saved state found (shown until dismissed).
    pub load_report: RwSignal<Option<LoadReport>>,
    /// Why the in-page server refused the settings or the registration, if it did.
    pub server_error: RwSignal<Option<String>>,
    /// Bumped whenever the server was reconfigured, so views of its documents refresh.
    pub server_revision: RwSignal<u64>,
    pub run: RwSignal<Option<RunRecord>>,
    pub running: RwSignal<bool>,
    /// Why a run could not start (before any request was sent).
    pub run_error: RwSignal<Option<String>>,
    /// A run against a real server waiting for the browser to come back.
    pub pending: RwSignal<Option<PendingRun>>,
    /// The discovery document last fetched from a real server.
    pub discovered: RwSignal<Option<ServerMetadata>>,
    /// Why saving failed (quota, storage disabled), if it did.
    pub storage_error: RwSignal<Option<String>>,
    /// The last run of an imported session file, shown read-only until the next run.
    pub imported_run: RwSignal<Option<RunExport>>,
    /// What a share link in the address did when the page opened.
    pub shared_notice: RwSignal<Option<super::session_panel::SharedNotice>>,
}

pub fn state() -> AppState {
    // Provided by `App` before any panel is built; a missing context is a programming error
    // that the panic hook would report, so build a detached state instead of panicking.
    use_context::<AppState>().unwrap_or_else(AppState::detached)
}

impl AppState {
    fn detached() -> Self {
        Self::with_workspace(Workspace::default(), None)
    }

    fn with_workspace(workspace: Workspace, report: Option<LoadReport>) -> Self {
        Self {
            workspace: RwSignal::new(workspace),
            load_report: RwSignal::new(report),
            server_error: RwSignal::new(None),
            server_revision: RwSignal::new(0),
            run: RwSignal::new(None),
            running: RwSignal::new(false),
            run_error: RwSignal::new(None),
            pending: RwSignal::new(None),
            discovered: RwSignal::new(None),
            storage_error: RwSignal::new(None),
            imported_run: RwSignal::new(None),
            shared_notice: RwSignal::new(None),
        }
    }

    /// Reads the saved workspace (or starts fresh), fills in what must exist (a client
    /// secret, state, nonce, PKCE verifier), and starts the effects that save it and keep
    /// the server configured.
    pub fn load_and_provide() -> Self {
        let saved = Saved::read(STORAGE_KEY);
        // A share link in the address replaces the saved state (which is set aside for undo).
        let (shared, notice) = super::session_panel::open_shared_link(saved.as_ref());
        let (mut ws, report) = match (shared, saved) {
            (Some(ws), _) => (ws, None),
            (None, Some(saved)) => {
                let (ws, report) = saved.load();
                if let Some(text) = &report.set_aside {
                    // Kept for the user to copy back; a failure here only loses the copy.
                    let _ = storage::set_aside(text);
                }
                (ws, (!report.problems.is_empty()).then_some(report))
            }
            (None, None) => (first_visit_workspace(), None),
        };
        fill_in(&mut ws);
        super::mock_api::set_fixed_instant(ws.reproducible.fixed_instant());
        let state = Self::with_workspace(ws, report);
        state.shared_notice.set(notice);
        provide_context(state);
        state.start_effects();
        state
    }

    fn start_effects(self) {
        // Save on every change.
        Effect::new(move |_| {
            let outcome = self.workspace.with(|w| storage::save(STORAGE_KEY, w));
            self.storage_error.set(
                outcome
                    .err()
                    .map(|e| format!("The configuration could not be saved: {e}")),
            );
        });
        // One clock for the page: reproducible mode's instant while it is on.
        Effect::new(move |_| {
            super::mock_api::set_fixed_instant(self.workspace.with(|w| w.reproducible.fixed_instant()));
        });
        // Keep the in-page server configured as the Server and Client panels say.
        Effect::new(move |_| {
            let outcome = self.workspace.with(sync_server);
            if outcome != Ok(false) {
                self.server_revision.update(|r| *r += 1);
            }
            self.server_error.set(outcome.err());
        });
    }
}

/// The workspace of a first visit: the defaults, with this page's callback (under the public
/// URL the app was built for) as the redirect URI.
pub fn first_visit_workspace() -> Workspace {
    let mut ws = Workspace::default();
    if let Some(callback) = super::site::callback_url() {
        ws.client.redirect_uris = vec![callback.clone()];
        ws.request.redirect_uri = Some(callback);
    }
    ws
}

/// Fills in what a workspace read from storage, a file or a link must have to run: a client
/// secret, `state`, `nonce` and a PKCE verifier (never saved).
pub fn fill_in(ws: &mut Workspace) {
    let mut rng = page_rng();
    if ws.client.client_secret.is_none() {
        // 32 random bytes: long enough for HS256 (RFC 7518 §3.2).
        ws.client.client_secret = Some(UiSecret::new(crate::oauth::random::random_token(&mut rng, 32)));
    }
    if ws.request.state.is_none() || ws.request.nonce.is_none() {
        ws.request.regenerate(&mut rng);
    } else {
        ws.request.regenerate_verifier(&mut rng);
    }
}

/// Applies the workspace's server settings and (when asked) the client registration; says
/// whether either changed the server.
pub fn sync_server(ws: &Workspace) -> Result<bool, String> {
    let server = server().ok_or("the in-page server is not running (WebCrypto unavailable?)")?;
    let mut server = server
        .try_borrow_mut()
        .map_err(|_| "the in-page server is busy; try again".to_string())?;
    let mut changed = false;
    if server.settings() != &ws.server {
        changed = true;
        server
            .configure(ws.server.clone())
            .map_err(|e| format!("Server settings refused: {e}"))?;
    }
    if ws.client.sync_registration {
        let metadata = ws.client_metadata();
        if server.client(&metadata.client_id) != Some(&metadata) {
            changed = true;
            server
                .register_client(metadata)
                .map_err(|e| format!("Client registration refused: {e}"))?;
        }
    }
    Ok(changed)
}

/// Registers the client now, whatever the sync switch says.
pub fn register_now(ws: &Workspace) -> Result<String, String> {
    let server = server().ok_or("the in-page server is not running")?;
    let mut server = server.try_borrow_mut().map_err(|_| "the in-page server is busy")?;
    let metadata = ws.client_metadata();
    let id = metadata.client_id.clone();
    server.register_client(metadata).map_err(|e| e.to_string())?;
    Ok(id)
}

/// `POST {issuer}/register` (RFC 7591 §3.1) on the in-page server with a JSON body and,
/// when given, an initial access token: the status and the body text of its answer.
pub fn register_through_endpoint(body: &str, initial_access_token: Option<&str>) -> Result<(u16, String), String> {
    let server = server().ok_or("the in-page server is not running")?;
    let url = server
        .try_borrow()
        .map_err(|_| "the in-page server is busy")?
        .endpoint(path::REGISTRATION);
    let mut request = Request {
        method: crate::http::Method::Post,
        url,
        headers: crate::http::Headers::new(),
        body: body.as_bytes().to_vec(),
    };
    request.headers.append("Content-Type", "application/json");
    if let Some(token) = initial_access_token.filter(|t| !t.is_empty()) {
        request.headers.append("Authorization", format!("Bearer {token}"));
    }
    let response = InProcessTransport::new(server)
        .send_now(&request)
        .map_err(|e| e.to_string())?;
    Ok((response.status, response.body_text()))
}

/// The in-page server's answer to `GET path`, as text.
pub fn server_document(endpoint_path: &str) -> Result<String, String> {
    let server = server().ok_or("the in-page server is not running")?;
    let transport = InProcessTransport::new(server.clone());
    let url = server
        .try_borrow()
        .map_err(|_| "the in-page server is busy")?
        .endpoint(endpoint_path);
    let response = transport
        .send_now(&Request::get(url.as_str()))
        .map_err(|e| e.to_string())?;
    Ok(response.body_text())
}

/// The in-page server's discovery metadata, parsed as the client parses it.
pub fn mock_metadata() -> Option<ServerMetadata> {
    let server = server()?;
    let issuer = server.try_borrow().ok()?.issuer().to_string();
    let transport = InProcessTransport::new(server);
    let response = transport
        .send_now(&Request::get(format!("{issuer}{}", path::DISCOVERY).as_str()))
        .ok()?;
    process_discovery_response(&issuer, &response).ok()
}

/// The in-page server's JWKS (its `use: "enc"` keys are what request objects are encrypted
/// to), fetched from its `jwks_uri` as a run fetches it.
pub fn mock_jwks() -> Option<crate::jose::Jwks> {
    let uri = mock_metadata()?.jwks_uri?;
    let transport = InProcessTransport::new(server()?);
    let response = transport.send_now(&Request::get(uri.as_str())).ok()?;
    crate::oauth::discovery::process_jwks_response(&response).ok()
}

/// A CSPRNG seeded from `crypto.getRandomValues` (all zeros only if the browser has no
/// WebCrypto, in which case the page already says it cannot sign).
pub fn page_rng() -> ChaCha20Rng {
    let mut seed = [0u8; 32];
    if let Some(crypto) = web_sys::window().and_then(|w| w.crypto().ok()) {
        let _ = crypto.get_random_values_with_u8_array(&mut seed);
    }
    ChaCha20Rng::from_seed(seed)
}
