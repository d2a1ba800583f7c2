//! HTML: Wikipedia-rendered articles (`sup.reference` markers linking to
//! `#cite_note-…`, `ol.references` entries with `^ a b` back-links, `h2`/`h3` headings
//! with or without `span.mw-headline`) into the article model, and any HTML page into
//! clean text ([`to_text`]) for source documents.
//!
//! html5ever builds the tree (it repairs any tag soup the way browsers do); the tree
//! is walked iteratively, never recursively, so deeply nested hostile input cannot
//! overflow the stack. The tree keeps no source positions, so positions are found by
//! searching the source forward from the last known position: exact for text copied
//! verbatim, approximate (the nearest preceding tag) where entities were decoded.

use std::collections::HashMap;
use std::sync::LazyLock;

use ego_tree::iter::Edge;
use scraper::{ElementRef, Html, Node, Selector};

use crate::model::{ArticleDraft, CleanText, NonClaimKind, Reference, TocEntry};
use crate::position::LineIndex;
use crate::rule::Rule;

/// How far ahead a position search looks: keeps hostile input linear.
const SEARCH_WINDOW: usize = 16 * 1024;

/// Elements whose content is never article or source text.
const DROPPED: &[&str] = &[
    "script", "style", "noscript", "nav", "template", "svg", "iframe", "object", "head", "button",
    "select", "input", "form", "canvas", "math",
];

/// Elements that start a new block of text.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "li",
    "dd",
    "dt",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "section",
    "article",
    "main",
    "ul",
    "ol",
    "dl",
    "table",
    "tr",
    "pre",
    "figure",
    "figcaption",
    "header",
    "footer",
    "aside",
    "address",
    "details",
    "summary",
    "body",
    "center",
    "caption",
    "td",
    "th",
];

/// A CSS selector, parsed once per program run: parsing one per list entry or marker
/// was a sixth of the reading of 50,000 references.
macro_rules! sel {
    ($s:literal) => {{
        static SELECTOR: LazyLock<Selector> =
            LazyLock::new(|| Selector::parse($s).expect("valid selector"));
        &*SELECTOR
    }};
}

fn classes(e: &ElementRef) -> Vec<String> {
    e.value()
        .classes()
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn has_class(e: &ElementRef, c: &str) -> bool {
    e.value().classes().any(|x| x.eq_ignore_ascii_case(c))
}

/// A pre-order walk over a document that can skip the subtree of the node just opened:
/// both walkers below drop navigation, tables, reference lists and the like wholesale.
/// The skipped node's own close edge is swallowed too.
struct Walk<'a> {
    edges: ego_tree::iter::Traverse<'a, Node>,
    skipping: Option<ego_tree::NodeId>,
}

impl<'a> Walk<'a> {
    fn new(root: ElementRef<'a>) -> Self {
        Walk {
            edges: root.traverse(),
            skipping: None,
        }
    }

    fn skip_subtree(&mut self, node: ego_tree::NodeId) {
        self.skipping = Some(node);
    }
}

impl<'a> Iterator for Walk<'a> {
    type Item = Edge<'a, Node>;

    fn next(&mut self) -> Option<Self::Item> {
        for edge in self.edges.by_ref() {
            match (self.skipping, &edge) {
                (Some(id), Edge::Close(node)) if node.id() == id => self.skipping = None,
                (Some(_), _) => {}
                (None, _) => return Some(edge),
            }
        }
        None
    }
}

/// The deepest element nesting handed to the HTML parser. html5ever checks scopes by
/// scanning its stack of open elements, so each tag costs up to the current depth and a
/// megabyte of nested tags took half a minute; real pages nest a few dozen deep.
pub const MAX_HTML_DEPTH: usize = 256;

/// Elements without an end tag, or whose end tag may be left out: they never deepen the
/// nesting the parser keeps for long.
const NOT_NESTING: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody",
    "tfoot", "rt", "rp", "html", "head", "body", "colgroup", "caption",
];

/// Elements whose content is raw text, where `<` starts no tag.
const RAW_TEXT: &[&str] = &["script", "style", "textarea", "title", "xmp", "plaintext"];

