//! Razorpay v1: orders, payments, refunds, settlements. Amounts are integer paise.
//!
//! The operations and types are generated from `openapi/razorpay.yaml`; this module adds
//! construction with credentials and the mapping of failures to [`crate::Error`].
//!
//! ```no_run
//! # async fn demo() -> Result<(), paygate::Error> {
//! use paygate::razorpay::{Client, types};
//!
//! let client = Client::new("rzp_test_key", "secret")?;
//! let order = client
//!     .create_order()
//!     .body(types::CreateOrderRequest::builder().amount(50_000).currency("INR"))
//!     .send()
//!     .await?;
//! println!("{} for {} paise", order.id, order.amount);
//! # Ok(()) }
//! ```

mod notes;
pub mod signature;
pub mod webhook;

pub use notes::Notes;

/// The code generated from `openapi/razorpay.yaml` (see `build.rs`).
#[allow(clippy::all, clippy::pedantic, missing_docs)]
pub mod generated {
    include!(concat!(env!("OUT_DIR"), "/razorpay.rs"));
}

pub use generated::{builder, types};

/// The spec this module is generated from, `openapi/razorpay.yaml` with its fragments
/// (`openapi/razorpay/*.yaml`) bundled into one document, as JSON (the sandbox serves and validates
/// against it).
pub const SPEC: &str = include_str!(concat!(env!("OUT_DIR"), "/razorpay.json"));

use crate::core::error::{ApiError, ErrorBody};

crate::core::client::gateway!(
    /// Razorpay as a [`Gateway`](crate::Gateway): all from `openapi/razorpay.yaml` but the names of the
    /// key pair, which are the dashboard's.
    Razorpay,
    "razorpay",
    ("key_id", "key_secret")
);

/// A Razorpay client: every operation of `openapi/razorpay.yaml` is a method, e.g.
/// `client.fetch_payment().payment_id("pay_X").send()`. `Client::new(key_id, key_secret)`.
pub type Client = crate::Client<Razorpay>;

/// Razorpay's documented error body (`{"error": {...}}`): `{"error": {"code", "description",
/// "field", ...}}`.
impl ErrorBody for types::ErrorResponse {
    fn into_api_error(self) -> Option<ApiError> {
        let error = self.error;
        Some(ApiError::new(
            "Razorpay",
            Some(error.code.to_string()),
            error.description.clone(),
            error.field.clone(),
            error,
        ))
    }
}

