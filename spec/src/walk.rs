//! Walks over a document: operations, their parameters, bodies and responses, webhooks, every
//! holder of a schema, and every subschema.

use serde_json::Value;

use crate::{SpecError, resolve};

/// The HTTP methods a path item may hold, in the order operations are walked.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The top-level sections whose entries are path items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// `paths`: the operations a client calls.
    Paths,
    /// `x-webhooks`: the webhooks the service sends, shaped like OpenAPI 3.1's `webhooks`, one
    /// path item per event name. Their request bodies are data the service sends (read like
    /// responses), their responses what the receiver answers.
    Webhooks,
}

impl Section {
    /// The section's key in the document.
    pub const fn key(self) -> &'static str {
        match self {
            Section::Paths => "paths",
            Section::Webhooks => "x-webhooks",
        }
    }
}

/// `at.key`, or `key` at the top.
pub fn child(at: &str, key: &str) -> String {
    if at.is_empty() {
        key.to_owned()
    } else {
        format!("{at}.{key}")
    }
}

/// The entries of an optional JSON object (nothing when absent or not an object).
pub fn entries(v: Option<&Value>) -> impl Iterator<Item = (&str, &Value)> {
    v.and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.as_str(), v))
}

/// The elements of an optional JSON array.
pub fn elements(v: Option<&Value>) -> impl Iterator<Item = &Value> {
    v.and_then(Value::as_array).into_iter().flatten()
}

/// One operation of a document.
#[derive(Debug, Clone)]
pub struct Operation<'a> {
    /// The path template (`/orders/{order_id}`), or the event name under `x-webhooks`.
    pub path: &'a str,
    /// The method key, lower case (`post`).
    pub method: &'a str,
    /// `paths.<path>.<method>`
    pub at: String,
    /// The Operation Object.
    pub op: &'a Value,
    /// The Path Item Object holding it.
    pub item: &'a Value,
    /// The path item's own `parameters`, as written.
    pub path_parameters: &'a [Value],
}

/// Every operation under `paths`, by path, then in [`METHODS`] order.
pub fn operations(doc: &Value) -> Vec<Operation<'_>> {
    operations_in(doc, Section::Paths.key())
}

/// Every webhook under `x-webhooks`, by event, then in [`METHODS`] order.
pub fn webhooks(doc: &Value) -> Vec<Operation<'_>> {
    operations_in(doc, Section::Webhooks.key())
}

/// Every operation of the path items under the top-level `section`.
pub fn operations_in<'a>(doc: &'a Value, section: &str) -> Vec<Operation<'a>> {
    let mut found = Vec::new();
    for (path, item) in entries(doc.get(section)) {
        let path_parameters = item
            .get("parameters")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice);
        for method in METHODS {
            if let Some(op) = item.get(method) {
                found.push(Operation {
                    path,
                    method,
                    at: child(&child(section, path), method),
                    op,
                    item,
                    path_parameters,
                });
            }
        }
    }
    found
}

/// Where a parameter is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParameterIn {
    Path,
    Query,
    Header,
    Cookie,
}

impl ParameterIn {
    /// As the document writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            ParameterIn::Path => "path",
            ParameterIn::Query => "query",
            ParameterIn::Header => "header",
            ParameterIn::Cookie => "cookie",
        }
    }
}

/// One parameter of an operation, `$ref` resolved.
#[derive(Debug, Clone)]
pub struct Parameter<'a> {
    /// Where it is declared (`paths./orders.get.parameters[0]`).
    pub at: String,
    /// The Parameter Object.
    pub value: &'a Value,
    pub name: &'a str,
    pub location: ParameterIn,
    /// `required: true` as written (OpenAPI requires it of path parameters; the spec check
    /// insists on it).
    pub required: bool,
    /// Its `schema` (`None` for a parameter described by `content`).
    pub schema: Option<&'a Value>,
    pub style: Option<&'a str>,
    pub explode: Option<bool>,
}

