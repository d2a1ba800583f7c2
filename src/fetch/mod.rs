//! `citecheck fetch`: bring in the primary texts the references cite, pin them in
//! `corpus.lock`, and be offline from then on.
//!
//! - [`lock`]: the lock file (one entry per fetched source, sorted, atomic writes);
//! - [`http`]: the HTTP client with its politeness and safety rules;
//! - [`extract`]: text from fetched bytes (HTML main text, plain text, PDF), run at read
//!   time by [`crate::sources::read_text`].
//!
//! What is fetched: every manifest `[[source]]` with a `url` and no `file` of its own
//! (or the ones named), and with `discover` every reference entry carrying a URL that
//! links to no manifest source. The original bytes go to `sources/`, under a name made
//! from the source id alone; the manifest is never rewritten: the lock says where each
//! text is and [`crate::Corpus::load`] reads it. The library prints nothing: progress
//! ([`Stage::Fetching`]) and retries ([`Note::Retrying`]) go to the [`Observer`], and
//! each source's outcome is in the [`FetchReport`].

pub mod extract;
pub mod http;
pub mod lock;

use std::collections::HashSet;
use std::fmt;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::manifest::Corpus;
use crate::observer::{Event, Note, Observer, Stage};
use crate::pipeline::ReadStage;
pub use http::HttpConfig;
pub use lock::{Lock, LockEntry, LOCK_NAME, SOURCES_DIR};

/// The Wayback Machine's availability API: `?url=…` answers the closest snapshot.
pub const DEFAULT_ARCHIVE_ENDPOINT: &str = "https://archive.org/wayback/available";

/// What [`fetch`] is asked to do.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// Only these source ids (manifest ids, or the ids of discovered sources).
    pub ids: Vec<String>,
    /// Also fetch URLs found in reference entries that link to no manifest source.
    pub discover: bool,
    /// Fetch pinned sources again and say which changed upstream.
    pub update: bool,
    /// For a dead URL without an `archive-url`, ask the archive service for a copy.
    pub archive: bool,
    /// The Wayback-style availability service `archive` asks (`?url=…`).
    pub archive_endpoint: String,
    /// Sources fetched at the same time (each host still gets one request at a time).
    pub jobs: usize,
    /// The client's rules.
    pub http: HttpConfig,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            ids: Vec::new(),
            discover: false,
            update: false,
            archive: false,
            archive_endpoint: DEFAULT_ARCHIVE_ENDPOINT.to_string(),
            jobs: 4,
            http: HttpConfig::default(),
        }
    }
}

/// What became of one source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Pinned already; nothing was asked of the network.
    UpToDate,
    /// Fetched for the first time (or again after its file went missing).
    Fetched,
    /// `update`: fetched again, and the bytes differ from the pinned ones.
    Changed,
    /// `update`: fetched again, same bytes.
    Unchanged,
    /// 404/410, DNS failure or timeout, and no archived copy: recorded in the lock.
    Dead,
    /// Refused or failed otherwise: not recorded (an earlier pin stays as it was).
    Failed,
}

impl Outcome {
    /// Every outcome, in the order summaries list them.
    pub const ALL: [Outcome; 6] = [
        Outcome::Fetched,
        Outcome::Changed,
        Outcome::Unchanged,
        Outcome::Dead,
        Outcome::Failed,
        Outcome::UpToDate,
    ];

    /// The outcome's name in reports: `fetched`, `up-to-date`, …
    pub fn name(self) -> &'static str {
        match self {
            Outcome::UpToDate => "up-to-date",
            Outcome::Fetched => "fetched",
            Outcome::Changed => "changed",
            Outcome::Unchanged => "unchanged",
            Outcome::Dead => "dead",
            Outcome::Failed => "failed",
        }
    }
}

/// Why a URL counts as dead: recorded in the lock (as its text) and reported by
/// `check` as `dead-link`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dead {
    /// 404 Not Found or 410 Gone.
    Status {
        /// 404 or 410.
        status: u16,
        /// The reason phrase the server sent.
        text: String,
    },
    /// The host name did not resolve.
    Dns {
        /// The host.
        host: String,
    },
    /// No answer, or no whole body, within the timeout.
    TimedOut {
        /// The answer began but its body did not arrive in time.
        reading_body: bool,
    },
}

