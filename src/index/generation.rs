//! Index generations on disk and the swap that makes a new one current.
//!
//! Layout of the index directory (`--index`, default `index/`):
//!
//! ```text
//! index/
//!   CITECHECK-INDEX    the marker: this directory is citecheck's; lists what it made
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
//! possible: `rename` refuses to replace a non-empty directory.) The old generation is
//! removed after the swap; a reader that was opening it then finds `CURRENT` moved on
//! and opens the new one ([`with_current`]), so it never searches a half-removed one.
//!
//! citecheck writes only into a directory that is new, empty, or holds its marker
//! `CITECHECK-INDEX`, and deletes only entries that it made *and* listed in the marker
//! before making them: `--index .` in a project, or a `gen-docs.sh` beside an index,
//! never loses a file.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use fs4::fs_std::FileExt;

use super::freshness::{BuildMeta, RecordedFiles};
use crate::error::{Cause, Error, IndexErrorKind, Result};
use crate::manifest::Listing;
use crate::observer::{Event, Observer};

pub(crate) const CURRENT: &str = "CURRENT";
pub(crate) const META: &str = "citecheck-index.json";
pub(super) const FILES: &str = "citecheck-files.tsv";
pub(super) const LISTINGS: &str = "citecheck-listings.json";
pub(super) const LOCK: &str = ".lock";
pub(super) const TMP_PREFIX: &str = ".tmp-";
pub(super) const GEN_PREFIX: &str = "gen-";
/// The marker that makes a directory citecheck's, and the list of what it made there.
pub(crate) const MARKER: &str = crate::manifest::INDEX_MARKER;
const MARKER_HEADER: &str = "This directory is a citecheck index. citecheck deletes only \
the entries listed below (which it made); remove the whole directory to drop the index.\n";
const MADE: &str = "made ";
/// How many times a reader starts over when a build swapped generations under it.
/// A swap is one rename; only builds finishing back to back can race a reader twice.
const SWAP_RETRIES: usize = 8;

/// The generation `CURRENT` names, with its build record; `None` when there is none.
pub(crate) fn current(dir: &Path) -> Result<Option<(PathBuf, BuildMeta)>> {
    Ok(with_current(dir, read_record)?.flatten())
}

/// `open` run on the generation `CURRENT` names, with an answer no generation swap
/// spoiled; `None` when there is no `CURRENT`.
///
/// A build removes a generation only after `CURRENT` names another one. So when
/// `CURRENT` still names `gen` once `open` is done, every file `open` read (or mapped)
/// was there, whole, when it read it, and its result stands, error or not. When
/// `CURRENT` moved on, `open` may have raced the removal of `gen` and seen part of it:
/// a missing build record, or a segment missing a file, which tantivy does not always
/// notice at once (a missing positions file passes for a field without positions and
/// fails only at search time). Then the new `CURRENT` is opened instead.
pub(crate) fn with_current<T>(dir: &Path, open: impl Fn(&Path) -> Result<T>) -> Result<Option<T>> {
    let mut gen = current_generation(dir)?;
    for _ in 0..SWAP_RETRIES {
        let Some(this) = gen else {
            return Ok(None);
        };
        let result = open(&this);
        let now = current_generation(dir)?;
        if now.as_deref() == Some(this.as_path()) {
            return result.map(Some);
        }
        gen = now;
    }
    // Swapped on every attempt: builds are finishing faster than a reader opens one.
    Err(Error::index(
        IndexErrorKind::Engine,
        dir,
        "the index kept being replaced while it was opened; try again",
    ))
}

/// Whether `CURRENT` in `dir` still names `gen`: then `gen` was whole while it was
/// opened (see [`with_current`]).
pub(crate) fn still_current(dir: &Path, gen: &Path) -> bool {
    current_generation(dir).ok().flatten().as_deref() == Some(gen)
}

