//! Walking a list of 250 payments on a loopback server with the generated `all()`: every item
//! once, in order, with exactly the page requests needed.

use crate::common;

use futures_util::{StreamExt, TryStreamExt};
use httpmock::prelude::*;
use serde_json::json;

fn payment(i: usize) -> serde_json::Value {
    json!({"id": format!("pay_{i:04}"), "entity": "payment", "amount": 100 + i, "currency": "INR",
           "status": "captured", "created_at": 1_700_000_000 + i})
}

/// Serves `total` payments in pages of 100 for `from`/`to` and returns one mock per page.
async fn serve<'a>(server: &'a MockServer, total: usize) -> Vec<httpmock::Mock<'a>> {
    let mut pages = Vec::new();
    for skip in (0..=total).step_by(100) {
        let items: Vec<_> = (skip..total.min(skip + 100)).map(payment).collect();
        pages.push(
            server
                .mock_async(|when, then| {
                    when.method(GET)
                        .path("/payments")
                        .query_param("count", "100")
                        .query_param("skip", skip.to_string())
                        .query_param("from", "1700000000")
                        .query_param("to", "1700003600");
                    then.status(200).json_body(
                        json!({"entity": "collection", "count": items.len(), "items": items}),
                    );
                })
                .await,
        );
    }
    pages
}

/// Every payment created in the hour the mocks answer for, as `all()` streams them.
fn all_in_window(
    client: &paygate::razorpay::Client,
) -> impl futures_util::Stream<Item = Result<paygate::razorpay::types::Payment, paygate::Error>> + '_
{
    client
        .list_payments()
        .from(1_700_000_000)
        .to(1_700_003_600)
        .all()
}

#[tokio::test]
async fn every_item_once_in_order_with_three_page_requests() {
    let server = MockServer::start_async().await;
    let pages = serve(&server, 250).await;
    let client = common::razorpay(&server);
    let ids: Vec<String> = all_in_window(&client)
        .map_ok(|p| p.id)
        .try_collect()
        .await
        .unwrap();
    let expected: Vec<String> = (0..250).map(|i| format!("pay_{i:04}")).collect();
    assert_eq!(ids, expected);
    // skip=0, 100, 200 once each; the short third page ends the walk, so no skip=300.
    assert_eq!(pages.len(), 3);
    for page in &pages {
        page.assert_calls_async(1).await;
    }
}

#[tokio::test]
async fn an_exact_multiple_of_100_ends_on_an_empty_page() {
    let server = MockServer::start_async().await;
    let pages = serve(&server, 200).await;
    let client = common::razorpay(&server);
    let count = all_in_window(&client)
        .try_fold(0, |n, _| async move { Ok(n + 1) })
        .await
        .unwrap();
    assert_eq!(count, 200);
    let calls: Vec<usize> =
        futures_util::future::join_all(pages.iter().map(|p| p.calls_async())).await;
    assert_eq!(
        calls,
        [1, 1, 1],
        "skip=200 answers an empty page and nothing follows"
    );
}

#[tokio::test]
async fn pages_are_fetched_lazily_and_errors_end_the_stream() {
    let server = MockServer::start_async().await;
    let pages = serve(&server, 250).await;
    let client = common::razorpay(&server);
    let first: Vec<_> = all_in_window(&client).take(5).try_collect().await.unwrap();
    let first_ids: Vec<&str> = first.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(
        first_ids,
        ["pay_0000", "pay_0001", "pay_0002", "pay_0003", "pay_0004"]
    );
    pages[0].assert_calls_async(1).await;
    pages[1].assert_calls_async(0).await;

    let failing = MockServer::start_async().await;
    failing
        .mock_async(|when, then| {
            when.path("/payments");
            then.status(500)
                .json_body(json!({"error": {"code": "SERVER_ERROR", "description": "boom"}}));
        })
        .await;
    let failing_client = common::razorpay(&failing);
    let results: Vec<_> = failing_client.list_payments().all().collect().await;
    assert_eq!(results.len(), 1);
    assert_eq!(
        results[0]
            .as_ref()
            .unwrap_err()
            .status()
            .map(|s| s.as_u16()),
        Some(500)
    );
}
