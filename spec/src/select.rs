//! A part of a document: the operations of some tags (resource groups), with the components they
//! reach. The generator builds a client of only the groups a build asks for.

use std::collections::BTreeSet;

use serde_yaml_ng::Value;

use crate::{Document, SpecError};

/// The component sections whose entries a `$ref` can name.
const SECTIONS: [&str; 6] = [
    "schemas",
    "parameters",
    "responses",
    "requestBodies",
    "headers",
    "examples",
];

/// `doc` with only the operations whose first tag `keep` accepts, and only the components that
/// those operations, the webhooks (`x-webhooks`, which any integration may receive), the
/// component schemas named in `schemas` (those code outside the spec relies on) or other kept
/// components refer to. Tags whose operations all went stay declared.
pub fn select_tags(
    doc: &Document,
    keep: impl Fn(&str) -> bool,
    schemas: &[&str],
) -> Result<Document, SpecError> {
    let mut ordered = doc.ordered().clone();
    if let Some(paths) = ordered.get_mut("paths").and_then(Value::as_mapping_mut) {
        for (_, item) in paths.iter_mut() {
            let Some(item) = item.as_mapping_mut() else {
                continue;
            };
            item.retain(|method, op| {
                let is_operation = method.as_str().is_some_and(|m| crate::METHODS.contains(&m));
                !is_operation || first_tag(op).is_some_and(&keep)
            });
        }
        paths.retain(|_, item| {
            item.as_mapping().is_some_and(|item| {
                item.keys()
                    .any(|k| k.as_str().is_some_and(|m| crate::METHODS.contains(&m)))
            })
        });
    }
    let roots = schemas
        .iter()
        .map(|name| format!("#/components/schemas/{name}"))
        .collect();
    prune_components(&mut ordered, roots);
    Document::from_ordered(doc.file(), ordered)
}

fn first_tag(op: &Value) -> Option<&str> {
    op.get("tags")?.as_sequence()?.first()?.as_str()
}

/// Removes every component nothing kept refers to, following references transitively from the
/// document outside `components` and from `roots`.
fn prune_components(doc: &mut Value, roots: Vec<String>) {
    let mut reached = BTreeSet::new();
    let mut pending = roots;
    if let Some(map) = doc.as_mapping() {
        for (key, value) in map {
            if key.as_str() != Some("components") {
                collect_refs(value, &mut pending);
            }
        }
    }
    let components = doc.get("components").cloned();
    while let Some(reference) = pending.pop() {
        if !reached.insert(reference.clone()) {
            continue;
        }
        if let Some((section, name)) = split_ref(&reference)
            && let Some(target) = components
                .as_ref()
                .and_then(|c| c.get(section))
                .and_then(|s| s.get(name))
        {
            collect_refs(target, &mut pending);
        }
    }
    let Some(components) = doc.get_mut("components").and_then(Value::as_mapping_mut) else {
        return;
    };
    for (section, entries) in components.iter_mut() {
        let Some(section) = section.as_str().filter(|s| SECTIONS.contains(s)) else {
            continue;
        };
        if let Some(entries) = entries.as_mapping_mut() {
            entries.retain(|name, _| {
                name.as_str()
                    .is_some_and(|name| reached.contains(&format!("#/components/{section}/{name}")))
            });
        }
    }
}

fn split_ref(reference: &str) -> Option<(&str, &str)> {
    reference.strip_prefix("#/components/")?.split_once('/')
}

fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Mapping(map) => {
            for (key, value) in map {
                if key.as_str() == Some("$ref")
                    && let Some(reference) = value.as_str()
                {
                    out.push(reference.to_owned());
                } else {
                    collect_refs(value, out);
                }
            }
        }
        Value::Sequence(items) => items.iter().for_each(|v| collect_refs(v, out)),
        Value::Tagged(tagged) => collect_refs(&tagged.value, out),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r##"
openapi: 3.0.3
info: {title: t, version: '1'}
tags: [{name: A}, {name: B}]
paths:
  /a:
    get:
      operationId: get_a
      tags: [A]
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/AThing'}}}}
    post:
      operationId: post_b_on_a
      tags: [B]
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/BThing'}}}}
  /b:
    get:
      operationId: get_b
      tags: [B]
      parameters: [{$ref: '#/components/parameters/BId'}]
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/BThing'}}}}
components:
  parameters:
    BId: {name: id, in: query, schema: {type: string}}
  schemas:
    AThing: {type: object, properties: {part: {$ref: '#/components/schemas/Shared'}}}
    BThing: {type: object, properties: {part: {$ref: '#/components/schemas/Shared'}}}
    Shared: {type: string}
    Event: {type: object, properties: {b: {$ref: '#/components/schemas/BThing'}}}
    Unused: {type: string}
x-webhooks:
  thing.happened:
    post:
      requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/Event'}}}}
      responses: {'200': {description: ok}}
"##;

    fn names(doc: &Document, pointer: &str) -> Vec<String> {
        doc.json()
            .pointer(pointer)
            .and_then(serde_json::Value::as_object)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    }

    #[test]
    fn a_group_keeps_its_operations_and_what_they_and_the_webhooks_reach() {
        let doc = Document::from_yaml("t.yaml", DOC).unwrap();
        let a = select_tags(&doc, |tag| tag == "A", &[]).unwrap();
        assert_eq!(names(&a, "/paths"), ["/a"]);
        assert_eq!(names(&a, "/paths/~1a"), ["get"]);
        // BThing stays: a webhook carries it.
        assert_eq!(
            names(&a, "/components/schemas"),
            ["AThing", "BThing", "Event", "Shared"]
        );
        assert!(names(&a, "/components/parameters").is_empty());

        let b = select_tags(&doc, |tag| tag == "B", &[]).unwrap();
        assert_eq!(names(&b, "/paths"), ["/a", "/b"]);
        assert_eq!(names(&b, "/paths/~1a"), ["post"]);
        assert_eq!(names(&b, "/components/parameters"), ["BId"]);
        assert!(!names(&b, "/components/schemas").contains(&"AThing".to_owned()));

        let none = select_tags(&doc, |_| false, &["Unused"]).unwrap();
        assert!(names(&none, "/paths").is_empty());
        assert_eq!(
            names(&none, "/components/schemas"),
            ["BThing", "Event", "Shared", "Unused"]
        );
    }
}
