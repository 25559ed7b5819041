//! Listening: bind, start the server, print the startup line, then accept connections until
//! Ctrl-C (or SIGTERM), answer what is under way, and stop.

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use oauth_playground::protocol::UrlParts;
use serde_json::json;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::args::{default_issuer, Options};
use crate::edge::Edge;
use crate::server_thread;

/// Connections served at once; further ones wait in the kernel's backlog, so a flood of
/// clients costs queueing, never unbounded memory.
const MAX_CONNECTIONS: usize = 512;
/// How long requests under way may take to finish once Ctrl-C was pressed.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

pub async fn run(options: Options) -> Result<(), String> {
    let listener = TcpListener::bind((options.host.as_str(), options.port))
        .await
        .map_err(|e| format!("cannot listen on {}:{}: {e}", options.host, options.port))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    let issuer = options
        .issuer
        .clone()
        .unwrap_or_else(|| default_issuer(&options.host, address.port()));
    let base = UrlParts::split(&issuer)
        .map(|parts| format!("{}://{}", parts.scheme, parts.authority))
        .ok_or_else(|| format!("--issuer: \"{issuer}\" is not an absolute URL"))?;
    let started = server_thread::start(&options, issuer.clone(), std::io::stdout())?;
    let stop = shutdown_signal();
    let listening = json!({
        "name": "server.listening",
        "issuer": issuer,
        "address": address.to_string(),
        "discovery": format!("{}/.well-known/openid-configuration", issuer.trim_end_matches('/')),
        "profile": started.profile,
        "clients": started.clients,
        "seed": options.seed.is_some(),
        "instant": options.instant,
    });
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{listening}");
        let _ = out.flush();
    }
    eprintln!("mock-server: {issuer} is listening on {address}; Ctrl-C stops it");

    let edge = Arc::new(Edge {
        base,
        cors: options.cors.clone(),
        max_body: options.max_body,
        read_timeout: Duration::from_secs(options.read_timeout_secs),
        server: started.handle,
    });
    let mut http = http1::Builder::new();
    // A client that never finishes its headers is cut off (hyper answers nothing and closes).
    http.timer(TokioTimer::new())
        .header_read_timeout(Duration::from_secs(options.read_timeout_secs));
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let graceful = GracefulShutdown::new();
    tokio::pin!(stop);
    loop {
        let slot = tokio::select! {
            slot = Arc::clone(&slots).acquire_owned() => slot,
            () = &mut stop => break,
        };
        let Ok(slot) = slot else { break };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut stop => break,
        };
        let (stream, _) = match accepted {
            Ok(connection) => connection,
            // Out of file descriptors and the like: wait a moment rather than spin.
            Err(e) => {
                eprintln!("mock-server: accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let edge = Arc::clone(&edge);
        let service = service_fn(move |request| {
            let edge = Arc::clone(&edge);
            async move { edge.answer(request).await }
        });
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            // A malformed request or a client gone mid-way ends only its own connection.
            let _ = connection.await;
            drop(slot);
        });
    }
    drop(listener);
    eprintln!("mock-server: stopping; finishing the requests under way");
    tokio::select! {
        () = graceful.shutdown() => eprintln!("mock-server: stopped"),
        () = tokio::time::sleep(SHUTDOWN_GRACE) => eprintln!("mock-server: stopped with requests unfinished after {} s", SHUTDOWN_GRACE.as_secs()),
    }
    Ok(())
}

/// Ctrl-C (SIGINT) or SIGTERM (what `kill` and process managers send). The handlers are
/// installed when this is called, not when the future is first polled: it is called before the
/// listening line is printed, so a supervisor that signals the moment it reads that line does
/// not kill the process by the signal's default action.
#[cfg(unix)]
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    use tokio::signal::unix::{signal, Signal, SignalKind};
    async fn received(signal: Option<Signal>) {
        match signal {
            Some(mut signal) => {
                signal.recv().await;
            }
            // No handler could be installed: the signal keeps its default action.
            None => std::future::pending::<()>().await,
        }
    }
    let terminate = signal(SignalKind::terminate()).ok();
    let interrupt = signal(SignalKind::interrupt()).ok();
    async move {
        tokio::select! {
            () = received(terminate) => {}
            () = received(interrupt) => {}
        }
    }
}

/// Ctrl-C elsewhere (registered on first poll there).
#[cfg(not(unix))]
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}
