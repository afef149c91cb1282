//! # paygate-sandbox
//!
//! A real HTTP server on loopback that behaves like Razorpay and Ippopay, in memory, for
//! testing code that takes payments: create an order with your usual client, pay it as a
//! customer would, capture, refund, receive signed webhooks, move the clock to see refunds
//! processed and money settled, and make the next requests fail to test your retries.
//!
//! ## Starting it in your tests
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use paygate_sandbox::{PayWith, Sandbox};
//!
//! let sb = Sandbox::start().await?; // 127.0.0.1, a free port
//! let client = paygate::razorpay::Client::builder(sb.razorpay_key_id(), sb.razorpay_key_secret())
//!     .base_url(sb.razorpay_url())
//!     .allow_insecure_http()
//!     .build()?;
//! let order = client
//!     .create_order()
//!     .body(paygate::razorpay::types::CreateOrderRequest::builder().amount(50_000).currency("INR"))
//!     .send()
//!     .await?;
//! let paid = sb.pay_razorpay_order(&order.id, PayWith::upi("success@razorpay")).await?;
//! paygate::razorpay::signature::verify_payment_signature(
//!     sb.razorpay_key_secret(),
//!     &order.id,
//!     &paid.razorpay_payment_id,
//!     &paid.razorpay_signature,
//! )?;
//! sb.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! As a program: `cargo run -p paygate-sandbox -- --port 4010` prints the URLs and keys and
//! serves until Ctrl-C, so code in any language can use it.
//!
//! ## URL layout
//!
//! | URL | what |
//! | --- | --- |
//! | `http://127.0.0.1:PORT/razorpay/v1` | Razorpay: the 15 operations of `openapi/razorpay.yaml` |
//! | `http://127.0.0.1:PORT/ippopay/v1` | Ippopay: the 4 operations of `openapi/ippopay.yaml` |
//! | `http://127.0.0.1:PORT/_sandbox` | control endpoints, no auth (`sandbox/openapi/control.yaml`) |
//!
//! ## Keys
//!
//! Both gateways use HTTP Basic auth. Razorpay accepts only [`RAZORPAY_KEY_ID`] :
//! [`RAZORPAY_KEY_SECRET`], Ippopay only [`IPPOPAY_PUBLIC_KEY`] : [`IPPOPAY_SECRET_KEY`]
//! (change them with [`SandboxBuilder::razorpay_keys`] / [`SandboxBuilder::ippopay_keys`]).
//! Missing or wrong keys get 401 with the gateway's error body.
//!
//! ## Behaviour
//!
//! Razorpay (integer paise): an order is `created`, `attempted` after a payment attempt, `paid`
//! once a payment of its full amount is captured. A payment is `authorized` (or `failed`) when
//! paid, `captured` by the capture operation (only an authorized payment, only for its amount
//! and currency, only once) or at once when the order was created with `payment_capture: true`
//! (without it, [`SandboxBuilder::auto_capture`] decides; default: no). Refunds only of captured
//! payments, never above what is left; `amount_refunded` and `refund_status` (`partial`, then
//! `full`, when the payment becomes `refunded`) follow. A repeated `X-Refund-Idempotency` key
//! returns the first refund. Lists are newest first with `from`, `to`, `count` (1 to 100,
//! default 10), `skip`; orders also filter by `authorized` and `receipt` and take
//! `expand[]=payments`. Unknown ids get 404, wrong states and refused fields 400, with
//! Razorpay's `ErrorResponse` (`code`, `description`, `field`, `source`, `step`, `reason`).
//!
//! Fee model: a captured payment is charged 2% of its amount plus 18% GST on that fee, each
//! rounded half up to the paisa (`Payment.fee` = fee + GST, `Payment.tax` = GST; see
//! [`fees`]). When the clock is advanced ([`Sandbox::advance_clock`]), `pending` refunds are
//! `processed` 5 days after creation (`optimum` speed: at once), and payments captured at
//! least 2 days earlier are settled in one `processed` settlement of the captured amounts less
//! fees (GST included) less the refunds not yet settled (counted from their creation, as
//! Razorpay takes a refund from the balance when it is created).
//!
//! Ippopay (decimal rupees, [`paygate::ippopay::Rupees`], never floats): every answer is the
//! `{success, message, data}` envelope; an order is `created`, paying it
//! ([`Sandbox::pay_ippopay_order`]) makes its transaction, `success` (order `paid`) or `failed`;
//! refunds, whole or partial, only of a successful transaction and never above what was paid.
//! Commission: 1.75% of the amount, rounded half up to the paisa, no tax.
//!
//! ## Spec-true in both directions
//!
//! The OpenAPI documents paygate is generated from (`openapi/razorpay.yaml`,
//! `openapi/ippopay.yaml`) and `sandbox/openapi/control.yaml` are embedded and checked by
//! [`spec::SpecValidator`] (JSON Schema, with the `jsonschema` crate): a request a document
//! forbids gets the gateway's 400 naming the field before any handler runs; every response,
//! and every webhook (headers and body, against `x-webhooks`), is checked as it is sent, and
//! one the documents do not allow is recorded ([`Sandbox::spec_violations`], also
//! `GET /_sandbox/spec-violations`). Responses are built from paygate's generated types.
//!
//! ## Control endpoints (`/_sandbox`)
//!
//! | endpoint | Rust | what |
//! | --- | --- | --- |
//! | `POST /razorpay/orders/{order_id}/pay` | [`Sandbox::pay_razorpay_order`] | pay as at Checkout; returns Checkout's signed result |
//! | `POST /ippopay/orders/{order_id}/pay` | [`Sandbox::pay_ippopay_order`] | pay an Ippopay order |
//! | `POST /clock/advance` | [`Sandbox::advance_clock`] | move the clock; refunds processed, settlements made |
//! | `POST /reset` | [`Sandbox::reset`] | forget everything |
//! | `POST /faults` | [`Sandbox::inject_fault`] | make the next N gateway requests fail |
//! | `PUT /razorpay/webhook` | [`Sandbox::set_razorpay_webhook`] | webhook URL and secret |
//! | `GET /razorpay/webhook/deliveries` | [`Sandbox::webhook_deliveries`] | what was sent, attempts, last status |
//! | `POST /razorpay/webhook/flush` | [`Sandbox::flush_webhooks`] | wait until every queued event is delivered or given up |
//! | `GET /spec-violations` | [`Sandbox::spec_violations`] | requests and responses the specs do not allow |
//!
//! Paying picks the outcome as Razorpay's test mode does: UPI `failure@razorpay` fails, any
//! other VPA succeeds; Razorpay's documented failure test cards fail with their documented
//! reason, any other card number succeeds. A success returns `razorpay_payment_id`,
//! `razorpay_order_id` and `razorpay_signature` (hex HMAC-SHA256 of `order_id|payment_id` with
//! the key secret), so your verification code runs end to end.
//!
//! Injected faults ([`FaultKind`]): 429 with `Retry-After`, 500, a 502 HTML page, an empty
//! 504, a slow answer, a dropped connection, and a lost answer (the request took effect, then
//! the connection closed before the response: what idempotency keys are for). These are the
//! only answers that are not in the specs, on purpose.
//!
//! Webhooks: with a URL and secret set, `payment.authorized`, `payment.captured`,
//! `payment.failed`, `order.paid`, `refund.created`, `refund.processed` and
//! `settlement.processed` are POSTed as `WebhookEvent` bodies with `X-Razorpay-Signature` and
//! `x-razorpay-event-id`, in order, retried on a non-2xx answer
//! ([`SandboxBuilder::webhook_retries`]).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod body;
mod clock;
mod control;
mod errors;
mod faults;
mod gate;
mod ids;
mod ippopay;
mod razorpay;
mod server;
pub mod spec;
mod state;
mod support;
mod webhooks;

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use control::{ControlError, FailedPayment};
pub use faults::{Fault, FaultKind, Provider};
pub use ippopay::IppopayPayment;
pub use razorpay::checkout::{Card, CheckoutResult, PayWith};
pub use razorpay::settlements::{
    FEE_BASIS_POINTS, GST_PERCENT, NORMAL_REFUND_SECS, SETTLEMENT_DELAY_SECS, fees,
};
pub use state::SpecViolation;
pub use webhooks::WebhookDelivery;

