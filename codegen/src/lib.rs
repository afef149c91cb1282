//! Turns paygate's OpenAPI documents into Rust source.
//!
//! `build.rs` calls [`generate`] for every entry of [`APIS`]; `cargo xtask` calls the same code
//! to check that the committed snapshots are current. Progenitor does the heavy lifting; this
//! crate adds what it cannot do alone:
//! - [`compat`] rejects, with the file and the operation named, the spec shapes progenitor
//!   would otherwise `assert!` on without saying where;
//! - [`open_enum`] gives every open enum of the spec a Rust enum with a catch-all variant;
//! - [`loosen`] leaves request limits to the pre-request check, which names field and value,
//!   and lets progenitor generate the fields of a `multipart/form-data` body;
//! - [`client`] makes the operations methods of `paygate::Client<G>` and removes progenitor's
//!   client;
//! - [`send`] writes every operation's `send`: a typed request handed to paygate's transport
//!   (`src/core/`), which returns `paygate::Error`;
//! - [`inspect`] has the client check what a success body's type cannot say.
//!
//! Every pass reads progenitor's output as a syntax tree, never as printed text.

pub mod client;
pub mod compat;
pub mod fields;
pub mod inspect;
pub mod loosen;
pub mod nullable;
pub mod open_enum;
pub mod send;
pub mod spec_facts;

use std::fmt;
use std::path::{Path, PathBuf};

use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl};
use quote::quote;

/// One API of paygate: its spec and the Rust module the generated code is included in.
#[derive(Debug, Clone, Copy)]
pub struct Api {
    /// Module name under `paygate::`, also the file stem in `OUT_DIR` and of the spec.
    pub name: &'static str,
    /// Spec path relative to the workspace root.
    pub spec: &'static str,
    /// The gateway's marker type in the module (`Razorpay`): the operations become methods of
    /// `crate::Client<crate::<name>::<gateway>>`.
    pub gateway: &'static str,
    /// Component schemas replaced by hand-written Rust types: (schema name, Rust path).
    pub replacements: &'static [(&'static str, &'static str)],
}

impl Api {
    /// Path of the module that includes the generated code; replacement and open-enum types are
    /// referred to through it.
    pub fn generated_module(&self) -> String {
        format!("crate::{}::generated", self.name)
    }
}

/// Every API paygate generates a client for.
pub const APIS: &[Api] = &[
    Api {
        name: "razorpay",
        spec: "openapi/razorpay.yaml",
        gateway: "Razorpay",
        replacements: &[
            ("Notes", "crate::razorpay::Notes"),
            ("NotesInput", "crate::razorpay::Notes"),
            // Checked by the pre-request hook from `REQUEST_LIMITS`, whose error names the
            // header and the value; a generated newtype would refuse it in the builder, where
            // progenitor drops both.
            ("RefundIdempotencyKey", "::std::string::String"),
        ],
    },
    Api {
        name: "ippopay",
        spec: "openapi/ippopay.yaml",
        gateway: "Ippopay",
        replacements: &[
            ("Rupees", "crate::ippopay::Rupees"),
            ("RupeesAmount", "crate::ippopay::Rupees"),
        ],
    },
];

/// Why a spec could not be turned into Rust. Every message starts with the spec file.
#[derive(Debug)]
pub struct CodegenError {
    pub spec: PathBuf,
    pub problems: Vec<String>,
}

impl fmt::Display for CodegenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}: {}", self.spec.display(), problem)?;
        }
        Ok(())
    }
}

impl std::error::Error for CodegenError {}

/// Reads and parses an OpenAPI document (YAML or JSON).
pub fn load_spec(path: &Path) -> Result<openapiv3::OpenAPI, CodegenError> {
    let fail = |problem: String| CodegenError {
        spec: path.to_owned(),
        problems: vec![problem],
    };
    let text = std::fs::read_to_string(path).map_err(|e| fail(format!("cannot read: {e}")))?;
    parse_spec(&text).map_err(fail)
}

/// Parses an OpenAPI document's text (YAML or JSON).
fn parse_spec(text: &str) -> Result<openapiv3::OpenAPI, String> {
    serde_yaml_ng::from_str(text).map_err(|e| format!("not an OpenAPI 3.0 document: {e}"))
}

