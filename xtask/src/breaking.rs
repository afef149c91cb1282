//! Check 6: breaking changes against the last published version of a spec.
//!
//! Breaking: a removed operation or a changed `operationId`; a removed 2xx response; in a
//! response, a removed field, a field whose type changed, a field that is no longer required or
//! may now be `null`, a closed enum with a new value; a removed webhook, or a webhook payload
//! that breaks like a response.
//!
//! In a request (body, path, query and header parameters, through `$ref`s, `allOf`, nested
//! objects, array items and `additionalProperties`), anything that makes a request the published
//! spec allowed invalid: a field or parameter that is newly required, a type that changed or
//! appeared, an enum that lost values or appeared, `nullable` removed, and a tighter limit
//! (`limits`). Loosening a request breaks nobody.

mod limits;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use paygate_spec::{Section, elements, entries, open_enum_values, operations, pointer, webhooks};

use crate::document::resolve;

const WEBHOOKS: &str = Section::Webhooks.key();

/// One breaking change: location in the current spec and what broke.
pub type Break = (String, String);

/// The breaking changes from `old` (published) to `new` (current).
pub fn compare(old: &Value, new: &Value) -> Vec<Break> {
    let mut cmp = Compare {
        old,
        new,
        seen: BTreeSet::new(),
        depth: 0,
        out: Vec::new(),
    };
    for op in operations(old) {
        let id = op
            .op
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or("?");
        let Some(new_op) = new
            .get("paths")
            .and_then(|p| p.get(op.path))
            .and_then(|i| i.get(op.method))
        else {
            cmp.out.push((op.at, format!("operation {id} removed")));
            continue;
        };
        let new_id = new_op
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or("?");
        if new_id != id {
            cmp.out.push((
                op.at.clone(),
                format!("operationId changed from {id} to {new_id}"),
            ));
        }
        let start = cmp.out.len();
        cmp.seen.clear();
        cmp.responses(op.op, new_op);
        cmp.request_body(op.op, new_op);
        let new_params = operations(new)
            .into_iter()
            .find(|o| (o.path, o.method) == (op.path, op.method))
            .map(|o| parameters(new, &o))
            .unwrap_or_default();
        cmp.parameters(&parameters(old, &op), &new_params);
        for found in &mut cmp.out[start..] {
            found.0 = op.at.clone();
        }
    }
    // A webhook's body is data the service sends: it breaks like a response.
    for hook in webhooks(old) {
        let Some(new_hook) = new
            .get(WEBHOOKS)
            .and_then(|w| w.get(hook.path))
            .and_then(|i| i.get(hook.method))
        else {
            cmp.out
                .push((hook.at, format!("webhook {} removed", hook.path)));
            continue;
        };
        let bodies = (request_schema(old, hook.op), request_schema(new, new_hook));
        if let (Some(old_body), Some(new_body)) = bodies {
            let start = cmp.out.len();
            cmp.seen.clear();
            cmp.schema(old_body, new_body, Side::Response, "payload", "");
            for found in &mut cmp.out[start..] {
                found.0 = hook.at.clone();
            }
        }
    }
    cmp.out
}

