//! Errors that stop a command: bad configuration or input. Each names the file and,
//! where there is one, the line and column, so the user can go straight there.
//! All of them map to exit status 2.

use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub enum Error {
    /// A file could not be read at all.
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Input is wrong at a known place (a manifest key, a byte that is not UTF-8).
    Input {
        path: PathBuf,
        line: Option<usize>,
        column: Option<usize>,
        message: String,
    },
    /// The command line asks for something that does not exist or does not fit.
    Usage(String),
    /// The index is unusable (corrupt, locked, built by another version).
    Index(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    pub fn input(path: &Path, message: impl Into<String>) -> Self {
        Error::Input {
            path: path.to_path_buf(),
            line: None,
            column: None,
            message: message.into(),
        }
    }

    pub fn input_at(path: &Path, line: usize, column: usize, message: impl Into<String>) -> Self {
        Error::Input {
            path: path.to_path_buf(),
            line: Some(line),
            column: Some(column),
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, source } => write!(f, "{}: {}", path.display(), source),
            Error::Input {
                path,
                line,
                column,
                message,
            } => {
                write!(f, "{}", path.display())?;
                if let Some(l) = line {
                    write!(f, ":{l}")?;
                    if let Some(c) = column {
                        write!(f, ":{c}")?;
                    }
                }
                write!(f, ": {message}")
            }
            Error::Usage(m) => f.write_str(m),
            Error::Index(m) => write!(f, "index: {m}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Read a text file: not found, a directory, binary content and invalid UTF-8 each get a
/// message that names the file and, for bad bytes, the line and column.
pub fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    decode_text(path, bytes)
}

pub fn decode_text(path: &Path, bytes: Vec<u8>) -> Result<String> {
    if let Some(nul) = bytes.iter().position(|&b| b == 0) {
        let (line, column) = byte_position(&bytes, nul);
        return Err(Error::input_at(
            path,
            line,
            column,
            "binary file (NUL byte): not a text article",
        ));
    }
    match String::from_utf8(bytes) {
        Ok(mut s) => {
            if s.starts_with('\u{feff}') {
                // A byte-order mark is not text; dropping it keeps offsets honest for
                // every later line (column 1 stays column 1).
                s.replace_range(..3, "");
            }
            Ok(s)
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
