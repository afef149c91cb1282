//! Razorpay webhooks: events built from the generated `WebhookEvent` type, POSTed to the
//! configured URL with `X-Razorpay-Signature` (hex HMAC-SHA256 of the raw body with the webhook
//! secret) and `x-razorpay-event-id`, one at a time in the order they happened, retried with
//! exponential backoff until a 2xx answer or the attempts run out.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http::header::{self, HeaderMap, HeaderValue};
use paygate::razorpay::types as rzp;
use paygate::razorpay::webhook::{EVENT_ID_HEADER, SIGNATURE_HEADER};
use serde::{Deserialize, Serialize};
use tokio::sync::{Notify, mpsc};

use crate::control::ControlError;
use crate::errors::built;
use crate::support::lock;

/// One event sent (or being sent) to the webhook URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookDelivery {
    /// Event name, e.g. `payment.captured`.
    pub event: String,
    /// The `x-razorpay-event-id` header: the same on every attempt.
    pub event_id: String,
    /// Where it was POSTed.
    pub url: String,
    /// Attempts made so far.
    pub attempts: u32,
    /// HTTP status of the last answer; `None` before the first answer or when the last attempt
    /// got no answer.
    pub last_status: Option<u16>,
    /// Whether an attempt was answered with 2xx.
    pub delivered: bool,
}

#[derive(Debug, Clone)]
struct Target {
    url: String,
    secret: String,
}

#[derive(Debug)]
struct Job {
    generation: u64,
    index: usize,
    url: String,
    headers: HeaderMap,
    body: Vec<u8>,
}

/// An event as it goes on the wire.
#[derive(Debug, Clone)]
pub(crate) struct Outgoing {
    pub(crate) event: String,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
}

/// `Content-Type`, `X-Razorpay-Signature` and `x-razorpay-event-id`.
fn headers(signature: &str, event_id: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    let text = |value: &str| HeaderValue::from_str(value).expect("hex and base62 are header-safe");
    headers.insert(SIGNATURE_HEADER, text(signature));
    headers.insert(EVENT_ID_HEADER, text(event_id));
    headers
}

#[derive(Debug, Default)]
struct Inner {
    target: Mutex<Option<Target>>,
    deliveries: Mutex<Vec<WebhookDelivery>>,
    /// Bumped by `reset`, so jobs queued before it are dropped.
    generation: AtomicU64,
    pending: AtomicUsize,
    idle: Notify,
}

/// The queue of webhook deliveries and their record.
#[derive(Debug)]
pub(crate) struct Outbox {
    inner: Arc<Inner>,
    queue: mpsc::UnboundedSender<Job>,
    account_id: String,
}

impl Outbox {
    /// Starts the delivery task (call inside a Tokio runtime).
    pub(crate) fn new(attempts: u32, backoff: Duration, account_id: String) -> Self {
        let inner = Arc::new(Inner::default());
        let (queue, jobs) = mpsc::unbounded_channel();
        tokio::spawn(deliver_all(inner.clone(), jobs, attempts.max(1), backoff));
        Self {
            inner,
            queue,
            account_id,
        }
    }

