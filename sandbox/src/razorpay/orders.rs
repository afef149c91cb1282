//! Orders: create, list (`from`/`to`/`count`/`skip`/`authorized`/`receipt`/`expand[]`), fetch,
//! update notes, and the payments of an order.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use bytes::Bytes;
use paygate::razorpay::types as rzp;

use super::{ListQuery, Store, count, parse_body};
use crate::errors::{RazorpayError, built};
use crate::state::Shared;

type Reply<T> = Result<Json<T>, RazorpayError>;

/// `POST /orders`.
pub(crate) async fn create(State(shared): State<Arc<Shared>>, body: Bytes) -> Reply<rzp::Order> {
    let (request, _): (rzp::CreateOrderRequest, _) = parse_body(&body)?;
    check_currency(&request.currency)?;
    // `payment.capture` overrides `payment_capture`, as it does the account's setting.
    let payment_capture = match request.payment.as_ref().map(|settings| settings.capture) {
        Some(rzp::OrderPaymentSettingsCapture::Automatic) => Some(true),
        Some(rzp::OrderPaymentSettingsCapture::Manual) => Some(false),
        None => request.payment_capture,
    };
    let mut world = shared.world();
    let now = world.clock.now();
    let id = world.razorpay.new_id("order");
    let order: rzp::Order = built(
        rzp::Order::builder()
            .id(id.clone())
            .entity("order")
            .amount(request.amount)
            .amount_paid(Some(0))
            .amount_due(Some(request.amount))
            .currency(request.currency)
            .receipt(request.receipt)
            .offer_id(None::<String>)
            .status(rzp::OrderStatus::Created)
            .attempts(Some(0))
            .notes(Some(request.notes.unwrap_or_default()))
            .partial_payment(Some(request.partial_payment))
            .payment_capture(payment_capture)
            .created_at(now),
    );
    world.razorpay.orders.insert(id, order.clone());
    Ok(Json(order))
}

/// A three-letter upper-case ISO 4217 code.
pub(crate) fn check_currency(currency: &str) -> Result<(), RazorpayError> {
    if currency.len() == 3 && currency.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(())
    } else {
        Err(RazorpayError::bad_request(
            "The currency is invalid.",
            Some("currency"),
        ))
    }
}

/// `GET /orders`.
pub(crate) async fn list(
    State(shared): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
) -> Reply<rzp::OrderCollection> {
    let query = ListQuery::parse(query.as_deref(), true)?;
    let expand_payments = query
        .expand
        .iter()
        .any(|e| e == "payments" || e.starts_with("payments."));
    let world = shared.world();
    let store = &world.razorpay;
    let matching = store.orders.newest_first().filter(|order| {
        let receipt_ok = query
            .receipt
            .as_ref()
            .is_none_or(|r| order.receipt.as_ref() == Some(r));
        let authorized_ok = query
            .authorized
            .is_none_or(|wanted| has_authorized_payment(store, &order.id) == wanted);
        receipt_ok && authorized_ok
    });
    let items: Vec<rzp::Order> = query
        .page(matching, |o| o.created_at)
        .into_iter()
        .map(|order| {
            let mut order = order.clone();
            if expand_payments {
                order.payments = Some(payments_of(store, &order.id));
            }
            order
        })
        .collect();
    Ok(Json(built(
        rzp::OrderCollection::builder()
            .entity("collection")
            .count(count(items.len()))
            .items(items),
    )))
}

/// Whether a payment of the order was ever authorized (it may have been captured since).
fn has_authorized_payment(store: &Store, order_id: &str) -> bool {
    store.payments.newest_first().any(|p| {
        p.payment.order_id.as_deref() == Some(order_id)
            && matches!(
                p.payment.status,
                rzp::PaymentStatus::Authorized
                    | rzp::PaymentStatus::Captured
                    | rzp::PaymentStatus::Refunded
            )
    })
}

/// The payments made against an order, newest first.
pub(crate) fn payments_of(store: &Store, order_id: &str) -> rzp::PaymentCollection {
    let items: Vec<rzp::Payment> = store
        .payments
        .newest_first()
        .filter(|p| p.payment.order_id.as_deref() == Some(order_id))
        .map(|p| p.payment.clone())
        .collect();
    super::payments::collection(items)
}

/// `GET /orders/{order_id}`.
pub(crate) async fn fetch(
    State(shared): State<Arc<Shared>>,
    Path(order_id): Path<String>,
) -> Reply<rzp::Order> {
    let world = shared.world();
    let order = world
        .razorpay
        .orders
        .get(&order_id)
        .ok_or_else(RazorpayError::not_found)?;
    Ok(Json(order.clone()))
}

/// `PATCH /orders/{order_id}`: replaces the notes.
pub(crate) async fn update(
    State(shared): State<Arc<Shared>>,
    Path(order_id): Path<String>,
    body: Bytes,
) -> Reply<rzp::Order> {
    let (request, _): (rzp::UpdateOrderRequest, _) = parse_body(&body)?;
    let mut world = shared.world();
    let order = world
        .razorpay
        .orders
        .get_mut(&order_id)
        .ok_or_else(RazorpayError::not_found)?;
    order.notes = Some(request.notes);
    Ok(Json(order.clone()))
}

/// `GET /orders/{order_id}/payments`.
pub(crate) async fn payments(
    State(shared): State<Arc<Shared>>,
    Path(order_id): Path<String>,
) -> Reply<rzp::PaymentCollection> {
    let world = shared.world();
    if !world.razorpay.orders.contains(&order_id) {
        return Err(RazorpayError::not_found());
    }
    Ok(Json(payments_of(&world.razorpay, &order_id)))
}
