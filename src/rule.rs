//! Every rule citecheck reports, declared once: its stable kebab-case name, default
//! severity, a one-line summary and the explanation `citecheck check --explain RULE`
//! prints. Readers (reader problems) and the checker name rules by [`Rule`], so a rule
//! that is not declared here cannot be reported, and `[check]` in corpus.toml is
//! validated against the same declaration.
//!
//! This module is the lowest layer: it depends on nothing but serde and std. Adding a
//! rule is one entry in the `rules!` table below.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How much a finding matters. Ordered so that `Error > Warning > Note`: deny levels
/// compare with `>=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational: never fails a run unless notes are denied.
    Note,
    /// Fails a run with `--deny warnings`.
    Warning,
    /// Fails a run.
    Error,
}

impl Severity {
    /// `"error"`, `"warning"` or `"note"`.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Declares [`Rule`] and its table: one entry per rule, in the order rule lists (SARIF
/// `tool.driver.rules`, `--explain`'s list of names) show them.
macro_rules! rules {
    ($(
        $variant:ident {
            name: $name:literal,
            default: $default:ident,
            summary: $summary:literal,
            explanation: $explanation:literal $(,)?
        }
    )*) => {
        /// A rule of `citecheck check` (or a problem a reader reports under a check rule).
        /// Serialised as its kebab-case [`Rule::name`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule {
            $(
                #[doc = $summary]
                $variant,
            )*
        }

        impl Rule {
            /// Every rule, in declaration order.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant),*];

            /// The stable kebab-case name (`uncited-claim`): what outputs print, what
            /// `[check]` and `--explain` take.
            pub const fn name(self) -> &'static str {
                match self {
                    $(Rule::$variant => $name,)*
                }
            }

            /// The severity a finding has unless `[check]` says otherwise.
            pub const fn default_severity(self) -> Severity {
                match self {
                    $(Rule::$variant => Severity::$default,)*
                }
            }

            /// One line, for SARIF `shortDescription` and rule lists (no final period).
            pub const fn summary(self) -> &'static str {
                match self {
                    $(Rule::$variant => $summary,)*
                }
            }

            /// What a finding means and how to fix it (`--explain`).
            pub const fn explanation(self) -> &'static str {
                match self {
                    $(Rule::$variant => $explanation,)*
                }
            }
        }
    };
}

rules! {
    UnknownFootnote {
        name: "unknown-footnote",
        default: Error,
        summary: "a footnote marker whose number or name has no reference entry",
        explanation: "The text carries a marker such as [9] or <ref name=\"x\"/> but the \
reference list has no entry with that number or name, so a reader cannot find what \
supports the sentence.\n\nFix: add the missing reference entry, or correct the marker to \
the entry it meant.",
    }
    UnusedReference {
        name: "unused-reference",
        default: Warning,
        summary: "a reference entry that no marker cites",
        explanation: "A reference list entry is never cited in the text. Either a marker \
was lost in an edit (and some sentence lost its support), or the entry is left over.\n\n\
Fix: put the marker back after the sentence the work supports, or delete the entry.",
    }
    BackrefMismatch {
        name: "backref-mismatch",
        default: Warning,
        summary: "a reference declares N uses but the text has a different number of markers",
        explanation: "Exported encyclopedia text lists back-references in front of each \
entry: `^` is one use, `^ a b` two. When the text has fewer or more markers than the \
entry declares, markers were lost or added in conversion or editing.\n\nFix: find the \
sentence that lost its marker (compare with the original article) and restore it. An \
entry with no marker at all is reported as unused-reference instead.",
    }
    DuplicateReference {
        name: "duplicate-reference",
        default: Warning,
        summary:
            "two reference entries with the same number or name, or the same work listed twice",
        explanation: "Two entries share a label (markers then resolve to the first), or two \
entries under different labels have the same text, or a named reference is defined twice \
with different content.\n\nFix: merge the entries and point every marker at one of them.",
    }
    MissingSection {
        name: "missing-section",
        default: Warning,
        summary: "a table-of-contents entry with no section, or a section heading with no text",
        explanation: "The table of contents lists a section the text does not have, or a \
heading is followed by nothing. Both usually mean text was lost when the article was \
exported.\n\nFix: restore the section's text from the original, or remove the heading \
and its table-of-contents entry.",
    }
    UnlinkedReference {
        name: "unlinked-reference",
        default: Note,
        summary: "a reference that matches no source in the manifest",
        explanation: "citecheck could not link this reference to any [[source]] in \
corpus.toml by title, date, author or URL, so claims citing it cannot be verified.\n\n\
Fix: add a [[source]] for the work, or an explicit [[link]] article = \"…\" reference = N \
source = \"…\" when the automatic match fails.",
    }
    MissingSourceText {
        name: "missing-source-text",
        default: Warning,
        summary: "a linked source whose text is not in the corpus: its claims are unverifiable",
        explanation: "A reference links to a [[source]] whose text could be in the corpus \
(the manifest gives a `url` to obtain it, or a `file` that does not exist) but is not. \
Every sentence citing only such works is counted as unverifiable in the summary; the work \
gets this one finding, not one per sentence.\n\nWorks with neither `url` nor `file` \
(printed books, magazines) cannot be added and get no finding: their citations are still \
counted as unverifiable.\n\nFix: save the text under sources/ and add `file = \
\"sources/….txt\"` to the [[source]] entry.",
    }
    UncitedClaim {
        name: "uncited-claim",
        default: Warning,
        summary: "a sentence stating a checkable fact with no footnote covering it",
        explanation: "A sentence outside the lead states a date or year, a number, a \
quotation, a named person, place or organisation, or reported speech (\"believed\", \
\"reported\", \"confirmed\", \"stated\"), and no marker covers it: neither its own nor one \
later in the same paragraph. Sentences flagged {{citation needed}} always count. The lead \
is exempt unless [check] lead = \"check\" (an article without body sections is all lead \
and is not exempt); captions, tables of contents and headings are \
never claims.\n\nFix: add a footnote to a source that states it. When the corpus has a \
source that matches, the finding names it (\"possible source\").",
    }
    QuoteNotInSource {
        name: "quote-not-in-source",
        default: Error,
        summary: "a quotation that does not occur in the cited source",
        explanation: "A quotation of four words or more in a cited sentence does not occur \
in any cited source that has text, even after ignoring case, curly vs straight quotes, \
dashes, hyphen vs space, whitespace and punctuation. The finding shows the closest passage \
and how similar it is.\n\nFix: correct the quotation to the source's wording, or cite the \
source it comes from.",
    }
    FactNotInSource {
        name: "fact-not-in-source",
        default: Warning,
        summary: "a date, number or name that no cited source contains",
        explanation: "A date (April 5, 1945 / 5 April 1945 / 1945-04-05 / April 1946), year, \
number or multiword name in a cited sentence occurs in none of its cited sources in any \
common written form (a surname alone matches a full name; 7 matches seven).\n\nFix: \
correct the fact, or cite the source that states it.",
    }
    WeakSupport {
        name: "weak-support",
        default: Note,
        summary: "another corpus source supports the claim clearly better than the cited one",
        explanation: "Searching the corpus's sources with the sentence, another source \
outranks every cited one by a clear margin. The citation may point at the wrong work.\n\n\
Fix: check the named source and cite it if it is the one that states the claim.",
    }
    UnclosedRef {
        name: "unclosed-ref",
        default: Error,
        summary: "a <ref> that is never closed",
        explanation: "A wikitext <ref> has no </ref>: everything after it up to the next \
<ref> or the end of the article is swallowed into the footnote.\n\nFix: close the tag.",
    }
    MissingReferenceList {
        name: "missing-reference-list",
        default: Error,
        summary: "footnotes of a group that no reference list shows",
        explanation: "A wikitext footnote names a group (`<ref group=\"note\">`, `{{efn}}`) \
but no `<references group=\"note\"/>` (or `{{notelist}}`) follows it, so MediaWiki shows \
its text to no reader and reports a Cite error.\n\nFix: add the group's reference list \
after the text, or drop the group from the footnote.",
    }
    EmptyReference {
        name: "empty-reference",
        default: Warning,
        summary: "a reference with no content and no name",
        explanation: "A <ref></ref> with nothing inside, or a list-defined reference \
without a name, supports nothing.\n\nFix: fill in the citation or remove the marker.",
    }
}

