//! Writing documents: one tantivy document per article sentence and per source passage,
//! each with its `ord` (the tie-break between equal scores, see [`article_ord`]).
//!
//! A [`DocWriter`] either fills a new, empty index (a full build) or updates a copy of
//! the previous generation in place (an incremental build, see [`super::build`]): the
//! changed articles' documents are deleted and written again, the source passages only
//! when the footnotes citing their source changed.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use tantivy::collector::DocSetCollector;
use tantivy::indexer::NoMergePolicy;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{IndexWriter, Searcher, TantivyDocument, Term};

use super::freshness::{BuildStats, RemovedDocs};
use super::incremental::{ArticleEntry, ArticleTable};
use super::schema::{self, Fields, KIND_ARTICLE, KIND_SOURCE};
use crate::error::{Error, IndexErrorKind, Result};
use crate::manifest::Corpus;
use crate::model::Article;
use crate::sources::Sources;

/// Set to N, a build fails after N documents: lets tests prove that a failed build leaves
/// the previous index usable. Read only inside the build loop.
pub const FAIL_AFTER_ENV: &str = "CITECHECK_FAIL_INDEX_AFTER";

/// tantivy's indexing memory: enough that a corpus of thousands of articles stays one
/// segment (fewer segments, faster queries), small enough for a CI machine.
const WRITER_MEMORY: usize = 300_000_000;

/// An incremental update writes a few articles: one thread, tantivy's smallest budget.
const UPDATE_MEMORY: usize = 20_000_000;

/// Bits of an article sentence's `ord` that number the sentence within its article.
const SENTENCE_BITS: u32 = 20;

/// The `ord` of sentence `sentence` of the article with key `key`. Article keys follow
/// corpus order with room between them ([`super::incremental::KEY_GAP`]): an article
/// added between two others gets a key between theirs, so equal scores still rank in
/// corpus order without renumbering every later article, and the order is the one a
/// full rebuild gives. (Sentences past 2^20 in one article share the last number.)
pub(super) fn article_ord(key: u64, sentence: usize) -> u64 {
    let last = (1u64 << SENTENCE_BITS) - 1;
    (key << SENTENCE_BITS) | (sentence as u64).min(last)
}

/// The `ord` of passage `passage` of the manifest's source number `source`: after every
/// article sentence, in manifest order, fixed by the manifest alone.
fn passage_ord(source: usize, passage: usize) -> u64 {
    (1u64 << 63) | ((source as u64 & 0x7fff_ffff) << 32) | (passage as u64 & 0xffff_ffff)
}

/// What an incremental update works from: the previous generation's documents.
struct Update {
    /// The documents as they were before this update (deletions search it).
    before: Searcher,
    /// The table of the previous generation: the citing footnotes before.
    previous: ArticleTable,
    /// The keys of the articles to write again (changed or added), by id.
    rewrite: HashMap<String, u64>,
    /// The documents deleted, by segment id, kept to count their tokens (see
    /// [`super::live_stats`]).
    removed: BTreeMap<String, Vec<TantivyDocument>>,
}

/// A tantivy index being written. Articles are added as the read stage yields them; the
/// source passages go last, once every article has said which of its footnotes cite
/// each source.
pub(super) struct DocWriter {
    writer: IndexWriter,
    /// The directory written into, named by a write error.
    dir: std::path::PathBuf,
    fields: Fields,
    /// Documents written so far (for [`FAIL_AFTER_ENV`]).
    written: u64,
    fail_after: Option<u64>,
    /// Every article in the index with its key and the footnotes citing each source.
    table: ArticleTable,
    update: Option<Update>,
    many_articles: bool,
    pub(super) stats: BuildStats,
}

