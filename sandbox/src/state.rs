//! The sandbox's state: configuration, the in-memory entities of both gateways behind one lock,
//! pending faults, the webhook outbox and the spec violations seen.
//!
//! One `Mutex` guards every entity, so each operation is atomic: concurrent refunds of one
//! payment are serialized and can never refund more than was captured. The lock is never held
//! across an `.await`.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use crate::clock::Clock;
use crate::faults::FaultQueue;
use crate::support::lock;
use crate::webhooks::Outbox;
use crate::{ippopay, razorpay};

/// Keys and behaviour fixed when the sandbox starts.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub(crate) razorpay_key_id: String,
    pub(crate) razorpay_key_secret: String,
    pub(crate) ippopay_public_key: String,
    pub(crate) ippopay_secret_key: String,
    /// `account_id` of webhook events.
    pub(crate) account_id: String,
    /// `http://127.0.0.1:PORT`, for URLs the sandbox hands out (Ippopay's `payment_url`).
    pub(crate) base_url: String,
    /// Whether payments of an order created without `payment_capture` are captured at once.
    pub(crate) auto_capture_default: bool,
    /// Largest request body accepted, in bytes.
    pub(crate) body_limit: usize,
    /// How long a client may take to send a request's headers, and then its body.
    pub(crate) read_timeout: Duration,
    /// Webhook delivery attempts in all, and the backoff before the second (doubled after).
    pub(crate) webhook_attempts: u32,
    pub(crate) webhook_backoff: Duration,
}

/// Everything the gateways' entities are made of.
#[derive(Debug, Default)]
pub(crate) struct World {
    pub(crate) clock: Clock,
    pub(crate) razorpay: razorpay::Store,
    pub(crate) ippopay: ippopay::Store,
}

/// A request or response the OpenAPI documents do not allow, recorded by the spec check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecViolation {
    /// `response` (an answer of the sandbox) or `webhook` (an event it sent).
    pub direction: &'static str,
    /// `METHOD /path` as received.
    pub route: String,
    /// HTTP status of the response (for a response violation).
    pub status: Option<u16>,
    /// What is wrong.
    pub message: String,
}

/// The state shared by the server, the control endpoints and the [`crate::Sandbox`] handle.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) config: Config,
    world: Mutex<World>,
    faults: Mutex<FaultQueue>,
    violations: Mutex<Vec<SpecViolation>>,
    /// `api/operationId` → requests routed to it.
    served: Mutex<BTreeMap<String, u64>>,
    pub(crate) webhooks: Outbox,
}

impl Shared {
    pub(crate) fn new(config: Config) -> Self {
        let webhooks = Outbox::new(
            config.webhook_attempts,
            config.webhook_backoff,
            config.account_id.clone(),
        );
        Self {
            config,
            world: Mutex::default(),
            faults: Mutex::default(),
            violations: Mutex::default(),
            served: Mutex::default(),
            webhooks,
        }
    }

    pub(crate) fn world(&self) -> MutexGuard<'_, World> {
        lock(&self.world)
    }

    pub(crate) fn faults(&self) -> MutexGuard<'_, FaultQueue> {
        lock(&self.faults)
    }

    pub(crate) fn record_violation(&self, violation: SpecViolation) {
        lock(&self.violations).push(violation);
    }

    /// Sends webhook events (when a URL is set) and checks each, headers and body, against the
    /// spec's `x-webhooks`; a mismatch is recorded like a response violation.
    pub(crate) fn send_webhooks(&self, events: Vec<paygate::razorpay::types::WebhookEvent>) {
        for outgoing in self.webhooks.send(events) {
            if let Err(message) = crate::gate::check_webhook(&outgoing) {
                self.record_violation(SpecViolation {
                    direction: "webhook",
                    route: format!("POST {}", outgoing.event),
                    status: None,
                    message,
                });
            }
        }
    }

    pub(crate) fn record_served(&self, api: &str, operation_id: &str) {
        *lock(&self.served)
            .entry(format!("{api}/{operation_id}"))
            .or_default() += 1;
    }

    pub(crate) fn served(&self) -> BTreeMap<String, u64> {
        lock(&self.served).clone()
    }

    pub(crate) fn violations(&self) -> Vec<SpecViolation> {
        lock(&self.violations).clone()
    }

    /// Forgets every entity, fault, webhook setting and delivery; the clock returns to real time.
    /// Spec violations are kept: they are evidence about earlier requests.
    pub(crate) fn reset(&self) {
        *self.world() = World::default();
        self.faults().clear();
        self.webhooks.reset();
    }
}
