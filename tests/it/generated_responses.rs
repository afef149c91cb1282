//! Every response the specs admit decodes, and round-trips, with the Rust client.
//!
//! For every response schema of every operation of both specs, [`INSTANCES`] bodies are
//! generated from the schema itself, read with strict OpenAPI 3.0.3 semantics (`nullable` only
//! beside `type`; a branch of `anyOf`/`oneOf`; optional properties sometimes absent; open enums
//! with known and unknown values). Each body is first checked against the same schema by
//! `paygate-openapi-schema` (so the generator cannot drift from the spec), then served by a
//! loopback server and fetched with the real client operation. A 2xx must decode and serialize
//! back to the same JSON (`null` and absent optional fields count as the same); an error status
//! must come back as the gateway's typed error.
//!
//! Why a generator written here rather than Prism's dynamic mode: it runs inside `cargo test`
//! with nothing installed, it is deterministic (fixed seeds, so a failure replays), and it
//! reads `nullable` strictly, where Prism leans lenient.

use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use paygate::RetryPolicy;
use paygate::{Error, Gateway, JsonArguments, ippopay, razorpay};
use paygate_openapi_schema::{Compiler, Direction};
use serde_json::{Map, Value, json};

/// Bodies generated per response schema: with over 600 schemas, enough to reach every branch
/// of each within the test's time.
const INSTANCES: usize = 16;

/// The bundled spec the client is generated from.
fn spec(name: &str) -> Value {
    crate::common::spec(name)
}

/// Instances of OpenAPI 3.0 schemas of one document.
struct Generator<'a> {
    doc: &'a Value,
    rng: fastrand::Rng,
}

impl Generator<'_> {
    fn resolve<'s>(&'s self, schema: &'s Value) -> &'s Value {
        paygate_spec::resolve(self.doc, schema, "").expect("$ref resolves")
    }

    fn instance(&mut self, schema: &Value, depth: usize) -> Value {
        let schema = self.resolve(schema).clone();
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            return values[self.rng.usize(..values.len())].clone();
        }
        for key in ["anyOf", "oneOf"] {
            if let Some(branches) = schema.get(key).and_then(Value::as_array) {
                let branch = branches[self.rng.usize(..branches.len())].clone();
                return self.instance(&branch, depth);
            }
        }
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            // The specs use `allOf` with one part, to add a description to a `$ref`.
            assert_eq!(parts.len(), 1, "allOf with several parts: {schema}");
            return self.instance(&parts[0].clone(), depth);
        }
        let nullable = schema.get("nullable") == Some(&Value::Bool(true));
        if nullable && schema.get("type").is_some() && self.rng.u8(..8) == 0 {
            return Value::Null;
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("object") => self.object(&schema, depth),
            Some("array") => {
                let max = schema.get("maxItems").and_then(Value::as_u64).unwrap_or(3) as usize;
                let len = if depth > 4 {
                    0
                } else {
                    self.rng.usize(..=max.min(3))
                };
                let items = schema.get("items").cloned().unwrap_or(json!({}));
                Value::Array((0..len).map(|_| self.instance(&items, depth + 1)).collect())
            }
            Some("string") => self.string(&schema),
            Some("integer") => self.integer(&schema),
            Some("number") => self.number(&schema),
            Some("boolean") => Value::Bool(self.rng.bool()),
            _ => json!({}),
        }
    }

    fn object(&mut self, schema: &Value, depth: usize) -> Value {
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut out = Map::new();
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            for (name, property) in properties {
                if required.contains(&name.as_str()) || (depth < 5 && self.rng.bool()) {
                    out.insert(name.clone(), self.instance(property, depth + 1));
                }
            }
        }
        if let Some(values) = schema.get("additionalProperties").filter(|v| v.is_object()) {
            for _ in 0..self.rng.usize(..3) {
                let key = format!("k{}", self.rng.u32(..1000));
                out.insert(key, self.instance(&values.clone(), depth + 1));
            }
        }
        Value::Object(out)
    }

    fn string(&mut self, schema: &Value) -> Value {
        if schema.get("format").and_then(Value::as_str) == Some("date-time") {
            let day = self.rng.u8(1..29);
            return json!(format!(
                "2026-02-{day:02}T10:{:02}:00.000Z",
                self.rng.u8(..60)
            ));
        }
        let max = schema
            .get("maxLength")
            .and_then(Value::as_u64)
            .unwrap_or(12) as usize;
        let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
        let len = self.rng.usize(min..=max.max(min));
        // Some non-ASCII text too: names and descriptions are not only English.
        json!(
            (0..len)
                .map(|_| match self.rng.u8(..20) {
                    0 => 'é',
                    1 => '₹',
                    _ => self.rng.alphanumeric(),
                })
                .collect::<String>()
        )
    }

    fn integer(&mut self, schema: &Value) -> Value {
        let min = schema
            .get("minimum")
            .and_then(Value::as_i64)
            .unwrap_or(i64::MIN);
        let max = schema
            .get("maximum")
            .and_then(Value::as_i64)
            .unwrap_or(i64::MAX);
        // Mostly everyday values, sometimes the edges of the range.
        let value = match self.rng.u8(..10) {
            0 => min,
            1 => max,
            _ => self.rng.i64(min.max(-1_000_000)..=max.min(100_000_000)),
        };
        json!(value)
    }

    fn number(&mut self, schema: &Value) -> Value {
        let min = schema
            .get("minimum")
            .and_then(Value::as_f64)
            .unwrap_or(-1e6);
        let paise = schema.get("multipleOf").and_then(Value::as_f64) == Some(0.01);
        let whole = self.rng.i64(min.max(-1e6) as i64..1_000_000) as f64;
        let value = if paise || schema.get("format").and_then(Value::as_str) == Some("decimal") {
            whole + f64::from(self.rng.u8(..100)) / 100.0
        } else {
            whole + self.rng.f64()
        };
        json!(value.max(min))
    }
}

