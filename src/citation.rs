//! Citation fields, on the lowest layer: what a reference entry says about the work it
//! cites. Structured formats (`{{cite …}}`) fill them directly; [`fields_from_text`]
//! recognises them in free text. The model, every reader and the linker share them.

use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

/// Structured citation fields, when the format provides them (`{{cite …}}`) or the
/// reader can recognise them in free text.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct CitationFields {
    /// The cited work's title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Its author(s), as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// Its date, as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Where it can be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Its publisher.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// The periodical or site it appeared in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub work: Option<String>,
    /// The pages cited.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pages: Option<String>,
    /// When the cited web page was read (`access-date`): which version of it the
    /// claim rests on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_date: Option<String>,
    /// An archived copy (`archive-url`), for sources whose live URL has gone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archive_url: Option<String>,
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
