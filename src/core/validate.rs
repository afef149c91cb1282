//! Client-side checks run by the pre-request hook: input the gateway would refuse (or, worse,
//! misread) never reaches the wire, and the error names the field and the value.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock, PoisonError, RwLock};

use reqwest::header::HeaderName;
use rust_decimal::Decimal;
use serde_json::value::RawValue;

/// The limits the spec puts on one request field; the code generator emits them for every
/// operation as `REQUEST_LIMITS` (see `codegen`), so the spec is the only place they are written.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FieldLimits {
    /// `"body"` (a top-level property of the JSON or multipart body), `"query"` or `"header"`.
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

/// A request's JSON body, top-level properties only (the limits apply to those), read only
/// when the operation has limits on its body. The names and raw values are borrowed from the
/// body; a name written with escapes (never by the generated client) is read into its own
/// string.
enum Body<'a> {
    Borrowed(BTreeMap<&'a str, &'a RawValue>),
    Owned(BTreeMap<String, Box<RawValue>>),
    None,
}

impl<'a> Body<'a> {
    fn read(bytes: &'a [u8]) -> Self {
        if let Ok(fields) = serde_json::from_slice(bytes) {
            return Body::Borrowed(fields);
        }
        serde_json::from_slice(bytes).map_or(Body::None, Body::Owned)
    }

    fn get(&self, field: &str) -> Option<&RawValue> {
        match self {
            Body::Borrowed(fields) => fields.get(field).copied(),
            Body::Owned(fields) => fields.get(field).map(|raw| &**raw),
            Body::None => None,
        }
    }
}

/// A refused argument: which field, the value it had, and why the spec does not allow it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Invalid {
    pub field: String,
    pub value: String,
    pub reason: String,
}

impl Invalid {
    pub(crate) fn new(field: &str, value: impl ToString, reason: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            value: value.to_string(),
            reason: reason.into(),
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

/// Checks `request` against what a gateway's spec says about its operation: the path
/// `template` and the operation's `limits` (its rows of the generated `REQUEST_LIMITS`).
pub(crate) fn check(
    template: &str,
    limits: &[FieldLimits],
    request: &reqwest::Request,
) -> Result<(), Invalid> {
    check_path(template, request.url().path())?;
    // Read only for a request that has a body and an operation that limits it.
    let body = match request.body().and_then(|b| b.as_bytes()) {
        Some(bytes) if limits.iter().any(|l| l.location == "body") => Body::read(bytes),
        _ => Body::None,
    };
    spec_limits(limits, request, &body)
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

/// The text of a path parameter: a `String` (every path parameter of today's specs) is
/// borrowed, any other type is formatted once. Generated `send`s check and encode this text
/// (`codegen/src/path_params.rs`) instead of formatting the value twice.
pub(crate) fn path_text<T: std::fmt::Display + std::any::Any>(value: &T) -> Cow<'_, str> {
    match (value as &dyn std::any::Any).downcast_ref::<String>() {
        Some(text) => Cow::Borrowed(text),
        None => Cow::Owned(value.to_string()),
    }
}

/// What a path segment may carry unencoded: RFC 3986's `pchar` (unreserved, sub-delims, `:`
/// and `@`). Everything else, `/ ? # %` and space among it, is percent-encoded.
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b':')
    .remove(b'@');

/// A path parameter's text, percent-encoded as one segment; written straight into the URL
/// being formatted, without a string of its own.
pub(crate) fn path_segment(text: &str) -> impl std::fmt::Display + '_ {
    percent_encoding::utf8_percent_encode(text, PATH_SEGMENT)
}

