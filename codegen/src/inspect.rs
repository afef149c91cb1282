//! Makes the client check what a success body's Rust type cannot, from the spec, on the value it
//! already decoded (so every body is parsed once):
//! - [`implement`] writes `impl crate::core::inspect::Inspect` for every generated type: a property
//!   whose response schema states an integer `minimum` (an amount is never negative) is
//!   checked against it, nested entities are walked, and a property with `x-failure-when: V`
//!   makes a body holding `V` the gateway's failure envelope;
//! - [`decode_once`] has every success arm of a generated `send` decode the buffered body with
//!   `crate::core::transport::decode`, which runs those checks and keeps the status on any failure.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{OpenAPI, ReferenceOr, SchemaKind, Type};
use proc_macro2::Span;
use quote::{ToTokens, quote};
use syn::visit_mut::VisitMut;

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

/// The JSON name of a field: its `#[serde(rename = "...")]`, else its identifier.
fn json_name(field: &syn::Field) -> String {
    for attr in &field.attrs {
        if !attr.path().is_ident("serde") {
            continue;
        }
        let text = attr.to_token_stream().to_string();
        if let Some((_, rest)) = text.split_once("rename = \"")
            && let Some((name, _)) = rest.split_once('"')
        {
            return name.to_owned();
        }
    }
    let ident = field.ident.as_ref().expect("named field").to_string();
    ident.trim_start_matches("r#").to_owned()
}

/// Whether `ty` mentions one of `structs` (so the field holds entities to walk).
fn holds_struct(ty: &syn::Type, structs: &BTreeSet<String>) -> bool {
    ty.to_token_stream()
        .to_string()
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .any(|word| structs.contains(word))
}

/// `impl Inspect` for every struct of the generated `types` module.
pub fn implement(file: &mut syn::File, spec: &OpenAPI) -> Result<(), String> {
    let rules = rules(spec);
    let types = file
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_ref().map(|(_, i)| i),
            _ => None,
        })
        .ok_or("no `types` module in the generated code")?;
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
                let name = json_name(field);
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

/// Points every generated success arm's decoding at `crate::core::transport::decode`; fails when a
/// spec with operations had none (progenitor changed how it decodes).
pub fn decode_once(file: &mut syn::File, has_operations: bool) -> Result<(), String> {
    let mut rewriter = Rewriter { rewritten: 0 };
    rewriter.visit_file_mut(file);
    if has_operations && rewriter.rewritten == 0 {
        return Err(
            "no success arm decodes with `ResponseValue::from_response`: progenitor changed; see codegen/src/inspect.rs"
                .into(),
        );
    }
    Ok(())
}

struct Rewriter {
    rewritten: usize,
}

impl VisitMut for Rewriter {
    fn visit_arm_mut(&mut self, arm: &mut syn::Arm) {
        let pattern = arm.pat.to_token_stream().to_string();
        let body: String = arm
            .body
            .to_token_stream()
            .to_string()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let body = body.trim_start_matches('{').trim_end_matches('}');
        if pattern.starts_with('2') && body == "ResponseValue::from_response(response).await" {
            *arm.body = syn::parse_quote!(crate::core::transport::decode(response));
            self.rewritten += 1;
        }
        // An error status never gets here: the post hook (`Transport::check`) hands every one
        // back as `UnexpectedResponse` first, and `crate::Error` decodes the documented error
        // body from the buffered bytes. Written that way here too, these arms no longer await
        // a body, which kept a large future in every operation's state.
        if body == "Err(Error::ErrorResponse(ResponseValue::from_response(response).await?))" {
            *arm.body = syn::parse_quote!(Err(Error::UnexpectedResponse(response)));
        }
        syn::visit_mut::visit_arm_mut(self, arm);
    }
}
