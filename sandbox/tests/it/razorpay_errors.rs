//! Every documented Razorpay error: credentials, unknown ids, wrong states, wrong amounts, and
//! input the spec forbids (malformed, wrong types, too large, unknown URLs). None of it may
//! change the sandbox's state.

use paygate::razorpay::types;
use paygate_sandbox::PayWith;
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{
    assert_spec_clean, order, paid_payment, raw, razorpay, razorpay_error, razorpay_raw, sandbox,
};

/// `(code, description, field)` of a Razorpay error body.
fn error_of(body: &Value) -> (&str, &str, Option<&str>) {
    let error = &body["error"];
    (
        error["code"].as_str().expect("error.code"),
        error["description"].as_str().expect("error.description"),
        error["field"].as_str(),
    )
}

#[tokio::test]
async fn missing_or_wrong_keys_get_401_with_razorpays_texts() {
    let sb = sandbox().await;
    let url = format!("{}/orders", sb.razorpay_url());
    let (status, _, body) = raw(Method::GET, &url, None, None).await;
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(status, 401);
    assert_eq!(
        error_of(&body),
        (
            "BAD_REQUEST_ERROR",
            "Please provide your api key for authentication purposes.",
            None
        )
    );
    let (status, _, body) = raw(
        Method::GET,
        &url,
        Some((sb.razorpay_key_id(), "wrong")),
        None,
    )
    .await;
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(status, 401);
    assert_eq!(error_of(&body).1, "The api key provided is invalid");

    let client = paygate::razorpay::Client::builder("rzp_test_other", "nope")
        .base_url(sb.razorpay_url())
        .allow_insecure_http()
        .build()
        .unwrap();
    let err = client.list_orders().send().await.unwrap_err();
    assert!(err.is_auth(), "{err:?}");
    let (status, error) = razorpay_error(err);
    assert_eq!(status, 401);
    assert_eq!(error.description, "The api key provided is invalid");

    // Ippopay's keys are not Razorpay's.
    let (status, _, _) = raw(
        Method::GET,
        &url,
        Some((sb.ippopay_public_key(), sb.ippopay_secret_key())),
        None,
    )
    .await;
    assert_eq!(status, 401);
    assert_spec_clean(&sb);
}

#[tokio::test]
async fn unknown_ids_get_404_on_every_operation_that_takes_one() {
    let sb = sandbox().await;
    let client = razorpay(&sb);
    let expect_404 = |result: Result<(), paygate::Error>, what: &str| {
        let (status, error) = razorpay_error(result.unwrap_err());
        assert_eq!(status, 404, "{what}");
        assert_eq!(error.code, types::ErrorCode::BadRequestError, "{what}");
        assert_eq!(
            error.description, "The id provided does not exist",
            "{what}"
        );
    };
    let id = "order_DoesNotExist00";
    expect_404(
        client.fetch_order().order_id(id).send().await.map(drop),
        "fetch_order",
    );
    expect_404(
        client
            .update_order()
            .order_id(id)
            .body(types::UpdateOrderRequest::builder().notes(paygate::razorpay::Notes::new()))
            .send()
            .await
            .map(drop),
        "update_order",
    );
    expect_404(
        client
            .list_order_payments()
            .order_id(id)
            .send()
            .await
            .map(drop),
        "list_order_payments",
    );
    let pay = "pay_DoesNotExist0000";
    expect_404(
        client
            .fetch_payment()
            .payment_id(pay)
            .send()
            .await
            .map(drop),
        "fetch_payment",
    );
    expect_404(
        client
            .capture_payment()
            .payment_id(pay)
            .body(
                types::CapturePaymentRequest::builder()
                    .amount(1_000)
                    .currency("INR"),
            )
            .send()
            .await
            .map(drop),
        "capture_payment",
    );
    expect_404(
        client
            .refund_payment()
            .payment_id(pay)
            .body(types::RefundPaymentRequest::builder())
            .send()
            .await
            .map(drop),
        "refund_payment",
    );
    expect_404(
        client
            .list_payment_refunds()
            .payment_id(pay)
            .send()
            .await
            .map(drop),
        "list_payment_refunds",
    );
    expect_404(
        client
            .fetch_payment_refund()
            .payment_id(pay)
            .refund_id("rfnd_DoesNotExist000")
            .send()
            .await
            .map(drop),
        "fetch_payment_refund",
    );
    expect_404(
        client
            .fetch_refund()
            .refund_id("rfnd_DoesNotExist000")
            .send()
            .await
            .map(drop),
        "fetch_refund",
    );
    expect_404(
        client
            .fetch_settlement()
            .settlement_id("setl_DoesNotExist000")
            .send()
            .await
            .map(drop),
        "fetch_settlement",
    );
    let err = sb
        .pay_razorpay_order(id, PayWith::upi("success@razorpay"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            paygate_sandbox::ControlError::Rejected { status: 404, .. }
        ),
        "{err:?}"
    );
    assert_spec_clean(&sb);
}

