//! Source texts: the primary documents the manifest's `[[source]]` entries point at,
//! split into paragraph-sized passages that keep their place in the file.
//!
//! A passage is what a search hit or a piece of evidence shows, so it must be small enough
//! to read at a glance and carry a location a reader can open: the line it starts on and,
//! for treaties and statutes, the article it belongs to ("Article 3").

use std::sync::LazyLock;

use regex::Regex;

use crate::error::Result;
use crate::manifest::{Corpus, SourceEntry};
use crate::model::Format;
use std::path::PathBuf;

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
}

/// A source's text and its passages.
#[derive(Debug, Clone)]
pub struct SourceText {
    pub id: String,
    pub path: std::path::PathBuf,
    pub passages: Vec<Passage>,
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

/// A source's passages, when the corpus has its text.
pub fn read_source(corpus: &Corpus, source: &SourceEntry) -> Result<Option<SourceText>> {
    Ok(read_text(corpus, source)?.map(|(path, text)| SourceText {
        id: source.id.clone(),
        passages: passages(&text),
        path,
    }))
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
                p.text.push_str(line);
            }
            _ => {
                out.extend(current.take());
                current = Some(Passage {
                    line: line_no,
                    section: section.clone(),
                    text: line.to_string(),
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
