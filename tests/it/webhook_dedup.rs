//! `webhook::Deduplicator`: an event counts as handled only after its handler succeeded,
//! concurrent deliveries of one event are handled once, and memory stays bounded.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use paygate::razorpay::webhook::{Deduplicator, Delivery, MAX_EVENT_ID_BYTES, Refusal};

/// What a webhook endpoint does with a delivery: `work` is the handler; `true` means 2xx.
fn deliver(dedup: &Deduplicator, id: &str, work: impl FnOnce() -> Result<(), ()>) -> bool {
    match dedup.claim(id) {
        Delivery::New(claim) => match work() {
            Ok(()) => {
                claim.commit();
                true
            }
            Err(()) => false, // the claim is dropped: released
        },
        Delivery::Duplicate => true,
        Delivery::InProgress | Delivery::Refused(_) => false,
    }
}

#[test]
fn a_failed_handler_does_not_lose_the_event() {
    let dedup = Deduplicator::new(100);
    let handled = AtomicUsize::new(0);
    // First delivery: the handler fails (database down), Razorpay gets a 5xx.
    assert!(!deliver(&dedup, "evt_1", || Err(())));
    // The redelivery is handled, not mistaken for a duplicate.
    assert!(deliver(&dedup, "evt_1", || {
        handled.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }));
    // A third delivery is a duplicate: acknowledged without running the handler.
    assert!(deliver(&dedup, "evt_1", || panic!("handled twice")));
    assert_eq!(handled.load(Ordering::SeqCst), 1);
}

#[test]
fn a_panicking_handler_releases_its_claim() {
    let dedup = Deduplicator::new(100);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        deliver(&dedup, "evt_1", || panic!("handler bug"))
    }));
    assert!(result.is_err());
    assert!(matches!(dedup.claim("evt_1"), Delivery::New(_)));
}

#[test]
fn a_delivery_while_another_is_handled_is_in_progress() {
    let dedup = Deduplicator::new(100);
    let Delivery::New(claim) = dedup.claim("evt_1") else {
        panic!("first delivery")
    };
    assert_eq!(claim.event_id(), "evt_1");
    std::thread::scope(|s| {
        let other = s.spawn(|| matches!(dedup.claim("evt_1"), Delivery::InProgress));
        assert!(
            other.join().unwrap(),
            "a concurrent delivery is not handled"
        );
    });
    claim.commit();
    assert!(matches!(dedup.claim("evt_1"), Delivery::Duplicate));
}

#[test]
fn concurrent_deliveries_of_one_event_are_handled_once() {
    let dedup = Arc::new(Deduplicator::new(100));
    let handled = Arc::new(AtomicUsize::new(0));
    let barrier = Arc::new(std::sync::Barrier::new(8));
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let (dedup, handled, barrier) = (dedup.clone(), handled.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                // Each thread keeps redelivering until it gets a 2xx, like Razorpay.
                while !deliver(&dedup, "evt_1", || {
                    handled.fetch_add(1, Ordering::SeqCst);
                    Ok(())
                }) {
                    std::thread::yield_now();
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    assert_eq!(handled.load(Ordering::SeqCst), 1);
}

#[test]
fn memory_is_bounded_in_ids_and_in_id_length() {
    let dedup = Deduplicator::new(2);
    assert_eq!(
        match dedup.claim("") {
            Delivery::Refused(why) => why,
            other => panic!("{other:?}"),
        },
        Refusal::InvalidId { len: 0 }
    );
    let long = "e".repeat(MAX_EVENT_ID_BYTES + 1);
    assert!(matches!(
        dedup.claim(&long),
        Delivery::Refused(Refusal::InvalidId { .. })
    ));
    assert!(matches!(
        dedup.claim(&"e".repeat(MAX_EVENT_ID_BYTES)),
        Delivery::New(_)
    ));
    // At most `capacity` events in flight.
    let Delivery::New(a) = dedup.claim("evt_a") else {
        panic!()
    };
    let Delivery::New(b) = dedup.claim("evt_b") else {
        panic!()
    };
    assert!(matches!(
        dedup.claim("evt_c"),
        Delivery::Refused(Refusal::Busy)
    ));
    a.commit();
    b.commit();
    // At most `capacity` handled ids remembered: the oldest is forgotten.
    assert!(deliver(&dedup, "evt_c", || Ok(())));
    assert!(matches!(dedup.claim("evt_a"), Delivery::New(_)));
    assert!(matches!(dedup.claim("evt_c"), Delivery::Duplicate));
}
