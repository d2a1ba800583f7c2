//! Command-line interface. Each flag is documented where it is defined; `--help` is
//! generated from these comments.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// `--version`: the package version and the commit it was built from (build.rs; just
/// the version when built outside a git checkout).
const VERSION: &str = match option_env!("CITECHECK_COMMIT") {
    Some(_) => concat!(
        env!("CARGO_PKG_VERSION"),
        " (",
        env!("CITECHECK_COMMIT"),
        ")"
    ),
    None => env!("CARGO_PKG_VERSION"),
};

/// citecheck — where do the sources say this? Is every footnote sound? Which claims are
/// uncited, or cited to a source that does not say them?
///
/// Works on a corpus directory: `corpus.toml` naming articles and the sources their
/// references cite (or, without a manifest, every text file is an article).
#[derive(Debug, Parser)]
#[command(
    name = "citecheck",
    version = VERSION,
    about,
    long_about,
    propagate_version = true
)]
pub struct Cli {
    /// Corpus directory (holding corpus.toml, or just article files).
    #[arg(long, global = true, default_value = "corpus", value_name = "DIR")]
    pub corpus: PathBuf,

    /// Index directory (built by `citecheck index`).
    #[arg(long, global = true, default_value = "index", value_name = "DIR")]
    pub index: PathBuf,

    /// Use the index as it is: skip the check that it matches the corpus (and the
    /// rebuild when it does not). `search`, `check` and `show` otherwise compare every
    /// corpus file's size and mtime with the index's record first — a few milliseconds
    /// per thousand files. For scripts that run `citecheck index` once and then search
    /// many times; results are stale if the corpus changed since. A missing index is
    /// still built.
    #[arg(long, global = true)]
    pub no_refresh: bool,

    /// Print only results and errors: no progress bars, no notes on stderr.
    #[arg(long, short, global = true)]
    pub quiet: bool,

    /// When to colour output. `auto` colours a terminal unless NO_COLOR is set.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto, value_name = "WHEN")]
    pub color: Color,

