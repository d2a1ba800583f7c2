//! The search query parser (and the misspelling fallback behind it) on arbitrary queries
//! against a small built index: hits or a typed error, never a panic or a stack overflow.
#![no_main]

use citecheck::index::{Scope, SearchRequest};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|query: &str| {
    let index = citecheck_fuzz::small_index();
    for scope in [Scope::All, Scope::Sources] {
        let _ = index.search(&SearchRequest {
            query,
            limit: 10,
            scope,
            source: None,
        });
    }
});
