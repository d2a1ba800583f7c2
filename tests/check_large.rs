//! Issue 17.2, the check half: inputs whose parse was quick but whose check was not,
//! because a per-word step copied the rest of the sentence (quadratic in its words).
//! Asserted on results; their time is in the closing note, never a test.

mod common;

/// Thousands of uncited sentences covered by the thousands of markers on the last one
/// (issue 17.1's input): checked, every sentence counted, none reported uncited.
#[test]
fn many_implicit_sentences_under_many_markers_are_checked() {
    let n = 16_000;
    let text = format!(
        "{}The gate closed{}\n\nReferences\n\n[1] r\n",
        "Ships sailed. ".repeat(n),
        "[1]".repeat(n)
    );
    let dir = common::write_corpus(None, &[("b.txt", text.as_bytes())]);
    let report = common::check_json(dir.path());
    assert_eq!(
        report["summary"]["sentences"],
        n + 1,
        "{}",
        report["summary"]
    );
    assert!(
        common::of_rule(&report, "uncited-claim").is_empty(),
        "{}",
        report["summary"]
    );
}

/// A long sentence of number words and digits (what `read_number` walks word by word)
/// still yields its numbers: the walk stops at the first word that cannot continue one.
#[test]
fn a_long_sentence_of_numbers_is_checked() {
    let words = "three hundred and twelve ships, 1,941 sailors and forty-two guns ".repeat(8_000);
    let text = format!(
        "Title\n\nThe lead.\n\nHistory\n\nIn 1941 {words}sailed.[1]\n\nReferences\n\n[1] r\n"
    );
    let dir = common::write_corpus(None, &[("a.txt", text.as_bytes())]);
    let report = common::check_json(dir.path());
    assert_eq!(report["summary"]["sentences"], 2, "{}", report["summary"]);
    assert!(common::of_rule(&report, "uncited-claim").is_empty());
}
