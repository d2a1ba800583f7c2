//! Verification of a cited sentence against the texts of its cited sources.
//!
//! **Quotations** are matched the way editors quote: on canonical words in order
//! ([`crate::sources::words::canonical`]: case, punctuation, hyphens, number words vs
//! digits vs Roman numerals, British vs American spelling do not count); an ellipsis is
//! a gap (the pieces in order, in one passage or the next); `[bracketed]` words replace
//! or insert a few words; `[sic]` is ignored; a quotation may run across lines and
//! passages. A quotation that is not found gets its closest passage and a word-level
//! diff ("source says “twelve”, article says “twenty”"), found without comparing it
//! with every window of the source: anchors of the quotation's words vote for an
//! alignment, and only the best few candidate windows are aligned word by word.
//!
//! **Facts** (dates, years, numbers, names) are looked up only where the claim is: the
//! passage where the sentence's quotation was found, the treaty article the sentence or
//! its reference names, or else the passages that best match the sentence's other
//! words — not anywhere in the source, where "seven" of "seven wardens" would confirm
//! "seven years".

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use super::claims::{is_demonym, Fact, FactKind};
use crate::sources::words::{self, canonical, read_number, Word};
pub use crate::sources::words::{normalise, words, Words};
use crate::sources::SourceText;

/// Where a claim was found (or looked for): the source, the file line and the passage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    pub source: String,
    pub line: usize,
    pub text: String,
    /// 1 for an exact match; for a near miss, the share of the quotation's words found
    /// in order; for a passage a fact was looked for in, its match with the sentence.
    pub score: f64,
}

/// One difference between a quotation and its closest passage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The source's words ("" when the article adds words).
    pub source: String,
    /// The article's words ("" when the article leaves source words out).
    pub article: String,
}

impl Change {
    pub fn describe(&self) -> String {
        match (self.source.is_empty(), self.article.is_empty()) {
            (false, false) => format!(
                "source says “{}”, article says “{}”",
                self.source, self.article
            ),
            (true, _) => format!("article adds “{}”", self.article),
            (false, true) => format!("source says “{}”, article leaves it out", self.source),
        }
    }
}

/// The passage of a source closest to a quotation that is not in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Closest {
    pub source: String,
    pub line: usize,
    pub text: String,
    /// Share of the quotation's words found in order in the passage, 0..1.
    pub similarity: f64,
    /// What differs, in order.
    pub changes: Vec<Change>,
}

/// A quotation as the article prints it: literal pieces and the gaps between them.
#[derive(Debug, Clone)]
pub struct QuotePattern {
    /// Runs of canonical words (spans in the quotation's inner text).
    segments: Vec<Vec<Word>>,
    /// `gaps[k]`: what may stand between segment `k` and `k + 1`: at most that many
    /// source words (a `[bracket]`), or `None` for an ellipsis (any, within the next
    /// passage).
    gaps: Vec<Option<usize>>,
    /// The quotation's inner text, for showing its words.
    inner: String,
}

/// `...`, `…`, `. . .`, `[...]`, `[…]`; `[anything]`.
static QUOTE_MARKUP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\[\s*(?:\.\s?\.\s?\.|…)\s*\]|\.\s?\.\s?\.|…|\[([^\]]*)\]").expect("valid")
});

impl QuotePattern {
    /// Parse a quotation (with or without its quote marks).
    pub fn parse(quote: &str) -> QuotePattern {
        let inner = quote_inner(quote).to_string();
        let mut segments: Vec<Vec<Word>> = vec![Vec::new()];
        let mut gaps: Vec<Option<usize>> = Vec::new();
        let mut at = 0;
        let push_text = |segments: &mut Vec<Vec<Word>>, from: usize, to: usize| {
            for mut w in canonical(&inner[from..to]) {
                w.start += from;
                w.end += from;
                segments.last_mut().expect("never empty").push(w);
            }
        };
        let add_gap = |segments: &mut Vec<Vec<Word>>, gaps: &mut Vec<Option<usize>>, g| {
            if segments.last().is_some_and(|s| s.is_empty()) {
                // A gap at the start, or right after another: widen the previous one.
                if let Some(last) = gaps.last_mut() {
                    *last = match (*last, g) {
                        (Some(a), Some(b)) => Some(a + b),
                        _ => None,
                    };
                }
                return;
            }
            gaps.push(g);
            segments.push(Vec::new());
        };
        for m in QUOTE_MARKUP.captures_iter(&inner.clone()) {
            let whole = m.get(0).expect("match");
            push_text(&mut segments, at, whole.start());
            at = whole.end();
            match m.get(1) {
                Some(b) if is_sic(b.as_str()) => {}
                Some(b) => {
                    let n = words(b.as_str()).words.len();
                    add_gap(&mut segments, &mut gaps, Some((2 * n).max(3)));
                }
                None => add_gap(&mut segments, &mut gaps, None),
            }
        }
        push_text(&mut segments, at, inner.len());
        if segments.last().is_some_and(|s| s.is_empty()) && segments.len() > 1 {
            segments.pop();
            gaps.pop();
        }
        if segments.first().is_some_and(|s| s.is_empty()) && segments.len() > 1 {
            segments.remove(0);
            gaps.remove(0);
        }
        QuotePattern {
            segments,
            gaps,
            inner,
        }
    }

    /// Every literal word, in order, with its segment.
    fn literal(&self) -> Vec<(usize, &Word)> {
        self.segments
            .iter()
            .enumerate()
            .flat_map(|(k, s)| s.iter().map(move |w| (k, w)))
            .collect()
    }

    fn is_empty(&self) -> bool {
        self.segments.iter().all(|s| s.is_empty())
    }

