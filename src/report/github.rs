//! `check --format github`: GitHub Actions workflow commands, one line per finding, so
//! findings show as annotations on the pull request's diff:
//! `::warning file=…,line=…,col=…,endColumn=…,title=citecheck uncited-claim::message`.

use std::fmt::Write;

use std::collections::BTreeMap;

use crate::check::rules::Severity;
use crate::check::{CheckReport, Finding, Summary};
use crate::rule::Rule;

pub fn render(report: &CheckReport) -> String {
    let mut s = String::new();
    for f in &report.findings {
        s.push_str(&annotation(f));
    }
    s.push_str(&summary_line(&report.summary));
    s
}

/// One finding as a workflow command, with its newline.
pub fn annotation(f: &Finding) -> String {
    let level = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    };
    let mut message = f.message.clone();
    for n in &f.notes {
        message.push_str("\nnote: ");
        message.push_str(n);
    }
    if let Some(h) = &f.help {
        message.push_str("\nhelp: ");
        message.push_str(h);
    }
    format!(
        "::{level} file={},line={},col={},endColumn={},title={}::{}\n",
        property(&f.file),
        f.line,
        f.column,
        f.column + f.width,
        property(&format!("citecheck {}", f.rule)),
        data(&message)
    )
}

/// The notice that ends capped annotations: how many findings were not annotated.
pub fn omitted_notice(omitted: usize, per_level: usize) -> String {
    if omitted == 0 {
        return String::new();
    }
    format!(
        "::notice title=citecheck::{}\n",
        data(&format!(
            "{omitted} more {} not annotated (GitHub shows about {per_level} annotations per level per step); \
             the job summary counts them by rule, and `check --format sarif` or `--format json` lists them all",
            if omitted == 1 { "finding" } else { "findings" }
        ))
    )
}

/// The closing `citecheck: …` lines: totals and the baseline's effect.
pub fn summary_line(m: &Summary) -> String {
    let mut s = String::new();
    let t = super::Totals::of(m);
    let _ = writeln!(
        s,
        "citecheck: {}, {}, {} in {} ({}: {} verified, {} unsupported, {} unverifiable; {})",
        t.errors,
        t.warnings,
        t.notes,
        t.articles,
        t.claims,
        m.verified,
        m.unsupported,
        m.unverifiable,
        t.uncited,
    );
    if m.baselined > 0 || m.baseline_stale > 0 {
        let _ = writeln!(
            s,
            "citecheck: baseline accepted {}; {} no longer occur{}",
            super::count(m.baselined, "finding", "findings"),
            super::count(m.baseline_stale, "entry", "entries"),
            if m.baseline_stale == 1 { "s" } else { "" }
        );
    }
    s
}

/// A job summary (GitHub-flavoured Markdown for `$GITHUB_STEP_SUMMARY`): totals, then
/// the shown findings by rule, most frequent first.
pub fn step_summary(m: &Summary, by_rule: &BTreeMap<Rule, usize>, omitted: usize) -> String {
    let mut s = super::markdown::heading(m);
    if !by_rule.is_empty() {
        s.push_str("| rule | findings |\n|---|---:|\n");
        let mut rules: Vec<_> = by_rule.iter().collect();
        rules.sort_by(|a, b| b.1.cmp(a.1).then(a.0.name().cmp(b.0.name())));
        for (r, n) in rules {
            let _ = writeln!(s, "| `{r}` | {n} |");
        }
        s.push('\n');
    }
    if omitted > 0 {
        let _ = writeln!(
            s,
            "{omitted} findings were not annotated or not written (limits); the table counts them all.\n"
        );
    }
    s
}

/// Escaping of a workflow command's message: one line, no other control character (the
/// log is a terminal too: [`super::text::shown`]), and no legacy `##[` command in it
/// (article text is quoted in messages).
pub fn data(s: &str) -> String {
    let one_line = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    super::text::defuse_workflow_commands(&super::text::shown(&one_line)).into_owned()
}

/// Escaping of a workflow command's property value.
pub fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}
