//! citecheck: citation-verified text corpora.
//!
//! Data flows one way, one module per stage:
//!
//! ```text
//! manifest → readers → model → link → { index | check } → report
//! ```
//!
//! - [`manifest`]: the corpus (`corpus.toml`, globs, manifest-less directories);
//! - [`readers`]: one reader per input format, each producing a [`model::Article`];
//! - [`model`]: the article model (sections, paragraphs, sentences, markers, references)
//!   and the format-independent citation rules (sentence scope, marker resolution);
//! - [`segment`]: sentence boundaries; [`dates`]: month names every stage shares;
//! - [`link`]: references → manifest sources, with a score;
//! - [`pipeline`]: the read stage — every article read, parsed and linked once, in
//!   batches on all cores, for whichever stages consume it;
//! - [`check`]: every rule of `citecheck check` over the linked articles;
//! - [`sources`]: source texts split into passages with their line (and treaty article);
//! - [`index`]: the tantivy index of sentences and passages, `search`, source ranking;
//! - [`report`]: renderers over results computed elsewhere.

pub mod check;
pub mod dates;
pub mod error;
pub mod index;
pub mod link;
pub mod manifest;
pub mod model;
pub mod parallel;
pub mod pipeline;
pub mod readers;
pub mod report;
pub mod segment;
pub mod sources;
pub mod stamp;

pub use error::{Error, Result};
pub use manifest::Corpus;
pub use model::Article;

/// Read every article of a corpus and link its references, in manifest order (the
/// read stage, [`pipeline::ReadStage`], holding them all). `progress` is called with how
/// many articles are read so far (for progress bars).
pub fn read_corpus(corpus: &Corpus, progress: impl Fn(usize)) -> Result<Vec<Article>> {
    pipeline::ReadStage::new(corpus).read_all(&progress)
}
