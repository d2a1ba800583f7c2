//! `citecheck check`: acceptance on the bundled sample, a verification corpus with one
//! planted failure per source-reading rule, the four output formats, exit statuses and
//! baselines.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use common::{
    check, copy_corpus, finding_rows, findings, of_rule, strs, verification_record, ROOT,
};
use serde_json::Value;

const SAMPLE: &str = "corpus/articles/soviet-japanese-neutrality-pact.txt";
const VERIFY: &str = "tests/fixtures/verify";
const VERIFY_ARTICLE: &str = "tests/fixtures/verify/articles/vellmar-harbour-treaty.txt";

/// The line `needle` is on in a file of the checkout, as the JSON reports lines.
fn line_of(path: &str, needle: &str) -> u64 {
    common::line_in(path, needle) as u64
}

// ---------------------------------------------------------------- bundled sample

#[test]
fn sample_acceptance() {
    let run = check(Path::new("corpus"), &["--format", "json"]);
    assert_eq!(run.code, 0, "warnings only: {}", run.stderr);
    let v = run.json();
    assert_eq!(v["version"], 1);

    assert_eq!(strs(&of_rule(&v, "unused-reference"), "footnote"), ["8"]);
    assert_eq!(
        strs(&of_rule(&v, "backref-mismatch"), "footnote"),
        ["2", "3", "4"]
    );
    for f in of_rule(&v, "backref-mismatch") {
        assert!(
            f["message"].as_str().unwrap().contains("declares 2 uses"),
            "{f}"
        );
    }

    let sections: Vec<u64> = of_rule(&v, "missing-section")
        .iter()
        .map(|f| f["line"].as_u64().unwrap())
        .collect();
    let expected: Vec<u64> = ["  • Treaty 2", "  • Declaration 3", "  • Denunciation 4"]
        .iter()
        .map(|n| line_of(SAMPLE, n))
        .collect();
    assert_eq!(sections.len(), 5, "{sections:?}");
    assert_eq!(&sections[..3], &expected[..]);
    let text = fs::read_to_string(common::repo(SAMPLE)).unwrap();
    let heading_lines: Vec<u64> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| *l == "Declaration of War" || *l == "See also")
        .map(|(i, _)| i as u64 + 1)
        .collect();
    assert_eq!(&sections[3..], &heading_lines[..], "the two empty headings");

    let missing: BTreeSet<String> = strs(&of_rule(&v, "missing-source-text"), "source")
        .into_iter()
        .collect();
    let avalon: BTreeSet<String> = [
        "neutrality-pact-1941",
        "mongolia-declaration-1941",
        "denunciation-1945",
        "soviet-declaration-of-war-1945",
    ]
    .map(String::from)
    .into();
    assert_eq!(missing, avalon, "once per Avalon work, not for books");
    assert_eq!(of_rule(&v, "missing-source-text").len(), 4);

    assert!(of_rule(&v, "unknown-footnote").is_empty());

    let uncited = of_rule(&v, "uncited-claim");
    assert!(uncited.iter().any(|f| f["sentence"]
        .as_str()
        .unwrap()
        .starts_with("The Soviet Union kept its promise")));
    let lead = line_of(SAMPLE, "The Soviet–Japanese Neutrality Pact (");
    let toc_first = line_of(SAMPLE, "  • Background and history 1");
    let toc_last = line_of(SAMPLE, "  • References 7");
    let captions = [
        line_of(SAMPLE, "Soviet-Japanese Neutrality Pact, 13 April 1941."),
        line_of(SAMPLE, "Japanese Foreign Minister Matsuoka signing"),
    ];
    for f in &uncited {
        let line = f["line"].as_u64().unwrap();
        assert_ne!(line, lead, "the lead is exempt: {f}");
        assert!(!(toc_first..=toc_last).contains(&line), "TOC: {f}");
        assert!(!captions.contains(&line), "caption: {f}");
    }
    // Every uncited sentence outside the lead states a checkable fact, so each is one.
    assert_eq!(uncited.len(), 5, "{uncited:#?}");

    // No source text in the bundled corpus: nothing to verify against.
    for rule in ["quote-not-in-source", "fact-not-in-source", "weak-support"] {
        assert!(of_rule(&v, rule).is_empty(), "{rule}");
    }
    let s = &v["summary"];
    assert_eq!(s["verified"], 0);
    assert_eq!(s["unverifiable"], 14);
    assert_eq!(s["unavailable_sources"], 9);
    assert_eq!(s["errors"], 0);
    assert_eq!(s["warnings"].as_u64().unwrap() as usize, findings(&v).len());
}

#[test]
fn sample_text_report_snapshot() {
    let run = check(Path::new("corpus"), &[]);
    assert_eq!(run.code, 0);
    insta::assert_snapshot!("sample_text_report", run.stdout);
}

