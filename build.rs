//! Generates one Rust client per OpenAPI document listed in `paygate_codegen::APIS` whose
//! feature (named after the API: `razorpay`, `ippopay`) is on, with the operations of the
//! resource groups whose features are on (`razorpay-orders`, ...), and writes the whole bundled
//! spec (root file and fragments) beside it as JSON: the gateway module's `SPEC`. The test-only
//! documents of `paygate_codegen::TEST_APIS` are generated likewise when their hidden feature
//! (`test-<name>`: `test-shapes`) is on, which only paygate's own tests do.

use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    println!("cargo:rerun-if-changed=build.rs");
    // Set when the features select no operation at all (a gateway for its signatures and
    // webhooks only): the shared request path is then unused.
    println!("cargo::rustc-check-cfg=cfg(paygate_no_operations)");
    let mut operations = 0;
    let mut failed = false;
    let published = paygate_codegen::APIS
        .iter()
        .map(|api| (api, api.name.to_owned()));
    let tests = paygate_codegen::TEST_APIS
        .iter()
        .map(|api| (api, format!("test-{}", api.name)));
    for (api, feature) in published.chain(tests) {
        if !enabled(&feature) {
            continue;
        }
        let spec = root.join(api.spec);
        if !spec.exists() {
            // A test-only spec is not in the published package (`include` in Cargo.toml).
            eprintln!(
                "{}: not found; feature `{feature}` works only in paygate's own repository",
                api.spec
            );
            failed = true;
            continue;
        }
        println!("cargo:rerun-if-changed={}", api.spec);
        // The fragments' folder: cargo reruns when any file in it changes, or it appears.
        println!(
            "cargo:rerun-if-changed={}",
            paygate_spec::fragment_dir(Path::new(api.spec)).display()
        );
        let doc = match paygate_spec::load(&spec) {
            Ok(doc) => doc,
            Err(e) => {
                eprintln!("{e}");
                failed = true;
                continue;
            }
        };
        // The groups (tags) whose features are on, e.g. `razorpay-payment-links`.
        let selected = match api.select(&doc, enabled) {
            Ok(selected) => selected,
            Err(e) => {
                eprintln!("{e}");
                failed = true;
                continue;
            }
        };
        operations += selected.operations().len();
        match paygate_codegen::generate_from(api, &selected) {
            Ok(source) => write(&out.join(format!("{}.rs", api.name)), &source),
            Err(e) => {
                // cargo shows a build script's stderr when it fails: one line per problem.
                eprintln!("{e}");
                failed = true;
            }
        }
        match doc.to_json_pretty() {
            Ok(json) => write(&out.join(format!("{}.json", api.name)), &json),
            Err(e) => {
                eprintln!("{}: {e}", api.spec);
                failed = true;
            }
        }
    }
    if failed {
        std::process::exit(1);
    }
    if operations == 0 {
        println!("cargo::rustc-cfg=paygate_no_operations");
    }
}

/// Whether cargo feature `feature` (`razorpay-payment-links`) is on for this build.
fn enabled(feature: &str) -> bool {
    let variable = format!("CARGO_FEATURE_{}", feature.to_uppercase().replace('-', "_"));
    std::env::var_os(variable).is_some()
}

fn write(path: &Path, source: &str) {
    if let Err(e) = std::fs::write(path, source) {
        eprintln!("{}: cannot write: {e}", path.display());
        std::process::exit(1);
    }
}
