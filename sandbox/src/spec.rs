//! Requests and responses checked against an OpenAPI 3.0 document.
//!
//! [`SpecValidator::from_yaml`] reads one of paygate's OpenAPI documents, converts every schema
//! an operation uses to JSON Schema draft 2020-12 (see `paygate-openapi-schema` for how each OpenAPI 3.0
//! keyword is translated) and compiles all validators up front, so a broken document fails at
//! start. Per request, [`SpecValidator::route`] finds the operation,
//! [`SpecValidator::validate_request`] checks parameters and body, and
//! [`SpecValidator::validate_response`] checks what the sandbox answers. Validation itself is
//! done by the `jsonschema` crate; this module only decides what to validate against what.
//!
//! Nothing here knows a gateway: fields, limits and operations all come from the document.

mod path;

/// The document could not be used: not OpenAPI 3.0, a broken `$ref`, a schema JSON Schema
/// cannot express, or a construct this validator does not support.
pub use paygate_openapi_schema::SpecError;
use paygate_openapi_schema::{Compiler, Direction};
pub use paygate_spec::Document;
use paygate_spec::{ParameterIn, Section};

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use http::{HeaderMap, Method};
use jsonschema::error::ValidationErrorKind;
use jsonschema::{ValidationError, Validator};
use serde_json::Value;

use path::PathTemplate;

/// A request or response the document forbids.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct Violation {
    /// The offending field: a body property as a dotted path (`amount`, `notes.key1`,
    /// `items[0].id`), a parameter or header by its name (`count`, `X-Refund-Idempotency`),
    /// `body` for the body as a whole, `Content-Type`, or `status` for an undocumented status.
    pub field: String,
    /// The offending value as sent (strings without quotes, other JSON compact, cut after
    /// 100 characters); `None` when the field is missing.
    pub value: Option<String>,
    /// What is wrong, for people.
    pub message: String,
}

impl Violation {
    fn new(field: impl Into<String>, value: Option<String>, message: impl Into<String>) -> Self {
        Violation {
            field: field.into(),
            value,
            message: message.into(),
        }
    }
}

/// Why [`SpecValidator::route`] found no operation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RouteError {
    /// No path template matches: answer 404.
    #[error("no operation has this path")]
    NotFound,
    /// A path template matches, but not with this method: answer 405 with `Allow`.
    #[error("this path does not take this method")]
    MethodNotAllowed {
        /// The methods the matching paths take, for the `Allow` header.
        allowed: Vec<Method>,
    },
}

/// An operation of the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationInfo {
    /// Its `operationId`.
    pub operation_id: String,
    /// Its HTTP method.
    pub method: Method,
    /// Its path template as written in the document, e.g. `/orders/{order_id}`.
    pub path_template: String,
}

/// A request matched to an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// The `operationId` of the matched operation.
    pub operation_id: String,
    /// The matched path template, e.g. `/orders/{order_id}/payments`.
    pub path_template: String,
    /// Path parameters in template order, percent-decoded: `[("order_id", "order_X")]`.
    pub path_params: Vec<(String, String)>,
}

impl Route {
    /// The value of path parameter `name`.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.path_params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// An OpenAPI 3.0 document compiled for checking requests and responses.
///
/// Build it once ([`SpecValidator::from_yaml`]) and share it: it is `Send + Sync`, and every
/// check is a lookup plus a run of precompiled validators.
#[derive(Debug)]
pub struct SpecValidator {
    base_path: String,
    operations: Vec<Operation>,
    by_id: HashMap<String, usize>,
    /// `components/schemas` by name, checked as data the service sends.
    components: HashMap<String, Arc<Validator>>,
}

#[derive(Debug)]
struct Operation {
    info: OperationInfo,
    template: PathTemplate,
    params: Vec<Param>,
    body: Option<RequestBody>,
    responses: Vec<(StatusKey, Response)>,
}

#[derive(Debug)]
struct Param {
    name: String,
    location: ParamIn,
    required: bool,
    shape: Shape,
    validator: Arc<Validator>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ParamIn {
    Path,
    Query,
    Header,
}

/// How a parameter's text becomes the JSON value its schema checks.
#[derive(Debug, Clone, Copy)]
enum Shape {
    Scalar(Scalar),
    /// `separator: None` means one value per repetition (`expand[]=a&expand[]=b`).
    Array {
        item: Scalar,
        separator: Option<char>,
    },
}

#[derive(Debug, Clone, Copy)]
enum Scalar {
    String,
    Integer,
    Number,
    Boolean,
}

/// Documented media types (JSON ones first) and, for JSON ones with a schema, its validator.
type MediaTypes = Vec<(String, Option<Arc<Validator>>)>;

#[derive(Debug)]
struct RequestBody {
    required: bool,
    media: MediaTypes,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum StatusKey {
    Exact(u16),
    /// `5XX`: the first digit.
    Range(u16),
    Default,
}

#[derive(Debug)]
struct Response {
    /// Empty when the response has no body.
    media: MediaTypes,
}

impl SpecValidator {
    /// Reads an OpenAPI 3.0.x document (YAML or JSON) and compiles every validator it needs.
    pub fn from_yaml(text: &str) -> Result<SpecValidator, SpecError> {
        SpecValidator::from_document(&Document::from_yaml("(document)", text)?)
    }

