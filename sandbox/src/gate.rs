//! What every request to the gateways and the control endpoints passes through before and
//! after its handler: the OpenAPI check of the request, authentication, the body limit, and the
//! OpenAPI check of the response.
//!
//! The documents are the ones paygate is generated from (`openapi/razorpay.yaml`,
//! `openapi/ippopay.yaml`) plus `sandbox/openapi/control.yaml`, embedded at build time. A
//! request a document forbids gets the gateway's 400 naming the field; a response a document
//! does not allow is recorded as a [`SpecViolation`] (a sandbox bug; tests assert there are
//! none) and still sent.

use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use http::{StatusCode, header};

use crate::control::ControlError;
use crate::errors::{IppopayError, RazorpayError};
use crate::spec::{Route, SpecValidator, Violation};
use crate::state::{Shared, SpecViolation};

const RAZORPAY_SPEC: &str = include_str!("../../openapi/razorpay.yaml");
const IPPOPAY_SPEC: &str = include_str!("../../openapi/ippopay.yaml");
const CONTROL_SPEC: &str = include_str!("../openapi/control.yaml");

/// The three documents, compiled once per process.
struct Specs {
    razorpay: SpecValidator,
    ippopay: SpecValidator,
    control: SpecValidator,
}

static SPECS: OnceLock<Result<Specs, String>> = OnceLock::new();

/// Compiles the documents (once); an error names the document and what is wrong with it.
pub(crate) fn load_specs() -> Result<(), String> {
    specs().map(|_| ())
}

fn specs() -> Result<&'static Specs, String> {
    SPECS
        .get_or_init(|| {
            let compile = |name: &str, text: &str| {
                SpecValidator::from_yaml(text).map_err(|e| format!("{name}: {e}"))
            };
            Ok(Specs {
                razorpay: compile("openapi/razorpay.yaml", RAZORPAY_SPEC)?,
                ippopay: compile("openapi/ippopay.yaml", IPPOPAY_SPEC)?,
                control: compile("sandbox/openapi/control.yaml", CONTROL_SPEC)?,
            })
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// Which API a request is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Api {
    Razorpay,
    Ippopay,
    Control,
}

impl Api {
    fn spec(self) -> &'static SpecValidator {
        let specs = specs().expect("the documents were compiled when the sandbox started");
        match self {
            Api::Razorpay => &specs.razorpay,
            Api::Ippopay => &specs.ippopay,
            Api::Control => &specs.control,
        }
    }

    /// The API's 400 for a refused request.
    fn bad_request(self, description: String, field: Option<&str>) -> Response {
        match self {
            Api::Razorpay => RazorpayError::bad_request(description, field).into_response(),
            Api::Ippopay => IppopayError::bad_request(description).into_response(),
            Api::Control => ControlError::rejected(400, description, field).into_response(),
        }
    }

    /// `None` when the credentials are right (or the API takes none), else the API's 401.
    fn refuse_credentials(self, shared: &Shared, request: &Request) -> Option<Response> {
        let config = &shared.config;
        match self {
            Api::Razorpay => {
                match basic_auth(
                    request,
                    &config.razorpay_key_id,
                    &config.razorpay_key_secret,
                ) {
                    Some(true) => None,
                    Some(false) => Some(RazorpayError::unauthorized(false).into_response()),
                    None => Some(RazorpayError::unauthorized(true).into_response()),
                }
            }
            Api::Ippopay => {
                let ok = basic_auth(
                    request,
                    &config.ippopay_public_key,
                    &config.ippopay_secret_key,
                );
                (ok != Some(true)).then(|| {
                    IppopayError::new(StatusCode::UNAUTHORIZED, "Unauthorized").into_response()
                })
            }
            Api::Control => None,
        }
    }
}

/// `Basic base64(user:password)` matches the pair? `None`: no usable credentials were sent.
fn basic_auth(request: &Request, user: &str, password: &str) -> Option<bool> {
    let value = request
        .headers()
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (u, p) = decoded.split_once(':')?;
    Some(u == user && p == password)
}

/// A refused request as the API's error description.
fn describe(violation: &Violation) -> String {
    if violation.message == "is required" {
        return format!("The {} field is required.", violation.field);
    }
    match &violation.value {
        Some(value) => format!(
            "The {} {} (sent: {value})",
            violation.field, violation.message
        ),
        None => format!("The {} {}", violation.field, violation.message),
    }
}

/// The middleware: `state` says which API the wrapped routes are.
pub(crate) async fn gate(
    State((shared, api)): State<(Arc<Shared>, Api)>,
    request: Request,
    next: Next,
) -> Response {
    let spec = api.spec();
    let label = format!("{} {}", request.method(), request.uri().path());
    // The nested router sees paths relative to the API's prefix, as the document's paths are.
    let route = spec.route(request.method(), request.uri().path()).ok();
    let response = handle(&shared, api, spec, route.as_ref(), request, next).await;
    match route {
        Some(route) => check_response(&shared, spec, &route, &label, response).await,
        // No operation: the API's own "unknown URL" answer, which no document describes.
        None => response,
    }
}

async fn handle(
    shared: &Shared,
    api: Api,
    spec: &SpecValidator,
    route: Option<&Route>,
    request: Request,
    next: Next,
) -> Response {
    if let Some(refusal) = api.refuse_credentials(shared, &request) {
        return refusal;
    }
    let (parts, body) = request.into_parts();
    let limit = shared.config.body_limit;
    let Ok(bytes) = axum::body::to_bytes(body, limit).await else {
        return api.bad_request(
            format!("The request body is too large: at most {limit} bytes are accepted"),
            None,
        );
    };
    if let Some(route) = route {
        let query: Vec<(String, String)> =
            form_urlencoded::parse(parts.uri.query().unwrap_or_default().as_bytes())
                .into_owned()
                .collect();
        if let Err(violation) = spec.validate_request(route, &query, &parts.headers, Some(&bytes)) {
            let field = (violation.field != "body").then_some(violation.field.as_str());
            return api.bad_request(describe(&violation), field);
        }
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// Checks the response against the operation's documented responses; records a violation.
async fn check_response(
    shared: &Shared,
    spec: &SpecValidator,
    route: &Route,
    label: &str,
    response: Response,
) -> Response {
    let (parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => bytes,
        Err(e) => {
            shared.record_violation(SpecViolation {
                direction: "response",
                route: label.to_owned(),
                status: Some(parts.status.as_u16()),
                message: format!("the body could not be read: {e}"),
            });
            return Response::from_parts(parts, Body::empty());
        }
    };
    if let Err(violation) =
        spec.validate_response(&route.operation_id, parts.status.as_u16(), &bytes)
    {
        shared.record_violation(SpecViolation {
            direction: "response",
            route: label.to_owned(),
            status: Some(parts.status.as_u16()),
            message: format!(
                "{} ({}): {violation}",
                route.operation_id,
                violation.value.as_deref().unwrap_or("")
            ),
        });
    }
    Response::from_parts(parts, Body::from(bytes))
}
