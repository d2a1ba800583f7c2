//! Words for comparison, in two strengths.
//!
//! - [`words`] / [`normalise`]: lowercase letters-and-digits words, everything else a
//!   separator. Stable: baseline keys hash it, so it never learns new equivalences.
//! - [`canonical`]: the words a quotation is matched on, where what editors and printers
//!   vary is made equal: a number however written ("48" = "forty-eight", "3" = "Three" =
//!   "III", "fourscore" = "four score" = "80", "1791" = "one thousand seven hundred and
//!   ninety-one", "4th" = "fourth") is one word `#48`, and British and American spellings
//!   of a word fold to one form ("recognise" = "recognize", "harbour" = "harbor").
//!
//! Number words are read here rather than with a words-to-numbers crate: the one
//! maintained crate (text2num) is built for speech transcripts — it skips filler words
//! such as "so", "well" and "is" inside a number, and does not read "score" or Roman
//! numerals — and works on whole strings, while the matcher needs each number as one of
//! the words it aligns. English cardinals and ordinals are a small grammar.

/// A text's words, normalised for comparison, with their byte spans in the text.
///
/// Normalising: lowercase; letters and digits make words; everything else (straight or
/// curly quotes, dashes, hyphens, punctuation, whitespace) separates them, so
/// `five-year` = `five year`. An apostrophe inside a word is dropped (`People's` =
/// `Peoples`), a comma inside a number too (`1,000` = `1000`).
#[derive(Debug, Clone, Default)]
pub struct Words {
    pub words: Vec<String>,
    pub spans: Vec<(usize, usize)>,
}

/// The [`Words`] of a text.
pub fn words(text: &str) -> Words {
    let mut out = Words::default();
    let mut current = String::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    let mut prev: Option<char> = None;
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        let joins = |p: Option<char>, n: Option<char>, digits: bool| {
            let ok = |x: Option<char>| {
                x.is_some_and(|x| {
                    if digits {
                        x.is_ascii_digit()
                    } else {
                        x.is_alphanumeric()
                    }
                })
            };
            ok(p) && ok(n)
        };
        if c.is_alphanumeric() {
            if current.is_empty() {
                start = i;
            }
            current.extend(c.to_lowercase());
        } else if matches!(c, '\'' | '’') && !current.is_empty() && joins(prev, next, false) {
            // dropped: "people's" reads as "peoples"
        } else if c == ',' && !current.is_empty() && joins(prev, next, true) {
            // thousands separator
        } else if c == '.' && !current.is_empty() && joins(prev, next, true) {
            current.push('.');
        } else if !current.is_empty() {
            out.words.push(std::mem::take(&mut current));
            out.spans.push((start, i));
        }
        prev = Some(c);
    }
    if !current.is_empty() {
        out.words.push(current);
        out.spans.push((start, text.len()));
    }
    out
}

/// The normalised form of a text: its words joined by single spaces.
pub fn normalise(text: &str) -> String {
    words(text).words.join(" ")
}

/// One word of a text in the form quotations are matched on, with the byte span it
/// covers (a number written in several words is one word).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

impl Word {
    /// The number this word stands for, with whether it is an ordinal ("fourth", "4th").
    pub fn number(&self) -> Option<(u64, bool)> {
        let n = self.text.strip_prefix('#')?;
        match n.strip_suffix("th") {
            Some(v) => v.parse().ok().map(|v| (v, true)),
            None => n.parse().ok().map(|v| (v, false)),
        }
    }
}

/// The canonical words of a text (see the module comment).
pub fn canonical(text: &str) -> Vec<Word> {
    let w = words(text);
    let mut out = Vec::with_capacity(w.words.len());
    let mut i = 0;
    while i < w.words.len() {
        let (start, end) = w.spans[i];
        if let Some((value, ordinal, used)) = read_number(&w.words[i..]) {
            let end = w.spans[i + used - 1].1;
            out.push(number_word(value, ordinal, start, end));
            i += used;
            continue;
        }
        let raw = &text[start..end];
        let after_heading = i > 0 && HEADINGS.contains(&w.words[i - 1].as_str());
        if let Some(v) = roman_in_context(raw, after_heading) {
            out.push(number_word(v, false, start, end));
        } else {
            out.push(Word {
                text: fold_spelling(&w.words[i]),
                start,
                end,
            });
        }
        i += 1;
    }
    out
}

