//! `citecheck check`: every rule over every article, producing [`Finding`]s that the
//! reporters in `crate::report` render without recomputing anything.
//!
//! - [`finding`]: findings, their positions and the key that identifies them;
//! - [`rules`]: `[check]` configuration and `--explain` over the rule table
//!   ([`crate::rule`]);
//! - [`integrity`]: footnotes, references and sections;
//! - [`claims`]: which sentences state checkable facts;
//! - [`verify`]: quotations, dates, numbers and names against the cited source texts;
//! - [`evidence`]: the passages backing a footnote's sentences (`citecheck show`);
//! - [`ranker`]: which source passage best matches a sentence (weak support, possible
//!   sources);
//! - [`baseline`]: accepted findings that no longer count.

pub mod baseline;
pub mod claims;
pub mod evidence;
pub mod finding;
pub mod integrity;
pub mod ranker;
pub mod rules;
pub mod run;
pub mod verify;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

pub use finding::{Finding, FindingKey, Site};

use crate::manifest::Corpus;
use crate::model::{Article, CitationStatus};
use crate::rule::{Rule, Severity};
use crate::sources::{SourceText, Sources};
use claims::Fact;
use ranker::{RankedPassage, SourceRanker};
use rules::{Config, LeadPolicy};
use verify::{Evidence, FactCheck, Outcome};

/// Counts for the summary line. Sentence counts cover every article; `claims` counts
/// the sentences that state a checkable fact (outside an exempt lead).
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Summary {
    pub articles: usize,
    pub sentences: usize,
    pub claims: usize,
    pub cited: usize,
    pub implicit: usize,
    pub uncited: usize,
    /// Cited sentences whose facts all occur in their cited sources' text.
    pub verified: usize,
    /// Cited sentences some of whose facts were found and some not.
    pub partly: usize,
    /// Cited sentences none of whose checked facts were found.
    pub not_found: usize,
    /// `partly + not_found`: cited sentences with a quotation or fact the cited texts do
    /// not contain (kept for readers of older reports).
    pub unsupported: usize,
    /// Cited sentences with nothing checked: their cited works have no text in the
    /// corpus, or are linked only weakly.
    pub unverifiable: usize,

    /// Linked works without text in the corpus (with or without a finding).
    pub unavailable_sources: usize,
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
    /// Findings matched by the baseline (not shown, not counted above).
    pub baselined: usize,
    /// Baseline entries that no longer occur.
    pub baseline_stale: usize,
    /// Articles that could not be read or checked (each reported as it was met, the
    /// others checked): such a run is incomplete. Left out of JSON when 0.
    #[serde(skip_serializing_if = "is_zero")]
    pub unreadable: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Summary {
    /// Add the sentence counts of another run of articles (the counts `check_run`
    /// makes; article, source and severity counts are the whole report's).
    fn add(&mut self, o: &Summary) {
        self.sentences += o.sentences;
        self.claims += o.claims;
        self.cited += o.cited;
        self.implicit += o.implicit;
        self.uncited += o.uncited;
        self.verified += o.verified;
        self.partly += o.partly;
        self.not_found += o.not_found;
        self.unsupported += o.unsupported;
        self.unverifiable += o.unverifiable;
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    pub findings: Vec<Finding>,
    pub summary: Summary,
    /// One record per cited sentence with checkable facts, in corpus order.
    pub verification: Vec<SentenceVerification>,
}

/// What verifying one cited sentence concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum VerificationResult {
    /// Every checked fact is in a cited text.
    Verified,
    /// Some are, some are not (or could not be checked).
    Partly,
    /// None of the checked facts is.
    NotFound,
    /// Nothing could be checked: no cited text, or only weak links.
    Unverifiable,
}

/// The verification record of one cited sentence: what was checked against which text,
/// and the evidence for each claim.
#[derive(Debug, Clone, Serialize)]
pub struct SentenceVerification {
    pub article: String,
    /// The sentence's index in its article's `sentences` (not in the JSON: the line and
    /// text say which sentence it is to a reader).
    #[serde(skip)]
    pub index: usize,
    pub file: String,
    pub line: usize,
    pub sentence: String,
    pub result: VerificationResult,
    /// Cited sources whose text was checked.
    pub checked: Vec<String>,
    /// Cited works that could not be checked (no text, weak or no link), as source ids
    /// or `[label]` for an unlinked reference.
    pub unchecked: Vec<String>,
    pub claims: Vec<ClaimRecord>,
}

/// What `check` concluded about one sentence, findings or not: what the HTML report
/// colours it by. Cited sentences take their verification result, except that a
/// sentence with nothing checked is not "verified": it is `NotAClaim` when it states no
/// fact at all, `Unverifiable` when its facts are none a text could confirm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SentenceStatus {
    /// Cited, and every checked fact is in a cited text.
    Verified,
    /// Cited; some checked facts are in a cited text and some are not (or could not be
    /// checked).
    Partly,
    /// Cited, and none of its checked facts is in the cited texts.
    NotFound,
    /// Cited, but nothing could be checked: the cited works have no text in the corpus
    /// or are linked only weakly, or the sentence states nothing a text could confirm.
    Unverifiable,
    /// States a checkable fact (or is flagged [citation needed]) and no footnote covers
    /// it: it has an `uncited-claim` finding unless `[check]` turns the rule off.
    UncitedClaim,
    /// An uncited claim in the lead, which `[check] lead = "exempt"` (the default)
    /// exempts: the body is expected to cite it.
    ExemptLead,
    /// States no checkable fact (commentary), cited or not.
    NotAClaim,
}

