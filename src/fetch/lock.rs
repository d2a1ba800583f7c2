//! The lock file (`corpus.lock`, beside `corpus.toml`): what `citecheck fetch` brought in,
//! pinned by hash, so that every later run is offline and reproducible.
//!
//! One `[[source]]` table per fetched source, sorted by id so that a re-fetch that changes
//! nothing leaves the file byte for byte the same (it is meant to be committed).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use toml::Spanned;

use crate::error::{Error, Result};
use crate::position::LineIndex;

/// The lock file's name, beside `corpus.toml`.
pub const LOCK_NAME: &str = "corpus.lock";

/// Where fetched texts are written, relative to the corpus root.
pub const SOURCES_DIR: &str = "sources";

const HEADER: &str = "# Written by `citecheck fetch`: the source texts it downloaded, pinned by SHA-256.\n\
# Commit it with sources/ so that `citecheck check --locked` (CI) can tell when a text changed.\n\n";

/// The lock: what was fetched, one entry per source.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Lock {
    /// The entries, sorted by id when written.
    #[serde(rename = "source")]
    sources: Vec<LockEntry>,
    /// Where each id's entry is in `sources`: the read stage looks one up per source,
    /// the checker one per reference.
    #[serde(skip)]
    by_id: HashMap<String, usize>,
    /// The 1-based line of each entry's table in the file it was loaded from (findings
    /// about an entry point there).
    #[serde(skip)]
    lines: HashMap<String, usize>,
}

/// `corpus.lock` as written: each table keeps its span, so that errors and findings
/// can name its line.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LockFile {
    #[serde(default)]
    source: Vec<Spanned<LockEntry>>,
}

/// One fetched source: a manifest `[[source]]` (by its id) or a URL discovered in a
/// reference entry (`discovered = true`, id made from the URL).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockEntry {
    /// The manifest source's id, or one made from the URL ([`super::discovered_id`]).
    pub id: String,
    /// The URL asked for (the manifest's `url`, or the reference's).
    pub url: String,
    /// Where the text came from after redirects (the archive's URL for an archived copy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub final_url: Option<String>,
    /// The HTTP status of the last answer; absent when there was none (DNS, timeout).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The `Content-Type` the text was served with: it decides how the text is read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// UTC, RFC 3339 (`2026-12-01T09:40:00Z`).
    pub fetched_at: String,
    /// Size of the fetched body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
    /// SHA-256 of the fetched body, lower-case hex: the pin `check --locked` verifies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// The fetched bytes, relative to the corpus root (always under `sources/`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The text is an archived copy (the reference's `archive-url`, or an archive service's).
    #[serde(default)]
    pub archived: bool,
    /// The archived copy's URL, when the text is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archive_url: Option<String>,
    /// Why the URL is dead (404/410, DNS failure, timeout); the `dead-link` rule reports it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Found in a reference entry rather than listed in the manifest.
    #[serde(default)]
    pub discovered: bool,
}

impl LockEntry {
    /// A dead link: no text was obtained, and the lock says why.
    pub fn is_dead(&self) -> bool {
        self.file.is_none() && self.error.is_some()
    }
}

/// A pinned file that is no longer what was fetched (`check --locked`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drift {
    /// The source's id.
    pub id: String,
    /// Its pinned file, relative to the corpus root.
    pub file: String,
    /// `true`: the file is gone; `false`: its SHA-256 differs from the pinned one.
    pub missing: bool,
}

impl Lock {
    /// Where the lock of the corpus at `root` is.
    pub fn path(root: &Path) -> PathBuf {
        root.join(LOCK_NAME)
    }

    /// The lock of the corpus at `root`; `None` when there is none. Every `file` must be
    /// a plain name under `sources/`: a lock from a pull request must not make `check`
    /// read files outside the corpus.
    pub fn load(root: &Path) -> Result<Option<Lock>> {
        let path = Self::path(root);
        if !path.is_file() {
            return Ok(None);
        }
        let text = crate::error::read_text(&path)?;
        let index = LineIndex::new(&text);
        let file: LockFile = toml::from_str(&text)
            .map_err(|e| crate::error::toml_error(&path, &text, &index, &e))?;
        let mut lock = Lock::default();
        for spanned in file.source {
            let at = index.locate(&text, spanned.span().start);
            let e = spanned.into_inner();
            if let Some(file) = e.file.as_deref().filter(|f| !is_sources_file(f)) {
                return Err(Error::input_at(
                    &path,
                    at.line,
                    at.column,
                    format!(
                        "source {:?}: file {file:?} is not a plain file name under {SOURCES_DIR}/",
                        e.id
                    ),
                ));
            }
            if lock.entry(&e.id).is_some() {
                return Err(Error::input_at(
                    &path,
                    at.line,
                    at.column,
                    format!("a second entry for source {:?}", e.id),
                ));
            }
            lock.lines.insert(e.id.clone(), at.line);
            lock.upsert(e);
        }
        Ok(Some(lock))
    }

