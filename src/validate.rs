//! Client-side checks run by the pre-request hook: input the gateway would refuse (or, worse,
//! misread) never reaches the wire, and the error names the field and the value.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::ippopay::Rupees;
use crate::transport::Gateway;

/// The limits the spec puts on one request field; the code generator emits them for every
/// operation as `REQUEST_LIMITS` (see `codegen`), so the spec is the only place they are written.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FieldLimits {
    /// `operationId` of the operation the field belongs to.
    pub operation: &'static str,
    /// `"body"` (a top-level property of the JSON body) or `"query"`.
    pub location: &'static str,
    pub field: &'static str,
    /// Integers: inclusive bounds.
    pub minimum: Option<i64>,
    pub maximum: Option<i64>,
    /// Strings: length in characters (JSON Schema's `maxLength`) and an ECMA-262 pattern.
    pub max_length: Option<usize>,
    pub pattern: Option<&'static str>,
    /// Objects (notes): number of keys, and length in characters of each key and each value.
    pub max_properties: Option<usize>,
    pub key_max_length: Option<usize>,
    pub value_max_length: Option<usize>,
}

/// Marks a progenitor `Error::Custom` message as one of ours.
const PREFIX: &str = "paygate-invalid:";

/// A refused argument.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub(crate) struct Invalid {
    pub field: String,
    pub value: String,
    pub reason: String,
}

impl Invalid {
    fn new(field: &str, value: impl ToString, reason: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            value: value.to_string(),
            reason: reason.into(),
        }
    }

    /// Carries the refusal through progenitor, which only lets a hook return text.
    pub(crate) fn into_progenitor<E>(self) -> progenitor_client::Error<E> {
        progenitor_client::Error::Custom(self.into_message())
    }

    /// The text form read back by [`Self::from_message`].
    fn into_message(self) -> String {
        let json = serde_json::to_string(&self).unwrap_or_default();
        format!("{PREFIX}{json}")
    }

    /// The refusal carried by [`Self::into_progenitor`], if `message` is one.
    pub(crate) fn from_message(message: &str) -> Option<Self> {
        serde_json::from_str(message.strip_prefix(PREFIX)?).ok()
    }
}

/// Checks `request` for operation `operation_id` of `gateway`; `paths` maps operation ids to
/// path templates (the generated `OPERATION_PATHS`).
pub(crate) fn check(
    gateway: Gateway,
    operation_id: &str,
    paths: &[(&str, &str)],
    request: &reqwest::Request,
) -> Result<(), Invalid> {
    if let Some((_, template)) = paths.iter().find(|(id, _)| *id == operation_id) {
        check_path(template, request.url().path())?;
    }
    let body: BTreeMap<String, Box<RawValue>> = match request.body().and_then(|b| b.as_bytes()) {
        Some(bytes) => serde_json::from_slice(bytes).unwrap_or_default(),
        None => BTreeMap::new(),
    };
    match gateway {
        Gateway::Razorpay => {
            idempotency_key(request)?;
            razorpay(operation_id, request.url(), &body)
        }
        Gateway::Ippopay => ippopay(operation_id, request.url(), &body),
    }
}

/// Why a path parameter value is refused: each would address a different resource.
const BAD_PATH_PARAMETER: &str =
    "must not be blank, `.` or `..`: it would change which endpoint is called";

fn is_bad_path_parameter(value: &str) -> bool {
    value.trim().is_empty() || value == "." || value == ".."
}

/// Called by every generated operation right after it takes a path parameter, before the URL
/// is built (the URL parser resolves `.` and `..` segments, after which the value is lost).
/// The error text is what progenitor's `Error::InvalidRequest` carries to [`crate::Error`].
pub(crate) fn path_parameter(name: &str, value: &str) -> Result<(), String> {
    if is_bad_path_parameter(value) {
        return Err(Invalid::new(name, value, BAD_PATH_PARAMETER).into_message());
    }
    Ok(())
}

/// Second line of defence behind [`path_parameter`]: the request path must still end in the
/// operation's template, literal segments as written and no parameter segment blank.
fn check_path(template: &str, path: &str) -> Result<(), Invalid> {
    let template: Vec<&str> = template.trim_start_matches('/').split('/').collect();
    let segments: Vec<&str> = path.split('/').collect();
    let tail = &segments[segments.len().saturating_sub(template.len())..];
    if tail.len() < template.len() {
        return Err(Invalid::new(
            "path",
            path,
            "shorter than the operation's path",
        ));
    }
    for (part, actual) in template.iter().zip(tail) {
        match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
            Some(name) => {
                let value = percent_encoding::percent_decode_str(actual).decode_utf8_lossy();
                if is_bad_path_parameter(&value) {
                    return Err(Invalid::new(name, value, BAD_PATH_PARAMETER));
                }
            }
            None if part != actual => {
                return Err(Invalid::new(
                    "path",
                    path,
                    format!(
                        "does not end in the operation's path /{}",
                        template.join("/")
                    ),
                ));
            }
            None => {}
        }
    }
    Ok(())
}

