//! The templates the reader knows: one table of names → behaviour, and the few name
//! patterns (`cite …`, `lang-…`, `notelist…`). Any other template is not rendered: its
//! text is never a claim, but refs inside it still define and cite.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::citation::CitationFields;

/// What a template does to the text and the footnotes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Template {
    /// `{{cite book}}`, `{{citation}}`: fields for the enclosing footnote or bibliography
    /// entry, rendered as text outside prose.
    Citation,
    /// `{{citation needed}}` and its aliases.
    CitationNeeded,
    /// A short citation (`{{sfn}}`, `{{harvnb}}`); `footnote`: it is a footnote of its
    /// own (sfn) rather than text inside one; `author_year`: shown as "Who (year)".
    Short { footnote: bool, author_year: bool },
    /// A note (`{{efn}}`, `{{refn}}`): a footnote in the given group, or in the one its
    /// `group=` names.
    Note { group: Option<&'static str> },
    /// `{{r|name|…}}`: uses of named footnotes.
    NamedUses,
    /// Shows its last positional parameter (`{{lang|fr|texte}}`).
    LastParameter,
    /// Shows `text=` or its first positional parameter (`{{nowrap|…}}`).
    TextParameter,
    /// Shows its first positional parameter (`{{lang-fr|texte}}`).
    FirstParameter,
    /// `{{convert|5|km}}`: the value and the unit.
    Convert,
    /// `{{circa|1900}}`: "c. 1900".
    Circa,
    /// `{{as of|2010|5}}`: "As of May 2010".
    AsOf,
    /// `{{birth date|1895|4|11}}`: "11 April 1895".
    Date,
    /// `{{ISBN|…}}`: "ISBN …".
    Isbn,
    /// Fixed text (`{{mdash}}`, `{{!}}`).
    Literal(&'static str),
    /// `{{sortname|First|Last}}`: "First Last".
    SortName,
    /// `{{reflist}}`, `{{notelist}}`: a reference list (a block of its own).
    ReferenceList,
    /// Anything else: not rendered.
    Other,
}

use Template::*;

const TABLE: &[(&[&str], Template)] = &[
    (&["citation", "cite", "vcite"], Citation),
    (
        &[
            "citation needed",
            "cn",
            "fact",
            "cite needed",
            "citeneeded",
            "citation-needed",
            "needs citation",
            "source needed",
            "unreferenced inline",
            "refneeded",
            "ref needed",
            "better source",
            "better source needed",
            "cn-span",
            "citation needed span",
        ],
        CitationNeeded,
    ),
    (
        &["sfn", "sfnp", "sfnm"],
        Short {
            footnote: true,
            author_year: false,
        },
    ),
    (
        &["harvnb", "harv", "harvp", "harvcol", "harvcolnb"],
        Short {
            footnote: false,
            author_year: false,
        },
    ),
    (
        &["harvtxt", "harvcoltxt"],
        Short {
            footnote: false,
            author_year: true,
        },
    ),
    (
        &["efn", "efn-la"],
        Note {
            group: Some("lower-alpha"),
        },
    ),
    (
        &["efn-ua"],
        Note {
            group: Some("upper-alpha"),
        },
    ),
    (
        &["efn-lr"],
        Note {
            group: Some("lower-roman"),
        },
    ),
    (
        &["efn-ur"],
        Note {
            group: Some("upper-roman"),
        },
    ),
    (&["refn", "notetag"], Note { group: None }),
    (&["r"], NamedUses),
    (&["lang", "transl", "transliteration"], LastParameter),
    (
        &[
            "nowrap",
            "nobr",
            "small",
            "smaller",
            "big",
            "larger",
            "em",
            "strong",
            "abbr",
            "nihongo",
            "keypress",
            "math",
            "mvar",
            "sic",
            "flag",
            "flagcountry",
            "quote",
            "blockquote",
            "cquote",
            "quotation",
            "bold",
            "italic",
            "lang-en",
            "not a typo",
            "linktext",
            "ill",
            "interlanguage link",
            "vanchor",
            "anchor text",
            "center",
            "midsize",
            "resize",
            "visible anchor",
            "shy",
        ],
        TextParameter,
    ),
    (&["convert", "cvt"], Convert),
    (&["c.", "circa"], Circa),
    (&["as of"], AsOf),
    (
        &[
            "birth date",
            "death date",
            "birth date and age",
            "death date and age",
            "start date",
            "end date",
            "dts",
            "date",
            "birth-date",
            "start date and age",
        ],
        Date,
    ),
    (&["isbn"], Isbn),
    (&["!"], Literal("|")),
    (&["mdash", "mdashb", "—"], Literal("—")),
    (&["ndash", "snd", "spnd", "–"], Literal(" – ")),
    (&["nbsp", "sp", "space"], Literal(" ")),
    (&["sortname"], SortName),
    (
        &[
            "reflist",
            "references",
            "refs",
            "notelist",
            "notes",
            "reference list",
            "footnotes",
        ],
        ReferenceList,
    ),
];

static BY_NAME: LazyLock<HashMap<&'static str, Template>> = LazyLock::new(|| {
    TABLE
        .iter()
        .flat_map(|(names, t)| names.iter().map(move |n| (*n, *t)))
        .collect()
});

