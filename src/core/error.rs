//! [`Error`]: every way a call can fail, for every gateway, with the HTTP status whenever there
//! was a response.

use std::any::Any;
use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use crate::core::transport::{BufferedBody, DecodeFailure};
use crate::core::validate::Invalid;

/// How much of an unexpected body an error keeps: enough to recognise a proxy's HTML page.
const BODY_PREFIX_LEN: usize = 512;

/// A failed call to a payment gateway.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The gateway answered with its documented error body (Ippopay's
    /// `{"success": false, ...}` possibly with HTTP 200).
    Api {
        /// The response's status.
        status: StatusCode,
        /// What the body says: code, message, field, and the gateway's own typed body.
        error: Box<ApiError>,
        /// Whether the request was safe to send again whatever the gateway did with it: a GET,
        /// or a POST carrying its idempotency key (see [`Error::is_retryable`]).
        repeatable: bool,
    },
    /// A response whose body is not the gateway's JSON (an HTML page from a proxy, an empty or
    /// truncated body), an error status without the documented error body, or a redirect
    /// (never followed: payment APIs do not redirect), with its `Location` header.
    UnexpectedResponse {
        /// The response's status.
        status: StatusCode,
        /// The body as received (up to the size limit).
        body: Bytes,
        /// A redirect's `Location` header.
        location: Option<String>,
        /// Whether the request was safe to send again whatever the gateway did with it: a GET,
        /// or a POST carrying its idempotency key (see [`Error::is_retryable`]).
        repeatable: bool,
    },
    /// The response body was larger than the client's limit (`ClientBuilder::max_response_bytes`).
    ResponseTooLarge {
        /// The response's status.
        status: StatusCode,
        /// The limit, in bytes, the body went over.
        limit: usize,
        /// Whether the request was safe to send again whatever the gateway did with it: a GET,
        /// or a POST carrying its idempotency key (see [`Error::is_retryable`]).
        repeatable: bool,
    },
    /// A success response whose JSON does not have the documented shape, or holds a value the
    /// spec rules out (a negative amount); the message names the field and the value.
    Decode {
        /// The response's status; `None` only for a body that reached the client without one.
        status: Option<StatusCode>,
        /// The body as received.
        body: Bytes,
        /// What did not match, with the field's path.
        source: serde_json::Error,
    },
    /// The request never got a complete response: connection refused, timeout, TLS, reset.
    Transport {
        /// What broke.
        kind: TransportKind,
        /// reqwest's error.
        source: reqwest::Error,
        /// Whether the request was safe to send again whatever the gateway did with it: a GET,
        /// or a POST carrying an idempotency key.
        repeatable: bool,
    },
    /// The request was refused before it was sent: `field` had `value`, which is not allowed.
    InvalidRequest {
        /// The field as the spec names it (`receipt`, `notes.address`, `X-Refund-Idempotency`),
        /// `body` for a request body the builder could not assemble.
        field: String,
        /// The refused value, as text; empty when the builder did not keep it.
        value: String,
        /// What the spec allows.
        reason: String,
    },
}

/// What kind of transport failure happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportKind {
    /// No connection could be opened (refused, unreachable, DNS).
    Connect,
    /// The request or the connection took longer than its timeout.
    Timeout,
    /// The connection broke while the request or the response was in flight.
    Interrupted,
    /// Anything else (TLS setup, a client that could not be built).
    Other,
}

impl TransportKind {
    fn of(e: &reqwest::Error) -> Self {
        if e.is_timeout() {
            Self::Timeout
        } else if e.is_connect() {
            Self::Connect
        } else if e.is_body() || e.is_request() || e.is_decode() {
            Self::Interrupted
        } else {
            Self::Other
        }
    }
}