impl fmt::Display for Dead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Dead::Status { status, text } if text.is_empty() => write!(f, "answered {status}"),
            Dead::Status { status, text } => write!(f, "answered {status} {text}"),
            Dead::Dns { host } => write!(f, "DNS lookup failed for {host}"),
            Dead::TimedOut {
                reading_body: false,
            } => f.write_str("timed out"),
            Dead::TimedOut { reading_body: true } => f.write_str("timed out reading the body"),
        }
    }
}

/// Why a URL is not asked for at all: the safety rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// It does not parse as a URL (the parser's message).
    NotAUrl(String),
    /// Its scheme is not http or https.
    Scheme(String),
    /// It names no host.
    NoHost,
    /// Its host resolves only to addresses in a private, loopback, link-local or other
    /// non-public range (allowed by [`HttpConfig::allow_private`]).
    NonPublic {
        /// The first address the host resolved to.
        address: IpAddr,
        /// Which range: `loopback`, `private`, `link-local`, …
        range: &'static str,
    },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::NotAUrl(why) => write!(f, "not a URL ({why})"),
            Refusal::Scheme(scheme) => {
                write!(f, "only http and https URLs are fetched, not {scheme}:")
            }
            Refusal::NoHost => f.write_str("no host to ask"),
            Refusal::NonPublic { address, range } => write!(f, "{address} is a {range} address"),
        }
    }
}

/// Why one source could not be fetched. The run goes on with the others, and the
/// source's earlier pin (if any) stays as it was.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// Refused by the safety rules before anything was asked of it.
    #[error("{url} refused: {problem}")]
    Refused {
        /// The URL.
        url: String,
        /// Which rule.
        problem: Refusal,
    },
    /// A redirect to a URL that is refused or is no URL.
    #[error("redirect from {from}: {error}")]
    Redirect {
        /// The URL that redirected.
        from: String,
        /// What is wrong with where it pointed.
        error: Box<FetchError>,
    },
    /// A 3xx answer without a `Location`.
    #[error("{url} answered {status} without a Location to redirect to")]
    NoLocation {
        /// The URL.
        url: String,
        /// The 3xx status.
        status: u16,
    },
    /// More redirects than [`HttpConfig::max_redirects`].
    #[error("more than {max} redirects (stopped at {url})")]
    TooManyRedirects {
        /// Where the chain stopped.
        url: String,
        /// The limit.
        max: u32,
    },
    /// A 429/503 whose `Retry-After` asks for longer than [`HttpConfig::max_retry_wait`].
    #[error(
        "{url} answered {status} and asks to wait {}s, more than the {}s allowed",
        after.as_secs(),
        limit.as_secs()
    )]
    RetryTooLong {
        /// The URL.
        url: String,
        /// 429 or 503.
        status: u16,
        /// What the server asked for.
        after: Duration,
        /// The longest wait allowed.
        limit: Duration,
    },
    /// An error status other than 404/410 (after any retries).
    #[error("{url} answered {status}{}{text}", if text.is_empty() { "" } else { " " })]
    Status {
        /// The URL.
        url: String,
        /// The status.
        status: u16,
        /// The reason phrase.
        text: String,
    },
    /// The connection failed (refused, reset, TLS …).
    #[error("{url}: {message}")]
    Transport {
        /// The URL.
        url: String,
        /// What the client said.
        message: String,
    },
    /// The body is larger than [`HttpConfig::max_bytes`] (after decompression).
    #[error("{url}: the body is larger than the {} cap", http::human_bytes(*cap))]
    TooLarge {
        /// The URL.
        url: String,
        /// The cap, in bytes.
        cap: u64,
    },
    /// Reading the body failed other than by timing out.
    #[error("{url}: reading the body failed: {source}")]
    Body {
        /// The URL.
        url: String,
        /// The read error.
        #[source]
        source: std::io::Error,
    },
    /// A document of a type citecheck cannot read (an image, an archive).
    #[error(
        "{url}: a {} document, and citecheck reads HTML, plain text and PDF",
        content_type.as_deref().unwrap_or("binary")
    )]
    Unsupported {
        /// Where it was fetched from (after redirects).
        url: String,
        /// The content type it was served with.
        content_type: Option<String>,
    },
    /// The file a source's text would be written to exists and is not one `fetch` wrote.
    #[error(
        "{file} exists and was not written by citecheck fetch: move it away, or name it as the source's `file` in corpus.toml"
    )]
    NotOurs {
        /// The file, relative to the corpus root.
        file: String,
    },
    /// The archive service could not be asked, or gave no usable answer.
    #[error("the archive service {endpoint}: {problem}")]
    Archive {
        /// The availability endpoint.
        endpoint: String,
        /// What went wrong.
        problem: String,
    },
    /// The archived copy of a dead URL could not be had either.
    #[error("the archived copy {url}: {problem}")]
    ArchivedCopy {
        /// The archived copy's URL.
        url: String,
        /// What became of asking for it.
        problem: String,
    },
    /// The fetched text cannot be read (a PDF without a text layer) or written.
    #[error(transparent)]
    Corpus(#[from] Error),
}

