//! Razorpay through every operation with the real client: order → payment → capture → refunds
//! → settlement, lists and their filters, the fee model.

use std::num::NonZeroU64;
use std::time::Duration;

use paygate::razorpay::{Notes, signature, types};
use paygate_sandbox::{PayWith, fees};

use crate::common::{assert_spec_clean, order, razorpay, sandbox};

#[tokio::test]
async fn an_order_is_paid_captured_refunded_and_settled() {
    let sb = sandbox().await;
    let client = razorpay(&sb);

    let created = client
        .create_order()
        .body(
            types::CreateOrderRequest::builder()
                .amount(50_000)
                .currency("INR")
                .receipt("rcpt-1".to_owned())
                .notes(Some(Notes::new().with("purpose", "shoes"))),
        )
        .send()
        .await
        .unwrap()
        .into_inner();
    assert!(created.id.starts_with("order_") && created.id.len() == "order_".len() + 14);
    assert_eq!(created.status, types::OrderStatus::Created);
    assert_eq!(
        (created.amount_paid, created.amount_due),
        (Some(0), Some(50_000))
    );
    assert_eq!(created.attempts, Some(0));
    assert_eq!(created.receipt.as_deref(), Some("rcpt-1"));
    assert!((created.created_at - sb.now()).abs() <= 1);

    // Checkout: the customer pays; the result verifies with paygate's verifier.
    let paid = sb
        .pay_razorpay_order(&created.id, PayWith::upi("success@razorpay"))
        .await
        .unwrap();
    assert_eq!(paid.razorpay_order_id, created.id);
    signature::verify_payment_signature(
        sb.razorpay_key_secret(),
        &created.id,
        &paid.razorpay_payment_id,
        &paid.razorpay_signature,
    )
    .expect("Checkout's signature verifies");
    assert!(
        signature::verify_payment_signature(
            "another secret",
            &created.id,
            &paid.razorpay_payment_id,
            &paid.razorpay_signature,
        )
        .is_err()
    );

    let order = client
        .fetch_order()
        .order_id(&created.id)
        .send()
        .await
        .unwrap();
    assert_eq!(order.status, types::OrderStatus::Attempted);
    assert_eq!(order.attempts, Some(1));
    let payment = client
        .fetch_payment()
        .payment_id(&paid.razorpay_payment_id)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(payment.status, types::PaymentStatus::Authorized);
    assert_eq!(payment.amount, 50_000);
    assert_eq!(payment.method, Some(types::PaymentMethod::Upi));
    assert_eq!(payment.vpa.as_deref(), Some("success@razorpay"));
    assert_eq!(payment.order_id.as_deref(), Some(created.id.as_str()));
    assert_eq!(payment.captured, Some(false));

    // Capture: the fee model applies.
    let captured = client
        .capture_payment()
        .payment_id(&payment.id)
        .body(
            types::CapturePaymentRequest::builder()
                .amount(50_000)
                .currency("INR"),
        )
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(captured.status, types::PaymentStatus::Captured);
    assert_eq!(captured.captured, Some(true));
    // 2% of ₹500 = 1000 paise, 18% GST on it = 180: fee (GST included) 1180, tax 180.
    assert_eq!((captured.fee, captured.tax), (Some(1180), Some(180)));
    assert_eq!(fees(50_000), (1180, 180));
    let order = client
        .fetch_order()
        .order_id(&created.id)
        .send()
        .await
        .unwrap();
    assert_eq!(order.status, types::OrderStatus::Paid);
    assert_eq!(
        (order.amount_paid, order.amount_due),
        (Some(50_000), Some(0))
    );

    let of_order = client
        .list_order_payments()
        .order_id(&created.id)
        .send()
        .await
        .unwrap();
    assert_eq!(of_order.count, 1);
    assert_eq!(of_order.items[0].id, payment.id);

    // A partial refund, then the rest.
    let first = client
        .refund_payment()
        .payment_id(&payment.id)
        .body(
            types::RefundPaymentRequest::builder()
                .amount(Some(20_000))
                .notes(Some(Notes::new().with("reason", "one item returned"))),
        )
        .send()
        .await
        .unwrap()
        .into_inner();
    assert!(first.id.starts_with("rfnd_"));
    assert_eq!(first.amount, 20_000);
    assert_eq!(first.status, Some(types::RefundStatus::Pending));
    let payment_now = client
        .fetch_payment()
        .payment_id(&payment.id)
        .send()
        .await
        .unwrap();
    assert_eq!(payment_now.amount_refunded, Some(20_000));
    assert_eq!(
        payment_now.refund_status,
        Some(types::PaymentRefundStatus::Partial)
    );
    assert_eq!(payment_now.status, types::PaymentStatus::Captured);

    let rest = client
        .refund_payment()
        .payment_id(&payment.id)
        .body(types::RefundPaymentRequest::builder())
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        rest.amount, 30_000,
        "without an amount, what is left is refunded"
    );
    let payment_now = client
        .fetch_payment()
        .payment_id(&payment.id)
        .send()
        .await
        .unwrap();
    assert_eq!(payment_now.amount_refunded, Some(50_000));
    assert_eq!(
        payment_now.refund_status,
        Some(types::PaymentRefundStatus::Full)
    );
    assert_eq!(payment_now.status, types::PaymentStatus::Refunded);

    let refunds = client
        .list_payment_refunds()
        .payment_id(&payment.id)
        .send()
        .await
        .unwrap();
    let ids: Vec<&str> = refunds.items.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, [rest.id.as_str(), first.id.as_str()], "newest first");
    let fetched = client
        .fetch_payment_refund()
        .payment_id(&payment.id)
        .refund_id(&first.id)
        .send()
        .await
        .unwrap();
    assert_eq!(fetched.amount, 20_000);
    let fetched = client
        .fetch_refund()
        .refund_id(&rest.id)
        .send()
        .await
        .unwrap();
    assert_eq!(fetched.payment_id, payment.id);
    assert_eq!(client.list_refunds().send().await.unwrap().count, 2);

    // Time passes: refunds are processed, the payment settled less fees and refunds.
    assert_eq!(client.list_settlements().send().await.unwrap().count, 0);
    let before = sb.now();
    let now = sb
        .advance_clock(Duration::from_secs(6 * 86_400))
        .await
        .unwrap();
    assert!(now >= before + 6 * 86_400);
    let fetched = client
        .fetch_refund()
        .refund_id(&first.id)
        .send()
        .await
        .unwrap();
    assert_eq!(fetched.status, Some(types::RefundStatus::Processed));
    // Captured 50 000 − fees 1 180 − refunds 50 000 is not positive: nothing is paid out.
    assert_eq!(client.list_settlements().send().await.unwrap().count, 0);
    assert_spec_clean(&sb);
}

