//! `check` over a whole corpus in one read: sources loaded once, articles streamed past
//! in batches (read, parsed, linked and checked on all cores), each article's findings
//! handed on as soon as its batch is merged, and — when the index is missing or stale —
//! the same articles written into a new index generation as they go by. Nothing of the
//! corpus is read twice and nothing grows with it but counts.

use std::path::Path;

use super::baseline::Baseline;
use super::rules::Config;
use super::{Checker, Finding, SentenceVerification, Summary};
use crate::error::Result;
use crate::index::{build, Freshness, IndexBuild, Start};
use crate::manifest::Corpus;
use crate::observer::{Event, Note, Observer, Stage, Warning};
use crate::pipeline::ReadStage;

/// What to do about the full-text index while checking. Checking itself needs only the
/// source passages, so a failure to refresh is a warning, never an error.
#[derive(Debug, Clone, Copy)]
pub enum IndexRefresh<'a> {
    /// Leave the index alone (`--no-refresh` with an index present).
    Skip,
    /// Build or rebuild the index in this directory when missing or stale, from the
    /// articles the check reads.
    IfStale(&'a Path),
}

/// Check every article of `corpus` with `config`, giving each finding to `emit` as soon
/// as it is made (per article in corpus order, then the corpus-wide ones); `baseline`
/// entries absorb the findings they match. Each cited sentence's verification record
/// goes to `record`. An article that cannot be read or checked goes to `observer` as
/// [`Event::Skipped`] and is counted in [`Summary::unreadable`]; the others are checked
/// (and the index is then not refreshed). Returns the summary.
pub fn check_corpus(
    corpus: &Corpus,
    config: Config,
    baseline: Option<&Baseline>,
    index: IndexRefresh<'_>,
    observer: &dyn Observer,
    emit: &mut dyn FnMut(Finding),
    record: &mut dyn FnMut(SentenceVerification),
) -> Result<Summary> {
    let sources = crate::sources::load_all(corpus)?;
    let ranker = crate::pipeline::ranker(&sources)?;
    let checker = Checker::new(corpus, config, &sources, Some(&ranker));
    let mut build = match index {
        IndexRefresh::Skip => None,
        IndexRefresh::IfStale(dir) => start_refresh(corpus, dir, observer),
    };
    let total = corpus.articles.len();
    // An article that cannot be read or checked is reported (Event::Skipped) and the
    // others are checked; the summary counts it.
    let mut unreadable: Option<crate::Error> = None;
    let mut skipped = 0usize;
    let mut session = checker.session(baseline);
    ReadStage::new(corpus).for_each_batch(
        |_, article| {
            let article = article?;
            let result = checker.check_article(&article)?;
            Ok::<_, crate::Error>((article, result))
        },
        |batch| {
            for item in batch {
                let (article, mut result) = match item {
                    Ok(done) => done,
                    Err(error) => {
                        observer.event(&Event::Skipped { error: &error });
                        skipped += 1;
                        unreadable.get_or_insert(error);
                        continue;
                    }
                };
                for r in std::mem::take(&mut result.verification) {
                    record(r);
                }
                if let Some(b) = build.as_mut() {
                    if let Err(error) = b.add_article(&article) {
                        observer.event(&Event::Warning(Warning::NotRefreshed { error: &error }));
                        build = None;
                    }
                }
                session.add(result, emit);
            }
            Ok(())
        },
        &|done| {
            observer.event(&Event::Progress {
                stage: Stage::Checking,
                done,
                total,
                item: None,
            })
        },
    )?;
    match (build, &unreadable) {
        (None, _) => {}
        // An index missing an unreadable article would claim to be fresh: keep the old.
        (Some(_), Some(error)) => {
            observer.event(&Event::Warning(Warning::NotRefreshed { error }));
        }
        (Some(b), None) => match b.finish(&sources) {
            Ok(stats) => observer.event(&Event::Note(Note::Indexed(stats))),
            Err(error) => observer.event(&Event::Warning(Warning::NotRefreshed { error: &error })),
        },
    }
    let mut summary = session.finish(emit);
    summary.unreadable = skipped;
    Ok(summary)
}

/// A build of the index to feed while checking, when it is missing or stale (saying so);
/// `None` when it is fresh or cannot be built.
fn start_refresh<'c>(
    corpus: &'c Corpus,
    dir: &'c Path,
    observer: &dyn Observer,
) -> Option<IndexBuild<'c>> {
    match build::freshness(corpus, dir) {
        Ok(Freshness::Fresh) => return None,
        Ok(Freshness::Missing) => observer.event(&Event::Note(Note::IndexMissing { dir })),
        Ok(Freshness::Stale(reason)) => observer.event(&Event::Note(Note::IndexStale { reason })),
        Err(error) => {
            observer.event(&Event::Warning(Warning::NotRefreshed { error: &error }));
            return None;
        }
    }
    match IndexBuild::start(corpus, dir, false, observer) {
        Ok(Start::Building(b)) => Some(*b),
        Ok(Start::UpToDate(_)) => None,
        Err(error) => {
            observer.event(&Event::Warning(Warning::NotRefreshed { error: &error }));
            None
        }
    }
}
