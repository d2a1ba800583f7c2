//! MediaWiki wikitext: `<ref>` footnotes (named, reused, grouped, list-defined),
//! `{{cite …}}` fields, `{{sfn}}` / `{{harvnb}}` short footnotes linked to the full
//! citation in the bibliography, `{{citation needed}}`, and MediaWiki's Cite errors.
//!
//! There is no maintained wikitext parser crate, and MediaWiki itself is a
//! preprocessor rather than a grammar, so this reader is a small hand-written scanner
//! built to never fail: every construct is matched once up front, and an unmatched
//! opener is just text. It runs in stages, one module each:
//!
//! - [`scan`]: the constructs matched up front (braces, links, comments, `<ref>`
//!   openers and closers), tags, attributes, template parameters, character references;
//! - [`blocks`]: lines into headings, paragraphs, lists, tables and reference lists;
//! - [`inline`]: a block's clean text, with footnotes, citations and the rest reported
//!   as [`events`] to a sink (pulldown-cmark's shape);
//! - [`record`]: the sink that numbers footnotes, defines references and places markers;
//! - [`templates`]: the table of template names and what each does.

mod blocks;
mod events;
mod inline;
mod record;
mod scan;
mod templates;

use crate::model::{ArticleDraft, CleanText};

// The reader problems this reader reports (`Rule::UnclosedRef`: `<ref>` without
// `</ref>`; `Rule::EmptyReference`: a `<ref>` with neither content nor name, or a
// list-defined ref without a name; `Rule::DuplicateReference`: one name defined twice
// with different content; `Rule::UnknownFootnote`: a short footnote whose full citation
// is not in the bibliography — named refs used but never defined stay unresolved
// markers, which `check` reports as that rule).

/// Read a wikitext page.
pub fn read(text: &str, lines: &crate::position::LineIndex) -> ArticleDraft {
    let scan = scan::Scan::new(text, lines);
    let mut blocks = blocks::Blocks::new(&scan);
    blocks.read();
    blocks.finish()
}

/// A space for a line break, unless the text already ends in one.
fn space(out: &mut CleanText, at: usize) {
    if !out.text.is_empty() && !out.text.ends_with(char::is_whitespace) {
        out.push_synthetic(" ", at);
    }
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::scan::{attr, decode_char_refs, decode_text_ref, template_name};
    use super::templates::date_text;
    use super::*;
    use crate::rule::Rule;

    #[test]
    fn template_names_normalise() {
        assert_eq!(template_name("Cite_web |url=x"), "cite web");
        assert_eq!(
            template_name(" Template:Citation needed|date=x"),
            "citation needed"
        );
        assert_eq!(template_name("DEFAULTSORT:Murchison"), "defaultsort");
    }

    #[test]
    fn attributes_in_any_quoting() {
        assert_eq!(
            attr(r#" name="a b" group=note"#, "name").as_deref(),
            Some("a b")
        );
        assert_eq!(attr(" name='AVN HOF'", "name").as_deref(), Some("AVN HOF"));
        assert_eq!(attr(" group=note", "group").as_deref(), Some("note"));
        assert_eq!(attr(" name=x/", "name").as_deref(), Some("x"));
    }

    #[test]
    fn dates_and_entities() {
        assert_eq!(
            date_text(&["1895".into(), "4".into(), "11".into()]),
            "11 April 1895"
        );
        assert_eq!(decode_text_ref("&ndash;"), "–");
        assert_eq!(decode_text_ref("&#x41;"), "A");
        assert_eq!(decode_text_ref("&bogus;"), "&bogus;");
        // HTML5's whole table, names with digits and capitals included.
        assert_eq!(decode_text_ref("&eacute;"), "é");
        assert_eq!(decode_text_ref("&frac12;"), "½");
        assert_eq!(decode_text_ref("&DoubleLongLeftRightArrow;"), "⟺");
        assert_eq!(decode_text_ref("&nbsp;"), " ");
        assert_eq!(decode_text_ref("&#160;"), " ");
        assert_eq!(decode_text_ref("&shy;"), "");
        assert_eq!(decode_text_ref("&#0;"), "\u{fffd}");
    }

    #[test]
    fn names_decode_every_character_reference() {
        assert_eq!(decode_char_refs("AT&amp;T"), "AT&T");
        assert_eq!(decode_char_refs("AT&#38;T"), "AT&T");
        assert_eq!(decode_char_refs("AT&#x26;T"), "AT&T");
        assert_eq!(decode_char_refs("a&nbsp;b"), "a\u{a0}b");
        assert_eq!(decode_char_refs("a&#160;b"), "a\u{a0}b");
        // Not references: no `;`, or a name HTML5 does not have.
        assert_eq!(decode_char_refs("AT&T &amp &bogus;"), "AT&T &amp &bogus;");
        assert_eq!(
            attr(r#" name="caf&eacute;""#, "name").as_deref(),
            Some("café")
        );
    }

    #[test]
    fn unbalanced_markup_is_text() {
        let text = "A {{broken [[link and <ref>open\n\nNext paragraph.";
        let d = read(text, &crate::position::LineIndex::new(text));
        assert_eq!(d.problems.len(), 1);
        assert_eq!(d.problems[0].rule, Rule::UnclosedRef);
    }
}
