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
