//! Step 1 of a call: the request an operation's generated `send` assembles, as typed parts.
//!
//! A generated `send` (`codegen/src/send.rs`) hands every builder argument to a [`Request`]
//! with the name the spec gives it: path parameters are checked and encoded, query parameters
//! and headers written as text, the body serialized. The first argument that cannot be used is
//! kept as an [`Invalid`] and nothing after it is looked at; [`Request::into_http`] then reports
//! it instead of building anything, so a refused request never reaches the wire.

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;

use crate::core::profile::Operation;
use crate::core::validate::{self, Invalid};

/// A request being assembled for one operation, or the first reason it cannot be sent.
pub(crate) struct Request {
    pub(crate) operation: &'static Operation,
    parts: Result<Parts, Invalid>,
}

/// What a request carries besides its operation.
struct Parts {
    /// The path template with every parameter substituted, percent-encoded.
    path: String,
    /// Query pairs in the order given; an array value is one pair per element
    /// (`expand[]=card&expand[]=emi`).
    query: Vec<(&'static str, String)>,
    headers: HeaderMap,
    body: Body,
}

/// A request body, serialized.
#[allow(
    dead_code,
    reason = "each shape is built by the generated operations that use it; a build whose specs have none leaves it unused"
)]
pub(crate) enum Body {
    None,
    /// JSON text (`application/json`).
    Json(Vec<u8>),
    /// A `multipart/form-data` upload.
    Multipart(reqwest::multipart::Form),
}

/// The file fields of a multipart body, by the name the spec gives them; an optional one may
/// be absent.
pub(crate) type Files = Vec<(&'static str, Option<File>)>;

/// The media type of a file given none: reqwest would send its part without a `Content-Type`.
const DEFAULT_MEDIA_TYPE: &str = "application/octet-stream";

/// A file to upload in a `multipart/form-data` request body: its bytes, the file name sent with
/// it and its media type. Request fields the spec declares `format: binary` have this type.
#[derive(Clone, Default)]
pub struct File {
    bytes: bytes::Bytes,
    name: String,
    media_type: Option<String>,
}

impl File {
    /// A file named `name` (sent as the part's file name) holding `bytes`.
    pub fn new(name: impl Into<String>, bytes: impl Into<bytes::Bytes>) -> Self {
        Self {
            bytes: bytes.into(),
            name: name.into(),
            media_type: None,
        }
    }

    /// The part's media type, e.g. `application/pdf` (default: `application/octet-stream`).
    pub fn media_type(mut self, media_type: impl Into<String>) -> Self {
        self.media_type = Some(media_type.into());
        self
    }

    /// The file's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The file's contents.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

impl std::fmt::Debug for File {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("File")
            .field("name", &self.name)
            .field("media_type", &self.media_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// A file is never JSON: in a body that is serialized it stands as `null`, and the generated
/// `send` takes it out into its own part before the other fields are written.
impl Serialize for File {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_none()
    }
}

impl<'de> serde::Deserialize<'de> for File {
    fn deserialize<D: serde::Deserializer<'de>>(_: D) -> Result<Self, D::Error> {
        Err(serde::de::Error::custom(
            "a file to upload cannot be read from JSON",
        ))
    }
}

#[allow(
    dead_code,
    reason = "each step is called by the generated operations whose parameters need it; a build whose specs have none leaves it unused"
)]
impl Request {
    pub(crate) fn new(operation: &'static Operation) -> Self {
        Self {
            operation,
            parts: Ok(Parts {
                path: operation.path.to_owned(),
                query: Vec::new(),
                headers: HeaderMap::new(),
                body: Body::None,
            }),
        }
    }

    /// Applies `add` unless the request is already refused; a refusal it returns is kept.
    fn with(mut self, add: impl FnOnce(&mut Parts) -> Result<(), Invalid>) -> Self {
        if let Ok(parts) = &mut self.parts
            && let Err(invalid) = add(parts)
        {
            self.parts = Err(invalid);
        }
        self
    }

