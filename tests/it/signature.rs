//! Signature verification against public vectors (Razorpay's SDK test suites) and values
//! computed independently with Python's `hmac` module.

use paygate::razorpay::signature::{
    SignatureError, WebhookError, sign, verify_and_parse_webhook, verify_payment_link_signature,
    verify_payment_signature, verify_subscription_signature, verify_webhook_signature,
};
use paygate::razorpay::types::{WebhookEvent, WebhookEventName};

/// From Razorpay's SDK test suites: secret `key_secret`, `fake_order_id|fake_payment_id`.
const SDK_VECTOR: &str = "b2335e3b0801106b84a7faff035df56ecffde06918c9ddd1f0fafbb37a51cc89";

const WEBHOOK_SECRET: &str = "whsec_test";
const WEBHOOK_BODY: &str = r#"{"entity":"event","account_id":"acc_BFQ7uQEaa7j2z7","event":"payment.captured","contains":["payment"],"payload":{"payment":{"entity":{"id":"pay_1","entity":"payment","amount":5000,"currency":"INR","status":"captured","created_at":1700000000}}},"created_at":1700000000}"#;
/// `hmac.new(b"whsec_test", WEBHOOK_BODY, sha256).hexdigest()` in Python.
const WEBHOOK_SIGNATURE: &str = "0c7e746bc2f994f4ae93ec89161e27ed916aca433fe9f6b0fb83e575858b08ff";

#[test]
fn payment_signature_public_vector() {
    assert_eq!(
        sign("key_secret", b"fake_order_id|fake_payment_id"),
        SDK_VECTOR
    );
    assert_eq!(
        verify_payment_signature("key_secret", "fake_order_id", "fake_payment_id", SDK_VECTOR),
        Ok(())
    );
    let upper = SDK_VECTOR.to_uppercase();
    assert_eq!(
        verify_payment_signature("key_secret", "fake_order_id", "fake_payment_id", &upper),
        Ok(())
    );
}

#[test]
fn tampered_ids_or_wrong_secret_do_not_verify() {
    let mismatch = Err(SignatureError::Mismatch);
    assert_eq!(
        verify_payment_signature("key_secret", "fake_order_id", "fake_payment_iD", SDK_VECTOR),
        mismatch
    );
    assert_eq!(
        verify_payment_signature(
            "key_secret",
            "other_order_id",
            "fake_payment_id",
            SDK_VECTOR
        ),
        mismatch
    );
    assert_eq!(
        verify_payment_signature("key_secreT", "fake_order_id", "fake_payment_id", SDK_VECTOR),
        mismatch
    );
    // Ids that concatenate alike still differ; an id holding the separator is refused.
    assert_eq!(
        verify_payment_signature("key_secret", "fake_order_id_fake", "payment_id", SDK_VECTOR),
        mismatch
    );
    assert_eq!(
        verify_payment_signature(
            "key_secret",
            "fake_order_id|fake",
            "_payment_id",
            SDK_VECTOR
        ),
        Err(SignatureError::InvalidId("order_id"))
    );
}