/// `value` with `null` and empty members dropped, `[]` and `{}` made equal, and numbers
/// compared as numbers (`1.5` and `1.50` are the same amount).
fn normalize(value: &Value) -> Value {
    match value {
        Value::Array(items) if items.is_empty() => json!("<empty>"),
        Value::Object(map) => {
            let map: Map<String, Value> = map
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), normalize(v)))
                // An optional list left out and an empty one say the same (the generated types
                // leave empty lists out).
                .filter(|(_, v)| v != "<empty>")
                .collect();
            if map.is_empty() {
                json!("<empty>")
            } else {
                Value::Object(map)
            }
        }
        Value::Array(items) => Value::Array(items.iter().map(normalize).collect()),
        Value::Number(n) if n.is_f64() => json!(format!("{:.4}", n.as_f64().unwrap())),
        Value::Number(n) => json!(format!("{n}")),
        other => other.clone(),
    }
}

/// Where `got` first differs from `want`, and how.
fn difference(want: &Value, got: &Value, at: String) -> Option<String> {
    match (want, got) {
        (Value::Object(w), Value::Object(g)) => w
            .iter()
            .find_map(|(k, v)| match g.get(k) {
                None => Some(format!("{at}/{k}: dropped ({v})")),
                Some(gv) => difference(v, gv, format!("{at}/{k}")),
            })
            .or_else(|| {
                g.keys()
                    .find(|k| !w.contains_key(*k))
                    .map(|k| format!("{at}/{k}: added ({})", g[k]))
            }),
        (Value::Array(w), Value::Array(g)) if w.len() == g.len() => w
            .iter()
            .zip(g)
            .enumerate()
            .find_map(|(i, (w, g))| difference(w, g, format!("{at}/{i}"))),
        (w, g) => (w != g).then(|| format!("{at}: {w} became {g}")),
    }
}