fn number_word(value: u64, ordinal: bool, start: usize, end: usize) -> Word {
    Word {
        text: if ordinal {
            format!("#{value}th")
        } else {
            format!("#{value}")
        },
        start,
        end,
    }
}

/// Words after which a lone Roman numeral is a number: "Article I", "chapter iv".
const HEADINGS: &[&str] = &[
    "article", "art", "chapter", "section", "part", "book", "title", "volume", "vol", "clause",
    "schedule", "annex", "appendix", "canto", "act", "scene", "psalm", "no",
];

/// A Roman numeral as printed: upper case of two letters or more ("III", "MDCCXCI"), or
/// any case right after a heading word ("Article I", "art. iv"). A lone capital "I" is
/// the pronoun, and lower-case "mix" or "civil" are words.
fn roman_in_context(raw: &str, after_heading: bool) -> Option<u64> {
    let upper = raw.chars().all(|c| c.is_ascii_uppercase());
    if !(after_heading || (upper && raw.len() >= 2)) {
        return None;
    }
    roman_value(raw)
}

/// The value of a well-formed Roman numeral (I..MMMCMXCIX), case-insensitive.
pub fn roman_value(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 15 {
        return None;
    }
    let digit = |c: char| match c.to_ascii_uppercase() {
        'I' => Some(1),
        'V' => Some(5),
        'X' => Some(10),
        'L' => Some(50),
        'C' => Some(100),
        'D' => Some(500),
        'M' => Some(1000),
        _ => None,
    };
    let values: Vec<u64> = s.chars().map(digit).collect::<Option<_>>()?;
    let mut total = 0;
    for (i, &v) in values.iter().enumerate() {
        match values.get(i + 1) {
            Some(&next) if next > v => total -= v as i64,
            _ => total += v as i64,
        }
    }
    let total = u64::try_from(total)
        .ok()
        .filter(|&t| (1..4000).contains(&t))?;
    // Only the canonical spelling of its value counts ("IIII", "VX", "IL" are not).
    (to_roman(total).eq_ignore_ascii_case(s)).then_some(total)
}

