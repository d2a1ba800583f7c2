use citecheck::report::footnote::{Evidence, FootnoteView};
use citecheck::report::style::Style;
use citecheck::{Corpus, Error, Result};

use crate::cli::{Cli, TextOrJson};
use crate::output;

pub fn run(cli: &Cli, label: &str, article_id: Option<&str>, format: TextOrJson) -> Result<u8> {
    let corpus = super::load_corpus(cli)?;
    let spec = pick_article(&corpus, article_id)?;
    let article = citecheck::pipeline::read_article(&corpus, spec)?;
    let label = label
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim_start_matches('^');
    let Some(mut view) = FootnoteView::new(&article, &corpus, label) else {
        let known: Vec<&str> = article
            .references
            .iter()
            .map(|r| r.label.as_str())
            .collect();
        return Err(Error::Usage(format!(
            "article {:?} has no footnote {label:?} (its references: {})",
            article.id,
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        )));
    };
    view.evidence = evidence(cli, &view)?;
    match format {
        TextOrJson::Json => output::print_json(&view.json())?,
        TextOrJson::Text => output::print(&view.text(Style::for_stdout(cli.color.into())))?,
    }
    Ok(0)
}

fn pick_article<'c>(
    corpus: &'c Corpus,
    id: Option<&str>,
) -> Result<&'c citecheck::manifest::ArticleSpec> {
    match id {
        Some(id) => corpus.article(id).ok_or_else(|| {
            Error::Usage(format!(
                "no article {id:?} in the corpus (articles: {})",
                corpus
                    .articles
                    .iter()
                    .take(10)
                    .map(|a| a.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        }),
        None if corpus.articles.len() == 1 => Ok(&corpus.articles[0]),
        None => Err(Error::Usage(format!(
            "the corpus has {} articles: name one with --article ID",
            corpus.articles.len()
        ))),
    }
}

/// For each covered sentence, the best passage of a linked source that has text. Uses
/// the index (built or refreshed if needed); nothing when no linked source has text.
fn evidence(cli: &Cli, view: &FootnoteView) -> Result<Vec<Evidence>> {
    let (a, corpus) = (view.article, view.corpus);
    let sources: Vec<&str> = view
        .references
        .iter()
        .filter_map(|&r| a.references[r].link.as_ref())
        .map(|l| l.source.as_str())
        .filter(|id| {
            corpus
                .source(id)
                .is_some_and(|s| corpus.source_available(s))
        })
        .collect();
    if sources.is_empty() {
        return Ok(Vec::new());
    }
    let index = super::open_index(cli, corpus)?;
    let mut out: Vec<Evidence> = Vec::new();
    for i in view.covered() {
        let sentence = &a.sentences[i];
        // Rank across the whole corpus, keep the cited sources' passages: their rank
        // among all sources is what makes them evidence.
        let best = index
            .rank_sources(&sentence.text, 50)?
            .into_iter()
            .find(|h| sources.contains(&h.source.as_str()));
        if let Some(h) = best {
            if !out.iter().any(|e| e.source == h.source && e.line == h.line) {
                out.push(Evidence {
                    source: h.source,
                    line: h.line,
                    section: h.section,
                    text: h.text.to_string(),
                    score: h.score,
                    for_line: sentence.line,
                    for_column: sentence.column,
                });
            }
        }
    }
    Ok(out)
}
