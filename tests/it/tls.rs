//! TLS, with the default `rustls` feature or with `rustls-ring` (CI runs this module with both):
//! the client offers HTTP/2 and HTTP/1.1 and names the host, and refuses a server whose
//! certificate no trusted authority issued: the request is never sent.

use std::sync::Arc;

use paygate::{Error, RetryPolicy, TransportKind, razorpay};
use tokio::net::TcpListener;
use tokio_rustls::LazyConfigAcceptor;
use tokio_rustls::rustls::{self, pki_types};

/// What the server saw of the client's handshake.
#[derive(Debug)]
struct Hello {
    server_name: Option<String>,
    alpn: Vec<Vec<u8>>,
    handshake_completed: bool,
}

/// A TLS server on loopback with a self-signed certificate for `localhost`; reports the one
/// handshake it sees.
async fn untrusted_server() -> (u16, tokio::task::JoinHandle<Hello>) {
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()])
        .expect("a self-signed certificate");
    let key = pki_types::PrivateKeyDer::Pkcs8(certified.signing_key.serialize_der().into());
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("default versions")
    .with_no_client_auth()
    .with_single_cert(vec![certified.cert.der().clone()], key)
    .expect("the certificate and key match");
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("loopback");
    let port = listener.local_addr().expect("bound").port();
    let server = tokio::spawn(async move {
        let (stream, _) = listener.accept().await.expect("the client connects");
        let start = LazyConfigAcceptor::new(rustls::server::Acceptor::default(), stream)
            .await
            .expect("a ClientHello");
        let hello = start.client_hello();
        let server_name = hello.server_name().map(str::to_owned);
        let alpn = hello
            .alpn()
            .map(|protocols| protocols.map(<[u8]>::to_vec).collect())
            .unwrap_or_default();
        let handshake_completed = start.into_stream(Arc::new(config)).await.is_ok();
        Hello {
            server_name,
            alpn,
            handshake_completed,
        }
    });
    (port, server)
}

#[tokio::test]
async fn a_server_with_an_untrusted_certificate_is_refused() {
    let (port, server) = untrusted_server().await;
    let client = razorpay::Client::builder("rzp_test_key", "secret")
        .base_url(format!("https://localhost:{port}/v1"))
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("the default TLS configuration builds");
    let err = client
        .fetch_payment()
        .payment_id("pay_1")
        .send()
        .await
        .unwrap_err();
    let Error::Transport { kind, source, .. } = &err else {
        panic!("a certificate failure is a transport error: {err:?}");
    };
    assert_ne!(*kind, TransportKind::Timeout, "{err:?}");
    let chain = format!("{source:?}");
    assert!(
        chain.contains("InvalidCertificate(UnknownIssuer)"),
        "{chain}"
    );

    let hello = server.await.expect("the server saw the handshake");
    assert_eq!(hello.server_name.as_deref(), Some("localhost"));
    assert_eq!(hello.alpn, [b"h2".to_vec(), b"http/1.1".to_vec()]);
    assert!(!hello.handshake_completed, "{hello:?}");
}
