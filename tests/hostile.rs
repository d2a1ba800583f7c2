//! Hostile input: truncated real files and random bytes never make a reader panic or
//! hang. Case counts stay modest so the suite stays quick.

mod common;

use std::path::Path;

use citecheck::model::Format;
use citecheck::readers;
use proptest::prelude::*;

const FORMATS: [Format; 4] = [
    Format::Text,
    Format::Markdown,
    Format::Wikitext,
    Format::Html,
];

fn read_all(text: &str) {
    for f in FORMATS {
        // Blank input is a clean error; anything else must give an article.
        if let Ok(a) = readers::parse("h", Path::new("h.txt"), f, text.to_string()) {
            for s in &a.sentences {
                assert!(s.start <= s.end || s.end <= text.len());
            }
        }
    }
    let _ = readers::html::to_text(text);
    let _ = readers::detect(Path::new("h.md"), text);
}

/// Real files of every format; `None` (skipped) without `../shared`.
fn samples() -> Option<Vec<String>> {
    let shared = common::shared("corpus")?;
    let paths = [
        shared.join("wikitext/Bodmin.txt"),
        shared.join("wikitext/Clint-Murchison-Sr..txt"),
        shared.join("neutrality-pact/soviet-japanese-neutrality-pact.txt"),
        common::fixture("markdown/essay.md"),
        common::fixture("html/lighthouse.html"),
    ];
    Some(
        paths
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
            .collect(),
    )
}

/// Markup fragments hostile input is built from: every opener without its closer.
const PIECES: &[&str] = &[
    "<ref>",
    "</ref>",
    "<ref name=x/>",
    "<ref name=\"x\">",
    "{{",
    "}}",
    "[[",
    "]]",
    "{|",
    "|}",
    "<!--",
    "-->",
    "'''",
    "''",
    "[^a]",
    "[^a]: ",
    "\n",
    "\n\n",
    "==",
    "= H =\n",
    "<references>",
    "{{sfn|A|1}}",
    "{{cite web|title=",
    "|",
    "<sup class=\"reference\"><a href=\"#cite_note-1\">",
    "<ol class=\"references\"><li id=\"cite_note-1\">",
    "</li>",
    "<h2>",
    "é",
    "日本",
    "&amp;",
    "&",
    "<nowiki>",
    "[http://x y]",
    "* ",
    "# ",
    "```",
    "    ",
    "\t",
    "[1]",
    "{{cn}}",
    "<div>",
    "<",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn truncated_files(which in 0usize..5, cut in 0.0f64..1.0) {
        let Some(samples) = samples() else { return Ok(()) };
        let text = &samples[which];
        let mut end = (text.len() as f64 * cut) as usize;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        read_all(&text[..end]);
    }

    #[test]
    fn random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        read_all(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn random_markup(parts in proptest::collection::vec(0usize..PIECES.len(), 0..120)) {
        let text: String = parts.iter().map(|&i| PIECES[i]).collect();
        read_all(&text);
    }
}

#[test]
fn deep_nesting_does_not_overflow() {
    let deep = "{{a|".repeat(5000) + &"[[".repeat(5000) + &"<div>".repeat(20000) + "x";
    read_all(&deep);
    let deep_md = "> ".repeat(2000) + "[^a]\n\n[^a]: b";
    read_all(&deep_md);
}

#[test]
fn many_unclosed_constructs_stay_linear() {
    // Each of these once cost a scan to the end of the text per occurrence.
    // Markers end sentences here: one 100 kB sentence would measure the sentence
    // segmenter (UAX #29 lookahead) rather than the readers.
    for piece in [
        "<math>",
        "<ref>",
        "X.[^a]\n",
        "<references>",
        "<nowiki>",
        "{{",
        "<!--",
    ] {
        let text = format!("Start. {}", piece.repeat(20_000));
        let started = std::time::Instant::now();
        read_all(&text);
        eprintln!("{piece:?} x 20000: {:?}", started.elapsed());
    }
}
