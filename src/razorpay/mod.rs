//! Razorpay v1: orders, payments, refunds, settlements. Amounts are integer paise.
//!
//! The operations and types are generated from `openapi/razorpay.yaml`; this module adds
//! construction with credentials and the mapping of failures to [`crate::Error`].
//!
//! ```no_run
//! # async fn demo() -> Result<(), paygate::Error> {
//! use paygate::razorpay::{Client, types};
//!
//! let client = Client::new("rzp_test_key", "secret")?;
//! let order = client
//!     .create_order()
//!     .body(types::CreateOrderRequest::builder().amount(50_000).currency("INR"))
//!     .send()
//!     .await?;
//! println!("{} for {} paise", order.id, order.amount);
//! # Ok(()) }
//! ```

mod notes;
pub mod pagination;
pub mod signature;
pub mod webhook;

use std::fmt;
use std::ops::Deref;

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};

use crate::Error;
use crate::core::transport::{ClientBuilder, FromParts, GatewayId, GatewayProfile, Transport};

pub use notes::Notes;

/// The code progenitor generates from `openapi/razorpay.yaml` (see `build.rs`).
#[allow(clippy::all, clippy::pedantic, missing_docs)]
pub mod generated {
    include!(concat!(env!("OUT_DIR"), "/razorpay.rs"));
}

pub use generated::{ResponseValue, builder, types};

/// What the shared core needs to know about Razorpay: all from `openapi/razorpay.yaml` but the
/// names of the key pair, which are the dashboard's.
pub(crate) const PROFILE: GatewayProfile = GatewayProfile {
    name: "razorpay",
    credential_names: ("key_id", "key_secret"),
    default_base_url: generated::DEFAULT_BASE_URL,
    operation_paths: generated::OPERATION_PATHS,
    request_limits: generated::REQUEST_LIMITS,
    idempotency_keys: generated::IDEMPOTENCY_KEYS,
};

/// A Razorpay client: every operation of `openapi/razorpay.yaml` is a method (through `Deref`
/// to the generated client), e.g. `client.fetch_payment().payment_id("pay_X").send()`.
#[derive(Clone)]
pub struct Client {
    inner: generated::Client,
}

impl Client {
    /// A client for the production API with the key pair from the Razorpay dashboard.
    pub fn new(key_id: impl Into<String>, key_secret: impl Into<String>) -> Result<Self, Error> {
        Self::builder(key_id, key_secret).build()
    }

    /// Configures base URL, timeouts, retries and user agent before building.
    pub fn builder(
        key_id: impl Into<String>,
        key_secret: impl Into<String>,
    ) -> ClientBuilder<Self> {
        ClientBuilder::new(key_id, key_secret)
    }

    /// The API root this client sends requests to.
    pub fn base_url(&self) -> &str {
        self.inner.baseurl()
    }
}

impl Deref for Client {
    type Target = generated::Client;
    fn deref(&self) -> &generated::Client {
        &self.inner
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("razorpay::Client")
            .field("base_url", &self.inner.baseurl())
            .field("transport", self.inner.inner())
            .finish_non_exhaustive()
    }
}

impl FromParts for Client {
    const GATEWAY: GatewayId = GatewayId(&PROFILE);
    fn from_parts(base_url: &str, http: reqwest::Client, transport: Transport) -> Self {
        Self {
            inner: generated::Client::new_with_client(base_url, http, transport),
        }
    }
}

impl ClientHooks<Transport> for generated::Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        self.inner().prepare(info.operation_id, request)
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        self.inner().execute(self.client(), request, info).await
    }

    async fn post<E>(
        &self,
        result: &reqwest::Result<reqwest::Response>,
        _info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        self.inner().check(result)
    }
}

fn decode_error(body: &[u8]) -> Option<types::ErrorResponse> {
    serde_json::from_slice(body).ok()
}