/// The generation directory `CURRENT` names; `None` when there is no `CURRENT`.
fn current_generation(dir: &Path) -> Result<Option<PathBuf>> {
    let name = match fs::read(dir.join(CURRENT)) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).trim().to_string(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(&dir.join(CURRENT), e)),
    };
    // A damaged `CURRENT` (not text, or not a generation's name) is a damaged index,
    // which a build replaces; never a path to follow.
    if !name.starts_with(GEN_PREFIX)
        || !name.bytes().all(|b| b.is_ascii_graphic())
        || name.contains(['/', '\\'])
    {
        return Err(Error::index(
            IndexErrorKind::Corrupt,
            &dir.join(CURRENT),
            format!("names {name:?}, not a generation"),
        ));
    }
    Ok(Some(dir.join(name)))
}

/// Generation `gen`'s build record; `None` when it has none.
pub(crate) fn read_record(gen: &Path) -> Result<Option<(PathBuf, BuildMeta)>> {
    let meta_path = gen.join(META);
    let text = match fs::read(&meta_path) {
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
    // Read as bytes: a damaged record that is not UTF-8 is unreadable, not an I/O error.
    let mut meta: BuildMeta =
        serde_json::from_slice(&text).map_err(|e| unreadable(&meta_path, e.into()))?;
    let files_path = gen.join(FILES);
    let tsv = fs::read(&files_path).map_err(|e| unreadable(&files_path, e.into()))?;
    meta.files = RecordedFiles {
        tsv: String::from_utf8(tsv).map_err(|e| unreadable(&files_path, e.into()))?,
    };
    Ok(Some((gen.to_path_buf(), meta)))
}

/// The directory listings the current generation's corpus was loaded with, for
/// [`Corpus::load_reusing`]; empty when there is no index or its record is unreadable,
/// or the listings are not the ones sealed with it (the corpus is then listed afresh,
/// which is always correct: a damaged listing reused would name files that are not
/// there and be written into the next build).
pub fn recorded_listings(dir: &Path) -> Vec<Listing> {
    let Some(gen) = current_generation(dir).ok().flatten() else {
        return Vec::new();
    };
    let sealed = fs::read(gen.join(META))
        .ok()
        .and_then(|bytes| serde_json::from_slice::<BuildMeta>(&bytes).ok())
        .and_then(|meta| meta.seal)
        .and_then(|seal| seal.into_iter().find(|f| f.name == LISTINGS));
    let Some(sealed) = sealed else {
        return Vec::new();
    };
    if super::integrity::verify_file(&gen, &sealed, super::integrity::Depth::Full).is_err() {
        return Vec::new();
    }
    fs::read(gen.join(LISTINGS))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

/// The exclusive build lock on an index directory, released on drop (and by the OS when
/// the process dies, so a killed build never leaves it stuck).
pub(super) struct BuildLock {
    _file: File,
}

pub(super) fn lock(dir: &Path, observer: &dyn Observer) -> Result<BuildLock> {
    let (file, path) = lock_file(dir)?;
    let got = file.try_lock_exclusive().map_err(|e| Error::io(&path, e))?;
    if !got {
        observer.event(&Event::WaitingForLock { lock: &path });
        file.lock_exclusive().map_err(|e| Error::io(&path, e))?;
    }
    Ok(BuildLock { _file: file })
}

/// The build lock on `dir` if no other process holds it; `None` when one does.
pub(super) fn try_lock(dir: &Path) -> Result<Option<BuildLock>> {
    let (file, path) = lock_file(dir)?;
    let got = file.try_lock_exclusive().map_err(|e| Error::io(&path, e))?;
    Ok(got.then_some(BuildLock { _file: file }))
}

/// The lock file of `dir` (created if missing, never truncated), once `dir` is claimed
/// as an index directory.
fn lock_file(dir: &Path) -> Result<(File, PathBuf)> {
    claim(dir)?;
    let path = dir.join(LOCK);
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| Error::io(&path, e))?;
    Ok((file, path))
}

/// Make sure `dir` is citecheck's to write into: create it with the marker when it does
/// not exist, add the marker to an empty directory (or to an index built before the
/// marker existed), and refuse any other non-empty directory.
pub(crate) fn claim(dir: &Path) -> Result<()> {
    let marker = dir.join(MARKER);
    if marker.is_file() {
        return Ok(());
    }
    match fs::read_dir(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        Err(e) => return Err(Error::io(dir, e)),
        Ok(entries) => {
            // Another citecheck claiming the directory at the same moment leaves only its
            // marker being written: that is not someone else's file.
            let mut entries = entries
                .flatten()
                .filter(|e| !e.file_name().to_string_lossy().starts_with(MARKER));
            if entries.next().is_some() {
                if let Some(gen) = unmarked_index(dir) {
                    return write_marker(dir, &[gen]);
                }
                return Err(Error::index(
                    IndexErrorKind::Foreign,
                    dir,
                    "citecheck writes only into a new or empty directory or one it made",
                ));
            }
        }
    }
    write_marker(dir, &[])
}

/// An index of a citecheck from before the marker: `CURRENT` names a generation with a
/// build record; its name. Adopted listing only that generation, so nothing else in the
/// directory is ever deleted.
fn unmarked_index(dir: &Path) -> Option<String> {
    let gen = current_generation(dir).ok().flatten()?;
    let name = gen.file_name()?.to_str()?.to_string();
    (gen.join(META).is_file() && is_our_name(&name)).then_some(name)
}

/// The names the marker lists as made by citecheck. A line cut short by a kill (no
/// newline) is not trusted.
fn made_entries(dir: &Path) -> Vec<String> {
    let Ok(text) = fs::read_to_string(dir.join(MARKER)) else {
        return Vec::new();
    };
    let complete = &text[..text.rfind('\n').map_or(0, |i| i + 1)];
    complete
        .lines()
        .filter_map(|l| l.strip_prefix(MADE))
        .filter(|name| is_our_name(name))
        .map(str::to_string)
        .collect()
}

/// A name citecheck gives its entries: a generation or a temporary, one path component.
fn is_our_name(name: &str) -> bool {
    (name.starts_with(GEN_PREFIX) || name.starts_with(TMP_PREFIX))
        && !name.contains(['/', '\\'])
        && name != "."
        && name != ".."
}

/// Rewrite the marker listing `made` (atomically: a kill leaves the old or the new list).
fn write_marker(dir: &Path, made: &[String]) -> Result<()> {
    let mut text = MARKER_HEADER.to_string();
    for name in made {
        text.push_str(MADE);
        text.push_str(name);
        text.push('\n');
    }
    let tmp = dir.join(format!("{MARKER}.new-{}", std::process::id()));
    write_synced(&tmp, text.as_bytes())?;
    fs::rename(&tmp, dir.join(MARKER)).map_err(|e| Error::io(&dir.join(MARKER), e))
}

/// Note in the marker that citecheck is about to make `name` in `dir`, so that a build
/// killed at any point leaves only entries the next build may remove. Under the lock.
fn record_made(dir: &Path, name: &str) -> Result<()> {
    let path = dir.join(MARKER);
    let mut f = fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .map_err(|e| Error::io(&path, e))?;
    f.write_all(format!("{MADE}{name}\n").as_bytes())
        .and_then(|_| f.sync_data())
        .map_err(|e| Error::io(&path, e))
}

pub(super) fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = File::create(path).map_err(|e| Error::io(path, e))?;
    f.write_all(bytes)
        .and_then(|_| f.sync_all())
        .map_err(|e| Error::io(path, e))
}

