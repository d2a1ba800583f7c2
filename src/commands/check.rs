use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use citecheck::check::baseline::Baseline;
use citecheck::check::rules::{self, Config, Severity};
use citecheck::check::run::{check_corpus, CheckOutput, IndexRefresh};
use citecheck::check::{Finding, FindingKey, SentenceVerification, Summary};
use citecheck::report::style::Style;
use citecheck::rule::Rule;
use citecheck::{Article, Error, Result};

use citecheck::check_options::{CheckOptions, ReportFormat};

use crate::cli::Cli;
use crate::output;

#[path = "batch.rs"]
mod batch;

pub struct Args<'a> {
    pub paths: &'a [PathBuf],
    /// The options as the command line gave them; [`run`] merges `[check]` under them.
    pub options: &'a CheckOptions,
    pub explain: Option<&'a str>,
    /// `--input jsonl`: article records from `paths[0]` (`-`: stdin).
    pub batch: bool,
    /// `--allow-empty`: a corpus without articles is not an error.
    pub allow_empty: bool,
}

/// What a run of `check` goes by: the article paths and the options of the command line
/// merged over `[check]` of corpus.toml.
pub struct Run<'a> {
    pub paths: &'a [PathBuf],
    pub options: CheckOptions,
}

pub fn run(cli: &Cli, args: Args) -> Result<u8> {
    if let Some(rule) = args.explain {
        output::print(&rules::explain(rule)?)?;
        return Ok(0);
    }
    let batch = args.batch;
    let mut corpus = super::load_corpus(cli)?;
    if corpus.articles.is_empty() && !args.allow_empty && !batch {
        // A pull request must not turn CI green by deleting the article list (or, with
        // no manifest, every article).
        let (path, what) = match &corpus.manifest {
            Some(manifest) => (manifest.clone(), "lists no articles"),
            None => (corpus.root.clone(), "holds no article files"),
        };
        return Err(Error::input(
            &path,
            format!(
                "{what}, so there is nothing to check (pass --allow-empty if that is intended)"
            ),
        ));
    }
    // One set of options: the command line's, `[check]`'s where it gave none.
    let args = Run {
        paths: args.paths,
        options: args
            .options
            .merged_over(&corpus.check.options, &corpus.root),
    };
    let options = &args.options;
    if options.annotate
        && (options.format() == ReportFormat::Github
            || options
                .output
                .as_deref()
                .is_none_or(|o| o == Path::new("-")))
    {
        return Err(Error::Usage(
            "--annotate writes annotations to stdout beside a report written to a file: give --output FILE and a --format other than github".into(),
        ));
    }
    if options.locked && !super::fetch::lock_holds(&corpus) {
        return Ok(2);
    }
    // Usage, configuration and baseline errors come before any long work.
    let filter = Filter::new(&options.rule, options.severity.map(Into::into))?;
    let config = Config::from_corpus(&corpus);
    let baseline = options
        .baseline
        .as_deref()
        .map(Baseline::load)
        .transpose()?;
    if batch {
        return batch::run(cli, &corpus, config, baseline.as_ref(), filter, &args);
    }
    let only_some = !args.paths.is_empty();
    if only_some {
        select_articles(&mut corpus, args.paths)?;
    }

    let terminal = super::terminal(cli);
    let mut report = Report::new(
        ReportSettings::new(cli, options, options.format(), filter),
        output::Stream::to(options.output.as_deref())?,
    );
    // Checking needs only the source passages; a missing or stale index is rebuilt from
    // the same read of the articles — not when only some articles are checked (an index
    // of those would lose the rest), nor with --no-refresh and an index present.
    // An unreadable index is not an error here: it is rebuilt.
    let index_present = || {
        citecheck::index::Index::open(&cli.index)
            .ok()
            .flatten()
            .is_some()
    };
    let refresh = if only_some || (cli.no_refresh && index_present()) {
        IndexRefresh::Skip
    } else {
        IndexRefresh::IfStale(&cli.index)
    };
    let summary = check_corpus(
        &corpus,
        config,
        baseline.as_ref(),
        refresh,
        &terminal,
        &mut report,
    )?;
    if matches!(
        options.format(),
        ReportFormat::Sarif | ReportFormat::Json | ReportFormat::Markdown
    ) {
        // These are written at the end: a spinner until they are out.
        terminal.writing(summary.errors + summary.warnings + summary.notes);
    }
    let code = report.finish(&summary)?;
    if summary.unreadable > 0 {
        // Like ripgrep: every readable article was checked, the run still fails.
        terminal.note(&format!(
            "{} of {} articles could not be read or checked (errors above)",
            summary.unreadable,
            corpus.articles.len()
        ));
        return Ok(2);
    }
    Ok(code)
}

