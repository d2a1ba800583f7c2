//! `check` throughput on a generated corpus of 10,000 articles (SPEC, Performance).
//!
//! Three figures from one run, interleaved: the read floor (every article read, parsed,
//! split into sentences and linked, streamed as `check` streams them: what every command
//! does), `check` with the index built, and `check` with no index yet (building it from
//! the articles it reads) — each in process as the command runs it, findings rendered as
//! JSON Lines — as articles per second and as ratios to the floor; then the whole
//! `citecheck check` process. Times are printed, never asserted.
//!
//! `cargo bench --bench check` (set CITECHECK_BENCH_ARTICLE_COUNT for another size,
//! CITECHECK_BENCH_ARTICLES=DIR to check a directory of real `*.md` articles instead,
//! e.g. `../shared/corpus/wikipedia-2019/articles`, CITECHECK_BENCH_KEEP=DIR to keep
//! the corpus and its index in DIR).

mod common;

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use citecheck::check::rules::Config;
use citecheck::check::run::{check_corpus, CheckOutput, IndexRefresh};
use citecheck::check::{Finding, SentenceVerification};
use citecheck::index::Index;
use citecheck::pipeline::ReadStage;
use citecheck::report::json;
use citecheck::Corpus;

const RUNS: usize = 3;

/// Words to build sentences from; varied enough that sources rank differently.
const WORDS: &[&str] = &[
    "harbour", "treaty", "council", "river", "bridge", "grain", "market", "tax", "fleet", "guild",
    "charter", "bishop", "mill", "road", "canal", "toll", "census", "harvest", "school", "court",
    "assembly", "delegate", "merchant", "colony", "border", "garrison", "customs", "ferry", "salt",
    "timber",
];
const NAMES: &[&str] = &[
    "Anna Brandt",
    "Piet Kovar",
    "Lise Moreau",
    "Tomas Eklund",
    "Vera Halloran",
    "Ivo Sandberg",
];
const SOURCES: usize = 40;

/// A tiny deterministic generator, so every run benchmarks the same corpus.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

fn sentence(r: &mut Lcg) -> String {
    let mut s = String::new();
    let year = 1800 + r.next(150);
    let _ = write!(
        s,
        "In {year} the {} of {} {} the {} {}",
        WORDS[r.next(WORDS.len())],
        NAMES[r.next(NAMES.len())],
        ["raised", "lowered", "opened", "closed"][r.next(4)],
        WORDS[r.next(WORDS.len())],
        WORDS[r.next(WORDS.len())]
    );
    if r.next(4) == 0 {
        let _ = write!(
            s,
            ", saying \"the {} must stay open to every {}\"",
            WORDS[r.next(30)],
            WORDS[r.next(30)]
        );
    }
    s.push('.');
    s
}

