use std::path::{Path, PathBuf};

use citecheck::check::run::{check_articles, IndexRefresh};
use citecheck::report::html::{self, HtmlReport};
use citecheck::{Config, Error, Result};

use crate::cli::Cli;
use crate::output::Stream;

/// Where the report goes.
enum Target {
    /// One page of every article: a file, or stdout for `-`.
    Page(PathBuf),
    /// `index.html` (the summary) and one page per article.
    Dir(PathBuf),
}

impl Target {
    /// A path ending in `/` or naming an existing directory is a directory of pages;
    /// anything else one page (`-`: stdout).
    fn of(out: &Path) -> Target {
        let text = out.as_os_str().to_string_lossy();
        if text.ends_with('/') || text.ends_with(std::path::MAIN_SEPARATOR) || out.is_dir() {
            Target::Dir(out.to_path_buf())
        } else {
            Target::Page(out.to_path_buf())
        }
    }
}

pub fn run(cli: &Cli, out: &Path, article: Option<&str>) -> Result<u8> {
    let mut corpus = super::load_corpus(cli)?;
    if let Some(id) = article {
        let spec = super::show::pick_article(&corpus, Some(id))?.clone();
        corpus.articles = vec![spec];
    }
    let config = Config::from_corpus(&corpus);
    let terminal = super::terminal(cli);
    let target = Target::of(out);
    if let Target::Dir(dir) = &target {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let mut report = HtmlReport::new(&corpus);
    // One page: the articles are kept (rendered) until the summary that heads them is
    // known. A directory: each article's page is written as soon as it is checked.
    let mut body = String::new();
    let mut number = 0;
    // The report shows what `check` concludes, from the same checker; it neither reads
    // nor writes the index.
    let end = check_articles(
        &corpus,
        config,
        None,
        IndexRefresh::Skip,
        &terminal,
        &mut |checked| {
            number += 1;
            match &target {
                Target::Dir(dir) => {
                    let a = checked.article;
                    let file = html::page_file(number, &a.id);
                    let mut page = html::page_start(a.title.as_deref().unwrap_or(&a.id));
                    page.push_str(&html::back_to_summary("index.html"));
                    page.push_str(&html::legend(None));
                    page.push_str(&report.article(number, &checked, &file));
                    page.push_str(&html::back_to_summary("index.html"));
                    page.push_str(html::PAGE_END);
                    write(&dir.join(&file), &[&page])
                }
                Target::Page(_) => {
                    body.push_str(&report.article(number, &checked, &format!("#a{number}")));
                    Ok(())
                }
            }
        },
    )?;
    drop(terminal);
    let title = match corpus.articles.as_slice() {
        [one] => one.title.clone().unwrap_or_else(|| one.id.clone()),
        many => format!("{} articles", many.len()),
    };
    let mut head = html::page_start(&title);
    head.push_str(&report.summary(&end));
    // The summary heads the page: written first, then the articles kept in `body`.
    let written = match &target {
        Target::Page(path) => {
            write(path, &[&head, &body, html::PAGE_END])?;
            path.clone()
        }
        Target::Dir(dir) => {
            let path = dir.join("index.html");
            write(&path, &[&head, html::PAGE_END])?;
            path
        }
    };
    if !cli.quiet && written != Path::new("-") {
        let pages = match target {
            Target::Dir(_) => format!(" and {number} article page{}", plural(number)),
            Target::Page(_) => String::new(),
        };
        eprintln!(
            "wrote {}{pages} ({number} article{})",
            written.display(),
            plural(number)
        );
    }
    Ok(0)
}

/// Write `parts` to `path` (`-`: stdout; a file atomically).
fn write(path: &Path, parts: &[&str]) -> Result<()> {
    let mut out = Stream::to(Some(path))?;
    for part in parts {
        out.write(part)?;
    }
    out.finish()
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
