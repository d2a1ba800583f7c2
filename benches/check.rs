//! `check` throughput on a generated corpus of 10,000 articles (SPEC, Performance).
//!
//! Baseline, in the same run on the same data: reading the corpus alone (`read_corpus`:
//! parsing every article, splitting sentences, linking references), which every command
//! does. Reported: articles per second for each and the ratio of check's throughput to
//! the baseline's, plus the whole `citecheck check` process. Times are printed, never asserted.
//!
//! `cargo bench --bench check` (set CITECHECK_BENCH_ARTICLE_COUNT for another size,
//! CITECHECK_BENCH_KEEP=DIR to keep the generated corpus and its index in DIR).

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use citecheck::check::rules::Config;
use citecheck::check::{verify, Checker};
use citecheck::index::Index;
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
    let dir = base.join("corpus");
    let index_dir = base.join("index");
    generate(&dir, count);
    let corpus = Corpus::load(&dir).unwrap();
    println!("# check benchmark\n\ngenerated corpus: {count} articles, {SOURCES} source texts\n");

    let index = Index::open_or_build(&corpus, &index_dir, true).unwrap();

    let mut parse_times = Vec::new();
    let mut check_times = Vec::new();
    let mut findings = 0;
    for _ in 0..RUNS {
        let t = Instant::now();
        let articles = citecheck::read_corpus(&corpus, |_| {}).unwrap();
        parse_times.push(t.elapsed());

        let t = Instant::now();
        let articles2 = citecheck::read_corpus(&corpus, |_| {}).unwrap();
        let sources = verify::load_sources(&corpus).unwrap();
        let config = Config::from_corpus(&corpus);
        let report = Checker::new(&corpus, config, &sources, Some(&index))
            .check(&articles2)
            .unwrap();
        check_times.push(t.elapsed());
        findings = report.findings.len();
        drop(articles);
    }
    let parse = median(parse_times);
    let check = median(check_times);
    let rate = |d: Duration| count as f64 / d.as_secs_f64();
    println!(
        "baseline read_corpus (parse + link): median {parse:.2?}, {:.0} articles/s",
        rate(parse)
    );
    println!(
        "check in process (read + every rule + verification + index ranking): median {check:.2?}, {:.0} articles/s, {findings} findings",
        rate(check)
    );
    println!(
        "**check throughput / read-only throughput = {:.2}**",
        rate(check) / rate(parse)
    );

    let exe = env!("CARGO_BIN_EXE_citecheck");
    let mut whole = Vec::new();
    for _ in 0..RUNS {
        let t = Instant::now();
        let status = Command::new(exe)
            .args(["--quiet", "--corpus"])
            .arg(&dir)
            .arg("--index")
            .arg(&index_dir)
            .args(["check", "--format", "json"])
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
        "whole process `citecheck check --format json`: median {whole:.2?}, {:.0} articles/s",
        rate(whole)
    );
}
