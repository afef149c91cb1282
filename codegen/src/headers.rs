//! Only documented headers go on the wire. Progenitor adds `api-version: <info.version>` to
//! every request; neither gateway documents that header (`info.version` versions the document,
//! not the service), so [`remove_api_version`] takes the statement out of every generated
//! `send`.

use quote::ToTokens;
use syn::visit_mut::VisitMut;

/// Removes the `api-version` header from every operation; fails when a spec with operations
/// had none to remove, so a progenitor that adds it another way is noticed.
pub fn remove_api_version(file: &mut syn::File, has_operations: bool) -> Result<(), String> {
    let mut remover = Remover { removed: 0 };
    remover.visit_file_mut(file);
    if has_operations && remover.removed == 0 {
        return Err(
            "no `api-version` header to remove: progenitor changed; see codegen/src/headers.rs"
                .into(),
        );
    }
    Ok(())
}

struct Remover {
    removed: usize,
}

fn adds_api_version(stmt: &syn::Stmt) -> bool {
    let text = stmt.to_token_stream().to_string();
    text.contains("append") && text.contains("\"api-version\"")
}

impl VisitMut for Remover {
    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        let before = block.stmts.len();
        block.stmts.retain(|stmt| !adds_api_version(stmt));
        if block.stmts.len() < before {
            self.removed += before - block.stmts.len();
            // The map the header went into may now never change: keep `unused_mut` quiet.
            let still_changed = block.stmts.iter().any(|stmt| {
                let text = stmt.to_token_stream().to_string();
                text.contains("header_map . append") || text.contains("header_map . insert")
            });
            if !still_changed {
                block.stmts.iter_mut().for_each(make_header_map_immutable);
            }
        }
        syn::visit_mut::visit_block_mut(self, block);
    }
}

fn make_header_map_immutable(stmt: &mut syn::Stmt) {
    if let syn::Stmt::Local(local) = stmt
        && let syn::Pat::Ident(binding) = &mut local.pat
        && binding.ident == "header_map"
    {
        binding.mutability = None;
    }
}