impl DocWriter {
    /// A full build into the empty directory `path`.
    pub(super) fn create(path: &Path, corpus: &Corpus) -> Result<DocWriter> {
        let (schema, _) = schema::build();
        // No index sorting and no final merge: the indexing threads' segments stay as they
        // are (which thread took which document varies from run to run), and searches break
        // equal scores by the `ord` field instead of by doc address, so the same corpus
        // still gives the same results in the same order. Sorting and merging 400,000
        // sentences cost a fifth of the build, single-threaded at its end.
        let index = tantivy::IndexBuilder::new()
            .schema(schema)
            .create_in_dir(path)
            .map_err(tantivy_err)?;
        // Analysis (tokenizing, stemming) dominates: as many indexing threads as cores, up
        // to 4, while the read stage parses the articles.
        let threads = crate::parallel::threads(4);
        Self::with_writer(path, corpus, &index, threads, WRITER_MEMORY, None)
    }

    /// An incremental build in `path`, a copy of the previous generation (whose article
    /// table is `previous`): the articles of `rewrite` (id → key) are written again.
    pub(super) fn update(
        path: &Path,
        corpus: &Corpus,
        previous: ArticleTable,
        rewrite: HashMap<String, u64>,
        stats: BuildStats,
    ) -> Result<DocWriter> {
        let index = tantivy::Index::open_in_dir(path).map_err(tantivy_err)?;
        super::tokenizer::register(&index);
        let before = index
            .reader_builder()
            .reload_policy(tantivy::ReloadPolicy::Manual)
            .try_into()
            .map_err(tantivy_err)?
            .searcher();
        let update = Update {
            before,
            previous,
            rewrite,
            removed: BTreeMap::new(),
        };
        let mut writer = Self::with_writer(path, corpus, &index, 1, UPDATE_MEMORY, Some(update))?;
        // The counts of what the update does not touch carry over.
        writer.stats = stats;
        Ok(writer)
    }

    fn with_writer(
        path: &Path,
        corpus: &Corpus,
        index: &tantivy::Index,
        threads: usize,
        memory: usize,
        update: Option<Update>,
    ) -> Result<DocWriter> {
        super::tokenizer::register(index);
        let fields = Fields::of(&index.schema()).map_err(tantivy_err)?;
        let writer: IndexWriter = index
            .writer_with_num_threads(threads, memory)
            .map_err(tantivy_err)?;
        // Never a merge: besides its cost, it would purge deleted documents whose tokens
        // the build record subtracts (see `super::live_stats`).
        writer.set_merge_policy(Box::new(NoMergePolicy));
        let table = match &update {
            Some(u) => u.previous.clone(),
            None => ArticleTable::default(),
        };
        Ok(DocWriter {
            writer,
            dir: path.to_path_buf(),
            fields,
            written: 0,
            fail_after: std::env::var(FAIL_AFTER_ENV)
                .ok()
                .and_then(|v| v.trim().parse().ok()),
            table,
            update,
            many_articles: corpus.articles.len() > 1,
            stats: BuildStats::default(),
        })
    }

    /// Whether `add_article` writes `id`: every article in a full build, the changed and
    /// added ones in an update (the others are already in the index).
    pub(super) fn wants(&self, id: &str) -> bool {
        self.update
            .as_ref()
            .is_none_or(|u| u.rewrite.contains_key(id))
    }

    fn add(&mut self, mut doc: TantivyDocument, ord: u64) -> Result<()> {
        if self.fail_after.is_some_and(|n| self.written >= n) {
            return Err(Error::Index {
                kind: IndexErrorKind::Aborted,
                path: None,
                detail: Some(format!(
                    "after {} documents ({FAIL_AFTER_ENV} is set)",
                    self.written
                )),
                source: None,
            });
        }
        doc.add_u64(self.fields.ord, ord);
        self.written += 1;
        if let Err(e) = self.writer.add_document(doc) {
            return Err(self.write_failed(e));
        }
        Ok(())
    }

