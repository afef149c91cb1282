//! Not a gateway: the client of `tests/shapes/shapes.yaml`, one operation of every shape the
//! Razorpay API uses (a `PUT`, `DELETE`s with and without a body, a multipart upload, an
//! operation on a second server, a repeated array query parameter, two path parameters, a bare
//! JSON array, empty 200 and 204 bodies, a query-only `GET`). Generated only with the hidden
//! feature `test-shapes`, for `tests/it/operation_shapes.rs`, which proves each shape on the
//! wire. Like every gateway module, it names no operation: all of them come from the spec.

/// The code generated from `tests/shapes/shapes.yaml` (see `build.rs`).
#[allow(clippy::all, clippy::pedantic, missing_docs)]
pub mod generated {
    include!(concat!(env!("OUT_DIR"), "/shapes.rs"));
}

pub use generated::{builder, types};

use crate::core::error::{ApiError, ErrorBody};

crate::core::client::gateway!(
    /// The test spec's gateway.
    Shapes,
    "shapes",
    ("key_id", "key_secret")
);

/// A client of the test spec: every operation of `tests/shapes/shapes.yaml` is a method.
pub type Client = crate::Client<Shapes>;

/// The test spec's error body (`{"error": {"code", "description", "field"}}`, Razorpay's shape).
impl ErrorBody for types::ErrorResponse {
    fn into_api_error(self) -> Option<ApiError> {
        let error = self.error;
        Some(ApiError::new(
            "Shapes",
            Some(error.code.clone()),
            error.description.clone(),
            error.field.clone(),
            error,
        ))
    }
}
