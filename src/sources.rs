//! Source texts: the primary documents the manifest's `[[source]]` entries point at,
//! split into paragraph-sized passages that keep their place in the file.
//!
//! A passage is what a search hit or a piece of evidence shows, so it must be small enough
//! to read at a glance and carry a location a reader can open: the line it starts on and,
//! for treaties and statutes, the article it belongs to ("Article 3").
//!
//! [`SourceText`] is the one shape of a source's text: the index writes its passages,
//! and `check` matches quotations on its canonical [`words`] and looks facts up in the
//! passages that best match a sentence. [`load_all`] reads every source a corpus has
//! text for, once per command.

pub mod words;

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::PathBuf;
use std::sync::LazyLock;

use regex::Regex;

use crate::error::Result;
use crate::manifest::{Corpus, SourceEntry};
use crate::position::Format;
pub use words::{canonical, normalise, Word, Words};

/// Passages longer than this (in bytes) are cut at line ends: a whole chapter is not
/// a useful hit.
const MAX_PASSAGE_BYTES: usize = 1500;

/// A paragraph-sized piece of a source text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passage {
    /// 1-based line of the passage's first line in the source file.
    pub line: usize,
    /// The treaty/statute article the passage belongs to, as the text names it
    /// ("Article 3", "Article III"); `None` before the first or where there are none.
    pub section: Option<String>,
    /// The passage's lines joined with single spaces.
    pub text: String,
    /// Where each joined line starts in `text`, with its line number in the file: a
    /// quotation found in the middle of a passage is reported at its own line.
    pub line_starts: Vec<(usize, usize)>,
    /// This passage's canonical words: `SourceText::words[words]`.
    pub words: Range<usize>,
}

impl Passage {
    /// The file line of byte `offset` of [`Passage::text`].
    pub fn line_at(&self, offset: usize) -> usize {
        let i = self.line_starts.partition_point(|&(o, _)| o <= offset);
        self.line_starts
            .get(i.saturating_sub(1))
            .map_or(self.line, |&(_, l)| l)
    }
}

/// A canonical word of a source ([`canonical`]) and the passage it is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceWord {
    /// Canonical form and byte span in the passage's text.
    pub word: Word,
    pub passage: usize,
}

/// A source's text: its passages and, for lookups, its canonical words in order.
#[derive(Debug, Clone)]
pub struct SourceText {
    pub id: String,
    pub title: String,
    pub path: PathBuf,
    pub passages: Vec<Passage>,
    /// Every passage's canonical words in reading order: a quotation may run on from one
    /// passage into the next.
    pub words: Vec<SourceWord>,
    /// Positions in `words` of each canonical word.
    positions: HashMap<String, Vec<u32>>,
    /// The passages each content term ([`words::term`]) occurs in, ascending.
    term_passages: HashMap<String, Vec<u32>>,
}

impl SourceText {
    /// A source text from its id, title, file and text.
    pub fn new(id: &str, title: &str, path: PathBuf, text: &str) -> SourceText {
        let mut passages = passages(text);
        let mut all = Vec::new();
        let mut positions: HashMap<String, Vec<u32>> = HashMap::new();
        let mut term_passages: HashMap<String, Vec<u32>> = HashMap::new();
        for (n, p) in passages.iter_mut().enumerate() {
            let from = all.len();
            for w in canonical(&p.text) {
                positions
                    .entry(w.text.clone())
                    .or_default()
                    .push(all.len() as u32);
                all.push(SourceWord {
                    word: w,
                    passage: n,
                });
            }
            p.words = from..all.len();
            for t in words::terms(&p.text) {
                let list = term_passages.entry(t).or_default();
                if list.last() != Some(&(n as u32)) {
                    list.push(n as u32);
                }
            }
        }
        SourceText {
            id: id.to_string(),
            title: title.to_string(),
            path,
            passages,
            words: all,
            positions,
            term_passages,
        }
    }

    /// Where a canonical word occurs, as positions in [`SourceText::words`].
    pub fn positions(&self, canonical_word: &str) -> &[u32] {
        self.positions
            .get(canonical_word)
            .map_or(&[], |v| v.as_slice())
    }

