//! Ippopay under `/ippopay/v1`: the 4 operations of `openapi/ippopay.yaml`, in memory. Every
//! answer is the `{success, message, data}` envelope; amounts are exact decimal rupees
//! ([`Rupees`]), never floats.
//!
//! An order is `created`; paying it (control endpoint) makes its transaction (`success` or
//! `failed`) and a paid order is `paid`. Refunds, whole or partial, are only of a successful
//! transaction and never above what was paid; the transaction's `refund_status` goes
//! `not_requested` → `partially_refunded` → `refunded`. Commission: 1.75% of the amount paid,
//! rounded half up to the paisa, no tax (as in Ippopay's documented transaction example).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use bytes::Bytes;
use http::StatusCode;
use paygate::ippopay::Rupees;
use paygate::ippopay::types as ippo;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::clock::iso8601;
use crate::control::ControlError;
use crate::errors::{IppopayError, built};
use crate::state::Shared;

type Reply<T> = Result<Json<T>, IppopayError>;

/// Commission in percent of the amount paid.
const COMMISSION_PERCENT: Decimal = Decimal::from_parts(175, 0, 0, false, 2);
/// Payment modes an order may enable.
const PAYMENT_MODES: [&str; 4] = ["cc", "dc", "nb", "upi"];

/// An order and its transaction.
#[derive(Debug, Clone)]
pub(crate) struct OrderRecord {
    order: ippo::Order,
    transaction: Option<TransactionRecord>,
}

#[derive(Debug, Clone)]
struct TransactionRecord {
    transaction: ippo::Transaction,
    paid: Decimal,
    refunded: Decimal,
}

/// Every Ippopay entity of the sandbox.
#[derive(Debug, Default)]
pub(crate) struct Store {
    orders: HashMap<String, OrderRecord>,
}

/// The routes under `/ippopay/v1` (authentication and the body limit are added by the server).
pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/order/create", post(create_order))
        .route("/order/{order_id}", get(fetch_order))
        .route("/order/{order_id}/transaction", get(fetch_transaction))
        .route("/order/refund/{order_id}", post(refund_order))
}

fn parse<T: serde::de::DeserializeOwned>(body: &Bytes) -> Result<T, IppopayError> {
    crate::body::parse(body)
        .map(|(typed, _)| typed)
        .map_err(|e| {
            IppopayError::bad_request(match (e.field, e.missing) {
                (Some(field), true) => format!("{field} is required"),
                (Some(field), false) => format!("Invalid {field}: {}", e.detail),
                (None, _) => e.detail,
            })
        })
}

fn merchant() -> ippo::Merchant {
    ippo::Merchant {
        id: Some("SANDBOX1".into()),
        name: Some("Sandbox Merchant".into()),
    }
}

/// `POST /order/create`.
async fn create_order(
    State(shared): State<Arc<Shared>>,
    body: Bytes,
) -> Reply<ippo::OrderResponse> {
    let request: ippo::CreateOrderRequest = parse(&body)?;
    // More than zero and whole paise (`RupeesAmount`): the gate refused any other amount.
    if request.currency.as_str() != "INR" {
        return Err(IppopayError::bad_request(format!(
            "Invalid currency: {:?}; only INR is supported",
            request.currency
        )));
    }
    let mut modes = Vec::new();
    for mode in request.payment_modes.split(',').map(str::trim) {
        if !PAYMENT_MODES.contains(&mode) {
            return Err(IppopayError::bad_request(format!(
                "Invalid payment_modes: {mode:?} is not one of cc, dc, nb, upi"
            )));
        }
        // Responses spell debit cards `db` (see the spec's `Order.paymentModes`).
        modes.push(if mode == "dc" { "db" } else { mode });
    }
    let mut world = shared.world();
    let order_id = loop {
        let id = crate::ids::ippopay_order();
        if !world.ippopay.orders.contains_key(&id) {
            break id;
        }
    };
    let order: ippo::Order = built(
        ippo::Order::builder()
            .order_id(order_id.clone())
            .amount(request.amount)
            .currency(Some(request.currency.to_string()))
            .status(ippo::OrderStatus::Created)
            .payment_modes(Some(modes.join(",")))
            .merchant(Some(merchant()))
            .customer(request.customer),
    );
    world.ippopay.orders.insert(
        order_id,
        OrderRecord {
            order: order.clone(),
            transaction: None,
        },
    );
    Ok(Json(order_response("Order created", order)))
}

