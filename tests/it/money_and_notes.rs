//! Money and notes that must not be misread: `Rupees` parses only plain decimals, a response
//! amount that is negative or has fractions of a paisa is an error naming it, and a `null`
//! note stays distinguishable from the string `"null"`.

use crate::common;

use httpmock::prelude::*;
use paygate::Error;
use paygate::ippopay::Rupees;
use paygate::razorpay::Notes;

#[test]
fn rupees_parse_only_plain_decimals() {
    for good in ["0", "1", "499.50", "-5.00", "0.98", "100000000"] {
        let amount: Rupees = good.parse().unwrap_or_else(|e| panic!("{good}: {e}"));
        assert_eq!(amount.to_string(), good);
    }
    for bad in [
        "", " 5", "5 ", "+5", "1_000", ".5", "5.", "1e2", "1E2", "--5", "5.-1", "0x10", "five",
        "5,00", "١٢", "5..0", "-", ".",
    ] {
        let err = bad.parse::<Rupees>().expect_err(bad);
        assert!(err.to_string().contains(&format!("{bad:?}")), "{err}");
    }
}

#[test]
fn response_amounts_are_never_rounded_nor_negative() {
    // More than two decimals: reported with the value, not rounded to 10.01.
    let err = serde_json::from_str::<Rupees>("10.005")
        .unwrap_err()
        .to_string();
    assert!(err.contains("10.005") && err.contains("round"), "{err}");
    let err = serde_json::from_str::<Rupees>(r#""10.005""#)
        .unwrap_err()
        .to_string();
    assert!(err.contains("10.005"), "{err}");
    let err = serde_json::from_str::<Rupees>("-1.00")
        .unwrap_err()
        .to_string();
    assert!(err.contains("-1.00") && err.contains("negative"), "{err}");
    for bad in ["1e2", r#"" 5""#, r#""+5""#, ".5"] {
        assert!(serde_json::from_str::<Rupees>(bad).is_err(), "{bad}");
    }
    // Trailing zeros are not extra decimals.
    let amount: Rupees = serde_json::from_str("10.500").unwrap();
    assert_eq!(amount.to_string(), "10.500");
}

#[tokio::test]
async fn an_ippopay_response_with_fractions_of_a_paisa_is_a_decode_error() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/order/o@1");
            then.status(200).body(r#"{"success":true,"message":"ok","data":{"order":{"order_id":"o@1","amount":99.999,"status":"created"}}}"#);
        })
        .await;
    let err = common::ippopay(&server)
        .fetch_order()
        .order_id("o@1")
        .send()
        .await
        .map(|_| ())
        .unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert!(err.to_string().contains("99.999"), "{err}");
}

#[test]
fn a_null_note_is_not_the_string_null() {
    let notes: Notes = serde_json::from_str(r#"{"a":null,"b":"null","c":5}"#).unwrap();
    assert!(notes.is_null("a"));
    assert_eq!(notes.get("a"), None);
    assert!(!notes.is_null("b"));
    assert_eq!(notes.get("b").map(String::as_str), Some("null"));
    assert_eq!(notes.get("c").map(String::as_str), Some("5"));
    assert_eq!(notes.null_keys().collect::<Vec<_>>(), ["a"]);
    let back: serde_json::Value = serde_json::to_value(&notes).unwrap();
    assert_eq!(back, serde_json::json!({"a": null, "b": "null", "c": "5"}));
    // Setting a value replaces the null.
    let notes = notes.with("a", "set");
    assert!(!notes.is_null("a"));
    assert_eq!(notes.get("a").map(String::as_str), Some("set"));
}

#[tokio::test]
async fn a_negative_razorpay_amount_is_a_decode_error_naming_the_field() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/payments/pay_1");
            then.status(200).body(r#"{"id":"pay_1","entity":"payment","amount":-5000,"currency":"INR","status":"captured","created_at":1}"#);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/payments");
            then.status(200).body(r#"{"entity":"collection","count":2,"items":[
                {"id":"pay_1","entity":"payment","amount":100,"currency":"INR","status":"captured","created_at":1,"notes":{"amount":-1}},
                {"id":"pay_2","entity":"payment","amount":100,"currency":"INR","status":"captured","created_at":1,"fee":-3}]}"#);
        })
        .await;
    let client = common::razorpay(&server);
    let err = client
        .fetch_payment()
        .payment_id("pay_1")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert!(err.to_string().contains("`amount` is -5000"), "{err}");
    assert_eq!(
        err.status(),
        Some(http::StatusCode::OK),
        "the status is kept"
    );
    let err = client.list_payments().send().await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    // The note called `amount` is the merchant's text, not money; the fee is.
    assert!(err.to_string().contains("`items[1].fee` is -3"), "{err}");
}

#[test]
fn a_webhook_with_a_negative_amount_is_refused_after_verification() {
    use paygate::razorpay::signature::{WebhookError, sign, verify_and_parse_webhook};
    use paygate::razorpay::types::WebhookEvent;
    let body = br#"{"entity":"event","event":"refund.processed","contains":["refund"],"payload":{"refund":{"entity":{"id":"rfnd_1","entity":"refund","amount":-100,"payment_id":"pay_1","created_at":1}}},"created_at":1}"#;
    let signature = sign("whsec", body);
    let err = verify_and_parse_webhook::<WebhookEvent>("whsec", body, &signature).unwrap_err();
    assert!(matches!(err, WebhookError::Parse(_)), "{err:?}");
    assert!(
        err.to_string()
            .contains("`payload.refund.entity.amount` is -100"),
        "{err}"
    );
}
