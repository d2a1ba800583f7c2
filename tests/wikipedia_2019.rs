//! Every page of the wikipedia-2019 sample (9,069 Markdown-converted encyclopedia
//! articles, the plain `[n]` shape) parses without error or panic, and the counts that
//! describe the sample stay what a reader of those files would expect.

mod common;

use citecheck::model::Format;
use citecheck::Corpus;

#[test]
fn every_wikipedia_2019_article_parses() {
    let Some(root) = common::shared("corpus/wikipedia-2019") else {
        return;
    };
    let corpus = Corpus::load(&root).expect("a directory without corpus.toml is a corpus");
    assert_eq!(corpus.articles.len(), 9069);
    let articles = citecheck::read_corpus(&corpus, |_| {}).expect("every article parses");

    let (mut markers, mut resolved, mut entries, mut empty, mut sentences) = (0, 0, 0, 0, 0);
    let mut wikitext = 0;
    // A category link line ("Category:Artillery Category:…"), not prose that mentions one.
    let category = regex::Regex::new(r"(?:^|\s)Category:\S[^.]*(?:\sCategory:\S|$)").unwrap();
    for a in &articles {
        // One page of the sample is raw, unconverted wikitext (with <ref> tags); the
        // rest are the plain `[n]` shape and must stay on the plain reader.
        if a.format != Format::Text {
            assert_eq!(a.format, Format::Wikitext, "{}", a.path.display());
            assert!(
                a.text.contains("<ref"),
                "{} is not wikitext",
                a.path.display()
            );
            wikitext += 1;
        }
        markers += a.markers.len();
        resolved += a.markers.iter().filter(|m| m.reference.is_some()).count();
        entries += a.references.len();
        empty += a.references.iter().filter(|r| r.is_empty()).count();
        sentences += a.sentences.len();
        for s in &a.sentences {
            assert!(!s.text.is_empty());
            assert!(
                !category.is_match(&s.text),
                "{}:{}: category line read as a claim",
                a.path.display(),
                s.line
            );
        }
    }
    assert!(wikitext <= 1, "{wikitext} pages left the plain reader");
    let share = resolved as f64 / markers as f64;
    println!(
        "wikipedia-2019: {} articles, {sentences} sentences, {markers} markers, {entries} reference entries \
         ({empty} empty), {resolved} markers resolve to an entry ({:.1}%)",
        articles.len(),
        share * 100.0
    );
    assert!(
        markers > 10_000,
        "the sample has tens of thousands of markers, found {markers}"
    );
    assert!(
        share > 0.9,
        "most markers have an entry in the trailing list, got {share:.3}"
    );
}