    /// Compiles every validator the operations under `paths` of `doc` need.
    pub fn from_document(doc: &Document) -> Result<SpecValidator, SpecError> {
        SpecValidator::compile(doc, Section::Paths)
    }

    /// Compiles the webhooks of `doc` (`x-webhooks`) as operations: one path per event
    /// (`POST /payment.captured`), the event name as `operationId`, so a webhook's headers and
    /// body are checked as the request it is.
    pub fn webhooks(doc: &Document) -> Result<SpecValidator, SpecError> {
        SpecValidator::compile(doc, Section::Webhooks)
    }

    fn compile(document: &Document, section: Section) -> Result<SpecValidator, SpecError> {
        let doc = document.json();
        let base_path = base_path(doc)?;
        let mut compiler = Compiler::new(doc)?;
        if section == Section::Paths && !doc.get("paths").is_some_and(Value::is_object) {
            return Err(SpecError::new("paths", "missing"));
        }

        let mut operations = Vec::new();
        let mut by_id = HashMap::new();
        for op in paygate_spec::operations_in(doc, section.key()) {
            let at = op.at.as_str();
            let (template_text, operation_id) = match section {
                Section::Paths => (
                    op.path.to_owned(),
                    op.operation_id()
                        .ok_or_else(|| SpecError::new(at, "no operationId"))?,
                ),
                Section::Webhooks => (format!("/{}", op.path), op.path),
            };
            let template = PathTemplate::parse(&template_text)?;
            let method = Method::from_bytes(op.method.to_ascii_uppercase().as_bytes())
                .map_err(|e| SpecError::new(at, format!("not a method: {e}")))?;
            let params = parameters(doc, &mut compiler, &op, &template)?;
            let body = match op.request_body(doc)? {
                None => None,
                Some(body) => Some(request_body(&mut compiler, &body)?),
            };
            let responses = responses(doc, &mut compiler, &op)?;
            if by_id
                .insert(operation_id.to_owned(), operations.len())
                .is_some()
            {
                return Err(SpecError::new(
                    at,
                    format!("operationId {operation_id} is used twice"),
                ));
            }
            operations.push(Operation {
                info: OperationInfo {
                    operation_id: operation_id.to_owned(),
                    method,
                    path_template: template_text,
                },
                template,
                params,
                body,
                responses,
            });
        }
        // Most specific template first; document order among equals.
        operations.sort_by_cached_key(|op| op.template.specificity());
        let by_id = operations
            .iter()
            .enumerate()
            .map(|(i, op)| (op.info.operation_id.clone(), i))
            .collect();
        // Every component schema, used or not, compiles now rather than at first use.
        let mut components = HashMap::new();
        for (name, _) in paygate_spec::entries(doc.pointer("/components/schemas")) {
            let escaped = name.replace('~', "~0").replace('/', "~1");
            let reference =
                serde_json::json!({ "$ref": format!("#/components/schemas/{escaped}") });
            let at = format!("components.schemas.{name}");
            let validator = compiler.compile(&reference, Direction::Response, &at)?;
            components.insert(name.to_owned(), validator);
        }
        Ok(SpecValidator {
            base_path,
            operations,
            by_id,
            components,
        })
    }

