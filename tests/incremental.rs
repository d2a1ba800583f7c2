//! Issue 14 goal 1: an edited, added or removed article is re-indexed alone, and the
//! index then answers exactly as one rebuilt from scratch; a failed update leaves the
//! previous generation searchable; a touched file's new stamp is recorded.

mod common;

use std::fs;
use std::path::Path;

use common::{citecheck_in, copy_dir, run};

/// A corpus in `ws/corpus`: a glob manifest over `articles/*.txt` with the search
/// fixture's three sources, the fixture's article (citing two of them) under two names,
/// and `n` generated articles whose sentences repeat each other (equal scores, so the
/// order of ties is tested too).
fn corpus(ws: &Path, n: usize) {
    let fixture = common::fixture("search-corpus");
    let root = ws.join("corpus");
    copy_dir(&fixture.join("sources"), &root.join("sources"));
    let manifest = fs::read_to_string(fixture.join("corpus.toml")).unwrap();
    let sources = &manifest[manifest.find("[[source]]").unwrap()..];
    fs::write(
        root.join("corpus.toml"),
        format!("[[article]]\nfiles = \"articles/*.txt\"\nformat = \"text\"\n\n{sources}"),
    )
    .unwrap();
    let articles = root.join("articles");
    fs::create_dir_all(&articles).unwrap();
    let light = fs::read_to_string(fixture.join("articles/karrow-point-light.txt")).unwrap();
    fs::write(articles.join("b-light.txt"), &light).unwrap();
    fs::write(articles.join("m-light.txt"), &light).unwrap();
    for a in 0..n {
        let mut body = format!("Harbour record {a}\n\n");
        for s in 0..6 {
            body.push_str(&format!(
                "The beacon on the northern cape was lit at dawn. Record {a}.{s} notes the tide.\n\n"
            ));
        }
        fs::write(articles.join(format!("r{a:02}.txt")), body).unwrap();
    }
}

fn cmd(ws: &Path, index: &str) -> assert_cmd::Command {
    let mut c = citecheck_in(ws);
    c.args(["--corpus", "corpus", "--index", index]);
    c
}

/// `index` into `index`; its message.
fn index(ws: &Path, index: &str) -> String {
    let r = run(cmd(ws, index).arg("index"));
    assert_eq!(r.code, 0, "{}", r.all());
    r.stdout
}

const QUERIES: [&str; 8] = [
    "beacon",
    "harbour",
    "\"northern cape\"",
    "tide OR lamp",
    "charter",
    "kind:source",
    "footnotes:2",
    "gale",
];

/// Every query's answer from `index` without refreshing it: the whole JSON of the hits
/// (scores, order, snippets, footnotes).
fn answers(ws: &Path, index: &str) -> Vec<String> {
    QUERIES
        .iter()
        .map(|q| {
            let r = run(cmd(ws, index)
                .args(["--no-refresh", "search", "-n", "50", q])
                .args(["--format", "json"]));
            assert!(r.code == 0 || r.code == 1, "{q}: {}", r.all());
            format!("{q}: {}", r.json()["hits"])
        })
        .collect()
}

/// The incrementally updated `index` answers as an index rebuilt from scratch, and both
/// are up to date by `index --check`.
fn same_as_rebuilt(ws: &Path) {
    let _ = fs::remove_dir_all(ws.join("rebuilt"));
    let rebuilt = index(ws, "rebuilt");
    assert!(!rebuilt.contains("incremental"), "{rebuilt}");
    for dir in ["index", "rebuilt"] {
        cmd(ws, dir).args(["index", "--check"]).assert().code(0);
    }
    let (updated, rebuilt) = (answers(ws, "index"), answers(ws, "rebuilt"));
    for (u, r) in updated.iter().zip(&rebuilt) {
        assert_eq!(u, r);
    }
}