#[test]
fn caret_after_cjk_text_lands_under_the_year() {
    // `日ソ中立条約は、` is eight characters but sixteen terminal columns: the carets
    // must sit under `1941`, not under the CJK.
    let run = check(Path::new("tests/fixtures/cjk-caret"), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let year = run
        .stdout
        .split("\n\n")
        .find(|f| f.contains("(“1941”)"))
        .unwrap_or_else(|| panic!("no uncited-claim on the year: {}", run.stdout));
    insta::assert_snapshot!("cjk_caret", year);
    let lines: Vec<&str> = year.lines().collect();
    let source = lines.iter().find(|l| l.contains("日ソ")).unwrap();
    let carets = lines.iter().find(|l| l.contains('^')).unwrap();
    let width = |s: &str| {
        s.chars()
            .map(|c| {
                if ('\u{3000}'..='\u{9fff}').contains(&c) {
                    2
                } else {
                    1
                }
            })
            .sum::<usize>()
    };
    let at = width(&source[..source.find("1941").unwrap()]);
    assert_eq!(width(&carets[..carets.find('^').unwrap()]), at, "{year}");
    assert!(
        carets.contains("^^^^") && !carets.contains("^^^^^"),
        "{year}"
    );
}

#[test]
fn control_characters_of_article_text_are_escaped_in_the_text_report() {
    // An article that sets the window title, rings the bell, clears the screen and
    // backs over what was printed mid-line. (A lone CR is a line break since issue
    // 17.8, so it no longer reaches the report as a character.)
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("a.md"),
        "# Title\n\nLead.[^1]\n\n## Body\n\n\u{1b}]0;pwned\u{7}In 1941 the \u{1b}[2Jpact\u{8}was signed.\n\n[^1]: A book, 2001.\n",
    )
    .unwrap();
    let run = check(dir.path(), &[]);
    assert!(run.stdout.contains("(“1941”)"), "{}", run.stdout);
    assert!(
        !run.stdout.chars().any(|c| c.is_control() && c != '\n'),
        "raw control characters reach the terminal: {:?}",
        run.stdout
    );
    assert!(
        run.stdout.contains("\\u{1b}]0;pwned\\u{7}In 1941"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("\\u{1b}[2Jpact\\u{8}was"),
        "{}",
        run.stdout
    );
}

#[test]
fn findings_are_sorted_by_file_line_column_rule() {
    // Each article's findings in file, line, column, rule order, articles in corpus
    // order; the corpus-wide findings (one missing-source-text per work, placed at its
    // first citation) come last, once every article has been read.
    for corpus in ["corpus", VERIFY] {
        let v = check(Path::new(corpus), &["--format", "json"]).json();
        let keys: Vec<(String, u64, u64, String)> = findings(&v)
            .iter()
            .map(|f| {
                (
                    f["file"].as_str().unwrap().to_string(),
                    f["line"].as_u64().unwrap(),
                    f["column"].as_u64().unwrap(),
                    f["rule"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let corpus_wide = |k: &(String, u64, u64, String)| k.3 == "missing-source-text";
        let split = keys.iter().position(corpus_wide).unwrap_or(keys.len());
        assert!(
            keys[split..].iter().all(corpus_wide),
            "corpus-wide findings come last: {keys:?}"
        );
        for part in [&keys[..split], &keys[split..]] {
            let mut sorted = part.to_vec();
            sorted.sort();
            assert_eq!(part, &sorted[..]);
        }
    }
}

// ------------------------------------------------------------ verification corpus

#[test]
fn verification_corpus_gives_exactly_the_planted_findings() {
    let run = check(Path::new(VERIFY), &["--format", "json"]);
    assert_eq!(run.code, 1, "a misquotation is an error");
    let v = run.json();
    let got: Vec<(String, String, u64)> = findings(&v)
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let line = |needle: &str| line_of(VERIFY_ARTICLE, needle);
    let commission = line("The harbour commission first met");
    let treaty = line("The treaty was signed at Vellmar");
    let expected = [
        ("fact-not-in-source", "warning", commission), // wrong name
        ("weak-support", "note", commission),          // right claim, wrong source
        ("uncited-claim", "warning", commission),      // source in corpus
        ("fact-not-in-source", "warning", treaty),     // wrong year
        ("quote-not-in-source", "error", treaty),      // one word changed
    ]
    .map(|(r, s, l)| (r.to_string(), s.to_string(), l));
    assert_eq!(got, expected, "{:#}", v["findings"]);

    let f = findings(&v);
    // A wrong name: surname and full name both absent from the minutes.
    assert!(f[0]["message"]
        .as_str()
        .unwrap()
        .contains("Mayor Anton Keller"));
    assert_eq!(f[0]["source"], "commission-minutes-1887");
    assert_eq!(f[0]["footnote"], "1");
    // Weak support names the herring report, which says it.
    assert_eq!(f[1]["source"], "herring-report-1890");
    assert!(f[1]["sentence"]
        .as_str()
        .unwrap()
        .starts_with("The herring catch"));
    // The uncited claim's possible source is the minutes' passage on harbour dues.
    assert_eq!(f[2]["source"], "commission-minutes-1887");
    assert!(f[2]["help"].as_str().unwrap().contains("possible source"));
    assert!(f[2]["sentence"].as_str().unwrap().contains("12 shillings"));
    // The wrong year.
    assert!(f[3]["message"].as_str().unwrap().contains("3 May 1889"));
    // The misquotation shows the closest passage and how similar it is.
    let notes = f[4]["notes"].to_string();
    assert!(notes.contains("92% similar"), "{notes}");
    assert!(
        notes.contains("open to the vessels of either party"),
        "{notes}"
    );
    assert!(notes.contains("harbour-treaty-1888.txt:10"), "{notes}");

    // Curly quotes, "twenty-five year" vs "twenty five-year" and a line break inside the
    // source's phrase: no finding on that sentence. Nor on the right date in another
    // form (12 March 1887 = March 12, 1887), the surname-only clerk, or the lead.
    assert!(!f.iter().any(|x| x["sentence"]
        .as_str()
        .is_some_and(|s| s.contains("twenty-five"))));
    let s = &v["summary"];
    assert_eq!(s["verified"], 5);
    assert_eq!(s["unsupported"], 3);
    assert_eq!(s["unverifiable"], 0);
}

// ------------------------------------------------------------------ output formats

#[test]
fn sarif_is_structurally_valid() {
    let run = check(Path::new(VERIFY), &["--format", "sarif"]);
    assert_eq!(run.code, 1);
    let v = run.json();
    assert_eq!(v["version"], "2.1.0");
    assert!(v["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let runs = v["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "citecheck");
    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let unique: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "rule ids are unique");
    for spec_rule in [
        "unknown-footnote",
        "unused-reference",
        "backref-mismatch",
        "duplicate-reference",
        "missing-section",
        "unlinked-reference",
        "missing-source-text",
        "uncited-claim",
        "quote-not-in-source",
        "fact-not-in-source",
        "weak-support",
    ] {
        assert!(ids.contains(&spec_rule), "{spec_rule}");
    }
    for r in rules {
        assert!(r["shortDescription"]["text"].is_string());
        assert!(["error", "warning", "note"]
            .contains(&r["defaultConfiguration"]["level"].as_str().unwrap()));
    }
    let results = runs[0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 5);
    for r in results {
        let id = r["ruleId"].as_str().unwrap();
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(ids[index], id);
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
        assert!(!r["message"]["text"].as_str().unwrap().is_empty());
        let loc = &r["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
        assert_eq!(uri, VERIFY_ARTICLE, "relative to the checkout");
        assert!(common::repo(uri).is_file());
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(loc["region"]["startColumn"].as_u64().unwrap() >= 1);
        assert!(
            loc["region"]["endColumn"].as_u64().unwrap()
                > loc["region"]["startColumn"].as_u64().unwrap()
        );
        assert!(r["partialFingerprints"]["citecheck/v2"].is_string());
    }
    // The most severe first (what a capped log keeps).
    assert_eq!(results[0]["level"], "error");
    assert_eq!(results[0]["ruleId"], "quote-not-in-source");
}

#[test]
fn github_format_is_workflow_commands() {
    let run = check(Path::new(VERIFY), &["--format", "github"]);
    assert_eq!(run.code, 1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 6, "{}", run.stdout);
    let re = regex::Regex::new(
        r"^::(error|warning|notice) file=([^,]+),line=(\d+),col=(\d+),endColumn=(\d+),title=citecheck ([a-z-]+)::(.+)$",
    )
    .unwrap();
    let mut levels = Vec::new();
    for l in &lines[..5] {
        let c = re
            .captures(l)
            .unwrap_or_else(|| panic!("not a workflow command: {l}"));
        assert_eq!(&c[2], VERIFY_ARTICLE);
        levels.push((c[1].to_string(), c[6].to_string()));
    }
    assert_eq!(
        levels[1],
        ("notice".to_string(), "weak-support".to_string())
    );
    assert_eq!(
        levels[4],
        ("error".to_string(), "quote-not-in-source".to_string())
    );
    // Notes and help ride in the message, escaped: one finding, one line.
    assert!(lines[4].contains("%0Anote: closest passage (92%25 similar)"));
    assert!(lines[5].starts_with("citecheck: 1 error, 3 warnings, 1 note"));
}

#[test]
fn json_has_the_spec_keys() {
    let v = check(Path::new(VERIFY), &["--format", "json"]).json();
    for f in findings(&v) {
        for key in [
            "rule", "severity", "file", "line", "column", "message", "footnote", "source",
            "sentence",
        ] {
            assert!(f.get(key).is_some(), "{key} in {f}");
        }
    }
    for key in [
        "articles",
        "sentences",
        "claims",
        "cited",
        "implicit",
        "uncited",
        "verified",
        "unsupported",
        "unverifiable",
        "errors",
        "warnings",
        "notes",
    ] {
        assert!(v["summary"].get(key).is_some(), "summary.{key}");
    }
}

// ------------------------------------------------------------------- exit statuses

#[test]
fn exit_status_zero_one_two() {
    // 0: the sample has warnings only.
    assert_eq!(check(Path::new("corpus"), &[]).code, 0);
    // 1: warnings denied.
    assert_eq!(check(Path::new("corpus"), &["--deny", "warnings"]).code, 1);
    // 1: an error (the misquotation).
    assert_eq!(check(Path::new(VERIFY), &[]).code, 1);
    // 2: an unknown rule in [check], named with corpus.toml.
    let dir = copy_corpus(VERIFY);
    let manifest = dir.path().join("corpus.toml");
    let mut m = fs::read_to_string(&manifest).unwrap();
    m.push_str("\n[check]\nuncited-claims = \"error\"\n");
    fs::write(&manifest, m).unwrap();
    let run = check(dir.path(), &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("corpus.toml"), "{}", run.stderr);
    assert!(run.stderr.contains("uncited-claims"), "{}", run.stderr);
    // 2: an unknown rule to explain, a missing baseline file.
    assert_eq!(
        check(Path::new("corpus"), &["--explain", "no-such-rule"]).code,
        2
    );
    assert_eq!(
        check(
            Path::new("corpus"),
            &["--baseline", "no/such/baseline.json"]
        )
        .code,
        2
    );
}

#[test]
fn explain_prints_meaning_and_fix() {
    let run = check(Path::new("corpus"), &["--explain", "backref-mismatch"]);
    assert_eq!(run.code, 0);
    assert!(run
        .stdout
        .starts_with("backref-mismatch (warning by default)"));
    assert!(run.stdout.contains("Fix:"));
}

#[test]
fn severities_and_lead_policy_come_from_corpus_toml() {
    let dir = copy_corpus(VERIFY);
    let manifest = dir.path().join("corpus.toml");
    let base = fs::read_to_string(&manifest).unwrap();
    fs::write(
        &manifest,
        format!("{base}\n[check]\nquote-not-in-source = \"warning\"\nuncited-claim = \"off\"\nlead = \"check\"\n"),
    )
    .unwrap();
    let run = check(dir.path(), &["--format", "json"]);
    assert_eq!(run.code, 0, "the misquotation is only a warning now");
    let v = run.json();
    assert!(of_rule(&v, "uncited-claim").is_empty());
    assert_eq!(of_rule(&v, "quote-not-in-source")[0]["severity"], "warning");

    fs::write(&manifest, format!("{base}\n[check]\nlead = \"check\"\n")).unwrap();
    let v = check(dir.path(), &["--format", "json"]).json();
    let uncited = of_rule(&v, "uncited-claim");
    assert_eq!(uncited.len(), 2, "the lead's year counts now");
    assert_eq!(uncited[0]["line"], 3);
}

// ---------------------------------------------------------------------- baselines

#[test]
fn baseline_round_trip() {
    let dir = copy_corpus(VERIFY);
    let baseline: PathBuf = dir.path().join("baseline.json");
    let first = check(dir.path(), &["--format", "json"]);
    assert_eq!(first.code, 1);
    fs::write(&baseline, &first.stdout).unwrap();
    let b = baseline.to_str().unwrap();

    // Everything accepted: nothing fails, even with warnings denied.
    let run = check(
        dir.path(),
        &["--baseline", b, "--deny", "warnings", "--format", "json"],
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    let v = run.json();
    assert!(findings(&v).is_empty());
    assert_eq!(v["summary"]["baselined"], 5);
    assert_eq!(v["summary"]["baseline_stale"], 0);

    // Move every line down and add a new uncited claim: only the new one counts.
    let article = dir.path().join("articles/vellmar-harbour-treaty.txt");
    let text = fs::read_to_string(&article).unwrap();
    let text = text.replacen("\n\n", "\n\n\n\n", 1).replace(
        "\nTreaty\n",
        "\nThe harbour master Lena Ostrow resigned in 1891.\n\nTreaty\n",
    );
    fs::write(&article, text).unwrap();
    let run = check(
        dir.path(),
        &["--baseline", b, "--deny", "warnings", "--format", "json"],
    );
    assert_eq!(run.code, 1);
    let v = run.json();
    let f = findings(&v);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0]["rule"], "uncited-claim");
    assert!(f[0]["sentence"].as_str().unwrap().contains("Lena Ostrow"));
    assert_eq!(v["summary"]["baselined"], 5);

    // Fix the wrong year: its baseline entry no longer occurs.
    let text = fs::read_to_string(&article)
        .unwrap()
        .replace("3 May 1889", "3 May 1888");
    fs::write(&article, text).unwrap();
    let run = check(dir.path(), &["--baseline", b]);
    assert!(
        run.stdout
            .contains("baseline: 4 findings accepted, 1 entry no longer occurs"),
        "{}",
        run.stdout
    );

    // A file that is not a baseline is an input error.
    fs::write(&baseline, "{\"nope\": 1}").unwrap();
    let run = check(dir.path(), &["--baseline", b]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("baseline.json"), "{}", run.stderr);
}

const INTEGRITY: &str = "tests/fixtures/baseline/integrity";
/// Findings for the rules added after the pre-key baselines were written.
const LATER_RULES: &str = "tests/fixtures/baseline/later-rules";
/// Sources whose URLs corpus.lock records as dead, one cited and one not.
const DEAD_LINK: &str = "tests/fixtures/dead-link";

/// Baselines written by citecheck before findings had keys (4dfcfaf: no `subject`,
/// identity by message) still load and apply, to the verification corpus and to one
/// with a finding for every integrity and reader rule.
#[test]
fn a_baseline_from_before_finding_keys_still_applies() {
    for (corpus, baseline, n) in [
        (VERIFY, "tests/fixtures/baseline/pre-key-baseline.json", 5),
        (
            INTEGRITY,
            "tests/fixtures/baseline/pre-key-integrity-baseline.json",
            19,
        ),
    ] {
        let old: Value = serde_json::from_str(&fs::read_to_string(baseline).unwrap()).unwrap();
        assert!(findings(&old).iter().all(|f| f.get("subject").is_none()));
        assert_eq!(findings(&old).len(), n);
        let run = check(
            Path::new(corpus),
            &[
                "--baseline",
                baseline,
                "--deny",
                "notes",
                "--format",
                "json",
            ],
        );
        let v = run.json();
        // Every old entry still matches. What is left is only what the rules find
        // since the baseline was written: a sentence flagged [citation needed] before a
        // cited one was counted as covered by that citation; it is uncited (issue 13).
        let found = findings(&v);
        let left: Vec<(&str, &str)> = found
            .iter()
            .map(|f| (f["rule"].as_str().unwrap(), f["sentence"].as_str().unwrap()))
            .collect();
        let since = if corpus == INTEGRITY {
            vec![("uncited-claim", "The bridge was painted blue.")]
        } else {
            vec![]
        };
        assert_eq!(left, since, "{corpus}: {:#}", v["findings"]);
        assert_eq!(v["summary"]["baselined"], n);
        assert_eq!(v["summary"]["baseline_stale"], 0);
        // Warnings fail only with --deny warnings or notes: the new one does, here.
        assert_eq!(run.code, if since.is_empty() { 0 } else { 1 });
    }

    // Old entries match on what identified them: fixing the date and changing the
    // quotation leaves the old entries for them stale and the new quotation reported.
    let dir = copy_corpus(VERIFY);
    let article = dir.path().join("articles/vellmar-harbour-treaty.txt");
    let text = fs::read_to_string(&article)
        .unwrap()
        .replace("at Vellmar on 3 May 1889", "at Vellmar on 3 May 1888")
        .replace(
            "keep the harbour open to the ships",
            "keep the harbour open for the ships",
        );
    fs::write(&article, text).unwrap();
    let baseline = Path::new(ROOT).join("tests/fixtures/baseline/pre-key-baseline.json");
    let v = check(
        dir.path(),
        &["--baseline", baseline.to_str().unwrap(), "--format", "json"],
    )
    .json();
    let found = findings(&v);
    let left: Vec<&str> = found.iter().map(|f| f["rule"].as_str().unwrap()).collect();
    assert_eq!(left, ["quote-not-in-source"], "{:#}", v["findings"]);
    assert_eq!(v["summary"]["baselined"], 3);
    assert_eq!(v["summary"]["baseline_stale"], 2);
}

/// The key baselines and SARIF fingerprints are made of is not the message: rewording
/// every message, help and note of every finding changes neither.
#[test]
fn rewording_messages_changes_no_baseline_or_fingerprint() {
    use citecheck::check::baseline::Baseline;
    use citecheck::check::ranker::RankedPassage;
    use citecheck::check::rules::Config;
    use citecheck::check::{CheckReport, Checker};
    use citecheck::report::{json, sarif};
    use citecheck::rule::Rule;

    // A ranker that puts the herring report ahead: the verification corpus's
    // weak-support, as the index finds it.
    let ranker = |_: &str, _: usize| {
        Ok(vec![
            RankedPassage {
                source: "herring-report-1890".into(),
                line: 5,
                text: "After the drift nets were banned in the estuary, the herring catch fell by half, and many boats were laid up for good.".into(),
                score: 9.0,
            },
            RankedPassage {
                source: "commission-minutes-1887".into(),
                line: 5,
                text: "The Commission resolved that harbour dues be fixed at twelve shillings for every vessel entering the port.".into(),
                score: 2.0,
            },
        ])
    };
    let fingerprints = |report: &CheckReport| -> Vec<String> {
        sarif::render(report)["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["partialFingerprints"]["citecheck/v2"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    let mut rules = BTreeSet::new();
    for corpus in [VERIFY, INTEGRITY, LATER_RULES, DEAD_LINK] {
        let corpus = citecheck::Corpus::load(&Path::new(ROOT).join(corpus)).unwrap();
        let articles = citecheck::read_corpus(&corpus, |_| {}).unwrap();
        let sources = citecheck::sources::load_all(&corpus).unwrap();
        let ranker: &dyn citecheck::check::ranker::SourceRanker = &ranker;
        let report = Checker::new(
            &corpus,
            Config::from_corpus(&corpus),
            &sources,
            Some(ranker),
        )
        .check(&articles)
        .unwrap();
        let saved = json::render(&report).to_string();
        let mut reworded = report.clone();
        for f in &mut reworded.findings {
            f.message = format!("reworded: {}", f.message.to_uppercase());
            f.help = Some("other advice".into());
            f.notes = vec!["another note".into()];
            rules.insert(f.rule);
        }
        let keys = |r: &CheckReport| r.findings.iter().map(|f| f.key()).collect::<Vec<_>>();
        assert_eq!(keys(&report), keys(&reworded));
        assert_eq!(fingerprints(&report), fingerprints(&reworded));
        // Distinct keys, distinct fingerprints.
        let distinct_keys: BTreeSet<_> = keys(&report).into_iter().collect();
        let distinct_fingerprints: BTreeSet<_> = fingerprints(&report).into_iter().collect();
        assert_eq!(distinct_keys.len(), distinct_fingerprints.len());

        let baseline = Baseline::parse(Path::new("saved.json"), &saved).unwrap();
        let total = reworded.findings.len();
        baseline.apply(&mut reworded);
        assert!(reworded.findings.is_empty(), "{:#?}", reworded.findings);
        assert_eq!(reworded.summary.baselined, total);
        assert_eq!(reworded.summary.baseline_stale, 0);
    }
    // Every rule is covered: a new rule adds a finding to one of these corpora.
    let covered: Vec<Rule> = rules.into_iter().collect();
    assert_eq!(covered, Rule::ALL, "{covered:?}");
}

/// JSON findings name their subject: what the key identifies them by.
#[test]
fn json_findings_carry_their_subject() {
    let v = check(Path::new(VERIFY), &["--format", "json"]).json();
    let found = findings(&v);
    let subjects: Vec<(&str, &str)> = found
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap(),
                f["subject"].as_str().unwrap_or("-"),
            )
        })
        .collect();
    assert_eq!(
        subjects,
        [
            ("fact-not-in-source", "Mayor Anton Keller"),
            ("weak-support", "herring-report-1890"),
            ("uncited-claim", "12"),
            ("fact-not-in-source", "3 May 1889"),
            (
                "quote-not-in-source",
                "\"keep the harbour open to the ships of either party in every season\""
            ),
        ]
    );
}

// ------------------------------------------------------- integrity beyond the sample

#[test]
fn integrity_rules_on_a_small_article() {
    let dir = common::write_corpus(
        Some("[[article]]\nid = \"a\"\nfile = \"a.txt\"\n\n[[source]]\nid = \"atlas\"\ntitle = \"Atlas of Northern Harbours\"\ndate = \"1901\"\n"),
        &[(
            "a.txt",
            b"Harbours\n\nHistory\n\nThe quay was rebuilt in stone.[1] The lighthouse was moved inland.[9] The bridge was painted blue.[citation needed]\n\nReferences\n\n  1. ^ Atlas of Northern Harbours, 1901.\n  1. ^ Atlas of Northern Harbours, 1901, second printing.\n  2. ^ Letters of a harbour master.\n  3. ^ Atlas of Northern Harbours, 1901.\n",
        )],
    );
    let v = check(dir.path(), &["--format", "json"]).json();
    let got: Vec<(String, String)> = findings(&v)
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["footnote"].as_str().unwrap_or("-").to_string(),
            )
        })
        .collect();
    let want = [
        ("unknown-footnote", "9"),
        ("uncited-claim", "-"),
        ("duplicate-reference", "1"),
        ("unlinked-reference", "2"),
        ("unused-reference", "2"),
        ("duplicate-reference", "3"),
        ("unused-reference", "3"),
    ]
    .map(|(a, b)| (a.to_string(), b.to_string()));
    assert_eq!(got, want, "{:#}", v["findings"]);
    let flagged = &of_rule(&v, "uncited-claim")[0];
    assert!(flagged["message"]
        .as_str()
        .unwrap()
        .contains("citation needed"));
    assert!(flagged["sentence"]
        .as_str()
        .unwrap()
        .contains("painted blue"));
    assert_eq!(v["summary"]["errors"], 1);
}

// --------------------------------------------------- weak support through the seam

/// Any ranker plugs in (the tantivy index does through a closure): weak-support follows
/// the ranking it is given, with the margin and overlap rules on top.
#[test]
fn weak_support_follows_any_ranker() {
    use citecheck::check::ranker::RankedPassage;
    use citecheck::check::rules::Config;
    use citecheck::check::Checker;

    let corpus = citecheck::Corpus::load(&common::repo(VERIFY)).unwrap();
    let articles = citecheck::read_corpus(&corpus, |_| {}).unwrap();
    let sources = citecheck::sources::load_all(&corpus).unwrap();
    let herring = "After the drift nets were banned in the estuary, the herring catch fell by half, and many boats were laid up for good.";
    let minutes = "The Commission resolved that harbour dues be fixed at twelve shillings for every vessel entering the port.";
    let passage = |source: &str, text: &str, score: f32| RankedPassage {
        source: source.into(),
        line: 5,
        text: text.into(),
        score,
    };
    let weak = |ranker: &dyn citecheck::check::ranker::SourceRanker| {
        let config = Config::from_corpus(&corpus);
        let report = Checker::new(&corpus, config, &sources, Some(ranker))
            .check(&articles)
            .unwrap();
        report
            .findings
            .into_iter()
            .filter(|f| f.rule == citecheck::rule::Rule::WeakSupport)
            .map(|f| f.source.unwrap())
            .collect::<Vec<_>>()
    };
    // The herring report far ahead of the cited minutes: named, for the one sentence
    // whose words it shares.
    let ahead = |_: &str, _: usize| {
        Ok(vec![
            passage("herring-report-1890", herring, 9.0),
            passage("commission-minutes-1887", minutes, 2.0),
        ])
    };
    assert_eq!(weak(&ahead), ["herring-report-1890"]);
    // Ahead, but not by a clear margin: nothing.
    let close = |_: &str, _: usize| {
        Ok(vec![
            passage("herring-report-1890", herring, 9.0),
            passage("commission-minutes-1887", minutes, 7.0),
        ])
    };
    assert!(weak(&close).is_empty());
    // No ranker at all: no weak-support, the other rules unchanged.
    let config = Config::from_corpus(&corpus);
    let report = Checker::new(&corpus, config, &sources, None)
        .check(&articles)
        .unwrap();
    assert!(report
        .findings
        .iter()
        .all(|f| f.rule != citecheck::rule::Rule::WeakSupport));
    assert_eq!(report.findings.len(), 4);
}

/// Zero configuration (no corpus.toml), and an article without sections: it is all lead,
/// with no body to carry its citations, so the lead exemption does not apply.
#[test]
fn an_article_without_sections_is_not_an_exempt_lead() {
    let dir = common::write_corpus(
        None,
        &[(
            "mill.txt",
            b"The mill on the Aller burned down in 1921. It was never rebuilt.\n",
        )],
    );
    let v = check(dir.path(), &["--format", "json"]).json();
    let uncited = of_rule(&v, "uncited-claim");
    assert_eq!(uncited.len(), 1, "{uncited:#?}");
    assert!(uncited[0]["message"].as_str().unwrap().contains("1921"));
}

#[test]
fn show_lists_evidence_passages_from_the_cited_source() {
    let index = tempfile::tempdir().unwrap();
    let run = common::run(
        common::citecheck_in(Path::new(ROOT))
            .args(["--quiet", "--corpus", VERIFY, "--index"])
            .arg(index.path())
            .args(["show", "2", "--format", "json"]),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = run.json();
    let evidence = v["evidence"].as_array().unwrap();
    assert!(!evidence.is_empty());
    assert!(evidence
        .iter()
        .all(|e| e["source"] == "harbour-treaty-1888"));
    let texts: Vec<&str> = evidence
        .iter()
        .map(|e| e["text"].as_str().unwrap())
        .collect();
    assert!(
        texts
            .iter()
            .any(|t| t.contains("half the cost of dredging the channel")),
        "{texts:?}"
    );
}

/// `check` works on runs of articles in parallel: a corpus of many copies of the sample
/// must give each copy's findings, summed counts, the corpus-wide findings once (at the
/// first article citing the work), and the same output every time.
#[test]
fn many_articles_checked_in_parallel_give_the_sequential_result() {
    let single = check(Path::new("corpus"), &["--format", "json"]).json();
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    fs::create_dir_all(corpus.join("articles")).unwrap();
    let manifest = fs::read_to_string(common::repo("corpus/corpus.toml")).unwrap();
    let manifest = manifest.replace(
        "id = \"soviet-japanese-neutrality-pact\"\nfile = \"articles/soviet-japanese-neutrality-pact.txt\"",
        "files = \"articles/*.txt\"",
    );
    assert!(
        manifest.contains("files = "),
        "the sample manifest changed shape"
    );
    fs::write(corpus.join("corpus.toml"), manifest).unwrap();
    let copies = 40;
    for i in 0..copies {
        fs::copy(
            common::repo(SAMPLE),
            corpus.join(format!("articles/a{i:02}.txt")),
        )
        .unwrap();
    }
    let a = check(&corpus, &["--format", "json"]);
    let b = check(&corpus, &["--format", "json"]);
    assert_eq!(a.stdout, b.stdout, "the same corpus gives the same report");
    let many = a.json();

    let count = |v: &Value, rule: &str| of_rule(v, rule).len();
    for (rule, per_article) in [
        ("uncited-claim", true),
        ("missing-section", true),
        ("backref-mismatch", true),
        ("unused-reference", true),
        ("missing-source-text", false),
    ] {
        let expected = count(&single, rule) * if per_article { copies } else { 1 };
        assert_eq!(count(&many, rule), expected, "{rule}");
    }
    for key in [
        "sentences",
        "claims",
        "cited",
        "implicit",
        "uncited",
        "unverifiable",
    ] {
        assert_eq!(
            many["summary"][key].as_u64().unwrap(),
            single["summary"][key].as_u64().unwrap() * copies as u64,
            "summary {key}"
        );
    }
    for f in of_rule(&many, "missing-source-text") {
        assert!(f["file"].as_str().unwrap().ends_with("a00.txt"), "{f}");
        assert!(
            f["notes"]
                .to_string()
                .contains(&format!("in {copies} articles")),
            "{f}"
        );
    }
}

// ------------------------------------------------ the sample with texts of our own

/// The bundled sample with our own texts for the denunciation and the declaration of
/// war (tests/fixtures/verify-sample-sources), as `file =` entries in a copy.
fn sample_with_texts() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path();
    fs::create_dir_all(corpus.join("articles")).unwrap();
    fs::create_dir_all(corpus.join("sources")).unwrap();
    fs::copy(
        Path::new(ROOT).join(SAMPLE),
        corpus.join(SAMPLE.trim_start_matches("corpus/")),
    )
    .unwrap();
    let texts = Path::new(ROOT).join("tests/fixtures/verify-sample-sources");
    for f in ["denunciation.txt", "declaration-of-war.txt"] {
        fs::copy(texts.join(f), corpus.join("sources").join(f)).unwrap();
    }
    let manifest = fs::read_to_string(Path::new(ROOT).join("corpus/corpus.toml")).unwrap();
    let manifest = manifest
        .replace(
            "id = \"denunciation-1945\"",
            "id = \"denunciation-1945\"\nfile = \"sources/denunciation.txt\"",
        )
        .replace(
            "id = \"soviet-declaration-of-war-1945\"",
            "id = \"soviet-declaration-of-war-1945\"\nfile = \"sources/declaration-of-war.txt\"",
        );
    fs::write(corpus.join("corpus.toml"), manifest).unwrap();
    dir
}

#[test]
fn sample_denunciation_quoted_with_number_words_is_verified() {
    let dir = sample_with_texts();
    let v = check(dir.path(), &["--format", "json"]).json();
    let line = line_of(SAMPLE, "the Soviet Union denounced the pact");
    let rows = finding_rows(&v);
    assert!(
        !rows
            .iter()
            .any(|(_, sev, l, _)| *l == line && sev == "error"),
        "{rows:#?}"
    );
    let r = verification_record(&v, "denounced the pact");
    assert_eq!(r["result"], "verified", "{r:#}");
    let quote = r["claims"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "quotation")
        .unwrap();
    assert_eq!(quote["evidence"][0]["source"], "denunciation-1945");
    // What the editor changed is said, not flagged.
    let notes = quote["notes"].to_string();
    assert!(notes.contains("“3” for “Three”"), "{notes}");
}

#[test]
fn sample_sentence_cited_only_to_a_book_gets_a_possible_source() {
    let dir = sample_with_texts();
    let v = check(dir.path(), &["--format", "json"]).json();
    let line = line_of(SAMPLE, "the declaration of war could be still dated");
    let suggestion = findings(&v)
        .into_iter()
        .find(|f| f["line"] == line && f["rule"] == "weak-support")
        .unwrap_or_else(|| panic!("{:#?}", finding_rows(&v)));
    assert_eq!(suggestion["severity"], "note");
    assert_eq!(suggestion["source"], "soviet-declaration-of-war-1945");
    assert!(suggestion["message"]
        .as_str()
        .unwrap()
        .contains("possible source"));
    assert_eq!(
        suggestion["evidence"][0]["source"],
        "soviet-declaration-of-war-1945"
    );
}

// ------------------------------------------------------ planted-error benchmark

const PLANTED: &str = "tests/fixtures/verify-planted/sources";

/// A number in a quotation and a different one to plant.
type NumberChange = Option<(&'static str, &'static str)>;

/// (source, genuine quotation, a number in it and a different one)
const QUOTES: &[(&str, &str, NumberChange)] = &[
    (
        "wexmoor-charter",
        "for the better ordering of the harbour and its trade",
        None,
    ),
    (
        "wexmoor-charter",
        "open to the vessels of every nation at peace with the realm",
        None,
    ),
    (
        "wexmoor-charter",
        "from the rising of the sun until its setting",
        None,
    ),
    (
        "wexmoor-charter",
        "shall be chosen each year by the Council from among the freemen of the town",
        None,
    ),
    (
        "wexmoor-charter",
        "shall hold his office for a term of three years, and no longer",
        Some(("three", "four")),
    ),
    (
        "wexmoor-charter",
        "shall be fourteen pence for every ton of cargo landed upon the quays",
        Some(("fourteen", "fifteen")),
    ),
    (
        "wexmoor-charter",
        "shall be paid in coin to the Harbourmaster before the goods are removed",
        None,
    ),
    (
        "wexmoor-charter",
        "No vessel shall lie at the quays for longer than forty days",
        Some(("forty", "fifty")),
    ),
    (
        "wexmoor-charter",
        "any vessel so lying shall pay double dues for every day beyond that term",
        None,
    ),
    (
        "wexmoor-charter",
        "The Council shall maintain a light upon the Gull Rock",
        None,
    ),
    (
        "wexmoor-charter",
        "the keeper of the light shall receive twenty-six pounds by the year for his labour",
        Some(("twenty-six", "twenty-seven")),
    ),
    (
        "wexmoor-charter",
        "shall sit on the first Monday of every month, and whose judgement shall be final",
        Some(("first", "second")),
    ),
    (
        "wexmoor-charter",
        "shall enjoy the liberties of this harbour as fully as the freemen of Wexmoor",
        None,
    ),
    (
        "wexmoor-charter",
        "This Charter shall remain in force for fourscore years from the day of its sealing",
        Some(("fourscore", "threescore")),
    ),
    (
        "wexmoor-charter",
        "may be renewed by the Council with the assent of the Duke of Orvane",
        None,
    ),
    (
        "lunden-minutes",
        "there being present sixty-four members",
        Some(("sixty-four", "sixty-five")),
    ),
    (
        "lunden-minutes",
        "the Guild's funds stood at four hundred and eighteen pounds",
        Some(("eighteen", "eighty")),
    ),
    (
        "lunden-minutes",
        "the rents of the Guild's houses in Cheap Lane had been received in full",
        None,
    ),
    (
        "lunden-minutes",
        "the apprentices of the Guild should serve a term of seven years",
        Some(("seven", "eight")),
    ),
    (
        "lunden-minutes",
        "no master should take more than two apprentices at one time",
        Some(("two", "three")),
    ),
    (
        "lunden-minutes",
        "to forbid the sale of foreign cloth in the town market",
        None,
    ),
    (
        "lunden-minutes",
        "who had kept the books of the Guild for nineteen years without fault",
        Some(("nineteen", "ninety")),
    ),
    (
        "lunden-minutes",
        "the Assembly voted him a gift of twelve guineas",
        Some(("twelve", "twenty")),
    ),
    (
        "lunden-minutes",
        "a fire in the dyeing sheds at Millbrook had destroyed cloth to the value of ninety pounds",
        Some(("ninety", "nineteen")),
    ),
    (
        "lunden-minutes",
        "the loss should be borne by the whole Guild",
        None,
    ),
    (
        "saltmarsh-report",
        "is flooded by the spring tides on an average of eleven days in every month",
        Some(("eleven", "twelve")),
    ),
    (
        "saltmarsh-report",
        "a sea wall of earth, faced with stone, running for nine miles along the northern shore",
        Some(("nine", "ten")),
    ),
    (
        "saltmarsh-report",
        "The cost of the wall is estimated at forty-eight thousand pounds",
        Some(("forty-eight", "forty-nine")),
    ),
    (
        "saltmarsh-report",
        "of which the landowners would pay two-thirds and the Commissioners the remainder",
        None,
    ),
    (
        "saltmarsh-report",
        "would lift the water from the main drain into the estuary",
        None,
    ),
    (
        "saltmarsh-report",
        "working for not more than six hours in the day",
        Some(("six", "seven")),
    ),
    (
        "saltmarsh-report",
        "the value of the land there has risen fourfold since the works were finished",
        None,
    ),
    (
        "saltmarsh-report",
        "be carried out in three seasons, the wall in the first and the engine house in the second",
        Some(("three", "four")),
    ),
];

/// (source, quotation as an editor prints it): every one must be verified.
const EDITORS_VARIANTS: &[(&str, &str, &str)] = &[
    (
        "digits for words",
        "wexmoor-charter",
        "shall be 14 pence for every ton of cargo landed upon the quays",
    ),
    (
        "digits for words",
        "wexmoor-charter",
        "for a term of 3 years, and no longer",
    ),
    (
        "digits for words",
        "wexmoor-charter",
        "No vessel shall lie at the quays for longer than 40 days",
    ),
    (
        "digits for words",
        "lunden-minutes",
        "there being present 64 members",
    ),
    (
        "digits for words",
        "lunden-minutes",
        "the Guild's funds stood at 418 pounds",
    ),
    (
        "digits for words",
        "saltmarsh-report",
        "on an average of 11 days in every month",
    ),
    (
        "digits for words",
        "saltmarsh-report",
        "estimated at 48,000 pounds",
    ),
    (
        "year in digits",
        "wexmoor-charter",
        "on the ninth day of June, in the year 1612, for the better ordering",
    ),
    (
        "ordinal in words",
        "lunden-minutes",
        "held in the Great Hall of Lunden on the third of October 1788",
    ),
    (
        "fourscore",
        "wexmoor-charter",
        "remain in force for four score years from the day of its sealing",
    ),
    (
        "fourscore",
        "wexmoor-charter",
        "remain in force for 80 years from the day of its sealing",
    ),
    (
        "Roman numeral",
        "wexmoor-charter",
        "Article 3 The dues of the harbour shall be fourteen pence",
    ),
    (
        "Roman numeral",
        "wexmoor-charter",
        "Article Three: The dues of the harbour",
    ),
    (
        "spelling",
        "wexmoor-charter",
        "shall receive twenty-six pounds by the year for his labor",
    ),
    (
        "spelling",
        "wexmoor-charter",
        "and whose judgment shall be final",
    ),
    (
        "spelling",
        "lunden-minutes",
        "Master Varne recognized the labors of the Clerk",
    ),
    (
        "spelling",
        "wexmoor-charter",
        "The dues of the harbor shall be fourteen pence",
    ),
    (
        "ellipsis",
        "wexmoor-charter",
        "The dues of the harbour shall be ... paid in coin to the Harbourmaster",
    ),
    (
        "ellipsis",
        "lunden-minutes",
        "the apprentices of the Guild … should take more than two apprentices",
    ),
    (
        "ellipsis",
        "saltmarsh-report",
        "The engineer proposes a sea wall . . . with sluices at Fenwick",
    ),
    (
        "ellipsis across passages",
        "lunden-minutes",
        "received in full ... It was resolved that the apprentices",
    ),
    (
        "bracket",
        "wexmoor-charter",
        "[The] Harbourmaster shall be chosen each year",
    ),
    (
        "bracket",
        "wexmoor-charter",
        "[it] shall be paid in coin to the Harbourmaster",
    ),
    (
        "bracket",
        "saltmarsh-report",
        "[she] proposes a sea wall of earth",
    ),
    (
        "[sic]",
        "lunden-minutes",
        "the Guild's funds stood [sic] at four hundred and eighteen pounds",
    ),
    (
        "across passages",
        "lunden-minutes",
        "had been received in full. It was resolved that the apprentices",
    ),
    (
        "across a line break",
        "saltmarsh-report",
        "between the villages of Fenwick and Adderby",
    ),
];

/// (source, genuine sentence, fact in it, wrong value)
const FACTS: &[(&str, &str, &str, &str)] = &[
    (
        "wexmoor-charter",
        "The Charter of Wexmoor was sealed on June 9, 1612.",
        "June 9, 1612",
        "June 19, 1612",
    ),
    (
        "wexmoor-charter",
        "The Charter of Wexmoor was sealed in 1612.",
        "1612",
        "1621",
    ),
    (
        "wexmoor-charter",
        "The Harbourmaster of Wexmoor held his office for three years.",
        "three",
        "five",
    ),
    (
        "wexmoor-charter",
        "Harbour dues at Wexmoor were 14 pence for every ton of cargo.",
        "14",
        "16",
    ),
    (
        "wexmoor-charter",
        "A vessel could lie at the quays for 40 days without leave.",
        "40",
        "30",
    ),
    (
        "wexmoor-charter",
        "The keeper of the light on the Gull Rock received 26 pounds a year.",
        "26",
        "36",
    ),
    (
        "wexmoor-charter",
        "Disputes were heard by the Court of the Quay.",
        "Court of the Quay",
        "Court of the Wharf",
    ),
    (
        "wexmoor-charter",
        "Merchants of Brennock enjoyed the liberties of the harbour.",
        "Brennock",
        "Dunmore",
    ),
    (
        "wexmoor-charter",
        "The charter was to remain in force for 80 years.",
        "80",
        "60",
    ),
    (
        "wexmoor-charter",
        "Renewal of the charter needed the assent of the Duke of Orvane.",
        "Orvane",
        "Cressy",
    ),
    (
        "wexmoor-charter",
        "The Council kept a light upon the Gull Rock.",
        "Gull Rock",
        "Seal Rock",
    ),
    (
        "lunden-minutes",
        "The assembly of the Guild of Weavers met on 3 October 1788.",
        "3 October 1788",
        "4 October 1788",
    ),
    (
        "lunden-minutes",
        "There were 64 members present at the assembly.",
        "64",
        "46",
    ),
    (
        "lunden-minutes",
        "Master Elias Varne presided over the assembly.",
        "Elias Varne",
        "Elias Marne",
    ),
    (
        "lunden-minutes",
        "The Treasurer reported that the funds stood at 418 pounds.",
        "418",
        "481",
    ),
    (
        "lunden-minutes",
        "The Treasurer, Jonas Brill, reported on the funds.",
        "Jonas Brill",
        "Jonas Brell",
    ),
    (
        "lunden-minutes",
        "The rents of the Guild's houses in Cheap Lane were received.",
        "Cheap Lane",
        "Cheap Street",
    ),
    (
        "lunden-minutes",
        "Apprentices of the Guild were to serve seven years.",
        "seven",
        "five",
    ),
    (
        "lunden-minutes",
        "No master could take more than two apprentices at one time.",
        "two",
        "three",
    ),
    (
        "lunden-minutes",
        "The Clerk had kept the books of the Guild for 19 years.",
        "19",
        "17",
    ),
    (
        "lunden-minutes",
        "The Clerk was voted a gift of 12 guineas.",
        "12",
        "20",
    ),
    (
        "lunden-minutes",
        "A fire in the dyeing sheds at Millbrook destroyed cloth.",
        "Millbrook",
        "Milltown",
    ),
    (
        "lunden-minutes",
        "The fire in the dyeing sheds destroyed cloth to the value of 90 pounds.",
        "90",
        "19",
    ),
    (
        "lunden-minutes",
        "The next assembly was fixed for December 5, 1788.",
        "December 5, 1788",
        "December 15, 1788",
    ),
    (
        "saltmarsh-report",
        "The report was submitted to the Commissioners of Sewers on 14 March 1851.",
        "14 March 1851",
        "14 May 1851",
    ),
    (
        "saltmarsh-report",
        "The report was submitted by the engineer Margaret Oakes.",
        "Margaret Oakes",
        "Margaret Okes",
    ),
    (
        "saltmarsh-report",
        "The Saltmarsh extends over some 2,300 acres.",
        "2,300",
        "3,200",
    ),
    (
        "saltmarsh-report",
        "The Saltmarsh lies between the villages of Fenwick and Adderby.",
        "Adderby",
        "Addington",
    ),
    (
        "saltmarsh-report",
        "The spring tides flood it on 11 days in every month.",
        "11",
        "12",
    ),
    (
        "saltmarsh-report",
        "The sea wall would run for 9 miles along the northern shore.",
        "9",
        "19",
    ),
    (
        "saltmarsh-report",
        "The cost of the wall was estimated at 48,000 pounds.",
        "48,000",
        "84,000",
    ),
    (
        "saltmarsh-report",
        "A steam engine of 60 horse power would lift the water.",
        "60",
        "80",
    ),
    (
        "saltmarsh-report",
        "The steam engine would be placed at Holm End.",
        "Holm End",
        "Holm Bay",
    ),
    (
        "saltmarsh-report",
        "The drainage of the Lowmoor Levels was completed in 1843.",
        "1843",
        "1834",
    ),
    (
        "saltmarsh-report",
        "The engine would work for not more than six hours in the day.",
        "six",
        "eight",
    ),
    (
        "saltmarsh-report",
        "The works would be carried out in three seasons.",
        "three",
        "four",
    ),
];

fn planted_sources() -> Vec<citecheck::sources::SourceText> {
    let mut files: Vec<PathBuf> = fs::read_dir(Path::new(ROOT).join(PLANTED))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let id = p.file_stem().unwrap().to_string_lossy().to_string();
            let text = fs::read_to_string(&p).unwrap();
            citecheck::sources::SourceText::new(&id, &id, p, &text)
        })
        .collect()
}

