//! Records the git commit the binary is built from, for `citecheck --version`
//! (`CITECHECK_COMMIT`: short hash, with `-dirty` for uncommitted changes). Outside a git
//! checkout (a crates.io package, a tarball) or without git, nothing is set and
//! `--version` prints the package version alone.

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
    let Some(hash) = git(&["rev-parse", "--short=12", "HEAD"]).filter(|h| !h.is_empty()) else {
        return;
    };
    let dirty =
        git(&["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty());
    println!(
        "cargo:rustc-env=CITECHECK_COMMIT={hash}{}",
        if dirty { "-dirty" } else { "" }
    );
}
