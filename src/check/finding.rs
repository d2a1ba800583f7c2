//! Findings: what a rule found, where (a byte span in the article file, plus the line,
//! column and width every output prints), and the [`FindingKey`] that identifies a
//! finding across edits — what baselines and SARIF fingerprints are made of.
//!
//! A finding is made whole: [`Site::finding`] takes the rule, the span and the message,
//! and chained setters add the rest (`.footnote(..).subject(..).note(..)`).

use std::ops::Range;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::model::Article;
use crate::position::LineIndex;
use crate::rule::{Rule, Severity};

/// One finding. `line`/`column` are 1-based (column in characters); `width` is how many
/// characters from `column` the finding covers on that line; `span` is the bytes of the
/// article file it covers (possibly beyond that line).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Finding {
    pub rule: Rule,
    pub severity: Severity,
    pub article: String,
    pub file: String,
    pub span: Range<usize>,
    pub line: usize,
    pub column: usize,
    pub width: usize,
    pub message: String,
    /// What the finding is about, independent of its wording: the quoted text, the fact,
    /// the reference's label, the source id, the heading. Part of the [`FindingKey`].
    pub subject: Option<String>,
    pub footnote: Option<String>,
    pub source: Option<String>,
    pub sentence: Option<String>,
    pub help: Option<String>,
    /// Supporting detail: the closest passage, where an entry was first listed.
    pub notes: Vec<String>,
    /// Where the source says it (or the passage a claim was looked for in).
    pub evidence: Vec<crate::check::verify::Evidence>,
    /// The text of line `line` around the finding, to show it in context: the whole
    /// line, or on a long line [`SNIPPET_CONTEXT_CHARS`] characters either side of the
    /// finding (a finding never holds a copy of a whole long line: 5,000 findings on
    /// one 600 KB line held 3 GB).
    #[serde(skip)]
    pub snippet: Option<String>,
    /// The 1-based character column of the finding in `snippet` (`column` when the
    /// snippet is the whole line).
    #[serde(skip)]
    pub snippet_column: usize,
    /// Matched by a baseline entry: emitted only by a session asked to keep baselined
    /// findings (SARIF's `baselineState: "unchanged"`), never counted.
    #[serde(skip)]
    pub baselined: bool,
}

impl Finding {
    /// The footnote (reference label) the finding concerns.
    pub fn footnote(mut self, label: impl Into<Option<String>>) -> Self {
        self.footnote = label.into();
        self
    }

    /// The source id the finding names.
    pub fn source(mut self, id: impl Into<Option<String>>) -> Self {
        self.source = id.into();
        self
    }

    /// The sentence the finding is in.
    pub fn sentence(mut self, text: impl Into<Option<String>>) -> Self {
        self.sentence = text.into();
        self
    }

    /// What the finding is about: the quoted text, the fact, the label, the source id.
    pub fn subject(mut self, subject: impl Into<Option<String>>) -> Self {
        self.subject = subject.into();
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Add a note.
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// Add evidence: source passages that say it, or where it was looked for.
    pub fn evidence(
        mut self,
        evidence: impl IntoIterator<Item = crate::check::verify::Evidence>,
    ) -> Self {
        self.evidence.extend(evidence);
        self
    }

    /// The identity baselines and fingerprints use.
    pub fn key(&self) -> FindingKey {
        FindingKey::new(
            self.rule,
            &self.article,
            self.footnote.as_deref(),
            self.subject.as_deref(),
            self.sentence.as_deref(),
        )
    }
}

/// What identifies a finding, whatever its message says and wherever its line moves:
/// rule, article id, footnote label, subject and sentence (subject and sentence
/// normalised). Rewording a message or moving text changes no key; fixing what the
/// finding is about (the fact, the sentence) does.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FindingKey {
    pub rule: Rule,
    pub article: String,
    pub footnote: Option<String>,
    pub subject: Option<String>,
    pub sentence: Option<String>,
}

impl FindingKey {
    pub fn new(
        rule: Rule,
        article: &str,
        footnote: Option<&str>,
        subject: Option<&str>,
        sentence: Option<&str>,
    ) -> FindingKey {
        let normalised = |t: Option<&str>| t.map(normalise).filter(|t| !t.is_empty());
        FindingKey {
            rule,
            article: article.to_string(),
            footnote: footnote.map(str::to_string).filter(|l| !l.is_empty()),
            subject: normalised(subject),
            sentence: normalised(sentence),
        }
    }

    /// The key with no subject: what a baseline entry written before subjects existed
    /// can still be matched on when its subject cannot be recovered.
    pub fn without_subject(&self) -> FindingKey {
        FindingKey {
            subject: None,
            ..self.clone()
        }
    }

    /// A stable hash of the key (SHA-256, hex): SARIF `partialFingerprints`.
    pub fn fingerprint(&self) -> String {
        let field = |f: &Option<String>| f.as_deref().unwrap_or("").to_string();
        let text = [
            self.rule.name().to_string(),
            self.article.clone(),
            field(&self.footnote),
            field(&self.subject),
            field(&self.sentence),
        ]
        .join("\u{1f}");
        format!("{:x}", Sha256::digest(text.as_bytes()))
    }
}

