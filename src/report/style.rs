//! Terminal styling: colour only when asked for or when writing to a terminal, and never
//! when `NO_COLOR` is set (https://no-color.org).

use std::io::IsTerminal;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
}

impl Style {
    pub fn for_stdout(choice: ColorChoice) -> Style {
        Style::resolve(choice, std::io::stdout().is_terminal())
    }

    pub fn for_stderr(choice: ColorChoice) -> Style {
        Style::resolve(choice, std::io::stderr().is_terminal())
    }

    fn resolve(choice: ColorChoice, terminal: bool) -> Style {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => terminal && !no_color,
        };
        Style { color }
    }

    pub fn plain() -> Style {
        Style { color: false }
    }

    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    pub fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }
    pub fn red(&self, s: &str) -> String {
        self.paint("1;31", s)
    }
    pub fn yellow(&self, s: &str) -> String {
        self.paint("1;33", s)
    }
    pub fn green(&self, s: &str) -> String {
        self.paint("32", s)
    }
    pub fn cyan(&self, s: &str) -> String {
        self.paint("1;36", s)
    }
    pub fn blue(&self, s: &str) -> String {
        self.paint("1;34", s)
    }
    pub fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }
    /// Search-hit highlight: reverse video on a terminal, `«…»` otherwise (brackets would read as footnote markers).
    pub fn highlight(&self, s: &str) -> String {
        if self.color {
            format!("\x1b[1;31m{s}\x1b[0m")
        } else {
            // Not `[…]`: brackets read as footnote markers in article text.
            format!("«{s}»")
        }
    }
}
