//! The reader cases of `../shared/cases/readers/` (issue 13, items 1–7): minimal
//! articles where citecheck's model differed from how MediaWiki, GFM renderers or
//! Wikipedia's HTML read the same input. Each file is copied alone into a corpus of its
//! own and read through the binary (`parse --format json`, `check --format json`); the
//! expected model is the one in the cases' README.
//!
//! After them, minimal inputs written here for the other reader items of issue 13
//! (items 3, 7, 8, 10 and 15), read the same way from a corpus of their own.

mod common;

use std::path::PathBuf;

use common::{check_json, of_rule, parse_json};
use serde_json::Value;
use tempfile::TempDir;

/// A reader case as the user would meet it: the file alone in a corpus without a
/// manifest, its parsed model and its check report. `None` (skipped) without `../shared`.
struct Case {
    _corpus: TempDir,
    model: Value,
    report: Value,
}

fn case(file: &str) -> Option<Case> {
    let original = common::shared(format!("cases/readers/{file}"))?;
    let corpus = tempfile::tempdir().unwrap();
    let path: PathBuf = corpus.path().join(file);
    std::fs::copy(&original, &path).unwrap_or_else(|e| panic!("{}: {e}", original.display()));
    let model = parse_json(corpus.path(), &path);
    let report = check_json(corpus.path());
    Some(Case {
        _corpus: corpus,
        model,
        report,
    })
}

fn array<'a>(v: &'a Value, key: &str) -> &'a Vec<Value> {
    v[key]
        .as_array()
        .unwrap_or_else(|| panic!("no {key} array: {v:#}"))
}

/// The references of the model whose text contains `needle`.
fn references_with<'a>(model: &'a Value, needle: &str) -> Vec<&'a Value> {
    array(model, "references")
        .iter()
        .filter(|r| r["text"].as_str().unwrap().contains(needle))
        .collect()
}

/// The one reference whose text contains `needle`.
fn reference_with<'a>(model: &'a Value, needle: &str) -> &'a Value {
    let found = references_with(model, needle);
    assert_eq!(found.len(), 1, "one reference with {needle:?}: {model:#}");
    found[0]
}

fn all_markers_resolve(model: &Value) {
    for m in array(model, "markers") {
        assert_eq!(m["resolved"], true, "{m}");
    }
}

/// Item 1: A citation inside an HTML note's text is a marker: the Parish register is cited
/// once, from note 1; no `unused-reference`.
#[test]
fn html_note_cites_a_reference() {
    let Some(c) = case("01-html-note-cites-reference.html") else {
        return;
    };
    assert_eq!(c.model["format"], "html");
    assert_eq!(array(&c.model, "markers").len(), 3, "{:#}", c.model);
    all_markers_resolve(&c.model);
    assert_eq!(reference_with(&c.model, "Parish register")["found_uses"], 1);
    assert_eq!(reference_with(&c.model, "County history")["found_uses"], 1);
    let note = reference_with(&c.model, "The date is disputed");
    assert_eq!(
        (&note["group"], &note["found_uses"]),
        (&"note".into(), &1.into())
    );
    let unused = of_rule(&c.report, "unused-reference");
    assert!(unused.is_empty(), "{unused:#?}");
}

