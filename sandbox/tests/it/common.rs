//! Helpers shared by the sandbox tests.

use std::time::Duration;

use paygate::RetryPolicy;
use paygate::razorpay::types;
use paygate::{Error, ippopay, razorpay};
use paygate_sandbox::{PayWith, Sandbox};
use reqwest::Method;
use serde_json::Value;

/// A sandbox with quick webhook retries.
pub async fn sandbox() -> Sandbox {
    Sandbox::builder()
        .webhook_retries(3, Duration::from_millis(5))
        .start()
        .await
        .expect("the sandbox starts")
}

/// A Razorpay client for the sandbox, retries off so each test sees exactly its requests.
pub fn razorpay(sb: &Sandbox) -> razorpay::Client {
    razorpay::Client::builder(sb.razorpay_key_id(), sb.razorpay_key_secret())
        .base_url(sb.razorpay_url())
        .allow_insecure_http()
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("valid client configuration")
}

/// An Ippopay client for the sandbox, retries off.
pub fn ippopay(sb: &Sandbox) -> ippopay::Client {
    ippopay::Client::builder(sb.ippopay_public_key(), sb.ippopay_secret_key())
        .base_url(sb.ippopay_url())
        .allow_insecure_http()
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("valid client configuration")
}

/// The transaction of a paid Ippopay order.
pub async fn ippopay_transaction(
    client: &ippopay::Client,
    order_id: &str,
) -> ippopay::types::Transaction {
    client
        .fetch_order_transaction()
        .order_id(order_id)
        .send()
        .await
        .expect("the order has a transaction")
        .into_inner()
        .data
        .expect("a transaction response carries data")
        .transaction
}

/// A plain HTTP client that never goes through a proxy.
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("a plain reqwest client builds")
}

/// Sends a raw request; `auth` is `(user, password)`; returns status, headers and the body.
pub async fn raw(
    method: Method,
    url: &str,
    auth: Option<(&str, &str)>,
    body: Option<&[u8]>,
) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let mut request = http().request(method, url);
    if let Some((user, password)) = auth {
        request = request.basic_auth(user, Some(password));
    }
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_vec());
    }
    let response = request.send().await.expect("the sandbox answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.expect("a whole body").to_vec();
    (status, headers, bytes)
}

/// A raw Razorpay request with the sandbox's keys; the body is parsed as JSON.
pub async fn razorpay_raw(
    sb: &Sandbox,
    method: Method,
    path: &str,
    body: Option<&str>,
) -> (u16, Value) {
    let url = format!("{}{path}", sb.razorpay_url());
    let auth = Some((sb.razorpay_key_id(), sb.razorpay_key_secret()));
    let (status, _, bytes) = raw(method, &url, auth, body.map(str::as_bytes)).await;
    let value = serde_json::from_slice(&bytes).unwrap_or_else(|e| {
        panic!(
            "{path}: body is not JSON ({e}): {}",
            String::from_utf8_lossy(&bytes)
        )
    });
    (status, value)
}

/// A raw Ippopay request with the sandbox's keys.
pub async fn ippopay_raw(
    sb: &Sandbox,
    method: Method,
    path: &str,
    body: Option<&str>,
) -> (u16, Value) {
    let url = format!("{}{path}", sb.ippopay_url());
    let auth = Some((sb.ippopay_public_key(), sb.ippopay_secret_key()));
    let (status, _, bytes) = raw(method, &url, auth, body.map(str::as_bytes)).await;
    let value = serde_json::from_slice(&bytes).expect("an Ippopay body is JSON");
    (status, value)
}

/// A control request; returns status and the JSON body (`Null` when empty).
pub async fn control(
    sb: &Sandbox,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let url = format!("{}{path}", sb.control_url());
    let body = body.map(|b| serde_json::to_vec(&b).unwrap());
    let (status, _, bytes) = raw(method, &url, None, body.as_deref()).await;
    let value = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).expect("a control body is JSON")
    };
    (status, value)
}

/// Creates an order of `amount` paise; `capture` sets `payment_capture`.
pub async fn order(client: &razorpay::Client, amount: i64, capture: Option<bool>) -> types::Order {
    client
        .create_order()
        .body(
            types::CreateOrderRequest::builder()
                .amount(amount)
                .currency("INR")
                .payment_capture(capture),
        )
        .send()
        .await
        .expect("the order is created")
        .into_inner()
}

/// The id of a payment made with UPI `success@razorpay` for a new order of `amount` paise.
pub async fn paid_payment(
    sb: &Sandbox,
    client: &razorpay::Client,
    amount: i64,
    capture: Option<bool>,
) -> String {
    let order = order(client, amount, capture).await;
    sb.pay_razorpay_order(&order.id, PayWith::upi("success@razorpay"))
        .await
        .expect("the customer pays")
        .razorpay_payment_id
}

/// The status and Razorpay error of a failed call.
pub fn razorpay_error(e: impl Into<Error>) -> (u16, types::ErrorResponseError) {
    let e = e.into();
    match (&e, e.razorpay()) {
        (Error::Api { status, .. }, Some(error)) => (status.as_u16(), error.clone()),
        _ => panic!("expected Razorpay's error body, got {e:?}"),
    }
}

/// Fails the test if the sandbox sent anything its documents do not allow.
pub fn assert_spec_clean(sb: &Sandbox) {
    let violations = sb.spec_violations();
    assert!(violations.is_empty(), "spec violations: {violations:#?}");
}
