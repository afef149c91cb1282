//! Reading JSON request bodies into paygate's generated request types, naming the field at
//! fault when one is refused.

use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Why a body was refused: the field (dotted path) when there is one, and a message.
#[derive(Debug, Clone)]
pub(crate) struct BodyError {
    pub(crate) field: Option<String>,
    pub(crate) missing: bool,
    pub(crate) detail: String,
}

/// Parses `body` (empty reads as `{}`) into `T`, also returning it as JSON for extra checks.
pub(crate) fn parse<T: DeserializeOwned>(body: &Bytes) -> Result<(T, Value), BodyError> {
    let raw: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    };
    let value: Value = serde_json::from_slice(raw).map_err(|e| BodyError {
        field: None,
        missing: false,
        detail: format!("The request body is not valid JSON: {e}"),
    })?;
    if !value.is_object() {
        return Err(BodyError {
            field: None,
            missing: false,
            detail: "The request body must be a JSON object".into(),
        });
    }
    // Typed values are read from the bytes, not from `value`: a `Value` holds numbers as
    // floats, which would turn rupees `499.50` into `499.5`.
    let mut deserializer = serde_json::Deserializer::from_slice(raw);
    let typed = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let inner = e.inner().to_string();
        let path = e.path().to_string();
        let parent = (path != ".").then_some(path);
        match missing_field(&inner) {
            Some(name) => BodyError {
                field: Some(match parent {
                    Some(p) => format!("{p}.{name}"),
                    None => name.to_owned(),
                }),
                missing: true,
                detail: inner.clone(),
            },
            None => BodyError {
                field: parent,
                missing: false,
                detail: inner,
            },
        }
    })?;
    Ok((typed, value))
}

/// The name in serde's "missing field `name`".
fn missing_field(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.split('`').next()
}
