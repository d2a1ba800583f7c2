//! `check` over a whole corpus in one read: sources loaded once, articles streamed past
//! in batches (read, parsed, linked and checked on all cores), each article's findings
//! handed on as soon as its batch is merged, and — when the index is missing or stale —
//! the same articles written into a new index generation as they go by. Nothing of the
//! corpus is read twice and nothing grows with it but counts.

use std::path::Path;

use super::baseline::Baseline;
use super::rules::Config;
use super::{Checker, Finding, SentenceStatus, SentenceVerification, Summary};
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

/// Check every article of `corpus` with `config`, giving each finding to `emit` as soon
/// as it is made (per article in corpus order, then the corpus-wide ones); `baseline`
/// entries absorb the findings they match. Each cited sentence's verification record
/// goes to `record`. Returns the summary.
pub fn check_corpus(
    corpus: &Corpus,
    config: Config,
    baseline: Option<&Baseline>,
    index: IndexRefresh<'_>,
    observer: &dyn Observer,
    emit: &mut dyn FnMut(Finding),
    record: &mut dyn FnMut(SentenceVerification),
) -> Result<Summary> {
    let end = check_articles(corpus, config, baseline, index, observer, &mut |checked| {
        for r in checked.verification {
            record(r);
        }
        for f in checked.findings {
            emit(f);
        }
        Ok(())
    })?;
    for f in end.findings {
        emit(f);
    }
    Ok(end.summary)
}

/// One article as `check` saw it, for reporters that show findings in their article
/// (the HTML report): nothing in it is computed again later.
pub struct CheckedArticle {
    pub article: Article,
    /// Its findings as `check` reports them: severities from `[check]`, baselined ones
    /// dropped, in output order. Corpus-wide findings come in [`CheckEnd`].
    pub findings: Vec<Finding>,
    /// The verification records of its cited sentences, in sentence order.
    pub verification: Vec<SentenceVerification>,
    /// What was concluded about each sentence, indexed like `article.sentences`.
    pub statuses: Vec<SentenceStatus>,
}

/// What is known once every article is checked.
pub struct CheckEnd {
    /// The corpus-wide findings (a work without text, once per work), placed at the
    /// first citation of the work.
    pub findings: Vec<Finding>,
    pub summary: Summary,
}

/// [`check_corpus`] one article at a time: each article, its findings, verification
/// records and sentence statuses go to `each` in corpus order as soon as its batch is
/// merged (an error from `each` stops the run), and the corpus-wide findings come with
/// the summary at the end. Memory depends on the batch size, not on the corpus.
pub fn check_articles(
    corpus: &Corpus,
    config: Config,
    baseline: Option<&Baseline>,
    index: IndexRefresh<'_>,
    observer: &dyn Observer,
    each: &mut dyn FnMut(CheckedArticle) -> Result<()>,
) -> Result<CheckEnd> {
    let sources = crate::sources::load_all(corpus)?;
    let ranker = crate::pipeline::ranker(&sources)?;
    let checker = Checker::new(corpus, config, &sources, Some(&ranker));
    let mut build = match index {
        IndexRefresh::Skip => None,
        IndexRefresh::IfStale(dir) => start_refresh(corpus, dir, observer),
    };
    let total = corpus.articles.len();
    let mut session = checker.session(baseline);
    ReadStage::new(corpus).for_each_batch(
        |_, article| {
            let article = article?;
            let result = checker.check_article(&article)?;
            Ok::<_, crate::Error>((article, result))
        },
        |batch| {
            for item in batch {
                let (article, mut result) = item?;
                let verification = std::mem::take(&mut result.verification);
                let statuses = std::mem::take(&mut result.statuses);
                if let Some(b) = build.as_mut() {
                    if let Err(error) = b.add_article(&article) {
                        observer.event(&Event::Warning(Warning::NotRefreshed { error: &error }));
                        build = None;
                    }
                }
                let mut findings = Vec::new();
                session.add(result, &mut |f| findings.push(f));
                each(CheckedArticle {
                    article,
                    findings,
                    verification,
                    statuses,
                })?;
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
    if let Some(b) = build {
        match b.finish(&sources) {
            Ok(stats) => observer.event(&Event::Note(Note::Indexed(stats))),
            Err(error) => observer.event(&Event::Warning(Warning::NotRefreshed { error: &error })),
        }
    }
    let mut findings = Vec::new();
    let summary = session.finish(&mut |f| findings.push(f));
    Ok(CheckEnd { findings, summary })
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
