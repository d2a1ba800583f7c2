//! Bad input gives one clear message naming the file (and line:column where there is
//! one) and exit status 2 — never a panic.

mod common;

use std::path::Path;

use common::{citecheck, run};

const ARTICLE: &str = "The pact was signed in 1941.[1]\n\nReferences\n\n  1. ^ A book, 2001.\n";

fn corpus(manifest: &str, files: &[(&str, &[u8])]) -> tempfile::TempDir {
    common::write_corpus(Some(manifest), files)
}

/// Run `citecheck show 1` on the corpus; assert exit 2 and return stderr.
fn fails(dir: &Path) -> String {
    let run = run(citecheck().arg("--corpus").arg(dir).args(["show", "1"]));
    let stderr = run.stderr;
    assert_eq!(run.code, 2, "stderr: {stderr}");
    assert_eq!(
        stderr.trim().lines().count(),
        1,
        "one clear message: {stderr}"
    );
    stderr
}

const GOOD: &str = "[[article]]\nid = \"a\"\nfile = \"a.txt\"\n";

#[test]
fn manifest_syntax_error_names_line_and_column() {
    let dir = corpus(
        "[[article]]\nid = \"a\"\nfile = a.txt\n",
        &[("a.txt", ARTICLE.as_bytes())],
    );
    let err = fails(dir.path());
    assert!(err.contains("corpus.toml:3:8"), "{err}");
}

#[test]
fn manifest_unknown_key_is_named() {
    let m = format!("{GOOD}colour = \"red\"\n");
    let dir = corpus(&m, &[("a.txt", ARTICLE.as_bytes())]);
    let err = fails(dir.path());
    assert!(err.contains("corpus.toml:4:1"), "{err}");
    assert!(err.contains("colour"), "{err}");
}

/// `[check]` is typed when the manifest loads: a misspelt rule points at its key, a
/// bad level at its value, not at the `[check]` header (line 5).
#[test]
fn check_settings_errors_point_at_the_key() {
    let m = format!(
        "{GOOD}\n[check]\nlead = \"check\"\nweak-support = \"note\"\nuncited-claims = \"off\"\n"
    );
    let dir = corpus(&m, &[("a.txt", ARTICLE.as_bytes())]);
    let err = fails(dir.path());
    assert!(err.contains("corpus.toml:8:1:"), "{err}");
    assert!(err.contains("did you mean \"uncited-claim\""), "{err}");

    let m = format!("{GOOD}\n[check]\nlead = \"check\"\nweak-support = \"fatal\"\n");
    let dir = corpus(&m, &[("a.txt", ARTICLE.as_bytes())]);
    let err = fails(dir.path());
    assert!(err.contains("corpus.toml:7:16:"), "{err}");
    assert!(err.contains("weak-support = \"fatal\""), "{err}");

    let m = format!("{GOOD}\n[check]\nweak-support = \"note\"\nlead = \"everything\"\n");
    let dir = corpus(&m, &[("a.txt", ARTICLE.as_bytes())]);
    let err = fails(dir.path());
    assert!(err.contains("corpus.toml:7:8:"), "{err}");
}

#[test]
fn manifest_duplicate_source_id() {
    let m = format!(
        "{GOOD}\n[[source]]\nid = \"s\"\ntitle = \"One\"\n\n[[source]]\nid = \"s\"\ntitle = \"Two\"\n"
    );
    let dir = corpus(&m, &[("a.txt", ARTICLE.as_bytes())]);
    let err = fails(dir.path());
    assert!(err.contains("corpus.toml:10:6"), "{err}");
    assert!(err.contains("duplicate source id \"s\""), "{err}");
}

#[test]
fn manifest_duplicate_article_id() {
    let m = format!("{GOOD}\n[[article]]\nid = \"a\"\nfile = \"b.txt\"\n");
    let dir = corpus(
        &m,
        &[("a.txt", ARTICLE.as_bytes()), ("b.txt", ARTICLE.as_bytes())],
    );
    let err = fails(dir.path());
    assert!(err.contains("corpus.toml:6:6"), "{err}");
    assert!(err.contains("duplicate article id \"a\""), "{err}");
}

#[test]
fn manifest_missing_article_file() {
    let dir = corpus(GOOD, &[]);
    let err = fails(dir.path());
    assert!(err.contains("corpus.toml:3:8"), "{err}");
    assert!(err.contains("a.txt does not exist"), "{err}");
}

#[test]
fn glob_matching_nothing() {
    let dir = corpus("[[article]]\nfiles = \"articles/*.md\"\n", &[]);
    let err = fails(dir.path());
    assert!(err.contains("matches no file"), "{err}");
}

#[test]
fn empty_article() {
    let dir = corpus(GOOD, &[("a.txt", b"  \n\n")]);
    let err = fails(dir.path());
    assert!(err.contains("a.txt: empty file"), "{err}");
}

