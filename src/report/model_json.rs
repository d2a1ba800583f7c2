//! `citecheck parse --format json`: the article model in SPEC's documented shape.
//!
//! The document is written as it is serialised, never built as a `serde_json::Value`
//! tree first: a megabyte article has tens of thousands of sentences and markers, and
//! the tree of them took over 100 MB. Keys are in byte order at every level, as a
//! `Value` (a sorted map) printed them, so the output bytes are those of the tree.

use std::io::Write;

use serde::ser::{Serialize, SerializeSeq, Serializer};
use serde_json::Value;

use crate::citation::CitationFields;
use crate::model::{Article, CitationStatus, NonClaimKind};

/// The parsed model as a JSON value (the same document [`write_article_json`] writes).
pub fn article_json(article: &Article) -> Value {
    serde_json::to_value(ArticleOut(article)).unwrap_or(Value::Null)
}

/// Write the parsed model as pretty JSON (two-space indent, no trailing newline) to
/// `out`, streamed item by item.
pub fn write_article_json(article: &Article, out: impl Write) -> serde_json::Result<()> {
    serde_json::to_writer_pretty(out, &ArticleOut(article))
}

/// The items of an iterator as a JSON array, made one at a time as it is written.
struct Seq<F>(F);

impl<I, F> Serialize for Seq<F>
where
    F: Fn() -> I,
    I: Iterator,
    I::Item: Serialize,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let items = (self.0)();
        let mut seq = serializer.serialize_seq(items.size_hint().1)?;
        for item in items {
            seq.serialize_element(&item)?;
        }
        seq.end()
    }
}

/// A value as its `serde_json::Value` prints it: the keys of a derived struct sorted.
/// Used for the small nested records whose own key order is not byte order.
struct Sorted<'a, T>(&'a T);

impl<T: Serialize> Serialize for Sorted<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serde_json::to_value(self.0)
            .unwrap_or(Value::Null)
            .serialize(serializer)
    }
}

struct ArticleOut<'a>(&'a Article);

// Each record's fields in byte order of their keys (see the module comment).

#[derive(serde::Serialize)]
struct TopOut<'a, B, M, N, P, R, Se, St, T> {
    bibliography: B,
    file: String,
    format: &'static str,
    id: &'a str,
    markers: M,
    non_claims: N,
    problems: P,
    references: R,
    sections: Se,
    sentences: St,
    title: Option<&'a str>,
    toc: T,
    version: u32,
}

#[derive(serde::Serialize)]
struct SectionOut<'a> {
    heading: &'a str,
    level: u8,
    line: usize,
    synthetic: bool,
}

#[derive(serde::Serialize)]
struct MarkerOut<'a> {
    column: usize,
    group: &'a Option<String>,
    label: &'a str,
    line: usize,
    offset: usize,
    resolved: bool,
    sentence: Option<usize>,
}

#[derive(serde::Serialize)]
struct ReferenceOut<'a> {
    declared_uses: Option<usize>,
    fields: Sorted<'a, CitationFields>,
    found_uses: usize,
    group: &'a Option<String>,
    label: &'a str,
    line: usize,
    link_score: Option<f64>,
    source: Option<&'a str>,
    text: &'a str,
}

#[derive(serde::Serialize)]
struct BibOut<'a> {
    line: usize,
    link_score: Option<f64>,
    source: Option<&'a str>,
    text: &'a str,
}

#[derive(serde::Serialize)]
struct SentenceOut<'a, M> {
    citation_needed: bool,
    column: usize,
    line: usize,
    markers: M,
    section: Option<&'a str>,
    status: &'static str,
    text: &'a str,
}

#[derive(serde::Serialize)]
struct TocOut<'a> {
    has_section: bool,
    line: usize,
    number: &'a Option<String>,
    title: &'a str,
}

#[derive(serde::Serialize)]
struct NonClaimOut<'a> {
    kind: NonClaimKind,
    line: usize,
    text: &'a str,
}

impl Serialize for ArticleOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let a = self.0;
        TopOut {
            bibliography: Seq(|| {
                a.bibliography.iter().map(|b| BibOut {
                    line: b.line,
                    link_score: b.link.as_ref().map(|l| l.score),
                    source: b.link.as_ref().map(|l| l.source.as_str()),
                    text: &b.text,
                })
            }),
            file: a.path.to_string_lossy().into_owned(),
            format: a.format.name(),
            id: &a.id,
            markers: Seq(|| {
                a.markers.iter().map(|m| MarkerOut {
                    column: m.column,
                    group: &m.group,
                    label: &m.label,
                    line: m.line,
                    offset: m.offset,
                    resolved: m.reference.is_some(),
                    sentence: m.sentence,
                })
            }),
            non_claims: Seq(|| {
                a.non_claims.iter().map(|n| NonClaimOut {
                    kind: n.kind,
                    line: n.line,
                    text: &n.text,
                })
            }),
            problems: Seq(|| a.problems.iter().map(Sorted)),
            references: Seq(|| {
                a.references.iter().map(|r| ReferenceOut {
                    declared_uses: r.declared_uses,
                    fields: Sorted(&r.fields),
                    found_uses: r.found_uses,
                    group: &r.group,
                    label: &r.label,
                    line: r.line,
                    link_score: r.link.as_ref().map(|l| l.score),
                    source: r.link.as_ref().map(|l| l.source.as_str()),
                    text: &r.text,
                })
            }),
            sections: Seq(|| {
                a.sections.iter().map(|s| SectionOut {
                    heading: &s.heading,
                    level: s.level,
                    line: s.line,
                    synthetic: s.synthetic,
                })
            }),
            sentences: Seq(|| {
                a.sentences.iter().map(|s| SentenceOut {
                    citation_needed: s.citation_needed,
                    column: s.column,
                    line: s.line,
                    markers: Seq(|| s.markers.iter().map(|&m| a.markers[m].label.as_str())),
                    section: a.section_heading(s.section),
                    status: status_name(s.status),
                    text: &s.text,
                })
            }),
            title: a.title.as_deref(),
            toc: Seq(|| {
                a.toc.iter().map(|t| TocOut {
                    has_section: t.section.is_some(),
                    line: t.line,
                    number: &t.number,
                    title: &t.title,
                })
            }),
            version: super::JSON_VERSION,
        }
        .serialize(serializer)
    }
}

pub fn status_name(s: CitationStatus) -> &'static str {
    match s {
        CitationStatus::Cited => "cited",
        CitationStatus::Implicit => "implicit",
        CitationStatus::Uncited => "uncited",
    }
}
