//! Plain-text articles: the World Library export (site header, title, captions, lead,
//! `  • Heading N` table of contents, one line per paragraph, `  n. ^ a b …` reference
//! list, `  • …` bibliography, site footer) and the Markdown-converted encyclopedia pages
//! of the same plain shape (inline `[n]` markers, a trailing list of `[n] text` lines,
//! tables and conversion debris).
//!
//! The text is read as blocks (runs of non-blank lines). What a block is follows from
//! its shape, never from this one sample's wording: a lone short unpunctuated line is a
//! heading, a run of `•` lines ending in numbers is a table of contents, several short
//! lines under the title are captions, several lines of anything else are a table or
//! debris. Prose paragraphs are one line each in both exports.

use std::sync::LazyLock;

use regex::Regex;

use crate::model::{ArticleDraft, BibEntry, CleanText, NonClaimKind, Reference, TocEntry};
use crate::position::{LineIndex, Location};

/// `  • Background and history 1`
static TOC_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*•\s+(.+?)\s+(\d+(?:\.\d+)*)\s*$").unwrap());
/// `  2. ^ a b Soviet-Japanese …` (World Library); the letters are back-links, one a use.
static WL_REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(\d{1,4})\.\s+\^((?:\s+[a-z]{1,2}\b)*)\s*(.*?)\s*$").unwrap()
});
/// A footnote number as the exports show it: 1 to 999, no leading zero. `[0]`,
/// `[001]` and `S[0]` are indices in code and formulas, and four digits are years.
pub(crate) const FOOTNOTE_NUMBER: &str = "[1-9][0-9]{0,2}";
/// `[9] Havron, Michael. …` (Markdown-converted pages); the text may be empty.
static BRACKET_REFERENCE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"^\[({FOOTNOTE_NUMBER})\](?:\s+(.*?))?\s*$")).unwrap());
static BULLET: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:[•*+-]|\d+\.)\s+(.*)$").unwrap());
/// Inline markers: `[7]` (see [`FOOTNOTE_NUMBER`]: a marker above 999 is not
/// supported), and the article's own "[citation needed]" flags.
static INLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"\[({FOOTNOTE_NUMBER})\]|\[(?i:(citation needed|cn|better source needed|verification needed|dubious|unreliable source\??))\]")).unwrap()
});
/// Lines that cannot be prose: table rules and rows, template and link debris.
static DEBRIS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:\+[-=+]|\|\s|\|$|\{\{|\}\}|\]\]|\[\[|!|-{3,}|={3,}|\{\|)").unwrap()
});

static CATEGORY: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?:^|\s)Category:\S").unwrap());

const FOOTER_START: &str = "This article was sourced from";
const HEADER_FIRST: &str = "World Library";

struct Block<'a> {
    /// (byte offset, line number, text) of each non-blank line.
    lines: Vec<(usize, usize, &'a str)>,
    blank_before: usize,
}

impl Block<'_> {
    fn single(&self) -> Option<&str> {
        (self.lines.len() == 1).then(|| self.lines[0].2.trim())
    }
}

