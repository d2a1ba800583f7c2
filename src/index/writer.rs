//! Writing documents: one tantivy document per article sentence and per source passage,
//! numbered in corpus order (`ord`, the tie-break between equal scores).

use std::path::Path;

use tantivy::indexer::NoMergePolicy;
use tantivy::{IndexWriter, TantivyDocument};

use super::freshness::BuildStats;
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

/// A tantivy index being written into an empty directory. Articles are added as the
/// read stage yields them; the source passages go last, once every article has said
/// which of its footnotes cite each source.
pub(super) struct DocWriter {
    writer: IndexWriter,
    /// The directory written into, named by a write error.
    dir: std::path::PathBuf,
    fields: Fields,
    ord: u64,
    fail_after: Option<u64>,
    /// Footnotes citing each corpus source (by manifest position), gathered while the
    /// articles go by: a passage shows them.
    citing: Vec<Vec<String>>,
    many_articles: bool,
    pub(super) stats: BuildStats,
}

impl DocWriter {
    pub(super) fn create(path: &Path, corpus: &Corpus) -> Result<DocWriter> {
        let (schema, fields) = schema::build();
        // No index sorting and no final merge: the indexing threads' segments stay as they
        // are (which thread took which document varies from run to run), and searches break
        // equal scores by the `ord` field instead of by doc address, so the same corpus
        // still gives the same results in the same order. Sorting and merging 400,000
        // sentences cost a fifth of the build, single-threaded at its end.
        let index = tantivy::IndexBuilder::new()
            .schema(schema)
            .create_in_dir(path)
            .map_err(tantivy_err)?;
        super::tokenizer::register(&index);
        // Analysis (tokenizing, stemming) dominates: as many indexing threads as cores, up
        // to 4, while the read stage parses the articles.
        let threads = crate::parallel::threads(4);
        let writer: IndexWriter = index
            .writer_with_num_threads(threads, WRITER_MEMORY)
            .map_err(tantivy_err)?;
        writer.set_merge_policy(Box::new(NoMergePolicy));
        Ok(DocWriter {
            writer,
            dir: path.to_path_buf(),
            fields,
            ord: 0,
            fail_after: std::env::var(FAIL_AFTER_ENV)
                .ok()
                .and_then(|v| v.trim().parse().ok()),
            citing: vec![Vec::new(); corpus.sources.len()],
            many_articles: corpus.articles.len() > 1,
            stats: BuildStats::default(),
        })
    }

    fn add(&mut self, mut doc: TantivyDocument) -> Result<()> {
        if self.fail_after.is_some_and(|n| self.ord >= n) {
            return Err(Error::Index {
                kind: IndexErrorKind::Aborted,
                path: None,
                detail: Some(format!(
                    "after {} documents ({FAIL_AFTER_ENV} is set)",
                    self.ord
                )),
                source: None,
            });
        }
        doc.add_u64(self.fields.ord, self.ord);
        self.ord += 1;
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

    /// One document per sentence of a linked article.
    pub(super) fn add_article(&mut self, corpus: &Corpus, article: &Article) -> Result<()> {
        for r in &article.references {
            let Some(link) = &r.link else { continue };
            if let Some(i) = corpus.sources.iter().position(|s| s.id == link.source) {
                let label = if self.many_articles {
                    format!("{}#{}", article.id, r.label)
                } else {
                    r.label.clone()
                };
                if !self.citing[i].contains(&label) {
                    self.citing[i].push(label);
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
            self.add(doc)?;
        }
        self.stats.sentences += article.sentences.len();
        self.stats.articles += 1;
        Ok(())
    }

    /// One document per passage of every source with text, then commit.
    pub(super) fn finish(mut self, corpus: &Corpus, sources: &Sources) -> Result<BuildStats> {
        let f = self.fields;
        for (i, source) in corpus.sources.iter().enumerate() {
            let Some(text) = sources.get(&source.id) else {
                continue;
            };
            let file = corpus.relative(&text.path);
            for p in &text.passages {
                let mut doc = TantivyDocument::new();
                doc.add_text(f.kind, KIND_SOURCE);
                doc.add_text(f.doc, &source.id);
                doc.add_text(f.title, &source.title);
                if let Some(s) = &p.section {
                    doc.add_text(f.section, s);
                }
                doc.add_u64(f.line, p.line as u64);
                for label in &self.citing[i] {
                    doc.add_text(f.footnotes, label);
                }
                doc.add_text(f.source, &source.id);
                doc.add_text(f.text, &p.text);
                doc.add_text(f.file, &file);
                self.add(doc)?;
            }
            self.stats.sources += 1;
            self.stats.passages += text.passages.len();
        }
        if let Err(e) = self.writer.commit() {
            return Err(write_error(&self.dir, e));
        }
        let DocWriter {
            writer, dir, stats, ..
        } = self;
        writer
            .wait_merging_threads()
            .map_err(|e| write_error(&dir, e))?;
        Ok(stats)
    }
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
