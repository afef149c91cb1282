//! Paying an order as a customer would through Checkout: the part no API call does.
//!
//! The outcome is chosen the way Razorpay's test mode chooses it. Sources: Razorpay's "Test
//! Card Details" page (razorpay/markdown-docs, `payments/payments/test-card-details.md`) for
//! the card numbers and their error reasons, and Razorpay's UPI test ids `success@razorpay` /
//! `failure@razorpay`.

use paygate::razorpay::types as rzp;
use serde::{Deserialize, Serialize};

use super::payments::mark_captured;
use crate::control::{ControlError, FailedPayment};
use crate::errors::built;
use crate::state::Shared;
use crate::webhooks;

/// How the customer pays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "lowercase", deny_unknown_fields)]
pub enum PayWith {
    /// UPI with this VPA: `failure@razorpay` fails, any other VPA succeeds.
    Upi {
        /// The customer's UPI id, e.g. `success@razorpay`.
        vpa: String,
    },
    /// A card: Razorpay's documented failure test cards fail with their documented reason,
    /// any other 12 to 19 digit number succeeds (its documented international test cards as
    /// international payments).
    Card {
        /// The card.
        card: Card,
    },
}

/// Card details entered at Checkout; only the number decides the outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Card {
    /// Card number; spaces are ignored.
    pub number: String,
}

impl PayWith {
    /// UPI with `vpa`.
    pub fn upi(vpa: impl Into<String>) -> Self {
        Self::Upi { vpa: vpa.into() }
    }

    /// A card with `number`.
    pub fn card(number: impl Into<String>) -> Self {
        Self::Card {
            card: Card {
                number: number.into(),
            },
        }
    }
}

/// What Checkout hands the browser after a successful payment (field names as Checkout's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckoutResult {
    /// The new payment.
    pub razorpay_payment_id: String,
    /// The order it paid.
    pub razorpay_order_id: String,
    /// Hex HMAC-SHA256 of `order_id|payment_id` with the key secret.
    pub razorpay_signature: String,
}

/// A failure the customer's bank or app reports.
#[derive(Debug, Clone, Copy)]
struct Decline {
    code: &'static str,
    reason: &'static str,
    description: &'static str,
    source: &'static str,
}

/// The failure test cards of Razorpay's "Test Card Details" page: number, error code, reason,
/// description.
const FAILURE_CARDS: &[(&str, &str, &str, &str)] = &[
    (
        "4100280000090000",
        "BAD_REQUEST_ERROR",
        "payment_timed_out",
        "Your payment could not be completed due to a temporary issue. Try again later.",
    ),
    (
        "5305620000060000",
        "BAD_REQUEST_ERROR",
        "payment_timed_out",
        "Your payment could not be completed due to a temporary issue. Try again later.",
    ),
    (
        "4100280000080001",
        "BAD_REQUEST_ERROR",
        "insufficient_fund",
        "Your payment could not be completed due to insufficient account balance. Try another card or payment method.",
    ),
    (
        "5305620000050001",
        "BAD_REQUEST_ERROR",
        "insufficient_fund",
        "Your payment could not be completed due to insufficient account balance. Try another card or payment method.",
    ),
    (
        "4100280000070002",
        "BAD_REQUEST_ERROR",
        "payment_cancelled",
        "Your payment has been cancelled. Try again or complete the payment later.",
    ),
    (
        "5305620000040002",
        "BAD_REQUEST_ERROR",
        "payment_cancelled",
        "Your payment has been cancelled. Try again or complete the payment later.",
    ),
    (
        "4100280000060003",
        "BAD_REQUEST_ERROR",
        "card_declined",
        "Your payment did not go through as it was declined by the bank. Try another payment method or contact your bank.",
    ),
    (
        "5305620000030003",
        "BAD_REQUEST_ERROR",
        "card_declined",
        "Your payment did not go through as it was declined by the bank. Try another payment method or contact your bank.",
    ),
    (
        "4100280000050004",
        "BAD_REQUEST_ERROR",
        "card_declined",
        "Your payment did not go through as it was declined by the bank. Try another payment method or contact your bank.",
    ),
    (
        "5305620000020004",
        "BAD_REQUEST_ERROR",
        "card_declined",
        "Your payment did not go through as it was declined by the bank. Try another payment method or contact your bank.",
    ),
    (
        "4100280000040005",
        "BAD_REQUEST_ERROR",
        "card_declined",
        "Your payment did not go through as it was declined by the bank. Try another payment method or contact your bank.",
    ),
    (
        "5305620000010005",
        "BAD_REQUEST_ERROR",
        "card_declined",
        "Your payment did not go through as it was declined by the bank. Try another payment method or contact your bank.",
    ),
    (
        "4100280000030006",
        "BAD_REQUEST_ERROR",
        "card_disabled_for_online_payments",
        "Your card is disabled for online payments. Please reach to your bank or try with another card.",
    ),
    (
        "5305620000000006",
        "BAD_REQUEST_ERROR",
        "card_disabled_for_online_payments",
        "Your card is disabled for online payments. Please reach to your bank or try with another card.",
    ),
    (
        "4100280000010008",
        "BAD_REQUEST_ERROR",
        "card_number_invalid",
        "You have entered an incorrect card number. Try again.",
    ),
    (
        "5305620000080008",
        "BAD_REQUEST_ERROR",
        "card_number_invalid",
        "You have entered an incorrect card number. Try again.",
    ),
    (
        "4100280000020007",
        "GATEWAY_ERROR",
        "gateway_technical_error",
        "Your payment did not go through due to a temporary issue. Any debited amount will be refunded in 4-5 business days.",
    ),
    (
        "5305620000090007",
        "GATEWAY_ERROR",
        "gateway_technical_error",
        "Your payment did not go through due to a temporary issue. Any debited amount will be refunded in 4-5 business days.",
    ),
    (
        "4100280000000009",
        "GATEWAY_ERROR",
        "authentication_failed",
        "Your payment could not be completed due to incorrect OTP or verification details. Try another payment method or contact your bank for details.",
    ),
    (
        "5305620000070009",
        "GATEWAY_ERROR",
        "authentication_failed",
        "Your payment could not be completed due to incorrect OTP or verification details. Try another payment method or contact your bank for details.",
    ),
];

