//! The corpus manifest (`corpus.toml`): which files are articles, which works exist as
//! sources (with or without text), explicit links, and `check` settings.
//!
//! Loading validates everything a later stage would trip over — unknown keys, duplicate
//! ids, missing article files, globs that match nothing — and reports it with the
//! manifest's file, line and column. A directory without `corpus.toml` is a corpus whose
//! text files are all articles.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::Spanned;

pub use crate::check_options::CheckOptions;
use crate::check_options::OPTION_KEYS;
use crate::error::{CorpusProblem, Error, Result};
use crate::fetch::lock::{Lock, LockEntry};
use crate::position::{Format, LineIndex};
use crate::rule::{Rule, Severity};

pub const MANIFEST_NAME: &str = "corpus.toml";

/// The file that marks a directory as a citecheck index (written by the index, here so
/// that listing a corpus can skip an index inside it without importing the index).
pub const INDEX_MARKER: &str = "CITECHECK-INDEX";

/// File endings read as articles in a directory without a manifest.
pub const ARTICLE_EXTENSIONS: &[&str] =
    &["txt", "md", "markdown", "wiki", "wikitext", "html", "htm"];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestFile {
    #[serde(default)]
    article: Vec<ArticleEntry>,
    #[serde(default)]
    source: Vec<SourceTable>,
    #[serde(default)]
    link: Vec<LinkTable>,
    #[serde(default)]
    check: CheckSettings,
    /// Globs of files and directories never read as articles (see [`Exclude`]).
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
}

/// A `[[source]]` as written: every value that loading can find wrong keeps its span,
/// so the error points at that value. Validated, it becomes a [`SourceEntry`].
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceTable {
    id: Spanned<String>,
    title: Spanned<String>,
    date: Option<Spanned<String>>,
    kind: Option<Spanned<SourceKind>>,
    author: Option<String>,
    publisher: Option<String>,
    pages: Option<String>,
    file: Option<Spanned<String>>,
    url: Option<Spanned<String>>,
    format: Option<Spanned<Format>>,
    note: Option<String>,
}

/// A `[[link]]` as written (see [`SourceTable`]); validated, it becomes a [`LinkEntry`].
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LinkTable {
    article: Spanned<String>,
    reference: Spanned<toml::Value>,
    source: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ArticleEntry {
    id: Option<Spanned<String>>,
    file: Option<Spanned<String>>,
    files: Option<Spanned<String>>,
    #[serde(default)]
    format: Format,
    title: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    #[default]
    Primary,
    Secondary,
}

/// A cited work. Without a readable `file` it is *unavailable*: citations to it are
/// unverifiable, which is a legitimate state.
#[derive(Debug, Clone, Serialize)]
pub struct SourceEntry {
    pub id: String,
    pub title: String,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (checked when the manifest loads).
    pub date: Option<String>,
    pub kind: SourceKind,
    pub author: Option<String>,
    pub publisher: Option<String>,
    pub pages: Option<String>,
    pub file: Option<String>,
    /// An `http://` or `https://` URL (checked when the manifest loads).
    pub url: Option<String>,
    pub format: Format,
    pub note: Option<String>,
}

/// `[[link]] article = "…" reference = 2 source = "…"`: overrides automatic linking.
#[derive(Debug, Clone, Serialize)]
pub struct LinkEntry {
    pub article: String,
    /// A footnote number or name.
    pub reference: toml::Value,
    pub source: String,
}

impl LinkEntry {
    pub fn reference_label(&self) -> String {
        match &self.reference {
            toml::Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }
}

/// Whether the lead's sentences can be uncited claims (`[check] lead`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LeadPolicy {
    /// The lead summarises a body cited below it (the default).
    #[default]
    Exempt,
    Check,
}

impl<'de> Deserialize<'de> for LeadPolicy {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        match <std::borrow::Cow<'de, str>>::deserialize(d)?.as_ref() {
            "exempt" => Ok(LeadPolicy::Exempt),
            "check" => Ok(LeadPolicy::Check),
            other => Err(serde::de::Error::custom(format!(
                "[check] lead = {other:?}: expected \"exempt\" or \"check\""
            ))),
        }
    }
}

/// `[check]`: rule severities (`rule = "error" | "warning" | "note" | "off"`, `None` =
/// off), policies, and the options of `citecheck check` (the same names as its flags:
/// `format`, `output`, `deny`, `baseline`, `rule = [..]`, `severity`, `max-findings`,
/// `root`, `locked`; see [`CheckOptions`]), typed when the manifest loads: a misspelt
/// key, rule or level is an error at its key or value in corpus.toml. Each severity
/// keeps the span of its value.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CheckSettings {
    pub lead: LeadPolicy,
    pub severities: BTreeMap<Rule, Spanned<Option<Severity>>>,
    /// The command-line options set here; the command line wins over them.
    pub options: CheckOptions,
}

