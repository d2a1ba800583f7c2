//! Renderers of search results: text for people, JSON for scripts.

use std::fmt::Write;

use serde::Serialize;

use super::style::Style;
use super::text::shown;
use crate::index::{Hit, Kind, SearchResults};

/// Text: one block per hit — where it is (title › section, file:line, kind, score), the
/// snippet with the matches highlighted, and the footnotes. The corpus's text goes
/// through [`shown`] (control characters escaped), and lines that a CI log would read
/// as workflow commands are defused.
pub fn render_text(results: &SearchResults, st: Style) -> String {
    super::text::defuse_workflow_commands(&render_hits(results, st)).into_owned()
}

fn render_hits(results: &SearchResults, st: Style) -> String {
    let mut s = String::new();
    for (i, hit) in results.hits.iter().enumerate() {
        if i > 0 {
            s.push('\n');
        }
        let section = match (&hit.section, hit.kind) {
            (Some(sec), _) => format!(" › {}", shown(sec)),
            (None, Kind::Article) => " › (lead)".to_string(),
            (None, Kind::Source) => String::new(),
        };
        let _ = writeln!(
            s,
            "{}{} {}",
            st.bold(&shown(&hit.title)),
            section,
            st.dim(&format!(
                "[{} {}, score {:.2}]",
                hit.kind.name(),
                shown(&hit.doc),
                hit.score
            ))
        );
        let _ = writeln!(
            s,
            "  {}",
            st.cyan(&format!("{}:{}", shown(&hit.file), hit.line))
        );
        let _ = writeln!(s, "  {}", highlighted(hit, st));
        if !hit.footnotes.is_empty() {
            let labels: Vec<String> = hit
                .footnotes
                .iter()
                .map(|l| format!("[{}]", shown(l)))
                .collect();
            let what = match hit.kind {
                Kind::Article => "footnotes",
                Kind::Source => "cited by footnotes",
            };
            let _ = writeln!(s, "  {}: {}", st.dim(what), labels.join(" "));
        }
    }
    s
}

/// The snippet with each highlight styled: colour on a terminal, `«…»` otherwise. Each
/// piece is [`shown`] on its own, so the highlights keep their places.
fn highlighted(hit: &Hit, st: Style) -> String {
    let mut out = String::new();
    let mut at = 0;
    for r in &hit.highlights {
        let (Some(before), Some(word)) = (hit.snippet.get(at..r.start), hit.snippet.get(r.clone()))
        else {
            continue;
        };
        out.push_str(&shown(before));
        out.push_str(&st.highlight(&shown(word)));
        at = r.end;
    }
    out.push_str(&shown(hit.snippet.get(at..).unwrap_or("")));
    out
}

#[derive(Serialize)]
struct JsonOut<'a> {
    version: u32,
    query: &'a str,
    hits: Vec<JsonHit<'a>>,
    total: usize,
    corrections: &'a [crate::index::search::Correction],
}

#[derive(Serialize)]
struct JsonHit<'a> {
    score: f32,
    kind: &'static str,
    doc: &'a str,
    title: &'a str,
    section: Option<&'a str>,
    line: usize,
    snippet: &'a str,
    footnotes: &'a [String],
    file: &'a str,
    highlights: Vec<[usize; 2]>,
}

/// JSON: SPEC's keys (`version`, `query`, `hits[]` with `score`, `kind`, `doc`, `title`,
/// `section`, `line`, `snippet`, `footnotes`) in that order, then extras: `file`,
/// `highlights` (byte ranges into `snippet`), `total` (matches in all) and
/// `corrections` (misspelt words and the indexed words searched instead). Serialised
/// from structs so the key order is the declared one.
pub fn to_json(query: &str, results: &SearchResults) -> String {
    let out = JsonOut {
        version: super::JSON_VERSION,
        query,
        hits: results
            .hits
            .iter()
            .map(|h| JsonHit {
                score: h.score,
                kind: h.kind.name(),
                doc: &h.doc,
                title: &h.title,
                section: h.section.as_deref(),
                line: h.line,
                snippet: &h.snippet,
                footnotes: &h.footnotes,
                file: &h.file,
                highlights: h.highlights.iter().map(|r| [r.start, r.end]).collect(),
            })
            .collect(),
        total: results.total,
        corrections: &results.corrections,
    };
    let mut s = serde_json::to_string_pretty(&out).unwrap_or_default();
    s.push('\n');
    s
}
