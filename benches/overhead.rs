//! What paygate's own layer costs: the same `fetch_payment` (and a `create_order` with 15
//! notes) through paygate and written by hand with the same reqwest, against one loopback
//! server in this process; and decoding a payment with paygate's generated types against a
//! minimal hand-written struct and `serde_json::Value`.
//!
//! ```sh
//! cargo bench --bench overhead
//! ```
//!
//! The server runs on its own thread and runtime; every client runs on the main thread's
//! single-threaded runtime, so the main thread's CPU time (`/proc/thread-self/schedstat`, in
//! nanoseconds) is the client's CPU alone. Rounds of the clients alternate so that all see the
//! same machine; the report gives medians over the rounds and ratios to the hand-written
//! struct client.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use paygate::RetryPolicy;
use paygate::razorpay::{self, types};
use serde::Deserialize;
use serde_json::Value;

const PAYMENT: &str = include_str!("data/payment.json");
const SEQUENTIAL: usize = 2_000;
const CONCURRENT: usize = 4_000;
const IN_FLIGHT: usize = 64;
const ROUNDS: usize = 7;

/// What a hand-written client would decode: the fields it uses.
#[derive(Deserialize)]
#[allow(dead_code)] // decoded, as a real client would, and then only held
struct MinimalPayment {
    id: String,
    amount: i64,
    currency: String,
    status: String,
    order_id: Option<String>,
    method: Option<String>,
    created_at: i64,
}

