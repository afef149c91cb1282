//! Injected faults as a client sees them: 429 with Retry-After, 500, an HTML 502, an empty
//! 504, a slow answer, a dropped connection, a lost answer; and a retrying client getting
//! through them, without ever doing a request twice.

use std::time::Duration;

use paygate::RetryPolicy;
use paygate::razorpay::types;
use paygate::{Error, TransportKind};
use paygate_sandbox::{Fault, FaultKind, Provider};
use reqwest::Method;

use crate::common::{assert_spec_clean, ippopay, paid_payment, raw, razorpay, sandbox};

#[tokio::test]
async fn each_fault_reaches_the_client_as_that_failure() {
    let sb = sandbox().await;
    let client = razorpay(&sb);

    sb.inject_fault(Fault::new(
        FaultKind::RateLimited {
            retry_after_secs: 7,
        },
        1,
    ))
    .await;
    let url = format!("{}/orders", sb.razorpay_url());
    let auth = Some((sb.razorpay_key_id(), sb.razorpay_key_secret()));
    let (status, headers, body) = raw(Method::GET, &url, auth, None).await;
    assert_eq!(status, 429);
    assert_eq!(headers["retry-after"], "7");
    let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["error"]["code"], "BAD_REQUEST_ERROR");

    let err = next_list_fails(
        &sb,
        &client,
        FaultKind::RateLimited {
            retry_after_secs: 1,
        },
    )
    .await;
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    assert!(err.is_retryable());

    let err = next_list_fails(&sb, &client, FaultKind::ServerError).await;
    let (Error::Api { status, .. }, Some(error)) = (&err, err.razorpay()) else {
        panic!("500 carries Razorpay's body: {err:?}");
    };
    assert_eq!(status.as_u16(), 500);
    assert_eq!(error.code, paygate::razorpay::types::ErrorCode::ServerError);

    let err = next_list_fails(&sb, &client, FaultKind::HtmlBadGateway).await;
    let Error::UnexpectedResponse { status, body, .. } = err else {
        panic!("an HTML 502 is not Razorpay's JSON: {err:?}");
    };
    assert_eq!(status.as_u16(), 502);
    assert!(String::from_utf8_lossy(&body).contains("502 Bad Gateway"));

    let err = next_list_fails(&sb, &client, FaultKind::EmptyGatewayTimeout).await;
    let Error::UnexpectedResponse { status, body, .. } = err else {
        panic!("an empty 504: {err:?}");
    };
    assert_eq!((status.as_u16(), body.len()), (504, 0));

    let err = next_list_fails(&sb, &client, FaultKind::DropConnection).await;
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");

    sb.inject_fault(Fault::new(
        FaultKind::Slow {
            delay: Duration::from_millis(600),
        },
        1,
    ))
    .await;
    let impatient =
        paygate::razorpay::Client::builder(sb.razorpay_key_id(), sb.razorpay_key_secret())
            .base_url(sb.razorpay_url())
            .allow_insecure_http()
            .retry_policy(RetryPolicy::none())
            .timeout(Duration::from_millis(50))
            .build()
            .unwrap();
    let err = impatient.list_orders().send().await.unwrap_err();
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

    // Every fault was used up: the next request is answered normally.
    assert_eq!(client.list_orders().send().await.unwrap().count, 0);
    assert_spec_clean(&sb);
}

#[tokio::test]
async fn a_fault_counts_requests_and_keeps_to_its_gateway() {
    let sb = sandbox().await;
    let razorpay = razorpay(&sb);
    let ippopay = ippopay(&sb);
    sb.inject_fault(Fault::new(FaultKind::ServerError, 2).for_gateway(Provider::Ippopay))
        .await;
    razorpay
        .list_orders()
        .send()
        .await
        .expect("Razorpay is not affected");
    for _ in 0..2 {
        let err = ippopay
            .fetch_order()
            .order_id("order_A@bcdefgh")
            .send()
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(500), "{err:?}");
    }
    let err = ippopay
        .fetch_order()
        .order_id("order_A@bcdefgh")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.status().map(|s| s.as_u16()),
        Some(404),
        "faults used up: {err:?}"
    );
    assert_spec_clean(&sb);
}

