//! Every check of `spec-check` proven able to fail: a known-good fixture spec passes, and each
//! deliberately broken copy of it is reported with the expected line.

use paygate_codegen::Api;
use serde_json::{Value, json};
use xtask::{Document, check_document};

const FIXTURE: &str = include_str!("fixtures/shop.yaml");
const FILE: &str = "openapi/shop.yaml";
const SHOP: Api = Api {
    name: "shop",
    spec: "openapi/shop.yaml",
    gateway: "Shop",
    replacements: &[],
    grouped: false,
    kept_schemas: &[],
};

fn fixture() -> Value {
    serde_yaml_ng::from_str(FIXTURE).expect("fixture is YAML")
}

fn to_yaml(spec: &Value) -> String {
    serde_yaml_ng::to_string(spec).expect("serializable")
}

/// The problems `check_document` reports for the fixture after `edit`.
fn problems_after(edit: impl FnOnce(&mut Value)) -> Vec<String> {
    let mut spec = fixture();
    edit(&mut spec);
    check_document(FILE, &to_yaml(&spec))
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[track_caller]
fn assert_reported(problems: &[String], expected: &str) {
    assert!(
        problems.iter().any(|p| p == expected),
        "expected the line\n  {expected}\namong\n  {}",
        problems.join("\n  ")
    );
}

#[track_caller]
fn assert_reported_starting(problems: &[String], prefix: &str) {
    assert!(
        problems.iter().any(|p| p.starts_with(prefix)),
        "expected a line starting with\n  {prefix}\namong\n  {}",
        problems.join("\n  ")
    );
}

fn order_post(spec: &mut Value) -> &mut Value {
    &mut spec["paths"]["/orders"]["post"]
}

#[test]
fn the_fixture_passes_every_document_check() {
    let problems = check_document(FILE, FIXTURE);
    assert!(problems.is_empty(), "{problems:#?}");
}

// 1. OpenAPI 3.0.x, every $ref resolves, no unused components.

#[test]
fn rejects_a_document_that_is_not_openapi_3_0() {
    let problems = problems_after(|s| s["openapi"] = json!("3.1.0"));
    assert_eq!(
        problems,
        [r#"openapi/shop.yaml: openapi: version "3.1.0" is not OpenAPI 3.0.x"#]
    );
}

#[test]
fn rejects_a_document_that_does_not_parse_into_openapi_types() {
    let problems = problems_after(|s| s["paths"]["/orders"]["post"]["responses"] = json!(["200"]));
    assert_reported_starting(
        &problems,
        "openapi/shop.yaml: paths./orders.post.responses: not a valid OpenAPI 3.0 document: ",
    );
    let problems: Vec<String> = check_document(FILE, "openapi: 3.0.3\ninfo: [\n")
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_reported_starting(&problems, "openapi/shop.yaml: (document): not YAML: ");
}

#[test]
fn reports_a_broken_ref() {
    let problems = problems_after(|s| {
        s["components"]["schemas"]["Order"]["properties"]["status"] =
            json!({"$ref": "#/components/schemas/OrderState"});
    });
    assert_reported(
        &problems,
        "openapi/shop.yaml: components.schemas.Order.properties.status: $ref #/components/schemas/OrderState does not resolve",
    );
}

#[test]
fn reports_a_ref_to_another_file() {
    let problems = problems_after(|s| {
        s["components"]["schemas"]["Order"]["properties"]["id"] =
            json!({"$ref": "common.yaml#/Id"});
    });
    assert_reported(
        &problems,
        "openapi/shop.yaml: components.schemas.Order.properties.id: $ref common.yaml#/Id is not local; the spec must be one self-contained document",
    );
}

#[test]
fn reports_unused_components() {
    let problems = problems_after(|s| {
        s["components"]["schemas"]["Customer"] = json!({"type": "object"});
        s["components"]["examples"]["Unused"] = json!({"value": 1});
        // Only reachable through an unused component: unused too.
        s["components"]["schemas"]["Customer"]["properties"] =
            json!({"x": {"$ref": "#/components/schemas/Address"}});
        s["components"]["schemas"]["Address"] = json!({"type": "string"});
    });
    for name in ["schemas.Customer", "schemas.Address", "examples.Unused"] {
        assert_reported(
            &problems,
            &format!(
                "openapi/shop.yaml: components.{name}: unused component: nothing refers to it"
            ),
        );
    }
    assert_eq!(problems.len(), 3, "{problems:#?}");
}

// 2. Operations.

#[test]
fn reports_a_missing_operation_id() {
    let problems = problems_after(|s| {
        order_post(s).as_object_mut().unwrap().remove("operationId");
    });
    assert_reported(
        &problems,
        "openapi/shop.yaml: paths./orders.post: no operationId",
    );
}

#[test]
fn reports_operation_ids_that_are_not_snake_case_or_not_unique() {
    let problems = problems_after(|s| {
        order_post(s)["operationId"] = json!("createOrder");
        s["paths"]["/orders"]["get"]["operationId"] = json!("fetch_order");
    });
    assert_reported(
        &problems,
        r#"openapi/shop.yaml: paths./orders.post: operationId "createOrder" is not snake_case"#,
    );
    assert_reported(
        &problems,
        r#"openapi/shop.yaml: paths./orders/{order_id}.get: operationId "fetch_order" is also used by paths./orders.get"#,
    );
}

#[test]
fn reports_tag_and_summary_problems() {
    let problems = problems_after(|s| {
        order_post(s)["tags"] = json!(["orders", "refunds"]);
        s["paths"]["/orders"]["get"]["tags"] = json!(["settlements"]);
        s["paths"]["/orders"]["get"]
            .as_object_mut()
            .unwrap()
            .remove("summary");
        s["tags"][1].as_object_mut().unwrap().remove("description");
    });
    assert_reported(
        &problems,
        "openapi/shop.yaml: paths./orders.post: has 2 tags; needs exactly one",
    );
    assert_reported(
        &problems,
        r#"openapi/shop.yaml: paths./orders.get: tag "settlements" is not declared in the top-level `tags`"#,
    );
    assert_reported(
        &problems,
        "openapi/shop.yaml: paths./orders.get: no summary",
    );
    assert_reported(
        &problems,
        r#"openapi/shop.yaml: tags[1]: tag "refunds" has no description"#,
    );
}

#[test]
fn reports_missing_success_and_error_responses() {
    let problems = problems_after(|s| {
        let responses = order_post(s)["responses"].as_object_mut().unwrap();
        responses.remove("200");
        let get = s["paths"]["/orders"]["get"]["responses"]
            .as_object_mut()
            .unwrap();
        get.remove("401");
    });
    assert_reported(
        &problems,
        "openapi/shop.yaml: paths./orders.post: no 2xx response",
    );
    assert_reported(
        &problems,
        "openapi/shop.yaml: paths./orders.get: no 4xx response: document the errors with the shared error response",
    );
}

#[test]
fn reports_error_responses_without_the_shared_error_schema() {
    let problems = problems_after(|s| {
        order_post(s)["responses"]["404"] = json!({"description": "Not found."});
        s["components"]["responses"]["Unauthorized"]["content"]["application/json"]["schema"] =
            json!({"type": "object"});
    });
    assert_reported(
        &problems,
        "openapi/shop.yaml: paths./orders.post: response 404: is inline; refer to a shared response in `components/responses`",
    );
    assert_reported(
        &problems,
        "openapi/shop.yaml: paths./orders.post: response 401: #/components/responses/Unauthorized does not use the shared error schema #/components/schemas/ErrorResponse",
    );
}

#[test]
fn reports_path_parameters_that_are_not_declared_or_not_used() {
    let problems = problems_after(|s| {
        let paths = s["paths"].as_object_mut().unwrap();
        let refund = paths.remove("/payments/{payment_id}/refund").unwrap();
        paths.insert("/payments/{id}/refund".into(), refund);
    });
    assert_reported(
        &problems,
        "openapi/shop.yaml: paths./payments/{id}/refund.post: path parameter {id} is not declared",
    );
    assert_reported(
        &problems,
        r#"openapi/shop.yaml: paths./payments/{id}/refund.post: path parameter "payment_id" is declared but not used in the path /payments/{id}/refund"#,
    );
}

// 3. Examples.

#[test]
fn reports_an_example_that_violates_its_schema() {
    let problems = problems_after(|s| {
        order_post(s)["requestBody"]["content"]["application/json"]["example"]["amount"] =
            json!("500.00");
    });
    assert_reported(
        &problems,
        r#"openapi/shop.yaml: paths./orders.post.requestBody.content.application/json.example: example does not match its schema: at /amount: "500.00" is not of type "integer""#,
    );
}

#[test]
fn reports_schema_parameter_and_named_examples() {
    let problems = problems_after(|s| {
        s["components"]["schemas"]["Order"]["properties"]["id"]["example"] = json!(42);
        s["paths"]["/orders"]["get"]["parameters"][0]["example"] = json!(500);
        s["components"]["examples"]["OneOrder"]["value"]["items"][0]["status"] = json!(3);
        s["paths"]["/orders"]["post"]["responses"]["200"]["content"]["application/json"]["example"]
            .as_object_mut()
            .unwrap()
            .remove("entity");
    });
    assert_reported_starting(
        &problems,
        "openapi/shop.yaml: components.schemas.Order.properties.id.example: example does not match its schema: 42 is not of type \"string\"",
    );
    assert_reported_starting(
        &problems,
        "openapi/shop.yaml: paths./orders.get.parameters[0].example: example does not match its schema: 500 is greater than the maximum of 100",
    );
    assert_reported_starting(
        &problems,
        "openapi/shop.yaml: paths./orders.get.responses.200.content.application/json.examples.one: example does not match its schema: at /items/0/status: ",
    );
    assert_reported(
        &problems,
        r#"openapi/shop.yaml: paths./orders.post.responses.200.content.application/json.example: example does not match its schema: "entity" is a required property"#,
    );
}

#[test]
fn nullable_allows_null_and_only_where_declared() {
    // The fixture's examples send `receipt: null` and `speed_processed: null` (an open enum
    // reference or `NullValue`) and pass; an unknown open-enum value passes too.
    let problems = problems_after(|s| {
        s["components"]["examples"]["OneOrder"]["value"]["items"][0]["status"] =
            json!("partially_paid");
    });
    assert!(problems.is_empty(), "{problems:#?}");

    let problems = problems_after(|s| {
        s["components"]["schemas"]["Order"]["properties"]["receipt"]
            .as_object_mut()
            .unwrap()
            .remove("nullable");
        // The lenient reading some tools apply and OpenAPI 3.0.3 does not: `nullable` beside
        // `allOf: [$ref]` with no `type` admits nothing more.
        s["components"]["schemas"]["Refund"]["properties"]["speed_processed"] = json!({
            "nullable": true,
            "allOf": [{"$ref": "#/components/schemas/RefundSpeed"}],
        });
    });
    assert_reported(
        &problems,
        r#"openapi/shop.yaml: paths./orders.get.responses.200.content.application/json.examples.one: example does not match its schema: at /items/0/receipt: null is not of type "string""#,
    );
    assert_reported_starting(
        &problems,
        "openapi/shop.yaml: paths./payments/{payment_id}/refund.post.responses.200.content.application/json.example: example does not match its schema: at /speed_processed: null ",
    );
}

#[test]
fn checks_webhook_examples_and_reads_webhook_payloads_like_responses() {
    let problems = problems_after(|s| {
        let webhook = &mut s["x-webhooks"]["refund.processed"]["post"]["requestBody"]["content"]["application/json"];
        webhook["example"]["refund"]["amount"] = json!(-1.5);
        s["components"]["schemas"]["RefundEvent"]["properties"]["event"]["enum"] =
            json!(["refund.processed"]);
    });
    assert_reported(
        &problems,
        r#"openapi/shop.yaml: x-webhooks.refund.processed.post.requestBody.content.application/json.example: example does not match its schema: at /refund/amount: -1.5 is not of type "integer""#,
    );
    assert_reported(
        &problems,
        r#"openapi/shop.yaml: components.schemas.RefundEvent.properties.event: closed enum ["refund.processed"] in a response schema; use an open enum (see openapi/README.md)"#,
    );
    assert_eq!(problems.len(), 2, "{problems:#?}");

    let problems = problems_after(|s| {
        s["x-webhooks"]["refund.processed"]["post"]["requestBody"]["content"]["application/json"]
            ["schema"] = json!({"$ref": "#/components/schemas/RefundEvents"});
    });
    // Reported once: the example that depends on it is not checked against a broken schema.
    assert_eq!(
        problems,
        [
            "openapi/shop.yaml: x-webhooks.refund.processed.post.requestBody.content.application/json.schema: $ref #/components/schemas/RefundEvents does not resolve",
            "openapi/shop.yaml: components.schemas.RefundEvent: unused component: nothing refers to it",
        ]
    );
}

// 4. Progenitor compatibility and tolerant responses.

#[test]
fn reports_a_second_success_schema() {
    let problems = problems_after(|s| {
        order_post(s)["responses"]["201"] = json!({
            "description": "Created.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Refund"}}}
        });
    });
    assert_reported(
        &problems,
        "openapi/shop.yaml: paths./orders.post: 2 different success response schemas; progenitor needs one",
    );
}

