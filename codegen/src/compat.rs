//! Spec shapes that progenitor 0.15 cannot generate and `assert!`s on without naming the
//! operation. [`check`] finds them first so the message names the operation.

use paygate_spec::Document;
use serde_json::Value;

/// Every progenitor incompatibility in `doc`, one line each, as `paths.<path>.<method>: ...`.
pub fn check(doc: &Document) -> Vec<String> {
    let json = doc.json();
    let mut problems = Vec::new();
    for operation in doc.operations() {
        let at = &operation.at;
        let responses = match operation.responses(json) {
            Ok(responses) => responses,
            Err(e) => {
                problems.push(e.to_string());
                continue;
            }
        };
        let mut success = Vec::new();
        let mut errors = Vec::new();
        for response in &responses {
            let schema = response.content.first().and_then(|m| m.schema);
            match response.status.as_bytes().first() {
                Some(b'2') => push_distinct(&mut success, schema),
                Some(b'4' | b'5') => push_distinct(&mut errors, schema),
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
        if responses.iter().any(|r| r.status == "default")
            && responses.iter().any(|r| r.is_success())
        {
            problems.push(format!("{at}: a `default` response beside a 2xx response"));
        }
        if let Ok(Some(body)) = operation.request_body(json)
            && body.content.len() > 1
        {
            let types: Vec<_> = body.content.iter().map(|m| m.media_type).collect();
            problems.push(format!(
                "{at}: request body has {} media types ({}); progenitor needs one",
                types.len(),
                types.join(", ")
            ));
        }
    }
    problems
}

/// Every `$ref` that points to nothing in `doc`, one line each (progenitor panics on them).
pub fn broken_refs(doc: &Document) -> Vec<String> {
    let mut problems = Vec::new();
    find_broken_refs(doc.json(), doc.json(), &mut problems);
    problems.sort();
    problems.dedup();
    problems
}

fn find_broken_refs(doc: &Value, value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(reference) = map.get("$ref").and_then(Value::as_str)
                && paygate_spec::pointer(doc, reference).is_none()
            {
                out.push(format!("`$ref: {reference}` points to nothing"));
            }
            map.values().for_each(|v| find_broken_refs(doc, v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| find_broken_refs(doc, v, out)),
        _ => {}
    }
}

fn push_distinct<'a>(seen: &mut Vec<Option<&'a Value>>, schema: Option<&'a Value>) {
    if !seen.contains(&schema) {
        seen.push(schema);
    }
}