fn edit(ws: &Path, file: &str, from: &str, to: &str) {
    let path = ws.join("corpus/articles").join(file);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file}: {from}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn edits_additions_and_removals_are_indexed_alone_and_answer_as_a_rebuild() {
    let ws = tempfile::tempdir().unwrap();
    let ws = ws.path();
    corpus(ws, 12);
    let first = index(ws, "index");
    assert!(!first.contains("incremental"), "{first}");

    // An edit: one article re-indexed.
    edit(
        ws,
        "r05.txt",
        "Record 5.2 notes the tide.",
        "A gale tore the lamp away.",
    );
    let out = index(ws, "index");
    assert!(out.contains("incremental: 1 article re-indexed"), "{out}");
    same_as_rebuilt(ws);

    // An article added between two others (its ties rank between theirs), and one at
    // the end.
    let r03 = fs::read_to_string(ws.join("corpus/articles/r03.txt")).unwrap();
    fs::write(ws.join("corpus/articles/r03a.txt"), &r03).unwrap();
    fs::write(ws.join("corpus/articles/z-last.txt"), &r03).unwrap();
    let out = index(ws, "index");
    assert!(out.contains("incremental: 2 articles re-indexed"), "{out}");
    same_as_rebuilt(ws);

    // A removal: nothing to analyse.
    fs::remove_file(ws.join("corpus/articles/r07.txt")).unwrap();
    let out = index(ws, "index");
    assert!(out.contains("incremental: 0 articles re-indexed"), "{out}");
    same_as_rebuilt(ws);

    // A citation dropped: the cited source's passages list one footnote fewer.
    edit(
        ws,
        "m-light.txt",
        "by hand while the tower shook.[2]",
        "by hand.",
    );
    edit(
        ws,
        "m-light.txt",
        "under the restored light.[2]",
        "under the light.",
    );
    let out = index(ws, "index");
    assert!(out.contains("incremental: 1 article re-indexed"), "{out}");
    same_as_rebuilt(ws);

    // A source text changed: rebuilt in full.
    let log = ws.join("corpus/sources/keeper-log-1903.txt");
    let text = fs::read_to_string(&log).unwrap();
    fs::write(
        &log,
        format!("{text}\nA later hand added a note on the gale.\n"),
    )
    .unwrap();
    let out = index(ws, "index");
    assert!(!out.contains("incremental"), "{out}");
    same_as_rebuilt(ws);
}

#[test]
fn a_failed_update_leaves_the_previous_generation_searchable_and_the_next_index_recovers() {
    let ws = tempfile::tempdir().unwrap();
    let ws = ws.path();
    corpus(ws, 8);
    index(ws, "index");
    let before = answers(ws, "index");
    edit(
        ws,
        "r02.txt",
        "Record 2.1 notes the tide.",
        "A gale tore the lamp away.",
    );
    // The update fails after its first document (the deletions are done by then).
    let failed = run(cmd(ws, "index")
        .env("CITECHECK_FAIL_INDEX_AFTER", "1")
        .arg("index"));
    assert_ne!(failed.code, 0, "{}", failed.all());
    assert_eq!(answers(ws, "index"), before);
    cmd(ws, "index").args(["index", "--check"]).assert().code(1);
    let out = index(ws, "index");
    assert!(out.contains("incremental: 1 article re-indexed"), "{out}");
    same_as_rebuilt(ws);
    // Nothing but the current generation is left.
    let entries: Vec<String> = fs::read_dir(ws.join("index"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("gen-") || n.starts_with(".tmp-"))
        .collect();
    assert_eq!(entries.len(), 1, "{entries:?}");
}

/// The mtime `citecheck-files.tsv` of the current generation records for `file`.
fn recorded_mtime(ws: &Path, file: &str) -> String {
    let index = ws.join("index");
    let gen = fs::read_to_string(index.join("CURRENT")).unwrap();
    let tsv = fs::read_to_string(index.join(gen.trim()).join("citecheck-files.tsv")).unwrap();
    let line = tsv
        .lines()
        .find(|l| l.ends_with(&format!("\t{file}")))
        .unwrap_or_else(|| panic!("{file} not recorded: {tsv}"));
    line.split('\t').nth(2).unwrap().to_string()
}

fn set_mtime(path: &Path, secs_ago: u64) {
    let when = std::time::SystemTime::now() - std::time::Duration::from_secs(secs_ago);
    fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(when)
        .unwrap();
}

#[test]
fn a_touched_file_has_its_new_stamp_recorded_by_index_and_by_search() {
    let ws = tempfile::tempdir().unwrap();
    let ws = ws.path();
    corpus(ws, 4);
    index(ws, "index");
    let file = "articles/r01.txt";
    let path = ws.join("corpus").join(file);
    let built = recorded_mtime(ws, file);

    // Touched, same content: `index` has nothing to build but records the new stamp.
    set_mtime(&path, 3600);
    let out = index(ws, "index");
    assert!(out.contains("up to date"), "{out}");
    let by_index = recorded_mtime(ws, file);
    assert_ne!(by_index, built);

    // Touched again: a search (which refreshes) records it too.
    set_mtime(&path, 7200);
    let r = run(cmd(ws, "index").args(["search", "beacon"]));
    assert_eq!(r.code, 0, "{}", r.all());
    let by_search = recorded_mtime(ws, file);
    assert_ne!(by_search, by_index);
    cmd(ws, "index").args(["index", "--check"]).assert().code(0);
    let out = index(ws, "index");
    assert!(out.contains("up to date"), "{out}");
    assert_eq!(recorded_mtime(ws, file), by_search);
}