    fn raw(&self, w: &Word) -> &str {
        &self.inner[w.start..w.end]
    }
}

fn is_sic(bracket: &str) -> bool {
    let b = bracket.trim().trim_end_matches('!').trim();
    b.eq_ignore_ascii_case("sic")
}

/// A quotation found in a source.
#[derive(Debug, Clone, PartialEq)]
pub struct QuoteMatch {
    pub source: String,
    /// The source words it covers (of [`SourceText::words`]).
    pub words: Range<usize>,
    pub line: usize,
    pub text: String,
    /// Words written differently but equal (a number in words, a spelling): what an
    /// editor changed, for a note.
    pub variants: Vec<Change>,
}

/// Segment occurrences tried per quotation before giving up: bounds the work on a
/// quotation made of very common words.
const MAX_TRIES: usize = 20_000;

/// Find a quotation in a source.
pub fn find_quote(pattern: &QuotePattern, doc: &SourceText) -> Option<QuoteMatch> {
    if pattern.is_empty() {
        return None;
    }
    let mut tries = 0;
    let first = occurrences(&pattern.segments[0], doc);
    for &start in &first {
        let mut placed = vec![start];
        if chain(pattern, doc, &mut placed, &mut tries) {
            return Some(quote_match(pattern, doc, &placed));
        }
        if tries > MAX_TRIES {
            break;
        }
    }
    None
}

/// Place segments after the ones in `placed`; true when all are placed.
fn chain(p: &QuotePattern, doc: &SourceText, placed: &mut Vec<usize>, tries: &mut usize) -> bool {
    let k = placed.len();
    if k == p.segments.len() {
        return true;
    }
    let prev_end = placed[k - 1] + p.segments[k - 1].len();
    let Some(last_word) = doc.words.get(prev_end.saturating_sub(1)) else {
        return false;
    };
    let prev_passage = last_word.passage;
    for start in occurrences(&p.segments[k], doc) {
        *tries += 1;
        if *tries > MAX_TRIES {
            return false;
        }
        if start < prev_end {
            continue;
        }
        let fits = match p.gaps[k - 1] {
            Some(max) => start - prev_end <= max,
            None => doc.words[start].passage <= prev_passage + 1,
        };
        if !fits {
            if start > prev_end + 1 && p.gaps[k - 1].is_some() {
                break;
            }
            continue;
        }
        placed.push(start);
        if chain(p, doc, placed, tries) {
            return true;
        }
        placed.pop();
    }
    false
}

/// Where a run of canonical words occurs in a source, ascending: candidates are the
/// positions of its rarest word, each checked whole.
fn occurrences(segment: &[Word], doc: &SourceText) -> Vec<usize> {
    let Some((offset, rarest)) = segment
        .iter()
        .enumerate()
        .map(|(i, w)| (i, doc.positions(&w.text)))
        .min_by_key(|(_, p)| p.len())
    else {
        return Vec::new();
    };
    rarest
        .iter()
        .filter_map(|&pos| (pos as usize).checked_sub(offset))
        .filter(|&start| {
            start + segment.len() <= doc.words.len()
                && segment
                    .iter()
                    .zip(&doc.words[start..])
                    .all(|(q, s)| q.text == s.word.text)
        })
        .collect()
}

fn quote_match(p: &QuotePattern, doc: &SourceText, placed: &[usize]) -> QuoteMatch {
    let start = placed[0];
    let end = placed.last().copied().unwrap_or(start) + p.segments.last().map_or(0, Vec::len);
    let mut variants = Vec::new();
    for (seg, &at) in p.segments.iter().zip(placed) {
        for (q, s) in seg.iter().zip(&doc.words[at..]) {
            let source_raw = source_word_text(doc, s);
            let article_raw = p.raw(q);
            if normalise(source_raw) != normalise(article_raw) {
                let c = Change {
                    source: source_raw.to_string(),
                    article: article_raw.to_string(),
                };
                if !variants.contains(&c) {
                    variants.push(c);
                }
            }
        }
    }
    QuoteMatch {
        source: doc.id.clone(),
        words: start..end,
        line: doc.line_of_word(start),
        text: doc.excerpt(start..end),
        variants,
    }
}

fn source_word_text<'a>(doc: &'a SourceText, w: &crate::sources::SourceWord) -> &'a str {
    &doc.passages[w.passage].text[w.word.start..w.word.end]
}

/// Candidate windows aligned word by word for a near miss.
const CANDIDATES: usize = 3;
/// Quotations longer than this (in words) are compared on their first this-many words
/// for the closest passage: enough to place a misquotation.
const MAX_ALIGN_WORDS: usize = 4000;

/// The passage of `doc` most like a quotation that is not in it, with the differences.
/// Linear in the quotation and its anchors, plus one word-by-word alignment of the
/// quotation with each of [`CANDIDATES`] windows.
pub fn closest(pattern: &QuotePattern, doc: &SourceText) -> Option<Closest> {
    let literal = pattern.literal();
    let literal = &literal[..literal.len().min(MAX_ALIGN_WORDS)];
    let n = literal.len();
    if n == 0 || doc.words.is_empty() {
        return None;
    }
    // Every occurrence of a quotation word votes for the alignment (diagonal) it
    // implies; words that occur everywhere vote for nothing in particular.
    let frequent = (doc.words.len() / 20).max(200);
    let mut votes: HashMap<i64, u32> = HashMap::new();
    let band = (n as i64 / 8).max(8);
    for (k, (_, w)) in literal.iter().enumerate() {
        let pos = doc.positions(&w.text);
        if pos.len() > frequent {
            continue;
        }
        for &p in pos {
            *votes
                .entry((p as i64 - k as i64).div_euclid(band))
                .or_default() += 1;
        }
    }
    let mut buckets: Vec<(u32, i64)> = votes
        .keys()
        .map(|&b| {
            let v = |x: i64| votes.get(&x).copied().unwrap_or(0);
            (v(b - 1) + v(b) + v(b + 1), b)
        })
        .collect();
    buckets.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut best: Option<Closest> = None;
    let mut tried: Vec<i64> = Vec::new();
    for &(_, b) in &buckets {
        if tried.len() == CANDIDATES {
            break;
        }
        if tried.iter().any(|t| (t - b).abs() <= 2) {
            continue;
        }
        tried.push(b);
        let from = (b - 1) * band - band;
        let from = from.max(0) as usize;
        let to = ((b + 2) * band + n as i64 + band).max(0) as usize;
        let to = to.min(doc.words.len());
        if from >= to {
            continue;
        }
        if let Some(c) = align(pattern, literal, doc, from..to) {
            if best.as_ref().is_none_or(|b| c.similarity > b.similarity) {
                best = Some(c);
            }
        }
    }
    best
}

