//! A gateway's client, written once: [`Gateway`] is what a gateway module provides (its
//! [`GatewayProfile`], generated from its spec), [`Client`] holds the credentials and the
//! [`Transport`] every operation is sent through, and [`ClientBuilder`] configures it. The
//! operations themselves are inherent methods of `Client<G>`, generated per gateway
//! (`codegen/src/client.rs`).

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

use crate::Error;
use crate::core::profile::GatewayProfile;
use crate::core::retry::RetryPolicy;
use crate::core::transport::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT, Transport,
};

mod sealed {
    /// Only paygate's gateway modules implement [`super::Gateway`].
    pub trait Sealed {}
}
pub(crate) use sealed::Sealed;

/// A payment gateway paygate has a client for: `paygate::razorpay::Razorpay`,
/// `paygate::ippopay::Ippopay`. Implemented by each gateway module, from what its spec
/// generates; not implementable outside paygate.
pub trait Gateway: Sealed + Sized + Send + Sync + 'static {
    #[doc(hidden)]
    const PROFILE: &'static GatewayProfile;
    /// The generated `call_json` of the gateway's operations.
    #[doc(hidden)]
    #[cfg(feature = "json-operations")]
    fn call_json<'a>(
        client: &'a Client<Self>,
        operation: &'a str,
        arguments: &'a crate::JsonArguments,
    ) -> std::pin::Pin<
        Box<dyn Future<Output = Result<crate::Response<serde_json::Value>, Error>> + Send + 'a>,
    >;
}

/// Declares a gateway module's [`Gateway`]: the marker type `$name` over the module's
/// `generated` tables, with the names the gateway's dashboard gives its key pair.
/// Each gateway module invokes it once; all else about a gateway comes from its spec.
#[cfg(any(feature = "razorpay", feature = "ippopay", feature = "test-shapes"))]
macro_rules! gateway {
    ($(#[$doc:meta])* $name:ident, $module:literal, ($key:literal, $secret:literal)) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $name;

        impl crate::core::client::Sealed for $name {}

        impl crate::core::client::Gateway for $name {
            const PROFILE: &'static crate::core::profile::GatewayProfile =
                &crate::core::profile::GatewayProfile {
                    name: $module,
                    credential_names: ($key, $secret),
                    default_base_url: generated::DEFAULT_BASE_URL,
                    default_server_path: generated::DEFAULT_SERVER_PATH,
                    operations: generated::OPERATIONS,
                };
            #[cfg(feature = "json-operations")]
            fn call_json<'a>(
                client: &'a crate::Client<Self>,
                operation: &'a str,
                arguments: &'a crate::JsonArguments,
            ) -> std::pin::Pin<
                Box<
                    dyn Future<
                            Output = Result<crate::Response<serde_json::Value>, crate::Error>,
                        > + Send
                        + 'a,
                >,
            > {
                Box::pin(generated::builder::call_json(client, operation, arguments))
            }
        }
    };
}
#[cfg(any(feature = "razorpay", feature = "ippopay", feature = "test-shapes"))]
pub(crate) use gateway;

/// A client of gateway `G`: every operation of `G`'s spec is a method, e.g.
/// `client.fetch_payment().payment_id("pay_X").send()`, and every one returns [`Error`] on
/// failure. Name it by its gateway: `paygate::razorpay::Client`, `paygate::ippopay::Client`.
/// Cloning is cheap: clones share one connection pool.
pub struct Client<G: Gateway> {
    /// Read by the generated operations, which send through it.
    pub(crate) transport: Arc<Transport>,
    gateway: PhantomData<fn() -> G>,
}

impl<G: Gateway> Client<G> {
    /// A client for the production API with the key pair from the gateway's dashboard:
    /// Razorpay's `key_id` and `key_secret`, Ippopay's `public_key` and `secret_key`.
    pub fn new(key: impl Into<String>, secret: impl Into<String>) -> Result<Self, Error> {
        Self::builder(key, secret).build()
    }

