//! Baselines: the output of `check --format json`, saved, lists findings a project has
//! accepted; with `--baseline FILE` they no longer count, so CI fails only on new ones.
//!
//! Findings match by their [`FindingKey`] — rule, article, footnote, subject and
//! normalised sentence — never by message, line or column: rewording a message or
//! editing text above a finding does not break a baseline. Each baseline entry absorbs
//! one finding; entries that match nothing are counted as stale.
//!
//! Baselines written before findings had a subject (citecheck up to 4dfcfaf: findings
//! with `rule`, `article`, `footnote`, `source`, `sentence` and `message`, no `subject`)
//! still apply: the subject is recovered from the fields that carried it then, and an
//! entry whose subject cannot be recovered matches on the rest of its key.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use super::{CheckReport, Finding, FindingKey};
use crate::error::{Error, Result};
use crate::rule::Rule;

#[derive(Debug, Clone, Default)]
pub struct Baseline {
    /// Entries by full key, with how many findings each can absorb.
    entries: BTreeMap<FindingKey, usize>,
    /// Entries from before subjects whose subject is not recoverable, by their key
    /// without subject.
    without_subject: BTreeMap<FindingKey, usize>,
    total: usize,
}

/// What an entry written before subjects existed says about its subject.
enum LegacySubject {
    Known(Option<String>),
    Unknown,
}

/// The subject of a pre-subject entry, from the fields that carried it in that version
/// (whose messages are fixed history: they will not be reworded any more).
fn legacy_subject(
    rule: Rule,
    footnote: Option<&str>,
    source: Option<&str>,
    message: &str,
) -> LegacySubject {
    use LegacySubject::{Known, Unknown};
    // The text between the first “ and the last ” of a message, which quoted the fact,
    // the heading or the table-of-contents entry.
    let quoted = || {
        let start = message.find('“')? + '“'.len_utf8();
        let end = message.rfind('”')?;
        (start <= end).then(|| message[start..end].to_string())
    };
    match rule {
        // Findings on a marker or a reference entry: the label.
        Rule::UnknownFootnote
        | Rule::UnusedReference
        | Rule::BackrefMismatch
        | Rule::DuplicateReference
        | Rule::UnlinkedReference
        | Rule::UnclosedRef
        | Rule::EmptyReference
        | Rule::EmptyReferenceEntry
        | Rule::MissingReferenceList => Known(footnote.map(str::to_string)),
        // Findings on a source: its id.
        Rule::MissingSourceText | Rule::WeakSupport | Rule::DeadLink => {
            Known(source.map(str::to_string))
        }
        Rule::MissingSection | Rule::FactNotInSource => {
            quoted().map_or(Unknown, |q| Known(Some(q)))
        }
        // Without a quoted fact, a sentence flagged [citation needed] (no subject).
        Rule::UncitedClaim if message.contains("[citation needed]") && quoted().is_none() => {
            Known(None)
        }
        Rule::UncitedClaim => quoted().map_or(Unknown, |q| Known(Some(q))),
        // The message did not quote the quotation; the sentence holds it.
        Rule::QuoteNotInSource => Unknown,
    }
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
            b.total += 1;
            // A rule this version does not know (a newer citecheck wrote the file)
            // matches nothing: the entry counts as stale.
            let Ok(rule) = rule.parse::<Rule>() else {
                continue;
            };
            let subject = match f.get("subject") {
                Some(subject) => LegacySubject::Known(subject.as_str().map(str::to_string)),
                None => {
                    legacy_subject(rule, s("footnote"), s("source"), s("message").unwrap_or(""))
                }
            };
            let key = |subject: Option<&str>| {
                FindingKey::new(rule, article, s("footnote"), subject, s("sentence"))
            };
            match subject {
                LegacySubject::Known(subject) => {
                    *b.entries.entry(key(subject.as_deref())).or_default() += 1
                }
                LegacySubject::Unknown => *b.without_subject.entry(key(None)).or_default() += 1,
            }
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
            left_without_subject: self.without_subject.clone(),
            total: self.total,
            matched: 0,
        }
    }
}

/// The entries of a [`Baseline`] not yet matched by a finding.
#[derive(Debug, Clone)]
pub struct BaselineMatcher {
    left: BTreeMap<FindingKey, usize>,
    /// Entries from files written before finding keys had a subject.
    left_without_subject: BTreeMap<FindingKey, usize>,
    total: usize,
    /// Findings absorbed so far.
    pub matched: usize,
}

impl BaselineMatcher {
    /// Whether `f` is baselined (it then no longer counts); uses up one entry.
    pub fn absorbs(&mut self, f: &Finding) -> bool {
        let take = |map: &mut BTreeMap<FindingKey, usize>, key: &FindingKey| match map.get_mut(key)
        {
            Some(n) if *n > 0 => {
                *n -= 1;
                true
            }
            _ => false,
        };
        let key = f.key();
        let accepted = take(&mut self.left, &key)
            || take(&mut self.left_without_subject, &key.without_subject());
        self.matched += usize::from(accepted);
        accepted
    }

    /// The keys of the entries that matched no finding (each as often as it is left).
    pub fn stale_entries(&self) -> Vec<FindingKey> {
        let mut keys = Vec::new();
        for (key, n) in self.left.iter().chain(&self.left_without_subject) {
            keys.extend(std::iter::repeat_n(key.clone(), *n));
        }
        keys
    }

    /// Entries that matched no finding.
    pub fn stale(&self) -> usize {
        self.total - self.matched
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_of_entries_from_before_subjects() {
        let known =
            |rule, footnote, source, message| match legacy_subject(rule, footnote, source, message)
            {
                LegacySubject::Known(s) => s,
                LegacySubject::Unknown => panic!("{rule}: {message}"),
            };
        assert_eq!(
            known(
                Rule::FactNotInSource,
                Some("2"),
                Some("harbour-treaty-1888"),
                "date “3 May 1889” does not occur in the cited source (`harbour-treaty-1888`)"
            )
            .as_deref(),
            Some("3 May 1889")
        );
        assert_eq!(
            known(
                Rule::UncitedClaim,
                None,
                None,
                "uncited claim: the article flags it [citation needed]"
            ),
            None
        );
        assert_eq!(
            known(
                Rule::WeakSupport,
                Some("1"),
                Some("herring"),
                "`herring` supports …"
            )
            .as_deref(),
            Some("herring")
        );
        assert_eq!(
            known(Rule::UnusedReference, Some("3"), None, "reference [3] …").as_deref(),
            Some("3")
        );
        assert!(matches!(
            legacy_subject(
                Rule::QuoteNotInSource,
                Some("2"),
                None,
                "quotation not found"
            ),
            LegacySubject::Unknown
        ));
    }
}
