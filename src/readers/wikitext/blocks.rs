//! Blocks: the page line by line (a line here does not end inside a template, link,
//! comment or ref) into headings, paragraphs, list items, tables, reference lists and
//! block templates. Each block's text is rendered inline with the recorder as the sink
//! of its events, before the block itself is added to the article.

use std::sync::LazyLock;

use regex::Regex;

use super::inline::{Mode, Renderer};
use super::record::Recorder;
use super::scan::{attr, template_name, Scan, TAG};
use super::templates::{self, Template};
use super::{collapse, space};
use crate::model::{ArticleDraft, BibEntry, CleanText, NonClaimKind};

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

static HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(={1,6})[ \t]*(.*?)[ \t]*(={1,6})[ \t]*$").unwrap());

pub(super) struct Blocks<'s, 'a> {
    scan: &'s Scan<'a>,
    recorder: Recorder<'s, 'a>,
}

impl<'s, 'a> Blocks<'s, 'a> {
    pub fn new(scan: &'s Scan<'a>) -> Self {
        Blocks {
            scan,
            recorder: Recorder::new(scan),
        }
    }

    pub fn finish(self) -> ArticleDraft {
        self.recorder.finish()
    }

    fn draft(&mut self) -> &mut ArticleDraft {
        &mut self.recorder.draft
    }

