//! Every operation shape the Razorpay API uses works by editing a spec alone (issue 19, item 6).
//!
//! `tests/shapes/shapes.yaml` has one operation of each shape; `build.rs` generates
//! `paygate::shapes` from it (hidden feature `test-shapes`, on for paygate's own tests), and
//! nothing in `src/` names any of its operations. Each test sends one operation to a loopback
//! server that records exactly what arrived (method, path, raw query, headers, body bytes) and
//! answers; the test then checks the request on the wire and the value the client decoded.

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use paygate::shapes::{self, types};
use paygate::{Error, File, RetryPolicy};

/// `Basic base64("shapes_key:shapes_secret")`, computed independently.
const AUTH: &str = "Basic c2hhcGVzX2tleTpzaGFwZXNfc2VjcmV0";

/// One request as the server received it.
#[derive(Debug)]
struct Seen {
    method: String,
    path: String,
    /// The raw query string, as sent (not decoded).
    query: Option<String>,
    headers: HeaderMap,
    body: Bytes,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }

    /// What every request of the client carries, and a body's content type when there is one.
    fn assert_common_headers(&self, content_type: Option<&str>) {
        assert_eq!(self.header("authorization"), Some(AUTH));
        assert_eq!(self.header("accept"), Some("application/json"));
        assert_eq!(
            self.header("user-agent"),
            Some(concat!("paygate/", env!("CARGO_PKG_VERSION")))
        );
        assert_eq!(self.header("content-type"), content_type);
    }
}

type Log = Arc<Mutex<Vec<Seen>>>;

