//! Every operation's `send`, written by paygate: the builder's arguments become a typed
//! `crate::core::request::Request`, which the client's transport sends and decodes.
//!
//! Progenitor's builders (one struct per operation, one setter per parameter, each argument
//! kept as `Result<T, String>`) stay as generated; their `send` is replaced whole by
//! [`rewrite`]. The new body names each argument as the spec does (`expand[]`,
//! `X-Refund-Idempotency`) and says where it goes (path, query, header, JSON or multipart body),
//! so the whole request path after the builder is hand-written code in `src/core/`, read top to
//! bottom there, and nothing here edits progenitor's statements.
//!
//! What is read from progenitor's output is its syntax tree: the `impl Client` method that
//! returns each builder (its name is the `operationId`), each builder's fields, and the success
//! and error types in the signature of its `send`.

use std::collections::BTreeMap;

use heck::ToSnakeCase;
use quote::{format_ident, quote};

use crate::fields::{builder_form, first_argument};
use crate::spec_facts::{Location, OperationFacts, ParameterFacts};

/// Replaces every builder's `send`; fails when an operation of the spec has no builder, a
/// builder field matches no parameter, or a `send` does not have the expected signature.
pub fn rewrite(file: &mut syn::File, operations: &[OperationFacts]) -> Result<(), String> {
    let builders = builder_names(file);
    let mut problems = Vec::new();
    let mut by_builder: BTreeMap<String, (usize, &OperationFacts)> = BTreeMap::new();
    for (index, operation) in operations.iter().enumerate() {
        match builders.get(&operation.id) {
            Some(builder) => {
                by_builder.insert(builder.clone(), (index, operation));
            }
            None => problems.push(format!(
                "operation {}: progenitor generated no builder for it",
                operation.id
            )),
        }
    }
    let body_fields = body_fields(file);
    let Some(module) = crate::fields::module_mut(file, "builder") else {
        if operations.is_empty() {
            return Ok(());
        }
        return Err("no `builder` module in progenitor's output: progenitor changed".into());
    };
    let fields = builder_fields_in(module);
    let mut rewritten = 0;
    for item in module.iter_mut() {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let Some(builder) = self_ident(&block.self_ty) else {
            continue;
        };
        let Some(&(index, operation)) = by_builder.get(&builder) else {
            continue;
        };
        for item in &mut block.items {
            let syn::ImplItem::Fn(f) = item else { continue };
            if f.sig.ident != "send" {
                continue;
            }
            let fields = fields.get(&builder).map(Vec::as_slice).unwrap_or_default();
            match send(index, operation, fields, &f.sig.output, &body_fields) {
                Ok(new) => {
                    *f = new;
                    rewritten += 1;
                }
                Err(problem) => problems.push(format!("operation {}: {problem}", operation.id)),
            }
        }
    }
    if rewritten != by_builder.len() {
        problems.push(format!(
            "{} operations but {rewritten} `send`s rewritten: progenitor changed",
            by_builder.len()
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{}; see codegen/src/send.rs", problems.join("; ")))
    }
}

/// Each operation method of progenitor's `impl Client` (named by `operationId`) and the builder
/// it returns: `pub fn fetch_payment(&self) -> builder::FetchPayment<'_>`.
pub(crate) fn builder_names(file: &syn::File) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    for item in &file.items {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        if block.trait_.is_some() || self_ident(&block.self_ty).as_deref() != Some("Client") {
            continue;
        }
        for item in &block.items {
            if let syn::ImplItem::Fn(f) = item
                && let syn::ReturnType::Type(_, ty) = &f.sig.output
                && let Some(builder) = self_ident(ty)
            {
                names.insert(f.sig.ident.to_string(), builder);
            }
        }
    }
    names
}

/// The last segment of a type path: `builder::FetchPayment<'_>` is `FetchPayment`.
fn self_ident(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// Whether a builder field named `field` is the setter of `parameter`: progenitor names it the
/// snake-cased spec name, a keyword followed by `_`.
pub(crate) fn is_field_of(parameter: &ParameterFacts, field: &str) -> bool {
    parameter.name.to_snake_case() == field.trim_start_matches("r#").trim_end_matches('_')
}

/// Each builder struct's fields, by the builder's name.
pub(crate) fn builder_fields(file: &syn::File) -> BTreeMap<String, Vec<syn::Field>> {
    crate::fields::module(file, "builder")
        .map(|module| builder_fields_in(module))
        .unwrap_or_default()
}

fn builder_fields_in(module: &[syn::Item]) -> BTreeMap<String, Vec<syn::Field>> {
    module
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some((s.ident.to_string(), s.fields.iter().cloned().collect())),
            _ => None,
        })
        .collect()
}

/// For every struct of the `types` module: each field's JSON name and its Rust identifier.
fn body_fields(file: &syn::File) -> BTreeMap<String, BTreeMap<String, syn::Ident>> {
    let Some(types) = crate::fields::module(file, "types") else {
        return BTreeMap::new();
    };
    types
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some((
                s.ident.to_string(),
                s.fields
                    .iter()
                    .filter_map(|f| Some((crate::fields::json_name(f).ok()?, f.ident.clone()?)))
                    .collect(),
            )),
            _ => None,
        })
        .collect()
}

