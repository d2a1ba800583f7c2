//! Linking references to manifest sources.
//!
//! A reference links to the source that best matches it by title words, date, author
//! and URL, with a score in 0..1; below [`MIN_SCORE`] it stays unlinked. An explicit
//! `[[link]]` in the manifest wins with score 1.
//!
//! An automatic link carries its evidence (what matched) and its doubts: a reference
//! that names an author, publisher, year or title words the source does not have is
//! probably a different work *about* it (a book titled "The Harbour Charter and Its
//! Critics" is not the charter). Such a link is not confident, and `check` does not
//! verify claims against it.

use std::sync::LazyLock;

use regex::Regex;

use crate::citation::CitationFields;
use crate::manifest::{Corpus, SourceEntry};
use crate::model::{Article, Link};

/// A link at least this good, with no doubts, is confident.
pub const CONFIDENT_SCORE: f64 = 0.5;

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
                confident: true,
                evidence: vec!["explicit [[link]] in corpus.toml".into()],
                doubts: Vec::new(),
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
    let (c, url) = candidates.iter().find_map(|c| {
        let url = c.url.as_ref()?;
        cited.contains(url).then_some((c, url))
    })?;
    Some(Link {
        source: c.id.clone(),
        score: 1.0,
        explicit: false,
        confident: true,
        evidence: vec![format!("the reference's own URL ({url})")],
        doubts: Vec::new(),
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
    best.map(|(score, c)| {
        let (evidence, mut doubts) = c.judge(&cited, text, fields);
        if score < CONFIDENT_SCORE && doubts.is_empty() {
            doubts.push(format!("the match is weak (score {score:.2})"));
        }
        Link {
            source: c.id.clone(),
            score: (score * 1000.0).round() / 1000.0,
            explicit: false,
            confident: doubts.is_empty(),
            evidence,
            doubts,
        }
    })
}

/// A source's matchable features, computed once per corpus.
pub struct SourceProfile {
    id: String,
    title_words: Vec<String>,
    publisher: Option<String>,
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
            publisher: s.publisher.as_deref().map(normalise),
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

impl SourceProfile {
    /// What matched, and what speaks against the link.
    fn judge(
        &self,
        cited: &CitedText,
        text: &str,
        fields: &CitationFields,
    ) -> (Vec<String>, Vec<String>) {
        let mut evidence = Vec::new();
        let mut doubts = Vec::new();
        if let (Some(a), Some(b)) = (&self.url, &cited.url) {
            if a == b {
                evidence.push(format!("same URL ({a})"));
                return (evidence, doubts);
            }
        }
        let matched: Vec<&String> = self
            .title_words
            .iter()
            .filter(|w| cited.words.iter().any(|c| same_word(w, c)))
            .collect();
        if !matched.is_empty() {
            evidence.push(format!(
                "title words {}",
                matched
                    .iter()
                    .map(|w| format!("“{w}”"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if self.date_forms.iter().any(|f| cited.lower.contains(f)) {
            evidence.push(format!("date {}", self.date_forms[0]));
        } else if let Some(y) = self.year.as_ref().filter(|y| cited.words.contains(y)) {
            evidence.push(format!("year {y}"));
        }
        let years: Vec<&str> = YEAR.find_iter(text).map(|m| m.as_str()).collect();
        if let Some(y) = &self.year {
            if !years.is_empty() && !years.contains(&y.as_str()) {
                doubts.push(format!(
                    "the reference is dated {}, the source {y}",
                    years.join(", ")
                ));
            }
        }
        let author = fields
            .author
            .as_deref()
            .and_then(surname)
            .or_else(|| author_in_text(text));
        match (&author, &self.surname) {
            (Some(a), Some(s)) if a == s => evidence.push(format!("author {a}")),
            (Some(a), _) if !self.title_words.iter().any(|w| same_word(w, a)) => {
                doubts.push(format!(
                    "the reference names an author ({a}) the source does not have"
                ));
            }
            _ => {}
        }
        if let Some(p) = fields.publisher.as_deref().map(normalise) {
            if self
                .publisher
                .as_ref()
                .is_none_or(|s| !s.contains(&p) && !p.contains(s.as_str()))
            {
                doubts.push(format!(
                    "the reference names a publisher ({p}) the source does not have"
                ));
            }
        }
        let extra: Vec<String> = reference_title(text, fields)
            .map(|t| words(&t))
            .unwrap_or_default()
            .into_iter()
            .filter(|w| {
                !w.chars().all(|c| c.is_ascii_digit())
                    && crate::dates::month_number(w).is_none()
                    && !self.title_words.iter().any(|t| same_word(t, w))
                    && author.as_deref() != Some(w.as_str())
            })
            .collect();
        if !extra.is_empty() && !matched.is_empty() {
            doubts.push(format!(
                "the reference's title has words the source's lacks: {}",
                extra.join(", ")
            ));
        }
        (evidence, doubts)
    }
}

static YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(1[0-9]\d\d|20\d\d)\b").expect("valid"));

/// "Brown, A. (2005)." / "Glantz, David M (2003)." / "Kissinger, Henry, …" /
/// "Tsuyoshi Hasegawa, Racing the Enemy": the surname of an author named at the start.
static AUTHOR_FIRST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:(\p{Lu}[\p{L}'’-]+),\s+\p{Lu}[\p{L}]*\.?(?:\s+\p{Lu}\.?)*\s*[,(]|\p{Lu}[\p{L}'’-]+\s+(\p{Lu}[\p{L}'’-]+),)")
        .expect("valid")
});

fn author_in_text(text: &str) -> Option<String> {
    let c = AUTHOR_FIRST.captures(text)?;
    let name = c.get(1).or(c.get(2))?.as_str();
    let w = normalise(name);
    (w.chars().count() >= 2).then_some(w)
}

/// The title a reference gives: its quoted or structured title, or the text after an
/// "Author (year)." opening up to the next full stop, or the text before the first
/// comma, full stop or parenthesis.
fn reference_title(text: &str, fields: &CitationFields) -> Option<String> {
    if let Some(t) = &fields.title {
        return Some(t.clone());
    }
    static AFTER_AUTHOR_YEAR: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^[^()]{1,80}\(\d{4}[a-z]?\)\.?\s*([^.]+)").expect("valid"));
    if let Some(c) = AFTER_AUTHOR_YEAR.captures(text) {
        return Some(c[1].to_string());
    }
    if author_in_text(text).is_some() {
        // "Tsuyoshi Hasegawa, Racing the Enemy: …": the title follows the author.
        let rest = text.split_once(',')?.1;
        return rest.split([',', '.', '(']).next().map(str::to_string);
    }
    text.split([',', '.', '(']).next().map(str::to_string)
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