/// A loopback server that answers every request with the status and body set last.
async fn server() -> (String, Arc<Mutex<(u16, Value)>>) {
    let answer = Arc::new(Mutex::new((200, Value::Null)));
    let shared = answer.clone();
    let app = axum::Router::new().fallback(move || {
        let shared = shared.clone();
        async move {
            let (status, body) = shared.lock().unwrap().clone();
            (
                StatusCode::from_u16(status).unwrap(),
                [("content-type", "application/json")],
                body.to_string(),
            )
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, answer)
}

/// The arguments `call_json` sends `operation` with: every required parameter (a path
/// parameter as a plain id, others an instance of their schema) and the body (the spec's first
/// example of it, else an instance of its schema). `None` for an operation that uploads a file,
/// which JSON cannot carry.
fn arguments(doc: &Value, operation: &str, generator: &mut Generator<'_>) -> Option<JsonArguments> {
    let op = paygate_spec::operations(doc)
        .into_iter()
        .find(|op| op.operation_id() == Some(operation))
        .expect("the operation is in the spec");
    let mut arguments = JsonArguments::new();
    for parameter in op.parameters(doc).unwrap() {
        if !parameter.required {
            continue;
        }
        let value = match (parameter.location, parameter.schema) {
            (paygate_spec::ParameterIn::Path, _) => crate::common::path_value(&parameter),
            (_, Some(schema)) => generator.instance(schema, 0),
            (_, None) => json!("x"),
        };
        arguments.insert(parameter.name.to_owned(), value);
    }
    if let Some(body) = op.request_body(doc).unwrap() {
        let media = body.json()?;
        let example = media.value.get("example").cloned().or_else(|| {
            media
                .value
                .get("examples")?
                .as_object()?
                .values()
                .next()?
                .get("value")
                .cloned()
        });
        let body = match (example, media.schema) {
            (Some(example), _) => example,
            (None, Some(schema)) => generator.instance(schema, 0),
            (None, None) => json!({}),
        };
        arguments.insert("body".to_owned(), body);
    }
    Some(arguments)
}

/// Every (operation id, status, schema) of `doc` with a JSON body.
fn responses(doc: &Value) -> Vec<(String, u16, Value)> {
    let mut out = Vec::new();
    for item in doc["paths"].as_object().unwrap().values() {
        for (method, op) in item.as_object().unwrap() {
            if method == "parameters" {
                continue;
            }
            let id = op["operationId"].as_str().unwrap().to_owned();
            for (status, response) in op["responses"].as_object().unwrap() {
                let response = paygate_spec::resolve(doc, response, "").unwrap();
                if let Some(schema) = response.pointer("/content/application~1json/schema") {
                    // `default` and ranges (`5XX`) are served as the first status they stand for.
                    let code = match status.as_str() {
                        "default" => 500,
                        range if range.ends_with("XX") => range[..1].parse::<u16>().unwrap() * 100,
                        code => code.parse().unwrap(),
                    };
                    out.push((id.clone(), code, schema.clone()));
                }
            }
        }
    }
    out
}

/// What the test found, to assert on and to print.
#[derive(Default)]
struct Tally {
    instances: usize,
    schemas: usize,
    failures: Vec<String>,
}

async fn check_spec<G: Gateway>(
    name: &str,
    seed: u64,
    answer: &Mutex<(u16, Value)>,
    client: &paygate::Client<G>,
) -> Tally {
    let doc = spec(name);
    let mut compiler = Compiler::new(&doc).unwrap();
    let mut generator = Generator {
        doc: &doc,
        rng: fastrand::Rng::with_seed(seed),
    };
    let mut tally = Tally::default();
    for (operation, status, schema) in responses(&doc) {
        let Some(arguments) = arguments(&doc, &operation, &mut generator) else {
            // A file upload: its answers are decoded by the typed operation tests.
            continue;
        };
        let validator = compiler
            .compile(&schema, Direction::Response, &operation)
            .unwrap();
        // Whether the schema's `success` is a failure envelope (`x-failure-when: false`).
        let envelope = paygate_spec::resolve(&doc, &schema, "")
            .ok()
            .and_then(|s| s.pointer("/properties/success/x-failure-when"))
            == Some(&Value::Bool(false));
        tally.schemas += 1;
        for i in 0..INSTANCES {
            let body = generator.instance(&schema, 0);
            let at = format!("{name} {operation} {status} #{i}");
            if let Err(e) = validator.validate(&body) {
                tally.failures.push(format!(
                    "{at}: the generator drifted from the spec: {e}: {body}"
                ));
                continue;
            }
            tally.instances += 1;
            *answer.lock().unwrap() = (status, body.clone());
            let result = client
                .call_json(&operation, &arguments)
                .await
                .map(paygate::Response::into_inner);
            if let Some(problem) = judge(status, &body, envelope, result) {
                tally.failures.push(format!("{at}: {problem}: {body}"));
            }
        }
    }
    tally
}

/// What is wrong with the client's answer to `body` served with `status`, if anything.
fn judge(
    status: u16,
    body: &Value,
    envelope: bool,
    result: Result<Value, Error>,
) -> Option<String> {
    // A body holding the value its schema marks `x-failure-when` (Ippopay's `success: false`)
    // is an error, whatever the status.
    let failure_envelope = envelope && body.get("success") == Some(&Value::Bool(false));
    match result {
        Ok(_) if failure_envelope => Some("`success: false` was returned as success".into()),
        Ok(decoded) if (200..300).contains(&status) => {
            difference(&normalize(body), &normalize(&decoded), String::new())
                .map(|at| format!("round trip changed {at}"))
        }
        Ok(_) => Some(format!("status {status} was returned as success")),
        Err(Error::Decode { source, .. }) => Some(format!("did not decode: {source}")),
        Err(e) if failure_envelope || !(200..300).contains(&status) => (e.status()
            != Some(http::StatusCode::from_u16(status).unwrap()))
        .then(|| format!("the error lost its status {status}: {e}")),
        Err(e) => Some(format!("failed: {e}")),
    }
}

impl Tally {
    /// Every response schema of `name`'s spec (at least `operations` of them) was covered by
    /// [`INSTANCES`] valid bodies, and none failed.
    fn assert_clean(&self, name: &str, operations: usize) {
        println!(
            "{name}: {} instances of {} response schemas",
            self.instances, self.schemas
        );
        assert!(self.schemas >= operations, "{} schemas", self.schemas);
        assert!(
            self.failures.is_empty(),
            "{} failures:\n{}",
            self.failures.len(),
            self.failures.join("\n")
        );
        assert_eq!(self.instances, self.schemas * INSTANCES);
    }
}

#[tokio::test]
async fn every_razorpay_response_the_spec_admits_decodes_and_round_trips() {
    let (url, answer) = server().await;
    // Ending in the default server's path, so that `/v2` operations find theirs.
    let client = razorpay::Client::builder("rzp_test_key", "secret")
        .base_url(format!("{url}/v1"))
        .allow_insecure_http()
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    check_spec("razorpay", 0x5eed_0001, &answer, &client)
        .await
        .assert_clean("razorpay", 150);
}

#[tokio::test]
async fn every_ippopay_response_the_spec_admits_decodes_and_round_trips() {
    let (url, answer) = server().await;
    let client = ippopay::Client::builder("pk_test", "sk_test")
        .base_url(url)
        .allow_insecure_http()
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    check_spec("ippopay", 0x5eed_0002, &answer, &client)
        .await
        .assert_clean("ippopay", 4);
}
