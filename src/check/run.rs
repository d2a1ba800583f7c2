//! `check` over a whole corpus in one read: sources loaded once, articles streamed past
//! in batches (read, parsed, linked and checked on all cores), each article's findings
//! handed on as soon as its batch is merged, and — when the index is missing or stale —
//! the same articles written into a new index generation as they go by. Nothing of the
//! corpus is read twice and nothing grows with it but counts.

use std::path::Path;

use super::baseline::Baseline;
use super::rules::Config;
use super::{Checker, Finding, FindingKey, SentenceStatus, SentenceVerification, Summary};
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
    /// What was concluded about each sentence of the article just checked, indexed like
    /// its `sentences` (given before [`CheckOutput::article_done`]).
    fn sentence_statuses(&mut self, _statuses: Vec<SentenceStatus>) {}
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
    // Progress covers the whole run: the sources, the articles (read, checked and
    // indexed together), then the index's commit.
    observer.event(&Event::Step {
        stage: Stage::Sources,
        items: corpus.sources.len(),
    });
    let sources = crate::sources::load_all(corpus)?;
    let ranker = crate::pipeline::ranker(&sources)?;
    let checker = Checker::new(corpus, config, &sources, Some(&ranker));
    let mut build = match index {
        IndexRefresh::Skip => None,
        IndexRefresh::IfStale(dir) => start_refresh(corpus, dir, observer),
    };
    let total = corpus.articles.len();
    observer.event(&Event::Progress {
        stage: Stage::Checking,
        done: 0,
        total,
        item: None,
    });
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
        (Some(b), None) => {
            observer.event(&Event::Step {
                stage: Stage::Indexing,
                items: total,
            });
            match b.finish(&sources) {
                Ok(stats) => observer.event(&Event::Note(Note::Indexed(stats))),
                Err(error) => {
                    observer.event(&Event::Warning(Warning::NotRefreshed { error: &error }))
                }
            }
        }
    }
    let mut summary = session.finish_into(out);
    summary.unreadable = skipped;
    Ok(summary)
}

/// One article as `check` saw it, for reporters that show findings in their article
/// (the HTML report): nothing in it is computed again later.
pub struct CheckedArticle<'a> {
    pub article: &'a Article,
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
    /// The corpus-wide findings (a work without text, a dead link: once per work),
    /// placed at the first citation of the work or in corpus.lock.
    pub findings: Vec<Finding>,
    pub summary: Summary,
}

/// [`check_corpus`] one article at a time: each article with its findings,
/// verification records and sentence statuses goes to `each` in corpus order as soon as
/// it is checked; the corpus-wide findings come with the summary at the end. Memory
/// depends on the batch size, not on the corpus. The first error `each` returns is
/// returned once the run ends (later articles are not given to `each`).
pub fn check_articles(
    corpus: &Corpus,
    config: Config,
    baseline: Option<&Baseline>,
    index: IndexRefresh<'_>,
    observer: &dyn Observer,
    each: &mut dyn FnMut(CheckedArticle<'_>) -> Result<()>,
) -> Result<CheckEnd> {
    let mut per = PerArticle {
        each,
        findings: Vec::new(),
        verification: Vec::new(),
        statuses: Vec::new(),
        error: None,
    };
    let summary = check_corpus(corpus, config, baseline, index, observer, &mut per)?;
    match per.error {
        Some(e) => Err(e),
        None => Ok(CheckEnd {
            findings: per.findings,
            summary,
        }),
    }
}

/// The [`CheckOutput`] of [`check_articles`]: what arrives for an article is kept
/// until the article is done; findings after the last article are the corpus's.
struct PerArticle<'e> {
    each: &'e mut dyn FnMut(CheckedArticle<'_>) -> Result<()>,
    findings: Vec<Finding>,
    verification: Vec<SentenceVerification>,
    statuses: Vec<SentenceStatus>,
    error: Option<crate::Error>,
}

impl CheckOutput for PerArticle<'_> {
    fn finding(&mut self, finding: Finding) {
        self.findings.push(finding);
    }

    fn verification(&mut self, record: SentenceVerification) {
        self.verification.push(record);
    }

    fn sentence_statuses(&mut self, statuses: Vec<SentenceStatus>) {
        self.statuses = statuses;
    }

    fn article_done(&mut self, article: &Article, _counts: &Summary) {
        let checked = CheckedArticle {
            article,
            findings: std::mem::take(&mut self.findings),
            verification: std::mem::take(&mut self.verification),
            statuses: std::mem::take(&mut self.statuses),
        };
        if self.error.is_none() {
            if let Err(e) = (self.each)(checked) {
                self.error = Some(e);
            }
        }
    }
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
