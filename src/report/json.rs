//! `check --format json`: SPEC's shape (`version`, `findings[]` with rule, severity,
//! file, line, column, message, footnote, source, sentence; `summary`) plus `article`,
//! `end_column`, `subject` (what the finding is about, part of its key), `help` and
//! `notes`. A saved copy is a baseline (`--baseline FILE`).

use serde_json::{json, Value};

use crate::check::CheckReport;

pub fn render(report: &CheckReport) -> Value {
    let findings: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
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
            })
        })
        .collect();
    json!({
        "version": super::JSON_VERSION,
        "findings": findings,
        "summary": report.summary,
    })
}