    /// The passages a content term occurs in, ascending.
    pub fn term_passages(&self, term: &str) -> &[u32] {
        self.term_passages.get(term).map_or(&[], |v| v.as_slice())
    }

    /// The source text of words `range` (of [`SourceText::words`]) as printed, lines
    /// joined; words in different passages are joined with a space.
    pub fn excerpt(&self, range: Range<usize>) -> String {
        let mut out = String::new();
        let mut i = range.start;
        while i < range.end.min(self.words.len()) {
            let p = self.words[i].passage;
            let mut j = i;
            while j + 1 < range.end && self.words[j + 1].passage == p {
                j += 1;
            }
            let text = &self.passages[p].text;
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&text[self.words[i].word.start..self.words[j].word.end]);
            i = j + 1;
        }
        out
    }

    /// The file line of word `i` of [`SourceText::words`].
    pub fn line_of_word(&self, i: usize) -> usize {
        let w = &self.words[i];
        self.passages[w.passage].line_at(w.word.start)
    }
}

/// Every source text of a corpus, by id.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    texts: BTreeMap<String, SourceText>,
}

impl Sources {
    /// The text of source `id`, when the corpus has it.
    pub fn get(&self, id: &str) -> Option<&SourceText> {
        self.texts.get(id)
    }

    pub fn contains(&self, id: &str) -> bool {
        self.texts.contains_key(id)
    }

    /// Every text, by id.
    pub fn iter(&self) -> impl Iterator<Item = &SourceText> {
        self.texts.values()
    }

    pub fn len(&self) -> usize {
        self.texts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }

    /// Add (or replace) a text: for library users and tests building sources in memory.
    pub fn insert(&mut self, text: SourceText) {
        self.texts.insert(text.id.clone(), text);
    }
}

impl FromIterator<SourceText> for Sources {
    fn from_iter<I: IntoIterator<Item = SourceText>>(iter: I) -> Self {
        let mut s = Sources::default();
        for t in iter {
            s.insert(t);
        }
        s
    }
}

/// The texts of every source the corpus has text for, read on all cores; the first
/// error in manifest order is the one reported.
pub fn load_all(corpus: &Corpus) -> Result<Sources> {
    let read_run = |_: usize, run: &[SourceEntry]| {
        run.iter()
            .map(|s| read_source(corpus, s))
            .collect::<Result<Vec<_>>>()
    };
    let mut out = Sources::default();
    for run in crate::parallel::map_runs(&corpus.sources, 4, read_run, read_run) {
        for text in run?.into_iter().flatten() {
            out.insert(text);
        }
    }
    Ok(out)
}

/// The text of a source when the corpus has it; `Ok(None)` for an unavailable work (no
/// `file`, or a file that is not there), which is a legitimate state, not an error.
/// A saved web page (`.html`, or `format = "html"`) becomes its clean text. Both the
/// index and `check` read sources through here, so they see the same words.
pub fn read_text(corpus: &Corpus, source: &SourceEntry) -> Result<Option<(PathBuf, String)>> {
    let Some(path) = corpus.source_path(source) else {
        return Ok(None);
    };
    if !path.is_file() {
        return Ok(None);
    }
    // A fetched text is read by the content type it was served with (HTML, text, PDF).
    if let Some(entry) = corpus.fetched(source) {
        let bytes = std::fs::read(&path).map_err(|e| crate::Error::io(&path, e))?;
        let text = crate::fetch::extract::text(&path, &bytes, entry.content_type.as_deref())?;
        return Ok(Some((path, text)));
    }
    let raw = crate::error::read_text(&path)?;
    let is_html = source.format == Format::Html
        || (source.format == Format::Auto && crate::readers::detect(&path, &raw) == Format::Html);
    let text = if is_html {
        crate::readers::html::to_text(&raw)
    } else {
        raw
    };
    Ok(Some((path, text)))
}