/// The international test cards of the same page.
const INTERNATIONAL_CARDS: &[&str] = &[
    "5555555555554444",
    "5105105105105100",
    "5104060000000008",
    "4012888888881881",
];

/// The UPI id that fails in Razorpay's test mode.
const FAILING_VPA: &str = "failure@razorpay";

/// What paying this way does: `Ok(international)` or the decline.
fn outcome(with: &PayWith) -> Result<Result<bool, Decline>, ControlError> {
    match with {
        PayWith::Upi { vpa } => {
            let valid = vpa
                .split_once('@')
                .is_some_and(|(user, handle)| !user.is_empty() && !handle.is_empty());
            if !valid {
                return Err(ControlError::rejected(400, "Invalid VPA", Some("vpa")));
            }
            if vpa.eq_ignore_ascii_case(FAILING_VPA) {
                return Ok(Err(Decline {
                    code: "BAD_REQUEST_ERROR",
                    reason: "payment_failed",
                    description: "Payment was unsuccessful as the UPI collect request was declined by the customer.",
                    source: "customer",
                }));
            }
            Ok(Ok(false))
        }
        PayWith::Card { card } => {
            let number: String = card.number.chars().filter(|c| *c != ' ').collect();
            let digits = number.bytes().all(|b| b.is_ascii_digit());
            if !digits || !(12..=19).contains(&number.len()) {
                return Err(ControlError::rejected(
                    400,
                    "The card number is invalid",
                    Some("card.number"),
                ));
            }
            if let Some((_, code, reason, description)) =
                FAILURE_CARDS.iter().find(|(n, ..)| *n == number)
            {
                return Ok(Err(Decline {
                    code,
                    reason,
                    description,
                    source: "bank",
                }));
            }
            Ok(Ok(INTERNATIONAL_CARDS.contains(&number.as_str())))
        }
    }
}

/// Checkout's signature: hex HMAC-SHA256 of `order_id|payment_id` keyed with the key secret.
pub(crate) fn checkout_signature(key_secret: &str, order_id: &str, payment_id: &str) -> String {
    crate::support::hmac_sha256_hex(key_secret, format!("{order_id}|{payment_id}").as_bytes())
}