pub fn read(text: &str, lines: &LineIndex) -> ArticleDraft {
    let at = |offset: usize| lines.locate(text, offset);
    let mut draft = ArticleDraft::new();

    let mut blocks = split_blocks(text);

    // Site footer: everything from "This article was sourced from…" on.
    if let Some(cut) = blocks
        .iter()
        .flat_map(|b| b.lines.iter())
        .position(|l| l.2.trim_start().starts_with(FOOTER_START))
    {
        let mut seen = 0;
        let mut keep = Vec::new();
        let mut footer = Vec::new();
        for b in blocks {
            let n = b.lines.len();
            if seen + n <= cut {
                keep.push(b);
            } else if seen >= cut {
                footer.push(b);
            } else {
                let split = cut - seen;
                let (head, tail) = b.lines.split_at(split);
                keep.push(Block {
                    lines: head.to_vec(),
                    blank_before: b.blank_before,
                });
                footer.push(Block {
                    lines: tail.to_vec(),
                    blank_before: 0,
                });
            }
            seen += n;
        }
        for b in &footer {
            draft.non_claim(NonClaimKind::Chrome, &block_text(b), b.lines[0].1);
        }
        blocks = keep;
    }

    let mut i = 0;
    // Site header and title.
    let has_header = blocks
        .first()
        .is_some_and(|b| b.lines[0].2.trim() == HEADER_FIRST);
    if has_header {
        draft.non_claim(
            NonClaimKind::Chrome,
            &block_text(&blocks[0]),
            blocks[0].lines[0].1,
        );
        i = 1;
        if let Some(title) = blocks.get(i).and_then(|b| b.single()) {
            draft.title = Some(title.to_string());
            i += 1;
            // The export repeats the title as the page heading.
            if blocks.get(i).and_then(|b| b.single()) == Some(title) {
                i += 1;
            }
        }
    }

    // Table-of-contents titles, so that headings the TOC names are recognised even when
    // they are long.
    let toc_titles: Vec<String> = blocks
        .iter()
        .filter(|b| is_toc(b))
        .flat_map(|b| {
            b.lines
                .iter()
                .filter_map(|l| TOC_LINE.captures(l.2))
                .map(|c| c[1].trim().to_lowercase())
        })
        .collect();

    let mut seen_prose = false;
    let mut in_references = false;
    while i < blocks.len() {
        let b = &blocks[i];
        i += 1;
        let first = b.lines[0];

        if is_toc(b) {
            for &(_, line, l) in &b.lines {
                if let Some(c) = TOC_LINE.captures(l) {
                    draft.toc.push(TocEntry {
                        title: c[1].trim().to_string(),
                        number: Some(c[2].to_string()),
                        line,
                        section: None,
                    });
                }
            }
            draft.non_claim(NonClaimKind::TableOfContents, &block_text(b), first.1);
            continue;
        }

        if b.lines.iter().any(|l| is_reference_line(l.2)) {
            in_references = true;
            start_reference_section(&mut draft, at(first.0));
            for &(offset, line, l) in &b.lines {
                if let Some(r) = reference(l, offset, &at) {
                    draft.references.push(r);
                } else if let Some(c) = BULLET.captures(l) {
                    draft
                        .bibliography
                        .push(bib_entry(c.get(1).unwrap().as_str(), line));
                } else if !l.trim().is_empty() {
                    // Continuation of the previous entry (a wrapped line).
                    if let Some(last) = draft.references.last_mut() {
                        last.text = format!("{} {}", last.text, l.trim()).trim().to_string();
                    } else {
                        draft.non_claim(NonClaimKind::BackMatter, l.trim(), line);
                    }
                }
            }
            continue;
        }

        if in_references && b.lines.iter().all(|l| BULLET.is_match(l.2)) {
            for &(_, line, l) in &b.lines {
                let c = BULLET.captures(l).unwrap();
                draft
                    .bibliography
                    .push(bib_entry(c.get(1).unwrap().as_str(), line));
            }
            continue;
        }

        if let Some(line) = b.single() {
            if is_heading(line, &toc_titles) {
                let level = heading_level(line, &draft, b.blank_before);
                let start = first.0 + (first.2.len() - first.2.trim_start().len());
                let s = draft.section(line, level, at(start), false);
                // Plain text has no heading levels to nest by: a heading after back
                // matter ("Bibliography", then "Primary sources") whose content is a
                // list is more of the back matter; one followed by prose ends it.
                let after_back_matter = s > 0 && draft.sections[s - 1].back_matter;
                let list_follows = blocks
                    .get(i)
                    .is_some_and(|next| next.lines.iter().all(|l| BULLET.is_match(l.2)));
                if after_back_matter && list_follows {
                    draft.sections[s].back_matter = true;
                }
                continue;
            }
            // Category lines, sometimes behind navigation-box debris ("Vietnam Open
            // (tennis) Category:…"), are navigation, not prose.
            if CATEGORY.is_match(line) {
                draft.non_claim(NonClaimKind::BackMatter, line, first.1);
                continue;
            }
        }

        if b.lines.iter().all(|l| BULLET.is_match(l.2)) {
            // A list: each item is a paragraph of its own. An item that only names
            // something (a person, a title, a link) states nothing to cite.
            for &(offset, line, l) in &b.lines {
                let c = BULLET.captures(l).unwrap();
                let item = c.get(1).unwrap();
                if !INLINE.is_match(item.as_str()) && crate::model::is_bare_entry(item.as_str()) {
                    draft.non_claim(NonClaimKind::ListEntry, item.as_str().trim(), line);
                    continue;
                }
                draft.paragraph(prose(&[(offset + item.start(), line, item.as_str())]), line);
            }
            seen_prose = true;
            continue;
        }

        // What is left of an image caption when its `[[File:…|` start was lost: text up
        // to a `]]` that no `[[` opens. It is the caption's, not prose; what follows it
        // on the line is read as usual.
        let mut b = b;
        let trimmed_block;
        if let Some((from, cut)) = caption_leftover(first.2) {
            let before = &first.2[..from];
            if !before.trim().is_empty() {
                // The paragraph the caption was glued to.
                draft.paragraph(prose(&[(first.0, first.1, before)]), first.1);
                seen_prose = true;
            }
            let caption = &first.2[from..cut];
            // Markers in it still cite their references.
            for c in INLINE.captures_iter(caption) {
                if let Some(n) = c.get(1) {
                    let m = c.get(0).unwrap();
                    draft.loose_marker(n.as_str(), None, first.0 + from + m.start(), m.len());
                }
            }
            draft.non_claim(NonClaimKind::Caption, caption.trim(), first.1);
            let rest = &first.2[cut..];
            if rest.trim().is_empty() && b.lines.len() == 1 {
                continue;
            }
            let mut lines = b.lines.clone();
            if rest.trim().is_empty() {
                lines.remove(0);
            } else {
                lines[0] = (first.0 + cut, first.1, rest);
            }
            trimmed_block = Block {
                lines,
                blank_before: b.blank_before,
            };
            b = &trimmed_block;
        }
        let first = b.lines[0];

        if b.lines.iter().any(|l| DEBRIS.is_match(l.2)) || b.lines.len() > 1 {
            // Several lines in an export that writes a paragraph per line: captions
            // under the title, otherwise a table or conversion debris. Markers in it
            // still cite their references.
            let kind = if !seen_prose
                && draft.sections.is_empty()
                && b.lines.iter().all(|l| l.2.trim().chars().count() <= 200)
            {
                NonClaimKind::Caption
            } else {
                NonClaimKind::Table
            };
            for &(offset, _, l) in &b.lines {
                for c in INLINE.captures_iter(l) {
                    if let Some(n) = c.get(1) {
                        let m = c.get(0).unwrap();
                        draft.loose_marker(n.as_str(), None, offset + m.start(), m.len());
                    }
                }
            }
            draft.non_claim(kind, &block_text(b), first.1);
            continue;
        }

        let para = prose(&b.lines);
        draft.paragraph(para, first.1);
        seen_prose = true;
    }
    draft
}