fn to_roman(mut n: u64) -> String {
    const TABLE: [(u64, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut s = String::new();
    for (v, r) in TABLE {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    s
}

/// What a number word contributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// 1..=9
    Unit(u64),
    /// 10..=19
    Teen(u64),
    /// 20, 30, … 90
    Tens(u64),
    Hundred,
    /// thousand, million, billion
    Scale(u64),
    /// "score" (twenty), after a unit: "four score", "fourscore"
    Score,
}

/// The number words that spell a number alone, with their values: one to nineteen, the
/// tens, "hundred" (claim detection looks for them in sentences).
pub fn number_words() -> impl Iterator<Item = (&'static str, u64)> {
    CARDINALS
        .into_iter()
        .chain(TENS)
        .chain(std::iter::once(("hundred", 100)))
}

const CARDINALS: [(&str, u64); 19] = [
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("eleven", 11),
    ("twelve", 12),
    ("thirteen", 13),
    ("fourteen", 14),
    ("fifteen", 15),
    ("sixteen", 16),
    ("seventeen", 17),
    ("eighteen", 18),
    ("nineteen", 19),
];
const TENS: [(&str, u64); 8] = [
    ("twenty", 20),
    ("thirty", 30),
    ("forty", 40),
    ("fifty", 50),
    ("sixty", 60),
    ("seventy", 70),
    ("eighty", 80),
    ("ninety", 90),
];
const ORDINALS: [(&str, u64); 19] = [
    ("first", 1),
    ("second", 2),
    ("third", 3),
    ("fourth", 4),
    ("fifth", 5),
    ("sixth", 6),
    ("seventh", 7),
    ("eighth", 8),
    ("ninth", 9),
    ("tenth", 10),
    ("eleventh", 11),
    ("twelfth", 12),
    ("thirteenth", 13),
    ("fourteenth", 14),
    ("fifteenth", 15),
    ("sixteenth", 16),
    ("seventeenth", 17),
    ("eighteenth", 18),
    ("nineteenth", 19),
];
const TENS_ORDINALS: [(&str, u64); 8] = [
    ("twentieth", 20),
    ("thirtieth", 30),
    ("fortieth", 40),
    ("fiftieth", 50),
    ("sixtieth", 60),
    ("seventieth", 70),
    ("eightieth", 80),
    ("ninetieth", 90),
];

/// A number word: what it contributes and whether it is an ordinal (which ends a number).
fn part(w: &str) -> Option<(Part, bool)> {
    let small = |v: u64| if v < 10 { Part::Unit(v) } else { Part::Teen(v) };
    if let Some(&(_, v)) = CARDINALS.iter().find(|(n, _)| *n == w) {
        return Some((small(v), false));
    }
    if let Some(&(_, v)) = ORDINALS.iter().find(|(n, _)| *n == w) {
        return Some((small(v), true));
    }
    if let Some(&(_, v)) = TENS.iter().find(|(n, _)| *n == w) {
        return Some((Part::Tens(v), false));
    }
    if let Some(&(_, v)) = TENS_ORDINALS.iter().find(|(n, _)| *n == w) {
        return Some((Part::Tens(v), true));
    }
    match w {
        "hundred" => Some((Part::Hundred, false)),
        "hundredth" => Some((Part::Hundred, true)),
        "thousand" => Some((Part::Scale(1_000), false)),
        "thousandth" => Some((Part::Scale(1_000), true)),
        "million" => Some((Part::Scale(1_000_000), false)),
        "millionth" => Some((Part::Scale(1_000_000), true)),
        "billion" => Some((Part::Scale(1_000_000_000), false)),
        "score" => Some((Part::Score, false)),
        _ => None,
    }
}

/// A number at the start of `words` (normalised words): its value, whether it is an
/// ordinal, and how many words it takes. Digits ("1791", "4th", "04") are one word;
/// number words combine as English writes them: "forty-eight", "one thousand seven
/// hundred and ninety-one", "nineteen hundred", "four score and seven", "fourscore".
pub fn read_number(words: &[String]) -> Option<(u64, bool, usize)> {
    let first = words.first()?;
    if let Some(n) = digits(first) {
        return Some((n.0, n.1, 1));
    }
    // "fourscore", "threescore": one word, read as two. The words are looked at one by
    // one as the number goes on: copying the rest of the list for every word made a
    // sentence of many words quadratic.
    match first.strip_suffix("score") {
        Some(unit) if matches!(part(unit), Some((Part::Unit(_) | Part::Teen(_), false))) => {
            let at = |i: usize| match i {
                0 => Some(unit),
                1 => Some("score"),
                _ => words.get(i - 1).map(String::as_str),
            };
            let (value, ordinal, used) = read_number_words(at)?;
            // Words taken from the original list: "fourscore" counted as two.
            Some((value, ordinal, (used - 1).max(1)))
        }
        _ => {
            let (value, ordinal, used) = read_number_words(|i| words.get(i).map(String::as_str))?;
            Some((value, ordinal, used.max(1)))
        }
    }
}

/// Whether a normalised word that is not digits can start a number in words (what
/// [`read_number`] reads): a cheap test before lowercasing the words after it.
pub fn may_start_number(word: &str) -> bool {
    part(word).is_some()
        || word
            .strip_suffix("score")
            .is_some_and(|unit| part(unit).is_some())
}

/// Whether a normalised word can be part of a number in words after its first word:
/// [`read_number`] reads no further than the first word that cannot.
pub fn may_continue_number(word: &str) -> bool {
    word == "and" || part(word).is_some()
}

/// "1791" → 1791; "4th", "1st", "22nd" → ordinal; "04" → 4. Decimals and "1940s" are not
/// numbers here (they stay words).
fn digits(w: &str) -> Option<(u64, bool)> {
    let (num, ordinal) = match w.find(|c: char| !c.is_ascii_digit()) {
        None => (w, false),
        Some(i) if matches!(&w[i..], "st" | "nd" | "rd" | "th") && i > 0 => (&w[..i], true),
        Some(_) => return None,
    };
    if num.is_empty() || num.len() > 15 {
        return None;
    }
    num.parse().ok().map(|v| (v, ordinal))
}

/// The number words from the start of the list `at` gives word by word (`None` past its
/// end).
fn read_number_words<'a>(at: impl Fn(usize) -> Option<&'a str>) -> Option<(u64, bool, usize)> {
    let mut total: u64 = 0; // completed thousands/millions
    let mut group: u64 = 0; // hundreds within the current scale group
    let mut small: u64 = 0; // below one hundred
    let mut last: Option<Part> = None;
    let mut used = 0; // words consumed into the number
    let mut ordinal = false;
    let mut i = 0;
    while let Some(w) = at(i).filter(|_| !ordinal) {
        if w == "and" {
            // "hundred and ninety", "score and seven", "thousand and one"
            let joins = matches!(last, Some(Part::Hundred | Part::Scale(_) | Part::Score));
            let next_small = at(i + 1)
                .and_then(part)
                .is_some_and(|(p, _)| matches!(p, Part::Unit(_) | Part::Teen(_) | Part::Tens(_)));
            if joins && next_small {
                i += 1;
                continue;
            }
            break;
        }
        let Some((p, ord)) = part(w) else { break };
        let ok = match p {
            Part::Unit(v) => match last {
                None | Some(Part::Hundred | Part::Scale(_) | Part::Score) => {
                    small = v;
                    true
                }
                Some(Part::Tens(_)) => {
                    small += v;
                    true
                }
                _ => false,
            },
            Part::Teen(v) | Part::Tens(v) => match last {
                None | Some(Part::Hundred | Part::Scale(_) | Part::Score) => {
                    small = v;
                    true
                }
                _ => false,
            },
            Part::Hundred => match last {
                Some(Part::Unit(_) | Part::Teen(_)) => {
                    group += small * 100;
                    small = 0;
                    true
                }
                _ => false,
            },
            Part::Scale(m) => match last {
                Some(Part::Unit(_) | Part::Teen(_) | Part::Tens(_) | Part::Hundred) => {
                    total += (group + small) * m;
                    group = 0;
                    small = 0;
                    true
                }
                _ => false,
            },
            Part::Score => match last {
                Some(Part::Unit(_) | Part::Teen(_)) => {
                    group += small * 20;
                    small = 0;
                    true
                }
                _ => false,
            },
        };
        if !ok {
            break;
        }
        last = Some(p);
        ordinal = ord;
        i += 1;
        used = i;
    }
    if used == 0 {
        return None;
    }
    Some((total + group + small, ordinal, used))
}

/// British and irregular spellings and their American form; the regular patterns are
/// rules in [`fold_spelling`].
const SPELLINGS: &[(&str, &str)] = &[
    ("grey", "gray"),
    ("programme", "program"),
    ("defence", "defense"),
    ("offence", "offense"),
    ("licence", "license"),
    ("pretence", "pretense"),
    ("practise", "practice"),
    ("plough", "plow"),
    ("aluminium", "aluminum"),
    ("judgement", "judgment"),
    ("acknowledgement", "acknowledgment"),
    ("ageing", "aging"),
    ("catalogue", "catalog"),
    ("dialogue", "dialog"),
    ("analogue", "analog"),
    ("manoeuvre", "maneuver"),
    ("foetus", "fetus"),
    ("mediaeval", "medieval"),
    ("encyclopaedia", "encyclopedia"),
    ("archaeology", "archeology"),
    ("anaemia", "anemia"),
    ("paediatric", "pediatric"),
    ("oestrogen", "estrogen"),
    ("diarrhoea", "diarrhea"),
    ("gaol", "jail"),
    ("kerb", "curb"),
    ("storey", "story"),
    ("sceptical", "skeptical"),
    ("sceptic", "skeptic"),
    ("moustache", "mustache"),
    ("pyjamas", "pajamas"),
    ("cosy", "cozy"),
    ("enrol", "enroll"),
    ("enrolment", "enrollment"),
    ("fulfil", "fulfill"),
    ("fulfilment", "fulfillment"),
    ("instalment", "installment"),
    ("skilful", "skillful"),
    ("wilful", "willful"),
    ("distil", "distill"),
    ("jewellery", "jewelry"),
    ("connexion", "connection"),
    ("shew", "show"),
    ("shewn", "shown"),
];

/// One spelling for British/American variants of a word (lower case): the irregular
/// table, then the regular patterns -ise/-ize, -yse/-yze, -our/-or, -tre/-ter and
/// -lled/-led. Both sides of a comparison are folded, so a rule only has to map the
/// variants to the same form, and is kept narrow enough not to make two different
/// words equal ("four" and "for" stay apart: -our needs two letters before it).
pub fn fold_spelling(w: &str) -> String {
    if let Some((_, us)) = SPELLINGS.iter().find(|(gb, _)| *gb == w) {
        return us.to_string();
    }
    if let Some(stem) = w.strip_suffix('s') {
        if let Some((_, us)) = SPELLINGS.iter().find(|(gb, _)| *gb == stem) {
            return format!("{us}s");
        }
    }
    if !w.is_ascii() || w.len() < 5 {
        return w.to_string();
    }
    // -ise → -ize (recognise, organisation, realised); -yse → -yze (analyse)
    for (gb, us) in [("is", "iz"), ("ys", "yz")] {
        for suffix in [
            "e", "es", "ed", "ing", "er", "ers", "ation", "ations", "able",
        ] {
            let ending = format!("{gb}{suffix}");
            if let Some(stem) = w.strip_suffix(ending.as_str()) {
                if stem.len() >= 3 {
                    return format!("{stem}{us}{suffix}");
                }
            }
        }
    }
    // -our → -or (honour, harbours, favourite, labourer)
    for suffix in [
        "", "s", "ed", "ing", "ite", "ites", "able", "ably", "ful", "er", "ers", "less",
    ] {
        let ending = format!("our{suffix}");
        if let Some(stem) = w.strip_suffix(ending.as_str()) {
            if stem.len() >= 2 {
                return format!("{stem}or{suffix}");
            }
        }
    }
    // -tre/-bre/-gre → -ter/-ber/-ger (centre, centres, centred; fibre; meagre)
    for c in ["t", "b", "g"] {
        for (gb, us) in [("re", "er"), ("res", "ers"), ("red", "ered")] {
            let ending = format!("{c}{gb}");
            if let Some(stem) = w.strip_suffix(ending.as_str()) {
                if stem.len() >= 2 {
                    return format!("{stem}{c}{us}");
                }
            }
        }
    }
    // -lled → -led after an unstressed syllable (travelled, cancelling, counsellor):
    // two vowel groups before the "ll", so "filled" and "called" keep theirs.
    for suffix in ["ed", "ing", "er", "ers", "or", "ors"] {
        let ending = format!("ll{suffix}");
        if let Some(stem) = w.strip_suffix(ending.as_str()) {
            if vowel_groups(stem) >= 2 {
                return format!("{stem}l{suffix}");
            }
        }
    }
    w.to_string()
}

fn vowel_groups(s: &str) -> usize {
    let mut groups = 0;
    let mut in_vowel = false;
    for c in s.chars() {
        let v = "aeiouy".contains(c);
        if v && !in_vowel {
            groups += 1;
        }
        in_vowel = v;
    }
    groups
}

/// Words too common to say what a sentence is about.
pub const STOPWORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "but", "of", "to", "in", "on", "at", "by", "for", "from",
    "with", "as", "is", "was", "were", "be", "been", "are", "it", "its", "this", "that", "these",
    "those", "which", "who", "whom", "had", "has", "have", "not", "no", "their", "his", "her",
    "they", "he", "she", "we", "would", "could", "should", "will", "shall", "may", "also", "into",
    "than", "then", "there", "so", "such", "after", "before", "did", "do", "does", "any", "all",
];

