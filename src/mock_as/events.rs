//! The structured event log and counters, with the Hardened profile's names
//! (`jar.validation_failed`, `jarm.issued`, `jarm.failure`, category `auth.security`) and the
//! counters `jar_requests_total{mode,outcome,alg,replay}`, `jarm_responses_total{mode,outcome}`.
//!
//! The log is tamper-evident (the MrWho roadmap's audit log): every event carries `prev_hash`,
//! the hash of the event before it, and `hash`, its own; the first event's `prev_hash` is
//! [`genesis_hash`]. A hash is SHA-256, base64url without padding, of the event's canonical
//! serialisation: the event as a JSON object without its `hash` member, members sorted by name
//! at every depth and no whitespace (what `serde_json` writes for a `Value`). Editing any
//! event, dropping one or reordering two breaks the link after it, and [`verify_chain`] names
//! the first broken one.

use std::collections::{BTreeMap, VecDeque};

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::clock::UnixTime;
use crate::jose::base64url;

/// The fixed text whose hash the first event of a chain links to.
pub const GENESIS: &str = "oauth-playground audit log genesis v1";

/// `BASE64URL(SHA-256(GENESIS))`: the `prev_hash` of the first event after the log is created
/// or cleared.
pub fn genesis_hash() -> String {
    base64url::encode(Sha256::digest(GENESIS.as_bytes()))
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Event {
    pub seq: u64,
    pub time: UnixTime,
    /// `jar.validation_failed`, `jarm.issued`, `request.rejected`, `token.issued`, …
    pub name: String,
    pub category: &'static str,
    pub endpoint: String,
    pub client_id: Option<String>,
    /// The check code, for failures.
    pub check: Option<&'static str>,
    pub outcome: &'static str,
    pub clause: Option<&'static str>,
    /// Claim values and parameters relevant to the outcome (never secrets).
    pub details: BTreeMap<String, String>,
    /// The `hash` of the event before this one (or [`genesis_hash`]); set by [`EventLog::push`].
    pub prev_hash: String,
    /// This event's own hash (see the module's documentation); set by [`EventLog::push`].
    pub hash: String,
}

/// SHA-256 (base64url) of an event's canonical serialisation: the JSON object without `hash`.
pub fn event_hash(event: &Value) -> String {
    let mut canonical = event.clone();
    if let Value::Object(map) = &mut canonical {
        map.remove("hash");
    }
    // serde_json's `Map` is ordered by key (the `preserve_order` feature is off), so a `Value`
    // serialises with sorted members and no whitespace.
    base64url::encode(Sha256::digest(canonical.to_string().as_bytes()))
}

/// The first link of a chain that does not hold.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BrokenLink {
    /// Position in the list verified (0 = first).
    pub index: usize,
    /// The event's `seq` as it reads now (`None` if it has none).
    pub seq: Option<u64>,
    /// What does not hold: `prev_hash` (the link to the event before) or `hash` (its own
    /// content was edited after it was hashed).
    pub member: &'static str,
    pub expected: String,
    pub found: String,
}

impl std::fmt::Display for BrokenLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let seq = self
            .seq
            .map_or_else(|| "without seq".to_string(), |s| format!("seq {s}"));
        write!(
            f,
            "event #{} ({seq}): {} is {}, expected {}",
            self.index, self.member, self.found, self.expected
        )
    }
}

/// Verifies a list of events (as JSON, oldest first) that starts after `anchor`: the first
/// event's `prev_hash` must be `anchor`, each event's `hash` must be the hash of its content,
/// and each `prev_hash` the `hash` before it. `Err` names the first event where that fails.
pub fn verify_chain(events: &[Value], anchor: &str) -> Result<(), BrokenLink> {
    let mut expected_prev = anchor.to_string();
    for (index, event) in events.iter().enumerate() {
        let seq = event.get("seq").and_then(Value::as_u64);
        let member_text = |name: &str| {
            event
                .get(name)
                .and_then(Value::as_str)
                .unwrap_or("(absent)")
                .to_string()
        };
        let prev = member_text("prev_hash");
        if prev != expected_prev {
            return Err(BrokenLink {
                index,
                seq,
                member: "prev_hash",
                expected: expected_prev,
                found: prev,
            });
        }
        let computed = event_hash(event);
        let hash = member_text("hash");
        if hash != computed {
            return Err(BrokenLink {
                index,
                seq,
                member: "hash",
                expected: computed,
                found: hash,
            });
        }
        expected_prev = hash;
    }
    Ok(())
}

/// Reads JSON lines (one event per line, as [`EventLog::json_lines`] writes them).
pub fn parse_json_lines(text: &str) -> Result<Vec<Value>, String> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(n, line)| serde_json::from_str(line).map_err(|e| format!("line {}: {e}", n + 1)))
        .collect()
}

pub const SECURITY: &str = "auth.security";
pub const PROTOCOL: &str = "auth.protocol";

