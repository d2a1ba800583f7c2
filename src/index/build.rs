//! Building the index: take the directory's lock, stamp the corpus files, write every
//! article sentence and source passage into a temporary directory, and swap it in.
//!
//! - [`super::freshness`]: the build record, file stamps, fingerprint, freshness check;
//! - [`super::generation`]: the directory layout, the lock, the atomic swap;
//! - [`super::writer`]: the documents; [`super::incremental`]: what an update changes.
//!
//! A build is fed by the read stage ([`crate::pipeline`]): [`build`] reads the corpus for
//! itself, while `check` starts an [`IndexBuild`] and hands it each article it reads for
//! checking, so a stale index costs no second read of the corpus.
//!
//! # Incremental builds
//!
//! When only article files changed since the current generation was built (edited,
//! added or removed articles; the manifest, the lock and every source text as recorded),
//! a build re-analyses those articles alone ([`super::incremental::plan`]):
//!
//! 1. *Copy on write.* A new temporary directory gets the current generation's segment
//!    files as hard links and copies of tantivy's `meta.json` and `.managed.json`
//!    ([`generation::clone_generation`]). tantivy never writes a segment file again:
//!    deletions go into a new `<segment>.<opstamp>.del` file, new documents into a new
//!    segment, and `meta.json` is replaced by a rename. The current generation is
//!    therefore never written, whatever happens.
//! 2. *Update.* tantivy opens the copy; each changed or removed article's sentences are
//!    deleted (`kind:article AND doc:<id>`), the changed and added articles' sentences
//!    added, and a source's passages rewritten only when the footnotes citing it
//!    changed; one commit, no merge.
//! 3. *Seal and swap* exactly as a full build does ([`generation::publish`]): the seal
//!    lists every file of the new generation (the links included), `CURRENT` is replaced
//!    by a rename, and the previous generation's directory is removed (its links go; the
//!    files live on in the new generation).
//!
//! Killed at any point before the rename of `CURRENT`, an update leaves the previous
//! generation current and searchable, and a `.tmp-` directory the next build removes;
//! killed after it, the new generation is complete. A file that changed while it was
//! read is caught by the next freshness check, as in a full build.
//!
//! *Same results as a full rebuild.* Scores: BM25's statistics count only the live
//! documents (tantivy's would count the deleted ones too until a merge; see
//! [`super::live_stats`]), so each document scores exactly as in a rebuilt index. Equal
//! scores rank by `ord`, whose high bits are a per-article key in corpus order with room
//! between neighbours: an added article takes a key between its neighbours', so ties
//! rank in corpus order as after a rebuild (the `ord` values differ, their order does
//! not). A build falls back to a full one when anything but articles changed, when the
//! corpus has one article, when a change reorders the kept articles, when the keys run
//! out of room, or when deleted documents or segments pile up past the bounds in
//! [`super::incremental`].
//!
//! *A touched file* (new mtime, same content) makes the index fresh by content; the next
//! `index` or `search` then publishes a generation with the new stamps — hard links and
//! new records, no tantivy write — so later searches take the `stat`-only path again
//! instead of hashing the file every time.

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::freshness::{
    fingerprint, needs_restamp, stamp_files, BuildMeta, BuildStats, CorpusIdentity, FileStamp,
    Freshness, RecordedFiles, VERSION,
};
pub use super::freshness::{freshness, freshness_by_content};
use super::generation::{self, current, lock, remove_leftovers, BuildLock};
use super::incremental::{self, ArticleTable, Plan};
use super::integrity;
use super::schema::SCHEMA_VERSION;
use super::writer::DocWriter;
use crate::error::Result;
use crate::manifest::Corpus;
use crate::model::Article;
use crate::observer::{Event, Observer, Stage};
use crate::pipeline::ReadStage;
use crate::sources::Sources;

pub use super::generation::recorded_listings;
pub use super::writer::FAIL_AFTER_ENV;

/// What [`build`] did.
#[derive(Debug, Clone)]
pub enum BuildOutcome {
    /// The index already matched the corpus; nothing was written (or only the new
    /// stamps of files touched without a change).
    UpToDate(BuildStats),
    Built(BuildStats),
}

