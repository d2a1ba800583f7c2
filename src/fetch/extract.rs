//! Text from fetched bytes, by content type: HTML → its main text, plain text as is,
//! PDF → the text of its pages. Run at read time, not fetch time, so a better extractor
//! improves texts fetched long ago; `fetch` runs it once too, to refuse what cannot be read.

use std::path::Path;

use ego_tree::NodeRef;
use scraper::{Html, Node};

use crate::error::{Error, Result};

/// What a fetched document is, from its content type (then its first bytes when the
/// server sends none or a generic one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    /// A web page: its main text is read.
    Html,
    /// Plain text (or another `text/*` type), read as it is.
    Text,
    /// A PDF: the text of its pages is read.
    Pdf,
}

impl DocKind {
    /// The file extension a fetched document of this kind is saved with. A closed set:
    /// the server's content type picks one of these, never any part of a path.
    pub fn extension(self) -> &'static str {
        match self {
            DocKind::Html => "html",
            DocKind::Text => "txt",
            DocKind::Pdf => "pdf",
        }
    }
}

/// The media type without parameters, lower-cased (`text/html; charset=utf-8` → `text/html`).
fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// The kind of a document; `None` for anything citecheck cannot read (images, archives).
pub fn kind(content_type: Option<&str>, bytes: &[u8]) -> Option<DocKind> {
    let media = content_type.map(media_type).unwrap_or_default();
    match media.as_str() {
        "text/html" | "application/xhtml+xml" => return Some(DocKind::Html),
        "application/pdf" | "application/x-pdf" => return Some(DocKind::Pdf),
        "text/plain" | "text/markdown" => return Some(DocKind::Text),
        "" | "application/octet-stream" | "binary/octet-stream" => {}
        m if m.starts_with("text/") => return Some(DocKind::Text),
        _ => return None,
    }
    if bytes.starts_with(b"%PDF-") {
        return Some(DocKind::Pdf);
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_ascii_lowercase();
    let head = head.trim_start();
    if head.starts_with("<!doctype html") || head.starts_with("<html") {
        return Some(DocKind::Html);
    }
    (!bytes.contains(&0)).then_some(DocKind::Text)
}

/// The text of a fetched document (`path` is only for error messages).
pub fn text(path: &Path, bytes: &[u8], content_type: Option<&str>) -> Result<String> {
    match kind(content_type, bytes) {
        Some(DocKind::Html) => Ok(main_text(&decode(bytes, content_type))),
        Some(DocKind::Text) => Ok(decode(bytes, content_type)),
        Some(DocKind::Pdf) => pdf_text(path, bytes),
        None => Err(Error::input(
            path,
            format!(
                "cannot read a {} document: citecheck reads HTML, plain text and PDF",
                content_type.map(media_type).unwrap_or_default()
            ),
        )),
    }
}

/// Bytes as text: UTF-8 unless the content type names a Latin charset or the bytes are
/// not UTF-8 (older sites serve Windows-1252 without saying so).
pub fn decode(bytes: &[u8], content_type: Option<&str>) -> String {
    let charset = content_type
        .and_then(|c| {
            c.split(';')
                .filter_map(|p| p.trim().split_once('='))
                .find(|(k, _)| k.trim().eq_ignore_ascii_case("charset"))
                .map(|(_, v)| v.trim().trim_matches('"').to_ascii_lowercase())
        })
        .unwrap_or_default();
    let latin = matches!(
        charset.as_str(),
        "iso-8859-1" | "latin1" | "latin-1" | "windows-1252" | "cp1252" | "us-ascii"
    );
    let mut text = match std::str::from_utf8(bytes) {
        Ok(s) if !latin || s.is_ascii() => s.to_string(),
        _ => bytes.iter().map(|&b| windows_1252(b)).collect(),
    };
    if text.starts_with('\u{feff}') {
        text.replace_range(..3, "");
    }
    text
}

/// One Windows-1252 byte (a superset of Latin-1 that browsers use for both).
fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9f => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

/// Class and id words that mark site chrome on pages without semantic markup: menus,
/// sidebars, breadcrumbs, footers, share and cookie boxes.
const CHROME_WORDS: &[&str] = &[
    "nav",
    "navbar",
    "navigation",
    "menu",
    "sidebar",
    "side-bar",
    "breadcrumb",
    "breadcrumbs",
    "footer",
    "header",
    "masthead",
    "banner",
    "toolbar",
    "cookie",
    "cookies",
    "share",
    "social",
    "skip",
    "site-header",
    "site-footer",
    "comments",
    "related",
    "advert",
    "ads",
];

/// Whether an element is site chrome by its name, role or class/id words. Whole words
/// only (`has-sidebar` on a body is not a sidebar), and never the page or its main
/// element. Forms stay: ASP.NET sites wrap the whole page in one.
fn is_chrome(e: &scraper::node::Element) -> bool {
    match e.name() {
        "html" | "body" | "main" | "article" => return false,
        "nav" | "header" | "footer" | "aside" => return true,
        _ => {}
    }
    if matches!(
        e.attr("role").unwrap_or(""),
        "navigation" | "banner" | "contentinfo" | "complementary" | "search"
    ) {
        return true;
    }
    let words = e
        .attr("class")
        .into_iter()
        .chain(e.attr("id"))
        .flat_map(|v| v.split(|c: char| c.is_whitespace() || c == '_'));
    words
        .map(|w| w.to_ascii_lowercase())
        .any(|w| CHROME_WORDS.contains(&w.as_str()))
}

/// The main text of a web page: the `<main>` or `<article>` element when there is one
/// (else the body) without its chrome, as the HTML reader's [`crate::readers::html::to_text`]
/// renders it (headings and paragraphs as blocks, scripts and styles dropped). The page
/// is cut down here and handed to `to_text`, so saved and fetched pages read alike.
pub fn main_text(html: &str) -> String {
    let doc = Html::parse_document(html);
    let root = *doc.root_element();
    let main = find(root, &|e| {
        e.name() == "main" || e.attr("role") == Some("main")
    })
    .or_else(|| find(root, &|e| e.name() == "article"))
    .unwrap_or(root);
    let mut out = String::with_capacity(html.len() / 2);
    serialise(main, &mut out);
    crate::readers::html::to_text(&out)
}

fn find<'a>(
    node: NodeRef<'a, Node>,
    want: &dyn Fn(&scraper::node::Element) -> bool,
) -> Option<NodeRef<'a, Node>> {
    node.descendants()
        .find(|n| n.value().as_element().is_some_and(want))
}

