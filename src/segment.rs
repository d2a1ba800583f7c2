//! Sentence boundaries.
//!
//! Unicode's sentence rules (UAX #29, via `unicode-segmentation`) handle `。`, quotes
//! after the full stop and decimal points; on top of them we undo the breaks that
//! English abbreviations and initials cause (`p.m.`, `Mr.`, `U.S.`, `p. 182`,
//! `V. M. Molotov`), which UAX #29 leaves to tailoring.

use unicode_segmentation::UnicodeSegmentation;

/// Abbreviations after which a full stop does not end a sentence (lower-cased, without
/// the final dot).
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "sr", "jr", "gen", "col", "lt", "capt", "sgt", "cpl",
    "adm", "gov", "sen", "rep", "rev", "hon", "pres", "p", "pp", "vol", "vols", "no", "nos", "ed",
    "eds", "ch", "chap", "fig", "figs", "art", "sec", "para", "cf", "vs", "etc", "approx", "ca",
    "c", "est", "dept", "univ", "inc", "ltd", "co", "corp", "bros", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mt", "ft", "op", "al", "e.g", "i.e",
    "a.m", "p.m", "u.s", "u.k", "u.n", "u.s.s.r", "d.c",
];

/// Byte ranges `(start, end)` of the sentences of `text`, covering it entirely and in
/// order (whitespace between sentences belongs to the earlier one).
pub fn sentences(text: &str) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (start, piece) in text.split_sentence_bound_indices() {
        let end = start + piece.len();
        match out.last_mut() {
            Some(last) if !ends_sentence(&text[last.0..last.1]) || !starts_sentence(piece) => {
                last.1 = end
            }
            _ => out.push((start, end)),
        }
    }
    out
}

/// Whether a candidate sentence really ends where UAX #29 put a break.
fn ends_sentence(candidate: &str) -> bool {
    let t = candidate.trim_end();
    if !t.ends_with('.') {
        return true;
    }
    let word = t
        .rsplit(|c: char| c.is_whitespace() || c == '(' || c == '[' || c == '"' || c == '“')
        .next()
        .unwrap_or("");
    let stem = word.trim_end_matches('.');
    if stem.is_empty() {
        return true;
    }
    let lower = stem.to_lowercase();
    if ABBREVIATIONS.contains(&lower.as_str()) {
        return false;
    }
    // An initial ("M.", "V.") or a dotted acronym ("U.S.", "e.g.").
    let mut chars = stem.chars();
    let single_upper = matches!((chars.next(), chars.next()), (Some(c), None) if c.is_uppercase());
    let dotted = stem.contains('.')
        && stem
            .split('.')
            .all(|p| p.chars().count() == 1 && p.chars().all(char::is_alphabetic));
    !(single_upper || dotted)
}

/// A sentence cannot start with a lower-case letter or a digit directly after an
/// abbreviation-like break ("p. 182", "approx. five").
fn starts_sentence(piece: &str) -> bool {
    !piece
        .chars()
        .next()
        .is_some_and(|c| c.is_lowercase() || c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        sentences(text)
            .into_iter()
            .map(|(s, e)| text[s..e].trim())
            .collect()
    }

    #[test]
    fn abbreviations_and_initials_do_not_end_sentences() {
        assert_eq!(
            split("It was handed at 11 p.m. Moscow time. The war began."),
            ["It was handed at 11 p.m. Moscow time.", "The war began."]
        );
        assert_eq!(
            split("Mr. Sato met V. M. Molotov in the U.S. Embassy. Done."),
            ["Mr. Sato met V. M. Molotov in the U.S. Embassy.", "Done."]
        );
        assert_eq!(
            split("See Glantz, David M. The book, p. 182. And pp. 46-7. Fine."),
            [
                "See Glantz, David M. The book, p. 182.",
                "And pp. 46-7.",
                "Fine."
            ]
        );
    }

    #[test]
    fn quotation_and_cjk_full_stop_end_sentences() {
        assert_eq!(
            split("He said \"we go.\" Then left."),
            ["He said \"we go.\"", "Then left."]
        );
        assert_eq!(
            split("日ソ中立条約。次の文。"),
            ["日ソ中立条約。", "次の文。"]
        );
    }

    #[test]
    fn covers_the_whole_text() {
        let text = "One. Two? Three!  Four";
        let s = sentences(text);
        assert_eq!(s.first().unwrap().0, 0);
        assert_eq!(s.last().unwrap().1, text.len());
        assert!(s.windows(2).all(|w| w[0].1 == w[1].0));
    }
}