    /// Configures base URL, timeouts, retries and user agent before building.
    pub fn builder(key: impl Into<String>, secret: impl Into<String>) -> ClientBuilder<G> {
        ClientBuilder::new(key, secret)
    }

    /// The API root this client sends requests to.
    pub fn base_url(&self) -> &str {
        &self.transport.base_url
    }

    /// Sends the operation named `operation` (its `operationId`) with `arguments`: each
    /// parameter by the name the spec gives it (`payment_id`, `expand[]`), the request body as
    /// `body`, each read into the type the operation's builder takes; the answer is the decoded
    /// body as JSON. An unknown operation, or an argument missing or of the wrong shape, is
    /// refused before sending, naming it. A file (multipart upload) cannot be given as JSON.
    #[cfg(feature = "json-operations")]
    pub async fn call_json(
        &self,
        operation: &str,
        arguments: &crate::JsonArguments,
    ) -> Result<crate::Response<serde_json::Value>, Error> {
        G::call_json(self, operation, arguments).await
    }
}

impl<G: Gateway> Clone for Client<G> {
    fn clone(&self) -> Self {
        Self {
            transport: Arc::clone(&self.transport),
            gateway: PhantomData,
        }
    }
}

impl<G: Gateway> fmt::Debug for Client<G> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct(&format!("{}::Client", G::PROFILE.name))
            .field("base_url", &self.transport.base_url)
            .field("transport", &self.transport)
            .finish_non_exhaustive()
    }
}

/// Configures and builds a [`Client`]; `Client::builder` makes one from the gateway's key pair.
pub struct ClientBuilder<G> {
    username: String,
    secret: SecretString,
    base_url: Option<String>,
    allow_http: bool,
    timeout: Duration,
    connect_timeout: Duration,
    user_agent: String,
    retry: RetryPolicy,
    max_response_bytes: usize,
    gateway: PhantomData<fn() -> G>,
}

impl<G: Gateway> fmt::Debug for ClientBuilder<G> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (id, secret) = G::PROFILE.credential_names;
        f.debug_struct("ClientBuilder")
            .field(id, &self.username)
            .field(secret, &"<redacted>")
            .field("base_url", &self.base_url.as_deref().map(redact_url))
            .field("allow_http", &self.allow_http)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("user_agent", &self.user_agent)
            .field("retry", &self.retry)
            .finish()
    }
}