use state::{Config, Shared};

/// The Razorpay key id the sandbox accepts by default.
pub const RAZORPAY_KEY_ID: &str = "rzp_test_SandboxKey0001";
/// The Razorpay key secret the sandbox accepts by default.
pub const RAZORPAY_KEY_SECRET: &str = "sandbox_secret_0123456789";
/// The Ippopay public key the sandbox accepts by default.
pub const IPPOPAY_PUBLIC_KEY: &str = "pk_sandbox_ippopay";
/// The Ippopay secret key the sandbox accepts by default.
pub const IPPOPAY_SECRET_KEY: &str = "sk_sandbox_ippopay";

/// Configures a sandbox before starting it.
#[derive(Debug, Clone)]
pub struct SandboxBuilder {
    port: u16,
    razorpay_keys: (String, String),
    ippopay_keys: (String, String),
    auto_capture: bool,
    body_limit: usize,
    read_timeout: Duration,
    webhook_attempts: u32,
    webhook_backoff: Duration,
}

impl Default for SandboxBuilder {
    fn default() -> Self {
        Self {
            port: 0,
            razorpay_keys: (RAZORPAY_KEY_ID.into(), RAZORPAY_KEY_SECRET.into()),
            ippopay_keys: (IPPOPAY_PUBLIC_KEY.into(), IPPOPAY_SECRET_KEY.into()),
            auto_capture: false,
            body_limit: 64 * 1024,
            read_timeout: Duration::from_secs(30),
            webhook_attempts: 3,
            webhook_backoff: Duration::from_millis(20),
        }
    }
}