/// `html` with the tags of the outermost elements blanked out by spaces of the same
/// length wherever elements nest deeper than `limit`: an element is kept when the
/// elements inside it nest less than `limit` deep, so the innermost structure (the
/// paragraph, its footnote markers) survives and only the wrappers around it go. The
/// parser then does linear work, all text is still read, and every byte offset stays
/// the file's. Borrowed when nothing nests that deep. One forward pass; a close tag is
/// matched only against the few innermost open elements, so mismatched tags cannot
/// make it quadratic either.
pub fn flatten_deep_nesting(html: &str, limit: usize) -> std::borrow::Cow<'_, str> {
    struct Open<'h> {
        name: &'h str,
        tag: std::ops::Range<usize>,
        /// How deep the elements inside it nest so far.
        inner: usize,
    }
    let bytes = html.as_bytes();
    let mut open: Vec<Open<'_>> = Vec::new();
    let mut blank: Vec<std::ops::Range<usize>> = Vec::new();
    // Close the innermost element (at its close tag, if it has one).
    let close = |open: &mut Vec<Open<'_>>,
                 blank: &mut Vec<std::ops::Range<usize>>,
                 close_tag: Option<std::ops::Range<usize>>| {
        let Some(e) = open.pop() else { return };
        let height = e.inner + 1;
        if height > limit {
            blank.push(e.tag);
            blank.extend(close_tag);
        }
        if let Some(parent) = open.last_mut() {
            parent.inner = parent.inner.max(height);
        }
    };
    let mut i = 0;
    while let Some(k) = bytes[i..].iter().position(|&b| b == b'<') {
        let start = i + k;
        let rest = &html[start..];
        if rest.starts_with("<!--") {
            i = rest.find("-->").map_or(html.len(), |e| start + e + 3);
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") {
            i = rest.find('>').map_or(html.len(), |e| start + e + 1);
            continue;
        }
        let closing = rest.as_bytes().get(1) == Some(&b'/');
        let name_start = start + 1 + closing as usize;
        let name_len = bytes[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
            .count();
        if name_len == 0 || !bytes[name_start].is_ascii_alphabetic() {
            i = start + 1;
            continue;
        }
        let name = &html[name_start..name_start + name_len];
        let end = tag_end(bytes, name_start + name_len);
        i = end;
        let is = |list: &[&str]| list.iter().any(|n| n.eq_ignore_ascii_case(name));
        if closing {
            let found = open
                .iter()
                .rev()
                .take(8)
                .position(|e| e.name.eq_ignore_ascii_case(name));
            if let Some(back) = found {
                for _ in 0..back {
                    close(&mut open, &mut blank, None);
                }
                close(&mut open, &mut blank, Some(start..end));
            }
            continue;
        }
        let self_closing = end >= 2 && bytes[end - 2] == b'/';
        if self_closing || is(NOT_NESTING) {
            continue;
        }
        if is(RAW_TEXT) {
            // Skip to the end tag; the element itself nests nothing.
            let close_tag = format!("</{}", name.to_ascii_lowercase());
            i = find_ascii_ci(&html[end..], &close_tag).map_or(html.len(), |e| end + e);
            continue;
        }
        open.push(Open {
            name,
            tag: start..end,
            inner: 0,
        });
    }
    while !open.is_empty() {
        close(&mut open, &mut blank, None);
    }
    if blank.is_empty() {
        return std::borrow::Cow::Borrowed(html);
    }
    let mut out = html.as_bytes().to_vec();
    for r in blank {
        out[r].fill(b' ');
    }
    // Whole tags (ASCII `<` to `>`) became ASCII spaces: still UTF-8.
    std::borrow::Cow::Owned(String::from_utf8(out).unwrap_or_else(|_| html.to_string()))
}

/// The offset just past the `>` that ends a tag whose name ends at `from`, skipping
/// quoted attribute values; the end of the text if it never ends.
fn tag_end(bytes: &[u8], from: usize) -> usize {
    let mut quote = None;
    for (k, &b) in bytes[from..].iter().enumerate() {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'>') => return from + k + 1,
            _ => {}
        }
    }
    bytes.len()
}

