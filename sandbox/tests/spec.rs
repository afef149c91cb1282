//! The spec validator on paygate's real OpenAPI documents: routing, every documented example,
//! and the requests and responses the documents forbid.
//!
//! Limits (maxLength, minimum, ...) are read from the documents, so a changed limit moves the
//! tests with it.

use std::sync::LazyLock;

use http::{HeaderMap, HeaderValue, Method};
use paygate_sandbox::spec::{Route, RouteError, SpecValidator, Violation};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Value, json};

/// The bundled specs the client is generated from (root files and fragments).
const RAZORPAY: &str = paygate::razorpay::SPEC;
const IPPOPAY: &str = paygate::ippopay::SPEC;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Characters left as they are in a path segment; `@` is encoded to exercise decoding.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'_').remove(b'-').remove(b'.');

/// Built once per test binary: the validators are shared across threads, as in the server.
fn razorpay() -> &'static SpecValidator {
    static SPEC: LazyLock<SpecValidator> =
        LazyLock::new(|| SpecValidator::from_yaml(RAZORPAY).expect("razorpay.yaml compiles"));
    &SPEC
}

fn ippopay() -> &'static SpecValidator {
    static SPEC: LazyLock<SpecValidator> =
        LazyLock::new(|| SpecValidator::from_yaml(IPPOPAY).expect("ippopay.yaml compiles"));
    &SPEC
}

/// The document as JSON, read independently of the validator.
fn document(text: &str) -> Value {
    let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(text).unwrap();
    serde_json::to_value(yaml).unwrap()
}

fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    paygate_spec::resolve(doc, value, "").unwrap_or_else(|e| panic!("{e}"))
}

/// One operation as the document lists it.
struct Op<'a> {
    id: String,
    method: Method,
    template: String,
    item: &'a Value,
    op: &'a Value,
}

fn operations(doc: &Value) -> Vec<Op<'_>> {
    let mut out = Vec::new();
    for (template, item) in doc["paths"].as_object().unwrap() {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                out.push(Op {
                    id: op["operationId"].as_str().unwrap().to_owned(),
                    method: method.to_uppercase().parse().unwrap(),
                    template: template.clone(),
                    item,
                    op,
                });
            }
        }
    }
    out
}

/// A concrete path for `op`: each `{name}` replaced by the parameter's example (or a made-up
/// id), percent-encoded; with the decoded values expected back.
fn concrete_path(doc: &Value, op: &Op<'_>) -> (String, Vec<(String, String)>) {
    let declared: Vec<&Value> = [op.item.get("parameters"), op.op.get("parameters")]
        .into_iter()
        .flatten()
        .flat_map(|list| list.as_array().unwrap())
        .map(|p| resolve(doc, p))
        .collect();
    let mut path = String::new();
    let mut params = Vec::new();
    for segment in op.template.split('/').skip(1) {
        path.push('/');
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) => {
                let param = declared
                    .iter()
                    .find(|p| p["name"] == name && p["in"] == "path")
                    .unwrap_or_else(|| panic!("{} declares {name}", op.id));
                let value = param["example"]
                    .as_str()
                    .map_or_else(|| format!("{name}_1"), str::to_owned);
                path.push_str(&utf8_percent_encode(&value, SEGMENT).to_string());
                params.push((name.to_owned(), value));
            }
            None => path.push_str(segment),
        }
    }
    (path, params)
}

fn json_headers() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers
}

fn route(spec: &SpecValidator, method: Method, path: &str) -> Route {
    spec.route(&method, path)
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
}

fn body_request(
    spec: &SpecValidator,
    method: Method,
    path: &str,
    body: &Value,
) -> Result<(), Violation> {
    let route = route(spec, method, path);
    let body = serde_json::to_vec(body).unwrap();
    spec.validate_request(&route, &[], &json_headers(), Some(&body))
}