impl SentenceStatus {
    /// Every status, from the best supported to the least.
    pub const ALL: &'static [SentenceStatus] = &[
        SentenceStatus::Verified,
        SentenceStatus::Partly,
        SentenceStatus::NotFound,
        SentenceStatus::Unverifiable,
        SentenceStatus::UncitedClaim,
        SentenceStatus::ExemptLead,
        SentenceStatus::NotAClaim,
    ];

    /// The kebab-case name (as serialised).
    pub const fn name(self) -> &'static str {
        match self {
            SentenceStatus::Verified => "verified",
            SentenceStatus::Partly => "partly",
            SentenceStatus::NotFound => "not-found",
            SentenceStatus::Unverifiable => "unverifiable",
            SentenceStatus::UncitedClaim => "uncited-claim",
            SentenceStatus::ExemptLead => "exempt-lead",
            SentenceStatus::NotAClaim => "not-a-claim",
        }
    }

    /// The status of a cited (or implicitly covered) sentence, from whether it is a
    /// claim and its verification record, if one was made.
    fn of_cited(claim: bool, record: Option<&SentenceVerification>) -> SentenceStatus {
        if !claim {
            return SentenceStatus::NotAClaim;
        }
        match record {
            Some(r) if !r.claims.is_empty() => match r.result {
                VerificationResult::Verified => SentenceStatus::Verified,
                VerificationResult::Partly => SentenceStatus::Partly,
                VerificationResult::NotFound => SentenceStatus::NotFound,
                VerificationResult::Unverifiable => SentenceStatus::Unverifiable,
            },
            _ => SentenceStatus::Unverifiable,
        }
    }
}

/// One fact of a sentence and what its lookup found.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimRecord {
    pub kind: &'static str,
    pub text: String,
    pub outcome: Outcome,
    pub evidence: Vec<Evidence>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub diff: Vec<String>,
    /// The same differences word by word (what `diff` describes), for renderers that
    /// mark them up.
    #[serde(skip)]
    pub changes: Vec<verify::Change>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl CheckReport {
    /// Whether any finding is at or above `deny`.
    pub fn fails(&self, deny: Severity) -> bool {
        self.findings.iter().any(|f| f.severity >= deny)
    }

    fn count_severities(&mut self) {
        let s = &mut self.summary;
        s.errors = 0;
        s.warnings = 0;
        s.notes = 0;
        for f in &self.findings {
            match f.severity {
                Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Note => s.notes += 1,
            }
        }
    }
}

/// Runs every rule. Built once per corpus: source texts are loaded once.
pub struct Checker<'a> {
    corpus: &'a Corpus,
    config: Config,
    sources: &'a Sources,
    ranker: Option<&'a dyn SourceRanker>,
}

/// What checking one article found, before the corpus-wide rules: made on whichever
/// thread read the article, merged in corpus order by a [`CheckSession`].
#[derive(Default)]
pub struct ArticleResult {
    findings: Vec<Finding>,
    summary: Summary,
    verification: Vec<SentenceVerification>,
    /// What was concluded about each sentence, indexed like the article's `sentences`.
    statuses: Vec<SentenceStatus>,
    unavailable: BTreeMap<String, Unavailable>,
    /// The first citation of each work whose URL corpus.lock records as dead.
    dead_links: BTreeMap<String, Finding>,
}

/// Per linked work without text: where it is first cited and how much it leaves
/// unverifiable.
#[derive(Default)]
struct Unavailable {
    /// The finding for its first citation, placed there; its message is written once
    /// the whole corpus is checked.
    first: Option<Finding>,
    references: usize,
    /// Articles citing it: a count, not their ids, so that the session stays flat however
    /// many articles go by (article ids are unique in a corpus; batch mode counts records).
    articles: usize,
    sentences: usize,
}

/// Findings of a corpus as they are made: articles' results go in, in corpus order, and
/// their findings come out (severities from `[check]`, baselined ones dropped, sorted
/// and deduplicated per article) without the session keeping them. Only counts and one
/// pending finding per work without text are kept, so memory does not grow with the
/// corpus.
pub struct CheckSession<'c> {
    checker: &'c Checker<'c>,
    summary: Summary,
    unavailable: BTreeMap<String, Unavailable>,
    dead_links: BTreeMap<String, Finding>,
    baseline: Option<baseline::BaselineMatcher>,
    keep_baselined: bool,
}

impl<'c> CheckSession<'c> {
    /// Merge the result of the next article (in corpus order) and emit its findings.
    pub fn add(&mut self, result: ArticleResult, emit: &mut dyn FnMut(Finding)) {
        self.summary.articles += 1;
        self.summary.add(&result.summary);
        for (id, u) in result.unavailable {
            let into = self.unavailable.entry(id).or_default();
            // Articles come in corpus order: the first one citing a work keeps its place.
            if into.first.is_none() {
                into.first = u.first;
            }
            into.references += u.references;
            into.articles += u.articles;
            into.sentences += u.sentences;
        }
        for (id, f) in result.dead_links {
            self.dead_links.entry(id).or_insert(f);
        }
        self.emit_all(result.findings, emit);
    }