/// What happened to one source.
#[derive(Debug)]
pub struct SourceResult {
    /// The source's id.
    pub id: String,
    /// The URL asked for.
    pub url: String,
    /// Found in a reference entry rather than listed in the manifest.
    pub discovered: bool,
    /// What became of it.
    pub outcome: Outcome,
    /// Its lock entry after the run, when it has one.
    pub entry: Option<LockEntry>,
    /// Why it is dead ([`Outcome::Dead`]).
    pub dead: Option<Dead>,
    /// Why it failed ([`Outcome::Failed`]), or, for a dead one, why no archived copy
    /// could be had.
    pub error: Option<FetchError>,
}

impl SourceResult {
    /// One line on why it is dead or failed, for reports; `None` when it is neither.
    pub fn problem(&self) -> Option<String> {
        match (&self.dead, &self.error) {
            (Some(d), Some(e)) => Some(format!("{} {d}; {e}", self.url)),
            (Some(d), None) => Some(format!("{} {d}", self.url)),
            (None, Some(e)) => Some(e.to_string()),
            (None, None) => None,
        }
    }
}

/// What a fetch did, source by source.
#[derive(Debug)]
pub struct FetchReport {
    /// In plan order: manifest sources as listed, then discovered URLs in article order.
    pub results: Vec<SourceResult>,
    /// The lock file.
    pub lock: PathBuf,
}

impl FetchReport {
    /// How many sources came to `outcome`.
    pub fn count(&self, outcome: Outcome) -> usize {
        self.results.iter().filter(|r| r.outcome == outcome).count()
    }

    /// Nothing needed the network.
    pub fn up_to_date(&self) -> bool {
        self.results.iter().all(|r| r.outcome == Outcome::UpToDate)
    }
}

/// One source to consider.
#[derive(Debug, Clone)]
struct Target {
    id: String,
    url: String,
    /// The reference's own `archive-url`, used when `url` is dead.
    archive_url: Option<String>,
    discovered: bool,
}

