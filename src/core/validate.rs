//! Client-side checks run by the pre-request hook: input the gateway would refuse (or, worse,
//! misread) never reaches the wire, and the error names the field and the value.

use std::collections::BTreeMap;

use reqwest::header::HeaderName;
use rust_decimal::Decimal;
use serde_json::value::RawValue;

/// The limits the spec puts on one request field; the code generator emits them for every
/// operation as `REQUEST_LIMITS` (see `codegen`), so the spec is the only place they are written.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FieldLimits {
    /// `operationId` of the operation the field belongs to.
    pub operation: &'static str,
    /// `"body"` (a top-level property of the JSON body), `"query"` or `"header"`.
    pub location: &'static str,
    pub field: &'static str,
    /// Integers: inclusive bounds.
    pub minimum: Option<i64>,
    pub maximum: Option<i64>,
    /// Numbers (`type: number`): bounds and step, compared as exact decimals.
    pub decimal: Option<DecimalLimits>,
    /// Strings: length in characters (JSON Schema's `minLength`, `maxLength`) and an ECMA-262
    /// pattern.
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub pattern: Option<&'static str>,
    /// Objects (notes): number of keys, and length in characters of each key and each value.
    pub max_properties: Option<usize>,
    pub key_max_length: Option<usize>,
    pub value_max_length: Option<usize>,
}

/// The limits the spec puts on a number, as decimal text (`"0"`, `"0.01"`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct DecimalLimits {
    pub minimum: Option<&'static str>,
    pub exclusive_minimum: bool,
    pub maximum: Option<&'static str>,
    pub exclusive_maximum: bool,
    pub multiple_of: Option<&'static str>,
}

/// A request's JSON body, top-level properties only (the limits apply to those).
type Body = BTreeMap<String, Box<RawValue>>;

/// A refused argument: which field, the value it had, and why the spec does not allow it.
#[derive(Debug, Clone, PartialEq, Eq)]
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

    /// A builder argument that did not convert to its generated type: progenitor keeps the
    /// reason but not the value.
    pub(crate) fn unconverted(field: &str, reason: String) -> Self {
        Self {
            field: field.to_owned(),
            value: String::new(),
            reason,
        }
    }
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "invalid `{}` = {:?}: {}",
            self.field, self.value, self.reason
        )
    }
}

/// Puts `invalid` in the generated `send`'s `refused` slot (see `codegen/src/send.rs`), from
/// which [`crate::core::error::finish`] takes it typed, and gives progenitor the error it
/// needs to leave the operation; that error's text is for reading only.
pub(crate) fn refuse<E>(
    refused: &mut Option<Invalid>,
    invalid: Invalid,
) -> progenitor_client::Error<E> {
    let text = invalid.to_string();
    *refused = Some(invalid);
    progenitor_client::Error::Custom(text)
}

/// Checks `request` for operation `operation_id` against what a gateway's spec says: its path
/// template (in the generated `operation_paths`) and its limits (`request_limits`).
pub(crate) fn check(
    operation_paths: &[(&str, &str)],
    request_limits: &[FieldLimits],
    operation_id: &str,
    request: &reqwest::Request,
) -> Result<(), Invalid> {
    if let Some((_, template)) = operation_paths.iter().find(|(id, _)| *id == operation_id) {
        check_path(template, request.url().path())?;
    }
    let body: Body = match request.body().and_then(|b| b.as_bytes()) {
        Some(bytes) => serde_json::from_slice(bytes).unwrap_or_default(),
        None => BTreeMap::new(),
    };
    spec_limits(request_limits, operation_id, request, &body)
}

/// Why a path parameter value is refused: each would address a different resource.
const BAD_PATH_PARAMETER: &str =
    "must not be blank, `.` or `..`: it would change which endpoint is called";

fn is_bad_path_parameter(value: &str) -> bool {
    value.trim().is_empty() || value == "." || value == ".."
}

/// Called by every generated operation right after it takes a path parameter, before the URL
/// is built (the URL parser resolves `.` and `..` segments, after which the value is lost).
pub(crate) fn path_parameter(name: &str, value: &str) -> Result<(), Invalid> {
    if is_bad_path_parameter(value) {
        return Err(Invalid::new(name, value, BAD_PATH_PARAMETER));
    }
    Ok(())
}