    /// The error of a failed write. tantivy's indexing threads stop at their first I/O
    /// error (a full disk), and adding a document then says only "an index writer was
    /// killed": the thread's own error, which committing returns, is the one to report.
    fn write_failed(&mut self, e: tantivy::TantivyError) -> Error {
        let cause = match self.writer.commit() {
            Err(thread_error) => thread_error,
            Ok(_) => e,
        };
        write_error(&self.dir, cause)
    }

    /// The documents of `kind` and `doc` id: an article's sentences or a source's
    /// passages.
    fn docs_of(&self, kind: &str, id: &str) -> Box<dyn Query> {
        let term = |t: Term| -> (Occur, Box<dyn Query>) {
            (
                Occur::Must,
                Box::new(TermQuery::new(t, IndexRecordOption::Basic)),
            )
        };
        Box::new(BooleanQuery::new(vec![
            term(Term::from_field_text(self.fields.kind, kind)),
            term(Term::from_field_text(self.fields.doc, id)),
        ]))
    }

    /// In an update, delete the documents of `kind` and `id` as they were before it
    /// (documents added by this update are not touched), keeping them to count their
    /// tokens; returns how many there were.
    fn delete(&mut self, kind: &str, id: &str) -> Result<usize> {
        let query = self.docs_of(kind, id);
        let Some(update) = &mut self.update else {
            return Ok(0);
        };
        let found = update
            .before
            .search(&*query, &DocSetCollector)
            .map_err(tantivy_err)?;
        let mut found: Vec<_> = found.into_iter().collect();
        found.sort();
        for addr in &found {
            let segment = update.before.segment_reader(addr.segment_ord).segment_id();
            let doc = update.before.doc(*addr).map_err(tantivy_err)?;
            update
                .removed
                .entry(segment.uuid_string())
                .or_default()
                .push(doc);
        }
        self.writer.delete_query(query).map_err(tantivy_err)?;
        Ok(found.len())
    }

    /// Delete article `id` (removed from the corpus) in an update.
    pub(super) fn remove_article(&mut self, id: &str) -> Result<()> {
        let sentences = self.delete(KIND_ARTICLE, id)?;
        self.stats.sentences = self.stats.sentences.saturating_sub(sentences);
        self.stats.articles = self.stats.articles.saturating_sub(1);
        self.table.entries.retain(|e| e.id != id);
        Ok(())
    }

    /// One document per sentence of a linked article (in a full build in corpus order;
    /// in an update, an article [`DocWriter::wants`], replacing its documents).
    pub(super) fn add_article(&mut self, corpus: &Corpus, article: &Article) -> Result<()> {
        let key = match &self.update {
            None => super::incremental::KEY_GAP * (self.table.entries.len() as u64 + 1),
            Some(u) => match u.rewrite.get(&article.id) {
                Some(&key) => key,
                None => return Ok(()),
            },
        };
        if self.update.is_some() {
            if self.table.entries.iter().any(|e| e.id == article.id) {
                self.remove_article(&article.id)?;
            }
            // Written once: a second copy of the same article is not added again.
            if let Some(u) = &mut self.update {
                u.rewrite.remove(&article.id);
            }
        }
        let mut cites: Vec<(usize, String)> = Vec::new();
        for r in &article.references {
            let Some(link) = &r.link else { continue };
            if let Some(i) = corpus.sources.iter().position(|s| s.id == link.source) {
                let label = if self.many_articles {
                    format!("{}#{}", article.id, r.label)
                } else {
                    r.label.clone()
                };
                if !cites.contains(&(i, label.clone())) {
                    cites.push((i, label));
                }
            }
        }
        let file = corpus.relative(&article.path);
        let f = self.fields;
        let title = article.title.as_deref().unwrap_or(&article.id);
        // Implicit sentences share their covering sentence's labels: computed once per
        // covering sentence, so many sentences covered by many markers stay linear.
        let mut cover_labels: Option<(usize, Vec<&str>)> = None;
        for (i, sentence) in article.sentences.iter().enumerate() {
            let mut doc = TantivyDocument::new();
            doc.add_text(f.kind, KIND_ARTICLE);
            doc.add_text(f.doc, &article.id);
            doc.add_text(f.title, title);
            if let Some(h) = article.section_heading(sentence.section) {
                doc.add_text(f.section, h);
            }
            doc.add_u64(f.line, sentence.line as u64);
            if let Some(cover) = sentence.covered_by {
                if cover_labels.as_ref().is_none_or(|(c, _)| *c != cover) {
                    let mut seen = std::collections::HashSet::new();
                    let labels = article
                        .covering_markers(i)
                        .iter()
                        .map(|&m| article.markers[m].label.as_str())
                        .filter(|l| seen.insert(*l))
                        .collect();
                    cover_labels = Some((cover, labels));
                }
                for label in cover_labels.iter().flat_map(|(_, l)| l) {
                    doc.add_text(f.footnotes, label);
                }
            }
            for r in article.sentence_references(i) {
                if let Some(link) = &article.references[r].link {
                    doc.add_text(f.source, &link.source);
                }
            }
            doc.add_text(f.text, &sentence.text);
            doc.add_text(f.file, &file);
            self.add(doc, article_ord(key, i))?;
        }
        let entry = ArticleEntry {
            id: article.id.clone(),
            file,
            key,
            cites,
        };
        // The table stays in key order (= corpus order).
        let at = self.table.entries.partition_point(|e| e.key < key);
        self.table.entries.insert(at, entry);
        self.stats.sentences += article.sentences.len();
        self.stats.articles += 1;
        Ok(())
    }

