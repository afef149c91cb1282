//! What both gateways' clients share: construction with credentials, timeouts, retries, and
//! the hooks every generated operation runs through.

use std::fmt;
use std::time::{Duration, Instant};

use bytes::Bytes;
use progenitor_client::OperationInfo;
use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};

use tracing::Instrument;

use crate::core::inspect::Inspect;
use crate::core::profile::GatewayProfile;
use std::sync::Arc;

/// Default time allowed to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time allowed for a whole request, from sending to the last byte of the response.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Responses larger than this are refused rather than buffered: no documented response comes
/// close, and a hostile or broken peer must not exhaust memory.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 1 << 20;

/// When a failed request is sent again.
///
/// A request is sent again only when that is safe: after a connection that never opened, or a
/// 429 or 503 (the gateway refused it before acting), for any request; after a timeout, a
/// broken connection or a 500, 502 or 504 only for a request that is safe to repeat: a GET, or
/// a POST carrying its idempotency key. A POST without one (create order, capture) may have
/// been acted on in those cases.
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
/// Whether trying again is *safe* also depends on the request: see
/// [`Error::is_retryable`](crate::Error::is_retryable).
pub fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 500 | 502 | 503 | 504)
}

/// Whether a request that got `status` may be sent again: 429 and 503 say the gateway refused
/// it before acting, so any request may; after a 500, 502 or 504 the gateway may have acted on
/// it, so only a `repeatable` one (a GET, or a POST carrying its idempotency key) may.
pub(crate) fn status_allows_retry(status: StatusCode, repeatable: bool) -> bool {
    match status.as_u16() {
        429 | 503 => true,
        500 | 502 | 504 => repeatable,
        _ => false,
    }
}

/// Whether the request behind a response was safe to repeat, kept in the response's
/// extensions (next to [`BufferedBody`]) so that an error built from it can say so.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Repeatable(pub(crate) bool);

/// A response body read in full by [`Transport`], kept in the response's extensions so an error
/// can still show it after progenitor consumed the response.
#[derive(Clone, Debug)]
pub(crate) struct BufferedBody(pub(crate) Bytes);

