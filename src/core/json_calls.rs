//! Operations called by name with JSON arguments (feature `json-operations`): the generated
//! `Client::call_json` (`codegen/src/json_calls.rs`) reads each argument into the type the
//! operation's builder takes, sends it as the typed builder would, and gives the answer back as
//! JSON. Tests drive every operation of a spec through it; tools can call any operation whose
//! name they read at run time.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::Error;
use crate::core::response::Response;

/// Named arguments of an operation: each parameter by the name the spec gives it (`payment_id`,
/// `expand[]`, `X-Refund-Idempotency`) and the request body as `body`.
pub type JsonArguments = serde_json::Map<String, Value>;

/// The argument `name`, read as the type the builder takes; a value of the wrong shape is
/// refused like any argument, naming it.
pub(crate) fn argument<T: DeserializeOwned>(name: &str, value: &Value) -> Result<T, Error> {
    serde_json::from_value(value.clone()).map_err(|e| Error::InvalidRequest {
        field: name.to_owned(),
        // A string as it is, like every other refused value; anything else as JSON.
        value: value
            .as_str()
            .map_or_else(|| value.to_string(), str::to_owned),
        reason: format!("does not have the type the operation takes: {e}"),
    })
}

/// A typed answer as JSON, with its status and headers.
pub(crate) fn answer<T: Serialize>(
    result: Result<Response<T>, Error>,
) -> Result<Response<Value>, Error> {
    let response = result?;
    response.try_map(|inner| {
        serde_json::to_value(inner).map_err(|e| Error::Decode {
            status: None,
            body: bytes::Bytes::new(),
            source: e,
        })
    })
}

/// An operation the spec does not have.
pub(crate) fn unknown(operation: &str) -> Error {
    Error::InvalidRequest {
        field: "operation".to_owned(),
        value: operation.to_owned(),
        reason: "is no operationId of this client's spec (or its resource group's feature is off)"
            .to_owned(),
    }
}
