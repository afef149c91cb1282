//! What the generated `send`s and `OPERATIONS` need to know about each operation of a spec,
//! read once through paygate-spec: its method, path and server, its parameters with where each
//! goes, its body's media type and file fields, and whether its success response has a body.

use paygate_spec::{Document, ParameterIn};
use serde_json::Value;

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
    /// Its parameters, `$ref`s resolved, its path item's included.
    pub parameters: Vec<ParameterFacts>,
    /// Its request body, if it takes one.
    pub body: Option<BodyFacts>,
    /// Whether every success response has no body (a 204, or a 200 without content).
    pub empty_success: bool,
}

/// Every operation of `doc` that has an `operationId`, in document order.
pub fn operations(doc: &Document) -> Result<Vec<OperationFacts>, Vec<String>> {
    let json = doc.json();
    let (origin, default_path) = split_url(&default_server(json));
    let mut facts = Vec::new();
    let mut problems = Vec::new();
    for operation in doc.operations() {
        let Some(id) = operation.operation_id() else {
            continue;
        };
        let at = &operation.at;
        let mut problem = |message: String| problems.push(format!("{at}: {message}"));
        let server_path = match operation.servers(json).first() {
            Some(url) => {
                let (server_origin, server_path) = split_url(url);
                if server_origin != origin {
                    problem(format!(
                        "servers: {url} is not on the default server's host {origin}"
                    ));
                }
                (server_path != default_path).then_some(server_path)
            }
            None => None,
        };
        let parameters = match operation.parameters(json) {
            Ok(parameters) => parameters,
            Err(e) => {
                problem(e.to_string());
                continue;
            }
        };
        let parameters = parameters
            .iter()
            .filter_map(|p| {
                let location = match p.location {
                    ParameterIn::Path => Location::Path,
                    ParameterIn::Query => Location::Query,
                    ParameterIn::Header => Location::Header,
                    ParameterIn::Cookie => {
                        problem(format!("cookie parameter {} is not supported", p.name));
                        return None;
                    }
                };
                Some(ParameterFacts {
                    name: p.name.to_owned(),
                    location,
                    required: p.required,
                    idempotency_key: p.is_idempotency_key(),
                })
            })
            .collect();
        let body = match operation.request_body(json) {
            Ok(body) => body.map(|body| {
                let multipart = body
                    .content
                    .iter()
                    .find(|m| m.media_type == "multipart/form-data");
                BodyFacts {
                    multipart: multipart.is_some(),
                    files: multipart
                        .and_then(|m| m.schema)
                        .map(|schema| file_fields(json, schema))
                        .unwrap_or_default(),
                }
            }),
            Err(e) => {
                problem(e.to_string());
                continue;
            }
        };
        let empty_success = match operation.responses(json) {
            Ok(responses) => {
                let successes: Vec<_> = responses.iter().filter(|r| r.is_success()).collect();
                !successes.is_empty() && successes.iter().all(|r| r.content.is_empty())
            }
            Err(e) => {
                problem(e.to_string());
                continue;
            }
        };
        facts.push(OperationFacts {
            id: id.to_owned(),
            method: operation.method.to_owned(),
            path: operation.path.to_owned(),
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

/// The spec's first server URL, where a client sends requests unless told otherwise.
pub fn default_server(json: &Value) -> String {
    paygate_spec::elements(json.get("servers"))
        .find_map(|s| s.get("url").and_then(Value::as_str))
        .unwrap_or_default()
        .trim_end_matches('/')
        .to_owned()
}

/// The path of the spec's default server (`/v1`), empty when it has none.
pub fn default_server_path(json: &Value) -> String {
    split_url(&default_server(json)).1
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

/// The `format: binary` properties of an object schema: name and whether required.
fn file_fields(json: &Value, schema: &Value) -> Vec<(String, bool)> {
    let Ok(schema) = paygate_spec::resolve(json, schema, "") else {
        return Vec::new();
    };
    let required = |name: &str| {
        paygate_spec::elements(schema.get("required")).any(|r| r.as_str() == Some(name))
    };
    paygate_spec::entries(schema.get("properties"))
        .filter(|(_, property)| {
            property.get("type").and_then(Value::as_str) == Some("string")
                && property.get("format").and_then(Value::as_str) == Some("binary")
        })
        .map(|(name, _)| (name.to_owned(), required(name)))
        .collect()
}

/// `type: string, format: binary` in `openapiv3` form: a file.
pub fn is_binary(schema: &openapiv3::Schema) -> bool {
    matches!(&schema.schema_kind, openapiv3::SchemaKind::Type(openapiv3::Type::String(s))
        if s.format == openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary))
}
