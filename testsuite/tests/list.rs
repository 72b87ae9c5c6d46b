//! The expected-failure list itself: it parses, and every file it names exists (entries for
//! the official suite are checked only when the suite is present).

use switchyard::script::run::expected::{self, ExpectedFailures};

#[test]
fn every_listed_file_exists() {
    let list = ExpectedFailures::load(&expected::expected_failures_path()).unwrap();
    let spec = expected::spec_tests_root();
    let mut missing = Vec::new();
    for file in list.files.keys() {
        let path = match file.strip_prefix("spec-tests/") {
            Some(rel) if spec.join("core").is_dir() => spec.join(rel),
            Some(_) => continue,
            None => expected::repo_root().join(file),
        };
        if !path.is_file() {
            missing.push(file.clone());
        }
    }
    assert!(
        missing.is_empty(),
        "expected-failures.txt names files that do not exist: {missing:?}"
    );
}
