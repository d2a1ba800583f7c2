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

/// Stdout for output written as it is made (findings streamed by `check`): buffered,
/// and once the reader has gone away (`| head`), further writes are dropped quietly so
/// the command still finishes with the right exit status.
pub struct Stream {
    out: std::io::BufWriter<std::io::Stdout>,
    closed: bool,
}

impl Stream {
    pub fn stdout() -> Stream {
        Stream {
            out: std::io::BufWriter::with_capacity(1 << 16, std::io::stdout()),
            closed: false,
        }
    }

    pub fn write(&mut self, text: &str) -> Result<(), Error> {
        if self.closed {
            return Ok(());
        }
        let r = self.out.write_all(text.as_bytes());
        self.check(r)
    }

    pub fn finish(mut self) -> Result<(), Error> {
        if self.closed {
            return Ok(());
        }
        let r = self.out.flush();
        self.check(r)
    }

    fn check(&mut self, r: std::io::Result<()>) -> Result<(), Error> {
        match r {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            Err(e) => Err(Error::io(std::path::Path::new("<stdout>"), e)),
        }
    }
}

/// A bar on a terminal for work big enough to wait for (`total` items); hidden when
/// stderr is not a terminal, with `--quiet`, or for small work.
pub fn progress_bar(quiet: bool, total: usize, what: &str) -> indicatif::ProgressBar {
    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
    use std::io::IsTerminal;
    if quiet || total < 50 || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(&format!("{what} {{bar:40}} {{pos}}/{{len}}")) {
        bar.set_style(style);
    }
    bar
}
