//! Footnote and section integrity: what can be judged from the article alone —
//! markers ↔ reference entries, declared vs found uses, duplicate and unlinked entries,
//! the table of contents against the headings, and problems only a reader could see.

use std::collections::HashMap;

use super::rules::*;
use super::verify::normalise;
use super::{Finding, Site};
use crate::model::Article;

/// unknown-footnote, unused-reference, backref-mismatch, duplicate-reference,
/// unlinked-reference, and the reader's own problems.
pub fn footnotes(site: &Site, out: &mut Vec<Finding>) {
    let a = site.article;
    for m in &a.markers {
        if m.reference.is_some() {
            continue;
        }
        let mut f = site.at_offset(UNKNOWN_FOOTNOTE, m.offset, m.offset + m.len);
        f.message = format!("footnote [{}] has no reference entry", m.label);
        f.footnote = Some(m.label.clone());
        f.sentence = m.sentence.map(|s| a.sentences[s].text.clone());
        f.help = Some(format!(
            "add reference [{}] to the reference list, or correct the marker",
            m.label
        ));
        out.push(f);
    }

    let mut first_label: HashMap<(&str, Option<&str>), usize> = HashMap::new();
    let mut first_text: HashMap<String, usize> = HashMap::new();
    for (i, r) in a.references.iter().enumerate() {
        let source = r.link.as_ref().map(|l| l.source.clone());
        let at = |rule| {
            let mut f = site.at_line_col(rule, r.line, r.column, r.label.chars().count());
            f.footnote = Some(r.label.clone());
            f.source = source.clone();
            f
        };
        let key = (r.label.as_str(), r.group.as_deref());
        let repeated_label = first_label.contains_key(&key);
        if let Some(&j) = first_label.get(&key) {
            let mut f = at(DUPLICATE_REFERENCE);
            f.message = format!("reference [{}] is listed twice", r.label);
            f.notes
                .push(format!("first listed on line {}", a.references[j].line));
            f.help = Some("merge the two entries: markers resolve to the first".into());
            out.push(f);
        } else {
            first_label.insert(key, i);
        }
        // Markers resolve to the first entry with a label: a repeated label's own use
        // count says nothing, and duplicate-reference already reports it.
        if repeated_label {
            // nothing to count
        } else if r.found_uses == 0 {
            let mut f = at(UNUSED_REFERENCE);
            f.message = format!("reference [{}] is never cited in the text", r.label);
            f.help = Some(
                "put its marker back after the sentence the work supports, or delete the entry"
                    .into(),
            );
            out.push(f);
        } else if let Some(d) = r.declared_uses.filter(|&d| d != r.found_uses) {
            let mut f = at(BACKREF_MISMATCH);
            f.message = format!(
                "reference [{}] declares {d} use{} but the text cites it {} time{}",
                r.label,
                if d == 1 { "" } else { "s" },
                r.found_uses,
                if r.found_uses == 1 { "" } else { "s" },
            );
            f.help = Some(if d > r.found_uses {
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
            });
            out.push(f);
        }
        let text = normalise(&r.text);
        if !text.is_empty() {
            match first_text.get(&text) {
                Some(&j) if a.references[j].label != r.label => {
                    let mut f = at(DUPLICATE_REFERENCE);
                    f.message = format!(
                        "reference [{}] lists the same work as reference [{}]",
                        r.label, a.references[j].label
                    );
                    f.notes
                        .push(format!("first listed on line {}", a.references[j].line));
                    f.help = Some(
                        "cite one entry from every place (a named reference) and delete the other"
                            .into(),
                    );
                    out.push(f);
                }
                Some(_) => {}
                None => {
                    first_text.insert(text, i);
                }
            }
        }
        if r.link.is_none() && !r.is_empty() {
            let mut f = at(UNLINKED_REFERENCE);
            f.message = format!("reference [{}] matches no source in the manifest", r.label);
            f.help = Some(
                "add a [[source]] for the work to corpus.toml, or a [[link]] naming the source"
                    .into(),
            );
            out.push(f);
        }
        if let Some(link) = r.link.as_ref().filter(|l| !l.is_sure()) {
            // A weak automatic link: which source it might be, and why not sure. Its
            // claims are counted unverifiable rather than checked against that source.
            let mut f = at(UNLINKED_REFERENCE);
            f.message = format!(
                "reference [{}] may cite `{}`, but the link is not sure: its claims are not checked against it",
                r.label, link.source
            );
            for d in &link.doubts {
                f.notes.push(format!("not sure: {d}"));
            }
            if !link.evidence.is_empty() {
                f.notes
                    .push(format!("matched: {}", link.evidence.join("; ")));
            }
            f.help = Some(format!(
                "if it is that work, add [[link]] article = \"{}\" reference = {} source = \"{}\" to corpus.toml; otherwise add a [[source]] for the work it cites",
                a.id, r.label, link.source
            ));
            out.push(f);
        }
    }

    for p in &a.problems {
        let mut f = site.at_line_col(p.rule, p.line, p.column, 1);
        f.message = p.message.clone();
        f.footnote = p.footnote.clone();
        out.push(f);
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
        let mut f = site.at_line_col(MISSING_SECTION, t.line, column, t.title.chars().count());
        f.message = format!(
            "the table of contents lists “{}” but the article has no such section",
            t.title
        );
        f.help =
            Some("restore the section's text from the original article, or drop the entry".into());
        out.push(f);
    }
    for (i, s) in a.sections.iter().enumerate() {
        if s.synthetic || s.blocks > 0 {
            continue;
        }
        // A heading followed directly by its subsections is a parent, not an empty one.
        if a.sections.get(i + 1).is_some_and(|n| n.level > s.level) {
            continue;
        }
        let mut f = site.at_line_col(MISSING_SECTION, s.line, s.column, s.heading.chars().count());
        f.message = format!("section “{}” has no text", s.heading);
        f.help = Some(
            "restore the section's text from the original article, or remove the heading".into(),
        );
        out.push(f);
    }
}