#[tokio::test]
async fn a_retrying_client_gets_through_transient_faults() {
    let sb = sandbox().await;
    let client = retrying_razorpay(&sb, 4);
    sb.inject_fault(Fault::new(
        FaultKind::RateLimited {
            retry_after_secs: 0,
        },
        1,
    ))
    .await;
    sb.inject_fault(Fault::new(FaultKind::ServerError, 1)).await;
    sb.inject_fault(Fault::new(FaultKind::EmptyGatewayTimeout, 1))
        .await;
    let orders = client
        .list_orders()
        .send()
        .await
        .expect("the fourth attempt is answered");
    assert_eq!(orders.count, 0);

    // Four faults are one too many for four attempts.
    sb.inject_fault(Fault::new(FaultKind::HtmlBadGateway, 4))
        .await;
    let err = client.list_orders().send().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    assert_spec_clean(&sb);
}

/// Injects `kind` for one request and returns how the next `list_orders` fails.
async fn next_list_fails(
    sb: &paygate_sandbox::Sandbox,
    client: &paygate::razorpay::Client,
    kind: FaultKind,
) -> Error {
    sb.inject_fault(Fault::new(kind, 1)).await;
    client
        .list_orders()
        .send()
        .await
        .expect_err("the injected fault answers")
}

/// A client that makes up to `max_attempts` attempts, retrying at once.
fn retrying_razorpay(
    sb: &paygate_sandbox::Sandbox,
    max_attempts: u32,
) -> paygate::razorpay::Client {
    paygate::razorpay::Client::builder(sb.razorpay_key_id(), sb.razorpay_key_secret())
        .base_url(sb.razorpay_url())
        .allow_insecure_http()
        .retry_policy(RetryPolicy {
            max_attempts,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(5),
        })
        .build()
        .unwrap()
}

/// paygate's retry promise end to end: a refund whose answer was lost after the sandbox made it
/// is sent again with the same `X-Refund-Idempotency` key, and the sandbox answers with the
/// first refund instead of making a second.
#[tokio::test]
async fn a_refund_whose_answer_was_lost_is_retried_once_and_refunds_once() {
    let sb = sandbox().await;
    let client = retrying_razorpay(&sb, 3);
    let payment_id = paid_payment(&sb, &client, 10_000, Some(true)).await;
    sb.inject_fault(Fault::new(FaultKind::LoseResponse, 1).for_gateway(Provider::Razorpay))
        .await;
    let refund = client
        .refund_payment()
        .payment_id(&payment_id)
        .body(types::RefundPaymentRequest::builder().amount(Some(2_500)))
        .send()
        .await
        .expect("the second attempt gets the refund the first one made");
    assert_eq!(refund.amount, 2_500);
    let refunds = client
        .list_payment_refunds()
        .payment_id(&payment_id)
        .send()
        .await
        .unwrap();
    assert_eq!(refunds.count, 1, "{:?}", refunds.items);
    assert_eq!(refunds.items[0].id, refund.id);
    let payment = client
        .fetch_payment()
        .payment_id(&payment_id)
        .send()
        .await
        .unwrap();
    assert_eq!(payment.amount_refunded, Some(2_500));
    assert_spec_clean(&sb);
}

/// The other half of the promise: an order has no idempotency key, so a lost answer is not
/// retried (that would create a second order) and the error says it is not safe to repeat.
#[tokio::test]
async fn an_order_whose_answer_was_lost_is_not_sent_again() {
    let sb = sandbox().await;
    let client = retrying_razorpay(&sb, 3);
    sb.inject_fault(Fault::new(FaultKind::LoseResponse, 1).for_gateway(Provider::Razorpay))
        .await;
    let err = client
        .create_order()
        .body(
            types::CreateOrderRequest::builder()
                .amount(10_000)
                .currency("INR")
                .receipt(Some("lost-1".parse().unwrap())),
        )
        .send()
        .await
        .expect_err("the answer was lost");
    assert!(!err.is_retryable(), "{err:?}");
    // The order exists, once: look it up by receipt instead of creating it again.
    let orders = client.list_orders().receipt("lost-1").send().await.unwrap();
    assert_eq!(orders.count, 1, "{:?}", orders.items);
    assert_spec_clean(&sb);
}
