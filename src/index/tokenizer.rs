//! The text analyzer: English words stemmed, Chinese/Japanese/Korean as overlapping bigrams.
//!
//! CJK scripts do not separate words with spaces, so a word tokenizer sees `日ソ中立条約`
//! as one token and a search for `中立条約` finds nothing. Dictionary segmenters (lindera)
//! download their dictionaries at build time and fail offline, so we follow Lucene's
//! `CJKBigramFilter` instead: every run of Han/Kana/Hangul becomes its overlapping
//! character pairs at consecutive positions (`日ソ ソ中 中立 立条 条約`). A query is
//! analysed the same way, so `中立条約` turns into the phrase `中立 立条 条約` and matches
//! wherever those characters stand together. A lone CJK character is kept as a unigram
//! so that one-character words (`日`) are searchable where they stand alone.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, Stemmer,
    TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};

/// Name the text fields' analyzer is registered under. It is stored in the schema, so
/// every opened index must register it again ([`register`]).
pub const ANALYZER: &str = "citecheck_text";

/// Tokens longer than this are debris (base64, URLs without separators), not words.
const MAX_TOKEN_BYTES: usize = 60;

/// The analyzer of article and source text: CJK bigrams and words, lower-cased, folded to
/// ASCII (`Chūritsu` = `churitsu`) and stemmed for English (`denounced` = `denounce`).
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(CjkBigramTokenizer)
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(CachedStemmer)
        .build()
}

/// Run `f` with this thread's analyzer: one per thread, so its stem cache lasts across
/// calls (ranking analyses every claim of a corpus; a fresh analyzer each time started
/// with an empty cache).
pub fn with_analyzer<R>(f: impl FnOnce(&mut TextAnalyzer) -> R) -> R {
    thread_local! {
        static ANALYZER: std::cell::RefCell<TextAnalyzer> = std::cell::RefCell::new(analyzer());
    }
    ANALYZER.with(|a| f(&mut a.borrow_mut()))
}

/// FxHash (rustc's hasher): the stem cache is looked up once per token, and SipHash's
/// flooding resistance buys nothing for a bounded cache of corpus words.
#[derive(Default, Clone, Copy)]
struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word))
                .wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type StemCache = HashMap<String, String, BuildHasherDefault<FxHasher>>;

/// Entries a stem cache holds before it starts afresh: bounds memory on huge corpora.
const STEM_CACHE_ENTRIES: usize = 200_000;

/// English stemming with a cache of the words already stemmed. Word frequencies are
/// Zipfian, so nearly every token is a word seen before; the Snowball stemmer was the
/// largest single cost of indexing. Each analyzer clone (one per indexing thread) has
/// its own cache: no locking.
#[derive(Clone, Copy, Debug, Default)]
pub struct CachedStemmer;

impl TokenFilter for CachedStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter {
            inner,
            stemmer: TextAnalyzer::builder(RawTokenizer::default())
                .filter(Stemmer::new(Language::English))
                .build(),
            cache: StemCache::default(),
        }
    }
}

/// A token filter stemming each token, with a cache of the stems already computed.
#[derive(Clone)]
pub struct CachedStemmerFilter<T> {
    inner: T,
    /// Stems one word (the whole input is one token).
    stemmer: TextAnalyzer,
    cache: StemCache,
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedStemmerStream {
            tail: self.inner.token_stream(text),
            stemmer: &mut self.stemmer,
            cache: &mut self.cache,
        }
    }
}

/// The token stream of [`CachedStemmerFilter`].
pub struct CachedStemmerStream<'a, S> {
    tail: S,
    stemmer: &'a mut TextAnalyzer,
    cache: &'a mut StemCache,
}

impl<S: TokenStream> TokenStream for CachedStemmerStream<'_, S> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if let Some(stem) = self.cache.get(&token.text) {
            token.text.clear();
            token.text.push_str(stem);
            return true;
        }
        let stem = {
            let mut one = self.stemmer.token_stream(&token.text);
            match one.next() {
                Some(t) => t.text.clone(),
                None => token.text.clone(),
            }
        };
        if self.cache.len() >= STEM_CACHE_ENTRIES {
            self.cache.clear();
        }
        self.cache
            .insert(std::mem::replace(&mut token.text, stem.clone()), stem);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// Register citecheck's analyzers on an index. Custom tokenizers are not persisted by
/// tantivy, only their names, so this runs on every create and every open.
pub fn register(index: &tantivy::Index) {
    index.tokenizers().register(ANALYZER, analyzer());
}

/// Word tokenizer that splits CJK runs into overlapping bigrams.
#[derive(Clone, Copy, Debug, Default)]
pub struct CjkBigramTokenizer;

impl Tokenizer for CjkBigramTokenizer {
    type TokenStream<'a> = CjkBigramStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> CjkBigramStream<'a> {
        CjkBigramStream {
            text,
            pos: 0,
            prev_cjk: None,
            run_emitted: false,
            token: Token::default(),
        }
    }
}

/// The token stream of the CJK bigram tokenizer.
pub struct CjkBigramStream<'a> {
    text: &'a str,
    /// Byte offset of the next character to look at.
    pos: usize,
    /// Start of the previous character when it was CJK: the first half of the next bigram.
    prev_cjk: Option<usize>,
    /// Whether the current CJK run has produced a bigram (if not, it is one character
    /// long and becomes a unigram when it ends).
    run_emitted: bool,
    token: Token,
}

