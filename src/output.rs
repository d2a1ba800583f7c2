//! Writing results: to stdout in one go, surviving a closed pipe (`citecheck … | head`)
//! without a panic message; and the library's progress and notes to stderr.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::Mutex;

use citecheck::observer::Stage;
use citecheck::report::style::{ColorChoice, Style};
use citecheck::{Error, Event, Observer};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

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

/// JSON that `write` streams to stdout (buffered), then a newline: a large document is
/// never held in memory whole. A reader that went away is not an error.
pub fn stream_json(
    write: impl FnOnce(&mut dyn Write) -> serde_json::Result<()>,
) -> Result<(), Error> {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let written = write(&mut out)
        .map_err(std::io::Error::from)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush());
    match written {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::io(std::path::Path::new("<stdout>"), e)),
    }
}

/// How the binary shows the library's [`Event`]s on stderr: notes and warnings as
/// `citecheck: …` lines, progress as an indicatif bar — on a terminal only, and nothing
/// at all with `--quiet`.
pub struct Terminal {
    quiet: bool,
    /// Draw bars: stderr is a terminal and not `--quiet`.
    bars: bool,
    style: Style,
    /// The bar of the stage in progress, made on its first event.
    bar: Mutex<Option<(Stage, ProgressBar)>>,
    /// Whether a bar was drawn in this run: once one was, later steps are shown too
    /// (the run is long), so the display never goes quiet until it ends.
    drew: std::sync::atomic::AtomicBool,
}

/// Stages shorter than this many items finish before a bar would help (fetching
/// excepted: each of its items takes seconds).
const MIN_ITEMS_FOR_BAR: usize = 50;

impl Terminal {
    /// The observer for `--quiet` (`quiet`) and the chosen colours.
    pub fn new(quiet: bool, color: ColorChoice) -> Self {
        Terminal {
            quiet,
            bars: !quiet && std::io::stderr().is_terminal(),
            style: Style::for_stderr(color),
            bar: Mutex::new(None),
            drew: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Print a line on stderr (unless `--quiet`), above any progress bar.
    pub fn note(&self, line: &str) {
        if !self.quiet {
            self.print("", line);
        }
    }

    /// Print an error that does not stop the command (one unreadable article of many)
    /// on stderr, even with `--quiet`, as `main` prints the error that does.
    fn error(&self, e: &Error) {
        self.print("error: ", &crate::advice::message(e));
    }

    /// `citecheck: {prefix}{text}` on stderr, above any progress bar. `prefix` is
    /// citecheck's own (it may be coloured); `text` may name the user's files or quote
    /// their text, so it is shown with its control characters escaped and workflow
    /// commands defused.
    fn print(&self, prefix: &str, text: &str) {
        let line = format!(
            "citecheck: {prefix}{}",
            citecheck::report::text::defuse_message(text)
        );
        let bar = self.bar.lock().unwrap_or_else(|p| p.into_inner());
        match &*bar {
            Some((_, b)) => b.suspend(|| eprintln!("{line}")),
            None => eprintln!("{line}"),
        }
    }

    fn progress(&self, stage: Stage, done: usize, total: usize, item: Option<&str>) {
        if !self.bars || (total < MIN_ITEMS_FOR_BAR && stage != Stage::Fetching) {
            return;
        }
        self.drew.store(true, std::sync::atomic::Ordering::Relaxed);
        let mut slot = self.bar.lock().unwrap_or_else(|p| p.into_inner());
        if slot.as_ref().is_none_or(|(s, _)| *s != stage) {
            if let Some((_, old)) = slot.take() {
                old.finish_and_clear();
            }
            let bar =
                ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
            if let Ok(style) =
                ProgressStyle::with_template("{prefix:>9} [{bar:30}] {pos}/{len} {wide_msg}")
            {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_prefix(stage.name());
            *slot = Some((stage, bar));
        }
        let Some((_, bar)) = slot.as_ref() else {
            return;
        };
        bar.set_position(done as u64);
        if let Some(item) = item {
            bar.set_message(item.to_string());
        }
        if done >= total {
            bar.finish_and_clear();
            *slot = None;
        }
    }
}

impl Terminal {
    /// A stage without a count: a spinner naming it, until the next stage or the end —
    /// for a step over many items, or in a run that has drawn a bar already.
    fn step(&self, stage: Stage, items: usize) {
        use std::sync::atomic::Ordering;
        if !self.bars || (items < MIN_ITEMS_FOR_BAR && !self.drew.load(Ordering::Relaxed)) {
            return;
        }
        self.drew.store(true, Ordering::Relaxed);
        let mut slot = self.bar.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, old)) = slot.take() {
            old.finish_and_clear();
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{prefix:>9} {spinner} {elapsed}") {
            bar.set_style(style);
        }
        bar.set_prefix(stage.name());
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        *slot = Some((stage, bar));
    }

    /// Show that the binary's last step is under way: writing out a report of `items`
    /// findings (SARIF, a Markdown comment, the end of a JSON document).
    pub fn writing(&self, items: usize) {
        self.step(Stage::Writing, items);
    }
}

impl Observer for Terminal {
    fn event(&self, event: &Event<'_>) {
        match event {
            Event::Progress {
                stage,
                done,
                total,
                item,
            } => self.progress(*stage, *done, *total, *item),
            Event::Step { stage, items } => self.step(*stage, *items),
            Event::Warning(w) => {
                if !self.quiet {
                    self.print(
                        &format!("{}: ", self.style.yellow("warning")),
                        &w.to_string(),
                    );
                }
            }
            Event::Skipped { error } => self.error(error),
            other => self.note(&other.to_string()),
        }
    }
}

impl Drop for Terminal {
    /// A stage that stopped early (an error) leaves no half-drawn bar behind.
    fn drop(&mut self) {
        if let Some((_, bar)) = self.bar.get_mut().ok().and_then(Option::take) {
            bar.finish_and_clear();
        }
    }
}

/// Where streamed output (findings written by `check` as they are made) goes: stdout,
/// or with `--output FILE` a temporary file beside FILE that replaces it only when the
/// run finishes, so a failed or interrupted run never leaves a half-written report.
/// Buffered; once a stdout reader has gone away (`| head`), further writes are dropped
/// quietly so the command still finishes with the right exit status.
pub struct Stream {
    out: Box<dyn Write>,
    /// The file to write, and the temporary file being written beside it.
    file: Option<(std::path::PathBuf, tempfile::NamedTempFile)>,
    closed: bool,
}

impl Stream {
    pub fn stdout() -> Stream {
        Stream {
            out: Box::new(std::io::BufWriter::with_capacity(
                1 << 16,
                std::io::stdout(),
            )),
            file: None,
            closed: false,
        }
    }

