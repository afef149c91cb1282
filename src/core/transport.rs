//! Step 2 of a call: the assembled [`Request`] goes on the wire. [`Transport::send`] checks it
//! against the spec, gives it an idempotency key where its operation takes one, sends it with
//! retries as [`may_resend`] allows, reads the body (up to the size limit) and hands the
//! [`Exchange`] to [`crate::core::response::decode`].

use std::fmt;
use std::time::{Duration, Instant};

use futures_util::future::Either;
use http_body_util::BodyExt;
use reqwest::Method;
use reqwest::header::{self, HeaderMap, HeaderValue};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::Error;
use crate::core::error::ErrorBody;
use crate::core::inspect::Inspect;
use crate::core::profile::{GatewayProfile, Operation};
use crate::core::request::{Body, Request};
use crate::core::response::{BodyTooLarge, Exchange, Response, decode, decode_empty};
use crate::core::retry::{Failure, RetryPolicy, TransportKind, may_resend};

/// Default time allowed to establish a connection.
pub(crate) const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time allowed for a whole request, from sending to the last byte of the response.
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Responses larger than this are refused rather than buffered: no documented response comes
/// close, and a hostile or broken peer must not exhaust memory.
pub(crate) const DEFAULT_MAX_RESPONSE_BYTES: usize = 1 << 20;

/// What one client sends with: its HTTP client (credentials and timeouts in its defaults), its
/// API root, its gateway's generated tables and its retry and size settings.
pub(crate) struct Transport {
    pub(crate) http: reqwest::Client,
    /// The API root for the operations on the spec's default server, without a trailing `/`.
    pub(crate) base_url: String,
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

/// How one attempt ended: with the exchange, or with a wait (the gateway's `Retry-After`, if it
/// sent one) before the next attempt.
enum Attempt {
    Done(Result<Exchange, Error>),
    Retry(Option<Duration>),
}

impl Transport {
    /// Sends `request` and decodes the answer: `T` for a success, the gateway's error body `E`
    /// for a failure. Every generated operation ends here.
    pub(crate) async fn send<T, E>(&self, request: Request) -> Result<Response<T>, Error>
    where
        T: DeserializeOwned + Inspect,
        E: ErrorBody,
    {
        let operation = request.operation;
        let (request, repeatable) = self.prepare(request)?;
        let exchange = self.execute(operation, request, repeatable).await?;
        decode::<T, E>(exchange, repeatable, self.max_response_bytes)
    }

    #[allow(
        dead_code,
        reason = "used by generated operations without a success body; a spec may have none"
    )]
    /// [`Self::send`] for an operation whose success has no body (a 204).
    pub(crate) async fn send_without_body<E: ErrorBody>(
        &self,
        request: Request,
    ) -> Result<Response<()>, Error> {
        let operation = request.operation;
        let (request, repeatable) = self.prepare(request)?;
        let exchange = self.execute(operation, request, repeatable).await?;
        decode_empty::<E>(exchange, repeatable, self.max_response_bytes)
    }

    /// The request as it will be sent: built, checked against the spec's limits, and given an
    /// idempotency key where its operation takes one; and whether it is safe to repeat.
    fn prepare(&self, request: Request) -> Result<(reqwest::Request, bool), Error> {
        let operation = request.operation;
        // A refused argument is reported before anything about where the request would go.
        let request = request.checked()?;
        let base_url = self.base_url_for(operation)?;
        let (mut http, body) = request.into_http(&base_url)?;
        match body {
            Body::None => {}
            Body::Json(bytes) => {
                http.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
                *http.body_mut() = Some(bytes.into());
            }
            Body::Multipart(form) => {
                // reqwest writes the boundary into the content type and streams the parts.
                let headers = std::mem::take(http.headers_mut());
                http = self
                    .http
                    .request(http.method().clone(), http.url().clone())
                    .headers(headers)
                    .multipart(form)
                    .build()
                    .map_err(|e| Error::Transport {
                        kind: TransportKind::Other,
                        source: e,
                        repeatable: false,
                    })?;
            }
        }
        operation.check(&http)?;
        self.add_idempotency_key(operation, &mut http);
        let repeatable = is_repeatable(operation, &http);
        Ok((http, repeatable))
    }

    /// The API root of the server `operation` is on: the client's base URL, or for an operation
    /// on another server of the spec (Razorpay's `/v2`), the base URL with the default server's
    /// path replaced by that server's.
    fn base_url_for(&self, operation: &Operation) -> Result<std::borrow::Cow<'_, str>, Error> {
        let Some(server_path) = operation.server_path else {
            return Ok(std::borrow::Cow::Borrowed(&self.base_url));
        };
        let default_path = self.gateway.default_server_path;
        match self.base_url.strip_suffix(default_path) {
            Some(root) => Ok(std::borrow::Cow::Owned(format!("{root}{server_path}"))),
            None => Err(Error::Config {
                field: "base_url".to_owned(),
                value: self.base_url.clone(),
                reason: format!(
                    "operation {} is served under {server_path}, which is found by replacing the \
                     base URL's ending {default_path}; this base URL does not end in it",
                    operation.id
                ),
            }),
        }
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

    /// Sends `request`, retrying as [`may_resend`] allows, and reads the body.
    ///
    /// Not `async`: the future returned is the boxed retry loop itself (in a span when a
    /// subscriber wants one), so no further state machine wraps it.
    fn execute<'a>(
        &'a self,
        operation: &Operation,
        request: reqwest::Request,
        repeatable: bool,
    ) -> impl Future<Output = Result<Exchange, Error>> + Send + 'a {
        let span = tracing::info_span!(
            "paygate.request",
            gateway = self.gateway.name,
            operation = operation.id,
            method = %request.method(),
            path = request.url().path(),
        );
        // Boxed: the retry loop's state (the request kept for a retry, the attempt in flight)
        // is large, and every future awaiting it would otherwise carry it and copy it as it
        // is moved.
        let attempts = Box::pin(self.send_with_retries(Some(request), repeatable));
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
        mut kept: Option<reqwest::Request>,
        repeatable: bool,
    ) -> Result<Exchange, Error> {
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
                self.attempt(self.http.execute(this), repeatable, spare, attempt, started)
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
    /// unless the status says to try again. A failure that [`may_resend`] allows to try again
    /// while another attempt may follow (`spare`) is an [`Attempt::Retry`]; any other is the
    /// result. It takes the sending future rather than the request: an argument stays in the
    /// future's state to the end, and a request is large.
    async fn attempt(
        &self,
        sending: impl Future<Output = reqwest::Result<reqwest::Response>>,
        repeatable: bool,
        spare: bool,
        attempt: u32,
        started: Instant,
    ) -> Attempt {
        let elapsed_ms = || started.elapsed().as_millis() as u64;
        let failed = |e: reqwest::Error| {
            let kind = TransportKind::of(&e);
            if spare && may_resend(Failure::Transport(kind), repeatable) {
                return Attempt::Retry(None);
            }
            Attempt::Done(Err(Error::Transport {
                kind,
                source: e,
                repeatable,
            }))
        };
        let response = match sending.await {
            Ok(response) => response,
            Err(e) => {
                tracing::info!(attempt, error = %e, elapsed_ms = elapsed_ms(), "transport error");
                return failed(e);
            }
        };
        let status = response.status();
        tracing::info!(
            attempt,
            status = status.as_u16(),
            elapsed_ms = elapsed_ms(),
            "response"
        );
        if spare && may_resend(Failure::Status(status), repeatable) {
            return Attempt::Retry(retry_after(response.headers()));
        }
        // Reading the body belongs to the attempt: a connection that breaks mid-body is
        // retried like one that breaks before the headers.
        match self.read(response).await {
            Ok(exchange) => Attempt::Done(Ok(exchange)),
            Err(e) => {
                tracing::info!(attempt, error = %e, elapsed_ms = elapsed_ms(), "body interrupted");
                failed(e)
            }
        }
    }

    /// Reads the whole body, up to the client's limit (`http_body_util::Limited`): one byte
    /// more and the rest is left unread.
    async fn read(&self, response: reqwest::Response) -> reqwest::Result<Exchange> {
        // The body's error does not say where it came from: the response does.
        let url = response.url().clone();
        let (parts, body) = http::Response::from(response).into_parts();
        let body = match http_body_util::Limited::new(body, self.max_response_bytes)
            .collect()
            .await
        {
            Ok(collected) => Ok(collected.to_bytes()),
            Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(BodyTooLarge),
            Err(e) => match e.downcast::<reqwest::Error>() {
                Ok(e) => return Err(e.with_url(url)),
                Err(other) => unreachable!("a reqwest body fails with reqwest::Error: {other}"),
            },
        };
        Ok(Exchange {
            status: parts.status,
            headers: parts.headers,
            body,
        })
    }
}