impl Error {
    /// The HTTP status, when the gateway answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api { status, .. }
            | Self::UnexpectedResponse { status, .. }
            | Self::ResponseTooLarge { status, .. } => Some(*status),
            Self::Transport { source, .. } => source.status(),
            Self::Decode { status, .. } => *status,
            Self::InvalidRequest { .. } => None,
        }
    }

    /// The `Location` of a redirect the client refused to follow.
    pub fn location(&self) -> Option<&str> {
        match self {
            Self::UnexpectedResponse { location, .. } => location.as_deref(),
            _ => None,
        }
    }

    /// The gateway's documented error, when it answered with one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Self::Api { error, .. } => Some(error),
            _ => None,
        }
    }

    /// The start of a body that could not be decoded, as text, for logs.
    pub fn body_prefix(&self) -> Option<String> {
        match self {
            Self::UnexpectedResponse { body, .. } | Self::Decode { body, .. } => Some(prefix(body)),
            _ => None,
        }
    }

    /// Whether the gateway refused the credentials (HTTP 401 or 403).
    pub fn is_auth(&self) -> bool {
        matches!(
            self.status(),
            Some(StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN)
        )
    }

    /// Whether the request itself was wrong: refused before sending, or a 4xx other than auth
    /// and rate limiting.
    pub fn is_bad_request(&self) -> bool {
        match self {
            Self::InvalidRequest { .. } => true,
            _ => self.status().is_some_and(|s| {
                s.is_client_error() && !self.is_auth() && s != StatusCode::TOO_MANY_REQUESTS
            }),
        }
    }

    /// Whether sending this same request again is safe and may succeed. Always after a
    /// connection that never opened, a 429 or a 503 (the gateway refused the request before
    /// acting on it). After a timeout, a broken connection or a 500, 502 or 504 only for a
    /// request that is safe to repeat (a GET, or a POST carrying its idempotency key): a POST
    /// without one (create order, capture) may have been acted on, so look it up (e.g. by
    /// receipt) before sending it again. Never for any other status.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Transport {
                kind, repeatable, ..
            } => match kind {
                TransportKind::Connect => true,
                TransportKind::Timeout | TransportKind::Interrupted => *repeatable,
                TransportKind::Other => false,
            },
            Self::Api {
                status, repeatable, ..
            }
            | Self::UnexpectedResponse {
                status, repeatable, ..
            }
            | Self::ResponseTooLarge {
                status, repeatable, ..
            } => crate::core::transport::status_allows_retry(*status, *repeatable),
            Self::Decode { .. } | Self::InvalidRequest { .. } => false,
        }
    }

    pub(crate) fn invalid(field: &str, value: impl fmt::Display, reason: &str) -> Self {
        Self::InvalidRequest {
            field: field.to_owned(),
            value: value.to_string(),
            reason: reason.to_owned(),
        }
    }
}

