//! Building the index: fingerprint, lock, build into a temporary directory, swap in.
//!
//! Layout of the index directory (`--index`, default `index/`):
//!
//! ```text
//! index/
//!   .lock              held by the one process building
//!   CURRENT            names the generation searches open
//!   gen-<id>/          a complete tantivy index + citecheck-index.json
//!   .tmp-<random>/     a build in progress (left behind only by a killed build)
//! ```
//!
//! A build writes a whole new generation beside the current one and then replaces
//! `CURRENT` by a rename, which is atomic: a search sees either the old generation or the
//! new one, never a half-written index, and a build that fails or is killed leaves the
//! previous generation in place. (Renaming the new directory over the old one is not
//! possible: `rename` refuses to replace a non-empty directory.)

use std::borrow::Cow;
use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use fs4::fs_std::FileExt;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tantivy::indexer::NoMergePolicy;
use tantivy::{IndexWriter, TantivyDocument};

use super::schema::{self, Fields, KIND_ARTICLE, KIND_SOURCE, SCHEMA_VERSION};
use crate::error::{Cause, Error, IndexErrorKind, Result};
use crate::manifest::{Corpus, Listing};
use crate::model::Article;
use crate::observer::{Event, Observer, Stage};
use crate::stamp;

pub(crate) const CURRENT: &str = "CURRENT";
pub(crate) const META: &str = "citecheck-index.json";
const FILES: &str = "citecheck-files.tsv";
const LISTINGS: &str = "citecheck-listings.json";
const LOCK: &str = ".lock";
const TMP_PREFIX: &str = ".tmp-";
const GEN_PREFIX: &str = "gen-";

/// Set to N, a build fails after N documents: lets tests prove that a failed build leaves
/// the previous index usable. Read only inside the build loop.
pub const FAIL_AFTER_ENV: &str = "CITECHECK_FAIL_INDEX_AFTER";

/// tantivy's indexing memory: enough that a corpus of thousands of articles stays one
/// segment (fewer segments, faster queries), small enough for a CI machine.
const WRITER_MEMORY: usize = 300_000_000;

/// What an index was built from, stored beside it as `citecheck-index.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BuildMeta {
    pub schema_version: u32,
    pub citecheck_version: String,
    /// SHA-256 over the schema version, citecheck's version and every input file's path
    /// and content hash.
    pub fingerprint: String,
    /// When the file stamps were taken (ns since the Unix epoch).
    pub stamped_at_ns: u64,
    /// Kept in `citecheck-files.tsv`: a corpus of thousands of files would make the JSON
    /// slow to read on every search.
    #[serde(skip)]
    pub files: RecordedFiles,
    pub stats: BuildStats,
}

/// One input file as it was when the index was built.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FileStamp {
    /// Relative to the corpus root.
    pub path: String,
    pub size: u64,
    pub mtime_ns: u64,
    pub sha256: String,
}

/// The input files as recorded (`citecheck-files.tsv`), kept as the text read: the check
/// before every search walks it without allocating, and only a changed corpus needs it
/// parsed into [`FileStamp`]s.
#[derive(Debug, Clone, Default)]
pub struct RecordedFiles {
    tsv: String,
}

impl RecordedFiles {
    fn from_stamps(stamps: &[FileStamp]) -> Self {
        RecordedFiles {
            tsv: format_stamps(stamps),
        }
    }

    /// Every stamp; `None` when a line is damaged.
    pub fn parse(&self) -> Option<Vec<FileStamp>> {
        self.tsv
            .lines()
            .map(|line| {
                let l = StampLine::parse(line)?;
                Some(FileStamp {
                    path: l.path.into_owned(),
                    size: l.size,
                    mtime_ns: l.mtime_ns,
                    sha256: l.sha256.to_string(),
                })
            })
            .collect()
    }
}

/// One line of `citecheck-files.tsv`, borrowed.
struct StampLine<'a> {
    sha256: &'a str,
    size: u64,
    mtime_ns: u64,
    path: Cow<'a, str>,
}

