//! Check 5: the generated code matches the committed insta snapshot, so a spec edit without a
//! snapshot review fails. An API generated per resource group is checked here by the client of
//! no group (its `_shared` snapshot: webhook payloads, error body); each group's snapshot is
//! pinned by `tests/it/generated_code.rs`.

use paygate_codegen::{Api, CodegenError};

use crate::document::{Document, Problem};

/// Where `tests/it/generated_code.rs` keeps the snapshot of one API's generated client (of
/// its client without any group, for a grouped API).
pub fn snapshot_path(api: &Api) -> String {
    let which = if api.grouped { "shared" } else { "client" };
    format!(
        "tests/it/snapshots/it__generated_code__{}_{which}.snap",
        api.name
    )
}

/// The code the snapshot of [`snapshot_path`] holds, generated from `doc`.
pub fn generate(api: &Api, doc: &paygate_spec::Document) -> Result<String, CodegenError> {
    let selected = api.select(doc, |_| false)?;
    paygate_codegen::generate_from(api, &selected)
}

/// The body of an insta snapshot file: what follows the `---` front matter.
pub fn snapshot_body(text: &str) -> &str {
    let mut lines = text.split_inclusive('\n');
    let mut offset = 0;
    if lines.next().is_some_and(|l| l.trim_end() == "---") {
        offset = text.find('\n').map_or(text.len(), |i| i + 1);
        for line in lines {
            offset += line.len();
            if line.trim_end() == "---" {
                break;
            }
        }
    }
    &text[offset.min(text.len())..]
}

/// insta's comparison: trailing whitespace and CRLF line ends do not count.
fn normalize(s: &str) -> String {
    s.trim_end().replace("\r\n", "\n")
}

/// Compares the code generated from `doc` with the snapshot text (`None`: no snapshot file).
pub fn check(
    doc: &Document,
    api: &Api,
    generated: Result<String, CodegenError>,
    snapshot: Option<&str>,
) -> Vec<Problem> {
    let snap = snapshot_path(api);
    let generated = match generated {
        Ok(code) => code,
        Err(e) => {
            // Lines that name a location are the compat check's (and deduplicated with it);
            // the others come from progenitor itself.
            return e
                .problems
                .into_iter()
                .map(|line| match line.split_once(": ") {
                    Some((at, message))
                        if at.starts_with("paths.") || at.starts_with("components.") =>
                    {
                        doc.problem(at, message)
                    }
                    _ => doc.problem(
                        "generated code",
                        format!("cannot generate the client: {line}"),
                    ),
                })
                .collect();
        }
    };
    let Some(snapshot) = snapshot else {
        return vec![doc.problem(
            "generated code",
            format!("{snap} does not exist; create it with `cargo insta test -p paygate --accept` (or INSTA_UPDATE=always cargo test -p paygate --test generated_code)"),
        )];
    };
    let (expected, actual) = (normalize(snapshot_body(snapshot)), normalize(&generated));
    if expected == actual {
        return Vec::new();
    }
    let line = expected
        .lines()
        .zip(actual.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()))
        + 1;
    vec![doc.problem(
        "generated code",
        format!("{snap} does not match the code generated from this spec (first difference at line {line}); review the change with `cargo insta test -p paygate --review`"),
    )]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_follows_the_front_matter() {
        let text = "---\nsource: tests/it/generated_code.rs\nexpression: \"x\"\n---\nfn a() {}\n";
        assert_eq!(snapshot_body(text), "fn a() {}\n");
        assert_eq!(snapshot_body("no header\n"), "no header\n");
    }
}
