//! Receiving webhooks: Razorpay redelivers an event until it gets a 2xx, so the same event can
//! arrive more than once, with the same `x-razorpay-event-id` header. [`Deduplicator`] makes
//! sure each event is handled once per process; for several processes, store the ids where
//! your handler commits its work instead (a unique key in your database).
//!
//! An event counts as handled only once the handler says it succeeded: [`Deduplicator::claim`]
//! hands out a [`Claim`] that must be [`Claim::commit`]ted; dropping it (the handler failed,
//! returned early or panicked) releases the id, so Razorpay's redelivery is handled again
//! instead of being mistaken for a duplicate and lost.
//!
//! ```
//! use paygate::razorpay::webhook::{Deduplicator, Delivery};
//!
//! let dedup = Deduplicator::new(10_000);
//! match dedup.claim("evt_1") {
//!     Delivery::New(claim) => {
//!         // ... do the work; on error return a 5xx and the claim is released on drop ...
//!         claim.commit(); // then answer 2xx
//!     }
//!     Delivery::Duplicate => { /* handled before: answer 2xx again */ }
//!     Delivery::InProgress => { /* another request is handling it: answer 409, Razorpay retries */ }
//!     Delivery::Refused(why) => { /* answer 400 (bad id) or 503 (too busy): {why} */ }
//! }
//! ```

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::sync::{Mutex, MutexGuard};

/// The header carrying the event id (the same on every redelivery).
pub const EVENT_ID_HEADER: &str = "x-razorpay-event-id";
/// The header carrying the body's HMAC-SHA256, see [`super::signature`].
pub const SIGNATURE_HEADER: &str = "x-razorpay-signature";
/// Longest event id accepted, in bytes. Razorpay's ids are short (`KaU1P3gb2ZlzbJ`, 14
/// characters); the bound keeps a hostile sender from filling memory with long ids.
pub const MAX_EVENT_ID_BYTES: usize = 128;

/// Remembers the ids of the last `capacity` events handled, and the ids being handled now.
#[derive(Debug)]
pub struct Deduplicator {
    capacity: usize,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// Ids whose handler succeeded, oldest first in `order`.
    done: HashSet<String>,
    order: VecDeque<String>,
    /// Ids claimed and neither committed nor released yet.
    in_flight: HashSet<String>,
}

/// What [`Deduplicator::claim`] found.
#[derive(Debug)]
#[must_use = "a new delivery's claim must be committed once the event is handled"]
pub enum Delivery<'a> {
    /// The first delivery (or a redelivery after a failed attempt): handle the event, then
    /// [`Claim::commit`].
    New(Claim<'a>),
    /// The event was handled already: acknowledge it again without doing the work.
    Duplicate,
    /// Another request is handling this event right now: answer non-2xx (e.g. 409) so that
    /// Razorpay retries later; if that handler fails, the retry is handled.
    InProgress,
    /// The id is unusable, or too many events are in flight: answer non-2xx.
    Refused(Refusal),
}

/// Why a delivery was not claimed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// The id is empty or longer than [`MAX_EVENT_ID_BYTES`].
    InvalidId {
        /// The id's length in bytes.
        len: usize,
    },
    /// `capacity` events are being handled at once: try again later.
    Busy,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidId { len } => write!(
                f,
                "event id of {len} bytes: must be 1 to {MAX_EVENT_ID_BYTES} bytes"
            ),
            Self::Busy => f.write_str("too many events in flight"),
        }
    }
}

impl std::error::Error for Refusal {}

/// The right to handle one event. [`Claim::commit`] records it as handled; dropping the claim
/// without committing releases the id so that a redelivery is handled again.
#[derive(Debug)]
#[must_use = "dropping a claim releases it: call `commit` once the event is handled"]
pub struct Claim<'a> {
    dedup: &'a Deduplicator,
    id: String,
    committed: bool,
}

impl Claim<'_> {
    /// The claimed event id.
    pub fn event_id(&self) -> &str {
        &self.id
    }

    /// Records the event as handled: later deliveries of it are [`Delivery::Duplicate`].
    pub fn commit(mut self) {
        self.committed = true;
        let mut state = self.dedup.lock();
        state.in_flight.remove(&self.id);
        state.done.insert(self.id.clone());
        state.order.push_back(std::mem::take(&mut self.id));
        while state.order.len() > self.dedup.capacity {
            if let Some(oldest) = state.order.pop_front() {
                state.done.remove(&oldest);
            }
        }
    }
}

impl Drop for Claim<'_> {
    fn drop(&mut self) {
        if !self.committed {
            self.dedup.lock().in_flight.remove(&self.id);
        }
    }
}

impl Deduplicator {
    /// Remembers up to `capacity` handled ids (the oldest is forgotten first) and lets up to
    /// `capacity` events be handled at once.
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            state: Mutex::new(State::default()),
        }
    }

    /// Claims `event_id` for handling, unless it was handled already or is being handled.
    pub fn claim(&self, event_id: &str) -> Delivery<'_> {
        if event_id.is_empty() || event_id.len() > MAX_EVENT_ID_BYTES {
            return Delivery::Refused(Refusal::InvalidId {
                len: event_id.len(),
            });
        }
        let mut state = self.lock();
        if state.done.contains(event_id) {
            return Delivery::Duplicate;
        }
        if state.in_flight.contains(event_id) {
            return Delivery::InProgress;
        }
        if state.in_flight.len() >= self.capacity {
            return Delivery::Refused(Refusal::Busy);
        }
        state.in_flight.insert(event_id.to_owned());
        Delivery::New(Claim {
            dedup: self,
            id: event_id.to_owned(),
            committed: false,
        })
    }

    /// A handler that panicked while holding the lock leaves consistent sets behind (every
    /// update is a single insert or remove), so a poisoned lock is still usable.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commit(dedup: &Deduplicator, id: &str) {
        match dedup.claim(id) {
            Delivery::New(claim) => claim.commit(),
            other => panic!("{id}: expected a new delivery, got {other:?}"),
        }
    }

    #[test]
    fn old_ids_are_forgotten_first() {
        let dedup = Deduplicator::new(2);
        commit(&dedup, "evt_1");
        assert!(matches!(dedup.claim("evt_1"), Delivery::Duplicate));
        commit(&dedup, "evt_2");
        commit(&dedup, "evt_3");
        // evt_1 was the oldest of three with room for two.
        assert!(matches!(dedup.claim("evt_1"), Delivery::New(_)));
        assert!(matches!(dedup.claim("evt_3"), Delivery::Duplicate));
    }
}
