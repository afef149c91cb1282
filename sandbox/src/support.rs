//! Small helpers the sandbox's modules share, written once.

use std::sync::{Mutex, MutexGuard};

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Locks a mutex; a panic while it was held cannot leave half-done state behind (every
/// operation validates before it mutates), so a poisoned lock is still usable.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Lower-case hex HMAC-SHA256 of `message` keyed with `key`: Razorpay's webhook and Checkout
/// signatures.
pub(crate) fn hmac_sha256_hex(key: &str, message: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes())
        .expect("HMAC-SHA256 takes keys of any length");
    mac.update(message);
    hex::encode(mac.finalize().into_bytes())
}
