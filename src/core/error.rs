//! [`Error`]: every way a call can fail, for every gateway, with the HTTP status whenever there
//! was a response.

use std::any::Any;
use std::fmt;

use bytes::Bytes;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use crate::core::retry::{Failure, TransportKind, may_resend};
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
    /// The client could not be built as configured (`ClientBuilder::build`): empty or
    /// ambiguous credentials, a base URL it cannot use safely, a TLS set-up that failed; or an
    /// operation on another server of the spec that the configured base URL cannot reach.
    Config {
        /// The setting (`key_id`, `base_url`, `user_agent`, `tls`).
        field: String,
        /// Its value, secrets redacted.
        value: String,
        /// What is wrong with it.
        reason: String,
    },
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
            Self::InvalidRequest { .. } | Self::Config { .. } => None,
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
        let (failure, repeatable) = match self {
            Self::Transport {
                kind, repeatable, ..
            } => (Failure::Transport(*kind), *repeatable),
            Self::Api {
                status, repeatable, ..
            }
            | Self::UnexpectedResponse {
                status, repeatable, ..
            }
            | Self::ResponseTooLarge {
                status, repeatable, ..
            } => (Failure::Status(*status), *repeatable),
            Self::Decode { .. } | Self::InvalidRequest { .. } | Self::Config { .. } => {
                return false;
            }
        };
        may_resend(failure, repeatable)
    }

    pub(crate) fn config(field: &str, value: impl fmt::Display, reason: &str) -> Self {
        Self::Config {
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
            Self::Config {
                field,
                value,
                reason,
            } => {
                write!(f, "client configuration: `{field}` = {value:?}: {reason}")
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

/// A request refused before it was sent.
impl From<Invalid> for Error {
    fn from(invalid: Invalid) -> Self {
        Self::InvalidRequest {
            field: invalid.field,
            value: invalid.value,
            reason: invalid.reason,
        }
    }
}
