//! Command-line interface. Each flag is documented where it is defined; `--help` is
//! generated from these comments.

use std::path::PathBuf;

use citecheck::check_options::CheckOptions;
use clap::{Parser, Subcommand, ValueEnum};

/// `--version`: the package version and the commit it was built from (build.rs; just
/// the version when built outside a git checkout).
const VERSION: &str = env!("CITECHECK_VERSION");

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

    /// Let the manifest name files outside the corpus directory (absolute paths, `..`,
    /// symlinks out of it). Off by default: a manifest can come with a pull request.
    #[arg(long, global = true)]
    pub allow_outside_corpus: bool,

    /// The largest article or source file read, in bytes (default 64 MiB).
    #[arg(long, global = true, value_name = "BYTES", default_value_t = citecheck::manifest::DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,

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
    /// Severities are set per rule in corpus.toml under `[check]`, and so can every
    /// option below but PATH, --input and --explain (`format = "sarif"`,
    /// `max-findings = 100`, `rule = [..]`; paths relative to the corpus directory);
    /// a flag given here wins.
    Check {
        /// Check only these article files (paths as in the manifest or on disk; a file
        /// the corpus does not list is read as an extra article). Default: every article.
        #[arg(value_name = "PATH")]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        options: CheckOptions,
        /// Batch mode: read article records from PATH (`-`: stdin), one JSON object per
        /// line — `{"id", "title", "format", "text"}` plus optional `"path"` — and write
        /// findings and one summary per article as JSON Lines, in input order, flushed as
        /// they are made. Sources come from --corpus; a bad record gives an `error`
        /// record naming its id and line, and the stream goes on.
        #[arg(long, value_enum, value_name = "FORMAT")]
        input: Option<BatchInput>,
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
    /// Write an HTML report of the corpus's articles as `check` sees them: every
    /// sentence coloured by what was concluded (verified, partly verified, not in the
    /// cited source, cited but unverifiable, uncited claim, exempt lead, not a claim);
    /// click or tap one for its findings, the evidence passages and its footnotes.
    /// Article findings (references, sections, dead footnotes) head each article and a
    /// summary heads the report. Self-contained: no scripts, no external assets.
    Report {
        /// Where to write it: a file (report.html), `-` for stdout, or a directory (a
        /// path ending in `/`, or an existing directory) for index.html plus one page
        /// per article — for large corpora.
        #[arg(long, value_name = "OUT")]
        html: PathBuf,
        /// Report only this article (its id in corpus.toml).
        #[arg(long, value_name = "ID")]
        article: Option<String>,
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
    /// Download the text of every source that has a `url` and no `file` (or only the
    /// named ones) into sources/, and pin it in corpus.lock. The only command that uses
    /// the network; everything else reads the lock offline.
    ///
    /// With everything pinned it does nothing ("up to date"). A URL that answers 404/410,
    /// fails DNS or times out is recorded as dead (`check` reports `dead-link`). Only
    /// http(s), no private, loopback or link-local addresses unless --allow-private; one
    /// request at a time per host. Exit status: 0 when every source is pinned (or was
    /// recorded dead by an earlier run), 1 when this run could not fetch some (dead links
    /// included), 2 for usage or input errors.
    Fetch(FetchArgs),
    /// Print a shell completion script, generated from these definitions.
    ///
    /// bash: `citecheck completions bash > ~/.local/share/bash-completion/completions/citecheck`;
    /// zsh: `citecheck completions zsh > ~/.zfunc/_citecheck`;
    /// fish: `citecheck completions fish > ~/.config/fish/completions/citecheck.fish`.
    Completions {
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), generated from these definitions:
    /// `citecheck man > citecheck.1 && man ./citecheck.1`; `citecheck man check` for the
    /// page of one command (citecheck-check(1)) with all its options.
    Man {
        /// The command whose page to print; default the top-level page.
        #[arg(value_name = "COMMAND")]
        command: Option<String>,
    },
}

/// The options of `citecheck fetch`.
#[derive(Debug, clap::Args)]
pub struct FetchArgs {
    /// Source ids to fetch (manifest ids, or ids of discovered sources); default all.
    #[arg(value_name = "SOURCE-ID")]
    pub ids: Vec<String>,
    /// Also fetch the URLs in reference entries (`{{cite … |url=}}`, links, bare
    /// URLs) that link to no manifest source; each becomes a source of its own.
    #[arg(long)]
    pub discover: bool,
    /// Fetch pinned sources again and report which texts changed upstream.
    #[arg(long)]
    pub update: bool,
    /// For a dead URL without an `archive-url`, ask an archive service for a copy.
    #[arg(long)]
    pub archive: bool,
    /// The Wayback-style availability service `--archive` asks (`?url=…`).
    #[arg(long, value_name = "URL", default_value = citecheck::fetch::DEFAULT_ARCHIVE_ENDPOINT)]
    pub archive_endpoint: String,
    /// Allow addresses in private, loopback and link-local ranges (refused by default
    /// so that a fetch list in a pull request cannot reach a CI runner's network).
    #[arg(long)]
    pub allow_private: bool,
    /// Largest body accepted, e.g. 25MB, 500KB or a byte count.
    #[arg(long, value_name = "SIZE", default_value = "25MB", value_parser = parse_size)]
    pub max_size: u64,
    /// Seconds a whole request may take (connecting takes at most 10 of them).
    #[arg(long, value_name = "SECS", default_value_t = 60,
          value_parser = clap::builder::RangedU64ValueParser::<u64>::new().range(1..))]
    pub timeout: u64,
    /// Pause between two requests to the same host, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 1000)]
    pub delay_ms: u64,
    /// Sources fetched at the same time (still one request at a time per host). No `-j`:
    /// that is the global `--threads`.
    #[arg(long, value_name = "N", default_value_t = 4,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=16))]
    pub jobs: usize,
    /// Output format: `json` has a stable shape with a `version` key.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,
}

/// `25MB`, `500KB`, `1GB` or a plain byte count (K/M/G are powers of 1024).
fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim().to_ascii_uppercase();
    let t = t.strip_suffix('B').unwrap_or(&t);
    let (digits, unit) = match t.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => t.split_at(i),
        None => (t, ""),
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("{s:?} is not a size (e.g. 25MB, 500KB, 1048576)"))?;
    let factor: u64 = match unit.trim() {
        "" => 1,
        "K" => 1 << 10,
        "M" => 1 << 20,
        "G" => 1 << 30,
        other => return Err(format!("unknown size unit {other:?} (use KB, MB or GB)")),
    };
    n.checked_mul(factor)
        .filter(|&n| n > 0)
        .ok_or_else(|| format!("{s:?} is not a usable size"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BatchInput {
    /// JSON Lines article records.
    Jsonl,
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

#[cfg(test)]
mod tests {
    /// clap checks flag definitions only when a command is parsed: a clash (two `-j`)
    /// would panic the first time someone runs that subcommand.
    #[test]
    fn every_command_line_definition_is_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
