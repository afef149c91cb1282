//! The control endpoints over plain HTTP, as code in another language would use them, checked
//! against `sandbox/openapi/control.yaml` by the sandbox itself.

use paygate::razorpay::{signature, types};
use reqwest::Method;
use serde_json::json;

use crate::common::{
    assert_spec_clean, control, http, ippopay_transaction, order, razorpay, sandbox,
};

#[tokio::test]
async fn pay_clock_faults_webhooks_and_reset_over_http() {
    let sb = sandbox().await;
    let client = razorpay(&sb);
    let o = order(&client, 20_000, Some(true)).await;

    let path = format!("/razorpay/orders/{}/pay", o.id);
    let (status, body) = control(
        &sb,
        Method::POST,
        &path,
        Some(json!({"method": "card", "card": {"number": "4100280000060003"}})),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["reason"], "card_declined");
    assert_eq!(body["error"]["metadata"]["order_id"], o.id.as_str());
    let failed_id = body["error"]["metadata"]["payment_id"].as_str().unwrap();
    let failed = client
        .fetch_payment()
        .payment_id(failed_id)
        .send()
        .await
        .unwrap();
    assert_eq!(failed.status, types::PaymentStatus::Failed);

    let (status, body) = control(
        &sb,
        Method::POST,
        &path,
        Some(json!({"method": "upi", "vpa": "success@razorpay"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let payment_id = body["razorpay_payment_id"].as_str().unwrap();
    signature::verify_payment_signature(
        sb.razorpay_key_secret(),
        &o.id,
        payment_id,
        body["razorpay_signature"].as_str().unwrap(),
    )
    .unwrap();
    let (status, body) = control(
        &sb,
        Method::POST,
        &path,
        Some(json!({"method": "upi", "vpa": "success@razorpay"})),
    )
    .await;
    assert_eq!(status, 400, "a paid order cannot be paid again: {body}");

    // Bad control requests name the field.
    for (path, request, field) in [
        ("/clock/advance", json!({"seconds": -1}), "seconds"),
        ("/clock/advance", json!({"second": 1}), "second"),
        ("/faults", json!({"kind": "meteor", "count": 1}), "kind"),
        ("/faults", json!({"kind": "slow", "count": 0}), "count"),
        (&path, json!({"method": "cash"}), "body"),
    ] {
        let (status, body) = control(&sb, Method::POST, path, Some(request.clone())).await;
        assert_eq!(status, 400, "{path} {request}: {body}");
        if field != "body" {
            assert_eq!(body["error"]["field"], field, "{path} {request}: {body}");
        }
    }
    let (status, _) = control(
        &sb,
        Method::POST,
        "/razorpay/orders/order_Nope/pay",
        Some(json!({"method": "upi", "vpa": "a@b"})),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = control(&sb, Method::GET, "/nothing-here", None).await;
    assert_eq!(status, 404);

    // Clock.
    let before = sb.now();
    let (status, body) = control(
        &sb,
        Method::POST,
        "/clock/advance",
        Some(json!({"seconds": 3 * 86_400})),
    )
    .await;
    assert_eq!(status, 200);
    assert!(body["now"].as_i64().unwrap() >= before + 3 * 86_400);
    assert_eq!(client.list_settlements().send().await.unwrap().count, 1);

    // Faults.
    let (status, _) = control(
        &sb,
        Method::POST,
        "/faults",
        Some(json!({"kind": "rate_limited", "count": 1, "retry_after_secs": 3, "gateway": "razorpay"})),
    )
    .await;
    assert_eq!(status, 204);
    let err = client.list_orders().send().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));

    // Webhook configuration and deliveries.
    let (status, _) = control(
        &sb,
        Method::PUT,
        "/razorpay/webhook",
        Some(json!({"url": "not a url", "secret": "s"})),
    )
    .await;
    assert_eq!(status, 400);
    let (status, _) = control(
        &sb,
        Method::PUT,
        "/razorpay/webhook",
        // Nothing listens on port 9 of loopback: every attempt fails to connect.
        Some(json!({"url": "http://127.0.0.1:9/hook", "secret": "s3cret"})),
    )
    .await;
    assert_eq!(status, 204);
    let o2 = order(&client, 1_000, None).await;
    let path = format!("/razorpay/orders/{}/pay", o2.id);
    control(
        &sb,
        Method::POST,
        &path,
        Some(json!({"method": "upi", "vpa": "x@y"})),
    )
    .await;
    let (status, _) = control(&sb, Method::POST, "/razorpay/webhook/flush", None).await;
    assert_eq!(status, 204);
    let (status, body) = control(&sb, Method::GET, "/razorpay/webhook/deliveries", None).await;
    assert_eq!(status, 200);
    let deliveries = body.as_array().unwrap();
    assert_eq!(deliveries.len(), 1);
    assert_eq!(deliveries[0]["event"], "payment.authorized");
    assert_eq!(deliveries[0]["delivered"], false);
    assert_eq!(deliveries[0]["attempts"], 3);
    assert_eq!(deliveries[0]["last_status"], serde_json::Value::Null);

    let (status, body) = control(&sb, Method::GET, "/spec-violations", None).await;
    assert_eq!((status, body), (200, json!([])));

    // Reset forgets everything.
    let (status, _) = control(&sb, Method::POST, "/reset", None).await;
    assert_eq!(status, 204);
    assert_eq!(client.list_orders().send().await.unwrap().count, 0);
    assert_eq!(client.list_payments().send().await.unwrap().count, 0);
    let (_, body) = control(&sb, Method::GET, "/razorpay/webhook/deliveries", None).await;
    assert_eq!(body, json!([]));
    // Three days were added before the reset; a minute allows for a slow machine.
    assert!(sb.now() - before < 60, "the clock is back to real time");
    assert_spec_clean(&sb);
}

#[tokio::test]
async fn ippopay_orders_are_paid_over_http_and_the_sandbox_stops() {
    let sb = sandbox().await;
    let ippopay = crate::common::ippopay(&sb);
    let order = ippopay
        .create_order()
        .body(paygate::ippopay::types::CreateOrderRequest::builder().amount("10"))
        .send()
        .await
        .unwrap()
        .into_inner()
        .data
        .unwrap()
        .order;
    let payment_url = ippopay
        .fetch_order()
        .order_id(&order.order_id)
        .send()
        .await
        .unwrap()
        .into_inner()
        .data
        .unwrap()
        .order
        .payment_url
        .unwrap();
    // The order's payment_url is the control endpoint that pays it.
    let response = http()
        .post(&payment_url)
        .json(&json!({"outcome": "success"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "success");
    assert_eq!(body["order_id"], order.order_id.as_str());
    let tx = ippopay_transaction(&ippopay, &order.order_id).await;
    assert_eq!(tx.trans_id, body["trans_id"].as_str().unwrap());
    assert_spec_clean(&sb);

    let url = sb.razorpay_url();
    sb.shutdown().await;
    let gone = http().get(format!("{url}/orders")).send().await;
    assert!(gone.is_err(), "nothing listens after shutdown");
}

/// Moving the clock past the latest time the sandbox can show is refused and changes nothing;
/// at that latest time both gateways still create and answer (no arithmetic on it overflows).
#[tokio::test]
async fn clock_refuses_to_pass_its_latest_time_and_keeps_answering() {
    const LATEST: i64 = 253_402_300_799; // 9999-12-31T23:59:59Z
    let sb = sandbox().await;
    let client = razorpay(&sb);
    let before = sb.now();
    for seconds in [
        json!(i64::MAX),
        json!(u64::MAX),
        json!(LATEST - before + 60),
    ] {
        let (status, body) = control(
            &sb,
            Method::POST,
            "/clock/advance",
            Some(json!({ "seconds": seconds })),
        )
        .await;
        assert_eq!(status, 400, "{seconds}: {body}");
        assert_eq!(body["error"]["field"], "seconds", "{body}");
        assert!(sb.now() - before < 60, "a refused advance moved the clock");
    }
    let (status, body) = control(
        &sb,
        Method::POST,
        "/clock/advance",
        Some(json!({"seconds": i64::MAX})),
    )
    .await;
    let description = body["error"]["description"].as_str().unwrap_or_default();
    assert!(
        status == 400 && description.contains(&i64::MAX.to_string()),
        "the refusal names the value: {body}"
    );

    let to_latest = u64::try_from(LATEST - sb.now()).unwrap();
    let now = sb
        .advance_clock(std::time::Duration::from_secs(to_latest))
        .await
        .unwrap();
    assert_eq!(now, LATEST);
    let o = order(&client, 5_000, Some(true)).await;
    assert_eq!(o.created_at, LATEST);
    let fetched = client.fetch_order().order_id(&o.id).send().await.unwrap();
    assert_eq!(fetched.id, o.id);
    let (status, body) = control(
        &sb,
        Method::POST,
        &format!("/razorpay/orders/{}/pay", o.id),
        Some(json!({"method": "upi", "vpa": "success@razorpay"})),
    )
    .await;
    assert_eq!(status, 200, "paying at the latest time: {body}");
    let err = sb
        .advance_clock(std::time::Duration::from_secs(1))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("seconds"), "{err}");
    assert_spec_clean(&sb);
}

/// Webhooks go only to `http` and `https` URLs with a host: the refusal names `url` and the value.
#[tokio::test]
async fn webhook_urls_other_than_http_are_refused() {
    let sb = sandbox().await;
    for url in [
        "file:///etc/passwd",
        "ftp://127.0.0.1/hook",
        "gopher://127.0.0.1:70/",
        "unix:/run/sock",
        "not a url",
    ] {
        let (status, body) = control(
            &sb,
            Method::PUT,
            "/razorpay/webhook",
            Some(json!({"url": url, "secret": "s"})),
        )
        .await;
        assert_eq!(status, 400, "{url}: {body}");
        assert_eq!(body["error"]["field"], "url", "{url}: {body}");
        let description = body["error"]["description"].as_str().unwrap_or_default();
        assert!(description.contains(url), "{url}: {body}");
        let err = sb.set_razorpay_webhook(url, "s").await.unwrap_err();
        assert!(err.to_string().contains(url), "{url}: {err}");
    }
    let err = sb
        .set_razorpay_webhook("http://127.0.0.1:9/hook", "")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("secret"), "{err}");
    for url in ["http://127.0.0.1:9/hook", "https://example.invalid/hook"] {
        sb.set_razorpay_webhook(url, "s").await.unwrap();
    }
    assert_spec_clean(&sb);
}