impl SandboxBuilder {
    /// Listens on this port of 127.0.0.1 (default 0: a free port).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The Razorpay key pair to accept.
    pub fn razorpay_keys(
        mut self,
        key_id: impl Into<String>,
        key_secret: impl Into<String>,
    ) -> Self {
        self.razorpay_keys = (key_id.into(), key_secret.into());
        self
    }

    /// The Ippopay key pair to accept.
    pub fn ippopay_keys(
        mut self,
        public_key: impl Into<String>,
        secret_key: impl Into<String>,
    ) -> Self {
        self.ippopay_keys = (public_key.into(), secret_key.into());
        self
    }

    /// Whether payments of orders created without `payment_capture` are captured at once
    /// (default: no, they stay `authorized` until captured).
    pub fn auto_capture(mut self, auto_capture: bool) -> Self {
        self.auto_capture = auto_capture;
        self
    }

    /// The largest request body accepted, in bytes (default 64 KiB); a larger one gets the
    /// gateway's 400.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// How long a client may take to send a request's headers, and then its body (default 30 s):
    /// a client that stalls on its headers is disconnected, one that stalls on its body gets the
    /// gateway's 400, and neither holds anything else up.
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = timeout;
        self
    }

    /// Webhook delivery attempts in all (default 3) and the wait before the second attempt,
    /// doubled before each later one (default 20 ms).
    pub fn webhook_retries(mut self, attempts: u32, first_backoff: Duration) -> Self {
        self.webhook_attempts = attempts.max(1);
        self.webhook_backoff = first_backoff;
        self
    }

    /// Binds 127.0.0.1 and starts serving in the background.
    pub async fn start(self) -> io::Result<Sandbox> {
        gate::load_specs().map_err(io::Error::other)?;
        let listener =
            TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, self.port))).await?;
        let addr = listener.local_addr()?;
        let base_url = format!("http://{addr}");
        let shared = Arc::new(Shared::new(Config {
            razorpay_key_id: self.razorpay_keys.0,
            razorpay_key_secret: self.razorpay_keys.1,
            ippopay_public_key: self.ippopay_keys.0,
            ippopay_secret_key: self.ippopay_keys.1,
            account_id: "acc_Sandbox0000001".into(),
            base_url: base_url.clone(),
            auto_capture_default: self.auto_capture,
            body_limit: self.body_limit,
            read_timeout: self.read_timeout,
            webhook_attempts: self.webhook_attempts,
            webhook_backoff: self.webhook_backoff,
        }));
        let (shutdown, stop) = watch::channel(false);
        let server = tokio::spawn(server::serve(listener, shared.clone(), stop));
        Ok(Sandbox {
            shared,
            addr,
            base_url,
            shutdown,
            server: Some(server),
        })
    }
}

/// A running sandbox. Dropping it stops the server.
#[derive(Debug)]
pub struct Sandbox {
    shared: Arc<Shared>,
    addr: SocketAddr,
    base_url: String,
    shutdown: watch::Sender<bool>,
    server: Option<JoinHandle<()>>,
}

impl Sandbox {
    /// Starts a sandbox on a free port of 127.0.0.1 with the default keys.
    pub async fn start() -> io::Result<Self> {
        Self::builder().start().await
    }

