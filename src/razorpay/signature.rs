//! Verifying Razorpay's signatures: Checkout payments, subscriptions, payment links and
//! webhooks. Each is a lower-case hex HMAC-SHA256; every comparison runs in constant time
//! (`hmac`'s `verify_slice`), and a malformed signature is an error, never a panic.
//!
//! An empty secret is refused (anyone can compute an HMAC with an empty key: an environment
//! variable that is set but empty must not turn verification off), and so is an id that is
//! empty or contains the `|` separator (`a|b` + `c` and `a` + `b|c` make the same message, so
//! a signature for one pair would verify the other).
//!
//! | what | key | message |
//! | --- | --- | --- |
//! | Checkout payment | key secret | `order_id + "|" + payment_id` |
//! | subscription | key secret | `payment_id + "|" + subscription_id` |
//! | payment link | key secret | `plink_id|reference_id|status|payment_id` |
//! | webhook | webhook secret | the raw request body bytes |

use std::fmt;

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Length of a hex SHA-256 signature.
const SIGNATURE_HEX_LEN: usize = 64;

/// Why a signature was not accepted. Never contains a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureError {
    /// The signature is empty, not 64 characters, or not hexadecimal.
    Malformed(&'static str),
    /// Well-formed, but not the signature of this message with this secret.
    Mismatch,
    /// The secret is empty: nothing can be verified with it (check your configuration).
    EmptySecret,
    /// The named id is empty or contains `|`, so the signed message would be ambiguous.
    InvalidId(&'static str),
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed(why) => write!(f, "malformed signature: {why}"),
            Self::Mismatch => f.write_str("signature does not match"),
            Self::EmptySecret => f.write_str("the secret is empty; refusing to verify"),
            Self::InvalidId(name) => write!(f, "`{name}` is empty or contains `|`"),
        }
    }
}

impl std::error::Error for SignatureError {}

/// Why a webhook was not accepted.
#[derive(Debug)]
pub enum WebhookError {
    /// The `X-Razorpay-Signature` header does not verify: do not trust the body.
    Signature(SignatureError),
    /// The signature verified but the body is not the expected JSON.
    Parse(serde_json::Error),
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Signature(e) => write!(f, "webhook rejected: {e}"),
            Self::Parse(e) => write!(f, "webhook signature valid but body does not parse: {e}"),
        }
    }
}

impl std::error::Error for WebhookError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Signature(e) => Some(e),
            Self::Parse(e) => Some(e),
        }
    }
}

/// Lower-case hex HMAC-SHA256 of `message` keyed with `secret`: what Razorpay sends.
pub fn sign(secret: &str, message: &[u8]) -> String {
    hex::encode(mac(secret, message).finalize().into_bytes())
}

/// Verifies Checkout's `razorpay_signature` for a payment on an order.
///
/// Use the order id from *your own* store (the one you created the order with), not one sent
/// back by the browser: otherwise a valid signature of a different, cheaper order passes.
pub fn verify_payment_signature(
    key_secret: &str,
    order_id: &str,
    payment_id: &str,
    signature: &str,
) -> Result<(), SignatureError> {
    id("order_id", order_id)?;
    id("payment_id", payment_id)?;
    verify(
        key_secret,
        format!("{order_id}|{payment_id}").as_bytes(),
        signature,
    )
}

/// Verifies the signature Checkout returns for a subscription's payment.
pub fn verify_subscription_signature(
    key_secret: &str,
    payment_id: &str,
    subscription_id: &str,
    signature: &str,
) -> Result<(), SignatureError> {
    id("payment_id", payment_id)?;
    id("subscription_id", subscription_id)?;
    verify(
        key_secret,
        format!("{payment_id}|{subscription_id}").as_bytes(),
        signature,
    )
}

/// Verifies the signature on a payment link's callback.
///
/// `reference_id` may be empty (it is optional when the link is created, and the callback then
/// carries it empty) but never contains `|`; every other part must be non-empty.
pub fn verify_payment_link_signature(
    key_secret: &str,
    payment_link_id: &str,
    reference_id: &str,
    status: &str,
    payment_id: &str,
    signature: &str,
) -> Result<(), SignatureError> {
    id("payment_link_id", payment_link_id)?;
    if reference_id.contains('|') {
        return Err(SignatureError::InvalidId("reference_id"));
    }
    id("status", status)?;
    id("payment_id", payment_id)?;
    let message = format!("{payment_link_id}|{reference_id}|{status}|{payment_id}");
    verify(key_secret, message.as_bytes(), signature)
}

/// Verifies a webhook's `X-Razorpay-Signature` over the request body *exactly as received*.
///
/// Pass the raw bytes, never a parsed and re-serialized value: re-serializing changes
/// whitespace, key order or number formatting and the HMAC no longer matches (the most common
/// webhook bug in payment SDKs). Surrounding ASCII whitespace in the header value is ignored.
pub fn verify_webhook_signature(
    webhook_secret: &str,
    raw_body: &[u8],
    signature_header: &str,
) -> Result<(), SignatureError> {
    verify(webhook_secret, raw_body, signature_header.trim_ascii())
}

/// Verifies a webhook, then parses its body: the body is never parsed before it is trusted.
/// `T` is usually [`super::types::WebhookEvent`]. A negative amount anywhere in the event's
/// entities is a [`WebhookError::Parse`] naming the field.
pub fn verify_and_parse_webhook<T: serde::de::DeserializeOwned + crate::core::inspect::Inspect>(
    webhook_secret: &str,
    raw_body: &[u8],
    signature_header: &str,
) -> Result<T, WebhookError> {
    verify_webhook_signature(webhook_secret, raw_body, signature_header)
        .map_err(WebhookError::Signature)?;
    let event: T = serde_json::from_slice(raw_body).map_err(WebhookError::Parse)?;
    // A negative amount is refused as in API responses: the spec's `minimum` (see
    // `crate::core::inspect`).
    if let Some((path, amount)) = event.below_minimum(&mut String::new()) {
        return Err(WebhookError::Parse(
            crate::core::inspect::below_minimum_error(&path, amount),
        ));
    }
    Ok(event)
}

fn mac(secret: &str, message: &[u8]) -> HmacSha256 {
    let mut mac =
        HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(message);
    mac
}

/// An id that can be one part of a `|`-separated message.
fn id(name: &'static str, value: &str) -> Result<(), SignatureError> {
    if value.is_empty() || value.contains('|') {
        return Err(SignatureError::InvalidId(name));
    }
    Ok(())
}

fn verify(secret: &str, message: &[u8], signature: &str) -> Result<(), SignatureError> {
    if secret.is_empty() {
        return Err(SignatureError::EmptySecret);
    }
    if signature.is_empty() {
        return Err(SignatureError::Malformed("empty"));
    }
    if signature.len() != SIGNATURE_HEX_LEN {
        return Err(SignatureError::Malformed("not 64 hexadecimal characters"));
    }
    let expected =
        hex::decode(signature).map_err(|_| SignatureError::Malformed("not hexadecimal"))?;
    mac(secret, message)
        .verify_slice(&expected)
        .map_err(|_| SignatureError::Mismatch)
}
