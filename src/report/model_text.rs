//! `citecheck parse`: the parsed model of one article as text for people (the JSON shape
//! is `model_json`).

use std::fmt::Write;

use super::model_json::status_name;
use super::text::shown;
use crate::model::Article;

/// Every piece of the article's text goes through [`shown`]: control characters in it
/// are escaped, never sent to the terminal.
pub fn render(a: &Article) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} ({}, {})",
        shown(a.title.as_deref().unwrap_or(&a.id)),
        shown(&a.path.display().to_string()),
        a.format.name()
    );
    if !a.toc.is_empty() {
        let _ = writeln!(s, "\ncontents ({} entries):", a.toc.len());
        for t in &a.toc {
            let mark = if t.section.is_some() {
                ""
            } else {
                "   (no such section)"
            };
            let _ = writeln!(
                s,
                "  {} {}{}",
                shown(t.number.as_deref().unwrap_or("-")),
                shown(&t.title),
                mark
            );
        }
    }
    let _ = writeln!(s, "\nsections ({}):", a.sections.len());
    for sec in &a.sections {
        let _ = writeln!(
            s,
            "  {:>4}  {}{}{}",
            sec.line,
            "  ".repeat(sec.level.saturating_sub(2) as usize),
            shown(&sec.heading),
            if sec.synthetic { "  (implied)" } else { "" }
        );
    }
    let _ = writeln!(s, "\nmarkers ({}):", a.markers.len());
    for m in &a.markers {
        let target = if m.reference.is_some() {
            ""
        } else {
            "  (no reference entry)"
        };
        let _ = writeln!(
            s,
            "  [{}] {}:{}{}",
            shown(&m.label),
            m.line,
            m.column,
            target
        );
    }
    let _ = writeln!(s, "\nreferences ({}):", a.references.len());
    for r in &a.references {
        let declared = r.declared_uses.map_or("-".to_string(), |d| d.to_string());
        let link = r.link.as_ref().map_or("unlinked".to_string(), |l| {
            format!("→ {} ({:.2})", shown(&l.source), l.score)
        });
        let _ = writeln!(
            s,
            "  {:>3}. line {}, declared {}, found {}, {}\n       {}",
            shown(&r.label),
            r.line,
            declared,
            r.found_uses,
            link,
            shown(&r.text)
        );
    }
    if !a.bibliography.is_empty() {
        let _ = writeln!(s, "\nbibliography ({}):", a.bibliography.len());
        for b in &a.bibliography {
            let link = b.link.as_ref().map_or("unlinked".to_string(), |l| {
                format!("→ {}", shown(&l.source))
            });
            let _ = writeln!(s, "  line {}: {} ({link})", b.line, shown(&b.text));
        }
    }
    let _ = writeln!(s, "\nsentences ({}):", a.sentences.len());
    for sen in &a.sentences {
        let labels: Vec<_> = sen
            .markers
            .iter()
            .map(|&m| shown(&a.markers[m].label))
            .collect();
        let _ = writeln!(
            s,
            "  {:>4}:{:<4} {:<8} {}{}",
            sen.line,
            sen.column,
            status_name(sen.status),
            shown(&sen.text),
            if labels.is_empty() {
                String::new()
            } else {
                format!(" [{}]", labels.join("]["))
            }
        );
    }
    s
}
