//! What both gateways' clients share: construction with credentials, timeouts, retries, and
//! the hooks every generated operation runs through.

use std::fmt;
use std::time::{Duration, Instant};

use bytes::Bytes;
use progenitor_client::OperationInfo;
use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};

use futures_util::future::Either;
use tracing::Instrument;

use crate::core::inspect::Inspect;
use crate::core::profile::{GatewayProfile, Operation};
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

/// A response body read in full by [`Transport`], kept in the response's extensions so an error
/// can still show it after progenitor consumed the response, with what an error needs to know
/// about the request and the reading (one extension: each costs an allocation).
#[derive(Clone, Debug)]
pub(crate) struct BufferedBody {
    pub(crate) bytes: Bytes,
    /// Whether the request behind the response was safe to repeat.
    pub(crate) repeatable: bool,
    /// The size limit, when the body was larger and was cut there.
    pub(crate) truncated_at: Option<usize>,
}

/// How one attempt ended: with the request's result, or with a wait (the gateway's
/// `Retry-After`, if it sent one) before the next attempt.
enum Attempt {
    Done(reqwest::Result<reqwest::Response>),
    Retry(Option<Duration>),
}

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
    ///
    /// Not `async`: the future returned is the boxed retry loop itself (in a span when a
    /// subscriber wants one), so no further state machine wraps it, and the generated `exec`
    /// hook hands it on as it is (`codegen/src/send.rs`).
    pub(crate) fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> impl Future<Output = reqwest::Result<reqwest::Response>> + Send + 'a {
        let span = tracing::info_span!(
            "paygate.request",
            gateway = self.gateway.name,
            operation = info.operation_id,
            method = %request.method(),
            path = request.url().path(),
        );
        let repeatable = self.is_repeatable(info.operation_id, &request);
        // Boxed: the retry loop's state (the request kept for a retry, the attempt in flight)
        // is large, and every future awaiting it would otherwise carry it and copy it as it
        // is moved.
        let attempts = Box::pin(self.send_with_retries(client, Some(request), repeatable));
        // Instrumented, not entered: a guard held across `.await` would put whatever else runs
        // on this thread meanwhile inside this request's span. With no subscriber that wants
        // the span, entering and leaving it on every poll is work for nothing.
        if span.is_disabled() {
            Either::Left(attempts)
        } else {
            Either::Right(attempts.instrument(span))
        }
    }

    /// Sends the request in `kept` (an `Option` so that the argument, which stays in the
    /// future's state, is the very place the request is kept between attempts).
    async fn send_with_retries(
        &self,
        client: &reqwest::Client,
        mut kept: Option<reqwest::Request>,
        repeatable: bool,
    ) -> reqwest::Result<reqwest::Response> {
        let started = Instant::now();
        let mut attempt = 1;
        loop {
            // Built in a block of its own: the requests handled here are not kept in the
            // state the loop keeps across the attempt, which is only `kept`.
            let this_attempt = {
                let original = kept.take().expect("kept for every attempt but the last");
                // Send a copy while another attempt may follow; a body that cannot be copied
                // (a stream) is sent once, as it is, never emptied. The last attempt sends the
                // original itself: no copy is made that nothing uses.
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
                self.attempt(client.execute(this), repeatable, spare, attempt, started)
            };
            let retry_after = match this_attempt.await {
                Attempt::Done(result) => return result,
                Attempt::Retry(retry_after) => retry_after,
            };
            // Boxed: a timer is large (cache-aligned) and would otherwise sit in the state of
            // every request, though only a retry waits on one.
            Box::pin(tokio::time::sleep(self.retry.backoff(attempt, retry_after))).await;
            attempt += 1;
        }
    }

    /// One attempt: waits for `sending` (reqwest sending the request), then reads the body,
    /// unless the status says to try again. A failure that `spare` (another attempt may
    /// follow) and the request's being `repeatable` allow to try again is an
    /// [`Attempt::Retry`]; any other is the result. It takes the sending future rather than
    /// the request: an argument stays in the future's state to the end, and a request is
    /// large.
    async fn attempt(
        &self,
        sending: impl Future<Output = reqwest::Result<reqwest::Response>>,
        repeatable: bool,
        spare: bool,
        attempt: u32,
        started: Instant,
    ) -> Attempt {
        let elapsed_ms = || started.elapsed().as_millis() as u64;
        let mut response = match sending.await {
            Ok(response) => response,
            Err(e) => {
                tracing::info!(attempt, error = %e, elapsed_ms = elapsed_ms(), "transport error");
                // A connection that never opened carried nothing: safe to repeat anything.
                if spare
                    && (e.is_connect()
                        || (repeatable && (e.is_timeout() || e.is_request() || e.is_body())))
                {
                    return Attempt::Retry(None);
                }
                return Attempt::Done(Err(mark_repeatable(e, repeatable)));
            }
        };
        let status = response.status();
        tracing::info!(
            attempt,
            status = status.as_u16(),
            elapsed_ms = elapsed_ms(),
            "response"
        );
        if spare && status_allows_retry(status, repeatable) {
            return Attempt::Retry(retry_after(response.headers()));
        }
        // Reading the body belongs to the attempt: a connection that breaks mid-body is
        // retried like one that breaks before the headers.
        match self.buffer(&mut response, repeatable).await {
            Ok(()) => Attempt::Done(Ok(response)),
            Err(e) => {
                tracing::info!(attempt, error = %e, elapsed_ms = elapsed_ms(), "body interrupted");
                if spare && repeatable {
                    Attempt::Retry(None)
                } else {
                    Attempt::Done(Err(mark_repeatable(e, repeatable)))
                }
            }
        }
    }

    /// Called by every generated operation before it sends, with its own entry of the
    /// generated `OPERATIONS` (`codegen/src/send.rs`): refuses bad input (see
    /// [`crate::core::validate`]), then adds an idempotency key where one is needed.
    pub(crate) fn prepare(
        &self,
        operation: &Operation,
        request: &mut reqwest::Request,
    ) -> Result<(), crate::core::validate::Invalid> {
        operation.check(request)?;
        self.add_idempotency_key(operation, request);
        Ok(())
    }

    /// When retries are on, gives an operation that accepts an idempotency key one if the
    /// caller did not: every attempt of this request then carries the same key, so the gateway
    /// applies it at most once.
    fn add_idempotency_key(&self, operation: &Operation, request: &mut reqwest::Request) {
        let Some(header) = operation.idempotency_header() else {
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
    /// `x-idempotency-key`): the gateway applies it at most once however often it is sent.
    fn is_repeatable(&self, operation_id: &str, request: &reqwest::Request) -> bool {
        request.method() == Method::GET
            || self
                .gateway
                .operation(operation_id)
                .and_then(Operation::idempotency_header)
                .is_some_and(|h| request.headers().contains_key(h))
    }

    /// Reads the whole body (up to the limit) and keeps it, and whether the request was
    /// `repeatable`, in the response's extensions, where the post hook, [`decode`] and
    /// [`crate::Error`] find them. The response itself goes on: status, headers and URL as
    /// they came. It is borrowed, not moved in and out: a future keeps its arguments.
    async fn buffer(
        &self,
        response: &mut reqwest::Response,
        repeatable: bool,
    ) -> reqwest::Result<()> {
        // Most bodies arrive in one chunk: that chunk is kept as it is; only a second one makes
        // a buffer to join them in.
        let mut first = Bytes::new();
        let mut joined: Option<bytes::BytesMut> = None;
        let mut truncated = false;
        loop {
            let chunk = match response.chunk().await {
                Ok(Some(chunk)) => chunk,
                Ok(None) => break,
                // The body's error does not say where it came from: the response does.
                Err(e) => return Err(e.with_url(response.url().clone())),
            };
            let len = joined.as_ref().map_or(first.len(), |b| b.len());
            if len + chunk.len() > self.max_response_bytes {
                truncated = true;
                break;
            }
            match &mut joined {
                Some(buffer) => buffer.extend_from_slice(&chunk),
                None if first.is_empty() => first = chunk,
                None => {
                    let mut buffer = bytes::BytesMut::with_capacity(first.len() + chunk.len());
                    buffer.extend_from_slice(&first);
                    buffer.extend_from_slice(&chunk);
                    joined = Some(buffer);
                }
            }
        }
        let body = joined.map_or(first, bytes::BytesMut::freeze);
        response.extensions_mut().insert(BufferedBody {
            bytes: body,
            repeatable,
            truncated_at: truncated.then_some(self.max_response_bytes),
        });
        Ok(())
    }

    /// Progenitor's post hook: every error status, and a body cut at the size limit, is handed
    /// back as `UnexpectedResponse`, which keeps status, body and extensions (whether the
    /// request was repeatable); [`crate::Error`] decodes the gateway's documented error
    /// body from there. A success is decoded once, by [`decode`].
    #[allow(clippy::result_large_err)] // the error type progenitor's post hook must return
    pub(crate) fn check<E>(
        &self,
        result: &reqwest::Result<reqwest::Response>,
    ) -> Result<(), progenitor_client::Error<E>> {
        let Ok(response) = result else { return Ok(()) };
        let Some(buffered) = response.extensions().get::<BufferedBody>() else {
            return Ok(());
        };
        // A redirect is never followed (the client's policy): payment APIs do not redirect.
        if buffered.truncated_at.is_none() && response.status().is_success() {
            return Ok(());
        }
        Err(progenitor_client::Error::UnexpectedResponse(copy_of(
            response, buffered,
        )))
    }
}

/// A response like `response` (status, headers, URL, extensions) over the buffered `body`:
/// progenitor's error keeps a response, and the hook only has a reference to this one.
fn copy_of(response: &reqwest::Response, buffered: &BufferedBody) -> reqwest::Response {
    use reqwest::ResponseBuilderExt;
    let mut copy = http::Response::builder()
        .status(response.status())
        .url(response.url().clone())
        .body(buffered.bytes.clone())
        .expect("the status comes from a response");
    *copy.headers_mut() = response.headers().clone();
    copy.extensions_mut().insert(buffered.clone());
    reqwest::Response::from(copy)
}

/// An optional query parameter on a request being built: added when present, and the URL left
/// untouched when absent (reqwest's `query` would rewrite it for nothing). Generated `send`s
/// use it for every optional query parameter (`codegen/src/send.rs`).
#[allow(
    dead_code,
    reason = "used by generated code; a build whose gateways have no optional query parameter has none"
)]
pub(crate) trait OptionalQuery {
    fn optional_query<T: serde::Serialize>(self, name: &str, value: Option<&T>) -> Self;
}

