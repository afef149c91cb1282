//! The retry loop and `Error::is_retryable` apply one rule: a request the loop sent again is one
//! the error calls retryable, and the other way round, for real failures on loopback.

use std::time::Duration;

use httpmock::prelude::*;
use paygate::{Error, RetryPolicy, TransportKind, razorpay};

use crate::common;
use crate::logging::capture_this_thread;

const THREE_QUICK_ATTEMPTS: RetryPolicy = RetryPolicy {
    max_attempts: 3,
    initial_backoff: Duration::from_millis(1),
    max_backoff: Duration::from_millis(5),
};

fn client(base_url: String) -> razorpay::Client {
    razorpay::Client::builder(common::RAZORPAY_KEY_ID, common::RAZORPAY_KEY_SECRET)
        .base_url(base_url)
        .allow_insecure_http()
        .connect_timeout(Duration::from_millis(300))
        .timeout(Duration::from_secs(5))
        .retry_policy(THREE_QUICK_ATTEMPTS)
        .build()
        .unwrap()
}

async fn create_order(client: &razorpay::Client) -> Result<(), Error> {
    client
        .create_order()
        .body(
            razorpay::types::CreateOrderRequest::builder()
                .amount(50_000)
                .currency("INR"),
        )
        .send()
        .await
        .map(drop)
}

/// A connection that neither opens nor is refused: a listener with a backlog of one whose
/// accept queue is full and never drained. Linux drops further SYNs, so `connect` waits until
/// the client's connect timeout. reqwest reports that as both a connect error and a timeout.
#[tokio::test]
async fn a_connect_timeout_is_resent_by_the_loop_and_retryable_by_the_error() {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(1).unwrap();
    let address = listener.local_addr().unwrap();
    // Connect until one does not complete: the queue is then full.
    let mut held = Vec::new();
    let full = loop {
        match tokio::time::timeout(
            Duration::from_millis(200),
            tokio::net::TcpStream::connect(address),
        )
        .await
        {
            Ok(Ok(stream)) => held.push(stream),
            Ok(Err(e)) => panic!("loopback connect failed outright: {e}"),
            Err(_) => break true,
        }
        if held.len() > 64 {
            break false;
        }
    };
    assert!(full, "the accept queue never filled");

    let captured = capture_this_thread();
    // A POST without an idempotency key: only a connection that never opened may be resent.
    let err = create_order(&client(format!("http://{address}")))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                kind: TransportKind::Connect,
                repeatable: false,
                ..
            }
        ),
        "{err:?}"
    );
    let Error::Transport { source, .. } = &err else {
        unreachable!()
    };
    assert!(source.is_timeout(), "not a connect timeout: {source:?}");
    assert!(err.is_retryable(), "{err:?}");
    let log = captured.text();
    assert_eq!(
        log.matches("transport error").count(),
        3,
        "the loop sent every attempt the error calls safe: {log}"
    );
    drop((listener, held));
}

/// For each status and for a GET and a POST without an idempotency key: the loop sent the
/// request three times exactly when the error it ends with says `is_retryable()`.
#[tokio::test]
async fn statuses_are_resent_exactly_when_the_error_calls_them_retryable() {
    for status in [400, 401, 404, 409, 429, 500, 501, 502, 503, 504] {
        for post in [false, true] {
            let server = MockServer::start_async().await;
            let mock = server
                .mock_async(|when, then| {
                    when.any_request();
                    then.status(status).body("{}");
                })
                .await;
            let client = client(server.base_url());
            let err = if post {
                create_order(&client).await.unwrap_err()
            } else {
                client
                    .fetch_order()
                    .order_id("order_1")
                    .send()
                    .await
                    .map(drop)
                    .unwrap_err()
            };
            let sent = mock.calls_async().await;
            let expected = if err.is_retryable() { 3 } else { 1 };
            assert_eq!(
                sent,
                expected,
                "status {status}, post {post}: sent {sent} times, is_retryable {}",
                err.is_retryable()
            );
            // The rule itself: 429 and 503 for anything, 500/502/504 for a GET only.
            let rule = matches!(status, 429 | 503) || (!post && matches!(status, 500 | 502 | 504));
            assert_eq!(err.is_retryable(), rule, "status {status}, post {post}");
        }
    }
}
