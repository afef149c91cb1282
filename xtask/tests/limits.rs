//! paygate-spec's request limits are the rows paygate-codegen writes into `REQUEST_LIMITS`, for
//! both specs. (A guard while codegen still has its own copy of the reading; it goes with it.)

use std::path::Path;

#[test]
fn the_spec_readers_limits_are_codegens_rows() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for api in paygate_codegen::APIS {
        let text = std::fs::read_to_string(root.join(api.spec)).unwrap();
        let codegen: Vec<String> = paygate_codegen::request_limits_of(&text)
            .unwrap()
            .iter()
            .map(|row| {
                format!(
                    "{} {} {} {:?}",
                    row.operation, row.location, row.field, row.limits
                )
            })
            .collect();
        let doc = paygate_spec::load(&root.join(api.spec)).unwrap();
        let ours: Vec<String> = paygate_spec::request_limits(&doc)
            .iter()
            .map(|row| {
                format!(
                    "{} {} {} {:?}",
                    row.operation, row.location, row.field, row.limits
                )
            })
            .collect();
        assert!(!ours.is_empty());
        assert_eq!(ours, codegen, "{}", api.spec);
    }
}
