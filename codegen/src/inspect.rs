//! Makes the client check what a success body's Rust type cannot, from the spec, on the value it
//! already decoded (so every body is parsed once):
//! - [`implement`] writes `impl crate::core::inspect::Inspect` for every generated type: a property
//!   whose response schema states an integer `minimum` (an amount is never negative) is
//!   checked against it, nested entities are walked, and a property with `x-failure-when: V`
//!   makes a body holding `V` the gateway's failure envelope;
//!
//! `crate::core::response::decode` runs them on every success body.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{OpenAPI, ReferenceOr, SchemaKind, Type};
use proc_macro2::Span;
use quote::quote;
use syn::visit::Visit;

/// Per component: its integer properties' minimums and its `x-failure-when` properties.
#[derive(Default)]
struct Rules {
    minimums: BTreeMap<String, i64>,
    failure_when: BTreeMap<String, bool>,
}

fn rules(spec: &OpenAPI) -> BTreeMap<String, Rules> {
    let mut out = BTreeMap::new();
    let Some(components) = &spec.components else {
        return out;
    };
    for (name, schema) in &components.schemas {
        let ReferenceOr::Item(schema) = schema else {
            continue;
        };
        let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
            continue;
        };
        let mut rules = Rules::default();
        for (property, schema) in &object.properties {
            let ReferenceOr::Item(schema) = schema else {
                continue;
            };
            if let SchemaKind::Type(Type::Integer(integer)) = &schema.schema_kind
                && let Some(minimum) = integer.minimum
            {
                rules.minimums.insert(property.clone(), minimum);
            }
            if let Some(value) = schema
                .schema_data
                .extensions
                .get("x-failure-when")
                .and_then(serde_json::Value::as_bool)
            {
                rules.failure_when.insert(property.clone(), value);
            }
        }
        out.insert(name.clone(), rules);
    }
    out
}

/// Whether `ty` mentions one of `structs` (so the field holds entities to walk): any path
/// segment of the type, its generic arguments included.
fn holds_struct(ty: &syn::Type, structs: &BTreeSet<String>) -> bool {
    struct Finder<'a> {
        structs: &'a BTreeSet<String>,
        found: bool,
    }
    impl<'ast> Visit<'ast> for Finder<'_> {
        fn visit_path_segment(&mut self, segment: &'ast syn::PathSegment) {
            self.found |= self.structs.contains(&segment.ident.to_string());
            syn::visit::visit_path_segment(self, segment);
        }
    }
    let mut finder = Finder {
        structs,
        found: false,
    };
    finder.visit_type(ty);
    finder.found
}

/// `impl Inspect` for every struct of the generated `types` module.
pub fn implement(file: &mut syn::File, spec: &OpenAPI) -> Result<(), String> {
    let rules = rules(spec);
    let types =
        crate::fields::module(file, "types").ok_or("no `types` module in the generated code")?;
    let structs: Vec<&syn::ItemStruct> = types
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some(s),
            _ => None,
        })
        .collect();
    let names: BTreeSet<String> = structs.iter().map(|s| s.ident.to_string()).collect();
    let mut impls = Vec::new();
    for item in structs {
        let ident = &item.ident;
        let rules = rules.get(&ident.to_string());
        let mut checks = Vec::new();
        let mut failures = Vec::new();
        if let syn::Fields::Named(fields) = &item.fields {
            for field in &fields.named {
                let member = field.ident.as_ref().expect("named field");
                let name = crate::fields::json_name(field)?;
                if let Some(minimum) = rules.and_then(|r| r.minimums.get(&name)) {
                    checks.push(
                        quote! { crate::core::inspect::at_least(&self.#member, #minimum, #name, path) },
                    );
                } else if holds_struct(&field.ty, &names) {
                    checks
                        .push(quote! { crate::core::inspect::nested(&self.#member, #name, path) });
                }
                if let Some(value) = rules.and_then(|r| r.failure_when.get(&name)) {
                    failures.push(quote! { crate::core::inspect::equals(&self.#member, #value) });
                }
            }
        }
        let path = if checks.is_empty() {
            syn::Ident::new("_path", Span::call_site())
        } else {
            syn::Ident::new("path", Span::call_site())
        };
        let failure = (!failures.is_empty()).then(|| {
            quote! {
                fn is_failure(&self) -> bool {
                    #(#failures)||*
                }
            }
        });
        impls.push(quote! {
            impl crate::core::inspect::Inspect for types::#ident {
                fn below_minimum(&self, #path: &mut String) -> Option<(String, i64)> {
                    None #(.or_else(|| #checks))*
                }
                #failure
            }
        });
    }
    let tokens = quote! { #(#impls)* };
    let parsed: syn::File =
        syn::parse2(tokens).map_err(|e| format!("Inspect impls do not parse: {e}"))?;
    file.items.extend(parsed.items);
    Ok(())
}
