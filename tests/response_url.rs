//! The response progenitor hands back keeps the URL it came from (paygate buffers each body
//! and rebuilds the response; a rebuilt `reqwest::Response` would otherwise report a
//! placeholder URL).

mod common;

use httpmock::prelude::*;

#[tokio::test]
async fn an_unexpected_response_keeps_the_url_it_came_from() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/payments/pay_1");
            then.status(502)
                .header("content-type", "text/html")
                .body("<html>Bad Gateway</html>");
        })
        .await;
    let err = common::razorpay(&server)
        .fetch_payment()
        .payment_id("pay_1")
        .send()
        .await
        .unwrap_err();
    let progenitor_client::Error::UnexpectedResponse(response) = err else {
        panic!("{err:?}");
    };
    assert_eq!(response.status(), 502);
    assert_eq!(
        response.url().as_str(),
        format!("{}/payments/pay_1", server.base_url())
    );
}