    /// The path of the first server URL (`/v1` for `https://api.razorpay.com/v1`), empty if it
    /// has none: request paths given to [`SpecValidator::route`] are relative to it.
    pub fn base_path(&self) -> &str {
        &self.base_path
    }

    /// `path` without [`SpecValidator::base_path`] (`/v1/orders` -> `/orders`), or `None` when
    /// it lies outside the server's path.
    pub fn relative_path<'p>(&self, path: &'p str) -> Option<&'p str> {
        let rest = path.strip_prefix(self.base_path.as_str())?;
        (rest.is_empty() || rest.starts_with('/')).then_some(rest)
    }

    /// Every operation of the document.
    pub fn operations(&self) -> impl Iterator<Item = &OperationInfo> {
        self.operations.iter().map(|op| &op.info)
    }

    /// Finds the operation for `method` and `path` (relative to [`SpecValidator::base_path`],
    /// still percent-encoded; a query string is ignored).
    ///
    /// A concrete segment wins over a templated one, so `/order/create` is not read as an
    /// order id when the document has both; among the templates that match, only those that
    /// take `method` count.
    pub fn route(&self, method: &Method, path: &str) -> Result<Route, RouteError> {
        let path = path.split_once('?').map_or(path, |(path, _)| path);
        let mut allowed = Vec::new();
        for op in &self.operations {
            let Some(path_params) = op.template.matches(path) else {
                continue;
            };
            if op.info.method == *method {
                return Ok(Route {
                    operation_id: op.info.operation_id.clone(),
                    path_template: op.info.path_template.clone(),
                    path_params,
                });
            }
            if !allowed.contains(&op.info.method) {
                allowed.push(op.info.method.clone());
            }
        }
        if allowed.is_empty() {
            Err(RouteError::NotFound)
        } else {
            Err(RouteError::MethodNotAllowed { allowed })
        }
    }

    /// Checks a request against its operation (`route` from this validator's
    /// [`SpecValidator::route`]): path parameters, query parameters (`query`
    /// holds the decoded pairs in order; parameters the document does not declare are
    /// ignored, as OpenAPI does not forbid them), header parameters, `Content-Type` and the
    /// body (`None` or empty when there is none). Returns the first violation found.
    pub fn validate_request(
        &self,
        route: &Route,
        query: &[(String, String)],
        headers: &HeaderMap,
        body: Option<&[u8]>,
    ) -> Result<(), Violation> {
        let op = self.operation(&route.operation_id)?;
        for param in &op.params {
            let values: Vec<&str> = match param.location {
                ParamIn::Path => route.param(&param.name).into_iter().collect(),
                ParamIn::Query => query
                    .iter()
                    .filter(|(name, _)| *name == param.name)
                    .map(|(_, value)| value.as_str())
                    .collect(),
                ParamIn::Header => {
                    let mut values = Vec::new();
                    for value in headers.get_all(param.name.as_str()) {
                        values.push(value.to_str().map_err(|_| {
                            Violation::new(
                                &param.name,
                                Some(String::from_utf8_lossy(value.as_bytes()).into_owned()),
                                "is not visible ASCII text",
                            )
                        })?);
                    }
                    values
                }
            };
            check_param(param, &values)?;
        }

        let body = body.filter(|b| !b.is_empty());
        match (&op.body, body) {
            (None, None) => Ok(()),
            (None, Some(_)) => Err(Violation::new(
                "body",
                None,
                "this operation takes no request body",
            )),
            (Some(spec), None) if spec.required => {
                Err(Violation::new("body", None, "a request body is required"))
            }
            (Some(_), None) => Ok(()),
            (Some(spec), Some(body)) => {
                let content_type = headers
                    .get(http::header::CONTENT_TYPE)
                    .map(|v| v.to_str().unwrap_or("(not text)"));
                let essence = content_type.map(media_essence);
                let Some((_, validator)) = spec
                    .media
                    .iter()
                    .find(|(media, _)| Some(media.as_str()) == essence.as_deref())
                else {
                    let expected: Vec<&str> = spec.media.iter().map(|(m, _)| m.as_str()).collect();
                    return Err(Violation::new(
                        "Content-Type",
                        content_type.map(str::to_owned),
                        format!("must be {}", expected.join(" or ")),
                    ));
                };
                match validator {
                    Some(validator) => check_json(validator, body),
                    None => Ok(()),
                }
            }
        }
    }

