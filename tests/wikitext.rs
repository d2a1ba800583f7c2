//! The wikitext reader over the 65 real articles of `../shared/corpus/wikitext/`, with
//! counts checked by hand (grep for `<ref`, reading the reference lists).

mod common;

use std::path::{Path, PathBuf};

use citecheck::model::{Article, Format};
use citecheck::readers;

const WIKITEXT: &str = "corpus/wikitext";

/// The wikitext files of `../shared`, sorted; `None` (skipped) without `../shared`.
fn files() -> Option<Vec<PathBuf>> {
    let dir = common::shared(WIKITEXT)?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    Some(files)
}

/// One wikitext file of `../shared`, read as wikitext; `None` (skipped) without it.
fn parse(name: &str) -> Option<Article> {
    let path = common::shared(Path::new(WIKITEXT).join(name))?;
    Some(common::read_article(&path, Format::Wikitext))
}

fn uses(a: &Article, label: &str) -> usize {
    a.references_labelled(label)
        .map(|(_, r)| r.found_uses)
        .sum()
}

fn citation_needed(a: &Article) -> usize {
    common::citation_needed(a).len()
}

#[test]
fn all_files_parse_and_are_detected_as_wikitext() {
    let Some(files) = files() else { return };
    assert_eq!(files.len(), 65);
    let (mut refs, mut markers, mut flagged, mut problems) = (0, 0, 0, 0);
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let detected = readers::detect(path, &text);
        let article = readers::parse("t", path, Format::Auto, text.clone())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(detected, Format::Wikitext, "{}", path.display());
        // Every marker's reference, when it has one, carries its label.
        for m in &article.markers {
            if let Some(r) = m.reference {
                assert_eq!(article.references[r].label, m.label);
            }
        }
        refs += article.references.len();
        markers += article.markers.len();
        flagged += citation_needed(&article);
        problems += article.problems.len();
    }
    eprintln!("65 files: {refs} references, {markers} markers, {flagged} citation-needed sentences, {problems} reader problems");
    assert!(refs > 1000 && markers > refs);
}

#[test]
fn clint_murchison_named_reuses() {
    // 6 refs with content, all named; 11 `<ref name=…/>` reuses: "Van Buren" 6,
    // Aynesworth 2, "Chicago Tribune; June 21, 1969" 2, "Cockrell School…" 1.
    let Some(a) = parse("Clint-Murchison-Sr..txt") else {
        return;
    };
    assert_eq!(a.references.len(), 6);
    assert_eq!(a.markers.len(), 17);
    assert_eq!(uses(&a, "Van Buren"), 7);
    assert_eq!(uses(&a, "Aynesworth"), 3);
    assert_eq!(uses(&a, "Chicago Tribune; June 21, 1969"), 3);
    assert_eq!(uses(&a, "Cockrell School of Engineering"), 2);
    assert!(a.problems.is_empty());
    let r = &a.references[a.references_labelled("Van Buren").next().unwrap().0];
    assert_eq!(
        r.fields.author.as_deref(),
        Some("Van Buren, Ernestine Orrick")
    );
    assert_eq!(r.fields.work.as_deref(), Some("Handbook of Texas Online"));
    assert!(r.fields.url.as_deref().unwrap().contains("tshaonline.org"));
}

#[test]
fn britt_morgan_unnamed_refs_are_numbered_as_rendered() {
    // 5 refs with content (2 unnamed), 3 reuses: iafd 2, avn92 1. The unnamed ones are
    // the 3rd and 5th footnote numbers in order of first use.
    let Some(a) = parse("Britt-Morgan.txt") else {
        return;
    };
    assert_eq!(a.references.len(), 5);
    assert_eq!(a.markers.len(), 8);
    assert_eq!(uses(&a, "iafd"), 3);
    assert_eq!(uses(&a, "avn92"), 2);
    assert_eq!(uses(&a, "AVN HOF"), 1);
    let unnamed: Vec<&str> = a
        .references
        .iter()
        .filter(|r| r.label.parse::<usize>().is_ok())
        .map(|r| r.label.as_str())
        .collect();
    assert_eq!(unnamed, ["3", "5"]);
}

