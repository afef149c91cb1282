//! Every generated operation returns `paygate::Error`, and a refused argument reaches it as a
//! typed value.
//!
//! Progenitor's `send` returns its own error type, whose only carrier for a refusal is text.
//! [`rewrite`] gives every `send` the return type `Result<ResponseValue<T>, crate::Error>` and a
//! local slot, `refused`, into which each refusal is put as a typed
//! `crate::core::validate::Invalid` before progenitor's error is returned; the original body
//! runs unchanged inside an `async` block, and `crate::core::error::finish` turns its result
//! into `crate::Error`, taking a refusal from the slot rather than from any message.
//!
//! It also writes the client's `ClientHooks` impl (send with retries, then keep every error
//! response), the same for every API.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToSnakeCase;
use quote::ToTokens;
use syn::visit_mut::VisitMut;

/// Rewrites every builder's `send`; fails when a spec with operations had none, or a `send`
/// does not have the shape this relies on (a progenitor change).
pub fn rewrite(
    file: &mut syn::File,
    spec: &openapiv3::OpenAPI,
    has_operations: bool,
) -> Result<(), String> {
    let wire_names = wire_names(spec);
    let optional = optional_query_parameters(spec);
    let operations: Vec<String> = crate::operations_in_order(spec)
        .map(|(id, _, _)| id.to_owned())
        .collect();
    let mut rewritten = 0;
    let mut problems = Vec::new();
    for f in crate::sends(file) {
        match rewrite_send(f, &wire_names, &optional, &operations) {
            Ok(()) => rewritten += 1,
            Err(problem) => problems.push(problem),
        }
    }
    if has_operations && rewritten == 0 {
        problems.push("no generated `send` to rewrite: progenitor changed".into());
    }
    if !problems.is_empty() {
        return Err(format!("{}; see codegen/src/send.rs", problems.join("; ")));
    }
    if has_operations {
        file.items.push(syn::parse_quote! {
            /// Every operation goes through paygate's transport: retries, a buffered body, and
            /// every error status kept for `crate::Error`.
            impl ClientHooks<crate::core::transport::Transport> for Client {
                fn exec(
                    &self,
                    request: reqwest::Request,
                    info: &OperationInfo,
                ) -> impl std::future::Future<Output = reqwest::Result<reqwest::Response>> {
                    self.inner().execute(self.client(), request, info)
                }

                async fn post<E>(
                    &self,
                    result: &reqwest::Result<reqwest::Response>,
                    _info: &OperationInfo,
                ) -> Result<(), progenitor_client::Error<E>> {
                    self.inner().check(result)
                }
            }
        });
    }
    Ok(())
}

/// For each operation, the Rust name progenitor gives each parameter and the name the spec
/// (and the gateway) gives it, e.g. `expand` and `expand[]`.
fn wire_names(spec: &openapiv3::OpenAPI) -> BTreeMap<String, BTreeMap<String, String>> {
    spec.operations()
        .filter_map(|(_, _, op)| {
            let names = crate::parameters(spec, op)
                .map(|p| {
                    let name = &p.parameter_data_ref().name;
                    (name.to_snake_case(), name.clone())
                })
                .collect();
            Some((op.operation_id.clone()?, names))
        })
        .collect()
}

/// For each operation, the wire names of its query parameters that are not required.
fn optional_query_parameters(spec: &openapiv3::OpenAPI) -> BTreeMap<String, BTreeSet<String>> {
    spec.operations()
        .filter_map(|(_, _, op)| {
            let names = crate::parameters(spec, op)
                .filter_map(|p| match p {
                    openapiv3::Parameter::Query { parameter_data, .. }
                        if !parameter_data.required =>
                    {
                        Some(parameter_data.name.clone())
                    }
                    _ => None,
                })
                .collect();
            Some((op.operation_id.clone()?, names))
        })
        .collect()
}

