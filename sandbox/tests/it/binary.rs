//! The `paygate-sandbox` program: prints its URLs and keys, then serves them.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

/// Kills the child however the test ends.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_program_prints_what_it_serves() {
    let mut child = Child(
        Command::new(env!("CARGO_BIN_EXE_paygate-sandbox"))
            .args(["--port", "0"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("the program starts"),
    );
    let stdout = child.0.stdout.take().unwrap();
    let printed = tokio::task::spawn_blocking(move || {
        let mut lines = Vec::new();
        for line in BufReader::new(stdout).lines() {
            let line = line.unwrap();
            let done = line.starts_with("Ctrl-C");
            lines.push(line);
            if done {
                break;
            }
        }
        lines
    })
    .await
    .unwrap();
    let value = |label: &str| {
        printed
            .iter()
            .find_map(|l| l.trim().strip_prefix(label))
            .map(|v| v.split_whitespace().next().unwrap().to_owned())
            .unwrap_or_else(|| panic!("{label} not printed: {printed:#?}"))
    };
    let url = value("Razorpay");
    let (key_id, key_secret) = (value("key_id"), value("key_secret"));
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with("/razorpay/v1"),
        "{url}"
    );
    let response = crate::common::http()
        .get(format!("{url}/orders"))
        .basic_auth(key_id, Some(key_secret))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["entity"], "collection");

    let usage = Command::new(env!("CARGO_BIN_EXE_paygate-sandbox"))
        .arg("--port")
        .arg("many")
        .output()
        .unwrap();
    assert_eq!(usage.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&usage.stderr).contains("--port"));
}