fn split_blocks(text: &str) -> Vec<Block<'_>> {
    let mut blocks = Vec::new();
    let mut current: Vec<(usize, usize, &str)> = Vec::new();
    let mut blank = 0;
    let mut blank_before = 0;
    let mut offset = 0;
    for (n, raw) in text.split_inclusive('\n').enumerate() {
        let line = raw.trim_end_matches(['\n', '\r']);
        if line.trim().is_empty() {
            if !current.is_empty() {
                blocks.push(Block {
                    lines: std::mem::take(&mut current),
                    blank_before,
                });
                blank = 0;
            }
            blank += 1;
        } else {
            if current.is_empty() {
                blank_before = blank;
            }
            current.push((offset, n + 1, line));
        }
        offset += raw.len();
    }
    if !current.is_empty() {
        blocks.push(Block {
            lines: current,
            blank_before,
        });
    }
    blocks
}

fn block_text(b: &Block) -> String {
    b.lines
        .iter()
        .map(|l| l.2.trim())
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_toc(b: &Block) -> bool {
    b.lines.len() >= 2 && b.lines.iter().all(|l| TOC_LINE.is_match(l.2))
}

fn is_reference_line(line: &str) -> bool {
    WL_REFERENCE.is_match(line) || BRACKET_REFERENCE.is_match(line)
}

fn reference(line: &str, offset: usize, at: &dyn Fn(usize) -> Location) -> Option<Reference> {
    let (label, letters, text, start) = if let Some(c) = WL_REFERENCE.captures(line) {
        let letters = c[2].split_whitespace().count();
        (
            c[1].to_string(),
            Some(letters.max(1)),
            c[3].to_string(),
            c.get(1).unwrap().start(),
        )
    } else {
        let c = BRACKET_REFERENCE.captures(line)?;
        let text = c.get(2).map_or("", |m| m.as_str()).to_string();
        (c[1].to_string(), None, text, 0)
    };
    let loc = at(offset + start);
    Some(Reference {
        declared_uses: letters,
        ..Reference::new(label, text, loc)
    })
}

fn bib_entry(text: &str, line: usize) -> BibEntry {
    let text = text.trim().to_string();
    BibEntry {
        fields: crate::citation::fields_from_text(&text),
        text,
        line,
        link: None,
    }
}

/// A reference list needs a section to live in: a references-like heading if the
/// article has one, otherwise a made-up "References" section (the World Library export
/// drops that heading but keeps it in the table of contents).
fn start_reference_section(draft: &mut ArticleDraft, at: Location) {
    let existing = draft
        .sections
        .iter()
        .position(|s| is_references_heading(&s.heading));
    let s = match existing {
        Some(s) => s,
        None => draft.section("References", 2, at, true),
    };
    draft.sections[s].blocks += 1;
}

fn is_references_heading(h: &str) -> bool {
    matches!(
        h.trim().to_lowercase().as_str(),
        "references"
            | "notes"
            | "footnotes"
            | "citations"
            | "notes and references"
            | "references and notes"
            | "sources"
    )
}

fn is_heading(line: &str, toc_titles: &[String]) -> bool {
    if toc_titles.iter().any(|t| t == &line.to_lowercase()) {
        return true;
    }
    let words = line.split_whitespace().count();
    // What a heading may carry around its words: quotes (`"Song"`) and a trailing
    // parenthesis (`Treaty of Examplestadt (1901)`, `Mercury (film)`). A line in
    // _emphasis_ is text ("_No events_"), not a heading.
    let core = strip_heading_decoration(line);
    let first = core.chars().next().unwrap_or(' ');
    let last = core.chars().last().unwrap_or('.');
    words <= 10
        && line.chars().count() <= 80
        && (first.is_uppercase() || first.is_ascii_digit())
        && !".,;:!?\"”')]}".contains(last)
        && !line.contains('[')
        && !line.contains('|')
        && !line.contains('_')
        && !line.contains("  ")
        && !line.contains("Category:")
}

/// A heading's words without the quotes around them (`"Song"`, a pair around the whole
/// line) and a trailing year or disambiguation (`Treaty of Examplestadt (1901)`,
/// `Mercury (film)`, `Reign (1901–1910)`). Other parentheses ("Week 6: … 24 (OT)") stay:
/// they end table rows and results more often than headings.
fn strip_heading_decoration(line: &str) -> &str {
    let mut core = line.trim();
    if let Some(open) = core.rfind(" (") {
        let inner = core[open + 2..].strip_suffix(')').unwrap_or("");
        let year = inner.len() >= 4
            && inner
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '–' | '-'))
            && inner.chars().take(4).all(|c| c.is_ascii_digit());
        let disambiguation = !inner.is_empty()
            && inner.split(' ').count() <= 2
            && inner.chars().all(|c| c.is_lowercase() || c == ' ');
        if year || disambiguation {
            core = core[..open].trim_end();
        }
    }
    for (open, close) in [('"', '"'), ('“', '”')] {
        if let Some(inner) = core.strip_prefix(open).and_then(|c| c.strip_suffix(close)) {
            if !inner.contains(open) && !inner.contains(close) {
                return inner.trim();
            }
        }
    }
    core
}

