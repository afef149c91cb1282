//! The sandbox clock: real time plus an offset that `advance_clock` moves forward, so tests can
//! jump days ahead (refunds processed, settlements made) without sleeping.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Unix seconds of the sandbox clock.
#[derive(Debug, Default)]
pub(crate) struct Clock {
    offset_secs: i64,
}

impl Clock {
    /// Now, in Unix seconds.
    pub(crate) fn now(&self) -> i64 {
        real_now() + self.offset_secs
    }

    /// Moves the clock forward; it never goes back.
    pub(crate) fn advance(&mut self, by: Duration) {
        let secs = i64::try_from(by.as_secs()).unwrap_or(i64::MAX / 4);
        self.offset_secs = self.offset_secs.saturating_add(secs);
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
    let secs = u64::try_from(unix_secs).unwrap_or(0);
    humantime::format_rfc3339_millis(UNIX_EPOCH + Duration::from_secs(secs)).to_string()
}
