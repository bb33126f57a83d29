//! Entries of `USERS`, `MEMBERS`, `EXCEPT_USERS`, `FEATURES` and
//! `SERIALNUMBERS`: splitting the `;`-separated strings and parsing each
//! principal entry into a typed [`Pattern`]. Parsing never fails and never
//! panics: an entry that looks like an IP address but is malformed becomes
//! [`Pattern::InvalidIp`], which matches nothing and is reported by the
//! validator.

//!
//! The lists and their edits are in `lists.rs`, name folding in `fold.rs`,
//! IP forms in `ip.rs`; this file holds the patterns and their kinds.

mod fold;
mod ip;
mod lists;

use std::net::{IpAddr, Ipv6Addr};

pub use fold::{Folded, fold, fold_compact, is_folded};
pub use ip::normalize;
use ip::{looks_like_ipv4, looks_like_ipv6, parse_ipv4_form, quick_ipv4};
pub use lists::{RawEntry, means_any, split_entries, swapped_range, with_entry, without_entry};

/// A name pattern compared case-insensitively with `*` as "any run of
/// characters". Stored lower-cased and split at the stars.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NamePattern {
    /// The lower-cased text (with stars).
    pub folded: compact_str::CompactString,
    /// Literal pieces between stars; empty for a name without stars (the
    /// common case, kept free of extra allocations: a large file has
    /// hundreds of thousands of entries).
    pieces: Box<[Box<str>]>,
}

impl NamePattern {
    pub fn new(text: &str) -> Self {
        let folded = fold_compact(text);
        let pieces = if folded.contains('*') {
            folded.split('*').map(Box::from).collect()
        } else {
            Box::default()
        };
        NamePattern { folded, pieces }
    }

    /// The literal text before the first `*` (all of it without a `*`).
    pub fn prefix(&self) -> &str {
        self.pieces.first().map_or(&self.folded, |p| p)
    }

    pub fn has_wildcard(&self) -> bool {
        !self.pieces.is_empty()
    }

    /// Matches an already folded name. Linear in the name's length: the first
    /// piece must be a prefix, the last a suffix, and the ones between are
    /// found left to right (the leftmost match is always the best choice when
    /// the only wildcard is `*`).
    pub fn matches_folded(&self, name: &str) -> bool {
        let n = self.pieces.len();
        if n == 0 {
            return self.folded == name;
        }
        let first = &self.pieces[0];
        let last = &self.pieces[n - 1];
        if name.len() < first.len() + last.len()
            || !name.starts_with(&**first)
            || !name.ends_with(&**last)
        {
            return false;
        }
        let mut rest = &name[first.len()..name.len() - last.len()];
        for piece in &self.pieces[1..n - 1] {
            match rest.find(&**piece) {
                Some(i) => rest = &rest[i + piece.len()..],
                None => return false,
            }
        }
        true
    }

    pub fn matches(&self, name: &str) -> bool {
        self.matches_folded(&fold(name))
    }
}

/// What a principal entry is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pattern {
    /// `*`: everyone.
    Any,
    /// `&Name`: a Windows local group of the principal.
    LocalGroup(String),
    /// An IPv4 or IPv6 address.
    Ip(IpAddr),
    /// `4.3.2.*`, `10.*.*.*`: the first `fixed` octets must equal.
    Ipv4Wildcard { octets: [u8; 4], fixed: u8 },
    /// `a.b.c.x-y`: the last octet in `lo..=hi`.
    Ipv4Range { prefix: [u8; 3], lo: u8, hi: u8 },
    /// `10.0.0.0/8`: not documented by the vendor; matches nothing.
    Cidr(String),
    /// Looks like an IP form but is malformed; matches nothing.
    InvalidIp(String),
    /// A user, host or group name, possibly with `*` wildcards.
    Name(NamePattern),
}

impl Pattern {
    /// Parses one trimmed entry.
    pub fn parse(entry: &str) -> Pattern {
        let entry = entry.trim();
        if entry == "*" {
            return Pattern::Any;
        }
        if let Some(group) = entry.strip_prefix('&') {
            return Pattern::LocalGroup(group.trim().to_string());
        }
        if looks_like_ipv4(entry) {
            return parse_ipv4_form(entry);
        }
        if looks_like_ipv6(entry) {
            if let Some((addr, _)) = entry.split_once('/') {
                return match addr.parse::<Ipv6Addr>() {
                    Ok(_) => Pattern::Cidr(entry.to_string()),
                    Err(_) => Pattern::InvalidIp(format!("`{addr}` is not a valid IPv6 address")),
                };
            }
            return match entry.parse::<Ipv6Addr>() {
                Ok(a) => Pattern::Ip(IpAddr::V6(a)),
                Err(_) => Pattern::InvalidIp(format!("`{entry}` is not a valid IPv6 address")),
            };
        }
        Pattern::Name(NamePattern::new(entry))
    }

