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
//! text is and [`crate::Corpus::load`] reads it. The library prints nothing: progress goes
//! through the callback.

pub mod extract;
pub mod http;
pub mod lock;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::manifest::Corpus;
pub use http::HttpConfig;
pub use lock::{Lock, LockEntry, LOCK_NAME, SOURCES_DIR};

/// The Wayback Machine's availability API: `?url=…` answers the closest snapshot.
pub const DEFAULT_ARCHIVE_ENDPOINT: &str = "https://archive.org/wayback/available";

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
    pub archive_endpoint: String,
    /// Sources fetched at the same time (each host still gets one request at a time).
    pub jobs: usize,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
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

/// What happened to one source.
#[derive(Debug, Clone, Serialize)]
pub struct SourceResult {
    pub id: String,
    pub url: String,
    pub discovered: bool,
    pub outcome: Outcome,
    /// Its lock entry after the run, when it has one.
    pub entry: Option<LockEntry>,
    /// Why it failed or is dead.
    pub message: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FetchReport {
    /// In plan order: manifest sources as listed, then discovered URLs in article order.
    pub results: Vec<SourceResult>,
    pub lock: PathBuf,
}

impl FetchReport {
    pub fn count(&self, outcome: Outcome) -> usize {
        self.results.iter().filter(|r| r.outcome == outcome).count()
    }

    /// Nothing needed the network.
    pub fn up_to_date(&self) -> bool {
        self.results.iter().all(|r| r.outcome == Outcome::UpToDate)
    }
}

/// Progress, for the binary to render (the library prints nothing).
#[derive(Debug)]
pub enum FetchEvent<'a> {
    /// `total` sources considered, `to_fetch` of them need the network.
    Planned {
        total: usize,
        to_fetch: usize,
    },
    Started {
        id: &'a str,
        url: &'a str,
    },
    /// A 429/503: waiting before trying again.
    Waiting {
        id: &'a str,
        status: u16,
        after: Duration,
    },
    Done(&'a SourceResult),
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
pub fn fetch(
    corpus: &Corpus,
    options: &FetchOptions,
    mut progress: impl FnMut(FetchEvent),
) -> Result<FetchReport> {
    let root = &corpus.root;
    let mut lock = corpus.lock.clone().unwrap_or_default();
    let targets = plan(corpus, options)?;
    let pinned = |t: &Target| {
        lock.entry(&t.id).is_some_and(|e| {
            e.url == t.url
                && match &e.file {
                    Some(f) => root.join(f).is_file(),
                    None => e.is_dead(),
                }
        })
    };
    let (done, todo): (Vec<Target>, Vec<Target>) = targets
        .iter()
        .cloned()
        .partition(|t| pinned(t) && !options.update);
    progress(FetchEvent::Planned {
        total: targets.len(),
        to_fetch: todo.len(),
    });

    let mut results: Vec<Option<SourceResult>> = vec![None; targets.len()];
    let position = |id: &str| targets.iter().position(|t| t.id == id).unwrap_or(0);
    for t in done {
        let r = SourceResult {
            entry: lock.entry(&t.id).cloned(),
            id: t.id.clone(),
            url: t.url.clone(),
            discovered: t.discovered,
            outcome: Outcome::UpToDate,
            message: None,
        };
        progress(FetchEvent::Done(&r));
        let at = position(&t.id);
        results[at] = Some(r);
    }

    if !todo.is_empty() {
        let sources_dir = root.join(SOURCES_DIR);
        std::fs::create_dir_all(&sources_dir).map_err(|e| Error::io(&sources_dir, e))?;
        let client = http::Client::new(options.http.clone());
        let order = interleave_hosts(&todo);
        let next = AtomicUsize::new(0);
        let (tx, rx) = mpsc::channel::<Message>();
        let worker = Worker {
            root,
            lock: &lock,
            client: &client,
            options,
        };
        std::thread::scope(|scope| {
            for _ in 0..options.jobs.clamp(1, 16).min(todo.len()) {
                let tx = tx.clone();
                let (order, next, todo, worker) = (&order, &next, &todo, &worker);
                scope.spawn(move || loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&t) = order.get(i) else { break };
                    let target = &todo[t];
                    let _ = tx.send(Message::Started(target.id.clone(), target.url.clone()));
                    let result = worker.fetch_one(target, &mut |status, after| {
                        let _ = tx.send(Message::Waiting(target.id.clone(), status, after));
                    });
                    let _ = tx.send(Message::Done(Box::new(result)));
                });
            }
            drop(tx);
            // Events arrive here, on the caller's thread, whatever thread sent them.
            for message in rx {
                match message {
                    Message::Started(id, url) => {
                        progress(FetchEvent::Started { id: &id, url: &url })
                    }
                    Message::Waiting(id, status, after) => progress(FetchEvent::Waiting {
                        id: &id,
                        status,
                        after,
                    }),
                    Message::Done(r) => {
                        progress(FetchEvent::Done(&r));
                        let at = position(&r.id);
                        results[at] = Some(*r);
                    }
                }
            }
        });
        let before = lock.clone();
        for r in results.iter().flatten() {
            if let Some(e) = &r.entry {
                lock.upsert(e.clone());
            }
        }
        if lock != before || corpus.lock.is_none() {
            lock.save(root)?;
        }
    }
    Ok(FetchReport {
        results: results.into_iter().flatten().collect(),
        lock: Lock::path(root),
    })
}

