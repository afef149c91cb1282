//! Settlements, the fee model, and what happens when the sandbox clock moves.
//!
//! Fee model: on capture a payment is charged a fee of 2% of its amount (rounded half up to the
//! paisa) plus 18% GST on that fee (rounded likewise). `Payment.fee` is fee plus GST and
//! `Payment.tax` the GST, as Razorpay reports them.
//!
//! When the clock is advanced:
//! - a `pending` refund is `processed` once 5 days have passed since it was created (`normal`
//!   speed) or at once (`optimum`);
//! - captured payments at least 2 days old (T+2) that were not settled yet, less the refunds
//!   not settled yet, are paid out in one `processed` settlement: `amount` = captured
//!   amounts − fees (GST included) − refunds, `fees` = the fees (GST included), `tax` = the
//!   GST. A refund counts from its creation, `pending` or `processed` (Razorpay takes it from
//!   the balance when it is created, not when the bank completes it); a `failed` one does not.
//!   If the amount would not be positive, nothing is settled and it all waits for the next
//!   advance.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use paygate::razorpay::types as rzp;

use super::{ListQuery, count};
use crate::errors::{RazorpayError, built};
use crate::state::{Shared, World};
use crate::webhooks;

type Reply<T> = Result<Json<T>, RazorpayError>;

/// Fee rate, in basis points of the payment amount.
pub const FEE_BASIS_POINTS: i64 = 200;
/// GST on the fee, in percent.
pub const GST_PERCENT: i64 = 18;
/// Seconds from creation until a `normal` refund is processed.
pub const NORMAL_REFUND_SECS: i64 = 5 * 86_400;
/// Seconds from capture until a payment is settled (T+2).
pub const SETTLEMENT_DELAY_SECS: i64 = 2 * 86_400;

/// `a * numerator / denominator`, rounded half up, for non-negative amounts.
fn share(amount: i64, numerator: i64, denominator: i64) -> i64 {
    let exact = i128::from(amount) * i128::from(numerator);
    let rounded = (exact + i128::from(denominator) / 2) / i128::from(denominator);
    i64::try_from(rounded).unwrap_or(i64::MAX)
}

/// `(fee including GST, GST)` in paise for a captured amount in paise.
pub fn fees(amount: i64) -> (i64, i64) {
    let fee = share(amount, FEE_BASIS_POINTS, 10_000);
    let gst = share(fee, GST_PERCENT, 100);
    (fee + gst, gst)
}

/// Processes refunds and makes a settlement as of the clock's current time; returns the
/// webhook events that happened.
pub(crate) fn on_clock_advanced(world: &mut World) -> Vec<rzp::WebhookEvent> {
    let now = world.clock.now();
    let store = &mut world.razorpay;
    let mut events = Vec::new();
    for id in store.refunds.ids() {
        let Some(record) = store.refunds.get_mut(&id) else {
            continue;
        };
        let refund = &mut record.refund;
        if refund.status != Some(rzp::RefundStatus::Pending) {
            continue;
        }
        let delay = if refund.speed_processed == Some(rzp::RefundSpeed::Instant) {
            0
        } else {
            NORMAL_REFUND_SECS
        };
        if now >= refund.created_at + delay {
            refund.status = Some(rzp::RefundStatus::Processed);
            if let Some(acquirer) = refund.acquirer_data.as_mut() {
                acquirer.arn = Some(format!("{:0>23}", fastrand::u64(..)));
            }
            events.push(webhooks::refund_event("refund.processed", refund, now));
        }
    }

    let due: Vec<String> = store
        .payments
        .ids()
        .into_iter()
        .filter(|id| {
            store.payments.get(id).is_some_and(|p| {
                !p.settled
                    && p.captured_at
                        .is_some_and(|t| now >= t + SETTLEMENT_DELAY_SECS)
            })
        })
        .collect();
    let refunds: Vec<String> = store
        .refunds
        .ids()
        .into_iter()
        .filter(|id| {
            store
                .refunds
                .get(id)
                .is_some_and(|r| !r.settled && r.refund.status != Some(rzp::RefundStatus::Failed))
        })
        .collect();
    if due.is_empty() {
        return events;
    }
    let (mut gross, mut fee_total, mut tax_total) = (0i64, 0i64, 0i64);
    for id in &due {
        if let Some(p) = store.payments.get(id) {
            gross += p.payment.amount;
            fee_total += p.payment.fee.unwrap_or(0);
            tax_total += p.payment.tax.unwrap_or(0);
        }
    }
    let refunded: i64 = refunds
        .iter()
        .filter_map(|id| store.refunds.get(id))
        .map(|r| r.refund.amount)
        .sum();
    let amount = gross - fee_total - refunded;
    if amount <= 0 {
        return events;
    }
    for id in &due {
        if let Some(p) = store.payments.get_mut(id) {
            p.settled = true;
        }
    }
    for id in &refunds {
        if let Some(r) = store.refunds.get_mut(id) {
            r.settled = true;
        }
    }
    let id = store.new_id("setl");
    let utr: String = std::iter::repeat_with(|| fastrand::digit(10))
        .take(12)
        .collect();
    let settlement: rzp::Settlement = built(
        rzp::Settlement::builder()
            .id(id.clone())
            .entity("settlement")
            .amount(amount)
            .status(rzp::SettlementStatus::Processed)
            .fees(Some(fee_total))
            .tax(Some(tax_total))
            .utr(Some(format!("RZRP{utr}")))
            .created_at(now),
    );
    store.settlements.insert(id, settlement.clone());
    events.push(webhooks::settlement_event(&settlement, now));
    events
}

/// `GET /settlements`.
pub(crate) async fn list(
    State(shared): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
) -> Reply<rzp::SettlementCollection> {
    let query = ListQuery::parse(query.as_deref(), false)?;
    let world = shared.world();
    let items: Vec<rzp::Settlement> = query
        .page(world.razorpay.settlements.newest_first(), |s| s.created_at)
        .into_iter()
        .cloned()
        .collect();
    Ok(Json(built(
        rzp::SettlementCollection::builder()
            .entity("collection")
            .count(count(items.len()))
            .items(items),
    )))
}

/// `GET /settlements/{settlement_id}`.
pub(crate) async fn fetch(
    State(shared): State<Arc<Shared>>,
    Path(settlement_id): Path<String>,
) -> Reply<rzp::Settlement> {
    let world = shared.world();
    let settlement = world
        .razorpay
        .settlements
        .get(&settlement_id)
        .ok_or_else(RazorpayError::not_found)?;
    Ok(Json(settlement.clone()))
}
