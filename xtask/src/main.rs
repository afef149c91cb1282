//! `cargo xtask spec-check [--accept]` and `cargo xtask publish-spec`; see the library docs.

use std::path::Path;
use std::process::ExitCode;

const USAGE: &str =
    "usage: cargo xtask spec-check [--accept | --against <dir>] | cargo xtask publish-spec

spec-check      check openapi/*.yaml; one line per problem, exit status 1 if any
  --accept      record the breaking changes found as deliberate: publish the specs
  --against <dir>  look for breaking changes against <dir>/<name>.yaml instead of
                the published copies (e.g. those of an older commit)
publish-spec    write openapi/published/<name>.yaml and .json";

fn main() -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace");
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let apis = paygate_codegen::APIS;
    let (command, report) = match args.as_slice() {
        ["spec-check"] => ("spec-check", xtask::spec_check(root, apis, false)),
        ["spec-check", "--accept"] => ("spec-check", xtask::spec_check(root, apis, true)),
        ["spec-check", "--against", dir] => ("spec-check", {
            // Relative to where the command runs, as a shell user expects.
            let dir = std::env::current_dir().unwrap_or_default().join(dir);
            xtask::spec_check_against(root, apis, false, Some(&dir))
        }),
        ["publish-spec"] => ("publish-spec", xtask::publish_spec(root, apis)),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    for problem in &report.problems {
        println!("{problem}");
    }
    for note in &report.notes {
        println!("note: {note}");
    }
    let specs = apis.len();
    match report.problems.len() {
        0 => {
            println!("{command}: ok ({specs} specs)");
            ExitCode::SUCCESS
        }
        n => {
            println!(
                "{command}: {n} problem{} in {specs} specs",
                if n == 1 { "" } else { "s" }
            );
            ExitCode::FAILURE
        }
    }
}
