//! Issue 17.2: one megabyte of each input pattern that used to be quadratic. These
//! assert what a user would check of the result, never the time: the figures (1, 2 and
//! 4 MB, time and memory) are measured on the release binary and noted in the issue.

mod common;

use std::path::Path;

use citecheck::position::Format;

const MB: usize = 1 << 20;

fn parse(name: &str, format: Format, text: String) -> citecheck::Article {
    citecheck::readers::parse("t", Path::new(name), format, text).unwrap()
}

/// Elements nested a megabyte deep: the text at the bottom is still the article's, at
/// its place in the file.
#[test]
fn deeply_nested_html() {
    let depth = MB / "<div><span></span></div>".len();
    let text = format!(
        "<html><body>{}<p>The pact was signed in 1941.<sup class=\"reference\"><a href=\"#cite_note-1\">[1]</a></sup></p>{}<ol class=\"references\"><li id=\"cite_note-1\">A book.</li></ol></body></html>\n",
        "<div><span>".repeat(depth),
        "</span></div>".repeat(depth)
    );
    let at = text.find("The pact").unwrap();
    let a = parse("a.html", Format::Html, text);
    let texts: Vec<&str> = a.sentences.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(texts.len(), 1, "{texts:?}");
    assert_eq!(a.sentences[0].text, "The pact was signed in 1941.");
    assert!(a.sentences[0].start <= at);
    assert_eq!(a.markers.len(), 1);
}

/// A reference wrapped over a megabyte of continuation lines is one reference with
/// all of its text.
#[test]
fn reference_with_many_continuation_lines() {
    let line = "     continued reference text\n";
    let n = MB / line.len();
    let text = format!(
        "Title\n\nThe pact was signed in 1941.[1]\n\nReferences\n\n  1. ^ A book,\n{}",
        line.repeat(n)
    );
    let a = parse("a.txt", Format::Text, text);
    assert_eq!(a.references.len(), 1);
    let r = &a.references[0].text;
    assert!(
        r.starts_with("A book, continued reference text continued"),
        "{}",
        &r[..80]
    );
    assert_eq!(r.matches("continued reference text").count(), n);
    assert_eq!(a.markers[0].reference, Some(0));
}

/// A long table of contents and as many headings: every heading is a section, at the
/// level its TOC number gives.
#[test]
fn long_toc_and_many_headings() {
    let k = MB / 64;
    let toc: String = (0..k).map(|i| format!("  • Part {i} 1.{i}\n")).collect();
    let body: String = (0..k)
        .map(|i| format!("Part {i}\n\nThe part {i} was written.\n\n"))
        .collect();
    let text = format!("Title\n\nContents\n\n{toc}\n{body}");
    let a = parse("a.txt", Format::Text, text);
    assert_eq!(a.toc.len(), k);
    let parts: Vec<_> = a
        .sections
        .iter()
        .filter(|s| s.heading.starts_with("Part "))
        .collect();
    assert_eq!(parts.len(), k);
    assert!(
        parts.iter().all(|s| s.level == 3),
        "TOC numbers 1.i give level 3"
    );
    assert_eq!(a.sentences.len(), k);
}

/// Many headings each followed by a reference block: every reference is read into the
/// first references section.
#[test]
fn many_headings_and_reference_blocks() {
    let k = MB / 48;
    let mut text = String::from("Title\n\nThe pact was signed in 1941.[1]\n\n");
    for i in 0..k {
        text.push_str(&format!("Heading {i}\n\n  1. ^ A book {i}.\n\n"));
    }
    let a = parse("a.txt", Format::Text, text);
    assert_eq!(a.references.len(), k);
    assert_eq!(a.references[k - 1].text, format!("A book {}.", k - 1));
    assert_eq!(a.markers[0].reference, Some(0));
}

