//! Verification of a cited sentence against the text of its cited sources: quotations
//! must occur verbatim (modulo case, quote style, dashes, hyphen vs space, whitespace and
//! punctuation); dates, years, numbers and multiword names must occur in some common
//! written form. When a quotation is not found, the closest passage and its similarity
//! say whether it is a misquotation or a wrong citation.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

use regex::Regex;

use super::claims::{Fact, FactKind, NUMBER_WORDS};
use crate::error::Result;
use crate::manifest::{Corpus, SourceEntry};
use crate::position::LineIndex;

/// A text's words, normalised for comparison, with their byte spans in the text.
///
/// Normalising: lowercase; letters and digits make words; everything else (straight or
/// curly quotes, dashes, hyphens, punctuation, whitespace) separates them, so
/// `five-year` = `five year`. An apostrophe inside a word is dropped (`People's` =
/// `Peoples`), a comma inside a number too (`1,000` = `1000`).
#[derive(Debug, Clone, Default)]
pub struct Words {
    pub words: Vec<String>,
    pub spans: Vec<(usize, usize)>,
}

pub fn words(text: &str) -> Words {
    let mut out = Words::default();
    let mut current = String::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    let mut prev: Option<char> = None;
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        let joins = |p: Option<char>, n: Option<char>, digits: bool| {
            let ok = |x: Option<char>| {
                x.is_some_and(|x| {
                    if digits {
                        x.is_ascii_digit()
                    } else {
                        x.is_alphanumeric()
                    }
                })
            };
            ok(p) && ok(n)
        };
        if c.is_alphanumeric() {
            if current.is_empty() {
                start = i;
            }
            current.extend(c.to_lowercase());
        } else if matches!(c, '\'' | '’') && !current.is_empty() && joins(prev, next, false) {
            // dropped: "people's" reads as "peoples"
        } else if c == ',' && !current.is_empty() && joins(prev, next, true) {
            // thousands separator
        } else if c == '.' && !current.is_empty() && joins(prev, next, true) {
            current.push('.');
        } else if !current.is_empty() {
            out.words.push(std::mem::take(&mut current));
            out.spans.push((start, i));
        }
        prev = Some(c);
    }
    if !current.is_empty() {
        out.words.push(current);
        out.spans.push((start, text.len()));
    }
    out
}

/// The normalised form of a text: its words joined by single spaces.
pub fn normalise(text: &str) -> String {
    words(text).words.join(" ")
}

/// A source's text, ready for lookups.
#[derive(Debug, Clone)]
pub struct SourceDoc {
    pub id: String,
    pub title: String,
    pub path: PathBuf,
    pub text: String,
    words: Words,
    /// `" w1 w2 … wn "`: a phrase occurs iff `" p1 … pk "` is a substring.
    joined: String,
    lines: LineIndex,
}

/// The passage of a source closest to a quotation that is not in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Closest {
    pub source: String,
    pub line: usize,
    pub text: String,
    /// Share of the quotation's words found in order in the passage, 0..1.
    pub similarity: f64,
}

/// A paragraph of a source, for ranking.
#[derive(Debug, Clone)]
pub struct Passage {
    pub line: usize,
    pub text: String,
}

impl SourceDoc {
    pub fn new(id: &str, title: &str, path: PathBuf, text: String) -> Self {
        let words = words(&text);
        let mut joined = String::with_capacity(text.len() + 2);
        joined.push(' ');
        for w in &words.words {
            joined.push_str(w);
            joined.push(' ');
        }
        SourceDoc {
            id: id.to_string(),
            title: title.to_string(),
            path,
            lines: LineIndex::new(&text),
            text,
            words,
            joined,
        }
    }

    /// Whether the normalised phrase (words separated by single spaces) occurs.
    pub fn contains(&self, phrase: &str) -> bool {
        !phrase.is_empty() && self.joined.contains(&format!(" {phrase} "))
    }

