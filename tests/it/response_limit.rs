//! `max_response_bytes` is the largest body accepted: a body of exactly that size decodes, one
//! byte more is `ResponseTooLarge`.

use httpmock::prelude::*;
use paygate::{Error, RetryPolicy, razorpay};

use crate::common;

/// An order whose body is exactly `len` bytes (padded with a field the client ignores).
fn order_of_len(len: usize) -> String {
    let head = r#"{"id":"order_1","entity":"order","amount":5000,"currency":"INR","status":"created","created_at":1,"padding":""#;
    let tail = r#""}"#;
    let body = format!("{head}{}{tail}", "x".repeat(len - head.len() - tail.len()));
    assert_eq!(body.len(), len);
    body
}

async fn fetch_with_limit(body: String, limit: usize) -> Result<razorpay::types::Order, Error> {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/orders/order_1");
            then.status(200).body(body);
        })
        .await;
    let client = razorpay::Client::builder(common::RAZORPAY_KEY_ID, common::RAZORPAY_KEY_SECRET)
        .base_url(server.base_url())
        .allow_insecure_http()
        .retry_policy(RetryPolicy::none())
        .max_response_bytes(limit)
        .build()
        .unwrap();
    Ok(client
        .fetch_order()
        .order_id("order_1")
        .send()
        .await?
        .into_inner())
}

#[tokio::test]
async fn a_body_of_exactly_the_limit_decodes() {
    for limit in [200, 4096, 70_000] {
        let order = fetch_with_limit(order_of_len(limit), limit).await.unwrap();
        assert_eq!((order.id.as_str(), order.amount), ("order_1", 5000));
    }
}

#[tokio::test]
async fn one_byte_over_the_limit_is_too_large() {
    for limit in [200, 4096, 70_000] {
        let err = fetch_with_limit(order_of_len(limit + 1), limit)
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::ResponseTooLarge { limit: l, .. } if l == limit),
            "{limit}: {err:?}"
        );
    }
}
