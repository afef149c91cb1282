//! Every Ippopay operation against a loopback server, the `success: false` envelope, decimal
//! rupees on the wire and `@` in order ids.

use crate::common;

use httpmock::prelude::*;
use paygate::Error;
use paygate::ippopay::{Rupees, types};
use serde_json::json;

const ORDER_ID: &str = "order_G@nzg3qBq";

/// Whether the request path, once percent-decoded the way a server does, is `expected`, and
/// every byte that may not stand raw in a path segment (RFC 3986) was encoded. `@` may stand
/// raw: it is a `pchar`.
fn path_is(req: &httpmock::HttpMockRequest, expected: &str) -> bool {
    let raw = req.uri().path().to_owned();
    let decoded = percent_encoding::percent_decode_str(&raw)
        .decode_utf8_lossy()
        .into_owned();
    let raw_is_legal = raw
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/%".contains(&b));
    decoded == expected && raw_is_legal
}

const ORDER_BODY: &str = r#"{"success":true,"message":"Order Details","data":{"order":{
    "merchant":{"name":"Demo Merchant","id":"TaodSgGa"},
    "customer":{"phone":{"country_code":"91","national_number":"1234567"},"name":"Test","email":"test@gmail.com"},
    "currency":"INR","paymentModes":"cc,db,nb,upi","status":"created","amount":499.50,
    "order_id":"order_G@nzg3qBq","payment_url":"https://pay.ippopay.com/order/G@nzg3qBq"}}}"#;

fn rupees(s: &str) -> Rupees {
    s.parse().unwrap()
}

#[tokio::test]
async fn create_order_sends_exact_decimal_rupees() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/order/create")
                .header("authorization", common::IPPOPAY_AUTH)
                // The raw body, not a parsed value: 499.50 must keep its trailing zero.
                .body_includes(r#""amount":499.50"#)
                .json_body(
                    json!({"amount": 499.50, "currency": "INR", "payment_modes": "cc,dc,nb,upi",
                    "notify_url": "https://merchant.example/notify",
                    "customer": {"name": "Test", "email": "test@gmail.com",
                                 "phone": {"country_code": "91", "national_number": "1234567"}}}),
                );
            then.status(200).body(ORDER_BODY);
        })
        .await;
    let created = common::ippopay(&server)
        .create_order()
        .body(
            types::CreateOrderRequest::builder()
                .amount(rupees("499.50"))
                .notify_url(Some("https://merchant.example/notify".to_owned()))
                .customer(Some(types::Customer {
                    name: Some("Test".into()),
                    email: Some("test@gmail.com".into()),
                    phone: Some(types::Phone {
                        country_code: Some("91".into()),
                        national_number: Some("1234567".into()),
                    }),
                })),
        )
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;
    assert!(created.success);
    let order = created.data.unwrap().order;
    assert_eq!(order.order_id, ORDER_ID);
    assert_eq!(order.amount, rupees("499.50"));
    assert_eq!(
        order.amount.scale(),
        2,
        "the decoded amount keeps the sent digits"
    );
    assert_eq!(order.payment_modes.as_deref(), Some("cc,db,nb,upi"));
    assert_eq!(order.status, types::OrderStatus::Created);
}

#[tokio::test]
async fn fetch_order_percent_encodes_the_at_sign() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .header("authorization", common::IPPOPAY_AUTH)
                .is_true(|req| path_is(req, &format!("/order/{ORDER_ID}")));
            then.status(200).body(ORDER_BODY);
        })
        .await;
    let response = common::ippopay(&server)
        .fetch_order()
        .order_id(ORDER_ID)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    let order = response.into_inner().data.unwrap().order;
    assert_eq!(
        order.payment_url.as_deref(),
        Some("https://pay.ippopay.com/order/G@nzg3qBq")
    );
}

