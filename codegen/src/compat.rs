//! Spec shapes that progenitor 0.15 cannot generate and `assert!`s on without naming the
//! operation. [`check`] finds them first so the message names the operation.

use openapiv3::{OpenAPI, ReferenceOr, Response, StatusCode};

/// Every progenitor incompatibility in `spec`, one line each, as `paths.<path>.<method>: ...`.
pub fn check(spec: &OpenAPI) -> Vec<String> {
    let mut problems = Vec::new();
    for (path, method, op) in spec.operations() {
        let at = format!("paths.{path}.{method}");
        let mut success = Vec::new();
        let mut errors = Vec::new();
        for (status, response) in &op.responses.responses {
            let schema = response_schema(spec, response);
            match status_class(status) {
                2 => push_distinct(&mut success, schema),
                4 | 5 => push_distinct(&mut errors, schema),
                _ => {}
            }
        }
        if success.len() > 1 {
            problems.push(format!(
                "{at}: {} different success response schemas; progenitor needs one",
                success.len()
            ));
        }
        if errors.len() > 1 {
            problems.push(format!(
                "{at}: {} different error response schemas; progenitor needs one",
                errors.len()
            ));
        }
        if op.responses.default.is_some()
            && op.responses.responses.keys().any(|s| status_class(s) == 2)
        {
            problems.push(format!("{at}: a `default` response beside a 2xx response"));
        }
        if let Some(ReferenceOr::Item(body)) = &op.request_body
            && body.content.len() > 1
        {
            let types: Vec<_> = body.content.keys().map(String::as_str).collect();
            problems.push(format!(
                "{at}: request body has {} media types ({}); progenitor needs one",
                types.len(),
                types.join(", ")
            ));
        }
    }
    problems
}

/// Every `$ref` that points to nothing in `spec`, one line each (progenitor panics on them).
pub fn broken_refs(spec: &OpenAPI) -> Vec<String> {
    let Ok(doc) = serde_json::to_value(spec) else {
        return Vec::new();
    };
    let mut problems = Vec::new();
    find_broken_refs(&doc, &doc, &mut problems);
    problems.sort();
    problems.dedup();
    problems
}

fn find_broken_refs(doc: &serde_json::Value, value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(reference) = map.get("$ref").and_then(serde_json::Value::as_str) {
                let resolves = reference
                    .strip_prefix('#')
                    .is_some_and(|pointer| doc.pointer(pointer).is_some());
                if !resolves {
                    out.push(format!("`$ref: {reference}` points to nothing"));
                }
            }
            map.values().for_each(|v| find_broken_refs(doc, v, out));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| find_broken_refs(doc, v, out)),
        _ => {}
    }
}

/// 2 for 2xx, 4 for 4xx, and so on.
pub fn status_class(status: &StatusCode) -> u16 {
    match status {
        StatusCode::Code(code) => code / 100,
        StatusCode::Range(class) => *class,
    }
}

/// The JSON schema of a response (following a `$ref` into `components.responses`), as a value
/// so two schemas can be compared; `None` when the response has no body.
pub fn response_schema(
    spec: &OpenAPI,
    response: &ReferenceOr<Response>,
) -> Option<serde_json::Value> {
    let response = match response {
        ReferenceOr::Item(response) => response,
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/responses/")?;
            match spec.components.as_ref()?.responses.get(name)? {
                ReferenceOr::Item(response) => response,
                ReferenceOr::Reference { .. } => return None,
            }
        }
    };
    let media = response.content.values().next()?;
    serde_json::to_value(media.schema.as_ref()?).ok()
}

fn push_distinct(seen: &mut Vec<Option<serde_json::Value>>, schema: Option<serde_json::Value>) {
    if !seen.contains(&schema) {
        seen.push(schema);
    }
}
