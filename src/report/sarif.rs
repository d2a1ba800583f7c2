//! `check --format sarif`: SARIF 2.1.0 as code-scanning tools (GitHub code scanning,
//! VS Code's SARIF viewer) read it: every rule in `tool.driver.rules`, each finding a
//! result with `ruleId`, `level`, a message and a physical location, plus a
//! `partialFingerprints` entry that hashes the finding's key (the one baselines use,
//! never the message), so an alert survives lines moving and messages being reworded.
//! Written with serde_json: the shape is small and fixed, not worth a crate.

use std::path::{Component, Path};

use serde_json::{json, Value};

use crate::check::{CheckReport, Finding, FindingKey};
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

/// What a SARIF log says beyond its results.
#[derive(Debug, Default)]
pub struct Options<'a> {
    /// URIs are relative to this directory (`uriBaseId: "ROOT"`, with `ROOT` in
    /// `originalUriBaseIds`); files outside it get absolute `file:` URIs. `None`: the
    /// current directory, without a base id.
    pub root: Option<&'a Path>,
    /// Findings left out (GitHub's cap of 25,000 results per run, `--max-findings`): said
    /// in a notification of the run's invocation.
    pub omitted: usize,
    /// Baseline entries that match no finding any more: results with
    /// `baselineState: "absent"`.
    pub baseline_absent: &'a [FindingKey],
}

/// A SARIF log of a report's findings (URIs relative to the current directory).
pub fn render(report: &CheckReport) -> Value {
    render_with(&report.findings, &Options::default())
}

/// Where each rule's documentation lives, when the package names its repository.
fn help_uri(rule: Rule) -> Option<String> {
    let repo = option_env!("CARGO_PKG_REPOSITORY").filter(|r| !r.is_empty())?;
    Some(format!(
        "{}/blob/main/docs/rules.md#{}",
        repo.trim_end_matches('/'),
        rule.name()
    ))
}

/// A SARIF log of `findings` as [`Options`] say. With a baseline in use (some finding
/// [`Finding::baselined`] or some entry absent), every result carries `baselineState`:
/// `new`, `unchanged` (matched by the baseline) or `absent`.
pub fn render_with(findings: &[Finding], o: &Options) -> Value {
    let rules: Vec<Value> = Rule::ALL
        .iter()
        .map(|r| {
            let mut rule = json!({
                "id": r.name(),
                "name": r.name(),
                "shortDescription": {"text": r.summary()},
                "fullDescription": {"text": r.explanation()},
                "help": {
                    "text": format!("{}\n\nRun `citecheck check --explain {r}` for more.", r.explanation()),
                    "markdown": format!("**{r}**: {}.\n\n{}\n\nRun `citecheck check --explain {r}` for more; set its severity in `corpus.toml` under `[check]` (`{r} = \"error\" | \"warning\" | \"note\" | \"off\"`).", r.summary(), r.explanation()),
                },
                "defaultConfiguration": {"level": level(r.default_severity())},
            });
            if let Some(uri) = help_uri(*r) {
                rule["helpUri"] = json!(uri);
            }
            rule
        })
        .collect();
    let with_baseline = !o.baseline_absent.is_empty() || findings.iter().any(|f| f.baselined);
    let cwd = std::env::current_dir().unwrap_or_default();
    let root = o.root.map(super::absolute);
    let mut results: Vec<Value> = findings
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
                        "artifactLocation": artifact_location(Path::new(&f.file), &cwd, root.as_deref()),
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
            if with_baseline {
                result["baselineState"] = json!(if f.baselined { "unchanged" } else { "new" });
            }
            result
        })
        .collect();
    for key in o.baseline_absent {
        let what = key
            .subject
            .as_deref()
            .or(key.sentence.as_deref())
            .unwrap_or("");
        let mut result = json!({
            "ruleId": key.rule,
            "level": "none",
            "message": {"text": format!("no longer occurs in article `{}`: {what}", key.article)},
            "partialFingerprints": {FINGERPRINT: key.fingerprint()},
            "baselineState": "absent",
            "properties": {"article": key.article, "footnote": key.footnote},
        });
        if let Some(i) = Rule::ALL.iter().position(|&r| r == key.rule) {
            result["ruleIndex"] = json!(i);
        }
        results.push(result);
    }
    let mut run = json!({
        "tool": {"driver": {
            "name": "citecheck",
            "version": env!("CARGO_PKG_VERSION"),
            "informationUri": option_env!("CARGO_PKG_REPOSITORY").filter(|r| !r.is_empty()),
            "rules": rules,
        }},
        "columnKind": "unicodeCodePoints",
        "results": results,
    });
    if run["tool"]["driver"]["informationUri"].is_null() {
        if let Some(d) = run["tool"]["driver"].as_object_mut() {
            d.remove("informationUri");
        }
    }
    if let Some(root) = &root {
        run["originalUriBaseIds"] = json!({ROOT_BASE_ID: {"uri": file_uri(root, true)}});
    }
    if o.omitted > 0 {
        run["invocations"] = json!([{
            "executionSuccessful": true,
            "toolExecutionNotifications": [{
                "level": "warning",
                "message": {"text": format!(
                    "{} findings were left out of this log (at most {} results, the most severe first); \
                     `citecheck check --format json` lists them all",
                    o.omitted, findings.len()
                )},
            }],
        }]);
    }
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [run],
    })
}

