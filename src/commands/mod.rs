//! One file per subcommand, each a short function over the library.

mod check;
mod fetch;
mod generated;
mod index;
mod parse;
mod report;
mod search;
mod show;

use citecheck::index::Index;
use citecheck::{Corpus, Result};

use crate::cli::{Cli, Command};

/// Run the chosen subcommand; the result is the exit status.
pub fn run(cli: &Cli) -> Result<u8> {
    if let Some(n) = cli.threads {
        citecheck::set_threads(n);
    }
    match &cli.command {
        Command::Parse {
            file,
            format,
            input,
        } => parse::run(cli, file, *format, (*input).into()),
        Command::Check {
            paths,
            options,
            input,
            explain,
        } => check::run(
            cli,
            check::Args {
                paths,
                options,
                explain: explain.as_deref(),
                batch: input.is_some(),
            },
        ),
        Command::Show {
            reference,
            article,
            format,
        } => show::run(cli, reference, article.as_deref(), *format),
        Command::Report { html, article } => report::run(cli, html, article.as_deref()),
        Command::Index { check } => index::run(cli, *check),
        Command::Fetch(args) => fetch::run(cli, args),
        Command::Completions { shell } => generated::completions(*shell),
        Command::Man { command } => generated::man(command.as_deref()),
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
    // The index records how the corpus's directories were listed; unchanged ones need
    // not be read again (a big saving for `search` on thousands of articles).
    let listings = citecheck::index::recorded_listings(&cli.index);
    let limits = citecheck::manifest::Limits {
        allow_outside: cli.allow_outside_corpus,
        max_file_size: cli.max_file_size,
    };
    Corpus::load_with(&cli.corpus, listings, &limits)
}

/// The index of `--index` for `corpus`: refreshed first when missing or stale, or, with
/// `--no-refresh`, opened as it is (built only when there is none).
pub fn open_index(cli: &Cli, corpus: &Corpus) -> Result<Index> {
    if cli.no_refresh {
        if let Some(index) = Index::open(&cli.index)? {
            // Answering from another corpus's index would be wrong, not merely stale.
            index.ensure_built_from(&citecheck::index::CorpusIdentity::of(corpus))?;
            return Ok(index);
        }
    }
    Index::open_or_build(corpus, &cli.index, &terminal(cli))
}

/// Where the library's progress and notes go: stderr, unless `--quiet`.
pub fn terminal(cli: &Cli) -> crate::output::Terminal {
    crate::output::Terminal::new(cli.quiet, cli.color.into())
}