impl<'de> Deserialize<'de> for CheckSettings {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        // A map visitor rather than `#[serde(flatten)]`: flatten buffers the table and
        // loses the spans toml attaches to a key's or a value's error.
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = CheckSettings;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a [check] table of rule = \"level\", lead = \"exempt\" | \"check\" and check options")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<CheckSettings, A::Error> {
                let mut settings = CheckSettings::default();
                while let Some(key) = map.next_key::<CheckKey>()? {
                    match key {
                        CheckKey::Lead => settings.lead = map.next_value()?,
                        CheckKey::Rule(rule) => {
                            let level = map.next_value_seed(LevelOf(rule))?;
                            settings.severities.insert(rule, level);
                        }
                        CheckKey::Option(name) => settings.options.read_key(name, &mut map)?,
                    }
                }
                Ok(settings)
            }
        }
        d.deserialize_map(Visitor)
    }
}

/// A key of `[check]`: a policy, a rule name or a `check` option.
enum CheckKey {
    Lead,
    Rule(Rule),
    Option(&'static str),
}

impl<'de> Deserialize<'de> for CheckKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let name = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        if name == "lead" {
            return Ok(CheckKey::Lead);
        }
        if let Some(option) = OPTION_KEYS.iter().find(|k| **k == name) {
            return Ok(CheckKey::Option(option));
        }
        name.parse().map(CheckKey::Rule).map_err(|e: crate::rule::UnknownRule| {
            // `max_findings` for `max-findings`: the flag's spelling is the key's.
            let kebab = name.replace('_', "-");
            let hint = match OPTION_KEYS.iter().find(|k| **k == kebab) {
                Some(k) => format!(" (did you mean the option {k:?}?)"),
                None => match e.suggestion() {
                    Some(r) => format!(" (did you mean {:?}?)", r.name()),
                    None => String::new(),
                },
            };
            serde::de::Error::custom(format!(
                "unknown key {name:?} in [check]{hint}: expected a rule name ({}), \"lead\", or an option of `citecheck check` ({})",
                Rule::names(),
                OPTION_KEYS.join(", ")
            ))
        })
    }
}

/// Reads the level of `[check]`'s rule `.0`: a severity, or `None` for `"off"`, with the
/// value's span. An error here is located at the value by toml.
struct LevelOf(Rule);

impl<'de> serde::de::DeserializeSeed<'de> for LevelOf {
    type Value = Spanned<Option<Severity>>;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        d: D,
    ) -> std::result::Result<Self::Value, D::Error> {
        let level = Spanned::<String>::deserialize(d)?;
        let severity = match level.get_ref().as_str() {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "note" => Some(Severity::Note),
            "off" => None,
            other => {
                return Err(serde::de::Error::custom(format!(
                    "[check] {} = {other:?}: expected \"error\", \"warning\", \"note\" or \"off\"",
                    self.0
                )))
            }
        };
        Ok(Spanned::new(level.span(), severity))
    }
}

/// One article file to read.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleSpec {
    pub id: String,
    pub path: PathBuf,
    pub format: Format,
    pub title: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Corpus {
    pub root: PathBuf,
    /// `None` for a directory read without a manifest.
    pub manifest: Option<PathBuf>,
    pub articles: Vec<ArticleSpec>,
    pub sources: Vec<SourceEntry>,
    pub links: Vec<LinkEntry>,
    pub check: CheckSettings,
    /// The directory listings the article list was made from (see [`Listing`]).
    pub listings: Vec<Listing>,
    /// `corpus.lock`, when `citecheck fetch` wrote one: its texts are in `sources`.
    pub lock: Option<Lock>,
}

/// A directory listing that a `files = "…"` glob (or a manifest-less corpus) was expanded
/// from. The index keeps the listings of the corpus it was built from, and the next load
/// reuses a listing whose directories still have the recorded mtimes instead of reading
/// them again: creating, removing or renaming a file changes its directory's mtime.
/// On a corpus of thousands of articles this is most of what loading costs, and every
/// `search` loads the corpus.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing {
    /// The glob as written in the manifest; empty for a manifest-less corpus.
    pub pattern: String,
    /// Each directory read, relative to the corpus root, with its mtime (ns).
    pub dirs: Vec<(String, u64)>,
    /// When the directories' mtimes were taken (ns since the Unix epoch).
    pub listed_at_ns: u64,
    /// The files found, relative to the corpus root, in corpus order.
    pub files: Vec<String>,
}

impl Listing {
    /// Whether this listing still describes the directories under `root`: each one's
    /// mtime as recorded, and recorded long enough after it to be trusted.
    fn still_valid(&self, root: &Path) -> bool {
        self.dirs.iter().all(|(dir, mtime)| {
            crate::stamp::trusted(*mtime, self.listed_at_ns)
                && std::fs::metadata(root.join(dir))
                    .is_ok_and(|md| crate::stamp::mtime_ns(&md) == *mtime)
        })
    }

    /// Take out of `previous` the listing of `pattern`, if it is still valid.
    fn take_reusable(previous: &mut Vec<Listing>, pattern: &str, root: &Path) -> Option<Listing> {
        let i = previous
            .iter()
            .position(|l| l.pattern == pattern && l.still_valid(root))?;
        Some(previous.swap_remove(i))
    }
}

