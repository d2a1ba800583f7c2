//! docs/ci.md works as written: every shell script in it that runs citecheck (the
//! workflow's `run:` steps, the shell blocks) is run with bash, in order, in a copy of
//! the repository's layout (`corpus/`, `target/release/citecheck`), with the variables
//! a GitHub runner sets; and every `citecheck …` named in the prose parses (`--help`).

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

const DOC: &str = "docs/ci.md";

/// The scripts of `doc`, in order: each ```sh block whole, and each `run:` of a YAML
/// block (a one-line `run: cmd`, or the indented lines of a `run: |` block).
fn scripts(doc: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut lines = doc.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(lang) = line.trim_start().strip_prefix("```") else {
            continue;
        };
        let mut block = Vec::new();
        for l in lines.by_ref() {
            if l.trim_start().starts_with("```") {
                break;
            }
            block.push(l);
        }
        match lang.trim() {
            "sh" | "bash" => out.push(block.join("\n")),
            "yaml" | "yml" => {
                let mut i = 0;
                while i < block.len() {
                    let l = block[i];
                    let indent = l.len() - l.trim_start().len();
                    let body = l.trim_start().trim_start_matches("- ");
                    if let Some(rest) = body.strip_prefix("run:") {
                        let rest = rest.trim();
                        if rest == "|" {
                            let mut script = Vec::new();
                            while i + 1 < block.len()
                                && (block[i + 1].trim().is_empty()
                                    || block[i + 1].len() - block[i + 1].trim_start().len()
                                        > indent)
                            {
                                i += 1;
                                script.push(block[i].trim_start());
                            }
                            out.push(script.join("\n"));
                        } else {
                            out.push(rest.to_string());
                        }
                    }
                    i += 1;
                }
            }
            _ => {}
        }
    }
    out
}

#[test]
fn every_script_of_the_ci_guide_runs() {
    let doc = fs::read_to_string(common::repo(DOC)).unwrap();
    let scripts: Vec<String> = scripts(&doc)
        .into_iter()
        .filter(|s| s.contains("citecheck "))
        .collect();
    assert!(scripts.len() >= 3, "{scripts:?}");
    assert!(
        scripts.iter().any(|s| s.contains("--format sarif")),
        "the guide's check step: {scripts:?}"
    );

    // The repository as the workflow sees it: the corpus, the built binary.
    let work = tempfile::tempdir().unwrap();
    common::copy_dir(&common::repo("corpus"), &work.path().join("corpus"));
    let release = work.path().join("target/release");
    fs::create_dir_all(&release).unwrap();
    std::os::unix::fs::symlink(
        assert_cmd::cargo::cargo_bin("citecheck"),
        release.join("citecheck"),
    )
    .unwrap();
    // Tools the guide calls around citecheck (git, the GitHub CLI): stand-ins that
    // succeed, so the test needs neither a repository nor a network.
    let bin = work.path().join("stand-ins");
    fs::create_dir_all(&bin).unwrap();
    for tool in ["git", "gh"] {
        let path = bin.join(tool);
        fs::write(&path, "#!/bin/sh\nexit 0\n").unwrap();
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output_file = work.path().join("github-output");
    let summary_file = work.path().join("step-summary.md");

    for script in &scripts {
        let out = Command::new("bash")
            .args(["-e", "-c", script])
            .current_dir(work.path())
            .env("PATH", &path)
            .env("GITHUB_OUTPUT", &output_file)
            .env("GITHUB_STEP_SUMMARY", &summary_file)
            .env_remove("NO_COLOR")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "docs/ci.md script failed ({}):\n{script}\nstdout: {}\nstderr: {}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // The first run made a baseline and said so; the check wrote the SARIF log and the
    // job summary.
    assert!(work.path().join(".ci/citecheck-baseline.json").is_file());
    assert!(fs::read_to_string(&output_file)
        .unwrap()
        .contains("created=true"));
    let sarif: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(work.path().join("citecheck.sarif")).unwrap())
            .unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert!(fs::read_to_string(&summary_file)
        .unwrap()
        .contains("## citecheck"));
}

/// Each `citecheck …` the prose names (in backticks) is a command with those options.
#[test]
fn every_command_the_ci_guide_names_parses() {
    let doc = fs::read_to_string(common::repo(DOC)).unwrap();
    // The prose: code blocks (run as scripts above) left out.
    let mut prose = String::new();
    let mut in_block = false;
    for line in doc.lines() {
        if line.trim_start().starts_with("```") {
            in_block = !in_block;
        } else if !in_block {
            prose.push_str(line);
            prose.push('\n');
        }
    }
    let mut named = Vec::new();
    for part in prose.split('`').skip(1).step_by(2) {
        let Some(at) = part.find("citecheck ") else {
            continue;
        };
        let before = &part[..at];
        if !(before.is_empty() || before.ends_with("target/release/")) {
            continue;
        }
        named.push(part[at + "citecheck ".len()..].to_string());
    }
    assert!(!named.is_empty());
    for command in named {
        let mut args: Vec<&str> = command.split_whitespace().collect();
        args.push("--help");
        let r = common::run(common::citecheck_in(Path::new(common::ROOT)).args(&args));
        assert_eq!(
            r.code, 0,
            "`citecheck {command}` in docs/ci.md: {}",
            r.stderr
        );
    }
}
