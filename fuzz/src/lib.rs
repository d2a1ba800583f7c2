//! What the fuzz targets share: a reader run with the model's invariants checked, and a
//! small corpus (and its index) for the targets that need one.

use std::path::Path;
use std::sync::OnceLock;

use citecheck::position::Format;

/// Parse `text` as the file `name` in `format` and check what every later stage relies
/// on: positions inside the text, and links between sentences, markers and references
/// that point at something.
pub fn read(text: &str, name: &str, format: Format) {
    let Ok(article) = citecheck::readers::parse("fuzz", Path::new(name), format, text.into())
    else {
        return;
    };
    let len = article.text.len();
    for s in &article.sentences {
        assert!(
            s.start <= s.end && s.end <= len,
            "sentence {}..{} of {len}",
            s.start,
            s.end
        );
        assert!(
            s.line >= 1 && s.column >= 1,
            "sentence at {}:{}",
            s.line,
            s.column
        );
        for &m in &s.markers {
            assert!(m < article.markers.len(), "sentence names marker {m}");
        }
        if let Some(c) = s.covered_by {
            assert!(c < article.sentences.len(), "covered by sentence {c}");
        }
    }
    for m in &article.markers {
        assert!(
            m.offset + m.len <= len,
            "marker {}+{} of {len}",
            m.offset,
            m.len
        );
        assert!(
            m.line >= 1 && m.column >= 1,
            "marker at {}:{}",
            m.line,
            m.column
        );
        if let Some(s) = m.sentence {
            assert!(s < article.sentences.len(), "marker in sentence {s}");
        }
        if let Some(r) = m.reference {
            assert!(r < article.references.len(), "marker of reference {r}");
        }
    }
}

/// A corpus directory with one article and one source text, for the manifest's globs
/// and `file =` entries to find (a new one for each call: the manifest target
/// overwrites its `corpus.toml`).
pub fn small_corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("articles")).unwrap();
    std::fs::create_dir_all(dir.path().join("sources")).unwrap();
    std::fs::write(
        dir.path().join("articles/pact.txt"),
        "Neutrality Pact\n\nThe pact was signed in Moscow on 13 April 1941.[1] Matsuoka and \
         Molotov signed it.[1]\n\nReferences\n\n  1. ^ Pact of Neutrality (1941).\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("sources/pact.txt"),
        "Pact of Neutrality between the USSR and Japan. Signed in Moscow, April 13, 1941, \
         by V. Molotov and Yosuke Matsuoka.\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("corpus.toml"),
        "[[article]]\nid = \"pact\"\nfile = \"articles/pact.txt\"\n\n[[source]]\nid = \"pact-1941\"\n\
         title = \"Pact of Neutrality\"\nfile = \"sources/pact.txt\"\n",
    )
    .unwrap();
    dir
}

/// The index of [`small_corpus`], built once per fuzzing process.
pub fn small_index() -> &'static citecheck::Index {
    static INDEX: OnceLock<(tempfile::TempDir, citecheck::Index)> = OnceLock::new();
    &INDEX
        .get_or_init(|| {
            let corpus_dir = small_corpus();
            let corpus = citecheck::Corpus::load(corpus_dir.path()).unwrap();
            let index_dir = corpus_dir.path().join("index");
            citecheck::index::build::build(&corpus, &index_dir, false, &citecheck::Silent).unwrap();
            let index = citecheck::Index::open(&index_dir).unwrap().unwrap();
            (corpus_dir, index)
        })
        .1
}