fn order_response(message: &str, order: ippo::Order) -> ippo::OrderResponse {
    built(
        ippo::OrderResponse::builder()
            .success(true)
            .message(Some(message.to_owned()))
            .data(Some(built::<_, ippo::OrderResponseData>(
                ippo::OrderResponseData::builder().order(order),
            ))),
    )
}

/// The hosted payment page of an order: in the sandbox, the control endpoint that pays it.
fn payment_url(shared: &Shared, order_id: &str) -> String {
    let encoded: String = form_urlencoded::byte_serialize(order_id.as_bytes()).collect();
    format!(
        "{}/_sandbox/ippopay/orders/{encoded}/pay",
        shared.config.base_url
    )
}

/// `GET /order/{order_id}`.
async fn fetch_order(
    State(shared): State<Arc<Shared>>,
    Path(order_id): Path<String>,
) -> Reply<ippo::OrderResponse> {
    let world = shared.world();
    let record = world
        .ippopay
        .orders
        .get(&order_id)
        .ok_or_else(IppopayError::order_not_found)?;
    let mut order = record.order.clone();
    order.payment_url = Some(payment_url(&shared, &order_id));
    Ok(Json(order_response("Order Details", order)))
}

/// `GET /order/{order_id}/transaction`: `success: false` (HTTP 200) before any payment.
async fn fetch_transaction(
    State(shared): State<Arc<Shared>>,
    Path(order_id): Path<String>,
) -> Result<Json<ippo::TransactionResponse>, IppopayError> {
    let world = shared.world();
    let record = world
        .ippopay
        .orders
        .get(&order_id)
        .ok_or_else(IppopayError::order_not_found)?;
    let Some(transaction) = &record.transaction else {
        return Err(IppopayError::new(
            StatusCode::OK,
            "No transaction for this order yet",
        ));
    };
    let data: ippo::TransactionResponseData = built(
        ippo::TransactionResponseData::builder().transaction(transaction.transaction.clone()),
    );
    Ok(Json(built(
        ippo::TransactionResponse::builder()
            .success(true)
            .message(Some("Transaction details".to_owned()))
            .data(Some(data)),
    )))
}

/// `POST /order/refund/{order_id}`.
async fn refund_order(
    State(shared): State<Arc<Shared>>,
    Path(order_id): Path<String>,
    body: Bytes,
) -> Reply<ippo::RefundResponse> {
    let request: ippo::RefundRequest = parse(&body)?;
    let wanted = request.refund_amt.map(|amount| amount.as_decimal());
    let mut world = shared.world();
    let now = world.clock.now();
    let record = world
        .ippopay
        .orders
        .get_mut(&order_id)
        .ok_or_else(IppopayError::order_not_found)?;
    let Some(tx) = record
        .transaction
        .as_mut()
        .filter(|t| t.transaction.status == ippo::TransactionStatus::Success)
    else {
        return Err(IppopayError::bad_request(
            "The order has no successful transaction to refund",
        ));
    };
    let left = tx.paid - tx.refunded;
    if left <= Decimal::ZERO {
        return Err(IppopayError::bad_request(
            "The order is already fully refunded",
        ));
    }
    let amount = wanted.unwrap_or(left);
    if amount > left {
        return Err(IppopayError::bad_request(format!(
            "Invalid refund_amt: {amount} is more than the {left} rupees left to refund"
        )));
    }
    tx.refunded += amount;
    let status = if tx.refunded == tx.paid {
        "refunded"
    } else {
        "partially_refunded"
    };
    tx.transaction.refund_status = Some(ippo::RefundStatus::from(status));
    tx.transaction.updated_at = Some(iso8601(now));
    Ok(Json(built(
        ippo::RefundResponse::builder()
            .success(true)
            .message(Some("Your refund request accepted".to_owned())),
    )))
}

