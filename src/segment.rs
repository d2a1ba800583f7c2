//! Sentence boundaries.
//!
//! Unicode's sentence rules (UAX #29, via `unicode-segmentation`) handle `。`, quotes
//! after the full stop and decimal points; on top of them we undo the breaks that
//! English abbreviations and initials cause (`p.m.`, `Mr.`, `U.S.`, `p. 182`,
//! `V. M. Molotov`), which UAX #29 leaves to tailoring.
//!
//! Most paragraphs are pure ASCII, and for them the UAX #29 rules are few enough to
//! apply directly ([`ascii_starts`]): `unicode-segmentation` looks every character up in
//! a table by binary search, which made sentence splitting the largest single cost of
//! indexing a big corpus. A differential test holds the two to the same answers.

use unicode_segmentation::UnicodeSegmentation;

/// Abbreviations after which a full stop does not end a sentence (lower-cased, without
/// the final dot).
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "sr", "jr", "gen", "col", "lt", "capt", "sgt", "cpl",
    "adm", "gov", "sen", "rep", "rev", "hon", "pres", "p", "pp", "vol", "vols", "no", "nos", "ed",
    "eds", "ch", "chap", "fig", "figs", "art", "sec", "para", "cf", "v", "vs", "b", "d", "fl",
    "etc", "approx", "ca", "c", "est", "dept", "univ", "inc", "ltd", "co", "corp", "bros", "jan",
    "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mt", "ft", "op",
    "al", "e.g", "i.e", "a.m", "p.m", "u.s", "u.k", "u.n", "u.s.s.r", "d.c",
];

/// Byte ranges `(start, end)` of the sentences of `text`, covering it entirely and in
/// order (whitespace between sentences belongs to the earlier one).
pub fn sentences(text: &str) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (start, end) in uax29_pieces(text)
        .into_iter()
        .flat_map(|(s, e)| split_before_digits(text, s, e))
    {
        let piece = &text[start..end];
        match out.last_mut() {
            Some(last)
                if !ends_sentence(&text[last.0..last.1])
                    || !starts_sentence(piece)
                    || inside_quotation(&text[last.0..last.1], &text[start..]) =>
            {
                last.1 = end
            }
            _ => out.push((start, end)),
        }
    }
    out
}

/// UAX #29 (rule SB8) does not break after a full stop when the next letter is lower
/// case, even across digits: "… opened in May. 2,000 prisoners were held there." is one
/// sentence to it. A full stop, spaces and a digit break here, unless the word before
/// the stop is an abbreviation or initial ("p. 182", "No. 5"), which `sentences` then
/// joins again.
fn split_before_digits(text: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    let piece = &text[start..end];
    let bytes = piece.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b != b'.' && b != b'!' && b != b'?' {
            continue;
        }
        let mut j = i + 1;
        while j < bytes.len() && matches!(bytes[j], b'"' | b'\'' | b')' | b']') {
            j += 1;
        }
        let spaces = j;
        while j < bytes.len() && bytes[j] == b' ' {
            j += 1;
        }
        let digit_follows = j > spaces && bytes.get(j).is_some_and(u8::is_ascii_digit);
        // "3. 5" is no sentence: the stop must follow a word.
        let after_word = i > 0 && bytes[i - 1].is_ascii_alphabetic();
        if digit_follows && after_word && j > from {
            out.push((start + from, start + j));
            from = j;
        }
    }
    out.push((start + from, end));
    out
}

/// Whether a break falls inside a quotation that closes later in the text: `She said
/// "We will wait. They will come."` is one sentence for citation scope, since the
/// marker after the closing quote cites the whole quotation. A quote mark that never
/// closes (a stray `"`) splits as usual.
fn inside_quotation(before: &str, after: &str) -> bool {
    let straight = before.matches('"').count();
    if straight % 2 == 1 {
        return after.contains('"');
    }
    let open = before.matches('“').count();
    let close = before.matches('”').count();
    open > close && after.contains('”')
}

/// The UAX #29 sentences of `text` as byte ranges.
fn uax29_pieces(text: &str) -> Vec<(usize, usize)> {
    if text.is_ascii() {
        let mut starts = ascii_starts(text.as_bytes());
        starts.push(text.len());
        return starts.windows(2).map(|w| (w[0], w[1])).collect();
    }
    text.split_sentence_bound_indices()
        .map(|(start, piece)| (start, start + piece.len()))
        .collect()
}

/// UAX #29 sentence classes of the ASCII characters (Extend, Format, OLetter and Sep
/// have none).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Cr,
    Lf,
    Sp,
    Lower,
    Upper,
    Numeric,
    ATerm,
    STerm,
    Close,
    SContinue,
    Other,
}

fn class(b: u8) -> Class {
    match b {
        b'\r' => Class::Cr,
        b'\n' => Class::Lf,
        b'\t' | 0x0b | 0x0c | b' ' => Class::Sp,
        b'a'..=b'z' => Class::Lower,
        b'A'..=b'Z' => Class::Upper,
        b'0'..=b'9' => Class::Numeric,
        b'.' => Class::ATerm,
        b'!' | b'?' => Class::STerm,
        b'"' | b'\'' | b'(' | b')' | b'[' | b']' | b'{' | b'}' => Class::Close,
        b',' | b'-' | b':' | b';' => Class::SContinue,
        _ => Class::Other,
    }
}