    fn slice(&self, s: usize, e: usize) -> &'a str {
        self.scan.slice(s, e)
    }

    /// Render `s..e` into `out`, its events recorded.
    fn inline(&mut self, s: usize, e: usize, out: &mut CleanText, mode: Mode) {
        let renderer = Renderer { scan: self.scan };
        renderer.inline(s, e, out, &mut self.recorder, mode, 0);
    }

    /// Render `s..e` for its events alone.
    fn record(&mut self, s: usize, e: usize, mode: Mode) -> CleanText {
        let mut scratch = CleanText::new();
        self.inline(s, e, &mut scratch, mode);
        scratch
    }

    pub fn read(&mut self) {
        let n = self.scan.len();
        let mut pos = 0;
        let mut para: Vec<(usize, usize)> = Vec::new();
        while pos < n {
            let eol = self.scan.logical_line_end(pos);
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
                self.draft().non_claim(NonClaimKind::Chrome, body, 1);
                pos = next;
                continue;
            }
            if let Some(c) = HEADING.captures(strip_trailing_comments(line)) {
                let level = c[1].len().min(c[3].len());
                if level >= 1 && !c[2].trim().is_empty() && !line.contains('\n') {
                    self.flush(&mut para);
                    let h = c.get(2).unwrap();
                    let clean = self.record(pos + h.start(), pos + h.end(), Mode::Loose);
                    let heading = collapse(&clean.text);
                    let heading = if heading.is_empty() {
                        h.as_str().to_string()
                    } else {
                        heading
                    };
                    let at = self.scan.at(pos);
                    self.draft().section(&heading, level as u8, at, false);
                    pos = next;
                    continue;
                }
            }
            if body.trim_start_matches(':').trim_start().starts_with("{|") {
                self.flush(&mut para);
                let end = self.table_end(pos);
                let clean = self.record(pos, end, Mode::Loose);
                let line_no = self.scan.at(pos).line;
                self.draft()
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
                let close = self.scan.next_close(&format!("</{name}"), start);
                let stop = close.map_or(eol, |c| self.scan.logical_line_end(c).max(eol));
                self.record(start, stop, Mode::Loose);
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
                if let Some(&end) = self.scan.braces.get(&start) {
                    let rest = self.slice(end, eol);
                    let name = template_name(self.slice(start + 2, end.saturating_sub(2)));
                    if rest.trim().is_empty() && templates::is_block(&name) {
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
        let draft = &self.recorder.draft;
        let s = draft.current_section()?;
        let sec = &draft.sections[s];
        sec.back_matter.then(|| sec.heading.to_lowercase())
    }

    fn count_block(&mut self) {
        if let Some(s) = self.draft().current_section() {
            self.draft().sections[s].blocks += 1;
        }
    }

    fn flush(&mut self, para: &mut Vec<(usize, usize)>) {
        if para.is_empty() {
            return;
        }
        let ranges = std::mem::take(para);
        let first = ranges[0].0;
        let line = self.scan.at(first).line;
        let back = self.current_back_matter();
        let mode = if back.is_some() {
            Mode::Loose
        } else {
            Mode::Claim
        };
        let cites_before = self.recorder.cites.len();
        let mut clean = CleanText::new();
        for (k, &(s, e)) in ranges.iter().enumerate() {
            if k > 0 {
                space(&mut clean, s);
            }
            self.inline(s, e, &mut clean, mode);
        }
        match back {
            None => self.draft().paragraph(clean, line),
            Some(heading) => {
                let text = collapse(&clean.text);
                if text.is_empty() {
                    return;
                }
                let bibliographic = !matches!(heading.as_str(), "see also" | "external links");
                if bibliographic && self.recorder.cites.len() > cites_before {
                    let fields = self.recorder.cites[cites_before].clone();
                    self.draft().bibliography.push(BibEntry {
                        text,
                        line,
                        fields,
                        link: None,
                    });
                    self.count_block();
                } else {
                    self.draft()
                        .non_claim(NonClaimKind::BackMatter, &text, line);
                }
            }
        }
    }

    /// End (offset of the last byte's line end) of a `{| … |}` table starting at `pos`.
    fn table_end(&self, pos: usize) -> usize {
        let n = self.scan.len();
        let mut depth = 0usize;
        let mut p = pos;
        while p < n {
            let eol = self.scan.logical_line_end(p);
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
        let n = self.scan.len();
        self.count_block();
        let Some(caps) = self.scan.src.get(pos..).and_then(|s| TAG.captures(s)) else {
            return self.scan.logical_line_end(pos) + 1;
        };
        let tag_end = pos + caps[0].len();
        let group = attr(caps.get(3).map_or("", |m| m.as_str()), "group").filter(|g| !g.is_empty());
        if !caps[4].is_empty() {
            self.recorder.list_closed(group);
            return self.scan.logical_line_end(tag_end).saturating_add(1).min(n);
        }
        let close = self.scan.next_close("</references", tag_end);
        let content_end = close.unwrap_or(n);
        let mode = Mode::ListDefined {
            group: group.as_deref(),
        };
        self.record(tag_end, content_end, mode);
        self.recorder.list_closed(group.clone());
        let after = close.map_or(n, |c| {
            self.scan
                .src
                .get(c..)
                .and_then(|s| s.find('>'))
                .map_or(n, |k| c + k + 1)
        });
        (self.scan.logical_line_end(after) + 1).min(n)
    }

    fn block_template(&mut self, start: usize, end: usize, name: &str) {
        let line = self.scan.at(start).line;
        if templates::lookup(name) == Template::ReferenceList {
            self.count_block();
            let params = self.scan.params(start, end);
            let group = params
                .iter()
                .find(|p| p.0.as_deref() == Some("group"))
                .map(|p| collapse(self.slice(p.1, p.2)))
                .filter(|g| !g.is_empty());
            // `refs=` holds list-defined refs; editors also put them in a positional
            // parameter, which MediaWiki reads the same lenient way.
            for (key, s, e) in params {
                if key.is_none() || key.as_deref() == Some("refs") {
                    let mode = Mode::ListDefined {
                        group: group.as_deref(),
                    };
                    self.record(s, e, mode);
                }
            }
            self.recorder.list_closed(group);
            return;
        }
        let scratch = self.record(start, end, Mode::Loose);
        let multi_line = self.slice(start, end).contains('\n');
        if multi_line || name.starts_with("infobox") {
            let text = collapse(&scratch.text);
            let text = if text.is_empty() {
                name.to_string()
            } else {
                text
            };
            self.draft().non_claim(NonClaimKind::Table, &text, line);
        }
    }
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