/// Longest common subsequence of the quotation's words and a source window, with the
/// differences read off the alignment.
fn align(
    pattern: &QuotePattern,
    literal: &[(usize, &Word)],
    doc: &SourceText,
    window: Range<usize>,
) -> Option<Closest> {
    let q: Vec<&str> = literal.iter().map(|(_, w)| w.text.as_str()).collect();
    let s: Vec<&str> = doc.words[window.clone()]
        .iter()
        .map(|w| w.word.text.as_str())
        .collect();
    let (n, m) = (q.len(), s.len());
    // table[i][j]: LCS of q[i..] and s[j..]
    let mut table = vec![0u32; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            table[at(i, j)] = if q[i] == s[j] {
                table[at(i + 1, j + 1)] + 1
            } else {
                table[at(i + 1, j)].max(table[at(i, j + 1)])
            };
        }
    }
    // The best alignment starts at the first source word that begins one.
    let total = table[at(0, 0)];
    if total == 0 {
        return None;
    }
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        if q[i] == s[j] && table[at(i, j)] == table[at(i + 1, j + 1)] + 1 {
            pairs.push((i, j));
            i += 1;
            j += 1;
        } else if table[at(i + 1, j)] >= table[at(i, j + 1)] {
            i += 1;
        } else {
            j += 1;
        }
    }
    // Tighten: the alignment may match a stray early word far from the rest; drop leading
    // (and trailing) pairs separated from the next by more than the quotation's length,
    // or by far more source words than quotation words (in a repetitive source a stray
    // "Clause" dozens of clauses before the quoted ones, within a long quotation's length).
    let stray = |(qa, sa): (usize, usize), (qb, sb): (usize, usize)| {
        let source_gap = sb - sa;
        source_gap > n.max(8) || source_gap > (qb - qa) + (n / 8).max(8)
    };
    let mut lead = 0;
    while pairs.len() - lead > 1 && stray(pairs[lead], pairs[lead + 1]) {
        lead += 1;
    }
    pairs.drain(..lead);
    while pairs.len() > 1 && stray(pairs[pairs.len() - 2], pairs[pairs.len() - 1]) {
        pairs.pop();
    }
    // The words a dropped stray pair took may match right beside the rest: take them.
    if let Some(&(i, j)) = pairs.first() {
        let k = (1..=i.min(j)).take_while(|&k| q[i - k] == s[j - k]).count();
        pairs.splice(0..0, (1..=k).rev().map(|k| (i - k, j - k)));
    }
    while let Some(&(i, j)) = pairs.last() {
        if i + 1 >= n || j + 1 >= m || q[i + 1] != s[j + 1] {
            break;
        }
        pairs.push((i + 1, j + 1));
    }
    let matched = pairs.len();
    let (first, last) = (pairs[0], pairs[matched - 1]);
    let src = |j: usize| window.start + j;
    let mut changes = Vec::new();
    let article_words = |from: usize, to: usize| {
        if from >= to {
            return String::new();
        }
        pattern.inner[literal[from].1.start..literal[to - 1].1.end].to_string()
    };
    let source_words = |from: usize, to: usize| {
        if from >= to {
            return String::new();
        }
        doc.excerpt(src(from)..src(to))
    };
    // Article words before the first match stand where the source words just before it
    // stand ("twenty shillings" for "twelve shillings"), as far as the window goes.
    if first.0 > 0 {
        let k = first.0.min(first.1);
        changes.push(Change {
            source: source_words(first.1 - k, first.1),
            article: article_words(0, first.0),
        });
    }
    for w in pairs.windows(2) {
        let ((qi, sj), (qi2, sj2)) = (w[0], w[1]);
        if qi2 == qi + 1 && sj2 == sj + 1 {
            continue;
        }
        // Source words left out where the article has an ellipsis are no difference.
        let across_gap = literal[qi].0 != literal[qi2].0;
        let article = article_words(qi + 1, qi2);
        let source = if across_gap && article.is_empty() {
            String::new()
        } else {
            source_words(sj + 1, sj2)
        };
        if !article.is_empty() || !source.is_empty() {
            changes.push(Change { source, article });
        }
    }
    if last.0 + 1 < n {
        let k = (n - 1 - last.0).min(m - 1 - last.1);
        changes.push(Change {
            source: source_words(last.1 + 1, last.1 + 1 + k),
            article: article_words(last.0 + 1, n),
        });
    }
    // Show the passage around the match: the source words from the first to the last
    // matched, plus as many as the article has unmatched at either end.
    let show_from = src(first.1.saturating_sub(first.0));
    let show_to = (src(last.1) + 1 + (n - 1 - last.0)).min(doc.words.len());
    Some(Closest {
        source: doc.id.clone(),
        line: doc.line_of_word(show_from),
        text: doc.excerpt(show_from..show_to),
        similarity: matched as f64 / n as f64,
        changes,
    })
}

