//! Check 1 (after parsing, see [`Document::parse`]): every `$ref` resolves inside the document,
//! and every component is used.

use std::collections::{BTreeSet, VecDeque};

use serde_json::Value;

use paygate_spec::{child, elements, entries, pointer};

use crate::document::{Document, Problem};

pub fn check(doc: &Document) -> Vec<Problem> {
    let mut problems = broken_refs(doc);
    problems.extend(unused_components(doc));
    problems
}

/// Every `$ref` that is not local or does not resolve.
pub fn broken_refs(doc: &Document) -> Vec<Problem> {
    let mut refs = Vec::new();
    collect_refs(&doc.json, String::new(), None, None, &mut refs);
    refs.into_iter()
        .filter_map(|(at, reference)| {
            let message = if !reference.starts_with("#/") {
                format!(
                    "$ref {reference} is not local; the spec must be one self-contained document"
                )
            } else if pointer(&doc.json, reference).is_none() {
                format!("$ref {reference} does not resolve")
            } else {
                return None;
            };
            Some(doc.problem(at, message))
        })
        .collect()
}

/// Every `$ref` below `v` as (location of the object holding it, target). Example values,
/// defaults and enums are data, not spec, and are skipped; extensions (`x-webhooks`) are not.
fn collect_refs<'a>(
    v: &'a Value,
    at: String,
    key: Option<&str>,
    parent_key: Option<&str>,
    out: &mut Vec<(String, &'a str)>,
) {
    match v {
        Value::Object(map) => {
            for (k, child_value) in map {
                if k == "$ref" {
                    if let Some(r) = child_value.as_str() {
                        out.push((at.clone(), r));
                    }
                    continue;
                }
                let is_data = key != Some("properties")
                    && (matches!(k.as_str(), "example" | "default" | "enum")
                        || (k == "value" && parent_key == Some("examples")));
                if !is_data {
                    collect_refs(child_value, child(&at, k), Some(k), key, out);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect_refs(item, format!("{at}[{i}]"), key, parent_key, out);
            }
        }
        _ => {}
    }
}

/// Components no operation reaches, directly or through other components.
fn unused_components(doc: &Document) -> Vec<Problem> {
    let Some(components) = doc.json.get("components").and_then(Value::as_object) else {
        return Vec::new();
    };
    let mut used: BTreeSet<(String, String)> = BTreeSet::new();
    let mut queue: VecDeque<&Value> = VecDeque::new();
    for (key, value) in doc.json.as_object().into_iter().flatten() {
        if key != "components" {
            queue.push_back(value);
        }
    }
    // Security schemes are used by name, from the top level or from operations.
    let mut requirements: Vec<&Value> = elements(doc.json.get("security")).collect();
    for op in paygate_spec::operations(&doc.json) {
        requirements.extend(elements(op.op.get("security")));
    }
    for requirement in requirements {
        for (name, _) in entries(Some(requirement)) {
            used.insert(("securitySchemes".into(), name.to_owned()));
        }
    }
    while let Some(v) = queue.pop_front() {
        let mut refs = Vec::new();
        collect_refs(v, String::new(), None, None, &mut refs);
        for (_, reference) in refs {
            let Some(rest) = reference.strip_prefix("#/components/") else {
                continue;
            };
            let mut parts = rest.splitn(3, '/');
            let (Some(kind), Some(name)) = (parts.next(), parts.next()) else {
                continue;
            };
            let name = name.replace("~1", "/").replace("~0", "~");
            if let Some(target) = components.get(kind).and_then(|k| k.get(&name))
                && used.insert((kind.to_owned(), name))
            {
                queue.push_back(target);
            }
        }
    }
    let mut problems = Vec::new();
    for (kind, members) in components {
        if kind.starts_with("x-") {
            continue;
        }
        for (name, _) in entries(Some(members)) {
            if !used.contains(&(kind.clone(), name.to_owned())) {
                problems.push(doc.problem(
                    child(&child("components", kind), name),
                    "unused component: nothing refers to it",
                ));
            }
        }
    }
    problems
}