    /// Whether [`DocWriter::finish`] needs the source texts: always in a full build; in
    /// an update, when the footnotes citing a source changed.
    pub(super) fn needs_sources(&self) -> bool {
        match &self.update {
            None => true,
            Some(u) => u.previous.citing() != self.table.citing(),
        }
    }

    /// The source passages (in an update, of the sources whose citing footnotes
    /// changed), then commit. Returns what the index holds, and the tokens of the
    /// documents an update deleted, by field name.
    pub(super) fn finish(
        mut self,
        corpus: &Corpus,
        sources: &Sources,
    ) -> Result<(BuildStats, ArticleTable, Removed)> {
        // An update given fewer articles than it was to write would record their new
        // stamps over their old documents: never published.
        if let Some(id) = self.update.as_ref().and_then(|u| u.rewrite.keys().min()) {
            return Err(Error::Index {
                kind: IndexErrorKind::Aborted,
                path: None,
                detail: Some(format!("article {id} changed but was not re-indexed")),
                source: None,
            });
        }
        let f = self.fields;
        let citing = self.table.citing();
        let before = self.update.as_ref().map(|u| u.previous.citing());
        for (i, source) in corpus.sources.iter().enumerate() {
            let no_footnotes = Vec::new();
            let labels = citing.get(&i).unwrap_or(&no_footnotes);
            if let Some(before) = &before {
                if before.get(&i).unwrap_or(&no_footnotes) == labels {
                    continue;
                }
                self.delete(KIND_SOURCE, &source.id)?;
            }
            let Some(text) = sources.get(&source.id) else {
                continue;
            };
            let file = corpus.relative(&text.path);
            for (n, p) in text.passages.iter().enumerate() {
                let mut doc = TantivyDocument::new();
                doc.add_text(f.kind, KIND_SOURCE);
                doc.add_text(f.doc, &source.id);
                doc.add_text(f.title, &source.title);
                if let Some(s) = &p.section {
                    doc.add_text(f.section, s);
                }
                doc.add_u64(f.line, p.line as u64);
                for label in labels {
                    doc.add_text(f.footnotes, label);
                }
                doc.add_text(f.source, &source.id);
                doc.add_text(f.text, &p.text);
                doc.add_text(f.file, &file);
                self.add(doc, passage_ord(i, n))?;
            }
            if before.is_none() {
                self.stats.sources += 1;
                self.stats.passages += text.passages.len();
            }
        }
        if let Err(e) = self.writer.commit() {
            return Err(write_error(&self.dir, e));
        }
        let DocWriter {
            writer,
            dir,
            stats,
            table,
            update,
            ..
        } = self;
        let index = writer.index().clone();
        writer
            .wait_merging_threads()
            .map_err(|e| write_error(&dir, e))?;
        let segments = index
            .searchable_segment_ids()
            .map_err(tantivy_err)?
            .iter()
            .map(|id| id.uuid_string())
            .collect();
        let mut by_segment = BTreeMap::new();
        for (segment, docs) in update.map(|u| u.removed).unwrap_or_default() {
            let removed = RemovedDocs {
                docs: docs.len() as u64,
                tokens: tokens_of(docs)?,
            };
            by_segment.insert(segment, removed);
        }
        let removed = Removed {
            by_segment,
            segments,
        };
        Ok((stats, table, removed))
    }
}