/// The JSON content type and every required header parameter of `op`, with the value its
/// schema lists first, or its example.
fn required_headers(doc: &Value, op: &Op<'_>) -> HeaderMap {
    let mut headers = json_headers();
    let parameters = paygate_spec::operations(doc)
        .into_iter()
        .find(|o| o.operation_id() == Some(op.id.as_str()))
        .map(|o| o.parameters(doc).unwrap())
        .unwrap_or_default();
    for parameter in parameters {
        if parameter.location != paygate_spec::ParameterIn::Header || !parameter.required {
            continue;
        }
        let value = parameter
            .schema
            .and_then(|s| s.get("enum")?.get(0)?.as_str())
            .or_else(|| parameter.value.get("example")?.as_str())
            .unwrap_or("x");
        headers.insert(
            http::HeaderName::from_bytes(parameter.name.as_bytes()).unwrap(),
            value.parse().unwrap(),
        );
    }
    headers
}

fn query_request(
    spec: &SpecValidator,
    path: &str,
    query: &[(&str, &str)],
) -> Result<(), Violation> {
    let route = route(spec, Method::GET, path);
    let query: Vec<(String, String)> = query
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    spec.validate_request(&route, &query, &HeaderMap::new(), None)
}

/// Asserts a violation of `field`, returning it for further checks.
#[track_caller]
fn violation_of(result: Result<(), Violation>, field: &str) -> Violation {
    match result {
        Ok(()) => panic!("accepted, expected a violation of {field}"),
        Err(v) => {
            assert_eq!(v.field, field, "wrong field in {v:?}");
            v
        }
    }
}

#[test]
fn validators_are_send_and_sync() {
    fn send_sync<T: Send + Sync + 'static>() {}
    send_sync::<SpecValidator>();
}

#[test]
fn every_operation_of_both_documents_routes_with_its_path_parameters() {
    let mut total = 0;
    // Every operation Razorpay's official SDKs call, and Ippopay's four.
    for (text, spec, expected) in [(RAZORPAY, razorpay(), 153), (IPPOPAY, ippopay(), 4)] {
        let doc = document(text);
        let ops = operations(&doc);
        assert_eq!(ops.len(), expected, "operations in the document");
        let mut listed: Vec<String> = spec.operations().map(|o| o.operation_id.clone()).collect();
        let mut from_doc: Vec<String> = ops.iter().map(|o| o.id.clone()).collect();
        listed.sort();
        from_doc.sort();
        assert_eq!(listed, from_doc);
        for op in &ops {
            let (path, params) = concrete_path(&doc, op);
            let found = route(spec, op.method.clone(), &path);
            assert_eq!(found.operation_id, op.id, "{} {path}", op.method);
            assert_eq!(found.path_template, op.template);
            assert_eq!(found.path_params, params, "{path}");
            total += 1;
        }
        assert_eq!(spec.base_path(), "/v1");
    }
    assert_eq!(total, 157);
}

