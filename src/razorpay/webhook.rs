//! Receiving webhooks: Razorpay redelivers an event until it gets a 2xx, so the same event can
//! arrive more than once, with the same `x-razorpay-event-id` header. [`Deduplicator`] remembers
//! recent ids so each event is handled once per process; for several processes, store the ids
//! where your handler commits its work instead (a unique key in your database).

use std::collections::{HashSet, VecDeque};
use std::sync::Mutex;

/// The header carrying the event id (the same on every redelivery).
pub const EVENT_ID_HEADER: &str = "x-razorpay-event-id";
/// The header carrying the body's HMAC-SHA256, see [`super::signature`].
pub const SIGNATURE_HEADER: &str = "x-razorpay-signature";

/// Remembers the last `capacity` event ids seen.
#[derive(Debug)]
pub struct Deduplicator {
    capacity: usize,
    seen: Mutex<(HashSet<String>, VecDeque<String>)>,
}

impl Deduplicator {
    /// Remembers up to `capacity` ids; the oldest is forgotten first.
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            seen: Mutex::new((HashSet::new(), VecDeque::new())),
        }
    }

    /// `true` the first time `event_id` is seen, `false` for a redelivery.
    pub fn first_delivery(&self, event_id: &str) -> bool {
        let mut guard = self
            .seen
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let (ids, order) = &mut *guard;
        if !ids.insert(event_id.to_owned()) {
            return false;
        }
        order.push_back(event_id.to_owned());
        if order.len() > self.capacity
            && let Some(oldest) = order.pop_front()
        {
            ids.remove(&oldest);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redeliveries_are_recognised_and_old_ids_forgotten() {
        let dedup = Deduplicator::new(2);
        assert!(dedup.first_delivery("evt_1"));
        assert!(!dedup.first_delivery("evt_1"));
        assert!(dedup.first_delivery("evt_2"));
        assert!(dedup.first_delivery("evt_3"));
        // evt_1 was the oldest of three with room for two.
        assert!(dedup.first_delivery("evt_1"));
        assert!(!dedup.first_delivery("evt_3"));
    }
}
