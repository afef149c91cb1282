//! paygate's integration tests, one module per concern, linked into one binary (the crate
//! links once, not once per file).

mod common;
mod decoder_fuzz;
mod documented_headers;
mod every_operation;
mod expanded_entities;
mod generated_code;
mod generated_responses;
mod hostile_server;
mod ippopay_wire;
mod logging;
mod money_and_notes;
mod operation_shapes;
mod pagination;
mod path_parameters;
mod razorpay_wire;
mod request_validation;
mod response_limit;
mod retry_rule;
mod sdk_fixtures;
mod secrets;
mod seed_examples;
mod signature;
mod spec_defaults;
mod spec_examples;
mod tls;
mod tolerance;
mod tour;
mod webhook_dedup;