/// What [`IndexBuild::start`] found.
pub enum Start<'c> {
    /// The index already matches the corpus (another process may have built it while
    /// this one waited for the lock).
    UpToDate(BuildStats),
    /// A build in progress: add every article, then [`IndexBuild::finish`].
    Building(Box<IndexBuild<'c>>),
}

/// The previous generation an incremental build updates.
struct Updating {
    meta: BuildMeta,
    /// Ids of the articles to write again (changed or added).
    rewrite: Vec<String>,
}

/// A build in progress, holding the directory's lock: concurrent builds queue instead
/// of corrupting each other, and searches keep reading the previous generation. Dropped
/// without [`IndexBuild::finish`], it leaves the previous generation current and its
/// temporary directory is removed.
pub struct IndexBuild<'c> {
    corpus: &'c Corpus,
    dir: &'c Path,
    // Fields drop in this order: the writer first (its threads write out the segments
    // they hold as they stop), then the temporary directory it wrote into, then the
    // lock. Removing the directory before the writer stopped left a `.tmp-…` behind.
    docs: DocWriter,
    tmp: generation::BuildDir,
    _lock: BuildLock,
    stamps: Vec<FileStamp>,
    stamped_at_ns: u64,
    started: Instant,
    /// `Some` for an incremental build.
    updating: Option<Updating>,
}

impl<'c> IndexBuild<'c> {
    /// Lock `dir` and start building the index of `corpus` unless it is up to date
    /// (`force` rebuilds anyway, in full). The corpus files are stamped now, before any
    /// is read, so a file changed during the build makes the next freshness check
    /// rebuild. When only articles changed, the build is incremental (see the module
    /// documentation); when no content changed but stamps did, the new stamps are
    /// recorded and the index is up to date.
    pub fn start(
        corpus: &'c Corpus,
        dir: &'c Path,
        force: bool,
        observer: &dyn Observer,
    ) -> Result<Start<'c>> {
        let lock = lock(dir, observer)?;
        let previous = current(dir).ok().flatten();
        if !force {
            if let Some((gen, meta)) = &previous {
                if freshness_verified(corpus, dir, false)? == Freshness::Fresh {
                    // A build killed after its swap left the generation it replaced:
                    // nothing to build, but that is still to clean.
                    remove_leftovers(dir, Some(gen));
                    let (stamps, at) = stamp_files(corpus, known(meta).as_ref().map(known_ref))?;
                    if needs_restamp(meta, &stamps, at) {
                        restamp(corpus, dir, gen, meta, stamps, at)?;
                    }
                    return Ok(Start::UpToDate(meta.stats));
                }
            }
        }
        remove_leftovers(dir, previous.as_ref().map(|p| p.0.as_path()));
        let started = Instant::now();
        let known = previous.as_ref().and_then(|(_, m)| known(m));
        let (stamps, stamped_at_ns) = stamp_files(corpus, known.as_ref().map(known_ref))?;
        let update = match (&previous, force) {
            (Some((gen, meta)), false) => start_update(corpus, dir, gen, meta, &stamps)?,
            _ => None,
        };
        let (tmp, docs, updating) = match update {
            Some((tmp, docs, updating)) => (tmp, docs, Some(updating)),
            None => {
                let tmp = generation::temp_dir(dir)?;
                let docs = DocWriter::create(tmp.path(), corpus)?;
                (tmp, docs, None)
            }
        };
        Ok(Start::Building(Box::new(IndexBuild {
            corpus,
            dir,
            docs,
            tmp,
            _lock: lock,
            stamps,
            stamped_at_ns,
            started,
            updating,
        })))
    }

    /// Whether this build is incremental (writes only the articles that changed).
    pub fn is_incremental(&self) -> bool {
        self.updating.is_some()
    }

    /// Ids of the articles an incremental build writes (changed or added), in no
    /// particular order; `None` for a full build, which writes every article.
    pub fn articles_to_write(&self) -> Option<&[String]> {
        self.updating.as_ref().map(|u| u.rewrite.as_slice())
    }

    /// Add one linked article (in corpus order). An incremental build ignores the
    /// articles it keeps as they are.
    pub fn add_article(&mut self, article: &Article) -> Result<()> {
        if !self.docs.wants(&article.id) {
            return Ok(());
        }
        self.docs.add_article(self.corpus, article)
    }

    /// Whether [`IndexBuild::finish`] reads the source texts it is given: an
    /// incremental build that changed no citation of a source does not.
    pub fn needs_sources(&self) -> bool {
        self.docs.needs_sources()
    }

    /// Add the source passages, commit, and make this build the current generation.
    pub fn finish(self, sources: &Sources) -> Result<BuildStats> {
        let (mut stats, table, removed) = self.docs.finish(self.corpus, sources)?;
        stats.millis = self.started.elapsed().as_millis() as u64;
        stats.rewritten = self.updating.as_ref().map(|u| u.rewrite.len());
        table.write(self.tmp.path())?;
        // The deletions recorded before, and this build's, of the segments still there
        // (tantivy drops a segment whose every document is deleted).
        let mut all_removed = self
            .updating
            .as_ref()
            .map(|u| u.meta.removed.clone())
            .unwrap_or_default();
        for (segment, docs) in removed.by_segment {
            let into = all_removed.entry(segment).or_default();
            into.docs += docs.docs;
            for (field, n) in docs.tokens {
                *into.tokens.entry(field).or_insert(0) += n;
            }
        }
        all_removed.retain(|segment, _| removed.segments.contains(segment));
        let meta = BuildMeta {
            schema_version: SCHEMA_VERSION,
            citecheck_version: VERSION.to_string(),
            fingerprint: fingerprint(&self.stamps),
            stamped_at_ns: self.stamped_at_ns,
            corpus: Some(CorpusIdentity::of(self.corpus)),
            files: RecordedFiles::from_stamps(&self.stamps),
            stats,
            removed: all_removed,
            seal: None,
        };
        generation::publish(self.dir, self.tmp, meta, &self.corpus.listings)?;
        Ok(stats)
    }
}