#[test]
fn reports_default_responses_and_several_request_media_types() {
    let problems = problems_after(|s| {
        order_post(s)["responses"]["default"] =
            json!({"$ref": "#/components/responses/BadRequest"});
        let content = &mut order_post(s)["requestBody"]["content"];
        content["application/x-www-form-urlencoded"] = content["application/json"].clone();
    });
    assert_reported(
        &problems,
        "openapi/shop.yaml: paths./orders.post: a `default` response beside a 2xx response",
    );
    assert_reported(
        &problems,
        "openapi/shop.yaml: paths./orders.post: request body has 2 media types (application/json, application/x-www-form-urlencoded); progenitor needs one",
    );
}

#[test]
fn reports_strict_response_schemas() {
    let problems = problems_after(|s| {
        let order = &mut s["components"]["schemas"]["Order"];
        order["additionalProperties"] = json!(false);
        order["properties"]["id"]["maxLength"] = json!(40);
        order["properties"]["currency"]["enum"] = json!(["INR"]);
        // Reached only through the array of a collection and the nested error object.
        s["components"]["schemas"]["ErrorResponse"]["properties"]["error"]["properties"]["description"]
            ["pattern"] = json!("^.+$");
    });
    assert_reported(
        &problems,
        "openapi/shop.yaml: components.schemas.Order: `additionalProperties: false` in a response schema; the service may add fields",
    );
    assert_reported(
        &problems,
        "openapi/shop.yaml: components.schemas.Order.properties.id: `maxLength` in a response schema; limits belong on requests",
    );
    assert_reported(
        &problems,
        r#"openapi/shop.yaml: components.schemas.Order.properties.currency: closed enum ["INR"] in a response schema; use an open enum (see openapi/README.md)"#,
    );
    assert_reported(
        &problems,
        "openapi/shop.yaml: components.schemas.ErrorResponse.properties.error.properties.description: `pattern` in a response schema; limits belong on requests",
    );
    // Request schemas keep their limits and closed enums (CreateOrderRequest, RefundRequest).
    assert!(
        !problems.iter().any(|p| p.contains("Request")),
        "{problems:#?}"
    );
}