/// Razorpay's idempotency keys: at least 10 of `[A-Za-z0-9_-]`.
fn idempotency_key(request: &reqwest::Request) -> Result<(), Invalid> {
    let Some(header) = Gateway::Razorpay.idempotency_header() else {
        return Ok(());
    };
    let Some(value) = request.headers().get(header) else {
        return Ok(());
    };
    let text = String::from_utf8_lossy(value.as_bytes());
    let allowed = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    if text.chars().count() < 10 || !text.chars().all(allowed) {
        return Err(Invalid::new(
            "X-Refund-Idempotency",
            text,
            "at least 10 characters of A-Z, a-z, 0-9, _ and -",
        ));
    }
    Ok(())
}

fn razorpay(
    operation_id: &str,
    url: &reqwest::Url,
    body: &BTreeMap<String, Box<RawValue>>,
) -> Result<(), Invalid> {
    spec_limits(
        crate::razorpay::generated::REQUEST_LIMITS,
        operation_id,
        url,
        body,
    )
}

fn ippopay(
    operation_id: &str,
    url: &reqwest::Url,
    body: &BTreeMap<String, Box<RawValue>>,
) -> Result<(), Invalid> {
    spec_limits(
        crate::ippopay::generated::REQUEST_LIMITS,
        operation_id,
        url,
        body,
    )?;
    // The amount fields are `allOf: [Rupees]`, which cannot carry limits without changing the
    // generated type; their rule (more than zero, whole paise) is stated in their description.
    for field in ["amount", "refund_amt"] {
        let Some(raw) = body.get(field) else { continue };
        let text = serde_json::from_str::<String>(raw.get()).unwrap_or_else(|_| raw.get().into());
        let amount: Rupees = text
            .parse()
            .map_err(|_| Invalid::new(field, raw.get(), "not a decimal number of rupees"))?;
        if amount.as_decimal() <= rust_decimal::Decimal::ZERO {
            return Err(Invalid::new(field, amount, "must be more than zero rupees"));
        }
        if !amount.is_whole_paise() {
            return Err(Invalid::new(
                field,
                amount,
                "at most 2 decimal places (whole paise)",
            ));
        }
    }
    Ok(())
}

/// Checks the query and the body of a request against the limits the spec states for
/// `operation_id`.
fn spec_limits(
    table: &[FieldLimits],
    operation_id: &str,
    url: &reqwest::Url,
    body: &BTreeMap<String, Box<RawValue>>,
) -> Result<(), Invalid> {
    for limits in table.iter().filter(|l| l.operation == operation_id) {
        match limits.location {
            "query" => {
                for (key, value) in url.query_pairs() {
                    if key == limits.field {
                        let value = serde_json::Value::String(value.into_owned());
                        // Query values are text; an integer parameter is parsed first.
                        let value = if limits.minimum.is_some() || limits.maximum.is_some() {
                            let text = value.as_str().unwrap_or_default();
                            text.parse::<i64>()
                                .map(serde_json::Value::from)
                                .map_err(|_| {
                                    Invalid::new(limits.field, text, "must be an integer")
                                })?
                        } else {
                            value
                        };
                        check_value(limits, &value)?;
                    }
                }
            }
            _ => {
                if let Some(raw) = body.get(limits.field) {
                    let value: serde_json::Value = serde_json::from_str(raw.get())
                        .map_err(|_| Invalid::new(limits.field, raw.get(), "not JSON"))?;
                    check_value(limits, &value)?;
                }
            }
        }
    }
    Ok(())
}

fn check_value(limits: &FieldLimits, value: &serde_json::Value) -> Result<(), Invalid> {
    use serde_json::Value;
    let field = limits.field;
    if value.is_null() {
        return Ok(());
    }
    if limits.minimum.is_some() || limits.maximum.is_some() {
        let Some(number) = value.as_i64() else {
            return Err(Invalid::new(field, value, "must be an integer"));
        };
        if let Some(minimum) = limits.minimum
            && number < minimum
        {
            return Err(Invalid::new(
                field,
                number,
                format!("must be at least {minimum}"),
            ));
        }
        if let Some(maximum) = limits.maximum
            && number > maximum
        {
            return Err(Invalid::new(
                field,
                number,
                format!("must be at most {maximum}"),
            ));
        }
    }
    if let Value::String(text) = value {
        check_text(field, text, limits.max_length, limits.pattern, "")?;
    }
    if let Value::Object(map) = value {
        if let Some(max) = limits.max_properties
            && map.len() > max
        {
            return Err(Invalid::new(
                field,
                format!("{} keys", map.len()),
                format!("at most {max} keys"),
            ));
        }
        for (key, item) in map {
            check_text(field, key, limits.key_max_length, None, "a key ")?;
            if limits.value_max_length.is_some() {
                let Value::String(text) = item else {
                    return Err(Invalid::new(
                        &format!("{field}.{key}"),
                        item,
                        "must be a string",
                    ));
                };
                check_text(
                    &format!("{field}.{key}"),
                    text,
                    limits.value_max_length,
                    None,
                    "",
                )?;
            }
        }
    }
    Ok(())
}

