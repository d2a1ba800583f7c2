//! Markdown with footnotes (`[^label]` and `[^label]: text`), parsed by pulldown-cmark
//! in its GitHub-compatible footnote mode, so what counts as a footnote is exactly
//! what GitHub and pulldown-cmark render as one.
//!
//! Decisions where renderers print something but a citation checker must say more:
//! - a `[^label]` with no definition is printed as literal text by renderers; here it
//!   is a marker that resolves to nothing, so `check` reports `unknown-footnote`;
//! - a label defined twice: the first definition wins (as for CommonMark link
//!   reference definitions); the later one is reported as `duplicate-reference`;
//! - labels match case-insensitively, as in pulldown-cmark; a marker takes the
//!   spelling of the definition it resolves to;
//! - a reference inside a footnote definition cites that footnote (it counts as a
//!   use) but belongs to no claim sentence;
//! - inline notes `^[…]` (Pandoc, markdown-it), which pulldown-cmark leaves as text,
//!   are footnotes labelled `inline-1`, `inline-2`, … in order of appearance.
//!
//! Headings become sections; code blocks, HTML comments and tables are never claims.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use regex::Regex;

use crate::model::{ArticleDraft, CleanText, NonClaimKind, Reference};
use crate::position::LineIndex;
use crate::rule::Rule;

/// A footnote reference renderers left as literal text: `[^label]` not followed by
/// `:` (that would be a definition that failed to parse, e.g. in a table cell). A
/// label runs to at most [`MAX_LABEL`] characters (checked apart: a counted repetition
/// of a Unicode class would make a huge automaton).
static LITERAL_MARKER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[\^([^\]\s\[]+)\]").unwrap());

/// The longest footnote label, in characters (CommonMark's limit for link labels;
/// pulldown-cmark counts only non-ASCII ones, so longer labels are refused here).
const MAX_LABEL: usize = 999;

fn is_label(label: &str) -> bool {
    label.chars().count() <= MAX_LABEL
}

#[derive(Debug)]
enum Piece {
    /// Text, its file offset, whether it is the file's own bytes, whether it may hold
    /// a literal `[^label]` (not in code spans).
    Text {
        text: String,
        offset: usize,
        source: bool,
        scan: bool,
    },
    Marker {
        label: String,
        offset: usize,
        len: usize,
    },
}

struct Definition {
    label: String,
    offset: usize,
    text: String,
    /// Index into `draft.references`, or `None` for a duplicate.
    reference: Option<usize>,
}

struct Reader<'a> {
    src: &'a str,
    lines: &'a LineIndex,
    draft: ArticleDraft,
    pieces: Vec<Piece>,
    /// Lower-cased label → the spelling of its first definition.
    labels: HashMap<String, String>,
    heading: Option<(u8, usize)>,
    footnote: Option<Definition>,
    table: usize,
    image: usize,
    code: Option<(usize, String)>,
    /// Inline notes so far; they are labelled `inline-1`, `inline-2`, ….
    inline_notes: usize,
}

pub fn read(text: &str, lines: &LineIndex) -> ArticleDraft {
    let options = Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS;
    let events: Vec<(Event, Range<usize>)> =
        Parser::new_ext(text, options).into_offset_iter().collect();
    let mut labels = HashMap::new();
    for (e, _) in &events {
        if let Event::Start(Tag::FootnoteDefinition(l)) = e {
            if !is_label(l) {
                continue;
            }
            labels
                .entry(l.to_lowercase())
                .or_insert_with(|| l.to_string());
        }
    }
    let mut r = Reader {
        src: text,
        lines,
        draft: ArticleDraft::new(),
        pieces: Vec::new(),
        labels,
        heading: None,
        footnote: None,
        table: 0,
        image: 0,
        code: None,
        inline_notes: 0,
    };
    for (event, range) in events {
        r.event(event, range);
    }
    r.flush();
    r.end_footnote();
    r.draft
}

