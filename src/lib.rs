//! paygate: Rust clients for Indian payment gateways, generated from hand-maintained OpenAPI
//! documents (`openapi/`).
//!
//! - `razorpay` (feature `razorpay`): Razorpay v1 (orders, payments, refunds, settlements);
//!   amounts in integer paise.
//! - `ippopay` (feature `ippopay`): Ippopay (orders, transactions, refunds); amounts in decimal
//!   rupees.
//!
//! Both gateway features are on by default; TLS is `rustls` (default) or `native-tls`.
//!
//! Each API module has a `Client` whose methods are the operations of its spec: call one by its
//! OpenAPI `operationId` (`client.fetch_order().order_id("order_X").send().await`); it returns a
//! [`Response`] of the decoded body, or an [`Error`].
#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
// With no operation generated (no gateway feature, or no resource group), the shared request
// path has nothing to serve.
#![cfg_attr(paygate_no_operations, allow(dead_code))]

mod core;
#[cfg(feature = "ippopay")]
pub mod ippopay;
#[cfg(feature = "razorpay")]
pub mod razorpay;
// Hidden: the test-only client of `tests/shapes/shapes.yaml` (feature `test-shapes`).
#[cfg(feature = "test-shapes")]
#[doc(hidden)]
pub mod shapes;

pub use core::client::{Client, ClientBuilder, Gateway};
pub use core::error::{ApiError, Error};
#[cfg(feature = "json-operations")]
pub use core::json_calls::JsonArguments;
pub use core::request::File;
pub use core::response::Response;
pub use core::retry::{RetryPolicy, TransportKind};