/// `Some((old, new))` when `new`'s `info.version` is higher than `old`'s.
pub fn version_bump(old: &Value, new: &Value) -> Option<(String, String)> {
    let version = |doc: &Value| {
        doc.pointer("/info/version")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let (old, new) = (version(old), version(new));
    (numbers(&new) > numbers(&old)).then_some((old, new))
}

fn numbers(version: &str) -> Vec<u64> {
    version
        .split(['.', '-', '+'])
        .map(|part| {
            let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().unwrap_or(0)
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Side {
    Request,
    Response,
}

struct Compare<'a> {
    old: &'a Value,
    new: &'a Value,
    /// (old schema name, new schema name, side) pairs already compared: specs may be recursive.
    seen: BTreeSet<(String, String, Side)>,
    /// How deep [`Compare::schema`] is: a recursive schema compared with one that accepted
    /// anything has no pair of names to stop at.
    depth: usize,
    /// Location is filled in by the caller.
    out: Vec<Break>,
}

/// A schema with `$ref`s and single-member `allOf` wrappers followed.
struct View<'a> {
    schema: &'a Value,
    nullable: bool,
    name: Option<&'a str>,
}

fn view<'a>(doc: &'a Value, mut schema: &'a Value) -> View<'a> {
    let mut nullable = false;
    let mut name = None;
    for _ in 0..32 {
        nullable |= schema.get("nullable") == Some(&Value::Bool(true));
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            name = Some(reference);
            match pointer(doc, reference) {
                Some(target) => schema = target,
                None => break,
            }
            continue;
        }
        match schema
            .get("allOf")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
        {
            Some([only]) if schema.get("type").is_none() && schema.get("properties").is_none() => {
                schema = only
            }
            _ => break,
        }
    }
    View {
        schema,
        nullable,
        name,
    }
}

/// `integer (int64)`, `string`, `object`, ...; `None` when the schema does not say.
fn type_of(schema: &Value) -> Option<String> {
    if open_enum_values(schema).is_some() {
        return Some("string".into());
    }
    let ty = match schema.get("type").and_then(Value::as_str) {
        Some(ty) => ty,
        None if schema.get("properties").is_some() => "object",
        None => return None,
    };
    Some(match schema.get("format").and_then(Value::as_str) {
        Some(format) => format!("{ty} ({format})"),
        None => ty.to_owned(),
    })
}

/// Properties and required names of an object schema, including those of its `allOf` members.
fn object<'a>(
    doc: &'a Value,
    schema: &'a Value,
) -> (BTreeMap<&'a str, &'a Value>, BTreeSet<&'a str>) {
    let mut properties = BTreeMap::new();
    let mut required = BTreeSet::new();
    let mut add = |s: &'a Value| {
        properties.extend(entries(s.get("properties")));
        required.extend(elements(s.get("required")).filter_map(Value::as_str));
    };
    add(schema);
    for member in elements(schema.get("allOf")) {
        add(view(doc, member).schema);
    }
    (properties, required)
}

fn describe(context: &str, field: &str) -> String {
    if field.is_empty() {
        context.to_owned()
    } else {
        format!("{context} field `{field}`")
    }
}

fn join(field: &str, name: &str) -> String {
    if field.is_empty() {
        name.to_owned()
    } else {
        format!("{field}.{name}")
    }
}

/// The first media type's schema of a request body or response.
fn body_schema<'a>(doc: &'a Value, holder: &'a Value) -> Option<&'a Value> {
    let holder = resolve(doc, holder)?;
    let content = holder.get("content")?.as_object()?;
    content
        .get("application/json")
        .or_else(|| content.values().next())?
        .get("schema")
}

/// The schema of an operation's request body.
fn request_schema<'a>(doc: &'a Value, op: &'a Value) -> Option<&'a Value> {
    body_schema(doc, op.get("requestBody")?)
}

/// An operation's parameters (path item's and its own), resolved, by (name, in).
fn parameters(doc: &Value, op: &paygate_spec::Operation<'_>) -> BTreeMap<(String, String), Value> {
    op.parameters_lenient(doc)
        .into_iter()
        .map(|p| {
            let key = (p.name.to_owned(), p.location.as_str().to_owned());
            (key, p.value.clone())
        })
        .collect()
}