impl From<progenitor_client::Error<types::ErrorResponse>> for Error {
    fn from(e: progenitor_client::Error<types::ErrorResponse>) -> Self {
        let api_error = |status, repeatable, error: types::ErrorResponse| Error::Razorpay {
            status,
            error: Box::new(error.error),
            repeatable,
        };
        crate::core::error::from_progenitor(e, api_error, |status, repeatable, body| {
            decode_error(body).map(|error| api_error(status, repeatable, error))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::validate::Invalid;

    /// Runs the pre-request check on a request built by hand, not by the generated builders.
    fn check_raw(
        operation_id: &str,
        method: reqwest::Method,
        url: &str,
        json: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Result<(), Invalid> {
        let url = format!("https://api.example/v1{url}");
        let mut request = reqwest::Request::new(method, url.parse().unwrap());
        if let Some(json) = json {
            *request.body_mut() = Some(json.to_owned().into());
        }
        for (name, value) in headers {
            request.headers_mut().insert(
                reqwest::header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        crate::core::validate::check(&PROFILE, operation_id, &request)
    }

    /// The hook checks what the spec says even for a body the generated types did not build.
    #[test]
    fn spec_limits_apply_to_any_body() {
        let check = |op: &str, json: &str| {
            let (method, url) = match op {
                "create_order" => (reqwest::Method::POST, "/orders"),
                "update_order" => (reqwest::Method::PATCH, "/orders/order_1"),
                _ => (reqwest::Method::GET, "/orders/order_1"),
            };
            check_raw(op, method, url, Some(json), &[])
        };
        let err = check("create_order", r#"{"amount":100,"currency":"inr"}"#).unwrap_err();
        assert_eq!(
            (err.field.as_str(), err.value.as_str()),
            ("currency", "inr")
        );
        assert!(err.reason.contains("^[A-Z]{3}$"), "{}", err.reason);
        let err = check("create_order", r#"{"amount":"100","currency":"INR"}"#).unwrap_err();
        assert_eq!(err.field, "amount");
        // A null note is not a string: refused rather than sent as "null".
        let err = check("update_order", r#"{"notes":{"k":null}}"#).unwrap_err();
        assert_eq!(
            (err.field.as_str(), err.reason.as_str()),
            ("notes.k", "must be a string")
        );
        assert!(check("create_order", r#"{"amount":100,"currency":"INR"}"#).is_ok());
        // Limits belong to their operation: `fetch_order` has none.
        assert!(
            check(
                "fetch_order",
                &format!(r#"{{"receipt":"{}"}}"#, "r".repeat(41))
            )
            .is_ok()
        );
        let err = check_raw(
            "list_payments",
            reqwest::Method::GET,
            "/payments?count=abc",
            None,
            &[],
        )
        .unwrap_err();
        assert_eq!((err.field.as_str(), err.value.as_str()), ("count", "abc"));
    }

    /// The idempotency header's limits come from its parameter in the spec, and apply to a
    /// request whatever built it (the generated builder checks the same schema first).
    #[test]
    fn idempotency_key_limits_come_from_the_spec() {
        let refund = |key: &str| {
            check_raw(
                "refund_payment",
                reqwest::Method::POST,
                "/payments/pay_1/refund",
                Some("{}"),
                &[("x-refund-idempotency", key)],
            )
        };
        let err = refund("has space!").unwrap_err();
        assert_eq!(
            (err.field.as_str(), err.value.as_str()),
            ("X-Refund-Idempotency", "has space!")
        );
        assert!(err.reason.contains("^[A-Za-z0-9_-]+$"), "{}", err.reason);
        let err = refund("short_key").unwrap_err();
        assert_eq!(err.reason, "shorter than 10 characters");
        assert!(refund("order42-refund_1").is_ok());
    }

    /// The refund's `X-Refund-Idempotency` parameter carries `x-idempotency-key: true`.
    #[test]
    fn refunds_take_an_idempotency_key() {
        assert_eq!(
            generated::IDEMPOTENCY_KEYS,
            &[("refund_payment", "X-Refund-Idempotency")]
        );
    }
}
