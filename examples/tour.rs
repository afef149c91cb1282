//! The whole of paygate in one run.
//!
//! ```sh
//! cargo run --example tour
//! ```
//!
//! With no `RAZORPAY_KEY_ID`/`RAZORPAY_KEY_SECRET` in the environment it starts
//! `paygate-sandbox` in this process and runs every step against it, offline. With them set
//! (test-mode keys, please) it runs against the live API and skips the steps that need the
//! sandbox's control endpoints (paying as a customer, moving the clock, webhooks); Ippopay then
//! runs only with `IPPOPAY_PUBLIC_KEY`/`IPPOPAY_SECRET_KEY` set.
//!
//! `tests/it/tour.rs` runs [`run`] against the sandbox and checks the [`Outcome`].

use std::error::Error as StdError;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use futures_util::TryStreamExt;
use paygate::ippopay;
use paygate::razorpay::signature::{verify_payment_signature, verify_webhook_signature};
use paygate::razorpay::webhook::{EVENT_ID_HEADER, SIGNATURE_HEADER};
use paygate::razorpay::{self, Notes, types};
use paygate_sandbox::{PayWith, Sandbox};
use tokio::sync::mpsc;

type BoxError = Box<dyn StdError + Send + Sync>;

/// Where the tour runs.
pub enum Target {
    /// An in-process `paygate-sandbox`: every step runs.
    Sandbox,
    /// The live APIs with the caller's keys: sandbox-only steps are skipped.
    Live {
        razorpay: (String, String),
        ippopay: Option<(String, String)>,
    },
}

impl Target {
    fn from_env() -> Self {
        let var = |name| std::env::var(name).ok().filter(|v: &String| !v.is_empty());
        match (var("RAZORPAY_KEY_ID"), var("RAZORPAY_KEY_SECRET")) {
            (Some(id), Some(secret)) => Self::Live {
                razorpay: (id, secret),
                ippopay: var("IPPOPAY_PUBLIC_KEY").zip(var("IPPOPAY_SECRET_KEY")),
            },
            _ => Self::Sandbox,
        }
    }
}

