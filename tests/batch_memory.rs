//! The streaming batch mode (`check --input jsonl -`) holds one record at a time: its peak
//! memory must not grow with the number of records. The full-size measurement (the 9,069
//! wikipedia-2019 articles and four times that) is `benches/batch_memory.py`; this test
//! guards the property at a size a debug build checks in seconds.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread;
use std::time::Duration;

use common::{repo, run};

const SAMPLE: &str = "corpus/articles/soviet-japanese-neutrality-pact.txt";

/// Article records: the bundled sample under a new id each time, with a sentence of its own
/// (so no two records are the same text), and every 50th record malformed.
fn records(count: usize) -> String {
    let sample = std::fs::read_to_string(repo(SAMPLE)).unwrap();
    let mut out = String::new();
    for n in 0..count {
        if n % 50 == 49 {
            out.push_str(&format!("{{\"id\": \"bad-{n}\", \"text\": {n}}}\n"));
            continue;
        }
        let text = format!("{sample}\nRecord {n} was added on day {n} of the trial.\n");
        let record = serde_json::json!({"id": format!("a{n}"), "title": "Pact", "format": "text", "text": text});
        out.push_str(&record.to_string());
        out.push('\n');
    }
    out
}

/// The kernel's high-water mark of a live process's resident memory, in KiB.
fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// (peak RSS in KiB, article records out, error records out) of one batch run. The peak is
/// read from /proc while the process runs; the high-water mark only rises, so the last
/// reading before it exits is its peak up to within the last few milliseconds.
fn batch_run(index: &Path, input: String) -> (u64, usize, usize) {
    // A std Command, not assert_cmd's: the test reads the child's /proc entry while it runs.
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("citecheck"))
        .current_dir(common::ROOT)
        .args([
            "--color",
            "never",
            "--quiet",
            "--corpus",
            "corpus",
            "--no-refresh",
            "--index",
        ])
        .arg(index)
        .args(["check", "--input", "jsonl", "--format", "jsonl", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = thread::spawn(move || stdin.write_all(input.as_bytes()).unwrap());
    let stdout = child.stdout.take().unwrap();
    let reader = thread::spawn(move || {
        let (mut articles, mut errors) = (0, 0);
        for line in BufReader::new(stdout).lines() {
            let record: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
            articles += usize::from(record["type"] == "article");
            errors += usize::from(record["type"] == "error");
        }
        (articles, errors)
    });
    let mut peak = 0;
    let status = loop {
        if let Some(kib) = peak_rss_kib(child.id()) {
            peak = peak.max(kib);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        thread::sleep(Duration::from_millis(5));
    };
    writer.join().unwrap();
    let (articles, errors) = reader.join().unwrap();
    assert!(
        matches!(status.code(), Some(0 | 1)),
        "batch run failed: {status}"
    );
    (peak, articles, errors)
}

#[test]
fn batch_memory_does_not_grow_with_the_number_of_records() {
    if !Path::new("/proc/self/status").exists() {
        eprintln!("batch_memory: no /proc on this system, memory is not measured; skipped");
        return;
    }
    let index = tempfile::tempdir().unwrap();
    let built = run(common::citecheck_in(Path::new(common::ROOT))
        .args(["--quiet", "--corpus", "corpus", "--index"])
        .arg(index.path())
        .arg("index"));
    assert_eq!(built.code, 0, "{}", built.stderr);

    let (small_peak, small_articles, small_errors) = batch_run(index.path(), records(300));
    let (large_peak, large_articles, large_errors) = batch_run(index.path(), records(1200));
    eprintln!(
        "batch_memory: peak RSS {small_peak} KiB for 300 records, {large_peak} KiB for 1,200"
    );
    // Every record was answered: an article record or an error record, none lost.
    assert_eq!((small_articles, small_errors), (294, 6));
    assert_eq!((large_articles, large_errors), (1176, 24));
    // Four times the records, the same memory: within 1.5x (the bound). A batch
    // mode that kept each record's findings would grow by megabytes here.
    assert!(
        large_peak * 2 <= small_peak * 3,
        "peak RSS {large_peak} KiB for 1,200 records vs {small_peak} KiB for 300"
    );
}
