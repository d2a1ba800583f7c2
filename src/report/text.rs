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

use std::borrow::Cow;
use std::fmt::Write;
use std::ops::Range;

use annotate_snippets::renderer::{AnsiColor, Effects, Style as Ansi};
use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

use super::style::Style;
use crate::check::rules::Severity;
use crate::check::{CheckReport, Finding, Summary};

/// Characters of the source line kept on each side of the finding before the line goes
/// to the renderer, which then trims it to [`TERM_WIDTH`] by display width. Bounds the
/// work per finding on a line of megabytes.
const CONTEXT_CHARS: usize = 200;
// A finding's snippet keeps more of a long line than is shown, so the cut is seen.
const _: () = assert!(crate::check::finding::SNIPPET_CONTEXT_CHARS > CONTEXT_CHARS);
/// Columns the rendered report fits lines into. Fixed rather than the terminal's, so
/// the output is the same wherever it is written (rustc's default).
const TERM_WIDTH: usize = annotate_snippets::renderer::DEFAULT_TERM_WIDTH;

pub fn render(report: &CheckReport, st: Style) -> String {
    let mut s = render_findings(&report.findings, st).concat();
    s.push_str(&render_summary(&report.summary, st));
    s
}

/// Findings as [`render`] shows them, each followed by a blank line, rendered on all
/// cores: one piece of text per run of findings, in order. An
/// article of 50,000 footnotes has as many findings, and rendering one takes about as
/// long as reading and checking its sentence.
pub fn render_findings(findings: &[Finding], st: Style) -> Vec<String> {
    let render_run = |_: usize, run: &[Finding]| {
        let renderer = renderer(st);
        let mut s = String::new();
        for f in run {
            s.push_str(&finding(&renderer, st.color, f));
            s.push_str("\n\n");
        }
        s
    };
    crate::parallel::map_runs(findings, 256, render_run, render_run)
}

/// The summary lines that end [`render`]'s report.
pub fn render_summary(m: &Summary, st: Style) -> String {
    let mut s = String::new();
    summary(&mut s, m, st);
    s
}

/// The line that stands for findings left out by `--max-findings` (or a cap).
pub fn render_omitted(omitted: usize, max: Option<usize>, st: Style) -> String {
    let limit = max.map_or(String::new(), |m| format!(" (--max-findings {m})"));
    format!(
        "{} and {omitted} more {} not shown{limit}\n\n",
        st.bold("…"),
        if omitted == 1 { "finding" } else { "findings" }
    )
}

/// The shown findings by rule, most frequent first (ties by rule name): the line that
/// says where to start on a large corpus.
pub fn render_by_rule(
    by_rule: &std::collections::BTreeMap<crate::rule::Rule, usize>,
    st: Style,
) -> String {
    if by_rule.is_empty() {
        return String::new();
    }
    let mut rules: Vec<_> = by_rule.iter().collect();
    rules.sort_by(|a, b| b.1.cmp(a.1).then(a.0.name().cmp(b.0.name())));
    let list: Vec<String> = rules.iter().map(|(r, n)| format!("{n} {r}")).collect();
    format!("{} {}\n", st.bold("by rule:"), list.join(", "))
}

/// annotate-snippets (rustc's renderer) in the colours of [`Style`], or plain.
fn renderer(st: Style) -> Renderer {
    if !st.color {
        return Renderer::plain().term_width(TERM_WIDTH);
    }
    let bold = |c: AnsiColor| Ansi::new().fg_color(Some(c.into())).effects(Effects::BOLD);
    Renderer::styled()
        .term_width(TERM_WIDTH)
        .error(bold(AnsiColor::Red))
        .warning(bold(AnsiColor::Yellow))
        .note(bold(AnsiColor::Cyan))
        .help(Ansi::new().effects(Effects::BOLD))
        .line_num(bold(AnsiColor::Blue))
        .emphasis(Ansi::new().effects(Effects::BOLD))
}

