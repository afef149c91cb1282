//! OpenAPI 3.0 Schema Objects to JSON Schema draft 2020-12, and compiled validators: the one
//! reading of paygate's specs that the sandbox, `cargo xtask spec-check` and paygate's tests
//! share, so all of them accept exactly what other languages' OpenAPI 3.0 tools accept.
//!
//! The conversion follows what OpenAPI 3.0.3 says each keyword means:
//! - `nullable: true` admits `null` only beside `type` (OpenAPI 3.0.3: it "adds `null` to the
//!   allowed types specified by the `type` keyword, only if `type` is explicitly defined within
//!   the same Schema Object"): `type: T` becomes `type: [T, "null"]`. Every other keyword keeps
//!   its meaning and may still refuse `null` (an `enum` without `null`, an `allOf: [$ref]`);
//!   without `type`, `nullable` changes nothing. This is the strict reading other languages'
//!   tools apply, so the sandbox never accepts what they would reject.
//! - `$ref: '#/components/schemas/X'` points into `$defs/X` of the same root; siblings of a
//!   `$ref` are ignored, as OpenAPI 3.0 says. Any other reference is a [`SpecError`].
//! - Boolean `exclusiveMinimum`/`exclusiveMaximum` (draft 4 style) become the numeric form.
//! - `format: int32`/`int64` bound the value to that range unless the schema is narrower, so a
//!   number the server could not store is refused; other formats JSON Schema does not know
//!   (`decimal`, `double`, ...) are ignored, known ones (`email`, `uri`, ...) are asserted.
//! - `readOnly` properties are not required in requests, `writeOnly` ones not in responses.
//! - OpenAPI-only annotations (`example`, `discriminator`, `xml`, `externalDocs`, `x-...`) are
//!   dropped; `discriminator` only names which `oneOf`/`anyOf` branch applies, and the branches
//!   are still validated as written.

use std::collections::HashMap;
use std::sync::Arc;

use jsonschema::{Draft, Validator};
use serde_json::{Map, Value, json};

/// A schema could not be converted or compiled: a broken `$ref`, a schema JSON Schema cannot
/// express, or a construct this conversion does not support. (paygate-spec's error: the
/// document is read through paygate-spec.)
pub use paygate_spec::SpecError;

/// Which side of the exchange a schema checks; decides `readOnly`/`writeOnly`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// What a client sends: `readOnly` properties are not required.
    Request,
    /// What a server answers: `writeOnly` properties are not required.
    Response,
}

const COMPONENT_SCHEMAS: &str = "#/components/schemas/";

/// Builds validators for schemas of one document, sharing identical ones.
pub struct Compiler<'a> {
    doc: &'a Value,
    request_defs: Value,
    response_defs: Value,
    cache: HashMap<String, Arc<Validator>>,
}

impl<'a> Compiler<'a> {
    /// Converts `doc`'s component schemas once, for both directions.
    pub fn new(doc: &'a Value) -> Result<Self, SpecError> {
        let components = doc.pointer("/components/schemas");
        let defs = |direction| -> Result<Value, SpecError> {
            let mut out = Map::new();
            if let Some(Value::Object(schemas)) = components {
                for (name, schema) in schemas {
                    let at = format!("components.schemas.{name}");
                    out.insert(name.clone(), convert(doc, schema, direction, &at)?);
                }
            }
            Ok(Value::Object(out))
        };
        Ok(Compiler {
            doc,
            request_defs: defs(Direction::Request)?,
            response_defs: defs(Direction::Response)?,
            cache: HashMap::new(),
        })
    }

