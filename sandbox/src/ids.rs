//! Entity ids shaped like the real services': Razorpay's `order_` + 14 base62 characters,
//! Ippopay's `order_G@nzg3qBq` (from its documentation's examples).

fn base62(len: usize) -> String {
    std::iter::repeat_with(fastrand::alphanumeric)
        .take(len)
        .collect()
}

/// A Razorpay id: `prefix_` and 14 base62 characters (`order_6JUYuvmgCLfgjY`).
pub(crate) fn razorpay(prefix: &str) -> String {
    format!("{prefix}_{}", base62(14))
}

/// An Ippopay order id: one character, `@`, seven more (`order_G@nzg3qBq`).
pub(crate) fn ippopay_order() -> String {
    format!("order_{}@{}", base62(1), base62(7))
}

/// An Ippopay transaction id (`trans_t2Jca2dVIF`).
pub(crate) fn ippopay_transaction() -> String {
    format!("trans_{}", base62(10))
}