type Known = (Vec<FileStamp>, u64);

/// The recorded stamps of `meta` and when they were taken, to reuse their hashes.
fn known(meta: &BuildMeta) -> Option<Known> {
    Some((meta.files.parse()?, meta.stamped_at_ns))
}

fn known_ref(k: &Known) -> (&[FileStamp], u64) {
    (k.0.as_slice(), k.1)
}

/// Publish generation `gen` again with the new `stamps` taken at `at` (its content is
/// that of the corpus): its files hard-linked into a new generation with new records.
fn restamp(
    corpus: &Corpus,
    dir: &Path,
    gen: &Path,
    meta: &BuildMeta,
    stamps: Vec<FileStamp>,
    at: u64,
) -> Result<PathBuf> {
    let tmp = generation::clone_generation(dir, gen)?;
    if let Some(table) = ArticleTable::read(gen) {
        table.write(tmp.path())?;
    }
    let mut meta = meta.clone();
    meta.fingerprint = fingerprint(&stamps);
    meta.stamped_at_ns = at;
    meta.files = RecordedFiles::from_stamps(&stamps);
    meta.corpus = Some(CorpusIdentity::of(corpus));
    meta.seal = None;
    generation::publish(dir, tmp, meta, &corpus.listings)
}

/// Record the corpus's new stamps when its files were touched without a change (see
/// [`super::freshness::Checked::restamp`]), if no build holds the lock (then that build
/// records them) and the index can be written; otherwise nothing happens: the index is
/// fresh either way.
pub(super) fn restamp_if_idle(corpus: &Corpus, dir: &Path) {
    let Ok(Some(_lock)) = generation::try_lock(dir) else {
        return;
    };
    let Ok(Some((gen, meta))) = current(dir) else {
        return;
    };
    let Ok((stamps, at)) = stamp_files(corpus, known(&meta).as_ref().map(known_ref)) else {
        return;
    };
    if fingerprint(&stamps) == meta.fingerprint && needs_restamp(&meta, &stamps, at) {
        let _ = restamp(corpus, dir, &gen, &meta, stamps, at);
    }
}

