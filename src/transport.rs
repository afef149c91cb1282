//! What both gateways' clients share: construction with credentials, timeouts, retries, and
//! the hooks every generated operation runs through.

use std::fmt;
use std::marker::PhantomData;
use std::time::{Duration, Instant};

use base64::Engine;
use bytes::Bytes;
use progenitor_client::OperationInfo;
use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};

use crate::Error;

/// Default time allowed to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time allowed for a whole request, from sending to the last byte of the response.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Responses larger than this are refused rather than buffered: no documented response comes
/// close, and a hostile or broken peer must not exhaust memory.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 1 << 20;

/// The gateways paygate speaks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gateway {
    Razorpay,
    Ippopay,
}

impl Gateway {
    fn default_base_url(self) -> &'static str {
        match self {
            Self::Razorpay => "https://api.razorpay.com/v1",
            Self::Ippopay => "https://api.ippopay.com/v1",
        }
    }

    /// Header that makes a POST safe to repeat: the server applies it at most once.
    pub(crate) fn idempotency_header(self) -> Option<&'static str> {
        match self {
            Self::Razorpay => Some("x-refund-idempotency"),
            Self::Ippopay => None,
        }
    }

    /// Operations that accept [`Self::idempotency_header`].
    fn takes_idempotency_key(self, operation_id: &str) -> bool {
        matches!((self, operation_id), (Self::Razorpay, "refund_payment"))
    }
}

/// When a failed request is sent again.
///
/// Only requests that are safe to repeat are retried: every GET, and a POST that carries an
/// idempotency key. A POST without one (create order, capture) is retried only when the
/// connection could not be opened, since then the server never saw it.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; 1 turns retries off.
    pub max_attempts: u32,
    /// Backoff before the second attempt; doubled for each later one, with full jitter.
    pub initial_backoff: Duration,
    /// Upper bound of one backoff, and of a `Retry-After` the client will honour.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
        }
    }
}

impl RetryPolicy {
    /// No retries: every request is sent once.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The wait before attempt `attempt + 1` (attempt counts from 1).
    fn backoff(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(wait) = retry_after {
            return wait.min(self.max_backoff);
        }
        let ceiling = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)))
            .min(self.max_backoff);
        ceiling.mul_f64(fastrand::f64())
    }
}

/// Statuses that say "try again later": rate limiting and gateway or upstream failures.
pub fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 500 | 502 | 503 | 504)
}

/// A response body read in full by [`Transport`], kept in the response's extensions so an error
/// can still show it after progenitor consumed the response.
#[derive(Clone, Debug)]
pub(crate) struct BufferedBody(pub(crate) Bytes);

/// The per-client state behind every generated operation (progenitor's "inner type").
#[derive(Clone)]
pub struct Transport {
    gateway: Gateway,
    retry: RetryPolicy,
    max_response_bytes: usize,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("gateway", &self.gateway)
            .field("retry", &self.retry)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish()
    }
}

impl Transport {
    /// Sends `request`, retrying as [`RetryPolicy`] allows, and buffers the response body.
    pub(crate) async fn execute(
        &self,
        client: &reqwest::Client,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let span = tracing::info_span!(
            "paygate.request",
            gateway = ?self.gateway,
            operation = info.operation_id,
            method = %request.method(),
            path = request.url().path(),
        );
        let _enter = span.enter();
        let repeatable = self.is_repeatable(&request);
        let started = Instant::now();
        let mut attempt = 1;
        loop {
            let last = attempt >= self.retry.max_attempts;
            // A body that cannot be cloned (a stream) cannot be sent twice.
            let (this, spare) = match request.try_clone() {
                Some(copy) if !last => (copy, true),
                _ => (
                    request.try_clone().unwrap_or_else(|| clone_head(&request)),
                    false,
                ),
            };
            let result = client.execute(this).await;
            let retry_after = match &result {
                Ok(response) => {
                    tracing::info!(
                        attempt,
                        status = response.status().as_u16(),
                        elapsed_ms = started.elapsed().as_millis() as u64,
                        "response"
                    );
                    if !(spare && repeatable && is_retryable_status(response.status())) {
                        return match result {
                            Ok(response) => self.buffer(response).await,
                            Err(e) => Err(e),
                        };
                    }
                    retry_after(response.headers())
                }
                Err(e) => {
                    tracing::info!(attempt, error = %e, elapsed_ms = started.elapsed().as_millis() as u64, "transport error");
                    // A connection that never opened carried nothing: safe to repeat anything.
                    if !(spare
                        && (e.is_connect() || (repeatable && (e.is_timeout() || e.is_request()))))
                    {
                        return result;
                    }
                    None
                }
            };
            tokio::time::sleep(self.retry.backoff(attempt, retry_after)).await;
            attempt += 1;
        }
    }

