//! Ranking source passages for a sentence: what `weak-support` and the "possible source"
//! of an `uncited-claim` ask. `check` depends only on the [`SourceRanker`] trait; the
//! tantivy index implements it, and tests can plug in a closure.
//!
//! Ranker scores are not comparable across rankers (BM25 depends on the corpus), so the
//! decisions in `check` use score *ratios* between sources plus the share of the
//! sentence's content words a passage contains ([`word_overlap`]), which any ranker's
//! passages can be measured by.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::Arc;

use crate::error::Result;

/// A source passage ranked for a piece of text.
#[derive(Debug, Clone, PartialEq)]
pub struct RankedPassage {
    pub source: String,
    pub line: usize,
    /// Shared, not copied: a ranker returns the same passages for many sentences.
    pub text: Arc<str>,
    pub score: f32,
}

impl RankedPassage {
    /// [`word_overlap`] of `sentence` with this passage. A passage's terms are worked
    /// out once per thread and kept while its text is alive: `check` compares the same
    /// few passages with thousands of sentences.
    pub fn overlap(&self, sentence: &str) -> f64 {
        thread_local! {
            // Keyed by the text's address; the entry holds the text, so the address
            // cannot be reused by another one while the entry exists.
            static TERMS: RefCell<PassageTerms> = RefCell::new(HashMap::new());
        }
        let key = Arc::as_ptr(&self.text) as *const u8 as usize;
        let passage = TERMS.with(|cache| {
            let mut cache = cache.borrow_mut();
            if cache.len() > PASSAGE_CACHE {
                cache.clear();
            }
            cache
                .entry(key)
                .or_insert_with(|| {
                    (
                        self.text.clone(),
                        Rc::new(terms(&self.text).into_iter().collect()),
                    )
                })
                .1
                .clone()
        });
        overlap_with(sentence, &passage)
    }
}

/// Passage terms by the address of the passage's text (see [`RankedPassage::overlap`]).
type PassageTerms = HashMap<usize, (Arc<str>, Rc<HashSet<String>>)>;

/// How many passages' terms a thread keeps (a bound, not a tuning knob).
const PASSAGE_CACHE: usize = 100_000;

/// `Sync`: `check` ranks from several threads at once.
pub trait SourceRanker: Sync {
    /// Source passages that best match `text`, best first, at most `limit`.
    fn rank(&self, text: &str, limit: usize) -> Result<Vec<RankedPassage>>;
}

/// Any function from a text and a limit to ranked passages is a ranker: the seam where
/// the tantivy index plugs in (`|t, n| index.rank_sources(t, n)` mapped to
/// [`RankedPassage`]) without this module depending on it.
impl<F> SourceRanker for F
where
    F: Fn(&str, usize) -> Result<Vec<RankedPassage>> + Sync,
{
    fn rank(&self, text: &str, limit: usize) -> Result<Vec<RankedPassage>> {
        self(text, limit)
    }
}

/// Content words, compared as the verifier compares them (one stopword list, one
/// plural rule: `sources::words`).
pub use crate::sources::words::terms;

/// Share of the distinct content words of `sentence` that occur in `passage`, 0..1.
pub fn word_overlap(sentence: &str, passage: &str) -> f64 {
    overlap_with(sentence, &terms(passage).into_iter().collect())
}

fn overlap_with(sentence: &str, passage: &HashSet<String>) -> f64 {
    let mut s = terms(sentence);
    s.sort();
    s.dedup();
    if s.is_empty() {
        return 0.0;
    }
    s.iter().filter(|w| passage.contains(*w)).count() as f64 / s.len() as f64
}

/// The tantivy index ranks a corpus's source passages for `check` (BM25 with stemming,
/// the same analysis `search` uses).
impl SourceRanker for crate::index::Index {
    fn rank(&self, text: &str, limit: usize) -> Result<Vec<RankedPassage>> {
        Ok(ranked(self.rank_sources(text, limit)?))
    }
}

/// The in-memory index of the source texts `check` loaded ranks them the same way,
/// without the full index.
impl SourceRanker for crate::index::SourceIndex {
    fn rank(&self, text: &str, limit: usize) -> Result<Vec<RankedPassage>> {
        Ok(ranked(crate::index::SourceIndex::rank(self, text, limit)?))
    }
}

fn ranked(hits: Vec<crate::index::SourceHit>) -> Vec<RankedPassage> {
    hits.into_iter()
        .map(|h| RankedPassage {
            source: h.source,
            line: h.line,
            text: h.text,
            score: h.score,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cached_overlap_is_word_overlap_for_every_passage() {
        let sentence = "The harbour dues were fixed at twelve shillings per vessel.";
        // Many short-lived passages: an address freed by one may be given to the next,
        // which must not get the first one's terms.
        for i in 0..200 {
            let text = if i % 2 == 0 {
                format!("Harbour dues: twelve shillings for every vessel ({i}).")
            } else {
                format!("The herring catch fell by half in year {i}.")
            };
            let p = RankedPassage {
                source: "s".into(),
                line: 1,
                text: text.as_str().into(),
                score: 1.0,
            };
            assert_eq!(p.overlap(sentence), word_overlap(sentence, &text), "{text}");
        }
    }
}
