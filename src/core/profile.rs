//! [`GatewayProfile`]: the facts about one gateway the shared core works from, all generated
//! from its spec but the names of its key pair.

use reqwest::header::HeaderName;

use crate::core::validate::{FieldLimits, Invalid};

/// What the shared core needs to know about one gateway. Each gateway module gives one
/// (`PROFILE`), built from what its spec generates plus the names it uses for its key pair, so
/// nothing here names a gateway.
#[derive(Debug)]
#[doc(hidden)]
pub struct GatewayProfile {
    /// Short name for logs and `Debug`: the gateway module's name.
    pub(crate) name: &'static str,
    /// What the gateway calls the two halves of its key pair, for errors and `Debug`.
    pub(crate) credential_names: (&'static str, &'static str),
    /// The generated `DEFAULT_BASE_URL` (the spec's first server).
    pub(crate) default_base_url: &'static str,
    /// The path of the default server's URL (`/v1`): an operation on another server is sent
    /// to the base URL with this ending replaced by that server's path.
    pub(crate) default_server_path: &'static str,
    /// The generated `OPERATIONS`: every operation of the spec and what is checked for it.
    /// The generated `send`s hand their own entry to the request; this list serves lookups by
    /// operation id, which only the tests make.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) operations: &'static [Operation],
}

/// One operation of a gateway's spec, as the generator writes it into `OPERATIONS`. Each
/// generated `send` starts its [`Request`] from its own entry, so nothing is looked up by
/// operation id on the way out.
///
/// [`Request`]: crate::core::request::Request
#[derive(Debug, Clone)]
pub(crate) struct Operation {
    /// The spec's `operationId`.
    pub(crate) id: &'static str,
    /// The HTTP method.
    pub(crate) method: reqwest::Method,
    /// The path template, e.g. `/payments/{payment_id}`.
    pub(crate) path: &'static str,
    /// The path of the operation's own server (`/v2`), when it is not on the spec's default
    /// server.
    pub(crate) server_path: Option<&'static str>,
    /// The limits the spec puts on the operation's request fields (its rows of
    /// `REQUEST_LIMITS`).
    pub(crate) limits: &'static [FieldLimits],
    /// The header that carries the operation's idempotency key (a header parameter marked
    /// `x-idempotency-key: true`), if it takes one.
    pub(crate) idempotency_header: Option<&'static str>,
}

impl Operation {
    /// Checks `request` against the spec: the path template and the request limits (see
    /// [`crate::core::validate`]).
    pub(crate) fn check(&self, request: &reqwest::Request) -> Result<(), Invalid> {
        crate::core::validate::check(self.path, self.limits, request)
    }

    /// The header carrying the operation's idempotency key, if the spec gives it one.
    pub(crate) fn idempotency_header(&self) -> Option<HeaderName> {
        HeaderName::from_bytes(self.idempotency_header?.as_bytes()).ok()
    }
}

#[cfg(test)]
impl GatewayProfile {
    /// The operation whose `operationId` is `id`.
    pub(crate) fn operation(&self, id: &str) -> Option<&'static Operation> {
        self.operations.iter().find(|operation| operation.id == id)
    }

    /// Checks `request` as operation `operation_id` (unknown: nothing to check).
    pub(crate) fn check(
        &self,
        operation_id: &str,
        request: &reqwest::Request,
    ) -> Result<(), Invalid> {
        self.operation(operation_id)
            .map_or(Ok(()), |operation| operation.check(request))
    }
}