/// Lengths count characters (Unicode scalar values), as JSON Schema's `maxLength` does and as
/// Razorpay's documentation states its limits ("256 characters").
fn check_text(
    field: &str,
    text: &str,
    max_length: Option<usize>,
    pattern: Option<&str>,
    what: &str,
) -> Result<(), Invalid> {
    if let Some(max) = max_length
        && text.chars().count() > max
    {
        return Err(Invalid::new(
            field,
            text,
            format!("{what}longer than {max} characters"),
        ));
    }
    if let Some(pattern) = pattern {
        // Patterns are tiny and a request is a network round trip: compiling per check is
        // cheap. A pattern that does not compile is refused rather than skipped.
        let matches = regress::Regex::new(pattern)
            .map(|re| re.find(text).is_some())
            .unwrap_or(false);
        if !matches {
            return Err(Invalid::new(
                field,
                text,
                format!("{what}must match {pattern}"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_path_parameter_is_named() {
        let err = check_path(
            "/payments/{payment_id}/refunds/{refund_id}",
            "/v1/payments/pay_1/refunds/",
        )
        .unwrap_err();
        assert_eq!(err.field, "refund_id");
        let err =
            check_path("/payments/{payment_id}/capture", "/v1/payments//capture").unwrap_err();
        assert_eq!(err.field, "payment_id");
        assert!(check_path("/orders/{order_id}", "/v1/orders/order_1").is_ok());
        let err = check_path("/orders/{order_id}", "/v1/orders/%20").unwrap_err();
        assert_eq!((err.field.as_str(), err.value.as_str()), ("order_id", " "));
    }

    #[test]
    fn a_path_that_lost_its_template_is_refused() {
        let err = check_path("/orders/{order_id}/payments", "/v1/payments").unwrap_err();
        assert_eq!(err.field, "path");
        let err = check_path("/payments/{payment_id}/capture", "/capture").unwrap_err();
        assert_eq!(err.field, "path");
        assert!(check_path("/payments/{payment_id}/capture", "/v1/payments/p.1/capture").is_ok());
    }

    #[test]
    fn dot_segments_and_blanks_are_refused_with_their_value() {
        for bad in [".", "..", "", " ", "\t"] {
            let message = path_parameter("payment_id", bad).unwrap_err();
            let invalid = Invalid::from_message(&message).unwrap();
            assert_eq!(
                (invalid.field.as_str(), invalid.value.as_str()),
                ("payment_id", bad)
            );
        }
        for good in ["pay_1", "...", ".a", "a..b", "order_G@nzg3qBq"] {
            assert!(path_parameter("payment_id", good).is_ok(), "{good}");
        }
    }

    #[test]
    fn refusal_survives_the_trip_through_progenitor() {
        let invalid = Invalid::new("count", 0, "must be between 1 and 100");
        let progenitor_client::Error::<()>::Custom(message) =
            Invalid::new("count", 0, "must be between 1 and 100").into_progenitor()
        else {
            panic!("not a custom error")
        };
        assert_eq!(Invalid::from_message(&message), Some(invalid));
        assert_eq!(Invalid::from_message("some other hook's message"), None);
    }

    fn body(json: &str) -> BTreeMap<String, Box<RawValue>> {
        serde_json::from_str(json).unwrap()
    }

    /// The hook checks what the spec says even for a body the generated types did not build.
    #[test]
    fn spec_limits_apply_to_any_body() {
        let table = crate::razorpay::generated::REQUEST_LIMITS;
        let url = reqwest::Url::parse("https://api.example/v1/orders").unwrap();
        let check = |op: &str, json: &str| spec_limits(table, op, &url, &body(json));
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
        let url = reqwest::Url::parse("https://api.example/v1/payments?count=abc").unwrap();
        let err = spec_limits(table, "list_payments", &url, &BTreeMap::new()).unwrap_err();
        assert_eq!((err.field.as_str(), err.value.as_str()), ("count", "abc"));
    }
}