impl Compare<'_> {
    fn responses(&mut self, old_op: &Value, new_op: &Value) {
        for (status, old_response) in entries(old_op.get("responses")) {
            if !status.starts_with('2') {
                continue;
            }
            let context = format!("response {status}");
            let Some(new_response) = new_op.get("responses").and_then(|r| r.get(status)) else {
                self.out.push((String::new(), format!("{context} removed")));
                continue;
            };
            match (
                body_schema(self.old, old_response),
                body_schema(self.new, new_response),
            ) {
                (Some(old), Some(new)) => self.schema(old, new, Side::Response, &context, ""),
                (Some(_), None) => self
                    .out
                    .push((String::new(), format!("{context} no longer has a body"))),
                _ => {}
            }
        }
    }

    fn request_body(&mut self, old_op: &Value, new_op: &Value) {
        let required = |doc: &Value, op: &Value| {
            op.get("requestBody")
                .and_then(|b| resolve(doc, b))
                .is_some_and(|b| b.get("required") == Some(&Value::Bool(true)))
        };
        if required(self.new, new_op) && !required(self.old, old_op) {
            self.out
                .push((String::new(), "request body is newly required".into()));
        }
        let bodies = (
            request_schema(self.old, old_op),
            request_schema(self.new, new_op),
        );
        if let (Some(old), Some(new)) = bodies {
            self.schema(old, new, Side::Request, "request body", "");
        }
    }

    fn parameters(
        &mut self,
        old: &BTreeMap<(String, String), Value>,
        new: &BTreeMap<(String, String), Value>,
    ) {
        let required = |p: &Value| {
            p.get("required") == Some(&Value::Bool(true)) || p.get("in") == Some(&"path".into())
        };
        for (key @ (name, location), new_p) in new {
            let context = format!("parameter `{name}` ({location})");
            let old_p = old.get(key);
            if required(new_p) && !old_p.is_some_and(required) {
                self.out
                    .push((String::new(), format!("{context} is newly required")));
            }
            if let (Some(old_s), Some(new_s)) =
                (old_p.and_then(|p| p.get("schema")), new_p.get("schema"))
            {
                self.schema(old_s, new_s, Side::Request, &context, "");
            }
        }
    }

    fn schema(&mut self, old: &Value, new: &Value, side: Side, context: &str, field: &str) {
        if self.depth >= 32 {
            return;
        }
        self.depth += 1;
        self.schema_pair(old, new, side, context, field);
        self.depth -= 1;
    }

    fn schema_pair(&mut self, old: &Value, new: &Value, side: Side, context: &str, field: &str) {
        let (o, n) = (view(self.old, old), view(self.new, new));
        // An empty old schema (a subschema the old spec left out) is compared with a recursive
        // new one once, not once per level.
        let anything = o.schema.as_object().is_some_and(serde_json::Map::is_empty);
        if let (Some(a), Some(b)) = (o.name.or(anything.then_some("{}")), n.name) {
            let key = (format!("{context}|{a}"), b.to_owned(), side);
            if !self.seen.insert(key) {
                return;
            }
        }
        let what = describe(context, field);
        if let (Some(a), Some(b)) = (type_of(o.schema), type_of(n.schema))
            && a != b
        {
            self.out.push((
                String::new(),
                format!("{what} changed type from {a} to {b}"),
            ));
            return;
        }
        if side == Side::Response && n.nullable && !o.nullable {
            self.out
                .push((String::new(), format!("{what} may now be null")));
        }
        match side {
            Side::Request => self.request_limits(old, new, &o, &n, &what),
            Side::Response => {
                // A client generated from a closed enum rejects a value it does not know.
                let closed = |s: &Value| s.get("enum").and_then(Value::as_array).cloned();
                if let (Some(a), Some(b)) = (closed(o.schema), closed(n.schema)) {
                    let gained: Vec<String> = b
                        .iter()
                        .filter(|v| !a.contains(v))
                        .map(Value::to_string)
                        .collect();
                    if !gained.is_empty() {
                        self.out.push((
                            String::new(),
                            format!("{what} may now be {}", gained.join(", ")),
                        ));
                    }
                }
            }
        }
        let (old_props, old_required) = object(self.old, o.schema);
        let (new_props, new_required) = object(self.new, n.schema);
        match side {
            Side::Response => {
                for (name, old_p) in &old_props {
                    let sub = join(field, name);
                    match new_props.get(name) {
                        None => self.out.push((
                            String::new(),
                            format!("{} removed", describe(context, &sub)),
                        )),
                        Some(new_p) => {
                            if old_required.contains(name) && !new_required.contains(name) {
                                self.out.push((
                                    String::new(),
                                    format!("{} is no longer required", describe(context, &sub)),
                                ));
                            }
                            self.schema(old_p, new_p, side, context, &sub);
                        }
                    }
                }
            }
            Side::Request => {
                if limits::closes(&parts(self.new, new)) {
                    for name in old_props.keys().filter(|n| !new_props.contains_key(*n)) {
                        self.out.push((
                            String::new(),
                            format!(
                                "{} is no longer accepted (additionalProperties: false)",
                                describe(context, &join(field, name))
                            ),
                        ));
                    }
                }
                for (name, new_p) in &new_props {
                    let sub = join(field, name);
                    if new_required.contains(name)
                        && !(old_props.contains_key(name) && old_required.contains(name))
                    {
                        self.out.push((
                            String::new(),
                            format!("{} is newly required", describe(context, &sub)),
                        ));
                    }
                    if let Some(old_p) = old_props.get(name) {
                        self.schema(old_p, new_p, side, context, &sub);
                    }
                }
            }
        }
        // In a request, a subschema the old spec left out accepted anything.
        let anything = Value::Object(serde_json::Map::new());
        if n.schema.get("items").is_some()
            && let (Some(old_items), Some(new_items)) = (
                subschema(side, o.schema, "items", &anything),
                subschema(side, n.schema, "items", &anything),
            )
        {
            self.schema(old_items, new_items, side, context, &format!("{field}[]"));
        }
        if side == Side::Request
            && n.schema
                .get("additionalProperties")
                .is_some_and(Value::is_object)
            && let Some(old_values) = subschema(side, o.schema, "additionalProperties", &anything)
        {
            let new_values = &n.schema["additionalProperties"];
            self.schema(old_values, new_values, side, context, &join(field, "*"));
        }
    }

    /// What makes a request valid under `old` invalid under `new`, beyond types and properties.
    fn request_limits(&mut self, old: &Value, new: &Value, o: &View<'_>, n: &View<'_>, what: &str) {
        if o.nullable && !n.nullable {
            self.out
                .push((String::new(), format!("{what}: nullable: true removed")));
        }
        if let (None, Some(ty)) = (type_of(o.schema), type_of(n.schema))
            && ["allOf", "anyOf", "oneOf", "not"]
                .iter()
                .all(|k| o.schema.get(k).is_none())
        {
            self.out
                .push((String::new(), format!("{what}: type added: {ty}")));
        }
        let (old_parts, new_parts) = (parts(self.old, old), parts(self.new, new));
        match (
            limits::accepted_values(&old_parts),
            limits::accepted_values(&new_parts),
        ) {
            (None, Some(values)) => self.out.push((
                String::new(),
                format!("{what}: enum added: {}", Value::from(values)),
            )),
            (Some(a), Some(b)) => {
                let lost: Vec<String> = a
                    .iter()
                    .filter(|v| !b.contains(v))
                    .map(Value::to_string)
                    .collect();
                if !lost.is_empty() {
                    self.out.push((
                        String::new(),
                        format!("{what} no longer accepts {}", lost.join(", ")),
                    ));
                }
            }
            _ => {}
        }
        let mut found = limits::tightened(&old_parts, &new_parts, "");
        for extension in limits::EXTENSION_SCHEMAS {
            let old_sub: Vec<&Value> = old_parts
                .iter()
                .filter_map(|p| p.get(extension))
                .flat_map(|s| parts(self.old, s))
                .collect();
            let new_sub: Vec<&Value> = new_parts
                .iter()
                .filter_map(|p| p.get(extension))
                .flat_map(|s| parts(self.new, s))
                .collect();
            found.extend(limits::tightened(
                &old_sub,
                &new_sub,
                &format!("{extension}."),
            ));
        }
        for message in found {
            self.out.push((String::new(), format!("{what}: {message}")));
        }
    }
}

/// `schema`'s subschema `key`; in a request, one left out accepted `anything`.
fn subschema<'s>(
    side: Side,
    schema: &'s Value,
    key: &str,
    anything: &'s Value,
) -> Option<&'s Value> {
    match (side, schema.get(key)) {
        (Side::Request, None | Some(Value::Bool(true))) => Some(anything),
        (_, Some(sub)) if sub.is_object() => Some(sub),
        _ => None,
    }
}

/// A schema's parts: itself and its `allOf` members, `$ref`s and nested `allOf`s followed; a
/// value must satisfy all of them.
fn parts<'a>(doc: &'a Value, schema: &'a Value) -> Vec<&'a Value> {
    let mut found = Vec::new();
    let mut todo = vec![schema];
    while let Some(s) = todo.pop() {
        // Recursive `allOf`s are not valid specs; stop rather than loop.
        if found.len() >= 64 {
            break;
        }
        let Some(s) = resolve(doc, s) else { continue };
        found.push(s);
        todo.extend(elements(s.get("allOf")));
    }
    found
}
