//! Issue 16: the index under stress — two builds at once, searches and checks while a
//! build runs, a disk that fills up during a build. (Killed builds: scripts/kill-loop.py;
//! damaged files: tests/safety.rs and scripts/damage-index.py.)

mod common;

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Child, Command as StdCommand, Stdio};

use common::{citecheck_in, copy_dir, run};

fn bin() -> std::path::PathBuf {
    assert_cmd::cargo::cargo_bin("citecheck")
}

fn spawn_index(ws: &Path) -> Child {
    StdCommand::new(bin())
        .current_dir(ws)
        .args(["--quiet", "--corpus", "corpus", "--index", "index", "index"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn finish(child: Child) {
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
}

fn cmd(ws: &Path) -> assert_cmd::Command {
    let mut c = citecheck_in(ws);
    c.args(["--corpus", "corpus", "--index", "index"]);
    c
}

/// The entries citecheck makes in an index directory: generations and temporaries.
fn generations(index: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(index)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("gen-") || n.starts_with(".tmp-"))
        .collect();
    v.sort();
    v
}

/// What a `--no-refresh` search answers: its exit status and hits (kind, doc, line,
/// snippet), in order.
fn answer(ws: &Path, query: &str) -> (i32, Vec<String>) {
    let r = run(cmd(ws).args([
        "--no-refresh",
        "search",
        query,
        "--limit",
        "10",
        "--format",
        "json",
    ]));
    assert!(r.code == 0 || r.code == 1, "{query}: {}", r.stderr);
    let hits = r.json()["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| format!("{} {} {} {}", h["kind"], h["doc"], h["line"], h["snippet"]))
        .collect();
    (r.code, hits)
}

/// A corpus of `n` generated articles (enough that a build takes a while) in `ws/corpus`.
fn records(ws: &Path, n: usize) {
    let corpus = ws.join("corpus");
    fs::create_dir_all(&corpus).unwrap();
    for a in 0..n {
        let mut body = format!("Harbour record {a}\n\n");
        for s in 0..20 {
            body.push_str(&format!(
                "Record {a}.{s} notes the beacon on the northern cape and the tide at dawn.\n\n"
            ));
        }
        fs::write(corpus.join(format!("record-{a:03}.txt")), body).unwrap();
    }
}

/// The two states of record 0, by the word each puts in it.
const STATES: [&str; 2] = ["zyzzyva", "quokka"];

/// Record 0 in one of two states: the word `state` in it, and one of its beacons gone.
fn set_state(ws: &Path, state: &str) {
    fs::write(
        ws.join("corpus/record-000.txt"),
        format!("Harbour record 0\n\nRewritten in state {state}; the beacon is gone.\n"),
    )
    .unwrap();
}

#[test]
fn two_index_runs_on_one_directory_twenty_rounds() {
    let ws = tempfile::tempdir().unwrap();
    let ws = ws.path();
    copy_dir(&common::fixture("search-corpus"), &ws.join("corpus"));
    let article = ws.join("corpus/articles/karrow-point-light.txt");
    let original = fs::read_to_string(&article).unwrap();
    for round in 0..20 {
        let word = format!("roundword{round}");
        let edited = original.replacen("\n\n", &format!("\n\nThe {word} was logged.\n\n"), 1);
        fs::write(&article, edited).unwrap();
        let (a, b) = (spawn_index(ws), spawn_index(ws));
        finish(a);
        finish(b);
        cmd(ws).args(["index", "--check"]).assert().code(0);
        let (code, hits) = answer(ws, &word);
        assert_eq!((code, hits.len()), (0, 1), "round {round}: {hits:?}");
        if round > 0 {
            // The previous round's word is gone (a search for it may show this round's
            // as a correction).
            let old = format!("roundword{} ", round - 1);
            assert!(!answer(ws, &old).1.iter().any(|h| h.contains(&old)));
        }
        assert_eq!(generations(&ws.join("index")).len(), 1, "round {round}");
    }
}

#[test]
fn a_hundred_searches_during_rebuilds_answer_from_a_whole_generation() {
    let ws = tempfile::tempdir().unwrap();
    let ws = ws.path();
    records(ws, 300);
    // The answers of each state, from an index nothing disturbed.
    let mut reference = Vec::new();
    let ask = || {
        [
            answer(ws, "beacon"),
            answer(ws, STATES[0]),
            answer(ws, STATES[1]),
        ]
    };
    for state in STATES {
        set_state(ws, state);
        finish(spawn_index(ws));
        reference.push(ask());
    }
    assert_ne!(reference[0], reference[1]);
    let (mut searches, mut during, mut builds) = (0, 0, 0);
    let mut state = 0;
    let mut child: Option<Child> = None;
    while searches < 100 {
        if let Some(running) = child.as_mut() {
            if running.try_wait().unwrap().is_some() {
                finish(child.take().unwrap());
            }
        }
        if child.is_none() {
            state = 1 - state;
            set_state(ws, STATES[state]);
            child = Some(spawn_index(ws));
            builds += 1;
        }
        let building = child.as_mut().unwrap().try_wait().unwrap().is_none();
        // Each answer is the old generation's or the new one's, never a mixture or an
        // error. (The three searches are three processes: a swap may come between.)
        for (i, got) in ask().iter().enumerate() {
            assert!(
                reference.iter().any(|r| &r[i] == got),
                "search {searches} (state {state}): {got:?}"
            );
        }
        searches += 1;
        during += building as usize;
    }
    finish(child.unwrap());
    let _ = writeln!(
        std::io::stderr(),
        "{searches} searches, {during} of them while one of {builds} rebuilds ran"
    );
    assert!(during > 0, "no search ran during a rebuild");
}

#[test]
fn check_and_index_check_while_index_runs_tell_the_truth() {
    let ws = tempfile::tempdir().unwrap();
    let ws = ws.path();
    records(ws, 300);
    set_state(ws, STATES[0]);
    finish(spawn_index(ws));
    let reference = run(cmd(ws).args(["check", "--format", "json"]));
    assert_ne!(reference.code, 2, "{}", reference.stderr);
    let findings = |r: &common::Run| r.json()["findings"].clone();
    set_state(ws, STATES[1]);
    let mut child = spawn_index(ws);
    let (mut rounds, mut stale_seen) = (0, 0);
    loop {
        let finished = child.try_wait().unwrap().is_some();
        for _ in 0..5 {
            let fresh = run(cmd(ws).args(["index", "--check"]));
            assert!(fresh.code == 0 || fresh.code == 1, "{}", fresh.stderr);
            // Fresh means the new generation is the one searched.
            let (code, _) = answer(ws, STATES[1]);
            if fresh.code == 0 {
                assert_eq!(code, 0, "index --check said fresh before the swap");
            } else {
                stale_seen += 1;
            }
        }
        let r = run(cmd(ws).args(["check", "--format", "json"]));
        assert_ne!(r.code, 2, "{}", r.stderr);
        // Record 0 changed, so its findings may; every other record's are the same.
        let others = |f: serde_json::Value| -> Vec<serde_json::Value> {
            f.as_array()
                .unwrap()
                .iter()
                .filter(|x| !x["file"].as_str().unwrap_or("").ends_with("record-000.txt"))
                .cloned()
                .collect()
        };
        assert_eq!(others(findings(&r)), others(findings(&reference)));
        rounds += 1;
        if finished {
            break;
        }
    }
    finish(child);
    cmd(ws).args(["index", "--check"]).assert().code(0);
    let _ = writeln!(
        std::io::stderr(),
        "{rounds} rounds of index --check and check during a build ({stale_seen} stale)"
    );
}

/// A disk that fills up during a build: a small tmpfs as the index directory, mounted in
/// a private mount namespace (`unshare -m` as root, `unshare -rm` as a user where user
/// namespaces are allowed) so that nothing outlives the test. Skipped with a notice
/// where neither works.
#[test]
fn a_full_disk_during_a_build_is_a_clear_error_and_the_previous_index_stays() {
    let ws = tempfile::tempdir().unwrap();
    let ws = ws.path();
    fs::create_dir_all(ws.join("corpus/articles")).unwrap();
    fs::create_dir_all(ws.join("index")).unwrap();
    fs::create_dir_all(ws.join("more")).unwrap();
    for i in 0..3 {
        fs::write(
            ws.join(format!("corpus/articles/a{i}.txt")),
            format!("Record {i}\n\nThe beacon {i} stands on the cape.\n"),
        )
        .unwrap();
    }
    // Articles whose index cannot fit in what is left of the tmpfs.
    let words = [
        "harbour", "keeper", "ledger", "tide", "lantern", "signal", "pilot",
    ];
    for i in 0..800 {
        let body: Vec<String> = (0..300)
            .map(|w| {
                format!(
                    "{}{}",
                    words[(i * 7 + w) % words.len()],
                    (i * 31 + w * 17) % 997
                )
            })
            .collect();
        fs::write(
            ws.join(format!("more/b{i:03}.txt")),
            format!("Record b{i}\n\n{}.\n", body.join(" ")),
        )
        .unwrap();
    }
    let script = r#"
        mount -t tmpfs -o size=400k tmpfs index || { echo no-mount; exit 0; }
        c() { "$BIN" --color never --corpus corpus --index index "$@"; }
        c --quiet index; echo "small=$?"
        cp more/* corpus/articles/
        c index 2> full.txt; echo "full=$?"
        c --no-refresh search beacon --format json > search.json 2> search.txt; echo "search=$?"
        c index --check > check.txt; echo "check=$?"
        ls -a index > entries.txt
        rm corpus/articles/b*
        c index --check; echo "again=$?"
    "#;
    let root = runs_as_root(ws);
    let unshare = if root { vec!["-m"] } else { vec!["-r", "-m"] };
    let out = StdCommand::new("unshare")
        .args(&unshare)
        .args(["sh", "-c", script])
        .current_dir(ws)
        .env("BIN", bin())
        .output();
    let stdout = match out {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).into_owned(),
        _ => String::new(),
    };
    if !stdout.contains("small=") {
        let _ = writeln!(
            std::io::stderr(),
            "skipping the full-disk test: cannot mount a tmpfs here (unshare {unshare:?})"
        );
        return;
    }
    let read = |name: &str| fs::read_to_string(ws.join(name)).unwrap_or_default();
    assert!(stdout.contains("small=0"), "{stdout}");
    // The build fails with the OS's own words, naming where it wrote.
    assert!(stdout.contains("full=2"), "{stdout} {}", read("full.txt"));
    let full = read("full.txt");
    assert!(full.contains("No space left on device"), "{full}");
    assert!(!full.contains("killed"), "{full}");
    assert!(full.contains("index/"), "{full}");
    // The previous index is intact and searchable; nothing of the failed build is left.
    assert!(
        stdout.contains("search=0"),
        "{stdout} {}",
        read("search.txt")
    );
    let hits = common::json(&read("search.json"), "")["hits"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(hits, 3);
    assert!(stdout.contains("check=1"), "{stdout}");
    let entries = read("entries.txt");
    assert_eq!(entries.matches("gen-").count(), 1, "{entries}");
    assert!(!entries.contains(".tmp-"), "{entries}");
    // Back to the corpus it was built from, it is fresh again.
    assert!(stdout.contains("again=0"), "{stdout}");
}

/// Whether the tests run as root (files they create are owned by uid 0).
fn runs_as_root(dir: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    fs::metadata(dir).map(|m| m.uid() == 0).unwrap_or(false)
}
