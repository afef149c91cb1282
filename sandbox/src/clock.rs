//! The sandbox clock: real time plus an offset that `advance_clock` moves forward, so tests can
//! jump days ahead (refunds processed, settlements made) without sleeping.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The latest time the clock can show, 9999-12-31T23:59:59Z: the last second an RFC 3339
/// timestamp (Ippopay's format) can write. Every later sum of seconds stays far from overflow.
pub(crate) const LATEST: i64 = 253_402_300_799;

/// Unix seconds of the sandbox clock.
#[derive(Debug, Default)]
pub(crate) struct Clock {
    offset_secs: i64,
}

/// An advance the clock refused: it would pass [`LATEST`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PastLatest {
    pub(crate) by_secs: u64,
}

impl Clock {
    /// Now, in Unix seconds.
    pub(crate) fn now(&self) -> i64 {
        real_now().saturating_add(self.offset_secs).min(LATEST)
    }

    /// Moves the clock forward (it never goes back) and returns the new time; refuses, leaving
    /// the clock as it was, to go past [`LATEST`].
    pub(crate) fn advance(&mut self, by: Duration) -> Result<i64, PastLatest> {
        let refused = PastLatest {
            by_secs: by.as_secs(),
        };
        let secs = i64::try_from(by.as_secs()).map_err(|_| refused)?;
        let later = self.now().checked_add(secs).filter(|t| *t <= LATEST);
        if later.is_none() {
            return Err(refused);
        }
        self.offset_secs = self.offset_secs.saturating_add(secs);
        Ok(self.now())
    }
}

fn real_now() -> i64 {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since.as_secs()).unwrap_or(0)
}

/// Unix seconds as ISO 8601 (`2020-12-09T06:59:23.000Z`), Ippopay's timestamp format.
pub(crate) fn iso8601(unix_secs: i64) -> String {
    let secs = u64::try_from(unix_secs.min(LATEST)).unwrap_or(0);
    humantime::format_rfc3339_millis(UNIX_EPOCH + Duration::from_secs(secs)).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_to_pass_the_latest_time_and_stays_readable() {
        let mut clock = Clock::default();
        let before = clock.now();
        for by in [u64::MAX, i64::MAX as u64, (LATEST - before + 1) as u64] {
            assert_eq!(
                clock.advance(Duration::from_secs(by)),
                Err(PastLatest { by_secs: by })
            );
            assert!(
                clock.now() - before < 5,
                "a refused advance moved the clock"
            );
        }
        let to_latest = (LATEST - clock.now()) as u64;
        assert_eq!(clock.advance(Duration::from_secs(to_latest)), Ok(LATEST));
        assert_eq!(clock.now(), LATEST);
        assert_eq!(iso8601(clock.now()), "9999-12-31T23:59:59.000Z");
        assert_eq!(
            clock.advance(Duration::from_secs(1)),
            Err(PastLatest { by_secs: 1 })
        );
        assert_eq!(clock.advance(Duration::ZERO), Ok(LATEST));
    }
}
