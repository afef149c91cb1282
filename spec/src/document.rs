//! A loaded document, the version check, and the one `$ref` resolver.

use serde_json::Value;

use crate::SpecError;

/// One OpenAPI 3.0.x document, bundled (see [`crate::load`]).
///
/// [`Document::json`] is the value every walk of this crate reads (its objects have sorted
/// keys); [`Document::ordered`] is the same document with the keys in the order the files
/// write them, for what people read (the published JSON) and what the generator emits.
#[derive(Debug, Clone)]
pub struct Document {
    file: String,
    json: Value,
    ordered: serde_yaml_ng::Value,
}

impl Document {
    /// Reads one OpenAPI 3.0.x document (YAML or JSON) from `text`; `file` names it in errors.
    /// A single file: [`crate::load`] also reads a spec's fragments.
    pub fn from_yaml(file: &str, text: &str) -> Result<Document, SpecError> {
        let ordered: serde_yaml_ng::Value = serde_yaml_ng::from_str(text)
            .map_err(|e| SpecError::new("(document)", format!("not YAML: {e}")))?;
        Document::from_ordered(file, ordered)
    }

    /// A document from its parsed (order-keeping) value; checks the OpenAPI version.
    pub fn from_ordered(file: &str, ordered: serde_yaml_ng::Value) -> Result<Document, SpecError> {
        let json = serde_json::to_value(&ordered)
            .map_err(|e| SpecError::new("(document)", format!("not representable as JSON: {e}")))?;
        check_version(&json)?;
        Ok(Document {
            file: file.to_owned(),
            json,
            ordered,
        })
    }

    /// The file the document was read from (the root file of a bundled spec), as given.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The document as JSON: what the walks, the resolver and the JSON Schema conversion read.
    pub fn json(&self) -> &Value {
        &self.json
    }

    /// The document with its keys in the files' order.
    pub fn ordered(&self) -> &serde_yaml_ng::Value {
        &self.ordered
    }

    /// The bundled document as pretty-printed JSON, keys in document order, two-space
    /// indents, with a trailing newline: the form paygate publishes.
    pub fn to_json_pretty(&self) -> Result<String, SpecError> {
        let mut text = serde_json::to_string_pretty(&self.ordered)
            .map_err(|e| SpecError::new("(document)", format!("not representable as JSON: {e}")))?;
        text.push('\n');
        Ok(text)
    }

    /// The bundled document as YAML, keys in document order.
    pub fn to_yaml(&self) -> Result<String, SpecError> {
        serde_yaml_ng::to_string(&self.ordered)
            .map_err(|e| SpecError::new("(document)", format!("cannot be written as YAML: {e}")))
    }

    /// The keys of the object at the JSON `pointer`, in the files' order (`None` when there is
    /// no object there).
    pub fn ordered_keys(&self, pointer: &str) -> Option<Vec<&str>> {
        let mut at = &self.ordered;
        if !pointer.is_empty() {
            for raw in pointer.strip_prefix('/')?.split('/') {
                let segment = raw.replace("~1", "/").replace("~0", "~");
                at = match at {
                    serde_yaml_ng::Value::Sequence(items) => {
                        items.get(segment.parse::<usize>().ok()?)?
                    }
                    other => other.get(segment.as_str())?,
                };
            }
        }
        Some(
            at.as_mapping()?
                .keys()
                .filter_map(serde_yaml_ng::Value::as_str)
                .collect(),
        )
    }

    /// Every operation under `paths`, in the files' order of paths, then in
    /// [`crate::METHODS`] order (what the generator emits in); [`crate::operations`] walks
    /// them by sorted path.
    pub fn operations(&self) -> Vec<crate::Operation<'_>> {
        let mut all = crate::operations(&self.json);
        let order = self.ordered_keys("/paths").unwrap_or_default();
        all.sort_by_key(|op| order.iter().position(|p| *p == op.path));
        all
    }

    /// `$ref`s followed from `value` (see [`resolve`]).
    pub fn resolve<'a>(&'a self, value: &'a Value, at: &str) -> Result<&'a Value, SpecError> {
        resolve(&self.json, value, at)
    }

    /// The document as `openapiv3` types, keys in document order. A document these types do
    /// not accept is an error at the closest location found: the first path item or component
    /// schema that fails alone, else serde's path.
    #[cfg(feature = "openapiv3")]
    pub fn openapi(&self) -> Result<openapiv3::OpenAPI, SpecError> {
        serde_path_to_error::deserialize(self.ordered.clone()).map_err(|e| {
            let (at, message) = locate_parse_error(&self.json)
                .unwrap_or_else(|| (e.path().to_string(), e.inner().to_string()));
            SpecError::new(&at, format!("not a valid OpenAPI 3.0 document: {message}"))
        })
    }
}

#[cfg(feature = "openapiv3")]
fn locate_parse_error(json: &Value) -> Option<(String, String)> {
    use crate::walk::{child, entries};
    fn attempt<T: serde::de::DeserializeOwned>(v: &Value, at: String) -> Option<(String, String)> {
        let e = serde_path_to_error::deserialize::<_, T>(v.clone()).err()?;
        let inner = e.path().to_string();
        let at = if inner == "." { at } else { child(&at, &inner) };
        Some((at, e.inner().to_string()))
    }
    entries(json.get("paths"))
        .find_map(|(path, item)| attempt::<openapiv3::PathItem>(item, child("paths", path)))
        .or_else(|| {
            entries(json.pointer("/components/schemas"))
                .filter(|(_, schema)| schema.get("$ref").is_none())
                .find_map(|(name, schema)| {
                    attempt::<openapiv3::Schema>(schema, child("components.schemas", name))
                })
        })
}

