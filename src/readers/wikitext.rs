//! MediaWiki wikitext: `<ref>` footnotes (named, reused, grouped, list-defined),
//! `{{cite …}}` fields, `{{sfn}}` / `{{harvnb}}` short footnotes linked to the full
//! citation in the bibliography, `{{citation needed}}`, and MediaWiki's Cite errors.
//!
//! There is no maintained wikitext parser crate, and MediaWiki itself is a
//! preprocessor rather than a grammar, so this reader is a small hand-written scanner
//! built to never fail: every construct is matched once up front (braces, links and
//! comments by a stack, `</ref>` by position), and an unmatched opener is just text.
//! All slicing happens at ASCII delimiters, so it is always on a char boundary.
//!
//! Labels follow what a reader of the rendered page can act on: a named ref is
//! labelled by its name, an unnamed one by the number MediaWiki shows for it (numbers
//! are given per group in order of first use, named refs included), a short footnote
//! by its rendered text (`Vernet 1996, p. 788`), which is also how MediaWiki merges
//! identical `{{sfn}}`s.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;

use crate::model::{
    ArticleDraft, BibEntry, CitationFields, CleanText, LineIndex, Location, NonClaimKind, Reference,
};
use crate::rule::Rule;

/// Tags whose content is never prose and often spans lines.
const BLOCK_TAGS: &[&str] = &[
    "gallery",
    "pre",
    "math",
    "syntaxhighlight",
    "source",
    "timeline",
    "imagemap",
    "graph",
    "mapframe",
    "score",
];

/// Templates nest; hostile input can nest them thousands deep.
const MAX_DEPTH: usize = 40;

static HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(={1,6})[ \t]*(.*?)[ \t]*(={1,6})[ \t]*$").unwrap());
static TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^<(/?)([A-Za-z][A-Za-z0-9]*)\b([^<>]*?)(/?)>").unwrap());
static ATTR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"([A-Za-z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'/>]+))"#).unwrap()
});
static ENTITY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z]{2,8});").unwrap()
});
static EXTERNAL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\[(?:https?:|ftp:)?//[^\s\]\[<>]*([ \t]+[^\]\n]*)?\]").unwrap());

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    /// Article prose: markers are part of the sentence text.
    Claim,
    /// Non-claim text (tables, infoboxes, back matter): markers still cite.
    Loose,
    /// Inside a `<references>` list or `{{reflist|refs=}}`: refs are definitions only.
    ListDefined,
}

struct ShortCite {
    reference: usize,
    author: String,
    year: String,
    offset: usize,
}

struct Wiki<'a> {
    src: &'a str,
    lower: String,
    lines: LineIndex,
    /// `{{` offset → offset after its `}}`.
    braces: HashMap<usize, usize>,
    /// `[[` offset → offset after its `]]`.
    brackets: HashMap<usize, usize>,
    /// `<!--` offset → offset after `-->` (or end of text).
    comments: HashMap<usize, usize>,
    /// Offsets of `</ref`, ascending.
    ref_closes: Vec<usize>,
    /// Offsets of `<ref` openers (not `<references`), ascending.
    ref_opens: Vec<usize>,
    draft: ArticleDraft,
    /// Next display number per group.
    counters: HashMap<Option<String>, usize>,
    /// Names that already have a display number, per group.
    numbered: HashSet<(Option<String>, String)>,
    /// (group, label) → index into `draft.references`.
    defined: HashMap<(Option<String>, String), usize>,
    /// Fields of every citation template seen, in order.
    cites: Vec<CitationFields>,
    /// Short citations seen (in order); a ref records where its own start.
    shorts: Vec<(String, String, String)>,
    pending_shorts: Vec<ShortCite>,
    /// Group of the `<references group=…>` list being read.
    list_group: Option<String>,
    /// Set while rendering a parameter's text for its value only: nothing is recorded.
    quiet: bool,
    /// Closing tag → (searched from, first found at or after that).
    close_cache: HashMap<String, (usize, Option<usize>)>,
}

pub fn read(text: &str) -> ArticleDraft {
    let mut w = Wiki::new(text);
    w.blocks();
    w.link_short_citations();
    w.draft
}

impl<'a> Wiki<'a> {
    fn new(src: &'a str) -> Self {
        let lower = src.to_ascii_lowercase();
        let (braces, brackets, comments) = match_pairs(src, &lower);
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
        Wiki {
            src,
            lower,
            lines: LineIndex::new(src),
            braces,
            brackets,
            comments,
            ref_closes,
            ref_opens,
            draft: ArticleDraft::new(),
            counters: HashMap::new(),
            numbered: HashSet::new(),
            defined: HashMap::new(),
            cites: Vec::new(),
            shorts: Vec::new(),
            pending_shorts: Vec::new(),
            list_group: None,
            quiet: false,
            close_cache: HashMap::new(),
        }
    }

    /// The next `needle` (a lower-case closing tag) at or after `from`. Remembers
    /// the last answer per needle, so that many unclosed tags of one kind cost one
    /// scan of the text, not one each.
    fn next_close(&mut self, needle: &str, from: usize) -> Option<usize> {
        if let Some(&(searched, found)) = self.close_cache.get(needle) {
            if searched <= from && found.is_none_or(|f| f >= from) {
                return found;
            }
        }
        let found = self
            .lower
            .get(from..)
            .and_then(|s| s.find(needle))
            .map(|k| from + k);
        self.close_cache.insert(needle.to_string(), (from, found));
        found
    }

    fn at(&self, offset: usize) -> Location {
        self.lines.locate(self.src, offset)
    }