/// Strip a quotation's outer quote marks.
pub fn quote_inner(q: &str) -> &str {
    q.trim()
        .trim_matches(|c: char| matches!(c, '"' | '“' | '”' | '„' | '«' | '»'))
}

/// Facts the sources must contain: quotations, dates, years, numbers and names (a
/// demonym such as "British" is not a name to look up).
pub fn is_verifiable(fact: &Fact) -> bool {
    match fact.kind {
        FactKind::Quotation | FactKind::Date | FactKind::Year | FactKind::Number => true,
        FactKind::Name => fact.is_multiword_name() || !is_demonym(&fact.text),
        FactKind::Attribution | FactKind::Negation => false,
    }
}

/// The outcome of looking one fact up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// The source states it (evidence: where).
    Found,
    /// Not where the claim is (evidence: where it was looked for).
    NotFound,
    /// No cited text to look in.
    Unchecked,
}

/// One fact of a sentence, looked up.
#[derive(Debug, Clone)]
pub struct FactCheck {
    pub fact: Fact,
    pub outcome: Outcome,
    /// Where it was found, or the passage it was looked for in.
    pub evidence: Option<Evidence>,
    /// For a quotation not found: the closest passage and the diff.
    pub closest: Option<Closest>,
    /// What is worth saying about a match: a quotation's editorial variants, a count
    /// the source gives as a list.
    pub notes: Vec<String>,
}

/// Passages at the start and at the end of a source that are its heading and its
/// closing (title, date, place, parties).
const HEADING_PASSAGES: usize = 2;
/// Passages a fact may be confirmed in, at most.
const MAX_FACT_PASSAGES: usize = 3;
/// A passage within this share of the best one's match with the sentence is as good.
const NEAR_BEST: f64 = 0.5;

/// Look every verifiable fact of a sentence up in the cited texts `docs`. `hints` are
/// texts that may name a treaty article (the sentence's reference entries).
pub fn check_facts(
    sentence: &str,
    facts: &[Fact],
    docs: &[&SourceText],
    hints: &[&str],
) -> Vec<FactCheck> {
    let mut out = Vec::new();
    // Passages (doc index, passage index) where the sentence's quotations were found.
    let mut anchors: BTreeSet<(usize, usize)> = BTreeSet::new();
    for fact in facts.iter().filter(|f| f.kind == FactKind::Quotation) {
        let pattern = QuotePattern::parse(&fact.text);
        let found = docs
            .iter()
            .enumerate()
            .find_map(|(d, doc)| find_quote(&pattern, doc).map(|m| (d, m)));
        match found {
            Some((d, m)) => {
                for w in m.words.clone() {
                    anchors.insert((d, docs[d].words[w].passage));
                }
                let notes = if m.variants.is_empty() {
                    Vec::new()
                } else {
                    vec![format!(
                        "the source writes {}",
                        m.variants
                            .iter()
                            .map(|c| format!("“{}” for “{}”", c.source, c.article))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )]
                };
                out.push(FactCheck {
                    fact: fact.clone(),
                    outcome: Outcome::Found,
                    evidence: Some(Evidence {
                        source: m.source,
                        line: m.line,
                        text: m.text,
                        score: 1.0,
                    }),
                    closest: None,
                    notes,
                });
            }
            None => {
                let closest = docs.iter().filter_map(|d| closest(&pattern, d)).fold(
                    None::<Closest>,
                    |best, c| match best {
                        Some(b) if b.similarity >= c.similarity => Some(b),
                        _ => Some(c),
                    },
                );
                out.push(FactCheck {
                    fact: fact.clone(),
                    outcome: if docs.is_empty() {
                        Outcome::Unchecked
                    } else {
                        Outcome::NotFound
                    },
                    evidence: closest.as_ref().map(|c| Evidence {
                        source: c.source.clone(),
                        line: c.line,
                        text: c.text.clone(),
                        score: c.similarity,
                    }),
                    closest,
                    notes: Vec::new(),
                });
            }
        }
    }
    let others: Vec<&Fact> = facts
        .iter()
        .filter(|f| f.kind != FactKind::Quotation && is_verifiable(f))
        .collect();
    if !others.is_empty() {
        // The quotation's passages and the ones either side of them: what a quoting
        // sentence says about the quotation (who, when) is stated around it.
        let mut places: Vec<(usize, usize, f64)> = Vec::new();
        for &(d, p) in &anchors {
            for q in [Some(p), p.checked_sub(1), Some(p + 1)]
                .into_iter()
                .flatten()
            {
                if q < docs[d].passages.len()
                    && !places.iter().any(|&(d2, p2, _)| (d2, p2) == (d, q))
                {
                    places.push((d, q, 1.0));
                }
            }
        }
        for (d, doc) in docs.iter().enumerate() {
            for p in article_passages(sentence, hints, doc) {
                if !places.iter().any(|&(d2, p2, _)| d2 == d && p2 == p) {
                    places.push((d, p, 1.0));
                }
            }
        }
        // The passages best matching the rest of the sentence too: a date or name may be
        // stated in the paragraph before the quoted one.
        let found_quotes: Vec<&Fact> = out
            .iter()
            .filter(|c| c.outcome == Outcome::Found)
            .map(|c| &c.fact)
            .collect();
        for (d, p, score) in ranked_passages(sentence, facts, &found_quotes, docs) {
            if !places.iter().any(|&(d2, p2, _)| d2 == d && p2 == p) {
                places.push((d, p, score));
            }
        }
        for fact in others {
            out.push(check_fact(fact, sentence, docs, &places));
        }
    }
    out.sort_by_key(|c| (c.fact.start, c.fact.end));
    out
}

