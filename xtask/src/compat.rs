//! Check 4: the shapes progenitor cannot generate (paygate-codegen's own checks: one success
//! schema, no `default` beside a 2xx, one request media type, open enums that make Rust
//! variants) and the tolerant-reader rules for everything a response can contain: no
//! `additionalProperties: false`, no length, pattern or range limits, no closed enum.

use std::collections::BTreeSet;

use serde_json::Value;

use paygate_spec::{Role, child, each_schema, holders, open_enum_values, pointer, schema_ref_name};

use crate::document::{Document, Problem};

/// Keywords that reject values a newer service may send; they belong on requests only.
const LIMITS: [&str; 10] = [
    "maxLength",
    "minLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
];

pub fn check(doc: &Document) -> Vec<Problem> {
    let mut problems = doc.problems_from_lines(paygate_codegen::compat::check(&doc.bundled));
    if let Err(lines) = paygate_codegen::open_enum::collect(&doc.bundled) {
        problems.extend(doc.problems_from_lines(lines));
    }
    let mut walk = ResponseWalk {
        doc,
        visited: BTreeSet::new(),
        problems: Vec::new(),
    };
    for holder in holders(&doc.json) {
        if holder.role == Role::Response
            && let Some(schema) = holder.value.get("schema")
        {
            walk.visit(schema, &child(&holder.at, "schema"));
        }
    }
    problems.extend(walk.problems);
    problems
}

/// Visits every schema reachable from a response, following `$ref`s once each.
struct ResponseWalk<'a> {
    doc: &'a Document,
    visited: BTreeSet<String>,
    problems: Vec<Problem>,
}

impl<'a> ResponseWalk<'a> {
    fn visit(&mut self, root: &'a Value, at: &str) {
        let mut refs = Vec::new();
        let mut problems = Vec::new();
        let mut skip_below: Vec<String> = Vec::new();
        each_schema(root, at, &mut |at, schema| {
            if skip_below.iter().any(|s| at.starts_with(s.as_str())) {
                return;
            }
            if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
                refs.push(reference.to_owned());
                return;
            }
            if open_enum_values(schema).is_some() {
                // An inline open enum: the generator only knows named ones.
                problems.push((at.to_owned(), "open enum inline in a response schema; make it a named component schema and refer to it with $ref".to_owned()));
                skip_below.push(format!("{at}."));
                return;
            }
            if schema.get("additionalProperties") == Some(&Value::Bool(false)) {
                problems.push((at.to_owned(), "`additionalProperties: false` in a response schema; the service may add fields".to_owned()));
            }
            // `maxItems: 0` is not a limit but a shape: "always an empty array" (Razorpay's
            // empty notes), written so the Rust type and the spec admit exactly the same.
            let empty_array = schema.get("maxItems") == Some(&serde_json::json!(0));
            // Nor is money's sign or its smallest unit: an amount is never negative and never
            // finer than a paisa, and the Rust types refuse either rather than mis-read it.
            let money_rule = |limit: &str| match limit {
                "minimum" => schema.get(limit).and_then(Value::as_f64) == Some(0.0),
                "multipleOf" => schema.get(limit).and_then(Value::as_f64) == Some(0.01),
                _ => false,
            };
            for limit in LIMITS {
                if schema.get(limit).is_some()
                    && !(limit == "maxItems" && empty_array)
                    && !money_rule(limit)
                {
                    problems.push((
                        at.to_owned(),
                        format!("`{limit}` in a response schema; limits belong on requests"),
                    ));
                }
            }
            // `{nullable: true, enum: [null]}` is the null schema (`NullValue`), not a set of
            // values the service could extend.
            let null_only = schema.get("nullable") == Some(&Value::Bool(true))
                && schema.get("enum") == Some(&serde_json::json!([null]));
            if let Some(values) = schema.get("enum").filter(|_| !null_only) {
                problems.push((at.to_owned(), format!("closed enum {values} in a response schema; use an open enum (see openapi/README.md)")));
            }
        });
        self.problems.extend(
            problems
                .into_iter()
                .map(|(at, message)| self.doc.problem(at, message)),
        );
        for reference in refs {
            let Some(name) = schema_ref_name(&reference) else {
                continue;
            };
            if !self.visited.insert(name.to_owned()) {
                continue;
            }
            // A broken $ref is reported by the structure check.
            let Some(target) = pointer(&self.doc.json, &reference) else {
                continue;
            };
            if open_enum_values(target).is_none() {
                self.visit(target, &child("components.schemas", name));
            }
        }
    }
}
