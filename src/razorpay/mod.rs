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

mod amounts;
mod notes;
pub mod pagination;
pub mod signature;
pub mod webhook;

use std::fmt;
use std::ops::Deref;

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};

use crate::Error;
use crate::transport::{ClientBuilder, FromParts, Gateway, GatewayId, Transport};

pub use notes::Notes;

/// The code progenitor generates from `openapi/razorpay.yaml` (see `build.rs`).
#[allow(clippy::all, clippy::pedantic, missing_docs)]
pub mod generated {
    include!(concat!(env!("OUT_DIR"), "/razorpay.rs"));
}

pub use generated::{ResponseValue, builder, types};

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
    const GATEWAY: GatewayId = GatewayId(Gateway::Razorpay);
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
        self.inner()
            .prepare(info.operation_id, generated::OPERATION_PATHS, request)
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
        self.inner()
            .check(result, |body| decode_error(body).is_some(), |_| false)?;
        amounts::refuse_negative(result)
    }
}

fn decode_error(body: &[u8]) -> Option<types::ErrorResponse> {
    serde_json::from_slice(body).ok()
}

impl From<progenitor_client::Error<types::ErrorResponse>> for Error {
    fn from(e: progenitor_client::Error<types::ErrorResponse>) -> Self {
        let api_error = |status, error: types::ErrorResponse| Error::Razorpay {
            status,
            error: Box::new(error.error),
        };
        crate::error::from_progenitor(e, api_error, |status, body| {
            decode_error(body).map(|error| api_error(status, error))
        })
    }
}
