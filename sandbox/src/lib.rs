//! paygate-sandbox: an offline, stateful imitation of the Razorpay and Ippopay APIs for tests.
//!
//! Every request and response is checked against paygate's OpenAPI documents (the same files
//! the client is generated from) by [`spec::SpecValidator`].

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod spec;
