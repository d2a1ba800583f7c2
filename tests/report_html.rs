//! `citecheck report --html` read back as a browser would: the HTML parsed into a DOM
//! (scraper) and checked for what a reader relies on — each sentence classed by what
//! `check` concluded, the misquotation's details holding the diff, the findings `check`
//! reports and no others, ids unique across articles (every `#…` link lands), the
//! viewport tag, a page per article for a directory, and the article's text escaped.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::{check_json, citecheck_in, findings, repo, run, write_corpus, ROOT};
use scraper::{ElementRef, Html, Selector};

const VERIFY: &str = "tests/fixtures/verify";

fn sel(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("selector {css}: {e:?}"))
}

fn text(e: ElementRef) -> String {
    e.text().collect()
}

/// `report --html -` over `corpus`: the page on stdout.
fn report_stdout(corpus: &Path, extra: &[&str]) -> String {
    let index = tempfile::tempdir().unwrap();
    let r = run(citecheck_in(Path::new(ROOT))
        .arg("--corpus")
        .arg(corpus)
        .arg("--index")
        .arg(index.path())
        .args(["report", "--html", "-"])
        .args(extra));
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.stdout
}

/// The sentence element (`details.s`) whose own text contains `needle`.
fn sentence<'a>(doc: &'a Html, needle: &str) -> ElementRef<'a> {
    let summary = sel("summary");
    doc.select(&sel("details.s"))
        .find(|d| {
            d.select(&summary)
                .next()
                .is_some_and(|s| text(s).contains(needle))
        })
        .unwrap_or_else(|| panic!("no sentence containing {needle:?}"))
}

fn classes(e: ElementRef) -> BTreeSet<String> {
    e.value().classes().map(str::to_string).collect()
}

/// Every id of the page, each once, and every in-page link pointing at one of them.
fn assert_ids_unique_and_links_land(doc: &Html) -> usize {
    let mut seen = BTreeSet::new();
    let mut duplicates = Vec::new();
    for e in doc.select(&sel("[id]")) {
        let id = e.value().attr("id").unwrap().to_string();
        if !seen.insert(id.clone()) {
            duplicates.push(id);
        }
    }
    assert!(duplicates.is_empty(), "duplicate ids: {duplicates:?}");
    for a in doc.select(&sel("a[href^='#']")) {
        let target = &a.value().attr("href").unwrap()[1..];
        assert!(
            seen.contains(target),
            "link to #{target}, which no element has"
        );
    }
    seen.len()
}

fn assert_viewport(doc: &Html) {
    let meta = doc
        .select(&sel("head meta[name='viewport']"))
        .next()
        .expect("<meta name=viewport>");
    assert!(meta
        .value()
        .attr("content")
        .unwrap_or("")
        .contains("width=device-width"));
}

#[test]
fn the_misquoted_sentence_is_an_error_and_its_details_hold_the_diff() {
    let doc = Html::parse_document(&report_stdout(&repo(VERIFY), &[]));
    assert_viewport(&doc);
    let s = sentence(&doc, "keep the harbour open to the ships");
    let c = classes(s);
    assert!(c.contains("not-found"), "status class: {c:?}");
    assert!(c.contains("f-error"), "worst finding an error: {c:?}");
    let why = s.select(&sel(".why")).next().expect("details");
    let why_text = text(why);
    assert!(why_text.contains("quote-not-in-source"), "{why_text}");
    assert!(
        why_text.contains("help: quote the source's exact words"),
        "{why_text}"
    );
    // The diff: the source's word struck, the article's inserted, both in the list of
    // changes, and the source's word struck in the closest passage too.
    let diff = why.select(&sel("ul.diff li")).next().expect("a diff");
    assert_eq!(
        diff.select(&sel("del")).map(text).collect::<Vec<_>>(),
        ["vessels"]
    );
    assert_eq!(
        diff.select(&sel("ins")).map(text).collect::<Vec<_>>(),
        ["ships"]
    );
    let passage = why
        .select(&sel("blockquote"))
        .next()
        .expect("closest passage");
    assert!(text(passage).contains("keep the harbour open to the vessels of either party"));
    assert!(passage.select(&sel("del")).any(|d| text(d) == "vessels"));
    assert!(passage.select(&sel("mark")).any(|m| text(m) == "harbour"));
    assert!(
        why_text.contains("sources/harbour-treaty-1888.txt:10"),
        "{why_text}"
    );
    // The footnote covering it, with its reference text and the link's confidence.
    let footnotes = text(why.select(&sel("ul.fn")).next().expect("footnotes"));
    assert!(footnotes.contains("Harbour Treaty between Vellmar and Ostrand, 3 May 1888."));
    assert!(footnotes.contains("Linked by a [[link]] in corpus.toml."));
}

