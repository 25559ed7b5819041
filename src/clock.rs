//! Time, injected. The protocol layers never read the system clock themselves: tests and the
//! playground's reproducible mode use a [`FixedClock`]; the browser build supplies one that
//! reads `Date.now()` (the standard library's clock panics on wasm32-unknown-unknown).

use std::cell::Cell;

/// Seconds since the Unix epoch, as JWT `NumericDate` (RFC 7519 §2) counts them.
pub type UnixTime = i64;

pub trait Clock {
    fn now(&self) -> UnixTime;
}

/// A clock that only moves when told to: same inputs, same JWTs.
#[derive(Debug)]
pub struct FixedClock(Cell<UnixTime>);

impl FixedClock {
    pub fn at(now: UnixTime) -> Self {
        Self(Cell::new(now))
    }

    pub fn advance(&self, seconds: i64) {
        self.0.set(self.0.get().saturating_add(seconds));
    }

    pub fn set(&self, now: UnixTime) {
        self.0.set(now);
    }
}

impl Clock for FixedClock {
    fn now(&self) -> UnixTime {
        self.0.get()
    }
}

impl<C: Clock + ?Sized> Clock for &C {
    fn now(&self) -> UnixTime {
        (**self).now()
    }
}

/// A shared clock: a test keeps one handle to move time, the server owns another.
impl<C: Clock + ?Sized> Clock for std::rc::Rc<C> {
    fn now(&self) -> UnixTime {
        (**self).now()
    }
}

/// The operating system's clock, for native tools (benchmarks); never used on wasm32.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

#[cfg(not(target_arch = "wasm32"))]
impl Clock for SystemClock {
    fn now(&self) -> UnixTime {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as UnixTime)
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_clock_moves_only_when_told() {
        let clock = FixedClock::at(1_300_819_380);
        assert_eq!(clock.now(), 1_300_819_380);
        clock.advance(61);
        assert_eq!(clock.now(), 1_300_819_441);
        clock.set(0);
        let by_ref: &FixedClock = &clock;
        assert_eq!(Clock::now(&by_ref), 0);
        let shared = std::rc::Rc::new(FixedClock::at(5));
        let boxed: Box<dyn Clock> = Box::new(std::rc::Rc::clone(&shared));
        shared.advance(1);
        assert_eq!(boxed.now(), 6);
    }
}