#[tokio::test]
async fn ids_with_reserved_characters_are_percent_encoded() {
    let id = "order_a/b?c#d%e f@g";
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).is_true(move |req| {
                path_is(req, "/order/order_a/b?c#d%e f@g/transaction")
                    && req.uri().path().contains("order_a%2Fb%3Fc%23d%25e%20f@g")
            });
            then.status(200).body(r#"{"success":true,"message":"ok","data":{"transaction":{"trans_id":"t","status":"success"}}}"#);
        })
        .await;
    common::ippopay(&server)
        .fetch_order_transaction()
        .order_id(id)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn fetch_order_transaction() {
    let server = MockServer::start_async().await;
    let body = r#"{"success":true,"message":"Transaction details","data":{"transaction":{
        "trans_id":"trans_t2Jca2dVIF","merchant":{"name":"Test","id":"MERCHANT_ID"},
        "customer":{"phone":{"country_code":"+91","national_number":"9876543210"},"name":"Test","email":"test@gmail.com"},
        "cost":{"paid":1,"settled":0.98},"commission":{"percentage":1.75,"value":0.02,"tax":0,"total":0.02},
        "tax":{"value":0,"calculation":"percent"},"notes":"","is_manual_record":false,
        "manual_recorded_date":"2020-12-08T17:33:11.405Z","is_intl_payment":false,
        "refund_status":"not_requested","status":"success","failure_reason":"","product":"order",
        "settlement_date":"2020-12-10T18:30:00.000Z","gateway":{"payment_mode":{"pay_mode":"Debit Card",
        "pay_mode_id":"dc","pay_group":"card","bank_name":"HDFC Bank","card_number":"405988XXXXXX6908",
        "card_scheme":"VISA"}},"updatedAt":"2020-12-09T06:59:23.488Z","createdAt":"2020-12-09T06:59:23.488Z",
        "settlement_id":"settl_oVHAVByLh"}}}"#;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .is_true(|req| path_is(req, &format!("/order/{ORDER_ID}/transaction")));
            then.status(200).body(body);
        })
        .await;
    let tx = common::ippopay(&server)
        .fetch_order_transaction()
        .order_id(ORDER_ID)
        .send()
        .await
        .unwrap()
        .into_inner()
        .data
        .unwrap()
        .transaction;
    mock.assert_async().await;
    assert_eq!(tx.trans_id, "trans_t2Jca2dVIF");
    assert_eq!(tx.status, types::TransactionStatus::Success);
    let cost = tx.cost.unwrap();
    assert_eq!(cost.settled, Some(rupees("0.98")));
    assert_eq!(tx.commission.unwrap().total, Some(rupees("0.02")));
    assert_eq!(tx.created_at.as_deref(), Some("2020-12-09T06:59:23.488Z"));
    assert_eq!(
        tx.gateway
            .unwrap()
            .payment_mode
            .unwrap()
            .pay_mode_id
            .as_deref(),
        Some("dc")
    );
}

#[tokio::test]
async fn refund_order_partial() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .header("authorization", common::IPPOPAY_AUTH)
                .is_true(|req| path_is(req, &format!("/order/refund/{ORDER_ID}")))
                .body_includes(r#""refund_amt":0.50"#);
            then.status(200)
                .body(r#"{"success":true,"message":"Your refund request accepted"}"#);
        })
        .await;
    let response = common::ippopay(&server)
        .refund_order()
        .order_id(ORDER_ID)
        .body(types::RefundRequest::builder().refund_amt(Some(rupees("0.50"))))
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(
        response.message.as_deref(),
        Some("Your refund request accepted")
    );
}

#[tokio::test]
async fn success_false_with_http_200_is_an_error() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST);
            then.status(200)
                .body(r#"{"success":false,"message":"Refund already initiated"}"#);
        })
        .await;
    let err: Error = common::ippopay(&server)
        .refund_order()
        .order_id(ORDER_ID)
        .body(types::RefundRequest::builder())
        .send()
        .await
        .unwrap_err();
    match &err {
        Error::Api { status, error, .. } => {
            assert_eq!(status.as_u16(), 200);
            assert_eq!(error.gateway(), "Ippopay");
            assert_eq!(error.message(), "Refund already initiated");
        }
        other => panic!("expected an Ippopay error, got {other:?}"),
    }
}

#[tokio::test]
async fn unauthorized_and_server_errors_carry_status_and_message() {
    for (status, message) in [(401, "Unauthorized"), (500, "Something went wrong")] {
        let server = MockServer::start_async().await;
        server
            .mock_async(|when, then| {
                when.any_request();
                then.status(status)
                    .json_body(json!({"success": false, "message": message}));
            })
            .await;
        let err: Error = common::ippopay(&server)
            .fetch_order()
            .order_id(ORDER_ID)
            .send()
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert!(
            matches!(&err, Error::Api { error, .. } if error.message() == message),
            "{err:?}"
        );
        assert_eq!(err.is_auth(), status == 401);
        assert_eq!(err.is_retryable(), status == 500);
    }
}

/// A 500 on a create-order (a POST with no idempotency key) may have created the order: the
/// error must not invite the caller to send it again. A 503 was refused before acting.
#[tokio::test]
async fn a_failed_create_order_is_retryable_only_when_refused_before_acting() {
    for (status, retryable) in [(500, false), (502, false), (503, true)] {
        let server = MockServer::start_async().await;
        server
            .mock_async(|when, then| {
                when.method(POST).path("/order/create");
                then.status(status)
                    .json_body(json!({"success": false, "message": "Something went wrong"}));
            })
            .await;
        let err: Error = common::ippopay(&server)
            .create_order()
            .body(types::CreateOrderRequest::builder().amount(rupees("10.00")))
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Api { error, .. } if error.gateway() == "Ippopay"),
            "{err:?}"
        );
        assert_eq!(err.is_retryable(), retryable, "{status}: {err:?}");
    }
}
