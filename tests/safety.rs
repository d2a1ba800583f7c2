//! Issue 16: citecheck never loses the user's files, never mixes corpora, works on a
//! read-only index, checks every readable article when some are not, refuses hostile
//! manifests, notices a damaged index, and survives being killed mid-build.

mod common;

use std::fs;
use std::io::Write;
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
    assert_eq!(
        fs::read_to_string(index.join("gen-docs.sh")).unwrap(),
        "echo x\n"
    );
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

// ---------------------------------------------------------- 3: whose index

#[test]
fn an_index_knows_its_corpus_and_says_so_when_given_another() {
    let ws = workspace();
    copy_dir(&common::fixture("search-corpus"), &ws.path().join("other"));
    citecheck_in(ws.path()).arg("index").assert().success();
    // The same corpus reached from elsewhere, by absolute paths: the same index, fresh.
    let elsewhere = tempfile::tempdir().unwrap();
    let abs = |rel: &str| ws.path().join(rel).to_string_lossy().into_owned();
    citecheck_in(elsewhere.path())
        .args([
            "--corpus",
            &abs("corpus"),
            "--index",
            &abs("index"),
            "index",
            "--check",
        ])
        .assert()
        .code(0);
    assert!(!elsewhere.path().join("index").exists(), "nothing littered");
    // Another corpus: --no-refresh refuses to answer from this corpus's index …
    let r = run(citecheck_in(ws.path()).args([
        "--corpus",
        "other",
        "--no-refresh",
        "search",
        "lighthouse",
    ]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("built from another corpus"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("corpus.toml"), "{}", r.stderr);
    // … `index --check` calls it stale and says whose it is, and a refresh rebuilds it.
    let r = run(citecheck_in(ws.path()).args(["--corpus", "other", "index", "--check"]));
    assert_eq!(r.code, 1);
    let r = run(citecheck_in(ws.path()).args(["--corpus", "other", "search", "lighthouse"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("the index was built from the corpus"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("was added"), "{}", r.stderr);
}

// ------------------------------------------------------- 2: read-only index

/// Run `args` in `dir` unable to write anywhere in it: as `nobody` when the tests run
/// as root (root ignores permissions), else after removing write permission. `None`
/// (with a notice) when neither is possible.
fn run_read_only(dir: &Path, args: &[&str]) -> Option<common::Run> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let probe = dir.join(".probe");
    fs::write(&probe, "").unwrap();
    let root = fs::metadata(&probe).unwrap().uid() == 0;
    fs::remove_file(&probe).unwrap();
    let set_mode = |write: bool| {
        for entry in walk(dir) {
            let md = fs::metadata(&entry).unwrap();
            let mode = md.permissions().mode();
            let mode = if write {
                mode | 0o200
            } else {
                (mode & !0o222) | 0o444
            };
            let mode = if md.is_dir() { mode | 0o555 } else { mode };
            fs::set_permissions(&entry, fs::Permissions::from_mode(mode)).unwrap();
        }
    };
    set_mode(false);
    let bin = assert_cmd::cargo::cargo_bin("citecheck");
    let mut cmd = if root {
        if !Path::new("/usr/bin/setpriv").exists() {
            set_mode(true);
            eprintln!("skipping a read-only run: root and no setpriv");
            return None;
        }
        let mut c = assert_cmd::Command::new("/usr/bin/setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(bin);
        c
    } else {
        assert_cmd::Command::new(bin)
    };
    cmd.current_dir(dir).args(["--color", "never"]).args(args);
    let r = run(&mut cmd);
    set_mode(true);
    Some(r)
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![dir.to_path_buf()];
    for e in fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if e.file_type().unwrap().is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn a_read_only_index_is_searchable_and_check_needs_no_writes() {
    let ws = workspace();
    citecheck_in(ws.path()).arg("index").assert().success();
    let before = names(&ws.path().join("index"));
    for args in [
        &["search", "Molotov"][..],
        &["--no-refresh", "search", "Molotov"],
    ] {
        let Some(r) = run_read_only(ws.path(), args) else {
            return;
        };
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        assert!(r.stdout.contains("Molotov"), "{}", r.stdout);
    }
    assert_eq!(names(&ws.path().join("index")), before);
    // A read-only checkout without an index: check works, warning that it cannot index.
    fs::remove_dir_all(ws.path().join("index")).unwrap();
    let Some(r) = run_read_only(ws.path(), &["check", "--format", "json"]) else {
        return;
    };
    assert_ne!(r.code, 2, "{}", r.stderr);
    assert!(r.json()["findings"]
        .as_array()
        .is_some_and(|f| !f.is_empty()));
}

// ---------------------------------------------------- 4: one bad file of many

#[test]
fn unreadable_articles_are_reported_and_the_others_checked() {
    let good = "Title\n\nThe pact was signed in Moscow on 13 April 1941.[1]\n\nReferences\n\n1. Someone, A Book (1990).\n";
    let corpus = common::write_corpus(
        None,
        &[
            ("a-good.txt", good.as_bytes()),
            ("b-empty.txt", b""),
            (
                "c-latin1.txt",
                b"Caf\xe9 au lait \xe0 Paris, sign\xe9 en 1941.\n",
            ),
            ("d-binary.txt", b"\x00\x01\x02\xff\xfe PK\x03\x04"),
            ("e-good.txt", good.as_bytes()),
        ],
    );
    let r = common::check(corpus.path(), &["--format", "json"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    for bad in ["b-empty.txt", "c-latin1.txt", "d-binary.txt"] {
        assert!(r.stderr.contains(bad), "{bad} not reported: {}", r.stderr);
    }
    let report = r.json();
    assert_eq!(report["summary"]["unreadable"], 3, "{}", report["summary"]);
    assert_eq!(report["summary"]["articles"], 2, "{}", report["summary"]);
    let files = common::strs(&common::findings(&report), "file");
    assert!(files.iter().any(|f| f.ends_with("a-good.txt")), "{files:?}");
    assert!(files.iter().any(|f| f.ends_with("e-good.txt")), "{files:?}");
    // A manifest error still stops at once.
    fs::write(corpus.path().join("corpus.toml"), "[[article]\n").unwrap();
    let r = common::check(corpus.path(), &[]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("corpus.toml"), "{}", r.stderr);
}

// ------------------------------------------------------- 6: hostile manifests

const ARTICLE: &str = "Title\n\nThe pact was signed in Moscow on 13 April 1941.[1]\n\nReferences\n\n1. Someone, A Book (1990).\n";

/// A corpus `corpus/` inside a workspace that also holds `secret.txt` beside it.
fn hostile(manifest: &str) -> TempDir {
    let ws = tempfile::tempdir().unwrap();
    fs::write(ws.path().join("secret.txt"), "TOP-SECRET-LINE root:x:0:0\n").unwrap();
    let corpus = ws.path().join("corpus");
    fs::create_dir_all(corpus.join("articles")).unwrap();
    fs::write(corpus.join("articles/a.txt"), ARTICLE).unwrap();
    fs::write(corpus.join("corpus.toml"), manifest).unwrap();
    ws
}

fn check_in(ws: &Path, extra: &[&str]) -> common::Run {
    run(citecheck_in(ws)
        .args(["--corpus", "corpus", "--index", "index"])
        .args(extra)
        .args(["check", "--format", "json"]))
}

fn assert_refused(r: &common::Run, why: &str) {
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains(why), "{why:?} not in {}", r.stderr);
    assert!(
        r.stderr.contains("corpus.toml:"),
        "names the manifest line: {}",
        r.stderr
    );
    assert!(!r.stdout.contains("TOP-SECRET") && !r.stderr.contains("TOP-SECRET"));
}

#[test]
fn manifest_paths_outside_the_corpus_are_refused_unless_allowed() {
    for file in ["/etc/passwd", "../secret.txt", "articles/../../secret.txt"] {
        let ws = hostile(&format!("[[article]]\nid = \"x\"\nfile = \"{file}\"\n"));
        assert_refused(&check_in(ws.path(), &[]), "outside the corpus directory");
    }
    let ws = hostile(
        "[[article]]\nfile = \"articles/a.txt\"\n\n[[source]]\nid = \"s\"\ntitle = \"S\"\nfile = \"../secret.txt\"\n",
    );
    assert_refused(&check_in(ws.path(), &[]), "outside the corpus directory");
    // The command line may allow it.
    let ws = hostile("[[article]]\nid = \"x\"\nfile = \"../secret.txt\"\n");
    let r = check_in(ws.path(), &["--allow-outside-corpus"]);
    assert!(!r.stderr.contains("outside the corpus"), "{}", r.stderr);
}

#[test]
fn globs_and_symlinks_leaving_the_corpus_are_refused() {
    for glob in ["/**/*", "../**", "articles/../../*.txt"] {
        let ws = hostile(&format!("[[article]]\nfiles = \"{glob}\"\n"));
        assert_refused(
            &check_in(ws.path(), &[]),
            "reaches outside the corpus directory",
        );
    }
    let ws = hostile("[[article]]\nfiles = \"articles/*.txt\"\n");
    std::os::unix::fs::symlink(
        ws.path().join("secret.txt"),
        ws.path().join("corpus/articles/b.txt"),
    )
    .unwrap();
    assert_refused(&check_in(ws.path(), &[]), "outside the corpus directory");
    // A symlinked directory pointing out of the corpus.
    let ws = hostile("[[article]]\nfiles = \"linked/*.txt\"\n");
    std::os::unix::fs::symlink(ws.path(), ws.path().join("corpus/linked")).unwrap();
    assert_refused(&check_in(ws.path(), &[]), "outside the corpus directory");
}

#[test]
fn fifos_devices_and_oversized_files_are_refused() {
    let ws = hostile("[[article]]\nid = \"x\"\nfile = \"articles/pipe.txt\"\n");
    let fifo = ws.path().join("corpus/articles/pipe.txt");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|s| s.success()) {
        assert_refused(&check_in(ws.path(), &[]), "not a regular file");
    }
    let ws = hostile(
        "[[article]]\nfile = \"articles/a.txt\"\n\n[[source]]\nid = \"z\"\ntitle = \"Z\"\nfile = \"/dev/zero\"\n",
    );
    let r = check_in(ws.path(), &["--allow-outside-corpus"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("not a regular file"), "{}", r.stderr);
    let ws = hostile("[[article]]\nfile = \"articles/a.txt\"\n");
    let r = check_in(ws.path(), &["--max-file-size", "10"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--max-file-size"), "{}", r.stderr);
}

#[test]
fn a_symlink_loop_in_a_directory_without_manifest_ends() {
    let corpus = common::write_corpus(None, &[("a.txt", ARTICLE.as_bytes())]);
    std::os::unix::fs::symlink(".", corpus.path().join("loop")).unwrap();
    std::os::unix::fs::symlink("self", corpus.path().join("self")).unwrap();
    let r = common::check(corpus.path(), &["--format", "json"]);
    assert!(r.stdout.contains("a.txt"), "{} {}", r.stdout, r.stderr);
}

// ------------------------------------------------------------ 8: damaged index

#[test]
fn a_damaged_segment_is_seen_by_index_check_and_rebuilt_by_index() {
    let ws = workspace();
    citecheck_in(ws.path()).arg("index").assert().success();
    let index = ws.path().join("index");
    let current = fs::read_to_string(index.join("CURRENT")).unwrap();
    let gen = index.join(current.trim());
    // Flip a byte in the middle of the largest segment file.
    let mut files: Vec<_> = walk(&gen)
        .into_iter()
        .filter(|p| p.is_file() && !p.file_name().unwrap().to_string_lossy().ends_with(".json"))
        .collect();
    files.sort_by_key(|p| fs::metadata(p).unwrap().len());
    let victim = files.last().unwrap().clone();
    let mut bytes = fs::read(&victim).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0xff;
    fs::write(&victim, bytes).unwrap();
    let r = run(citecheck_in(ws.path()).args(["index", "--check"]));
    assert_eq!(r.code, 1, "{} {}", r.stdout, r.stderr);
    assert!(r.stdout.contains("damaged"), "{}", r.stdout);
    citecheck_in(ws.path()).arg("index").assert().success();
    citecheck_in(ws.path())
        .args(["index", "--check"])
        .assert()
        .code(0);
    citecheck_in(ws.path())
        .args(["search", "Molotov"])
        .assert()
        .code(0);
    assert!(!gen.exists(), "the damaged generation is removed");
}

/// A copy of `from` at `to` with every file's modification time kept, as a backup or a
/// CI cache restores an index (a plain copy would look rewritten to the seal).
fn copy_keeping_mtimes(from: &Path, to: &Path) {
    copy_dir(from, to);
    for path in walk(to).into_iter().filter(|p| p.is_file()) {
        let original = from.join(path.strip_prefix(to).unwrap());
        let mtime = fs::metadata(&original).unwrap().modified().unwrap();
        let file = fs::File::options().write(true).open(&path).unwrap();
        file.set_modified(mtime).unwrap();
    }
}

/// How a file is damaged: a byte flipped, bytes zeroed, truncated, deleted; `rot` keeps
/// its modification time, as bit rot would (the file then looks untouched until read).
#[derive(Debug, Clone, Copy)]
enum Damage {
    Flip(Place),
    Zero16(Place),
    Truncate(Place),
    Delete,
}

#[derive(Debug, Clone, Copy)]
enum Place {
    Start,
    Middle,
    End,
}

impl Place {
    fn offset(self, len: usize) -> usize {
        match self {
            Place::Start => 0,
            Place::Middle => len / 2,
            Place::End => len.saturating_sub(1),
        }
    }
}

fn damage(path: &Path, how: Damage, rot: bool) {
    let before = fs::metadata(path).unwrap().modified().unwrap();
    let mut bytes = fs::read(path).unwrap();
    let len = bytes.len();
    match how {
        Damage::Delete => return fs::remove_file(path).unwrap(),
        Damage::Flip(at) => bytes[at.offset(len)] ^= 0xff,
        Damage::Zero16(at) => {
            let start = at.offset(len).min(len.saturating_sub(16));
            let end = (start + 16).min(len);
            bytes[start..end].fill(0);
        }
        Damage::Truncate(Place::Start) => bytes.clear(),
        Damage::Truncate(at) => bytes.truncate(at.offset(len)),
    }
    fs::write(path, bytes).unwrap();
    if rot {
        let file = fs::File::options().write(true).open(path).unwrap();
        file.set_modified(before).unwrap();
    }
}

/// What a search of the damaged index gave, as a user judges it.
#[derive(Debug, PartialEq, Eq)]
enum Answer {
    Right,
    ClearError,
    Wrong,
}

fn search_hits(ws: &Path, no_refresh: bool, query: &str) -> common::Run {
    let mut cmd = citecheck_in(ws);
    if no_refresh {
        cmd.arg("--no-refresh");
    }
    // `run` fails the test on a panic.
    run(cmd.args(["search", query, "--format", "json"]))
}

fn hits_of(r: &common::Run) -> (i32, Vec<String>) {
    let hits = if r.code == 2 {
        Vec::new()
    } else {
        r.json()["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| format!("{} {} {} {}", h["kind"], h["doc"], h["line"], h["snippet"]))
            .collect()
    };
    (r.code, hits)
}

fn judge(r: &common::Run, reference: &(i32, Vec<String>)) -> Answer {
    if r.code == 2 {
        // One message, no engine debug output (`Os { code: …`, `Custom { kind: …`).
        let raw = [
            "Os {",
            "Custom {",
            "IoError(",
            "Error(\"",
            "FileDoesNotExist(",
        ];
        assert!(
            !raw.iter().any(|d| r.stderr.contains(d)),
            "a raw debug string: {}",
            r.stderr
        );
        assert!(r.stderr.contains("citecheck index"), "{}", r.stderr);
        return Answer::ClearError;
    }
    if &hits_of(r) == reference {
        Answer::Right
    } else {
        Answer::Wrong
    }
}

/// Issue 16 §8: every file of an index (the marker, `CURRENT`, the build record, the
/// file list, tantivy's `meta.json`, `.managed.json` and every segment file) damaged in
/// each way. After each: `index --check` never calls a damaged index fresh, a search
/// answers right or fails with one clear message (no panic, no debug string), a
/// refreshing search answers right (it rebuilds), and the next `index` rebuilds and
/// leaves one generation. Damage that keeps the file's mtime (bit rot inside a segment
/// file) is found by `index --check`, which reads every checksum; a search, which must
/// stay fast, may answer from it until then. scripts/damage-index.py runs the long
/// version (more offsets, random ones).
#[test]
fn every_damaged_index_file_is_noticed_and_rebuilt() {
    let ws = tempfile::tempdir().unwrap();
    copy_dir(&common::fixture("search-corpus"), &ws.path().join("corpus"));
    // Articles by a glob, so that the index also records a directory listing.
    let manifest = ws.path().join("corpus/corpus.toml");
    let text = fs::read_to_string(&manifest).unwrap().replacen(
        "id = \"karrow-point-light\"\nfile = \"articles/karrow-point-light.txt\"\ntitle = \"Karrow Point Light\"",
        "files = \"articles/*.txt\"",
        1,
    );
    fs::write(&manifest, text).unwrap();
    let ws = ws.path();
    let index = ws.join("index");
    citecheck_in(ws).arg("index").assert().success();
    let pristine = ws.join("pristine");
    copy_keeping_mtimes(&index, &pristine);
    let queries = ["keeper", "harbour board"];
    let reference: Vec<(i32, Vec<String>)> = queries
        .iter()
        .map(|q| hits_of(&search_hits(ws, true, q)))
        .collect();
    assert!(reference
        .iter()
        .all(|(code, hits)| *code == 0 && !hits.is_empty()));
    let mut victims: Vec<_> = walk(&pristine)
        .into_iter()
        .filter(|p| p.is_file() && fs::metadata(p).unwrap().len() > 0)
        .map(|p| p.strip_prefix(&pristine).unwrap().to_path_buf())
        .collect();
    victims.sort();
    assert!(victims.len() > 10, "{victims:?}");
    let damages = [
        (Damage::Flip(Place::Middle), false),
        (Damage::Flip(Place::Middle), true),
        (Damage::Flip(Place::End), false),
        (Damage::Zero16(Place::Start), true),
        (Damage::Truncate(Place::Middle), false),
        (Damage::Truncate(Place::Start), false),
        (Damage::Delete, false),
    ];
    let (mut cases, mut errors, mut rotten_answers) = (0, 0, 0);
    for victim in &victims {
        for &(how, rot) in &damages {
            let case = format!(
                "{} {how:?}{}",
                victim.display(),
                if rot { " (mtime kept)" } else { "" }
            );
            fs::remove_dir_all(&index).unwrap();
            copy_keeping_mtimes(&pristine, &index);
            damage(&index.join(victim), how, rot);
            cases += 1;
            let check = run(citecheck_in(ws).args(["index", "--check"]));
            assert!(
                check.code == 0 || check.code == 1,
                "{case}: {}",
                check.stderr
            );
            let answers: Vec<Answer> = queries
                .iter()
                .zip(&reference)
                .map(|(q, reference)| judge(&search_hits(ws, true, q), reference))
                .collect();
            errors += answers.contains(&Answer::ClearError) as usize;
            if answers.iter().any(|a| *a != Answer::Right) {
                assert_eq!(
                    check.code, 1,
                    "{case}: index --check said fresh: {answers:?}"
                );
            }
            if answers.contains(&Answer::Wrong) {
                // Only damage that left the file looking untouched gets past a search.
                assert!(rot, "{case}: a search answered wrongly");
                rotten_answers += 1;
            }
            // A refreshing search rebuilds whatever the seal shows damaged.
            if !rot {
                for (q, reference) in queries.iter().zip(&reference) {
                    let r = search_hits(ws, false, q);
                    assert_eq!(
                        judge(&r, reference),
                        Answer::Right,
                        "{case}: {q}: {}",
                        r.stderr
                    );
                }
            }
            let rebuilt = run(citecheck_in(ws).arg("index"));
            assert_eq!(rebuilt.code, 0, "{case}: {}", rebuilt.stderr);
            let after = run(citecheck_in(ws).args(["index", "--check"]));
            assert_eq!(after.code, 0, "{case}: {}", after.stdout);
            for (q, reference) in queries.iter().zip(&reference) {
                assert_eq!(
                    judge(&search_hits(ws, true, q), reference),
                    Answer::Right,
                    "{case}: {q}"
                );
            }
            let left: Vec<String> = names(&index)
                .into_iter()
                .filter(|n| n.starts_with("gen-") || n.starts_with(".tmp-"))
                .collect();
            assert_eq!(left.len(), 1, "{case}: {left:?}");
        }
    }
    let _ = writeln!(
        std::io::stderr(),
        "{cases} damaged indexes: {errors} with a clear search error, {rotten_answers} \
         answered from unnoticed bit rot (index --check found each), 0 lies, 0 panics, \
         all rebuilt"
    );
}
