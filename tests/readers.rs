//! Markdown and HTML readers on fixtures written for these tests, `to_text`, and
//! `citecheck parse` on every format.

mod common;

use std::path::Path;

use citecheck::model::{Article, CitationStatus, Format};
use citecheck::readers;
use common::fixture;

fn parse(path: &str) -> Article {
    common::read_article(&fixture(path), Format::Auto)
}

fn uses(a: &Article, label: &str, group: Option<&str>) -> usize {
    a.references
        .iter()
        .filter(|r| r.label == label && r.group.as_deref() == group)
        .map(|r| r.found_uses)
        .sum()
}

#[test]
fn markdown_footnotes() {
    let a = parse("markdown/essay.md");
    assert_eq!(a.format, Format::Markdown);
    let headings: Vec<(&str, u8)> = a
        .sections
        .iter()
        .map(|s| (s.heading.as_str(), s.level))
        .collect();
    assert_eq!(headings, [("The Tarrow estuary", 1), ("Trade", 2)]);
    // First definition wins; the second is a duplicate.
    let labels: Vec<&str> = a.references.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(labels, ["silt", "lh", "unused"]);
    assert!(a.references[0].text.contains("Lights of the Tarrow Coast"));
    assert_eq!(a.problems.len(), 1);
    assert_eq!(a.problems[0].rule.name(), "duplicate-reference");
    assert_eq!(a.problems[0].line, 23);
    // `[^Silt]` matches case-insensitively; the one inside `[^lh]`'s text counts.
    assert_eq!(uses(&a, "silt", None), 3);
    // One in prose, one in the table.
    assert_eq!(uses(&a, "lh", None), 2);
    assert_eq!(uses(&a, "unused", None), 0);
    let missing: Vec<&str> = a
        .markers
        .iter()
        .filter(|m| m.reference.is_none())
        .map(|m| m.label.as_str())
        .collect();
    assert_eq!(missing, ["nowhere"]);
    let m = &a.markers[0];
    assert_eq!((m.label.as_str(), m.line, m.column), ("silt", 3, 36));
    let s: Vec<(&str, CitationStatus)> = a
        .sentences
        .iter()
        .map(|s| (s.text.as_str(), s.status))
        .collect();
    assert_eq!(
        s[0],
        ("The estuary silted up in the 1700s.", CitationStatus::Cited)
    );
    assert_eq!(
        s[2],
        ("The lighthouse followed in 1868.", CitationStatus::Cited)
    );
    assert_eq!(s[4], ("Some claims need no note.", CitationStatus::Uncited));
    assert!(a
        .sentences
        .iter()
        .all(|s| !s.text.contains("code is not") && !s.text.contains("comment")));
    assert_eq!(a.sentences[2].line, 3);
}

#[test]
fn wikipedia_html() {
    let a = parse("html/lighthouse.html");
    assert_eq!(a.format, Format::Html);
    assert_eq!(a.title.as_deref(), Some("Grey Point Lighthouse"));
    let headings: Vec<&str> = a.sections.iter().map(|s| s.heading.as_str()).collect();
    assert_eq!(headings, ["History", "Notes", "References"]);
    assert_eq!(a.toc.len(), 2);
    assert!(a.toc.iter().all(|t| t.section.is_some()));
    assert_eq!(a.markers.len(), 6);
    assert!(a.markers.iter().all(|m| m.reference.is_some()));
    assert_eq!(a.references.len(), 4);
    let note = a
        .references
        .iter()
        .find(|r| r.group.as_deref() == Some("note"))
        .unwrap();
    assert_eq!(
        (note.label.as_str(), note.declared_uses, note.found_uses),
        ("1", Some(1), 1)
    );
    assert_eq!(uses(&a, "2", None), 2);
    let survey = a.references.iter().find(|r| r.label == "3").unwrap();
    // Three back-links declared, two markers found (one in the infobox).
    assert_eq!((survey.declared_uses, survey.found_uses), (Some(3), 2));
    let board = a.references.iter().find(|r| r.label == "2").unwrap();
    assert_eq!(
        board.fields.url.as_deref(),
        Some("https://lights.example.org/grey-point")
    );
    assert_eq!(board.declared_uses, Some(2));
    let first = a
        .references
        .iter()
        .find(|r| r.label == "1" && r.group.is_none())
        .unwrap();
    assert_eq!(
        first.fields.title.as_deref(),
        Some("Lights of the Tarrow Coast")
    );
    let s1 = &a.sentences[1];
    assert_eq!(
        s1.text,
        "Its lamp was first lit in 1868 & it was automated in 1984."
    );
    assert_eq!(s1.status, CitationStatus::Cited);
    assert_eq!(s1.line, 14);
    assert_eq!(
        common::citation_needed(&a),
        ["Visitors may climb the tower in summer."]
    );
    for s in &a.sentences {
        assert!(
            !s.text.contains('[') && !s.text.contains("edit"),
            "{:?}",
            s.text
        );
    }
}

#[test]
fn html_to_text_keeps_blocks_and_drops_chrome() {
    let html = std::fs::read_to_string(fixture("html/saved-page.html")).unwrap();
    let text = readers::html::to_text(&html);
    assert_eq!(
        text,
        "Notice to mariners\n\nThe Grey Point light will be extinguished for repairs on 3 June.\n\nFirst item\n\nSecond item"
    );
}

/// `citecheck parse FILE --format json` outside any corpus.
fn cli_parse(file: &Path) -> serde_json::Value {
    common::parse_json(Path::new("/nonexistent-corpus"), file)
}

#[test]
fn cli_parse_text() {
    let Some(file) = common::shared("corpus/neutrality-pact/soviet-japanese-neutrality-pact.txt")
    else {
        return;
    };
    let v = cli_parse(&file);
    assert_eq!(v["format"], "text");
    assert!(!v["references"].as_array().unwrap().is_empty());
}

#[test]
fn cli_parse_markdown() {
    let v = cli_parse(&fixture("markdown/essay.md"));
    assert_eq!(v["format"], "markdown");
    assert_eq!(v["references"].as_array().unwrap().len(), 3);
    assert_eq!(v["problems"][0]["rule"], "duplicate-reference");
}

#[test]
fn cli_parse_wikitext() {
    let Some(file) = common::shared("corpus/wikitext/Wendy-Mogel.txt") else {
        return;
    };
    let v = cli_parse(&file);
    assert_eq!(v["format"], "wikitext");
    assert_eq!(v["references"][0]["label"], "baz");
    assert_eq!(v["references"][0]["found_uses"], 3);
}

#[test]
fn cli_parse_html() {
    let v = cli_parse(&fixture("html/lighthouse.html"));
    assert_eq!(v["format"], "html");
    assert_eq!(v["markers"].as_array().unwrap().len(), 6);
    assert_eq!(v["title"], "Grey Point Lighthouse");
}

#[test]
fn markdown_inline_notes() {
    let text =
        "## History\n\nThe pact held.^[Slavinsky, *The Pact*, 2003.] Code `^[x]` is not one.\n";
    let a = readers::parse("t", Path::new("t.md"), Format::Markdown, text.to_string()).unwrap();
    assert_eq!(a.references.len(), 1);
    let r = &a.references[0];
    assert_eq!((r.label.as_str(), r.found_uses), ("inline-1", 1));
    assert_eq!(r.text, "Slavinsky, The Pact, 2003.");
    assert_eq!(a.sentences[0].text, "The pact held.");
    assert_eq!(a.sentences[0].status, CitationStatus::Cited);
    assert!(a.sentences[1].text.contains("`^[x]`") || a.sentences[1].text.contains("^[x]"));
}
