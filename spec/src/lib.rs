//! The one reader of paygate's OpenAPI 3.0.3 documents.
//!
//! Everything that reads a spec (the JSON Schema conversion in `paygate-openapi-schema`, the
//! sandbox, `cargo xtask`, and the code generator) reads it through this crate, so a `$ref`,
//! a parameter list or an open enum means the same thing everywhere:
//! - [`load`] reads a gateway's spec, the root file plus its fragments, and bundles them into
//!   one [`Document`] ([`bundle`] for the rules);
//! - [`resolve`] and [`pointer()`] are the one `$ref` resolver: every reference is local
//!   (`#/...`, a JSON pointer, percent-escapes decoded);
//! - [`operations`], [`webhooks`], [`Operation::parameters`], [`Operation::request_body`],
//!   [`Operation::responses`], [`holders`] and [`each_schema`] walk the document;
//! - [`open_enum_values`]/[`open_enums`], [`nullable_ref`], [`request_limits`]/[`limits_of`]
//!   and [`Operation::idempotency_header`] find the project's conventions (`openapi/README.md`).
//!
//! Locations are dotted paths as people read them (`paths./orders.post.requestBody`); an
//! error names the location and, where a file is involved, the file.

mod bundle;
mod document;
mod limits;
mod select;
mod shapes;
mod walk;

pub use bundle::{LoadError, bundle, fragment_dir, load, load_from};
pub use document::{
    Document, check_version, is_openapi_30, pointer, resolve, resolve_with_pointer,
};
pub use limits::{DecimalLimits, Limits, RequestLimit, limits_of, request_limits, through_all_of};
pub use select::select_tags;
pub use shapes::{
    NULL_SCHEMA, OpenEnum, component_name, nullable_ref, open_enum_values, open_enums,
    schema_ref_name,
};
pub use walk::{
    Holder, METHODS, MediaType, Operation, Parameter, ParameterIn, RequestBody, Response, Role,
    Section, child, each_schema, elements, entries, holders, operations, operations_in, subschemas,
    webhooks,
};

/// A problem with a document at a location: a broken `$ref`, a construct this reader does not
/// support, a value of the wrong shape.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{at}: {message}")]
pub struct SpecError {
    /// Where in the document (dotted path, e.g. `paths./orders.post.requestBody`).
    pub at: String,
    /// What is wrong there.
    pub message: String,
}

impl SpecError {
    /// A problem `message` at `at`.
    pub fn new(at: &str, message: impl Into<String>) -> Self {
        SpecError {
            at: at.to_owned(),
            message: message.into(),
        }
    }
}
