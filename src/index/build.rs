//! Building the index: take the directory's lock, stamp the corpus files, write every
//! article sentence and source passage into a temporary directory, and swap it in.
//!
//! - [`super::freshness`]: the build record, file stamps, fingerprint, freshness check;
//! - [`super::generation`]: the directory layout, the lock, the atomic swap;
//! - [`super::writer`]: the documents.
//!
//! A build is fed by the read stage ([`crate::pipeline`]): [`build`] reads the corpus for
//! itself, while `check` starts an [`IndexBuild`] and hands it each article it reads for
//! checking, so a stale index costs no second read of the corpus.

use std::path::Path;
use std::time::Instant;

use super::freshness::{
    fingerprint, stamp_files, BuildMeta, BuildStats, CorpusIdentity, FileStamp, Freshness,
    RecordedFiles, VERSION,
};
pub use super::freshness::{freshness, freshness_by_content};
use super::generation::{self, current, lock, remove_leftovers, BuildLock};
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
    /// The index already matched the corpus; nothing was written.
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
}

impl<'c> IndexBuild<'c> {
    /// Lock `dir` and start building the index of `corpus` unless it is up to date
    /// (`force` rebuilds anyway). The corpus files are stamped now, before any is read,
    /// so a file changed during the build makes the next freshness check rebuild.
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
                    return Ok(Start::UpToDate(meta.stats));
                }
            }
        }
        remove_leftovers(dir, previous.as_ref().map(|p| p.0.as_path()));
        let started = Instant::now();
        let known = previous
            .as_ref()
            .and_then(|(_, m)| Some((m.files.parse()?, m.stamped_at_ns)));
        let (stamps, stamped_at_ns) =
            stamp_files(corpus, known.as_ref().map(|(f, at)| (f.as_slice(), *at)))?;
        let tmp = generation::temp_dir(dir)?;
        let docs = DocWriter::create(tmp.path(), corpus)?;
        Ok(Start::Building(Box::new(IndexBuild {
            corpus,
            dir,
            docs,
            tmp,
            _lock: lock,
            stamps,
            stamped_at_ns,
            started,
        })))
    }

    /// Add one linked article (in corpus order).
    pub fn add_article(&mut self, article: &Article) -> Result<()> {
        self.docs.add_article(self.corpus, article)
    }

    /// Add the source passages, commit, and make this build the current generation.
    pub fn finish(self, sources: &Sources) -> Result<BuildStats> {
        let mut stats = self.docs.finish(self.corpus, sources)?;
        stats.millis = self.started.elapsed().as_millis() as u64;
        let meta = BuildMeta {
            schema_version: SCHEMA_VERSION,
            citecheck_version: VERSION.to_string(),
            fingerprint: fingerprint(&self.stamps),
            stamped_at_ns: self.stamped_at_ns,
            corpus: Some(CorpusIdentity::of(self.corpus)),
            files: RecordedFiles::from_stamps(&self.stamps),
            stats,
            seal: None,
        };
        generation::publish(self.dir, self.tmp, meta, &self.corpus.listings)?;
        Ok(stats)
    }
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