/// A content word's comparable form: lowercase, plural `s` dropped; `None` for a
/// stopword.
pub fn term(w: &str) -> Option<String> {
    if STOPWORDS.contains(&w) {
        return None;
    }
    let n = w.chars().count();
    Some(if n > 4 && w.ends_with("ies") {
        format!("{}y", &w[..w.len() - 3])
    } else if n > 3 && w.ends_with('s') && !w.ends_with("ss") {
        w[..w.len() - 1].to_string()
    } else {
        w.to_string()
    })
}

/// The content words of a text, as [`term`]s.
pub fn terms(text: &str) -> Vec<String> {
    words(text).words.iter().filter_map(|w| term(w)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(text: &str) -> Vec<String> {
        canonical(text).into_iter().map(|w| w.text).collect()
    }

    #[test]
    fn normalising_ignores_quotes_dashes_hyphens_and_case() {
        assert_eq!(
            normalise("The “Five-Year” plan—of 1,000 People's"),
            "the five year plan of 1000 peoples"
        );
        assert_eq!(normalise("five year"), normalise("five-year"));
    }

    #[test]
    fn numbers_read_in_words_digits_and_roman_numerals() {
        for (text, value) in [
            ("forty-eight", "#48"),
            ("one thousand seven hundred and ninety-one", "#1791"),
            ("nineteen hundred and five", "#1905"),
            ("Fourscore", "#80"),
            ("four score", "#80"),
            ("Three", "#3"),
            ("3", "#3"),
            ("III", "#3"),
            ("MDCCXCI", "#1791"),
            ("twenty-five hundred", "#2500"),
            ("1,000", "#1000"),
        ] {
            assert_eq!(canon(text), [value], "{text}");
        }
        assert_eq!(canon("four score and seven years"), ["#87", "years"]);
        assert_eq!(canon("the fourth day"), ["the", "#4th", "day"]);
        assert_eq!(canon("the 4th day"), ["the", "#4th", "day"]);
        assert_eq!(canon("Article I"), ["article", "#1"]);
        assert_eq!(canon("I said"), ["i", "said"]);
        assert_eq!(canon("sixty-three"), ["#63"]);
        // Two numbers side by side stay two.
        assert_eq!(canon("two three"), ["#2", "#3"]);
        assert_eq!(canon("five and six"), ["#5", "and", "#6"]);
        assert_eq!(canon("civil mix"), ["civil", "mix"]);
    }

    #[test]
    fn british_and_american_spellings_fold_together() {
        for (gb, us) in [
            ("recognise", "recognize"),
            ("organisation", "organization"),
            ("harbour", "harbor"),
            ("favourite", "favorite"),
            ("centre", "center"),
            ("centres", "centers"),
            ("travelled", "traveled"),
            ("cancelling", "canceling"),
            ("defence", "defense"),
            ("grey", "gray"),
            ("analyse", "analyze"),
        ] {
            assert_eq!(fold_spelling(gb), fold_spelling(us), "{gb}/{us}");
        }
        for (a, b) in [
            ("four", "for"),
            ("filled", "filed"),
            ("pay", "paid"),
            ("hour", "hor"),
        ] {
            assert_ne!(fold_spelling(a), fold_spelling(b), "{a}/{b}");
        }
    }

    #[test]
    fn roman_numerals_are_strict() {
        assert_eq!(roman_value("XIV"), Some(14));
        assert_eq!(roman_value("iv"), Some(4));
        assert_eq!(roman_value("IIII"), None);
        assert_eq!(roman_value("IL"), None);
        assert_eq!(roman_value("civil"), None);
    }
}
