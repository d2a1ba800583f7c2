//! Issue 17: inputs beyond the safety issue's reach — a paragraph covered by thousands
//! of markers, deep queries, empty manifests, lone CR line endings, output injection,
//! clearer messages, recorded listings and content-true freshness.

mod common;

use std::path::Path;

use citecheck::model::CitationStatus;
use citecheck::position::Format;

/// Many uncited sentences then many markers on the last one: every sentence is covered
/// by the same markers, which are shared, not copied into each (that took 8 GB).
#[test]
fn many_implicit_sentences_share_many_markers() {
    let text = format!(
        "{}The gate closed{}\n\nReferences\n\n[1] r\n",
        "Ships sailed. ".repeat(32_000),
        "[1]".repeat(32_000)
    );
    let a = citecheck::readers::parse("t", Path::new("b.txt"), Format::Text, text).unwrap();
    assert_eq!(a.sentences.len(), 32_001);
    assert_eq!(a.markers.len(), 32_000);
    let last = a.sentences.len() - 1;
    assert_eq!(a.sentences[last].status, CitationStatus::Cited);
    assert!(a.sentences[..last]
        .iter()
        .all(|s| s.status == CitationStatus::Implicit && s.covered_by == Some(last)));
    assert_eq!(a.covering_markers(0).len(), 32_000);
    assert_eq!(a.sentence_references(0), vec![0]);
    assert_eq!(a.sentences_citing(0).len(), 32_001);
}

/// A one-article corpus (manifest-less, in `corpus/`) and its index (`index/`) built
/// through the library: the binary's defaults when run in the directory.
fn small_index() -> (tempfile::TempDir, citecheck::Index) {
    let dir = common::write_corpus(
        None,
        &[(
            "corpus/a.txt",
            b"Harbour\n\nThe beacon on the cape was lit at dawn.\n" as &[u8],
        )],
    );
    let corpus = citecheck::Corpus::load(&dir.path().join("corpus")).unwrap();
    let index =
        citecheck::Index::open_or_build(&corpus, &dir.path().join("index"), &citecheck::Silent)
            .unwrap();
    (dir, index)
}

fn search(index: &citecheck::Index, query: &str) -> citecheck::Result<citecheck::SearchResults> {
    index.search(&citecheck::SearchRequest {
        query,
        limit: 5,
        scope: citecheck::index::Scope::All,
        source: None,
    })
}

/// Thousands of `(` overflowed the parser's stack and aborted the process, library
/// callers included: now a typed query error, and the binary exits 2 with a message.
#[test]
fn deeply_nested_query_is_refused_not_aborted() {
    let (dir, index) = small_index();
    let deep = format!("{}beacon", "(".repeat(2_941));
    let err = search(&index, &deep).unwrap_err();
    assert!(
        matches!(
            &err,
            citecheck::Error::Query {
                problem: citecheck::error::QueryProblem::TooDeep { depth: 2_941, .. },
                ..
            }
        ),
        "{err}"
    );
    let balanced = format!("{}beacon{}", "(".repeat(500), ")".repeat(500));
    assert!(search(&index, &balanced).is_err());
    // Nesting within the limit still searches.
    let ok = format!("{}beacon{}", "(".repeat(10), ")".repeat(10));
    assert_eq!(search(&index, &ok).unwrap().hits.len(), 1);

    let run = common::run(
        common::citecheck_in(dir.path())
            .args(["search", "--no-refresh"])
            .arg(&deep),
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("nests parentheses 2941 deep"),
        "{}",
        run.stderr
    );
}

/// `file:*` said "index: Schema error"; it now says what is unsupported and what to give.
#[test]
fn any_value_filter_says_it_is_unsupported() {
    let (dir, index) = small_index();
    assert!(search(&index, "file:*").is_err());
    let run = common::run(common::citecheck_in(dir.path()).args(["search", "file:*"]));
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("`file:*` (any value) is not supported"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("Schema error"), "{}", run.stderr);
}

