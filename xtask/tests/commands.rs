//! `spec-check` and `publish-spec` end to end, on a scratch workspace holding the fixture spec.

use std::path::{Path, PathBuf};

use paygate_codegen::Api;

const FIXTURE: &str = include_str!("fixtures/shop.yaml");
const SHOP: Api = Api {
    name: "shop",
    spec: "openapi/shop.yaml",
    gateway: "Shop",
    replacements: &[],
    grouped: false,
    kept_schemas: &[],
};

struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let root = std::env::temp_dir().join(format!("xtask-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("openapi")).unwrap();
        std::fs::create_dir_all(root.join("tests/it/snapshots")).unwrap();
        let scratch = Scratch(root);
        scratch.write_spec(FIXTURE);
        scratch
    }

    fn root(&self) -> &Path {
        &self.0
    }

    /// Writes the spec and, as a reviewed `cargo insta` run would, its snapshot.
    fn write_spec(&self, text: &str) {
        std::fs::write(self.0.join(SHOP.spec), text).unwrap();
        let code = paygate_codegen::generate(&SHOP, &self.0).unwrap();
        let snapshot =
            format!("---\nsource: tests/it/generated_code.rs\nexpression: shop\n---\n{code}");
        std::fs::write(
            self.0
                .join("tests/it/snapshots/it__generated_code__shop_client.snap"),
            snapshot,
        )
        .unwrap();
    }

    fn read(&self, path: &str) -> Vec<u8> {
        std::fs::read(self.0.join(path)).unwrap()
    }

    fn spec_check(&self, accept: bool) -> Vec<String> {
        let report = xtask::spec_check(self.root(), &[SHOP], accept);
        report.problems.iter().map(ToString::to_string).collect()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn publish_then_check_then_break_then_accept() {
    let scratch = Scratch::new("cycle");

    // Nothing published yet.
    let problems = scratch.spec_check(false);
    assert_eq!(
        problems,
        [
            "openapi/shop.yaml: published: openapi/published/shop.yaml does not exist (nothing published yet); run `cargo xtask publish-spec`",
            "openapi/shop.yaml: published: openapi/published/shop.json does not exist (nothing published yet); run `cargo xtask publish-spec`",
        ]
    );

    // Publishing twice writes the same bytes; then everything passes.
    let report = xtask::publish_spec(scratch.root(), &[SHOP]);
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!(
        report.notes,
        [
            "wrote openapi/published/shop.yaml",
            "wrote openapi/published/shop.json"
        ]
    );
    let first = (
        scratch.read("openapi/published/shop.yaml"),
        scratch.read("openapi/published/shop.json"),
    );
    let report = xtask::publish_spec(scratch.root(), &[SHOP]);
    assert!(
        report.problems.is_empty() && report.notes.is_empty(),
        "{report:?}"
    );
    assert_eq!(
        first,
        (
            scratch.read("openapi/published/shop.yaml"),
            scratch.read("openapi/published/shop.json")
        )
    );
    assert_eq!(scratch.spec_check(false), Vec::<String>::new());

    // A compatible edit: only the published files are stale.
    scratch.write_spec(&FIXTURE.replace("Orders and refunds,", "Orders and refunds (and more),"));
    let problems = scratch.spec_check(false);
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert!(problems[0].ends_with("openapi/published/shop.yaml is stale: it differs from this spec; run `cargo xtask publish-spec`"));
    assert!(problems[1].contains("openapi/published/shop.json is stale"));
    assert!(
        xtask::publish_spec(scratch.root(), &[SHOP])
            .problems
            .is_empty()
    );
    assert_eq!(scratch.spec_check(false), Vec::<String>::new());

    // A breaking edit: reported, and publish-spec refuses to record it silently.
    let broken = FIXTURE.replace("        payment_id:\n          type: string\n", "");
    scratch.write_spec(&broken);
    let problems = scratch.spec_check(false);
    let removed = "openapi/shop.yaml: paths./payments/{payment_id}/refund.post: breaking change since published 1.0.0: response 200 field `payment_id` removed";
    assert_eq!(problems[0], removed);
    let report = xtask::publish_spec(scratch.root(), &[SHOP]);
    assert_eq!(report.problems[0].to_string(), removed);
    assert_eq!(
        report.problems.last().unwrap().to_string(),
        "openapi/shop.yaml: published: not published: it has unrecorded breaking changes"
    );

    // --accept records it: reported as a note, published, and the next check passes.
    let report = xtask::spec_check(scratch.root(), &[SHOP], true);
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert!(report.notes[0].ends_with(
        "breaking change accepted with --accept: response 200 field `payment_id` removed"
    ));
    assert_eq!(
        scratch.read("openapi/published/shop.yaml"),
        broken.as_bytes()
    );
    assert_eq!(scratch.spec_check(false), Vec::<String>::new());
}

#[test]
fn a_spec_edit_without_a_snapshot_review_fails() {
    let scratch = Scratch::new("snapshot");
    assert!(
        xtask::publish_spec(scratch.root(), &[SHOP])
            .problems
            .is_empty()
    );
    // Edit the spec but keep the old snapshot, then publish so only freshness can fail.
    let snapshot = scratch.read("tests/it/snapshots/it__generated_code__shop_client.snap");
    scratch.write_spec(&FIXTURE.replace(
        "        payment_id:\n",
        "        offer_id:\n          type: string\n        payment_id:\n",
    ));
    std::fs::write(
        scratch
            .root()
            .join("tests/it/snapshots/it__generated_code__shop_client.snap"),
        snapshot,
    )
    .unwrap();
    assert!(
        xtask::publish_spec(scratch.root(), &[SHOP])
            .problems
            .is_empty()
    );
    let problems = scratch.spec_check(false);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(problems[0].starts_with(
        "openapi/shop.yaml: generated code: tests/it/snapshots/it__generated_code__shop_client.snap does not match the code generated from this spec"
    ));
}

#[test]
fn a_missing_spec_is_reported() {
    let scratch = Scratch::new("missing");
    std::fs::remove_file(scratch.root().join(SHOP.spec)).unwrap();
    let problems = scratch.spec_check(false);
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].starts_with("openapi/shop.yaml: (document): cannot read: "),
        "{problems:?}"
    );
}

#[test]
fn against_compares_with_an_older_copy_instead_of_the_published_one() {
    let scratch = Scratch::new("against");
    // Published: a spec whose currency has a pattern; the older copy has none.
    let tightened = FIXTURE.replace(
        "          minLength: 3\n",
        "          minLength: 3\n          pattern: '^[A-Z]{3}$'\n",
    );
    assert_ne!(tightened, FIXTURE);
    scratch.write_spec(&tightened);
    assert!(
        xtask::publish_spec(scratch.root(), &[SHOP])
            .problems
            .is_empty()
    );
    assert_eq!(scratch.spec_check(false), Vec::<String>::new());

    let older = scratch.root().join("older");
    std::fs::create_dir_all(&older).unwrap();
    std::fs::write(older.join("shop.yaml"), FIXTURE).unwrap();
    let report = xtask::spec_check_against(scratch.root(), &[SHOP], false, Some(&older));
    let problems: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        problems,
        [
            "openapi/shop.yaml: paths./orders.post: breaking change since published 1.0.0: request body field `currency`: pattern added: ^[A-Z]{3}$"
        ]
    );

    let missing = scratch.root().join("nowhere");
    let report = xtask::spec_check_against(scratch.root(), &[SHOP], false, Some(&missing));
    let problems: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        problems,
        [format!(
            "openapi/shop.yaml: published: --against: {} does not exist",
            missing.join("shop.yaml").display()
        )]
    );
}