/// A source's text and passages, when the corpus has its text.
pub fn read_source(corpus: &Corpus, source: &SourceEntry) -> Result<Option<SourceText>> {
    Ok(read_text(corpus, source)?
        .map(|(path, text)| SourceText::new(&source.id, &source.title, path, &text)))
}

/// "Article 3", "ARTICLE III.", "Art. 12", "Article Three" at the start of a line.
static ARTICLE_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\s*(article|art\.)\s+([0-9]+[a-z]?|[ivxlc]+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b\.?",
    )
    .unwrap()
});

/// Split a source text into passages: paragraphs separated by blank lines, a new passage
/// at each article heading, and over-long paragraphs cut at line ends.
pub fn passages(text: &str) -> Vec<Passage> {
    let mut out = Vec::new();
    let mut section: Option<String> = None;
    let mut current: Option<Passage> = None;

    for (i, raw_line) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = raw_line.trim();
        if line.is_empty() {
            out.extend(current.take());
            continue;
        }
        if let Some(c) = ARTICLE_HEADING.captures(line) {
            out.extend(current.take());
            section = Some(article_label(&c[2]));
        }
        match current.as_mut() {
            Some(p) if p.text.len() + line.len() < MAX_PASSAGE_BYTES => {
                p.text.push(' ');
                p.line_starts.push((p.text.len(), line_no));
                p.text.push_str(line);
            }
            _ => {
                out.extend(current.take());
                current = Some(Passage {
                    line: line_no,
                    section: section.clone(),
                    text: line.to_string(),
                    line_starts: vec![(0, line_no)],
                    words: 0..0,
                });
            }
        }
    }
    out.extend(current);
    out
}

/// "ARTICLE iii" and "Art. 3" both read as "Article III" / "Article 3".
fn article_label(number: &str) -> String {
    let number = if number.chars().all(|c| c.is_ascii_alphabetic()) {
        if number.len() <= 4 && number.chars().all(|c| "ivxlcIVXLC".contains(c)) {
            number.to_ascii_uppercase()
        } else {
            let mut s = number.to_ascii_lowercase();
            s[..1].make_ascii_uppercase();
            s
        }
    } else {
        number.to_string()
    };
    format!("Article {number}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_are_passages_with_their_first_line() {
        let text = "Title line\n\nFirst paragraph\ncontinues here.\n\n\nSecond one.\n";
        let p = passages(text);
        assert_eq!(p.len(), 3);
        assert_eq!((p[0].line, p[0].text.as_str()), (1, "Title line"));
        assert_eq!(
            (p[1].line, p[1].text.as_str()),
            (3, "First paragraph continues here.")
        );
        assert_eq!((p[2].line, p[2].text.as_str()), (7, "Second one."));
        assert!(p.iter().all(|p| p.section.is_none()));
    }

    #[test]
    fn treaty_articles_number_the_passages_that_follow() {
        let text = "Preamble text.\n\nARTICLE I\nThe parties agree.\n\nMore of it.\nArticle 2. Second rule.\n\nArticle Three\nLast.";
        let p = passages(text);
        let got: Vec<(usize, Option<&str>)> =
            p.iter().map(|p| (p.line, p.section.as_deref())).collect();
        assert_eq!(
            got,
            [
                (1, None),
                (3, Some("Article I")),
                (6, Some("Article I")),
                (7, Some("Article 2")),
                (9, Some("Article Three")),
            ]
        );
        assert_eq!(p[3].text, "Article 2. Second rule.");
    }

    #[test]
    fn long_paragraphs_are_cut_at_line_ends() {
        let line = "word ".repeat(60);
        let text = std::iter::repeat_n(line.as_str(), 20)
            .collect::<Vec<_>>()
            .join("\n");
        let p = passages(&text);
        assert!(p.len() > 1);
        assert!(p.iter().all(|p| p.text.len() <= MAX_PASSAGE_BYTES));
        assert_eq!(p[0].line, 1);
        assert!(p[1].line > 1);
    }

    #[test]
    fn a_word_starting_with_art_is_not_a_heading() {
        let p = passages("Artillery fired.\nArticles of faith.");
        assert!(p[0].section.is_none());
    }
}