/// The new `send` of operation `OPERATIONS[index]`, whose builder has `fields`.
fn send(
    index: usize,
    operation: &OperationFacts,
    fields: &[syn::Field],
    output: &syn::ReturnType,
    body_fields: &BTreeMap<String, BTreeMap<String, syn::Ident>>,
) -> Result<syn::ImplItemFn, String> {
    let (success, error) = result_types(output)
        .ok_or("`send` does not return `Result<ResponseValue<T>, Error<E>>`")?;
    let mut bindings = Vec::new();
    let mut steps = Vec::new();
    for field in fields {
        let ident = field
            .ident
            .as_ref()
            .ok_or("a builder field without a name")?;
        let name = ident.to_string();
        if name == "client" {
            continue;
        }
        bindings.push(ident.clone());
        if name == "body" {
            let body = operation
                .body
                .as_ref()
                .ok_or("the builder takes a body the spec does not describe")?;
            steps.push(body_step(ident, &field.ty, body, body_fields)?);
            continue;
        }
        let parameter = operation
            .parameters
            .iter()
            .find(|p| is_field_of(p, &name))
            .ok_or_else(|| format!("builder field `{name}` is no parameter of the spec"))?;
        let wire = &parameter.name;
        let method = match (parameter.location, parameter.required) {
            (Location::Path, _) => "path",
            (Location::Query, true) => "query",
            (Location::Query, false) => "optional_query",
            (Location::Header, true) => "header",
            (Location::Header, false) => "optional_header",
        };
        let method = format_ident!("{method}");
        steps.push(quote!(.#method(#wire, #ident)));
    }
    if operation.body.is_some() && !bindings.iter().any(|b| b == "body") {
        return Err("the spec describes a body the builder does not take".into());
    }
    let send = if operation.empty_success {
        quote!(send_without_body::<#error>)
    } else {
        quote!(send::<#success, #error>)
    };
    let docs = format!(
        "Sends `{} {}`: builds the request from the arguments given, checks it against the \
         spec, and sends it with the client's retries.",
        operation.method.to_uppercase(),
        operation.path
    );
    Ok(syn::parse_quote! {
        #[doc = #docs]
        pub async fn send(self) -> Result<crate::Response<#success>, crate::Error> {
            let Self { client, #(#bindings),* } = self;
            let request = crate::core::request::Request::new(&super::OPERATIONS[#index])
                #(#steps)*;
            client.transport.#send(request).await
        }
    })
}

/// The step that adds the body: converted from the builder's form, as JSON or as multipart
/// parts (each file field taken out into its own part).
fn body_step(
    ident: &syn::Ident,
    ty: &syn::Type,
    body: &crate::spec_facts::BodyFacts,
    body_fields: &BTreeMap<String, BTreeMap<String, syn::Ident>>,
) -> Result<proc_macro2::TokenStream, String> {
    // `Result<types::builder::X, String>`: the builder's form of `types::X`, converted here.
    let built = first_argument(ty).and_then(builder_form);
    let value = match &built {
        Some(target) => {
            quote!(#ident.and_then(|v| types::#target::try_from(v).map_err(|e| e.to_string())))
        }
        None => quote!(#ident),
    };
    if !body.multipart {
        return Ok(quote!(.json(#value)));
    }
    let target = built.ok_or("a multipart body must be an object schema")?;
    let fields = body_fields
        .get(&target.to_string())
        .ok_or_else(|| format!("no generated type {target} for the multipart body"))?;
    let files = body
        .files
        .iter()
        .map(|(name, required)| {
            let field = fields
                .get(name)
                .ok_or_else(|| format!("file field `{name}` is not in {target}"))?;
            Ok(if *required {
                quote!((#name, Some(std::mem::take(&mut body.#field))))
            } else {
                quote!((#name, std::mem::take(&mut body.#field)))
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(quote! {
        .multipart(#value.map(|mut body| {
            let files = vec![#(#files),*];
            (body, files)
        }))
    })
}

/// `T` and `E` of `-> Result<ResponseValue<T>, Error<E>>`.
fn result_types(output: &syn::ReturnType) -> Option<(syn::Type, syn::Type)> {
    let syn::ReturnType::Type(_, ty) = output else {
        return None;
    };
    let syn::Type::Path(path) = &**ty else {
        return None;
    };
    let syn::PathArguments::AngleBracketed(args) = &path.path.segments.last()?.arguments else {
        return None;
    };
    let mut args = args.args.iter().filter_map(|arg| match arg {
        syn::GenericArgument::Type(ty) => Some(ty),
        _ => None,
    });
    let (value, error) = (args.next()?, args.next()?);
    let success = first_argument(value)?.clone();
    let error = first_argument(error)?.clone();
    Some((success, error))
}

/// `T` of a rewritten `send`'s `-> Result<crate::Response<T>, crate::Error>`, for the builder
/// named `builder`.
pub(crate) fn success_type_of(file: &syn::File, builder: &str) -> Option<syn::Type> {
    let module = crate::fields::module(file, "builder")?;
    module.iter().find_map(|item| {
        let syn::Item::Impl(block) = item else {
            return None;
        };
        if self_ident(&block.self_ty).as_deref() != Some(builder) {
            return None;
        }
        block.items.iter().find_map(|item| match item {
            syn::ImplItem::Fn(f) if f.sig.ident == "send" => {
                let syn::ReturnType::Type(_, ty) = &f.sig.output else {
                    return None;
                };
                first_argument(first_argument(ty)?).cloned()
            }
            _ => None,
        })
    })
}