#[tokio::test]
async fn capture_only_an_authorized_payment_for_its_amount_and_currency() {
    let sb = sandbox().await;
    let client = razorpay(&sb);
    let o = order(&client, 10_000, None).await;
    let failed = sb
        .pay_razorpay_order(&o.id, PayWith::upi("failure@razorpay"))
        .await
        .unwrap_err();
    let paygate_sandbox::ControlError::PaymentFailed(failed) = failed else {
        panic!("{failed:?}");
    };
    let failed_id = failed.payment_id;
    let paid = sb
        .pay_razorpay_order(&o.id, PayWith::upi("success@razorpay"))
        .await
        .unwrap();
    let capture = |id: String, amount: i64, currency: &'static str| {
        let client = client.clone();
        async move {
            client
                .capture_payment()
                .payment_id(id)
                .body(
                    types::CapturePaymentRequest::builder()
                        .amount(amount)
                        .currency(currency),
                )
                .send()
                .await
        }
    };

    let (status, error) = razorpay_error(capture(failed_id, 10_000, "INR").await.unwrap_err());
    assert_eq!(status, 400);
    assert!(
        error.description.contains("authorized"),
        "{}",
        error.description
    );

    let id = paid.razorpay_payment_id;
    let (status, error) = razorpay_error(capture(id.clone(), 9_999, "INR").await.unwrap_err());
    assert_eq!(status, 400);
    assert_eq!(error.field.as_deref(), Some("amount"));
    assert_eq!(
        error.description,
        "Capture amount is required to be equal to the amount authorized"
    );
    let (status, error) = razorpay_error(capture(id.clone(), 10_000, "USD").await.unwrap_err());
    assert_eq!(status, 400);
    assert_eq!(error.field.as_deref(), Some("currency"));

    // Refunding before capture is refused too.
    let (status, error) = razorpay_error(
        client
            .refund_payment()
            .payment_id(&id)
            .body(types::RefundPaymentRequest::builder())
            .send()
            .await
            .unwrap_err(),
    );
    assert_eq!(status, 400);
    assert_eq!(error.description, "Only captured payments can be refunded");

    // Nothing above changed the payment.
    let p = client.fetch_payment().payment_id(&id).send().await.unwrap();
    assert_eq!(p.status, types::PaymentStatus::Authorized);

    capture(id.clone(), 10_000, "INR").await.unwrap();
    let (status, error) = razorpay_error(capture(id.clone(), 10_000, "INR").await.unwrap_err());
    assert_eq!(status, 400);
    assert_eq!(error.description, "This payment has already been captured");
    let o = client.fetch_order().order_id(&o.id).send().await.unwrap();
    assert_eq!(o.amount_paid, Some(10_000), "captured once");
    assert_spec_clean(&sb);
}