impl Rule {
    /// Every rule name, comma-separated, for error messages.
    pub fn names() -> String {
        Rule::ALL
            .iter()
            .map(|r| r.name())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A rule name that is not one of [`Rule::ALL`]. Its message lists the names, and
/// suggests one when the name differs from it only in case, `_` for `-`, or a prefix
/// (`uncited-claims`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownRule {
    /// The name as given.
    pub name: String,
}

impl UnknownRule {
    /// The rule the name most likely meant, if any.
    pub fn suggestion(&self) -> Option<Rule> {
        let given = self.name.trim().to_lowercase().replace(['_', ' '], "-");
        if given.len() < 3 {
            return None;
        }
        Rule::ALL.iter().copied().find(|r| {
            let name = r.name();
            name == given || name.starts_with(&given) || given.starts_with(name)
        })
    }
}

impl fmt::Display for UnknownRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no rule {:?}", self.name)?;
        if let Some(r) = self.suggestion() {
            write!(f, " (did you mean {:?}?)", r.name())?;
        }
        write!(f, "; rules: {}", Rule::names())
    }
}

impl std::error::Error for UnknownRule {}

impl FromStr for Rule {
    type Err = UnknownRule;

    fn from_str(s: &str) -> Result<Rule, UnknownRule> {
        Rule::ALL
            .iter()
            .copied()
            .find(|r| r.name() == s)
            .ok_or_else(|| UnknownRule {
                name: s.to_string(),
            })
    }
}

impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Rule {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Rule, D::Error> {
        let name = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_kebab_case_and_parse_back() {
        let mut names: Vec<&str> = Rule::ALL.iter().map(|r| r.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Rule::ALL.len());
        for &r in Rule::ALL {
            let name = r.name();
            assert!(
                name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{name}"
            );
            assert_eq!(name.parse::<Rule>(), Ok(r));
            assert_eq!(serde_json::to_value(r).unwrap(), name);
            assert_eq!(serde_json::from_value::<Rule>(name.into()).unwrap(), r);
            assert!(
                !r.summary().ends_with('.'),
                "{name}: summaries have no final period"
            );
            assert!(r.explanation().contains("Fix:"), "{name}");
        }
    }

    #[test]
    fn an_unknown_name_lists_the_rules_and_suggests_one() {
        let e = "uncited-claims".parse::<Rule>().unwrap_err();
        assert_eq!(e.suggestion(), Some(Rule::UncitedClaim));
        let message = e.to_string();
        assert!(message.starts_with("no rule \"uncited-claims\" (did you mean \"uncited-claim\"?)"));
        assert!(message.contains("weak-support"), "{message}");
        assert_eq!(
            "Weak_Support".parse::<Rule>().unwrap_err().suggestion(),
            Some(Rule::WeakSupport)
        );
        assert_eq!("zzz".parse::<Rule>().unwrap_err().suggestion(), None);
        let e = serde_json::from_value::<Rule>("nope".into()).unwrap_err();
        assert!(e.to_string().contains("unknown-footnote"), "{e}");
    }
}