/// Fetch what `options` asks for and write the lock (only when something changed).
/// Progress goes to `observer` as [`Stage::Fetching`] (and [`Stage::Reading`] while
/// `discover` reads the articles), retries as [`Note::Retrying`]. Errors are those that
/// stop the whole run (an unknown id, an unwritable lock); a source that cannot be
/// fetched is a [`SourceResult`] with its [`FetchError`].
pub fn fetch(
    corpus: &Corpus,
    options: &FetchOptions,
    observer: &dyn Observer,
) -> Result<FetchReport> {
    let root = &corpus.root;
    let mut lock = corpus.lock.clone().unwrap_or_default();
    let targets = plan(corpus, options, observer)?;
    let pinned = |t: &Target| {
        lock.entry(&t.id).is_some_and(|e| {
            e.url == t.url
                && match &e.file {
                    Some(f) => root.join(f).is_file(),
                    None => e.is_dead(),
                }
        })
    };
    let todo: Vec<usize> = (0..targets.len())
        .filter(|&i| options.update || !pinned(&targets[i]))
        .collect();

    let mut results: Vec<Option<SourceResult>> = targets
        .iter()
        .map(|t| {
            (!options.update && pinned(t)).then(|| SourceResult {
                entry: lock.entry(&t.id).cloned(),
                id: t.id.clone(),
                url: t.url.clone(),
                discovered: t.discovered,
                outcome: Outcome::UpToDate,
                dead: None,
                error: None,
            })
        })
        .collect();

    if !todo.is_empty() {
        let sources_dir = root.join(SOURCES_DIR);
        std::fs::create_dir_all(&sources_dir).map_err(|e| Error::io(&sources_dir, e))?;
        let client = http::Client::new(options.http.clone());
        let order = interleave_hosts(&targets, &todo);
        let next = AtomicUsize::new(0);
        let (tx, rx) = mpsc::channel::<Message>();
        let worker = Worker {
            root,
            lock: &lock,
            client: &client,
            options,
        };
        let total = todo.len();
        let progress = |done: usize, item: Option<&str>| {
            observer.event(&Event::Progress {
                stage: Stage::Fetching,
                done,
                total,
                item,
            })
        };
        progress(0, None);
        std::thread::scope(|scope| {
            for _ in 0..options.jobs.clamp(1, 16).min(total) {
                let tx = tx.clone();
                let (order, next, targets, worker) = (&order, &next, &targets, &worker);
                scope.spawn(move || loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&t) = order.get(i) else { break };
                    let target = &targets[t];
                    let _ = tx.send(Message::Started(t));
                    let result = worker.fetch_one(target, &mut |retry| {
                        let _ = tx.send(Message::Retrying(retry));
                    });
                    let _ = tx.send(Message::Done(t, Box::new(result)));
                });
            }
            drop(tx);
            // Events reach the observer from this thread, in the order they happened.
            let mut done = 0;
            for message in rx {
                match message {
                    Message::Started(t) => progress(done, Some(&targets[t].id)),
                    Message::Retrying(r) => observer.event(&Event::Note(Note::Retrying {
                        url: &r.url,
                        status: r.status,
                        after: r.after,
                    })),
                    Message::Done(t, r) => {
                        done += 1;
                        progress(done, Some(&format!("{} {}", r.id, r.outcome.name())));
                        results[t] = Some(*r);
                    }
                }
            }
        });
        let before = lock.entries().to_vec();
        for r in results.iter().flatten() {
            if let Some(e) = &r.entry {
                lock.upsert(e.clone());
            }
        }
        if lock.entries() != before.as_slice() || corpus.lock.is_none() {
            lock.save(root)?;
        }
    }
    Ok(FetchReport {
        results: results.into_iter().flatten().collect(),
        lock: Lock::path(root),
    })
}

enum Message {
    Started(usize),
    Retrying(http::Retry),
    Done(usize, Box<SourceResult>),
}

/// The sources to consider, in a stable order: manifest sources as listed, then the
/// URLs of reference entries (with `discover`) in article and reference order.
fn plan(corpus: &Corpus, options: &FetchOptions, observer: &dyn Observer) -> Result<Vec<Target>> {
    let mut targets: Vec<Target> = corpus
        .sources
        .iter()
        .filter(|s| !corpus.is_discovered(&s.id))
        .filter(|s| s.file.is_none() || corpus.fetched(s).is_some())
        .filter_map(|s| {
            Some(Target {
                id: s.id.clone(),
                url: s.url.clone()?,
                archive_url: None,
                discovered: false,
            })
        })
        .collect();
    if options.discover {
        targets.extend(discover(corpus, observer)?);
    }
    if options.ids.is_empty() {
        return Ok(targets);
    }
    for id in &options.ids {
        if targets.iter().any(|t| &t.id == id) {
            continue;
        }
        return Err(Error::Usage(match corpus.source(id) {
            Some(s) if s.url.is_none() => {
                format!("source {id:?} has no `url` in corpus.toml: there is nothing to fetch")
            }
            Some(_) => format!(
                "source {id:?} has a `file` of its own in corpus.toml: fetch only brings in texts the corpus lacks"
            ),
            None if options.discover => format!(
                "no source {id:?} in corpus.toml or corpus.lock, nor among the URLs of reference entries"
            ),
            None => format!(
                "no source {id:?} in corpus.toml or corpus.lock (the URLs of reference entries are sources only when discovering them)"
            ),
        }));
    }
    targets.retain(|t| options.ids.contains(&t.id));
    Ok(targets)
}