    /// A validator for the OpenAPI schema `schema` found at `at` (for error messages).
    pub fn compile(
        &mut self,
        schema: &Value,
        direction: Direction,
        at: &str,
    ) -> Result<Arc<Validator>, SpecError> {
        let converted = convert(self.doc, schema, direction, at)?;
        let key = format!("{direction:?} {converted}");
        if let Some(validator) = self.cache.get(&key) {
            return Ok(Arc::clone(validator));
        }
        let defs = match direction {
            Direction::Request => &self.request_defs,
            Direction::Response => &self.response_defs,
        };
        // Only the components this schema reaches: the validator compiles every `$defs` entry,
        // and a large document's full set in each of its hundreds of validators made building
        // them all take tens of seconds.
        let root = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$defs": reachable_defs(&converted, defs),
            "allOf": [converted],
        });
        let validator = jsonschema::options()
            .with_draft(Draft::Draft202012)
            .should_validate_formats(true)
            .should_ignore_unknown_formats(true)
            .build(&root)
            .map_err(|e| SpecError::new(at, format!("not a valid schema: {e}")))?;
        let validator = Arc::new(validator);
        self.cache.insert(key, Arc::clone(&validator));
        Ok(validator)
    }
}

/// The entries of `defs` that `schema` refers to (`#/$defs/Name`), directly or through others.
fn reachable_defs(schema: &Value, defs: &Value) -> Map<String, Value> {
    let mut reached = Map::new();
    let mut pending = vec![schema];
    while let Some(value) = pending.pop() {
        match value {
            Value::Object(map) => {
                if let Some(name) = map
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix("#/$defs/"))
                    && !reached.contains_key(name)
                    && let Some(def) = defs.get(name)
                {
                    reached.insert(name.to_owned(), def.clone());
                    pending.push(def);
                }
                pending.extend(map.values());
            }
            Value::Array(items) => pending.extend(items),
            _ => {}
        }
    }
    reached
}

/// Converts one OpenAPI 3.0 Schema Object (see the module docs).
pub fn convert(
    doc: &Value,
    schema: &Value,
    direction: Direction,
    at: &str,
) -> Result<Value, SpecError> {
    let map = match schema {
        Value::Object(map) => map,
        Value::Bool(_) => return Ok(schema.clone()),
        _ => return Err(SpecError::new(at, "a schema must be an object")),
    };
    if let Some(reference) = map.get("$ref") {
        let reference = reference
            .as_str()
            .ok_or_else(|| SpecError::new(at, "`$ref` must be a string"))?;
        let Some(name) = reference.strip_prefix(COMPONENT_SCHEMAS) else {
            return Err(SpecError::new(
                at,
                format!("`$ref: {reference}` does not point into #/components/schemas"),
            ));
        };
        if paygate_spec::pointer(doc, reference).is_none() {
            return Err(SpecError::new(
                at,
                format!("`$ref: {reference}` points to nothing"),
            ));
        }
        return Ok(json!({ "$ref": format!("#/$defs/{name}") }));
    }

    let mut out = Map::new();
    for (key, value) in map {
        let here = format!("{at}.{key}");
        let converted = match key.as_str() {
            "nullable" | "example" | "discriminator" | "xml" | "externalDocs" => continue,
            k if k.starts_with("x-") => continue,
            "exclusiveMinimum" | "exclusiveMaximum" if value.is_boolean() => continue,
            "properties" => {
                let properties = value
                    .as_object()
                    .ok_or_else(|| SpecError::new(&here, "must be an object"))?;
                let mut out = Map::new();
                for (name, property) in properties {
                    let at = format!("{here}.{name}");
                    out.insert(name.clone(), convert(doc, property, direction, &at)?);
                }
                Value::Object(out)
            }
            "items" | "not" | "additionalProperties" => convert(doc, value, direction, &here)?,
            "allOf" | "anyOf" | "oneOf" => {
                let branches = value
                    .as_array()
                    .ok_or_else(|| SpecError::new(&here, "must be an array"))?;
                let mut out = Vec::with_capacity(branches.len());
                for (i, branch) in branches.iter().enumerate() {
                    out.push(convert(doc, branch, direction, &format!("{here}[{i}]"))?);
                }
                Value::Array(out)
            }
            "required" => Value::Array(
                value
                    .as_array()
                    .ok_or_else(|| SpecError::new(&here, "must be an array"))?
                    .iter()
                    .filter(|name| {
                        let property = name
                            .as_str()
                            .and_then(|name| map.get("properties")?.get(name));
                        !property.is_some_and(|p| skipped_in(doc, p, direction))
                    })
                    .cloned()
                    .collect(),
            ),
            _ => value.clone(),
        };
        out.insert(key.clone(), converted);
    }

    // Draft 4 style `exclusiveMinimum: true` qualifies `minimum`; 2020-12 takes the number.
    for (flag, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if map.get(flag) == Some(&Value::Bool(true)) {
            let limit = out
                .remove(bound)
                .ok_or_else(|| SpecError::new(at, format!("`{flag}: true` without `{bound}`")))?;
            out.insert(flag.to_owned(), limit);
        }
    }

    if map.get("type").and_then(Value::as_str) == Some("integer") {
        let range = match map.get("format").and_then(Value::as_str) {
            Some("int32") => Some((i64::from(i32::MIN), i64::from(i32::MAX))),
            Some("int64") => Some((i64::MIN, i64::MAX)),
            _ => None,
        };
        if let Some((min, max)) = range {
            if !out.contains_key("minimum") && !out.contains_key("exclusiveMinimum") {
                out.insert("minimum".to_owned(), min.into());
            }
            if !out.contains_key("maximum") && !out.contains_key("exclusiveMaximum") {
                out.insert("maximum".to_owned(), max.into());
            }
        }
    }

    if map.get("nullable") == Some(&Value::Bool(true))
        && let Some(ty) = out.get("type").and_then(Value::as_str)
    {
        let ty = ty.to_owned();
        out.insert("type".to_owned(), json!([ty, "null"]));
    }
    Ok(Value::Object(out))
}

