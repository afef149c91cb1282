//! `cargo xtask spec-check` and `cargo xtask publish-spec`: the gate in front of paygate's
//! OpenAPI documents. One module per check family; every problem is one line,
//! `<spec file>: <location>: <message>`.
//!
//! 1. [`document`], [`structure`]: OpenAPI 3.0.x, `$ref`s resolve, no unused components;
//! 2. [`operations`]: operationId, tag, summary, responses, path parameters;
//! 3. [`examples`]: every example validates against its schema;
//! 4. [`compat`]: progenitor compatibility and the tolerant-reader rules for responses;
//! 5. [`snapshot`]: the generated code matches the committed insta snapshot;
//! 6. [`breaking`]: no unrecorded breaking change against the published spec;
//! 7. [`publish`]: the published YAML and JSON are current.
//!
//! Editing a spec: `cargo xtask spec-check` until only the snapshot and the published files are
//! stale; review the snapshot (`cargo insta test -p paygate --review`); `cargo xtask
//! publish-spec`. A breaking change makes `publish-spec` refuse until it is recorded, either by
//! raising `info.version` or with `cargo xtask spec-check --accept` (which then publishes).
//! `cargo xtask spec-check --against <dir>` compares with `<dir>/<name>.yaml` (an older
//! publication, say) instead of the published copies.

pub mod breaking;
pub mod compat;
pub mod document;
pub mod examples;
pub mod operations;
pub mod publish;
pub mod snapshot;
pub mod structure;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use paygate_codegen::Api;
use serde_json::Value;

pub use document::{Document, Problem};

/// Checks 1 to 4 on a spec's text; `file` names it in the messages.
pub fn check_document(file: &str, text: &str) -> Vec<Problem> {
    match Document::parse(file, text) {
        Ok(doc) => check_parsed(&doc),
        Err(problems) => problems,
    }
}

/// Checks 2 to 4 (and the `$ref` and unused-component part of 1) on a parsed spec.
pub fn check_parsed(doc: &Document) -> Vec<Problem> {
    let mut problems = structure::check(doc);
    problems.extend(operations::check(doc));
    problems.extend(examples::check(doc));
    problems.extend(compat::check(doc));
    dedup(problems)
}

/// Breaking changes from the published `baseline` to `doc` (check 6), split into problems and
/// notes: a higher `info.version` or `accept` records them as notes.
pub fn check_breaking(
    doc: &Document,
    baseline: &Value,
    accept: bool,
) -> (Vec<Problem>, Vec<String>) {
    let breaks = breaking::compare(baseline, &doc.json);
    let published = baseline
        .pointer("/info/version")
        .and_then(Value::as_str)
        .unwrap_or("?");
    if breaks.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let recorded_by = match breaking::version_bump(baseline, &doc.json) {
        Some((old, new)) => Some(format!("recorded by info.version {old} -> {new}")),
        None => accept.then(|| "accepted with --accept".to_owned()),
    };
    match recorded_by {
        Some(how) => {
            let notes = breaks
                .into_iter()
                .map(|(at, message)| {
                    format!("{}: {at}: breaking change {how}: {message}", doc.file)
                })
                .collect();
            (Vec::new(), notes)
        }
        None => {
            let problems = breaks
                .into_iter()
                .map(|(at, message)| {
                    doc.problem(
                        at,
                        format!("breaking change since published {published}: {message}"),
                    )
                })
                .collect();
            let hint = format!(
                "{}: record a deliberate breaking change by raising info.version (published: {published}) or with `cargo xtask spec-check --accept`",
                doc.file
            );
            (problems, vec![hint])
        }
    }
}

/// What a command found: problems fail it, notes are for information.
#[derive(Debug, Default)]
pub struct Report {
    pub problems: Vec<Problem>,
    pub notes: Vec<String>,
}

/// `cargo xtask spec-check [--accept]` on the specs of `apis` under the workspace `root`.
pub fn spec_check(root: &Path, apis: &[Api], accept: bool) -> Report {
    spec_check_against(root, apis, accept, None)
}

