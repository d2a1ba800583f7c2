//! Every rule `check` knows, in one table: name, default severity, a one-line summary,
//! the explanation `citecheck check --explain RULE` prints, and where the code that finds
//! it lives. Severities from `[check]` in corpus.toml are validated against this table.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::manifest::{CheckSettings, Corpus, MANIFEST_NAME};

/// Ordered so that `Error > Warning > Note`: deny levels compare with `>=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }

    fn parse(s: &str) -> Option<Option<Severity>> {
        match s {
            "error" => Some(Some(Severity::Error)),
            "warning" => Some(Some(Severity::Warning)),
            "note" => Some(Some(Severity::Note)),
            "off" => Some(None),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Debug)]
pub struct Rule {
    pub name: &'static str,
    pub default: Severity,
    /// One line, for SARIF `shortDescription` and rule lists.
    pub summary: &'static str,
    /// What it means and how to fix a finding (`--explain`).
    pub explanation: &'static str,
    /// The function that finds it, for people extending citecheck.
    pub found_by: &'static str,
}

pub const UNKNOWN_FOOTNOTE: &str = "unknown-footnote";
pub const UNUSED_REFERENCE: &str = "unused-reference";
pub const BACKREF_MISMATCH: &str = "backref-mismatch";
pub const DUPLICATE_REFERENCE: &str = "duplicate-reference";
pub const MISSING_SECTION: &str = "missing-section";
pub const UNLINKED_REFERENCE: &str = "unlinked-reference";
pub const MISSING_SOURCE_TEXT: &str = "missing-source-text";
pub const UNCITED_CLAIM: &str = "uncited-claim";
pub const QUOTE_NOT_IN_SOURCE: &str = "quote-not-in-source";
pub const FACT_NOT_IN_SOURCE: &str = "fact-not-in-source";
pub const WEAK_SUPPORT: &str = "weak-support";
pub const UNCLOSED_REF: &str = "unclosed-ref";
pub const EMPTY_REFERENCE: &str = "empty-reference";
pub const DEAD_LINK: &str = "dead-link";

