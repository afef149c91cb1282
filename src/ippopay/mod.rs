//! Ippopay: orders, transactions, refunds. Amounts are decimal rupees ([`Rupees`]), not paise.
//!
//! The operations and types are generated from `openapi/ippopay.yaml`; this module adds
//! construction with credentials and the mapping of failures, including a `success: false`
//! body sent with HTTP 200, to [`crate::Error`].

mod rupees;

use std::fmt;
use std::ops::Deref;

use serde::Deserialize as _;

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};

use crate::Error;
use crate::core::transport::{ClientBuilder, FromParts, GatewayId, GatewayProfile, Transport};

pub use rupees::{ParseRupeesError, Rupees};

/// The code progenitor generates from `openapi/ippopay.yaml` (see `build.rs`).
#[allow(clippy::all, clippy::pedantic, missing_docs)]
pub mod generated {
    include!(concat!(env!("OUT_DIR"), "/ippopay.rs"));
}

pub use generated::{ResponseValue, builder, types};

/// What the shared core needs to know about Ippopay: all from `openapi/ippopay.yaml` but the
/// names of the key pair, which are the dashboard's.
pub(crate) const PROFILE: GatewayProfile = GatewayProfile {
    name: "ippopay",
    credential_names: ("public_key", "secret_key"),
    default_base_url: generated::DEFAULT_BASE_URL,
    operation_paths: generated::OPERATION_PATHS,
    request_limits: generated::REQUEST_LIMITS,
    idempotency_keys: generated::IDEMPOTENCY_KEYS,
};

/// An Ippopay client: every operation of `openapi/ippopay.yaml` is a method (through `Deref` to
/// the generated client), e.g. `client.fetch_order().order_id("order_G@nzg3qBq").send()`.
#[derive(Clone)]
pub struct Client {
    inner: generated::Client,
}

impl Client {
    /// A client for the production API with the public key and secret key from the dashboard.
    pub fn new(
        public_key: impl Into<String>,
        secret_key: impl Into<String>,
    ) -> Result<Self, Error> {
        Self::builder(public_key, secret_key).build()
    }

    /// Configures base URL, timeouts, retries and user agent before building.
    pub fn builder(
        public_key: impl Into<String>,
        secret_key: impl Into<String>,
    ) -> ClientBuilder<Self> {
        ClientBuilder::new(public_key, secret_key)
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
        f.debug_struct("ippopay::Client")
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

/// The message of a `{"success": false, "message": ...}` body.
fn failure_message(body: &serde_json::Value) -> Option<String> {
    let envelope = types::ErrorResponse::deserialize(body).ok()?;
    (!envelope.success).then(|| envelope.message.unwrap_or_default())
}

/// [`failure_message`] of a body not parsed yet.
fn failure(body: &[u8]) -> Option<String> {
    failure_message(&serde_json::from_slice(body).ok()?)
}

impl From<progenitor_client::Error<types::ErrorResponse>> for Error {
    fn from(e: progenitor_client::Error<types::ErrorResponse>) -> Self {
        crate::core::error::from_progenitor(
            e,
            |status, repeatable, error| Error::Ippopay {
                status,
                message: error.message.unwrap_or_default(),
                repeatable,
            },
            |status, repeatable, body| {
                failure(body).map(|message| Error::Ippopay {
                    status,
                    message,
                    repeatable,
                })
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both request amounts (`RupeesAmount` in the spec) are checked from the spec's limits,
    /// read as exact decimals from the body's text.
    #[test]
    fn request_amounts_follow_the_spec() {
        let refund = |json: &str| {
            let url = "https://api.example/v1/order/refund/order_1@x";
            let mut request = reqwest::Request::new(reqwest::Method::POST, url.parse().unwrap());
            *request.body_mut() = Some(json.to_owned().into());
            crate::core::validate::check(&PROFILE, "refund_order", &request)
        };
        let err = refund(r#"{"refund_amt":0.001}"#).unwrap_err();
        assert_eq!(
            (err.field.as_str(), err.value.as_str()),
            ("refund_amt", "0.001")
        );
        assert!(err.reason.contains("2 decimal places"), "{}", err.reason);
        let err = refund(r#"{"refund_amt":"0.00"}"#).unwrap_err();
        assert_eq!(err.value, "0.00");
        assert!(err.reason.contains("more than 0"), "{}", err.reason);
        assert!(refund(r#"{"refund_amt":0.50}"#).is_ok());
        assert!(refund(r#"{"refund_amt":12345678901234567.10}"#).is_ok());
        assert!(refund(r#"{"refund_amt":null}"#).is_ok());
        assert!(refund("{}").is_ok());
    }
}
