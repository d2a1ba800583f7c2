//! citecheck: citation-verified text corpora.
//!
//! Data flows one way, one module per stage:
//!
//! ```text
//! manifest → readers → model → link → { index | check } → report
//! ```
//!
//! - [`rule`]: every rule's name, default severity and explanation, shared by readers
//!   and the checker;
//! - [`manifest`]: the corpus (`corpus.toml`, globs, manifest-less directories);
//! - [`readers`]: one reader per input format, each producing a [`model::Article`];
//! - [`model`]: the article model (sections, paragraphs, sentences, markers, references)
//!   and the format-independent citation rules (sentence scope, marker resolution);
//! - [`segment`]: sentence boundaries; [`dates`]: month names every stage shares;
//! - [`link`]: references → manifest sources, with a score;
//! - [`fetch`]: source texts downloaded and pinned in `corpus.lock` (the only network use);
//! - [`check`]: every rule of `citecheck check` over the linked articles;
//! - [`sources`]: source texts split into passages with their line (and treaty article);
//! - [`index`]: the tantivy index of sentences and passages, `search`, source ranking;
//! - [`report`]: renderers over results computed elsewhere.

pub mod check;
pub mod dates;
pub mod error;
pub mod fetch;
pub mod index;
pub mod link;
pub mod manifest;
pub mod model;
pub mod parallel;
pub mod readers;
pub mod report;
pub mod rule;
pub mod segment;
pub mod sources;
pub mod stamp;

pub use error::{Error, Result};
pub use manifest::Corpus;
pub use model::Article;

/// Read every article of a corpus and link its references, in manifest order.
/// `progress` is called with how many articles are read so far (for progress bars).
pub fn read_corpus(corpus: &Corpus, mut progress: impl FnMut(usize)) -> Result<Vec<Article>> {
    // Articles parse independently: contiguous runs on all cores, joined in order. The
    // first error in article order is the one reported, as a single thread would.
    let specs = &corpus.articles;
    let done = std::sync::atomic::AtomicUsize::new(0);
    let read_run = |run: &[manifest::ArticleSpec], report: &mut dyn FnMut(usize)| {
        let mut out = Vec::with_capacity(run.len());
        for spec in run {
            let mut article = readers::read_article(spec)?;
            link::link_article(&mut article, corpus);
            out.push(article);
            report(done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1);
        }
        Ok::<_, Error>(out)
    };
    // This thread reads the first run and reports progress for all of them.
    let runs = parallel::map_runs(
        specs,
        32,
        |_, run| read_run(run, &mut |_| {}),
        |_, run| read_run(run, &mut progress),
    );
    let mut articles = Vec::with_capacity(specs.len());
    for run in runs {
        articles.extend(run?);
    }
    progress(articles.len());
    Ok(articles)
}