#[tokio::test]
async fn refunds_never_exceed_what_was_captured() {
    let sb = sandbox().await;
    let client = razorpay(&sb);
    let id = paid_payment(&sb, &client, 10_000, Some(true)).await;
    let refund = |amount: Option<i64>| {
        let client = client.clone();
        let id = id.clone();
        async move {
            client
                .refund_payment()
                .payment_id(id)
                .body(types::RefundPaymentRequest::builder().amount(amount))
                .send()
                .await
        }
    };
    let (status, error) = razorpay_error(refund(Some(10_001)).await.unwrap_err());
    assert_eq!(status, 400);
    assert_eq!(error.field.as_deref(), Some("amount"));
    refund(Some(6_000)).await.unwrap();
    let (status, error) = razorpay_error(refund(Some(4_001)).await.unwrap_err());
    assert_eq!(status, 400);
    assert!(error.description.contains("4000"), "{}", error.description);
    refund(Some(4_000)).await.unwrap();
    let (status, error) = razorpay_error(refund(None).await.unwrap_err());
    assert_eq!(status, 400);
    assert_eq!(
        error.description,
        "The payment has been fully refunded already"
    );
    let p = client.fetch_payment().payment_id(&id).send().await.unwrap();
    assert_eq!(p.amount_refunded, Some(10_000));
    assert_eq!(client.list_refunds().send().await.unwrap().count, 2);
    assert_spec_clean(&sb);
}

