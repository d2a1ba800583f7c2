//! Output control of `check`: article paths, rule and severity filters, a limit with
//! its "… and N more" line, `--output FILE`, JSON Lines, and CI within GitHub's limits
//! (SARIF URIs, baseline states, capped annotations, the job summary).

mod common;

use std::fs;
use std::path::Path;

use common::{check, citecheck_in, findings, repo, run};
use serde_json::Value;

const SAMPLE: &str = "corpus/articles/soviet-japanese-neutrality-pact.txt";
const VERIFY: &str = "tests/fixtures/verify";

fn jsonl(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[test]
fn jsonl_has_one_finding_per_line_then_article_and_total_summaries() {
    let whole = common::check_json(Path::new("corpus"));
    let run = check(Path::new("corpus"), &["--format", "jsonl"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let records = jsonl(&run.stdout);
    let types: Vec<&str> = records
        .iter()
        .map(|r| r["type"].as_str().unwrap())
        .collect();
    let found: Vec<&Value> = records.iter().filter(|r| r["type"] == "finding").collect();
    assert_eq!(found.len(), findings(&whole).len());
    for (a, b) in found.iter().zip(findings(&whole)) {
        assert_eq!(a["rule"], b["rule"]);
        assert_eq!(a["line"], b["line"]);
        assert_eq!(a["message"], b["message"]);
    }
    assert_eq!(types.iter().filter(|t| **t == "article").count(), 1);
    let last = records.last().unwrap();
    assert_eq!(last["type"], "summary");
    assert_eq!(last["version"], 1);
    assert_eq!(last["warnings"], whole["summary"]["warnings"]);
    assert_eq!(last["by_rule"]["missing-section"], 5);
    let article = records.iter().find(|r| r["type"] == "article").unwrap();
    assert_eq!(article["article"], "soviet-japanese-neutrality-pact");
    assert_eq!(article["file"], SAMPLE);
}

/// The verification records of `--format json` come in JSON Lines too, each after its
/// article's findings and before its `article` record.
#[test]
fn jsonl_carries_the_verification_records_of_the_json_report() {
    let whole = common::check_json(Path::new(VERIFY));
    let run = check(Path::new(VERIFY), &["--format", "jsonl"]);
    assert_eq!(run.code, 1, "the fixture has an error: {}", run.stderr);
    let records = jsonl(&run.stdout);
    let mut streamed: Vec<Value> = records
        .iter()
        .filter(|r| r["type"] == "verification")
        .cloned()
        .collect();
    for r in &mut streamed {
        r.as_object_mut().unwrap().remove("type");
    }
    let expected = whole["verification"].as_array().unwrap();
    assert!(!expected.is_empty());
    assert_eq!(&streamed, expected);
    // Each article's records come before its `article` record and after its findings.
    let mut article_of_last = None;
    for r in &records {
        match r["type"].as_str().unwrap() {
            "verification" => article_of_last = Some(r["article"].clone()),
            "article" => {
                if let Some(a) = article_of_last.take() {
                    assert_eq!(a, r["article"]);
                }
            }
            "finding" => assert!(
                article_of_last.is_none() || r["rule"] == "missing-source-text",
                "a finding after its article's verification records: {r}"
            ),
            _ => {}
        }
    }
    let summary = records.last().unwrap();
    assert_eq!(summary["verified"], whole["summary"]["verified"]);
    assert_eq!(summary["partly"], whole["summary"]["partly"]);
}

#[test]
fn rule_severity_and_max_findings_filter_what_is_shown() {
    let run = check(
        Path::new("corpus"),
        &["--rule", "missing-section", "--max-findings", "2"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.matches("warning[missing-section]").count(), 2);
    assert!(!run.stdout.contains("[uncited-claim]"));
    assert!(
        run.stdout
            .contains("… and 3 more findings not shown (--max-findings 2)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("by rule: 5 missing-section"),
        "{}",
        run.stdout
    );

    let v = check(
        Path::new("corpus"),
        &[
            "--format",
            "json",
            "--rule",
            "uncited-claim",
            "--rule",
            "unused-reference",
        ],
    )
    .json();
    let rules: std::collections::BTreeSet<String> =
        common::strs(&findings(&v), "rule").into_iter().collect();
    assert_eq!(
        rules,
        ["uncited-claim", "unused-reference"]
            .map(String::from)
            .into()
    );

    // The verification fixture has one error: --severity error shows only it.
    let v = check(
        Path::new(VERIFY),
        &["--format", "json", "--severity", "error"],
    )
    .json();
    let severities = common::strs(&findings(&v), "severity");
    assert_eq!(severities, ["error"]);

    let bad = check(Path::new("corpus"), &["--rule", "no-such-rule"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("no-such-rule"), "{}", bad.stderr);
}

#[test]
fn paths_on_the_command_line_limit_the_articles_checked() {
    let dir = common::copy_corpus("corpus");
    let articles = dir.path().join("articles");
    fs::write(
        articles.join("second.txt"),
        "Second\n\nIn 1901 the harbour handled 3,000 ships.\n",
    )
    .unwrap();
    let index = tempfile::tempdir().unwrap();
    let only = |path: &str| {
        run(citecheck_in(dir.path())
            .args(["--corpus", ".", "--index"])
            .arg(index.path())
            .args(["check", "--format", "jsonl", path]))
    };
    let r = only("articles/second.txt");
    assert!(matches!(r.code, 0 | 1), "{}", r.stderr);
    let records = jsonl(&r.stdout);
    let ids: Vec<&str> = records
        .iter()
        .filter(|r| r["type"] == "article")
        .map(|r| r["article"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["second"]);
    assert!(records
        .iter()
        .filter(|r| r["type"] == "finding")
        .all(|r| r["file"] == "articles/second.txt"));

    let missing = only("articles/none.txt");
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("articles/none.txt"),
        "{}",
        missing.stderr
    );
}

#[test]
fn output_file_gets_the_report_and_a_failed_run_leaves_it_alone() {
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("report.json");
    let file_arg = file.to_str().unwrap();
    let r = check(
        Path::new("corpus"),
        &["--format", "json", "--output", file_arg],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    let written: Value = serde_json::from_str(&fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(written, common::check_json(Path::new("corpus")));

    fs::write(&file, "keep me").unwrap();
    let bad = check(
        Path::new("corpus"),
        &["--output", file_arg, "--baseline", "/no/such"],
    );
    assert_eq!(bad.code, 2);
    assert_eq!(fs::read_to_string(&file).unwrap(), "keep me");
    let left: Vec<_> = fs::read_dir(out.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "no temporary file left behind");
}

/// A manifest-less corpus whose one article has a space, `%`, `#` and a non-ASCII
/// letter in its path: SARIF URIs are percent-encoded and relative to `--root`.
#[test]
fn sarif_uris_are_encoded_and_relative_to_root() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("my dir");
    fs::create_dir_all(&sub).unwrap();
    fs::copy(repo(SAMPLE), sub.join("50%_pact #1 é.txt")).unwrap();
    let index = tempfile::tempdir().unwrap();
    let r = run(citecheck_in(dir.path())
        .args(["--corpus", ".", "--index"])
        .arg(index.path())
        .args(["check", "--format", "sarif", "--root", "."]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = r.json();
    let run0 = &v["runs"][0];
    let base = run0["originalUriBaseIds"]["ROOT"]["uri"].as_str().unwrap();
    assert!(
        base.starts_with("file:///") && base.ends_with('/'),
        "{base}"
    );
    let results = run0["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for result in results {
        let loc = &result["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(loc["uri"], "my%20dir/50%25_pact%20%231%20%C3%A9.txt");
        assert_eq!(loc["uriBaseId"], "ROOT");
    }
    // Every rule has help in Markdown.
    for rule in run0["tool"]["driver"]["rules"].as_array().unwrap() {
        assert!(rule["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("--explain"));
    }
}

#[test]
fn sarif_marks_baselined_results_instead_of_dropping_them() {
    let (r, whole) = common::sarif_against_a_stale_baseline(&[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = r.json();
    let results = v["runs"][0]["results"].as_array().unwrap();
    let state = |s: &str| results.iter().filter(|r| r["baselineState"] == s).count();
    assert_eq!(state("unchanged"), findings(&whole).len());
    assert_eq!(state("absent"), 1);
    assert_eq!(state("new"), 0);
}

#[test]
fn github_annotations_are_capped_per_level_with_a_notice_and_a_job_summary() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    let index = tempfile::tempdir().unwrap();
    let r = run(citecheck_in(Path::new(common::ROOT))
        .env("GITHUB_STEP_SUMMARY", &summary)
        .args(["--corpus", "corpus", "--index"])
        .arg(index.path())
        .args(["check", "--format", "github"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let warnings = r
        .stdout
        .lines()
        .filter(|l| l.starts_with("::warning "))
        .count();
    assert_eq!(warnings, 10, "{}", r.stdout);
    let total = findings(&common::check_json(Path::new("corpus"))).len();
    let notice = r
        .stdout
        .lines()
        .find(|l| l.starts_with("::notice title=citecheck::"))
        .unwrap_or_else(|| panic!("no notice: {}", r.stdout));
    assert!(
        notice.contains(&format!("{} more findings not annotated", total - 10)),
        "{notice}"
    );
    let md = fs::read_to_string(&summary).unwrap();
    assert!(md.starts_with("## citecheck"), "{md}");
    assert!(md.contains("| `missing-section` | 5 |"), "{md}");
}

/// Batch mode: records in, JSON Lines out in input order; bad records become `error`
/// records naming their id and line, and the stream goes on.
#[test]
fn batch_mode_checks_records_from_stdin_in_order() {
    let sample = fs::read_to_string(repo(SAMPLE)).unwrap();
    let good = |id: &str| {
        serde_json::json!({"id": id, "title": "Pact", "format": "text", "text": sample}).to_string()
    };
    let input = [
        good("first"),
        r#"{"id": "broken", "text": 12}"#.to_string(),
        r#"{"id": "odd", "format": "rtf", "text": "x"}"#.to_string(),
        "not json at all".to_string(),
        good("second"),
    ]
    .join("\n");
    let index = tempfile::tempdir().unwrap();
    let r = run(citecheck_in(Path::new(common::ROOT))
        .args(["--corpus", "corpus", "--index"])
        .arg(index.path())
        .args(["check", "--input", "jsonl", "-"])
        .write_stdin(input));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let records = jsonl(&r.stdout);
    let order: Vec<String> = records
        .iter()
        .filter(|r| r["type"] != "finding" && r["type"] != "verification")
        .map(|r| {
            format!(
                "{} {}",
                r["type"].as_str().unwrap(),
                r["article"].as_str().unwrap_or("-")
            )
        })
        .collect();
    assert_eq!(
        order,
        [
            "article first",
            "error broken",
            "error odd",
            "error -",
            "article second",
            "summary -"
        ]
    );
    let errors: Vec<&Value> = records.iter().filter(|r| r["type"] == "error").collect();
    assert_eq!(
        errors
            .iter()
            .map(|e| e["line"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        [2, 3, 4]
    );
    assert!(errors[1]["message"].as_str().unwrap().contains("rtf"));
    // The same findings for the same text, once per record.
    let of = |id: &str| {
        records
            .iter()
            .filter(|r| {
                r["type"] == "finding" && r["article"] == id && r["rule"] != "missing-source-text"
            })
            .map(|r| (r["rule"].clone(), r["line"].clone(), r["column"].clone()))
            .collect::<Vec<_>>()
    };
    assert!(!of("first").is_empty());
    assert_eq!(of("first"), of("second"));
    assert_eq!(records.last().unwrap()["articles"], 2);
}

#[test]
fn report_html_dash_writes_to_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let index = tempfile::tempdir().unwrap();
    let corpus = repo("corpus");
    let r = run(citecheck_in(dir.path())
        .arg("--corpus")
        .arg(&corpus)
        .arg("--index")
        .arg(index.path())
        .args(["report", "--html", "-"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("<html"),
        "{}",
        &r.stdout[..r.stdout.len().min(200)]
    );
    assert!(!dir.path().join("-").exists(), "no file named -");
}

#[test]
fn version_names_the_commit_when_built_from_git() {
    let r = run(common::citecheck().arg("--version"));
    assert_eq!(r.code, 0);
    let version = env!("CARGO_PKG_VERSION");
    assert!(
        r.stdout.starts_with(&format!("citecheck {version}")),
        "{}",
        r.stdout
    );
    if std::process::Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(common::ROOT)
        .output()
        .is_ok_and(|o| o.status.success())
    {
        assert!(
            r.stdout.contains(" ("),
            "a commit in parentheses: {}",
            r.stdout
        );
    }
}

#[test]
fn threads_gives_the_same_findings() {
    let one = check(Path::new("corpus"), &["--format", "json"]);
    let index = tempfile::tempdir().unwrap();
    let r = run(citecheck_in(Path::new(common::ROOT))
        .args(["--threads", "1", "--corpus", "corpus", "--index"])
        .arg(index.path())
        .args(["check", "--format", "json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["findings"], one.json()["findings"]);
    let bad = run(common::citecheck().args(["--threads", "0", "check"]));
    assert_eq!(bad.code, 2);
}
