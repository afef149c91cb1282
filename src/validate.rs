//! Client-side checks run by the pre-request hook: input the gateway would refuse (or, worse,
//! misread) never reaches the wire, and the error names the field and the value.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::ippopay::Rupees;
use crate::transport::Gateway;

/// Razorpay's documented limits.
const MAX_RECEIPT_CHARS: usize = 40;
const MAX_NOTES: usize = 15;
const MAX_NOTE_CHARS: usize = 256;
const MIN_AMOUNT_PAISE: i64 = 100;
const COUNT_RANGE: std::ops::RangeInclusive<i64> = 1..=100;
/// Ippopay takes rupees with at most two decimals (paise).
const MAX_RUPEE_DECIMALS: u32 = 2;

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
        Gateway::Ippopay => ippopay(&body),
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
    for (key, value) in url.query_pairs() {
        if key == "count" {
            match value.parse::<i64>() {
                Ok(count) if COUNT_RANGE.contains(&count) => {}
                _ => return Err(Invalid::new("count", value, "must be between 1 and 100")),
            }
        }
    }
    if let Some(receipt) = body
        .get("receipt")
        .and_then(|r| serde_json::from_str::<String>(r.get()).ok())
        && receipt.chars().count() > MAX_RECEIPT_CHARS
    {
        return Err(Invalid::new(
            "receipt",
            receipt,
            "longer than 40 characters",
        ));
    }
    if let Some(notes) = body
        .get("notes")
        .and_then(|n| serde_json::from_str::<BTreeMap<String, serde_json::Value>>(n.get()).ok())
    {
        if notes.len() > MAX_NOTES {
            return Err(Invalid::new(
                "notes",
                format!("{} keys", notes.len()),
                "at most 15 keys",
            ));
        }
        for (key, value) in &notes {
            let text = value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_owned);
            if text.chars().count() > MAX_NOTE_CHARS {
                return Err(Invalid::new(
                    &format!("notes.{key}"),
                    text,
                    "longer than 256 characters",
                ));
            }
        }
    }
    let takes_min_amount = matches!(
        operation_id,
        "create_order" | "capture_payment" | "refund_payment"
    );
    if let Some(amount) = body.get("amount").filter(|_| takes_min_amount) {
        match amount.get().parse::<i64>() {
            Ok(paise) if paise >= MIN_AMOUNT_PAISE => {}
            _ => {
                return Err(Invalid::new(
                    "amount",
                    amount.get(),
                    "must be an integer number of paise, at least 100 (₹1)",
                ));
            }
        }
    }
    Ok(())
}

fn ippopay(body: &BTreeMap<String, Box<RawValue>>) -> Result<(), Invalid> {
    for field in ["amount", "refund_amt"] {
        let Some(raw) = body.get(field) else { continue };
        let amount: Rupees = serde_json::from_str(raw.get())
            .map_err(|_| Invalid::new(field, raw.get(), "not a decimal number of rupees"))?;
        if amount.as_decimal() <= rust_decimal::Decimal::ZERO {
            return Err(Invalid::new(field, amount, "must be more than zero rupees"));
        }
        if amount.as_decimal().normalize().scale() > MAX_RUPEE_DECIMALS {
            return Err(Invalid::new(
                field,
                amount,
                "at most 2 decimal places (whole paise)",
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
}
