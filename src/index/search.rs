//! Queries over an opened index: user searches and the source-passage ranking `check`
//! uses for `weak-support`.

use std::ops::Range;

use serde::Serialize;
use std::cmp::Reverse;
use tantivy::collector::{Count, DocSetCollector, TopDocs};
use tantivy::query::{
    BooleanQuery, BoostQuery, EmptyQuery, FuzzyTermQuery, Occur, Query, QueryParser,
    QueryParserError, TermQuery,
};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::TokenStream;

use tantivy::{DocAddress, DocId, Score, Searcher, SegmentReader, TantivyDocument, Term};

use super::schema::{Fields, KIND_ARTICLE, KIND_SOURCE, QUERY_FIELDS};
use super::writer::tantivy_err;
use super::{Index, SourceIndex};
use crate::error::{Error, IndexErrorKind, QueryProblem, Result};

/// Characters of context a snippet shows around the matches.
const SNIPPET_CHARS: usize = 220;

/// Which documents a search looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    /// Article sentences and source passages.
    #[default]
    All,
    /// Article sentences only.
    Articles,
    /// Source passages only.
    Sources,
}

/// A search as the user asked for it.
#[derive(Debug, Clone)]
pub struct SearchRequest<'a> {
    /// tantivy query syntax: terms, `"phrases"`, `AND`/`OR`/`-`, `field:value`.
    pub query: &'a str,
    /// At most this many hits.
    pub limit: usize,
    /// Which documents to look at.
    pub scope: Scope,
    /// Only hits about this source: its passages, and article sentences citing it.
    pub source: Option<&'a str>,
}

/// What a hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A sentence of an article.
    Article,
    /// A passage of a source text.
    Source,
}

impl Kind {
    /// `article` or `source`, as the index and the JSON output spell it.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Article => KIND_ARTICLE,
            Kind::Source => KIND_SOURCE,
        }
    }
}

/// One search hit.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    /// BM25 score.
    pub score: Score,
    /// Sentence or passage.
    pub kind: Kind,
    /// Article id or source id.
    pub doc: String,
    /// The article's or source's title.
    pub title: String,
    /// Section heading (article) or "Article N" (treaty passage); `None` for the lead.
    pub section: Option<String>,
    /// 1-based line where the sentence or passage starts.
    pub line: usize,
    /// Relative to the corpus root.
    pub file: String,
    /// The whole sentence or passage.
    pub text: String,
    /// The part of `text` worth showing, with `highlights` as byte ranges into it.
    pub snippet: String,
    /// Byte ranges of `snippet` that matched the query.
    pub highlights: Vec<Range<usize>>,
    /// Footnotes covering the sentence, or citing the passage's source.
    pub footnotes: Vec<String>,
}

/// A query word the index does not contain, and the indexed words used instead.
#[derive(Debug, Clone, Serialize)]
pub struct Correction {
    /// The word as the query wrote it.
    pub word: String,
    /// The indexed words searched for instead (closest first, then most frequent).
    pub replacements: Vec<String>,
}

/// What a search found.
#[derive(Debug, Clone, Default)]
pub struct SearchResults {
    /// The best hits, best first (equal scores in corpus order).
    pub hits: Vec<Hit>,
    /// Documents matching in all (`hits` holds at most `limit`).
    pub total: usize,
    /// Non-empty when nothing matched as written and approximate matching found these.
    pub corrections: Vec<Correction>,
    /// Things the user should know about how the query was read (syntax errors read
    /// leniently).
    pub warnings: Vec<String>,
}

/// A ranked document: its score, its insertion order (`ord`) and its address.
type RankedDoc = (Score, u64, DocAddress);

/// A source passage ranked for a piece of text.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceHit {
    /// The manifest's source id.
    pub source: String,
    /// 1-based line where the passage starts in the source file.
    pub line: usize,
    /// "Article N" for treaty passages.
    pub section: Option<String>,
    /// Shared with the index's passage table: ranking returns it without a copy.
    pub text: std::sync::Arc<str>,
    /// BM25 score for the text ranked against.
    pub score: f32,
}

