//! Inline rendering: the clean text of a range (markup stripped, links shown by their
//! label, known templates rendered), with footnotes, citations and everything else
//! that is not text reported as [`Event`]s to a [`Sink`]. The renderer keeps no state
//! of the article: what an event means is the sink's business.

use std::sync::LazyLock;

use regex::Regex;

use super::events::{Discard, Event, Footnote, Placement, Sink};
use super::scan::{
    attr, decode_char_refs, decode_text_ref, decode_text_refs, template_name, Param, Scan, CHAR_REF,
};
use super::templates::{self, date_text, join_authors, render_citation, Template};
use super::{collapse, space};
use crate::citation::CitationFields;
use crate::model::{CleanText, NonClaimKind};
use crate::rule::Rule;

/// Templates nest; hostile input can nest them thousands deep.
const MAX_DEPTH: usize = 40;

static EXTERNAL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\[(?:https?:|ftp:)?//[^\s\]\[<>]*([ \t]+[^\]\n]*)?\]").unwrap());

/// Tags whose content is not prose, skipped as a whole.
const SKIPPED_TAGS: &[&str] = &[
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

/// What the text being rendered is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Mode<'g> {
    /// Article prose: markers are part of the sentence text.
    Claim,
    /// Non-claim text (tables, infoboxes, back matter): markers still cite.
    Loose,
    /// Inside a `<references group=…>` list or `{{reflist|refs=}}`: refs are
    /// definitions only, in the list's group unless they name their own.
    ListDefined { group: Option<&'g str> },
}

impl Mode<'_> {
    fn placement(self) -> Placement {
        match self {
            Mode::Claim => Placement::Claim,
            Mode::Loose => Placement::Loose,
            Mode::ListDefined { .. } => Placement::List,
        }
    }

    fn is_list(self) -> bool {
        matches!(self, Mode::ListDefined { .. })
    }

    /// The mode of text nested in non-claim constructs (a caption, a template's
    /// parameters): a list stays a list, anything else becomes loose.
    fn nested(self) -> Self {
        if self.is_list() {
            self
        } else {
            Mode::Loose
        }
    }
}

pub(super) struct Renderer<'s, 'a> {
    pub scan: &'s Scan<'a>,
}

impl<'a> Renderer<'_, 'a> {
    fn slice(&self, s: usize, e: usize) -> &'a str {
        self.scan.slice(s, e)
    }

    /// Clean text of a range alone: whatever it holds is reported to no one.
    pub fn plain(&self, s: usize, e: usize, depth: usize) -> String {
        let mut clean = CleanText::new();
        self.inline(s, e, &mut clean, &mut Discard, Mode::Loose, depth);
        collapse(&clean.text)
    }

    /// Clean text of `start..end` into `out`: markup stripped, refs reported as
    /// footnotes, templates rendered or dropped.
    pub fn inline(
        &self,
        start: usize,
        end: usize,
        out: &mut CleanText,
        sink: &mut dyn Sink,
        mode: Mode,
        depth: usize,
    ) {
        let end = end.min(self.scan.len());
        if depth > MAX_DEPTH {
            return;
        }
        let b = self.scan.src.as_bytes();
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
                    if let Some(&ce) = self.scan.comments.get(&i) {
                        flush!();
                        i = ce.min(end).max(i + 1);
                        text_start = i;
                        continue;
                    }
                    if self.scan.is_ref_open(i) {
                        flush!();
                        text_start = i;
                        match self.reference(i, end, out, sink, mode, depth) {
                            Some(next) => {
                                i = next.max(i + 1);
                                text_start = i;
                            }
                            None => i += 1,
                        }
                        continue;
                    }
                    // The text before the tag first: a tag may add text (`<nowiki>`'s
                    // content, a space for `<br>`).
                    flush!();
                    text_start = i;
                    match self.html_tag(i, end, out, sink, depth) {
                        Some(next) => {
                            i = next.max(i + 1);
                            text_start = i;
                        }
                        None => i += 1,
                    }
                }
                b'{' => match self.scan.braces.get(&i).copied().filter(|&e| e <= end) {
                    Some(te) => {
                        flush!();
                        self.template(i, te, out, sink, mode, depth + 1);
                        i = te;
                        text_start = i;
                    }
                    None => i += 1,
                },
                b'[' => {
                    if let Some(le) = self.scan.brackets.get(&i).copied().filter(|&e| e <= end) {
                        flush!();
                        self.wikilink(i, le, out, sink, mode, depth + 1);
                        i = le;
                        text_start = i;
                    } else if let Some(m) =
                        self.scan.src.get(i..end).and_then(|s| EXTERNAL.captures(s))
                    {
                        flush!();
                        if let Some(label) = m.get(1) {
                            let ls = i + label.start();
                            let ls = ls + (label.len() - label.as_str().trim_start().len());
                            self.inline(ls, i + label.end(), out, sink, mode, depth + 1);
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
                b'&' => match self.scan.src.get(i..end).and_then(|s| CHAR_REF.find(s)) {
                    Some(m) => {
                        flush!();
                        out.push_synthetic(&decode_text_ref(m.as_str()), i);
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

    /// `s..e` as text, markup and all, its character references decoded: each maps to
    /// its own offset, the text between them is copied.
    fn push_text(&self, out: &mut CleanText, s: usize, e: usize) {
        let mut from = s;
        let mut i = s;
        while i < e {
            let r = (self.scan.src.as_bytes()[i] == b'&')
                .then(|| self.slice(i, e))
                .and_then(|t| CHAR_REF.find(t));
            match r {
                Some(m) => {
                    out.push_source(self.slice(from, i), from);
                    out.push_synthetic(&decode_text_ref(m.as_str()), i);
                    i += m.len();
                    from = i;
                }
                None => i += 1,
            }
        }
        out.push_source(self.slice(from, e), from);
    }

    /// Events of `s..e` rendered as text nobody reads (a caption, a note's content):
    /// the events count, the text is returned.
    fn scratch(
        &self,
        s: usize,
        e: usize,
        sink: &mut dyn Sink,
        mode: Mode,
        depth: usize,
    ) -> CleanText {
        let mut scratch = CleanText::new();
        self.inline(s, e, &mut scratch, sink, mode, depth);
        scratch
    }

    /// An HTML-like tag at `i`; returns where to continue, or `None` if it is not one.
    fn html_tag(
        &self,
        i: usize,
        end: usize,
        out: &mut CleanText,
        sink: &mut dyn Sink,
        depth: usize,
    ) -> Option<usize> {
        let caps = super::scan::TAG.captures(self.scan.src.get(i..end)?)?;
        let name = caps[2].to_ascii_lowercase();
        let tag_end = i + caps[0].len();
        let closing = !caps[1].is_empty();
        let self_closing = !caps[4].is_empty();
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
        if name == "nowiki" || SKIPPED_TAGS.contains(&name.as_str()) {
            let c = self
                .scan
                .next_close(&format!("</{name}"), tag_end)
                .filter(|&c| c < end);
            if name == "nowiki" && c.is_none() {
                // Left open: no tag at all (as MediaWiki's preprocessor reads it), so
                // the refs after it in the paragraph are still read.
                return Some(tag_end);
            }
            let content_end = c.unwrap_or(end);
            let after = c.map_or(end, |c| {
                self.scan
                    .src
                    .get(c..end)
                    .and_then(|s| s.find('>'))
                    .map_or(end, |k| c + k + 1)
            });
            if name == "nowiki" {
                // `<nowiki>` stops markup, not character references.
                self.push_text(out, tag_end, content_end);
            } else if name == "references" {
                let group = attr(caps.get(3).map_or("", |m| m.as_str()), "group");
                let mode = Mode::ListDefined {
                    group: group.as_deref(),
                };
                self.scratch(tag_end, content_end, sink, mode, depth + 1);
            } else {
                let kind = if name == "gallery" {
                    NonClaimKind::Caption
                } else {
                    NonClaimKind::Code
                };
                let text = self.slice(tag_end, content_end).trim().to_string();
                if !text.is_empty() {
                    sink.event(Event::NonClaim { kind, text, at: i }, out);
                }
            }
            return Some(after);
        }
        Some(tag_end)
    }

    /// A `<ref …>` at `i`. Returns where to continue, or `None` when the opener is text:
    /// its `</ref>` lies beyond `end`, so the opener sits inside another ref's content
    /// (`<ref>a <ref>b</ref>`), where MediaWiki shows it as it is.
    fn reference(
        &self,
        i: usize,
        end: usize,
        out: &mut CleanText,
        sink: &mut dyn Sink,
        mode: Mode,
        depth: usize,
    ) -> Option<usize> {
        let r = self.scan.ref_extent(i)?;
        if r.content.is_some() && r.end > end {
            return None;
        }
        let name = attr(r.attrs, "name").filter(|n| !n.is_empty());
        let follow = attr(r.attrs, "follow").filter(|n| !n.is_empty());
        let group = attr(r.attrs, "group")
            .filter(|g| !g.is_empty())
            .or_else(|| match mode {
                Mode::ListDefined { group } => group.map(str::to_string),
                _ => None,
            });
        let (content, after) = match r.content {
            Some((cs, ce)) => (Some((cs, ce)), r.end),
            None if r.end == r.tag_end => (None, r.tag_end),
            None => {
                // Unclosed: MediaWiki swallows the rest of the page; keeping the
                // damage to the paragraph is more useful to the writer.
                let stop = self
                    .scan
                    .src
                    .get(r.tag_end..end)
                    .and_then(|s| s.find("\n\n"))
                    .map_or(end, |k| r.tag_end + k);
                let problem = Event::Problem {
                    rule: Rule::UnclosedRef,
                    message: "<ref> is never closed with </ref>".to_string(),
                    at: i,
                    footnote: name.clone(),
                };
                sink.event(problem, out);
                (Some((r.tag_end, stop)), stop)
            }
        };
        let footnote = Footnote {
            at: i,
            len: after.saturating_sub(i),
            name,
            group,
            follow,
            placement: mode.placement(),
        };
        let has_content = content.is_some_and(|(s, e)| !self.slice(s, e).trim().is_empty());
        match (has_content, &footnote.name) {
            (false, Some(_)) if !mode.is_list() => sink.event(Event::RefUse(footnote), out),
            (false, _) => {
                let message = if mode.is_list() {
                    "a ref in a reference list needs a name and content"
                } else {
                    "a <ref> with neither content nor a name cites nothing"
                };
                sink.event(empty_reference(message.to_string(), i), out);
            }
            (true, None) if mode.is_list() => {
                let message = "a ref in a reference list has no name, so nothing can cite it";
                sink.event(empty_reference(message.to_string(), i), out);
            }
            (true, _) => {
                let content = content.unwrap_or((r.tag_end, r.tag_end));
                self.footnote_with_content(footnote, content, out, sink, depth);
            }
        }
        Some(after)
    }

    /// A footnote and its content: opened, the content rendered (markers inside it,
    /// an `{{efn}}` in a note, still cite), closed with the content's text.
    fn footnote_with_content(
        &self,
        footnote: Footnote,
        (s, e): (usize, usize),
        out: &mut CleanText,
        sink: &mut dyn Sink,
        depth: usize,
    ) {
        sink.event(Event::RefOpen(footnote), out);
        let content = self.scratch(s, e, sink, Mode::Loose, depth + 1);
        let text = collapse(&content.text);
        sink.event(Event::RefClose { text }, out);
    }

    fn template(
        &self,
        start: usize,
        end: usize,
        out: &mut CleanText,
        sink: &mut dyn Sink,
        mode: Mode,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        let inner = self.slice(start + 2, end.saturating_sub(2));
        let name = template_name(inner);
        let params = self.scan.params(start, end);
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
        let collapsed = |(s, e): (usize, usize)| collapse(self.slice(s, e));
        // A name or group given to a template reaches MediaWiki as a tag attribute.
        let attribute = |r: (usize, usize)| decode_char_refs(&collapsed(r)).into_owned();
        // A parameter shown as text: its character references read as characters.
        let shown = |(s, e): (usize, usize)| collapse(&decode_text_refs(self.slice(s, e)));
        let mut keep = |out: &mut CleanText, r: Option<(usize, usize)>| {
            if let Some((s, e)) = r {
                let v = self.slice(s, e);
                let lead = v.len() - v.trim_start().len();
                let trail = v.len() - v.trim_end().len();
                self.inline(s + lead, e - trail, out, sink, mode, depth + 1);
            }
        };
        match templates::lookup(&name) {
            Template::Citation => {
                let fields = self.citation_fields(&params, depth);
                let text = render_citation(&fields);
                sink.event(Event::Citation(fields), out);
                if mode != Mode::Claim {
                    out.push_synthetic(&text, start);
                }
            }
            Template::CitationNeeded => sink.event(Event::CitationNeeded, out),
            Template::Short {
                footnote,
                author_year,
            } => {
                let parts: Vec<String> = positional
                    .iter()
                    .map(|&r| shown(r))
                    .filter(|p| !p.is_empty())
                    .collect();
                let (authors, year) = match parts.split_last() {
                    Some((y, a)) if !a.is_empty() => (a.to_vec(), y.clone()),
                    _ => (parts.clone(), String::new()),
                };
                let pages = ["p", "pp", "page", "pages", "loc"]
                    .iter()
                    .find_map(|k| named(k))
                    .map(shown)
                    .unwrap_or_default();
                let who = join_authors(&authors);
                let mut text = format!("{who} {year}").trim().to_string();
                if !pages.is_empty() {
                    let p = if named("pp").is_some() { "pp." } else { "p." };
                    text = format!("{text}, {p} {pages}");
                }
                let author = authors.first().cloned().unwrap_or_default();
                if footnote && !mode.is_list() {
                    let event = Event::ShortFootnote {
                        at: start,
                        len: end - start,
                        text,
                        author,
                        year,
                        pages,
                        placement: mode.placement(),
                    };
                    sink.event(event, out);
                } else {
                    let shown = if author_year {
                        format!("{who} ({year})")
                    } else {
                        text
                    };
                    let event = Event::ShortCitation {
                        author,
                        year,
                        pages,
                    };
                    sink.event(event, out);
                    out.push_synthetic(&shown, start);
                }
            }
            Template::Note { group } => {
                let group = group
                    .map(str::to_string)
                    .or_else(|| named("group").map(attribute))
                    .filter(|g| !g.is_empty());
                let ref_name = named("name").map(attribute).filter(|n| !n.is_empty());
                let content = positional.first().copied().or_else(|| named("1"));
                let has = content.is_some_and(|(s, e)| !self.slice(s, e).trim().is_empty());
                if !has && ref_name.is_none() {
                    let message = format!("{{{{{name}}}}} with neither content nor a name");
                    sink.event(empty_reference(message, start), out);
                    return;
                }
                if mode.is_list() && (ref_name.is_none() || !has) {
                    // In a list a note is a definition: without content (or a name to
                    // define) it does nothing.
                    return;
                }
                let footnote = Footnote {
                    at: start,
                    len: end - start,
                    name: ref_name,
                    group,
                    follow: None,
                    placement: mode.placement(),
                };
                match content.filter(|_| has) {
                    Some(c) => self.footnote_with_content(footnote, c, out, sink, depth),
                    None => sink.event(Event::RefUse(footnote), out),
                }
            }
            Template::NamedUses => {
                if mode.is_list() {
                    return;
                }
                for &r in &positional {
                    let n = attribute(r);
                    if n.is_empty() {
                        continue;
                    }
                    let footnote = Footnote {
                        at: start,
                        len: end - start,
                        name: Some(n),
                        group: None,
                        follow: None,
                        placement: mode.placement(),
                    };
                    sink.event(Event::RefUse(footnote), out);
                }
            }
            Template::LastParameter => keep(out, positional.last().copied()),
            Template::TextParameter => keep(out, named("text").or(positional.first().copied())),
            Template::FirstParameter => keep(out, positional.first().copied()),
            Template::Convert => {
                if let (Some(&a), Some(&u)) = (positional.first(), positional.get(1)) {
                    keep(out, Some(a));
                    out.push_synthetic(&format!(" {}", shown(u)), u.0);
                }
            }
            Template::Circa => {
                out.push_synthetic("c. ", start);
                keep(out, positional.first().copied());
            }
            Template::AsOf => {
                let parts: Vec<String> = positional.iter().map(|&r| shown(r)).collect();
                out.push_synthetic(&format!("As of {}", date_text(&parts)), start);
            }
            Template::Date => {
                let parts: Vec<String> = positional
                    .iter()
                    .map(|&r| shown(r))
                    .filter(|p| !p.contains('='))
                    .collect();
                out.push_synthetic(&date_text(&parts), start);
            }
            Template::Isbn => {
                let parts: Vec<String> = positional.iter().map(|&r| shown(r)).collect();
                out.push_synthetic(&format!("ISBN {}", parts.join(", ")), start);
            }
            Template::Literal(text) => out.push_synthetic(text, start),
            Template::SortName => {
                let parts: Vec<String> = positional.iter().take(2).map(|&r| shown(r)).collect();
                out.push_synthetic(&parts.join(" "), start);
            }
            Template::ReferenceList | Template::Other => {
                // A template we do not render: its text is never a claim, but refs
                // inside it (an infobox's population_ref) still define and cite.
                let mut scratch = CleanText::new();
                for &(_, s, e) in &params {
                    self.inline(s, e, &mut scratch, sink, mode.nested(), depth + 1);
                    space(&mut scratch, e);
                }
                if !mode.is_list() && name.starts_with("infobox") {
                    let text = collapse(&scratch.text);
                    let kind = NonClaimKind::Table;
                    sink.event(
                        Event::NonClaim {
                            kind,
                            text,
                            at: start,
                        },
                        out,
                    );
                }
            }
        }
    }

    fn citation_fields(&self, params: &[Param], depth: usize) -> CitationFields {
        let get = |keys: &[&str]| -> Option<String> {
            keys.iter().find_map(|k| {
                let p = params.iter().find(|p| p.0.as_deref() == Some(k))?;
                let v = self.plain(p.1, p.2, depth + 1);
                (!v.is_empty()).then_some(v)
            })
        };
        let author = get(&["author", "authors", "author1", "vauthors", "editor"]).or_else(|| {
            let last = get(&[
                "last",
                "last1",
                "surname",
                "surname1",
                "editor-last",
                "editor1-last",
            ])?;
            Some(match get(&["first", "first1", "given", "given1"]) {
                Some(first) => format!("{last}, {first}"),
                None => last,
            })
        });
        CitationFields {
            title: get(&["title", "chapter", "trans-title", "script-title"]),
            author,
            date: get(&["date", "year", "publication-date"]),
            url: get(&["url", "chapter-url", "archive-url", "archiveurl"]),
            publisher: get(&["publisher", "agency", "institution"]),
            work: get(&[
                "work",
                "website",
                "newspaper",
                "journal",
                "magazine",
                "periodical",
                "encyclopedia",
                "series",
            ]),
            pages: get(&["pages", "page", "pp", "p", "at"]),
            access_date: get(&["access-date", "accessdate"]),
            archive_url: get(&["archive-url", "archiveurl"]),
        }
    }

    fn wikilink(
        &self,
        start: usize,
        end: usize,
        out: &mut CleanText,
        sink: &mut dyn Sink,
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
            let params = self.scan.split_pipes(inner_s, inner_e);
            if let Some(&(s, e)) = params.last() {
                let caption = self.scratch(s, e, sink, mode.nested(), depth + 1);
                let text = collapse(&caption.text);
                if !text.is_empty() && params.len() > 1 {
                    let kind = NonClaimKind::Caption;
                    sink.event(
                        Event::NonClaim {
                            kind,
                            text,
                            at: start,
                        },
                        out,
                    );
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
                    out.push_synthetic(&decode_text_refs(shown), start);
                } else {
                    self.inline(s, e, out, sink, mode, depth + 1);
                }
            }
            None => {
                let lead = inner.len() - inner.trim_start_matches(':').len();
                self.push_text(out, inner_s + lead, inner_e);
            }
        }
    }
}

fn empty_reference(message: String, at: usize) -> Event {
    Event::Problem {
        rule: Rule::EmptyReference,
        message,
        at,
        footnote: None,
    }
}
