//! What the generated `send`s and `OPERATIONS` need to know about each operation of a spec,
//! read once: its method, path and server, its parameters with where each goes, its body's
//! media type and file fields, and whether its success response has a body.

use openapiv3::{OpenAPI, Parameter, ReferenceOr, SchemaKind, StringFormat, Type};

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// A `{name}` segment of the path.
    Path,
    /// The query string.
    Query,
    /// A header.
    Header,
}

/// One parameter of an operation.
#[derive(Debug, Clone)]
pub struct ParameterFacts {
    /// The name the spec (and the gateway) gives it: `expand[]`, `X-Refund-Idempotency`.
    pub name: String,
    /// Where it goes.
    pub location: Location,
    /// Whether the spec requires it.
    pub required: bool,
    /// Whether it carries the operation's idempotency key (`x-idempotency-key: true`).
    pub idempotency_key: bool,
}

/// An operation's request body.
#[derive(Debug, Clone)]
pub struct BodyFacts {
    /// `multipart/form-data` (else `application/json`).
    pub multipart: bool,
    /// A multipart body's file fields (`format: binary`): name and whether required.
    pub files: Vec<(String, bool)>,
}

/// One operation of a spec.
#[derive(Debug, Clone)]
pub struct OperationFacts {
    /// The `operationId`.
    pub id: String,
    /// The method, lower case as the spec writes it.
    pub method: String,
    /// The path template.
    pub path: String,
    /// The path of the operation's own server, when it has one other than the spec's default
    /// (`/v2` for `https://api.razorpay.com/v2`).
    pub server_path: Option<String>,
    /// Its parameters, `$ref`s resolved.
    pub parameters: Vec<ParameterFacts>,
    /// Its request body, if it takes one.
    pub body: Option<BodyFacts>,
    /// Whether every success response has no body (a 204, or a 200 without content).
    pub empty_success: bool,
}

/// Every operation of `spec` that has an `operationId`, in the spec's order.
pub fn operations(spec: &OpenAPI) -> Result<Vec<OperationFacts>, Vec<String>> {
    let default = spec.servers.first().map(|s| split_url(&s.url));
    let mut facts = Vec::new();
    let mut problems = Vec::new();
    for (path, item, method, op) in with_path_items(spec) {
        let Some(id) = op.operation_id.clone() else {
            continue;
        };
        let at = format!("paths.{path}.{method}");
        let server_path = match (op.servers.first(), &default) {
            (None, _) => None,
            (Some(server), Some((origin, default_path))) => {
                let (server_origin, server_path) = split_url(&server.url);
                if server_origin != *origin {
                    problems.push(format!(
                        "{at}: servers: {} is not on the default server's host {origin}",
                        server.url
                    ));
                }
                (server_path != *default_path).then_some(server_path)
            }
            (Some(_), None) => None,
        };
        let parameters = parameters(spec, item, op)
            .map(|p| {
                let data = p.parameter_data_ref();
                let location = match p {
                    Parameter::Path { .. } => Location::Path,
                    Parameter::Query { .. } => Location::Query,
                    Parameter::Header { .. } => Location::Header,
                    Parameter::Cookie { .. } => {
                        problems.push(format!("{at}: cookie parameter {} unsupported", data.name));
                        Location::Header
                    }
                };
                ParameterFacts {
                    name: data.name.clone(),
                    location,
                    required: data.required,
                    idempotency_key: data.extensions.get("x-idempotency-key")
                        == Some(&serde_json::Value::Bool(true)),
                }
            })
            .collect();
        let body = op
            .request_body
            .as_ref()
            .and_then(|body| resolve_request_body(spec, body))
            .map(|body| {
                let multipart = body.content.contains_key("multipart/form-data");
                let files = if multipart {
                    body.content["multipart/form-data"]
                        .schema
                        .as_ref()
                        .map(|schema| file_fields(spec, schema))
                        .unwrap_or_default()
                } else {
                    Vec::new()
                };
                BodyFacts { multipart, files }
            });
        let successes: Vec<_> = op
            .responses
            .responses
            .iter()
            .filter(|(status, _)| crate::compat::status_class(status) == 2)
            .collect();
        let empty_success = !successes.is_empty()
            && successes
                .iter()
                .all(|(_, response)| crate::compat::response_schema(spec, response).is_none());
        facts.push(OperationFacts {
            id,
            method: method.to_owned(),
            path: path.to_owned(),
            server_path,
            parameters,
            body,
            empty_success,
        });
    }
    if problems.is_empty() {
        Ok(facts)
    } else {
        Err(problems)
    }
}

