//! Ranking source passages for a sentence: what `weak-support` and the "possible source"
//! of an `uncited-claim` ask. `check` depends only on the [`SourceRanker`] trait; the
//! tantivy index implements it, and tests can plug in a closure.
//!
//! Ranker scores are not comparable across rankers (BM25 depends on the corpus), so the
//! decisions in `check` use score *ratios* between sources plus the share of the
//! sentence's content words a passage contains ([`word_overlap`]), which any ranker's
//! passages can be measured by.

use super::verify::words;
use crate::error::Result;

/// A source passage ranked for a piece of text.
#[derive(Debug, Clone, PartialEq)]
pub struct RankedPassage {
    pub source: String,
    pub line: usize,
    pub text: String,
    pub score: f32,
}

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

/// Words too common to say what a sentence is about.
const STOPWORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "but", "of", "to", "in", "on", "at", "by", "for", "from",
    "with", "as", "is", "was", "were", "be", "been", "are", "it", "its", "this", "that", "these",
    "those", "which", "who", "whom", "had", "has", "have", "not", "no", "their", "his", "her",
    "they", "he", "she", "we", "would", "could", "should", "will", "shall", "may", "also", "into",
    "than", "then", "there", "so", "such", "after", "before", "did", "do", "does", "any", "all",
];

/// A content word's comparable form: lowercase, plural `s` dropped.
fn term(w: &str) -> Option<String> {
    if STOPWORDS.contains(&w) {
        return None;
    }
    let n = w.chars().count();
    Some(if n > 4 && w.ends_with("ies") {
        format!("{}y", &w[..w.len() - 3])
    } else if n > 3 && w.ends_with('s') && !w.ends_with("ss") {
        w[..w.len() - 1].to_string()
    } else {
        w.to_string()
    })
}

pub fn terms(text: &str) -> Vec<String> {
    words(text).words.iter().filter_map(|w| term(w)).collect()
}

/// Share of the distinct content words of `sentence` that occur in `passage`, 0..1.
pub fn word_overlap(sentence: &str, passage: &str) -> f64 {
    let mut s = terms(sentence);
    s.sort();
    s.dedup();
    if s.is_empty() {
        return 0.0;
    }
    let p: std::collections::HashSet<String> = terms(passage).into_iter().collect();
    s.iter().filter(|w| p.contains(*w)).count() as f64 / s.len() as f64
}

/// The tantivy index ranks a corpus's source passages for `check` (BM25 with stemming,
/// the same analysis `search` uses).
impl SourceRanker for crate::index::Index {
    fn rank(&self, text: &str, limit: usize) -> Result<Vec<RankedPassage>> {
        Ok(self
            .rank_sources(text, limit)?
            .into_iter()
            .map(|h| RankedPassage {
                source: h.source,
                line: h.line,
                text: h.text,
                score: h.score,
            })
            .collect())
    }
}