/// Pays what is due on `order_id`. A success authorizes the payment (and captures it when the
/// order auto-captures); a decline leaves a `failed` payment. Either way the order is
/// `attempted` (or `paid`) and its `attempts` counts one more.
pub(crate) fn pay(
    shared: &Shared,
    order_id: &str,
    with: &PayWith,
) -> Result<CheckoutResult, ControlError> {
    let outcome = outcome(with)?;
    // One lock for the whole payment: the order cannot be paid twice concurrently.
    {
        let mut events = Vec::new();
        let mut world = shared.world();
        let now = world.clock.now();
        let store = &mut world.razorpay;
        let Some(order) = store.orders.get(order_id) else {
            return Err(ControlError::rejected(
                404,
                "The id provided does not exist",
                Some("order_id"),
            ));
        };
        if order.status == rzp::OrderStatus::Paid {
            return Err(ControlError::rejected(
                400,
                "The order has already been paid",
                Some("order_id"),
            ));
        }
        let amount = order.amount_due.unwrap_or(order.amount);
        let currency = order.currency.clone();
        let auto_capture = order
            .payment_capture
            .unwrap_or(shared.config.auto_capture_default);
        let payment_id = store.new_id("pay");
        let (method, vpa, card_id) = match with {
            PayWith::Upi { vpa } => (rzp::PaymentMethod::Upi, Some(vpa.clone()), None),
            PayWith::Card { .. } => (rzp::PaymentMethod::Card, None, Some(store.new_id("card"))),
        };
        let mut payment: rzp::Payment = built(
            rzp::Payment::builder()
                .id(payment_id.clone())
                .entity("payment")
                .amount(amount)
                .currency(currency)
                .status(rzp::PaymentStatus::Created)
                .order_id(Some(order_id.to_owned()))
                .invoice_id(None::<String>)
                .international(Some(matches!(outcome, Ok(true))))
                .method(Some(method))
                .amount_refunded(Some(0))
                .refund_status(None::<rzp::PaymentRefundStatus>)
                .captured(Some(false))
                .card_id(card_id)
                .bank(None::<String>)
                .wallet(None::<String>)
                .vpa(vpa)
                .email(Some("void@razorpay.com".to_owned()))
                .contact(Some("+919000090000".to_owned()))
                .notes(Some(paygate::razorpay::Notes::new()))
                .created_at(now),
        );
        let order = store
            .orders
            .get_mut(order_id)
            .expect("the order was found above");
        order.attempts = Some(order.attempts.unwrap_or(0) + 1);
        if order.status == rzp::OrderStatus::Created {
            order.status = rzp::OrderStatus::Attempted;
        }
        let decline = match outcome {
            Ok(_) => {
                payment.status = rzp::PaymentStatus::Authorized;
                events.push(webhooks::payment_event("payment.authorized", &payment, now));
                None
            }
            Err(decline) => {
                payment.status = rzp::PaymentStatus::Failed;
                payment.error_code = Some(decline.code.to_owned());
                payment.error_description = Some(decline.description.to_owned());
                payment.error_source = Some(decline.source.to_owned());
                payment.error_step = Some("payment_authorization".to_owned());
                payment.error_reason = Some(decline.reason.to_owned());
                events.push(webhooks::payment_event("payment.failed", &payment, now));
                Some(decline)
            }
        };
        store.payments.insert(
            payment_id.clone(),
            super::PaymentRecord {
                payment,
                captured_at: None,
                settled: false,
            },
        );
        let result = match decline {
            Some(decline) => Err(ControlError::PaymentFailed(Box::new(FailedPayment {
                payment_id,
                order_id: order_id.to_owned(),
                code: decline.code.to_owned(),
                reason: decline.reason.to_owned(),
                description: decline.description.to_owned(),
                source: decline.source.to_owned(),
            }))),
            None => {
                if auto_capture {
                    mark_captured(store, &payment_id, now, &mut events);
                }
                Ok(CheckoutResult {
                    razorpay_signature: checkout_signature(
                        &shared.config.razorpay_key_secret,
                        order_id,
                        &payment_id,
                    ),
                    razorpay_payment_id: payment_id,
                    razorpay_order_id: order_id.to_owned(),
                })
            }
        };
        // Queued under the lock, so events go out in the order they happened.
        shared.send_webhooks(events);
        result
    }
}