/// Generates the formatted Rust source of one API's client from the spec under `root`.
pub fn generate(api: &Api, root: &Path) -> Result<String, CodegenError> {
    let path = root.join(api.spec);
    let spec = load_spec(&path)?;
    generate_from(api, &path, &spec)
}

/// Generates the formatted Rust source of one API's client from an already parsed spec.
pub fn generate_from(
    api: &Api,
    path: &Path,
    spec: &openapiv3::OpenAPI,
) -> Result<String, CodegenError> {
    let fail = |problems: Vec<String>| CodegenError {
        spec: path.to_owned(),
        problems,
    };
    let mut problems = compat::broken_refs(spec);
    problems.extend(compat::check(spec));
    if !problems.is_empty() {
        return Err(fail(problems));
    }
    let lowered = nullable::lower(spec).map_err(|problem| fail(vec![problem]))?;
    let spec = &lowered;
    let open_enums = open_enum::collect(spec).map_err(fail)?;
    let operations = spec_facts::operations(spec).map_err(fail)?;

    let mut settings = GenerationSettings::default();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        // paygate writes every `send` itself (`send`), so progenitor's hooks are never called.
        .with_hooks(HooksMode::Expected)
        .with_map_type("::std::collections::BTreeMap");
    let module = api.generated_module();
    for open_enum in &open_enums {
        settings.with_replacement(
            &open_enum.name,
            format!("{module}::types::{}", open_enum.name),
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        );
    }
    for (schema, rust_type) in api.replacements {
        settings.with_replacement(schema, rust_type, std::iter::empty());
    }
    settings.with_replacement(loosen::FILE_SCHEMA, "crate::File", std::iter::empty());

    // Progenitor reports most problems as errors; the shapes it would `assert!` on are refused
    // above by `compat`, with the operation named.
    let for_types = loosen::loosen(spec);
    let tokens = Generator::new(&settings)
        .generate_tokens(&for_types)
        .map_err(|e| fail(vec![format!("progenitor: {e}")]))?;

    let mut file: syn::File = syn::parse2(tokens)
        .map_err(|e| fail(vec![format!("generated code does not parse: {e}")]))?;
    let generated = |e: String| fail(vec![format!("generated code: {e}")]);
    open_enum::inject(&mut file, &open_enums).map_err(generated)?;
    let gateway_client: syn::Type = syn::parse_str(&format!(
        "crate::Client<crate::{}::{}>",
        api.name, api.gateway
    ))
    .map_err(|e| generated(e.to_string()))?;
    client::adopt(&mut file, &gateway_client).map_err(generated)?;
    send::rewrite(&mut file, &operations).map_err(generated)?;
    inspect::implement(&mut file, spec).map_err(generated)?;
    file.items
        .push(default_base_url(spec).map_err(|problem| fail(vec![problem]))?);
    let server_path = spec_facts::default_server_path(spec);
    file.items.push(syn::parse_quote! {
        /// The path of the default server's URL: an operation on another server of the spec is
        /// sent to the base URL with this ending replaced by its server's path.
        pub const DEFAULT_SERVER_PATH: &str = #server_path;
    });
    let rows = request_limit_rows(spec);
    file.items
        .push(operations_table(&operations, &rows).map_err(|problem| fail(vec![problem]))?);
    file.items.push(request_limits(&rows));
    Ok(prettyplease::unparse(&file))
}

