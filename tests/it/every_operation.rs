//! Every operation of both specs on the wire, called by name (`call_json`) with the arguments
//! the spec exemplifies: a loopback server records what arrives and answers with each documented
//! success example. The method and the path are the operation's, a documented request body
//! arrives as the spec shows it (the client's types keep every field), and every success
//! example decodes, keeping every field it carries.

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::{Method, StatusCode, Uri};
use paygate::{Gateway, RetryPolicy, ippopay};
use serde_json::Value;

use crate::common;
use crate::spec_examples::keeps_every_field;

/// What the server saw last, and what it answers.
#[derive(Default)]
pub(crate) struct Exchange {
    pub(crate) method: Option<Method>,
    pub(crate) uri: Option<Uri>,
    pub(crate) body: Vec<u8>,
    pub(crate) answer: Value,
}

/// A loopback server that records each request and answers with `answer`.
pub(crate) async fn server() -> (String, Arc<Mutex<Exchange>>) {
    let shared = Arc::new(Mutex::new(Exchange::default()));
    let state = shared.clone();
    let app = axum::Router::new().fallback(move |method: Method, uri: Uri, body: Bytes| {
        let state = state.clone();
        async move {
            let mut exchange = state.lock().unwrap();
            exchange.method = Some(method);
            exchange.uri = Some(uri);
            exchange.body = body.to_vec();
            (
                StatusCode::OK,
                [("content-type", "application/json")],
                exchange.answer.to_string(),
            )
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, shared)
}

/// The documented success examples of an operation (`None` for a body-less success).
fn success_examples(doc: &Value, op: &paygate_spec::Operation<'_>) -> Vec<(String, Option<Value>)> {
    let mut found = Vec::new();
    for response in op.responses(doc).unwrap() {
        if !response.is_success() {
            continue;
        }
        let Some(media) = response.json() else {
            found.push((format!("{} (no body)", response.status), None));
            continue;
        };
        if let Some(example) = media.value.get("example") {
            found.push((response.status.to_owned(), Some(example.clone())));
        }
        for (name, example) in paygate_spec::entries(media.value.get("examples")) {
            let example = paygate_spec::resolve(doc, example, "").unwrap();
            found.push((
                format!("{} {name}", response.status),
                example.get("value").cloned(),
            ));
        }
    }
    found
}

/// `/orders/{order_id}` with the arguments' path parameters in place.
fn expected_path(template: &str, arguments: &paygate::JsonArguments) -> String {
    template
        .split('/')
        .map(
            |segment| match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => arguments[name].as_str().unwrap().to_owned(),
                None => segment.to_owned(),
            },
        )
        .collect::<Vec<_>>()
        .join("/")
}

/// Calls every operation of `gateway` once per documented success example; returns how many
/// operations and exchanges were checked.
async fn check_every_operation<G: Gateway>(
    gateway: &str,
    client: &paygate::Client<G>,
    exchange: &Mutex<Exchange>,
    base_path: &str,
) -> (usize, usize) {
    let doc = common::spec(gateway);
    let mut failures = Vec::new();
    let (mut operations, mut exchanges) = (0, 0);
    for op in paygate_spec::operations(&doc) {
        let id = op.operation_id().unwrap();
        let body = op.request_body(&doc).unwrap();
        if body.as_ref().is_some_and(|b| b.json().is_none()) {
            // A file upload: JSON cannot carry the file (`operation_shapes.rs` sends one).
            continue;
        }
        let mut arguments = common::example_arguments(gateway, id);
        for parameter in op.parameters(&doc).unwrap() {
            if parameter.location == paygate_spec::ParameterIn::Path {
                arguments.insert(parameter.name.to_owned(), common::path_value(&parameter));
            }
        }
        operations += 1;
        // The base URL's path, with the default server's path swapped for the operation's
        // own server's (`/v2`).
        let url_path = |url: &str| {
            let rest = url.split("://").nth(1).unwrap_or_default();
            rest.find('/')
                .map(|i| rest[i..].trim_end_matches('/').to_owned())
                .unwrap_or_default()
        };
        let default_path = doc["servers"][0]["url"]
            .as_str()
            .map(url_path)
            .unwrap_or_default();
        let server_path = op
            .servers(&doc)
            .first()
            .map(|u| url_path(u))
            .unwrap_or_default();
        let base = match base_path.strip_suffix(default_path.as_str()) {
            Some(root) if server_path != default_path => format!("{root}{server_path}"),
            _ => base_path.to_owned(),
        };
        let path = format!("{base}{}", expected_path(op.path, &arguments));
        for (label, example) in success_examples(&doc, &op) {
            let at = format!("{gateway} {id} {label}");
            exchange.lock().unwrap().answer = example.clone().unwrap_or(Value::Null);
            let result = client.call_json(id, &arguments).await;
            let seen = std::mem::take(&mut *exchange.lock().unwrap());
            exchanges += 1;
            // Ippopay's failure envelope (`success: false`) is an error whatever the status.
            let failure_envelope = example
                .as_ref()
                .is_some_and(|e| e.get("success") == Some(&Value::Bool(false)));
            let decoded = match result {
                Ok(decoded) if !failure_envelope => decoded.into_inner(),
                Err(paygate::Error::Api { .. }) if failure_envelope => continue,
                Ok(_) => {
                    failures.push(format!("{at}: a failure envelope was returned as success"));
                    continue;
                }
                Err(e) => {
                    failures.push(format!("{at}: {e}"));
                    continue;
                }
            };
            if seen.method.as_ref().map(|m| m.as_str().to_lowercase()) != Some(op.method.to_owned())
            {
                failures.push(format!("{at}: sent as {:?}", seen.method));
            }
            if seen.uri.as_ref().map(Uri::path) != Some(path.as_str()) {
                failures.push(format!("{at}: sent to {:?}, not {path}", seen.uri));
            }
            if let Some(sent) = arguments.get("body") {
                let arrived: Value = serde_json::from_slice(&seen.body).unwrap_or(Value::Null);
                if let Err(e) = keeps_every_field(sent, &arrived, "$body") {
                    failures.push(format!("{at}: the request body {e}"));
                }
            }
            if let Some(example) = &example
                && let Err(e) = keeps_every_field(example, &decoded, "$")
            {
                failures.push(format!("{at}: {e}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    (operations, exchanges)
}

#[tokio::test]
async fn every_razorpay_operation_sends_and_decodes_its_documented_examples() {
    let (url, exchange) = server().await;
    let client = common::razorpay_v1(&url);
    let (operations, exchanges) =
        check_every_operation("razorpay", &client, &exchange, "/v1").await;
    println!("razorpay: {operations} operations, {exchanges} exchanges");
    // 153 operations, three of them file uploads.
    assert!(operations >= 150, "{operations}");
    assert!(exchanges >= operations, "{exchanges}");
}

#[tokio::test]
async fn every_ippopay_operation_sends_and_decodes_its_documented_examples() {
    let (url, exchange) = server().await;
    let client = ippopay::Client::builder(common::IPPOPAY_PUBLIC_KEY, common::IPPOPAY_SECRET_KEY)
        .base_url(url)
        .allow_insecure_http()
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let (operations, exchanges) = check_every_operation("ippopay", &client, &exchange, "").await;
    assert_eq!(operations, 4);
    assert!(exchanges >= 4, "{exchanges}");
}
