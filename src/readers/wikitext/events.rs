//! What inline rendering reports besides text, in document order, each with its byte
//! offset in the page (pulldown-cmark's shape: a renderer that emits events, and a
//! consumer that gives them meaning). The reference recorder is the consumer that
//! builds the article; [`Discard`] is the one used where only the text is wanted (a
//! citation template's parameter values), so rendering there has no side effects
//! without the renderer having to know.

use crate::citation::CitationFields;
use crate::model::{CleanText, NonClaimKind};

/// Where a footnote's marker goes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Placement {
    /// In the sentence text: article prose.
    Claim,
    /// Outside claim text (tables, infoboxes, captions, back matter): it still cites.
    Loose,
    /// Nowhere: inside a `<references>` list the ref is a definition only.
    List,
}

/// A footnote as written: `<ref name=… group=…>`, `{{efn}}`, `{{r}}`.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Footnote {
    /// Offset and length of the whole construct in the page.
    pub at: usize,
    pub len: usize,
    pub name: Option<String>,
    pub group: Option<String>,
    /// `<ref follow="name">`: the content continues footnote `name`; no marker shows.
    pub follow: Option<String>,
    pub placement: Placement,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Event {
    /// A footnote with content opens; the content's own events follow, then
    /// [`Event::RefClose`].
    RefOpen(Footnote),
    /// The content of the innermost open footnote ends; `text` is its clean text.
    RefClose { text: String },
    /// A use of a named footnote, without content (`<ref name="x"/>`, `{{r|x}}`).
    RefUse(Footnote),
    /// `{{sfn}}`: a footnote labelled by its rendered text, merged with identical ones.
    ShortFootnote {
        at: usize,
        len: usize,
        text: String,
        author: String,
        year: String,
        pages: String,
        placement: Placement,
    },
    /// A citation template's fields (`{{cite book}}`).
    Citation(CitationFields),
    /// A short citation outside a footnote of its own (`{{harvnb}}`).
    ShortCitation {
        author: String,
        year: String,
        pages: String,
    },
    /// `{{citation needed}}` at the current end of the text.
    CitationNeeded,
    /// Text that is never a claim (a caption, code).
    NonClaim {
        kind: NonClaimKind,
        text: String,
        at: usize,
    },
    /// Something a writer should fix, under a reader rule.
    Problem {
        rule: crate::rule::Rule,
        message: String,
        at: usize,
        footnote: Option<String>,
    },
}

/// The consumer of rendering events. `text` is the clean text rendered so far, so a
/// consumer can put markers at the current end of it.
pub(super) trait Sink {
    fn event(&mut self, event: Event, text: &mut CleanText);
}

/// Keeps nothing: rendering for the text alone.
pub(super) struct Discard;

impl Sink for Discard {
    fn event(&mut self, _: Event, _: &mut CleanText) {}
}

/// Keeps every event, for looking at what rendering reports.
#[cfg(test)]
impl Sink for Vec<Event> {
    fn event(&mut self, event: Event, _: &mut CleanText) {
        self.push(event);
    }
}