/// The subtree as HTML without chrome subtrees, comments or attributes (the `hidden`
/// ones are dropped here, since `to_text` would otherwise need them).
fn serialise(node: NodeRef<'_, Node>, out: &mut String) {
    // An explicit stack, not recursion: hostile pages nest thousands deep.
    enum Step<'a> {
        Open(NodeRef<'a, Node>),
        Close(&'a str),
    }
    let mut stack = vec![Step::Open(node)];
    while let Some(step) = stack.pop() {
        match step {
            Step::Close(name) => {
                out.push_str("</");
                out.push_str(name);
                out.push('>');
            }
            Step::Open(n) => match n.value() {
                Node::Text(t) => escape(t, out),
                Node::Element(e) => {
                    let hidden =
                        e.attr("hidden").is_some() || e.attr("aria-hidden") == Some("true");
                    if hidden || is_chrome(e) {
                        continue;
                    }
                    out.push('<');
                    out.push_str(e.name());
                    out.push('>');
                    if !is_void(e.name()) {
                        stack.push(Step::Close(e.name()));
                        let children: Vec<_> = n.children().collect();
                        stack.extend(children.into_iter().rev().map(Step::Open));
                    }
                }
                _ => {
                    let children: Vec<_> = n.children().collect();
                    stack.extend(children.into_iter().rev().map(Step::Open));
                }
            },
        }
    }
}

fn is_void(name: &str) -> bool {
    matches!(
        name,
        "br" | "hr"
            | "img"
            | "input"
            | "meta"
            | "link"
            | "area"
            | "base"
            | "col"
            | "embed"
            | "source"
            | "track"
            | "wbr"
    )
}

fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
}

/// The text of every page of a PDF, pages separated by blank lines.
pub fn pdf_text(path: &Path, bytes: &[u8]) -> Result<String> {
    let doc = lopdf::Document::load_mem(bytes)
        .map_err(|e| Error::input(path, format!("not a readable PDF: {e}")))?;
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    let mut text = String::new();
    for page in pages {
        let page_text = doc.extract_text(&[page]).map_err(|e| {
            Error::input(
                path,
                format!("cannot read the text of PDF page {page}: {e}"),
            )
        })?;
        let page_text = page_text.trim();
        if page_text.is_empty() {
            continue;
        }
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(page_text);
    }
    if text.trim().is_empty() {
        return Err(Error::input(
            path,
            "the PDF has no text layer (a scan?): there is nothing to verify against",
        ));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_come_from_the_content_type_then_the_bytes() {
        assert_eq!(
            kind(Some("text/html; charset=utf-8"), b"x"),
            Some(DocKind::Html)
        );
        assert_eq!(kind(Some("application/pdf"), b""), Some(DocKind::Pdf));
        assert_eq!(kind(None, b"%PDF-1.5 ..."), Some(DocKind::Pdf));
        assert_eq!(
            kind(Some("application/octet-stream"), b"<!DOCTYPE html><p>x"),
            Some(DocKind::Html)
        );
        assert_eq!(kind(Some("text/csv"), b"a,b"), Some(DocKind::Text));
        assert_eq!(kind(Some("image/png"), b"\x89PNG"), None);
        assert_eq!(kind(None, b"\x00\x01"), None);
    }

    #[test]
    fn latin_pages_decode_to_the_right_characters() {
        assert_eq!(decode(b"caf\xe9 \x93x\x94", None), "café “x”");
        assert_eq!(
            decode("café".as_bytes(), Some("text/plain; charset=utf-8")),
            "café"
        );
    }

    #[test]
    fn main_text_drops_chrome_in_divs_as_well_as_semantic_elements() {
        let page = r#"<html><body>
            <div id="header"><a href="/">Home</a> <a href="/about">About</a></div>
            <div class="sidebar"><p>Related documents</p></div>
            <h1>The Pact</h1>
            <p>Both parties undertake
            to maintain peaceful relations.</p>
            <p hidden>secret</p>
            <div class="site-footer">Copyright Library</div>
            <script>var x = 1;</script>
            </body></html>"#;
        let text = main_text(page);
        assert!(text.contains("The Pact"), "{text}");
        assert!(
            text.contains("Both parties undertake to maintain peaceful relations."),
            "{text}"
        );
        for chrome in ["Home", "About", "Related", "Copyright", "secret", "var x"] {
            assert!(!text.contains(chrome), "{chrome} in {text}");
        }
    }

    #[test]
    fn a_main_element_is_the_text_when_there_is_one() {
        let page = "<body><div>Menu text</div><main><p>Only this.</p></main></body>";
        assert_eq!(main_text(page), "Only this.");
    }

    #[test]
    fn bad_pdfs_are_errors_naming_the_file() {
        let e = pdf_text(Path::new("sources/x.pdf"), b"%PDF-1.4 garbage").unwrap_err();
        assert!(e.to_string().starts_with("sources/x.pdf"), "{e}");
    }
}