    /// Threads for reading, checking and indexing (default: one per core, up to 8).
    #[arg(long, short = 'j', global = true, value_name = "N",
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub threads: Option<usize>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

impl From<Color> for citecheck::report::style::ColorChoice {
    fn from(c: Color) -> Self {
        use citecheck::report::style::ColorChoice;
        match c {
            Color::Auto => ColorChoice::Auto,
            Color::Always => ColorChoice::Always,
            Color::Never => ColorChoice::Never,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TextOrJson {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show the parsed model of one article file: title, table of contents, sections,
    /// markers, references (with declared and found uses and their linked source),
    /// bibliography and every sentence with its citation status.
    ///
    /// The file is read with the corpus's sources for linking when --corpus exists;
    /// otherwise references are shown unlinked.
    Parse {
        /// The article file (plain text, Markdown, wikitext or HTML).
        file: PathBuf,
        /// Output format. `json` has a stable shape with a `version` key.
        #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
        format: TextOrJson,
        /// Reader to use; `auto` picks by extension and content.
        #[arg(long, value_enum, default_value_t = InputFormat::Auto)]
        input: InputFormat,
    },
    /// Check every article: footnote integrity, uncited claims, and quotations, dates,
    /// numbers and names against the text of the cited sources.
    ///
    /// Exit status: 0 when no finding is at deny level (errors; with `--deny warnings`
    /// also warnings), 1 otherwise, 2 for usage, configuration or input errors.
    /// Severities are set per rule in corpus.toml under `[check]`.
    Check {
        /// Check only these article files (paths as in the manifest or on disk; a file
        /// the corpus does not list is read as an extra article). Default: every article.
        #[arg(value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Output format: `text` for people, `json` (stable, documented shape; also a
        /// baseline file), `jsonl` (JSON Lines, streamed: one finding per line, then a
        /// summary per article and one for the run; see docs/json.md), `sarif` (SARIF
        /// 2.1.0 for code scanning), `github` (workflow commands: annotations on a pull
        /// request).
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
        /// Write the report to FILE instead of stdout (atomically: a failed run leaves
        /// no half-written file, and an existing FILE is replaced only at the end).
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Show only findings of this rule (repeatable).
        #[arg(long = "rule", value_name = "RULE")]
        rules: Vec<String>,
        /// Show only findings of this severity and above.
        #[arg(long, value_enum, value_name = "LEVEL")]
        severity: Option<SeverityLevel>,
        /// Show at most N findings; the rest are counted ("… and N more").
        #[arg(long, value_name = "N")]
        max_findings: Option<usize>,
        /// Batch mode: read article records from PATH (`-`: stdin), one JSON object per
        /// line — `{"id", "title", "format", "text"}` plus optional `"path"` — and write
        /// findings and one summary per article as JSON Lines, in input order, flushed as
        /// they are made. Sources come from --corpus; a bad record gives an `error`
        /// record naming its id and line, and the stream goes on.
        #[arg(long, value_enum, value_name = "FORMAT")]
        input: Option<BatchInput>,
        /// SARIF URIs are relative to this directory (`uriBaseId` ROOT). Default: the
        /// git work tree holding the current directory, else the current directory.
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
        /// Also fail (exit 1) on findings of this severity and above.
        #[arg(long, value_enum, value_name = "LEVEL")]
        deny: Option<DenyLevel>,
        /// Findings listed in this file (written by `check --format json`) no longer
        /// count; matched by rule, article and sentence text, not by line.
        #[arg(long, value_name = "FILE")]
        baseline: Option<PathBuf>,
        /// Print what a rule means and how to fix its findings, then exit.
        #[arg(long, value_name = "RULE")]
        explain: Option<String>,
    },
    /// Show one footnote: where it is cited, the reference text, declared vs found uses,
    /// the linked source and whether its text is available, and the sentences it covers.
    ///
    /// Example: `citecheck show 4` (the fourth footnote of the corpus's only article).
    Show {
        /// The footnote's number or name, as the article writes it.
        reference: String,
        /// Article id (from corpus.toml); needed when the corpus has several articles.
        #[arg(long, value_name = "ID")]
        article: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
        format: TextOrJson,
    },
    /// Write a self-contained HTML page of the corpus's articles: sentences coloured by
    /// citation status (cited, implicitly covered, uncited), with the covering footnotes,
    /// their reference text and linked source on hover.
    Report {
        /// Output file, e.g. report.html.
        #[arg(long, value_name = "OUT")]
        html: PathBuf,
    },
    /// Build or refresh the full-text index of the corpus's article sentences and source
    /// passages (in --index DIR). Does nothing when the corpus is unchanged.
    ///
    /// The new index is built beside the old one and swapped in atomically: searches keep
    /// working during a build, and a failed or killed build leaves the old index in place.
    Index {
        /// Only check: exit 0 if the index is up to date, 1 if it is missing or stale.
        /// Writes nothing.
        #[arg(long)]
        check: bool,
    },
    /// Search article sentences and source passages; ranked hits with a highlighted
    /// snippet. Exits 1 when nothing matches (like grep).
    ///
    /// Query syntax (tantivy): words (all must match; `denounce` also finds
    /// "denounced"), "exact phrases", OR, AND, -excluded, and field filters:
    /// kind:source, doc:ID, source:ID, title:…, section:…, footnotes:4, line:36.
    /// Japanese and Chinese are searchable (`中立条約`). A misspelt word that matches
    /// nothing is replaced by the closest indexed words, with a note on stderr.
    /// Builds or refreshes the index first when it is missing or stale.
    Search {
        /// The query (several arguments are joined with spaces).
        #[arg(required = true, num_args = 1.., value_name = "QUERY")]
        query: Vec<String>,
        /// Show at most N hits.
        #[arg(long, short = 'n', default_value_t = 10, value_name = "N",
              value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
        limit: usize,
        /// Search article sentences, source passages, or both.
        #[arg(long = "in", value_enum, default_value_t = SearchScope::All, value_name = "WHERE")]
        scope: SearchScope,
        /// Only hits about this source (manifest id): its passages and the article
        /// sentences whose footnotes cite it.
        #[arg(long, value_name = "ID")]
        source: Option<String>,
        /// Output format. `json` has a stable shape with a `version` key.
        #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
        format: TextOrJson,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
    Jsonl,
    Sarif,
    Github,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DenyLevel {
    /// Warnings and errors fail.
    Warnings,
    /// Every finding fails.
    Notes,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BatchInput {
    /// JSON Lines article records.
    Jsonl,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SeverityLevel {
    Note,
    Warning,
    Error,
}

impl From<SeverityLevel> for citecheck::check::rules::Severity {
    fn from(l: SeverityLevel) -> Self {
        use citecheck::check::rules::Severity;
        match l {
            SeverityLevel::Note => Severity::Note,
            SeverityLevel::Warning => Severity::Warning,
            SeverityLevel::Error => Severity::Error,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SearchScope {
    All,
    #[value(alias = "articles")]
    Article,
    #[value(alias = "source")]
    Sources,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    Auto,
    Text,
    Markdown,
    Wikitext,
    Html,
}

impl From<InputFormat> for citecheck::position::Format {
    fn from(f: InputFormat) -> Self {
        use citecheck::position::Format;
        match f {
            InputFormat::Auto => Format::Auto,
            InputFormat::Text => Format::Text,
            InputFormat::Markdown => Format::Markdown,
            InputFormat::Wikitext => Format::Wikitext,
            InputFormat::Html => Format::Html,
        }
    }
}