/// `OPERATIONS`: for each operation, its id, method, path template, server, its `rows` of
/// `REQUEST_LIMITS` (the generator writes an operation's rows together) and the header that
/// carries its idempotency key (a header parameter marked `x-idempotency-key: true`, see
/// `openapi/README.md`), so the client checks a request without looking anything up.
fn operations_table(
    operations: &[spec_facts::OperationFacts],
    rows: &[RequestLimit],
) -> Result<syn::Item, String> {
    let mut entries = Vec::new();
    for operation in operations {
        let id = &operation.id;
        let start = rows
            .iter()
            .position(|row| row.operation == *id)
            .unwrap_or(0);
        let len = rows[start..]
            .iter()
            .take_while(|row| row.operation == *id)
            .count();
        if rows.iter().filter(|row| row.operation == *id).count() != len {
            return Err(format!(
                "operation {id}: its request limits are not written together"
            ));
        }
        let end = start + len;
        let idempotency = match operation.parameters.iter().find(|p| p.idempotency_key) {
            Some(parameter) => {
                let header = &parameter.name;
                quote!(Some(#header))
            }
            None => quote!(None),
        };
        let method = quote::format_ident!("{}", operation.method.to_uppercase());
        let path = &operation.path;
        let server_path = match &operation.server_path {
            Some(server) => quote!(Some(#server)),
            None => quote!(None),
        };
        entries.push(quote! {
            crate::core::profile::Operation {
                id: #id,
                method: reqwest::Method::#method,
                path: #path,
                server_path: #server_path,
                limits: REQUEST_LIMITS.split_at(#end).0.split_at(#start).1,
                idempotency_header: #idempotency,
            }
        });
    }
    Ok(syn::parse_quote! {
        /// Every operation of the spec: its `operationId`, method, path template, server,
        /// request limits and idempotency key header, as in the spec.
        pub(crate) const OPERATIONS: &[crate::core::profile::Operation] = &[#(#entries),*];
    })
}

/// `DEFAULT_BASE_URL`: the spec's first server, where a client sends requests unless told
/// otherwise.
fn default_base_url(spec: &openapiv3::OpenAPI) -> Result<syn::Item, String> {
    let url = spec
        .servers
        .first()
        .map(|server| server.url.trim_end_matches('/'))
        .ok_or("servers: the first server is the default base URL; the spec lists none")?;
    Ok(syn::parse_quote! {
        /// The API root the spec names first (`servers[0].url`): a client's default base URL.
        pub const DEFAULT_BASE_URL: &str = #url;
    })
}

/// `REQUEST_LIMITS`: the limits the spec puts on request fields (top-level body properties,
/// query and header parameters), so that the pre-request check (`crate::core::validate`) enforces
/// what the spec says and keeps no copy of its own.
fn request_limits(rows: &[RequestLimit]) -> syn::Item {
    let rows: Vec<_> = rows.iter().map(row).collect();
    syn::parse_quote! {
        /// The limits the spec puts on request fields, enforced before a request is sent.
        pub(crate) const REQUEST_LIMITS: &[crate::core::validate::FieldLimits] = &[#(#rows),*];
    }
}

/// One row of `REQUEST_LIMITS`: the limits of one request field of one operation.
#[derive(Debug)]
pub struct RequestLimit {
    /// The operation's `operationId`.
    pub operation: String,
    /// `"body"` (a top-level property of the JSON body), `"query"` or `"header"`.
    pub location: &'static str,
    /// The field's name in the spec.
    pub field: String,
    /// What the spec states.
    pub limits: Limits,
}

/// The rows `REQUEST_LIMITS` is generated from, for the spec in `text` (YAML or JSON), read as
/// `build.rs` reads it; tests use it to see the client follow an edited spec.
pub fn request_limits_of(text: &str) -> Result<Vec<RequestLimit>, String> {
    Ok(request_limit_rows(&nullable::lower(&parse_spec(text)?)?))
}

/// The limits of every request field of `spec` that has any.
pub fn request_limit_rows(spec: &openapiv3::OpenAPI) -> Vec<RequestLimit> {
    let mut rows = Vec::new();
    let mut push = |operation: &str, location, field: &str, limits| {
        rows.push(RequestLimit {
            operation: operation.to_owned(),
            location,
            field: field.to_owned(),
            limits,
        })
    };
    for (_, item, _, op) in spec_facts::with_path_items(spec) {
        let Some(operation) = op.operation_id.as_deref() else {
            continue;
        };
        for parameter in spec_facts::parameters(spec, item, op) {
            let (location, parameter_data) = match parameter {
                openapiv3::Parameter::Query { parameter_data, .. } => ("query", parameter_data),
                openapiv3::Parameter::Header { parameter_data, .. } => ("header", parameter_data),
                _ => continue,
            };
            if let openapiv3::ParameterSchemaOrContent::Schema(schema) = &parameter_data.format
                && let Some(schema) = resolve(spec, schema)
                && let Some(limits) = limits_of(spec, schema)
            {
                push(operation, location, &parameter_data.name, limits);
            }
        }
        // Request bodies are written inline in paygate's specs.
        let Some(body) = op
            .request_body
            .as_ref()
            .and_then(openapiv3::ReferenceOr::as_item)
        else {
            continue;
        };
        let Some(schema) = body
            .content
            .get("application/json")
            .and_then(|media| media.schema.as_ref())
            .and_then(|schema| resolve(spec, schema))
        else {
            continue;
        };
        if let openapiv3::SchemaKind::Type(openapiv3::Type::Object(object)) = &schema.schema_kind {
            for (name, property) in &object.properties {
                if let Some(limits) = resolve_boxed(spec, property)
                    .map(|p| through_all_of(spec, p))
                    .and_then(|p| limits_of(spec, p))
                {
                    push(operation, "body", name, limits);
                }
            }
        }
    }
    rows
}

/// The limits of one field, when it has any (see `crate::core::validate::FieldLimits` in
/// paygate, which mirrors it).
#[derive(Debug, Default)]
#[allow(missing_docs)]
pub struct Limits {
    pub minimum: Option<i64>,
    pub maximum: Option<i64>,
    pub decimal: Option<DecimalLimits>,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub pattern: Option<String>,
    pub max_properties: Option<usize>,
    pub key_max_length: Option<usize>,
    pub value_max_length: Option<usize>,
}

fn limits_of(spec: &openapiv3::OpenAPI, schema: &openapiv3::Schema) -> Option<Limits> {
    use openapiv3::{SchemaKind, Type};
    let mut limits = Limits::default();
    match &schema.schema_kind {
        SchemaKind::Type(Type::Integer(integer)) => {
            limits.minimum = integer
                .minimum
                .map(|m| m + i64::from(integer.exclusive_minimum));
            limits.maximum = integer
                .maximum
                .map(|m| m - i64::from(integer.exclusive_maximum));
        }
        SchemaKind::Type(Type::Number(number)) => {
            // Decimal text, so that the check compares exact decimals (0.01 is not a binary
            // fraction); `f64`'s `Display` is the shortest text that reads back the same.
            let text = |n: f64| n.to_string();
            let decimal = DecimalLimits {
                minimum: number.minimum.map(text),
                exclusive_minimum: number.exclusive_minimum,
                maximum: number.maximum.map(text),
                exclusive_maximum: number.exclusive_maximum,
                multiple_of: number.multiple_of.map(text),
            };
            let any = decimal.minimum.is_some()
                || decimal.maximum.is_some()
                || decimal.multiple_of.is_some();
            limits.decimal = any.then_some(decimal);
        }
        SchemaKind::Type(Type::String(string)) => {
            limits.min_length = string.min_length;
            limits.max_length = string.max_length;
            limits.pattern = string.pattern.clone();
        }
        SchemaKind::Type(Type::Object(object)) => {
            limits.max_properties = object.max_properties;
            // OpenAPI 3.0 has no `propertyNames`; the spec states key limits as `x-propertyNames`.
            limits.key_max_length = schema
                .schema_data
                .extensions
                .get("x-propertyNames")
                .and_then(|names| names.get("maxLength"))
                .and_then(serde_json::Value::as_u64)
                .and_then(|n| usize::try_from(n).ok());
            if let Some(openapiv3::AdditionalProperties::Schema(values)) =
                &object.additional_properties
                && let Some(values) = resolve(spec, values)
                && let SchemaKind::Type(Type::String(string)) = &values.schema_kind
            {
                limits.value_max_length = string.max_length;
            }
        }
        _ => return None,
    }
    let any = limits.minimum.is_some()
        || limits.maximum.is_some()
        || limits.decimal.is_some()
        || limits.min_length.is_some()
        || limits.max_length.is_some()
        || limits.pattern.is_some()
        || limits.max_properties.is_some()
        || limits.key_max_length.is_some()
        || limits.value_max_length.is_some();
    any.then_some(limits)
}

/// Limits of a number, as decimal text.
#[derive(Debug)]
#[allow(missing_docs)]
pub struct DecimalLimits {
    pub minimum: Option<String>,
    pub exclusive_minimum: bool,
    pub maximum: Option<String>,
    pub exclusive_maximum: bool,
    pub multiple_of: Option<String>,
}

/// The schema behind `allOf: [$ref]` with nothing else beside it but annotations (the form a
/// property uses to add a description to a component); any other schema as it is.
fn through_all_of<'a>(
    spec: &'a openapiv3::OpenAPI,
    schema: &'a openapiv3::Schema,
) -> &'a openapiv3::Schema {
    match &schema.schema_kind {
        openapiv3::SchemaKind::AllOf { all_of } if all_of.len() == 1 => {
            resolve(spec, &all_of[0]).unwrap_or(schema)
        }
        _ => schema,
    }
}

pub(crate) fn resolve<'a>(
    spec: &'a openapiv3::OpenAPI,
    schema: &'a openapiv3::ReferenceOr<openapiv3::Schema>,
) -> Option<&'a openapiv3::Schema> {
    match schema {
        openapiv3::ReferenceOr::Item(schema) => Some(schema),
        openapiv3::ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/schemas/")?;
            resolve(spec, spec.components.as_ref()?.schemas.get(name)?)
        }
    }
}

fn resolve_boxed<'a>(
    spec: &'a openapiv3::OpenAPI,
    schema: &'a openapiv3::ReferenceOr<Box<openapiv3::Schema>>,
) -> Option<&'a openapiv3::Schema> {
    match schema {
        openapiv3::ReferenceOr::Item(schema) => Some(schema),
        openapiv3::ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/schemas/")?;
            resolve(spec, spec.components.as_ref()?.schemas.get(name)?)
        }
    }
}

