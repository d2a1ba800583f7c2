//! Linking references to manifest sources.
//!
//! A reference links to the source that best matches it by title words, date, author
//! and URL, with a score in 0..1; below [`MIN_SCORE`] it stays unlinked. An explicit
//! `[[link]]` in the manifest wins with score 1.

use crate::manifest::{Corpus, SourceEntry};
use crate::model::{Article, CitationFields, Link};

/// Below this a match is a coincidence of common words, not a citation of the work.
pub const MIN_SCORE: f64 = 0.35;

const STOPWORDS: &[&str] = &[
    "the", "and", "for", "from", "with", "between", "into", "over", "under", "that", "this", "its",
    "his", "her", "their", "are", "was", "were", "not", "but", "all", "any", "per", "via",
];

/// Link every reference and bibliography entry of `article`.
pub fn link_article(article: &mut Article, corpus: &Corpus) {
    let candidates: Vec<SourceProfile> = corpus.sources.iter().map(SourceProfile::new).collect();
    for r in &mut article.references {
        r.link = corpus
            .links
            .iter()
            .find(|l| l.article == article.id && l.reference_label() == r.label)
            .map(|l| Link {
                source: l.source.clone(),
                score: 1.0,
                explicit: true,
            })
            .or_else(|| url_link(&r.fields, &candidates))
            .or_else(|| best_link(&r.text, &r.fields, &candidates));
    }
    for b in &mut article.bibliography {
        b.link = best_link(&b.text, &b.fields, &candidates);
    }
}

/// The source whose `url` is the reference's own URL (or its `archive-url`): the text
/// was fetched from the address the citation gives, so no title or date match can be
/// more certain. The first such source wins.
pub fn url_link(fields: &CitationFields, candidates: &[SourceProfile]) -> Option<Link> {
    let cited: Vec<String> = [&fields.url, &fields.archive_url]
        .into_iter()
        .flatten()
        .map(|u| normalise_url(u))
        .collect();
    let c = candidates
        .iter()
        .find(|c| c.url.as_ref().is_some_and(|u| cited.contains(u)))?;
    Some(Link {
        source: c.id.clone(),
        score: 1.0,
        explicit: false,
    })
}

/// The best-scoring source for a citation text, if any scores at least [`MIN_SCORE`].
/// Ties go to the source listed first, so linking is deterministic.
pub fn best_link(
    text: &str,
    fields: &CitationFields,
    candidates: &[SourceProfile],
) -> Option<Link> {
    if text.trim().is_empty() && fields == &CitationFields::default() {
        return None;
    }
    let cited = CitedText::new(text, fields);
    let mut best: Option<(f64, &SourceProfile)> = None;
    for c in candidates {
        let s = c.score(&cited);
        if s >= MIN_SCORE && best.is_none_or(|(b, _)| s > b) {
            best = Some((s, c));
        }
    }
    best.map(|(score, c)| Link {
        source: c.id.clone(),
        score: (score * 1000.0).round() / 1000.0,
        explicit: false,
    })
}

/// A source's matchable features, computed once per corpus.
pub struct SourceProfile {
    id: String,
    title_words: Vec<String>,
    date_forms: Vec<String>,
    year: Option<String>,
    surname: Option<String>,
    url: Option<String>,
}

struct CitedText {
    words: Vec<String>,
    lower: String,
    url: Option<String>,
}

impl CitedText {
    fn new(text: &str, fields: &CitationFields) -> Self {
        let mut all = text.to_string();
        for f in [
            &fields.title,
            &fields.author,
            &fields.date,
            &fields.work,
            &fields.publisher,
        ]
        .into_iter()
        .flatten()
        {
            all.push(' ');
            all.push_str(f);
        }
        CitedText {
            words: words(&all),
            lower: normalise(&all),
            url: fields.url.as_deref().map(normalise_url),
        }
    }
}

