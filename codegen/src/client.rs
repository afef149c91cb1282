//! The operations become methods of paygate's own client, and nothing of progenitor's client
//! reaches users.
//!
//! Progenitor generates a `Client` struct (base URL, `reqwest::Client`, inner state), its
//! constructors, its `ClientInfo` and hooks plumbing, and an `impl Client` with one method per
//! operation that returns the operation's builder. [`adopt`] removes the struct and its
//! plumbing and puts in its place `type Client = crate::Client<Gateway>`: progenitor's
//! `impl Client` block then adds the operations to `paygate::Client<G>` as inherent methods, and
//! every builder holds a `&paygate::Client<G>`, which reaches the network only through paygate's
//! transport. The re-exports of progenitor's types (`Error`, `ResponseValue`, ...) go too.
//!
//! Every item is recognised by its syntax tree (an item's kind, name, trait and self type),
//! never by printed text.

/// Replaces progenitor's client with `type Client = #gateway_client;` (e.g.
/// `crate::Client<crate::razorpay::Razorpay>`); fails when progenitor's output does not have
/// the items this relies on.
pub fn adopt(file: &mut syn::File, gateway_client: &syn::Type) -> Result<(), String> {
    let before = file.items.len();
    let mut removed_struct = false;
    file.items.retain(|item| match item {
        syn::Item::Struct(s) if s.ident == "Client" => {
            removed_struct = true;
            false
        }
        // Constructors (`new`, `new_with_client`) and every trait impl (`ClientInfo`,
        // `ClientHooks`) of progenitor's client; the block of operations stays.
        syn::Item::Impl(block) if is_client(&block.self_ty) => {
            block.trait_.is_none() && !block.items.iter().any(is_constructor)
        }
        // `const _: () = { fn assert_client_hooks() where Client: ClientHooks<..> {} };`
        syn::Item::Const(c) if c.ident == "_" => !asserts_hooks(&c.expr),
        syn::Item::Use(u) => !from_progenitor(&u.tree),
        syn::Item::Mod(m) => m.ident != "prelude",
        _ => true,
    });
    if !removed_struct {
        return Err("no `struct Client` in progenitor's output: progenitor changed; see codegen/src/client.rs".into());
    }
    let removed = before - file.items.len();
    // The struct, two impl blocks, the assertion, two `use`s and the prelude.
    if removed < 5 {
        return Err(format!(
            "only {removed} items of progenitor's client found: progenitor changed; see codegen/src/client.rs"
        ));
    }
    // The builders imported progenitor's re-exports from the root; they use none of them now.
    for item in &mut file.items {
        if let syn::Item::Mod(m) = item
            && m.ident == "builder"
            && let Some((_, items)) = &mut m.content
        {
            let has_builders = items
                .iter()
                .any(|item| matches!(item, syn::Item::Struct(_)));
            // `use super::types;` stays only where builders use it.
            items.retain(|item| {
                !matches!(item, syn::Item::Use(u) if !has_builders || !imports_types(&u.tree))
            });
        }
    }
    file.items.insert(
        0,
        syn::parse_quote! {
            /// The client the operations below are methods of.
            pub(crate) type Client = #gateway_client;
        },
    );
    Ok(())
}

fn is_client(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.qself.is_none() && p.path.is_ident("Client"))
}

fn is_constructor(item: &syn::ImplItem) -> bool {
    matches!(item, syn::ImplItem::Fn(f) if f.sig.ident == "new" || f.sig.ident == "new_with_client")
}

fn asserts_hooks(expr: &syn::Expr) -> bool {
    let syn::Expr::Block(block) = expr else {
        return false;
    };
    block.block.stmts.iter().any(|stmt| {
        matches!(stmt, syn::Stmt::Item(syn::Item::Fn(f)) if f.sig.ident == "assert_client_hooks")
    })
}

/// `use progenitor_client::...;`
fn from_progenitor(tree: &syn::UseTree) -> bool {
    matches!(tree, syn::UseTree::Path(p) if p.ident == "progenitor_client")
}

/// `use super::types;`
fn imports_types(tree: &syn::UseTree) -> bool {
    matches!(tree, syn::UseTree::Path(p) if p.ident == "super"
        && matches!(&*p.tree, syn::UseTree::Name(n) if n.ident == "types"))
}
