//! What a client does without being told comes from the spec, not from a copy in `src/`: the
//! default base URL is the spec's first server.

use paygate::{ippopay, razorpay};

/// `servers[0].url` of the spec at `path` (relative to the crate root).
fn first_server(path: &str) -> String {
    let text = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .expect("spec readable");
    let spec: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).expect("spec is YAML");
    spec["servers"][0]["url"]
        .as_str()
        .expect("the spec names a server")
        .trim_end_matches('/')
        .to_owned()
}

#[test]
fn the_default_base_url_is_the_specs_first_server() {
    let client = razorpay::Client::new("rzp_test_key", "secret").unwrap();
    assert_eq!(client.base_url(), first_server("openapi/razorpay.yaml"));
    let client = ippopay::Client::new("pk_test", "sk_test").unwrap();
    assert_eq!(client.base_url(), first_server("openapi/ippopay.yaml"));
}