fn generate(dir: &Path, articles: usize) {
    let mut r = Lcg(42);
    std::fs::create_dir_all(dir.join("articles")).unwrap();
    std::fs::create_dir_all(dir.join("sources")).unwrap();
    let mut manifest =
        String::from("[[article]]\nfiles = \"articles/*.txt\"\nformat = \"text\"\n\n");
    for s in 0..SOURCES {
        let mut text = String::new();
        for _ in 0..12 {
            for _ in 0..3 {
                text.push_str(&sentence(&mut r));
                text.push(' ');
            }
            text.push_str("\n\n");
        }
        std::fs::write(dir.join(format!("sources/s{s}.txt")), text).unwrap();
        let _ = write!(
            manifest,
            "[[source]]\nid = \"s{s}\"\ntitle = \"Record of the {} {} number {s}\"\ndate = \"{}\"\nfile = \"sources/s{s}.txt\"\n\n",
            WORDS[s % WORDS.len()],
            WORDS[(s * 7 + 3) % WORDS.len()],
            1800 + s
        );
    }
    std::fs::write(dir.join("corpus.toml"), manifest).unwrap();
    for a in 0..articles {
        let mut text = format!("Generated article {a}\n\n");
        for p in 0..5 {
            if p == 2 {
                text.push_str("History\n\n");
            }
            for k in 0..4 {
                text.push_str(&sentence(&mut r));
                if k == 3 || r.next(3) == 0 {
                    let _ = write!(text, "[{}]", 1 + r.next(4));
                }
                text.push(' ');
            }
            text.push_str("\n\n");
        }
        text.push_str("References\n\n");
        for n in 1..=4 {
            let s = r.next(SOURCES);
            let _ = writeln!(
                text,
                "  {n}. ^ Record of the {} {} number {s}, {}.",
                WORDS[s % WORDS.len()],
                WORDS[(s * 7 + 3) % WORDS.len()],
                1800 + s
            );
        }
        std::fs::write(dir.join(format!("articles/a{a:05}.txt")), text).unwrap();
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Findings rendered as `check --format jsonl` renders them, into nothing: the output's
/// cost is part of check's, its writing is not.
#[derive(Default)]
struct Rendered {
    findings: usize,
    bytes: usize,
}

impl CheckOutput for Rendered {
    fn finding(&mut self, f: Finding) {
        self.findings += 1;
        self.bytes += json::lines::finding(&f).len();
    }

    fn verification(&mut self, record: SentenceVerification) {
        self.bytes += json::lines::verification(&record).len();
    }
}

/// The read floor: every article read, parsed and linked (what any command does),
/// streamed and dropped as `check` streams them.
fn read_floor(corpus: &Corpus) -> usize {
    let mut n = 0;
    ReadStage::new(corpus)
        .for_each_batch(
            |_, a| a.map(|a| a.sentences.len()),
            |batch| {
                n += batch.len();
                Ok(())
            },
            &|_| {},
        )
        .unwrap();
    n
}

/// `check` in process as the command runs it (sources loaded, every rule, the source
/// ranking, findings rendered), refreshing the index in `index` if it is missing or stale.
fn check_once(corpus: &Corpus, index: &Path) -> Rendered {
    let mut out = Rendered::default();
    check_corpus(
        corpus,
        Config::from_corpus(corpus),
        None,
        IndexRefresh::IfStale(index),
        &citecheck::Silent,
        &mut out,
    )
    .unwrap();
    out
}

fn main() {
    let count: usize = std::env::var("CITECHECK_BENCH_ARTICLE_COUNT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let work = tempfile::tempdir().unwrap();
    // CITECHECK_BENCH_KEEP=DIR writes the corpus and index there and keeps them (to
    // profile `citecheck check` on the same data).
    let base = std::env::var_os("CITECHECK_BENCH_KEEP")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| work.path().to_path_buf());
    let index_dir = base.join("index");
    let dir = match std::env::var_os("CITECHECK_BENCH_ARTICLES") {
        Some(articles) => {
            let dir = common::linked_corpus(&base, Path::new(&articles));
            println!(
                "# check benchmark\n\narticles of {}\n",
                Path::new(&articles).display()
            );
            dir
        }
        None => {
            let dir = base.join("corpus");
            generate(&dir, count);
            println!(
                "# check benchmark\n\ngenerated corpus: {count} articles, {SOURCES} source texts\n"
            );
            dir
        }
    };
    // The linked articles resolve outside the corpus directory.
    let limits = citecheck::manifest::Limits {
        allow_outside: true,
        ..Default::default()
    };
    let corpus = Corpus::load_with(&dir, Vec::new(), &limits).unwrap();
    let count = corpus.articles.len();
    let rate = |d: Duration| count as f64 / d.as_secs_f64();

    // One run measures all three, interleaved, so that load on the machine falls on
    // each alike; the medians of RUNS runs are compared.
    let (mut floor, mut indexed, mut unindexed) = (Vec::new(), Vec::new(), Vec::new());
    let mut findings = 0;
    for run in 0..RUNS {
        let t = Instant::now();
        assert_eq!(read_floor(&corpus), count);
        floor.push(t.elapsed());

        // No index yet: check builds it from the articles it reads.
        let fresh = base.join(format!("index-new-{run}"));
        let t = Instant::now();
        check_once(&corpus, &fresh);
        unindexed.push(t.elapsed());
        std::fs::remove_dir_all(&fresh).ok();

        if run == 0 {
            Index::open_or_build(&corpus, &index_dir, &citecheck::Silent).unwrap();
        }
        let t = Instant::now();
        findings = check_once(&corpus, &index_dir).findings;
        indexed.push(t.elapsed());
    }
    let (floor, indexed, unindexed) = (median(floor), median(indexed), median(unindexed));
    println!(
        "read floor (read + parse + link, streamed): median {floor:.2?}, {:.0} articles/s",
        rate(floor)
    );
    println!(
        "check, index built (every rule + verification + ranking + JSON Lines rendering): median {indexed:.2?}, {:.0} articles/s, {findings} findings",
        rate(indexed)
    );
    println!(
        "check, no index yet (the same, building the index as it goes): median {unindexed:.2?}, {:.0} articles/s",
        rate(unindexed)
    );
    println!(
        "**check / read floor throughput: {:.2} with the index built, {:.2} with no index yet**",
        rate(indexed) / rate(floor),
        rate(unindexed) / rate(floor)
    );

    let exe = env!("CARGO_BIN_EXE_citecheck");
    let mut whole = Vec::new();
    for _ in 0..RUNS {
        let t = Instant::now();
        let status = Command::new(exe)
            .args(["--quiet", "--allow-outside-corpus", "--corpus"])
            .arg(&dir)
            .arg("--index")
            .arg(&index_dir)
            .args(["check", "--format", "jsonl"])
            .stdout(Stdio::null())
            .status()
            .unwrap();
        whole.push(t.elapsed());
        assert!(
            status.code().is_some_and(|c| c <= 1),
            "check failed: {status}"
        );
    }
    let whole = median(whole);
    println!(
        "whole process `citecheck check --format jsonl`, index built: median {whole:.2?}, {:.0} articles/s ({:.2} of the in-process read floor)",
        rate(whole),
        rate(whole) / rate(floor)
    );
}
