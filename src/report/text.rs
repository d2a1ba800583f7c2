//! `check --format text`: rustc-style findings for people.
//!
//! ```text
//! warning[unused-reference]: reference [8] is never cited in the text
//!   --> corpus/articles/soviet-japanese-neutrality-pact.txt:57:3
//!    |
//! 57 |   8. ^ Soviet War Declaration On Japan August 8, 1945. (Avalon Project …
//!    |   ^
//!    = help: put its marker back after the sentence the work supports, or delete the entry
//! ```

use std::fmt::Write;

use super::style::Style;
use crate::check::rules::Severity;
use crate::check::{CheckReport, Finding, Summary};

/// Lines longer than this are shown as a window around the finding.
const MAX_SNIPPET: usize = 110;
/// Characters of context kept before the finding in a windowed line.
const CONTEXT_BEFORE: usize = 40;

pub fn render(report: &CheckReport, st: Style) -> String {
    let mut s = String::new();
    for f in &report.findings {
        finding(&mut s, f, st);
        s.push('\n');
    }
    summary(&mut s, &report.summary, st);
    s
}

fn finding(s: &mut String, f: &Finding, st: Style) {
    let head = format!("{}[{}]", f.severity, f.rule);
    let head = match f.severity {
        Severity::Error => st.red(&head),
        Severity::Warning => st.yellow(&head),
        Severity::Note => st.cyan(&head),
    };
    let _ = writeln!(s, "{head}{}", st.bold(&format!(": {}", f.message)));
    let gutter = f.line.to_string().len();
    let pad = " ".repeat(gutter);
    let bar = st.blue("|");
    let _ = writeln!(
        s,
        "{pad}{} {}:{}:{}",
        st.blue("-->"),
        f.file,
        f.line,
        f.column
    );
    if let Some(line) = &f.snippet {
        let (shown, col, width) = window(line, f.column, f.width);
        let _ = writeln!(s, "{pad} {bar}");
        let _ = writeln!(s, "{} {bar} {shown}", st.blue(&f.line.to_string()));
        let marks = "^".repeat(width);
        let marks = match f.severity {
            Severity::Error => st.red(&marks),
            Severity::Warning => st.yellow(&marks),
            Severity::Note => st.cyan(&marks),
        };
        let _ = writeln!(s, "{pad} {bar} {}{marks}", " ".repeat(col - 1));
    }
    for n in &f.notes {
        let _ = writeln!(s, "{pad} {} {}: {n}", st.blue("="), st.bold("note"));
    }
    if let Some(h) = &f.help {
        let _ = writeln!(s, "{pad} {} {}: {h}", st.blue("="), st.bold("help"));
    }
}

/// The part of `line` to show, the finding's 1-based column in it, and the underline
/// width (at least 1, never past the shown text).
fn window(line: &str, column: usize, width: usize) -> (String, usize, usize) {
    let chars: Vec<char> = line
        .chars()
        .map(|c| if c == '\t' { ' ' } else { c })
        .collect();
    let col0 = column.saturating_sub(1).min(chars.len());
    if chars.len() <= MAX_SNIPPET {
        let w = width.min(chars.len().saturating_sub(col0)).max(1);
        return (chars.iter().collect(), col0 + 1, w);
    }
    let start = col0.saturating_sub(CONTEXT_BEFORE);
    let end = (start + MAX_SNIPPET).min(chars.len());
    let start = end.saturating_sub(MAX_SNIPPET).min(start);
    let mut shown = String::new();
    let mut col = col0 - start + 1;
    if start > 0 {
        shown.push('…');
        col += 1;
    }
    shown.extend(&chars[start..end]);
    if end < chars.len() {
        shown.push('…');
    }
    let w = width.min(end.saturating_sub(col0)).max(1);
    (shown, col, w)
}

fn summary(s: &mut String, m: &Summary, st: Style) {
    let _ = writeln!(
        s,
        "{} {}, {} ({} cited, {} implicit, {} uncited), {}",
        st.bold("summary:"),
        super::count(m.articles, "article", "articles"),
        super::count(m.sentences, "sentence", "sentences"),
        m.cited,
        m.implicit,
        m.uncited,
        super::count(m.claims, "checkable claim", "checkable claims"),
    );
    let _ = writeln!(
        s,
        "{} {} verified, {} partly, {} not found, {} unverifiable ({} without text)",
        st.bold("verification:"),
        m.verified,
        m.partly,
        m.not_found,
        m.unverifiable,
        super::count(m.unavailable_sources, "linked work", "linked works"),
    );
    let errors = super::count(m.errors, "error", "errors");
    let warnings = super::count(m.warnings, "warning", "warnings");
    let notes = super::count(m.notes, "note", "notes");
    let _ = writeln!(
        s,
        "{} {}, {}, {}",
        st.bold("findings:"),
        if m.errors > 0 {
            st.red(&errors)
        } else {
            errors
        },
        if m.warnings > 0 {
            st.yellow(&warnings)
        } else {
            warnings
        },
        notes
    );
    if m.baselined > 0 || m.baseline_stale > 0 {
        let _ = writeln!(
            s,
            "{} {} accepted, {} no longer occur{} (refresh it with `citecheck check --format json > FILE`)",
            st.bold("baseline:"),
            super::count(m.baselined, "finding", "findings"),
            super::count(m.baseline_stale, "entry", "entries"),
            if m.baseline_stale == 1 { "s" } else { "" }
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_windowed_around_the_mark() {
        let line = format!("{}MARK{}", "a".repeat(300), "b".repeat(300));
        let (shown, col, w) = window(&line, 301, 4);
        assert!(shown.starts_with('…') && shown.ends_with('…'));
        assert_eq!(
            shown.chars().skip(col - 1).take(4).collect::<String>(),
            "MARK"
        );
        assert_eq!(w, 4);
        let (shown, col, _) = window("short line", 7, 4);
        assert_eq!((shown.as_str(), col), ("short line", 7));
    }
}