    fn matches(&self, re: &Regex) -> bool {
        re.is_match(&self.joined)
    }

    /// Paragraphs (blank-line separated), with the line each starts on.
    pub fn passages(&self) -> Vec<Passage> {
        paragraphs(&self.text)
    }

    /// The window of the source most like `quote` (normalised words): anchored at each
    /// occurrence of one of the quotation's longer words, scored by the longest common
    /// subsequence, so one changed word still finds its passage.
    pub fn closest(&self, quote: &[String]) -> Option<Closest> {
        let n = quote.len();
        let total = self.words.words.len();
        if n == 0 || total == 0 {
            return None;
        }
        let long = quote.iter().any(|w| w.chars().count() >= 4);
        let mut starts = BTreeSet::new();
        for (pos, w) in self.words.words.iter().enumerate() {
            if long && w.chars().count() < 4 {
                continue;
            }
            for (k, q) in quote.iter().enumerate() {
                if w == q {
                    starts.insert(pos.saturating_sub(k));
                }
            }
        }
        let mut best: Option<(usize, usize)> = None;
        for &s in &starts {
            let e = (s + n).min(total);
            let l = lcs(quote, &self.words.words[s..e]);
            if best.is_none_or(|(b, _)| l > b) {
                best = Some((l, s));
            }
        }
        let (l, s) = best?;
        let e = (s + n).min(total);
        let (from, to) = (self.words.spans[s].0, self.words.spans[e - 1].1);
        Some(Closest {
            source: self.id.clone(),
            line: self.lines.locate(&self.text, from).line,
            text: self.text[from..to]
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
            similarity: l as f64 / n as f64,
        })
    }
}

/// Paragraphs of a plain-text source: blank lines separate them; lines are joined with
/// spaces. Kept on its own so the shared source loader (`crate::sources`) can replace it.
pub fn paragraphs(text: &str) -> Vec<Passage> {
    let mut out = Vec::new();
    let mut current: Option<Passage> = None;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            out.extend(current.take());
            continue;
        }
        match current.as_mut() {
            Some(p) => {
                p.text.push(' ');
                p.text.push_str(line);
            }
            None => {
                current = Some(Passage {
                    line: i + 1,
                    text: line.to_string(),
                })
            }
        }
    }
    out.extend(current);
    out
}