/// `https://api.razorpay.com/v1/` as `("https://api.razorpay.com", "/v1")`.
fn split_url(url: &str) -> (String, String) {
    let url = url.trim_end_matches('/');
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    match url[after_scheme..].find('/') {
        Some(at) => (
            url[..after_scheme + at].to_owned(),
            url[after_scheme + at..].to_owned(),
        ),
        None => (url.to_owned(), String::new()),
    }
}

/// The path of the spec's default server (`/v1`), empty when it has none.
pub fn default_server_path(spec: &OpenAPI) -> String {
    spec.servers
        .first()
        .map(|s| split_url(&s.url).1)
        .unwrap_or_default()
}

/// Every operation with its path and path item: `(path, item, method, operation)`.
pub fn with_path_items(
    spec: &OpenAPI,
) -> impl Iterator<Item = (&str, &openapiv3::PathItem, &str, &openapiv3::Operation)> {
    spec.paths.iter().flat_map(|(path, item)| {
        item.as_item().into_iter().flat_map(move |item| {
            item.iter()
                .map(move |(method, op)| (path.as_str(), item, method, op))
        })
    })
}

/// An operation's parameters, those of its path item included (an operation's own parameter
/// replaces the path item's of the same name and location), with `$ref`s to
/// `components/parameters` resolved.
pub fn parameters<'a>(
    spec: &'a OpenAPI,
    item: &'a openapiv3::PathItem,
    op: &'a openapiv3::Operation,
) -> impl Iterator<Item = &'a Parameter> {
    let resolve = |parameter: &'a ReferenceOr<Parameter>| match parameter {
        ReferenceOr::Item(parameter) => Some(parameter),
        ReferenceOr::Reference { reference } => reference
            .strip_prefix("#/components/parameters/")
            .and_then(|name| spec.components.as_ref()?.parameters.get(name))
            .and_then(ReferenceOr::as_item),
    };
    let own: Vec<&Parameter> = op.parameters.iter().filter_map(resolve).collect();
    let same = |a: &Parameter, b: &Parameter| {
        a.parameter_data_ref().name == b.parameter_data_ref().name
            && std::mem::discriminant(a) == std::mem::discriminant(b)
    };
    let inherited: Vec<&Parameter> = item
        .parameters
        .iter()
        .filter_map(resolve)
        .filter(|p| !own.iter().any(|o| same(o, p)))
        .collect();
    inherited.into_iter().chain(own)
}

fn resolve_request_body<'a>(
    spec: &'a OpenAPI,
    body: &'a ReferenceOr<openapiv3::RequestBody>,
) -> Option<&'a openapiv3::RequestBody> {
    match body {
        ReferenceOr::Item(body) => Some(body),
        ReferenceOr::Reference { reference } => reference
            .strip_prefix("#/components/requestBodies/")
            .and_then(|name| spec.components.as_ref()?.request_bodies.get(name))
            .and_then(ReferenceOr::as_item),
    }
}

/// The `format: binary` properties of an object schema: name and whether required.
fn file_fields(spec: &OpenAPI, schema: &ReferenceOr<openapiv3::Schema>) -> Vec<(String, bool)> {
    let Some(schema) = crate::resolve(spec, schema) else {
        return Vec::new();
    };
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
        return Vec::new();
    };
    object
        .properties
        .iter()
        .filter(|(_, property)| match property {
            ReferenceOr::Item(property) => is_binary(property),
            ReferenceOr::Reference { .. } => false,
        })
        .map(|(name, _)| (name.clone(), object.required.contains(name)))
        .collect()
}

/// `type: string, format: binary`: a file.
pub fn is_binary(schema: &openapiv3::Schema) -> bool {
    matches!(&schema.schema_kind, SchemaKind::Type(Type::String(s))
        if s.format == openapiv3::VariantOrUnknownOrEmpty::Item(StringFormat::Binary))
}
