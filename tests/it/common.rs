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

/// A gateway's spec as the client is generated from it: `openapi/<gateway>.yaml` and its
/// fragments, bundled by paygate-spec.
pub fn spec(gateway: &str) -> serde_json::Value {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("openapi")
        .join(format!("{gateway}.yaml"));
    paygate_spec::load(&root)
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .clone()
}

/// Arguments for operation `operation` of `gateway` as the spec exemplifies them: each required
/// parameter's `example` and the request body's first example, where the spec gives them.
pub fn example_arguments(gateway: &str, operation: &str) -> paygate::JsonArguments {
    let doc = spec(gateway);
    let op = paygate_spec::operations(&doc)
        .into_iter()
        .find(|op| op.operation_id() == Some(operation))
        .unwrap_or_else(|| panic!("{operation} is not in {gateway}'s spec"));
    let mut arguments = paygate::JsonArguments::new();
    for parameter in op.parameters(&doc).unwrap() {
        if let (true, Some(example)) = (parameter.required, parameter.value.get("example")) {
            arguments.insert(parameter.name.to_owned(), example.clone());
        }
    }
    let body = op.request_body(&doc).unwrap();
    if let Some(media) = body.as_ref().and_then(|b| b.json()) {
        let example = media.value.get("example").cloned().or_else(|| {
            let examples = media.value.get("examples")?.as_object()?;
            examples.values().next()?.get("value").cloned()
        });
        if let Some(example) = example {
            arguments.insert("body".to_owned(), example);
        }
    }
    arguments
}

/// A value a path parameter takes: the first of its schema's `enum`, its `example`, else
/// `<name>_1`.
pub fn path_value(parameter: &paygate_spec::Parameter<'_>) -> serde_json::Value {
    let schema = parameter.schema;
    schema
        .and_then(|s| s.get("enum")?.get(0).cloned())
        .or_else(|| parameter.value.get("example").cloned())
        .unwrap_or_else(|| format!("{}_1", parameter.name).into())
}

/// A Razorpay client for a loopback server at `url`, its base URL ending in the spec's default
/// path (`/v1`) so that operations on another server (`/v2`) find theirs; retries off.
pub fn razorpay_v1(url: &str) -> razorpay::Client {
    razorpay::Client::builder(RAZORPAY_KEY_ID, RAZORPAY_KEY_SECRET)
        .base_url(format!("{url}/v1"))
        .allow_insecure_http()
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("valid test configuration")
}
