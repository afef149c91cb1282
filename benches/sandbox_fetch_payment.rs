//! Requests per second for `fetch_payment` against `paygate-sandbox` over loopback, with the
//! paygate client beside a bare `reqwest` GET of the same URL, measured in the same run; then
//! `create_order` through the paygate client, sequential and with requests in flight.
//!
//! ```sh
//! cargo bench --bench sandbox_fetch_payment
//! ```
//!
//! Rounds of the two clients alternate so that both see the same machine; the report gives the
//! median requests per second of each and their ratio (the cost of paygate's own layer: hooks,
//! validation, buffering, typed decoding). A concurrent run shows what the sandbox serves with
//! many requests in flight.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use paygate::RetryPolicy;
use paygate::razorpay::{self, types};
use paygate_sandbox::{PayWith, Sandbox};

const REQUESTS_PER_ROUND: usize = 2_000;
const ROUNDS: usize = 5;
const IN_FLIGHT: usize = 16;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::start().await?;
    let client =
        razorpay::Client::builder(sandbox.razorpay_key_id(), sandbox.razorpay_key_secret())
            .base_url(sandbox.razorpay_url())
            .allow_insecure_http()
            .retry_policy(RetryPolicy::none())
            .build()?;
    let payment_id = captured_payment(&sandbox, &client).await?;
    let url = format!("{}/payments/{payment_id}", sandbox.razorpay_url());
    let bare = reqwest::Client::new();

    // Warm up connections and caches on both paths.
    fetch_with_paygate(&client, &payment_id, 200).await?;
    fetch_with_reqwest(&bare, &url, &sandbox, 200).await?;

    let mut paygate_rates = Vec::new();
    let mut reqwest_rates = Vec::new();
    for _ in 0..ROUNDS {
        paygate_rates.push(rate(
            fetch_with_paygate(&client, &payment_id, REQUESTS_PER_ROUND).await?,
        ));
        reqwest_rates.push(rate(
            fetch_with_reqwest(&bare, &url, &sandbox, REQUESTS_PER_ROUND).await?,
        ));
    }
    let concurrent = in_flight(0..REQUESTS_PER_ROUND * 2, |_| {
        client.fetch_payment().payment_id(&payment_id).send()
    })
    .await?;

    // Each order is new state in the sandbox: created, validated against the spec, stored.
    let create_order = |i: usize| {
        client
            .create_order()
            .body(
                types::CreateOrderRequest::builder()
                    .amount(50_000)
                    .currency("INR")
                    .receipt(format!("bench-{i}")),
            )
            .send()
    };
    let orders_sequential = {
        let started = Instant::now();
        for i in 0..REQUESTS_PER_ROUND {
            create_order(i).await?;
        }
        REQUESTS_PER_ROUND as f64 / started.elapsed().as_secs_f64()
    };
    let orders_concurrent =
        in_flight(REQUESTS_PER_ROUND..REQUESTS_PER_ROUND * 3, create_order).await?;

    let paygate = median(&mut paygate_rates);
    let bare_rate = median(&mut reqwest_rates);
    println!(
        "fetch_payment over loopback, {ROUNDS} alternating rounds of {REQUESTS_PER_ROUND} sequential requests"
    );
    println!("  paygate client : {paygate:>8.0} req/s (median; rounds {paygate_rates:.0?})");
    println!("  bare reqwest   : {bare_rate:>8.0} req/s (median; rounds {reqwest_rates:.0?})");
    println!("  ratio paygate / bare reqwest: {:.2}", paygate / bare_rate);
    println!("  paygate client, {IN_FLIGHT} in flight: {concurrent:>8.0} req/s");
    println!("create_order through the paygate client");
    println!("  sequential: {orders_sequential:>8.0} req/s");
    println!("  {IN_FLIGHT} in flight: {orders_concurrent:>8.0} req/s");
    sandbox.shutdown().await;
    Ok(())
}

/// Requests per second for one request per item of `items`, `IN_FLIGHT` at a time; every
/// request must succeed.
async fn in_flight<T, E, F>(
    items: std::ops::Range<usize>,
    request: impl FnMut(usize) -> F,
) -> Result<f64, E>
where
    F: std::future::Future<Output = Result<T, E>>,
{
    let count = items.len();
    let started = Instant::now();
    let results: Vec<_> = futures_util::stream::iter(items)
        .map(request)
        .buffer_unordered(IN_FLIGHT)
        .collect()
        .await;
    for result in results {
        result?;
    }
    Ok(count as f64 / started.elapsed().as_secs_f64())
}

/// An order paid in the sandbox and captured: the payment every request fetches.
async fn captured_payment(
    sandbox: &Sandbox,
    client: &razorpay::Client,
) -> Result<String, Box<dyn std::error::Error>> {
    let order = client
        .create_order()
        .body(
            types::CreateOrderRequest::builder()
                .amount(50_000)
                .currency("INR")
                .payment_capture(true),
        )
        .send()
        .await?;
    let paid = sandbox
        .pay_razorpay_order(&order.id, PayWith::upi("success@razorpay"))
        .await?;
    Ok(paid.razorpay_payment_id)
}

async fn fetch_with_paygate(
    client: &razorpay::Client,
    payment_id: &str,
    requests: usize,
) -> Result<(usize, Duration), paygate::Error> {
    let started = Instant::now();
    for _ in 0..requests {
        let payment = client.fetch_payment().payment_id(payment_id).send().await?;
        std::hint::black_box(payment.amount);
    }
    Ok((requests, started.elapsed()))
}

async fn fetch_with_reqwest(
    client: &reqwest::Client,
    url: &str,
    sandbox: &Sandbox,
    requests: usize,
) -> Result<(usize, Duration), reqwest::Error> {
    let started = Instant::now();
    for _ in 0..requests {
        let payment: serde_json::Value = client
            .get(url)
            .basic_auth(
                sandbox.razorpay_key_id(),
                Some(sandbox.razorpay_key_secret()),
            )
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        std::hint::black_box(&payment["amount"]);
    }
    Ok((requests, started.elapsed()))
}

fn rate((requests, elapsed): (usize, Duration)) -> f64 {
    requests as f64 / elapsed.as_secs_f64()
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}
