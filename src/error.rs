//! Errors that stop a command: bad configuration or input, a missing corpus, an unusable
//! index, a query that cannot be run. Each names the file and, where there is one, the
//! line and column, so the user can go straight there, and keeps its cause
//! ([`std::error::Error::source`]). What to do about an error (which flag or command
//! fixes it) is the caller's business: the library says what is wrong, not how to drive
//! a command line.

use std::fmt;
use std::path::{Path, PathBuf};

/// A cause kept behind an error: I/O, tantivy, JSON, … whatever failed underneath.
pub type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything that can stop a library call.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written at all.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// Input is wrong at a known place (a manifest key, a byte that is not UTF-8).
    #[error("{}{}: {message}", path.display(), position(*line, *column))]
    Input {
        /// The file.
        path: PathBuf,
        /// 1-based line, when the problem has one.
        line: Option<usize>,
        /// 1-based column (in characters), when the problem has one.
        column: Option<usize>,
        /// What is wrong there.
        message: String,
    },
    /// The corpus directory cannot be used as one.
    #[error("corpus directory {} {problem}", path.display())]
    Corpus {
        /// The directory asked for.
        path: PathBuf,
        /// Why it cannot be used.
        problem: CorpusProblem,
    },
    /// The index is unusable: missing, corrupt, built by another version, or the search
    /// engine failed underneath.
    #[error("index: {}", describe_index(kind, path.as_deref(), detail.as_deref(), source.as_deref()))]
    Index {
        /// What kind of trouble.
        kind: IndexErrorKind,
        /// The index directory or the file in it at fault, when known.
        path: Option<PathBuf>,
        /// What exactly was found there (e.g. what `CURRENT` names).
        detail: Option<String>,
        /// The underlying error.
        #[source]
        source: Option<Cause>,
    },
    /// A search query that cannot be run.
    #[error("{}", describe_query(query, problem, source.as_deref()))]
    Query {
        /// The query as given (trimmed).
        query: String,
        /// What is wrong with it.
        problem: QueryProblem,
        /// The query parser's error, when it had one (boxed: it is large, and every
        /// `Result` of the library carries an `Error`).
        #[source]
        source: Option<Box<tantivy::query::QueryParserError>>,
    },
    /// The caller asks for something that does not exist or does not fit (an unknown
    /// rule, source or article).
    #[error("{0}")]
    Usage(String),
}

/// Why a corpus directory cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CorpusProblem {
    /// Nothing exists at the path.
    NotFound,
    /// Something exists there but it is not a directory.
    NotADirectory,
}

impl fmt::Display for CorpusProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CorpusProblem::NotFound => "does not exist",
            CorpusProblem::NotADirectory => "is not a directory",
        })
    }
}

/// What kind of trouble an index is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexErrorKind {
    /// No index has been built in the directory.
    Missing,
    /// The index's files are damaged or not what they should be.
    Corrupt,
    /// The index was built by another version of citecheck (another schema).
    WrongVersion,
    /// A build was stopped on purpose (the fault-injection variable is set).
    Aborted,
    /// The search engine failed while building or reading the index.
    Engine,
    /// The directory holds files citecheck did not make (no `CITECHECK-INDEX` marker):
    /// citecheck neither writes into it nor deletes anything there.
    Foreign,
    /// The index was built from another corpus (another root directory or manifest).
    OtherCorpus,
}

impl fmt::Display for IndexErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IndexErrorKind::Missing => "no index",
            IndexErrorKind::Corrupt => "corrupt",
            IndexErrorKind::WrongVersion => "not a citecheck index of this version",
            IndexErrorKind::Aborted => "build stopped",
            IndexErrorKind::Engine => "search engine error",
            IndexErrorKind::Foreign => {
                "not a citecheck index directory (it is not empty and has no CITECHECK-INDEX marker)"
            }
            IndexErrorKind::OtherCorpus => "built from another corpus",
        })
    }
}

/// What is wrong with a search query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryProblem {
    /// Nothing but whitespace.
    Empty,
    /// A `field:value` filter names a field the index does not have.
    UnknownField {
        /// The field named.
        field: String,
        /// The fields a query may name.
        known: Vec<String>,
    },
    /// The query cannot be read even leniently.
    Malformed,
    /// The query parses but leaves nothing to search for (only operators, stop words).
    NothingToSearch,
    /// Parentheses nest deeper than the parser reads (it recurses per level, and a
    /// few thousand levels would overflow the stack).
    TooDeep {
        /// How deep the query nests.
        depth: usize,
        /// The deepest nesting read.
        limit: usize,
    },
    /// `field:*` (any value): the index cannot test whether a text field is present.
    AnyValue {
        /// The field named.
        field: String,
    },
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

