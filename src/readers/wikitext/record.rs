//! Reference recording: the consumer of rendering events that numbers footnotes as
//! MediaWiki does, defines reference entries, merges reused names, places markers and
//! reports Cite's errors.
//!
//! Labels follow what a reader of the rendered page can act on: a named ref is
//! labelled by its name, an unnamed one by the number MediaWiki shows for it (numbers
//! are given per group in order of first use, named refs included), a short footnote
//! by its rendered text (`Vernet 1996, p. 788`), which is also how MediaWiki merges
//! identical `{{sfn}}`s.

use std::collections::{HashMap, HashSet};

use super::collapse;
use super::events::{Event, Footnote, Placement, Sink};
use super::scan::Scan;
use crate::citation::CitationFields;
use crate::model::{ArticleDraft, CleanText, Reference};
use crate::rule::Rule;

/// A short footnote waiting for its full citation in the bibliography.
struct ShortCite {
    reference: usize,
    author: String,
    year: String,
    offset: usize,
}

/// A footnote whose content is being rendered.
struct Open {
    label: String,
    /// `follow=`: the reference whose text this content continues.
    follows: Option<usize>,
    footnote: Footnote,
    cites_before: usize,
    shorts_before: usize,
}

pub(super) struct Recorder<'s, 'a> {
    scan: &'s Scan<'a>,
    pub draft: ArticleDraft,
    /// Next display number per group.
    counters: HashMap<Option<String>, usize>,
    /// Names that already have a display number, per group.
    numbered: HashSet<(Option<String>, String)>,
    /// (group, label) → index into `draft.references`.
    defined: HashMap<(Option<String>, String), usize>,
    /// Fields of every citation template seen, in order.
    pub cites: Vec<CitationFields>,
    /// Short citations seen (author, year, pages), in order.
    shorts: Vec<(String, String, String)>,
    pending_shorts: Vec<ShortCite>,
    /// Footnotes open around the current event, innermost last.
    open: Vec<Open>,
    /// Per group, how many reference lists have closed so far: the list the next
    /// footnote of the group belongs to.
    lists: HashMap<Option<String>, usize>,
    /// Named groups with footnotes that no list has shown yet, with the first one's offset.
    unlisted: Vec<(String, usize)>,
}

impl<'s, 'a> Recorder<'s, 'a> {
    pub fn new(scan: &'s Scan<'a>) -> Self {
        Recorder {
            scan,
            draft: ArticleDraft::new(),
            counters: HashMap::new(),
            numbered: HashSet::new(),
            defined: HashMap::new(),
            cites: Vec::new(),
            shorts: Vec::new(),
            pending_shorts: Vec::new(),
            open: Vec::new(),
            lists: HashMap::new(),
            unlisted: Vec::new(),
        }
    }

    /// The article, once every block has been read. A named group that no list shows
    /// is MediaWiki's Cite error (the default group gets a list of its own at the end).
    pub fn finish(mut self) -> ArticleDraft {
        self.link_short_citations();
        for (group, at) in std::mem::take(&mut self.unlisted) {
            let loc = self.scan.at(at);
            self.draft.problem(
                Rule::MissingReferenceList,
                format!(
                    "footnotes in group \"{group}\" are never shown: there is no <references group=\"{group}\"/>"
                ),
                loc,
                None,
            );
        }
        self.draft
    }

    /// A reference list of `group` ends here: it shows the footnotes defined so far,
    /// and a name used after it starts afresh (it may be defined again for the next list).
    pub fn list_closed(&mut self, group: Option<String>) {
        self.defined.retain(|(g, _), _| *g != group);
        if let Some(g) = &group {
            self.unlisted.retain(|(u, _)| u != g);
        }
        *self.lists.entry(group).or_insert(0) += 1;
    }

    fn list_of(&self, group: &Option<String>) -> usize {
        self.lists.get(group).copied().unwrap_or(0)
    }

    /// A footnote of `group` at `at` waits for a list to show it.
    fn awaits_list(&mut self, group: &Option<String>, at: usize) {
        if let Some(g) = group {
            if !self.unlisted.iter().any(|(u, _)| u == g) {
                self.unlisted.push((g.clone(), at));
            }
        }
    }

    /// The label of a ref: its name, or for an unnamed ref the next display number.
    fn number(&mut self, group: &Option<String>, name: Option<&str>) -> String {
        if let Some(name) = name {
            let label = named_label(name);
            if self.numbered.insert((group.clone(), label.clone())) {
                *self.counters.entry(group.clone()).or_insert(0) += 1;
            }
            return label;
        }
        let c = self.counters.entry(group.clone()).or_insert(0);
        *c += 1;
        c.to_string()
    }

    /// A footnote's label: in a reference list its name (it takes no number there).
    fn label(&mut self, f: &Footnote) -> String {
        match f.placement {
            Placement::List => f.name.as_deref().map(named_label).unwrap_or_default(),
            _ => self.number(&f.group, f.name.as_deref()),
        }
    }

    fn marker(&mut self, text: &mut CleanText, label: &str, f: Footnote) {
        let list = self.list_of(&f.group);
        self.awaits_list(&f.group, f.at);
        let placed = match f.placement {
            Placement::Claim => {
                text.marker(label, f.group, f.at, f.len);
                text.last_marker()
            }
            Placement::Loose => {
                self.draft.loose_marker(label, f.group, f.at, f.len);
                self.draft.last_loose_marker()
            }
            Placement::List => None,
        };
        if let Some(m) = placed {
            m.list = list;
        }
    }