impl CjkBigramStream<'_> {
    fn emit(&mut self, from: usize, to: usize) {
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.position = self.token.position.wrapping_add(1);
        self.token.position_length = 1;
        self.token.text.clear();
        self.token.text.push_str(&self.text[from..to]);
    }

    /// Close the current CJK run; a run of one character yields it as a unigram.
    fn end_run(&mut self) -> bool {
        let single = match self.prev_cjk.take() {
            Some(start) if !self.run_emitted => Some(start),
            _ => None,
        };
        self.run_emitted = false;
        if let Some(start) = single {
            let len = self.text[start..].chars().next().map_or(0, char::len_utf8);
            self.emit(start, start + len);
            return true;
        }
        false
    }
}

impl TokenStream for CjkBigramStream<'_> {
    fn advance(&mut self) -> bool {
        loop {
            let Some(c) = self.text[self.pos..].chars().next() else {
                return self.end_run();
            };
            let len = c.len_utf8();
            if is_cjk(c) {
                match self.prev_cjk {
                    Some(start) => {
                        self.emit(start, self.pos + len);
                        self.run_emitted = true;
                        self.prev_cjk = Some(self.pos);
                        self.pos += len;
                        return true;
                    }
                    None => {
                        self.prev_cjk = Some(self.pos);
                        self.run_emitted = false;
                        self.pos += len;
                        continue;
                    }
                }
            }
            if self.prev_cjk.is_some() && self.end_run() {
                // The unigram goes out first; this character is looked at again next call.
                return true;
            }
            if c.is_alphanumeric() {
                let start = self.pos;
                let end = self.text[start..]
                    .char_indices()
                    .find(|&(_, ch)| !ch.is_alphanumeric() || is_cjk(ch))
                    .map_or(self.text.len(), |(i, _)| start + i);
                self.pos = end;
                self.emit(start, end);
                return true;
            }
            self.pos += len;
        }
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// Han ideographs, Hiragana, Katakana (full and half width) and Hangul: the scripts
/// written without spaces between words.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3005 | 0x3007 // 々 iteration mark, 〇 ideographic zero
        | 0x3040..=0x309F // Hiragana
        | 0x30A0..=0x30FF // Katakana (with the prolonged sound mark ー)
        | 0x31F0..=0x31FF // Katakana phonetic extensions
        | 0x3400..=0x4DBF // CJK Extension A
        | 0x4E00..=0x9FFF // CJK Unified Ideographs
        | 0xF900..=0xFAFF // CJK Compatibility Ideographs
        | 0xFF66..=0xFF9F // Halfwidth Katakana
        | 0x1100..=0x11FF // Hangul Jamo
        | 0x3130..=0x318F // Hangul compatibility Jamo
        | 0xAC00..=0xD7AF // Hangul syllables
        | 0x20000..=0x2FA1F // CJK Extensions B–F and compatibility supplement
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<(String, usize)> {
        let mut analyzer = analyzer();
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = stream.next() {
            out.push((t.text.clone(), t.position));
        }
        out
    }

    fn texts(text: &str) -> Vec<String> {
        tokens(text).into_iter().map(|t| t.0).collect()
    }

    #[test]
    fn english_words_are_lowercased_and_stemmed() {
        assert_eq!(
            texts("The Soviet Union denounced the pact"),
            ["the", "soviet", "union", "denounc", "the", "pact"]
        );
        assert_eq!(texts("denounce"), texts("denounced"));
    }

    #[test]
    fn cached_stems_equal_fresh_ones() {
        let mut plain = TextAnalyzer::builder(CjkBigramTokenizer)
            .filter(LowerCaser)
            .filter(Stemmer::new(Language::English))
            .build();
        let text = "running runs ran runner denounced denouncing denunciation running runs";
        let mut expected = Vec::new();
        let mut stream = plain.token_stream(text);
        while let Some(t) = stream.next() {
            expected.push(t.text.clone());
        }
        let mut cached = analyzer();
        for _ in 0..2 {
            assert_eq!(texts_with(&mut cached, text), expected);
        }
    }

    fn texts_with(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = stream.next() {
            out.push(t.text.clone());
        }
        out
    }

    #[test]
    fn cjk_runs_become_overlapping_bigrams_at_consecutive_positions() {
        assert_eq!(
            tokens("日ソ中立条約"),
            [
                ("日ソ".to_string(), 0),
                ("ソ中".to_string(), 1),
                ("中立".to_string(), 2),
                ("立条".to_string(), 3),
                ("条約".to_string(), 4)
            ]
        );
    }

    #[test]
    fn mixed_scripts_keep_words_whole_and_positions_contiguous() {
        assert_eq!(
            tokens("Pact (日ソ中立 Nisso Chūritsu)"),
            [
                ("pact".to_string(), 0),
                ("日ソ".to_string(), 1),
                ("ソ中".to_string(), 2),
                ("中立".to_string(), 3),
                ("nisso".to_string(), 4),
                ("churitsu".to_string(), 5)
            ]
        );
    }

    #[test]
    fn a_lone_cjk_character_is_a_unigram() {
        assert_eq!(texts("日 and 本"), ["日", "and", "本"]);
        assert_eq!(texts("a日b"), ["a", "日", "b"]);
        assert_eq!(texts("한국어"), ["한국", "국어"]);
    }

    #[test]
    fn offsets_point_at_the_original_text() {
        let text = "x 中立条約 y";
        let mut analyzer = analyzer();
        let mut stream = analyzer.token_stream(text);
        let mut spans = Vec::new();
        while let Some(t) = stream.next() {
            spans.push(&text[t.offset_from..t.offset_to]);
        }
        assert_eq!(spans, ["x", "中立", "立条", "条約", "y"]);
    }

    #[test]
    fn punctuation_only_and_empty_text_give_no_tokens() {
        assert!(texts("").is_empty());
        assert!(texts(" —, 「」。").is_empty());
    }
}