/// "Article 3", "Art. III", "article three" in a text: the treaty article it points at.
static ARTICLE_REF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:article|art\.)\s+([0-9]+|[ivxlc]+|[a-z]+(?:-[a-z]+)?)\b").expect("valid")
});

/// The number of a treaty article label or reference ("Article III" → 3).
fn article_number(label: &str) -> Option<u64> {
    let c = ARTICLE_REF.captures(label)?;
    let n = c.get(1)?.as_str();
    let w = words(n).words;
    if let Some((v, _, used)) = read_number(&w) {
        if used == w.len() {
            return Some(v);
        }
    }
    words::roman_value(n)
}

/// The passages of the treaty article the sentence or its references name.
fn article_passages(sentence: &str, hints: &[&str], doc: &SourceText) -> Vec<usize> {
    let wanted: Vec<u64> = std::iter::once(sentence)
        .chain(hints.iter().copied())
        .flat_map(|t| ARTICLE_REF.find_iter(t).map(|m| m.as_str().to_string()))
        .filter_map(|m| article_number(&m))
        .collect();
    if wanted.is_empty() {
        return Vec::new();
    }
    doc.passages
        .iter()
        .enumerate()
        .filter(|(_, p)| {
            p.section
                .as_deref()
                .and_then(article_number)
                .is_some_and(|n| wanted.contains(&n))
        })
        .map(|(i, _)| i)
        .collect()
}

/// The passages that best match the sentence's words other than the facts being
/// checked (weighted by how rare each word is in the source), best first: those within
/// [`NEAR_BEST`] of the best, at most [`MAX_FACT_PASSAGES`]. When no passage shares a
/// word with the sentence, the claim cannot be placed and every passage is a candidate.
fn ranked_passages(
    sentence: &str,
    facts: &[Fact],
    found_quotes: &[&Fact],
    docs: &[&SourceText],
) -> Vec<(usize, usize, f64)> {
    let fact_terms: BTreeSet<String> = facts
        .iter()
        .filter(|f| f.kind != FactKind::Quotation)
        .chain(found_quotes.iter().copied())
        .flat_map(|f| words::terms(&f.text))
        .collect();
    let mut context: Vec<String> = words::terms(sentence)
        .into_iter()
        .filter(|t| !fact_terms.contains(t) && !t.chars().all(|c| c.is_ascii_digit()))
        .collect();
    context.sort();
    context.dedup();
    let mut scored: Vec<(usize, usize, f64)> = Vec::new();
    for (d, doc) in docs.iter().enumerate() {
        let total = doc.passages.len() as f64;
        let mut score: HashMap<usize, f64> = HashMap::new();
        for t in &context {
            let list = doc.term_passages(t);
            if list.is_empty() {
                continue;
            }
            let idf = (1.0 + total / list.len() as f64).ln();
            for &p in list {
                *score.entry(p as usize).or_default() += idf;
            }
        }
        scored.extend(score.into_iter().map(|(p, s)| (d, p, s)));
    }
    if scored.is_empty() {
        if !found_quotes.is_empty() {
            // The quotation's passage places the claim.
            return Vec::new();
        }
        return docs
            .iter()
            .enumerate()
            .flat_map(|(d, doc)| (0..doc.passages.len()).map(move |p| (d, p, 0.0)))
            .collect();
    }
    scored.sort_by(|a, b| b.2.total_cmp(&a.2).then((a.0, a.1).cmp(&(b.0, b.1))));
    let best = scored[0].2;
    scored.retain(|s| s.2 >= NEAR_BEST * best);
    scored.truncate(MAX_FACT_PASSAGES);
    let max = best.max(f64::EPSILON);
    scored.iter().map(|&(d, p, s)| (d, p, s / max)).collect()
}