#[tokio::test]
async fn forbidden_input_gets_400_naming_the_field_and_changes_nothing() {
    let sb = sandbox().await;
    let cases: &[(Method, &str, Option<&str>, Option<&str>)] = &[
        (Method::POST, "/orders", Some("{\"amount\": 5000, "), None),
        (Method::POST, "/orders", Some("[1, 2]"), None),
        (
            Method::POST,
            "/orders",
            Some(r#"{"amount": "lots", "currency": "INR"}"#),
            Some("amount"),
        ),
        (
            Method::POST,
            "/orders",
            Some(r#"{"amount": 50.5, "currency": "INR"}"#),
            Some("amount"),
        ),
        (
            Method::POST,
            "/orders",
            Some(r#"{"currency": "INR"}"#),
            Some("amount"),
        ),
        (
            Method::POST,
            "/orders",
            Some(r#"{"amount": 99, "currency": "INR"}"#),
            Some("amount"),
        ),
        (
            Method::POST,
            "/orders",
            Some(r#"{"amount": 5000}"#),
            Some("currency"),
        ),
        (
            Method::POST,
            "/orders",
            Some(
                r#"{"amount": 5000, "currency": "INR", "receipt": "12345678901234567890123456789012345678901"}"#,
            ),
            Some("receipt"),
        ),
        (
            Method::POST,
            "/orders",
            Some(r#"{"amount": 5000, "currency": "INR", "notes": {"n": 5}}"#),
            Some("notes.n"),
        ),
        (
            Method::POST,
            "/orders",
            Some(r#"{"amount": 5000, "currency": "INR", "method": "cash"}"#),
            Some("method"),
        ),
        (Method::POST, "/orders", None, None),
        (Method::GET, "/orders?count=0", None, Some("count")),
        (Method::GET, "/orders?count=101", None, Some("count")),
        (Method::GET, "/payments?count=ten", None, Some("count")),
        (Method::GET, "/refunds?skip=-1", None, Some("skip")),
        (
            Method::GET,
            "/orders?authorized=2",
            None,
            Some("authorized"),
        ),
        (
            Method::PATCH,
            "/orders/order_X",
            Some(r#"{"notes": "text"}"#),
            Some("notes"),
        ),
        (
            Method::POST,
            "/payments/pay_X/capture",
            Some(r#"{"amount": 1000}"#),
            Some("currency"),
        ),
    ];
    for (method, path, body, field) in cases {
        let (status, answer) = razorpay_raw(&sb, method.clone(), path, *body).await;
        assert_eq!(status, 400, "{method} {path} {body:?}: {answer}");
        let (code, description, got_field) = error_of(&answer);
        assert_eq!(code, "BAD_REQUEST_ERROR", "{path}");
        assert!(!description.is_empty());
        assert_eq!(got_field, *field, "{method} {path} {body:?}: {answer}");
    }
    let forty_notes: serde_json::Map<String, Value> =
        (0..16).map(|i| (format!("k{i}"), json!("v"))).collect();
    let body = json!({"amount": 5000, "currency": "INR", "notes": forty_notes}).to_string();
    let (status, answer) = razorpay_raw(&sb, Method::POST, "/orders", Some(&body)).await;
    assert_eq!((status, error_of(&answer).2), (400, Some("notes")));

    // An idempotency key the spec forbids is refused before anything happens.
    let client = razorpay(&sb);
    let pay = paid_payment(&sb, &client, 1_000, Some(true)).await;
    let url = format!("{}/payments/{pay}/refund", sb.razorpay_url());
    let response = crate::common::http()
        .post(&url)
        .basic_auth(sb.razorpay_key_id(), Some(sb.razorpay_key_secret()))
        .header("X-Refund-Idempotency", "short")
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(error_of(&answer).2, Some("X-Refund-Idempotency"));

    // Unknown URLs and methods: Razorpay's documented 400.
    for (method, path) in [
        (Method::GET, "/nope"),
        (Method::DELETE, "/orders"),
        (Method::GET, "/"),
    ] {
        let (status, answer) = razorpay_raw(&sb, method.clone(), path, None).await;
        assert_eq!(status, 400, "{method} {path}");
        assert_eq!(
            error_of(&answer).1,
            "The requested URL was not found on the server.",
            "{method} {path}"
        );
    }

    // A huge body is refused, whole.
    let huge = format!(
        r#"{{"amount": 5000, "currency": "INR", "receipt": "{}"}}"#,
        "x".repeat(200_000)
    );
    let (status, answer) = razorpay_raw(&sb, Method::POST, "/orders", Some(&huge)).await;
    assert_eq!(status, 400);
    assert!(error_of(&answer).1.contains("too large"), "{answer}");

    // Nesting deep enough to overflow a naive parser, and bytes that are not text.
    let deep = format!("{}{}", "[".repeat(20_000), "]".repeat(20_000));
    let (status, answer) = razorpay_raw(&sb, Method::POST, "/orders", Some(&deep)).await;
    assert_eq!(status, 400, "{answer}");
    assert!(
        !error_of(&answer).1.contains("too large"),
        "within the body limit: {answer}"
    );
    let url = format!("{}/orders", sb.razorpay_url());
    let auth = Some((sb.razorpay_key_id(), sb.razorpay_key_secret()));
    let (status, _, answer) = raw(Method::POST, &url, auth, Some(&[0xff, 0xfe, 0x00, b'{'])).await;
    assert_eq!(status, 400, "{}", String::from_utf8_lossy(&answer));

    // Not one of those requests made or changed anything.
    let orders = client.list_orders().send().await.unwrap();
    assert_eq!(orders.count, 1);
    let refunds = client.list_refunds().send().await.unwrap();
    assert_eq!(refunds.count, 0);
    assert_spec_clean(&sb);
}

/// The spec check runs in front of the handlers: a body the handler could read is still
/// refused when the document does not allow its media type. (The same route drives the
/// response check, so this also shows responses are matched to their operation.)
#[tokio::test]
async fn the_documents_are_checked_before_the_handlers() {
    let sb = sandbox().await;
    let http = crate::common::http();
    let response = http
        .post(format!("{}/orders", sb.razorpay_url()))
        .basic_auth(sb.razorpay_key_id(), Some(sb.razorpay_key_secret()))
        .header("content-type", "text/plain")
        .body(r#"{"amount": 5000, "currency": "INR"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(error_of(&body).2, Some("Content-Type"), "{body}");

    let o = crate::common::ippopay(&sb)
        .create_order()
        .body(paygate::ippopay::types::CreateOrderRequest::builder().amount("5"))
        .send()
        .await
        .unwrap()
        .into_inner()
        .data
        .unwrap()
        .order;
    let response = http
        .post(format!(
            "{}/order/refund/{}",
            sb.ippopay_url(),
            o.order_id.replace('@', "%40")
        ))
        .basic_auth(sb.ippopay_public_key(), Some(sb.ippopay_secret_key()))
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["message"].as_str().unwrap().contains("Content-Type"),
        "{body}"
    );

    let response = http
        .post(format!("{}/clock/advance", sb.control_url()))
        .header("content-type", "text/plain")
        .body(r#"{"seconds": 1}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(error_of(&body).2, Some("Content-Type"), "{body}");
    assert_spec_clean(&sb);
}