#[test]
fn subscription_and_payment_link_signatures() {
    // Both computed with Python's hmac module.
    assert_eq!(
        verify_subscription_signature(
            "key_secret",
            "pay_IH4NVgf4Dreq1l",
            "sub_IH4NVgf4Dreq1l",
            "843e7d6ee908830d4bd401f70024f28d16421f758fa8dbf2ba39306e011cdf44"
        ),
        Ok(())
    );
    assert_eq!(
        verify_payment_link_signature(
            "key_secret",
            "plink_IH3cNucfVEgV68",
            "TSsd1661",
            "paid",
            "pay_IH3d0ara9bSsjQ",
            "ecc1a51675c271fcf1fde7f3d4d71838e2050b7ccf5c91fe1282ec4e2ea4f9a5"
        ),
        Ok(())
    );
    assert_eq!(
        verify_payment_link_signature(
            "key_secret",
            "plink_IH3cNucfVEgV68",
            "TSsd1661",
            "failed",
            "pay_IH3d0ara9bSsjQ",
            "ecc1a51675c271fcf1fde7f3d4d71838e2050b7ccf5c91fe1282ec4e2ea4f9a5"
        ),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn webhook_signature_is_over_the_raw_bytes() {
    assert_eq!(
        verify_webhook_signature(WEBHOOK_SECRET, WEBHOOK_BODY.as_bytes(), WEBHOOK_SIGNATURE),
        Ok(())
    );
    assert_eq!(
        verify_webhook_signature(
            WEBHOOK_SECRET,
            WEBHOOK_BODY.as_bytes(),
            &format!(" {WEBHOOK_SIGNATURE}\r\n")
        ),
        Ok(()),
        "header whitespace is ignored"
    );
    // The same JSON, re-serialized with indentation, is a different message.
    let value: serde_json::Value = serde_json::from_str(WEBHOOK_BODY).unwrap();
    let pretty = serde_json::to_string_pretty(&value).unwrap();
    assert_eq!(
        verify_webhook_signature(WEBHOOK_SECRET, pretty.as_bytes(), WEBHOOK_SIGNATURE),
        Err(SignatureError::Mismatch)
    );
    // One byte changed: 5000 paise becomes 9000.
    let tampered = WEBHOOK_BODY.replace("5000", "9000");
    assert_eq!(
        verify_webhook_signature(WEBHOOK_SECRET, tampered.as_bytes(), WEBHOOK_SIGNATURE),
        Err(SignatureError::Mismatch)
    );
    assert_eq!(
        verify_webhook_signature("whsec_other", WEBHOOK_BODY.as_bytes(), WEBHOOK_SIGNATURE),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn verify_then_parse_a_webhook_event() {
    let event: WebhookEvent =
        verify_and_parse_webhook(WEBHOOK_SECRET, WEBHOOK_BODY.as_bytes(), WEBHOOK_SIGNATURE)
            .unwrap();
    assert_eq!(event.event, WebhookEventName::PaymentCaptured);
    assert_eq!(event.payload.payment.unwrap().entity.amount, 5000);

    let forged = verify_and_parse_webhook::<WebhookEvent>(
        WEBHOOK_SECRET,
        WEBHOOK_BODY.as_bytes(),
        &"0".repeat(64),
    );
    assert!(
        matches!(
            forged,
            Err(WebhookError::Signature(SignatureError::Mismatch))
        ),
        "{forged:?}"
    );

    let not_json = b"not json";
    let signature = sign(WEBHOOK_SECRET, not_json);
    let parsed = verify_and_parse_webhook::<WebhookEvent>(WEBHOOK_SECRET, not_json, &signature);
    assert!(matches!(parsed, Err(WebhookError::Parse(_))), "{parsed:?}");
}

#[test]
fn unknown_webhook_events_decode() {
    let body = WEBHOOK_BODY.replace("payment.captured", "payment.teleported");
    let event: WebhookEvent = serde_json::from_str(&body).unwrap();
    assert_eq!(
        event.event,
        WebhookEventName::Other("payment.teleported".into())
    );
}

#[test]
fn malformed_signatures_are_errors_not_panics() {
    let cases = [
        String::new(),
        "a".repeat(63),
        "a".repeat(65),
        "z".repeat(64),
        "ab".repeat(16),
        format!("{}é", &SDK_VECTOR[..62]),
    ];
    for bad in &cases {
        let result =
            verify_payment_signature("key_secret", "fake_order_id", "fake_payment_id", bad);
        assert!(
            matches!(result, Err(SignatureError::Malformed(_))),
            "{bad:?}: {result:?}"
        );
    }
}

#[test]
fn arbitrary_input_never_panics() {
    // A small deterministic generator (xorshift) over bodies and header values.
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..500 {
        let len = (next() % 96) as usize;
        let bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        let header = String::from_utf8_lossy(&bytes[..len.min(70)]).into_owned();
        let _ = verify_webhook_signature(WEBHOOK_SECRET, &bytes, &header);
        let _ = verify_and_parse_webhook::<serde_json::Value>(WEBHOOK_SECRET, &bytes, &header);
        let _ = verify_payment_signature("key_secret", &header, "pay", &header);
    }
}

/// The public vectors of the official SDKs' test suites (`tests/fixtures/signatures/`).
fn vectors() -> serde_json::Value {
    let text = include_str!("../fixtures/signatures/vectors.json");
    serde_json::from_str(text).expect("vectors.json is JSON")
}

fn field<'a>(vector: &'a serde_json::Value, name: &str) -> &'a str {
    vector[name]
        .as_str()
        .unwrap_or_else(|| panic!("vector without {name}: {vector}"))
}

#[test]
fn every_sdk_vector_verifies_and_a_changed_one_does_not() {
    let vectors = vectors();
    let mut checked = 0;
    for v in vectors["payment"].as_array().unwrap() {
        let (secret, signature) = (field(v, "secret"), field(v, "signature"));
        let (order, payment) = (field(v, "order_id"), field(v, "payment_id"));
        assert_eq!(
            verify_payment_signature(secret, order, payment, signature),
            Ok(()),
            "{v}"
        );
        assert_eq!(
            verify_payment_signature(secret, payment, order, signature),
            Err(SignatureError::Mismatch),
            "ids swapped: {v}"
        );
        checked += 1;
    }
    for v in vectors["subscription"].as_array().unwrap() {
        let (secret, signature) = (field(v, "secret"), field(v, "signature"));
        let (payment, subscription) = (field(v, "payment_id"), field(v, "subscription_id"));
        assert_eq!(
            verify_subscription_signature(secret, payment, subscription, signature),
            Ok(()),
            "{v}"
        );
        assert_eq!(
            verify_subscription_signature(secret, subscription, payment, signature),
            Err(SignatureError::Mismatch),
            "ids swapped: {v}"
        );
        checked += 1;
    }
    for v in vectors["payment_link"].as_array().unwrap() {
        let secret = field(v, "secret");
        let ids = [
            field(v, "payment_link_id"),
            field(v, "reference_id"),
            field(v, "status"),
            field(v, "payment_id"),
        ];
        let verify = |status: &str| {
            verify_payment_link_signature(
                secret,
                ids[0],
                ids[1],
                status,
                ids[3],
                field(v, "signature"),
            )
        };
        assert_eq!(verify(ids[2]), Ok(()), "{v}");
        assert_eq!(verify("failed"), Err(SignatureError::Mismatch), "{v}");
        checked += 1;
    }
    for v in vectors["webhook"].as_array().unwrap() {
        let path = format!(
            "{}/tests/fixtures/signatures/{}",
            env!("CARGO_MANIFEST_DIR"),
            field(v, "body_file")
        );
        let body = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let (secret, signature) = (field(v, "secret"), field(v, "signature"));
        assert_eq!(sign(secret, &body), signature, "{v}");
        assert_eq!(
            verify_webhook_signature(secret, &body, signature),
            Ok(()),
            "{v}"
        );
        let mut tampered = body.clone();
        tampered.push(b' ');
        assert_eq!(
            verify_webhook_signature(secret, &tampered, signature),
            Err(SignatureError::Mismatch),
            "{v}"
        );
        checked += 1;
    }
    assert_eq!(checked, 11, "every vector of vectors.json was checked");
}

#[test]
fn an_empty_secret_is_refused_by_every_verifier() {
    // An unset-but-present environment variable gives an empty secret; anyone can compute the
    // HMAC with an empty key, so it must never verify.
    let body = br#"{"event":"payment.captured"}"#;
    let forged = sign("", body);
    assert_eq!(
        verify_webhook_signature("", body, &forged),
        Err(SignatureError::EmptySecret)
    );
    assert!(matches!(
        verify_and_parse_webhook::<serde_json::Value>("", body, &forged),
        Err(WebhookError::Signature(SignatureError::EmptySecret))
    ));
    let forged = sign("", b"order_1|pay_1");
    assert_eq!(
        verify_payment_signature("", "order_1", "pay_1", &forged),
        Err(SignatureError::EmptySecret)
    );
    let forged = sign("", b"pay_1|sub_1");
    assert_eq!(
        verify_subscription_signature("", "pay_1", "sub_1", &forged),
        Err(SignatureError::EmptySecret)
    );
    let forged = sign("", b"plink_1|ref|paid|pay_1");
    assert_eq!(
        verify_payment_link_signature("", "plink_1", "ref", "paid", "pay_1", &forged),
        Err(SignatureError::EmptySecret)
    );
}

#[test]
fn ids_with_the_separator_or_empty_are_refused() {
    let secret = "key_secret";
    // `order|x` + `y` and `order` + `x|y` make the same message: with a `|` allowed in an id, a
    // signature for one pair would verify another.
    let signature = sign(secret, b"order_1|x|pay_1");
    assert_eq!(
        verify_payment_signature(secret, "order_1|x", "pay_1", &signature),
        Err(SignatureError::InvalidId("order_id"))
    );
    assert_eq!(
        verify_payment_signature(secret, "order_1", "x|pay_1", &signature),
        Err(SignatureError::InvalidId("payment_id"))
    );
    let signature = sign(secret, b"|pay_1");
    assert_eq!(
        verify_payment_signature(secret, "", "pay_1", &signature),
        Err(SignatureError::InvalidId("order_id"))
    );
    let signature = sign(secret, b"pay_1|");
    assert_eq!(
        verify_subscription_signature(secret, "pay_1", "", &signature),
        Err(SignatureError::InvalidId("subscription_id"))
    );
    let signature = sign(secret, b"pay_1|sub|1");
    assert_eq!(
        verify_subscription_signature(secret, "pay_1", "sub|1", &signature),
        Err(SignatureError::InvalidId("subscription_id"))
    );
    let signature = sign(secret, b"plink_1|a|b|paid|pay_1");
    assert_eq!(
        verify_payment_link_signature(secret, "plink_1", "a|b", "paid", "pay_1", &signature),
        Err(SignatureError::InvalidId("reference_id"))
    );
    let signature = sign(secret, b"plink_1|ref|paid|");
    assert_eq!(
        verify_payment_link_signature(secret, "plink_1", "ref", "paid", "", &signature),
        Err(SignatureError::InvalidId("payment_id"))
    );
}
