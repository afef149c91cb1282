//! Shared set-up for the wire tests: clients pointed at a loopback httpmock server.

use httpmock::MockServer;
use paygate::RetryPolicy;
use paygate::{ippopay, razorpay};

pub const RAZORPAY_KEY_ID: &str = "rzp_test_1DP5mmOlF5G5ag";
pub const RAZORPAY_KEY_SECRET: &str = "thisissupersecret";
/// `Basic base64("rzp_test_1DP5mmOlF5G5ag:thisissupersecret")`, computed independently.
pub const RAZORPAY_AUTH: &str = "Basic cnpwX3Rlc3RfMURQNW1tT2xGNUc1YWc6dGhpc2lzc3VwZXJzZWNyZXQ=";

pub const IPPOPAY_PUBLIC_KEY: &str = "pk_test_ippo";
pub const IPPOPAY_SECRET_KEY: &str = "sk_test_ippo_secret";
/// `Basic base64("pk_test_ippo:sk_test_ippo_secret")`.
pub const IPPOPAY_AUTH: &str = "Basic cGtfdGVzdF9pcHBvOnNrX3Rlc3RfaXBwb19zZWNyZXQ=";

/// A Razorpay client for `server` with retries off, so every test sees exactly its requests.
pub fn razorpay(server: &MockServer) -> razorpay::Client {
    razorpay::Client::builder(RAZORPAY_KEY_ID, RAZORPAY_KEY_SECRET)
        .base_url(server.base_url())
        .allow_insecure_http()
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("valid test configuration")
}

/// An Ippopay client for `server` with retries off.
pub fn ippopay(server: &MockServer) -> ippopay::Client {
    ippopay::Client::builder(IPPOPAY_PUBLIC_KEY, IPPOPAY_SECRET_KEY)
        .base_url(server.base_url())
        .allow_insecure_http()
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("valid test configuration")
}