impl Reader<'_> {
    fn canonical(&self, label: &str) -> String {
        self.labels
            .get(&label.to_lowercase())
            .cloned()
            .unwrap_or_else(|| label.to_string())
    }

    fn text(&mut self, text: &str, range: &Range<usize>, scan: bool) {
        if let Some((_, code)) = &mut self.code {
            code.push_str(text);
            return;
        }
        let source = self.src.get(range.clone()) == Some(text);
        self.pieces.push(Piece::Text {
            text: text.to_string(),
            offset: range.start,
            source,
            scan,
        });
    }

    /// A space for a line break, unless one was just added: long whitespace runs make
    /// sentence segmentation (UAX #29 rule SB8 looks ahead) quadratic.
    fn space(&mut self, at: usize) {
        let after_space = self.pieces.iter().rev().find_map(|p| match p {
            Piece::Text { text, .. } if !text.is_empty() => Some(text.ends_with(' ')),
            _ => None,
        });
        if after_space == Some(true) {
            return;
        }
        self.pieces.push(Piece::Text {
            text: " ".to_string(),
            offset: at,
            source: false,
            scan: true,
        });
    }

    fn event(&mut self, event: Event, range: Range<usize>) {
        match event {
            Event::Start(tag) => self.start(tag, range),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => {
                if self.image == 0 || self.code.is_some() {
                    self.text(&t, &range, true);
                }
            }
            Event::Code(t) => {
                if self.image == 0 {
                    self.text(&t, &range, false);
                }
            }
            Event::InlineMath(t) | Event::DisplayMath(t) => self.text(&t, &range, false),
            Event::SoftBreak | Event::HardBreak => self.space(range.start),
            Event::FootnoteReference(label) if !is_label(&label) => {
                // Not a label: the text it is, never scanned for markers again.
                let source = self.src.get(range.clone()).unwrap_or("").to_string();
                self.text(&source, &range, false);
            }
            Event::FootnoteReference(label) => {
                let label = self.canonical(&label);
                self.pieces.push(Piece::Marker {
                    label,
                    offset: range.start,
                    len: range.len(),
                });
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                if let Some((_, code)) = &mut self.code {
                    code.push_str(&h);
                } else if h.trim_start().starts_with("<!--") {
                    let line = self.lines.locate(self.src, range.start).line;
                    self.draft.non_claim(NonClaimKind::Code, h.trim(), line);
                }
            }
            Event::Rule | Event::TaskListMarker(_) => {}
        }
    }

    fn start(&mut self, tag: Tag, range: Range<usize>) {
        match tag {
            Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. } => {}
            Tag::Image { .. } => self.image += 1,
            Tag::MetadataBlock(_) => {
                self.flush();
                self.code = Some((range.start, String::new()));
            }
            Tag::Heading { level, .. } => {
                self.flush();
                self.heading = Some((level as u8, range.start));
            }
            Tag::CodeBlock(_) | Tag::HtmlBlock => {
                self.flush();
                self.code = Some((range.start, String::new()));
            }
            Tag::Table(_) => {
                self.flush();
                self.table += 1;
            }
            Tag::FootnoteDefinition(label) if !is_label(&label) => {
                // Not a label, so no definition: its text is read as any paragraph.
                self.flush();
                self.end_footnote();
            }
            Tag::FootnoteDefinition(label) => {
                self.flush();
                self.end_footnote();
                self.footnote = Some(Definition {
                    label: label.to_string(),
                    offset: range.start,
                    text: String::new(),
                    reference: None,
                });
            }
            Tag::TableCell => self.space(range.start),
            _ => self.flush(),
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link => {}
            TagEnd::Image => self.image = self.image.saturating_sub(1),
            TagEnd::CodeBlock | TagEnd::HtmlBlock | TagEnd::MetadataBlock(_) => {
                if let Some((start, code)) = self.code.take() {
                    let line = self.lines.locate(self.src, start).line;
                    let comment = code.trim_start().starts_with("<!--");
                    let html = matches!(tag, TagEnd::HtmlBlock);
                    if !code.trim().is_empty() && (!html || comment || self.footnote.is_none()) {
                        self.draft.non_claim(NonClaimKind::Code, code.trim(), line);
                    }
                }
            }
            TagEnd::Heading(_) => {
                let pieces = std::mem::take(&mut self.pieces);
                let (text, markers) = self.assemble(pieces, true);
                for (label, offset, len) in markers {
                    self.draft.loose_marker(&label, None, offset, len);
                }
                if let Some((level, start)) = self.heading.take() {
                    let at = self.lines.locate(self.src, start);
                    self.draft
                        .section(&collapse(&text.text), level.max(1), at, false);
                }
            }
            TagEnd::Table => {
                self.flush();
                self.table = self.table.saturating_sub(1);
            }
            TagEnd::TableCell => {}
            TagEnd::FootnoteDefinition => {
                self.flush();
                self.end_footnote();
            }
            _ => self.flush(),
        }
    }

    /// Turn pieces into clean text, taking literal `[^label]` out as markers.
    fn assemble(
        &mut self,
        pieces: Vec<Piece>,
        loose_markers: bool,
    ) -> (CleanText, Vec<(String, usize, usize)>) {
        let mut clean = CleanText::new();
        let mut loose = Vec::new();
        // Literal markers can span pieces ("[", "^x", "]"): find them in the
        // concatenation of scannable text.
        let mut joined = String::new();
        let mut starts = Vec::new();
        for p in &pieces {
            starts.push(joined.len());
            if let Piece::Text { text, .. } = p {
                joined.push_str(text);
            }
        }
        // Code spans are never scanned: a match must lie in scannable pieces only.
        let scannable = |a: usize, b: usize| {
            let first = starts.partition_point(|&s| s <= a).saturating_sub(1);
            pieces[first..]
                .iter()
                .zip(&starts[first..])
                .take_while(|(_, &s)| s < b)
                .all(|(p, &s)| match p {
                    Piece::Text { text, scan, .. } => *scan || s + text.len() <= a,
                    Piece::Marker { .. } => true,
                })
        };
        // Inline notes `^[…]` (Pandoc, markdown-it) are text to pulldown-cmark.
        // Brackets are matched in one pass so unclosed ones cost nothing extra.
        let mut close_of: HashMap<usize, usize> = HashMap::new();
        let mut open: Vec<usize> = Vec::new();
        for (i, b) in joined.bytes().enumerate() {
            match b {
                b'[' => open.push(i),
                b']' => {
                    if let Some(o) = open.pop() {
                        close_of.insert(o, i);
                    }
                }
                _ => {}
            }
        }
        let mut notes: Vec<(usize, usize)> = Vec::new();
        for (i, _) in joined.match_indices("^[") {
            if notes.last().is_some_and(|n| i < n.1) {
                continue;
            }
            if let Some(&c) = close_of.get(&(i + 1)) {
                if c > i + 2 && scannable(i, c + 1) {
                    notes.push((i, c + 1));
                }
            }
        }
        let file_at = |pos: usize| -> usize {
            // Text pieces tile the concatenation: the one holding `pos` is the last
            // non-empty text piece starting at or before it.
            let last = starts.partition_point(|&s| s <= pos);
            for (p, &s) in pieces[..last].iter().zip(&starts[..last]).rev() {
                if let Piece::Text {
                    text,
                    offset,
                    source,
                    ..
                } = p
                {
                    if text.is_empty() {
                        continue;
                    }
                    if pos < s + text.len() {
                        return if *source { offset + (pos - s) } else { *offset };
                    }
                    return *offset;
                }
            }
            0
        };
        let mut cuts: Vec<(usize, usize, String)> = Vec::new();
        for c in LITERAL_MARKER.captures_iter(&joined) {
            let m = c.get(0).unwrap();
            if joined.get(m.end()..).is_some_and(|r| r.starts_with(':')) || !is_label(&c[1]) {
                continue;
            }
            if notes.iter().any(|n| m.start() < n.1 && n.0 < m.end()) {
                continue;
            }
            if scannable(m.start(), m.end()) {
                // Labels match by their source text, as GFM compares them: `[^a\+b]`
                // is not `[^a+b]`, though both read "a+b" once escapes are processed.
                let (from, to) = (file_at(m.start()), file_at(m.end() - 1) + 1);
                let label = self
                    .src
                    .get(from..to)
                    .and_then(|s| s.strip_prefix("[^")?.strip_suffix(']'))
                    .unwrap_or(&c[1]);
                cuts.push((m.start(), m.end(), self.canonical(label)));
            }
        }
        let mut new_notes = Vec::new();
        for &(a, b) in &notes {
            self.inline_notes += 1;
            let label = format!("inline-{}", self.inline_notes);
            let text = collapse(joined.get(a + 2..b - 1).unwrap_or(""));
            new_notes.push((label.clone(), a, text));
            cuts.push((a, b, label));
        }
        cuts.sort_by_key(|c| c.0);
        for (label, at, text) in new_notes {
            let loc = self.lines.locate(self.src, file_at(at));
            self.draft.references.push(Reference::new(label, text, loc));
        }
        let mut cut_i = 0;
        for (p, &s) in pieces.iter().zip(&starts) {
            match p {
                Piece::Marker { label, offset, len } if loose_markers => {
                    loose.push((label.clone(), *offset, *len));
                }
                Piece::Marker { label, offset, len } => clean.marker(label, None, *offset, *len),
                Piece::Text {
                    text,
                    offset,
                    source,
                    ..
                } => {
                    let end = s + text.len();
                    let mut pos = s;
                    while pos < end {
                        // Skip cuts that ended before this point.
                        while cut_i < cuts.len() && cuts[cut_i].1 <= pos {
                            cut_i += 1;
                        }
                        let (seg_end, cut) = match cuts.get(cut_i) {
                            Some(c) if c.0 <= pos => (c.1.min(end), true),
                            Some(c) if c.0 < end => (c.0, false),
                            _ => (end, false),
                        };
                        if cut {
                            let c = &cuts[cut_i];
                            if c.0 >= s {
                                let start = file_at(c.0);
                                let stop = file_at(c.1 - 1) + 1;
                                let len = stop.saturating_sub(start);
                                if loose_markers {
                                    loose.push((c.2.clone(), start, len));
                                } else {
                                    clean.marker(&c.2, None, start, len);
                                }
                            }
                        } else if let Some(seg) = text.get(pos - s..seg_end - s) {
                            if *source {
                                clean.push_source(seg, offset + (pos - s));
                            } else {
                                clean.push_synthetic(seg, *offset);
                            }
                        }
                        pos = seg_end.max(pos + 1);
                    }
                }
            }
        }
        (clean, loose)
    }

    fn flush(&mut self) {
        if self.pieces.is_empty() {
            return;
        }
        let pieces = std::mem::take(&mut self.pieces);
        let first = pieces.first().map(|p| match p {
            Piece::Text { offset, .. } | Piece::Marker { offset, .. } => *offset,
        });
        let line = self.lines.locate(self.src, first.unwrap_or(0)).line;
        let loose = self.footnote.is_some() || self.table > 0;
        let (clean, markers) = self.assemble(pieces, loose);
        if loose {
            // Footnote text and table cells: markers in them cite but are no claim's.
            for (label, offset, len) in markers {
                self.draft.loose_marker(&label, None, offset, len);
            }
            let text = collapse(&clean.text);
            if let Some(def) = &mut self.footnote {
                if !text.is_empty() {
                    if !def.text.is_empty() {
                        def.text.push(' ');
                    }
                    def.text.push_str(&text);
                }
            } else if !text.is_empty() {
                self.draft.non_claim(NonClaimKind::Table, &text, line);
            }
            return;
        }
        self.draft.paragraph(clean, line);
    }

    fn end_footnote(&mut self) {
        let Some(mut def) = self.footnote.take() else {
            return;
        };
        // A definition is the content of the section it stands in: `## References`
        // followed only by `[^1]: …` lines is no empty section.
        if let Some(s) = self.draft.current_section() {
            self.draft.sections[s].blocks += 1;
        }
        let at = self.lines.locate(self.src, def.offset);
        let first = self.canonical(&def.label);
        let duplicate = self
            .draft
            .references
            .iter()
            .any(|r| r.label.to_lowercase() == def.label.to_lowercase());
        if duplicate {
            self.draft.problem(
                Rule::DuplicateReference,
                format!(
                    "footnote [^{}] is defined again; the first definition is used",
                    def.label
                ),
                at,
                Some(first),
            );
            return;
        }
        def.reference = Some(self.draft.references.len());
        self.draft
            .references
            .push(Reference::new(first, def.text, at));
    }
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
