//! Injected faults: the next N gateway requests fail the way real networks and gateways fail, so
//! a user's retry and error handling can be tested against them.

use std::collections::VecDeque;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Which gateway a fault applies to; `None` in [`Fault::gateway`] means both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    /// Requests under `/razorpay/v1`.
    Razorpay,
    /// Requests under `/ippopay/v1`.
    Ippopay,
}

/// How a request fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultKind {
    /// 429 with `Retry-After: retry_after_secs` and the gateway's error body.
    RateLimited {
        /// Seconds sent in `Retry-After`.
        retry_after_secs: u64,
    },
    /// 500 with the gateway's server error body.
    ServerError,
    /// 502 with an HTML page, as a load balancer in front of the gateway sends it.
    HtmlBadGateway,
    /// 504 with an empty body.
    EmptyGatewayTimeout,
    /// The request is answered normally, after `delay`.
    Slow {
        /// How long the answer is held back.
        delay: Duration,
    },
    /// The connection is closed without any response (the request is not processed).
    DropConnection,
    /// The request is processed, then the connection is closed before the answer: the client
    /// cannot know whether it took effect, which is what idempotency keys are for.
    LoseResponse,
}

/// A fault for the next `count` requests to `gateway` (or to either gateway).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// What happens to each affected request.
    pub kind: FaultKind,
    /// How many requests it affects.
    pub count: u32,
    /// Only requests to this gateway; `None`: requests to either.
    pub gateway: Option<Provider>,
}

impl Fault {
    /// A fault for the next `count` requests to either gateway.
    pub fn new(kind: FaultKind, count: u32) -> Self {
        Self {
            kind,
            count,
            gateway: None,
        }
    }

    /// Restricts the fault to one gateway.
    pub fn for_gateway(mut self, gateway: Provider) -> Self {
        self.gateway = Some(gateway);
        self
    }
}

/// Faults waiting to be applied, oldest first.
#[derive(Debug, Default)]
pub(crate) struct FaultQueue {
    pending: VecDeque<Fault>,
}

impl FaultQueue {
    pub(crate) fn push(&mut self, fault: Fault) {
        if fault.count > 0 {
            self.pending.push_back(fault);
        }
    }

    pub(crate) fn clear(&mut self) {
        self.pending.clear();
    }

    /// The fault for one request to `gateway`, if any is pending; uses up one of its count.
    pub(crate) fn take(&mut self, gateway: Provider) -> Option<FaultKind> {
        let index = self
            .pending
            .iter()
            .position(|f| f.gateway.is_none_or(|g| g == gateway))?;
        let fault = &mut self.pending[index];
        let kind = fault.kind.clone();
        fault.count -= 1;
        if fault.count == 0 {
            self.pending.remove(index);
        }
        Some(kind)
    }
}

/// The HTML a load balancer sends with a 502.
pub(crate) const BAD_GATEWAY_HTML: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n";

/// The JSON body of the control endpoint `POST /_sandbox/faults`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FaultRequest {
    kind: String,
    count: u32,
    retry_after_secs: Option<u64>,
    delay_ms: Option<u64>,
    gateway: Option<Provider>,
}

impl FaultRequest {
    /// The fault it describes, or the field that is wrong and why.
    pub(crate) fn into_fault(self) -> Result<Fault, (&'static str, String)> {
        let kind = match self.kind.as_str() {
            "rate_limited" => FaultKind::RateLimited {
                retry_after_secs: self.retry_after_secs.unwrap_or(1),
            },
            "server_error" => FaultKind::ServerError,
            "html_bad_gateway" => FaultKind::HtmlBadGateway,
            "empty_gateway_timeout" => FaultKind::EmptyGatewayTimeout,
            "slow" => FaultKind::Slow {
                delay: Duration::from_millis(self.delay_ms.unwrap_or(1_000)),
            },
            "drop_connection" => FaultKind::DropConnection,
            "lose_response" => FaultKind::LoseResponse,
            other => return Err(("kind", format!("unknown fault kind {other:?}"))),
        };
        if self.count == 0 {
            return Err(("count", "count must be at least 1".into()));
        }
        Ok(Fault {
            kind,
            count: self.count,
            gateway: self.gateway,
        })
    }
}