#[test]
fn reports_an_inline_open_enum_in_a_response() {
    let problems = problems_after(|s| {
        let status = s["components"]["schemas"]["OrderStatus"].clone();
        s["components"]["schemas"]["Order"]["properties"]["status"] = status;
        s["components"]["schemas"]
            .as_object_mut()
            .unwrap()
            .remove("OrderStatus");
    });
    assert_eq!(
        problems,
        [
            "openapi/shop.yaml: components.schemas.Order.properties.status: open enum inline in a response schema; make it a named component schema and refer to it with $ref"
        ]
    );
}

// 5. Freshness of the generated-code snapshot.

fn generate(spec: &Value) -> String {
    let doc = Document::parse(FILE, &to_yaml(spec)).expect("parses");
    paygate_codegen::generate_from(&SHOP, &doc.bundled).expect("generates")
}

fn snapshot_problems(spec: &Value, snapshot: Option<&str>) -> Vec<String> {
    let doc = Document::parse(FILE, &to_yaml(spec)).expect("parses");
    let generated = paygate_codegen::generate_from(&SHOP, &doc.bundled);
    xtask::snapshot::check(&doc, &SHOP, generated, snapshot)
        .iter()
        .map(ToString::to_string)
        .collect()
}

fn insta_file(body: &str) -> String {
    format!(
        "---\nsource: tests/it/generated_code.rs\nexpression: \"include_str!(concat!(env!(\\\"OUT_DIR\\\"), \\\"/shop.rs\\\"))\"\n---\n{body}"
    )
}

