//! The project's conventions (`openapi/README.md`): open enums and nullable references.

use serde_json::Value;

use crate::Document;

/// The component every nullable reference points its second branch at: the schema whose only
/// value is `null`.
pub const NULL_SCHEMA: &str = "#/components/schemas/NullValue";

/// The name of `#/components/<section>/<name>` (`None` for another reference).
pub fn component_name<'r>(reference: &'r str, section: &str) -> Option<&'r str> {
    reference
        .strip_prefix("#/components/")?
        .strip_prefix(section)?
        .strip_prefix('/')
        .filter(|name| !name.contains('/'))
}

/// The component schema name of `#/components/schemas/<name>`.
pub fn schema_ref_name(reference: &str) -> Option<&str> {
    component_name(reference, "schemas")
}

/// The known values when `schema` has the open-enum shape:
///
/// ```yaml
/// anyOf:
///   - {type: string, enum: [a, b]}
///   - {type: string}
/// ```
///
/// two inline string schemas, the first listing at least one value (all strings), the second
/// none, and no `type`, `allOf` or `oneOf` beside the `anyOf`.
pub fn open_enum_values(schema: &Value) -> Option<Vec<String>> {
    if ["type", "allOf", "oneOf"]
        .iter()
        .any(|key| schema.get(key).is_some())
    {
        return None;
    }
    let [known, other] = schema.get("anyOf")?.as_array()?.as_slice() else {
        return None;
    };
    let is_string = |s: &Value| {
        s.is_object() && s.get("$ref").is_none() && s.get("type") == Some(&"string".into())
    };
    if !is_string(known) || !is_string(other) {
        return None;
    }
    fn listed(s: &Value) -> Option<&Vec<Value>> {
        s.get("enum")
            .and_then(Value::as_array)
            .filter(|v| !v.is_empty())
    }
    if listed(other).is_some() {
        return None;
    }
    listed(known)?
        .iter()
        .map(|v| v.as_str().map(str::to_owned))
        .collect()
}

/// An open enum among the component schemas.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenEnum {
    pub name: String,
    pub description: Option<String>,
    pub values: Vec<String>,
}

/// The open enums among `doc`'s component schemas, in document order.
pub fn open_enums(doc: &Document) -> Vec<OpenEnum> {
    let names = doc
        .ordered()
        .get("components")
        .and_then(|c| c.get("schemas"))
        .and_then(serde_yaml_ng::Value::as_mapping)
        .into_iter()
        .flatten()
        .filter_map(|(name, _)| name.as_str());
    let schemas = doc.json().pointer("/components/schemas");
    names
        .filter_map(|name| {
            let schema = schemas?.get(name)?;
            Some(OpenEnum {
                name: name.to_owned(),
                description: schema
                    .get("description")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                values: open_enum_values(schema)?,
            })
        })
        .collect()
}

/// `T` when `schema` is "`T` or `null`": `anyOf: [T, {$ref: NullValue}]`, in either order
/// (the form every OpenAPI 3.0 tool reads alike; paygate's generator makes it `Option<T>`).
pub fn nullable_ref(schema: &Value) -> Option<&Value> {
    let is_null = |v: &Value| v.get("$ref").and_then(Value::as_str) == Some(NULL_SCHEMA);
    match schema.get("anyOf")?.as_array()?.as_slice() {
        [a, b] if is_null(a) != is_null(b) => Some(if is_null(a) { b } else { a }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_open_enum_shape_and_nothing_else() {
        let open = json!({"description": "d", "anyOf": [
            {"type": "string", "enum": ["a", "b"]},
            {"type": "string", "description": "another value"},
        ]});
        assert_eq!(open_enum_values(&open), Some(vec!["a".into(), "b".into()]));
        for not_open in [
            json!({"anyOf": [{"type": "string", "enum": ["a"]}]}),
            json!({"anyOf": [{"type": "string"}, {"type": "string"}]}),
            json!({"anyOf": [{"type": "string", "enum": ["a"]}, {"type": "string", "enum": ["b"]}]}),
            json!({"anyOf": [{"type": "string", "enum": ["a", null]}, {"type": "string"}]}),
            json!({"anyOf": [{"type": "integer", "enum": [1]}, {"type": "string"}]}),
            json!({"anyOf": [{"$ref": "#/components/schemas/S"}, {"type": "string"}]}),
            json!({"type": "string", "anyOf": [{"type": "string", "enum": ["a"]}, {"type": "string"}]}),
            json!({"type": "string", "enum": ["a"]}),
        ] {
            assert_eq!(open_enum_values(&not_open), None, "{not_open}");
        }
    }

    #[test]
    fn open_enums_come_in_document_order() {
        let doc = Document::from_yaml(
            "t",
            "openapi: 3.0.3\ncomponents:\n  schemas:\n    Zeta: {anyOf: [{type: string, enum: [z]}, {type: string}]}\n    Plain: {type: string}\n    Alpha: {description: A, anyOf: [{type: string, enum: [a]}, {type: string}]}\n",
        )
        .unwrap();
        let found: Vec<_> = open_enums(&doc)
            .into_iter()
            .map(|e| (e.name, e.description))
            .collect();
        assert_eq!(
            found,
            [("Zeta".into(), None), ("Alpha".into(), Some("A".into()))]
        );
    }

    #[test]
    fn a_reference_or_null() {
        let s = json!({"$ref": "#/components/schemas/S"});
        let nul = json!({"$ref": NULL_SCHEMA});
        assert_eq!(nullable_ref(&json!({"anyOf": [s, nul]})), Some(&s));
        assert_eq!(nullable_ref(&json!({"anyOf": [nul, s]})), Some(&s));
        assert_eq!(nullable_ref(&json!({"anyOf": [nul, nul]})), None);
        assert_eq!(nullable_ref(&json!({"anyOf": [s, s]})), None);
        assert_eq!(nullable_ref(&json!({"allOf": [s]})), None);
        assert_eq!(schema_ref_name("#/components/schemas/S"), Some("S"));
        assert_eq!(
            component_name("#/components/parameters/P", "parameters"),
            Some("P")
        );
        assert_eq!(schema_ref_name("#/components/schemasX/S"), None);
        assert_eq!(schema_ref_name("#/components/schemas/S/properties/a"), None);
    }
}