/// Second line of defence behind [`path_parameter`]: the request path must still end in the
/// operation's template, literal segments as written and no parameter segment blank. Runs on
/// every request, so it compares from the end without collecting anything.
fn check_path(template: &str, path: &str) -> Result<(), Invalid> {
    let template = template.strip_prefix('/').unwrap_or(template);
    let mut parts = Some(template);
    let mut rest = path;
    while let Some(remaining) = parts {
        let (before, part) = split_last_segment(remaining);
        parts = before;
        // The path's last segment; a path with no `/` left has run out of segments.
        let (Some(shorter), actual) = split_last_segment(rest) else {
            return Err(Invalid::new(
                "path",
                path,
                "shorter than the operation's path",
            ));
        };
        rest = shorter;
        match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
            Some(name) => {
                // Decoded only when it holds an escape: most ids are plain.
                let value = if actual.contains('%') {
                    percent_encoding::percent_decode_str(actual).decode_utf8_lossy()
                } else {
                    Cow::Borrowed(actual)
                };
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

/// `a/b/c` as `(Some("a/b"), "c")`, and `c` as `(None, "c")`. A plain byte scan: these are
/// a few short segments, checked on every request.
fn split_last_segment(text: &str) -> (Option<&str>, &str) {
    match text.bytes().rposition(|b| b == b'/') {
        Some(at) => (Some(&text[..at]), &text[at + 1..]),
        None => (None, text),
    }
}

/// Checks the query, the headers and the body of a request against the limits the spec states
/// for its operation.
fn spec_limits(
    operation_limits: &[FieldLimits],
    request: &reqwest::Request,
    body: &Body<'_>,
) -> Result<(), Invalid> {
    for limits in operation_limits {
        match limits.location {
            "header" => {
                // Header names are case-insensitive; the spec spells them as the gateway does.
                let Ok(name) = HeaderName::from_bytes(limits.field.as_bytes()) else {
                    continue;
                };
                for value in request.headers().get_all(name) {
                    check_parameter_text(limits, &String::from_utf8_lossy(value.as_bytes()))?;
                }
            }
            "query" => {
                for (key, value) in request.url().query_pairs() {
                    if key == limits.field {
                        check_parameter_text(limits, &value)?;
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
                    if let Some(object) = text_object(limits, raw.get()) {
                        let entries = object.iter().map(|(key, text)| (*key, Entry::Text(text)));
                        check_object(limits, object.len(), entries)?;
                        continue;
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

/// Checks the top-level `fields` of a body the pre-request check cannot read back from the
/// request (a `multipart/form-data` upload, sent as a stream) against the operation's limits
/// on its body.
pub(crate) fn check_fields(
    limits: &[FieldLimits],
    fields: &serde_json::Map<String, serde_json::Value>,
) -> Result<(), Invalid> {
    for limits in limits.iter().filter(|l| l.location == "body") {
        let Some(value) = fields.get(limits.field).filter(|v| !v.is_null()) else {
            continue;
        };
        if let Some(decimal) = &limits.decimal {
            check_decimal(limits.field, decimal, &value.to_string())?;
        }
        check_value(limits, value)?;
    }
    Ok(())
}

/// A query or header parameter's value, which is text: a decimal is read from the text, an
/// integer parameter (one with integer bounds) is parsed first, anything else is checked as a
/// string.
fn check_parameter_text(limits: &FieldLimits, text: &str) -> Result<(), Invalid> {
    if let Some(decimal) = &limits.decimal {
        check_decimal(limits.field, decimal, text)?;
    }
    let value = if limits.minimum.is_some() || limits.maximum.is_some() {
        text.parse::<i64>()
            .map(serde_json::Value::from)
            .map_err(|_| Invalid::new(limits.field, text, "must be an integer"))?
    } else {
        serde_json::Value::String(text.to_owned())
    };
    check_value(limits, &value)
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
        check_text(&field, text, limits.max_length, limits.pattern, "")?;
    }
    if let Value::Object(map) = value {
        let entries = map.iter().map(|(key, item)| match item {
            Value::String(text) => (key.as_str(), Entry::Text(text)),
            other => (key.as_str(), Entry::Other(other)),
        });
        check_object(limits, map.len(), entries)?;
    }
    Ok(())
}

/// One value of an object the spec limits (notes): text, or anything else.
enum Entry<'v> {
    Text(&'v str),
    Other(&'v serde_json::Value),
}

/// An object's number of keys, each key's length and each value's length and type, against
/// the spec's limits. One check for both ways an object is read (borrowed text or a JSON value).
fn check_object<'v>(
    limits: &FieldLimits,
    len: usize,
    entries: impl Iterator<Item = (&'v str, Entry<'v>)>,
) -> Result<(), Invalid> {
    let field = limits.field;
    if let Some(max) = limits.max_properties
        && len > max
    {
        return Err(Invalid::new(
            field,
            format!("{len} keys"),
            format!("at most {max} keys"),
        ));
    }
    for (key, item) in entries {
        check_text(&field, key, limits.key_max_length, None, "a key ")?;
        if limits.value_max_length.is_some() {
            let text = match item {
                Entry::Text(text) => text,
                Entry::Other(item) => {
                    return Err(Invalid::new(
                        &format!("{field}.{key}"),
                        item,
                        "must be a string",
                    ));
                }
            };
            // The name is formatted only if the value is refused.
            check_text(
                &format_args!("{field}.{key}"),
                text,
                limits.value_max_length,
                None,
                "",
            )?;
        }
    }
    Ok(())
}

/// The common case of an object with limits (notes), read without building a JSON value: an
/// object of plain strings (no escapes, so they can be borrowed) for a field whose only limits
/// are an object's. `None` for anything else, which [`check_value`] reads as a JSON value.
fn text_object<'r>(limits: &FieldLimits, raw: &'r str) -> Option<BTreeMap<&'r str, &'r str>> {
    let object_limits = limits.max_properties.is_some()
        || limits.key_max_length.is_some()
        || limits.value_max_length.is_some();
    let other_limits = limits.minimum.is_some()
        || limits.maximum.is_some()
        || limits.decimal.is_some()
        || limits.min_length.is_some()
        || limits.max_length.is_some()
        || limits.pattern.is_some();
    if !object_limits || other_limits {
        return None;
    }
    serde_json::from_str(raw).ok()
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
    field: &dyn std::fmt::Display,
    text: &str,
    max_length: Option<usize>,
    pattern: Option<&str>,
    what: &str,
) -> Result<(), Invalid> {
    // No more bytes than the limit means no more characters: counting is skipped.
    if let Some(max) = max_length
        && text.len() > max
        && text.chars().count() > max
    {
        return Err(Invalid::new(
            &field.to_string(),
            text,
            format!("{what}longer than {max} characters"),
        ));
    }
    if let Some(pattern) = pattern {
        // A pattern that does not compile is refused rather than skipped.
        let matches = compiled(pattern).is_some_and(|re| re.find(text).is_some());
        if !matches {
            return Err(Invalid::new(
                &field.to_string(),
                text,
                format!("{what}must match {pattern}"),
            ));
        }
    }
    Ok(())
}

/// `pattern` compiled, or `None` if it does not compile. Each is compiled once: the same few
/// patterns of the generated tables are checked on every request, and compiling one costs
/// more than the rest of the check.
fn compiled(pattern: &str) -> Option<Arc<regress::Regex>> {
    type Cache = RwLock<HashMap<String, Option<Arc<regress::Regex>>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Cache::default);
    if let Some(known) = cache
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .get(pattern)
    {
        return known.clone();
    }
    let regex = regress::Regex::new(pattern).ok().map(Arc::new);
    cache
        .write()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(pattern.to_owned(), regex.clone());
    regex
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_notes_are_read_without_a_json_value_and_refused_the_same_either_way() {
        let notes = FieldLimits {
            location: "body",
            field: "notes",
            minimum: None,
            maximum: None,
            decimal: None,
            min_length: None,
            max_length: None,
            pattern: None,
            max_properties: Some(2),
            key_max_length: Some(3),
            value_max_length: Some(4),
        };
        let keeps = text_object(&notes, r#"{"a":"abcd","bé":"ééé"}"#).expect("plain strings");
        assert_eq!(keeps.len(), 2);
        // Read as a JSON value instead: not an object of plain strings.
        for raw in [r#"{"a":1}"#, r#"{"a":"\u0041"}"#, "null"] {
            assert!(text_object(&notes, raw).is_none(), "{raw}");
        }
        // Refused the same whichever way the notes are read.
        for (raw, field, value) in [
            (r#"{"a":"abcde"}"#, "notes.a", "abcde"),
            (r#"{"a":"\u0061bcde"}"#, "notes.a", "abcde"),
            (r#"{"abcd":"a"}"#, "notes", "abcd"),
            (r#"{"a":"1","b":"2","c":"3"}"#, "notes", "3 keys"),
            (r#"{"a":1}"#, "notes.a", "1"),
        ] {
            let mut request = reqwest::Request::new(
                reqwest::Method::POST,
                "https://api.example/v1/orders".parse().unwrap(),
            );
            *request.body_mut() = Some(format!(r#"{{"notes":{raw}}}"#).into());
            let err = check("/orders", &[notes], &request).unwrap_err();
            assert_eq!(
                (err.field.as_str(), err.value.as_str()),
                (field, value),
                "{raw}"
            );
        }
    }

    /// A header is text like a query parameter: an integer one is parsed and held to its
    /// bounds, not refused for being text (found by `tests/shapes/shapes.yaml`).
    #[test]
    fn integer_headers_and_query_parameters_are_parsed_then_bounded() {
        let limits = |location| FieldLimits {
            location,
            field: "X-Revision",
            minimum: Some(1),
            maximum: Some(100),
            decimal: None,
            min_length: None,
            max_length: None,
            pattern: None,
            max_properties: None,
            key_max_length: None,
            value_max_length: None,
        };
        // The value sent as the header or as the query parameter of that name.
        let send = |location: &'static str, value: &str| {
            let mut request = reqwest::Request::new(
                reqwest::Method::GET,
                "https://api.example/v1/items".parse().unwrap(),
            );
            if location == "header" {
                request
                    .headers_mut()
                    .insert("x-revision", value.parse().unwrap());
            } else {
                request
                    .url_mut()
                    .query_pairs_mut()
                    .append_pair("X-Revision", value);
            }
            check("/items", &[limits(location)], &request)
        };
        for location in ["header", "query"] {
            let check = |value: &str| send(location, value);
            assert!(check("3").is_ok());
            for (value, reason) in [
                ("0", "must be at least 1"),
                ("101", "must be at most 100"),
                ("3a", "must be an integer"),
            ] {
                let err = check(value).unwrap_err();
                assert_eq!(
                    (err.field.as_str(), err.value.as_str(), err.reason.as_str()),
                    ("X-Revision", value, reason)
                );
            }
        }
    }

    /// The fields of a multipart body, which the pre-request check cannot read from the
    /// request, are held to the same body limits.
    #[test]
    fn multipart_fields_are_held_to_the_body_limits() {
        let row = |field, max_length, minimum| FieldLimits {
            location: "body",
            field,
            minimum,
            maximum: None,
            decimal: None,
            min_length: None,
            max_length,
            pattern: None,
            max_properties: None,
            key_max_length: None,
            value_max_length: None,
        };
        let limits = [row("purpose", Some(3), None), row("pages", None, Some(1))];
        let fields = |value: serde_json::Value| value.as_object().unwrap().clone();
        assert!(
            check_fields(
                &limits,
                &fields(serde_json::json!({"purpose": "kyc", "pages": 1}))
            )
            .is_ok()
        );
        assert!(check_fields(&limits, &fields(serde_json::json!({"purpose": null}))).is_ok());
        let err =
            check_fields(&limits, &fields(serde_json::json!({"purpose": "kycx"}))).unwrap_err();
        assert_eq!(
            (err.field.as_str(), err.value.as_str()),
            ("purpose", "kycx")
        );
        let err = check_fields(&limits, &fields(serde_json::json!({"pages": 0}))).unwrap_err();
        assert_eq!((err.field.as_str(), err.value.as_str()), ("pages", "0"));
    }

    #[test]
    fn a_pattern_is_compiled_once_and_a_broken_one_refuses() {
        let first = compiled("^[A-Z]{3}$").expect("compiles");
        let again = compiled("^[A-Z]{3}$").expect("compiles");
        assert!(Arc::ptr_eq(&first, &again));
        assert!(compiled("^[A-Z").is_none());
        let err = check_text(&"currency", "INR", None, Some("^[A-Z"), "").unwrap_err();
        assert_eq!(err.reason, "must match ^[A-Z");
    }

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
    fn a_path_segment_keeps_rfc_3986_pchar_and_encodes_the_rest() {
        let encoded = path_segment("a-._~!$&'()*+,;=:@ /?#%[]\\^|\"<>`{}é").to_string();
        assert_eq!(
            encoded,
            "a-._~!$&'()*+,;=:@%20%2F%3F%23%25%5B%5D%5C%5E%7C%22%3C%3E%60%7B%7D%C3%A9"
        );
    }

    #[test]
    fn a_string_path_value_is_borrowed_and_others_are_formatted() {
        let id = String::from("pay_1");
        assert!(matches!(path_text(&id), Cow::Borrowed("pay_1")));
        assert_eq!(path_text(&42_u32), "42");
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