/// One finding, rustc-style: `severity[rule]: message`, `--> file:line:column`, the
/// source line with carets under the finding, then `= note:` and `= help:` lines.
/// Every piece of text is escaped with [`escape_controls`]: article text must not
/// reach the terminal as control sequences.
/// Without `color`, the common finding takes a shorter road ([`plain`]).
fn finding(renderer: &Renderer, color: bool, f: &Finding) -> String {
    let level = match f.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Note => Level::NOTE,
    };
    let file = escape_controls(&f.file);
    let title = level
        .primary_title(escape_controls(&f.message))
        .id(f.rule.name());
    let mut group = Group::with_title(title);
    // The renderer takes the `-->` column from the line it shows; `rendered_column` is
    // that, to be put right where escapes or the window shifted it.
    let mut rendered_column = None;
    match &f.snippet {
        Some(line) => {
            // The snippet may be a window of a long line: the column is its own.
            let (source, span) = shown_line(line, f.snippet_column, f.width);
            if !color && fits_plain(&source) {
                return plain(f, &file, &source, span);
            }
            rendered_column = Some(source[..span.start].chars().count() + 1);
            group = group.element(
                Snippet::source(source)
                    .line_start(f.line)
                    .path(file.clone())
                    .annotation(AnnotationKind::Primary.span(span)),
            );
        }
        None => {
            group = group.element(
                Origin::path(file.clone())
                    .line(f.line)
                    .char_column(f.column),
            );
        }
    }
    for n in &f.notes {
        group = group.element(Level::NOTE.message(escape_controls(n)));
    }
    if let Some(h) = &f.help {
        group = group.element(Level::HELP.message(escape_controls(h)));
    }
    let out = renderer.render(&[group]);
    match rendered_column {
        // The origin is the first `file:line:column` in the output: the title precedes
        // it, and the title never holds the file's own location.
        Some(c) if c != f.column => out.replacen(
            &format!("{file}:{}:{c}", f.line),
            &format!("{file}:{}:{}", f.line, f.column),
            1,
        ),
        _ => out,
    }
}

/// Whether `source` is a line [`plain`] renders as annotate-snippets would: printable
/// ASCII (one column per byte, nothing to normalise), short enough that the renderer
/// does not trim it to the terminal width, and not indented so deep that it trims the
/// indentation (rustc shows `...` for more than six leading blanks).
fn fits_plain(source: &str) -> bool {
    !source.is_empty()
        && source.len() <= PLAIN_MAX_LINE
        && source.bytes().all(|b| (b' '..=b'~').contains(&b))
        && !source.ends_with(' ')
        && source.len() - source.trim_start_matches(' ').len() <= PLAIN_MAX_INDENT
}

/// Leading blanks [`plain`] takes.
const PLAIN_MAX_INDENT: usize = 4;

/// Longest source line [`plain`] takes: with the widest line number and the gutter it
/// stays inside [`TERM_WIDTH`].
const PLAIN_MAX_LINE: usize = 100;

/// The renderer's output for the common finding — one short ASCII source line, no
/// colours — written directly: annotate-snippets lays out a character grid for every
/// finding, which was most of the time of a report with 50,000 findings. The layout
/// is rustc's; a test holds it byte for byte to the renderer's.
fn plain(f: &Finding, file: &str, source: &str, span: Range<usize>) -> String {
    let number = f.line.to_string();
    let pad = " ".repeat(number.len());
    let mut out = String::with_capacity(256 + source.len() * 2);
    let _ = writeln!(
        out,
        "{}[{}]: {}",
        f.severity.name(),
        f.rule.name(),
        escape_controls(&f.message)
    );
    let _ = writeln!(out, "{pad}--> {file}:{}:{}", f.line, f.column);
    let _ = writeln!(out, "{pad} |");
    let _ = writeln!(out, "{number} | {source}");
    let _ = write!(
        out,
        "{pad} | {}{}",
        " ".repeat(span.start),
        "^".repeat(span.len().max(1))
    );
    if !f.notes.is_empty() || f.help.is_some() {
        let _ = write!(out, "\n{pad} |");
    }
    for n in &f.notes {
        let _ = write!(out, "\n{pad} = note: {}", escape_controls(n));
    }
    if let Some(h) = &f.help {
        let _ = write!(out, "\n{pad} = help: {}", escape_controls(h));
    }
    out
}