/// `haystack.find(needle)` ignoring ASCII case (`needle` is lowercase ASCII).
fn find_ascii_ci(haystack: &str, needle: &str) -> Option<usize> {
    let n = needle.len();
    haystack
        .as_bytes()
        .windows(n)
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Generic HTML → clean text: headings, paragraphs, list items and table rows become
/// blocks separated by blank lines; scripts, styles, navigation, page headers and
/// footers are dropped.
pub fn to_text(html: &str) -> String {
    let doc = Html::parse_document(&flatten_deep_nesting(html, MAX_HTML_DEPTH));
    let mut blocks: Vec<String> = Vec::new();
    let mut current = String::new();
    let end_block = |current: &mut String, blocks: &mut Vec<String>| {
        let t = collapse(current);
        if !t.is_empty() {
            blocks.push(t);
        }
        current.clear();
    };
    let mut walk = Walk::new(doc.root_element());
    while let Some(edge) = walk.next() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Text(t) => current.push_str(t),
                Node::Element(e) => {
                    let name = e.name();
                    let role = e.attr("role").unwrap_or("");
                    let hidden =
                        e.attr("hidden").is_some() || e.attr("aria-hidden") == Some("true");
                    if DROPPED.contains(&name)
                        || matches!(name, "header" | "footer" | "aside")
                        || matches!(role, "navigation" | "banner" | "contentinfo")
                        || hidden
                    {
                        walk.skip_subtree(node.id());
                    } else if name == "br" {
                        current.push('\n');
                    } else if BLOCKS.contains(&name) {
                        end_block(&mut current, &mut blocks);
                    } else if matches!(name, "td" | "th") {
                        current.push(' ');
                    }
                }
                _ => {}
            },
            Edge::Close(node) => {
                if let Node::Element(e) = node.value() {
                    if BLOCKS.contains(&e.name()) {
                        end_block(&mut current, &mut blocks);
                    } else if matches!(e.name(), "td" | "th") {
                        current.push(' ');
                    }
                }
            }
        }
    }
    end_block(&mut current, &mut blocks);
    blocks.join("\n\n")
}

/// Finds file positions for tree content by searching forward in the source.
struct Cursor<'a> {
    src: &'a str,
    pos: usize,
}

impl Cursor<'_> {
    fn find(&mut self, needle: &str) -> Option<usize> {
        if needle.is_empty() {
            return None;
        }
        let mut end = (self.pos + SEARCH_WINDOW).min(self.src.len());
        while !self.src.is_char_boundary(end) {
            end -= 1;
        }
        let hay = self.src.get(self.pos..end)?;
        let k = hay.find(needle)?;
        let at = self.pos + k;
        self.pos = at + needle.len();
        Some(at)
    }

    /// Move to the next `<name` tag; its offset, or the current position.
    fn tag(&mut self, name: &str) -> usize {
        let at = self.pos;
        self.find(&format!("<{name}")).unwrap_or(at)
    }
}

/// Where a marker points: the entry's number in its list, the list's group and which
/// `<ol class="references">` of the page it is (each list is numbered from 1, so the
/// number alone says nothing).
#[derive(Clone)]
struct RefTarget {
    label: String,
    group: Option<String>,
    list: usize,
}

/// A list index no entry has: a marker whose `#cite_note-…` anchor names no entry
/// resolves to nothing rather than to whatever entry shows the same number.
const NO_LIST: usize = usize::MAX;

/// The reference lists of a page and their entries by `id`.
struct Targets {
    by_id: HashMap<String, RefTarget>,
    /// Each `ol.references` (by tree node) → its index in page order and its group.
    lists: HashMap<ego_tree::NodeId, (usize, Option<String>)>,
}

impl Targets {
    /// Where the marker `sup` points: the entry its `#cite_note-…` anchor names. A
    /// marker with no anchor falls back to the label it shows, in the first list of its
    /// group; one whose anchor names no entry resolves to nothing.
    fn of_marker(&self, sup: &ElementRef) -> RefTarget {
        let href = sup
            .select(sel!("a"))
            .next()
            .and_then(|a| a.attr("href"))
            .and_then(|h| h.split_once('#').map(|x| x.1))
            .filter(|id| !id.is_empty());
        if let Some(id) = href {
            if let Some(t) = self.by_id.get(id) {
                return t.clone();
            }
        }
        // No such entry: the label the reader sees, so `check` can name it.
        let (label, group) = split_label(&collapse(&sup.text().collect::<String>()));
        let list = match href {
            Some(_) => NO_LIST,
            None => self
                .lists
                .values()
                .filter(|(_, g)| *g == group)
                .map(|(k, _)| *k)
                .min()
                .unwrap_or(0),
        };
        RefTarget { label, group, list }
    }
}

