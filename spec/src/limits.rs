//! Request limits: what the spec states about the values a client may send (`openapi/README.md`,
//! "Request limits"). This is the one definition of them: the generator writes them into
//! `REQUEST_LIMITS`, and the sandbox's gate enforces the same keywords through JSON Schema.

use serde_json::Value;

use crate::{Document, ParameterIn, nullable_ref, resolve, resolve_with_pointer};

/// One request field of one operation that has limits.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestLimit {
    /// The operation's `operationId`.
    pub operation: String,
    /// `"body"` (a top-level property of the JSON or `multipart/form-data` body), `"query"` or
    /// `"header"`.
    pub location: &'static str,
    /// The field's name in the spec.
    pub field: String,
    /// What the spec states.
    pub limits: Limits,
}

/// The limits of one field, when it has any.
#[derive(Debug, Clone, Default, PartialEq)]
#[allow(missing_docs)]
pub struct Limits {
    /// Integer bounds, inclusive (`exclusiveMinimum: true` already added in).
    pub minimum: Option<i64>,
    pub maximum: Option<i64>,
    pub decimal: Option<DecimalLimits>,
    /// String lengths, in characters.
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub pattern: Option<String>,
    /// Objects: at most this many keys (`maxProperties`), keys of at most `key_max_length`
    /// characters (`x-propertyNames.maxLength`), string values of at most `value_max_length`
    /// (`additionalProperties.maxLength`).
    pub max_properties: Option<usize>,
    pub key_max_length: Option<usize>,
    pub value_max_length: Option<usize>,
}

/// Limits of a number, as decimal text (so that a check compares exact decimals: 0.01 is not
/// a binary fraction; `f64`'s `Display` is the shortest text that reads back the same).
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct DecimalLimits {
    pub minimum: Option<String>,
    pub exclusive_minimum: bool,
    pub maximum: Option<String>,
    pub exclusive_maximum: bool,
    pub multiple_of: Option<String>,
}

/// The limits of every request field of `doc` that has any: for each operation with an
/// `operationId`, in document order ([`Document::operations`]), its query and header
/// parameters, then the top-level properties of its request body (JSON or `multipart/form-data`)
/// in document order. An
/// operation's rows are together.
pub fn request_limits(doc: &Document) -> Vec<RequestLimit> {
    let json = doc.json();
    let mut rows = Vec::new();
    for op in doc.operations() {
        let Some(operation) = op.operation_id() else {
            continue;
        };
        let mut push = |location, field: &str, limits| {
            rows.push(RequestLimit {
                operation: operation.to_owned(),
                location,
                field: field.to_owned(),
                limits,
            })
        };
        for parameter in op.parameters_lenient(json) {
            let location = match parameter.location {
                ParameterIn::Query => "query",
                ParameterIn::Header => "header",
                ParameterIn::Path | ParameterIn::Cookie => continue,
            };
            if let Some(schema) = parameter.schema
                && let Ok(schema) = resolve(json, schema, &parameter.at)
                && let Some(limits) = limits_of(json, schema)
            {
                push(location, parameter.name, limits);
            }
        }
        let Some(body) = op.op.get("requestBody") else {
            continue;
        };
        let escape = |s: &str| s.replace('~', "~0").replace('/', "~1");
        let body_pointer = format!("/paths/{}/{}/requestBody", escape(op.path), op.method);
        let Ok((body_pointer, body)) = resolve_with_pointer(json, body, body_pointer, &op.at)
        else {
            continue;
        };
        // The body's fields: JSON, or the text parts of a multipart upload (its file fields
        // have no limits).
        let Some((media, schema)) = ["application~1json", "multipart~1form-data"]
            .into_iter()
            .find_map(|media| Some((media, body.pointer(&format!("/content/{media}/schema"))?)))
        else {
            continue;
        };
        let schema_pointer = format!("{body_pointer}/content/{media}/schema");
        let Ok((schema_pointer, schema)) =
            resolve_with_pointer(json, schema, schema_pointer, &op.at)
        else {
            continue;
        };
        if schema.get("type").and_then(Value::as_str) != Some("object") {
            continue;
        }
        let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
            continue;
        };
        let names = doc
            .ordered_keys(&format!("{schema_pointer}/properties"))
            .unwrap_or_else(|| properties.keys().map(String::as_str).collect());
        for name in names {
            if let Some(property) = properties.get(name)
                && let Ok(property) = resolve(json, property, &op.at)
                && let Some(limits) = limits_of(json, through_all_of(json, property))
            {
                push("body", name, limits);
            }
        }
    }
    rows
}