#[test]
fn a_current_snapshot_passes_and_a_stale_or_missing_one_fails() {
    let spec = fixture();
    let snapshot = insta_file(&generate(&spec));
    assert_eq!(
        snapshot_problems(&spec, Some(&snapshot)),
        Vec::<String>::new()
    );
    // insta trims trailing newlines when it writes a snapshot.
    assert_eq!(
        snapshot_problems(&spec, Some(snapshot.trim_end())),
        Vec::<String>::new()
    );

    let mut edited = fixture();
    edited["components"]["schemas"]["Order"]["properties"]["offer_id"] = json!({"type": "string"});
    let problems = snapshot_problems(&edited, Some(&snapshot));
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_reported_starting(
        &problems,
        "openapi/shop.yaml: generated code: tests/it/snapshots/it__generated_code__shop_client.snap does not match the code generated from this spec (first difference at line ",
    );

    assert_reported_starting(
        &snapshot_problems(&spec, None),
        "openapi/shop.yaml: generated code: tests/it/snapshots/it__generated_code__shop_client.snap does not exist",
    );
}

// 6. Breaking changes against the published spec.

fn breaking_after(edit: impl FnOnce(&mut Value), accept: bool) -> (Vec<String>, Vec<String>) {
    let baseline = fixture();
    let mut spec = fixture();
    edit(&mut spec);
    let doc = Document::parse(FILE, &to_yaml(&spec)).expect("parses");
    let (problems, notes) = xtask::check_breaking(&doc, &baseline, accept);
    (problems.iter().map(ToString::to_string).collect(), notes)
}

#[test]
fn an_unchanged_or_extended_spec_has_no_breaking_change() {
    let (problems, notes) = breaking_after(
        |s| {
            s["components"]["schemas"]["Order"]["properties"]["offer_id"] =
                json!({"type": "string"});
            s["components"]["schemas"]["RefundRequest"]["properties"]["speed"]["enum"] =
                json!(["normal", "optimum", "instant"]);
        },
        false,
    );
    assert!(
        problems.is_empty() && notes.is_empty(),
        "{problems:#?} {notes:#?}"
    );
}

#[test]
fn reports_a_removed_response_field() {
    let (problems, _) = breaking_after(
        |s| {
            s["components"]["schemas"]["Order"]["properties"]
                .as_object_mut()
                .unwrap()
                .remove("currency");
        },
        false,
    );
    assert_eq!(
        problems,
        [
            "openapi/shop.yaml: paths./orders.get: breaking change since published 1.0.0: response 200 field `items[].currency` removed",
            "openapi/shop.yaml: paths./orders.post: breaking change since published 1.0.0: response 200 field `currency` removed",
            "openapi/shop.yaml: paths./orders/{order_id}.get: breaking change since published 1.0.0: response 200 field `currency` removed",
        ]
    );
}

#[test]
fn reports_retyped_optional_and_nullable_response_fields() {
    let (problems, _) = breaking_after(
        |s| {
            let refund = &mut s["components"]["schemas"]["Refund"];
            refund["properties"]["amount"] = json!({"type": "string"});
            refund["required"] = json!(["id", "amount"]);
            refund["properties"]["payment_id"]["nullable"] = json!(true);
        },
        false,
    );
    let at = "openapi/shop.yaml: paths./payments/{payment_id}/refund.post: breaking change since published 1.0.0";
    // The webhook's payload carries a Refund too.
    let hook = "openapi/shop.yaml: x-webhooks.refund.processed.post: breaking change since published 1.0.0";
    assert_eq!(
        problems,
        [
            format!(
                "{at}: response 200 field `amount` changed type from integer (int64) to string"
            ),
            format!("{at}: response 200 field `entity` is no longer required"),
            format!("{at}: response 200 field `payment_id` may now be null"),
            format!(
                "{hook}: payload field `refund.amount` changed type from integer (int64) to string"
            ),
            format!("{hook}: payload field `refund.entity` is no longer required"),
            format!("{hook}: payload field `refund.payment_id` may now be null"),
        ]
    );
}

