//! Noticing a damaged index (issue 16 §8): the seal a build puts on its generation, the
//! checks that read it back, and the guard that turns the search engine's failures on
//! damaged data (errors and panics) into one clear error naming the damaged file.
//!
//! A build seals its generation when it publishes it: the build record lists every file
//! with its size, and the SHA-256 of each file tantivy keeps no checksum of (`meta.json`,
//! `.managed.json`, citecheck's own files). tantivy's segment files end with a footer
//! holding the CRC of their content.
//!
//! - Every open (every search) makes the [`Depth::Quick`] check: each sealed file is
//!   there with its size (a `stat` each), and `meta.json` and `.managed.json`, which
//!   tantivy reads on open, have their hashes. Truncated, deleted and emptied files, and
//!   any change to what tantivy opens first, are errors before tantivy reads a byte.
//! - `index --check` and `index` make the [`Depth::Full`] check: every hash, and every
//!   segment file's CRC — reading the whole index, too slow for every search.
//! - A search of a generation damaged where only the full check looks (a flipped byte
//!   inside a segment file) may fail in the engine: [`guarded`] catches the failure,
//!   panics included, runs the full check to name the damaged file, and reports that.

use std::cell::Cell;
use std::fs;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::Once;

use serde::{Deserialize, Serialize};

use super::freshness::hash_file;
use super::generation::META;
use crate::error::{Error, IndexErrorKind, Result};

/// One file of a published generation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedFile {
    /// Its name in the generation directory.
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its modification time (ns since the Unix epoch): a file written since the seal
    /// is checked in full even by the quick check.
    #[serde(default)]
    pub mtime_ns: u64,
    /// Its SHA-256, for a file without tantivy's checksum footer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

/// How much of a generation to read back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Depth {
    /// Sizes, and the hashes of the files tantivy reads on open.
    Quick,
    /// Every hash and every segment file's checksum.
    Full,
}

/// Files tantivy reads as it opens an index: hashed on every open.
const READ_ON_OPEN: [&str; 2] = ["meta.json", ".managed.json"];

/// A tantivy segment file (`<32 hex digits>.<component>`): it carries its own checksum.
fn is_segment_file(name: &str) -> bool {
    name.split_once('.').is_some_and(|(id, ext)| {
        id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()) && !ext.is_empty()
    })
}

/// tantivy's lock files: empty, and not part of the index.
fn is_lock_file(name: &str) -> bool {
    name.starts_with(".tantivy-") && name.ends_with(".lock")
}

/// The seal of the generation being published in `gen`: every file but the build record
/// (which holds the seal) and tantivy's lock files, in name order.
pub(super) fn seal(gen: &Path) -> Result<Vec<SealedFile>> {
    let mut sealed = Vec::new();
    for entry in fs::read_dir(gen).map_err(|e| Error::io(gen, e))? {
        let entry = entry.map_err(|e| Error::io(gen, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        let md = entry.metadata().map_err(|e| Error::io(&path, e))?;
        if !md.is_file() || name == META || is_lock_file(&name) {
            continue;
        }
        let sha256 = if is_segment_file(&name) {
            None
        } else {
            Some(hash_file(&path)?)
        };
        sealed.push(SealedFile {
            name,
            size: md.len(),
            mtime_ns: crate::stamp::mtime_ns(&md),
            sha256,
        });
    }
    sealed.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(sealed)
}

fn damaged(path: &Path, what: impl Into<String>) -> Error {
    Error::index(IndexErrorKind::Corrupt, path, what)
}

/// Whether one sealed file is as sealed: its size, and its hash when `depth` is full,
/// tantivy reads it on open, or it was written since the seal (another mtime). Returns
/// whether its tantivy checksum is to be verified too ([`verify_engine`]).
pub(super) fn verify_file(gen: &Path, file: &SealedFile, depth: Depth) -> Result<bool> {
    let path = gen.join(&file.name);
    let md = match fs::metadata(&path) {
        Ok(md) => md,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(damaged(&path, "missing"));
        }
        Err(e) => return Err(Error::io(&path, e)),
    };
    if md.len() != file.size {
        return Err(damaged(
            &path,
            format!("{} bytes, built with {}", md.len(), file.size),
        ));
    }
    let full = depth == Depth::Full
        || READ_ON_OPEN.contains(&file.name.as_str())
        || crate::stamp::mtime_ns(&md) != file.mtime_ns;
    match &file.sha256 {
        Some(sha) if full && &hash_file(&path)? != sha => {
            Err(damaged(&path, "its content changed since it was built"))
        }
        Some(_) => Ok(false),
        None => Ok(full),
    }
}

/// Every sealed file of `gen` at `depth` (see [`verify_file`]); returns the segment
/// files whose checksums are to be verified once tantivy has opened the index. A
/// generation without a seal (built by an older citecheck) passes the quick check and
/// fails the full one.
pub(super) fn verify_files(
    gen: &Path,
    seal: Option<&[SealedFile]>,
    depth: Depth,
) -> Result<Vec<SealedFile>> {
    let Some(seal) = seal else {
        return match depth {
            Depth::Quick => Ok(Vec::new()),
            Depth::Full => Err(damaged(
                &gen.join(META),
                "no seal to check it against (built by an older citecheck)",
            )),
        };
    };
    let mut to_check = Vec::new();
    for file in seal {
        if verify_file(gen, file, depth)? {
            to_check.push(file.clone());
        }
    }
    Ok(to_check)
}

/// The checksums of segment files `files` of `gen`, through the opened `index`.
pub(super) fn verify_engine(
    gen: &Path,
    files: &[SealedFile],
    index: &tantivy::Index,
) -> Result<()> {
    for file in files {
        let path = gen.join(&file.name);
        match index.directory().validate_checksum(Path::new(&file.name)) {
            Ok(true) => {}
            Ok(false) => return Err(damaged(&path, "checksum mismatch")),
            Err(_) => return Err(damaged(&path, "its checksum footer is unreadable")),
        }
    }
    Ok(())
}

/// The whole of [`Depth::Full`] on generation `gen` with seal `seal`: the files, then
/// (tantivy opening it without reading segments) every segment file's checksum.
pub(super) fn verify_generation(gen: &Path, seal: Option<&[SealedFile]>) -> Result<()> {
    let segment_files = verify_files(gen, seal, Depth::Full)?;
    guarded_raw(gen, || {
        let index = open_engine(gen)?;
        verify_engine(gen, &segment_files, &index)
    })
}

/// tantivy's index in generation `gen`, opened read-only without reading any segment.
pub(super) fn open_engine(gen: &Path) -> Result<tantivy::Index> {
    super::readonly::Published::open(gen)
        .and_then(tantivy::Index::open)
        .map_err(|e| damaged(gen, first_line(&e.to_string())))
}

/// Why a damaged index is stale: "damaged: index/gen-…/x.term: corrupt (checksum
/// mismatch)".
pub(super) fn stale_reason(e: &Error) -> String {
    let text = e.to_string();
    format!("damaged: {}", text.strip_prefix("index: ").unwrap_or(&text))
}

/// The first line of an engine message, cut to a readable length: tantivy's messages
/// can carry a whole file's content.
fn first_line(message: &str) -> String {
    const MAX: usize = 160;
    let line = message.lines().next().unwrap_or("");
    match line.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line.to_string(),
    }
}