/// The URLs of reference entries that cite no manifest source (a weak link is no
/// citation of the work), once each, in article and reference order. Articles go
/// through the read stage in batches, so memory does not grow with the corpus.
fn discover(corpus: &Corpus, observer: &dyn Observer) -> Result<Vec<Target>> {
    let total = corpus.articles.len();
    let mut targets = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    ReadStage::new(corpus).for_each_batch(
        |_, article| {
            let article = article?;
            let found: Vec<(String, Option<String>)> = article
                .references
                .iter()
                .filter(|r| {
                    !r.link
                        .as_ref()
                        .is_some_and(|l| l.is_sure() && !corpus.is_discovered(&l.source))
                })
                .filter_map(|r| {
                    let url = r.fields.url.as_deref()?.trim();
                    http::check_url(url).ok()?;
                    let archive = r
                        .fields
                        .archive_url
                        .as_deref()
                        .map(str::trim)
                        .filter(|a| *a != url)
                        .map(str::to_string);
                    Some((url.to_string(), archive))
                })
                .collect();
            Ok::<_, Error>(found)
        },
        |batch| {
            for found in batch {
                for (url, archive_url) in found? {
                    if seen.insert(url.clone()) {
                        targets.push(Target {
                            id: discovered_id(&url),
                            url,
                            archive_url,
                            discovered: true,
                        });
                    }
                }
            }
            Ok(())
        },
        &|done| {
            observer.event(&Event::Progress {
                stage: Stage::Reading,
                done,
                total,
                item: None,
            })
        },
    )?;
    Ok(targets)
}

/// Indexes into `targets` (those in `todo`), taking one source per host in turn, so
/// that workers are not all queued behind the one host they may only ask one at a time.
fn interleave_hosts(targets: &[Target], todo: &[usize]) -> Vec<usize> {
    let host = |t: &Target| {
        url::Url::parse(&t.url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_default()
    };
    let mut hosts: Vec<(String, Vec<usize>)> = Vec::new();
    for &i in todo {
        let h = host(&targets[i]);
        match hosts.iter_mut().find(|(name, _)| *name == h) {
            Some((_, list)) => list.push(i),
            None => hosts.push((h, vec![i])),
        }
    }
    let mut out = Vec::with_capacity(todo.len());
    let mut round = 0;
    while out.len() < todo.len() {
        for (_, list) in &hosts {
            if let Some(&i) = list.get(round) {
                out.push(i);
            }
        }
        round += 1;
    }
    out
}

struct Worker<'a> {
    root: &'a Path,
    lock: &'a Lock,
    client: &'a http::Client,
    options: &'a FetchOptions,
}

