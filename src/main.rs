//! The `citecheck` binary: parses the command line and hands each subcommand to a short
//! function in `commands/` over the library. Exit status: 0 success, 1 findings at deny
//! level (or a stale index, or no search hit), 2 usage, configuration or input error.
//!
//! The binary's modules — this file, `cli.rs`, `commands/`, `output.rs`, `advice.rs` —
//! are the only code that writes to stdout or stderr.

mod advice;
mod cli;
mod commands;
mod output;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(&cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            if !output::is_broken_pipe(&e) {
                // File names and quoted text in the message are the user's: no control
                // characters, no workflow commands.
                let message = citecheck::report::text::defuse_message(&advice::message(&e));
                eprintln!("citecheck: error: {message}");
            }
            ExitCode::from(advice::exit_code(&e))
        }
    }
}
