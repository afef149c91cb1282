//! The key secret never shows up in Debug output, error messages or logs.

mod common;

use httpmock::prelude::*;
use paygate::{Error, ippopay, razorpay};

/// The secrets and the Authorization values derived from them.
const FORBIDDEN: [&str; 4] = [
    common::RAZORPAY_KEY_SECRET,
    common::IPPOPAY_SECRET_KEY,
    "cnpwX3Rlc3RfMURQNW1tT2xGNUc1YWc6dGhpc2lzc3VwZXJzZWNyZXQ",
    "cGtfdGVzdF9pcHBvOnNrX3Rlc3RfaXBwb19zZWNyZXQ",
];

fn assert_clean(what: &str, text: &str) {
    for secret in FORBIDDEN {
        assert!(!text.contains(secret), "{what} leaks {secret:?}: {text}");
    }
}

#[tokio::test]
async fn debug_of_clients_builders_and_errors_hides_the_secret() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(401).body("<html>denied</html>");
        })
        .await;
    let rzp = common::razorpay(&server);
    let ippo = common::ippopay(&server);
    assert_clean("razorpay::Client", &format!("{rzp:?}"));
    assert_clean("generated razorpay client", &format!("{:?}", *rzp));
    assert_clean("ippopay::Client", &format!("{ippo:?}"));
    assert_clean("generated ippopay client", &format!("{:?}", *ippo));
    let builder = razorpay::Client::builder(common::RAZORPAY_KEY_ID, common::RAZORPAY_KEY_SECRET);
    assert_clean("ClientBuilder", &format!("{builder:?}"));
    assert!(
        format!("{builder:?}").contains(common::RAZORPAY_KEY_ID),
        "the key id is not secret"
    );

    let err: Error = rzp
        .fetch_order()
        .order_id("order_1")
        .send()
        .await
        .unwrap_err()
        .into();
    assert_clean("error Debug", &format!("{err:?}"));
    assert_clean("error Display", &err.to_string());
    let err: Error = ippo
        .fetch_order()
        .order_id("o@1")
        .send()
        .await
        .unwrap_err()
        .into();
    assert_clean("error Debug", &format!("{err:?}"));

    let refused = razorpay::Client::builder("key", common::RAZORPAY_KEY_SECRET)
        .base_url("http://example.com")
        .build()
        .unwrap_err();
    assert_clean("configuration error", &format!("{refused:?} {refused}"));
    let refused = ippopay::Client::builder("", common::IPPOPAY_SECRET_KEY)
        .build()
        .unwrap_err();
    assert_clean("configuration error", &format!("{refused:?} {refused}"));
}

#[test]
fn clear_text_base_urls_are_refused_unless_allowed() {
    let err = razorpay::Client::builder("key", "secret")
        .base_url("http://api.razorpay.com/v1")
        .build()
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest { field, .. } if field == "base_url"),
        "{err:?}"
    );
    assert!(
        razorpay::Client::builder("key", "secret")
            .base_url("http://127.0.0.1:1")
            .allow_insecure_http()
            .build()
            .is_ok()
    );
    assert!(
        razorpay::Client::new("key", "secret")
            .unwrap()
            .base_url()
            .starts_with("https://")
    );
}
