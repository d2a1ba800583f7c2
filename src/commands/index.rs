use citecheck::index::{build, describe_stats, BuildOutcome, Freshness};
use citecheck::Result;

use crate::cli::Cli;
use crate::output;

/// `citecheck index [--check [--verify-content]]`: build the index, or (with `--check`)
/// only say whether it is fresh — by stamps, or by hashing every file: exit 0 fresh, 1
/// missing or stale, writing nothing.
pub fn run(cli: &Cli, check: bool, verify_content: bool) -> Result<u8> {
    let corpus = super::load_corpus(cli)?;
    let dir = &cli.index;
    if check {
        let freshness = build::freshness_verified(&corpus, dir, verify_content)?;
        let (line, code) = match freshness {
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
            // The reason names the user's files.
            let line = citecheck::report::text::defuse_message(&line);
            output::print(&format!("{line}\n"))?;
        }
        return Ok(code);
    }
    let line = match build::build(&corpus, dir, false, &super::terminal(cli))? {
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
