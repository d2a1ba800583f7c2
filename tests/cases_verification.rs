//! The verification patterns of `../shared/cases/verification/` (issue 10): each case is
//! a small corpus (one article, one charter), checked with `check --format json` on a
//! copy. The outcome each must give is the one issue 10's acceptance lists, then the
//! evidence, diffs and verification records a reader of the report relies on.

mod common;

use common::{check_json, finding_rows, findings, of_rule, verification_record};
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

// ------------------------------------------- evidence, diffs and records per case

#[test]
fn a_false_quotation_is_flagged_even_when_a_book_without_text_is_cited_too() {
    let Some(v) = checked("1-cocited") else {
        return;
    };
    let quotes = of_rule(&v, "quote-not-in-source");
    assert_eq!(quotes.len(), 2, "{:#}", v["findings"]);
    // Both the co-cited sentence and the one citing the charter alone.
    assert_eq!(quotes[0]["line"], 3);
    assert_eq!(quotes[1]["line"], 5);
    let notes = quotes[0]["notes"].to_string();
    assert!(
        notes.contains("source says “twelve”, article says “twenty”"),
        "{notes}"
    );
    let r = verification_record(&v, "fixed the dues");
    assert_eq!(r["checked"], serde_json::json!(["charter"]));
    assert_eq!(r["unchecked"], serde_json::json!(["smith-1990"]));
    assert_eq!(r["result"], "not-found");
    assert_eq!(quotes[0]["evidence"][0]["source"], "charter");
    assert_eq!(quotes[0]["evidence"][0]["line"], 1);
}

#[test]
fn a_book_about_the_charter_is_not_verified_against_the_charter() {
    let Some(v) = checked("2-autolink") else {
        return;
    };
    let rows = finding_rows(&v);
    assert!(
        !rows
            .iter()
            .any(|(rule, ..)| rule == "fact-not-in-source" || rule == "quote-not-in-source"),
        "{rows:?}"
    );
    let weak = &of_rule(&v, "unlinked-reference")[0];
    assert_eq!(weak["severity"], "note");
    assert!(weak["message"].as_str().unwrap().contains("`charter`"));
    let notes = weak["notes"].to_string();
    assert!(notes.contains("author"), "{notes}");
    assert!(notes.contains("critics"), "{notes}");
    assert_eq!(v["summary"]["unverifiable"], 1);
    assert_eq!(v["summary"]["verified"], 0);
}

#[test]
fn editors_quotations_are_verified_and_a_changed_word_is_not() {
    let Some(v) = checked("3-quote-variants") else {
        return;
    };
    let rows = finding_rows(&v);
    // Ellipsis, bracket, "Article Three"/"5-year": verified; "pay" for "paid": the one finding.
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].0, "quote-not-in-source");
    assert_eq!(rows[0].2, 9);
    let notes = findings(&v)[0]["notes"].to_string();
    assert!(
        notes.contains("source says “paid”, article says “pay”"),
        "{notes}"
    );
    for needle in ["paid ... to", "[the] dues", "5-year term"] {
        assert_eq!(
            verification_record(&v, needle)["result"],
            "verified",
            "{needle}"
        );
    }
    assert_eq!(v["summary"]["verified"], 3);
    assert_eq!(v["summary"]["not_found"], 1);
}

#[test]
fn facts_are_looked_up_where_the_claim_is_not_anywhere_in_the_source() {
    let Some(v) = checked("4-bag-of-words") else {
        return;
    };
    let facts: Vec<String> = of_rule(&v, "fact-not-in-source")
        .iter()
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(facts.len(), 3, "{facts:?}");
    assert!(facts[0].contains("“seven”"), "{facts:?}");
    assert!(facts[1].contains("“Dover”"), "{facts:?}");
    assert!(facts[2].contains("“United Nations”"), "{facts:?}");
    // Each says what the passage it was looked for in says.
    for f in of_rule(&v, "fact-not-in-source") {
        assert!(f["notes"].to_string().contains("source says"), "{f:#}");
    }
}

#[test]
fn numbers_and_dates_in_words_and_a_listed_count_are_verified() {
    let Some(v) = checked("5-words-vs-digits") else {
        return;
    };
    assert!(findings(&v).is_empty(), "{:#}", v["findings"]);
    let r = verification_record(&v, "March 4, 1791");
    assert_eq!(r["result"], "verified");
    let claims = r["claims"].as_array().unwrap();
    assert!(claims.iter().all(|c| c["outcome"] == "found"), "{r:#}");
    let towns = claims.iter().find(|c| c["text"] == "three").unwrap();
    assert!(
        towns["notes"].to_string().contains("Anport, Bexley"),
        "{towns:#}"
    );
}
