//! The options of `citecheck check`: one struct for the command line and for `[check]`
//! in corpus.toml (as lychee has one `Config` for its flags and its TOML file). The
//! command line parses it with clap (the `cli` feature), the manifest fills it from
//! `[check]`, and [`CheckOptions::merged_over`] makes the options a run uses: a flag
//! given on the command line wins, a key of `[check]` fills in what it left out, and
//! the documented default applies to the rest.
//!
//! ```toml
//! [check]
//! format = "sarif"            # text | json | jsonl | sarif | github | markdown
//! output = "citecheck.sarif"  # paths are relative to the corpus directory
//! deny = "warnings"
//! baseline = "citecheck-baseline.json"
//! rule = ["uncited-claim", "quote-not-in-source"]
//! severity = "warning"
//! max-findings = 500
//! ```

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::rule::Severity;

/// `--format`: how `check` writes its report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum ReportFormat {
    /// Findings for people, rustc-style.
    #[default]
    Text,
    /// One JSON document (stable, documented shape; also a baseline file).
    Json,
    /// JSON Lines, streamed: one finding per line, then a summary per article and one
    /// for the run.
    Jsonl,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitHub Actions workflow commands: annotations on a pull request.
    Github,
    /// A pull-request comment: a summary table by rule and severity, then the findings
    /// grouped by article.
    Markdown,
}

/// `--deny`: which findings besides errors fail the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum DenyLevel {
    /// Warnings and errors fail.
    Warnings,
    /// Every finding fails.
    Notes,
}

impl DenyLevel {
    /// The least severe level that fails a run.
    pub fn severity(self) -> Severity {
        match self {
            DenyLevel::Warnings => Severity::Warning,
            DenyLevel::Notes => Severity::Note,
        }
    }
}

/// `--severity`: a level findings must reach to be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum SeverityLevel {
    /// Every finding.
    Note,
    /// Warnings and errors.
    Warning,
    /// Errors only.
    Error,
}

impl From<SeverityLevel> for Severity {
    fn from(l: SeverityLevel) -> Self {
        match l {
            SeverityLevel::Note => Severity::Note,
            SeverityLevel::Warning => Severity::Warning,
            SeverityLevel::Error => Severity::Error,
        }
    }
}

/// The settable options of `check`. On the command line each is a flag (its doc comment
/// is its `--help`); in `[check]` each is a key of the same name (`max-findings`,
/// `rule = [..]`, `locked = true`). `None` / empty: not given here.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
#[serde(rename_all = "kebab-case")]
pub struct CheckOptions {
    /// Output format (default `text`; the shapes are in docs/json.md).
    /// `[check] format = "…"`.
    #[cfg_attr(feature = "cli", arg(long, value_enum, value_name = "FORMAT"))]
    pub format: Option<ReportFormat>,
    /// Write the report to FILE instead of stdout (atomically: a failed run leaves
    /// no half-written file, and an existing FILE is replaced only at the end).
    /// `[check] output = "…"`, relative to the corpus directory.
    #[cfg_attr(feature = "cli", arg(long, short, value_name = "FILE"))]
    pub output: Option<PathBuf>,
    /// Show only findings of this rule (repeatable). `[check] rule = ["…", …]`.
    #[cfg_attr(feature = "cli", arg(long = "rule", value_name = "RULE"))]
    pub rule: Vec<String>,
    /// Show only findings of this severity and above. `[check] severity = "…"`.
    #[cfg_attr(feature = "cli", arg(long, value_enum, value_name = "LEVEL"))]
    pub severity: Option<SeverityLevel>,
    /// Show at most N findings; the rest are counted ("… and N more").
    /// `[check] max-findings = N`.
    #[cfg_attr(feature = "cli", arg(long, value_name = "N"))]
    pub max_findings: Option<usize>,
    /// SARIF URIs are relative to this directory (`uriBaseId` ROOT). Default: the
    /// git work tree holding the current directory, else the current directory.
    /// `[check] root = "…"`, relative to the corpus directory.
    #[cfg_attr(feature = "cli", arg(long, value_name = "DIR"))]
    pub root: Option<PathBuf>,
    /// Also fail (exit 1) on findings of this severity and above.
    /// `[check] deny = "warnings" | "notes"`.
    #[cfg_attr(feature = "cli", arg(long, value_enum, value_name = "LEVEL"))]
    pub deny: Option<DenyLevel>,
    /// Findings listed in this file (written by `check --format json`) no longer
    /// count; matched by rule, article and sentence text, not by line.
    /// `[check] baseline = "…"`, relative to the corpus directory.
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub baseline: Option<PathBuf>,
    /// For CI: exit 2, naming each, when a text pinned in corpus.lock is missing or
    /// no longer has its pinned SHA-256 (see `citecheck fetch`). `[check] locked = true`.
    #[cfg_attr(feature = "cli", arg(long))]
    pub locked: bool,
    /// Also write GitHub annotations (workflow commands, as `--format github` does, at
    /// most 10 per level and a notice of the rest) to stdout while the report goes to
    /// --output: one run gives the SARIF log for code scanning and the annotations on a
    /// pull request's diff. `[check] annotate = true`.
    #[cfg_attr(feature = "cli", arg(long))]
    pub annotate: bool,
}