fn rewrite_send(
    f: &mut syn::ImplItemFn,
    wire_names: &BTreeMap<String, BTreeMap<String, String>>,
    optional: &BTreeMap<String, BTreeSet<String>>,
    operations: &[String],
) -> Result<(), String> {
    let id =
        crate::path_params::operation_id(&f.block).ok_or("a `send` builds no `OperationInfo`")?;
    let index = operations
        .iter()
        .position(|op| *op == id)
        .ok_or_else(|| format!("operation {id}: not in `OPERATIONS`"))?;
    let no_names = BTreeMap::new();
    let names = wire_names.get(&id).unwrap_or(&no_names);
    let no_optional = BTreeSet::new();
    let mut optional_query = OptionalQuery {
        optional: optional.get(&id).unwrap_or(&no_optional),
        rewritten: 0,
    };
    optional_query.visit_block_mut(&mut f.block);
    LazyHeaderMap.visit_block_mut(&mut f.block);
    let success = success_type(&f.sig.output).ok_or_else(|| {
        format!("operation {id}: `send` does not return `Result<ResponseValue<T>, _>`")
    })?;
    let syn::ReturnType::Type(_, progenitor_result) = f.sig.output.clone() else {
        unreachable!("`success_type` found a return type")
    };
    f.sig.output = syn::parse_quote!(-> Result<ResponseValue<#success>, crate::Error>);

    let mut hooks = 0;
    for stmt in &mut f.block.stmts {
        if calls_pre_hook(stmt) {
            *stmt = syn::parse_quote! {
                client
                    .inner()
                    .prepare(&super::OPERATIONS[#index], &mut request)
                    .map_err(|invalid| crate::core::validate::refuse(&mut refused, invalid))?;
            };
            hooks += 1;
            continue;
        }
        if let syn::Stmt::Local(local) = stmt
            && let syn::Pat::Ident(binding) = &local.pat
        {
            let rust_name = binding.ident.to_string();
            let field = names.get(&rust_name).unwrap_or(&rust_name).clone();
            ArgumentRefusals { field }.visit_local_mut(local);
        }
    }
    if hooks != 1 {
        return Err(format!(
            "operation {id}: expected one `client.pre(..)` call in `send`, found {hooks}"
        ));
    }
    let stmts = &f.block.stmts;
    let uses = (optional_query.rewritten > 0).then(|| {
        quote::quote!(
            use crate::core::transport::OptionalQuery as _;
        )
    });
    f.block = syn::parse_quote! {{
        #uses
        // Each refusal is put here, typed, before progenitor's error (which carries only text)
        // leaves the block below.
        let mut refused: Option<crate::core::validate::Invalid> = None;
        let result: #progenitor_result = async { #(#stmts)* }.await;
        crate::core::error::finish(result, refused)
    }};
    Ok(())
}

/// `T` of `-> Result<ResponseValue<T>, _>`.
fn success_type(output: &syn::ReturnType) -> Option<syn::Type> {
    let syn::ReturnType::Type(_, ty) = output else {
        return None;
    };
    let syn::Type::Path(path) = &**ty else {
        return None;
    };
    let result = path.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(args) = &result.arguments else {
        return None;
    };
    let Some(syn::GenericArgument::Type(syn::Type::Path(value))) = args.args.first() else {
        return None;
    };
    let value = value.path.segments.last()?;
    if value.ident != "ResponseValue" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &value.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(success) => Some(success.clone()),
        _ => None,
    }
}

fn calls_pre_hook(stmt: &syn::Stmt) -> bool {
    let text = stmt.to_token_stream().to_string();
    text.starts_with("client . pre (")
}

/// Replaces `map_err(Error::InvalidRequest)` (a builder argument that did not convert) with a
/// typed refusal of `field`.
struct ArgumentRefusals {
    field: String,
}

impl VisitMut for ArgumentRefusals {
    fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
        syn::visit_mut::visit_expr_method_call_mut(self, call);
        if call.method != "map_err" || call.args.len() != 1 {
            return;
        }
        let arg = call.args[0].to_token_stream().to_string();
        if arg == "Error :: InvalidRequest" || arg.ends_with(":: Error :: InvalidRequest") {
            let field = &self.field;
            call.args[0] = syn::parse_quote! {
                |reason| crate::core::validate::refuse(
                    &mut refused,
                    crate::core::validate::Invalid::unconverted(#field, reason),
                )
            };
        }
    }
}

/// Progenitor adds every query parameter with `.query(&QueryParam::new(name, &value))`, and
/// reqwest then rewrites the URL even when an optional `value` is `None`. Each optional one
/// becomes `.optional_query(name, value.as_ref())` (`crate::core::transport::OptionalQuery`),
/// which leaves the URL alone when there is nothing to add; the built URL is the same.
struct OptionalQuery<'a> {
    optional: &'a BTreeSet<String>,
    rewritten: usize,
}

impl VisitMut for OptionalQuery<'_> {
    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        syn::visit_mut::visit_expr_mut(self, expr);
        let syn::Expr::MethodCall(call) = expr else {
            return;
        };
        if call.method != "query" || call.args.len() != 1 {
            return;
        }
        // `&progenitor_client::QueryParam::new("name", &value)`
        let syn::Expr::Reference(reference) = &call.args[0] else {
            return;
        };
        let syn::Expr::Call(new) = &*reference.expr else {
            return;
        };
        let is_query_param = matches!(&*new.func, syn::Expr::Path(p)
            if p.path.segments.iter().map(|s| s.ident.to_string()).collect::<Vec<_>>()
                == ["progenitor_client", "QueryParam", "new"]);
        let (Some(syn::Expr::Lit(name)), Some(syn::Expr::Reference(value))) =
            (new.args.first(), new.args.get(1))
        else {
            return;
        };
        let syn::Lit::Str(wire_name) = &name.lit else {
            return;
        };
        if !is_query_param || !self.optional.contains(&wire_name.value()) {
            return;
        }
        let value = &value.expr;
        call.method = syn::Ident::new("optional_query", call.method.span());
        call.args = syn::parse_quote!(#name, #value.as_ref());
        self.rewritten += 1;
    }
}

/// Progenitor starts the operation's header parameters with `HeaderMap::with_capacity(n)`,
/// which allocates even when no header is then set (most operations set none):
/// `HeaderMap::new()` allocates on the first insert only.
struct LazyHeaderMap;

impl VisitMut for LazyHeaderMap {
    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        syn::visit_mut::visit_expr_mut(self, expr);
        let syn::Expr::Call(call) = expr else { return };
        let syn::Expr::Path(function) = &*call.func else {
            return;
        };
        let segments: Vec<String> = function
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        if segments.ends_with(&["HeaderMap".to_owned(), "with_capacity".to_owned()]) {
            *expr = syn::parse_quote!(::reqwest::header::HeaderMap::new());
        }
    }
}
