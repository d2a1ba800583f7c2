//! Issue 16.5: footnote storms — tens of thousands of markers or definitions in one
//! article, in every format. Each pass over them was once a scan of all the others
//! (seconds to minutes, gigabytes for `check`); these assert what a user would check of
//! the result, never the time (the figures are measured on the release binary and
//! noted in the issue).

mod common;

use std::path::Path;

use citecheck::model::CitationStatus;
use citecheck::position::Format;

/// Markers or definitions per storm.
const STORM: usize = 50_000;

fn parse(name: &str, format: Format, text: String) -> citecheck::Article {
    citecheck::readers::parse("t", Path::new(name), format, text).unwrap()
}

/// `n` sentences `Claim i holds.`, each followed by `marker(i)`, as one paragraph.
fn claims(n: usize, marker: impl Fn(usize) -> String) -> String {
    (0..n)
        .map(|i| format!("Claim {i} holds.{} ", marker(i)))
        .collect()
}

#[test]
fn markdown_calls_of_one_note() {
    let text = format!(
        "# T\n\nThe pact was signed.{}\n\n[^a]: A book.\n",
        "[^a]".repeat(STORM)
    );
    let a = parse("a.md", Format::Markdown, text);
    assert_eq!(a.markers.len(), STORM);
    assert!(a.markers.iter().all(|m| m.reference == Some(0)));
    assert_eq!(a.references.len(), 1);
    assert_eq!(a.references[0].found_uses, STORM);
}

/// The 20,000 definitions (pulldown-cmark itself rescans the rest of the file
/// at each definition line that interrupts a paragraph: see the closing note).
#[test]
fn markdown_definitions() {
    let n = 20_000;
    let defs: String = (0..n).map(|i| format!("[^d{i}]: Book {i}.\n")).collect();
    let text = format!("# T\n\nThe pact was signed.[^d0]\n\n{defs}[^d7]: Again.\n");
    let a = parse("a.md", Format::Markdown, text);
    assert_eq!(a.references.len(), n);
    assert_eq!(a.references[n - 1].text, format!("Book {}.", n - 1));
    assert_eq!(a.markers[0].reference, Some(0));
    // The repeated definition is found among all the others.
    assert_eq!(
        a.problems
            .iter()
            .filter(|p| p.rule == citecheck::rule::Rule::DuplicateReference)
            .count(),
        1
    );
}

#[test]
fn markdown_inline_notes_in_one_paragraph() {
    let text = format!(
        "# T\n\n## Claims\n\n{}\n",
        claims(STORM, |i| format!("^[Book {i}.]"))
    );
    let a = parse("a.md", Format::Markdown, text);
    assert_eq!(a.markers.len(), STORM);
    assert_eq!(a.references.len(), STORM);
    assert_eq!(a.references[STORM - 1].text, format!("Book {}.", STORM - 1));
    assert_eq!(a.sentences.len(), STORM);
    assert!(a
        .sentences
        .iter()
        .all(|s| s.status == CitationStatus::Cited));
}

#[test]
fn wikitext_named_refs_defined_and_undefined() {
    let defined = claims(STORM, |i| format!("<ref name=\"r{i}\">Book {i}.</ref>"));
    let text = format!("'''T''' text.\n\n{defined}\n\n==References==\n<references/>\n");
    let a = parse("a.wiki", Format::Wikitext, text);
    assert_eq!(a.markers.len(), STORM);
    assert_eq!(a.references.len(), STORM);
    assert!(a.markers.iter().all(|m| m.reference.is_some()));

    let undefined = claims(STORM, |i| format!("<ref name=\"u{i}\"/>"));
    let text = format!("'''T''' text.\n\n{undefined}\n\n==References==\n<references/>\n");
    let a = parse("a.wiki", Format::Wikitext, text);
    assert_eq!(a.markers.len(), STORM);
    assert!(a.markers.iter().all(|m| m.reference.is_none()));
}

