//! Character references in wikitext: decoded with HTML5's whole entity table in
//! sentence text, and in ref names before names are compared (as MediaWiki's
//! sanitizer does before Cite sees them).

use std::path::Path;

use citecheck::model::Article;
use citecheck::position::Format;
use citecheck::readers;

const CASES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/cases/readers");

fn parse(text: &str) -> Article {
    readers::parse("t", Path::new("t.wiki"), Format::Wikitext, text.to_string()).unwrap()
}

#[test]
fn entities_in_sentence_text_are_decoded() {
    let a = parse(
        "The caf&eacute; opened in 1901 with &frac12; of the shares.<ref>Smith, p. 1.</ref> \
         Its owner&nbsp;&mdash; a baker &ndash; sold it.<ref>Jones, p. 2.</ref>\n\n\
         == References ==\n<references />\n",
    );
    let texts: Vec<&str> = a.sentences.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "The café opened in 1901 with ½ of the shares.",
            "Its owner — a baker – sold it."
        ]
    );
    assert!(texts.iter().all(|t| !t.contains('&')));
}

#[test]
fn names_compare_after_decoding() {
    let a = parse(
        "One.<ref name=\"a&amp;b\">Smith, p. 1.</ref> Two.<ref name=\"a&#38;b\"/> \
         Three.<ref name=\"a&#x26;b\"/> Four.<ref name=\"a&b\"/>\n\
         Five.<ref name=\"x&nbsp;y\">Jones, p. 2.</ref> Six.<ref name=\"x&#160;y\"/>\n\n\
         == References ==\n<references />\n",
    );
    let refs: Vec<(&str, usize)> = a
        .references
        .iter()
        .map(|r| (r.label.as_str(), r.found_uses))
        .collect();
    assert_eq!(refs, [("a&b", 4), ("x\u{a0}y", 2)]);
    assert!(a.problems.is_empty(), "{:?}", a.problems);
}

#[test]
fn list_defined_names_and_note_names_decode_too() {
    let a = parse(
        "One.<ref name=\"caf&eacute;\"/> Two.{{efn|name=caf&#233;|A note.}} Three.{{efn|name=caf&eacute;}}\n\n\
         == References ==\n<references>\n<ref name=\"caf&#xE9;\">Smith, p. 1.</ref>\n</references>\n",
    );
    let refs: Vec<(&str, Option<&str>, usize)> = a
        .references
        .iter()
        .map(|r| (r.label.as_str(), r.group.as_deref(), r.found_uses))
        .collect();
    assert_eq!(refs, [("café", Some("lower-alpha"), 2), ("café", None, 1)]);
}

/// `../shared/cases/readers/03-wikitext-entity-in-name.wiki`: one reference with 2 uses.
#[test]
fn shared_case_entity_in_name() {
    let path = Path::new(CASES).join("03-wikitext-entity-in-name.wiki");
    if !path.exists() {
        assert!(
            std::env::var("CITECHECK_REQUIRE_SHARED").as_deref() != Ok("1"),
            "{} is missing and CITECHECK_REQUIRE_SHARED=1",
            path.display()
        );
        eprintln!("skipped: {} is absent", path.display());
        return;
    }
    let text = std::fs::read_to_string(&path).unwrap();
    let a = readers::parse("case", &path, Format::Auto, text).unwrap();
    assert_eq!(a.format, Format::Wikitext);
    assert_eq!(a.references.len(), 1, "{:?}", a.references);
    assert_eq!(a.references[0].label, "AT&T");
    assert_eq!(a.references[0].found_uses, 2);
    assert!(a.problems.is_empty(), "{:?}", a.problems);
}
