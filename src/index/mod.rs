//! The full-text index of a corpus: every article sentence and every source passage as
//! a tantivy document, searchable with tantivy's query syntax, English stemming and
//! CJK bigrams.
//!
//! - [`build`]: fingerprinting, the build lock, and the atomic build-and-swap;
//! - [`search`]: user queries (with fuzzy fallback and snippets) and [`Index::rank_sources`],
//!   the passage ranking `check` uses to judge whether a cited source supports a claim;
//! - [`schema`], [`tokenizer`]: the document fields and the text analyzer.

// Being split into freshness records, generation swap and document writing (issue 9
// §5); documented with that split.
#[allow(missing_docs)]
pub mod build;
mod freshness;
mod generation;
mod incremental;
mod integrity;
mod live_stats;
mod readonly;
pub mod schema;
pub mod search;
pub mod sources_only;
pub mod tokenizer;
mod writer;

use std::path::{Path, PathBuf};

use tantivy::{IndexReader, ReloadPolicy};

pub use build::{recorded_listings, BuildOutcome, IndexBuild, Start};
pub use freshness::{BuildMeta, BuildStats, CorpusIdentity, Freshness, RemovedDocs};
pub use integrity::SealedFile;
pub use schema::Fields;
pub use search::{Hit, Kind, Scope, SearchRequest, SearchResults, SourceHit};
pub use sources_only::SourceIndex;

use crate::error::{Error, IndexErrorKind, Result};
use crate::manifest::Corpus;
use crate::observer::{Event, Note, Observer, Warning};

/// An opened index generation.
pub struct Index {
    dir: PathBuf,
    meta: BuildMeta,
    index: tantivy::Index,
    reader: IndexReader,
    fields: Fields,
    /// The source passages alone, copied into memory on first use by `rank_sources`.
    /// (An error is shared: it is reported to every caller.)
    sources_only: std::sync::OnceLock<std::result::Result<SourceIndex, std::sync::Arc<Error>>>,
    /// Each segment's `ord` column (the tie-break between equal scores), opened on
    /// first use: opening one costs more than ranking a single-term query.
    ord_columns: std::sync::Mutex<
        std::collections::HashMap<tantivy::index::SegmentId, tantivy::columnar::Column<u64>>,
    >,
    /// Each segment's deleted documents (after incremental updates), listed on first use.
    deleted_docs: std::sync::Mutex<
        std::collections::HashMap<tantivy::index::SegmentId, std::sync::Arc<Vec<tantivy::DocId>>>,
    >,
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index").field("dir", &self.dir).finish()
    }
}

impl Index {
    /// Open the current index in `dir`; `Ok(None)` when none has been built (or its
    /// generation has no build record). A build swapping generations meanwhile is
    /// noticed and the new one opened (see [`generation::with_current`]).
    pub fn open(dir: &Path) -> Result<Option<Index>> {
        let opened = generation::with_current(dir, |gen| match generation::read_record(gen)? {
            Some((gen, meta)) => Self::open_generation(&gen, meta).map(Some),
            None => Ok(None),
        })?;
        Ok(opened.flatten())
    }

    fn open_generation(gen: &Path, meta: BuildMeta) -> Result<Index> {
        // A truncated, emptied or deleted file, or a changed `meta.json`, is reported
        // before tantivy reads it (it may panic on damaged data).
        // A segment file written since (another mtime) has its checksum verified.
        let rewritten =
            integrity::verify_files(gen, meta.seal.as_deref(), integrity::Depth::Quick)?;
        let (index, fields, reader) = integrity::guarded(gen, || {
            // Read-only: searching needs no write access to the index.
            let index = integrity::open_engine(gen)?;
            integrity::verify_engine(gen, &rewritten, &index)?;
            // The analyzer is code, not data: tantivy stores only its name.
            tokenizer::register(&index);
            let fields = Fields::of(&index.schema())
                .map_err(|e| Error::index_caused(IndexErrorKind::WrongVersion, Some(gen), e))?;
            let reader = index
                .reader_builder()
                .reload_policy(ReloadPolicy::Manual)
                .try_into()
                .map_err(writer::tantivy_err)?;
            Ok((index, fields, reader))
        })?;
        Ok(Index {
            dir: gen.to_path_buf(),
            meta,
            index,
            reader,
            fields,
            sources_only: std::sync::OnceLock::new(),
            ord_columns: Default::default(),
            deleted_docs: Default::default(),
        })
    }

