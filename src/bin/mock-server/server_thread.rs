//! The authorization server on a thread of its own, which is the one lock on its state: every
//! connection's request is queued to it and answered in turn, while the connections
//! themselves are read and written concurrently on the runtime's threads.
//!
//! A thread rather than a `Mutex`: the server owns a `Box<dyn Clock>` and a
//! `Box<dyn CryptoRngCore>` (the page passes `Rc` clocks), so it is not `Send`, and
//! `src/mock_as` stays as the page uses it.

use std::io::Write;
use std::sync::mpsc;

use oauth_playground::clock::{Clock, FixedClock, SystemClock};
use oauth_playground::http::{Request, Response};
use oauth_playground::mock_as::{profiles, AuthorizationServer};
use oauth_playground::reproducible::{Reproducible, Stream, DEFAULT_INSTANT};
use rand_chacha::rand_core::{CryptoRngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;
use tokio::sync::oneshot;

use crate::args::Options;

struct Job {
    request: Request,
    reply: oneshot::Sender<Response>,
}

/// Where connections send their requests. Cloneable; the thread ends when every handle is gone.
#[derive(Clone)]
pub struct ServerHandle {
    jobs: mpsc::Sender<Job>,
}

impl ServerHandle {
    /// The server's answer, or `None` if its thread is gone.
    pub async fn handle(&self, request: Request) -> Option<Response> {
        let (reply, answer) = oneshot::channel();
        self.jobs.send(Job { request, reply }).ok()?;
        answer.await.ok()
    }
}

/// What the started server reports for the startup line.
pub struct Started {
    pub handle: ServerHandle,
    pub profile: String,
    pub clients: Vec<String>,
}

/// Builds the server for `issuer` from the options (profile, settings file, clients file,
/// seed, instant) on a new thread, and starts answering. Every event the server logs is
/// written to `events` as one JSON line.
pub fn start(options: &Options, issuer: String, events: impl Write + Send + 'static) -> Result<Started, String> {
    let settings_text = read(options.settings.as_deref())?;
    let clients_text = read(options.clients.as_deref())?;
    let (profile, seed, instant) = (options.profile, options.seed.clone(), options.instant);
    let (jobs, queue) = mpsc::channel::<Job>();
    let (ready, started) = mpsc::channel();
    std::thread::Builder::new()
        .name("authorization-server".into())
        .spawn(move || {
            let clock: Box<dyn Clock> = match instant {
                Some(at) => Box::new(FixedClock::at(at)),
                None => Box::new(SystemClock),
            };
            let built = build(
                profiles::preset(profile, &issuer),
                clock,
                rng(seed, instant),
                settings_text.as_deref(),
                clients_text.as_deref(),
            );
            let mut server = match built {
                Ok(server) => server,
                Err(e) => {
                    let _ = ready.send(Err(e));
                    return;
                }
            };
            let profile = server.settings_json()["profile"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            let clients = server.clients().map(|c| c.client_id.clone()).collect();
            if ready.send(Ok((profile, clients))).is_err() {
                return;
            }
            serve(&mut server, &queue, events);
        })
        .map_err(|e| format!("cannot start the server thread: {e}"))?;
    let (profile, clients) = started
        .recv()
        .map_err(|_| "the server thread ended while starting".to_string())??;
    Ok(Started {
        handle: ServerHandle { jobs },
        profile,
        clients,
    })
}

fn read(path: Option<&std::path::Path>) -> Result<Option<String>, String> {
    path.map(|p| std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display())))
        .transpose()
}

/// Codes, tokens and `request_uri`s: from the seed's server stream in reproducible mode (as
/// the page's `reproducible::restarted_server` draws them), else from fresh OS entropy.
fn rng(seed: Option<String>, instant: Option<i64>) -> Box<dyn CryptoRngCore> {
    match seed {
        Some(seed) => Box::new(
            Reproducible {
                enabled: true,
                instant: instant.unwrap_or(DEFAULT_INSTANT),
                seed,
            }
            .rng(Stream::Server),
        ),
        None => {
            let mut key = [0u8; 32];
            // Without OS entropy the server would hand out guessable codes: refuse to run.
            if let Err(e) = getrandom::fill(&mut key) {
                eprintln!("mock-server: no OS randomness ({e}); use --seed for a reproducible run");
                std::process::exit(2);
            }
            Box::new(ChaCha20Rng::from_seed(key))
        }
    }
}

fn build(
    settings: oauth_playground::mock_as::ServerSettings,
    clock: Box<dyn Clock>,
    rng: Box<dyn CryptoRngCore>,
    settings_text: Option<&str>,
    clients_text: Option<&str>,
) -> Result<AuthorizationServer, String> {
    let mut server = AuthorizationServer::new(settings, clock, rng).map_err(|e| format!("settings: {e}"))?;
    if let Some(text) = settings_text {
        server.configure_json(text).map_err(|e| format!("--settings: {e}"))?;
    }
    if let Some(text) = clients_text {
        let clients: Vec<serde_json::Value> =
            serde_json::from_str(text).map_err(|e| format!("--clients: not a JSON array of client metadata: {e}"))?;
        for (n, client) in clients.iter().enumerate() {
            server
                .register_client_json(&client.to_string())
                .map_err(|e| format!("--clients: client {n}: {e}"))?;
        }
    }
    Ok(server)
}

/// Answers queued requests until every handle is dropped, writing each new event as it is logged.
fn serve(server: &mut AuthorizationServer, queue: &mpsc::Receiver<Job>, mut events: impl Write) {
    let mut printed = server.events().map(|e| e.seq).max().unwrap_or(0);
    while let Ok(job) = queue.recv() {
        let response = server.handle(&job.request);
        let since = printed;
        for event in server.events().filter(|e| e.seq > since) {
            printed = event.seq;
            if let Ok(line) = serde_json::to_string(event) {
                // A closed stdout (the reader went away) must not stop the server.
                let _ = writeln!(events, "{line}");
            }
        }
        let _ = events.flush();
        // The connection may have gone meanwhile; nothing waits for this answer then.
        let _ = job.reply.send(response);
    }
}