/// Restrict the corpus to the article files named on the command line: by path as the
/// manifest lists it, or as found on disk (compared after resolving both). A file the
/// corpus does not list is checked as an extra article; a path that names neither is a
/// usage error.
fn select_articles(corpus: &mut citecheck::Corpus, paths: &[PathBuf]) -> Result<()> {
    let resolved = |p: &Path| std::fs::canonicalize(p).ok();
    let listed: Vec<Option<PathBuf>> = corpus.articles.iter().map(|a| resolved(&a.path)).collect();
    let mut keep = BTreeSet::new();
    let mut extra = Vec::new();
    for path in paths {
        let candidates = [path.clone(), corpus.root.join(path)];
        let found = candidates.iter().find_map(|c| {
            let r = resolved(c)?;
            Some((listed.iter().position(|l| l.as_ref() == Some(&r)), c))
        });
        match found {
            Some((Some(i), _)) => {
                keep.insert(i);
            }
            Some((None, file)) if file.is_file() => extra.push(citecheck::manifest::ArticleSpec {
                id: file
                    .file_stem()
                    .map_or_else(|| "article".into(), |s| s.to_string_lossy().into_owned()),
                path: file.clone(),
                format: citecheck::position::Format::Auto,
                title: None,
            }),
            _ => {
                return Err(Error::Usage(format!(
                    "{}: no such article file (not in the corpus, not on disk)",
                    path.display()
                )))
            }
        }
    }
    let mut i = 0;
    corpus.articles.retain(|_| {
        i += 1;
        keep.contains(&(i - 1))
    });
    corpus.articles.extend(extra);
    Ok(())
}

/// Which findings are shown: `--rule` and `--severity`.
pub struct Filter {
    rules: Option<BTreeSet<Rule>>,
    severity: Option<Severity>,
}

impl Filter {
    pub fn new(rules: &[String], severity: Option<Severity>) -> Result<Filter> {
        let rules = if rules.is_empty() {
            None
        } else {
            Some(
                rules
                    .iter()
                    .map(|r| {
                        r.parse::<Rule>()
                            .map_err(|e| Error::Usage(format!("--rule: {e}")))
                    })
                    .collect::<Result<BTreeSet<Rule>>>()?,
            )
        };
        Ok(Filter { rules, severity })
    }

    fn shows(&self, f: &Finding) -> bool {
        self.rules.as_ref().is_none_or(|r| r.contains(&f.rule))
            && self.severity.is_none_or(|s| f.severity >= s)
    }
}

/// SARIF results GitHub code scanning accepts in one run.
pub const SARIF_MAX_RESULTS: usize = 25_000;
/// Annotations GitHub shows per level (error, warning, notice) for one step.
pub const ANNOTATIONS_PER_LEVEL: usize = 10;

pub struct ReportSettings {
    pub format: ReportFormat,
    pub filter: Filter,
    pub max_findings: Option<usize>,
    pub deny: Severity,
    pub style: Style,
    /// What SARIF URIs are relative to.
    pub root: PathBuf,
    /// `--annotate`: GitHub annotations on stdout beside the report.
    pub annotate: bool,
    pub quiet: bool,
}