/// Outcome of every verifiable fact of `sentence` checked against source `id`.
fn planted_outcomes(
    docs: &[citecheck::sources::SourceText],
    id: &str,
    sentence: &str,
) -> Vec<(String, citecheck::check::verify::Outcome)> {
    use citecheck::check::{claims, verify};
    let doc = docs.iter().find(|d| d.id == id).unwrap();
    verify::check_facts(sentence, &claims::facts(sentence), &[doc], &[])
        .into_iter()
        .map(|c| (c.fact.text, c.outcome))
        .collect()
}

/// The planted-error benchmark: every genuine quotation and fact verified, every
/// editor's variant accepted, every planted change caught. Prints the table
/// (`cargo test --test check planted -- --nocapture`).
#[test]
fn planted_errors_are_caught_and_editors_variants_accepted() {
    use citecheck::check::verify::Outcome;
    let docs = planted_sources();
    let quoted = |q: &str| format!("The text says “{q}”.");
    let verified = |id: &str, sentence: &str| {
        let o = planted_outcomes(&docs, id, sentence);
        !o.is_empty() && o.iter().all(|(_, x)| *x == Outcome::Found)
    };
    // A planted change is caught when the changed fact (or quotation) is not found.
    let caught = |id: &str, sentence: &str, needle: &str| {
        planted_outcomes(&docs, id, sentence).iter().any(|(t, x)| {
            (t.contains(needle) || needle.contains(t.as_str())) && *x == Outcome::NotFound
        })
    };
    let mut rows: Vec<(String, usize, usize, Vec<String>)> = Vec::new();
    let mut row = |name: &str, results: Vec<(bool, String)>| {
        let ok = results.iter().filter(|r| r.0).count();
        let failed = results
            .iter()
            .filter(|r| !r.0)
            .map(|r| r.1.clone())
            .collect();
        rows.push((name.to_string(), results.len(), ok, failed));
    };

    row(
        "genuine quotations verified",
        QUOTES
            .iter()
            .map(|(id, q, _)| (verified(id, &quoted(q)), q.to_string()))
            .collect(),
    );
    // One word changed: the longest word replaced by one the source never uses.
    row(
        "one-word change caught",
        QUOTES
            .iter()
            .map(|(id, q, _)| {
                let longest = q.split_whitespace().max_by_key(|w| w.len()).unwrap();
                let changed = q.replacen(longest, "gravel", 1);
                (caught(id, &quoted(&changed), "gravel"), changed)
            })
            .collect(),
    );
    // One word changed to a word the source does use.
    row(
        "word swapped for a source word caught",
        QUOTES
            .iter()
            .map(|(id, q, _)| {
                let words: Vec<&str> = q.split_whitespace().collect();
                let mid = words[words.len() / 2];
                let swap = if mid.eq_ignore_ascii_case("council") {
                    "town"
                } else {
                    "council"
                };
                let changed = q.replacen(mid, swap, 1);
                (caught(id, &quoted(&changed), swap), changed)
            })
            .collect(),
    );
    row(
        "inserted “not” caught",
        QUOTES
            .iter()
            .map(|(id, q, _)| {
                let mut words: Vec<&str> = q.split_whitespace().collect();
                words.insert(2, "not");
                let changed = words.join(" ");
                (caught(id, &quoted(&changed), "not"), changed)
            })
            .collect(),
    );
    row(
        "changed number in a quotation caught",
        QUOTES
            .iter()
            .filter_map(|(id, q, n)| n.map(|(from, to)| (id, q.replacen(from, to, 1))))
            .map(|(id, changed)| (caught(id, &quoted(&changed), &changed[..10]), changed))
            .collect(),
    );
    row(
        "editor's variants accepted",
        EDITORS_VARIANTS
            .iter()
            .map(|(kind, id, q)| (verified(id, &quoted(q)), format!("{kind}: {q}")))
            .collect(),
    );
    row(
        "genuine facts verified",
        FACTS
            .iter()
            .map(|(id, s, _, _)| (verified(id, s), s.to_string()))
            .collect(),
    );
    row(
        "changed number, year, date or name caught",
        FACTS
            .iter()
            .map(|(id, s, fact, wrong)| {
                let changed = s.replacen(fact, wrong, 1);
                (caught(id, &changed, wrong), changed)
            })
            .collect(),
    );

    println!("\n| planted-error benchmark | cases | as expected |\n|---|---:|---:|");
    for (name, total, ok, _) in &rows {
        println!("| {name} | {total} | {ok} |");
    }
    let failures: Vec<String> = rows
        .iter()
        .flat_map(|(name, _, _, failed)| failed.iter().map(move |f| format!("{name}: {f}")))
        .collect();
    assert!(QUOTES.len() >= 30 && FACTS.len() >= 30);
    assert!(failures.is_empty(), "{failures:#?}");
}

