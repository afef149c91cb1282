//! The shared core: what every gateway's client is made of. Nothing here names a gateway;
//! each gateway module (`crate::razorpay`, `crate::ippopay`) implements [`client::Gateway`]
//! with what its spec generates, and the core does the rest.
//!
//! One call, top to bottom:
//! 1. [`client`]: `Client<G>` and its builder; every operation is a generated method of it whose
//!    builder's `send` assembles a [`request::Request`] from its arguments;
//! 2. [`request`]: the request as typed parts, each argument checked as it is added;
//! 3. [`transport`]: the spec's limits ([`validate`]), the idempotency key, the retry loop
//!    under the one rule of [`retry`], the body read up to its limit;
//! 4. [`response`]: the body decoded once and checked ([`inspect`]), or an [`error::Error`].
//!
//! Dependencies point one way, each module using only those listed before it: `validate`,
//! `inspect`, `profile`, `retry`, `error`, `request`, `response`, `transport`, `client`.

pub(crate) mod client;
pub(crate) mod error;
pub(crate) mod inspect;
#[cfg(feature = "json-operations")]
pub(crate) mod json_calls;
pub(crate) mod pages;
pub(crate) mod profile;
pub(crate) mod request;
pub(crate) mod response;
pub(crate) mod retry;
#[cfg(feature = "rustls-ring")]
mod tls;
pub(crate) mod transport;
pub(crate) mod validate;