impl Parameter<'_> {
    /// Marked `x-idempotency-key: true`: it carries an idempotency key (`openapi/README.md`).
    pub fn is_idempotency_key(&self) -> bool {
        self.location == ParameterIn::Header
            && self.value.get("x-idempotency-key") == Some(&Value::Bool(true))
    }
}

/// A media type of a body.
#[derive(Debug, Clone)]
pub struct MediaType<'a> {
    /// `application/json`, as written.
    pub media_type: &'a str,
    /// `<holder>.content.<media type>`
    pub at: String,
    pub schema: Option<&'a Value>,
    /// The Media Type Object.
    pub value: &'a Value,
}

/// An operation's request body, `$ref` resolved.
#[derive(Debug, Clone)]
pub struct RequestBody<'a> {
    pub at: String,
    pub required: bool,
    /// In document (key) order.
    pub content: Vec<MediaType<'a>>,
}

impl<'a> RequestBody<'a> {
    /// The JSON media type (`application/json`, else the first `+json`), if any.
    pub fn json(&self) -> Option<&MediaType<'a>> {
        json_media(&self.content)
    }
}

/// One documented response of an operation, `$ref` resolved.
#[derive(Debug, Clone)]
pub struct Response<'a> {
    /// `200`, `4XX`, `default`, as written.
    pub status: &'a str,
    pub at: String,
    /// The Response Object.
    pub value: &'a Value,
    pub content: Vec<MediaType<'a>>,
}

impl<'a> Response<'a> {
    /// A 2xx response.
    pub fn is_success(&self) -> bool {
        self.status.starts_with('2')
    }

    /// The JSON media type (`application/json`, else the first `+json`), if any.
    pub fn json(&self) -> Option<&MediaType<'a>> {
        json_media(&self.content)
    }
}

fn json_media<'m, 'a>(content: &'m [MediaType<'a>]) -> Option<&'m MediaType<'a>> {
    let essence = |m: &MediaType<'_>| {
        m.media_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
    };
    content
        .iter()
        .find(|m| essence(m) == "application/json")
        .or_else(|| content.iter().find(|m| essence(m).ends_with("+json")))
}

fn content<'a>(holder: &'a Value, at: &str) -> Result<Vec<MediaType<'a>>, SpecError> {
    let Some(content) = holder.get("content") else {
        return Ok(Vec::new());
    };
    let content = content
        .as_object()
        .ok_or_else(|| SpecError::new(at, "`content` must be an object"))?;
    Ok(content
        .iter()
        .map(|(media_type, value)| MediaType {
            media_type,
            at: child(&child(at, "content"), media_type),
            schema: value.get("schema"),
            value,
        })
        .collect())
}