#[test]
fn reports_removed_operations_and_new_required_request_data() {
    let (problems, _) = breaking_after(
        |s| {
            s["paths"]["/orders"].as_object_mut().unwrap().remove("get");
            s["components"]["schemas"]["CreateOrderRequest"]["required"] =
                json!(["amount", "currency", "receipt"]);
            s["components"]["schemas"]["RefundRequest"]["properties"]["reason"] =
                json!({"type": "string"});
            s["components"]["schemas"]["RefundRequest"]["required"] = json!(["reason"]);
            s["components"]["schemas"]["RefundRequest"]["properties"]["speed"]["enum"] =
                json!(["normal"]);
            order_post(s)["parameters"] = json!([{"name": "X-Idempotency-Key", "in": "header", "required": true, "schema": {"type": "string"}}]);
        },
        false,
    );
    let since = "breaking change since published 1.0.0";
    assert_eq!(
        problems,
        [
            format!("openapi/shop.yaml: paths./orders.get: {since}: operation list_orders removed"),
            format!(
                "openapi/shop.yaml: paths./orders.post: {since}: request body field `receipt` is newly required"
            ),
            format!(
                "openapi/shop.yaml: paths./orders.post: {since}: parameter `X-Idempotency-Key` (header) is newly required"
            ),
            format!(
                "openapi/shop.yaml: paths./payments/{{payment_id}}/refund.post: {since}: request body field `reason` is newly required"
            ),
            format!(
                r#"openapi/shop.yaml: paths./payments/{{payment_id}}/refund.post: {since}: request body field `speed` no longer accepts "optimum""#
            ),
        ]
    );
}

#[test]
fn reports_removed_webhooks_and_broken_webhook_payloads() {
    let (problems, _) = breaking_after(
        |s| {
            s["components"]["schemas"]["RefundEvent"]["properties"]
                .as_object_mut()
                .unwrap()
                .remove("event");
        },
        false,
    );
    assert_eq!(
        problems,
        [
            "openapi/shop.yaml: x-webhooks.refund.processed.post: breaking change since published 1.0.0: payload field `event` removed"
        ]
    );
    let (problems, _) = breaking_after(
        |s| {
            s["x-webhooks"] = json!({});
            s["components"]["schemas"]
                .as_object_mut()
                .unwrap()
                .remove("RefundEvent");
        },
        false,
    );
    assert_eq!(
        problems,
        [
            "openapi/shop.yaml: x-webhooks.refund.processed.post: breaking change since published 1.0.0: webhook refund.processed removed"
        ]
    );
}

#[test]
fn a_version_bump_or_accept_records_a_break_as_a_note() {
    let remove_field = |s: &mut Value| {
        s["components"]["schemas"]["CreateOrderRequest"]["required"] =
            json!(["amount", "currency", "receipt"]);
    };
    let (problems, notes) = breaking_after(
        |s| {
            remove_field(s);
            s["info"]["version"] = json!("1.1.0");
        },
        false,
    );
    assert!(problems.is_empty(), "{problems:#?}");
    assert_eq!(
        notes,
        [
            "openapi/shop.yaml: paths./orders.post: breaking change recorded by info.version 1.0.0 -> 1.1.0: request body field `receipt` is newly required"
        ]
    );
    let (problems, notes) = breaking_after(remove_field, true);
    assert!(problems.is_empty(), "{problems:#?}");
    assert_eq!(notes.len(), 1);
    assert!(
        notes[0].contains(
            "breaking change accepted with --accept: request body field `receipt` is newly required"
        ),
        "{notes:?}"
    );
}

// 6b. Requests: anything that makes a request the published spec allowed invalid.

const SINCE: &str = "breaking change since published 1.0.0";

/// Request fields beside the fixture's, in the published and the current spec alike: a string
/// list, a nested object, notes with a limit on their keys, a number and a nullable string.
fn with_request_fields(spec: &mut Value) {
    let request = &mut spec["components"]["schemas"]["CreateOrderRequest"]["properties"];
    request["tags"] = json!({"type": "array", "items": {"type": "string", "maxLength": 20}});
    request["customer"] = json!({
        "type": "object",
        "properties": {"email": {"type": "string"}, "age": {"type": "integer"}}
    });
    request["notes"] = json!({"$ref": "#/components/schemas/NotesInput"});
    request["discount"] = json!({"type": "number", "multipleOf": 0.5});
    request["comment"] = json!({"type": "string", "nullable": true});
    spec["components"]["schemas"]["NotesInput"] = json!({
        "type": "object",
        "maxProperties": 15,
        "x-propertyNames": {"maxLength": 256},
        "additionalProperties": {"type": "string", "maxLength": 256}
    });
}

/// The breaking changes from the fixture with [`with_request_fields`] to a copy after `edit`.
fn request_breaks(edit: impl FnOnce(&mut Value)) -> Vec<String> {
    let mut baseline = fixture();
    with_request_fields(&mut baseline);
    let mut spec = baseline.clone();
    edit(&mut spec);
    let doc = Document::parse(FILE, &to_yaml(&spec)).expect("parses");
    let (problems, _) = xtask::check_breaking(&doc, &baseline, false);
    problems.iter().map(ToString::to_string).collect()
}