/// The report being written: findings go in as they are made and out in the chosen
/// format. Text, JSON, JSON Lines and annotations are written as they come; SARIF keeps
/// at most [`SARIF_MAX_RESULTS`] findings, the most severe first.
pub struct Report {
    s: ReportSettings,
    out: output::Stream,
    json: citecheck::report::json::Streamed,
    sarif: SarifHeld,
    /// The pull-request comment (`--format markdown`), written at the end.
    markdown: citecheck::report::markdown::Comment,
    /// Shown findings by rule.
    by_rule: BTreeMap<Rule, usize>,
    /// Shown findings by level, for the per-level annotation cap.
    by_level: [usize; 3],
    written: usize,
    /// Shown findings not written (`--max-findings`, SARIF's and annotations' caps).
    omitted: usize,
    article_findings: usize,
    article_shown: usize,
    /// The JSON document's verification records, rendered as they come and kept in a
    /// temporary file until the summary before them is known: held in memory they grew
    /// with the corpus (590 MB for 9,069 Wikipedia articles).
    verification: Option<std::io::BufWriter<std::fs::File>>,
    /// Baseline entries nothing matched (SARIF's `baselineState: "absent"`).
    absent: Vec<FindingKey>,
    failed: bool,
    error: Option<Error>,
    /// `--annotate`: where the annotations go (stdout), and how many were not written
    /// (the per-level cap).
    annotations: Option<(output::Stream, usize)>,
    /// `--format text`: shown findings not yet rendered, rendered together (on all
    /// cores) when the article is done or [`TEXT_BATCH`] are held: rendering is most of
    /// the time of an article with tens of thousands of findings.
    text_pending: Vec<Finding>,
}

/// Findings rendered at once by `--format text`: enough to share among the cores,
/// few enough that holding them costs a few megabytes.
const TEXT_BATCH: usize = 4096;

fn level_index(s: Severity) -> usize {
    match s {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Note => 2,
    }
}

impl ReportSettings {
    pub fn new(
        cli: &Cli,
        options: &CheckOptions,
        format: ReportFormat,
        filter: Filter,
    ) -> ReportSettings {
        ReportSettings {
            format,
            filter,
            max_findings: options.max_findings,
            deny: options.deny_level(),
            style: Style::for_stdout(cli.color.into()),
            root: match &options.root {
                Some(r) => output::absolute(r),
                None => output::default_root(),
            },
            quiet: cli.quiet,
            annotate: options.annotate,
        }
    }
}

impl Report {
    pub fn new(s: ReportSettings, out: output::Stream) -> Report {
        use citecheck::report::markdown::{Comment, DEFAULT_MAX_FINDINGS};
        let markdown = Comment::new(s.max_findings.unwrap_or(DEFAULT_MAX_FINDINGS));
        let annotations = s.annotate.then(|| (output::Stream::stdout(), 0));
        Report {
            s,
            out,
            json: Default::default(),
            sarif: SarifHeld::default(),
            markdown,
            by_rule: BTreeMap::new(),
            by_level: [0; 3],
            written: 0,
            omitted: 0,
            article_findings: 0,
            article_shown: 0,
            verification: None,
            absent: Vec::new(),
            failed: false,
            error: None,
            annotations,
            text_pending: Vec::new(),
        }
    }

    /// Render and write the findings held for `--format text`, in order.
    fn write_pending_text(&mut self) {
        if self.text_pending.is_empty() {
            return;
        }
        let findings = std::mem::take(&mut self.text_pending);
        for text in citecheck::report::text::render_findings(&findings, self.s.style) {
            self.write(&text);
        }
    }