/// The schema behind `allOf: [$ref]` (the form a property uses to add a description to a
/// component) or behind "`$ref` or null" ([`nullable_ref`]), when nothing but annotations is
/// beside it; any other schema as it is.
pub fn through_all_of<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    if schema.get("type").is_some() {
        return schema;
    }
    let inner = match schema
        .get("allOf")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
    {
        Some([only]) => Some(only),
        _ => nullable_ref(schema),
    };
    inner
        .and_then(|inner| resolve(doc, inner, "").ok())
        .unwrap_or(schema)
}

fn size(schema: &Value, key: &str) -> Option<usize> {
    schema
        .get(key)
        .and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
}

fn flag(schema: &Value, key: &str) -> bool {
    schema.get(key) == Some(&Value::Bool(true))
}

/// The limits `schema` (resolved) states, by its `type`; `None` when it states none.
pub fn limits_of(doc: &Value, schema: &Value) -> Option<Limits> {
    let mut limits = Limits::default();
    match schema.get("type").and_then(Value::as_str)? {
        "integer" => {
            let bound = |key, exclusive, step: i64| {
                let n = schema.get(key).and_then(Value::as_i64)?;
                Some(if flag(schema, exclusive) { n + step } else { n })
            };
            limits.minimum = bound("minimum", "exclusiveMinimum", 1);
            limits.maximum = bound("maximum", "exclusiveMaximum", -1);
        }
        "number" => {
            let text = |key| {
                schema
                    .get(key)
                    .and_then(Value::as_f64)
                    .map(|n| n.to_string())
            };
            let decimal = DecimalLimits {
                minimum: text("minimum"),
                exclusive_minimum: flag(schema, "exclusiveMinimum"),
                maximum: text("maximum"),
                exclusive_maximum: flag(schema, "exclusiveMaximum"),
                multiple_of: text("multipleOf"),
            };
            let any = decimal.minimum.is_some()
                || decimal.maximum.is_some()
                || decimal.multiple_of.is_some();
            limits.decimal = any.then_some(decimal);
        }
        "string" => {
            limits.min_length = size(schema, "minLength");
            limits.max_length = size(schema, "maxLength");
            limits.pattern = schema
                .get("pattern")
                .and_then(Value::as_str)
                .map(str::to_owned);
        }
        "object" => {
            limits.max_properties = size(schema, "maxProperties");
            // OpenAPI 3.0 has no `propertyNames`; the spec states key limits as `x-propertyNames`.
            limits.key_max_length = schema
                .get("x-propertyNames")
                .and_then(|names| size(names, "maxLength"));
            if let Some(values) = schema.get("additionalProperties").filter(|v| v.is_object())
                && let Ok(values) = resolve(doc, values, "")
                && values.get("type").and_then(Value::as_str) == Some("string")
            {
                limits.value_max_length = size(values, "maxLength");
            }
        }
        _ => return None,
    }
    (limits != Limits::default()).then_some(limits)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(yaml: &str) -> Document {
        Document::from_yaml("t.yaml", yaml).unwrap()
    }

    #[test]
    fn header_query_and_body_limits_come_from_the_spec() {
        let doc = doc(
            "openapi: 3.0.3\npaths:\n  /things:\n    post:\n      operationId: create_thing\n      parameters:\n        - {name: Idem-Key, in: header, x-idempotency-key: true, schema: {type: string, minLength: 8, pattern: '^[a-z]+$'}}\n        - {name: X-Other, in: header, schema: {type: string}}\n        - {name: count, in: query, schema: {$ref: '#/components/schemas/Count'}}\n      requestBody: {content: {application/json: {schema: {type: object, properties: {price: {allOf: [{$ref: '#/components/schemas/Price'}], description: d}, maybe: {anyOf: [{$ref: '#/components/schemas/Short'}, {$ref: '#/components/schemas/NullValue'}]}, notes: {$ref: '#/components/schemas/Notes'}, free: {type: string}}}}}}\n      responses: {'200': {description: ok}}\n  /other:\n    get:\n      operationId: list_other\n      responses: {'200': {description: ok}}\ncomponents:\n  schemas:\n    Count: {type: integer, minimum: 0, exclusiveMinimum: true, maximum: 100}\n    Price: {type: number, minimum: 0, exclusiveMinimum: true, multipleOf: 0.01}\n    Short: {type: string, maxLength: 3}\n    NullValue: {type: string, nullable: true, enum: [null]}\n    Notes: {type: object, maxProperties: 15, x-propertyNames: {maxLength: 256}, additionalProperties: {type: string, maxLength: 256}}\n",
        );
        let rows = request_limits(&doc);
        let fields: Vec<_> = rows
            .iter()
            .map(|r| (r.operation.as_str(), r.location, r.field.as_str()))
            .collect();
        assert_eq!(
            fields,
            [
                ("create_thing", "header", "Idem-Key"),
                ("create_thing", "query", "count"),
                ("create_thing", "body", "price"),
                ("create_thing", "body", "maybe"),
                ("create_thing", "body", "notes"),
            ]
        );
        assert_eq!(
            rows[0].limits,
            Limits {
                min_length: Some(8),
                pattern: Some("^[a-z]+$".into()),
                ..Limits::default()
            }
        );
        assert_eq!(
            (rows[1].limits.minimum, rows[1].limits.maximum),
            (Some(1), Some(100))
        );
        assert_eq!(rows[3].limits.max_length, Some(3));
        assert_eq!(
            rows[4].limits,
            Limits {
                max_properties: Some(15),
                key_max_length: Some(256),
                value_max_length: Some(256),
                ..Limits::default()
            }
        );
        assert_eq!(
            rows[2].limits.decimal,
            Some(DecimalLimits {
                minimum: Some("0".into()),
                exclusive_minimum: true,
                maximum: None,
                exclusive_maximum: false,
                multiple_of: Some("0.01".into()),
            })
        );
    }

    /// A multipart upload's text fields are limited like a JSON body's (found by
    /// `tests/shapes/shapes.yaml`: its `purpose` went unchecked).
    #[test]
    fn multipart_body_fields_have_their_limits() {
        let doc = doc(
            "openapi: 3.0.3\npaths:\n  /documents:\n    post:\n      operationId: upload_document\n      requestBody: {content: {multipart/form-data: {schema: {type: object, properties: {file: {type: string, format: binary}, purpose: {type: string, maxLength: 20}, pages: {type: integer, minimum: 1}}}}}}\n      responses: {'200': {description: ok}}\n",
        );
        let rows = request_limits(&doc);
        let fields: Vec<_> = rows
            .iter()
            .map(|r| {
                (
                    r.location,
                    r.field.as_str(),
                    r.limits.max_length,
                    r.limits.minimum,
                )
            })
            .collect();
        assert_eq!(
            fields,
            [
                ("body", "purpose", Some(20), None),
                ("body", "pages", None, Some(1))
            ]
        );
    }

    #[test]
    fn a_schema_without_limits_or_type_has_none() {
        let doc = doc("openapi: 3.0.3");
        for schema in [
            serde_json::json!({"type": "string"}),
            serde_json::json!({"type": "boolean"}),
            serde_json::json!({"maxLength": 3}),
            serde_json::json!({"type": "object", "additionalProperties": {"type": "integer", "maximum": 3}}),
        ] {
            assert_eq!(limits_of(doc.json(), &schema), None, "{schema}");
        }
    }
}
