//! `citecheck report --html`: the articles as `check` saw them, for reading. Every
//! sentence is coloured by what the checker concluded about it
//! ([`SentenceStatus`]: verified, partly verified, not found in the cited source, cited
//! but unverifiable, uncited claim, exempt lead, not a claim); clicking or tapping it
//! opens (a `<details>` element: no script, no external asset) its findings with message
//! and help, the facts checked and the evidence passages with the matched words marked
//! (for a misquotation, the words that differ), and the footnotes covering it with their
//! reference text, linked source and how sure that link is. Findings about the article
//! rather than a sentence (table of contents, empty sections, unused references, dead
//! footnotes) are in a box at the top of each article, and a summary (sentences by
//! status, findings by rule, a link to each article) heads the report.
//!
//! Nothing is concluded here: the renderer shows the [`CheckedArticle`]s
//! `check::run::check_articles` produced. It only decides where a finding is shown (in
//! the sentence its span falls in, or in the article's box) and which words of a passage
//! to mark.
//!
//! [`HtmlReport`] renders one article at a time and keeps only counts, so a caller can
//! write each article to its own page as it comes (`report --html DIR/`) and the
//! summary last; [`render`] makes the one-page document of a few articles.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write;

use crate::check::run::{CheckEnd, CheckedArticle};
use crate::check::verify::{Change, Evidence, Outcome};
use crate::check::{ClaimRecord, Finding, SentenceStatus, SentenceVerification};
use crate::manifest::Corpus;
use crate::model::{Article, CitationStatus};
use crate::rule::{Rule, Severity};
use crate::sources::words::{canonical, STOPWORDS};

