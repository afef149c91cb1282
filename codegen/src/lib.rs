//! Turns paygate's OpenAPI documents into Rust source.
//!
//! `build.rs` calls [`generate`] for every entry of [`APIS`] (and of [`TEST_APIS`] for paygate's
//! own tests); `cargo xtask` calls the same code
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
pub mod json_calls;
pub mod loosen;
pub mod nullable;
pub mod open_enum;
pub mod pages;
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
    /// Whether each tag (resource group) of the spec is generated only with its own cargo
    /// feature ([`Api::group_feature`]); otherwise every operation is.
    pub grouped: bool,
    /// Component schemas the hand-written module uses (its error body): generated whatever
    /// groups a build selects.
    pub kept_schemas: &'static [&'static str],
}

impl Api {
    /// Path of the module that includes the generated code; replacement and open-enum types are
    /// referred to through it.
    pub fn generated_module(&self) -> String {
        format!("crate::{}::generated", self.name)
    }

    /// The cargo feature that generates the operations tagged `tag`: the API's name and the
    /// tag in lower case, words joined by `-` (`Payment Links`: `razorpay-payment-links`).
    pub fn group_feature(&self, tag: &str) -> String {
        let words: Vec<String> = tag.split_whitespace().map(str::to_lowercase).collect();
        format!("{}-{}", self.name, words.join("-"))
    }

    /// The part of `doc` a build generates when `enabled(feature)` says which cargo features
    /// are on: every operation of an API that is not grouped, else the groups whose feature is
    /// on, with the components they reach.
    pub fn select(
        &self,
        doc: &paygate_spec::Document,
        enabled: impl Fn(&str) -> bool,
    ) -> Result<paygate_spec::Document, CodegenError> {
        if !self.grouped {
            return Ok(doc.clone());
        }
        paygate_spec::select_tags(
            doc,
            |tag| enabled(&self.group_feature(tag)),
            self.kept_schemas,
        )
        .map_err(|e| CodegenError {
            spec: PathBuf::from(doc.file()),
            problems: vec![e.to_string()],
        })
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
        grouped: true,
        kept_schemas: &["ErrorResponse"],
    },
    Api {
        name: "ippopay",
        spec: "openapi/ippopay.yaml",
        gateway: "Ippopay",
        replacements: &[
            ("Rupees", "crate::ippopay::Rupees"),
            ("RupeesAmount", "crate::ippopay::Rupees"),
        ],
        grouped: false,
        kept_schemas: &[],
    },
];

/// APIs generated only for paygate's own tests, never published: `build.rs` generates one when
/// the hidden feature `test-<name>` is on (paygate's dev-dependency on itself turns it on for
/// `cargo test`). `cargo xtask` does not check or publish them.
pub const TEST_APIS: &[Api] = &[Api {
    // One operation of every shape the Razorpay API uses, proven on the wire
    // by `tests/it/operation_shapes.rs`.
    name: "shapes",
    spec: "tests/shapes/shapes.yaml",
    gateway: "Shapes",
    replacements: &[],
    grouped: false,
    kept_schemas: &[],
}];

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

/// Generates the formatted Rust source of one API's client from the spec under `root` (its
/// root file and fragments, bundled by paygate-spec).
pub fn generate(api: &Api, root: &Path) -> Result<String, CodegenError> {
    let doc = paygate_spec::load(&root.join(api.spec)).map_err(|e| CodegenError {
        spec: PathBuf::from(&e.file),
        problems: vec![format!("{}: {}", e.at, e.message)],
    })?;
    generate_from(api, &doc)
}