/// What the tour saw, for `tests/it/tour.rs` to check.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Status of the first order after its payment was captured.
    pub order_status: Option<String>,
    /// Status of the first payment after both refunds.
    pub payment_status: Option<String>,
    /// `amount_refunded` of the first payment, in paise.
    pub amount_refunded: Option<i64>,
    /// Event names of the webhooks received whose signature verified, in arrival order.
    pub verified_webhooks: Vec<String>,
    /// Payments listed by the pagination stream.
    pub payments_listed: usize,
    /// Settlements listed, with their amounts in paise.
    pub settlements: Vec<i64>,
    /// The field named by the client-side refusal of a bad request.
    pub refused_field: Option<String>,
    /// The gateway's error code for a request it refused.
    pub gateway_error_code: Option<String>,
    /// Status of the first refund a week after it was made.
    pub refund_status: Option<String>,
    /// Where the Ippopay customer pays.
    pub ippopay_payment_url: Option<String>,
    /// Status of the Ippopay transaction after the refund.
    pub ippopay_transaction_status: Option<String>,
    /// Requests and responses of the run that the specs do not allow (sandbox only).
    pub spec_violations: usize,
    /// Steps skipped because they need the sandbox.
    pub skipped: Vec<&'static str>,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let started = Instant::now();
    let mut out = std::io::stdout();
    match run(Target::from_env(), &mut out).await {
        Ok(_) => {
            println!("\nTour finished in {:.2?}.", started.elapsed());
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("\ntour failed: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// `₹500.00` for 50000 paise.
pub fn inr(paise: i64) -> String {
    let sign = if paise < 0 { "-" } else { "" };
    let paise = paise.unsigned_abs();
    format!("{sign}₹{}.{:02}", paise / 100, paise % 100)
}

/// Runs every step against `target`, writing a short account of each to `out`.
pub async fn run(target: Target, out: &mut dyn Write) -> Result<Outcome, BoxError> {
    let mut outcome = Outcome::default();
    match target {
        Target::Sandbox => {
            let sandbox = Sandbox::start().await?;
            writeln!(
                out,
                "Started paygate-sandbox: Razorpay at {}, Ippopay at {}",
                sandbox.razorpay_url(),
                sandbox.ippopay_url()
            )?;
            let razorpay =
                razorpay::Client::builder(sandbox.razorpay_key_id(), sandbox.razorpay_key_secret())
                    .base_url(sandbox.razorpay_url())
                    .allow_insecure_http()
                    .build()?;
            let ippopay = ippopay::Client::builder(
                sandbox.ippopay_public_key(),
                sandbox.ippopay_secret_key(),
            )
            .base_url(sandbox.ippopay_url())
            .allow_insecure_http()
            .build()?;
            let secret = sandbox.razorpay_key_secret().to_owned();
            razorpay_tour(&razorpay, &secret, Some(&sandbox), out, &mut outcome).await?;
            ippopay_tour(&ippopay, Some(&sandbox), out, &mut outcome).await?;
            // The sandbox checks every request and response against the specs.
            outcome.spec_violations = sandbox.spec_violations().len();
            for violation in sandbox.spec_violations() {
                writeln!(out, "spec violation: {violation:?}")?;
            }
            sandbox.shutdown().await;
        }
        Target::Live { razorpay, ippopay } => {
            writeln!(out, "Running against the live APIs with your keys")?;
            let client = razorpay::Client::new(&razorpay.0, &razorpay.1)?;
            razorpay_tour(&client, &razorpay.1, None, out, &mut outcome).await?;
            match ippopay {
                Some((public, secret)) => {
                    let client = ippopay::Client::new(public, secret)?;
                    ippopay_tour(&client, None, out, &mut outcome).await?;
                }
                None => skip(
                    out,
                    &mut outcome,
                    "Ippopay (no IPPOPAY_PUBLIC_KEY/SECRET_KEY)",
                )?,
            }
        }
    }
    Ok(outcome)
}

fn skip(out: &mut dyn Write, outcome: &mut Outcome, step: &'static str) -> std::io::Result<()> {
    outcome.skipped.push(step);
    writeln!(out, "  skipped: {step} needs the sandbox")
}

async fn razorpay_tour(
    client: &razorpay::Client,
    key_secret: &str,
    sandbox: Option<&Sandbox>,
    out: &mut dyn Write,
    outcome: &mut Outcome,
) -> Result<(), BoxError> {
    writeln!(out, "\nRazorpay")?;
    let webhooks = match sandbox {
        Some(sandbox) => Some(WebhookReceiver::start(sandbox).await?),
        None => None,
    };

    // Orders are created by your server; amounts are integer paise.
    let order = client
        .create_order()
        .body(
            types::CreateOrderRequest::builder()
                .amount(50_000)
                .currency("INR")
                .receipt(Some("tour-0001".parse()?))
                .notes(Notes::new().with("cart", "tour")),
        )
        .send()
        .await?
        .into_inner();
    writeln!(
        out,
        "1. Created order {} for {} ({})",
        order.id,
        inr(order.amount),
        order.status
    )?;

    let Some(sandbox) = sandbox else {
        for step in [
            "paying the order",
            "capture and refunds",
            "webhooks",
            "settlements",
        ] {
            skip(out, outcome, step)?;
        }
        return listing_and_errors(client, out, outcome).await;
    };

    // The customer pays in Checkout; the browser hands these three values to your server.
    let checkout = sandbox
        .pay_razorpay_order(&order.id, PayWith::upi("success@razorpay"))
        .await?;
    writeln!(
        out,
        "2. Customer paid with UPI success@razorpay: payment {}",
        checkout.razorpay_payment_id
    )?;
    // Verify against the order id from your own records, never the one the browser sent.
    verify_payment_signature(
        key_secret,
        &order.id,
        &checkout.razorpay_payment_id,
        &checkout.razorpay_signature,
    )?;
    writeln!(out, "3. Checkout signature verified against our order id")?;

    let payment = client
        .capture_payment()
        .payment_id(&checkout.razorpay_payment_id)
        .body(
            types::CapturePaymentRequest::builder()
                .amount(order.amount)
                .currency("INR"),
        )
        .send()
        .await?
        .into_inner();
    let paid = client.fetch_order().order_id(&order.id).send().await?;
    outcome.order_status = Some(paid.status.to_string());
    writeln!(
        out,
        "4. Captured {}: payment {}, order {}",
        inr(payment.amount),
        payment.status,
        paid.status
    )?;

    // A partial refund, then the rest: the payment ends `refunded`.
    let partial = client
        .refund_payment()
        .payment_id(&payment.id)
        .body(types::RefundPaymentRequest::builder().amount(10_000))
        .send()
        .await?;
    let after_partial = client
        .fetch_payment()
        .payment_id(&payment.id)
        .send()
        .await?;
    writeln!(
        out,
        "5. Refunded {} ({}): refund status {}",
        inr(partial.amount),
        partial.id,
        describe(&after_partial.refund_status)
    )?;
    let rest = payment.amount - after_partial.amount_refunded.unwrap_or(0);
    let full = client
        .refund_payment()
        .payment_id(&payment.id)
        .body(types::RefundPaymentRequest::builder().amount(rest))
        .send()
        .await?;
    let refunded = client
        .fetch_payment()
        .payment_id(&payment.id)
        .send()
        .await?;
    outcome.payment_status = Some(refunded.status.to_string());
    outcome.amount_refunded = refunded.amount_refunded;
    writeln!(
        out,
        "6. Refunded the remaining {} ({}): payment {}, {} refunded in all, refund status {}",
        inr(full.amount),
        full.id,
        refunded.status,
        inr(refunded.amount_refunded.unwrap_or(0)),
        describe(&refunded.refund_status)
    )?;

    // A second order, captured automatically when paid by card: its money is settled.
    let auto = client
        .create_order()
        .body(
            types::CreateOrderRequest::builder()
                .amount(129_900)
                .currency("INR")
                .payment_capture(true),
        )
        .send()
        .await?;
    let card = sandbox
        .pay_razorpay_order(&auto.id, PayWith::card("4111111111111111"))
        .await?;
    let auto_payment = client
        .fetch_payment()
        .payment_id(&card.razorpay_payment_id)
        .send()
        .await?;
    writeln!(
        out,
        "7. Order {} for {} paid by card and captured automatically: payment {}",
        auto.id,
        inr(auto.amount),
        auto_payment.status
    )?;

    // A week later: the refunds are processed and the captured money is settled.
    sandbox
        .advance_clock(Duration::from_secs(7 * 24 * 3600))
        .await?;
    let refund = client.fetch_refund().refund_id(&partial.id).send().await?;
    let settlements: Vec<_> = client.list_settlements().all().try_collect().await?;
    outcome.refund_status = refund.status.as_ref().map(ToString::to_string);
    writeln!(
        out,
        "8. A week later: refund {} is {}; {} settlement(s)",
        refund.id,
        describe(&refund.status),
        settlements.len()
    )?;
    for settlement in &settlements {
        writeln!(
            out,
            "   settlement {}: {} after fees {} and tax {} ({})",
            settlement.id,
            inr(settlement.amount),
            inr(settlement.fees.unwrap_or(0)),
            inr(settlement.tax.unwrap_or(0)),
            settlement.status
        )?;
        outcome.settlements.push(settlement.amount);
    }

    if let Some(webhooks) = webhooks {
        sandbox.flush_webhooks().await;
        let expected = [
            "payment.authorized",
            "payment.captured",
            "order.paid",
            "refund.created",
            "refund.processed",
            "settlement.processed",
        ];
        outcome.verified_webhooks = webhooks.wait_for(&expected, Duration::from_secs(10)).await;
        writeln!(
            out,
            "9. Webhooks received and verified: {}",
            outcome.verified_webhooks.join(", ")
        )?;
    }

    listing_and_errors(client, out, outcome).await
}

async fn listing_and_errors(
    client: &razorpay::Client,
    out: &mut dyn Write,
    outcome: &mut Outcome,
) -> Result<(), BoxError> {
    // Pages of 100 are fetched lazily as the stream is read.
    let payments: Vec<_> = client.list_payments().all().try_collect().await?;
    outcome.payments_listed = payments.len();
    writeln!(out, "10. Listed {} payment(s):", payments.len())?;
    for payment in &payments {
        writeln!(
            out,
            "    {} {} {}",
            payment.id,
            inr(payment.amount),
            payment.status
        )?;
    }

    // Refused before sending: the error names the field and the value.
    let refused = client
        .create_order()
        .body(
            types::CreateOrderRequest::builder()
                .amount(50)
                .currency("INR"),
        )
        .send()
        .await
        .expect_err("an order under ₹1 is refused");
    if let paygate::Error::InvalidRequest { field, .. } = &refused {
        outcome.refused_field = Some(field.clone());
    }
    writeln!(out, "11. A bad request never leaves the client: {refused}")?;

    // Refused by the gateway: the typed error carries Razorpay's code and description.
    let unknown = client
        .fetch_payment()
        .payment_id("pay_DoesNotExist01")
        .send()
        .await
        .expect_err("an unknown payment is an error");
    outcome.gateway_error_code = unknown.razorpay().map(|e| e.code.to_string());
    writeln!(out, "12. The gateway's answer, typed: {unknown}")?;
    Ok(())
}

async fn ippopay_tour(
    client: &ippopay::Client,
    sandbox: Option<&Sandbox>,
    out: &mut dyn Write,
    outcome: &mut Outcome,
) -> Result<(), BoxError> {
    writeln!(out, "\nIppopay (amounts in decimal rupees)")?;
    let amount: ippopay::Rupees = "499.50".parse()?;
    let created = client
        .create_order()
        .body(
            ippopay::types::CreateOrderRequest::builder()
                .amount(amount)
                .currency("INR")
                .payment_modes("cc,dc,nb,upi"),
        )
        .send()
        .await?;
    let order = created
        .into_inner()
        .data
        .ok_or("Ippopay sent no order data")?
        .order;
    // The order's details carry the page where the customer pays.
    let details = client
        .fetch_order()
        .order_id(&order.order_id)
        .send()
        .await?
        .into_inner()
        .data
        .ok_or("Ippopay sent no order data")?
        .order;
    writeln!(
        out,
        "1. Created order {} for ₹{} ({}); the customer pays at {}",
        order.order_id,
        order.amount,
        details.status,
        details.payment_url.as_deref().unwrap_or("(no payment_url)")
    )?;
    outcome.ippopay_payment_url = details.payment_url;
    let Some(sandbox) = sandbox else {
        return skip(out, outcome, "paying and refunding the Ippopay order").map_err(Into::into);
    };
    sandbox.pay_ippopay_order(&order.order_id, true).await?;
    let refund_amount: ippopay::Rupees = "100.25".parse()?;
    let refund = client
        .refund_order()
        .order_id(&order.order_id)
        .body(ippopay::types::RefundRequest::builder().refund_amt(refund_amount))
        .send()
        .await?;
    writeln!(
        out,
        "2. Paid in the sandbox; refunded ₹{refund_amount}: {}",
        refund.message.as_deref().unwrap_or("ok")
    )?;
    let transaction = client
        .fetch_order_transaction()
        .order_id(&order.order_id)
        .send()
        .await?
        .into_inner()
        .data
        .ok_or("Ippopay sent no transaction data")?
        .transaction;
    outcome.ippopay_transaction_status = Some(transaction.status.to_string());
    writeln!(
        out,
        "3. Transaction {} is {}, refund {}",
        transaction.trans_id,
        transaction.status,
        describe(&transaction.refund_status)
    )?;
    Ok(())
}

fn describe<T: std::fmt::Display>(value: &Option<T>) -> String {
    value
        .as_ref()
        .map_or_else(|| "none".to_owned(), ToString::to_string)
}

/// An HTTP endpoint on loopback that the sandbox delivers webhooks to. It does what a real
/// handler must: verify the signature over the raw body before reading anything from it.
struct WebhookReceiver {
    events: mpsc::UnboundedReceiver<String>,
}

struct ReceiverState {
    secret: String,
    events: mpsc::UnboundedSender<String>,
}

impl WebhookReceiver {
    const SECRET: &str = "tour_webhook_secret";

    async fn start(sandbox: &Sandbox) -> Result<Self, BoxError> {
        let (sender, events) = mpsc::unbounded_channel();
        let state = Arc::new(ReceiverState {
            secret: Self::SECRET.to_owned(),
            events: sender,
        });
        let app = axum::Router::new()
            .route("/webhooks/razorpay", axum::routing::post(receive))
            .with_state(state);
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
        let url = format!("http://{}/webhooks/razorpay", listener.local_addr()?);
        tokio::spawn(async move { axum::serve(listener, app).await });
        sandbox.set_razorpay_webhook(url, Self::SECRET).await?;
        Ok(Self { events })
    }

    /// Collects verified events until every `expected` name arrived or `within` passed.
    async fn wait_for(mut self, expected: &[&str], within: Duration) -> Vec<String> {
        let deadline = tokio::time::Instant::now() + within;
        let mut seen = Vec::new();
        while !expected.iter().all(|e| seen.iter().any(|s| s == e)) {
            match tokio::time::timeout_at(deadline, self.events.recv()).await {
                Ok(Some(event)) => seen.push(event),
                _ => break,
            }
        }
        seen
    }
}

async fn receive(
    State(state): State<Arc<ReceiverState>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
    let (Some(signature), Some(_event_id)) = (header(SIGNATURE_HEADER), header(EVENT_ID_HEADER))
    else {
        return StatusCode::BAD_REQUEST;
    };
    if verify_webhook_signature(&state.secret, &body, signature).is_err() {
        return StatusCode::UNAUTHORIZED;
    }
    let Ok(event) = serde_json::from_slice::<types::WebhookEvent>(&body) else {
        return StatusCode::BAD_REQUEST;
    };
    let _ = state.events.send(event.event.to_string());
    StatusCode::OK
}
