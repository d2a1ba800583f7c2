//! Index and search benchmark: citecheck against tantivy-cli and ripgrep on the same data.
//! Method and how to run it: `benches/README.md`. Prints ratios; asserts nothing.

mod common;

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use citecheck::index::{Index, Scope, SearchRequest};
use serde_json::json;

/// The fixed query set: (citecheck query, tantivy-cli query, ripgrep regex).
const QUERIES: &[(&str, &str, &str)] = &[
    ("neutrality", "text:neutrality", "neutrality"),
    ("cathedral", "text:cathedral", "cathedral"),
    ("population", "text:population", "population"),
    ("\"world war\"", "text:\"world war\"", "world war"),
    (
        "\"national park\"",
        "text:\"national park\"",
        "national park",
    ),
    (
        "river AND bridge",
        "text:river AND text:bridge",
        "river.*bridge|bridge.*river",
    ),
    (
        "football OR rugby",
        "text:football OR text:rugby",
        "football|rugby",
    ),
];

const INDEX_RUNS: usize = 3;
const QUERY_ITERATIONS: usize = 200;
const PROCESS_RUNS: usize = 15;

fn main() {
    let articles = std::env::var_os("CITECHECK_BENCH_ARTICLES")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/wikipedia-2019/articles")
        });
    if !articles.is_dir() {
        eprintln!(
            "benchmark skipped: {} not found (set CITECHECK_BENCH_ARTICLES)",
            articles.display()
        );
        return;
    }
    let articles = articles.canonicalize().unwrap();
    let citecheck = PathBuf::from(env!("CARGO_BIN_EXE_citecheck"));
    let tantivy_cli = find_tool("tantivy");
    let rg = find_tool("rg");
    let work = tempfile::tempdir().unwrap();
    let corpus_dir = common::linked_corpus(work.path(), &articles);
    let corpus = citecheck::Corpus::load(&corpus_dir).unwrap();
    println!(
        "# citecheck benchmark\n\ncorpus: {} ({} articles)\n",
        articles.display(),
        corpus.articles.len()
    );

    // (a) Indexing throughput, whole processes, each into an empty directory.
    let mut ours = Vec::new();
    for run in 0..INDEX_RUNS {
        let dir = work.path().join(format!("index-{run}"));
        ours.push(time_process(
            Command::new(&citecheck)
                .arg("--quiet")
                .arg("--corpus")
                .arg(&corpus_dir)
                .arg("--index")
                .arg(&dir)
                .arg("index"),
        ));
    }
    let index_dir = work.path().join("index-0");
    let index = Index::open(&index_dir).unwrap().expect("index built");
    let stats = index.meta().stats;
    let (jsonl, jsonl_bytes) = export_jsonl(&corpus, work.path());
    let ours_med = median(&ours);
    println!(
        "## (a) indexing ({} documents)\n",
        stats.sentences + stats.passages
    );
    println!(
        "citecheck index (reads and parses the raw articles): median {:.2} s over {INDEX_RUNS} runs, {:.0} docs/s",
        secs(ours_med),
        (stats.sentences + stats.passages) as f64 / secs(ours_med)
    );
    let mut tantivy_index_dir = None;
    if let Some(tantivy) = &tantivy_cli {
        let mut theirs = Vec::new();
        for run in 0..INDEX_RUNS {
            let dir = work.path().join(format!("tantivy-cli-{run}"));
            create_tantivy_cli_index(&dir);
            theirs.push(time_process(
                Command::new(tantivy)
                    .arg("index")
                    .arg("-i")
                    .arg(&dir)
                    .arg("-f")
                    .arg(&jsonl),
            ));
        }
        tantivy_index_dir = Some(work.path().join("tantivy-cli-0"));
        let theirs_med = median(&theirs);
        println!(
            "tantivy-cli index (same sentences as JSON lines, {:.1} MB, defaults: 1 indexing thread): median {:.2} s, {:.0} docs/s",
            jsonl_bytes as f64 / 1e6,
            secs(theirs_med),
            (stats.sentences + stats.passages) as f64 / secs(theirs_med)
        );
        println!(
            "**throughput ratio citecheck / tantivy-cli = {:.2}** (target ≥ 1)\n",
            secs(theirs_med) / secs(ours_med)
        );
    } else {
        println!("tantivy-cli not found: install it with `cargo install tantivy-cli`\n");
    }

    // (b) In-process query latency.
    println!(
        "## (b) query latency, in process, top 10 ({QUERY_ITERATIONS} iterations after warm-up)\n"
    );
    println!("| query | hits | citecheck search p50 (µs) | p95 | ranking only p50 (µs) | tantivy-cli bench p50 (µs) |");
    println!("|---|---|---|---|---|---|");
    let cli_latency = match (&tantivy_cli, &tantivy_index_dir) {
        (Some(t), Some(dir)) => tantivy_cli_bench(t, dir, work.path()),
        _ => vec![None; QUERIES.len()],
    };
    let mut all_full = Vec::new();
    let mut all_rank = Vec::new();
    let mut all_cli = Vec::new();
    for (i, (q, _, _)) in QUERIES.iter().enumerate() {
        let req = SearchRequest {
            query: q,
            limit: 10,
            scope: Scope::All,
            source: None,
        };
        let total = index.search(&req).unwrap().total;
        let mut full = Vec::with_capacity(QUERY_ITERATIONS);
        for _ in 0..QUERY_ITERATIONS {
            let t = Instant::now();
            std::hint::black_box(index.search(&req).unwrap());
            full.push(t.elapsed());
        }
        let mut rank = Vec::with_capacity(QUERY_ITERATIONS);
        for _ in 0..QUERY_ITERATIONS {
            let t = Instant::now();
            std::hint::black_box(rank_only(&index, q));
            rank.push(t.elapsed());
        }
        let cli = cli_latency[i];
        println!(
            "| `{q}` | {total} | {:.0} | {:.0} | {:.0} | {} |",
            micros(percentile(&full, 50)),
            micros(percentile(&full, 95)),
            micros(percentile(&rank, 50)),
            cli.map_or("–".into(), |d| format!("{:.0}", micros(d)))
        );
        all_full.extend(full);
        all_rank.extend(rank);
        all_cli.extend(cli);
    }
    println!(
        "\nall queries: citecheck search (parse, rank, fetch, snippets) p50 {:.0} µs (target ≤ 1000), ranking only p50 {:.0} µs{}\n",
        micros(percentile(&all_full, 50)),
        micros(percentile(&all_rank, 50)),
        if all_cli.is_empty() {
            String::new()
        } else {
            format!(
                "; tantivy-cli p50 of per-query medians {:.0} µs; **ratio ranking-only / tantivy-cli = {:.2}**",
                micros(percentile(&all_cli, 50)),
                micros(percentile(&all_rank, 50)) / micros(percentile(&all_cli, 50))
            )
        }
    );

    // (c) Whole-process search against ripgrep over the raw files.
    println!("## (c) whole process: `citecheck search` vs `rg -c -i` over the raw files (median of {PROCESS_RUNS})\n");
    println!("| query | citecheck (ms) | citecheck --no-refresh (ms) | rg (ms) | rg / citecheck | rg / --no-refresh |");
    println!("|---|---|---|---|---|---|");
    let search = |q: &str, no_refresh: bool| {
        let mut cmd = Command::new(&citecheck);
        cmd.arg("--quiet")
            .arg("--corpus")
            .arg(&corpus_dir)
            .arg("--index")
            .arg(&index_dir);
        if no_refresh {
            cmd.arg("--no-refresh");
        }
        cmd.args(["search", "-n", "10", q]);
        time_process(&mut cmd)
    };
    let (mut ratios, mut ratios_nr) = (Vec::new(), Vec::new());
    let (mut ours_all, mut ours_nr_all) = (Vec::new(), Vec::new());
    for (q, _, pattern) in QUERIES {
        let (mut c, mut n, mut r) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..PROCESS_RUNS {
            c.push(search(q, false));
            n.push(search(q, true));
            if let Some(rg) = &rg {
                r.push(time_process(
                    Command::new(rg).args(["-c", "-i", pattern]).arg(&articles),
                ));
            }
        }
        let (cm, nm) = (median(&c), median(&n));
        ours_all.push(cm);
        ours_nr_all.push(nm);
        if r.is_empty() {
            println!(
                "| `{q}` | {:.1} | {:.1} | – | – | – |",
                millis(cm),
                millis(nm)
            );
        } else {
            let rm = median(&r);
            ratios.push(secs(rm) / secs(cm));
            ratios_nr.push(secs(rm) / secs(nm));
            println!(
                "| `{q}` | {:.1} | {:.1} | {:.1} | {:.1}× | {:.1}× |",
                millis(cm),
                millis(nm),
                millis(rm),
                secs(rm) / secs(cm),
                secs(rm) / secs(nm)
            );
        }
    }
    let summary = |ratios: &mut Vec<f64>| {
        if ratios.is_empty() {
            return String::new();
        }
        ratios.sort_by(|a, b| a.total_cmp(b));
        format!(
            "; **rg / citecheck: median {:.1}×, worst {:.1}×** (target ≥ 5×)",
            ratios[ratios.len() / 2],
            ratios[0]
        )
    };
    println!(
        "\nmedian whole-process citecheck search {:.1} ms (target ≤ 50){}",
        millis(median(&ours_all)),
        summary(&mut ratios)
    );
    println!(
        "with --no-refresh (no freshness check) {:.1} ms{}",
        millis(median(&ours_nr_all)),
        summary(&mut ratios_nr)
    );
    // What the freshness check cannot go below: one `stat` of every corpus file.
    let files = corpus.input_files();
    let mut floor = Vec::new();
    for _ in 0..PROCESS_RUNS {
        let t = Instant::now();
        for f in &files {
            std::hint::black_box(std::fs::metadata(f).map(|m| m.len()).ok());
        }
        floor.push(t.elapsed());
    }
    println!(
        "floor of the freshness check: one `stat` of each of the {} corpus files, one thread: median {:.1} ms",
        files.len(),
        millis(median(&floor))
    );
}