    fn slice(&self, s: usize, e: usize) -> &'a str {
        self.src.get(s..e).unwrap_or("")
    }

    /// End of the line starting at `pos`, not counting newlines inside templates,
    /// links, comments and refs (a `<ref>` may span lines inside a paragraph).
    fn logical_line_end(&self, pos: usize) -> usize {
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
    fn construct_end(&self, j: usize) -> Option<usize> {
        let b = self.src.as_bytes();
        match b.get(j)? {
            b'{' => self.braces.get(&j).copied(),
            b'[' => self.brackets.get(&j).copied(),
            b'<' => self.comments.get(&j).copied().or_else(|| {
                let (_, _, content, close_end) = self.ref_extent(j)?;
                content.map(|_| close_end)
            }),
            _ => None,
        }
        .filter(|&e| e > j)
    }

    /// For a `<ref …>` at `j`: (tag end, attributes, content range if closed, end).
    #[allow(clippy::type_complexity)]
    fn ref_extent(&self, j: usize) -> Option<(usize, &'a str, Option<(usize, usize)>, usize)> {
        if self.ref_opens.binary_search(&j).is_err() {
            return None;
        }
        let caps = TAG.captures(self.src.get(j..)?)?;
        if !caps[2].eq_ignore_ascii_case("ref") || !caps[1].is_empty() {
            return None;
        }
        let tag_end = j + caps[0].len();
        let attrs = caps.get(3).map_or("", |m| m.as_str());
        if !caps[4].is_empty() {
            return Some((tag_end, attrs, None, tag_end));
        }
        let ci = self.ref_closes.partition_point(|&c| c < tag_end);
        let close = self.ref_closes.get(ci).copied();
        let oi = self.ref_opens.partition_point(|&o| o < tag_end);
        let next_open = self.ref_opens.get(oi).copied();
        match close {
            Some(c) if next_open.is_none_or(|o| o > c) => {
                let close_end = self
                    .src
                    .get(c..)
                    .and_then(|s| s.find('>'))
                    .map_or(c + 5, |k| c + k + 1)
                    .min(self.src.len());
                Some((tag_end, attrs, Some((tag_end, c)), close_end))
            }
            _ => Some((tag_end, attrs, None, usize::MAX)),
        }
    }

    fn blocks(&mut self) {
        let n = self.src.len();
        let mut pos = 0;
        let mut para: Vec<(usize, usize)> = Vec::new();
        while pos < n {
            let eol = self.logical_line_end(pos);
            let next = (eol + 1).min(n).max(pos + 1);
            let line = self.slice(pos, eol);
            let lead = line.len() - line.trim_start().len();
            let body = line.trim();
            let lower = body.to_ascii_lowercase();
            if body.is_empty() {
                self.flush(&mut para);
                pos = next;
                continue;
            }
            if pos == 0 && lower.starts_with("#redirect") {
                self.draft.non_claim(NonClaimKind::Chrome, body, 1);
                pos = next;
                continue;
            }
            if let Some(c) = HEADING.captures(strip_trailing_comments(line)) {
                let level = c[1].len().min(c[3].len());
                if level >= 1 && !c[2].trim().is_empty() && !line.contains('\n') {
                    self.flush(&mut para);
                    let h = c.get(2).unwrap();
                    let mut clean = CleanText::new();
                    self.inline(pos + h.start(), pos + h.end(), &mut clean, Mode::Loose, 0);
                    let heading = collapse(&clean.text);
                    let heading = if heading.is_empty() {
                        h.as_str().to_string()
                    } else {
                        heading
                    };
                    let at = self.at(pos);
                    self.draft.section(&heading, level as u8, at, false);
                    pos = next;
                    continue;
                }
            }
            if body.trim_start_matches(':').trim_start().starts_with("{|") {
                self.flush(&mut para);
                let end = self.table_end(pos);
                let mut clean = CleanText::new();
                self.inline(pos, end, &mut clean, Mode::Loose, 0);
                let line_no = self.at(pos).line;
                self.draft
                    .non_claim(NonClaimKind::Table, &table_text(&clean.text), line_no);
                pos = (end + 1).min(n).max(pos + 1);
                continue;
            }
            if let Some(name) = BLOCK_TAGS.iter().find(|t| {
                lower.starts_with(&format!("<{t}"))
                    && lower
                        .as_bytes()
                        .get(t.len() + 1)
                        .is_some_and(|b| matches!(b, b'>' | b' ' | b'\t' | b'/'))
            }) {
                // `<gallery>` … `</gallery>` spans lines: read it as one block.
                self.flush(&mut para);
                let start = pos + lead;
                let close = self.next_close(&format!("</{name}"), start);
                let stop = close.map_or(eol, |c| self.logical_line_end(c).max(eol));
                let mut scratch = CleanText::new();
                self.inline(start, stop, &mut scratch, Mode::Loose, 0);
                pos = (stop + 1).min(n).max(pos + 1);
                continue;
            }
            if lower.starts_with("<references") {
                self.flush(&mut para);
                pos = self.references_block(pos + lead).max(pos + 1);
                continue;
            }
            if body.starts_with("{{") {
                let start = pos + lead;
                if let Some(&end) = self.braces.get(&start) {
                    let rest = self.slice(end, eol);
                    let name = template_name(self.slice(start + 2, end.saturating_sub(2)));
                    if rest.trim().is_empty() && !is_citation(&name) && !is_inline_template(&name) {
                        self.flush(&mut para);
                        self.block_template(start, end, &name);
                        pos = next;
                        continue;
                    }
                }
            }
            if body == "----" || (body.starts_with("__") && body.ends_with("__")) {
                self.flush(&mut para);
                pos = next;
                continue;
            }
            if matches!(body.as_bytes()[0], b'*' | b'#' | b':' | b';') {
                self.flush(&mut para);
                let marks = body.len() - body.trim_start_matches(['*', '#', ':', ';']).len();
                para.push((pos + lead + marks, eol));
                self.flush(&mut para);
                pos = next;
                continue;
            }
            para.push((pos + lead, eol));
            pos = next;
        }
        self.flush(&mut para);
    }

    fn current_back_matter(&self) -> Option<String> {
        let s = self.draft.current_section()?;
        let sec = &self.draft.sections[s];
        sec.back_matter.then(|| sec.heading.to_lowercase())
    }

    fn flush(&mut self, para: &mut Vec<(usize, usize)>) {
        if para.is_empty() {
            return;
        }
        let ranges = std::mem::take(para);
        let first = ranges[0].0;
        let line = self.at(first).line;
        let back = self.current_back_matter();
        let mode = if back.is_some() {
            Mode::Loose
        } else {
            Mode::Claim
        };
        let cites_before = self.cites.len();
        let mut clean = CleanText::new();
        for (k, &(s, e)) in ranges.iter().enumerate() {
            if k > 0 {
                space(&mut clean, s);
            }
            self.inline(s, e, &mut clean, mode, 0);
        }
        match back {
            None => self.draft.paragraph(clean, line),
            Some(heading) => {
                let text = collapse(&clean.text);
                if text.is_empty() {
                    return;
                }
                let bibliographic = !matches!(heading.as_str(), "see also" | "external links");
                if bibliographic && self.cites.len() > cites_before {
                    let fields = self.cites[cites_before].clone();
                    self.draft.bibliography.push(BibEntry {
                        text,
                        line,
                        fields,
                        link: None,
                    });
                    if let Some(s) = self.draft.current_section() {
                        self.draft.sections[s].blocks += 1;
                    }
                } else {
                    self.draft.non_claim(NonClaimKind::BackMatter, &text, line);
                }
            }
        }
    }

    /// End (offset of the last byte's line end) of a `{| … |}` table starting at `pos`.
    fn table_end(&self, pos: usize) -> usize {
        let n = self.src.len();
        let mut depth = 0usize;
        let mut p = pos;
        while p < n {
            let eol = self.logical_line_end(p);
            let t = self.slice(p, eol).trim_start();
            if t.starts_with("{|") {
                depth += 1;
            } else if t.starts_with("|}") {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return eol;
                }
            }
            p = eol + 1;
        }
        n
    }

    /// `<references …>` at `pos`: list-defined refs. Returns where to continue.
    fn references_block(&mut self, pos: usize) -> usize {
        let n = self.src.len();
        if let Some(s) = self.draft.current_section() {
            self.draft.sections[s].blocks += 1;
        }
        let Some(caps) = self.src.get(pos..).and_then(|s| TAG.captures(s)) else {
            return self.logical_line_end(pos) + 1;
        };
        let tag_end = pos + caps[0].len();
        let group = attr(caps.get(3).map_or("", |m| m.as_str()), "group");
        if !caps[4].is_empty() {
            return self.logical_line_end(tag_end).saturating_add(1).min(n);
        }
        let close = self.next_close("</references", tag_end);
        let content_end = close.unwrap_or(n);
        self.list_defined(tag_end, content_end, group);
        let after = close.map_or(n, |c| {
            self.src
                .get(c..)
                .and_then(|s| s.find('>'))
                .map_or(n, |k| c + k + 1)
        });
        (self.logical_line_end(after) + 1).min(n)
    }

    fn list_defined(&mut self, start: usize, end: usize, group: Option<String>) {
        let mut scratch = CleanText::new();
        self.inline_group(start, end, &mut scratch, group);
    }

    fn inline_group(&mut self, s: usize, e: usize, out: &mut CleanText, group: Option<String>) {
        // The `<references group=x>` group applies to refs inside that give none.
        let prev = std::mem::replace(&mut self.list_group, group);
        self.inline(s, e, out, Mode::ListDefined, 0);
        self.list_group = prev;
    }

    fn block_template(&mut self, start: usize, end: usize, name: &str) {
        let line = self.at(start).line;
        if is_reflist(name) {
            if let Some(s) = self.draft.current_section() {
                self.draft.sections[s].blocks += 1;
            }
            let params = self.params(start, end);
            let group = params
                .iter()
                .find(|p| p.0.as_deref() == Some("group"))
                .map(|p| collapse(self.slice(p.1, p.2)))
                .filter(|g| !g.is_empty());
            // `refs=` holds list-defined refs; editors also put them in a positional
            // parameter, which MediaWiki reads the same lenient way.
            for (key, s, e) in params {
                if key.is_none() || key.as_deref() == Some("refs") {
                    self.list_defined_group(s, e, group.clone());
                }
            }
            return;
        }
        let mut scratch = CleanText::new();
        self.inline(start, end, &mut scratch, Mode::Loose, 0);
        let multi_line = self.slice(start, end).contains('\n');
        if multi_line || name.starts_with("infobox") {
            let text = collapse(&scratch.text);
            let text = if text.is_empty() {
                name.to_string()
            } else {
                text
            };
            self.draft.non_claim(NonClaimKind::Table, &text, line);
        }
    }

    fn list_defined_group(&mut self, s: usize, e: usize, group: Option<String>) {
        let mut scratch = CleanText::new();
        self.inline_group(s, e, &mut scratch, group);
    }

    /// Parameters of the template `{{…}}` spanning `start..end`: (name or None for
    /// positional, value start, value end). The template name is not included.
    fn params(&self, start: usize, end: usize) -> Vec<(Option<String>, usize, usize)> {
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

    /// Clean text of a range, without side effects on the article (markers and refs
    /// inside are not re-recorded).
    fn plain(&mut self, s: usize, e: usize, depth: usize) -> String {
        let saved = (
            self.draft.problems.len(),
            self.draft.non_claims.len(),
            self.cites.len(),
            self.shorts.len(),
        );
        let quiet = std::mem::replace(&mut self.quiet, true);
        let mut clean = CleanText::new();
        self.inline(s, e, &mut clean, Mode::Loose, depth);
        self.quiet = quiet;
        self.draft.problems.truncate(saved.0);
        self.draft.non_claims.truncate(saved.1);
        self.cites.truncate(saved.2);
        self.shorts.truncate(saved.3);
        collapse(&clean.text)
    }

    fn emit_marker(&mut self, out: &mut CleanText, mode: Mode, m: MarkerAt) {
        if self.quiet {
            return;
        }
        match mode {
            Mode::Claim => out.marker(&m.label, m.group, m.offset, m.len),
            Mode::Loose => self.draft.loose_marker(&m.label, m.group, m.offset, m.len),
            Mode::ListDefined => {}
        }
    }

    /// Clean text of `start..end` into `out`: markup stripped, refs turned into
    /// markers (and reference entries), templates rendered or dropped.
    fn inline(&mut self, start: usize, end: usize, out: &mut CleanText, mode: Mode, depth: usize) {
        let end = end.min(self.src.len());
        if depth > MAX_DEPTH {
            return;
        }
        let b = self.src.as_bytes();
        let mut i = start;
        let mut text_start = start;
        macro_rules! flush {
            () => {
                if text_start < i {
                    out.push_source(self.slice(text_start, i), text_start);
                }
            };
        }
        while i < end {
            match b[i] {
                b'<' => {
                    if let Some(&ce) = self.comments.get(&i) {
                        flush!();
                        i = ce.min(end).max(i + 1);
                        text_start = i;
                        continue;
                    }
                    if self.ref_opens.binary_search(&i).is_ok() {
                        flush!();
                        i = self.reference(i, end, out, mode, depth).max(i + 1);
                        text_start = i;
                        continue;
                    }
                    if let Some(next) = self.html_tag(i, end, out, depth) {
                        flush!();
                        i = next.max(i + 1);
                        text_start = i;
                        continue;
                    }
                    i += 1;
                }
                b'{' => match self.braces.get(&i).copied().filter(|&e| e <= end) {
                    Some(te) => {
                        flush!();
                        self.template(i, te, out, mode, depth + 1);
                        i = te;
                        text_start = i;
                    }
                    None => i += 1,
                },
                b'[' => {
                    if let Some(le) = self.brackets.get(&i).copied().filter(|&e| e <= end) {
                        flush!();
                        self.wikilink(i, le, out, mode, depth + 1);
                        i = le;
                        text_start = i;
                    } else if let Some(m) = self.src.get(i..end).and_then(|s| EXTERNAL.captures(s))
                    {
                        flush!();
                        if let Some(label) = m.get(1) {
                            let ls = i + label.start();
                            let ls = ls + (label.len() - label.as_str().trim_start().len());
                            self.inline(ls, i + label.end(), out, mode, depth + 1);
                        }
                        i += m[0].len();
                        text_start = i;
                    } else {
                        i += 1;
                    }
                }
                b'\'' if b.get(i + 1) == Some(&b'\'') => {
                    flush!();
                    while i < end && b[i] == b'\'' {
                        i += 1;
                    }
                    text_start = i;
                }
                b'&' => match self.src.get(i..end).and_then(|s| ENTITY.find(s)) {
                    Some(m) => {
                        flush!();
                        out.push_synthetic(&decode_entity(m.as_str()), i);
                        i += m.len();
                        text_start = i;
                    }
                    None => i += 1,
                },
                b'\n' => {
                    flush!();
                    space(out, i);
                    i += 1;
                    text_start = i;
                }
                _ => i += 1,
            }
        }
        flush!();
    }

    /// An HTML-like tag at `i`; returns where to continue, or `None` if it is not one.
    fn html_tag(
        &mut self,
        i: usize,
        end: usize,
        out: &mut CleanText,
        depth: usize,
    ) -> Option<usize> {
        let caps = TAG.captures(self.src.get(i..end)?)?;
        let name = caps[2].to_ascii_lowercase();
        let tag_end = i + caps[0].len();
        let closing = !caps[1].is_empty();
        let self_closing = !caps[4].is_empty();
        const SKIP: &[&str] = &[
            "math",
            "chem",
            "score",
            "timeline",
            "gallery",
            "syntaxhighlight",
            "source",
            "pre",
            "imagemap",
            "graph",
            "templatedata",
            "mapframe",
            "includeonly",
            "hiero",
            "references",
        ];
        if closing {
            if matches!(name.as_str(), "br" | "p" | "div" | "li") {
                space(out, i);
            }
            return Some(tag_end);
        }
        if name == "br" || name == "hr" {
            space(out, i);
            return Some(tag_end);
        }
        if self_closing {
            return Some(tag_end);
        }
        if name == "nowiki" || SKIP.contains(&name.as_str()) {
            let c = self
                .next_close(&format!("</{name}"), tag_end)
                .filter(|&c| c < end);
            let content_end = c.unwrap_or(end);
            let after = c.map_or(end, |c| {
                self.src
                    .get(c..end)
                    .and_then(|s| s.find('>'))
                    .map_or(end, |k| c + k + 1)
            });
            if name == "nowiki" {
                out.push_source(self.slice(tag_end, content_end), tag_end);
            } else if name == "references" {
                let group = attr(caps.get(3).map_or("", |m| m.as_str()), "group");
                let mut scratch = CleanText::new();
                let prev = std::mem::replace(&mut self.list_group, group);
                self.inline(
                    tag_end,
                    content_end,
                    &mut scratch,
                    Mode::ListDefined,
                    depth + 1,
                );
                self.list_group = prev;
            } else if !self.quiet {
                let kind = if name == "gallery" {
                    NonClaimKind::Caption
                } else {
                    NonClaimKind::Code
                };
                let line = self.at(i).line;
                let text = self.slice(tag_end, content_end).trim().to_string();
                if !text.is_empty() {
                    self.draft.non_claim(kind, &text, line);
                }
            }
            return Some(after);
        }
        Some(tag_end)
    }

    /// A `<ref …>` at `i`. Returns where to continue.
    fn reference(
        &mut self,
        i: usize,
        end: usize,
        out: &mut CleanText,
        mode: Mode,
        depth: usize,
    ) -> usize {
        let Some((tag_end, attrs, content, close_end)) = self.ref_extent(i) else {
            return i + 1;
        };
        if self.quiet {
            return if close_end == usize::MAX {
                end
            } else {
                close_end.min(end)
            };
        }
        let name = attr(attrs, "name").filter(|n| !n.is_empty());
        let group = attr(attrs, "group")
            .filter(|g| !g.is_empty())
            .or_else(|| (mode == Mode::ListDefined).then(|| self.list_group.clone())?);
        let (content, after) = match content {
            Some((cs, ce)) if close_end <= end => {
                ((tag_end != close_end).then_some((cs, ce)), close_end)
            }
            Some((cs, _)) => (Some((cs, end)), end),
            None if close_end == tag_end => (None, tag_end),
            None => {
                // Unclosed: MediaWiki swallows the rest of the page; keeping the
                // damage to the paragraph is more useful to the writer.
                let stop = self
                    .src
                    .get(tag_end..end)
                    .and_then(|s| s.find("\n\n"))
                    .map_or(end, |k| tag_end + k);
                if !self.quiet {
                    let at = self.at(i);
                    self.draft.problem(
                        Rule::UnclosedRef,
                        "<ref> is never closed with </ref>".to_string(),
                        at,
                        name.clone(),
                    );
                }
                (Some((tag_end, stop)), stop)
            }
        };
        let len = after.saturating_sub(i);
        let has_content = content.is_some_and(|(s, e)| !self.slice(s, e).trim().is_empty());
        if !has_content {
            match name {
                Some(name) if mode != Mode::ListDefined => {
                    let label = self.number(&group, Some(&name));
                    self.emit_marker(out, mode, MarkerAt::new(label, group, i, len));
                }
                _ if !self.quiet => {
                    let at = self.at(i);
                    let message = if mode == Mode::ListDefined {
                        "a ref in a reference list needs a name and content"
                    } else {
                        "a <ref> with neither content nor a name cites nothing"
                    };
                    self.draft
                        .problem(Rule::EmptyReference, message.to_string(), at, None);
                }
                _ => {}
            }
            return after;
        }
        let (cs, ce) = content.unwrap_or((tag_end, tag_end));
        if mode == Mode::ListDefined && name.is_none() {
            if !self.quiet {
                let at = self.at(i);
                self.draft.problem(
                    Rule::EmptyReference,
                    "a ref in a reference list has no name, so nothing can cite it".to_string(),
                    at,
                    None,
                );
            }
            return after;
        }
        let label = if mode == Mode::ListDefined {
            name.clone().unwrap_or_default()
        } else {
            self.number(&group, name.as_deref())
        };
        if !self.quiet {
            self.define(&label, &group, name.is_some(), i, (cs, ce), depth);
        }
        if mode != Mode::ListDefined {
            self.emit_marker(out, mode, MarkerAt::new(label, group, i, len));
        }
        after
    }

    /// The label of a ref: its name, or for an unnamed ref the next display number.
    fn number(&mut self, group: &Option<String>, name: Option<&str>) -> String {
        if let Some(name) = name {
            if self.numbered.insert((group.clone(), name.to_string())) {
                *self.counters.entry(group.clone()).or_insert(0) += 1;
            }
            return name.to_string();
        }
        let c = self.counters.entry(group.clone()).or_insert(0);
        *c += 1;
        c.to_string()
    }

    /// Record a reference entry for ref content at `content`.
    fn define(
        &mut self,
        label: &str,
        group: &Option<String>,
        named: bool,
        at: usize,
        content: (usize, usize),
        depth: usize,
    ) {
        let cites_before = self.cites.len();
        let shorts_before = self.shorts.len();
        let mut clean = CleanText::new();
        // Markers inside ref content (an {{efn}} in a note) still cite.
        self.inline(content.0, content.1, &mut clean, Mode::Loose, depth + 1);
        let text = collapse(&clean.text);
        let key = (group.clone(), label.to_string());
        if let Some(&existing) = self.defined.get(&key) {
            if named && normalise(&self.draft.references[existing].text) != normalise(&text) {
                let loc = self.at(at);
                self.draft.problem(
                    Rule::DuplicateReference,
                    format!("ref name \"{label}\" is defined again with different content"),
                    loc,
                    Some(label.to_string()),
                );
            }
            return;
        }
        let mut fields = self
            .cites
            .get(cites_before)
            .cloned()
            .unwrap_or_else(|| crate::readers::fields_from_text(&text));
        let short = self.shorts.get(shorts_before).cloned();
        if let (true, Some((author, year, pages))) = (self.cites.len() == cites_before, &short) {
            fields.author = Some(author.clone());
            fields.date = Some(year.clone());
            if !pages.is_empty() {
                fields.pages = Some(pages.clone());
            }
        }
        let loc = self.at(at);
        self.draft.references.push(Reference {
            group: group.clone(),
            fields,
            ..Reference::new(label, text, loc)
        });
        let index = self.draft.references.len() - 1;
        self.defined.insert(key, index);
        if self.cites.len() == cites_before {
            if let Some((author, year, _)) = short {
                self.pending_shorts.push(ShortCite {
                    reference: index,
                    author,
                    year,
                    offset: at,
                });
            }
        }
    }

    fn template(
        &mut self,
        start: usize,
        end: usize,
        out: &mut CleanText,
        mode: Mode,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        let inner = self.slice(start + 2, end.saturating_sub(2));
        let name = template_name(inner);
        let params = self.params(start, end);
        let positional: Vec<(usize, usize)> = params
            .iter()
            .filter(|p| p.0.is_none())
            .map(|p| (p.1, p.2))
            .collect();
        let named = |key: &str| {
            params
                .iter()
                .find(|p| p.0.as_deref() == Some(key))
                .map(|p| (p.1, p.2))
        };
        let keep = |w: &mut Self, out: &mut CleanText, r: Option<(usize, usize)>| {
            if let Some((s, e)) = r {
                let lead = w.slice(s, e).len() - w.slice(s, e).trim_start().len();
                let trail = w.slice(s, e).len() - w.slice(s, e).trim_end().len();
                w.inline(s + lead, e - trail, out, mode, depth + 1);
            }
        };
        if is_citation(&name) {
            let fields = self.citation_fields(&params, depth);
            let text = render_citation(&fields);
            self.cites.push(fields);
            if mode != Mode::Claim {
                out.push_synthetic(&text, start);
            }
            return;
        }
        if is_citation_needed(&name) {
            out.citation_needed();
            return;
        }
        match name.as_str() {
            "sfn" | "sfnp" | "harvnb" | "harv" | "harvp" | "harvtxt" | "harvcoltxt" | "harvcol"
            | "harvcolnb" | "sfnm" => {
                let parts: Vec<String> = positional
                    .iter()
                    .map(|&(s, e)| collapse(self.slice(s, e)))
                    .filter(|p| !p.is_empty())
                    .collect();
                let (authors, year) = match parts.split_last() {
                    Some((y, a)) if !a.is_empty() => (a.to_vec(), y.clone()),
                    _ => (parts.clone(), String::new()),
                };
                let pages = named("p")
                    .or_else(|| named("pp"))
                    .or_else(|| named("page"))
                    .or_else(|| named("pages"))
                    .or_else(|| named("loc"))
                    .map(|(s, e)| collapse(self.slice(s, e)))
                    .unwrap_or_default();
                let who = join_authors(&authors);
                let mut text = format!("{who} {year}").trim().to_string();
                if !pages.is_empty() {
                    let p = if named("pp").is_some() { "pp." } else { "p." };
                    text = format!("{text}, {p} {pages}");
                }
                let first = authors.first().cloned().unwrap_or_default();
                if name.starts_with("sfn") && mode != Mode::ListDefined {
                    self.short_footnote(&text, &first, &year, &pages, start, end, out, mode);
                } else {
                    self.shorts.push((first, year.clone(), pages));
                    let shown = if name.ends_with("txt") {
                        format!("{who} ({year})")
                    } else {
                        text
                    };
                    out.push_synthetic(&shown, start);
                }
            }
            "efn" | "efn-ua" | "efn-lr" | "efn-ur" | "efn-la" | "refn" | "notetag"
                if !self.quiet =>
            {
                let group = match name.as_str() {
                    "efn" | "efn-la" => Some("lower-alpha".to_string()),
                    "efn-ua" => Some("upper-alpha".to_string()),
                    "efn-lr" => Some("lower-roman".to_string()),
                    "efn-ur" => Some("upper-roman".to_string()),
                    _ => named("group").map(|(s, e)| collapse(self.slice(s, e))),
                }
                .filter(|g| !g.is_empty());
                let ref_name = named("name")
                    .map(|(s, e)| collapse(self.slice(s, e)))
                    .filter(|n| !n.is_empty());
                let content = positional.first().copied().or_else(|| named("1"));
                let has = content.is_some_and(|(s, e)| !self.slice(s, e).trim().is_empty());
                if !has && ref_name.is_none() {
                    if !self.quiet {
                        let at = self.at(start);
                        self.draft.problem(
                            Rule::EmptyReference,
                            format!("{{{{{name}}}}} with neither content nor a name"),
                            at,
                            None,
                        );
                    }
                    return;
                }
                if mode == Mode::ListDefined && ref_name.is_none() {
                    return;
                }
                let label = if mode == Mode::ListDefined {
                    ref_name.clone().unwrap_or_default()
                } else {
                    self.number(&group, ref_name.as_deref())
                };
                if has && !self.quiet {
                    let c = content.unwrap_or((start, start));
                    self.define(&label, &group, ref_name.is_some(), start, c, depth);
                }
                if mode != Mode::ListDefined {
                    let m = MarkerAt::new(label, group, start, end - start);
                    self.emit_marker(out, mode, m);
                }
            }
            "r" => {
                if mode == Mode::ListDefined || self.quiet {
                    return;
                }
                for &(s, e) in &positional {
                    let n = collapse(self.slice(s, e));
                    if n.is_empty() {
                        continue;
                    }
                    let label = self.number(&None, Some(&n));
                    self.emit_marker(out, mode, MarkerAt::new(label, None, start, end - start));
                }
            }
            "lang" | "transl" | "transliteration" => keep(self, out, positional.last().copied()),
            "nowrap" | "nobr" | "small" | "smaller" | "big" | "larger" | "em" | "strong"
            | "abbr" | "nihongo" | "keypress" | "math" | "mvar" | "sic" | "flag"
            | "flagcountry" | "quote" | "blockquote" | "cquote" | "quotation" | "bold"
            | "italic" | "lang-en" | "not a typo" | "linktext" | "ill" | "interlanguage link"
            | "vanchor" | "anchor text" | "center" | "midsize" | "resize" | "visible anchor"
            | "shy" => keep(self, out, named("text").or(positional.first().copied())),
            "convert" | "cvt" => {
                if let (Some(&a), Some(&u)) = (positional.first(), positional.get(1)) {
                    keep(self, out, Some(a));
                    let unit = collapse(self.slice(u.0, u.1));
                    out.push_synthetic(&format!(" {unit}"), u.0);
                }
            }
            "c." | "circa" => {
                out.push_synthetic("c. ", start);
                keep(self, out, positional.first().copied());
            }
            "as of" => {
                let parts: Vec<String> = positional
                    .iter()
                    .map(|&(s, e)| collapse(self.slice(s, e)))
                    .collect();
                out.push_synthetic(&format!("As of {}", date_text(&parts)), start);
            }
            "birth date" | "death date" | "birth date and age" | "death date and age"
            | "start date" | "end date" | "dts" | "date" | "birth-date" | "start date and age" => {
                let parts: Vec<String> = positional
                    .iter()
                    .map(|&(s, e)| collapse(self.slice(s, e)))
                    .filter(|p| !p.contains('='))
                    .collect();
                out.push_synthetic(&date_text(&parts), start);
            }
            "isbn" => {
                let parts: Vec<String> = positional
                    .iter()
                    .map(|&(s, e)| collapse(self.slice(s, e)))
                    .collect();
                out.push_synthetic(&format!("ISBN {}", parts.join(", ")), start);
            }
            "!" => out.push_synthetic("|", start),
            "mdash" | "mdashb" | "—" => out.push_synthetic("—", start),
            "ndash" | "snd" | "spnd" | "–" => out.push_synthetic(" – ", start),
            "nbsp" | "sp" | "space" => out.push_synthetic(" ", start),
            "sortname" => {
                let parts: Vec<String> = positional
                    .iter()
                    .take(2)
                    .map(|&(s, e)| collapse(self.slice(s, e)))
                    .collect();
                out.push_synthetic(&parts.join(" "), start);
            }
            _ if name.starts_with("lang-") => keep(self, out, positional.first().copied()),
            _ => {
                // A template we do not render: its text is never a claim, but refs
                // inside it (an infobox's population_ref) still define and cite.
                if !self.quiet {
                    let mut scratch = CleanText::new();
                    let m = if mode == Mode::ListDefined {
                        Mode::ListDefined
                    } else {
                        Mode::Loose
                    };
                    for &(_, s, e) in &params {
                        self.inline(s, e, &mut scratch, m, depth + 1);
                        space(&mut scratch, e);
                    }
                    if mode != Mode::ListDefined && name.starts_with("infobox") {
                        let line = self.at(start).line;
                        let text = collapse(&scratch.text);
                        self.draft.non_claim(NonClaimKind::Table, &text, line);
                    }
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn short_footnote(
        &mut self,
        text: &str,
        author: &str,
        year: &str,
        pages: &str,
        start: usize,
        end: usize,
        out: &mut CleanText,
        mode: Mode,
    ) {
        if self.quiet {
            return;
        }
        let label = text.to_string();
        let key = (None, label.clone());
        if self.numbered.insert(key.clone()) {
            *self.counters.entry(None).or_insert(0) += 1;
        }
        if !self.defined.contains_key(&key) {
            let loc = self.at(start);
            self.draft.references.push(Reference {
                fields: CitationFields {
                    author: Some(author.to_string()).filter(|a| !a.is_empty()),
                    date: Some(year.to_string()).filter(|y| !y.is_empty()),
                    pages: Some(pages.to_string()).filter(|p| !p.is_empty()),
                    ..CitationFields::default()
                },
                ..Reference::new(label.clone(), text, loc)
            });
            let index = self.draft.references.len() - 1;
            self.defined.insert(key, index);
            self.pending_shorts.push(ShortCite {
                reference: index,
                author: author.to_string(),
                year: year.to_string(),
                offset: start,
            });
        }
        self.emit_marker(out, mode, MarkerAt::new(label, None, start, end - start));
    }

    fn citation_fields(
        &mut self,
        params: &[(Option<String>, usize, usize)],
        depth: usize,
    ) -> CitationFields {
        let get = |w: &mut Self, keys: &[&str]| -> Option<String> {
            keys.iter().find_map(|k| {
                let p = params.iter().find(|p| p.0.as_deref() == Some(k))?;
                let v = w.plain(p.1, p.2, depth + 1);
                (!v.is_empty()).then_some(v)
            })
        };
        let author = get(
            self,
            &["author", "authors", "author1", "vauthors", "editor"],
        )
        .or_else(|| {
            let last = get(
                self,
                &[
                    "last",
                    "last1",
                    "surname",
                    "surname1",
                    "editor-last",
                    "editor1-last",
                ],
            )?;
            Some(match get(self, &["first", "first1", "given", "given1"]) {
                Some(first) => format!("{last}, {first}"),
                None => last,
            })
        });
        CitationFields {
            title: get(self, &["title", "chapter", "trans-title", "script-title"]),
            author,
            date: get(self, &["date", "year", "publication-date"]),
            url: get(self, &["url", "chapter-url", "archive-url", "archiveurl"]),
            publisher: get(self, &["publisher", "agency", "institution"]),
            work: get(
                self,
                &[
                    "work",
                    "website",
                    "newspaper",
                    "journal",
                    "magazine",
                    "periodical",
                    "encyclopedia",
                    "series",
                ],
            ),
            pages: get(self, &["pages", "page", "pp", "p", "at"]),
            access_date: get(self, &["access-date", "accessdate"]),
            archive_url: get(self, &["archive-url", "archiveurl"]),
        }
    }

    fn wikilink(
        &mut self,
        start: usize,
        end: usize,
        out: &mut CleanText,
        mode: Mode,
        depth: usize,
    ) {
        let inner_s = start + 2;
        let inner_e = end.saturating_sub(2).max(inner_s);
        let inner = self.slice(inner_s, inner_e);
        let target = inner.split('|').next().unwrap_or("").trim();
        let t = target.trim_start_matches(':').to_ascii_lowercase();
        let ns = t.split(':').next().unwrap_or("");
        let has_ns = t.contains(':');
        let image_options = inner.split('|').skip(1).any(|o| {
            matches!(
                o.trim(),
                "thumb" | "thumbnail" | "frame" | "frameless" | "upright"
            )
        });
        let file_ns = matches!(
            ns,
            "file"
                | "image"
                | "datei"
                | "bild"
                | "media"
                | "fichier"
                | "lêer"
                | "archivo"
                | "imagen"
                | "immagine"
                | "bestand"
                | "plik"
                | "файл"
        );
        if has_ns && (file_ns || image_options) {
            // An image: the caption (last parameter) is non-claim text; refs in it cite.
            let params = self.split_pipes(inner_s, inner_e);
            if let Some(&(s, e)) = params.last() {
                let mut scratch = CleanText::new();
                let m = if mode == Mode::ListDefined {
                    Mode::ListDefined
                } else {
                    Mode::Loose
                };
                self.inline(s, e, &mut scratch, m, depth + 1);
                let text = collapse(&scratch.text);
                if !text.is_empty() && !self.quiet && params.len() > 1 {
                    let line = self.at(start).line;
                    self.draft.non_claim(NonClaimKind::Caption, &text, line);
                }
            }
            return;
        }
        let interlanguage = has_ns
            && !target.starts_with(':')
            && (2..=3).contains(&ns.len())
            && ns.chars().all(|c| c.is_ascii_lowercase());
        if has_ns && (matches!(ns, "category" | "kategorie" | "catégorie") || interlanguage) {
            return;
        }
        match inner.find('|') {
            Some(k) => {
                let (s, e) = (inner_s + k + 1, inner_e);
                if self.slice(s, e).trim().is_empty() {
                    // The pipe trick: [[Foo (bar)|]] shows "Foo".
                    let shown = target.split(" (").next().unwrap_or(target);
                    out.push_synthetic(shown, start);
                } else {
                    self.inline(s, e, out, mode, depth + 1);
                }
            }
            None => {
                let lead = inner.len() - inner.trim_start_matches(':').len();
                out.push_source(inner.get(lead..).unwrap_or(""), inner_s + lead);
            }
        }
    }

    /// Split `s..e` at the `|` that belong to this construct (not to nested templates,
    /// links or tags).
    fn split_pipes(&self, s: usize, e: usize) -> Vec<(usize, usize)> {
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

    /// Give short footnotes the fields of their full citation, so linking can use
    /// them; report those with no full citation (MediaWiki's "Harv error").
    fn link_short_citations(&mut self) {
        let pending = std::mem::take(&mut self.pending_shorts);
        for p in pending {
            let author = p.author.to_lowercase();
            let year = p.year.to_lowercase();
            // "1960–1961", "2001a": the first four-digit run is the year to find.
            let year_digits: String = year
                .split(|c: char| !c.is_ascii_digit())
                .find(|d| d.len() == 4)
                .unwrap_or("")
                .to_string();
            let hit = self.draft.bibliography.iter().find(|b| {
                let who = b.fields.author.as_deref().unwrap_or(&b.text).to_lowercase();
                let when = b.fields.date.as_deref().unwrap_or(&b.text).to_lowercase();
                !author.is_empty()
                    && who.contains(&author)
                    && (year_digits.is_empty() || when.contains(&year_digits))
            });
            match hit {
                Some(b) => {
                    let full = b.fields.clone();
                    let r = &mut self.draft.references[p.reference];
                    let pages = r.fields.pages.take();
                    r.fields = CitationFields {
                        pages: pages.or(full.pages.clone()),
                        ..full
                    };
                }
                None => {
                    let at = self.at(p.offset);
                    let label = self.draft.references[p.reference].label.clone();
                    self.draft.problem(
                        Rule::UnknownFootnote,
                        format!(
                            "short citation \"{}\" has no full citation by {} {} in the bibliography",
                            label, p.author, p.year
                        ),
                        at,
                        Some(label),
                    );
                }
            }
        }
    }
}

struct MarkerAt {
    label: String,
    group: Option<String>,
    offset: usize,
    len: usize,
}

impl MarkerAt {
    fn new(label: String, group: Option<String>, offset: usize, len: usize) -> Self {
        MarkerAt {
            label,
            group,
            offset,
            len,
        }
    }
}

/// Match `{{ }}` and `[[ ]]` pairs with a stack each, and find comments, in one pass.
#[allow(clippy::type_complexity)]
fn match_pairs(
    src: &str,
    lower: &str,
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
            let end = lower
                .get(i..)
                .and_then(|s| s.find("</nowiki>"))
                .map_or(b.len(), |k| i + k + 9);
            i = end.max(i + 1);
            continue;
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

fn attr(attrs: &str, key: &str) -> Option<String> {
    ATTR.captures_iter(attrs)
        .find(|c| c[1].eq_ignore_ascii_case(key))
        .map(|c| {
            c.get(2)
                .or(c.get(3))
                .or(c.get(4))
                .map_or("", |m| m.as_str())
                .trim()
                .to_string()
        })
}

fn template_name(inner: &str) -> String {
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

fn is_citation(name: &str) -> bool {
    name == "citation" || name == "cite" || name.starts_with("cite ") || name == "vcite"
}

fn is_citation_needed(name: &str) -> bool {
    matches!(
        name,
        "citation needed"
            | "cn"
            | "fact"
            | "cite needed"
            | "citeneeded"
            | "citation-needed"
            | "needs citation"
            | "source needed"
            | "unreferenced inline"
            | "refneeded"
            | "ref needed"
            | "better source"
            | "better source needed"
            | "cn-span"
            | "citation needed span"
    )
}

/// Templates that render as part of a line of prose even when alone on a line.
fn is_inline_template(name: &str) -> bool {
    is_citation_needed(name) || matches!(name, "sfn" | "sfnp" | "efn" | "refn" | "r")
}

fn is_reflist(name: &str) -> bool {
    matches!(
        name,
        "reflist" | "references" | "refs" | "notelist" | "notes" | "reference list" | "footnotes"
    ) || name.starts_with("notelist")
}

fn join_authors(a: &[String]) -> String {
    match a.len() {
        0 => String::new(),
        1 => a[0].clone(),
        2 => format!("{} & {}", a[0], a[1]),
        3 => format!("{}, {} & {}", a[0], a[1], a[2]),
        _ => format!("{} et al.", a[0]),
    }
}

fn render_citation(f: &CitationFields) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(a) = &f.author {
        parts.push(a.clone());
    }
    if let Some(d) = &f.date {
        parts.push(format!("({d})"));
    }
    if let Some(t) = &f.title {
        parts.push(format!("\"{t}\"."));
    }
    for x in [&f.work, &f.publisher].into_iter().flatten() {
        parts.push(format!("{x}."));
    }
    if let Some(p) = &f.pages {
        parts.push(format!("p. {p}."));
    }
    parts.join(" ")
}

fn date_text(parts: &[String]) -> String {
    let nums: Vec<&str> = parts.iter().map(|p| p.trim()).take(3).collect();
    let month = nums
        .get(1)
        .and_then(|m| m.parse::<usize>().ok())
        .and_then(crate::dates::month_name);
    match (nums.first(), month, nums.get(2)) {
        (Some(y), Some(m), Some(d)) => format!("{d} {m} {y}"),
        (Some(y), Some(m), None) => format!("{m} {y}"),
        _ => nums.join(" "),
    }
}

fn decode_entity(e: &str) -> String {
    let body = e.trim_start_matches('&').trim_end_matches(';');
    if let Some(num) = body.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => num.parse().ok(),
        };
        return code
            .and_then(char::from_u32)
            .map_or_else(|| e.to_string(), |c| c.to_string());
    }
    match body {
        "nbsp" | "ensp" | "emsp" | "thinsp" => " ",
        "ndash" => "–",
        "mdash" => "—",
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        "minus" => "−",
        "times" => "×",
        "deg" => "°",
        "hellip" => "…",
        "lsquo" => "‘",
        "rsquo" => "’",
        "ldquo" => "“",
        "rdquo" => "”",
        "shy" | "zwj" | "zwnj" | "lrm" | "rlm" => "",
        _ => return e.to_string(),
    }
    .to_string()
}

/// A space for a line break, unless the text already ends in one.
fn space(out: &mut CleanText, at: usize) {
    if !out.text.is_empty() && !out.text.ends_with(char::is_whitespace) {
        out.push_synthetic(" ", at);
    }
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Content comparison for "defined twice": spacing and case do not make a difference.
fn normalise(s: &str) -> String {
    collapse(s).to_lowercase()
}

/// `== Heading ==<!-- note -->`: comments after a heading do not stop it being one.
fn strip_trailing_comments(line: &str) -> &str {
    let mut l = line.trim_end();
    while l.ends_with("-->") {
        match l.rfind("<!--") {
            Some(k) => l = l[..k].trim_end(),
            None => break,
        }
    }
    l
}

/// Table markup (`|-`, `!`, cell separators) out of a table's clean text.
fn table_text(s: &str) -> String {
    let cleaned: Vec<&str> = s
        .split(['|', '!'])
        .map(|c| c.trim())
        .filter(|c| !c.is_empty() && *c != "-" && *c != "}" && *c != "{" && *c != "+")
        .filter(|c| !c.contains("=\""))
        .collect();
    collapse(&cleaned.join(" | "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_names_normalise() {
        assert_eq!(template_name("Cite_web |url=x"), "cite web");
        assert_eq!(
            template_name(" Template:Citation needed|date=x"),
            "citation needed"
        );
        assert_eq!(template_name("DEFAULTSORT:Murchison"), "defaultsort");
    }

    #[test]
    fn attributes_in_any_quoting() {
        assert_eq!(
            attr(r#" name="a b" group=note"#, "name").as_deref(),
            Some("a b")
        );
        assert_eq!(attr(" name='AVN HOF'", "name").as_deref(), Some("AVN HOF"));
        assert_eq!(attr(" group=note", "group").as_deref(), Some("note"));
        assert_eq!(attr(" name=x/", "name").as_deref(), Some("x"));
    }

    #[test]
    fn dates_and_entities() {
        assert_eq!(
            date_text(&["1895".into(), "4".into(), "11".into()]),
            "11 April 1895"
        );
        assert_eq!(decode_entity("&ndash;"), "–");
        assert_eq!(decode_entity("&#x41;"), "A");
        assert_eq!(decode_entity("&bogus;"), "&bogus;");
    }

    #[test]
    fn unbalanced_markup_is_text() {
        let d = read("A {{broken [[link and <ref>open\n\nNext paragraph.");
        assert_eq!(d.problems.len(), 1);
        assert_eq!(d.problems[0].rule, Rule::UnclosedRef);
    }
}
