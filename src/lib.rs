//! paygate: Rust clients for Indian payment gateways, generated from hand-maintained OpenAPI
//! documents (`openapi/`).
//!
//! - [`razorpay`]: Razorpay v1 (orders, payments, refunds, settlements); amounts in integer paise.
//! - [`ippopay`]: Ippopay (orders, transactions, refunds); amounts in decimal rupees.
//!
//! Each API module has a `Client` that derefs to the generated client: call an operation by its
//! OpenAPI `operationId` (`client.fetch_order().order_id("order_X").send().await`), and turn any
//! failure into [`Error`] with `?`.
#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod core;
pub mod ippopay;
pub mod razorpay;

pub use core::client::{Client, ClientBuilder, Gateway};
pub use core::error::{ApiError, Error, TransportKind};
pub use core::inspect;
pub use core::transport::{self, RetryPolicy};
