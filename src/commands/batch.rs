//! `check --input jsonl PATH`: article records in, JSON Lines out, one article at a time
//! in input order (what a Spark partition pipes through one process). Memory holds one
//! record and its findings, plus the corpus's sources: flat in the number of records.

use std::io::BufRead;
use std::path::{Path, PathBuf};

use citecheck::check::baseline::Baseline;
use citecheck::check::rules::Config;
use citecheck::check::Checker;
use citecheck::position::Format;
use citecheck::{Corpus, Error, Result};
use serde::Deserialize;

use citecheck::check_options::ReportFormat;

use super::{Filter, Report, ReportSettings, Run};
use crate::cli::Cli;
use crate::output;

/// One input line.
#[derive(Deserialize)]
struct Record {
    id: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    format: Option<String>,
    text: String,
    #[serde(default)]
    path: Option<String>,
}

fn format_named(name: Option<&str>) -> std::result::Result<Format, String> {
    Ok(match name.unwrap_or("auto") {
        "auto" => Format::Auto,
        "text" => Format::Text,
        "markdown" => Format::Markdown,
        "wikitext" => Format::Wikitext,
        "html" => Format::Html,
        other => {
            return Err(format!(
                "unknown format {other:?} (auto, text, markdown, wikitext, html)"
            ))
        }
    })
}

pub fn run(
    cli: &Cli,
    corpus: &Corpus,
    config: Config,
    baseline: Option<&Baseline>,
    filter: Filter,
    args: &Run,
) -> Result<u8> {
    if !matches!(
        args.options.format(),
        ReportFormat::Jsonl | ReportFormat::Text
    ) {
        return Err(Error::Usage(
            "--input jsonl writes JSON Lines: use --format jsonl (or leave --format out)".into(),
        ));
    }
    let source = match args.paths {
        [one] => one.clone(),
        [] => PathBuf::from("-"),
        _ => {
            return Err(Error::Usage(
                "--input jsonl reads one stream: give one PATH (`-` for stdin)".into(),
            ))
        }
    };
    let sources = citecheck::sources::load_all(corpus)?;
    let ranker = citecheck::pipeline::ranker(&sources)?;
    let checker = Checker::new(corpus, config, &sources, Some(&ranker));
    let mut report = Report::new(
        ReportSettings::new(cli, &args.options, ReportFormat::Jsonl, filter),
        output::Stream::to(args.options.output.as_deref())?,
    );
    let mut session = checker.session(baseline);

    let input: Box<dyn BufRead> = if source == Path::new("-") {
        Box::new(std::io::stdin().lock())
    } else {
        let file = std::fs::File::open(&source).map_err(|e| Error::io(&source, e))?;
        Box::new(std::io::BufReader::new(file))
    };
    let name = if source == Path::new("-") {
        PathBuf::from("<stdin>")
    } else {
        source.clone()
    };
    let mut input = input;
    let mut line = Vec::new();
    let mut number = 0;
    loop {
        line.clear();
        let read = input
            .read_until(b'\n', &mut line)
            .map_err(|e| Error::io(&name, e))?;
        if read == 0 {
            break;
        }
        number += 1;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match article_of(&line, corpus) {
            Ok(article) => {
                let result = checker.check_article(&article)?;
                session.add_article(&article, result, &mut report);
            }
            Err((id, message)) => {
                report.write(&citecheck::report::json::lines::error(
                    id.as_deref(),
                    number,
                    &message,
                ));
            }
        }
        report.flush()?;
    }
    let summary = session.finish_into(&mut report);
    report.finish(&summary)
}

/// The article of one input line, or the record's id (when it has one) and what is
/// wrong with it.
fn article_of(
    line: &[u8],
    corpus: &Corpus,
) -> std::result::Result<citecheck::Article, (Option<String>, String)> {
    let text = std::str::from_utf8(line).map_err(|e| (None, format!("not UTF-8: {e}")))?;
    let record: Record = serde_json::from_str(text).map_err(|e| {
        // The id, when the line is JSON with one, names the record in the error.
        let id = serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .and_then(|v| v["id"].as_str().map(str::to_string));
        (id, format!("not an article record: {e}"))
    })?;
    let id = Some(record.id.clone());
    let format = format_named(record.format.as_deref()).map_err(|m| (id.clone(), m))?;
    if record.text.contains('\0') {
        return Err((id, "binary text (a NUL character)".into()));
    }
    let path = PathBuf::from(record.path.as_deref().unwrap_or(&record.id));
    let mut article = citecheck::readers::parse(&record.id, &path, format, record.text)
        .map_err(|e| (id.clone(), e.to_string()))?;
    if let Some(title) = record.title {
        article.title = Some(title);
    }
    citecheck::link::link_article(&mut article, corpus);
    Ok(article)
}