fn lcs(a: &[String], b: &[String]) -> usize {
    let mut prev = vec![0usize; b.len() + 1];
    let mut cur = vec![0usize; b.len() + 1];
    for x in a {
        for (j, y) in b.iter().enumerate() {
            cur[j + 1] = if x == y {
                prev[j] + 1
            } else {
                cur[j].max(prev[j + 1])
            };
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The texts of every source the corpus has text for, by id.
pub fn load_sources(corpus: &Corpus) -> Result<BTreeMap<String, SourceDoc>> {
    let mut out = BTreeMap::new();
    for s in &corpus.sources {
        if let Some(doc) = read_source_text(corpus, s)? {
            out.insert(s.id.clone(), doc);
        }
    }
    Ok(out)
}

/// One source's text, `None` when the corpus does not have it. Plain text is read as
/// is; this is the one place to swap in a format-aware loader.
pub fn read_source_text(corpus: &Corpus, source: &SourceEntry) -> Result<Option<SourceDoc>> {
    Ok(crate::sources::read_text(corpus, source)?
        .map(|(path, text)| SourceDoc::new(&source.id, &source.title, path, text)))
}

/// A fact of a sentence that none of the given sources contains.
#[derive(Debug, Clone)]
pub struct Unsupported {
    pub fact: Fact,
    /// For a quotation: the closest passage over all the sources.
    pub closest: Option<Closest>,
}

/// Facts the sources must contain: quotations, dates, years, numbers, multiword names.
/// Single names and attribution verbs make a sentence a claim but are not looked up.
pub fn is_verifiable(fact: &Fact) -> bool {
    match fact.kind {
        FactKind::Quotation | FactKind::Date | FactKind::Year | FactKind::Number => true,
        FactKind::Name => fact.is_multiword_name(),
        FactKind::Attribution => false,
    }
}

/// Check each verifiable fact against the sources; returns those no source contains.
pub fn verify_facts(facts: &[Fact], docs: &[&SourceDoc]) -> Vec<Unsupported> {
    let mut out = Vec::new();
    for fact in facts.iter().filter(|f| is_verifiable(f)) {
        // A date's pattern is compiled once for all the sources.
        let found = match date_pattern(fact) {
            Some(re) => docs.iter().any(|d| d.matches(&re)),
            None => docs.iter().any(|d| occurs(fact, d)),
        };
        if found {
            continue;
        }
        let closest = (fact.kind == FactKind::Quotation)
            .then(|| {
                let q = words(quote_inner(&fact.text)).words;
                docs.iter().filter_map(|d| d.closest(&q)).fold(
                    None::<Closest>,
                    |best, c| match best {
                        Some(b) if b.similarity >= c.similarity => Some(b),
                        _ => Some(c),
                    },
                )
            })
            .flatten();
        out.push(Unsupported {
            fact: fact.clone(),
            closest,
        });
    }
    out
}

fn quote_inner(q: &str) -> &str {
    q.trim_matches(|c: char| matches!(c, '"' | '“' | '”' | '„'))
}

/// Whether one source states a fact in a common written form.
pub fn occurs(fact: &Fact, doc: &SourceDoc) -> bool {
    match fact.kind {
        FactKind::Quotation => doc.contains(&normalise(quote_inner(&fact.text))),
        FactKind::Date | FactKind::Year => match date_pattern(fact) {
            Some(re) => doc.matches(&re),
            None => doc.contains(&normalise(&fact.text)),
        },
        FactKind::Number => number_forms(&fact.text).iter().any(|f| doc.contains(f)),
        FactKind::Name => {
            let full = normalise(&fact.text);
            doc.contains(&full) || surname(&fact.text).is_some_and(|s| doc.contains(&s))
        }
        FactKind::Attribution => true,
    }
}

/// The last word of a name, possessive dropped: "Naotake Sato" → "sato". A source that
/// names only the surname (or the full name) then matches.
fn surname(name: &str) -> Option<String> {
    let last = name.split_whitespace().last()?;
    let last = last
        .strip_suffix("'s")
        .or_else(|| last.strip_suffix("’s"))
        .unwrap_or(last);
    let w = normalise(last);
    (w.chars().count() >= 3).then_some(w)
}

/// The pattern for a date or year fact; "the 1940s" matches the decade or any year in it.
fn date_pattern(fact: &Fact) -> Option<Regex> {
    let date = fact.date?;
    let decade = matches!(date, (_, None, None)) && fact.text.ends_with('s');
    // A corpus states the same dates again and again: compile each pattern once.
    thread_local! {
        static PATTERNS: std::cell::RefCell<HashMap<(DateParts, bool), Regex>> =
            Default::default();
    }
    let pattern = PATTERNS.with(|cache| {
        cache
            .borrow_mut()
            .entry((date, decade))
            .or_insert_with(|| match date {
                (year, None, None) if decade => {
                    Regex::new(&format!(r" (?:{year}s|{}\d) ", year / 10)).expect("digits only")
                }
                date => date_regex(date),
            })
            .clone()
    });
    Some(pattern)
}

type DateParts = (u32, Option<u32>, Option<u32>);

/// Matches a date in the joined normalised text: `april 5 1945`, `5 april 1945`,
/// `5th april 1945`, `5th day of april 1945`, `1945 04 05`; a month-year date also
/// matches a full date in that month; a year matches as a word.
fn date_regex((year, month, day): (u32, Option<u32>, Option<u32>)) -> Regex {
    // The joined text is lower-case; facts only carry months 1..=12.
    let month_word = |m: u32| {
        crate::dates::month_name(m.clamp(1, 12) as usize)
            .unwrap_or("")
            .to_lowercase()
    };
    const ORD: &str = "(?:st|nd|rd|th)?";
    let pattern = match (month, day) {
        (Some(m), Some(d)) => {
            let name = month_word(m);
            format!(
                r" (?:{name} 0?{d}{ORD} (?:of )?{year}|0?{d}{ORD} (?:day )?(?:of )?{name} (?:of )?{year}|{year} 0?{m} 0?{d}) "
            )
        }
        (Some(m), None) => {
            let name = month_word(m);
            format!(
                r" (?:{name} (?:\d{{1,2}}{ORD} )?(?:of )?{year}|(?:\d{{1,2}}{ORD} (?:day )?(?:of )?)?{name} (?:of )?{year}|{year} 0?{m} \d{{1,2}}) "
            )
        }
        _ => format!(" {year} "),
    };
    Regex::new(&pattern).expect("date pattern is built from digits and month names")
}

/// `7` ↔ `seven`, `1,000` → `1000`.
fn number_forms(text: &str) -> Vec<String> {
    let n = normalise(text);
    let mut out = vec![n.clone()];
    if let Ok(v) = n.parse::<u32>() {
        out.extend(
            NUMBER_WORDS
                .iter()
                .filter(|(_, x)| *x == v)
                .map(|(w, _)| w.to_string()),
        );
    } else if let Some((_, v)) = NUMBER_WORDS.iter().find(|(w, _)| *w == n) {
        out.push(v.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::claims::facts;
    use super::*;

    fn doc(text: &str) -> SourceDoc {
        SourceDoc::new("s", "S", PathBuf::from("s.txt"), text.to_string())
    }

    #[test]
    fn normalising_ignores_quotes_dashes_hyphens_and_case() {
        assert_eq!(
            normalise("The “Five-Year” plan—of 1,000 People's"),
            "the five year plan of 1000 peoples"
        );
        assert_eq!(normalise("five year"), normalise("five-year"));
    }

    #[test]
    fn dates_match_common_forms() {
        let d =
            doc("Signed at Moscow, the 13th day of April, 1941.\nIn force until 13 April 1946.");
        for (claim, ok) in [
            ("It was signed on April 13, 1941.", true),
            ("It was signed on 13 April 1941.", true),
            ("It was signed on 1941-04-13.", true),
            ("It ran until April 1946.", true),
            ("It was signed on April 14, 1941.", false),
            ("It was signed in 1942.", false),
            ("It was signed in the 1940s.", true),
            ("It was signed in the 1930s.", false),
        ] {
            let f = facts(claim);
            assert_eq!(verify_facts(&f, &[&d]).is_empty(), ok, "{claim}");
        }
    }

    #[test]
    fn numbers_and_surnames() {
        let d = doc(
            "The difference was seven hours, said Ambassador Sato to Foreign Commissar Molotov.",
        );
        assert!(verify_facts(
            &facts("A difference of 7 hours was noted by the Japanese."),
            &[&d]
        )
        .is_empty());
        assert!(verify_facts(&facts("Ambassador Naotake Sato was told."), &[&d]).is_empty());
        assert_eq!(
            verify_facts(&facts("Ambassador Naotake Tanaka was told."), &[&d]).len(),
            1
        );
    }

    #[test]
    fn closest_passage_for_a_changed_word() {
        let d = doc("Preamble.\n\nThe parties shall maintain peaceful and friendly relations between them.\n");
        let f = facts(r#"It says "the parties shall maintain peaceful and cordial relations"."#);
        let u = verify_facts(&f, &[&d]);
        assert_eq!(u.len(), 1);
        let c = u[0].closest.as_ref().unwrap();
        assert_eq!(c.line, 3);
        assert!(c.similarity > 0.8 && c.similarity < 1.0, "{c:?}");
        assert!(c.text.starts_with("The parties shall maintain"));
    }
}
