//! `citecheck completions SHELL` and `citecheck man`: generated from the clap
//! definitions in `cli.rs`, so they list exactly the commands and flags `--help` does.

use clap::CommandFactory;

use citecheck::{Error, Result};

use crate::cli::Cli;
use crate::output;

/// A completion script for `shell` on stdout.
pub fn completions(shell: clap_complete::Shell) -> Result<u8> {
    let mut cmd = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "citecheck", &mut script);
    output::print(&String::from_utf8_lossy(&script))?;
    Ok(0)
}

/// The man page (roff) on stdout: citecheck(1), or with `command` that command's page,
/// citecheck-COMMAND(1) (as git names its pages), with every option of it.
pub fn man(command: Option<&str>) -> Result<u8> {
    let mut cmd = Cli::command();
    cmd.build();
    let (page, title) = match command {
        None => (cmd, "citecheck".to_string()),
        Some(name) => {
            let names: Vec<&str> = cmd.get_subcommands().map(|s| s.get_name()).collect();
            let Some(sub) = cmd.find_subcommand(name) else {
                return Err(Error::Usage(format!(
                    "no command {name:?} (commands: {})",
                    names.join(", ")
                )));
            };
            let page = sub.clone().bin_name(format!("citecheck {name}"));
            (page, format!("citecheck-{name}"))
        }
    };
    let mut roff = Vec::new();
    clap_mangen::Man::new(page)
        .title(title)
        .render(&mut roff)
        .map_err(|e| Error::io(std::path::Path::new("<stdout>"), e))?;
    output::print(&String::from_utf8_lossy(&roff))?;
    Ok(0)
}
