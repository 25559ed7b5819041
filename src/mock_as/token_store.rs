//! A bounded store of issued tokens (access tokens by handle, refresh tokens by value), so
//! introspection, revocation and userinfo can look them up. Lookups and inserts are
//! O(log n); when full, an expired entry goes first, else the oldest — the same policy as the
//! jti replay cache (`replay.rs`). A forgotten token then reads as inactive (RFC 7662 §2.2),
//! which is the price of the bound; `token_store_capacity` is a setting.

use std::collections::{BTreeMap, HashMap};

use crate::clock::UnixTime;

#[derive(Debug)]
pub struct TokenStore<V> {
    capacity: usize,
    seq: u64,
    entries: HashMap<String, (V, UnixTime, u64)>,
    by_expiry: BTreeMap<(UnixTime, u64), String>,
    by_age: BTreeMap<u64, String>,
}

impl<V> TokenStore<V> {
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            seq: 0,
            entries: HashMap::new(),
            by_expiry: BTreeMap::new(),
            by_age: BTreeMap::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn set_capacity(&mut self, capacity: usize) {
        self.capacity = capacity;
        while self.entries.len() > self.capacity {
            self.evict_oldest();
        }
    }

    pub fn get(&self, key: &str) -> Option<&V> {
        self.entries.get(key).map(|(v, _, _)| v)
    }

    /// Keeps `value` under `key` until it is removed, evicted, or swept after `expires_at`.
    pub fn insert(&mut self, key: String, value: V, expires_at: UnixTime, now: UnixTime) {
        self.remove(&key);
        if self.capacity == 0 {
            return;
        }
        while self.entries.len() >= self.capacity {
            match self.by_expiry.first_key_value() {
                Some((&(expiry, _), oldest)) if expiry < now => {
                    let oldest = oldest.clone();
                    self.remove(&oldest);
                }
                _ => self.evict_oldest(),
            }
        }
        self.seq = self.seq.wrapping_add(1);
        self.by_expiry.insert((expires_at, self.seq), key.clone());
        self.by_age.insert(self.seq, key.clone());
        self.entries.insert(key, (value, expires_at, self.seq));
    }

    pub fn remove(&mut self, key: &str) -> Option<V> {
        let (value, expires_at, seq) = self.entries.remove(key)?;
        self.by_expiry.remove(&(expires_at, seq));
        self.by_age.remove(&seq);
        Some(value)
    }

    /// Removes every entry for which `keep` is false; O(n), for revoking a whole grant.
    pub fn retain(&mut self, mut keep: impl FnMut(&V) -> bool) {
        let doomed: Vec<String> = self
            .entries
            .iter()
            .filter(|(_, (v, _, _))| !keep(v))
            .map(|(k, _)| k.clone())
            .collect();
        for key in doomed {
            self.remove(&key);
        }
    }

    /// Forgets entries that expired before `cutoff`.
    pub fn sweep(&mut self, cutoff: UnixTime) {
        while let Some((&(expiry, _), key)) = self.by_expiry.first_key_value() {
            if expiry >= cutoff {
                break;
            }
            let key = key.clone();
            self.remove(&key);
        }
    }

    fn evict_oldest(&mut self) {
        if let Some((_, key)) = self.by_age.pop_first() {
            self.remove(&key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_store_forgets_an_expired_token_before_the_oldest() {
        let mut store = TokenStore::new(2);
        store.insert("old-long".into(), 1, 1000, 0);
        store.insert("young-expired".into(), 2, 5, 1);
        store.insert("new".into(), 3, 1000, 10);
        assert_eq!(store.len(), 2);
        assert_eq!(store.get("old-long"), Some(&1));
        assert_eq!(store.get("young-expired"), None);
        store.insert("newer".into(), 4, 1000, 11);
        assert_eq!(store.get("old-long"), None, "the oldest goes when nothing expired");
        assert_eq!(store.get("newer"), Some(&4));
    }

    #[test]
    fn retain_and_sweep_remove_from_every_index() {
        let mut store = TokenStore::new(10);
        for (i, key) in ["a", "b", "c"].into_iter().enumerate() {
            store.insert(key.into(), i, 100 + i as i64, 0);
        }
        store.retain(|v| *v != 1);
        assert_eq!(store.get("b"), None);
        store.sweep(101);
        assert_eq!(store.get("a"), None);
        assert_eq!(store.get("c"), Some(&2));
        assert_eq!(store.len(), 1);
        // The freed slots are reusable up to the capacity.
        for i in 0..9 {
            store.insert(format!("k{i}"), i, 500, 0);
        }
        assert_eq!(store.len(), 10);
    }
}