    /// The path parameter `{name}`: refused when blank, `.` or `..` (any of them would address
    /// another resource once the URL is normalised), else percent-encoded as one segment.
    pub(crate) fn path<T: std::fmt::Display + 'static>(
        self,
        name: &'static str,
        value: Result<T, String>,
    ) -> Self {
        self.with(|parts| {
            let value = argument(name, value)?;
            let text = validate::path_text(&value);
            validate::path_parameter(name, &text)?;
            let placeholder = format!("{{{name}}}");
            let encoded = validate::path_segment(&text).to_string();
            parts.path = parts.path.replacen(&placeholder, &encoded, 1);
            Ok(())
        })
    }

    /// A required query parameter.
    pub(crate) fn query<T: Serialize>(self, name: &'static str, value: Result<T, String>) -> Self {
        self.with(|parts| {
            let value = argument(name, value)?;
            push_values(name, &value, |text| parts.query.push((name, text)))
        })
    }

    /// An optional query parameter: nothing is added when it is absent.
    pub(crate) fn optional_query<T: Serialize>(
        self,
        name: &'static str,
        value: Result<Option<T>, String>,
    ) -> Self {
        self.with(|parts| match argument(name, value)? {
            Some(value) => push_values(name, &value, |text| parts.query.push((name, text))),
            None => Ok(()),
        })
    }

    /// A required header parameter.
    pub(crate) fn header<T: Serialize>(self, name: &'static str, value: Result<T, String>) -> Self {
        self.optional_header(name, value.map(Some))
    }

    /// An optional header parameter: nothing is added when it is absent.
    pub(crate) fn optional_header<T: Serialize>(
        self,
        name: &'static str,
        value: Result<Option<T>, String>,
    ) -> Self {
        self.with(|parts| {
            let Some(value) = argument(name, value)? else {
                return Ok(());
            };
            // `from_bytes` folds the spec's spelling (`X-Refund-Idempotency`) to lower case.
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Invalid::new(name, "", "is not a valid header name"))?;
            let mut texts = Vec::new();
            push_values(name, &value, |text| texts.push(text))?;
            for text in texts {
                let value = HeaderValue::from_str(&text).map_err(|_| {
                    Invalid::new(
                        name,
                        &text,
                        "is not a valid header value (control characters or non-ASCII text)",
                    )
                })?;
                parts.headers.append(header.clone(), value);
            }
            Ok(())
        })
    }

    /// A JSON request body.
    pub(crate) fn json<T: Serialize>(self, body: Result<T, String>) -> Self {
        self.with(|parts| {
            let body = argument("body", body)?;
            let bytes = serde_json::to_vec(&body)
                .map_err(|e| Invalid::new("body", "", format!("cannot be serialized: {e}")))?;
            parts.body = Body::Json(bytes);
            Ok(())
        })
    }

    /// A `multipart/form-data` body: `files` are the body's file fields, by the name the spec
    /// gives them, taken out of `body` by the generated `send`; every other field of `body` that
    /// is present becomes a text part.
    ///
    /// The fields are checked here against the spec's limits on the body: the pre-request
    /// check reads a JSON body back from its bytes, but a multipart body is a stream.
    pub(crate) fn multipart<T: Serialize>(self, body: Result<(T, Files), String>) -> Self {
        let limits = self.operation.limits;
        self.with(|parts| {
            let (fields, files) = argument("body", body)?;
            let fields = match serde_json::to_value(&fields) {
                Ok(serde_json::Value::Object(fields)) => fields,
                Ok(other) => return Err(Invalid::new("body", other, "is not an object")),
                Err(e) => {
                    return Err(Invalid::new(
                        "body",
                        "",
                        format!("cannot be serialized: {e}"),
                    ));
                }
            };
            validate::check_fields(limits, &fields)?;
            let mut form = reqwest::multipart::Form::new();
            for (name, value) in fields {
                let text = match value {
                    serde_json::Value::Null => continue,
                    serde_json::Value::String(text) => text,
                    other => other.to_string(),
                };
                form = form.text(name, text);
            }
            for (name, file) in files {
                let Some(file) = file else { continue };
                let media_type = file.media_type.as_deref().unwrap_or(DEFAULT_MEDIA_TYPE);
                let part =
                    reqwest::multipart::Part::stream(reqwest::Body::from(file.bytes.clone()))
                        .file_name(file.name.clone())
                        .mime_str(media_type)
                        .map_err(|_| {
                            Invalid::new(name, media_type, "is not a media type (`type/subtype`)")
                        })?;
                form = form.part(name, part);
            }
            parts.body = Body::Multipart(form);
            Ok(())
        })
    }

    /// The request itself, or the first of its arguments that was refused.
    pub(crate) fn checked(self) -> Result<Self, Invalid> {
        match self.parts {
            Err(invalid) => Err(invalid),
            parts => Ok(Self { parts, ..self }),
        }
    }

    /// The request to send to `base_url` (the client's API root for the operation's server),
    /// or the reason it is refused.
    pub(crate) fn into_http(self, base_url: &str) -> Result<(reqwest::Request, Body), Invalid> {
        let parts = self.parts?;
        let mut url = reqwest::Url::parse(&format!("{base_url}{}", parts.path))
            .map_err(|e| Invalid::new("path", &parts.path, format!("not a URL: {e}")))?;
        if !parts.query.is_empty() {
            url.query_pairs_mut().extend_pairs(parts.query);
        }
        let mut request = reqwest::Request::new(self.operation.method.clone(), url);
        *request.headers_mut() = parts.headers;
        Ok((request, parts.body))
    }
}

/// A builder argument that did not convert to its generated type: the builder kept the reason
/// but not the value.
fn argument<T>(name: &str, value: Result<T, String>) -> Result<T, Invalid> {
    value.map_err(|reason| Invalid::new(name, "", reason))
}

/// Writes `value` as query or header text: a string as it is, a number or a boolean as JSON
/// writes it, an array as one value per element; `null` as nothing.
fn push_values<T: Serialize>(
    name: &str,
    value: &T,
    mut push: impl FnMut(String),
) -> Result<(), Invalid> {
    let value = serde_json::to_value(value)
        .map_err(|e| Invalid::new(name, "", format!("cannot be written as text: {e}")))?;
    let mut push_one = |value: serde_json::Value| match value {
        serde_json::Value::Null => Ok(()),
        serde_json::Value::String(text) => {
            push(text);
            Ok(())
        }
        serde_json::Value::Bool(_) | serde_json::Value::Number(_) => {
            push(value.to_string());
            Ok(())
        }
        other => Err(Invalid::new(
            name,
            other.to_string(),
            "is not a value a query parameter or header can carry",
        )),
    };
    match value {
        serde_json::Value::Array(items) => items.into_iter().try_for_each(push_one),
        other => push_one(other),
    }
}
