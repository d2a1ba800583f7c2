//! `citecheck parse --format json`: the article model in SPEC's documented shape.

use serde::Serialize;
use serde_json::{json, Value};

use crate::citation::CitationFields;
use crate::model::{Article, CitationStatus};

#[derive(Serialize)]
struct SectionOut<'a> {
    heading: &'a str,
    level: u8,
    line: usize,
    synthetic: bool,
}

/// The parsed model as JSON, keys in a stable order.
pub fn article_json(article: &Article) -> Value {
    let sections: Vec<Value> = article
        .sections
        .iter()
        .map(|s| {
            serde_json::to_value(SectionOut {
                heading: &s.heading,
                level: s.level,
                line: s.line,
                synthetic: s.synthetic,
            })
            .unwrap_or(Value::Null)
        })
        .collect();
    let markers: Vec<Value> = article
        .markers
        .iter()
        .map(|m| {
            json!({
                "label": m.label,
                "line": m.line,
                "column": m.column,
                "offset": m.offset,
                "group": m.group,
                "sentence": m.sentence,
                "resolved": m.reference.is_some(),
            })
        })
        .collect();
    let references: Vec<Value> = article
        .references
        .iter()
        .map(|r| {
            json!({
                "label": r.label,
                "text": r.text,
                "line": r.line,
                "declared_uses": r.declared_uses,
                "found_uses": r.found_uses,
                "source": r.link.as_ref().map(|l| &l.source),
                "link_score": r.link.as_ref().map(|l| l.score),
                "group": r.group,
                "fields": fields(&r.fields),
            })
        })
        .collect();
    let bibliography: Vec<Value> = article
        .bibliography
        .iter()
        .map(|b| {
            json!({
                "text": b.text,
                "line": b.line,
                "source": b.link.as_ref().map(|l| &l.source),
                "link_score": b.link.as_ref().map(|l| l.score),
            })
        })
        .collect();
    let sentences: Vec<Value> = article
        .sentences
        .iter()
        .map(|s| {
            json!({
                "text": s.text,
                "line": s.line,
                "column": s.column,
                "section": article.section_heading(s.section),
                "status": status_name(s.status),
                "markers": s.markers.iter().map(|&m| &article.markers[m].label).collect::<Vec<_>>(),
                "citation_needed": s.citation_needed,
            })
        })
        .collect();
    let toc: Vec<Value> = article
        .toc
        .iter()
        .map(|t| {
            json!({
                "title": t.title,
                "number": t.number,
                "line": t.line,
                "has_section": t.section.is_some(),
            })
        })
        .collect();
    let non_claims: Vec<Value> = article
        .non_claims
        .iter()
        .map(|n| json!({"kind": n.kind, "line": n.line, "text": n.text}))
        .collect();
    json!({
        "version": super::JSON_VERSION,
        "id": article.id,
        "file": article.path.to_string_lossy(),
        "format": article.format.name(),
        "title": article.title,
        "toc": toc,
        "sections": sections,
        "markers": markers,
        "references": references,
        "bibliography": bibliography,
        "sentences": sentences,
        "non_claims": non_claims,
        "problems": article.problems,
    })
}

pub fn status_name(s: CitationStatus) -> &'static str {
    match s {
        CitationStatus::Cited => "cited",
        CitationStatus::Implicit => "implicit",
        CitationStatus::Uncited => "uncited",
    }
}

fn fields(f: &CitationFields) -> Value {
    serde_json::to_value(f).unwrap_or(Value::Null)
}