impl Index {
    /// Run a user query. Errors (exit 2) for an empty query or an unknown field; other
    /// syntax errors are read leniently, with a warning. When nothing matches as written,
    /// misspelt words are replaced by the closest indexed words (`corrections` says so).
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResults> {
        // Damaged index data fails as an error naming the damaged file, never a panic.
        super::integrity::guarded(&self.dir, || self.search_unguarded(req))
    }

    fn search_unguarded(&self, req: &SearchRequest) -> Result<SearchResults> {
        let q = req.query.trim();
        if q.is_empty() {
            return Err(Error::query(q, QueryProblem::Empty));
        }
        check_query_shape(q)?;
        let f = self.fields;
        let searcher = self.searcher();
        let mut parser = QueryParser::for_index(&self.index, vec![f.text]);
        // Every word must match, as in web search and grep: narrower, more useful hits.
        parser.set_conjunction_by_default();
        let mut results = SearchResults::default();
        let mut syntax_error = None;
        let user: Box<dyn Query> = match parser.parse_query(q) {
            Ok(query) => query,
            Err(e @ QueryParserError::FieldDoesNotExist(_)) => {
                let QueryParserError::FieldDoesNotExist(field) = &e else {
                    unreachable!("matched just above")
                };
                return Err(Error::Query {
                    query: q.to_string(),
                    problem: QueryProblem::UnknownField {
                        field: field.clone(),
                        known: QUERY_FIELDS.iter().map(|f| f.to_string()).collect(),
                    },
                    source: Some(Box::new(e)),
                });
            }
            Err(e) => {
                let (query, _) = parser.parse_query_lenient(q);
                results
                    .warnings
                    .push(format!("query {q:?}: {e}; reading it leniently"));
                syntax_error = Some(e);
                query
            }
        };
        if user.as_any().downcast_ref::<EmptyQuery>().is_some()
            || user
                .as_any()
                .downcast_ref::<BooleanQuery>()
                .is_some_and(|b| b.clauses().is_empty())
        {
            return Err(Error::Query {
                query: q.to_string(),
                problem: match syntax_error {
                    Some(_) => QueryProblem::Malformed,
                    None => QueryProblem::NothingToSearch,
                },
                source: syntax_error.map(Box::new),
            });
        }

        let (mut hits, total) =
            self.top(&searcher, &*self.filtered(user.box_clone(), req), req.limit)?;
        let mut shown: Box<dyn Query> = user;
        if total == 0 {
            if let Some((fuzzy, corrections)) = self.fuzzy_query(&searcher, q, &*shown)? {
                let (h, t) = self.top(
                    &searcher,
                    &*self.filtered(fuzzy.box_clone(), req),
                    req.limit,
                )?;
                if t > 0 {
                    hits = h;
                    results.total = t;
                    results.corrections = corrections;
                    shown = fuzzy;
                }
            }
        } else {
            results.total = total;
        }

        // Terms weighed by their live document frequency (see `live_stats`).
        let mut snippets = self
            .live_stats(&searcher)
            .snippet_generator(&*shown, f.text)
            .map_err(tantivy_err)?;
        snippets.set_max_num_chars(SNIPPET_CHARS);
        for (score, addr) in hits.drain(..) {
            let doc: TantivyDocument = searcher.doc(addr).map_err(tantivy_err)?;
            results.hits.push(self.hit(&doc, score, &snippets));
        }
        Ok(results)
    }

