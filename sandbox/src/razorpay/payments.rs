//! Payments: list, fetch and capture. Payments are created by paying an order (the control
//! endpoint standing in for Checkout, see `checkout.rs`); capture moves `authorized` to
//! `captured`, only for the authorized amount and currency, exactly once.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use bytes::Bytes;
use paygate::razorpay::types as rzp;

use super::{ListQuery, Store, count, fees, parse_body};
use crate::errors::{RazorpayError, built};
use crate::state::Shared;
use crate::webhooks;

type Reply<T> = Result<Json<T>, RazorpayError>;

/// `GET /payments`.
pub(crate) async fn list(
    State(shared): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
) -> Reply<rzp::PaymentCollection> {
    let query = ListQuery::parse(query.as_deref(), false)?;
    let world = shared.world();
    let items: Vec<rzp::Payment> = query
        .page(
            world.razorpay.payments.newest_first().map(|p| &p.payment),
            |p| p.created_at,
        )
        .into_iter()
        .cloned()
        .collect();
    Ok(Json(collection(items)))
}

/// A page of payments, as every payment list answers.
pub(crate) fn collection(items: Vec<rzp::Payment>) -> rzp::PaymentCollection {
    built(
        rzp::PaymentCollection::builder()
            .entity("collection")
            .count(count(items.len()))
            .items(items),
    )
}

/// `GET /payments/{payment_id}`.
pub(crate) async fn fetch(
    State(shared): State<Arc<Shared>>,
    Path(payment_id): Path<String>,
) -> Reply<rzp::Payment> {
    let world = shared.world();
    let record = world
        .razorpay
        .payments
        .get(&payment_id)
        .ok_or_else(RazorpayError::not_found)?;
    Ok(Json(record.payment.clone()))
}

/// `POST /payments/{payment_id}/capture`.
pub(crate) async fn capture(
    State(shared): State<Arc<Shared>>,
    Path(payment_id): Path<String>,
    body: Bytes,
) -> Reply<rzp::Payment> {
    let (request, _): (rzp::CapturePaymentRequest, _) = parse_body(&body)?;
    let payment = {
        let mut events = Vec::new();
        let mut world = shared.world();
        let now = world.clock.now();
        let store = &mut world.razorpay;
        let record = store
            .payments
            .get(&payment_id)
            .ok_or_else(RazorpayError::not_found)?;
        let payment = &record.payment;
        match payment.status {
            rzp::PaymentStatus::Authorized => {}
            rzp::PaymentStatus::Captured | rzp::PaymentStatus::Refunded => {
                return Err(RazorpayError::wrong_state(
                    "This payment has already been captured",
                ));
            }
            _ => {
                return Err(RazorpayError::wrong_state(
                    "Only payments which have been authorized and not yet captured can be captured",
                ));
            }
        }
        if request.amount != payment.amount {
            return Err(RazorpayError::bad_request(
                "Capture amount is required to be equal to the amount authorized",
                Some("amount"),
            ));
        }
        if *request.currency != payment.currency {
            return Err(RazorpayError::bad_request(
                "The currency should be same as the payment currency",
                Some("currency"),
            ));
        }
        let payment = mark_captured(store, &payment_id, now, &mut events);
        // Queued under the lock, so events go out in the order they happened.
        shared.send_webhooks(events);
        payment
    };
    Ok(Json(payment))
}

/// Captures an authorized payment (by the API or by auto-capture): fee and tax are charged, the
/// order's `amount_paid` grows and the order is `paid` once paid in full. Queues
/// `payment.captured` and, for a fully paid order, `order.paid`.
pub(crate) fn mark_captured(
    store: &mut Store,
    payment_id: &str,
    now: i64,
    events: &mut Vec<rzp::WebhookEvent>,
) -> rzp::Payment {
    let Some(record) = store.payments.get_mut(payment_id) else {
        unreachable!("mark_captured is called with the id of a stored payment");
    };
    let (fee, tax) = fees(record.payment.amount);
    record.payment.status = rzp::PaymentStatus::Captured;
    record.payment.captured = Some(true);
    record.payment.fee = Some(fee);
    record.payment.tax = Some(tax);
    record.captured_at = Some(now);
    let payment = record.payment.clone();
    events.push(webhooks::payment_event("payment.captured", &payment, now));
    if let Some(order) = payment
        .order_id
        .as_deref()
        .and_then(|id| store.orders.get_mut(id))
    {
        let paid = order
            .amount_paid
            .unwrap_or(0)
            .saturating_add(payment.amount);
        order.amount_paid = Some(paid);
        order.amount_due = Some((order.amount - paid).max(0));
        if paid >= order.amount && order.status != rzp::OrderStatus::Paid {
            order.status = rzp::OrderStatus::Paid;
            events.push(webhooks::order_paid_event(&payment, order, now));
        }
    }
    payment
}
