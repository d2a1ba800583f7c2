use std::fmt::Write;

use citecheck::model::Article;
use citecheck::report::model_json::status_name;
use citecheck::report::style::Style;
use citecheck::{Corpus, Error, Result};
use serde_json::json;

use crate::cli::{Cli, TextOrJson};
use crate::output;

pub fn run(cli: &Cli, label: &str, article_id: Option<&str>, format: TextOrJson) -> Result<u8> {
    let corpus = super::load_corpus(cli)?;
    let spec = pick_article(&corpus, article_id)?;
    let mut article = citecheck::readers::read_article(spec)?;
    citecheck::link::link_article(&mut article, &corpus);
    let label = label
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim_start_matches('^');
    let refs: Vec<usize> = article.references_labelled(label).map(|(i, _)| i).collect();
    let markers: Vec<usize> = (0..article.markers.len())
        .filter(|&m| article.markers[m].label == label)
        .collect();
    if refs.is_empty() && markers.is_empty() {
        let known: Vec<&str> = article
            .references
            .iter()
            .map(|r| r.label.as_str())
            .collect();
        return Err(Error::Usage(format!(
            "article {:?} has no footnote {label:?} (its references: {})",
            article.id,
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        )));
    }
    let evidence = evidence(cli, &corpus, &article, label, &refs)?;
    match format {
        TextOrJson::Json => output::print_json(&to_json(
            &article, &corpus, label, &refs, &markers, &evidence,
        ))?,
        TextOrJson::Text => output::print(&render(
            &article,
            &corpus,
            label,
            &refs,
            &markers,
            &evidence,
            Style::for_stdout(cli.color.into()),
        ))?,
    }
    Ok(0)
}

fn pick_article<'c>(
    corpus: &'c Corpus,
    id: Option<&str>,
) -> Result<&'c citecheck::manifest::ArticleSpec> {
    match id {
        Some(id) => corpus.article(id).ok_or_else(|| {
            Error::Usage(format!(
                "no article {id:?} in the corpus (articles: {})",
                corpus
                    .articles
                    .iter()
                    .take(10)
                    .map(|a| a.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        }),
        None if corpus.articles.len() == 1 => Ok(&corpus.articles[0]),
        None => Err(Error::Usage(format!(
            "the corpus has {} articles: name one with --article ID",
            corpus.articles.len()
        ))),
    }
}

/// The sentences a footnote covers: those whose covering markers carry this label.
fn covered(article: &Article, label: &str) -> Vec<usize> {
    (0..article.sentences.len())
        .filter(|&s| {
            article.sentences[s]
                .covered_by
                .iter()
                .any(|&m| article.markers[m].label == label)
        })
        .collect()
}

fn render(
    a: &Article,
    corpus: &Corpus,
    label: &str,
    refs: &[usize],
    markers: &[usize],
    evidence: &[Evidence],
    st: Style,
) -> String {
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
                plural(d),
                r.found_uses
            )),
            Some(d) => format!("declared {d} use{}, found {}", plural(d), r.found_uses),
            None => format!(
                "found {} use{} in the text (the format declares none)",
                r.found_uses,
                plural(r.found_uses)
            ),
        };
        let _ = writeln!(s, "  uses: {uses}");
        match &r.link {
            Some(link) => {
                let src = corpus.source(&link.source);
                let title = src.map_or("?", |x| x.title.as_str());
                let how = if link.explicit {
                    "explicit [[link]]".to_string()
                } else {
                    format!("score {:.2}", link.score)
                };
                let _ = writeln!(
                    s,
                    "\n{} {} — {} ({how})",
                    st.bold("source"),
                    link.source,
                    title
                );
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
        plural(markers.len())
    );
    for &m in markers {
        let m = &a.markers[m];
        let sentence = m
            .sentence
            .map(|i| a.sentences[i].text.as_str())
            .unwrap_or("(outside claim text)");
        let _ = writeln!(s, "  {}:{}:{}  {}", path, m.line, m.column, sentence);
    }
    let cov = covered(a, label);
    let _ = writeln!(
        s,
        "\n{} ({} sentence{})",
        st.bold("covers"),
        cov.len(),
        plural(cov.len())
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

/// A source passage that best matches a sentence the footnote covers.
struct Evidence {
    source: String,
    line: usize,
    section: Option<String>,
    text: String,
    score: f32,
    /// Where the covered sentence it was found for starts.
    for_line: usize,
    for_column: usize,
}

/// For each covered sentence, the best passage of a linked source that has text. Uses
/// the index (built or refreshed if needed); nothing when no linked source has text.
fn evidence(
    cli: &Cli,
    corpus: &Corpus,
    a: &Article,
    label: &str,
    refs: &[usize],
) -> Result<Vec<Evidence>> {
    let sources: Vec<&str> = refs
        .iter()
        .filter_map(|&r| a.references[r].link.as_ref())
        .map(|l| l.source.as_str())
        .filter(|id| {
            corpus
                .source(id)
                .is_some_and(|s| corpus.source_available(s))
        })
        .collect();
    if sources.is_empty() {
        return Ok(Vec::new());
    }
    let index = citecheck::index::Index::open_or_build(corpus, &cli.index, cli.quiet)?;
    let mut out: Vec<Evidence> = Vec::new();
    for i in covered(a, label) {
        let sentence = &a.sentences[i];
        // Rank across the whole corpus, keep the cited sources' passages: their rank
        // among all sources is what makes them evidence.
        let best = index
            .rank_sources(&sentence.text, 50)?
            .into_iter()
            .find(|h| sources.contains(&h.source.as_str()));
        if let Some(h) = best {
            if !out.iter().any(|e| e.source == h.source && e.line == h.line) {
                out.push(Evidence {
                    source: h.source,
                    line: h.line,
                    section: h.section,
                    text: h.text,
                    score: h.score,
                    for_line: sentence.line,
                    for_column: sentence.column,
                });
            }
        }
    }
    Ok(out)
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn to_json(
    a: &Article,
    corpus: &Corpus,
    label: &str,
    refs: &[usize],
    markers: &[usize],
    evidence: &[Evidence],
) -> serde_json::Value {
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
    let covers: Vec<_> = covered(a, label)
        .into_iter()
        .map(|i| {
            let s = &a.sentences[i];
            json!({"text": s.text, "line": s.line, "column": s.column, "status": status_name(s.status)})
        })
        .collect();
    json!({
        "version": citecheck::report::JSON_VERSION,
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
