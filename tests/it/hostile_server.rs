//! A hostile or broken server on loopback: every failure becomes a typed `paygate::Error` with
//! the HTTP status when there was one, and retries happen exactly when they are safe.

use crate::common;

use std::time::Duration;

use httpmock::prelude::*;
use paygate::{ClientBuilder, RetryPolicy};
use paygate::{Error, TransportKind, razorpay};

/// Retries on, with backoffs short enough for a test.
const FAST_RETRIES: RetryPolicy = RetryPolicy {
    max_attempts: 3,
    initial_backoff: Duration::from_millis(5),
    max_backoff: Duration::from_millis(50),
};

/// A client for the loopback `base_url`, configured further by `configure`.
fn client_at(
    base_url: impl Into<String>,
    configure: impl FnOnce(ClientBuilder<razorpay::Razorpay>) -> ClientBuilder<razorpay::Razorpay>,
) -> razorpay::Client {
    let builder = razorpay::Client::builder(common::RAZORPAY_KEY_ID, common::RAZORPAY_KEY_SECRET)
        .base_url(base_url)
        .allow_insecure_http();
    configure(builder).build().unwrap()
}

fn retrying(server: &MockServer) -> razorpay::Client {
    client_at(server.base_url(), |b| b.retry_policy(FAST_RETRIES))
}

async fn fetch(client: &razorpay::Client) -> Result<razorpay::types::Order, Error> {
    Ok(client
        .fetch_order()
        .order_id("order_1")
        .send()
        .await?
        .into_inner())
}

const ORDER: &str = r#"{"id":"order_1","entity":"order","amount":5000,"amount_paid":0,"amount_due":5000,"currency":"INR","receipt":null,"status":"created","attempts":0,"notes":[],"created_at":1700000000}"#;

#[tokio::test]
async fn html_502_from_a_proxy_keeps_status_and_body() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/orders/order_1");
            then.status(502)
                .header("content-type", "text/html")
                .body("<html><body>Bad Gateway</body></html>");
        })
        .await;
    let err = fetch(&common::razorpay(&server)).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502), "{err}");
    assert!(matches!(err, Error::UnexpectedResponse { .. }), "{err:?}");
    assert!(err.body_prefix().unwrap().contains("Bad Gateway"));
    assert!(err.is_retryable());
}

#[tokio::test]
async fn empty_504_keeps_status() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/orders/order_1");
            then.status(504);
        })
        .await;
    let err = fetch(&common::razorpay(&server)).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(504));
    assert_eq!(err.body_prefix().as_deref(), Some(""));
}

#[tokio::test]
async fn truncated_json_on_success_is_unexpected_with_status() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/orders/order_1");
            then.status(200).body(&ORDER[..40]);
        })
        .await;
    let err = fetch(&common::razorpay(&server)).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    assert!(err.body_prefix().unwrap().starts_with(r#"{"id":"order_1""#));
}

#[tokio::test]
async fn wrong_json_types_are_a_decode_error_naming_the_problem() {
    let server = MockServer::start_async().await;
    let body = ORDER.replace(r#""amount":5000"#, r#""amount":"fifty""#);
    server
        .mock_async(|when, then| {
            when.path("/orders/order_1");
            then.status(200).body(body);
        })
        .await;
    let err = fetch(&common::razorpay(&server)).await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert!(err.to_string().contains("fifty"), "{err}");
}

#[tokio::test]
async fn json_error_without_the_documented_shape_keeps_status() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/orders/order_1");
            then.status(500).body(r#"{"message":"upstream exploded"}"#);
        })
        .await;
    let err = fetch(&common::razorpay(&server)).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert!(err.body_prefix().unwrap().contains("upstream exploded"));
}

#[tokio::test]
async fn undocumented_status_with_documented_body_is_decoded() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/orders/order_1");
            then.status(429).body(
                r#"{"error":{"code":"BAD_REQUEST_ERROR","description":"Too many requests"}}"#,
            );
        })
        .await;
    let err = fetch(&common::razorpay(&server)).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(err.razorpay().unwrap().description, "Too many requests");
    assert!(err.is_retryable() && !err.is_bad_request());
}

