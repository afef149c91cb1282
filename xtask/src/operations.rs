//! Check 2: every operation has a unique snake_case `operationId`, exactly one declared and
//! described tag, a summary, a 2xx response, 4xx/5xx responses that use the shared error schema,
//! and path parameters that match its path template.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use paygate_spec::{elements, entries, operations};

use crate::document::{Document, Problem, resolve};

/// The one error schema every 4xx/5xx response of a document uses.
pub const ERROR_SCHEMA: &str = "ErrorResponse";
const ERROR_SCHEMA_REF: &str = "#/components/schemas/ErrorResponse";

pub fn check(doc: &Document) -> Vec<Problem> {
    let mut problems = Vec::new();
    let json = &doc.json;

    let mut declared_tags = BTreeSet::new();
    for (i, tag) in elements(json.get("tags")).enumerate() {
        let name = tag.get("name").and_then(Value::as_str).unwrap_or_default();
        declared_tags.insert(name.to_owned());
        if !has_text(tag.get("description")) {
            problems.push(doc.problem(
                format!("tags[{i}]"),
                format!("tag {name:?} has no description"),
            ));
        }
    }
    if json
        .pointer(&format!("/components/schemas/{ERROR_SCHEMA}"))
        .is_none()
    {
        problems.push(doc.problem(
            "components.schemas",
            format!("no {ERROR_SCHEMA} schema: every document has one shared error schema"),
        ));
    }

    let mut ids: BTreeMap<&str, String> = BTreeMap::new();
    for op in operations(json) {
        let at = &op.at;
        let mut problem = |message: String| problems.push(doc.problem(at, message));

        match op.op.get("operationId").and_then(Value::as_str) {
            None => problem("no operationId".into()),
            Some(id) => {
                if !is_snake_case(id) {
                    problem(format!("operationId {id:?} is not snake_case"));
                }
                if let Some(first) = ids.get(id) {
                    problem(format!("operationId {id:?} is also used by {first}"));
                } else {
                    ids.insert(id, at.clone());
                }
            }
        }

        let tags: Vec<&str> = elements(op.op.get("tags"))
            .filter_map(Value::as_str)
            .collect();
        if tags.len() != 1 {
            problem(format!("has {} tags; needs exactly one", tags.len()));
        }
        for tag in tags {
            if !declared_tags.contains(tag) {
                problem(format!(
                    "tag {tag:?} is not declared in the top-level `tags`"
                ));
            }
        }
        if !has_text(op.op.get("summary")) {
            problem("no summary".into());
        }

        let responses: Vec<(&str, &Value)> = entries(op.op.get("responses")).collect();
        if !responses.iter().any(|(status, _)| status.starts_with('2')) {
            problem("no 2xx response".into());
        }
        if !responses.iter().any(|(status, _)| status.starts_with('4')) {
            problem("no 4xx response: document the errors with the shared error response".into());
        }
        for (status, response) in responses {
            if (status.starts_with('4') || status.starts_with('5'))
                && let Some(message) = error_response_problem(json, response)
            {
                problem(format!("response {status}: {message}"));
            }
        }

        for message in path_parameter_problems(json, op.path, op.path_parameters, op.op) {
            problem(message);
        }
    }
    problems
}

fn has_text(v: Option<&Value>) -> bool {
    v.and_then(Value::as_str)
        .is_some_and(|s| !s.trim().is_empty())
}

fn is_snake_case(id: &str) -> bool {
    id.split('_').all(|word| {
        !word.is_empty()
            && word
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    }) && id.starts_with(|c: char| c.is_ascii_lowercase())
}

/// Why an error response does not use the shared error response, if it does not.
fn error_response_problem(json: &Value, response: &Value) -> Option<String> {
    let Some(reference) = response.get("$ref").and_then(Value::as_str) else {
        return Some("is inline; refer to a shared response in `components/responses`".into());
    };
    if !reference.starts_with("#/components/responses/") {
        return Some(format!(
            "$ref {reference} is not a `components/responses` entry"
        ));
    }
    let resolved = resolve(json, response)?; // a broken $ref is reported by the structure check
    let schemas: Vec<&Value> = entries(resolved.get("content"))
        .filter_map(|(_, m)| m.get("schema"))
        .collect();
    let shared = !schemas.is_empty()
        && schemas
            .iter()
            .all(|s| s.get("$ref").and_then(Value::as_str) == Some(ERROR_SCHEMA_REF));
    (!shared)
        .then(|| format!("{reference} does not use the shared error schema {ERROR_SCHEMA_REF}"))
}

fn path_parameter_problems(
    json: &Value,
    path: &str,
    item_parameters: &[Value],
    op: &Value,
) -> Vec<String> {
    let template: BTreeSet<&str> = path
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect();
    let mut problems = Vec::new();
    let mut declared = BTreeSet::new();
    for p in item_parameters.iter().chain(elements(op.get("parameters"))) {
        let Some(p) = resolve(json, p) else { continue };
        if p.get("in").and_then(Value::as_str) != Some("path") {
            continue;
        }
        let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
        declared.insert(name.to_owned());
        if !template.contains(name) {
            problems.push(format!(
                "path parameter {name:?} is declared but not used in the path {path}"
            ));
        }
        if p.get("required") != Some(&Value::Bool(true)) {
            problems.push(format!("path parameter {name:?} must say `required: true`"));
        }
    }
    for name in template {
        if !declared.contains(name) {
            problems.push(format!("path parameter {{{name}}} is not declared"));
        }
    }
    problems.dedup();
    problems
}

#[cfg(test)]
mod tests {
    #[test]
    fn snake_case() {
        for ok in ["create_order", "fetch_order", "v2_list", "a"] {
            assert!(super::is_snake_case(ok), "{ok}");
        }
        for bad in [
            "createOrder",
            "Create_order",
            "create__order",
            "_x",
            "x_",
            "2x",
            "create-order",
        ] {
            assert!(!super::is_snake_case(bad), "{bad}");
        }
    }
}
