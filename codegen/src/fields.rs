//! Reading progenitor's output from its syntax tree: struct fields' JSON names and the types
//! the builders and `send`s are written with.

/// The JSON name of a generated struct field: its `#[serde(rename = "...")]`, else its
/// identifier (without `r#`). Read from the attribute's syntax, not its printed text.
pub fn json_name(field: &syn::Field) -> Result<String, String> {
    let mut renamed = None;
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let name: syn::LitStr = meta.value()?.parse()?;
                renamed = Some(name.value());
            } else if meta.input.peek(syn::Token![=]) {
                // Another `key = value` (`default = "..."`, `skip_serializing_if = "..."`).
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        })
        .map_err(|e| format!("a `#[serde]` attribute that does not parse: {e}"))?;
    }
    if let Some(name) = renamed {
        return Ok(name);
    }
    let ident = field.ident.as_ref().ok_or("a field without a name")?;
    Ok(ident.to_string().trim_start_matches("r#").to_owned())
}

/// `T` of `Wrapper<T, ..>` (the type's last path segment's first generic argument).
pub(crate) fn first_argument(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let syn::PathArguments::AngleBracketed(args) = &path.path.segments.last()?.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(ty) => Some(ty),
        _ => None,
    }
}

/// `T` of `Wrapper<T>` when the type's last segment is `wrapper` (`Option`, `Vec`).
pub(crate) fn inside<'a>(ty: &'a syn::Type, wrapper: &str) -> Option<&'a syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    if path.path.segments.last()?.ident != wrapper {
        return None;
    }
    first_argument(ty)
}

/// `X` of `types::builder::X`: the builder form of a generated type.
pub(crate) fn builder_form(ty: &syn::Type) -> Option<syn::Ident> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let segments: Vec<_> = path.path.segments.iter().collect();
    match segments.as_slice() {
        [types, builder, target] if types.ident == "types" && builder.ident == "builder" => {
            Some(target.ident.clone())
        }
        _ => None,
    }
}

/// The items of the generated module `name` (`types`, `builder`).
pub(crate) fn module<'a>(file: &'a syn::File, name: &str) -> Option<&'a Vec<syn::Item>> {
    file.items.iter().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == name => m.content.as_ref().map(|(_, items)| items),
        _ => None,
    })
}

/// The items of the generated module `name`, to add to.
pub(crate) fn module_mut<'a>(
    file: &'a mut syn::File,
    name: &str,
) -> Option<&'a mut Vec<syn::Item>> {
    file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renamed_plain_and_raw_fields() {
        let item: syn::ItemStruct = syn::parse_quote! {
            struct S {
                #[serde(default, skip_serializing_if = "Option::is_none", rename = "expand[]")]
                expand: Option<Vec<String>>,
                #[serde(default)]
                amount: i64,
                r#type: String,
            }
        };
        let names: Vec<_> = item.fields.iter().map(|f| json_name(f).unwrap()).collect();
        assert_eq!(names, ["expand[]", "amount", "type"]);
    }
}
