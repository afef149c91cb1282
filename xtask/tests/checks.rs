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
    replacements: &[],
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
    // The fixture's examples send `receipt: null` and `speed_processed: null` (a nullable open
    // enum reference) and pass; an unknown open-enum value passes too.
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
        s["components"]["schemas"]["Refund"]["properties"]["speed_processed"]
            .as_object_mut()
            .unwrap()
            .remove("nullable");
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
    paygate_codegen::generate_from(&SHOP, FILE.as_ref(), &doc.spec).expect("generates")
}

fn snapshot_problems(spec: &Value, snapshot: Option<&str>) -> Vec<String> {
    let doc = Document::parse(FILE, &to_yaml(spec)).expect("parses");
    let generated = paygate_codegen::generate_from(&SHOP, FILE.as_ref(), &doc.spec);
    xtask::snapshot::check(&doc, &SHOP, generated, snapshot)
        .iter()
        .map(ToString::to_string)
        .collect()
}

fn insta_file(body: &str) -> String {
    format!(
        "---\nsource: tests/generated_code.rs\nexpression: \"include_str!(concat!(env!(\\\"OUT_DIR\\\"), \\\"/shop.rs\\\"))\"\n---\n{body}"
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
        "openapi/shop.yaml: generated code: tests/snapshots/generated_code__shop_client.snap does not match the code generated from this spec (first difference at line ",
    );

    assert_reported_starting(
        &snapshot_problems(&spec, None),
        "openapi/shop.yaml: generated code: tests/snapshots/generated_code__shop_client.snap does not exist",
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
