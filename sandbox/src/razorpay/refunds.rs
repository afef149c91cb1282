//! Refunds: only of captured payments, never above what is left of the captured amount, at
//! most one per `X-Refund-Idempotency` key. A refund starts `pending` and is `processed` when
//! the sandbox clock has moved past its processing time (see `settlements.rs`).

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use bytes::Bytes;
use http::HeaderMap;
use paygate::razorpay::types as rzp;

use super::{ListQuery, RefundRecord, count, parse_body};
use crate::errors::{RazorpayError, built};
use crate::state::Shared;
use crate::webhooks;

type Reply<T> = Result<Json<T>, RazorpayError>;

/// The idempotency header of `refund_payment`.
const IDEMPOTENCY_HEADER: &str = "X-Refund-Idempotency";

/// `POST /payments/{payment_id}/refund`.
pub(crate) async fn create(
    State(shared): State<Arc<Shared>>,
    Path(payment_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply<rzp::Refund> {
    let key = idempotency_key(&headers)?;
    let (request, _): (rzp::RefundPaymentRequest, _) = parse_body(&body)?;
    let refund = {
        let mut world = shared.world();
        let now = world.clock.now();
        let store = &mut world.razorpay;
        let record = store
            .payments
            .get(&payment_id)
            .ok_or_else(RazorpayError::not_found)?;
        if let Some(first) = key.as_ref().and_then(|k| store.idempotency.get(k)) {
            let first = &store
                .refunds
                .get(first)
                .expect("idempotency keys map to stored refunds")
                .refund;
            if first.payment_id != payment_id {
                return Err(RazorpayError::bad_request(
                    "The idempotency key was already used for a refund of another payment",
                    Some(IDEMPOTENCY_HEADER),
                ));
            }
            return Ok(Json(first.clone()));
        }
        let payment = &record.payment;
        match payment.status {
            rzp::PaymentStatus::Captured => {}
            rzp::PaymentStatus::Refunded => {
                return Err(RazorpayError::wrong_state(
                    "The payment has been fully refunded already",
                ));
            }
            _ => {
                return Err(RazorpayError::wrong_state(
                    "Only captured payments can be refunded",
                ));
            }
        }
        let refunded = payment.amount_refunded.unwrap_or(0);
        let left = payment.amount - refunded;
        let amount = request.amount.unwrap_or(left);
        if amount > left {
            return Err(RazorpayError::bad_request(
                format!(
                    "The refund amount provided is greater than amount captured: at most {left} paise can be refunded"
                ),
                Some("amount"),
            ));
        }
        let speed_requested = request.speed.unwrap_or_default();
        let speed_processed = match speed_requested {
            rzp::RefundSpeedRequest::Optimum => rzp::RefundSpeed::Instant,
            rzp::RefundSpeedRequest::Normal => rzp::RefundSpeed::Normal,
        };
        let id = store.new_id("rfnd");
        let refund: rzp::Refund = built(
            rzp::Refund::builder()
                .id(id.clone())
                .entity("refund")
                .amount(amount)
                .currency(Some(payment.currency.clone()))
                .payment_id(payment_id.clone())
                .notes(Some(request.notes.unwrap_or_default()))
                .receipt(request.receipt)
                .acquirer_data(Some(rzp::AcquirerData::default()))
                .batch_id(None::<String>)
                .status(Some(rzp::RefundStatus::Pending))
                .speed_requested(Some(rzp::RefundSpeed::from(speed_requested.to_string())))
                .speed_processed(Some(speed_processed))
                .created_at(now),
        );
        let record = store
            .payments
            .get_mut(&payment_id)
            .expect("the payment was found above");
        let total = refunded + amount;
        record.payment.amount_refunded = Some(total);
        if total == record.payment.amount {
            record.payment.refund_status = Some(rzp::PaymentRefundStatus::Full);
            record.payment.status = rzp::PaymentStatus::Refunded;
        } else {
            record.payment.refund_status = Some(rzp::PaymentRefundStatus::Partial);
        }
        store.refunds.insert(
            id.clone(),
            RefundRecord {
                refund: refund.clone(),
                settled: false,
            },
        );
        if let Some(key) = key {
            store.idempotency.insert(key, id);
        }
        // Queued under the lock, so events go out in the order they happened.
        shared.send_webhooks(vec![webhooks::refund_event("refund.created", &refund, now)]);
        refund
    };
    Ok(Json(refund))
}

/// The `X-Refund-Idempotency` key: at least 10 characters of `A-Z a-z 0-9 _ -`.
fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, RazorpayError> {
    let Some(value) = headers.get(IDEMPOTENCY_HEADER) else {
        return Ok(None);
    };
    let key = value.to_str().unwrap_or_default();
    let valid = key.len() >= 10
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if !valid {
        return Err(RazorpayError::bad_request(
            "The X-Refund-Idempotency header must be at least 10 characters of A-Z, a-z, 0-9, _ and -",
            Some(IDEMPOTENCY_HEADER),
        ));
    }
    Ok(Some(key.to_owned()))
}

fn collection(items: Vec<rzp::Refund>) -> rzp::RefundCollection {
    built(
        rzp::RefundCollection::builder()
            .entity("collection")
            .count(count(items.len()))
            .items(items),
    )
}

/// `GET /refunds`.
pub(crate) async fn list(
    State(shared): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
) -> Reply<rzp::RefundCollection> {
    let query = ListQuery::parse(query.as_deref(), false)?;
    let world = shared.world();
    let refunds = world.razorpay.refunds.newest_first().map(|r| &r.refund);
    let items = query
        .page(refunds, |r| r.created_at)
        .into_iter()
        .cloned()
        .collect();
    Ok(Json(collection(items)))
}

/// `GET /payments/{payment_id}/refunds`.
pub(crate) async fn list_for_payment(
    State(shared): State<Arc<Shared>>,
    Path(payment_id): Path<String>,
    RawQuery(query): RawQuery,
) -> Reply<rzp::RefundCollection> {
    let query = ListQuery::parse(query.as_deref(), false)?;
    let world = shared.world();
    if !world.razorpay.payments.contains(&payment_id) {
        return Err(RazorpayError::not_found());
    }
    let refunds = world
        .razorpay
        .refunds
        .newest_first()
        .map(|r| &r.refund)
        .filter(|r| r.payment_id == payment_id);
    let items = query
        .page(refunds, |r| r.created_at)
        .into_iter()
        .cloned()
        .collect();
    Ok(Json(collection(items)))
}

/// `GET /refunds/{refund_id}`.
pub(crate) async fn fetch(
    State(shared): State<Arc<Shared>>,
    Path(refund_id): Path<String>,
) -> Reply<rzp::Refund> {
    let world = shared.world();
    let record = world
        .razorpay
        .refunds
        .get(&refund_id)
        .ok_or_else(RazorpayError::not_found)?;
    Ok(Json(record.refund.clone()))
}

/// `GET /payments/{payment_id}/refunds/{refund_id}`: only a refund of that payment.
pub(crate) async fn fetch_for_payment(
    State(shared): State<Arc<Shared>>,
    Path((payment_id, refund_id)): Path<(String, String)>,
) -> Reply<rzp::Refund> {
    let world = shared.world();
    let record = world
        .razorpay
        .refunds
        .get(&refund_id)
        .filter(|r| r.refund.payment_id == payment_id)
        .ok_or_else(RazorpayError::not_found)?;
    Ok(Json(record.refund.clone()))
}
