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
use crate::manifest::ArticleSpec;
use crate::model::{Article, CitationFields, Format};

/// Read and parse one article file.
pub fn read_article(spec: &ArticleSpec) -> Result<Article> {
    let text = crate::error::read_text(&spec.path)?;
    let mut article = parse(&spec.id, &spec.path, spec.format, text)?;
    if let Some(t) = &spec.title {
        article.title = Some(t.clone());
    }
    Ok(article)
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
    let draft = match format {
        Format::Text | Format::Auto => text::read(&text),
        Format::Markdown => markdown::read(&text),
        Format::Wikitext => wikitext::read(&text),
        Format::Html => html::read(&text),
    };
    let mut article = draft.finish(id, path.to_path_buf(), format, text);
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
        && (FOOTNOTE_REFERENCE.is_match(text) || SUB_HEADING.is_match(text))
    {
        return Format::Markdown;
    }
    Format::Text
}

static FOOTNOTE_DEFINITION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^ {0,3}\[\^[^\]\s]+\]:").unwrap());
static FOOTNOTE_REFERENCE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[\^[A-Za-z0-9_.-]+\]").unwrap());
static SUB_HEADING: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?m)^#{2,6} \S").unwrap());
static BRACKET_MARKER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\[\d{1,3}\]").unwrap());
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

static YEAR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b(1[5-9]\d\d|20\d\d)\b").unwrap());
static URL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"https?://[^\s<>"\]\)]+"#).unwrap());
static QUOTED: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"["“]([^"”]{3,})["”]"#).unwrap());
static PAGES: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(?:pp?\.|pages?)\s*(\d+(?:\s*(?:[-–]|and)\s*\d+)?)").unwrap());
static FULL_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December)\s+\d{1,2},\s+\d{4}\b|\b\d{1,2}\s+(?:January|February|March|April|May|June|July|August|September|October|November|December)\s+\d{4}\b").unwrap()
});

/// What free-text citations reveal without markup: a quoted title, a date or year, a
/// URL, pages. Good enough for linking; structured formats fill the fields directly.
pub fn fields_from_text(text: &str) -> CitationFields {
    CitationFields {
        title: QUOTED.captures(text).map(|c| c[1].trim().to_string()),
        author: None,
        date: FULL_DATE
            .find(text)
            .map(|m| m.as_str().to_string())
            .or_else(|| YEAR.find(text).map(|m| m.as_str().to_string())),
        url: URL.find(text).map(|m| m.as_str().to_string()),
        publisher: None,
        work: None,
        pages: PAGES.captures(text).map(|c| c[1].to_string()),
        ..CitationFields::default()
    }
}
