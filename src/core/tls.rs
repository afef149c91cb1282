//! TLS for the `rustls-ring` feature: rustls with the *ring* crypto provider and the platform's
//! certificate verifier, configured as reqwest configures its own rustls (TLS 1.2 and 1.3,
//! ALPN `h2` then `http/1.1`). reqwest's `rustls` feature brings aws-lc, which takes a large
//! share of a clean build; ring gives the same verification for much less.

use std::sync::Arc;

use rustls_platform_verifier::BuilderVerifierExt;

use crate::Error;

/// The TLS configuration every client uses; handed to reqwest as a preconfigured backend.
pub(crate) fn client_config() -> Result<rustls::ClientConfig, Error> {
    let refuse = |e: rustls::Error| Error::config("tls", "rustls with ring", &e.to_string());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(refuse)?
        .with_platform_verifier()
        .map_err(refuse)?
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}
