//! Issue 16: citecheck never loses the user's files, never mixes corpora, works on a
//! read-only index, checks every readable article when some are not, refuses hostile
//! manifests, notices a damaged index, and survives being killed mid-build.

mod common;

use std::fs;
use std::path::Path;

use common::{citecheck_in, copy_dir, run};
use tempfile::TempDir;

/// A temporary workspace with a copy of the bundled corpus as `corpus/`.
fn workspace() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&common::repo("corpus"), &dir.path().join("corpus"));
    dir
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn edit_article(ws: &Path, word: &str) {
    let path = ws.join("corpus/articles/soviet-japanese-neutrality-pact.txt");
    let body = fs::read_to_string(&path).unwrap().replacen(
        "On August 9, 1945, just after midnight,",
        &format!("The {word} was noted. On August 9, 1945, just after midnight,"),
        1,
    );
    fs::write(&path, body).unwrap();
}

// ------------------------------------------------------------ 1: user files

#[test]
fn a_non_empty_directory_citecheck_did_not_make_is_refused_and_left_alone() {
    let ws = workspace();
    let project = ws.path().join("project");
    fs::create_dir_all(project.join("gen-2024-notes")).unwrap();
    fs::write(project.join("gen-docs.sh"), "echo x\n").unwrap();
    fs::write(project.join("README"), "mine\n").unwrap();
    let before = names(&project);
    let r = run(citecheck_in(ws.path()).args(["--index", "project", "index"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("not a citecheck index directory"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("project"), "{}", r.stderr);
    assert_eq!(names(&project), before, "nothing written into it");
}

#[test]
fn files_named_like_generations_survive_rebuilds() {
    let ws = workspace();
    let index = ws.path().join("index");
    citecheck_in(ws.path()).arg("index").assert().success();
    assert!(index.join("CITECHECK-INDEX").is_file());
    // The user's files that happen to carry citecheck's prefixes.
    fs::write(index.join("gen-docs.sh"), "echo x\n").unwrap();
    fs::create_dir_all(index.join("gen-2024-notes")).unwrap();
    fs::write(index.join("gen-2024-notes/n.txt"), "n\n").unwrap();
    fs::write(index.join(".tmp-mine"), "t\n").unwrap();
    for word in ["zyzzyva", "quokka", "axolotl"] {
        edit_article(ws.path(), word);
        citecheck_in(ws.path()).arg("index").assert().success();
        citecheck_in(ws.path())
            .args(["search", word])
            .assert()
            .code(0);
    }
    assert_eq!(fs::read_to_string(index.join("gen-docs.sh")).unwrap(), "echo x\n");
    assert!(index.join("gen-2024-notes/n.txt").is_file());
    assert!(index.join(".tmp-mine").is_file());
    // Old generations (made by citecheck) are gone: one current one is left.
    let gens: Vec<String> = names(&index)
        .into_iter()
        .filter(|n| n.starts_with("gen-") && n != "gen-docs.sh" && n != "gen-2024-notes")
        .collect();
    assert_eq!(gens.len(), 1, "{gens:?}");
}

#[test]
fn an_empty_directory_becomes_an_index() {
    let ws = workspace();
    fs::create_dir(ws.path().join("empty")).unwrap();
    citecheck_in(ws.path())
        .args(["--index", "empty", "index"])
        .assert()
        .success();
    assert!(ws.path().join("empty/CITECHECK-INDEX").is_file());
    citecheck_in(ws.path())
        .args(["--index", "empty", "search", "Molotov"])
        .assert()
        .code(0);
}

