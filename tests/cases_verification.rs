//! The verification patterns of `../shared/cases/verification/` (issue 10): each case is
//! a small corpus (one article, one charter), checked with `check --format json` on a
//! copy. The outcome each must give is the one issue 10's acceptance lists; the tests
//! that fail until issue 10 lands are ignored with the reason, for its helper to turn on.

mod common;

use common::{check_json, findings, of_rule};
use serde_json::Value;

/// `check --format json` on a copy of `cases/verification/NAME`; `None` (skipped)
/// without `../shared`.
fn checked(name: &str) -> Option<Value> {
    let case = common::shared(format!("cases/verification/{name}"))?;
    let copy = common::copy_corpus(case);
    Some(check_json(copy.path()))
}

/// (rule, severity, line) of each finding, in report order.
fn outcomes(findings: &[Value]) -> Vec<(String, String, u64)> {
    findings
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// The findings that say a cited source does not support the sentence, at a level that
/// fails a build (warning or error); notes do not count.
fn verification_alarms(report: &Value) -> Vec<Value> {
    findings(report)
        .into_iter()
        .filter(|f| {
            ["quote-not-in-source", "fact-not-in-source"].contains(&f["rule"].as_str().unwrap())
                && f["severity"] != "note"
        })
        .collect()
}

/// What a finding tells the reader beyond its place: message, notes and help.
fn explanation(f: &Value) -> String {
    format!("{} {} {}", f["message"], f["notes"], f["help"])
}

fn has_word(text: &str, word: &str) -> bool {
    text.split(|c: char| !c.is_alphanumeric())
        .any(|w| w == word)
}

// ------------------------------------------------------------------- 1-cocited

/// "twenty shillings" where the charter says "twelve", cited to the charter alone.
#[test]
fn cocited_quotation_cited_alone_is_flagged() {
    let Some(v) = checked("1-cocited") else {
        return;
    };
    let quotes = of_rule(&v, "quote-not-in-source");
    assert!(
        outcomes(&quotes).contains(&("quote-not-in-source".into(), "error".into(), 5)),
        "{quotes:#?}"
    );
}

/// The same false quotation cited to the charter and to a book without text: the
/// charter still has text, so it is checked against it and flagged.
#[test]
#[ignore = "issue 10: a sentence also citing a work without text is verified against the works that have text"]
fn cocited_false_quotation_is_flagged() {
    let Some(v) = checked("1-cocited") else {
        return;
    };
    let quotes = of_rule(&v, "quote-not-in-source");
    assert_eq!(
        outcomes(&quotes),
        [3, 5].map(|line| ("quote-not-in-source".to_string(), "error".to_string(), line)),
        "{quotes:#?}"
    );
    assert_eq!(quotes[0]["source"], "charter");
}

// ------------------------------------------------------------------ 2-autolink

/// A book *about* the charter, linked automatically by its title: not confidently the
/// charter, so its claims are not verified against it (no alarm) and count unverifiable.
#[test]
#[ignore = "issue 10: a weak automatic link (a book about the charter) is not verified against the charter"]
fn book_about_the_charter_is_not_verified_against_it() {
    let Some(v) = checked("2-autolink") else {
        return;
    };
    let alarms = verification_alarms(&v);
    assert!(alarms.is_empty(), "{alarms:#?}");
    let s = &v["summary"];
    assert_eq!(s["verified"], 0, "{s}");
    assert_eq!(s["unsupported"], 0, "{s}");
    assert_eq!(s["unverifiable"], 1, "{s}");
}

// ------------------------------------------------------------ 3-quote-variants

/// An ellipsis (line 3), a bracketed insertion (line 5), "Article Three" for "Article 3"
/// and "5-year" for "five-year" (line 7) are how editors quote: verified. Only the
/// changed word of line 9 ("pay" for "paid") stays a finding.
#[test]
#[ignore = "issue 10: ellipses, [brackets], number words and digits are editors' quoting, not misquotations"]
fn editors_quotation_variants_are_verified() {
    let Some(v) = checked("3-quote-variants") else {
        return;
    };
    let alarms = verification_alarms(&v);
    assert_eq!(
        outcomes(&alarms),
        [("quote-not-in-source".to_string(), "error".to_string(), 9)],
        "{alarms:#?}"
    );
    let s = &v["summary"];
    assert_eq!(s["verified"], 3, "{s}");
    assert_eq!(s["unsupported"], 1, "{s}");
}

#[test]
fn one_changed_word_in_a_quotation_is_an_error() {
    let Some(v) = checked("3-quote-variants") else {
        return;
    };
    let line_9: Vec<Value> = of_rule(&v, "quote-not-in-source")
        .into_iter()
        .filter(|f| f["line"] == 9)
        .collect();
    assert_eq!(line_9.len(), 1, "{:#}", v["findings"]);
    assert_eq!(line_9[0]["severity"], "error");
    assert_eq!(line_9[0]["source"], "charter");
}

/// The finding shows the word-level difference: the source says "paid", the article
/// says "pay".
#[test]
#[ignore = "issue 10: a quotation finding shows a word-level diff of the closest passage"]
fn one_changed_word_shows_its_diff() {
    let Some(v) = checked("3-quote-variants") else {
        return;
    };
    let f = of_rule(&v, "quote-not-in-source")
        .into_iter()
        .find(|f| f["line"] == 9)
        .expect("the changed word is flagged");
    let text = explanation(&f);
    assert!(
        has_word(&text, "paid") && has_word(&text, "pay"),
        "both sides of the diff: {text}"
    );
}

// ------------------------------------------------------------- 4-bag-of-words

/// "seven years" (the charter runs twenty; seven is the wardens), "Dover" (the wardens
/// are from Calais) and "United Nations" (the charter has "Board of Nations"): each
/// value occurs somewhere in the source but not where the claim is, so each is flagged.
#[test]
#[ignore = "issue 10: facts are looked up in the passages matching the claim; single-word and whole multiword names are checked"]
fn facts_found_elsewhere_in_the_source_are_flagged() {
    let Some(v) = checked("4-bag-of-words") else {
        return;
    };
    let facts = of_rule(&v, "fact-not-in-source");
    assert_eq!(
        outcomes(&facts),
        [3, 3, 3].map(|line| (
            "fact-not-in-source".to_string(),
            "warning".to_string(),
            line
        )),
        "{facts:#?}"
    );
    for (fact, sentence) in [
        ("seven", "The charter ran for seven years."),
        ("Dover", "The quay was kept by wardens from Dover."),
        (
            "United Nations",
            "The dues were paid to the United Nations.",
        ),
    ] {
        let f = facts
            .iter()
            .find(|f| f["sentence"] == sentence)
            .unwrap_or_else(|| panic!("no finding on {sentence:?}: {facts:#?}"));
        assert!(f["message"].as_str().unwrap().contains(fact), "{f:#}");
        assert_eq!(f["source"], "charter");
    }
}

// ---------------------------------------------------------- 5-words-vs-digits

/// The source gives the date, the count and the towns in words ("the fourth day of
/// March, in the year one thousand seven hundred and ninety-one", "forty-eight", three
/// towns named one by one): all verified; a count given as a list is at most a note.
#[test]
#[ignore = "issue 10: numbers and dates written in words in the source verify digits in the article"]
fn facts_the_source_states_in_words_are_verified() {
    let Some(v) = checked("5-words-vs-digits") else {
        return;
    };
    let alarms = verification_alarms(&v);
    assert!(alarms.is_empty(), "{alarms:#?}");
    let s = &v["summary"];
    assert_eq!(s["verified"], 1, "{s}");
    assert_eq!(s["unsupported"], 0, "{s}");
}
