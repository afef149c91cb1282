//! Pins the generated clients: any change to a spec or to the generator shows up here as a
//! snapshot diff to review (`cargo insta review`). Razorpay's client has one snapshot per
//! resource group, each holding what that group's feature adds to a client of no group, and one
//! (`razorpay_shared`) of that client itself: the webhook payloads and the error body.

use std::collections::BTreeSet;
use std::path::Path;

use paygate_codegen::{APIS, Api};

fn api(name: &str) -> &'static Api {
    APIS.iter().find(|api| api.name == name).unwrap()
}

fn load(api: &Api) -> paygate_spec::Document {
    paygate_spec::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join(api.spec)).unwrap()
}

/// The client generated with the groups `enabled` accepts.
fn generate(api: &Api, doc: &paygate_spec::Document, enabled: impl Fn(&str) -> bool) -> String {
    let selected = api.select(doc, enabled).unwrap();
    paygate_codegen::generate_from(api, &selected).unwrap()
}

/// Each item of the generated code on its own, modules opened up (`mod types { .. }` is its
/// items, each under the module's path, nested modules likewise).
fn items(source: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    open_up(
        String::new(),
        syn::parse_file(source).unwrap().items,
        &mut out,
    );
    out
}

fn open_up(path: String, items: Vec<syn::Item>, out: &mut Vec<(String, String)>) {
    for item in items {
        match item {
            syn::Item::Mod(module) if module.content.is_some() => {
                let inner = format!("{path}::{}", module.ident);
                open_up(inner, module.content.unwrap().1, out);
            }
            other => out.push((path.clone(), render(other))),
        }
    }
}

fn render(item: syn::Item) -> String {
    prettyplease::unparse(&syn::File {
        shebang: None,
        attrs: Vec::new(),
        items: vec![item],
    })
}

/// What `source` has beyond `base`, item by item, each under its module.
fn beyond(source: &str, base: &BTreeSet<(String, String)>) -> String {
    items(source)
        .into_iter()
        .filter(|item| !base.contains(item))
        .map(|(module, item)| format!("// mod {module}\n{item}"))
        .collect()
}

#[test]
fn razorpay_client_source_per_resource_group() {
    let razorpay = api("razorpay");
    let doc = load(razorpay);
    let shared = generate(razorpay, &doc, |_| false);
    insta::assert_snapshot!("razorpay_shared", shared);
    let base: BTreeSet<_> = items(&shared).into_iter().collect();
    let tags: Vec<String> = doc.json()["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|tag| tag["name"].as_str().unwrap().to_owned())
        .collect();
    assert!(tags.len() >= 27, "{tags:?}");
    for tag in &tags {
        let feature = razorpay.group_feature(tag);
        let group = generate(razorpay, &doc, |f| f == feature);
        let added = beyond(&group, &base);
        assert!(
            added.contains("pub async fn send"),
            "{tag} adds no operation"
        );
        insta::assert_snapshot!(feature.replace('-', "_"), added);
    }
}

#[test]
fn ippopay_client_source() {
    insta::assert_snapshot!(
        "ippopay_client",
        include_str!(concat!(env!("OUT_DIR"), "/ippopay.rs"))
    );
}

/// Every group of the spec has its cargo feature in `Cargo.toml`, and `razorpay-all` lists them
/// all: a group added to the spec cannot be left out of the build.
#[test]
fn every_resource_group_has_its_feature() {
    let razorpay = api("razorpay");
    let doc = load(razorpay);
    let manifest: toml::Table =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
            .unwrap()
            .parse()
            .unwrap();
    let features = manifest["features"].as_table().unwrap();
    let all: BTreeSet<&str> = features["razorpay-all"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    for tag in doc.json()["tags"].as_array().unwrap() {
        let tag = tag["name"].as_str().unwrap();
        let feature = razorpay.group_feature(tag);
        assert!(features.contains_key(&feature), "no feature {feature}");
        assert!(
            all.contains(feature.as_str()),
            "razorpay-all lacks {feature}"
        );
        // The README's row for the group lists exactly its operations.
        let operations: Vec<String> = paygate_spec::operations(doc.json())
            .iter()
            .filter(|op| op.op["tags"][0] == tag)
            .map(|op| format!("`{}`", op.operation_id().unwrap()))
            .collect();
        let listed = readme
            .lines()
            .find(|line| line.starts_with(&format!("| `{feature}` |")))
            .unwrap_or_else(|| panic!("README.md has no row for {feature}"));
        // `| feature | count | `a`, `b` |`: the count and the names in the last cell.
        let cells: Vec<&str> = listed.split('|').map(str::trim).collect();
        let mut named: Vec<String> = cells[3].split(", ").map(str::to_owned).collect();
        named.sort();
        let mut expected = operations.clone();
        expected.sort();
        assert_eq!(
            cells[2],
            operations.len().to_string(),
            "README.md's count for {feature}"
        );
        assert_eq!(named, expected, "README.md's operations for {feature}");
    }
}