/// What tantivy-cli's bench times: parse the query, collect the top 10 and the count.
/// Same ranking as `citecheck search` (score, then insertion order), without fetching
/// documents or making snippets.
fn rank_only(index: &Index, q: &str) -> usize {
    let mut parser =
        tantivy::query::QueryParser::for_index(index.tantivy(), vec![index.fields().text]);
    parser.set_conjunction_by_default();
    let query = parser.parse_query(q).unwrap();
    let (docs, count) = index.top(&index.searcher(), &*query, 10).unwrap();
    docs.len() + count
}

/// The documents citecheck indexes, as tantivy-cli's JSON lines.
fn export_jsonl(corpus: &citecheck::Corpus, work: &Path) -> (PathBuf, u64) {
    let path = work.join("docs.jsonl");
    let mut out = BufWriter::new(std::fs::File::create(&path).unwrap());
    let articles = citecheck::read_corpus(corpus, |_| {}).unwrap();
    for a in &articles {
        let title = a.title.as_deref().unwrap_or(&a.id);
        for s in &a.sentences {
            let doc = json!({
                "kind": "article",
                "doc": a.id,
                "title": title,
                "section": a.section_heading(s.section).unwrap_or(""),
                "line": s.line,
                "text": s.text,
            });
            writeln!(out, "{doc}").unwrap();
        }
    }
    out.flush().unwrap();
    drop(out);
    let bytes = std::fs::metadata(&path).unwrap().len();
    (path, bytes)
}