/// A `>` block quotation is checked against the source cited for it, like one in quote
/// marks: the genuine one verified, the one with a changed word flagged.
#[test]
fn block_quotations_are_checked_against_their_source() {
    let charter = fs::read(Path::new(ROOT).join(PLANTED).join("wexmoor-charter.txt")).unwrap();
    let article = "Port history\n\nThe charter opens with these words:\n\n> The harbour of Wexmoor shall be open to the vessels of every nation at peace with the realm.[1]\n\nOf its officer it provides:\n\n> The Harbourmaster shall be chosen every year by the Council from among the freemen of the town.[1]\n\nReferences\n\n[1] The Charter of the Port of Wexmoor\n";
    let dir = common::write_corpus(
        Some("[[article]]\nid = \"a\"\nfile = \"a.md\"\n\n[[source]]\nid = \"charter\"\ntitle = \"The Charter of the Port of Wexmoor\"\nfile = \"charter.txt\"\n"),
        &[("a.md", article.as_bytes()), ("charter.txt", &charter)],
    );
    let v = check(dir.path(), &["--format", "json"]).json();
    let quotes = of_rule(&v, "quote-not-in-source");
    assert_eq!(quotes.len(), 1, "{:#}", v["findings"]);
    assert_eq!(quotes[0]["line"], 9);
    assert!(quotes[0]["notes"]
        .to_string()
        .contains("source says “each”, article says “every”"));
    let genuine = verification_record(&v, "open to the vessels");
    assert_eq!(genuine["result"], "verified", "{genuine:#}");
    assert_eq!(genuine["claims"][0]["kind"], "quotation");
}

