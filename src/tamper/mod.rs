//! Tamper presets: one-click mutations of the user's own valid request (or of the server's
//! answer to it), each naming the error it must produce, the check code that must fire and the
//! clause that check enforces.
//!
//! A preset runs twice on a fresh mock server built from the user's settings (the page's own
//! server and workspace are never touched): first unchanged — the control, which must succeed,
//! or the preset "cannot run" and says why — then with the mutation, applied either to the
//! client's configuration (it builds a different request) or in flight by a tampering
//! [`Transport`](crate::http::Transport) that sits between the client and the server
//! ([`wire`]). The outcome compares the code that fired with the one expected; a mismatch is
//! a finding, never hidden.
//!
//! Browser-free like the protocol layers: time, randomness and cryptography are injected, so
//! `tests/tamper_presets.rs` runs every preset natively.

mod catalog;
mod runner;
mod setup;
mod wire;

use serde::Serialize;

pub use catalog::presets;
pub use runner::{run_preset, Keyring, TamperTarget};

use crate::mock_as::{Check, Event};
use crate::oauth::{Delivery, FlowRun};

/// Whose check must stop the tampered run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The authorization server refuses (its check code, from its event log).
    Server,
    /// The client refuses what came back (its validation step's code).
    Client,
}

impl Side {
    pub fn name(self) -> &'static str {
        match self {
            Side::Server => "server",
            Side::Client => "client",
        }
    }
}

/// What a preset must produce.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Expected {
    pub side: Side,
    /// The check code: a row of `mock_as::checks()` for the server, a validation step's
    /// failure code for the client (`jarm.iss_mismatch`, …).
    pub code: &'static str,
    /// The OAuth error the server answers with (server side only).
    pub error: Option<&'static str>,
    /// The clause the check enforces.
    pub clause: &'static str,
}

impl Expected {
    /// A server check, with its error and clause taken from the check table itself.
    pub fn server(check: Check) -> Self {
        let info = check.info();
        Self {
            side: Side::Server,
            code: info.code,
            error: Some(info.error),
            clause: info.clause,
        }
    }

    /// A client validation step's failure code and the clause that step quotes.
    pub fn client(code: &'static str, clause: &'static str) -> Self {
        Self {
            side: Side::Client,
            code,
            error: None,
            clause,
        }
    }
}

/// The groups presets are listed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    RequestObject,
    Lifetime,
    PushedRequest,
    Endpoints,
    Response,
    Dpop,
    Encryption,
}

impl Category {
    pub const ALL: [Category; 7] = [
        Category::RequestObject,
        Category::Lifetime,
        Category::PushedRequest,
        Category::Endpoints,
        Category::Response,
        Category::Dpop,
        Category::Encryption,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Category::RequestObject => "Request object (JAR)",
            Category::Lifetime => "Request object lifetime and replay",
            Category::PushedRequest => "PAR and request_uri",
            Category::Endpoints => "Redirect URI, PKCE, code and client authentication",
            Category::Response => "Authorization response, JARM and ID token (client checks)",
            Category::Dpop => "DPoP proofs and sender-constrained tokens",
            Category::Encryption => "Encrypted request objects and responses (JWE)",
        }
    }
}

/// One preset: what it changes, and what must happen.
#[derive(Clone, Debug)]
pub struct TamperPreset {
    /// A stable slug (`jarm-wrong-iss`): element ids, tests and links use it.
    pub id: &'static str,
    pub title: &'static str,
    pub category: Category,
    /// One sentence: the mutation, and the base it needs when that is not the user's own.
    pub what_changes: &'static str,
    pub expected: Expected,
    pub(crate) base: setup::Adjust,
    pub(crate) change: Change,
}

/// How the tampered run differs from the control.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Change {
    /// The client is configured differently (it builds and sends another request).
    Config(setup::Adjust),
    /// A message is changed in flight, between client and server.
    Wire(wire::Tamper),
}

/// What actually happened in the tampered run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Actual {
    /// The first check the server failed during the run, from its event log.
    pub server_check: Option<&'static str>,
    /// The OAuth error that check maps to.
    pub server_error: Option<&'static str>,
    /// The code the client's run stopped with (`None`: the flow completed).
    pub client_code: Option<&'static str>,
    /// The client's error, in words.
    pub client_detail: Option<String>,
    /// The clause the client's failed check quotes, when a check failed.
    pub client_clause: Option<&'static str>,
}