    /// Checks a response body against the schema the operation documents for `status` (the
    /// exact code, else its range such as `4XX`, else `default`). A status the operation does
    /// not document is itself a violation (field `status`).
    pub fn validate_response(
        &self,
        operation_id: &str,
        status: u16,
        body: &[u8],
    ) -> Result<(), Violation> {
        let op = self.operation(operation_id)?;
        let find = |wanted: StatusKey| {
            op.responses
                .iter()
                .find(|(key, _)| *key == wanted)
                .map(|(_, r)| r)
        };
        let response = find(StatusKey::Exact(status))
            .or_else(|| find(StatusKey::Range(status / 100)))
            .or_else(|| find(StatusKey::Default))
            .ok_or_else(|| {
                Violation::new(
                    "status",
                    Some(status.to_string()),
                    format!("{operation_id} does not document this status"),
                )
            })?;
        let Some((_, validator)) = response.media.first() else {
            return match body.is_empty() {
                true => Ok(()),
                false => Err(Violation::new(
                    "body",
                    None,
                    format!("{operation_id} documents no body for status {status}"),
                )),
            };
        };
        if body.is_empty() {
            return Err(Violation::new("body", None, "a response body is required"));
        }
        // JSON media types sort first; a non-JSON body is not checked.
        match validator {
            Some(validator) => check_json(validator, body),
            None => Ok(()),
        }
    }

    /// Checks JSON the sandbox sends outside a response (e.g. a webhook body) against the
    /// component schema `schema_name` (`WebhookEvent`), with the rules of a response.
    pub fn validate_schema(&self, schema_name: &str, json: &[u8]) -> Result<(), Violation> {
        let validator = self.components.get(schema_name).ok_or_else(|| {
            Violation::new(
                "schema",
                Some(schema_name.to_owned()),
                "the document has no such component schema",
            )
        })?;
        check_json(validator, json)
    }

