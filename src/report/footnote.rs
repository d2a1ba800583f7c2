//! `citecheck show`: one footnote — where it is cited, its reference entry and linked
//! source, the sentences it covers and evidence passages — as text or JSON. The evidence
//! is computed by [`crate::check::evidence`]; this module only renders.

use std::fmt::Write;

use serde_json::json;

use super::model_json::status_name;
use super::style::Style;
use crate::error::{Error, Result};
use crate::manifest::Corpus;
use crate::model::Article;

pub use crate::check::evidence::Evidence;

/// One footnote of an article: the reference entries and markers with its label, and the
/// evidence the command found for it.
pub struct FootnoteView<'a> {
    pub article: &'a Article,
    pub corpus: &'a Corpus,
    pub label: &'a str,
    /// Indices into `article.references`.
    pub references: Vec<usize>,
    /// Indices into `article.markers`.
    pub markers: Vec<usize>,
    pub evidence: Vec<Evidence>,
}

impl<'a> FootnoteView<'a> {
    /// The footnote `label` as a user may write it (`4`, `[4]`, `[^note]`), or a usage
    /// error naming the article's footnotes when it has none such.
    pub fn find(article: &'a Article, corpus: &'a Corpus, label: &'a str) -> Result<Self> {
        let label = label
            .trim_start_matches('[')
            .trim_end_matches(']')
            .trim_start_matches('^');
        Self::new(article, corpus, label).ok_or_else(|| {
            Error::Usage(format!(
                "article {:?} has no footnote {label:?} (its references: {})",
                article.id,
                super::id_list(article.references.iter().map(|r| r.label.as_str()))
            ))
        })
    }

    /// `None` when the article has neither a reference entry nor a marker labelled so.
    pub fn new(article: &'a Article, corpus: &'a Corpus, label: &'a str) -> Option<Self> {
        let references: Vec<usize> = article.references_labelled(label).map(|(i, _)| i).collect();
        let markers: Vec<usize> = (0..article.markers.len())
            .filter(|&m| article.markers[m].label == label)
            .collect();
        (!references.is_empty() || !markers.is_empty()).then_some(FootnoteView {
            article,
            corpus,
            label,
            references,
            markers,
            evidence: Vec::new(),
        })
    }

    /// The sentences the footnote covers: those whose covering markers carry its label.
    pub fn covered(&self) -> Vec<usize> {
        let a = self.article;
        (0..a.sentences.len())
            .filter(|&s| {
                a.sentences[s]
                    .covered_by
                    .iter()
                    .any(|&m| a.markers[m].label == self.label)
            })
            .collect()
    }

    /// `show`'s text view.
    pub fn text(&self, st: Style) -> String {
        render(self, st)
    }

    /// `show --format json`: stable keys, `version` first.
    pub fn json(&self) -> serde_json::Value {
        to_json(self)
    }
}

