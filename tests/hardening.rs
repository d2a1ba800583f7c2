//! Issue 17: inputs beyond the safety issue's reach — a paragraph covered by thousands
//! of markers, deep queries, empty manifests, lone CR line endings, output injection,
//! clearer messages, recorded listings and content-true freshness.

mod common;

use std::path::Path;

use citecheck::model::CitationStatus;
use citecheck::position::Format;

/// Many uncited sentences then many markers on the last one: every sentence is covered
/// by the same markers, which are shared, not copied into each (that took 8 GB).
#[test]
fn many_implicit_sentences_share_many_markers() {
    let text = format!(
        "{}C d{}\n\nReferences\n\n[1] r\n",
        "A b. ".repeat(32_000),
        "[1]".repeat(32_000)
    );
    let a = citecheck::readers::parse("t", Path::new("b.txt"), Format::Text, text).unwrap();
    assert_eq!(a.sentences.len(), 32_001);
    assert_eq!(a.markers.len(), 32_000);
    let last = a.sentences.len() - 1;
    assert_eq!(a.sentences[last].status, CitationStatus::Cited);
    assert!(a.sentences[..last]
        .iter()
        .all(|s| s.status == CitationStatus::Implicit && s.covered_by == Some(last)));
    assert_eq!(a.covering_markers(0).len(), 32_000);
    assert_eq!(a.sentence_references(0), vec![0]);
    assert_eq!(a.sentences_citing(0).len(), 32_001);
}