/// `path` relative to the corpus root, with `/` separators (lossy where a name is not
/// UTF-8): how article ids, listings and the index's record of input files name files.
pub fn relative_to(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path).to_string_lossy();
    if std::path::MAIN_SEPARATOR == '/' {
        rel.into_owned()
    } else {
        rel.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

/// [`relative_to`], or `None` when the path is not UTF-8: a listing must name its files
/// exactly.
fn relative_str(root: &Path, path: &Path) -> Option<String> {
    path.to_str()?;
    Some(relative_to(root, path))
}

/// What a manifest may make citecheck read. A manifest comes with the articles (a pull
/// request can change both), so by default it reads only regular files inside the
/// corpus directory, none over a size limit; wider reads are the command line's choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Read files outside the corpus directory (absolute paths, `..`, symlinks out).
    pub allow_outside: bool,
    /// The largest input file read, in bytes.
    pub max_file_size: u64,
}

/// The default size limit: 64 MiB, far above any article or source text.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 64 << 20;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            allow_outside: false,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
        }
    }
}

/// Checks input files against [`Limits`], canonicalizing each directory once (a corpus
/// of thousands of articles has few directories).
struct Confine<'l> {
    root: PathBuf,
    limits: &'l Limits,
    dirs: HashMap<PathBuf, PathBuf>,
}

impl<'l> Confine<'l> {
    fn new(root: &Path, limits: &'l Limits) -> Self {
        Confine {
            root: std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf()),
            limits,
            dirs: HashMap::new(),
        }
    }

    /// Why `path` must not be read; `None` when it may (or does not exist: that is
    /// reported where it is needed).
    fn refuse(&mut self, path: &Path) -> Option<String> {
        let shown = path.display();
        let md = match std::fs::metadata(path) {
            Ok(md) => md,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                // A dangling symlink is not a missing file: say what it is.
                return std::fs::symlink_metadata(path)
                    .is_ok()
                    .then(|| format!("{shown} is a symlink to nothing ({e})"));
            }
            Err(e) => return Some(format!("{shown} cannot be read: {e}")),
        };
        if !md.is_file() {
            return Some(format!(
                "{shown} is not a regular file (a FIFO, device or directory is never read)"
            ));
        }
        if md.len() > self.limits.max_file_size {
            return Some(format!(
                "{shown} is {} bytes, over the limit of {} (--max-file-size)",
                md.len(),
                self.limits.max_file_size
            ));
        }
        if self.limits.allow_outside {
            return None;
        }
        let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
        let resolved = match (is_link, path.parent(), path.file_name()) {
            (false, Some(dir), Some(name)) => {
                let dir = dir.to_path_buf();
                let canon = self
                    .dirs
                    .entry(dir.clone())
                    .or_insert_with(|| std::fs::canonicalize(&dir).unwrap_or(dir));
                canon.join(name)
            }
            _ => std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()),
        };
        (!resolved.starts_with(&self.root)).then(|| {
            format!(
                "{shown} is outside the corpus directory {} (it is {}); pass --allow-outside-corpus to read it",
                self.root.display(),
                resolved.display()
            )
        })
    }
}

/// Whether a glob pattern reaches out of the corpus directory by itself.
fn glob_leaves_root(pattern: &str) -> bool {
    let p = Path::new(pattern);
    p.is_absolute()
        || p.components()
            .any(|c| matches!(c, std::path::Component::ParentDir))
}

impl Corpus {
    /// Load the corpus at `root` (a directory with or without `corpus.toml`).
    pub fn load(root: &Path) -> Result<Corpus> {
        Self::load_reusing(root, Vec::new())
    }

    /// [`Corpus::load`], reusing those of the `previous` listings (recorded by an index
    /// build) whose directories are unchanged. The result is the same as `load`'s.
    pub fn load_reusing(root: &Path, previous: Vec<Listing>) -> Result<Corpus> {
        Self::load_with(root, previous, &Limits::default())
    }

    /// [`Corpus::load_reusing`] within `limits` (by default: regular files inside the
    /// corpus directory, 64 MiB at most).
    pub fn load_with(root: &Path, mut previous: Vec<Listing>, limits: &Limits) -> Result<Corpus> {
        let problem = if !root.exists() {
            Some(CorpusProblem::NotFound)
        } else if !root.is_dir() {
            Some(CorpusProblem::NotADirectory)
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(Error::Corpus {
                path: root.to_path_buf(),
                problem,
            });
        }
        let manifest = root.join(MANIFEST_NAME);
        let mut corpus = if manifest.is_file() {
            let text = crate::error::read_text(&manifest)?;
            Self::from_manifest(root, &manifest, &text, &mut previous, limits)?
        } else {
            Self::without_manifest(root, &mut previous)?
        };
        if let Some(lock) = Lock::load(root)? {
            corpus.apply_lock(lock);
        }
        Ok(corpus)
    }

