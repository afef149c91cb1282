//! The error bodies each gateway documents: Razorpay's `ErrorResponse` (`{"error": {code,
//! description, field, source, step, reason, metadata}}`) and Ippopay's `{success: false,
//! message}`, both built from paygate's generated types so they cannot drift from the specs.

use axum::Json;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use paygate::ippopay::types as ippo;
use paygate::razorpay::types as rzp;
use serde_json::{Map, Value};

/// Converts a generated builder into its type. Every builder here gets all required fields, so a
/// failure is a sandbox bug (or a spec change the sandbox was not updated for), never bad input.
pub(crate) fn built<B, T>(builder: B) -> T
where
    B: TryInto<T>,
    B::Error: std::fmt::Display,
{
    match builder.try_into() {
        Ok(value) => value,
        Err(e) => panic!(
            "sandbox bug: a {} was built without a required field: {e}",
            std::any::type_name::<T>()
        ),
    }
}

/// A Razorpay error response: status and documented body.
#[derive(Debug, Clone)]
pub(crate) struct RazorpayError {
    pub(crate) status: StatusCode,
    pub(crate) body: Box<rzp::ErrorResponse>,
}

/// `reason` Razorpay sends for a request field it refused.
const INPUT_VALIDATION_FAILED: &str = "input_validation_failed";

impl RazorpayError {
    fn new(
        status: StatusCode,
        code: rzp::ErrorCode,
        description: impl Into<String>,
        field: Option<&str>,
        (source, step, reason): (Option<&str>, Option<&str>, Option<&str>),
        metadata: Option<Map<String, Value>>,
    ) -> Self {
        let error: rzp::ErrorResponseError = built(
            rzp::ErrorResponseError::builder()
                .code(code)
                .description(description.into())
                .field(field.map(str::to_owned))
                .source(source.map(str::to_owned))
                .step(step.map(str::to_owned))
                .reason(reason.map(str::to_owned))
                .metadata(metadata),
        );
        Self {
            status,
            body: Box::new(built(rzp::ErrorResponse::builder().error(error))),
        }
    }

    /// 400: a request field (or the request) was refused. `field` names it when there is one.
    pub(crate) fn bad_request(description: impl Into<String>, field: Option<&str>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            rzp::ErrorCode::BadRequestError,
            description,
            field,
            (
                Some("business"),
                Some("payment_initiation"),
                Some(INPUT_VALIDATION_FAILED),
            ),
            None,
        )
    }

    /// 400: the entity is not in a state that allows the operation (capture twice, refund an
    /// authorized payment, ...).
    pub(crate) fn wrong_state(description: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            rzp::ErrorCode::BadRequestError,
            description,
            None,
            (Some("business"), Some("payment_initiation"), None),
            None,
        )
    }

    /// 404 with Razorpay's text for an unknown id (`field` is null, as documented).
    pub(crate) fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            rzp::ErrorCode::BadRequestError,
            "The id provided does not exist",
            None,
            (None, None, None),
            None,
        )
    }

    /// 400 for a URL that is no operation (Razorpay's documented answer to a wrong URL).
    pub(crate) fn unknown_url() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            rzp::ErrorCode::BadRequestError,
            "The requested URL was not found on the server.",
            None,
            (None, None, None),
            None,
        )
    }

    /// 401: no credentials, or not the sandbox's key pair.
    pub(crate) fn unauthorized(missing: bool) -> Self {
        let description = if missing {
            "Please provide your api key for authentication purposes."
        } else {
            "The api key provided is invalid"
        };
        Self::new(
            StatusCode::UNAUTHORIZED,
            rzp::ErrorCode::BadRequestError,
            description,
            None,
            (None, None, None),
            None,
        )
    }

    /// 500 with Razorpay's server error body (used by injected faults).
    pub(crate) fn server_error() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            rzp::ErrorCode::ServerError,
            "The server encountered an error. The incident has been reported to admins.",
            None,
            (None, None, None),
            None,
        )
    }

    /// 429 (an injected fault): Razorpay's rate limit answer.
    pub(crate) fn too_many_requests() -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            rzp::ErrorCode::BadRequestError,
            "Too many requests",
            None,
            (None, None, None),
            None,
        )
    }

    /// 400 for a payment the customer's bank or app declined (Checkout's failure callback).
    pub(crate) fn payment_failed(
        code: &str,
        description: &str,
        (source, step, reason): (&str, &str, &str),
        payment_id: &str,
        order_id: &str,
    ) -> Self {
        let mut metadata = Map::new();
        metadata.insert("payment_id".into(), Value::from(payment_id));
        metadata.insert("order_id".into(), Value::from(order_id));
        Self::new(
            StatusCode::BAD_REQUEST,
            rzp::ErrorCode::from(code),
            description,
            None,
            (Some(source), Some(step), Some(reason)),
            Some(metadata),
        )
    }
}

impl IntoResponse for RazorpayError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

/// An Ippopay failure: `{"success": false, "message": ...}` with a status.
#[derive(Debug, Clone)]
pub(crate) struct IppopayError {
    pub(crate) status: StatusCode,
    pub(crate) message: String,
}

impl IppopayError {
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    pub(crate) fn order_not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "Order not found")
    }

    pub(crate) fn body(&self) -> ippo::ErrorResponse {
        built(
            ippo::ErrorResponse::builder()
                .success(false)
                .message(Some(self.message.clone())),
        )
    }
}

impl IntoResponse for IppopayError {
    fn into_response(self) -> Response {
        let body = self.body();
        (self.status, Json(body)).into_response()
    }
}
