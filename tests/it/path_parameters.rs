//! No path parameter can change which endpoint is called: for every operation of both specs,
//! every path parameter set to a dot segment, blank or whitespace is refused before sending,
//! naming the parameter and the value. The operations and their parameters are read from the
//! specs themselves and called by name (`call_json`), so an operation added to a spec is
//! covered as it is generated.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};

use httpmock::prelude::*;
use paygate::{Error, ippopay, razorpay};

/// Values the URL parser would resolve away (`.`, `..`) or that address no resource.
const BAD_VALUES: [&str; 6] = [".", "..", "", " ", "\t", " \n "];

/// A value every parameter accepts.
const GOOD: &str = "id_1";

/// `(api, operationId) -> path parameters`, from the spec's path templates.
fn spec_operations() -> BTreeMap<(&'static str, String), Vec<String>> {
    let mut operations = BTreeMap::new();
    for api in ["razorpay", "ippopay"] {
        let spec = crate::common::spec(api);
        for (template, item) in spec["paths"].as_object().unwrap() {
            let template = template.as_str();
            let parameters: Vec<String> = template
                .split('/')
                .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
                .map(str::to_owned)
                .collect();
            for method in ["get", "put", "post", "delete", "options", "head", "patch"] {
                if let Some(id) = item.get(method).and_then(|op| op["operationId"].as_str()) {
                    operations.insert((api, id.to_owned()), parameters.clone());
                }
            }
        }
    }
    operations
}

/// Calls operation `id` of `api` by name with path parameters `p`, and the other required
/// arguments as the spec exemplifies them.
async fn call(
    rzp: &razorpay::Client,
    ippo: &ippopay::Client,
    api: &str,
    id: &str,
    p: &BTreeMap<String, &str>,
) -> Result<(), Error> {
    let mut arguments = common::example_arguments(api, id);
    for (name, value) in p {
        arguments.insert(name.clone(), serde_json::json!(value));
    }
    let result = match api {
        "razorpay" => rzp.call_json(id, &arguments).await,
        _ => ippo.call_json(id, &arguments).await,
    };
    result.map(drop)
}

#[tokio::test]
async fn no_path_parameter_value_can_change_the_endpoint() {
    let operations = spec_operations();
    // Both specs were read, every operation of each (157 when this was written).
    assert!(operations.len() >= 157, "{} operations", operations.len());
    let with_parameters: BTreeSet<_> = operations
        .iter()
        .filter(|(_, params)| !params.is_empty())
        .map(|(op, _)| op.clone())
        .collect();
    assert!(with_parameters.len() >= 100, "{with_parameters:?}");

    let server = MockServer::start_async().await;
    let anything = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).body("{}");
        })
        .await;
    // Ending in the default server's path, so that `/v2` operations reach their server too.
    let rzp = razorpay::Client::builder(common::RAZORPAY_KEY_ID, common::RAZORPAY_KEY_SECRET)
        .base_url(format!("{}/v1", server.base_url()))
        .allow_insecure_http()
        .retry_policy(paygate::RetryPolicy::none())
        .build()
        .unwrap();
    let ippo = common::ippopay(&server);

    let mut checked = 0;
    for ((api, id), parameters) in &operations {
        if parameters.is_empty() {
            continue;
        }
        // Each path parameter of every operation refuses each bad value.
        for bad_parameter in parameters {
            for bad in BAD_VALUES {
                // A parameter with a closed set of values (`medium`) gets one of them.
                let good = |p: &str| -> &str { if p == "medium" { "sms" } else { GOOD } };
                let values: BTreeMap<String, &str> = parameters
                    .iter()
                    .map(|p| (p.clone(), if p == bad_parameter { bad } else { good(p) }))
                    .collect();
                let before = anything.calls_async().await;
                let err = call(&rzp, &ippo, api, id, &values)
                    .await
                    .expect_err("a bad path parameter must be refused");
                assert_eq!(
                    anything.calls_async().await,
                    before,
                    "{api} {id} {bad_parameter}={bad:?} reached the server"
                );
                match &err {
                    Error::InvalidRequest { field, value, .. } => {
                        assert_eq!(field, bad_parameter, "{api} {id} {bad:?}: {err}");
                        assert_eq!(value, bad, "{api} {id} {bad_parameter}: {err}");
                    }
                    other => panic!("{api} {id} {bad_parameter}={bad:?}: {other:?}"),
                }
                assert!(err.is_bad_request());
                checked += 1;
            }
        }
    }
    assert!(checked >= 100 * BAD_VALUES.len(), "{checked}");
}

#[tokio::test]
async fn ids_with_dots_inside_are_sent_as_given() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/payments/pay.1..x");
            then.status(404).body(
                r#"{"error":{"code":"BAD_REQUEST_ERROR","description":"The id provided does not exist"}}"#,
            );
        })
        .await;
    let err: Error = common::razorpay(&server)
        .fetch_payment()
        .payment_id("pay.1..x")
        .send()
        .await
        .unwrap_err();
    mock.assert_async().await;
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
}