/// Whether a property is left out of `required` for this direction (`readOnly` in requests,
/// `writeOnly` in responses), looking through `$ref`s.
fn skipped_in(doc: &Value, property: &Value, direction: Direction) -> bool {
    let flag = match direction {
        Direction::Request => "readOnly",
        Direction::Response => "writeOnly",
    };
    paygate_spec::resolve(doc, property, "")
        .is_ok_and(|target| target.get(flag) == Some(&Value::Bool(true)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Value {
        json!({
            "components": { "schemas": {
                "Status": { "anyOf": [
                    { "type": "string", "enum": ["a", "b"] },
                    { "type": "string" }
                ]},
                "Secret": { "type": "string", "writeOnly": true },
            }}
        })
    }

    /// Compiles `schema` (an OpenAPI schema) against `doc()`.
    fn validator(schema: Value, direction: Direction) -> Arc<Validator> {
        let doc = doc();
        let mut compiler = Compiler::new(&doc).unwrap();
        compiler.compile(&schema, direction, "test").unwrap()
    }

    #[test]
    fn nullable_type_admits_null_and_keeps_its_limits() {
        let converted = convert(
            &doc(),
            &json!({"type": "string", "nullable": true, "maxLength": 2}),
            Direction::Response,
            "t",
        )
        .unwrap();
        assert_eq!(
            converted,
            json!({"type": ["string", "null"], "maxLength": 2})
        );
        let v = validator(
            json!({"type": "string", "nullable": true, "maxLength": 2}),
            Direction::Response,
        );
        assert!(v.is_valid(&json!(null)));
        assert!(v.is_valid(&json!("ab")));
        assert!(!v.is_valid(&json!("abc")));
        assert!(!v.is_valid(&json!(1)));
    }

    #[test]
    fn nullable_without_type_does_not_admit_null() {
        let v = validator(
            json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/Status"}]}),
            Direction::Response,
        );
        assert!(!v.is_valid(&json!(null)));
        assert!(v.is_valid(&json!("a")));
        assert!(v.is_valid(&json!("new_value")));
    }

    #[test]
    fn a_reference_or_the_null_schema_admits_null_and_open_values() {
        let v = validator(
            json!({"anyOf": [
                {"$ref": "#/components/schemas/Status"},
                {"type": "string", "nullable": true, "enum": [null]},
            ]}),
            Direction::Response,
        );
        assert!(v.is_valid(&json!(null)));
        assert!(v.is_valid(&json!("a")));
        assert!(v.is_valid(&json!("new_value")));
        assert!(!v.is_valid(&json!(7)));
    }

    #[test]
    fn nullable_enum_admits_null_only_when_listed() {
        let closed = validator(
            json!({"type": "string", "enum": ["x"], "nullable": true}),
            Direction::Request,
        );
        assert!(!closed.is_valid(&json!(null)));
        assert!(closed.is_valid(&json!("x")));
        assert!(!closed.is_valid(&json!("y")));
        let listed = validator(
            json!({"type": "string", "enum": ["x", null], "nullable": true}),
            Direction::Request,
        );
        assert!(listed.is_valid(&json!(null)));
    }

    #[test]
    fn siblings_of_ref_are_ignored_so_nullable_there_does_not_admit_null() {
        let v = validator(
            json!({"$ref": "#/components/schemas/Status", "nullable": true, "maxLength": 0}),
            Direction::Response,
        );
        assert!(!v.is_valid(&json!(null)));
        assert!(v.is_valid(&json!("long enough")));
    }

    #[test]
    fn references_outside_component_schemas_are_spec_errors() {
        for reference in [
            "https://example.com/schema.json",
            "#/components/schemas/Missing",
            "#/paths",
        ] {
            let err = convert(&doc(), &json!({"$ref": reference}), Direction::Request, "p");
            assert!(err.is_err(), "{reference} was accepted");
        }
    }

    #[test]
    fn boolean_exclusive_bounds_become_numeric() {
        let schema = json!({
            "type": "number", "minimum": 0, "exclusiveMinimum": true,
            "maximum": 10, "exclusiveMaximum": false,
        });
        let converted = convert(&doc(), &schema, Direction::Request, "t").unwrap();
        assert_eq!(
            converted,
            json!({"type": "number", "exclusiveMinimum": 0, "maximum": 10})
        );
        let v = validator(schema, Direction::Request);
        assert!(!v.is_valid(&json!(0)));
        assert!(v.is_valid(&json!(0.01)));
        assert!(v.is_valid(&json!(10)));
        assert!(!v.is_valid(&json!(10.5)));
    }

    #[test]
    fn integer_formats_bound_the_range_and_unknown_formats_pass() {
        let v = validator(
            json!({"type": "integer", "format": "int64"}),
            Direction::Request,
        );
        assert!(v.is_valid(&json!(i64::MAX)));
        assert!(!v.is_valid(&json!(u64::MAX)));
        assert!(!v.is_valid(&json!(1e30)));
        let v = validator(
            json!({"type": "integer", "format": "int32"}),
            Direction::Request,
        );
        assert!(!v.is_valid(&json!(i64::from(i32::MAX) + 1)));
        let v = validator(
            json!({"type": "integer", "format": "int64", "minimum": 100}),
            Direction::Request,
        );
        assert!(!v.is_valid(&json!(99)));
        let v = validator(
            json!({"type": "number", "format": "decimal"}),
            Direction::Request,
        );
        assert!(v.is_valid(&json!(100.5)));
        let v = validator(
            json!({"type": "string", "format": "email"}),
            Direction::Request,
        );
        assert!(!v.is_valid(&json!("not an address")));
    }

    #[test]
    fn open_api_annotations_are_dropped_but_property_names_are_not() {
        let schema = json!({
            "type": "object",
            "example": {"a": 1},
            "x-rust-type": "Foo",
            "discriminator": {"propertyName": "kind"},
            "externalDocs": {"url": "https://example.com"},
            "properties": {"example": {"type": "string", "xml": {"name": "e"}}},
        });
        let converted = convert(&doc(), &schema, Direction::Request, "t").unwrap();
        assert_eq!(
            converted,
            json!({"type": "object", "properties": {"example": {"type": "string"}}})
        );
    }

    #[test]
    fn read_only_and_write_only_properties_are_required_on_one_side_only() {
        let schema = json!({
            "type": "object",
            "required": ["id", "secret"],
            "properties": {
                "id": {"type": "string", "readOnly": true},
                "secret": {"$ref": "#/components/schemas/Secret"},
            },
        });
        let request = validator(schema.clone(), Direction::Request);
        assert!(request.is_valid(&json!({"secret": "s"})));
        assert!(!request.is_valid(&json!({"id": "i"})));
        let response = validator(schema, Direction::Response);
        assert!(response.is_valid(&json!({"id": "i"})));
        assert!(!response.is_valid(&json!({"secret": "s"})));
    }
}
