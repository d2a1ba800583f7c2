//! `check --format github`: GitHub Actions workflow commands, one line per finding, so
//! findings show as annotations on the pull request's diff:
//! `::warning file=…,line=…,col=…,endColumn=…,title=citecheck uncited-claim::message`.

use std::fmt::Write;

use crate::check::rules::Severity;
use crate::check::CheckReport;

pub fn render(report: &CheckReport) -> String {
    let mut s = String::new();
    for f in &report.findings {
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
        let _ = writeln!(
            s,
            "::{level} file={},line={},col={},endColumn={},title={}::{}",
            property(&f.file),
            f.line,
            f.column,
            f.column + f.width,
            property(&format!("citecheck {}", f.rule)),
            data(&message)
        );
    }
    let m = &report.summary;
    let n = super::count;
    let _ = writeln!(
        s,
        "citecheck: {}, {}, {} in {} ({}: {} verified, {} unsupported, {} unverifiable; {})",
        n(m.errors, "error", "errors"),
        n(m.warnings, "warning", "warnings"),
        n(m.notes, "note", "notes"),
        n(m.articles, "article", "articles"),
        n(m.claims, "claim", "claims"),
        m.verified,
        m.unsupported,
        m.unverifiable,
        n(m.uncited, "uncited sentence", "uncited sentences"),
    );
    if m.baselined > 0 || m.baseline_stale > 0 {
        let _ = writeln!(
            s,
            "citecheck: baseline accepted {}; {} no longer occur{}",
            n(m.baselined, "finding", "findings"),
            n(m.baseline_stale, "entry", "entries"),
            if m.baseline_stale == 1 { "s" } else { "" }
        );
    }
    s
}

/// Escaping of a workflow command's message: one line, and no legacy `##[` command in
/// it (article text is quoted in messages).
pub fn data(s: &str) -> String {
    let one_line = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    super::text::defuse_workflow_commands(&one_line).into_owned()
}

/// Escaping of a workflow command's property value.
pub fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}