enum Message {
    Started(String, String),
    Waiting(String, u16, Duration),
    Done(Box<SourceResult>),
}

/// The sources to consider, in a stable order: manifest sources as listed, then the
/// URLs of reference entries (with `discover`) in article and reference order.
fn plan(corpus: &Corpus, options: &FetchOptions) -> Result<Vec<Target>> {
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
        let articles = crate::read_corpus(corpus, |_| {})?;
        let mut seen: HashSet<String> = HashSet::new();
        for article in &articles {
            for r in &article.references {
                let Some(url) = r.fields.url.as_deref().map(str::trim) else {
                    continue;
                };
                let links_elsewhere = r
                    .link
                    .as_ref()
                    .is_some_and(|l| !corpus.is_discovered(&l.source));
                if links_elsewhere || http::check_url(url).is_err() || !seen.insert(url.into()) {
                    continue;
                }
                targets.push(Target {
                    id: discovered_id(url),
                    url: url.to_string(),
                    archive_url: r
                        .fields
                        .archive_url
                        .as_deref()
                        .map(str::trim)
                        .filter(|a| *a != url)
                        .map(str::to_string),
                    discovered: true,
                });
            }
        }
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
            None => format!(
                "no source {id:?} in corpus.toml or corpus.lock{}",
                if options.discover {
                    ""
                } else {
                    " (discovered sources need --discover)"
                }
            ),
        }));
    }
    targets.retain(|t| options.ids.contains(&t.id));
    Ok(targets)
}

