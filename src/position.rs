//! Positions in a text file, on the lowest layer: every stage (manifest, readers, model,
//! checker, renderers) names places in files the same way.
//!
//! A [`Location`] is 1-based line and column plus the byte offset. Columns count
//! characters, as rustc and editors do; renderers turn them into display width.
//! [`LineIndex`] maps byte offsets to locations in O(log n) per lookup, so a reader that
//! locates every sentence and marker of a 10 MB single-line file stays linear overall.

use serde::Serialize;

/// Input formats a reader exists for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Chosen by file extension, then by content.
    #[default]
    Auto,
    /// Plain text with `[n]` markers (the World Library export).
    Text,
    /// Markdown footnotes (`[^label]`).
    Markdown,
    /// MediaWiki wikitext (`<ref>`, `{{cite …}}`).
    Wikitext,
    /// HTML (Wikipedia-rendered pages).
    Html,
}

impl Format {
    /// The name used in `corpus.toml` (`format = "…"`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Auto => "auto",
            Format::Text => "text",
            Format::Markdown => "markdown",
            Format::Wikitext => "wikitext",
            Format::Html => "html",
        }
    }
}

/// A position in the original file. `line` and `column` are 1-based; the column counts
/// characters (as rustc and editors do), `offset` counts bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Default)]
pub struct Location {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Byte offset from the start of the text.
    pub offset: usize,
}

/// Bytes per checkpoint of [`LineIndex`]'s character counts: a lookup counts at most
/// two such stretches, and the checkpoints cost one `usize` per `CHUNK` bytes of
/// non-ASCII text (3 %).
const CHUNK: usize = 256;

/// Maps byte offsets of one text to line/column. Build it once per text (readers, the
/// model and the checker share the article's) and pass that same text to
/// [`LineIndex::locate`].
///
/// A lookup is a binary search for the line, then a character column. Counting the
/// characters from the line start on every lookup would be quadratic on a long line (a
/// 10 MB single-line file took minutes), so the index records how many characters
/// precede every `CHUNK`-th byte: a column is the difference of two such counts, each
/// finished by counting at most `CHUNK` bytes. A pure-ASCII text needs no checkpoints
/// (column = byte distance).
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    /// Byte offset where each line starts; `starts[0] == 0`.
    starts: Vec<usize>,
    /// Characters in `text[..k * CHUNK]` for every `k` with `k * CHUNK <= text.len()`;
    /// empty when the text is ASCII.
    chars_before_chunk: Vec<usize>,
    len: usize,
}