impl SourceProfile {
    pub fn new(s: &SourceEntry) -> Self {
        let date_forms = s.date.as_deref().map(date_forms).unwrap_or_default();
        SourceProfile {
            id: s.id.clone(),
            title_words: words(&s.title),
            year: s
                .date
                .as_deref()
                .and_then(|d| d.get(..4))
                .map(str::to_string),
            date_forms,
            surname: s.author.as_deref().and_then(surname),
            url: s.url.as_deref().map(normalise_url),
        }
    }

    fn score(&self, cited: &CitedText) -> f64 {
        if let (Some(a), Some(b)) = (&self.url, &cited.url) {
            if a == b {
                return 1.0;
            }
        }
        let title = if self.title_words.is_empty() {
            0.0
        } else {
            let hits = self
                .title_words
                .iter()
                .filter(|w| cited.words.iter().any(|c| same_word(w, c)))
                .count();
            hits as f64 / self.title_words.len() as f64
        };
        let date = if self.date_forms.iter().any(|f| cited.lower.contains(f)) {
            1.0
        } else if self.year.as_ref().is_some_and(|y| cited.words.contains(y)) {
            0.3
        } else {
            0.0
        };
        let author = match &self.surname {
            Some(s) if cited.words.iter().any(|w| w == s) => 1.0,
            _ => 0.0,
        };
        0.55 * title
            + 0.3 * date
            + 0.15 * author
            + if author > 0.0 && title >= 0.5 {
                0.1
            } else {
                0.0
            }
    }
}

/// Words match when equal, or when one is the other plus an ending (Japan/Japanese,
/// Soviet/Soviets): a stemmer's job, done cheaply for names.
fn same_word(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    short.len() >= 4 && long.starts_with(short) && long.len() - short.len() <= 3
}

fn normalise(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '–' | '—' | '‐' | '-' => ' ',
            c if c.is_alphanumeric() => c.to_lowercase().next().unwrap_or(c),
            _ => ' ',
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn words(s: &str) -> Vec<String> {
    let mut out: Vec<String> = normalise(s)
        .split(' ')
        .filter(|w| {
            (w.chars().count() >= 3 || w.chars().all(|c| c.is_ascii_digit()))
                && !STOPWORDS.contains(w)
        })
        .map(str::to_string)
        .collect();
    out.dedup();
    out
}

fn normalise_url(u: &str) -> String {
    u.trim()
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_start_matches("www.")
        .trim_end_matches('/')
        .to_lowercase()
}

/// "Kissinger, Henry" → "kissinger"; "Tsuyoshi Hasegawa" → "hasegawa".
fn surname(author: &str) -> Option<String> {
    let name = match author.split_once(',') {
        Some((last, _)) => last,
        None => author.split_whitespace().last()?,
    };
    let w = normalise(name);
    (!w.is_empty()).then_some(w)
}

/// The normalised ways a manifest date (`1941-04-13`, `1941-04`, `1941`) is written in
/// citations: "april 13 1941", "13 april 1941", "1941 04 13", "april 1941".
pub fn date_forms(date: &str) -> Vec<String> {
    let parts: Vec<&str> = date.trim().split('-').collect();
    let month = parts
        .get(1)
        .and_then(|m| m.parse::<usize>().ok())
        .and_then(crate::dates::month_name)
        .map(str::to_lowercase);
    let day = parts.get(2).and_then(|d| d.parse::<u32>().ok());
    let year = parts[0];
    match (month, day) {
        (Some(m), Some(d)) => vec![
            format!("{m} {d} {year}"),
            format!("{d} {m} {year}"),
            normalise(date),
        ],
        (Some(m), None) => vec![format!("{m} {year}")],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_forms_cover_common_spellings() {
        let f = date_forms("1945-04-05");
        assert!(f.contains(&"april 5 1945".to_string()));
        assert!(f.contains(&"5 april 1945".to_string()));
        assert!(f.contains(&"1945 04 05".to_string()));
    }

    #[test]
    fn names_match_across_endings_but_not_short_words() {
        assert!(same_word("japan", "japanese"));
        assert!(!same_word("war", "warsaw"));
        assert_eq!(surname("Kissinger, Henry").as_deref(), Some("kissinger"));
        assert_eq!(surname("Tsuyoshi Hasegawa").as_deref(), Some("hasegawa"));
    }
}
