//! A bounded `jti` replay cache. Lookups and inserts are O(log n); when full, an expired
//! entry is evicted first, else the oldest one (a replay of an evicted `jti` is then missed:
//! that is the price of the bound, and `capacity` is a setting).

use std::collections::{BTreeMap, HashMap};

use crate::clock::UnixTime;

#[derive(Debug, Default)]
pub struct ReplayCache {
    capacity: usize,
    seq: u64,
    entries: HashMap<String, (UnixTime, u64)>,
    by_expiry: BTreeMap<(UnixTime, u64), String>,
    by_age: BTreeMap<u64, String>,
}

impl ReplayCache {
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            ..Self::default()
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

    /// Whether `jti` was seen and has not expired yet.
    pub fn contains(&self, jti: &str, now: UnixTime) -> bool {
        self.entries.get(jti).is_some_and(|(expires, _)| *expires >= now)
    }

    /// Records `jti` until `expires`; returns `false` if it was already there (a replay).
    pub fn insert(&mut self, jti: &str, expires: UnixTime, now: UnixTime) -> bool {
        if self.contains(jti, now) {
            return false;
        }
        self.remove(jti);
        if self.capacity == 0 {
            return true;
        }
        while self.entries.len() >= self.capacity {
            // Evict an expired entry if the earliest expiry has passed, else the oldest.
            match self.by_expiry.first_key_value() {
                Some((&(expiry, _), key)) if expiry < now => {
                    let key = key.clone();
                    self.remove(&key);
                }
                _ => self.evict_oldest(),
            }
        }
        self.seq = self.seq.wrapping_add(1);
        self.entries.insert(jti.to_string(), (expires, self.seq));
        self.by_expiry.insert((expires, self.seq), jti.to_string());
        self.by_age.insert(self.seq, jti.to_string());
        true
    }

    fn evict_oldest(&mut self) {
        if let Some((_, key)) = self.by_age.pop_first() {
            self.remove(&key);
        }
    }

    fn remove(&mut self, jti: &str) {
        if let Some((expires, seq)) = self.entries.remove(jti) {
            self.by_expiry.remove(&(expires, seq));
            self.by_age.remove(&seq);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_use_is_a_replay() {
        let mut cache = ReplayCache::new(10);
        assert!(cache.insert("a", 100, 0));
        assert!(!cache.insert("a", 100, 50));
        // After expiry the jti is no longer remembered as live.
        assert!(cache.insert("a", 300, 101));
    }

    #[test]
    fn full_cache_evicts_expired_before_oldest() {
        let mut cache = ReplayCache::new(2);
        cache.insert("old-but-long", 1000, 0);
        cache.insert("young-but-expired", 5, 1);
        cache.insert("new", 1000, 10);
        assert_eq!(cache.len(), 2);
        assert!(cache.contains("old-but-long", 10));
        assert!(cache.contains("new", 10));
        cache.insert("newer", 1000, 11);
        assert!(
            !cache.contains("old-but-long", 11),
            "oldest evicted when nothing expired"
        );
    }
}
