//! Scanning: every construct of the page is matched once up front — `{{ }}` and
//! `[[ ]]` by a stack each, comments and `<nowiki>` by position, `<ref` openers and
//! `</ref` closers as sorted offsets — so the block and inline passes only look
//! things up. Also tags, attributes, template parameters and character references.
//! All slicing happens at ASCII delimiters, so it is always on a char boundary.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::position::{LineIndex, Location};

/// An HTML-like tag. A quoted attribute value may hold `<` and `>` (`name="a>b"`), as
/// in MediaWiki: a quote opens a value only right after `=`.
pub(super) static TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^<(/?)([A-Za-z][A-Za-z0-9]*)\b((?:=\s*"[^"]*"|=\s*'[^']*'|[^<>])*?)(/?)>"#)
        .unwrap()
});
static ATTR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"([A-Za-z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'/>]+))"#).unwrap()
});
/// A character reference at the start of the text: decimal, hexadecimal or named
/// (HTML5 names run to 31 characters and may hold digits: `&frac12;`). Only with the
/// `;`, as MediaWiki's sanitizer reads them.
pub(super) static CHAR_REF: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!("^{CHAR_REF_PATTERN}")).unwrap());
/// Character references anywhere in the text.
static CHAR_REFS: LazyLock<Regex> = LazyLock::new(|| Regex::new(CHAR_REF_PATTERN).unwrap());
const CHAR_REF_PATTERN: &str = r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});";

/// The page and what was matched in it.
pub(super) struct Scan<'a> {
    pub src: &'a str,
    lower: String,
    lines: &'a LineIndex,
    /// `{{` offset → offset after its `}}`.
    pub braces: HashMap<usize, usize>,
    /// `[[` offset → offset after its `]]`.
    pub brackets: HashMap<usize, usize>,
    /// `<!--` offset → offset after `-->` (or end of text).
    pub comments: HashMap<usize, usize>,
    /// Offsets of `</ref`, ascending.
    ref_closes: Vec<usize>,
    /// Offsets of `<ref` openers (not `<references`), ascending.
    ref_opens: Vec<usize>,
    /// Offsets of blank lines (paragraph breaks), ascending.
    blank_lines: Vec<usize>,
    /// Closing tag → (searched from, first found at or after that). A cache only:
    /// answers are the same without it.
    close_cache: RefCell<HashMap<String, (usize, Option<usize>)>>,
}

/// Where a `<ref …>` opener and its content are.
pub(super) struct RefExtent<'a> {
    /// Offset after the opening tag.
    pub tag_end: usize,
    /// The opening tag's attribute text.
    pub attrs: &'a str,
    /// The content between the tags, when there is a `</ref>` for it.
    pub content: Option<(usize, usize)>,
    /// Offset after `</ref>` (the tag end for `<ref/>`); `usize::MAX` when unclosed.
    pub end: usize,
}

/// A template parameter: its name (`None` for a positional one) and value range.
pub(super) type Param = (Option<String>, usize, usize);

impl<'a> Scan<'a> {
    pub fn new(src: &'a str, lines: &'a LineIndex) -> Self {
        let lower = src.to_ascii_lowercase();
        let mut blank_lines = Vec::new();
        let mut offset = 0;
        for line in src.split_inclusive('\n') {
            if offset > 0 && line.trim().is_empty() {
                blank_lines.push(offset);
            }
            offset += line.len();
        }
        let (braces, brackets, comments) = match_pairs(src, &lower, &blank_lines);
        let ref_closes = lower.match_indices("</ref").map(|(i, _)| i).collect();
        let ref_opens = lower
            .match_indices("<ref")
            .map(|(i, _)| i)
            .filter(|&i| {
                lower
                    .as_bytes()
                    .get(i + 4)
                    .is_some_and(|b| matches!(b, b' ' | b'>' | b'/' | b'\t' | b'\n'))
            })
            .collect();
        Scan {
            src,
            lower,
            blank_lines,
            lines,
            braces,
            brackets,
            comments,
            ref_closes,
            ref_opens,
            close_cache: RefCell::new(HashMap::new()),
        }
    }