impl<'a> Operation<'a> {
    /// Its `operationId`.
    pub fn operation_id(&self) -> Option<&'a str> {
        self.op.get("operationId").and_then(Value::as_str)
    }

    /// Every parameter declared for it, in order: the path item's, then its own (one of its
    /// own replaces a path item's with the same name and location), each `$ref` resolved.
    /// OpenAPI's `Accept`, `Content-Type` and `Authorization` header parameters are kept.
    pub fn parameters(&self, doc: &'a Value) -> Result<Vec<Parameter<'a>>, SpecError> {
        self.declared(doc).into_iter().collect()
    }

    /// As [`Operation::parameters`], leaving out the parameters that do not resolve or are
    /// malformed (for comparing documents whose problems other checks report).
    pub fn parameters_lenient(&self, doc: &'a Value) -> Vec<Parameter<'a>> {
        self.declared(doc)
            .into_iter()
            .filter_map(Result::ok)
            .collect()
    }

    fn declared(&self, doc: &'a Value) -> Vec<Result<Parameter<'a>, SpecError>> {
        let item_at = self.at.rsplit_once('.').map_or(self.at.as_str(), |p| p.0);
        let mut declared: Vec<Result<Parameter<'a>, SpecError>> = Vec::new();
        for (holder, holder_at) in [(self.item, item_at), (self.op, self.at.as_str())] {
            let Some(list) = holder.get("parameters") else {
                continue;
            };
            let Some(list) = list.as_array() else {
                declared.push(Err(SpecError::new(
                    holder_at,
                    "`parameters` must be a list",
                )));
                continue;
            };
            for (i, value) in list.iter().enumerate() {
                let at = format!("{holder_at}.parameters[{i}]");
                let parameter = resolve(doc, value, &at).and_then(|value| parameter(value, at));
                if let Ok(p) = &parameter {
                    declared.retain(|other| {
                        other
                            .as_ref()
                            .map_or(true, |o| (o.name, o.location) != (p.name, p.location))
                    });
                }
                declared.push(parameter);
            }
        }
        declared
    }

    /// The header that carries its idempotency key (`x-idempotency-key: true`), if any.
    pub fn idempotency_header(&self, doc: &'a Value) -> Option<&'a str> {
        self.parameters_lenient(doc)
            .into_iter()
            .find(Parameter::is_idempotency_key)
            .map(|p| p.name)
    }

    /// Its request body, if it has one.
    pub fn request_body(&self, doc: &'a Value) -> Result<Option<RequestBody<'a>>, SpecError> {
        let Some(body) = self.op.get("requestBody") else {
            return Ok(None);
        };
        let at = child(&self.at, "requestBody");
        let body = resolve(doc, body, &at)?;
        Ok(Some(RequestBody {
            required: body.get("required") == Some(&Value::Bool(true)),
            content: content(body, &at)?,
            at,
        }))
    }

    /// Its documented responses, in key order.
    pub fn responses(&self, doc: &'a Value) -> Result<Vec<Response<'a>>, SpecError> {
        let at = child(&self.at, "responses");
        let responses = self
            .op
            .get("responses")
            .and_then(Value::as_object)
            .ok_or_else(|| SpecError::new(&at, "missing"))?;
        let mut out = Vec::new();
        for (status, response) in responses {
            let here = child(&at, status);
            let value = resolve(doc, response, &here)?;
            out.push(Response {
                status,
                content: content(value, &here)?,
                at: here,
                value,
            });
        }
        Ok(out)
    }

    /// The schema of its first 2xx response with a JSON body (`None`: no success body).
    pub fn success_schema(&self, doc: &'a Value) -> Result<Option<&'a Value>, SpecError> {
        Ok(self
            .responses(doc)?
            .iter()
            .filter(|r| r.is_success())
            .find_map(|r| r.json().and_then(|m| m.schema)))
    }

    /// The server URLs that apply to it: its own `servers`, else its path item's, else the
    /// document's.
    pub fn servers(&self, doc: &'a Value) -> Vec<&'a str> {
        [self.op, self.item, doc]
            .into_iter()
            .map(|holder| {
                elements(holder.get("servers"))
                    .filter_map(|s| s.get("url").and_then(Value::as_str))
                    .collect::<Vec<_>>()
            })
            .find(|urls| !urls.is_empty())
            .unwrap_or_default()
    }
}

fn parameter(value: &Value, at: String) -> Result<Parameter<'_>, SpecError> {
    let name = value
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| SpecError::new(&at, "no name"))?;
    let location = match value.get("in").and_then(Value::as_str) {
        Some("path") => ParameterIn::Path,
        Some("query") => ParameterIn::Query,
        Some("header") => ParameterIn::Header,
        Some("cookie") => ParameterIn::Cookie,
        other => {
            return Err(SpecError::new(
                &at,
                format!("parameters in {other:?} are not supported"),
            ));
        }
    };
    Ok(Parameter {
        name,
        location,
        required: value.get("required") == Some(&Value::Bool(true)),
        schema: value.get("schema"),
        style: value.get("style").and_then(Value::as_str),
        explode: value.get("explode").and_then(Value::as_bool),
        value,
        at,
    })
}

/// Who reads the data a schema describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Request,
    Response,
    Parameter,
}

/// An object that carries `schema`, `example` and `examples`: a media type, a parameter or a
/// header (references are skipped: their targets are visited where they are defined).
#[derive(Debug, Clone)]
pub struct Holder<'a> {
    pub at: String,
    pub value: &'a Value,
    pub role: Role,
}

/// Every media type, parameter and header of the document, `paths` and `x-webhooks` included.
pub fn holders(doc: &Value) -> Vec<Holder<'_>> {
    let mut found = Vec::new();
    for (name, p) in entries(doc.pointer("/components/parameters")) {
        holder_parameter(&mut found, child("components.parameters", name), p);
    }
    for (name, h) in entries(doc.pointer("/components/headers")) {
        parameter_like(
            &mut found,
            child("components.headers", name),
            h,
            Role::Response,
        );
    }
    for (name, body) in entries(doc.pointer("/components/requestBodies")) {
        holder_content(
            &mut found,
            &child("components.requestBodies", name),
            body,
            Role::Request,
        );
    }
    for (name, r) in entries(doc.pointer("/components/responses")) {
        holder_response(
            &mut found,
            &child("components.responses", name),
            r,
            Role::Response,
        );
    }
    for (section, sent, answered) in [
        (Section::Paths, Role::Request, Role::Response),
        (Section::Webhooks, Role::Response, Role::Request),
    ] {
        for (path, item) in entries(doc.get(section.key())) {
            let at = child(section.key(), path);
            for (i, p) in elements(item.get("parameters")).enumerate() {
                holder_parameter(&mut found, format!("{at}.parameters[{i}]"), p);
            }
        }
        for op in operations_in(doc, section.key()) {
            for (i, p) in elements(op.op.get("parameters")).enumerate() {
                holder_parameter(&mut found, format!("{}.parameters[{i}]", op.at), p);
            }
            if let Some(body) = op.op.get("requestBody") {
                holder_content(&mut found, &child(&op.at, "requestBody"), body, sent);
            }
            for (status, r) in entries(op.op.get("responses")) {
                let at = child(&child(&op.at, "responses"), status);
                holder_response(&mut found, &at, r, answered);
            }
        }
    }
    found
}

fn holder_parameter<'a>(found: &mut Vec<Holder<'a>>, at: String, p: &'a Value) {
    parameter_like(found, at, p, Role::Parameter);
}

fn parameter_like<'a>(found: &mut Vec<Holder<'a>>, at: String, p: &'a Value, role: Role) {
    if p.get("$ref").is_some() {
        return;
    }
    holder_content(found, &at, p, role);
    found.push(Holder { at, value: p, role });
}