#[test]
fn article_not_utf8_names_line_and_column() {
    let dir = corpus(GOOD, &[("a.txt", b"Fine line.\nBad \xff byte.\n")]);
    let err = fails(dir.path());
    assert!(err.contains("a.txt:2:5: not UTF-8"), "{err}");
}

#[test]
fn binary_article() {
    let mut junk = b"\x7fELF\x02\x01\x01".to_vec();
    junk.extend((0..=255u8).cycle().take(4096));
    let dir = corpus(GOOD, &[("a.txt", &junk)]);
    let err = fails(dir.path());
    assert!(err.contains("a.txt:1:"), "{err}");
    assert!(err.contains("binary file"), "{err}");
}

#[test]
fn missing_corpus_directory_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = fails(&dir.path().join("nope"));
    assert!(err.contains("does not exist"), "{err}");
}

#[test]
fn unknown_footnote_label_is_a_usage_error_for_show() {
    let dir = corpus(GOOD, &[("a.txt", ARTICLE.as_bytes())]);
    let run = run(citecheck()
        .arg("--corpus")
        .arg(dir.path())
        .args(["show", "999"]));
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no footnote \"999\""));
}

#[test]
fn marker_without_entry_stays_unresolved_in_the_model() {
    let text =
        "A claim made in 1941.[999] Another in 1942.[1]\n\nReferences\n\n  1. ^ A book, 2001.\n";
    let a = citecheck::readers::parse(
        "a",
        Path::new("a.txt"),
        Default::default(),
        text.to_string(),
    )
    .unwrap();
    let m999 = a.markers.iter().find(|m| m.label == "999").unwrap();
    assert_eq!(m999.reference, None);
    assert_eq!((m999.line, m999.column), (1, 22));
    assert_eq!(a.references[0].found_uses, 1);
}

#[test]
fn manifestless_directory_reads_every_text_file() {
    let dir = common::write_corpus(
        None,
        &[
            ("one.txt", ARTICLE.as_bytes()),
            ("sub/two.md", ARTICLE.as_bytes()),
            ("data.tsv", b"x\ty\n"),
        ],
    );
    let corpus = citecheck::Corpus::load(dir.path()).unwrap();
    let ids: Vec<&str> = corpus.articles.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["one", "sub/two"]);
    let articles = citecheck::read_corpus(&corpus, |_| {}).unwrap();
    assert_eq!(articles[1].markers.len(), 1);
}

#[test]
fn glob_manifest_reads_matching_files_in_order() {
    let dir = corpus(
        "[[article]]\nfiles = \"articles/*.txt\"\n",
        &[
            ("articles/b.txt", ARTICLE.as_bytes()),
            ("articles/a.txt", ARTICLE.as_bytes()),
        ],
    );
    let corpus = citecheck::Corpus::load(dir.path()).unwrap();
    let ids: Vec<&str> = corpus.articles.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["a", "b"]);
}

#[test]
fn explicit_link_overrides_automatic_linking() {
    let m = format!(
        "{GOOD}\n[[source]]\nid = \"book\"\ntitle = \"A book\"\ndate = \"2001\"\n\n\
         [[source]]\nid = \"other\"\ntitle = \"Something else\"\n\n\
         [[link]]\narticle = \"a\"\nreference = 1\nsource = \"other\"\n"
    );
    let dir = corpus(&m, &[("a.txt", ARTICLE.as_bytes())]);
    let corpus = citecheck::Corpus::load(dir.path()).unwrap();
    let a = citecheck::read_corpus(&corpus, |_| {}).unwrap().remove(0);
    let link = a.references[0].link.as_ref().unwrap();
    assert_eq!(
        (link.source.as_str(), link.score, link.explicit),
        ("other", 1.0, true)
    );
}

#[test]
fn glob_with_wildcard_directories() {
    let dir = corpus(
        "[[article]]\nfiles = \"articles/*/*.txt\"\n",
        &[
            ("articles/x/b.txt", ARTICLE.as_bytes()),
            ("articles/y/a.txt", ARTICLE.as_bytes()),
            ("articles/y/skip.md", ARTICLE.as_bytes()),
        ],
    );
    let corpus = citecheck::Corpus::load(dir.path()).unwrap();
    let ids: Vec<&str> = corpus.articles.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["x/b", "y/a"]);
}

/// Articles are read on several threads: with two bad files, both are reported (the
/// others are checked, issue 16), in corpus order, the same way every run.
#[test]
fn bad_articles_are_reported_in_corpus_order() {
    let names: Vec<String> = (0..120).map(|i| format!("articles/a{i:03}.txt")).collect();
    let files: Vec<(&str, &[u8])> = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let bytes: &[u8] = if i == 30 || i == 100 {
                b"Bad \xff byte.\n"
            } else {
                ARTICLE.as_bytes()
            };
            (n.as_str(), bytes)
        })
        .collect();
    let dir = corpus("[[article]]\nfiles = \"articles/*.txt\"\n", &files);
    let mut first: Option<String> = None;
    for _ in 0..3 {
        let run = run(citecheck()
            .arg("--corpus")
            .arg(dir.path())
            .arg("--index")
            .arg(dir.path().join("index"))
            .args(["check", "--format", "json"]));
        assert_eq!(run.json()["summary"]["articles"], 118);
        let stderr = run.stderr;
        assert_eq!(run.code, 2, "{stderr}");
        let at = |name: &str| {
            stderr
                .find(name)
                .unwrap_or_else(|| panic!("{name}: {stderr}"))
        };
        assert!(at("a030.txt:1:5") < at("a100.txt:1:5"), "{stderr}");
        assert!(
            stderr.contains("2 of 120 articles could not be read"),
            "{stderr}"
        );
        assert_eq!(*first.get_or_insert(stderr.clone()), stderr);
    }
}

