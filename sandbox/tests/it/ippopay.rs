//! Ippopay through its four operations with the real client: the envelope, exact decimal
//! rupees, payment_url, transaction and refunds, and its errors.

use paygate::Error;
use paygate::ippopay::{Rupees, types};
use reqwest::Method;

use crate::common::{assert_spec_clean, ippopay, ippopay_raw, ippopay_transaction, raw, sandbox};

fn rupees(text: &str) -> Rupees {
    Rupees::try_from(text).unwrap()
}

fn ippopay_message(e: impl Into<Error>) -> (u16, String) {
    match e.into() {
        Error::Api { status, error, .. } if error.gateway() == "Ippopay" => {
            (status.as_u16(), error.message().to_owned())
        }
        other => panic!("expected Ippopay's failure envelope, got {other:?}"),
    }
}

#[tokio::test]
async fn an_order_is_paid_and_refunded_in_exact_rupees() {
    let sb = sandbox().await;
    let client = ippopay(&sb);
    let created = client
        .create_order()
        .body(
            types::CreateOrderRequest::builder()
                .amount("499.50")
                .payment_modes("upi,dc".to_owned())
                .customer(Some(types::Customer {
                    name: Some("Test".into()),
                    email: Some("test@example.com".into()),
                    phone: None,
                })),
        )
        .send()
        .await
        .unwrap()
        .into_inner();
    assert!(created.success);
    let order = created.data.unwrap().order;
    assert!(order.order_id.starts_with("order_") && order.order_id.contains('@'));
    assert_eq!(order.amount, rupees("499.50"));
    assert_eq!(order.amount.scale(), 2, "the digits are kept as sent");
    assert_eq!(order.status, types::OrderStatus::Created);
    assert_eq!(order.payment_modes.as_deref(), Some("upi,db"));
    assert_eq!(order.currency.as_deref(), Some("INR"));

    let fetched = client
        .fetch_order()
        .order_id(&order.order_id)
        .send()
        .await
        .unwrap()
        .into_inner();
    let fetched = fetched.data.unwrap().order;
    let url = fetched
        .payment_url
        .expect("order details carry the payment page");
    assert!(url.starts_with(sb.base_url()), "{url}");

    // No transaction before the customer pays: success false, which the client reports.
    let err = client
        .fetch_order_transaction()
        .order_id(&order.order_id)
        .send()
        .await
        .unwrap_err();
    let (status, message) = ippopay_message(err);
    assert_eq!(status, 200);
    assert!(message.contains("No transaction"), "{message}");
    let err = client
        .refund_order()
        .order_id(&order.order_id)
        .body(types::RefundRequest::builder())
        .send()
        .await
        .unwrap_err();
    assert_eq!(ippopay_message(err).0, 400);

    // A failed attempt, then a successful one.
    let failed = sb.pay_ippopay_order(&order.order_id, false).await.unwrap();
    assert_eq!(failed.status, "failed");
    let tx = ippopay_transaction(&client, &order.order_id).await;
    assert_eq!(tx.status, types::TransactionStatus::from("failed"));
    let paid = sb.pay_ippopay_order(&order.order_id, true).await.unwrap();
    assert!(paid.trans_id.starts_with("trans_"));
    assert!(
        sb.pay_ippopay_order(&order.order_id, true).await.is_err(),
        "paid once"
    );
    let tx = ippopay_transaction(&client, &order.order_id).await;
    assert_eq!(tx.trans_id, paid.trans_id);
    assert_eq!(tx.status, types::TransactionStatus::Success);
    assert_eq!(tx.refund_status, Some(types::RefundStatus::NotRequested));
    let cost = tx.cost.unwrap();
    let commission = tx.commission.unwrap();
    assert_eq!(cost.paid, Some(rupees("499.50")));
    // 1.75% of 499.50 = 8.74125 → 8.74; settled 490.76.
    assert_eq!(commission.value, Some(rupees("8.74")));
    assert_eq!(cost.settled, Some(rupees("490.76")));

    // Refunds: part, too much, the rest, then nothing is left.
    let refund = |amount: Option<&str>| {
        let client = client.clone();
        let id = order.order_id.clone();
        let amount = amount.map(rupees);
        async move {
            client
                .refund_order()
                .order_id(id)
                .body(types::RefundRequest::builder().refund_amt(amount))
                .send()
                .await
        }
    };
    let accepted = refund(Some("0.50")).await.unwrap().into_inner();
    assert!(accepted.success);
    assert_eq!(
        accepted.message.as_deref(),
        Some("Your refund request accepted")
    );
    let (status, message) = ippopay_message(refund(Some("499.01")).await.unwrap_err());
    assert_eq!(status, 400);
    assert!(message.contains("499"), "{message}");
    // The client refuses more than two decimals itself; the sandbox does too.
    let path = format!("/order/refund/{}", order.order_id.replace('@', "%40"));
    let (status, answer) =
        ippopay_raw(&sb, Method::POST, &path, Some(r#"{"refund_amt": 0.001}"#)).await;
    assert_eq!(
        (status, &answer["success"]),
        (400, &serde_json::json!(false))
    );
    refund(None).await.unwrap();
    let (status, message) = ippopay_message(refund(None).await.unwrap_err());
    assert_eq!(status, 400);
    assert!(message.contains("fully refunded"), "{message}");
    let tx = ippopay_transaction(&client, &order.order_id).await;
    assert_eq!(
        tx.refund_status,
        Some(types::RefundStatus::from("refunded"))
    );
    assert_spec_clean(&sb);
}

#[tokio::test]
async fn ippopay_errors_use_its_envelope() {
    let sb = sandbox().await;
    let client = ippopay(&sb);
    let err = client
        .fetch_order()
        .order_id("order_X@missing")
        .send()
        .await
        .unwrap_err();
    assert_eq!(ippopay_message(err), (404, "Order not found".to_owned()));

    let url = format!("{}/order/create", sb.ippopay_url());
    let body = br#"{"amount": 10}"#;
    let (status, _, answer) = raw(Method::POST, &url, None, Some(body)).await;
    assert_eq!(status, 401);
    let answer: serde_json::Value = serde_json::from_slice(&answer).unwrap();
    assert_eq!(
        answer,
        serde_json::json!({"success": false, "message": "Unauthorized"})
    );

    for body in [
        r#"{"amount": 0}"#,
        r#"{"amount": -5}"#,
        r#"{"amount": 10.123}"#,
        r#"{"amount": "ten"}"#,
        r#"{"currency": "INR"}"#,
        r#"{"amount": 10, "currency": "USD"}"#,
        r#"{"amount": 10, "payment_modes": "cash"}"#,
        r#"{"amount": 10, "customer": "me"}"#,
        "not json",
    ] {
        let (status, answer) = ippopay_raw(&sb, Method::POST, "/order/create", Some(body)).await;
        assert_eq!(status, 400, "{body}: {answer}");
        assert_eq!(answer["success"], false, "{body}");
        assert!(answer["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    let (status, answer) = ippopay_raw(&sb, Method::GET, "/nowhere", None).await;
    assert_eq!(
        (status, &answer["success"]),
        (404, &serde_json::json!(false))
    );
    assert_spec_clean(&sb);
}