/// Where the UAX #29 sentences of an ASCII text start (always 0 first, for a text that
/// is not empty). Rule names are those of UAX #29.
fn ascii_starts(text: &[u8]) -> Vec<usize> {
    let n = text.len();
    let at = |i: usize| text.get(i).map(|&b| class(b));
    let mut starts = if n == 0 { Vec::new() } else { vec![0] };
    let mut i = 0;
    while i < n {
        let c = class(text[i]);
        match c {
            // SB3, SB4: a paragraph separator (CR LF as one) ends a sentence.
            Class::Cr | Class::Lf => {
                i += if c == Class::Cr && at(i + 1) == Some(Class::Lf) {
                    2
                } else {
                    1
                };
                if i < n {
                    starts.push(i);
                }
            }
            Class::ATerm | Class::STerm => {
                let aterm = c == Class::ATerm;
                let next = at(i + 1);
                // SB6 (`3.5`) and SB7 (`U.S`): no break straight after the full stop.
                let before = i.checked_sub(1).and_then(at);
                if aterm
                    && (next == Some(Class::Numeric)
                        || (matches!(before, Some(Class::Upper | Class::Lower))
                            && next == Some(Class::Upper)))
                {
                    i += 1;
                    continue;
                }
                // SB9, SB10: closing punctuation and spaces stay with the sentence.
                let mut j = i + 1;
                while at(j) == Some(Class::Close) {
                    j += 1;
                }
                while at(j) == Some(Class::Sp) {
                    j += 1;
                }
                // SB8: a full stop followed (after anything but letters, separators and
                // terminators) by a lower-case letter does not end a sentence.
                let lower_follows = aterm && {
                    let mut k = j;
                    loop {
                        match at(k) {
                            Some(Class::Lower) => break true,
                            None
                            | Some(
                                Class::Upper | Class::Cr | Class::Lf | Class::ATerm | Class::STerm,
                            ) => break false,
                            Some(_) => k += 1,
                        }
                    }
                };
                // SB8a: nor does one followed by a comma, colon or another terminator.
                let continues =
                    matches!(at(j), Some(Class::SContinue | Class::ATerm | Class::STerm));
                if lower_follows || continues {
                    i = j;
                    continue;
                }
                // SB11: break after the terminator, closers, spaces and one separator.
                match at(j) {
                    Some(Class::Cr) if at(j + 1) == Some(Class::Lf) => j += 2,
                    Some(Class::Cr | Class::Lf) => j += 1,
                    _ => {}
                }
                if j < n {
                    starts.push(j);
                }
                i = j;
            }
            _ => i += 1,
        }
    }
    starts
}

/// Whether a candidate sentence really ends where UAX #29 put a break.
fn ends_sentence(candidate: &str) -> bool {
    let t = candidate.trim_end();
    let t = t.trim_end_matches(['_', '*']);
    if !t.ends_with('.') {
        return true;
    }
    let word = t
        .rsplit(|c: char| c.is_whitespace() || c == '(' || c == '[' || c == '"' || c == '“')
        .next()
        .unwrap_or("");
    // Emphasis markup around an abbreviation (`_e.g._`, `*cf.*`) does not hide it.
    let stem = word
        .trim_start_matches(['_', '*'])
        .trim_end_matches(['_', '*'])
        .trim_end_matches('.');
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

/// A sentence cannot start with a lower-case letter ("approx. five"). It may start with
/// a digit ("… in May. 2,000 prisoners were held there."): the digits that continue a
/// sentence follow an abbreviation ("p. 182", "No. 5"), which `ends_sentence` keeps.
fn starts_sentence(piece: &str) -> bool {
    !piece.chars().next().is_some_and(|c| c.is_lowercase())
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
    fn case_names_digits_quotations_and_emphasis() {
        assert_eq!(
            split("It was held in Smith v. Jones (1857). Later courts agreed."),
            [
                "It was held in Smith v. Jones (1857).",
                "Later courts agreed."
            ]
        );
        assert_eq!(
            split("The camp opened in May. 2,000 prisoners were held there."),
            [
                "The camp opened in May.",
                "2,000 prisoners were held there."
            ]
        );
        assert_eq!(
            split("See No. 5 and p. 12. Done."),
            ["See No. 5 and p. 12.", "Done."]
        );
        assert_eq!(
            split("She said \"We will wait. They will come.\" Then she left."),
            [
                "She said \"We will wait. They will come.\"",
                "Then she left."
            ]
        );
        assert_eq!(
            split("A stray \" mark. It does not join. The rest."),
            ["A stray \" mark.", "It does not join.", "The rest."]
        );
        assert_eq!(
            split("Some, _e.g._ these, stay. Done."),
            ["Some, _e.g._ these, stay.", "Done."]
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

    fn crate_starts(text: &str) -> Vec<usize> {
        text.split_sentence_bound_indices()
            .map(|(s, _)| s)
            .collect()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]
        /// The ASCII fast path breaks exactly where unicode-segmentation does.
        #[test]
        fn ascii_fast_path_agrees_with_unicode_segmentation(
            text in "[aZb1 .!?\t\r\n\"'(),:;#-]{0,40}"
        ) {
            proptest::prop_assert_eq!(ascii_starts(text.as_bytes()), crate_starts(&text));
        }
    }

    #[test]
    fn ascii_fast_path_agrees_on_the_sample_article() {
        let text = include_str!("../corpus/articles/soviet-japanese-neutrality-pact.txt");
        let mut checked = 0;
        for para in text.split('\n').filter(|p| p.is_ascii()) {
            assert_eq!(ascii_starts(para.as_bytes()), crate_starts(para), "{para}");
            checked += 1;
        }
        assert!(checked > 20);
        for tricky in [
            "U.S. Army. 3.5 km. e.g. this. He left.) Then. \"Go!\" he said. Is it? Yes.",
            "a.\r\nB. c.  (d) E.\n\nF.. G?! h",
        ] {
            assert_eq!(
                ascii_starts(tricky.as_bytes()),
                crate_starts(tricky),
                "{tricky}"
            );
        }
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
