//! Step 3 of a call: what came back becomes a [`Response`] or an [`Error`]. [`decode`] reads a
//! success body once, into its generated type, and applies the checks the spec states beyond
//! the type ([`Inspect`]); anything else becomes the gateway's documented error when the body is
//! one, and otherwise says what arrived.

use std::ops::{Deref, DerefMut};

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use serde::de::DeserializeOwned;

use crate::Error;
use crate::core::error::ErrorBody;
use crate::core::inspect::{Inspect, below_minimum_error};

/// A response as it came off the wire: status, headers, and the body read in full, or the
/// news that it was larger than the client's limit.
pub(crate) struct Exchange {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Result<Bytes, BodyTooLarge>,
}

/// A body went over the client's `max_response_bytes`; it was not read further.
pub(crate) struct BodyTooLarge;

/// A successful response: the decoded body (`T`, reached through `Deref` or
/// [`Response::into_inner`]), with the status and headers it came with.
#[derive(Debug, Clone)]
pub struct Response<T> {
    inner: T,
    status: StatusCode,
    headers: HeaderMap,
}

impl<T> Response<T> {
    /// The decoded body.
    pub fn into_inner(self) -> T {
        self.inner
    }

    /// The HTTP status (a 2xx).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The same response over `f` of its body.
    #[cfg_attr(not(feature = "json-operations"), allow(dead_code))]
    pub(crate) fn try_map<U, E>(self, f: impl FnOnce(T) -> Result<U, E>) -> Result<Response<U>, E> {
        Ok(Response {
            inner: f(self.inner)?,
            status: self.status,
            headers: self.headers,
        })
    }
}

impl<T> Deref for Response<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<T> DerefMut for Response<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.inner
    }
}

/// The answer to a request that was `repeatable` (see [`crate::Error::is_retryable`]), as a
/// decoded `T` or the [`Error`] it is: the gateway's error body `E`, a body over `limit`, a
/// redirect (never followed), a success body of the wrong shape, or anything else unexpected.
pub(crate) fn decode<T, E>(
    exchange: Exchange,
    repeatable: bool,
    limit: usize,
) -> Result<Response<T>, Error>
where
    T: DeserializeOwned + Inspect,
    E: ErrorBody,
{
    let (status, headers, body) = settle(exchange, repeatable, limit)?;
    // Why a success body is not a `T`, unless the gateway's error body explains it better.
    let mut shape_error = None;
    if status.is_success() {
        match serde_json::from_slice::<T>(&body) {
            Ok(inner) if inner.is_failure() => {}
            Ok(inner) => match inner.below_minimum(&mut String::new()) {
                None => {
                    return Ok(Response {
                        inner,
                        status,
                        headers,
                    });
                }
                Some((path, value)) => shape_error = Some(below_minimum_error(&path, value)),
            },
            // Not JSON at all: an unexpected response, like an HTML page from a proxy.
            Err(e) if e.is_syntax() || e.is_eof() => {}
            Err(e) => shape_error = Some(e),
        }
    }
    Err(failure::<E>(status, body, shape_error, repeatable))
}

#[allow(
    dead_code,
    reason = "used by generated operations without a success body; a spec may have none"
)]
/// Like [`decode`], for an operation whose success has no body (a 204): any success status is
/// the answer, and whatever body came with it is not read.
pub(crate) fn decode_empty<E: ErrorBody>(
    exchange: Exchange,
    repeatable: bool,
    limit: usize,
) -> Result<Response<()>, Error> {
    let (status, headers, body) = settle(exchange, repeatable, limit)?;
    if status.is_success() {
        return Ok(Response {
            inner: (),
            status,
            headers,
        });
    }
    Err(failure::<E>(status, body, None, repeatable))
}

/// The parts of an exchange that has a body to read: not one over the size limit, and not a
/// redirect (never followed).
fn settle(
    exchange: Exchange,
    repeatable: bool,
    limit: usize,
) -> Result<(StatusCode, HeaderMap, Bytes), Error> {
    let Exchange {
        status,
        headers,
        body,
    } = exchange;
    let Ok(body) = body else {
        return Err(Error::ResponseTooLarge {
            status,
            limit,
            repeatable,
        });
    };
    if status.is_redirection() {
        let location = headers
            .get(reqwest::header::LOCATION)
            .map(|l| String::from_utf8_lossy(l.as_bytes()).into_owned());
        return Err(Error::UnexpectedResponse {
            status,
            body,
            location,
            repeatable,
        });
    }
    Ok((status, headers, body))
}

/// What a response that is not a success says: the gateway's documented error when the body is
/// one, else why a success body did not decode, else what arrived.
fn failure<E: ErrorBody>(
    status: StatusCode,
    body: Bytes,
    shape_error: Option<serde_json::Error>,
    repeatable: bool,
) -> Error {
    if let Some(error) = serde_json::from_slice::<E>(&body)
        .ok()
        .and_then(ErrorBody::into_api_error)
    {
        return Error::Api {
            status,
            error: Box::new(error),
            repeatable,
        };
    }
    match shape_error {
        Some(source) => Error::Decode {
            status: Some(status),
            body,
            source,
        },
        None => Error::UnexpectedResponse {
            status,
            body,
            location: None,
            repeatable,
        },
    }
}