/// The per-client state behind every generated operation (progenitor's "inner type").
#[derive(Clone)]
pub struct Transport {
    pub(crate) gateway: &'static GatewayProfile,
    pub(crate) retry: RetryPolicy,
    pub(crate) max_response_bytes: usize,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("gateway", &self.gateway.name)
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
            gateway = self.gateway.name,
            operation = info.operation_id,
            method = %request.method(),
            path = request.url().path(),
        );
        // Instrumented, not entered: a guard held across `.await` would put whatever else runs
        // on this thread meanwhile inside this request's span.
        let repeatable = self.is_repeatable(info.operation_id, &request);
        self.send_with_retries(client, request, repeatable)
            .instrument(span)
            .await
    }

    async fn send_with_retries(
        &self,
        client: &reqwest::Client,
        request: reqwest::Request,
        repeatable: bool,
    ) -> reqwest::Result<reqwest::Response> {
        let url = request.url().clone();
        let started = Instant::now();
        let mut kept = Some(request);
        let mut attempt = 1;
        loop {
            let original = kept.take().expect("kept for every attempt but the last");
            // Send a copy while another attempt may follow; a body that cannot be copied (a
            // stream) is sent once, as it is, never emptied.
            // The last attempt sends the original itself: no copy is made that nothing uses.
            let copy = (attempt < self.retry.max_attempts)
                .then(|| original.try_clone())
                .flatten();
            let (this, spare) = match copy {
                Some(copy) => {
                    kept = Some(original);
                    (copy, true)
                }
                None => (original, false),
            };
            let elapsed_ms = || started.elapsed().as_millis() as u64;
            let retry_after = match client.execute(this).await {
                Ok(response) => {
                    let status = response.status();
                    tracing::info!(
                        attempt,
                        status = status.as_u16(),
                        elapsed_ms = elapsed_ms(),
                        "response"
                    );
                    if spare && status_allows_retry(status, repeatable) {
                        retry_after(response.headers())
                    } else {
                        // Reading the body belongs to the attempt: a connection that breaks
                        // mid-body is retried like one that breaks before the headers.
                        match self.buffer(response, repeatable).await {
                            Ok(response) => return Ok(response),
                            Err(e) => {
                                tracing::info!(attempt, error = %e, elapsed_ms = elapsed_ms(), "body interrupted");
                                if !(spare && repeatable) {
                                    return Err(mark_repeatable(e, &url, repeatable));
                                }
                                None
                            }
                        }
                    }
                }
                Err(e) => {
                    tracing::info!(attempt, error = %e, elapsed_ms = elapsed_ms(), "transport error");
                    // A connection that never opened carried nothing: safe to repeat anything.
                    if !(spare
                        && (e.is_connect()
                            || (repeatable && (e.is_timeout() || e.is_request() || e.is_body()))))
                    {
                        return Err(mark_repeatable(e, &url, repeatable));
                    }
                    None
                }
            };
            tokio::time::sleep(self.retry.backoff(attempt, retry_after)).await;
            attempt += 1;
        }
    }

    /// Called by every generated operation before it sends (`codegen/src/send.rs`): refuses
    /// bad input (see [`crate::core::validate`]), then adds an idempotency key where one is
    /// needed.
    pub(crate) fn prepare(
        &self,
        operation_id: &str,
        request: &mut reqwest::Request,
    ) -> Result<(), crate::core::validate::Invalid> {
        self.gateway.check(operation_id, request)?;
        self.add_idempotency_key(operation_id, request);
        Ok(())
    }

    /// When retries are on, gives an operation that accepts an idempotency key one if the
    /// caller did not: every attempt of this request then carries the same key, so the gateway
    /// applies it at most once.
    fn add_idempotency_key(&self, operation_id: &str, request: &mut reqwest::Request) {
        let Some(header) = self.gateway.idempotency_header(operation_id) else {
            return;
        };
        if self.retry.max_attempts > 1 && !request.headers().contains_key(&header) {
            let key: String = std::iter::repeat_with(fastrand::alphanumeric)
                .take(24)
                .collect();
            let value = HeaderValue::from_str(&format!("paygate_{key}")).expect("alphanumeric");
            request.headers_mut().insert(header, value);
        }
    }

    /// A GET, or a request carrying the idempotency key its operation takes (the spec's
    /// `IDEMPOTENCY_KEYS`): the gateway applies it at most once however often it is sent.
    fn is_repeatable(&self, operation_id: &str, request: &reqwest::Request) -> bool {
        request.method() == Method::GET
            || self
                .gateway
                .idempotency_header(operation_id)
                .is_some_and(|h| request.headers().contains_key(h))
    }

    /// Reads the whole body (up to the limit) and keeps it, and whether the request was
    /// `repeatable`, in the response's extensions, where the post hook, [`decode`] and
    /// [`crate::Error`] find them. The response itself goes on: status, headers and URL as
    /// they came.
    async fn buffer(
        &self,
        mut response: reqwest::Response,
        repeatable: bool,
    ) -> reqwest::Result<reqwest::Response> {
        let mut body = bytes::BytesMut::new();
        let mut truncated = false;
        while let Some(chunk) = response.chunk().await? {
            if body.len() + chunk.len() > self.max_response_bytes {
                truncated = true;
                break;
            }
            if body.is_empty() {
                // Most bodies arrive in one chunk: keep it as it is, without a copy.
                body = bytes::BytesMut::from(chunk);
            } else {
                body.extend_from_slice(&chunk);
            }
        }
        let extensions = response.extensions_mut();
        extensions.insert(BufferedBody(body.freeze()));
        extensions.insert(Repeatable(repeatable));
        if truncated {
            extensions.insert(Truncated(self.max_response_bytes));
        }
        Ok(response)
    }

    /// Progenitor's post hook: every error status, and a body cut at the size limit, is handed
    /// back as `UnexpectedResponse`, which keeps status, body and extensions (whether the
    /// request was [`Repeatable`]); [`crate::Error`] decodes the gateway's documented error
    /// body from there. A success is decoded once, by [`decode`].
    #[allow(clippy::result_large_err)] // the error type progenitor's post hook must return
    pub(crate) fn check<E>(
        &self,
        result: &reqwest::Result<reqwest::Response>,
    ) -> Result<(), progenitor_client::Error<E>> {
        let Ok(response) = result else { return Ok(()) };
        let Some(BufferedBody(body)) = response.extensions().get::<BufferedBody>() else {
            return Ok(());
        };
        let status = response.status();
        let truncated = response.extensions().get::<Truncated>().copied();
        // A redirect is never followed (the client's policy): payment APIs do not redirect.
        if truncated.is_none() && status.is_success() {
            return Ok(());
        }
        Err(progenitor_client::Error::UnexpectedResponse(copy_of(
            response, body,
        )))
    }
}

