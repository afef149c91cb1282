//! Refuses a path parameter that would change the endpoint, where its raw value is still known.
//!
//! Progenitor percent-encodes a path parameter, but the URL parser then resolves `.` and `..`
//! segments (also `%2E`): `capture_payment` with `payment_id("..")` would post to `/v1/capture`.
//! By the time a hook sees the request, the URL is already normalised and the value is lost,
//! so every generated `send` gets, right after it binds each path parameter of the spec, a call
//! to `crate::core::validate::path_parameter(name, value)` that refuses the value before any URL
//! is built (into the `refused` slot of [`crate::send`]).

use heck::ToSnakeCase;

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
                crate::core::validate::path_parameter(#name, &#ident.to_string())
                    .map_err(|invalid| crate::core::validate::refuse(&mut refused, invalid))?;
            };
            f.block.stmts.insert(at + 1, check);
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