const STYLE: &str = "
:root{--ok:#cdeccf;--partly:#fbe8a0;--bad:#f8c4c4;--badline:#b00020;--unver:#dbe4f2;
--uncited:#ffd6a5;--uncitedline:#b85c00;--exempt:#e9e9e9;--ink:#1d1d1d;--muted:#5f5f5f}
*{box-sizing:border-box}
body{font:17px/1.6 Georgia,'Times New Roman',serif;color:var(--ink);max-width:50rem;margin:0 auto;padding:.5rem 1rem 3rem}
h1{font-size:1.6rem;margin:.8rem 0 .4rem}h2{font-size:1.4rem;margin:2.2rem 0 .3rem}
h3{font-size:1.15rem;margin:1.6rem 0 .4rem}h4,h5{font-size:1rem;margin:1.2rem 0 .3rem}
a{color:#0645ad}
.ui,.why,.box,.summary,.legend,.meta,.refs,nav,table{font-family:system-ui,-apple-system,'Segoe UI',sans-serif}
.meta{color:var(--muted);font-size:.85rem;margin:.2rem 0}
nav{font-size:.9rem;margin:.6rem 0}
.legend{font-size:.85rem;margin:.4rem 0 1rem}.legend p{line-height:2.1;margin:.2rem 0}
.legend summary,.box>summary{cursor:pointer;color:var(--muted)}.box>summary{color:var(--ink)}
.legend dl{margin:.3rem 0;display:grid;grid-template-columns:max-content 1fr;gap:.25rem .6rem}.legend dd{margin:0}
.chip{display:inline-block;padding:0 .45em;border-radius:3px;margin-right:.3em;line-height:1.6;white-space:nowrap}
.verified>summary,.chip.verified,.tag.verified{background:var(--ok)}
.partly>summary,.chip.partly,.tag.partly{background:var(--partly)}
.not-found>summary,.chip.not-found,.tag.not-found{background:var(--bad)}
.not-found>summary,.chip.not-found{text-decoration:underline wavy var(--badline);text-decoration-skip-ink:none;text-underline-offset:3px}
.unverifiable>summary,.chip.unverifiable,.tag.unverifiable{background:var(--unver)}
.uncited-claim>summary,.chip.uncited-claim,.tag.uncited-claim{background:var(--uncited)}
.uncited-claim>summary,.chip.uncited-claim{text-decoration:underline dotted var(--uncitedline) 2px;text-underline-offset:3px}
.exempt-lead>summary,.chip.exempt-lead,.tag.exempt-lead{background:var(--exempt)}
.chip.not-a-claim,.tag.not-a-claim{border:1px solid #ccc}
.para{margin:0 0 1rem}
details.s{display:inline}
details.s:not([open])::details-content{display:none}
details.s>summary{display:inline;cursor:pointer;list-style:none;border-radius:3px;padding:1px 0;-webkit-box-decoration-break:clone;box-decoration-break:clone}
details.s>summary::-webkit-details-marker{display:none}
details.s>summary::marker{content:''}
details.s>summary:hover,details.s>summary:focus-visible{outline:2px solid #555;outline-offset:1px}
details.s[open]>summary{outline:2px solid var(--ink)}
details.s.not-a-claim>summary:hover{background:#f2f2f2}
.fact.miss{font-weight:bold;text-decoration:underline wavy var(--badline)}
.fact.bare{font-weight:bold}
.fact.ok{border-bottom:2px solid #3c8c40}
sup{font-size:.72em;line-height:0}sup a{text-decoration:none}
.dead{color:var(--badline)}
.badge{font:700 .68em system-ui,sans-serif;color:#fff;border-radius:1em;padding:.05em .45em;margin-left:.2em;vertical-align:.15em}
.badge.error,.sev.error{background:var(--badline)}.badge.warning,.sev.warning{background:#9a4d00}.badge.note,.sev.note{background:#3b5b8f}
.sev{color:#fff;border-radius:3px;padding:0 .35em;font-size:.8em;font-weight:600}
.why{display:block;font-size:.9rem;line-height:1.45;background:#fafafa;border:1px solid #d6d6d6;border-left:5px solid #999;border-radius:4px;padding:.5rem .75rem;margin:.35rem 0 .7rem}
.why.verified{border-left-color:#3c8c40}.why.partly{border-left-color:#c9a400}.why.not-found{border-left-color:var(--badline)}
.why.unverifiable{border-left-color:#6b86b3}.why.uncited-claim{border-left-color:var(--uncitedline)}
.tag{display:inline-block;border-radius:3px;padding:0 .4em;font-weight:600}
.why p{margin:.35rem 0}.why ul{margin:.25rem 0;padding-left:1.2rem}
.why h5{font-size:.8rem;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);margin:.6rem 0 .2rem}
.f{border-top:1px solid #e2e2e2;padding:.3rem 0}
.help{color:#264d26}
figure{margin:.3rem 0 .5rem}figcaption{font-size:.8rem;color:var(--muted)}
blockquote{margin:.15rem 0;padding:.3rem .6rem;border-left:3px solid #ccc;background:#fff;font-family:Georgia,serif;overflow-wrap:anywhere}
mark{background:#fff176;padding:0 1px}
del{background:#f8c4c4;text-decoration:line-through}ins{background:#cdeccf;text-decoration:none}
.diff li{margin:.15rem 0}
.box{border:1px solid #d9b3b3;background:#fff7f7;border-radius:6px;padding:.4rem .9rem;margin:.8rem 0;font-size:.9rem}
.box.clean{border-color:#b9d8bb;background:#f5fbf5}
.box h3{font-size:1rem;margin:.3rem 0}.box ul{padding-left:1.1rem;margin:.3rem 0}.box li{margin:.3rem 0 .5rem}.box li p{margin:.1rem 0}.box li ul{margin:0}
.counts{font-size:.85rem;line-height:2}
.refs{font-size:.9rem}.refs li{margin:.35rem 0;overflow-wrap:anywhere}.refs .back{font-size:.8rem}
.src{color:#2c4a2c}.nosrc{color:#8a4b00}
.summary{font-size:.92rem}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;font-size:.85rem;margin:.4rem 0}
th,td{border-bottom:1px solid #e3e3e3;padding:.2rem .5rem;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
table.articles .chip{font-size:.75rem;margin-top:.15rem}
.meaning{color:var(--muted);font-size:.8rem;margin:.1rem 0 .2rem}
article{border-top:3px solid #333;margin-top:2.5rem}
@media (max-width:480px){body{font-size:16px;padding:.25rem .7rem 2rem}h1{font-size:1.35rem}h2{font-size:1.2rem}
.why{margin-left:-.3rem;margin-right:-.3rem;padding:.45rem .55rem}th,td{padding:.2rem .3rem}}
@media print{
body{max-width:none;margin:0;padding:0;font-size:10.5pt}
nav,.hint{display:none}
details.s>summary,.chip,.tag,.badge,.sev,mark,del,ins{-webkit-print-color-adjust:exact;print-color-adjust:exact}
details.s>summary{outline:none !important}
details.s.f-error::details-content,details.s.f-warning::details-content{content-visibility:visible;display:block}
article{break-before:page;border-top:none}
.box,.why,figure,tr{break-inside:avoid}
a{color:inherit;text-decoration:none}
}
";

/// What a status is called in the legend and in a sentence's details.
fn status_label(s: SentenceStatus) -> &'static str {
    match s {
        SentenceStatus::Verified => "verified",
        SentenceStatus::Partly => "partly verified",
        SentenceStatus::NotFound => "not in the cited source",
        SentenceStatus::Unverifiable => "cited, unverifiable",
        SentenceStatus::UncitedClaim => "uncited claim",
        SentenceStatus::ExemptLead => "uncited, exempt (lead)",
        SentenceStatus::NotAClaim => "not a claim",
    }
}

/// What a status means, in a sentence's details.
fn status_meaning(s: SentenceStatus) -> &'static str {
    match s {
        SentenceStatus::Verified => "every fact checked is in a cited source's text.",
        SentenceStatus::Partly => {
            "some facts checked are in a cited source's text, some are not (or could not be checked)."
        }
        SentenceStatus::NotFound => "the facts checked are not in the cited sources' text.",
        SentenceStatus::Unverifiable => {
            "nothing could be checked: the cited works have no text in the corpus or are linked only weakly, or the sentence states nothing a text could confirm."
        }
        SentenceStatus::UncitedClaim => {
            "it states a checkable fact (a date, number, quotation, name or reported speech) and no footnote covers it."
        }
        SentenceStatus::ExemptLead => {
            "it states a checkable fact without a footnote, but it is in the lead, which the body is expected to cite ([check] lead = \"exempt\")."
        }
        SentenceStatus::NotAClaim => {
            "it states no date, number, quotation or name a source could confirm."
        }
    }
}

fn scope_label(s: CitationStatus) -> &'static str {
    match s {
        CitationStatus::Cited => "has its own footnote",
        CitationStatus::Implicit => "covered by the next footnote in its paragraph",
        CitationStatus::Uncited => "no footnote covers it",
    }
}

fn severity_index(s: Severity) -> usize {
    match s {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Note => 2,
    }
}

const SEVERITIES: [Severity; 3] = [Severity::Error, Severity::Warning, Severity::Note];

/// Rules whose findings are about what one sentence says: shown in that sentence. The
/// others are about the article (its footnotes, references, sections) and go in the
/// box at its top — and also in the sentence they point into, if any.
fn about_a_sentence(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::UncitedClaim | Rule::QuoteNotInSource | Rule::FactNotInSource | Rule::WeakSupport
    )
}

/// Counts of one article, for the summary's list.
struct ArticleRow {
    number: usize,
    id: String,
    title: String,
    href: String,
    sentences: usize,
    statuses: [usize; 7],
    severities: [usize; 3],
    /// The line of each reference entry: where a corpus-wide finding placed at an entry
    /// (a work without text, a dead link) links to.
    reference_lines: Vec<usize>,
}

impl ArticleRow {
    /// The link to the reference entry on `line`, else to the article.
    fn link_to_line(&self, line: usize) -> String {
        match self.reference_lines.iter().position(|&l| l == line) {
            Some(k) => {
                let page = self.href.split('#').next().unwrap_or("");
                format!("{page}#a{}-ref-{}", self.number, k + 1)
            }
            None => self.href.clone(),
        }
    }
}

/// The HTML report being written: renders articles one at a time and keeps only the
/// counts the summary needs.
pub struct HtmlReport<'c> {
    corpus: &'c Corpus,
    /// Manifest sources whose text is in the corpus.
    with_text: BTreeSet<String>,
    statuses: [usize; 7],
    rules: BTreeMap<(Rule, Severity), usize>,
    severities: [usize; 3],
    rows: Vec<ArticleRow>,
}

impl<'c> HtmlReport<'c> {
    pub fn new(corpus: &'c Corpus) -> Self {
        HtmlReport {
            corpus,
            with_text: corpus
                .sources
                .iter()
                .filter(|s| corpus.source_available(s))
                .map(|s| s.id.clone())
                .collect(),
            statuses: [0; 7],
            rules: BTreeMap::new(),
            severities: [0; 3],
            rows: Vec::new(),
        }
    }

    /// Render one article as an `<article>` element with ids prefixed `a{number}-`
    /// (`number` is its 1-based place in the corpus), and count it for the summary,
    /// which links to it at `href` (`#a3`, or its own page).
    pub fn article(&mut self, number: usize, checked: &CheckedArticle<'_>, href: &str) -> String {
        let a = &checked.article;
        let mut row = ArticleRow {
            number,
            id: a.id.clone(),
            title: article_title(a).to_string(),
            href: href.to_string(),
            sentences: a.sentences.len(),
            statuses: [0; 7],
            severities: [0; 3],
            reference_lines: a.references.iter().map(|r| r.line).collect(),
        };
        for &s in &checked.statuses {
            row.statuses[s as usize] += 1;
            self.statuses[s as usize] += 1;
        }
        for f in &checked.findings {
            self.count_finding(f);
            row.severities[severity_index(f.severity)] += 1;
        }
        let out = ArticleView::new(self, number, checked).render(&row);
        self.rows.push(row);
        out
    }

    fn count_finding(&mut self, f: &Finding) {
        *self.rules.entry((f.rule, f.severity)).or_default() += 1;
        self.severities[severity_index(f.severity)] += 1;
    }

    /// The summary of everything rendered so far, with the corpus-wide findings and
    /// check's own counts from `end`: a `<section>` for the top of the report or its
    /// index page.
    pub fn summary(&mut self, end: &CheckEnd) -> String {
        for f in &end.findings {
            self.count_finding(f);
        }
        let mut out = String::new();
        let sm = &end.summary;
        let sentences: usize = self.statuses.iter().sum();
        let _ = write!(
            out,
            "<section class=\"summary\" id=\"summary\"><h1>citecheck report</h1>\
             <p class=\"meta\">{} · {} · {} checkable claims · {} linked works without text</p>",
            super::count(self.rows.len(), "article", "articles"),
            super::count(sentences, "sentence", "sentences"),
            sm.claims,
            sm.unavailable_sources
        );
        out.push_str("<h2>Sentences by what check concluded</h2>");
        out.push_str(&legend(Some((&self.statuses, sentences))));
        let _ = write!(
            out,
            "<h2>Findings by rule</h2><p>{}, {}, {}</p>",
            super::count(self.severities[0], "error", "errors"),
            super::count(self.severities[1], "warning", "warnings"),
            super::count(self.severities[2], "note", "notes")
        );
        if !self.rules.is_empty() {
            out.push_str(
                "<div class=\"scroll\"><table><tr><th>rule</th><th class=\"n\">findings</th></tr>",
            );
            let mut rules: Vec<_> = self.rules.iter().collect();
            rules.sort_by(|a, b| (b.0 .1, b.1, a.0 .0.name()).cmp(&(a.0 .1, a.1, b.0 .0.name())));
            for ((rule, sev), n) in rules {
                let _ = write!(
                    out,
                    "<tr><td><span class=\"sev {sev}\">{sev}</span> <code>{}</code><div class=\"meaning\">{}</div></td><td class=\"n\">{n}</td></tr>",
                    rule.name(),
                    esc(rule.summary())
                );
            }
            out.push_str("</table></div>");
        }
        if !end.findings.is_empty() {
            let rows: HashMap<&str, &ArticleRow> =
                self.rows.iter().map(|r| (r.id.as_str(), r)).collect();
            let mut rules: BTreeMap<&str, usize> = BTreeMap::new();
            for f in &end.findings {
                *rules.entry(f.rule.name()).or_default() += 1;
            }
            let rules: Vec<String> = rules.iter().map(|(r, n)| format!("{r} ×{n}")).collect();
            let _ = write!(
                out,
                "<details class=\"box\" id=\"corpus-findings\"><summary><b>Findings about the corpus ({})</b>: {}</summary><ul>",
                end.findings.len(),
                esc(&rules.join(", "))
            );
            for f in &end.findings {
                let place = match rows.get(f.article.as_str()) {
                    Some(row) => format!(
                        " <span class=\"meta\">first cited in <a href=\"{}\">{}</a>, line {}</span>",
                        esc(&row.link_to_line(f.line)),
                        esc(&row.title),
                        f.line
                    ),
                    None => format!(
                        " <span class=\"meta\">{}:{}</span>",
                        esc(&f.file),
                        f.line
                    ),
                };
                out.push_str("<li>");
                finding_body(&mut out, f, &place);
                out.push_str("</li>");
            }
            out.push_str("</ul></details>");
        }
        out.push_str("<h2>Articles</h2><div class=\"scroll\"><table class=\"articles\"><tr><th class=\"n\">#</th><th>article and its sentences by status</th><th class=\"n\">sentences</th><th class=\"n\">findings</th></tr>");
        for r in &self.rows {
            let _ = write!(
                out,
                "<tr><td class=\"n\">{}</td><td><a href=\"{}\">{}</a><br>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                r.number,
                esc(&r.href),
                esc(&r.title),
                status_chips(&r.statuses),
                r.sentences,
                severity_counts(&r.severities)
            );
        }
        out.push_str("</table></div></section>\n");
        out
    }
}

/// A chip per status that some sentence has, with how many do.
fn status_chips(counts: &[usize; 7]) -> String {
    let mut out = String::new();
    for &s in SentenceStatus::ALL {
        let n = counts[s as usize];
        if n > 0 {
            let _ = write!(
                out,
                "<span class=\"chip {}\">{} {n}</span>",
                s.name(),
                status_label(s)
            );
        }
    }
    out
}

fn severity_counts(s: &[usize; 3]) -> String {
    let parts: Vec<String> = SEVERITIES
        .iter()
        .zip(s)
        .filter(|(_, &n)| n > 0)
        .map(|(sev, n)| format!("<span class=\"sev {sev}\">{n}</span>"))
        .collect();
    if parts.is_empty() {
        "0".into()
    } else {
        parts.join(" ")
    }
}

fn article_title(a: &Article) -> &str {
    a.title.as_deref().unwrap_or(&a.id)
}

/// The start of a report page: its head (styles inline) and the legend of colours.
pub fn page_start(title: &str) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>citecheck: {}</title><style>{STYLE}</style></head><body>\n",
        esc(title)
    );
    out
}

/// The colours and what they mean, with how many sentences have each when `counts`
/// (per status, and the total) are given.
pub fn legend(counts: Option<(&[usize; 7], usize)>) -> String {
    let mut out = String::from("<div class=\"legend\"><p>");
    for &s in SentenceStatus::ALL {
        let _ = write!(out, "<span class=\"chip {}\">{}", s.name(), status_label(s));
        if let Some((per, total)) = counts {
            let n = per[s as usize];
            let share = if total == 0 {
                0.0
            } else {
                100.0 * n as f64 / total as f64
            };
            let _ = write!(out, " <b>{n}</b> <small>({share:.0}%)</small>");
        }
        out.push_str("</span>");
    }
    out.push_str(
        "</p><details class=\"hint\"><summary>Click or tap a sentence to see why: its findings, the evidence and its footnotes. What the colours mean…</summary><dl>",
    );
    for &s in SentenceStatus::ALL {
        let _ = write!(
            out,
            "<dt><span class=\"chip {}\">{}</span></dt><dd>{}</dd>",
            s.name(),
            status_label(s),
            esc(status_meaning(s))
        );
    }
    out.push_str("</dl></details></div>\n");
    out
}

/// The end of a report page.
pub const PAGE_END: &str = "</body></html>\n";

/// A link back to the report's summary page, for a page of one article.
pub fn back_to_summary(href: &str) -> String {
    format!(
        "<nav><a href=\"{}\">← summary of the report</a></nav>\n",
        esc(href)
    )
}

/// The file name of article `number`'s page in a report directory: the number (so
/// names are unique and sort in corpus order) and the id's letters and digits.
pub fn page_file(number: usize, id: &str) -> String {
    let mut slug = String::new();
    for c in id.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            slug.push(c);
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
        if slug.len() >= 60 {
            break;
        }
    }
    let slug = slug.trim_matches('-');
    if slug.is_empty() {
        format!("{number:05}.html")
    } else {
        format!("{number:05}-{slug}.html")
    }
}

/// One self-contained page of every article: summary first, then the articles.
pub fn render(articles: &[CheckedArticle<'_>], end: &CheckEnd, corpus: &Corpus) -> String {
    let mut report = HtmlReport::new(corpus);
    let mut body = String::new();
    for (k, c) in articles.iter().enumerate() {
        let href = format!("#a{}", k + 1);
        body.push_str(&report.article(k + 1, c, &href));
    }
    let mut out = page_start(&document_title(articles.iter().map(|c| c.article)));
    out.push_str(&report.summary(end));
    out.push_str(&body);
    out.push_str(PAGE_END);
    out
}

/// The title of a report: its article's title, or how many articles it has.
pub fn document_title<'a>(mut articles: impl ExactSizeIterator<Item = &'a Article>) -> String {
    match articles.len() {
        1 => articles
            .next()
            .map(|a| article_title(a).to_string())
            .unwrap_or_default(),
        n => format!("{n} articles"),
    }
}

/// One article being rendered: where its findings go and which sentences cite which
/// references.
struct ArticleView<'r, 'c> {
    report: &'r HtmlReport<'c>,
    n: usize,
    c: &'r CheckedArticle<'r>,
    /// Per sentence: its findings (indices into `c.findings`).
    in_sentence: Vec<Vec<usize>>,
    /// Findings for the box at the top, with where in the article each points.
    boxed: Vec<(usize, Option<String>)>,
    /// Per sentence: its verification record.
    records: Vec<Option<usize>>,
    /// Per reference: the sentences it supports.
    cited_by: Vec<Vec<usize>>,
    /// Per section: whether its heading is shown (it has text, or a finding).
    shown_sections: Vec<bool>,
}

impl<'r, 'c> ArticleView<'r, 'c> {
    fn new(report: &'r HtmlReport<'c>, n: usize, c: &'r CheckedArticle<'r>) -> Self {
        let a = &c.article;
        let mut in_sentence = vec![Vec::new(); a.sentences.len()];
        let mut boxed = Vec::new();
        let mut shown_sections = vec![false; a.sections.len()];
        for p in &a.paragraphs {
            if let Some(slot) = p.section.and_then(|j| shown_sections.get_mut(j)) {
                *slot = true;
            }
        }
        let markers: HashMap<usize, usize> = a
            .markers
            .iter()
            .filter_map(|m| Some((m.offset, m.sentence?)))
            .collect();
        let file = a.path.to_string_lossy().replace('\\', "/");
        for (k, f) in c.findings.iter().enumerate() {
            // A finding's span is in the file it names: the article's, or another one
            // (corpus.lock).
            let sentence = (f.file == file)
                .then(|| sentence_at(a, &markers, f.span.start))
                .flatten();
            if let Some(i) = sentence {
                in_sentence[i].push(k);
            }
            if sentence.is_none() || !about_a_sentence(f.rule) {
                let target = match sentence {
                    // The sentence's details: following the link opens them.
                    Some(i) => Some(format!("a{n}-s{}-why", i + 1)),
                    None => a
                        .references
                        .iter()
                        .position(|r| r.line == f.line)
                        .map(|r| format!("a{n}-ref-{}", r + 1))
                        .or_else(|| {
                            let j = a
                                .sections
                                .iter()
                                .position(|s| s.line == f.line && !s.synthetic)?;
                            shown_sections[j] = true;
                            Some(format!("a{n}-h{}", j + 1))
                        }),
                };
                boxed.push((k, target));
            }
        }
        let mut records = vec![None; a.sentences.len()];
        for (k, r) in c.verification.iter().enumerate() {
            if let Some(slot) = records.get_mut(r.index) {
                *slot = Some(k);
            }
        }
        let mut cited_by = vec![Vec::new(); a.references.len()];
        for i in 0..a.sentences.len() {
            for r in a.sentence_references(i) {
                cited_by[r].push(i);
            }
        }
        ArticleView {
            report,
            n,
            c,
            in_sentence,
            boxed,
            records,
            cited_by,
            shown_sections,
        }
    }

    fn render(&self, row: &ArticleRow) -> String {
        let (a, n) = (&self.c.article, self.n);
        let mut out = String::new();
        let _ = write!(
            out,
            "<article id=\"a{n}\"><h2>{}</h2><p class=\"meta\">{} · {} · {} · {} · findings: {}</p><p class=\"counts\">",
            esc(article_title(a)),
            esc(&a.path.to_string_lossy()),
            super::count(a.sentences.len(), "sentence", "sentences"),
            super::count(a.markers.len(), "footnote marker", "footnote markers"),
            super::count(a.references.len(), "reference", "references"),
            severity_counts(&row.severities)
        );
        out.push_str(&status_chips(&row.statuses));
        out.push_str("</p>\n");
        self.article_box(&mut out);
        // Headings in order, each before its first paragraph; a heading with no text
        // is shown when a finding points at it.
        let mut next_heading = 0;
        for p in &a.paragraphs {
            if let Some(j) = p.section.filter(|&j| j >= next_heading) {
                self.headings(&mut out, next_heading..j + 1);
                next_heading = j + 1;
            }
            out.push_str("<div class=\"para\">");
            let sentences = p.first_sentence..p.first_sentence + p.sentence_count;
            for i in sentences.filter(|&i| i < a.sentences.len()) {
                self.sentence(&mut out, i);
                out.push(' ');
            }
            out.push_str("</div>\n");
        }
        self.headings(&mut out, next_heading..a.sections.len());
        self.references(&mut out);
        out.push_str("</article>\n");
        out
    }

    /// The headings of sections `range` that have text or a finding.
    fn headings(&self, out: &mut String, range: std::ops::Range<usize>) {
        let (a, n) = (&self.c.article, self.n);
        for j in range {
            let Some(s) = a.sections.get(j).filter(|_| self.shown_sections[j]) else {
                continue;
            };
            let level = (s.level + 1).clamp(3, 5);
            let _ = writeln!(
                out,
                "<h{level} id=\"a{n}-h{}\">{}</h{level}>",
                j + 1,
                esc(&s.heading)
            );
        }
    }

    fn article_box(&self, out: &mut String) {
        let n = self.n;
        if self.boxed.is_empty() {
            let _ = writeln!(
                out,
                "<section class=\"box clean\" id=\"a{n}-findings\"><h3>Article findings</h3><p>None: its footnotes, references and sections are sound.</p></section>"
            );
            return;
        }
        let _ = write!(
            out,
            "<section class=\"box\" id=\"a{n}-findings\"><h3>Article findings ({})</h3><ul>",
            self.boxed.len()
        );
        for (k, target) in &self.boxed {
            let f = &self.c.findings[*k];
            let mut place = format!(" <span class=\"meta\">line {}:{}", f.line, f.column);
            if let Some(t) = target {
                let _ = write!(place, " · <a href=\"#{t}\">show</a>");
            }
            place.push_str("</span>");
            out.push_str("<li>");
            finding_body(out, f, &place);
            out.push_str("</li>");
        }
        out.push_str("</ul></section>\n");
    }

    fn sentence(&self, out: &mut String, i: usize) {
        let (a, n) = (&self.c.article, self.n);
        let s = &a.sentences[i];
        let status = self
            .c
            .statuses
            .get(i)
            .copied()
            .unwrap_or(SentenceStatus::NotAClaim);
        let record = self.records[i].map(|k| &self.c.verification[k]);
        let findings: Vec<&Finding> = self.in_sentence[i]
            .iter()
            .map(|&k| &self.c.findings[k])
            .collect();
        let worst = findings.iter().map(|f| f.severity).max();
        let _ = write!(out, "<details class=\"s {}", status.name());
        if let Some(w) = worst {
            let _ = write!(out, " f-{w}");
        }
        let _ = write!(out, "\" id=\"a{n}-s{}\"><summary>", i + 1);
        out.push_str(&marked_sentence(&s.text, &fact_marks(record, &findings)));
        for &m in &s.markers {
            let marker = &a.markers[m];
            match marker.reference {
                Some(r) => {
                    let _ = write!(
                        out,
                        "<sup><a href=\"#a{n}-ref-{}\">[{}]</a></sup>",
                        r + 1,
                        esc(&marker.label)
                    );
                }
                None => {
                    let _ = write!(
                        out,
                        "<sup class=\"dead\" title=\"no reference entry\">[{}]</sup>",
                        esc(&marker.label)
                    );
                }
            }
        }
        if let Some(w) = worst {
            let _ = write!(
                out,
                "<span class=\"badge {w}\" aria-label=\"{}\">{}</span>",
                super::count(findings.len(), "finding", "findings"),
                findings.len()
            );
        }
        out.push_str("</summary>");
        let _ = write!(
            out,
            "<div class=\"why {}\" id=\"a{n}-s{}-why\"><p><span class=\"tag {}\">{}</span>: {} <span class=\"meta\">Line {}:{}; {}.</span></p>",
            status.name(),
            i + 1,
            status.name(),
            status_label(status),
            esc(status_meaning(status)),
            s.line,
            s.column,
            scope_label(s.status)
        );
        let mut shown: Vec<(String, usize)> = Vec::new();
        if let Some(r) = record {
            self.record(out, r, &mut shown);
        }
        if !findings.is_empty() {
            let _ = write!(
                out,
                "<h5>{}</h5>",
                super::count(findings.len(), "finding", "findings")
            );
            for f in &findings {
                out.push_str("<div class=\"f\">");
                finding_body(out, f, "");
                for e in &f.evidence {
                    if shown
                        .iter()
                        .any(|(src, line)| *src == e.source && *line == e.line)
                    {
                        continue;
                    }
                    shown.push((e.source.clone(), e.line));
                    out.push_str(&self.passage(e, "source passage", &s.text, &[]));
                }
                out.push_str("</div>");
            }
        }
        self.footnotes(out, i);
        out.push_str("</div></details>");
    }

    /// The facts checked and what was found for each, with the evidence passages.
    fn record(&self, out: &mut String, r: &SentenceVerification, shown: &mut Vec<(String, usize)>) {
        if !r.claims.is_empty() {
            out.push_str("<h5>Facts checked</h5><ul class=\"claims\">");
            for c in &r.claims {
                self.claim(out, c, r, shown);
            }
            out.push_str("</ul>");
        }
        if !r.unchecked.is_empty() {
            let _ = write!(
                out,
                "<p class=\"meta\">Not checked against: {} (no text in the corpus, or not surely linked).</p>",
                esc(&r.unchecked.join(", "))
            );
        }
    }

    fn claim(
        &self,
        out: &mut String,
        c: &ClaimRecord,
        r: &SentenceVerification,
        shown: &mut Vec<(String, usize)>,
    ) {
        let outcome = match c.outcome {
            Outcome::Found => "found",
            Outcome::NotFound => "not found",
            Outcome::Unchecked => "not checked",
        };
        let _ = write!(
            out,
            "<li class=\"claim {}\">{} “{}”: <b>{outcome}</b>",
            outcome.replace(' ', "-"),
            c.kind,
            esc(verify_inner(&c.text))
        );
        if c.outcome == Outcome::Found && !r.checked.is_empty() {
            let _ = write!(out, " in {}", esc(&r.checked.join(", ")));
        }
        for note in &c.notes {
            let _ = write!(out, " <span class=\"meta\">({})</span>", esc(note));
        }
        if !c.changes.is_empty() {
            out.push_str("<ul class=\"diff\">");
            for ch in &c.changes {
                out.push_str("<li>");
                diff_item(out, ch);
                out.push_str("</li>");
            }
            out.push_str("</ul>");
        }
        for e in &c.evidence {
            let label = match c.outcome {
                Outcome::Found => "the source says".to_string(),
                Outcome::NotFound if !c.changes.is_empty() || c.kind == "quotation" => {
                    format!("closest passage ({:.0}% similar)", e.score * 100.0)
                }
                _ => "looked for in".to_string(),
            };
            shown.push((e.source.clone(), e.line));
            out.push_str(&self.passage(e, &label, &c.text, &c.changes));
        }
        out.push_str("</li>");
    }

    /// A source passage, with the words it shares with `matched` marked and, for a
    /// near miss, the words the article changed struck through.
    fn passage(&self, e: &Evidence, label: &str, matched: &str, changes: &[Change]) -> String {
        let corpus = self.report.corpus;
        let (title, file) = match corpus.source(&e.source) {
            Some(s) => (s.title.as_str(), s.file.as_deref().unwrap_or(&e.source)),
            None => ("", e.source.as_str()),
        };
        let mut out = String::new();
        let _ = write!(
            out,
            "<figure><figcaption>{} — <b>{}</b>{}{} · {}:{}</figcaption><blockquote>{}</blockquote></figure>",
            esc(label),
            esc(&e.source),
            if title.is_empty() { "" } else { " " },
            if title.is_empty() {
                String::new()
            } else {
                format!("({})", esc(title))
            },
            esc(file),
            e.line,
            marked_passage(&e.text, matched, changes)
        );
        out
    }

    /// The footnotes covering sentence `i`: reference text, linked source, link
    /// confidence.
    fn footnotes(&self, out: &mut String, i: usize) {
        let (a, n) = (&self.c.article, self.n);
        let refs = a.sentence_references(i);
        let dead: Vec<&str> = a
            .covering_markers(i)
            .iter()
            .map(|&m| &a.markers[m])
            .filter(|m| m.reference.is_none())
            .map(|m| m.label.as_str())
            .collect();
        if refs.is_empty() && dead.is_empty() {
            return;
        }
        out.push_str("<h5>Footnotes</h5><ul class=\"fn\">");
        for r in refs {
            let reference = &a.references[r];
            let _ = write!(
                out,
                "<li><a href=\"#a{n}-ref-{}\">[{}]</a> {}<br>",
                r + 1,
                esc(&reference.label),
                esc(&reference.text)
            );
            self.link(out, reference);
            out.push_str("</li>");
        }
        for label in dead {
            let _ = write!(
                out,
                "<li class=\"dead\">[{}]: no reference entry has this label</li>",
                esc(label)
            );
        }
        out.push_str("</ul>");
    }

    /// Which source a reference links to, whether its text is in the corpus and how
    /// sure the link is.
    fn link(&self, out: &mut String, reference: &crate::model::Reference) {
        let corpus = self.report.corpus;
        let Some(link) = &reference.link else {
            out.push_str("<span class=\"nosrc\">No source in the manifest matches it: claims citing it cannot be verified.</span>");
            return;
        };
        let entry = corpus.source(&link.source);
        let title = entry.map_or("", |s| s.title.as_str());
        let has_text = self.report.with_text.contains(&link.source);
        let _ = write!(
            out,
            "<span class=\"{}\">→ <b>{}</b> ({})",
            if has_text { "src" } else { "nosrc" },
            esc(title),
            esc(&link.source)
        );
        match entry {
            Some(s) if has_text => {
                let _ = write!(
                    out,
                    ", text in the corpus: {}",
                    esc(s.file.as_deref().unwrap_or(""))
                );
            }
            _ => out.push_str(", no text in the corpus"),
        }
        if let Some(url) = entry
            .and_then(|s| s.url.as_deref())
            .filter(|u| is_web_url(u))
        {
            let _ = write!(
                out,
                " · <a href=\"{0}\" rel=\"noreferrer\">{0}</a>",
                esc(url)
            );
        }
        out.push_str("</span><br><span class=\"meta\">");
        if link.explicit {
            out.push_str("Linked by a [[link]] in corpus.toml.");
        } else if link.confident {
            let _ = write!(
                out,
                "Linked automatically (match {:.2}: {}).",
                link.score,
                esc(&link.evidence.join(", "))
            );
        } else {
            let _ = write!(
                out,
                "Weak link (match {:.2}{}{}): not used to verify.",
                link.score,
                if link.doubts.is_empty() { "" } else { "; " },
                esc(&link.doubts.join("; "))
            );
        }
        out.push_str("</span>");
    }

    fn references(&self, out: &mut String) {
        let (a, n) = (&self.c.article, self.n);
        if a.references.is_empty() {
            return;
        }
        out.push_str("<section class=\"refs\"><h3>References</h3><ol>\n");
        for (k, r) in a.references.iter().enumerate() {
            let _ = write!(
                out,
                "<li id=\"a{n}-ref-{}\" value=\"{}\"><b>[{}]</b> {}<br>",
                k + 1,
                k + 1,
                esc(&r.label),
                esc(&r.text)
            );
            self.link(out, r);
            let _ = write!(
                out,
                "<br><span class=\"meta\">uses: {} found{}</span>",
                r.found_uses,
                r.declared_uses
                    .map(|d| format!(", {d} declared"))
                    .unwrap_or_default()
            );
            if !self.cited_by[k].is_empty() {
                out.push_str(" <span class=\"back\">cited by:");
                for &i in &self.cited_by[k] {
                    let s = &a.sentences[i];
                    let _ = write!(
                        out,
                        " <a href=\"#a{n}-s{}\">{}:{}</a>",
                        i + 1,
                        s.line,
                        s.column
                    );
                }
                out.push_str("</span>");
            }
            out.push_str("</li>\n");
        }
        out.push_str("</ol></section>\n");
    }
}

/// The sentence a finding at file byte `offset` is in: the one whose footnote marker
/// starts there, else the one whose text covers it.
fn sentence_at(a: &Article, markers: &HashMap<usize, usize>, offset: usize) -> Option<usize> {
    if let Some(&i) = markers.get(&offset) {
        return Some(i);
    }
    let after = a.sentences.partition_point(|s| s.start <= offset);
    let i = after.checked_sub(1)?;
    let s = &a.sentences[i];
    (offset < s.end.max(s.start + 1)).then_some(i)
}

/// Severity, rule, message, notes and help of a finding.
/// `place` (markup) ends its first line: where the finding is.
fn finding_body(out: &mut String, f: &Finding, place: &str) {
    let _ = write!(
        out,
        "<p><span class=\"sev {}\">{}</span> <code>{}</code> {}{place}</p>",
        f.severity,
        f.severity,
        f.rule.name(),
        esc(&f.message)
    );
    if !f.notes.is_empty() {
        out.push_str("<ul>");
        for note in &f.notes {
            let _ = write!(out, "<li>{}</li>", esc(note));
        }
        out.push_str("</ul>");
    }
    if let Some(help) = &f.help {
        let _ = write!(out, "<p class=\"help\">help: {}</p>", esc(help));
    }
}

fn diff_item(out: &mut String, ch: &Change) {
    match (ch.source.is_empty(), ch.article.is_empty()) {
        (false, false) => {
            let _ = write!(
                out,
                "source says <del>{}</del>, article says <ins>{}</ins>",
                esc(&ch.source),
                esc(&ch.article)
            );
        }
        (true, _) => {
            let _ = write!(out, "article adds <ins>{}</ins>", esc(&ch.article));
        }
        (false, true) => {
            let _ = write!(
                out,
                "source says <del>{}</del>, article leaves it out",
                esc(&ch.source)
            );
        }
    }
}

/// A quotation's words without its quote marks (the list item adds its own).
fn verify_inner(text: &str) -> &str {
    crate::check::verify::quote_inner(text)
}

/// The facts to mark in a sentence's text: each checked fact by its outcome, and the
/// fact an uncited-claim finding points at.
fn fact_marks<'a>(
    record: Option<&'a SentenceVerification>,
    findings: &[&'a Finding],
) -> Vec<(&'a str, &'static str)> {
    let mut marks = Vec::new();
    if let Some(r) = record {
        for c in &r.claims {
            // A fact nothing was checked against is left plain: only what was found or
            // missed says something.
            let class = match c.outcome {
                Outcome::Found => "ok",
                Outcome::NotFound => "miss",
                Outcome::Unchecked => continue,
            };
            marks.push((c.text.as_str(), class));
        }
    }
    for f in findings.iter().filter(|f| f.rule == Rule::UncitedClaim) {
        if let Some(subject) = &f.subject {
            marks.push((subject.as_str(), "bare"));
        }
    }
    marks
}

/// A sentence's text with its facts wrapped in `<span class="fact …">`.
fn marked_sentence(text: &str, marks: &[(&str, &str)]) -> String {
    let mut ranges: Vec<(usize, usize, &str)> = Vec::new();
    for &(fact, class) in marks {
        if fact.is_empty() {
            continue;
        }
        let mut from = 0;
        while let Some(at) = text[from..].find(fact) {
            let (start, end) = (from + at, from + at + fact.len());
            if ranges.iter().all(|&(s, e, _)| end <= s || start >= e) {
                ranges.push((start, end, class));
                break;
            }
            from = end;
        }
    }
    ranges.sort();
    let mut out = String::with_capacity(text.len() + 40 * ranges.len());
    let mut at = 0;
    for (start, end, class) in ranges {
        out.push_str(&esc(&text[at..start]));
        let _ = write!(
            out,
            "<span class=\"fact {class}\">{}</span>",
            esc(&text[start..end])
        );
        at = end;
    }
    out.push_str(&esc(&text[at..]));
    out
}

/// Passages longer than this (in bytes) are cut to a window around their marked words.
const MAX_PASSAGE: usize = 700;

/// A source passage with the content words it shares with `matched` in `<mark>` and the
/// source words of `changes` in `<del>`, cut around them when it is long.
fn marked_passage(text: &str, matched: &str, changes: &[Change]) -> String {
    let wanted: BTreeSet<String> = canonical(matched)
        .into_iter()
        .map(|w| w.text)
        .filter(|w| !STOPWORDS.contains(&w.as_str()))
        .collect();
    let changed: BTreeSet<String> = changes
        .iter()
        .flat_map(|c| canonical(&c.source))
        .map(|w| w.text)
        .collect();
    let marks: Vec<(usize, usize, &str)> = canonical(text)
        .into_iter()
        .filter_map(|w| {
            let tag = if changed.contains(&w.text) {
                "del"
            } else if wanted.contains(&w.text) {
                "mark"
            } else {
                return None;
            };
            Some((w.start, w.end, tag))
        })
        .collect();
    let (from, to) = window(text, marks.first().map_or(0, |m| m.0));
    let mut out = String::new();
    if from > 0 {
        out.push_str("… ");
    }
    let mut at = from;
    for &(start, end, tag) in marks.iter().filter(|m| m.0 >= from && m.1 <= to) {
        if start < at {
            continue;
        }
        out.push_str(&esc(&text[at..start]));
        let _ = write!(out, "<{tag}>{}</{tag}>", esc(&text[start..end]));
        at = end;
    }
    out.push_str(&esc(&text[at..to]));
    if to < text.len() {
        out.push_str(" …");
    }
    out
}

/// The byte range of a passage to show: all of it when short, else [`MAX_PASSAGE`]
/// bytes starting a little before `focus`, on character and word boundaries.
fn window(text: &str, focus: usize) -> (usize, usize) {
    if text.len() <= MAX_PASSAGE {
        return (0, text.len());
    }
    let floor = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let mut from = floor(focus.saturating_sub(MAX_PASSAGE / 4));
    if from > 0 {
        from = text[..from].rfind(' ').map_or(from, |s| s + 1);
    }
    let mut to = floor(from + MAX_PASSAGE);
    if to < text.len() {
        to = text[from..to].rfind(' ').map_or(to, |s| from + s);
    }
    (from, to)
}

fn is_web_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_and_both_quotes() {
        assert_eq!(
            esc(r#"<script>alert("x") & 'y'</script>"#),
            "&lt;script&gt;alert(&quot;x&quot;) &amp; &#39;y&#39;&lt;/script&gt;"
        );
    }

    #[test]
    fn facts_are_marked_and_the_rest_escaped() {
        let html = marked_sentence(
            "On 3 May 1889 <b> & 3 May.",
            &[("3 May 1889", "miss"), ("absent", "ok")],
        );
        assert_eq!(
            html,
            "On <span class=\"fact miss\">3 May 1889</span> &lt;b&gt; &amp; 3 May."
        );
    }

    #[test]
    fn passages_mark_shared_words_and_strike_changed_ones() {
        let changes = [Change {
            source: "vessels".into(),
            article: "ships".into(),
        }];
        let html = marked_passage(
            "keep the harbour open to the vessels of <either> party",
            "\"keep the harbour open to the ships of either party\"",
            &changes,
        );
        assert_eq!(
            html,
            "<mark>keep</mark> the <mark>harbour</mark> <mark>open</mark> to the <del>vessels</del> of &lt;<mark>either</mark>&gt; <mark>party</mark>"
        );
        // Numbers match however they are written.
        assert!(
            marked_passage("fixed at twelve shillings", "12", &[]).contains("<mark>twelve</mark>")
        );
    }

    #[test]
    fn long_passages_are_cut_around_the_match_on_char_boundaries() {
        let text = format!("{} needle {}", "é ".repeat(500), "ü ".repeat(500));
        let html = marked_passage(&text, "needle", &[]);
        assert!(html.starts_with("… ") && html.ends_with(" …"), "{html}");
        assert!(html.contains("<mark>needle</mark>"));
        assert!(html.len() < MAX_PASSAGE + 100);
    }

    #[test]
    fn page_files_are_numbered_and_safe() {
        assert_eq!(page_file(3, "Foo (bar)/../x"), "00003-Foo-bar-x.html");
        assert_eq!(page_file(12, "中立条約"), "00012.html");
        assert_eq!(page_file(1, "a\"<b>"), "00001-a-b.html");
    }

    #[test]
    fn only_web_urls_become_links() {
        assert!(is_web_url("HTTPS://avalon.law.yale.edu/x"));
        assert!(!is_web_url("javascript:alert(1)"));
        assert!(!is_web_url("file:///etc/passwd"));
    }
}