#[test]
fn every_sentence_is_coloured_by_what_check_concluded() {
    let doc = Html::parse_document(&report_stdout(&repo(VERIFY), &[]));
    let status = |needle: &str| {
        let c = classes(sentence(&doc, needle));
        [
            "verified",
            "partly",
            "not-found",
            "unverifiable",
            "uncited-claim",
            "exempt-lead",
            "not-a-claim",
        ]
        .into_iter()
        .find(|s| c.contains(*s))
        .unwrap_or_else(|| panic!("{needle}: no status class in {c:?}"))
    };
    assert_eq!(status("first met on 12 March 1887"), "verified");
    assert_eq!(status("chaired by Mayor Anton Keller"), "not-found");
    assert_eq!(status("signed at Vellmar on 3 May 1889"), "partly");
    assert_eq!(status("harbour dues at 12 shillings"), "uncited-claim");
    assert_eq!(status("was an agreement of 1888"), "exempt-lead");
    assert_eq!(status("paid half the cost of dredging"), "not-a-claim");
    // The verified date's evidence: the passage with the date's words marked.
    let why = sentence(&doc, "first met on 12 March 1887")
        .select(&sel(".why"))
        .next()
        .unwrap();
    let marked: Vec<String> = why.select(&sel("blockquote mark")).map(text).collect();
    assert_eq!(marked, ["March", "12", "1887"]);
    // The uncited claim's details name the possible source check found.
    let uncited = text(sentence(&doc, "harbour dues at 12 shillings"));
    assert!(
        uncited.contains("possible source: `commission-minutes-1887`"),
        "{uncited}"
    );
    // One element per sentence.
    assert_eq!(doc.select(&sel("details.s")).count(), 10);
}

