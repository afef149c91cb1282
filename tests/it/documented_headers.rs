//! Only documented headers reach the gateways: nothing the generator adds on its own (it once
//! sent `api-version: <info.version>`, which neither gateway documents).

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use axum::http::HeaderMap;
use paygate::RetryPolicy;
use paygate::{ippopay, razorpay};

type Seen = Arc<Mutex<Vec<BTreeSet<String>>>>;

/// A loopback server that records each request's header names and answers `body`.
async fn recording_server(body: &'static str) -> (String, Seen) {
    let seen: Seen = Arc::default();
    let record = seen.clone();
    let app = axum::Router::new().fallback(move |headers: HeaderMap| {
        let record = record.clone();
        async move {
            let names = headers.keys().map(|k| k.as_str().to_owned()).collect();
            record.lock().unwrap().push(names);
            ([("content-type", "application/json")], body)
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, seen)
}

fn names(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[tokio::test]
async fn razorpay_requests_carry_only_documented_headers() {
    let (url, seen) = recording_server(r#"{"id":"rfnd_1","entity":"refund","amount":100,"currency":"INR","payment_id":"pay_1","created_at":1}"#).await;
    let client = razorpay::Client::builder("rzp_test_key", "secret")
        .base_url(url)
        .allow_insecure_http()
        .build()
        .unwrap();
    // A refund: a POST with a body and the idempotency key paygate adds when retries are on.
    let refund = client
        .refund_payment()
        .payment_id("pay_1")
        .body(razorpay::types::RefundPaymentRequest::builder().amount(100))
        .send()
        .await;
    assert!(refund.is_ok(), "{refund:?}");
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        seen[0],
        names(&[
            "accept",
            "authorization",
            "content-length",
            "content-type",
            "host",
            "user-agent",
            "x-refund-idempotency",
        ])
    );
}

#[tokio::test]
async fn ippopay_requests_carry_only_documented_headers() {
    let (url, seen) = recording_server(r#"{"success":true,"message":"ok","data":{}}"#).await;
    let client = ippopay::Client::builder("pk_test", "sk_test")
        .base_url(url)
        .allow_insecure_http()
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let _ = client.fetch_order().order_id("order_1").send().await;
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        seen[0],
        names(&["accept", "authorization", "host", "user-agent"])
    );
}
