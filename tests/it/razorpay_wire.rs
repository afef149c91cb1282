//! Every Razorpay operation against a loopback server: the request on the wire (method, path,
//! query, Basic auth, JSON body) and the decoded response.

use crate::common;

use httpmock::prelude::*;
use paygate::razorpay::types::{self, ErrorCode, OrderStatus, PaymentMethod, PaymentStatus};
use paygate::{Error, razorpay};
use serde_json::json;

fn order_json(id: &str) -> serde_json::Value {
    json!({"id": id, "entity": "order", "amount": 50000, "amount_paid": 0, "amount_due": 50000,
           "currency": "INR", "receipt": "rcptid42", "offer_id": null, "status": "created",
           "attempts": 0, "notes": [], "created_at": 1455696638})
}

fn payment_json(id: &str) -> serde_json::Value {
    json!({"id": id, "entity": "payment", "amount": 50000, "currency": "INR", "status": "captured",
           "order_id": "order_6JUYuvmgCLfgjY", "invoice_id": null, "international": false,
           "method": "card", "amount_refunded": 0, "refund_status": null, "captured": true,
           "description": null, "card_id": "card_12abClEig3hi2k", "bank": null, "wallet": null,
           "vpa": null, "email": "a@b.com", "contact": "+919999999999", "notes": {"k": "v"},
           "fee": 1180, "tax": 180, "error_code": null, "error_description": null,
           "created_at": 1487348129})
}

fn refund_json(id: &str) -> serde_json::Value {
    json!({"id": id, "entity": "refund", "amount": 10000, "currency": "INR",
           "payment_id": "pay_29QQoUBi66xm2f", "notes": {}, "receipt": null,
           "status": "processed", "speed_requested": "normal", "speed_processed": "normal",
           "created_at": 1500826750})
}

fn settlement_json(id: &str) -> serde_json::Value {
    json!({"id": id, "entity": "settlement", "amount": 50000, "status": "processed",
           "fees": 123, "tax": 12, "utr": "RZRP173069230703", "created_at": 1509622307})
}

fn collection(items: Vec<serde_json::Value>) -> serde_json::Value {
    json!({"entity": "collection", "count": items.len(), "items": items})
}

#[tokio::test]
async fn create_order_sends_json_with_basic_auth() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/orders")
                .header("authorization", common::RAZORPAY_AUTH)
                .header("content-type", "application/json")
                .json_body(
                    json!({"amount": 50000, "currency": "INR", "receipt": "rcptid42",
                                  "notes": {"purpose": "shoes"}, "partial_payment": false}),
                );
            then.status(201)
                .json_body(order_json("order_6JUYuvmgCLfgjY"));
        })
        .await;
    let order = common::razorpay(&server)
        .create_order()
        .body(
            types::CreateOrderRequest::builder()
                .amount(50_000)
                .currency("INR")
                .receipt("rcptid42".to_owned())
                .notes(Some(razorpay::Notes::new().with("purpose", "shoes"))),
        )
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;
    assert_eq!(order.id, "order_6JUYuvmgCLfgjY");
    assert_eq!(order.amount, 50_000);
    assert_eq!(order.status, OrderStatus::Created);
    assert!(
        order.notes.unwrap().is_empty(),
        "notes [] decodes as empty notes"
    );
}

#[tokio::test]
async fn create_order_with_third_party_validation() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST).path("/orders").json_body(json!({
                "amount": 500, "currency": "INR", "method": "netbanking", "partial_payment": false,
                "bank_account": {"account_number": "765432123456789", "name": "Gaurav Kumar", "ifsc": "HDFC0000053"}}));
            then.status(200).json_body(order_json("order_GAWN9beXgaqRyO"));
        })
        .await;
    let order = common::razorpay(&server)
        .create_order()
        .body(
            types::CreateOrderRequest::builder()
                .amount(500)
                .currency("INR")
                .method(Some(types::OrderMethod::Netbanking))
                .bank_account(Some(types::BankAccount {
                    account_number: "765432123456789".into(),
                    name: "Gaurav Kumar".into(),
                    ifsc: "HDFC0000053".into(),
                })),
        )
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(order.id, "order_GAWN9beXgaqRyO");
}

#[tokio::test]
async fn list_orders_sends_every_filter() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/orders")
                .header("authorization", common::RAZORPAY_AUTH)
                .query_param("from", "1400826740")
                .query_param("to", "1509622307")
                .query_param("count", "2")
                .query_param("skip", "1")
                .query_param("authorized", "1")
                .query_param("receipt", "rcptid42")
                .query_param("expand[]", "payments");
            then.status(200).json_body(collection(vec![
                order_json("order_1"),
                order_json("order_2"),
            ]));
        })
        .await;
    let page = common::razorpay(&server)
        .list_orders()
        .from(1_400_826_740)
        .to(1_509_622_307)
        .count(std::num::NonZeroU64::new(2).unwrap())
        .skip(1)
        .authorized(types::ListOrdersAuthorized::try_from(1).unwrap())
        .receipt(types::ListOrdersReceipt::try_from("rcptid42").unwrap())
        .expand(vec!["payments".to_owned()])
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(page.count, 2);
    let ids: Vec<_> = page.items.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, ["order_1", "order_2"]);
}