impl<G: Gateway> ClientBuilder<G> {
    pub(crate) fn new(username: impl Into<String>, secret: impl Into<String>) -> Self {
        Self {
            username: username.into(),
            secret: SecretString::from(secret.into()),
            base_url: None,
            allow_http: false,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            user_agent: concat!("paygate/", env!("CARGO_PKG_VERSION")).to_owned(),
            retry: RetryPolicy::default(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            gateway: PhantomData,
        }
    }

    /// The API root, e.g. a sandbox; defaults to the gateway's production URL.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Allows an `http://` base URL on a loopback host (127.0.0.0/8, ::1, `localhost`), which
    /// sends the credentials in clear text: for tests against a local server only.
    pub fn allow_insecure_http(mut self) -> Self {
        self.allow_http = true;
        self
    }

    /// Time allowed for one attempt, from sending to the last byte (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Time allowed to open a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Replaces the default `User-Agent` (`paygate/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Replaces the default [`RetryPolicy`]; `RetryPolicy::none()` turns retries off.
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Largest response body accepted (default 1 MiB).
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Builds the client; fails with [`Error::Config`] on empty or ambiguous credentials, a
    /// malformed base URL, one with credentials, a query or a fragment, a clear-text one (see
    /// [`Self::allow_insecure_http`]), or a TLS set-up that failed.
    pub fn build(self) -> Result<Client<G>, Error> {
        let gateway = G::PROFILE;
        let (id_name, secret_name) = gateway.credential_names;
        let id = &self.username;
        if id.trim().is_empty() {
            return Err(Error::config(id_name, id, "must not be empty"));
        }
        if id.trim() != id {
            return Err(Error::config(
                id_name,
                id,
                "must not start or end with whitespace",
            ));
        }
        if id.contains(':') {
            return Err(Error::config(
                id_name,
                id,
                "must not contain `:`, which separates key and secret in Basic auth",
            ));
        }
        if self.secret.expose_secret().is_empty() {
            return Err(Error::config(
                secret_name,
                "<redacted>",
                "must not be empty",
            ));
        }
        let base_url = self
            .base_url
            .unwrap_or_else(|| gateway.default_base_url.to_owned());
        check_base_url(&base_url, self.allow_http)?;
        let credentials = base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            self.username,
            self.secret.expose_secret()
        ));
        let mut authorization =
            HeaderValue::from_str(&format!("Basic {credentials}")).map_err(|_| {
                Error::config(
                    id_name,
                    &self.username,
                    "contains characters not allowed in a header",
                )
            })?;
        authorization.set_sensitive(true);
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, authorization);
        headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
        let user_agent = HeaderValue::from_str(&self.user_agent).map_err(|_| {
            Error::config("user_agent", &self.user_agent, "not a valid header value")
        })?;
        headers.insert(HeaderName::from_static("user-agent"), user_agent);
        let http = reqwest::Client::builder();
        #[cfg(feature = "rustls-ring")]
        let http = http.tls_backend_preconfigured(crate::core::tls::client_config()?);
        let http = http
            .default_headers(headers)
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            // Payment APIs do not redirect: a 3xx is an error, never a request elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::config("http_client", "reqwest", &e.to_string()))?;
        let transport = Transport {
            http,
            base_url: base_url.trim_end_matches('/').to_owned(),
            gateway,
            retry: self.retry,
            max_response_bytes: self.max_response_bytes,
        };
        Ok(Client {
            transport: Arc::new(transport),
            gateway: PhantomData,
        })
    }
}

/// Refuses a base URL the client cannot use safely; the URL in the error has its userinfo
/// redacted, even when it does not parse.
fn check_base_url(base_url: &str, allow_http: bool) -> Result<(), Error> {
    let shown = redact_url(base_url);
    let refuse = |reason: &str| Err(Error::config("base_url", &shown, reason));
    let parsed = match reqwest::Url::parse(base_url) {
        Ok(parsed) => parsed,
        Err(e) => return refuse(&e.to_string()),
    };
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return refuse(
            "must not contain credentials (user:password@): the client sends its own key pair",
        );
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return refuse("must not have a query or a fragment");
    }
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if allow_http && is_loopback(&parsed) => Ok(()),
        "http" if allow_http => {
            refuse("allow_insecure_http() allows only loopback hosts (127.0.0.0/8, ::1, localhost)")
        }
        "http" => refuse(
            "http:// would send the API secret in clear text; use https:// or allow_insecure_http() for local tests",
        ),
        other => refuse(&format!("unsupported scheme {other}")),
    }
}

fn is_loopback(url: &reqwest::Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// `url` with everything between the scheme and the last `@` replaced: whatever precedes an
/// `@` may be a password, even in text that is not a valid URL.
fn redact_url(url: &str) -> String {
    let start = url.find("://").map_or(0, |i| i + 3);
    match url[start..].rfind('@') {
        Some(at) => format!("{}<redacted>{}", &url[..start], &url[start + at..]),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn userinfo_is_redacted_even_from_text_that_is_not_a_url() {
        assert_eq!(
            redact_url("https://u:pw@host/v1"),
            "https://<redacted>@host/v1"
        );
        assert_eq!(redact_url("u:p/w@host"), "<redacted>@host");
        assert_eq!(redact_url("https://host/v1"), "https://host/v1");
    }
}