    fn from_manifest(
        root: &Path,
        path: &Path,
        text: &str,
        previous: &mut Vec<Listing>,
        limits: &Limits,
    ) -> Result<Corpus> {
        let mut confine = Confine::new(root, limits);
        let lines = LineIndex::new(text);
        let file: ManifestFile =
            toml::from_str(text).map_err(|e| crate::error::toml_error(path, text, &lines, &e))?;
        let at = Positions {
            path,
            text,
            lines: &lines,
        };
        let mut exclude = Exclude::new(&file.exclude, &at)?;
        let mut articles = Vec::new();
        let mut listings = Vec::new();
        // Where each article was declared, for the duplicate-id error.
        let mut spans: Vec<Range<usize>> = Vec::new();
        for entry in &file.article {
            let specs = match (&entry.file, &entry.files) {
                (Some(f), None) => {
                    let full = root.join(f.get_ref());
                    if let Some(why) = confine.refuse(&full) {
                        return Err(at.error(f.span(), why));
                    }
                    if !full.is_file() {
                        return Err(at.error(
                            f.span(),
                            format!("article file {} does not exist", full.display()),
                        ));
                    }
                    let id = entry
                        .id
                        .as_ref()
                        .map(|i| i.get_ref().clone())
                        .unwrap_or_else(|| stem_id(root, &full));
                    vec![(
                        id,
                        full,
                        entry.id.as_ref().map(|i| i.span()).unwrap_or(f.span()),
                    )]
                }
                (None, Some(g)) => {
                    if !limits.allow_outside && glob_leaves_root(g.get_ref()) {
                        return Err(at.error(
                            g.span(),
                            format!(
                                "glob {:?} reaches outside the corpus directory; pass --allow-outside-corpus to allow it",
                                g.get_ref()
                            ),
                        ));
                    }
                    let (found, listing) = expand_glob(root, g.get_ref(), &exclude, previous)
                        .map_err(|e| {
                            at.error(g.span(), format!("bad glob {:?}: {e}", g.get_ref()))
                        })?;
                    listings.extend(listing);
                    if found.is_empty() {
                        return Err(
                            at.error(g.span(), format!("glob {:?} matches no file", g.get_ref()))
                        );
                    }
                    let ids: Vec<String> = match listings.last() {
                        // The listing just made or reused names these files, relative.
                        Some(l)
                            if l.pattern == exclude.listing_key(g.get_ref())
                                && l.files.len() == found.len() =>
                        {
                            l.files.iter().map(|f| stem_id_rel(f)).collect()
                        }
                        _ => found.iter().map(|p| stem_id(root, p)).collect(),
                    };
                    ids.into_iter()
                        .zip(found)
                        .map(|(id, p)| (id, p, g.span()))
                        .collect()
                }
                (Some(f), Some(_)) => {
                    return Err(
                        at.error(f.span(), "an [[article]] takes `file` or `files`, not both")
                    );
                }
                (None, None) => {
                    let span = entry.id.as_ref().map_or(0..0, |i| i.span());
                    return Err(at.error(
                        span,
                        "an [[article]] needs `file = \"…\"` or `files = \"glob\"`",
                    ));
                }
            };
            for (id, full, span) in specs {
                if let Some(why) = confine.refuse(&full) {
                    return Err(at.error(span, why));
                }
                spans.push(span);
                articles.push(ArticleSpec {
                    id,
                    path: full,
                    format: entry.format,
                    title: entry.title.clone(),
                });
            }
        }
        if file.article.is_empty() {
            // Settings only: every text file is an article, as without a manifest, but
            // for the sources' own files and what `exclude` leaves out.
            exclude.files.extend(
                file.source
                    .iter()
                    .filter_map(|s| s.file.as_ref())
                    .map(|f| f.get_ref().trim_start_matches("./").to_string()),
            );
            let (paths, listing) = walk_articles(root, &exclude, previous)?;
            listings.extend(listing);
            for p in paths {
                spans.push(0..0);
                articles.push(ArticleSpec {
                    id: stem_id(root, &p),
                    path: p,
                    format: Format::Auto,
                    title: None,
                });
            }
        }
        let mut ids: HashMap<&str, usize> = HashMap::with_capacity(articles.len());
        for (i, a) in articles.iter().enumerate() {
            if let Some(first) = ids.insert(&a.id, i) {
                return Err(at.error(
                    spans[i].clone(),
                    format!(
                        "duplicate article id {:?} (first defined on line {})",
                        a.id,
                        at.line(spans[first].clone())
                    ),
                ));
            }
        }

        let mut source_ids: HashMap<&str, Range<usize>> = HashMap::new();
        for s in &file.source {
            let id = s.id.get_ref();
            if id.trim().is_empty() {
                return Err(at.error(s.id.span(), "a [[source]] has an empty id"));
            }
            if let Some(first) = source_ids.insert(id, s.id.span()) {
                return Err(at.error(
                    s.id.span(),
                    format!(
                        "duplicate source id {id:?} (first defined on line {})",
                        at.line(first)
                    ),
                ));
            }
            s.validate(&at)?;
            if let Some(f) = &s.file {
                if let Some(why) = confine.refuse(&root.join(f.get_ref())) {
                    return Err(at.error(f.span(), why));
                }
            }
        }
        // (article, footnote label) → where its first [[link]] names the footnote.
        let mut linked: HashMap<(&str, String), Range<usize>> = HashMap::new();
        for link in &file.link {
            if !ids.contains_key(link.article.get_ref().as_str()) {
                return Err(at.error(
                    link.article.span(),
                    format!(
                        "[[link]] names unknown article {:?}",
                        link.article.get_ref()
                    ),
                ));
            }
            if !source_ids.contains_key(link.source.get_ref().as_str()) {
                return Err(at.error(
                    link.source.span(),
                    format!("[[link]] names unknown source {:?}", link.source.get_ref()),
                ));
            }
            let label =
                match link.reference.get_ref() {
                    toml::Value::String(s) if !s.trim().is_empty() => s.trim().to_string(),
                    toml::Value::Integer(n) if *n > 0 => n.to_string(),
                    _ => return Err(at.error(
                        link.reference.span(),
                        "[[link]] `reference` is a footnote number (1, 2, …) or name (\"smith\")",
                    )),
                };
            let key = (link.article.get_ref().as_str(), label);
            if let Some(first) = linked.get(&key) {
                return Err(at.error(
                    link.reference.span(),
                    format!(
                        "a second [[link]] for footnote {} of article {:?} (the first is on line {})",
                        key.1,
                        key.0,
                        at.line(first.clone())
                    ),
                ));
            }
            linked.insert(key, link.reference.span());
        }
        Ok(Corpus {
            root: root.to_path_buf(),
            manifest: Some(path.to_path_buf()),
            articles,
            sources: file
                .source
                .into_iter()
                .map(SourceTable::into_entry)
                .collect(),
            links: file.link.into_iter().map(LinkTable::into_entry).collect(),
            check: file.check,
            listings,
            lock: None,
        })
    }

