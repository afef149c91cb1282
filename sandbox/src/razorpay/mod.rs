//! Razorpay v1 under `/razorpay/v1`: the 15 operations of `openapi/razorpay.yaml`, in memory.

pub(crate) mod checkout;
mod orders;
mod payments;
mod refunds;
pub(crate) mod settlements;

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use bytes::Bytes;
use paygate::razorpay::types as rzp;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::errors::RazorpayError;
use crate::state::Shared;

pub(crate) use settlements::fees;

/// Entities in creation order, found by id.
#[derive(Debug)]
pub(crate) struct Table<T> {
    items: HashMap<String, T>,
    order: Vec<String>,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Self {
            items: HashMap::new(),
            order: Vec::new(),
        }
    }
}

impl<T> Table<T> {
    pub(crate) fn insert(&mut self, id: String, item: T) {
        if self.items.insert(id.clone(), item).is_none() {
            self.order.push(id);
        }
    }

    pub(crate) fn get(&self, id: &str) -> Option<&T> {
        self.items.get(id)
    }

    pub(crate) fn get_mut(&mut self, id: &str) -> Option<&mut T> {
        self.items.get_mut(id)
    }

    pub(crate) fn contains(&self, id: &str) -> bool {
        self.items.contains_key(id)
    }

    /// Newest first (the clock never goes back, so creation order is time order).
    pub(crate) fn newest_first(&self) -> impl Iterator<Item = &T> {
        self.order.iter().rev().filter_map(|id| self.items.get(id))
    }

    /// Ids in creation order, oldest first.
    pub(crate) fn ids(&self) -> Vec<String> {
        self.order.clone()
    }
}

/// A payment and what the sandbox needs to know about it beyond the API entity.
#[derive(Debug, Clone)]
pub(crate) struct PaymentRecord {
    pub(crate) payment: rzp::Payment,
    /// When it was captured (sandbox clock).
    pub(crate) captured_at: Option<i64>,
    /// Whether its money went into a settlement.
    pub(crate) settled: bool,
}

/// A refund and whether it was deducted from a settlement.
#[derive(Debug, Clone)]
pub(crate) struct RefundRecord {
    pub(crate) refund: rzp::Refund,
    pub(crate) settled: bool,
}

/// Every Razorpay entity of the sandbox.
#[derive(Debug, Default)]
pub(crate) struct Store {
    pub(crate) orders: Table<rzp::Order>,
    pub(crate) payments: Table<PaymentRecord>,
    pub(crate) refunds: Table<RefundRecord>,
    pub(crate) settlements: Table<rzp::Settlement>,
    /// `X-Refund-Idempotency` key → the refund it created.
    pub(crate) idempotency: HashMap<String, String>,
}

impl Store {
    /// A fresh id with `prefix` that no entity has.
    pub(crate) fn new_id(&self, prefix: &str) -> String {
        loop {
            let id = crate::ids::razorpay(prefix);
            let taken = self.orders.contains(&id)
                || self.payments.contains(&id)
                || self.refunds.contains(&id)
                || self.settlements.contains(&id);
            if !taken {
                return id;
            }
        }
    }
}

/// The routes under `/razorpay/v1` (authentication and the body limit are added by the server).
pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/orders", post(orders::create).get(orders::list))
        .route(
            "/orders/{order_id}",
            get(orders::fetch).patch(orders::update),
        )
        .route("/orders/{order_id}/payments", get(orders::payments))
        .route("/payments", get(payments::list))
        .route("/payments/{payment_id}", get(payments::fetch))
        .route("/payments/{payment_id}/capture", post(payments::capture))
        .route("/payments/{payment_id}/refund", post(refunds::create))
        .route(
            "/payments/{payment_id}/refunds",
            get(refunds::list_for_payment),
        )
        .route(
            "/payments/{payment_id}/refunds/{refund_id}",
            get(refunds::fetch_for_payment),
        )
        .route("/refunds", get(refunds::list))
        .route("/refunds/{refund_id}", get(refunds::fetch))
        .route("/settlements", get(settlements::list))
        .route("/settlements/{settlement_id}", get(settlements::fetch))
}

/// Parses a JSON request body into a generated request type; a refusal names the field.
/// An empty body reads as `{}` (so a missing required field is reported as such). The limits
/// the spec puts on the body (notes, amounts, lengths) were enforced by the gate before.
pub(crate) fn parse_body<T: DeserializeOwned>(body: &Bytes) -> Result<(T, Value), RazorpayError> {
    let (typed, value) = crate::body::parse(body).map_err(|e| match (e.field, e.missing) {
        (Some(field), true) => {
            RazorpayError::bad_request(format!("The {field} field is required."), Some(&field))
        }
        (Some(field), false) => RazorpayError::bad_request(
            format!("The {field} is invalid: {}", e.detail),
            Some(&field),
        ),
        (None, _) => RazorpayError::bad_request(e.detail, None),
    })?;
    Ok((typed, value))
}

/// Query parameters of the list operations.
#[derive(Debug, Clone, Default)]
pub(crate) struct ListQuery {
    from: Option<i64>,
    to: Option<i64>,
    count: Option<i64>,
    skip: Option<i64>,
    /// `list_orders` only.
    pub(crate) authorized: Option<bool>,
    pub(crate) receipt: Option<String>,
    pub(crate) expand: Vec<String>,
}

impl ListQuery {
    /// Parses `from`, `to`, `count`, `skip` and, with `orders`, `authorized`, `receipt` and
    /// `expand[]`. Other parameters are ignored, as the spec allows. Their ranges and lengths
    /// (`count` 1 to 100, ...) are the spec's, enforced by the gate before.
    pub(crate) fn parse(query: Option<&str>, orders: bool) -> Result<Self, RazorpayError> {
        let mut q = Self::default();
        for (key, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
            match key.as_ref() {
                "from" => q.from = Some(integer("from", &value)?),
                "to" => q.to = Some(integer("to", &value)?),
                "skip" => q.skip = Some(integer("skip", &value)?),
                "count" => q.count = Some(integer("count", &value)?),
                "authorized" if orders => {
                    q.authorized = Some(match value.as_ref() {
                        "1" => true,
                        "0" => false,
                        _ => {
                            return Err(RazorpayError::bad_request(
                                "The authorized must be 0 or 1.",
                                Some("authorized"),
                            ));
                        }
                    });
                }
                "receipt" if orders => q.receipt = Some(value.into_owned()),
                "expand[]" if orders => q.expand.push(value.into_owned()),
                _ => {}
            }
        }
        Ok(q)
    }

    /// One page of `items` (newest first): within `from`..=`to`, after `skip`, at most `count`.
    pub(crate) fn page<'a, T: 'a>(
        &self,
        items: impl Iterator<Item = &'a T>,
        created_at: impl Fn(&T) -> i64,
    ) -> Vec<&'a T> {
        let skip = usize::try_from(self.skip.unwrap_or(0)).unwrap_or(usize::MAX);
        let count = usize::try_from(self.count.unwrap_or(10)).unwrap_or(10);
        items
            .filter(|item| {
                let t = created_at(item);
                self.from.is_none_or(|from| t >= from) && self.to.is_none_or(|to| t <= to)
            })
            .skip(skip)
            .take(count)
            .collect()
    }
}

fn integer(field: &str, value: &str) -> Result<i64, RazorpayError> {
    value.parse().map_err(|_| {
        RazorpayError::bad_request(format!("The {field} must be an integer."), Some(field))
    })
}

/// Wraps a page in Razorpay's collection envelope.
pub(crate) fn count(items: usize) -> i64 {
    i64::try_from(items).unwrap_or(i64::MAX)
}
