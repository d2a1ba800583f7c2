//! What users of ripgrep and lychee expect: completions and a man page generated from
//! the command line's definitions, `exclude` globs with sensible defaults, every `check`
//! option settable in `[check]` of corpus.toml (the command line winning), a
//! pull-request comment (`--format markdown`), progress over the whole `check` on a
//! terminal only, and search ranking that does not put fragments first.

mod common;

use std::fs;
use std::path::Path;

use common::{check, citecheck_in, findings, run, write_corpus};

const VERIFY: &str = "tests/fixtures/verify";

// ---------------------------------------------------------- completions, man page

#[test]
fn completions_are_generated_for_each_shell() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef citecheck"),
        ("fish", "complete -c citecheck"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion"),
    ] {
        let r = run(citecheck_in(Path::new(".")).args(["completions", shell]));
        assert_eq!(r.code, 0, "{shell}: {}", r.stderr);
        assert!(r.stdout.contains(marker), "{shell}: {}", r.stdout);
        // Made from the definitions: subcommands and their flags are in it.
        // (fish writes `-l max-findings`, the others `--max-findings`).
        for word in ["check", "search", "max-findings", "annotate"] {
            assert!(r.stdout.contains(word), "{shell} completions lack {word}");
        }
    }
    let bad = run(citecheck_in(Path::new(".")).args(["completions", "tcsh"]));
    assert_eq!(bad.code, 2);
}

#[test]
fn the_man_page_is_generated_with_every_command_and_option() {
    let r = run(citecheck_in(Path::new(".")).arg("man"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.starts_with(".ie") || r.stdout.contains(".TH citecheck"),
        "{}",
        &r.stdout[..200.min(r.stdout.len())]
    );
    for word in ["check", "search", "completions", "corpus"] {
        assert!(r.stdout.contains(word), "man page lacks {word}");
    }
    let page = run(citecheck_in(Path::new(".")).args(["man", "check"]));
    assert_eq!(page.code, 0, "{}", page.stderr);
    assert!(page.stdout.contains("citecheck\\-check"), "{}", page.stdout);
    for flag in ["max\\-findings", "baseline", "annotate", "markdown"] {
        assert!(page.stdout.contains(flag), "check's page lacks {flag}");
    }
    let bad = run(citecheck_in(Path::new(".")).args(["man", "chek"]));
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("check"), "{}", bad.stderr);
}

// ------------------------------------------------------------------- exclude

const ARTICLE: &[u8] = b"Harbour\n\nIn 1901 the harbour handled 3,000 ships.\n";

fn article_files(v: &serde_json::Value) -> Vec<String> {
    let mut files: Vec<String> = findings(v)
        .iter()
        .map(|f| f["file"].as_str().unwrap().to_string())
        .collect();
    files.dedup();
    files
}