    /// Restrict a query to the request's scope and source, without changing its scores.
    fn filtered(&self, query: Box<dyn Query>, req: &SearchRequest) -> Box<dyn Query> {
        let f = self.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, query)];
        let kind = match req.scope {
            Scope::All => None,
            Scope::Articles => Some(KIND_ARTICLE),
            Scope::Sources => Some(KIND_SOURCE),
        };
        if let Some(kind) = kind {
            clauses.push((Occur::Must, filter(Term::from_field_text(f.kind, kind))));
        }
        if let Some(source) = req.source {
            clauses.push((Occur::Must, filter(Term::from_field_text(f.source, source))));
        }
        if clauses.len() == 1 {
            return clauses
                .pop()
                .map(|c| c.1)
                .unwrap_or_else(|| Box::new(EmptyQuery));
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// The best `limit` documents, equal scores in insertion order (so the same corpus
    /// always lists hits in the same order), and the number of matches: the ranking
    /// `search` does before fetching documents and making snippets.
    pub fn top(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        limit: usize,
    ) -> Result<(Vec<(Score, DocAddress)>, usize)> {
        let (docs, count) = self.top_with_ord(searcher, query, limit)?;
        Ok((docs.into_iter().map(|(s, _, a)| (s, a)).collect(), count))
    }

    /// [`Index::top`], each hit with its `ord` (insertion order). Scores are BM25 with
    /// [`FragmentPenalty`]; equal scores rank in insertion order (`ord`), because an
    /// index has several segments and which segment took a document varies between
    /// builds, so tantivy's own tie-break (doc address) is not stable.
    fn top_with_ord(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        limit: usize,
    ) -> Result<(Vec<RankedDoc>, usize)> {
        // tantivy reserves room for `limit` hits up front: never more than there are.
        let limit = limit.min(searcher.num_docs() as usize).max(1);
        let text = self.fields.text;
        // BM25 over the live documents: after an incremental update, the scores of a
        // full rebuild (see `live_stats`).
        let live = self.live_stats(searcher);
        let penalty = FragmentPenalty::of(&live, text)?;
        let ranked = TopDocs::with_limit(limit).tweak_score(move |segment: &SegmentReader| {
            let lengths = segment.get_fieldnorms_reader(text).ok();
            let ords = segment.fast_fields().u64("ord").ok();
            move |doc: DocId, score: Score| {
                let words = lengths.as_ref().map_or(0, |l| l.fieldnorm(doc));
                let ord = ords.as_ref().and_then(|c| c.first(doc)).unwrap_or(u64::MAX);
                (penalty.apply(score, words), Reverse(ord))
            }
        });
        let (docs, count) = if live.has_deletes() {
            searcher.search_with_statistics_provider(query, &(ranked, Count), &live)
        } else {
            searcher.search(query, &(ranked, Count))
        }
        .map_err(tantivy_err)?;
        let docs = docs
            .into_iter()
            .map(|((score, Reverse(ord)), addr)| (score, ord, addr))
            .collect();
        Ok((docs, count))
    }

    /// The `ord` column of a segment of `searcher` (this index's or the in-memory
    /// sources-only one), cached by segment id.
    fn ord_column(
        &self,
        searcher: &Searcher,
        segment_ord: u32,
    ) -> Result<tantivy::columnar::Column<u64>> {
        let segment = searcher.segment_reader(segment_ord);
        let mut cache = self
            .ord_columns
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(c) = cache.get(&segment.segment_id()) {
            return Ok(c.clone());
        }
        let column = segment.fast_fields().u64("ord").map_err(tantivy_err)?;
        cache.insert(segment.segment_id(), column.clone());
        Ok(column)
    }

    fn hit(&self, doc: &TantivyDocument, score: Score, snippets: &SnippetGenerator) -> Hit {
        let f = self.fields;
        let text = stored(doc, f.text);
        let (snippet_text, highlights) = snippet_of(&text, snippets);
        Hit {
            score,
            kind: if stored(doc, f.kind) == KIND_SOURCE {
                Kind::Source
            } else {
                Kind::Article
            },
            doc: stored(doc, f.doc),
            title: stored(doc, f.title),
            section: doc
                .get_first(f.section)
                .and_then(|v| v.as_str().map(str::to_string)),
            line: doc.get_first(f.line).and_then(|v| v.as_u64()).unwrap_or(0) as usize,
            file: stored(doc, f.file),
            snippet: snippet_text,
            highlights,
            footnotes: doc
                .get_all(f.footnotes)
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            text,
        }
    }

    /// Source passages ranked by how well they match `text` (a claim), best first
    /// ([`SourceIndex::rank`] over this index's passages). Empty when the text has no
    /// words or the corpus has no source text.
    pub fn rank_sources(&self, text: &str, limit: usize) -> Result<Vec<SourceHit>> {
        super::integrity::guarded(&self.dir, || self.sources_only())?.rank(text, limit)
    }

    /// The source passages of this index in an in-memory index of their own, in `ord`
    /// order (ties rank in corpus order as in `search`). Built once, even when several
    /// threads ask for it at the same moment.
    fn sources_only(&self) -> Result<&SourceIndex> {
        self.sources_only
            .get_or_init(|| self.build_sources_only().map_err(std::sync::Arc::new))
            .as_ref()
            .map_err(|e| Error::Index {
                kind: IndexErrorKind::Engine,
                path: Some(self.dir.clone()),
                detail: Some("cannot load the source passages".into()),
                source: Some(Box::new(e.clone())),
            })
    }

    fn build_sources_only(&self) -> Result<SourceIndex> {
        let f = self.fields;
        let searcher = self.searcher();
        let kind = TermQuery::new(
            Term::from_field_text(f.kind, KIND_SOURCE),
            IndexRecordOption::Basic,
        );
        let addresses = searcher
            .search(&kind, &DocSetCollector)
            .map_err(tantivy_err)?;
        let mut ordered: Vec<(u64, DocAddress)> = Vec::with_capacity(addresses.len());
        for addr in addresses {
            let column = self.ord_column(&searcher, addr.segment_ord)?;
            ordered.push((column.first(addr.doc_id).unwrap_or(u64::MAX), addr));
        }
        ordered.sort();
        let mut passages = Vec::with_capacity(ordered.len());
        for (_, addr) in ordered {
            let doc: TantivyDocument = searcher.doc(addr).map_err(tantivy_err)?;
            passages.push(SourceHit {
                source: stored(&doc, f.doc),
                line: doc.get_first(f.line).and_then(|v| v.as_u64()).unwrap_or(0) as usize,
                section: doc
                    .get_first(f.section)
                    .and_then(|v| v.as_str().map(str::to_string)),
                text: stored(&doc, f.text).into(),
                score: 0.0,
            });
        }
        SourceIndex::build(passages)
    }

    /// The user's query `parsed` from `q` with each word the index does not contain
    /// replaced by the closest indexed words (a misspelling: `Matsuoca` → `matsuoka`),
    /// the rest of the query as it was: `a OR b` stays a disjunction, `-word` and field
    /// filters are kept, not corrected. `None` when no word has a close replacement.
    fn fuzzy_query(
        &self,
        searcher: &Searcher,
        q: &str,
        parsed: &dyn Query,
    ) -> Result<Option<FuzzyQuery>> {
        // The words as the user wrote them, by the indexed token they become: the
        // correction note names what the user typed, not its stem.
        let mut analyzer = super::tokenizer::analyzer();
        let mut written: std::collections::HashMap<String, String> = Default::default();
        for word in plain_words(q) {
            let mut stream = analyzer.token_stream(&word);
            while let Some(t) = stream.next() {
                written
                    .entry(t.text.clone())
                    .or_insert_with(|| word.clone());
            }
        }
        let mut corrections = Vec::new();
        let corrected = self.correct(searcher, parsed, &written, &mut corrections)?;
        if corrections.is_empty() {
            return Ok(None);
        }
        Ok(Some((corrected, corrections)))
    }

    /// [`Index::fuzzy_query`] on one node of the query tree.
    fn correct(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        written: &std::collections::HashMap<String, String>,
        corrections: &mut Vec<Correction>,
    ) -> Result<Box<dyn Query>> {
        let f = self.fields;
        if let Some(b) = query.as_any().downcast_ref::<BooleanQuery>() {
            let mut clauses = Vec::with_capacity(b.clauses().len());
            for (occur, clause) in b.clauses() {
                // An excluded word excludes nothing when misspelt; a guess there would
                // exclude something the user did not name.
                let clause = match occur {
                    Occur::MustNot => clause.box_clone(),
                    _ => self.correct(searcher, &**clause, written, corrections)?,
                };
                clauses.push((*occur, clause));
            }
            return Ok(Box::new(BooleanQuery::new(clauses)));
        }
        if let Some(t) = query.as_any().downcast_ref::<TermQuery>() {
            let term = t.term();
            if term.field() == f.text && searcher.doc_freq(term).map_err(tantivy_err)? == 0 {
                if let Some(token) = term.value().as_str() {
                    let similar = similar_terms(searcher, f, token)?;
                    if !similar.is_empty() {
                        let word = written.get(token).map_or(token, String::as_str);
                        if !corrections.iter().any(|c| c.word == word) {
                            corrections.push(Correction {
                                word: word.to_string(),
                                replacements: similar.clone(),
                            });
                        }
                        return Ok(Box::new(any_word(f, &similar)));
                    }
                }
            }
        }
        Ok(query.box_clone())
    }
}

