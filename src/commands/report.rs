use std::path::Path;

use citecheck::{Error, Result};

use crate::cli::Cli;

pub fn run(cli: &Cli, out: &Path) -> Result<u8> {
    let corpus = super::load_corpus(cli)?;
    let articles = citecheck::read_corpus(&corpus, |_| {})?;
    let html = citecheck::report::html::render(&articles, &corpus);
    std::fs::write(out, html).map_err(|e| Error::io(out, e))?;
    if !cli.quiet {
        eprintln!(
            "wrote {} ({} article{})",
            out.display(),
            articles.len(),
            if articles.len() == 1 { "" } else { "s" }
        );
    }
    Ok(0)
}
