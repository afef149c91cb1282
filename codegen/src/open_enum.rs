//! Open enums: a component schema of the shape
//!
//! ```yaml
//! anyOf:
//!   - {type: string, enum: [a, b]}
//!   - {type: string}
//! ```
//!
//! is correct JSON Schema for "one of these values, or any other string", but typify would turn
//! it into a struct that fails at run time. For each such schema this module generates a Rust
//! enum with one variant per known value plus `Other(String)` (`Unlisted(String)` where `other` is
//! itself a listed value), which keeps an unknown value and serializes it back unchanged;
//! progenitor is told to use it in place of the schema.

use heck::ToUpperCamelCase;
use paygate_spec::{Document, OpenEnum};
use proc_macro2::{Ident, Span};
use quote::quote;

/// The open enums among `doc`'s component schemas (found by paygate-spec), or one problem per
/// schema whose values cannot become Rust variants.
pub fn collect(doc: &Document) -> Result<Vec<OpenEnum>, Vec<String>> {
    let found = paygate_spec::open_enums(doc);
    let problems: Vec<String> = found
        .iter()
        .filter_map(|open| {
            variant_names(open)
                .err()
                .map(|problem| format!("components.schemas.{}: {problem}", open.name))
        })
        .collect();
    if problems.is_empty() {
        Ok(found)
    } else {
        Err(problems)
    }
}

/// The catch-all variant that keeps a value the documentation did not list: `Other`, or
/// `Unlisted` in an enum that lists the value `other` itself (whose variant is then `Other`).
fn catch_all(open: &OpenEnum) -> Ident {
    let name = if open
        .values
        .iter()
        .any(|v| v.to_upper_camel_case() == "Other")
    {
        "Unlisted"
    } else {
        "Other"
    };
    Ident::new(name, Span::call_site())
}

fn variant_names(open: &OpenEnum) -> Result<Vec<Ident>, String> {
    let catch_all = catch_all(open).to_string();
    let mut names: Vec<String> = Vec::new();
    for value in &open.values {
        let mut name = value.to_upper_camel_case();
        if name.is_empty() {
            return Err(format!(
                "value {value:?} has no letters or digits to name a variant"
            ));
        }
        if name.starts_with(|c: char| c.is_ascii_digit()) {
            name.insert(0, 'V');
        }
        if name == catch_all {
            return Err(format!(
                "value {value:?} would clash with the catch-all variant `{catch_all}`"
            ));
        }
        if let Some(i) = names.iter().position(|n| *n == name) {
            return Err(format!(
                "values {:?} and {value:?} both become variant `{name}`",
                open.values[i]
            ));
        }
        names.push(name);
    }
    Ok(names
        .iter()
        .map(|n| Ident::new(n, Span::call_site()))
        .collect())
}

/// Rust source of one open enum.
fn render(open: &OpenEnum) -> proc_macro2::TokenStream {
    let name = Ident::new(&open.name, Span::call_site());
    let variants = variant_names(open).expect("checked by collect");
    let other = catch_all(open);
    let catch_all_doc = format!(
        "An open enum: a value this version of paygate does not know decodes to `{other}` and serializes back unchanged."
    );
    let values = &open.values;
    let doc = open.description.clone().unwrap_or_default();
    let variant_docs = values.iter().map(|v| format!("`{v}`"));
    quote! {
        #[doc = #doc]
        ///
        #[doc = #catch_all_doc]
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #( #[doc = #variant_docs] #variants, )*
            /// A value the API documentation did not list, kept as sent.
            #other(::std::string::String),
        }

        impl #name {
            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#variants => #values, )*
                    Self::#other(value) => value.as_str(),
                }
            }

            /// Whether this value is one the API documentation listed.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::#other(_))
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #( #values => Self::#variants, )*
                    other => Self::#other(other.to_owned()),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for #name {
            fn from(value: ::std::string::String) -> Self {
                match Self::from(value.as_str()) {
                    Self::#other(_) => Self::#other(value),
                    known => known,
                }
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                // Read as a borrowed `&str` where the input allows: a known value then costs
                // no allocation, only the catch-all keeps a `String`.
                struct Visitor;
                impl<'de> ::serde::de::Visitor<'de> for Visitor {
                    type Value = #name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str("a string")
                    }
                    fn visit_str<E: ::serde::de::Error>(self, value: &str) -> ::std::result::Result<#name, E> {
                        Ok(#name::from(value))
                    }
                    fn visit_string<E: ::serde::de::Error>(self, value: ::std::string::String) -> ::std::result::Result<#name, E> {
                        Ok(#name::from(value))
                    }
                }
                deserializer.deserialize_str(Visitor)
            }
        }
    }
}

/// Adds the open enums to the generated `types` module.
pub fn inject(file: &mut syn::File, open_enums: &[OpenEnum]) -> Result<(), String> {
    let types =
        crate::fields::module_mut(file, "types").ok_or("progenitor produced no `types` module")?;
    for open in open_enums {
        let items: syn::File = syn::parse2(render(open)).map_err(|e| e.to_string())?;
        types.extend(items.items);
    }
    Ok(())
}