impl crate::Error {
    /// Razorpay's error body, when Razorpay answered with its documented error.
    pub fn razorpay(&self) -> Option<&types::ErrorResponseError> {
        self.api()?.details()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Gateway;
    use crate::core::profile::Operation;
    use crate::core::validate::Invalid;

    /// Runs the pre-request check on a request built by hand, not by the generated builders.
    fn check_raw(
        operation_id: &str,
        method: reqwest::Method,
        url: &str,
        json: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Result<(), Invalid> {
        let url = format!("https://api.example/v1{url}");
        let mut request = reqwest::Request::new(method, url.parse().unwrap());
        if let Some(json) = json {
            *request.body_mut() = Some(json.to_owned().into());
        }
        for (name, value) in headers {
            request.headers_mut().insert(
                reqwest::header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        Razorpay::PROFILE.check(operation_id, &request)
    }

    /// The hook checks what the spec says even for a body the generated types did not build.
    #[test]
    fn spec_limits_apply_to_any_body() {
        let check = |op: &str, json: &str| {
            let (method, url) = match op {
                "create_order" => (reqwest::Method::POST, "/orders"),
                "update_order" => (reqwest::Method::PATCH, "/orders/order_1"),
                _ => (reqwest::Method::GET, "/orders/order_1"),
            };
            check_raw(op, method, url, Some(json), &[])
        };
        let err = check("create_order", r#"{"amount":100,"currency":"inr"}"#).unwrap_err();
        assert_eq!(
            (err.field.as_str(), err.value.as_str()),
            ("currency", "inr")
        );
        assert!(err.reason.contains("^[A-Z]{3}$"), "{}", err.reason);
        let err = check("create_order", r#"{"amount":"100","currency":"INR"}"#).unwrap_err();
        assert_eq!(err.field, "amount");
        // A null note is not a string: refused rather than sent as "null".
        let err = check("update_order", r#"{"notes":{"k":null}}"#).unwrap_err();
        assert_eq!(
            (err.field.as_str(), err.reason.as_str()),
            ("notes.k", "must be a string")
        );
        assert!(check("create_order", r#"{"amount":100,"currency":"INR"}"#).is_ok());
        // Limits belong to their operation: `fetch_order` has none.
        assert!(
            check(
                "fetch_order",
                &format!(r#"{{"receipt":"{}"}}"#, "r".repeat(41))
            )
            .is_ok()
        );
        let err = check_raw(
            "list_payments",
            reqwest::Method::GET,
            "/payments?count=abc",
            None,
            &[],
        )
        .unwrap_err();
        assert_eq!((err.field.as_str(), err.value.as_str()), ("count", "abc"));
    }

    /// The idempotency header's limits come from its parameter in the spec, and apply to a
    /// request whatever built it (the generated builder checks the same schema first).
    #[test]
    fn idempotency_key_limits_come_from_the_spec() {
        let refund = |key: &str| {
            check_raw(
                "refund_payment",
                reqwest::Method::POST,
                "/payments/pay_1/refund",
                Some("{}"),
                &[("x-refund-idempotency", key)],
            )
        };
        let err = refund("has space!").unwrap_err();
        assert_eq!(
            (err.field.as_str(), err.value.as_str()),
            ("X-Refund-Idempotency", "has space!")
        );
        assert!(err.reason.contains("^[A-Za-z0-9_-]+$"), "{}", err.reason);
        let err = refund("short_key").unwrap_err();
        assert_eq!(err.reason, "shorter than 10 characters");
        assert!(refund("order42-refund_1").is_ok());
    }

    /// Exactly the operations Razorpay documents an idempotency header for carry one
    /// (`x-idempotency-key: true`): both ways of creating a refund, and creating a transfer.
    #[test]
    fn refunds_and_transfers_take_an_idempotency_key() {
        let mut keys: Vec<_> = generated::OPERATIONS
            .iter()
            .filter_map(|operation| Some((operation.id, operation.idempotency_header?)))
            .collect();
        keys.sort();
        let mut expected = vec![
            ("refund_payment", "X-Refund-Idempotency"),
            ("create_refund", "X-Refund-Idempotency"),
            ("create_transfer", "X-Transfer-Idempotency"),
        ];
        expected.retain(|(id, _)| generated::OPERATIONS.iter().any(|o| o.id == *id));
        expected.sort();
        assert_eq!(keys, expected);
        assert!(keys.iter().any(|(id, _)| *id == "refund_payment"));
    }

    /// Operation `operation`'s request limits in a spec, read at run time by paygate-spec, the
    /// reader the generator uses.
    fn limits_of(spec: &str, operation: &str) -> &'static [crate::core::validate::FieldLimits] {
        use crate::core::validate::{DecimalLimits, FieldLimits};
        fn leak(text: String) -> &'static str {
            Box::leak(text.into_boxed_str())
        }
        let doc = paygate_spec::Document::from_yaml("razorpay.yaml", spec).expect("the spec reads");
        let rows = paygate_spec::request_limits(&doc);
        let table: Vec<FieldLimits> = rows
            .into_iter()
            .filter(|row| row.operation == operation)
            .map(|row| {
                let limits = row.limits;
                FieldLimits {
                    location: row.location,
                    field: leak(row.field),
                    minimum: limits.minimum,
                    maximum: limits.maximum,
                    decimal: limits.decimal.map(|d| DecimalLimits {
                        minimum: d.minimum.map(leak),
                        exclusive_minimum: d.exclusive_minimum,
                        maximum: d.maximum.map(leak),
                        exclusive_maximum: d.exclusive_maximum,
                        multiple_of: d.multiple_of.map(leak),
                    }),
                    min_length: limits.min_length,
                    max_length: limits.max_length,
                    pattern: limits.pattern.map(leak),
                    max_properties: limits.max_properties,
                    key_max_length: limits.key_max_length,
                    value_max_length: limits.value_max_length,
                }
            })
            .collect();
        table.leak()
    }

    /// The pre-request check is a function of the spec alone: the compiled table is exactly
    /// what the generator reads from `openapi/razorpay.yaml`, and a copy of the spec with other
    /// limits makes the same checker refuse what the shipped spec allows.
    #[test]
    fn the_check_follows_an_edited_spec() {
        let operations = Razorpay::PROFILE.operations;
        for operation in operations {
            assert_eq!(
                format!("{:?}", operation.limits),
                format!("{:?}", limits_of(SPEC, operation.id)),
                "{}",
                operation.id
            );
        }
        let rows = paygate_spec::request_limits(
            &paygate_spec::Document::from_yaml("razorpay.yaml", SPEC).unwrap(),
        );
        assert_eq!(generated::REQUEST_LIMITS.len(), rows.len());
        assert!(
            rows.iter()
                .all(|row| operations.iter().any(|o| o.id == row.operation))
        );

        let mut spec: serde_yaml_ng::Value = serde_yaml_ng::from_str(SPEC).unwrap();
        let properties = &mut spec["components"]["schemas"]["CreateOrderRequest"]["properties"];
        properties["amount"]["minimum"] = 500.into();
        properties["receipt"]["maxLength"] = 12.into();
        let shipped = Razorpay::PROFILE.operation("create_order").unwrap();
        let edited = Operation {
            limits: limits_of(&serde_yaml_ng::to_string(&spec).unwrap(), "create_order"),
            ..shipped.clone()
        };
        let create_order = |operation: &Operation, json: &str| {
            let url = "https://api.example/v1/orders".parse().unwrap();
            let mut request = reqwest::Request::new(reqwest::Method::POST, url);
            *request.body_mut() = Some(json.to_owned().into());
            operation.check(&request)
        };
        let small = r#"{"amount":300,"currency":"INR"}"#;
        assert!(create_order(shipped, small).is_ok());
        let err = create_order(&edited, small).unwrap_err();
        assert_eq!((err.field.as_str(), err.value.as_str()), ("amount", "300"));
        assert_eq!(err.reason, "must be at least 500");

        let receipt = r#"{"amount":600,"currency":"INR","receipt":"receipt-000042"}"#;
        assert!(create_order(shipped, receipt).is_ok());
        let err = create_order(&edited, receipt).unwrap_err();
        assert_eq!(
            (err.field.as_str(), err.value.as_str()),
            ("receipt", "receipt-000042")
        );
        assert_eq!(err.reason, "longer than 12 characters");
    }
}