fn check_fact(
    fact: &Fact,
    sentence: &str,
    docs: &[&SourceText],
    places: &[(usize, usize, f64)],
) -> FactCheck {
    let mut notes = Vec::new();
    // A document's date, place and parties are in its heading and its closing lines
    // ("Done at Vellmar on 3 May 1888"): dates and names are looked for there too.
    let heading: Vec<(usize, usize, f64)> =
        if matches!(fact.kind, FactKind::Date | FactKind::Year | FactKind::Name) {
            (0..docs.len())
                .flat_map(|d| {
                    let n = docs[d].passages.len();
                    (0..n.min(HEADING_PASSAGES))
                        .chain(n.saturating_sub(HEADING_PASSAGES)..n)
                        .map(move |p| (d, p, 0.0))
                })
                .fold(Vec::new(), |mut v, h| {
                    if !v.contains(&h) && !places.iter().any(|x| (x.0, x.1) == (h.0, h.1)) {
                        v.push(h);
                    }
                    v
                })
        } else {
            Vec::new()
        };
    for &(d, p, score) in places.iter().chain(&heading) {
        let doc = docs[d];
        let passage = &doc.passages[p];
        let ws = &doc.words[passage.words.clone()];
        if let Some(at) = find_fact(fact, ws, &passage.text) {
            let line = passage.line_at(ws[at].word.start);
            return FactCheck {
                fact: fact.clone(),
                outcome: Outcome::Found,
                evidence: Some(Evidence {
                    source: doc.id.clone(),
                    line,
                    text: passage.text.clone(),
                    score,
                }),
                closest: None,
                notes,
            };
        }
        if let Some(list) = counted_list(fact, sentence, &passage.text) {
            notes.push(format!(
                "the source gives the {} as a list: {}",
                fact.text,
                list.join(", ")
            ));
            return FactCheck {
                fact: fact.clone(),
                outcome: Outcome::Found,
                evidence: Some(Evidence {
                    source: doc.id.clone(),
                    line: passage.line,
                    text: passage.text.clone(),
                    score,
                }),
                closest: None,
                notes,
            };
        }
    }
    // A name of several parts may be spread over the places ("Harbourmaster of Wexmoor":
    // the office in its article, the town in the heading).
    let parts = name_parts(&fact.text);
    if fact.kind == FactKind::Name && parts.len() > 1 {
        let mut at = None;
        let all = parts.iter().all(|part| {
            let one = Fact {
                text: part.clone(),
                end: fact.start + part.len(),
                ..fact.clone()
            };
            places.iter().chain(&heading).any(|&(d, p, score)| {
                let passage = &docs[d].passages[p];
                let found =
                    find_fact(&one, &docs[d].words[passage.words.clone()], &passage.text).is_some();
                if found && at.is_none() {
                    at = Some((d, p, score));
                }
                found
            })
        });
        if let (true, Some((d, p, score))) = (all, at) {
            let passage = &docs[d].passages[p];
            return FactCheck {
                fact: fact.clone(),
                outcome: Outcome::Found,
                evidence: Some(Evidence {
                    source: docs[d].id.clone(),
                    line: passage.line,
                    text: passage.text.clone(),
                    score,
                }),
                closest: None,
                notes,
            };
        }
    }
    let evidence = places.first().map(|&(d, p, score)| Evidence {
        source: docs[d].id.clone(),
        line: docs[d].passages[p].line,
        text: docs[d].passages[p].text.clone(),
        score,
    });
    FactCheck {
        fact: fact.clone(),
        outcome: if docs.is_empty() {
            Outcome::Unchecked
        } else {
            Outcome::NotFound
        },
        evidence,
        closest: None,
        notes,
    }
}

/// How many of a sentence's verifiable facts the passage of `doc` starting on `line`
/// states, out of how many were looked up: what makes a ranked passage a likely source.
pub fn facts_in_passage(
    sentence: &str,
    facts: &[Fact],
    doc: &SourceText,
    line: usize,
) -> (usize, usize) {
    let Some(p) = doc.passages.iter().position(|p| p.line == line) else {
        return (0, 0);
    };
    let passage = &doc.passages[p];
    let ws = &doc.words[passage.words.clone()];
    let mut stated = 0;
    let mut checked = 0;
    for fact in facts.iter().filter(|f| is_verifiable(f)) {
        checked += 1;
        let found = if fact.kind == FactKind::Quotation {
            find_quote(&QuotePattern::parse(&fact.text), doc).is_some_and(|m| {
                m.words.start >= passage.words.start && m.words.start < passage.words.end
            })
        } else {
            find_fact(fact, ws, &passage.text).is_some()
                || counted_list(fact, sentence, &passage.text).is_some()
        };
        stated += usize::from(found);
    }
    (stated, checked)
}

/// Where in a passage's canonical words a fact is stated, if it is.
fn find_fact(fact: &Fact, ws: &[crate::sources::SourceWord], passage: &str) -> Option<usize> {
    let text = |i: usize| ws[i].word.text.as_str();
    let number_at = |i: usize| ws.get(i).and_then(|w| w.word.number());
    match fact.kind {
        FactKind::Number => {
            let c = canonical(&fact.text);
            match c.as_slice() {
                [w] => {
                    let v = w.number();
                    (0..ws.len()).find(|&i| match (v, number_at(i)) {
                        (Some((a, _)), Some((b, false))) => a == b,
                        (None, _) => text(i) == w.text,
                        _ => false,
                    })
                }
                _ => find_run(&c, ws),
            }
        }
        FactKind::Year | FactKind::Date => {
            let (year, month, day) = fact.date?;
            let year = year as u64;
            if month.is_none() && fact.text.ends_with('s') {
                // "the 1940s": the decade, or any year in it
                let decade = fact.text.trim_end_matches('s');
                return (0..ws.len()).find(|&i| {
                    text(i) == format!("{decade}s")
                        || number_at(i).is_some_and(|(v, o)| !o && v / 10 == year / 10)
                });
            }
            let Some(month) = month else {
                return (0..ws.len()).find(|&i| number_at(i) == Some((year, false)));
            };
            let name = crate::dates::month_name(month as usize)?.to_lowercase();
            let is = |i: usize, v: u64| number_at(i).is_some_and(|(n, _)| n == v);
            for i in 0..ws.len() {
                // 1945-04-05: year, month and day in a row
                if is(i, year) && is(i + 1, month as u64) && day.is_none_or(|d| is(i + 2, d as u64))
                {
                    return Some(i);
                }
                if text(i) != name {
                    continue;
                }
                // "the 13th day of April, 1941", "April 13, 1941", "the fourth day of
                // March, in the year one thousand seven hundred and ninety-one"
                let near =
                    |from: usize, to: usize, v: u64| (from..to.min(ws.len())).any(|j| is(j, v));
                let year_ok = near(i + 1, i + 8, year);
                let day_ok = day.is_none_or(|d| {
                    near(i.saturating_sub(4), i, d as u64) || near(i + 1, i + 3, d as u64)
                });
                if year_ok && day_ok {
                    return Some(i);
                }
            }
            None
        }
        FactKind::Name => {
            let name = fact.text.trim_end_matches("'s").trim_end_matches("’s");
            // "Duke of Orvane", "Court of the Quay": each capitalised part whole, in
            // order ("Charter of Wexmoor" for "Charter of the Port of Wexmoor").
            let parts = name_parts(name);
            if parts.len() > 1 {
                let mut from = 0;
                let mut first = None;
                for part in &parts {
                    let at = find_run(&canonical(part), &ws[from..])? + from;
                    first.get_or_insert(at);
                    from = at + 1;
                }
                return first;
            }
            let c = canonical(name);
            if c.len() >= 2 {
                if let Some(i) = find_run(&c, ws) {
                    return Some(i);
                }
                // A person's surname alone: "Sato" for "Naotake Sato"; not an
                // institution's last word ("Nations" for "United Nations"), nor the
                // same word in another name ("Rock" of "Gull Rock" for "Seal Rock").
                let last = c.last()?;
                if !is_person_name(name) || last.text.chars().count() < 3 {
                    return None;
                }
                let own: Vec<String> = words(name).words;
                return (0..ws.len()).find(|&i| {
                    text(i) == last.text
                        && (i == 0 || {
                            let prev = &passage[ws[i - 1].word.start..ws[i - 1].word.end];
                            !prev.starts_with(char::is_uppercase)
                                || TITLES.contains(&normalise(prev).as_str())
                                || own.contains(&normalise(prev))
                        })
                });
            }
            let w = c.first()?;
            (0..ws.len()).find(|&i| same_name_word(&w.text, text(i)))
        }
        FactKind::Quotation | FactKind::Attribution | FactKind::Negation => None,
    }
}