#[test]
fn unknown_paths_and_methods_are_told_apart() {
    let spec = razorpay();
    assert_eq!(
        spec.route(&Method::GET, "/nothing"),
        Err(RouteError::NotFound)
    );
    assert_eq!(
        spec.route(&Method::GET, "/orders/"),
        Err(RouteError::NotFound)
    );
    assert_eq!(
        spec.route(&Method::GET, "/orders/a/b/c"),
        Err(RouteError::NotFound)
    );
    match spec.route(&Method::DELETE, "/orders/order_X") {
        Err(RouteError::MethodNotAllowed { mut allowed }) => {
            allowed.sort_by_key(|m| m.to_string());
            assert_eq!(allowed, vec![Method::GET, Method::PATCH]);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(spec.relative_path("/v1/orders"), Some("/orders"));
    assert_eq!(spec.relative_path("/v1"), Some(""));
    assert_eq!(spec.relative_path("/v10/orders"), None);
    assert_eq!(spec.relative_path("/orders"), None);
    let found = route(spec, Method::GET, "/orders/order_X/payments?expand[]=card");
    assert_eq!(found.operation_id, "list_order_payments");
    assert_eq!(found.param("order_id"), Some("order_X"));
}

#[test]
fn ippopay_paths_whose_templates_overlap_route_by_method() {
    let spec = ippopay();
    assert_eq!(
        route(spec, Method::POST, "/order/create").operation_id,
        "create_order"
    );
    let fetch = route(spec, Method::GET, "/order/order_G@nzg3qBq");
    assert_eq!(fetch.operation_id, "fetch_order");
    assert_eq!(fetch.param("order_id"), Some("order_G@nzg3qBq"));
    let refund = route(spec, Method::POST, "/order/refund/transaction");
    assert_eq!(refund.operation_id, "refund_order");
    assert_eq!(refund.param("order_id"), Some("transaction"));
    let transaction = route(spec, Method::GET, "/order/refund/transaction");
    assert_eq!(transaction.operation_id, "fetch_order_transaction");
    assert_eq!(transaction.param("order_id"), Some("refund"));
    assert!(matches!(
        spec.route(&Method::DELETE, "/order/create"),
        Err(RouteError::MethodNotAllowed { .. })
    ));
}

/// Every `example`/`examples` value under `content` of `holder`.
fn examples<'a>(doc: &'a Value, holder: &'a Value) -> Vec<(String, &'a Value)> {
    let mut out = Vec::new();
    let Some(content) = holder.get("content").and_then(Value::as_object) else {
        return out;
    };
    for (media, entry) in content {
        if let Some(example) = entry.get("example") {
            out.push((format!("{media} example"), example));
        }
        for (name, example) in entry
            .get("examples")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let value = &resolve(doc, example)["value"];
            out.push((format!("{media} examples.{name}"), value));
        }
    }
    out
}

#[test]
fn every_documented_response_example_validates_against_its_schema() {
    let mut checked = 0;
    for (text, spec) in [(RAZORPAY, razorpay()), (IPPOPAY, ippopay())] {
        let doc = document(text);
        for op in operations(&doc) {
            for (status, response) in op.op["responses"].as_object().unwrap() {
                let code: u16 = match status.strip_suffix("XX") {
                    Some(class) => class.parse::<u16>().unwrap() * 100 + 3,
                    None => status.parse().unwrap(),
                };
                for (name, example) in examples(&doc, resolve(&doc, response)) {
                    let body = serde_json::to_vec(example).unwrap();
                    if let Err(v) = spec.validate_response(&op.id, code, &body) {
                        panic!("{} {status} {name}: {v:?}", op.id);
                    }
                    checked += 1;
                }
            }
        }
    }
    // Razorpay documents dozens, Ippopay a dozen: an empty walk would prove nothing.
    assert!(checked >= 40, "only {checked} examples found");
}