/// Lowercase words (letters and digits) joined by single spaces: quotes, dashes,
/// punctuation and spacing do not change a key. Deliberately its own function rather
/// than the verifier's normalisation, so changes to matching never change keys.
fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

/// Positions in one article, for building findings.
pub struct Site<'a> {
    pub article: &'a Article,
    file: String,
    lines: &'a LineIndex,
}

impl<'a> Site<'a> {
    pub fn new(article: &'a Article) -> Self {
        Site {
            article,
            file: article.path.to_string_lossy().replace('\\', "/"),
            lines: article.line_index(),
        }
    }

    pub fn line_text(&self, line: usize) -> Option<&'a str> {
        let text = &self.article.text;
        let start = self.lines.line_start(line)?;
        // The next line's start, not a search for the line break: a long line is not
        // read again for every finding on it.
        let end = self
            .lines
            .line_start(line + 1)
            .map_or(text.len(), |next| next - 1);
        Some(text[start..end].trim_end_matches('\r'))
    }

    /// The bytes of `width` characters from 1-based `line` and `column`, kept within the
    /// line; for the places a reader records as line and column only.
    pub fn span_at(&self, line: usize, column: usize, width: usize) -> Range<usize> {
        let Some(start) = self.lines.line_start(line) else {
            let end = self.article.text.len();
            return end..end;
        };
        let end = start + self.line_text(line).map_or(0, str::len);
        let text = &self.article.text;
        let from = self
            .lines
            .char_offset(text, start, end, column.saturating_sub(1));
        from..self.lines.char_offset(text, from, end, width.max(1))
    }

    /// A finding of `rule` covering file bytes `span` (shown on its first line).
    pub fn finding(&self, rule: Rule, span: Range<usize>, message: impl Into<String>) -> Finding {
        let text = &self.article.text;
        let start = span.start.min(text.len());
        let end = span.end.clamp(start, text.len());
        let loc = self.lines.locate(text, start);
        let covered = text.get(start..end).unwrap_or("");
        let width = covered.split('\n').next().unwrap_or("").chars().count();
        let (snippet, snippet_column) = self.snippet(start, loc, width);
        Finding {
            rule,
            severity: rule.default_severity(),
            article: self.article.id.clone(),
            file: self.file.clone(),
            span: start..end,
            line: loc.line,
            column: loc.column,
            width: width.max(1),
            message: message.into(),
            subject: None,
            footnote: None,
            source: None,
            sentence: None,
            help: None,
            notes: Vec::new(),
            evidence: Vec::new(),
            snippet,
            snippet_column,
            baselined: false,
        }
    }

    /// The finding's line, cut to [`SNIPPET_CONTEXT_CHARS`] characters either side of
    /// the `width` characters at byte `at` (at `loc`), and the finding's column in it.
    fn snippet(
        &self,
        at: usize,
        loc: crate::position::Location,
        width: usize,
    ) -> (Option<String>, usize) {
        let (Some(line), Some(line_start)) =
            (self.line_text(loc.line), self.lines.line_start(loc.line))
        else {
            return (None, loc.column);
        };
        let text = &self.article.text;
        let line_end = line_start + line.len();
        let at = at.clamp(line_start, line_end);
        // Back from the finding: at most SNIPPET_CONTEXT_CHARS characters.
        let mut first = at;
        let mut before = 0;
        while first > line_start && before < SNIPPET_CONTEXT_CHARS {
            first -= 1;
            while !text.is_char_boundary(first) {
                first -= 1;
            }
            before += 1;
        }
        let last = self
            .lines
            .char_offset(text, at, line_end, width.max(1) + SNIPPET_CONTEXT_CHARS);
        (Some(text[first..last].to_string()), before + 1)
    }
}

/// Characters of a long line kept on each side of a finding in its snippet: more than
/// the text report shows around it, so the report still sees the cut (and marks it
/// with `…`).
pub const SNIPPET_CONTEXT_CHARS: usize = 256;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_case_punctuation_and_spacing() {
        let a = FindingKey::new(
            Rule::FactNotInSource,
            "a",
            Some("2"),
            Some("3 May 1889"),
            Some("The treaty was signed on 3 May 1889."),
        );
        let b = FindingKey::new(
            Rule::FactNotInSource,
            "a",
            Some("2"),
            Some("3  may 1889"),
            Some("the treaty was signed on “3 May 1889”"),
        );
        assert_eq!(a, b);
        assert_eq!(a.fingerprint(), b.fingerprint());
        let c = FindingKey::new(
            Rule::FactNotInSource,
            "a",
            Some("2"),
            Some("1888"),
            a.sentence.as_deref(),
        );
        assert_ne!(a.fingerprint(), c.fingerprint());
        assert_eq!(a.without_subject(), c.without_subject());
    }
}