/// Second line of defence behind [`path_parameter`]: the request path must still end in the
/// operation's template, literal segments as written and no parameter segment blank. Runs on
/// every request, so it compares from the end without collecting anything.
fn check_path(template: &str, path: &str) -> Result<(), Invalid> {
    let template = template.trim_start_matches('/');
    if path.split('/').count() < template.split('/').count() {
        return Err(Invalid::new(
            "path",
            path,
            "shorter than the operation's path",
        ));
    }
    for (part, actual) in template.rsplit('/').zip(path.rsplit('/')) {
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
                    format!("does not end in the operation's path /{template}"),
                ));
            }
            None => {}
        }
    }
    Ok(())
}

/// Checks the query, the headers and the body of a request against the limits the spec states
/// for `operation_id`.
fn spec_limits(
    table: &[FieldLimits],
    operation_id: &str,
    request: &reqwest::Request,
    body: &Body,
) -> Result<(), Invalid> {
    for limits in table.iter().filter(|l| l.operation == operation_id) {
        match limits.location {
            "header" => {
                // Header names are case-insensitive; the spec spells them as the gateway does.
                let Ok(name) = HeaderName::from_bytes(limits.field.as_bytes()) else {
                    continue;
                };
                for value in request.headers().get_all(name) {
                    let text = String::from_utf8_lossy(value.as_bytes()).into_owned();
                    check_value(limits, &serde_json::Value::String(text))?;
                }
            }
            "query" => {
                for (key, value) in request.url().query_pairs() {
                    if key == limits.field {
                        if let Some(decimal) = &limits.decimal {
                            check_decimal(limits.field, decimal, &value)?;
                        }
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
                    // Decimals are read from the raw text: parsed into a JSON value they would
                    // pass through a binary float (`0.00` would read `0.0`).
                    if let Some(decimal) = &limits.decimal
                        && raw.get() != "null"
                    {
                        check_decimal(limits.field, decimal, raw.get())?;
                    }
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
        if let Some(min) = limits.min_length
            && text.chars().count() < min
        {
            return Err(Invalid::new(
                field,
                text,
                format!("shorter than {min} characters"),
            ));
        }
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

/// A number, as the raw JSON text of a body field (a number, or a string holding one, as exact
/// decimal types may be sent), against its decimal bounds and step.
fn check_decimal(field: &str, limits: &DecimalLimits, raw: &str) -> Result<(), Invalid> {
    let text = if raw.starts_with('"') {
        serde_json::from_str::<String>(raw).unwrap_or_else(|_| raw.to_owned())
    } else {
        raw.to_owned()
    };
    let parse = |text: &str| {
        text.parse::<Decimal>()
            .or_else(|_| Decimal::from_scientific(text))
    };
    let number = parse(&text).map_err(|_| Invalid::new(field, &text, "not a decimal number"))?;
    // The bounds come from the generated table; one that does not parse is a generator bug,
    // and refusing the request says so rather than skipping the check.
    let bound = |text: &str| {
        parse(text).map_err(|_| Invalid::new(field, text, "the spec's limit is not a number"))
    };
    if let Some(minimum) = limits.minimum {
        let min = bound(minimum)?;
        if limits.exclusive_minimum && number <= min {
            return Err(Invalid::new(
                field,
                &text,
                format!("must be more than {minimum}"),
            ));
        }
        if number < min {
            return Err(Invalid::new(
                field,
                &text,
                format!("must be at least {minimum}"),
            ));
        }
    }
    if let Some(maximum) = limits.maximum {
        let max = bound(maximum)?;
        if limits.exclusive_maximum && number >= max {
            return Err(Invalid::new(
                field,
                &text,
                format!("must be less than {maximum}"),
            ));
        }
        if number > max {
            return Err(Invalid::new(
                field,
                &text,
                format!("must be at most {maximum}"),
            ));
        }
    }
    if let Some(step) = limits.multiple_of {
        let step_value = bound(step)?;
        if !step_value.is_zero() && !(number % step_value).is_zero() {
            let places = step_value.normalize().scale();
            return Err(Invalid::new(
                field,
                &text,
                format!("must be a multiple of {step} (at most {places} decimal places)"),
            ));
        }
    }
    Ok(())
}

/// Lengths count characters (Unicode scalar values), as JSON Schema's `maxLength` does and as
/// the gateways' documentation states its limits ("256 characters").
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
            let invalid = path_parameter("payment_id", bad).unwrap_err();
            assert_eq!(
                (invalid.field.as_str(), invalid.value.as_str()),
                ("payment_id", bad)
            );
        }
        for good in ["pay_1", "...", ".a", "a..b", "order_G@nzg3qBq"] {
            assert!(path_parameter("payment_id", good).is_ok(), "{good}");
        }
    }
}
