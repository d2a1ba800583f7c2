//! The full-text index of a corpus: every article sentence and every source passage as
//! a tantivy document, searchable with tantivy's query syntax, English stemming and
//! CJK bigrams.
//!
//! - [`build`]: fingerprinting, the build lock, and the atomic build-and-swap;
//! - [`search`]: user queries (with fuzzy fallback and snippets) and [`Index::rank_sources`],
//!   the passage ranking `check` uses to judge whether a cited source supports a claim;
//! - [`schema`], [`tokenizer`]: the document fields and the text analyzer.

pub mod build;
mod freshness;
mod generation;
pub mod schema;
pub mod search;
pub mod sources_only;
pub mod tokenizer;
mod writer;

use std::path::{Path, PathBuf};

use tantivy::{IndexReader, ReloadPolicy};

pub use build::{recorded_listings, BuildOutcome, IndexBuild, Start};
pub use freshness::{BuildMeta, BuildStats, Freshness};
pub use schema::Fields;
pub use search::{Hit, Kind, Scope, SearchRequest, SearchResults, SourceHit};
pub use sources_only::SourceIndex;

use crate::error::{Error, Result};
use crate::manifest::Corpus;

/// An opened index generation.
pub struct Index {
    dir: PathBuf,
    meta: BuildMeta,
    index: tantivy::Index,
    reader: IndexReader,
    fields: Fields,
    /// The source passages alone, copied into memory on first use by `rank_sources`.
    /// (An error is kept as its message: it is reported to every caller.)
    sources_only: std::sync::OnceLock<std::result::Result<SourceIndex, String>>,
    /// Each segment's `ord` column (the tie-break between equal scores), opened on
    /// first use: opening one costs more than ranking a single-term query.
    ord_columns: std::sync::Mutex<
        std::collections::HashMap<tantivy::index::SegmentId, tantivy::columnar::Column<u64>>,
    >,
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index").field("dir", &self.dir).finish()
    }
}

impl Index {
    /// Open the current index in `dir`; `Ok(None)` when none has been built.
    pub fn open(dir: &Path) -> Result<Option<Index>> {
        // A build finishing between reading CURRENT and opening the generation it names
        // may have removed that generation: read CURRENT again and retry.
        let mut last_err = None;
        for _ in 0..3 {
            let Some((gen, meta)) = generation::current(dir)? else {
                return Ok(None);
            };
            match Self::open_generation(&gen, meta) {
                Ok(index) => return Ok(Some(index)),
                Err(e) => last_err = Some(e),
            }
        }
        Err(last_err.unwrap_or_else(|| Error::Index("cannot open the index".into())))
    }

    fn open_generation(gen: &Path, meta: BuildMeta) -> Result<Index> {
        let index = tantivy::Index::open_in_dir(gen).map_err(|e| {
            Error::Index(format!(
                "{}: {e}; run `citecheck index` to rebuild it",
                gen.display()
            ))
        })?;
        // The analyzer is code, not data: tantivy stores only its name.
        tokenizer::register(&index);
        let fields = Fields::of(&index.schema()).map_err(|e| {
            Error::Index(format!(
                "{}: not a citecheck index of this version ({e}); run `citecheck index`",
                gen.display()
            ))
        })?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(writer::tantivy_err)?;
        Ok(Index {
            dir: gen.to_path_buf(),
            meta,
            index,
            reader,
            fields,
            sources_only: std::sync::OnceLock::new(),
            ord_columns: Default::default(),
        })
    }

    /// Open the index of `corpus` in `dir`, building it first when it is missing or
    /// refreshing it when the corpus changed, and saying so on stderr unless `quiet`.
    /// When a refresh fails but an older index exists, that one is opened (with a
    /// warning): a stale answer beats none.
    pub fn open_or_build(corpus: &Corpus, dir: &Path, quiet: bool) -> Result<Index> {
        let note = |msg: String| {
            if !quiet {
                eprintln!("citecheck: {msg}");
            }
        };
        match freshness::check_current(corpus, dir) {
            Ok((Freshness::Fresh, Some((gen, meta)))) => {
                // Opened straight away; should a build have swapped it out meanwhile,
                // the generic open below finds the new one.
                if let Ok(index) = Self::open_generation(&gen, meta) {
                    return Ok(index);
                }
            }
            Ok((Freshness::Fresh, None)) => {}
            Ok((Freshness::Missing, _)) => {
                note(format!("no index at {}/ yet: building it", dir.display()));
                report_build(build::build(corpus, dir, false, quiet, &|_| {})?, &note);
            }
            Ok((Freshness::Stale(why), _)) => {
                note(format!("index is stale ({why}): rebuilding it"));
                match build::build(corpus, dir, false, quiet, &|_| {}) {
                    Ok(outcome) => report_build(outcome, &note),
                    Err(e) => note(format!(
                        "warning: could not rebuild the index ({e}); using the previous one"
                    )),
                }
            }
            Err(e) => {
                if generation::current(dir).ok().flatten().is_none() {
                    return Err(e);
                }
                note(format!(
                    "warning: cannot tell whether the index is up to date ({e}); using it as it is"
                ));
            }
        }
        Index::open(dir)?.ok_or_else(|| {
            Error::Index(format!(
                "no index at {}/ (run `citecheck index`)",
                dir.display()
            ))
        })
    }

    /// The generation directory this index was opened from.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// What the index was built from.
    pub fn meta(&self) -> &BuildMeta {
        &self.meta
    }

    pub fn fields(&self) -> Fields {
        self.fields
    }

    pub fn tantivy(&self) -> &tantivy::Index {
        &self.index
    }

    pub fn searcher(&self) -> tantivy::Searcher {
        self.reader.searcher()
    }
}

fn report_build(outcome: BuildOutcome, note: &dyn Fn(String)) {
    if let BuildOutcome::Built(s) = outcome {
        note(format!("indexed {}", describe_stats(&s)));
    }
}

/// "21 sentences of 1 article and 12 passages of 2 sources in 0.4 s".
pub fn describe_stats(s: &BuildStats) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    format!(
        "{} of {} and {} of {} in {:.1} s",
        plural(s.sentences, "sentence", "sentences"),
        plural(s.articles, "article", "articles"),
        plural(s.passages, "passage", "passages"),
        plural(s.sources, "source text", "source texts"),
        s.millis as f64 / 1000.0
    )
}