fn prefix(body: &[u8]) -> String {
    let end = body.len().min(BODY_PREFIX_LEN);
    String::from_utf8_lossy(&body[..end]).into_owned()
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Api { status, error, .. } => {
                write!(f, "{} error {status}: ", error.gateway)?;
                if let Some(code) = &error.code {
                    write!(f, "{code}: ")?;
                }
                write!(f, "{}", error.message)?;
                if let Some(field) = &error.field {
                    write!(f, " (field `{field}`)")?;
                }
                Ok(())
            }
            Self::UnexpectedResponse {
                status,
                body,
                location,
                ..
            } => {
                write!(f, "unexpected response {status}")?;
                if let Some(location) = location {
                    write!(f, " (redirect to {location:?}, not followed)")?;
                }
                write!(f, ": {:?}", prefix(body))
            }
            Self::Decode {
                status,
                body,
                source,
            } => {
                let status = status.map(|s| format!(" {s}")).unwrap_or_default();
                write!(
                    f,
                    "response{status} does not match the documented shape: {source}; body: {:?}",
                    prefix(body)
                )
            }
            Self::ResponseTooLarge { status, limit, .. } => {
                write!(f, "response {status} is larger than the {limit}-byte limit")
            }
            Self::Transport { kind, source, .. } => {
                write!(f, "transport error ({kind:?}): {source}")
            }
            Self::InvalidRequest {
                field,
                value,
                reason,
            } => {
                write!(f, "invalid `{field}` = {value:?}: {reason}")
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Decode { source, .. } => Some(source),
            Self::Transport { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// A gateway's documented error body, as the generated type of its spec.
pub(crate) trait ErrorBody: DeserializeOwned {
    /// What the body says, or `None` when it does not report a failure (an Ippopay envelope
    /// with `success: true`).
    fn into_api_error(self) -> Option<ApiError>;
}

/// Operations without a documented error body.
impl ErrorBody for () {
    fn into_api_error(self) -> Option<ApiError> {
        None
    }
}

/// What a gateway's documented error body says, whatever the gateway: see [`Error::Api`].
pub struct ApiError {
    gateway: &'static str,
    code: Option<String>,
    message: String,
    field: Option<String>,
    details: Box<dyn Any + Send + Sync>,
}

impl ApiError {
    /// `details` is the gateway's whole error body, as its generated type.
    pub(crate) fn new<T: Any + Send + Sync>(
        gateway: &'static str,
        code: Option<String>,
        message: String,
        field: Option<String>,
        details: T,
    ) -> Self {
        Self {
            gateway,
            code,
            message,
            field,
            details: Box::new(details),
        }
    }

    /// The gateway's name as it writes it (`"Razorpay"`).
    pub fn gateway(&self) -> &'static str {
        self.gateway
    }

    /// The gateway's error code (Razorpay's `BAD_REQUEST_ERROR`), when it sends one.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// The gateway's description of the failure.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The request field the gateway blames, when it names one.
    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }

    /// The gateway's own error type, e.g. `paygate::razorpay::types::ErrorResponseError`.
    pub fn details<T: Any>(&self) -> Option<&T> {
        self.details.downcast_ref()
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("gateway", &self.gateway)
            .field("code", &self.code)
            .field("message", &self.message)
            .field("field", &self.field)
            .finish_non_exhaustive()
    }
}

/// The end of every generated `send` (`codegen/src/send.rs`): progenitor's result as
/// [`Error`], a refusal taken typed from the operation's `refused` slot.
pub(crate) fn finish<T, E: ErrorBody>(
    result: Result<T, progenitor_client::Error<E>>,
    refused: Option<Invalid>,
) -> Result<T, Error> {
    result.map_err(|e| match refused {
        Some(invalid) => Error::InvalidRequest {
            field: invalid.field,
            value: invalid.value,
            reason: invalid.reason,
        },
        None => from_progenitor(e),
    })
}

/// Maps what progenitor reports to [`Error`]; how the gateway's error body reads comes from
/// its [`ErrorBody`].
fn from_progenitor<E: ErrorBody>(e: progenitor_client::Error<E>) -> Error {
    use progenitor_client::Error as P;
    let api_error = |status, repeatable, error: E| {
        error.into_api_error().map(|error| Error::Api {
            status,
            error: Box::new(error),
            repeatable,
        })
    };
    match e {
        P::ErrorResponse(rv) => {
            // The post hook hands every error status back as `UnexpectedResponse`, which keeps
            // the request's facts; should one arrive here, assume the worst.
            let status = rv.status();
            api_error(status, false, rv.into_inner()).unwrap_or(Error::UnexpectedResponse {
                status,
                body: Bytes::new(),
                location: None,
                repeatable: false,
            })
        }
        P::UnexpectedResponse(mut response) => {
            let status = response.status();
            let buffered = response.extensions().get::<BufferedBody>();
            let repeatable = buffered.is_some_and(|b| b.repeatable);
            if let Some(limit) = buffered.and_then(|b| b.truncated_at) {
                return Error::ResponseTooLarge {
                    status,
                    limit,
                    repeatable,
                };
            }
            let body = buffered.map(|b| b.bytes.clone()).unwrap_or_default();
            let location = status
                .is_redirection()
                .then(|| response.headers().get(reqwest::header::LOCATION))
                .flatten()
                .map(|l| String::from_utf8_lossy(l.as_bytes()).into_owned());
            if status.is_redirection() {
                return Error::UnexpectedResponse {
                    status,
                    body,
                    location,
                    repeatable,
                };
            }
            // Taken out, so the error in it has one owner left and can be moved out.
            let decode_failure = response.extensions_mut().remove::<DecodeFailure>();
            if let Some(error) = serde_json::from_slice::<E>(&body)
                .ok()
                .and_then(|error| api_error(status, repeatable, error))
            {
                return error;
            }
            if let Some(DecodeFailure(source)) = decode_failure {
                return Error::Decode {
                    status: Some(status),
                    body,
                    source: Arc::into_inner(source).unwrap_or_else(|| {
                        serde::de::Error::custom("the body does not have the documented shape")
                    }),
                };
            }
            Error::UnexpectedResponse {
                status,
                body,
                location: None,
                repeatable,
            }
        }
        P::InvalidResponsePayload(body, source) => Error::Decode {
            status: None,
            body,
            source,
        },
        P::CommunicationError(mut source)
        | P::ResponseBodyError(mut source)
        | P::InvalidUpgrade(mut source) => {
            let repeatable = crate::core::transport::take_repeatable_mark(&mut source);
            Error::Transport {
                kind: TransportKind::of(&source),
                source,
                repeatable,
            }
        }
        // Every refusal of paygate's own goes through the `refused` slot (see [`finish`]);
        // progenitor has none left of its own, but should one come, its text is the reason.
        P::InvalidRequest(reason) | P::Custom(reason) => Error::InvalidRequest {
            field: String::new(),
            value: String::new(),
            reason,
        },
    }
}