#[test]
fn every_documented_request_example_validates_against_its_schema() {
    let mut checked = 0;
    for (text, spec) in [(RAZORPAY, razorpay()), (IPPOPAY, ippopay())] {
        let doc = document(text);
        for op in operations(&doc) {
            let Some(body) = op.op.get("requestBody") else {
                continue;
            };
            let (path, _) = concrete_path(&doc, &op);
            for (name, example) in examples(&doc, resolve(&doc, body)) {
                // A file upload's example stands for multipart parts, not a JSON body: its
                // fields are checked by the client's wire test (`tests/it/operation_shapes.rs`).
                if name.starts_with("multipart/form-data") {
                    continue;
                }
                let route = route(spec, op.method.clone(), &path);
                let body = serde_json::to_vec(example).unwrap();
                let headers = required_headers(&doc, &op);
                if let Err(v) = spec.validate_request(&route, &[], &headers, Some(&body)) {
                    panic!("{} {name}: {v:?}", op.id);
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 8, "only {checked} examples found");
}

fn payment() -> Value {
    json!({
        "id": "pay_29QQoUBi66xm2f",
        "entity": "payment",
        "amount": 5000,
        "currency": "INR",
        "status": "captured",
        "created_at": 1400826750,
    })
}

fn with(mut value: Value, key: &str, field: Value) -> Value {
    value[key] = field;
    value
}

fn payment_response(body: &Value) -> Result<(), Violation> {
    razorpay().validate_response("fetch_payment", 200, &serde_json::to_vec(body).unwrap())
}

#[test]
fn responses_keep_open_enums_unknown_fields_and_documented_nulls() {
    assert_eq!(payment_response(&payment()), Ok(()));
    for (key, value) in [
        ("status", json!("a_status_added_later")),
        ("method", json!("cardless_emi")),
        ("refund_status", json!("a_refund_status_added_later")),
        ("refund_status", json!(null)),
        ("refund_status", json!("partial")),
        ("order_id", json!(null)),
        ("fee", json!(null)),
        ("acquirer_data", json!(null)),
        ("acquirer_data", json!({"rrn": "123"})),
        ("notes", json!([])),
        ("notes", json!({"k": "v"})),
        ("field_added_later", json!({"any": "thing"})),
    ] {
        let body = with(payment(), key, value.clone());
        assert_eq!(payment_response(&body), Ok(()), "{key}: {value}");
    }
}

#[test]
fn responses_with_wrong_types_or_undocumented_nulls_are_rejected() {
    for (key, value) in [
        ("status", json!(null)),
        ("amount", json!(null)),
        ("id", json!(null)),
        ("amount", json!("5000")),
        ("amount", json!(50.5)),
        ("refund_status", json!(7)),
        ("notes", json!("none")),
        ("captured", json!("yes")),
    ] {
        let body = with(payment(), key, value.clone());
        let v = violation_of(payment_response(&body), key);
        assert_eq!(v.value.as_deref(), Some(&*render(&value)), "{v:?}");
    }
    // Through the nullable wrapper and the open enum, the message says what is allowed.
    let v = violation_of(
        payment_response(&with(payment(), "refund_status", json!(7))),
        "refund_status",
    );
    assert!(
        v.message.contains("\"null\"") && v.message.contains("\"string\""),
        "{v:?}"
    );
    // `notes` is an object or an array: a bad value inside the object is named.
    let v = violation_of(
        payment_response(&with(payment(), "notes", json!({"key1": 5}))),
        "notes.key1",
    );
    assert_eq!(v.value.as_deref(), Some("5"));
    let mut missing = payment();
    missing.as_object_mut().unwrap().remove("created_at");
    let v = violation_of(payment_response(&missing), "created_at");
    assert_eq!(v.value, None);

    let page = json!({"entity": "collection", "count": 1, "items": [with(payment(), "status", json!(null))]});
    let body = serde_json::to_vec(&page).unwrap();
    violation_of(
        razorpay().validate_response("list_payments", 200, &body),
        "items[0].status",
    );
}

fn render(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[test]
fn response_statuses_must_be_documented() {
    let spec = razorpay();
    let error =
        serde_json::to_vec(&json!({"error": {"code": "BAD_REQUEST_ERROR", "description": "x"}}))
            .unwrap();
    assert_eq!(spec.validate_response("fetch_order", 404, &error), Ok(()));
    // 5XX covers every server error.
    assert_eq!(spec.validate_response("fetch_order", 502, &error), Ok(()));
    // create_order documents no 404.
    let v = violation_of(
        spec.validate_response("create_order", 404, &error),
        "status",
    );
    assert_eq!(v.value.as_deref(), Some("404"));
    violation_of(spec.validate_response("fetch_order", 302, &[]), "status");
    violation_of(spec.validate_response("fetch_order", 200, &[]), "body");
    violation_of(spec.validate_response("fetch_order", 200, b"{"), "body");
    violation_of(
        spec.validate_response("no_such_operation", 200, &error),
        "operation",
    );
    // An error body missing its required `error.description`.
    let bad = serde_json::to_vec(&json!({"error": {"code": "BAD_REQUEST_ERROR"}})).unwrap();
    violation_of(
        spec.validate_response("fetch_order", 400, &bad),
        "error.description",
    );
}

fn create_order() -> Value {
    json!({
        "amount": 5000,
        "currency": "INR",
        "receipt": "receipt#1",
        "notes": {"key1": "value3"},
    })
}

fn razorpay_create(body: &Value) -> Result<(), Violation> {
    body_request(razorpay(), Method::POST, "/orders", body)
}

/// A number the document states at `pointer`.
fn limit(text: &str, pointer: &str) -> i64 {
    document(text)
        .pointer(pointer)
        .and_then(Value::as_i64)
        .unwrap_or_else(|| panic!("{pointer} is not in the document"))
}

#[test]
fn a_valid_create_order_is_accepted() {
    assert_eq!(razorpay_create(&create_order()), Ok(()));
}

#[test]
fn create_order_fields_are_checked_against_the_document() {
    let v = violation_of(
        razorpay_create(&with(create_order(), "amount", json!("5000"))),
        "amount",
    );
    assert_eq!(v.value.as_deref(), Some("5000"));

    let mut missing = create_order();
    missing.as_object_mut().unwrap().remove("amount");
    let v = violation_of(razorpay_create(&missing), "amount");
    assert_eq!(v.value, None);

    let minimum = limit(
        RAZORPAY,
        "/components/schemas/CreateOrderRequest/properties/amount/minimum",
    );
    assert_eq!(
        razorpay_create(&with(create_order(), "amount", json!(minimum))),
        Ok(())
    );
    violation_of(
        razorpay_create(&with(create_order(), "amount", json!(minimum - 1))),
        "amount",
    );
    violation_of(
        razorpay_create(&with(create_order(), "amount", json!(1e30))),
        "amount",
    );

    let max = limit(
        RAZORPAY,
        "/components/schemas/CreateOrderRequest/properties/receipt/maxLength",
    ) as usize;
    let at_limit = "r".repeat(max);
    assert_eq!(
        razorpay_create(&with(create_order(), "receipt", json!(at_limit))),
        Ok(())
    );
    let over = "r".repeat(max + 1);
    let v = violation_of(
        razorpay_create(&with(create_order(), "receipt", json!(over))),
        "receipt",
    );
    assert_eq!(v.value.as_deref(), Some(&*over));

    let v = violation_of(
        razorpay_create(&with(create_order(), "notes", json!({"key1": 5}))),
        "notes.key1",
    );
    assert_eq!(v.value.as_deref(), Some("5"));
    let max_notes = limit(RAZORPAY, "/components/schemas/NotesInput/maxProperties");
    let too_many: serde_json::Map<String, Value> = (0..=max_notes)
        .map(|i| (format!("k{i}"), json!("v")))
        .collect();
    violation_of(
        razorpay_create(&with(create_order(), "notes", Value::Object(too_many))),
        "notes",
    );
    violation_of(
        razorpay_create(&with(create_order(), "method", json!("card"))),
        "method",
    );
    violation_of(
        razorpay_create(&with(
            create_order(),
            "bank_account",
            json!({"name": "A", "ifsc": "B"}),
        )),
        "bank_account.account_number",
    );
    violation_of(razorpay_create(&json!([1, 2])), "body");
}

#[test]
fn create_order_bodies_that_are_missing_malformed_or_not_json_are_rejected() {
    let spec = razorpay();
    let route = route(spec, Method::POST, "/orders");
    violation_of(
        spec.validate_request(&route, &[], &json_headers(), None),
        "body",
    );
    violation_of(
        spec.validate_request(&route, &[], &json_headers(), Some(b"")),
        "body",
    );
    let v = violation_of(
        spec.validate_request(&route, &[], &json_headers(), Some(b"{\"amount\": 5000,")),
        "body",
    );
    assert!(v.message.contains("JSON"), "{v:?}");
    let body = serde_json::to_vec(&create_order()).unwrap();
    let mut form = HeaderMap::new();
    form.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    let v = violation_of(
        spec.validate_request(&route, &[], &form, Some(&body)),
        "Content-Type",
    );
    assert_eq!(
        v.value.as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    violation_of(
        spec.validate_request(&route, &[], &HeaderMap::new(), Some(&body)),
        "Content-Type",
    );
    let mut charset = HeaderMap::new();
    charset.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("Application/JSON; charset=utf-8"),
    );
    assert_eq!(
        spec.validate_request(&route, &[], &charset, Some(&body)),
        Ok(())
    );
    // A body where the operation takes none.
    let fetch = self::route(spec, Method::GET, "/orders/order_X");
    violation_of(
        spec.validate_request(&fetch, &[], &json_headers(), Some(&body)),
        "body",
    );
}

#[test]
fn list_query_parameters_are_read_as_their_declared_types() {
    let spec = razorpay();
    assert_eq!(query_request(spec, "/orders", &[]), Ok(()));
    assert_eq!(
        query_request(
            spec,
            "/orders",
            &[
                ("count", "10"),
                ("skip", "0"),
                ("from", "1400826740"),
                ("authorized", "1"),
                ("expand[]", "payments"),
                ("expand[]", "payments.card"),
                ("unrelated", "x")
            ]
        ),
        Ok(())
    );
    let v = violation_of(query_request(spec, "/orders", &[("count", "0")]), "count");
    assert_eq!(v.value.as_deref(), Some("0"));
    let v = violation_of(query_request(spec, "/orders", &[("count", "abc")]), "count");
    assert_eq!(v.value.as_deref(), Some("abc"));
    let max = limit(RAZORPAY, "/components/parameters/Count/schema/maximum");
    assert_eq!(
        query_request(spec, "/payments", &[("count", &max.to_string())]),
        Ok(())
    );
    violation_of(
        query_request(spec, "/payments", &[("count", &(max + 1).to_string())]),
        "count",
    );
    violation_of(
        query_request(spec, "/refunds", &[("count", "1.5")]),
        "count",
    );
    violation_of(query_request(spec, "/refunds", &[("count", "")]), "count");
    violation_of(
        query_request(spec, "/settlements", &[("count", "5"), ("count", "6")]),
        "count",
    );
    violation_of(
        query_request(spec, "/settlements", &[("skip", "-1")]),
        "skip",
    );
    violation_of(
        query_request(spec, "/orders", &[("authorized", "2")]),
        "authorized",
    );
    violation_of(
        query_request(spec, "/orders", &[("authorized", "true")]),
        "authorized",
    );
    let long = "r".repeat(41);
    violation_of(
        query_request(spec, "/orders", &[("receipt", &long)]),
        "receipt",
    );
}

#[test]
fn refund_idempotency_header_and_optional_body_follow_the_document() {
    let spec = razorpay();
    let route = route(spec, Method::POST, "/payments/pay_X/refund");
    assert_eq!(route.param("payment_id"), Some("pay_X"));
    assert_eq!(
        spec.validate_request(&route, &[], &HeaderMap::new(), None),
        Ok(())
    );
    let min = limit(
        RAZORPAY,
        "/components/schemas/RefundIdempotencyKey/minLength",
    ) as usize;
    let mut headers = json_headers();
    let key = "k".repeat(min);
    headers.insert("x-refund-idempotency", HeaderValue::from_str(&key).unwrap());
    assert_eq!(
        spec.validate_request(&route, &[], &headers, Some(b"{}")),
        Ok(())
    );
    let short = "k".repeat(min - 1);
    headers.insert(
        "X-Refund-Idempotency",
        HeaderValue::from_str(&short).unwrap(),
    );
    let v = violation_of(
        spec.validate_request(&route, &[], &headers, Some(b"{}")),
        "X-Refund-Idempotency",
    );
    assert_eq!(v.value.as_deref(), Some(&*short));
    let v = violation_of(
        body_request(
            spec,
            Method::POST,
            "/payments/pay_X/refund",
            &json!({"speed": "superfast"}),
        ),
        "speed",
    );
    assert_eq!(v.value.as_deref(), Some("superfast"));
}

#[test]
fn ippopay_amounts_are_decimal_rupees() {
    let spec = ippopay();
    for amount in [json!(100.5), json!(100), json!(0.98)] {
        assert_eq!(
            body_request(
                spec,
                Method::POST,
                "/order/create",
                &json!({"amount": amount})
            ),
            Ok(()),
            "{amount}"
        );
    }
    violation_of(
        body_request(
            spec,
            Method::POST,
            "/order/create",
            &json!({"amount": "100.00"}),
        ),
        "amount",
    );
    violation_of(
        body_request(spec, Method::POST, "/order/create", &json!({})),
        "amount",
    );
    violation_of(
        body_request(
            spec,
            Method::POST,
            "/order/create",
            &json!({"amount": 1, "customer": {"phone": {"national_number": 98765}}}),
        ),
        "customer.phone.national_number",
    );
    assert_eq!(
        body_request(
            spec,
            Method::POST,
            "/order/refund/order_G%40nzg3qBq",
            &json!({"refund_amt": 0.5})
        ),
        Ok(())
    );
}

#[test]
fn a_broken_document_fails_at_start() {
    let valid = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /things:\n    post:\n      operationId: make\n      requestBody:\n        content:\n          application/json:\n            schema: SCHEMA\n      responses:\n        '200': {description: ok}\n";
    let with_schema = |schema: &str| valid.replace("SCHEMA", schema);
    assert!(SpecValidator::from_yaml(&with_schema("{type: object}")).is_ok());
    for (schema, why) in [
        ("{$ref: '#/components/schemas/Missing'}", "a dangling $ref"),
        ("{$ref: 'https://example.com/s.json'}", "a remote $ref"),
        ("{type: string, pattern: '['}", "a pattern that is no regex"),
        ("{type: 7}", "a type that is no type"),
    ] {
        let error = SpecValidator::from_yaml(&with_schema(schema));
        assert!(error.is_err(), "{why} was accepted");
    }
    assert!(
        SpecValidator::from_yaml("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n")
            .is_err()
    );
    assert!(SpecValidator::from_yaml(&valid.replace("operationId: make\n", "")).is_err());
    assert!(SpecValidator::from_yaml(&valid.replace("/things", "/things/{id}")).is_err());
}

#[test]
fn every_webhook_example_validates_against_its_component_schema() {
    let doc = document(RAZORPAY);
    let mut checked = 0;
    for (event, item) in doc["x-webhooks"].as_object().expect("x-webhooks") {
        let body = &item["post"]["requestBody"];
        let content = &body["content"]["application/json"];
        let reference = content["schema"]["$ref"].as_str().unwrap();
        let name = reference.strip_prefix("#/components/schemas/").unwrap();
        for (example, value) in examples(&doc, body) {
            let json = serde_json::to_vec(value).unwrap();
            if let Err(v) = razorpay().validate_schema(name, &json) {
                panic!("{event} {example}: {v:?}");
            }
            checked += 1;
        }
    }
    assert!(checked >= 8, "only {checked} webhook examples");
    let unknown_event =
        json!({"entity": "event", "event": "an.event_added_later", "payload": {}, "created_at": 1});
    let json = serde_json::to_vec(&unknown_event).unwrap();
    assert_eq!(razorpay().validate_schema("WebhookEvent", &json), Ok(()));
    let json = serde_json::to_vec(&with(unknown_event, "created_at", json!("yesterday"))).unwrap();
    violation_of(
        razorpay().validate_schema("WebhookEvent", &json),
        "created_at",
    );
    violation_of(razorpay().validate_schema("NoSuchSchema", b"{}"), "schema");
}

/// Parameter styles, types and response fallbacks the two documents do not use yet.
const SYNTHETIC: &str = r#"
openapi: 3.0.3
info: {title: synthetic, version: '1'}
servers:
  - url: 'https://{host}/api/{version}'
    variables:
      host: {default: example.com}
      version: {default: v2}
paths:
  /items/{item_id}:
    parameters:
      - {name: item_id, in: path, required: true, schema: {type: integer, minimum: 1}}
    get:
      operationId: get_item
      parameters:
        - {name: ids, in: query, style: form, explode: false, schema: {type: array, items: {type: integer}, maxItems: 3}}
        - {name: live, in: query, schema: {type: boolean}}
        - {name: ratio, in: query, schema: {type: number, exclusiveMaximum: true, maximum: 1}}
        - {name: X-Tags, in: header, required: true, schema: {type: array, items: {type: string, enum: [a, b]}}}
        - {name: Authorization, in: header, required: true, schema: {type: string}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: object, required: [id], properties: {id: {type: integer}}}
        '204': {description: nothing}
        4XX:
          description: client error
          content:
            application/json:
              schema: {type: object, required: [error], properties: {error: {type: string}}}
        default:
          description: anything else
          content:
            text/plain:
              schema: {type: string}
"#;

#[test]
fn parameter_styles_types_and_response_fallbacks_of_a_synthetic_document() {
    let spec = SpecValidator::from_yaml(SYNTHETIC).unwrap();
    assert_eq!(spec.base_path(), "/api/v2");
    let found = route(&spec, Method::GET, "/items/7");
    assert_eq!(found.param("item_id"), Some("7"));
    let mut headers = HeaderMap::new();
    headers.insert("x-tags", HeaderValue::from_static("a,b"));
    let check = |query: &[(&str, &str)], headers: &HeaderMap| {
        let query: Vec<(String, String)> = query
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        spec.validate_request(&found, &query, headers, None)
    };
    // Authorization is described by the security scheme, so the parameter is ignored.
    assert_eq!(
        check(
            &[("ids", "1,2,3"), ("live", "true"), ("ratio", "0.5")],
            &headers
        ),
        Ok(())
    );
    violation_of(check(&[("ids", "1,2,3,4")], &headers), "ids");
    violation_of(check(&[("ids", "1,x")], &headers), "ids");
    violation_of(check(&[("live", "yes")], &headers), "live");
    violation_of(check(&[("ratio", "1")], &headers), "ratio");
    violation_of(check(&[("ratio", "half")], &headers), "ratio");
    let v = violation_of(check(&[], &HeaderMap::new()), "X-Tags");
    assert_eq!(v.value, None);
    let mut wrong = HeaderMap::new();
    wrong.insert("x-tags", HeaderValue::from_static("a,c"));
    let v = violation_of(check(&[], &wrong), "X-Tags[1]");
    assert_eq!(v.value.as_deref(), Some("c"));

    let zero = route(&spec, Method::GET, "/items/0");
    violation_of(spec.validate_request(&zero, &[], &headers, None), "item_id");
    let text = route(&spec, Method::GET, "/items/abc");
    let v = violation_of(spec.validate_request(&text, &[], &headers, None), "item_id");
    assert_eq!(v.value.as_deref(), Some("abc"));

    assert_eq!(
        spec.validate_response("get_item", 200, br#"{"id": 1}"#),
        Ok(())
    );
    violation_of(
        spec.validate_response("get_item", 200, br#"{"id": "1"}"#),
        "id",
    );
    assert_eq!(spec.validate_response("get_item", 204, b""), Ok(()));
    violation_of(spec.validate_response("get_item", 204, b"{}"), "body");
    assert_eq!(
        spec.validate_response("get_item", 429, br#"{"error": "slow down"}"#),
        Ok(())
    );
    violation_of(spec.validate_response("get_item", 429, br#"{}"#), "error");
    // `default` covers the rest; its body is not JSON, so it is not parsed.
    assert_eq!(spec.validate_response("get_item", 503, b"down"), Ok(()));
}