/// What an update deleted, by segment id, and the segments the index has now.
#[derive(Debug, Default)]
pub(super) struct Removed {
    pub(super) by_segment: BTreeMap<String, RemovedDocs>,
    pub(super) segments: std::collections::HashSet<String>,
}

/// The tokens of `docs` per indexed field, counted by indexing them into a scratch
/// in-memory index: exactly what tantivy counted when it first indexed them.
fn tokens_of(docs: Vec<TantivyDocument>) -> Result<BTreeMap<String, u64>> {
    let mut tokens = BTreeMap::new();
    if docs.is_empty() {
        return Ok(tokens);
    }
    let (schema, _) = schema::build();
    let index = tantivy::Index::create_in_ram(schema.clone());
    super::tokenizer::register(&index);
    let mut writer: IndexWriter = index
        .writer_with_num_threads(1, UPDATE_MEMORY)
        .map_err(tantivy_err)?;
    for doc in docs {
        writer.add_document(doc).map_err(tantivy_err)?;
    }
    writer.commit().map_err(tantivy_err)?;
    let searcher = index.reader().map_err(tantivy_err)?.searcher();
    for (field, entry) in schema.fields() {
        if !entry.is_indexed() {
            continue;
        }
        let mut n = 0;
        for segment in searcher.segment_readers() {
            n += segment
                .inverted_index(field)
                .map_err(tantivy_err)?
                .total_num_tokens();
        }
        if n > 0 {
            tokens.insert(entry.name().to_string(), n);
        }
    }
    Ok(tokens)
}

/// A tantivy error while writing into `dir`; an I/O error (a full disk) is reported as
/// one, naming the directory.
fn write_error(dir: &Path, e: tantivy::TantivyError) -> Error {
    match e {
        tantivy::TantivyError::IoError(io) => {
            Error::io(dir, std::io::Error::new(io.kind(), io.to_string()))
        }
        // Some of tantivy's write paths keep only the text of the OS error ("Internal
        // error: 'No space left on device (os error 28)'"): the code is at its end.
        other => match os_error_code(&other.to_string()) {
            Some(code) => Error::io(dir, std::io::Error::from_raw_os_error(code)),
            None => tantivy_err(other),
        },
    }
}

/// N in a message ending "(os error N)" (or with a quote after it), as Rust prints an
/// OS error.
fn os_error_code(message: &str) -> Option<i32> {
    let (_, rest) = message.rsplit_once("(os error ")?;
    let (code, _) = rest.split_once(')')?;
    code.parse().ok()
}

pub(crate) fn tantivy_err(e: tantivy::TantivyError) -> Error {
    Error::from(e)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_os_error_is_read_back_from_an_engine_message() {
        let code = super::os_error_code("Internal error: 'No space left on device (os error 28)'");
        assert_eq!(code, Some(28));
        assert_eq!(super::os_error_code("An index writer was killed."), None);
    }
}