#[test]
fn earthquakes_list_defined_refs_in_reflist() {
    // 4 inline definitions and 2 defined inside `{{Reflist| … }}`; 32 reuses
    // ("NRC" 23, "NRC_search" 7, one per list-defined ref).
    let Some(a) = parse("earthquakes.txt") else {
        return;
    };
    assert_eq!(a.references.len(), 6);
    assert_eq!(a.markers.len(), 36);
    assert_eq!(uses(&a, "NRC"), 24);
    assert_eq!(uses(&a, "NRC_search"), 8);
    assert_eq!(uses(&a, "earthquakescanada-recent"), 1);
    assert_eq!(uses(&a, "earthquakescanada-index-eng"), 1);
    assert!(a.markers.iter().all(|m| m.reference.is_some()));
}

#[test]
fn toronto_star_citation_needed() {
    // 32 refs with content (20 unnamed), one reuse ("Lost in Translation"), and five
    // {{Citation needed}} tags on four sentences (two tags sit in one sentence).
    let Some(a) = parse("toronto_star.txt") else {
        return;
    };
    assert_eq!(a.references.len(), 32);
    assert_eq!(a.markers.len(), 33);
    assert_eq!(uses(&a, "Lost in Translation"), 2);
    assert_eq!(citation_needed(&a), 4);
    let flagged = common::citation_needed(&a);
    assert!(flagged
        .iter()
        .any(|s| s.contains("failed to do") && !s.contains("{{")));
}

#[test]
fn antique_band_reuses_and_tags() {
    // 7 refs with content, 6 reuses (espresso_news 3, allmusicbio 2, Nitro 1),
    // two {{citation needed}}.
    let Some(a) = parse("Antique-_band_.txt") else {
        return;
    };
    assert_eq!(a.references.len(), 7);
    assert_eq!(a.markers.len(), 13);
    assert_eq!(uses(&a, "espresso_news"), 4);
    assert_eq!(uses(&a, "allmusicbio"), 3);
    assert_eq!(uses(&a, "Nitro"), 2);
    assert_eq!(citation_needed(&a), 2);
}

#[test]
fn sentence_text_is_clean() {
    let Some(a) = parse("Bodmin.txt") else { return };
    let first = &a.sentences[0];
    assert_eq!(
        first.text,
        "Bodmin (Bosvena) is a civil parish and historic town in Cornwall, England, United Kingdom."
    );
    assert_eq!(first.line, 26);
    for s in &a.sentences {
        for junk in ["[[", "]]", "{{", "}}", "<ref", "'''", "''"] {
            assert!(!s.text.contains(junk), "{junk} in {:?}", s.text);
        }
    }
}

