//! A request logged through `tracing` names the operation, never the secret.
//!
//! tracing caches per-callsite interest process-wide, so a scoped subscriber in one test can
//! miss events while other tests run in parallel without one. These tests therefore share one
//! global subscriber, installed once, that writes each thread's events to that thread's
//! capture, if it has one (`#[tokio::test]` runs a test's tasks on its own thread).

use crate::common;

use std::cell::RefCell;
use std::io::Write;
use std::sync::{Arc, Mutex, Once};

use httpmock::prelude::*;

const FORBIDDEN: [&str; 2] = [
    common::RAZORPAY_KEY_SECRET,
    "cnpwX3Rlc3RfMURQNW1tT2xGNUc1YWc6dGhpc2lzc3VwZXJzZWNyZXQ",
];

/// Everything one test's thread logged.
#[derive(Clone, Default)]
pub(crate) struct Captured(Arc<Mutex<Vec<u8>>>);

thread_local! {
    static CAPTURE: RefCell<Option<Captured>> = const { RefCell::new(None) };
}

/// Writes to the current thread's capture; events of threads without one are dropped.
struct ThisThread;

impl Write for ThisThread {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        CAPTURE.with(|capture| {
            if let Some(captured) = &*capture.borrow() {
                captured.0.lock().unwrap().extend_from_slice(buf);
            }
        });
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    /// What was logged so far, as text.
    pub(crate) fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

/// Everything logged on this thread from now on.
pub(crate) fn capture_this_thread() -> Captured {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(|| ThisThread)
            .finish();
        tracing::subscriber::set_global_default(subscriber)
            .expect("no other test installs a global subscriber");
    });
    let captured = Captured::default();
    CAPTURE.with(|capture| *capture.borrow_mut() = Some(captured.clone()));
    captured
}

#[tokio::test]
async fn logged_requests_name_the_operation_but_not_the_secret() {
    let captured = capture_this_thread();

    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).body(r#"{"id":"order_1","entity":"order","amount":100,"currency":"INR","status":"paid","created_at":1}"#);
        })
        .await;
    common::razorpay(&server)
        .fetch_order()
        .order_id("order_1")
        .send()
        .await
        .unwrap();

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("operation=\"fetch_order\""), "{log}");
    assert!(log.contains("status=200"), "{log}");
    assert!(log.contains("attempt=1"), "{log}");
    for secret in FORBIDDEN {
        assert!(!log.contains(secret), "the log leaks {secret:?}: {log}");
    }
    assert!(
        !log.to_lowercase().contains("authorization: basic"),
        "{log}"
    );
}

#[tokio::test]
async fn the_request_span_does_not_leak_into_other_work_on_the_same_thread() {
    let captured = capture_this_thread();

    let server = MockServer::start_async().await;
    let slow = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200)
                .body(r#"{"id":"order_1","entity":"order","amount":100,"currency":"INR","status":"paid","created_at":1}"#)
                .delay(std::time::Duration::from_millis(300));
        })
        .await;
    let client = common::razorpay(&server);
    // Both futures run on this one thread: while the request waits for its response, the other
    // logs. Its event must not appear inside the request's span.
    let request = async { client.fetch_order().order_id("order_1").send().await };
    let other_work = async {
        // Bounded, so a request that never arrives fails the assertions instead of hanging.
        for _ in 0..1000 {
            if slow.calls_async().await > 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        tracing::info!("unrelated work");
    };
    let (response, ()) = tokio::join!(request, other_work);
    response.unwrap();

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let line = log
        .lines()
        .find(|l| l.contains("unrelated work"))
        .unwrap_or_else(|| panic!("{log}"));
    assert!(!line.contains("paygate.request"), "{line}");
    assert!(
        log.lines()
            .any(|l| l.contains("paygate.request") && l.contains("status=200")),
        "{log}"
    );
}
