//! BM25 statistics of the documents still alive, so that an index updated in place
//! (documents deleted and added, see [`super::build`]) scores every document exactly as
//! a full rebuild of the same corpus would.
//!
//! tantivy counts deleted documents in all three of BM25's corpus statistics until a
//! merge purges them: the number of documents (`max_doc`), each term's document frequency
//! (read from the term dictionary) and each field's total number of tokens. An updated
//! index therefore scored its documents slightly differently from a rebuilt one, and
//! near-equal hits could swap places. [`LiveStats`] corrects all three:
//!
//! - documents: the live count (tantivy keeps it per segment);
//! - a term's document frequency: minus the deleted documents that contain it, found by
//!   seeking the term's postings to each deleted document (few: an update deletes the
//!   sentences of the articles it changed, and a build starts afresh past a share of
//!   them, see `incremental::MAX_DELETED_SHARE`);
//! - a field's tokens: minus the tokens of the deleted documents, counted when they were
//!   deleted and kept in the build record ([`super::BuildMeta::removed_tokens`]).
//!
//! An index without deleted documents uses tantivy's own statistics, unchanged.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use tantivy::query::{Bm25StatisticsProvider, Query};

use super::freshness::RemovedDocs;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocId, DocSet, Score, Searcher, SegmentReader, Term, TERMINATED};

/// The statistics of the live documents of `searcher`.
pub(crate) struct LiveStats<'s> {
    searcher: &'s Searcher,
    /// Per segment (by ordinal), its deleted documents in increasing order.
    deleted: Vec<Arc<Vec<DocId>>>,
    /// Tokens of the deleted documents still in the segments, per field.
    removed_tokens: Vec<(Field, u64)>,
}

impl<'s> LiveStats<'s> {
    /// The live statistics of `searcher`, whose deleted documents are `removed` (by
    /// segment id, as recorded by the build); `deleted` gives a segment's deleted
    /// documents (see [`deleted_docs`], which a caller caches).
    pub(crate) fn new(
        searcher: &'s Searcher,
        removed: &BTreeMap<String, RemovedDocs>,
        deleted: impl Fn(&SegmentReader) -> Arc<Vec<DocId>>,
    ) -> Self {
        let deleted = searcher
            .segment_readers()
            .iter()
            .map(|segment| {
                if segment.num_deleted_docs() == 0 {
                    Arc::default()
                } else {
                    deleted(segment)
                }
            })
            .collect();
        let schema = searcher.schema();
        let mut removed_tokens: Vec<(Field, u64)> = Vec::new();
        for segment in searcher.segment_readers() {
            let Some(r) = removed.get(&segment.segment_id().uuid_string()) else {
                continue;
            };
            for (name, n) in &r.tokens {
                let Ok(field) = schema.get_field(name) else {
                    continue;
                };
                match removed_tokens.iter_mut().find(|(f, _)| *f == field) {
                    Some((_, total)) => *total += n,
                    None => removed_tokens.push((field, *n)),
                }
            }
        }
        LiveStats {
            searcher,
            deleted,
            removed_tokens,
        }
    }

    /// Whether any document is deleted: otherwise tantivy's statistics are these.
    pub(crate) fn has_deletes(&self) -> bool {
        self.deleted.iter().any(|d| !d.is_empty())
    }

    /// The average number of tokens of `field` per live document (BM25's `avgdl`), at
    /// least 1.
    pub(crate) fn average_tokens(&self, field: Field) -> tantivy::Result<f32> {
        let docs = self.total_num_docs()?;
        let tokens = self.total_num_tokens(field)?;
        Ok(if docs == 0 {
            1.0
        } else {
            (tokens as f32 / docs as f32).max(1.0)
        })
    }

    /// tantivy's [`SnippetGenerator::create`], weighing the query's terms by their live
    /// document frequency (a rarer term's fragment is preferred).
    pub(crate) fn snippet_generator(
        &self,
        query: &dyn Query,
        field: Field,
    ) -> tantivy::Result<SnippetGenerator> {
        let mut terms: BTreeSet<&Term> = BTreeSet::new();
        query.query_terms(&mut |term, _| {
            if term.field() == field {
                terms.insert(term);
            }
        });
        let mut terms_text: BTreeMap<String, Score> = BTreeMap::new();
        for term in terms {
            let value = term.value();
            let Some(text) = value.as_str() else {
                continue;
            };
            let doc_freq = self.doc_freq(term)?;
            if doc_freq > 0 {
                terms_text.insert(text.to_string(), 1.0 / (1.0 + doc_freq as Score));
            }
        }
        let tokenizer = self.searcher.index().tokenizer_for_field(field)?;
        Ok(SnippetGenerator::new(
            terms_text, tokenizer, field, // tantivy's default; the caller sets its own.
            150,
        ))
    }
}

/// The deleted documents of `segment`, in increasing order.
pub(crate) fn deleted_docs(segment: &SegmentReader) -> Vec<DocId> {
    match segment.alive_bitset() {
        Some(alive) => (0..segment.max_doc())
            .filter(|&d| alive.is_deleted(d))
            .collect(),
        None => Vec::new(),
    }
}

impl Bm25StatisticsProvider for LiveStats<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        let all = Bm25StatisticsProvider::total_num_tokens(self.searcher, field)?;
        let removed = self
            .removed_tokens
            .iter()
            .find(|(f, _)| *f == field)
            .map_or(0, |(_, n)| *n);
        Ok(all.saturating_sub(removed))
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        Ok(self.searcher.num_docs())
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        let mut freq = self.searcher.doc_freq(term)?;
        let segments = self.searcher.segment_readers();
        for (segment, deleted) in segments.iter().zip(&self.deleted) {
            if deleted.is_empty() {
                continue;
            }
            let inverted = segment.inverted_index(term.field())?;
            let Some(mut postings) = inverted.read_postings(term, IndexRecordOption::Basic)? else {
                continue;
            };
            let mut at = postings.doc();
            for &d in deleted.iter() {
                // Seeking backwards is not allowed: a posting past `d` already skipped it.
                if at < d {
                    at = postings.seek(d);
                }
                if at == TERMINATED {
                    break;
                }
                if at == d {
                    freq = freq.saturating_sub(1);
                }
            }
        }
        Ok(freq)
    }
}
