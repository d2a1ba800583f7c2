//! `citecheck report --html OUT`: one self-contained page (no scripts, no external
//! assets) showing each article with its sentences coloured by citation status and, on
//! hover, the footnotes that cover a sentence, their reference text and linked source.

use std::fmt::Write;

use crate::manifest::Corpus;
use crate::model::Article;

const STYLE: &str = "
body{font:16px/1.55 Georgia,serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.7rem}h2{font-size:1.3rem;margin-top:2rem}h3{font-size:1.1rem}
.s{border-radius:3px;padding:0 1px}
.cited{background:#d8f3dc}.implicit{background:#eef8e9}.uncited{background:#ffe5c2}
.flagged{outline:1px dashed #c00}
sup{color:#0645ad;font-size:.75em}
.legend span{margin-right:1rem;padding:0 .3rem}
ol.refs li{margin:.3rem 0}.avail{color:#2b7a2b}.unavail{color:#a15c00}
.meta{color:#666;font-size:.9rem}
";

/// Render every article of the corpus into one HTML document.
pub fn render(articles: &[Article], corpus: &Corpus) -> String {
    let mut out = String::new();
    let title = match articles {
        [one] => one.title.clone().unwrap_or_else(|| one.id.clone()),
        _ => format!("{} articles", articles.len()),
    };
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>citecheck: {}</title><style>{STYLE}</style></head><body>\n",
        esc(&title)
    );
    out.push_str(
        "<p class=\"legend\"><span class=\"cited\">cited</span><span class=\"implicit\">implicitly covered</span>\
         <span class=\"uncited\">uncited</span><span class=\"flagged\">flagged by the article</span> \
         Hover a sentence for its footnotes and sources.</p>\n",
    );
    for a in articles {
        article(&mut out, a, corpus);
    }
    out.push_str("</body></html>\n");
    out
}

fn article(out: &mut String, a: &Article, corpus: &Corpus) {
    let _ = writeln!(
        out,
        "<article><h1>{}</h1><p class=\"meta\">{} · {} sentences · {} markers · {} references</p>",
        esc(a.title.as_deref().unwrap_or(&a.id)),
        esc(&a.path.display().to_string()),
        a.sentences.len(),
        a.markers.len(),
        a.references.len()
    );
    let mut section = None;
    for p in &a.paragraphs {
        if p.section != section {
            section = p.section;
            if let Some(s) = section.and_then(|i| a.sections.get(i)) {
                let level = s.level.clamp(2, 4);
                let _ = writeln!(out, "<h{level}>{}</h{level}>", esc(&s.heading));
            }
        }
        out.push_str("<p>");
        for i in p.first_sentence..p.first_sentence + p.sentence_count {
            sentence(out, a, corpus, i);
            out.push(' ');
        }
        out.push_str("</p>\n");
    }
    if !a.references.is_empty() {
        out.push_str("<h2>References</h2><ol class=\"refs\">\n");
        for r in &a.references {
            let source = r.link.as_ref().and_then(|l| corpus.source(&l.source));
            let src = match source {
                Some(s) if corpus.source_available(s) => {
                    format!(
                        " <span class=\"avail\">→ {} (text in corpus)</span>",
                        esc(&s.id)
                    )
                }
                Some(s) => format!(
                    " <span class=\"unavail\">→ {} (no text: unverifiable)</span>",
                    esc(&s.id)
                ),
                None => " <span class=\"unavail\">(no source in the manifest)</span>".to_string(),
            };
            let _ = writeln!(
                out,
                "<li id=\"ref-{}\"><b>[{}]</b> {}{src} <span class=\"meta\">uses: {} found{}</span></li>",
                esc(&r.label),
                esc(&r.label),
                esc(&r.text),
                r.found_uses,
                r.declared_uses.map(|d| format!(", {d} declared")).unwrap_or_default()
            );
        }
        out.push_str("</ol>\n");
    }
    out.push_str("</article>\n");
}

fn sentence(out: &mut String, a: &Article, corpus: &Corpus, i: usize) {
    let s = &a.sentences[i];
    // The CSS classes are the status names of the JSON output.
    let class = super::model_json::status_name(s.status);
    let mut hover = String::new();
    let _ = write!(hover, "line {} · {class}", s.line);
    for r in a.sentence_references(i) {
        let r = &a.references[r];
        let _ = write!(hover, "\n[{}] {}", r.label, r.text);
        if let Some(src) = r.link.as_ref().and_then(|l| corpus.source(&l.source)) {
            let avail = if corpus.source_available(src) {
                "text in corpus"
            } else {
                "no text"
            };
            let _ = write!(hover, "\n   → {} ({avail})", src.title);
        }
    }
    let flagged = if s.citation_needed { " flagged" } else { "" };
    let _ = write!(
        out,
        "<span class=\"s {class}{flagged}\" title=\"{}\">{}</span>",
        esc(&hover),
        esc(&s.text)
    );
    for &m in &s.markers {
        let label = &a.markers[m].label;
        let _ = write!(out, "<sup><a href=\"#ref-{0}\">[{0}]</a></sup>", esc(label));
    }
}

fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}