fn position(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!(":{l}:{c}"),
        (Some(l), None) => format!(":{l}"),
        _ => String::new(),
    }
}

fn describe_index(
    kind: &IndexErrorKind,
    path: Option<&Path>,
    detail: Option<&str>,
    source: Option<&(dyn std::error::Error + Send + Sync + 'static)>,
) -> String {
    if let (IndexErrorKind::Missing, Some(p)) = (kind, path) {
        return format!("no index at {}/", p.display());
    }
    let mut s = path.map_or_else(String::new, |p| format!("{}: ", p.display()));
    match (kind, detail, source) {
        // The engine's own message says it all.
        (IndexErrorKind::Engine, None, Some(e)) => s.push_str(&e.to_string()),
        // "build stopped after 5 documents (…)": the detail finishes the sentence.
        (IndexErrorKind::Aborted, Some(d), _) => s.push_str(&format!("{kind} {d}")),
        _ => {
            s.push_str(&kind.to_string());
            if let Some(d) = detail {
                s.push_str(&format!(" ({d})"));
            }
            if let Some(e) = source {
                s.push_str(&format!(": {e}"));
            }
        }
    }
    s
}

fn describe_query(
    q: &str,
    problem: &QueryProblem,
    source: Option<&tantivy::query::QueryParserError>,
) -> String {
    match problem {
        QueryProblem::Empty => "empty query: give words, a \"phrase\", or field:value".into(),
        QueryProblem::UnknownField { field, known } => format!(
            "unknown field `{field}` in query {q:?} (fields: {})",
            known.join(", ")
        ),
        QueryProblem::Malformed => match source {
            Some(e) => format!("malformed query {q:?}: {e}"),
            None => format!("malformed query {q:?}"),
        },
        QueryProblem::NothingToSearch => format!("query {q:?} has nothing to search for"),
        QueryProblem::TooDeep { depth, limit } => {
            format!("query nests parentheses {depth} deep; at most {limit} levels are read")
        }
        QueryProblem::AnyValue { field } => {
            format!("`{field}:*` (any value) is not supported: give a value, e.g. `{field}:word`")
        }
    }
}

impl Error {
    /// An [`Error::Io`] for `path`.
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// An [`Error::Input`] for the whole file.
    pub fn input(path: &Path, message: impl Into<String>) -> Self {
        Error::Input {
            path: path.to_path_buf(),
            line: None,
            column: None,
            message: message.into(),
        }
    }

    /// An [`Error::Input`] at a line and column of `path`.
    pub fn input_at(path: &Path, line: usize, column: usize, message: impl Into<String>) -> Self {
        Error::Input {
            path: path.to_path_buf(),
            line: Some(line),
            column: Some(column),
            message: message.into(),
        }
    }

    /// An [`Error::Index`] of `kind` about `path`, with what was found there.
    pub fn index(kind: IndexErrorKind, path: &Path, detail: impl Into<String>) -> Self {
        Error::Index {
            kind,
            path: Some(path.to_path_buf()),
            detail: Some(detail.into()),
            source: None,
        }
    }

    /// An [`Error::Index`] of `kind` about `path`, caused by `source`.
    pub fn index_caused(
        kind: IndexErrorKind,
        path: Option<&Path>,
        source: impl Into<Cause>,
    ) -> Self {
        Error::Index {
            kind,
            path: path.map(Path::to_path_buf),
            detail: None,
            source: Some(source.into()),
        }
    }

    /// An [`Error::Query`] without a parser error behind it.
    pub fn query(query: &str, problem: QueryProblem) -> Self {
        Error::Query {
            query: query.to_string(),
            problem,
            source: None,
        }
    }

    /// The kind of index trouble, when this is an index error.
    pub fn index_kind(&self) -> Option<IndexErrorKind> {
        match self {
            Error::Index { kind, .. } => Some(*kind),
            _ => None,
        }
    }
}

impl From<tantivy::TantivyError> for Error {
    fn from(e: tantivy::TantivyError) -> Self {
        Error::index_caused(IndexErrorKind::Engine, None, e)
    }
}

/// Read a text file: not found, a directory, binary content and invalid UTF-8 each get a
/// message that names the file and, for bad bytes, the line and column.
pub fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    decode_text(path, bytes)
}