    /// [`CheckSession::add`] for the article `result` was made from, giving `out` its
    /// findings, then its verification records and sentence statuses, then the article.
    pub fn add_article(
        &mut self,
        article: &Article,
        mut result: ArticleResult,
        out: &mut dyn run::CheckOutput,
    ) {
        let records = std::mem::take(&mut result.verification);
        let statuses = std::mem::take(&mut result.statuses);
        let counts = result.summary.clone();
        self.add(result, &mut |f| out.finding(f));
        for r in records {
            out.verification(r);
        }
        out.sentence_statuses(statuses);
        out.article_done(article, &counts);
    }

    /// The corpus-wide findings (after every article's own), and the summary.
    pub fn finish(mut self, emit: &mut dyn FnMut(Finding)) -> Summary {
        self.finish_findings(emit);
        self.summary
    }

    /// [`CheckSession::finish`] into `out`, which also gets the baseline entries that
    /// matched no finding (SARIF's `baselineState: "absent"`).
    pub fn finish_into(mut self, out: &mut dyn run::CheckOutput) -> Summary {
        self.finish_findings(&mut |f| out.finding(f));
        if let Some(b) = &self.baseline {
            for key in b.stale_entries() {
                out.absent(key);
            }
        }
        self.summary
    }

    fn finish_findings(&mut self, emit: &mut dyn FnMut(Finding)) {
        self.summary.unavailable_sources = self.unavailable.len();
        let mut findings = self.checker.missing_source_text(&mut self.unavailable);
        findings.extend(self.checker.dead_links(&mut self.dead_links));
        self.emit_all(findings, emit);
        if let Some(b) = &self.baseline {
            self.summary.baselined = b.matched;
            self.summary.baseline_stale = b.stale();
        }
    }

    /// Emit baselined findings too, marked [`Finding::baselined`] and not counted,
    /// instead of dropping them.
    pub fn keep_baselined(mut self) -> Self {
        self.keep_baselined = true;
        self
    }

    fn emit_all(&mut self, findings: Vec<Finding>, emit: &mut dyn FnMut(Finding)) {
        let mut kept = Vec::with_capacity(findings.len());
        for mut f in findings {
            if let Some(sev) = self.checker.config.severity(f.rule) {
                f.severity = sev;
                kept.push(f);
            }
        }
        sort_findings(&mut kept);
        kept.dedup_by(|b, a| {
            a.file == b.file
                && a.line == b.line
                && a.column == b.column
                && a.rule == b.rule
                && a.footnote == b.footnote
        });
        for mut f in kept {
            if self.baseline.as_mut().is_some_and(|b| b.absorbs(&f)) {
                if self.keep_baselined {
                    f.baselined = true;
                    emit(f);
                }
                continue;
            }
            match f.severity {
                Severity::Error => self.summary.errors += 1,
                Severity::Warning => self.summary.warnings += 1,
                Severity::Note => self.summary.notes += 1,
            }
            emit(f);
        }
    }
}

/// A passage beats the cited sources by this factor in ranker score to be "clearly"
/// better.
const WEAK_SUPPORT_MARGIN: f32 = 1.5;
/// Share of a sentence's content words a passage must contain to be a match at all.
const MIN_OVERLAP: f64 = 0.5;
/// Sentences with fewer content words say too little to rank sources by.
const MIN_TERMS: usize = 3;
/// A quotation at least this similar to a cited text's passage is a changed copy of it:
/// a misquotation even when the sentence also cites a work without text.
const MISQUOTE_SIMILARITY: f64 = 0.6;
/// Differences listed for a near miss, at most.
const MAX_CHANGES: usize = 5;
/// Ranked passages weighed for a possible source.
const SUGGESTION_CANDIDATES: usize = 5;

fn ranked_evidence(p: &RankedPassage) -> Evidence {
    Evidence {
        source: p.source.clone(),
        line: p.line,
        text: p.text.to_string(),
        score: f64::from(p.score),
    }
}

fn claim_record(c: &FactCheck) -> ClaimRecord {
    ClaimRecord {
        kind: c.fact.kind.noun(),
        text: c.fact.text.clone(),
        outcome: c.outcome,
        evidence: c.evidence.iter().cloned().collect(),
        diff: c
            .closest
            .iter()
            .flat_map(|x| x.changes.iter().map(|ch| ch.describe()))
            .collect(),
        changes: c
            .closest
            .iter()
            .flat_map(|x| x.changes.iter().cloned())
            .collect(),
        notes: c.notes.clone(),
    }
}

impl<'a> Checker<'a> {
    pub fn new(
        corpus: &'a Corpus,
        config: Config,
        sources: &'a Sources,
        ranker: Option<&'a dyn SourceRanker>,
    ) -> Self {
        Checker {
            corpus,
            config,
            sources,
            ranker,
        }
    }