    /// Progenitor's pre hook: refuses bad input before it is sent (see [`crate::validate`]),
    /// then adds an idempotency key where one is needed. `paths` is the generated
    /// `OPERATION_PATHS`.
    #[allow(clippy::result_large_err)] // the error type progenitor's pre hook must return
    pub(crate) fn prepare<E>(
        &self,
        operation_id: &str,
        paths: &[(&str, &str)],
        request: &mut reqwest::Request,
    ) -> Result<(), progenitor_client::Error<E>> {
        crate::validate::check(self.gateway, operation_id, paths, request)
            .map_err(crate::validate::Invalid::into_progenitor)?;
        self.add_idempotency_key(operation_id, request);
        Ok(())
    }

    /// When retries are on, gives an operation that accepts an idempotency key one if the
    /// caller did not: every attempt of this request then carries the same key, so the gateway
    /// applies it at most once.
    fn add_idempotency_key(&self, operation_id: &str, request: &mut reqwest::Request) {
        let Some(header) = self.gateway.idempotency_header() else {
            return;
        };
        if self.retry.max_attempts > 1
            && self.gateway.takes_idempotency_key(operation_id)
            && !request.headers().contains_key(header)
        {
            let key: String = std::iter::repeat_with(fastrand::alphanumeric)
                .take(24)
                .collect();
            let value = HeaderValue::from_str(&format!("paygate_{key}")).expect("alphanumeric");
            request.headers_mut().insert(header, value);
        }
    }

    fn is_repeatable(&self, request: &reqwest::Request) -> bool {
        request.method() == Method::GET
            || self
                .gateway
                .idempotency_header()
                .is_some_and(|h| request.headers().contains_key(h))
    }

    /// Reads the whole body (up to the limit) and hands progenitor an equivalent response that
    /// also carries the bytes in its extensions.
    async fn buffer(&self, mut response: reqwest::Response) -> reqwest::Result<reqwest::Response> {
        let status = response.status();
        let version = response.version();
        let headers = std::mem::take(response.headers_mut());
        let mut body = Vec::new();
        let mut truncated = false;
        while let Some(chunk) = response.chunk().await? {
            if body.len() + chunk.len() > self.max_response_bytes {
                truncated = true;
                break;
            }
            body.extend_from_slice(&chunk);
        }
        let body = Bytes::from(body);
        let mut rebuilt = http::Response::new(body.clone());
        *rebuilt.status_mut() = status;
        *rebuilt.version_mut() = version;
        *rebuilt.headers_mut() = headers;
        rebuilt.extensions_mut().insert(BufferedBody(body));
        if truncated {
            rebuilt
                .extensions_mut()
                .insert(Truncated(self.max_response_bytes));
        }
        Ok(reqwest::Response::from(rebuilt))
    }

    /// Progenitor's post hook: a response that the generated code would mis-report (losing its
    /// status) is handed back as `UnexpectedResponse`, which keeps status and body.
    #[allow(clippy::result_large_err)] // the error type progenitor's post hook must return
    pub(crate) fn check<E>(
        &self,
        result: &reqwest::Result<reqwest::Response>,
        is_documented_error: impl Fn(&[u8]) -> bool,
        is_failure_envelope: impl Fn(&[u8]) -> bool,
    ) -> Result<(), progenitor_client::Error<E>> {
        let Ok(response) = result else { return Ok(()) };
        let Some(BufferedBody(body)) = response.extensions().get::<BufferedBody>() else {
            return Ok(());
        };
        let status = response.status();
        let truncated = response.extensions().get::<Truncated>().copied();
        let unexpected = truncated.is_some()
            || if status.is_success() {
                serde_json::from_slice::<serde::de::IgnoredAny>(body).is_err()
                    || is_failure_envelope(body)
            } else {
                !is_documented_error(body)
            };
        if !unexpected {
            return Ok(());
        }
        let mut copy = http::Response::new(body.clone());
        *copy.status_mut() = status;
        *copy.headers_mut() = response.headers().clone();
        copy.extensions_mut().insert(BufferedBody(body.clone()));
        if let Some(truncated) = truncated {
            copy.extensions_mut().insert(truncated);
        }
        Err(progenitor_client::Error::UnexpectedResponse(copy.into()))
    }
}

/// Marks a response whose body was larger than the limit (which it holds) and was cut there.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Truncated(pub(crate) usize);

/// Last resort for a request whose body cannot be cloned: only reached when it is sent once.
fn clone_head(request: &reqwest::Request) -> reqwest::Request {
    let mut copy = reqwest::Request::new(request.method().clone(), request.url().clone());
    *copy.headers_mut() = request.headers().clone();
    copy
}

/// A `Retry-After` in seconds (the HTTP-date form is not used by these gateways).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let seconds: u64 = headers
        .get(header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(Duration::from_secs(seconds))
}

/// A client that [`ClientBuilder`] can build.
pub trait FromParts: Sized {
    #[doc(hidden)]
    const GATEWAY: GatewayId;
    #[doc(hidden)]
    fn from_parts(base_url: &str, http: reqwest::Client, transport: Transport) -> Self;
}

/// Identifies a gateway to [`ClientBuilder`]; not constructible outside paygate.
#[derive(Debug, Clone, Copy)]
pub struct GatewayId(pub(crate) Gateway);

