//! Concurrent and repeated requests: the sandbox never refunds more than was captured, never
//! captures twice, and an idempotency key makes one refund however often it is sent.

use paygate::razorpay::types;
use paygate_sandbox::PayWith;

use crate::common::{assert_spec_clean, order, paid_payment, razorpay, razorpay_error, sandbox};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_concurrent_partial_refunds_never_exceed_the_capture() {
    let sb = sandbox().await;
    let client = razorpay(&sb);
    // ₹100 captured; 100 refunds of ₹1.50 each: exactly 66 fit (₹99), 34 must be refused.
    let id = paid_payment(&sb, &client, 10_000, Some(true)).await;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..100 {
        let client = client.clone();
        let id = id.clone();
        tasks.spawn(async move {
            client
                .refund_payment()
                .payment_id(id)
                .body(types::RefundPaymentRequest::builder().amount(Some(150)))
                .send()
                .await
        });
    }
    let (mut ok, mut refused) = (0, 0);
    while let Some(result) = tasks.join_next().await {
        match result.unwrap() {
            Ok(refund) => {
                assert_eq!(refund.amount, 150);
                ok += 1;
            }
            Err(e) => {
                let (status, error) = razorpay_error(e);
                assert_eq!(status, 400);
                assert_eq!(error.field.as_deref(), Some("amount"));
                refused += 1;
            }
        }
    }
    assert_eq!((ok, refused), (66, 34));
    let p = client.fetch_payment().payment_id(&id).send().await.unwrap();
    assert_eq!(p.amount_refunded, Some(66 * 150));
    assert_eq!(p.refund_status, Some(types::PaymentRefundStatus::Partial));
    let listed = client
        .list_payment_refunds()
        .payment_id(&id)
        .count(std::num::NonZeroU64::new(100).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(listed.count, 66);
    let total: i64 = listed.items.iter().map(|r| r.amount).sum();
    assert_eq!(total, 66 * 150);
    assert_spec_clean(&sb);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_repeated_idempotency_key_returns_the_first_refund() {
    let sb = sandbox().await;
    let client = razorpay(&sb);
    let id = paid_payment(&sb, &client, 10_000, Some(true)).await;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let client = client.clone();
        let id = id.clone();
        tasks.spawn(async move {
            client
                .refund_payment()
                .payment_id(id)
                .x_refund_idempotency("order42-refund-1")
                .body(types::RefundPaymentRequest::builder().amount(Some(1_000)))
                .send()
                .await
                .map(|r| r.into_inner().id)
        });
    }
    let mut ids = Vec::new();
    while let Some(result) = tasks.join_next().await {
        ids.push(result.unwrap().expect("every retry gets the refund"));
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "one refund for one key: {ids:?}");
    let p = client.fetch_payment().payment_id(&id).send().await.unwrap();
    assert_eq!(p.amount_refunded, Some(1_000));

    // A new key is a new refund.
    let second = client
        .refund_payment()
        .payment_id(&id)
        .x_refund_idempotency("order42-refund-2")
        .body(types::RefundPaymentRequest::builder().amount(Some(1_000)))
        .send()
        .await
        .unwrap();
    assert_ne!(second.id, ids[0]);
    let p = client.fetch_payment().payment_id(&id).send().await.unwrap();
    assert_eq!(p.amount_refunded, Some(2_000));
    assert_spec_clean(&sb);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_two_concurrent_captures_exactly_one_succeeds() {
    let sb = sandbox().await;
    let client = razorpay(&sb);
    for _ in 0..10 {
        let o = order(&client, 7_500, Some(false)).await;
        let id = sb
            .pay_razorpay_order(&o.id, PayWith::upi("success@razorpay"))
            .await
            .unwrap()
            .razorpay_payment_id;
        let capture = || {
            let client = client.clone();
            let id = id.clone();
            tokio::spawn(async move {
                client
                    .capture_payment()
                    .payment_id(id)
                    .body(
                        types::CapturePaymentRequest::builder()
                            .amount(7_500)
                            .currency("INR"),
                    )
                    .send()
                    .await
            })
        };
        let (a, b) = (capture(), capture());
        let results = [a.await.unwrap(), b.await.unwrap()];
        let successes = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(successes, 1);
        let o = client.fetch_order().order_id(&o.id).send().await.unwrap();
        assert_eq!(o.amount_paid, Some(7_500));
        assert_eq!(o.status, types::OrderStatus::Paid);
    }
    assert_spec_clean(&sb);
}