/// One megabyte on one line: tens of thousands of sentences and markers, each at its
/// column.
#[test]
fn one_long_line() {
    let unit = "The pact was signed in 1941.[1] ";
    let n = MB / unit.len();
    let text = format!("{}\n\nReferences\n\n[1] A book.\n", unit.repeat(n));
    let a = parse("a.txt", Format::Text, text);
    assert_eq!(a.sentences.len(), n);
    assert_eq!(a.markers.len(), n);
    let last = &a.markers[n - 1];
    assert_eq!((last.line, last.column), (1, (n - 1) * unit.len() + 29));
    assert!(a.markers.iter().all(|m| m.reference == Some(0)));
}

/// One sentence of a megabyte of distinct words goes through every rule of `check`.
#[test]
fn one_sentence_of_distinct_words_is_checked() {
    let mut sentence = String::from("In 1941 the envoys");
    let mut i = 0;
    while sentence.len() < MB {
        sentence.push_str(&format!(" w{i:x}q"));
        i += 1;
    }
    let text = format!("Title\n\nThe lead.\n\nHistory\n\n{sentence}.\n");
    let dir = common::write_corpus(None, &[("a.txt", text.as_bytes())]);
    let report = common::check_json(dir.path());
    assert_eq!(report["summary"]["sentences"], 2, "{}", report["summary"]);
    let uncited = common::of_rule(&report, "uncited-claim");
    assert_eq!(uncited.len(), 1, "{}", report["summary"]);
    assert_eq!(uncited[0]["line"], 7);
}

/// Issue 17.2: a 7 KB quotation that is not in a long source (it took over a minute)
/// is placed at the passage it misquotes, with the one word it changed.
#[test]
fn closest_passage_of_a_long_quotation_in_a_long_source() {
    use citecheck::check::verify::{closest, QuotePattern};
    use citecheck::sources::SourceText;

    // A megabyte of numbered clauses, a paragraph each, with varied wording.
    let verbs = ["binds", "obliges", "permits", "requires", "allows"];
    let objects = ["harbour", "river", "border", "treasury", "archive", "fleet"];
    let mut paragraphs = Vec::new();
    let mut len = 0;
    let mut i = 0;
    while len < MB {
        let p = format!(
            "Clause {i} {} the parties to keep the {} open to every envoy of the year {}.",
            verbs[i % verbs.len()],
            objects[(i / verbs.len()) % objects.len()],
            1800 + i % 211
        );
        len += p.len() + 2;
        paragraphs.push(p);
        i += 1;
    }
    let source_text = paragraphs.join("\n\n");
    // About 7 KB of consecutive clauses from the middle, one word changed.
    let from = paragraphs.len() / 2;
    let mut quoted: Vec<String> = Vec::new();
    while quoted.iter().map(|p| p.len() + 1).sum::<usize>() < 7 * 1024 {
        quoted.push(paragraphs[from + quoted.len()].clone());
    }
    let changed = from + quoted.len() / 2;
    let k = changed - from;
    let verb = verbs[changed % verbs.len()];
    quoted[k] = quoted[k].replacen(verb, "forbids", 1);
    let quotation = format!("“{}”", quoted.join(" "));
    assert!(quotation.len() >= 7 * 1024);

    let doc = SourceText::new("s", "Clauses", "s.txt".into(), &source_text);
    let c = closest(&QuotePattern::parse(&quotation), &doc).expect("a closest passage");
    // The passage is the first quoted clause's: paragraph `from`, on line 2 * from + 1.
    assert_eq!(c.line, 2 * from + 1, "{}", &c.text[..c.text.len().min(200)]);
    assert!(c.text.starts_with(&format!("Clause {from} ")), "{}", c.text);
    assert_eq!(
        c.changes
            .iter()
            .map(|ch| (ch.source.as_str(), ch.article.as_str()))
            .collect::<Vec<_>>(),
        [(verb, "forbids")]
    );
    assert!(
        c.similarity > 0.99 && c.similarity < 1.0,
        "{}",
        c.similarity
    );
}