#[tokio::test]
async fn settlements_are_captured_money_minus_fees_and_refunds() {
    let sb = sandbox().await;
    let client = razorpay(&sb);
    let mut payments = Vec::new();
    for amount in [10_000, 25_050] {
        let order = order(&client, amount, Some(true)).await;
        let paid = sb
            .pay_razorpay_order(&order.id, PayWith::card("4100 2800 0000 1007"))
            .await
            .unwrap();
        payments.push((paid.razorpay_payment_id, amount));
    }
    // Auto-captured: the payments are captured, the orders paid.
    for (id, _) in &payments {
        let p = client.fetch_payment().payment_id(id).send().await.unwrap();
        assert_eq!(p.status, types::PaymentStatus::Captured);
        assert_eq!(p.method, Some(types::PaymentMethod::Card));
        assert!(p.card_id.as_deref().is_some_and(|c| c.starts_with("card_")));
    }
    // A normal refund is still pending when the money is settled, yet already taken from it.
    client
        .refund_payment()
        .payment_id(&payments[1].0)
        .body(types::RefundPaymentRequest::builder().amount(Some(2_000)))
        .send()
        .await
        .unwrap();
    client
        .refund_payment()
        .payment_id(&payments[0].0)
        .body(
            types::RefundPaymentRequest::builder()
                .amount(Some(1_000))
                .speed(Some(types::RefundSpeedRequest::Optimum)),
        )
        .send()
        .await
        .unwrap();

    // One day: too early for T+2 settlement, but an optimum refund is processed at once.
    sb.advance_clock(Duration::from_secs(86_400)).await.unwrap();
    assert_eq!(client.list_settlements().send().await.unwrap().count, 0);
    let refunds = client.list_refunds().send().await.unwrap();
    assert_eq!(
        refunds.items[0].status,
        Some(types::RefundStatus::Processed)
    );
    assert_eq!(
        refunds.items[0].speed_processed,
        Some(types::RefundSpeed::Instant)
    );

    sb.advance_clock(Duration::from_secs(86_400)).await.unwrap();
    let settlements = client.list_settlements().send().await.unwrap().into_inner();
    assert_eq!(settlements.count, 1);
    let (fee_a, tax_a) = fees(10_000);
    let (fee_b, tax_b) = fees(25_050);
    // 2% of 25 050 = 501, GST 90.18 → 90: 591.
    assert_eq!((fee_b, tax_b), (591, 90));
    let s = &settlements.items[0];
    assert_eq!(s.fees, Some(fee_a + fee_b));
    assert_eq!(s.tax, Some(tax_a + tax_b));
    assert_eq!(s.amount, 10_000 + 25_050 - fee_a - fee_b - 1_000 - 2_000);
    let pending = client.list_refunds().send().await.unwrap();
    assert_eq!(pending.items[1].status, Some(types::RefundStatus::Pending));
    assert!(s.id.starts_with("setl_"));
    assert_eq!(s.status, types::SettlementStatus::Processed);
    let fetched = client
        .fetch_settlement()
        .settlement_id(&s.id)
        .send()
        .await
        .unwrap();
    assert_eq!(fetched.amount, s.amount);

    // Settled money is not settled twice.
    sb.advance_clock(Duration::from_secs(10 * 86_400))
        .await
        .unwrap();
    assert_eq!(client.list_settlements().send().await.unwrap().count, 1);
    assert_spec_clean(&sb);
}

