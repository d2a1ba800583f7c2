//! What every test crate needs to drive citecheck the way a user does: a copy of a
//! corpus in a temporary directory, the binary run with its output and exit status,
//! its JSON parsed, the line a text is on, and the `../shared` data the larger tests
//! read (skipped with a notice in a fresh clone, required when
//! `CITECHECK_REQUIRE_SHARED=1`).
//!
//! Each test crate compiles this module on its own and uses a part of it, hence the
//! `dead_code` allowance.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use assert_cmd::Command;
use citecheck::model::Article;
use citecheck::position::Format;
use serde_json::Value;
use tempfile::TempDir;

/// The crate root: relative paths in the tests and in citecheck's output start here.
pub const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The fixtures written for these tests.
pub const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

/// The environment variable that turns a missing `../shared` from a skip into a failure.
pub const REQUIRE_SHARED: &str = "CITECHECK_REQUIRE_SHARED";

/// A path below the crate root.
pub fn repo(rel: impl AsRef<Path>) -> PathBuf {
    Path::new(ROOT).join(rel)
}

/// A path below a fixture directory of `tests/fixtures`.
pub fn fixture(rel: impl AsRef<Path>) -> PathBuf {
    Path::new(FIXTURES).join(rel)
}

// ------------------------------------------------------------------ ../shared

/// `../shared/REL`, the project's shared test data beside the checkout, when it is there.
///
/// A fresh clone has no `../shared`: then this prints one notice per test
/// (`skipping NAME: ../shared not found …`) and returns `None`, and the test returns
/// early. With `CITECHECK_REQUIRE_SHARED=1` (set by `.ci/run`) a missing `../shared`
/// fails the test instead, naming the directory, so CI can never pass by skipping.
/// Whether `REL` itself exists is not checked here: a missing file inside a present
/// `../shared` is a real failure the test reports when it reads it.
pub fn shared(rel: impl AsRef<Path>) -> Option<PathBuf> {
    let root = Path::new(ROOT);
    let dir = root.parent().unwrap_or(root).join("shared");
    if dir.is_dir() {
        return Some(dir.join(rel));
    }
    if std::env::var(REQUIRE_SHARED).is_ok_and(|v| v == "1") {
        panic!(
            "../shared not found: {} does not exist ({REQUIRE_SHARED}=1 requires it)",
            dir.display()
        );
    }
    // The test harness names each test's thread after the test. One notice per test:
    // a property test asks once per case.
    static NOTICED: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());
    let name = std::thread::current()
        .name()
        .unwrap_or("a test")
        .to_string();
    if NOTICED.lock().unwrap().insert(name.clone()) {
        // Straight to stderr: the harness captures `eprintln!` of a passing test, and a
        // skip must be seen.
        let _ = writeln!(
            std::io::stderr(),
            "skipping {name}: ../shared not found ({} does not exist)",
            dir.display()
        );
    }
    None
}

// ------------------------------------------------------------------- corpora

/// Copy the directory tree `from` to `to` (created as needed).
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap_or_else(|e| panic!("{}: {e}", to.display()));
    for entry in fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A temporary directory holding a copy of the corpus `from` (relative paths are taken
/// from the crate root), so a test can edit it and write an index beside it.
pub fn copy_corpus(from: impl AsRef<Path>) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo(from), dir.path());
    dir
}

/// A temporary corpus made of `files` (path below the corpus, content), with
/// `corpus.toml` when `manifest` is given.
pub fn write_corpus(manifest: Option<&str>, files: &[(&str, &[u8])]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    if let Some(manifest) = manifest {
        fs::write(dir.path().join("corpus.toml"), manifest).unwrap();
    }
    for (name, bytes) in files {
        let path = dir.path().join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }
    dir
}

// ---------------------------------------------------------------- the binary

/// The citecheck binary, with none of the environment the tests' results depend on
/// (colour, the index failure injection) inherited from the caller.
pub fn citecheck() -> Command {
    let mut c = Command::cargo_bin("citecheck").unwrap();
    c.env_remove("NO_COLOR")
        .env_remove("CITECHECK_FAIL_INDEX_AFTER");
    c
}

/// The citecheck binary run in `dir`, colour off.
pub fn citecheck_in(dir: &Path) -> Command {
    let mut c = citecheck();
    c.current_dir(dir).args(["--color", "never"]);
    c
}

/// What a run of the binary gave: exit status, stdout, stderr.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Stdout as JSON; a failure shows what was printed instead.
    pub fn json(&self) -> Value {
        json(&self.stdout, &self.stderr)
    }

    /// Stdout and stderr together, for assertions on either.
    pub fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// Run `command`; whatever it was asked, it must not panic.
