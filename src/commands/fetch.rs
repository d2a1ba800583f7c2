//! `citecheck fetch`: the library's progress goes to the terminal observer (a bar with
//! the source in hand, on a terminal only), its report to stdout; `lock_holds` is
//! `check --locked`.

use std::time::Duration;

use citecheck::fetch::{self, FetchOptions, FetchReport, Outcome, SourceResult};
use citecheck::{Corpus, Result};
use serde_json::json;

use crate::cli::{Cli, FetchArgs, TextOrJson};
use crate::output;

pub fn run(cli: &Cli, args: &FetchArgs) -> Result<u8> {
    let corpus = super::load_corpus(cli)?;
    let report = fetch::fetch(&corpus, &options(args), &super::terminal(cli))?;
    match args.format {
        TextOrJson::Text => output::print(&render_text(&report))?,
        TextOrJson::Json => output::print_json(&render_json(&report))?,
    }
    let failed = report.count(Outcome::Failed) + report.count(Outcome::Dead);
    Ok(u8::from(failed > 0))
}

fn options(args: &FetchArgs) -> FetchOptions {
    FetchOptions {
        ids: args.ids.clone(),
        discover: args.discover,
        update: args.update,
        archive: args.archive,
        archive_endpoint: args.archive_endpoint.clone(),
        jobs: args.jobs,
        http: fetch::HttpConfig {
            allow_private: args.allow_private,
            max_bytes: args.max_size,
            timeout: Duration::from_secs(args.timeout),
            connect_timeout: Duration::from_secs(args.timeout.min(10)),
            delay: Duration::from_millis(args.delay_ms),
            ..Default::default()
        },
    }
}

/// Why a source is dead or failed, with what to do about it when a flag fixes it.
fn problem(r: &SourceResult) -> Option<String> {
    let line = r.problem()?;
    Some(
        match r.error.as_ref().and_then(crate::advice::for_fetch_error) {
            Some(advice) => format!("{line}; {advice}"),
            None => line,
        },
    )
}

fn render_text(report: &FetchReport) -> String {
    let lock = report.lock.display();
    if report.up_to_date() {
        return format!(
            "up to date: {} source{} pinned in {lock}\n",
            report.results.len(),
            if report.results.len() == 1 { "" } else { "s" }
        );
    }
    let mut out = String::new();
    for r in &report.results {
        let line = match (r.outcome, &r.entry) {
            (Outcome::UpToDate, _) => continue,
            (Outcome::Fetched | Outcome::Changed | Outcome::Unchanged, Some(e)) => {
                let mut line = format!(
                    "{}: {} → {} ({}, {}, {})",
                    r.id,
                    r.url,
                    e.file.as_deref().unwrap_or(""),
                    e.status.map(|s| s.to_string()).unwrap_or_default(),
                    e.content_type.as_deref().unwrap_or("no content type"),
                    fetch::http::human_bytes(e.bytes.unwrap_or(0)),
                );
                if let Some(a) = e.archive_url.as_deref().filter(|_| e.archived) {
                    line.push_str(&format!(" from the archived copy {a}"));
                }
                line
            }
            (Outcome::Dead, _) => format!(
                "{}: {} (recorded in corpus.lock; `check` reports it as dead-link)",
                r.id,
                problem(r).unwrap_or_else(|| "dead".into())
            ),
            _ => format!(
                "{}: {}",
                r.id,
                problem(r).unwrap_or_else(|| "failed".into())
            ),
        };
        out.push_str(&format!("{:>10} {line}\n", r.outcome.name()));
    }
    let counts: Vec<String> = Outcome::ALL
        .into_iter()
        .filter_map(|o| {
            let n = report.count(o);
            (n > 0).then(|| format!("{n} {}", o.name().replace('-', " ")))
        })
        .collect();
    out.push_str(&format!("{}; lock file {lock}\n", counts.join(", ")));
    out
}

fn render_json(report: &FetchReport) -> serde_json::Value {
    json!({
        "version": 1,
        "lock": report.lock.to_string_lossy(),
        "sources": report.results.iter().map(|r| json!({
            "id": r.id,
            "url": r.url,
            "discovered": r.discovered,
            "outcome": r.outcome.name(),
            "message": problem(r),
            "lock": r.entry,
        })).collect::<Vec<_>>(),
        "summary": {
            "fetched": report.count(Outcome::Fetched),
            "changed": report.count(Outcome::Changed),
            "unchanged": report.count(Outcome::Unchanged),
            "dead": report.count(Outcome::Dead),
            "failed": report.count(Outcome::Failed),
            "up_to_date": report.count(Outcome::UpToDate),
        },
    })
}

/// `check --locked`: whether every text pinned in corpus.lock is there with its pinned
/// hash. Each one that is not is named on stderr.
pub fn lock_holds(corpus: &Corpus) -> bool {
    let Some(lock) = &corpus.lock else {
        return true;
    };
    let drift = lock.drift(&corpus.root);
    for d in &drift {
        let message = format!(
            "{}: source `{}`: {} {}",
            fetch::Lock::path(&corpus.root).display(),
            d.id,
            d.file,
            if d.missing {
                "is missing"
            } else {
                "no longer matches its pinned SHA-256"
            }
        );
        // The lock's names are the user's (a pull request can edit them).
        let message = citecheck::report::text::defuse_message(&message);
        eprintln!("citecheck: error: {message}");
    }
    if !drift.is_empty() {
        eprintln!(
            "citecheck: run `citecheck fetch` to restore missing texts, or `citecheck fetch --update` to pin what is upstream now"
        );
    }
    drift.is_empty()
}
