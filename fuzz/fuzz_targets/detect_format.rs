//! Format detection on arbitrary text under every extension, then the reader it picks.
#![no_main]

use citecheck::position::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    for name in ["a.txt", "a.md", "a.wiki", "a.html", "a"] {
        let path = std::path::Path::new(name);
        let format = citecheck::readers::detect(path, text);
        assert_ne!(format, Format::Auto, "detect always decides");
        citecheck_fuzz::read(text, name, Format::Auto);
    }
});
