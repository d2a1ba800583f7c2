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
pub mod verify;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

pub use finding::{Finding, FindingKey, Site};

use crate::manifest::Corpus;
use crate::model::{Article, CitationStatus};
use crate::rule::{Rule, Severity};
use claims::Fact;
use ranker::{RankedPassage, SourceRanker};
use rules::{Config, LeadPolicy};
use verify::SourceDoc;

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
    /// Cited sentences with a quotation or fact no cited source contains.
    pub unsupported: usize,
    /// Cited sentences whose sources (some or all) have no text in the corpus.
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
        self.unsupported += o.unsupported;
        self.unverifiable += o.unverifiable;
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    pub findings: Vec<Finding>,
    pub summary: Summary,
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
    sources: &'a BTreeMap<String, SourceDoc>,
    ranker: Option<&'a dyn SourceRanker>,
}

/// What checking one article found, before the corpus-wide rules: made on whichever
/// thread read the article, merged in corpus order by a [`CheckSession`].
#[derive(Default)]
pub struct ArticleResult {
    findings: Vec<Finding>,
    summary: Summary,
    unavailable: BTreeMap<String, Unavailable>,
}

impl ArticleResult {
    /// The article's sentence and claim counts (severities are counted by the session).
    pub fn summary(&self) -> &Summary {
        &self.summary
    }
}