pub fn read(text: &str, lines: &LineIndex) -> ArticleDraft {
    // Same length and offsets as `text`: positions found in it are the file's.
    let flat = flatten_deep_nesting(text, MAX_HTML_DEPTH);
    let doc = Html::parse_document(&flat);
    let mut draft = ArticleDraft::new();
    let mut cursor = Cursor { src: &flat, pos: 0 };

    let title = doc
        .select(sel!("h1#firstHeading, h1.firstHeading"))
        .next()
        .map(|h| collapse(&h.text().collect::<String>()))
        .or_else(|| {
            doc.select(sel!("title")).next().map(|t| {
                let t = collapse(&t.text().collect::<String>());
                t.split(" - Wikipedia").next().unwrap_or(&t).to_string()
            })
        })
        .filter(|t| !t.is_empty());
    draft.title = title;

    let targets = reference_targets(&doc);
    let root = doc
        .select(sel!("div.mw-parser-output"))
        .next()
        .or_else(|| doc.select(sel!("#mw-content-text")).next())
        .or_else(|| doc.select(sel!("body")).next())
        .unwrap_or_else(|| doc.root_element());

    let mut clean = CleanText::new();
    let mut block_start: Option<usize> = None;
    let mut heading: Option<(u8, usize)> = None;
    let mut seen_ids: HashMap<String, usize> = HashMap::new();

    let flush = |draft: &mut ArticleDraft,
                 clean: &mut CleanText,
                 block_start: &mut Option<usize>,
                 heading: &mut Option<(u8, usize)>| {
        let c = std::mem::take(clean);
        let start = block_start.take().unwrap_or(0);
        if let Some((level, at)) = heading.take() {
            let h = collapse(&c.text);
            if !h.is_empty() {
                draft.section(&h, level, lines.locate(text, at), false);
            }
            return;
        }
        draft.paragraph(c, lines.locate(text, start).line);
    };

    let mut walk = Walk::new(root);
    while let Some(edge) = walk.next() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Text(t) => {
                    let t: &str = t;
                    if t.is_empty() {
                        continue;
                    }
                    let at = text_position(&mut cursor, t);
                    block_start.get_or_insert(at.0);
                    if at.1 {
                        clean.push_source(t, at.0);
                    } else {
                        clean.push_synthetic(t, at.0);
                    }
                }
                Node::Element(e) => {
                    let Some(el) = ElementRef::wrap(node) else {
                        continue;
                    };
                    let name = e.name();
                    let offset = cursor.tag(name);
                    let cls = classes(&el);
                    let is = |c: &str| cls.iter().any(|x| x == c);
                    if DROPPED.contains(&name)
                        || is("mw-editsection")
                        || is("navbox")
                        || is("mw-jump-link")
                        || is("mw-cite-backlink")
                        || e.attr("role") == Some("navigation")
                    {
                        walk.skip_subtree(node.id());
                    } else if name == "sup" && is("reference") {
                        let target = targets.of_marker(&el);
                        let len = cursor
                            .find("</sup>")
                            .map_or(0, |c| c + "</sup>".len() - offset);
                        block_start.get_or_insert(offset);
                        clean.marker(&target.label, target.group, offset, len);
                        if let Some(m) = clean.last_marker() {
                            m.list = target.list;
                        }
                        walk.skip_subtree(node.id());
                    } else if is_citation_needed(&el) {
                        clean.citation_needed();
                        walk.skip_subtree(node.id());
                    } else if name == "ol" && is("references") {
                        flush(&mut draft, &mut clean, &mut block_start, &mut heading);
                        reference_list(
                            &el,
                            &targets,
                            &mut draft,
                            (lines, text, offset),
                            &mut seen_ids,
                        );
                        if let Some(s) = draft.current_section() {
                            draft.sections[s].blocks += 1;
                        }
                        walk.skip_subtree(node.id());
                    } else if e.id() == Some("toc") || is("toc") {
                        flush(&mut draft, &mut clean, &mut block_start, &mut heading);
                        toc(&el, &mut draft, lines.locate(text, offset).line);
                        walk.skip_subtree(node.id());
                    } else if name == "table" || name == "figure" || is("thumb") || is("gallery") {
                        flush(&mut draft, &mut clean, &mut block_start, &mut heading);
                        let kind = if name == "table" {
                            NonClaimKind::Table
                        } else {
                            NonClaimKind::Caption
                        };
                        non_claim_block(&el, kind, &targets, &mut draft, offset, lines, text);
                        walk.skip_subtree(node.id());
                    } else if name == "pre" {
                        flush(&mut draft, &mut clean, &mut block_start, &mut heading);
                        let code = el.text().collect::<String>();
                        let line = lines.locate(text, offset).line;
                        draft.non_claim(NonClaimKind::Code, code.trim(), line);
                        walk.skip_subtree(node.id());
                    } else if let Some(level) = heading_level(name) {
                        flush(&mut draft, &mut clean, &mut block_start, &mut heading);
                        if level == 1 {
                            walk.skip_subtree(node.id());
                        } else {
                            heading = Some((level, offset));
                        }
                    } else if name == "br" {
                        clean.push_synthetic(" ", offset);
                    } else if BLOCKS.contains(&name) {
                        flush(&mut draft, &mut clean, &mut block_start, &mut heading);
                    }
                }
                _ => {}
            },
            Edge::Close(node) => {
                if let Node::Element(e) = node.value() {
                    if BLOCKS.contains(&e.name()) || heading_level(e.name()).is_some() {
                        flush(&mut draft, &mut clean, &mut block_start, &mut heading);
                    }
                }
            }
        }
    }
    flush(&mut draft, &mut clean, &mut block_start, &mut heading);
    draft
}

