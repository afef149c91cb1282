//! Check 7 and `cargo xtask publish-spec`: the published copies of each spec.
//!
//! `openapi/published/<name>.yaml` is a byte-for-byte copy of the spec when it is one file: the
//! reviewed source, comments included, is what other languages consume, and a copy is
//! reproducible by construction; a spec with fragments (`openapi/<name>/*.yaml`) publishes its
//! bundle. `openapi/published/<name>.json` is the bundled document as JSON (every `$ref` is
//! local: the structure check rejects any other), keys in document order, pretty-printed with
//! two-space indents and a trailing newline.
//! The published YAML is also the baseline of the breaking-change check.

use paygate_codegen::Api;

use crate::document::Problem;

/// The published files of a spec that is one file, `text`.
pub fn render(api: &Api, text: &str) -> Result<[(String, Vec<u8>); 2], String> {
    let doc = paygate_spec::Document::from_yaml(api.spec, text).map_err(|e| e.to_string())?;
    render_bundled(api, &doc, text)
}

/// The published files of one spec, as (path relative to the workspace root, contents):
/// `bundled` is the spec read through paygate-spec, `root_text` its root file. A spec without
/// fragments publishes its root file byte for byte; one with fragments, the bundle as YAML.
pub fn render_bundled(
    api: &Api,
    bundled: &paygate_spec::Document,
    root_text: &str,
) -> Result<[(String, Vec<u8>); 2], String> {
    let alone =
        paygate_spec::Document::from_yaml(api.spec, root_text).map_err(|e| e.to_string())?;
    let yaml = if alone.json() == bundled.json() {
        root_text.to_owned()
    } else {
        bundled.to_yaml().map_err(|e| e.to_string())?
    };
    // Keys in document order: paygate-spec writes the JSON from the order-keeping value.
    let json = bundled.to_json_pretty().map_err(|e| e.to_string())?;
    Ok([
        (published_yaml(api), yaml.into_bytes()),
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