/// What `POST /_sandbox/ippopay/orders/{order_id}/pay` returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IppopayPayment {
    /// The order paid.
    pub order_id: String,
    /// The transaction made.
    pub trans_id: String,
    /// `success` or `failed`.
    pub status: String,
}

/// Pays an Ippopay order: creates its transaction, `success` or `failed`. A paid order cannot
/// be paid again; after a failure the customer may try again (the new transaction replaces it).
pub(crate) fn pay(
    shared: &Shared,
    order_id: &str,
    success: bool,
) -> Result<IppopayPayment, ControlError> {
    let mut world = shared.world();
    let now = world.clock.now();
    let Some(record) = world.ippopay.orders.get_mut(order_id) else {
        return Err(ControlError::rejected(
            404,
            "Order not found",
            Some("order_id"),
        ));
    };
    if record
        .transaction
        .as_ref()
        .is_some_and(|t| t.transaction.status == ippo::TransactionStatus::Success)
    {
        return Err(ControlError::rejected(
            400,
            "The order has already been paid",
            Some("order_id"),
        ));
    }
    let paid = record.order.amount.as_decimal();
    let commission = (paid * COMMISSION_PERCENT / Decimal::ONE_HUNDRED)
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    let trans_id = crate::ids::ippopay_transaction();
    let status = if success { "success" } else { "failed" };
    let zero = Rupees::from(Decimal::new(0, 2));
    let transaction: ippo::Transaction = built(
        ippo::Transaction::builder()
            .trans_id(trans_id.clone())
            .merchant(Some(merchant()))
            .customer(record.order.customer.clone())
            .cost(Some(ippo::TransactionCost {
                paid: Some(record.order.amount),
                settled: Some(Rupees::from(if success {
                    paid - commission
                } else {
                    Decimal::ZERO
                })),
            }))
            .commission(Some(ippo::TransactionCommission {
                percentage: Some(1.75),
                value: Some(Rupees::from(commission)),
                tax: Some(zero),
                total: Some(Rupees::from(commission)),
            }))
            .tax(Some(ippo::TransactionTax {
                value: Some(zero),
                calculation: Some("percent".into()),
            }))
            .notes(Some(String::new()))
            .is_manual_record(Some(false))
            .is_intl_payment(Some(false))
            .refund_status(Some(ippo::RefundStatus::NotRequested))
            .status(ippo::TransactionStatus::from(status))
            .failure_reason(Some(if success {
                String::new()
            } else {
                "Payment declined by the customer's bank".into()
            }))
            .product(Some("order".to_owned()))
            .settlement_date(success.then(|| iso8601(now + 2 * 86_400)))
            .gateway(Some(ippo::TransactionGateway {
                payment_mode: Some(ippo::PaymentMode {
                    pay_mode: Some("UPI".into()),
                    pay_mode_id: Some("upi".into()),
                    pay_group: Some("upi".into()),
                    ..Default::default()
                }),
            }))
            .created_at(Some(iso8601(now)))
            .updated_at(Some(iso8601(now))),
    );
    record.transaction = Some(TransactionRecord {
        transaction,
        paid,
        refunded: Decimal::ZERO,
    });
    if success {
        record.order.status = ippo::OrderStatus::from("paid");
    }
    Ok(IppopayPayment {
        order_id: order_id.to_owned(),
        trans_id,
        status: status.to_owned(),
    })
}