    /// Configures a sandbox (port, keys, capture, webhook retries) before starting it.
    pub fn builder() -> SandboxBuilder {
        SandboxBuilder::default()
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// `http://127.0.0.1:PORT/razorpay/v1`: the base URL for a Razorpay client.
    pub fn razorpay_url(&self) -> String {
        format!("{}{}", self.base_url, server::RAZORPAY_PREFIX)
    }

    /// `http://127.0.0.1:PORT/ippopay/v1`: the base URL for an Ippopay client.
    pub fn ippopay_url(&self) -> String {
        format!("{}{}", self.base_url, server::IPPOPAY_PREFIX)
    }

    /// `http://127.0.0.1:PORT/_sandbox`: the control endpoints.
    pub fn control_url(&self) -> String {
        format!("{}{}", self.base_url, server::CONTROL_PREFIX)
    }

    /// The Razorpay key id it accepts.
    pub fn razorpay_key_id(&self) -> &str {
        &self.shared.config.razorpay_key_id
    }

    /// The Razorpay key secret it accepts (and signs Checkout results with).
    pub fn razorpay_key_secret(&self) -> &str {
        &self.shared.config.razorpay_key_secret
    }

    /// The Ippopay public key it accepts.
    pub fn ippopay_public_key(&self) -> &str {
        &self.shared.config.ippopay_public_key
    }

    /// The Ippopay secret key it accepts.
    pub fn ippopay_secret_key(&self) -> &str {
        &self.shared.config.ippopay_secret_key
    }

    /// A paygate Razorpay client for this sandbox (its keys, its URL, plain HTTP allowed).
    pub fn razorpay_client(&self) -> Result<paygate::razorpay::Client, paygate::Error> {
        paygate::razorpay::Client::builder(self.razorpay_key_id(), self.razorpay_key_secret())
            .base_url(self.razorpay_url())
            .allow_insecure_http()
            .build()
    }

    /// A paygate Ippopay client for this sandbox.
    pub fn ippopay_client(&self) -> Result<paygate::ippopay::Client, paygate::Error> {
        paygate::ippopay::Client::builder(self.ippopay_public_key(), self.ippopay_secret_key())
            .base_url(self.ippopay_url())
            .allow_insecure_http()
            .build()
    }

    /// Pays a Razorpay order as a customer would at Checkout (what
    /// `POST /_sandbox/razorpay/orders/{order_id}/pay` does).
    pub async fn pay_razorpay_order(
        &self,
        order_id: &str,
        with: PayWith,
    ) -> Result<CheckoutResult, ControlError> {
        razorpay::checkout::pay(&self.shared, order_id, &with)
    }

    /// Pays an Ippopay order, successfully or not; creates its transaction.
    pub async fn pay_ippopay_order(
        &self,
        order_id: &str,
        success: bool,
    ) -> Result<IppopayPayment, ControlError> {
        ippopay::pay(&self.shared, order_id, success)
    }

    /// Moves the sandbox clock forward by `by`; refunds and settlements that became due happen.
    /// Returns the new time, Unix seconds. Refused, changing nothing, if it would take the clock
    /// past 9999-12-31T23:59:59Z.
    pub async fn advance_clock(&self, by: Duration) -> Result<i64, ControlError> {
        control::advance_clock(&self.shared, by)
    }

    /// The sandbox clock, Unix seconds.
    pub fn now(&self) -> i64 {
        self.shared.world().clock.now()
    }

    /// Forgets every entity, fault, webhook setting and delivery (spec violations are kept).
    pub async fn reset(&self) {
        self.shared.reset();
    }

    /// Makes the next `fault.count` requests to `fault.gateway` (or either gateway) fail.
    pub async fn inject_fault(&self, fault: Fault) {
        self.shared.faults().push(fault);
    }

    /// Sends Razorpay webhooks to `url` (`http` or `https`), signed with `secret` (not empty).
    pub async fn set_razorpay_webhook(
        &self,
        url: impl Into<String>,
        secret: impl Into<String>,
    ) -> Result<(), ControlError> {
        self.shared.webhooks.configure(url.into(), secret.into())
    }

    /// Every webhook delivery so far, oldest first.
    pub async fn webhook_deliveries(&self) -> Vec<WebhookDelivery> {
        self.shared.webhooks.deliveries()
    }

    /// Waits until every queued webhook was delivered or its attempts ran out.
    pub async fn flush_webhooks(&self) {
        self.shared.webhooks.flush().await;
    }

    /// Responses and webhooks the sandbox sent that its OpenAPI documents do not allow (a
    /// sandbox bug: tests should assert this is empty). Refused requests are not listed: they
    /// were answered with the gateway's 400.
    pub fn spec_violations(&self) -> Vec<SpecViolation> {
        self.shared.violations()
    }

    /// How many requests each operation received, keyed `razorpay/create_order`,
    /// `ippopay/fetch_order`, `control/reset`, ... (operation ids of the documents): which
    /// operations a test suite exercised.
    pub fn operations_served(&self) -> std::collections::BTreeMap<String, u64> {
        self.shared.served()
    }

    /// Stops accepting connections and lets requests in flight finish (up to a second).
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
        if let Some(server) = self.server.take() {
            server.abort();
        }
    }
}
