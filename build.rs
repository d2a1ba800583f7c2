//! Records the git commit the binary is built from, for `citecheck --version`
//! (`CITECHECK_VERSION`: the package version and the short hash, with `-dirty` for
//! uncommitted changes). Outside a git checkout (a crates.io package, a tarball) or without
//! git, it is the package version alone. `CITECHECK_COMMIT` set in the environment is used
//! instead of asking git. The variable is always set: `env!` of a variable that may be
//! missing does not compile, even in a branch that is never taken.

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn main() {
    println!("cargo:rerun-if-env-changed=CITECHECK_COMMIT");
    // Rebuild when HEAD moves: HEAD itself, and the ref it points at.
    for path in [
        git(&["rev-parse", "--git-path", "HEAD"]),
        git(&["rev-parse", "--symbolic-full-name", "HEAD"])
            .and_then(|r| git(&["rev-parse", "--git-path", &r])),
    ]
    .into_iter()
    .flatten()
    {
        println!("cargo:rerun-if-changed={path}");
    }
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let commit = std::env::var("CITECHECK_COMMIT")
        .ok()
        .filter(|c| !c.is_empty())
        .or_else(commit_of_head);
    match commit {
        Some(commit) => println!("cargo:rustc-env=CITECHECK_VERSION={version} ({commit})"),
        None => println!("cargo:rustc-env=CITECHECK_VERSION={version}"),
    }
}

/// The short hash of HEAD, with `-dirty` for uncommitted changes; None outside git.
fn commit_of_head() -> Option<String> {
    let hash = git(&["rev-parse", "--short=12", "HEAD"]).filter(|h| !h.is_empty())?;
    let dirty =
        git(&["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty());
    Some(format!("{hash}{}", if dirty { "-dirty" } else { "" }))
}
