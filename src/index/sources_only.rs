//! An in-memory index of source passages only, for ranking which passage best matches a
//! claim (`check`'s weak-support and possible-source, `show`'s evidence).
//!
//! Ranking in the full index would walk every article sentence sharing a word before a
//! `kind:source` filter dropped it, so `check` slowed down as the corpus grew; here BM25
//! statistics are those of the sources alone, which is what ranking sources against each
//! other needs. It is built from passages in memory — `check` builds it from the source
//! texts the read stage loaded, without opening the full index at all.

use tantivy::collector::TopDocs;
use tantivy::columnar::Column;
use tantivy::tokenizer::TokenStream;
use tantivy::{IndexReader, TantivyDocument};

use super::schema::{self, Fields, KIND_SOURCE};
use super::search::{any_word, SourceHit};
use super::writer::tantivy_err;
use crate::error::Result;

/// Source passages, ranked by BM25 over the same analysis `search` uses.
pub struct SourceIndex {
    reader: IndexReader,
    fields: Fields,
    /// Each segment's `ord` column, by segment position in the (never reloaded) reader.
    ords: Vec<Column<u64>>,
    /// Every passage, by `ord`.
    passages: Vec<SourceHit>,
}

impl std::fmt::Debug for SourceIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SourceIndex")
            .field("passages", &self.passages.len())
            .finish()
    }
}

impl SourceIndex {
    /// Index `passages`; their order is the tie-break between equal scores.
    pub fn build(passages: Vec<SourceHit>) -> Result<SourceIndex> {
        let (schema, fields) = schema::build();
        let ram = tantivy::Index::create_in_ram(schema);
        super::tokenizer::register(&ram);
        let mut writer: tantivy::IndexWriter<TantivyDocument> = ram
            .writer_with_num_threads(1, 50_000_000)
            .map_err(tantivy_err)?;
        for (ord, p) in passages.iter().enumerate() {
            let mut doc = TantivyDocument::new();
            doc.add_text(fields.kind, KIND_SOURCE);
            doc.add_text(fields.doc, &p.source);
            doc.add_text(fields.text, &p.text);
            doc.add_u64(fields.ord, ord as u64);
            writer.add_document(doc).map_err(tantivy_err)?;
        }
        writer.commit().map_err(tantivy_err)?;
        let reader: IndexReader = ram
            .reader_builder()
            .reload_policy(tantivy::ReloadPolicy::Manual)
            .try_into()
            .map_err(tantivy_err)?;
        let ords = reader
            .searcher()
            .segment_readers()
            .iter()
            .map(|s| s.fast_fields().u64("ord").map_err(tantivy_err))
            .collect::<Result<Vec<_>>>()?;
        Ok(SourceIndex {
            reader,
            fields,
            ords,
            passages,
        })
    }

    /// How many passages it holds.
    pub fn len(&self) -> usize {
        self.passages.len()
    }

    /// Whether it holds no passage (ranking then returns nothing, at no cost).
    pub fn is_empty(&self) -> bool {
        self.passages.is_empty()
    }

    /// Passages ranked by how well they match `text` (a claim), best first: a
    /// disjunction of the text's words scored by BM25, so passages sharing its rarer
    /// words rank highest. Equal scores keep passage order. Empty when the text has no
    /// words or there is no passage.
    pub fn rank(&self, text: &str, limit: usize) -> Result<Vec<SourceHit>> {
        if self.passages.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let mut terms: Vec<String> = Vec::new();
        super::tokenizer::with_analyzer(|analyzer| {
            let mut stream = analyzer.token_stream(text);
            while let Some(t) = stream.next() {
                if !terms.contains(&t.text) {
                    terms.push(t.text.clone());
                }
            }
        });
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        let query = any_word(self.fields, &terms);
        let searcher = self.reader.searcher();
        let limit = limit.min(self.passages.len());
        // Rank by score with room to spare, then settle ties by passage order: exact
        // unless the ties run past the probe, when every match is ranked.
        let probe = limit * 2 + 8;
        let mut docs = searcher
            .search(&query, &TopDocs::with_limit(probe).order_by_score())
            .map_err(tantivy_err)?;
        if docs.len() == probe && docs[probe - 1].0 == docs[limit - 1].0 {
            docs = searcher
                .search(
                    &query,
                    &TopDocs::with_limit(self.passages.len()).order_by_score(),
                )
                .map_err(tantivy_err)?;
        }
        let mut keyed: Vec<(f32, usize)> = docs
            .into_iter()
            .filter_map(|(score, addr)| {
                let ord = self
                    .ords
                    .get(addr.segment_ord as usize)?
                    .first(addr.doc_id)?;
                Some((score, ord as usize))
            })
            .collect();
        keyed.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        keyed.truncate(limit);
        Ok(keyed
            .into_iter()
            .filter_map(|(score, ord)| {
                let mut hit = self.passages.get(ord)?.clone();
                hit.score = score;
                Some(hit)
            })
            .collect())
    }
}
