//! `check --format sarif` against the official SARIF 2.1.0 JSON schema
//! (`tests/schemas/sarif-schema-2.1.0.json`, see its README for where it comes from and
//! its licence), with formats such as `uri` and `uri-reference` asserted: what GitHub
//! code scanning and other SARIF consumers accept.

mod common;

use std::fs;
use std::path::Path;

use common::{check, citecheck_in, repo, run};
use serde_json::Value;

/// The one pattern of the schema that is not a regular expression: the `language` of
/// a run and of a tool component has a stray `]` (an erratum of the published file;
/// citecheck writes no `language`). The validator checks the schema's own patterns, so
/// the copy in memory gets the pattern as meant; the file stays as published.
const LANGUAGE_PATTERN: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";

fn validator() -> jsonschema::Validator {
    let text = fs::read_to_string(repo("tests/schemas/sarif-schema-2.1.0.json")).unwrap();
    let mut schema: Value = serde_json::from_str(&text).unwrap();
    let mut fixed = 0;
    for definition in schema["definitions"].as_object_mut().unwrap().values_mut() {
        let pattern = definition
            .pointer_mut("/properties/language/pattern")
            .filter(|p| *p == LANGUAGE_PATTERN);
        if let Some(pattern) = pattern {
            *pattern = "^[a-zA-Z]{2}$|^[a-zA-Z]{2}-[a-zA-Z]{2}$".into();
            fixed += 1;
        }
    }
    assert_eq!(fixed, 2, "the erratum is where it was");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

/// Every way `log` breaks the schema, one per line (empty when it is valid).
fn violations(log: &Value) -> String {
    validator()
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect::<Vec<_>>()
        .join("\n")
}

fn assert_valid(log: &Value, what: &str) {
    let problems = violations(log);
    assert!(
        problems.is_empty(),
        "{what}: SARIF log breaks the schema:\n{problems}"
    );
    assert!(
        !log["runs"][0]["results"].as_array().unwrap().is_empty(),
        "{what}: no results to validate"
    );
}

/// The schema is the real one: a log it accepts, it accepts; a broken one it refuses.
#[test]
fn the_schema_refuses_a_broken_log() {
    let mut log = check(Path::new("corpus"), &["--format", "sarif"]).json();
    assert!(violations(&log).is_empty());
    log["runs"][0]["results"][0]["level"] = "fatal".into();
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        0.into();
    let problems = violations(&log);
    assert!(problems.contains("fatal"), "{problems}");
    assert!(problems.contains("startLine"), "{problems}");
}

#[test]
fn sarif_of_the_bundled_corpus_is_valid() {
    let r = check(Path::new("corpus"), &["--format", "sarif"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_valid(&r.json(), "corpus/");
}

/// The verification fixture: an error with evidence, notes and help in the messages.
#[test]
fn sarif_of_the_verification_fixture_is_valid() {
    let r = check(Path::new("tests/fixtures/verify"), &["--format", "sarif"]);
    assert_eq!(r.code, 1, "the fixture has an error: {}", r.stderr);
    let log = r.json();
    assert_valid(&log, "tests/fixtures/verify");
    let levels: Vec<&str> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["level"].as_str().unwrap())
        .collect();
    assert!(levels.contains(&"error"), "{levels:?}");
}

/// With a baseline every result carries `baselineState` (`unchanged`, `new`, `absent`),
/// and with `--max-findings` the run says in a notification how many were left out.
#[test]
fn sarif_with_baseline_states_and_a_cap_is_valid() {
    let (r, _) = common::sarif_against_a_stale_baseline(&[]);
    let log = r.json();
    assert_valid(&log, "with a baseline");
    let states: Vec<&str> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["baselineState"].as_str().unwrap())
        .collect();
    assert!(
        states.contains(&"unchanged") && states.contains(&"absent"),
        "{states:?}"
    );

    let capped = check(
        Path::new("corpus"),
        &["--format", "sarif", "--max-findings", "2"],
    );
    let log = capped.json();
    assert_valid(&log, "capped");
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 2);
}

/// File names that need percent-encoding — a space, `%`, `#`, a non-ASCII letter — give
/// URIs the schema's `uri-reference` format accepts, relative to `--root` and also
/// absolute (`file:` URIs for files outside the root).
#[test]
fn sarif_uris_of_awkward_file_names_are_valid() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("my dir");
    fs::create_dir_all(&sub).unwrap();
    fs::copy(
        repo("corpus/articles/soviet-japanese-neutrality-pact.txt"),
        sub.join("50%_pact #1 é.txt"),
    )
    .unwrap();
    let index = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    // URIs relative to a root the file is under, and `file:` URIs for a root it is not.
    for (root, root_dir) in [("the corpus", dir.path()), ("elsewhere", elsewhere.path())] {
        let r = run(citecheck_in(dir.path())
            .args(["--corpus", ".", "--index"])
            .arg(index.path())
            .args(["check", "--format", "sarif", "--root"])
            .arg(root_dir));
        assert_eq!(r.code, 0, "{}", r.stderr);
        let log = r.json();
        assert_valid(&log, root);
        let uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
            ["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(uri.contains("50%25_pact%20%231%20%C3%A9.txt"), "{uri}");
        assert!(!uri.contains(' ') && !uri.contains('#'), "{uri}");
    }
}