/// The capitalised parts of a name, split at its lower-case connectors.
fn name_parts(name: &str) -> Vec<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for w in name.split_whitespace() {
        if w.starts_with(char::is_lowercase) {
            if !current.is_empty() {
                parts.push(current.join(" "));
                current.clear();
            }
        } else {
            current.push(w);
        }
    }
    if !current.is_empty() {
        parts.push(current.join(" "));
    }
    parts
}

/// Words before a surname that do not make it another name: "Ambassador Sato".
const TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "sir",
    "lord",
    "lady",
    "master",
    "mistress",
    "ambassador",
    "minister",
    "commissar",
    "president",
    "general",
    "admiral",
    "colonel",
    "captain",
    "judge",
    "king",
    "queen",
    "prince",
    "princess",
    "duke",
    "count",
    "baron",
    "bishop",
    "father",
    "saint",
    "st",
    "professor",
    "prof",
    "senator",
    "governor",
    "mayor",
    "premier",
    "chancellor",
    "secretary",
    "treasurer",
    "clerk",
    "engineer",
    "the",
    "a",
    "an",
];

fn find_run(run: &[Word], ws: &[crate::sources::SourceWord]) -> Option<usize> {
    if run.is_empty() || run.len() > ws.len() {
        return None;
    }
    (0..=ws.len() - run.len())
        .find(|&i| run.iter().zip(&ws[i..]).all(|(a, b)| a.text == b.word.text))
}

/// Last words of names that are institutions, places or documents, not people: the
/// whole name must then occur.
const INSTITUTION_WORDS: &[&str] = &[
    "nations",
    "union",
    "states",
    "kingdom",
    "republic",
    "empire",
    "council",
    "board",
    "committee",
    "party",
    "army",
    "navy",
    "company",
    "corporation",
    "bank",
    "treaty",
    "pact",
    "charter",
    "act",
    "agreement",
    "convention",
    "declaration",
    "protocol",
    "conference",
    "congress",
    "parliament",
    "assembly",
    "court",
    "church",
    "university",
    "college",
    "school",
    "society",
    "association",
    "league",
    "sea",
    "ocean",
    "river",
    "lake",
    "mountains",
    "islands",
    "island",
    "bay",
    "street",
    "city",
    "county",
    "province",
    "war",
    "front",
    "office",
    "ministry",
    "department",
    "government",
    "house",
    "hall",
    "port",
    "harbour",
    "harbor",
];

fn is_person_name(name: &str) -> bool {
    let w = words(name).words;
    w.len() >= 2
        && !w
            .iter()
            .any(|x| matches!(x.as_str(), "of" | "the" | "and" | "for"))
        && w.last()
            .is_some_and(|l| !INSTITUTION_WORDS.contains(&l.as_str()))
}

/// A one-word name matches itself, its possessive, or its adjective ("Japan" /
/// "Japanese"): a stemmer's job, done cheaply for names.
fn same_name_word(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    short.len() >= 4 && long.starts_with(short) && long.len() - short.len() <= 3
}

/// "three towns" over a passage that names three: "Anport, Bexley and Corhaven". The
/// names, when the fact is a count the passage gives as a list of that many capitalised
/// names.
fn counted_list(fact: &Fact, sentence: &str, passage: &str) -> Option<Vec<String>> {
    if fact.kind != FactKind::Number {
        return None;
    }
    let (count, _, _) = read_number(&words(&fact.text).words)?;
    // Only a count of things: the fact is followed by a plural noun.
    let next = sentence.get(fact.end..)?.split_whitespace().next()?;
    let next = next.trim_matches(|c: char| !c.is_alphanumeric());
    if !(2..=20).contains(&count) || !next.ends_with('s') || next.starts_with(char::is_uppercase) {
        return None;
    }
    static LIST: LazyLock<Regex> = LazyLock::new(|| {
        let name = r"\p{Lu}[\p{L}'’-]+(?:\s\p{Lu}[\p{L}'’-]+)*";
        Regex::new(&format!(r"{name}(?:,\s*{name})*,?\s+(?:and|&)\s+{name}")).expect("valid")
    });
    LIST.find_iter(passage).find_map(|m| {
        let items: Vec<String> = m
            .as_str()
            .split([','])
            .flat_map(|p| p.split(" and "))
            .flat_map(|p| p.split(" & "))
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect();
        (items.len() as u64 == count).then_some(items)
    })
}

