//! The structured event log and counters, with the Hardened profile's names
//! (`jar.validation_failed`, `jarm.issued`, `jarm.failure`, category `auth.security`) and the
//! counters `jar_requests_total{mode,outcome,alg,replay}`, `jarm_responses_total{mode,outcome}`.

use std::collections::{BTreeMap, VecDeque};

use serde::Serialize;

use crate::clock::UnixTime;

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
}

pub const SECURITY: &str = "auth.security";
pub const PROTOCOL: &str = "auth.protocol";

#[derive(Debug)]
pub struct EventLog {
    capacity: usize,
    next_seq: u64,
    events: VecDeque<Event>,
    counters: BTreeMap<String, u64>,
}

impl EventLog {
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            next_seq: 1,
            events: VecDeque::new(),
            counters: BTreeMap::new(),
        }
    }

    pub fn set_capacity(&mut self, capacity: usize) {
        self.capacity = capacity;
        while self.events.len() > capacity {
            self.events.pop_front();
        }
    }

    /// Appends an event, dropping the oldest once the log is full.
    pub fn push(&mut self, mut event: Event) {
        event.seq = self.next_seq;
        self.next_seq = self.next_seq.saturating_add(1);
        if self.capacity == 0 {
            return;
        }
        while self.events.len() >= self.capacity {
            self.events.pop_front();
        }
        self.events.push_back(event);
    }

    pub fn events(&self) -> impl Iterator<Item = &Event> {
        self.events.iter()
    }

    pub fn last(&self) -> Option<&Event> {
        self.events.back()
    }

    pub fn clear(&mut self) {
        self.events.clear();
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

    #[test]
    fn log_is_bounded() {
        let mut log = EventLog::new(2);
        for n in 0..5 {
            log.push(Event {
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
            });
        }
        assert_eq!(log.events().count(), 2);
        assert_eq!(log.last().map(|e| e.seq), Some(5));
    }
}