fn render(v: &FootnoteView, st: Style) -> String {
    let (a, corpus, label) = (v.article, v.corpus, v.label);
    let (refs, markers, evidence) = (&v.references, &v.markers, &v.evidence);
    let mut s = String::new();
    let path = a.path.display();
    let _ = writeln!(
        s,
        "{} [{}] in {}",
        st.bold("footnote"),
        label,
        a.title.as_deref().unwrap_or(&a.id)
    );
    if refs.is_empty() {
        let _ = writeln!(
            s,
            "  {}",
            st.red("no reference entry has this label (unknown footnote)")
        );
    }
    for &r in refs {
        let r = &a.references[r];
        let _ = writeln!(
            s,
            "\n{} {}:{}:{}",
            st.bold("reference"),
            path,
            r.line,
            r.column
        );
        let _ = writeln!(s, "  {}", r.text);
        let uses = match r.declared_uses {
            Some(d) if d != r.found_uses => st.yellow(&format!(
                "declared {d} use{}, found {} in the text",
                plural_s(d),
                r.found_uses
            )),
            Some(d) => format!("declared {d} use{}, found {}", plural_s(d), r.found_uses),
            None => format!(
                "found {} use{} in the text (the format declares none)",
                r.found_uses,
                plural_s(r.found_uses)
            ),
        };
        let _ = writeln!(s, "  uses: {uses}");
        match &r.link {
            Some(link) => {
                let src = corpus.source(&link.source);
                let title = src.map_or("?", |x| x.title.as_str());
                let how = if link.explicit {
                    "explicit [[link]]".to_string()
                } else if link.confident {
                    format!("score {:.2}, confident", link.score)
                } else {
                    format!(
                        "score {:.2}, not sure: claims are not checked against it",
                        link.score
                    )
                };
                let _ = writeln!(
                    s,
                    "\n{} {} — {} ({how})",
                    st.bold("source"),
                    link.source,
                    title
                );
                if !link.explicit {
                    for e in &link.evidence {
                        let _ = writeln!(s, "  matched: {e}");
                    }
                    for d in &link.doubts {
                        let _ = writeln!(s, "  {}", st.yellow(&format!("not sure: {d}")));
                    }
                }
                if let Some(src) = src {
                    if let Some(d) = &src.date {
                        let _ = writeln!(s, "  date: {d}");
                    }
                    if corpus.source_available(src) {
                        let _ = writeln!(
                            s,
                            "  text: {}",
                            st.green(&corpus.source_path(src).unwrap().display().to_string())
                        );
                    } else {
                        let _ = writeln!(s, "  text: {}", st.yellow("unavailable (no text in the corpus): claims citing it are unverifiable"));
                    }
                    if let Some(u) = &src.url {
                        let _ = writeln!(s, "  url: {u}");
                    }
                }
            }
            None => {
                let _ = writeln!(
                    s,
                    "\n{} {}",
                    st.bold("source"),
                    st.yellow("none: the reference matches no source in the manifest")
                );
            }
        }
    }
    let _ = writeln!(
        s,
        "\n{} ({} marker{})",
        st.bold("cited at"),
        markers.len(),
        plural_s(markers.len())
    );
    for &m in markers {
        let m = &a.markers[m];
        let sentence = m
            .sentence
            .map(|i| a.sentences[i].text.as_str())
            .unwrap_or("(outside claim text)");
        let _ = writeln!(s, "  {}:{}:{}  {}", path, m.line, m.column, sentence);
    }
    let cov = v.covered();
    let _ = writeln!(
        s,
        "\n{} ({} sentence{})",
        st.bold("covers"),
        cov.len(),
        plural_s(cov.len())
    );
    for i in cov {
        let sen = &a.sentences[i];
        let _ = writeln!(
            s,
            "  {:<8} {}:{}  {}",
            status_name(sen.status),
            sen.line,
            sen.column,
            sen.text
        );
    }
    if !evidence.is_empty() {
        let _ = writeln!(
            s,
            "\n{} (best-matching passages of the cited source)",
            st.bold("evidence")
        );
        for e in evidence {
            let place = e
                .section
                .as_deref()
                .map(|x| format!(", {x}"))
                .unwrap_or_default();
            let _ = writeln!(
                s,
                "  {} line {}{place}  (for the sentence at {}:{})",
                e.source, e.line, e.for_line, e.for_column
            );
            let _ = writeln!(s, "    {}", e.text);
        }
    }
    s
}

fn plural_s(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn to_json(v: &FootnoteView) -> serde_json::Value {
    let (a, corpus, label) = (v.article, v.corpus, v.label);
    let (refs, markers, evidence) = (&v.references, &v.markers, &v.evidence);
    let references: Vec<_> = refs
        .iter()
        .map(|&r| {
            let r = &a.references[r];
            let source = r.link.as_ref().map(|l| {
                let src = corpus.source(&l.source);
                json!({
                    "id": l.source,
                    "title": src.map(|s| &s.title),
                    "score": l.score,
                    "explicit": l.explicit,
                    "confident": l.is_sure(),
                    "evidence": l.evidence,
                    "doubts": l.doubts,
                    "available": src.is_some_and(|s| corpus.source_available(s)),
                    "url": src.and_then(|s| s.url.as_ref()),
                })
            });
            json!({"text": r.text, "line": r.line, "declared_uses": r.declared_uses, "found_uses": r.found_uses, "source": source})
        })
        .collect();
    let cited_at: Vec<_> = markers
        .iter()
        .map(|&m| {
            let m = &a.markers[m];
            json!({"line": m.line, "column": m.column, "offset": m.offset, "sentence": m.sentence.map(|i| &a.sentences[i].text)})
        })
        .collect();
    let covers: Vec<_> = v.covered()
        .into_iter()
        .map(|i| {
            let s = &a.sentences[i];
            json!({"text": s.text, "line": s.line, "column": s.column, "status": status_name(s.status)})
        })
        .collect();
    json!({
        "version": super::JSON_VERSION,
        "article": a.id,
        "file": a.path.to_string_lossy(),
        "footnote": label,
        "references": references,
        "cited_at": cited_at,
        "covers": covers,
        "evidence": evidence.iter().map(|e| json!({
            "source": e.source, "line": e.line, "section": e.section, "text": e.text,
            "score": e.score, "for_line": e.for_line, "for_column": e.for_column,
        })).collect::<Vec<_>>(),
    })
}