/// Texts with fewer indexed words than this are fragments, not sentences: a caption's
/// leftover (`'', [Paris].`), the tail of a split quotation.
const FRAGMENT_WORDS: u32 = 4;

/// BM25 favours short texts (a match is a larger share of them), without limit: a
/// one-word fragment that names the query word outranks every real sentence about it.
/// A text shorter than [`FRAGMENT_WORDS`] indexed words therefore scores as a text of
/// that length would (a floor on the length normalisation), scaled by the share of
/// those words it has. Sentences of that length or more score as BM25 says.
#[derive(Debug, Clone, Copy)]
struct FragmentPenalty {
    /// The average length of the text field, in indexed words (BM25's `avgdl`).
    average: f32,
}

impl FragmentPenalty {
    fn of(
        live: &super::live_stats::LiveStats<'_>,
        text: tantivy::schema::Field,
    ) -> Result<FragmentPenalty> {
        Ok(FragmentPenalty {
            average: live.average_tokens(text).map_err(tantivy_err)?,
        })
    }

    /// `score` of a text of `words` indexed words (0: no text; left as it is).
    fn apply(self, score: Score, words: u32) -> Score {
        if words == 0 || words >= FRAGMENT_WORDS {
            return score;
        }
        // tantivy's BM25 constants: the term-frequency part for tf = 1.
        const K1: f32 = 1.2;
        const B: f32 = 0.75;
        let tf_part =
            |len: u32| (1.0 + K1) / (1.0 + K1 * (1.0 - B + B * len as f32 / self.average));
        score * tf_part(FRAGMENT_WORDS) / tf_part(words) * words as f32 / FRAGMENT_WORDS as f32
    }
}