/// Whether `version` is `3.0.<patch>`.
pub fn is_openapi_30(version: &str) -> bool {
    version
        .strip_prefix("3.0.")
        .is_some_and(|patch| !patch.is_empty() && patch.chars().all(|c| c.is_ascii_digit()))
}

/// The document says `openapi: 3.0.<patch>`.
pub fn check_version(doc: &Value) -> Result<(), SpecError> {
    match doc.get("openapi").and_then(Value::as_str) {
        Some(v) if is_openapi_30(v) => Ok(()),
        Some(v) => Err(SpecError::new(
            "openapi",
            format!("version {v:?} is not OpenAPI 3.0.x"),
        )),
        None => Err(SpecError::new(
            "openapi",
            "missing: not an OpenAPI 3.0.x document",
        )),
    }
}

/// The value a local `$ref` points at (`#/components/...`: a JSON pointer, its
/// percent-escapes decoded); `None` when it is not local or points to nothing.
pub fn pointer<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    let fragment = reference.strip_prefix('#')?;
    doc.pointer(&percent_decode(fragment))
}

/// Follows `$ref`s (to any depth) from `value` to the object they name; `value` itself when it
/// is no reference. The one resolver of the workspace: an error names `at`.
pub fn resolve<'a>(doc: &'a Value, value: &'a Value, at: &str) -> Result<&'a Value, SpecError> {
    resolve_with_pointer(doc, value, String::new(), at).map(|(_, target)| target)
}

/// As [`resolve`], for a `value` found at the JSON pointer `pointer`: also the pointer of the
/// object reached (the last reference followed, else `pointer`).
pub fn resolve_with_pointer<'a>(
    doc: &'a Value,
    value: &'a Value,
    mut pointer: String,
    at: &str,
) -> Result<(String, &'a Value), SpecError> {
    let mut current = value;
    for _ in 0..32 {
        let Some(reference) = current.get("$ref") else {
            return Ok((pointer, current));
        };
        let Some(text) = reference.as_str().filter(|r| r.starts_with('#')) else {
            return Err(SpecError::new(
                at,
                format!("only local references are supported: {reference}"),
            ));
        };
        pointer = percent_decode(&text[1..]);
        current = doc
            .pointer(&pointer)
            .ok_or_else(|| SpecError::new(at, format!("`$ref: {text}` points to nothing")))?;
    }
    Err(SpecError::new(at, "`$ref` loop"))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = match bytes[i] {
            b'%' => s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok()),
            _ => None,
        };
        match hex {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn references_resolve_through_chains_and_escapes() {
        let doc = json!({"components": {
            "schemas": {"A": {"$ref": "#/components/schemas/B"}, "B": {"type": "string"}, "a/b": {"type": "integer"}},
            "parameters": {"P": {"$ref": "#/components/parameters/P"}},
        }});
        let a = json!({"$ref": "#/components/schemas/A"});
        assert_eq!(resolve(&doc, &a, "x").unwrap(), &json!({"type": "string"}));
        let escaped = json!({"$ref": "#/components/schemas/a~1b"});
        assert_eq!(resolve(&doc, &escaped, "x").unwrap()["type"], "integer");
        let percent = json!({"$ref": "#/components/schemas/a%7E1b"});
        assert_eq!(resolve(&doc, &percent, "x").unwrap()["type"], "integer");
        let plain = json!({"type": "boolean"});
        assert_eq!(resolve(&doc, &plain, "x").unwrap(), &plain);

        let missing = json!({"$ref": "#/components/schemas/Missing"});
        assert_eq!(
            resolve(&doc, &missing, "here").unwrap_err().to_string(),
            "here: `$ref: #/components/schemas/Missing` points to nothing"
        );
        let remote = json!({"$ref": "common.yaml#/Id"});
        assert!(resolve(&doc, &remote, "x").is_err());
        let looped = json!({"$ref": "#/components/parameters/P"});
        assert_eq!(
            resolve(&doc, &looped, "x").unwrap_err().message,
            "`$ref` loop"
        );
    }

    #[test]
    fn only_openapi_3_0_is_read() {
        assert!(Document::from_yaml("t", "openapi: 3.0.3\npaths: {}").is_ok());
        for (text, message) in [
            ("openapi: 3.1.0", "version \"3.1.0\" is not OpenAPI 3.0.x"),
            ("openapi: 3.0.", "version \"3.0.\" is not OpenAPI 3.0.x"),
            ("swagger: '2.0'", "missing: not an OpenAPI 3.0.x document"),
        ] {
            let err = Document::from_yaml("t", text).unwrap_err();
            assert_eq!(
                (err.at.as_str(), err.message.as_str()),
                ("openapi", message)
            );
        }
    }

    #[test]
    fn the_published_json_keeps_document_order() {
        let doc = Document::from_yaml(
            "t",
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n",
        )
        .unwrap();
        let text = doc.to_json_pretty().unwrap();
        assert!(text.find("openapi").unwrap() < text.find("info").unwrap());
        assert!(text.find("\"title\"").unwrap() < text.find("\"version\"").unwrap());
        assert!(text.ends_with("}\n"));
    }
}