pub static RULES: &[Rule] = &[
    Rule {
        name: UNKNOWN_FOOTNOTE,
        default: Severity::Error,
        summary: "a footnote marker whose number or name has no reference entry",
        explanation: "The text carries a marker such as [9] or <ref name=\"x\"/> but the \
reference list has no entry with that number or name, so a reader cannot find what \
supports the sentence.\n\nFix: add the missing reference entry, or correct the marker to \
the entry it meant.",
        found_by: "check::integrity::footnotes",
    },
    Rule {
        name: UNUSED_REFERENCE,
        default: Severity::Warning,
        summary: "a reference entry that no marker cites",
        explanation: "A reference list entry is never cited in the text. Either a marker \
was lost in an edit (and some sentence lost its support), or the entry is left over.\n\n\
Fix: put the marker back after the sentence the work supports, or delete the entry.",
        found_by: "check::integrity::footnotes",
    },
    Rule {
        name: BACKREF_MISMATCH,
        default: Severity::Warning,
        summary: "a reference declares N uses but the text has a different number of markers",
        explanation: "Exported encyclopedia text lists back-references in front of each \
entry: `^` is one use, `^ a b` two. When the text has fewer or more markers than the \
entry declares, markers were lost or added in conversion or editing.\n\nFix: find the \
sentence that lost its marker (compare with the original article) and restore it. An \
entry with no marker at all is reported as unused-reference instead.",
        found_by: "check::integrity::footnotes",
    },
    Rule {
        name: DUPLICATE_REFERENCE,
        default: Severity::Warning,
        summary:
            "two reference entries with the same number or name, or the same work listed twice",
        explanation: "Two entries share a label (markers then resolve to the first), or two \
entries under different labels have the same text, or a named reference is defined twice \
with different content.\n\nFix: merge the entries and point every marker at one of them.",
        found_by: "check::integrity::footnotes (and reader problems)",
    },
    Rule {
        name: MISSING_SECTION,
        default: Severity::Warning,
        summary: "a table-of-contents entry with no section, or a section heading with no text",
        explanation: "The table of contents lists a section the text does not have, or a \
heading is followed by nothing. Both usually mean text was lost when the article was \
exported.\n\nFix: restore the section's text from the original, or remove the heading \
and its table-of-contents entry.",
        found_by: "check::integrity::sections",
    },
    Rule {
        name: UNLINKED_REFERENCE,
        default: Severity::Note,
        summary: "a reference that matches no source in the manifest",
        explanation: "citecheck could not link this reference to any [[source]] in \
corpus.toml by title, date, author or URL, so claims citing it cannot be verified.\n\n\
Fix: add a [[source]] for the work, or an explicit [[link]] article = \"…\" reference = N \
source = \"…\" when the automatic match fails.",
        found_by: "check::integrity::footnotes",
    },
    Rule {
        name: MISSING_SOURCE_TEXT,
        default: Severity::Warning,
        summary: "a linked source whose text is not in the corpus: its claims are unverifiable",
        explanation: "A reference links to a [[source]] whose text could be in the corpus \
(the manifest gives a `url` to obtain it, or a `file` that does not exist) but is not. \
Every sentence citing only such works is counted as unverifiable in the summary; the work \
gets this one finding, not one per sentence.\n\nWorks with neither `url` nor `file` \
(printed books, magazines) cannot be added and get no finding: their citations are still \
counted as unverifiable.\n\nFix: save the text under sources/ and add `file = \
\"sources/….txt\"` to the [[source]] entry.",
        found_by: "check::Checker::missing_source_text",
    },
    Rule {
        name: UNCITED_CLAIM,
        default: Severity::Warning,
        summary: "a sentence stating a checkable fact with no footnote covering it",
        explanation: "A sentence outside the lead states a date or year, a number, a \
quotation, a named person, place or organisation, or reported speech (\"believed\", \
\"reported\", \"confirmed\", \"stated\"), and no marker covers it: neither its own nor one \
later in the same paragraph. Sentences flagged {{citation needed}} always count. The lead \
is exempt unless [check] lead = \"check\" (an article without body sections is all lead \
and is not exempt); captions, tables of contents and headings are \
never claims.\n\nFix: add a footnote to a source that states it. When the corpus has a \
source that matches, the finding names it (\"possible source\").",
        found_by: "check::claims::facts, check::Checker::uncited_claim",
    },
    Rule {
        name: QUOTE_NOT_IN_SOURCE,
        default: Severity::Error,
        summary: "a quotation that does not occur in the cited source",
        explanation: "A quotation of four words or more in a cited sentence does not occur \
in any cited source that has text, even after ignoring case, curly vs straight quotes, \
dashes, hyphen vs space, whitespace and punctuation. The finding shows the closest passage \
and how similar it is.\n\nFix: correct the quotation to the source's wording, or cite the \
source it comes from.",
        found_by: "check::verify::verify_facts",
    },
    Rule {
        name: FACT_NOT_IN_SOURCE,
        default: Severity::Warning,
        summary: "a date, number or name that no cited source contains",
        explanation: "A date (April 5, 1945 / 5 April 1945 / 1945-04-05 / April 1946), year, \
number or multiword name in a cited sentence occurs in none of its cited sources in any \
common written form (a surname alone matches a full name; 7 matches seven).\n\nFix: \
correct the fact, or cite the source that states it.",
        found_by: "check::verify::verify_facts",
    },
    Rule {
        name: WEAK_SUPPORT,
        default: Severity::Note,
        summary: "another corpus source supports the claim clearly better than the cited one",
        explanation: "Searching the corpus's sources with the sentence, another source \
outranks every cited one by a clear margin. The citation may point at the wrong work.\n\n\
Fix: check the named source and cite it if it is the one that states the claim.",
        found_by: "check::Checker::weak_support",
    },
    Rule {
        name: UNCLOSED_REF,
        default: Severity::Error,
        summary: "a <ref> that is never closed",
        explanation: "A wikitext <ref> has no </ref>: everything after it up to the next \
<ref> or the end of the article is swallowed into the footnote.\n\nFix: close the tag.",
        found_by: "readers::wikitext (reader problem)",
    },
    Rule {
        name: EMPTY_REFERENCE,
        default: Severity::Warning,
        summary: "a reference with no content and no name",
        explanation: "A <ref></ref> with nothing inside, or a list-defined reference \
without a name, supports nothing.\n\nFix: fill in the citation or remove the marker.",
        found_by: "readers::wikitext (reader problem)",
    },
    Rule {
        name: DEAD_LINK,
        default: Severity::Warning,
        summary: "a source or reference URL that answered 404/410, failed DNS or timed out when last fetched",
        explanation: "When `citecheck fetch` last asked for this URL it answered 404 Not \
Found or 410 Gone, its host name did not resolve, or it timed out. corpus.lock records \
that, and `check` reports it from there without touching the network. Claims citing the \
work cannot be verified unless a copy fetched earlier is still pinned.\n\nFix: find the \
work's new address and update the `url`, or give the reference an `archive-url` (or run \
`citecheck fetch --archive` to ask an archive service), then run `citecheck fetch \
--update`.",
        found_by: "check::Checker::dead_links",
    },
];

pub fn rule(name: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.name == name)
}