impl OptionalQuery for reqwest::RequestBuilder {
    fn optional_query<T: serde::Serialize>(self, name: &str, value: Option<&T>) -> Self {
        match value {
            Some(value) => self.query(&progenitor_client::QueryParam::new(name, value)),
            None => self,
        }
    }
}

/// Decodes a success body, already buffered by [`Transport`], once: into `T`, then the checks
/// the spec states beyond the type ([`Inspect`]). Every generated success arm calls this
/// (`codegen/src/inspect.rs`). A body that is not JSON, or is the gateway's failure envelope,
/// comes back as `UnexpectedResponse`, with its status; JSON of the wrong shape, or a value
/// below its minimum, as [`DecodeFailure`], which [`crate::Error`] reports as `Decode`.
///
/// Not `async`: the body is already here, and a future would carry the decoded value in its
/// state, making every future above it larger.
#[allow(clippy::result_large_err)] // progenitor's error type
pub(crate) fn decode<T, E>(
    mut response: reqwest::Response,
) -> Result<progenitor_client::ResponseValue<T>, progenitor_client::Error<E>>
where
    T: serde::de::DeserializeOwned + Inspect,
{
    let Some(body) = response
        .extensions()
        .get::<BufferedBody>()
        .map(|b| b.bytes.clone())
    else {
        // Every response comes through `Transport::execute`, which buffers it: one without a
        // buffered body is handed back whole rather than read here.
        return Err(progenitor_client::Error::UnexpectedResponse(response));
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

/// Fragment that marks, on the URL of a [`reqwest::Error`], a request that was safe to repeat.
/// The error passes through progenitor, which carries nothing else from the hook to
/// [`crate::Error`]; fragments are never sent, and [`take_repeatable_mark`] removes it.
const REPEATABLE_MARK: &str = "paygate-repeatable";

/// Records on `e` whether its request was safe to repeat. reqwest puts the request's URL on
/// every error of sending, and [`Transport::buffer`] on an error of reading the body, so the
/// URL is taken from the error rather than copied for every request in case one fails.
fn mark_repeatable(mut e: reqwest::Error, repeatable: bool) -> reqwest::Error {
    if let Some(url) = e.url_mut() {
        url.set_fragment(repeatable.then_some(REPEATABLE_MARK));
    }
    e
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
        operations: &[],
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
        assert_eq!(&body.bytes[..], b"<html>Bad Gateway</html>");
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