#[tokio::test]
async fn body_over_the_limit_is_refused() {
    let server = MockServer::start_async().await;
    let huge = format!(r#"{{"id":"order_1","padding":"{}"}}"#, "x".repeat(2 << 20));
    server
        .mock_async(|when, then| {
            when.path("/orders/order_1");
            then.status(200).body(huge);
        })
        .await;
    let err = fetch(&common::razorpay(&server)).await.unwrap_err();
    assert!(
        matches!(err, Error::ResponseTooLarge { limit, .. } if limit == 1 << 20),
        "{err:?}"
    );
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
}

#[tokio::test]
async fn slow_headers_beyond_the_timeout_are_a_timeout() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/orders/order_1");
            then.status(200)
                .body(ORDER)
                .delay(Duration::from_millis(800));
        })
        .await;
    let client = client_at(server.base_url(), |b| {
        b.timeout(Duration::from_millis(200))
            .retry_policy(RetryPolicy::none())
    });
    let err = fetch(&client).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                kind: TransportKind::Timeout,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.status().is_none());
}

#[tokio::test]
async fn connection_refused_is_a_connect_error() {
    // Bind and drop a listener to get a loopback port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = client_at(format!("http://127.0.0.1:{port}"), |b| {
        b.retry_policy(RetryPolicy::none())
    });
    let err = fetch(&client).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                kind: TransportKind::Connect,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.is_retryable());
}

#[tokio::test]
async fn get_is_retried_after_503_until_it_succeeds() {
    let server = MockServer::start_async().await;
    // httpmock has no sequences: the 503 mock is removed after it was hit twice.
    let failing = server
        .mock_async(|when, then| {
            when.path("/orders/order_1");
            then.status(503);
        })
        .await;
    let client = retrying(&server);
    let handle = tokio::spawn(async move { fetch(&client).await });
    while failing.calls_async().await < 2 {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    failing.delete_async().await;
    let ok = server
        .mock_async(|when, then| {
            when.path("/orders/order_1");
            then.status(200).body(ORDER);
        })
        .await;
    let order = handle.await.unwrap().expect("third attempt succeeds");
    assert_eq!(order.id, "order_1");
    ok.assert_calls_async(1).await;
}

#[tokio::test]
async fn get_gives_up_after_max_attempts() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.path("/orders/order_1");
            then.status(500)
                .body(r#"{"error":{"code":"SERVER_ERROR","description":"boom"}}"#);
        })
        .await;
    let err = fetch(&retrying(&server)).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    mock.assert_calls_async(3).await;
}

#[tokio::test]
async fn post_without_idempotency_key_is_sent_exactly_once() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST).path("/orders");
            then.status(500)
                .body(r#"{"error":{"code":"SERVER_ERROR","description":"boom"}}"#);
        })
        .await;
    let err = retrying(&server)
        .create_order()
        .body(
            razorpay::types::CreateOrderRequest::builder()
                .amount(5000)
                .currency("INR"),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    mock.assert_calls_async(1).await;
}

async fn create_order(client: &razorpay::Client) -> Result<razorpay::types::Order, Error> {
    Ok(client
        .create_order()
        .body(
            razorpay::types::CreateOrderRequest::builder()
                .amount(5000)
                .currency("INR"),
        )
        .send()
        .await?
        .into_inner())
}

/// After a 500, 502 or 504 the order may exist: neither the client nor `is_retryable()` may
/// suggest sending a create-order without idempotency key again.
#[tokio::test]
async fn a_post_without_idempotency_key_that_got_500_502_or_504_is_not_retryable() {
    for status in [500, 502, 504] {
        let server = MockServer::start_async().await;
        let mock = server
            .mock_async(|when, then| {
                when.method(POST).path("/orders");
                then.status(status)
                    .body(r#"{"error":{"code":"SERVER_ERROR","description":"boom"}}"#);
            })
            .await;
        let err = create_order(&retrying(&server)).await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status), "{err:?}");
        assert!(!err.is_retryable(), "{status}: {err:?}");
        mock.assert_calls_async(1).await;
    }
}