fn create_order_request(spec: &mut Value) -> &mut Value {
    &mut spec["components"]["schemas"]["CreateOrderRequest"]
}

fn create_order(message: &str) -> String {
    format!("openapi/shop.yaml: paths./orders.post: {SINCE}: {message}")
}

fn list_orders(message: &str) -> String {
    format!("openapi/shop.yaml: paths./orders.get: {SINCE}: {message}")
}

#[test]
fn the_extra_request_fields_alone_break_nothing() {
    assert_eq!(request_breaks(|_| {}), Vec::<String>::new());
}

#[test]
fn reports_a_parameter_that_becomes_required() {
    let problems = request_breaks(|s| {
        s["paths"]["/orders"]["get"]["parameters"][0]["required"] = json!(true);
    });
    assert_eq!(
        problems,
        [list_orders("parameter `count` (query) is newly required")]
    );
}

#[test]
fn reports_a_nested_property_that_becomes_required() {
    let problems = request_breaks(|s| {
        create_order_request(s)["properties"]["customer"]["required"] = json!(["email"]);
    });
    assert_eq!(
        problems,
        [create_order(
            "request body field `customer.email` is newly required"
        )]
    );
}

#[test]
fn reports_a_maximum_added_or_lowered() {
    let problems = request_breaks(|s| {
        create_order_request(s)["properties"]["amount"]["maximum"] = json!(1_000_000_000_000_i64);
        s["paths"]["/orders"]["get"]["parameters"][0]["schema"]["maximum"] = json!(50);
    });
    assert_eq!(
        problems,
        [
            list_orders("parameter `count` (query): maximum lowered: 100 → 50"),
            create_order("request body field `amount`: maximum added: 1000000000000"),
        ]
    );
}

#[test]
fn reports_a_minimum_added_or_raised() {
    let problems = request_breaks(|s| {
        create_order_request(s)["properties"]["amount"]["minimum"] = json!(200);
        create_order_request(s)["properties"]["customer"]["properties"]["age"]["minimum"] =
            json!(18);
    });
    assert_eq!(
        problems,
        [
            create_order("request body field `amount`: minimum raised: 100 → 200"),
            create_order("request body field `customer.age`: minimum added: 18"),
        ]
    );
}

#[test]
fn reports_an_exclusive_bound_added_or_switched_on() {
    let problems = request_breaks(|s| {
        create_order_request(s)["properties"]["amount"]["exclusiveMinimum"] = json!(true);
        let age = &mut create_order_request(s)["properties"]["customer"]["properties"]["age"];
        age["maximum"] = json!(150);
        age["exclusiveMaximum"] = json!(true);
    });
    assert_eq!(
        problems,
        [
            create_order("request body field `amount`: exclusiveMinimum switched on (minimum 100)"),
            create_order(
                "request body field `customer.age`: maximum added: 150 (exclusiveMaximum)"
            ),
        ]
    );
}

#[test]
fn reports_string_lengths_added_lowered_or_raised() {
    let problems = request_breaks(|s| {
        let properties = &mut create_order_request(s)["properties"];
        properties["receipt"]["maxLength"] = json!(20);
        properties["currency"]["minLength"] = json!(4);
        properties["customer"]["properties"]["email"]["maxLength"] = json!(254);
    });
    assert_eq!(
        problems,
        [
            create_order("request body field `currency`: minLength raised: 3 → 4"),
            create_order("request body field `customer.email`: maxLength added: 254"),
            create_order("request body field `receipt`: maxLength lowered: 40 → 20"),
        ]
    );
}

#[test]
fn reports_array_limits_and_tighter_items() {
    let problems = request_breaks(|s| {
        let tags = &mut create_order_request(s)["properties"]["tags"];
        tags["maxItems"] = json!(10);
        tags["minItems"] = json!(1);
        tags["items"]["maxLength"] = json!(10);
    });
    assert_eq!(
        problems,
        [
            create_order("request body field `tags`: maxItems added: 10"),
            create_order("request body field `tags`: minItems added: 1"),
            create_order("request body field `tags[]`: maxLength lowered: 20 → 10"),
        ]
    );
}

#[test]
fn reports_object_limits_and_tighter_values() {
    let problems = request_breaks(|s| {
        let notes = &mut s["components"]["schemas"]["NotesInput"];
        notes["maxProperties"] = json!(10);
        notes["minProperties"] = json!(1);
        notes["additionalProperties"]["maxLength"] = json!(128);
    });
    assert_eq!(
        problems,
        [
            create_order("request body field `notes`: maxProperties lowered: 15 → 10"),
            create_order("request body field `notes`: minProperties added: 1"),
            create_order("request body field `notes.*`: maxLength lowered: 256 → 128"),
        ]
    );
}

#[test]
fn reports_a_key_limit_added_or_lowered() {
    let problems = request_breaks(|s| {
        s["components"]["schemas"]["NotesInput"]["x-propertyNames"]["maxLength"] = json!(40);
    });
    assert_eq!(
        problems,
        [create_order(
            "request body field `notes`: x-propertyNames.maxLength lowered: 256 → 40"
        )]
    );
    let problems = request_breaks(|s| {
        let customer = &mut create_order_request(s)["properties"]["customer"];
        customer["x-propertyNames"] = json!({"maxLength": 32, "pattern": "^[a-z_]+$"});
    });
    assert_eq!(
        problems,
        [
            create_order("request body field `customer`: x-propertyNames.maxLength added: 32"),
            create_order("request body field `customer`: x-propertyNames.pattern added: ^[a-z_]+$"),
        ]
    );
}