impl LineIndex {
    /// The index of `text`'s lines (one pass over it).
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let chars_before_chunk = if text.is_ascii() {
            Vec::new()
        } else {
            let mut counts = Vec::with_capacity(text.len() / CHUNK + 1);
            let mut chars = 0;
            counts.push(0);
            for chunk in text.as_bytes().chunks(CHUNK) {
                chars += count_char_starts(chunk);
                counts.push(chars);
            }
            // The last entry counts a partial chunk: drop it unless the text ends exactly
            // on a chunk boundary, so `counts[k]` always means "before byte k * CHUNK".
            counts.truncate(text.len() / CHUNK + 1);
            counts
        };
        LineIndex {
            starts,
            chars_before_chunk,
            len: text.len(),
        }
    }

    /// The location of byte `offset` of `text` (the text this index was built from).
    /// Past the end it is the end; inside a multi-byte character, that character.
    pub fn locate(&self, text: &str, offset: usize) -> Location {
        debug_assert_eq!(text.len(), self.len, "LineIndex used with another text");
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        let column = self.chars_before(text, offset) - self.chars_before(text, start) + 1;
        Location {
            line,
            column,
            offset,
        }
    }

    /// Characters in `text[..offset]`.
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        if self.chars_before_chunk.is_empty() {
            return offset;
        }
        let k = (offset / CHUNK).min(self.chars_before_chunk.len() - 1);
        let from = k * CHUNK;
        self.chars_before_chunk[k] + count_char_starts(&text.as_bytes()[from..offset])
    }

    /// The byte offset `chars` characters after byte `from` (a character boundary of
    /// `text`), or `end` when the text up to `end` is shorter. Found from the nearest
    /// checkpoint, so it costs at most a few `CHUNK`s however far into a line it is:
    /// a finding's column far into a megabyte line is not counted from the line start.
    pub fn char_offset(&self, text: &str, from: usize, end: usize, chars: usize) -> usize {
        debug_assert_eq!(text.len(), self.len, "LineIndex used with another text");
        let end = end.min(text.len());
        if self.chars_before_chunk.is_empty() {
            return from.saturating_add(chars).min(end).max(from.min(end));
        }
        let target = self.chars_before(text, from) + chars;
        // The last checkpoint at or before the target character, if past `from`.
        let k = self
            .chars_before_chunk
            .partition_point(|&c| c <= target)
            .saturating_sub(1);
        let (mut at, mut count) = if k * CHUNK > from {
            (k * CHUNK, self.chars_before_chunk[k])
        } else {
            (from, target - chars)
        };
        // `at` may be inside a character: `count` is the characters starting before it.
        let bytes = text.as_bytes();
        while at < end {
            if (bytes[at] as i8) >= -0x40 {
                if count == target {
                    return at;
                }
                count += 1;
            }
            at += 1;
        }
        end.max(from.min(end))
    }

    /// Byte offset where 1-based `line` starts.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line.checked_sub(1)?).copied()
    }

    /// Number of lines (a text without a newline has one).
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }
}

/// Characters starting in `bytes`: every byte that is not a UTF-8 continuation byte.
fn count_char_starts(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

/// Lone carriage returns (classic Mac OS line endings) become line feeds, so every
/// stage sees the lines the author wrote; a CR before an LF stays. One byte for one
/// byte: offsets, lines and columns are those of the file.
pub fn normalize_lone_cr(text: String) -> String {
    let bytes = text.as_bytes();
    let lone = |i: usize| bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n');
    if !(0..bytes.len()).any(lone) {
        return text;
    }
    let mut bytes = text.into_bytes();
    for i in 0..bytes.len() {
        if bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n') {
            bytes[i] = b'\n';
        }
    }
    // Only ASCII bytes changed, for ASCII bytes: still UTF-8.
    String::from_utf8(bytes).expect("CR to LF keeps UTF-8 valid")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The column as counting characters from the line start gives it.
    fn naive(text: &str, offset: usize) -> (usize, usize) {
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, text[start..offset].chars().count() + 1)
    }

    #[test]
    fn columns_count_characters_across_chunks_and_lines() {
        let text = format!(
            "ascii line\n{}日ソ中立条約は、In 1941\n{}\nend",
            "é".repeat(300),
            "x".repeat(700)
        );
        let index = LineIndex::new(&text);
        for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
            let loc = index.locate(&text, offset);
            assert_eq!((loc.line, loc.column), naive(&text, offset), "at {offset}");
            assert_eq!(loc.offset, offset);
        }
        assert_eq!(index.line_count(), 4);
    }

    #[test]
    fn offsets_inside_a_character_or_past_the_end_are_clamped() {
        let text = "ab日c";
        let index = LineIndex::new(text);
        assert_eq!(index.locate(text, 3), index.locate(text, 2));
        assert_eq!(index.locate(text, 3).column, 3);
        assert_eq!(index.locate(text, 99).offset, text.len());
        assert_eq!(index.locate(text, 99).column, 5);
    }

    #[test]
    fn a_text_ending_on_a_chunk_boundary_has_its_last_checkpoint() {
        let text = "é".repeat(CHUNK); // 2 * CHUNK bytes
        let index = LineIndex::new(&text);
        assert_eq!(index.locate(&text, text.len()).column, CHUNK + 1);
        assert_eq!(index.locate(&text, CHUNK).column, CHUNK / 2 + 1);
    }
}