#[tokio::test]
async fn fetch_order() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/orders/order_6JUYuvmgCLfgjY")
                .header("authorization", common::RAZORPAY_AUTH);
            then.status(200)
                .json_body(order_json("order_6JUYuvmgCLfgjY"));
        })
        .await;
    let order = common::razorpay(&server)
        .fetch_order()
        .order_id("order_6JUYuvmgCLfgjY")
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(order.amount_due, Some(50_000));
    assert_eq!(order.receipt.as_deref(), Some("rcptid42"));
}

#[tokio::test]
async fn update_order_patches_notes() {
    let server = MockServer::start_async().await;
    let mut updated = order_json("order_1");
    updated["notes"] = json!({"notes_key_1": "Beam me up Scotty. 1"});
    let mock = server
        .mock_async(|when, then| {
            when.method("PATCH")
                .path("/orders/order_1")
                .header("authorization", common::RAZORPAY_AUTH)
                .json_body(json!({"notes": {"notes_key_1": "Beam me up Scotty. 1"}}));
            then.status(200).json_body(updated);
        })
        .await;
    let order = common::razorpay(&server)
        .update_order()
        .order_id("order_1")
        .body(types::UpdateOrderRequest {
            notes: razorpay::Notes::new().with("notes_key_1", "Beam me up Scotty. 1"),
        })
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(
        order.notes.as_ref().unwrap()["notes_key_1"],
        "Beam me up Scotty. 1"
    );
}

#[tokio::test]
async fn list_order_payments() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/orders/order_1/payments")
                .header("authorization", common::RAZORPAY_AUTH);
            then.status(200)
                .json_body(collection(vec![payment_json("pay_1")]));
        })
        .await;
    let page = common::razorpay(&server)
        .list_order_payments()
        .order_id("order_1")
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(page.items[0].status, PaymentStatus::Captured);
    assert_eq!(page.items[0].method, Some(PaymentMethod::Card));
}

#[tokio::test]
async fn list_payments_with_window() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/payments")
                .query_param("from", "100")
                .query_param("to", "200")
                .query_param("count", "100");
            then.status(200).json_body(collection(vec![
                payment_json("pay_1"),
                payment_json("pay_2"),
            ]));
        })
        .await;
    let page = common::razorpay(&server)
        .list_payments()
        .from(100)
        .to(200)
        .count(std::num::NonZeroU64::new(100).unwrap())
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(page.items.len(), 2);
    assert_eq!(page.items[1].fee, Some(1180));
}

#[tokio::test]
async fn fetch_payment() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/payments/pay_29QQoUBi66xm2f")
                .header("authorization", common::RAZORPAY_AUTH);
            then.status(200)
                .json_body(payment_json("pay_29QQoUBi66xm2f"));
        })
        .await;
    let payment = common::razorpay(&server)
        .fetch_payment()
        .payment_id("pay_29QQoUBi66xm2f")
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(payment.amount, 50_000);
    assert_eq!(payment.refund_status, None);
    assert_eq!(payment.notes.as_ref().unwrap()["k"], "v");
}

#[tokio::test]
async fn capture_payment_sends_json() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/payments/pay_29QQoUBi66xm2f/capture")
                .header("authorization", common::RAZORPAY_AUTH)
                .header("content-type", "application/json")
                .json_body(json!({"amount": 50000, "currency": "INR"}));
            then.status(200)
                .json_body(payment_json("pay_29QQoUBi66xm2f"));
        })
        .await;
    let payment = common::razorpay(&server)
        .capture_payment()
        .payment_id("pay_29QQoUBi66xm2f")
        .body(
            types::CapturePaymentRequest::builder()
                .amount(50_000)
                .currency("INR"),
        )
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(payment.captured, Some(true));
}

#[tokio::test]
async fn refund_payment_partial() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/payments/pay_29QQoUBi66xm2f/refund")
                .header("authorization", common::RAZORPAY_AUTH)
                .json_body(
                    json!({"amount": 10000, "speed": "optimum", "notes": {"reason": "return"}}),
                );
            then.status(200).json_body(refund_json("rfnd_1"));
        })
        .await;
    let refund = common::razorpay(&server)
        .refund_payment()
        .payment_id("pay_29QQoUBi66xm2f")
        .body(
            types::RefundPaymentRequest::builder()
                .amount(Some(10_000))
                .speed(Some(types::RefundSpeedRequest::Optimum))
                .notes(Some(razorpay::Notes::new().with("reason", "return"))),
        )
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(refund.amount, 10_000);
    assert_eq!(refund.status, Some(types::RefundStatus::Processed));
}

#[tokio::test]
async fn refund_payment_full_sends_no_amount() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/payments/pay_1/refund")
                .json_body(json!({}));
            then.status(201).json_body(refund_json("rfnd_2"));
        })
        .await;
    let refund = common::razorpay(&server)
        .refund_payment()
        .payment_id("pay_1")
        .body(types::RefundPaymentRequest::builder())
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(refund.id, "rfnd_2");
}