/// 429 and 503 say the gateway refused the request before acting on it: any request may be
/// sent again, a create-order included, by the client and by the caller.
#[tokio::test]
async fn a_post_refused_with_429_or_503_is_retried_and_retryable() {
    for status in [429, 503] {
        let server = MockServer::start_async().await;
        let mock = server
            .mock_async(|when, then| {
                when.method(POST).path("/orders");
                then.status(status)
                    .header("retry-after", "0")
                    .body(r#"{"error":{"code":"BAD_REQUEST_ERROR","description":"try later"}}"#);
            })
            .await;
        let err = create_order(&retrying(&server)).await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status), "{err:?}");
        assert!(err.is_retryable(), "{status}: {err:?}");
        mock.assert_calls_async(3).await;
    }
}

/// Without retries in the client, the error still says whether the caller may repeat: a GET or
/// a refund with its key may be repeated after a 500, a create-order may not.
#[tokio::test]
async fn is_retryable_after_a_500_depends_on_the_request() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(500)
                .body(r#"{"error":{"code":"SERVER_ERROR","description":"boom"}}"#);
        })
        .await;
    let client = common::razorpay(&server);
    let get = fetch(&client).await.unwrap_err();
    assert!(get.razorpay().is_some(), "{get:?}");
    assert!(get.is_retryable(), "{get:?}");
    let refund: Error = client
        .refund_payment()
        .payment_id("pay_1")
        .x_refund_idempotency("order42-refund-1")
        .body(razorpay::types::RefundPaymentRequest::builder())
        .send()
        .await
        .unwrap_err();
    assert!(refund.is_retryable(), "{refund:?}");
    let create = create_order(&client).await.unwrap_err();
    assert!(!create.is_retryable(), "{create:?}");
}

#[tokio::test]
async fn rate_limited_get_is_retried() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.path("/orders/order_1");
            then.status(429)
                .header("retry-after", "0")
                .body(r#"{"error":{"code":"BAD_REQUEST_ERROR","description":"slow down"}}"#);
        })
        .await;
    let err = fetch(&retrying(&server)).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    mock.assert_calls_async(3).await;
}

#[tokio::test]
async fn retried_refund_carries_one_generated_idempotency_key() {
    let server = MockServer::start_async().await;
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let record = seen.clone();
    let mock = server
        .mock_async(move |when, then| {
            when.method(POST)
                .path("/payments/pay_1/refund")
                .is_true(move |req| {
                    let key = req
                        .headers()
                        .get("x-refund-idempotency")
                        .map(|v| v.to_str().unwrap_or_default().to_owned());
                    record.lock().unwrap().extend(key);
                    true
                });
            then.status(503);
        })
        .await;
    let err = retrying(&server)
        .refund_payment()
        .payment_id("pay_1")
        .body(razorpay::types::RefundPaymentRequest::builder())
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    mock.assert_calls_async(3).await;
    let seen = seen.lock().unwrap();
    assert!(!seen.is_empty(), "every attempt carried a key");
    assert!(
        seen.iter().all(|k| k == &seen[0]),
        "one key for all attempts: {seen:?}"
    );
    assert!(
        seen[0].len() >= 10
            && seen[0]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_'),
        "{}",
        seen[0]
    );
}

#[tokio::test]
async fn a_callers_idempotency_key_is_sent_as_given() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST).path("/payments/pay_1/refund").header("x-refund-idempotency", "order42-refund-1");
            then.status(200).body(r#"{"id":"rfnd_1","entity":"refund","amount":100,"payment_id":"pay_1","created_at":1}"#);
        })
        .await;
    retrying(&server)
        .refund_payment()
        .payment_id("pay_1")
        .x_refund_idempotency("order42-refund-1")
        .body(razorpay::types::RefundPaymentRequest::builder())
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn without_retries_no_key_is_invented() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST).path("/payments/pay_1/refund").header_missing("x-refund-idempotency");
            then.status(200).body(r#"{"id":"rfnd_1","entity":"refund","amount":100,"payment_id":"pay_1","created_at":1}"#);
        })
        .await;
    common::razorpay(&server)
        .refund_payment()
        .payment_id("pay_1")
        .body(razorpay::types::RefundPaymentRequest::builder())
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
}

