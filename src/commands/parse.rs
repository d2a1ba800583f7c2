use std::path::Path;

use citecheck::position::Format;
use citecheck::report::model_json::write_article_json;
use citecheck::report::model_text;
use citecheck::{link, readers, Corpus, Result};

use crate::cli::{Cli, TextOrJson};
use crate::output;

pub fn run(cli: &Cli, file: &Path, format: TextOrJson, input: Format) -> Result<u8> {
    let text = citecheck::error::read_text(file)?;
    let id = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Link against the corpus's sources when there is a corpus with a manifest; a
    // broken corpus must not stop `parse` of a file that has nothing to do with it.
    // A file of the corpus is read as `check` reads it: the manifest's `format =`
    // unless `--input` says otherwise.
    let corpus = Corpus::load(&cli.corpus).ok();
    let spec = corpus
        .as_ref()
        .and_then(|c| c.articles.iter().find(|a| same_file(&a.path, file)));
    let input = match (input, spec) {
        (Format::Auto, Some(spec)) => spec.format,
        _ => input,
    };
    let mut article = readers::parse(&id, file, input, text)?;
    if let Some(corpus) = &corpus {
        if let Some(spec) = spec {
            article.id = spec.id.clone();
        }
        link::link_article(&mut article, corpus);
    }
    match format {
        TextOrJson::Json => output::stream_json(|out| write_article_json(&article, out))?,
        TextOrJson::Text => output::print(&model_text::render(&article))?,
    }
    Ok(0)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
