//! A parsed spec, read through paygate-spec (the one reader of the specs: loading, bundling,
//! `$ref`s, walks), and the problems the checks report.
//!
//! Checks read the document as a `serde_json::Value` (so every problem can name its location)
//! and, where paygate's generator is involved, as `openapiv3` types.

use std::fmt;

use serde_json::Value;

/// One problem, printed as `<spec file>: <location>: <message>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    pub at: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.file, self.at, self.message)
    }
}

impl From<paygate_spec::LoadError> for Problem {
    fn from(e: paygate_spec::LoadError) -> Self {
        Problem {
            file: e.file,
            at: e.at,
            message: e.message,
        }
    }
}

/// A spec that parsed as YAML and as an OpenAPI 3.0 document.
pub struct Document {
    /// The spec file as named in messages, e.g. `openapi/razorpay.yaml`.
    pub file: String,
    pub json: Value,
    pub spec: openapiv3::OpenAPI,
    /// The bundled document (root file and fragments).
    pub bundled: paygate_spec::Document,
}

impl Document {
    /// Parses one file's `text`; on failure, the problems say why (the other checks need a
    /// parsed spec).
    pub fn parse(file: &str, text: &str) -> Result<Document, Vec<Problem>> {
        let fail = |e: paygate_spec::SpecError| {
            vec![Problem {
                file: file.to_owned(),
                at: e.at,
                message: e.message,
            }]
        };
        Document::from_bundled(paygate_spec::Document::from_yaml(file, text).map_err(fail)?)
    }

    /// A document [`paygate_spec::load`] bundled.
    pub fn from_bundled(bundled: paygate_spec::Document) -> Result<Document, Vec<Problem>> {
        let file = bundled.file().to_owned();
        let spec = bundled.openapi().map_err(|e| {
            vec![Problem {
                file: file.clone(),
                at: e.at,
                message: e.message,
            }]
        })?;
        Ok(Document {
            json: bundled.json().clone(),
            file,
            spec,
            bundled,
        })
    }

    pub fn problem(&self, at: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            file: self.file.clone(),
            at: at.into(),
            message: message.into(),
        }
    }

    /// Turns `at: message` lines (paygate-codegen's format) into problems.
    pub fn problems_from_lines(&self, lines: impl IntoIterator<Item = String>) -> Vec<Problem> {
        lines
            .into_iter()
            .map(|line| match line.split_once(": ") {
                Some((at, message)) => self.problem(at, message),
                None => self.problem("(document)", line),
            })
            .collect()
    }
}

/// `$ref`s followed from `v` (paygate-spec's resolver); `None` when one is broken (the
/// structure check reports it).
pub fn resolve<'a>(doc: &'a Value, v: &'a Value) -> Option<&'a Value> {
    paygate_spec::resolve(doc, v, "").ok()
}