/// A loopback server that records every request and answers each with `status` and `body`
/// (as JSON, unless empty); and a client of the test spec whose base URL is the server's `/v1`.
async fn server(status: u16, body: &'static str) -> (shapes::Client, Log) {
    let log: Log = Arc::default();
    let record = log.clone();
    let app = axum::Router::new().fallback(move |request: axum::extract::Request| {
        let record = record.clone();
        async move {
            let (parts, received) = request.into_parts();
            let bytes = axum::body::to_bytes(received, usize::MAX).await.unwrap();
            record.lock().unwrap().push(Seen {
                method: parts.method.to_string(),
                path: parts.uri.path().to_owned(),
                query: parts.uri.query().map(str::to_owned),
                headers: parts.headers,
                body: bytes,
            });
            let status = StatusCode::from_u16(status).unwrap();
            if body.is_empty() {
                axum::response::Response::builder()
                    .status(status)
                    .body(axum::body::Body::empty())
                    .unwrap()
            } else {
                axum::response::Response::builder()
                    .status(status)
                    .header("content-type", "application/json")
                    .body(axum::body::Body::from(body))
                    .unwrap()
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let root = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let client = shapes::Client::builder("shapes_key", "shapes_secret")
        .base_url(format!("{root}/v1"))
        .allow_insecure_http()
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("valid test configuration");
    (client, log)
}

/// The one request the server received.
fn only(log: &Log) -> Seen {
    let mut seen = log.lock().unwrap();
    assert_eq!(seen.len(), 1, "exactly one request: {seen:?}");
    seen.pop().unwrap()
}

/// Asserts `result` is `Error::InvalidRequest` for `field` (with `value`, when given).
fn assert_refused<T: std::fmt::Debug>(result: Result<T, Error>, field: &str, value: Option<&str>) {
    match result {
        Err(Error::InvalidRequest {
            field: f, value: v, ..
        }) => {
            assert_eq!(f, field);
            if let Some(value) = value {
                assert_eq!(v, value);
            }
        }
        other => panic!("expected InvalidRequest for `{field}`, got {other:?}"),
    }
}

#[tokio::test]
async fn put_sends_path_header_and_exact_json_and_decodes_the_answer() {
    let (client, log) = server(
        200,
        r#"{"id":"item_1","name":"Lamp","price":4500,"added_later":true}"#,
    )
    .await;
    let item = client
        .replace_item()
        .item_id("item_1")
        .x_item_revision(std::num::NonZeroU64::new(3).unwrap())
        .body(types::ItemRequest::builder().name("Lamp").price(4500))
        .send()
        .await
        .unwrap();
    assert_eq!(
        (item.id.as_str(), item.name.as_str(), item.price),
        ("item_1", "Lamp", Some(4500))
    );
    assert_eq!(item.status(), StatusCode::OK);
    let seen = only(&log);
    assert_eq!(
        (seen.method.as_str(), seen.path.as_str()),
        ("PUT", "/v1/items/item_1")
    );
    assert_eq!(seen.query, None);
    seen.assert_common_headers(Some("application/json"));
    assert_eq!(seen.header("x-item-revision"), Some("3"));
    assert_eq!(&seen.body[..], br#"{"name":"Lamp","price":4500}"#);
}

#[tokio::test]
async fn delete_without_a_body_succeeds_on_204_with_unit() {
    let (client, log) = server(204, "").await;
    let response = client.delete_item().item_id("item_1").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let () = response.into_inner();
    let seen = only(&log);
    assert_eq!(
        (seen.method.as_str(), seen.path.as_str()),
        ("DELETE", "/v1/items/item_1")
    );
    assert_eq!(seen.query, None);
    seen.assert_common_headers(None);
    assert!(seen.body.is_empty(), "{:?}", seen.body);
}

/// The gateway's error body still decodes for an operation whose success has none.
#[tokio::test]
async fn delete_without_a_body_reports_the_documented_error() {
    let (client, _log) = server(
        400,
        r#"{"error":{"code":"BAD_REQUEST_ERROR","description":"The item is in use","field":"item_id"}}"#,
    )
    .await;
    let err = client
        .delete_item()
        .item_id("item_1")
        .send()
        .await
        .unwrap_err();
    let api = err.api().expect("the documented error body");
    assert_eq!(api.code(), Some("BAD_REQUEST_ERROR"));
    assert_eq!(api.message(), "The item is in use");
    assert_eq!(api.field(), Some("item_id"));
    assert_eq!(err.status(), Some(StatusCode::BAD_REQUEST));
}

#[tokio::test]
async fn post_without_a_body_succeeds_on_an_empty_200_with_unit() {
    let (client, log) = server(200, "").await;
    let response = client
        .archive_item()
        .item_id("item_1")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let () = response.into_inner();
    let seen = only(&log);
    assert_eq!(
        (seen.method.as_str(), seen.path.as_str()),
        ("POST", "/v1/items/item_1/archive")
    );
    seen.assert_common_headers(None);
    assert!(seen.body.is_empty(), "{:?}", seen.body);
}

#[tokio::test]
async fn a_bare_json_array_decodes_into_a_vec() {
    let (client, log) = server(
        200,
        r#"[{"id":"tag_1","label":"red"},{"id":"tag_2","label":"blue","added_later":1}]"#,
    )
    .await;
    let tags = client
        .list_item_tags()
        .item_id("item_1")
        .send()
        .await
        .unwrap()
        .into_inner();
    let tags: Vec<_> = tags
        .iter()
        .map(|t| (t.id.as_str(), t.label.as_str()))
        .collect();
    assert_eq!(tags, [("tag_1", "red"), ("tag_2", "blue")]);
    let seen = only(&log);
    assert_eq!(
        (seen.method.as_str(), seen.path.as_str()),
        ("GET", "/v1/items/item_1/tags")
    );
    assert_eq!(seen.query, None);
    seen.assert_common_headers(None);
    assert!(seen.body.is_empty());
}

/// Two path parameters, each encoded as one segment; a DELETE answered with a body.
#[tokio::test]
async fn delete_with_two_path_parameters_returns_a_body() {
    let (client, log) = server(200, r#"{"id":"tag 1","label":"red"}"#).await;
    let tag = client
        .remove_item_tag()
        .item_id("item/1")
        .tag_id("tag 1")
        .send()
        .await
        .unwrap();
    assert_eq!((tag.id.as_str(), tag.label.as_str()), ("tag 1", "red"));
    let seen = only(&log);
    assert_eq!(
        (seen.method.as_str(), seen.path.as_str()),
        ("DELETE", "/v1/items/item%2F1/tags/tag%201")
    );
    seen.assert_common_headers(None);
    assert!(seen.body.is_empty());
}

/// One part of a `multipart/form-data` body.
#[derive(Debug, PartialEq)]
struct Part {
    name: String,
    file_name: Option<String>,
    content_type: Option<String>,
    bytes: Vec<u8>,
}

/// The parts of a multipart body, read by hand (RFC 7578) from the boundary in `content_type`.
fn parts(content_type: &str, body: &[u8]) -> Vec<Part> {
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("not multipart/form-data: {content_type}"));
    let delimiter = format!("--{boundary}");
    let text = body.to_vec();
    let mut parts = Vec::new();
    let mut rest = &text[..];
    // The body starts with the first delimiter and ends with the closing one, `--` after it.
    rest = rest
        .strip_prefix(delimiter.as_bytes())
        .expect("starts with a delimiter");
    loop {
        if rest.starts_with(b"--") {
            assert_eq!(rest, b"--\r\n", "nothing after the closing delimiter");
            break;
        }
        rest = rest.strip_prefix(b"\r\n").expect("CRLF after a delimiter");
        let end = find(rest, format!("\r\n{delimiter}").as_bytes()).expect("a next delimiter");
        let part = &rest[..end];
        rest = &rest[end + 2 + delimiter.len()..];
        let head_end = find(part, b"\r\n\r\n").expect("headers end with a blank line");
        let head = std::str::from_utf8(&part[..head_end]).unwrap();
        let bytes = part[head_end + 4..].to_vec();
        let mut name = None;
        let mut file_name = None;
        let mut content_type = None;
        for line in head.split("\r\n") {
            let (key, value) = line.split_once(": ").expect("a header line");
            match key.to_ascii_lowercase().as_str() {
                "content-disposition" => {
                    let mut params = value.split("; ");
                    assert_eq!(params.next(), Some("form-data"));
                    for param in params {
                        let (k, v) = param.split_once('=').unwrap();
                        let v = v.trim_matches('"').to_owned();
                        match k {
                            "name" => name = Some(v),
                            "filename" => file_name = Some(v),
                            other => panic!("unexpected parameter {other}"),
                        }
                    }
                }
                "content-type" => content_type = Some(value.to_owned()),
                other => panic!("unexpected part header {other}"),
            }
        }
        parts.push(Part {
            name: name.expect("a part has a name"),
            file_name,
            content_type,
            bytes,
        });
    }
    parts
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn text_part(name: &str, text: &str) -> Part {
    Part {
        name: name.to_owned(),
        file_name: None,
        content_type: None,
        bytes: text.as_bytes().to_vec(),
    }
}

/// A file and text fields as `multipart/form-data`: the file part with its name, file name,
/// media type and exact bytes (not UTF-8), each present text field as a part of its own, an
/// absent optional field as no part.
#[tokio::test]
async fn multipart_upload_sends_the_file_and_each_field() {
    let (client, log) = server(200, r#"{"id":"doc_1","purpose":"kyc","size":12}"#).await;
    let pdf: &[u8] = b"%PDF-1.4\x00\xff\r\n--x";
    let document = client
        .upload_document()
        .body(
            types::UploadDocumentBody::builder()
                .file(File::new("id proof.pdf", pdf.to_vec()).media_type("application/pdf"))
                .purpose("kyc")
                .pages(std::num::NonZeroU64::new(2).unwrap()),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        (
            document.id.as_str(),
            document.purpose.as_str(),
            document.size
        ),
        ("doc_1", "kyc", 12)
    );
    let seen = only(&log);
    assert_eq!(
        (seen.method.as_str(), seen.path.as_str()),
        ("POST", "/v1/documents")
    );
    assert_eq!(seen.query, None);
    let content_type = seen.header("content-type").expect("a content type");
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    seen.assert_common_headers(Some(content_type));
    assert_eq!(
        parts(content_type, &seen.body),
        [
            text_part("pages", "2"),
            text_part("purpose", "kyc"),
            Part {
                name: "file".into(),
                file_name: Some("id proof.pdf".into()),
                content_type: Some("application/pdf".into()),
                bytes: pdf.to_vec(),
            },
        ]
    );
}

/// A file given no media type goes as `application/octet-stream`, as `File::media_type` says.
#[tokio::test]
async fn a_file_without_a_media_type_is_sent_as_octet_stream() {
    let (client, log) = server(200, r#"{"id":"doc_2","purpose":"kyc","size":3}"#).await;
    client
        .upload_document()
        .body(
            types::UploadDocumentBody::builder()
                .file(File::new("scan.bin", vec![1, 2, 3]))
                .purpose("kyc"),
        )
        .send()
        .await
        .unwrap();
    let seen = only(&log);
    let content_type = seen.header("content-type").unwrap().to_owned();
    assert_eq!(
        parts(&content_type, &seen.body),
        [
            text_part("purpose", "kyc"),
            Part {
                name: "file".into(),
                file_name: Some("scan.bin".into()),
                content_type: Some("application/octet-stream".into()),
                bytes: vec![1, 2, 3],
            },
        ]
    );
}

/// An operation whose spec names another server (`/v2`) goes to the base URL with `/v1`
/// replaced.
#[tokio::test]
async fn an_operation_on_the_second_server_goes_to_v2() {
    let (client, log) = server(200, r#"{"id":"acc_1","email":"a@example.com"}"#).await;
    assert!(client.base_url().ends_with("/v1"), "{}", client.base_url());
    let account = client
        .create_account()
        .body(
            types::AccountRequest::builder()
                .email("a@example.com")
                .name("A".to_owned()),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        (account.id.as_str(), account.email.as_str()),
        ("acc_1", "a@example.com")
    );
    let seen = only(&log);
    assert_eq!(
        (seen.method.as_str(), seen.path.as_str()),
        ("POST", "/v2/accounts")
    );
    assert_eq!(seen.query, None);
    seen.assert_common_headers(Some("application/json"));
    assert_eq!(&seen.body[..], br#"{"email":"a@example.com","name":"A"}"#);
}

/// An array query parameter is repeated, one pair per element, in the order given. The name's
/// brackets are percent-encoded as the query component requires (RFC 3986 keeps `[` and `]`
/// for hosts): decoded, the query is exactly `expand[]=card&expand[]=emi`.
#[tokio::test]
async fn an_array_query_parameter_is_repeated() {
    let (client, log) = server(
        200,
        r#"{"id":"pay_1","amount":500,"card":{"last4":"1111"},"emi":{"duration":6}}"#,
    )
    .await;
    let payment = client
        .fetch_payment()
        .payment_id("pay_1")
        .expand(vec![
            types::FetchPaymentExpandItem::Card,
            types::FetchPaymentExpandItem::Emi,
        ])
        .send()
        .await
        .unwrap();
    assert_eq!((payment.id.as_str(), payment.amount), ("pay_1", 500));
    assert_eq!(payment.card.as_ref().unwrap().last4, "1111");
    assert_eq!(payment.emi.as_ref().unwrap().duration, 6);
    let seen = only(&log);
    assert_eq!(
        (seen.method.as_str(), seen.path.as_str()),
        ("GET", "/v1/payments/pay_1")
    );
    let query = seen.query.as_deref().unwrap();
    assert_eq!(query, "expand%5B%5D=card&expand%5B%5D=emi");
    assert_eq!(
        percent_encoding::percent_decode_str(query)
            .decode_utf8()
            .unwrap(),
        "expand[]=card&expand[]=emi"
    );
    seen.assert_common_headers(None);
    assert!(seen.body.is_empty());
}

/// An empty array sends no pair at all; absent, the parameter is not sent either.
#[tokio::test]
async fn an_empty_or_absent_array_query_parameter_sends_nothing() {
    let (client, log) = server(200, r#"{"id":"pay_1","amount":500}"#).await;
    client
        .fetch_payment()
        .payment_id("pay_1")
        .expand(Vec::new())
        .send()
        .await
        .unwrap();
    client
        .fetch_payment()
        .payment_id("pay_1")
        .send()
        .await
        .unwrap();
    let seen = log.lock().unwrap();
    assert_eq!(seen.len(), 2);
    assert!(seen.iter().all(|s| s.query.is_none()), "{seen:?}");
}

#[tokio::test]
async fn a_query_only_get_sends_the_date_range() {
    let (client, log) = server(
        200,
        r#"{"count":1,"items":[{"id":"setl_1","amount":10000,"created_at":1700003600}]}"#,
    )
    .await;
    let page = client
        .list_settlements()
        .from(1_700_000_000)
        .to(1_700_086_400)
        .count(std::num::NonZeroU64::new(10).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(page.count, 1);
    let items: Vec<_> = page
        .items
        .iter()
        .map(|s| (s.id.as_str(), s.amount, s.created_at))
        .collect();
    assert_eq!(items, [("setl_1", 10000, 1_700_003_600)]);
    let seen = only(&log);
    assert_eq!(
        (seen.method.as_str(), seen.path.as_str()),
        ("GET", "/v1/settlements")
    );
    // Builder order (progenitor sorts the parameters by name), each once.
    assert_eq!(
        seen.query.as_deref(),
        Some("count=10&from=1700000000&to=1700086400")
    );
    seen.assert_common_headers(None);
    assert!(seen.body.is_empty());
}

/// On every shape, an argument the spec does not allow is refused before anything is sent,
/// with `Error::InvalidRequest` naming the field as the spec does.
#[tokio::test]
async fn invalid_arguments_are_refused_before_sending() {
    let (client, log) = server(200, "{}").await;
    let long = "x".repeat(21);
    assert_refused(
        client
            .replace_item()
            .item_id(" ")
            .body(types::ItemRequest::builder().name("Lamp"))
            .send()
            .await,
        "item_id",
        Some(" "),
    );
    assert_refused(
        client
            .replace_item()
            .item_id("item_1")
            .body(types::ItemRequest::builder().name("x".repeat(41)))
            .send()
            .await,
        "name",
        None,
    );
    assert_refused(
        client.delete_item().item_id("..").send().await,
        "item_id",
        Some(".."),
    );
    assert_refused(
        client.archive_item().item_id(".").send().await,
        "item_id",
        Some("."),
    );
    assert_refused(
        client.list_item_tags().item_id("").send().await,
        "item_id",
        Some(""),
    );
    assert_refused(
        client
            .remove_item_tag()
            .item_id("item_1")
            .tag_id("\t")
            .send()
            .await,
        "tag_id",
        Some("\t"),
    );
    assert_refused(
        client
            .remove_item_tag()
            .item_id("..")
            .tag_id("tag_1")
            .send()
            .await,
        "item_id",
        Some(".."),
    );
    assert_refused(
        client
            .upload_document()
            .body(
                types::UploadDocumentBody::builder()
                    .file(File::new("a.pdf", vec![1]))
                    .purpose(long.as_str()),
            )
            .send()
            .await,
        "purpose",
        Some(&long),
    );
    // A required file not given: the builder cannot assemble the body.
    assert_refused(
        client
            .upload_document()
            .body(types::UploadDocumentBody::builder().purpose("kyc"))
            .send()
            .await,
        "body",
        None,
    );
    assert_refused(
        client
            .upload_document()
            .body(
                types::UploadDocumentBody::builder()
                    .file(File::new("a.pdf", vec![1]).media_type("not a media type"))
                    .purpose("kyc"),
            )
            .send()
            .await,
        "file",
        Some("not a media type"),
    );
    assert_refused(
        client
            .create_account()
            .body(types::AccountRequest::builder().email(format!("{}@example.com", "a".repeat(80))))
            .send()
            .await,
        "email",
        None,
    );
    assert_refused(
        client.fetch_payment().payment_id(" ").send().await,
        "payment_id",
        Some(" "),
    );
    assert_refused(
        client
            .list_settlements()
            .count(std::num::NonZeroU64::new(101).unwrap())
            .send()
            .await,
        "count",
        Some("101"),
    );
    assert_refused(
        client.list_settlements().from(-1).send().await,
        "from",
        Some("-1"),
    );
    assert!(log.lock().unwrap().is_empty(), "nothing reached the server");
}
