//! Clients that stall: a request whose headers or body never finish is cut off after the
//! sandbox's read timeout, and other clients are answered meanwhile. Each wait is bounded by a
//! guard far above the timeout, so a sandbox that waits forever fails instead of hanging.

use std::time::Duration;

use base64::Engine as _;
use paygate_sandbox::Sandbox;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::common::{assert_spec_clean, razorpay};

const READ_TIMEOUT: Duration = Duration::from_millis(300);
const GUARD: Duration = Duration::from_secs(20);

async fn impatient_sandbox() -> Sandbox {
    Sandbox::builder()
        .read_timeout(READ_TIMEOUT)
        .start()
        .await
        .expect("the sandbox starts")
}

/// Reads one HTTP/1.1 response (headers and a `Content-Length` body), or what came before EOF.
async fn read_response(stream: &mut TcpStream) -> String {
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().to_owned())
                })
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(0);
            if bytes.len() >= end + 4 + length {
                return text;
            }
        }
        let n = tokio::time::timeout(GUARD, stream.read(&mut chunk))
            .await
            .expect("the sandbox answered or closed within the guard")
            .unwrap_or(0);
        if n == 0 {
            return text;
        }
        bytes.extend_from_slice(&chunk[..n]);
    }
}

#[tokio::test]
async fn a_client_stalling_on_its_headers_is_disconnected() {
    let sb = impatient_sandbox().await;
    let mut stalled = TcpStream::connect(sb.addr()).await.unwrap();
    stalled
        .write_all(b"GET /razorpay/v1/orders HTTP/1.1\r\nHost: sandbox\r\n")
        .await
        .unwrap();
    // Served while the other connection stalls.
    let orders = razorpay(&sb).list_orders().send().await.unwrap();
    assert_eq!(orders.count, 0);
    let answer = read_response(&mut stalled).await;
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
        "a stalled request gets no answer but a timeout: {answer:?}"
    );
    assert_spec_clean(&sb);
}

#[tokio::test]
async fn a_client_stalling_on_its_body_gets_the_gateways_400() {
    let sb = impatient_sandbox().await;
    let credentials = base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        sb.razorpay_key_id(),
        sb.razorpay_key_secret()
    ));
    let mut stalled = TcpStream::connect(sb.addr()).await.unwrap();
    let head = format!(
        "POST /razorpay/v1/orders HTTP/1.1\r\nHost: sandbox\r\nAuthorization: Basic {credentials}\r\n\
         Content-Type: application/json\r\nContent-Length: 64\r\n\r\n{{\"amount\": 5000,"
    );
    stalled.write_all(head.as_bytes()).await.unwrap();
    let orders = razorpay(&sb).list_orders().send().await.unwrap();
    assert_eq!(orders.count, 0, "served meanwhile, and nothing was created");
    let answer = read_response(&mut stalled).await;
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("BAD_REQUEST_ERROR"), "{answer}");
    assert!(
        answer.contains("did not arrive within 300 ms"),
        "the refusal says why: {answer}"
    );
    let orders = razorpay(&sb).list_orders().send().await.unwrap();
    assert_eq!(orders.count, 0, "the half-sent order was not created");
    assert_spec_clean(&sb);
}
