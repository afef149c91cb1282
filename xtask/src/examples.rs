//! Check 3: every example (media-type, parameter, header and schema examples) validates against
//! its schema with a real JSON Schema validator.
//!
//! Schemas are read with strict OpenAPI 3.0.3 semantics, by the same conversion to JSON Schema
//! the sandbox validates with (`paygate-openapi-schema`): `nullable` admits `null` only beside
//! `type`, siblings of a `$ref` are ignored, and formats JSON Schema knows (`date-time`,
//! `email`, `uri`, ...) are asserted while OpenAPI's own (`int64`, `decimal`, ...) are not. An
//! example another language's validator would reject fails here too.

use std::collections::BTreeMap;
use std::sync::Arc;

use jsonschema::Validator;
use paygate_openapi_schema::{Compiler, Direction};
use serde_json::Value;

use paygate_spec::{child, each_schema, entries, holders};

use crate::document::{Document, Problem, resolve};
use crate::structure;

/// One example to validate: where it is, its schema and its value.
struct Example<'a> {
    at: String,
    schema_at: String,
    schema: &'a Value,
    value: &'a Value,
}

pub fn check(doc: &Document) -> Vec<Problem> {
    let json = &doc.json;

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
    let mut compiler = match Compiler::new(json) {
        Ok(compiler) => compiler,
        // A broken $ref is the structure check's to report.
        Err(_) if !refs_resolve => return problems,
        Err(e) => {
            problems.push(doc.problem("components.schemas", e.to_string()));
            return problems;
        }
    };
    let mut validators: BTreeMap<String, Option<Arc<Validator>>> = BTreeMap::new();
    for example in examples {
        // What a client sends is read as a request (`readOnly` properties not required).
        let direction = if example.at.contains(".requestBody") || example.at.contains(".parameters")
        {
            Direction::Request
        } else {
            Direction::Response
        };
        let validator = validators
            .entry(format!("{direction:?} {}", example.schema_at))
            .or_insert_with(|| {
                match compiler.compile(example.schema, direction, &example.schema_at) {
                    Ok(v) => Some(v),
                    // A broken $ref is the structure check's to report.
                    Err(_) if !refs_resolve => None,
                    Err(e) => {
                        let message = format!("not a valid JSON Schema: {e}");
                        problems.push(doc.problem(&example.schema_at, message));
                        None
                    }
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
