//! Reporters: render results computed by earlier stages. They never recompute findings
//! or re-parse anything.

pub mod footnote;
pub mod html;
pub mod model_json;
pub mod model_text;
pub mod search;
pub mod style;

/// Version of every JSON shape citecheck prints. Bumped only when a documented key
/// changes meaning or disappears; new keys do not bump it.
pub const JSON_VERSION: u32 = 1;

pub mod github;
pub mod json;
pub mod sarif;
pub mod text;

/// `path` made absolute (against the current directory) and lexically normalised (`.`
/// and `..` removed), without touching the filesystem: how reports compare and show
/// locations.
pub fn absolute(path: &std::path::Path) -> std::path::PathBuf {
    use std::path::Component;
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut out = std::path::PathBuf::new();
    for c in joined.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// "1 warning", "3 warnings": counts in human-readable summaries.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
