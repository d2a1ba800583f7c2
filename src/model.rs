//! The one article model every reader produces.
//!
//! A reader's only job is to turn a file into an [`Article`]: it describes what it saw
//! ([`ArticleDraft`]: sections, paragraphs of clean text with their footnote markers,
//! references, bibliography, table of contents, non-claim text) and
//! [`ArticleDraft::finish`] does the format-independent work: sentence splitting,
//! citation scope, marker → reference resolution and use counting. That keeps the
//! citation rules in one place, whatever the input format.

use std::collections::HashMap;
use std::path::PathBuf;

use serde::Serialize;

use crate::citation::CitationFields;
use crate::position::{Format, LineIndex, Location};
use crate::rule::Rule;
use crate::segment;

/// A table-of-contents entry as the article lists it.
#[derive(Debug, Clone, Serialize)]
pub struct TocEntry {
    pub title: String,
    /// The number the TOC gives it ("2", "3.1"), when it gives one.
    pub number: Option<String>,
    pub line: usize,
    /// Index into `Article::sections` of the section with this heading, if there is one.
    pub section: Option<usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Section {
    pub heading: String,
    /// 1 = title-level, 2 = `==`, 3 = `===`, ...
    pub level: u8,
    pub line: usize,
    pub column: usize,
    pub offset: usize,
    /// The reader made it up (e.g. "References" for a reference list without a heading).
    pub synthetic: bool,
    /// Back matter (references, see also, external links): its text is never a claim.
    pub back_matter: bool,
    /// Number of claim paragraphs and list items directly under this heading, plus any
    /// non-claim blocks (tables, lists of links) the reader kept apart.
    pub blocks: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Paragraph {
    /// Index into `Article::sections`; `None` is the lead.
    pub section: Option<usize>,
    pub line: usize,
    /// Range into `Article::sentences`.
    pub first_sentence: usize,
    pub sentence_count: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CitationStatus {
    /// Carries a marker of its own.
    Cited,
    /// No marker of its own, covered by the next marker in its paragraph.
    Implicit,
    /// No marker covers it.
    Uncited,
}

#[derive(Debug, Clone, Serialize)]
pub struct Sentence {
    /// Clean text: markers removed, markup stripped.
    pub text: String,
    pub line: usize,
    pub column: usize,
    /// Byte span in the original file.
    pub start: usize,
    pub end: usize,
    pub section: Option<usize>,
    pub paragraph: usize,
    /// Indices into `Article::markers` that this sentence carries itself.
    pub markers: Vec<usize>,
    /// The sentence whose own markers support it: itself when cited; when implicit the
    /// next cited sentence of the paragraph (or, for an introduction ending in ":", the
    /// one covering the next paragraph's opening); none when uncited. An index rather than
    /// a copy of the markers, so a paragraph of many implicit sentences and many markers
    /// costs sentences + markers, not their product ([`Article::covering_markers`]).
    pub covered_by: Option<usize>,
    pub status: CitationStatus,
    /// The article itself flags it (`{{citation needed}}`, `[citation needed]`).
    pub citation_needed: bool,
    /// Maps byte offsets in `text` back to file offsets (carets under quotes, markers).
    #[serde(skip)]
    pub offsets: OffsetMap,
}

impl Sentence {
    /// File byte offset of a byte offset within `text`.
    pub fn file_offset(&self, text_offset: usize) -> usize {
        self.offsets.to_file(text_offset)
    }
}

/// A footnote marker occurrence in the article text.
#[derive(Debug, Clone, Serialize)]
pub struct Marker {
    /// The footnote's number or name, as a string.
    pub label: String,
    /// `<ref group=…>` and similar; `None` for the default group.
    pub group: Option<String>,
    pub line: usize,
    pub column: usize,
    pub offset: usize,
    /// Byte length of the marker in the file.
    pub len: usize,
    /// Index into `Article::sentences`; `None` when it sits in non-claim text (a table).
    pub sentence: Option<usize>,
    /// Index into `Article::references` of the entry it resolves to.
    pub reference: Option<usize>,
    /// Which reference list of its group it belongs to (wikitext: each `<references/>`
    /// closes one); it resolves only to an entry of the same list.
    #[serde(skip)]
    pub list: usize,
}

/// The link from a reference to a manifest source, set by the linker (`crate::link`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Link {
    pub source: String,
    /// 0..1; 1.0 for an explicit `[[link]]`.
    pub score: f64,
    pub explicit: bool,
    /// An automatic link with nothing against it: the reference names no author,
    /// publisher, year or title words that the source lacks. Only explicit and confident
    /// links give verification findings; a weak link's claims are unverifiable.
    pub confident: bool,
    /// What matched: title words, date, author, URL.
    pub evidence: Vec<String>,
    /// Why the link is not sure (empty for a confident or explicit link).
    pub doubts: Vec<String>,
}

impl Link {
    /// Whether claims citing the reference are verified against the source.
    pub fn is_sure(&self) -> bool {
        self.explicit || self.confident
    }
}

/// An entry of the reference list (or a `<ref>` / footnote definition).
#[derive(Debug, Clone, Serialize)]
pub struct Reference {
    pub label: String,
    pub group: Option<String>,
    pub text: String,
    pub line: usize,
    pub column: usize,
    pub offset: usize,
    /// How many uses the entry declares (`^` = 1, `^ a b` = 2); `None` when the format
    /// does not say.
    pub declared_uses: Option<usize>,
    /// How many markers in the text resolve to it.
    pub found_uses: usize,
    pub fields: CitationFields,
    pub link: Option<Link>,
    /// Which reference list of its group the entry is listed in (see [`Marker::list`]).
    #[serde(skip)]
    pub list: usize,
}

impl Reference {
    /// An entry at `at` with fields read from its free text; readers of structured
    /// citations override `fields`, `group` and `declared_uses` with struct update.
    pub fn new(label: impl Into<String>, text: impl Into<String>, at: Location) -> Reference {
        let text = text.into();
        Reference {
            label: label.into(),
            group: None,
            fields: crate::citation::fields_from_text(&text),
            text,
            line: at.line,
            column: at.column,
            offset: at.offset,
            declared_uses: None,
            found_uses: 0,
            link: None,
            list: 0,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.text.trim().is_empty()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct BibEntry {
    pub text: String,
    pub line: usize,
    pub fields: CitationFields,
    pub link: Option<Link>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NonClaimKind {
    /// Site header/footer, navigation.
    Chrome,
    Caption,
    TableOfContents,
    /// Tables, infoboxes, conversion debris.
    Table,
    /// Code blocks, comments.
    Code,
    /// Text of a back-matter section (see also, external links, categories).
    BackMatter,
    /// A list item that only names something: a person, a title, a link.
    ListEntry,
}

#[derive(Debug, Clone, Serialize)]
pub struct NonClaim {
    pub kind: NonClaimKind,
    pub text: String,
    pub line: usize,
}

/// An integrity problem only the reader can see (an unclosed `<ref>`, a named ref with
/// two different contents), reported by `check` under its [`Rule`].
#[derive(Debug, Clone, Serialize)]
pub struct ReaderProblem {
    pub rule: Rule,
    pub message: String,
    pub line: usize,
    pub column: usize,
    /// Byte offset in the article file.
    pub offset: usize,
    pub footnote: Option<String>,
}

/// One parsed article.
#[derive(Debug, Clone, Serialize)]
pub struct Article {
    pub id: String,
    #[serde(serialize_with = "ser_path")]
    pub path: PathBuf,
    pub format: Format,
    pub title: Option<String>,
    pub toc: Vec<TocEntry>,
    pub sections: Vec<Section>,
    pub paragraphs: Vec<Paragraph>,
    pub sentences: Vec<Sentence>,
    pub markers: Vec<Marker>,
    pub references: Vec<Reference>,
    pub bibliography: Vec<BibEntry>,
    pub non_claims: Vec<NonClaim>,
    pub problems: Vec<ReaderProblem>,
    #[serde(skip)]
    pub text: String,
    /// Line starts of `text`, built once by the reader and shared by every stage that
    /// locates offsets in it.
    #[serde(skip)]
    lines: LineIndex,
    /// Per sentence, the deduplicated references of its own markers (empty for a
    /// sentence without markers), computed once so that every sentence it covers
    /// shares them.
    #[serde(skip)]
    cover_references: Vec<Vec<usize>>,
}

fn ser_path<S: serde::Serializer>(p: &std::path::Path, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&p.to_string_lossy())
}

impl Article {
    pub fn section_heading(&self, section: Option<usize>) -> Option<&str> {
        section
            .and_then(|i| self.sections.get(i))
            .map(|s| s.heading.as_str())
    }

    /// References matching a footnote label (a number or name), in list order.
    pub fn references_labelled<'a>(
        &'a self,
        label: &'a str,
    ) -> impl Iterator<Item = (usize, &'a Reference)> + 'a {
        self.references
            .iter()
            .enumerate()
            .filter(move |(_, r)| r.label == label)
    }

    /// Sentences a reference supports, own first then implicit, in text order.
    pub fn sentences_citing(&self, reference: usize) -> Vec<usize> {
        self.sentences_covered_where(|m| m.reference == Some(reference))
    }

    /// Sentences covered by a marker that satisfies `pick`, in text order: one pass over
    /// the markers to find the covering sentences, one over the sentences.
    pub fn sentences_covered_where(&self, pick: impl Fn(&Marker) -> bool) -> Vec<usize> {
        let mut covering = vec![false; self.sentences.len()];
        for m in self.markers.iter().filter(|m| pick(m)) {
            if let Some(s) = m.sentence {
                covering[s] = true;
            }
        }
        self.sentences
            .iter()
            .enumerate()
            .filter(|(_, s)| s.covered_by.is_some_and(|c| covering[c]))
            .map(|(i, _)| i)
            .collect()
    }

    /// Indices into [`Article::markers`] that support a sentence: its own, or for an
    /// implicit sentence those of the sentence that covers it.
    pub fn covering_markers(&self, sentence: usize) -> &[usize] {
        match self.sentences[sentence].covered_by {
            Some(c) => &self.sentences[c].markers,
            None => &[],
        }
    }

    /// The reference indices that support a sentence (deduplicated, in order).
    pub fn sentence_references(&self, sentence: usize) -> Vec<usize> {
        match self.sentences[sentence].covered_by {
            Some(c) => self.cover_references[c].clone(),
            None => Vec::new(),
        }
    }

    /// The line index of [`Article::text`].
    pub fn line_index(&self) -> &LineIndex {
        &self.lines
    }
}

/// Clean text → file offset map: runs of clean text, each either copied from the file at
/// a given offset or made up by the reader (a link's label, a space for a line break),
/// which maps every byte to the run's anchor in the file.
#[derive(Debug, Clone, Default)]
pub struct OffsetMap {
    /// Ascending by `clean`.
    runs: Vec<Run>,
}

#[derive(Debug, Clone, Copy)]
struct Run {
    clean: usize,
    file: usize,
    copied: bool,
}

impl OffsetMap {
    pub fn to_file(&self, clean: usize) -> usize {
        match self.run_at(clean) {
            Some(r) if r.copied => r.file + (clean - r.clean),
            Some(r) => r.file,
            None => self.runs.first().map_or(0, |r| r.file),
        }
    }

    fn run_at(&self, clean: usize) -> Option<&Run> {
        let i = self.runs.partition_point(|r| r.clean <= clean);
        i.checked_sub(1).map(|i| &self.runs[i])
    }

    fn push(&mut self, clean: usize, file: usize, copied: bool) {
        self.runs.push(Run {
            clean,
            file,
            copied,
        });
    }

    /// The map for `clean[start..end]`, rebased so that `start` becomes 0. Finds the
    /// runs inside by binary search: every sentence of a paragraph takes its slice, and
    /// walking all the paragraph's runs each time was quadratic on a long paragraph.
    fn slice(&self, start: usize, end: usize) -> OffsetMap {
        let copied = self.run_at(start).is_none_or(|r| r.copied);
        let mut map = OffsetMap::default();
        map.push(0, self.to_file(start), copied);
        let first = self.runs.partition_point(|r| r.clean <= start);
        let past = self.runs.partition_point(|r| r.clean < end).max(first);
        for r in &self.runs[first..past] {
            map.push(r.clean - start, r.file, r.copied);
        }
        map
    }
}

/// A paragraph's clean text as a reader builds it, with where each piece came from and
/// where its markers were.
#[derive(Debug, Clone, Default)]
pub struct CleanText {
    pub text: String,
    map: OffsetMap,
    /// (clean offset where the marker stood, marker draft)
    markers: Vec<(usize, MarkerDraft)>,
    citation_needed: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct MarkerDraft {
    pub label: String,
    pub group: Option<String>,
    pub offset: usize,
    pub len: usize,
    pub list: usize,
}

impl CleanText {
    pub fn new() -> Self {
        Self::default()
    }

    /// Append text copied verbatim from the file at byte `file_offset`.
    pub fn push_source(&mut self, s: &str, file_offset: usize) {
        if s.is_empty() {
            return;
        }
        self.map.push(self.text.len(), file_offset, true);
        self.text.push_str(s);
    }

    /// Append text the reader made up (a link's label, a space for a line break): maps
    /// to `file_offset`, and so do the bytes after it until the next source run.
    pub fn push_synthetic(&mut self, s: &str, file_offset: usize) {
        if s.is_empty() {
            return;
        }
        self.map.push(self.text.len(), file_offset, false);
        self.text.push_str(s);
    }

    pub fn marker(&mut self, label: &str, group: Option<String>, file_offset: usize, len: usize) {
        self.markers.push((
            self.text.len(),
            MarkerDraft {
                label: label.to_string(),
                group,
                offset: file_offset,
                len,
                list: 0,
            },
        ));
    }

    /// The last marker placed, to say which reference list it belongs to.
    pub fn last_marker(&mut self) -> Option<&mut MarkerDraft> {
        self.markers.last_mut().map(|(_, m)| m)
    }

    /// The article flags the text so far as needing a citation.
    pub fn citation_needed(&mut self) {
        self.citation_needed.push(self.text.len());
    }

    pub fn is_blank(&self) -> bool {
        self.text.trim().is_empty() && self.markers.is_empty()
    }
}

/// What a reader builds; [`ArticleDraft::finish`] turns it into an [`Article`].
#[derive(Debug, Default)]
pub struct ArticleDraft {
    pub title: Option<String>,
    pub toc: Vec<TocEntry>,
    pub sections: Vec<Section>,
    pub references: Vec<Reference>,
    pub bibliography: Vec<BibEntry>,
    pub non_claims: Vec<NonClaim>,
    pub problems: Vec<ReaderProblem>,
    paragraphs: Vec<(Option<usize>, CleanText)>,
    /// Markers outside claim text (in tables, captions of tables...).
    loose_markers: Vec<MarkerDraft>,
    /// Indices of the sections that may still be a later section's parent, levels
    /// strictly rising: the nearest earlier section of a lower level is on it, so a new
    /// section finds its parent without a scan of every section (many headings of one
    /// level were quadratic).
    open_sections: Vec<usize>,
}

impl ArticleDraft {
    pub fn new() -> Self {
        Self::default()
    }

    /// Start a section; later paragraphs belong to it. Returns its index.
    pub fn section(&mut self, heading: &str, level: u8, at: Location, synthetic: bool) -> usize {
        // A subsection of back matter is back matter: "Primary sources" and "Works by …"
        // under a bibliography are lists of works, not claims.
        while let Some(&top) = self.open_sections.last() {
            if self.sections[top].level < level {
                break;
            }
            self.open_sections.pop();
        }
        let parent = self.open_sections.last().map(|&p| &self.sections[p]);
        let back_matter = is_back_matter(heading) || parent.is_some_and(|p| p.back_matter);
        self.open_sections.push(self.sections.len());
        self.sections.push(Section {
            heading: heading.trim().to_string(),
            level,
            line: at.line,
            column: at.column,
            offset: at.offset,
            synthetic,
            back_matter,
            blocks: 0,
        });
        self.sections.len() - 1
    }

    pub fn current_section(&self) -> Option<usize> {
        self.sections.len().checked_sub(1)
    }

    /// A paragraph (or list item) of claim text in the current section. In back-matter
    /// sections it is kept as non-claim text, but its markers still count.
    pub fn paragraph(&mut self, text: CleanText, line: usize) {
        if text.is_blank() {
            return;
        }
        let section = self.current_section();
        // Category links survive conversion as bare "Category:…" lines in every format:
        // navigation, not prose.
        let category = text.text.trim_start().starts_with("Category:");
        if let Some(s) = section {
            self.sections[s].blocks += 1;
        }
        if category || section.is_some_and(|s| self.sections[s].back_matter) {
            self.non_claims.push(NonClaim {
                kind: NonClaimKind::BackMatter,
                text: text.text.trim().to_string(),
                line,
            });
            self.loose_markers
                .extend(text.markers.into_iter().map(|(_, m)| m));
            return;
        }
        self.paragraphs.push((section, text));
    }

    /// Text that is never a claim. Counts as content of the current section.
    pub fn non_claim(&mut self, kind: NonClaimKind, text: &str, line: usize) {
        if matches!(
            kind,
            NonClaimKind::Table
                | NonClaimKind::Code
                | NonClaimKind::BackMatter
                | NonClaimKind::ListEntry
                | NonClaimKind::Caption
        ) {
            if let Some(s) = self.current_section() {
                self.sections[s].blocks += 1;
            }
        }
        self.non_claims.push(NonClaim {
            kind,
            text: text.to_string(),
            line,
        });
    }

    /// A marker in non-claim text (a table cell): it still cites its reference.
    pub fn loose_marker(&mut self, label: &str, group: Option<String>, offset: usize, len: usize) {
        self.loose_markers.push(MarkerDraft {
            label: label.to_string(),
            group,
            offset,
            len,
            list: 0,
        });
    }

    /// The last marker placed in non-claim text (see [`CleanText::last_marker`]).
    pub fn last_loose_marker(&mut self) -> Option<&mut MarkerDraft> {
        self.loose_markers.last_mut()
    }

    pub fn problem(&mut self, rule: Rule, message: String, at: Location, footnote: Option<String>) {
        self.problems.push(ReaderProblem {
            rule,
            message,
            line: at.line,
            column: at.column,
            offset: at.offset,
            footnote,
        });
    }

    /// Split paragraphs into sentences, attach markers, apply citation scope, resolve
    /// markers to references and count uses. `lines` is the line index of `text` the
    /// reader located its draft with.
    pub fn finish(
        self,
        id: &str,
        path: PathBuf,
        format: Format,
        text: String,
        lines: LineIndex,
    ) -> Article {
        let mut article = Article {
            id: id.to_string(),
            path,
            format,
            title: self.title,
            toc: self.toc,
            sections: self.sections,
            paragraphs: Vec::new(),
            sentences: Vec::new(),
            markers: Vec::new(),
            references: self.references,
            bibliography: self.bibliography,
            non_claims: self.non_claims,
            problems: self.problems,
            text: String::new(),
            lines: LineIndex::default(),
            cover_references: Vec::new(),
        };

        for (section, para) in self.paragraphs {
            let first_sentence = article.sentences.len();
            let para_line = lines.locate(&text, para.map.to_file(0)).line;
            let mut starts = Vec::new();
            for (s, e) in segment::sentences(&para.text) {
                let raw = &para.text[s..e];
                let (s, e) = (s + leading_ws(raw), s + raw.trim_end().len());
                if s >= e {
                    continue;
                }
                starts.push(s);
                let file_start = para.map.to_file(s);
                let loc = lines.locate(&text, file_start);
                // A tag right after the sentence (before the next one starts) flags it.
                let tail = e + leading_ws(&para.text[e..]);
                // The tags are in text order (pushed as the text grows): the first one
                // past the start is looked up, not every tag of the paragraph scanned.
                let next_tag = para.citation_needed.partition_point(|&p| p <= s);
                let flagged = para
                    .citation_needed
                    .get(next_tag)
                    .is_some_and(|&p| p <= tail);
                article.sentences.push(Sentence {
                    text: para.text[s..e].to_string(),
                    line: loc.line,
                    column: loc.column,
                    start: file_start,
                    end: para.map.to_file(e),
                    section,
                    paragraph: article.paragraphs.len(),
                    markers: Vec::new(),
                    covered_by: None,
                    status: CitationStatus::Uncited,
                    citation_needed: flagged,
                    offsets: para.map.slice(s, e),
                });
            }
            let sentence_count = starts.len();
            // A marker belongs to the last sentence starting at or before it, so one
            // right after a sentence's final punctuation ends that sentence.
            for (pos, draft) in para.markers {
                let sentence = (sentence_count > 0).then(|| {
                    first_sentence + starts.partition_point(|&s| s <= pos).saturating_sub(1)
                });
                push_marker(&mut article.markers, &text, &lines, draft, sentence);
            }
            article.paragraphs.push(Paragraph {
                section,
                line: para_line,
                first_sentence,
                sentence_count,
            });
        }
        for draft in self.loose_markers {
            push_marker(&mut article.markers, &text, &lines, draft, None);
        }
        article.markers.sort_by_key(|m| m.offset);
        // Re-point sentences at the sorted marker indices.
        for s in &mut article.sentences {
            s.markers.clear();
        }
        for (i, m) in article.markers.iter().enumerate() {
            if let Some(s) = m.sentence {
                article.sentences[s].markers.push(i);
            }
        }

        apply_scope(&mut article);
        resolve_markers(&mut article);
        article.cover_references = cover_references(&article);
        // The first section of each heading, keyed as `headings_match` compares: one
        // lookup per TOC entry instead of a scan of every section.
        let mut first_section: HashMap<String, usize> = HashMap::new();
        for (i, s) in article.sections.iter().enumerate() {
            first_section.entry(heading_key(&s.heading)).or_insert(i);
        }
        for entry in &mut article.toc {
            entry.section = first_section.get(&heading_key(&entry.title)).copied();
        }
        article.text = text;
        article.lines = lines;
        article
    }
}

fn leading_ws(s: &str) -> usize {
    s.len() - s.trim_start().len()
}

fn push_marker(
    markers: &mut Vec<Marker>,
    text: &str,
    lines: &LineIndex,
    draft: MarkerDraft,
    sentence: Option<usize>,
) -> usize {
    let loc = lines.locate(text, draft.offset);
    markers.push(Marker {
        label: draft.label,
        group: draft.group,
        line: loc.line,
        column: loc.column,
        offset: draft.offset,
        len: draft.len,
        sentence,
        reference: None,
        list: draft.list,
    });
    markers.len() - 1
}

/// Encyclopedia citation scope: a marker supports the sentence it ends; earlier
/// sentences of the paragraph without a marker of their own are covered by the next
/// marker; sentences after the paragraph's last marker are uncited.
///
/// A "citation needed" tag ends a span as a marker does, but says that nothing cites
/// it: the flagged sentence and the unmarked ones before it stay uncited. A paragraph
/// ending in ":" introduces what follows (a block quotation, a list): when the next
/// paragraph of the section opens cited, the introduction's trailing sentences are
/// covered by that citation.
///
/// Each sentence points at its covering sentence instead of holding a copy of its
/// markers, so this is O(sentences + markers) however many of each a paragraph has.
fn apply_scope(article: &mut Article) {
    // Per paragraph, its trailing sentences: those after its last marker or tag.
    let mut trailing: Vec<std::ops::Range<usize>> = Vec::with_capacity(article.paragraphs.len());
    for p in &article.paragraphs {
        let range = p.first_sentence..p.first_sentence + p.sentence_count;
        let end = range.end;
        let mut pending = range.start;
        for i in range {
            if article.sentences[i].markers.is_empty() {
                if article.sentences[i].citation_needed {
                    pending = i + 1;
                }
                continue;
            }
            for j in pending..i {
                article.sentences[j].status = CitationStatus::Implicit;
                article.sentences[j].covered_by = Some(i);
            }
            pending = i + 1;
            article.sentences[i].status = CitationStatus::Cited;
            article.sentences[i].covered_by = Some(i);
        }
        trailing.push(pending..end);
    }
    for k in 1..article.paragraphs.len() {
        let (intro, next) = (&article.paragraphs[k - 1], &article.paragraphs[k]);
        let intro_tail = trailing[k - 1].clone();
        let Some(last) = intro_tail.clone().last() else {
            continue;
        };
        if intro.section != next.section
            || next.sentence_count == 0
            || !article.sentences[last].text.ends_with(':')
        {
            continue;
        }
        let Some(cover) = article.sentences[next.first_sentence].covered_by else {
            continue;
        };
        for j in intro_tail {
            article.sentences[j].status = CitationStatus::Implicit;
            article.sentences[j].covered_by = Some(cover);
        }
    }
}

/// The deduplicated references of each sentence's own markers, in marker order.
fn cover_references(article: &Article) -> Vec<Vec<usize>> {
    let mut seen = std::collections::HashSet::new();
    article
        .sentences
        .iter()
        .map(|s| {
            seen.clear();
            s.markers
                .iter()
                .filter_map(|&m| article.markers[m].reference)
                .filter(|&r| seen.insert(r))
                .collect()
        })
        .collect()
}

/// Resolve each marker to the reference with its label, group and list (the first one,
/// when a label is listed twice) and count found uses. One lookup per marker: a scan of
/// the references per marker made 20,000 of each take seconds.
fn resolve_markers(article: &mut Article) {
    let mut first: HashMap<(&str, Option<&str>, usize), usize> = HashMap::new();
    for (i, r) in article.references.iter().enumerate() {
        first
            .entry((r.label.as_str(), r.group.as_deref(), r.list))
            .or_insert(i);
    }
    let resolved: Vec<Option<usize>> = article
        .markers
        .iter()
        .map(|m| {
            first
                .get(&(m.label.as_str(), m.group.as_deref(), m.list))
                .copied()
        })
        .collect();
    for (m, reference) in article.markers.iter_mut().zip(resolved) {
        m.reference = reference;
        if let Some(r) = m.reference {
            article.references[r].found_uses += 1;
        }
    }
}

/// Headings that start back matter: their text is lists of links and citations.
pub fn is_back_matter(heading: &str) -> bool {
    const BACK: &[&str] = &[
        "references",
        "notes",
        "footnotes",
        "citations",
        "sources",
        "bibliography",
        "see also",
        "external links",
        "further reading",
        "notes and references",
        "references and notes",
        "works cited",
        "literature",
        "works",
        "selected works",
        "publications",
        "selected publications",
        "discography",
        "filmography",
        "primary sources",
        "secondary sources",
    ];
    let h = heading.trim().to_lowercase();
    BACK.contains(&h.as_str())
}

/// Whether a list item only names something ("Reginald Marsh", "Collected Letters of
/// Ann Example, 1950", "Official website") rather than stating a fact: a few words and
/// no verb. Verbs are told by shape, as no word list could hold them: a lower-case word
/// ending in "ed", a common finite verb, or a capitalised first word ending in "ed" or
/// "s" followed by a lower-case word ("Founded the company in 1901", "Won the cup").
pub fn is_bare_entry(item: &str) -> bool {
    const VERBS: &[&str] = &[
        "is", "was", "are", "were", "be", "been", "being", "has", "had", "have", "did", "does",
        "won", "became", "become", "becomes", "made", "makes", "took", "takes", "gave", "left",
        "led", "ran", "held", "began", "begun", "built", "wrote", "written", "sold", "lost", "met",
        "saw", "seen", "came", "went", "got", "said", "will", "would", "can", "could", "may",
        "might", "must", "should", "not", "never",
    ];
    let words: Vec<&str> = item
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() || words.len() > 8 {
        return false;
    }
    let verb_like = |k: usize| {
        let w = words[k];
        let lower = w.to_lowercase();
        if VERBS.contains(&lower.as_str()) {
            return true;
        }
        let is_lower = w.chars().next().is_some_and(char::is_lowercase);
        let next_lower = words
            .get(k + 1)
            .is_some_and(|n| n.chars().next().is_some_and(char::is_lowercase));
        (is_lower && lower.len() > 4 && lower.ends_with("ed"))
            || (next_lower && lower.ends_with("ed"))
            || (k == 0 && next_lower && lower.ends_with('s'))
    };
    !(0..words.len()).any(verb_like)
}

/// TOC titles and headings compare case-insensitively, ignoring surrounding space.
pub fn headings_match(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// What [`headings_match`] compares: equal keys exactly when headings match.
fn heading_key(heading: &str) -> String {
    heading.trim().to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_list_entries_name_things_and_state_nothing() {
        for bare in [
            "Reginald Marsh",
            "Collected Letters of Ann Example, 1950",
            "Official website",
            "List of harbours in Europe",
        ] {
            assert!(is_bare_entry(bare), "{bare}");
        }
        for fact in [
            "Founded the company in 1901",
            "1901: Founded the company",
            "Won the cup twice",
            "The harbour was rebuilt after the storm",
            "Smith served as mayor until 1950",
        ] {
            assert!(!is_bare_entry(fact), "{fact}");
        }
    }

    #[test]
    fn synthetic_text_maps_to_its_anchor_and_copied_text_advances() {
        // File: "[[Moscow|the capital]] fell" — the reader keeps the label and " fell".
        let mut t = CleanText::new();
        t.push_synthetic("the capital", 0);
        t.push_source(" fell", 22);
        assert_eq!(t.map.to_file(0), 0);
        assert_eq!(t.map.to_file(10), 0, "inside the made-up label");
        assert_eq!(t.map.to_file(11), 22);
        assert_eq!(t.map.to_file(13), 24);
        let tail = t.map.slice(4, 16);
        assert_eq!(
            tail.to_file(0),
            0,
            "a slice starting in made-up text keeps the anchor"
        );
        assert_eq!(tail.to_file(7), 22);
    }

    #[test]
    fn a_slice_keeps_exactly_the_runs_inside_it() {
        // Alternating copied and made-up pieces, as a paragraph of links gives.
        let mut t = CleanText::new();
        for i in 0..50 {
            t.push_source("word ", i * 20);
            t.push_synthetic("label ", i * 20 + 10);
        }
        for (start, end) in [(0, 3), (5, 11), (7, 300), (11, 550), (549, 550)] {
            let slice = t.map.slice(start, end);
            for k in 0..end - start {
                assert_eq!(
                    slice.to_file(k),
                    t.map.to_file(start + k),
                    "{start}..{end} @ {k}"
                );
            }
        }
    }
}