#[test]
fn reports_a_pattern_added_or_changed() {
    let problems = request_breaks(|s| {
        create_order_request(s)["properties"]["currency"]["pattern"] = json!("^[A-Z]{3}$");
    });
    assert_eq!(
        problems,
        [create_order(
            "request body field `currency`: pattern added: ^[A-Z]{3}$"
        )]
    );

    let mut upper_case = fixture();
    create_order_request(&mut upper_case)["properties"]["currency"]["pattern"] =
        json!("^[A-Z]{3}$");
    let doc = {
        let mut spec = upper_case.clone();
        create_order_request(&mut spec)["properties"]["currency"]["pattern"] = json!("^INR$");
        Document::parse(FILE, &to_yaml(&spec)).expect("parses")
    };
    let (problems, _) = xtask::check_breaking(&doc, &upper_case, false);
    let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        problems,
        [create_order(
            "request body field `currency`: pattern changed: ^[A-Z]{3}$ → ^INR$"
        )]
    );
}

#[test]
fn reports_a_multiple_of_that_is_not_a_divisor_of_the_old_one() {
    let problems = request_breaks(|s| {
        create_order_request(s)["properties"]["discount"]["multipleOf"] = json!(0.75);
        create_order_request(s)["properties"]["amount"]["multipleOf"] = json!(100);
    });
    assert_eq!(
        problems,
        [
            create_order("request body field `amount`: multipleOf added: 100"),
            create_order("request body field `discount`: multipleOf changed: 0.5 → 0.75"),
        ]
    );
    // 0.25 divides 0.5: every value valid before stays valid.
    let problems = request_breaks(|s| {
        create_order_request(s)["properties"]["discount"]["multipleOf"] = json!(0.25);
    });
    assert_eq!(problems, Vec::<String>::new());
}

#[test]
fn reports_an_enum_added_or_a_value_removed() {
    let problems = request_breaks(|s| {
        create_order_request(s)["properties"]["currency"]["enum"] = json!(["INR", "USD"]);
        s["components"]["schemas"]["RefundRequest"]["properties"]["speed"]["enum"] =
            json!(["optimum"]);
    });
    assert_eq!(
        problems,
        [
            create_order(r#"request body field `currency`: enum added: ["INR","USD"]"#),
            format!(
                r#"openapi/shop.yaml: paths./payments/{{payment_id}}/refund.post: {SINCE}: request body field `speed` no longer accepts "normal""#
            ),
        ]
    );
}

#[test]
fn reports_a_type_narrowed_or_added() {
    let problems = request_breaks(|s| {
        let properties = &mut create_order_request(s)["properties"];
        properties["discount"] = json!({"type": "integer", "multipleOf": 1});
        properties["tags"]["items"] = json!({});
        properties["customer"]["properties"]["email"] = json!({"type": "string"});
    });
    // `tags[]` lost its type and limit: looser, not reported.
    assert_eq!(
        problems,
        [create_order(
            "request body field `discount` changed type from number to integer"
        )]
    );
    let mut untyped = fixture();
    with_request_fields(&mut untyped);
    create_order_request(&mut untyped)["properties"]["tags"]["items"] = json!({});
    let mut spec = untyped.clone();
    create_order_request(&mut spec)["properties"]["tags"]["items"] = json!({"type": "string"});
    let doc = Document::parse(FILE, &to_yaml(&spec)).expect("parses");
    let (problems, _) = xtask::check_breaking(&doc, &untyped, false);
    let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        problems,
        [create_order(
            "request body field `tags[]`: type added: string"
        )]
    );
}

#[test]
fn reports_additional_properties_false_added() {
    let problems = request_breaks(|s| {
        let customer = &mut create_order_request(s)["properties"]["customer"];
        customer["additionalProperties"] = json!(false);
        customer["properties"]
            .as_object_mut()
            .unwrap()
            .remove("age");
    });
    assert_eq!(
        problems,
        [
            create_order("request body field `customer`: additionalProperties: false added"),
            create_order(
                "request body field `customer.age` is no longer accepted (additionalProperties: false)"
            ),
        ]
    );
}

#[test]
fn reports_nullable_removed() {
    let problems = request_breaks(|s| {
        create_order_request(s)["properties"]["comment"]
            .as_object_mut()
            .unwrap()
            .remove("nullable");
    });
    assert_eq!(
        problems,
        [create_order(
            "request body field `comment`: nullable: true removed"
        )]
    );
}

