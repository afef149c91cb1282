//! `paygate::Client::call_json(operation, arguments)`: every operation by its `operationId`, each
//! argument read from JSON into the type its builder setter takes (`src/core/json_calls.rs`),
//! the answer given back as JSON. Generated behind the `json-operations` feature.
//!
//! Each builder's fields (from progenitor's syntax tree) say which setters exist and what type
//! each takes: `Result<T, String>` or `Result<Option<T>, String>`, and `body` as the builder
//! form of `types::X`, which a typed `types::X` converts into.

use quote::quote;

use crate::fields::{builder_form, first_argument, inside};

use crate::spec_facts::OperationFacts;

/// Adds `call_json` to the generated client.
pub fn add(file: &mut syn::File, operations: &[OperationFacts]) -> Result<(), String> {
    let builders = crate::send::builder_names(file);
    let fields = crate::send::builder_fields(file);
    let mut arms = Vec::new();
    for operation in operations {
        let id = &operation.id;
        let builder = builders
            .get(id)
            .ok_or_else(|| format!("operation {id}: no builder"))?;
        let method = syn::Ident::new(id, proc_macro2::Span::call_site());
        let mut steps = Vec::new();
        for field in fields.get(builder).map(Vec::as_slice).unwrap_or_default() {
            let Some(ident) = &field.ident else { continue };
            let rust_name = ident.to_string();
            if rust_name == "client" {
                continue;
            }
            // The setter takes `T` of `Result<T, String>` (or of `Result<Option<T>, String>`).
            let inner = first_argument(&field.ty).ok_or("a builder field that is no `Result`")?;
            let (taken, name) = if rust_name == "body" {
                let typed = match builder_form(inner) {
                    Some(target) => quote!(types::#target),
                    None => quote!(#inner),
                };
                (typed, "body".to_owned())
            } else {
                let parameter = operation
                    .parameters
                    .iter()
                    .find(|p| crate::send::is_field_of(p, &rust_name))
                    .ok_or_else(|| {
                        format!("operation {id}: field `{rust_name}` is no parameter")
                    })?;
                let taken = match inside(inner, "Option") {
                    Some(t) => quote!(#t),
                    None => quote!(#inner),
                };
                (taken, parameter.name.clone())
            };
            steps.push(quote! {
                if let Some(value) = arguments.get(#name) {
                    builder = builder.#ident(
                        crate::core::json_calls::argument::<#taken>(#name, value)?,
                    );
                }
            });
        }
        arms.push(quote! {
            #id => {
                #[allow(unused_mut)]
                let mut builder = client.#method();
                #(#steps)*
                crate::core::json_calls::answer(builder.send().await)
            }
        });
    }
    let module = crate::fields::module_mut(file, "builder").ok_or("no `builder` module")?;
    let item: syn::Item = syn::parse_quote! {
        /// `paygate::Client::call_json` of this gateway: the operation named `operation`, its
        /// arguments read from JSON into the types its builder takes.
        #[cfg(feature = "json-operations")]
        pub(crate) async fn call_json(
            client: &super::Client,
            operation: &str,
            arguments: &crate::JsonArguments,
        ) -> Result<crate::Response<::serde_json::Value>, crate::Error> {
            let _ = arguments;
            match operation {
                #(#arms)*
                other => Err(crate::core::json_calls::unknown(other)),
            }
        }
    };
    module.push(item);
    Ok(())
}
