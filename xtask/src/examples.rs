//! Check 3: every example (media-type, parameter, header and schema examples) validates against
//! its schema with a real JSON Schema validator.
//!
//! An OpenAPI 3.0 schema becomes JSON Schema draft 4 (whose `$ref`, `exclusiveMinimum` and
//! `format` rules are the ones OpenAPI 3.0 adopted) by [`to_json_schema`]:
//! - `nullable: true` allows `null` for the whole schema: the schema becomes
//!   `anyOf: [{type: 'null'}, <schema without nullable>]`. This is how the project's nullable
//!   open-enum reference (`nullable: true` + `allOf: [$ref]`) is meant, and what generators
//!   (paygate's included) do with it;
//! - `#/components/schemas/X` becomes `#/definitions/X`, the converted component schemas;
//! - OpenAPI-only keywords (`example`, `discriminator`, `readOnly`, `x-...`) are dropped, and
//!   siblings of a `$ref` are ignored as OpenAPI 3.0 says.
//!
//! Formats JSON Schema knows (`date-time`, `email`, `uri`, ...) are asserted; OpenAPI's own
//! (`int64`, `decimal`, ...) are ignored.

use std::collections::BTreeMap;

use jsonschema::{Draft, Validator};
use serde_json::{Map, Value, json};

use crate::document::{Document, Problem, child, each_schema, entries, holders, resolve};
use crate::structure;

/// Converts one OpenAPI 3.0 schema object to JSON Schema draft 4 (see the module docs).
pub fn to_json_schema(schema: &Value) -> Value {
    let Value::Object(map) = schema else {
        return schema.clone();
    };
    if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
        let reference = match reference.strip_prefix("#/components/schemas/") {
            Some(rest) => format!("#/definitions/{rest}"),
            None => reference.to_owned(),
        };
        return json!({ "$ref": reference });
    }
    let mut out = Map::new();
    for (key, value) in map {
        let converted = match key.as_str() {
            "nullable" | "example" | "discriminator" | "xml" | "externalDocs" | "deprecated"
            | "readOnly" | "writeOnly" => continue,
            k if k.starts_with("x-") => continue,
            "properties" => Value::Object(
                value
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(name, s)| (name.clone(), to_json_schema(s)))
                    .collect(),
            ),
            "items" | "not" | "additionalProperties" => to_json_schema(value),
            "allOf" | "anyOf" | "oneOf" => Value::Array(
                value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(to_json_schema)
                    .collect(),
            ),
            _ => value.clone(),
        };
        out.insert(key.clone(), converted);
    }
    if map.get("nullable") == Some(&Value::Bool(true)) {
        return json!({ "anyOf": [{ "type": "null" }, out] });
    }
    Value::Object(out)
}

/// One example to validate: where it is, its schema and its value.
struct Example<'a> {
    at: String,
    schema_at: String,
    schema: &'a Value,
    value: &'a Value,
}

pub fn check(doc: &Document) -> Vec<Problem> {
    let json = &doc.json;
    let definitions: Map<String, Value> = entries(json.pointer("/components/schemas"))
        .map(|(name, s)| (name.to_owned(), to_json_schema(s)))
        .collect();

    let mut examples = Vec::new();
    let mut schema_roots: Vec<(String, &Value)> = entries(json.pointer("/components/schemas"))
        .map(|(name, s)| (child("components.schemas", name), s))
        .collect();
    for holder in holders(json) {
        let Some(schema) = holder.value.get("schema") else {
            continue;
        };
        let schema_at = child(&holder.at, "schema");
        if let Some(value) = holder.value.get("example") {
            examples.push(Example {
                at: child(&holder.at, "example"),
                schema_at: schema_at.clone(),
                schema,
                value,
            });
        }
        for (name, example) in entries(holder.value.get("examples")) {
            // A broken $ref is reported by the structure check.
            if let Some(value) = resolve(json, example).and_then(|e| e.get("value")) {
                examples.push(Example {
                    at: child(&child(&holder.at, "examples"), name),
                    schema_at: schema_at.clone(),
                    schema,
                    value,
                });
            }
        }
        schema_roots.push((schema_at, schema));
    }
    for (at, root) in &schema_roots {
        each_schema(root, at, &mut |at, schema| {
            if let Some(value) = schema.get("example") {
                examples.push(Example {
                    at: child(at, "example"),
                    schema_at: at.to_owned(),
                    schema,
                    value,
                });
            }
        });
    }

    let mut problems = Vec::new();
    let refs_resolve = structure::broken_refs(doc).is_empty();
    let mut validators: BTreeMap<String, Option<Validator>> = BTreeMap::new();
    for example in examples {
        let validator = validators
            .entry(example.schema_at.clone())
            .or_insert_with(|| match validator(&definitions, example.schema) {
                Ok(v) => Some(v),
                // A broken $ref is the structure check's to report.
                Err(_) if !refs_resolve => None,
                Err(e) => {
                    let message = format!("not a valid JSON Schema: {e}");
                    problems.push(doc.problem(&example.schema_at, message));
                    None
                }
            });
        let Some(validator) = validator else { continue };
        let errors: Vec<String> = validator
            .iter_errors(example.value)
            .map(|e| {
                let path = e.instance_path().to_string();
                if path.is_empty() {
                    e.to_string()
                } else {
                    format!("at {path}: {e}")
                }
            })
            .collect();
        if let Some(first) = errors.first() {
            let more = match errors.len() {
                1 => String::new(),
                n => format!(" (and {} more)", n - 1),
            };
            problems.push(doc.problem(
                &example.at,
                format!("example does not match its schema: {first}{more}"),
            ));
        }
    }
    problems
}

/// A draft 4 validator for `schema`, whose `$ref`s point into `definitions`.
fn validator(definitions: &Map<String, Value>, schema: &Value) -> Result<Validator, String> {
    let root = json!({
        "definitions": definitions,
        "allOf": [to_json_schema(schema)],
    });
    jsonschema::options()
        .with_draft(Draft::Draft4)
        .should_validate_formats(true)
        .build(&root)
        .map_err(|e| e.to_string())
}
