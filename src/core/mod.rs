//! The shared core: what every gateway's client is made of. Nothing here names a gateway;
//! each gateway module (`crate::razorpay`, `crate::ippopay`) implements [`Gateway`] with what
//! its spec generates, and the core does the rest.

pub(crate) mod client;
pub(crate) mod error;
pub mod inspect;
pub mod transport;
pub(crate) mod validate;