/// An empty tantivy-cli index with the same fields (English stemming, positions on the
/// text); `tantivy new` is interactive, so the schema is written directly.
fn create_tantivy_cli_index(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let raw = |name: &str| json!({"name": name, "type": "text", "options": {"indexing": {"record": "basic", "fieldnorms": true, "tokenizer": "raw"}, "stored": true, "fast": false}});
    let text = |name: &str| json!({"name": name, "type": "text", "options": {"indexing": {"record": "position", "fieldnorms": true, "tokenizer": "en_stem"}, "stored": true, "fast": false}});
    let meta = json!({
        "index_settings": {"docstore_compression": "lz4", "docstore_blocksize": 16384},
        "segments": [],
        "schema": [
            raw("kind"),
            raw("doc"),
            text("title"),
            text("section"),
            {"name": "line", "type": "u64", "options": {"indexed": true, "fieldnorms": false, "fast": false, "stored": true}},
            text("text"),
        ],
        "opstamp": 0
    });
    std::fs::write(dir.join("meta.json"), meta.to_string()).unwrap();
}

/// tantivy-cli's own query benchmark: median microseconds per query.
fn tantivy_cli_bench(tantivy: &Path, dir: &Path, work: &Path) -> Vec<Option<Duration>> {
    let queries = work.join("queries.txt");
    let text: Vec<&str> = QUERIES.iter().map(|q| q.1).collect();
    std::fs::write(&queries, text.join("\n") + "\n").unwrap();
    let out = Command::new(tantivy)
        .arg("bench")
        .arg("-i")
        .arg(dir)
        .arg("-q")
        .arg(&queries)
        .args(["-n", &QUERY_ITERATIONS.to_string()])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let search = stdout
        .split("SEARCH")
        .nth(1)
        .and_then(|s| s.split("FETCH STORE").next())
        .unwrap_or("");
    QUERIES
        .iter()
        .map(|(_, q, _)| {
            let times: Vec<Duration> = search
                .lines()
                .filter_map(|l| {
                    let mut parts = l.split('\t');
                    (parts.next()? == *q).then_some(())?;
                    let _hits = parts.next()?;
                    parts.next()?.trim().parse().ok().map(Duration::from_micros)
                })
                .collect();
            // The first round includes opening files; the median ignores it.
            (!times.is_empty()).then(|| median(&times))
        })
        .collect()
}

fn find_tool(name: &str) -> Option<PathBuf> {
    let home_bin = std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo/bin").join(name));
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|d| d.join(name))
        .chain(home_bin)
        .find(|p| p.is_file())
}

fn time_process(cmd: &mut Command) -> Duration {
    let t = Instant::now();
    let status = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    let elapsed = t.elapsed();
    assert!(
        status.code().is_some_and(|c| c <= 1),
        "{cmd:?} failed: {status}"
    );
    elapsed
}

fn median(v: &[Duration]) -> Duration {
    percentile(v, 50)
}

fn percentile(v: &[Duration], p: usize) -> Duration {
    let mut s = v.to_vec();
    s.sort();
    s[(s.len() - 1) * p / 100]
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}
