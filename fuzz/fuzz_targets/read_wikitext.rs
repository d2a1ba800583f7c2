//! The wikitext reader on arbitrary text: no panic, and every position it records lies
//! inside the text (what the checker and reporters index with).
#![no_main]

use citecheck::position::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    citecheck_fuzz::read(text, "fuzz.wiki", Format::Wikitext);
});
