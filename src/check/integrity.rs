//! Footnote and section integrity: what can be judged from the article alone —
//! markers ↔ reference entries, declared vs found uses, duplicate and unlinked entries,
//! the table of contents against the headings, and problems only a reader could see.

use std::collections::HashMap;

use super::verify::normalise;
use super::{Finding, Site};
use crate::model::Article;
use crate::rule::Rule;

/// unknown-footnote, unused-reference, backref-mismatch, duplicate-reference,
/// unlinked-reference, and the reader's own problems.
pub fn footnotes(site: &Site, out: &mut Vec<Finding>) {
    let a = site.article;
    for m in &a.markers {
        if m.reference.is_some() {
            continue;
        }
        out.push(
            site.finding(
                Rule::UnknownFootnote,
                m.offset..m.offset + m.len,
                format!("footnote [{}] has no reference entry", m.label),
            )
            .subject(m.label.clone())
            .footnote(m.label.clone())
            .sentence(m.sentence.map(|s| a.sentences[s].text.clone()))
            .help(format!(
                "add reference [{}] to the reference list, or correct the marker",
                m.label
            )),
        );
    }

    let mut first_label: HashMap<(&str, Option<&str>, usize), usize> = HashMap::new();
    let mut first_text: HashMap<String, usize> = HashMap::new();
    for (i, r) in a.references.iter().enumerate() {
        let source = r.link.as_ref().map(|l| l.source.clone());
        // Every finding on an entry is about the entry: its label is the subject.
        let at = |rule, message: String| {
            site.finding(
                rule,
                site.span_at(r.line, r.column, r.label.chars().count()),
                message,
            )
            .subject(r.label.clone())
            .footnote(r.label.clone())
            .source(source.clone())
        };
        // A label repeats only within one reference list (wikitext may have several).
        let key = (r.label.as_str(), r.group.as_deref(), r.list);
        let repeated_label = first_label.contains_key(&key);
        if let Some(&j) = first_label.get(&key) {
            out.push(
                at(
                    Rule::DuplicateReference,
                    format!("reference [{}] is listed twice", r.label),
                )
                .note(format!("first listed on line {}", a.references[j].line))
                .help("merge the two entries: markers resolve to the first"),
            );
        } else {
            first_label.insert(key, i);
        }
        // Markers resolve to the first entry with a label: a repeated label's own use
        // count says nothing, and duplicate-reference already reports it.
        if repeated_label {
            // nothing to count
        } else if r.found_uses == 0 {
            out.push(
                at(
                    Rule::UnusedReference,
                    format!("reference [{}] is never cited in the text", r.label),
                )
                .help(
                    "put its marker back after the sentence the work supports, or delete the entry",
                ),
            );
        } else if let Some(d) = r.declared_uses.filter(|&d| d != r.found_uses) {
            let help = if d > r.found_uses {
                format!(
                    "{} marker{} [{}] went missing: restore {} after the sentence{} the work supports",
                    d - r.found_uses,
                    if d - r.found_uses == 1 { "" } else { "s" },
                    r.label,
                    if d - r.found_uses == 1 { "it" } else { "them" },
                    if d - r.found_uses == 1 { "" } else { "s" },
                )
            } else {
                "the text cites it more often than the list declares: check the extra markers"
                    .to_string()
            };
            out.push(
                at(
                    Rule::BackrefMismatch,
                    format!(
                        "reference [{}] declares {d} use{} but the text cites it {} time{}",
                        r.label,
                        if d == 1 { "" } else { "s" },
                        r.found_uses,
                        if r.found_uses == 1 { "" } else { "s" },
                    ),
                )
                .help(help),
            );
        }
        let text = normalise(&r.text);
        if !text.is_empty() {
            match first_text.get(&text) {
                Some(&j) if a.references[j].label != r.label => {
                    out.push(
                        at(
                            Rule::DuplicateReference,
                            format!(
                                "reference [{}] lists the same work as reference [{}]",
                                r.label, a.references[j].label
                            ),
                        )
                        .note(format!("first listed on line {}", a.references[j].line))
                        .help(
                            "cite one entry from every place (a named reference) and delete the other",
                        ),
                    );
                }
                Some(_) => {}
                None => {
                    first_text.insert(text, i);
                }
            }
        }
        if r.link.is_none() && !r.is_empty() {
            out.push(
                at(
                    Rule::UnlinkedReference,
                    format!("reference [{}] matches no source in the manifest", r.label),
                )
                .help(
                    "add a [[source]] for the work to corpus.toml, or a [[link]] naming the source",
                ),
            );
        }
        if let Some(link) = r.link.as_ref().filter(|l| !l.is_sure()) {
            // A weak automatic link: which source it might be, and why not sure. Its
            // claims are counted unverifiable rather than checked against that source.
            let mut f = at(
                Rule::UnlinkedReference,
                format!(
                    "reference [{}] may cite `{}`, but the link is not sure: its claims are not checked against it",
                    r.label, link.source
                ),
            );
            for d in &link.doubts {
                f = f.note(format!("not sure: {d}"));
            }
            if !link.evidence.is_empty() {
                f = f.note(format!("matched: {}", link.evidence.join("; ")));
            }
            f = f.help(format!(
                "if it is that work, add [[link]] article = \"{}\" reference = {} source = \"{}\" to corpus.toml; otherwise add a [[source]] for the work it cites",
                a.id, r.label, link.source
            ));
            out.push(f);
        }
    }

    for p in &a.problems {
        // One character at the reader's position.
        let len = a.text.get(p.offset..).and_then(|t| t.chars().next());
        let span = p.offset..p.offset + len.map_or(0, char::len_utf8);
        out.push(
            site.finding(p.rule, span, p.message.clone())
                .subject(p.footnote.clone())
                .footnote(p.footnote.clone()),
        );
    }
}

/// missing-section: a table-of-contents entry with no section, a heading with no text.
pub fn sections(site: &Site, out: &mut Vec<Finding>) {
    let a: &Article = site.article;
    for t in &a.toc {
        if t.section.is_some() {
            continue;
        }
        let column = site
            .line_text(t.line)
            .and_then(|l| l.find(&t.title).map(|b| l[..b].chars().count() + 1))
            .unwrap_or(1);
        out.push(
            site.finding(
                Rule::MissingSection,
                site.span_at(t.line, column, t.title.chars().count()),
                format!(
                    "the table of contents lists “{}” but the article has no such section",
                    t.title
                ),
            )
            .subject(t.title.clone())
            .help("restore the section's text from the original article, or drop the entry"),
        );
    }
    for (i, s) in a.sections.iter().enumerate() {
        if s.synthetic || s.blocks > 0 {
            continue;
        }
        // A heading followed directly by its subsections is a parent, not an empty one.
        if a.sections.get(i + 1).is_some_and(|n| n.level > s.level) {
            continue;
        }
        out.push(
            site.finding(
                Rule::MissingSection,
                site.span_at(s.line, s.column, s.heading.chars().count()),
                format!("section “{}” has no text", s.heading),
            )
            .subject(s.heading.clone())
            .help("restore the section's text from the original article, or remove the heading"),
        );
    }
}
