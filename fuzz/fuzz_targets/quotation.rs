//! The quotation matcher: an arbitrary quotation against an arbitrary source text, split
//! at the first NUL byte. A match must be a real range of the source's words.
#![no_main]

use citecheck::check::verify::{closest, find_quote, QuotePattern};
use citecheck::sources::SourceText;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &str| {
    let (quote, source) = data.split_once('\0').unwrap_or((data, data));
    let doc = SourceText::new("s", "S", "s.txt".into(), source);
    let pattern = QuotePattern::parse(quote);
    if let Some(m) = find_quote(&pattern, &doc) {
        assert!(m.words.start < m.words.end && m.words.end <= doc.words.len());
    }
    let _ = closest(&pattern, &doc);
});