/// Per linked work without text: where it is first cited and how much it leaves
/// unverifiable.
#[derive(Default)]
struct Unavailable {
    /// The finding for its first citation, placed there; its message is written once
    /// the whole corpus is checked.
    first: Option<Finding>,
    references: usize,
    articles: BTreeSet<String>,
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
            into.articles.extend(u.articles);
            into.sentences += u.sentences;
        }
        self.emit_all(result.findings, emit);
    }

    /// The corpus-wide findings (after every article's own), and the summary.
    pub fn finish(self, emit: &mut dyn FnMut(Finding)) -> Summary {
        self.finish_with_stale(emit).0
    }

    /// [`CheckSession::finish`], also giving the keys of the baseline entries that
    /// matched no finding (SARIF's `baselineState: "absent"`).
    pub fn finish_with_stale(
        mut self,
        emit: &mut dyn FnMut(Finding),
    ) -> (Summary, Vec<FindingKey>) {
        self.summary.unavailable_sources = self.unavailable.len();
        let findings = self.checker.missing_source_text(&mut self.unavailable);
        self.emit_all(findings, emit);
        let mut stale = Vec::new();
        if let Some(b) = &self.baseline {
            self.summary.baselined = b.matched;
            self.summary.baseline_stale = b.stale();
            stale = b.stale_entries();
        }
        (self.summary, stale)
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

impl<'a> Checker<'a> {
    pub fn new(
        corpus: &'a Corpus,
        config: Config,
        sources: &'a BTreeMap<String, SourceDoc>,
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
        for run in runs {
            for result in run? {
                session.add(result, &mut |f| findings.push(f));
            }
        }
        let summary = session.finish(&mut |f| findings.push(f));
        Ok(CheckReport { findings, summary })
    }

    /// The per-article rules over one article; callable from any thread.
    pub fn check_article(&self, a: &Article) -> crate::Result<ArticleResult> {
        let mut p = ArticleResult::default();
        let site = Site::new(a);
        integrity::footnotes(&site, &mut p.findings);
        integrity::sections(&site, &mut p.findings);
        self.note_unavailable(&site, &mut p.unavailable);
        self.sentences(&site, &mut p.findings, &mut p.summary, &mut p.unavailable)?;
        Ok(p)
    }

    /// Record which linked works of an article have no text.
    fn note_unavailable(&self, site: &Site, unavailable: &mut BTreeMap<String, Unavailable>) {
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
            let Some(link) = link else { continue };
            if self.sources.contains_key(&link.source) {
                continue;
            }
            let u = unavailable.entry(link.source.clone()).or_default();
            u.references += 1;
            if !u.articles.contains(&a.id) {
                u.articles.insert(a.id.clone());
            }
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
            if u.references > 1 || u.articles.len() > 1 {
                f = f.note(format!(
                    "cited by {} reference entr{} in {} article{}",
                    u.references,
                    if u.references == 1 { "y" } else { "ies" },
                    u.articles.len(),
                    if u.articles.len() == 1 { "" } else { "s" }
                ));
            }
            let help = match (&src.file, &src.url) {
                (Some(file), _) => format!(
                    "corpus.toml names {file} for it, but there is no such file: save the text there"
                ),
                (None, Some(url)) => format!(
                    "save the text from {url} under sources/ and add `file = \"sources/{id}.txt\"` to its [[source]]"
                ),
                (None, None) => continue,
            };
            out.push(f.help(help));
        }
        out
    }

    fn sentences(
        &self,
        site: &Site,
        out: &mut Vec<Finding>,
        summary: &mut Summary,
        unavailable: &mut BTreeMap<String, Unavailable>,
    ) -> crate::Result<()> {
        let a = site.article;
        for (i, s) in a.sentences.iter().enumerate() {
            summary.sentences += 1;
            match s.status {
                CitationStatus::Cited => summary.cited += 1,
                CitationStatus::Implicit => summary.implicit += 1,
                CitationStatus::Uncited => summary.uncited += 1,
            }
            let facts = claims::facts(&s.text);
            let exempt = in_exempt_lead(a, s) && self.config.lead == LeadPolicy::Exempt;
            let claim = claims::is_claim(&facts) || s.citation_needed;
            if claim && (!exempt || s.citation_needed) {
                summary.claims += 1;
            }
            if s.status == CitationStatus::Uncited {
                if claim && (!exempt || s.citation_needed) {
                    out.push(self.uncited_claim(site, i, &facts)?);
                }
                continue;
            }
            self.verify_sentence(site, i, &facts, out, summary, unavailable)?;
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
        if let Some(hit) = self.possible_source(&s.text)? {
            f = f.source(hit.source.clone()).help(format!(
                "possible source: {} — add a footnote citing it",
                self.describe_passage(&hit)
            ));
        }
        Ok(f)
    }

    fn verify_sentence(
        &self,
        site: &Site,
        i: usize,
        facts: &[Fact],
        out: &mut Vec<Finding>,
        summary: &mut Summary,
        unavailable: &mut BTreeMap<String, Unavailable>,
    ) -> crate::Result<()> {
        let a = site.article;
        let s = &a.sentences[i];
        let refs = a.sentence_references(i);
        let mut cited: Vec<String> = Vec::new();
        let mut docs: Vec<&SourceDoc> = Vec::new();
        let mut missing = refs.is_empty();
        for &r in &refs {
            match &a.references[r].link {
                Some(l) => match self.sources.get(&l.source) {
                    Some(d) => {
                        if !cited.contains(&l.source) {
                            cited.push(l.source.clone());
                            docs.push(d);
                        }
                    }
                    None => {
                        missing = true;
                        if let Some(u) = unavailable.get_mut(&l.source) {
                            u.sentences += 1;
                        }
                    }
                },
                None => missing = true,
            }
        }
        if docs.is_empty() {
            summary.unverifiable += 1;
            return Ok(());
        }
        let unsupported = verify::verify_facts(facts, &docs);
        if missing {
            // Part of the support is a work without text: what is not found in the
            // others may well be in it.
            if unsupported.is_empty() {
                summary.verified += 1;
            } else {
                summary.unverifiable += 1;
            }
            return Ok(());
        }
        if unsupported.is_empty() {
            summary.verified += 1;
        } else {
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
        for u in &unsupported {
            let span = s.file_offset(u.fact.start)..s.file_offset(u.fact.end);
            let mut f = if u.fact.kind == claims::FactKind::Quotation {
                let mut f = site
                    .finding(
                        Rule::QuoteNotInSource,
                        span,
                        format!("quotation not found in the cited source ({cited_list})"),
                    )
                    .help(
                        "quote the source's exact words, or cite the source the quotation comes from",
                    );
                if let Some(c) = &u.closest {
                    let path = self
                        .sources
                        .get(&c.source)
                        .map(|d| d.path.to_string_lossy().replace('\\', "/"))
                        .unwrap_or_default();
                    f = f
                        .note(format!(
                            "closest passage ({:.0}% similar), {path}:{}: “{}”",
                            c.similarity * 100.0,
                            c.line,
                            c.text
                        ))
                        .source(c.source.clone())
                        .footnote(label(&c.source));
                }
                f
            } else {
                site.finding(
                    Rule::FactNotInSource,
                    span,
                    format!(
                        "{} “{}” does not occur in the cited source ({cited_list})",
                        u.fact.kind.noun(),
                        u.fact.text
                    ),
                )
                .help("correct it, or cite the source that states it")
            };
            if f.source.is_none() && cited.len() == 1 {
                f = f.source(cited[0].clone()).footnote(label(&cited[0]));
            }
            out.push(f.subject(u.fact.text.clone()).sentence(s.text.clone()));
        }
        if let Some((better, cited_best)) = self.weak_support(&s.text, &cited)? {
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
                .subject(better.source.clone())
                .source(better.source.clone())
                .footnote(cited.first().and_then(|c| label(c)))
                .sentence(s.text.clone()),
            );
        }
        Ok(())
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

    /// The source passage that clearly matches an uncited sentence, if any.
    fn possible_source(&self, text: &str) -> crate::Result<Option<RankedPassage>> {
        let Some(ranker) = self.ranker.filter(|_| !self.sources.is_empty()) else {
            return Ok(None);
        };
        if distinct_terms(text) < MIN_TERMS {
            return Ok(None);
        }
        let hits = ranker.rank(text, 1)?;
        Ok(hits
            .into_iter()
            .next()
            .filter(|h| h.overlap(text) >= MIN_OVERLAP))
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
fn marker_span(a: &Article, i: usize) -> std::ops::Range<usize> {
    let s = &a.sentences[i];
    match s.markers.first() {
        Some(&m) => a.markers[m].offset..a.markers[m].offset + a.markers[m].len,
        None => s.start..s.start + 1,
    }
}

/// Whether a sentence is in a lead the lead policy can exempt. The lead is the text
/// before the first section proper: no section at all, or a first heading that is really
/// the title (readers of files without a site header read the title line as a heading).
/// A lead summarises a body cited below it; an article with no body section is all lead
/// and nothing cites it elsewhere, so it is not exempt.
fn in_exempt_lead(a: &Article, s: &crate::model::Sentence) -> bool {
    let title = title_section(a);
    let in_lead = s.section.is_none() || s.section == title;
    let has_body = a
        .sections
        .iter()
        .enumerate()
        .any(|(i, x)| Some(i) != title && !x.synthetic && !x.back_matter && x.blocks > 0);
    in_lead && has_body
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
