//! What makes a sentence a checkable claim: the facts it states that a source could
//! confirm or contradict — dates and years, numbers, quotations, named people, places and
//! organisations, and reported speech. A sentence with none of these ("This was symbolic
//! of the importance Stalin attached to the treaty") is commentary, not a claim.
//!
//! The same facts drive verification: quotations, dates, numbers and multiword names are
//! looked up in the cited sources (see `verify`).

use std::sync::LazyLock;

use regex::Regex;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FactKind {
    Quotation,
    Date,
    Year,
    Number,
    Name,
    Attribution,
    /// An event said not to have happened ("was never carried out", "did not sign").
    Negation,
}

impl FactKind {
    pub fn noun(self) -> &'static str {
        match self {
            FactKind::Quotation => "quotation",
            FactKind::Date => "date",
            FactKind::Year => "year",
            FactKind::Number => "number",
            FactKind::Name => "name",
            FactKind::Attribution => "attribution",
            FactKind::Negation => "negation",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            FactKind::Quotation => "a quotation",
            FactKind::Date => "a date",
            FactKind::Year => "a year",
            FactKind::Number => "a number",
            FactKind::Name => "a name",
            FactKind::Attribution => "reported speech",
            FactKind::Negation => "that something did not happen",
        }
    }
}

/// A checkable fact: its kind and byte span in the sentence's clean text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub kind: FactKind,
    pub text: String,
    pub start: usize,
    pub end: usize,
    /// For dates: (year, month 1-12, day).
    pub date: Option<(u32, Option<u32>, Option<u32>)>,
}

impl Fact {
    /// Names of two words or more: a single capitalised word is too often a nationality
    /// or a sentence's emphasis to verify, but it still makes the sentence a claim.
    pub fn is_multiword_name(&self) -> bool {
        self.kind == FactKind::Name && self.text.split_whitespace().count() >= 2
    }
}

const MONTH_PATTERN: &str =
    "January|February|March|April|May|June|July|August|September|October|November|December";

/// A pattern whose `\b` means Unicode word boundaries, compiled twice: as written, and
/// with ASCII word boundaries (`(?-u:\b)`). The two agree on every text without a
/// non-ASCII word character (where the boundaries are the same), and the ASCII one runs
/// in regex's lazy DFA, which gives up on Unicode `\b` at the first non-ASCII byte (an en
/// dash, a curly quote) and hands the search to a backtracker.
struct Bounded {
    unicode: Regex,
    ascii: Regex,
}

impl Bounded {
    fn new(pattern: &str) -> Bounded {
        Bounded {
            unicode: Regex::new(pattern).expect("valid"),
            ascii: Regex::new(&pattern.replace(r"\b", r"(?-u:\b)")).expect("valid"),
        }
    }

    /// The compiled pattern that is exact and fastest for `text`.
    fn get(&self, text: &Text) -> &Regex {
        if text.ascii_bounds {
            &self.ascii
        } else {
            &self.unicode
        }
    }
}

/// What the patterns' pre-filters need to know about a sentence, worked out once.
struct Text {
    /// No non-ASCII word character: ASCII word boundaries are the Unicode ones.
    ascii_bounds: bool,
    /// Some character is a digit (`\d`, any script): dates, years and numbers need one.
    digit: bool,
}

impl Text {
    fn of(text: &str) -> Text {
        if text.is_ascii() {
            return Text {
                ascii_bounds: true,
                digit: text.bytes().any(|b| b.is_ascii_digit()),
            };
        }
        Text {
            ascii_bounds: !text
                .chars()
                .any(|c| !c.is_ascii() && regex_syntax::is_word_character(c)),
            // `char::is_numeric` covers every `\d` (and more): a pre-filter only.
            digit: text.chars().any(char::is_numeric),
        }
    }
}

static DATE_MDY: LazyLock<Bounded> = LazyLock::new(|| {
    Bounded::new(&format!(
        r"\b({MONTH_PATTERN})\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b"
    ))
});
static DATE_DMY: LazyLock<Bounded> = LazyLock::new(|| {
    Bounded::new(&format!(
        r"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({MONTH_PATTERN}),?\s+(\d{{4}})\b"
    ))
});
static DATE_ISO: LazyLock<Bounded> = LazyLock::new(|| Bounded::new(r"\b(\d{4})-(\d{2})-(\d{2})\b"));
static DATE_MY: LazyLock<Bounded> =
    LazyLock::new(|| Bounded::new(&format!(r"\b({MONTH_PATTERN}),?\s+(\d{{4}})\b")));
