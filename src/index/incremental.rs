//! What an incremental build changes: the article table every generation keeps
//! (`citecheck-articles.json`) and the [`plan`] that compares it with the corpus.
//!
//! The table lists every indexed article in corpus order with its file, its *key* (the
//! high bits of its sentences' `ord`, see [`super::writer::article_ord`]) and the
//! footnotes by which it cites each source (a passage lists them). A full build gives
//! the n-th article the key `n * KEY_GAP`; an update keeps the keys of the articles it
//! keeps or rewrites and gives an added article a key between its neighbours', so that
//! keys, and with them equal scores, stay in corpus order.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::freshness::{BuildMeta, FileStamp};
use crate::error::{Error, Result};
use crate::manifest::Corpus;

/// The file of the article table in a generation.
pub(super) const ARTICLES: &str = "citecheck-articles.json";

/// The room between consecutive articles' keys in a full build: that many articles can
/// be added between two neighbours (halving the room each time) before an update falls
/// back to a full build.
pub(super) const KEY_GAP: u64 = 1 << 16;

/// Keys stay below this: shifted past the sentence bits they stay below the passages'
/// `ord`s (2^63 and up).
const KEY_LIMIT: u64 = 1 << 42;

/// An update deletes documents; past this share of the index's documents deleted, a
/// full build starts afresh (queries skip deleted documents, and
/// [`super::live_stats`] seeks each one per query term).
const MAX_DELETED_SHARE: f64 = 0.05;

/// ... but a small index may have this many deleted documents (they cost little).
const MIN_DELETED_BOUND: f64 = 2_000.0;

/// Each update adds a segment; past this many, a full build starts afresh (each segment
/// costs every query a little).
const MAX_SEGMENTS: usize = 24;

/// An indexed article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct ArticleEntry {
    /// Article id.
    pub(super) id: String,
    /// Its file, relative to the corpus root.
    pub(super) file: String,
    /// The high bits of its sentences' `ord`.
    pub(super) key: u64,
    /// (source position in the manifest, footnote label) for each footnote of it that
    /// cites a source of the corpus, in article order.
    pub(super) cites: Vec<(usize, String)>,
}

/// Every indexed article, in corpus order (increasing keys).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct ArticleTable {
    pub(super) entries: Vec<ArticleEntry>,
}

impl ArticleTable {
    /// The footnotes citing each source (by manifest position), in corpus order, each
    /// once: what a source's passages list.
    pub(super) fn citing(&self) -> BTreeMap<usize, Vec<String>> {
        let mut citing: BTreeMap<usize, Vec<String>> = BTreeMap::new();
        for entry in &self.entries {
            for (source, label) in &entry.cites {
                let labels = citing.entry(*source).or_default();
                if !labels.contains(label) {
                    labels.push(label.clone());
                }
            }
        }
        citing
    }

    /// The table of generation `gen`; `None` when it has none or it is unreadable (the
    /// next build is then a full one).
    pub(super) fn read(gen: &Path) -> Option<ArticleTable> {
        let bytes = std::fs::read(gen.join(ARTICLES)).ok()?;
        let table: ArticleTable = serde_json::from_slice(&bytes).ok()?;
        table
            .entries
            .windows(2)
            .all(|w| w[0].key < w[1].key)
            .then_some(table)
    }

    /// Write the table into the generation being built in `gen`.
    pub(super) fn write(&self, gen: &Path) -> Result<()> {
        let json = serde_json::to_vec(self).map_err(|e| {
            Error::io(
                &gen.join(ARTICLES),
                std::io::Error::new(std::io::ErrorKind::InvalidData, e),
            )
        })?;
        super::generation::write_synced(&gen.join(ARTICLES), &json)
    }
}

/// What a build has to do to the current generation.
#[derive(Debug)]
pub(super) enum Plan {
    /// Every input file has the recorded content: only the stamps are new.
    Restamp,
    /// Delete the articles `remove` (ids), write the articles of `rewrite` (id → key)
    /// again; every other file is unchanged.
    Update {
        table: ArticleTable,
        rewrite: HashMap<String, u64>,
        remove: Vec<String>,
    },
    /// Build from scratch.
    Full,
}