/// Templates that render as part of a line of prose even when alone on a line.
const INLINE_WHEN_ALONE: &[&str] = &["sfn", "sfnp", "efn", "refn", "r"];

/// The behaviour of the template with this (normalised) name.
pub(super) fn lookup(name: &str) -> Template {
    if let Some(&t) = BY_NAME.get(name) {
        return t;
    }
    if name.starts_with("cite ") {
        Citation
    } else if name.starts_with("lang-") {
        FirstParameter
    } else if name.starts_with("notelist") {
        ReferenceList
    } else {
        Other
    }
}

/// A template alone on its line is a block of its own (an infobox, a navbox), unless
/// it is one that belongs in a line of prose.
pub(super) fn is_block(name: &str) -> bool {
    let t = lookup(name);
    t != Citation && t != CitationNeeded && !INLINE_WHEN_ALONE.contains(&name)
}

/// "A", "A & B", "A, B & C", "A et al." as short citations show authors.
pub(super) fn join_authors(a: &[String]) -> String {
    match a.len() {
        0 => String::new(),
        1 => a[0].clone(),
        2 => format!("{} & {}", a[0], a[1]),
        3 => format!("{}, {} & {}", a[0], a[1], a[2]),
        _ => format!("{} et al.", a[0]),
    }
}

/// A citation template as a line of a bibliography shows it.
pub(super) fn render_citation(f: &CitationFields) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(a) = &f.author {
        parts.push(a.clone());
    }
    if let Some(d) = &f.date {
        parts.push(format!("({d})"));
    }
    if let Some(t) = &f.title {
        parts.push(format!("\"{t}\"."));
    }
    for x in [&f.work, &f.publisher].into_iter().flatten() {
        parts.push(format!("{x}."));
    }
    if let Some(p) = &f.pages {
        parts.push(format!("p. {p}."));
    }
    parts.join(" ")
}

/// Year, month, day parameters as a date in words.
pub(super) fn date_text(parts: &[String]) -> String {
    let nums: Vec<&str> = parts.iter().map(|p| p.trim()).take(3).collect();
    let month = nums
        .get(1)
        .and_then(|m| m.parse::<usize>().ok())
        .and_then(crate::dates::month_name);
    match (nums.first(), month, nums.get(2)) {
        (Some(y), Some(m), Some(d)) => format!("{d} {m} {y}"),
        (Some(y), Some(m), None) => format!("{m} {y}"),
        _ => nums.join(" "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names_are_unique() {
        let names: usize = TABLE.iter().map(|(n, _)| n.len()).sum();
        assert_eq!(BY_NAME.len(), names, "a name is listed twice");
    }

    #[test]
    fn patterns_and_aliases() {
        assert_eq!(lookup("cite web"), Citation);
        assert_eq!(lookup("cn"), CitationNeeded);
        assert_eq!(lookup("lang-fr"), FirstParameter);
        assert_eq!(lookup("lang-en"), TextParameter);
        assert_eq!(lookup("notelist-ua"), ReferenceList);
        assert_eq!(lookup("infobox person"), Other);
        assert!(is_block("infobox person"));
        assert!(!is_block("sfn") && !is_block("citation needed") && !is_block("cite book"));
        assert!(
            is_block("sfnm"),
            "sfnm alone on a line is a block, as before"
        );
    }

    #[test]
    fn dates() {
        assert_eq!(
            date_text(&["1895".into(), "4".into(), "11".into()]),
            "11 April 1895"
        );
    }
}
