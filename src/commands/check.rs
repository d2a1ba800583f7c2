use std::path::Path;

use citecheck::check::baseline::Baseline;
use citecheck::check::rules::{self, Config, Severity};
use citecheck::check::{verify, Checker};
use citecheck::report::style::Style;
use citecheck::Result;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::{CheckFormat, Cli, DenyLevel};
use crate::output;

pub fn run(
    cli: &Cli,
    format: CheckFormat,
    deny: Option<DenyLevel>,
    baseline: Option<&Path>,
    explain: Option<&str>,
    locked: bool,
) -> Result<u8> {
    if let Some(rule) = explain {
        output::print(&rules::explain(rule)?)?;
        return Ok(0);
    }
    let corpus = super::load_corpus(cli)?;
    if locked && !super::fetch::lock_holds(&corpus) {
        return Ok(2);
    }
    // Configuration and baseline errors come before any long work.
    let config = Config::from_corpus(&corpus);
    let baseline = baseline.map(Baseline::load).transpose()?;

    let bar = progress(cli, corpus.articles.len() as u64);
    let articles = citecheck::read_corpus(&corpus, |n| bar.set_position(n as u64))?;
    bar.finish_and_clear();
    let sources = verify::load_sources(&corpus)?;
    // Ranking for weak-support and "possible source" uses the index, built or refreshed
    // here when missing or stale (saying so on stderr).
    let index = super::open_index(cli, &corpus)?;
    let mut report = Checker::new(&corpus, config, &sources, Some(&index)).check(&articles)?;
    if let Some(b) = &baseline {
        b.apply(&mut report);
    }

    match format {
        CheckFormat::Text => output::print(&citecheck::report::text::render(
            &report,
            Style::for_stdout(cli.color.into()),
        ))?,
        CheckFormat::Json => output::print_json(&citecheck::report::json::render(&report))?,
        CheckFormat::Sarif => output::print_json(&citecheck::report::sarif::render(&report))?,
        CheckFormat::Github => output::print(&citecheck::report::github::render(&report))?,
    }
    let deny = match deny {
        None => Severity::Error,
        Some(DenyLevel::Warnings) => Severity::Warning,
        Some(DenyLevel::Notes) => Severity::Note,
    };
    Ok(u8::from(report.fails(deny)))
}

/// A bar on a terminal for corpora big enough to wait for; nothing otherwise.
fn progress(cli: &Cli, total: u64) -> ProgressBar {
    use std::io::IsTerminal;
    if cli.quiet || total < 50 || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("checking {bar:40} {pos}/{len} articles") {
        bar.set_style(style);
    }
    bar
}
