//! Webhooks received by a real axum server on loopback and verified with paygate's verifier.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use paygate::razorpay::{signature, types};
use paygate_sandbox::PayWith;

use crate::common::{assert_spec_clean, order, razorpay, sandbox};

const SECRET: &str = "webhook-secret-42";

/// What the receiver got: `(signature header, event id header, raw body)`.
type Received = Arc<Mutex<Vec<(String, String, Vec<u8>)>>>;

#[derive(Clone)]
struct Receiver {
    received: Received,
    /// Answer 500 to this many requests first.
    failures_left: Arc<AtomicUsize>,
}

async fn receive(State(receiver): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    receiver.received.lock().unwrap().push((
        header("x-razorpay-signature"),
        header("x-razorpay-event-id"),
        body.to_vec(),
    ));
    let fail = receiver
        .failures_left
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    if fail {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::OK
    }
}

/// Starts a receiver on loopback; returns its URL and what it receives.
async fn receiver(failures: usize) -> (String, Received) {
    let received = Received::default();
    let state = Receiver {
        received: received.clone(),
        failures_left: Arc::new(AtomicUsize::new(failures)),
    };
    let app = Router::new()
        .route("/hook", post(receive))
        .with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, received)
}

fn verified(received: &Received) -> Vec<(String, types::WebhookEvent)> {
    received
        .lock()
        .unwrap()
        .iter()
        .map(|(sig, event_id, body)| {
            let event: types::WebhookEvent = signature::verify_and_parse_webhook(SECRET, body, sig)
                .expect("the signature verifies");
            assert!(
                signature::verify_webhook_signature("not the secret", body, sig).is_err(),
                "a wrong secret must not verify"
            );
            (event_id.clone(), event)
        })
        .collect()
}

#[tokio::test]
async fn every_event_is_signed_and_sent_in_order() {
    let sb = sandbox().await;
    let (url, received) = receiver(0).await;
    sb.set_razorpay_webhook(&url, SECRET).await.unwrap();
    let client = razorpay(&sb);

    let o = order(&client, 10_000, None).await;
    sb.pay_razorpay_order(&o.id, PayWith::upi("failure@razorpay"))
        .await
        .unwrap_err();
    let paid = sb
        .pay_razorpay_order(&o.id, PayWith::upi("success@razorpay"))
        .await
        .unwrap();
    client
        .capture_payment()
        .payment_id(&paid.razorpay_payment_id)
        .body(
            types::CapturePaymentRequest::builder()
                .amount(10_000)
                .currency("INR"),
        )
        .send()
        .await
        .unwrap();
    let refund = client
        .refund_payment()
        .payment_id(&paid.razorpay_payment_id)
        .body(types::RefundPaymentRequest::builder().amount(Some(1_000)))
        .send()
        .await
        .unwrap();
    sb.advance_clock(Duration::from_secs(6 * 86_400))
        .await
        .unwrap();
    sb.flush_webhooks().await;

    let events = verified(&received);
    let names: Vec<&str> = events.iter().map(|(_, e)| e.event.as_str()).collect();
    assert_eq!(
        names,
        [
            "payment.failed",
            "payment.authorized",
            "payment.captured",
            "order.paid",
            "refund.created",
            "refund.processed",
            "settlement.processed",
        ]
    );
    let mut ids: Vec<&str> = events.iter().map(|(id, _)| id.as_str()).collect();
    assert!(ids.iter().all(|id| id.starts_with("evt_")));
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), events.len(), "every event has its own id");

    let payload = |i: usize| &events[i].1.payload;
    assert_eq!(events[0].1.contains, ["payment"]);
    let failed = &payload(0).payment.as_ref().unwrap().entity;
    assert_eq!(failed.status, types::PaymentStatus::Failed);
    assert_eq!(failed.error_reason.as_deref(), Some("payment_failed"));
    let authorized = &payload(1).payment.as_ref().unwrap().entity;
    assert_eq!(authorized.id, paid.razorpay_payment_id);
    assert_eq!(authorized.status, types::PaymentStatus::Authorized);
    assert_eq!(
        payload(2).payment.as_ref().unwrap().entity.status,
        types::PaymentStatus::Captured
    );
    assert_eq!(events[3].1.contains, ["payment", "order"]);
    let order_paid = &payload(3).order.as_ref().unwrap().entity;
    assert_eq!(
        (order_paid.id.as_str(), &order_paid.status),
        (o.id.as_str(), &types::OrderStatus::Paid)
    );
    assert_eq!(payload(4).refund.as_ref().unwrap().entity.id, refund.id);
    assert_eq!(
        payload(5).refund.as_ref().unwrap().entity.status,
        Some(types::RefundStatus::Processed)
    );
    let settlement = &payload(6).settlement.as_ref().unwrap().entity;
    let (fee, _) = paygate_sandbox::fees(10_000);
    assert_eq!(settlement.amount, 10_000 - fee - 1_000);
    assert!(
        events
            .iter()
            .all(|(_, e)| e.entity == "event" && e.account_id.is_some())
    );

    let deliveries = sb.webhook_deliveries().await;
    assert_eq!(deliveries.len(), 7);
    assert!(
        deliveries
            .iter()
            .all(|d| d.delivered && d.attempts == 1 && d.last_status == Some(200) && d.url == url)
    );
    assert_spec_clean(&sb);
}

#[tokio::test]
async fn a_failing_receiver_gets_the_same_event_again_until_it_answers_2xx() {
    let sb = sandbox().await;
    let (url, received) = receiver(2).await;
    sb.set_razorpay_webhook(&url, SECRET).await.unwrap();
    let client = razorpay(&sb);
    let o = order(&client, 5_000, None).await;
    sb.pay_razorpay_order(&o.id, PayWith::upi("success@razorpay"))
        .await
        .unwrap();
    sb.flush_webhooks().await;
    let events = verified(&received);
    assert_eq!(events.len(), 3, "two 500s, then a 200");
    assert!(
        events.windows(2).all(|w| w[0].0 == w[1].0),
        "the same event id each time"
    );
    let deliveries = sb.webhook_deliveries().await;
    assert_eq!(deliveries.len(), 1);
    assert_eq!(
        (
            deliveries[0].attempts,
            deliveries[0].delivered,
            deliveries[0].last_status
        ),
        (3, true, Some(200))
    );
    assert_eq!(deliveries[0].event, "payment.authorized");

    // A receiver that never accepts: the attempts run out, and the record says so.
    let (url, received) = receiver(usize::MAX).await;
    sb.set_razorpay_webhook(&url, SECRET).await.unwrap();
    let o = order(&client, 5_000, None).await;
    sb.pay_razorpay_order(&o.id, PayWith::upi("failure@razorpay"))
        .await
        .unwrap_err();
    sb.flush_webhooks().await;
    assert_eq!(received.lock().unwrap().len(), 3);
    let last = sb.webhook_deliveries().await.pop().unwrap();
    assert_eq!(
        (last.attempts, last.delivered, last.last_status),
        (3, false, Some(500))
    );
    assert_spec_clean(&sb);
}
