use citecheck::index::{Index, Scope, SearchRequest};
use citecheck::report::style::Style;
use citecheck::Result;

use crate::cli::{Cli, SearchScope, TextOrJson};
use crate::output;

pub struct Args<'a> {
    pub query: &'a [String],
    pub limit: usize,
    pub scope: SearchScope,
    pub source: Option<&'a str>,
    pub format: TextOrJson,
}

/// `citecheck search QUERY`: exit 0 with hits, 1 without (like grep), 2 on errors.
pub fn run(cli: &Cli, args: Args) -> Result<u8> {
    // With --no-refresh and no --source to validate, the corpus need not be loaded at
    // all: the index is all a search reads.
    let ready = match (cli.no_refresh, args.source) {
        (true, None) => match Index::open(&cli.index)? {
            Some(index) => {
                // Another corpus's index would answer wrongly, not merely stale.
                index.ensure_built_from(&citecheck::index::CorpusIdentity::at(&cli.corpus))?;
                Some(index)
            }
            None => None,
        },
        _ => None,
    };
    let index = match ready {
        Some(index) => index,
        None => {
            let corpus = super::load_corpus(cli)?;
            if let Some(id) = args.source {
                check_source(&corpus, id)?;
            }
            super::open_index(cli, &corpus)?
        }
    };
    let query = args.query.join(" ");
    let mut results = index.search(&SearchRequest {
        query: &query,
        limit: args.limit,
        scope: match args.scope {
            SearchScope::All => Scope::All,
            SearchScope::Article => Scope::Articles,
            SearchScope::Sources => Scope::Sources,
        },
        source: args.source,
    })?;
    // The index keeps paths relative to the corpus; shown as every command shows them
    // (relative to the current directory when under it, else absolute).
    for hit in &mut results.hits {
        hit.file = output::shown_path(&cli.corpus.join(&hit.file));
    }
    let err_style = Style::for_stderr(cli.color.into());
    if !cli.quiet {
        for w in &results.warnings {
            eprintln!("citecheck: {}: {w}", err_style.yellow("note"));
        }
        for c in &results.corrections {
            eprintln!(
                "citecheck: {}: no match for {:?}; showing matches for {}",
                err_style.yellow("note"),
                c.word,
                c.replacements
                    .iter()
                    .map(|r| format!("{r:?}"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            );
        }
    }
    match args.format {
        TextOrJson::Json => output::print(&citecheck::report::search::to_json(&query, &results))?,
        TextOrJson::Text => {
            if results.hits.is_empty() {
                if !cli.quiet {
                    eprintln!("citecheck: no match for {query:?}");
                }
            } else {
                output::print(&citecheck::report::search::render_text(
                    &results,
                    Style::for_stdout(cli.color.into()),
                ))?;
            }
        }
    }
    Ok(if results.hits.is_empty() { 1 } else { 0 })
}

/// `--source ID` must name a source of the corpus.
fn check_source(corpus: &citecheck::Corpus, id: &str) -> Result<()> {
    if corpus.source(id).is_some() {
        return Ok(());
    }
    Err(citecheck::Error::Usage(format!(
        "no source {id:?} in the corpus (sources: {})",
        citecheck::report::id_list(corpus.sources.iter().map(|s| s.id.as_str()))
    )))
}