/// Remove what killed builds left behind and generations no longer current: only
/// entries the marker lists as made by citecheck, never anything else in the directory.
/// Runs under the lock, so no other build is using them. A search that opened an old
/// generation keeps its open files (Unix semantics); an entry that cannot be removed
/// stays listed (the next build retries).
pub(super) fn remove_leftovers(dir: &Path, keep: Option<&Path>) {
    let made = made_entries(dir);
    let mut still: Vec<String> = Vec::new();
    for name in made {
        let path = dir.join(&name);
        if Some(path.as_path()) == keep {
            still.push(name);
            continue;
        }
        let gone = match fs::symlink_metadata(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
            Err(_) => false,
            Ok(md) if md.is_dir() => fs::remove_dir_all(&path).is_ok(),
            Ok(_) => fs::remove_file(&path).is_ok(),
        };
        if !gone && !still.contains(&name) {
            still.push(name);
        }
    }
    if let Some(name) = keep.and_then(Path::file_name).and_then(|n| n.to_str()) {
        if !still.iter().any(|s| s == name) && is_our_name(name) {
            still.push(name.to_string());
        }
    }
    let _ = write_marker(dir, &still);
}

/// Make the build in `tmp` (complete, with its record `meta`) the current generation:
/// seal it (see [`super::integrity`]), rename it to `gen-…`, point `CURRENT` at it by an
/// atomic rename, and remove what is no longer current. Returns the new generation's
/// directory.
pub(super) fn publish(
    dir: &Path,
    tmp: BuildDir,
    mut meta: BuildMeta,
    listings: &[Listing],
) -> Result<PathBuf> {
    write_synced(&tmp.path().join(FILES), meta.files.tsv.as_bytes())?;
    write_synced(
        &tmp.path().join(LISTINGS),
        serde_json::to_string(listings)
            .unwrap_or_default()
            .as_bytes(),
    )?;
    meta.seal = Some(super::integrity::seal(tmp.path())?);
    write_synced(
        &tmp.path().join(META),
        serde_json::to_string(&meta).unwrap_or_default().as_bytes(),
    )?;
    let gen_name = format!(
        "{GEN_PREFIX}{}-{}",
        &meta.fingerprint[..12],
        meta.stamped_at_ns / 1_000_000
    );
    let gen = dir.join(&gen_name);
    // The generation being replaced is citecheck's even when a damaged marker no longer
    // lists it (`CURRENT` names it and it has a build record): listed again, it is
    // removed after the swap instead of lingering.
    if let Some(previous) = unmarked_index(dir) {
        if !made_entries(dir).contains(&previous) {
            record_made(dir, &previous)?;
        }
    }
    record_made(dir, &gen_name)?;
    let tmp_path = tmp.keep();
    fs::rename(&tmp_path, &gen).map_err(|e| {
        let _ = fs::remove_dir_all(&tmp_path);
        Error::io(&gen, e)
    })?;
    let pointer_name = format!("{TMP_PREFIX}{CURRENT}-{}", std::process::id());
    record_made(dir, &pointer_name)?;
    let pointer = dir.join(pointer_name);
    write_synced(&pointer, format!("{gen_name}\n").as_bytes())?;
    fs::rename(&pointer, dir.join(CURRENT)).map_err(|e| Error::io(&dir.join(CURRENT), e))?;
    remove_leftovers(dir, Some(&gen));
    Ok(gen)
}

