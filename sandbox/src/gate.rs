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
use crate::spec::{Document, Route, SpecValidator, Violation};
use crate::state::{Shared, SpecViolation};

const RAZORPAY_SPEC: &str = paygate::razorpay::SPEC;
const IPPOPAY_SPEC: &str = paygate::ippopay::SPEC;
const CONTROL_SPEC: &str = include_str!("../openapi/control.yaml");

/// The documents, compiled once per process.
struct Specs {
    razorpay: SpecValidator,
    ippopay: SpecValidator,
    control: SpecValidator,
    /// Razorpay's `x-webhooks`, one path per event, so webhook bodies and headers are checked
    /// as the requests they are.
    webhooks: SpecValidator,
}

static SPECS: OnceLock<Result<Specs, String>> = OnceLock::new();

/// Compiles the documents (once); an error names the document and what is wrong with it.
pub(crate) fn load_specs() -> Result<(), String> {
    specs().map(|_| ())
}

fn specs() -> Result<&'static Specs, String> {
    SPECS
        .get_or_init(|| {
            let read = |name: &str, text: &str| {
                Document::from_yaml(name, text).map_err(|e| format!("{name}: {e}"))
            };
            let compile = |doc: &Document| {
                SpecValidator::from_document(doc).map_err(|e| format!("{}: {e}", doc.file()))
            };
            let razorpay = read("openapi/razorpay.yaml", RAZORPAY_SPEC)?;
            Ok(Specs {
                razorpay: compile(&razorpay)?,
                ippopay: compile(&read("openapi/ippopay.yaml", IPPOPAY_SPEC)?)?,
                control: compile(&read("sandbox/openapi/control.yaml", CONTROL_SPEC)?)?,
                webhooks: SpecValidator::webhooks(&razorpay)
                    .map_err(|e| format!("openapi/razorpay.yaml x-webhooks: {e}"))?,
            })
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// Checks a webhook as sent against its `x-webhooks` entry: the signature and event id
/// headers and the `WebhookEvent` body.
pub(crate) fn check_webhook(outgoing: &crate::webhooks::Outgoing) -> Result<(), String> {
    let spec = &specs()?.webhooks;
    let route = spec
        .route(&http::Method::POST, &format!("/{}", outgoing.event))
        .map_err(|e| format!("{} is not an event of x-webhooks: {e}", outgoing.event))?;
    spec.validate_request(&route, &[], &outgoing.headers, Some(&outgoing.body))
        .map_err(|v| format!("{v} (value: {})", v.value.as_deref().unwrap_or("none")))
}

/// Which API a request is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Api {
    Razorpay,
    Ippopay,
    Control,
}

impl Api {
    fn name(self) -> &'static str {
        match self {
            Api::Razorpay => "razorpay",
            Api::Ippopay => "ippopay",
            Api::Control => "control",
        }
    }

    #[cfg(test)]
    fn spec_checked(self) -> Result<&'static SpecValidator, String> {
        specs()?;
        Ok(self.spec())
    }

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
    if let Some(route) = &route {
        shared.record_served(api.name(), &route.operation_id);
    }
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
    let (limit, timeout) = (shared.config.body_limit, shared.config.read_timeout);
    let bytes = match tokio::time::timeout(timeout, axum::body::to_bytes(body, limit)).await {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(_)) => {
            return api.bad_request(
                format!("The request body is too large: at most {limit} bytes are accepted"),
                None,
            );
        }
        Err(_) => {
            return api.bad_request(
                format!(
                    "The request body did not arrive within {} ms",
                    timeout.as_millis()
                ),
                None,
            );
        }
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

#[cfg(test)]
mod tests {
    use http::HeaderMap;

    use super::check_webhook;
    use crate::webhooks::Outgoing;

    fn event(headers: HeaderMap, body: serde_json::Value) -> Outgoing {
        Outgoing {
            event: "refund.created".into(),
            headers,
            body: serde_json::to_vec(&body).unwrap(),
        }
    }

    fn signed() -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("content-type", "application/json".parse().unwrap());
        headers.insert("X-Razorpay-Signature", "ab".repeat(32).parse().unwrap());
        headers
    }

    fn refund_created() -> serde_json::Value {
        serde_json::json!({
            "entity": "event", "event": "refund.created", "contains": ["refund"], "created_at": 1,
            "payload": {"refund": {"entity": {
                "id": "rfnd_X", "entity": "refund", "amount": 100, "payment_id": "pay_X", "created_at": 1
            }}}
        })
    }

    #[test]
    fn webhooks_are_checked_against_x_webhooks() {
        check_webhook(&event(signed(), refund_created())).expect("a valid event passes");

        let err = check_webhook(&event(HeaderMap::new(), refund_created())).unwrap_err();
        assert!(err.contains("X-Razorpay-Signature"), "{err}");

        let mut body = refund_created();
        body["payload"]["refund"]["entity"]["amount"] = "a lot".into();
        let err = check_webhook(&event(signed(), body)).unwrap_err();
        assert!(err.contains("amount"), "{err}");

        let mut unknown = event(signed(), refund_created());
        unknown.event = "refund.eaten".into();
        assert!(check_webhook(&unknown).is_err());
    }

    /// A response the spec does not allow is recorded, not dropped: what makes the tests'
    /// "no violations" assertion mean something.
    #[tokio::test]
    async fn an_off_spec_response_is_recorded() {
        use axum::response::IntoResponse;

        let shared = crate::state::Shared::new(crate::state::Config {
            razorpay_key_id: "k".into(),
            razorpay_key_secret: "s".into(),
            ippopay_public_key: "p".into(),
            ippopay_secret_key: "q".into(),
            account_id: "acc_X".into(),
            base_url: "http://127.0.0.1:1".into(),
            auto_capture_default: false,
            body_limit: 1024,
            read_timeout: std::time::Duration::from_secs(30),
            webhook_attempts: 1,
            webhook_backoff: std::time::Duration::ZERO,
        });
        let spec = super::Api::Razorpay.spec_checked().unwrap();
        let route = spec.route(&http::Method::GET, "/orders/order_X").unwrap();
        let good = (
            http::StatusCode::NOT_FOUND,
            axum::Json(serde_json::json!(
                {"error": {"code": "BAD_REQUEST_ERROR", "description": "The id provided does not exist"}}
            )),
        );
        super::check_response(
            &shared,
            spec,
            &route,
            "GET /orders/order_X",
            good.into_response(),
        )
        .await;
        assert!(shared.violations().is_empty());

        let bad = (
            http::StatusCode::OK,
            axum::Json(serde_json::json!({"id": 5})),
        );
        let passed = super::check_response(
            &shared,
            spec,
            &route,
            "GET /orders/order_X",
            bad.into_response(),
        )
        .await;
        assert_eq!(passed.status(), http::StatusCode::OK, "still sent");
        let violations = shared.violations();
        assert_eq!(violations.len(), 1);
        assert_eq!(violations[0].route, "GET /orders/order_X");
        assert_eq!(violations[0].status, Some(200));
    }
}
