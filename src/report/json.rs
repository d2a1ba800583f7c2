//! `check --format json`: SPEC's shape (`version`, `findings[]` with rule, severity,
//! file, line, column, message, footnote, source, sentence; `summary`) plus `article`,
//! `end_column`, `subject` (what the finding is about, part of its key), `help` and
//! `notes`. A saved copy is a baseline (`--baseline FILE`).

use serde::Serialize;
use serde_json::{json, Value};

use crate::check::verify::{Evidence, Outcome};
use crate::check::{
    CheckReport, ClaimRecord, Finding, SentenceVerification, Summary, VerificationResult,
};
use crate::rule::{Rule, Severity};

pub fn render(report: &CheckReport) -> Value {
    let findings: Vec<Value> = report.findings.iter().map(finding).collect();
    json!({
        "version": super::JSON_VERSION,
        "findings": findings,
        "summary": report.summary,
        "verification": report.verification,
    })
}

/// One finding's JSON object.
pub fn finding(f: &Finding) -> Value {
    serde_json::to_value(FindingRecord::of(f, None)).unwrap_or_else(|_| json!({}))
}

// The records below are what the outputs write, serialised straight to text: building a
// `serde_json::Value` per finding and per verification record was a sixth of `check`'s
// time. A `Value`'s keys come out sorted (no `preserve_order`), and the documents keep
// that order: every record declares its fields in alphabetical order, nested ones too.

/// A finding as JSON (`type` only in JSON Lines).
#[derive(Serialize)]
struct FindingRecord<'a> {
    article: &'a str,
    column: usize,
    end_column: usize,
    evidence: Vec<EvidenceRecord<'a>>,
    file: &'a str,
    footnote: &'a Option<String>,
    help: &'a Option<String>,
    line: usize,
    message: &'a str,
    notes: &'a [String],
    rule: Rule,
    sentence: &'a Option<String>,
    severity: Severity,
    source: &'a Option<String>,
    subject: &'a Option<String>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
}

impl<'a> FindingRecord<'a> {
    fn of(f: &'a Finding, kind: Option<&'static str>) -> Self {
        FindingRecord {
            article: &f.article,
            column: f.column,
            end_column: f.column + f.width,
            evidence: f.evidence.iter().map(EvidenceRecord::of).collect(),
            file: &f.file,
            footnote: &f.footnote,
            help: &f.help,
            line: f.line,
            message: &f.message,
            notes: &f.notes,
            rule: f.rule,
            sentence: &f.sentence,
            severity: f.severity,
            source: &f.source,
            subject: &f.subject,
            kind,
        }
    }
}

/// [`Evidence`] with its keys in order.
#[derive(Serialize)]
struct EvidenceRecord<'a> {
    line: usize,
    score: f64,
    source: &'a str,
    text: &'a str,
}

impl<'a> EvidenceRecord<'a> {
    fn of(e: &'a Evidence) -> Self {
        EvidenceRecord {
            line: e.line,
            score: e.score,
            source: &e.source,
            text: &e.text,
        }
    }
}

/// A [`SentenceVerification`] as JSON (`type` only in JSON Lines).
#[derive(Serialize)]
struct VerificationRecord<'a> {
    article: &'a str,
    checked: &'a [String],
    claims: Vec<ClaimJson<'a>>,
    file: &'a str,
    line: usize,
    result: VerificationResult,
    sentence: &'a str,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
    unchecked: &'a [String],
}

impl<'a> VerificationRecord<'a> {
    fn of(r: &'a SentenceVerification, kind: Option<&'static str>) -> Self {
        VerificationRecord {
            article: &r.article,
            checked: &r.checked,
            claims: r.claims.iter().map(ClaimJson::of).collect(),
            file: &r.file,
            line: r.line,
            result: r.result,
            sentence: &r.sentence,
            kind,
            unchecked: &r.unchecked,
        }
    }
}

/// A [`ClaimRecord`] with its keys in order.
#[derive(Serialize)]
struct ClaimJson<'a> {
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    diff: &'a [String],
    evidence: Vec<EvidenceRecord<'a>>,
    kind: &'static str,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    notes: &'a [String],
    outcome: Outcome,
    text: &'a str,
}

impl<'a> ClaimJson<'a> {
    fn of(c: &'a ClaimRecord) -> Self {
        ClaimJson {
            diff: &c.diff,
            evidence: c.evidence.iter().map(EvidenceRecord::of).collect(),
            kind: c.kind,
            notes: &c.notes,
            outcome: c.outcome,
            text: &c.text,
        }
    }
}

/// `value` as pretty JSON with every line after the first indented by `indent`: how a
/// piece nested in the document prints.
fn pretty_nested(value: &impl Serialize, indent: &str, out: &mut String) {
    let pretty = serde_json::to_string_pretty(value).unwrap_or_default();
    for (i, line) in pretty.lines().enumerate() {
        if i > 0 {
            out.push('\n');
            out.push_str(indent);
        }
        out.push_str(line);
    }
}

/// [`render`]'s document written piece by piece, byte for byte the same as
/// `serde_json::to_string_pretty(&render(report))` plus a newline: findings are written
/// as they are made and never held together.
#[derive(Debug, Default)]
pub struct Streamed {
    findings: usize,
    records: usize,
}