    /// Record the reference entry of a footnote whose content rendered as `text`.
    fn define(&mut self, open: &Open, text: String) {
        let Open {
            label,
            follows,
            footnote,
            cites_before,
            shorts_before,
        } = open;
        if let Some(r) = *follows {
            let r = &mut self.draft.references[r];
            r.text = collapse(&format!("{} {text}", r.text));
            return;
        }
        let key = (footnote.group.clone(), label.clone());
        if let Some(&existing) = self.defined.get(&key) {
            if footnote.name.is_some()
                && normalise(&self.draft.references[existing].text) != normalise(&text)
            {
                let loc = self.scan.at(footnote.at);
                self.draft.problem(
                    Rule::DuplicateReference,
                    format!("ref name \"{label}\" is defined again with different content"),
                    loc,
                    Some(label.clone()),
                );
            }
            return;
        }
        let cited = self.cites.len() > *cites_before;
        let mut fields = self
            .cites
            .get(*cites_before)
            .cloned()
            .unwrap_or_else(|| crate::citation::fields_from_text(&text));
        let short = self.shorts.get(*shorts_before).cloned();
        if let (false, Some((author, year, pages))) = (cited, &short) {
            fields.author = Some(author.clone());
            fields.date = Some(year.clone());
            if !pages.is_empty() {
                fields.pages = Some(pages.clone());
            }
        }
        let loc = self.scan.at(footnote.at);
        self.awaits_list(&footnote.group, footnote.at);
        self.draft.references.push(Reference {
            group: footnote.group.clone(),
            list: self.list_of(&footnote.group),
            fields,
            ..Reference::new(label.as_str(), text, loc)
        });
        let index = self.draft.references.len() - 1;
        self.defined.insert(key, index);
        if !cited {
            if let Some((author, year, _)) = short {
                self.pending_shorts.push(ShortCite {
                    reference: index,
                    author,
                    year,
                    offset: footnote.at,
                });
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn short_footnote(
        &mut self,
        text: &mut CleanText,
        at: usize,
        len: usize,
        label: String,
        author: String,
        year: String,
        pages: String,
        placement: Placement,
    ) {
        let key = (None, label.clone());
        if self.numbered.insert(key.clone()) {
            *self.counters.entry(None).or_insert(0) += 1;
        }
        if !self.defined.contains_key(&key) {
            let loc = self.scan.at(at);
            self.draft.references.push(Reference {
                list: self.list_of(&None),
                fields: CitationFields {
                    author: Some(author.clone()).filter(|a| !a.is_empty()),
                    date: Some(year.clone()).filter(|y| !y.is_empty()),
                    pages: Some(pages).filter(|p| !p.is_empty()),
                    ..CitationFields::default()
                },
                ..Reference::new(label.clone(), label.clone(), loc)
            });
            let index = self.draft.references.len() - 1;
            self.defined.insert(key, index);
            self.pending_shorts.push(ShortCite {
                reference: index,
                author,
                year,
                offset: at,
            });
        }
        let footnote = Footnote {
            at,
            len,
            name: None,
            group: None,
            follow: None,
            placement,
        };
        self.marker(text, &label, footnote);
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
                    let at = self.scan.at(p.offset);
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

impl Sink for Recorder<'_, '_> {
    fn event(&mut self, event: Event, text: &mut CleanText) {
        match event {
            Event::RefOpen(footnote) => {
                // `follow=` continues a footnote defined before it (MediaWiki: it
                // takes no number and shows no marker); following an unknown name
                // makes an ordinary footnote.
                let follows = footnote.follow.as_deref().and_then(|f| {
                    self.defined
                        .get(&(footnote.group.clone(), named_label(f)))
                        .copied()
                });
                let label = match follows {
                    Some(r) => self.draft.references[r].label.clone(),
                    None => self.label(&footnote),
                };
                self.open.push(Open {
                    label,
                    follows,
                    footnote,
                    cites_before: self.cites.len(),
                    shorts_before: self.shorts.len(),
                });
            }
            Event::RefClose { text: content } => {
                // Rendering closes every footnote it opens; an unmatched close is ignored.
                if let Some(open) = self.open.pop() {
                    self.define(&open, content);
                    if open.follows.is_none() {
                        let label = open.label;
                        self.marker(text, &label, open.footnote);
                    }
                }
            }
            Event::RefUse(footnote) => {
                let label = self.label(&footnote);
                self.marker(text, &label, footnote);
            }
            Event::ShortFootnote {
                at,
                len,
                text: label,
                author,
                year,
                pages,
                placement,
            } => self.short_footnote(text, at, len, label, author, year, pages, placement),
            Event::Citation(fields) => self.cites.push(fields),
            Event::ShortCitation {
                author,
                year,
                pages,
            } => self.shorts.push((author, year, pages)),
            Event::CitationNeeded => text.citation_needed(),
            Event::NonClaim { kind, text, at } => {
                let line = self.scan.at(at).line;
                self.draft.non_claim(kind, &text, line);
            }
            Event::Problem {
                rule,
                message,
                at,
                footnote,
            } => {
                let loc = self.scan.at(at);
                self.draft.problem(rule, message, loc, footnote);
            }
        }
    }
}

/// The label of a named ref: its name, unless the name is a number (`name="1"`), which
/// would pass for the unnamed ref MediaWiki shows as that number; such a name is
/// labelled `name=1`.
fn named_label(name: &str) -> String {
    if !name.is_empty() && name.bytes().all(|b| b.is_ascii_digit()) {
        format!("name={name}")
    } else {
        name.to_string()
    }
}

/// Content comparison for "defined twice": spacing and case do not make a difference.
fn normalise(s: &str) -> String {
    collapse(s).to_lowercase()
}