/// A response like `response` (status, headers, URL, extensions) over the buffered `body`:
/// progenitor's error keeps a response, and the hook only has a reference to this one.
fn copy_of(response: &reqwest::Response, body: &Bytes) -> reqwest::Response {
    use reqwest::ResponseBuilderExt;
    let mut copy = http::Response::builder()
        .status(response.status())
        .url(response.url().clone())
        .body(body.clone())
        .expect("the status comes from a response");
    *copy.headers_mut() = response.headers().clone();
    copy.extensions_mut().insert(BufferedBody(body.clone()));
    if let Some(repeatable) = response.extensions().get::<Repeatable>() {
        copy.extensions_mut().insert(*repeatable);
    }
    if let Some(truncated) = response.extensions().get::<Truncated>() {
        copy.extensions_mut().insert(*truncated);
    }
    reqwest::Response::from(copy)
}

/// Decodes a success body, already buffered by [`Transport`], once: into `T`, then the checks
/// the spec states beyond the type ([`Inspect`]). Every generated success arm calls this
/// (`codegen/src/inspect.rs`). A body that is not JSON, or is the gateway's failure envelope,
/// comes back as `UnexpectedResponse`, with its status; JSON of the wrong shape, or a value
/// below its minimum, as [`DecodeFailure`], which [`crate::Error`] reports as `Decode`.
#[allow(clippy::result_large_err)] // progenitor's error type
pub(crate) async fn decode<T, E>(
    mut response: reqwest::Response,
) -> Result<progenitor_client::ResponseValue<T>, progenitor_client::Error<E>>
where
    T: serde::de::DeserializeOwned + Inspect,
{
    let Some(BufferedBody(body)) = response.extensions().get::<BufferedBody>().cloned() else {
        return progenitor_client::ResponseValue::from_response(response).await;
    };
    let failure = match serde_json::from_slice::<T>(&body) {
        Ok(inner) if inner.is_failure() => None,
        Ok(inner) => match inner.below_minimum(&mut String::new()) {
            None => {
                let status = response.status();
                let headers = std::mem::take(response.headers_mut());
                return Ok(progenitor_client::ResponseValue::new(
                    inner, status, headers,
                ));
            }
            Some((path, value)) => Some(crate::core::inspect::below_minimum_error(&path, value)),
        },
        // Not JSON at all: an unexpected response, like an HTML page from a proxy.
        Err(e) if e.is_syntax() || e.is_eof() => None,
        Err(e) => Some(e),
    };
    if let Some(e) = failure {
        response.extensions_mut().insert(DecodeFailure(Arc::new(e)));
    }
    Err(progenitor_client::Error::UnexpectedResponse(response))
}

/// Why a success body could not be decoded, kept in its response's extensions.
#[derive(Clone, Debug)]
pub(crate) struct DecodeFailure(pub(crate) Arc<serde_json::Error>);