#[tokio::test]
async fn lists_filter_page_and_expand_newest_first() {
    let sb = sandbox().await;
    let client = razorpay(&sb);
    let mut ids = Vec::new();
    for i in 0..5 {
        let o = client
            .create_order()
            .body(
                types::CreateOrderRequest::builder()
                    .amount(1_000 + i)
                    .currency("INR")
                    .receipt(format!("r{}", i % 2)),
            )
            .send()
            .await
            .unwrap();
        ids.push(o.id.clone());
        if i == 2 {
            sb.advance_clock(Duration::from_secs(1_000)).await.unwrap();
        }
    }
    let all = client.list_orders().send().await.unwrap().into_inner();
    let listed: Vec<&str> = all.items.iter().map(|o| o.id.as_str()).collect();
    let newest_first: Vec<&str> = ids.iter().rev().map(String::as_str).collect();
    assert_eq!(listed, newest_first);

    let page = client
        .list_orders()
        .count(NonZeroU64::new(2).unwrap())
        .skip(1)
        .send()
        .await
        .unwrap();
    let listed: Vec<&str> = page.items.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(listed, newest_first[1..3]);
    assert_eq!(page.count, 2);

    let later = all.items[0].created_at;
    let earlier = all.items[4].created_at;
    assert!(later >= earlier + 1_000);
    let from = client.list_orders().from(later).send().await.unwrap();
    assert_eq!(from.count, 2, "orders made after the clock moved");
    let to = client.list_orders().to(earlier).send().await.unwrap();
    assert_eq!(to.count, 3);

    let r1 = client
        .list_orders()
        .receipt(types::ListOrdersReceipt::try_from("r1").unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r1.count, 2);
    assert!(r1.items.iter().all(|o| o.receipt.as_deref() == Some("r1")));

    // One order paid (authorized), one failed: `authorized` tells them apart.
    sb.pay_razorpay_order(&ids[0], PayWith::upi("success@razorpay"))
        .await
        .unwrap();
    sb.pay_razorpay_order(&ids[1], PayWith::upi("failure@razorpay"))
        .await
        .unwrap_err();
    let authorized = client
        .list_orders()
        .authorized(types::ListOrdersAuthorized::try_from(1).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(authorized.count, 1);
    assert_eq!(authorized.items[0].id, ids[0]);
    let not_authorized = client
        .list_orders()
        .authorized(types::ListOrdersAuthorized::try_from(0).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(not_authorized.count, 4);

    let expanded = client
        .list_orders()
        .expand(vec!["payments".to_owned()])
        .send()
        .await
        .unwrap();
    for o in &expanded.items {
        let payments = o
            .payments
            .as_ref()
            .expect("expand[]=payments adds the payments");
        let expected = usize::from(o.id == ids[0] || o.id == ids[1]);
        assert_eq!(payments.items.len(), expected, "{}", o.id);
    }
    assert!(all.items.iter().all(|o| o.payments.is_none()));

    let payments = client.list_payments().send().await.unwrap();
    assert_eq!(payments.count, 2);
    assert_eq!(payments.items[0].status, types::PaymentStatus::Failed);
    let one = client
        .list_payments()
        .count(NonZeroU64::new(1).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(one.count, 1);
    assert_spec_clean(&sb);
}

#[tokio::test]
async fn update_order_replaces_the_notes() {
    let sb = sandbox().await;
    let client = razorpay(&sb);
    let created = order(&client, 2_200, None).await;
    let updated = client
        .update_order()
        .order_id(&created.id)
        .body(types::UpdateOrderRequest::builder().notes(Notes::new().with("k", "v")))
        .send()
        .await
        .unwrap();
    assert_eq!(
        updated.notes.as_ref().unwrap().get("k").map(String::as_str),
        Some("v")
    );
    let fetched = client
        .fetch_order()
        .order_id(&created.id)
        .send()
        .await
        .unwrap();
    assert_eq!(fetched.notes, updated.notes);
    assert_eq!(fetched.amount, 2_200);
    assert_spec_clean(&sb);
}

#[tokio::test]
async fn failed_payments_carry_the_documented_reason() {
    let sb = sandbox().await;
    let client = razorpay(&sb);
    let o = order(&client, 5_000, None).await;
    let err = sb
        .pay_razorpay_order(&o.id, PayWith::card("4100280000080001"))
        .await
        .unwrap_err();
    let paygate_sandbox::ControlError::PaymentFailed(failed) = err else {
        panic!("expected a failed payment, got {err:?}");
    };
    let paygate_sandbox::FailedPayment {
        payment_id,
        reason,
        code,
        ..
    } = *failed;
    assert_eq!(
        (reason.as_str(), code.as_str()),
        ("insufficient_fund", "BAD_REQUEST_ERROR")
    );
    let p = client
        .fetch_payment()
        .payment_id(&payment_id)
        .send()
        .await
        .unwrap();
    assert_eq!(p.status, types::PaymentStatus::Failed);
    assert_eq!(p.error_reason.as_deref(), Some("insufficient_fund"));
    assert_eq!(p.error_step.as_deref(), Some("payment_authorization"));
    assert_eq!(p.error_source.as_deref(), Some("bank"));
    assert_eq!(p.fee, None);
    let order_now = client.fetch_order().order_id(&o.id).send().await.unwrap();
    assert_eq!(order_now.status, types::OrderStatus::Attempted);

    // The customer tries again and succeeds: two attempts, one order.
    let paid = sb
        .pay_razorpay_order(&o.id, PayWith::card("4111 1111 1111 1111"))
        .await
        .unwrap();
    let order_now = client.fetch_order().order_id(&o.id).send().await.unwrap();
    assert_eq!(order_now.attempts, Some(2));
    let of_order = client
        .list_order_payments()
        .order_id(&o.id)
        .send()
        .await
        .unwrap();
    assert_eq!(of_order.items[0].id, paid.razorpay_payment_id);
    assert_eq!(of_order.items[1].id, payment_id);

    // An international test card is an international payment.
    let o = order(&client, 5_000, None).await;
    let paid = sb
        .pay_razorpay_order(&o.id, PayWith::card("5555555555554444"))
        .await
        .unwrap();
    let p = client
        .fetch_payment()
        .payment_id(&paid.razorpay_payment_id)
        .send()
        .await
        .unwrap();
    assert_eq!(p.international, Some(true));
    assert_spec_clean(&sb);
}

/// An order's `payment.capture` setting decides whether its payment is captured, over the
/// sandbox's default and over `payment_capture` (Razorpay's capture settings guide).
#[tokio::test]
async fn an_orders_capture_setting_is_honoured() {
    use types::OrderPaymentSettingsCapture as Capture;
    // The account default is to capture; each order's own setting wins over it.
    let sb = paygate_sandbox::Sandbox::builder()
        .auto_capture(true)
        .start()
        .await
        .unwrap();
    let client = razorpay(&sb);
    for (capture, payment_capture, expected) in [
        (Capture::Automatic, None, types::PaymentStatus::Captured),
        (
            Capture::Automatic,
            Some(false),
            types::PaymentStatus::Captured,
        ),
        (Capture::Manual, None, types::PaymentStatus::Authorized),
        (
            Capture::Manual,
            Some(true),
            types::PaymentStatus::Authorized,
        ),
    ] {
        let options: types::OrderPaymentSettingsCaptureOptions =
            types::OrderPaymentSettingsCaptureOptions::builder()
                .automatic_expiry_period(Some(12))
                .manual_expiry_period(Some(7200))
                .refund_speed(Some(types::RefundSpeedRequest::Optimum))
                .try_into()
                .unwrap();
        let settings: types::OrderPaymentSettings = types::OrderPaymentSettings::builder()
            .capture(capture)
            .capture_options(Some(options))
            .try_into()
            .unwrap();
        let order = client
            .create_order()
            .body(
                types::CreateOrderRequest::builder()
                    .amount(50_000)
                    .currency("INR")
                    .payment_capture(payment_capture)
                    .payment(Some(settings)),
            )
            .send()
            .await
            .unwrap();
        let paid = sb
            .pay_razorpay_order(&order.id, PayWith::upi("success@razorpay"))
            .await
            .unwrap();
        let payment = client
            .fetch_payment()
            .payment_id(&paid.razorpay_payment_id)
            .send()
            .await
            .unwrap();
        assert_eq!(
            payment.status, expected,
            "payment.capture = {capture:?}, payment_capture = {payment_capture:?}"
        );
    }
    assert_spec_clean(&sb);
}
