//! The key secret never shows up in Debug output, error messages or logs.

use crate::common;

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
    // An operation's builder holds the client: its `Debug` shows it.
    assert_clean(
        "razorpay operation builder",
        &format!("{:?}", rzp.fetch_payment()),
    );
    assert_clean("ippopay::Client", &format!("{ippo:?}"));
    assert_clean(
        "ippopay operation builder",
        &format!("{:?}", ippo.fetch_order()),
    );
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
        .unwrap_err();
    assert_clean("error Debug", &format!("{err:?}"));
    assert_clean("error Display", &err.to_string());
    let err: Error = ippo.fetch_order().order_id("o@1").send().await.unwrap_err();
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
        matches!(&err, Error::Config { field, .. } if field == "base_url"),
        "{err:?}"
    );
    // A configuration mistake is not a bad request, nor worth retrying.
    assert!(!err.is_bad_request() && !err.is_retryable(), "{err:?}");
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

/// A password that must never show up anywhere once it is in a base URL.
const URL_PASSWORD: &str = "hunter2-url-password";

#[test]
fn a_base_url_with_credentials_is_refused_without_showing_them() {
    for url in [
        format!("https://user:{URL_PASSWORD}@api.razorpay.com/v1"),
        format!("https://{URL_PASSWORD}@api.razorpay.com/v1"),
        // Not even a valid URL: still no password in the error.
        format!("https://user:{URL_PASSWORD}@api razorpay.com/v1"),
        format!("user:{URL_PASSWORD}@api.razorpay.com"),
    ] {
        let builder = razorpay::Client::builder("key", "secret").base_url(&url);
        let debug = format!("{builder:?}");
        assert!(!debug.contains(URL_PASSWORD), "{debug}");
        let err = builder.build().unwrap_err();
        assert!(
            matches!(&err, Error::Config { field, .. } if field == "base_url"),
            "{url}: {err:?}"
        );
        let shown = format!("{err:?} {err}");
        assert!(!shown.contains(URL_PASSWORD), "{shown}");
    }
}

#[test]
fn a_base_url_with_a_query_or_fragment_is_refused() {
    for url in [
        "https://api.razorpay.com/v1?key_id=x",
        "https://api.razorpay.com/v1#top",
        "https://api.razorpay.com/v1?",
    ] {
        let err = razorpay::Client::builder("key", "secret")
            .base_url(url)
            .build()
            .unwrap_err();
        assert!(
            matches!(&err, Error::Config { field, .. } if field == "base_url"),
            "{url}: {err:?}"
        );
    }
}

#[test]
fn insecure_http_is_allowed_for_loopback_hosts_only() {
    for url in [
        "http://127.0.0.1:1",
        "http://127.1.2.3:8080/v1",
        "http://[::1]:1",
        "http://localhost:1/v1",
    ] {
        let built = ippopay::Client::builder("pk", "sk")
            .base_url(url)
            .allow_insecure_http()
            .build();
        assert!(built.is_ok(), "{url}: {built:?}");
    }
    for url in [
        "http://example.com",
        "http://10.0.0.1",
        "http://localhost.example.com",
        "http://[::2]",
    ] {
        let err = ippopay::Client::builder("pk", "sk")
            .base_url(url)
            .allow_insecure_http()
            .build()
            .unwrap_err();
        assert!(
            matches!(&err, Error::Config { field, .. } if field == "base_url"),
            "{url}: {err:?}"
        );
    }
}

#[test]
fn a_key_id_that_makes_basic_auth_ambiguous_is_refused() {
    for key_id in ["rzp_test:1", " rzp_test_1", "rzp_test_1\n", "rzp_test_1 "] {
        let err = razorpay::Client::new(key_id, "secret").unwrap_err();
        assert!(
            matches!(&err, Error::Config { field, value, .. } if field == "key_id" && value == key_id),
            "{key_id:?}: {err:?}"
        );
    }
    let err = ippopay::Client::new("pk:1", "sk").unwrap_err();
    assert!(
        matches!(&err, Error::Config { field, .. } if field == "public_key"),
        "{err:?}"
    );
}

#[test]
fn ippopay_names_its_own_credentials() {
    let err = ippopay::Client::new("", "sk").unwrap_err();
    assert!(
        matches!(&err, Error::Config { field, .. } if field == "public_key"),
        "{err:?}"
    );
    let err = ippopay::Client::new("pk", "").unwrap_err();
    assert!(
        matches!(&err, Error::Config { field, .. } if field == "secret_key"),
        "{err:?}"
    );
    let debug = format!(
        "{:?}",
        ippopay::Client::builder(common::IPPOPAY_PUBLIC_KEY, common::IPPOPAY_SECRET_KEY)
    );
    assert!(
        debug.contains("public_key") && debug.contains("secret_key"),
        "{debug}"
    );
    assert!(
        !debug.contains("key_id") && !debug.contains("key_secret"),
        "{debug}"
    );
    assert_clean("ippopay ClientBuilder", &debug);
    let debug = format!("{:?}", razorpay::Client::builder("rzp_1", "s"));
    assert!(
        debug.contains("key_id") && debug.contains("key_secret"),
        "{debug}"
    );
}