    /// Whether the pattern can only ever match an IP address.
    pub fn is_ip_form(&self) -> bool {
        matches!(
            self,
            Pattern::Ip(_)
                | Pattern::Ipv4Wildcard { .. }
                | Pattern::Ipv4Range { .. }
                | Pattern::Cidr(_)
                | Pattern::InvalidIp(_)
        )
    }

    /// The IPv4 addresses this IP form matches, as an inclusive interval
    /// (an IPv4 or IPv4-mapped address, a wildcard, a last-octet range);
    /// `None` for other forms and IPv6 addresses.
    pub fn ipv4_interval(&self) -> Option<(u32, u32)> {
        match self {
            Pattern::Ip(ip) => match normalize(*ip) {
                IpAddr::V4(v4) => Some((u32::from(v4), u32::from(v4))),
                IpAddr::V6(_) => None,
            },
            Pattern::Ipv4Wildcard { octets, fixed } => {
                let keep = u32::from((*fixed).min(4)) * 8;
                let addr = u32::from_be_bytes(*octets);
                Some(match keep {
                    0 => (0, u32::MAX),
                    32 => (addr, addr),
                    k => {
                        let mask = u32::MAX << (32 - k);
                        (addr & mask, (addr & mask) | !mask)
                    }
                })
            }
            Pattern::Ipv4Range { prefix, lo, hi } if lo <= hi => {
                let base = u32::from_be_bytes([prefix[0], prefix[1], prefix[2], 0]);
                Some((base | u32::from(*lo), base | u32::from(*hi)))
            }
            _ => None,
        }
    }

    /// Whether an IP address matches this IP form (false for other forms).
    pub fn matches_ip(&self, ip: IpAddr) -> bool {
        match (self, ip) {
            (Pattern::Ip(a), b) => normalize(*a) == normalize(b),
            (Pattern::Ipv4Wildcard { octets, fixed }, b) => match normalize(b) {
                IpAddr::V4(v4) => {
                    let o = v4.octets();
                    o[..*fixed as usize] == octets[..*fixed as usize]
                }
                IpAddr::V6(_) => false,
            },
            (Pattern::Ipv4Range { prefix, lo, hi }, b) => match normalize(b) {
                IpAddr::V4(v4) => {
                    let o = v4.octets();
                    o[..3] == prefix[..] && (*lo..=*hi).contains(&o[3])
                }
                IpAddr::V6(_) => false,
            },
            _ => false,
        }
    }

    /// A short description of what the entry is, for the editor's tokens and
    /// the trace.
    pub fn kind_label(&self) -> &'static str {
        Kind::from(self).label()
    }
}

/// What a principal entry is, without its text: the form the model keeps
/// for each entry. Six bytes and no heap, because a large file has millions
/// of entries; the text stays in the list's value, and what needs more (an
/// IPv6 address, the reason an IP form is malformed, a wildcard's pieces)
/// is worked out from the text when asked for ([`Pattern::parse`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Any,
    LocalGroup,
    Ipv4([u8; 4]),
    Ipv6,
    Ipv4Wildcard {
        octets: [u8; 4],
        fixed: u8,
    },
    Ipv4Range {
        prefix: [u8; 3],
        lo: u8,
        hi: u8,
    },
    Cidr,
    InvalidIp,
    /// A name. `wildcard`: it has a `*`. `folded`: its text is already in
    /// folded (lower) case, so comparisons can use it as it is.
    Name {
        wildcard: bool,
        folded: bool,
    },
}

// What a byte of an entry can be part of, for `Kind::of`.
/// Not in an IPv4 form (digits `.` `*` `-` `/` and space).
const NOT_V4: u8 = 1;
/// Not in an IPv6 form (hex digits `:` `.` `/`).
const NOT_V6: u8 = 2;
const DOT: u8 = 4;
const COLON: u8 = 8;
const STAR: u8 = 16;
const UPPER: u8 = 32;
const NON_ASCII: u8 = 64;