#[derive(Debug)]
pub struct EventLog {
    capacity: usize,
    next_seq: u64,
    events: VecDeque<Event>,
    counters: BTreeMap<String, u64>,
    /// The `prev_hash` the oldest kept event links to: the genesis hash, or the hash of the
    /// last event the bounded log dropped (verification starts from there).
    anchor: String,
    /// The hash the next event links to.
    head: String,
}

impl EventLog {
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            next_seq: 1,
            events: VecDeque::new(),
            counters: BTreeMap::new(),
            anchor: genesis_hash(),
            head: genesis_hash(),
        }
    }

    pub fn set_capacity(&mut self, capacity: usize) {
        self.capacity = capacity;
        while self.events.len() > capacity {
            self.drop_oldest();
        }
    }

    fn drop_oldest(&mut self) {
        if let Some(dropped) = self.events.pop_front() {
            self.anchor = dropped.hash;
        }
    }

    /// Appends an event, linked to the one before and hashed; the oldest is dropped once the
    /// log is full.
    pub fn push(&mut self, mut event: Event) {
        event.seq = self.next_seq;
        self.next_seq = self.next_seq.saturating_add(1);
        event.prev_hash = std::mem::take(&mut self.head);
        event.hash = serde_json::to_value(&event).map(|v| event_hash(&v)).unwrap_or_default();
        self.head = event.hash.clone();
        if self.capacity == 0 {
            self.anchor = self.head.clone();
            return;
        }
        while self.events.len() >= self.capacity {
            self.drop_oldest();
        }
        self.events.push_back(event);
    }

    /// The hash the oldest kept event links to (see [`verify_chain`]).
    pub fn anchor(&self) -> &str {
        &self.anchor
    }

    /// The kept events as JSON, oldest first.
    pub fn events_json(&self) -> Vec<Value> {
        self.events
            .iter()
            .filter_map(|e| serde_json::to_value(e).ok())
            .collect()
    }

    /// Verifies the kept events from [`Self::anchor`].
    pub fn verify(&self) -> Result<(), BrokenLink> {
        verify_chain(&self.events_json(), &self.anchor)
    }

    /// The kept events as JSON lines (one compact object per line), for export.
    pub fn json_lines(&self) -> String {
        let mut out = String::new();
        for event in self.events_json() {
            out.push_str(&event.to_string());
            out.push('\n');
        }
        out
    }

    pub fn events(&self) -> impl Iterator<Item = &Event> {
        self.events.iter()
    }

    pub fn last(&self) -> Option<&Event> {
        self.events.back()
    }

    /// Empties the log; the next event starts a new chain from the genesis hash.
    pub fn clear(&mut self) {
        self.events.clear();
        self.anchor = genesis_hash();
        self.head = genesis_hash();
    }

    /// Counters in Prometheus text form keys: `name{label="value",…}` → count.
    pub fn counters(&self) -> &BTreeMap<String, u64> {
        &self.counters
    }

    pub fn count(&mut self, name: &str, labels: &[(&str, &str)]) {
        let labels: Vec<String> = labels.iter().map(|(k, v)| format!("{k}=\"{v}\"")).collect();
        let key = format!("{name}{{{}}}", labels.join(","));
        let counter = self.counters.entry(key).or_insert(0);
        *counter = counter.saturating_add(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(n: i64) -> Event {
        Event {
            seq: 0,
            time: n,
            name: "x".into(),
            category: PROTOCOL,
            endpoint: "/".into(),
            client_id: None,
            check: None,
            outcome: "success",
            clause: None,
            details: BTreeMap::new(),
            prev_hash: String::new(),
            hash: String::new(),
        }
    }

    #[test]
    fn log_is_bounded() {
        let mut log = EventLog::new(2);
        for n in 0..5 {
            log.push(event(n));
        }
        assert_eq!(log.events().count(), 2);
        assert_eq!(log.last().map(|e| e.seq), Some(5));
    }

    #[test]
    fn a_bounded_log_still_verifies_from_the_hash_of_the_last_dropped_event() {
        let mut log = EventLog::new(2);
        for n in 0..5 {
            log.push(event(n));
        }
        assert_ne!(log.anchor(), genesis_hash());
        assert_eq!(log.verify(), Ok(()));
        // Without the anchor (from genesis) the first kept event does not link.
        let broken = verify_chain(&log.events_json(), &genesis_hash()).unwrap_err();
        assert_eq!((broken.index, broken.member), (0, "prev_hash"));
    }

    #[test]
    fn genesis_is_the_sha256_of_the_documented_text() {
        // SHA-256("oauth-playground audit log genesis v1"), computed independently with
        // `printf %s '…' | openssl dgst -sha256 -binary | basenc --base64url`.
        assert_eq!(genesis_hash(), "4F-Q3c8vdoThm_4cDPIGgHNKMuZS9AM5d5Ipnhyk39w");
    }
}
