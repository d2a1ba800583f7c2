use std::path::Path;

use citecheck::check::baseline::Baseline;
use citecheck::check::rules::{self, Config, Severity};
use citecheck::check::run::{check_corpus, IndexRefresh};
use citecheck::check::{CheckReport, Finding};
use citecheck::report::style::Style;
use citecheck::Result;

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

    let terminal = super::terminal(cli);

    let style = Style::for_stdout(cli.color.into());
    let mut out = output::Stream::stdout();
    let mut json = citecheck::report::json::Streamed::default();
    // SARIF and annotations need the whole list (and limits over it); text and JSON
    // are written as findings are made.
    let mut held: Vec<Finding> = Vec::new();
    let mut failed = false;
    let deny = match deny {
        None => Severity::Error,
        Some(DenyLevel::Warnings) => Severity::Warning,
        Some(DenyLevel::Notes) => Severity::Note,
    };
    let mut write_error = None;
    let mut emit = |f: Finding| {
        failed |= f.severity >= deny;
        let written = match format {
            CheckFormat::Text => out.write(&citecheck::report::text::render_finding(&f, style)),
            CheckFormat::Json => out.write(&json.finding(&f)),
            CheckFormat::Sarif | CheckFormat::Github => {
                held.push(f);
                Ok(())
            }
        };
        if let Err(e) = written {
            write_error.get_or_insert(e);
        }
    };

    // Checking needs only the source passages; a missing or stale index is rebuilt
    // from the same read of the articles. An unreadable index is not an error here.
    let refresh = if cli.no_refresh
        && citecheck::index::Index::open(&cli.index)
            .ok()
            .flatten()
            .is_some()
    {
        IndexRefresh::Skip
    } else {
        IndexRefresh::IfStale(&cli.index)
    };
    // Per-sentence verification records go in the JSON report only, after the findings.
    let mut records = Vec::new();
    let summary = check_corpus(
        &corpus,
        config,
        baseline.as_ref(),
        refresh,
        &terminal,
        &mut emit,
        &mut |r| {
            if format == CheckFormat::Json {
                records.push(r)
            }
        },
    )?;
    let unreadable = summary.unreadable;
    if let Some(e) = write_error {
        return Err(e);
    }

    match format {
        CheckFormat::Text => {
            out.write(&citecheck::report::text::render_summary(&summary, style))?
        }
        CheckFormat::Json => out.write(&json.end(&summary, &records))?,
        CheckFormat::Sarif | CheckFormat::Github => {
            let report = CheckReport {
                findings: held,
                summary,
                verification: records,
            };
            out.write(&if format == CheckFormat::Sarif {
                let mut s =
                    serde_json::to_string_pretty(&citecheck::report::sarif::render(&report))
                        .unwrap_or_default();
                s.push('\n');
                s
            } else {
                citecheck::report::github::render(&report)
            })?
        }
    }
    out.finish()?;
    if unreadable > 0 {
        // Like ripgrep: every readable article was checked, the run still fails.
        terminal.note(&format!(
            "{unreadable} of {} articles could not be read or checked (errors above)",
            corpus.articles.len()
        ));
        return Ok(2);
    }
    Ok(u8::from(failed))
}
