//! Ranking source passages for a sentence: what `weak-support` and the "possible source"
//! of an `uncited-claim` ask. `check` depends only on the [`SourceRanker`] trait, so the
//! tantivy index (`crate::index::Index::rank_sources`) and the in-memory
//! [`PassageRanker`] are interchangeable; the in-memory one needs no index directory and
//! is what tests and small corpora use.
//!
//! Ranker scores are not comparable across rankers (BM25 depends on the corpus), so the
//! decisions in `check` use score *ratios* between sources plus the share of the
//! sentence's content words a passage contains ([`word_overlap`]), which any ranker's
//! passages can be measured by.

use std::collections::{BTreeMap, HashMap};

use super::verify::{words, SourceDoc};
use crate::error::Result;

/// A source passage ranked for a piece of text.
#[derive(Debug, Clone, PartialEq)]
pub struct RankedPassage {
    pub source: String,
    pub line: usize,
    pub text: String,
    pub score: f32,
}

pub trait SourceRanker {
    /// Source passages that best match `text`, best first, at most `limit`.
    fn rank(&self, text: &str, limit: usize) -> Result<Vec<RankedPassage>>;
}

/// Any function from a text and a limit to ranked passages is a ranker: the seam where
/// the tantivy index plugs in (`|t, n| index.rank_sources(t, n)` mapped to
/// [`RankedPassage`]) without this module depending on it.
impl<F> SourceRanker for F
where
    F: Fn(&str, usize) -> Result<Vec<RankedPassage>>,
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

/// BM25 over the paragraphs of the corpus's source texts, held in memory as postings so
/// a query touches only the passages sharing one of its words.
pub struct PassageRanker {
    passages: Vec<RankedPassage>,
    /// term → (passage, frequency in it), passages ascending.
    postings: HashMap<String, Vec<(usize, u32)>>,
    lengths: Vec<usize>,
    avg_len: f64,
}

impl PassageRanker {
    pub fn new(sources: &BTreeMap<String, SourceDoc>) -> Self {
        let mut passages = Vec::new();
        let mut postings: HashMap<String, Vec<(usize, u32)>> = HashMap::new();
        let mut lengths = Vec::new();
        for doc in sources.values() {
            for p in doc.passages() {
                let ts = terms(&p.text);
                let mut counts: BTreeMap<String, u32> = BTreeMap::new();
                for t in &ts {
                    *counts.entry(t.clone()).or_default() += 1;
                }
                let i = passages.len();
                for (t, n) in counts {
                    postings.entry(t).or_default().push((i, n));
                }
                lengths.push(ts.len());
                passages.push(RankedPassage {
                    source: doc.id.clone(),
                    line: p.line,
                    text: p.text,
                    score: 0.0,
                });
            }
        }
        let avg_len = if lengths.is_empty() {
            0.0
        } else {
            lengths.iter().sum::<usize>() as f64 / lengths.len() as f64
        };
        PassageRanker {
            passages,
            postings,
            lengths,
            avg_len,
        }
    }
}

impl SourceRanker for PassageRanker {
    fn rank(&self, text: &str, limit: usize) -> Result<Vec<RankedPassage>> {
        const K1: f64 = 1.2;
        const B: f64 = 0.75;
        let mut query = terms(text);
        query.sort();
        query.dedup();
        let n = self.passages.len() as f64;
        let mut scores: HashMap<usize, f64> = HashMap::new();
        for t in &query {
            let Some(list) = self.postings.get(t) else {
                continue;
            };
            let df = list.len() as f64;
            let idf = ((n - df + 0.5) / (df + 0.5) + 1.0).ln();
            for &(i, f) in list {
                let f = f as f64;
                let norm = 1.0 - B + B * self.lengths[i] as f64 / self.avg_len.max(1.0);
                *scores.entry(i).or_default() += idf * f * (K1 + 1.0) / (f + K1 * norm);
            }
        }
        let mut scored: Vec<(f64, usize)> = scores.into_iter().map(|(i, s)| (s, i)).collect();
        // Best first; equal scores keep source-id and line order, so results are stable.
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        Ok(scored
            .into_iter()
            .take(limit)
            .map(|(s, i)| RankedPassage {
                score: s as f32,
                ..self.passages[i].clone()
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn ranks_the_passage_sharing_rare_words_first() {
        let mut m = BTreeMap::new();
        for (id, text) in [
            (
                "a",
                "The harbour fees were doubled.\n\nShips paid in silver.",
            ),
            (
                "b",
                "The herring quota was halved to protect the spawning grounds.",
            ),
        ] {
            m.insert(
                id.to_string(),
                SourceDoc::new(id, id, PathBuf::from(id), text.to_string()),
            );
        }
        let r = PassageRanker::new(&m);
        let hits = r.rank("Quotas for herring were halved.", 5).unwrap();
        assert_eq!(hits[0].source, "b");
        assert!(word_overlap("Quotas for herring were halved.", &hits[0].text) > 0.9);
    }
}
