//! Input the gateway would refuse never reaches the wire: each case asserts the error names the
//! field and the value, and that the loopback server saw no request at all.

use crate::common;

use httpmock::prelude::*;
use paygate::Error;
use paygate::ippopay::types as ippo;
use paygate::razorpay::{Notes, types};

/// Runs `call` against a server that answers everything, and checks it was never reached.
async fn refused<T, E: Into<Error>>(
    call: impl AsyncFnOnce(&MockServer) -> Result<T, E>,
) -> (String, String, String) {
    let server = MockServer::start_async().await;
    let catch_all = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200);
        })
        .await;
    let Err(err) = call(&server).await else {
        panic!("the request must be refused");
    };
    assert_eq!(catch_all.calls_async().await, 0, "nothing was sent");
    match err.into() {
        Error::InvalidRequest {
            field,
            value,
            reason,
        } => (field, value, reason),
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
}

async fn create_order(
    server: &MockServer,
    body: types::builder::CreateOrderRequest,
) -> Result<(), Error> {
    common::razorpay(server)
        .create_order()
        .body(body)
        .send()
        .await?;
    Ok(())
}

#[tokio::test]
async fn amount_below_100_paise() {
    let (field, value, _) = refused(async |s| {
        create_order(
            s,
            types::CreateOrderRequest::builder()
                .amount(99)
                .currency("INR"),
        )
        .await
    })
    .await;
    assert_eq!((field.as_str(), value.as_str()), ("amount", "99"));
}

/// A receipt over 40 characters is refused by the pre-request check, which names the field and
/// the value (the generated builder leaves request limits to it).
#[tokio::test]
async fn receipt_longer_than_40() {
    let receipt = "r".repeat(41);
    let (field, value, reason) = refused_order(
        types::CreateOrderRequest::builder()
            .amount(100)
            .currency("INR")
            .receipt(receipt.clone()),
    )
    .await;
    assert_eq!(
        (field.as_str(), value.as_str()),
        ("receipt", receipt.as_str())
    );
    assert!(reason.contains("40"), "{reason}");
}

#[tokio::test]
async fn more_than_15_notes() {
    let notes: Notes = (0..16).map(|i| (format!("k{i}"), "v")).collect();
    let (field, value, _) = refused(async |s| {
        create_order(
            s,
            types::CreateOrderRequest::builder()
                .amount(100)
                .currency("INR")
                .notes(Some(notes)),
        )
        .await
    })
    .await;
    assert_eq!((field.as_str(), value.as_str()), ("notes", "16 keys"));
}

#[tokio::test]
async fn note_longer_than_256() {
    let notes = Notes::new().with("address", "x".repeat(257));
    let (field, value, _) = refused(async |s| {
        common::razorpay(s)
            .update_order()
            .order_id("order_1")
            .body(types::UpdateOrderRequest { notes })
            .send()
            .await
    })
    .await;
    assert_eq!(field, "notes.address");
    assert_eq!(value.len(), 257);
}

#[tokio::test]
async fn count_above_100() {
    let (field, value, _) = refused(async |s| {
        common::razorpay(s)
            .list_payments()
            .count(std::num::NonZeroU64::new(101).unwrap())
            .send()
            .await
    })
    .await;
    assert_eq!((field.as_str(), value.as_str()), ("count", "101"));
}

#[tokio::test]
async fn empty_payment_id() {
    let (field, value, _) = refused(async |s| {
        common::razorpay(s)
            .capture_payment()
            .payment_id("")
            .body(
                types::CapturePaymentRequest::builder()
                    .amount(100)
                    .currency("INR"),
            )
            .send()
            .await
    })
    .await;
    assert_eq!((field.as_str(), value.as_str()), ("payment_id", ""));
}

async fn ippopay_order(server: &MockServer, amount: &str) -> Result<(), Error> {
    common::ippopay(server)
        .create_order()
        .body(
            ippo::CreateOrderRequest::builder()
                .amount(amount.parse::<paygate::ippopay::Rupees>().unwrap()),
        )
        .send()
        .await?;
    Ok(())
}

#[tokio::test]
async fn ippopay_amount_must_be_positive() {
    for amount in ["0", "0.00", "-5.00"] {
        let (field, value, _) = refused(async |s| ippopay_order(s, amount).await).await;
        assert_eq!((field.as_str(), value.as_str()), ("amount", amount));
    }
}

#[tokio::test]
async fn ippopay_amount_has_at_most_two_decimals() {
    let (field, value, reason) = refused(async |s| ippopay_order(s, "10.005").await).await;
    assert_eq!((field.as_str(), value.as_str()), ("amount", "10.005"));
    assert!(reason.contains("2 decimal"), "{reason}");
}

#[tokio::test]
async fn ippopay_trailing_zeros_are_not_extra_decimals() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST).path("/order/create");
            then.status(200).body(r#"{"success":true,"message":"ok","data":{"order":{"order_id":"o@1","amount":10.500,"status":"created"}}}"#);
        })
        .await;
    ippopay_order(&server, "10.500").await.unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn empty_ippopay_order_id() {
    let (field, _, _) =
        refused(async |s| common::ippopay(s).fetch_order().order_id("").send().await).await;
    assert_eq!(field, "order_id");
}