#[cfg(test)]
mod tests {
    use super::super::claims::facts;
    use super::*;
    use std::path::PathBuf;

    fn doc(text: &str) -> SourceText {
        SourceText::new("s", "S", PathBuf::from("s.txt"), text)
    }

    fn outcomes(sentence: &str, d: &SourceText) -> Vec<(String, Outcome)> {
        check_facts(sentence, &facts(sentence), &[d], &[])
            .into_iter()
            .map(|c| (c.fact.text, c.outcome))
            .collect()
    }

    fn all_found(sentence: &str, d: &SourceText) -> bool {
        outcomes(sentence, d)
            .iter()
            .all(|(_, o)| *o == Outcome::Found)
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
            assert_eq!(all_found(claim, &d), ok, "{claim}");
        }
    }

    #[test]
    fn dates_and_numbers_in_words() {
        let d = doc("Given on the fourth day of March, in the year one thousand seven hundred and ninety-one, for forty-eight vessels, namely those of Anport, Bexley and Corhaven.");
        assert!(all_found(
            "It was given on March 4, 1791, for 48 vessels from three towns.",
            &d
        ));
        assert!(!all_found("It was given on March 5, 1791.", &d));
        assert!(!all_found("It was given for 47 vessels.", &d));
        assert!(!all_found("It was given for vessels from four towns.", &d));
    }

    #[test]
    fn numbers_and_surnames() {
        let d = doc(
            "The difference was seven hours, said Ambassador Sato to Foreign Commissar Molotov.",
        );
        assert!(all_found("A difference of 7 hours was noted.", &d));
        assert!(all_found("Ambassador Naotake Sato was told.", &d));
        assert!(!all_found("Ambassador Naotake Tanaka was told.", &d));
        // "three" is not in "sixty-three"
        let d = doc("The fleet had sixty-three ships.");
        assert!(!all_found("The fleet had three ships.", &d));
    }

    #[test]
    fn facts_are_looked_up_where_the_claim_is() {
        let d = doc("The dues are twelve shillings per vessel. Seven wardens from Calais keep the quay.\n\nThe charter runs for twenty years and is kept by the Board of Nations.");
        assert!(!all_found("The charter ran for seven years.", &d));
        assert!(!all_found("The quay was kept by wardens from Dover.", &d));
        assert!(all_found("The quay was kept by wardens from Calais.", &d));
        assert!(!all_found("The dues were paid to the United Nations.", &d));
        assert!(all_found("The charter ran for twenty years.", &d));
    }

    fn quote_found(quote: &str, d: &SourceText) -> bool {
        find_quote(&QuotePattern::parse(quote), d).is_some()
    }

    #[test]
    fn quotations_the_way_editors_quote() {
        let d = doc("Article 3. The said dues shall be paid in silver to the Warden on the first day of each month, for a five-year term.\nWe recognize the\nharbour of the realm.");
        for q in [
            "the said dues shall be paid ... to the Warden",
            "the said dues shall be paid … to the Warden",
            "the said dues shall be paid . . . to the Warden",
            "[the] dues shall be paid in silver",
            "the said dues shall be paid [in coin] to the Warden",
            "for a 5-year term",
            "for a five year term",
            "Article Three. The said dues",
            "Article III. The said dues",
            "we recognise the harbor of the realm",
            "paid in silver [sic] to the Warden",
        ] {
            assert!(quote_found(q, &d), "{q}");
        }
        for q in [
            "pay in silver to the Warden on the first day",
            "the said dues shall not be paid in silver",
            "for a six-year term",
            "paid in gold to the Warden",
        ] {
            assert!(!quote_found(q, &d), "{q}");
        }
    }

    #[test]
    fn a_near_miss_shows_its_diff() {
        let d = doc("Preamble.\n\nThe parties shall maintain peaceful and friendly relations between them.\n");
        let p = QuotePattern::parse("“the parties shall maintain peaceful and cordial relations”");
        let c = closest(&p, &d).unwrap();
        assert_eq!(c.line, 3);
        assert!(c.similarity > 0.8 && c.similarity < 1.0, "{c:?}");
        assert!(c.text.starts_with("The parties shall maintain"), "{c:?}");
        assert_eq!(
            c.changes,
            [Change {
                source: "friendly".into(),
                article: "cordial".into()
            }]
        );
        let c = closest(
            &QuotePattern::parse("the parties shall not maintain peaceful relations"),
            &d,
        )
        .unwrap();
        assert_eq!(c.changes[0].describe(), "article adds “not”");
    }

    #[test]
    fn a_long_quotation_is_placed_quickly() {
        // ~1,400 words of source, a ~1,200-word quotation with one change: the
        // alignment runs on a few windows, not on every start position.
        let mut text = String::new();
        for i in 0..140 {
            text.push_str(&format!(
                "Clause {i} binds the parties to keep the harbour open to every vessel in season. "
            ));
        }
        let d = doc(&text);
        let quote = text[..text.len() * 6 / 7].replace("Clause 70 binds", "Clause 70 frees");
        let c = closest(&QuotePattern::parse(&quote), &d).unwrap();
        assert!(c.similarity > 0.99);
        assert!(
            c.changes
                .iter()
                .any(|ch| ch.source == "binds" && ch.article == "frees"),
            "{:?}",
            c.changes
        );
    }

    #[test]
    fn demonyms_are_not_names_to_look_up() {
        for (w, demonym) in [
            ("British", true),
            ("Japanese", true),
            ("Soviet", true),
            ("Dover", false),
            ("Japan", false),
            ("Calais", false),
        ] {
            assert_eq!(is_demonym(w), demonym, "{w}");
        }
    }
}