fn row(row: &RequestLimit) -> proc_macro2::TokenStream {
    // The operation is not written: each operation's rows are its own `Operation::limits`.
    let RequestLimit {
        operation: _,
        location,
        field,
        limits,
    } = row;
    fn opt<T: quote::ToTokens>(value: Option<T>) -> proc_macro2::TokenStream {
        match value {
            Some(value) => quote!(Some(#value)),
            None => quote!(None),
        }
    }
    let int = |v: Option<i64>| opt(v.map(proc_macro2::Literal::i64_unsuffixed));
    let size = |v: Option<usize>| opt(v.map(proc_macro2::Literal::usize_unsuffixed));
    let (minimum, maximum) = (int(limits.minimum), int(limits.maximum));
    let decimal = opt(limits.decimal.as_ref().map(|d| {
        let minimum = opt(d.minimum.as_deref());
        let maximum = opt(d.maximum.as_deref());
        let multiple_of = opt(d.multiple_of.as_deref());
        let (exclusive_minimum, exclusive_maximum) = (d.exclusive_minimum, d.exclusive_maximum);
        quote! {
            crate::core::validate::DecimalLimits {
                minimum: #minimum,
                exclusive_minimum: #exclusive_minimum,
                maximum: #maximum,
                exclusive_maximum: #exclusive_maximum,
                multiple_of: #multiple_of,
            }
        }
    }));
    let min_length = size(limits.min_length);
    let max_length = size(limits.max_length);
    let pattern = opt(limits.pattern.as_deref());
    let max_properties = size(limits.max_properties);
    let key_max_length = size(limits.key_max_length);
    let value_max_length = size(limits.value_max_length);
    quote! {
        crate::core::validate::FieldLimits {
            location: #location,
            field: #field,
            minimum: #minimum,
            maximum: #maximum,
            decimal: #decimal,
            min_length: #min_length,
            max_length: #max_length,
            pattern: #pattern,
            max_properties: #max_properties,
            key_max_length: #key_max_length,
            value_max_length: #value_max_length,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(paths: &str, schemas: &str) -> openapiv3::OpenAPI {
        let text = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\nservers: [{{url: 'https://api.example/v1/'}}]\npaths:\n{paths}\ncomponents:\n  schemas:\n{schemas}"
        );
        serde_yaml_ng::from_str(&text).expect("test spec parses")
    }

    #[test]
    fn a_broken_ref_is_one_line_before_progenitor_can_panic() {
        let spec = spec(
            "  /things:\n    get:\n      operationId: list_things\n      responses:\n        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Missing'}}}}",
            "    A: {type: string}",
        );
        let api = Api {
            name: "t",
            spec: "t.yaml",
            gateway: "T",
            replacements: &[],
        };
        let err = generate_from(&api, Path::new("t.yaml"), &spec).unwrap_err();
        assert_eq!(
            err.problems,
            ["`$ref: #/components/schemas/Missing` points to nothing"]
        );
    }

    const A_AND_B: &str = "    A: {type: object, properties: {a: {type: string}}}\n    B: {type: object, properties: {b: {type: string}}}\n";

    #[test]
    fn a_spec_progenitor_would_assert_on_names_file_and_operation() {
        let spec = spec(
            "  /things:\n    get:\n      operationId: list_things\n      responses:\n        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/A'}}}}\n        '201': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/B'}}}}",
            A_AND_B,
        );
        let err = generate_from(&APIS[0], Path::new("openapi/things.yaml"), &spec).unwrap_err();
        assert_eq!(
            err.to_string(),
            "openapi/things.yaml: paths./things.get: 2 different success response schemas; progenitor needs one"
        );
    }

    #[test]
    fn every_path_parameter_is_checked_before_the_url_is_built() {
        let spec = spec(
            "  /things/{thing_id}/parts/{part_id}:\n    get:\n      operationId: fetch_part\n      parameters:\n        - {name: thing_id, in: path, required: true, schema: {type: string}}\n        - {name: part_id, in: path, required: true, schema: {type: string}}\n      responses:\n        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/A'}}}}",
            A_AND_B,
        );
        let source = generate_from(&APIS[0], Path::new("s.yaml"), &spec).unwrap();
        let send = &source[source.find("pub async fn send").unwrap()..];
        // Compared without whitespace: the layout is prettyplease's.
        let send: String = send.chars().filter(|c| !c.is_whitespace()).collect();
        // Each path parameter goes to the request by its spec name, where it is checked and
        // encoded (`paygate::core::request::Request::path`); no URL is formatted here.
        assert!(
            send.contains(r#".path("thing_id",thing_id).path("part_id",part_id);"#),
            "{send}"
        );
        assert!(!send.contains("format!"), "{send}");
    }

    #[test]
    fn an_open_enum_value_that_cannot_be_a_variant_is_reported() {
        let spec = spec(
            "  {}",
            "    Kind:\n      anyOf:\n        - {type: string, enum: [a-b, a_b]}\n        - {type: string}\n",
        );
        let err = generate_from(&APIS[0], Path::new("s.yaml"), &spec).unwrap_err();
        assert!(
            err.to_string().contains(
                "components.schemas.Kind: values \"a-b\" and \"a_b\" both become variant `AB`"
            ),
            "{err}"
        );
    }

    #[test]
    fn base_url_operations_and_header_limits_come_from_the_spec() {
        let spec = spec(
            "  /things:\n    post:\n      operationId: create_thing\n      parameters:\n        - {name: Idem-Key, in: header, x-idempotency-key: true, schema: {type: string, minLength: 8, pattern: '^[a-z]+$'}}\n        - {name: X-Other, in: header, schema: {type: string}}\n      requestBody: {content: {application/json: {schema: {type: object, properties: {price: {allOf: [{$ref: '#/components/schemas/Price'}], description: d}}}}}}\n      responses:\n        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/A'}}}}",
            "    A: {type: object, properties: {a: {type: string}}}\n    Price: {type: number, minimum: 0, exclusiveMinimum: true, multipleOf: 0.01}\n",
        );
        let source = generate_from(&APIS[0], Path::new("s.yaml"), &spec).unwrap();
        let compact: String = source.split_whitespace().collect();
        assert!(
            compact.contains(r#"pubconstDEFAULT_BASE_URL:&str="https://api.example/v1";"#),
            "{source}"
        );
        assert!(
            compact.contains(
                r#"crate::core::profile::Operation{id:"create_thing",method:reqwest::Method::POST,path:"/things",server_path:None,limits:REQUEST_LIMITS.split_at(2usize).0.split_at(0usize).1,idempotency_header:Some("Idem-Key"),}"#
            ),
            "{source}"
        );
        assert!(
            compact.contains(r#"location:"header",field:"Idem-Key",minimum:None,maximum:None,decimal:None,min_length:Some(8),max_length:None,pattern:Some("^[a-z]+$")"#),
            "{source}"
        );
        assert!(
            compact.contains(r#"field:"price",minimum:None,maximum:None,decimal:Some(crate::core::validate::DecimalLimits{minimum:Some("0"),exclusive_minimum:true,maximum:None,exclusive_maximum:false,multiple_of:Some("0.01"),})"#),
            "{source}"
        );
        assert!(!compact.contains(r#"field:"X-Other""#), "{source}");
    }

    #[test]
    fn a_spec_without_a_server_has_no_default_base_url() {
        let mut spec = spec("  {}", A_AND_B);
        spec.servers.clear();
        let err = generate_from(&APIS[0], Path::new("s.yaml"), &spec).unwrap_err();
        assert!(err.to_string().starts_with("s.yaml: servers:"), "{err}");
    }
}