/// Generates the formatted Rust source of one API's client from a loaded spec.
pub fn generate_from(api: &Api, doc: &paygate_spec::Document) -> Result<String, CodegenError> {
    let fail = |problems: Vec<String>| CodegenError {
        spec: PathBuf::from(doc.file()),
        problems,
    };
    let mut problems = compat::broken_refs(doc);
    problems.extend(compat::check(doc));
    if !problems.is_empty() {
        return Err(fail(problems));
    }
    let spec = doc.openapi().map_err(|e| fail(vec![e.to_string()]))?;
    let spec = &spec;
    let lowered = nullable::lower(spec).map_err(|problem| fail(vec![problem]))?;
    let spec = &lowered;
    let open_enums = open_enum::collect(doc).map_err(fail)?;
    let operations = spec_facts::operations(doc).map_err(fail)?;

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
    let rows = paygate_spec::request_limits(doc);
    pages::add(&mut file, &operations, &rows).map_err(generated)?;
    json_calls::add(&mut file, &operations).map_err(generated)?;
    file.items
        .push(default_base_url(doc).map_err(|problem| fail(vec![problem]))?);
    let server_path = spec_facts::default_server_path(doc.json());
    file.items.push(syn::parse_quote! {
        /// The path of the default server's URL: an operation on another server of the spec is
        /// sent to the base URL with this ending replaced by its server's path.
        pub const DEFAULT_SERVER_PATH: &str = #server_path;
    });
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
    rows: &[paygate_spec::RequestLimit],
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
fn default_base_url(doc: &paygate_spec::Document) -> Result<syn::Item, String> {
    let url = spec_facts::default_server(doc.json());
    if url.is_empty() {
        return Err(
            "servers: the first server is the default base URL; the spec lists none".into(),
        );
    }
    Ok(syn::parse_quote! {
        /// The API root the spec names first (`servers[0].url`): a client's default base URL.
        pub const DEFAULT_BASE_URL: &str = #url;
    })
}

/// `REQUEST_LIMITS`: the limits the spec puts on request fields (top-level body properties,
/// query and header parameters), so that the pre-request check (`crate::core::validate`) enforces
/// what the spec says and keeps no copy of its own.
fn request_limits(rows: &[paygate_spec::RequestLimit]) -> syn::Item {
    let rows: Vec<_> = rows.iter().map(row).collect();
    syn::parse_quote! {
        /// The limits the spec puts on request fields, enforced before a request is sent.
        pub(crate) const REQUEST_LIMITS: &[crate::core::validate::FieldLimits] = &[#(#rows),*];
    }
}

fn row(row: &paygate_spec::RequestLimit) -> proc_macro2::TokenStream {
    // The operation is not written: each operation's rows are its own `Operation::limits`.
    let paygate_spec::RequestLimit {
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

    /// A spec named `file` with one server, `paths` and component `schemas`.
    fn spec_at(file: &str, paths: &str, schemas: &str) -> paygate_spec::Document {
        let text = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\nservers: [{{url: 'https://api.example/v1/'}}]\npaths:\n{paths}\ncomponents:\n  schemas:\n{schemas}"
        );
        paygate_spec::Document::from_yaml(file, &text).expect("test spec parses")
    }

    fn spec(paths: &str, schemas: &str) -> paygate_spec::Document {
        spec_at("s.yaml", paths, schemas)
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
            grouped: false,
            kept_schemas: &[],
        };
        let err = generate_from(&api, &spec).unwrap_err();
        assert_eq!(
            err.problems,
            ["`$ref: #/components/schemas/Missing` points to nothing"]
        );
    }

    const A_AND_B: &str = "    A: {type: object, properties: {a: {type: string}}}\n    B: {type: object, properties: {b: {type: string}}}\n";

    #[test]
    fn a_spec_progenitor_would_assert_on_names_file_and_operation() {
        let spec = spec_at(
            "openapi/things.yaml",
            "  /things:\n    get:\n      operationId: list_things\n      responses:\n        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/A'}}}}\n        '201': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/B'}}}}",
            A_AND_B,
        );
        let err = generate_from(&APIS[0], &spec).unwrap_err();
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
        let source = generate_from(&APIS[0], &spec).unwrap();
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
        let err = generate_from(&APIS[0], &spec).unwrap_err();
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
        let source = generate_from(&APIS[0], &spec).unwrap();
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
        let text = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n{A_AND_B}"
        );
        let spec = paygate_spec::Document::from_yaml("s.yaml", &text).unwrap();
        let err = generate_from(&APIS[0], &spec).unwrap_err();
        assert!(err.to_string().starts_with("s.yaml: servers:"), "{err}");
    }
}
