//! Multi-file specs: a gateway's spec is its root file `openapi/<gateway>.yaml` plus every
//! fragment `openapi/<gateway>/*.yaml`, merged into one document.
//!
//! Fragments hold only `tags`, `paths`, `components` and `x-webhooks`, and are merged in file
//! name order: tags are appended (a tag name twice is an error); paths per key of the path
//! item (an operation defined twice, or path-level `parameters` that differ, is an error);
//! components per section and name; `x-webhooks` per event. A name defined twice is an error
//! unless both definitions are identical. Every error names the fragment and the key.

use std::fmt;
use std::path::{Path, PathBuf};

use serde_yaml_ng::{Mapping, Value};

use crate::Document;

/// A spec that could not be read or bundled: the file and the key at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct LoadError {
    /// The root file or fragment, as named to [`load`] or [`bundle`].
    pub file: String,
    /// The key at fault (dotted path, e.g. `paths./orders.post`), `(file)` when the file could
    /// not be read, `(document)` for the document as a whole.
    pub at: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.file, self.at, self.message)
    }
}

impl LoadError {
    fn new(file: &str, at: impl Into<String>, message: impl Into<String>) -> Self {
        LoadError {
            file: file.to_owned(),
            at: at.into(),
            message: message.into(),
        }
    }
}

/// What a fragment may hold.
const FRAGMENT_KEYS: [&str; 4] = ["tags", "paths", "components", "x-webhooks"];

/// The folder of a spec's fragments: `openapi/razorpay/` for `openapi/razorpay.yaml`.
pub fn fragment_dir(root: &Path) -> PathBuf {
    root.with_extension("")
}

/// Reads the spec at `root` and its fragments (`*.yaml` in [`fragment_dir`], sorted by file
/// name; no folder means the root alone) and bundles them. Files are named in errors as
/// `root` names them.
pub fn load(root: &Path) -> Result<Document, LoadError> {
    load_from(Path::new(""), Path::new(root))
}

/// As [`load`] for `base.join(spec)`, naming files relative to `base` in errors (`cargo xtask`
/// reads `openapi/razorpay.yaml` under the workspace root).
pub fn load_from(base: &Path, spec: &Path) -> Result<Document, LoadError> {
    let read = |name: &Path| {
        std::fs::read_to_string(base.join(name)).map_err(|e| {
            LoadError::new(
                &name.display().to_string(),
                "(file)",
                format!("cannot read: {e}"),
            )
        })
    };
    let root_text = read(spec)?;
    let dir = fragment_dir(spec);
    let mut names = Vec::new();
    match std::fs::read_dir(base.join(&dir)) {
        Ok(entries) => {
            for entry in entries {
                let entry = entry.map_err(|e| {
                    LoadError::new(
                        &dir.display().to_string(),
                        "(file)",
                        format!("cannot list: {e}"),
                    )
                })?;
                let name = PathBuf::from(entry.file_name());
                if name.extension().is_some_and(|e| e == "yaml") {
                    names.push(name);
                }
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            return Err(LoadError::new(
                &dir.display().to_string(),
                "(file)",
                format!("cannot list: {e}"),
            ));
        }
    }
    names.sort();
    let mut fragments = Vec::with_capacity(names.len());
    for name in names {
        let path = dir.join(name);
        let text = read(&path)?;
        fragments.push((path.display().to_string(), text));
    }
    bundle(&spec.display().to_string(), &root_text, &fragments)
}

/// Bundles the root document `root_text` (named `root_file`) with `fragments` (name, text),
/// merged in the order given (see the module docs), into one checked [`Document`].
pub fn bundle(
    root_file: &str,
    root_text: &str,
    fragments: &[(String, String)],
) -> Result<Document, LoadError> {
    let parse = |file: &str, text: &str| {
        serde_yaml_ng::from_str::<Value>(text)
            .map_err(|e| LoadError::new(file, "(document)", format!("not YAML: {e}")))
    };
    let mut root = parse(root_file, root_text)?;
    if !fragments.is_empty() {
        let doc = root
            .as_mapping_mut()
            .ok_or_else(|| LoadError::new(root_file, "(document)", "not a mapping"))?;
        for (file, text) in fragments {
            let fragment = match parse(file, text)? {
                Value::Null => Mapping::new(),
                Value::Mapping(m) => m,
                _ => return Err(LoadError::new(file, "(document)", "not a mapping")),
            };
            merge(doc, fragment, file)?;
        }
    }
    Document::from_ordered(root_file, root).map_err(|e| LoadError::new(root_file, e.at, e.message))
}

fn key_text(key: &Value) -> String {
    match key {
        Value::String(s) => s.clone(),
        other => serde_yaml_ng::to_string(other)
            .map(|s| s.trim_end().to_owned())
            .unwrap_or_else(|_| "?".into()),
    }
}

/// The mapping under `key` of `doc`, created when absent; an error when it is something else.
fn section<'a>(
    doc: &'a mut Mapping,
    key: &str,
    file: &str,
    at: &str,
) -> Result<&'a mut Mapping, LoadError> {
    let entry = doc
        .entry(Value::String(key.to_owned()))
        .or_insert_with(|| Value::Mapping(Mapping::new()));
    if entry.is_null() {
        *entry = Value::Mapping(Mapping::new());
    }
    entry
        .as_mapping_mut()
        .ok_or_else(|| LoadError::new(file, at, "must be a mapping to merge into"))
}

