//! The limits the specs state (15 notes of 256 characters, at least 100 paise, `count` 1 to
//! 100, `receipt` of at most 40 characters, non-negative `from`/`to`/`skip`, Ippopay amounts
//! more than zero in whole paise) are refused by the spec-validating gate, before any handler
//! runs: the sandbox keeps no copy of them. Each request goes to an id that does not exist, so
//! only the gate can answer 400 (a handler would answer 404).

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{assert_spec_clean, ippopay_raw, razorpay_raw, sandbox};

/// The `field` of a Razorpay 400.
fn refused_field(status: u16, body: &Value) -> String {
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["code"], "BAD_REQUEST_ERROR", "{body}");
    body["error"]["field"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn razorpay_limits_are_refused_by_the_gate() {
    let sb = sandbox().await;
    let many_notes: serde_json::Map<String, Value> =
        (0..16).map(|i| (format!("k{i}"), json!("v"))).collect();
    let bodies = [
        (
            "/orders",
            json!({"amount": 99, "currency": "INR"}),
            "amount",
        ),
        (
            "/orders",
            json!({"amount": 100, "currency": "INR", "notes": many_notes}),
            "notes",
        ),
        (
            "/orders",
            json!({"amount": 100, "currency": "INR", "notes": {"k": "x".repeat(257)}}),
            "notes.k",
        ),
        (
            "/orders",
            json!({"amount": 100, "currency": "INR", "notes": {"k": 1}}),
            "notes.k",
        ),
        (
            "/orders",
            json!({"amount": 100, "currency": "INR", "receipt": "r".repeat(41)}),
            "receipt",
        ),
        (
            "/payments/pay_Missing/capture",
            json!({"amount": 99, "currency": "INR"}),
            "amount",
        ),
        (
            "/payments/pay_Missing/refund",
            json!({"amount": 99}),
            "amount",
        ),
        (
            "/orders/order_Missing",
            json!({"notes": {"k": "x".repeat(257)}}),
            "notes.k",
        ),
    ];
    for (path, body, field) in bodies {
        let method = if path.starts_with("/orders/") {
            Method::PATCH
        } else {
            Method::POST
        };
        let (status, answer) = razorpay_raw(&sb, method, path, Some(&body.to_string())).await;
        assert_eq!(refused_field(status, &answer), field, "{path} {body}");
    }
    // A value of exactly the limit passes the gate (and reaches the handler's 404).
    let (status, _) = razorpay_raw(
        &sb,
        Method::POST,
        "/payments/pay_Missing/capture",
        Some(r#"{"amount": 100, "currency": "INR"}"#),
    )
    .await;
    assert_eq!(status, 404, "at the limit, the handler answers");

    for (query, field) in [
        ("count=0", "count"),
        ("count=101", "count"),
        ("skip=-1", "skip"),
        ("from=-1", "from"),
        ("to=-1", "to"),
        ("count=ten", "count"),
    ] {
        for list in ["/orders", "/payments", "/refunds", "/settlements"] {
            let path = format!("{list}?{query}");
            let (status, answer) = razorpay_raw(&sb, Method::GET, &path, None).await;
            assert_eq!(refused_field(status, &answer), field, "{path}");
        }
    }
    let path = format!("/orders?receipt={}", "r".repeat(41));
    let (status, answer) = razorpay_raw(&sb, Method::GET, &path, None).await;
    assert_eq!(refused_field(status, &answer), "receipt");
    let (status, _) = razorpay_raw(&sb, Method::GET, "/orders?count=100", None).await;
    assert_eq!(status, 200);
    assert_spec_clean(&sb);
}

#[tokio::test]
async fn ippopay_amounts_are_refused_by_the_gate() {
    let sb = sandbox().await;
    for amount in ["0", "-1", "0.001", "10.005"] {
        let body = format!(r#"{{"amount": {amount}}}"#);
        let (status, answer) = ippopay_raw(&sb, Method::POST, "/order/create", Some(&body)).await;
        assert_eq!(status, 400, "{amount}: {answer}");
        let message = answer["message"].as_str().unwrap_or_default();
        assert!(message.contains("amount"), "{amount}: {answer}");

        let body = format!(r#"{{"refund_amt": {amount}}}"#);
        let path = "/order/refund/order_Missing";
        let (status, answer) = ippopay_raw(&sb, Method::POST, path, Some(&body)).await;
        assert_eq!(status, 400, "{amount}: {answer}");
        let message = answer["message"].as_str().unwrap_or_default();
        assert!(message.contains("refund_amt"), "{amount}: {answer}");
    }
    assert_spec_clean(&sb);
}
