//! The tolerant reader: what the real services send beyond their documentation decodes, and
//! what paygate does not know is kept rather than dropped or rejected.

use paygate::ippopay::types as ippo;
use paygate::razorpay::types::{
    Payment, PaymentMethod, PaymentRefundStatus, PaymentStatus, Refund, RefundStatus,
};
use paygate::razorpay::{Notes, types::Order};
use serde_json::json;

fn payment(extra: serde_json::Value) -> serde_json::Value {
    let mut p = json!({"id": "pay_1", "entity": "payment", "amount": 500, "currency": "INR",
                       "status": "captured", "created_at": 1400826750});
    p.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    p
}

#[test]
fn unknown_enum_values_are_kept_and_serialize_back() {
    let json = payment(
        json!({"method": "paylater", "status": "partially_captured", "refund_status": "pending"}),
    );
    let p: Payment = serde_json::from_value(json).unwrap();
    assert_eq!(p.method, Some(PaymentMethod::Other("paylater".into())));
    assert_eq!(p.status, PaymentStatus::Other("partially_captured".into()));
    assert_eq!(
        p.refund_status,
        Some(PaymentRefundStatus::Other("pending".into()))
    );
    assert!(!p.status.is_known());
    let back = serde_json::to_value(&p).unwrap();
    assert_eq!(back["method"], "paylater");
    assert_eq!(back["status"], "partially_captured");
    assert_eq!(back["refund_status"], "pending");
}

#[test]
fn known_enum_values_are_real_variants() {
    let p: Payment =
        serde_json::from_value(payment(json!({"method": "upi", "refund_status": "full"}))).unwrap();
    assert_eq!(p.method, Some(PaymentMethod::Upi));
    assert_eq!(p.refund_status, Some(PaymentRefundStatus::Full));
    assert_eq!(PaymentStatus::from("captured"), PaymentStatus::Captured);
    assert_eq!(PaymentStatus::Captured.to_string(), "captured");
    assert_eq!(
        "refunded".parse::<PaymentStatus>().unwrap(),
        PaymentStatus::Refunded
    );
}

#[test]
fn unknown_fields_are_ignored() {
    let json = payment(
        json!({"upi": {"payer_account_type": "bank_account"}, "reward": null, "token_id": "token_1"}),
    );
    let p: Payment = serde_json::from_value(json).unwrap();
    assert_eq!(p.id, "pay_1");
    let tx: ippo::TransactionResponse = serde_json::from_str(
        r#"{"success":true,"data":{"transaction":{"trans_id":"t","status":"success","new_field":[1,2]},"extra":1},"request_id":"r"}"#,
    )
    .unwrap();
    assert_eq!(tx.data.unwrap().transaction.trans_id, "t");
}

#[test]
fn nulls_decode_where_the_service_sends_them() {
    let json = payment(
        json!({"order_id": null, "invoice_id": null, "card_id": null, "bank": null,
        "wallet": null, "vpa": null, "fee": null, "tax": null, "error_code": null,
        "error_description": null, "refund_status": null, "description": null, "acquirer_data": null}),
    );
    let p: Payment = serde_json::from_value(json).unwrap();
    assert_eq!((p.order_id, p.fee, p.refund_status), (None, None, None));
    let r: Refund = serde_json::from_value(json!({"id": "rfnd_1", "entity": "refund", "amount": 100,
        "payment_id": "pay_1", "created_at": 1, "receipt": null, "batch_id": null, "status": "pending"}))
        .unwrap();
    assert_eq!(r.status, Some(RefundStatus::Pending));
    let tx: ippo::Transaction = serde_json::from_str(
        r#"{"trans_id":"t","status":"failed","failure_reason":null,"settlement_date":null,"settlement_id":null,"refund_status":null,"notes":null}"#,
    )
    .unwrap();
    assert_eq!(tx.status, ippo::TransactionStatus::Other("failed".into()));
}

#[test]
fn notes_decode_from_an_object_or_an_empty_array() {
    let order = |notes: serde_json::Value| -> Order {
        serde_json::from_value(
            json!({"id": "order_1", "entity": "order", "amount": 100, "currency": "INR",
            "status": "created", "created_at": 1, "notes": notes}),
        )
        .unwrap()
    };
    assert!(order(json!([])).notes.unwrap().is_empty());
    assert_eq!(order(json!({"a": "b"})).notes.unwrap()["a"], "b");
    // A number stored through the dashboard is kept as its text rather than failing the order.
    assert_eq!(order(json!({"n": 42})).notes.unwrap()["n"], "42");
    let err = serde_json::from_value::<Notes>(json!(["x"]))
        .unwrap_err()
        .to_string();
    assert!(err.contains("non-empty array"), "{err}");
}

#[test]
fn a_wrong_type_is_an_error_not_a_default() {
    let err = serde_json::from_value::<Payment>(payment(json!({"amount": "500"}))).unwrap_err();
    assert!(err.to_string().contains("invalid type"), "{err}");
}
