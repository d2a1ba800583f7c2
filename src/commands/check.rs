use std::path::Path;

use citecheck::check::baseline::Baseline;
use citecheck::check::rules::{self, Config, Severity};
use citecheck::check::{CheckReport, Checker, Finding};
use citecheck::index::{build, Freshness, IndexBuild, Start};
use citecheck::observer::{Note, Stage, Warning};
use citecheck::pipeline::{ReadStage, Sources};
use citecheck::report::style::Style;
use citecheck::{Event, Observer, Result};

use crate::cli::{CheckFormat, Cli, DenyLevel};
use crate::output;

pub fn run(
    cli: &Cli,
    format: CheckFormat,
    deny: Option<DenyLevel>,
    baseline: Option<&Path>,
    explain: Option<&str>,
) -> Result<u8> {
    if let Some(rule) = explain {
        output::print(&rules::explain(rule)?)?;
        return Ok(0);
    }
    let corpus = super::load_corpus(cli)?;
    // Configuration and baseline errors come before any long work.
    let config = Config::from_corpus(&corpus);
    let baseline = baseline.map(Baseline::load).transpose()?;

    // Sources are read once and held; articles stream past in batches. Ranking for
    // weak-support and "possible source" uses an in-memory index of the source passages,
    // so checking needs nothing from the full index — but a missing or stale one is
    // rebuilt from the same read of the articles.
    let sources = Sources::load(&corpus)?;
    let ranker = sources.ranker()?;
    let checker = Checker::new(&corpus, config, &sources.docs, Some(&ranker));
    let terminal = super::terminal(cli);
    let mut index = start_index_refresh(cli, &corpus, &terminal)?;

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

    let total = corpus.articles.len();
    // An article that cannot be read or checked is reported and the others are checked
    // (like ripgrep with an unreadable file); the run then exits 2.
    let mut unreadable = 0usize;
    let mut session = checker.session(baseline.as_ref());
    ReadStage::new(&corpus).for_each_batch(
        |_, article| {
            let article = article?;
            let result = checker.check_article(&article)?;
            Ok::<_, citecheck::Error>((article, result))
        },
        |batch| {
            for item in batch {
                let (article, result) = match item {
                    Ok(done) => done,
                    Err(e) => {
                        terminal.error(&e);
                        unreadable += 1;
                        continue;
                    }
                };
                if let Some(b) = index.as_mut() {
                    b.add_article(&article)?;
                }
                session.add(result, &mut emit);
            }
            Ok(())
        },
        &|done| {
            terminal.event(&Event::Progress {
                stage: Stage::Checking,
                done,
                total,
                item: None,
            })
        },
    )?;
    // An index missing an unreadable article would claim to be fresh: keep the old one.
    if let Some(b) = index.filter(|_| unreadable == 0) {
        match b.finish(&sources) {
            Ok(stats) => terminal.event(&Event::Note(Note::Indexed(stats))),
            Err(error) => terminal.event(&Event::Warning(Warning::NotRefreshed { error: &error })),
        }
    }
    let summary = session.finish(&mut emit);
    if let Some(e) = write_error {
        return Err(e);
    }

    match format {
        CheckFormat::Text => {
            out.write(&citecheck::report::text::render_summary(&summary, style))?
        }
        CheckFormat::Json => out.write(&json.end(&summary))?,
        CheckFormat::Sarif | CheckFormat::Github => {
            let report = CheckReport {
                findings: held,
                summary,
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
        terminal.note(&format!(
            "{unreadable} of {total} articles could not be read or checked (errors above)"
        ));
        return Ok(2);
    }
    Ok(u8::from(failed))
}

/// A build of the index to feed while checking, when it is missing or stale (saying so
/// on stderr); `None` when it is fresh or `--no-refresh` finds one. Checking does not
/// need the index, so a failure to refresh it is a warning.
fn start_index_refresh<'c>(
    cli: &'c Cli,
    corpus: &'c citecheck::Corpus,
    terminal: &dyn Observer,
) -> Result<Option<IndexBuild<'c>>> {
    let dir = &cli.index;
    // Checking needs nothing from the index: an unreadable one is not an error here.
    if cli.no_refresh && citecheck::index::Index::open(dir).ok().flatten().is_some() {
        return Ok(None);
    }
    match build::freshness(corpus, dir) {
        Ok(Freshness::Fresh) => return Ok(None),
        Ok(Freshness::Missing) => terminal.event(&Event::Note(Note::IndexMissing { dir })),
        Ok(Freshness::Stale(reason)) => terminal.event(&Event::Note(Note::IndexStale { reason })),
        Err(error) => {
            terminal.event(&Event::Warning(Warning::NotRefreshed { error: &error }));
            return Ok(None);
        }
    }
    match IndexBuild::start(corpus, dir, false, terminal) {
        Ok(Start::Building(b)) => Ok(Some(b)),
        Ok(Start::UpToDate(_)) => Ok(None),
        Err(error) => {
            terminal.event(&Event::Warning(Warning::NotRefreshed { error: &error }));
            Ok(None)
        }
    }
}
