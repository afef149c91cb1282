//! A parsed spec and the walks over it that the checks share.
//!
//! Checks read the document as a `serde_json::Value` (so every problem can name its location)
//! and, where paygate's generator is involved, as `openapiv3` types.

use std::fmt;

use serde_json::Value;

/// One problem, printed as `<spec file>: <location>: <message>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    pub at: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.file, self.at, self.message)
    }
}

/// A spec that parsed as YAML and as an OpenAPI 3.0 document.
pub struct Document {
    /// The spec file as named in messages, e.g. `openapi/razorpay.yaml`.
    pub file: String,
    pub json: Value,
    pub spec: openapiv3::OpenAPI,
}

impl Document {
    /// Parses `text`; on failure, the problems say why (the other checks need a parsed spec).
    pub fn parse(file: &str, text: &str) -> Result<Document, Vec<Problem>> {
        let fail = |at: &str, message: String| {
            vec![Problem {
                file: file.to_owned(),
                at: at.to_owned(),
                message,
            }]
        };
        let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(text)
            .map_err(|e| fail("(document)", format!("not YAML: {e}")))?;
        let json = serde_json::to_value(&yaml)
            .map_err(|e| fail("(document)", format!("not representable as JSON: {e}")))?;
        match json.get("openapi").and_then(Value::as_str) {
            Some(v) if is_openapi_30(v) => {}
            Some(v) => {
                return Err(fail(
                    "openapi",
                    format!("version {v:?} is not OpenAPI 3.0.x"),
                ));
            }
            None => {
                return Err(fail(
                    "openapi",
                    "missing: not an OpenAPI 3.0.x document".into(),
                ));
            }
        }
        let spec = serde_path_to_error::deserialize(json.clone()).map_err(|e| {
            let (at, message) = locate_parse_error(&json)
                .unwrap_or_else(|| (e.path().to_string(), e.inner().to_string()));
            fail(&at, format!("not a valid OpenAPI 3.0 document: {message}"))
        })?;
        Ok(Document {
            file: file.to_owned(),
            json,
            spec,
        })
    }

    pub fn problem(&self, at: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            file: self.file.clone(),
            at: at.into(),
            message: message.into(),
        }
    }

    /// Turns `at: message` lines (paygate-codegen's format) into problems.
    pub fn problems_from_lines(&self, lines: impl IntoIterator<Item = String>) -> Vec<Problem> {
        lines
            .into_iter()
            .map(|line| match line.split_once(": ") {
                Some((at, message)) => self.problem(at, message),
                None => self.problem("(document)", line),
            })
            .collect()
    }
}

/// A closer location for a parse error than serde's path, which stops at the first map with
/// custom deserialization (`paths`): the first path item or component schema that fails alone.
fn locate_parse_error(json: &Value) -> Option<(String, String)> {
    fn attempt<T: serde::de::DeserializeOwned>(v: &Value, at: String) -> Option<(String, String)> {
        let e = serde_path_to_error::deserialize::<_, T>(v.clone()).err()?;
        let inner = e.path().to_string();
        let at = if inner == "." { at } else { child(&at, &inner) };
        Some((at, e.inner().to_string()))
    }
    entries(json.get("paths"))
        .find_map(|(path, item)| attempt::<openapiv3::PathItem>(item, child("paths", path)))
        .or_else(|| {
            entries(json.pointer("/components/schemas"))
                .filter(|(_, schema)| schema.get("$ref").is_none())
                .find_map(|(name, schema)| {
                    attempt::<openapiv3::Schema>(schema, child("components.schemas", name))
                })
        })
}

fn is_openapi_30(version: &str) -> bool {
    version
        .strip_prefix("3.0.")
        .is_some_and(|patch| !patch.is_empty() && patch.chars().all(|c| c.is_ascii_digit()))
}

/// `at.key`, or `key` at the top.
pub fn child(at: &str, key: &str) -> String {
    if at.is_empty() {
        key.to_owned()
    } else {
        format!("{at}.{key}")
    }
}

pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One operation of a document.
pub struct Operation<'a> {
    pub path: &'a str,
    pub method: &'a str,
    /// `paths.<path>.<method>`
    pub at: String,
    pub op: &'a Value,
    /// The path item's own `parameters`.
    pub path_parameters: &'a [Value],
}