/// Compare the corpus, stamped `stamps`, with generation `gen` and its record `meta`.
pub(super) fn plan(corpus: &Corpus, gen: &Path, meta: &BuildMeta, stamps: &[FileStamp]) -> Plan {
    let Some(recorded) = meta.files.parse() else {
        return Plan::Full;
    };
    if super::freshness::fingerprint(stamps) == meta.fingerprint {
        return Plan::Restamp;
    }
    let Some(table) = ArticleTable::read(gen) else {
        return Plan::Full;
    };
    // With one article, footnotes are listed without the article's id: any change of
    // the count from or to one changes every passage.
    if corpus.articles.len() <= 1 || table.entries.len() <= 1 {
        return Plan::Full;
    }
    let before: HashMap<&str, &str> = recorded
        .iter()
        .map(|s| (s.path.as_str(), s.sha256.as_str()))
        .collect();
    let now: HashMap<&str, &str> = stamps
        .iter()
        .map(|s| (s.path.as_str(), s.sha256.as_str()))
        .collect();
    let files: Vec<String> = corpus
        .articles
        .iter()
        .map(|a| corpus.relative(&a.path))
        .collect();
    let article_files: std::collections::HashSet<&str> = files
        .iter()
        .map(String::as_str)
        .chain(table.entries.iter().map(|e| e.file.as_str()))
        .collect();
    // Anything but an article (the manifest, the lock, a source text) changed: the
    // articles' links, titles or the passages may all differ.
    for path in before.keys().chain(now.keys()) {
        if !article_files.contains(path) && before.get(path) != now.get(path) {
            return Plan::Full;
        }
    }
    let old: HashMap<&str, (usize, &ArticleEntry)> = table
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.as_str(), (i, e)))
        .collect();
    // The keys of the corpus's articles in order; `None` for an added article.
    let mut keys: Vec<Option<u64>> = Vec::with_capacity(corpus.articles.len());
    let mut rewrite: HashMap<String, u64> = HashMap::new();
    let mut last_kept: Option<usize> = None;
    let mut seen = std::collections::HashSet::new();
    for (spec, file) in corpus.articles.iter().zip(&files) {
        if !seen.insert(spec.id.as_str()) {
            return Plan::Full;
        }
        match old.get(spec.id.as_str()) {
            Some(&(at, entry)) => {
                if last_kept.is_some_and(|l| l >= at) {
                    return Plan::Full;
                }
                last_kept = Some(at);
                let same = entry.file == *file
                    && before.contains_key(file.as_str())
                    && before.get(file.as_str()) == now.get(file.as_str());
                if !same {
                    rewrite.insert(spec.id.clone(), entry.key);
                }
                keys.push(Some(entry.key));
            }
            None => keys.push(None),
        }
    }
    // Added articles: keys spread between their kept neighbours'.
    let mut i = 0;
    while i < keys.len() {
        if keys[i].is_some() {
            i += 1;
            continue;
        }
        let run_end = (i..keys.len())
            .find(|&j| keys[j].is_some())
            .unwrap_or(keys.len());
        let low = if i == 0 { 0 } else { keys[i - 1].unwrap_or(0) };
        let count = (run_end - i) as u64;
        let high = keys
            .get(run_end)
            .copied()
            .flatten()
            .unwrap_or_else(|| low.saturating_add(KEY_GAP * (count + 1)));
        if high > KEY_LIMIT || high - low <= count {
            return Plan::Full;
        }
        let step = (high - low) / (count + 1);
        for (n, j) in (i..run_end).enumerate() {
            let key = low + step * (n as u64 + 1);
            keys[j] = Some(key);
            rewrite.insert(corpus.articles[j].id.clone(), key);
        }
        i = run_end;
    }
    let remove: Vec<String> = table
        .entries
        .iter()
        .filter(|e| !seen.contains(e.id.as_str()))
        .map(|e| e.id.clone())
        .collect();
    // Bounds that keep an updated index as fast as a rebuilt one.
    let segments = meta.seal.as_ref().map_or(0, |seal| {
        seal.iter().filter(|f| f.name.ends_with(".store")).count()
    });
    if segments >= MAX_SEGMENTS {
        return Plan::Full;
    }
    let docs = (meta.stats.sentences + meta.stats.passages) as u64 + meta.removed_docs();
    let average = meta.stats.sentences as f64 / table.entries.len().max(1) as f64;
    let deleting = meta.removed_docs() as f64 + average * (rewrite.len() + remove.len()) as f64;
    if docs == 0 || deleting > (MAX_DELETED_SHARE * docs as f64).max(MIN_DELETED_BOUND) {
        return Plan::Full;
    }
    Plan::Update {
        table,
        rewrite,
        remove,
    }
}