    pub fn len(&self) -> usize {
        self.src.len()
    }

    pub fn at(&self, offset: usize) -> Location {
        self.lines.locate(self.src, offset)
    }

    pub fn slice(&self, s: usize, e: usize) -> &'a str {
        self.src.get(s..e).unwrap_or("")
    }

    pub fn is_ref_open(&self, offset: usize) -> bool {
        self.ref_opens.binary_search(&offset).is_ok()
    }

    /// The next `needle` (a lower-case closing tag) at or after `from`. Remembers
    /// the last answer per needle, so that many unclosed tags of one kind cost one
    /// scan of the text, not one each.
    pub fn next_close(&self, needle: &str, from: usize) -> Option<usize> {
        let mut cache = self.close_cache.borrow_mut();
        if let Some(&(searched, found)) = cache.get(needle) {
            if searched <= from && found.is_none_or(|f| f >= from) {
                return found;
            }
        }
        let found = self
            .lower
            .get(from..)
            .and_then(|s| s.find(needle))
            .map(|k| from + k);
        cache.insert(needle.to_string(), (from, found));
        found
    }

    /// End of the line starting at `pos`, not counting newlines inside templates,
    /// links, comments and refs (a `<ref>` may span lines inside a paragraph).
    pub fn logical_line_end(&self, pos: usize) -> usize {
        let bytes = self.src.as_bytes();
        let mut j = pos;
        while j < bytes.len() {
            if let Some(next) = self.construct_end(j) {
                j = next;
                continue;
            }
            if bytes[j] == b'\n' {
                return j;
            }
            j += 1;
        }
        bytes.len()
    }

    /// Where a multi-line construct starting at `j` ends, if one starts there.
    pub fn construct_end(&self, j: usize) -> Option<usize> {
        let b = self.src.as_bytes();
        match b.get(j)? {
            b'{' => self.braces.get(&j).copied(),
            b'[' => self.brackets.get(&j).copied(),
            b'<' => self.comments.get(&j).copied().or_else(|| {
                let r = self.ref_extent(j)?;
                r.content.map(|_| r.end)
            }),
            _ => None,
        }
        .filter(|&e| e > j)
    }

    /// The `<ref …>` opening at `j`, if one does.
    pub fn ref_extent(&self, j: usize) -> Option<RefExtent<'a>> {
        if !self.is_ref_open(j) {
            return None;
        }
        let caps = TAG.captures(self.src.get(j..)?)?;
        if !caps[2].eq_ignore_ascii_case("ref") || !caps[1].is_empty() {
            return None;
        }
        let tag_end = j + caps[0].len();
        let attrs = caps.get(3).map_or("", |m| m.as_str());
        if !caps[4].is_empty() {
            return Some(RefExtent {
                tag_end,
                attrs,
                content: None,
                end: tag_end,
            });
        }
        // The content runs to the first `</ref>`, whatever opens before it: MediaWiki's
        // preprocessor matches an extension tag with the next closing tag of its name,
        // so `<ref>a <ref>b</ref> c</ref>` is one ref ("a <ref>b") and text after it.
        // Except for a forgotten `</ref>`: when another ref opens before the close and a
        // blank line lies between, MediaWiki would swallow paragraphs and the refs in
        // them; the writer is better served by an unclosed ref at its own paragraph.
        let ci = self.ref_closes.partition_point(|&c| c < tag_end);
        let close = self.ref_closes.get(ci).copied();
        let oi = self.ref_opens.partition_point(|&o| o < tag_end);
        let next_open = self.ref_opens.get(oi).copied();
        let forgotten = |c: usize| {
            next_open.is_some_and(|o| o < c) && crosses_blank_line(&self.blank_lines, tag_end, c)
        };
        match close {
            Some(c) if !forgotten(c) => {
                let close_end = self
                    .src
                    .get(c..)
                    .and_then(|s| s.find('>'))
                    .map_or(c + 5, |k| c + k + 1)
                    .min(self.src.len());
                Some(RefExtent {
                    tag_end,
                    attrs,
                    content: Some((tag_end, c)),
                    end: close_end,
                })
            }
            _ => Some(RefExtent {
                tag_end,
                attrs,
                content: None,
                end: usize::MAX,
            }),
        }
    }

    /// Split `s..e` at the `|` that belong to this construct (not to nested templates,
    /// links or tags).
    pub fn split_pipes(&self, s: usize, e: usize) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut j = s;
        let mut part = s;
        let b = self.src.as_bytes();
        while j < e {
            if let Some(next) = self.construct_end(j) {
                j = next.min(e).max(j + 1);
                continue;
            }
            if b[j] == b'|' {
                out.push((part, j));
                part = j + 1;
            }
            j += 1;
        }
        out.push((part, e));
        out
    }

    /// Parameters of the template `{{…}}` spanning `start..end`. The template name is
    /// not included.
    pub fn params(&self, start: usize, end: usize) -> Vec<Param> {
        let inner_start = start + 2;
        let inner_end = end.saturating_sub(2).max(inner_start);
        let parts = self.split_pipes(inner_start, inner_end);
        let mut out = Vec::new();
        for &(s, e) in parts.iter().skip(1) {
            let raw = self.slice(s, e);
            let named = raw.find('=').and_then(|k| {
                let key = raw[..k].trim();
                let simple = !key.is_empty()
                    && key
                        .chars()
                        .all(|c| c.is_alphanumeric() || c == '-' || c == '_' || c == ' ');
                simple.then(|| (key.to_lowercase(), s + k + 1))
            });
            match named {
                Some((key, vs)) => out.push((Some(key), vs, e)),
                None => out.push((None, s, e)),
            }
        }
        out
    }
}

