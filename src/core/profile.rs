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
    /// The generated `OPERATION_PATHS`: operation id and path template.
    pub(crate) operation_paths: &'static [(&'static str, &'static str)],
    /// The generated `REQUEST_LIMITS`, checked before a request is sent.
    pub(crate) request_limits: &'static [FieldLimits],
    /// The generated `IDEMPOTENCY_KEYS`: operation id and the header that carries its key.
    pub(crate) idempotency_keys: &'static [(&'static str, &'static str)],
}

impl GatewayProfile {
    /// Checks `request` for operation `operation_id` against the spec: its path template and
    /// its request limits (see [`crate::core::validate`]).
    pub(crate) fn check(
        &self,
        operation_id: &str,
        request: &reqwest::Request,
    ) -> Result<(), Invalid> {
        crate::core::validate::check(
            self.operation_paths,
            self.request_limits,
            operation_id,
            request,
        )
    }

    /// The header carrying `operation_id`'s idempotency key, if the spec gives it one.
    pub(crate) fn idempotency_header(&self, operation_id: &str) -> Option<HeaderName> {
        let (_, header) = self
            .idempotency_keys
            .iter()
            .find(|(id, _)| *id == operation_id)?;
        HeaderName::from_bytes(header.as_bytes()).ok()
    }
}
