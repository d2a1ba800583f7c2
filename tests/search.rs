//! `citecheck index` and `citecheck search`, end to end: the bundled sample corpus
//! (`corpus/`) and a small corpus with two source texts (`tests/fixtures/search-corpus/`).
//! Every test works on a copy in a temporary directory, with the index beside it.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Stdio};

use assert_cmd::Command;
use common::{citecheck_in, copy_dir};
use serde_json::Value;
use tempfile::TempDir;

/// A temporary workspace holding a copy of a corpus as `corpus/`; the index goes to
/// `index/` beside it.
struct Workspace {
    dir: TempDir,
}

impl Workspace {
    fn bundled() -> Self {
        Self::of(&common::repo("corpus"))
    }

    fn fixture() -> Self {
        Self::of(&common::fixture("search-corpus"))
    }

    fn of(corpus: &Path) -> Self {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(corpus, &dir.path().join("corpus"));
        Workspace { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn index_dir(&self) -> PathBuf {
        self.path().join("index")
    }

    fn cmd(&self) -> Command {
        citecheck_in(self.path())
    }

    fn index(&self) {
        self.cmd().arg("index").assert().success();
    }

    /// `search --format json` → (exit code, parsed JSON).
    fn search_json(&self, args: &[&str]) -> (i32, Value) {
        let out = self
            .cmd()
            .args(["search", "--format", "json"])
            .args(args)
            .output()
            .unwrap();
        let code = out.status.code().unwrap();
        (code, common::json(&stdout(&out), &stderr(&out)))
    }

    fn article_path(&self) -> PathBuf {
        self.path()
            .join("corpus/articles/soviet-japanese-neutrality-pact.txt")
    }

    fn append_to_article(&self, text: &str) {
        let path = self.article_path();
        let mut body = std::fs::read_to_string(&path).unwrap();
        body = body.replacen(
            "On August 9, 1945, just after midnight,",
            &format!("{text} On August 9, 1945, just after midnight,"),
            1,
        );
        std::fs::write(&path, body).unwrap();
    }

    fn entries(&self, prefix: &str) -> Vec<String> {
        std::fs::read_dir(self.index_dir())
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(prefix))
            .collect()
    }
}

fn hits(json: &Value) -> &Vec<Value> {
    json["hits"].as_array().expect("hits is an array")
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

// --- the bundled sample -------------------------------------------------------------

#[test]
fn stemming_finds_the_denunciation_for_denounce() {
    let ws = Workspace::bundled();
    ws.index();
    let out = ws.cmd().args(["search", "denounce"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    // The best hit is the sentence where the Soviet Union denounced the pact (line 36),
    // matched through the stem, highlighted with plain marks off a terminal.
    let first = text.split("\n\n").next().unwrap();
    assert!(
        first.contains("soviet-japanese-neutrality-pact.txt:36"),
        "{text}"
    );
    assert!(
        first.contains("the Soviet Union «denounced» the pact"),
        "{text}"
    );
    assert!(first.contains("footnotes: [4]"), "{text}");
    assert!(
        !text.contains('\x1b'),
        "no colour codes when not a terminal"
    );
}

#[test]
fn phrase_query_finds_the_quotation_and_respects_word_order() {
    let ws = Workspace::bundled();
    let (code, json) = ws.search_json(&["\"Article Three\""]);
    assert_eq!(code, 0);
    let h = hits(&json);
    assert_eq!(h.len(), 1, "{json:#}");
    assert_eq!(h[0]["line"], 36);
    assert_eq!(h[0]["kind"], "article");
    let snippet = h[0]["snippet"].as_str().unwrap();
    assert!(
        snippet.contains("in accordance with Article Three of the above mentioned pact"),
        "{snippet}"
    );
    // The same two words in the other order are not the phrase.
    let (code, json) = ws.search_json(&["\"Three Article\""]);
    assert_eq!(code, 1);
    assert!(hits(&json).is_empty());
}

#[test]
fn japanese_title_finds_the_lead() {
    let ws = Workspace::bundled();
    ws.index();
    for query in ["中立条約", "日ソ"] {
        let (code, json) = ws.search_json(&[query]);
        assert_eq!(code, 0, "{query}");
        let first = &hits(&json)[0];
        assert_eq!(first["line"], 13, "{query}: {json:#}");
        assert_eq!(
            first["section"],
            Value::Null,
            "{query}: the lead has no section"
        );
        assert!(first["snippet"]
            .as_str()
            .unwrap()
            .contains("日ソ中立条約 Nisso Chūritsu Jōyaku"));
    }
    // Bigrams, not substrings: characters that never stand together do not match.
    let (code, _) = ws.search_json(&["約中"]);
    assert_eq!(code, 1);
}

#[test]
fn misspelling_falls_back_to_the_closest_word_and_says_so() {
    let ws = Workspace::bundled();
    ws.index();
    let out = ws.cmd().args(["search", "Matsuoca"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Yosuke «Matsuoka»"),
        "{}",
        stdout(&out)
    );
    let err = stderr(&out);
    assert!(
        err.contains("no match for \"Matsuoca\"") && err.contains("\"matsuoka\""),
        "{err}"
    );
    let (_, json) = ws.search_json(&["Matsuoca"]);
    assert_eq!(json["corrections"][0]["word"], "Matsuoca");
    assert_eq!(json["corrections"][0]["replacements"][0], "matsuoka");
}

/// The sentences and passages (doc, line) a search lists.
fn hit_places(json: &Value) -> Vec<(String, u64)> {
    json["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["doc"].as_str().unwrap().to_string(),
                h["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn misspelt_words_keep_the_query_structure() {
    let ws = Workspace::bundled();
    ws.index();
    // OR stays OR: each misspelt alternative is replaced, not joined with AND.
    let (_, right) = ws.search_json(&["-n", "50", "Matsuoka OR Molotov"]);
    let (code, misspelt) = ws.search_json(&["-n", "50", "Matsuoca OR Molotof"]);
    assert_eq!(code, 0);
    assert!(hit_places(&right).len() > 1, "{right}");
    assert_eq!(hit_places(&misspelt), hit_places(&right), "{misspelt}");
    let words: Vec<&str> = misspelt["corrections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["word"].as_str().unwrap())
        .collect();
    assert_eq!(words, ["Matsuoca", "Molotof"]);
    // AND stays AND, and an excluded word is not guessed at.
    let (_, both) = ws.search_json(&["-n", "50", "Matsuoka Molotov"]);
    let (_, both_misspelt) = ws.search_json(&["-n", "50", "Matsuoca Molotof"]);
    assert_eq!(hit_places(&both_misspelt), hit_places(&both));
    let (_, without) = ws.search_json(&["-n", "50", "Matsuoka -Molotov"]);
    let (_, without_misspelt) = ws.search_json(&["-n", "50", "Matsuoca -Molotov"]);
    assert_eq!(hit_places(&without_misspelt), hit_places(&without));
}

#[test]
fn a_second_index_run_is_up_to_date_and_does_no_work() {
    let ws = Workspace::bundled();
    let out = ws.cmd().arg("index").output().unwrap();
    assert!(out.status.success());
    assert!(
        stdout(&out).starts_with("indexed 21 sentences"),
        "{}",
        stdout(&out)
    );
    // Not a terminal: no progress bar, nothing on stderr.
    assert_eq!(stderr(&out), "");
    let current = std::fs::read_to_string(ws.index_dir().join("CURRENT")).unwrap();

    let out = ws.cmd().arg("index").output().unwrap();
    assert!(out.status.success());
    assert!(stdout(&out).contains("up to date"), "{}", stdout(&out));
    let again = std::fs::read_to_string(ws.index_dir().join("CURRENT")).unwrap();
    assert_eq!(current, again, "an up-to-date index is not rebuilt");
}

#[test]
fn index_check_follows_the_corpus() {
    let ws = Workspace::bundled();
    // Missing: exit 1, and --check writes nothing.
    ws.cmd().args(["index", "--check"]).assert().code(1);
    assert!(!ws.index_dir().exists());

    ws.index();
    ws.cmd().args(["index", "--check"]).assert().code(0);

    ws.append_to_article("A sentence added after the index was built.");
    let out = ws.cmd().args(["index", "--check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("soviet-japanese-neutrality-pact.txt changed"),
        "{}",
        stdout(&out)
    );

    ws.index();
    ws.cmd().args(["index", "--check"]).assert().code(0);
}

#[test]
fn touching_a_file_without_changing_it_keeps_the_index_fresh() {
    let ws = Workspace::bundled();
    ws.index();
    let body = std::fs::read(ws.article_path()).unwrap();
    std::fs::write(ws.article_path(), body).unwrap();
    ws.cmd().args(["index", "--check"]).assert().code(0);
}

#[test]
fn search_builds_a_missing_index_and_refreshes_a_stale_one() {
    let ws = Workspace::bundled();
    let out = ws.cmd().args(["search", "Molotov"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("building it"), "{}", stderr(&out));

    ws.append_to_article("The archivists catalogued a zyzzyva specimen.");
    let out = ws.cmd().args(["search", "zyzzyva"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("stale"), "{}", stderr(&out));

    // --quiet: results only.
    let out = ws
        .cmd()
        .args(["--quiet", "search", "zyzzyva"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stderr(&out), "");
}

#[test]
fn no_match_exits_1_with_empty_output() {
    let ws = Workspace::bundled();
    ws.index();
    let out = ws.cmd().args(["search", "xylophone"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
    assert!(stderr(&out).contains("no match"), "{}", stderr(&out));
    let (code, json) = ws.search_json(&["xylophone"]);
    assert_eq!(code, 1);
    assert_eq!(json["hits"], Value::Array(vec![]));
}

#[test]
fn malformed_queries_never_panic() {
    let ws = Workspace::bundled();
    ws.index();
    let queries = [
        "\"unclosed phrase",
        "(pact",
        "pact AND (",
        "AND",
        "OR OR",
        "-pact",
        "title:",
        "line:abc",
        "line:[1 TO",
        "pact^",
        "\"\"",
        "::",
        "*",
        "\\",
        "pact~9",
        "日ソ\"中立",
        "footnotes:",
    ];
    for q in queries {
        let out = ws.cmd().args(["search", "--", q]).output().unwrap();
        let code = out.status.code().unwrap();
        let err = stderr(&out);
        assert!(matches!(code, 0..=2), "{q:?}: exit {code}");
        assert!(!err.contains("panicked"), "{q:?}: {err}");
        if code == 2 {
            assert_eq!(
                err.trim().lines().count(),
                1,
                "{q:?}: one-line error: {err}"
            );
            assert!(err.starts_with("citecheck: error:"), "{q:?}: {err}");
        }
    }
    let out = ws
        .cmd()
        .args(["search", "nosuchfield:pact"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unknown field `nosuchfield`"));
}

#[test]
fn json_has_the_documented_keys_in_a_stable_order() {
    let ws = Workspace::bundled();
    let out = ws
        .cmd()
        .args(["search", "--format", "json", "treaty"])
        .output()
        .unwrap();
    let raw = stdout(&out);
    let json: Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(json["version"], 1);
    assert_eq!(json["query"], "treaty");
    let keys = [
        "\"score\"",
        "\"kind\"",
        "\"doc\"",
        "\"title\"",
        "\"section\"",
        "\"line\"",
        "\"snippet\"",
        "\"footnotes\"",
    ];
    let first_hit = &raw[raw.find("\"hits\"").unwrap()..];
    let positions: Vec<usize> = keys.iter().map(|k| first_hit.find(k).unwrap()).collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "key order {positions:?} in {raw}"
    );
    assert!(raw.find("\"version\"").unwrap() < raw.find("\"query\"").unwrap());
}

#[test]
fn same_corpus_same_results_in_the_same_order() {
    let ws = Workspace::bundled();
    let run = |index: &str| {
        let out = ws
            .cmd()
            .args([
                "--index", index, "search", "--format", "json", "-n", "50", "Soviet",
            ])
            .output()
            .unwrap();
        stdout(&out)
    };
    let a = run("index-a");
    let b = run("index-b");
    assert_eq!(a, b);
    let json: Value = serde_json::from_str(&a).unwrap();
    // Equal scores are listed in document order (line order within the article).
    for pair in hits(&json).windows(2) {
        if pair[0]["score"] == pair[1]["score"] {
            assert!(pair[0]["line"].as_u64() <= pair[1]["line"].as_u64());
        }
    }
}

#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    // Enough matching sentences that the output overflows a pipe buffer.
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    let mut body = String::from("Lighthouse notes\n\n");
    for i in 0..3000 {
        body.push_str(&format!(
            "Entry {i} tells of the beacon on the northern cape and of its keeper.\n\n"
        ));
    }
    std::fs::write(corpus.join("notes.txt"), body).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("citecheck");
    let status = StdCommand::new(&bin)
        .current_dir(dir.path())
        .args(["--quiet", "index"])
        .status()
        .unwrap();
    assert!(status.success());
    let mut child = StdCommand::new(&bin)
        .current_dir(dir.path())
        .args(["search", "-n", "3000", "beacon"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Read;
        let mut stdout = child.stdout.take().unwrap();
        let mut first = [0u8; 64];
        stdout.read_exact(&mut first).unwrap();
        // Dropping the read end is what `| head -c 64` does.
    }
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert!(!err.contains("Broken pipe"), "{err}");
}

// --- an interrupted build -----------------------------------------------------------

#[test]
fn a_build_failing_halfway_leaves_the_previous_index_searchable() {
    let ws = Workspace::bundled();
    ws.index();
    let before = std::fs::read_to_string(ws.index_dir().join("CURRENT")).unwrap();
    ws.append_to_article("The archivists catalogued a zyzzyva specimen.");

    // The rebuild fails after 5 of its documents (an injected error inside the build
    // loop, standing in for a crash or a full disk).
    let out = ws
        .cmd()
        .env("CITECHECK_FAIL_INDEX_AFTER", "5")
        .arg("index")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("build stopped after 5 documents"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(ws.index_dir().join("CURRENT")).unwrap(),
        before
    );
    assert!(
        ws.entries(".tmp-").is_empty(),
        "the half-built index is removed"
    );
    ws.cmd().args(["index", "--check"]).assert().code(1);

    // Searches still answer from the previous index (they try to refresh it, fail the
    // same way, and say so).
    let out = ws
        .cmd()
        .env("CITECHECK_FAIL_INDEX_AFTER", "5")
        .args(["search", "Molotov"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("«Molotov»"));
    assert!(
        stderr(&out).contains("using the previous one"),
        "{}",
        stderr(&out)
    );
    ws.cmd()
        .env("CITECHECK_FAIL_INDEX_AFTER", "5")
        .args(["search", "zyzzyva"])
        .assert()
        .code(1);

    // Once the build can finish, the new text is found.
    ws.cmd().args(["search", "zyzzyva"]).assert().code(0);
    ws.cmd().args(["index", "--check"]).assert().code(0);
}

#[test]
fn leftovers_of_a_killed_build_are_cleaned_up() {
    let ws = Workspace::bundled();
    ws.index();
    // What a build killed mid-way leaves: a temporary directory with partial files,
    // listed in the marker before it was made (issue 16: citecheck deletes only what
    // it made and recorded; an unlisted `.tmp-…` of the user's stays).
    let leftover = ws.index_dir().join(".tmp-killed");
    std::fs::create_dir_all(&leftover).unwrap();
    std::fs::write(leftover.join("meta.json"), "{ partial").unwrap();
    let marker = ws.index_dir().join("CITECHECK-INDEX");
    let mut listed = std::fs::read_to_string(&marker).unwrap();
    listed.push_str("made .tmp-killed\n");
    std::fs::write(&marker, listed).unwrap();
    let mine = ws.index_dir().join(".tmp-mine");
    std::fs::write(&mine, "not citecheck's").unwrap();
    ws.cmd().args(["search", "Molotov"]).assert().code(0);

    ws.append_to_article("The archivists catalogued a zyzzyva specimen.");
    ws.index();
    assert_eq!(ws.entries(".tmp-"), vec![".tmp-mine".to_string()]);
    assert_eq!(ws.entries("gen-").len(), 1, "old generations are removed");
    ws.cmd().args(["search", "zyzzyva"]).assert().code(0);
}

#[test]
fn concurrent_index_runs_do_not_corrupt_the_index() {
    let ws = Workspace::bundled();
    let bin = assert_cmd::cargo::cargo_bin("citecheck");
    let spawn = || {
        StdCommand::new(&bin)
            .current_dir(ws.path())
            .args(["--quiet", "index"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let runs: Vec<_> = (0..3).map(|_| spawn()).collect();
    for run in runs {
        let out = run.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    ws.cmd().args(["index", "--check"]).assert().code(0);
    assert_eq!(ws.entries("gen-").len(), 1);
    ws.cmd().args(["search", "Molotov"]).assert().code(0);
}

// --- a corpus with source texts -----------------------------------------------------

#[test]
fn in_sources_returns_only_passages_with_the_footnotes_citing_them() {
    let ws = Workspace::fixture();
    let (code, json) = ws.search_json(&["--in", "sources", "harbour OR lamp OR light"]);
    assert_eq!(code, 0);
    let h = hits(&json);
    assert!(h.len() >= 3, "{json:#}");
    for hit in h {
        assert_eq!(hit["kind"], "source", "{hit:#}");
        let expected = match hit["doc"].as_str().unwrap() {
            "harbour-charter-1887" => "1",
            "keeper-log-1903" => "2",
            other => panic!("unexpected source {other}"),
        };
        assert_eq!(hit["footnotes"], serde_json::json!([expected]), "{hit:#}");
    }
    // Both sources are represented.
    assert!(h.iter().any(|x| x["doc"] == "harbour-charter-1887"));
    assert!(h.iter().any(|x| x["doc"] == "keeper-log-1903"));
}

#[test]
fn treaty_passages_carry_their_article_number_and_line() {
    let ws = Workspace::fixture();
    let (code, json) = ws.search_json(&["--in", "sources", "toll"]);
    assert_eq!(code, 0);
    let h = hits(&json);
    assert_eq!(h.len(), 1);
    assert_eq!(h[0]["doc"], "harbour-charter-1887");
    assert_eq!(h[0]["section"], "Article 3");
    assert_eq!(h[0]["line"], 13);
    assert_eq!(h[0]["title"], "Charter of the Karrow Harbour Board");
    let out = ws
        .cmd()
        .args(["search", "--in", "sources", "toll"])
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(
        text.contains("Charter of the Karrow Harbour Board › Article 3"),
        "{text}"
    );
    assert!(
        text.contains("sources/harbour-charter-1887.txt:13"),
        "{text}"
    );
    assert!(text.contains("levy a «toll» of two pence"), "{text}");
    assert!(text.contains("cited by footnotes: [1]"), "{text}");
}

#[test]
fn source_filter_keeps_that_source_and_the_sentences_citing_it() {
    let ws = Workspace::fixture();
    let (code, json) = ws.search_json(&["--source", "keeper-log-1903", "light OR lamp"]);
    assert_eq!(code, 0);
    let h = hits(&json);
    assert!(!h.is_empty());
    for hit in h {
        match hit["kind"].as_str().unwrap() {
            "source" => assert_eq!(hit["doc"], "keeper-log-1903"),
            // Article sentences are kept only when a footnote citing the source covers them.
            _ => assert_eq!(hit["footnotes"], serde_json::json!(["2"]), "{hit:#}"),
        }
    }
    let (_, json) = ws.search_json(&["--source", "keeper-log-1903", "--in", "sources", "light"]);
    assert!(hits(&json).iter().all(|x| x["doc"] == "keeper-log-1903"));
    // The charter's toll is not in the keeper's log.
    let (code, _) = ws.search_json(&["--source", "keeper-log-1903", "toll"]);
    assert_eq!(code, 1);
    // An unknown source is a usage error, not "no match".
    ws.cmd()
        .args(["search", "--source", "no-such-source", "light"])
        .assert()
        .code(2);
}

#[test]
fn article_filter_and_field_queries() {
    let ws = Workspace::fixture();
    let (_, json) = ws.search_json(&["--in", "article", "harbour"]);
    assert!(hits(&json).iter().all(|x| x["kind"] == "article"));
    let (_, json) = ws.search_json(&["footnotes:2"]);
    let lines: Vec<u64> = hits(&json)
        .iter()
        .filter(|x| x["kind"] == "article")
        .map(|x| x["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [9, 9]);
    let (_, json) = ws.search_json(&["section:\"Article 2\""]);
    assert_eq!(hits(&json)[0]["doc"], "harbour-charter-1887");
}

#[test]
fn rank_sources_puts_the_source_that_says_it_first() {
    use citecheck::index::Index;
    let ws = Workspace::fixture();
    let corpus = citecheck::Corpus::load(&ws.path().join("corpus")).unwrap();
    let index = Index::open_or_build(&corpus, &ws.index_dir(), &citecheck::Silent).unwrap();

    let ranked = index
        .rank_sources(
            "During the great gale the lamp failed twice, and the keeper relit it by hand.",
            3,
        )
        .unwrap();
    assert_eq!(ranked[0].source, "keeper-log-1903");
    assert_eq!(ranked[0].line, 6);
    assert!(ranked.windows(2).all(|w| w[0].score >= w[1].score));

    let ranked = index
        .rank_sources("The board may levy a toll on vessels.", 1)
        .unwrap();
    assert_eq!(ranked.len(), 1);
    assert_eq!(ranked[0].source, "harbour-charter-1887");
    assert_eq!(ranked[0].section.as_deref(), Some("Article 3"));

    assert!(index.rank_sources("", 5).unwrap().is_empty());
    assert!(index.rank_sources("zzzz qqqq", 5).unwrap().is_empty());
}

#[test]
fn the_library_reports_index_builds_to_its_observer_and_prints_nothing() {
    use citecheck::index::Index;
    use citecheck::observer::{Event, Note, Stage};
    let ws = Workspace::fixture();
    let corpus = citecheck::Corpus::load(&ws.path().join("corpus")).unwrap();
    let heard = std::sync::Mutex::new(Vec::new());
    let record = |e: &Event| {
        let what = match e {
            Event::Note(Note::IndexMissing { .. }) => "missing".to_string(),
            Event::Note(Note::IndexStale { .. }) => "stale".to_string(),
            Event::Note(Note::Indexed(stats)) => format!("indexed {}", stats.articles),
            Event::Progress {
                stage: Stage::Indexing,
                done,
                total,
                item: None,
            } => format!("progress {done}/{total}"),
            Event::Progress { .. } | Event::Step { .. } => return,
            other => other.to_string(),
        };
        heard.lock().unwrap().push(what);
    };
    Index::open_or_build(&corpus, &ws.index_dir(), &record).unwrap();
    // One article (the source texts are read up front, once): the last progress event
    // says every article is indexed.
    assert_eq!(
        *heard.lock().unwrap(),
        ["missing", "progress 1/1", "indexed 1"]
    );
    heard.lock().unwrap().clear();
    Index::open_or_build(&corpus, &ws.index_dir(), &record).unwrap();
    assert!(
        heard.lock().unwrap().is_empty(),
        "a fresh index is opened silently"
    );

    // What the binary makes of the same notes, and of an index error: the advice is
    // the binary's, not the library's.
    std::fs::write(ws.index_dir().join("CURRENT"), "../elsewhere\n").unwrap();
    let err = Index::open(&ws.index_dir()).unwrap_err();
    assert_eq!(
        err.index_kind(),
        Some(citecheck::error::IndexErrorKind::Corrupt)
    );
    assert!(!err.to_string().contains("citecheck index"), "{err}");
}

/// A search opening the generation a build is removing must open the new one instead,
/// never a half-removed one (issue 16, concurrency).
#[test]
fn searches_keep_working_while_the_index_is_rebuilt() {
    use citecheck::index::{Index, Scope, SearchRequest};
    // Enough articles that a rebuild takes a while.
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    for a in 0..300 {
        let mut body = format!("Harbour record {a}\n\n");
        for s in 0..20 {
            body.push_str(&format!(
                "Record {a}.{s} notes the beacon on the northern cape and the tide at dawn.\n\n"
            ));
        }
        std::fs::write(corpus.join(format!("record-{a:03}.txt")), body).unwrap();
    }
    let index_dir = dir.path().join("index");
    let bin = assert_cmd::cargo::cargo_bin("citecheck");
    let build = || {
        StdCommand::new(&bin)
            .current_dir(dir.path())
            .args(["--quiet", "index"])
            .spawn()
            .unwrap()
    };
    assert!(build().wait().unwrap().success());
    std::fs::write(
        corpus.join("record-000.txt"),
        "Harbour record 0\n\nRewritten.\n",
    )
    .unwrap();

    let mut child = build();
    let mut searches = 0;
    loop {
        let finished = child.try_wait().unwrap().is_some();
        let index = Index::open(&index_dir)
            .unwrap()
            .expect("an index is always there");
        let results = index
            .search(&SearchRequest {
                query: "beacon",
                limit: 5,
                scope: Scope::All,
                source: None,
            })
            .unwrap();
        assert_eq!(results.hits.len(), 5);
        searches += 1;
        if finished {
            break;
        }
    }
    assert!(child.wait().unwrap().success());
    assert!(searches > 1, "the searches ran during the build");
}

/// An index is written by several threads into several segments, and which segment
/// takes a document varies between builds: equal scores must still come out in corpus
/// order, the same every time.
#[test]
fn equal_scores_rank_in_corpus_order_across_segments() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(corpus.join("articles")).unwrap();
    std::fs::write(
        corpus.join("corpus.toml"),
        "[[article]]\nfiles = \"articles/*.txt\"\n",
    )
    .unwrap();
    let count = 400;
    for i in 0..count {
        std::fs::write(
            corpus.join(format!("articles/a{i:03}.txt")),
            format!("Article {i}\n\nThe harbour treaty was signed in spring.\n\nFiller text number {i} follows here.\n"),
        )
        .unwrap();
    }
    let run = |index: &str, limit: &str| {
        let out = citecheck_in(dir.path())
            .args(["--quiet", "--index", index, "search", "--format", "json"])
            .args(["-n", limit, "harbour treaty"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        hits(&json)
            .iter()
            .map(|h| h["doc"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let expected: Vec<String> = (0..count).map(|i| format!("a{i:03}")).collect();
    assert_eq!(run("index-a", "1000"), expected);
    assert_eq!(run("index-b", "1000"), expected);
    // Fewer hits asked than tie: still the first ones in corpus order.
    assert_eq!(run("index-a", "5"), expected[..5]);
    assert_eq!(run("index-b", "1"), expected[..1]);
}

/// Set the mtime of every file and directory under `dir` an hour back, so that the
/// index trusts them (mtimes within two seconds of a build are re-checked by content,
/// which is what every other test, run right after writing its files, exercises).
fn age(dir: &Path) {
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            age(&path);
        } else {
            set_mtime(&path, old);
        }
    }
    std::fs::File::open(dir).unwrap().set_modified(old).unwrap();
}

fn set_mtime(file: &Path, time: std::time::SystemTime) {
    std::fs::File::options()
        .write(true)
        .open(file)
        .unwrap()
        .set_modified(time)
        .unwrap();
}

/// A glob corpus of three articles whose files and directories are an hour old.
fn old_glob_corpus() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(corpus.join("articles")).unwrap();
    std::fs::write(
        corpus.join("corpus.toml"),
        "[[article]]\nfiles = \"articles/*.txt\"\n",
    )
    .unwrap();
    for (name, text) in [
        ("alpha", "The alpha treaty was signed at the harbour."),
        ("beta", "The beta convention was ratified in winter."),
        ("gamma", "The gamma accord was denounced in spring."),
    ] {
        std::fs::write(
            corpus.join(format!("articles/{name}.txt")),
            format!("{name}\n\n{text}\n"),
        )
        .unwrap();
    }
    age(&corpus);
    dir
}

#[test]
fn an_old_corpus_is_fresh_by_its_stamps_and_stale_after_an_edit() {
    let dir = old_glob_corpus();
    citecheck_in(dir.path()).arg("index").assert().success();
    citecheck_in(dir.path())
        .args(["index", "--check"])
        .assert()
        .code(0);
    // Same size, new content, new mtime: caught.
    let beta = dir.path().join("corpus/articles/beta.txt");
    let text = std::fs::read_to_string(&beta).unwrap();
    std::fs::write(&beta, text.replace("winter", "summer")).unwrap();
    let out = citecheck_in(dir.path())
        .args(["index", "--check"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("articles/beta.txt changed"),
        "{}",
        stdout(&out)
    );
    let out = citecheck_in(dir.path())
        .args(["--quiet", "search", "summer"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn files_added_to_or_removed_from_a_listed_directory_are_seen() {
    let dir = old_glob_corpus();
    let root = dir.path().join("corpus");
    citecheck_in(dir.path()).arg("index").assert().success();
    // The recorded listing is reused while the directory is unchanged, and gives the
    // same corpus as listing the directory again.
    let listings = citecheck::index::recorded_listings(&dir.path().join("index"));
    assert_eq!(listings.len(), 1);
    let ids = |c: &citecheck::Corpus| -> Vec<String> {
        c.articles.iter().map(|a| a.id.clone()).collect()
    };
    let reused = citecheck::Corpus::load_reusing(&root, listings).unwrap();
    let fresh = citecheck::Corpus::load(&root).unwrap();
    assert_eq!(ids(&reused), ["alpha", "beta", "gamma"]);
    assert_eq!(ids(&reused), ids(&fresh));
    assert_eq!(
        reused.listings,
        fresh
            .listings
            .iter()
            .map(|l| citecheck::manifest::Listing {
                listed_at_ns: reused.listings[0].listed_at_ns,
                ..l.clone()
            })
            .collect::<Vec<_>>()
    );

    std::fs::write(
        root.join("articles/delta.txt"),
        "delta\n\nThe delta protocol mentions a zyzzyva.\n",
    )
    .unwrap();
    let out = citecheck_in(dir.path())
        .args(["search", "--format", "json", "zyzzyva"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("articles/delta.txt was added"),
        "{}",
        stderr(&out)
    );

    std::fs::remove_file(root.join("articles/alpha.txt")).unwrap();
    let out = citecheck_in(dir.path())
        .args(["search", "harbour"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("articles/alpha.txt was removed"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn no_refresh_searches_the_index_as_it_is() {
    let ws = Workspace::bundled();
    // A missing index is still built.
    ws.cmd()
        .args(["--no-refresh", "search", "Molotov"])
        .assert()
        .code(0);
    ws.append_to_article("The archivists catalogued a zyzzyva specimen.");
    let out = ws
        .cmd()
        .args(["--no-refresh", "search", "zyzzyva"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "the stale index is searched as it is"
    );
    assert!(!stderr(&out).contains("stale"), "{}", stderr(&out));
    ws.cmd().args(["index", "--check"]).assert().code(1);
    // Without the flag the index is refreshed first.
    ws.cmd().args(["search", "zyzzyva"]).assert().code(0);
}

/// A file written just before the build has an mtime too close to it to be trusted: an
/// edit that keeps its size and mtime is still caught, by its content.
#[test]
fn a_racy_file_is_checked_by_content() {
    let ws = Workspace::bundled();
    ws.index();
    let path = ws.article_path();
    let mtime = std::fs::metadata(&path).unwrap().modified().unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("Molotov"));
    std::fs::write(
        &path,
        text.replacen("Molotov", "Molotoff", 1)
            .replacen("  ", " ", 1),
    )
    .unwrap();
    set_mtime(&path, mtime);
    assert_eq!(std::fs::metadata(&path).unwrap().len() as usize, text.len());
    ws.cmd().args(["index", "--check"]).assert().code(1);
}
