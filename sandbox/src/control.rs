//! Sandbox-only control endpoints under `/_sandbox` (documented in `sandbox/openapi/control.yaml`)
//! and the logic they share with the [`crate::Sandbox`] methods: paying orders, moving the
//! clock, resetting, injecting faults, configuring webhooks.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use bytes::Bytes;
use http::StatusCode;
use paygate::razorpay::types as rzp;
use serde::{Deserialize, Serialize};

use crate::errors::{RazorpayError, built};
use crate::faults::FaultRequest;
use crate::razorpay::checkout::{self, PayWith};
use crate::state::Shared;
use crate::{ippopay, razorpay};

/// Why a control action was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ControlError {
    /// The action was refused (unknown order, already paid, malformed request): the HTTP
    /// status the endpoint answers with, why, and the field at fault when there is one.
    Rejected {
        /// 400 or 404.
        status: u16,
        /// What is wrong.
        description: String,
        /// The request field at fault.
        field: Option<String>,
    },
    /// The customer's payment failed, as the payment method asked for (`failure@razorpay`, a
    /// failure test card): the payment exists, `failed`.
    PaymentFailed(Box<FailedPayment>),
}

/// A payment the customer's bank or app declined, with Razorpay's error details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedPayment {
    /// The failed payment.
    pub payment_id: String,
    /// Its order.
    pub order_id: String,
    /// `error.code`, e.g. `BAD_REQUEST_ERROR`.
    pub code: String,
    /// `error.reason`, e.g. `card_declined`.
    pub reason: String,
    /// `error.description`.
    pub description: String,
    /// `error.source`, e.g. `bank` or `customer`.
    pub source: String,
}

impl ControlError {
    pub(crate) fn rejected(
        status: u16,
        description: impl Into<String>,
        field: Option<&str>,
    ) -> Self {
        Self::Rejected {
            status,
            description: description.into(),
            field: field.map(str::to_owned),
        }
    }
}

impl fmt::Display for ControlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Rejected {
                status,
                description,
                field,
            } => {
                write!(f, "sandbox refused ({status}): {description}")?;
                if let Some(field) = field {
                    write!(f, " (field {field})")?;
                }
                Ok(())
            }
            Self::PaymentFailed(failed) => write!(
                f,
                "payment {} failed ({}): {}",
                failed.payment_id, failed.reason, failed.description
            ),
        }
    }
}

impl std::error::Error for ControlError {}

impl IntoResponse for ControlError {
    fn into_response(self) -> Response {
        match self {
            Self::Rejected {
                status,
                description,
                field,
            } => {
                let error: rzp::ErrorResponseError = built(
                    rzp::ErrorResponseError::builder()
                        .code(rzp::ErrorCode::BadRequestError)
                        .description(description)
                        .field(field),
                );
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
                let body: rzp::ErrorResponse = built(rzp::ErrorResponse::builder().error(error));
                (status, Json(body)).into_response()
            }
            Self::PaymentFailed(failed) => RazorpayError::payment_failed(
                &failed.code,
                &failed.description,
                (&failed.source, "payment_authorization", &failed.reason),
                &failed.payment_id,
                &failed.order_id,
            )
            .into_response(),
        }
    }
}

fn parse<T: serde::de::DeserializeOwned>(body: &Bytes) -> Result<T, ControlError> {
    crate::body::parse(body)
        .map(|(typed, _)| typed)
        .map_err(|e| ControlError::Rejected {
            status: 400,
            description: e.detail,
            field: e.field,
        })
}

/// Moves the clock forward and runs what became due; returns the new time. An advance past the
/// latest time the sandbox can show is refused (naming `seconds`) and changes nothing.
pub(crate) fn advance_clock(shared: &Shared, by: Duration) -> Result<i64, ControlError> {
    let mut world = shared.world();
    let now = world.clock.advance(by).map_err(|refused| {
        ControlError::rejected(
            400,
            format!(
                "seconds = {}: moves the sandbox clock past 9999-12-31T23:59:59Z, the latest time it can show",
                refused.by_secs
            ),
            Some("seconds"),
        )
    })?;
    let events = razorpay::settlements::on_clock_advanced(&mut world);
    // Queued under the lock, so events go out in the order they happened.
    shared.send_webhooks(events);
    Ok(now)
}