    /// A session that takes articles' results in corpus order; `baseline` entries
    /// absorb the findings they match.
    pub fn session(&'a self, baseline: Option<&baseline::Baseline>) -> CheckSession<'a> {
        CheckSession {
            checker: self,
            summary: Summary::default(),
            unavailable: BTreeMap::new(),
            dead_links: BTreeMap::new(),
            baseline: baseline.map(baseline::Baseline::matcher),
            keep_baselined: false,
        }
    }

    /// Check articles already in memory (tests, library users with few articles): every
    /// article's findings in article order, then the corpus-wide ones.
    pub fn check(&self, articles: &[Article]) -> crate::Result<CheckReport> {
        // Articles are independent until the corpus-wide rules at the end: contiguous
        // runs of them are checked on all cores and merged in article order, so the
        // result is the one a single thread gives.
        let check_run = |_: usize, run: &[Article]| {
            run.iter()
                .map(|a| self.check_article(a))
                .collect::<crate::Result<Vec<_>>>()
        };
        let runs = crate::parallel::map_runs(articles, 16, check_run, check_run);
        let mut findings = Vec::new();
        let mut session = self.session(None);
        let mut verification = Vec::new();
        for run in runs {
            for mut result in run? {
                verification.append(&mut result.verification);
                session.add(result, &mut |f| findings.push(f));
            }
        }
        let summary = session.finish(&mut |f| findings.push(f));
        Ok(CheckReport {
            findings,
            summary,
            verification,
        })
    }

    /// The per-article rules over one article; callable from any thread.
    pub fn check_article(&self, a: &Article) -> crate::Result<ArticleResult> {
        let mut p = ArticleResult::default();
        let site = Site::new(a);
        integrity::footnotes(&site, &mut p.findings);
        integrity::sections(&site, &mut p.findings);
        self.note_unavailable(&site, &mut p.unavailable, &mut p.dead_links);
        self.sentences(&site, &mut p)?;
        Ok(p)
    }

    /// Record which linked works of an article have no text, and where it first cites
    /// each work whose URL is dead.
    fn note_unavailable(
        &self,
        site: &Site,
        unavailable: &mut BTreeMap<String, Unavailable>,
        dead_links: &mut BTreeMap<String, Finding>,
    ) {
        let a = site.article;
        let links = a
            .references
            .iter()
            .map(|r| {
                let width = r.label.chars().count();
                let span = site.span_at(r.line, r.column, width);
                (r.link.as_ref(), span, Some(&r.label))
            })
            .chain(
                a.bibliography
                    .iter()
                    .map(|b| (b.link.as_ref(), site.span_at(b.line, 1, 1), None)),
            );
        for (link, span, label) in links {
            // Weak links are not citations of the work: they are counted unverifiable.
            let Some(link) = link.filter(|l| l.is_sure()) else {
                continue;
            };
            if let Some(entry) = self.dead_entry(&link.source) {
                if !dead_links.contains_key(&link.source) {
                    let f = site
                        .finding(Rule::DeadLink, span.clone(), dead_link_message(entry))
                        .footnote(label.cloned());
                    dead_links.insert(link.source.clone(), f);
                }
            }
            if self.sources.contains(&link.source) {
                continue;
            }
            let u = unavailable.entry(link.source.clone()).or_default();
            u.references += 1;
            // This map is the article's own: it counts as one article citing the work.
            u.articles = 1;
            if u.first.is_none() {
                let title = self
                    .corpus
                    .source(&link.source)
                    .map_or("", |s| s.title.as_str());
                u.first = Some(
                    site.finding(
                        Rule::MissingSourceText,
                        span,
                        format!(
                            "source `{}` ({title}) has no text in the corpus: claims citing it cannot be verified",
                            link.source
                        ),
                    )
                    .subject(link.source.clone())
                    .source(link.source.clone())
                    .footnote(label.cloned()),
                );
            }
        }
    }

    /// One missing-source-text per work whose text could be added (the manifest gives a
    /// `url` to fetch it from, or a `file` that is not there). Printed books without
    /// either cannot be added: a finding nobody can fix would only teach people to
    /// ignore the rule, so they are counted in the summary instead.
    fn missing_source_text(&self, unavailable: &mut BTreeMap<String, Unavailable>) -> Vec<Finding> {
        let mut out = Vec::new();
        for (id, u) in unavailable.iter_mut() {
            let Some(src) = self.corpus.source(id) else {
                continue;
            };
            if src.url.is_none() && src.file.is_none() {
                continue;
            }
            // A URL the lock records as dead gets its dead-link finding instead.
            if self.dead_entry(id).is_some() {
                continue;
            }
            let Some(mut f) = u.first.take() else {
                continue;
            };
            // Counts go to notes: they change whenever a sentence is added.
            f = f.note(format!(
                "{} sentence{} cite{} it",
                u.sentences,
                if u.sentences == 1 { "" } else { "s" },
                if u.sentences == 1 { "s" } else { "" }
            ));
            if u.references > 1 || u.articles > 1 {
                f = f.note(format!(
                    "cited by {} reference entr{} in {} article{}",
                    u.references,
                    if u.references == 1 { "y" } else { "ies" },
                    u.articles,
                    if u.articles == 1 { "" } else { "s" }
                ));
            }
            let help = match (&src.file, &src.url) {
                (Some(file), _) if self.corpus.fetched(src).is_some() => format!(
                    "corpus.lock pins {file} for it, but there is no such file: run `citecheck fetch` to fetch it again"
                ),
                (Some(file), _) => format!(
                    "corpus.toml names {file} for it, but there is no such file: save the text there"
                ),
                (None, Some(url)) => format!(
                    "run `citecheck fetch` to download it from {url} (or save the text under sources/ and add `file = \"sources/{id}.txt\"` to its [[source]])"
                ),
                (None, None) => continue,
            };
            out.push(f.help(help));
        }
        out
    }

    /// The lock entry of a source whose URL was dead when last fetched.
    fn dead_entry(&self, id: &str) -> Option<&crate::fetch::LockEntry> {
        let entry = self.corpus.lock.as_ref()?.entry(id)?;
        entry.error.is_some().then_some(entry)
    }

    /// One dead-link per source whose URL corpus.lock records as dead (404/410, DNS,
    /// timeout), read offline: at its first citation (`cited`, in corpus order), or at
    /// its lock entry when nothing cites it. In lock order (by id).
    fn dead_links(&self, cited: &mut BTreeMap<String, Finding>) -> Vec<Finding> {
        let Some(lock) = &self.corpus.lock else {
            return Vec::new();
        };
        let sources: BTreeSet<&str> = self.corpus.sources.iter().map(|s| s.id.as_str()).collect();
        let path = crate::fetch::Lock::path(&self.corpus.root);
        let file = path.to_string_lossy().replace('\\', "/");
        let mut out = Vec::new();
        for entry in lock.entries() {
            if entry.error.is_none() || !sources.contains(entry.id.as_str()) {
                continue;
            }
            let f = cited.remove(&entry.id).unwrap_or_else(|| Finding {
                rule: Rule::DeadLink,
                severity: Rule::DeadLink.default_severity(),
                article: String::new(),
                file: file.clone(),
                span: 0..0,
                line: lock.line_of(&entry.id).unwrap_or(1),
                column: 1,
                width: 1,
                message: dead_link_message(entry),
                subject: None,
                footnote: None,
                source: None,
                sentence: None,
                help: None,
                notes: Vec::new(),
                evidence: Vec::new(),
                snippet: None,
                snippet_column: 1,
                baselined: false,
            });
            // The date goes to a note: the message is part of what a reader compares.
            let mut f = f
                .subject(entry.id.clone())
                .source(entry.id.clone())
                .note(format!("when last fetched, {} (corpus.lock)", entry.fetched_at))
                .help("update the `url`, or give the reference an `archive-url` (or try `citecheck fetch --archive`), then run `citecheck fetch --update`");
            if entry.file.is_some() {
                f = f.note("the text fetched before it died is still pinned and used");
            }
            out.push(f);
        }
        out
    }

    fn sentences(&self, site: &Site, p: &mut ArticleResult) -> crate::Result<()> {
        let a = site.article;
        let out = &mut p.findings;
        let summary = &mut p.summary;
        // Whether the article has a body a lead can be exempt before: once, not per
        // sentence (many headings and sentences made that their product).
        let lead = Lead::of(a);
        for (i, s) in a.sentences.iter().enumerate() {
            summary.sentences += 1;
            match s.status {
                CitationStatus::Cited => summary.cited += 1,
                CitationStatus::Implicit => summary.implicit += 1,
                CitationStatus::Uncited => summary.uncited += 1,
            }
            let facts = if is_block_quotation(site, i) {
                claims::block_quotation(&s.text)
            } else {
                claims::facts(&s.text)
            };
            let exempt = lead.exempts(s) && self.config.lead == LeadPolicy::Exempt;
            let claim = claims::is_claim(&s.text, &facts) || s.citation_needed;
            if claim && (!exempt || s.citation_needed) {
                summary.claims += 1;
            }
            if s.status == CitationStatus::Uncited {
                p.statuses.push(if !claim {
                    SentenceStatus::NotAClaim
                } else if exempt && !s.citation_needed {
                    SentenceStatus::ExemptLead
                } else {
                    out.push(self.uncited_claim(site, i, &facts)?);
                    SentenceStatus::UncitedClaim
                });
                continue;
            }
            let records = p.verification.len();
            self.verify_sentence(
                site,
                i,
                &facts,
                out,
                summary,
                &mut p.unavailable,
                &mut p.verification,
            )?;
            p.statuses
                .push(SentenceStatus::of_cited(claim, p.verification.get(records)));
        }
        Ok(())
    }

    fn uncited_claim(&self, site: &Site, i: usize, facts: &[Fact]) -> crate::Result<Finding> {
        let s = &site.article.sentences[i];
        let mut f = match claims::headline(facts) {
            Some(fact) => site
                .finding(
                    Rule::UncitedClaim,
                    s.file_offset(fact.start)..s.file_offset(fact.end),
                    format!(
                        "uncited claim: states {} (“{}”) but no footnote covers it",
                        fact.kind.describe(),
                        fact.text
                    ),
                )
                .subject(fact.text.clone()),
            None => site.finding(
                Rule::UncitedClaim,
                s.start..s.end,
                "uncited claim: the article flags it [citation needed]",
            ),
        };
        if s.citation_needed && !facts.is_empty() {
            f = f.note("the article itself flags it [citation needed]");
        }
        f = f
            .sentence(s.text.clone())
            .help("add a footnote citing a source that states this");
        if let Some(hit) = self.possible_source(&s.text, facts, &[])? {
            f = f.source(hit.source.clone()).help(format!(
                "possible source: {} — add a footnote citing it",
                self.describe_passage(&hit)
            ));
        }
        Ok(f)
    }

    #[allow(clippy::too_many_arguments)]
    fn verify_sentence(
        &self,
        site: &Site,
        i: usize,
        facts: &[Fact],
        out: &mut Vec<Finding>,
        summary: &mut Summary,
        unavailable: &mut BTreeMap<String, Unavailable>,
        records: &mut Vec<SentenceVerification>,
    ) -> crate::Result<()> {
        let a = site.article;
        let s = &a.sentences[i];
        let refs = a.sentence_references(i);
        // Check what can be checked: the cited works with text and a sure link. The
        // others are named in the record; a fact not found while one of them is cited
        // may well be in it.
        let mut cited: Vec<String> = Vec::new();
        let mut docs: Vec<&SourceText> = Vec::new();
        let mut unchecked: Vec<String> = Vec::new();
        let mut hints: Vec<&str> = Vec::new();
        for &r in &refs {
            let reference = &a.references[r];
            hints.push(&reference.text);
            match &reference.link {
                Some(l) if l.is_sure() => match self.sources.get(&l.source) {
                    Some(d) => {
                        if !cited.contains(&l.source) {
                            cited.push(l.source.clone());
                            docs.push(d);
                        }
                    }
                    None => {
                        if !unchecked.contains(&l.source) {
                            unchecked.push(l.source.clone());
                        }
                        if let Some(u) = unavailable.get_mut(&l.source) {
                            u.sentences += 1;
                        }
                    }
                },
                _ => unchecked.push(format!("[{}]", reference.label)),
            }
        }
        if refs.is_empty() {
            unchecked.push("(no reference entry)".into());
        }
        let verifiable: Vec<&Fact> = facts.iter().filter(|f| verify::is_verifiable(f)).collect();
        let mut record = SentenceVerification {
            article: a.id.clone(),
            index: i,
            file: a.path.to_string_lossy().replace('\\', "/"),
            line: s.line,
            sentence: s.text.clone(),
            result: VerificationResult::Unverifiable,
            checked: cited.clone(),
            unchecked: unchecked.clone(),
            claims: Vec::new(),
        };
        if docs.is_empty() {
            summary.unverifiable += 1;
            if !verifiable.is_empty() {
                // Nothing to check against: say which corpus source states it, if one
                // clearly does.
                if let Some(hit) = self.possible_source(&s.text, facts, &[])? {
                    out.push(self.possible_source_note(site, i, &hit, &unchecked));
                }
                record.claims = verifiable
                    .iter()
                    .map(|f| ClaimRecord {
                        kind: f.kind.noun(),
                        text: f.text.clone(),
                        outcome: Outcome::Unchecked,
                        evidence: Vec::new(),
                        diff: Vec::new(),
                        changes: Vec::new(),
                        notes: Vec::new(),
                    })
                    .collect();
                records.push(record);
            }
            return Ok(());
        }
        let mut checks = verify::check_facts(&s.text, facts, &docs, &hints);
        if !unchecked.is_empty() {
            // A co-cited work without text may state what the checked texts do not; a
            // quotation that is a changed copy of a checked text is still a misquotation.
            for c in &mut checks {
                let misquote = c
                    .closest
                    .as_ref()
                    .is_some_and(|x| x.similarity >= MISQUOTE_SIMILARITY);
                if c.outcome == Outcome::NotFound && !misquote {
                    c.outcome = Outcome::Unchecked;
                }
            }
        }
        let found = checks
            .iter()
            .filter(|c| c.outcome == Outcome::Found)
            .count();
        let missing = checks
            .iter()
            .filter(|c| c.outcome == Outcome::NotFound)
            .count();
        let open = checks
            .iter()
            .filter(|c| c.outcome == Outcome::Unchecked)
            .count();
        record.result = match (found, missing, open) {
            (_, 0, 0) => VerificationResult::Verified,
            (0, 0, _) => VerificationResult::Unverifiable,
            (0, _, _) => VerificationResult::NotFound,
            _ => VerificationResult::Partly,
        };
        match record.result {
            VerificationResult::Verified => summary.verified += 1,
            VerificationResult::Partly => summary.partly += 1,
            VerificationResult::NotFound => summary.not_found += 1,
            VerificationResult::Unverifiable => summary.unverifiable += 1,
        }
        if missing > 0 {
            summary.unsupported += 1;
        }
        let label = |src: &str| {
            refs.iter()
                .map(|&r| &a.references[r])
                .find(|r| r.link.as_ref().is_some_and(|l| l.source == src))
                .map(|r| r.label.clone())
        };
        let cited_list = cited
            .iter()
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut quote_elsewhere = None;
        for c in checks.iter().filter(|c| c.outcome == Outcome::NotFound) {
            let span = s.file_offset(c.fact.start)..s.file_offset(c.fact.end);
            let mut f = if c.fact.kind == claims::FactKind::Quotation {
                let mut f = site
                    .finding(
                        Rule::QuoteNotInSource,
                        span,
                        format!("quotation not found in the cited source ({cited_list})"),
                    )
                    .help(
                        "quote the source's exact words, or cite the source the quotation comes from",
                    );
                if let Some(x) = &c.closest {
                    f = f
                        .note(format!(
                            "closest passage ({:.0}% similar), {}:{}: “{}”",
                            x.similarity * 100.0,
                            self.source_path(&x.source),
                            x.line,
                            excerpt(&x.text, 300)
                        ))
                        .source(x.source.clone())
                        .footnote(label(&x.source));
                    for change in x.changes.iter().take(MAX_CHANGES) {
                        f = f.note(change.describe());
                    }
                }
                if let Some(m) = self.quote_in_other_source(&c.fact.text, &cited) {
                    f = f.note(format!(
                        "the quotation is in `{}` ({}), {}:{}",
                        m.source,
                        self.sources.get(&m.source).map_or("", |d| d.title.as_str()),
                        self.source_path(&m.source),
                        m.line
                    ));
                    quote_elsewhere.get_or_insert(m);
                }
                f
            } else {
                let mut f = site
                    .finding(
                        Rule::FactNotInSource,
                        span,
                        format!(
                            "{} “{}” does not occur in the cited source ({cited_list})",
                            c.fact.kind.noun(),
                            c.fact.text
                        ),
                    )
                    .help("correct it, or cite the source that states it");
                if let Some(e) = &c.evidence {
                    f = f.note(format!(
                        "source says, at {}:{}: “{}”",
                        self.source_path(&e.source),
                        e.line,
                        excerpt(&e.text, 200)
                    ));
                }
                f
            };
            if f.source.is_none() && cited.len() == 1 {
                f = f.source(cited[0].clone()).footnote(label(&cited[0]));
            }
            out.push(
                f.evidence(c.evidence.iter().cloned())
                    .subject(c.fact.text.clone())
                    .sentence(s.text.clone()),
            );
        }
        record.claims = checks.iter().map(claim_record).collect();
        records.push(record);
        if let Some(m) = quote_elsewhere {
            out.push(
                site.finding(
                    Rule::WeakSupport,
                    marker_span(a, i),
                    format!(
                        "`{}` has the quotation, not the cited source ({cited_list})",
                        m.source
                    ),
                )
                .note(format!(
                    "source says, at {}:{}: “{}”",
                    self.source_path(&m.source),
                    m.line,
                    excerpt(&m.text, 200)
                ))
                .help(format!("cite `{}` for the quotation", m.source))
                .evidence([Evidence {
                    source: m.source.clone(),
                    line: m.line,
                    text: m.text.clone(),
                    score: 1.0,
                }])
                .subject(m.source.clone())
                .source(m.source.clone())
                .footnote(cited.first().and_then(|c| label(c)))
                .sentence(s.text.clone()),
            );
        } else if let Some((better, cited_best)) = self.weak_support(&s.text, &cited)? {
            let mut f = site
                .finding(
                    Rule::WeakSupport,
                    marker_span(a, i),
                    format!(
                        "`{}` supports this better than the cited source ({cited_list})",
                        better.source
                    ),
                )
                .note(format!("better match: {}", self.describe_passage(&better)));
            if let Some(c) = cited_best {
                f = f.note(format!("best cited match: {}", self.describe_passage(&c)));
            }
            out.push(
                f.help(format!(
                    "check `{}` and cite it if it states the claim",
                    better.source
                ))
                .evidence([ranked_evidence(&better)])
                .subject(better.source.clone())
                .source(better.source.clone())
                .footnote(cited.first().and_then(|c| label(c)))
                .sentence(s.text.clone()),
            );
        }
        Ok(())
    }

    fn source_path(&self, id: &str) -> String {
        self.sources
            .get(id)
            .map(|d| d.path.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default()
    }

    /// A quotation not in the cited sources, found verbatim in another corpus source.
    fn quote_in_other_source(&self, quote: &str, cited: &[String]) -> Option<verify::QuoteMatch> {
        let pattern = verify::QuotePattern::parse(quote);
        self.sources
            .iter()
            .filter(|d| !cited.contains(&d.id))
            .find_map(|d| verify::find_quote(&pattern, d))
    }

    /// weak-support (note) for a sentence cited only to works without text (or weakly
    /// linked): a corpus source that states it.
    fn possible_source_note(
        &self,
        site: &Site,
        i: usize,
        hit: &RankedPassage,
        unchecked: &[String],
    ) -> Finding {
        let a = site.article;
        let s = &a.sentences[i];
        let works = unchecked
            .iter()
            .map(|c| {
                if c.starts_with('[') || c.starts_with('(') {
                    c.clone()
                } else {
                    format!("`{c}`")
                }
            })
            .collect::<Vec<_>>()
            .join(", ");
        site.finding(
            Rule::WeakSupport,
            marker_span(a, i),
            format!(
                "possible source `{}`: the cited work ({works}) cannot be checked",
                hit.source
            ),
        )
        .note(format!("source says: {}", self.describe_passage(hit)))
        .help(format!(
            "check `{}` and cite it too if it states the claim",
            hit.source
        ))
        .evidence([ranked_evidence(hit)])
        .subject(hit.source.clone())
        .source(hit.source.clone())
        .footnote(
            a.sentence_references(i)
                .first()
                .map(|&r| a.references[r].label.clone()),
        )
        .sentence(s.text.clone())
    }

    /// The best passage of a source other than the cited ones, when it outranks every
    /// cited passage by [`WEAK_SUPPORT_MARGIN`] and matches the sentence well itself.
    fn weak_support(
        &self,
        text: &str,
        cited: &[String],
    ) -> crate::Result<Option<(RankedPassage, Option<RankedPassage>)>> {
        let Some(ranker) = self.ranker.filter(|_| !self.sources.is_empty()) else {
            return Ok(None);
        };
        if distinct_terms(text) < MIN_TERMS {
            return Ok(None);
        }
        let hits = ranker.rank(text, 20)?;
        let Some(top) = hits.first() else {
            return Ok(None);
        };
        if cited.contains(&top.source) {
            return Ok(None);
        }
        let cited_best = hits.iter().find(|h| cited.contains(&h.source)).cloned();
        let cited_score = cited_best.as_ref().map_or(0.0, |h| h.score);
        let top_overlap = top.overlap(text);
        let cited_overlap = cited_best.as_ref().map_or(0.0, |h| h.overlap(text));
        if top.score >= WEAK_SUPPORT_MARGIN * cited_score
            && top_overlap >= MIN_OVERLAP
            && top_overlap > cited_overlap
        {
            return Ok(Some((top.clone(), cited_best)));
        }
        Ok(None)
    }

    /// The source passage that clearly states a sentence, if any: among the passages
    /// the index ranks highest, the quotation or the facts found in a passage count more
    /// than its word overlap. Sources in `exclude` are not suggested.
    fn possible_source(
        &self,
        text: &str,
        facts: &[Fact],
        exclude: &[String],
    ) -> crate::Result<Option<RankedPassage>> {
        let Some(ranker) = self.ranker.filter(|_| !self.sources.is_empty()) else {
            return Ok(None);
        };
        if distinct_terms(text) < MIN_TERMS {
            return Ok(None);
        }
        let hits = ranker.rank(text, SUGGESTION_CANDIDATES)?;
        let mut best: Option<(f64, RankedPassage)> = None;
        for hit in hits.into_iter().filter(|h| !exclude.contains(&h.source)) {
            let overlap = hit.overlap(text);
            let (stated, checked) = match self.sources.get(&hit.source) {
                Some(doc) => verify::facts_in_passage(text, facts, doc, hit.line),
                None => (0, 0),
            };
            let clear = overlap >= MIN_OVERLAP || (stated > 0 && overlap >= MIN_OVERLAP / 2.0);
            if !clear || (checked > 0 && stated == 0) {
                continue;
            }
            let score = stated as f64 + overlap;
            if best.as_ref().is_none_or(|(b, _)| score > *b) {
                best = Some((score, hit));
            }
        }
        Ok(best.map(|(_, h)| h))
    }

    fn describe_passage(&self, p: &RankedPassage) -> String {
        let (title, path) = match self.sources.get(&p.source) {
            Some(d) => (d.title.clone(), d.path.to_string_lossy().replace('\\', "/")),
            None => (
                self.corpus
                    .source(&p.source)
                    .map_or(String::new(), |s| s.title.clone()),
                p.source.clone(),
            ),
        };
        format!(
            "`{}` ({title}), {path}:{}: “{}”",
            p.source,
            p.line,
            excerpt(&p.text, 120)
        )
    }
}

/// Where to point for a cited sentence as a whole: its first own marker, else the
/// sentence's first character.
/// `dead link: URL answered 404 Not Found`, from the lock's record.
fn dead_link_message(entry: &crate::fetch::LockEntry) -> String {
    format!(
        "dead link: {} {}",
        entry.url,
        entry.error.as_deref().unwrap_or_default()
    )
}

fn marker_span(a: &Article, i: usize) -> std::ops::Range<usize> {
    let s = &a.sentences[i];
    match s.markers.first() {
        Some(&m) => a.markers[m].offset..a.markers[m].offset + a.markers[m].len,
        None => s.start..s.start + 1,
    }
}

/// Whether sentence `i` is part of a block quotation: its line is a `>` block or
/// indented, or its paragraph follows one whose last sentence ends in a colon ("The
/// declaration reads:"). The words are the source's, not the article's.
fn is_block_quotation(site: &Site, i: usize) -> bool {
    let a = site.article;
    let s = &a.sentences[i];
    let quoted_line = site.line_text(s.line).is_some_and(|l| {
        let t = l.trim_start();
        // Indented prose; not list items, footnotes or table-of-contents lines.
        let indented = l.len() - t.len() >= 2
            && t.starts_with(|c: char| c.is_alphabetic() || matches!(c, '"' | '“' | '‘'));
        t.starts_with('>') || indented
    });
    if quoted_line {
        return true;
    }
    // The paragraph's first sentence, looked up rather than walked back to: one
    // paragraph of many sentences made that walk quadratic.
    let first = a
        .paragraphs
        .get(s.paragraph)
        .map_or(i, |p| p.first_sentence);
    let Some(intro) = first.checked_sub(1).map(|k| &a.sentences[k]) else {
        return false;
    };
    intro.section == s.section && intro.text.trim_end().ends_with(':')
}

/// The lead the lead policy can exempt sentences of. The lead is the text
/// before the first section proper: no section at all, or a first heading that is really
/// the title (readers of files without a site header read the title line as a heading).
/// A lead summarises a body cited below it; an article with no body section is all lead
/// and nothing cites it elsewhere, so it is not exempt.
struct Lead {
    title: Option<usize>,
    has_body: bool,
}

impl Lead {
    fn of(a: &Article) -> Lead {
        let title = title_section(a);
        let has_body = a
            .sections
            .iter()
            .enumerate()
            .any(|(i, x)| Some(i) != title && !x.synthetic && !x.back_matter && x.blocks > 0);
        Lead { title, has_body }
    }

    fn exempts(&self, s: &crate::model::Sentence) -> bool {
        let in_lead = s.section.is_none() || s.section == self.title;
        in_lead && self.has_body
    }
}

/// The first section, when its heading is the article's title rather than a section:
/// level 1, equal to the title, or above every other heading.
fn title_section(a: &Article) -> Option<usize> {
    let first = a.sections.first()?;
    let mut others = a.sections[1..].iter().filter(|x| !x.synthetic).peekable();
    let above_all = others.peek().is_some() && others.all(|x| x.level > first.level);
    let is_title = first.level <= 1
        || above_all
        || a.title
            .as_deref()
            .is_some_and(|t| crate::model::headings_match(t, &first.heading));
    is_title.then_some(0)
}

fn distinct_terms(text: &str) -> usize {
    let mut t = ranker::terms(text);
    t.sort();
    t.dedup();
    t.len()
}

/// The first `max` characters of a passage, cut at a word boundary.
fn excerpt(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(a, _)| a);
    format!("{cut} …")
}

/// File, line, column, rule: the order every output uses.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.rule.name(), &a.message).cmp(&(
            &b.file,
            b.line,
            b.column,
            b.rule.name(),
            &b.message,
        ))
    });
}