    /// Zero configuration: every text file under `root` is an article (but for the
    /// default exclusions); no sources.
    fn without_manifest(root: &Path, previous: &mut Vec<Listing>) -> Result<Corpus> {
        let (paths, listing) = walk_articles(root, &Exclude::default(), previous)?;
        if paths.is_empty() {
            return Err(Error::input(
                root,
                format!(
                    "no {MANIFEST_NAME} and no article files ({}) in this directory",
                    ARTICLE_EXTENSIONS.join(", ")
                ),
            ));
        }
        let articles = paths
            .into_iter()
            .map(|p| ArticleSpec {
                id: stem_id(root, &p),
                path: p,
                format: Format::Auto,
                title: None,
            })
            .collect();
        Ok(Corpus {
            root: root.to_path_buf(),
            manifest: None,
            articles,
            sources: Vec::new(),
            links: Vec::new(),
            check: CheckSettings::default(),
            listings: listing.into_iter().collect(),
            lock: None,
        })
    }

    /// [`relative_to`] the corpus root.
    pub fn relative(&self, path: &Path) -> String {
        relative_to(&self.root, path)
    }

    pub fn source(&self, id: &str) -> Option<&SourceEntry> {
        self.sources.iter().find(|s| s.id == id)
    }

    /// Path of a source's text, when the manifest names one.
    pub fn source_path(&self, source: &SourceEntry) -> Option<PathBuf> {
        source.file.as_ref().map(|f| self.root.join(f))
    }

    /// Whether a source's text is in the corpus (its file exists).
    pub fn source_available(&self, source: &SourceEntry) -> bool {
        self.source_path(source).is_some_and(|p| p.is_file())
    }

    pub fn article(&self, id: &str) -> Option<&ArticleSpec> {
        self.articles.iter().find(|a| a.id == id)
    }

    /// Take in `corpus.lock` (written by `citecheck fetch`): a `[[source]]` without a
    /// `file` gets the text fetched for it, and each URL discovered in a reference
    /// becomes a source of its own (the linker links the reference to it by URL).
    /// Fetched files are never articles, even in a corpus whose text files all are.
    fn apply_lock(&mut self, lock: Lock) {
        for s in &mut self.sources {
            if s.file.is_none() {
                s.file = lock.entry(&s.id).and_then(|e| e.file.clone());
            }
        }
        let listed: std::collections::HashSet<String> =
            self.sources.iter().map(|s| s.id.clone()).collect();
        for e in lock.entries() {
            if !e.discovered || listed.contains(&e.id) {
                continue;
            }
            self.sources.push(SourceEntry {
                id: e.id.clone(),
                title: e.url.clone(),
                date: None,
                kind: SourceKind::Primary,
                author: None,
                publisher: None,
                pages: None,
                file: e.file.clone(),
                url: Some(e.url.clone()),
                format: Format::Auto,
                note: Some(
                    "discovered in a reference entry by `citecheck fetch --discover`".into(),
                ),
            });
        }
        let fetched: std::collections::HashSet<&str> = lock
            .entries()
            .iter()
            .filter_map(|e| e.file.as_deref())
            .collect();
        let root = &self.root;
        self.articles
            .retain(|a| !fetched.contains(relative_to(root, &a.path).as_str()));
        self.lock = Some(lock);
    }

    /// The lock entry whose text is a source's `file` (the manifest named no file of its
    /// own): how to read it (its content type) and its pin.
    pub fn fetched(&self, source: &SourceEntry) -> Option<&LockEntry> {
        let entry = self.lock.as_ref()?.entry(&source.id)?;
        (entry.file.is_some() && entry.file == source.file).then_some(entry)
    }

    /// Whether a source was discovered in a reference entry rather than listed in the
    /// manifest.
    pub fn is_discovered(&self, id: &str) -> bool {
        self.lock
            .as_ref()
            .and_then(|l| l.entry(id))
            .is_some_and(|e| e.discovered)
    }