/// The routes under `/_sandbox`.
pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/razorpay/orders/{order_id}/pay", post(pay_razorpay))
        .route("/ippopay/orders/{order_id}/pay", post(pay_ippopay))
        .route("/clock/advance", post(clock_advance))
        .route("/reset", post(reset))
        .route("/faults", post(inject_fault))
        .route("/razorpay/webhook", put(set_webhook))
        .route("/razorpay/webhook/deliveries", get(deliveries))
        .route("/razorpay/webhook/flush", post(flush_webhooks))
        .route("/spec-violations", get(spec_violations))
        .fallback(unknown)
}

async fn unknown() -> ControlError {
    ControlError::rejected(404, "No such control endpoint", None)
}

async fn pay_razorpay(
    State(shared): State<Arc<Shared>>,
    Path(order_id): Path<String>,
    body: Bytes,
) -> Result<Json<checkout::CheckoutResult>, ControlError> {
    let with: PayWith = parse(&body)?;
    checkout::pay(&shared, &order_id, &with).map(Json)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IppopayPayRequest {
    outcome: IppopayOutcome,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "lowercase")]
enum IppopayOutcome {
    Success,
    Failure,
}

async fn pay_ippopay(
    State(shared): State<Arc<Shared>>,
    Path(order_id): Path<String>,
    body: Bytes,
) -> Result<Json<ippopay::IppopayPayment>, ControlError> {
    let request: IppopayPayRequest = parse(&body)?;
    let success = matches!(request.outcome, IppopayOutcome::Success);
    ippopay::pay(&shared, &order_id, success).map(Json)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AdvanceRequest {
    seconds: u64,
}

/// The sandbox clock, Unix seconds.
#[derive(Debug, Serialize)]
struct Now {
    now: i64,
}

async fn clock_advance(
    State(shared): State<Arc<Shared>>,
    body: Bytes,
) -> Result<Json<Now>, ControlError> {
    let request: AdvanceRequest = parse(&body)?;
    let now = advance_clock(&shared, Duration::from_secs(request.seconds))?;
    Ok(Json(Now { now }))
}

async fn reset(State(shared): State<Arc<Shared>>) -> StatusCode {
    shared.reset();
    StatusCode::NO_CONTENT
}

async fn inject_fault(
    State(shared): State<Arc<Shared>>,
    body: Bytes,
) -> Result<StatusCode, ControlError> {
    let request: FaultRequest = parse(&body)?;
    let fault = request
        .into_fault()
        .map_err(|(field, why)| ControlError::rejected(400, why, Some(field)))?;
    shared.faults().push(fault);
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WebhookRequest {
    url: String,
    secret: String,
}

async fn set_webhook(
    State(shared): State<Arc<Shared>>,
    body: Bytes,
) -> Result<StatusCode, ControlError> {
    let request: WebhookRequest = parse(&body)?;
    shared.webhooks.configure(request.url, request.secret)?;
    Ok(StatusCode::NO_CONTENT)
}

async fn deliveries(
    State(shared): State<Arc<Shared>>,
) -> Json<Vec<crate::webhooks::WebhookDelivery>> {
    Json(shared.webhooks.deliveries())
}

async fn flush_webhooks(State(shared): State<Arc<Shared>>) -> StatusCode {
    shared.webhooks.flush().await;
    StatusCode::NO_CONTENT
}

/// A spec violation as the control endpoint lists it.
#[derive(Debug, Serialize)]
struct ViolationBody {
    direction: &'static str,
    route: String,
    status: Option<u16>,
    message: String,
}

async fn spec_violations(State(shared): State<Arc<Shared>>) -> Json<Vec<ViolationBody>> {
    Json(
        shared
            .violations()
            .into_iter()
            .map(|v| ViolationBody {
                direction: v.direction,
                route: v.route,
                status: v.status,
                message: v.message,
            })
            .collect(),
    )
}
