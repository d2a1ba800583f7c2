//! The read stage: the one place that turns a corpus's article files into linked
//! [`Article`]s. Every command that needs articles (`check`, `index`, `search`'s refresh,
//! `show`, `parse`, `report`) reads them here, once.
//!
//! Articles come in *batches* in corpus order: each batch is read (and, through `map`,
//! processed — checked, prepared for the index) on all cores, handed to the consumer in
//! order, and dropped. Memory therefore depends on the batch size, not on the corpus:
//! a million articles are never all in memory at once.

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::error::Result;
use crate::index::{SourceHit, SourceIndex};
use crate::manifest::{ArticleSpec, Corpus};
use crate::model::Article;
use crate::sources::Sources;

/// Articles one thread reads in a row before handing them on: small enough that a batch
/// of all cores' runs stays a few megabytes, large enough to amortise spawning threads.
const RUN: usize = 32;

/// Read one article of the corpus: parse it with its format, apply the manifest's title,
/// link its references to the corpus's sources.
pub fn read_article(corpus: &Corpus, spec: &ArticleSpec) -> Result<Article> {
    let mut article = crate::readers::read_article(&spec.id, &spec.path, spec.format)?;
    if let Some(title) = &spec.title {
        article.title = Some(title.clone());
    }
    crate::link::link_article(&mut article, corpus);
    Ok(article)
}

/// Counts of what the read stage did, for tests and progress.
#[derive(Debug, Default)]
pub struct ReadCounts {
    /// Article files read and parsed.
    pub articles: AtomicUsize,
}

/// The read stage over one corpus.
pub struct ReadStage<'c> {
    corpus: &'c Corpus,
    counts: ReadCounts,
}

impl<'c> ReadStage<'c> {
    /// A read stage over every article of `corpus`.
    pub fn new(corpus: &'c Corpus) -> Self {
        ReadStage {
            corpus,
            counts: ReadCounts::default(),
        }
    }

    /// How many article files this stage has read so far.
    pub fn articles_read(&self) -> usize {
        self.counts.articles.load(Ordering::Relaxed)
    }

    /// Read every article in corpus order. Each article goes through `map` on the thread
    /// that read it (its position in the corpus, and the article or the error reading
    /// it); the results of a batch go to `consume` in corpus order. `consume` stops the
    /// stage by returning an error. `progress` is told how many articles are done.
    pub fn for_each_batch<R: Send>(
        &self,
        map: impl Fn(usize, Result<Article>) -> R + Sync,
        mut consume: impl FnMut(Vec<R>) -> Result<()>,
        progress: &dyn Fn(usize),
    ) -> Result<()> {
        let specs = &self.corpus.articles;
        let cores = crate::parallel::threads(8);
        let batch = cores * RUN;
        let read_run = |at: usize, run: &[ArticleSpec]| {
            run.iter()
                .enumerate()
                .map(|(k, spec)| {
                    self.counts.articles.fetch_add(1, Ordering::Relaxed);
                    map(at + k, read_article(self.corpus, spec))
                })
                .collect::<Vec<R>>()
        };
        let mut done = 0;
        for (b, specs) in specs.chunks(batch).enumerate() {
            let first = b * batch;
            let runs = crate::parallel::map_runs(
                specs,
                RUN,
                |at, run| read_run(first + at, run),
                |at, run| read_run(first + at, run),
            );
            let results: Vec<R> = runs.into_iter().flatten().collect();
            done += results.len();
            consume(results)?;
            progress(done);
        }
        Ok(())
    }

    /// Every article, in corpus order; the first error in corpus order stops it. For
    /// callers that need all articles at once (the HTML report, tests): memory grows
    /// with the corpus.
    pub fn read_all(&self, progress: &dyn Fn(usize)) -> Result<Vec<Article>> {
        let mut articles = Vec::with_capacity(self.corpus.articles.len());
        self.for_each_batch(
            |_, article| article,
            |batch| {
                for a in batch {
                    articles.push(a?);
                }
                Ok(())
            },
            progress,
        )?;
        Ok(articles)
    }
}

/// The passages of the corpus's source texts (read once, [`crate::sources::load_all`]) in
/// an in-memory index for ranking: empty and free when there are no source texts.
pub fn ranker(sources: &Sources) -> Result<SourceIndex> {
    let passages = sources
        .iter()
        .flat_map(|t| {
            t.passages.iter().map(|p| SourceHit {
                source: t.id.clone(),
                line: p.line,
                section: p.section.clone(),
                text: p.text.as_str().into(),
                score: 0.0,
            })
        })
        .collect();
    SourceIndex::build(passages)
}
