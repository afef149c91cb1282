//! Refusing a negative amount in a Razorpay response.
//!
//! The response schemas stay tolerant (openapi/README.md: no `minimum` on responses, so the
//! generated types keep `i64`), yet a negative amount of paise is never a real payment, order,
//! refund or settlement: passed on, it would turn a refund into a charge in the caller's books.
//! So the hand-written layer looks at every successful body once it is buffered and, when an
//! amount is negative, fails the call with [`crate::Error::Decode`] naming the field's path and
//! value: an error the caller already handles, rather than an accessor they may forget to use.

use serde::de::Error as _;
use serde_json::Value;

/// Fields holding paise in Razorpay's entities (`openapi/razorpay.yaml`: `Order`, `Payment`,
/// `Refund`, `Settlement`).
const MONEY_FIELDS: &[&str] = &[
    "amount",
    "amount_paid",
    "amount_due",
    "amount_refunded",
    "fee",
    "fees",
    "tax",
];
/// Free-form objects whose contents are the merchant's or the bank's, not amounts.
const FREE_FORM: &[&str] = &["notes", "acquirer_data", "metadata"];

/// The path and value of the first negative amount in `body`, if any.
pub(crate) fn negative_amount(body: &Value) -> Option<(String, i64)> {
    fn walk(value: &Value, path: &mut String) -> Option<(String, i64)> {
        match value {
            Value::Object(map) => map.iter().find_map(|(key, item)| {
                if FREE_FORM.contains(&key.as_str()) {
                    return None;
                }
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                let found = match item.as_i64() {
                    Some(n) if n < 0 && MONEY_FIELDS.contains(&key.as_str()) => {
                        Some((path.clone(), n))
                    }
                    _ => walk(item, path),
                };
                path.truncate(len);
                found
            }),
            Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                let found = walk(item, path);
                path.truncate(len);
                found
            }),
            _ => None,
        }
    }
    walk(body, &mut String::new())
}

/// The error for a negative amount, shaped like a decoding error of the body.
pub(crate) fn negative_amount_error(path: &str, value: i64) -> serde_json::Error {
    serde_json::Error::custom(format!(
        "`{path}` is {value}: a negative amount of paise, which no Razorpay entity has"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_the_first_negative_amount_with_its_path() {
        let page = json!({"entity": "collection", "count": 2, "items": [
            {"id": "pay_1", "amount": 100, "fee": 2, "notes": {"amount": -1}},
            {"id": "pay_2", "amount": 100, "fee": -2},
        ]});
        assert_eq!(negative_amount(&page), Some(("items[1].fee".into(), -2)));
        let order = json!({"id": "order_1", "amount": 100, "amount_due": 0, "created_at": 1});
        assert_eq!(negative_amount(&order), None);
        let event = json!({"payload": {"refund": {"entity": {"amount": -100}}}});
        assert_eq!(
            negative_amount(&event),
            Some(("payload.refund.entity.amount".into(), -100))
        );
    }
}
