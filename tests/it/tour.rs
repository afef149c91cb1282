//! Runs `examples/tour.rs` against the in-process sandbox and checks what it did, step by step.

#[allow(dead_code)] // the example's `main` is not called here
#[path = "../../examples/tour.rs"]
mod example;

#[tokio::test]
async fn the_tour_runs_end_to_end_against_the_sandbox() {
    let mut printed = Vec::new();
    let outcome = example::run(example::Target::Sandbox, &mut printed)
        .await
        .unwrap_or_else(|e| panic!("tour failed: {e}"));
    let printed = String::from_utf8(printed).expect("the tour prints UTF-8");

    assert_eq!(outcome.order_status.as_deref(), Some("paid"), "{printed}");
    assert_eq!(
        outcome.payment_status.as_deref(),
        Some("refunded"),
        "{printed}"
    );
    assert_eq!(outcome.amount_refunded, Some(50_000), "{printed}");
    // The refunded payment and the auto-captured one, newest first.
    assert_eq!(outcome.payments_listed, 2, "{printed}");
    // Only the auto-captured ₹1,299.00 is settled, less the sandbox's fee and tax.
    assert_eq!(outcome.settlements.len(), 1, "{printed}");
    assert!(
        (1..129_900).contains(&outcome.settlements[0]),
        "settled {:?} of 129900 paise\n{printed}",
        outcome.settlements
    );
    for event in [
        "payment.authorized",
        "payment.captured",
        "order.paid",
        "refund.created",
        "refund.processed",
        "settlement.processed",
    ] {
        assert!(
            outcome.verified_webhooks.iter().any(|e| e == event),
            "{event} not received and verified: {:?}\n{printed}",
            outcome.verified_webhooks
        );
    }
    assert_eq!(
        outcome.refund_status.as_deref(),
        Some("processed"),
        "{printed}"
    );
    assert!(
        outcome
            .ippopay_payment_url
            .as_deref()
            .is_some_and(|url| url.starts_with("http://127.0.0.1:")),
        "{printed}"
    );
    assert_eq!(
        outcome.refused_field.as_deref(),
        Some("amount"),
        "{printed}"
    );
    assert_eq!(
        outcome.gateway_error_code.as_deref(),
        Some("BAD_REQUEST_ERROR"),
        "{printed}"
    );
    assert_eq!(
        outcome.ippopay_transaction_status.as_deref(),
        Some("success"),
        "{printed}"
    );
    assert!(outcome.skipped.is_empty(), "{:?}", outcome.skipped);
    assert_eq!(outcome.spec_violations, 0, "{printed}");

    // Amounts are shown as rupees with paise.
    assert!(printed.contains("₹500.00"), "{printed}");
    assert!(printed.contains("₹499.50"), "{printed}");
}

#[test]
fn amounts_print_as_rupees_and_paise() {
    assert_eq!(example::inr(50_000), "₹500.00");
    assert_eq!(example::inr(129_905), "₹1299.05");
    assert_eq!(example::inr(7), "₹0.07");
    assert_eq!(example::inr(-10_050), "-₹100.50");
}