/// An incremental build of `corpus` from generation `gen` when the plan allows one
/// (see [`incremental::plan`]); `None` for a full build.
fn start_update(
    corpus: &Corpus,
    dir: &Path,
    gen: &Path,
    meta: &BuildMeta,
    stamps: &[FileStamp],
) -> Result<Option<(generation::BuildDir, DocWriter, Updating)>> {
    if super::freshness::version_mismatch(meta).is_some()
        || super::freshness::other_corpus(&CorpusIdentity::of(corpus), meta).is_some()
    {
        return Ok(None);
    }
    let (table, rewrite, remove) = match incremental::plan(corpus, gen, meta, stamps) {
        Plan::Update {
            table,
            rewrite,
            remove,
        } => (table, rewrite, remove),
        // Same content (the freshness check raced a change back): rebuilt in full,
        // which is always correct.
        Plan::Restamp | Plan::Full => return Ok(None),
    };
    // The generation carried over must be whole: every sealed file there, with its size.
    if integrity::verify_files(gen, meta.seal.as_deref(), integrity::Depth::Quick).is_err()
        || meta.seal.is_none()
    {
        return Ok(None);
    }
    let tmp = generation::clone_generation(dir, gen)?;
    let ids: Vec<String> = rewrite.keys().cloned().collect();
    let mut docs = DocWriter::update(tmp.path(), corpus, table, rewrite, meta.stats)?;
    for id in &remove {
        docs.remove_article(id)?;
    }
    Ok(Some((
        tmp,
        docs,
        Updating {
            meta: meta.clone(),
            rewrite: ids,
        },
    )))
}

/// [`freshness`] (or with `by_content` [`freshness_by_content`]), and when the index is
/// fresh by its record, every segment file read back against its checksum: what
/// `index --check` and `index` decide on, so that a damaged index is reported and
/// rebuilt. (A search, which must be fast, trusts the record and fails when it meets
/// the damage.)
pub fn freshness_verified(corpus: &Corpus, dir: &Path, by_content: bool) -> Result<Freshness> {
    let fresh = if by_content {
        freshness_by_content(corpus, dir)?
    } else {
        freshness(corpus, dir)?
    };
    if fresh != Freshness::Fresh {
        return Ok(fresh);
    }
    // Every file against the seal and every segment file's checksum first: tantivy may
    // panic on a damaged segment before it notices anything wrong.
    let verified = generation::with_current(dir, |gen| {
        let seal = generation::read_record(gen)?.and_then(|(_, meta)| meta.seal);
        integrity::verify_generation(gen, seal.as_deref())
    })
    .and_then(|_| super::Index::open(dir));
    Ok(match verified {
        Ok(None) => Freshness::Missing,
        Ok(Some(_)) => Freshness::Fresh,
        Err(e) => Freshness::Stale(integrity::stale_reason(&e)),
    })
}

/// Build the index of `corpus` in `dir` unless it is already up to date (`force`
/// rebuilds anyway), reading the corpus through the read stage. `observer` hears of a
/// wait for the lock and of the build's progress.
pub fn build(
    corpus: &Corpus,
    dir: &Path,
    force: bool,
    observer: &dyn Observer,
) -> Result<BuildOutcome> {
    let mut build = match IndexBuild::start(corpus, dir, force, observer)? {
        Start::UpToDate(stats) => return Ok(BuildOutcome::UpToDate(stats)),
        Start::Building(b) => *b,
    };
    if let Some(ids) = build.articles_to_write() {
        // An update reads only the articles it writes.
        let ids: std::collections::HashSet<&str> = ids.iter().map(String::as_str).collect();
        let specs: Vec<_> = corpus
            .articles
            .iter()
            .filter(|a| ids.contains(a.id.as_str()))
            .cloned()
            .collect();
        for spec in &specs {
            let article = crate::pipeline::read_article(corpus, spec)?;
            build.add_article(&article)?;
        }
        let sources = if build.needs_sources() {
            crate::sources::load_all(corpus)?
        } else {
            Sources::default()
        };
        return Ok(BuildOutcome::Built(build.finish(&sources)?));
    }
    let sources = crate::sources::load_all(corpus)?;
    ReadStage::new(corpus).for_each_batch(
        |_, article| article,
        |batch| {
            for article in batch {
                build.add_article(&article?)?;
            }
            Ok(())
        },
        &|done| {
            observer.event(&Event::Progress {
                stage: Stage::Indexing,
                done,
                total: corpus.articles.len(),
                item: None,
            })
        },
    )?;
    // The sources' passages, the commit and the swap: seconds on a large corpus.
    observer.event(&Event::Step {
        stage: Stage::Indexing,
        items: corpus.articles.len(),
    });
    Ok(BuildOutcome::Built(build.finish(&sources)?))
}
