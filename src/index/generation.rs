//! Index generations on disk and the swap that makes a new one current.
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

/// The exclusive build lock on an index directory, released on drop (and by the OS when
/// the process dies, so a killed build never leaves it stuck).
pub(super) struct BuildLock {
    _file: File,
}

pub(super) fn lock(dir: &Path, observer: &dyn Observer) -> Result<BuildLock> {
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
pub(super) fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = File::create(path).map_err(|e| Error::io(path, e))?;
    f.write_all(bytes)
        .and_then(|_| f.sync_all())
        .map_err(|e| Error::io(path, e))
}

/// Remove what killed builds left behind and generations no longer current. Runs under
/// the lock, so no other build is using them. A search that opened an old generation
/// keeps its open files (Unix semantics); failures are ignored (next build retries).
pub(super) fn remove_leftovers(dir: &Path, keep: Option<&Path>) {
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

/// Make the build in `tmp` (complete, with its record `meta`) the current generation:
/// rename it to `gen-…`, point `CURRENT` at it by an atomic rename, and remove what is
/// no longer current. Returns the new generation's directory.
pub(super) fn publish(
    dir: &Path,
    tmp: tempfile::TempDir,
    meta: &BuildMeta,
    listings: &[Listing],
) -> Result<PathBuf> {
    write_synced(&tmp.path().join(FILES), meta.files.tsv.as_bytes())?;
    write_synced(
        &tmp.path().join(LISTINGS),
        serde_json::to_string(listings)
            .unwrap_or_default()
            .as_bytes(),
    )?;
    write_synced(
        &tmp.path().join(META),
        serde_json::to_string(meta).unwrap_or_default().as_bytes(),
    )?;
    let gen_name = format!(
        "{GEN_PREFIX}{}-{}",
        &meta.fingerprint[..12],
        meta.stamped_at_ns / 1_000_000
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
    Ok(gen)
}

/// A fresh temporary directory in `dir` for a build.
pub(super) fn temp_dir(dir: &Path) -> Result<tempfile::TempDir> {
    tempfile::Builder::new()
        .prefix(TMP_PREFIX)
        .tempdir_in(dir)
        .map_err(|e| Error::io(dir, e))
}