/// Deleting the article list must not turn CI green: a manifest with no articles is an
/// error (exit 2) unless `--allow-empty` says it is intended.
#[test]
fn manifest_without_articles_fails_check_unless_allowed() {
    let dir = common::write_corpus(Some("[[source]]\nid = \"s\"\ntitle = \"A source\"\n"), &[]);
    let run = common::check(dir.path(), &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("corpus.toml"), "{}", run.stderr);
    assert!(run.stderr.contains("lists no articles"), "{}", run.stderr);
    assert!(run.stderr.contains("--allow-empty"), "{}", run.stderr);

    let run = common::check(dir.path(), &["--allow-empty"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// Classic Mac OS line endings (a lone CR) were one long line: the reference list was
/// not found and every marker was an `unknown-footnote`.
#[test]
fn lone_cr_line_endings_are_lines() {
    let article =
        "The pact\n\nThe pact was signed in 1941.[1]\n\nReferences\n\n  1. ^ A book, 2001.\n"
            .replace('\n', "\r");
    let dir = common::write_corpus(None, &[("a.txt", article.as_bytes())]);
    let report = common::check_json(dir.path());
    assert!(
        common::of_rule(&report, "unknown-footnote").is_empty(),
        "{report}"
    );
    let a = citecheck::readers::parse("t", Path::new("a.txt"), Format::Text, article).unwrap();
    assert_eq!(a.references.len(), 1);
    assert_eq!(a.markers[0].reference, Some(0));
    assert_eq!(a.markers[0].line, 3);
}

/// No output line that a GitHub runner would read as a workflow command: none starts
/// (after blanks) with `::` unless citecheck wrote the command, and no `##[` at all.
fn assert_no_injected_command(out: &str, ours: &[&str]) {
    for line in out.lines() {
        let t = line.trim_start();
        assert!(
            !t.starts_with("::") || ours.iter().any(|o| t.starts_with(o)),
            "injected command line {line:?} in:\n{out}"
        );
        assert!(!line.contains("##["), "legacy command in {line:?}:\n{out}");
    }
}

#[test]
fn workflow_commands_in_names_and_text_are_defused() {
    let hostile = "::error file=x::pwned";
    let article = format!(
        "Harbour\n\nThe beacon ##[error]failed at dawn.\n\n{hostile} beacon\n\nMore.[1]\n\nReferences\n\n  1. ^ A book.\n"
    );
    let dir = common::write_corpus(
        None,
        &[
            ("corpus/a.txt", article.as_bytes()),
            ("corpus/b\n::error::named.txt", b"x\0y" as &[u8]),
        ],
    );
    let corpus = dir.path().join("corpus");

    // Annotations: the article's `##[error]` is quoted in a message, defused.
    let run = common::check(&corpus, &["--format", "github"]);
    assert_eq!(
        run.code, 2,
        "the binary file is an input error: {}",
        run.stderr
    );
    assert_no_injected_command(&run.stdout, &["::error ", "::warning ", "::notice "]);
    assert_eq!(
        citecheck::report::github::data("The beacon ##[error]failed.\n::error::x"),
        "The beacon #\\#[error]failed.%0A::error::x"
    );
    // The file name with a line break is named on stderr without starting a command.
    assert!(run.stderr.contains("named.txt"), "{}", run.stderr);
    assert_no_injected_command(&run.stderr, &[]);

    // Search: a sentence that starts with `::` is shown defused.
    std::fs::remove_file(corpus.join("b\n::error::named.txt")).unwrap();
    let run = common::run(common::citecheck_in(dir.path()).args(["search", "pwned"]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("\\::error file=x::"), "{}", run.stdout);
    assert_no_injected_command(&run.stdout, &[]);
}

#[test]
fn defusing_leaves_plain_text_alone() {
    use citecheck::report::text::defuse_workflow_commands as defuse;
    assert_eq!(defuse("a :: b\n  c"), "a :: b\n  c");
    assert_eq!(defuse("ok\n  ::warning::x"), "ok\n  \\::warning::x");
    assert_eq!(defuse("x ##[group]y"), "x #\\#[group]y");
}

/// UTF-16 with a byte-order mark is read; without one it is named as UTF-16, not as a
/// binary file.
#[test]
fn utf16_is_decoded_or_named() {
    let text = "The pact was signed in 1941.[1]\n\nReferences\n\n  1. ^ A book, 2001.\n";
    let mut le = vec![0xff, 0xfe];
    le.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
    let mut be = vec![0xfe, 0xff];
    be.extend(text.encode_utf16().flat_map(|u| u.to_be_bytes()));
    let bare: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    for bytes in [&le, &be] {
        let decoded = citecheck::error::decode_text(Path::new("a.txt"), bytes.clone()).unwrap();
        assert_eq!(decoded, text);
    }
    let err = citecheck::error::decode_text(Path::new("a.txt"), bare).unwrap_err();
    let err = err.to_string();
    assert!(
        err.contains("UTF-16 (little-endian) text without a byte-order mark"),
        "{err}"
    );
    assert!(!err.contains("binary"), "{err}");

    let dir = common::write_corpus(None, &[("a.txt", &le)]);
    let run = common::check(dir.path(), &["--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// A binary corpus.toml is "binary", not "not a text article".
#[test]
fn binary_manifest_is_not_called_an_article() {
    let dir = common::write_corpus(Some("[[article]]\0\u{1}"), &[]);
    let run = common::check(dir.path(), &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("corpus.toml:1:12"), "{}", run.stderr);
    assert!(
        run.stderr.contains("binary file (NUL byte), not text"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("not a text article"), "{}", run.stderr);
}

/// `file =` naming a directory or a FIFO says what it is, not "does not exist".
#[test]
fn file_naming_a_directory_or_fifo_says_what_it_is() {
    let dir = common::write_corpus(
        Some("[[article]]\nid = \"a\"\nfile = \"articles\"\n"),
        &[("articles/x.txt", b"Text.\n" as &[u8])],
    );
    let run = common::check(dir.path(), &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("is a directory, not a regular file"),
        "{}",
        run.stderr
    );

    let fifo = dir.path().join("pipe.txt");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipping the FIFO case: mkfifo is not available");
        return;
    }
    std::fs::write(
        dir.path().join("corpus.toml"),
        "[[article]]\nid = \"a\"\nfile = \"pipe.txt\"\n",
    )
    .unwrap();
    let run = common::check(dir.path(), &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("is a named pipe (FIFO)"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("does not exist"), "{}", run.stderr);
}

/// The recorded directory listing lives in the index, which anyone may edit: a listing
/// naming files outside the corpus (or files no listing of it could name) is not reused.
#[test]
fn edited_listing_cannot_reach_outside_the_corpus() {
    let dir = common::write_corpus(
        None,
        &[
            ("corpus/a.txt", b"Alpha\n\nThe beacon was lit.\n" as &[u8]),
            ("secret.txt", b"Secret\n\nThe password is hunter2.\n"),
        ],
    );
    let root = dir.path().join("corpus");
    let corpus = citecheck::Corpus::load(&root).unwrap();
    citecheck::Index::open_or_build(&corpus, &dir.path().join("index"), &citecheck::Silent)
        .unwrap();
    let recorded = citecheck::index::recorded_listings(&dir.path().join("index"));
    assert_eq!(recorded.len(), 1);
    let paths = |c: &citecheck::Corpus| -> Vec<std::path::PathBuf> {
        c.articles.iter().map(|a| a.path.clone()).collect()
    };
    // Unedited, it is reused and gives the corpus a fresh listing gives.
    let reused = citecheck::Corpus::load_reusing(&root, recorded.clone()).unwrap();
    assert_eq!(paths(&reused), paths(&corpus));
    for hostile in [
        "../secret.txt",
        "/etc/passwd",
        "sub/../../secret.txt",
        "corpus.toml",
    ] {
        let mut edited = recorded.clone();
        edited[0].files.push(hostile.to_string());
        let loaded = citecheck::Corpus::load_reusing(&root, edited).unwrap();
        assert_eq!(paths(&loaded), paths(&corpus), "{hostile}");
    }
    let mut edited = recorded.clone();
    let mtime = edited[0].dirs[0].1;
    edited[0].dirs.push(("..".to_string(), mtime));
    edited[0].files.push("../secret.txt".to_string());
    let loaded = citecheck::Corpus::load_reusing(&root, edited).unwrap();
    assert_eq!(paths(&loaded), paths(&corpus));
}

/// `cp -p`, `rsync -a` or a restored CI cache can change a file and keep its size and
/// mtime: `index --check` trusts the stamps (fast), `--verify-content` hashes every file.
#[test]
fn verify_content_catches_a_same_size_edit_that_kept_the_mtime() {
    use std::time::{Duration, SystemTime};
    let dir = common::write_corpus(
        None,
        &[(
            "corpus/a.txt",
            b"Alpha\n\nThe beacon was lit in winter.\n" as &[u8],
        )],
    );
    let file = dir.path().join("corpus/a.txt");
    let an_hour_ago = SystemTime::now() - Duration::from_secs(3600);
    let set_mtime = |t: SystemTime| {
        std::fs::File::options()
            .write(true)
            .open(&file)
            .unwrap()
            .set_modified(t)
            .unwrap()
    };
    set_mtime(an_hour_ago);
    let index_check = |extra: &[&str]| {
        common::run(
            common::citecheck_in(dir.path())
                .args(["index", "--check"])
                .args(extra),
        )
    };
    assert_eq!(
        common::run(common::citecheck_in(dir.path()).arg("index")).code,
        0
    );
    assert_eq!(index_check(&["--verify-content"]).code, 0);

    std::fs::write(&file, "Alpha\n\nThe beacon was lit in summer.\n").unwrap();
    set_mtime(an_hour_ago);
    // The stamps are those recorded: the fast check cannot tell (the documented trade-off).
    assert_eq!(index_check(&[]).code, 0);
    let run = index_check(&["--verify-content"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.contains("a.txt changed"), "{}", run.stdout);

    // Touched but unchanged content is fresh by content.
    std::fs::write(&file, "Alpha\n\nThe beacon was lit in winter.\n").unwrap();
    assert_eq!(index_check(&["--verify-content"]).code, 0);
}

/// Issue 16.7: an article holding terminal control sequences (set the window title,
/// clear the screen, colours, a lone CR that would overwrite the line) is shown with
/// them escaped by every text output, and stays valid in JSON and SARIF.
#[test]
fn control_characters_are_escaped_in_every_text_output() {
    let hostile = "\u{1b}]0;pwned\u{7}The beacon \u{1b}[2J was lit\u{1b}[31m at dawn\u{9b}1m.";
    let article = format!(
        "Harbour \u{1b}[1mtitle\n\nA lead sentence.\n\nHistory\n\n{hostile}[1] More beacon text.[2]\n\nReferences\n\n  1. ^ A book \u{1b}[5m.\n"
    );
    let dir = common::write_corpus(None, &[("corpus/a.txt", article.as_bytes())]);
    let corpus = dir.path().join("corpus");
    let raw = |s: &str| s.chars().any(|c| c.is_control() && c != '\n' && c != '\t');
    let in_dir = |args: &[&str]| common::run(common::citecheck_in(dir.path()).args(args));

    // check: the text report (source lines, messages), JSON and SARIF.
    let text = common::check(&corpus, &[]);
    assert!(!raw(&text.stdout), "{:?}", text.stdout);
    assert!(text.stdout.contains("\\u{1b}[2J"), "{}", text.stdout);
    let annotations = common::check(&corpus, &["--format", "github"]);
    assert!(!raw(&annotations.stdout), "{:?}", annotations.stdout);
    // JSON escapes C0 controls itself (`\u001b`) and stays valid.
    for format in ["json", "sarif"] {
        let run = common::check(&corpus, &["--format", format]);
        assert!(run.json().is_object(), "{format}");
        assert!(!run.stdout.contains(['\u{1b}', '\u{7}']), "{format}");
    }
    // parse: sentences, headings, the title, references.
    let parse = in_dir(&["parse", "corpus/a.txt"]);
    assert_eq!(parse.code, 0, "{}", parse.stderr);
    assert!(!raw(&parse.stdout), "{:?}", parse.stdout);
    assert!(
        parse.stdout.contains("\\u{1b}]0;pwned\\u{7}"),
        "{}",
        parse.stdout
    );
    let json = in_dir(&["parse", "corpus/a.txt", "--format", "json"]).json();
    assert!(
        json["sentences"].to_string().contains("\\u001b[2J"),
        "{json}"
    );
    // show: the reference entry and the sentences it covers.
    let show = in_dir(&["show", "1"]);
    assert_eq!(show.code, 0, "{}", show.stderr);
    assert!(!raw(&show.stdout), "{:?}", show.stdout);
    assert!(show.stdout.contains("\\u{1b}[5m"), "{}", show.stdout);
    // search: the snippet, with its highlight.
    let search = in_dir(&["search", "beacon"]);
    assert_eq!(search.code, 0, "{}", search.stderr);
    assert!(!raw(&search.stdout), "{:?}", search.stdout);
    assert!(search.stdout.contains("«beacon»"), "{}", search.stdout);
    assert!(search.stdout.contains("\\u{1b}[2J"), "{}", search.stdout);
}

/// A file name with an escape sequence is shown escaped in an error message.
#[test]
fn control_characters_in_file_names_are_escaped_in_errors() {
    let dir = common::write_corpus(None, &[("corpus/a\u{1b}[2Jb.txt", b"x\0y" as &[u8])]);
    let run = common::check(&dir.path().join("corpus"), &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("a\\u{1b}[2Jb.txt"), "{}", run.stderr);
    assert!(!run.stderr.contains('\u{1b}'), "{:?}", run.stderr);
}
