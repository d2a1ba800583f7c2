use std::path::Path;

use citecheck::Result;

use crate::cli::Cli;

pub fn run(cli: &Cli, out: &Path) -> Result<u8> {
    let corpus = super::load_corpus(cli)?;
    let articles = citecheck::read_corpus(&corpus, |_| {})?;
    let html = citecheck::report::html::render(&articles, &corpus);
    // `-` is stdout, as everywhere else; a file is written atomically.
    let to_stdout = out == Path::new("-");
    let mut stream = crate::output::Stream::to(Some(out))?;
    stream.write(&html)?;
    stream.finish()?;
    if !cli.quiet && !to_stdout {
        eprintln!(
            "wrote {} ({} article{})",
            out.display(),
            articles.len(),
            if articles.len() == 1 { "" } else { "s" }
        );
    }
    Ok(0)
}