    /// Every file the corpus reads, manifest first, in a stable order (for fingerprints).
    pub fn input_files(&self) -> Vec<std::borrow::Cow<'_, Path>> {
        let mut files: Vec<std::borrow::Cow<'_, Path>> =
            Vec::with_capacity(self.articles.len() + self.sources.len() + 1);
        files.extend(self.manifest.as_deref().map(Into::into));
        // The lock decides which sources exist and how their bytes are read.
        if self.lock.is_some() {
            files.push(Lock::path(&self.root).into());
        }
        files.extend(self.articles.iter().map(|a| a.path.as_path().into()));
        files.extend(
            self.sources
                .iter()
                .filter_map(|s| self.source_path(s))
                .filter(|p| p.is_file())
                .map(Into::into),
        );
        files
    }
}

/// The files a `files = "…"` glob names. Every `search` loads the manifest, so the common
/// shape — wildcards in the file name only (`articles/*.md`) — is one directory listing
/// using the entries' file types, without a `stat` per file; other patterns go through
/// the `glob` crate.
fn expand_glob(
    root: &Path,
    pattern: &str,
    exclude: &Exclude,
    previous: &mut Vec<Listing>,
) -> std::result::Result<(Vec<PathBuf>, Option<Listing>), String> {
    let wild = |s: &str| s.contains(['*', '?', '[']);
    let key = exclude.listing_key(pattern);
    let rel = Path::new(pattern);
    if let (Some(dir), Some(name)) = (rel.parent(), rel.file_name().and_then(|n| n.to_str())) {
        if !wild(&dir.to_string_lossy()) {
            let matcher = glob::Pattern::new(name).map_err(|e| e.to_string())?;
            if let Some(l) = Listing::take_reusable(previous, &key, root) {
                return Ok((l.files.iter().map(|f| root.join(f)).collect(), Some(l)));
            }
            let listed_at_ns = crate::stamp::now_ns();
            let dir_rel = dir.to_string_lossy().into_owned();
            let dir = root.join(dir);
            // The mtime before the listing: a file added while we list changes it.
            let Ok(md) = std::fs::metadata(&dir) else {
                return Ok((Vec::new(), None));
            };
            let Ok(entries) = std::fs::read_dir(&dir) else {
                return Ok((Vec::new(), None));
            };
            let mut out = Vec::new();
            for entry in entries.flatten() {
                let file_name = entry.file_name();
                if !file_name.to_str().is_some_and(|n| matcher.matches(n)) {
                    continue;
                }
                let full = dir.join(&file_name);
                let is_file = match entry.file_type() {
                    Ok(t) if t.is_symlink() => full.is_file(),
                    Ok(t) => t.is_file(),
                    Err(_) => false,
                };
                if is_file && !exclude.by_user(&relative_to(root, &full)) {
                    out.push(full);
                }
            }
            sort_paths(&mut out);
            let listing = out
                .iter()
                .map(|p| relative_str(root, p))
                .collect::<Option<Vec<_>>>()
                .map(|files| Listing {
                    pattern: key,
                    dirs: vec![(dir_rel, crate::stamp::mtime_ns(&md))],
                    listed_at_ns,
                    files,
                });
            return Ok((out, listing));
        }
    }
    let paths = glob::glob(&root.join(pattern).to_string_lossy()).map_err(|e| e.to_string())?;
    // The directories the pattern names literally are read even when a default excludes
    // them (`files = "target/*.md"`); those its wildcards reach are not.
    let literal = rel
        .components()
        .take_while(|c| !wild(&c.as_os_str().to_string_lossy()))
        .count();
    let mut out: Vec<PathBuf> = paths
        .filter_map(|p| p.ok())
        .filter(|p| p.is_file())
        .filter(|p| !exclude.excludes_file(root, p, literal))
        .collect();
    sort_paths(&mut out);
    Ok((out, None))
}

/// Corpus order: by the path's bytes. Deterministic like `Path`'s component order, but
/// without splitting every path into components: on a 9,069-article corpus that sort was
/// 40 % of the time `search` spends loading the manifest.
fn sort_paths(paths: &mut [PathBuf]) {
    paths.sort_unstable_by(|a, b| a.as_os_str().cmp(b.as_os_str()));
}

/// Article id from a path: relative to the corpus root, without extension, with `/`.
fn stem_id(root: &Path, path: &Path) -> String {
    stem_id_rel(&relative_to(root, path))
}

/// [`stem_id`] of a `/`-separated path relative to the corpus root: empty and `.`
/// segments dropped (as `Path::components` does), the last one's extension removed, and
/// a leading `articles/` folder dropped, since ids read better without it.
fn stem_id_rel(rel: &str) -> String {
    let mut parts = rel
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .enumerate()
        .peekable();
    let mut id = String::with_capacity(rel.len());
    let mut emitted = 0;
    while let Some((i, part)) = parts.next() {
        let last = parts.peek().is_none();
        if i == 0 && !last && part == "articles" {
            continue;
        }
        if emitted > 0 {
            id.push('/');
        }
        emitted += 1;
        id.push_str(if last {
            Path::new(part)
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or(part)
        } else {
            part
        });
    }
    id
}