/// Years a history text talks about; four digits outside this range are numbers.
static YEAR: LazyLock<Bounded> = LazyLock::new(|| Bounded::new(r"\b(1[0-9]\d\d|20\d\d)s?\b"));
static NUMBER: LazyLock<Bounded> = LazyLock::new(|| Bounded::new(r"\b\d+(?:[.,]\d+)*\b%?"));
static NUMBER_WORD: LazyLock<Bounded> = LazyLock::new(|| {
    // "one" is left out: "one of the reasons" states no number.
    let words: Vec<&str> = crate::sources::words::number_words()
        .skip(1)
        .map(|(w, _)| w)
        .collect();
    Bounded::new(&format!(r"(?i)\b(?:{})\b", words.join("|")))
});
static QUOTE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#""([^"]+)"|“([^”]+)”|„([^“”]+)[“”]"#).unwrap());
/// Reported speech and attribution. Lowercase only: "States" in "United States" is a name.
static ATTRIBUTION: LazyLock<Bounded> = LazyLock::new(|| {
    Bounded::new(
        r"\b(?:believed|believes|reported|confirmed|confirms|stated|said|says|announced|claimed|declared|wrote|argued|asserted|insisted|denied|admitted|according to|recalled|testified)\b",
    )
});
/// An event said not to have happened: "did not" and a verb, or "never", "was not",
/// "had not" and a participle. "This is not surprising" states no event.
static NEGATION: LazyLock<Bounded> = LazyLock::new(|| {
    Bounded::new(
        r"\b(?:did\s+not|didn['’]t)\s+[a-z]+|\b(?:never|(?:was|were|had|has|have)\s+(?:not|never)|(?:wasn|weren|hadn)['’]t)\s+(?:been\s+)?[a-z]+(?:ed|en|wn)\b",
    )
});
static WORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[\p{L}\p{N}][\p{L}\p{N}'’]*").unwrap());

/// Lowercase words that may sit inside a name ("Empire of Japan", "Ludwig van Beethoven").
const NAME_CONNECTORS: &[&str] = &[
    "of", "the", "de", "du", "van", "von", "der", "la", "le", "al", "bin",
];

/// Capitalised only because they start a sentence or a clause.
const FUNCTION_WORDS: &[&str] = &[
    "The",
    "A",
    "An",
    "On",
    "In",
    "At",
    "By",
    "For",
    "From",
    "To",
    "Of",
    "With",
    "As",
    "This",
    "That",
    "These",
    "Those",
    "It",
    "Its",
    "He",
    "She",
    "They",
    "We",
    "His",
    "Her",
    "Their",
    "When",
    "While",
    "After",
    "Before",
    "Since",
    "Later",
    "However",
    "Although",
    "Though",
    "But",
    "And",
    "Or",
    "If",
    "Then",
    "Thus",
    "There",
    "Here",
    "During",
    "Under",
    "Upon",
    "Following",
    "According",
    "Despite",
    "Both",
    "Each",
    "Some",
    "Many",
    "Most",
    "All",
    "Such",
    "Also",
    "I",
];

const DAYS: &[&str] = &[
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// Every checkable fact in a sentence, in text order; spans do not overlap (a year inside
/// a date is part of the date, a number inside a quotation is part of the quotation).
pub fn facts(text: &str) -> Vec<Fact> {
    let mut out: Vec<Fact> = Vec::new();
    let taken = |out: &Vec<Fact>, s: usize, e: usize| out.iter().any(|f| s < f.end && e > f.start);
    let push = |out: &mut Vec<Fact>, kind, s: usize, e: usize, date| {
        if !taken(out, s, e) {
            out.push(Fact {
                kind,
                text: text[s..e].to_string(),
                start: s,
                end: e,
                date,
            });
        }
    };
    let t = Text::of(text);

    // Words inside any quotation (even a short one, a title) are the quoted text's, not
    // the sentence's own names and numbers.
    let mut quoted: Vec<(usize, usize)> = Vec::new();
    if text.contains(['"', '“', '„']) {
        for c in QUOTE.captures_iter(text) {
            let m = c.get(0).unwrap();
            quoted.push((m.start(), m.end()));
            let inner = c.get(1).or(c.get(2)).or(c.get(3)).unwrap();
            if WORD.find_iter(inner.as_str()).nth(3).is_some() {
                push(&mut out, FactKind::Quotation, m.start(), m.end(), None);
            }
        }
    }
    let in_quote = |s: usize| quoted.iter().any(|&(a, b)| s >= a && s < b);

    // Dates, years and numbers all need a digit.
    if t.digit {
        // "April 13, 1941" and "13 April 1941": the same date, month and day swapped.
        for (pattern, month, day) in [(&DATE_MDY, 1, 2), (&DATE_DMY, 2, 1)] {
            for c in pattern.get(&t).captures_iter(text) {
                let m = c.get(0).unwrap();
                if in_quote(m.start()) {
                    continue;
                }
                let date = (
                    c[3].parse().unwrap_or(0),
                    crate::dates::month_number(&c[month]),
                    c[day].parse().ok(),
                );
                push(&mut out, FactKind::Date, m.start(), m.end(), Some(date));
            }
        }
        for c in DATE_ISO.get(&t).captures_iter(text) {
            let m = c.get(0).unwrap();
            let month: u32 = c[2].parse().unwrap_or(0);
            if in_quote(m.start()) || !(1..=12).contains(&month) {
                continue;
            }
            let date = (c[1].parse().unwrap_or(0), Some(month), c[3].parse().ok());
            push(&mut out, FactKind::Date, m.start(), m.end(), Some(date));
        }
        for c in DATE_MY.get(&t).captures_iter(text) {
            let m = c.get(0).unwrap();
            if in_quote(m.start()) {
                continue;
            }
            let date = (
                c[2].parse().unwrap_or(0),
                crate::dates::month_number(&c[1]),
                None,
            );
            push(&mut out, FactKind::Date, m.start(), m.end(), Some(date));
        }
        for c in YEAR.get(&t).captures_iter(text) {
            let m = c.get(0).unwrap();
            if in_quote(m.start()) {
                continue;
            }
            let date = (c[1].parse().unwrap_or(0), None, None);
            push(&mut out, FactKind::Year, m.start(), m.end(), Some(date));
        }
        for m in NUMBER.get(&t).find_iter(text) {
            if in_quote(m.start()) {
                continue;
            }
            push(&mut out, FactKind::Number, m.start(), m.end(), None);
        }
    }
    // One list of words for number words and names.
    let words: Vec<(usize, usize, &str)> = WORD
        .find_iter(text)
        .map(|m| (m.start(), m.end(), m.as_str()))
        .collect();
    // Number words, a compound one as one fact: "forty-eight", "two hundred and ten".
    // Only words that can start one are lowercased, with those that can go on it.
    let mut lower = String::new();
    let mut i = 0;
    while i < words.len() {
        lowercase_into(words[i].2, &mut lower);
        let is_word = lower.chars().all(|c| c.is_alphabetic());
        if !is_word || !crate::sources::words::may_start_number(&lower) {
            i += 1;
            continue;
        }
        let mut run = vec![lower.clone()];
        for w in &words[i + 1..] {
            lowercase_into(w.2, &mut lower);
            if !crate::sources::words::may_continue_number(&lower) {
                break;
            }
            run.push(lower.clone());
        }
        match crate::sources::words::read_number(&run) {
            // "one" alone states no number: "one of the reasons".
            Some((_, false, used)) if !(used == 1 && run[0] == "one") => {
                let (s, e) = (words[i].0, words[i + used - 1].1);
                let span = &text[s..e];
                if !in_quote(s) && NUMBER_WORD.get(&Text::of(span)).is_match(span) {
                    push(&mut out, FactKind::Number, s, e, None);
                }
                i += used;
            }
            _ => i += 1,
        }
    }
    for (s, e) in names(text, &words) {
        if in_quote(s) {
            continue;
        }
        push(&mut out, FactKind::Name, s, e, None);
    }
    for m in ATTRIBUTION.get(&t).find_iter(text) {
        if in_quote(m.start()) {
            continue;
        }
        push(&mut out, FactKind::Attribution, m.start(), m.end(), None);
    }
    // Every negation has "not", "never" or "n't".
    if text.contains("not")
        || text.contains("never")
        || text.contains("n't")
        || text.contains("n’t")
    {
        for m in NEGATION.get(&t).find_iter(text) {
            if in_quote(m.start()) {
                continue;
            }
            push(&mut out, FactKind::Negation, m.start(), m.end(), None);
        }
    }
    out.sort_by_key(|f| (f.start, f.end));
    out
}

/// `word` lowercased into `into` (its old text replaced), without allocating for the
/// ASCII words most are.
fn lowercase_into(word: &str, into: &mut String) {
    into.clear();
    if word.is_ascii() {
        into.extend(word.chars().map(|c| c.to_ascii_lowercase()));
    } else {
        into.push_str(&word.to_lowercase());
    }
}

/// Runs of capitalised words ("Foreign Minister Yosuke Matsuoka", "Empire of Japan").
/// A sentence's first word is capitalised anyway: alone it is no evidence of a name, and
/// a function word ("The", "When") in front of a run is dropped.
fn names(text: &str, words: &[(usize, usize, &str)]) -> Vec<(usize, usize)> {
    let capitalised = |w: &str| {
        w.chars().next().is_some_and(|c| c.is_uppercase())
            && crate::dates::month_number(w).is_none()
            && !DAYS.contains(&w)
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        if !capitalised(words[i].2) {
            i += 1;
            continue;
        }
        let mut run = vec![i];
        let mut j = i + 1;
        while j < words.len() {
            let gap = &text[words[j - 1].1..words[j].0];
            if !gap.chars().all(|c| c == ' ') {
                break;
            }
            if capitalised(words[j].2) {
                run.push(j);
                j += 1;
            } else if NAME_CONNECTORS.contains(&words[j].2)
                && words.get(j + 1).is_some_and(|w| capitalised(w.2))
                && text[words[j].1..words[j + 1].0].chars().all(|c| c == ' ')
            {
                j += 1;
            } else {
                break;
            }
        }
        let mut first = run[0];
        let last = *run.last().unwrap();
        let at_start = text[..words[first].0].chars().all(|c| !c.is_alphanumeric());
        if FUNCTION_WORDS.contains(&words[first].2) {
            first = match run.get(1) {
                Some(&k) => k,
                None => {
                    i = j;
                    continue;
                }
            };
        } else if at_start && run.len() == 1 && possessive(words[first].2).is_none() {
            // "Lee's plan": a possessive is a name even first in the sentence.
            i = j;
            continue;
        }
        let end = words[last].1 - possessive(words[last].2).unwrap_or(0);
        out.push((words[first].0, end));
        i = j;
    }
    out
}

/// The byte length of a word's possessive ending ("'s", "’s"), if it has one.
fn possessive(word: &str) -> Option<usize> {
    ["'s", "’s"]
        .iter()
        .find(|p| word.len() > p.len() && word.ends_with(*p))
        .map(|p| p.len())
}

/// The facts of a sentence of a block quotation: the sentence is one quotation (when it
/// is long enough to be worth looking up); its names and numbers are the source's.
pub fn block_quotation(text: &str) -> Vec<Fact> {
    let trimmed = text.trim_end_matches([':', ' ']);
    let start = trimmed.len() - trimmed.trim_start_matches(['>', ' ']).len();
    if WORD.find_iter(&trimmed[start..]).count() < 4 {
        return facts(text);
    }
    vec![Fact {
        kind: FactKind::Quotation,
        text: trimmed[start..].to_string(),
        start,
        end: trimmed.len(),
        date: None,
    }]
}

/// Whether a sentence's facts make it a checkable claim. Some facts are too weak to
/// make one alone: a nationality or a single capitalised adjective ("The British
/// position was to shift") and a small number word ("appeared in two parts") are how
/// commentary is worded too. With any other fact beside them they count.
pub fn is_claim(text: &str, facts: &[Fact]) -> bool {
    facts.iter().any(|f| !is_weak(text, f))
}

/// Units that make a small number a measurement a source states ("six hours later").
const UNITS: &[&str] = &[
    "second",
    "minute",
    "hour",
    "day",
    "week",
    "month",
    "year",
    "decade",
    "century",
    "mile",
    "kilometre",
    "kilometer",
    "metre",
    "meter",
    "foot",
    "feet",
    "percent",
    "per",
];

fn is_weak(text: &str, fact: &Fact) -> bool {
    match fact.kind {
        FactKind::Name => !fact.is_multiword_name() && is_demonym(&fact.text),
        FactKind::Number => {
            let small = fact.text.chars().all(char::is_alphabetic)
                && crate::sources::words::read_number(&[fact.text.to_lowercase()])
                    .is_some_and(|(value, _, _)| value <= 10);
            let next = text[fact.end..]
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_lowercase();
            small && !UNITS.iter().any(|u| next.starts_with(u))
        }
        _ => false,
    }
}

/// Nationality and group adjectives: capitalised, but not names a source must print.
pub fn is_demonym(word: &str) -> bool {
    const WORDS: &[&str] = &[
        "french",
        "dutch",
        "greek",
        "swiss",
        "thai",
        "soviet",
        "german",
        "american",
        "mexican",
        "african",
        "korean",
        "cuban",
        "roman",
        "israeli",
        "iraqi",
        "pakistani",
        "saudi",
        "arab",
        "arabic",
        "turkish",
        "czech",
        "slav",
        "slavic",
        "celtic",
        "latin",
        "norse",
        "jewish",
        "muslim",
        "christian",
        "catholic",
        "protestant",
        "western",
        "eastern",
        "northern",
        "southern",
        "european",
        "asian",
        "allied",
        "allies",
        "nazi",
        "communist",
        "english",
        "welsh",
        "irish",
        "scottish",
        "scots",
        "british",
        "danish",
        "polish",
        "swedish",
        "finnish",
        "spanish",
        "flemish",
        "moorish",
        "frankish",
        "kurdish",
        "mongol",
        "tatar",
        "inuit",
        "maori",
        "sioux",
        "bantu",
        "hindu",
        "sikh",
        "buddhist",
        "islamic",
    ];
    let w = crate::sources::words::normalise(word);
    let w = w.strip_suffix('s').filter(|_| w.len() > 4).unwrap_or(&w);
    WORDS.contains(&w)
        || ["ese", "ish", "ian", "ean", "iot", "ans", "ians"]
            .iter()
            .any(|s| w.ends_with(s) && w.len() > s.len() + 2)
}

/// The fact to point at when reporting an uncited claim: the most specific one.
pub fn headline(facts: &[Fact]) -> Option<&Fact> {
    facts.iter().min_by_key(|f| (f.kind, f.start))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(FactKind, String)> {
        facts(text).into_iter().map(|f| (f.kind, f.text)).collect()
    }

    #[test]
    fn dates_years_and_numbers() {
        let k = kinds("On April 5, 1945 it ended; by 5 April 1945, 1945-04-05 or April 1946, in 1941, 7 hours.");
        assert!(k.contains(&(FactKind::Date, "April 5, 1945".into())));
        assert!(k.contains(&(FactKind::Date, "5 April 1945".into())));
        assert!(k.contains(&(FactKind::Date, "1945-04-05".into())));
        assert!(k.contains(&(FactKind::Date, "April 1946".into())));
        assert!(k.contains(&(FactKind::Year, "1941".into())));
        assert!(k.contains(&(FactKind::Number, "7".into())));
        assert_eq!(
            facts("On April 5, 1945 it ended.")[0].date,
            Some((1945, Some(4), Some(5)))
        );
    }

    #[test]
    fn names_skip_sentence_starts_and_function_words() {
        let k = kinds("The Soviet Union pledged to respect Manchukuo, while Japan did the same.");
        assert!(k.contains(&(FactKind::Name, "Soviet Union".into())));
        assert!(k.contains(&(FactKind::Name, "Manchukuo".into())));
        assert!(k.contains(&(FactKind::Name, "Japan".into())));
        assert!(kinds("Later, it was symbolic of the importance.").is_empty());
        assert!(kinds("This was symbolic of the importance.").is_empty());
        let k = kinds("It was a pact between the Soviet Union and the Empire of Japan.");
        assert!(k.contains(&(FactKind::Name, "Empire of Japan".into())));
    }

    #[test]
    fn quotations_need_four_words_and_hide_their_contents() {
        let k = kinds(r#"He said "the pact of April 13, 1941 is void" and left."#);
        assert_eq!(
            k[1],
            (
                FactKind::Quotation,
                r#""the pact of April 13, 1941 is void""#.into()
            )
        );
        assert!(!k.iter().any(|(kind, _)| *kind == FactKind::Date));
        let k = kinds("It appeared in “So Sorry” yesterday.");
        assert!(k.is_empty(), "{k:?}");
    }

    #[test]
    fn weak_facts_alone_make_no_claim() {
        let claim = |t: &str| is_claim(t, &facts(t));
        assert!(!claim(
            "The British position was to shift over the next years."
        ));
        assert!(!claim("The report appeared in two parts."));
        assert!(claim(
            "The declaration of war followed nearly six hours later."
        ));
        assert!(claim("The British fleet sailed in 1914."));
        assert!(claim("Lee's plan was refused by the council."));
        assert_eq!(
            kinds("Lee's plan was refused.")[0],
            (FactKind::Name, "Lee".into())
        );
    }

    #[test]
    fn events_said_not_to_happen_are_claims() {
        let k = kinds("The agreement was never carried out.");
        assert_eq!(k, vec![(FactKind::Negation, "was never carried".into())]);
        assert!(kinds("The king did not sign it.")
            .iter()
            .any(|(kind, _)| *kind == FactKind::Negation));
        assert!(kinds("This is not surprising.").is_empty());
    }

    #[test]
    fn attribution_is_reported_speech() {
        let k = kinds("the minister believed it would hold.");
        assert_eq!(k, vec![(FactKind::Attribution, "believed".into())]);
    }
}