/// A raw loopback server that promises 1000 bytes, sends 20, and closes the connection.
async fn reset_mid_body_server() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let accepted = std::sync::Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            let mut request = [0u8; 4096];
            let _ = socket.read(&mut request).await;
            let _ = socket
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{\"id\":\"order_1\",\"en")
                .await;
            drop(socket);
        }
    });
    (url, accepted)
}

#[tokio::test]
async fn connection_reset_mid_body_is_an_interrupted_transfer() {
    let (url, accepted) = reset_mid_body_server().await;
    let client = client_at(&url, |b| b.retry_policy(RetryPolicy::none()));
    let err = fetch(&client).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                kind: TransportKind::Interrupted,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.is_retryable());
    assert_eq!(accepted.load(std::sync::atomic::Ordering::SeqCst), 1);
}

#[tokio::test]
async fn json_null_and_json_array_are_decode_errors() {
    for body in ["null", "[]", r#"{"id":"order_1"}"#] {
        let server = MockServer::start_async().await;
        server
            .mock_async(|when, then| {
                when.path("/orders/order_1");
                then.status(200).body(body);
            })
            .await;
        let err = fetch(&common::razorpay(&server)).await.unwrap_err();
        assert!(matches!(err, Error::Decode { .. }), "{body}: {err:?}");
        assert_eq!(err.body_prefix().as_deref(), Some(body));
    }
}

#[tokio::test]
async fn post_that_times_out_is_not_sent_again() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST).path("/payments/pay_1/capture");
            then.status(200)
                .body("{}")
                .delay(Duration::from_millis(600));
        })
        .await;
    let client = client_at(server.base_url(), |b| b.timeout(Duration::from_millis(150)));
    let err = client
        .capture_payment()
        .payment_id("pay_1")
        .body(
            razorpay::types::CapturePaymentRequest::builder()
                .amount(100)
                .currency("INR"),
        )
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                kind: TransportKind::Timeout,
                ..
            }
        ),
        "{err:?}"
    );
    // The capture may have reached Razorpay: sending it again could capture twice.
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn get_that_times_out_is_retried() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.path("/orders/order_1");
            then.status(200)
                .body(ORDER)
                .delay(Duration::from_millis(600));
        })
        .await;
    let client = client_at(server.base_url(), |b| {
        b.timeout(Duration::from_millis(150))
            .retry_policy(RetryPolicy {
                initial_backoff: Duration::from_millis(1),
                ..FAST_RETRIES
            })
    });
    let err = fetch(&client).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                kind: TransportKind::Timeout,
                ..
            }
        ),
        "{err:?}"
    );
    mock.assert_calls_async(3).await;
}

#[tokio::test]
async fn documented_404_decodes() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/orders/order_1");
            then.status(404).body(r#"{"error":{"code":"BAD_REQUEST_ERROR","description":"The id provided does not exist","field":null}}"#);
        })
        .await;
    let err = fetch(&common::razorpay(&server)).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(
        err.razorpay().unwrap().description,
        "The id provided does not exist"
    );
    assert!(err.is_bad_request() && !err.is_retryable());
}

/// Makes `server` answer anything with a valid order: on a second origin, reaching it is a
/// failure.
async fn answer_with_an_order(server: &MockServer) -> httpmock::Mock<'_> {
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).body(ORDER);
        })
        .await
}

