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

/// Days from 1970-01-01 to the civil date `year-month-day` (proleptic Gregorian; the
/// well-known era arithmetic, exact for every year this playground accepts).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let month_index = (month + 9) % 12; // March = 0, so the leap day ends the year
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The civil date of `days` since 1970-01-01: the inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The earliest and latest instants [`parse_rfc3339`] accepts: 1970-01-01T00:00:00Z and
/// 9999-12-31T23:59:59Z (a JWT `NumericDate` before the epoch or past year 9999 helps no one).
pub const RFC3339_RANGE: (UnixTime, UnixTime) = (0, 253_402_300_799);

/// `now` as an RFC 3339 UTC date-time, `2025-01-01T00:00:00Z`.
pub fn format_rfc3339(now: UnixTime) -> String {
    let days = now.div_euclid(86_400);
    let seconds = now.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

/// `text` cut at `separator` into fields of exactly these byte lengths, or `None`.
fn fields<'a>(text: &'a str, separator: char, widths: &[usize]) -> Option<Vec<&'a str>> {
    let parts: Vec<&str> = text.split(separator).collect();
    (parts.len() == widths.len() && parts.iter().zip(widths).all(|(part, width)| part.len() == *width)).then_some(parts)
}

/// Reads an RFC 3339 date-time (§5.6): `YYYY-MM-DDTHH:MM:SS` with an optional fraction (dropped:
/// JWTs count whole seconds) and `Z` or a `±HH:MM` offset. Seconds may be left out
/// (`2025-01-01T09:30Z`), as the browser's date-time inputs write them.
pub fn parse_rfc3339(text: &str) -> Result<UnixTime, String> {
    let text = text.trim();
    let explain = |what: &str| format!("\"{text}\" is not an RFC 3339 date-time like 2025-01-01T00:00:00Z: {what}");
    let number = |part: &str, what: &str| -> Result<i64, String> {
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(explain(&format!("the {what} is not a number")));
        }
        part.parse::<i64>()
            .map_err(|_| explain(&format!("the {what} is not a number")))
    };
    let (date, rest) = text
        .split_once(['T', 't', ' '])
        .ok_or_else(|| explain("no 'T' between the date and the time"))?;
    let Some(&[year, month, day]) = fields(date, '-', &[4, 2, 2]).as_deref() else {
        return Err(explain("the date is not YYYY-MM-DD"));
    };
    let (year, month, day) = (number(year, "year")?, number(month, "month")?, number(day, "day")?);
    let (time, offset) = if let Some(time) = rest.strip_suffix(['Z', 'z']) {
        (time, 0)
    } else if let Some(at) = rest.rfind(['+', '-']) {
        let (time, offset) = rest.split_at(at);
        let sign = if offset.starts_with('-') { -1 } else { 1 };
        let (hours, minutes) = offset[1..]
            .split_once(':')
            .ok_or_else(|| explain("the offset is not ±HH:MM"))?;
        if hours.len() != 2 || minutes.len() != 2 {
            return Err(explain("the offset is not ±HH:MM"));
        }
        let (hours, minutes) = (number(hours, "offset")?, number(minutes, "offset")?);
        if hours > 23 || minutes > 59 {
            return Err(explain("the offset is out of range"));
        }
        (time, sign * (hours * 3600 + minutes * 60))
    } else {
        return Err(explain("no time zone: end it with Z (UTC) or an offset like +02:00"));
    };
    let time = time.split_once('.').map_or(time, |(whole, _)| whole);
    let (hour, minute, second) = match fields(time, ':', &[2, 2, 2])
        .or_else(|| fields(time, ':', &[2, 2]))
        .as_deref()
    {
        Some(&[hour, minute, second]) => (hour, minute, Some(second)),
        Some(&[hour, minute]) => (hour, minute, None),
        _ => return Err(explain("the time is not HH:MM:SS")),
    };
    let (hour, minute) = (number(hour, "hour")?, number(minute, "minute")?);
    let second = second.map_or(Ok(0), |s| number(s, "second"))?;
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(explain("the month is not 01–12")),
    };
    if !(1..=month_days).contains(&day) {
        return Err(explain(&format!("day {day} does not exist in that month")));
    }
    // RFC 3339 §5.7 allows a leap second (:60); NumericDate has none, so it counts as :59.
    if hour > 23 || minute > 59 || second > 60 {
        return Err(explain("the time is out of range"));
    }
    let instant = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second.min(59) - offset;
    if !(RFC3339_RANGE.0..=RFC3339_RANGE.1).contains(&instant) {
        return Err(explain("it is before 1970 or after 9999"));
    }
    Ok(instant)
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

    #[test]
    fn rfc3339_round_trips_and_knows_the_calendar() {
        // RFC 7519 §3.1's example exp, 1300819380, is 2011-03-22T18:43:00Z.
        assert_eq!(format_rfc3339(1_300_819_380), "2011-03-22T18:43:00Z");
        assert_eq!(parse_rfc3339("2011-03-22T18:43:00Z"), Ok(1_300_819_380));
        assert_eq!(format_rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(parse_rfc3339("2024-02-29T12:00:00Z"), Ok(1_709_208_000));
        assert_eq!(parse_rfc3339("2000-03-01T00:00:00Z"), Ok(951_868_800));
        assert_eq!(parse_rfc3339("2025-01-01T02:00:00+02:00"), Ok(1_735_689_600));
        assert_eq!(parse_rfc3339("2024-12-31T19:00:00.999-05:00"), Ok(1_735_689_600));
        assert_eq!(parse_rfc3339("2025-01-01T00:00Z"), Ok(1_735_689_600));
        assert_eq!(format_rfc3339(RFC3339_RANGE.1), "9999-12-31T23:59:59Z");
        for t in [1, 59, 86_399, 951_782_400, 1_735_689_599, 4_102_444_800] {
            assert_eq!(parse_rfc3339(&format_rfc3339(t)), Ok(t), "{t}");
        }
    }

    #[test]
    fn rfc3339_refusals_name_the_problem() {
        for (text, why) in [
            ("2025-01-01", "no 'T'"),
            ("2025-02-29T00:00:00Z", "day 29"),
            ("2025-13-01T00:00:00Z", "month"),
            ("2025-01-01T24:00:00Z", "out of range"),
            ("2025-01-01T00:00:00", "no time zone"),
            ("1969-12-31T23:59:59Z", "before 1970"),
            ("2025-1-01T00:00:00Z", "YYYY-MM-DD"),
            ("2025-01-01T00:00:00+0200", "±HH:MM"),
            ("２０２５-01-01T00:00:00Z", "YYYY-MM-DD"),
            ("2025-01-01Tab:00:00Z", "hour"),
        ] {
            let error = parse_rfc3339(text).expect_err(text);
            assert!(error.contains(why), "{text}: {error}");
        }
    }
}