fn holder_response<'a>(found: &mut Vec<Holder<'a>>, at: &str, r: &'a Value, role: Role) {
    if r.get("$ref").is_some() {
        return;
    }
    holder_content(found, at, r, role);
    for (name, h) in entries(r.get("headers")) {
        parameter_like(found, child(&child(at, "headers"), name), h, role);
    }
}

fn holder_content<'a>(found: &mut Vec<Holder<'a>>, at: &str, holder: &'a Value, role: Role) {
    if holder.get("$ref").is_some() {
        return;
    }
    for (media_type, media) in entries(holder.get("content")) {
        found.push(Holder {
            at: child(&child(at, "content"), media_type),
            value: media,
            role,
        });
    }
}

/// The direct subschemas of a schema object, with their locations (references not followed).
pub fn subschemas<'a>(schema: &'a Value, at: &str) -> Vec<(String, &'a Value)> {
    let mut found = Vec::new();
    if schema.get("$ref").is_some() {
        return found;
    }
    for (name, s) in entries(schema.get("properties")) {
        found.push((child(&child(at, "properties"), name), s));
    }
    for key in ["items", "not", "additionalProperties"] {
        if let Some(s) = schema.get(key).filter(|s| s.is_object()) {
            found.push((child(at, key), s));
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        for (i, s) in elements(schema.get(key)).enumerate() {
            found.push((format!("{}[{i}]", child(at, key)), s));
        }
    }
    found
}

/// Calls `f` on `schema` and every subschema below it (references not followed).
pub fn each_schema<'a>(schema: &'a Value, at: &str, f: &mut dyn FnMut(&str, &'a Value)) {
    f(at, schema);
    for (sub_at, sub) in subschemas(schema, at) {
        each_schema(sub, &sub_at, f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({
            "openapi": "3.0.3",
            "servers": [{"url": "https://api.example/v1"}],
            "paths": {"/orders/{id}": {
                "parameters": [
                    {"$ref": "#/components/parameters/Id"},
                    {"name": "q", "in": "query", "schema": {"type": "string"}},
                ],
                "get": {
                    "operationId": "fetch_order",
                    "parameters": [
                        {"name": "q", "in": "query", "required": true, "schema": {"type": "integer"}},
                        {"name": "Idem", "in": "header", "x-idempotency-key": true, "schema": {"type": "string"}},
                    ],
                    "responses": {
                        "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Order"}}}},
                        "400": {"$ref": "#/components/responses/Error"},
                    },
                },
                "post": {
                    "operationId": "upload",
                    "servers": [{"url": "https://files.example/v2"}],
                    "requestBody": {"$ref": "#/components/requestBodies/Upload"},
                    "responses": {"204": {"description": "none"}},
                },
            }},
            "x-webhooks": {"order.paid": {"post": {"requestBody": {"content": {"application/json": {"schema": {}}}}}}},
            "components": {
                "parameters": {"Id": {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}},
                "schemas": {"Order": {"type": "object"}},
                "responses": {"Error": {"description": "e", "content": {"application/json": {"schema": {"type": "object"}}}}},
                "requestBodies": {"Upload": {"required": true, "content": {"multipart/form-data": {"schema": {"type": "object"}}}}},
            },
        })
    }

    #[test]
    fn parameters_resolve_and_an_operations_own_replace_the_path_items() {
        let doc = doc();
        let ops = operations(&doc);
        let get = &ops[0];
        assert_eq!(
            (get.operation_id(), get.method),
            (Some("fetch_order"), "get")
        );
        let params = get.parameters(&doc).unwrap();
        let names: Vec<_> = params
            .iter()
            .map(|p| (p.name, p.location, p.required))
            .collect();
        assert_eq!(
            names,
            [
                ("id", ParameterIn::Path, true),
                ("q", ParameterIn::Query, true),
                ("Idem", ParameterIn::Header, false),
            ]
        );
        assert_eq!(params[0].at, "paths./orders/{id}.parameters[0]");
        assert_eq!(params[1].schema, Some(&json!({"type": "integer"})));
        assert_eq!(get.idempotency_header(&doc), Some("Idem"));
        assert_eq!(
            get.success_schema(&doc).unwrap(),
            Some(&json!({"$ref": "#/components/schemas/Order"}))
        );
        let responses = get.responses(&doc).unwrap();
        assert_eq!(
            responses[1].json().unwrap().at,
            "paths./orders/{id}.get.responses.400.content.application/json"
        );
        assert_eq!(get.servers(&doc), ["https://api.example/v1"]);
    }

    #[test]
    fn bodies_servers_and_webhooks() {
        let doc = doc();
        let post = &operations(&doc)[1];
        let body = post.request_body(&doc).unwrap().unwrap();
        assert!(body.required);
        assert_eq!(body.content[0].media_type, "multipart/form-data");
        assert!(body.json().is_none());
        assert_eq!(post.servers(&doc), ["https://files.example/v2"]);
        assert_eq!(post.success_schema(&doc).unwrap(), None);
        let hooks = webhooks(&doc);
        assert_eq!(
            (hooks[0].path, hooks[0].at.as_str()),
            ("order.paid", "x-webhooks.order.paid.post")
        );
    }

    #[test]
    fn a_broken_parameter_is_an_error_or_left_out() {
        let mut doc = doc();
        doc["paths"]["/orders/{id}"]["parameters"][0] =
            json!({"$ref": "#/components/parameters/Nope"});
        let ops = operations(&doc);
        let err = ops[0].parameters(&doc).unwrap_err();
        assert_eq!(err.at, "paths./orders/{id}.parameters[0]");
        assert_eq!(ops[0].parameters_lenient(&doc).len(), 2);
    }
}
