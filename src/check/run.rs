//! `check` over a whole corpus in one read: sources loaded once, articles streamed past
//! in batches (read, parsed, linked and checked on all cores), each article's findings
//! handed on as soon as its batch is merged, and — when the index is missing or stale —
//! the same articles written into a new index generation as they go by. Nothing of the
//! corpus is read twice and nothing grows with it but counts.

use std::path::Path;

use super::baseline::Baseline;
use super::rules::Config;
use super::{Checker, Finding, FindingKey, SentenceVerification, Summary};
use crate::error::Result;
use crate::index::{build, Freshness, IndexBuild, Start};
use crate::manifest::Corpus;
use crate::model::Article;
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

/// Where [`check_corpus`] puts what it finds, as it is found: per article in corpus
/// order its findings, its verification records and then the article itself; after the
/// last article the corpus-wide findings and the baseline entries nothing matched.
pub trait CheckOutput {
    /// A finding (with [`CheckOutput::keeps_baselined`], also the ones a baseline entry
    /// matched, marked [`Finding::baselined`]).
    fn finding(&mut self, finding: Finding);
    /// The verification record of a cited sentence of the article just checked.
    fn verification(&mut self, _record: SentenceVerification) {}
    /// An article is checked: its findings and records are out; `counts` are its
    /// sentence and claim counts.
    fn article_done(&mut self, _article: &Article, _counts: &Summary) {}
    /// A baseline entry that matched no finding (after every finding).
    fn absent(&mut self, _entry: FindingKey) {}
    /// Whether findings matched by the baseline are wanted too (SARIF's
    /// `baselineState: "unchanged"`) instead of dropped.
    fn keeps_baselined(&self) -> bool {
        false
    }
}

/// A closure takes the findings only.
impl<F: FnMut(Finding)> CheckOutput for F {
    fn finding(&mut self, finding: Finding) {
        self(finding)
    }
}

/// Check every article of `corpus` with `config`, giving `out` each finding as soon as
/// it is made (per article in corpus order, then the corpus-wide ones) and each cited
/// sentence's verification record; `baseline` entries absorb the findings they match.
/// An article that cannot be read or checked goes to `observer` as [`Event::Skipped`]
/// and is counted in [`Summary::unreadable`]; the others are checked (and the index is
/// then not refreshed). Returns the summary.
pub fn check_corpus(
    corpus: &Corpus,
    config: Config,
    baseline: Option<&Baseline>,
    index: IndexRefresh<'_>,
    observer: &dyn Observer,
    out: &mut dyn CheckOutput,
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
    if out.keeps_baselined() {
        session = session.keep_baselined();
    }
    ReadStage::new(corpus).for_each_batch(
        |_, article| {
            let article = article?;
            let result = checker.check_article(&article)?;
            Ok::<_, crate::Error>((article, result))
        },
        |batch| {
            for item in batch {
                let (article, result) = match item {
                    Ok(done) => done,
                    Err(error) => {
                        observer.event(&Event::Skipped { error: &error });
                        skipped += 1;
                        unreadable.get_or_insert(error);
                        continue;
                    }
                };
                if let Some(b) = build.as_mut() {
                    if let Err(error) = b.add_article(&article) {
                        observer.event(&Event::Warning(Warning::NotRefreshed { error: &error }));
                        build = None;
                    }
                }
                session.add_article(&article, result, out);
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
    let mut summary = session.finish_into(out);
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