#[test]
fn markup_features_and_cite_errors() {
    let text = "\
'''Foo''' is a [[bar|baz]] town.<ref name=a>{{cite web |title=Foo history |url=http://x.org/foo |last=Smith |first=J. |date=2001 |access-date=2020-01-02 |archive-url=http://archive.org/foo |website=Towns}}</ref> It has a mill.{{citation needed|date=May 2019}}
It was founded in 1200.{{sfn|Jones|1999|p=12}} It grew.<ref name=a/> Later.{{sfn|Jones|1999|p=12}}
It lost a ref.<ref></ref> And a name.<ref name=missing/> Twice.<ref name=a>other text</ref>
A table follows.<ref group=note>A note.</ref>

{| class=wikitable
| cell<ref name=t>Table ref</ref>
|}

== Sources ==
* {{cite book |last=Jones |first=A. |year=1999 |title=The Town |publisher=Press}}

== References ==
<references>
<ref name=listed>Defined in the list.</ref>
</references>
Unclosed.<ref>never closed
";
    let a = readers::parse("t", Path::new("t.wiki"), Format::Auto, text.to_string()).unwrap();
    assert_eq!(a.format, Format::Wikitext);
    assert_eq!(a.sentences[0].text, "Foo is a baz town.");
    assert!(a.sentences[1].citation_needed);
    let r = &a.references[0];
    assert_eq!(r.label, "a");
    assert_eq!(r.fields.title.as_deref(), Some("Foo history"));
    assert_eq!(r.fields.author.as_deref(), Some("Smith, J."));
    assert_eq!(r.fields.access_date.as_deref(), Some("2020-01-02"));
    assert_eq!(
        r.fields.archive_url.as_deref(),
        Some("http://archive.org/foo")
    );
    assert_eq!(r.fields.work.as_deref(), Some("Towns"));
    // Identical {{sfn}}s are one reference with two uses, linked to the full citation.
    let (i, sfn) = a.references_labelled("Jones 1999, p. 12").next().unwrap();
    assert_eq!(sfn.found_uses, 2);
    assert_eq!(sfn.fields.title.as_deref(), Some("The Town"));
    assert_eq!(sfn.fields.pages.as_deref(), Some("12"));
    assert!(a.sentences_citing(i).len() >= 2);
    assert_eq!(a.bibliography.len(), 1);
    assert_eq!(uses(&a, "a"), 2 + 1);
    assert!(a
        .markers
        .iter()
        .any(|m| m.label == "missing" && m.reference.is_none()));
    assert_eq!(uses(&a, "t"), 1);
    assert_eq!(uses(&a, "listed"), 0);
    let note = a
        .references
        .iter()
        .find(|r| r.group.as_deref() == Some("note"))
        .unwrap();
    assert_eq!(note.found_uses, 1);
    let rules: Vec<&str> = a.problems.iter().map(|p| p.rule.name()).collect();
    assert!(rules.contains(&"empty-reference"), "{rules:?}");
    assert!(rules.contains(&"duplicate-reference"), "{rules:?}");
    assert!(rules.contains(&"unclosed-ref"), "{rules:?}");
}

#[test]
fn markdown_converted_pages_stay_on_the_text_reader() {
    let Some(pages) = common::shared("corpus/wikipedia-2019/articles") else {
        return;
    };
    let dir = std::fs::read_dir(&pages).unwrap_or_else(|e| panic!("{}: {e}", pages.display()));
    let mut wrong = Vec::new();
    for e in dir {
        let path = e.unwrap().path();
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let format = readers::detect(&path, &text);
        // A page the conversion left as raw wikitext (SoCal_Regionals_2016.md: ten
        // `<ref>`s, no `[n]`) is rightly read as wikitext.
        let raw_wikitext = text.matches("<ref").count() >= 3 && !text.contains("[1]");
        if format != Format::Text && !(format == Format::Wikitext && raw_wikitext) {
            wrong.push(path.display().to_string());
        }
    }
    assert!(
        wrong.is_empty(),
        "{} pages: {:?}",
        wrong.len(),
        &wrong[..wrong.len().min(5)]
    );
}

#[test]
fn no_markup_left_in_any_sentence() {
    // raith_rovers.txt has lost its line breaks (headings run into prose), and one
    // United-Kingdom.txt sentence has a broken `{{cite web` without `{{`: the source
    // text is the markup there.
    let Some(files) = files() else { return };
    let mut leaks = Vec::new();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let a = common::read_article(&path, Format::Wikitext);
        for s in &a.sentences {
            let leaked = ["[[", "]]", "{{", "==", "<ref", "<gallery", "{|", "'''"]
                .iter()
                .any(|m| s.text.contains(m));
            if leaked && name != "raith_rovers.txt" && !s.text.contains("1980scite web") {
                leaks.push(format!("{name}:{}: {}", s.line, s.text));
            }
        }
    }
    assert!(leaks.is_empty(), "{}", leaks.join("\n"));
}