impl<'a> StampLine<'a> {
    /// `None` for a damaged line.
    fn parse(line: &'a str) -> Option<Self> {
        let mut parts = line.splitn(4, '\t');
        let sha256 = parts.next()?;
        let size = parts.next()?.parse().ok()?;
        let mtime_ns = parts.next()?.parse().ok()?;
        let path = parts.next()?;
        let path = if path.contains('%') {
            Cow::Owned(
                path.replace("%0A", "\n")
                    .replace("%0D", "\r")
                    .replace("%25", "%"),
            )
        } else {
            Cow::Borrowed(path)
        };
        Some(StampLine {
            sha256,
            size,
            mtime_ns,
            path,
        })
    }
}

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct BuildStats {
    pub articles: usize,
    pub sentences: usize,
    pub sources: usize,
    pub passages: usize,
    pub millis: u64,
}

/// Whether the index in a directory matches the corpus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Freshness {
    Missing,
    /// Built from something else; the reason names what changed.
    Stale(String),
    Fresh,
}

/// The generation `CURRENT` names, with its build record; `None` when there is none.
pub(crate) fn current(dir: &Path) -> Result<Option<(PathBuf, BuildMeta)>> {
    // A build swapping generations between our reading CURRENT and reading the
    // generation it named removes that generation: read CURRENT again.
    for _ in 0..3 {
        if let Some(found) = read_current(dir)? {
            return Ok(Some(found));
        }
        if !dir.join(CURRENT).exists() {
            break;
        }
    }
    Ok(None)
}

/// The generation directory `CURRENT` names; `None` when there is no `CURRENT`.
fn current_generation(dir: &Path) -> Result<Option<PathBuf>> {
    let name = match fs::read_to_string(dir.join(CURRENT)) {
        Ok(n) => n.trim().to_string(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(&dir.join(CURRENT), e)),
    };
    if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
        return Err(Error::index(
            IndexErrorKind::Corrupt,
            &dir.join(CURRENT),
            format!("names {name:?}"),
        ));
    }
    Ok(Some(dir.join(name)))
}

fn read_current(dir: &Path) -> Result<Option<(PathBuf, BuildMeta)>> {
    let Some(gen) = current_generation(dir)? else {
        return Ok(None);
    };
    let meta_path = gen.join(META);
    let text = match fs::read_to_string(&meta_path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(&meta_path, e)),
    };
    let unreadable = |path: &Path, e: Cause| Error::Index {
        kind: IndexErrorKind::Corrupt,
        path: Some(path.to_path_buf()),
        detail: Some("unreadable build record".into()),
        source: Some(e),
    };
    let mut meta: BuildMeta =
        serde_json::from_str(&text).map_err(|e| unreadable(&meta_path, e.into()))?;
    let files_path = gen.join(FILES);
    meta.files = RecordedFiles {
        tsv: fs::read_to_string(&files_path).map_err(|e| unreadable(&files_path, e.into()))?,
    };
    Ok(Some((gen, meta)))
}

