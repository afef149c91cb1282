//! The shared core: what every gateway's client is made of. Nothing here names a gateway;
//! each gateway module (`crate::razorpay`, `crate::ippopay`) implements [`client::Gateway`]
//! with what its spec generates, and the core does the rest.
//!
//! Dependencies point one way, each module using only those listed before it:
//! `validate` and `inspect` (the spec's rules on requests and responses), `profile` (a gateway's
//! generated tables), `transport` (retries, buffering, decoding), `error`, `client`.

pub(crate) mod client;
pub(crate) mod error;
pub mod inspect;
pub(crate) mod profile;
#[cfg(feature = "rustls-ring")]
mod tls;
pub mod transport;
pub(crate) mod validate;