    fn operation(&self, operation_id: &str) -> Result<&Operation, Violation> {
        self.by_id
            .get(operation_id)
            .map(|&i| &self.operations[i])
            .ok_or_else(|| {
                Violation::new(
                    "operation",
                    Some(operation_id.to_owned()),
                    "the document has no such operation",
                )
            })
    }
}

/// Turns a parameter's text values into JSON and validates them.
fn check_param(param: &Param, values: &[&str]) -> Result<(), Violation> {
    let name = param.name.as_str();
    let instance = match (param.shape, values) {
        (_, []) if param.required => return Err(Violation::new(name, None, "is required")),
        (_, []) => return Ok(()),
        (Shape::Scalar(scalar), [value]) => coerce(name, scalar, value)?,
        (Shape::Scalar(_), [first, ..]) => {
            return Err(Violation::new(
                name,
                Some((*first).to_owned()),
                "must be given once",
            ));
        }
        (Shape::Array { item, separator }, values) => {
            let mut items = Vec::new();
            for value in values {
                match separator {
                    None => items.push(coerce(name, item, value)?),
                    Some(separator) => {
                        for piece in value.split(separator) {
                            items.push(coerce(name, item, piece)?);
                        }
                    }
                }
            }
            Value::Array(items)
        }
    };
    match param.validator.validate(&instance) {
        Ok(()) => Ok(()),
        Err(error) => Err(violation(&error, &instance, name)),
    }
}

/// Reads a parameter's text as the JSON type its schema declares.
fn coerce(name: &str, scalar: Scalar, text: &str) -> Result<Value, Violation> {
    let fail = |what: &str| Violation::new(name, Some(text.to_owned()), format!("must be {what}"));
    match scalar {
        Scalar::String => Ok(Value::String(text.to_owned())),
        Scalar::Integer => {
            if let Ok(n) = text.parse::<i64>() {
                Ok(n.into())
            } else if let Ok(n) = text.parse::<u64>() {
                Ok(n.into())
            } else {
                Err(fail("an integer"))
            }
        }
        Scalar::Number => match text.parse::<serde_json::Number>() {
            Ok(n) => Ok(Value::Number(n)),
            Err(_) => Err(fail("a number")),
        },
        Scalar::Boolean => match text {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(fail("true or false")),
        },
    }
}

/// Parses a JSON body and validates it.
fn check_json(validator: &Validator, body: &[u8]) -> Result<(), Violation> {
    let instance: Value = serde_json::from_slice(body)
        .map_err(|e| Violation::new("body", None, format!("is not valid JSON: {e}")))?;
    match validator.validate(&instance) {
        Ok(()) => Ok(()),
        Err(error) => Err(violation(&error, &instance, "body")),
    }
}

/// A violation naming the field `error` is about; `whole` names the root of `instance`.
fn violation(error: &ValidationError<'_>, instance: &Value, whole: &str) -> Violation {
    let error = most_specific(error);
    let pointer = error.instance_path().as_str();
    let mut field = String::new();
    let mut at = Some(instance);
    for raw in pointer.split('/').skip(1) {
        let segment = raw.replace("~1", "/").replace("~0", "~");
        match at {
            Some(Value::Array(items)) => {
                let index = segment.parse::<usize>().ok();
                at = index.and_then(|i| items.get(i));
                field.push_str(&format!("[{segment}]"));
            }
            current => {
                at = current.and_then(|c| c.get(&segment));
                push_key(&mut field, &segment);
            }
        }
    }
    let (missing, message) = match error.kind() {
        ValidationErrorKind::Required { property } => {
            push_key(&mut field, property.as_str().unwrap_or_default());
            (true, "is required".to_owned())
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            if let Some(first) = unexpected.first() {
                at = at.and_then(|a| a.get(first));
                push_key(&mut field, first);
            }
            (false, "is not allowed here".to_owned())
        }
        ValidationErrorKind::AnyOf { .. } | ValidationErrorKind::OneOfNotValid { .. } => {
            let message = match expected_types(error) {
                Some(types) => format!("value is not of type {}", types.join(" or ")),
                None => "value matches none of the allowed forms".to_owned(),
            };
            (false, message)
        }
        _ => (false, error.masked().to_string()),
    };
    if field.is_empty() {
        field = whole.to_owned();
    } else if whole != "body" {
        // A parameter's items and properties are named under the parameter.
        field = match field.starts_with('[') {
            true => format!("{whole}{field}"),
            false => format!("{whole}.{field}"),
        };
    }
    let value = if missing { None } else { at.map(render) };
    Violation::new(field, value, message)
}

/// For an `anyOf`/`oneOf` failure, the error of the branch that fits the value's type best
/// (a nullable open enum given `7` is reported by its string branch, a `notes` object with a
/// number value at `notes.key`); the error itself when every branch wants another type.
fn most_specific<'e, 'a>(error: &'e ValidationError<'a>) -> &'e ValidationError<'a> {
    let (ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context }) =
        error.kind()
    else {
        return error;
    };
    if expected_types(error).is_some() {
        return error;
    }
    let path = error.instance_path().as_str();
    let fitting = context
        .iter()
        .filter_map(|branch| branch.first())
        .filter(|first| expected_types(first).is_none() || first.instance_path().as_str() != path)
        .max_by_key(|first| first.instance_path().as_str().len());
    match fitting {
        Some(branch) => most_specific(branch),
        None => error,
    }
}

/// The types an error asks for when it is a type mismatch at its own path (through
/// `anyOf`/`oneOf` whose every branch mismatches the type there), sorted.
fn expected_types(error: &ValidationError<'_>) -> Option<Vec<String>> {
    let mut types = match error.kind() {
        ValidationErrorKind::Type { kind } => match kind {
            jsonschema::error::TypeKind::Single(t) => vec![format!("\"{t}\"")],
            jsonschema::error::TypeKind::Multiple(set) => {
                set.iter().map(|t| format!("\"{t}\"")).collect()
            }
        },
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            let mut all = Vec::new();
            // A branch wants other types when one of its errors at this path says so (a
            // closed enum branch also reports the `enum` mismatch beside `type`).
            for branch in context {
                let wanted = branch
                    .iter()
                    .filter(|e| e.instance_path() == error.instance_path())
                    .find_map(expected_types)?;
                all.extend(wanted);
            }
            all
        }
        _ => return None,
    };
    types.sort();
    types.dedup();
    Some(types)
}