impl Worker<'_> {
    fn fetch_one(&self, t: &Target, on_retry: &mut dyn FnMut(http::Retry)) -> SourceResult {
        let previous = self.lock.entry(&t.id);
        let result = |outcome: Outcome,
                      entry: Option<LockEntry>,
                      dead: Option<Dead>,
                      error: Option<FetchError>| SourceResult {
            id: t.id.clone(),
            url: t.url.clone(),
            discovered: t.discovered,
            outcome,
            entry,
            dead,
            error,
        };
        let stored = |r: std::result::Result<(LockEntry, Outcome), FetchError>| match r {
            Ok((entry, outcome)) => result(outcome, Some(entry), None, None),
            Err(e) => result(Outcome::Failed, previous.cloned(), None, Some(e)),
        };
        let (status, final_url, dead) = match self.client.get(&t.url, on_retry) {
            http::Answer::Page(page) => return stored(self.store(t, page, None)),
            http::Answer::Failed(e) => {
                return result(Outcome::Failed, previous.cloned(), None, Some(e))
            }
            http::Answer::Dead {
                status,
                final_url,
                dead,
            } => (status, final_url, dead),
        };
        // Dead: an archived copy, the reference's own or the archive service's.
        let mut archive_error = None;
        let archived = match &t.archive_url {
            Some(a) => Some(a.clone()),
            None if self.options.archive => match self.archive_lookup(&t.url, on_retry) {
                Ok(found) => found,
                Err(e) => {
                    archive_error = Some(e);
                    None
                }
            },
            None => None,
        };
        if let Some(archive_url) = archived {
            match self.client.get(&archive_url, on_retry) {
                http::Answer::Page(page) => return stored(self.store(t, page, Some(archive_url))),
                http::Answer::Dead { dead, .. } => {
                    archive_error = Some(FetchError::ArchivedCopy {
                        url: archive_url,
                        problem: dead.to_string(),
                    })
                }
                http::Answer::Failed(e) => {
                    archive_error = Some(FetchError::ArchivedCopy {
                        url: archive_url,
                        problem: e.to_string(),
                    })
                }
            }
        }
        let reason = dead.to_string();
        // A text pinned earlier stays usable; the lock records that its URL died.
        let entry = match previous.filter(|p| p.file.is_some() && p.url == t.url) {
            Some(p) => LockEntry {
                error: Some(reason),
                ..p.clone()
            },
            None => LockEntry {
                id: t.id.clone(),
                url: t.url.clone(),
                final_url: (final_url != t.url).then_some(final_url),
                status,
                content_type: None,
                fetched_at: now_utc(),
                bytes: None,
                sha256: None,
                file: None,
                archived: false,
                archive_url: None,
                error: Some(reason),
                discovered: t.discovered,
            },
        };
        result(Outcome::Dead, Some(entry), Some(dead), archive_error)
    }

    /// Write a fetched page under `sources/` and make its lock entry.
    fn store(
        &self,
        t: &Target,
        page: http::Page,
        archive_url: Option<String>,
    ) -> std::result::Result<(LockEntry, Outcome), FetchError> {
        let ct = page.content_type.as_deref();
        let kind = extract::kind(ct, &page.body).ok_or_else(|| FetchError::Unsupported {
            url: page.final_url.clone(),
            content_type: page.content_type.clone(),
        })?;
        let file = format!("{SOURCES_DIR}/{}.{}", file_stem(&t.id), kind.extension());
        let path = self.root.join(&file);
        // Refuse what cannot be read now rather than at every `check`.
        extract::text(Path::new(&file), &page.body, ct)?;
        let previous = self.lock.entry(&t.id);
        let ours = previous.is_some_and(|p| p.file.as_deref() == Some(file.as_str()));
        if path.exists() && !ours {
            return Err(FetchError::NotOurs { file });
        }
        lock::write_atomically(&self.root.join(SOURCES_DIR), &path, &page.body)?;
        // A re-fetch that changed kind (HTML → PDF) leaves no stale file of ours behind.
        if let Some(old) = previous.and_then(|p| p.file.as_deref()) {
            if old != file && lock::is_sources_file(old) {
                let _ = std::fs::remove_file(self.root.join(old));
            }
        }
        let sha256 = lock::sha256_hex(&page.body);
        let outcome = match previous.and_then(|p| p.sha256.as_deref()) {
            Some(old) if self.options.update && old == sha256 => Outcome::Unchanged,
            Some(_) if self.options.update => Outcome::Changed,
            _ => Outcome::Fetched,
        };
        let entry = LockEntry {
            id: t.id.clone(),
            url: t.url.clone(),
            final_url: Some(page.final_url),
            status: Some(page.status),
            content_type: page.content_type,
            fetched_at: now_utc(),
            bytes: Some(page.body.len() as u64),
            sha256: Some(sha256),
            file: Some(file),
            archived: archive_url.is_some(),
            archive_url,
            error: None,
            discovered: t.discovered,
        };
        Ok((entry, outcome))
    }

    /// The archive service's closest snapshot of `url`, if it has one.
    fn archive_lookup(
        &self,
        url: &str,
        on_retry: &mut dyn FnMut(http::Retry),
    ) -> std::result::Result<Option<String>, FetchError> {
        let endpoint = &self.options.archive_endpoint;
        let problem = |problem: String| FetchError::Archive {
            endpoint: endpoint.clone(),
            problem,
        };
        let mut query = url::Url::parse(endpoint).map_err(|e| problem(e.to_string()))?;
        query.query_pairs_mut().append_pair("url", url);
        let page = match self.client.get(query.as_str(), on_retry) {
            http::Answer::Page(p) => p,
            http::Answer::Dead { dead, .. } => return Err(problem(dead.to_string())),
            http::Answer::Failed(e) => return Err(problem(e.to_string())),
        };
        let v: serde_json::Value = serde_json::from_slice(&page.body)
            .map_err(|e| problem(format!("answered no JSON ({e})")))?;
        let closest = &v["archived_snapshots"]["closest"];
        let available = closest["available"].as_bool().unwrap_or(false);
        Ok(closest["url"]
            .as_str()
            .filter(|_| available)
            .map(str::to_string))
    }
}