/// The article files of a corpus listed by walking its directory: every file with an
/// [`ARTICLE_EXTENSIONS`] ending that `exclude` leaves in, in corpus order, and the
/// listing to record (reused from `previous` when its directories are unchanged).
fn walk_articles(
    root: &Path,
    exclude: &Exclude,
    previous: &mut Vec<Listing>,
) -> Result<(Vec<PathBuf>, Option<Listing>)> {
    let key = exclude.listing_key("");
    if let Some(l) = Listing::take_reusable(previous, &key, root) {
        return Ok((l.files.iter().map(|f| root.join(f)).collect(), Some(l)));
    }
    let listed_at_ns = crate::stamp::now_ns();
    let mut paths = Vec::new();
    let mut dirs = Vec::new();
    collect_files(root, root, exclude, &mut paths, &mut dirs).map_err(|e| Error::io(root, e))?;
    paths.retain(|p| {
        p.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| ARTICLE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
    });
    sort_paths(&mut paths);
    let files: Option<Vec<String>> = paths.iter().map(|p| relative_str(root, p)).collect();
    let listing = match (files, dirs.into_iter().collect::<Option<Vec<_>>>()) {
        (Some(files), Some(dirs)) => Some(Listing {
            pattern: key,
            dirs,
            listed_at_ns,
            files,
        }),
        _ => None,
    };
    Ok((paths, listing))
}

/// Directories a corpus's listing never enters, whatever the manifest says: hidden
/// ones (`.git`), `node_modules` and `target` (dependencies and build output, never
/// articles), and any citecheck index (a directory holding its marker file).
pub const DEFAULT_EXCLUDE: &[&str] = &[".*", "node_modules", "target"];

/// Which files a listing leaves out: the defaults ([`DEFAULT_EXCLUDE`], index
/// directories) and the manifest's `exclude = ["glob", …]`. A glob without `/` is
/// matched against every file and directory name (`drafts`, `*.bak`); one with `/`
/// against the path relative to the corpus directory and each of its parent
/// directories (`notes/old/**`, `articles/tmp-*`), `*` not crossing `/` and `**`
/// crossing any number of directories.
#[derive(Debug, Default)]
struct Exclude {
    /// The manifest's globs, as written and compiled.
    patterns: Vec<(String, glob::Pattern)>,
    /// Files left out by name (relative to the corpus root): a manifest's source texts.
    files: Vec<String>,
}

impl Exclude {
    fn new(globs: &[Spanned<String>], at: &Positions<'_>) -> Result<Exclude> {
        let patterns = globs
            .iter()
            .map(|g| {
                let text = g.get_ref().trim_start_matches("./").trim_end_matches('/');
                glob::Pattern::new(text)
                    .map(|p| (text.to_string(), p))
                    .map_err(|e| {
                        at.error(g.span(), format!("bad exclude glob {:?}: {e}", g.get_ref()))
                    })
            })
            .collect::<Result<_>>()?;
        Ok(Exclude {
            patterns,
            files: Vec::new(),
        })
    }

    /// What a listing made under these exclusions is recorded as: the glob (empty for a
    /// whole-directory walk), with the exclusions when there are any, so that changing
    /// them lists again.
    fn listing_key(&self, pattern: &str) -> String {
        let mut key = pattern.to_string();
        for (text, _) in &self.patterns {
            key.push('\0');
            key.push_str(text);
        }
        key
    }

    /// Whether the manifest's globs exclude `rel` (a `/`-separated path relative to the
    /// corpus root), a file or a directory, or a directory it is in.
    fn by_user(&self, rel: &str) -> bool {
        if self.files.iter().any(|f| f == rel) {
            return true;
        }
        let options = glob::MatchOptions {
            require_literal_separator: true,
            ..Default::default()
        };
        self.patterns.iter().any(|(text, p)| {
            if text.contains('/') {
                // The path and each directory above it.
                let mut at = rel.len();
                loop {
                    if p.matches_with(&rel[..at], options) {
                        return true;
                    }
                    match rel[..at].rfind('/') {
                        Some(i) => at = i,
                        None => return false,
                    }
                }
            } else {
                rel.split('/').any(|name| p.matches_with(name, options))
            }
        })
    }

    /// Whether a file found by a glob is left out: by the manifest's globs, or by a
    /// default for a directory below the first `literal` components of the pattern.
    fn excludes_file(&self, root: &Path, path: &Path, literal: usize) -> bool {
        let rel = relative_to(root, path);
        if self.by_user(&rel) {
            return true;
        }
        let parts: Vec<&str> = rel.split('/').collect();
        let mut dir = root.to_path_buf();
        for (i, name) in parts.iter().enumerate().take(parts.len().saturating_sub(1)) {
            dir.push(name);
            if i >= literal && excluded_by_default(name, &dir) {
                return true;
            }
        }
        false
    }
}

/// Whether a directory named `name` at `path` is one [`DEFAULT_EXCLUDE`] leaves out.
fn excluded_by_default(name: &str, path: &Path) -> bool {
    name.starts_with('.')
        || DEFAULT_EXCLUDE[1..].contains(&name)
        || path.join(INDEX_MARKER).is_file()
}