/// A rule's default severity; names not in the table (a reader newer than this
/// checker) are warnings.
pub fn default_severity(name: &str) -> Severity {
    rule(name).map_or(Severity::Warning, |r| r.default)
}

/// `--explain RULE`.
pub fn explain(name: &str) -> Result<String> {
    let r = rule(name).ok_or_else(|| {
        Error::Usage(format!(
            "no rule {name:?}; rules: {}",
            RULES.iter().map(|r| r.name).collect::<Vec<_>>().join(", ")
        ))
    })?;
    let mut summary = r.summary.to_string();
    if let Some(first) = summary.get(..1) {
        summary.replace_range(..1, &first.to_uppercase());
    }
    Ok(format!(
        "{} ({} by default)\n\n{summary}.\n\n{}\n\nConfigure in corpus.toml:\n\n  [check]\n  {} = \"error\" | \"warning\" | \"note\" | \"off\"\n\nFound by: {} (citecheck source)\n",
        r.name, r.default, r.explanation, r.name, r.found_by
    ))
}

/// Whether the lead's sentences can be uncited claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeadPolicy {
    Exempt,
    Check,
}

/// The effective configuration: each rule's severity (`None` = off) and policies.
#[derive(Debug, Clone)]
pub struct Config {
    severities: BTreeMap<&'static str, Option<Severity>>,
    pub lead: LeadPolicy,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            severities: RULES.iter().map(|r| (r.name, Some(r.default))).collect(),
            lead: LeadPolicy::Exempt,
        }
    }
}

impl Config {
    /// From `[check]`; an unknown rule or level is an error naming corpus.toml.
    pub fn from_corpus(corpus: &Corpus) -> Result<Config> {
        let path = corpus
            .manifest
            .clone()
            .unwrap_or_else(|| corpus.root.join(MANIFEST_NAME));
        Self::from_settings(&corpus.check, &path)
    }

    pub fn from_settings(settings: &CheckSettings, manifest: &Path) -> Result<Config> {
        let mut config = Config::default();
        let bad = |message: String| {
            let line = std::fs::read_to_string(manifest)
                .ok()
                .and_then(|t| t.lines().position(|l| l.trim() == "[check]").map(|i| i + 1));
            match line {
                Some(l) => Error::input_at(manifest, l, 1, message),
                None => Error::input(manifest, message),
            }
        };
        config.lead = match settings.lead.as_deref() {
            None | Some("exempt") => LeadPolicy::Exempt,
            Some("check") => LeadPolicy::Check,
            Some(other) => {
                return Err(bad(format!(
                    "[check] lead = {other:?}: expected \"exempt\" or \"check\""
                )))
            }
        };
        for (name, level) in &settings.severities {
            let Some(rule) = rule(name) else {
                return Err(bad(format!(
                    "[check] names unknown rule {name:?} (rules: {})",
                    RULES.iter().map(|r| r.name).collect::<Vec<_>>().join(", ")
                )));
            };
            let Some(sev) = Severity::parse(level) else {
                return Err(bad(format!(
                    "[check] {name} = {level:?}: expected \"error\", \"warning\", \"note\" or \"off\""
                )));
            };
            config.severities.insert(rule.name, sev);
        }
        Ok(config)
    }

    /// The severity of a rule, `None` when it is off. Rule names not in the table (a
    /// reader newer than this checker) count as warnings rather than vanishing.
    pub fn severity(&self, rule: &str) -> Option<Severity> {
        match self.severities.get(rule) {
            Some(s) => *s,
            None => Some(Severity::Warning),
        }
    }

    pub fn set(&mut self, rule: &'static str, severity: Option<Severity>) {
        self.severities.insert(rule, severity);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_an_explanation_and_a_unique_name() {
        let mut names: Vec<&str> = RULES.iter().map(|r| r.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), RULES.len());
        for r in RULES {
            assert!(explain(r.name).unwrap().contains(&r.summary[1..]));
        }
    }

    #[test]
    fn settings_are_validated() {
        let mut s = CheckSettings::default();
        s.severities.insert("uncited-claim".into(), "off".into());
        let c = Config::from_settings(&s, Path::new("corpus.toml")).unwrap();
        assert_eq!(c.severity(UNCITED_CLAIM), None);
        s.severities.insert("uncited-claims".into(), "error".into());
        let e = Config::from_settings(&s, Path::new("corpus.toml")).unwrap_err();
        assert!(e.to_string().contains("corpus.toml"), "{e}");
        let mut s = CheckSettings::default();
        s.severities.insert("weak-support".into(), "fatal".into());
        assert!(Config::from_settings(&s, Path::new("corpus.toml")).is_err());
    }
}
