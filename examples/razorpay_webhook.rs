//! A Razorpay webhook endpoint with axum: verify the signature over the raw body, parse only
//! then, and handle each event once even when Razorpay redelivers it.
//!
//! ```sh
//! RAZORPAY_WEBHOOK_SECRET=... cargo run --example razorpay_webhook
//! ```

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use paygate::razorpay::signature::{WebhookError, verify_and_parse_webhook};
use paygate::razorpay::types::{WebhookEvent, WebhookEventName};
use paygate::razorpay::webhook::{Deduplicator, Delivery, EVENT_ID_HEADER, SIGNATURE_HEADER};

struct App {
    webhook_secret: String,
    seen: Deduplicator,
}

/// `Bytes` is the body exactly as received: the signature is over these bytes, so the handler
/// must not extract `Json<...>` (which would parse before verifying and lose the raw bytes).
async fn razorpay_webhook(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let Some(signature) = headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok()) else {
        return StatusCode::BAD_REQUEST;
    };
    let event: WebhookEvent = match verify_and_parse_webhook(&app.webhook_secret, &body, signature)
    {
        Ok(event) => event,
        Err(WebhookError::Signature(_)) => return StatusCode::UNAUTHORIZED,
        Err(WebhookError::Parse(_)) => return StatusCode::BAD_REQUEST,
    };
    // Without an event id there is nothing to de-duplicate on: handle the event as it comes.
    let Some(id) = headers.get(EVENT_ID_HEADER).and_then(|v| v.to_str().ok()) else {
        return match handle(&event) {
            Ok(()) => StatusCode::OK,
            Err(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
    };
    let claim = match app.seen.claim(id) {
        Delivery::New(claim) => claim,
        // A redelivery of a handled event: acknowledge it again without doing the work twice.
        Delivery::Duplicate => return StatusCode::OK,
        // Another request is handling it: Razorpay retries, and if that one fails the retry
        // is handled.
        Delivery::InProgress => return StatusCode::CONFLICT,
        // An unusable id or too many events at once: Razorpay retries later.
        Delivery::Refused(_) => return StatusCode::SERVICE_UNAVAILABLE,
    };
    match handle(&event) {
        Ok(()) => {
            // Only now does the event count as handled.
            claim.commit();
            StatusCode::OK
        }
        // The claim is dropped, so Razorpay's redelivery is handled again, not lost.
        Err(e) => {
            eprintln!("event {id} failed: {e}");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    }
}

/// Your business logic; an `Err` makes Razorpay redeliver the event.
fn handle(event: &WebhookEvent) -> Result<(), String> {
    match &event.event {
        WebhookEventName::PaymentCaptured | WebhookEventName::OrderPaid => {
            if let Some(payment) = &event.payload.payment {
                println!(
                    "paid: {} ({} paise)",
                    payment.entity.id, payment.entity.amount
                );
            }
        }
        WebhookEventName::PaymentFailed => println!("payment failed"),
        other => println!("ignored event {other}"),
    }
    Ok(())
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    // Set but empty is as wrong as unset: fail at start-up rather than refuse every event
    // (the verifiers refuse an empty secret).
    let webhook_secret = std::env::var("RAZORPAY_WEBHOOK_SECRET")
        .ok()
        .filter(|secret| !secret.is_empty())
        .ok_or_else(|| {
            std::io::Error::other("set RAZORPAY_WEBHOOK_SECRET to the webhook secret")
        })?;
    let app = Arc::new(App {
        webhook_secret,
        seen: Deduplicator::new(10_000),
    });
    let router = Router::new()
        .route("/webhooks/razorpay", post(razorpay_webhook))
        .with_state(app);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    axum::serve(listener, router).await
}