fn push_key(field: &mut String, key: &str) {
    if !field.is_empty() {
        field.push('.');
    }
    field.push_str(key);
}

/// A value as a person reads it: strings without quotes, other JSON compact, cut short.
fn render(value: &Value) -> String {
    const LIMIT: usize = 100;
    let text = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match text.char_indices().nth(LIMIT) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text,
    }
}

/// `application/json; charset=utf-8` -> `application/json`.
fn media_essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

fn is_json(media: &str) -> bool {
    media == "application/json" || media.ends_with("+json")
}

/// The path of `servers[0].url`, with `{variables}` replaced by their defaults.
fn base_path(doc: &Value) -> Result<String, SpecError> {
    let Some(server) = doc.pointer("/servers/0") else {
        return Ok(String::new());
    };
    let mut url = server
        .get("url")
        .and_then(Value::as_str)
        .ok_or_else(|| SpecError::new("servers[0].url", "missing"))?
        .to_owned();
    if let Some(Value::Object(variables)) = server.get("variables") {
        for (name, variable) in variables {
            let default = variable
                .get("default")
                .and_then(Value::as_str)
                .unwrap_or_default();
            url = url.replace(&format!("{{{name}}}"), default);
        }
    }
    let path = match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |i| &rest[i..]),
        None => url.as_str(),
    };
    Ok(path.trim_end_matches('/').to_owned())
}

/// The operation's parameters (path-level ones overridden by operation-level ones with the
/// same name and location), each with its compiled schema.
fn parameters(
    doc: &Value,
    compiler: &mut Compiler<'_>,
    op: &paygate_spec::Operation<'_>,
    template: &PathTemplate,
) -> Result<Vec<Param>, SpecError> {
    let at = op.at.as_str();
    let mut params = Vec::new();
    for param in op.parameters(doc)? {
        let here = param.at.as_str();
        let name = param.name;
        let location = match param.location {
            ParameterIn::Path => ParamIn::Path,
            ParameterIn::Query => ParamIn::Query,
            ParameterIn::Header => {
                // OpenAPI: these three are described elsewhere and such parameters are ignored.
                if ["accept", "content-type", "authorization"]
                    .contains(&name.to_ascii_lowercase().as_str())
                {
                    continue;
                }
                ParamIn::Header
            }
            ParameterIn::Cookie => {
                return Err(SpecError::new(
                    here,
                    "parameters in Some(\"cookie\") are not supported",
                ));
            }
        };
        if location == ParamIn::Header && http::HeaderName::from_bytes(name.as_bytes()).is_err() {
            return Err(SpecError::new(here, "not a valid header name"));
        }
        let required = location == ParamIn::Path || param.required;
        let schema = param
            .schema
            .ok_or_else(|| SpecError::new(here, "only parameters with a `schema` are supported"))?;
        let (style, explode) = (param.style, param.explode);
        let shape = match json_type(doc, schema) {
            Some("array") => {
                let items = paygate_spec::resolve(doc, schema, here)?
                    .get("items")
                    .ok_or_else(|| SpecError::new(here, "an array schema needs `items`"))?;
                let item = scalar(doc, items, here)?;
                let separator = match (location, style) {
                    (ParamIn::Query, None | Some("form")) if explode != Some(false) => None,
                    (ParamIn::Query, None | Some("form")) => Some(','),
                    (ParamIn::Query, Some("spaceDelimited")) => Some(' '),
                    (ParamIn::Query, Some("pipeDelimited")) => Some('|'),
                    (ParamIn::Path | ParamIn::Header, None | Some("simple")) => Some(','),
                    (_, style) => {
                        return Err(SpecError::new(
                            here,
                            format!("style {style:?} is not supported here"),
                        ));
                    }
                };
                Shape::Array { item, separator }
            }
            _ => {
                if let Some(style) = style {
                    let default = match location {
                        ParamIn::Query => "form",
                        ParamIn::Path | ParamIn::Header => "simple",
                    };
                    if style != default {
                        return Err(SpecError::new(
                            here,
                            format!("style {style:?} is not supported here"),
                        ));
                    }
                }
                Shape::Scalar(scalar(doc, schema, here)?)
            }
        };
        let validator = compiler.compile(schema, Direction::Request, &format!("{here}.schema"))?;
        params.push(Param {
            name: name.to_owned(),
            location,
            required,
            shape,
            validator,
        });
    }

    // Every `{name}` of the template needs a path parameter, and the other way round.
    for name in template.param_names() {
        if !params
            .iter()
            .any(|p| p.location == ParamIn::Path && p.name == name)
        {
            return Err(SpecError::new(
                at,
                format!("path parameter {name} is not declared"),
            ));
        }
    }
    for p in params.iter().filter(|p| p.location == ParamIn::Path) {
        if !template.param_names().any(|name| name == p.name) {
            return Err(SpecError::new(
                at,
                format!("path parameter {} is not in the path", p.name),
            ));
        }
    }
    Ok(params)
}

