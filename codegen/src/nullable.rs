//! Nullable references. The specs write "this schema or `null`" as
//! `anyOf: [{$ref: X}, {$ref: '#/components/schemas/NullValue'}]`, the form every OpenAPI 3.0 tool
//! reads alike (`nullable` admits `null` only beside `type`). Progenitor would turn it into an
//! untagged enum of `X` and a unit type; [`lower`] hands it `{nullable: true, allOf: [X]}`
//! instead, which it turns into `Option<X>`, and drops the `NullValue` component, which nothing else
//! refers to.

use openapiv3::OpenAPI;
// YAML values keep the document's order (serde_json's maps would sort it, and with it the
// generated structs' fields).
use serde_yaml_ng::Value;

/// The component every nullable reference points its second branch at.
pub const NULL_SCHEMA: &str = "#/components/schemas/NullValue";

/// `spec` as progenitor should see it (see the module docs).
pub fn lower(spec: &OpenAPI) -> Result<OpenAPI, String> {
    let mut value = serde_yaml_ng::to_value(spec).map_err(|e| e.to_string())?;
    rewrite(&mut value);
    if let Some(schemas) = value
        .get_mut("components")
        .and_then(|c| c.get_mut("schemas"))
        .and_then(Value::as_mapping_mut)
    {
        schemas.remove("NullValue");
    }
    serde_yaml_ng::from_value(value).map_err(|e| format!("nullable references: {e}"))
}

fn is_null_ref(value: &Value) -> bool {
    value.get("$ref").and_then(Value::as_str) == Some(NULL_SCHEMA)
}

fn rewrite(value: &mut Value) {
    match value {
        Value::Mapping(map) => {
            let branches = map.get("anyOf").and_then(Value::as_sequence);
            if let Some([a, b]) = branches.map(Vec::as_slice)
                && (is_null_ref(a) != is_null_ref(b))
            {
                let other = if is_null_ref(a) { b.clone() } else { a.clone() };
                map.remove("anyOf");
                map.insert("allOf".into(), Value::Sequence(vec![other]));
                map.insert("nullable".into(), Value::Bool(true));
            }
            map.values_mut().for_each(rewrite);
        }
        Value::Sequence(items) => items.iter_mut().for_each(rewrite),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reference_or_null_becomes_a_nullable_reference() {
        let spec: OpenAPI = serde_yaml_ng::from_str(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    NullValue: {type: string, nullable: true, enum: [null]}\n    S: {type: string}\n    P:\n      type: object\n      properties:\n        s:\n          description: d\n          anyOf: [{$ref: '#/components/schemas/S'}, {$ref: '#/components/schemas/NullValue'}]\n",
        )
        .unwrap();
        let lowered = serde_json::to_value(lower(&spec).unwrap()).unwrap();
        let s = &lowered["components"]["schemas"]["P"]["properties"]["s"];
        assert_eq!(s["nullable"], true);
        assert_eq!(s["allOf"][0]["$ref"], "#/components/schemas/S");
        assert_eq!(s["description"], "d");
        assert!(s.get("anyOf").is_none());
        assert!(lowered["components"]["schemas"].get("NullValue").is_none());
    }
}
