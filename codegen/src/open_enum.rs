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
//! enum with one variant per known value plus `Other(String)`, which keeps an unknown value and
//! serializes it back unchanged; progenitor is told to use it in place of the schema.

use heck::ToUpperCamelCase;
use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind, StringType, Type};
use proc_macro2::{Ident, Span};
use quote::quote;

/// An open enum found in the spec's component schemas.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenEnum {
    pub name: String,
    pub description: Option<String>,
    pub values: Vec<String>,
}

/// The open enums among `spec`'s component schemas, or one problem per schema whose values
/// cannot become Rust variants.
pub fn collect(spec: &OpenAPI) -> Result<Vec<OpenEnum>, Vec<String>> {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    let Some(components) = &spec.components else {
        return Ok(found);
    };
    for (name, schema) in &components.schemas {
        let ReferenceOr::Item(schema) = schema else {
            continue;
        };
        let Some(values) = open_enum_values(schema) else {
            continue;
        };
        let open = OpenEnum {
            name: name.clone(),
            description: schema.schema_data.description.clone(),
            values,
        };
        match variant_names(&open) {
            Ok(_) => found.push(open),
            Err(problem) => problems.push(format!("components.schemas.{name}: {problem}")),
        }
    }
    if problems.is_empty() {
        Ok(found)
    } else {
        Err(problems)
    }
}

/// The known values when `schema` has the open-enum shape.
pub fn open_enum_values(schema: &Schema) -> Option<Vec<String>> {
    let SchemaKind::AnyOf { any_of } = &schema.schema_kind else {
        return None;
    };
    let [ReferenceOr::Item(known), ReferenceOr::Item(other)] = any_of.as_slice() else {
        return None;
    };
    let known = string_type(known)?;
    let other = string_type(other)?;
    if known.enumeration.is_empty() || !other.enumeration.is_empty() {
        return None;
    }
    known.enumeration.iter().cloned().collect()
}

fn string_type(schema: &Schema) -> Option<&StringType> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => Some(s),
        _ => None,
    }
}

fn variant_names(open: &OpenEnum) -> Result<Vec<Ident>, String> {
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
        if name == "Other" {
            return Err(format!(
                "value {value:?} would clash with the catch-all variant `Other`"
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
    let values = &open.values;
    let doc = open.description.clone().unwrap_or_default();
    let variant_docs = values.iter().map(|v| format!("`{v}`"));
    quote! {
        #[doc = #doc]
        ///
        /// An open enum: a value this version of paygate does not know decodes to `Other` and
        /// serializes back unchanged.
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #( #[doc = #variant_docs] #variants, )*
            /// A value the API documentation did not list, kept as sent.
            Other(::std::string::String),
        }

        impl #name {
            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#variants => #values, )*
                    Self::Other(value) => value.as_str(),
                }
            }

            /// Whether this value is one the API documentation listed.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Other(_))
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #( #values => Self::#variants, )*
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for #name {
            fn from(value: ::std::string::String) -> Self {
                match Self::from(value.as_str()) {
                    Self::Other(_) => Self::Other(value),
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
                // no allocation, only `Other` keeps a `String`.
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
    let types = file
        .items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut(),
            _ => None,
        })
        .ok_or("progenitor produced no `types` module")?;
    for open in open_enums {
        let items: syn::File = syn::parse2(render(open)).map_err(|e| e.to_string())?;
        types.1.extend(items.items);
    }
    Ok(())
}