fn heading_level(name: &str) -> Option<u8> {
    match name.as_bytes() {
        [b'h', d @ b'1'..=b'6'] => Some(d - b'0'),
        _ => None,
    }
}

/// Position of a text node: (offset, whether the source holds it verbatim).
fn text_position(cursor: &mut Cursor, t: &str) -> (usize, bool) {
    let here = cursor.pos;
    let trimmed = t.trim_start();
    let lead = t.len() - trimmed.len();
    // The longest prefix that can appear verbatim (no characters entities encode).
    let cut = trimmed
        .char_indices()
        .find(|&(i, c)| i >= 32 || matches!(c, '&' | '<' | '>' | '"' | '\'' | '\u{a0}'))
        .map_or(trimmed.len(), |(i, _)| i);
    let needle = trimmed.get(..cut).unwrap_or("");
    if needle.trim().is_empty() {
        return (here, false);
    }
    match cursor.find(needle) {
        Some(at) => {
            let start = at.saturating_sub(lead);
            let verbatim = cursor.src.get(start..start + t.len()) == Some(t);
            if verbatim {
                cursor.pos = start + t.len();
            }
            (if verbatim { start } else { at }, verbatim)
        }
        None => (here, false),
    }
}

fn is_citation_needed(el: &ElementRef) -> bool {
    if el.value().name() != "sup" {
        return false;
    }
    if has_class(el, "Template-Fact") {
        return true;
    }
    let t = collapse(&el.text().collect::<String>()).to_lowercase();
    t == "[citation needed]" || t == "[cn]"
}

/// `#cite_note-…` ids of reference-list entries → their label, group and list.
/// Wikipedia numbers entries per list; the group is what the markers pointing into a
/// list show before the number (`[note 1]`).
fn reference_targets(doc: &Html) -> Targets {
    let mut shown: HashMap<String, String> = HashMap::new();
    for sup in doc.select(sel!("sup.reference")) {
        if let Some(id) = sup
            .select(sel!("a"))
            .next()
            .and_then(|a| a.attr("href"))
            .and_then(|h| h.split_once('#').map(|x| x.1))
        {
            let t = collapse(&sup.text().collect::<String>());
            shown.entry(id.to_string()).or_insert(t);
        }
    }
    let mut targets = Targets {
        by_id: HashMap::new(),
        lists: HashMap::new(),
    };
    for (list, ol) in doc.select(sel!("ol.references")).enumerate() {
        let items: Vec<ElementRef> = ol
            .child_elements()
            .filter(|c| c.value().name() == "li")
            .collect();
        let group = items
            .iter()
            .filter_map(|li| li.value().id())
            .find_map(|id| shown.get(id))
            .and_then(|t| split_label(t).1);
        targets.lists.insert(ol.id(), (list, group.clone()));
        for (k, li) in items.iter().enumerate() {
            let Some(id) = li.value().id() else { continue };
            targets.by_id.entry(id.to_string()).or_insert(RefTarget {
                label: entry_number(li, k),
                group: group.clone(),
                list,
            });
        }
    }
    targets
}

