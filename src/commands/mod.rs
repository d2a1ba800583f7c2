//! One file per subcommand, each a short function over the library.

mod check;
mod index;
mod parse;
mod report;
mod search;
mod show;

use citecheck::{Corpus, Result};

use crate::cli::{Cli, Command};

/// Run the chosen subcommand; the result is the exit status.
pub fn run(cli: &Cli) -> Result<u8> {
    match &cli.command {
        Command::Parse {
            file,
            format,
            input,
        } => parse::run(cli, file, *format, (*input).into()),
        Command::Check {
            format,
            deny,
            baseline,
            explain,
        } => check::run(cli, *format, *deny, baseline.as_deref(), explain.as_deref()),
        Command::Show {
            reference,
            article,
            format,
        } => show::run(cli, reference, article.as_deref(), *format),
        Command::Report { html } => report::run(cli, html),
        Command::Index { check } => index::run(cli, *check),
        Command::Search {
            query,
            limit,
            scope,
            source,
            format,
        } => search::run(
            cli,
            search::Args {
                query,
                limit: *limit,
                scope: *scope,
                source: source.as_deref(),
                format: *format,
            },
        ),
    }
}

/// Load the corpus named by `--corpus`.
pub fn load_corpus(cli: &Cli) -> Result<Corpus> {
    Corpus::load(&cli.corpus)
}
