//! Baselines: the output of `check --format json`, saved, lists findings a project has
//! accepted; with `--baseline FILE` they no longer count, so CI fails only on new ones.
//!
//! Findings match by rule, article, normalised sentence text, footnote and message —
//! never by line or column, so editing text above a finding does not break it. Each
//! baseline entry absorbs one finding; entries that match nothing are counted as stale.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use super::verify::normalise;
use super::{CheckReport, Finding};
use crate::error::{Error, Result};

#[derive(Debug, Clone, Default)]
pub struct Baseline {
    entries: BTreeMap<String, usize>,
    total: usize,
}

fn key(
    rule: &str,
    article: &str,
    sentence: Option<&str>,
    footnote: Option<&str>,
    message: &str,
) -> String {
    format!(
        "{rule}\u{1f}{article}\u{1f}{}\u{1f}{}\u{1f}{}",
        sentence.map(normalise).unwrap_or_default(),
        footnote.unwrap_or(""),
        normalise(message)
    )
}

pub fn finding_key(f: &Finding) -> String {
    key(
        f.rule,
        &f.article,
        f.sentence.as_deref(),
        f.footnote.as_deref(),
        &f.message,
    )
}

impl Baseline {
    pub fn load(path: &Path) -> Result<Baseline> {
        let text = crate::error::read_text(path)?;
        Self::parse(path, &text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<Baseline> {
        let bad = |m: &str| {
            Error::input(
                path,
                format!(
                    "not a baseline ({m}); write one with `citecheck check --format json > FILE`"
                ),
            )
        };
        let value: Value = serde_json::from_str(text)
            .map_err(|e| Error::input_at(path, e.line(), e.column(), format!("not JSON: {e}")))?;
        let findings = value
            .get("findings")
            .and_then(Value::as_array)
            .ok_or_else(|| bad("no \"findings\" array"))?;
        let mut b = Baseline::default();
        for f in findings {
            let s = |k: &str| f.get(k).and_then(Value::as_str);
            let rule = s("rule").ok_or_else(|| bad("a finding without \"rule\""))?;
            let article = s("article")
                .or_else(|| s("file"))
                .ok_or_else(|| bad("a finding without \"article\""))?;
            let k = key(
                rule,
                article,
                s("sentence"),
                s("footnote"),
                s("message").unwrap_or(""),
            );
            *b.entries.entry(k).or_default() += 1;
            b.total += 1;
        }
        Ok(b)
    }

    pub fn len(&self) -> usize {
        self.total
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// Drop baselined findings from the report and count them, and the stale entries.
    pub fn apply(&self, report: &mut CheckReport) {
        let mut matcher = self.matcher();
        report.findings.retain(|f| !matcher.absorbs(f));
        report.summary.baselined = matcher.matched;
        report.summary.baseline_stale = matcher.stale();
        report.count_severities();
    }

    /// A matcher for findings as they stream by: each entry absorbs one finding.
    pub fn matcher(&self) -> BaselineMatcher {
        BaselineMatcher {
            left: self.entries.clone(),
            total: self.total,
            matched: 0,
        }
    }
}

/// The entries of a [`Baseline`] not yet matched by a finding.
#[derive(Debug, Clone)]
pub struct BaselineMatcher {
    left: BTreeMap<String, usize>,
    total: usize,
    /// Findings absorbed so far.
    pub matched: usize,
}

impl BaselineMatcher {
    /// Whether `f` is baselined (it then no longer counts); uses up one entry.
    pub fn absorbs(&mut self, f: &Finding) -> bool {
        match self.left.get_mut(&finding_key(f)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                self.matched += 1;
                true
            }
            _ => false,
        }
    }

    /// Entries that matched no finding.
    pub fn stale(&self) -> usize {
        self.total - self.matched
    }
}