/// What a careful hand-written client would decode: every field paygate's `Payment` gives
/// its user, written by hand.
#[derive(Deserialize)]
#[allow(dead_code)]
struct HandWrittenPayment {
    id: String,
    entity: String,
    amount: i64,
    currency: String,
    status: String,
    order_id: Option<String>,
    invoice_id: Option<String>,
    international: Option<bool>,
    method: Option<String>,
    amount_refunded: Option<i64>,
    refund_status: Option<String>,
    captured: Option<bool>,
    description: Option<String>,
    card_id: Option<String>,
    card: Option<HandWrittenCard>,
    bank: Option<String>,
    wallet: Option<String>,
    vpa: Option<String>,
    email: Option<String>,
    contact: Option<String>,
    customer_id: Option<String>,
    notes: Value,
    fee: Option<i64>,
    tax: Option<i64>,
    error_code: Option<String>,
    error_description: Option<String>,
    error_source: Option<String>,
    error_step: Option<String>,
    error_reason: Option<String>,
    acquirer_data: Option<std::collections::BTreeMap<String, Option<String>>>,
    created_at: i64,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct HandWrittenCard {
    id: String,
    entity: Option<String>,
    name: Option<String>,
    last4: Option<String>,
    network: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    issuer: Option<String>,
    international: Option<bool>,
    emi: Option<bool>,
    sub_type: Option<String>,
    token_iin: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct HandWrittenCollection {
    count: i64,
    items: Vec<HandWrittenPayment>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct MinimalCollection {
    count: i64,
    items: Vec<MinimalPayment>,
}

/// Client CPU time so far: the calling thread's time on CPU.
fn thread_cpu() -> Duration {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    let nanos = text.split_whitespace().next().and_then(|n| n.parse().ok());
    Duration::from_nanos(nanos.unwrap_or(0))
}

/// A loopback server on its own thread answering every GET with the payment and every POST
/// with an order; returns its base URL.
fn start_server() -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let order = serde_json::json!({
                "id": "order_1", "entity": "order", "amount": 50000, "amount_paid": 0,
                "amount_due": 50000, "currency": "INR", "receipt": "r1", "status": "created",
                "attempts": 0, "notes": [], "created_at": 1
            })
            .to_string();
            let json = [("content-type", "application/json")];
            let app = axum::Router::new()
                .route(
                    "/payments/{id}",
                    axum::routing::get(move || async move { (json, PAYMENT) }),
                )
                .route(
                    "/orders",
                    axum::routing::post(move || async move { (json, order.clone()) }),
                );
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(format!("http://{}", listener.local_addr().unwrap()))
                .unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    rx.recv().unwrap()
}

#[derive(Clone, Copy, PartialEq)]
enum Way {
    Paygate,
    Struct,
    Value,
}

const WAYS: [(Way, &str); 3] = [
    (Way::Paygate, "paygate"),
    (Way::Struct, "reqwest + hand-written struct"),
    (Way::Value, "reqwest + Value"),
];

struct Clients {
    paygate: razorpay::Client,
    bare: reqwest::Client,
    base: String,
}

impl Clients {
    /// paygate as users configure it, and reqwest with the same timeouts, both for `base`.
    fn new(base: String) -> Self {
        Clients {
            paygate: razorpay::Client::builder("rzp_test_key", "secret")
                .base_url(base.clone())
                .allow_insecure_http()
                .build()
                .unwrap(),
            bare: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .connect_timeout(Duration::from_secs(10))
                .build()
                .unwrap(),
            base,
        }
    }

    async fn fetch(&self, way: Way) {
        let url = || format!("{}/payments/pay_L0nSsccovt6zyp", self.base);
        match way {
            Way::Paygate => {
                let payment = self
                    .paygate
                    .fetch_payment()
                    .payment_id("pay_L0nSsccovt6zyp")
                    .send()
                    .await
                    .unwrap();
                std::hint::black_box(payment.amount);
            }
            Way::Struct => {
                let payment: HandWrittenPayment = self.get(url()).await.json().await.unwrap();
                std::hint::black_box(payment.amount);
            }
            Way::Value => {
                let payment: Value = self.get(url()).await.json().await.unwrap();
                std::hint::black_box(&payment["amount"]);
            }
        }
    }

    async fn get(&self, url: String) -> reqwest::Response {
        self.bare
            .get(url)
            .basic_auth("rzp_test_key", Some("secret"))
            .header("accept", "application/json")
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap()
    }

    async fn create_order(&self, way: Way, notes: &razorpay::Notes) {
        match way {
            Way::Paygate => {
                let order = self
                    .paygate
                    .create_order()
                    .body(
                        types::CreateOrderRequest::builder()
                            .amount(50_000)
                            .currency("INR")
                            .receipt("r1".to_owned())
                            .notes(Some(notes.clone())),
                    )
                    .send()
                    .await
                    .unwrap();
                std::hint::black_box(order.amount);
            }
            Way::Struct | Way::Value => {
                let body = serde_json::json!({
                    "amount": 50000, "currency": "INR", "receipt": "r1", "notes": notes,
                });
                let order: Value = self
                    .bare
                    .post(format!("{}/orders", self.base))
                    .basic_auth("rzp_test_key", Some("secret"))
                    .json(&body)
                    .send()
                    .await
                    .unwrap()
                    .error_for_status()
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                std::hint::black_box(&order["amount"]);
            }
        }
    }
}

/// Wall and client CPU time per request.
#[derive(Default, Clone)]
struct Samples {
    wall: Vec<f64>,
    cpu: Vec<f64>,
}

impl Samples {
    fn push(&mut self, requests: usize, wall: Duration, cpu: Duration) {
        self.wall.push(wall.as_secs_f64() * 1e6 / requests as f64);
        self.cpu.push(cpu.as_secs_f64() * 1e6 / requests as f64);
    }
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[sorted.len() / 2]
}

async fn requests() {
    let clients = Clients::new(start_server());
    let notes = fifteen_notes();
    for (way, _) in WAYS {
        for _ in 0..200 {
            clients.fetch(way).await;
        }
    }
    let mut sequential = vec![Samples::default(); 3];
    let mut concurrent = vec![Samples::default(); 3];
    let mut orders = vec![Samples::default(); 2];
    for round in 0..ROUNDS {
        // Rotate which way goes first, so none always runs on a warmer machine.
        for k in 0..3 {
            let i = (k + round) % 3;
            let way = WAYS[i].0;
            let (wall, cpu) = (Instant::now(), thread_cpu());
            for _ in 0..SEQUENTIAL {
                clients.fetch(way).await;
            }
            sequential[i].push(SEQUENTIAL, wall.elapsed(), thread_cpu() - cpu);

            let (wall, cpu) = (Instant::now(), thread_cpu());
            futures_util::stream::iter(0..CONCURRENT)
                .for_each_concurrent(IN_FLIGHT, |_| clients.fetch(way))
                .await;
            concurrent[i].push(CONCURRENT, wall.elapsed(), thread_cpu() - cpu);
        }
        for (i, way) in [Way::Paygate, Way::Value].into_iter().enumerate() {
            let (wall, cpu) = (Instant::now(), thread_cpu());
            for _ in 0..SEQUENTIAL / 2 {
                clients.create_order(way, &notes).await;
            }
            orders[i].push(SEQUENTIAL / 2, wall.elapsed(), thread_cpu() - cpu);
        }
    }
    let report = |title: &str, samples: &[Samples]| {
        println!("\n{title}");
        println!("| client | wall µs/req | ratio | client CPU µs/req | ratio |");
        println!("| --- | ---: | ---: | ---: | ---: |");
        let base_wall = median(&samples[1].wall);
        let base_cpu = median(&samples[1].cpu);
        for (i, (_, name)) in WAYS.iter().enumerate() {
            let (wall, cpu) = (median(&samples[i].wall), median(&samples[i].cpu));
            println!(
                "| {name} | {wall:.1} | {:.2} | {cpu:.1} | {:.2} |",
                wall / base_wall,
                cpu / base_cpu
            );
        }
    };
    println!(
        "fetch_payment over loopback, {ROUNDS} rounds, medians; ratios to reqwest + hand-written struct (the same fields paygate decodes)"
    );
    report(
        &format!("sequential ({SEQUENTIAL} requests a round)"),
        &sequential,
    );
    report(
        &format!("{IN_FLIGHT} in flight ({CONCURRENT} requests a round)"),
        &concurrent,
    );
    println!(
        "\ncreate_order with 15 notes of 200 characters, sequential; ratio to reqwest + Value"
    );
    println!("| client | wall µs/req | ratio | client CPU µs/req | ratio |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    let (bw, bc) = (median(&orders[1].wall), median(&orders[1].cpu));
    for (i, name) in ["paygate (validates, then sends)", "reqwest + Value"]
        .iter()
        .enumerate()
    {
        let (w, c) = (median(&orders[i].wall), median(&orders[i].cpu));
        println!(
            "| {name} | {w:.1} | {:.2} | {c:.1} | {:.2} |",
            w / bw,
            c / bc
        );
    }
}

fn profile(which: &str) {
    // `paygate` and `struct` fetch a payment; `paygate-order` and `value-order` create an order
    // with 15 notes.
    let (way, order) = match which {
        "paygate" => (Way::Paygate, false),
        "paygate-order" => (Way::Paygate, true),
        "value-order" => (Way::Value, true),
        _ => (Way::Struct, false),
    };
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            let clients = Clients::new(start_server());
            let notes = fifteen_notes();
            for _ in 0..SEQUENTIAL {
                if order {
                    clients.create_order(way, &notes).await;
                } else {
                    clients.fetch(way).await;
                }
            }
        });
}

/// The notes of every `create_order` measured: 15 of 200 characters.
fn fifteen_notes() -> razorpay::Notes {
    (0..15).fold(razorpay::Notes::new(), |n, i| {
        n.with(format!("note_{i}"), "x".repeat(200))
    })
}

/// MB/s decoding `bytes` `iterations` times with `decode`.
fn throughput(bytes: &[u8], iterations: usize, decode: impl Fn(&[u8])) -> f64 {
    let started = Instant::now();
    for _ in 0..iterations {
        decode(bytes);
    }
    (bytes.len() * iterations) as f64 / started.elapsed().as_secs_f64() / 1e6
}

fn decoding() {
    let one = PAYMENT.as_bytes().to_vec();
    let items: Vec<Value> = (0..100)
        .map(|_| serde_json::from_str(PAYMENT).unwrap())
        .collect();
    let hundred = serde_json::to_vec(
        &serde_json::json!({"entity": "collection", "count": 100, "items": items}),
    )
    .unwrap();
    println!(
        "\ndecoding (MB/s, median of {ROUNDS}; ratio to the hand-written struct of the same fields)"
    );
    println!(
        "| body | generated types | hand-written struct | minimal struct (7 fields) | `Value` | generated / hand-written |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    for (name, bytes, iterations) in [
        ("one payment", &one, 20_000),
        ("100 payments", &hundred, 200),
    ] {
        let single = name == "one payment";
        let mut generated = Vec::new();
        let mut hand = Vec::new();
        let mut minimal = Vec::new();
        let mut value = Vec::new();
        for _ in 0..ROUNDS {
            generated.push(throughput(bytes, iterations, |b| {
                if single {
                    std::hint::black_box(serde_json::from_slice::<types::Payment>(b).unwrap());
                } else {
                    std::hint::black_box(
                        serde_json::from_slice::<types::PaymentCollection>(b).unwrap(),
                    );
                }
            }));
            hand.push(throughput(bytes, iterations, |b| {
                if single {
                    std::hint::black_box(serde_json::from_slice::<HandWrittenPayment>(b).unwrap());
                } else {
                    std::hint::black_box(
                        serde_json::from_slice::<HandWrittenCollection>(b).unwrap(),
                    );
                }
            }));
            minimal.push(throughput(bytes, iterations, |b| {
                if single {
                    std::hint::black_box(serde_json::from_slice::<MinimalPayment>(b).unwrap());
                } else {
                    std::hint::black_box(serde_json::from_slice::<MinimalCollection>(b).unwrap());
                }
            }));
            value.push(throughput(bytes, iterations, |b| {
                std::hint::black_box(serde_json::from_slice::<Value>(b).unwrap());
            }));
        }
        let (g, h, m, v) = (
            median(&generated),
            median(&hand),
            median(&minimal),
            median(&value),
        );
        println!(
            "| {name} | {g:.0} | {h:.0} | {m:.0} | {v:.0} | {:.2} |",
            g / h
        );
    }
}

fn main() {
    // `cargo test --benches` runs bench targets with `--test`: nothing to measure then.
    if std::env::args().any(|a| a == "--test" || a == "--list") {
        return;
    }
    let _ = RetryPolicy::default(); // the default policy, as users get it, is measured
    // `OVERHEAD_PROFILE=paygate|struct|paygate-order|value-order` runs only that client's
    // sequential loop, for a profiler
    // (e.g. `valgrind --tool=callgrind`).
    if let Ok(which) = std::env::var("OVERHEAD_PROFILE") {
        return profile(&which);
    }
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(requests());
    decoding();
}
