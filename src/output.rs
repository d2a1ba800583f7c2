//! Writing results: to stdout in one go, surviving a closed pipe (`citecheck … | head`)
//! without a panic message.

use std::io::Write;

use citecheck::Error;

/// Print `text` to stdout. A reader that went away (broken pipe) is not an error.
pub fn print(text: &str) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::io(std::path::Path::new("<stdout>"), e)),
    }
}

pub fn is_broken_pipe(e: &Error) -> bool {
    matches!(e, Error::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
}

/// Pretty JSON with a trailing newline.
pub fn print_json(value: &serde_json::Value) -> Result<(), Error> {
    let mut s = serde_json::to_string_pretty(value).unwrap_or_default();
    s.push('\n');
    print(&s)
}
