//! No path parameter can change which endpoint is called: for every operation of both specs,
//! every path parameter set to a dot segment, blank or whitespace is refused before sending,
//! naming the parameter and the value. The operations and their parameters are read from the
//! specs themselves, so an operation added to a spec without a case here fails the test.

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
        let path = format!("{}/openapi/{api}.yaml", env!("CARGO_MANIFEST_DIR"));
        let spec: serde_yaml_ng::Value =
            serde_yaml_ng::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for (template, item) in spec["paths"].as_mapping().unwrap() {
            let template = template.as_str().unwrap();
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

/// The outcome of a generated operation as a [`paygate::Error`].
fn result<T>(r: Result<T, Error>) -> Result<(), Error> {
    r.map(drop)
}

/// Calls operation `id` of `api` with path parameters `p` and a valid body where one is needed.
async fn call(
    rzp: &razorpay::Client,
    ippo: &ippopay::Client,
    api: &str,
    id: &str,
    p: &BTreeMap<String, &str>,
) -> Result<(), Error> {
    use ippopay::types as it;
    use razorpay::types as rt;
    let v = |name: &str| p[name].to_owned();
    match (api, id) {
        ("razorpay", "list_orders") => result(rzp.list_orders().send().await),
        ("razorpay", "create_order") => result(
            rzp.create_order()
                .body(
                    rt::CreateOrderRequest::builder()
                        .amount(500)
                        .currency("INR"),
                )
                .send()
                .await,
        ),
        ("razorpay", "fetch_order") => {
            result(rzp.fetch_order().order_id(v("order_id")).send().await)
        }
        ("razorpay", "update_order") => result(
            rzp.update_order()
                .order_id(v("order_id"))
                .body(rt::UpdateOrderRequest {
                    notes: razorpay::Notes::new().with("k", "v"),
                })
                .send()
                .await,
        ),
        ("razorpay", "list_order_payments") => result(
            rzp.list_order_payments()
                .order_id(v("order_id"))
                .send()
                .await,
        ),
        ("razorpay", "list_payments") => result(rzp.list_payments().send().await),
        ("razorpay", "fetch_payment") => {
            result(rzp.fetch_payment().payment_id(v("payment_id")).send().await)
        }
        ("razorpay", "capture_payment") => result(
            rzp.capture_payment()
                .payment_id(v("payment_id"))
                .body(
                    rt::CapturePaymentRequest::builder()
                        .amount(500)
                        .currency("INR"),
                )
                .send()
                .await,
        ),
        ("razorpay", "refund_payment") => result(
            rzp.refund_payment()
                .payment_id(v("payment_id"))
                .body(rt::RefundPaymentRequest::builder())
                .send()
                .await,
        ),
        ("razorpay", "list_payment_refunds") => result(
            rzp.list_payment_refunds()
                .payment_id(v("payment_id"))
                .send()
                .await,
        ),
        ("razorpay", "fetch_payment_refund") => result(
            rzp.fetch_payment_refund()
                .payment_id(v("payment_id"))
                .refund_id(v("refund_id"))
                .send()
                .await,
        ),
        ("razorpay", "list_refunds") => result(rzp.list_refunds().send().await),
        ("razorpay", "fetch_refund") => {
            result(rzp.fetch_refund().refund_id(v("refund_id")).send().await)
        }
        ("razorpay", "list_settlements") => result(rzp.list_settlements().send().await),
        ("razorpay", "fetch_settlement") => result(
            rzp.fetch_settlement()
                .settlement_id(v("settlement_id"))
                .send()
                .await,
        ),
        ("ippopay", "create_order") => result(
            ippo.create_order()
                .body(
                    it::CreateOrderRequest::builder()
                        .amount("1.00".parse::<ippopay::Rupees>().unwrap()),
                )
                .send()
                .await,
        ),
        ("ippopay", "fetch_order") => {
            result(ippo.fetch_order().order_id(v("order_id")).send().await)
        }
        ("ippopay", "fetch_order_transaction") => result(
            ippo.fetch_order_transaction()
                .order_id(v("order_id"))
                .send()
                .await,
        ),
        ("ippopay", "refund_order") => result(
            ippo.refund_order()
                .order_id(v("order_id"))
                .body(it::RefundRequest::builder())
                .send()
                .await,
        ),
        other => panic!("{other:?} is in the spec but not called by this test: add it"),
    }
}

#[tokio::test]
async fn no_path_parameter_value_can_change_the_endpoint() {
    let operations = spec_operations();
    // Both specs were read (19 operations when this was written); a new one panics in `call`.
    assert!(operations.len() >= 19, "{operations:?}");
    let with_parameters: BTreeSet<_> = operations
        .iter()
        .filter(|(_, params)| !params.is_empty())
        .map(|(op, _)| op.clone())
        .collect();
    assert!(with_parameters.len() >= 12, "{with_parameters:?}");

    let server = MockServer::start_async().await;
    let anything = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).body("{}");
        })
        .await;
    let rzp = common::razorpay(&server);
    let ippo = common::ippopay(&server);

    let mut checked = 0;
    for ((api, id), parameters) in &operations {
        // Every operation is known to `call` (which panics otherwise) ...
        if parameters.is_empty() {
            let _ = call(&rzp, &ippo, api, id, &BTreeMap::new()).await;
            continue;
        }
        // ... and each of its path parameters refuses each bad value.
        for bad_parameter in parameters {
            for bad in BAD_VALUES {
                let values: BTreeMap<String, &str> = parameters
                    .iter()
                    .map(|p| (p.clone(), if p == bad_parameter { bad } else { GOOD }))
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
    assert!(checked >= 13 * BAD_VALUES.len(), "{checked}");
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
