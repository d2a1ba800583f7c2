//! `citecheck fetch`: renders the library's progress events (a bar on a terminal only)
//! and its report; `lock_holds` is `check --locked`.

use citecheck::fetch::{self, FetchEvent, FetchOptions, FetchReport, Outcome};
use citecheck::{Corpus, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;

use crate::cli::{Cli, TextOrJson};
use crate::output;

pub fn run(cli: &Cli, options: &FetchOptions, format: TextOrJson) -> Result<u8> {
    let corpus = super::load_corpus(cli)?;
    let bar = progress_bar(cli);
    let report = fetch::fetch(&corpus, options, |event| match event {
        FetchEvent::Planned { to_fetch, .. } => bar.set_length(to_fetch as u64),
        FetchEvent::Started { id, .. } => bar.set_message(id.to_string()),
        FetchEvent::Waiting { id, status, after } => bar.println(format!(
            "{id}: answered {status}, trying again in {}s",
            after.as_secs()
        )),
        FetchEvent::Done(r) => {
            if r.outcome != Outcome::UpToDate {
                bar.println(format!("{:>10} {}", r.outcome.name(), r.id));
                bar.inc(1);
            }
        }
    })?;
    bar.finish_and_clear();
    match format {
        TextOrJson::Text => output::print(&render_text(&report))?,
        TextOrJson::Json => output::print_json(&render_json(&report))?,
    }
    let failed = report.count(Outcome::Failed) + report.count(Outcome::Dead);
    Ok(u8::from(failed > 0))
}

/// A bar while sources download, on a terminal and unless --quiet.
fn progress_bar(cli: &Cli) -> ProgressBar {
    use std::io::IsTerminal;
    if cli.quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("fetching {bar:30} {pos}/{len} {msg}") {
        bar.set_style(style);
    }
    bar
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
                r.message.as_deref().unwrap_or("dead")
            ),
            _ => format!("{}: {}", r.id, r.message.as_deref().unwrap_or("failed")),
        };
        out.push_str(&format!("{:>10} {line}\n", r.outcome.name()));
    }
    let counts: Vec<String> = [
        Outcome::Fetched,
        Outcome::Changed,
        Outcome::Unchanged,
        Outcome::Dead,
        Outcome::Failed,
        Outcome::UpToDate,
    ]
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
            "message": r.message,
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
        eprintln!(
            "citecheck: error: {}: source `{}`: {} {}",
            fetch::Lock::path(&corpus.root).display(),
            d.id,
            d.file,
            if d.missing {
                "is missing"
            } else {
                "no longer matches its pinned SHA-256"
            }
        );
    }
    if !drift.is_empty() {
        eprintln!(
            "citecheck: run `citecheck fetch` to restore missing texts, or `citecheck fetch --update` to pin what is upstream now"
        );
    }
    drift.is_empty()
}