/// The source line as shown, and the byte range to underline in it: the finding's
/// `column` and `width` count characters of `line`; they become bytes here, and the
/// renderer places the carets by display width (a CJK character is two columns).
/// Long lines are cut to [`CONTEXT_CHARS`] around the finding (marked with `…`), and
/// control characters are escaped.
fn shown_line(line: &str, column: usize, width: usize) -> (String, Range<usize>) {
    let col0 = column.saturating_sub(1);
    // Byte offsets of chars col0 - CONTEXT .. col0 + width + CONTEXT, found in one pass
    // that stops at the window's end.
    let first = col0.saturating_sub(CONTEXT_CHARS);
    let last = col0 + width.max(1) + CONTEXT_CHARS;
    let mut window_start = None;
    let mut span_start = None;
    let mut span_end = None;
    let mut window_end = None;
    for (n, (i, _)) in line.char_indices().enumerate() {
        if n == first {
            window_start = Some(i);
        }
        if n == col0 {
            span_start = Some(i);
        }
        if n == col0 + width {
            span_end = Some(i);
        }
        if n == last {
            window_end = Some(i);
            break;
        }
    }
    let window_start = window_start.unwrap_or(line.len());
    let span_start = span_start.unwrap_or(line.len()).max(window_start);
    let window_end = window_end.unwrap_or(line.len());
    let span_end = span_end.unwrap_or(window_end).clamp(span_start, window_end);

    let mut shown = String::new();
    if window_start > 0 {
        shown.push('…');
    }
    // A tab is one character in the file's columns: shown as one space.
    let shown_part = |part: &str| escape_controls(&part.replace('\t', " ")).into_owned();
    let before = shown_part(&line[window_start..span_start]);
    let inside = shown_part(&line[span_start..span_end]);
    let after = shown_part(&line[span_end..window_end]);
    shown.push_str(&before);
    let start = shown.len();
    shown.push_str(&inside);
    let end = shown.len();
    shown.push_str(&after);
    if window_end < line.len() {
        shown.push('…');
    }
    (shown, start..end)
}

/// `text` with every control character (C0, DEL, C1) and every bidirectional
/// override or isolate written as a visible escape (`\u{1b}`), so that text from an
/// article cannot move the cursor, clear the screen, set the window title or reorder
/// what is shown. Text without them is borrowed as is. For text that must stay on one
/// line: a tab and a line break are escaped too ([`shown`] keeps tabs).
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    escape_hidden(text, |_| false)
}

/// A piece of the user's text (an article's sentence or heading, a source passage, a
/// file name) as every text output shows it: [`escape_controls`], except that a tab
/// stays a tab. The one function the text reporters (`check`, `search`, `show`,
/// `parse`) and the binary's messages put such text through.
pub fn shown(text: &str) -> Cow<'_, str> {
    escape_hidden(text, |c| c == '\t')
}