/// `check` reports each source whose URL corpus.lock records as dead, offline: at the
/// first reference citing it, or at its lock entry when nothing cites it, instead of a
/// missing-source-text for the same work.
#[test]
fn dead_links_are_reported_from_the_lock_without_the_network() {
    let run = check(Path::new(DEAD_LINK), &["--format", "json"]);
    assert_eq!(run.code, 0, "dead links are warnings: {}", run.stderr);
    let v = run.json();
    let found = findings(&v);
    let article = format!("{DEAD_LINK}/articles/quay.txt");
    let lock = format!("{DEAD_LINK}/corpus.lock");
    let got: Vec<(&str, &str, &str, u64, &str)> = found
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap(),
                f["source"].as_str().unwrap_or("-"),
                f["file"].as_str().unwrap(),
                f["line"].as_u64().unwrap(),
                f["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "dead-link",
                "quay-register-1902",
                article.as_str(),
                line_of(&article, "1. ^ Register"),
                "dead link: https://example.org/quay-register answered 404 Not Found",
            ),
            (
                "dead-link",
                "ferry-timetable-1903",
                lock.as_str(),
                line_of(&lock, "id = \"ferry-timetable-1903\"") - 1,
                "dead link: https://example.org/ferry-timetable DNS lookup failed for example.org",
            ),
        ],
        "{:#}",
        v["findings"]
    );
    assert_eq!(v["summary"]["warnings"], 2);
}