    /// Flush what is written so far (and give the first write error, if any).
    pub fn flush(&mut self) -> Result<()> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.out.flush()
    }

    /// Write `text` (raw) to the report.
    pub fn write(&mut self, text: &str) {
        if self.error.is_none() {
            if let Err(e) = self.out.write(text) {
                self.error = Some(e);
            }
        }
    }

    /// The end of the report; the exit status.
    pub fn finish(mut self, summary: &Summary) -> Result<u8> {
        use citecheck::report::{github, json, sarif, text};
        self.write_pending_text();
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        let max = self.s.max_findings;
        let end = match self.s.format {
            ReportFormat::Text => {
                let mut s = String::new();
                if self.omitted > 0 {
                    s.push_str(&text::render_omitted(self.omitted, max, self.s.style));
                }
                s.push_str(&text::render_summary(summary, self.s.style));
                s.push_str(&text::render_by_rule(&self.by_rule, self.s.style));
                s
            }
            ReportFormat::Json => {
                let head = self.json.end_head(summary);
                self.out.write(&head)?;
                if let Some(spool) = self.verification.take() {
                    copy_spool(spool, &mut self.out)?;
                }
                self.json.end_tail()
            }
            ReportFormat::Markdown => self.markdown.render(summary, self.omitted),
            ReportFormat::Jsonl => json::lines::summary(summary, &self.by_rule, self.omitted),
            ReportFormat::Github => {
                let mut s = github::omitted_notice(self.omitted, ANNOTATIONS_PER_LEVEL);
                s.push_str(&github::summary_line(summary));
                s
            }
            ReportFormat::Sarif => {
                let cap = max.map_or(SARIF_MAX_RESULTS, |m| m.min(SARIF_MAX_RESULTS));
                let (findings, left_out) = std::mem::take(&mut self.sarif).into_capped(cap);
                self.omitted += left_out;
                let value = sarif::render_with(
                    &findings,
                    &sarif::Options {
                        root: Some(&self.s.root),
                        omitted: self.omitted,
                        baseline_absent: &self.absent,
                    },
                );
                let mut s = serde_json::to_string_pretty(&value).unwrap_or_default();
                s.push('\n');
                s
            }
        };
        self.out.write(&end)?;
        self.out.finish()?;
        if let Some((mut stream, left_out)) = self.annotations.take() {
            stream.write(&github::omitted_notice(left_out, ANNOTATIONS_PER_LEVEL))?;
            stream.write(&github::summary_line(summary))?;
            stream.finish()?;
        }
        if self.omitted > 0 && !self.s.quiet && self.s.format == ReportFormat::Sarif {
            eprintln!(
                "citecheck: note: {} findings left out of the SARIF log (GitHub code scanning takes at most {SARIF_MAX_RESULTS} results per run; the most severe are kept)",
                self.omitted
            );
        }
        if self.s.annotate || matches!(self.s.format, ReportFormat::Github | ReportFormat::Sarif) {
            write_step_summary(summary, &self.by_rule, self.omitted)?;
        }
        Ok(u8::from(self.failed))
    }
}

impl Report {
    /// Keep `text` for the end of the report, in a temporary file (made on first use).
    fn spool(&mut self, text: &str) -> Result<()> {
        use std::io::Write;
        let spool_error = |e: std::io::Error| Error::io(Path::new("(temporary file)"), e);
        if self.verification.is_none() {
            let file = tempfile::tempfile().map_err(spool_error)?;
            self.verification = Some(std::io::BufWriter::new(file));
        }
        if let Some(spool) = self.verification.as_mut() {
            spool.write_all(text.as_bytes()).map_err(spool_error)?;
        }
        Ok(())
    }
}

/// Write what [`Report::spool`] kept to `out`, in pieces.
fn copy_spool(spool: std::io::BufWriter<std::fs::File>, out: &mut output::Stream) -> Result<()> {
    use std::io::{BufRead, Seek};
    let spool_error = |e: std::io::Error| Error::io(Path::new("(temporary file)"), e);
    let mut file = spool
        .into_inner()
        .map_err(|e| spool_error(e.into_error()))?;
    file.rewind().map_err(spool_error)?;
    let mut reader = std::io::BufReader::new(file);
    let mut piece = String::new();
    loop {
        piece.clear();
        // Whole lines: the records were written as UTF-8 text.
        let read = reader.read_line(&mut piece).map_err(spool_error)?;
        if read == 0 {
            return Ok(());
        }
        out.write(&piece)?;
    }
}