#[test]
fn the_report_shows_the_findings_check_reports() {
    let corpus = repo(VERIFY);
    let mut by_rule: BTreeMap<String, usize> = BTreeMap::new();
    for f in findings(&check_json(&corpus)) {
        *by_rule
            .entry(f["rule"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    let doc = Html::parse_document(&report_stdout(&corpus, &[]));
    let mut shown: BTreeMap<String, usize> = BTreeMap::new();
    for row in doc.select(&sel("#summary tr")) {
        let Some(rule) = row.select(&sel("code")).next() else {
            continue;
        };
        let n = row.select(&sel("td.n")).next().unwrap();
        shown.insert(text(rule), text(n).trim().parse().unwrap());
    }
    assert_eq!(shown, by_rule, "findings by rule");
    // Each finding is in the details of its sentence, once.
    let in_sentences: usize = doc.select(&sel("details.s .why .f")).count();
    assert_eq!(in_sentences, by_rule.values().sum::<usize>());
}

/// Three articles, each with footnotes [1] and [2]; the second has a marker with no
/// entry and an entry no marker cites.
fn three_articles() -> tempfile::TempDir {
    let article = |name: &str, extra: &str| {
        format!(
            "{name}\n\n{name} is a town on the river.\n\nHistory\n\n\
             The town of {name} was founded in 1801.[1] It had 3000 people by 1850.[2]{extra}\n\n\
             References\n\n  1. ^ Smith, John. A History of {name}, 1900.\n  2. ^ Jones, Mary. {name} Census, 1851.\n"
        )
    };
    let a = article("Alderton", "");
    let b = article("Brampton", " A bridge was built in 1870.[3]")
        + "  4. ^ Brown, Ann. Bridges of the Valley, 1880.\n";
    let c = article("Carhampton", "");
    write_corpus(
        None,
        &[
            ("alderton.txt", a.as_bytes()),
            ("brampton.txt", b.as_bytes()),
            ("carhampton.txt", c.as_bytes()),
        ],
    )
}

#[test]
fn ids_are_unique_across_articles_and_every_link_lands() {
    let corpus = three_articles();
    let doc = Html::parse_document(&report_stdout(corpus.path(), &[]));
    assert_viewport(&doc);
    assert_ids_unique_and_links_land(&doc);
    // Each article's [1] links to its own reference entry.
    for (n, name) in [(1, "Alderton"), (2, "Brampton"), (3, "Carhampton")] {
        let entry = doc
            .select(&sel(&format!("#a{n}-ref-1")))
            .next()
            .unwrap_or_else(|| panic!("#a{n}-ref-1"));
        assert!(text(entry).contains(&format!("A History of {name}")));
    }
    // Article-level findings are in the box at the top of their article.
    let box_text = text(doc.select(&sel("#a2-findings")).next().unwrap());
    assert!(box_text.contains("unknown-footnote"), "{box_text}");
    assert!(box_text.contains("unused-reference"), "{box_text}");
    let first = text(doc.select(&sel("#a1-findings")).next().unwrap());
    assert!(!first.contains("unknown-footnote"), "{first}");
    // The summary links to each article.
    let links: Vec<String> = doc
        .select(&sel("#summary table.articles a"))
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert_eq!(links, ["#a1", "#a2", "#a3"]);
}

#[test]
fn a_directory_gets_an_index_and_a_page_per_article() {
    let corpus = three_articles();
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("report/");
    let index = tempfile::tempdir().unwrap();
    let r = run(citecheck_in(Path::new(ROOT))
        .arg("--corpus")
        .arg(corpus.path())
        .arg("--index")
        .arg(index.path())
        .args(["report", "--html"])
        .arg(&dir));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("3 article pages"), "{}", r.stderr);
    let home = Html::parse_document(&std::fs::read_to_string(dir.join("index.html")).unwrap());
    assert_viewport(&home);
    let pages: Vec<String> = home
        .select(&sel("#summary table.articles a"))
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert_eq!(
        pages,
        [
            "00001-alderton.html",
            "00002-brampton.html",
            "00003-carhampton.html"
        ]
    );
    for (k, page) in pages.iter().enumerate() {
        let doc = Html::parse_document(&std::fs::read_to_string(dir.join(page)).unwrap());
        assert_viewport(&doc);
        assert_ids_unique_and_links_land(&doc);
        assert!(doc
            .select(&sel(&format!("article#a{}", k + 1)))
            .next()
            .is_some());
        assert_eq!(doc.select(&sel("article")).count(), 1);
        let back = doc.select(&sel("nav a")).next().unwrap();
        assert_eq!(back.value().attr("href"), Some("index.html"));
    }
    // An existing directory without the trailing slash is a directory too.
    let again = run(citecheck_in(Path::new(ROOT))
        .arg("--corpus")
        .arg(corpus.path())
        .arg("--index")
        .arg(index.path())
        .args(["--quiet", "report", "--html"])
        .arg(out.path().join("report")));
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(dir.join("index.html").is_file());
}

#[test]
fn dash_is_stdout_and_article_picks_one() {
    let corpus = three_articles();
    let cwd = tempfile::tempdir().unwrap();
    let index = tempfile::tempdir().unwrap();
    let r = run(citecheck_in(cwd.path())
        .arg("--corpus")
        .arg(corpus.path())
        .arg("--index")
        .arg(index.path())
        .args(["report", "--html", "-", "--article", "brampton"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!cwd.path().join("-").exists(), "no file named -");
    let doc = Html::parse_document(&r.stdout);
    let articles: Vec<String> = doc.select(&sel("article h2")).map(text).collect();
    // Without a manifest title an article is named by its id.
    assert_eq!(articles, ["brampton"]);
    let unknown = run(citecheck_in(cwd.path())
        .arg("--corpus")
        .arg(corpus.path())
        .arg("--index")
        .arg(index.path())
        .args(["report", "--html", "-", "--article", "nowhere"]));
    assert_eq!(unknown.code, 2, "{}", unknown.stderr);
    assert!(unknown.stderr.contains("nowhere"), "{}", unknown.stderr);
}

#[test]
fn article_text_is_escaped_everywhere() {
    let hostile = "Title <script>alert(1)</script>\n\n\
        The <b>bold</b> & \"quoted\" 'town' was founded in 1801 by <img src=x onerror=alert(2)>.[1]\n\n\
        History\n\nIt had 3000 people by 1850 and a </details></summary><script>x()</script> tag.\n\n\
        References\n\n  1. ^ Smith, <i>John</i>. \"A History\" of <Alpha>, 1900.\n";
    let corpus = write_corpus(None, &[("hostile.txt", hostile.as_bytes())]);
    let html = report_stdout(corpus.path(), &[]);
    let doc = Html::parse_document(&html);
    assert_eq!(doc.select(&sel("script")).count(), 0, "no script element");
    assert_eq!(
        doc.select(&sel("img, i")).count(),
        0,
        "no markup from the text"
    );
    assert!(!doc.select(&sel("b")).any(|b| text(b) == "bold"));
    let body = text(doc.select(&sel("body")).next().unwrap());
    assert!(
        body.contains("The <b>bold</b> & \"quoted\" 'town'"),
        "{body}"
    );
    assert!(body.contains("</details></summary><script>x()</script>"));
    assert!(body.contains("\"A History\" of <Alpha>"));
    assert_ids_unique_and_links_land(&doc);
}

/// The case: 20 wikipedia-2019 articles on one page reused `id="ref-N"` (117
/// duplicate ids) so every `[1]` jumped to the first article's reference.
#[test]
fn twenty_wikipedia_articles_have_unique_ids() {
    let Some(articles) = common::shared("corpus/wikipedia-2019/articles") else {
        return;
    };
    let mut files: Vec<_> = std::fs::read_dir(&articles)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let dir = tempfile::tempdir().unwrap();
    for f in files.iter().take(20) {
        std::fs::copy(f, dir.path().join(f.file_name().unwrap())).unwrap();
    }
    let doc = Html::parse_document(&report_stdout(dir.path(), &[]));
    assert_viewport(&doc);
    let ids = assert_ids_unique_and_links_land(&doc);
    assert!(ids > 200, "{ids} ids");
    assert_eq!(doc.select(&sel("article")).count(), 20);
}

/// The library's one-page renderer over `check_articles` is what the command writes.
#[test]
fn the_library_renders_the_page_the_command_writes() {
    use citecheck::check::run::{check_articles, CheckedArticle, IndexRefresh};
    let corpus_dir = repo(VERIFY);
    let corpus = citecheck::Corpus::load(&corpus_dir).unwrap();
    let mut kept = Vec::new();
    let end = check_articles(
        &corpus,
        citecheck::Config::from_corpus(&corpus),
        None,
        IndexRefresh::Skip,
        &citecheck::Silent,
        &mut |a| {
            kept.push((a.article.clone(), a.findings, a.verification, a.statuses));
            Ok(())
        },
    )
    .unwrap();
    let articles: Vec<CheckedArticle> = kept
        .iter()
        .map(
            |(article, findings, verification, statuses)| CheckedArticle {
                article,
                findings: findings.clone(),
                verification: verification.clone(),
                statuses: statuses.clone(),
            },
        )
        .collect();
    let page = citecheck::report::html::render(&articles, &end, &corpus);
    assert_eq!(page, report_stdout(&corpus_dir, &[]));
}

/// Findings made once the whole corpus is checked (a dead link, a work without text)
/// are in the summary's box, linked to the reference entry they are placed at, or
/// naming corpus.lock when nothing cites the work.
#[test]
fn corpus_findings_link_to_where_they_are_placed() {
    let doc = Html::parse_document(&report_stdout(&repo("tests/fixtures/dead-link"), &[]));
    let corpus_box = doc.select(&sel("#corpus-findings")).next().expect("box");
    let items: Vec<ElementRef> = corpus_box.select(&sel("li")).collect();
    let dead: Vec<String> = items
        .iter()
        .map(|li| text(*li))
        .filter(|t| t.contains("dead-link"))
        .collect();
    assert_eq!(dead.len(), 2, "{dead:?}");
    assert!(dead.iter().any(|t| t.contains("corpus.lock:")), "{dead:?}");
    let cited = corpus_box.select(&sel("a[href^='#a1-ref-']")).count();
    assert!(cited >= 1, "a link to the citing reference entry");
    assert_ids_unique_and_links_land(&doc);
}
