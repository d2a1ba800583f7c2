//! Whether an index matches its corpus: the build record (`citecheck-index.json`), the
//! file stamps (`citecheck-files.tsv`: path, size, mtime, SHA-256 of every input file),
//! the corpus fingerprint, and the check that runs before every search — a `stat` per
//! file when nothing changed, content hashes only for files whose stamp changed.

use std::borrow::Cow;
use std::fs::{self, File};
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::generation::{current, FILES};
use super::schema::SCHEMA_VERSION;
use crate::error::{Error, Result};
use crate::manifest::Corpus;
use crate::stamp;

/// What an index was built from, stored beside it as `citecheck-index.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BuildMeta {
    /// The index schema it was written with.
    pub schema_version: u32,
    /// The citecheck version that built it.
    pub citecheck_version: String,
    /// SHA-256 over the schema version, citecheck's version and every input file's path
    /// and content hash.
    pub fingerprint: String,
    /// When the file stamps were taken (ns since the Unix epoch).
    pub stamped_at_ns: u64,
    /// The corpus it was built from (see [`CorpusIdentity`]); absent in a record written
    /// before citecheck recorded it, which then counts as another corpus.
    #[serde(default)]
    pub corpus: Option<CorpusIdentity>,
    /// Kept in `citecheck-files.tsv`: a corpus of thousands of files would make the JSON
    /// slow to read on every search.
    #[serde(skip)]
    pub files: RecordedFiles,
    /// What went in.
    pub stats: BuildStats,
    /// Documents deleted by incremental updates since the last full build, still in
    /// their segments (skipped by searches), by segment id.
    #[serde(default)]
    pub removed: std::collections::BTreeMap<String, RemovedDocs>,
    /// Every file of the generation as published, to notice damage (see
    /// [`super::integrity`]); absent in a record written before citecheck sealed them.
    #[serde(default)]
    pub seal: Option<Vec<super::integrity::SealedFile>>,
}

/// The deleted documents of one segment (see [`super::live_stats`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemovedDocs {
    /// How many.
    pub docs: u64,
    /// Their tokens per field name, which BM25's statistics leave out.
    pub tokens: std::collections::BTreeMap<String, u64>,
}

impl BuildMeta {
    /// Documents deleted by incremental updates and still in the index.
    pub fn removed_docs(&self) -> u64 {
        self.removed.values().map(|r| r.docs).sum()
    }
}

/// Which corpus an index belongs to: its root directory and manifest, canonical
/// (symlinks and `..` resolved), so that the same corpus reached from another working
/// directory or through a symlink is the same corpus and another one never is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorpusIdentity {
    /// The corpus root directory.
    pub root: PathBuf,
    /// Its `corpus.toml`; `None` for a directory read without a manifest.
    pub manifest: Option<PathBuf>,
}

impl CorpusIdentity {
    /// The identity of `corpus` as loaded.
    pub fn of(corpus: &Corpus) -> Self {
        let canonical = |p: &Path| fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
        CorpusIdentity {
            root: canonical(&corpus.root),
            manifest: corpus.manifest.as_deref().map(canonical),
        }
    }

    /// The identity of the corpus in directory `root` without loading it (the manifest
    /// is `root/corpus.toml` when there is one, as [`Corpus::load`] reads it).
    pub fn at(root: &Path) -> Self {
        let canonical = |p: &Path| fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
        let manifest = root.join(crate::manifest::MANIFEST_NAME);
        CorpusIdentity {
            root: canonical(root),
            manifest: manifest.is_file().then(|| canonical(&manifest)),
        }
    }

    fn describe(&self) -> String {
        match &self.manifest {
            Some(m) => m.display().to_string(),
            None => format!("{}/ (no manifest)", self.root.display()),
        }
    }
}

/// Why `meta` belongs to another corpus than `corpus`; `None` when it is this one's.
pub(super) fn other_corpus(this: &CorpusIdentity, meta: &BuildMeta) -> Option<String> {
    match &meta.corpus {
        Some(built) if built == this => None,
        Some(built) => Some(format!(
            "the index was built from the corpus {}, this is {}",
            built.describe(),
            this.describe()
        )),
        None => Some(format!(
            "the index does not record its corpus (built by an older citecheck); this is {}",
            this.describe()
        )),
    }
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
    pub(super) tsv: String,
}