    /// Output to `path` (`-`: stdout), written in full at [`Stream::finish`].
    pub fn to(path: Option<&Path>) -> Result<Stream, Error> {
        let Some(path) = path.filter(|p| *p != Path::new("-")) else {
            return Ok(Stream::stdout());
        };
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let temp = tempfile::Builder::new()
            .prefix(".citecheck-")
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(|e| Error::io(path, e))?;
        let writer = temp.reopen().map_err(|e| Error::io(path, e))?;
        Ok(Stream {
            out: Box::new(std::io::BufWriter::with_capacity(1 << 16, writer)),
            file: Some((path.to_path_buf(), temp)),
            closed: false,
        })
    }

    /// What the output is called in messages.
    fn name(&self) -> &Path {
        self.file
            .as_ref()
            .map_or(Path::new("<stdout>"), |(p, _)| p.as_path())
    }

    pub fn write(&mut self, text: &str) -> Result<(), Error> {
        if self.closed {
            return Ok(());
        }
        let r = self.out.write_all(text.as_bytes());
        self.check(r)
    }

    /// Flush what is written so far (batch mode: a reader sees each article's records
    /// as soon as they are made).
    pub fn flush(&mut self) -> Result<(), Error> {
        if self.closed {
            return Ok(());
        }
        let r = self.out.flush();
        self.check(r)
    }

    pub fn finish(mut self) -> Result<(), Error> {
        if self.closed {
            return Ok(());
        }
        let r = self.out.flush();
        self.check(r)?;
        if let Some((path, temp)) = self.file.take() {
            // A report is for reading: not the temporary file's owner-only mode.
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let _ =
                    std::fs::set_permissions(temp.path(), std::fs::Permissions::from_mode(0o644));
            }
            temp.persist(&path).map_err(|e| Error::io(&path, e.error))?;
        }
        Ok(())
    }

    fn check(&mut self, r: std::io::Result<()>) -> Result<(), Error> {
        match r {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe && self.file.is_none() => {
                self.closed = true;
                Ok(())
            }
            Err(e) => Err(Error::io(self.name(), e)),
        }
    }
}

pub use citecheck::report::absolute;

/// How every command shows a file: relative to the current directory when it is under
/// it (clickable from the shell, stable in CI logs), else absolute — never `./x` or
/// `../x`.
pub fn shown_path(path: &Path) -> String {
    // Every finding of an article names the same file: asked 50,000 times in a row, the
    // working directory lookups were a tenth of a footnote storm's `check`. The last
    // answer is kept (the working directory does not change during a command).
    thread_local! {
        static LAST: std::cell::RefCell<Option<(std::path::PathBuf, String)>> =
            const { std::cell::RefCell::new(None) };
    }
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        match &*last {
            Some((p, shown)) if p == path => shown.clone(),
            _ => {
                let shown = compute_shown_path(path);
                *last = Some((path.to_path_buf(), shown.clone()));
                shown
            }
        }
    })
}

fn compute_shown_path(path: &Path) -> String {
    let abs = absolute(path);
    let cwd = std::env::current_dir().map(|c| absolute(&c)).ok();
    let shown = match cwd.as_deref().and_then(|c| abs.strip_prefix(c).ok()) {
        Some(rel) if !rel.as_os_str().is_empty() => rel.to_path_buf(),
        _ => abs,
    };
    shown.to_string_lossy().replace('\\', "/")
}

/// What repository-relative paths are relative to by default: the git work tree holding
/// the current directory (the nearest ancestor with a `.git`), else the current
/// directory.
pub fn default_root() -> std::path::PathBuf {
    let cwd = absolute(Path::new("."));
    cwd.ancestors()
        .find(|d| d.join(".git").exists())
        .map_or_else(|| cwd.clone(), Path::to_path_buf)
}