/// Marks a response whose body was larger than the limit (which it holds) and was cut there.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Truncated(pub(crate) usize);

/// Fragment that marks, on the URL of a [`reqwest::Error`], a request that was safe to repeat.
/// The error passes through progenitor, which carries nothing else from the hook to
/// [`crate::Error`]; fragments are never sent, and [`take_repeatable_mark`] removes it.
const REPEATABLE_MARK: &str = "paygate-repeatable";

/// Records on `e` whether its request (to `url`) was safe to repeat.
fn mark_repeatable(e: reqwest::Error, url: &reqwest::Url, repeatable: bool) -> reqwest::Error {
    let mut url = url.clone();
    url.set_fragment(repeatable.then_some(REPEATABLE_MARK));
    e.with_url(url)
}

/// Whether `e` was marked by [`mark_repeatable`] as safe to repeat; removes the mark.
pub(crate) fn take_repeatable_mark(e: &mut reqwest::Error) -> bool {
    match e.url_mut() {
        Some(url) if url.fragment() == Some(REPEATABLE_MARK) => {
            url.set_fragment(None);
            true
        }
        _ => false,
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A gateway with no operations, limits or keys of its own.
    static TEST_GATEWAY: GatewayProfile = GatewayProfile {
        name: "test",
        credential_names: ("id", "secret"),
        default_base_url: "https://gateway.invalid/v1",
        operation_paths: &[],
        request_limits: &[],
        idempotency_keys: &[],
    };

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

    /// A body that cannot be cloned (a stream, here a one-shot `http_body`) is sent once, as it
    /// is: never replaced by an empty one, whatever the retry policy.
    #[tokio::test]
    async fn a_body_that_cannot_be_cloned_is_sent_whole() {
        let server = httpmock::MockServer::start_async().await;
        let mock = server
            .mock_async(|when, then| {
                when.method("POST")
                    .path("/orders")
                    .body(r#"{"amount":100}"#);
                then.status(200).body("{}");
            })
            .await;
        let transport = Transport {
            gateway: &TEST_GATEWAY,
            retry: RetryPolicy::default(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        };
        let mut request = reqwest::Request::new(
            Method::POST,
            server.url("/orders").parse().expect("loopback URL"),
        );
        let body = http_body_util::Full::new(Bytes::from_static(br#"{"amount":100}"#));
        *request.body_mut() = Some(reqwest::Body::wrap(body));
        assert!(
            request.try_clone().is_none(),
            "the test needs a one-shot body"
        );
        let info = OperationInfo {
            operation_id: "create_order",
        };
        let response = transport
            .execute(&reqwest::Client::new(), request, &info)
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        mock.assert_calls_async(1).await;
    }

    /// The response an error keeps (built by the post hook from the buffered body) has the URL
    /// it came from, not a placeholder.
    #[tokio::test]
    async fn an_unexpected_response_keeps_its_url() {
        let server = httpmock::MockServer::start_async().await;
        server
            .mock_async(|when, then| {
                when.path("/payments/pay_1");
                then.status(502).body("<html>Bad Gateway</html>");
            })
            .await;
        let transport = Transport {
            gateway: &TEST_GATEWAY,
            retry: RetryPolicy::none(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        };
        let url = server.url("/payments/pay_1");
        let request = reqwest::Request::new(Method::GET, url.parse().expect("loopback URL"));
        let info = OperationInfo {
            operation_id: "fetch_payment",
        };
        let result = transport
            .execute(&reqwest::Client::new(), request, &info)
            .await;
        let Err(progenitor_client::Error::<()>::UnexpectedResponse(response)) =
            transport.check(&result)
        else {
            panic!("a 502 is handed back as an unexpected response");
        };
        assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
        assert_eq!(response.url().as_str(), url);
        let body = response
            .extensions()
            .get::<BufferedBody>()
            .expect("buffered");
        assert_eq!(&body.0[..], b"<html>Bad Gateway</html>");
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
