//! When a failed request may be sent again: [`may_resend`], the one rule that both the retry
//! loop ([`crate::core::transport`]) and [`crate::Error::is_retryable`] apply, what it is
//! decided on ([`TransportKind`], a status), and the [`RetryPolicy`] that says how often and how
//! long to wait.

use std::time::Duration;

use reqwest::StatusCode;

/// When a failed request is sent again.
///
/// A request is sent again only when that is safe: after a connection that never opened, or a
/// 429 or 503 (the gateway refused it before acting), for any request; after a timeout, a
/// broken connection or a 500, 502 or 504 only for a request that is safe to repeat: a GET, or
/// a POST carrying its idempotency key. A POST without one (create order, capture) may have
/// been acted on in those cases.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; 1 turns retries off.
    pub max_attempts: u32,
    /// Backoff before the second attempt; doubled for each later one, with full jitter.
    pub initial_backoff: Duration,
    /// Upper bound of one backoff, and of a `Retry-After` the client will honour.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
        }
    }
}

impl RetryPolicy {
    /// No retries: every request is sent once.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The wait before attempt `attempt + 1` (attempt counts from 1).
    pub(crate) fn backoff(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(wait) = retry_after {
            return wait.min(self.max_backoff);
        }
        let ceiling = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)))
            .min(self.max_backoff);
        ceiling.mul_f64(fastrand::f64())
    }
}

/// What kind of transport failure happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportKind {
    /// No connection could be opened (refused, unreachable, DNS).
    Connect,
    /// The request or the connection took longer than its timeout.
    Timeout,
    /// The connection broke while the request or the response was in flight.
    Interrupted,
    /// Anything else (TLS setup, a client that could not be built).
    Other,
}

impl TransportKind {
    /// What `e` says broke. A connection that timed out while opening is `Connect` (reqwest
    /// reports it as both): nothing was sent on it.
    pub(crate) fn of(e: &reqwest::Error) -> Self {
        if e.is_connect() {
            Self::Connect
        } else if e.is_timeout() {
            Self::Timeout
        } else if e.is_body() || e.is_request() || e.is_decode() {
            Self::Interrupted
        } else {
            Self::Other
        }
    }
}

/// How an attempt failed, as far as sending it again is concerned.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Failure {
    /// No complete response: what broke (see [`TransportKind::of`]).
    Transport(TransportKind),
    /// A response with this status.
    Status(StatusCode),
}

/// Whether a request that failed this way may be sent again. `repeatable`: the request is safe
/// to repeat whatever the gateway did with it (a GET, or a request carrying its operation's
/// idempotency key).
///
/// - A connection that never opened carried nothing: any request may go again.
/// - 429 and 503 say the gateway refused the request before acting: any request may go again.
/// - A timeout, a broken connection, a 500, 502 or 504: the gateway may have acted, so only a
///   repeatable request may.
/// - Anything else (TLS, a 4xx, ...) fails the same way again.
pub(crate) fn may_resend(failure: Failure, repeatable: bool) -> bool {
    match failure {
        Failure::Transport(TransportKind::Connect) => true,
        Failure::Transport(TransportKind::Timeout | TransportKind::Interrupted) => repeatable,
        Failure::Transport(TransportKind::Other) => false,
        Failure::Status(status) => match status.as_u16() {
            429 | 503 => true,
            500 | 502 | 504 => repeatable,
            _ => false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_replaces_the_backoff_up_to_the_cap() {
        let policy = RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
        };
        assert_eq!(
            policy.backoff(1, Some(Duration::from_secs(2))),
            Duration::from_secs(2)
        );
        assert_eq!(
            policy.backoff(1, Some(Duration::from_secs(60))),
            Duration::from_secs(5)
        );
    }

    #[test]
    fn backoff_grows_exponentially_within_the_cap() {
        let policy = RetryPolicy {
            max_attempts: 10,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(1000),
        };
        for _ in 0..200 {
            assert!(policy.backoff(1, None) <= Duration::from_millis(100));
            assert!(policy.backoff(3, None) <= Duration::from_millis(400));
            assert!(policy.backoff(9, None) <= Duration::from_millis(1000));
        }
        // Full jitter: over many draws, attempt 3 sometimes waits longer than attempt 1 can.
        assert!((0..200).any(|_| policy.backoff(3, None) > Duration::from_millis(100)));
    }

    #[test]
    fn the_rule_for_each_failure() {
        use TransportKind::*;
        for repeatable in [false, true] {
            assert!(may_resend(Failure::Transport(Connect), repeatable));
            assert!(!may_resend(Failure::Transport(Other), repeatable));
            for kind in [Timeout, Interrupted] {
                assert_eq!(may_resend(Failure::Transport(kind), repeatable), repeatable);
            }
            for status in [429, 503] {
                let status = StatusCode::from_u16(status).unwrap();
                assert!(may_resend(Failure::Status(status), repeatable));
            }
            for status in [500, 502, 504] {
                let status = StatusCode::from_u16(status).unwrap();
                assert_eq!(may_resend(Failure::Status(status), repeatable), repeatable);
            }
            for status in [200, 301, 400, 401, 404, 409, 501] {
                let status = StatusCode::from_u16(status).unwrap();
                assert!(!may_resend(Failure::Status(status), repeatable));
            }
        }
    }
}