/// The number a list shows for its `k`-th entry (`<li value=…>` overrides the count).
fn entry_number(li: &ElementRef, k: usize) -> String {
    li.attr("value")
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(k + 1)
        .to_string()
}

/// `[note 3]` → ("3", Some("note")); `[12]` → ("12", None).
fn split_label(shown: &str) -> (String, Option<String>) {
    let t = shown
        .trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim();
    match t.rsplit_once(char::is_whitespace) {
        Some((g, n)) => (
            n.to_string(),
            Some(g.trim().to_string()).filter(|g| !g.is_empty()),
        ),
        None => (t.to_string(), None),
    }
}

fn reference_list(
    list: &ElementRef,
    targets: &Targets,
    draft: &mut ArticleDraft,
    (lines, text, start): (&LineIndex, &str, usize),
    seen_ids: &mut HashMap<String, usize>,
) {
    let mut cursor = Cursor {
        src: text,
        pos: start,
    };
    let (list_index, list_group) = targets.lists.get(&list.id()).cloned().unwrap_or_default();
    for (k, li) in list
        .child_elements()
        .filter(|c| c.value().name() == "li")
        .enumerate()
    {
        let id = li.value().id().unwrap_or("").to_string();
        let target = targets.by_id.get(&id).cloned().unwrap_or(RefTarget {
            label: entry_number(&li, k),
            group: list_group.clone(),
            list: list_index,
        });
        let offset = if id.is_empty() {
            None
        } else {
            cursor.find(&format!("id=\"{id}\""))
        }
        .map(|at| tag_before(text, at, "<li"))
        .unwrap_or(0);
        let at = lines.locate(text, offset);
        if !id.is_empty() {
            if let Some(first) = seen_ids.insert(id.clone(), at.line) {
                draft.problem(
                    Rule::DuplicateReference,
                    format!("reference entry id \"{id}\" also appears on line {first}"),
                    at,
                    Some(target.label.clone()),
                );
                continue;
            }
        }
        let backlinks = li
            .select(sel!("a"))
            .filter(|a| is_backlink(a) && !inside(a, li, |e| has_class(e, "reference-text")))
            .count();
        // A note's text may cite a reference (`{{efn}}` notes that cite a source): those
        // markers cite as any marker outside claim text does.
        for sup in li.select(sel!("sup.reference")) {
            let cited = targets.of_marker(&sup);
            let at = marker_offset(&mut cursor, &sup);
            draft.loose_marker(&cited.label, cited.group, at, 0);
            if let Some(m) = draft.last_loose_marker() {
                m.list = cited.list;
            }
        }
        let body_root = li.select(sel!(".reference-text")).next().unwrap_or(li);
        let body = entry_text(body_root);
        let mut fields = crate::citation::fields_from_text(&body);
        if let Some(url) = li
            .select(sel!("a.external, a[rel~=\"nofollow\"]"))
            .find_map(|a| a.attr("href"))
        {
            fields.url = Some(url.to_string());
        }
        if fields.title.is_none() {
            fields.title = li
                .select(sel!("cite i, i"))
                .next()
                .map(|i| collapse(&i.text().collect::<String>()))
                .filter(|t| !t.is_empty());
        }
        draft.references.push(Reference {
            group: target.group,
            list: target.list,
            declared_uses: (backlinks > 0).then_some(backlinks),
            fields,
            ..Reference::new(target.label, body, at)
        });
    }
}