/// The key's length and pattern come from the spec's header parameter (`REQUEST_LIMITS`).
#[tokio::test]
async fn malformed_idempotency_key() {
    let (field, value, reason) = refused(async |s| {
        common::razorpay(s)
            .refund_payment()
            .payment_id("pay_1")
            .x_refund_idempotency("has space!")
            .body(types::RefundPaymentRequest::builder())
            .send()
            .await
    })
    .await;
    assert_eq!(
        (field.as_str(), value.as_str()),
        ("X-Refund-Idempotency", "has space!")
    );
    assert!(reason.contains("^[A-Za-z0-9_-]+$"), "{reason}");
}

/// Runs `call` (a create_order with `body`) and returns what it was refused for.
async fn refused_order(body: types::builder::CreateOrderRequest) -> (String, String, String) {
    refused(async |s| create_order(s, body).await).await
}

#[tokio::test]
async fn currency_must_be_an_iso_4217_code() {
    for currency in ["inr", "INRR", "IN", "", "₹", "IN R"] {
        let (field, _, reason) = refused_order(
            types::CreateOrderRequest::builder()
                .amount(100)
                .currency(currency),
        )
        .await;
        assert_eq!(field, "currency", "{currency:?}: {reason}");
        assert!(reason.contains("[A-Z]{3}"), "{currency:?}: {reason}");
    }
    let (field, _, _) = refused(async |s| {
        common::razorpay(s)
            .capture_payment()
            .payment_id("pay_1")
            .body(
                types::CapturePaymentRequest::builder()
                    .amount(100)
                    .currency("usd"),
            )
            .send()
            .await
    })
    .await;
    assert_eq!(field, "currency");
    let (field, _, _) = refused(async |s| {
        common::ippopay(s)
            .create_order()
            .body(
                ippo::CreateOrderRequest::builder()
                    .amount("1.00".parse::<paygate::ippopay::Rupees>().unwrap())
                    .currency("Inr"),
            )
            .send()
            .await
    })
    .await;
    assert_eq!(field, "currency");
}

/// The spec's maximum (₹1,000 crore, below 2^53) is enforced on every request amount.
#[tokio::test]
async fn amounts_above_the_spec_maximum() {
    const MAXIMUM: i64 = 1_000_000_000_000;
    let (field, value, reason) = refused_order(
        types::CreateOrderRequest::builder()
            .amount(MAXIMUM + 1)
            .currency("INR"),
    )
    .await;
    assert_eq!(
        (field.as_str(), value.as_str()),
        ("amount", "1000000000001")
    );
    assert!(reason.contains("at most 1000000000000"), "{reason}");
    let (field, value, _) = refused_order(
        types::CreateOrderRequest::builder()
            .amount(i64::MAX)
            .currency("INR"),
    )
    .await;
    assert_eq!(
        (field.as_str(), value.as_str()),
        ("amount", &*i64::MAX.to_string())
    );
    let (field, value, _) = refused(async |s| {
        common::razorpay(s)
            .refund_payment()
            .payment_id("pay_1")
            .body(types::RefundPaymentRequest::builder().amount(Some(MAXIMUM + 1)))
            .send()
            .await
    })
    .await;
    assert_eq!(
        (field.as_str(), value.as_str()),
        ("amount", "1000000000001")
    );
    // The maximum itself is sent.
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST).path("/orders");
            then.status(200).body(r#"{"id":"order_1","entity":"order","amount":1000000000000,"currency":"INR","status":"created","created_at":1}"#);
        })
        .await;
    create_order(
        &server,
        types::CreateOrderRequest::builder()
            .amount(MAXIMUM)
            .currency("INR"),
    )
    .await
    .unwrap();
    mock.assert_async().await;
}

/// Razorpay counts note limits in characters ("256 characters (maximum) each"), for keys as
/// for values: 256 two-byte characters pass, 257 do not.
#[tokio::test]
async fn note_keys_are_limited_like_values_in_characters() {
    let long_key = "k".repeat(257);
    let (field, value, reason) = refused_order(
        types::CreateOrderRequest::builder()
            .amount(100)
            .currency("INR")
            .notes(Some(Notes::new().with(long_key.clone(), "v"))),
    )
    .await;
    assert_eq!(
        (field.as_str(), value.as_str()),
        ("notes", long_key.as_str())
    );
    assert!(
        reason.contains("key longer than 256 characters"),
        "{reason}"
    );

    let (field, _, _) = refused_order(
        types::CreateOrderRequest::builder()
            .amount(100)
            .currency("INR")
            .notes(Some(Notes::new().with("é".repeat(257), "v"))),
    )
    .await;
    assert_eq!(field, "notes");

    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST).path("/orders");
            then.status(200).body(r#"{"id":"order_1","entity":"order","amount":100,"currency":"INR","status":"created","created_at":1}"#);
        })
        .await;
    // 256 characters of two bytes each: 512 bytes, within the limit.
    let notes = Notes::new().with("é".repeat(256), "ü".repeat(256));
    create_order(
        &server,
        types::CreateOrderRequest::builder()
            .amount(100)
            .currency("INR")
            .notes(Some(notes)),
    )
    .await
    .unwrap();
    mock.assert_async().await;
}

/// A builder argument that does not convert (here a required field never given) is refused
/// with the argument's name, carried as a typed value, not read back from a message.
#[tokio::test]
async fn a_missing_required_field_names_the_argument() {
    let (field, value, reason) =
        refused_order(types::CreateOrderRequest::builder().currency("INR")).await;
    assert_eq!((field.as_str(), value.as_str()), ("body", ""));
    assert!(reason.contains("amount"), "{reason}");
}