#[tokio::test]
async fn list_payment_refunds() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/payments/pay_1/refunds")
                .query_param("count", "10")
                .header("authorization", common::RAZORPAY_AUTH);
            then.status(200).json_body(collection(vec![
                refund_json("rfnd_1"),
                refund_json("rfnd_2"),
            ]));
        })
        .await;
    let page = common::razorpay(&server)
        .list_payment_refunds()
        .payment_id("pay_1")
        .count(std::num::NonZeroU64::new(10).unwrap())
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(page.items.len(), 2);
}

#[tokio::test]
async fn fetch_payment_refund() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/payments/pay_1/refunds/rfnd_1")
                .header("authorization", common::RAZORPAY_AUTH);
            then.status(200).json_body(refund_json("rfnd_1"));
        })
        .await;
    let refund = common::razorpay(&server)
        .fetch_payment_refund()
        .payment_id("pay_1")
        .refund_id("rfnd_1")
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(refund.payment_id, "pay_29QQoUBi66xm2f");
}

#[tokio::test]
async fn list_refunds() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/refunds")
                .query_param("skip", "20")
                .header("authorization", common::RAZORPAY_AUTH);
            then.status(200)
                .json_body(collection(vec![refund_json("rfnd_1")]));
        })
        .await;
    let page = common::razorpay(&server)
        .list_refunds()
        .skip(20)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(page.items[0].id, "rfnd_1");
}

#[tokio::test]
async fn fetch_refund() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/refunds/rfnd_1")
                .header("authorization", common::RAZORPAY_AUTH);
            then.status(200).json_body(refund_json("rfnd_1"));
        })
        .await;
    let refund = common::razorpay(&server)
        .fetch_refund()
        .refund_id("rfnd_1")
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(refund.speed_processed, Some(types::RefundSpeed::Normal));
}

#[tokio::test]
async fn list_settlements() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/settlements")
                .query_param("count", "2")
                .header("authorization", common::RAZORPAY_AUTH);
            then.status(200).json_body(collection(vec![
                settlement_json("setl_1"),
                settlement_json("setl_2"),
            ]));
        })
        .await;
    let page = common::razorpay(&server)
        .list_settlements()
        .count(std::num::NonZeroU64::new(2).unwrap())
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(page.items[1].id, "setl_2");
}

#[tokio::test]
async fn fetch_settlement() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/settlements/setl_1")
                .header("authorization", common::RAZORPAY_AUTH);
            then.status(200).json_body(settlement_json("setl_1"));
        })
        .await;
    let settlement = common::razorpay(&server)
        .fetch_settlement()
        .settlement_id("setl_1")
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(settlement.status, types::SettlementStatus::Processed);
    assert_eq!(settlement.utr.as_deref(), Some("RZRP173069230703"));
}

// ---- documented errors ----

#[tokio::test]
async fn bad_request_decodes_code_description_and_field() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/orders");
            then.status(400).json_body(json!({"error": {"code": "BAD_REQUEST_ERROR",
                "description": "The amount must be at least INR 1.00", "field": "amount",
                "source": "business", "step": "payment_initiation", "reason": "input_validation_failed",
                "metadata": {}}}));
        })
        .await;
    let err: Error = common::razorpay(&server)
        .create_order()
        .body(
            types::CreateOrderRequest::builder()
                .amount(100)
                .currency("INR"),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    let detail = err.razorpay().expect("documented error body");
    assert_eq!(detail.code, ErrorCode::BadRequestError);
    assert_eq!(detail.description, "The amount must be at least INR 1.00");
    assert_eq!(detail.field.as_deref(), Some("amount"));
    assert_eq!(detail.reason.as_deref(), Some("input_validation_failed"));
    assert!(err.is_bad_request() && !err.is_retryable());
}

#[tokio::test]
async fn unauthorized_is_an_auth_error() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/payments/pay_1");
            then.status(401).json_body(json!({"error": {"code": "BAD_REQUEST_ERROR", "description": "The api key provided is invalid"}}));
        })
        .await;
    let err: Error = common::razorpay(&server)
        .fetch_payment()
        .payment_id("pay_1")
        .send()
        .await
        .unwrap_err();
    assert!(err.is_auth());
    assert_eq!(
        err.razorpay().unwrap().description,
        "The api key provided is invalid"
    );
    assert!(!err.to_string().contains(common::RAZORPAY_KEY_SECRET));
}

#[tokio::test]
async fn gateway_error_502_decodes() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/payments/pay_1");
            then.status(502).json_body(json!({"error": {"code": "GATEWAY_ERROR", "description": "The gateway request timed out", "field": null}}));
        })
        .await;
    let err: Error = common::razorpay(&server)
        .fetch_payment()
        .payment_id("pay_1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(err.razorpay().unwrap().code, ErrorCode::GatewayError);
    assert_eq!(err.razorpay().unwrap().field, None);
    assert!(err.is_retryable());
}
