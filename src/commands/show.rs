use citecheck::check::evidence;
use citecheck::report::footnote::FootnoteView;
use citecheck::report::style::Style;
use citecheck::{Corpus, Error, Result};

use crate::cli::{Cli, TextOrJson};
use crate::output;

pub fn run(cli: &Cli, label: &str, article_id: Option<&str>, format: TextOrJson) -> Result<u8> {
    let corpus = super::load_corpus(cli)?;
    let spec = pick_article(&corpus, article_id)?;
    let article = citecheck::pipeline::read_article(&corpus, spec)?;
    let mut view = FootnoteView::find(&article, &corpus, label)?;
    // The index (built or refreshed if needed) only when a cited source has text.
    view.evidence = evidence::for_footnote(&view, || super::open_index(cli, &corpus))?;
    match format {
        TextOrJson::Json => output::print_json(&view.json())?,
        TextOrJson::Text => output::print(&view.text(Style::for_stdout(cli.color.into())))?,
    }
    Ok(0)
}

/// The article `--article ID` names, or the corpus's only one.
pub(super) fn pick_article<'c>(
    corpus: &'c Corpus,
    id: Option<&str>,
) -> Result<&'c citecheck::manifest::ArticleSpec> {
    match id {
        Some(id) => corpus.article(id).ok_or_else(|| {
            Error::Usage(format!(
                "no article {id:?} in the corpus (articles: {})",
                citecheck::report::id_list(corpus.articles.iter().map(|a| a.id.as_str()))
            ))
        }),
        None if corpus.articles.len() == 1 => Ok(&corpus.articles[0]),
        None => Err(Error::Usage(format!(
            "the corpus has {} articles: name one with --article ID",
            corpus.articles.len()
        ))),
    }
}
