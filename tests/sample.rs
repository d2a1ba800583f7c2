//! Acceptance of the foundation on the real sample: the World Library export of
//! "Soviet–Japanese Neutrality Pact" in the bundled corpus.

mod common;

use std::path::Path;

use citecheck::model::{Article, CitationStatus, NonClaimKind};
use citecheck::Corpus;
use common::{citecheck_in, line_of, run, ROOT};

const ARTICLE: &str = "corpus/articles/soviet-japanese-neutrality-pact.txt";

fn sample() -> Article {
    let corpus = Corpus::load(&common::repo("corpus")).unwrap();
    let mut articles = citecheck::read_corpus(&corpus, |_| {}).unwrap();
    assert_eq!(articles.len(), 1);
    articles.remove(0)
}

#[test]
fn bundled_article_is_the_shared_sample_unchanged() {
    let Some(shared) = common::shared("corpus/neutrality-pact/soviet-japanese-neutrality-pact.txt")
    else {
        return;
    };
    let bundled = std::fs::read(common::repo(ARTICLE)).unwrap();
    let shared = std::fs::read(shared).unwrap();
    assert!(
        bundled == shared,
        "corpus/articles must be a byte-for-byte copy"
    );
}

#[test]
fn seven_markers_labelled_one_to_seven_on_their_lines() {
    let a = sample();
    let labels: Vec<&str> = a.markers.iter().map(|m| m.label.as_str()).collect();
    assert_eq!(labels, ["1", "2", "3", "4", "5", "6", "7"]);
    for m in &a.markers {
        let needle = format!("[{}]", m.label);
        assert_eq!(m.line, line_of(&a.text, &needle), "marker {}", m.label);
        assert_eq!(&a.text[m.offset..m.offset + m.len], needle);
        let line_start = a.text[..m.offset].rfind('\n').map_or(0, |p| p + 1);
        assert_eq!(m.column, a.text[line_start..m.offset].chars().count() + 1);
    }
    assert_eq!(a.markers[3].line, 36);
    assert!(a.markers.iter().all(|m| m.reference.is_some()));
}

#[test]
fn eight_references_with_declared_and_found_uses() {
    let a = sample();
    let labels: Vec<&str> = a.references.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(labels, ["1", "2", "3", "4", "5", "6", "7", "8"]);
    let declared: Vec<Option<usize>> = a.references.iter().map(|r| r.declared_uses).collect();
    assert_eq!(declared, [1, 2, 2, 2, 1, 1, 1, 1].map(Some));
    let found: Vec<usize> = a.references.iter().map(|r| r.found_uses).collect();
    assert_eq!(found, [1, 1, 1, 1, 1, 1, 1, 0]);
    assert_eq!(a.references[0].line, 50);
    assert_eq!(a.references[7].line, 57);
    assert!(a.references[3]
        .text
        .starts_with("Denunciation of the neutrality pact"));

    assert_eq!(a.bibliography.len(), 1);
    assert!(a.bibliography[0]
        .text
        .starts_with("Slavinsky, Boris (2003)"));
    assert_eq!(a.bibliography[0].line, 58);
}

#[test]
fn table_of_contents_and_sections() {
    let a = sample();
    let toc: Vec<&str> = a.toc.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(
        toc,
        [
            "Background and history",
            "Treaty",
            "Declaration",
            "Denunciation",
            "Declaration of War",
            "See also",
            "References"
        ]
    );
    let missing: Vec<&str> = a
        .toc
        .iter()
        .filter(|t| t.section.is_none())
        .map(|t| t.title.as_str())
        .collect();
    assert_eq!(missing, ["Treaty", "Declaration", "Denunciation"]);
    let headings: Vec<(&str, usize)> = a
        .sections
        .iter()
        .map(|s| (s.heading.as_str(), s.line))
        .collect();
    assert_eq!(
        headings,
        [
            ("Background and history", 24),
            ("Declaration of War", 45),
            ("See also", 47),
            ("References", 50)
        ]
    );
    assert_eq!(a.title.as_deref(), Some("Soviet–Japanese Neutrality Pact"));
}

#[test]
fn nothing_from_header_captions_toc_or_footer_is_article_text() {
    let a = sample();
    // Lines 1-11 are header, title and captions; 16-22 the TOC; 59 on the footer.
    for s in &a.sentences {
        assert!(
            s.line == 13 || (24..=40).contains(&s.line),
            "sentence from line {}: {}",
            s.line,
            s.text
        );
        for chrome in [
            "World Library",
            "Flag as Inappropriate",
            "Creative Commons",
            "Matsuoka signing",
            "Copyright",
        ] {
            assert!(!s.text.contains(chrome), "{chrome:?} in {:?}", s.text);
        }
    }
    for m in &a.markers {
        assert!((24..=40).contains(&m.line));
    }
    let kinds = |k: NonClaimKind| a.non_claims.iter().filter(|n| n.kind == k).count();
    assert_eq!(
        kinds(NonClaimKind::Caption),
        1,
        "the two caption lines under the title"
    );
    assert_eq!(kinds(NonClaimKind::TableOfContents), 1);
    assert!(kinds(NonClaimKind::Chrome) >= 2, "header and footer");
    let caption = a
        .non_claims
        .iter()
        .find(|n| n.kind == NonClaimKind::Caption)
        .unwrap();
    assert!(caption.text.contains("Matsuoka signing"));
}

