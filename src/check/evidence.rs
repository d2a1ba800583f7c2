//! Evidence for a footnote: for each sentence it covers, the passage of a cited source
//! that matches the sentence best (what `citecheck show` lists under "evidence").

use crate::error::Result;
use crate::index::Index;
use crate::report::footnote::FootnoteView;

/// A source passage that best matches a sentence the footnote covers.
#[derive(Debug, Clone)]
pub struct Evidence {
    /// The source's manifest id.
    pub source: String,
    /// 1-based line where the passage starts in the source file.
    pub line: usize,
    /// "Article N" for treaty passages.
    pub section: Option<String>,
    /// The passage.
    pub text: String,
    /// Its BM25 score for the sentence.
    pub score: f32,
    /// Where the covered sentence it was found for starts.
    pub for_line: usize,
    /// The covered sentence's column (in characters).
    pub for_column: usize,
}

/// The manifest ids of the sources the footnote's references link to that have text in
/// the corpus, in reference order: only those can give evidence.
pub fn sources_with_text<'v>(view: &FootnoteView<'v>) -> Vec<&'v str> {
    let (a, corpus) = (view.article, view.corpus);
    let mut out: Vec<&str> = Vec::new();
    for &r in &view.references {
        let Some(link) = a.references[r].link.as_ref() else {
            continue;
        };
        let id = link.source.as_str();
        let has_text = corpus
            .source(id)
            .is_some_and(|s| corpus.source_available(s));
        if has_text && !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

/// For each sentence the footnote covers, the best passage of a cited source with text
/// (the same passage found for two sentences is listed once). `index` is called only
/// when some cited source has text, so a corpus without source texts needs no index.
pub fn for_footnote(
    view: &FootnoteView<'_>,
    index: impl FnOnce() -> Result<Index>,
) -> Result<Vec<Evidence>> {
    let sources = sources_with_text(view);
    if sources.is_empty() {
        return Ok(Vec::new());
    }
    let index = index()?;
    let a = view.article;
    let mut out: Vec<Evidence> = Vec::new();
    for i in view.covered() {
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
                    text: h.text.to_string(),
                    score: h.score,
                    for_line: sentence.line,
                    for_column: sentence.column,
                });
            }
        }
    }
    Ok(out)
}
