//! `check --format sarif`: SARIF 2.1.0 as code-scanning tools (GitHub code scanning,
//! VS Code's SARIF viewer) read it: every rule in `tool.driver.rules`, each finding a
//! result with `ruleId`, `level`, a message and a physical location, plus a
//! `partialFingerprints` entry that hashes the finding's key (the one baselines use,
//! never the message), so an alert survives lines moving and messages being reworded.
//! Written with serde_json: the shape is small and fixed, not worth a crate.

use std::path::Path;

use serde_json::{json, Value};

use crate::check::CheckReport;
use crate::rule::{Rule, Severity};

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The `partialFingerprints` key. v1 hashed the message; v2 hashes the finding key, so
/// code scanning sees the change of scheme instead of v1 values that no longer match.
pub const FINGERPRINT: &str = "citecheck/v2";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

pub fn render(report: &CheckReport) -> Value {
    let rules: Vec<Value> = Rule::ALL
        .iter()
        .map(|r| {
            json!({
                "id": r.name(),
                "name": r.name(),
                "shortDescription": {"text": r.summary()},
                "fullDescription": {"text": r.explanation()},
                "help": {"text": format!("{}\n\nRun `citecheck check --explain {r}` for more.", r.explanation())},
                "defaultConfiguration": {"level": level(r.default_severity())},
            })
        })
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let mut text = f.message.clone();
            for n in &f.notes {
                text.push_str("\nnote: ");
                text.push_str(n);
            }
            if let Some(h) = &f.help {
                text.push_str("\nhelp: ");
                text.push_str(h);
            }
            let mut region = json!({
                "startLine": f.line,
                "startColumn": f.column,
                "endColumn": f.column + f.width,
            });
            if let Some(snippet) = &f.snippet {
                region["snippet"] = json!({"text": snippet});
            }
            let fingerprint = f.key().fingerprint();
            let mut result = json!({
                "ruleId": f.rule,
                "level": level(f.severity),
                "message": {"text": text},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(&f.file)},
                        "region": region,
                    }
                }],
                "partialFingerprints": {FINGERPRINT: fingerprint},
                "properties": {
                    "article": f.article,
                    "footnote": f.footnote,
                    "source": f.source,
                    "sentence": f.sentence,
                    "subject": f.subject,
                },
            });
            if let Some(i) = Rule::ALL.iter().position(|&r| r == f.rule) {
                result["ruleIndex"] = json!(i);
            }
            result
        })
        .collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "citecheck",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

/// A repository-relative URI when the file is under the working directory (what code
/// scanning matches against the checkout), otherwise a `file://` URI.
fn uri(file: &str) -> String {
    let path = Path::new(file);
    let rel = if path.is_absolute() {
        std::env::current_dir()
            .ok()
            .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
    } else {
        Some(path.to_path_buf())
    };
    match rel {
        Some(r) => {
            let s = r.to_string_lossy().replace('\\', "/");
            s.strip_prefix("./").unwrap_or(&s).replace(' ', "%20")
        }
        None => format!("file://{}", file.replace(' ', "%20")),
    }
}