/// `cargo xtask spec-check --against <dir>`: as [`spec_check`], but the breaking-change baseline
/// of each spec is `<dir>/<name>.yaml` (e.g. a published copy from an older commit) instead of
/// `openapi/published/<name>.yaml`; the published files are still checked for freshness.
pub fn spec_check_against(
    root: &Path,
    apis: &[Api],
    accept: bool,
    against: Option<&Path>,
) -> Report {
    let mut report = Report::default();
    for api in apis {
        let Some((doc, text)) = load(root, api, &mut report) else {
            continue;
        };
        report.problems.extend(check_parsed(&doc));

        let snapshot = std::fs::read_to_string(root.join(snapshot::snapshot_path(api))).ok();
        let generated = snapshot::generate(api, &doc.bundled);
        report
            .problems
            .extend(snapshot::check(&doc, api, generated, snapshot.as_deref()));

        let baseline_path = match against {
            Some(dir) => dir.join(format!("{}.yaml", api.name)),
            None => PathBuf::from(publish::published_yaml(api)),
        };
        if against.is_some() && !root.join(&baseline_path).is_file() {
            report.problems.push(doc.problem(
                "published",
                format!("--against: {} does not exist", baseline_path.display()),
            ));
        }
        if let Some(baseline) = baseline(root, &baseline_path, &doc, &mut report) {
            let (problems, notes) = check_breaking(&doc, &baseline, accept);
            report.problems.extend(problems);
            report.notes.extend(notes);
        }

        let rendered = match publish::render_bundled(api, &doc.bundled, &text) {
            Ok(rendered) => rendered,
            Err(e) => {
                report.problems.push(doc.problem("(document)", e));
                continue;
            }
        };
        if accept {
            write_published(root, &rendered, &mut report);
        }
        let mut read = |path: &str| std::fs::read(root.join(path)).ok();
        report
            .problems
            .extend(publish::check(api.spec, &rendered, &mut read));
    }
    report.problems = dedup(std::mem::take(&mut report.problems));
    report
}

/// `cargo xtask publish-spec`: writes the published files of every spec that parses and has no
/// unrecorded breaking change.
pub fn publish_spec(root: &Path, apis: &[Api]) -> Report {
    let mut report = Report::default();
    for api in apis {
        let Some((doc, text)) = load(root, api, &mut report) else {
            continue;
        };
        let baseline_path = PathBuf::from(publish::published_yaml(api));
        if let Some(baseline) = baseline(root, &baseline_path, &doc, &mut report) {
            let (problems, notes) = check_breaking(&doc, &baseline, false);
            report.notes.extend(notes);
            if !problems.is_empty() {
                report.problems.extend(problems);
                report.problems.push(doc.problem(
                    "published",
                    "not published: it has unrecorded breaking changes",
                ));
                continue;
            }
        }
        match publish::render_bundled(api, &doc.bundled, &text) {
            Ok(rendered) => write_published(root, &rendered, &mut report),
            Err(e) => report.problems.push(doc.problem("(document)", e)),
        }
    }
    report
}

/// The spec of `api` bundled from its root file and fragments, and the root file's text.
fn load(root: &Path, api: &Api, report: &mut Report) -> Option<(Document, String)> {
    let text = match std::fs::read_to_string(root.join(api.spec)) {
        Ok(text) => text,
        Err(e) => {
            report.problems.push(Problem {
                file: api.spec.to_owned(),
                at: "(document)".into(),
                message: format!("cannot read: {e}"),
            });
            return None;
        }
    };
    let bundled = match paygate_spec::load_from(root, Path::new(api.spec)) {
        Ok(bundled) => bundled,
        Err(e) => {
            report.problems.push(e.into());
            return None;
        }
    };
    match Document::from_bundled(bundled) {
        Ok(doc) => Some((doc, text)),
        Err(problems) => {
            report.problems.extend(problems);
            None
        }
    }
}

/// The baseline of a spec at `path` (relative to `root` unless absolute); `None` when nothing is
/// published yet (check 7 says so).
fn baseline(root: &Path, path: &Path, doc: &Document, report: &mut Report) -> Option<Value> {
    let text = std::fs::read_to_string(root.join(path)).ok()?;
    let parsed = paygate_spec::Document::from_yaml(&path.display().to_string(), &text);
    match parsed {
        Ok(published) => Some(published.json().clone()),
        Err(e) => {
            report.problems.push(doc.problem(
                "published",
                format!("{} does not parse: {e}", path.display()),
            ));
            None
        }
    }
}

fn write_published(root: &Path, rendered: &[(String, Vec<u8>)], report: &mut Report) {
    for (path, contents) in rendered {
        let target = root.join(path);
        if std::fs::read(&target).ok().as_ref() == Some(contents) {
            continue;
        }
        let written = target
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&target, contents));
        match written {
            Ok(()) => report.notes.push(format!("wrote {path}")),
            Err(e) => report.problems.push(Problem {
                file: path.clone(),
                at: "(file)".into(),
                message: format!("cannot write: {e}"),
            }),
        }
    }
}

fn dedup(problems: Vec<Problem>) -> Vec<Problem> {
    let mut seen = BTreeSet::new();
    problems
        .into_iter()
        .filter(|p| seen.insert(p.to_string()))
        .collect()
}