/// Item 2: `follow=` continues footnote `p`: two footnotes, `p` (part one then part two,
/// used once) and Jones, numbered 2.
#[test]
fn wikitext_follow_continues_a_footnote() {
    let Some(c) = case("02-wikitext-follow.wiki") else {
        return;
    };
    let refs = array(&c.model, "references");
    let got: Vec<(&str, u64)> = refs
        .iter()
        .map(|r| {
            (
                r["label"].as_str().unwrap(),
                r["found_uses"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, [("p", 1), ("2", 1)], "{refs:#?}");
    let p = refs[0]["text"].as_str().unwrap();
    let (one, two) = (p.find("part one"), p.find("part two"));
    assert!(one.is_some() && two.is_some() && one < two, "{p:?}");
    assert!(refs[1]["text"].as_str().unwrap().contains("Jones, Bridges"));
    let labels: Vec<&str> = array(&c.model, "markers")
        .iter()
        .map(|m| m["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["p", "2"]);
}

/// Item 3: Names are compared after decoding character references: `AT&amp;T` and `AT&T`
/// are one reference with 2 uses.
#[test]
fn wikitext_entity_in_a_name() {
    let Some(c) = case("03-wikitext-entity-in-name.wiki") else {
        return;
    };
    let refs = array(&c.model, "references");
    assert_eq!(refs.len(), 1, "{refs:#?}");
    assert_eq!(refs[0]["found_uses"], 2);
    assert_eq!(array(&c.model, "markers").len(), 2);
    all_markers_resolve(&c.model);
    let unknown = of_rule(&c.report, "unknown-footnote");
    assert!(unknown.is_empty(), "{unknown:#?}");
}

/// Item 4: A quoted attribute value may hold `>`: one reference `a>b` with 2 uses and text
/// "Smith, Rules."; group `n>1` keeps its note, listed by its own `<references group/>`.
#[test]
fn wikitext_quoted_angle_in_an_attribute() {
    let Some(c) = case("04-wikitext-quoted-angle-in-attribute.wiki") else {
        return;
    };
    let refs = array(&c.model, "references");
    let ungrouped: Vec<&Value> = refs.iter().filter(|r| r["group"].is_null()).collect();
    assert_eq!(ungrouped.len(), 1, "{refs:#?}");
    assert_eq!(ungrouped[0]["label"], "a>b");
    assert_eq!(ungrouped[0]["found_uses"], 2);
    assert_eq!(ungrouped[0]["text"], "Smith, Rules.");
    let notes: Vec<&Value> = refs.iter().filter(|r| r["group"] == "n>1").collect();
    assert_eq!(notes.len(), 1, "{refs:#?}");
    assert_eq!(notes[0]["text"], "A group note.");
    assert_eq!(notes[0]["found_uses"], 1);
    assert_eq!(refs.len(), 2);
    assert_eq!(array(&c.model, "markers").len(), 3);
    all_markers_resolve(&c.model);
    let errors: Vec<&Value> = array(&c.report, "findings")
        .iter()
        .filter(|f| f["severity"] == "error")
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

/// Item 5: Each `<references/>` closes a list: the first use of `s` (line 2) is undefined for
/// the first list; the second list defines it, and that is no duplicate.
#[test]
fn wikitext_two_reference_lists() {
    let Some(c) = case("05-wikitext-two-reference-lists.wiki") else {
        return;
    };
    let unknown = of_rule(&c.report, "unknown-footnote");
    let at: Vec<(u64, &str)> = unknown
        .iter()
        .map(|f| (f["line"].as_u64().unwrap(), f["footnote"].as_str().unwrap()))
        .collect();
    assert_eq!(at, [(2, "s")], "{unknown:#?}");
    assert!(of_rule(&c.report, "duplicate-reference").is_empty());
    let resolved: Vec<(u64, bool)> = array(&c.model, "markers")
        .iter()
        .map(|m| {
            (
                m["line"].as_u64().unwrap(),
                m["resolved"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(resolved, [(2, false), (6, true)]);
    assert_eq!(reference_with(&c.model, "Smith, Towers.")["found_uses"], 1);
}

/// Item 6: A `.md` file with an inline note `^[…]` and a label with an escaped `]` is a
/// Markdown footnote file: 2 markers, 2 references, no uncited claim.
#[test]
fn markdown_inline_note_and_escaped_label() {
    let Some(c) = case("06-markdown-inline-note.md") else {
        return;
    };
    assert_eq!(c.model["format"], "markdown");
    assert_eq!(array(&c.model, "markers").len(), 2, "{:#}", c.model);
    assert_eq!(array(&c.model, "references").len(), 2);
    all_markers_resolve(&c.model);
    let uncited = of_rule(&c.report, "uncited-claim");
    assert!(uncited.is_empty(), "{uncited:#?}");
}

/// Item 7: A footnote in group `note` with no `<references group="note"/>` is shown to no
/// reader: a finding on it (whatever the rule's name), naming the group.
#[test]
fn wikitext_group_without_a_list() {
    let Some(c) = case("07-wikitext-group-without-list.wiki") else {
        return;
    };
    let about_the_group: Vec<&Value> = array(&c.report, "findings")
        .iter()
        .filter(|f| !["uncited-claim", "unlinked-reference"].contains(&f["rule"].as_str().unwrap()))
        .collect();
    assert_eq!(about_the_group.len(), 1, "{about_the_group:#?}");
    let f = about_the_group[0];
    assert_eq!(f["line"], 1, "{f:#}");
    assert!(f["message"].as_str().unwrap().contains("note"), "{f:#}");
}

// ------------------------------------------------- the other items, minimal inputs

/// A corpus holding `files` (and `corpus.toml` when given): the parsed model of the
/// first file and the check report.
fn written(manifest: Option<&str>, files: &[(&str, &str)]) -> (TempDir, Value, Value) {
    let bytes: Vec<(&str, &[u8])> = files.iter().map(|(n, t)| (*n, t.as_bytes())).collect();
    let corpus = common::write_corpus(manifest, &bytes);
    let model = parse_json(corpus.path(), &corpus.path().join(files[0].0));
    let report = check_json(corpus.path());
    (corpus, model, report)
}

/// (label, group, found_uses) of every reference.
fn uses(model: &Value) -> Vec<(String, Option<String>, u64)> {
    array(model, "references")
        .iter()
        .map(|r| {
            (
                r["label"].as_str().unwrap().to_string(),
                r["group"].as_str().map(str::to_string),
                r["found_uses"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn sentence_texts(model: &Value) -> Vec<&str> {
    array(model, "sentences")
        .iter()
        .map(|s| s["text"].as_str().unwrap())
        .collect()
}

/// Item 1: two reference lists without groups, both numbered from 1: a marker resolves
/// to the entry its `#cite_note-…` anchor names, whatever number it shows; an anchor
/// that names no entry resolves to nothing, not to the entry showing the same number.
#[test]
fn html_lists_numbered_from_one_stay_apart() {
    let page = r##"<html><body>
<p>The bridge opened in 1901.<sup class="reference"><a href="#cite_note-a">[a]</a></sup> It closed in 1950.<sup class="reference"><a href="#cite_note-1">[1]</a></sup> It was sold.<sup class="reference"><a href="#cite_note-gone">[2]</a></sup></p>
<h2>Notes</h2>
<ol class="references"><li id="cite_note-a"><span class="mw-cite-backlink"><a href="#cite_ref-a">^</a></span> <span class="reference-text">Some say 1902.</span></li></ol>
<h2>References</h2>
<ol class="references"><li id="cite_note-1"><span class="mw-cite-backlink"><a href="#cite_ref-1">^</a></span> <span class="reference-text">Bridges of the county.</span></li><li id="cite_note-2"><span class="mw-cite-backlink"><a href="#cite_ref-2">^</a></span> <span class="reference-text">Sales ledger.</span></li></ol>
</body></html>
"##;
    let (_c, model, report) = written(None, &[("bridge.html", page)]);
    let refs = array(&model, "references");
    let texts: Vec<(&str, u64)> = refs
        .iter()
        .map(|r| {
            (
                r["text"].as_str().unwrap(),
                r["found_uses"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        texts,
        [
            ("Some say 1902.", 1),
            ("Bridges of the county.", 1),
            ("Sales ledger.", 0)
        ],
        "{refs:#?}"
    );
    let resolved: Vec<bool> = array(&model, "markers")
        .iter()
        .map(|m| m["resolved"].as_bool().unwrap())
        .collect();
    assert_eq!(resolved, [true, true, false]);
    assert_eq!(of_rule(&report, "unknown-footnote").len(), 1, "{report:#}");
}

/// Item 3: character references are characters in sentence text — in prose, in a
/// link's target, in `<nowiki>` — and positions after them still point at the file.
#[test]
fn wikitext_character_references_in_sentence_text() {
    let page = "The caf&eacute; sold &frac12; a loaf to [[AT&amp;T]] at&nbsp;noon, <nowiki>&#38;</nowiki> more.<ref>Baker, Loaves.</ref> It shut.<ref>Baker, Closures.</ref>\n";
    let (_c, model, _r) = written(None, &[("cafe.wiki", page)]);
    assert_eq!(
        sentence_texts(&model),
        [
            "The café sold ½ a loaf to AT&T at noon, & more.",
            "It shut."
        ]
    );
    let second = &array(&model, "sentences")[1];
    let column = page.find("It shut.").unwrap() + 1;
    assert_eq!(second["column"], column, "{second:#}");
    let markers = array(&model, "markers");
    assert_eq!(markers[0]["column"], page.find("<ref>").unwrap() + 1);
}

/// Item 7: GFM compares labels by their source text: `[^a\+b]` does not cite
/// `[^a+b]`, and `[^a\]b]` cites `[^a\]b]`.
#[test]
fn markdown_labels_match_by_source_text() {
    let page = "# Labels\n\nOne claim.[^a\\+b] Another claim.[^x\\]y]\n\n[^a+b]: Plus source.\n\n[^x\\]y]: Bracket source.\n";
    let (_c, model, report) = written(None, &[("labels.md", page)]);
    assert_eq!(model["format"], "markdown");
    let markers: Vec<(&str, bool)> = array(&model, "markers")
        .iter()
        .map(|m| {
            (
                m["label"].as_str().unwrap(),
                m["resolved"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(markers, [("a\\+b", false), ("x\\]y", true)], "{model:#}");
    assert_eq!(
        uses(&model),
        [("a+b".into(), None, 0), ("x\\]y".into(), None, 1)]
    );
    assert_eq!(of_rule(&report, "unknown-footnote").len(), 1);
}

/// Item 7: a label over 999 characters is no label: neither its `[^…]` nor its
/// `[^…]:` line is a footnote; one of 999 characters still is.
#[test]
fn markdown_labels_over_999_characters_are_not_labels() {
    let long = "x".repeat(1000);
    let most = "y".repeat(999);
    let page = format!(
        "# Long\n\nThe long one.[^{long}] The longest label.[^{most}]\n\n[^{long}]: Not a definition.\n\n[^{most}]: A definition.\n"
    );
    let (_c, model, _r) = written(None, &[("long.md", &page)]);
    let markers = array(&model, "markers");
    assert_eq!(markers.len(), 1, "{markers:#?}");
    assert_eq!(markers[0]["label"], most.as_str());
    let refs = uses(&model);
    assert_eq!(refs, [(most.clone(), None, 1)]);
    assert!(sentence_texts(&model)
        .iter()
        .any(|s| s.contains("Not a definition.")));
}

/// Item 7: `parse FILE` reads a file of the corpus with the manifest's `format =`, as
/// `check` does; `--input` still overrides it.
#[test]
fn parse_honours_the_manifest_format() {
    let manifest = "[[article]]\nid = \"pact\"\nfile = \"pact.txt\"\nformat = \"markdown\"\n";
    let page = "# Pact\n\nThe pact was signed.[^1]\n\n[^1]: A history.\n";
    let (corpus, model, report) = written(Some(manifest), &[("pact.txt", page)]);
    assert_eq!(model["format"], "markdown", "{model:#}");
    assert_eq!(uses(&model), [("1".into(), None, 1)]);
    assert!(of_rule(&report, "uncited-claim").is_empty());
    let run = common::run(
        common::citecheck()
            .arg("--corpus")
            .arg(corpus.path())
            .arg("parse")
            .arg(corpus.path().join("pact.txt"))
            .args(["--format", "json", "--input", "text"]),
    );
    assert_eq!(run.json()["format"], "text");
}

/// Item 8: a ref named "1" is not the unnamed ref MediaWiki numbers 1: two references,
/// the named one cited twice, no duplicate.
#[test]
fn wikitext_ref_named_1_is_not_unnamed_ref_1() {
    let page = "The town is old.<ref>Smith, Towns.</ref> It grew.<ref name=\"1\">Jones, Growth.</ref> It grew again.<ref name=\"1\"/>\n\n<references/>\n";
    let (_c, model, report) = written(None, &[("town.wiki", page)]);
    let refs = uses(&model);
    assert_eq!(refs.len(), 2, "{refs:?}");
    assert_eq!(reference_with(&model, "Smith, Towns.")["found_uses"], 1);
    assert_eq!(reference_with(&model, "Jones, Growth.")["found_uses"], 2);
    assert!(of_rule(&report, "duplicate-reference").is_empty());
    all_markers_resolve(&model);
}

/// Item 8: `<ref>a <ref>b</ref> c</ref>` is what MediaWiki makes of it: one ref whose
/// content runs to the first `</ref>`, then plain text; nothing is unclosed. A ref
/// whose `</ref>` was forgotten, with refs in later paragraphs, is still unclosed at
/// its own paragraph and takes no later one with it.
#[test]
fn wikitext_ref_inside_a_ref() {
    let page = "It had a mill.<ref>a <ref>b</ref> c</ref> The mill burned.<ref>Fire report.</ref>\n\nForgotten.<ref>never closed\n\nLater.<ref>Kept.</ref>\n";
    let (_c, model, report) = written(None, &[("mill.wiki", page)]);
    let texts: Vec<&str> = array(&model, "references")
        .iter()
        .map(|r| r["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts,
        ["a <ref>b", "Fire report.", "never closed", "Kept."],
        "{model:#}"
    );
    assert_eq!(array(&model, "markers").len(), 4);
    all_markers_resolve(&model);
    let unclosed: Vec<u64> = of_rule(&report, "unclosed-ref")
        .iter()
        .map(|f| f["line"].as_u64().unwrap())
        .collect();
    assert_eq!(unclosed, [3]);
}

/// Item 8: an unclosed `<nowiki>` is no tag: the refs after it in its paragraph, and
/// the templates after it in the page, are still read.
#[test]
fn wikitext_refs_after_an_unclosed_nowiki() {
    let page = "A <nowiki> tag is left open.<ref>Brown, Tags.</ref> It stays.<ref name=b>Brown, More.</ref>\n\nLater text.{{sfn|Brown|1999|p=3}}\n\n== Sources ==\n* {{cite book |last=Brown |year=1999 |title=Tags}}\n";
    let (_c, model, _r) = written(None, &[("tags.wiki", page)]);
    assert_eq!(array(&model, "markers").len(), 3, "{model:#}");
    all_markers_resolve(&model);
    assert_eq!(reference_with(&model, "Brown, Tags.")["found_uses"], 1);
    assert_eq!(reference_with(&model, "Brown, More.")["found_uses"], 1);
    let texts = sentence_texts(&model);
    assert!(texts[0].ends_with("tag is left open."), "{texts:?}");
    assert_eq!(texts[1], "It stays.");
}

/// Item 10: Markdown's `## References` holding only `[^1]: …` definitions is not an
/// empty section.
#[test]
fn markdown_references_section_of_definitions_is_not_empty() {
    let page =
        "# Pact\n\nThe pact was signed.[^1]\n\n## References\n\n[^1]: A history of the pact.\n";
    let (_c, _model, report) = written(None, &[("pact.md", page)]);
    let missing = of_rule(&report, "missing-section");
    assert!(missing.is_empty(), "{missing:#?}");
}

/// Item 15: `[0]`, `[001]` and `_L_[0]` in code and formulas are not footnote markers.
#[test]
fn bracket_zero_is_no_footnote_marker() {
    let page = "The algorithm is old.[1]\n\n  largest ← _L_[0]\n  for each item in _L_, do\n\nIt is viewed along the [001] axis, and the first cell is A[0].[2]\n\n[1] A. Writer, Algorithms.\n\n[2] B. Writer, Crystals.\n";
    let (_c, model, report) = written(None, &[("algorithm.md", page)]);
    let labels: Vec<&str> = array(&model, "markers")
        .iter()
        .map(|m| m["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["1", "2"], "{model:#}");
    all_markers_resolve(&model);
    assert!(of_rule(&report, "unknown-footnote").is_empty());
}

/// Item 10: in a plain-text page a heading straight after a heading with no text is its
/// subsection, so "First World War" with its text in "Western Front" and "Home Front"
/// is no `missing-section`; a heading with no text before a sibling of the level the
/// page marks with two blank lines still is one.
#[test]
fn text_heading_whose_text_sits_in_its_subsections() {
    let page = "The regiment is old.[1]\n\n\nHistory\n\nIt was raised in 1800.[1]\n\nFirst World War\n\nWestern Front\n\nIt fought at Ypres.[2]\n\nHome Front\n\nIt guarded the coast.[2]\n\n\nLegacy\n\n\nTraditions\n\nIt keeps a march.[1]\n\n[1] A. Writer, Regiments.\n\n[2] B. Writer, Wars.\n";
    let (_c, model, report) = written(None, &[("regiment.md", page)]);
    assert_eq!(model["format"], "text");
    let missing = of_rule(&report, "missing-section");
    let subjects: Vec<&str> = missing
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(subjects.len(), 1, "{subjects:#?}");
    assert!(subjects[0].contains("Legacy"), "{subjects:#?}");
}
