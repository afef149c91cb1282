//! Ippopay: orders, transactions, refunds. Amounts are decimal rupees ([`Rupees`]), not paise.
//!
//! The operations and types are generated from `openapi/ippopay.yaml`; this module adds
//! construction with credentials and the mapping of failures, including a `success: false`
//! body sent with HTTP 200, to [`crate::Error`].

mod rupees;

pub use rupees::{ParseRupeesError, Rupees};

/// The code generated from `openapi/ippopay.yaml` (see `build.rs`).
#[allow(clippy::all, clippy::pedantic, missing_docs)]
pub mod generated {
    include!(concat!(env!("OUT_DIR"), "/ippopay.rs"));
}

pub use generated::{builder, types};

/// The spec this module is generated from, `openapi/ippopay.yaml` with its fragments
/// (`openapi/ippopay/*.yaml`) bundled into one document, as JSON (the sandbox serves and validates
/// against it).
pub const SPEC: &str = include_str!(concat!(env!("OUT_DIR"), "/ippopay.json"));

use crate::core::error::{ApiError, ErrorBody};

crate::core::client::gateway!(
    /// Ippopay as a [`Gateway`](crate::Gateway): all from `openapi/ippopay.yaml` but the names of the
    /// key pair, which are the dashboard's.
    Ippopay,
    "ippopay",
    ("public_key", "secret_key")
);

/// An Ippopay client: every operation of `openapi/ippopay.yaml` is a method, e.g.
/// `client.fetch_order().order_id("order_G@nzg3qBq").send()`.
/// `Client::new(public_key, secret_key)`.
pub type Client = crate::Client<Ippopay>;

/// Ippopay's envelope, `{"success": false, "message": ...}`, which it may send with HTTP 200.
impl ErrorBody for types::ErrorResponse {
    fn into_api_error(self) -> Option<ApiError> {
        (!self.success).then(|| {
            let message = self.message.clone().unwrap_or_default();
            ApiError::new("Ippopay", None, message, None, self)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Gateway;

    /// Both request amounts (`RupeesAmount` in the spec) are checked from the spec's limits,
    /// read as exact decimals from the body's text.
    #[test]
    fn request_amounts_follow_the_spec() {
        let refund = |json: &str| {
            let url = "https://api.example/v1/order/refund/order_1@x";
            let mut request = reqwest::Request::new(reqwest::Method::POST, url.parse().unwrap());
            *request.body_mut() = Some(json.to_owned().into());
            Ippopay::PROFILE.check("refund_order", &request)
        };
        let err = refund(r#"{"refund_amt":0.001}"#).unwrap_err();
        assert_eq!(
            (err.field.as_str(), err.value.as_str()),
            ("refund_amt", "0.001")
        );
        assert!(err.reason.contains("2 decimal places"), "{}", err.reason);
        let err = refund(r#"{"refund_amt":"0.00"}"#).unwrap_err();
        assert_eq!(err.value, "0.00");
        assert!(err.reason.contains("more than 0"), "{}", err.reason);
        assert!(refund(r#"{"refund_amt":0.50}"#).is_ok());
        assert!(refund(r#"{"refund_amt":12345678901234567.10}"#).is_ok());
        assert!(refund(r#"{"refund_amt":null}"#).is_ok());
        assert!(refund("{}").is_ok());
    }
}
