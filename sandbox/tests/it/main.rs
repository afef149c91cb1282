//! The sandbox driven over loopback by the real paygate clients and by plain HTTP: every
//! operation, state transition and documented error, concurrency, bad input, faults, webhooks
//! and the control endpoints. Every test ends by asserting the sandbox sent nothing its OpenAPI
//! documents forbid.

mod binary;
mod common;
mod concurrency;
mod control_http;
mod coverage;
mod faults;
mod gate_limits;
mod ippopay;
mod razorpay_errors;
mod razorpay_flow;
mod slow_clients;
mod webhooks;