/// The id of a source discovered in a reference: readable, and unique per URL.
pub fn discovered_id(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let mut slug = String::new();
    for c in rest.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
        if slug.len() >= 48 {
            break;
        }
    }
    let slug = slug.trim_matches('-');
    format!("url-{slug}-{}", &lock::sha256_hex(url.as_bytes())[..8])
}

/// A file name for a source id: ASCII letters, digits, `-`, `_` and `.` only, no leading
/// dot, so no id (`../../etc/x`, `a/b`, `C:\x`) can name a path outside `sources/`. An id
/// that had to change gets a hash of itself, so two ids never share a file.
pub fn file_stem(id: &str) -> String {
    let mut stem = String::with_capacity(id.len());
    for c in id.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '_' | '.') {
            stem.push(c);
        } else if !stem.ends_with('-') {
            stem.push('-');
        }
    }
    let mut stem = stem
        .trim_matches(|c| c == '-' || c == '.')
        .chars()
        .take(80)
        .collect::<String>();
    if stem != id || stem.is_empty() {
        if !stem.is_empty() {
            stem.push('-');
        }
        stem.push_str(&lock::sha256_hex(id.as_bytes())[..8]);
    }
    stem
}

/// Now, UTC, RFC 3339 to the second.
pub fn now_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    utc_timestamp(secs)
}

/// Seconds since the Unix epoch as `YYYY-MM-DDThh:mm:ssZ` (civil-from-days, proleptic
/// Gregorian).
pub fn utc_timestamp(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_stems_cannot_leave_the_sources_directory() {
        assert_eq!(file_stem("neutrality-pact-1941"), "neutrality-pact-1941");
        for id in [
            "../../etc/x",
            "a/b",
            "..",
            "C:\\x",
            "/abs",
            ".hidden",
            "名前",
        ] {
            let stem = file_stem(id);
            assert!(
                lock::is_sources_file(&format!("sources/{stem}.html")),
                "{id} → {stem}"
            );
            assert!(!stem.contains(".."), "{id} → {stem}");
        }
        assert_ne!(file_stem("a/b"), file_stem("a-b"));
    }

    #[test]
    fn discovered_ids_are_readable_and_differ_per_url() {
        let a = discovered_id("https://www.example.org/history/pact.html");
        assert!(
            a.starts_with("url-www-example-org-history-pact-html-"),
            "{a}"
        );
        assert_ne!(a, discovered_id("https://www.example.org/history/pact.htm"));
    }

    #[test]
    fn timestamps_are_utc_rfc3339() {
        assert_eq!(utc_timestamp(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc_timestamp(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(utc_timestamp(1_798_713_000), "2026-12-31T10:30:00Z");
    }
}