    /// Sets (or replaces) the webhook URL and secret. Only an `http` or `https` URL with a host
    /// is taken (never `file://` or another scheme the sandbox would send to), and a non-empty
    /// secret; anything else is refused naming the field and its value.
    pub(crate) fn configure(&self, url: String, secret: String) -> Result<(), ControlError> {
        let refused =
            |why: &str| ControlError::rejected(400, format!("url = {url:?}: {why}"), Some("url"));
        let parsed = reqwest::Url::parse(&url).map_err(|e| refused(&format!("not a URL ({e})")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(refused("webhooks are sent over http or https only"));
        }
        if parsed.host().is_none() {
            return Err(refused("the URL names no host"));
        }
        if secret.is_empty() {
            return Err(ControlError::rejected(
                400,
                "secret = \"\": the secret must not be empty",
                Some("secret"),
            ));
        }
        *lock(&self.inner.target) = Some(Target { url, secret });
        Ok(())
    }

    /// Forgets the target, the record of deliveries, and everything not yet delivered.
    pub(crate) fn reset(&self) {
        self.inner.generation.fetch_add(1, Ordering::SeqCst);
        *lock(&self.inner.target) = None;
        lock(&self.inner.deliveries).clear();
    }

    /// Every delivery so far, oldest first.
    pub(crate) fn deliveries(&self) -> Vec<WebhookDelivery> {
        lock(&self.inner.deliveries).clone()
    }

    /// Queues events for delivery; without a configured URL they are not sent, as Razorpay
    /// sends nothing to an account without webhooks. Returns every event as it is (or would
    /// be) sent, headers and body, for the spec check.
    pub(crate) fn send(&self, events: Vec<rzp::WebhookEvent>) -> Vec<Outgoing> {
        let target = lock(&self.inner.target).clone();
        let mut outgoing = Vec::with_capacity(events.len());
        for mut event in events {
            event.account_id = Some(self.account_id.clone());
            let event_id = crate::ids::razorpay("evt");
            let body = serde_json::to_vec(&event).expect("generated types serialize");
            let secret = target.as_ref().map_or("", |t| t.secret.as_str());
            let headers = headers(&sign(secret, &body), &event_id);
            let name = event.event.to_string();
            if let Some(target) = &target {
                self.queue(target, &name, &event_id, headers.clone(), body.clone());
            }
            outgoing.push(Outgoing {
                event: name,
                headers,
                body,
            });
        }
        outgoing
    }

    fn queue(
        &self,
        target: &Target,
        name: &str,
        event_id: &str,
        headers: HeaderMap,
        body: Vec<u8>,
    ) {
        let index = {
            let mut deliveries = lock(&self.inner.deliveries);
            deliveries.push(WebhookDelivery {
                event: name.to_owned(),
                event_id: event_id.to_owned(),
                url: target.url.clone(),
                attempts: 0,
                last_status: None,
                delivered: false,
            });
            deliveries.len() - 1
        };
        self.inner.pending.fetch_add(1, Ordering::SeqCst);
        let job = Job {
            generation: self.inner.generation.load(Ordering::SeqCst),
            index,
            url: target.url.clone(),
            headers,
            body,
        };
        if self.queue.send(job).is_err() {
            self.inner.pending.fetch_sub(1, Ordering::SeqCst);
        }
    }

    /// Waits until every queued event was delivered or gave up.
    pub(crate) async fn flush(&self) {
        loop {
            let idle = self.inner.idle.notified();
            tokio::pin!(idle);
            idle.as_mut().enable();
            if self.inner.pending.load(Ordering::SeqCst) == 0 {
                return;
            }
            idle.await;
        }
    }
}

/// Hex HMAC-SHA256 of the raw body with the webhook secret: the `X-Razorpay-Signature` header.
pub(crate) fn sign(secret: &str, body: &[u8]) -> String {
    crate::support::hmac_sha256_hex(secret, body)
}

async fn deliver_all(
    inner: Arc<Inner>,
    mut jobs: mpsc::UnboundedReceiver<Job>,
    attempts: u32,
    backoff: Duration,
) {
    let http = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap_or_default();
    while let Some(job) = jobs.recv().await {
        deliver(&inner, &http, &job, attempts, backoff).await;
        if inner.pending.fetch_sub(1, Ordering::SeqCst) == 1 {
            inner.idle.notify_waiters();
        }
    }
}

async fn deliver(
    inner: &Inner,
    http: &reqwest::Client,
    job: &Job,
    attempts: u32,
    backoff: Duration,
) {
    for attempt in 1..=attempts {
        if inner.generation.load(Ordering::SeqCst) != job.generation {
            return;
        }
        let answer = http
            .post(&job.url)
            .headers(job.headers.clone())
            .body(job.body.clone())
            .send()
            .await;
        let status = answer.ok().map(|r| r.status().as_u16());
        let delivered = status.is_some_and(|s| (200..300).contains(&s));
        if inner.generation.load(Ordering::SeqCst) != job.generation {
            return;
        }
        if let Some(record) = lock(&inner.deliveries).get_mut(job.index) {
            record.attempts = attempt;
            record.last_status = status;
            record.delivered = delivered;
        }
        if delivered {
            return;
        }
        if attempt < attempts {
            tokio::time::sleep(backoff.saturating_mul(1 << (attempt - 1).min(16))).await;
        }
    }
}

fn event(
    name: &str,
    contains: &[&str],
    payload: rzp::WebhookPayload,
    now: i64,
) -> rzp::WebhookEvent {
    built(
        rzp::WebhookEvent::builder()
            .entity("event")
            .event(rzp::WebhookEventName::from(name))
            .contains(contains.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>())
            .payload(payload)
            .created_at(now),
    )
}

/// `payment.authorized`, `payment.captured` or `payment.failed`.
pub(crate) fn payment_event(name: &str, payment: &rzp::Payment, now: i64) -> rzp::WebhookEvent {
    let payload = rzp::WebhookPayload {
        payment: Some(rzp::WebhookPaymentEntity {
            entity: payment.clone(),
        }),
        ..Default::default()
    };
    event(name, &["payment"], payload, now)
}

/// `order.paid`: carries the payment and the order.
pub(crate) fn order_paid_event(
    payment: &rzp::Payment,
    order: &rzp::Order,
    now: i64,
) -> rzp::WebhookEvent {
    let payload = rzp::WebhookPayload {
        payment: Some(rzp::WebhookPaymentEntity {
            entity: payment.clone(),
        }),
        order: Some(rzp::WebhookOrderEntity {
            entity: order.clone(),
        }),
        ..Default::default()
    };
    event("order.paid", &["payment", "order"], payload, now)
}

/// `refund.created` or `refund.processed`.
pub(crate) fn refund_event(name: &str, refund: &rzp::Refund, now: i64) -> rzp::WebhookEvent {
    let payload = rzp::WebhookPayload {
        refund: Some(rzp::WebhookRefundEntity {
            entity: refund.clone(),
        }),
        ..Default::default()
    };
    event(name, &["refund"], payload, now)
}

/// `settlement.processed`.
pub(crate) fn settlement_event(settlement: &rzp::Settlement, now: i64) -> rzp::WebhookEvent {
    let payload = rzp::WebhookPayload {
        settlement: Some(rzp::WebhookSettlementEntity {
            entity: settlement.clone(),
        }),
        ..Default::default()
    };
    event("settlement.processed", &["settlement"], payload, now)
}
