//! [`Error`]: every way a call can fail, for both gateways, with the HTTP status whenever there
//! was a response.

use std::fmt;

use bytes::Bytes;
use reqwest::StatusCode;

use crate::razorpay;
use crate::core::transport::{BufferedBody, DecodeFailure, Repeatable, Truncated};
use std::sync::Arc;

/// How much of an unexpected body an error keeps: enough to recognise a proxy's HTML page.
const BODY_PREFIX_LEN: usize = 512;

/// Razorpay's documented error body (`{"error": {...}}`).
pub type RazorpayError = razorpay::types::ErrorResponseError;

/// A failed call to a payment gateway.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Razorpay answered with its documented error body.
    Razorpay {
        status: StatusCode,
        error: Box<RazorpayError>,
        /// Whether the request was safe to send again whatever the gateway did with it: a GET,
        /// or a POST carrying its idempotency key (see [`Error::is_retryable`]).
        repeatable: bool,
    },
    /// Ippopay answered `{"success": false, "message": ...}`, possibly with HTTP 200.
    Ippopay {
        status: StatusCode,
        message: String,
        /// Whether the request was safe to send again whatever the gateway did with it: a GET,
        /// or a POST carrying its idempotency key (see [`Error::is_retryable`]).
        repeatable: bool,
    },
    /// A response whose body is not the gateway's JSON (an HTML page from a proxy, an empty or
    /// truncated body), an error status without the documented error body, or a redirect
    /// (never followed: payment APIs do not redirect), with its `Location` header.
    UnexpectedResponse {
        status: StatusCode,
        body: Bytes,
        location: Option<String>,
        /// Whether the request was safe to send again whatever the gateway did with it: a GET,
        /// or a POST carrying its idempotency key (see [`Error::is_retryable`]).
        repeatable: bool,
    },
    /// The response body was larger than the client's limit (`ClientBuilder::max_response_bytes`).
    ResponseTooLarge {
        status: StatusCode,
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
        body: Bytes,
        source: serde_json::Error,
    },
    /// The request never got a complete response: connection refused, timeout, TLS, reset.
    Transport {
        kind: TransportKind,
        source: reqwest::Error,
        /// Whether the request was safe to send again whatever the gateway did with it: a GET,
        /// or a POST carrying an idempotency key.
        repeatable: bool,
    },
    /// The request was refused before it was sent: `field` had `value`, which is not allowed.
    InvalidRequest {
        field: String,
        value: String,
        reason: String,
    },
}

/// What kind of transport failure happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportKind {
    Connect,
    Timeout,
    /// The connection broke while the request or the response was in flight.
    Interrupted,
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
            Self::Razorpay { status, .. }
            | Self::Ippopay { status, .. }
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

    /// Razorpay's error details, when the body was its documented error.
    pub fn razorpay(&self) -> Option<&RazorpayError> {
        match self {
            Self::Razorpay { error, .. } => Some(error),
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
            Self::Razorpay {
                status, repeatable, ..
            }
            | Self::Ippopay {
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
            Self::Razorpay { status, error, .. } => {
                write!(
                    f,
                    "Razorpay error {status}: {}: {}",
                    error.code, error.description
                )?;
                if let Some(field) = &error.field {
                    write!(f, " (field `{field}`)")?;
                }
                Ok(())
            }
            Self::Ippopay {
                status, message, ..
            } => write!(f, "Ippopay error {status}: {message}"),
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

/// Maps what progenitor reports to [`Error`]; the gateway-specific part (how its error body
/// looks) comes from `documented` and `api_error`, which also get the status and whether the
/// request was safe to repeat.
pub(crate) fn from_progenitor<E>(
    e: progenitor_client::Error<E>,
    documented: impl FnOnce(StatusCode, bool, E) -> Error,
    api_error: impl FnOnce(StatusCode, bool, &[u8]) -> Option<Error>,
) -> Error {
    use progenitor_client::Error as P;
    match e {
        P::ErrorResponse(rv) => {
            // The post hook hands every error status back as `UnexpectedResponse`, which keeps
            // the request's facts; should one arrive here, assume the worst.
            let status = rv.status();
            documented(status, false, rv.into_inner())
        }
        P::UnexpectedResponse(mut response) => {
            let status = response.status();
            let repeatable = response
                .extensions()
                .get::<Repeatable>()
                .is_some_and(|r| r.0);
            if let Some(Truncated(limit)) = response.extensions().get::<Truncated>() {
                return Error::ResponseTooLarge {
                    status,
                    limit: *limit,
                    repeatable,
                };
            }
            let body = response
                .extensions()
                .get::<BufferedBody>()
                .map(|b| b.0.clone())
                .unwrap_or_default();
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
            if let Some(error) = api_error(status, repeatable, &body) {
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
        P::InvalidRequest(message) | P::Custom(message) => {
            match crate::core::validate::Invalid::from_message(&message) {
                Some(invalid) => Error::InvalidRequest {
                    field: invalid.field,
                    value: invalid.value,
                    reason: invalid.reason,
                },
                None => invalid_request(&message),
            }
        }
    }
}

/// Progenitor's and typify's builders report a bad argument as text, e.g.
/// "conversion to `CreateOrderRequestReceipt` for receipt failed: longer than 40 characters" or
/// "error converting supplied value for receipt: longer than 40 characters"; keep the field
/// name separate so callers can match on it.
fn invalid_request(message: &str) -> Error {
    let field = message
        .split_once("supplied value for ")
        .and_then(|(_, rest)| rest.split_once(':'))
        .or_else(|| {
            message
                .split_once(" for ")
                .and_then(|(_, rest)| rest.split_once(" failed"))
        })
        .map(|(field, _)| field.to_owned())
        .unwrap_or_default();
    Error::InvalidRequest {
        field,
        value: String::new(),
        reason: message.to_owned(),
    }
}