pub fn run(command: &mut Command) -> Run {
    let out = command.output().unwrap();
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run
}

/// Parse `stdout` as JSON; a failure shows both streams.
pub fn json(stdout: &str, stderr: &str) -> Value {
    serde_json::from_str(stdout)
        .unwrap_or_else(|e| panic!("no JSON ({e}): stdout {stdout:?} stderr {stderr:?}"))
}

/// `citecheck --corpus CORPUS check ARGS…`, run from the crate root so paths in the
/// output are relative and stable, with an index directory of its own so parallel tests
/// over different corpora never share one.
pub fn check(corpus: &Path, args: &[&str]) -> Run {
    let index = tempfile::tempdir().unwrap();
    run(citecheck_in(Path::new(ROOT))
        .arg("--corpus")
        .arg(corpus)
        .arg("--index")
        .arg(index.path())
        .arg("check")
        .args(args))
}

/// `citecheck check --format json` on `corpus`: the report, whatever the exit status.
pub fn check_json(corpus: &Path) -> Value {
    let run = check(corpus, &["--format", "json"]);
    assert!(
        matches!(run.code, 0 | 1),
        "exit {}: {}",
        run.code,
        run.stderr
    );
    run.json()
}

/// `check --format sarif ARGS…` of the bundled corpus against a baseline that accepts
/// every finding of a plain check plus one that no longer occurs: the run, and the plain
/// check's JSON report the baseline was made from.
pub fn sarif_against_a_stale_baseline(args: &[&str]) -> (Run, Value) {
    let whole = check_json(Path::new("corpus"));
    let mut saved = whole.clone();
    let mut gone = findings(&whole)[0].clone();
    gone["sentence"] = "A sentence that was deleted long ago.".into();
    gone["subject"] = "deleted".into();
    saved["findings"].as_array_mut().unwrap().push(gone);
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline.json");
    fs::write(&baseline, saved.to_string()).unwrap();
    let mut all = vec![
        "--format",
        "sarif",
        "--baseline",
        baseline.to_str().unwrap(),
    ];
    all.extend_from_slice(args);
    (check(Path::new("corpus"), &all), whole)
}

/// `citecheck --corpus CORPUS parse FILE --format json`, run from the crate root, which
/// must succeed. The corpus is where the parsed references are linked (a directory that
/// does not exist: none).
pub fn parse_json(corpus: &Path, file: &Path) -> Value {
    let run = run(citecheck_in(Path::new(ROOT))
        .arg("--corpus")
        .arg(corpus)
        .arg("parse")
        .arg(file)
        .args(["--format", "json"]));
    assert_eq!(run.code, 0, "parse {}: {}", file.display(), run.stderr);
    run.json()
}

// ------------------------------------------------------------------ findings

/// The findings of a `check --format json` report.
pub fn findings(report: &Value) -> Vec<Value> {
    report["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("no findings array: {report}"))
        .clone()
}

/// The findings of one rule, in report order.
pub fn of_rule(report: &Value, rule: &str) -> Vec<Value> {
    findings(report)
        .into_iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

/// One string key of each finding ("" where it is absent).
pub fn strs(findings: &[Value], key: &str) -> Vec<String> {
    findings
        .iter()
        .map(|f| f[key].as_str().unwrap_or("").to_string())
        .collect()
}

// -------------------------------------------------------------- the library

/// The 1-based number of the first line of `text` containing `needle`.
pub fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} is on no line"))
        + 1
}

/// [`line_of`] in a file (relative paths are taken from the crate root).
pub fn line_in(file: impl AsRef<Path>, needle: &str) -> usize {
    let path = repo(file);
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    line_of(&text, needle)
}

/// Read `path` with the library's reader for `format` (article id "t"), which must
/// succeed.
pub fn read_article(path: &Path, format: Format) -> Article {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    citecheck::readers::parse("t", path, format, text)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The texts of the sentences tagged `{{citation needed}}` (or its equivalents).
pub fn citation_needed(a: &Article) -> Vec<&str> {
    a.sentences
        .iter()
        .filter(|s| s.citation_needed)
        .map(|s| s.text.as_str())
        .collect()
}

/// The verification record of the sentence containing `needle`.
pub fn verification_record<'v>(v: &'v Value, needle: &str) -> &'v Value {
    v["verification"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["sentence"].as_str().unwrap().contains(needle))
        .unwrap_or_else(|| panic!("no record for {needle}: {:#}", v["verification"]))
}

/// (rule, severity, line, message) of every finding.
pub fn finding_rows(v: &Value) -> Vec<(String, String, u64, String)> {
    findings(v)
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}