/// [`read_text`] for bytes already read from `path`.
pub fn decode_text(path: &Path, bytes: Vec<u8>) -> Result<String> {
    if let Some(big_endian) = utf16_bom(&bytes) {
        return decode_utf16(path, &bytes[2..], big_endian);
    }
    if let Some(nul) = bytes.iter().position(|&b| b == 0) {
        if let Some(order) = looks_like_utf16(&bytes) {
            return Err(Error::input(
                path,
                format!(
                    "UTF-16 ({order}) text without a byte-order mark: \
                     save it as UTF-8 (or as UTF-16 with a byte-order mark)"
                ),
            ));
        }
        let (line, column) = byte_position(&bytes, nul);
        return Err(Error::input_at(
            path,
            line,
            column,
            "binary file (NUL byte), not text",
        ));
    }
    match String::from_utf8(bytes) {
        Ok(mut s) => {
            if s.starts_with('\u{feff}') {
                // A byte-order mark is not text; dropping it keeps offsets honest for
                // every later line (column 1 stays column 1).
                s.replace_range(..3, "");
            }
            Ok(crate::position::normalize_lone_cr(s))
        }
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let (line, column) = byte_position(&bytes, at);
            Err(Error::input_at(
                path,
                line,
                column,
                format!("not UTF-8 text (invalid byte 0x{:02x})", bytes[at]),
            ))
        }
    }
}

/// A TOML parse error in `path` (`corpus.toml`, `corpus.lock`) at its line and column,
/// on one line: toml puts the expectation on a second line, and scripts read one.
pub(crate) fn toml_error(
    path: &Path,
    text: &str,
    lines: &crate::position::LineIndex,
    e: &toml::de::Error,
) -> Error {
    let message = e
        .message()
        .trim()
        .lines()
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("; ");
    match e.span() {
        Some(span) => {
            let loc = lines.locate(text, span.start);
            Error::input_at(path, loc.line, loc.column, message)
        }
        None => Error::input(path, message),
    }
}

/// `Some(big_endian)` when the bytes open with a UTF-16 byte-order mark.
fn utf16_bom(bytes: &[u8]) -> Option<bool> {
    match bytes {
        [0xff, 0xfe, ..] => Some(false),
        [0xfe, 0xff, ..] => Some(true),
        _ => None,
    }
}

/// Text saved as UTF-16 without a mark: in most of its first code units (ASCII text)
/// one byte is NUL, always the same one. Says which byte order.
fn looks_like_utf16(bytes: &[u8]) -> Option<&'static str> {
    let units: Vec<&[u8]> = bytes.chunks_exact(2).take(256).collect();
    if units.len() < 2 {
        return None;
    }
    let most =
        |pick: fn(&[u8]) -> bool| units.iter().filter(|u| pick(u)).count() * 4 >= units.len() * 3;
    if most(|u| u[1] == 0 && u[0] != 0) {
        Some("little-endian")
    } else if most(|u| u[0] == 0 && u[1] != 0) {
        Some("big-endian")
    } else {
        None
    }
}

/// UTF-16 after its byte-order mark, as UTF-8. Lines and columns of later errors are
/// those of the decoded text, which are the file's.
fn decode_utf16(path: &Path, bytes: &[u8], big_endian: bool) -> Result<String> {
    if bytes.len() % 2 == 1 {
        return Err(Error::input(
            path,
            "UTF-16 text (byte-order mark) of an odd number of bytes: truncated",
        ));
    }
    let units = bytes.chunks_exact(2).map(|u| {
        if big_endian {
            u16::from_be_bytes([u[0], u[1]])
        } else {
            u16::from_le_bytes([u[0], u[1]])
        }
    });
    let mut text = String::with_capacity(bytes.len());
    for c in char::decode_utf16(units) {
        match c {
            Ok(c) => text.push(c),
            Err(e) => {
                let line = text.matches('\n').count() + 1;
                let column = text.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                return Err(Error::input_at(
                    path,
                    line,
                    column,
                    format!(
                        "not valid UTF-16 text (unpaired surrogate 0x{:04x})",
                        e.unpaired_surrogate()
                    ),
                ));
            }
        }
    }
    // The decoded text may itself hold what UTF-8 text may not: a NUL.
    decode_text(path, text.into_bytes())
}

fn byte_position(bytes: &[u8], at: usize) -> (usize, usize) {
    let before = &bytes[..at];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}
