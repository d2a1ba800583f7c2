use citecheck::index::{build, describe_stats, BuildOutcome, Freshness};
use citecheck::Result;

use crate::cli::Cli;
use crate::output;

/// `citecheck index [--check]`: build the index, or (with `--check`) only say whether it
/// is fresh: exit 0 fresh, 1 missing or stale, writing nothing.
pub fn run(cli: &Cli, check: bool) -> Result<u8> {
    let corpus = super::load_corpus(cli)?;
    let dir = &cli.index;
    if check {
        let (line, code) = match build::freshness(&corpus, dir)? {
            Freshness::Fresh => (format!("index up to date ({})", dir.display()), 0),
            Freshness::Missing => (
                format!("no index at {}/: run `citecheck index`", dir.display()),
                1,
            ),
            Freshness::Stale(why) => (
                format!(
                    "index stale ({}: {why}): run `citecheck index`",
                    dir.display()
                ),
                1,
            ),
        };
        if !cli.quiet {
            output::print(&format!("{line}\n"))?;
        }
        return Ok(code);
    }
    let bar = output::progress_bar(cli.quiet, corpus.articles.len(), "indexing");
    let outcome = build::build(&corpus, dir, false, cli.quiet, &|n| {
        bar.set_position(n as u64)
    })?;
    bar.finish_and_clear();
    let line = match outcome {
        BuildOutcome::UpToDate(stats) => format!(
            "index up to date ({}: {} sentences, {} source passages); nothing to do",
            dir.display(),
            stats.sentences,
            stats.passages
        ),
        BuildOutcome::Built(stats) => {
            format!("indexed {} into {}", describe_stats(&stats), dir.display())
        }
    };
    if !cli.quiet {
        output::print(&format!("{line}\n"))?;
    }
    Ok(0)
}