/// Every file under `dir` but for hidden files and what `exclude` leaves out, recording
/// each directory read with its mtime (`None` for a name that is not UTF-8).
fn collect_files(
    root: &Path,
    dir: &Path,
    exclude: &Exclude,
    out: &mut Vec<PathBuf>,
    dirs: &mut Vec<Option<(String, u64)>>,
) -> std::io::Result<()> {
    let mtime = crate::stamp::mtime_ns(&std::fs::metadata(dir)?);
    dirs.push(relative_str(root, dir).map(|d| (d, mtime)));
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        let is_dir = entry.file_type()?.is_dir();
        if is_dir && excluded_by_default(&name, &path) {
            continue;
        }
        if exclude.by_user(&relative_to(root, &path)) {
            continue;
        }
        if is_dir {
            collect_files(root, &path, exclude, out, dirs)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// Turns spans of the manifest text into errors that name the manifest, line and column.
struct Positions<'t> {
    path: &'t Path,
    text: &'t str,
    lines: &'t LineIndex,
}

impl Positions<'_> {
    fn error(&self, span: Range<usize>, message: impl Into<String>) -> Error {
        let loc = self.lines.locate(self.text, span.start);
        Error::input_at(self.path, loc.line, loc.column, message)
    }

    fn line(&self, span: Range<usize>) -> usize {
        self.lines.locate(self.text, span.start).line
    }
}

impl SourceTable {
    /// Values a later stage would misread: an empty title, a date the linker cannot
    /// take a year from, a URL nothing can fetch, an empty file name.
    fn validate(&self, at: &Positions<'_>) -> Result<()> {
        if self.title.get_ref().trim().is_empty() {
            return Err(at.error(self.title.span(), "a [[source]] has an empty title"));
        }
        if let Some(date) = &self.date {
            if !is_manifest_date(date.get_ref()) {
                return Err(at.error(
                    date.span(),
                    format!(
                        "source date {:?} is not a date: write YYYY, YYYY-MM or YYYY-MM-DD",
                        date.get_ref()
                    ),
                ));
            }
        }
        if let Some(url) = &self.url {
            if !is_web_url(url.get_ref()) {
                return Err(at.error(
                    url.span(),
                    format!(
                        "source url {:?} is not an http:// or https:// URL",
                        url.get_ref()
                    ),
                ));
            }
        }
        if let Some(file) = &self.file {
            if file.get_ref().trim().is_empty() {
                return Err(at.error(
                    file.span(),
                    "a [[source]] has an empty `file` (leave it out for a work without text)",
                ));
            }
        }
        Ok(())
    }

    fn into_entry(self) -> SourceEntry {
        SourceEntry {
            id: self.id.into_inner(),
            title: self.title.into_inner(),
            date: self.date.map(Spanned::into_inner),
            kind: self.kind.map(Spanned::into_inner).unwrap_or_default(),
            author: self.author,
            publisher: self.publisher,
            pages: self.pages,
            file: self.file.map(Spanned::into_inner),
            url: self.url.map(Spanned::into_inner),
            format: self.format.map(Spanned::into_inner).unwrap_or_default(),
            note: self.note,
        }
    }
}

impl LinkTable {
    fn into_entry(self) -> LinkEntry {
        LinkEntry {
            article: self.article.into_inner(),
            reference: self.reference.into_inner(),
            source: self.source.into_inner(),
        }
    }
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` with a real month and day.
fn is_manifest_date(date: &str) -> bool {
    let parts: Vec<&str> = date.split('-').collect();
    let number = |s: &str, digits: usize| {
        (s.len() == digits && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    let Some(year) = parts.first().and_then(|y| number(y, 4)) else {
        return false;
    };
    let month = match parts.get(1) {
        None => return parts.len() == 1,
        Some(m) => match number(m, 2) {
            Some(m @ 1..=12) => m,
            _ => return false,
        },
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    match parts.get(2) {
        None => parts.len() == 2,
        Some(d) => parts.len() == 3 && number(d, 2).is_some_and(|d| (1..=days).contains(&d)),
    }
}

/// An `http://` or `https://` URL with a host.
fn is_web_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    ["http://", "https://"].iter().any(|scheme| {
        lower.strip_prefix(scheme).is_some_and(|rest| {
            rest.split(['/', '?', '#'])
                .next()
                .is_some_and(|host| !host.is_empty() && !host.contains(char::is_whitespace))
        })
    }) && !url.contains(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_drop_the_articles_folder_and_the_extension() {
        for (rel, id) in [
            ("articles/x.md", "x"),
            ("articles/sub/y.txt", "sub/y"),
            ("./articles//a.b.md", "a.b"),
            ("articles.md", "articles"),
            ("articles", "articles"),
            ("notes/.hidden", "notes/.hidden"),
            ("../x.txt", "../x"),
            ("texts/file.", "texts/file"),
        ] {
            assert_eq!(stem_id_rel(rel), id, "{rel}");
            assert_eq!(stem_id(Path::new("/c"), &Path::new("/c").join(rel)), id);
        }
    }
}