/// A query with misspelt words replaced, and the replacements made.
type FuzzyQuery = (Box<dyn Query>, Vec<Correction>);

/// The deepest parenthesis nesting a query may have. Tantivy's parser recurses once per
/// level; this leaves the stack ample room on any thread (a few thousand overflowed it
/// and aborted the process), and no real query nests this deep.
pub const QUERY_NESTING_LIMIT: usize = 64;

/// Refuse, before the parser sees them, queries it cannot read safely or meaningfully:
/// nesting beyond [`QUERY_NESTING_LIMIT`] (unbalanced `(` count too) and `field:*`.
fn check_query_shape(q: &str) -> Result<()> {
    let (mut depth, mut deepest, mut quoted) = (0usize, 0usize, false);
    for c in q.chars() {
        match c {
            '"' => quoted = !quoted,
            '(' if !quoted => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ')' if !quoted => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    if deepest > QUERY_NESTING_LIMIT {
        return Err(Error::query(
            q,
            QueryProblem::TooDeep {
                depth: deepest,
                limit: QUERY_NESTING_LIMIT,
            },
        ));
    }
    for word in q.split(|c: char| c.is_whitespace() || c == '(' || c == ')') {
        let word = word.trim_start_matches(['-', '+']);
        if let Some(field) = word.strip_suffix(":*") {
            if !field.is_empty() && !field.contains('"') {
                return Err(Error::query(
                    q,
                    QueryProblem::AnyValue {
                        field: field.to_string(),
                    },
                ));
            }
        }
    }
    Ok(())
}

/// A clause that restricts without scoring.
/// Documents whose text has any of `words` (indexed terms), scored by BM25.
pub(super) fn any_word(f: Fields, words: &[String]) -> BooleanQuery {
    BooleanQuery::new(
        words
            .iter()
            .map(|w| {
                let q: Box<dyn Query> = Box::new(TermQuery::new(
                    Term::from_field_text(f.text, w),
                    IndexRecordOption::WithFreqs,
                ));
                (Occur::Should, q)
            })
            .collect(),
    )
}

fn filter(term: Term) -> Box<dyn Query> {
    Box::new(BoostQuery::new(
        Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
        0.0,
    ))
}

fn stored(doc: &TantivyDocument, field: tantivy::schema::Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The part of `text` to show and the byte ranges in it to highlight. A sentence short
/// enough is shown whole; a longer text is cut around the best matches, with `…` where
/// it was cut.
fn snippet_of(text: &str, snippets: &SnippetGenerator) -> (String, Vec<Range<usize>>) {
    let snippet = snippets.snippet(text);
    let ranges = merge_ranges(snippet.highlighted());
    if snippet.fragment().is_empty() {
        return (lead_in(text, SNIPPET_CHARS), Vec::new());
    }
    let frag = snippet.fragment_range();
    if text.chars().count() <= SNIPPET_CHARS + SNIPPET_CHARS / 4 {
        let shifted = ranges
            .iter()
            .map(|r| r.start + frag.start..r.end + frag.start)
            .collect();
        return (text.to_string(), shifted);
    }
    let mut out = String::new();
    if frag.start > 0 {
        out.push('…');
    }
    let shift = out.len();
    out.push_str(snippet.fragment());
    if frag.end < text.trim_end().len() {
        out.push('…');
    }
    let shifted = ranges
        .iter()
        .map(|r| r.start + shift..r.end + shift)
        .collect();
    (out, shifted)
}

/// The first `max` characters of `text`, cut at a word boundary, with `…` if cut.
fn lead_in(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut = text.char_indices().nth(max).map_or(text.len(), |(i, _)| i);
    let cut = text[..cut]
        .rfind(' ')
        .filter(|&i| i > cut / 2)
        .unwrap_or(cut);
    format!("{}…", text[..cut].trim_end())
}

/// Overlapping or touching highlight ranges as one (CJK bigrams overlap by design).
fn merge_ranges(ranges: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut sorted: Vec<Range<usize>> = ranges.to_vec();
    sorted.sort_by_key(|r| (r.start, r.end));
    let mut out: Vec<Range<usize>> = Vec::new();
    for r in sorted {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// The words of a query that are plain text: not operators, not negated, not field
/// filters.
fn plain_words(q: &str) -> Vec<String> {
    q.split(|c: char| c.is_whitespace() || "()\"'+^~[]{}".contains(c))
        .filter(|w| !w.is_empty())
        .filter(|w| !matches!(*w, "AND" | "OR" | "NOT" | "IN" | "TO"))
        .filter(|w| !w.starts_with('-') && !w.contains(':'))
        .map(str::to_string)
        .collect()
}

/// How many edits a word of `len` characters may need to count as a misspelling.
fn max_edits(len: usize) -> u8 {
    match len {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// Indexed words of the text field closest to `token`: at most 5 of those at the
/// smallest edit distance that has any (a transposition counts as one edit), most
/// frequent first. tantivy's Levenshtein automaton walks the term dictionary, visiting
/// only the prefixes that can still lead to a close word.
fn similar_terms(searcher: &Searcher, f: Fields, token: &str) -> Result<Vec<String>> {
    let limit = max_edits(token.chars().count());
    for distance in 1..=limit {
        let fuzzy = FuzzyTermQuery::new(Term::from_field_text(f.text, token), distance, true);
        let automaton = fuzzy.automaton().map_err(tantivy_err)?;
        // (term, documents having it), summed over the segments.
        let mut found: Vec<(String, u64)> = Vec::new();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(f.text).map_err(tantivy_err)?;
            let mut stream = inverted
                .terms()
                .search(&automaton)
                .into_stream()
                .map_err(|e| Error::index_caused(IndexErrorKind::Engine, None, e))?;
            while stream.advance() {
                let Ok(term) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                let df = u64::from(stream.value().doc_freq);
                match found.iter_mut().find(|c| c.0 == term) {
                    Some(c) => c.1 += df,
                    None => found.push((term.to_string(), df)),
                }
            }
        }
        if !found.is_empty() {
            found.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            return Ok(found.into_iter().take(5).map(|c| c.0).collect());
        }
    }
    Ok(Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_highlights_merge() {
        assert_eq!(merge_ranges(&[0..6, 3..9, 6..12, 20..24]), [0..12, 20..24]);
    }

    #[test]
    fn plain_words_skip_operators_filters_and_negations() {
        assert_eq!(
            plain_words("\"Article Three\" AND kind:source -pact (Matsuoca OR x)"),
            ["Article", "Three", "Matsuoca", "x"]
        );
    }

    #[test]
    fn lead_in_cuts_at_a_word() {
        assert_eq!(lead_in("short", 10), "short");
        assert_eq!(lead_in("one two three four", 10), "one two…");
    }
}
