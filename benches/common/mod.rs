//! What both benchmarks need.

use std::path::{Path, PathBuf};

/// A corpus over a directory of real articles: a glob manifest (read as plain text, the
/// shape of the Markdown-converted wikipedia-2019 pages) in `work/corpus`, the articles
/// linked in rather than copied.
pub fn linked_corpus(work: &Path, articles: &Path) -> PathBuf {
    let dir = work.join("corpus");
    std::fs::create_dir_all(&dir).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(articles, dir.join("articles")).unwrap();
    #[cfg(not(unix))]
    panic!("the benchmark links the articles into its corpus: Unix only");
    std::fs::write(
        dir.join("corpus.toml"),
        "[[article]]\nfiles = \"articles/*.md\"\nformat = \"text\"\n",
    )
    .unwrap();
    dir
}