/// Indexes into `targets`, taking one source per host in turn, so that workers are not
/// all queued behind the one host they may only ask one at a time.
fn interleave_hosts(targets: &[Target]) -> Vec<usize> {
    let host = |t: &Target| {
        url::Url::parse(&t.url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_default()
    };
    let mut hosts: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, t) in targets.iter().enumerate() {
        let h = host(t);
        match hosts.iter_mut().find(|(name, _)| *name == h) {
            Some((_, list)) => list.push(i),
            None => hosts.push((h, vec![i])),
        }
    }
    let mut out = Vec::with_capacity(targets.len());
    let mut round = 0;
    while out.len() < targets.len() {
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
    fn fetch_one(&self, t: &Target, on_retry: &mut dyn FnMut(u16, Duration)) -> SourceResult {
        let mut wait = |w: http::Wait| match w {
            http::Wait::Retry { status, after } => on_retry(status, after),
        };
        let previous = self.lock.entry(&t.id);
        let result =
            |outcome: Outcome, entry: Option<LockEntry>, message: Option<String>| SourceResult {
                id: t.id.clone(),
                url: t.url.clone(),
                discovered: t.discovered,
                outcome,
                entry,
                message,
            };
        let (status, final_url, reason) = match self.client.get(&t.url, &mut wait) {
            http::Answer::Page(page) => {
                return match self.store(t, page, None) {
                    Ok((entry, outcome)) => result(outcome, Some(entry), None),
                    Err(m) => result(Outcome::Failed, previous.cloned(), Some(m)),
                }
            }
            http::Answer::Failed(m) => return result(Outcome::Failed, previous.cloned(), Some(m)),
            http::Answer::Dead {
                status,
                final_url,
                reason,
            } => (status, final_url, reason),
        };
        // Dead: an archived copy, the reference's own or the archive service's.
        let mut archive_note = None;
        let archived = match &t.archive_url {
            Some(a) => Some(a.clone()),
            None if self.options.archive => match self.archive_lookup(&t.url, &mut wait) {
                Ok(found) => found,
                Err(m) => {
                    archive_note = Some(m);
                    None
                }
            },
            None => None,
        };
        if let Some(archive_url) = archived {
            match self.client.get(&archive_url, &mut wait) {
                http::Answer::Page(page) => {
                    return match self.store(t, page, Some(archive_url)) {
                        Ok((entry, outcome)) => result(outcome, Some(entry), None),
                        Err(m) => result(Outcome::Failed, previous.cloned(), Some(m)),
                    }
                }
                http::Answer::Dead { reason, .. } | http::Answer::Failed(reason) => {
                    archive_note = Some(format!("the archived copy {archive_url}: {reason}"));
                }
            }
        }
        let mut message = format!("{} {reason}", t.url);
        if let Some(n) = &archive_note {
            message.push_str(&format!("; {n}"));
        }
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
        result(Outcome::Dead, Some(entry), Some(message))
    }

    /// Write a fetched page under `sources/` and make its lock entry.
    fn store(
        &self,
        t: &Target,
        page: http::Page,
        archive_url: Option<String>,
    ) -> std::result::Result<(LockEntry, Outcome), String> {
        let ct = page.content_type.as_deref();
        let kind = extract::kind(ct, &page.body).ok_or_else(|| {
            format!(
                "{}: a {} document, and citecheck reads HTML, plain text and PDF",
                page.final_url,
                ct.unwrap_or("binary")
            )
        })?;
        let file = format!("{SOURCES_DIR}/{}.{}", file_stem(&t.id), kind.extension());
        let path = self.root.join(&file);
        // Refuse what cannot be read now rather than at every `check`.
        extract::text(Path::new(&file), &page.body, ct).map_err(|e| e.to_string())?;
        let previous = self.lock.entry(&t.id);
        let ours = previous.is_some_and(|p| p.file.as_deref() == Some(file.as_str()));
        if path.exists() && !ours {
            return Err(format!(
                "{file} exists and was not written by citecheck fetch: move it away, or name it as the source's `file` in corpus.toml"
            ));
        }
        lock::write_atomically(&self.root.join(SOURCES_DIR), &path, &page.body)
            .map_err(|e| e.to_string())?;
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
        wait: &mut dyn FnMut(http::Wait),
    ) -> std::result::Result<Option<String>, String> {
        let mut query = url::Url::parse(&self.options.archive_endpoint)
            .map_err(|e| format!("archive endpoint: {e}"))?;
        query.query_pairs_mut().append_pair("url", url);
        let page = match self.client.get(query.as_str(), wait) {
            http::Answer::Page(p) => p,
            http::Answer::Dead { reason, .. } | http::Answer::Failed(reason) => {
                return Err(format!("the archive service: {reason}"))
            }
        };
        let v: serde_json::Value = serde_json::from_slice(&page.body)
            .map_err(|e| format!("the archive service answered no JSON: {e}"))?;
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