/// A manifest with the article `a` and the given tables after it.
fn manifest_error(tables: &str) -> String {
    let m = format!("{GOOD}{tables}");
    let dir = corpus(&m, &[("a.txt", ARTICLE.as_bytes())]);
    fails(dir.path())
}

#[test]
fn duplicate_source_id_points_at_the_second_source_not_a_link_naming_it() {
    // Lines: 5 [[link]], 8 its `source = "pact"`, 11 the first id, 15 the duplicate.
    let err = manifest_error(
        "\n[[link]]\narticle = \"a\"\nreference = 1\nsource = \"pact\"\n\n\
         [[source]]\nid = \"pact\"\ntitle = \"One\"\n\n\
         [[source]]\nid = \"pact\"\ntitle = \"Two\"\n",
    );
    assert!(err.contains("corpus.toml:15:6"), "{err}");
    assert!(err.contains("duplicate source id \"pact\""), "{err}");
    assert!(err.contains("first defined on line 11"), "{err}");
}

#[test]
fn link_errors_point_at_the_offending_key() {
    let source = "\n[[source]]\nid = \"pact\"\ntitle = \"One\"\n";
    // Lines 9–12: the [[link]] table after the source.
    for (link, at, what) in [
        (
            "article = \"b\"\nreference = 1\nsource = \"pact\"\n",
            "corpus.toml:10:11",
            "unknown article \"b\"",
        ),
        (
            "article = \"a\"\nreference = 1\nsource = \"pect\"\n",
            "corpus.toml:12:10",
            "unknown source \"pect\"",
        ),
        (
            "article = \"a\"\nreference = 0\nsource = \"pact\"\n",
            "corpus.toml:11:13",
            "footnote number",
        ),
        (
            "article = \"a\"\nreference = \" \"\nsource = \"pact\"\n",
            "corpus.toml:11:13",
            "footnote number",
        ),
    ] {
        let err = manifest_error(&format!("{source}\n[[link]]\n{link}"));
        assert!(err.contains(at), "{link}: {err}");
        assert!(err.contains(what), "{link}: {err}");
    }
    // Two links for one footnote: the second is the error, naming the first's line.
    let twice = "\n[[link]]\narticle = \"a\"\nreference = \"1\"\nsource = \"pact\"\n";
    let err = manifest_error(&format!("{source}{twice}{twice}"));
    assert!(err.contains("corpus.toml:16:13"), "{err}");
    assert!(err.contains("the first is on line 11"), "{err}");
}

#[test]
fn source_value_errors_point_at_the_offending_key() {
    // Line 7 holds the value under test.
    for (line, at, what) in [
        ("date = \"April 1941\"", "corpus.toml:7:8", "not a date"),
        ("date = \"1941-02-30\"", "corpus.toml:7:8", "not a date"),
        (
            "url = \"avalon.law.yale.edu\"",
            "corpus.toml:7:7",
            "not an http",
        ),
        ("file = \"\"", "corpus.toml:7:8", "empty `file`"),
        ("kind = \"tertiary\"", "corpus.toml:7:8", "tertiary"),
        ("format = \"pdf\"", "corpus.toml:7:10", "pdf"),
        ("title = \"\"", "corpus.toml:7:9", "empty title"),
    ] {
        let title = if line.starts_with("title") {
            ""
        } else {
            "title = \"One\"\n"
        };
        let tables = format!("\n[[source]]\nid = \"pact\"\n{line}\n{title}");
        let err = manifest_error(&tables);
        assert!(err.contains(at), "{line}: {err}");
        assert!(err.contains(what), "{line}: {err}");
    }
    // Good dates and URLs load.
    let m = format!(
        "{GOOD}\n[[source]]\nid = \"p\"\ntitle = \"P\"\ndate = \"1940-02-29\"\nurl = \"https://avalon.law.yale.edu/wwii/s1.asp\"\n\n\
         [[source]]\nid = \"q\"\ntitle = \"Q\"\ndate = \"1941-04\"\n\n\
         [[source]]\nid = \"r\"\ntitle = \"R\"\ndate = \"1941\"\n"
    );
    let dir = corpus(&m, &[("a.txt", ARTICLE.as_bytes())]);
    citecheck::Corpus::load(dir.path()).unwrap();
}