/// The entries of a fragment's mapping (nothing when null).
fn mapping(value: Value, file: &str, at: &str) -> Result<Mapping, LoadError> {
    match value {
        Value::Null => Ok(Mapping::new()),
        Value::Mapping(m) => Ok(m),
        _ => Err(LoadError::new(file, at, "must be a mapping")),
    }
}

/// Puts `value` under `key` of `target` unless a different value is already there.
fn insert_once(
    target: &mut Mapping,
    key: Value,
    value: Value,
    file: &str,
    at: String,
    twice: &str,
) -> Result<(), LoadError> {
    match target.get(&key) {
        Some(existing) if *existing != value => Err(LoadError::new(file, at, twice)),
        _ => {
            target.insert(key, value);
            Ok(())
        }
    }
}

fn merge(doc: &mut Mapping, fragment: Mapping, file: &str) -> Result<(), LoadError> {
    for (key, value) in fragment {
        let name = key_text(&key);
        match name.as_str() {
            "tags" => {
                let tags = match value {
                    Value::Null => Vec::new(),
                    Value::Sequence(tags) => tags,
                    _ => return Err(LoadError::new(file, "tags", "must be a list")),
                };
                let entry = doc
                    .entry(Value::String("tags".into()))
                    .or_insert_with(|| Value::Sequence(Vec::new()));
                if entry.is_null() {
                    *entry = Value::Sequence(Vec::new());
                }
                let target = entry
                    .as_sequence_mut()
                    .ok_or_else(|| LoadError::new(file, "tags", "must be a list to append to"))?;
                for (i, tag) in tags.into_iter().enumerate() {
                    let tag_name = tag.get("name").and_then(Value::as_str).ok_or_else(|| {
                        LoadError::new(file, format!("tags[{i}]"), "a tag needs a `name`")
                    })?;
                    let taken = target
                        .iter()
                        .any(|t| t.get("name").and_then(Value::as_str) == Some(tag_name));
                    if taken {
                        return Err(LoadError::new(
                            file,
                            format!("tags[{i}]"),
                            format!("tag {tag_name} defined twice"),
                        ));
                    }
                    target.push(tag);
                }
            }
            "paths" => {
                let target = section(doc, "paths", file, "paths")?;
                for (path, item) in mapping(value, file, "paths")? {
                    let at = format!("paths.{}", key_text(&path));
                    let target = match target
                        .entry(path)
                        .or_insert_with(|| Value::Mapping(Mapping::new()))
                    {
                        Value::Mapping(m) => m,
                        _ => {
                            return Err(LoadError::new(
                                file,
                                at,
                                "must be a mapping to merge into",
                            ));
                        }
                    };
                    for (k, v) in mapping(item, file, &at)? {
                        let field = key_text(&k);
                        let twice = match field.as_str() {
                            "parameters" => {
                                "path-level parameters differ from those defined before"
                            }
                            _ => "defined twice",
                        };
                        insert_once(target, k, v, file, format!("{at}.{field}"), twice)?;
                    }
                }
            }
            "components" => {
                let target = section(doc, "components", file, "components")?;
                for (kind, entries) in mapping(value, file, "components")? {
                    let at = format!("components.{}", key_text(&kind));
                    let target = match target
                        .entry(kind)
                        .or_insert_with(|| Value::Mapping(Mapping::new()))
                    {
                        Value::Mapping(m) => m,
                        _ => {
                            return Err(LoadError::new(
                                file,
                                at,
                                "must be a mapping to merge into",
                            ));
                        }
                    };
                    for (name, v) in mapping(entries, file, &at)? {
                        let here = format!("{at}.{}", key_text(&name));
                        insert_once(target, name, v, file, here, "defined twice")?;
                    }
                }
            }
            "x-webhooks" => {
                let target = section(doc, "x-webhooks", file, "x-webhooks")?;
                for (event, item) in mapping(value, file, "x-webhooks")? {
                    let here = format!("x-webhooks.{}", key_text(&event));
                    insert_once(target, event, item, file, here, "defined twice")?;
                }
            }
            _ => {
                return Err(LoadError::new(
                    file,
                    name,
                    format!(
                        "unexpected top-level key: a fragment holds only {}",
                        FRAGMENT_KEYS.join(", ")
                    ),
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROOT: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\ntags:\n- {name: orders, description: d}\npaths:\n  /orders:\n    parameters: [{name: a, in: query, schema: {type: string}}]\n    get: {operationId: list_orders}\ncomponents:\n  schemas:\n    Order: {type: object}\n";

    fn frag(name: &str, text: &str) -> (String, String) {
        (format!("openapi/t/{name}"), text.to_owned())
    }

    fn err(fragments: &[(String, String)]) -> String {
        bundle("openapi/t.yaml", ROOT, fragments)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn fragments_merge_per_method_name_and_event() {
        let doc = bundle(
            "openapi/t.yaml",
            ROOT,
            &[
                frag("a.yaml", "tags:\n- {name: refunds, description: d}\npaths:\n  /orders:\n    parameters: [{name: a, in: query, schema: {type: string}}]\n    post: {operationId: create_order}\n  /refunds:\n    get: {operationId: list_refunds}\ncomponents:\n  schemas:\n    Order: {type: object}\n    Refund: {type: object}\n  parameters:\n    Id: {name: id, in: path, required: true, schema: {type: string}}\nx-webhooks:\n  refund.created: {post: {summary: s}}\n"),
                frag("b.yaml", ""),
            ],
        )
        .unwrap();
        let json = doc.json();
        assert_eq!(json["tags"][1]["name"], "refunds");
        assert_eq!(
            json["paths"]["/orders"]["get"]["operationId"],
            "list_orders"
        );
        assert_eq!(
            json["paths"]["/orders"]["post"]["operationId"],
            "create_order"
        );
        assert_eq!(
            json["paths"]["/refunds"]["get"]["operationId"],
            "list_refunds"
        );
        assert!(json.pointer("/components/schemas/Refund").is_some());
        assert!(json.pointer("/components/parameters/Id").is_some());
        assert!(json.pointer("/x-webhooks/refund.created").is_some());
        assert_eq!(doc.file(), "openapi/t.yaml");
        // Root keys first, then what the fragments add, in their order.
        let text = doc.to_json_pretty().unwrap();
        assert!(text.find("\"get\"").unwrap() < text.find("\"post\"").unwrap());
    }

    #[test]
    fn a_name_defined_twice_names_the_fragment_and_the_key() {
        assert_eq!(
            err(&[frag("a.yaml", "tags: [{name: orders}]")]),
            "openapi/t/a.yaml: tags[0]: tag orders defined twice"
        );
        assert_eq!(
            err(&[frag(
                "a.yaml",
                "paths: {/orders: {get: {operationId: other}}}"
            )]),
            "openapi/t/a.yaml: paths./orders.get: defined twice"
        );
        assert_eq!(
            err(&[frag("a.yaml", "paths: {/orders: {parameters: []}}")]),
            "openapi/t/a.yaml: paths./orders.parameters: path-level parameters differ from those defined before"
        );
        assert_eq!(
            err(&[frag(
                "a.yaml",
                "components: {schemas: {Order: {type: string}}}"
            )]),
            "openapi/t/a.yaml: components.schemas.Order: defined twice"
        );
        assert_eq!(
            err(&[
                frag("a.yaml", "x-webhooks: {e: {post: {summary: a}}}"),
                frag("b.yaml", "x-webhooks: {e: {post: {summary: b}}}"),
            ]),
            "openapi/t/b.yaml: x-webhooks.e: defined twice"
        );
        assert_eq!(
            err(&[frag("a.yaml", "info: {title: x}")]),
            "openapi/t/a.yaml: info: unexpected top-level key: a fragment holds only tags, paths, components, x-webhooks"
        );
        assert_eq!(
            err(&[frag("a.yaml", "[1]")]),
            "openapi/t/a.yaml: (document): not a mapping"
        );
    }

    #[test]
    fn identical_definitions_merge() {
        let doc = bundle(
            "openapi/t.yaml",
            ROOT,
            &[frag("a.yaml", "components: {schemas: {Order: {type: object}}}\npaths: {/orders: {get: {operationId: list_orders}}}")],
        )
        .unwrap();
        assert_eq!(
            doc.json()["components"]["schemas"]["Order"]["type"],
            "object"
        );
    }

    #[test]
    fn load_reads_the_fragment_folder_in_name_order_or_the_root_alone() {
        let dir = std::env::temp_dir().join(format!("paygate-spec-load-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("openapi/t")).unwrap();
        std::fs::write(dir.join("openapi/t.yaml"), ROOT).unwrap();
        let alone = load_from(&dir, Path::new("openapi/t.yaml")).unwrap();
        assert!(alone.json().pointer("/components/schemas/Refund").is_none());

        std::fs::write(
            dir.join("openapi/t/b.yaml"),
            "components: {schemas: {Refund: {type: string}}}",
        )
        .unwrap();
        std::fs::write(
            dir.join("openapi/t/a.yaml"),
            "components: {schemas: {Refund: {type: object}}}",
        )
        .unwrap();
        std::fs::write(dir.join("openapi/t/notes.txt"), "not a fragment").unwrap();
        let err = load_from(&dir, Path::new("openapi/t.yaml")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "openapi/t/b.yaml: components.schemas.Refund: defined twice"
        );

        std::fs::remove_file(dir.join("openapi/t/b.yaml")).unwrap();
        let bundled = load_from(&dir, Path::new("openapi/t.yaml")).unwrap();
        assert_eq!(
            bundled.json()["components"]["schemas"]["Refund"]["type"],
            "object"
        );
        let missing = load_from(&dir, Path::new("openapi/none.yaml")).unwrap_err();
        assert_eq!(
            (missing.file.as_str(), missing.at.as_str()),
            ("openapi/none.yaml", "(file)")
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
