//! The read stage runs once per command: `check` on a corpus whose index is missing or
//! stale reads every article once, checks it and writes it into the new index from that
//! same read; its findings are those of checking the articles in memory.

mod common;

use std::sync::Mutex;

use citecheck::check::run::{check_corpus, IndexRefresh};
use citecheck::observer::{Note, Stage};
use citecheck::{Checker, Config, Corpus, Event, Observer};

/// Every event, as text, and the progress of each stage.
#[derive(Default)]
struct Recorder {
    notes: Mutex<Vec<String>>,
    progress: Mutex<Vec<(Stage, usize, usize)>>,
}

impl Observer for Recorder {
    fn event(&self, event: &Event<'_>) {
        match event {
            Event::Progress {
                stage, done, total, ..
            } => self.progress.lock().unwrap().push((*stage, *done, *total)),
            // Stages without a count (the sources, the index's commit): progress too.
            Event::Step { .. } => {}
            Event::Note(n) => self.notes.lock().unwrap().push(match n {
                Note::IndexMissing { .. } => "missing".to_string(),
                Note::IndexStale { .. } => "stale".to_string(),
                Note::Indexed(s) => format!("indexed {} articles", s.articles),
                other => other.to_string(),
            }),
            other => self.notes.lock().unwrap().push(other.to_string()),
        }
    }
}

fn run(corpus: &Corpus, dir: &std::path::Path, rec: &Recorder) -> Vec<String> {
    let mut found = Vec::new();
    check_corpus(
        corpus,
        Config::from_corpus(corpus),
        None,
        IndexRefresh::IfStale(dir),
        rec,
        &mut |f: citecheck::Finding| {
            found.push(format!(
                "{}:{}:{} {}",
                f.file,
                f.line,
                f.rule.name(),
                f.message
            ))
        },
    )
    .unwrap();
    found
}

#[test]
fn check_with_a_missing_or_stale_index_reads_each_article_once() {
    let ws = common::copy_corpus(common::fixture("verify"));
    let corpus = Corpus::load(ws.path()).unwrap();
    let n = corpus.articles.len();
    let index = ws.path().join("index");

    // No index yet: one pass of the read stage, which also builds the index.
    let rec = Recorder::default();
    let first = run(&corpus, &index, &rec);
    let progress = rec.progress.lock().unwrap().clone();
    assert!(
        progress
            .iter()
            .all(|(s, _, t)| *s == Stage::Checking && *t == n),
        "only the check's own read reports progress: {progress:?}"
    );
    assert_eq!(progress.last().map(|p| p.1), Some(n), "{progress:?}");
    assert_eq!(
        *rec.notes.lock().unwrap(),
        ["missing".to_string(), format!("indexed {n} articles")]
    );
    assert_eq!(
        citecheck::index::build::freshness(&corpus, &index).unwrap(),
        citecheck::index::Freshness::Fresh
    );

    // Fresh: nothing is rebuilt; the findings are the same.
    let rec = Recorder::default();
    assert_eq!(run(&corpus, &index, &rec), first);
    assert!(rec.notes.lock().unwrap().is_empty());

    // The same findings as checking the articles in memory.
    let articles = citecheck::read_corpus(&corpus, |_| {}).unwrap();
    let sources = citecheck::sources::load_all(&corpus).unwrap();
    let report = Checker::new(&corpus, Config::from_corpus(&corpus), &sources, None)
        .check(&articles)
        .unwrap();
    let in_memory: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.rule.name() != "weak-support")
        .map(|f| format!("{}:{}:{} {}", f.file, f.line, f.rule.name(), f.message))
        .collect();
    let streamed: Vec<String> = first
        .iter()
        .filter(|f| !f.contains(":weak-support "))
        .cloned()
        .collect();
    assert_eq!(streamed, in_memory);
    assert!(!first.is_empty());
}
