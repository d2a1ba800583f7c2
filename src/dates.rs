//! English month names: the one list every stage that reads or writes dates uses — the
//! wikitext reader rendering `{{cite}}` dates, the linker matching a source's date, and
//! `check` finding and verifying dates in claims.

pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The month (1..=12) a name stands for, in any case.
pub fn month_number(name: &str) -> Option<u32> {
    MONTHS
        .iter()
        .position(|m| m.eq_ignore_ascii_case(name))
        .map(|i| i as u32 + 1)
}

/// The name of month `m` (1..=12).
pub fn month_name(m: usize) -> Option<&'static str> {
    m.checked_sub(1).and_then(|i| MONTHS.get(i)).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_numbers_round_trip() {
        assert_eq!(month_number("april"), Some(4));
        assert_eq!(month_number("DECEMBER"), Some(12));
        assert_eq!(month_number("Smarch"), None);
        assert_eq!(month_name(4), Some("April"));
        assert_eq!(month_name(0), None);
        assert_eq!(month_name(13), None);
    }
}