/// The base id relative URIs are resolved against.
pub const ROOT_BASE_ID: &str = "ROOT";

/// An `artifactLocation`: relative to `root` (with `uriBaseId`) when the file is under
/// it; else relative to the current directory without a root, else an absolute `file:`
/// URI.
fn artifact_location(file: &Path, cwd: &Path, root: Option<&Path>) -> Value {
    let abs = super::absolute(&cwd.join(file));
    match root {
        Some(root) => match abs.strip_prefix(root) {
            Ok(rel) => json!({"uri": relative_uri(rel), "uriBaseId": ROOT_BASE_ID}),
            Err(_) => json!({"uri": file_uri(&abs, false)}),
        },
        None => match abs.strip_prefix(super::absolute(cwd)) {
            Ok(rel) => json!({"uri": relative_uri(rel)}),
            Err(_) => json!({"uri": file_uri(&abs, false)}),
        },
    }
}

/// A relative-path reference (RFC 3986 §4.2): each segment percent-encoded.
fn relative_uri(rel: &Path) -> String {
    let segments: Vec<String> = rel
        .components()
        .map(|c| encode_segment(&c.as_os_str().to_string_lossy()))
        .collect();
    segments.join("/")
}

/// `file:///…` for an absolute path (with a trailing `/` for a directory base).
fn file_uri(abs: &Path, dir: bool) -> String {
    let mut s = String::from("file://");
    for c in abs.components() {
        match c {
            Component::RootDir => {}
            Component::Prefix(p) => {
                s.push('/');
                s.push_str(&p.as_os_str().to_string_lossy().replace('\\', ""));
            }
            other => {
                s.push('/');
                s.push_str(&encode_segment(&other.as_os_str().to_string_lossy()));
            }
        }
    }
    if dir || s == "file://" {
        s.push('/');
    }
    s
}

/// Percent-encode a path segment: everything but RFC 3986 `pchar` minus `:` (which
/// would read as a scheme in a first segment), as UTF-8 bytes.
pub fn encode_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for &b in segment.as_bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b'@'
            );
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_percent_encoded_as_rfc_3986_says() {
        assert_eq!(encode_segment("my dir"), "my%20dir");
        assert_eq!(encode_segment("50%_pact.txt"), "50%25_pact.txt");
        assert_eq!(encode_segment("a#b?c"), "a%23b%3Fc");
        assert_eq!(encode_segment("中立.txt"), "%E4%B8%AD%E7%AB%8B.txt");
        assert_eq!(
            relative_uri(Path::new("my dir/50%_pact #1/é.txt")),
            "my%20dir/50%25_pact%20%231/%C3%A9.txt"
        );
        assert_eq!(file_uri(Path::new("/tmp/a b"), true), "file:///tmp/a%20b/");
    }
}