impl CheckOutput for Report {
    fn finding(&mut self, mut f: Finding) {
        f.file = output::shown_path(Path::new(&f.file));
        if f.baselined {
            // Only SARIF asks for these (`baselineState: "unchanged"`).
            if self.s.filter.shows(&f) {
                self.sarif.push(f);
            }
            return;
        }
        self.article_findings += 1;
        if !self.s.filter.shows(&f) {
            return;
        }
        self.failed |= f.severity >= self.s.deny;
        *self.by_rule.entry(f.rule).or_default() += 1;
        let level = level_index(f.severity);
        self.by_level[level] += 1;
        if let Some((stream, left_out)) = self.annotations.as_mut() {
            if self.by_level[level] > ANNOTATIONS_PER_LEVEL {
                *left_out += 1;
            } else if let Err(e) = stream.write(&citecheck::report::github::annotation(&f)) {
                self.error.get_or_insert(e);
            }
        }
        if self.s.max_findings.is_some_and(|max| self.written >= max) {
            self.omitted += 1;
            if self.s.format == ReportFormat::Markdown {
                self.markdown.count_only(&f);
            }
            return;
        }
        use citecheck::report::{github, json};
        let text = match self.s.format {
            ReportFormat::Text => {
                self.text_pending.push(f);
                if self.text_pending.len() >= TEXT_BATCH {
                    self.write_pending_text();
                }
                self.written += 1;
                self.article_shown += 1;
                return;
            }
            ReportFormat::Json => self.json.finding(&f),
            ReportFormat::Jsonl => json::lines::finding(&f),
            ReportFormat::Github if self.by_level[level] > ANNOTATIONS_PER_LEVEL => {
                self.omitted += 1;
                return;
            }
            ReportFormat::Github => github::annotation(&f),
            ReportFormat::Markdown => {
                if self.markdown.push(f) {
                    self.written += 1;
                } else {
                    self.omitted += 1;
                }
                return;
            }
            ReportFormat::Sarif => {
                self.sarif.push(f);
                self.written += 1;
                self.article_shown += 1;
                return;
            }
        };
        self.written += 1;
        self.article_shown += 1;
        self.write(&text);
    }

    fn verification(&mut self, mut record: SentenceVerification) {
        record.file = output::shown_path(Path::new(&record.file));
        match self.s.format {
            // The JSON document closes with them, after the summary: spooled.
            ReportFormat::Json => {
                let text = self.json.verification(&record);
                if let Err(e) = self.spool(&text) {
                    self.error.get_or_insert(e);
                }
            }
            ReportFormat::Jsonl => {
                let line = citecheck::report::json::lines::verification(&record);
                self.write(&line);
            }
            ReportFormat::Text
            | ReportFormat::Sarif
            | ReportFormat::Github
            | ReportFormat::Markdown => {}
        }
    }

    /// After an article's findings and records: its summary record (JSON Lines).
    fn article_done(&mut self, article: &Article, counts: &Summary) {
        self.write_pending_text();
        if self.s.format == ReportFormat::Jsonl {
            let line = citecheck::report::json::lines::article(
                &article.id,
                &output::shown_path(&article.path),
                self.article_findings,
                self.article_shown,
                counts,
            );
            self.write(&line);
        }
        self.article_findings = 0;
        self.article_shown = 0;
    }

    fn absent(&mut self, entry: FindingKey) {
        if self.s.format == ReportFormat::Sarif {
            self.absent.push(entry);
        }
    }

    fn keeps_baselined(&self) -> bool {
        self.s.format == ReportFormat::Sarif
    }
}

/// The job summary of a GitHub Actions step (`$GITHUB_STEP_SUMMARY`, appended to), when
/// the variable is set.
fn write_step_summary(
    summary: &Summary,
    by_rule: &BTreeMap<Rule, usize>,
    omitted: usize,
) -> Result<()> {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return Ok(());
    };
    let path = PathBuf::from(path);
    let text = citecheck::report::github::step_summary(summary, by_rule, omitted);
    use std::io::Write;
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|e| Error::io(&path, e))
}

/// The findings SARIF will hold, by level; never more than the cap that applies at the
/// end, dropping the least severe (and, within a level, the latest) first.
#[derive(Default)]
struct SarifHeld {
    by_level: [Vec<Finding>; 3],
    dropped: usize,
}

impl SarifHeld {
    fn push(&mut self, f: Finding) {
        self.by_level[level_index(f.severity)].push(f);
        if self.len() > SARIF_MAX_RESULTS {
            if let Some(v) = self.by_level.iter_mut().rev().find(|v| !v.is_empty()) {
                v.pop();
                self.dropped += 1;
            }
        }
    }

    fn len(&self) -> usize {
        self.by_level.iter().map(Vec::len).sum()
    }

    /// At most `cap` findings, the most severe first (in the order made within a level),
    /// and how many were left out.
    fn into_capped(self, cap: usize) -> (Vec<Finding>, usize) {
        let mut all: Vec<Finding> = self.by_level.into_iter().flatten().collect();
        let over = all.len().saturating_sub(cap);
        all.truncate(cap);
        (all, self.dropped + over)
    }
}
