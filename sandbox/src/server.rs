//! The HTTP server: one axum router for both gateways and the control endpoints, served by
//! hyper on a loopback listener. Faults are applied in front of the router (a dropped
//! connection needs the connection, not a response); authentication, the body limit and the
//! spec check wrap each gateway's routes.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::middleware;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tower::ServiceExt as _;

use crate::errors::{IppopayError, RazorpayError};
use crate::faults::{BAD_GATEWAY_HTML, FaultKind, Provider};
use crate::gate::{self, Api};
use crate::state::Shared;
use crate::{control, ippopay, razorpay};

/// Where each part of the sandbox lives.
pub(crate) const RAZORPAY_PREFIX: &str = "/razorpay/v1";
pub(crate) const IPPOPAY_PREFIX: &str = "/ippopay/v1";
pub(crate) const CONTROL_PREFIX: &str = "/_sandbox";

/// The whole application.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let razorpay = razorpay::routes()
        .fallback(razorpay_unknown)
        .method_not_allowed_fallback(razorpay_unknown)
        .layer(middleware::from_fn_with_state(
            (shared.clone(), Api::Razorpay),
            gate::gate,
        ));
    let ippopay = ippopay::routes()
        .fallback(ippopay_unknown)
        .method_not_allowed_fallback(ippopay_unknown)
        .layer(middleware::from_fn_with_state(
            (shared.clone(), Api::Ippopay),
            gate::gate,
        ));
    Router::new()
        .nest(RAZORPAY_PREFIX, razorpay)
        .nest(IPPOPAY_PREFIX, ippopay)
        .nest(
            CONTROL_PREFIX,
            control::routes().layer(middleware::from_fn_with_state(
                (shared.clone(), Api::Control),
                gate::gate,
            )),
        )
        .fallback(unknown)
        .with_state(shared)
}

async fn razorpay_unknown() -> RazorpayError {
    RazorpayError::unknown_url()
}

async fn ippopay_unknown() -> IppopayError {
    IppopayError::new(StatusCode::NOT_FOUND, "Not found")
}

/// A URL outside every router; under a gateway's prefix (its bare root), that gateway's answer,
/// elsewhere the control API's: JSON either way, so no client meets a body it cannot decode.
async fn unknown(uri: http::Uri) -> Response {
    match gateway_of(uri.path()) {
        Some(Provider::Razorpay) => RazorpayError::unknown_url().into_response(),
        Some(Provider::Ippopay) => ippopay_unknown().await.into_response(),
        None => control::ControlError::rejected(
            404,
            format!(
                "{} is not a sandbox URL: use {RAZORPAY_PREFIX}, {IPPOPAY_PREFIX} or {CONTROL_PREFIX}",
                uri.path()
            ),
            None,
        )
        .into_response(),
    }
}

/// Which gateway a path belongs to.
fn gateway_of(path: &str) -> Option<Provider> {
    let under = |prefix: &str| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    };
    // Any version under `/razorpay` (the partner APIs are `/v2`): Razorpay's JSON answer.
    if under(RAZORPAY_PREFIX) || under(RAZORPAY_PREFIX.trim_end_matches("/v1")) {
        Some(Provider::Razorpay)
    } else if under(IPPOPAY_PREFIX) {
        Some(Provider::Ippopay)
    } else {
        None
    }
}

/// The answer of an injected fault (all but `Slow`, `DropConnection` and `LoseResponse`).
fn fault_response(kind: &FaultKind, gateway: Provider) -> Response {
    match kind {
        FaultKind::RateLimited { retry_after_secs } => {
            let mut response = match gateway {
                Provider::Razorpay => RazorpayError::too_many_requests().into_response(),
                Provider::Ippopay => {
                    IppopayError::new(StatusCode::TOO_MANY_REQUESTS, "Too many requests")
                        .into_response()
                }
            };
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
            response
        }
        FaultKind::ServerError => match gateway {
            Provider::Razorpay => RazorpayError::server_error().into_response(),
            Provider::Ippopay => {
                IppopayError::new(StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong")
                    .into_response()
            }
        },
        FaultKind::HtmlBadGateway => (
            StatusCode::BAD_GATEWAY,
            [(header::CONTENT_TYPE, "text/html")],
            BAD_GATEWAY_HTML,
        )
            .into_response(),
        FaultKind::EmptyGatewayTimeout => StatusCode::GATEWAY_TIMEOUT.into_response(),
        FaultKind::Slow { .. } | FaultKind::DropConnection | FaultKind::LoseResponse => {
            unreachable!("handled before a response is made")
        }
    }
}

/// The error that makes hyper close a connection without answering.
#[derive(Debug)]
struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("injected fault: connection dropped")
    }
}

impl std::error::Error for DropConnection {}

/// Answers one request: an injected fault if one is pending for its gateway, else the router.
async fn handle(
    shared: Arc<Shared>,
    router: Router,
    request: http::Request<hyper::body::Incoming>,
) -> Result<Response, DropConnection> {
    let fault = gateway_of(request.uri().path())
        .and_then(|gateway| shared.faults().take(gateway).map(|kind| (gateway, kind)));
    let mut lose_response = false;
    match fault {
        Some((_, FaultKind::DropConnection)) => return Err(DropConnection),
        Some((_, FaultKind::Slow { delay })) => tokio::time::sleep(delay).await,
        Some((_, FaultKind::LoseResponse)) => lose_response = true,
        Some((gateway, kind)) => return Ok(fault_response(&kind, gateway)),
        None => {}
    }
    let response = router
        .oneshot(request.map(Body::new))
        .await
        .unwrap_or_else(|never: Infallible| match never {});
    if lose_response {
        // The handler ran and its effects stay; only the answer is lost.
        return Err(DropConnection);
    }
    Ok(response)
}

/// Serves until `shutdown` turns true, then lets in-flight requests finish (up to a second).
pub(crate) async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
) {
    let router = router(shared.clone());
    let mut connections = JoinSet::new();
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(_) => {
                    // Out of file descriptors or similar: wait instead of spinning.
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
            _ = shutdown.changed() => break,
        };
        let read_timeout = shared.config.read_timeout;
        let (shared, router, mut shutdown) = (shared.clone(), router.clone(), shutdown.clone());
        connections.spawn(async move {
            let service = hyper::service::service_fn(move |request| {
                handle(shared.clone(), router.clone(), request)
            });
            // A client that never finishes its headers is disconnected instead of holding a task.
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(read_timeout)
                .serve_connection(TokioIo::new(stream), service);
            tokio::pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => {}
                _ = shutdown.changed() => {
                    connection.as_mut().graceful_shutdown();
                    let _ = connection.await;
                }
            }
        });
        // Reap finished connections so the set does not grow without bound.
        while connections.try_join_next().is_some() {}
    }
    let drain = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(Duration::from_secs(1), drain)
        .await
        .is_err()
    {
        connections.abort_all();
    }
}
