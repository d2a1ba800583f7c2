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
pub mod markdown;
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

/// A run's totals as counted phrases ("1 error", "3 warnings", …): the words of every
/// one-line summary (the GitHub log line, the Markdown comment and job summary).
pub struct Totals {
    pub errors: String,
    pub warnings: String,
    pub notes: String,
    pub articles: String,
    pub claims: String,
    pub uncited: String,
}

impl Totals {
    /// The phrases for `m`.
    pub fn of(m: &crate::check::Summary) -> Self {
        Totals {
            errors: count(m.errors, "error", "errors"),
            warnings: count(m.warnings, "warning", "warnings"),
            notes: count(m.notes, "note", "notes"),
            articles: count(m.articles, "article", "articles"),
            claims: count(m.claims, "claim", "claims"),
            uncited: count(m.uncited, "uncited sentence", "uncited sentences"),
        }
    }
}

/// "1 warning", "3 warnings": counts in human-readable summaries.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Ids listed in a message: the first [`LISTED_IDS`], then "… N more", so
/// an error about a corpus of thousands stays one readable line. `"none"` when empty.
pub fn id_list<'a>(ids: impl IntoIterator<Item = &'a str>) -> String {
    let mut shown = Vec::with_capacity(LISTED_IDS);
    let mut rest = 0usize;
    for id in ids {
        if shown.len() < LISTED_IDS {
            shown.push(id);
        } else {
            rest += 1;
        }
    }
    match (shown.is_empty(), rest) {
        (true, _) => "none".to_string(),
        (false, 0) => shown.join(", "),
        (false, n) => format!("{}, … {n} more", shown.join(", ")),
    }
}

/// How many ids [`id_list`] names before it counts the rest.
pub const LISTED_IDS: usize = 10;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_lists_are_cut_at_ten_with_the_count_of_the_rest() {
        assert_eq!(id_list([]), "none");
        assert_eq!(id_list(["a", "b"]), "a, b");
        let many: Vec<String> = (1..=13).map(|i| format!("id{i}")).collect();
        let list = id_list(many.iter().map(String::as_str));
        assert!(list.starts_with("id1, id2,"), "{list}");
        assert!(list.contains("id10, … 3 more"), "{list}");
        assert!(!list.contains("id11"), "{list}");
    }
}
