//! Every webhook example in the specs decodes into `WebhookEvent`, keeps every field it carries
//! (so the schema lists each field the docs show), and round-trips. The examples of operations
//! are sent and answered on the wire in `every_operation.rs`, with the same checks.

use paygate::razorpay;
use serde::{Serialize, de::DeserializeOwned};
use serde_json::Value;

/// One example found in a spec: where it is, the component schema it claims, its JSON.
struct Example {
    at: String,
    schema: String,
    value: Value,
}

/// The bundled spec of `file` (`razorpay.yaml`: the root file and its fragments).
fn load(file: &str) -> Value {
    crate::common::spec(file.trim_end_matches(".yaml"))
}

/// Follows `$ref`s with paygate-spec's resolver.
fn resolve<'a>(spec: &'a Value, v: &'a Value) -> &'a Value {
    paygate_spec::resolve(spec, v, "").unwrap_or_else(|e| panic!("{e}"))
}

fn schema_name(media: &Value) -> Option<String> {
    let r = media.pointer("/schema/$ref")?.as_str()?;
    Some(r.rsplit('/').next()?.to_owned())
}

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// Media-type examples of every webhook event of `x-webhooks`, with the schema they refer to.
fn examples(spec: &Value) -> Vec<Example> {
    let mut found = Vec::new();
    let operations = ["x-webhooks"]
        .iter()
        .filter_map(|section| spec.get(section).and_then(Value::as_object))
        .flatten();
    for (path, item) in operations {
        let item = item.as_object().expect("path item");
        for (method, op) in item.iter().filter(|(m, _)| METHODS.contains(&m.as_str())) {
            let mut media_types = Vec::new();
            if let Some(body) = op.get("requestBody") {
                media_types.push(("request".to_owned(), resolve(spec, body)));
            }
            for (status, response) in op["responses"].as_object().expect("responses") {
                media_types.push((status.clone(), resolve(spec, response)));
            }
            for (what, holder) in media_types {
                let Some(content) = holder.get("content").and_then(Value::as_object) else {
                    continue;
                };
                for (media_type, media) in content {
                    let at = format!("{method} {path} {what} {media_type}");
                    let schema =
                        schema_name(media).unwrap_or_else(|| panic!("{at}: schema is not a $ref"));
                    let mut values = Vec::new();
                    if let Some(v) = media.get("example") {
                        values.push((at.clone(), v.clone()));
                    }
                    for (name, ex) in media
                        .get("examples")
                        .and_then(Value::as_object)
                        .into_iter()
                        .flatten()
                    {
                        let ex = resolve(spec, ex);
                        values.push((format!("{at} example {name}"), ex["value"].clone()));
                    }
                    found.extend(values.into_iter().map(|(at, value)| Example {
                        at,
                        schema: schema.clone(),
                        value,
                    }));
                }
            }
        }
    }
    found
}

/// Decodes `value` as `T`, encodes it, decodes again, and checks nothing changed on the way.
fn roundtrip<T: DeserializeOwned + Serialize>(value: &Value) -> Result<(), String> {
    let first: T =
        serde_json::from_str(&value.to_string()).map_err(|e| format!("does not decode: {e}"))?;
    let encoded = serde_json::to_string(&first).map_err(|e| e.to_string())?;
    let second: T = serde_json::from_str(&encoded)
        .map_err(|e| format!("re-encoded form does not decode: {e}"))?;
    let again = serde_json::to_string(&second).map_err(|e| e.to_string())?;
    if encoded != again {
        return Err(format!("not stable: {encoded} vs {again}"));
    }
    let encoded: Value = serde_json::from_str(&encoded).map_err(|e| e.to_string())?;
    keeps_every_field(value, &encoded, "$")
}

/// Every non-null field of the example survives decoding, i.e. the schema declares it.
pub(crate) fn keeps_every_field(original: &Value, encoded: &Value, at: &str) -> Result<(), String> {
    match (original, encoded) {
        (Value::Null, _) => Ok(()),
        // Razorpay sends empty notes as `[]`; paygate's `Notes` writes them as `{}`.
        (Value::Array(a), Value::Object(o)) if a.is_empty() && o.is_empty() => Ok(()),
        (Value::Object(a), Value::Object(b)) => a.iter().try_for_each(|(k, v)| match b.get(k) {
            Some(w) => keeps_every_field(v, w, &format!("{at}.{k}")),
            // Absent, empty and null are one to the generated types, which write none of them.
            None if v.is_null()
                || v == &Value::Array(vec![])
                || v == &Value::Object(Default::default()) =>
            {
                Ok(())
            }
            None => Err(format!(
                "{at}.{k} is dropped: the schema does not declare it"
            )),
        }),
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .try_for_each(|(i, (v, w))| keeps_every_field(v, w, &format!("{at}[{i}]"))),
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => Ok(()),
        (a, b) if a == b => Ok(()),
        (a, b) => Err(format!("{at} changed from {a} to {b}")),
    }
}

fn check_all(file: &str, decode: fn(&str, &Value) -> Result<(), String>) {
    let spec = load(file);
    let examples = examples(&spec);
    assert!(
        examples.len() >= 80,
        "{file}: only {} examples found",
        examples.len()
    );
    let failures: Vec<String> = examples
        .iter()
        .filter_map(|ex| {
            decode(&ex.schema, &ex.value)
                .err()
                .map(|e| format!("{}: {} {e}", ex.at, ex.schema))
        })
        .collect();
    assert!(failures.is_empty(), "{file}:\n{}", failures.join("\n"));
}

macro_rules! dispatch {
    ($schema:expr, $value:expr; $($name:literal => $ty:ty),* $(,)?) => {
        match $schema {
            $($name => roundtrip::<$ty>($value),)*
            other => Err(format!("no Rust type registered in this test for schema {other}")),
        }
    };
}

fn decode_razorpay(schema: &str, value: &Value) -> Result<(), String> {
    use razorpay::types::*;
    dispatch!(schema, value;
        "WebhookEvent" => WebhookEvent,
    )
}

#[test]
fn razorpay_webhook_examples_decode_and_round_trip() {
    check_all("razorpay.yaml", decode_razorpay);
}

/// The check itself must be able to fail: a field the schema lacks is reported.
#[test]
fn an_undeclared_field_is_reported() {
    let original = serde_json::json!({"id": "order_1", "surprise": 1});
    let encoded = serde_json::json!({"id": "order_1"});
    let err = keeps_every_field(&original, &encoded, "$").unwrap_err();
    assert!(err.contains("$.surprise is dropped"), "{err}");
}
