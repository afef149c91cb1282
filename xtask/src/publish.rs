//! Check 7 and `cargo xtask publish-spec`: the published copies of each spec.
//!
//! `openapi/published/<name>.yaml` is a byte-for-byte copy of the spec: the reviewed source,
//! comments included, is what other languages consume, and a copy is reproducible by
//! construction. `openapi/published/<name>.json` is the same document as JSON, bundled (the
//! specs are single self-contained documents: the structure check rejects any non-local
//! `$ref`), keys in document order, pretty-printed with two-space indents and a trailing newline.
//! The published YAML is also the baseline of the breaking-change check.

use paygate_codegen::Api;

use crate::document::Problem;

/// The published files of one spec, as (path relative to the workspace root, contents).
pub fn render(api: &Api, text: &str) -> Result<[(String, Vec<u8>); 2], String> {
    let yaml: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(text).map_err(|e| format!("not YAML: {e}"))?;
    // serde_yaml_ng keeps mapping order, so this JSON has the keys in document order.
    let mut json = serde_json::to_string_pretty(&yaml)
        .map_err(|e| format!("not representable as JSON: {e}"))?;
    json.push('\n');
    Ok([
        (published_yaml(api), text.as_bytes().to_vec()),
        (
            format!("openapi/published/{}.json", api.name),
            json.into_bytes(),
        ),
    ])
}

/// The published YAML, which is also the baseline of the breaking-change check.
pub fn published_yaml(api: &Api) -> String {
    format!("openapi/published/{}.yaml", api.name)
}

/// Problems when the files on disk (`read(path)`, `None` when absent) differ from `rendered`.
pub fn check(
    file: &str,
    rendered: &[(String, Vec<u8>)],
    read: &mut dyn FnMut(&str) -> Option<Vec<u8>>,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (path, contents) in rendered {
        let message = match read(path) {
            None => format!(
                "{path} does not exist (nothing published yet); run `cargo xtask publish-spec`"
            ),
            Some(on_disk) if on_disk != *contents => {
                format!(
                    "{path} is stale: it differs from this spec; run `cargo xtask publish-spec`"
                )
            }
            Some(_) => continue,
        };
        problems.push(Problem {
            file: file.to_owned(),
            at: "published".into(),
            message,
        });
    }
    problems
}