impl Actual {
    /// The code to compare with an expectation on `side`.
    pub fn code(&self, side: Side) -> Option<&'static str> {
        match side {
            Side::Server => self.server_check,
            Side::Client => self.client_code,
        }
    }
}

/// How a preset run ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "verdict", content = "reason", rename_all = "snake_case")]
pub enum Verdict {
    /// The expected check fired and the run stopped.
    Match,
    /// Something else happened: a finding.
    Mismatch,
    /// The preset could not be tried on this configuration, and why.
    CannotRun(String),
}

/// The result of one preset.
#[derive(Clone, Debug)]
pub struct PresetOutcome {
    pub id: &'static str,
    pub expected: Expected,
    pub actual: Actual,
    pub verdict: Verdict,
    /// The tampered run (or, when the preset cannot run, the control run that shows why).
    pub flow: FlowRun,
    /// What the fresh server logged during that run.
    pub events: Vec<Event>,
    /// The delivery the run used.
    pub delivery: Delivery,
    /// What the preset changed in the user's configuration to get its base, in words.
    pub notes: Vec<String>,
}

impl PresetOutcome {
    pub fn matched(&self) -> bool {
        self.verdict == Verdict::Match
    }

    /// `match`, `mismatch` or `error` (could not run): the UI's `data-outcome`.
    pub fn outcome_word(&self) -> &'static str {
        match self.verdict {
            Verdict::Match => "match",
            Verdict::Mismatch => "mismatch",
            Verdict::CannotRun(_) => "error",
        }
    }

    /// Expected against actual in one line, e.g. `expected server check jar.exp_passed,
    /// got jar.exp_passed`.
    pub fn comparison(&self) -> String {
        let got = match (&self.verdict, self.actual.code(self.expected.side)) {
            (Verdict::CannotRun(why), _) => format!("cannot run because {why}"),
            (_, Some(code)) => format!("got {code}"),
            (_, None) if self.actual.client_code.is_none() => "got nothing: the flow completed".to_string(),
            (_, None) => format!(
                "got no {} check; the client stopped with {}",
                self.expected.side.name(),
                self.actual.client_code.unwrap_or("-")
            ),
        };
        format!(
            "expected {} check {}, {got}",
            self.expected.side.name(),
            self.expected.code
        )
    }
}

/// Counts over a set of outcomes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub total: usize,
    pub matched: usize,
    pub mismatched: usize,
    pub cannot_run: usize,
}

impl Summary {
    pub fn of<'a>(outcomes: impl IntoIterator<Item = &'a PresetOutcome>) -> Self {
        let mut summary = Summary::default();
        for outcome in outcomes {
            summary.total += 1;
            match outcome.verdict {
                Verdict::Match => summary.matched += 1,
                Verdict::Mismatch => summary.mismatched += 1,
                Verdict::CannotRun(_) => summary.cannot_run += 1,
            }
        }
        summary
    }

    /// `34 of 34 produced their expected error`, then mismatches and presets that could not
    /// run, when there are any.
    pub fn sentence(&self) -> String {
        let mut text = format!("{} of {} produced their expected error", self.matched, self.total);
        if self.mismatched > 0 {
            text.push_str(&format!(
                "; {} MISMATCH{} (finding{})",
                self.mismatched,
                if self.mismatched == 1 { "" } else { "ES" },
                if self.mismatched == 1 { "" } else { "s" }
            ));
        }
        if self.cannot_run > 0 {
            text.push_str(&format!("; {} could not run", self.cannot_run));
        }
        text
    }
}

/// The preset list as JSON (id, title, category, what changes, expected): the end-to-end
/// tests read it, and the UI could offer it for download.
pub fn presets_json() -> serde_json::Value {
    serde_json::Value::Array(
        presets()
            .iter()
            .map(|p| {
                serde_json::json!({
                    "id": p.id,
                    "title": p.title,
                    "category": p.category,
                    "what_changes": p.what_changes,
                    "expected": p.expected,
                })
            })
            .collect(),
    )
}
