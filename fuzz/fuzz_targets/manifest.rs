//! The manifest loader on an arbitrary `corpus.toml` (in a corpus with one article and
//! one source, so globs and `file =` entries have something to find): an error or a
//! corpus, never a panic, and never an article or source outside the corpus directory.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|manifest: &[u8]| {
    let dir = citecheck_fuzz::small_corpus();
    std::fs::write(dir.path().join("corpus.toml"), manifest).unwrap();
    if let Ok(corpus) = citecheck::Corpus::load(dir.path()) {
        let root = dir.path().canonicalize().unwrap();
        for article in &corpus.articles {
            if let Ok(path) = article.path.canonicalize() {
                assert!(path.starts_with(&root), "article outside: {path:?}");
            }
        }
    }
});