#[test]
fn html_sup_references() {
    let body = claims(STORM, |i| {
        format!("<sup class=\"reference\"><a href=\"#cite_note-{i}\">[{i}]</a></sup>")
    });
    let refs: String = (0..STORM)
        .map(|i| format!("<li id=\"cite_note-{i}\">Book {i}.</li>"))
        .collect();
    let text = format!(
        "<html><body><h1 id=\"firstHeading\">T</h1><p>{body}</p><h2>References</h2><ol class=\"references\">{refs}</ol></body></html>\n"
    );
    let a = parse("a.html", Format::Html, text);
    assert_eq!(a.markers.len(), STORM);
    assert_eq!(a.references.len(), STORM);
    assert!(a.markers.iter().all(|m| m.reference.is_some()));
    let last = &a.markers[STORM - 1];
    assert_eq!(a.references[last.reference.unwrap()].text, "Book 49999.");
}

#[test]
fn plain_text_bracket_markers() {
    // The plain-text reader reads labels of up to three digits: they repeat.
    let body = claims(STORM, |i| format!("[{}]", i % 999 + 1));
    let refs: String = (0..999)
        .map(|i| format!("  {}. ^ Book {i}.\n", i + 1))
        .collect();
    let a = parse(
        "a.txt",
        Format::Text,
        format!("Title\n\n{body}\n\nReferences\n\n{refs}"),
    );
    assert_eq!(a.markers.len(), STORM);
    assert_eq!(a.references.len(), 999);
    assert!(a.markers.iter().all(|m| m.reference.is_some()));
    assert_eq!(a.references[0].found_uses, STORM.div_ceil(999));
}

/// `check` on 20,000 markers with no entry (the case: past 30 s, gigabytes),
/// in wikitext and plain text: every one is reported, at its own column of the one
/// long line.
#[test]
fn check_reports_every_undefined_marker() {
    let n = 20_000;
    let wiki = format!(
        "'''T''' text.\n\n{}\n\n==References==\n<references/>\n",
        claims(n, |i| format!("<ref name=\"u{i}\"/>"))
    );
    let text = format!(
        "Title\n\n{}\n\nReferences\n\n  1. ^ Book.\n",
        claims(n, |i| format!("[{}]", i % 998 + 2))
    );
    for (file, content) in [("a.wiki", wiki), ("a.txt", text)] {
        let dir = common::write_corpus(None, &[(file, content.as_bytes())]);
        let report = common::check_json(dir.path());
        let unknown = common::of_rule(&report, "unknown-footnote");
        assert_eq!(unknown.len(), n, "{file}");
        let columns: Vec<u64> = unknown
            .iter()
            .map(|f| f["column"].as_u64().unwrap())
            .collect();
        assert!(columns.windows(2).all(|w| w[0] < w[1]), "{file}");
        assert!(unknown.iter().all(|f| f["line"] == 3), "{file}");
    }
}

/// The text report of many findings on one long line shows each in a window of the
/// line, at the right column, not the whole line each time.
#[test]
fn text_report_of_a_long_line_shows_windows() {
    let n = 5_000;
    let text = format!(
        "Title\n\n{}\n\nReferences\n\n  1. ^ Book.\n",
        claims(n, |i| format!("[{}]", i % 998 + 2))
    );
    let dir = common::write_corpus(None, &[("a.txt", text.as_bytes())]);
    let run = common::check(dir.path(), &["--rule", "unknown-footnote"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let line = text.lines().nth(2).unwrap();
    let last_marker = line.rfind('[').unwrap() + 1;
    assert!(
        run.stdout.contains(&format!("a.txt:3:{last_marker}")),
        "{}",
        &run.stdout[run.stdout.len().saturating_sub(2000)..]
    );
    // Every finding once, in order of column: the report renders them in batches, on
    // several threads, and must still write them as they were found.
    let columns: Vec<usize> = run
        .stdout
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("--> "))
        .map(|origin| origin.rsplit(':').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(columns.len(), n);
    assert!(columns.windows(2).all(|w| w[0] < w[1]));
    // Each finding shows at most a few hundred characters of the line.
    assert!(run.stdout.len() < n * 1_500, "{}", run.stdout.len());
    assert!(run.stdout.lines().all(|l| l.chars().count() < 1_000));
}