/// Match `{{ }}` and `[[ ]]` pairs with a stack each, and find comments, in one pass.
/// `<nowiki>` hides what it holds up to its `</nowiki>` in the same paragraph; one
/// left open is no tag (its tag is dropped and what follows is read).
#[allow(clippy::type_complexity)]
fn match_pairs(
    src: &str,
    lower: &str,
    blank_lines: &[usize],
) -> (
    HashMap<usize, usize>,
    HashMap<usize, usize>,
    HashMap<usize, usize>,
) {
    let b = src.as_bytes();
    let lower_nowiki = |i: usize| {
        b.get(i..i + 8)
            .is_some_and(|s| s.eq_ignore_ascii_case(b"<nowiki>"))
    };
    let (mut braces, mut brackets, mut comments) = (HashMap::new(), HashMap::new(), HashMap::new());
    let (mut bs, mut ks): (Vec<usize>, Vec<usize>) = (Vec::new(), Vec::new());
    let mut next_nowiki_close: Option<Option<usize>> = None;
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"<!--") {
            let end = src
                .get(i + 4..)
                .and_then(|s| s.find("-->"))
                .map_or(b.len(), |k| i + 4 + k + 3);
            comments.insert(i, end);
            i = end;
            continue;
        }
        if lower_nowiki(i) {
            // The next `</nowiki>` is searched for once and reused by every opener
            // before it, so many unclosed openers cost one scan.
            if next_nowiki_close.is_some_and(|c| c.is_some_and(|c| c < i)) {
                next_nowiki_close = None;
            }
            let close = *next_nowiki_close.get_or_insert_with(|| {
                lower
                    .get(i..)
                    .and_then(|s| s.find("</nowiki>"))
                    .map(|k| i + k)
            });
            if let Some(c) = close.filter(|&c| !crosses_blank_line(blank_lines, i, c)) {
                i = c + "</nowiki>".len();
                continue;
            }
        }
        let two = b.get(i..i + 2);
        match two {
            Some(b"{{") => {
                bs.push(i);
                i += 2;
            }
            Some(b"}}") => {
                if let Some(o) = bs.pop() {
                    braces.insert(o, i + 2);
                }
                i += 2;
            }
            Some(b"[[") => {
                ks.push(i);
                i += 2;
            }
            Some(b"]]") => {
                if let Some(o) = ks.pop() {
                    brackets.insert(o, i + 2);
                }
                i += 2;
            }
            _ => i += 1,
        }
    }
    (braces, brackets, comments)
}

