//! What long library calls have to say while they run: progress, notes and warnings.
//!
//! The library never writes to stdout or stderr. A call that has something to report
//! (an index being built because it was missing, a build waiting for another process's
//! lock, how far indexing got) sends an [`Event`] to the [`Observer`] it was given; the
//! caller decides whether and how to show it (the `citecheck` binary draws a progress bar
//! on a terminal and prints notes as `citecheck: …` unless `--quiet`).
//!
//! ```
//! use citecheck::observer::{Event, Observer};
//!
//! // Any `Fn(&Event)` that is `Sync` is an observer; `&citecheck::Silent` ignores all.
//! let log = std::sync::Mutex::new(Vec::new());
//! let observer = |e: &Event| log.lock().unwrap().push(e.to_string());
//! observer.event(&Event::Note(citecheck::observer::Note::IndexStale {
//!     reason: "corpus.toml changed".into(),
//! }));
//! assert_eq!(log.lock().unwrap()[0], "index is stale (corpus.toml changed): rebuilding it");
//! ```

use std::fmt;
use std::path::Path;

use crate::error::Error;
use crate::index::BuildStats;

/// Receives the [`Event`]s of a library call. Calls may come from several threads.
pub trait Observer: Sync {
    /// One event; called in the order things happen on the calling thread.
    fn event(&self, event: &Event<'_>);
}

impl<F: Fn(&Event<'_>) + Sync> Observer for F {
    fn event(&self, event: &Event<'_>) {
        self(event)
    }
}

/// An observer that ignores every event (scripts, tests, `--quiet`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Observer for Silent {
    fn event(&self, _: &Event<'_>) {}
}

/// Something a library call reports while it runs.
#[derive(Debug)]
pub enum Event<'a> {
    /// Worth telling the user, not a problem.
    Note(Note<'a>),
    /// Something went wrong but the call carries on (with a fallback).
    Warning(Warning<'a>),
    /// How far a long stage has got: `done` of `total` items, the current one named.
    Progress {
        /// Which stage.
        stage: Stage,
        /// Items finished.
        done: usize,
        /// Items in all.
        total: usize,
        /// The item being worked on (an article or source id), when there is one.
        item: Option<&'a str>,
    },
    /// A stage without per-item progress began (committing an index, reading the
    /// source texts): it lasts until an event of another stage, or the end of the call.
    /// `items` is how much it works over (sources, articles), for a display to judge
    /// whether it is worth showing.
    Step {
        /// Which stage.
        stage: Stage,
        /// The things it works over.
        items: usize,
    },
    /// Another process holds the index directory's build lock; this call waits for it.
    WaitingForLock {
        /// The lock file.
        lock: &'a Path,
    },
    /// One input (an article) could not be read or processed: it is left out and the
    /// call goes on with the others (like ripgrep with an unreadable file). The result
    /// counts such inputs; a caller should treat the run as failed at the end.
    Skipped {
        /// Why, naming the file (and line:column where there is one).
        error: &'a Error,
    },
}

/// A long stage that reports [`Event::Progress`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Reading and parsing the corpus's articles.
    Reading,
    /// Writing articles and sources into the full-text index.
    Indexing,
    /// Reading and checking articles (and indexing them when the index is stale).
    Checking,
    /// Downloading source texts (`citecheck fetch`): one item per source, each slow
    /// enough to be worth a bar however few there are.
    Fetching,
    /// Reading the source texts and preparing their passages for ranking.
    Sources,
    /// Writing a report out (the binary's last step: SARIF, a Markdown comment).
    Writing,
}

impl Stage {
    /// A short verb for progress displays: "reading", "indexing".
    pub fn name(self) -> &'static str {
        match self {
            Stage::Reading => "reading",
            Stage::Indexing => "indexing",
            Stage::Checking => "checking",
            Stage::Fetching => "fetching",
            Stage::Sources => "sources",
            Stage::Writing => "writing",
        }
    }
}

/// [`Event::Note`]s.
#[derive(Debug)]
pub enum Note<'a> {
    /// No index exists in the directory yet: it is being built.
    IndexMissing {
        /// The index directory.
        dir: &'a Path,
    },
    /// The index no longer matches the corpus: it is being rebuilt.
    IndexStale {
        /// What changed.
        reason: String,
    },
    /// An index build finished.
    Indexed(BuildStats),
    /// A server answered 429 or 503: the request is tried again after a pause.
    Retrying {
        /// The URL asked for.
        url: &'a str,
        /// 429 or 503.
        status: u16,
        /// How long until the next try.
        after: std::time::Duration,
    },
}

/// [`Event::Warning`]s.
#[derive(Debug)]
pub enum Warning<'a> {
    /// Rebuilding a stale index failed; the previous index is used.
    RebuildFailed {
        /// Why the build failed.
        error: &'a Error,
    },
    /// Whether the index matches the corpus could not be decided; it is used as it is.
    FreshnessUnknown {
        /// Why not.
        error: &'a Error,
    },
    /// `check` could not refresh the index; checking, which does not need it, goes on.
    NotRefreshed {
        /// Why.
        error: &'a Error,
    },
}

impl fmt::Display for Event<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::Note(n) => n.fmt(f),
            Event::Warning(w) => write!(f, "warning: {w}"),
            Event::Progress {
                stage,
                done,
                total,
                item,
            } => {
                write!(f, "{} {done}/{total}", stage.name())?;
                match item {
                    Some(i) => write!(f, " {i}"),
                    None => Ok(()),
                }
            }
            Event::Step { stage, items } => write!(f, "{} ({items})", stage.name()),
            Event::WaitingForLock { lock } => write!(
                f,
                "waiting for another citecheck process that is building the index (lock {})",
                lock.display()
            ),
            Event::Skipped { error } => write!(f, "error: {error}"),
        }
    }
}

impl fmt::Display for Note<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::IndexMissing { dir } => {
                write!(f, "no index at {}/ yet: building it", dir.display())
            }
            Note::IndexStale { reason } => write!(f, "index is stale ({reason}): rebuilding it"),
            Note::Indexed(stats) => write!(f, "indexed {}", crate::index::describe_stats(stats)),
            Note::Retrying { url, status, after } => write!(
                f,
                "{url} answered {status}: trying again in {}s",
                after.as_secs_f64().ceil()
            ),
        }
    }
}

impl fmt::Display for Warning<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::RebuildFailed { error } => write!(
                f,
                "could not rebuild the index ({error}); using the previous one"
            ),
            Warning::FreshnessUnknown { error } => write!(
                f,
                "cannot tell whether the index is up to date ({error}); using it as it is"
            ),
            Warning::NotRefreshed { error } => write!(
                f,
                "could not refresh the index ({error}); checking goes on without it"
            ),
        }
    }
}
