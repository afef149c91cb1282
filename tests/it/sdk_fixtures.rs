//! Real payloads decode: every test fixture copied from Razorpay's official SDKs
//! (`tests/fixtures/razorpay-sdk/<group>/`, each listed with its repository, path, commit and the
//! operations that answer it) is served as the answer of each of its operations, called by name,
//! and decodes keeping every field it carries.

use std::path::Path;

use serde_json::Value;

use crate::common;
use crate::every_operation::server;
use crate::spec_examples::keeps_every_field;

/// Keys the SDKs' mocks misspell, which Razorpay does not send: `"created_at "` (with a space)
/// in razorpay-python's customer collections. They are left out of the comparison, and only
/// they.
const SDK_TYPOS: [&str; 1] = ["created_at "];

/// `value` without the keys of [`SDK_TYPOS`], at any depth.
fn without_typos(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| !SDK_TYPOS.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), without_typos(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_typos).collect()),
        other => other.clone(),
    }
}

/// `(group folder, file, operationId)` for every fixture row of every group's README.
fn fixtures() -> Vec<(String, String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/razorpay-sdk");
    let mut rows = Vec::new();
    for entry in std::fs::read_dir(&root).unwrap() {
        let dir = entry.unwrap().path();
        let Ok(readme) = std::fs::read_to_string(dir.join("README.md")) else {
            continue;
        };
        let group = dir.file_name().unwrap().to_string_lossy().into_owned();
        for line in readme.lines().filter(|l| l.starts_with("| `")) {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let file = cells[1].trim_matches('`').to_owned();
            for operation in cells[5].split(',') {
                let operation = operation.trim().trim_matches('`').to_owned();
                rows.push((group.clone(), file.clone(), operation));
            }
        }
    }
    rows.sort();
    rows
}

#[tokio::test]
async fn every_sdk_fixture_decodes_as_the_answer_of_its_operations() {
    let (url, exchange) = server().await;
    let client = common::razorpay_v1(&url);
    let doc = common::spec("razorpay");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/razorpay-sdk");
    let rows = fixtures();
    let mut failures = Vec::new();
    for (group, file, operation) in &rows {
        let at = format!("{group}/{file} as {operation}");
        let text = std::fs::read_to_string(root.join(group).join(file)).unwrap();
        let fixture: Value = serde_json::from_str(&text).unwrap();
        let op = paygate_spec::operations(&doc)
            .into_iter()
            .find(|op| op.operation_id() == Some(operation.as_str()))
            .unwrap_or_else(|| panic!("{at}: no such operation"));
        let mut arguments = common::example_arguments("razorpay", operation);
        for parameter in op.parameters(&doc).unwrap() {
            if parameter.location == paygate_spec::ParameterIn::Path {
                arguments.insert(parameter.name.to_owned(), common::path_value(&parameter));
            }
        }
        exchange.lock().unwrap().answer = fixture.clone();
        match client.call_json(operation, &arguments).await {
            Ok(decoded) => {
                if let Err(e) = keeps_every_field(&without_typos(&fixture), &decoded, "$") {
                    failures.push(format!("{at}: {e}"));
                }
            }
            Err(e) => failures.push(format!("{at}: {e}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} failed:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
    println!("{} fixtures decoded", rows.len());
    assert!(rows.len() >= 120, "{} fixture rows", rows.len());
}