/// A build's temporary directory, removed on drop unless [`BuildDir::keep`] was called
/// (the build was published).
pub(super) struct BuildDir {
    path: PathBuf,
    kept: bool,
}

impl BuildDir {
    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    fn keep(mut self) -> PathBuf {
        self.kept = true;
        std::mem::take(&mut self.path)
    }
}

impl Drop for BuildDir {
    fn drop(&mut self) {
        if !self.kept {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

/// A temporary directory in `dir` holding generation `gen`'s index files for an
/// incremental build to update: the segment files (which tantivy never writes again)
/// hard-linked, tantivy's `meta.json` and `.managed.json` copied (an update replaces
/// them), citecheck's own records left out (the build writes new ones). `gen` is never
/// written: a build killed at any point leaves it whole and current.
pub(super) fn clone_generation(dir: &Path, gen: &Path) -> Result<BuildDir> {
    let tmp = temp_dir(dir)?;
    let ours = [META, FILES, LISTINGS, super::incremental::ARTICLES];
    for entry in fs::read_dir(gen).map_err(|e| Error::io(gen, e))? {
        let entry = entry.map_err(|e| Error::io(gen, e))?;
        let name = entry.file_name();
        let text = name.to_string_lossy();
        let from = entry.path();
        let to = tmp.path().join(&name);
        if ours.contains(&text.as_ref())
            || (text.starts_with(".tantivy-") && text.ends_with(".lock"))
        {
            continue;
        }
        let copy = text == "meta.json" || text == ".managed.json";
        let linked = !copy && fs::hard_link(&from, &to).is_ok();
        if !linked {
            // A file system without hard links: copied (slower, as correct).
            fs::copy(&from, &to).map_err(|e| Error::io(&to, e))?;
        }
    }
    Ok(tmp)
}

/// A fresh temporary directory in `dir` for a build, listed in the marker before it is
/// made (so that a kill at any point leaves nothing the next build cannot clean).
pub(super) fn temp_dir(dir: &Path) -> Result<BuildDir> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    for attempt in 0..100u32 {
        let name = format!("{TMP_PREFIX}{}-{nanos}-{attempt}", std::process::id());
        let path = dir.join(&name);
        if path.exists() {
            continue;
        }
        record_made(dir, &name)?;
        match fs::create_dir(&path) {
            Ok(()) => return Ok(BuildDir { path, kept: false }),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(Error::io(&path, e)),
        }
    }
    Err(Error::io(
        dir,
        std::io::Error::new(std::io::ErrorKind::AlreadyExists, "no free temporary name"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A generation swapped (and removed) while a reader was opening it: the reader's
    /// answer from the old one is dropped and the new one opened, whatever it saw.
    #[test]
    fn an_open_raced_by_a_swap_is_redone_on_the_new_generation() {
        let dir = tempfile::tempdir().unwrap();
        let dir = dir.path();
        fs::create_dir(dir.join("gen-old")).unwrap();
        fs::create_dir(dir.join("gen-new")).unwrap();
        fs::write(dir.join(CURRENT), "gen-old\n").unwrap();
        let opened = std::sync::Mutex::new(Vec::new());
        let result = with_current(dir, |gen| {
            let name = gen.file_name().unwrap().to_string_lossy().into_owned();
            opened.lock().unwrap().push(name.clone());
            if name == "gen-old" {
                // A build finishing now: CURRENT moves on, the old generation goes.
                fs::write(dir.join(CURRENT), "gen-new\n").unwrap();
                fs::remove_dir(gen).unwrap();
                return Err(Error::index(IndexErrorKind::Corrupt, gen, "half removed"));
            }
            Ok(name)
        })
        .unwrap();
        assert_eq!(result.as_deref(), Some("gen-new"));
        assert_eq!(*opened.lock().unwrap(), ["gen-old", "gen-new"]);
    }

    /// An error met while `CURRENT` stays put is the index's own: reported, not retried.
    #[test]
    fn an_error_on_the_current_generation_stands() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("gen-a")).unwrap();
        fs::write(dir.path().join(CURRENT), "gen-a\n").unwrap();
        let calls = std::sync::atomic::AtomicUsize::new(0);
        let result: Result<Option<()>> = with_current(dir.path(), |gen| {
            calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Err(Error::index(IndexErrorKind::Corrupt, gen, "damaged"))
        });
        assert!(result.is_err());
        assert_eq!(calls.into_inner(), 1);
        assert!(
            with_current(tempfile::tempdir().unwrap().path(), |_| Ok(()))
                .unwrap()
                .is_none()
        );
    }
}