impl Streamed {
    /// The text to write for the next finding.
    pub fn finding(&mut self, f: &Finding) -> String {
        let mut s = String::from(if self.findings == 0 {
            "{\n  \"findings\": [\n"
        } else {
            ",\n"
        });
        self.findings += 1;
        s.push_str("    ");
        pretty_nested(&FindingRecord::of(f, None), "    ", &mut s);
        s
    }

    /// The text to write for the next verification record: an element of the
    /// document's `verification` array, which comes after the summary. A caller that
    /// cannot hold every record until the end keeps these texts (a temporary file) and
    /// writes them between [`Streamed::end_head`] and [`Streamed::end_tail`].
    pub fn verification(&mut self, r: &SentenceVerification) -> String {
        let mut s = String::from(if self.records == 0 { "\n" } else { ",\n" });
        self.records += 1;
        s.push_str("    ");
        pretty_nested(&VerificationRecord::of(r, None), "    ", &mut s);
        s
    }

    /// The text that closes the findings and gives the summary, up to the verification
    /// records.
    pub fn end_head(&self, summary: &Summary) -> String {
        let mut s = String::from(if self.findings == 0 {
            "{\n  \"findings\": [],\n"
        } else {
            "\n  ],\n"
        });
        // Through a `Value`, as in `render`: its keys come out sorted (once per run).
        let summary = serde_json::to_value(summary).unwrap_or_default();
        s.push_str("  \"summary\": ");
        pretty_nested(&summary, "  ", &mut s);
        s.push_str(",\n  \"verification\": [");
        s
    }

    /// The text after the last verification record: the end of the document.
    pub fn end_tail(&self) -> String {
        let close = if self.records == 0 { "]" } else { "\n  ]" };
        format!("{close},\n  \"version\": {}\n}}\n", super::JSON_VERSION)
    }

    /// The text that closes the document: the summary and the per-sentence
    /// verification records (the ones not given to [`Streamed::verification`]).
    pub fn end(&mut self, summary: &Summary, verification: &[SentenceVerification]) -> String {
        let records: String = verification.iter().map(|r| self.verification(r)).collect();
        let mut s = self.end_head(summary);
        s.push_str(&records);
        s.push_str(&self.end_tail());
        s
    }
}

/// `check --format jsonl`: JSON Lines, one record per line, each with a `type`.
/// `finding` records (the keys of [`finding`]) as findings are made; after each
/// article's findings its `verification` records (one per cited sentence with checkable
/// facts, the keys of the JSON document's `verification` entries), then an `article`
/// record; corpus-wide findings (a work without text,
/// placed where it is first cited) after the last article; then one `summary` record
/// with the run's totals and `version`. Nothing is held between records.
pub mod lines {
    use std::collections::BTreeMap;

    use serde_json::json;

    use crate::check::{Finding, SentenceVerification, Summary};
    use crate::rule::Rule;

    /// A `finding` record, with its newline.
    pub fn finding(f: &Finding) -> String {
        line(&super::FindingRecord::of(f, Some("finding")))
    }

    /// A `verification` record, with its newline.
    pub fn verification(r: &SentenceVerification) -> String {
        line(&super::VerificationRecord::of(r, Some("verification")))
    }

    /// An `article` record: the article's id and file, how many findings it had (and
    /// how many of them were written, after filters and `--max-findings`), and its
    /// sentence and claim counts.
    pub fn article(id: &str, file: &str, findings: usize, shown: usize, s: &Summary) -> String {
        line(&json!({
            "type": "article",
            "article": id,
            "file": file,
            "findings": findings,
            "shown": shown,
            "sentences": s.sentences,
            "claims": s.claims,
            "cited": s.cited,
            "implicit": s.implicit,
            "uncited": s.uncited,
            "verified": s.verified,
            "partly": s.partly,
            "not_found": s.not_found,
            "unsupported": s.unsupported,
            "unverifiable": s.unverifiable,
        }))
    }

    /// An `error` record: an input record that could not be checked (batch mode).
    pub fn error(id: Option<&str>, line_number: usize, message: &str) -> String {
        line(&json!({
            "type": "error",
            "article": id,
            "line": line_number,
            "message": message,
        }))
    }

    /// The closing `summary` record: the run's [`Summary`] keys, findings by rule,
    /// and how many findings filters and `--max-findings` left out.
    pub fn summary(s: &Summary, by_rule: &BTreeMap<Rule, usize>, omitted: usize) -> String {
        let mut v = serde_json::to_value(s).unwrap_or_else(|_| json!({}));
        v["type"] = json!("summary");
        v["by_rule"] = by_rule
            .iter()
            .map(|(r, n)| (r.name().to_string(), json!(n)))
            .collect::<serde_json::Map<_, _>>()
            .into();
        v["omitted"] = json!(omitted);
        v["version"] = json!(super::super::JSON_VERSION);
        line(&v)
    }

    fn line(v: &impl serde::Serialize) -> String {
        let mut s = serde_json::to_string(v).unwrap_or_default();
        s.push('\n');
        s
    }
}