impl RecordedFiles {
    pub(super) fn from_stamps(stamps: &[FileStamp]) -> Self {
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

/// What a build put into the index, and how long it took.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct BuildStats {
    /// Articles indexed.
    pub articles: usize,
    /// Their sentences (one document each).
    pub sentences: usize,
    /// Source texts indexed.
    pub sources: usize,
    /// Their passages (one document each).
    pub passages: usize,
    /// Wall time of the build.
    pub millis: u64,
    /// Articles an incremental build wrote (changed or added); `None` for a full build.
    #[serde(default)]
    pub rewritten: Option<usize>,
}

/// Whether the index in a directory matches the corpus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Freshness {
    /// No index has been built there.
    Missing,
    /// Built from something else; the reason names what changed.
    Stale(String),
    /// Built from the corpus as it is.
    Fresh,
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

/// What [`check_current`] found.
pub(crate) struct Checked {
    pub(crate) freshness: Freshness,
    /// The generation looked at, when fresh.
    pub(crate) current: Option<(PathBuf, BuildMeta)>,
    /// Fresh by content, but a file's stamp changed (touched, same content): recording
    /// the new stamps keeps later checks on the `stat`-only path.
    pub(crate) restamp: bool,
}

/// [`freshness`] by content: every input file is read and hashed, whatever its size and
/// mtime say, so a same-size edit that kept the mtime (`cp -p`, `rsync -a`, a restored
/// CI cache) is caught, and a file touched but unchanged is still fresh. It reads the
/// whole corpus: `index --check --verify-content`.
pub fn freshness_by_content(corpus: &Corpus, dir: &Path) -> Result<Freshness> {
    let (gen, meta) = match recorded_for(corpus, dir)? {
        Ok(found) => found,
        Err(freshness) => return Ok(freshness),
    };
    let Some(recorded) = meta.files.parse() else {
        let why = format!("{}: damaged file list", gen.join(FILES).display());
        return Ok(Freshness::Stale(why));
    };
    let (stamps, _) = stamp_files(corpus, None)?;
    let content = |s: &[FileStamp]| -> Vec<(String, String)> {
        s.iter()
            .map(|f| (f.path.clone(), f.sha256.clone()))
            .collect()
    };
    if content(&stamps) == content(&recorded) {
        return Ok(Freshness::Fresh);
    }
    Ok(Freshness::Stale(describe_change(&recorded, &stamps)))
}

/// The current generation and its record when it was built by this citecheck from this
/// corpus; otherwise what to answer without comparing files (missing, or stale for a
/// damaged record, another version's index or another corpus's).
fn recorded_for(
    corpus: &Corpus,
    dir: &Path,
) -> Result<std::result::Result<(PathBuf, BuildMeta), Freshness>> {
    let (gen, meta) = match current(dir) {
        Ok(Some(found)) => found,
        Ok(None) => return Ok(Err(Freshness::Missing)),
        // A damaged or foreign build record: rebuilding is the cure.
        Err(e @ Error::Index { .. }) => return Ok(Err(Freshness::Stale(e.to_string()))),
        Err(e) => return Err(e),
    };
    if let Some(why) = version_mismatch(&meta) {
        return Ok(Err(Freshness::Stale(why)));
    }
    // Another corpus's index is not "stale because files were added": say whose it is.
    if let Some(why) = other_corpus(&CorpusIdentity::of(corpus), &meta) {
        return Ok(Err(Freshness::Stale(why)));
    }
    Ok(Ok((gen, meta)))
}

/// Why an index built by another citecheck or schema cannot be used, if it was.
pub(super) fn version_mismatch(meta: &BuildMeta) -> Option<String> {
    (meta.schema_version != SCHEMA_VERSION || meta.citecheck_version != VERSION).then(|| {
        format!(
            "built by citecheck {} (index schema {}), this is {VERSION} (schema {SCHEMA_VERSION})",
            meta.citecheck_version, meta.schema_version
        )
    })
}

/// [`freshness`], with the generation it looked at when fresh (to open it without
/// reading its record again).
pub(crate) fn check_current(
    corpus: &Corpus,
    dir: &Path,
) -> Result<(Freshness, Option<(PathBuf, BuildMeta)>)> {
    let checked = check_current_stamps(corpus, dir)?;
    Ok((checked.freshness, checked.current))
}

/// [`check_current`], saying also whether the stamps are worth recording again.
pub(crate) fn check_current_stamps(corpus: &Corpus, dir: &Path) -> Result<Checked> {
    let answer = |freshness, current, restamp| {
        Ok(Checked {
            freshness,
            current,
            restamp,
        })
    };
    let (gen, meta) = match recorded_for(corpus, dir)? {
        Ok(found) => found,
        Err(freshness) => return answer(freshness, None, false),
    };
    if unchanged_since(corpus, &meta) {
        return answer(Freshness::Fresh, Some((gen, meta)), false);
    }
    let Some(recorded) = meta.files.parse() else {
        let why = format!("{}: damaged file list", gen.join(FILES).display());
        return answer(Freshness::Stale(why), None, false);
    };
    let (stamps, _) = stamp_files(corpus, Some((&recorded, meta.stamped_at_ns)))?;
    // Stamps equal to the recorded ones give the recorded fingerprint: no need to hash.
    if stamps == recorded || fingerprint(&stamps) == meta.fingerprint {
        let restamp = stamps != recorded;
        return answer(Freshness::Fresh, Some((gen, meta)), restamp);
    }
    let why = describe_change(&recorded, &stamps);
    answer(Freshness::Stale(why), None, false)
}

/// Whether stamps taken at `at` record more than `meta` does: a file with another size
/// or mtime (touched, same content), or one whose mtime was too close to the build to
/// be trusted and is trusted now (every search hashes it until it is recorded again).
pub(super) fn needs_restamp(meta: &BuildMeta, stamps: &[FileStamp], at: u64) -> bool {
    let Some(recorded) = meta.files.parse() else {
        return false;
    };
    recorded.len() != stamps.len()
        || recorded.iter().zip(stamps).any(|(r, s)| {
            (r.size, r.mtime_ns, &r.path) != (s.size, s.mtime_ns, &s.path)
                || (!stamp::trusted(r.mtime_ns, meta.stamped_at_ns)
                    && stamp::trusted(s.mtime_ns, at))
        })
}

pub(super) const VERSION: &str = env!("CARGO_PKG_VERSION");

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
pub(super) fn stamp_files(
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

pub(super) fn hash_file(path: &Path) -> Result<String> {
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

pub(super) fn fingerprint(stamps: &[FileStamp]) -> String {
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