static BYTE_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        t[i] = match c {
            b'0'..=b'9' | b'/' => 0,
            b'.' => DOT,
            b':' => COLON | NOT_V4,
            b'*' => STAR | NOT_V6,
            b'-' | b' ' => NOT_V6,
            b'a'..=b'f' => NOT_V4,
            b'A'..=b'F' => NOT_V4 | UPPER,
            b'G'..=b'Z' => NOT_V4 | NOT_V6 | UPPER,
            0x80..=0xff => NOT_V4 | NOT_V6 | NON_ASCII,
            _ => NOT_V4 | NOT_V6,
        };
        i += 1;
    }
    t
};

impl Kind {
    /// Classifies one trimmed, non-empty entry, as [`Pattern::parse`] would.
    ///
    /// One pass over the bytes: a large file has a million entries, and
    /// asking `looks_like_ipv4`, `looks_like_ipv6`, `contains('*')` and
    /// `is_folded` in turn read each of them five times.
    pub fn of(entry: &str) -> Kind {
        let b = entry.as_bytes();
        match b {
            [b'*'] => return Kind::Any,
            [b'&', ..] => return Kind::LocalGroup,
            [] => {
                return Kind::Name {
                    wildcard: false,
                    folded: true,
                };
            }
            _ => {}
        }
        // What any byte is, or-ed together (a table look-up a byte).
        let seen = b
            .iter()
            .fold(0u8, |acc, &c| acc | BYTE_CLASS[usize::from(c)]);
        let v4 = (b[0].is_ascii_digit() || b[0] == b'*') && seen & (NOT_V4 | DOT) == DOT;
        let v6 = seen & (NOT_V6 | COLON) == COLON && b.iter().filter(|&&c| c == b':').count() >= 2;
        if v4 && let Some(k) = quick_ipv4(b) {
            return k;
        }
        if v4 || v6 {
            return Kind::from(&Pattern::parse(entry));
        }
        Kind::Name {
            wildcard: seen & STAR != 0,
            folded: if seen & NON_ASCII == 0 {
                seen & UPPER == 0
            } else {
                is_folded(entry)
            },
        }
    }
    /// A short description of what the entry is, for the editor's tokens and
    /// the trace.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Any => "everyone",
            Kind::LocalGroup => "local group",
            Kind::Ipv4(_) => "IPv4 address",
            Kind::Ipv6 => "IPv6 address",
            Kind::Ipv4Wildcard { .. } => "IP wildcard",
            Kind::Ipv4Range { .. } => "IP range",
            Kind::Cidr => "CIDR (unsupported)",
            Kind::InvalidIp => "invalid IP",
            Kind::Name { wildcard: true, .. } => "name wildcard",
            Kind::Name { .. } => "user or host",
        }
    }

    pub fn is_name(self) -> bool {
        matches!(self, Kind::Name { .. })
    }

    pub fn is_ip_form(self) -> bool {
        matches!(
            self,
            Kind::Ipv4(_)
                | Kind::Ipv6
                | Kind::Ipv4Wildcard { .. }
                | Kind::Ipv4Range { .. }
                | Kind::Cidr
                | Kind::InvalidIp
        )
    }
}