/// Without a manifest, dependencies, build output, hidden directories and an index
/// inside the corpus are not articles.
#[test]
fn a_manifest_less_corpus_skips_node_modules_target_hidden_and_index_dirs() {
    let dir = write_corpus(
        None,
        &[
            ("notes/harbour.txt", ARTICLE),
            ("node_modules/pkg/README.md", ARTICLE),
            (
                "target/doc/page.html",
                b"<p>In 1901 the harbour handled 3,000 ships.</p>",
            ),
            (".git/description.txt", ARTICLE),
        ],
    );
    // An index built inside the corpus directory.
    let built = run(citecheck_in(dir.path()).args(["--corpus", ".", "--index", "idx", "index"]));
    assert_eq!(built.code, 0, "{}", built.stderr);
    fs::write(dir.path().join("idx/extra.txt"), ARTICLE).unwrap();
    let r = run(citecheck_in(dir.path()).args([
        "--corpus", ".", "--index", "idx", "check", "--format", "json",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = r.json();
    assert_eq!(v["summary"]["articles"], 1, "{v}");
    assert_eq!(article_files(&v), ["notes/harbour.txt"]);
}

/// `exclude` in a corpus.toml without `[[article]]` entries (every text file an
/// article), and for a `files` glob; a bad glob is an error at its place.
#[test]
fn exclude_globs_leave_files_out_of_walks_and_globs() {
    let manifest = "exclude = [\"drafts\", \"notes/old-*\", \"*.bak.md\"]\n";
    let files: &[(&str, &[u8])] = &[
        ("notes/harbour.txt", ARTICLE),
        ("notes/old-harbour.txt", ARTICLE),
        ("drafts/a.md", ARTICLE),
        ("deep/drafts/b.md", ARTICLE),
        ("deep/c.bak.md", ARTICLE),
        ("deep/d.md", ARTICLE),
    ];
    let dir = write_corpus(Some(manifest), files);
    let v = check(dir.path(), &["--format", "json"]).json();
    assert_eq!(v["summary"]["articles"], 2, "{v}");

    let glob = format!("{manifest}[[article]]\nfiles = \"**/*.md\"\n");
    let dir = write_corpus(Some(&glob), files);
    fs::create_dir_all(dir.path().join("node_modules/x")).unwrap();
    fs::write(dir.path().join("node_modules/x/e.md"), ARTICLE).unwrap();
    let v = check(dir.path(), &["--format", "json"]).json();
    let ids: Vec<String> = findings(&v)
        .iter()
        .map(|f| f["article"].as_str().unwrap().to_string())
        .collect();
    assert!(ids.iter().all(|i| i == "deep/d"), "{ids:?}");

    let dir = write_corpus(Some("exclude = [\"[oops\"]\n"), files);
    let r = check(dir.path(), &[]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("corpus.toml:1:"), "{}", r.stderr);
    assert!(r.stderr.contains("[oops"), "{}", r.stderr);
}

// ------------------------------------------------------------------ [check]

fn with_check_table(table: &str) -> tempfile::TempDir {
    let dir = common::copy_corpus(VERIFY);
    let manifest = dir.path().join("corpus.toml");
    let mut m = fs::read_to_string(&manifest).unwrap();
    m.push_str("\n[check]\n");
    m.push_str(table);
    fs::write(&manifest, m).unwrap();
    dir
}

/// Options in `[check]` apply like their flags; a flag on the command line wins.
#[test]
fn check_options_in_the_manifest_apply_and_the_command_line_wins() {
    let dir = with_check_table(
        "format = \"json\"\nrule = [\"quote-not-in-source\", \"fact-not-in-source\"]\nmax-findings = 1\noutput = \"report.json\"\ndeny = \"warnings\"\n",
    );
    let r = check(dir.path(), &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout.is_empty(),
        "the report went to the file: {}",
        r.stdout
    );
    let saved: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("report.json")).unwrap()).unwrap();
    let rules = common::strs(&findings(&saved), "rule");
    assert_eq!(rules.len(), 1, "{rules:?}");
    assert!(rules[0].ends_with("-not-in-source"), "{rules:?}");

    // The command line: another format, to stdout, another rule, no limit.
    let r = check(
        dir.path(),
        &[
            "--format",
            "jsonl",
            "--output",
            "-",
            "--rule",
            "uncited-claim",
            "--max-findings",
            "100",
        ],
    );
    let lines: Vec<serde_json::Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let rules: Vec<&str> = lines
        .iter()
        .filter(|l| l["type"] == "finding")
        .map(|l| l["rule"].as_str().unwrap())
        .collect();
    assert!(
        !rules.is_empty() && rules.iter().all(|r| *r == "uncited-claim"),
        "{rules:?}"
    );
}

/// A key `[check]` does not know is an error naming corpus.toml, its line and column,
/// and what was meant.
#[test]
fn an_unknown_check_key_is_an_error_at_its_place() {
    let dir = with_check_table("format = \"json\"\nmax_findings = 3\n");
    let r = check(dir.path(), &[]);
    assert_eq!(r.code, 2);
    let manifest = fs::read_to_string(dir.path().join("corpus.toml")).unwrap();
    let line = common::line_of(&manifest, "max_findings");
    assert!(
        r.stderr.contains(&format!("corpus.toml:{line}:1")),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("did you mean the option \"max-findings\""),
        "{}",
        r.stderr
    );

    let dir = with_check_table("format = \"yaml\"\n");
    let r = check(dir.path(), &[]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("yaml") && r.stderr.contains("corpus.toml:"),
        "{}",
        r.stderr
    );

    let dir = with_check_table("rule = [\"uncited-claims\"]\n");
    let r = check(dir.path(), &[]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("uncited-claims"), "{}", r.stderr);
}

// ---------------------------------------------------------------- markdown

#[test]
fn markdown_is_a_pull_request_comment() {
    let r = check(Path::new(VERIFY), &["--format", "markdown"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let md = &r.stdout;
    assert!(md.starts_with("## citecheck\n"), "{md}");
    assert!(md.contains("| rule | severity | findings |"), "{md}");
    assert!(md.contains("| `quote-not-in-source` | error | 1 |"), "{md}");
    assert!(
        md.contains("### vellmar\\-harbour\\-treaty") || md.contains("### vellmar-harbour-treaty"),
        "{md}"
    );
    // The error row comes first in the table.
    let table: Vec<&str> = md.lines().filter(|l| l.starts_with("| `")).collect();
    assert!(table[0].contains("| error |"), "{table:?}");

    let capped = check(
        Path::new(VERIFY),
        &["--format", "markdown", "--max-findings", "2"],
    );
    let items = capped
        .stdout
        .lines()
        .filter(|l| l.starts_with("- **"))
        .count();
    assert_eq!(items, 2, "{}", capped.stdout);
    let whole = common::check_json(Path::new(VERIFY));
    let rest = findings(&whole).len() - 2;
    assert!(
        capped
            .stdout
            .contains(&format!("… and {rest} more findings")),
        "{}",
        capped.stdout
    );
    // The table still counts every finding.
    let counted: usize = capped
        .stdout
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            l.rsplit('|')
                .nth(1)
                .unwrap()
                .trim()
                .parse::<usize>()
                .unwrap()
        })
        .sum();
    assert_eq!(counted, findings(&whole).len());
}

/// Article text cannot put markup, links or mentions into the comment.
#[test]
fn markdown_escapes_what_articles_say() {
    let dir = write_corpus(
        None,
        &[(
            "x.txt",
            b"Title\n\nIn 1901 <img src=x onerror=alert(1)> @octocat **bold** [link](http://evil) handled 3,000 ships.\n",
        )],
    );
    let r = check(dir.path(), &["--format", "markdown", "--severity", "note"]);
    let md = &r.stdout;
    assert!(md.contains("- **"), "{md}");
    for bad in ["<img", "@octocat", "](http", "**bold**"] {
        assert!(!md.contains(bad), "{bad} unescaped in {md}");
    }
}

// ---------------------------------------------------------------- progress

fn many_articles(n: usize) -> tempfile::TempDir {
    let files: Vec<(String, Vec<u8>)> = (0..n)
        .map(|i| {
            (
                format!("a{i:03}.txt"),
                format!(
                    "Harbour {i}\n\nIn {} the harbour handled {i},000 ships.\n",
                    1900 + i
                )
                .into_bytes(),
            )
        })
        .collect();
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    write_corpus(None, &refs)
}

/// Not a terminal (a pipe, CI's log): no progress at all on stderr.
#[test]
fn no_progress_when_stderr_is_not_a_terminal() {
    let dir = many_articles(60);
    let index = tempfile::tempdir().unwrap();
    let r = run(citecheck_in(dir.path())
        .args(["--corpus", ".", "--index"])
        .arg(index.path())
        .args(["check", "--format", "sarif"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        !r.stderr.contains('\r') && !r.stderr.contains("checking"),
        "{}",
        r.stderr
    );
}

/// On a terminal (a pseudo-terminal made by `script`), the bar covers checking and the
/// index's commit; `--quiet` draws nothing. Skipped where `script` is missing.
#[test]
fn progress_on_a_terminal_covers_the_whole_check() {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipping progress_on_a_terminal_covers_the_whole_check: no `script` to make a terminal");
        return;
    }
    let dir = many_articles(60);
    let bin = assert_cmd::cargo::cargo_bin("citecheck");
    let on_terminal = |quiet: bool, index: &Path| {
        let command = format!(
            "{} --color never {} --corpus . --index {} check --format sarif --output out.sarif",
            bin.display(),
            if quiet { "--quiet" } else { "" },
            index.display()
        );
        let out = std::process::Command::new("script")
            .args(["-qec", &command, "/dev/null"])
            .current_dir(dir.path())
            .env("TERM", "xterm")
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let index = tempfile::tempdir().unwrap();
    let drawn = on_terminal(false, index.path());
    assert!(drawn.contains("checking"), "{drawn:?}");
    // The index was missing: its commit comes after the articles, and is shown too.
    assert!(drawn.contains("indexing"), "{drawn:?}");
    let quiet_index = tempfile::tempdir().unwrap();
    let quiet = on_terminal(true, quiet_index.path());
    assert!(
        !quiet.contains("checking") && !quiet.contains("indexing"),
        "{quiet:?}"
    );
}

/// The library reports every stage of a check to its observer, in order.
#[test]
fn check_reports_sources_checking_and_indexing() {
    use citecheck::observer::{Event, Stage};
    let corpus = citecheck::Corpus::load(&common::repo(VERIFY)).unwrap();
    let index = tempfile::tempdir().unwrap();
    let seen = std::sync::Mutex::new(Vec::new());
    let observer = |e: &Event| {
        let name = match e {
            Event::Step { stage, .. } => format!("step {}", stage.name()),
            Event::Progress { stage, done, .. } => format!("{} {done}", stage.name()),
            _ => return,
        };
        seen.lock().unwrap().push(name);
    };
    let mut none = |_f: citecheck::check::Finding| {};
    citecheck::check::run::check_corpus(
        &corpus,
        citecheck::Config::from_corpus(&corpus),
        None,
        citecheck::check::run::IndexRefresh::IfStale(index.path()),
        &observer,
        &mut none,
    )
    .unwrap();
    let seen = seen.into_inner().unwrap();
    let at = |s: &str| {
        seen.iter()
            .position(|e| e == s)
            .unwrap_or_else(|| panic!("{s} not in {seen:?}"))
    };
    assert!(at("step sources") < at("checking 0"));
    assert!(at("checking 0") < at(&format!("checking {}", corpus.articles.len())));
    assert!(at(&format!("checking {}", corpus.articles.len())) < at("step indexing"));
    let _ = Stage::Writing;
}

// ------------------------------------------------------------------ search

/// `citecheck search ARGS…` over the `ranking` fixture, with an index of its own.
fn search_ranking_fixture(args: &[&str]) -> common::Run {
    let index = tempfile::tempdir().unwrap();
    run(citecheck_in(Path::new(common::ROOT))
        .arg("--corpus")
        .arg(common::fixture("ranking"))
        .arg("--index")
        .arg(index.path())
        .arg("search")
        .args(args))
}

/// A two-word fragment naming the query word does not outrank real sentences about it
/// (BM25 alone would put it first: the word is half of it).
#[test]
fn search_does_not_rank_fragments_above_sentences() {
    let r = search_ranking_fixture(&["Paris", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = r.json();
    let hits = v["hits"].as_array().unwrap();
    assert!(hits.len() >= 3, "{v}");
    let words = |h: &serde_json::Value| h["snippet"].as_str().unwrap().split_whitespace().count();
    let first_fragment = hits
        .iter()
        .position(|h| words(h) <= 3)
        .expect("the fragment is still found");
    let last_sentence = hits.iter().rposition(|h| words(h) > 5).unwrap();
    assert!(
        first_fragment > last_sentence,
        "a fragment ranks above a sentence: {v}"
    );
}

/// With colour off, search marks matches with «…», not brackets (which read as
/// footnote markers).
#[test]
fn search_highlights_without_colour_are_not_brackets() {
    let r = search_ranking_fixture(&["population"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("«population»"), "{}", r.stdout);
    assert!(!r.stdout.contains("[population]"), "{}", r.stdout);
}

// -------------------------------------------------------------- id lists

#[test]
fn long_lists_of_ids_in_errors_end_with_the_count_of_the_rest() {
    let dir = many_articles(14);
    let index = tempfile::tempdir().unwrap();
    let r = run(citecheck_in(dir.path())
        .args(["--corpus", ".", "--index"])
        .arg(index.path())
        .args(["show", "1", "--article", "nope"]));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("a009, … 4 more)"), "{}", r.stderr);
}
