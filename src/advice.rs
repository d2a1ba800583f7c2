//! What to do about an error. The library says what is wrong; only the binary knows
//! which flag or command fixes it, so the advice is added here, to the message `main`
//! prints.

use citecheck::error::{CorpusProblem, IndexErrorKind};
use citecheck::fetch::{FetchError, Refusal};
use citecheck::Error;

/// The advice for `e`, if the command line offers a fix.
pub fn for_error(e: &Error) -> Option<&'static str> {
    match e {
        Error::Corpus {
            problem: CorpusProblem::NotFound,
            ..
        } => Some("use --corpus DIR"),
        Error::Corpus {
            problem: CorpusProblem::NotADirectory,
            ..
        } => Some("--corpus takes the directory holding corpus.toml"),
        Error::Index {
            kind: IndexErrorKind::Missing,
            ..
        } => Some("run `citecheck index`"),
        Error::Index {
            kind: IndexErrorKind::Corrupt | IndexErrorKind::WrongVersion,
            ..
        } => Some("run `citecheck index` to rebuild it"),
        Error::Index {
            kind: IndexErrorKind::Foreign,
            ..
        } => Some("give --index a new or empty directory"),
        Error::Index {
            kind: IndexErrorKind::OtherCorpus,
            ..
        } => Some("run `citecheck index` to rebuild it for this corpus, or give each corpus its own --index"),
        _ => None,
    }
}

/// The exit status for a command stopped by `e`: every error is a usage, configuration
/// or input problem (2); findings and stale indexes (1) are results, not errors.
pub fn exit_code(_: &Error) -> u8 {
    2
}

/// The line `main` prints: the error, then what to do about it.
pub fn message(e: &Error) -> String {
    match for_error(e) {
        Some(advice) => format!("{e}; {advice}"),
        None => e.to_string(),
    }
}

/// The advice for a source `citecheck fetch` could not fetch, when a flag fixes it.
pub fn for_fetch_error(e: &FetchError) -> Option<&'static str> {
    match e {
        FetchError::Refused {
            problem: Refusal::NonPublic { .. },
            ..
        } => Some("fetching from it needs --allow-private"),
        FetchError::TooLarge { .. } => Some("raise the cap with --max-size"),
        FetchError::Redirect { error, .. } => for_fetch_error(error),
        _ => None,
    }
}
