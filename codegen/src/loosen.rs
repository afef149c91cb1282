//! One place refuses a request argument: the pre-request check, from `REQUEST_LIMITS`.
//!
//! Left alone, typify turns a request property with `maxLength`, `minLength` or `pattern` into
//! a newtype whose builder refuses a bad value before any hook runs, and progenitor then keeps
//! only the reason, not the field or the value. [`loosen`] removes those string limits from the
//! copy of the spec the Rust types are generated from, for exactly the inline parameters and the
//! inline top-level properties of request bodies that `REQUEST_LIMITS` covers, so the checker that names the field and
//! the value is the one that refuses them. The published spec keeps every limit.

use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind, Type};

/// `spec` without the string limits of inline parameters and of the inline properties of
/// request bodies.
pub fn loosen(spec: &OpenAPI) -> OpenAPI {
    let mut spec = spec.clone();
    let mut request_components = Vec::new();
    for item in spec.paths.paths.values_mut() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
            &mut item.trace,
        ];
        for op in operations.into_iter().flatten() {
            for parameter in &mut op.parameters {
                if let ReferenceOr::Item(parameter) = parameter {
                    let data = match parameter {
                        openapiv3::Parameter::Query { parameter_data, .. }
                        | openapiv3::Parameter::Header { parameter_data, .. } => parameter_data,
                        _ => continue,
                    };
                    if let openapiv3::ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) =
                        &mut data.format
                    {
                        drop_string_limits(schema);
                    }
                }
            }
            let Some(ReferenceOr::Item(body)) = &mut op.request_body else {
                continue;
            };
            for media in body.content.values_mut() {
                match &mut media.schema {
                    Some(ReferenceOr::Item(schema)) => drop_property_limits(schema),
                    Some(ReferenceOr::Reference { reference }) => {
                        if let Some(name) = reference.strip_prefix("#/components/schemas/") {
                            request_components.push(name.to_owned());
                        }
                    }
                    None => {}
                }
            }
        }
    }
    // A request body that is a component: its own properties (a component used as a request
    // body is a request's shape, e.g. `CreateOrderRequest`).
    if let Some(components) = &mut spec.components {
        for name in request_components {
            if let Some(ReferenceOr::Item(schema)) = components.schemas.get_mut(&name) {
                drop_property_limits(schema);
            }
        }
    }
    spec
}

fn drop_property_limits(schema: &mut Schema) {
    if let SchemaKind::Type(Type::Object(object)) = &mut schema.schema_kind {
        for property in object.properties.values_mut() {
            if let ReferenceOr::Item(property) = property {
                drop_string_limits(property);
            }
        }
    }
}

fn drop_string_limits(schema: &mut Schema) {
    if let SchemaKind::Type(Type::String(string)) = &mut schema.schema_kind {
        string.pattern = None;
        string.min_length = None;
        string.max_length = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_inline_request_strings_lose_their_limits() {
        let spec: OpenAPI = serde_json::from_value(serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/orders": {"post": {
                "parameters": [{"name": "receipt", "in": "query",
                    "schema": {"type": "string", "maxLength": 40}}],
                "requestBody": {"content": {"application/json": {"schema": {
                    "type": "object",
                    "properties": {
                        "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
                        "shared": {"$ref": "#/components/schemas/Shared"}
                    }}}}},
                "responses": {"200": {"description": "ok", "content": {"application/json":
                    {"schema": {"type": "string", "maxLength": 5}}}}}
            }, "patch": {
                "requestBody": {"content": {"application/json": {"schema":
                    {"$ref": "#/components/schemas/UpdateRequest"}}}},
                "responses": {"200": {"description": "ok"}}
            }}},
            "components": {"schemas": {
                "Shared": {"type": "string", "maxLength": 3},
                "UpdateRequest": {"type": "object", "properties": {
                    "comment": {"type": "string", "maxLength": 7}}}
            }}
        }))
        .unwrap();
        let text = serde_json::to_string(&loosen(&spec)).unwrap();
        assert!(!text.contains("maxLength\":40"), "{text}");
        assert!(!text.contains("^[A-Z]{3}$"), "{text}");
        assert!(!text.contains("maxLength\":7"), "{text}");
        // Components and responses keep theirs.
        assert!(text.contains("maxLength\":3"), "{text}");
        assert!(text.contains("maxLength\":5"), "{text}");
    }
}
