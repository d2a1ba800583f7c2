//! `check --format markdown`: a pull-request comment (GitHub-flavoured Markdown). A
//! summary line and a table of the shown findings by rule and severity, then the
//! findings grouped by article, at most a cap of them (a comment holds 65,536
//! characters), ending with "… and N more". Everything taken from the corpus (messages,
//! sentences, file names) is escaped, so an article cannot inject markup, links or
//! mentions into the comment.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::check::{Finding, Summary};
use crate::rule::{Rule, Severity};

/// Findings a comment lists when no `--max-findings` says otherwise: enough to act on,
/// far below GitHub's 65,536 characters per comment.
pub const DEFAULT_MAX_FINDINGS: usize = 50;

/// Characters of a message or sentence shown; the rest is cut with `…`.
const TEXT_CHARS: usize = 300;

/// A comment being collected: every shown finding is counted, the first `cap` are kept
/// (grouped by article in the order they came).
#[derive(Debug)]
pub struct Comment {
    cap: usize,
    /// (article id, file) and its kept findings, in order of first appearance.
    groups: Vec<((String, String), Vec<Finding>)>,
    kept: usize,
    /// Shown findings by rule and severity, kept or not.
    counts: BTreeMap<(Rule, Severity), usize>,
}

impl Comment {
    /// A comment that lists at most `cap` findings.
    pub fn new(cap: usize) -> Comment {
        Comment {
            cap,
            groups: Vec::new(),
            kept: 0,
            counts: BTreeMap::new(),
        }
    }

    /// Count a finding, and keep it while fewer than the cap are kept. Whether it was
    /// kept.
    pub fn push(&mut self, f: Finding) -> bool {
        *self.counts.entry((f.rule, f.severity)).or_default() += 1;
        if self.kept >= self.cap {
            return false;
        }
        self.kept += 1;
        let key = (f.article.clone(), f.file.clone());
        match self.groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, list)) => list.push(f),
            None => self.groups.push((key, vec![f])),
        }
        true
    }

    /// Count a finding that is not to be listed (left out before it got here, by
    /// `--max-findings`).
    pub fn count_only(&mut self, f: &Finding) {
        *self.counts.entry((f.rule, f.severity)).or_default() += 1;
    }

    /// The comment: `summary` of the run, the table, the kept findings, and a last line
    /// for the `omitted` shown findings not listed.
    pub fn render(&self, summary: &Summary, omitted: usize) -> String {
        let mut s = heading(summary);
        if self.counts.is_empty() {
            s.push_str("No findings.\n");
            return s;
        }
        s.push_str("| rule | severity | findings |\n|---|---|---:|\n");
        let mut rows: Vec<_> = self.counts.iter().collect();
        // Most severe first, then most frequent, then by name: where to start.
        rows.sort_by(|a, b| {
            (b.0 .1, b.1)
                .cmp(&(a.0 .1, a.1))
                .then(a.0 .0.name().cmp(b.0 .0.name()))
        });
        for ((rule, severity), count) in rows {
            let _ = writeln!(s, "| `{rule}` | {severity} | {count} |");
        }
        s.push('\n');
        for ((article, file), findings) in &self.groups {
            let _ = writeln!(s, "### {} — {}\n", escape(article), escape(file));
            for f in findings {
                let _ = write!(
                    s,
                    "- **{}** `{}` line {}, column {}: {}",
                    f.severity,
                    f.rule,
                    f.line,
                    f.column,
                    escape(&cut(&f.message))
                );
                if let Some(footnote) = &f.footnote {
                    let _ = write!(s, " (footnote {})", escape(footnote));
                }
                s.push('\n');
                if let Some(sentence) = f.sentence.as_deref().filter(|t| !t.is_empty()) {
                    let _ = writeln!(s, "  > {}", escape(&cut(sentence)));
                }
                if let Some(help) = &f.help {
                    let _ = writeln!(s, "  help: {}", escape(&cut(help)));
                }
            }
            s.push('\n');
        }
        if omitted > 0 {
            let _ = writeln!(
                s,
                "… and {omitted} more {} (the table counts them; `citecheck check` lists them all).",
                if omitted == 1 { "finding" } else { "findings" }
            );
        }
        s
    }
}

/// The first [`TEXT_CHARS`] characters of `text`, on one line.
fn cut(text: &str) -> String {
    let one_line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    match one_line.char_indices().nth(TEXT_CHARS) {
        Some((i, _)) => format!("{}…", one_line[..i].trim_end()),
        None => one_line,
    }
}

/// Text as Markdown shows it literally: every ASCII punctuation mark Markdown gives a
/// meaning to is backslash-escaped (CommonMark allows that for all of them), `<` and
/// `>` become entities (no HTML), and `@` is kept from starting a mention.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            // A zero-width joiner after `@` keeps GitHub from notifying a user.
            '@' => out.push_str("@\u{2060}"),
            // Inline markup (emphasis, code, links, images, tables, strike-through) and
            // `:` of autolinked URLs.
            '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '#' | '!' | '|' | '~' | ':' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The head of every Markdown summary (the pull-request comment and GitHub's job
/// summary): the title, the totals with errors in bold, and the baseline's effect.
pub fn heading(summary: &Summary) -> String {
    let mut s = String::from("## citecheck\n\n");
    let t = super::Totals::of(summary);
    let errors = if summary.errors > 0 {
        format!("**{}**", t.errors)
    } else {
        t.errors
    };
    let _ = writeln!(
        s,
        "{errors}, {}, {} in {}: {} ({} verified, {} unsupported, {} unverifiable), {}.\n",
        t.warnings,
        t.notes,
        t.articles,
        t.claims,
        summary.verified,
        summary.unsupported,
        summary.unverifiable,
        t.uncited,
    );
    if summary.baselined > 0 || summary.baseline_stale > 0 {
        let _ = writeln!(
            s,
            "Baseline: {} accepted, {} no longer occur.\n",
            summary.baselined, summary.baseline_stale
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaped_text_carries_no_markup() {
        let e = escape("<img src=x> [link](http://x) *bold* @user | `code`");
        assert!(!e.contains('<') && !e.contains("](") && !e.contains("@u"));
        assert!(e.contains("\\*bold\\*") && e.contains("\\|") && e.contains("\\`"));
    }

    #[test]
    fn long_text_is_cut_on_one_line() {
        let long = format!("{}\nsecond line", "word ".repeat(100));
        let c = cut(&long);
        assert!(c.ends_with('…') && !c.contains('\n'));
        assert!(c.chars().count() <= TEXT_CHARS + 1);
    }
}