/// The directory listings the current generation's corpus was loaded with, for
/// [`Corpus::load_reusing`]; empty when there is no index or its record is unreadable
/// (the corpus is then listed afresh, which is always correct).
pub fn recorded_listings(dir: &Path) -> Vec<Listing> {
    current_generation(dir)
        .ok()
        .flatten()
        .and_then(|gen| fs::read(gen.join(LISTINGS)).ok())
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

/// `sha256 TAB size TAB mtime_ns TAB path` per line; the path last so that tabs in it
/// need no escaping, `%`, CR and LF percent-escaped.
fn format_stamps(stamps: &[FileStamp]) -> String {
    let mut out = String::new();
    for s in stamps {
        let path = s
            .path
            .replace('%', "%25")
            .replace('\n', "%0A")
            .replace('\r', "%0D");
        out.push_str(&format!(
            "{}\t{}\t{}\t{path}\n",
            s.sha256, s.size, s.mtime_ns
        ));
    }
    out
}

/// Compare the corpus with the index in `dir`. Reads file metadata, and file contents
/// only for files whose size or mtime changed; writes nothing.
pub fn freshness(corpus: &Corpus, dir: &Path) -> Result<Freshness> {
    Ok(check_current(corpus, dir)?.0)
}

/// [`freshness`], with the generation it looked at when fresh (to open it without
/// reading its record again).
pub(crate) fn check_current(
    corpus: &Corpus,
    dir: &Path,
) -> Result<(Freshness, Option<(PathBuf, BuildMeta)>)> {
    let (gen, meta) = match current(dir) {
        Ok(Some(found)) => found,
        Ok(None) => return Ok((Freshness::Missing, None)),
        // A damaged or foreign build record: rebuilding is the cure.
        Err(e @ Error::Index { .. }) => return Ok((Freshness::Stale(e.to_string()), None)),
        Err(e) => return Err(e),
    };
    if meta.schema_version != SCHEMA_VERSION || meta.citecheck_version != VERSION {
        let why = format!(
            "built by citecheck {} (index schema {}), this is {VERSION} (schema {SCHEMA_VERSION})",
            meta.citecheck_version, meta.schema_version
        );
        return Ok((Freshness::Stale(why), None));
    }
    if unchanged_since(corpus, &meta) {
        return Ok((Freshness::Fresh, Some((gen, meta))));
    }
    let Some(recorded) = meta.files.parse() else {
        let why = format!("{}: damaged file list", gen.join(FILES).display());
        return Ok((Freshness::Stale(why), None));
    };
    let (stamps, _) = stamp_files(corpus, Some((&recorded, meta.stamped_at_ns)))?;
    // Stamps equal to the recorded ones give the recorded fingerprint: no need to hash.
    if stamps == recorded || fingerprint(&stamps) == meta.fingerprint {
        return Ok((Freshness::Fresh, Some((gen, meta))));
    }
    let why = describe_change(&recorded, &stamps);
    Ok((Freshness::Stale(why), None))
}

const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Whether every input file is the one recorded — same path, size and mtime — decided
/// with one `stat` per file: what a search of an untouched corpus does, so it allocates
/// nothing per file. A file whose recorded mtime was too close to the build to be
/// trusted (typically the manifest, written just before `index`) is hashed again, which
/// keeps it on this path for every later search. Any difference sends the caller to the
/// full comparison, which says what changed.
fn unchanged_since(corpus: &Corpus, meta: &BuildMeta) -> bool {
    let files = corpus.input_files();
    // Where each recorded line starts (and the end), so that each thread parses only
    // the lines of its own files.
    let tsv = meta.files.tsv.as_str();
    let mut starts: Vec<usize> = std::iter::once(0)
        .chain(tsv.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    if starts.last() != Some(&tsv.len()) {
        starts.push(tsv.len()); // a last line without its newline
    }
    if files.len() + 1 != starts.len() {
        return false;
    }
    let unchanged = |at: usize, run: &[Cow<'_, Path>]| {
        let lines = tsv[starts[at]..starts[at + run.len()]].lines();
        let mut stater = stamp::Stater::default();
        run.iter().zip(lines).all(|(path, line)| {
            StampLine::parse(line).is_some_and(|r| {
                same_relative(corpus, path, &r.path)
                    && stater.size_and_mtime(path) == Some((r.size, r.mtime_ns))
                    && (stamp::trusted(r.mtime_ns, meta.stamped_at_ns)
                        || hash_file(path).is_ok_and(|h| h == r.sha256))
            })
        })
    };
    crate::parallel::map_runs(&files, 512, unchanged, unchanged)
        .into_iter()
        .all(|same| same)
}

/// Whether `path` is `rel` under the corpus root, without allocating in the usual case
/// (the path is the root joined with `rel`).
fn same_relative(corpus: &Corpus, path: &Path, rel: &str) -> bool {
    let p = path.as_os_str().as_encoded_bytes();
    let r = corpus.root.as_os_str().as_encoded_bytes();
    if p.len() == r.len() + 1 + rel.len()
        && p.starts_with(r)
        && p[r.len()] == b'/'
        && p.ends_with(rel.as_bytes())
    {
        return true;
    }
    corpus.relative(path) == rel
}

fn describe_change(old: &[FileStamp], new: &[FileStamp]) -> String {
    let before: std::collections::HashMap<&str, &str> = old
        .iter()
        .map(|o| (o.path.as_str(), o.sha256.as_str()))
        .collect();
    let after: std::collections::HashSet<&str> = new.iter().map(|n| n.path.as_str()).collect();
    for n in new {
        match before.get(n.path.as_str()) {
            None => return format!("{} was added", n.path),
            Some(&sha) if sha != n.sha256 => return format!("{} changed", n.path),
            _ => {}
        }
    }
    if let Some(o) = old.iter().find(|o| !after.contains(o.path.as_str())) {
        return format!("{} was removed", o.path);
    }
    "the corpus files were reordered".to_string()
}

/// Stamp every input file, reusing the content hash `known` (stamps recorded at an
/// instant) gives a file whose size and mtime are unchanged and trusted. Returns the
/// stamps and the instant.
fn stamp_files(
    corpus: &Corpus,
    known: Option<(&[FileStamp], u64)>,
) -> Result<(Vec<FileStamp>, u64)> {
    let now = stamp::now_ns();
    let known_files: std::collections::HashMap<&str, &FileStamp> = known
        .map(|(files, _)| files.iter().map(|f| (f.path.as_str(), f)).collect())
        .unwrap_or_default();
    let stamp = |path: &Cow<'_, Path>| -> Result<FileStamp> {
        let md = fs::metadata(path).map_err(|e| Error::io(path, e))?;
        let mtime_ns = stamp::mtime_ns(&md);
        let rel = corpus.relative(path);
        let reusable = known.and_then(|(_, stamped_at_ns)| {
            known_files.get(rel.as_str()).filter(|f| {
                f.size == md.len()
                    && f.mtime_ns == mtime_ns
                    && stamp::trusted(mtime_ns, stamped_at_ns)
            })
        });
        let sha256 = match reusable {
            Some(f) => f.sha256.clone(),
            None => hash_file(path)?,
        };
        Ok(FileStamp {
            path: rel,
            size: md.len(),
            mtime_ns,
            sha256,
        })
    };
    let files = corpus.input_files();
    // Thousands of `stat`s (and, for a build, hashes) are most of what a search of a big
    // corpus waits for: spread them over the cores, keeping the order.
    let stamp_run = |_, run: &[Cow<'_, Path>]| run.iter().map(stamp).collect::<Result<Vec<_>>>();
    let parts = crate::parallel::map_runs(&files, 256, stamp_run, stamp_run);
    let mut out = Vec::with_capacity(files.len());
    for part in parts {
        out.extend(part?);
    }
    Ok((out, now))
}

fn hash_file(path: &Path) -> Result<String> {
    let mut f = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf).map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex(&h.finalize()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn fingerprint(stamps: &[FileStamp]) -> String {
    let mut h = Sha256::new();
    h.update(format!(
        "citecheck-index schema {SCHEMA_VERSION} citecheck {VERSION}\n"
    ));
    for s in stamps {
        h.update(s.path.as_bytes());
        h.update([0]);
        h.update(s.sha256.as_bytes());
        h.update([b'\n']);
    }
    hex(&h.finalize())
}

/// What [`build`] did.
#[derive(Debug, Clone)]
pub enum BuildOutcome {
    /// The index already matched the corpus; nothing was written.
    UpToDate(BuildStats),
    Built(BuildStats),
}

/// The exclusive build lock on an index directory, released on drop (and by the OS when
/// the process dies, so a killed build never leaves it stuck).
struct BuildLock {
    _file: File,
}

fn lock(dir: &Path, observer: &dyn Observer) -> Result<BuildLock> {
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let path = dir.join(LOCK);
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| Error::io(&path, e))?;
    let got = file.try_lock_exclusive().map_err(|e| Error::io(&path, e))?;
    if !got {
        observer.event(&Event::WaitingForLock { lock: &path });
        file.lock_exclusive().map_err(|e| Error::io(&path, e))?;
    }
    Ok(BuildLock { _file: file })
}

/// Build the index of `corpus` in `dir` unless it is already up to date (`force`
/// rebuilds anyway). Holds the directory's lock throughout, so concurrent builds queue
/// instead of corrupting each other; searches keep reading the previous generation.
/// `observer` hears of a wait for the lock and of the build's progress.
pub fn build(
    corpus: &Corpus,
    dir: &Path,
    force: bool,
    observer: &dyn Observer,
) -> Result<BuildOutcome> {
    let _lock = lock(dir, observer)?;
    let previous = current(dir).ok().flatten();
    // Another process may have built it while we waited for the lock.
    if !force {
        if let Some((_, meta)) = &previous {
            if freshness(corpus, dir)? == Freshness::Fresh {
                return Ok(BuildOutcome::UpToDate(meta.stats));
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
    let tmp = tempfile::Builder::new()
        .prefix(TMP_PREFIX)
        .tempdir_in(dir)
        .map_err(|e| Error::io(dir, e))?;
    let mut stats = write_index(corpus, tmp.path(), observer)?;
    stats.millis = started.elapsed().as_millis() as u64;

    let meta = BuildMeta {
        schema_version: SCHEMA_VERSION,
        citecheck_version: VERSION.to_string(),
        fingerprint: fingerprint(&stamps),
        stamped_at_ns,
        files: RecordedFiles::from_stamps(&stamps),
        stats,
    };
    write_synced(&tmp.path().join(FILES), meta.files.tsv.as_bytes())?;
    write_synced(
        &tmp.path().join(LISTINGS),
        serde_json::to_string(&corpus.listings)
            .unwrap_or_default()
            .as_bytes(),
    )?;
    let meta_path = tmp.path().join(META);
    write_synced(
        &meta_path,
        serde_json::to_string(&meta).unwrap_or_default().as_bytes(),
    )?;

    let gen_name = format!(
        "{GEN_PREFIX}{}-{}",
        &meta.fingerprint[..12],
        stamped_at_ns / 1_000_000
    );
    let gen = dir.join(&gen_name);
    let tmp_path = tmp.keep();
    fs::rename(&tmp_path, &gen).map_err(|e| {
        let _ = fs::remove_dir_all(&tmp_path);
        Error::io(&gen, e)
    })?;
    let pointer = dir.join(format!("{TMP_PREFIX}{CURRENT}-{}", std::process::id()));
    write_synced(&pointer, format!("{gen_name}\n").as_bytes())?;
    fs::rename(&pointer, dir.join(CURRENT)).map_err(|e| Error::io(&dir.join(CURRENT), e))?;
    remove_leftovers(dir, Some(&gen));
    Ok(BuildOutcome::Built(stats))
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = File::create(path).map_err(|e| Error::io(path, e))?;
    f.write_all(bytes)
        .and_then(|_| f.sync_all())
        .map_err(|e| Error::io(path, e))
}

/// Remove what killed builds left behind and generations no longer current. Runs under
/// the lock, so no other build is using them. A search that opened an old generation
/// keeps its open files (Unix semantics); failures are ignored (next build retries).
fn remove_leftovers(dir: &Path, keep: Option<&Path>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if Some(path.as_path()) == keep {
            continue;
        }
        if name.starts_with(TMP_PREFIX) || name.starts_with(GEN_PREFIX) {
            if path.is_dir() {
                let _ = fs::remove_dir_all(&path);
            } else {
                let _ = fs::remove_file(&path);
            }
        }
    }
}

/// Write a complete tantivy index of the corpus into `path` (an empty directory).
fn write_index(corpus: &Corpus, path: &Path, observer: &dyn Observer) -> Result<BuildStats> {
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
    // to 4, while this thread reads and parses the articles.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().clamp(1, 4));
    let mut writer: IndexWriter = index
        .writer_with_num_threads(threads, WRITER_MEMORY)
        .map_err(tantivy_err)?;
    writer.set_merge_policy(Box::new(NoMergePolicy));

    let fail_after: Option<u64> = std::env::var(FAIL_AFTER_ENV)
        .ok()
        .and_then(|v| v.trim().parse().ok());
    let available: Vec<_> = corpus
        .sources
        .iter()
        .filter(|s| corpus.source_available(s))
        .collect();
    let total = corpus.articles.len() + available.len();
    let mut done = 0;
    let progress = |done: usize, item: &str| {
        observer.event(&Event::Progress {
            stage: Stage::Indexing,
            done,
            total,
            item: Some(item),
        })
    };
    let mut stats = BuildStats::default();
    let mut adder = Adder {
        writer: &writer,
        fields,
        ord: 0,
        fail_after,
    };

    // Footnotes citing each source, gathered while the articles go by: a passage shows
    // them, and they are known only once every article is read.
    let mut citing: Vec<Vec<String>> = vec![Vec::new(); corpus.sources.len()];
    let many_articles = corpus.articles.len() > 1;
    for spec in &corpus.articles {
        progress(done, &spec.id);
        let article = crate::read_linked_article(corpus, spec)?;
        let file = corpus.relative(&article.path);
        for r in &article.references {
            let Some(link) = &r.link else { continue };
            if let Some(i) = corpus.sources.iter().position(|s| s.id == link.source) {
                let label = if many_articles {
                    format!("{}#{}", article.id, r.label)
                } else {
                    r.label.clone()
                };
                if !citing[i].contains(&label) {
                    citing[i].push(label);
                }
            }
        }
        stats.sentences += adder.add_article(&article, &file)?;
        stats.articles += 1;
        done += 1;
    }
    for (i, source) in corpus.sources.iter().enumerate() {
        let Some(text) = crate::sources::read_source(corpus, source)? else {
            continue;
        };
        progress(done, &source.id);
        let file = corpus.relative(&text.path);
        for p in &text.passages {
            let mut doc = TantivyDocument::new();
            doc.add_text(fields.kind, KIND_SOURCE);
            doc.add_text(fields.doc, &source.id);
            doc.add_text(fields.title, &source.title);
            if let Some(s) = &p.section {
                doc.add_text(fields.section, s);
            }
            doc.add_u64(fields.line, p.line as u64);
            for label in &citing[i] {
                doc.add_text(fields.footnotes, label);
            }
            doc.add_text(fields.source, &source.id);
            doc.add_text(fields.text, &p.text);
            doc.add_text(fields.file, &file);
            adder.add(doc)?;
        }
        stats.sources += 1;
        stats.passages += text.passages.len();
        done += 1;
    }
    observer.event(&Event::Progress {
        stage: Stage::Indexing,
        done,
        total,
        item: None,
    });

    writer.commit().map_err(tantivy_err)?;
    writer.wait_merging_threads().map_err(tantivy_err)?;
    Ok(stats)
}

struct Adder<'w> {
    writer: &'w IndexWriter,
    fields: Fields,
    ord: u64,
    fail_after: Option<u64>,
}

impl Adder<'_> {
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
        self.writer.add_document(doc).map_err(tantivy_err)?;
        Ok(())
    }

    /// One document per sentence; returns how many.
    fn add_article(&mut self, article: &Article, file: &str) -> Result<usize> {
        let f = self.fields;
        let title = article.title.as_deref().unwrap_or(&article.id);
        for (i, sentence) in article.sentences.iter().enumerate() {
            let mut doc = TantivyDocument::new();
            doc.add_text(f.kind, KIND_ARTICLE);
            doc.add_text(f.doc, &article.id);
            doc.add_text(f.title, title);
            if let Some(h) = article.section_heading(sentence.section) {
                doc.add_text(f.section, h);
            }
            doc.add_u64(f.line, sentence.line as u64);
            let mut labels: Vec<&str> = Vec::new();
            for &m in &sentence.covered_by {
                let label = article.markers[m].label.as_str();
                if !labels.contains(&label) {
                    labels.push(label);
                }
            }
            for label in labels {
                doc.add_text(f.footnotes, label);
            }
            for r in article.sentence_references(i) {
                if let Some(link) = &article.references[r].link {
                    doc.add_text(f.source, &link.source);
                }
            }
            doc.add_text(f.text, &sentence.text);
            doc.add_text(f.file, file);
            self.add(doc)?;
        }
        Ok(article.sentences.len())
    }
}

pub(crate) fn tantivy_err(e: tantivy::TantivyError) -> Error {
    Error::from(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_stamps_round_trip_whatever_the_path() {
        let stamps: Vec<FileStamp> = ["articles/a.txt", "odd\tname %41\nwith newline.md", ""]
            .iter()
            .enumerate()
            .map(|(i, p)| FileStamp {
                path: p.to_string(),
                size: i as u64 * 1000,
                mtime_ns: u64::MAX - i as u64,
                sha256: format!("{i:064x}"),
            })
            .collect();
        assert_eq!(RecordedFiles::from_stamps(&stamps).parse(), Some(stamps));
        let damaged = RecordedFiles {
            tsv: "not a stamp".into(),
        };
        assert_eq!(damaged.parse(), None);
    }

    #[test]
    fn the_change_named_is_the_first_difference() {
        let stamp = |path: &str, sha: &str| FileStamp {
            path: path.into(),
            size: 1,
            mtime_ns: 1,
            sha256: sha.into(),
        };
        let old = [stamp("a", "1"), stamp("b", "2")];
        assert_eq!(
            describe_change(&old, &[stamp("a", "1"), stamp("b", "3")]),
            "b changed"
        );
        assert_eq!(describe_change(&old, &[stamp("a", "1")]), "b was removed");
        assert_eq!(
            describe_change(&old, &[stamp("a", "1"), stamp("b", "2"), stamp("c", "4")]),
            "c was added"
        );
    }
}