#[test]
fn sentences_and_citation_scope() {
    let a = sample();
    let find = |start: &str| {
        a.sentences
            .iter()
            .find(|s| s.text.starts_with(start))
            .expect(start)
    };
    // A marker after the final punctuation ends that sentence.
    let power = find("This was symbolic");
    assert!(power.text.ends_with("bargaining power."));
    assert_eq!(power.status, CitationStatus::Cited);
    let pm = find("Since the time zone");
    assert!(
        pm.text.ends_with("at 11 p.m."),
        "p.m. does not end the sentence early: {}",
        pm.text
    );
    assert_eq!(pm.status, CitationStatus::Cited);
    // Earlier sentences of a paragraph are implicitly covered by its next marker.
    assert_eq!(find("On August 9, 1945").status, CitationStatus::Implicit);
    assert_eq!(find("Stalin believed").status, CitationStatus::Implicit);
    // A mid-sentence marker cites its sentence.
    assert_eq!(
        find("The treaty was signed in Moscow").status,
        CitationStatus::Cited
    );
    // Sentences after the paragraph's last marker are uncited.
    assert_eq!(
        find("The Soviet Union pledged").status,
        CitationStatus::Uncited
    );
    assert_eq!(
        find("The Soviet Union kept its promise").status,
        CitationStatus::Uncited
    );
    let denunciation = find("On April 5, 1945");
    assert!(denunciation
        .text
        .contains("\"in accordance with Article Three"));
    assert!(denunciation.text.ends_with("April 13, 1941.\""));
    assert_eq!(denunciation.markers.len(), 1);
    assert_eq!(a.markers[denunciation.markers[0]].label, "4");
    assert_eq!(a.sentences.len(), 21);
}

#[test]
fn every_reference_links_to_its_work() {
    let a = sample();
    let linked: Vec<&str> = a
        .references
        .iter()
        .map(|r| r.link.as_ref().unwrap().source.as_str())
        .collect();
    assert_eq!(
        linked,
        [
            "kissinger-diplomacy-1994",
            "neutrality-pact-1941",
            "mongolia-declaration-1941",
            "denunciation-1945",
            "time-so-sorry-mr-sato-1945",
            "hasegawa-racing-the-enemy-2005",
            "glantz-august-storm-2003",
            "soviet-declaration-of-war-1945",
        ]
    );
    for r in &a.references {
        let score = r.link.as_ref().unwrap().score;
        assert!(
            (0.5..=1.0).contains(&score),
            "reference {} links with score {score}",
            r.label
        );
    }
    assert_eq!(
        a.bibliography[0].link.as_ref().unwrap().source,
        "slavinsky-neutrality-pact-2003"
    );
}

#[test]
fn show_4_prints_the_denunciation() {
    let show = run(citecheck_in(Path::new(ROOT)).args(["show", "4"]));
    assert_eq!(show.code, 0, "{}", show.stderr);
    let out = show.stdout;
    assert!(
        out.contains("On April 5, 1945 the Soviet Union denounced the pact"),
        "{out}"
    );
    assert!(out.contains("\"in accordance with Article Three"), "{out}");
    assert!(out.contains("declared 2 uses, found 1"), "{out}");
    assert!(out.contains("denunciation-1945"), "{out}");
    assert!(out.contains("Denunciation of the Neutrality Pact"), "{out}");
    assert!(out.contains("unavailable"), "{out}");
    assert!(out.contains(":36:"), "the marker's line: {out}");
}

#[test]
fn parse_json_has_the_documented_shape() {
    let v = common::parse_json(Path::new("corpus"), Path::new(ARTICLE));
    assert_eq!(v["version"], 1);
    assert_eq!(v["title"], "Soviet–Japanese Neutrality Pact");
    assert_eq!(v["toc"].as_array().unwrap().len(), 7);
    assert_eq!(v["markers"].as_array().unwrap().len(), 7);
    assert_eq!(v["markers"][3]["label"], "4");
    assert_eq!(v["markers"][3]["line"], 36);
    for key in ["label", "line", "column", "offset"] {
        assert!(v["markers"][0].get(key).is_some(), "markers[].{key}");
    }
    let r = &v["references"][3];
    assert_eq!(r["declared_uses"], 2);
    assert_eq!(r["found_uses"], 1);
    assert_eq!(r["source"], "denunciation-1945");
    assert!(r["link_score"].as_f64().unwrap() > 0.5);
    assert_eq!(v["bibliography"][0]["line"], 58);
    let s = &v["sentences"][0];
    for key in ["text", "line", "column", "section", "status", "markers"] {
        assert!(s.get(key).is_some(), "sentences[].{key}");
    }
    assert_eq!(v["sections"][0]["heading"], "Background and history");
    assert_eq!(v["sections"][0]["level"], 2);
}

#[test]
fn html_report_colours_every_sentence_by_status() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.html");
    let report = run(citecheck_in(Path::new(ROOT))
        .args(["--quiet", "report", "--html"])
        .arg(&out));
    assert_eq!(report.code, 0, "{}", report.stderr);
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("<script"), "self-contained, no scripts");
    let a = sample();
    // Every sentence is one element classed by what check concluded. The sample has no
    // source texts: its cited claims are unverifiable; five uncited claims; the lead's
    // two uncited claims are exempt.
    assert_eq!(
        html.matches("<details class=\"s ").count(),
        a.sentences.len()
    );
    for (class, expected) in [
        ("unverifiable", 14),
        ("uncited-claim", 5),
        ("exempt-lead", 2),
        ("verified", 0),
    ] {
        assert_eq!(
            html.matches(&format!("<details class=\"s {class}")).count(),
            expected,
            "{class}"
        );
    }
    // The details of a sentence citing [4] give the reference's text.
    assert!(
        html.contains("[4]</a> Denunciation of the neutrality pact April 5, 1945."),
        "footnote in the details"
    );
    assert_eq!(html.matches("<sup>").count(), 7);
}