/// The keys of `[check]` that set a [`CheckOptions`] field, as written in corpus.toml.
pub const OPTION_KEYS: &[&str] = &[
    "format",
    "output",
    "rule",
    "severity",
    "max-findings",
    "root",
    "deny",
    "baseline",
    "locked",
    "annotate",
];

impl CheckOptions {
    /// The options a run uses: these (the command line's) where given, else `file`'s
    /// (`[check]` of corpus.toml), whose paths are relative to `corpus_root`.
    pub fn merged_over(&self, file: &CheckOptions, corpus_root: &Path) -> CheckOptions {
        let from_file = |p: &Option<PathBuf>| p.as_ref().map(|p| corpus_root.join(p));
        CheckOptions {
            format: self.format.or(file.format),
            output: self.output.clone().or_else(|| from_file(&file.output)),
            rule: if self.rule.is_empty() {
                file.rule.clone()
            } else {
                self.rule.clone()
            },
            severity: self.severity.or(file.severity),
            max_findings: self.max_findings.or(file.max_findings),
            root: self.root.clone().or_else(|| from_file(&file.root)),
            deny: self.deny.or(file.deny),
            baseline: self.baseline.clone().or_else(|| from_file(&file.baseline)),
            locked: self.locked || file.locked,
            annotate: self.annotate || file.annotate,
        }
    }

    /// The format, `text` when none was given.
    pub fn format(&self) -> ReportFormat {
        self.format.unwrap_or_default()
    }

    /// The least severe level that fails the run: errors unless `deny` says more.
    pub fn deny_level(&self) -> Severity {
        self.deny.map_or(Severity::Error, DenyLevel::severity)
    }

    /// Read the value of `[check]` key `key` (one of [`OPTION_KEYS`]) from `map` into
    /// its field. An error (a wrong type, an unknown rule) is placed at the value by
    /// toml; `rule` names are checked here, at the name.
    pub(crate) fn read_key<'de, A: serde::de::MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
    ) -> std::result::Result<(), A::Error> {
        match key {
            "format" => self.format = Some(map.next_value()?),
            "output" => self.output = Some(map.next_value()?),
            "rule" => {
                let rules: Vec<crate::rule::Rule> = map.next_value()?;
                self.rule = rules.iter().map(|r| r.name().to_string()).collect();
            }
            "severity" => self.severity = Some(map.next_value()?),
            "max-findings" => self.max_findings = Some(map.next_value()?),
            "root" => self.root = Some(map.next_value()?),
            "deny" => self.deny = Some(map.next_value()?),
            "baseline" => self.baseline = Some(map.next_value()?),
            "locked" => self.locked = map.next_value()?,
            "annotate" => self.annotate = map.next_value()?,
            other => {
                return Err(serde::de::Error::custom(format!(
                    "[check] has no option {other:?}"
                )))
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_wins_and_the_file_fills_in() {
        let cli = CheckOptions {
            format: Some(ReportFormat::Json),
            rule: vec!["uncited-claim".into()],
            ..Default::default()
        };
        let file = CheckOptions {
            format: Some(ReportFormat::Sarif),
            output: Some("out.sarif".into()),
            rule: vec!["unknown-footnote".into()],
            deny: Some(DenyLevel::Warnings),
            max_findings: Some(3),
            locked: true,
            ..Default::default()
        };
        let m = cli.merged_over(&file, Path::new("corpus"));
        assert_eq!(m.format(), ReportFormat::Json);
        assert_eq!(m.output, Some(PathBuf::from("corpus/out.sarif")));
        assert_eq!(m.rule, ["uncited-claim"]);
        assert_eq!(m.deny_level(), Severity::Warning);
        assert_eq!(m.max_findings, Some(3));
        assert!(m.locked);
        let none = CheckOptions::default().merged_over(&CheckOptions::default(), Path::new("."));
        assert_eq!(none.format(), ReportFormat::Text);
        assert_eq!(none.deny_level(), Severity::Error);
    }

    /// Every option is a `[check]` key of the same name, and every key sets one.
    #[test]
    fn every_option_has_its_key() {
        let value = serde_json::to_value(CheckOptions::default()).unwrap();
        let fields: Vec<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut keys = OPTION_KEYS.to_vec();
        keys.sort_unstable();
        let mut fields = fields;
        fields.sort_unstable();
        assert_eq!(fields, keys);
    }
}
