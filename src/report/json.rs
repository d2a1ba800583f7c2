//! `check --format json`: SPEC's shape (`version`, `findings[]` with rule, severity,
//! file, line, column, message, footnote, source, sentence; `summary`) plus `article`,
//! `end_column`, `subject` (what the finding is about, part of its key), `help` and
//! `notes`. A saved copy is a baseline (`--baseline FILE`).

use serde_json::{json, Value};

use crate::check::{CheckReport, Finding, SentenceVerification, Summary};

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
    json!({
                "rule": f.rule,
                "severity": f.severity,
                "file": f.file,
                "line": f.line,
                "column": f.column,
                "end_column": f.column + f.width,
                "message": f.message,
                "footnote": f.footnote,
                "source": f.source,
                "sentence": f.sentence,
                "article": f.article,
                "subject": f.subject,
                "help": f.help,
                "notes": f.notes,
                "evidence": f.evidence,
    })
}

/// [`render`]'s document written piece by piece, byte for byte the same as
/// `serde_json::to_string_pretty(&render(report))` plus a newline: findings are written
/// as they are made and never held together.
#[derive(Debug, Default)]
pub struct Streamed {
    findings: usize,
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
        let pretty = serde_json::to_string_pretty(&finding(f)).unwrap_or_default();
        for (i, line) in pretty.lines().enumerate() {
            if i > 0 {
                s.push('\n');
            }
            s.push_str("    ");
            s.push_str(line);
        }
        s
    }

    /// The text that closes the document: the summary and the per-sentence
    /// verification records.
    pub fn end(&self, summary: &Summary, verification: &[SentenceVerification]) -> String {
        let mut s = String::from(if self.findings == 0 {
            "{\n  \"findings\": [],\n"
        } else {
            "\n  ],\n"
        });
        // Through a `Value`, as in `render`: its keys come out sorted.
        let summary = serde_json::to_value(summary)
            .and_then(|v| serde_json::to_string_pretty(&v))
            .unwrap_or_default();
        s.push_str("  \"summary\": ");
        for (i, line) in summary.lines().enumerate() {
            if i > 0 {
                s.push_str("\n  ");
            }
            s.push_str(line);
        }
        let records = serde_json::to_value(verification)
            .and_then(|v| serde_json::to_string_pretty(&v))
            .unwrap_or_default();
        s.push_str(",\n  \"verification\": ");
        for (i, line) in records.lines().enumerate() {
            if i > 0 {
                s.push_str("\n  ");
            }
            s.push_str(line);
        }
        s.push_str(&format!(",\n  \"version\": {}\n}}\n", super::JSON_VERSION));
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

    use serde_json::{json, Value};

    use crate::check::{Finding, SentenceVerification, Summary};
    use crate::rule::Rule;

    /// A `finding` record, with its newline.
    pub fn finding(f: &Finding) -> String {
        let mut v = super::finding(f);
        v["type"] = json!("finding");
        line(&v)
    }

    /// A `verification` record, with its newline.
    pub fn verification(r: &SentenceVerification) -> String {
        let mut v = serde_json::to_value(r).unwrap_or_else(|_| json!({}));
        v["type"] = json!("verification");
        line(&v)
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

    fn line(v: &Value) -> String {
        let mut s = serde_json::to_string(v).unwrap_or_default();
        s.push('\n');
        s
    }
}
