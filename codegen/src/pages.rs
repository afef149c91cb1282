//! Every list operation gets `all()`: a stream of every item it lists, page by page.
//!
//! A list operation is one with the query parameters `count` and `skip` whose success type has
//! an `items` array. Its builder gets
//! `pub fn all(self) -> impl Stream<Item = Result<Item, paygate::Error>>`, which sends the
//! builder as the caller set it up, once per page, with `count` at the largest value the spec
//! allows for it (its `maximum`) and `skip` advancing (`src/core/pages.rs`).

use std::collections::BTreeMap;

use quote::quote;

use crate::fields::inside;

use crate::spec_facts::{Location, OperationFacts};

/// Adds `all()` to the builder of every list operation.
pub fn add(
    file: &mut syn::File,
    operations: &[OperationFacts],
    limits: &[paygate_spec::RequestLimit],
) -> Result<(), String> {
    let items = items_fields(file);
    let builders = crate::send::builder_names(file);
    let mut impls = Vec::new();
    for operation in operations {
        let has = |name: &str| {
            operation
                .parameters
                .iter()
                .any(|p| p.location == Location::Query && p.name == name)
        };
        if !(has("count") && has("skip")) || operation.method != "get" {
            continue;
        }
        let Some(page_size) = limits
            .iter()
            .find(|row| {
                row.operation == operation.id && row.location == "query" && row.field == "count"
            })
            .and_then(|row| row.limits.maximum)
            .and_then(|maximum| u64::try_from(maximum).ok())
        else {
            return Err(format!(
                "operation {}: a list (`count`, `skip`) needs a `maximum` on `count`: the page size",
                operation.id
            ));
        };
        let builder = builders
            .get(&operation.id)
            .ok_or_else(|| format!("operation {}: no builder", operation.id))?;
        let success = crate::send::success_type_of(file, builder).ok_or_else(|| {
            format!(
                "operation {}: no `send` to read its answer from",
                operation.id
            )
        })?;
        let Some(page) = last_ident(&success) else {
            continue;
        };
        let Some((item, optional)) = items.get(&page) else {
            continue;
        };
        let page = syn::Ident::new(&page, proc_macro2::Span::call_site());
        let take = if *optional {
            quote!(|page: types::#page| page.items.unwrap_or_default())
        } else {
            quote!(|page: types::#page| page.items)
        };
        let builder = syn::Ident::new(builder, proc_macro2::Span::call_site());
        let doc = format!(
            "Every item `{}` lists, as the stream is read: pages of {page_size} (the most the \
             spec allows for `count`) with `skip` advancing, ending at the first short page. \
             Set any other argument first; `count` and `skip` are the stream's.",
            operation.id
        );
        impls.push(quote! {
            impl<'a> #builder<'a> {
                #[doc = #doc]
                pub fn all(
                    self,
                ) -> impl ::futures_util::Stream<Item = Result<#item, crate::Error>> + 'a {
                    crate::core::pages::all(
                        self,
                        #page_size,
                        |builder, count, skip| builder.count(count).skip(skip).send(),
                        #take,
                    )
                }
            }
        });
    }
    let module = crate::fields::module_mut(file, "builder").ok_or("no `builder` module")?;
    let parsed: syn::File =
        syn::parse2(quote!(#(#impls)*)).map_err(|e| format!("`all()` does not parse: {e}"))?;
    module.extend(parsed.items);
    Ok(())
}

fn last_ident(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// For each struct of `types` with an `items` field: the item type (as `types::T`) and whether
/// the field is optional.
fn items_fields(file: &syn::File) -> BTreeMap<String, (syn::Type, bool)> {
    let mut found = BTreeMap::new();
    let Some(types) = crate::fields::module(file, "types") else {
        return found;
    };
    for item in types {
        let syn::Item::Struct(s) = item else { continue };
        for field in &s.fields {
            if crate::fields::json_name(field).ok().as_deref() != Some("items") {
                continue;
            }
            let (inner, optional) = match inside(&field.ty, "Option") {
                Some(inner) => (inner, true),
                None => (&field.ty, false),
            };
            if let Some(item) = inside(inner, "Vec") {
                found.insert(s.ident.to_string(), (in_types(item), optional));
            }
        }
    }
    found
}

/// A type written inside `types` (`Payment`), as the builder module names it (`types::Payment`).
fn in_types(ty: &syn::Type) -> syn::Type {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
            let ident = &p.path.segments[0].ident;
            syn::parse_quote!(types::#ident)
        }
        other => other.clone(),
    }
}