/// Where an image caption's leftover sits on a line, as a byte range ending just after
/// a `]]` that no `[[` opens. Conversion glues it to the paragraph before it ("… in
/// 1924.[13] tank, remains as symbol of the war.]]"), so it starts after the last
/// sentence end (a full stop and a space, or a marker and a space) before the `]]`.
fn caption_leftover(line: &str) -> Option<(usize, usize)> {
    let close = line.find("]]")?;
    let head = &line[..close];
    if head.contains("[[") || head.trim().is_empty() {
        return None;
    }
    let bytes = head.as_bytes();
    let from = (1..bytes.len())
        .rev()
        .find(|&i| bytes[i] == b' ' && matches!(bytes[i - 1], b'.' | b'!' | b'?' | b']'))
        .map_or(0, |i| i + 1);
    (!head[from..].trim().is_empty()).then_some((from, close + 2))
}

fn heading_level(line: &str, draft: &ArticleDraft, blank_before: usize) -> u8 {
    if let Some(t) = draft
        .toc
        .iter()
        .find(|t| t.title.eq_ignore_ascii_case(line))
    {
        let depth = t.number.as_deref().map_or(0, |n| n.matches('.').count());
        return 2 + depth as u8;
    }
    let has_level2 = draft.sections.iter().any(|s| s.level == 2);
    if blank_before >= 2 || !has_level2 {
        return 2;
    }
    // One blank line before says "level 3 or deeper" and no more. A heading straight
    // after such a heading with no text of its own is its subsection: the text of
    // "First World War" sits in "Western Front" below it, and it is no empty section.
    // Not below back matter: prose after an empty "Notes" is no note.
    match draft.sections.last() {
        Some(last)
            if last.level >= 3 && last.blocks == 0 && !last.synthetic && !last.back_matter =>
        {
            (last.level + 1).min(6)
        }
        _ => 3,
    }
}

/// Clean text of a prose paragraph: its lines joined by spaces, markers taken out and
/// remembered where they stood.
fn prose(lines: &[(usize, usize, &str)]) -> CleanText {
    let mut clean = CleanText::new();
    for (k, &(offset, _, line)) in lines.iter().enumerate() {
        if k > 0 {
            clean.push_synthetic(" ", offset);
        }
        let body = line.trim_end();
        let lead = body.len() - body.trim_start().len();
        let mut pos = lead;
        for c in INLINE.captures_iter(body) {
            let m = c.get(0).unwrap();
            if m.start() < pos {
                continue;
            }
            clean.push_source(&body[pos..m.start()], offset + pos);
            match c.get(1) {
                Some(n) => clean.marker(n.as_str(), None, offset + m.start(), m.len()),
                None => clean.citation_needed(),
            }
            pos = m.end();
        }
        clean.push_source(&body[pos..], offset + pos);
    }
    clean
}