/// A GET, or a request carrying the idempotency key its operation takes (the spec's
/// `x-idempotency-key`): the gateway applies it at most once however often it is sent.
fn is_repeatable(operation: &Operation, request: &reqwest::Request) -> bool {
    request.method() == Method::GET
        || operation
            .idempotency_header()
            .is_some_and(|h| request.headers().contains_key(h))
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
    use bytes::Bytes;
    use reqwest::StatusCode;

    /// A gateway with no operations, limits or keys of its own.
    static TEST_GATEWAY: GatewayProfile = GatewayProfile {
        name: "test",
        credential_names: ("id", "secret"),
        default_base_url: "https://gateway.invalid/v1",
        default_server_path: "/v1",
        operations: &[],
    };

    fn transport(retry: RetryPolicy) -> Transport {
        Transport {
            http: reqwest::Client::new(),
            base_url: String::new(),
            gateway: &TEST_GATEWAY,
            retry,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }

    static CREATE_ORDER: Operation = Operation {
        id: "create_order",
        method: Method::POST,
        path: "/orders",
        server_path: None,
        limits: &[],
        idempotency_header: None,
    };

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
        let transport = transport(RetryPolicy::default());
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
        let exchange = transport
            .execute(&CREATE_ORDER, request, false)
            .await
            .unwrap();
        assert_eq!(exchange.status, StatusCode::OK);
        mock.assert_calls_async(1).await;
    }

    /// An operation on another server of the spec goes to the base URL with the default
    /// server's path swapped; a base URL without that path cannot reach it.
    #[test]
    fn another_server_is_found_from_the_base_url() {
        static ON_V2: Operation = Operation {
            id: "create_account",
            method: Method::POST,
            path: "/accounts",
            server_path: Some("/v2"),
            limits: &[],
            idempotency_header: None,
        };
        let mut transport = transport(RetryPolicy::none());
        transport.base_url = "http://127.0.0.1:9/razorpay/v1".to_owned();
        assert_eq!(
            transport.base_url_for(&ON_V2).unwrap(),
            "http://127.0.0.1:9/razorpay/v2"
        );
        assert_eq!(
            transport.base_url_for(&CREATE_ORDER).unwrap(),
            "http://127.0.0.1:9/razorpay/v1"
        );
        transport.base_url = "http://127.0.0.1:9/proxy".to_owned();
        let err = transport.base_url_for(&ON_V2).unwrap_err();
        assert!(
            matches!(err, Error::Config { ref field, .. } if field == "base_url"),
            "{err:?}"
        );
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