/// A back-link from a list entry to a marker (`^`, `a`, `b`): Wikipedia's
/// `mw-cite-backlink`, or any link to a `#cite_ref-…` anchor.
fn is_backlink(a: &ElementRef) -> bool {
    a.attr("href").is_some_and(|h| h.contains("#cite_ref"))
}

/// Whether `el` has an ancestor matching `pred` below `root`.
fn inside(el: &ElementRef, root: ElementRef, pred: impl Fn(&ElementRef) -> bool) -> bool {
    el.ancestors()
        .take_while(|n| n.id() != root.id())
        .filter_map(ElementRef::wrap)
        .any(|e| pred(&e))
}

/// An entry's text without its back-links (`^ a b`) and without the markers of
/// references it cites.
fn entry_text(root: ElementRef) -> String {
    let mut out = String::new();
    let mut walk = Walk::new(root);
    while let Some(edge) = walk.next() {
        let Edge::Open(node) = edge else { continue };
        match node.value() {
            Node::Text(t) => out.push_str(t),
            Node::Element(e) => {
                let Some(el) = ElementRef::wrap(node) else {
                    continue;
                };
                let marker = e.name() == "sup" && has_class(&el, "reference");
                if marker
                    || has_class(&el, "mw-cite-backlink")
                    || (e.name() == "a" && is_backlink(&el))
                    || DROPPED.contains(&e.name())
                {
                    walk.skip_subtree(node.id());
                } else if e.name() == "br" {
                    out.push(' ');
                }
            }
            _ => {}
        }
    }
    collapse(&out)
}

/// Offset of the tag `open` (`"<li"`) that holds the attribute found at `at`: a short
/// look back, never a rescan.
fn tag_before(text: &str, at: usize, open: &str) -> usize {
    let mut from = at.saturating_sub(512);
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    text.get(from..at)
        .and_then(|s| s.rfind(open))
        .map_or(at, |k| from + k)
}

/// Where the marker `sup` sits: found by the anchor it links to, else the next `<sup`.
fn marker_offset(cursor: &mut Cursor, sup: &ElementRef) -> usize {
    let href = sup.select(sel!("a")).next().and_then(|a| a.attr("href"));
    let at = cursor.pos;
    match href.and_then(|h| cursor.find(&format!("href=\"{h}\""))) {
        Some(found) => tag_before(cursor.src, found, "<sup"),
        None => {
            cursor.pos = at;
            cursor.tag("sup")
        }
    }
}

fn toc(el: &ElementRef, draft: &mut ArticleDraft, line: usize) {
    for li in el.select(sel!("li")) {
        let number = li
            .select(sel!(".tocnumber"))
            .next()
            .map(|n| collapse(&n.text().collect::<String>()));
        let title = li
            .select(sel!(".toctext"))
            .next()
            .map(|n| collapse(&n.text().collect::<String>()));
        if let Some(title) = title.filter(|t| !t.is_empty()) {
            draft.toc.push(TocEntry {
                title,
                number,
                line,
                section: None,
            });
        }
    }
    let text = collapse(&el.text().collect::<String>());
    draft.non_claim(NonClaimKind::TableOfContents, &text, line);
}

fn non_claim_block(
    el: &ElementRef,
    kind: NonClaimKind,
    targets: &Targets,
    draft: &mut ArticleDraft,
    offset: usize,
    lines: &LineIndex,
    text: &str,
) {
    let mut cursor = Cursor {
        src: text,
        pos: offset,
    };
    for sup in el.select(sel!("sup.reference")) {
        let target = targets.of_marker(&sup);
        let at = marker_offset(&mut cursor, &sup);
        draft.loose_marker(&target.label, target.group, at, 0);
        if let Some(m) = draft.last_loose_marker() {
            m.list = target.list;
        }
    }
    let body = to_text(&el.html());
    let line = lines.locate(text, offset).line;
    if !body.trim().is_empty() {
        draft.non_claim(kind, &collapse(&body), line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marker_labels_and_groups() {
        assert_eq!(split_label("[12]"), ("12".to_string(), None));
        assert_eq!(
            split_label("[note 3]"),
            ("3".to_string(), Some("note".to_string()))
        );
    }

    #[test]
    fn headings_have_levels() {
        assert_eq!(heading_level("h3"), Some(3));
        assert_eq!(heading_level("hr"), None);
    }
}
