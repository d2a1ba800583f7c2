//! The index schema: one document per article sentence and per source passage.

use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STORED, STRING,
};

use super::tokenizer::ANALYZER;

/// Bumped whenever the schema or the way documents are made changes; part of the
/// fingerprint, so an index built by an older citecheck reads as stale and is rebuilt.
pub const SCHEMA_VERSION: u32 = 2;

/// `kind` of an article sentence.
pub const KIND_ARTICLE: &str = "article";
/// `kind` of a source passage.
pub const KIND_SOURCE: &str = "source";

/// Field handles, looked up once.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// `article` or `source` (exact term).
    pub kind: Field,
    /// Article id or source id (exact term).
    pub doc: Field,
    /// Article or source title (analysed).
    pub title: Field,
    /// Section heading of an article sentence; "Article N" of a treaty passage (analysed).
    pub section: Field,
    /// 1-based line in the file.
    pub line: Field,
    /// Footnote labels: those covering an article sentence; those citing a passage's source.
    pub footnotes: Field,
    /// Source ids: those an article sentence's footnotes link to; a passage's own source.
    pub source: Field,
    /// The sentence or passage (analysed, with positions for phrases).
    pub text: Field,
    /// File path relative to the corpus root (stored only).
    pub file: Field,
    /// Insertion order: the deterministic tie-break between equal scores.
    pub ord: Field,
}

/// Names a user can put before `:` in a query.
pub const QUERY_FIELDS: &[&str] = &[
    "text",
    "title",
    "section",
    "kind",
    "doc",
    "line",
    "footnotes",
    "source",
];

/// The schema of a new index, and its fields.
pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let analysed = |positions: bool| {
        TextOptions::default()
            .set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(ANALYZER)
                    .set_index_option(if positions {
                        IndexRecordOption::WithFreqsAndPositions
                    } else {
                        IndexRecordOption::WithFreqs
                    }),
            )
            .set_stored()
    };
    let fields = Fields {
        kind: b.add_text_field("kind", STRING | STORED),
        doc: b.add_text_field("doc", STRING | STORED),
        title: b.add_text_field("title", analysed(true)),
        section: b.add_text_field("section", analysed(true)),
        line: b.add_u64_field("line", INDEXED | STORED),
        footnotes: b.add_text_field("footnotes", STRING | STORED),
        source: b.add_text_field("source", STRING | STORED),
        text: b.add_text_field("text", analysed(true)),
        file: b.add_text_field("file", STORED),
        ord: b.add_u64_field("ord", FAST),
    };
    (b.build(), fields)
}

impl Fields {
    /// Field handles of an opened index, checking it has citecheck's schema.
    pub fn of(schema: &Schema) -> tantivy::Result<Fields> {
        let f = |name: &str| schema.get_field(name);
        Ok(Fields {
            kind: f("kind")?,
            doc: f("doc")?,
            title: f("title")?,
            section: f("section")?,
            line: f("line")?,
            footnotes: f("footnotes")?,
            source: f("source")?,
            text: f("text")?,
            file: f("file")?,
            ord: f("ord")?,
        })
    }
}