/// Configures and builds a gateway client: `razorpay::Client::builder(key_id, key_secret)` or
/// `ippopay::Client::builder(public_key, secret_key)`.
pub struct ClientBuilder<C> {
    username: String,
    secret: String,
    base_url: Option<String>,
    allow_http: bool,
    timeout: Duration,
    connect_timeout: Duration,
    user_agent: String,
    retry: RetryPolicy,
    max_response_bytes: usize,
    client: PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("username", &self.username)
            .field("secret", &"<redacted>")
            .field("base_url", &self.base_url)
            .field("allow_http", &self.allow_http)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("user_agent", &self.user_agent)
            .field("retry", &self.retry)
            .finish()
    }
}

impl<C: FromParts> ClientBuilder<C> {
    pub(crate) fn new(username: impl Into<String>, secret: impl Into<String>) -> Self {
        Self {
            username: username.into(),
            secret: secret.into(),
            base_url: None,
            allow_http: false,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            user_agent: concat!("paygate/", env!("CARGO_PKG_VERSION")).to_owned(),
            retry: RetryPolicy::default(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            client: PhantomData,
        }
    }

    /// The API root, e.g. a sandbox; defaults to the gateway's production URL.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Allows an `http://` base URL, which sends the credentials in clear text: for tests
    /// against a loopback server only.
    pub fn allow_insecure_http(mut self) -> Self {
        self.allow_http = true;
        self
    }

    /// Time allowed for one attempt, from sending to the last byte (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Time allowed to open a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Replaces the default `User-Agent` (`paygate/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Replaces the default [`RetryPolicy`]; `RetryPolicy::none()` turns retries off.
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Largest response body accepted (default 1 MiB).
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Builds the client; fails on empty credentials, a malformed or clear-text base URL.
    pub fn build(self) -> Result<C, Error> {
        let gateway = C::GATEWAY.0;
        if self.username.trim().is_empty() {
            return Err(Error::invalid(
                "key_id",
                &self.username,
                "must not be empty",
            ));
        }
        if self.secret.is_empty() {
            return Err(Error::invalid(
                "key_secret",
                "<redacted>",
                "must not be empty",
            ));
        }
        let base_url = self
            .base_url
            .unwrap_or_else(|| gateway.default_base_url().to_owned());
        let parsed = reqwest::Url::parse(&base_url)
            .map_err(|e| Error::invalid("base_url", &base_url, &e.to_string()))?;
        match parsed.scheme() {
            "https" => {}
            "http" if self.allow_http => {}
            "http" => {
                return Err(Error::invalid(
                    "base_url",
                    &base_url,
                    "http:// would send the API secret in clear text; use https:// or allow_insecure_http() for local tests",
                ));
            }
            other => {
                return Err(Error::invalid(
                    "base_url",
                    &base_url,
                    &format!("unsupported scheme {other}"),
                ));
            }
        }
        let credentials = base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{}", self.username, self.secret));
        let mut authorization =
            HeaderValue::from_str(&format!("Basic {credentials}")).map_err(|_| {
                Error::invalid(
                    "key_id",
                    &self.username,
                    "contains characters not allowed in a header",
                )
            })?;
        authorization.set_sensitive(true);
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, authorization);
        headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
        let user_agent = HeaderValue::from_str(&self.user_agent).map_err(|_| {
            Error::invalid("user_agent", &self.user_agent, "not a valid header value")
        })?;
        headers.insert(HeaderName::from_static("user-agent"), user_agent);
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .build()
            .map_err(|e| Error::Transport {
                kind: crate::TransportKind::Other,
                source: e,
            })?;
        let transport = Transport {
            gateway,
            retry: self.retry,
            max_response_bytes: self.max_response_bytes,
        };
        Ok(C::from_parts(
            base_url.trim_end_matches('/'),
            http,
            transport,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_replaces_the_backoff_up_to_the_cap() {
        let policy = RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
        };
        assert_eq!(
            policy.backoff(1, Some(Duration::from_secs(2))),
            Duration::from_secs(2)
        );
        assert_eq!(
            policy.backoff(1, Some(Duration::from_secs(60))),
            Duration::from_secs(5)
        );
    }

    #[test]
    fn backoff_grows_exponentially_within_the_cap() {
        let policy = RetryPolicy {
            max_attempts: 10,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(1000),
        };
        for _ in 0..200 {
            assert!(policy.backoff(1, None) <= Duration::from_millis(100));
            assert!(policy.backoff(3, None) <= Duration::from_millis(400));
            assert!(policy.backoff(9, None) <= Duration::from_millis(1000));
        }
        // Full jitter: over many draws, attempt 3 sometimes waits longer than attempt 1 can.
        assert!((0..200).any(|_| policy.backoff(3, None) > Duration::from_millis(100)));
    }

    #[test]
    fn retry_after_header_in_seconds() {
        let mut headers = HeaderMap::new();
        headers.insert(header::RETRY_AFTER, HeaderValue::from_static(" 7 "));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        headers.insert(
            header::RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&headers), None);
    }
}