impl From<&Pattern> for Kind {
    fn from(p: &Pattern) -> Kind {
        match p {
            Pattern::Any => Kind::Any,
            Pattern::LocalGroup(_) => Kind::LocalGroup,
            Pattern::Ip(IpAddr::V4(a)) => Kind::Ipv4(a.octets()),
            Pattern::Ip(IpAddr::V6(_)) => Kind::Ipv6,
            Pattern::Ipv4Wildcard { octets, fixed } => Kind::Ipv4Wildcard {
                octets: *octets,
                fixed: *fixed,
            },
            Pattern::Ipv4Range { prefix, lo, hi } => Kind::Ipv4Range {
                prefix: *prefix,
                lo: *lo,
                hi: *hi,
            },
            Pattern::Cidr(_) => Kind::Cidr,
            Pattern::InvalidIp(_) => Kind::InvalidIp,
            Pattern::Name(n) => Kind::Name {
                wildcard: n.has_wildcard(),
                folded: false,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    /// `Kind::of` as it was written before its one-pass form: the oracle.
    fn kind_of_by_questions(entry: &str) -> Kind {
        if entry == "*" {
            return Kind::Any;
        }
        if entry.starts_with('&') {
            return Kind::LocalGroup;
        }
        if !entry.is_empty() && (looks_like_ipv4(entry) || looks_like_ipv6(entry)) {
            return Kind::from(&Pattern::parse(entry));
        }
        Kind::Name {
            wildcard: entry.contains('*'),
            folded: is_folded(entry),
        }
    }

    /// `split_entries` as it was first written: the oracle.
    fn split_by_str(s: &str) -> Vec<RawEntry<'_>> {
        let mut offset = 0usize;
        s.split(';')
            .filter_map(move |part| {
                let start = offset;
                offset += part.len() + 1;
                let trimmed_start = part.len() - part.trim_start().len();
                let text = part.trim();
                (!text.is_empty()).then_some(RawEntry {
                    text,
                    offset: start + trimmed_start,
                })
            })
            .collect()
    }

    proptest! {
        #[test]
        fn splitting_finds_what_str_split_and_trim_find(s in "[ab; \t\u{a0}\u{2003}é*]{0,16}") {
            prop_assert_eq!(split_entries(&s).collect::<Vec<_>>(), split_by_str(&s));
        }

        #[test]
        fn one_pass_classification_is_the_questions_asked_in_turn(
            entry in "[0-9a-gxzA-Z.:*&/ \\-éÉß]{0,12}"
        ) {
            prop_assert_eq!(Kind::of(&entry), kind_of_by_questions(&entry));
        }

        #[test]
        fn one_pass_classification_of_address_forms(
            entry in "([0-9]{1,4}|\\*)(\\.([0-9]{1,4}|\\*|[0-9]{1,3}-[0-9]{1,3})){0,4}[ /]?"
        ) {
            prop_assert_eq!(Kind::of(&entry), kind_of_by_questions(&entry));
        }

        #[test]
        fn one_pass_classification_of_what_looks_like_an_address(
            entry in "[0-9a-fA-F.:*/ \\-]{0,10}"
        ) {
            prop_assert_eq!(Kind::of(&entry), kind_of_by_questions(&entry));
        }
    }

    #[test]
    fn one_pass_classification_on_every_form() {
        for e in [
            "*",
            "&Admins",
            "10.0.0.1",
            "10.*.*.*",
            "4.3.2.10-50",
            "4.3.2.50-10",
            "10.0.0.0/8",
            "::1",
            "fe80::1",
            "::ffff:10.0.0.1",
            "fe80::/10",
            "1:2",
            "anna",
            "Anna",
            "ANNA*",
            "ext.*",
            "*.corp",
            "ÉVA",
            "éva",
            "straße",
            "1.2.3",
            "1.2.3.4.5",
            "a.b",
            "10.0.0.1 ",
            "12",
            "-1.2.3.4",
            "*1",
            "ab:cd:ef",
            "AB:CD::1",
            "fe80::1-2",
            "::1 ",
            "1::*",
            "1.2.3.0255",
            "0255.1.1.1",
            "1.2.3.4-0255",
            "1.2.3.*-1",
        ] {
            assert_eq!(Kind::of(e), kind_of_by_questions(e), "{e}");
        }
    }
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("test address")
    }

    #[test]
    fn splits_and_trims() {
        let e: Vec<_> = split_entries(" a ;; b;c ;")
            .map(|e| (e.text, e.offset))
            .collect();
        assert_eq!(e, vec![("a", 1), ("b", 6), ("c", 8)]);
        assert!(means_any(""));
        assert!(means_any(" ; "));
        assert!(means_any(" * "));
        assert!(means_any("*;bob"));
        assert!(means_any("A; * "));
        assert!(!means_any("A;B*"));
    }

    #[test]
    fn parses_every_form() {
        assert_eq!(Pattern::parse("*"), Pattern::Any);
        assert_eq!(
            Pattern::parse("&My Users"),
            Pattern::LocalGroup("My Users".into())
        );
        assert_eq!(Pattern::parse("4.3.2.1"), Pattern::Ip(ip("4.3.2.1")));
        assert_eq!(
            Pattern::parse("4.3.2.*"),
            Pattern::Ipv4Wildcard {
                octets: [4, 3, 2, 0],
                fixed: 3
            }
        );
        assert_eq!(
            Pattern::parse("10.*.*.*"),
            Pattern::Ipv4Wildcard {
                octets: [10, 0, 0, 0],
                fixed: 1
            }
        );
        assert_eq!(
            Pattern::parse("4.3.2.10-50"),
            Pattern::Ipv4Range {
                prefix: [4, 3, 2],
                lo: 10,
                hi: 50
            }
        );
        assert_eq!(Pattern::parse("::1"), Pattern::Ip(ip("::1")));
        assert!(matches!(Pattern::parse("10.0.0.0/8"), Pattern::Cidr(_)));
        assert!(matches!(
            Pattern::parse("4.3.2.50-10"),
            Pattern::InvalidIp(_)
        ));
        assert!(matches!(Pattern::parse("300.1.1.1"), Pattern::InvalidIp(_)));
        assert!(matches!(Pattern::parse("4.*.2.1"), Pattern::InvalidIp(_)));
        assert!(matches!(Pattern::parse("1.2.3"), Pattern::InvalidIp(_)));
        assert!(matches!(Pattern::parse("fe80::zz"), Pattern::Name(_)));
        assert!(matches!(Pattern::parse("PC*"), Pattern::Name(_)));
        assert!(matches!(Pattern::parse("Some user"), Pattern::Name(_)));
    }

    #[test]
    fn the_compact_kind_agrees_with_the_full_parse() {
        for text in [
            "*",
            "&My Users",
            "4.3.2.1",
            "4.3.2.*",
            "10.*.*.*",
            "4.3.2.10-50",
            "::1",
            "10.0.0.0/8",
            "fe80::/10",
            "4.3.2.50-10",
            "300.1.1.1",
            "4.*.2.1",
            "1.2.3",
            "fe80::zz",
            "PC*",
            "pc*",
            "Some user",
            "some user",
            "ÄRGER",
            "ärger",
        ] {
            let p = Pattern::parse(text);
            match (Kind::of(text), &p) {
                (Kind::Name { wildcard, folded }, Pattern::Name(n)) => {
                    assert_eq!(wildcard, n.has_wildcard(), "{text}");
                    assert_eq!(folded, *n.folded == *text, "{text}");
                }
                (k, p) => assert_eq!(k, Kind::from(p), "{text}"),
            }
        }
        assert_eq!(Kind::of("4.3.2.1"), Kind::Ipv4([4, 3, 2, 1]));
        assert_eq!(Kind::of("::1"), Kind::Ipv6);
        assert_eq!(Kind::of("10.0.0.0/8"), Kind::Cidr);
        assert_eq!(Kind::of("1.2.3"), Kind::InvalidIp);
        assert_eq!(
            Kind::of("Some user"),
            Kind::Name {
                wildcard: false,
                folded: false
            }
        );
        assert_eq!(
            Kind::of("pc*"),
            Kind::Name {
                wildcard: true,
                folded: true
            }
        );
        assert!(std::mem::size_of::<Kind>() <= 8);
    }

    #[test]
    fn ip_matching() {
        assert!(Pattern::parse("::1").matches_ip(ip("0:0:0:0:0:0:0:1")));
        assert!(Pattern::parse("4.3.2.*").matches_ip(ip("4.3.2.200")));
        assert!(!Pattern::parse("4.3.2.*").matches_ip(ip("4.3.3.1")));
        assert!(Pattern::parse("4.3.2.10-50").matches_ip(ip("4.3.2.10")));
        assert!(Pattern::parse("4.3.2.10-50").matches_ip(ip("4.3.2.50")));
        assert!(!Pattern::parse("4.3.2.10-50").matches_ip(ip("4.3.2.51")));
        assert!(Pattern::parse("4.3.2.1").matches_ip(ip("::ffff:4.3.2.1")));
        assert!(!Pattern::parse("10.0.0.0/8").matches_ip(ip("10.1.1.1")));
        assert!(!Pattern::parse("4.3.2.50-10").matches_ip(ip("4.3.2.20")));
    }

    #[test]
    fn name_wildcards_are_case_insensitive() {
        let p = NamePattern::new("WS*CAD");
        assert!(p.matches("ws12cad"));
        assert!(p.matches("WSCAD"));
        assert!(!p.matches("WS12CADX"));
        assert!(NamePattern::new("PC*").matches("pc001"));
        assert!(NamePattern::new("*").matches(""));
        assert!(NamePattern::new("a*b*c").matches("abc"));
        assert!(!NamePattern::new("a*b*c").matches("acb"));
        assert!(NamePattern::new("ÄRGER").matches("ärger"));
        assert!(!NamePattern::new("ab*ab").matches("ab"));
    }

    #[test]
    fn pathological_wildcards_stay_fast() {
        let p = NamePattern::new("*a*a*a*a*a*a*a*a*b");
        let name = "a".repeat(200_000);
        assert!(!p.matches(&name));
    }
}