thread_local! {
    /// Set while this thread runs engine code under [`guarded`]: its panics are caught
    /// and reported as errors, so the panic hook stays quiet about them.
    static GUARDED: Cell<bool> = const { Cell::new(false) };
}

/// Run `engine` (tantivy reading generation `gen`) so that neither an error nor a panic
/// of the engine on damaged data escapes raw: either becomes an [`IndexErrorKind::Corrupt`]
/// error naming the damaged file, when the full check finds one (and `gen` otherwise).
/// Errors that are not the engine's (a malformed query) pass through unchanged.
pub(crate) fn guarded<T>(gen: &Path, engine: impl FnOnce() -> Result<T>) -> Result<T> {
    match guarded_raw(gen, engine) {
        Err(e) if blames_the_index(&e) => {
            let seal = super::generation::read_record(gen)
                .ok()
                .flatten()
                .and_then(|(_, meta)| meta.seal);
            match verify_generation(gen, seal.as_deref()) {
                Err(found @ Error::Index { .. }) => Err(found),
                _ => Err(e),
            }
        }
        other => other,
    }
}

/// An error that damage to the index could have caused.
fn blames_the_index(e: &Error) -> bool {
    matches!(
        e,
        Error::Index {
            kind: IndexErrorKind::Engine | IndexErrorKind::Corrupt,
            ..
        }
    )
}

/// [`guarded`] without the diagnosis: a panic becomes an error about `gen`.
fn guarded_raw<T>(gen: &Path, engine: impl FnOnce() -> Result<T>) -> Result<T> {
    static QUIET_HOOK: Once = Once::new();
    QUIET_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !GUARDED.with(Cell::get) {
                previous(info);
            }
        }));
    });
    let outer = GUARDED.with(|g| g.replace(true));
    let result = catch_unwind(AssertUnwindSafe(engine));
    GUARDED.with(|g| g.set(outer));
    result.unwrap_or_else(|payload| {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(damaged(
            gen,
            format!("the search engine failed reading it: {}", first_line(&what)),
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segment_files_are_told_from_the_others() {
        assert!(is_segment_file("1201d931c6e54b618ec6bd7e91d7d8cc.term"));
        assert!(!is_segment_file("meta.json"));
        assert!(!is_segment_file(".managed.json"));
        assert!(!is_segment_file("citecheck-files.tsv"));
        assert!(is_lock_file(".tantivy-meta.lock"));
    }

    #[test]
    fn a_panic_in_the_engine_is_an_error_about_the_index() {
        let dir = tempfile::tempdir().unwrap();
        let r: Result<()> = guarded_raw(dir.path(), || panic!("attempt to shift left"));
        let e = r.unwrap_err().to_string();
        assert!(e.contains("attempt to shift left"), "{e}");
        assert!(e.contains("corrupt"), "{e}");
        // The guard is off again: the flag is restored.
        assert!(!GUARDED.with(Cell::get));
    }
}