#[tokio::test]
async fn a_cross_origin_redirect_is_not_followed() {
    let other = MockServer::start_async().await;
    let reached = answer_with_an_order(&other).await;
    let server = MockServer::start_async().await;
    let target = other.url("/orders/order_1");
    server
        .mock_async(|when, then| {
            when.method(GET).path("/orders/order_1");
            then.status(302).header("location", &target);
        })
        .await;
    let err = fetch(&retrying(&server)).await.unwrap_err();
    assert_eq!(reached.calls_async().await, 0, "the redirect was followed");
    assert!(matches!(err, Error::UnexpectedResponse { .. }), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(302));
    assert_eq!(err.location(), Some(target.as_str()));
    assert!(err.to_string().contains(&target), "{err}");
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn a_307_on_create_order_does_not_resend_the_body_elsewhere() {
    let other = MockServer::start_async().await;
    let reached = answer_with_an_order(&other).await;
    let server = MockServer::start_async().await;
    let target = other.url("/orders");
    let create = server
        .mock_async(|when, then| {
            when.method(POST).path("/orders");
            then.status(307).header("location", &target);
        })
        .await;
    let err: Error = retrying(&server)
        .create_order()
        .body(
            razorpay::types::CreateOrderRequest::builder()
                .amount(5000)
                .currency("INR"),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        reached.calls_async().await,
        0,
        "the order was sent elsewhere"
    );
    create.assert_calls_async(1).await;
    assert_eq!(err.status().map(|s| s.as_u16()), Some(307));
    assert_eq!(err.location(), Some(target.as_str()));
}

#[tokio::test]
async fn a_same_origin_redirect_is_not_followed_either() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/orders/order_1");
            then.status(302).header("location", "/orders/order_2");
        })
        .await;
    let followed = server
        .mock_async(|when, then| {
            when.path("/orders/order_2");
            then.status(200).body(ORDER);
        })
        .await;
    let err = fetch(&common::razorpay(&server)).await.unwrap_err();
    followed.assert_calls_async(0).await;
    assert_eq!(err.status().map(|s| s.as_u16()), Some(302));
    assert_eq!(err.location(), Some("/orders/order_2"));
}

#[tokio::test]
async fn a_redirect_with_a_documented_error_body_is_still_a_redirect() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/orders/order_1");
            then.status(301)
                .header("location", "https://example.com/")
                .body(r#"{"error":{"code":"BAD_REQUEST_ERROR","description":"moved"}}"#);
        })
        .await;
    let err = fetch(&common::razorpay(&server)).await.unwrap_err();
    assert!(matches!(err, Error::UnexpectedResponse { .. }), "{err:?}");
    assert_eq!(err.location(), Some("https://example.com/"));
}

#[tokio::test]
async fn an_interrupted_post_without_idempotency_key_is_not_retryable() {
    // The server reads the whole order, then breaks the connection mid-response: the order may
    // exist, so repeating the request could create it twice.
    let (url, accepted) = reset_mid_body_server().await;
    let client = client_at(&url, |b| b.retry_policy(FAST_RETRIES));
    let err: Error = client
        .create_order()
        .body(
            razorpay::types::CreateOrderRequest::builder()
                .amount(5000)
                .currency("INR"),
        )
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                kind: TransportKind::Interrupted,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!err.is_retryable(), "{err:?}");
    assert_eq!(accepted.load(std::sync::atomic::Ordering::SeqCst), 1);
}

#[tokio::test]
async fn an_interrupted_refund_with_idempotency_key_is_retryable() {
    let (url, accepted) = reset_mid_body_server().await;
    let client = client_at(&url, |b| b.retry_policy(FAST_RETRIES));
    let err: Error = client
        .refund_payment()
        .payment_id("pay_1")
        .body(razorpay::types::RefundPaymentRequest::builder())
        .send()
        .await
        .unwrap_err();
    assert!(err.is_retryable(), "{err:?}");
    // Sent again, with the same generated key, as often as the policy allows.
    assert_eq!(accepted.load(std::sync::atomic::Ordering::SeqCst), 3);
}

#[tokio::test]
async fn a_get_broken_mid_body_is_retried() {
    let (url, accepted) = reset_mid_body_server().await;
    let client = client_at(&url, |b| b.retry_policy(FAST_RETRIES));
    let err = fetch(&client).await.unwrap_err();
    assert!(err.is_retryable(), "{err:?}");
    assert_eq!(accepted.load(std::sync::atomic::Ordering::SeqCst), 3);
}