/// The `type` of a schema, looking through `$ref`s and through `allOf`/`anyOf`/`oneOf`
/// whose branches agree (an open enum is `anyOf` of two string schemas).
fn json_type<'a>(doc: &'a Value, schema: &'a Value) -> Option<&'a str> {
    let schema = paygate_spec::resolve(doc, schema, "").ok()?;
    if let Some(ty) = schema.get("type").and_then(Value::as_str) {
        return Some(ty);
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(branches)) = schema.get(key) {
            let mut types = branches.iter().map(|b| json_type(doc, b));
            let first = types.next()??;
            return types.all(|t| t == Some(first)).then_some(first);
        }
    }
    None
}

/// How to read a parameter value of this schema; text when the schema does not say.
fn scalar(doc: &Value, schema: &Value, at: &str) -> Result<Scalar, SpecError> {
    match json_type(doc, schema) {
        None | Some("string") => Ok(Scalar::String),
        Some("integer") => Ok(Scalar::Integer),
        Some("number") => Ok(Scalar::Number),
        Some("boolean") => Ok(Scalar::Boolean),
        Some(other) => Err(SpecError::new(
            at,
            format!("parameters of type {other} are not supported"),
        )),
    }
}

fn media_types(
    compiler: &mut Compiler<'_>,
    content: &[paygate_spec::MediaType<'_>],
    direction: Direction,
) -> Result<MediaTypes, SpecError> {
    let mut media = Vec::new();
    for entry in content {
        let essence = media_essence(entry.media_type);
        let validator = match (is_json(&essence), entry.schema) {
            (true, Some(schema)) => Some(compiler.compile(schema, direction, &entry.at)?),
            (true, None) | (false, _) => None,
        };
        media.push((essence, validator));
    }
    // JSON first, so that it is the one checked when several are documented.
    media.sort_by_key(|(m, _)| !is_json(m));
    Ok(media)
}

fn request_body(
    compiler: &mut Compiler<'_>,
    body: &paygate_spec::RequestBody<'_>,
) -> Result<RequestBody, SpecError> {
    let media = media_types(compiler, &body.content, Direction::Request)?;
    if media.is_empty() {
        return Err(SpecError::new(&body.at, "a request body needs `content`"));
    }
    Ok(RequestBody {
        required: body.required,
        media,
    })
}

fn responses(
    doc: &Value,
    compiler: &mut Compiler<'_>,
    op: &paygate_spec::Operation<'_>,
) -> Result<Vec<(StatusKey, Response)>, SpecError> {
    let mut out = Vec::new();
    for response in op.responses(doc)? {
        let key = status_key(response.status).ok_or_else(|| {
            SpecError::new(
                &response.at,
                "not a status code, a range such as 4XX, or default",
            )
        })?;
        let media = media_types(compiler, &response.content, Direction::Response)?;
        out.push((key, Response { media }));
    }
    Ok(out)
}

fn status_key(text: &str) -> Option<StatusKey> {
    if text == "default" {
        return Some(StatusKey::Default);
    }
    let bytes = text.as_bytes();
    if bytes.len() != 3 || !(b'1'..=b'5').contains(&bytes[0]) {
        return None;
    }
    if bytes[1..].eq_ignore_ascii_case(b"XX") {
        return Some(StatusKey::Range(u16::from(bytes[0] - b'0')));
    }
    text.parse().ok().map(StatusKey::Exact)
}

impl fmt::Display for OperationInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({} {})",
            self.operation_id, self.method, self.path_template
        )
    }
}