    /// BM25 statistics of the live documents of `searcher` (one of this index's): what a
    /// full rebuild would have (see [`live_stats`]).
    pub(crate) fn live_stats<'s>(
        &self,
        searcher: &'s tantivy::Searcher,
    ) -> live_stats::LiveStats<'s> {
        live_stats::LiveStats::new(searcher, &self.meta.removed, |segment| {
            let mut cache = self
                .deleted_docs
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            cache
                .entry(segment.segment_id())
                .or_insert_with(|| std::sync::Arc::new(live_stats::deleted_docs(segment)))
                .clone()
        })
    }

    /// Open the index of `corpus` in `dir`, building it first when it is missing or
    /// refreshing it when the corpus changed, telling `observer` so (and how the build
    /// goes). When a refresh fails but an older index exists, that one is opened (with a
    /// warning): a stale answer beats none.
    pub fn open_or_build(corpus: &Corpus, dir: &Path, observer: &dyn Observer) -> Result<Index> {
        let build = || -> Result<()> {
            if let BuildOutcome::Built(stats) = build::build(corpus, dir, false, observer)? {
                observer.event(&Event::Note(Note::Indexed(stats)));
            }
            Ok(())
        };
        let checked = freshness::check_current_stamps(corpus, dir)
            .map(|c| (c.freshness, c.current, c.restamp));
        match checked {
            Ok((Freshness::Fresh, Some(_), true)) => {
                // Touched files: their new stamps recorded (a new generation), which the
                // open below finds.
                build::restamp_if_idle(corpus, dir);
            }
            Ok((Freshness::Fresh, Some((gen, meta)), false)) => {
                // Opened straight away; should a build have swapped it out meanwhile
                // (the open may then have seen it half removed), the generic open
                // below finds the new one.
                match Self::open_generation(&gen, meta) {
                    Ok(index) if generation::still_current(dir, &gen) => return Ok(index),
                    // Fresh by its record but damaged: rebuilding is the cure.
                    Err(
                        error @ Error::Index {
                            kind: IndexErrorKind::Corrupt,
                            ..
                        },
                    ) if generation::still_current(dir, &gen) => {
                        let reason = integrity::stale_reason(&error);
                        observer.event(&Event::Note(Note::IndexStale { reason }));
                        build()?;
                    }
                    _ => {}
                }
            }
            Ok((Freshness::Fresh, None, _)) => {}
            Ok((Freshness::Missing, _, _)) => {
                observer.event(&Event::Note(Note::IndexMissing { dir }));
                build()?;
            }
            Ok((Freshness::Stale(reason), _, _)) => {
                observer.event(&Event::Note(Note::IndexStale { reason }));
                if let Err(error) = build() {
                    observer.event(&Event::Warning(Warning::RebuildFailed { error: &error }));
                }
            }
            Err(error) => {
                if generation::current(dir).ok().flatten().is_none() {
                    return Err(error);
                }
                observer.event(&Event::Warning(Warning::FreshnessUnknown { error: &error }));
            }
        }
        Index::open(dir)?.ok_or_else(|| Error::Index {
            kind: IndexErrorKind::Missing,
            path: Some(dir.to_path_buf()),
            detail: None,
            source: None,
        })
    }

    /// An error when this index was built from another corpus than `corpus` (another
    /// root directory or manifest): `--no-refresh` must not answer from it.
    pub fn ensure_built_from(&self, corpus: &CorpusIdentity) -> Result<()> {
        match freshness::other_corpus(corpus, &self.meta) {
            None => Ok(()),
            Some(why) => Err(Error::index(IndexErrorKind::OtherCorpus, &self.dir, why)),
        }
    }

    /// The generation directory this index was opened from.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// What the index was built from.
    pub fn meta(&self) -> &BuildMeta {
        &self.meta
    }

    /// The schema's fields, for building queries.
    pub fn fields(&self) -> Fields {
        self.fields
    }

    /// The tantivy index underneath, for queries this API does not offer.
    pub fn tantivy(&self) -> &tantivy::Index {
        &self.index
    }

    /// A searcher over the opened generation.
    pub fn searcher(&self) -> tantivy::Searcher {
        self.reader.searcher()
    }
}

/// "21 sentences of 1 article and 12 passages of 2 sources in 0.4 s".
pub fn describe_stats(s: &BuildStats) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut line = format!(
        "{} of {} and {} of {} in {:.1} s",
        plural(s.sentences, "sentence", "sentences"),
        plural(s.articles, "article", "articles"),
        plural(s.passages, "passage", "passages"),
        plural(s.sources, "source text", "source texts"),
        s.millis as f64 / 1000.0
    );
    if let Some(n) = s.rewritten {
        line.push_str(&format!(
            " (incremental: {} re-indexed)",
            plural(n, "article", "articles")
        ));
    }
    line
}
