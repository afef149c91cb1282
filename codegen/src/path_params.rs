//! Refuses a path parameter that would change the endpoint, where its raw value is still known.
//!
//! Progenitor percent-encodes a path parameter, but the URL parser then resolves `.` and `..`
//! segments (also `%2E`): `capture_payment` with `payment_id("..")` would post to `/v1/capture`.
//! By the time a hook sees the request, the URL is already normalised and the value is lost,
//! so every generated `send` gets, right after it binds each path parameter of the spec, a call
//! to `crate::core::validate::path_parameter(name, value)` that refuses the value before any URL
//! is built (into the `refused` slot of [`crate::send`]).

use heck::ToSnakeCase;
use syn::visit_mut::VisitMut;

/// Each operation's id and the names of its path parameters, in template order.
pub fn collect(spec: &openapiv3::OpenAPI) -> Vec<(String, Vec<String>)> {
    spec.operations()
        .filter_map(|(path, _, op)| Some((op.operation_id.clone()?, names(path))))
        .collect()
}

/// The `{name}` segments of a path template.
fn names(template: &str) -> Vec<String> {
    template
        .split('/')
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
        .map(str::to_owned)
        .collect()
}

/// Inserts the checks into every builder's `send`; fails when an operation with path
/// parameters has no `send`, or a parameter is not bound in it (a progenitor change).
pub fn inject(file: &mut syn::File, operations: &[(String, Vec<String>)]) -> Result<(), String> {
    let mut injector = Injector {
        operations,
        done: Vec::new(),
        problems: Vec::new(),
    };
    for f in crate::sends(file) {
        injector.send(f);
    }
    for (id, params) in operations {
        if !params.is_empty() && !injector.done.contains(id) {
            injector.problems.push(format!(
                "operation {id}: no generated `send` to check its path parameters in"
            ));
        }
    }
    if injector.problems.is_empty() {
        Ok(())
    } else {
        Err(injector.problems.join("; "))
    }
}

struct Injector<'a> {
    operations: &'a [(String, Vec<String>)],
    done: Vec<String>,
    problems: Vec<String>,
}

impl Injector<'_> {
    fn send(&mut self, f: &mut syn::ImplItemFn) {
        let Some(id) = operation_id(&f.block) else {
            return;
        };
        let Some((_, params)) = self.operations.iter().find(|(op, _)| *op == id) else {
            return;
        };
        for name in params {
            let ident = name.to_snake_case();
            let Some(at) = f.block.stmts.iter().position(|s| binds(s, &ident)) else {
                self.problems.push(format!(
                    "operation {id}: path parameter {name} is not bound as `{ident}` in `send`"
                ));
                continue;
            };
            let ident = syn::Ident::new(&ident, proc_macro2::Span::call_site());
            let check: syn::Stmt = syn::parse_quote! {
                crate::core::validate::path_parameter(
                    #name,
                    &crate::core::validate::path_text(&#ident),
                )
                .map_err(|invalid| crate::core::validate::refuse(&mut refused, invalid))?;
            };
            f.block.stmts.insert(at + 1, check);
        }
        let mut encoder = SegmentEncoder { replaced: 0 };
        encoder.visit_block_mut(&mut f.block);
        if encoder.replaced != params.len() {
            self.problems.push(format!(
                "operation {id}: {} path parameters but {} `encode_path` calls in `send`",
                params.len(),
                encoder.replaced
            ));
        }
        self.done.push(id);
    }
}

/// The `operation_id: "..."` of the `OperationInfo` a `send` builds.
pub(crate) fn operation_id(block: &syn::Block) -> Option<String> {
    block.stmts.iter().find_map(|stmt| {
        let syn::Stmt::Local(local) = stmt else {
            return None;
        };
        let syn::Expr::Struct(info) = &*local.init.as_ref()?.expr else {
            return None;
        };
        if !info.path.is_ident("OperationInfo") {
            return None;
        }
        info.fields
            .iter()
            .find_map(|field| match (&field.member, &field.expr) {
                (
                    syn::Member::Named(name),
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(id),
                        ..
                    }),
                ) if name == "operation_id" => Some(id.value()),
                _ => None,
            })
    })
}

/// Whether `stmt` is `let <ident> = ...;`, the statement that unwraps a builder field.
fn binds(stmt: &syn::Stmt, ident: &str) -> bool {
    matches!(stmt, syn::Stmt::Local(syn::Local { pat: syn::Pat::Ident(p), .. }) if p.ident == ident)
}

/// Replaces progenitor's `encode_path(&value.to_string())`, which makes two strings per path
/// parameter, with `crate::core::validate::path_segment(&path_text(&value))`, which formats
/// the encoded text straight into the URL.
struct SegmentEncoder {
    replaced: usize,
}

impl VisitMut for SegmentEncoder {
    /// The calls are arguments of the `format!` that builds the URL: parsed, rewritten, put back.
    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        if !mac.path.is_ident("format") {
            return;
        }
        let parser = syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated;
        let Ok(mut args) = mac.parse_body_with(parser) else {
            return;
        };
        for arg in &mut args {
            self.visit_expr_mut(arg);
        }
        mac.tokens = quote::ToTokens::into_token_stream(args);
    }

    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        syn::visit_mut::visit_expr_mut(self, expr);
        let syn::Expr::Call(call) = expr else { return };
        let syn::Expr::Path(function) = &*call.func else {
            return;
        };
        if !function.path.is_ident("encode_path") || call.args.len() != 1 {
            return;
        }
        // The argument is `&value.to_string()`.
        let syn::Expr::Reference(reference) = &call.args[0] else {
            return;
        };
        let syn::Expr::MethodCall(to_string) = &*reference.expr else {
            return;
        };
        if to_string.method != "to_string" || !to_string.args.is_empty() {
            return;
        }
        let value = &to_string.receiver;
        *expr = syn::parse_quote! {
            crate::core::validate::path_segment(&crate::core::validate::path_text(&#value))
        };
        self.replaced += 1;
    }
}