    /// The 1-based line of an entry in the lock file it was loaded from.
    pub fn line_of(&self, id: &str) -> Option<usize> {
        self.lines.get(id).copied()
    }

    /// Write the lock atomically (a temporary file renamed over it), sorted by id.
    pub fn save(&mut self, root: &Path) -> Result<()> {
        self.sources.sort_by(|a, b| a.id.cmp(&b.id));
        self.by_id = (self.sources.iter().enumerate())
            .map(|(i, e)| (e.id.clone(), i))
            .collect();
        let body = toml::to_string(self)
            .map_err(|e| Error::input(&Self::path(root), format!("cannot write the lock: {e}")))?;
        write_atomically(
            root,
            &Self::path(root),
            format!("{HEADER}{body}").as_bytes(),
        )
    }

    /// Every entry, in file order (sorted by id once saved).
    pub fn entries(&self) -> &[LockEntry] {
        &self.sources
    }

    /// The entry of source `id`.
    pub fn entry(&self, id: &str) -> Option<&LockEntry> {
        self.by_id.get(id).map(|&i| &self.sources[i])
    }

    /// Replace the entry with the same id, or add it.
    pub fn upsert(&mut self, entry: LockEntry) {
        match self.by_id.get(&entry.id) {
            Some(&i) => self.sources[i] = entry,
            None => {
                self.by_id.insert(entry.id.clone(), self.sources.len());
                self.sources.push(entry);
            }
        }
    }

    /// Every pinned file that is missing or whose bytes no longer hash to the pin, in
    /// lock order.
    pub fn drift(&self, root: &Path) -> Vec<Drift> {
        let mut out = Vec::new();
        for e in &self.sources {
            let (Some(file), Some(pinned)) = (&e.file, &e.sha256) else {
                continue;
            };
            let missing = match std::fs::read(root.join(file)) {
                Ok(bytes) => {
                    if sha256_hex(&bytes) == *pinned {
                        continue;
                    }
                    false
                }
                Err(_) => true,
            };
            out.push(Drift {
                id: e.id.clone(),
                file: file.clone(),
                missing,
            });
        }
        out
    }
}

/// `sources/NAME` where NAME is one path segment of safe characters.
pub fn is_sources_file(file: &str) -> bool {
    file.strip_prefix(SOURCES_DIR)
        .and_then(|rest| rest.strip_prefix('/'))
        .is_some_and(|name| {
            !name.is_empty()
                && !name.starts_with('.')
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        })
}

/// SHA-256 of `bytes`, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// Write `bytes` to `path` through a temporary file in `dir` renamed into place: a
/// reader never sees half a file, and a crash leaves the old one.
pub fn write_atomically(dir: &Path, path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut tmp = tempfile::Builder::new()
        .prefix(".citecheck-")
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, e))?;
    tmp.write_all(bytes)
        .and_then(|_| tmp.as_file().sync_all())
        .map_err(|e| Error::io(path, e))?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_names_under_sources_are_lock_files() {
        assert!(is_sources_file("sources/treaty-1941.html"));
        for bad in [
            "sources/../x",
            "/etc/passwd",
            "sources/a/b",
            "sources/",
            "other/x.txt",
            "sources/.hidden",
            "sourcesx/y",
        ] {
            assert!(!is_sources_file(bad), "{bad}");
        }
    }

    #[test]
    fn the_lock_round_trips_sorted_by_id() {
        let dir = tempfile::tempdir().unwrap();
        let entry = |id: &str| LockEntry {
            id: id.into(),
            url: format!("https://example.org/{id}"),
            final_url: None,
            status: Some(200),
            content_type: Some("text/plain".into()),
            fetched_at: "2026-12-01T09:40:00Z".into(),
            bytes: Some(3),
            sha256: Some(sha256_hex(b"abc")),
            file: Some(format!("sources/{id}.txt")),
            archived: false,
            archive_url: None,
            error: None,
            discovered: false,
        };
        let mut lock = Lock::default();
        lock.upsert(entry("b"));
        lock.upsert(entry("a"));
        lock.save(dir.path()).unwrap();
        let back = Lock::load(dir.path()).unwrap().unwrap();
        assert_eq!(back.entries()[0].id, "a");
        assert_eq!(back.entries(), lock.entries());
        assert_eq!(back.entry("b"), lock.entry("b"));
        // Each entry knows its line, for findings about it.
        let text = std::fs::read_to_string(Lock::path(dir.path())).unwrap();
        let line = back.line_of("b").unwrap();
        assert!(
            text.lines().nth(line - 1).unwrap().contains("[[source]]")
                || text.lines().nth(line - 1).unwrap().contains("id = \"b\""),
            "line {line} of {text}"
        );
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