/// Whether a blank line (an offset of `blank_lines`) lies between `from` and `to`.
pub(super) fn crosses_blank_line(blank_lines: &[usize], from: usize, to: usize) -> bool {
    let k = blank_lines.partition_point(|&b| b <= from);
    blank_lines.get(k).is_some_and(|&b| b < to)
}

/// The value of attribute `key` in a tag's attribute text, trimmed, its character
/// references decoded; the last one when `key` is given twice.
pub(super) fn attr(attrs: &str, key: &str) -> Option<String> {
    // Given twice, the last value wins, as in MediaWiki.
    ATTR.captures_iter(attrs)
        .filter(|c| c[1].eq_ignore_ascii_case(key))
        .last()
        .map(|c| {
            let value = c
                .get(2)
                .or(c.get(3))
                .or(c.get(4))
                .map_or("", |m| m.as_str());
            decode_char_refs(value.trim()).into_owned()
        })
}

/// A template's name as MediaWiki looks it up: no `Template:` prefix, `_` as space,
/// case-folded, single-spaced.
pub(super) fn template_name(inner: &str) -> String {
    let end = inner.find(['|', '\n', '}']).unwrap_or(inner.len());
    let raw = inner.get(..end).unwrap_or(inner).trim();
    // `{{DEFAULTSORT:x}}` and parser functions: the name stops at the colon.
    let raw = match raw.find(':') {
        Some(k) if !raw.to_ascii_lowercase().starts_with("template:") => &raw[..k],
        _ => raw,
    };
    let name = raw.trim().replace('_', " ").to_lowercase();
    let name = name.strip_prefix("template:").unwrap_or(&name).trim();
    name.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The characters a character reference (as matched by [`CHAR_REF`]) stands for:
/// HTML5's complete table of names, and WHATWG's rules for numbers (`&#0;` and
/// surrogates become U+FFFD). `None` when the name is not an entity.
fn char_ref(r: &str) -> Option<Cow<'_, str>> {
    if r.starts_with("&#") {
        return Some(htmlize::unescape(r));
    }
    let chars = htmlize::ENTITIES.get(r.as_bytes())?;
    std::str::from_utf8(chars).ok().map(Cow::Borrowed)
}

/// A character reference in sentence text: spaces of any width read as a plain
/// space and invisible format characters (soft hyphen, joiners, direction marks) as
/// nothing, so sentence splitting, the index and quote checks see the words.
pub(super) fn decode_text_ref(r: &str) -> String {
    let Some(chars) = char_ref(r) else {
        return r.to_string();
    };
    chars
        .chars()
        .filter_map(|c| match c {
            '\u{a0}' | '\u{2002}' | '\u{2003}' | '\u{2009}' => Some(' '),
            '\u{ad}' | '\u{200c}' | '\u{200d}' | '\u{200e}' | '\u{200f}' => None,
            c => Some(c),
        })
        .collect()
}

/// Every character reference in text decoded as [`decode_text_ref`] reads it.
pub(super) fn decode_text_refs(s: &str) -> Cow<'_, str> {
    CHAR_REFS.replace_all(s, |c: &regex::Captures| decode_text_ref(&c[0]))
}

/// Every character reference in an attribute value or a ref name decoded, as
/// MediaWiki's sanitizer does before Cite compares names: `a&amp;b`, `a&#38;b` and
/// `a&b` are one name.
pub(super) fn decode_char_refs(s: &str) -> Cow<'_, str> {
    CHAR_REFS.replace_all(s, |c: &regex::Captures| {
        char_ref(&c[0]).map_or_else(|| c[0].to_string(), |d| d.into_owned())
    })
}