fn escape_hidden(text: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    let hidden = |c: char| {
        (c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
            && !keep(c)
    };
    if !text.chars().any(hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if hidden(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Text defused for CI logs, where a line that starts (after blanks) with `::` is a
/// GitHub workflow command and `##[` anywhere a legacy one: such a line gets a `\`
/// before its `::`, and `##[` is written `#\#[`. An article, a source or a file name
/// (`x\n::error::…`) cannot then raise annotations, mask secrets or stop commands.
/// Other text is borrowed as is; the line breaks stay.
pub fn defuse_workflow_commands(text: &str) -> Cow<'_, str> {
    let starts_command = |line: &str| line.trim_start().starts_with("::");
    if !text.contains("##[") && !text.split('\n').any(starts_command) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if starts_command(line) {
            let blanks = line.len() - line.trim_start().len();
            out.push_str(&line[..blanks]);
            out.push('\\');
            out.push_str(&line[blanks..].replace("##[", "#\\#["));
        } else {
            out.push_str(&line.replace("##[", "#\\#["));
        }
    }
    Cow::Owned(out)
}

/// A message the binary prints on stderr (an error, a note) that names the user's files
/// or quotes their text: kept on one line by [`escape_controls`] (a file named
/// `x\n::error::…` cannot start a line of its own), then workflow commands defused.
pub fn defuse_message(text: &str) -> String {
    defuse_workflow_commands(&escape_controls(text)).into_owned()
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
    fn long_lines_are_cut_around_the_mark() {
        let line = format!("{}MARK{}", "a".repeat(300), "b".repeat(300));
        let (shown, span) = shown_line(&line, 301, 4);
        assert!(shown.starts_with('…') && shown.ends_with('…'));
        assert_eq!(&shown[span], "MARK");
        let (shown, span) = shown_line("short line", 7, 4);
        assert_eq!((shown.as_str(), &shown[span]), ("short line", "line"));
    }

    /// [`plain`] writes exactly what annotate-snippets writes, for every finding it
    /// takes: line numbers of every width, marks at the start, middle and end of the
    /// line (empty ones too), lines up to the limit, indented lines, windows of long
    /// lines, long and non-ASCII messages, any number of notes, with and without help.
    #[test]
    fn the_plain_road_writes_what_the_renderer_writes() {
        let renderer = Renderer::plain().term_width(TERM_WIDTH);
        let long_message = format!("a “quoted” claim, 日ソ中立条約, {}", "long ".repeat(60));
        let lines = [
            "x".to_string(),
            "  • Treaty 2".to_string(),
            "In 1941 the pact was signed in Moscow.".to_string(),
            format!("{}end", " ".repeat(PLAIN_MAX_INDENT)),
            format!("{}end", " ".repeat(7)),
            format!("{}end", " ".repeat(60)),
            "w".repeat(PLAIN_MAX_LINE - 1),
            "w".repeat(PLAIN_MAX_LINE),
            format!("{}MARK{}", "a".repeat(300), "b".repeat(300)),
        ];
        let (mut compared, mut taken) = (0, 0);
        for line in &lines {
            let chars = line.chars().count();
            for (column, width) in [
                (1, 0),
                (1, 1),
                (3, 4),
                (chars, 1),
                (chars + 1, 0),
                (chars / 2, 3),
            ] {
                for number in [1, 9, 10, 99, 12_345, 1_000_000_000] {
                    for (notes, help) in [(0, false), (0, true), (1, false), (2, true)] {
                        for message in ["reference [8] is never cited", long_message.as_str()] {
                            let f = Finding {
                                rule: crate::rule::Rule::UnknownFootnote,
                                severity: Severity::Warning,
                                article: "a".into(),
                                file: "corpus/articles/a.txt".into(),
                                span: 0..0,
                                line: number,
                                column: column.max(1) + if chars > 500 { 1000 } else { 0 },
                                width,
                                message: message.into(),
                                subject: None,
                                footnote: None,
                                source: None,
                                sentence: None,
                                help: help
                                    .then(|| "put its marker back, or delete the entry".into()),
                                notes: (0..notes)
                                    .map(|k| format!("note {k}: “first” listed"))
                                    .collect(),
                                evidence: Vec::new(),
                                snippet: Some(line.clone()),
                                snippet_column: column.max(1),
                                baselined: false,
                            };
                            let (source, _) = shown_line(line, f.snippet_column, width);
                            compared += 1;
                            if fits_plain(&source) {
                                taken += 1;
                            }
                            // `color: true` with a plain renderer: the renderer's road.
                            assert_eq!(
                                finding(&renderer, false, &f),
                                finding(&renderer, true, &f),
                                "{f:?}"
                            );
                        }
                    }
                }
            }
        }
        assert!(taken * 2 > compared, "{taken} of {compared}");
    }

    #[test]
    fn columns_and_widths_count_characters() {
        let (shown, span) = shown_line("日ソ中立条約は、In 1941 the pact", 12, 4);
        assert_eq!(&shown[span], "1941");
        // A mark past the end of the line is an empty span at its end.
        let (shown, span) = shown_line("abc", 9, 2);
        assert_eq!(span, shown.len()..shown.len());
    }

    #[test]
    fn control_characters_are_escaped_and_the_mark_follows_them() {
        let line = "\u{1b}]0;title\u{7}x\rIn 1941 \u{1b}[2J\u{9b}31m";
        let (shown, span) = shown_line(line, 16, 4);
        assert_eq!(&shown[span], "1941");
        assert_eq!(
            shown,
            "\\u{1b}]0;title\\u{7}x\\u{d}In 1941 \\u{1b}[2J\\u{9b}31m"
        );
        assert!(!shown.chars().any(char::is_control));
        assert_eq!(escape_controls("tab\tand more"), "tab\\u{9}and more");
        assert_eq!(escape_controls("plain"), "plain");
        assert_eq!(escape_controls("\u{202e}evil"), "\\u{202e}evil");
    }
}