#[test]
fn follows_refs_all_of_and_path_parameters() {
    let problems = request_breaks(|s| {
        // The request body becomes an allOf of the old schema and a tighter one.
        order_post(s)["requestBody"]["content"]["application/json"]["schema"] = json!({
            "allOf": [
                {"$ref": "#/components/schemas/CreateOrderRequest"},
                {"type": "object", "properties": {"receipt": {"type": "string", "pattern": "^r"}}}
            ]
        });
        // A path parameter shared through components/parameters.
        s["components"]["parameters"]["OrderId"]["schema"]["maxLength"] = json!(40);
    });
    assert_eq!(
        problems,
        [
            create_order("request body field `receipt`: pattern added: ^r"),
            format!(
                "openapi/shop.yaml: paths./orders/{{order_id}}.get: {SINCE}: parameter `order_id` (path): maxLength added: 40"
            ),
        ]
    );
}

#[test]
fn a_recursive_request_schema_is_compared_once() {
    // The published spec said only "a list"; the current one, a list of lists of any depth.
    let mut list = fixture();
    create_order_request(&mut list)["properties"]["grid"] = json!({"type": "array"});
    let mut spec = list.clone();
    spec["components"]["schemas"]["Grid"] =
        json!({"type": "array", "items": {"$ref": "#/components/schemas/Grid"}});
    create_order_request(&mut spec)["properties"]["grid"] =
        json!({"$ref": "#/components/schemas/Grid"});
    let doc = Document::parse(FILE, &to_yaml(&spec)).expect("parses");
    let (problems, _) = xtask::check_breaking(&doc, &list, false);
    let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        problems,
        [create_order(
            "request body field `grid[]`: type added: array"
        )]
    );
}

#[test]
fn loosening_a_request_breaks_nothing() {
    let problems = request_breaks(|s| {
        let request = create_order_request(s);
        request["required"] = json!(["amount"]);
        let properties = &mut request["properties"];
        properties["amount"]["minimum"] = json!(1);
        properties["currency"]
            .as_object_mut()
            .unwrap()
            .remove("maxLength");
        properties["currency"]["minLength"] = json!(0);
        properties["receipt"]["maxLength"] = json!(400);
        properties["tags"]["items"]
            .as_object_mut()
            .unwrap()
            .remove("maxLength");
        properties["discount"]
            .as_object_mut()
            .unwrap()
            .remove("multipleOf");
        properties["customer"]["properties"]["email"]["nullable"] = json!(true);
        let notes = &mut s["components"]["schemas"]["NotesInput"];
        notes["maxProperties"] = json!(50);
        notes["x-propertyNames"]["maxLength"] = json!(512);
        notes["additionalProperties"] = json!(true);
        let count = &mut s["paths"]["/orders"]["get"]["parameters"][0]["schema"];
        count["maximum"] = json!(1000);
        count.as_object_mut().unwrap().remove("minimum");
        s["components"]["schemas"]["RefundRequest"]["properties"]["speed"]["enum"] =
            json!(["normal", "optimum", "instant"]);
    });
    assert_eq!(problems, Vec::<String>::new());
}

#[test]
fn reports_a_new_value_in_a_closed_response_enum() {
    let mut closed = fixture();
    closed["components"]["schemas"]["Order"]["properties"]["entity"]["enum"] = json!(["order"]);
    let mut spec = closed.clone();
    spec["components"]["schemas"]["Order"]["properties"]["entity"]["enum"] =
        json!(["order", "subscription"]);
    let doc = Document::parse(FILE, &to_yaml(&spec)).expect("parses");
    let (problems, _) = xtask::check_breaking(&doc, &closed, false);
    let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        problems,
        [
            format!(
                r#"openapi/shop.yaml: paths./orders.get: {SINCE}: response 200 field `items[].entity` may now be "subscription""#
            ),
            create_order(r#"response 200 field `entity` may now be "subscription""#),
            format!(
                r#"openapi/shop.yaml: paths./orders/{{order_id}}.get: {SINCE}: response 200 field `entity` may now be "subscription""#
            ),
        ]
    );
}

// 7. Publishing.

#[test]
fn publishing_is_reproducible_and_keeps_document_order() {
    let first = xtask::publish::render(&SHOP, FIXTURE).unwrap();
    let second = xtask::publish::render(&SHOP, FIXTURE).unwrap();
    assert_eq!(first, second);
    let [(yaml_path, yaml), (json_path, json)] = first;
    assert_eq!(
        (yaml_path.as_str(), json_path.as_str()),
        ("openapi/published/shop.yaml", "openapi/published/shop.json")
    );
    assert_eq!(yaml, FIXTURE.as_bytes());
    let json = String::from_utf8(json).unwrap();
    assert!(
        json.starts_with("{\n  \"openapi\": \"3.0.3\",\n  \"info\": {"),
        "{json}"
    );
    assert!(json.ends_with("}\n"));
    let reparsed: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(reparsed, fixture());
}

#[test]
fn reports_stale_and_missing_published_files() {
    let rendered = xtask::publish::render(&SHOP, FIXTURE).unwrap();
    let mut stale = fixture();
    stale["info"]["description"] = json!("Older text.");
    let stale_yaml = to_yaml(&stale).into_bytes();
    let problems = xtask::publish::check(FILE, &rendered, &mut |path| {
        path.ends_with(".yaml").then(|| stale_yaml.clone())
    });
    let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        problems,
        [
            "openapi/shop.yaml: published: openapi/published/shop.yaml is stale: it differs from this spec; run `cargo xtask publish-spec`",
            "openapi/shop.yaml: published: openapi/published/shop.json does not exist (nothing published yet); run `cargo xtask publish-spec`",
        ]
    );
}
