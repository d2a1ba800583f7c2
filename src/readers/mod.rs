//! Format readers: each turns one file into the one article model.
//!
//! `format = "auto"` picks a reader by extension, then by content, because real corpora
//! mislabel files (the wikitext test articles are `.txt`, the Markdown-converted pages
//! are plain text with `[n]` markers).

pub mod html;
pub mod markdown;
pub mod text;
pub mod wikitext;

use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

use crate::error::{Error, Result};
use crate::model::Article;
use crate::position::{Format, LineIndex};

/// Read and parse one article file. The manifest's settings for it (a `title`
/// override) are the caller's business: readers know files, not manifests.
pub fn read_article(id: &str, path: &Path, format: Format) -> Result<Article> {
    let text = crate::error::read_text(path)?;
    parse(id, path, format, text)
}

/// Parse article text already in memory.
pub fn parse(id: &str, path: &Path, format: Format, text: String) -> Result<Article> {
    if text.trim().is_empty() {
        return Err(Error::input(
            path,
            "empty file: there is no article text to read",
        ));
    }
    let format = match format {
        Format::Auto => detect(path, &text),
        f => f,
    };
    // One line index per text: the reader locates what it records with it, and the
    // article keeps it for the checker.
    let lines = LineIndex::new(&text);
    let draft = match format {
        Format::Text | Format::Auto => text::read(&text, &lines),
        Format::Markdown => markdown::read(&text, &lines),
        Format::Wikitext => wikitext::read(&text, &lines),
        Format::Html => html::read(&text, &lines),
    };
    let mut article = draft.finish(id, path.to_path_buf(), format, text, lines);
    if article.title.is_none() {
        article.title = Some(title_from_path(path));
    }
    Ok(article)
}

/// Pick a reader from the extension, checking the content where extensions lie.
pub fn detect(path: &Path, text: &str) -> Format {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase())
        .unwrap_or_default();
    let head = text
        .trim_start()
        .get(..512.min(text.trim_start().len()))
        .unwrap_or("");
    let head_lower = head.to_ascii_lowercase();
    if matches!(ext.as_str(), "html" | "htm" | "xhtml")
        || head_lower.starts_with("<!doctype html")
        || head_lower.starts_with("<html")
    {
        return Format::Html;
    }
    let markdown_ext = matches!(ext.as_str(), "md" | "markdown");
    // A `.md` file claims to be Markdown: converted pages carry stray `{{`/`[[` debris,
    // so only real footnotes or wiki headings outvote the extension.
    let wikitext = looks_like_wikitext(text)
        && (!markdown_ext || text.matches("<ref").nth(2).is_some() || WIKI_HEADING.is_match(text));
    if matches!(ext.as_str(), "wiki" | "wikitext" | "mediawiki") || wikitext {
        return Format::Wikitext;
    }
    if FOOTNOTE_DEFINITION.is_match(text) {
        return Format::Markdown;
    }
    // `.md` alone proves little: the converted encyclopedia pages are `.md` but plain
    // text (their `# ` lines are flattened numbered lists). Markdown footnotes or
    // section headings below the title make it Markdown.
    if markdown_ext
        && !BRACKET_MARKER.is_match(text)
        && (FOOTNOTE_REFERENCE.is_match(text)
            || INLINE_NOTE.is_match(text)
            || SUB_HEADING.is_match(text))
    {
        return Format::Markdown;
    }
    Format::Text
}

/// `[^label]:` at a line start; a label may hold backslash escapes (`[^a\]b]`).
static FOOTNOTE_DEFINITION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^ {0,3}\[\^(?:\\[[:punct:]]|[^\]\s\\])+\]:").unwrap());
static FOOTNOTE_REFERENCE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[\^(?:[A-Za-z0-9_.-]|\\[[:punct:]])+\]").unwrap());
/// An inline note `^[…]` (Pandoc, markdown-it) with some text in it.
static INLINE_NOTE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\^\[[^\]\n]*\S[^\]\n]*\]").unwrap());
static SUB_HEADING: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?m)^#{2,6} \S").unwrap());
/// A footnote marker of the plain-text exports (`[7]`): see [`text::FOOTNOTE_NUMBER`].
static BRACKET_MARKER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"\[{}\]", text::FOOTNOTE_NUMBER)).unwrap());
static WIKI_HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^==+[^=\n]+==+\s*$").unwrap());

fn looks_like_wikitext(text: &str) -> bool {
    if text
        .trim_start()
        .get(..9)
        .is_some_and(|h| h.eq_ignore_ascii_case("#redirect"))
    {
        return true;
    }
    let signals = [
        text.contains("<ref"),
        text.contains("{{"),
        text.contains("[["),
        text.contains("'''"),
        WIKI_HEADING.is_match(text),
    ];
    signals.iter().filter(|&&s| s).count() >= 2
}

fn title_from_path(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().replace('_', " "))
        .unwrap_or_default()
}
