//! One place refuses a request argument: the pre-request check, from `REQUEST_LIMITS`.
//!
//! Left alone, typify turns a request property with `maxLength`, `minLength` or `pattern` into
//! a newtype whose builder refuses a bad value before any hook runs, and progenitor then keeps
//! only the reason, not the field or the value. [`loosen`] removes those string limits from the
//! copy of the spec the Rust types are generated from, for exactly the inline parameters and the
//! inline top-level properties of request bodies that `REQUEST_LIMITS` covers, so the checker that names the field and
//! the value is the one that refuses them. The published spec keeps every limit.
//!
//! Progenitor generates no body for `multipart/form-data`. [`loosen`] presents such a body to it
//! as JSON, with each file field (`type: string, format: binary`) a reference to
//! [`FILE_SCHEMA`], which the generator replaces with `paygate::File`; the generated `send`
//! writes the body as multipart all the same (`codegen/src/send.rs`).

use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind, Type};

/// The component a file field of a multipart body refers to in the copy the types are
/// generated from; replaced by `paygate::File`.
pub const FILE_SCHEMA: &str = "PaygateUploadFile";

/// `spec` without the string limits of inline parameters and of the inline properties of
/// request bodies, and with multipart bodies presented as JSON.
pub fn loosen(spec: &OpenAPI) -> OpenAPI {
    let mut spec = spec.clone();
    let mut has_files = false;
    let mut multipart_components = Vec::new();
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
            if let Some(mut media) = body.content.shift_remove("multipart/form-data") {
                // How each part is encoded (`encoding`) is the multipart writer's business.
                media.encoding.clear();
                if let Some(schema) = &mut media.schema {
                    has_files |= files_as_references(schema, &mut multipart_components);
                }
                body.content.insert("application/json".to_owned(), media);
            }
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
    if let Some(components) = &mut spec.components {
        for name in &multipart_components {
            if let Some(schema) = components.schemas.get_mut(name) {
                has_files |= files_as_references(schema, &mut Vec::new());
            }
        }
    }
    request_components.extend(multipart_components);
    if has_files {
        let components = spec.components.get_or_insert_with(Default::default);
        components.schemas.insert(
            FILE_SCHEMA.to_owned(),
            ReferenceOr::Item(Schema {
                schema_data: Default::default(),
                schema_kind: SchemaKind::Type(Type::String(Default::default())),
            }),
        );
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

/// Makes each `format: binary` property of an inline multipart body schema a reference to
/// [`FILE_SCHEMA`]; a body that is a component is noted in `components` (to be given the same
/// treatment there). Whether any file was found.
fn files_as_references(schema: &mut ReferenceOr<Schema>, components: &mut Vec<String>) -> bool {
    let schema = match schema {
        ReferenceOr::Item(schema) => schema,
        ReferenceOr::Reference { reference } => {
            if let Some(name) = reference.strip_prefix("#/components/schemas/") {
                components.push(name.to_owned());
            }
            return false;
        }
    };
    let SchemaKind::Type(Type::Object(object)) = &mut schema.schema_kind else {
        return false;
    };
    let mut found = false;
    for property in object.properties.values_mut() {
        if matches!(property, ReferenceOr::Item(p) if crate::spec_facts::is_binary(p)) {
            *property = ReferenceOr::Reference {
                reference: format!("#/components/schemas/{FILE_SCHEMA}"),
            };
            found = true;
        }
    }
    found
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