/// Every operation under `paths`, by path, then in [`METHODS`] order.
pub fn operations(doc: &Value) -> Vec<Operation<'_>> {
    operations_in(doc, "paths")
}

/// The top-level extension where a spec lists the webhooks the service sends, shaped like
/// OpenAPI 3.1's `webhooks`. Its request bodies are data the service sends (read like
/// responses), its responses are what the receiver answers.
pub const WEBHOOKS: &str = "x-webhooks";

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
                    path_parameters,
                });
            }
        }
    }
    found
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

/// The value a local `$ref` points at (`#/components/...`, JSON-pointer and %-escapes decoded).
pub fn pointer<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    let fragment = reference.strip_prefix('#')?;
    doc.pointer(&percent_decode(fragment))
}

/// Follows `$ref`s from `v` to an object that is not a reference; `None` when one is broken.
pub fn resolve<'a>(doc: &'a Value, mut v: &'a Value) -> Option<&'a Value> {
    for _ in 0..32 {
        match v.get("$ref").and_then(Value::as_str) {
            Some(r) => v = pointer(doc, r)?,
            None => return Some(v),
        }
    }
    None
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = match bytes[i] {
            b'%' => s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok()),
            _ => None,
        };
        match hex {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
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
pub struct Holder<'a> {
    pub at: String,
    pub value: &'a Value,
    pub role: Role,
}

/// Every media type, parameter and header of the document.
pub fn holders(doc: &Value) -> Vec<Holder<'_>> {
    let mut found = Vec::new();
    for (name, p) in entries(doc.pointer("/components/parameters")) {
        parameter(&mut found, child("components.parameters", name), p);
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
        content(
            &mut found,
            &child("components.requestBodies", name),
            body,
            Role::Request,
        );
    }
    for (name, r) in entries(doc.pointer("/components/responses")) {
        response(
            &mut found,
            &child("components.responses", name),
            r,
            Role::Response,
        );
    }
    for (section, sent, answered) in [
        ("paths", Role::Request, Role::Response),
        (WEBHOOKS, Role::Response, Role::Request),
    ] {
        for (path, item) in entries(doc.get(section)) {
            let at = child(section, path);
            for (i, p) in elements(item.get("parameters")).enumerate() {
                parameter(&mut found, format!("{at}.parameters[{i}]"), p);
            }
        }
        for op in operations_in(doc, section) {
            for (i, p) in elements(op.op.get("parameters")).enumerate() {
                parameter(&mut found, format!("{}.parameters[{i}]", op.at), p);
            }
            if let Some(body) = op.op.get("requestBody") {
                content(&mut found, &child(&op.at, "requestBody"), body, sent);
            }
            for (status, r) in entries(op.op.get("responses")) {
                let at = child(&child(&op.at, "responses"), status);
                response(&mut found, &at, r, answered);
            }
        }
    }
    found
}

fn parameter<'a>(found: &mut Vec<Holder<'a>>, at: String, p: &'a Value) {
    parameter_like(found, at, p, Role::Parameter);
}

fn parameter_like<'a>(found: &mut Vec<Holder<'a>>, at: String, p: &'a Value, role: Role) {
    if p.get("$ref").is_some() {
        return;
    }
    content(found, &at, p, role);
    found.push(Holder { at, value: p, role });
}

fn response<'a>(found: &mut Vec<Holder<'a>>, at: &str, r: &'a Value, role: Role) {
    if r.get("$ref").is_some() {
        return;
    }
    content(found, at, r, role);
    for (name, h) in entries(r.get("headers")) {
        parameter_like(found, child(&child(at, "headers"), name), h, role);
    }
}

fn content<'a>(found: &mut Vec<Holder<'a>>, at: &str, holder: &'a Value, role: Role) {
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

/// The open enum's known values when `schema` has the project's open-enum shape (as decided by
/// paygate-codegen, which generates it).
pub fn open_enum_values(schema: &Value) -> Option<Vec<String>> {
    let schema: openapiv3::Schema = serde_json::from_value(schema.clone()).ok()?;
    paygate_codegen::open_enum::open_enum_values(&schema)
}

/// The component schema name of `#/components/schemas/<name>`.
pub fn schema_ref_name(reference: &str) -> Option<&str> {
    reference
        .strip_prefix("#/components/schemas/")
        .filter(|name| !name.contains('/'))
}
